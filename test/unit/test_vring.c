/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring core: the driver-private free list (take, put, chains, exhaustion,
 * wrap) and used-entry validation against a hostile device, under ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_vring.h"

struct rig {
	struct vnet_vring r;
	void *mem;
	struct vnet_desc_extra *extra;
	int cookies[64];
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
	g->mem = aligned_alloc(4096, vnet_ring_total_size(num, 4096));
	g->extra = calloc(num, sizeof(*g->extra));
	vnet_vring_init(&g->r, g->mem, num, 4096, g->extra);
}

static void
rig_fini(struct rig *g)
{
	free(g->mem);
	free(g->extra);
}

/* The device reports the chain at id as used with len bytes written. */
static void
device_use(struct rig *g, uint32_t id, uint32_t len)
{
	uint16_t idx = *g->r.used_idx;

	g->r.used_ring[vnet_ring_slot(idx, g->r.num)].id = id;
	g->r.used_ring[vnet_ring_slot(idx, g->r.num)].len = len;
	*g->r.used_idx = (uint16_t)(idx + 1);
}

/* Number of distinct descriptors on the free list, walked from free_head. */
static unsigned int
free_list_distinct(const struct vnet_vring *r)
{
	unsigned char seen[256] = { 0 };
	unsigned int n = 0;
	uint16_t cur = r->free_head, i;

	for (i = 0; i < r->num_free; i++) {
		if (cur >= r->num || seen[cur])
			return 0;
		seen[cur] = 1;
		n++;
		cur = r->extra[cur].next;
	}
	return n;
}

static void
test_take_put(void)
{
	struct rig g;
	uint16_t a, b, c;

	rig_init(&g, 8);
	TAP_EQ(g.r.num_free, 8, "fresh ring: all 8 descriptors free");
	TAP_EQ(free_list_distinct(&g.r), 8, "free list visits 8 distinct descriptors");
	TAP_OK(vnet_split_take(&g.r, 1, &a), "take 1");
	TAP_OK(vnet_split_take(&g.r, 3, &b), "take a chain of 3");
	TAP_EQ(g.r.extra[b].ndescs, 3, "head records the chain length");
	TAP_OK(b != a, "chain head differs from the single");
	TAP_EQ(g.r.num_free, 4, "4 left");
	TAP_OK(!vnet_split_take(&g.r, 5, &c), "a chain of 5 does not fit in 4");
	TAP_EQ(g.r.num_free, 4, "a refused take changes nothing");
	TAP_OK(!vnet_split_take(&g.r, 0, &c), "an empty chain is refused");
	TAP_OK(vnet_split_take(&g.r, 4, &c), "exactly the rest fits");
	TAP_EQ(g.r.num_free, 0, "ring exhausted");
	TAP_OK(!vnet_split_take(&g.r, 1, &a), "nothing more to take");
	vnet_split_put(&g.r, b);
	TAP_EQ(g.r.num_free, 3, "putting the 3-chain back frees 3");
	TAP_EQ(free_list_distinct(&g.r), 3, "and they are distinct");
	TAP_EQ(g.r.extra[b].ndescs, 0, "the head is no longer in flight");
	vnet_split_put(&g.r, c);
	TAP_EQ(g.r.num_free, 7, "and the 4-chain: 7 free");
	TAP_EQ(free_list_distinct(&g.r), 7, "7 distinct on the list");
	rig_fini(&g);
}

static void
test_device_cannot_steer_free_list(void)
{
	struct rig g;
	uint16_t h, i, seen = 0;
	bool dup = false;
	unsigned char owned[16] = { 0 };

	rig_init(&g, 16);
	/* A hostile device scribbles every desc[].next it can reach. */
	for (i = 0; i < 16; i++)
		g.r.desc[i].next = 0xbeef;
	while (vnet_split_take(&g.r, 1, &h)) {
		TAP_OK(h < 16, "take %u returns an in-range id (%u)", seen, h);
		dup |= owned[h];
		owned[h] = 1;
		seen++;
	}
	TAP_EQ(seen, 16, "16 single takes, then exhaustion");
	TAP_OK(!dup, "no descriptor was handed out twice");
	rig_fini(&g);
}

static void
test_wrap(void)
{
	struct rig g;
	unsigned int round, ok = 1;
	uint16_t h;
	uint32_t len;
	void *cookie;

	rig_init(&g, 4);
	/* 20000 post/use cycles: the 16-bit indexes wrap more than once. */
	for (round = 0; round < 20000 && ok; round++) {
		ok &= vnet_split_take(&g.r, 2, &h);
		vnet_split_post(&g.r, h, &g.cookies[round % 64], 0, false);
		device_use(&g, h, 0);
		ok &= vnet_split_used_ready(&g.r) == 1;
		ok &= vnet_split_get_used(&g.r, &cookie, &len);
		ok &= cookie == &g.cookies[round % 64];
		ok &= g.r.num_free == 4;
	}
	TAP_OK(ok, "20000 chain cycles across the index wrap (stopped at %u)", round);
	TAP_OK(!g.r.broken, "ring never broke");
	TAP_EQ(g.r.last_used, 20000 & 0xffff, "last_used followed");
	rig_fini(&g);
}

struct fault_case {
	const char *what;
	uint32_t id_delta;    /* added to the real head */
	uint32_t id_abs;      /* used if nonzero: absolute id */
	uint32_t len;
	uint16_t idx_jump;    /* used idx set this far ahead instead */
	enum vnet_ring_fault fault;
};

static const struct fault_case fault_cases[] = {
	{ "id beyond the ring", 0, 1000, 10, 0, VNET_RING_BAD_ID },
	{ "id 0xffffffff", 0, 0xffffffff, 10, 0, VNET_RING_BAD_ID },
	{ "id of a descriptor not in flight", 5, 0, 10, 0, VNET_RING_NOT_HEAD },
	{ "len beyond the writable buffer", 0, 0, 2049, 0, VNET_RING_BAD_LEN },
	{ "used idx jumps past the ring size", 0, 0, 10, 9, VNET_RING_IDX_JUMP },
};

static void
test_faults(void)
{
	size_t i;

	for (i = 0; i < sizeof(fault_cases) / sizeof(fault_cases[0]); i++) {
		const struct fault_case *fc = &fault_cases[i];
		struct rig g;
		uint16_t h;
		uint32_t len;
		void *cookie = NULL;
		bool got;

		rig_init(&g, 8);
		vnet_split_take(&g.r, 1, &h);
		vnet_split_post(&g.r, h, &g.cookies[0], 2048, false);
		if (fc->idx_jump) {
			*g.r.used_idx = fc->idx_jump;
			TAP_EQ(vnet_split_used_ready(&g.r), 0, "%s: nothing ready", fc->what);
		} else {
			device_use(&g, fc->id_abs ? fc->id_abs : h + fc->id_delta, fc->len);
			TAP_EQ(vnet_split_used_ready(&g.r), 1, "%s: one entry ready", fc->what);
			got = vnet_split_get_used(&g.r, &cookie, &len);
			TAP_OK(!got && cookie == NULL, "%s: entry refused", fc->what);
		}
		TAP_OK(g.r.broken, "%s: ring broken", fc->what);
		TAP_EQ(g.r.fault, fc->fault, "%s: fault kind %s", fc->what,
		       vnet_ring_fault_names[fc->fault]);
		TAP_EQ(g.r.last_used, 0, "%s: nothing consumed", fc->what);
		TAP_EQ(g.r.num_free, 7, "%s: the posted buffer stays in flight", fc->what);
		released_rig = &g;
		vnet_vring_reset(&g.r, count_release);
		TAP_EQ(g.released, 1, "%s: reset releases the in-flight buffer once", fc->what);
		TAP_OK(!g.r.broken && g.r.num_free == 8, "%s: reset recovers the ring", fc->what);
		rig_fini(&g);
	}
}

static void
test_double_use(void)
{
	struct rig g;
	uint16_t h;
	uint32_t len;
	void *cookie;

	rig_init(&g, 8);
	vnet_split_take(&g.r, 1, &h);
	vnet_split_post(&g.r, h, &g.cookies[1], 2048, false);
	device_use(&g, h, 100);
	device_use(&g, h, 100);
	TAP_EQ(vnet_split_used_ready(&g.r), 2, "two entries for one buffer");
	TAP_OK(vnet_split_get_used(&g.r, &cookie, &len) && len == 100 &&
	       cookie == &g.cookies[1], "the first is taken with its length");
	TAP_OK(!vnet_split_get_used(&g.r, &cookie, &len), "the second is refused");
	TAP_EQ(g.r.fault, VNET_RING_NOT_HEAD, "as not an in-flight head");
	TAP_EQ(g.r.num_free, 8, "the buffer was freed once");
	rig_fini(&g);
}

static void
test_tx_len_ignored(void)
{
	struct rig g;
	uint16_t h;
	uint32_t len = 7;
	void *cookie;

	rig_init(&g, 8);
	vnet_split_take(&g.r, 3, &h);
	vnet_split_post(&g.r, h, &g.cookies[2], 0, false);
	device_use(&g, h, 123456);
	vnet_split_used_ready(&g.r);
	TAP_OK(vnet_split_get_used(&g.r, &cookie, &len), "device-readable chain: len is not checked");
	TAP_EQ(len, 0, "and reported as 0");
	TAP_EQ(g.r.num_free, 8, "the whole chain is back");
	rig_fini(&g);
}

static void
test_runts(void)
{
	TAP_EQ(vnet_rx_frame_len(12 + 14, 12), 14, "header + 14 bytes is a frame");
	TAP_EQ(vnet_rx_frame_len(12 + 13, 12), 0, "header + 13 bytes is a runt");
	TAP_EQ(vnet_rx_frame_len(0, 12), 0, "an empty buffer is a runt");
	TAP_EQ(vnet_rx_frame_len(10 + 60, 10), 60, "legacy header");
}

static void
test_publish(void)
{
	struct rig g;
	uint16_t h;

	rig_init(&g, 8);
	vnet_split_take(&g.r, 1, &h);
	vnet_split_post(&g.r, h, &g.cookies[0], 100, false);
	TAP_EQ(*g.r.avail_idx, 0, "posting does not publish");
	*g.r.avail_event = 0;
	TAP_OK(vnet_split_publish(&g.r, true), "event idx: kick when avail passes avail_event");
	TAP_EQ(*g.r.avail_idx, 1, "avail idx published");
	TAP_EQ(g.r.kicked_idx, 1, "kick decision recorded");
	vnet_split_take(&g.r, 1, &h);
	vnet_split_post(&g.r, h, &g.cookies[1], 100, false);
	*g.r.avail_event = 5;
	TAP_OK(!vnet_split_publish(&g.r, true), "event idx: no kick before avail_event");
	vnet_split_take(&g.r, 1, &h);
	vnet_split_post(&g.r, h, &g.cookies[2], 100, false);
	*g.r.used_flags = VNET_USED_F_NO_NOTIFY;
	TAP_OK(!vnet_split_publish(&g.r, false), "flags: NO_NOTIFY suppresses the kick");
	*g.r.used_flags = 0;
	TAP_OK(vnet_split_publish(&g.r, false), "flags: kick otherwise");
	vnet_split_suppress_interrupts(&g.r, true);
	TAP_EQ(*g.r.used_event, 0x8000, "used_event kept half the index space ahead");
	rig_fini(&g);
}

static void
test_barriers(void)
{
	TAP_EQ(vnet_barrier_choose(VNET_BIT(VNET_F_ORDER_PLATFORM)), VNET_BARRIER_IO,
	       "ORDER_PLATFORM negotiated: I/O barriers");
	TAP_EQ(vnet_barrier_choose(VNET_BIT(VNET_F_ORDER_PLATFORM) | VNET_BIT(VNET_F_VERSION_1) |
				   VNET_BIT(VNET_F_ACCESS_PLATFORM)), VNET_BARRIER_IO,
	       "ORDER_PLATFORM with other features: I/O barriers");
	TAP_EQ(vnet_barrier_choose(0), VNET_BARRIER_SMP, "nothing negotiated: SMP barriers");
	TAP_EQ(vnet_barrier_choose(~VNET_BIT(VNET_F_ORDER_PLATFORM)), VNET_BARRIER_SMP,
	       "every other feature: SMP barriers");
	TAP_OK(strcmp(vnet_barrier_names[VNET_BARRIER_IO], "io") == 0 &&
	       strcmp(vnet_barrier_names[VNET_BARRIER_SMP], "smp") == 0, "barrier names");
}

int
main(void)
{
	test_take_put();
	test_device_cannot_steer_free_list();
	test_wrap();
	test_faults();
	test_double_use();
	test_tx_len_ignored();
	test_runts();
	test_publish();
	test_barriers();
	return tap_done();
}
