/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_RXTX_H
#define VNET_RXTX_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "vnet_burst.h"
#include "vnet_virtqueue.h"

/*
 * One burst function per ring kind (vnet_vring_state.h), each the burst
 * body with the kind a constant; vnet_burst.c picks them.
 */
#define VNET_BURSTS(name, body)                                              \
	uint16_t name##_split(void *q, struct rte_mbuf **p, uint16_t n)      \
	{ return body(q, p, n, VNET_KIND_SPLIT); }                           \
	uint16_t name##_packed(void *q, struct rte_mbuf **p, uint16_t n)     \
	{ return body(q, p, n, VNET_KIND_PACKED); }                          \
	uint16_t name##_split_in_order(void *q, struct rte_mbuf **p, uint16_t n) \
	{ return body(q, p, n, VNET_KIND_SPLIT_IN_ORDER); }                  \
	uint16_t name##_packed_in_order(void *q, struct rte_mbuf **p, uint16_t n) \
	{ return body(q, p, n, VNET_KIND_PACKED_IN_ORDER); }

/* Mergeable rx buffers (vnet_rx_mrg.c); reset drops a packet in progress. */
void vnet_rx_mrg_reset(struct vnet_virtqueue *vq);

/* Tx offloads (vnet_tx_offload.c). */
uint16_t vnet_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
void vnet_tx_ipv4_cksum(struct rte_mbuf *m);

/* Post as many fresh rx buffers as there are free descriptors. */
int vnet_rx_refill(struct vnet_virtqueue *vq);

/* After an rx burst took `taken` used entries: suppress irqs, refill. */
void vnet_rx_burst_end(struct vnet_virtqueue *vq, uint16_t taken);

/* Frame bytes that fit in one rx buffer from this pool. */
uint32_t vnet_rx_buf_capacity(struct rte_mempool *mp);

#endif
