/* SPDX-License-Identifier: BSD-3-Clause */
/* The PMD's side of vnet-doctor: one log line when net_vnet refuses a device. */
#ifndef VNET_DIAGNOSE_H
#define VNET_DIAGNOSE_H

#include <bus_pci_driver.h>

#include "vnet_verdict.h"

/*
 * Decide as vnet-doctor does, with EAL's view of the binding and of IOVA,
 * and log the verdict in one line if the device cannot be used. Returns
 * the problem (VNET_PROBLEM_NONE: nothing logged).
 */
enum vnet_problem vnet_diagnose(const struct rte_pci_device *pci,
				enum vnet_kdrv kdrv);

#endif
