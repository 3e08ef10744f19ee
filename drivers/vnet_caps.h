/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtio vendor-capability walk and validation. It sees config space only
 * through a read callback, so unit tests run it on captured byte images.
 */
#ifndef VNET_CAPS_H
#define VNET_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_bar.h"

/* Read len bytes of PCI config space at off; returns bytes read or < 0. */
typedef int (*vnet_cfg_read_fn)(void *ctx, void *buf, size_t len, size_t off);
/* Receives one human-readable line per rejected or suspicious capability. */
typedef void (*vnet_diag_fn)(void *ctx, const char *msg);

struct vnet_cfg_access {
	vnet_cfg_read_fn read;
	void *ctx;
	vnet_diag_fn diag; /* may be NULL */
	void *diag_ctx;
};

struct vnet_cap_region {
	bool present;
	uint8_t bar;
	uint8_t cap_off; /* where the capability sits in config space */
	uint32_t offset;
	uint32_t length;
};

struct vnet_modern_layout {
	struct vnet_cap_region common;
	struct vnet_cap_region notify;
	struct vnet_cap_region isr;
	struct vnet_cap_region device;
	struct vnet_cap_region pci_cfg;
	uint32_t notify_off_multiplier;
	uint8_t msix_cap_off; /* 0 when the device has no MSI-X capability */
	unsigned int caps_seen;
	unsigned int virtio_caps_seen; /* 0 on a plain legacy device */
};

enum vnet_caps_result {
	VNET_CAPS_MODERN = 0,     /* common, notify, ISR and device all valid */
	VNET_CAPS_NO_LIST,        /* no capability list at all */
	VNET_CAPS_NO_VIRTIO,      /* list walked, no virtio capability: legacy */
	VNET_CAPS_INCOMPLETE,     /* some virtio caps, a required region is missing */
	VNET_CAPS_BROKEN_LIST,    /* loop, bad pointer or unreadable config */
};

/* Largest number of capabilities that fit in 192 bytes of 4-byte slots. */
#define VNET_CAPS_MAX_WALK 48
/* Sanity cap on notify_off_multiplier: far above any real device. */
#define VNET_NOTIFY_MULT_MAX 0x10000

const char *vnet_caps_result_str(enum vnet_caps_result r);

/*
 * Walk the capability list, validate every virtio capability against the
 * BAR it names and fill out with the first valid one of each type.
 */
enum vnet_caps_result vnet_caps_parse(const struct vnet_cfg_access *cfg,
				      const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
				      struct vnet_modern_layout *out);

/* Whether the MSI-X capability at cap_off is enabled; -1 if unreadable. */
int vnet_msix_enabled(const struct vnet_cfg_access *cfg, uint8_t cap_off);

#endif
