/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_INDIRECT_MZ_H
#define VNET_INDIRECT_MZ_H

#include <errno.h>

#include <rte_memzone.h>

#include "vnet_indirect.h"

/* Reserve num tables for virtqueue index of port; logs and fails with -ENOMEM. */
int vnet_indirect_create(const char *dev, uint16_t port, uint16_t index,
			 uint16_t num, int socket, const struct rte_memzone **mz,
			 struct vnet_indirect *t);

#endif
