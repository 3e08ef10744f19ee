/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum and segmentation offloads through the virtio_net_hdr (virtio
 * 1.2 §5.1.6.2, §5.1.6.4.1). What the device offers decides what
 * dev_infos_get reports; what the application enables at configure time
 * decides what is negotiated, as in this table (the device may deliver
 * 64 KB frames or partial checksums only after the matching bit):
 *
 *   rx TCP/UDP_CKSUM     GUEST_CSUM
 *   rx TCP_LRO           GUEST_CSUM + GUEST_TSO4 + GUEST_TSO6 (and MRG_RXBUF)
 *   tx TCP/UDP_CKSUM     CSUM
 *   tx TCP_TSO           CSUM + HOST_TSO4 + HOST_TSO6 (either one offered)
 *   rx SCATTER           MRG_RXBUF (always negotiated when offered)
 *
 * Tx IPv4 header checksums are computed by the driver: virtio has no such
 * offload, and the header is 20-60 bytes. Uses only DPDK's mbuf and ethdev
 * constants, so the unit tests run it without EAL.
 */
#ifndef VNET_OFFLOAD_H
#define VNET_OFFLOAD_H

#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_mbuf_core.h>

#include "vnet_spec.h"

/* Offloads that change what is negotiated (the rest of the table). */
#define VNET_OFFLOAD_FEATURES                                                \
	(VNET_BIT(VNET_F_CSUM) | VNET_BIT(VNET_F_GUEST_CSUM) |                   \
	 VNET_BIT(VNET_F_GUEST_TSO4) | VNET_BIT(VNET_F_GUEST_TSO6) |             \
	 VNET_BIT(VNET_F_HOST_TSO4) | VNET_BIT(VNET_F_HOST_TSO6))

/* Largest frame with LRO: an IP datagram and its Ethernet header. */
#define VNET_MAX_LRO_PKTLEN (65535 + 14 + 4)

uint64_t vnet_offload_rx_capa(uint64_t host_features);
uint64_t vnet_offload_tx_capa(uint64_t host_features);

/* Feature bits the enabled offloads need (within VNET_OFFLOAD_FEATURES). */
uint64_t vnet_offload_features(uint64_t rx_offloads, uint64_t tx_offloads);

/*
 * Fill the tx header's offload fields for m's requests: flags, csum_start
 * and csum_offset for an L4 checksum, gso_type, gso_size and hdr_len for
 * TSO. The rest of *h is left as it is (zero).
 */
void vnet_offload_tx_hdr(struct vnet_net_hdr *h, const struct rte_mbuf *m);

/*
 * ol_flags for a received header, and the segment size of an LRO frame
 * (0 otherwise). DATA_VALID: the checksum was verified; NEEDS_CSUM: data
 * valid, checksum not filled in (RTE_MBUF_F_RX_L4_CKSUM_NONE).
 */
uint64_t vnet_offload_rx_flags(const struct vnet_net_hdr *h, uint16_t *segsz);

#endif
