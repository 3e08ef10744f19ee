/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Link-state and rx interrupts: the plan of vnet_intr_plan.h applied to
 * the EAL interrupt handle and the device's vector registers.
 */
#ifndef VNET_INTR_H
#define VNET_INTR_H

#include <stdint.h>

struct rte_eth_dev;

/* At probe: learn the MSI-X table; advertise LSC when it can be delivered. */
void vnet_intr_probe(struct rte_eth_dev *dev);
/* dev_configure: refuse (logged) what intr_conf asks and cannot be had. */
int vnet_intr_configure(struct rte_eth_dev *dev);
/* dev_start, after negotiation and before the queues are attached. */
int vnet_intr_start(struct rte_eth_dev *dev);
/* dev_stop, after the device reset. */
void vnet_intr_stop(struct rte_eth_dev *dev);
/* MSI-X vector of virtqueue index (VNET_MSI_NO_VECTOR unless an rx interrupt). */
uint16_t vnet_intr_vq_vector(const struct rte_eth_dev *dev, uint16_t index);

int vnet_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int vnet_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid);

#endif
