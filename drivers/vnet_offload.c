/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "vnet_offload.h"

/* csum_offset from the start of the L4 header (RFC 793, RFC 768). */
#define VNET_TCP_CSUM_OFF 16
#define VNET_UDP_CSUM_OFF 6

static inline int
has(uint64_t features, unsigned int bit)
{
	return (features & VNET_BIT(bit)) != 0;
}

uint64_t
vnet_offload_rx_capa(uint64_t f)
{
	uint64_t capa = 0;

	if (has(f, VNET_F_MRG_RXBUF))
		capa |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (has(f, VNET_F_GUEST_CSUM)) {
		capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
		/*
		 * GUEST_TSO needs GUEST_CSUM (virtio 1.2 §5.1.3.1); 64 KB
		 * frames need mergeable buffers, as rx posts one mbuf each.
		 */
		if (has(f, VNET_F_GUEST_TSO4) && has(f, VNET_F_GUEST_TSO6) &&
		    has(f, VNET_F_MRG_RXBUF))
			capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	}
	return capa;
}

uint64_t
vnet_offload_tx_capa(uint64_t f)
{
	/* The IPv4 header checksum is ours, whatever the device offers. */
	uint64_t capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;

	if (has(f, VNET_F_CSUM)) {
		capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		if (has(f, VNET_F_HOST_TSO4) || has(f, VNET_F_HOST_TSO6))
			capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	}
	return capa;
}

uint64_t
vnet_offload_features(uint64_t rx, uint64_t tx)
{
	uint64_t f = 0;

	if (rx & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM))
		f |= VNET_BIT(VNET_F_GUEST_CSUM);
	if (rx & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		f |= VNET_BIT(VNET_F_GUEST_CSUM) | VNET_BIT(VNET_F_GUEST_TSO4) |
		     VNET_BIT(VNET_F_GUEST_TSO6);
	if (tx & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM))
		f |= VNET_BIT(VNET_F_CSUM);
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		f |= VNET_BIT(VNET_F_CSUM) | VNET_BIT(VNET_F_HOST_TSO4) |
		     VNET_BIT(VNET_F_HOST_TSO6);
	return f;
}

void
vnet_offload_tx_hdr(struct vnet_net_hdr *h, const struct rte_mbuf *m)
{
	uint64_t fl = m->ol_flags;
	uint16_t l4_off = (uint16_t)(m->l2_len + m->l3_len);

	if (fl & RTE_MBUF_F_TX_TCP_SEG) {
		/* The device segments and checksums every segment (§5.1.6.2). */
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = l4_off;
		h->csum_offset = VNET_TCP_CSUM_OFF;
		h->gso_type = (fl & RTE_MBUF_F_TX_IPV6) ? VNET_HDR_GSO_TCPV6 :
							  VNET_HDR_GSO_TCPV4;
		h->gso_size = m->tso_segsz;
		h->hdr_len = (uint16_t)(l4_off + m->l4_len);
		return;
	}
	switch (fl & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = l4_off;
		h->csum_offset = VNET_TCP_CSUM_OFF;
		break;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		h->flags = VNET_HDR_F_NEEDS_CSUM;
		h->csum_start = l4_off;
		h->csum_offset = VNET_UDP_CSUM_OFF;
		break;
	default:
		/* SCTP's CRC is not a virtio offload; no request, no flag. */
		break;
	}
}

uint64_t
vnet_offload_rx_flags(const struct vnet_net_hdr *h, uint16_t *segsz)
{
	uint64_t fl = 0;
	uint8_t gso = h->gso_type & (uint8_t)~VNET_HDR_GSO_ECN;

	*segsz = 0;
	if (h->flags & VNET_HDR_F_NEEDS_CSUM)
		fl |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	else if (h->flags & VNET_HDR_F_DATA_VALID)
		fl |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	if ((gso == VNET_HDR_GSO_TCPV4 || gso == VNET_HDR_GSO_TCPV6) &&
	    h->gso_size != 0) {
		fl |= RTE_MBUF_F_RX_LRO;
		*segsz = h->gso_size;
	}
	return fl;
}
