/* SPDX-License-Identifier: BSD-3-Clause */
/* The PCI bus as the driver sees it. */
#ifndef VNET_PCI_H
#define VNET_PCI_H

struct rte_pci_driver;

/* net_vnet's PCI driver (vnet_ethdev.c). */
extern struct rte_pci_driver vnet_pci_driver;

/*
 * Move every PCI driver registered before net_vnet that matches one of its
 * ids behind it, keeping their order; runs when the plugin is loaded.
 */
void vnet_pci_go_first(void);

#endif
