/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vnet in a secondary process: it attaches to the port the primary set
 * up, maps the device for itself (vnet_local) and may poll the queues and
 * read stats; configuration stays with the primary.
 */
#ifndef VNET_SECONDARY_H
#define VNET_SECONDARY_H

#include <ethdev_driver.h>

/*
 * Attach: check the primary's port is ours, map the device, install the
 * secondary's ops (built from the primary's). 0 or -errno, logged.
 */
int vnet_secondary_init(struct rte_eth_dev *dev,
			const struct eth_dev_ops *primary_ops);

/* Release what this process mapped; the device is left alone. */
int vnet_secondary_close(struct rte_eth_dev *dev);

#endif
