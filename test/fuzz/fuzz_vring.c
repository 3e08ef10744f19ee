/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the ring the rx and tx bursts run (vnet_vring.h),
 * split or packed, driven by a stream of driver and device operations.
 * The device may write anything anywhere in the shared ring between
 * calls; the driver side checks, after every operation, that its
 * private state is intact: the free list is in range and duplicate-free,
 * free plus in-flight descriptors add up to the ring size, and every
 * buffer comes back exactly once.
 *
 * With mergeable rx buffers (mode bit 6, rx only) every consumed buffer
 * also goes through vnet_mrg_next() (vnet_mrg.h) with the num_buffers the
 * device wrote into it: a packet never has more buffers than it claimed
 * nor more bytes than the limit, and buffers held for a packet in
 * progress come back exactly once (delivered, dropped or at reset).
 *
 * Input: byte 0 picks rx or tx, the ring size (1..64), event idx, the
 * layout (bit 5: packed), mergeable rx and in-order completion (bit 7,
 * which also picks I/O barriers); then operations, each an opcode byte
 * and its operands. In-order adds a device that completes a batch of
 * buffers with one used entry naming the last.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_mrg.h"
#include "vnet_vring.h"

#define MAX_NUM 256
#define HDR 12
#define BUF 2048
#define MAX_FRAME 9000 /* below what the ring holds: drops get exercised */

struct input {
	const uint8_t *p;
	size_t left;
};

static uint32_t
take(struct input *in, unsigned int bytes)
{
	uint32_t v = 0;

	while (bytes-- > 0) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

static _Alignas(4096) uint8_t ring_mem[16384];
static struct vnet_desc_extra extra[MAX_NUM];
static uint8_t in_ring[MAX_NUM]; /* buffer token i is held by the ring */
static char tokens[MAX_NUM];
static unsigned int released;
/* In-order: buffers come back in the order they were posted. */
static uint32_t post_no[MAX_NUM], next_post, next_done;
/* Mergeable rx: num_buffers the device wrote into each buffer's header. */
static uint16_t hdr_nb[MAX_NUM];
static struct vnet_mrg mrg;
static unsigned int nheld; /* buffers of the packet in progress */
static uint32_t pkt_bytes;

static void
drop_held(void)
{
	nheld = 0;
	pkt_bytes = 0;
}

#define CHECK(c) do { if (!(c)) abort(); } while (0)

static void
release(void *cookie)
{
	char *t = cookie;

	CHECK(t >= tokens && t < tokens + MAX_NUM && in_ring[t - tokens]);
	in_ring[t - tokens] = 0;
	released++;
}

static void
check_state(const struct vnet_vring *r)
{
	static uint8_t seen[MAX_NUM];
	unsigned int busy = 0, ids = 0, i;
	uint16_t cur = r->free_head;

	CHECK(r->num_free <= r->num);
	memset(seen, 0, r->num);
	for (i = 0; i < r->num; i++)
		ids += r->extra[i].ndescs != 0;
	/* Split: one free descriptor per list entry; packed: one free id. */
	/* Packed in-order takes ids from the ring slots, not the list. */
	for (i = 0; i < (r->layout == VNET_LAYOUT_SPLIT ? r->num_free :
			 r->kind == VNET_KIND_PACKED ? r->num - ids : 0); i++) {
		CHECK(cur < r->num && !seen[cur]);
		seen[cur] = 1;
		cur = r->extra[cur].next;
	}
	for (i = 0; i < r->num; i++) {
		if (r->extra[i].ndescs != 0) {
			CHECK(!seen[i]); /* an in-flight head is never free */
			CHECK(in_ring[i]);
			busy += r->extra[i].ndescs;
		} else {
			CHECK(!in_ring[i]);
		}
	}
	CHECK(busy + r->num_free == r->num);
}

/* One consumed rx buffer, framed as the mergeable rx burst does. */
static void
mrg_take(struct vnet_vring *r, unsigned int id, uint32_t len)
{
	uint16_t nb = vnet_mrg_at_head(&mrg) ? hdr_nb[id] : 0;
	struct vnet_mrg_seg seg;

	switch (vnet_mrg_next(&mrg, len, nb, HDR, r->num, MAX_FRAME, &seg)) {
	case VNET_MRG_APPEND:
	case VNET_MRG_DONE:
		CHECK(seg.len <= BUF + HDR && seg.off == (nheld == 0 ? HDR : 0));
		CHECK(seg.off + seg.len <= len);
		nheld++;
		pkt_bytes += seg.len;
		CHECK(pkt_bytes <= MAX_FRAME);
		CHECK(nheld <= mrg.want || vnet_mrg_at_head(&mrg));
		CHECK(nheld <= r->num);
		if (vnet_mrg_at_head(&mrg))
			drop_held(); /* delivered */
		break;
	case VNET_MRG_DISCARD:
	case VNET_MRG_DROPPED:
		drop_held();
		break;
	case VNET_MRG_FAULT:
		CHECK(nb == 0 || nb > r->num);
		drop_held();
		vnet_vring_fail(r, VNET_RING_BAD_NUM_BUFFERS, nb, r->num);
		break;
	default:
		CHECK(0);
	}
}

/* The driver posts one buffer (rx) or a chain (tx), as the bursts do. */
static void
driver_post(struct vnet_vring *r, bool rx, struct input *in)
{
	uint16_t n = rx ? 1 : (uint16_t)(take(in, 1) % 5 + 1), i;
	struct vnet_chain c;

	if (!vnet_vring_take(r, r->kind, n, &c))
		return;
	for (i = 0; i < n; i++)
		vnet_vring_chain_add(r, r->kind, &c, 0x100000u + (uint64_t)i * BUF,
				     rx ? BUF + HDR : 64, (rx ? VNET_DESC_F_WRITE : 0) |
				     (i + 1 < n ? VNET_DESC_F_NEXT : 0));
	CHECK(c.id < r->num && !in_ring[c.id]);
	in_ring[c.id] = 1;
	post_no[c.id] = next_post++;
	vnet_vring_post(r, r->kind, &c, &tokens[c.id], rx ? BUF + HDR : 0);
}

/* The driver consumes what the device says it used, as the bursts do. */
static void
driver_consume(struct vnet_vring *r, bool rx, bool event_idx, bool mrg_on)
{
	uint16_t n = vnet_vring_used_ready(r, r->kind, UINT16_MAX);
	uint32_t len;
	void *cookie;

	while (n-- > 0 && vnet_vring_get_used(r, r->kind, &cookie, &len)) {
		char *t = cookie;

		CHECK(t >= tokens && t < tokens + MAX_NUM && in_ring[t - tokens]);
		in_ring[t - tokens] = 0;
		if (vnet_kind_in_order(r->kind))
			CHECK(post_no[t - tokens] == next_done++);
		if (rx) {
			uint32_t frame = vnet_rx_frame_len(len, HDR);

			CHECK(len <= BUF + HDR);
			CHECK(frame == 0 || (frame >= 14 && frame <= BUF));
			if (mrg_on)
				mrg_take(r, (unsigned int)(t - tokens), len);
		} else {
			CHECK(len == 0);
		}
	}
	vnet_vring_suppress_interrupts(r, r->kind, event_idx);
}

/* Split: the next k avail heads complete; only the last gets an entry. */
static void
split_device_batch(struct vnet_vring *r, uint16_t *dev_avail, struct input *in,
		   bool mrg_on)
{
	uint16_t k = (uint16_t)(take(in, 1) % 4 + 1), u = *r->used_idx, id;

	if ((uint16_t)(*r->avail_idx - *dev_avail) < k)
		return;
	*dev_avail = (uint16_t)(*dev_avail + k);
	id = r->avail_ring[vnet_ring_slot((uint16_t)(*dev_avail - 1), r->num)];
	r->used_ring[vnet_ring_slot(u, r->num)].id = id;
	r->used_ring[vnet_ring_slot(u, r->num)].len = take(in, 2);
	if (mrg_on)
		hdr_nb[id % MAX_NUM] = (uint16_t)(take(in, 1) % (r->num + 2));
	*r->used_idx = (uint16_t)(u + k);
}

/*
 * A well-behaved packed device: the next k available buffers, one used
 * descriptor in place of the first (k > 1 only in order, §2.8.9).
 */
static void
packed_device_batch(struct vnet_vring *r, uint16_t *slot, bool *wrap, uint16_t k,
		    uint32_t len, struct input *in, bool mrg_on)
{
	volatile struct vnet_pdesc *d = r->pdesc;
	uint16_t head = *slot, s = head, id = 0;
	uint16_t flags, n = 0, i;
	bool w = *wrap;

	for (i = 0; i < k; i++) {
		flags = d[s].flags;
		if ((bool)(flags & VNET_PDESC_F_AVAIL) != w ||
		    (bool)(flags & VNET_PDESC_F_USED) == w)
			break;
		do {
			flags = d[s].flags;
			id = d[s].id;
			if (++s == r->num) {
				s = 0;
				w = !w;
			}
		} while ((flags & VNET_PDESC_F_NEXT) && ++n < r->num);
	}
	if (i == 0)
		return;
	d[head].id = id;
	d[head].len = len;
	d[head].flags = *wrap ? VNET_PDESC_WRAP_BITS : 0;
	if (mrg_on)
		hdr_nb[id % MAX_NUM] = (uint16_t)(take(in, 1) % (r->num + 2));
	*slot = s;
	*wrap = w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vnet_vring r;
	uint32_t mode = take(&in, 1);
	bool rx = mode & 1, event_idx = mode & 2, mrg_on = rx && (mode & 0x40);
	enum vnet_layout lay = mode & 0x20 ? VNET_LAYOUT_PACKED : VNET_LAYOUT_SPLIT;
	/* 1..64 entries: larger rings add no logic, only slower checks. */
	uint16_t num = (uint16_t)(1u << ((mode >> 2) % 7));
	uint16_t dev_avail = 0; /* a well-behaved device's position */
	bool dev_wrap = true;   /* and its wrap counter (packed) */
	unsigned int ops = 0;

	memset(in_ring, 0, sizeof(in_ring));
	memset(hdr_nb, 0, sizeof(hdr_nb));
	vnet_mrg_reset(&mrg);
	drop_held();
	released = 0;
	next_post = next_done = 0;
	vnet_vring_init_layout(&r, lay, ring_mem, num, 4096, extra);
	r.io_barriers = mode & 0x80;
	vnet_vring_set_in_order(&r, mode & 0x80);
	CHECK(r.mem_len <= sizeof(ring_mem));

	while (in.left > 0 && ops++ < 512) {
		uint32_t op = take(&in, 1) % 10;

		switch (op) {
		case 0:
			if (!r.broken)
				driver_post(&r, rx, &in);
			break;
		case 1:
			(void)vnet_vring_publish(&r, r.kind, event_idx);
			break;
		case 2: { /* the device writes any used entry */
			uint32_t slot = take(&in, 1), id = take(&in, 4), len = take(&in, 4);

			if (lay == VNET_LAYOUT_PACKED) { /* any flags: half, wrong lap */
				r.pdesc[slot % num].id = (uint16_t)id;
				r.pdesc[slot % num].len = len;
				r.pdesc[slot % num].flags = (uint16_t)take(&in, 2);
			} else {
				r.used_ring[slot % num].id = id;
				r.used_ring[slot % num].len = len;
			}
			if (mrg_on) /* and any num_buffers into that buffer */
				hdr_nb[id % MAX_NUM] = (uint16_t)take(&in, 2);
			break;
		}
		case 3: /* the device moves its used index or its event area anywhere */
			if (lay == VNET_LAYOUT_PACKED) {
				r.device_event->flags = (uint16_t)take(&in, 1) % 4;
				r.device_event->off_wrap = (uint16_t)take(&in, 2);
			} else {
				*r.used_idx = (uint16_t)take(&in, 2);
			}
			break;
		case 4: { /* a well-behaved device completes the oldest buffer */
			uint16_t u;

			if (lay == VNET_LAYOUT_PACKED) {
				packed_device_batch(&r, &dev_avail, &dev_wrap, 1,
						    take(&in, 2), &in, mrg_on);
				break;
			}
			u = *r.used_idx;
			if (dev_avail == *r.avail_idx)
				break;
			r.used_ring[vnet_ring_slot(u, num)].id =
				r.avail_ring[vnet_ring_slot(dev_avail++, num)];
			r.used_ring[vnet_ring_slot(u, num)].len = take(&in, 2);
			if (mrg_on) /* 0 and num + 1 included */
				hdr_nb[r.used_ring[vnet_ring_slot(u, num)].id % MAX_NUM] =
					(uint16_t)(take(&in, 1) % (num + 2));
			*r.used_idx = (uint16_t)(u + 1);
			break;
		}
		case 5:
			if (!r.broken) /* the bursts return at once on a broken ring */
				driver_consume(&r, rx, event_idx, mrg_on);
			break;
		case 6: { /* the device scribbles on any byte of the shared ring */
			uint32_t off = take(&in, 2) % r.mem_len;

			ring_mem[off] = (uint8_t)take(&in, 1);
			break;
		}
		case 7: { /* stop/reset: every held buffer comes back once */
			unsigned int held = 0, i;

			for (i = 0; i < num; i++)
				held += in_ring[i];
			released = 0;
			vnet_vring_reset(&r, release);
			CHECK(released == held);
			CHECK(!r.broken && r.num_free == num);
			next_done = next_post;
			dev_avail = 0;
			dev_wrap = true;
			/* The burst's reset frees a packet in progress too. */
			vnet_mrg_reset(&mrg);
			drop_held();
			break;
		}
		case 9: /* an in-order device: one used entry for up to 4 buffers */
			if (lay == VNET_LAYOUT_PACKED)
				packed_device_batch(&r, &dev_avail, &dev_wrap,
						    (uint16_t)(take(&in, 1) % 4 + 1),
						    take(&in, 2), &in, mrg_on);
			else
				split_device_batch(&r, &dev_avail, &in, mrg_on);
			break;
		case 8: /* the application arms the rx interrupt, then polls again */
			(void)vnet_vring_enable_interrupts(&r, r.kind, event_idx);
			vnet_vring_suppress_interrupts(&r, r.kind, event_idx);
			break;
		}
		/* Driver state changes only in the driver's own operations. */
		if (op == 0 || op == 5 || op == 7)
			check_state(&r);
	}
	vnet_vring_reset(&r, release);
	check_state(&r);
	return 0;
}
