/* SPDX-License-Identifier: BSD-3-Clause */
/* Queue start/stop, deferred start and queue info (rules: vnet_qstate.h). */
#ifndef VNET_QCTL_H
#define VNET_QCTL_H

#include <ethdev_driver.h>

#include "vnet_qstate.h"

/* dev_start (after the rings are attached) and dev_stop: every queue. */
void vnet_qctl_port_event(struct rte_eth_dev *dev, enum vnet_qevent ev);

int vnet_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int vnet_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int vnet_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int vnet_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
void vnet_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		       struct rte_eth_rxq_info *qinfo);
void vnet_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		       struct rte_eth_txq_info *qinfo);

#endif
