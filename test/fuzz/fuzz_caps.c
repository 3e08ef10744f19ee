/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the virtio capability walk on arbitrary config space
 * and BAR sizes. Input: 256 bytes of config space, then per BAR one kind
 * byte and an 8-byte length (missing bytes read as zero).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_caps.h"
#include "vnet_spec.h"

struct image {
	uint8_t cfg[VNET_PCI_CFG_SPACE_SIZE];
	int fail_at; /* reads at or past this offset fail; 0 = never */
};

static int
image_read(void *ctx, void *buf, size_t len, size_t off)
{
	struct image *im = ctx;

	if (off + len > sizeof(im->cfg) || (im->fail_at && off + len > (size_t)im->fail_at))
		return -1;
	memcpy(buf, im->cfg + off, len);
	return (int)len;
}

static void
diag(void *ctx, const char *msg)
{
	(void)ctx;
	if (strlen(msg) == 0)
		abort(); /* every diagnostic says something */
}

static void
check_region(const struct vnet_cap_region *r, const struct vnet_bar bars[VNET_PCI_BAR_COUNT])
{
	if (!r->present)
		return;
	/* A region the parser accepted lies inside a present memory BAR. */
	if (r->bar >= VNET_PCI_BAR_COUNT || bars[r->bar].kind != VNET_BAR_MMIO ||
	    (uint64_t)r->offset + r->length > bars[r->bar].len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t tail[VNET_PCI_BAR_COUNT * 9 + 1] = { 0 };
	struct image im = { { 0 }, 0 };
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	struct vnet_cfg_access cfg = { image_read, &im, diag, NULL };
	struct vnet_modern_layout out;
	enum vnet_caps_result res;
	size_t n = size < sizeof(im.cfg) ? size : sizeof(im.cfg);
	unsigned int i;

	memcpy(im.cfg, data, n);
	if (size > n)
		memcpy(tail, data + n, size - n < sizeof(tail) ? size - n : sizeof(tail));
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++) {
		uint64_t len;

		memcpy(&len, &tail[i * 9 + 1], sizeof(len));
		bars[i].kind = (enum vnet_bar_kind)(tail[i * 9] % VNET_BAR_KIND_COUNT);
		bars[i].len = bars[i].kind == VNET_BAR_ABSENT ? 0 : len;
		bars[i].start = 0xfe000000u + (uint64_t)i * 0x100000;
		bars[i].flags = 0;
	}
	im.fail_at = tail[VNET_PCI_BAR_COUNT * 9];

	res = vnet_caps_parse(&cfg, bars, &out);
	if (vnet_caps_result_str(res) == NULL)
		abort();
	check_region(&out.common, bars);
	check_region(&out.notify, bars);
	check_region(&out.isr, bars);
	check_region(&out.device, bars);
	if (res == VNET_CAPS_MODERN &&
	    (!out.common.present || !out.notify.present || !out.isr.present ||
	     !out.device.present || out.common.length < VNET_COMMON_CFG_SIZE))
		abort();
	(void)vnet_msix_enabled(&cfg, out.msix_cap_off);
	(void)vnet_msix_enabled(&cfg, im.cfg[0]);
	return 0;
}
