/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which DPDK the plugin was built for against which one it runs in.
 * DPDK-free, so the unit tests check every decision here.
 */
#ifndef VNET_VERSION_H
#define VNET_VERSION_H

#include <stddef.h>

/*
 * The DPDK LTS releases this source builds against, and what differs
 * between them (vnet_compat.h turns the columns into code). A new LTS is
 * one row here and its name in meson.build's dpdk_known.
 *
 *   year, month  the release
 *   abi          of its libraries: librte_eal.so.<abi>
 *   qstats       1: ethdev's stats_get op takes the per-queue counters as a
 *                separate struct eth_queue_stats (may be NULL), 0: they are
 *                in struct rte_eth_stats
 */
#define VNET_DPDK_RELEASES(X) \
	/* year month abi qstats */ \
	X(22, 11, 23, 0)         \
	X(23, 11, 24, 0)         \
	X(24, 11, 25, 0)         \
	X(25, 11, 26, 1)

struct vnet_dpdk_version {
	unsigned int year;
	unsigned int month;
	unsigned int minor; /* patch release: 22.11.<minor> */
};

enum vnet_version_verdict {
	VNET_VERSION_SAME,  /* same release and patch level */
	VNET_VERSION_PATCH, /* same release, other patch level: same ABI */
	VNET_VERSION_OTHER, /* other release: internal structures may differ */
};

enum vnet_version_verdict
vnet_version_compare(const struct vnet_dpdk_version *built,
		     const struct vnet_dpdk_version *running);

/* One log line saying what the verdict means and what to do. */
void vnet_version_explain(enum vnet_version_verdict v,
			  const struct vnet_dpdk_version *built,
			  const struct vnet_dpdk_version *running, char *buf,
			  size_t len);

/* "23.11" for ABI 24, NULL for an ABI no row has. */
const char *vnet_dpdk_release_of_abi(unsigned int abi);

/* ABI of an EAL library path (".../librte_eal.so.24[.0]"); -1 if not one. */
int vnet_eal_abi_of(const char *path);

/*
 * The process's EAL (the first one loaded) has ABI "running", the plugin
 * was linked against "built": 0 if they are the same, else one line for
 * stderr naming both DPDKs and what to rebuild against.
 */
int vnet_abi_explain(unsigned int built, unsigned int running, char *buf,
		     size_t len);

#endif
