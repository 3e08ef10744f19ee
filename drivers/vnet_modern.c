/* SPDX-License-Identifier: BSD-3-Clause */
/* Virtio 1.x PCI transport: registers in memory BARs found by capabilities. */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_io.h>
#include <bus_pci_driver.h>

#include "vnet_caps.h"
#include "vnet_log.h"
#include "vnet_pci.h"
#include "vnet_spec.h"
#include "vnet_transport.h"

/* Bound on config_generation retries: a device that never settles is broken. */
#define VNET_CFG_GENERATION_TRIES 64

static inline uint8_t
common_read8(struct vnet_hw *hw, uint32_t off)
{
	return rte_read8(vnet_local(hw)->common + off);
}

static inline uint16_t
common_read16(struct vnet_hw *hw, uint32_t off)
{
	return rte_le_to_cpu_16(rte_read16(vnet_local(hw)->common + off));
}

static inline uint32_t
common_read32(struct vnet_hw *hw, uint32_t off)
{
	return rte_le_to_cpu_32(rte_read32(vnet_local(hw)->common + off));
}

static inline void
common_write8(struct vnet_hw *hw, uint32_t off, uint8_t v)
{
	rte_write8(v, vnet_local(hw)->common + off);
}

static inline void
common_write16(struct vnet_hw *hw, uint32_t off, uint16_t v)
{
	rte_write16(rte_cpu_to_le_16(v), vnet_local(hw)->common + off);
}

static inline void
common_write32(struct vnet_hw *hw, uint32_t off, uint32_t v)
{
	rte_write32(rte_cpu_to_le_32(v), vnet_local(hw)->common + off);
}

/* 64-bit fields are written as two 32-bit halves, low first. */
static inline void
common_write64(struct vnet_hw *hw, uint32_t lo_off, uint64_t v)
{
	common_write32(hw, lo_off, (uint32_t)v);
	common_write32(hw, lo_off + 4, (uint32_t)(v >> 32));
}

static uint8_t
modern_get_status(struct vnet_hw *hw)
{
	return common_read8(hw, VNET_COMMON_STATUS);
}

static void
modern_set_status(struct vnet_hw *hw, uint8_t status)
{
	common_write8(hw, VNET_COMMON_STATUS, status);
}

static uint64_t
modern_get_features(struct vnet_hw *hw)
{
	uint32_t lo, hi;

	common_write32(hw, VNET_COMMON_DFSELECT, 0);
	lo = common_read32(hw, VNET_COMMON_DF);
	common_write32(hw, VNET_COMMON_DFSELECT, 1);
	hi = common_read32(hw, VNET_COMMON_DF);
	return (uint64_t)hi << 32 | lo;
}

static void
modern_set_features(struct vnet_hw *hw, uint64_t features)
{
	common_write32(hw, VNET_COMMON_GFSELECT, 0);
	common_write32(hw, VNET_COMMON_GF, (uint32_t)features);
	common_write32(hw, VNET_COMMON_GFSELECT, 1);
	common_write32(hw, VNET_COMMON_GF, (uint32_t)(features >> 32));
}

static uint8_t
modern_get_isr(struct vnet_hw *hw)
{
	return rte_read8(vnet_local(hw)->isr);
}

/*
 * One field with an access of its own width (virtio 1.2 §4.1.3.1: le16 and
 * le32 fields are read whole); anything else, like the MAC, byte by byte.
 */
static void
read_dev_field(struct vnet_hw *hw, uint32_t off, void *dst, size_t len)
{
	uint8_t *out = dst;
	uint16_t v16;
	uint32_t v32;
	size_t i;

	if (len == 2 && off % 2 == 0) {
		v16 = rte_read16(vnet_local(hw)->device + off);
		memcpy(dst, &v16, 2);
	} else if (len == 4 && off % 4 == 0) {
		v32 = rte_read32(vnet_local(hw)->device + off);
		memcpy(dst, &v32, 4);
	} else {
		for (i = 0; i < len; i++)
			out[i] = rte_read8(vnet_local(hw)->device + off + i);
	}
}

static int
modern_read_dev_cfg(struct vnet_hw *hw, uint32_t off, void *dst, size_t len)
{
	int tries;

	if ((uint64_t)off + len > hw->device_len)
		return -ERANGE;
	/* Re-read until config_generation is stable around the copy. */
	for (tries = 0; tries < VNET_CFG_GENERATION_TRIES; tries++) {
		uint8_t before = common_read8(hw, VNET_COMMON_CFGGENERATION);

		read_dev_field(hw, off, dst, len);
		if (common_read8(hw, VNET_COMMON_CFGGENERATION) == before)
			return 0;
	}
	VNET_LOG(ERR, hw->name,
		 "device config kept changing (config_generation unstable after %d reads); the device is misbehaving",
		 VNET_CFG_GENERATION_TRIES);
	return -EAGAIN;
}

static uint16_t
modern_get_queue_size(struct vnet_hw *hw, uint16_t index)
{
	common_write16(hw, VNET_COMMON_Q_SELECT, index);
	return common_read16(hw, VNET_COMMON_Q_SIZE);
}

static int
modern_setup_queue(struct vnet_hw *hw, const struct vnet_queue_addrs *q,
		   uint32_t *notify_off_out)
{
	uint64_t notify_off;

	common_write16(hw, VNET_COMMON_Q_SELECT, q->index);
	notify_off = (uint64_t)common_read16(hw, VNET_COMMON_Q_NOFF) *
		     hw->notify_off_multiplier;
	if (notify_off + sizeof(uint16_t) > hw->notify_len) {
		VNET_LOG(ERR, hw->name,
			 "queue %u: notify offset 0x%" PRIx64 " is outside the %u-byte notify region; the device's notify capability is inconsistent",
			 q->index, notify_off, hw->notify_len);
		return -EINVAL;
	}
	common_write16(hw, VNET_COMMON_Q_SIZE, q->size);
	/* A vector the device cannot use reads back as NO_VECTOR (virtio 1.2 §4.1.4.3). */
	common_write16(hw, VNET_COMMON_Q_MSIX, q->vector);
	if (q->vector != VNET_MSI_NO_VECTOR &&
	    common_read16(hw, VNET_COMMON_Q_MSIX) != q->vector) {
		VNET_LOG(ERR, hw->name,
			 "queue %u: device refused MSI-X vector %u (reads back 0x%x); give the device more vectors or use fewer rx queues with interrupts",
			 q->index, q->vector, common_read16(hw, VNET_COMMON_Q_MSIX));
		return -ENOSPC;
	}
	common_write64(hw, VNET_COMMON_Q_DESCLO, q->desc);
	common_write64(hw, VNET_COMMON_Q_AVAILLO, q->avail);
	common_write64(hw, VNET_COMMON_Q_USEDLO, q->used);
	common_write16(hw, VNET_COMMON_Q_ENABLE, 1);
	*notify_off_out = (uint32_t)notify_off;
	return 0;
}

static int
modern_notify(struct vnet_hw *hw, uint16_t index, uint32_t notify_off)
{
	rte_write16(rte_cpu_to_le_16(index),
		    vnet_local(hw)->notify_base + notify_off);
	return 0; /* a memory store cannot fail */
}

static uint16_t
modern_set_config_vector(struct vnet_hw *hw, uint16_t vector)
{
	common_write16(hw, VNET_COMMON_MSIX, vector);
	return common_read16(hw, VNET_COMMON_MSIX);
}

const struct vnet_transport_ops vnet_modern_ops = {
	.name = "modern",
	.get_status = modern_get_status,
	.set_status = modern_set_status,
	.get_features = modern_get_features,
	.set_features = modern_set_features,
	.get_isr = modern_get_isr,
	.read_dev_cfg = modern_read_dev_cfg,
	.get_queue_size = modern_get_queue_size,
	.setup_queue = modern_setup_queue,
	.notify = modern_notify,
	.set_config_vector = modern_set_config_vector,
};

static uint8_t *
region_addr(const struct vnet_local *l, const struct vnet_cap_region *r)
{
	if (r->bar >= VNET_PCI_BAR_COUNT || l->bar[r->bar] == NULL ||
	    (uint64_t)r->offset + r->length > l->bar_len[r->bar])
		return NULL;
	return l->bar[r->bar] + r->offset;
}

/* This process's addresses of the regions hw->layout describes. */
int
vnet_modern_map(struct vnet_hw *hw)
{
	struct vnet_local *l = vnet_local(hw);

	l->common = region_addr(l, &hw->layout.common);
	l->notify_base = region_addr(l, &hw->layout.notify);
	l->isr = region_addr(l, &hw->layout.isr);
	l->device = region_addr(l, &hw->layout.device);
	if (l->common == NULL || l->notify_base == NULL || l->isr == NULL ||
	    l->device == NULL)
		return -ENXIO;
	l->ops = &vnet_modern_ops;
	return 0;
}

int
vnet_modern_attach(struct rte_pci_device *pci, struct vnet_hw *hw,
		   const struct vnet_modern_layout *layout)
{
	RTE_SET_USED(pci);
	hw->layout = *layout;
	if (vnet_modern_map(hw) != 0) {
		VNET_LOG(NOTICE, hw->name,
			 "modern capabilities are valid but their BARs are not mapped by the PCI bus; trying legacy");
		return -ENXIO;
	}
	hw->notify_len = layout->notify.length;
	hw->device_len = layout->device.length;
	hw->notify_off_multiplier = layout->notify_off_multiplier;
	hw->modern = true;
	return 0;
}
