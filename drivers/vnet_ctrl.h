/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue on a port: its lifecycle with the port, queue
 * pairs and announce (vnet_ctrl.c), and the rx-filter ethdev operations
 * that go through it (vnet_rxfilter.c).
 */
#ifndef VNET_CTRL_H
#define VNET_CTRL_H

#include <stdint.h>

#include <rte_ethdev.h>

#include <rte_spinlock.h>

#include "vnet_ctrl_cmd.h"
#include "vnet_ctrlq.h"
#include "vnet_hw.h"

/* Filter table entries a port offers (dev_info.max_mac_addrs). */
#define VNET_MAC_ADDRS VNET_CTRL_MAC_ENTRIES
/* A device that has not answered after this long never will. */
#define VNET_CTRL_TIMEOUT_MS 5000

/* Features the control queue brings (negotiated when offered). */
#define VNET_CTRL_FEATURES                                                  \
	(VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_CTRL_RX) |                 \
	 VNET_BIT(VNET_F_CTRL_VLAN) | VNET_BIT(VNET_F_CTRL_MAC_ADDR) |          \
	 VNET_BIT(VNET_F_GUEST_ANNOUNCE) | VNET_BIT(VNET_F_MQ))

/* A port's control queue and what it keeps across device resets. */
struct vnet_ctrl {
	rte_spinlock_t lock;       /* one command at a time */
	struct vnet_hw *hw;
	uint16_t index;            /* virtqueue index */
	uint32_t notify_off;        /* in the notify region; each process maps its own */
	const struct rte_memzone *mz;
	struct vnet_ctrlq q;
	uint32_t nb_mc;            /* rte_eth_dev_set_mc_addr_list */
	uint8_t mc[VNET_MAC_ADDRS][VNET_ETH_ALEN];
	struct vnet_desc_extra extra[];
};

/* Multi-byte command fields: little-endian with VERSION_1, else native. */
static inline bool
vnet_ctrl_le(const struct vnet_hw *hw)
{
	return vnet_has_feature(hw, VNET_F_VERSION_1);
}

/* Send one command; 0, or -EIO/-ENOTSUP with one error line. */
int vnet_ctrl_send(struct vnet_hw *hw, const struct vnet_ctrl_cmd *cmd);
/*
 * Whether a command is needed now: 1 yes; 0 not while stopped (ethdev
 * replays rx modes and MAC addresses after start, vnet_rxfilter_restore
 * the rest); -ENOTSUP, logged, if the device lacks the feature.
 */
int vnet_ctrl_needed(struct vnet_hw *hw, unsigned int feature, const char *what);

/* After negotiation: max_virtqueue_pairs (VIRTIO_NET_F_MQ). 0 or -errno. */
int vnet_ctrl_read_config(struct vnet_hw *hw);

/* dev_start, before DRIVER_OK: create or empty the queue, tell the device. */
int vnet_ctrl_attach(struct rte_eth_dev *dev);
/* dev_start, after DRIVER_OK: queue pairs, filter tables, VLANs. */
int vnet_ctrl_start(struct rte_eth_dev *dev);
/* Teardown; device_quiet as for vnet_vq_free. */
void vnet_ctrl_free(struct vnet_hw *hw, bool device_quiet);

/* Rx filters (vnet_rxfilter.c): dev_infos_get, and what start restores. */
void vnet_rxfilter_infos(const struct vnet_hw *hw, struct rte_eth_dev_info *info);
int vnet_rxfilter_restore(struct rte_eth_dev *dev);

/* Where link status is polled: acknowledge an announce request. */
void vnet_ctrl_poll_announce(struct rte_eth_dev *dev);

int vnet_promiscuous_enable(struct rte_eth_dev *dev);
int vnet_promiscuous_disable(struct rte_eth_dev *dev);
int vnet_allmulticast_enable(struct rte_eth_dev *dev);
int vnet_allmulticast_disable(struct rte_eth_dev *dev);
int vnet_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac);
int vnet_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *mac,
		      uint32_t index, uint32_t vmdq);
void vnet_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index);
int vnet_set_mc_addr_list(struct rte_eth_dev *dev,
			  struct rte_ether_addr *mc, uint32_t nb);
int vnet_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on);
int vnet_vlan_offload_set(struct rte_eth_dev *dev, int mask);

#endif
