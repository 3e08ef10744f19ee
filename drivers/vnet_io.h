/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Legacy register access: which method reaches BAR0 for a given kernel
 * driver and BAR kind, and the accessors for each method. No DPDK
 * dependency, so every row of the table is unit-tested.
 */
#ifndef VNET_IO_H
#define VNET_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_bar.h"

/* Kernel driver the device is bound to, as far as vnet cares. */
enum vnet_kdrv {
	VNET_KDRV_VFIO = 0,
	VNET_KDRV_IGB_UIO,
	VNET_KDRV_UIO_GENERIC,
	VNET_KDRV_OTHER, /* bound to a driver vnet cannot share, e.g. virtio-pci */
	VNET_KDRV_NONE,  /* nothing bound: DPDK >= 20.08 never lists these */
	VNET_KDRV_COUNT,
};

enum vnet_io_method {
	VNET_IO_REFUSE = 0, /* no way to reach the registers */
	VNET_IO_PORT,       /* in/out instructions after ioperm/iopl (x86 only) */
	VNET_IO_MMIO,       /* loads/stores on the BAR mapped by the PCI bus */
	VNET_IO_VFIO_RW,    /* pread/pwrite on the vfio device fd: a syscall each */
	VNET_IO_METHOD_COUNT,
};

/* The legacy_io devarg: how a legacy BAR0 is reached (docs/devargs.md). */
enum vnet_legacy_io {
	VNET_LEGACY_IO_AUTO = 0, /* the fastest method that opens, else the fallback */
	VNET_LEGACY_IO_PORT,     /* in/out instructions, or refuse */
	VNET_LEGACY_IO_VFIO,     /* pread/pwrite on the vfio device fd */
	VNET_LEGACY_IO_COUNT,
	VNET_LEGACY_IO_ANY = VNET_LEGACY_IO_COUNT, /* table rows: every value */
};

struct vnet_io_rule {
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	enum vnet_legacy_io legacy_io; /* or VNET_LEGACY_IO_ANY */
	enum vnet_io_method method;
	enum vnet_io_method fallback; /* when method cannot be set up */
	const char *why;
};

const char *vnet_kdrv_name(enum vnet_kdrv kdrv);
const char *vnet_io_method_name(enum vnet_io_method method);
const char *vnet_legacy_io_name(enum vnet_legacy_io v);

/* The decision table, for docs and tests: n rows via *count. */
const struct vnet_io_rule *vnet_io_rules(size_t *count);

/*
 * Look up the rule for (kdrv, bar, legacy_io): the row for that legacy_io
 * value, else the VNET_LEGACY_IO_ANY row. Never NULL.
 */
const struct vnet_io_rule *vnet_io_rule_find(enum vnet_kdrv kdrv,
					     enum vnet_bar_kind bar,
					     enum vnet_legacy_io legacy_io);

/* A legacy register window opened with one method. */
struct vnet_io {
	enum vnet_io_method method;
	uint64_t len;
	uint16_t port;          /* VNET_IO_PORT */
	volatile uint8_t *mmio; /* VNET_IO_MMIO */
	int fd;                 /* VNET_IO_VFIO_RW */
	uint64_t fd_offset;     /* VNET_IO_VFIO_RW: region offset in the fd */
	int last_error;         /* errno of the latest access, 0 if it worked */
	const char *via;        /* how it was opened: "ioperm", "iopl(3)", ... */
};

/* Inputs needed by the open functions; unused fields may stay 0. */
struct vnet_io_target {
	const struct vnet_bar *bar;
	unsigned int bar_index;
	void *mapped;  /* BAR mapping owned by the PCI bus, if any */
	int vfio_fd;   /* vfio device fd, or -1 */
	uint64_t page_size; /* 0: sysconf(_SC_PAGESIZE) */
};

/*
 * Open the window with one method. Returns 0, or -errno with a message in
 * err that says what to do.
 */
int vnet_io_open(struct vnet_io *io, enum vnet_io_method method,
		 const struct vnet_io_target *t, char *err, size_t errlen);

/*
 * Open the window as rule says: its method, else its fallback. On success
 * info says which method is in use and why, in words for an INFO line
 * ("port I/O 0xc000-0xc01f via ioperm (legacy_io=auto)"). Returns 0, or
 * -errno with the reason and what to do in err.
 */
int vnet_io_open_rule(struct vnet_io *io, const struct vnet_io_rule *rule,
		      enum vnet_legacy_io legacy_io,
		      const struct vnet_io_target *t, char *info, size_t infolen,
		      char *err, size_t errlen);

/* VFIO_DEVICE_GET_REGION_INFO on a vfio device fd; unit tests replace it. */
struct vfio_region_info;
extern int (*vnet_io_region_info)(int fd, struct vfio_region_info *info);

/* Open a window on a plain fd at a given offset (vfio region or a file). */
void vnet_io_init_fd(struct vnet_io *io, int fd, uint64_t offset,
		     uint64_t len);

uint8_t vnet_io_read8(struct vnet_io *io, uint32_t reg);
uint16_t vnet_io_read16(struct vnet_io *io, uint32_t reg);
uint32_t vnet_io_read32(struct vnet_io *io, uint32_t reg);
void vnet_io_write8(struct vnet_io *io, uint32_t reg, uint8_t v);
void vnet_io_write16(struct vnet_io *io, uint32_t reg, uint16_t v);
void vnet_io_write32(struct vnet_io *io, uint32_t reg, uint32_t v);

#endif
