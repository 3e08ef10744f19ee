/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring core: descriptor free list, chain bookkeeping and used-entry
 * validation. Every field the driver relies on (free list, chain links,
 * in-flight heads, writable lengths) lives in driver memory, in extra[];
 * the driver only writes desc[] and never reads back what the device
 * could have written there. No DPDK dependency: the datapath, the unit
 * tests and the fuzzer run this same code.
 */
#ifndef VNET_VRING_H
#define VNET_VRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_barrier.h"
#include "vnet_ring.h"
#include "vnet_spec.h"

/* Driver-private state of one descriptor. */
struct vnet_desc_extra {
	void *cookie;   /* what a chain head carries (an mbuf); NULL if none */
	uint32_t wlen;  /* bytes the device may write into the chain (rx) */
	uint16_t next;  /* free list and chain link */
	uint16_t ndescs; /* chain length at an in-flight head, else 0 */
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
	VNET_RING_FAULT_COUNT,
};

extern const char *const vnet_ring_fault_names[VNET_RING_FAULT_COUNT];

struct vnet_vring {
	uint16_t num;           /* power of two */
	uint16_t free_head;
	uint16_t num_free;
	uint16_t avail_shadow;  /* next avail index we will publish */
	uint16_t kicked_idx;    /* avail index at the last notify decision */
	uint16_t last_used;     /* next used index to consume */
	bool io_barriers;       /* VIRTIO_F_ORDER_PLATFORM negotiated */
	bool broken;
	/* The first fault and the values that showed it, for the one log line. */
	enum vnet_ring_fault fault;
	uint32_t fault_a, fault_b;

	/* Shared with the device. */
	struct vnet_desc *desc;
	volatile uint16_t *avail_flags;
	volatile uint16_t *avail_idx;
	volatile uint16_t *avail_ring;
	volatile uint16_t *used_event;
	volatile uint16_t *used_flags;
	volatile uint16_t *used_idx;
	volatile struct vnet_used_elem *used_ring;
	volatile uint16_t *avail_event;
	size_t mem_len;

	struct vnet_desc_extra *extra; /* num entries, driver memory */
};

/*
 * Lay the ring out in mem (vnet_ring_total_size(num, align) bytes) with
 * extra[num] as its private state, then reset it.
 */
void vnet_vring_init(struct vnet_vring *r, void *mem, uint16_t num,
		     size_t align, struct vnet_desc_extra *extra);

/*
 * Zero the shared ring and rebuild the free list. Cookies still in flight
 * are handed to release (may be NULL) first.
 */
void vnet_vring_reset(struct vnet_vring *r, void (*release)(void *cookie));

/* Mark the ring broken; only the first fault is kept. */
void vnet_vring_fail(struct vnet_vring *r, enum vnet_ring_fault fault,
		     uint32_t a, uint32_t b);

/* Chain members after the head, following the private links. */
static inline uint16_t
vnet_vring_next(const struct vnet_vring *r, uint16_t id)
{
	return r->extra[id].next;
}

/*
 * Take a chain of n descriptors off the free list. Returns false if fewer
 * than n are free. The chain's links are extra[].next; the caller copies
 * them into desc[].next as it fills the descriptors.
 */
static inline bool
vnet_vring_take(struct vnet_vring *r, uint16_t n, uint16_t *head)
{
	uint16_t cur, i;

	if (n == 0 || n > r->num_free)
		return false;
	*head = cur = r->free_head;
	for (i = 1; i < n; i++)
		cur = r->extra[cur].next;
	r->free_head = r->extra[cur].next;
	r->num_free -= n;
	r->extra[*head].ndescs = n;
	return true;
}

/* Return the in-flight chain at head to the free list. */
static inline void
vnet_vring_put(struct vnet_vring *r, uint16_t head)
{
	struct vnet_desc_extra *h = &r->extra[head];
	uint16_t cur = head, i;

	for (i = 1; i < h->ndescs; i++)
		cur = r->extra[cur].next;
	r->extra[cur].next = r->free_head;
	r->free_head = head;
	r->num_free += h->ndescs;
	h->ndescs = 0;
	h->cookie = NULL;
	h->wlen = 0;
}

/* Queue the chain at head for the device (published by vnet_vring_publish). */
static inline void
vnet_vring_post(struct vnet_vring *r, uint16_t head, void *cookie,
		uint32_t wlen)
{
	r->extra[head].cookie = cookie;
	r->extra[head].wlen = wlen;
	r->avail_ring[vnet_ring_slot(r->avail_shadow++, r->num)] = head;
}

/*
 * Used entries ready to consume. A device cannot have used more than the
 * ring holds (virtio 1.2 §2.7.8): a larger jump breaks the ring and gives 0.
 */
static inline uint16_t
vnet_vring_used_ready(struct vnet_vring *r)
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
static inline bool
vnet_vring_get_used(struct vnet_vring *r, void **cookie, uint32_t *len)
{
	volatile struct vnet_used_elem *e =
		&r->used_ring[vnet_ring_slot(r->last_used, r->num)];
	uint32_t id = e->id, l = e->len;
	struct vnet_desc_extra *x;

	if (id >= r->num) {
		vnet_vring_fail(r, VNET_RING_BAD_ID, id, r->num);
		return false;
	}
	x = &r->extra[id];
	if (x->ndescs == 0) {
		vnet_vring_fail(r, VNET_RING_NOT_HEAD, id, r->last_used);
		return false;
	}
	if (x->wlen != 0 && l > x->wlen) {
		vnet_vring_fail(r, VNET_RING_BAD_LEN, l, x->wlen);
		return false;
	}
	r->last_used++;
	*cookie = x->cookie;
	*len = x->wlen != 0 ? l : 0;
	vnet_vring_put(r, (uint16_t)id);
	return true;
}

/* Ethernet header: anything shorter is not a frame. */
#define VNET_ETHER_HDR_LEN 14

/*
 * Frame bytes in an rx buffer the device wrote len bytes into (header
 * first), or 0 for a runt that must be dropped and counted.
 */
static inline uint32_t
vnet_rx_frame_len(uint32_t len, uint16_t hdr_size)
{
	if (len < (uint32_t)hdr_size + VNET_ETHER_HDR_LEN)
		return 0;
	return len - hdr_size;
}

/*
 * Ask the device not to interrupt us: we poll (virtio 1.2 §2.7.10). With
 * EVENT_IDX the flag is ignored and used_event is put half a ring-index
 * space ahead, so the device only interrupts once per 32768 used entries.
 */
static inline void
vnet_vring_suppress_interrupts(struct vnet_vring *r, bool event_idx)
{
	if (event_idx)
		*r->used_event = (uint16_t)(r->last_used + 0x8000);
	else
		*r->avail_flags = VNET_AVAIL_F_NO_INTERRUPT;
}

/*
 * Ask for an interrupt at the next used entry (virtio 1.2 §2.7.10).
 * Returns the entries the device used before it could see the request:
 * no interrupt will announce those, so the caller must not sleep on them.
 */
static inline uint16_t
vnet_vring_enable_interrupts(struct vnet_vring *r, bool event_idx)
{
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
static inline bool
vnet_vring_publish(struct vnet_vring *r, bool event_idx)
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
