/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_BURST_H
#define VNET_BURST_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet_vring_state.h"

struct rte_mbuf;
typedef uint16_t (*vnet_burst_fn)(void *q, struct rte_mbuf **pkts, uint16_t n);

/* The burst functions: one per ring kind (vnet_rxtx.c, vnet_rx_mrg.c, vnet_tx.c). */
#define VNET_BURST_DECLS(name)                                                    \
	uint16_t name##_split(void *q, struct rte_mbuf **p, uint16_t n);          \
	uint16_t name##_packed(void *q, struct rte_mbuf **p, uint16_t n);         \
	uint16_t name##_split_in_order(void *q, struct rte_mbuf **p, uint16_t n); \
	uint16_t name##_packed_in_order(void *q, struct rte_mbuf **p, uint16_t n);
VNET_BURST_DECLS(vnet_recv_pkts)
VNET_BURST_DECLS(vnet_recv_pkts_mrg)
VNET_BURST_DECLS(vnet_xmit_pkts)

struct vnet_burst_row {
	enum vnet_ring_kind kind;
	bool mrg_rxbuf;      /* VIRTIO_NET_F_MRG_RXBUF negotiated */
	vnet_burst_fn rx, tx;
	const char *rx_name, *tx_name;
};

/*
 * The port's rx and tx bursts for its ring kind and rx mode: chosen once
 * at start (and when a secondary attaches), never tested per packet.
 */
const struct vnet_burst_row *vnet_burst_pick(enum vnet_ring_kind kind,
					     bool mrg_rxbuf);

#endif
