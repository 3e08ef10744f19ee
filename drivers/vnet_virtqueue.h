/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A virtqueue: the ring (vnet_vring.h, split or packed) plus what ties it
 * to DPDK (memzones, mbufs, stats, doorbell).
 */
#ifndef VNET_VIRTQUEUE_H
#define VNET_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "vnet_hw.h"
#include "vnet_indirect.h"
#include "vnet_pktstats.h"
#include "vnet_mrg.h"
#include "vnet_transport.h"
#include "vnet_vring.h"

enum vnet_vq_role { VNET_VQ_RX, VNET_VQ_TX };

struct vnet_vq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;       /* runts (rx) or dropped bad mbufs (tx) */
	uint64_t kicks;
	uint64_t runts;        /* rx frames shorter than an Ethernet header */
	uint64_t ring_faults;  /* times the queue was found broken */
	uint64_t stopped_drops; /* rx: filled while the queue was stopped */
	struct vnet_pkt_stats pkt;
	uint64_t mrg_segments; /* rx buffers in delivered mergeable packets */
	uint64_t mrg_errors;   /* mergeable packets dropped (vnet_mrg.h) */
};

struct vnet_virtqueue {
	struct vnet_hw *hw;
	enum vnet_vq_role role;
	uint16_t index;        /* device queue index: rx 2n, tx 2n+1 */
	uint16_t queue_id;     /* ethdev queue id */
	uint16_t port_id;
	uint16_t hdr_size;     /* virtio_net_hdr bytes before each frame */
	bool event_idx;
	bool can_push;         /* header may go in mbuf headroom (tx) */
	bool fault_reported;   /* the broken ring was logged and signalled */
	bool deferred_start;   /* stays stopped at dev_start (queue conf) */

	struct vnet_vring vr;
	const struct rte_memzone *ring_mz; /* one IOVA-contiguous zone */
	/* Doorbell offset in the notify region; each process adds its own mapping. */
	uint32_t notify_off;

	/* tx: per-descriptor virtio_net_hdr for mbufs whose headroom is busy */
	const struct rte_memzone *hdr_mz;
	/* tx with VIRTIO_RING_F_INDIRECT_DESC: a table per buffer id */
	const struct rte_memzone *ind_mz;
	struct vnet_indirect ind;

	struct rte_mempool *mp;   /* rx buffers */
	/* rx with VIRTIO_NET_F_MRG_RXBUF: a packet may span bursts */
	struct vnet_mrg mrg;
	struct rte_mbuf *mrg_head, *mrg_tail;
	uint32_t rx_max_frame;    /* larger frames are dropped and counted */
	bool rx_hdr_flags;        /* header offload fields into ol_flags */
	bool tx_offload;          /* CSUM negotiated: fill the tx header */
	uint64_t rx_nombuf;
	struct vnet_vq_stats stats;
	struct vnet_desc_extra extra[];
};

int vnet_vq_create(struct vnet_hw *hw, enum vnet_vq_role role,
		   uint16_t queue_id, uint16_t nb_desc, unsigned int socket,
		   struct vnet_virtqueue **out);
/*
 * Free the queue. Unless the device confirmed its reset (device_quiet),
 * the ring memory and the mbufs it holds are left allocated: the device
 * might still write to them.
 */
void vnet_vq_free(struct vnet_virtqueue *vq, bool device_quiet);

/* Empty the ring into its initial state; frees every mbuf it held. */
void vnet_vq_reset_ring(struct vnet_virtqueue *vq);
/* Tell the device where the ring is. */
int vnet_vq_attach(struct vnet_virtqueue *vq);
/* The ring's size and area addresses, for a ring at iova (any layout). */
void vnet_vq_ring_addrs(const struct vnet_vring *r, rte_iova_t iova,
			struct vnet_queue_addrs *q);

/* Publish avail entries, then notify the device only if it asked for it. */
void vnet_vq_publish_and_kick(struct vnet_virtqueue *vq);

/*
 * The ring was found broken: log it once (device, port, queue, values),
 * count it, and raise RTE_ETH_EVENT_INTR_RESET once per port.
 */
void vnet_vq_report_broken(struct vnet_virtqueue *vq);

/* Break the queue because the device failed; reported like a bad ring. */
void vnet_vq_fail_device(struct vnet_virtqueue *vq, uint8_t status);

/*
 * Free the mbufs of every used entry the device has published so far
 * (each validated by the ring core); returns how many. A fault stops it
 * early with r->broken set.
 */
#define VNET_FREE_BATCH 64

/*
 * Mbufs to free, gathered for one rte_mempool_put_bulk(): direct,
 * refcnt 1, one segment, all of one pool (what a tx reclaim almost always
 * sees). Anything else goes through rte_pktmbuf_free().
 */
struct vnet_free_batch {
	struct rte_mempool *pool;
	unsigned int n;
	void *m[VNET_FREE_BATCH];
};

static __rte_always_inline void
vnet_free_flush(struct vnet_free_batch *b)
{
	if (b->n > 0)
		rte_mempool_put_bulk(b->pool, b->m, b->n);
	b->n = 0;
}

static __rte_always_inline void
vnet_free_add(struct vnet_free_batch *b, struct rte_mbuf *m)
{
	if (unlikely(!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
		     m->nb_segs != 1)) {
		rte_pktmbuf_free(m);
		return;
	}
	if (unlikely(m->pool != b->pool || b->n == VNET_FREE_BATCH)) {
		vnet_free_flush(b);
		b->pool = m->pool;
	}
	b->m[b->n++] = m;
}

static __rte_always_inline uint16_t
vnet_vq_free_used(struct vnet_virtqueue *vq, const enum vnet_ring_kind L)
{
	struct vnet_vring *r = &vq->vr;
	uint16_t n = vnet_vring_used_ready(r, L, UINT16_MAX), freed = 0;
	struct vnet_free_batch b;
	uint32_t len;
	void *cookie;

	b.pool = NULL;
	b.n = 0;
	while (freed < n && vnet_vring_get_used(r, L, &cookie, &len)) {
		vnet_free_add(&b, cookie);
		freed++;
	}
	vnet_free_flush(&b);
	return freed;
}

#endif
