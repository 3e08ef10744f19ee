/* SPDX-License-Identifier: BSD-3-Clause */
/* Virtio 0.9.5 ("legacy") PCI transport: registers in BAR0, any BAR kind. */
#include <errno.h>
#include <inttypes.h>

#include <rte_bus_pci.h>
#include <rte_interrupts.h>
#include <bus_pci_driver.h>

#include "vnet_log.h"
#include "vnet_pci.h"
#include "vnet_spec.h"
#include "vnet_transport.h"

static inline struct vnet_io *
io(struct vnet_hw *hw)
{
	return &vnet_local(hw)->legacy_io;
}

static uint8_t
legacy_get_status(struct vnet_hw *hw)
{
	return vnet_io_read8(io(hw), VNET_LEGACY_STATUS);
}

static void
legacy_set_status(struct vnet_hw *hw, uint8_t status)
{
	vnet_io_write8(io(hw), VNET_LEGACY_STATUS, status);
}

static uint64_t
legacy_get_features(struct vnet_hw *hw)
{
	return vnet_io_read32(io(hw), VNET_LEGACY_HOST_FEATURES);
}

static void
legacy_set_features(struct vnet_hw *hw, uint64_t features)
{
	/* Legacy has only 32 feature bits; callers never ask for more. */
	vnet_io_write32(io(hw), VNET_LEGACY_GUEST_FEATURES, (uint32_t)features);
}

static uint8_t
legacy_get_isr(struct vnet_hw *hw)
{
	return vnet_io_read8(io(hw), VNET_LEGACY_ISR);
}

static int
legacy_read_dev_cfg(struct vnet_hw *hw, uint32_t off, void *dst, size_t len)
{
	uint8_t *out = dst;
	uint64_t start = (uint64_t)hw->legacy_cfg_off + off;
	size_t i;
	int err = 0;

	if (start + len > io(hw)->len)
		return -ERANGE;
	for (i = 0; i < len; i++) {
		out[i] = vnet_io_read8(io(hw), (uint32_t)(start + i));
		if (io(hw)->last_error != 0)
			err = io(hw)->last_error;
	}
	return -err;
}

static uint16_t
legacy_get_queue_size(struct vnet_hw *hw, uint16_t index)
{
	vnet_io_write16(io(hw), VNET_LEGACY_QUEUE_SEL, index);
	return vnet_io_read16(io(hw), VNET_LEGACY_QUEUE_NUM);
}

static int
legacy_setup_queue(struct vnet_hw *hw, const struct vnet_queue_addrs *q,
		   uint32_t *notify_off)
{
	uint64_t pfn = q->desc >> VNET_LEGACY_PFN_SHIFT;

	/* The PFN register is 32 bits of 4 KiB pages: 16 TiB of IOVA. */
	if (q->desc & (VNET_LEGACY_RING_ALIGN - 1) || pfn > UINT32_MAX) {
		VNET_LOG(ERR, hw->name,
			 "queue %u: ring IOVA 0x%" PRIx64 " is %s; legacy devices need a 4 KiB-aligned ring below 16 TiB (try EAL --iova-mode=pa)",
			 q->index, q->desc,
			 pfn > UINT32_MAX ? "above 16 TiB" : "not 4 KiB aligned");
		return -ERANGE;
	}
	vnet_io_write16(io(hw), VNET_LEGACY_QUEUE_SEL, q->index);
	/* The vector registers exist only while MSI-X is on (virtio 1.2 §4.1.4.8). */
	if (hw->msix_enabled) {
		vnet_io_write16(io(hw), VNET_LEGACY_MSIX_QUEUE, q->vector);
		if (q->vector != VNET_MSI_NO_VECTOR &&
		    vnet_io_read16(io(hw), VNET_LEGACY_MSIX_QUEUE) != q->vector) {
			VNET_LOG(ERR, hw->name,
				 "queue %u: device refused MSI-X vector %u (reads back 0x%x); give the device more vectors or use fewer rx queues with interrupts",
				 q->index, q->vector,
				 vnet_io_read16(io(hw), VNET_LEGACY_MSIX_QUEUE));
			return -ENOSPC;
		}
	}
	vnet_io_write32(io(hw), VNET_LEGACY_QUEUE_PFN, (uint32_t)pfn);
	if (vnet_io_read32(io(hw), VNET_LEGACY_QUEUE_PFN) != (uint32_t)pfn) {
		VNET_LOG(ERR, hw->name,
			 "queue %u: device did not accept ring PFN 0x%" PRIx64,
			 q->index, pfn);
		return -EIO;
	}
	*notify_off = 0; /* one QUEUE_NOTIFY register for every queue */
	return 0;
}

static int
legacy_notify(struct vnet_hw *hw, uint16_t index, uint32_t notify_off)
{
	RTE_SET_USED(notify_off);
	vnet_io_write16(io(hw), VNET_LEGACY_QUEUE_NOTIFY, index);
	return -io(hw)->last_error;
}

static uint16_t
legacy_set_config_vector(struct vnet_hw *hw, uint16_t vector)
{
	if (!hw->msix_enabled)
		return VNET_MSI_NO_VECTOR;
	vnet_io_write16(io(hw), VNET_LEGACY_MSIX_CONFIG, vector);
	return vnet_io_read16(io(hw), VNET_LEGACY_MSIX_CONFIG);
}

const struct vnet_transport_ops vnet_legacy_ops = {
	.name = "legacy",
	.get_status = legacy_get_status,
	.set_status = legacy_set_status,
	.get_features = legacy_get_features,
	.set_features = legacy_set_features,
	.get_isr = legacy_get_isr,
	.read_dev_cfg = legacy_read_dev_cfg,
	.get_queue_size = legacy_get_queue_size,
	.setup_queue = legacy_setup_queue,
	.notify = legacy_notify,
	.set_config_vector = legacy_set_config_vector,
};

/* This process's window on BAR0: every process opens its own. */
int
vnet_legacy_open(struct rte_pci_device *pci, struct vnet_hw *hw,
		 const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		 enum vnet_kdrv kdrv)
{
	enum vnet_legacy_io li = hw->devargs.legacy_io;
	const struct vnet_io_rule *rule =
		vnet_io_rule_find(kdrv, bars[0].kind, li);
	struct vnet_io_target t = {
		.bar = &bars[0],
		.bar_index = 0,
		.mapped = vnet_local(hw)->bar[0],
		.vfio_fd = kdrv == VNET_KDRV_VFIO ?
			   vnet_pci_vfio_fd(pci) : -1,
	};
	char info[512], err[512];
	int ret;

	ret = vnet_io_open_rule(&vnet_local(hw)->legacy_io, rule, li, &t, info,
				sizeof(info), err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "legacy BAR0 (%s) under %s cannot be used: %s",
			 vnet_bar_kind_name(bars[0].kind), vnet_kdrv_name(kdrv),
			 err);
		return ret;
	}
	VNET_LOG(INFO, hw->name, "legacy BAR0 %s", info);
	vnet_local(hw)->ops = &vnet_legacy_ops;
	return 0;
}

int
vnet_legacy_attach(struct rte_pci_device *pci, struct vnet_hw *hw,
		   const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		   enum vnet_kdrv kdrv)
{
	int ret = vnet_legacy_open(pci, hw, bars, kdrv);

	if (ret != 0)
		return ret;
	hw->legacy_cfg_off = vnet_legacy_config_offset(hw->msix_enabled);
	hw->modern = false;
	VNET_LOG(INFO, hw->name,
		 "legacy virtio: BAR0 %s under %s, access %s, device config at %u",
		 vnet_bar_kind_name(bars[0].kind), vnet_kdrv_name(kdrv),
		 vnet_io_method_name(vnet_local(hw)->legacy_io.method),
		 hw->legacy_cfg_off);
	return 0;
}
