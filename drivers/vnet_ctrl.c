/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>
#include <ethdev_driver.h>

#include "vnet_ctrl.h"
#include "vnet_ctrlq.h"
#include "vnet_log.h"
#include "vnet_mq.h"
#include "vnet_transport.h"

struct vnet_ctrl {
	rte_spinlock_t lock;       /* one command at a time */
	struct vnet_hw *hw;
	uint16_t index;            /* virtqueue index */
	uint32_t notify_off; /* in the notify region; each process maps its own */
	const struct rte_memzone *mz;
	struct vnet_ctrlq q;
	uint32_t nb_mc;            /* rte_eth_dev_set_mc_addr_list */
	uint8_t mc[VNET_MAC_ADDRS][VNET_ETH_ALEN];
	struct vnet_desc_extra extra[];
};

static bool
le_device(const struct vnet_hw *hw)
{
	return vnet_has_feature(hw, VNET_F_VERSION_1);
}

static int ctrl_create(struct vnet_hw *hw, struct vnet_ctrl **out);

int
vnet_ctrl_read_config(struct vnet_hw *hw)
{
	uint16_t raw, pairs;
	int ret;

	hw->max_queue_pairs = 1;
	hw->dev_queue_pairs = 1;
	if (!vnet_has_feature(hw, VNET_F_MQ))
		goto create;
	ret = vnet_ops(hw)->read_dev_cfg(hw, VNET_CFG_MAX_VQ_PAIRS, &raw, sizeof(raw));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "cannot read max_virtqueue_pairs from device config: %s",
			 strerror(-ret));
		return ret;
	}
	pairs = le_device(hw) ? rte_le_to_cpu_16(raw) : raw;
	/* 0x8000 is in the spec's range, but its control queue index is 2^16. */
	if (pairs < VNET_MQ_PAIRS_MIN || pairs >= VNET_MQ_PAIRS_MAX) {
		/* The control queue's index depends on it: no guessing. */
		VNET_LOG(ERR, hw->name,
			 "device offers VIRTIO_NET_F_MQ with max_virtqueue_pairs %u, outside %u..%u; the device is broken (QEMU: check the netdev's queues=)",
			 pairs, VNET_MQ_PAIRS_MIN, VNET_MQ_PAIRS_MAX - 1);
		return -EINVAL;
	}
	hw->dev_queue_pairs = pairs;
	hw->max_queue_pairs = RTE_MIN(pairs, (uint16_t)VNET_MAX_QUEUE_PAIRS);
	if (pairs > VNET_MAX_QUEUE_PAIRS)
		VNET_LOG(NOTICE, hw->name,
			 "device has %u queue pairs; net_vnet uses at most %u",
			 pairs, VNET_MAX_QUEUE_PAIRS);
create:
	/* Now, so the multicast list set before the first start has a home. */
	if (!vnet_has_feature(hw, VNET_F_CTRL_VQ) || hw->ctrl != NULL)
		return 0;
	ret = ctrl_create(hw, &hw->ctrl);
	if (ret == 0)
		VNET_LOG(INFO, hw->name,
			 "port %u: control queue is virtqueue %u (%u entries); up to %u queue pairs (the device has %u)",
			 hw->port_id, hw->ctrl->index, hw->ctrl->q.vr.num,
			 hw->max_queue_pairs, hw->dev_queue_pairs);
	return ret;
}

static void
cvq_notify(void *ctx)
{
	struct vnet_ctrl *c = ctx;

	vnet_ops(c->hw)->notify(c->hw, c->index, c->notify_off);
}

static uint64_t
cvq_now_us(void *ctx)
{
	RTE_SET_USED(ctx);
	return rte_get_timer_cycles() * 1000000 / rte_get_timer_hz();
}

static void
cvq_pause(void *ctx)
{
	RTE_SET_USED(ctx);
	rte_delay_us_sleep(20);
}

static int
ctrl_create(struct vnet_hw *hw, struct vnet_ctrl **out)
{
	uint16_t index = vnet_mq_ctrl_vq(vnet_has_feature(hw, VNET_F_MQ),
					 hw->dev_queue_pairs);
	/* After FEATURES_OK (virtio 1.2 §3.1.1), as for every queue. */
	uint16_t num = vnet_ops(hw)->get_queue_size(hw, index);
	char mz_name[RTE_MEMZONE_NAMESIZE];
	struct vnet_ctrl_cmd probe = { .nparts = VNET_CTRL_PARTS_MAX };
	struct vnet_ctrl_seg segs[VNET_CTRL_SEGS_MAX];
	size_t ring;
	struct vnet_ctrl *c;

	if (!vnet_is_pow2(num) || num > VNET_RING_MAX_SIZE ||
	    num < vnet_ctrl_layout(&probe, segs)) {
		VNET_LOG(ERR, hw->name,
			 "control queue (virtqueue %u) has size %u; need a power of two of at least %u: the device is broken",
			 index, num, vnet_ctrl_layout(&probe, segs));
		return -EINVAL;
	}
	c = rte_zmalloc("vnet_ctrl", sizeof(*c) + num * sizeof(c->extra[0]),
			RTE_CACHE_LINE_SIZE);
	if (c == NULL) {
		VNET_LOG(ERR, hw->name, "out of memory for the control queue");
		return -ENOMEM;
	}
	ring = vnet_ring_total_size(num, VNET_LEGACY_RING_ALIGN);
	snprintf(mz_name, sizeof(mz_name), "vnet_%u_cvq", hw->port_id);
	c->mz = rte_memzone_reserve_aligned(mz_name, ring + VNET_CTRL_BUF_SIZE,
					    SOCKET_ID_ANY, RTE_MEMZONE_IOVA_CONTIG,
					    VNET_LEGACY_RING_ALIGN);
	if (c->mz == NULL || c->mz->iova == RTE_BAD_IOVA) {
		VNET_LOG(ERR, hw->name,
			 "cannot reserve %zu bytes of IOVA-contiguous memory for the control queue; check hugepages",
			 ring + VNET_CTRL_BUF_SIZE);
		rte_memzone_free(c->mz);
		rte_free(c);
		return -ENOMEM;
	}
	rte_spinlock_init(&c->lock);
	c->hw = hw;
	c->index = index;
	c->q.event_idx = vnet_has_feature(hw, VNET_F_RING_EVENT_IDX);
	c->q.buf = (uint8_t *)c->mz->addr + ring;
	c->q.buf_iova = c->mz->iova + ring;
	c->q.timeout_us = VNET_CTRL_TIMEOUT_MS * 1000;
	c->q.env = (struct vnet_ctrlq_env){ cvq_notify, cvq_now_us, cvq_pause, c };
	vnet_ctrlq_init(&c->q, c->mz->addr, num, VNET_LEGACY_RING_ALIGN, c->extra);
	*out = c;
	return 0;
}

int
vnet_ctrl_attach(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_queue_addrs a;
	struct vnet_ctrl *c;
	int ret;

	if (!vnet_has_feature(hw, VNET_F_CTRL_VQ))
		return 0;
	if (hw->ctrl == NULL) {
		ret = ctrl_create(hw, &hw->ctrl);
		if (ret != 0)
			return ret;
	}
	c = hw->ctrl;
	/* Only called after a reset the device confirmed. */
	c->q.vr.io_barriers = vnet_barrier_choose(hw->guest_features) == VNET_BARRIER_IO;
	vnet_ctrlq_reset(&c->q);
	a = (struct vnet_queue_addrs){
		.index = c->index,
		.size = c->q.vr.num,
		.desc = c->mz->iova,
		.avail = c->mz->iova + vnet_ring_avail_offset(c->q.vr.num),
		.used = c->mz->iova + vnet_ring_used_offset(c->q.vr.num,
							     VNET_LEGACY_RING_ALIGN),
	};
	return vnet_ops(hw)->setup_queue(hw, &a, &c->notify_off);
}

void
vnet_ctrl_free(struct vnet_hw *hw, bool device_quiet)
{
	struct vnet_ctrl *c = hw->ctrl;

	if (c == NULL)
		return;
	if (device_quiet)
		rte_memzone_free(c->mz);
	else
		VNET_LOG(WARNING, hw->name,
			 "device did not confirm its reset; leaving the control queue's memory allocated");
	rte_free(c);
	hw->ctrl = NULL;
}

/* Send one command; 0, or -EIO/-ENOTSUP with one error line. */
static int
ctrl_send(struct vnet_hw *hw, const struct vnet_ctrl_cmd *cmd)
{
	struct vnet_ctrl *c = hw->ctrl;
	enum vnet_ctrlq_result res;
	char name[48], err[320];
	uint8_t ack;

	if (c == NULL || !hw->started) {
		VNET_LOG(ERR, hw->name, "port %u: %s: the control queue is not running (port stopped)",
			 hw->port_id, vnet_ctrl_name(cmd->cls, cmd->cmd, name, sizeof(name)));
		return -EIO;
	}
	rte_spinlock_lock(&c->lock);
	res = vnet_ctrlq_exec(&c->q, cmd, &ack);
	rte_spinlock_unlock(&c->lock);
	if (res == VNET_CTRLQ_OK)
		return 0;
	vnet_ctrlq_explain(&c->q, res, cmd, ack, err, sizeof(err));
	VNET_LOG(ERR, hw->name, "port %u: %s", hw->port_id, err);
	return res == VNET_CTRLQ_DEVICE_ERR ? -ENOTSUP : -EIO;
}

/*
 * Whether a command is needed now: not while stopped (ethdev replays rx
 * modes and MAC addresses after start, vnet_ctrl_start the rest), and
 * -ENOTSUP, logged, if the device lacks the feature.
 */
static int
ctrl_needed(struct vnet_hw *hw, unsigned int feature, const char *what)
{
	if (!vnet_has_feature(hw, feature)) {
		VNET_LOG(ERR, hw->name,
			 "port %u: %s needs feature bit %u, which the device does not offer; the device receives as it is configured on the host",
			 hw->port_id, what, feature);
		return -ENOTSUP;
	}
	return hw->started ? 1 : 0;
}

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
	ret = ctrl_needed(hw, VNET_F_CTRL_RX, what);
	if (ret <= 0)
		return ret;
	vnet_ctrl_rx_mode(&cmd, which, on);
	return ctrl_send(hw, &cmd);
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
	ret = ctrl_needed(hw, VNET_F_CTRL_MAC_ADDR, "changing the MAC address");
	if (ret <= 0)
		return ret;
	vnet_ctrl_mac_addr_set(&cmd, mac->addr_bytes);
	return ctrl_send(hw, &cmd);
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
				le_device(hw)) != 0) {
		VNET_LOG(ERR, hw->name,
			 "port %u: more than %u unicast or multicast filter addresses; remove some",
			 hw->port_id, VNET_CTRL_MAC_ENTRIES);
		return -ENOSPC;
	}
	return ctrl_send(hw, &cmd);
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
	ret = ctrl_needed(hw, VNET_F_CTRL_RX, "a MAC filter table");
	if (ret <= 0)
		return ret;
	return send_mac_table(dev, -1, mac, index);
}

void
vnet_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct vnet_hw *hw = dev->data->dev_private;

	if (index == 0 || ctrl_needed(hw, VNET_F_CTRL_RX, "a MAC filter table") <= 0)
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

	ret = ctrl_needed(hw, VNET_F_CTRL_RX, "a multicast filter list");
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

	ret = ctrl_needed(hw, VNET_F_CTRL_VLAN, "a VLAN filter");
	if (ret <= 0)
		return ret;
	vnet_ctrl_vlan(&cmd, on != 0, vid, le_device(hw));
	return ctrl_send(hw, &cmd);
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
vnet_ctrl_start(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	const struct rte_vlan_filter_conf *vf = &dev->data->vlan_filter_conf;
	struct vnet_ctrl_cmd cmd;
	unsigned int i;
	int ret;

	if (hw->ctrl == NULL)
		return 0;
	if (vnet_has_feature(hw, VNET_F_MQ)) {
		/* After reset only pair 0 runs (virtio 1.2 §5.1.6.5.5). */
		vnet_ctrl_mq_pairs(&cmd, dev->data->nb_rx_queues, le_device(hw));
		ret = ctrl_send(hw, &cmd);
		if (ret != 0)
			return ret;
	}
	if (vnet_has_feature(hw, VNET_F_CTRL_RX) && hw->ctrl->nb_mc > 0) {
		ret = send_mac_table(dev, -1, NULL, 0);
		if (ret != 0)
			return ret;
	}
	/* The device forgot its VLAN table in the reset. */
	if (vnet_has_feature(hw, VNET_F_CTRL_VLAN) &&
	    (dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_FILTER))
		for (i = 0; i < RTE_ETHER_MAX_VLAN_ID + 1; i++) {
			if (!(vf->ids[i / 64] & (UINT64_C(1) << (i % 64))))
				continue;
			vnet_ctrl_vlan(&cmd, true, (uint16_t)i, le_device(hw));
			ret = ctrl_send(hw, &cmd);
			if (ret != 0)
				return ret;
		}
	return 0;
}

void
vnet_ctrl_infos(const struct vnet_hw *hw, struct rte_eth_dev_info *info)
{
	if (vnet_has_feature(hw, VNET_F_CTRL_RX))
		info->max_mac_addrs = VNET_MAC_ADDRS;
	if (vnet_has_feature(hw, VNET_F_CTRL_VLAN))
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
}

void
vnet_ctrl_poll_announce(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl_cmd cmd;
	uint16_t raw, status;

	if (!hw->started || hw->ctrl == NULL ||
	    !vnet_has_feature(hw, VNET_F_GUEST_ANNOUNCE) ||
	    vnet_ops(hw)->read_dev_cfg(hw, VNET_CFG_STATUS, &raw, sizeof(raw)) != 0)
		return;
	status = le_device(hw) ? rte_le_to_cpu_16(raw) : raw;
	if (!(status & VNET_NET_S_ANNOUNCE))
		return;
	/*
	 * The device asks us to announce the port (virtio 1.2 §5.1.6.5.4):
	 * the application owns the tx queues, so net_vnet only acknowledges.
	 */
	vnet_ctrl_announce_ack(&cmd);
	if (ctrl_send(hw, &cmd) == 0)
		VNET_LOG(INFO, hw->name,
			 "port %u: device asked for an announce (status 0x%x); acknowledged (VIRTIO_NET_CTRL_ANNOUNCE_ACK)",
			 hw->port_id, status);
}
