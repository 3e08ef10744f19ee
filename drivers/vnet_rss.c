/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <ethdev_driver.h>

#include "vnet_hw.h"
#include "vnet_log.h"
#include "vnet_mq.h"
#include "vnet_rss.h"
#include "vnet_spec.h"

/*
 * Hash types an application may ask for. Without VIRTIO_NET_F_RSS none is
 * computed by anyone we control: the device picks the rx queue (see the
 * NOTICE); advertising them lets the request reach the decision below
 * instead of failing in ethdev. No key and no RETA: both sizes are 0.
 */
#define VNET_RSS_ACCEPTED_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)

_Static_assert(RTE_ETH_MQ_RX_NONE == VNET_MQ_RX_NONE &&
	       RTE_ETH_MQ_RX_RSS == VNET_MQ_RX_RSS_FLAG, "mq_mode values");

static struct vnet_rss_device
device_of(const struct vnet_hw *hw)
{
	return (struct vnet_rss_device){
		.mq = hw->max_queue_pairs > 1,
		.rss = false, /* VIRTIO_NET_F_RSS is not negotiated */
	};
}

/* quiet: the NOTICE was given at configure time; say it once. */
static int
decide(struct rte_eth_dev *dev, const struct vnet_rss_request *req,
       const char *what, bool quiet)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_rss_device d = device_of(hw);
	char msg[640];

	switch (vnet_rss_decide(req, &d, msg, sizeof(msg))) {
	case VNET_RSS_ACCEPT:
		return 0;
	case VNET_RSS_ACCEPT_NOTICE:
		if (!quiet)
			VNET_LOG(NOTICE, hw->name, "port %u: %s", hw->port_id, msg);
		return 0;
	default:
		VNET_LOG(ERR, hw->name, "port %u: %s: %s", hw->port_id, what, msg);
		return -ENOTSUP;
	}
}

int
vnet_rss_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	struct vnet_rss_request req = {
		.mq_mode = (int)conf->rxmode.mq_mode,
		.nb_rxq = dev->data->nb_rx_queues,
		.has_key = conf->rx_adv_conf.rss_conf.rss_key != NULL,
		.rss_hf = conf->rx_adv_conf.rss_conf.rss_hf,
	};

	return decide(dev, &req, "rte_eth_dev_configure", false);
}

void
vnet_rss_infos(const struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	const struct vnet_hw *hw = dev->data->dev_private;

	info->hash_key_size = 0;
	info->reta_size = 0;
	info->flow_type_rss_offloads = hw->max_queue_pairs > 1 ? VNET_RSS_ACCEPTED_HF : 0;
}

int
vnet_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct vnet_rss_request req = {
		.mq_mode = VNET_MQ_RX_RSS_FLAG,
		.nb_rxq = dev->data->nb_rx_queues,
		.has_key = conf->rss_key != NULL,
		.rss_hf = conf->rss_hf,
	};
	int ret = decide(dev, &req, "rte_eth_dev_rss_hash_update", true);

	if (ret == 0)
		dev->data->dev_conf.rx_adv_conf.rss_conf.rss_hf = conf->rss_hf;
	return ret;
}

int
vnet_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	conf->rss_hf = dev->data->dev_conf.rx_adv_conf.rss_conf.rss_hf;
	conf->rss_key_len = 0; /* no key: nothing copied into conf->rss_key */
	return 0;
}

int
vnet_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
		 uint16_t size)
{
	struct vnet_rss_request req = {
		.mq_mode = VNET_MQ_RX_RSS_FLAG,
		.nb_rxq = dev->data->nb_rx_queues,
		.reta = true,
	};

	RTE_SET_USED(reta);
	RTE_SET_USED(size);
	return decide(dev, &req, "rte_eth_dev_rss_reta_update", false);
}

int
vnet_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *reta,
		uint16_t size)
{
	struct vnet_hw *hw = dev->data->dev_private;

	RTE_SET_USED(reta);
	VNET_LOG(ERR, hw->name,
		 "port %u: RETA query of %u entries: there is no RETA, the device picks rx queues itself (reta_size 0)",
		 hw->port_id, size);
	return -ENOTSUP;
}
