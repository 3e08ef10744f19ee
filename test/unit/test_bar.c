/* SPDX-License-Identifier: BSD-3-Clause */
/* sysfs `resource` parsing and the port-I/O / MMIO classification rule. */
#include <stdio.h>

#include "tap.h"
#include "vnet_bar.h"

static void
test_classify(void)
{
	TAP_EQ(vnet_bar_classify(0, 0, 0), VNET_BAR_ABSENT, "all-zero line is an absent BAR");
	TAP_EQ(vnet_bar_classify(0xc080, 0xc09f, 0x40101), VNET_BAR_PIO, "IORESOURCE_IO is port I/O");
	TAP_EQ(vnet_bar_classify(0xfebc1000, 0xfebc1fff, 0x40200), VNET_BAR_MMIO, "IORESOURCE_MEM is MMIO");
	/* Upstream 21.05 rule when the kernel gives no type. */
	TAP_EQ(vnet_bar_classify(0xc000, 0xc01f, 0), VNET_BAR_PIO, "untyped address below 0x10000 is port I/O");
	TAP_EQ(vnet_bar_classify(0xffff, 0xffff, 0), VNET_BAR_PIO, "0xffff is still port I/O");
	TAP_EQ(vnet_bar_classify(0x10000, 0x1001f, 0), VNET_BAR_MMIO, "untyped 0x10000 is MMIO");
	TAP_EQ(vnet_bar_classify(0x2000, 0x1000, 0x200), VNET_BAR_ABSENT, "end below start is not a BAR");
	/* A DPU's legacy BAR0: memory, low in the address space, still MMIO by flag. */
	TAP_EQ(vnet_bar_classify(0x8000, 0x8fff, 0x40200), VNET_BAR_MMIO, "MEM flag wins over a low address");
}

static void
test_parse(void)
{
	static const char transitional[] =
		"0x000000000000c080 0x000000000000c09f 0x0000000000040101\n"
		"0x00000000febc1000 0x00000000febc1fff 0x0000000000040200\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x00000000febf4000 0x00000000febf7fff 0x000000000014220c\n"
		"0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		"0x00000000feb80000 0x00000000febbffff 0x0000000000046200\n";
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	char err[256] = "";

	TAP_EQ(vnet_bars_parse(transitional, bars, err, sizeof(err)), 0, "QEMU transitional resource parses");
	TAP_EQ(bars[0].kind, VNET_BAR_PIO, "BAR0 is port I/O");
	TAP_EQ(bars[0].start, 0xc080, "BAR0 start");
	TAP_EQ(bars[0].len, 0x20, "BAR0 is 32 bytes");
	TAP_EQ(bars[1].kind, VNET_BAR_MMIO, "BAR1 (MSI-X table) is memory");
	TAP_EQ(bars[2].kind, VNET_BAR_ABSENT, "BAR2 absent");
	TAP_EQ(bars[4].kind, VNET_BAR_MMIO, "BAR4 is memory");
	TAP_EQ(bars[4].len, 0x4000, "BAR4 is 16 KiB");

	TAP_EQ(vnet_bars_parse("0x1 0x2\n", bars, err, sizeof(err)), -1, "a short line is refused");
	TAP_CONTAINS(err, "line 0", "the bad line is named");
	TAP_EQ(vnet_bars_parse("0x0 0x0 0x0\n0x0 0x0 0x0\n", bars, err, sizeof(err)), -1,
	       "fewer than six lines is refused");
	TAP_CONTAINS(err, "need at least 6", "the line count is explained");
	TAP_EQ(vnet_bars_parse("0x0 0x0 0x0 junk\n", bars, err, sizeof(err)), -1, "trailing garbage is refused");
	TAP_EQ(vnet_bars_parse("", bars, err, sizeof(err)), -1, "empty text is refused");
	TAP_EQ(vnet_bars_read("/nonexistent", "0000:00:00.0", bars, err, sizeof(err)), -1,
	       "missing sysfs file is an error");
	TAP_CONTAINS(err, "/nonexistent/0000:00:00.0/resource", "the path is named");
}

int
main(void)
{
	test_classify();
	test_parse();
	return tap_done();
}
