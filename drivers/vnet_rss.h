/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RSS on a virtio-net port: the request checked at configure time against
 * what the device does (vnet_mq.h), dev_infos_get, and the RSS ops.
 */
#ifndef VNET_RSS_H
#define VNET_RSS_H

#include <rte_ethdev.h>

/* dev_configure: accept, accept with one NOTICE, or refuse (-ENOTSUP). */
int vnet_rss_configure(struct rte_eth_dev *dev);
void vnet_rss_infos(const struct rte_eth_dev *dev, struct rte_eth_dev_info *info);

int vnet_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int vnet_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf);
int vnet_reta_update(struct rte_eth_dev *dev,
		     struct rte_eth_rss_reta_entry64 *reta, uint16_t size);
int vnet_reta_query(struct rte_eth_dev *dev,
		    struct rte_eth_rss_reta_entry64 *reta, uint16_t size);

#endif
