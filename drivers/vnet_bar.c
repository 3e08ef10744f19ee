/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_bar.h"

const char *
vnet_bar_kind_name(enum vnet_bar_kind kind)
{
	switch (kind) {
	case VNET_BAR_ABSENT:
		return "absent";
	case VNET_BAR_PIO:
		return "port-io";
	case VNET_BAR_MMIO:
		return "memory";
	default:
		return "?";
	}
}

enum vnet_bar_kind
vnet_bar_classify(uint64_t start, uint64_t end, uint64_t flags)
{
	if (start == 0 && end == 0)
		return VNET_BAR_ABSENT;
	if (end < start)
		return VNET_BAR_ABSENT;
	if (flags & VNET_IORESOURCE_IO)
		return VNET_BAR_PIO;
	if (flags & VNET_IORESOURCE_MEM)
		return VNET_BAR_MMIO;
	return start <= VNET_PIO_MAX ? VNET_BAR_PIO : VNET_BAR_MMIO;
}

int
vnet_bars_parse(const char *text, struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		char *err, size_t errlen)
{
	const char *p = text;
	int i;

	memset(bars, 0, sizeof(*bars) * VNET_PCI_BAR_COUNT);
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++) {
		uint64_t v[3];
		char *end;
		int k;

		for (k = 0; k < 3; k++) {
			errno = 0;
			v[k] = strtoull(p, &end, 16);
			if (end == p || errno != 0) {
				snprintf(err, errlen,
					 "resource line %d: field %d is not a hex number",
					 i, k);
				return -1;
			}
			p = end;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\n' && *p != '\0') {
			snprintf(err, errlen,
				 "resource line %d: trailing garbage", i);
			return -1;
		}
		if (*p == '\n')
			p++;
		bars[i].kind = vnet_bar_classify(v[0], v[1], v[2]);
		bars[i].flags = v[2];
		if (bars[i].kind != VNET_BAR_ABSENT) {
			bars[i].start = v[0];
			bars[i].len = v[1] - v[0] + 1;
		}
		if (*p == '\0' && i < VNET_PCI_BAR_COUNT - 1) {
			snprintf(err, errlen,
				 "resource has %d lines, need at least %d",
				 i + 1, VNET_PCI_BAR_COUNT);
			return -1;
		}
	}
	return 0;
}

int
vnet_bars_read(const char *sysfs_dir, const char *bdf,
	       struct vnet_bar bars[VNET_PCI_BAR_COUNT], char *err,
	       size_t errlen)
{
	char path[512];
	char text[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/resource", sysfs_dir, bdf);
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return vnet_bars_parse(text, bars, err, errlen);
}
