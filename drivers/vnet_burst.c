/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "vnet_burst.h"

#define ROW(kind, mrg, rx, tx) { kind, mrg, rx, tx, #rx, #tx }

/* One row per (ring kind, mergeable rx); tx depends on the kind only. */
static const struct vnet_burst_row rows[] = {
	ROW(VNET_KIND_SPLIT, false, vnet_recv_pkts_split, vnet_xmit_pkts_split),
	ROW(VNET_KIND_SPLIT, true, vnet_recv_pkts_mrg_split, vnet_xmit_pkts_split),
	ROW(VNET_KIND_PACKED, false, vnet_recv_pkts_packed, vnet_xmit_pkts_packed),
	ROW(VNET_KIND_PACKED, true, vnet_recv_pkts_mrg_packed, vnet_xmit_pkts_packed),
	ROW(VNET_KIND_SPLIT_IN_ORDER, false, vnet_recv_pkts_split_in_order,
	    vnet_xmit_pkts_split_in_order),
	ROW(VNET_KIND_SPLIT_IN_ORDER, true, vnet_recv_pkts_mrg_split_in_order,
	    vnet_xmit_pkts_split_in_order),
	ROW(VNET_KIND_PACKED_IN_ORDER, false, vnet_recv_pkts_packed_in_order,
	    vnet_xmit_pkts_packed_in_order),
	ROW(VNET_KIND_PACKED_IN_ORDER, true, vnet_recv_pkts_mrg_packed_in_order,
	    vnet_xmit_pkts_packed_in_order),
};

const struct vnet_burst_row *
vnet_burst_pick(enum vnet_ring_kind kind, bool mrg_rxbuf)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].kind == kind && rows[i].mrg_rxbuf == mrg_rxbuf)
			return &rows[i];
	return &rows[0]; /* unreachable: every combination has a row */
}
