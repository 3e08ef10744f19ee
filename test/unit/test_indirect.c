/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Indirect tx descriptors (vnet_indirect.h) on both layouts: when a packet
 * goes indirect (a row each), what the ring slot and the table hold, and
 * that the device's used entry gives the one slot back. ASan and UBSan.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_indirect.h"
#include "vnet_vring.h"

#define NUM 8
#define TABLE_IOVA 0x40000000ull

static const struct {
	bool pool;
	uint32_t need;
	bool indirect;
	const char *what;
} fits[] = {
	{ false, 3, false, "no tables (feature not negotiated): a chain" },
	{ true, 1, false, "one descriptor: straight in the ring" },
	{ true, 2, true, "header and one segment: indirect" },
	{ true, VNET_INDIRECT_MAX, true, "a full table: indirect" },
	{ true, VNET_INDIRECT_MAX + 1, false, "more than a table holds: a chain" },
};

static void
test_fits(void)
{
	static uint8_t tables[NUM * VNET_INDIRECT_TABLE_SIZE];
	size_t i;

	for (i = 0; i < sizeof(fits) / sizeof(fits[0]); i++) {
		struct vnet_indirect t = { fits[i].pool ? tables : NULL, TABLE_IOVA };

		TAP_EQ(vnet_indirect_fits(&t, fits[i].need), fits[i].indirect, "need %u: %s",
		       fits[i].need, fits[i].what);
	}
}

static void
test_layout(enum vnet_layout lay, bool in_order)
{
	const char *ln = vnet_layout_names[lay];
	uint8_t *tables = calloc(NUM, VNET_INDIRECT_TABLE_SIZE);
	struct vnet_indirect t = { tables, TABLE_IOVA };
	struct vnet_desc_extra extra[NUM];
	void *mem = aligned_alloc(4096, 8192);
	struct vnet_vring r;
	enum vnet_ring_kind k;
	struct vnet_chain c;
	uint16_t i, slot;
	uint32_t len;
	void *cookie;
	int token;

	vnet_vring_init_layout(&r, lay, mem, NUM, 4096, extra);
	vnet_vring_set_in_order(&r, in_order);
	k = r.kind;
	slot = r.avail_shadow;
	TAP_OK(vnet_vring_take(&r, k, 1, &c), "%s%s: one slot for a 3-descriptor packet", ln,
	       in_order ? " in-order" : "");
	for (i = 0; i < 3; i++)
		vnet_indirect_set(&t, k, c.id, i, 0x1000u * (i + 1), 100u + i, i == 2);
	vnet_vring_chain_add(&r, k, &c, vnet_indirect_iova(&t, c.id),
			     3 * sizeof(struct vnet_desc), VNET_DESC_F_INDIRECT);
	vnet_vring_post(&r, k, &c, &token, 0);
	vnet_vring_publish(&r, k, false);
	TAP_EQ(r.num_free, NUM - 1, "%s: the packet holds one ring slot", ln);
	if (lay == VNET_LAYOUT_PACKED) {
		const struct vnet_pdesc *e =
			(const struct vnet_pdesc *)(tables + c.id * VNET_INDIRECT_TABLE_SIZE);

		TAP_EQ(r.pdesc[slot].flags, VNET_PDESC_F_AVAIL | VNET_DESC_F_INDIRECT,
		       "%s: ring slot flags AVAIL|INDIRECT, no NEXT", ln);
		TAP_OK(r.pdesc[slot].addr == TABLE_IOVA + c.id * VNET_INDIRECT_TABLE_SIZE &&
		       r.pdesc[slot].len == 48, "%s: ring slot points at the id's table, 3 entries", ln);
		TAP_OK(e[0].addr == 0x1000 && e[2].addr == 0x3000 && e[1].len == 101 &&
		       e[0].flags == 0 && e[1].flags == 0 && e[2].flags == 0,
		       "%s: table entries in order, flags 0 (§2.8.19)", ln);
		/* The device uses it in place. */
		r.pdesc[slot].id = c.id;
		r.pdesc[slot].len = 0;
		r.pdesc[slot].flags = VNET_PDESC_F_AVAIL | VNET_PDESC_F_USED;
	} else {
		const struct vnet_desc *e =
			(const struct vnet_desc *)(tables + c.id * VNET_INDIRECT_TABLE_SIZE);

		TAP_EQ(r.desc[c.id].flags, VNET_DESC_F_INDIRECT, "%s: ring descriptor INDIRECT only", ln);
		TAP_OK(r.desc[c.id].addr == TABLE_IOVA + c.id * VNET_INDIRECT_TABLE_SIZE &&
		       r.desc[c.id].len == 48, "%s: ring descriptor points at the id's table", ln);
		TAP_OK(e[0].flags == VNET_DESC_F_NEXT && e[0].next == 1 &&
		       e[1].flags == VNET_DESC_F_NEXT && e[1].next == 2 && e[2].flags == 0 &&
		       e[2].addr == 0x3000 && e[1].len == 101,
		       "%s: table linked with NEXT 0->1->2, the last without", ln);
		r.used_ring[0].id = c.id;
		r.used_ring[0].len = 0;
		*r.used_idx = 1;
	}
	TAP_OK(vnet_vring_used_ready(&r, k, 8) == 1 && vnet_vring_get_used(&r, k, &cookie, &len) &&
	       cookie == &token && r.num_free == NUM, "%s: used: the slot and the packet come back", ln);
	free(mem);
	free(tables);
}

int
main(void)
{
	test_fits();
	test_layout(VNET_LAYOUT_SPLIT, false);
	test_layout(VNET_LAYOUT_PACKED, false);
	test_layout(VNET_LAYOUT_SPLIT, true);
	test_layout(VNET_LAYOUT_PACKED, true);
	return tap_done();
}
