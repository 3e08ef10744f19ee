/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring layout (virtio 1.2 §2.7) behind vnet_vring.h: descriptor
 * free list, chain links kept in extra[], avail/used indexes, used-entry
 * validation and event suppression. The driver only writes desc[] and
 * never reads back what the device could have written there.
 */
#ifndef VNET_SPLIT_H
#define VNET_SPLIT_H

#include "vnet_vring_state.h"

/* Chain members after the head, following the private links. */
static __rte_always_inline uint16_t
vnet_split_next(const struct vnet_vring *r, uint16_t id)
{
	return r->extra[id].next;
}

/*
 * Take a chain of n descriptors off the free list. Returns false if fewer
 * than n are free. The chain's links are extra[].next.
 */
static __rte_always_inline bool
vnet_split_take(struct vnet_vring *r, uint16_t n, uint16_t *head)
{
	uint16_t h, cur, i;

	if (n == 0 || n > r->num_free)
		return false;
	h = cur = r->free_head;
	for (i = 1; i < n; i++)
		cur = r->extra[cur].next;
	r->free_head = r->extra[cur].next;
	r->num_free -= n;
	r->extra[h].ndescs = n;
	*head = h; /* last: a store through head could alias the ring state */
	return true;
}

/*
 * In-order (virtio 1.2 §2.7.9): descriptors go out in ring order and come
 * back in ring order, so the free ones are one run from free_head; the
 * links in extra[].next stay sequential (reset sets them, nothing else
 * writes them in this mode).
 */
static __rte_always_inline bool
vnet_split_take_in_order(struct vnet_vring *r, uint16_t n, uint16_t *head)
{
	if (n == 0 || n > r->num_free)
		return false;
	*head = r->free_head;
	r->free_head = (uint16_t)((r->free_head + n) & (r->num - 1));
	r->num_free -= n;
	r->extra[*head].ndescs = n;
	return true;
}

/*
 * Return the in-flight chain at head to the free list. ndescs 0 is what
 * marks it free: cookie and wlen are rewritten at the next post.
 */
static __rte_always_inline void
vnet_split_put(struct vnet_vring *r, uint16_t head)
{
	struct vnet_desc_extra *h = &r->extra[head];
	uint16_t cur = head, n = h->ndescs, i;

	for (i = 1; i < n; i++)
		cur = r->extra[cur].next;
	r->extra[cur].next = r->free_head;
	r->free_head = head;
	r->num_free += n;
	h->ndescs = 0;
}

/* Fill the chain's next descriptor; flags has NEXT on all but the last. */
static __rte_always_inline void
vnet_split_chain_add(struct vnet_vring *r, struct vnet_chain *c, uint64_t iova,
		     uint32_t len, uint16_t flags)
{
	struct vnet_desc *d = &r->desc[c->cur];

	d->addr = iova;
	d->len = len;
	d->flags = flags;
	if (flags & VNET_DESC_F_NEXT) {
		uint16_t next = r->extra[c->cur].next;

		d->next = next;
		c->cur = next;
	}
}

/*
 * Queue the chain at head for the device (published by vnet_split_publish).
 * In order (virtio 1.2 §2.7.9), buffers of one descriptor put id s in avail
 * slot s lap after lap: slots below avail_same are known (from what we
 * wrote, never read back) to hold their own index and are not rewritten,
 * so the device's cached copy of those lines stays valid.
 */
static __rte_always_inline void
vnet_split_post(struct vnet_vring *r, uint16_t head, void *cookie, uint32_t wlen,
		const bool in_order)
{
	uint16_t slot = vnet_ring_slot(r->avail_shadow++, r->num);

	r->extra[head].cookie = cookie;
	r->extra[head].wlen = wlen;
	if (in_order) {
		if (head == slot) {
			if (slot < r->avail_same)
				return;
			if (slot == r->avail_same)
				r->avail_same++;
		} else if (slot < r->avail_same) {
			r->avail_same = slot;
		}
	}
	r->avail_ring[slot] = head;
}

/*
 * Used entries ready to consume. A device cannot have used more than the
 * ring holds (virtio 1.2 §2.7.8): a larger jump breaks the ring and gives 0.
 */
static __rte_always_inline uint16_t
vnet_split_used_ready(struct vnet_vring *r)
{
	uint16_t used_idx = *r->used_idx;
	uint16_t n = vnet_ring_used_pending(used_idx, r->last_used);

	/* The entries behind the index are read only after the index. */
	vnet_ring_rmb(r->io_barriers);
	if (n > r->num) {
		vnet_vring_fail(r, VNET_RING_IDX_JUMP, used_idx, r->last_used);
		return 0;
	}
	return n;
}

/*
 * Consume the next used entry: check it, free its chain and give back its
 * cookie and the length the device wrote. Returns false (ring broken,
 * nothing consumed) if the entry names no in-flight chain or claims more
 * bytes than the chain could take. A chain with no writable bytes (tx)
 * has its length ignored, as drivers do for device-readable buffers.
 */
static __rte_always_inline bool
vnet_split_get_used(struct vnet_vring *r, void **cookie, uint32_t *len)
{
	volatile struct vnet_used_elem *e =
		&r->used_ring[vnet_ring_slot(r->last_used, r->num)];
	uint32_t id = e->id, l = e->len;
	struct vnet_desc_extra *x =
		vnet_vring_check_used(r, id, l, VNET_RING_NOT_HEAD, r->last_used);

	if (x == NULL)
		return false;
	r->last_used++;
	*cookie = x->cookie;
	*len = x->wlen != 0 ? l : 0;
	vnet_split_put(r, (uint16_t)id);
	return true;
}

/* Entries consumed before used_event is moved ahead again. */
#define VNET_USED_EVENT_REWRITE 0x4000

/*
 * Ask the device not to interrupt us: we poll (virtio 1.2 §2.7.10). With
 * EVENT_IDX the flag is ignored and used_event is put half a ring-index
 * space ahead; it is rewritten only once a quarter of that space was
 * consumed, so it stays at least 0x4000 entries ahead without a store to
 * a line the device reads on every burst. Without it the flag is written
 * once.
 */
static __rte_always_inline void
vnet_split_suppress_interrupts(struct vnet_vring *r, bool event_idx)
{
	if (event_idx) {
		if (r->intr_off && (uint16_t)(r->last_used - r->used_event_at) <
				   VNET_USED_EVENT_REWRITE)
			return;
		r->used_event_at = r->last_used;
		*r->used_event = (uint16_t)(r->last_used + 0x8000);
	} else if (!r->intr_off) {
		*r->avail_flags = VNET_AVAIL_F_NO_INTERRUPT;
	}
	r->intr_off = true;
}

/* Ask for an interrupt at the next used entry (virtio 1.2 §2.7.10). */
static inline uint16_t
vnet_split_enable_interrupts(struct vnet_vring *r, bool event_idx)
{
	r->intr_off = false;
	if (event_idx)
		*r->used_event = r->last_used;
	else
		*r->avail_flags = 0;
	/* The request must be visible before we read the device's index. */
	vnet_ring_mb(r->io_barriers);
	return vnet_ring_used_pending(*r->used_idx, r->last_used);
}

/*
 * Publish the avail entries posted since the last call. Returns whether
 * the device asked to be notified (virtio 1.2 §2.7.10, §2.7.10.1).
 */
static __rte_always_inline bool
vnet_split_publish(struct vnet_vring *r, bool event_idx)
{
	uint16_t old = r->kicked_idx, new = r->avail_shadow;

	/* Descriptors and ring entries must be visible before the index. */
	vnet_ring_wmb(r->io_barriers);
	*r->avail_idx = new;
	/* And the index before we read the device's suppression state. */
	vnet_ring_mb(r->io_barriers);
	r->kicked_idx = new;
	if (event_idx)
		return vnet_need_event(*r->avail_event, new, old);
	return !(*r->used_flags & VNET_USED_F_NO_NOTIFY);
}

#endif
