/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DPDK this object is compiled against, looked up in the release table
 * (VNET_DPDK_RELEASES in vnet_version.h) by RTE_VERSION. This is the one
 * place drivers/ depends on the DPDK version: what differs between releases
 * is a column of that table, never an #if elsewhere.
 */
#ifndef VNET_COMPAT_H
#define VNET_COMPAT_H

#include <rte_version.h>

#include "vnet_version.h"

#define VNET_ROW_IS(y, m) ((y) == RTE_VER_YEAR && (m) == RTE_VER_MONTH)
#define VNET_ROW_IS_BUILT(y, m, a, q) +VNET_ROW_IS(y, m)
#define VNET_ROW_ABI(y, m, a, q) +(VNET_ROW_IS(y, m) ? (a) : 0)
#define VNET_ROW_QSTATS(y, m, a, q) +(VNET_ROW_IS(y, m) ? (q) : 0)

_Static_assert((0 VNET_DPDK_RELEASES(VNET_ROW_IS_BUILT)) == 1,
	       "this DPDK release has no row in VNET_DPDK_RELEASES (vnet_version.h): "
	       "build against 22.11, 23.11, 24.11 or 25.11, or add the row");

/* librte_eal.so.<ABI> of the DPDK compiled against. */
#define VNET_BUILT_ABI (0 VNET_DPDK_RELEASES(VNET_ROW_ABI))

#define VNET_BUILT_VERSION                                                    \
	((struct vnet_dpdk_version){ .year = RTE_VER_YEAR,                    \
				     .month = RTE_VER_MONTH,                  \
				     .minor = RTE_VER_MINOR })

/*
 * ethdev stats_get: VNET_STATS_GET_PARAMS(dev, stats, qstats) declares the
 * op's parameters; VNET_QUEUE_STATS(stats, qstats) is where the per-queue
 * counters go (q_ipackets[] ...; NULL: not asked for).
 */
#if (0 VNET_DPDK_RELEASES(VNET_ROW_QSTATS))
typedef struct eth_queue_stats vnet_queue_stats_t;
#define VNET_STATS_GET_PARAMS(dev, stats, qstats)                             \
	struct rte_eth_dev *dev, struct rte_eth_stats *stats,                 \
	vnet_queue_stats_t *qstats
#define VNET_QUEUE_STATS(stats, qstats) (qstats)
#else
typedef struct rte_eth_stats vnet_queue_stats_t;
#define VNET_STATS_GET_PARAMS(dev, stats, qstats)                             \
	struct rte_eth_dev *dev, struct rte_eth_stats *stats
#define VNET_QUEUE_STATS(stats, qstats) (stats)
#endif

#endif
