/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vtpci_init, our way: decide whether the device is ours, map it, try the
 * modern capabilities first and fall back to legacy BAR0 access.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_pci.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_vfio.h>
#include <bus_pci_driver.h>

#include "vnet_caps.h"
#include "vnet_diagnose.h"
#include "vnet_dma.h"
#include "vnet_log.h"
#include "vnet_pci.h"
#include "vnet_spec.h"
#include "vnet_transport.h"

#define VNET_RESET_WAIT_MS 1000

static bool
has_iommu_group(const char *bdf)
{
	char link[PATH_MAX];

	snprintf(link, sizeof(link), "%s/%s/iommu_group",
		 rte_pci_get_sysfs_path(), bdf);
	return access(link, F_OK) == 0;
}

static int
pci_cfg_read(void *ctx, void *buf, size_t len, size_t off)
{
	return rte_pci_read_config(ctx, buf, len, (off_t)off);
}

static void
caps_diag(void *ctx, const char *msg)
{
	VNET_LOG(NOTICE, (const char *)ctx, "%s", msg);
}

/* Refuse what cannot work, with the line vnet-doctor would print. */
static int
check_binding(struct rte_pci_device *pci, enum vnet_kdrv kdrv)
{
	switch (vnet_diagnose(pci, kdrv)) {
	case VNET_PROBLEM_BINDING:
		return kdrv == VNET_KDRV_OTHER || kdrv == VNET_KDRV_NONE ? 1 : -ENODEV;
	case VNET_PROBLEM_PHYS_ADDR:
		return -ENOMEM;
	default:
		return 0; /* the rest is decided, and logged, as the device is mapped */
	}
}

int
vnet_transport_init(struct rte_pci_device *pci, struct vnet_hw *hw)
{
	struct vnet_cfg_access cfg = {
		.read = pci_cfg_read, .ctx = pci,
		.diag = caps_diag, .diag_ctx = hw->name,
	};
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	struct vnet_modern_layout layout;
	enum vnet_kdrv kdrv = vnet_pci_kdrv(pci);
	enum vnet_caps_result caps;
	char err[256];
	int ret, msix;

	hw->kdrv = kdrv;
	hw->iommu_group = kdrv == VNET_KDRV_VFIO && has_iommu_group(hw->name);
	ret = check_binding(pci, kdrv);
	if (ret != 0)
		return ret;

	if (vnet_bars_read(rte_pci_get_sysfs_path(), hw->name, bars, err,
			   sizeof(err)) != 0) {
		VNET_LOG(ERR, hw->name, "cannot read BARs: %s", err);
		return -EIO;
	}
	if (vnet_local_map_bus(pci, hw) != 0) {
		VNET_LOG(ERR, hw->name,
			 "mapping the device through %s failed; see the EAL messages above",
			 vnet_kdrv_name(kdrv));
		return -EIO;
	}

	caps = vnet_caps_parse(&cfg, bars, &layout);
	msix = vnet_msix_enabled(&cfg, layout.msix_cap_off);
	hw->msix_enabled = msix > 0;
	hw->msix_cap_off = layout.msix_cap_off;

	if (hw->devargs.force_legacy) {
		VNET_LOG(INFO, hw->name, "force_legacy=1: not using modern capabilities");
	} else if (caps == VNET_CAPS_MODERN) {
		ret = vnet_modern_attach(pci, hw, &layout);
		if (ret == 0) {
			VNET_LOG(INFO, hw->name, "modern virtio (capabilities: %u)",
				 layout.caps_seen);
			return 0;
		}
	} else {
		VNET_LOG(INFO, hw->name, "%s; trying legacy",
			 vnet_caps_result_str(caps));
	}

	if (vnet_pci_device_id(pci) == VNET_PCI_DEVICE_NET_MODERN) {
		if (hw->devargs.force_legacy)
			VNET_LOG(ERR, hw->name,
				 "force_legacy=1 given, but device 1af4:%04x is modern-only and has no legacy interface; drop force_legacy=1 for this device",
				 vnet_pci_device_id(pci));
		else
			VNET_LOG(ERR, hw->name,
				 "device 1af4:%04x is modern-only (no legacy BAR) and its virtio capabilities are unusable (%s, see above); refusing it",
				 vnet_pci_device_id(pci), vnet_caps_result_str(caps));
		ret = -ENOTSUP;
		goto unmap;
	}
	ret = vnet_legacy_attach(pci, hw, bars, kdrv);
	if (ret == 0)
		return 0;
unmap:
	vnet_diagnose(pci, kdrv);
	vnet_local_release(pci, hw);
	return ret;
}

void
vnet_transport_fini(struct rte_pci_device *pci, struct vnet_hw *hw)
{
	vnet_local_release(pci, hw);
}

int
vnet_transport_check_dma(struct vnet_hw *hw)
{
	struct vnet_dma_case c = {
		.kdrv = hw->kdrv,
		/* noiommu vfio groups exist in sysfs but translate nothing. */
		.translated = hw->iommu_group && rte_vfio_noiommu_is_enabled() != 1,
		.iova_va = rte_eal_iova_mode() == RTE_IOVA_VA,
		.device = !hw->modern ? VNET_DMA_DEV_LEGACY :
			  vnet_has_feature(hw, VNET_F_ACCESS_PLATFORM) ?
			  VNET_DMA_DEV_PLATFORM : VNET_DMA_DEV_BYPASS,
	};
	const struct vnet_dma_rule *rule = vnet_dma_check(&c);

	if (rule->verdict == VNET_DMA_OK)
		return 0;
	VNET_LOG(ERR, hw->name,
		 "refusing the %s device: bound to vfio-pci with an IOMMU group and EAL uses IOVA-as-VA, but the device would DMA to guest-physical addresses; %s",
		 hw->modern ? "modern" : "legacy", rule->fix);
	return -ENOTSUP;
}

int
vnet_reset(struct vnet_hw *hw)
{
	const struct vnet_transport_ops *ops = vnet_ops(hw);
	int waited;

	ops->set_status(hw, VNET_STATUS_RESET);
	for (waited = 0; waited < VNET_RESET_WAIT_MS; waited++) {
		uint8_t s = ops->get_status(hw);

		if (s == VNET_STATUS_RESET) {
			hw->reset_unconfirmed = false;
			return 0;
		}
		if (s == 0xff) {
			VNET_LOG(ERR, hw->name,
				 "device status reads 0xff: the device is gone or its registers are unreachable");
			hw->reset_unconfirmed = true;
			return -ENODEV;
		}
		/* Sleep, not spin: a slow device must not eat the core. */
		rte_delay_us_sleep(1000);
	}
	VNET_LOG(ERR, hw->name, "device did not complete reset within %d ms",
		 VNET_RESET_WAIT_MS);
	hw->reset_unconfirmed = true;
	return -ETIMEDOUT;
}

void
vnet_add_status(struct vnet_hw *hw, uint8_t bits)
{
	const struct vnet_transport_ops *ops = vnet_ops(hw);

	ops->set_status(hw, ops->get_status(hw) | bits);
}
