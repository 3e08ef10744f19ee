/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet counters of one queue: frame-size buckets and multicast and
 * broadcast counts, with the bucket bounds and names of DPDK's net_virtio
 * (its rte_virtio_rxq_stat_strings), so the xstats read the same with
 * either driver. Each burst function calls vnet_pktstats_mbuf() once per
 * packet it delivers or sends.
 */
#ifndef VNET_PKTSTATS_H
#define VNET_PKTSTATS_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/* Frame length without CRC, as net_virtio bins pkt_len. */
enum vnet_size_bucket {
	VNET_SIZE_UNDERSIZE = 0, /* below 64 */
	VNET_SIZE_64,
	VNET_SIZE_65_127,
	VNET_SIZE_128_255,
	VNET_SIZE_256_511,
	VNET_SIZE_512_1023,
	VNET_SIZE_1024_1518,
	VNET_SIZE_1519_MAX,
	VNET_SIZE_BUCKETS,
};

struct vnet_pkt_stats {
	uint64_t multicast; /* group bit set, not broadcast */
	uint64_t broadcast;
	uint64_t size[VNET_SIZE_BUCKETS];
};

static inline enum vnet_size_bucket
vnet_size_bucket(uint32_t len)
{
	if (len < 64)
		return VNET_SIZE_UNDERSIZE;
	if (len == 64)
		return VNET_SIZE_64;
	if (len < 1024) /* 65..127 -> 2, ... 512..1023 -> 5: by the top bit */
		return (enum vnet_size_bucket)(32 - __builtin_clz(len) - 5);
	return len <= 1518 ? VNET_SIZE_1024_1518 : VNET_SIZE_1519_MAX;
}

/* Count one frame of len bytes; dst: its destination MAC, NULL if unreadable. */
static inline void
vnet_pktstats_add(struct vnet_pkt_stats *s, uint32_t len, const uint8_t *dst)
{
	s->size[vnet_size_bucket(len)]++;
	if (dst == NULL || !(dst[0] & 0x01))
		return;
	if ((dst[0] & dst[1] & dst[2] & dst[3] & dst[4] & dst[5]) == 0xff)
		s->broadcast++;
	else
		s->multicast++;
}

/*
 * Count the frame of frame_len bytes that ends m's data: on tx, a virtio
 * header pushed into the headroom may precede it.
 */
static inline void
vnet_pktstats_mbuf(struct vnet_pkt_stats *s, const struct rte_mbuf *m,
		   uint32_t frame_len)
{
	uint32_t skip = m->pkt_len - frame_len;
	const uint8_t *dst = NULL;

	if (frame_len <= m->pkt_len &&
	    (uint64_t)skip + RTE_ETHER_ADDR_LEN <= m->data_len)
		dst = rte_pktmbuf_mtod_offset(m, const uint8_t *, skip);
	vnet_pktstats_add(s, frame_len, dst);
}

#endif
