/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An in-process virtio-net device for the burst benchmark: it plays the
 * device side of one queue (split or packed, in-order or not, EVENT_IDX
 * or not) on the ring memory the driver set up, reading only what a
 * device may read. Everything the driver posted is checked (descriptor
 * addresses inside an mbuf buffer, the tx header area or the indirect
 * tables; lengths; write flags; tx frame bytes and sequence numbers), so
 * the benchmark fails on a broken driver instead of timing it.
 */
#ifndef FAKE_DEV_H
#define FAKE_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet_virtqueue.h"

struct fake_region {
	uintptr_t lo, hi; /* [lo, hi) */
};

/* Mbuf buffers, filled by fake_dev_add_mbuf (rte_mempool_obj_iter). */
struct fake_bufs {
	struct fake_region *r;
	unsigned int n, max;
};

struct fake_dev {
	struct vnet_virtqueue *vq; /* its ring pointers name the shared areas */
	enum vnet_ring_kind kind;
	bool rx;
	bool event_idx;
	uint16_t num;
	uint16_t hdr_size;
	uint32_t frame_len;        /* rx: frames written; tx: frames expected */
	/* Split device state. */
	uint16_t last_avail, used_idx;
	/* Packed device state: next slot to read and to write, wrap counters. */
	uint16_t avail_slot, used_slot;
	bool avail_wrap, used_wrap;
	/* Where the driver may point descriptors. */
	struct fake_region *bufs;  /* mbuf data buffers, sorted */
	unsigned int nb_bufs;
	struct fake_region hdrs, tables;
	/* Sequence numbers: tx checks them, rx writes them. */
	uint32_t seq;
	uint64_t buffers;          /* buffers consumed */
	uint64_t kicks;
	char err[256];             /* first validation failure; "" if none */
};

/* Set the device up for vq, once the driver created and reset it. */
void fake_dev_init(struct fake_dev *d, struct vnet_virtqueue *vq, bool rx,
		   uint32_t frame_len, struct fake_region *bufs,
		   unsigned int nb_bufs);

/*
 * Consume up to max available buffers and mark them used: tx frames are
 * read and checked, rx buffers get a header and a frame. Returns how many
 * buffers were consumed; d->err is set on the first bad one.
 */
unsigned int fake_dev_run(struct fake_dev *d, unsigned int max);

/* Mempool object callback: records each mbuf's data buffer (arg: fake_bufs). */
void fake_dev_add_mbuf(struct rte_mempool *mp, void *arg, void *obj,
		       unsigned int idx);
/* Sort the recorded buffers (after every pool was walked). */
void fake_dev_sort_bufs(struct fake_region *bufs, unsigned int n);

#endif
