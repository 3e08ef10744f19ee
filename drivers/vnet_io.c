/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vfio.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define VNET_HAVE_PORT_IO 1
#endif

#include "vnet_barrier.h"
#include "vnet_io.h"

/*
 * The whole kdrv x BAR-kind decision, in one place. Read it as: "a legacy
 * BAR0 of this kind, under this kernel driver, is reached this way".
 */
static const struct vnet_io_rule rules[] = {
	/* kernel driver         BAR0 kind       method            fallback */
	{ VNET_KDRV_VFIO,        VNET_BAR_PIO,   VNET_IO_VFIO_RW,  VNET_IO_REFUSE,
	  "vfio exposes I/O BARs only as a pread/pwrite region" },
	{ VNET_KDRV_VFIO,        VNET_BAR_MMIO,  VNET_IO_MMIO,     VNET_IO_VFIO_RW,
	  "direct access when vfio lets the BAR be mmapped, else pread/pwrite" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_PIO,   VNET_IO_PORT,     VNET_IO_REFUSE,
	  "port I/O at the sysfs resource address, after iopl" },
	{ VNET_KDRV_IGB_UIO,     VNET_BAR_MMIO,  VNET_IO_MMIO,     VNET_IO_REFUSE,
	  "the BAR mapped through uio" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO,   VNET_IO_PORT,     VNET_IO_REFUSE,
	  "port I/O at the sysfs resource address, after iopl" },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO,  VNET_IO_MMIO,     VNET_IO_REFUSE,
	  "the BAR mapped through sysfs resource0" },
	{ VNET_KDRV_OTHER,       VNET_BAR_PIO,   VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "the bound kernel driver owns the device" },
	{ VNET_KDRV_OTHER,       VNET_BAR_MMIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "the bound kernel driver owns the device" },
	{ VNET_KDRV_NONE,        VNET_BAR_PIO,   VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "no driver bound: nothing gives user space the BAR or DMA" },
	{ VNET_KDRV_NONE,        VNET_BAR_MMIO,  VNET_IO_REFUSE,   VNET_IO_REFUSE,
	  "no driver bound: nothing gives user space the BAR or DMA" },
};

static const struct vnet_io_rule absent_bar_rule = {
	VNET_KDRV_COUNT, VNET_BAR_ABSENT, VNET_IO_REFUSE, VNET_IO_REFUSE,
	"BAR0 is not present, so the device has no legacy registers"
};

const struct vnet_io_rule *
vnet_io_rules(size_t *count)
{
	*count = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const struct vnet_io_rule *
vnet_io_rule_find(enum vnet_kdrv kdrv, enum vnet_bar_kind bar)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].kdrv == kdrv && rules[i].bar == bar)
			return &rules[i];
	return &absent_bar_rule;
}

const char *
vnet_kdrv_name(enum vnet_kdrv kdrv)
{
	switch (kdrv) {
	case VNET_KDRV_VFIO:
		return "vfio-pci";
	case VNET_KDRV_IGB_UIO:
		return "igb_uio";
	case VNET_KDRV_UIO_GENERIC:
		return "uio_pci_generic";
	case VNET_KDRV_OTHER:
		return "other";
	case VNET_KDRV_NONE:
		return "none";
	default:
		return "?";
	}
}

const char *
vnet_io_method_name(enum vnet_io_method method)
{
	switch (method) {
	case VNET_IO_REFUSE:
		return "refuse";
	case VNET_IO_PORT:
		return "port-io";
	case VNET_IO_MMIO:
		return "mmio";
	case VNET_IO_VFIO_RW:
		return "vfio-pread/pwrite";
	default:
		return "?";
	}
}

void
vnet_io_init_fd(struct vnet_io *io, int fd, uint64_t offset, uint64_t len)
{
	memset(io, 0, sizeof(*io));
	io->method = VNET_IO_VFIO_RW;
	io->fd = fd;
	io->fd_offset = offset;
	io->len = len;
}

static int
open_port(struct vnet_io *io, const struct vnet_io_target *t, char *err,
	  size_t errlen)
{
#ifdef VNET_HAVE_PORT_IO
	if (t->bar->start > VNET_PIO_MAX ||
	    t->bar->start + t->bar->len - 1 > VNET_PIO_MAX) {
		snprintf(err, errlen,
			 "BAR%u is I/O at 0x%llx, beyond the x86 port space",
			 t->bar_index, (unsigned long long)t->bar->start);
		return -ERANGE;
	}
	if (iopl(3) != 0) {
		int e = errno;

		snprintf(err, errlen,
			 "iopl(3) failed (%s): port I/O on BAR%u needs root or CAP_SYS_RAWIO; run as root, or bind the device to vfio-pci",
			 strerror(e), t->bar_index);
		return -e;
	}
	io->port = (uint16_t)t->bar->start;
	return 0;
#else
	(void)io;
	snprintf(err, errlen,
		 "BAR%u is port I/O, which this CPU architecture cannot reach from user space; bind the device to vfio-pci",
		 t->bar_index);
	return -ENOTSUP;
#endif
}

static int
open_vfio_rw(struct vnet_io *io, const struct vnet_io_target *t, char *err,
	     size_t errlen)
{
	struct vfio_region_info info = { .argsz = sizeof(info) };

	if (t->vfio_fd < 0) {
		snprintf(err, errlen, "no vfio device fd for BAR%u", t->bar_index);
		return -EBADF;
	}
	info.index = VFIO_PCI_BAR0_REGION_INDEX + t->bar_index;
	if (ioctl(t->vfio_fd, VFIO_DEVICE_GET_REGION_INFO, &info) != 0) {
		int e = errno;

		snprintf(err, errlen, "VFIO_DEVICE_GET_REGION_INFO for BAR%u failed: %s",
			 t->bar_index, strerror(e));
		return -e;
	}
	if (!(info.flags & VFIO_REGION_INFO_FLAG_READ) ||
	    !(info.flags & VFIO_REGION_INFO_FLAG_WRITE) || info.size == 0) {
		snprintf(err, errlen, "vfio region for BAR%u is not read/write (flags 0x%x, size %llu)",
			 t->bar_index, info.flags, (unsigned long long)info.size);
		return -EACCES;
	}
	vnet_io_init_fd(io, t->vfio_fd, info.offset, info.size);
	return 0;
}

int
vnet_io_open(struct vnet_io *io, enum vnet_io_method method,
	     const struct vnet_io_target *t, char *err, size_t errlen)
{
	int ret;

	memset(io, 0, sizeof(*io));
	io->fd = -1;
	io->len = t->bar->len;
	switch (method) {
	case VNET_IO_PORT:
		ret = open_port(io, t, err, errlen);
		break;
	case VNET_IO_MMIO:
		if (t->mapped == NULL) {
			snprintf(err, errlen, "BAR%u is memory but is not mapped",
				 t->bar_index);
			return -ENXIO;
		}
		io->mmio = t->mapped;
		ret = 0;
		break;
	case VNET_IO_VFIO_RW:
		ret = open_vfio_rw(io, t, err, errlen);
		break;
	default:
		snprintf(err, errlen, "no access method for BAR%u", t->bar_index);
		return -ENOTSUP;
	}
	if (ret == 0)
		io->method = method;
	return ret;
}

/*
 * Reads that fail return all-ones, as a PCI master abort would. Each access
 * sets last_error afresh, so one failure does not fail every later access.
 */
static void
fd_read(struct vnet_io *io, uint32_t reg, void *buf, size_t n)
{
	io->last_error = 0;
	if (pread(io->fd, buf, n, (off_t)(io->fd_offset + reg)) != (ssize_t)n) {
		io->last_error = errno ? errno : EIO;
		memset(buf, 0xff, n);
	}
}

static void
fd_write(struct vnet_io *io, uint32_t reg, const void *buf, size_t n)
{
	io->last_error = 0;
	if (pwrite(io->fd, buf, n, (off_t)(io->fd_offset + reg)) != (ssize_t)n)
		io->last_error = errno ? errno : EIO;
}

/* Legacy registers are in guest-native byte order. */
#define VNET_IO_ACCESSORS(bits, inx, outx)                                    \
uint##bits##_t                                                                \
vnet_io_read##bits(struct vnet_io *io, uint32_t reg)                          \
{                                                                             \
	uint##bits##_t v = (uint##bits##_t)~0;                                \
                                                                              \
	switch (io->method) {                                                 \
	case VNET_IO_PORT:                                                    \
		v = inx(io->port + reg);                                      \
		break;                                                        \
	case VNET_IO_MMIO:                                                    \
		v = *(volatile uint##bits##_t *)(io->mmio + reg);             \
		vnet_io_rmb_(); /* later loads wait for the register */       \
		break;                                                        \
	case VNET_IO_VFIO_RW:                                                 \
		fd_read(io, reg, &v, sizeof(v));                              \
		break;                                                        \
	default:                                                              \
		break;                                                        \
	}                                                                     \
	return v;                                                             \
}                                                                             \
                                                                              \
void                                                                          \
vnet_io_write##bits(struct vnet_io *io, uint32_t reg, uint##bits##_t v)       \
{                                                                             \
	switch (io->method) {                                                 \
	case VNET_IO_PORT:                                                    \
		outx(v, io->port + reg);                                      \
		break;                                                        \
	case VNET_IO_MMIO:                                                    \
		vnet_io_wmb_(); /* ring writes reach memory before the doorbell */ \
		*(volatile uint##bits##_t *)(io->mmio + reg) = v;             \
		break;                                                        \
	case VNET_IO_VFIO_RW:                                                 \
		fd_write(io, reg, &v, sizeof(v));                             \
		break;                                                        \
	default:                                                              \
		break;                                                        \
	}                                                                     \
}

#ifndef VNET_HAVE_PORT_IO
/* Never reached: open_port refuses on these architectures. */
#define inb(p) ((uint8_t)~0)
#define inw(p) ((uint16_t)~0)
#define inl(p) ((uint32_t)~0)
#define outb(v, p) ((void)(v), (void)(p))
#define outw(v, p) ((void)(v), (void)(p))
#define outl(v, p) ((void)(v), (void)(p))
#endif

VNET_IO_ACCESSORS(8, inb, outb)
VNET_IO_ACCESSORS(16, inw, outw)
VNET_IO_ACCESSORS(32, inl, outl)
