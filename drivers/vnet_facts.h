/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read the verdict's inputs from sysfs and procfs, read-only. Every path
 * is taken below root: "" for the running system, or a captured tree
 * (root/sys/..., root/proc/...) in tests.
 */
#ifndef VNET_FACTS_H
#define VNET_FACTS_H

#include <stddef.h>

#include "vnet_sysfs.h"
#include "vnet_verdict.h"

#define VNET_PCI_DEVICES "/sys/bus/pci/devices"

/* "00:04.0" -> "0000:00:04.0"; -1 if bdf is not a PCI address. */
int vnet_bdf_normalize(const char *bdf, char out[VNET_BDF_LEN]);

/* Map a driver name to what vnet distinguishes; "" is no driver. */
enum vnet_kdrv vnet_kdrv_from_name(const char *driver);

/* Fill dev for one PCI device. Returns 0, or -1 with a reason in err. */
int vnet_facts_device(const char *root, const char *bdf,
		      struct vnet_dev_facts *dev, char *err, size_t errlen);

/* Fill env: IOMMU, noiommu, hugepages, privileges of this process. */
void vnet_facts_env(const char *root, struct vnet_env_facts *env);

/* Whether /sys/kernel/iommu_groups has an entry (EAL's is_iommu_enabled). */
int vnet_facts_iommu_groups(const char *root);

#endif
