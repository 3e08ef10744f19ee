/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-order completion (VIRTIO_F_IN_ORDER, virtio 1.2 §2.7.9 split, §2.8.9
 * packed), for both layouts. Buffers are used in the order they were made
 * available, and a device may write one used entry for a batch: the entry
 * names the batch's last buffer, and completes every in-flight buffer from
 * the oldest through it. Those before it complete with length 0 (an rx
 * burst drops and counts them as runts). An id that is not an in-flight
 * buffer is outside the window: the ring breaks.
 */
#ifndef VNET_IN_ORDER_H
#define VNET_IN_ORDER_H

#include "vnet_vring_state.h"

/* Buffers from the one at head slot `from` through the one at `to`. */
static __rte_always_inline uint16_t
vnet_in_order_count(const struct vnet_vring *r, uint16_t from, uint16_t to)
{
	uint16_t n = 1, b = from;

	while (b != to && n < r->num) {
		uint16_t step = r->extra[b].ndescs;

		if (step == 0)
			break;
		b = (uint16_t)((b + step) & (r->num - 1));
		n++;
	}
	return n;
}

/* Packed: buffers left in the batch under way, at most max. */
static __rte_always_inline uint16_t
vnet_in_order_batch_left(const struct vnet_vring *r, uint16_t max)
{
	uint16_t n = vnet_in_order_count(r, r->last_used, r->io_batch_end);

	return n < max ? n : max;
}

/*
 * Consume the oldest in-flight buffer. Without a batch under way, the used
 * entry at last_used starts one (checked: id in flight, len within the
 * last buffer's writable bytes). False: the ring is broken.
 */
static __rte_always_inline bool
vnet_in_order_get_used(struct vnet_vring *r, const bool packed, void **cookie,
		       uint32_t *len)
{
	uint16_t b = packed ? r->last_used : r->io_oldest;
	struct vnet_desc_extra *x;

	if (!r->io_batch) {
		uint32_t id, l;

		if (packed) {
			id = r->pdesc[r->last_used].id;
			l = r->pdesc[r->last_used].len;
		} else {
			volatile struct vnet_used_elem *e =
				&r->used_ring[vnet_ring_slot(r->last_used, r->num)];

			id = e->id;
			l = e->len;
		}
		if (vnet_vring_check_used(r, id, l, VNET_RING_OUT_OF_ORDER, b) == NULL)
			return false;
		r->io_batch = true;
		r->io_batch_end = (uint16_t)id;
		r->io_batch_len = l;
	}
	x = &r->extra[b];
	*cookie = x->cookie;
	*len = 0;
	if (b == r->io_batch_end) {
		r->io_batch = false;
		if (x->wlen != 0)
			*len = r->io_batch_len;
	}
	r->num_free += x->ndescs;
	if (packed) {
		uint16_t slot = (uint16_t)(b + x->ndescs);

		if (slot >= r->num) {
			slot -= r->num;
			r->used_wrap = !r->used_wrap;
		}
		r->last_used = slot;
	} else {
		r->io_oldest = (uint16_t)((b + x->ndescs) & (r->num - 1));
		r->last_used++;
	}
	x->ndescs = 0;
	x->cookie = NULL;
	x->wlen = 0;
	return true;
}

#endif
