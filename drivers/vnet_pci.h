/* SPDX-License-Identifier: BSD-3-Clause */
/* The PCI bus as the driver sees it. */
#ifndef VNET_PCI_H
#define VNET_PCI_H

#include <stdint.h>

#include "vnet_io.h"

struct rte_pci_device;
struct rte_pci_driver;

/*
 * struct rte_pci_device is DPDK-internal (driver SDK): every field net_vnet
 * reads goes through these, so a layout change is one file to adapt.
 */
const char *vnet_pci_name(const struct rte_pci_device *pci);     /* "0000:00:04.0" */
const char *vnet_pci_devargs(const struct rte_pci_device *pci);  /* NULL: none */
uint16_t vnet_pci_device_id(const struct rte_pci_device *pci);
enum vnet_kdrv vnet_pci_kdrv(const struct rte_pci_device *pci);
/* Where the PCI bus mapped BAR bar (NULL: not mapped); *len its length. */
void *vnet_pci_bar(const struct rte_pci_device *pci, unsigned int bar, uint64_t *len);
/* The vfio device fd (vfio-pci only). */
int vnet_pci_vfio_fd(const struct rte_pci_device *pci);

/* net_vnet's PCI driver (vnet_ethdev.c). */
extern struct rte_pci_driver vnet_pci_driver;

/*
 * Move every PCI driver registered before net_vnet that matches one of its
 * ids behind it, keeping their order; runs when the plugin is loaded.
 */
void vnet_pci_go_first(void);

#endif
