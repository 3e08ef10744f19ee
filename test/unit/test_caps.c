/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capability parsing on config spaces captured from real QEMU devices
 * (test/unit/data) and on malformed variants of them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_bar.h"
#include "vnet_caps.h"
#include "vnet_spec.h"

struct image {
	uint8_t cfg[VNET_PCI_CFG_SPACE_SIZE];
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	char diag[4096];
	int fail_reads; /* simulate an unreadable config space */
};

static const char *data_dir;

static int
image_read(void *ctx, void *buf, size_t len, size_t off)
{
	struct image *im = ctx;

	if (im->fail_reads || off + len > sizeof(im->cfg))
		return -1;
	memcpy(buf, im->cfg + off, len);
	return (int)len;
}

static void
image_diag(void *ctx, const char *msg)
{
	struct image *im = ctx;
	size_t used = strlen(im->diag);

	snprintf(im->diag + used, sizeof(im->diag) - used, "%s\n", msg);
}

static void
load(struct image *im, const char *name)
{
	char path[512], err[256];
	char text[4096];
	size_t n;
	FILE *f;

	memset(im, 0, sizeof(*im));
	snprintf(path, sizeof(path), "%s/%s.bin", data_dir, name);
	f = fopen(path, "rb");
	if (f == NULL || fread(im->cfg, 1, sizeof(im->cfg), f) != sizeof(im->cfg)) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.resource", data_dir, name);
	f = fopen(path, "r");
	if (f == NULL) {
		printf("Bail out! cannot read %s\n", path);
		exit(1);
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	if (vnet_bars_parse(text, im->bars, err, sizeof(err)) != 0) {
		printf("Bail out! %s: %s\n", path, err);
		exit(1);
	}
}

static enum vnet_caps_result
parse(struct image *im, struct vnet_modern_layout *out)
{
	struct vnet_cfg_access cfg = {
		.read = image_read, .ctx = im,
		.diag = image_diag, .diag_ctx = im,
	};

	im->diag[0] = '\0';
	return vnet_caps_parse(&cfg, im->bars, out);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Offsets of the virtio capabilities in QEMU 7.2's layout (see data/README). */
#define CAP_MSIX 0x98
#define CAP_PCICFG 0x84
#define CAP_NOTIFY 0x70
#define CAP_DEVICE 0x60
#define CAP_ISR 0x50
#define CAP_COMMON 0x40

static void
test_real_images(void)
{
	struct vnet_modern_layout l;
	struct vnet_cfg_access cfg;
	struct image im;

	load(&im, "modern");
	TAP_EQ(parse(&im, &l), VNET_CAPS_MODERN, "modern: complete modern layout");
	TAP_OK(l.common.present && l.common.bar == 4 && l.common.offset == 0 &&
	       l.common.length == 0x1000, "modern: common cfg in BAR4 at 0, 4 KiB");
	TAP_OK(l.isr.bar == 4 && l.isr.offset == 0x1000, "modern: ISR at BAR4+0x1000");
	TAP_OK(l.device.bar == 4 && l.device.offset == 0x2000, "modern: device cfg at BAR4+0x2000");
	TAP_OK(l.notify.bar == 4 && l.notify.offset == 0x3000, "modern: notify at BAR4+0x3000");
	TAP_EQ(l.notify_off_multiplier, 4, "modern: notify_off_multiplier 4");
	TAP_OK(l.pci_cfg.present, "modern: PCI-cfg access capability seen");
	TAP_EQ(l.msix_cap_off, CAP_MSIX, "modern: MSI-X capability found");
	TAP_EQ(l.caps_seen, 6, "modern: six capabilities walked");
	TAP_EQ(l.virtio_caps_seen, 5, "modern: five of them virtio");
	TAP_EQ(im.diag[0], '\0', "modern: nothing to complain about");
	cfg = (struct vnet_cfg_access){ .read = image_read, .ctx = &im };
	TAP_EQ(vnet_msix_enabled(&cfg, l.msix_cap_off), 0, "modern: MSI-X disabled as captured");

	load(&im, "transitional");
	TAP_EQ(parse(&im, &l), VNET_CAPS_MODERN, "transitional: modern layout usable");
	TAP_EQ(im.bars[0].kind, VNET_BAR_PIO, "transitional: BAR0 is the legacy I/O BAR");

	load(&im, "legacy");
	TAP_EQ(parse(&im, &l), VNET_CAPS_NO_VIRTIO, "legacy: capability list without virtio caps");
	TAP_EQ(im.diag[0], '\0', "legacy: a plain legacy device is not complained about");
	TAP_EQ(l.msix_cap_off, CAP_MSIX - 0x58, "legacy: MSI-X at 0x40");
	cfg = (struct vnet_cfg_access){ .read = image_read, .ctx = &im };
	TAP_EQ(vnet_legacy_config_offset(vnet_msix_enabled(&cfg, l.msix_cap_off) > 0),
	       20, "legacy: device config at 20 with MSI-X disabled");
	im.cfg[l.msix_cap_off + 3] |= 0x80; /* Message Control bit 15: enable */
	TAP_EQ(vnet_msix_enabled(&cfg, l.msix_cap_off), 1, "legacy: MSI-X enable bit detected");
	TAP_EQ(vnet_legacy_config_offset(vnet_msix_enabled(&cfg, l.msix_cap_off) > 0),
	       24, "legacy: device config at 24 with MSI-X enabled");

	load(&im, "legacy-mmio");
	TAP_EQ(parse(&im, &l), VNET_CAPS_NO_VIRTIO, "legacy-mmio: no virtio caps, so legacy");
	TAP_EQ(im.bars[0].kind, VNET_BAR_MMIO, "legacy-mmio: BAR0 is a memory BAR, as on a DPU");
	TAP_OK(im.bars[0].len >= 4096, "legacy-mmio: BAR0 spans a page, so vfio can mmap it");

	load(&im, "legacy-novec");
	TAP_EQ(parse(&im, &l), VNET_CAPS_NO_LIST, "legacy-novec: no capability list");
	TAP_EQ(l.msix_cap_off, 0, "legacy-novec: no MSI-X");
	TAP_EQ(im.bars[0].kind, VNET_BAR_PIO, "legacy-novec: BAR0 is I/O");
}

static void
test_malformed(void)
{
	struct vnet_modern_layout l;
	struct image im;

	load(&im, "modern");
	im.cfg[CAP_COMMON + VNET_CAP_OFF_NEXT] = CAP_MSIX;
	TAP_EQ(parse(&im, &l), VNET_CAPS_BROKEN_LIST, "loop back to the first capability is caught");
	TAP_CONTAINS(im.diag, "loops", "loop is reported");

	load(&im, "modern");
	im.cfg[CAP_NOTIFY + VNET_CAP_OFF_NEXT] = CAP_NOTIFY;
	TAP_EQ(parse(&im, &l), VNET_CAPS_BROKEN_LIST, "self-pointing capability is caught");

	load(&im, "modern");
	im.cfg[VNET_PCI_CAPABILITY_LIST] = 0x20;
	TAP_EQ(parse(&im, &l), VNET_CAPS_BROKEN_LIST, "pointer into the standard header is refused");
	TAP_CONTAINS(im.diag, "standard header", "bad pointer is reported");

	load(&im, "modern");
	put32(im.cfg + CAP_COMMON + VNET_CAP_OFF_OFFSET, 0x4000);
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "common cfg past the end of BAR4 is refused");
	TAP_CONTAINS(im.diag, "ends past BAR 4", "offset past BAR end is reported");

	load(&im, "modern");
	put32(im.cfg + CAP_DEVICE + VNET_CAP_OFF_OFFSET, 0xfffff000);
	put32(im.cfg + CAP_DEVICE + VNET_CAP_OFF_LENGTH, 0x2000);
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "offset + length that wraps 32 bits is refused");
	TAP_CONTAINS(im.diag, "device capability at 0x60", "overflow is reported on the device cap");

	load(&im, "modern");
	im.cfg[CAP_NOTIFY + VNET_CAP_OFF_CFG_TYPE] = 0x7f;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "missing notify capability means no modern layout");
	TAP_CONTAINS(im.diag, "notify missing", "missing notify is reported");

	load(&im, "modern");
	im.cfg[CAP_COMMON + VNET_CAP_OFF_BAR] = 6;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "BAR index 6 is refused");
	TAP_CONTAINS(im.diag, "BARs are 0..5", "BAR index over 5 is reported");

	load(&im, "modern");
	im.cfg[CAP_ISR + VNET_CAP_OFF_BAR] = 2;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "capability in an absent BAR is refused");
	TAP_CONTAINS(im.diag, "not present", "absent BAR is reported");

	load(&im, "transitional");
	im.cfg[CAP_COMMON + VNET_CAP_OFF_BAR] = 0;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "capability in the I/O BAR is refused");
	TAP_CONTAINS(im.diag, "not memory", "I/O BAR is reported");

	load(&im, "modern");
	put32(im.cfg + CAP_COMMON + VNET_CAP_OFF_LENGTH, 0x10);
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "common cfg shorter than the structure is refused");
	TAP_CONTAINS(im.diag, "below the 56 bytes", "short region is reported");

	load(&im, "modern");
	put32(im.cfg + CAP_NOTIFY + VNET_NOTIFY_CAP_OFF_MULT, 3);
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "odd notify_off_multiplier is refused");
	TAP_CONTAINS(im.diag, "notify_off_multiplier 3", "bad multiplier is reported");

	load(&im, "modern");
	put32(im.cfg + CAP_NOTIFY + VNET_NOTIFY_CAP_OFF_MULT, 0);
	TAP_EQ(parse(&im, &l), VNET_CAPS_MODERN, "notify_off_multiplier 0 (shared doorbell) is valid");

	load(&im, "modern");
	im.cfg[CAP_NOTIFY + VNET_CAP_OFF_LEN] = 16;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "notify cap without room for the multiplier is refused");

	load(&im, "modern");
	im.cfg[CAP_DEVICE + VNET_CAP_OFF_LEN] = 8;
	TAP_EQ(parse(&im, &l), VNET_CAPS_INCOMPLETE, "vendor cap with cap_len 8 is refused");
	TAP_CONTAINS(im.diag, "cap_len 8", "short cap_len is reported");

	/* First common cap is bad, a later one is good: the spec says use the first usable. */
	load(&im, "modern");
	im.cfg[CAP_PCICFG + VNET_CAP_OFF_CFG_TYPE] = VNET_CAP_COMMON_CFG;
	im.cfg[CAP_PCICFG + VNET_CAP_OFF_BAR] = 6;
	TAP_EQ(parse(&im, &l), VNET_CAPS_MODERN, "a bad duplicate does not hide a good capability");
	TAP_EQ(l.common.cap_off, CAP_COMMON, "the valid common cap is the one used");

	/* A capability that starts at 0xfc cannot hold 16 bytes. */
	load(&im, "modern");
	im.cfg[CAP_COMMON + VNET_CAP_OFF_NEXT] = 0xfc;
	im.cfg[0xfc] = VNET_PCI_CAP_ID_VNDR;
	im.cfg[0xfd] = 0;
	TAP_EQ(parse(&im, &l), VNET_CAPS_MODERN, "a cap running off config space is skipped, not read past");
	TAP_CONTAINS(im.diag, "runs past config space", "truncated cap is reported");

	load(&im, "modern");
	im.fail_reads = 1;
	TAP_EQ(parse(&im, &l), VNET_CAPS_BROKEN_LIST, "unreadable config space is a broken list");

	/* Every next pointer walked in a 48-entry chain without a loop still ends. */
	load(&im, "modern");
	{
		int pos;

		for (pos = 0x40; pos < 0x100; pos += 4) {
			im.cfg[pos] = 0x05; /* MSI: not ours, just walked */
			im.cfg[pos + 1] = pos + 4 < 0x100 ? pos + 4 : 0;
		}
		im.cfg[VNET_PCI_CAPABILITY_LIST] = 0x40;
	}
	TAP_EQ(parse(&im, &l), VNET_CAPS_NO_VIRTIO, "a full 48-entry chain is walked to its end");
	TAP_EQ(l.caps_seen, 48, "all 48 entries were visited once");
}

int
main(int argc, char **argv)
{
	data_dir = argc > 1 ? argv[1] : "test/unit/data";
	test_real_images();
	test_malformed();
	return tap_done();
}
