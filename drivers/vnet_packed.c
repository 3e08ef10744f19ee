/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "vnet_packed.h"

void
vnet_packed_init(struct vnet_vring *r, void *mem, uint16_t num)
{
	uint8_t *base = mem;

	r->pdesc = (volatile struct vnet_pdesc *)base;
	r->driver_event = (volatile struct vnet_pevent *)
		(base + vnet_packed_driver_offset(num));
	r->device_event = (volatile struct vnet_pevent *)
		(base + vnet_packed_device_offset(num));
}

void
vnet_packed_reset(struct vnet_vring *r)
{
	/* Flags 0: with wrap counters 1, no slot reads as available or used. */
	memset((void *)(uintptr_t)r->pdesc, 0, r->mem_len);
	r->avail_wrap_flags = VNET_PDESC_F_AVAIL; /* wrap counter 1 (§2.8.1) */
	r->used_wrap = true;
	r->head_pending = false;
	r->pending_slot = r->pending_flags = 0;
	r->added = 0;
}
