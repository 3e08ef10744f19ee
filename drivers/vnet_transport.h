/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transport: legacy or modern virtio-pci behind one ops table.
 * vnet_transport_init() is our vtpci_init: modern first, legacy fallback.
 */
#ifndef VNET_TRANSPORT_H
#define VNET_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "vnet_caps.h"
#include "vnet_hw.h"

struct rte_pci_device;

/* Addresses the device needs for one split virtqueue. */
struct vnet_queue_addrs {
	uint16_t index;
	uint16_t size;
	uint64_t desc;
	uint64_t avail;
	uint64_t used;
	uint16_t vector; /* MSI-X vector, VNET_MSI_NO_VECTOR for none */
};

struct vnet_transport_ops {
	const char *name;
	uint8_t (*get_status)(struct vnet_hw *hw);
	void (*set_status)(struct vnet_hw *hw, uint8_t status);
	uint64_t (*get_features)(struct vnet_hw *hw);
	void (*set_features)(struct vnet_hw *hw, uint64_t features);
	uint8_t (*get_isr)(struct vnet_hw *hw);
	/* Device-specific config; 0 or -errno (out of range, unstable). */
	int (*read_dev_cfg)(struct vnet_hw *hw, uint32_t off, void *dst,
			    size_t len);
	uint16_t (*get_queue_size)(struct vnet_hw *hw, uint16_t index);
	/* Program a queue; on success *notify_addr is set (NULL for legacy). */
	int (*setup_queue)(struct vnet_hw *hw, const struct vnet_queue_addrs *q,
			   void **notify_addr);
	void (*notify)(struct vnet_hw *hw, uint16_t index, void *notify_addr);
	/* Set the config-change MSI-X vector; returns what the device kept. */
	uint16_t (*set_config_vector)(struct vnet_hw *hw, uint16_t vector);
};

extern const struct vnet_transport_ops vnet_modern_ops;
extern const struct vnet_transport_ops vnet_legacy_ops;

static inline const struct vnet_transport_ops *
vnet_ops(const struct vnet_hw *hw)
{
	return vnet_local(hw)->ops;
}

/*
 * Map the device and choose its transport. Returns 0 on success, 1 when
 * the device is not ours to drive (already logged), -errno on error.
 */
int vnet_transport_init(struct rte_pci_device *pci, struct vnet_hw *hw);
void vnet_transport_fini(struct rte_pci_device *pci, struct vnet_hw *hw);

/*
 * Refuse a device that would bypass the IOMMU EAL relies on (see
 * vnet_dma.h); call once features are known. 0 or -ENOTSUP, logged.
 */
int vnet_transport_check_dma(struct vnet_hw *hw);

/* Reset and wait for the device to acknowledge it (bounded). */
int vnet_reset(struct vnet_hw *hw);
/* Status bits are only ever added, as the spec requires. */
void vnet_add_status(struct vnet_hw *hw, uint8_t bits);

/* Set up by vnet_modern.c / vnet_legacy.c. */
int vnet_modern_attach(struct rte_pci_device *pci, struct vnet_hw *hw,
		       const struct vnet_modern_layout *layout);
int vnet_legacy_attach(struct rte_pci_device *pci, struct vnet_hw *hw,
		       const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		       enum vnet_kdrv kdrv);

#endif
