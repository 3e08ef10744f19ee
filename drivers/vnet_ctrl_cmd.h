/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control virtqueue commands (virtio 1.2 §5.1.6.5): what each command
 * carries and how it is laid out for the device. Pure functions, no DPDK,
 * so the encoding is unit-tested byte by byte.
 */
#ifndef VNET_CTRL_CMD_H
#define VNET_CTRL_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Feature bits of the control queue and what needs it (virtio 1.2 §5.1.3). */
#define VNET_F_CTRL_RX 18
#define VNET_F_CTRL_VLAN 19
#define VNET_F_GUEST_ANNOUNCE 21
#define VNET_F_CTRL_MAC_ADDR 23
#define VNET_F_RSS 60

/* Config status bit: the device asks the driver to announce itself. */
#define VNET_NET_S_ANNOUNCE 2

/* Classes and commands (virtio 1.2 §5.1.6.5.1 - §5.1.6.5.6). */
#define VNET_CTRL_RX 0
#define VNET_CTRL_RX_PROMISC 0
#define VNET_CTRL_RX_ALLMULTI 1
#define VNET_CTRL_MAC 1
#define VNET_CTRL_MAC_TABLE_SET 0
#define VNET_CTRL_MAC_ADDR_SET 1
#define VNET_CTRL_VLAN 2
#define VNET_CTRL_VLAN_ADD 0
#define VNET_CTRL_VLAN_DEL 1
#define VNET_CTRL_ANNOUNCE 3
#define VNET_CTRL_ANNOUNCE_ACK 0
#define VNET_CTRL_MQ 4
#define VNET_CTRL_MQ_VQ_PAIRS_SET 0

/* The ack byte the device writes. */
#define VNET_CTRL_OK 0
#define VNET_CTRL_ERR 1

/* max_virtqueue_pairs and VQ_PAIRS_SET range (virtio 1.2 §5.1.4, §5.1.6.5.5). */
#define VNET_MQ_PAIRS_MIN 1
#define VNET_MQ_PAIRS_MAX 0x8000

#define VNET_ETH_ALEN 6
/* Addresses per filter table: what QEMU keeps before it overflows to "all". */
#define VNET_CTRL_MAC_ENTRIES 64
#define VNET_CTRL_PARTS_MAX 2
/* Largest data: a MAC_TABLE_SET with both tables full. */
#define VNET_CTRL_DATA_MAX (2 * (4 + VNET_ETH_ALEN * VNET_CTRL_MAC_ENTRIES))

/* One command: header, up to two data parts (each its own descriptor). */
struct vnet_ctrl_cmd {
	uint8_t cls;
	uint8_t cmd;
	uint8_t nparts;
	uint16_t part_len[VNET_CTRL_PARTS_MAX];
	uint8_t data[VNET_CTRL_DATA_MAX]; /* parts back to back */
};

/*
 * Where each piece lives in the command buffer the device reads: the header
 * (2 bytes), the data parts, then the ack byte the device writes. Offsets
 * are 8-byte aligned; the buffer is VNET_CTRL_BUF_SIZE bytes.
 */
struct vnet_ctrl_seg {
	uint32_t off;
	uint32_t len;
	bool device_writes;
};
#define VNET_CTRL_SEGS_MAX (VNET_CTRL_PARTS_MAX + 2)
#define VNET_CTRL_HDR_OFF 0
#define VNET_CTRL_DATA_OFF 8
#define VNET_CTRL_ACK_OFF (VNET_CTRL_DATA_OFF + VNET_CTRL_DATA_MAX + 8)
#define VNET_CTRL_BUF_SIZE (VNET_CTRL_ACK_OFF + 8)

/* Segments of c, in descriptor order; returns how many. */
unsigned int vnet_ctrl_layout(const struct vnet_ctrl_cmd *c,
			      struct vnet_ctrl_seg segs[VNET_CTRL_SEGS_MAX]);

/*
 * Encoders. le: the device takes little-endian fields (VERSION_1);
 * otherwise the legacy interface's guest-native order.
 */
void vnet_ctrl_rx_mode(struct vnet_ctrl_cmd *c, uint8_t which, bool on);
void vnet_ctrl_mac_addr_set(struct vnet_ctrl_cmd *c,
			    const uint8_t mac[VNET_ETH_ALEN]);
/*
 * MAC_TABLE_SET from addrs[n] (unicast and multicast mixed, all-zero
 * entries skipped): two tables, unicast first. -E2BIG if either table
 * would hold more than VNET_CTRL_MAC_ENTRIES.
 */
int vnet_ctrl_mac_table(struct vnet_ctrl_cmd *c,
			const uint8_t (*addrs)[VNET_ETH_ALEN], unsigned int n,
			bool le);
void vnet_ctrl_vlan(struct vnet_ctrl_cmd *c, bool add, uint16_t vid, bool le);
void vnet_ctrl_announce_ack(struct vnet_ctrl_cmd *c);
void vnet_ctrl_mq_pairs(struct vnet_ctrl_cmd *c, uint16_t pairs, bool le);

/* "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET", or "VIRTIO_NET_CTRL class 9 cmd 1". */
const char *vnet_ctrl_name(uint8_t cls, uint8_t cmd, char *buf, size_t len);

/*
 * Features that need the control queue are dropped without it
 * (virtio 1.2 §5.1.3.1); returns the features to negotiate.
 */
uint64_t vnet_ctrl_feature_deps(uint64_t features);

#endif
