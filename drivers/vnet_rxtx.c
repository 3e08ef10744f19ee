/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx and tx bursts, written once and compiled once per ring layout (the
 * layout is a constant argument, see vnet_vring.h). The device is not
 * trusted: the ring checks every used entry before the mbuf behind it is
 * touched, and a violation breaks the queue until the port is reset.
 */
#include <string.h>

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

/* Reclaim chains the device is done with and free their mbufs. */
static __rte_always_inline void
tx_reclaim(struct vnet_virtqueue *vq, const enum vnet_ring_kind L)
{
	vnet_vq_free_used(vq, L);
	vnet_vring_suppress_interrupts(&vq->vr, L, vq->event_idx);
}

static inline bool
tx_can_push(const struct vnet_virtqueue *vq, const struct rte_mbuf *m)
{
	return vq->can_push && RTE_MBUF_DIRECT(m) &&
	       rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_headroom(m) >= vq->hdr_size;
}

/* One descriptor of a packet: in its indirect table, or in the ring. */
static __rte_always_inline void
tx_add(struct vnet_virtqueue *vq, const enum vnet_ring_kind L,
       struct vnet_chain *c, bool ind, uint16_t *i, bool last,
       uint64_t iova, uint32_t len)
{
	if (ind)
		vnet_indirect_set(&vq->ind, L, c->id, (*i)++, iova, len, last);
	else
		vnet_vring_chain_add(&vq->vr, L, c, iova, len,
				     last ? 0 : VNET_DESC_F_NEXT);
}

/* Queue one packet of need descriptors; false if the ring has no room. */
static __rte_always_inline bool
tx_enqueue(struct vnet_virtqueue *vq, const enum vnet_ring_kind L,
	   struct rte_mbuf *m, bool push, uint16_t need)
{
	struct vnet_vring *r = &vq->vr;
	/* Several descriptors take one ring slot and a table when they fit. */
	bool ind = vnet_indirect_fits(&vq->ind, need);
	uint16_t slots = ind ? 1 : need, i = 0;
	struct rte_mbuf *seg;
	struct vnet_chain c;

	if (slots > r->num_free) {
		/* Reclaim on demand: the device may have finished everything. */
		tx_reclaim(vq, L);
		if (r->broken || !vnet_vring_take(r, L, slots, &c))
			return false;
	} else if (!vnet_vring_take(r, L, slots, &c)) {
		return false;
	}
	if (push) {
		void *hdr = rte_pktmbuf_prepend(m, vq->hdr_size);

		memset(hdr, 0, vq->hdr_size);
		if (vq->tx_offload)
			vnet_offload_tx_hdr(hdr, m);
	} else {
		struct vnet_net_hdr *hdrs = vq->hdr_mz->addr;

		/* One header slot per buffer id, so it stays ours until used. */
		memset(&hdrs[c.id], 0, vq->hdr_size);
		if (vq->tx_offload)
			vnet_offload_tx_hdr(&hdrs[c.id], m);
		tx_add(vq, L, &c, ind, &i, false, vq->hdr_mz->iova +
		       (uint64_t)c.id * sizeof(struct vnet_net_hdr), vq->hdr_size);
	}
	for (seg = m; seg != NULL; seg = seg->next)
		tx_add(vq, L, &c, ind, &i, seg->next == NULL, rte_mbuf_data_iova(seg),
		       seg->data_len);
	if (ind)
		vnet_vring_chain_add(r, L, &c, vnet_indirect_iova(&vq->ind, c.id),
				     need * (uint32_t)sizeof(struct vnet_desc),
				     VNET_DESC_F_INDIRECT);
	vnet_vring_post(r, L, &c, m, 0);
	return true;
}

/*
 * The common packet, header in its headroom and one segment: one
 * descriptor, so no indirect test and no walk of the segment list (whose
 * next pointer may sit in the mbuf's second cache line).
 */
static __rte_always_inline bool
tx_enqueue_one(struct vnet_virtqueue *vq, const enum vnet_ring_kind L,
	       struct rte_mbuf *m)
{
	struct vnet_vring *r = &vq->vr;
	struct vnet_chain c;
	void *hdr;

	if (unlikely(r->num_free == 0)) {
		/* Reclaim on demand: the device may have finished everything. */
		tx_reclaim(vq, L);
		if (r->broken)
			return false;
	}
	if (!vnet_vring_take(r, L, 1, &c))
		return false;
	hdr = rte_pktmbuf_prepend(m, vq->hdr_size);
	/* A constant size: two stores rather than a call to memset. */
	if (likely(vq->hdr_size == VNET_NET_HDR_V1_SIZE))
		memset(hdr, 0, VNET_NET_HDR_V1_SIZE);
	else
		memset(hdr, 0, vq->hdr_size);
	if (vq->tx_offload)
		vnet_offload_tx_hdr(hdr, m);
	vnet_vring_chain_add(r, L, &c, rte_mbuf_data_iova(m), m->data_len, 0);
	vnet_vring_post(r, L, &c, m, 0);
	return true;
}

static __rte_always_inline uint16_t
xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	  const enum vnet_ring_kind L)
{
	struct vnet_virtqueue *vq = txq;
	struct vnet_vring *r = &vq->vr;
	uint16_t nb_tx, dropped = 0;
	uint64_t bytes = 0;

	if (unlikely(r->broken))
		return 0;
	if (r->num_free < r->num / 4)
		tx_reclaim(vq, L);
	for (nb_tx = 0; nb_tx < nb_pkts && !r->broken; nb_tx++) {
		struct rte_mbuf *m = pkts[nb_tx];
		uint32_t len = m->pkt_len;
		bool push = tx_can_push(vq, m);
		uint32_t need = (uint32_t)m->nb_segs + (push ? 0 : 1);

		if (unlikely(need > r->num || m->pkt_len == 0)) {
			/* Could never fit, or nothing to send: drop, don't stall. */
			dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* Idempotent: a packet retried after a full ring is fine. */
		if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
			vnet_tx_ipv4_cksum(m);
		if (need == 1 && push ? !tx_enqueue_one(vq, L, m) :
		    !tx_enqueue(vq, L, m, push, (uint16_t)need))
			break;
		vnet_pktstats_mbuf(&vq->stats.pkt, m, len);
		bytes += len;
	}
	if (vnet_vring_unpublished(r, L))
		vnet_vq_publish_and_kick(vq);
	vq->stats.packets += nb_tx - dropped;
	vq->stats.errors += dropped;
	vq->stats.bytes += bytes;
	if (unlikely(r->broken))
		vnet_vq_report_broken(vq);
	return nb_tx;
}

VNET_BURSTS(vnet_xmit_pkts, xmit_pkts)
