/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Multiqueue: which virtqueue serves which ethdev queue, and what an RSS
 * request becomes on a device that steers flows itself. Pure, no DPDK: the
 * decision table is unit-tested row by row.
 */
#ifndef VNET_MQ_H
#define VNET_MQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* rxq i is virtqueue 2i, txq i is 2i+1 (virtio 1.2 §5.1.2). */
static inline uint16_t
vnet_mq_rx_vq(uint16_t q)
{
	return (uint16_t)(2 * q);
}

static inline uint16_t
vnet_mq_tx_vq(uint16_t q)
{
	return (uint16_t)(2 * q + 1);
}

/*
 * The control queue comes after every queue pair the device has: index
 * 2 * max_virtqueue_pairs with VIRTIO_NET_F_MQ, else 2 (virtio 1.2 §5.1.2).
 */
static inline uint16_t
vnet_mq_ctrl_vq(bool mq, uint16_t dev_max_pairs)
{
	return mq ? (uint16_t)(2 * dev_max_pairs) : 2;
}

/* What an application's rx multiqueue request asks for. */
struct vnet_rss_request {
	int mq_mode;        /* rte_eth_rx_mq_mode value */
	uint16_t nb_rxq;
	bool has_key;       /* rss_conf.rss_key != NULL */
	bool reta;          /* a RETA update */
	uint64_t rss_hf;
};

/* What the device can do. */
struct vnet_rss_device {
	bool mq;            /* VIRTIO_NET_F_MQ negotiated */
	bool rss;           /* VIRTIO_NET_F_RSS negotiated */
};

enum vnet_rss_verdict {
	VNET_RSS_ACCEPT = 0,     /* nothing to say */
	VNET_RSS_ACCEPT_NOTICE,  /* accepted; the device steers flows itself */
	VNET_RSS_REFUSE,
};

/* mq_mode values used (rte_ethdev.h keeps these stable). */
#define VNET_MQ_RX_NONE 0
#define VNET_MQ_RX_RSS_FLAG 1

/*
 * The decision: accept, accept and say what the device does, or refuse
 * with why and what to do (msg, also for a NOTICE).
 */
enum vnet_rss_verdict vnet_rss_decide(const struct vnet_rss_request *req,
				      const struct vnet_rss_device *dev,
				      char *msg, size_t len);

#endif
