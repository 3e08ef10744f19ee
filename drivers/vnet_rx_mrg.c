/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx burst with mergeable rx buffers: each used buffer is classified by
 * vnet_mrg_next() (vnet_mrg.h, its table of bad cases) and linked into an
 * mbuf chain. The header sits in the first buffer only; later buffers
 * carry frame bytes from where the header would be (virtio 1.2 §5.1.6.4).
 */
#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>

#include "vnet_offload.h"
#include "vnet_rxtx.h"

static inline struct vnet_net_hdr *
rx_hdr(const struct vnet_virtqueue *vq, struct rte_mbuf *m)
{
	return (struct vnet_net_hdr *)((char *)m->buf_addr +
				       RTE_PKTMBUF_HEADROOM - vq->hdr_size);
}

static void
drop_held(struct vnet_virtqueue *vq)
{
	rte_pktmbuf_free(vq->mrg_head);
	vq->mrg_head = vq->mrg_tail = NULL;
}

void
vnet_rx_mrg_reset(struct vnet_virtqueue *vq)
{
	drop_held(vq);
	vnet_mrg_reset(&vq->mrg);
}

/*
 * A packet's first mbuf: what rx sets beyond the frame length (next,
 * nb_segs, ol_flags, packet_type: reset by rte_pktmbuf_alloc_bulk).
 */
static __rte_always_inline void
head_fields(struct vnet_virtqueue *vq, struct rte_mbuf *m, uint32_t len,
	    const struct vnet_net_hdr *hdr)
{
	m->port = vq->port_id;
	m->pkt_len = len;
	if (vq->rx_hdr_flags) {
		uint16_t segsz;

		m->ol_flags |= vnet_offload_rx_flags(hdr, &segsz);
		m->tso_segsz = segsz;
	}
}

/* Add m (seg) to the packet being assembled. */
static inline void
append(struct vnet_virtqueue *vq, struct rte_mbuf *m,
       const struct vnet_mrg_seg *seg, const struct vnet_net_hdr *hdr)
{
	struct rte_mbuf *h = vq->mrg_head;

	m->data_off = (uint16_t)(RTE_PKTMBUF_HEADROOM - vq->hdr_size + seg->off);
	m->data_len = (uint16_t)seg->len;
	if (h == NULL) {
		head_fields(vq, m, seg->len, hdr);
		vq->mrg_head = m;
	} else {
		vq->mrg_tail->next = m;
		h->nb_segs++;
		h->pkt_len += seg->len;
	}
	vq->mrg_tail = m;
}

/*
 * A whole packet in one buffer (vnet_mrg_single): no chain to build, and
 * data_off is already the headroom, where the frame starts.
 */
static __rte_always_inline void
deliver_single(struct vnet_virtqueue *vq, struct rte_mbuf *m, uint32_t frame,
	       const struct vnet_net_hdr *hdr)
{
	m->data_len = (uint16_t)frame;
	head_fields(vq, m, frame, hdr);
	vq->stats.mrg_segments++;
}

static __rte_always_inline uint16_t
recv_pkts_mrg(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	      const enum vnet_ring_kind L)
{
	struct vnet_virtqueue *vq = rxq;
	struct vnet_vring *r = &vq->vr;
	uint16_t n, taken = 0, nb_rx = 0;
	uint64_t bytes = 0;

	if (unlikely(r->broken))
		return 0;
	n = vnet_vring_used_ready(r, L, UINT16_MAX);
	while (taken < n && nb_rx < nb_pkts) {
		struct vnet_net_hdr *hdr = NULL;
		struct vnet_mrg_seg seg;
		uint16_t nbuf = 0;
		struct rte_mbuf *m;
		uint32_t len;
		void *cookie;

		if (unlikely(!vnet_vring_get_used(r, L, &cookie, &len)))
			break;
		taken++;
		m = cookie;
		if (vnet_mrg_at_head(&vq->mrg)) {
			uint32_t frame;

			hdr = rx_hdr(vq, m);
			nbuf = vq->hw->modern ? rte_le_to_cpu_16(hdr->num_buffers) :
						hdr->num_buffers;
			frame = vnet_mrg_single(len, nbuf, vq->hdr_size,
						vq->rx_max_frame);
			if (likely(frame != 0)) {
				deliver_single(vq, m, frame, hdr);
				vnet_pktstats_mbuf(&vq->stats.pkt, m, frame);
				bytes += frame;
				pkts[nb_rx++] = m;
				continue;
			}
		}
		switch (vnet_mrg_next(&vq->mrg, len, nbuf, vq->hdr_size, r->num,
				      vq->rx_max_frame, &seg)) {
		case VNET_MRG_APPEND:
			append(vq, m, &seg, hdr);
			break;
		case VNET_MRG_DONE:
			append(vq, m, &seg, hdr);
			vq->stats.mrg_segments += vq->mrg_head->nb_segs;
			vnet_pktstats_mbuf(&vq->stats.pkt, vq->mrg_head,
					   vq->mrg_head->pkt_len);
			bytes += vq->mrg_head->pkt_len;
			pkts[nb_rx++] = vq->mrg_head;
			vq->mrg_head = vq->mrg_tail = NULL;
			break;
		case VNET_MRG_DISCARD:
			drop_held(vq);
			rte_pktmbuf_free(m);
			break;
		case VNET_MRG_DROPPED:
			drop_held(vq);
			rte_pktmbuf_free(m);
			vq->stats.errors++;
			if (vq->mrg.reason == VNET_MRG_RUNT)
				vq->stats.runts++;
			else
				vq->stats.mrg_errors++;
			break;
		default: /* VNET_MRG_FAULT */
			drop_held(vq);
			rte_pktmbuf_free(m);
			vnet_vring_fail(r, VNET_RING_BAD_NUM_BUFFERS, nbuf, r->num);
			break;
		}
	}
	vq->stats.packets += nb_rx;
	vq->stats.bytes += bytes;
	if (unlikely(r->broken)) {
		/* What was validated before the fault is still good. */
		vnet_vq_report_broken(vq);
		return nb_rx;
	}
	vnet_rx_burst_end(vq, taken);
	return nb_rx;
}

VNET_BURSTS(vnet_recv_pkts_mrg, recv_pkts_mrg)
