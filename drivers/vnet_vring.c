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
	[VNET_RING_OUT_OF_ORDER] = "in-order: used id is outside the in-flight window",
	[VNET_RING_NOTIFY] = "doorbell write failed",
};

const char *const vnet_layout_names[VNET_LAYOUT_COUNT] = {
	[VNET_LAYOUT_SPLIT] = "split",
	[VNET_LAYOUT_PACKED] = "packed",
};

_Static_assert(sizeof(vnet_ring_fault_names) / sizeof(vnet_ring_fault_names[0]) ==
	       VNET_RING_FAULT_COUNT, "a name per ring fault");
_Static_assert(sizeof(struct vnet_pdesc) == 16 && sizeof(struct vnet_pevent) == 4,
	       "virtio 1.2 §2.8.13, §2.8.14");

size_t
vnet_vring_mem_size(enum vnet_layout lay, uint16_t num, size_t align)
{
	if (lay == VNET_LAYOUT_PACKED)
		return vnet_packed_total_size(num, align);
	return vnet_ring_total_size(num, align);
}

void
vnet_vring_areas(enum vnet_layout lay, uint16_t num, size_t align, size_t *desc,
		 size_t *driver, size_t *device)
{
	*desc = 0;
	if (lay == VNET_LAYOUT_PACKED) {
		*driver = vnet_packed_driver_offset(num);
		*device = vnet_packed_device_offset(num);
	} else {
		*driver = vnet_ring_avail_offset(num);
		*device = vnet_ring_used_offset(num, align);
	}
}

static void
split_init(struct vnet_vring *r, uint8_t *base, uint16_t num, size_t align)
{
	r->desc = (struct vnet_desc *)base;
	r->avail_flags = (volatile uint16_t *)(base + vnet_ring_avail_offset(num));
	r->avail_idx = r->avail_flags + 1;
	r->avail_ring = r->avail_flags + 2;
	r->used_event = r->avail_ring + num;
	r->used_flags = (volatile uint16_t *)(base + vnet_ring_used_offset(num, align));
	r->used_idx = r->used_flags + 1;
	r->used_ring = (volatile struct vnet_used_elem *)(r->used_flags + 2);
	r->avail_event = (volatile uint16_t *)(r->used_ring + num);
}

void
vnet_vring_init_layout(struct vnet_vring *r, enum vnet_layout lay, void *mem,
		       uint16_t num, size_t align, struct vnet_desc_extra *extra)
{
	memset(r, 0, sizeof(*r));
	r->layout = lay;
	r->kind = (enum vnet_ring_kind)lay;
	r->num = num;
	r->extra = extra;
	r->mem_len = vnet_vring_mem_size(lay, num, align);
	if (lay == VNET_LAYOUT_PACKED)
		vnet_packed_init(r, mem, num);
	else
		split_init(r, mem, num, align);
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
	r->free_head = 0;
	r->num_free = r->num;
	r->avail_shadow = 0;
	r->kicked_idx = 0;
	r->last_used = 0;
	r->avail_same = 0;
	r->io_oldest = 0;
	r->io_batch = false;
	r->io_batch_end = 0;
	r->io_batch_len = 0;
	r->intr_off = false; /* the next suppress writes the zeroed area */
	r->used_event_at = 0;
	r->broken = false;
	r->fault = VNET_RING_OK;
	r->fault_a = r->fault_b = 0;
	if (r->layout == VNET_LAYOUT_PACKED)
		vnet_packed_reset(r);
	else
		memset(r->desc, 0, r->mem_len);
}

void
vnet_vring_set_in_order(struct vnet_vring *r, bool in_order)
{
	bool packed = r->layout == VNET_LAYOUT_PACKED;

	if (in_order)
		r->kind = packed ? VNET_KIND_PACKED_IN_ORDER : VNET_KIND_SPLIT_IN_ORDER;
	else
		r->kind = packed ? VNET_KIND_PACKED : VNET_KIND_SPLIT;
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
