/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State of one virtqueue, common to both ring layouts: the driver-private
 * record of every buffer id (extra[]), the free id list, the fault, and
 * the pointers into the memory shared with the device. The layouts
 * (vnet_split.h, vnet_packed.h) work on it; the bursts see it only
 * through vnet_vring.h. Every field the driver relies on lives in driver
 * memory; nothing is read back from what the device may write.
 */
#ifndef VNET_VRING_STATE_H
#define VNET_VRING_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_barrier.h"
#include "vnet_ring.h"
#include "vnet_spec.h"

#ifndef __rte_always_inline
#define __rte_always_inline inline __attribute__((always_inline))
#endif

enum vnet_layout {
	VNET_LAYOUT_SPLIT = 0, /* virtio 1.2 §2.7 */
	VNET_LAYOUT_PACKED,    /* virtio 1.2 §2.8 */
	VNET_LAYOUT_COUNT,
};

extern const char *const vnet_layout_names[VNET_LAYOUT_COUNT];

/*
 * What the ring operations specialize on: the layout and whether buffers
 * complete in order (VIRTIO_F_IN_ORDER, virtio 1.2 §2.7.9, §2.8.9). The
 * bursts pass it as a constant: one instance per kind.
 */
enum vnet_ring_kind {
	VNET_KIND_SPLIT = VNET_LAYOUT_SPLIT,
	VNET_KIND_PACKED = VNET_LAYOUT_PACKED,
	VNET_KIND_SPLIT_IN_ORDER,
	VNET_KIND_PACKED_IN_ORDER,
	VNET_KIND_COUNT,
};

static __rte_always_inline bool
vnet_kind_packed(enum vnet_ring_kind k)
{
	return k == VNET_KIND_PACKED || k == VNET_KIND_PACKED_IN_ORDER;
}

static __rte_always_inline bool
vnet_kind_in_order(enum vnet_ring_kind k)
{
	return k == VNET_KIND_SPLIT_IN_ORDER || k == VNET_KIND_PACKED_IN_ORDER;
}

/* Driver-private state of one buffer id (split: of one descriptor). */
struct vnet_desc_extra {
	void *cookie;   /* what a chain head carries (an mbuf); NULL if none */
	uint32_t wlen;  /* bytes the device may write into the chain (rx) */
	uint16_t next;  /* free list and (split) chain link */
	uint16_t ndescs; /* ring slots of an in-flight buffer, else 0 */
};

/* Why a ring stopped being trusted. */
enum vnet_ring_fault {
	VNET_RING_OK = 0,
	VNET_RING_IDX_JUMP,  /* used idx moved by more than the ring size */
	VNET_RING_BAD_ID,    /* used id out of range */
	VNET_RING_NOT_HEAD,  /* used id is not the head of an in-flight chain */
	VNET_RING_BAD_LEN,   /* used len beyond the writable buffer */
	VNET_RING_DEVICE,    /* the device itself failed (status) */
	VNET_RING_BAD_NUM_BUFFERS, /* mergeable rx: num_buffers 0 or > ring */
	VNET_RING_OUT_OF_ORDER, /* in-order: used id outside the in-flight window */
	VNET_RING_NOTIFY,    /* the doorbell write failed (errno in fault_a) */
	VNET_RING_FAULT_COUNT,
};

extern const char *const vnet_ring_fault_names[VNET_RING_FAULT_COUNT];

/* One buffer being built between vnet_vring_take() and vnet_vring_post(). */
struct vnet_chain {
	uint16_t id;         /* buffer id (split: head descriptor) */
	uint16_t cur;        /* split: next descriptor; packed: next slot */
	uint16_t head_slot;  /* packed: where the head descriptor is */
	uint16_t head_flags; /* packed: written last, at post or publish */
};

struct vnet_vring {
	enum vnet_layout layout;
	enum vnet_ring_kind kind;  /* layout, in-order or not */
	uint16_t num;           /* power of two */
	uint16_t free_head;     /* free list of ids, linked by extra[].next */
	uint16_t num_free;      /* free descriptors (ring slots) */
	uint16_t avail_shadow;  /* split: next avail index; packed: next slot */
	uint16_t kicked_idx;    /* split: avail index at the last notify decision */
	uint16_t last_used;     /* split: next used index; packed: next used slot */
	uint16_t avail_same;    /* split in-order: avail slots [0, this) hold their index */
	bool io_barriers;       /* VIRTIO_F_ORDER_PLATFORM negotiated */
	bool broken;
	/* Packed (virtio 1.2 §2.8.1): wrap counters as flag bit patterns. */
	uint16_t avail_wrap_flags; /* AVAIL/USED bits a new descriptor carries */
	bool used_wrap;            /* used wrap counter */
	bool head_pending;         /* a head's flags wait for publish */
	uint16_t pending_slot, pending_flags;
	uint16_t added;            /* descriptors made available since publish */
	/*
	 * In-order: the oldest in-flight buffer, and the used entry being
	 * worked through (a device may write one entry for a batch).
	 */
	uint16_t io_oldest;
	bool io_batch;
	uint16_t io_batch_end;
	uint32_t io_batch_len;
	/*
	 * Interrupt suppression as we last wrote it (driver memory, so the
	 * shared word is never read back): whether we asked for none, and
	 * (split, EVENT_IDX) last_used when used_event was written.
	 */
	bool intr_off;
	uint16_t used_event_at;
	/* The first fault and the values that showed it, for the one log line. */
	enum vnet_ring_fault fault;
	uint32_t fault_a, fault_b;

	/* Shared with the device: split (§2.7). */
	struct vnet_desc *desc;
	volatile uint16_t *avail_flags;
	volatile uint16_t *avail_idx;
	volatile uint16_t *avail_ring;
	volatile uint16_t *used_event;
	volatile uint16_t *used_flags;
	volatile uint16_t *used_idx;
	volatile struct vnet_used_elem *used_ring;
	volatile uint16_t *avail_event;
	/* Shared with the device: packed (§2.8). */
	volatile struct vnet_pdesc *pdesc;
	volatile struct vnet_pevent *driver_event; /* we write: interrupts */
	volatile struct vnet_pevent *device_event; /* device writes: kicks */
	size_t mem_len;

	struct vnet_desc_extra *extra; /* num entries, driver memory */
};

/* Mark the ring broken; only the first fault is kept. */
void vnet_vring_fail(struct vnet_vring *r, enum vnet_ring_fault fault,
		     uint32_t a, uint32_t b);

/*
 * The checks every used entry passes, whatever the layout: id below the
 * ring size, id an in-flight buffer (else `stray`, with `where`), len
 * within the bytes the device may write. Returns the buffer's state, or
 * NULL with the ring broken.
 */
static __rte_always_inline struct vnet_desc_extra *
vnet_vring_check_used(struct vnet_vring *r, uint32_t id, uint32_t len,
		      enum vnet_ring_fault stray, uint32_t where)
{
	struct vnet_desc_extra *x;

	if (id >= r->num) {
		vnet_vring_fail(r, VNET_RING_BAD_ID, id, r->num);
		return NULL;
	}
	x = &r->extra[id];
	if (x->ndescs == 0) {
		vnet_vring_fail(r, stray, id, where);
		return NULL;
	}
	if (x->wlen != 0 && len > x->wlen) {
		vnet_vring_fail(r, VNET_RING_BAD_LEN, len, x->wlen);
		return NULL;
	}
	return x;
}

/* Pop one buffer id off the free list (the caller checked num_free). */
static __rte_always_inline uint16_t
vnet_vring_pop_id(struct vnet_vring *r)
{
	uint16_t id = r->free_head;

	r->free_head = r->extra[id].next;
	return id;
}

#endif
