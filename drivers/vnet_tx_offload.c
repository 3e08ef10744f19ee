/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tx offload requests on the DPDK side: tx_pkt_prepare and the IPv4
 * header checksum the driver computes itself (virtio has no offload for
 * it). The header fields themselves: vnet_offload.c.
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_net.h>
#include <ethdev_driver.h>

#include "vnet_offload.h"
#include "vnet_rxtx.h"

#define VNET_TX_L4_REQ (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)

/* Headers the device or the driver must read live in the first segment. */
static inline bool
headers_in_first_seg(const struct rte_mbuf *m)
{
	uint32_t need = (uint32_t)m->l2_len + m->l3_len +
			((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) ? m->l4_len : 0);

	return m->l2_len != 0 && m->l3_len != 0 && need <= m->data_len;
}

uint16_t
vnet_tx_prepare(void *txq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct vnet_virtqueue *vq = txq;
	uint16_t i;
	int ret;

	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t fl = m->ol_flags;

		if (!(fl & (VNET_TX_L4_REQ | RTE_MBUF_F_TX_IP_CKSUM)))
			continue;
		if (!headers_in_first_seg(m) ||
		    ((fl & RTE_MBUF_F_TX_TCP_SEG) && m->tso_segsz == 0)) {
			rte_errno = EINVAL;
			return i;
		}
		if ((fl & VNET_TX_L4_REQ) && !vq->tx_offload) {
			/* CSUM was not negotiated: enable the offload at configure. */
			rte_errno = ENOTSUP;
			return i;
		}
		/* Pseudo-header sums in the L4 checksum field (§5.1.6.2). */
		ret = rte_net_intel_cksum_prepare(m);
		if (ret != 0) {
			rte_errno = -ret;
			return i;
		}
	}
	return i;
}

void
vnet_tx_ipv4_cksum(struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;

	if (!headers_in_first_seg(m))
		return;
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}
