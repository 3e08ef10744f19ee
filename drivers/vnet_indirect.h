/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Indirect descriptors for tx (VIRTIO_RING_F_INDIRECT_DESC, virtio 1.2
 * §2.7.5.3 split, §2.8.19 packed): a packet of several descriptors
 * (header and segments) takes one ring slot pointing at a table. One
 * table per buffer id, so a table stays the device's until its id is
 * used. No DPDK dependency: the unit tests run the same code.
 */
#ifndef VNET_INDIRECT_H
#define VNET_INDIRECT_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet_vring_state.h"

#define VNET_DESC_F_INDIRECT 4    /* the same bit in both layouts */
#define VNET_INDIRECT_MAX 16      /* descriptors in one table */
#define VNET_INDIRECT_TABLE_SIZE (VNET_INDIRECT_MAX * sizeof(struct vnet_desc))

_Static_assert(sizeof(struct vnet_desc) == sizeof(struct vnet_pdesc),
	       "one table size for both layouts");

/* Tables of a queue: num of them, IOVA-contiguous. */
struct vnet_indirect {
	uint8_t *base;
	uint64_t iova;
};

/* A packet of need descriptors goes indirect: more than one, and it fits. */
static __rte_always_inline bool
vnet_indirect_fits(const struct vnet_indirect *t, uint32_t need)
{
	return t->base != NULL && need > 1 && need <= VNET_INDIRECT_MAX;
}

static __rte_always_inline uint64_t
vnet_indirect_iova(const struct vnet_indirect *t, uint16_t id)
{
	return t->iova + (uint64_t)id * VNET_INDIRECT_TABLE_SIZE;
}

/*
 * Entry i of buffer id's table; last: no link after it. Split tables link
 * with NEXT (§2.7.5.3.1); packed ones are read in order, flags 0 (§2.8.19).
 */
static __rte_always_inline void
vnet_indirect_set(const struct vnet_indirect *t, const enum vnet_ring_kind k,
		  uint16_t id, uint16_t i, uint64_t iova, uint32_t len, bool last)
{
	uint8_t *table = t->base + (size_t)id * VNET_INDIRECT_TABLE_SIZE;

	if (vnet_kind_packed(k)) {
		struct vnet_pdesc *d = (struct vnet_pdesc *)table + i;

		d->addr = iova;
		d->len = len;
		d->id = 0;
		d->flags = 0;
	} else {
		struct vnet_desc *d = (struct vnet_desc *)table + i;

		d->addr = iova;
		d->len = len;
		d->flags = last ? 0 : VNET_DESC_F_NEXT;
		d->next = (uint16_t)(i + 1);
	}
}

#endif
