/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI BARs as Linux describes them in sysfs `resource`. */
#ifndef VNET_BAR_H
#define VNET_BAR_H

#include <stddef.h>
#include <stdint.h>

#define VNET_PCI_BAR_COUNT 6
#define VNET_PIO_MAX 0xffffu /* addresses up to here are x86 I/O ports */

/* Linux IORESOURCE_* flags as printed in sysfs */
#define VNET_IORESOURCE_IO 0x100
#define VNET_IORESOURCE_MEM 0x200

enum vnet_bar_kind {
	VNET_BAR_ABSENT = 0,
	VNET_BAR_PIO,  /* I/O space: in/out instructions */
	VNET_BAR_MMIO, /* memory space: loads and stores */
	VNET_BAR_KIND_COUNT,
};

struct vnet_bar {
	enum vnet_bar_kind kind;
	uint64_t start;
	uint64_t len;
	uint64_t flags;
};

const char *vnet_bar_kind_name(enum vnet_bar_kind kind);

/*
 * Classify one resource line. Flags decide; when the kernel gives
 * neither IO nor MEM, the upstream DPDK rule applies: an address below
 * 0x10000 is port I/O, anything else is MMIO.
 */
enum vnet_bar_kind vnet_bar_classify(uint64_t start, uint64_t end,
				     uint64_t flags);

/*
 * Parse the text of /sys/bus/pci/devices/<BDF>/resource (first six lines
 * are the BARs). Returns 0, or -1 with a reason in err.
 */
int vnet_bars_parse(const char *text, struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		    char *err, size_t errlen);

/* Read and parse <sysfs_dir>/<bdf>/resource. */
int vnet_bars_read(const char *sysfs_dir, const char *bdf,
		   struct vnet_bar bars[VNET_PCI_BAR_COUNT], char *err,
		   size_t errlen);

#endif
