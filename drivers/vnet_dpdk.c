/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK the plugin runs in, against the one it was built for: a
 * libc-only check when the plugin is loaded, and the version check at probe.
 */
#define _GNU_SOURCE
#include <link.h>
#include <stdio.h>

#include <rte_version.h>

#include "vnet_compat.h"
#include "vnet_dpdk.h"
#include "vnet_log.h"

static int
first_eal(struct dl_phdr_info *info, size_t size, void *arg)
{
	int abi = vnet_eal_abi_of(info->dlpi_name);

	(void)size;
	if (abi < 0)
		return 0;
	*(int *)arg = abi;
	return 1; /* objects are listed in load order: the application's first */
}

/*
 * A plugin built for another LTS pulls its own EAL into the process (a
 * different librte_eal.so.<ABI>), whose constructors corrupt the
 * application's EAL; EAL then stops with an unrelated error ("Cannot init
 * trace") and no DPDK log names the cause. This runs when the plugin is
 * loaded, after those constructors and before EAL gets there, using only
 * libc because the DPDK symbols it could call belong to the wrong EAL.
 */
__attribute__((constructor)) static void
vnet_abi_guard(void)
{
	char line[512];
	int abi = -1;

	dl_iterate_phdr(first_eal, &abi);
	if (abi >= 0 && vnet_abi_explain(VNET_BUILT_ABI, (unsigned int)abi, line,
					 sizeof(line)) != 0)
		fprintf(stderr, "%s\n", line);
}

int
vnet_dpdk_check(const char *name)
{
	const struct vnet_dpdk_version built = VNET_BUILT_VERSION;
	const struct vnet_dpdk_version running = {
		.year = rte_version_year(),
		.month = rte_version_month(),
		.minor = rte_version_minor(),
	};
	enum vnet_version_verdict v = vnet_version_compare(&built, &running);
	char line[384];

	vnet_version_explain(v, &built, &running, line, sizeof(line));
	switch (v) {
	case VNET_VERSION_SAME:
		return 0;
	case VNET_VERSION_PATCH:
		VNET_LOG(NOTICE, name, "%s", line);
		return 0;
	case VNET_VERSION_OTHER:
	default:
		VNET_LOG(ERR, name, "%s", line);
		return 1;
	}
}
