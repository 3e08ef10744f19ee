/* SPDX-License-Identifier: BSD-3-Clause */
/* The indirect tables of a tx queue: one memzone, one table per buffer id. */
#include <stdio.h>

#include <rte_errno.h>
#include <rte_memzone.h>

#include "vnet_indirect_mz.h"
#include "vnet_log.h"

int
vnet_indirect_create(const char *dev, uint16_t port, uint16_t index,
		     uint16_t num, int socket, const struct rte_memzone **mz,
		     struct vnet_indirect *t)
{
	char name[RTE_MEMZONE_NAMESIZE];
	size_t len = (size_t)num * VNET_INDIRECT_TABLE_SIZE;

	snprintf(name, sizeof(name), "vnet_%u_vq%u_ind", port, index);
	*mz = rte_memzone_reserve_aligned(name, len, socket, RTE_MEMZONE_IOVA_CONTIG,
					  RTE_CACHE_LINE_SIZE);
	if (*mz == NULL || (*mz)->iova == RTE_BAD_IOVA) {
		VNET_LOG(ERR, dev,
			 "virtqueue %u: cannot reserve %zu bytes of IOVA-contiguous memory for indirect descriptor tables (%s); check hugepages or use devarg indirect=0",
			 index, len, *mz ? "no IOVA" : rte_strerror(rte_errno));
		rte_memzone_free(*mz);
		*mz = NULL;
		return -ENOMEM;
	}
	t->base = (*mz)->addr;
	t->iova = (*mz)->iova;
	return 0;
}
