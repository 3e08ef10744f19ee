/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tx burst, written once and compiled once per ring layout (the layout is
 * a constant argument, see vnet_vring.h). Used entries are reclaimed in
 * bulk (vnet_vq_free_used); a one-segment packet whose header fits its
 * headroom takes one descriptor on a path of its own.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <ethdev_driver.h>

#include "vnet_offload.h"
#include "vnet_rxtx.h"

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
