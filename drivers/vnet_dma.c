/* SPDX-License-Identifier: BSD-3-Clause */
#include "vnet_dma.h"

#define ANY VNET_DMA_ANY

/*
 * Read as: "a device of this kind, under this kernel driver, with or
 * without IOMMU translation, with EAL in VA mode or not". First match wins.
 * uio and noiommu vfio give physical addresses, and in PA mode IOVA equals
 * the guest-physical address, so only translated VA mode is a problem.
 */
static const struct vnet_dma_rule rules[] = {
	/* kdrv           translated iova_va device                 verdict */
	{ VNET_KDRV_VFIO, 1,         1,      VNET_DMA_DEV_LEGACY,   VNET_DMA_REFUSE,
	  "a legacy device ignores the IOMMU; run with EAL --iova-mode=pa" },
	{ VNET_KDRV_VFIO, 1,         1,      VNET_DMA_DEV_BYPASS,   VNET_DMA_REFUSE,
	  "the device does not offer VIRTIO_F_ACCESS_PLATFORM, so it ignores the IOMMU; give it iommu_platform=on (QEMU -device virtio-net-pci,iommu_platform=on) or run with EAL --iova-mode=pa" },
	{ ANY,            ANY,       ANY,    ANY,                   VNET_DMA_OK, "" },
};

const struct vnet_dma_rule *
vnet_dma_rules(size_t *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

static bool
field_matches(int rule, int value)
{
	return rule == ANY || rule == value;
}

const struct vnet_dma_rule *
vnet_dma_check(const struct vnet_dma_case *c)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (field_matches(rules[i].kdrv, (int)c->kdrv) &&
		    field_matches(rules[i].translated, c->translated) &&
		    field_matches(rules[i].iova_va, c->iova_va) &&
		    field_matches(rules[i].device, (int)c->device))
			return &rules[i];
	return &rules[sizeof(rules) / sizeof(rules[0]) - 1];
}
