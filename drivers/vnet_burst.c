/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "vnet_burst.h"

/* The burst functions (vnet_rxtx.c, vnet_rx_mrg.c). */
uint16_t vnet_recv_pkts_split(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vnet_recv_pkts_packed(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vnet_recv_pkts_mrg_split(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vnet_recv_pkts_mrg_packed(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vnet_xmit_pkts_split(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t vnet_xmit_pkts_packed(void *q, struct rte_mbuf **pkts, uint16_t n);

#define ROW(lay, mrg, rx, tx) { lay, mrg, rx, tx, #rx, #tx }

/* One row per (layout, mergeable rx); the tx burst depends on the layout only. */
static const struct vnet_burst_row rows[] = {
	ROW(VNET_LAYOUT_SPLIT, false, vnet_recv_pkts_split, vnet_xmit_pkts_split),
	ROW(VNET_LAYOUT_SPLIT, true, vnet_recv_pkts_mrg_split, vnet_xmit_pkts_split),
	ROW(VNET_LAYOUT_PACKED, false, vnet_recv_pkts_packed, vnet_xmit_pkts_packed),
	ROW(VNET_LAYOUT_PACKED, true, vnet_recv_pkts_mrg_packed, vnet_xmit_pkts_packed),
};

const struct vnet_burst_row *
vnet_burst_pick(enum vnet_layout layout, bool mrg_rxbuf)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].layout == layout && rows[i].mrg_rxbuf == mrg_rxbuf)
			return &rows[i];
	return &rows[0]; /* unreachable: every combination has a row */
}
