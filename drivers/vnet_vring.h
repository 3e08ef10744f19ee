/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ring interface the bursts, the control queue, interrupts and queue
 * start/stop use, whatever the layout (split: vnet_split.h, packed:
 * vnet_packed.h). Each operation takes the ring kind (layout, in-order)
 * as an argument: the bursts pass a constant, so every burst is compiled
 * once per kind with no test or function pointer per packet; other
 * callers pass r->kind.
 * No DPDK dependency: the datapath, the unit tests and the fuzzer run
 * this same code.
 *
 * A buffer: vnet_vring_take (reserve descriptors), vnet_vring_chain_add
 * once per descriptor, vnet_vring_post; vnet_vring_publish makes the
 * posted buffers visible and says whether to kick. The device's answers:
 * vnet_vring_used_ready, then vnet_vring_get_used per buffer, validated.
 */
#ifndef VNET_VRING_H
#define VNET_VRING_H

#include "vnet_in_order.h"
#include "vnet_packed.h"
#include "vnet_split.h"

/*
 * Lay the ring out in mem (vnet_vring_mem_size bytes) with extra[num] as
 * its private state, then reset it.
 */
void vnet_vring_init_layout(struct vnet_vring *r, enum vnet_layout lay,
			    void *mem, uint16_t num, size_t align,
			    struct vnet_desc_extra *extra);

/* A split ring (the layout legacy devices know). */
static inline void
vnet_vring_init(struct vnet_vring *r, void *mem, uint16_t num, size_t align,
		struct vnet_desc_extra *extra)
{
	vnet_vring_init_layout(r, VNET_LAYOUT_SPLIT, mem, num, align, extra);
}

/*
 * Zero the shared ring and rebuild the free list. Cookies still in flight
 * are handed to release (may be NULL) first.
 */
void vnet_vring_reset(struct vnet_vring *r, void (*release)(void *cookie));

/* Complete buffers in order (VIRTIO_F_IN_ORDER negotiated); after init. */
void vnet_vring_set_in_order(struct vnet_vring *r, bool in_order);

/* Bytes of shared memory a ring of num entries takes. */
size_t vnet_vring_mem_size(enum vnet_layout lay, uint16_t num, size_t align);

/*
 * Offsets of the three areas the device is told about (virtio 1.2 §2.5):
 * descriptors, driver area (split: avail), device area (split: used).
 */
void vnet_vring_areas(enum vnet_layout lay, uint16_t num, size_t align,
		      size_t *desc, size_t *driver, size_t *device);

/* Reserve need descriptors for one buffer; false if the ring is too full. */
static __rte_always_inline bool
vnet_vring_take(struct vnet_vring *r, const enum vnet_ring_kind k, uint16_t need,
		struct vnet_chain *c)
{
	if (vnet_kind_packed(k))
		return vnet_packed_take(r, need, c, vnet_kind_in_order(k));
	if (vnet_kind_in_order(k)) {
		if (!vnet_split_take_in_order(r, need, &c->id))
			return false;
	} else if (!vnet_split_take(r, need, &c->id)) {
		return false;
	}
	c->cur = c->id;
	return true;
}

/*
 * The buffer's next descriptor. flags: VNET_DESC_F_WRITE for a device-
 * writable one, VNET_DESC_F_NEXT on every descriptor but the buffer's last
 * (the same bits in both layouts), VNET_DESC_F_INDIRECT for a table.
 */
static __rte_always_inline void
vnet_vring_chain_add(struct vnet_vring *r, const enum vnet_ring_kind k,
		     struct vnet_chain *c, uint64_t iova, uint32_t len,
		     uint16_t flags)
{
	if (vnet_kind_packed(k))
		vnet_packed_chain_add(r, c, iova, len, flags);
	else
		vnet_split_chain_add(r, c, iova, len, flags);
}

/* The whole buffer is written: queue it for the next publish. */
static __rte_always_inline void
vnet_vring_post(struct vnet_vring *r, const enum vnet_ring_kind k,
		const struct vnet_chain *c, void *cookie, uint32_t wlen)
{
	if (vnet_kind_packed(k))
		vnet_packed_post(r, c, cookie, wlen);
	else
		vnet_split_post(r, c->id, cookie, wlen, vnet_kind_in_order(k));
}

/* Posted buffers not published yet. */
static __rte_always_inline bool
vnet_vring_unpublished(const struct vnet_vring *r, const enum vnet_ring_kind k)
{
	if (vnet_kind_packed(k))
		return r->head_pending;
	return r->avail_shadow != r->kicked_idx;
}

/*
 * Publish what was posted. Returns whether the device asked to be
 * notified (event suppression, EVENT_IDX aware).
 */
static __rte_always_inline bool
vnet_vring_publish(struct vnet_vring *r, const enum vnet_ring_kind k,
		   bool event_idx)
{
	if (vnet_kind_packed(k))
		return vnet_packed_publish(r, event_idx);
	return vnet_split_publish(r, event_idx);
}

/* Used buffers ready to consume, at most max (0 if the ring broke). */
static __rte_always_inline uint16_t
vnet_vring_used_ready(struct vnet_vring *r, const enum vnet_ring_kind k,
		      uint16_t max)
{
	uint16_t n;

	if (vnet_kind_packed(k))
		return vnet_packed_used_ready(r, max, vnet_kind_in_order(k));
	n = vnet_split_used_ready(r);
	return n < max ? n : max;
}

/*
 * Consume one ready buffer: its cookie and the bytes the device wrote (0
 * for a device-readable buffer). False: the entry was bad, the ring is
 * broken (r->fault says why) and nothing was consumed.
 */
static __rte_always_inline bool
vnet_vring_get_used(struct vnet_vring *r, const enum vnet_ring_kind k,
		    void **cookie, uint32_t *len)
{
	if (vnet_kind_in_order(k))
		return vnet_in_order_get_used(r, vnet_kind_packed(k), cookie, len);
	if (vnet_kind_packed(k))
		return vnet_packed_get_used(r, cookie, len);
	return vnet_split_get_used(r, cookie, len);
}

/* We poll: ask the device not to interrupt. */
static __rte_always_inline void
vnet_vring_suppress_interrupts(struct vnet_vring *r, const enum vnet_ring_kind k,
			       bool event_idx)
{
	if (vnet_kind_packed(k))
		vnet_packed_suppress_interrupts(r);
	else
		vnet_split_suppress_interrupts(r, event_idx);
}

/*
 * Ask for an interrupt at the next used buffer. Returns nonzero if the
 * device used buffers before it could see the request: no interrupt will
 * announce those, so the caller must not sleep on them.
 */
static inline uint16_t
vnet_vring_enable_interrupts(struct vnet_vring *r, const enum vnet_ring_kind k,
			     bool event_idx)
{
	if (vnet_kind_packed(k))
		return vnet_packed_enable_interrupts(r);
	return vnet_split_enable_interrupts(r, event_idx);
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

#endif
