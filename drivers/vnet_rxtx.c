/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring rx and tx bursts. The device is not trusted: every used
 * entry's id and length is checked before the mbuf behind it is touched.
 */
#include <string.h>

#include <rte_ethdev.h>
#include <ethdev_driver.h>

#include "vnet_rxtx.h"

#define VNET_RX_REFILL_BATCH 64

uint32_t
vnet_rx_buf_capacity(struct rte_mempool *mp)
{
	uint32_t room = rte_pktmbuf_data_room_size(mp);

	return room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
}

static inline void
rx_post(struct vnet_virtqueue *vq, struct rte_mbuf *m)
{
	uint16_t tail;
	uint16_t id = vnet_vq_take_descs(vq, 1, &tail);
	struct vnet_desc *d = &vq->desc[id];

	/* The header lands in the headroom, right before the frame. */
	d->addr = rte_mbuf_data_iova_default(m) - vq->hdr_size;
	d->len = m->buf_len - RTE_PKTMBUF_HEADROOM + vq->hdr_size;
	d->flags = VNET_DESC_F_WRITE;
	vq->slots[id].mbuf = m;
	vq->slots[id].ndescs = 1;
	vq->avail_ring[vnet_ring_slot(vq->avail_shadow++, vq->num)] = id;
}

int
vnet_rx_refill(struct vnet_virtqueue *vq)
{
	struct rte_mbuf *bufs[VNET_RX_REFILL_BATCH];
	int posted = 0;

	while (vq->num_free > 0) {
		uint16_t n = RTE_MIN(vq->num_free, (uint16_t)VNET_RX_REFILL_BATCH);
		uint16_t i;

		if (rte_pktmbuf_alloc_bulk(vq->mp, bufs, n) != 0) {
			vq->rx_nombuf += n;
			break;
		}
		for (i = 0; i < n; i++)
			rx_post(vq, bufs[i]);
		posted += n;
	}
	if (posted > 0)
		vnet_vq_publish_and_kick(vq);
	return posted;
}

uint16_t
vnet_recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vnet_virtqueue *vq = rxq;
	uint16_t used_idx, avail, n, i, nb_rx = 0;
	uint64_t bytes = 0;

	used_idx = __atomic_load_n(vq->used_idx, __ATOMIC_ACQUIRE);
	avail = vnet_ring_used_pending(used_idx, vq->last_used);
	if (unlikely(avail > vq->num)) {
		/* A device cannot have used more than the ring holds. */
		vq->stats.errors++;
		return 0;
	}
	n = RTE_MIN(avail, nb_pkts);
	for (i = 0; i < n; i++) {
		volatile struct vnet_used_elem *e =
			&vq->used_ring[vnet_ring_slot(vq->last_used++, vq->num)];
		uint32_t id = e->id, len = e->len;
		struct rte_mbuf *m;

		if (unlikely(id >= vq->num || vq->slots[id].mbuf == NULL)) {
			vq->stats.errors++;
			continue;
		}
		m = vq->slots[id].mbuf;
		vq->slots[id].mbuf = NULL;
		vnet_vq_put_descs(vq, (uint16_t)id, 1);
		if (unlikely(len <= vq->hdr_size ||
			     len - vq->hdr_size > (uint32_t)(m->buf_len - RTE_PKTMBUF_HEADROOM))) {
			vq->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->nb_segs = 1;
		m->next = NULL;
		m->ol_flags = 0;
		m->packet_type = 0;
		m->port = vq->port_id;
		m->data_len = (uint16_t)(len - vq->hdr_size);
		m->pkt_len = m->data_len;
		bytes += m->data_len;
		pkts[nb_rx++] = m;
	}
	vq->stats.packets += nb_rx;
	vq->stats.bytes += bytes;
	if (n > 0) {
		vnet_vq_suppress_interrupts(vq);
		if (vq->num_free >= RTE_MIN((uint16_t)VNET_RX_REFILL_BATCH,
					    (uint16_t)(vq->num / 2)))
			vnet_rx_refill(vq);
	} else if (unlikely(vq->num_free == vq->num)) {
		/* Ring starved earlier (no mbufs): retry so rx can recover. */
		vnet_rx_refill(vq);
	}
	return nb_rx;
}

/* Reclaim descriptors the device is done with and free their mbufs. */
static void
tx_reclaim(struct vnet_virtqueue *vq)
{
	uint16_t used_idx = __atomic_load_n(vq->used_idx, __ATOMIC_ACQUIRE);
	uint16_t n = vnet_ring_used_pending(used_idx, vq->last_used);

	if (unlikely(n > vq->num)) {
		vq->stats.errors++;
		return;
	}
	while (n-- > 0) {
		volatile struct vnet_used_elem *e =
			&vq->used_ring[vnet_ring_slot(vq->last_used++, vq->num)];
		uint32_t id = e->id;
		struct vnet_vq_slot *s;

		if (unlikely(id >= vq->num || vq->slots[id].ndescs == 0)) {
			vq->stats.errors++;
			continue;
		}
		s = &vq->slots[id];
		vnet_vq_put_descs(vq, (uint16_t)id, s->ndescs);
		rte_pktmbuf_free(s->mbuf);
		s->mbuf = NULL;
		s->ndescs = 0;
	}
	vnet_vq_suppress_interrupts(vq);
}

static inline bool
tx_can_push(const struct vnet_virtqueue *vq, const struct rte_mbuf *m)
{
	return vq->can_push && RTE_MBUF_DIRECT(m) &&
	       rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_headroom(m) >= vq->hdr_size;
}

/* Queue one packet; returns false if the ring has no room for it. */
static inline bool
tx_enqueue(struct vnet_virtqueue *vq, struct rte_mbuf *m)
{
	bool push = tx_can_push(vq, m);
	uint16_t need = m->nb_segs + (push ? 0 : 1);
	uint16_t head, tail, cur;
	struct rte_mbuf *seg;

	if (need > vq->num_free)
		return false;
	head = vnet_vq_take_descs(vq, need, &tail);
	cur = head;
	if (push) {
		void *hdr = rte_pktmbuf_prepend(m, vq->hdr_size);

		memset(hdr, 0, vq->hdr_size);
	} else {
		struct vnet_net_hdr *hdrs = vq->hdr_mz->addr;

		memset(&hdrs[head], 0, vq->hdr_size);
		vq->desc[cur].addr = vq->hdr_mz->iova +
				     (uint64_t)head * sizeof(struct vnet_net_hdr);
		vq->desc[cur].len = vq->hdr_size;
		vq->desc[cur].flags = VNET_DESC_F_NEXT;
		cur = vq->desc[cur].next;
	}
	for (seg = m; seg != NULL; seg = seg->next) {
		vq->desc[cur].addr = rte_mbuf_data_iova(seg);
		vq->desc[cur].len = seg->data_len;
		vq->desc[cur].flags = seg->next ? VNET_DESC_F_NEXT : 0;
		if (seg->next)
			cur = vq->desc[cur].next;
	}
	vq->slots[head].mbuf = m;
	vq->slots[head].ndescs = need;
	vq->avail_ring[vnet_ring_slot(vq->avail_shadow++, vq->num)] = head;
	return true;
}

uint16_t
vnet_xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct vnet_virtqueue *vq = txq;
	uint16_t nb_tx, dropped = 0;
	uint64_t bytes = 0;

	if (vq->num_free < vq->num / 4 || vq->num_free < nb_pkts)
		tx_reclaim(vq);
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct rte_mbuf *m = pkts[nb_tx];
		uint32_t len = m->pkt_len;

		if (unlikely(m->nb_segs >= vq->num || m->pkt_len == 0)) {
			/* Could never fit, or nothing to send: drop, don't stall. */
			dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (!tx_enqueue(vq, m))
			break;
		bytes += len;
	}
	if (vq->avail_shadow != vq->kicked_idx)
		vnet_vq_publish_and_kick(vq);
	vq->stats.packets += nb_tx - dropped;
	vq->stats.errors += dropped;
	vq->stats.bytes += bytes;
	return nb_tx;
}
