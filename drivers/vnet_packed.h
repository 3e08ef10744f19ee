/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed-ring layout (virtio 1.2 §2.8) behind vnet_vring.h. One ring of
 * descriptors the driver makes available in order and the device marks
 * used; the wrap counters live in driver memory (avail_wrap_flags,
 * used_wrap). Buffer ids come from the same free list as split heads;
 * num_free counts ring slots. Each used descriptor is checked: both flag
 * bits equal to the used wrap counter (else it is not used yet), id below
 * the ring size, id in flight, len within the writable bytes. The reader
 * then advances by that buffer's descriptor count (§2.8.7).
 */
#ifndef VNET_PACKED_H
#define VNET_PACKED_H

#include "vnet_in_order.h"
#include "vnet_vring_state.h"

#define VNET_PDESC_WRAP_BITS (VNET_PDESC_F_AVAIL | VNET_PDESC_F_USED)

/* Lay out a packed ring in mem: descriptors, driver then device event area. */
void vnet_packed_init(struct vnet_vring *r, void *mem, uint16_t num);
/* Empty ring: wrap counters 1, every descriptor neither available nor used. */
void vnet_packed_reset(struct vnet_vring *r);

static inline size_t
vnet_packed_driver_offset(uint32_t num)
{
	return (size_t)num * sizeof(struct vnet_pdesc);
}

static inline size_t
vnet_packed_device_offset(uint32_t num)
{
	return vnet_packed_driver_offset(num) + sizeof(struct vnet_pevent);
}

static inline size_t
vnet_packed_total_size(uint32_t num, size_t align)
{
	return vnet_align_up(vnet_packed_device_offset(num) +
			     sizeof(struct vnet_pevent), align);
}

/* A descriptor is used when AVAIL and USED both equal the wrap counter. */
static __rte_always_inline bool
vnet_packed_is_used(uint16_t flags, bool wrap)
{
	uint16_t want = wrap ? VNET_PDESC_WRAP_BITS : 0;

	return (flags & VNET_PDESC_WRAP_BITS) == want;
}

/*
 * Kick decision (virtio 1.2 §2.8.10, §2.8.21.3) after making `added`
 * descriptors available up to slot new_slot, whose wrap counter is
 * avail_wrap. DESC is honoured only with EVENT_IDX; any other value than
 * DISABLE asks for a kick, so a confused device is kicked, never starved.
 */
static __rte_always_inline bool
vnet_packed_need_kick(uint16_t ev_flags, uint16_t off_wrap, bool event_idx,
		      uint16_t new_slot, uint16_t added, bool avail_wrap,
		      uint16_t num)
{
	uint16_t event, old = (uint16_t)(new_slot - added);

	if (ev_flags == VNET_PEVENT_F_DISABLE)
		return false;
	if (ev_flags != VNET_PEVENT_F_DESC || !event_idx)
		return true;
	event = off_wrap & (uint16_t)~(1u << VNET_PEVENT_WRAP_SHIFT);
	/* An offset of the previous lap lies num slots behind this one. */
	if ((bool)(off_wrap >> VNET_PEVENT_WRAP_SHIFT) != avail_wrap)
		event = (uint16_t)(event - num);
	return vnet_need_event(event, new_slot, old);
}

/*
 * Buffer ids: from the free list, or in order (§2.8.9) the head slot, which
 * is free since buffers come back in ring order.
 */
static __rte_always_inline bool
vnet_packed_take(struct vnet_vring *r, uint16_t n, struct vnet_chain *c,
		 const bool in_order)
{
	/* A free slot implies a free id: every in-flight id holds a slot. */
	if (n == 0 || n > r->num_free)
		return false;
	c->id = in_order ? r->avail_shadow : vnet_vring_pop_id(r);
	c->cur = 0;
	c->head_slot = r->avail_shadow;
	c->head_flags = 0;
	r->num_free -= n;
	r->extra[c->id].ndescs = n;
	return true;
}

/* Fill the next ring slot; the head's flags wait until the chain is whole. */
static __rte_always_inline void
vnet_packed_chain_add(struct vnet_vring *r, struct vnet_chain *c, uint64_t iova,
		      uint32_t len, uint16_t flags)
{
	uint16_t slot = r->avail_shadow;
	volatile struct vnet_pdesc *d = &r->pdesc[slot];

	flags |= r->avail_wrap_flags;
	d->addr = iova;
	d->len = len;
	d->id = c->id;
	if (c->cur++ == 0)
		c->head_flags = flags;
	else
		d->flags = flags;
	if (++slot == r->num) {
		slot = 0;
		r->avail_wrap_flags ^= VNET_PDESC_WRAP_BITS;
	}
	r->avail_shadow = slot;
}

/*
 * Make the chain available. The first head since the last publish is
 * written by vnet_packed_publish, after a barrier; the device reads the
 * ring in order and stops there, so later heads need no barrier of their
 * own (virtio 1.2 §2.8.21.1).
 */
static __rte_always_inline void
vnet_packed_post(struct vnet_vring *r, const struct vnet_chain *c, void *cookie,
		 uint32_t wlen)
{
	struct vnet_desc_extra *x = &r->extra[c->id];

	x->cookie = cookie;
	x->wlen = wlen;
	r->added += x->ndescs;
	if (!r->head_pending) {
		r->head_pending = true;
		r->pending_slot = c->head_slot;
		r->pending_flags = c->head_flags;
	} else {
		r->pdesc[c->head_slot].flags = c->head_flags;
	}
}

static __rte_always_inline bool
vnet_packed_publish(struct vnet_vring *r, bool event_idx)
{
	uint16_t added = r->added, ev_flags, off_wrap;

	if (!r->head_pending)
		return false;
	/* Every descriptor of the batch is visible before its first head. */
	vnet_ring_wmb(r->io_barriers);
	r->pdesc[r->pending_slot].flags = r->pending_flags;
	r->head_pending = false;
	r->added = 0;
	/* The head before we read the device's suppression state. */
	vnet_ring_mb(r->io_barriers);
	ev_flags = r->device_event->flags;
	off_wrap = r->device_event->off_wrap;
	return vnet_packed_need_kick(ev_flags, off_wrap, event_idx,
				     r->avail_shadow, added,
				     r->avail_wrap_flags & VNET_PDESC_F_AVAIL,
				     r->num);
}

/*
 * Used buffers ready, at most max: walks the used descriptors as
 * vnet_packed_get_used will. An entry with a bad id is counted and the
 * walk stops there, so the consumer meets it and breaks the ring.
 */
static __rte_always_inline uint16_t
vnet_packed_used_ready(struct vnet_vring *r, uint16_t max, const bool in_order)
{
	uint16_t slot = r->last_used, inflight = r->num - r->num_free, n = 0;
	bool wrap = r->used_wrap;

	if (in_order && r->io_batch) /* finish the batch under way first */
		return vnet_in_order_batch_left(r, max);
	while (n < max && inflight != 0) {
		uint16_t id, step;

		if (!vnet_packed_is_used(r->pdesc[slot].flags, wrap))
			break;
		/* The id and len are read only after the flags. */
		vnet_ring_rmb(r->io_barriers);
		id = r->pdesc[slot].id;
		if (id >= r->num || r->extra[id].ndescs == 0) {
			n++; /* the consumer meets it and breaks the ring */
			break;
		}
		if (in_order) {
			/* One entry for the buffers from this slot through id. */
			step = (uint16_t)((id - slot + r->extra[id].ndescs) & (r->num - 1));
			if (step == 0)
				step = r->num;
			if (step > inflight) {
				n++;
				break;
			}
			n += vnet_in_order_count(r, slot, id);
		} else {
			n++;
			step = r->extra[id].ndescs;
			if (step > inflight)
				break;
		}
		inflight -= step;
		slot += step;
		if (slot >= r->num) {
			slot -= r->num;
			wrap = !wrap;
		}
	}
	return n < max ? n : max;
}

static __rte_always_inline bool
vnet_packed_get_used(struct vnet_vring *r, void **cookie, uint32_t *len)
{
	volatile struct vnet_pdesc *d = &r->pdesc[r->last_used];
	uint32_t id = d->id, l = d->len;
	struct vnet_desc_extra *x =
		vnet_vring_check_used(r, id, l, VNET_RING_NOT_HEAD, r->last_used);
	uint16_t slot;

	if (x == NULL)
		return false;
	slot = (uint16_t)(r->last_used + x->ndescs);
	if (slot >= r->num) {
		slot -= r->num;
		r->used_wrap = !r->used_wrap;
	}
	r->last_used = slot;
	*cookie = x->cookie;
	*len = x->wlen != 0 ? l : 0;
	r->num_free += x->ndescs;
	x->ndescs = 0;
	x->cookie = NULL;
	x->wlen = 0;
	x->next = r->free_head;
	r->free_head = (uint16_t)id;
	return true;
}

/*
 * We poll: DISABLE is valid with or without EVENT_IDX (§2.8.10). Written
 * once, not on every burst: the device reads that line.
 */
static __rte_always_inline void
vnet_packed_suppress_interrupts(struct vnet_vring *r)
{
	if (r->intr_off)
		return;
	r->driver_event->flags = VNET_PEVENT_F_DISABLE;
	r->intr_off = true;
}

/* Interrupt at the next used buffer; returns 1 if one is already there. */
static inline uint16_t
vnet_packed_enable_interrupts(struct vnet_vring *r)
{
	r->intr_off = false;
	r->driver_event->flags = VNET_PEVENT_F_ENABLE;
	/* The request must be visible before we look at the ring. */
	vnet_ring_mb(r->io_barriers);
	return r->num_free != r->num &&
	       vnet_packed_is_used(r->pdesc[r->last_used].flags, r->used_wrap);
}

#endif
