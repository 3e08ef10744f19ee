/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-queue extended statistics: rx_q<N>_<name>, then tx_q<N>_<name>. */
#ifndef VNET_XSTATS_H
#define VNET_XSTATS_H

#include <ethdev_driver.h>

int vnet_xstats_get_names(struct rte_eth_dev *dev,
			  struct rte_eth_xstat_name *names, unsigned int size);
int vnet_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		    unsigned int n);

#endif
