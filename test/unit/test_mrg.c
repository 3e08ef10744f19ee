/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mergeable rx framing (vnet_mrg.h): each row is a stream of used buffers
 * (len, and num_buffers when the buffer starts a packet) and the verdict,
 * frame bytes and drop reason each one must give. Malformed streams from
 * a hostile device are rows too; under ASan and UBSan.
 */
#include <stdio.h>

#include "tap.h"
#include "vnet_mrg.h"

#define H 12 /* header with num_buffers (virtio 1.2 §5.1.6) */
#define MAXB 10

struct buf {
	uint32_t len;
	uint16_t num_buffers;          /* read only at a packet's head */
	enum vnet_mrg_verdict verdict;
	uint32_t seg_len;              /* frame bytes, for APPEND/DONE */
	enum vnet_mrg_reason reason;   /* for DROPPED/FAULT */
};

static const struct {
	const char *name;
	uint16_t ring;
	uint32_t max_frame;
	unsigned int n;
	struct buf b[MAXB];
} rows[] = {
	{ "one buffer, one packet", 256, 9728, 1,
	  { { H + 60, 1, VNET_MRG_DONE, 60, 0 } } },
	{ "9000-byte frame in five 2 KB buffers", 256, 9728, 5,
	  { { H + 2048, 5, VNET_MRG_APPEND, 2048, 0 },
	    { 2060, 0, VNET_MRG_APPEND, 2060, 0 },
	    { 2060, 0, VNET_MRG_APPEND, 2060, 0 },
	    { 2060, 0, VNET_MRG_APPEND, 2060, 0 },
	    { 772, 0, VNET_MRG_DONE, 772, 0 } } },
	{ "two packets back to back", 256, 9728, 3,
	  { { H + 100, 2, VNET_MRG_APPEND, 100, 0 },
	    { 50, 0, VNET_MRG_DONE, 50, 0 },
	    { H + 64, 1, VNET_MRG_DONE, 64, 0 } } },
	{ "num_buffers equal to the ring size", 4, 9728, 4,
	  { { H + 100, 4, VNET_MRG_APPEND, 100, 0 },
	    { 100, 0, VNET_MRG_APPEND, 100, 0 },
	    { 100, 0, VNET_MRG_APPEND, 100, 0 },
	    { 100, 0, VNET_MRG_DONE, 100, 0 } } },
	{ "num_buffers 0 breaks the ring", 256, 9728, 1,
	  { { H + 60, 0, VNET_MRG_FAULT, 0, VNET_MRG_BAD_NUM } } },
	{ "num_buffers above the ring size breaks the ring", 4, 9728, 1,
	  { { H + 60, 5, VNET_MRG_FAULT, 0, VNET_MRG_BAD_NUM } } },
	{ "num_buffers 65535 breaks the ring", 256, 9728, 1,
	  { { H + 60, 65535, VNET_MRG_FAULT, 0, VNET_MRG_BAD_NUM } } },
	{ "runt head: dropped alone, the next buffer is a head", 256, 9728, 2,
	  { { H + 13, 3, VNET_MRG_DROPPED, 0, VNET_MRG_RUNT },
	    { H + 64, 1, VNET_MRG_DONE, 64, 0 } } },
	{ "head shorter than the header is a runt", 256, 9728, 1,
	  { { 5, 1, VNET_MRG_DROPPED, 0, VNET_MRG_RUNT } } },
	{ "zero-length buffer drops the packet, framing kept", 256, 9728, 4,
	  { { H + 2048, 3, VNET_MRG_APPEND, 2048, 0 },
	    { 0, 0, VNET_MRG_DISCARD, 0, 0 },
	    { 100, 0, VNET_MRG_DROPPED, 0, VNET_MRG_ZERO_LEN },
	    { H + 64, 1, VNET_MRG_DONE, 64, 0 } } },
	{ "zero-length last buffer", 256, 9728, 2,
	  { { H + 2048, 2, VNET_MRG_APPEND, 2048, 0 },
	    { 0, 0, VNET_MRG_DROPPED, 0, VNET_MRG_ZERO_LEN } } },
	{ "frame above max_frame: dropped, framing kept", 256, 4000, 4,
	  { { H + 2048, 3, VNET_MRG_APPEND, 2048, 0 },
	    { 2060, 0, VNET_MRG_DISCARD, 0, 0 },
	    { 100, 0, VNET_MRG_DROPPED, 0, VNET_MRG_TOO_LONG },
	    { H + 64, 1, VNET_MRG_DONE, 64, 0 } } },
	{ "one buffer above max_frame (no scatter)", 256, 2048, 1,
	  { { H + 2049, 1, VNET_MRG_DROPPED, 0, VNET_MRG_TOO_LONG } } },
	{ "frame of exactly max_frame", 256, 4108, 2,
	  { { H + 2048, 2, VNET_MRG_APPEND, 2048, 0 },
	    { 2060, 0, VNET_MRG_DONE, 2060, 0 } } },
};

static const char *const verdict_names[VNET_MRG_VERDICT_COUNT] = {
	"APPEND", "DONE", "DISCARD", "DROPPED", "FAULT",
};

static void
run_row(unsigned int r)
{
	struct vnet_mrg s = { 0 };
	uint32_t total = 0;
	unsigned int i;

	for (i = 0; i < rows[r].n; i++) {
		const struct buf *b = &rows[r].b[i];
		struct vnet_mrg_seg seg;
		uint16_t nb = vnet_mrg_at_head(&s) ? b->num_buffers : 0xdead;
		enum vnet_mrg_verdict v;

		v = vnet_mrg_next(&s, b->len, nb, H, rows[r].ring,
				  rows[r].max_frame, &seg);
		TAP_OK(v == b->verdict, "%s: buffer %u is %s", rows[r].name, i,
		       verdict_names[b->verdict]);
		if (v != b->verdict)
			printf("#   got %s\n", v < VNET_MRG_VERDICT_COUNT ?
			       verdict_names[v] : "?");
		if (v == VNET_MRG_APPEND || v == VNET_MRG_DONE) {
			TAP_EQ(seg.len, b->seg_len, "%s: buffer %u frame bytes",
			       rows[r].name, i);
			TAP_EQ(seg.off, total == 0 ? H : 0,
			       "%s: buffer %u skips the header only at the head",
			       rows[r].name, i);
			total += seg.len;
		}
		if (v == VNET_MRG_DONE)
			total = 0;
		if (v == VNET_MRG_DROPPED || v == VNET_MRG_FAULT) {
			TAP_EQ(s.reason, b->reason, "%s: buffer %u reason %s",
			       rows[r].name, i, vnet_mrg_reason_names[b->reason]);
			total = 0;
		}
		if (v == VNET_MRG_FAULT)
			return;
	}
	TAP_OK(vnet_mrg_at_head(&s), "%s: no packet left in progress",
	       rows[r].name);
}

/* A packet split across bursts keeps its state; reset forgets it. */
static void
test_reset(void)
{
	struct vnet_mrg s = { 0 };
	struct vnet_mrg_seg seg;

	TAP_EQ(vnet_mrg_next(&s, H + 100, 3, H, 256, 9728, &seg), VNET_MRG_APPEND,
	       "first of three buffers");
	TAP_OK(!vnet_mrg_at_head(&s), "a packet is in progress");
	vnet_mrg_reset(&s);
	TAP_OK(vnet_mrg_at_head(&s), "reset: the next buffer is a head");
	TAP_EQ(vnet_mrg_next(&s, H + 100, 1, H, 256, 9728, &seg), VNET_MRG_DONE,
	       "after reset a one-buffer packet is complete");
}

/*
 * The inline single-buffer path decides exactly as the classifier: where
 * it takes a buffer, vnet_mrg_next() says DONE with the same frame bytes;
 * where it declines, the classifier is asked (and is never bypassed).
 */
static void
test_single_agrees(void)
{
	static const uint32_t lens[] = { 0, 1, H, H + 13, H + 14, H + 15, H + 64,
					 H + 1514, H + 1515, H + 9000, 65535 };
	static const uint16_t nbufs[] = { 0, 1, 2, 256, 257 };
	static const uint32_t maxes[] = { 14, 1514, 9000 };
	unsigned int i, j, k, bad = 0, taken = 0;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		for (j = 0; j < sizeof(nbufs) / sizeof(nbufs[0]); j++)
			for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
				struct vnet_mrg s = { 0 };
				struct vnet_mrg_seg seg;
				uint32_t f = vnet_mrg_single(lens[i], nbufs[j], H,
							     maxes[k]);
				enum vnet_mrg_verdict v = vnet_mrg_next(
					&s, lens[i], nbufs[j], H, 256, maxes[k], &seg);

				if (f == 0)
					continue;
				taken++;
				if (v != VNET_MRG_DONE || seg.len != f || seg.off != H ||
				    !vnet_mrg_at_head(&s)) {
					bad++;
					printf("# len %u num_buffers %u max %u: single %u, next %s len %u\n",
					       lens[i], nbufs[j], maxes[k], f,
					       verdict_names[v], seg.len);
				}
			}
	TAP_EQ(bad, 0, "single-buffer fast path agrees with vnet_mrg_next");
	TAP_OK(taken > 10, "the fast path took %u of the swept buffers", taken);
	TAP_EQ(vnet_mrg_single(H + 64, 2, H, 9000), 0, "two buffers: not single");
	TAP_EQ(vnet_mrg_single(H + 13, 1, H, 9000), 0, "a runt: not single");
	TAP_EQ(vnet_mrg_single(H + 1515, 1, H, 1514), 0, "too long: not single");
	TAP_EQ(vnet_mrg_single(H + 64, 1, H, 9000), 64, "64-byte frame: single");
}

int
main(void)
{
	unsigned int r;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		run_row(r);
	test_reset();
	test_single_agrees();
	return tap_done();
}
