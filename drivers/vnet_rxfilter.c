/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx filters through the control queue (virtio 1.2 §5.1.6.5.1 - §5.1.6.5.3):
 * promiscuous and all-multicast modes, the unicast and multicast MAC
 * tables, the default MAC, the VLAN table.
 */
#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>

#include "vnet_ctrl.h"
#include "vnet_log.h"

static int
rx_mode(struct rte_eth_dev *dev, uint8_t which, bool on, const char *what)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl_cmd cmd;
	int ret;

	/*
	 * Without VIRTIO_NET_F_CTRL_RX the device passes everything: already
	 * on, and off is not supported. Quietly: ethdev asks at every start.
	 */
	if (!vnet_has_feature(hw, VNET_F_CTRL_RX))
		return on ? 0 : -ENOTSUP;
	ret = vnet_ctrl_needed(hw, VNET_F_CTRL_RX, what);
	if (ret <= 0)
		return ret;
	vnet_ctrl_rx_mode(&cmd, which, on);
	return vnet_ctrl_send(hw, &cmd);
}

int
vnet_promiscuous_enable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, VNET_CTRL_RX_PROMISC, true, "promiscuous mode");
}

int
vnet_promiscuous_disable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, VNET_CTRL_RX_PROMISC, false, "leaving promiscuous mode");
}

int
vnet_allmulticast_enable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, VNET_CTRL_RX_ALLMULTI, true, "all-multicast mode");
}

int
vnet_allmulticast_disable(struct rte_eth_dev *dev)
{
	return rx_mode(dev, VNET_CTRL_RX_ALLMULTI, false, "leaving all-multicast mode");
}

int
vnet_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl_cmd cmd;
	int ret;

	/* ethdev replays the default address at every start: nothing to do. */
	if (rte_is_same_ether_addr(mac, &hw->mac) &&
	    !vnet_has_feature(hw, VNET_F_CTRL_MAC_ADDR))
		return 0;
	ret = vnet_ctrl_needed(hw, VNET_F_CTRL_MAC_ADDR, "changing the MAC address");
	if (ret <= 0)
		return ret;
	vnet_ctrl_mac_addr_set(&cmd, mac->addr_bytes);
	return vnet_ctrl_send(hw, &cmd);
}

/*
 * The filter tables: every address of the port but the default one, and
 * the multicast list; one MAC_TABLE_SET replaces both tables. skip: the
 * index being removed; add/at: the address being added.
 */
static int
send_mac_table(struct rte_eth_dev *dev, int skip, const struct rte_ether_addr *add,
	       uint32_t at)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl *c = hw->ctrl;
	uint8_t addrs[2 * VNET_MAC_ADDRS][VNET_ETH_ALEN];
	struct vnet_ctrl_cmd cmd;
	unsigned int i, n = 0;

	memset(addrs, 0, sizeof(addrs));
	for (i = 1; i < VNET_MAC_ADDRS; i++) {
		if ((int)i == skip)
			continue;
		memcpy(addrs[n++], add != NULL && i == at ? add->addr_bytes :
			dev->data->mac_addrs[i].addr_bytes, VNET_ETH_ALEN);
	}
	for (i = 0; c != NULL && i < c->nb_mc; i++)
		memcpy(addrs[n++], c->mc[i], VNET_ETH_ALEN);
	if (vnet_ctrl_mac_table(&cmd, (const uint8_t (*)[VNET_ETH_ALEN])addrs, n,
				vnet_ctrl_le(hw)) != 0) {
		VNET_LOG(ERR, hw->name,
			 "port %u: more than %u unicast or multicast filter addresses; remove some",
			 hw->port_id, VNET_CTRL_MAC_ENTRIES);
		return -ENOSPC;
	}
	return vnet_ctrl_send(hw, &cmd);
}

int
vnet_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *mac,
		  uint32_t index, uint32_t vmdq)
{
	struct vnet_hw *hw = dev->data->dev_private;
	int ret;

	RTE_SET_USED(vmdq);
	if (index == 0)
		return vnet_mac_addr_set(dev, mac);
	ret = vnet_ctrl_needed(hw, VNET_F_CTRL_RX, "a MAC filter table");
	if (ret <= 0)
		return ret;
	return send_mac_table(dev, -1, mac, index);
}

void
vnet_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct vnet_hw *hw = dev->data->dev_private;

	if (index == 0 || vnet_ctrl_needed(hw, VNET_F_CTRL_RX, "a MAC filter table") <= 0)
		return;
	send_mac_table(dev, (int)index, NULL, 0);
}

int
vnet_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *mc,
		      uint32_t nb)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl *c = hw->ctrl;
	uint32_t i;
	int ret;

	ret = vnet_ctrl_needed(hw, VNET_F_CTRL_RX, "a multicast filter list");
	if (ret < 0)
		return ret;
	if (nb > VNET_MAC_ADDRS) {
		VNET_LOG(ERR, hw->name,
			 "port %u: %u multicast addresses requested; the filter table holds %u",
			 hw->port_id, nb, VNET_MAC_ADDRS);
		return -ENOSPC;
	}
	for (i = 0; i < nb; i++)
		if (!rte_is_multicast_ether_addr(&mc[i])) {
			VNET_LOG(ERR, hw->name,
				 "port %u: " RTE_ETHER_ADDR_PRT_FMT " in the multicast list is not a multicast address",
				 hw->port_id, RTE_ETHER_ADDR_BYTES(&mc[i]));
			return -EINVAL;
		}
	if (c == NULL)
		return -ENOTSUP; /* no control queue: ctrl_needed said so */
	for (i = 0; i < nb; i++)
		memcpy(c->mc[i], mc[i].addr_bytes, VNET_ETH_ALEN);
	c->nb_mc = nb;
	return ret == 0 ? 0 : send_mac_table(dev, -1, NULL, 0);
}

int
vnet_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vid, int on)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl_cmd cmd;
	int ret;

	ret = vnet_ctrl_needed(hw, VNET_F_CTRL_VLAN, "a VLAN filter");
	if (ret <= 0)
		return ret;
	vnet_ctrl_vlan(&cmd, on != 0, vid, vnet_ctrl_le(hw));
	return vnet_ctrl_send(hw, &cmd);
}

int
vnet_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	/* The filter itself is the device's VLAN table, fed by vlan_filter_set. */
	RTE_SET_USED(dev);
	RTE_SET_USED(mask);
	return 0;
}

int
vnet_rxfilter_restore(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	const struct rte_vlan_filter_conf *vf = &dev->data->vlan_filter_conf;
	struct vnet_ctrl_cmd cmd;
	unsigned int i;
	int ret;

	if (vnet_has_feature(hw, VNET_F_CTRL_RX) && hw->ctrl->nb_mc > 0) {
		ret = send_mac_table(dev, -1, NULL, 0);
		if (ret != 0)
			return ret;
	}
	/* The device forgot its VLAN table in the reset. */
	if (!vnet_has_feature(hw, VNET_F_CTRL_VLAN) ||
	    !(dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
		return 0;
	for (i = 0; i < RTE_ETHER_MAX_VLAN_ID + 1; i++) {
		if (!(vf->ids[i / 64] & (UINT64_C(1) << (i % 64))))
			continue;
		vnet_ctrl_vlan(&cmd, true, (uint16_t)i, vnet_ctrl_le(hw));
		ret = vnet_ctrl_send(hw, &cmd);
		if (ret != 0)
			return ret;
	}
	return 0;
}

void
vnet_rxfilter_infos(const struct vnet_hw *hw, struct rte_eth_dev_info *info)
{
	if (vnet_has_feature(hw, VNET_F_CTRL_RX))
		info->max_mac_addrs = VNET_MAC_ADDRS;
	if (vnet_has_feature(hw, VNET_F_CTRL_VLAN))
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
}
