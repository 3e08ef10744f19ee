/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split virtqueue. Everything a ring format needs to own sits behind this
 * header, so a packed ring can be added as a second format with the same
 * queue object, and rx/tx stay format-agnostic at the burst entry points.
 */
#ifndef VNET_VIRTQUEUE_H
#define VNET_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_atomic.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "vnet_hw.h"
#include "vnet_ring.h"
#include "vnet_transport.h"

enum vnet_vq_role { VNET_VQ_RX, VNET_VQ_TX };

struct vnet_vq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;       /* bad used entries (rx) or dropped bad mbufs (tx) */
	uint64_t kicks;
};

/* What the driver keeps per descriptor chain head. */
struct vnet_vq_slot {
	struct rte_mbuf *mbuf;
	uint16_t ndescs;
};

struct vnet_virtqueue {
	struct vnet_hw *hw;
	enum vnet_vq_role role;
	uint16_t index;        /* device queue index: rx 2n, tx 2n+1 */
	uint16_t queue_id;     /* ethdev queue id */
	uint16_t port_id;
	uint16_t num;          /* ring size, a power of two */
	uint16_t hdr_size;     /* virtio_net_hdr bytes before each frame */
	bool event_idx;
	bool can_push;         /* header may go in mbuf headroom (tx) */

	/* Split ring, in one IOVA-contiguous memzone. */
	const struct rte_memzone *ring_mz;
	struct vnet_desc *desc;
	volatile uint16_t *avail_flags;
	volatile uint16_t *avail_idx;
	volatile uint16_t *avail_ring;
	volatile uint16_t *used_event;
	volatile uint16_t *used_flags;
	volatile uint16_t *used_idx;
	volatile struct vnet_used_elem *used_ring;
	volatile uint16_t *avail_event;

	uint16_t avail_shadow;    /* next avail index we will publish */
	uint16_t kicked_idx;      /* avail index at the last notify decision */
	uint16_t last_used;       /* next used index to consume */
	uint16_t free_head;
	uint16_t num_free;

	void *notify_addr;        /* modern doorbell; NULL for legacy */

	/* tx: per-descriptor virtio_net_hdr for mbufs whose headroom is busy */
	const struct rte_memzone *hdr_mz;

	struct rte_mempool *mp;   /* rx buffers */
	uint64_t rx_nombuf;
	struct vnet_vq_stats stats;
	struct vnet_vq_slot slots[];
};

int vnet_vq_create(struct vnet_hw *hw, enum vnet_vq_role role,
		   uint16_t queue_id, uint16_t nb_desc, unsigned int socket,
		   struct vnet_virtqueue **out);
void vnet_vq_free(struct vnet_virtqueue *vq);

/* Empty the ring into its initial state; frees every mbuf it held. */
void vnet_vq_reset_ring(struct vnet_virtqueue *vq);
/* Tell the device where the ring is. */
int vnet_vq_attach(struct vnet_virtqueue *vq);

/* Take one descriptor chain of n entries off the free list; returns head. */
static inline uint16_t
vnet_vq_take_descs(struct vnet_virtqueue *vq, uint16_t n, uint16_t *tail)
{
	uint16_t head = vq->free_head, cur = head, i;

	for (i = 1; i < n; i++)
		cur = vq->desc[cur].next;
	*tail = cur;
	vq->free_head = vq->desc[cur].next;
	vq->num_free -= n;
	return head;
}

/* Return the chain starting at head (n entries) to the free list. */
static inline void
vnet_vq_put_descs(struct vnet_virtqueue *vq, uint16_t head, uint16_t n)
{
	uint16_t cur = head, i;

	for (i = 1; i < n; i++)
		cur = vq->desc[cur].next & (vq->num - 1);
	vq->desc[cur].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
}

/* Publish avail entries, then notify the device only if it asked for it. */
void vnet_vq_publish_and_kick(struct vnet_virtqueue *vq);

/* Ask the device not to interrupt us: we poll. */
static inline void
vnet_vq_suppress_interrupts(struct vnet_virtqueue *vq)
{
	if (vq->event_idx)
		*vq->used_event = (uint16_t)(vq->last_used + 0x8000);
}

#endif
