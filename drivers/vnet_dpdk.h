/* SPDX-License-Identifier: BSD-3-Clause */
/* The DPDK the plugin runs in, against the one it was built for. */
#ifndef VNET_DPDK_H
#define VNET_DPDK_H

/*
 * At probe: 0 to go on (same release; another patch release is logged as
 * NOTICE), 1 to decline the device (another release, logged as ERR with
 * what to rebuild against). name is the device's PCI address.
 */
int vnet_dpdk_check(const char *name);

#endif
