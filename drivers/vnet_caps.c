/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vnet_caps.h"
#include "vnet_spec.h"

static void
diag(const struct vnet_cfg_access *cfg, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (cfg->diag == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cfg->diag(cfg->diag_ctx, msg);
}

static int
cfg_read(const struct vnet_cfg_access *cfg, void *buf, size_t len, size_t off)
{
	if (off + len > VNET_PCI_CFG_SPACE_SIZE)
		return -1;
	return cfg->read(cfg->ctx, buf, len, off) == (int)len ? 0 : -1;
}

static uint32_t
le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

const char *
vnet_caps_result_str(enum vnet_caps_result r)
{
	switch (r) {
	case VNET_CAPS_MODERN:
		return "modern capabilities complete";
	case VNET_CAPS_NO_LIST:
		return "no PCI capability list";
	case VNET_CAPS_NO_VIRTIO:
		return "no virtio capabilities";
	case VNET_CAPS_INCOMPLETE:
		return "virtio capabilities incomplete";
	case VNET_CAPS_BROKEN_LIST:
		return "PCI capability list is malformed";
	default:
		return "?";
	}
}

static const char *
cap_type_name(uint8_t type)
{
	switch (type) {
	case VNET_CAP_COMMON_CFG:
		return "common";
	case VNET_CAP_NOTIFY_CFG:
		return "notify";
	case VNET_CAP_ISR_CFG:
		return "isr";
	case VNET_CAP_DEVICE_CFG:
		return "device";
	case VNET_CAP_PCI_CFG:
		return "pci-cfg";
	default:
		return "unknown";
	}
}

/* Smallest region length the driver needs for each structure. */
static uint32_t
cap_min_length(uint8_t type)
{
	switch (type) {
	case VNET_CAP_COMMON_CFG:
		return VNET_COMMON_CFG_SIZE;
	case VNET_CAP_NOTIFY_CFG:
		return 2; /* one 16-bit doorbell */
	case VNET_CAP_ISR_CFG:
		return 1;
	case VNET_CAP_DEVICE_CFG:
		return 6; /* the MAC; later fields are checked per feature */
	default:
		return 0;
	}
}

/* Validate one virtio capability; returns 0 and fills region if usable. */
static int
check_virtio_cap(const struct vnet_cfg_access *cfg,
		 const struct vnet_bar bars[VNET_PCI_BAR_COUNT], uint8_t pos,
		 const uint8_t *raw, uint8_t cap_len,
		 struct vnet_cap_region *region, uint32_t *notify_mult)
{
	uint8_t type = raw[VNET_CAP_OFF_CFG_TYPE];
	uint8_t bar = raw[VNET_CAP_OFF_BAR];
	uint32_t offset = le32_at(raw + VNET_CAP_OFF_OFFSET);
	uint32_t length = le32_at(raw + VNET_CAP_OFF_LENGTH);
	const char *name = cap_type_name(type);
	uint64_t end = (uint64_t)offset + length;

	if (type == VNET_CAP_PCI_CFG) {
		/* The window's bar/offset/length are driver-written: nothing to map. */
		region->present = true;
		region->cap_off = pos;
		return 0;
	}
	if (bar >= VNET_PCI_BAR_COUNT) {
		diag(cfg, "%s capability at 0x%02x names BAR %u; BARs are 0..5",
		     name, pos, bar);
		return -1;
	}
	if (bars[bar].kind == VNET_BAR_ABSENT) {
		diag(cfg, "%s capability at 0x%02x names BAR %u, which is not present",
		     name, pos, bar);
		return -1;
	}
	if (bars[bar].kind != VNET_BAR_MMIO) {
		diag(cfg, "%s capability at 0x%02x names BAR %u, which is %s, not memory",
		     name, pos, bar, vnet_bar_kind_name(bars[bar].kind));
		return -1;
	}
	if (length < cap_min_length(type)) {
		diag(cfg, "%s capability at 0x%02x: length %u is below the %u bytes the structure needs",
		     name, pos, length, cap_min_length(type));
		return -1;
	}
	if (end > bars[bar].len) {
		diag(cfg, "%s capability at 0x%02x: offset 0x%x + length 0x%x ends past BAR %u (size 0x%llx)",
		     name, pos, offset, length, bar,
		     (unsigned long long)bars[bar].len);
		return -1;
	}
	if (type == VNET_CAP_NOTIFY_CFG) {
		uint32_t mult;

		if (cap_len < VNET_NOTIFY_CAP_SIZE) {
			diag(cfg, "notify capability at 0x%02x: cap_len %u is below %u",
			     pos, cap_len, VNET_NOTIFY_CAP_SIZE);
			return -1;
		}
		mult = le32_at(raw + VNET_NOTIFY_CAP_OFF_MULT);
		/* Spec: 0 or an even power of two; anything else is a broken device. */
		if (mult != 0 && ((mult & (mult - 1)) != 0 || (mult & 1) ||
				  mult > VNET_NOTIFY_MULT_MAX)) {
			diag(cfg, "notify capability at 0x%02x: notify_off_multiplier %u is not 0 or an even power of two <= %u",
			     pos, mult, VNET_NOTIFY_MULT_MAX);
			return -1;
		}
		*notify_mult = mult;
	}
	region->present = true;
	region->cap_off = pos;
	region->bar = bar;
	region->offset = offset;
	region->length = length;
	return 0;
}

enum vnet_caps_result
vnet_caps_parse(const struct vnet_cfg_access *cfg,
		const struct vnet_bar bars[VNET_PCI_BAR_COUNT],
		struct vnet_modern_layout *out)
{
	uint8_t visited[VNET_PCI_CFG_SPACE_SIZE / 8] = { 0 };
	uint8_t status[2];
	uint8_t pos;
	unsigned int walked = 0;

	memset(out, 0, sizeof(*out));
	if (cfg_read(cfg, status, sizeof(status), VNET_PCI_STATUS) < 0) {
		diag(cfg, "cannot read PCI status register");
		return VNET_CAPS_BROKEN_LIST;
	}
	if (!(status[0] & VNET_PCI_STATUS_CAP_LIST))
		return VNET_CAPS_NO_LIST;
	if (cfg_read(cfg, &pos, 1, VNET_PCI_CAPABILITY_LIST) < 0) {
		diag(cfg, "cannot read capability pointer");
		return VNET_CAPS_BROKEN_LIST;
	}

	pos &= ~3u; /* low two bits are reserved */
	while (pos != 0) {
		uint8_t raw[VNET_NOTIFY_CAP_SIZE] = { 0 };
		struct vnet_cap_region *slot = NULL;
		size_t want;
		uint32_t mult = 0;

		if (pos < VNET_PCI_STD_HEADER_SIZE) {
			diag(cfg, "capability pointer 0x%02x points into the standard header", pos);
			return VNET_CAPS_BROKEN_LIST;
		}
		if (visited[pos / 8] & (1u << (pos % 8)) ||
		    ++walked > VNET_CAPS_MAX_WALK) {
			diag(cfg, "capability list loops back to 0x%02x", pos);
			return VNET_CAPS_BROKEN_LIST;
		}
		visited[pos / 8] |= 1u << (pos % 8);
		if (cfg_read(cfg, raw, 2, pos) < 0) {
			diag(cfg, "cannot read capability at 0x%02x", pos);
			return VNET_CAPS_BROKEN_LIST;
		}
		out->caps_seen++;

		if (raw[0] == VNET_PCI_CAP_ID_MSIX && out->msix_cap_off == 0)
			out->msix_cap_off = pos;
		if (raw[0] != VNET_PCI_CAP_ID_VNDR)
			goto next;
		out->virtio_caps_seen++;

		if (cfg_read(cfg, raw, VNET_CAP_SIZE, pos) < 0) {
			diag(cfg, "vendor capability at 0x%02x runs past config space", pos);
			goto next;
		}
		if (raw[VNET_CAP_OFF_LEN] < VNET_CAP_SIZE) {
			diag(cfg, "vendor capability at 0x%02x: cap_len %u is below %u",
			     pos, raw[VNET_CAP_OFF_LEN], VNET_CAP_SIZE);
			goto next;
		}
		want = raw[VNET_CAP_OFF_CFG_TYPE] == VNET_CAP_NOTIFY_CFG ?
			VNET_NOTIFY_CAP_SIZE : VNET_CAP_SIZE;
		if (want > VNET_CAP_SIZE &&
		    raw[VNET_CAP_OFF_LEN] >= want &&
		    cfg_read(cfg, raw, want, pos) < 0) {
			diag(cfg, "notify capability at 0x%02x runs past config space", pos);
			goto next;
		}

		switch (raw[VNET_CAP_OFF_CFG_TYPE]) {
		case VNET_CAP_COMMON_CFG:
			slot = &out->common;
			break;
		case VNET_CAP_NOTIFY_CFG:
			slot = &out->notify;
			break;
		case VNET_CAP_ISR_CFG:
			slot = &out->isr;
			break;
		case VNET_CAP_DEVICE_CFG:
			slot = &out->device;
			break;
		case VNET_CAP_PCI_CFG:
			slot = &out->pci_cfg;
			break;
		default:
			break; /* unknown types are allowed and ignored */
		}
		/* The spec says use the first one of each type the driver can use. */
		if (slot != NULL && !slot->present &&
		    check_virtio_cap(cfg, bars, pos, raw, raw[VNET_CAP_OFF_LEN],
				     slot, &mult) == 0 &&
		    slot == &out->notify)
			out->notify_off_multiplier = mult;
next:
		pos = raw[VNET_CAP_OFF_NEXT] & ~3u;
	}

	if (out->virtio_caps_seen == 0)
		return VNET_CAPS_NO_VIRTIO;
	if (!out->common.present || !out->notify.present ||
	    !out->isr.present || !out->device.present) {
		diag(cfg, "modern layout incomplete:%s%s%s%s missing",
		     out->common.present ? "" : " common",
		     out->notify.present ? "" : " notify",
		     out->isr.present ? "" : " isr",
		     out->device.present ? "" : " device");
		return VNET_CAPS_INCOMPLETE;
	}
	return VNET_CAPS_MODERN;
}

int
vnet_msix_enabled(const struct vnet_cfg_access *cfg, uint8_t cap_off)
{
	uint8_t flags[2];

	if (cap_off == 0)
		return 0;
	if (cfg_read(cfg, flags, sizeof(flags), cap_off + VNET_PCI_MSIX_FLAGS) < 0)
		return -1;
	return (flags[1] & (VNET_PCI_MSIX_ENABLE >> 8)) != 0;
}
