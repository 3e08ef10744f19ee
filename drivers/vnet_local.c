/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnet_locals[]: what each process holds of a port for itself (ops, BAR
 * addresses, the legacy window). The BARs come from the PCI bus's mapping,
 * or, for a secondary under uio_pci_generic, from sysfs resource files:
 * uio_pci_generic clears bus mastering whenever a /dev/uioN file is closed
 * (its release hook), so a secondary that opened it (as the PCI bus's
 * mapping does) would stop the primary's DMA when it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <rte_bus_pci.h>
#include <bus_pci_driver.h>

#include "vnet_pci.h"
#include "vnet_transport.h"

struct vnet_local vnet_locals[RTE_MAX_ETHPORTS];

int
vnet_local_map_bus(struct rte_pci_device *pci, struct vnet_hw *hw)
{
	struct vnet_local *l = vnet_local(hw);
	unsigned int i;

	if (rte_pci_map_device(pci) != 0)
		return -EIO;
	l->bus_mapped = true;
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++)
		l->bar[i] = vnet_pci_bar(pci, i, &l->bar_len[i]);
	return 0;
}

int
vnet_local_map_sysfs(struct vnet_hw *hw,
		     const struct vnet_bar bars[VNET_PCI_BAR_COUNT], char *err,
		     size_t errlen)
{
	struct vnet_local *l = vnet_local(hw);
	char path[PATH_MAX];
	unsigned int i;
	void *p;
	int fd;

	l->bars_owned = true;
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++) {
		if (bars[i].kind != VNET_BAR_MMIO || bars[i].len == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/resource%u",
			 rte_pci_get_sysfs_path(), hw->name, i);
		fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
			return -errno;
		}
		p = mmap(NULL, bars[i].len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "cannot map %s (%llu bytes): %s", path,
				 (unsigned long long)bars[i].len, strerror(errno));
			return -ENOMEM;
		}
		l->bar[i] = p;
		l->bar_len[i] = bars[i].len;
	}
	return 0;
}

void
vnet_local_release(struct rte_pci_device *pci, struct vnet_hw *hw)
{
	struct vnet_local *l = vnet_local(hw);
	unsigned int i;

	for (i = 0; l->bars_owned && i < VNET_PCI_BAR_COUNT; i++)
		if (l->bar[i] != NULL)
			munmap(l->bar[i], l->bar_len[i]);
	if (l->bus_mapped)
		rte_pci_unmap_device(pci);
	memset(l, 0, sizeof(*l));
}
