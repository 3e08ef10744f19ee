/* SPDX-License-Identifier: BSD-3-Clause */
/* Which method reaches a legacy BAR0: the decision table and its names. */
#include <stddef.h>

#include "vnet_io.h"

/*
 * The whole kdrv x BAR-kind x legacy_io decision, in one place. Read it as:
 * "a legacy BAR0 of this kind, under this kernel driver, with this
 * legacy_io devarg, is reached this way, else that way". A row for one
 * legacy_io value wins over the ANY row of the same driver and BAR kind.
 */
#define ANY VNET_LEGACY_IO_ANY
static const struct vnet_io_rule rules[] = {
	/* kernel driver         BAR0 kind      legacy_io             method            fallback */
	{ VNET_KDRV_VFIO,        VNET_BAR_PIO,  VNET_LEGACY_IO_AUTO,  VNET_IO_PORT,     VNET_IO_VFIO_RW,
	  "in/out on the BAR's ports (no syscall per access); vfio's pread/pwrite region when ioperm and iopl are refused" },
	{ VNET_KDRV_VFIO,        VNET_BAR_PIO,  VNET_LEGACY_IO_PORT,  VNET_IO_PORT,     VNET_IO_REFUSE,
	  "legacy_io=port asks for in/out on the BAR's ports, or nothing" },
	{ VNET_KDRV_VFIO,        VNET_BAR_PIO,  VNET_LEGACY_IO_VFIO,  VNET_IO_VFIO_RW,  VNET_IO_REFUSE,
	  "legacy_io=vfio asks for vfio's pread/pwrite region: one syscall per register access" },
	{ VNET_KDRV_VFIO,        VNET_BAR_MMIO, VNET_LEGACY_IO_AUTO,  VNET_IO_MMIO,     VNET_IO_VFIO_RW,
	  "loads/stores when vfio lets the BAR be mmapped, else pread/pwrite" },
	{ VNET_KDRV_VFIO,        VNET_BAR_MMIO, VNET_LEGACY_IO_PORT,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=port needs an I/O BAR0, but this BAR0 is memory; use legacy_io=auto" },
	{ VNET_KDRV_VFIO,        VNET_BAR_MMIO, VNET_LEGACY_IO_VFIO,  VNET_IO_VFIO_RW,  VNET_IO_REFUSE,
	  "legacy_io=vfio asks for vfio's pread/pwrite region: one syscall per register access" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_PIO,  ANY,                  VNET_IO_PORT,     VNET_IO_REFUSE,
	  "in/out at the sysfs resource address, after ioperm or iopl" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_MMIO, ANY,                  VNET_IO_MMIO,     VNET_IO_REFUSE,
	  "the BAR mapped through uio" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO,  ANY,                  VNET_IO_PORT,     VNET_IO_REFUSE,
	  "in/out at the sysfs resource address, after ioperm or iopl" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, ANY,                  VNET_IO_MMIO,     VNET_IO_REFUSE,
	  "the BAR mapped through sysfs resource0" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_MMIO, VNET_LEGACY_IO_PORT,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=port needs an I/O BAR0, but this BAR0 is memory; use legacy_io=auto" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, VNET_LEGACY_IO_PORT,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=port needs an I/O BAR0, but this BAR0 is memory; use legacy_io=auto" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_PIO,  VNET_LEGACY_IO_VFIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=vfio needs the device bound to vfio-pci; bind it there or use legacy_io=auto" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_MMIO, VNET_LEGACY_IO_VFIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=vfio needs the device bound to vfio-pci; bind it there or use legacy_io=auto" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO,  VNET_LEGACY_IO_VFIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=vfio needs the device bound to vfio-pci; bind it there or use legacy_io=auto" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, VNET_LEGACY_IO_VFIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "legacy_io=vfio needs the device bound to vfio-pci; bind it there or use legacy_io=auto" },
	{ VNET_KDRV_OTHER,       VNET_BAR_PIO,  ANY,                  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "the bound kernel driver owns the device" },
	{ VNET_KDRV_OTHER,       VNET_BAR_MMIO, ANY,                  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "the bound kernel driver owns the device" },
	{ VNET_KDRV_NONE,        VNET_BAR_PIO,  ANY,                  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "no driver bound: nothing gives user space the BAR or DMA" },
	{ VNET_KDRV_NONE,        VNET_BAR_MMIO, ANY,                  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "no driver bound: nothing gives user space the BAR or DMA" },
};
#undef ANY

static const struct vnet_io_rule absent_bar_rule = {
	VNET_KDRV_COUNT, VNET_BAR_ABSENT, VNET_LEGACY_IO_ANY, VNET_IO_REFUSE,
	VNET_IO_REFUSE, "BAR0 is not present, so the device has no legacy registers"
};

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

const struct vnet_io_rule *
vnet_io_rules(size_t *count)
{
	*count = DIM(rules);
	return rules;
}

const struct vnet_io_rule *
vnet_io_rule_find(enum vnet_kdrv kdrv, enum vnet_bar_kind bar,
		  enum vnet_legacy_io legacy_io)
{
	const struct vnet_io_rule *any = &absent_bar_rule;
	size_t i;

	for (i = 0; i < DIM(rules); i++) {
		if (rules[i].kdrv != kdrv || rules[i].bar != bar)
			continue;
		if (rules[i].legacy_io == legacy_io)
			return &rules[i];
		if (rules[i].legacy_io == VNET_LEGACY_IO_ANY)
			any = &rules[i];
	}
	return any;
}

static const char *const kdrv_names[] = {
	[VNET_KDRV_VFIO] = "vfio-pci",
	[VNET_KDRV_IGB_UIO] = "igb_uio",
	[VNET_KDRV_UIO_GENERIC] = "uio_pci_generic",
	[VNET_KDRV_OTHER] = "other",
	[VNET_KDRV_NONE] = "none",
};
_Static_assert(DIM(kdrv_names) == VNET_KDRV_COUNT, "a name per kernel driver");

static const char *const method_names[] = {
	[VNET_IO_REFUSE] = "refuse",
	[VNET_IO_PORT] = "port-io",
	[VNET_IO_MMIO] = "mmio",
	[VNET_IO_VFIO_RW] = "vfio-pread/pwrite",
};
_Static_assert(DIM(method_names) == VNET_IO_METHOD_COUNT, "a name per method");

static const char *const legacy_io_names[] = {
	[VNET_LEGACY_IO_AUTO] = "auto",
	[VNET_LEGACY_IO_PORT] = "port",
	[VNET_LEGACY_IO_VFIO] = "vfio",
};
_Static_assert(DIM(legacy_io_names) == VNET_LEGACY_IO_COUNT, "a name per legacy_io value");

#define NAME_OF(names, i) ((size_t)(i) < DIM(names) ? (names)[i] : "?")

const char *
vnet_kdrv_name(enum vnet_kdrv kdrv)
{
	return NAME_OF(kdrv_names, kdrv);
}

const char *
vnet_io_method_name(enum vnet_io_method method)
{
	return NAME_OF(method_names, method);
}

const char *
vnet_legacy_io_name(enum vnet_legacy_io v)
{
	return v == VNET_LEGACY_IO_ANY ? "any" : NAME_OF(legacy_io_names, v);
}
