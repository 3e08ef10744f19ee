/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What net_vnet reads and changes in the PCI bus's own structures, which
 * are DPDK-internal (driver SDK): the device's fields, and the bus's driver
 * order.
 *
 * net_vnet is offered a virtio-net device before any other PCI driver of
 * the same ids (DPDK's net_virtio), whatever order the plugins loaded in.
 *
 * The PCI bus offers a device to its drivers in registration order, and the
 * first whose probe returns 0 keeps it. A plugin registers when EAL loads
 * it: first the -d files, in command-line order, then the files of the PMD
 * directory (RTE_EAL_PMD_PATH) in readdir() order, which the file system
 * decides (creation order in a small ext4 directory, hash order in a large
 * one). Installed next to net_virtio, net_vnet could come either side of
 * it. So, once registered, it moves every other driver registered before it
 * that matches one of its ids behind it: rte_pci_unregister() and
 * rte_pci_register() append that driver again, keeping their relative order.
 */
#include <string.h>

#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_interrupts.h>
#include <rte_log.h>
#include <bus_pci_driver.h>

#include "vnet_log.h"
#include "vnet_pci.h"

#define VNET_MAX_RIVALS 8

const char *
vnet_pci_name(const struct rte_pci_device *pci)
{
	return pci->name;
}

const char *
vnet_pci_devargs(const struct rte_pci_device *pci)
{
	return pci->device.devargs ? pci->device.devargs->args : NULL;
}

uint16_t
vnet_pci_device_id(const struct rte_pci_device *pci)
{
	return pci->id.device_id;
}

enum vnet_kdrv
vnet_pci_kdrv(const struct rte_pci_device *pci)
{
	switch (pci->kdrv) {
	case RTE_PCI_KDRV_VFIO:
		return VNET_KDRV_VFIO;
	case RTE_PCI_KDRV_IGB_UIO:
		return VNET_KDRV_IGB_UIO;
	case RTE_PCI_KDRV_UIO_GENERIC:
		return VNET_KDRV_UIO_GENERIC;
	case RTE_PCI_KDRV_NONE:
		return VNET_KDRV_NONE;
	default:
		return VNET_KDRV_OTHER;
	}
}

void *
vnet_pci_bar(const struct rte_pci_device *pci, unsigned int bar, uint64_t *len)
{
	if (bar >= PCI_MAX_RESOURCE) {
		*len = 0;
		return NULL;
	}
	*len = pci->mem_resource[bar].len;
	return pci->mem_resource[bar].addr;
}

int
vnet_pci_vfio_fd(const struct rte_pci_device *pci)
{
	return rte_intr_dev_fd_get(pci->intr_handle);
}

RTE_TAILQ_HEAD(vnet_pci_driver_list, rte_pci_driver);

static int
id_matches(const struct rte_pci_id *theirs, const struct rte_pci_id *ours)
{
	return (theirs->vendor_id == RTE_PCI_ANY_ID ||
		theirs->vendor_id == ours->vendor_id) &&
	       (theirs->device_id == RTE_PCI_ANY_ID ||
		theirs->device_id == ours->device_id);
}

static int
claims_our_devices(const struct rte_pci_driver *drv)
{
	const struct rte_pci_id *t, *o;

	/* Another net_vnet (a -d copy and an installed one): the first loaded
	 * is the one asked for by name, keep it first. */
	if (drv->id_table == NULL || (drv->driver.name != NULL &&
	    strcmp(drv->driver.name, vnet_pci_driver.driver.name) == 0))
		return 0;
	for (t = drv->id_table; t->vendor_id != 0; t++)
		for (o = vnet_pci_driver.id_table; o->vendor_id != 0; o++)
			if (id_matches(t, o))
				return 1;
	return 0;
}

void
vnet_pci_go_first(void)
{
	struct rte_pci_driver *rivals[VNET_MAX_RIVALS];
	struct rte_pci_driver *d;
	int n = 0;

	if (vnet_pci_driver.next.tqe_prev == NULL)
		return; /* not registered: nothing to order */
	/* Walk back from our entry; TAILQ_PREV is NULL at the list's head. */
	for (d = TAILQ_PREV(&vnet_pci_driver, vnet_pci_driver_list, next);
	     d != NULL && n < VNET_MAX_RIVALS;
	     d = TAILQ_PREV(d, vnet_pci_driver_list, next))
		if (claims_our_devices(d))
			rivals[n++] = d;
	/* Found last-to-first: append them again first-to-last. */
	while (n-- > 0) {
		rte_pci_unregister(rivals[n]);
		rte_pci_register(rivals[n]);
		rte_log(RTE_LOG_INFO, vnet_logtype,
			"net_vnet: %s was registered first (loaded earlier); moved it behind net_vnet for virtio-net devices\n",
			rivals[n]->driver.name);
	}
}

/* After RTE_PMD_REGISTER_PCI's constructor: those have a priority, this one has none. */
__attribute__((constructor)) static void
vnet_pci_go_first_at_load(void)
{
	vnet_pci_go_first();
}
