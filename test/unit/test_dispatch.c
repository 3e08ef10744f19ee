/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kdrv x BAR-kind table, one assertion per row against an expectation
 * written out here independently, plus the accessors that can run without
 * a device (pread/pwrite on a file, loads/stores on memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "vnet_io.h"

static const struct {
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	enum vnet_io_method method;
	enum vnet_io_method fallback;
} expected[] = {
	{ VNET_KDRV_VFIO, VNET_BAR_PIO, VNET_IO_VFIO_RW, VNET_IO_REFUSE },
	{ VNET_KDRV_VFIO, VNET_BAR_MMIO, VNET_IO_MMIO, VNET_IO_VFIO_RW },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_PIO, VNET_IO_PORT, VNET_IO_REFUSE },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_MMIO, VNET_IO_MMIO, VNET_IO_REFUSE },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO, VNET_IO_PORT, VNET_IO_REFUSE },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, VNET_IO_MMIO, VNET_IO_REFUSE },
	{ VNET_KDRV_OTHER, VNET_BAR_PIO, VNET_IO_REFUSE, VNET_IO_REFUSE },
	{ VNET_KDRV_OTHER, VNET_BAR_MMIO, VNET_IO_REFUSE, VNET_IO_REFUSE },
	{ VNET_KDRV_NONE, VNET_BAR_PIO, VNET_IO_REFUSE, VNET_IO_REFUSE },
	{ VNET_KDRV_NONE, VNET_BAR_MMIO, VNET_IO_REFUSE, VNET_IO_REFUSE },
};

static void
test_table(void)
{
	size_t n, i, k;
	const struct vnet_io_rule *rules = vnet_io_rules(&n);

	TAP_EQ(n, sizeof(expected) / sizeof(expected[0]),
	       "table has one row per kdrv x present BAR kind");
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct vnet_io_rule *r =
			vnet_io_rule_find(expected[i].kdrv, expected[i].bar);

		TAP_OK(r->method == expected[i].method &&
		       r->fallback == expected[i].fallback && r->why && *r->why,
		       "%s + %s BAR0 -> %s, fallback %s",
		       vnet_kdrv_name(expected[i].kdrv),
		       vnet_bar_kind_name(expected[i].bar),
		       vnet_io_method_name(expected[i].method),
		       vnet_io_method_name(expected[i].fallback));
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (rules[i].kdrv == rules[k].kdrv && rules[i].bar == rules[k].bar)
				TAP_OK(0, "duplicate row %zu/%zu", i, k);
	for (i = 0; i < VNET_KDRV_COUNT; i++)
		TAP_EQ(vnet_io_rule_find(i, VNET_BAR_ABSENT)->method, VNET_IO_REFUSE,
		       "%s with no BAR0 is refused", vnet_kdrv_name(i));
}

static void
test_fd_access(void)
{
	char path[] = "/tmp/vnet-unit-XXXXXX";
	uint8_t buf[64] = { 0 };
	struct vnet_io io;
	int fd = mkstemp(path);

	TAP_OK(fd >= 0, "temp file for pread/pwrite access");
	if (fd < 0)
		return;
	unlink(path);
	TAP_EQ(pwrite(fd, buf, sizeof(buf), 0), sizeof(buf), "zero the fake region");
	/* Registers start 16 bytes into the fd, as a vfio region offset would. */
	vnet_io_init_fd(&io, fd, 16, 32);
	vnet_io_write32(&io, 0, 0x11223344);
	vnet_io_write16(&io, 14, 0xabcd);
	vnet_io_write8(&io, 18, 0x5a);
	TAP_EQ(vnet_io_read32(&io, 0), 0x11223344, "32-bit register round-trips through the fd");
	TAP_EQ(vnet_io_read16(&io, 14), 0xabcd, "16-bit register round-trips");
	TAP_EQ(vnet_io_read8(&io, 18), 0x5a, "8-bit register round-trips");
	TAP_EQ(pread(fd, buf, 4, 16), 4, "raw read at the region offset");
	TAP_EQ(buf[0], 0x44, "the offset was applied (little-endian low byte at +16)");
	TAP_EQ(io.last_error, 0, "no access error so far");
	/* Past EOF pread returns 0 bytes: reads must give all-ones and flag it. */
	TAP_EQ(vnet_io_read32(&io, 4096), 0xffffffff, "a failed read gives all-ones");
	TAP_OK(io.last_error != 0, "and the failure is recorded");
	TAP_EQ(vnet_io_read32(&io, 0), 0x11223344, "the next read still works");
	TAP_EQ(io.last_error, 0, "and its error is its own: one failure is not sticky");
	close(fd);
}

static void
test_mmio_access(void)
{
	uint32_t window[8] = { 0 };
	struct vnet_bar bar = { .kind = VNET_BAR_MMIO, .start = 0xfe000000, .len = 32 };
	struct vnet_io_target t = { .bar = &bar, .mapped = window, .vfio_fd = -1 };
	struct vnet_io io;
	char err[256] = "";

	TAP_EQ(vnet_io_open(&io, VNET_IO_MMIO, &t, err, sizeof(err)), 0, "MMIO window opens on a mapping");
	vnet_io_write16(&io, 14, 0x0102);
	vnet_io_write32(&io, 8, 0xdeadbeef);
	TAP_EQ(window[2], 0xdeadbeef, "32-bit store lands at +8");
	TAP_EQ(vnet_io_read16(&io, 14), 0x0102, "16-bit load from +14");
	TAP_EQ(io.len, 32, "window length is the BAR length");

	t.mapped = NULL;
	TAP_EQ(vnet_io_open(&io, VNET_IO_MMIO, &t, err, sizeof(err)), -ENXIO,
	       "MMIO without a mapping is refused");
	TAP_CONTAINS(err, "not mapped", "and says the BAR is not mapped");
}

static void
test_open_errors(void)
{
	struct vnet_bar high = { .kind = VNET_BAR_PIO, .start = 0x10000, .len = 32 };
	struct vnet_bar mem = { .kind = VNET_BAR_MMIO, .start = 0xfe000000, .len = 4096 };
	struct vnet_io_target t = { .bar = &high, .vfio_fd = -1 };
	struct vnet_io io;
	char err[256] = "";
	int fd;

	TAP_EQ(vnet_io_open(&io, VNET_IO_PORT, &t, err, sizeof(err)), -ERANGE,
	       "port I/O beyond 0xffff is refused before iopl");
	TAP_CONTAINS(err, "beyond the x86 port space", "with the reason");

	t.bar = &mem;
	TAP_EQ(vnet_io_open(&io, VNET_IO_VFIO_RW, &t, err, sizeof(err)), -EBADF,
	       "vfio access without a device fd is refused");
	fd = open("/dev/null", O_RDWR);
	t.vfio_fd = fd;
	TAP_OK(vnet_io_open(&io, VNET_IO_VFIO_RW, &t, err, sizeof(err)) < 0,
	       "VFIO_DEVICE_GET_REGION_INFO on a non-vfio fd fails cleanly");
	TAP_CONTAINS(err, "VFIO_DEVICE_GET_REGION_INFO", "and names the ioctl");
	close(fd);
	TAP_EQ(vnet_io_open(&io, VNET_IO_REFUSE, &t, err, sizeof(err)), -ENOTSUP,
	       "the refuse method never opens");
}

int
main(void)
{
	test_table();
	test_fd_access();
	test_mmio_access();
	test_open_errors();
	return tap_done();
}
