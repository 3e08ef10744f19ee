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
	uint16_t name(void *q, struct rte_mbuf **p, uint16_t n);            \
	uint16_t name(void *q, struct rte_mbuf **p, uint16_t n)             \
	{                                                                   \
		(void)q;                                                    \
		(void)p;                                                    \
		return n;                                                   \
	}
STUB(vnet_recv_pkts_split)
STUB(vnet_recv_pkts_packed)
STUB(vnet_recv_pkts_mrg_split)
STUB(vnet_recv_pkts_mrg_packed)
STUB(vnet_xmit_pkts_split)
STUB(vnet_xmit_pkts_packed)

static const struct {
	enum vnet_layout layout;
	bool mrg;
	vnet_burst_fn rx, tx;
	const char *what;
} want[] = {
	{ VNET_LAYOUT_SPLIT, false, vnet_recv_pkts_split, vnet_xmit_pkts_split,
	  "split ring, one buffer per frame" },
	{ VNET_LAYOUT_SPLIT, true, vnet_recv_pkts_mrg_split, vnet_xmit_pkts_split,
	  "split ring, mergeable rx buffers" },
	{ VNET_LAYOUT_PACKED, false, vnet_recv_pkts_packed, vnet_xmit_pkts_packed,
	  "packed ring, one buffer per frame" },
	{ VNET_LAYOUT_PACKED, true, vnet_recv_pkts_mrg_packed, vnet_xmit_pkts_packed,
	  "packed ring, mergeable rx buffers" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct vnet_burst_row *b = vnet_burst_pick(want[i].layout, want[i].mrg);

		TAP_OK(b->rx == want[i].rx, "%s: rx burst %s", want[i].what, b->rx_name);
		TAP_OK(b->tx == want[i].tx, "%s: tx burst %s", want[i].what, b->tx_name);
		TAP_OK(b->layout == want[i].layout && b->mrg_rxbuf == want[i].mrg,
		       "%s: the row is for this mode", want[i].what);
	}
	return tap_done();
}
