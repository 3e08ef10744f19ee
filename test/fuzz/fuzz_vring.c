/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the split-ring core the rx and tx bursts run
 * (vnet_vring.h), driven by a stream of driver and device operations.
 * The device may write anything anywhere in the shared ring between
 * calls; the driver side checks, after every operation, that its
 * private state is intact: the free list is in range and duplicate-free,
 * free plus in-flight descriptors add up to the ring size, and every
 * buffer comes back exactly once.
 *
 * Input: byte 0 picks rx or tx, the ring size (1..64) and event idx;
 * then operations, each an opcode byte followed by its operands.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_vring.h"

#define MAX_NUM 256
#define HDR 12
#define BUF 2048

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
	unsigned int busy = 0, i;
	uint16_t cur = r->free_head;

	CHECK(r->num_free <= r->num);
	memset(seen, 0, r->num);
	for (i = 0; i < r->num_free; i++) {
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

/* The driver posts one buffer (rx) or a chain (tx), as the bursts do. */
static void
driver_post(struct vnet_vring *r, bool rx, struct input *in)
{
	uint16_t n = rx ? 1 : (uint16_t)(take(in, 1) % 5 + 1);
	uint16_t head, cur, i;

	if (!vnet_vring_take(r, n, &head))
		return;
	cur = head;
	for (i = 0; i < n; i++) {
		r->desc[cur].addr = 0x100000u + (uint64_t)cur * BUF;
		r->desc[cur].len = rx ? BUF + HDR : 64;
		r->desc[cur].flags = rx ? VNET_DESC_F_WRITE : 0;
		if (i + 1 < n) {
			r->desc[cur].flags |= VNET_DESC_F_NEXT;
			r->desc[cur].next = vnet_vring_next(r, cur);
			cur = vnet_vring_next(r, cur);
		}
	}
	CHECK(!in_ring[head]);
	in_ring[head] = 1;
	vnet_vring_post(r, head, &tokens[head], rx ? BUF + HDR : 0);
}

/* The driver consumes what the device says it used, as the bursts do. */
static void
driver_consume(struct vnet_vring *r, bool rx, bool event_idx)
{
	uint16_t n = vnet_vring_used_ready(r);
	uint32_t len;
	void *cookie;

	while (n-- > 0 && vnet_vring_get_used(r, &cookie, &len)) {
		char *t = cookie;

		CHECK(t >= tokens && t < tokens + MAX_NUM && in_ring[t - tokens]);
		in_ring[t - tokens] = 0;
		if (rx) {
			uint32_t frame = vnet_rx_frame_len(len, HDR);

			CHECK(len <= BUF + HDR);
			CHECK(frame == 0 || (frame >= 14 && frame <= BUF));
		} else {
			CHECK(len == 0);
		}
	}
	vnet_vring_suppress_interrupts(r, event_idx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vnet_vring r;
	uint32_t mode = take(&in, 1);
	bool rx = mode & 1, event_idx = mode & 2;
	/* 1..64 entries: larger rings add no logic, only slower checks. */
	uint16_t num = (uint16_t)(1u << ((mode >> 2) % 7));
	uint16_t dev_avail = 0; /* a well-behaved device's position */
	unsigned int ops = 0;

	memset(in_ring, 0, sizeof(in_ring));
	released = 0;
	vnet_vring_init(&r, ring_mem, num, 4096, extra);
	r.io_barriers = mode & 0x80;
	CHECK(r.mem_len <= sizeof(ring_mem));

	while (in.left > 0 && ops++ < 512) {
		uint32_t op = take(&in, 1) % 8;

		switch (op) {
		case 0:
			if (!r.broken)
				driver_post(&r, rx, &in);
			break;
		case 1:
			(void)vnet_vring_publish(&r, event_idx);
			break;
		case 2: { /* the device writes any used entry */
			uint32_t slot = take(&in, 1), id = take(&in, 4), len = take(&in, 4);

			r.used_ring[slot % num].id = id;
			r.used_ring[slot % num].len = len;
			break;
		}
		case 3: /* the device moves its used index anywhere */
			*r.used_idx = (uint16_t)take(&in, 2);
			break;
		case 4: { /* a well-behaved device completes the oldest buffer */
			uint16_t u = *r.used_idx;

			if (dev_avail == *r.avail_idx)
				break;
			r.used_ring[vnet_ring_slot(u, num)].id =
				r.avail_ring[vnet_ring_slot(dev_avail++, num)];
			r.used_ring[vnet_ring_slot(u, num)].len = take(&in, 2);
			*r.used_idx = (uint16_t)(u + 1);
			break;
		}
		case 5:
			if (!r.broken) /* the bursts return at once on a broken ring */
				driver_consume(&r, rx, event_idx);
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
			dev_avail = 0;
			break;
		}
		}
		/* Driver state changes only in the driver's own operations. */
		if (op == 0 || op == 5 || op == 7)
			check_state(&r);
	}
	vnet_vring_reset(&r, release);
	check_state(&r);
	return 0;
}
