/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx burst and refill, written once and compiled once per ring layout (the
 * layout is a constant argument, see vnet_vring.h); tx: vnet_tx.c. The device is not
 * trusted: the ring checks every used entry before the mbuf behind it is
 * touched, and a violation breaks the queue until the port is reset.
 */
#include <rte_ethdev.h>
#include <ethdev_driver.h>

#include "vnet_offload.h"
#include "vnet_rxtx.h"

#define VNET_RX_REFILL_BATCH 64

uint32_t
vnet_rx_buf_capacity(struct rte_mempool *mp)
{
	uint32_t room = rte_pktmbuf_data_room_size(mp);

	return room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
}

static __rte_always_inline void
rx_post(struct vnet_virtqueue *vq, const enum vnet_ring_kind L, struct rte_mbuf *m)
{
	struct vnet_vring *r = &vq->vr;
	uint32_t wlen = m->buf_len - RTE_PKTMBUF_HEADROOM + vq->hdr_size;
	struct vnet_chain c;

	/* Callers post at most num_free buffers; stay safe if that changes. */
	if (unlikely(!vnet_vring_take(r, L, 1, &c))) {
		rte_pktmbuf_free(m);
		return;
	}
	/* The header lands in the headroom, right before the frame. */
	vnet_vring_chain_add(r, L, &c, rte_mbuf_data_iova_default(m) - vq->hdr_size,
			     wlen, VNET_DESC_F_WRITE);
	vnet_vring_post(r, L, &c, m, wlen);
}

static __rte_always_inline int
rx_refill(struct vnet_virtqueue *vq, const enum vnet_ring_kind L)
{
	struct rte_mbuf *bufs[VNET_RX_REFILL_BATCH];
	struct vnet_vring *r = &vq->vr;
	int posted = 0;

	while (r->num_free > 0 && !r->broken) {
		uint16_t n = RTE_MIN(r->num_free, (uint16_t)VNET_RX_REFILL_BATCH);
		uint16_t i;

		if (rte_pktmbuf_alloc_bulk(vq->mp, bufs, n) != 0) {
			vq->rx_nombuf += n;
			break;
		}
		for (i = 0; i < n; i++)
			rx_post(vq, L, bufs[i]);
		posted += n;
	}
	if (posted > 0)
		vnet_vq_publish_and_kick(vq);
	return posted;
}

int
vnet_rx_refill(struct vnet_virtqueue *vq)
{
	switch (vq->vr.kind) {
	case VNET_KIND_PACKED:
		return rx_refill(vq, VNET_KIND_PACKED);
	case VNET_KIND_SPLIT_IN_ORDER:
		return rx_refill(vq, VNET_KIND_SPLIT_IN_ORDER);
	case VNET_KIND_PACKED_IN_ORDER:
		return rx_refill(vq, VNET_KIND_PACKED_IN_ORDER);
	default:
		return rx_refill(vq, VNET_KIND_SPLIT);
	}
}

static __rte_always_inline void
rx_burst_end(struct vnet_virtqueue *vq, const enum vnet_ring_kind L, uint16_t taken)
{
	struct vnet_vring *r = &vq->vr;

	if (taken > 0) {
		vnet_vring_suppress_interrupts(r, L, vq->event_idx);
		if (r->num_free >= RTE_MIN((uint16_t)VNET_RX_REFILL_BATCH,
					   (uint16_t)(r->num / 2)))
			rx_refill(vq, L);
	} else if (unlikely(r->num_free == r->num)) {
		/* Ring starved earlier (no mbufs): retry so rx can recover. */
		rx_refill(vq, L);
	}
}

void
vnet_rx_burst_end(struct vnet_virtqueue *vq, uint16_t taken)
{
	switch (vq->vr.kind) {
	case VNET_KIND_PACKED:
		rx_burst_end(vq, VNET_KIND_PACKED, taken);
		break;
	case VNET_KIND_SPLIT_IN_ORDER:
		rx_burst_end(vq, VNET_KIND_SPLIT_IN_ORDER, taken);
		break;
	case VNET_KIND_PACKED_IN_ORDER:
		rx_burst_end(vq, VNET_KIND_PACKED_IN_ORDER, taken);
		break;
	default:
		rx_burst_end(vq, VNET_KIND_SPLIT, taken);
		break;
	}
}

static __rte_always_inline uint16_t
recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	  const enum vnet_ring_kind L)
{
	struct vnet_virtqueue *vq = rxq;
	struct vnet_vring *r = &vq->vr;
	uint16_t n, i, nb_rx = 0;
	uint64_t bytes = 0;

	if (unlikely(r->broken))
		return 0;
	n = vnet_vring_used_ready(r, L, nb_pkts);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m;
		uint32_t len, frame;
		void *cookie;

		if (unlikely(!vnet_vring_get_used(r, L, &cookie, &len)))
			break;
		m = cookie;
		frame = vnet_rx_frame_len(len, vq->hdr_size);
		if (unlikely(frame == 0)) {
			vq->stats.runts++;
			vq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		/*
		 * rte_pktmbuf_alloc_bulk() in rx_refill reset the mbuf: data_off
		 * is the headroom, one segment, no next (the second cache line
		 * stays untouched), no offload flags, no packet type.
		 */
		if (vq->rx_hdr_flags) {
			uint16_t segsz;

			m->ol_flags |= vnet_offload_rx_flags(
				rte_pktmbuf_mtod_offset(m, struct vnet_net_hdr *,
							-(int)vq->hdr_size),
				&segsz);
			m->tso_segsz = segsz;
		}
		m->port = vq->port_id;
		m->data_len = (uint16_t)frame;
		m->pkt_len = frame;
		vnet_pktstats_mbuf(&vq->stats.pkt, m, frame);
		bytes += frame;
		pkts[nb_rx++] = m;
	}
	vq->stats.packets += nb_rx;
	vq->stats.bytes += bytes;
	if (unlikely(r->broken)) {
		/* What was validated before the fault is still good. */
		vnet_vq_report_broken(vq);
		return nb_rx;
	}
	rx_burst_end(vq, L, i);
	return nb_rx;
}

VNET_BURSTS(vnet_recv_pkts, recv_pkts)
