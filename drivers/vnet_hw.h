/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-device state. struct vnet_hw lives in the ethdev private area
 * (shared memory); anything that differs between processes (function
 * pointers, fds, port-I/O windows) lives in struct vnet_local instead.
 */
#ifndef VNET_HW_H
#define VNET_HW_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ethdev.h>
#include <rte_pci.h>

#include "vnet_caps.h"
#include "vnet_intr_plan.h"
#include "vnet_io.h"
#include "vnet_vring_state.h"

#define VNET_MAX_QUEUE_PAIRS 16 /* queue pairs a port uses (VIRTIO_NET_F_MQ) */
#define VNET_MAX_VQS (2 * VNET_MAX_QUEUE_PAIRS)

struct vnet_ctrl;
struct vnet_virtqueue;
struct vnet_transport_ops;

/* Devargs: see vnet_devargs.c and docs/devargs.md. */
struct vnet_devargs {
	bool force_legacy; /* use the legacy interface of a transitional device */
	bool event_idx;    /* offer VIRTIO_RING_F_EVENT_IDX */
	uint32_t speed;    /* Mbps reported by link_update; 0 = unknown */
	/* Ring features: 1 = use when the device offers them, 0 = never. */
	bool packed;       /* VIRTIO_F_RING_PACKED (modern devices) */
	bool in_order;     /* VIRTIO_F_IN_ORDER */
	bool indirect;     /* VIRTIO_RING_F_INDIRECT_DESC (tx) */
	uint8_t ring_explicit; /* bit i: ring_bools[i] was given (vnet_devargs.c) */
	enum vnet_legacy_io legacy_io; /* how a legacy BAR0 is reached */
};

/* "vnet" plus the layout size: a secondary checks the primary's hw is ours. */
#define VNET_HW_MAGIC (UINT64_C(0x766e6574) << 32 | sizeof(struct vnet_hw))

struct vnet_hw {
	uint64_t magic;
	char name[PCI_PRI_STR_SIZE + 1]; /* PCI address, for every log line */
	uint16_t port_id;
	bool modern;
	enum vnet_kdrv kdrv;
	bool iommu_group;      /* sysfs lists an IOMMU group for the device */
	bool started;
	bool reset_event_raised; /* RTE_ETH_EVENT_INTR_RESET sent since probe */
	bool reset_unconfirmed;  /* the device never acknowledged a reset */
	int health;              /* last enum vnet_health verdict logged */
	uint64_t host_features;
	uint64_t guest_features;
	uint64_t offload_features; /* asked for by the offloads at configure */
	uint16_t max_queue_pairs;
	uint16_t mtu;          /* from device config if VIRTIO_NET_F_MTU */
	uint16_t net_hdr_size; /* virtio_net_hdr size for the negotiated mode */
	enum vnet_layout ring_layout; /* of every queue, control queue included */
	enum vnet_ring_kind ring_kind; /* and whether they complete in order */
	uint64_t ring_logged; /* ring feature bits last logged, + 1; 0: none */
	struct rte_ether_addr mac;
	struct vnet_devargs devargs;

	/* Modern: where the regions are; each process maps them (vnet_local). */
	struct vnet_modern_layout layout;
	uint32_t device_len;
	uint32_t notify_len;
	uint32_t notify_off_multiplier;

	/* Legacy: where device config starts in BAR0 (20, or 24 with MSI-X). */
	uint32_t legacy_cfg_off;
	bool msix_enabled;
	uint8_t msix_cap_off;  /* 0: no MSI-X capability */
	uint16_t msix_table;   /* MSI-X table entries */

	/* Interrupts as set up by dev_start (vnet_intr.c). */
	struct vnet_intr_plan intr;
	bool intr_on;

	/* Device queue sizes, read after FEATURES_OK (virtio 1.2 §3.1.1). */
	uint16_t queue_max[VNET_MAX_VQS];
	struct vnet_virtqueue *vqs[VNET_MAX_VQS];

	/* Control virtqueue (vnet_ctrl.c); NULL without VIRTIO_NET_F_CTRL_VQ. */
	struct vnet_ctrl *ctrl;
	uint16_t dev_queue_pairs; /* the device's max_virtqueue_pairs */
};

/*
 * What only this process may use for a given port: code and BAR addresses
 * differ between processes (the plugin and the BARs may be mapped
 * elsewhere), and port I/O needs iopl in each process.
 */
struct vnet_local {
	const struct vnet_transport_ops *ops;
	struct vnet_io legacy_io;
	/* BARs as this process sees them: the PCI bus's mapping or its own. */
	uint8_t *bar[VNET_PCI_BAR_COUNT];
	uint64_t bar_len[VNET_PCI_BAR_COUNT];
	bool bars_owned; /* mmapped from sysfs here: unmapped at fini */
	bool bus_mapped; /* rte_pci_map_device() done: undone at fini */
	/* Modern: regions inside those BARs. */
	uint8_t *common;
	uint8_t *isr;
	uint8_t *device;
	uint8_t *notify_base;
};

extern struct vnet_local vnet_locals[RTE_MAX_ETHPORTS];

static inline struct vnet_local *
vnet_local(const struct vnet_hw *hw)
{
	return &vnet_locals[hw->port_id];
}

static inline bool
vnet_has_feature(const struct vnet_hw *hw, unsigned int bit)
{
	return (hw->guest_features & (UINT64_C(1) << bit)) != 0;
}

#endif
