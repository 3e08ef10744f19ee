/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdio.h>

#include "vnet_mq.h"

/*
 * What a flow meets without VIRTIO_NET_F_RSS: the device alone picks the rx
 * queue of each packet. The driver cannot hash or move anything, so only a
 * request that leaves the choice to the device can be honoured.
 */
#define DEVICE_STEERS                                                                     \
	"the device does not offer VIRTIO_NET_F_RSS, so the device itself picks each packet's rx queue among the %u enabled: " \
	"a vhost-user backend delivers on the queue its sender used (DPDK vhost: the rx queue of the backend's tx queue; OVS: one queue per flow), " \
	"QEMU's own and vhost-net backends steer by flow; no hash key, RETA or hash types apply and mbufs carry no RSS hash"

enum vnet_rss_verdict
vnet_rss_decide(const struct vnet_rss_request *req,
		const struct vnet_rss_device *dev, char *msg, size_t len)
{
	if (len > 0)
		msg[0] = '\0';
	if (req->mq_mode == VNET_MQ_RX_NONE && !req->reta)
		return VNET_RSS_ACCEPT;
	if (req->mq_mode != VNET_MQ_RX_NONE && req->mq_mode != VNET_MQ_RX_RSS_FLAG) {
		snprintf(msg, len,
			 "rx mq_mode %d requested; virtio-net has no DCB or VMDq: use RTE_ETH_MQ_RX_RSS or RTE_ETH_MQ_RX_NONE",
			 req->mq_mode);
		return VNET_RSS_REFUSE;
	}
	if (dev->rss) {
		/* Not reached: VIRTIO_NET_F_RSS is never negotiated yet. */
		snprintf(msg, len, "VIRTIO_NET_F_RSS configuration is not implemented; use RTE_ETH_MQ_RX_NONE");
		return VNET_RSS_REFUSE;
	}
	if (req->has_key) {
		snprintf(msg, len,
			 "an RSS hash key was given, which cannot be honoured: %s; pass rss_key=NULL (hash_key_size is 0)",
			 dev->mq ? "the device does not offer VIRTIO_NET_F_RSS" :
				   "the device has one queue pair and no VIRTIO_NET_F_RSS");
		return VNET_RSS_REFUSE;
	}
	if (req->reta) {
		snprintf(msg, len,
			 "a RETA update cannot be honoured: the device does not offer VIRTIO_NET_F_RSS and picks rx queues itself (reta_size is 0); leave the RETA alone");
		return VNET_RSS_REFUSE;
	}
	if (req->nb_rxq <= 1)
		return VNET_RSS_ACCEPT; /* one queue: nothing to spread */
	if (!dev->mq) {
		snprintf(msg, len,
			 "RSS over %u rx queues requested but the device has no VIRTIO_NET_F_MQ (one queue pair); configure one rx queue",
			 req->nb_rxq);
		return VNET_RSS_REFUSE;
	}
	snprintf(msg, len, "RSS requested (rss_hf 0x%" PRIx64 ") over %u rx queues; " DEVICE_STEERS,
		 req->rss_hf, req->nb_rxq, req->nb_rxq);
	return VNET_RSS_ACCEPT_NOTICE;
}
