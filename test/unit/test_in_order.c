/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-order completion (vnet_in_order.h) on both layouts, as rows: a batch
 * completed by one used entry, skipped rx buffers, every entry written,
 * and the entries that break the ring (id outside the window, id out of
 * range, len beyond the last buffer). Under ASan and UBSan.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_vring.h"

#define NUM 8
#define WRAP (VNET_PDESC_F_AVAIL | VNET_PDESC_F_USED)

struct rig {
	struct vnet_vring r;
	enum vnet_ring_kind k;
	void *mem;
	struct vnet_desc_extra extra[NUM];
	int cookies[NUM];
	uint16_t ids[NUM];
	uint16_t dev_slot; /* packed: where the device writes its next used entry */
};

static void
rig_init(struct rig *g, enum vnet_layout lay)
{
	memset(g, 0, sizeof(*g));
	g->mem = aligned_alloc(4096, 8192);
	vnet_vring_init_layout(&g->r, lay, g->mem, NUM, 4096, g->extra);
	vnet_vring_set_in_order(&g->r, true);
	g->k = g->r.kind;
}

/* Post n buffers of ndescs descriptors (rx if wlen) and publish them. */
static void
post(struct rig *g, unsigned int n, uint16_t ndescs, uint32_t wlen)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		struct vnet_chain c;

		if (!vnet_vring_take(&g->r, g->k, ndescs, &c))
			return;
		for (j = 0; j < ndescs; j++)
			vnet_vring_chain_add(&g->r, g->k, &c, 0x1000, wlen ? wlen : 60,
					     (wlen ? VNET_DESC_F_WRITE : 0) |
					     (j + 1 < ndescs ? VNET_DESC_F_NEXT : 0));
		vnet_vring_post(&g->r, g->k, &c, &g->cookies[i], wlen);
		g->ids[i] = c.id;
	}
	vnet_vring_publish(&g->r, g->k, false);
}

/* The device writes one used entry (id, len) for a batch of k buffers of d slots. */
static void
device_entry(struct rig *g, uint32_t id, uint32_t len, uint16_t k, uint16_t d)
{
	if (g->r.layout == VNET_LAYOUT_PACKED) {
		volatile struct vnet_pdesc *p = &g->r.pdesc[g->dev_slot];

		p->id = (uint16_t)id;
		p->len = len;
		p->flags = WRAP; /* first lap */
		g->dev_slot = (uint16_t)(g->dev_slot + k * d);
	} else {
		uint16_t u = *g->r.used_idx;

		g->r.used_ring[vnet_ring_slot(u, NUM)].id = id;
		g->r.used_ring[vnet_ring_slot(u, NUM)].len = len;
		*g->r.used_idx = (uint16_t)(u + k);
	}
}

static const struct row {
	const char *what;
	uint16_t nbufs, ndescs;
	uint32_t wlen;
	/* used entries: buffer index whose id is named (-1: an absolute id) */
	int entries[3];
	uint16_t batch[3];   /* buffers each entry completes */
	uint32_t id_abs, len;
	uint32_t want_len[3];
	uint16_t consumed;
	enum vnet_ring_fault fault;
} rows[] = {
	{ "tx batch of 3 chains completed by one entry", 3, 2, 0, { 2 }, { 3 }, 0, 999,
	  { 0, 0, 0 }, 3, VNET_RING_OK },
	{ "rx batch: the 2 skipped buffers complete with len 0", 3, 1, 2048, { 2 }, { 3 }, 0, 100,
	  { 0, 0, 100 }, 3, VNET_RING_OK },
	{ "rx: every entry written, each its own batch", 3, 1, 2048, { 0, 1, 2 }, { 1, 1, 1 }, 0, 64,
	  { 64, 64, 64 }, 3, VNET_RING_OK },
	{ "id of a buffer not in flight: outside the window", 2, 1, 2048, { -1 }, { 1 }, 5, 64,
	  { 0 }, 0, VNET_RING_OUT_OF_ORDER },
	{ "id beyond the ring", 2, 1, 2048, { -1 }, { 1 }, 1000, 64, { 0 }, 0, VNET_RING_BAD_ID },
	{ "len beyond the last buffer", 2, 1, 2048, { 1 }, { 2 }, 0, 2049, { 0 }, 0,
	  VNET_RING_BAD_LEN },
};

static void
run_row(const struct row *w, enum vnet_layout lay)
{
	const char *ln = vnet_layout_names[lay];
	struct rig g;
	unsigned int e, got = 0, ok = 1, nent = 0;
	uint16_t ready;

	rig_init(&g, lay);
	post(&g, w->nbufs, w->ndescs, w->wlen);
	for (e = 0; e < 3 && w->batch[e]; e++, nent++)
		device_entry(&g, w->entries[e] < 0 ? w->id_abs : g.ids[w->entries[e]],
			     w->len, w->batch[e], w->ndescs);
	ready = vnet_vring_used_ready(&g.r, g.k, 32);
	for (e = 0; e < ready; e++) {
		void *cookie;
		uint32_t len;

		if (!vnet_vring_get_used(&g.r, g.k, &cookie, &len))
			break;
		ok &= cookie == &g.cookies[got] && len == w->want_len[got];
		got++;
	}
	TAP_EQ(got, w->consumed, "%s %s: %u buffers consumed", ln, w->what, w->consumed);
	TAP_OK(ok, "%s %s: in post order, with the lengths of the row", ln, w->what);
	TAP_EQ(g.r.fault, w->fault, "%s %s: fault %s", ln, w->what,
	       vnet_ring_fault_names[w->fault]);
	if (w->fault == VNET_RING_OK)
		TAP_OK(g.r.num_free == NUM && !g.r.io_batch,
		       "%s %s: every slot free, no batch left", ln, w->what);
	else
		TAP_EQ(g.r.num_free, NUM - w->nbufs * w->ndescs,
		       "%s %s: nothing freed", ln, w->what);
	free(g.mem);
}

static void
test_sequential_ids(enum vnet_layout lay)
{
	struct rig g;

	rig_init(&g, lay);
	post(&g, 3, 2, 0);
	TAP_OK(g.ids[0] == 0 && g.ids[1] == 2 && g.ids[2] == 4,
	       "%s in-order: ids are the head slots, in ring order (%u %u %u)",
	       vnet_layout_names[lay], g.ids[0], g.ids[1], g.ids[2]);
	free(g.mem);
}

static void
test_wrap(enum vnet_layout lay)
{
	struct rig g;
	unsigned int round, ok = 1;

	rig_init(&g, lay);
	/* Batches of 3 chains of 2 in a ring of 8: ids and batches wrap. */
	for (round = 0; round < 300 && ok; round++) {
		unsigned int i;
		void *cookie;
		uint32_t len;

		post(&g, 3, 2, 0);
		if (lay == VNET_LAYOUT_PACKED) {
			volatile struct vnet_pdesc *p = &g.r.pdesc[g.dev_slot % NUM];

			p->id = g.ids[2];
			p->len = 0;
			/* The device's wrap counter at the batch start. */
			p->flags = (g.dev_slot / NUM) % 2 == 0 ? WRAP : 0;
			g.dev_slot = (uint16_t)((g.dev_slot + 6) % (2 * NUM));
		} else {
			device_entry(&g, g.ids[2], 0, 3, 2);
		}
		ok &= vnet_vring_used_ready(&g.r, g.k, 32) == 3;
		for (i = 0; i < 3; i++)
			ok &= vnet_vring_get_used(&g.r, g.k, &cookie, &len) &&
			      cookie == &g.cookies[i];
		ok &= g.r.num_free == NUM;
	}
	TAP_OK(ok && !g.r.broken, "%s in-order: 300 batches of 3 chains around a ring of 8 (stopped at %u)",
	       vnet_layout_names[lay], round);
	free(g.mem);
}

/*
 * Split in order: avail slot s holds id s lap after lap while buffers take
 * one descriptor, and is then not stored to again; a chain of two shifts
 * the ids, and every slot is written from there; a chain of NUM brings
 * them back in line. The ring always holds the ids posted.
 */
static void
test_avail_same(void)
{
	struct rig g;
	unsigned int lap, i, wrong = 0;

	rig_init(&g, VNET_LAYOUT_SPLIT);
	for (lap = 0; lap < 5; lap++) {
		/* Laps 2 and 3 start with a chain of 2, then of NUM. */
		uint16_t d = lap == 2 ? 2 : lap == 3 ? NUM : 1;

		if (lap == 1)
			g.r.avail_ring[5] = 0x5555; /* a store would overwrite it */
		for (i = 0; i < NUM; i++) {
			uint16_t slot = vnet_ring_slot(g.r.avail_shadow, NUM);

			g.r.num_free = NUM; /* the device used everything */
			post(&g, 1, i == 0 ? d : 1, 0);
			if (lap == 1 && slot == 5)
				continue;
			wrong += g.r.avail_ring[slot] != g.ids[0];
		}
		if (lap == 1) {
			TAP_EQ(g.r.avail_ring[5], 0x5555, "avail slot 5 not stored to on lap 2");
			g.r.avail_ring[5] = 5;
		}
	}
	TAP_EQ(wrong, 0, "every avail slot holds the id posted into it, across the shifts");
	TAP_EQ(g.r.avail_same, NUM, "back in line: every slot known to hold its index");
	free(g.mem);
}

int
main(void)
{
	size_t i;
	int lay;

	for (lay = 0; lay < VNET_LAYOUT_COUNT; lay++) {
		for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			run_row(&rows[i], (enum vnet_layout)lay);
		test_sequential_ids((enum vnet_layout)lay);
		test_wrap((enum vnet_layout)lay);
	}
	test_avail_same();
	return tap_done();
}
