/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Can this device DMA to the addresses EAL gives it? A legacy device, or a
 * modern one without VIRTIO_F_ACCESS_PLATFORM, bypasses the IOMMU and uses
 * guest-physical addresses (virtio 1.2 §6.1). Under vfio with a real IOMMU
 * group and IOVA-as-VA, those are not the IOVAs EAL programs into the
 * rings, so the device would read and write the wrong memory. Pure and
 * table-driven, so each row is unit-tested.
 */
#ifndef VNET_DMA_H
#define VNET_DMA_H

#include <stdbool.h>
#include <stddef.h>

#include "vnet_io.h"

enum vnet_dma_device {
	VNET_DMA_DEV_LEGACY = 0,     /* legacy interface: never translated */
	VNET_DMA_DEV_BYPASS,         /* modern without ACCESS_PLATFORM */
	VNET_DMA_DEV_PLATFORM,       /* modern with ACCESS_PLATFORM */
	VNET_DMA_DEV_COUNT,
};

enum vnet_dma_verdict {
	VNET_DMA_OK = 0,
	VNET_DMA_REFUSE,
};

/* What the probe knows; translated = vfio IOMMU group, not noiommu. */
struct vnet_dma_case {
	enum vnet_kdrv kdrv;
	bool translated;
	bool iova_va;
	enum vnet_dma_device device;
};

#define VNET_DMA_ANY (-1)

struct vnet_dma_rule {
	int kdrv;       /* enum vnet_kdrv or VNET_DMA_ANY */
	int translated; /* 0, 1 or VNET_DMA_ANY */
	int iova_va;    /* 0, 1 or VNET_DMA_ANY */
	int device;     /* enum vnet_dma_device or VNET_DMA_ANY */
	enum vnet_dma_verdict verdict;
	const char *fix; /* what to do, for a refusal */
};

/* The table, for docs and tests. */
const struct vnet_dma_rule *vnet_dma_rules(size_t *count);

/* First matching rule; never NULL (the last row matches everything). */
const struct vnet_dma_rule *vnet_dma_check(const struct vnet_dma_case *c);

#endif
