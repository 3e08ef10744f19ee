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
	/*
	 * Program a queue; on success *notify_off is where its doorbell sits
	 * in the notify region (shared: each process adds its own mapping).
	 */
	int (*setup_queue)(struct vnet_hw *hw, const struct vnet_queue_addrs *q,
			   uint32_t *notify_off);
	/*
	 * Ring the queue's doorbell; 0, or -errno when the write did not
	 * happen (a legacy BAR0 reached by port I/O or vfio pread/pwrite).
	 */
	int (*notify)(struct vnet_hw *hw, uint16_t index, uint32_t notify_off);
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
 * This process's BARs (vnet_local.c): the PCI bus's mapping, or memory
 * BARs mmapped from sysfs; vnet_local_release() undoes either and clears
 * the port's vnet_local.
 */
int vnet_local_map_bus(struct rte_pci_device *pci, struct vnet_hw *hw);
int vnet_local_map_sysfs(struct vnet_hw *hw,
			 const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
			 char *err, size_t errlen);
void vnet_local_release(struct rte_pci_device *pci, struct vnet_hw *hw);

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
/* The per-process halves of the above, for every process. */
int vnet_modern_map(struct vnet_hw *hw);
int vnet_legacy_open(struct rte_pci_device *pci, struct vnet_hw *hw,
		     const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		     enum vnet_kdrv kdrv);

#endif
