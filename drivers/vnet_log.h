/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_LOG_H
#define VNET_LOG_H

#include <rte_log.h>

extern int vnet_logtype;

/* Every line names the device (PCI address) it is about. */
#define VNET_LOG(level, devname, fmt, ...)                                \
	rte_log(RTE_LOG_##level, vnet_logtype, "net_vnet %s: " fmt "\n",  \
		(devname), ##__VA_ARGS__)

#endif
