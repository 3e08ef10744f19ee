/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_RXTX_H
#define VNET_RXTX_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "vnet_virtqueue.h"

uint16_t vnet_recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t vnet_xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* Post as many fresh rx buffers as there are free descriptors. */
int vnet_rx_refill(struct vnet_virtqueue *vq);

/* Frame bytes that fit in one rx buffer from this pool. */
uint32_t vnet_rx_buf_capacity(struct rte_mempool *mp);

#endif
