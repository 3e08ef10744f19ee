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

#define VNET_ROW_IS_BUILT(y, m, a) +((y) == RTE_VER_YEAR && (m) == RTE_VER_MONTH)
#define VNET_ROW_ABI(y, m, a) +((y) == RTE_VER_YEAR && (m) == RTE_VER_MONTH ? (a) : 0)

_Static_assert((0 VNET_DPDK_RELEASES(VNET_ROW_IS_BUILT)) == 1,
	       "this DPDK release has no row in VNET_DPDK_RELEASES (vnet_version.h): "
	       "build against 22.11, 23.11, 24.11 or 25.11, or add the row");

/* librte_eal.so.<ABI> of the DPDK compiled against. */
#define VNET_BUILT_ABI (0 VNET_DPDK_RELEASES(VNET_ROW_ABI))

#define VNET_BUILT_VERSION                                                    \
	((struct vnet_dpdk_version){ .year = RTE_VER_YEAR,                    \
				     .month = RTE_VER_MONTH,                  \
				     .minor = RTE_VER_MINOR })

#endif
