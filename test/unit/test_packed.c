/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packed ring (vnet_packed.h) through the ring interface: post, publish,
 * consume, wrap counters, chains across the wrap, exhaustion, every
 * malformed used descriptor, interrupt suppression and the kick decision
 * (virtio 1.2 §2.8), under ASan and UBSan.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_vring.h"

#define P VNET_KIND_PACKED
#define L VNET_LAYOUT_PACKED
#define WRAP (VNET_PDESC_F_AVAIL | VNET_PDESC_F_USED)

struct rig {
	struct vnet_vring r;
	void *mem;
	struct vnet_desc_extra *extra;
	int cookies[64];
	/* The device's side: next slot to read and its wrap counter. */
	uint16_t dev_slot;
	bool dev_wrap;
	int released;
};

static struct rig *released_rig;

static void
count_release(void *cookie)
{
	(void)cookie;
	released_rig->released++;
}

static void
rig_init(struct rig *g, uint16_t num)
{
	memset(g, 0, sizeof(*g));
	g->mem = aligned_alloc(4096, vnet_vring_mem_size(L, num, 4096));
	g->extra = calloc(num, sizeof(*g->extra));
	vnet_vring_init_layout(&g->r, L, g->mem, num, 4096, g->extra);
	g->dev_wrap = true;
}

static void
rig_fini(struct rig *g)
{
	free(g->mem);
	free(g->extra);
}

/* Post one buffer of n descriptors (rx: writable, wlen bytes). */
static bool
post(struct rig *g, uint16_t n, uint32_t wlen, void *cookie, uint16_t *id)
{
	struct vnet_chain c;
	uint16_t i;

	if (!vnet_vring_take(&g->r, P, n, &c))
		return false;
	for (i = 0; i < n; i++)
		vnet_vring_chain_add(&g->r, P, &c, 0x1000u * (i + 1), wlen ? wlen : 64,
				     (wlen ? VNET_DESC_F_WRITE : 0) |
				     (i + 1 < n ? VNET_DESC_F_NEXT : 0));
	vnet_vring_post(&g->r, P, &c, cookie, wlen);
	if (id != NULL)
		*id = c.id;
	return true;
}

/*
 * The device takes the next available buffer (if its head is available
 * in the device's lap) and marks it used in place with len. Returns the
 * descriptors it spans, 0 if nothing was available.
 */
static uint16_t
device_use(struct rig *g, uint32_t len)
{
	volatile struct vnet_pdesc *d = g->r.pdesc;
	uint16_t head = g->dev_slot, s = head, n = 0, id;
	bool w = g->dev_wrap;
	uint16_t flags = d[head].flags;

	if ((bool)(flags & VNET_PDESC_F_AVAIL) != w || (bool)(flags & VNET_PDESC_F_USED) == w)
		return 0;
	do {
		flags = d[s].flags;
		id = d[s].id;
		n++;
		if (++s == g->r.num) {
			s = 0;
			w = !w;
		}
	} while (flags & VNET_PDESC_F_NEXT);
	d[head].id = id;
	d[head].len = len;
	d[head].flags = g->dev_wrap ? WRAP : 0;
	g->dev_slot = s;
	g->dev_wrap = w;
	return n;
}

static void
test_post_publish_consume(void)
{
	struct rig g;
	uint16_t id;
	uint32_t len;
	void *cookie = NULL;

	rig_init(&g, 8);
	TAP_EQ(g.r.num_free, 8, "fresh ring: 8 slots free");
	TAP_EQ(g.r.driver_event->flags, VNET_PEVENT_F_ENABLE, "fresh ring: driver event area zeroed");
	TAP_OK(post(&g, 1, 2048, &g.cookies[0], &id), "post one rx buffer");
	TAP_EQ(g.r.pdesc[0].flags, 0, "its head flags wait for publish");
	TAP_EQ(g.r.pdesc[0].id, id, "the descriptor carries the buffer id");
	TAP_EQ(device_use(&g, 100), 0, "the device sees nothing before publish");
	TAP_OK(vnet_vring_unpublished(&g.r, P), "something to publish");
	TAP_OK(vnet_vring_publish(&g.r, P, false), "device event ENABLE: kick");
	TAP_EQ(g.r.pdesc[0].flags, VNET_PDESC_F_AVAIL | VNET_PDESC_F_WRITE,
	       "published: AVAIL set, USED clear in lap 1, WRITE");
	TAP_OK(!vnet_vring_unpublished(&g.r, P), "nothing left to publish");
	TAP_OK(!vnet_vring_publish(&g.r, P, false), "an empty publish does not kick");
	TAP_EQ(vnet_vring_used_ready(&g.r, P, 32), 0, "nothing used yet");
	TAP_EQ(device_use(&g, 100), 1, "the device uses it");
	TAP_EQ(vnet_vring_used_ready(&g.r, P, 32), 1, "one buffer ready");
	TAP_OK(vnet_vring_get_used(&g.r, P, &cookie, &len) && cookie == &g.cookies[0] &&
	       len == 100, "consumed with its cookie and length");
	TAP_EQ(g.r.num_free, 8, "slot free again");
	TAP_EQ(g.r.last_used, 1, "used slot advanced by one");
	/* Two posts, one publish: the second head is written at post time. */
	post(&g, 1, 2048, &g.cookies[1], NULL);
	post(&g, 2, 0, &g.cookies[2], NULL);
	TAP_EQ(g.r.pdesc[1].flags, 0, "first head of the batch waits");
	TAP_EQ(g.r.pdesc[2].flags, VNET_PDESC_F_AVAIL | VNET_PDESC_F_NEXT,
	       "a later head is written at post: the device stops at the first");
	TAP_EQ(g.r.pdesc[3].flags, VNET_PDESC_F_AVAIL, "chain tail: no NEXT");
	vnet_vring_publish(&g.r, P, false);
	TAP_EQ(g.r.pdesc[1].flags, VNET_PDESC_F_AVAIL | VNET_PDESC_F_WRITE, "batch published");
	rig_fini(&g);
}

static void
test_wrap(void)
{
	struct rig g;
	unsigned int round, ok = 1, straddled = 0;
	uint32_t len;
	void *cookie;

	rig_init(&g, 8);
	/* Chains of 3 in a ring of 8: every few rounds one straddles the wrap. */
	for (round = 0; round < 1000 && ok; round++) {
		uint16_t head = g.r.avail_shadow;
		uint16_t wrap_before = g.r.avail_wrap_flags;

		ok &= post(&g, 3, 0, &g.cookies[round % 64], NULL);
		if (head + 3 > 8) {
			straddled++;
			ok &= g.r.avail_wrap_flags == (wrap_before ^ WRAP);
			/* The tail slot carries the new lap's bits. */
			ok &= (g.r.pdesc[(head + 2) % 8].flags & WRAP) == g.r.avail_wrap_flags;
		}
		vnet_vring_publish(&g.r, P, false);
		ok &= device_use(&g, 0) == 3;
		ok &= vnet_vring_used_ready(&g.r, P, 8) == 1;
		ok &= vnet_vring_get_used(&g.r, P, &cookie, &len);
		ok &= cookie == &g.cookies[round % 64] && g.r.num_free == 8;
		ok &= g.r.used_wrap == g.dev_wrap && g.r.last_used == g.dev_slot;
	}
	TAP_OK(ok, "1000 chains of 3 around a ring of 8 (stopped at %u)", round);
	TAP_OK(straddled > 100, "%u chains straddled the wrap", straddled);
	TAP_OK(!g.r.broken, "ring never broke");
	rig_fini(&g);

	rig_init(&g, 4);
	for (round = 0; round < 4; round++)
		post(&g, 1, 64, &g.cookies[round], NULL);
	TAP_EQ(g.r.avail_wrap_flags, VNET_PDESC_F_USED,
	       "after num descriptors the avail wrap counter is 0 (USED bit pattern)");
	vnet_vring_publish(&g.r, P, false);
	for (round = 0; round < 4; round++)
		device_use(&g, 10);
	TAP_EQ(vnet_vring_used_ready(&g.r, P, 8), 4, "four used in the first lap");
	for (round = 0; round < 4; round++)
		vnet_vring_get_used(&g.r, P, &cookie, &len);
	TAP_OK(!g.r.used_wrap && g.r.last_used == 0, "used wrap counter flipped after num");
	post(&g, 1, 64, &g.cookies[9], NULL);
	vnet_vring_publish(&g.r, P, false);
	TAP_EQ(g.r.pdesc[0].flags, VNET_PDESC_F_USED | VNET_PDESC_F_WRITE,
	       "lap 2: AVAIL clear, USED set means available");
	TAP_EQ(vnet_vring_used_ready(&g.r, P, 8), 0, "and is not taken for used");
	TAP_EQ(device_use(&g, 20), 1, "the device marks it used in lap 2 (both bits clear)");
	TAP_OK(vnet_vring_used_ready(&g.r, P, 8) == 1 &&
	       vnet_vring_get_used(&g.r, P, &cookie, &len) && cookie == &g.cookies[9],
	       "and the driver consumes it");
	rig_fini(&g);
}

static void
test_exhaustion(void)
{
	struct rig g;
	unsigned int n = 0;
	struct vnet_chain c;

	rig_init(&g, 8);
	while (post(&g, 1, 64, &g.cookies[n], NULL))
		n++;
	TAP_EQ(n, 8, "8 single buffers fill a ring of 8");
	TAP_EQ(g.r.num_free, 0, "nothing free");
	TAP_OK(!vnet_vring_take(&g.r, P, 1, &c), "a further take is refused");
	rig_fini(&g);

	rig_init(&g, 8);
	post(&g, 5, 0, &g.cookies[0], NULL);
	TAP_OK(!vnet_vring_take(&g.r, P, 4, &c), "a chain of 4 does not fit in 3 slots");
	TAP_EQ(g.r.num_free, 3, "a refused take changes nothing");
	TAP_OK(!vnet_vring_take(&g.r, P, 0, &c), "an empty chain is refused");
	TAP_OK(post(&g, 3, 0, &g.cookies[1], NULL), "exactly the rest fits");
	TAP_EQ(g.r.num_free, 0, "ring exhausted with 2 buffer ids in flight");
	released_rig = &g;
	vnet_vring_reset(&g.r, count_release);
	TAP_EQ(g.released, 2, "reset releases each in-flight buffer once");
	TAP_OK(g.r.num_free == 8 && g.r.avail_wrap_flags == VNET_PDESC_F_AVAIL &&
	       g.r.used_wrap && g.r.last_used == 0, "reset: empty ring, wrap counters 1");
	rig_fini(&g);
}

/* What a hostile device writes into the used slot of the one posted buffer. */
static const struct malformed {
	const char *what;
	uint16_t flags;
	int id;            /* -1: the posted buffer's id */
	uint32_t len;
	uint16_t ready;    /* what used_ready reports */
	enum vnet_ring_fault fault;
} malformed[] = {
	{ "well-formed", WRAP, -1, 100, 1, VNET_RING_OK },
	{ "both flag bits of the wrong lap", 0, -1, 100, 0, VNET_RING_OK },
	{ "half flags: AVAIL only", VNET_PDESC_F_AVAIL, -1, 100, 0, VNET_RING_OK },
	{ "half flags: USED only", VNET_PDESC_F_USED, -1, 100, 0, VNET_RING_OK },
	{ "id == num", WRAP, 8, 100, 1, VNET_RING_BAD_ID },
	{ "id 0xffff", WRAP, 0xffff, 100, 1, VNET_RING_BAD_ID },
	{ "id not in flight", WRAP, 5, 100, 1, VNET_RING_NOT_HEAD },
	{ "len beyond wlen", WRAP, -1, 2049, 1, VNET_RING_BAD_LEN },
	{ "len == wlen", WRAP, -1, 2048, 1, VNET_RING_OK },
};

static void
test_malformed(void)
{
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		const struct malformed *m = &malformed[i];
		struct rig g;
		uint16_t id;
		uint32_t len = 0;
		void *cookie = NULL;
		bool got;

		rig_init(&g, 8);
		post(&g, 1, 2048, &g.cookies[0], &id);
		vnet_vring_publish(&g.r, P, false);
		g.r.pdesc[0].id = m->id < 0 ? id : (uint16_t)m->id;
		g.r.pdesc[0].len = m->len;
		g.r.pdesc[0].flags = m->flags;
		TAP_EQ(vnet_vring_used_ready(&g.r, P, 8), m->ready, "%s: %u ready",
		       m->what, m->ready);
		if (m->ready == 0) {
			TAP_OK(!g.r.broken && g.r.num_free == 7,
			       "%s: not used yet, nothing consumed, ring intact", m->what);
		} else {
			got = vnet_vring_get_used(&g.r, P, &cookie, &len);
			TAP_EQ(g.r.fault, m->fault, "%s: fault %s", m->what,
			       vnet_ring_fault_names[m->fault]);
			if (m->fault == VNET_RING_OK)
				TAP_OK(got && cookie == &g.cookies[0] && len == m->len &&
				       g.r.num_free == 8, "%s: consumed", m->what);
			else
				TAP_OK(!got && g.r.broken && g.r.num_free == 7 &&
				       g.r.last_used == 0,
				       "%s: refused, the buffer stays in flight", m->what);
		}
		rig_fini(&g);
	}
}

/* Kick decision rows (virtio 1.2 §2.8.10); ring of 8. */
static const struct kick_row {
	const char *what;
	uint16_t flags, off_wrap;
	bool event_idx;
	uint16_t new_slot, added;
	bool avail_wrap;
	bool kick;
} kick_rows[] = {
	{ "ENABLE", VNET_PEVENT_F_ENABLE, 0, false, 4, 2, true, true },
	{ "ENABLE with EVENT_IDX", VNET_PEVENT_F_ENABLE, 0, true, 4, 2, true, true },
	{ "DISABLE", VNET_PEVENT_F_DISABLE, 0, false, 4, 2, true, false },
	{ "DISABLE with EVENT_IDX", VNET_PEVENT_F_DISABLE, 3, true, 4, 2, true, false },
	{ "DESC without EVENT_IDX: treated as ENABLE", VNET_PEVENT_F_DESC, 7, false, 4, 2, true, true },
	{ "reserved flags value 3: kick", 3, 0, true, 4, 2, true, true },
	{ "DESC: event at the first added slot", VNET_PEVENT_F_DESC, 0x8000 | 2, true, 4, 2, true, true },
	{ "DESC: event at the last added slot", VNET_PEVENT_F_DESC, 0x8000 | 3, true, 4, 2, true, true },
	{ "DESC: event at the next slot (not reached)", VNET_PEVENT_F_DESC, 0x8000 | 4, true, 4, 2, true, false },
	{ "DESC: event before this batch (already passed)", VNET_PEVENT_F_DESC, 0x8000 | 1, true, 4, 2, true, false },
	{ "across the wrap: event at slot 7 of the last lap", VNET_PEVENT_F_DESC, 0x8000 | 7, true, 1, 3, false, true },
	{ "across the wrap: event at slot 0 of this lap", VNET_PEVENT_F_DESC, 0, true, 1, 3, false, true },
	{ "across the wrap: event at slot 1 of this lap (not reached)", VNET_PEVENT_F_DESC, 1, true, 1, 3, false, false },
	{ "across the wrap: event at slot 5 of the last lap (passed)", VNET_PEVENT_F_DESC, 0x8000 | 5, true, 1, 3, false, false },
	{ "same slot, other lap: a whole ring behind", VNET_PEVENT_F_DESC, 0 | 3, true, 4, 2, true, false },
};

static void
test_kick_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(kick_rows) / sizeof(kick_rows[0]); i++) {
		const struct kick_row *k = &kick_rows[i];

		TAP_EQ(vnet_packed_need_kick(k->flags, k->off_wrap, k->event_idx,
					     k->new_slot, k->added, k->avail_wrap, 8),
		       k->kick, "kick table: %s -> %s", k->what, k->kick ? "kick" : "no kick");
	}
}

/* publish() reads the device's event area and counts what it added. */
static void
test_publish_reads_device_event(void)
{
	struct rig g;
	unsigned int i;
	uint32_t len;
	void *cookie;

	rig_init(&g, 8);
	g.r.device_event->flags = VNET_PEVENT_F_DISABLE;
	post(&g, 1, 64, &g.cookies[0], NULL);
	TAP_OK(!vnet_vring_publish(&g.r, P, true), "device DISABLE: no kick");
	g.r.device_event->flags = VNET_PEVENT_F_DESC;
	g.r.device_event->off_wrap = 0x8000 | 2;
	post(&g, 1, 64, &g.cookies[1], NULL);
	TAP_OK(!vnet_vring_publish(&g.r, P, true), "DESC at slot 2, published slot 1: no kick");
	post(&g, 2, 64, &g.cookies[2], NULL);
	TAP_OK(vnet_vring_publish(&g.r, P, true), "a chain over slot 2: kick");
	for (i = 0; i < 4; i++)
		post(&g, 1, 64, &g.cookies[3 + i], NULL);
	g.r.device_event->off_wrap = 0x8000 | 7; /* slot 7, lap 1 */
	TAP_OK(vnet_vring_publish(&g.r, P, true), "a batch up to the wrap over slot 7 of lap 1: kick");
	device_use(&g, 0);
	vnet_vring_used_ready(&g.r, P, 1);
	vnet_vring_get_used(&g.r, P, &cookie, &len);
	TAP_OK(post(&g, 1, 64, &g.cookies[8], NULL), "slot 0 of lap 2 posted");
	g.r.device_event->off_wrap = 0 | 1; /* slot 1, lap 2 */
	TAP_OK(!vnet_vring_publish(&g.r, P, true), "slot 0 of lap 2 published, event at slot 1: no kick");
	rig_fini(&g);
}

static void
test_interrupts(void)
{
	struct rig g;

	rig_init(&g, 8);
	vnet_vring_suppress_interrupts(&g.r, P, true);
	TAP_EQ(g.r.driver_event->flags, VNET_PEVENT_F_DISABLE, "suppress: DISABLE (EVENT_IDX)");
	vnet_vring_suppress_interrupts(&g.r, P, false);
	TAP_EQ(g.r.driver_event->flags, VNET_PEVENT_F_DISABLE, "suppress: DISABLE");
	TAP_EQ(vnet_vring_enable_interrupts(&g.r, P, false), 0, "enable: nothing pending");
	TAP_EQ(g.r.driver_event->flags, VNET_PEVENT_F_ENABLE, "enable: ENABLE");
	post(&g, 1, 64, &g.cookies[0], NULL);
	vnet_vring_publish(&g.r, P, false);
	device_use(&g, 14);
	TAP_EQ(vnet_vring_enable_interrupts(&g.r, P, true), 1,
	       "enable after the device used a buffer: pending, do not sleep");
	rig_fini(&g);
}

static void
test_areas(void)
{
	size_t d, drv, dev;

	vnet_vring_areas(L, 256, 4096, &d, &drv, &dev);
	TAP_OK(d == 0 && drv == 256 * 16 && dev == 256 * 16 + 4,
	       "packed areas: descriptors, driver event, device event");
	TAP_EQ(vnet_vring_mem_size(L, 256, 4096), 8192, "256 entries take 8 KiB rounded");
}

int
main(void)
{
	test_post_publish_consume();
	test_wrap();
	test_exhaustion();
	test_malformed();
	test_kick_table();
	test_publish_reads_device_event();
	test_interrupts();
	test_areas();
	return tap_done();
}
