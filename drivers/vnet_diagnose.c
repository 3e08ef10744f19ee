/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_bus_pci.h>
#include <rte_eal.h>

#include "vnet_diagnose.h"
#include "vnet_facts.h"
#include "vnet_log.h"
#include "vnet_pci.h"

/* "" for /sys/bus/pci/devices, or the prefix of a relocated sysfs. */
static void
sysfs_root(char *root, size_t len)
{
	const char *dir = rte_pci_get_sysfs_path();
	size_t n = strlen(dir), k = strlen(VNET_PCI_DEVICES);

	if (n >= k && strcmp(dir + n - k, VNET_PCI_DEVICES) == 0)
		snprintf(root, len, "%.*s", (int)(n - k), dir);
	else
		root[0] = '\0';
}

enum vnet_problem
vnet_diagnose(const struct rte_pci_device *pci, enum vnet_kdrv kdrv)
{
	struct vnet_dev_facts dev;
	struct vnet_env_facts env;
	struct vnet_verdict v;
	const char *name = vnet_pci_name(pci);
	char root[256], err[256], line[1024];

	sysfs_root(root, sizeof(root));
	if (vnet_facts_device(root, name, &dev, err, sizeof(err)) != 0) {
		memset(&dev, 0, sizeof(dev));
		snprintf(dev.bdf, sizeof(dev.bdf), "%s", name);
		dev.device_id = vnet_pci_device_id(pci);
	}
	dev.kdrv = kdrv; /* what EAL saw at scan time */
	vnet_facts_env(root, &env);
	/* EAL has already chosen: without PA, DMA to physical addresses is lost. */
	env.eal_iova_va = rte_eal_iova_mode() == RTE_IOVA_VA;
	vnet_verdict_decide(&dev, &env, &v);
	if (v.vnet.usable)
		return VNET_PROBLEM_NONE;
	vnet_verdict_line(&v, line, sizeof(line));
	if (v.vnet.problem == VNET_PROBLEM_BINDING &&
	    (kdrv == VNET_KDRV_OTHER || kdrv == VNET_KDRV_NONE))
		VNET_LOG(NOTICE, name, "skipped: %s", line);
	else
		VNET_LOG(ERR, name, "%s", line);
	return v.vnet.problem;
}
