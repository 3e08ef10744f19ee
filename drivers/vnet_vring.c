/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "vnet_vring.h"

const char *const vnet_ring_fault_names[VNET_RING_FAULT_COUNT] = {
	[VNET_RING_OK] = "none",
	[VNET_RING_IDX_JUMP] = "used idx jumped past the ring size",
	[VNET_RING_BAD_ID] = "used id out of range",
	[VNET_RING_NOT_HEAD] = "used id is not an in-flight chain head",
	[VNET_RING_BAD_LEN] = "used len exceeds the buffer",
	[VNET_RING_DEVICE] = "device failed",
	[VNET_RING_BAD_NUM_BUFFERS] = "num_buffers is 0 or above the ring size",
};

void
vnet_vring_init(struct vnet_vring *r, void *mem, uint16_t num, size_t align,
		struct vnet_desc_extra *extra)
{
	uint8_t *base = mem;

	memset(r, 0, sizeof(*r));
	r->num = num;
	r->extra = extra;
	r->mem_len = vnet_ring_total_size(num, align);
	r->desc = (struct vnet_desc *)base;
	r->avail_flags = (volatile uint16_t *)(base + vnet_ring_avail_offset(num));
	r->avail_idx = r->avail_flags + 1;
	r->avail_ring = r->avail_flags + 2;
	r->used_event = r->avail_ring + num;
	r->used_flags = (volatile uint16_t *)(base + vnet_ring_used_offset(num, align));
	r->used_idx = r->used_flags + 1;
	r->used_ring = (volatile struct vnet_used_elem *)(r->used_flags + 2);
	r->avail_event = (volatile uint16_t *)(r->used_ring + num);
	memset(extra, 0, sizeof(*extra) * num);
	vnet_vring_reset(r, NULL);
}

void
vnet_vring_reset(struct vnet_vring *r, void (*release)(void *cookie))
{
	uint16_t i;

	for (i = 0; i < r->num; i++) {
		struct vnet_desc_extra *x = &r->extra[i];

		if (x->ndescs != 0 && x->cookie != NULL && release != NULL)
			release(x->cookie);
		x->cookie = NULL;
		x->wlen = 0;
		x->ndescs = 0;
		/* Masked, so even a walk past num_free stays inside extra[]. */
		x->next = (uint16_t)((i + 1) & (r->num - 1));
	}
	memset(r->desc, 0, r->mem_len);
	r->free_head = 0;
	r->num_free = r->num;
	r->avail_shadow = 0;
	r->kicked_idx = 0;
	r->last_used = 0;
	r->broken = false;
	r->fault = VNET_RING_OK;
	r->fault_a = r->fault_b = 0;
}

void
vnet_vring_fail(struct vnet_vring *r, enum vnet_ring_fault fault, uint32_t a,
		uint32_t b)
{
	if (r->broken)
		return;
	r->broken = true;
	r->fault = fault;
	r->fault_a = a;
	r->fault_b = b;
}
