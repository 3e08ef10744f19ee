/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet counters: the size bucket of every boundary length (net_virtio's
 * bins, written out here by hand), multicast/broadcast from the destination
 * MAC, and the frame found behind a pushed tx header.
 */
#include "tap.h"
#include "vnet_pktstats.h"

static const struct {
	uint32_t len;
	enum vnet_size_bucket want;
} sizes[] = {
	{ 0, VNET_SIZE_UNDERSIZE },      { 14, VNET_SIZE_UNDERSIZE },
	{ 60, VNET_SIZE_UNDERSIZE },     { 63, VNET_SIZE_UNDERSIZE },
	{ 64, VNET_SIZE_64 },            { 65, VNET_SIZE_65_127 },
	{ 100, VNET_SIZE_65_127 },       { 127, VNET_SIZE_65_127 },
	{ 128, VNET_SIZE_128_255 },      { 255, VNET_SIZE_128_255 },
	{ 256, VNET_SIZE_256_511 },      { 511, VNET_SIZE_256_511 },
	{ 512, VNET_SIZE_512_1023 },     { 1023, VNET_SIZE_512_1023 },
	{ 1024, VNET_SIZE_1024_1518 },   { 1500, VNET_SIZE_1024_1518 },
	{ 1514, VNET_SIZE_1024_1518 },   { 1518, VNET_SIZE_1024_1518 },
	{ 1519, VNET_SIZE_1519_MAX },    { 9000, VNET_SIZE_1519_MAX },
	{ 65535, VNET_SIZE_1519_MAX },   { UINT32_MAX, VNET_SIZE_1519_MAX },
};

static const struct {
	const char *what;
	uint8_t dst[6];
	uint64_t mc, bc;
} macs[] = {
	{ "unicast", { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, 0, 0 },
	{ "broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, 1 },
	{ "IPv4 multicast", { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, 1, 0 },
	{ "IPv6 multicast", { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, 1, 0 },
	{ "group bit, one byte short of broadcast", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe }, 1, 0 },
	{ "locally administered unicast ff-like", { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff }, 0, 0 },
};

static uint64_t
total(const struct vnet_pkt_stats *s)
{
	uint64_t t = 0;
	unsigned int i;

	for (i = 0; i < VNET_SIZE_BUCKETS; i++)
		t += s->size[i];
	return t;
}

int
main(void)
{
	uint8_t buf[256];
	struct rte_mbuf m;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct vnet_pkt_stats s = { 0 };

		TAP_EQ(vnet_size_bucket(sizes[i].len), sizes[i].want, "%u bytes -> bucket %d",
		       sizes[i].len, sizes[i].want);
		vnet_pktstats_add(&s, sizes[i].len, NULL);
		TAP_OK(s.size[sizes[i].want] == 1 && total(&s) == 1 && !s.multicast &&
		       !s.broadcast, "%u bytes, MAC unreadable: one count, in its bucket only",
		       sizes[i].len);
	}
	for (i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
		struct vnet_pkt_stats s = { 0 };

		vnet_pktstats_add(&s, 64, macs[i].dst);
		TAP_OK(s.multicast == macs[i].mc && s.broadcast == macs[i].bc &&
		       s.size[VNET_SIZE_64] == 1, "%s: multicast %" PRIu64 " broadcast %" PRIu64,
		       macs[i].what, s.multicast, s.broadcast);
	}

	/* A tx mbuf with a 12-byte virtio header pushed before a broadcast frame. */
	memset(&m, 0, sizeof(m));
	memset(buf, 0, sizeof(buf));
	memset(buf + 128 + 12, 0xff, 6);
	m.buf_addr = buf;
	m.data_off = 128;
	m.data_len = 12 + 100;
	m.pkt_len = 12 + 100;
	{
		struct vnet_pkt_stats s = { 0 };

		vnet_pktstats_mbuf(&s, &m, 100);
		TAP_OK(s.broadcast == 1 && s.size[VNET_SIZE_65_127] == 1,
		       "pushed header skipped: broadcast frame of 100 bytes counted");
		memset(&s, 0, sizeof(s));
		vnet_pktstats_mbuf(&s, &m, 112);
		TAP_OK(s.broadcast == 0 && s.multicast == 0 && s.size[VNET_SIZE_65_127] == 1,
		       "no header: the zero MAC at the data start is unicast");
		memset(&s, 0, sizeof(s));
		m.data_len = 12 + 5; /* first segment too short for a MAC */
		vnet_pktstats_mbuf(&s, &m, 100);
		TAP_OK(s.broadcast == 0 && s.multicast == 0 && total(&s) == 1,
		       "MAC beyond the first segment: size counted, class not read");
		memset(&s, 0, sizeof(s));
		vnet_pktstats_mbuf(&s, &m, 200); /* frame longer than the mbuf */
		TAP_OK(s.broadcast == 0 && total(&s) == 1,
		       "frame_len above pkt_len: no out-of-bounds MAC read");
	}
	return tap_done();
}
