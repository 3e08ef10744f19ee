/* SPDX-License-Identifier: BSD-3-Clause */
/* Build-time against run-time DPDK: the decisions, without DPDK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_version.h"

static const struct {
	unsigned int year, month, abi;
	const char *name;
} releases[] = {
#define VNET_RELEASE_ROW(y, m, a, qstats) { (y), (m), (a), #y "." #m },
	VNET_DPDK_RELEASES(VNET_RELEASE_ROW)
#undef VNET_RELEASE_ROW
};

enum vnet_version_verdict
vnet_version_compare(const struct vnet_dpdk_version *built,
		     const struct vnet_dpdk_version *running)
{
	if (built->year != running->year || built->month != running->month)
		return VNET_VERSION_OTHER;
	if (built->minor != running->minor)
		return VNET_VERSION_PATCH;
	return VNET_VERSION_SAME;
}

void
vnet_version_explain(enum vnet_version_verdict v,
		     const struct vnet_dpdk_version *built,
		     const struct vnet_dpdk_version *running, char *buf,
		     size_t len)
{
	switch (v) {
	case VNET_VERSION_SAME:
		snprintf(buf, len, "built for and running in DPDK %02u.%02u.%u",
			 built->year, built->month, built->minor);
		break;
	case VNET_VERSION_PATCH:
		snprintf(buf, len,
			 "built for DPDK %02u.%02u.%u, running in %02u.%02u.%u: same ABI, continuing; rebuild against %02u.%02u.%u when convenient",
			 built->year, built->month, built->minor, running->year,
			 running->month, running->minor, running->year,
			 running->month, running->minor);
		break;
	case VNET_VERSION_OTHER:
	default:
		snprintf(buf, len,
			 "built for DPDK %02u.%02u.%u but running in DPDK %02u.%02u.%u, whose driver structures may differ: not probing; rebuild vnet against DPDK %02u.%02u (meson setup -Ddpdk=<its version or prefix>)",
			 built->year, built->month, built->minor, running->year,
			 running->month, running->minor, running->year,
			 running->month);
		break;
	}
}

const char *
vnet_dpdk_release_of_abi(unsigned int abi)
{
	size_t i;

	for (i = 0; i < sizeof(releases) / sizeof(releases[0]); i++)
		if (releases[i].abi == abi)
			return releases[i].name;
	return NULL;
}

int
vnet_eal_abi_of(const char *path)
{
	static const char stem[] = "librte_eal.so.";
	const char *base = strrchr(path, '/');
	char *end;
	long abi;

	base = base ? base + 1 : path;
	if (strncmp(base, stem, sizeof(stem) - 1) != 0)
		return -1;
	base += sizeof(stem) - 1;
	if (*base < '0' || *base > '9')
		return -1;
	abi = strtol(base, &end, 10);
	if ((*end != '\0' && *end != '.') || abi > 1000)
		return -1;
	return (int)abi;
}

int
vnet_abi_explain(unsigned int built, unsigned int running, char *buf,
		 size_t len)
{
	const char *b = vnet_dpdk_release_of_abi(built);
	const char *r = vnet_dpdk_release_of_abi(running);

	if (built == running)
		return 0;
	snprintf(buf, len,
		 "net_vnet: this plugin was built for DPDK %s (librte_eal.so.%u) but the application runs DPDK %s (librte_eal.so.%u); rebuild vnet against the application's DPDK (meson setup -Ddpdk=<its version or prefix>)",
		 b ? b : "?", built, r ? r : "of another ABI", running);
	return 1;
}
