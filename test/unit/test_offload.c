/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Offloads through the virtio_net_hdr (vnet_offload.h): the tx header a
 * packet's ol_flags ask for, the ol_flags a received header gives, what
 * dev_infos_get reports for a device's feature word and what the enabled
 * offloads negotiate. Rows written from virtio 1.2 §5.1.6; DPDK's mbuf
 * and ethdev headers only, no EAL.
 */
#include <string.h>

#include "tap.h"
#include "vnet_offload.h"

/* Feature words QEMU 7.2's vhost-user virtio-net offered (modern, legacy). */
#define QEMU_MODERN UINT64_C(0x130bfe7a7)
#define QEMU_LEGACY UINT64_C(0x78bfe7e7)
#define QEMU_NO_CSUM UINT64_C(0x130bfa7a6)

static const struct {
	const char *name;
	uint64_t ol_flags;
	uint8_t l2, l3, l4;
	uint16_t segsz;
	struct vnet_net_hdr want;
} tx_rows[] = {
	{ "no request", 0, 14, 20, 8, 0, { 0 } },
	{ "IPv4 header checksum only (the driver's)",
	  RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM, 14, 20, 8, 0, { 0 } },
	{ "UDP over IPv4", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM, 14, 20, 8, 0,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 6 } },
	{ "TCP over IPv4", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM, 14, 20, 20, 0,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16 } },
	{ "TCP over IPv6", RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM, 14, 40, 20, 0,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 54, .csum_offset = 16 } },
	{ "UDP over IPv4 with a VLAN tag", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM,
	  18, 20, 8, 0,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .csum_start = 38, .csum_offset = 6 } },
	{ "SCTP CRC: not a virtio offload", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_SCTP_CKSUM,
	  14, 20, 12, 0, { 0 } },
	{ "TSO over IPv4", RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
	  RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM, 14, 20, 20, 1448,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .gso_type = VNET_HDR_GSO_TCPV4,
	    .hdr_len = 54, .gso_size = 1448, .csum_start = 34, .csum_offset = 16 } },
	{ "TSO over IPv6, TCP options", RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG,
	  14, 40, 32, 1428,
	  { .flags = VNET_HDR_F_NEEDS_CSUM, .gso_type = VNET_HDR_GSO_TCPV6,
	    .hdr_len = 86, .gso_size = 1428, .csum_start = 54, .csum_offset = 16 } },
};

static void
test_tx_hdr(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tx_rows); i++) {
		struct rte_mbuf m;
		struct vnet_net_hdr h;

		memset(&m, 0, sizeof(m));
		memset(&h, 0, sizeof(h));
		h.num_buffers = 0x5a5a; /* not an offload field: left alone */
		m.ol_flags = tx_rows[i].ol_flags;
		m.l2_len = tx_rows[i].l2;
		m.l3_len = tx_rows[i].l3;
		m.l4_len = tx_rows[i].l4;
		m.tso_segsz = tx_rows[i].segsz;
		vnet_offload_tx_hdr(&h, &m);
		TAP_EQ(h.flags, tx_rows[i].want.flags, "tx %s: flags", tx_rows[i].name);
		TAP_EQ(h.gso_type, tx_rows[i].want.gso_type, "tx %s: gso_type", tx_rows[i].name);
		TAP_EQ(h.hdr_len, tx_rows[i].want.hdr_len, "tx %s: hdr_len", tx_rows[i].name);
		TAP_EQ(h.gso_size, tx_rows[i].want.gso_size, "tx %s: gso_size", tx_rows[i].name);
		TAP_EQ(h.csum_start, tx_rows[i].want.csum_start, "tx %s: csum_start",
		       tx_rows[i].name);
		TAP_EQ(h.csum_offset, tx_rows[i].want.csum_offset, "tx %s: csum_offset",
		       tx_rows[i].name);
		TAP_EQ(h.num_buffers, 0x5a5a, "tx %s: num_buffers untouched", tx_rows[i].name);
	}
}

static const struct {
	const char *name;
	uint8_t flags, gso_type;
	uint16_t gso_size;
	uint64_t want;
	uint16_t want_segsz;
} rx_rows[] = {
	{ "plain frame", 0, 0, 0, 0, 0 },
	{ "DATA_VALID", VNET_HDR_F_DATA_VALID, 0, 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD, 0 },
	{ "NEEDS_CSUM", VNET_HDR_F_NEEDS_CSUM, 0, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE, 0 },
	{ "NEEDS_CSUM wins over DATA_VALID", VNET_HDR_F_NEEDS_CSUM | VNET_HDR_F_DATA_VALID,
	  0, 0, RTE_MBUF_F_RX_L4_CKSUM_NONE, 0 },
	{ "LRO TCPv4", VNET_HDR_F_NEEDS_CSUM, VNET_HDR_GSO_TCPV4, 1448,
	  RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, 1448 },
	{ "LRO TCPv6 with ECN", VNET_HDR_F_NEEDS_CSUM,
	  VNET_HDR_GSO_TCPV6 | VNET_HDR_GSO_ECN, 1428,
	  RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_RX_LRO, 1428 },
	{ "GSO UDP is never negotiated: no LRO", 0, VNET_HDR_GSO_UDP, 1400, 0, 0 },
	{ "GSO TCPv4 with gso_size 0: no LRO", 0, VNET_HDR_GSO_TCPV4, 0, 0, 0 },
	{ "unknown gso_type 0x42", 0, 0x42, 1400, 0, 0 },
};

static void
test_rx_flags(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(rx_rows); i++) {
		struct vnet_net_hdr h = {
			.flags = rx_rows[i].flags,
			.gso_type = rx_rows[i].gso_type,
			.gso_size = rx_rows[i].gso_size,
		};
		uint16_t segsz = 0xffff;

		TAP_EQ(vnet_offload_rx_flags(&h, &segsz), rx_rows[i].want, "rx %s: ol_flags",
		       rx_rows[i].name);
		TAP_EQ(segsz, rx_rows[i].want_segsz, "rx %s: tso_segsz", rx_rows[i].name);
	}
}

static void
test_capa(void)
{
	const uint64_t rx_all = RTE_ETH_RX_OFFLOAD_SCATTER | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_LRO;
	const uint64_t tx_base = RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	const uint64_t tx_csum = tx_base | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
				 RTE_ETH_TX_OFFLOAD_UDP_CKSUM;

	TAP_EQ(vnet_offload_rx_capa(QEMU_MODERN), rx_all, "QEMU modern: rx capa");
	TAP_EQ(vnet_offload_tx_capa(QEMU_MODERN), tx_csum,
	       "QEMU modern: tx checksums, no TSO (HOST_TSO4/6 not offered)");
	TAP_EQ(vnet_offload_rx_capa(QEMU_LEGACY), rx_all, "QEMU legacy: rx capa");
	TAP_EQ(vnet_offload_tx_capa(QEMU_NO_CSUM), tx_base, "no CSUM: no L4 tx checksum");
	TAP_EQ(vnet_offload_tx_capa(QEMU_MODERN | VNET_BIT(VNET_F_HOST_TSO4)),
	       tx_csum | RTE_ETH_TX_OFFLOAD_TCP_TSO, "HOST_TSO4: TSO");
	TAP_EQ(vnet_offload_tx_capa(VNET_BIT(VNET_F_HOST_TSO4)), tx_base,
	       "HOST_TSO4 without CSUM: no TSO");
	TAP_EQ(vnet_offload_rx_capa(QEMU_MODERN & ~VNET_BIT(VNET_F_MRG_RXBUF)),
	       RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM,
	       "no MRG_RXBUF: no scatter, no LRO");
	TAP_EQ(vnet_offload_rx_capa(QEMU_MODERN & ~VNET_BIT(VNET_F_GUEST_TSO6)),
	       RTE_ETH_RX_OFFLOAD_SCATTER | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
	       RTE_ETH_RX_OFFLOAD_UDP_CKSUM, "GUEST_TSO4 alone: no LRO");
	TAP_EQ(vnet_offload_rx_capa(QEMU_MODERN & ~VNET_BIT(VNET_F_GUEST_CSUM)),
	       RTE_ETH_RX_OFFLOAD_SCATTER, "no GUEST_CSUM: no rx checksum, no LRO");
}

static void
test_features(void)
{
	const uint64_t gtso = VNET_BIT(VNET_F_GUEST_CSUM) | VNET_BIT(VNET_F_GUEST_TSO4) |
			      VNET_BIT(VNET_F_GUEST_TSO6);
	const uint64_t htso = VNET_BIT(VNET_F_CSUM) | VNET_BIT(VNET_F_HOST_TSO4) |
			      VNET_BIT(VNET_F_HOST_TSO6);

	TAP_EQ(vnet_offload_features(0, 0), 0, "no offloads: no offload bits");
	TAP_EQ(vnet_offload_features(RTE_ETH_RX_OFFLOAD_SCATTER,
				     RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
				     RTE_ETH_TX_OFFLOAD_IPV4_CKSUM), 0,
	       "scatter, multi-seg, IPv4 checksum: no offload bits");
	TAP_EQ(vnet_offload_features(RTE_ETH_RX_OFFLOAD_UDP_CKSUM, 0),
	       VNET_BIT(VNET_F_GUEST_CSUM), "rx UDP checksum: GUEST_CSUM");
	TAP_EQ(vnet_offload_features(RTE_ETH_RX_OFFLOAD_TCP_CKSUM, 0),
	       VNET_BIT(VNET_F_GUEST_CSUM), "rx TCP checksum: GUEST_CSUM");
	TAP_EQ(vnet_offload_features(RTE_ETH_RX_OFFLOAD_TCP_LRO, 0), gtso,
	       "LRO: GUEST_CSUM + GUEST_TSO4/6");
	TAP_OK(!(vnet_offload_features(RTE_ETH_RX_OFFLOAD_TCP_CKSUM, 0) &
		 (VNET_BIT(VNET_F_GUEST_TSO4) | VNET_BIT(VNET_F_GUEST_TSO6))),
	       "rx checksum without LRO: no GUEST_TSO (no 64 KB frames)");
	TAP_EQ(vnet_offload_features(0, RTE_ETH_TX_OFFLOAD_UDP_CKSUM),
	       VNET_BIT(VNET_F_CSUM), "tx UDP checksum: CSUM");
	TAP_EQ(vnet_offload_features(0, RTE_ETH_TX_OFFLOAD_TCP_TSO), htso,
	       "TSO: CSUM + HOST_TSO4/6");
	TAP_EQ(vnet_offload_features(RTE_ETH_RX_OFFLOAD_TCP_LRO, RTE_ETH_TX_OFFLOAD_TCP_TSO),
	       gtso | htso, "LRO and TSO together");
}

int
main(void)
{
	test_tx_hdr();
	test_rx_flags();
	test_capa();
	test_features();
	return tap_done();
}
