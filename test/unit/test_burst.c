/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst selection table (vnet_burst.c), row by row against an
 * expected table written here, with stand-ins for the burst functions.
 */
#include <stddef.h>
#include <string.h>

#include "tap.h"
#include "vnet_burst.h"

#define STUB(name)                                                          \
	uint16_t name(void *q, struct rte_mbuf **p, uint16_t n)             \
	{                                                                   \
		(void)q;                                                    \
		(void)p;                                                    \
		return n;                                                   \
	}
#define STUBS(name) STUB(name##_split) STUB(name##_packed)                  \
	STUB(name##_split_in_order) STUB(name##_packed_in_order)
STUBS(vnet_recv_pkts)
STUBS(vnet_recv_pkts_mrg)
STUBS(vnet_xmit_pkts)

#define S VNET_KIND_SPLIT
#define P VNET_KIND_PACKED
#define SIO VNET_KIND_SPLIT_IN_ORDER
#define PIO VNET_KIND_PACKED_IN_ORDER

static const struct {
	enum vnet_ring_kind kind;
	bool mrg;
	vnet_burst_fn rx, tx;
	const char *what;
} want[] = {
	{ S, false, vnet_recv_pkts_split, vnet_xmit_pkts_split, "split, one buffer per frame" },
	{ S, true, vnet_recv_pkts_mrg_split, vnet_xmit_pkts_split, "split, mergeable rx" },
	{ P, false, vnet_recv_pkts_packed, vnet_xmit_pkts_packed, "packed, one buffer per frame" },
	{ P, true, vnet_recv_pkts_mrg_packed, vnet_xmit_pkts_packed, "packed, mergeable rx" },
	{ SIO, false, vnet_recv_pkts_split_in_order, vnet_xmit_pkts_split_in_order,
	  "split in-order, one buffer per frame" },
	{ SIO, true, vnet_recv_pkts_mrg_split_in_order, vnet_xmit_pkts_split_in_order,
	  "split in-order, mergeable rx" },
	{ PIO, false, vnet_recv_pkts_packed_in_order, vnet_xmit_pkts_packed_in_order,
	  "packed in-order, one buffer per frame" },
	{ PIO, true, vnet_recv_pkts_mrg_packed_in_order, vnet_xmit_pkts_packed_in_order,
	  "packed in-order, mergeable rx" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct vnet_burst_row *b = vnet_burst_pick(want[i].kind, want[i].mrg);

		TAP_OK(b->rx == want[i].rx, "%s: rx burst %s", want[i].what, b->rx_name);
		TAP_OK(b->tx == want[i].tx, "%s: tx burst %s", want[i].what, b->tx_name);
		TAP_OK(b->kind == want[i].kind && b->mrg_rxbuf == want[i].mrg,
		       "%s: the row is for this mode", want[i].what);
	}
	return tap_done();
}
