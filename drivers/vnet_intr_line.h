/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interrupt line itself: the device's MSI-X state as PCI config shows
 * it, and masking, unmasking and acking the line for each kernel driver.
 */
#ifndef VNET_INTR_LINE_H
#define VNET_INTR_LINE_H

#include <stdbool.h>
#include <stdint.h>

struct rte_eth_dev;

#define VNET_MSIX_TABLE_SIZE_MASK 0x7ff

/* MSI-X Message Control; *ok false when there is none or it cannot be read. */
uint16_t vnet_msix_ctrl(struct rte_eth_dev *dev, bool *ok);
/* Re-read whether MSI-X is on; moves the legacy device config with it. */
void vnet_msix_refresh(struct rte_eth_dev *dev);

int vnet_line_enable(struct rte_eth_dev *dev);
void vnet_line_disable(struct rte_eth_dev *dev);
/* After an interrupt was handled: let the next one through. */
void vnet_line_ack(struct rte_eth_dev *dev);

#endif
