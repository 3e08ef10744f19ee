/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_RXTX_H
#define VNET_RXTX_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "vnet_virtqueue.h"

/* One burst per ring layout; vnet_burst.c picks them. */
uint16_t vnet_recv_pkts_split(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t vnet_recv_pkts_packed(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t vnet_xmit_pkts_split(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t vnet_xmit_pkts_packed(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* Mergeable rx buffers (vnet_rx_mrg.c); reset drops a packet in progress. */
uint16_t vnet_recv_pkts_mrg_split(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t vnet_recv_pkts_mrg_packed(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
void vnet_rx_mrg_reset(struct vnet_virtqueue *vq);

/* Tx offloads (vnet_tx_offload.c). */
uint16_t vnet_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);
void vnet_tx_ipv4_cksum(struct rte_mbuf *m);

/* Post as many fresh rx buffers as there are free descriptors. */
int vnet_rx_refill(struct vnet_virtqueue *vq);

/* After an rx burst took `taken` used entries: suppress irqs, refill. */
void vnet_rx_burst_end_split(struct vnet_virtqueue *vq, uint16_t taken);
void vnet_rx_burst_end_packed(struct vnet_virtqueue *vq, uint16_t taken);

/* Frame bytes that fit in one rx buffer from this pool. */
uint32_t vnet_rx_buf_capacity(struct rte_mempool *mp);

#endif
