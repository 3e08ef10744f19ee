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
#include "vnet_portio.h"

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
	if (!vnet_portio_arch) {
		snprintf(err, errlen,
			 "BAR%u is port I/O, which this CPU architecture cannot reach from user space (in/out are x86 only); bind the device to vfio-pci with legacy_io=auto",
			 t->bar_index);
		return -ENOTSUP;
	}
	if (t->bar->start > VNET_PIO_MAX || t->bar->len == 0 ||
	    t->bar->start + t->bar->len - 1 > VNET_PIO_MAX) {
		snprintf(err, errlen,
			 "BAR%u is I/O at 0x%llx, beyond the x86 port space",
			 t->bar_index, (unsigned long long)t->bar->start);
		return -ERANGE;
	}
	io->port = (uint16_t)t->bar->start;
	return vnet_portio_grant((uint32_t)t->bar->start, (uint32_t)t->bar->len,
				 &io->via, err, errlen);
}

static int
open_mmio(struct vnet_io *io, const struct vnet_io_target *t, char *err,
	  size_t errlen)
{
	long sys_page = sysconf(_SC_PAGESIZE);
	uint64_t page = t->page_size ? t->page_size :
			sys_page > 0 ? (uint64_t)sys_page : 4096;

	if (t->mapped != NULL) {
		io->mmio = t->mapped;
		io->via = "its mapping";
		return 0;
	}
	/* vfio-pci mmaps only BARs that own whole pages (Linux >= 4.7). */
	if (t->bar->len < page)
		snprintf(err, errlen,
			 "BAR%u is %llu bytes, under a %llu-byte page, and is not mapped: vfio-pci does not let such a BAR be mmapped",
			 t->bar_index, (unsigned long long)t->bar->len,
			 (unsigned long long)page);
	else
		snprintf(err, errlen, "BAR%u is memory but is not mapped",
			 t->bar_index);
	return -ENXIO;
}

static int
region_info_ioctl(int fd, struct vfio_region_info *info)
{
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info);
}

int (*vnet_io_region_info)(int fd, struct vfio_region_info *info) =
	region_info_ioctl;

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
	if (vnet_io_region_info(t->vfio_fd, &info) != 0) {
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
	io->via = "vfio pread/pwrite";
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
		ret = open_mmio(io, t, err, errlen);
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

/* What an INFO line says about the open window, after "legacy BAR0 ". */
static void
describe(const struct vnet_io *io, const struct vnet_io_target *t,
	 enum vnet_legacy_io legacy_io, const char *instead, char *info,
	 size_t infolen)
{
	const char *li = vnet_legacy_io_name(legacy_io);

	switch (io->method) {
	case VNET_IO_PORT:
		snprintf(info, infolen, "port I/O 0x%x-0x%llx via %s (legacy_io=%s)",
			 io->port,
			 (unsigned long long)(t->bar->start + t->bar->len - 1),
			 io->via, li);
		break;
	case VNET_IO_MMIO:
		snprintf(info, infolen,
			 "memory 0x%llx (%llu bytes) via %s: loads and stores (legacy_io=%s)",
			 (unsigned long long)t->bar->start,
			 (unsigned long long)t->bar->len, io->via, li);
		break;
	default:
		snprintf(info, infolen, "via %s (legacy_io=%s)%s%s", io->via, li,
			 *instead ? ": " : "", instead);
		break;
	}
}

int
vnet_io_open_rule(struct vnet_io *io, const struct vnet_io_rule *rule,
		  enum vnet_legacy_io legacy_io,
		  const struct vnet_io_target *t, char *info, size_t infolen,
		  char *err, size_t errlen)
{
	char first[256] = "";
	int ret;

	if (rule->method == VNET_IO_REFUSE) {
		/* Rows for one legacy_io value name it already. */
		snprintf(err, errlen, "%s%s%s%s", rule->why,
			 rule->legacy_io == VNET_LEGACY_IO_ANY ? " (legacy_io=" : "",
			 rule->legacy_io == VNET_LEGACY_IO_ANY ?
			 vnet_legacy_io_name(legacy_io) : "",
			 rule->legacy_io == VNET_LEGACY_IO_ANY ? ")" : "");
		return -ENOTSUP;
	}
	ret = vnet_io_open(io, rule->method, t, err, errlen);
	if (ret != 0 && rule->fallback != VNET_IO_REFUSE) {
		snprintf(first, sizeof(first), "%s not possible: %s",
			 vnet_io_method_name(rule->method), err);
		ret = vnet_io_open(io, rule->fallback, t, err, errlen);
		if (ret != 0) {
			char second[256];

			snprintf(second, sizeof(second), "%s", err);
			snprintf(err, errlen, "%s; %s not possible either: %s",
				 first, vnet_io_method_name(rule->fallback), second);
		}
	} else if (ret != 0 && rule->method == VNET_IO_PORT &&
		   legacy_io == VNET_LEGACY_IO_PORT) {
		size_t n = strlen(err);

		snprintf(err + n, errlen > n ? errlen - n : 0,
			 " (legacy_io=port; use legacy_io=auto to fall back to vfio pread/pwrite)");
	}
	if (ret != 0)
		return ret;
	describe(io, t, legacy_io, first, info, infolen);
	return 0;
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
		io->last_error = vnet_portio_ready();                         \
		if (io->last_error == 0)                                      \
			v = inx(io->port + reg);                              \
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
	case VNET_IO_PORT: /* this thread may lack the grant: see vnet_portio.h */ \
		io->last_error = vnet_portio_ready();                         \
		if (io->last_error == 0)                                      \
			outx(v, io->port + reg);                              \
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
