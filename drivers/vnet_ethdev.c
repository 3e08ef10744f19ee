/* SPDX-License-Identifier: BSD-3-Clause */
/* ethdev glue: probe, feature negotiation, device lifecycle, queue setup. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <ethdev_driver.h>
#include <ethdev_pci.h>
#include <bus_pci_driver.h>

#include "vnet_compat.h"
#include "vnet_conf.h"
#include "vnet_ctrl.h"
#include "vnet_devargs.h"
#include "vnet_dpdk.h"
#include "vnet_health.h"
#include "vnet_intr.h"
#include "vnet_log.h"
#include "vnet_mq.h"
#include "vnet_offload.h"
#include "vnet_pci.h"
#include "vnet_qctl.h"
#include "vnet_rss.h"
#include "vnet_ring_feat.h"
#include "vnet_rxtx.h"
#include "vnet_secondary.h"
#include "vnet_spec.h"
#include "vnet_transport.h"
#include "vnet_virtqueue.h"
#include "vnet_xstats.h"

RTE_LOG_REGISTER(vnet_logtype, pmd.net.vnet, NOTICE);

/* Only what the datapath implements is ever negotiated. */
#define VNET_SUPPORTED_FEATURES                                              \
	(VNET_BIT(VNET_F_MAC) | VNET_BIT(VNET_F_STATUS) | VNET_BIT(VNET_F_MTU) | \
	 VNET_BIT(VNET_F_ANY_LAYOUT) | VNET_BIT(VNET_F_RING_EVENT_IDX) |        \
	 VNET_BIT(VNET_F_VERSION_1) | VNET_BIT(VNET_F_ACCESS_PLATFORM) |       \
	 VNET_BIT(VNET_F_ORDER_PLATFORM) | VNET_BIT(VNET_F_MRG_RXBUF) |     \
	 VNET_CTRL_FEATURES)

#define VNET_DEFAULT_RING_SIZE 256
#define VNET_DEFAULT_MTU 1500
/* Largest frame without VIRTIO_NET_F_MTU or LRO, as net_virtio's. */
#define VNET_MAX_RX_PKTLEN 9728

/* Config fields that only exist when their feature is offered. */
static const struct {
	unsigned int feature;
	uint32_t end; /* config must be at least this long */
} vnet_cfg_fields[] = {
	{ VNET_F_MAC, VNET_CFG_MAC + RTE_ETHER_ADDR_LEN },
	{ VNET_F_STATUS, VNET_CFG_STATUS + 2 },
	{ VNET_F_MTU, VNET_CFG_MTU + 2 },
	{ VNET_F_MQ, VNET_CFG_MAX_VQ_PAIRS + 2 },
};

static inline struct vnet_hw *
hw_of(struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

static int
cfg_read16(struct vnet_hw *hw, uint32_t off, uint16_t *v)
{
	uint16_t raw;
	int ret = vnet_ops(hw)->read_dev_cfg(hw, off, &raw, sizeof(raw));

	if (ret == 0)
		*v = hw->modern ? rte_le_to_cpu_16(raw) : raw;
	return ret;
}

/* Reset, then ACKNOWLEDGE, DRIVER, features and (modern) FEATURES_OK. */
static int
vnet_negotiate(struct vnet_hw *hw)
{
	const struct vnet_transport_ops *ops = vnet_ops(hw);
	uint64_t want = VNET_SUPPORTED_FEATURES | hw->offload_features | vnet_ring_feat_offer(hw);
	uint8_t probe[2];
	unsigned int i;
	int ret;

	ret = vnet_reset(hw);
	if (ret != 0)
		return ret;
	vnet_add_status(hw, VNET_STATUS_ACKNOWLEDGE);
	vnet_add_status(hw, VNET_STATUS_DRIVER);

	hw->host_features = ops->get_features(hw);
	if (!hw->modern)
		want &= UINT32_MAX & ~VNET_BIT(VNET_F_VERSION_1);
	else if (!(hw->host_features & VNET_BIT(VNET_F_VERSION_1))) {
		VNET_LOG(ERR, hw->name,
			 "modern interface does not offer VIRTIO_F_VERSION_1 (features 0x%" PRIx64 "); the device is broken",
			 hw->host_features);
		return -ENOTSUP;
	}
	if (!hw->devargs.event_idx)
		want &= ~VNET_BIT(VNET_F_RING_EVENT_IDX);
	/* A feature whose config field the device does not expose is unusable. */
	for (i = 0; i < RTE_DIM(vnet_cfg_fields); i++) {
		uint64_t bit = VNET_BIT(vnet_cfg_fields[i].feature);

		if ((hw->host_features & want & bit) &&
		    ops->read_dev_cfg(hw, vnet_cfg_fields[i].end - 2, probe, 2) != 0) {
			VNET_LOG(NOTICE, hw->name,
				 "device offers feature bit %u but its config space is shorter than %u bytes; not using it",
				 vnet_cfg_fields[i].feature, vnet_cfg_fields[i].end);
			want &= ~bit;
		}
	}
	hw->guest_features = vnet_ctrl_feature_deps(hw->host_features & want);
	vnet_ring_feat_apply(hw);
	ops->set_features(hw, hw->guest_features);
	if (hw->modern) {
		vnet_add_status(hw, VNET_STATUS_FEATURES_OK);
		if (!(ops->get_status(hw) & VNET_STATUS_FEATURES_OK)) {
			VNET_LOG(ERR, hw->name,
				 "device refused features 0x%" PRIx64 " (FEATURES_OK not kept)",
				 hw->guest_features);
			return -ENOTSUP;
		}
	}
	/* num_buffers exists with MRG_RXBUF even on legacy (virtio 1.2 §5.1.6). */
	hw->net_hdr_size = vnet_has_feature(hw, VNET_F_VERSION_1) ||
			   vnet_has_feature(hw, VNET_F_MRG_RXBUF) ?
			   VNET_NET_HDR_V1_SIZE : VNET_NET_HDR_LEGACY_SIZE;
	/* Virtqueue discovery comes after FEATURES_OK (virtio 1.2 §3.1.1). */
	for (i = 0; i < VNET_MAX_VQS; i++)
		hw->queue_max[i] = ops->get_queue_size(hw, (uint16_t)i);
	return 0;
}

static int
vnet_read_config(struct vnet_hw *hw)
{
	uint16_t mtu;
	int ret;

	if (vnet_has_feature(hw, VNET_F_MAC)) {
		ret = vnet_ops(hw)->read_dev_cfg(hw, VNET_CFG_MAC,
						 hw->mac.addr_bytes,
						 RTE_ETHER_ADDR_LEN);
		if (ret != 0) {
			VNET_LOG(ERR, hw->name, "cannot read MAC from device config: %s",
				 strerror(-ret));
			return ret;
		}
	} else {
		rte_eth_random_addr(hw->mac.addr_bytes);
		VNET_LOG(NOTICE, hw->name,
			 "device has no MAC (VIRTIO_NET_F_MAC not offered); using a random one");
	}
	hw->mtu = VNET_DEFAULT_MTU;
	if (vnet_has_feature(hw, VNET_F_MTU) &&
	    cfg_read16(hw, VNET_CFG_MTU, &mtu) == 0) {
		if (mtu < RTE_ETHER_MIN_MTU)
			VNET_LOG(NOTICE, hw->name,
				 "device advertises MTU %u, below the Ethernet minimum; ignoring it",
				 mtu);
		else
			hw->mtu = mtu;
	}
	return vnet_ctrl_read_config(hw);
}

/*
 * A port whose dev_reset failed has no transport: every control call
 * refuses it instead of touching a device we no longer hold.
 */
static int
vnet_usable(struct vnet_hw *hw)
{
	if (vnet_ops(hw) != NULL)
		return 0;
	VNET_LOG(ERR, hw->name,
		 "port %u is closed (its last reset failed, see above); retry rte_eth_dev_reset or detach the device",
		 hw->port_id);
	return -ENODEV;
}

/*
 * Is the device still the one we set up? If not, every queue is broken
 * as if its ring had been, and the application is told to reset the port.
 */
static int
vnet_check_health(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	const struct vnet_transport_ops *ops = vnet_ops(hw);
	enum vnet_health h;
	uint8_t status;
	unsigned int i;

	if (ops == NULL)
		return -ENODEV;
	status = ops->get_status(hw);
	/* Reading features writes a selector: only the primary may. */
	h = vnet_health_check(status, hw->started,
			      rte_eal_process_type() == RTE_PROC_PRIMARY ?
			      ops->get_features(hw) : hw->host_features,
			      hw->host_features);
	if (h == VNET_HEALTH_OK)
		return 0;
	if ((int)h != hw->health) {
		/* Once per verdict, however often the application polls. */
		hw->health = (int)h;
		VNET_LOG(ERR, hw->name,
			 "port %u: %s (status 0x%02x, features 0x%" PRIx64 " at probe); stopping its queues, reset the port (rte_eth_dev_reset)",
			 hw->port_id, vnet_health_names[h], status,
			 hw->host_features);
		if (h == VNET_HEALTH_REMOVED)
			rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RMV,
						     NULL);
	}
	for (i = 0; i < VNET_MAX_VQS; i++)
		if (hw->vqs[i] != NULL)
			vnet_vq_fail_device(hw->vqs[i], status);
	if (!hw->reset_event_raised) {
		hw->reset_event_raised = true;
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RESET, NULL);
	}
	return -EIO;
}

static bool
vnet_link_up(struct vnet_hw *hw)
{
	uint16_t status;

	if (!hw->started)
		return false;
	if (!vnet_has_feature(hw, VNET_F_STATUS))
		return true;
	if (cfg_read16(hw, VNET_CFG_STATUS, &status) != 0)
		return false;
	return (status & VNET_NET_S_LINK_UP) != 0;
}

static int
vnet_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct vnet_hw *hw = hw_of(dev);
	struct rte_eth_link link = {
		.link_speed = hw->devargs.speed ? hw->devargs.speed :
						  RTE_ETH_SPEED_NUM_UNKNOWN,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	RTE_SET_USED(wait_to_complete);
	vnet_ctrl_poll_announce(dev);
	link.link_status = vnet_check_health(dev) == 0 && vnet_link_up(hw) ?
			   RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	return rte_eth_linkstatus_set(dev, &link);
}

static int
vnet_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vnet_hw *hw = hw_of(dev);

	/*
	 * With link-state interrupts on, rte_eth_link_get() no longer asks the
	 * driver, and a removed device sends none: this control call notices.
	 */
	if (dev->data->dev_started)
		(void)vnet_check_health(dev);
	info->max_rx_queues = hw->max_queue_pairs;
	info->max_tx_queues = hw->max_queue_pairs;
	info->max_mac_addrs = 1;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN + hw->net_hdr_size;
	info->max_rx_pktlen = vnet_has_feature(hw, VNET_F_MTU) ?
			      hw->mtu + VNET_FRAME_OVERHEAD : VNET_MAX_RX_PKTLEN;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = info->max_rx_pktlen - VNET_FRAME_OVERHEAD;
	/* What the device offers; negotiated at configure (vnet_offload.h). */
	info->rx_offload_capa = vnet_offload_rx_capa(hw->host_features);
	info->tx_offload_capa = vnet_offload_tx_capa(hw->host_features);
	if (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		info->max_lro_pkt_size = VNET_MAX_LRO_PKTLEN;
	vnet_rxfilter_infos(hw, info);
	vnet_rss_infos(dev, info);
	info->rx_desc_lim.nb_max = VNET_RING_MAX_SIZE;
	/* Smaller rings reach queue setup, which says what is wrong. */
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = VNET_DEFAULT_RING_SIZE;
	info->default_txportconf.ring_size = VNET_DEFAULT_RING_SIZE;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	return 0;
}

/*
 * Features are settled here: an offload the application did not enable
 * must not change what the device sends (no 64 KB frames without LRO), so
 * its bits are negotiated only now, with a reset and a new negotiation
 * when they change. ethdev has already checked the offloads against
 * dev_infos_get, which reports only what the device offers.
 */
static int
vnet_configure_offloads(struct vnet_hw *hw, const struct rte_eth_conf *conf)
{
	uint64_t want = vnet_offload_features(conf->rxmode.offloads,
					      conf->txmode.offloads) &
			hw->host_features;
	uint16_t hdr_size = hw->net_hdr_size;
	int ret;

	if (want == hw->offload_features)
		return 0;
	hw->offload_features = want;
	ret = vnet_negotiate(hw);
	vnet_reset(hw); /* quiet until dev_start, as after probe */
	if (ret == 0 && (hw->guest_features & want) != want)
		ret = -ENOTSUP;
	if (ret == 0 && hw->net_hdr_size != hdr_size)
		ret = -EIO; /* offload bits never change the header layout */
	if (ret != 0) {
		VNET_LOG(ERR, hw->name,
			 "port %u: the device refused offload features 0x%" PRIx64 " (features 0x%" PRIx64 " of 0x%" PRIx64 "); configure without those rx/tx offloads",
			 hw->port_id, want, hw->guest_features, hw->host_features);
		hw->offload_features = 0;
		if (vnet_negotiate(hw) == 0)
			vnet_reset(hw);
		return ret < 0 ? ret : -ENOTSUP;
	}
	VNET_LOG(INFO, hw->name,
		 "port %u: features 0x%" PRIx64 " of 0x%" PRIx64 " with rx offloads 0x%" PRIx64 ", tx offloads 0x%" PRIx64,
		 hw->port_id, hw->guest_features, hw->host_features,
		 conf->rxmode.offloads, conf->txmode.offloads);
	return 0;
}

static int
vnet_dev_configure(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	char err[256];
	int ret;

	ret = vnet_usable(hw);
	if (ret == 0)
		ret = vnet_check_health(dev); /* logged; the fix is a port reset */
	if (ret != 0)
		return ret;
	ret = vnet_conf_queue_counts(dev->data->nb_rx_queues,
				     dev->data->nb_tx_queues,
				     hw->max_queue_pairs, err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "port %u: %s", hw->port_id, err);
		return ret;
	}
	ret = vnet_rss_configure(dev);
	if (ret != 0)
		return ret;
	/* Offloads may reset the device: interrupt vectors are set after. */
	ret = vnet_configure_offloads(hw, conf);
	if (ret != 0)
		return ret;
	return vnet_intr_configure(dev);
}

static bool
vnet_rx_scatter(const struct rte_eth_dev *dev)
{
	return (dev->data->dev_conf.rxmode.offloads &
		RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
}

/* Largest frame a port accepts: dev_infos_get's max_rx_pktlen, or LRO's. */
static uint32_t
vnet_max_rx_pktlen(const struct vnet_hw *hw)
{
	if (vnet_has_feature(hw, VNET_F_GUEST_TSO4) ||
	    vnet_has_feature(hw, VNET_F_GUEST_TSO6))
		return VNET_MAX_LRO_PKTLEN;
	return vnet_has_feature(hw, VNET_F_MTU) ?
	       (uint32_t)hw->mtu + VNET_FRAME_OVERHEAD : VNET_MAX_RX_PKTLEN;
}

/* The port's bursts (vnet_burst.c), at start and when a secondary attaches. */
static void
vnet_pick_bursts(struct rte_eth_dev *dev)
{
	const struct vnet_hw *hw = hw_of(dev);
	const struct vnet_burst_row *b = vnet_burst_pick(hw->ring_kind,
				vnet_has_feature(hw, VNET_F_MRG_RXBUF));

	dev->rx_pkt_burst = b->rx;
	dev->tx_pkt_burst = b->tx;
	dev->tx_pkt_prepare = vnet_tx_prepare;
}

/*
 * Per-queue datapath settings once features are final. Without scatter
 * rx a frame must fit one buffer: longer ones are dropped and counted.
 */
static void
vnet_queues_mode(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct vnet_virtqueue *vq = dev->data->rx_queues[q];

		vq->rx_hdr_flags = vnet_has_feature(hw, VNET_F_GUEST_CSUM);
		vq->rx_max_frame = vnet_max_rx_pktlen(hw);
		if (!vnet_rx_scatter(dev))
			vq->rx_max_frame = RTE_MIN(vq->rx_max_frame,
						   vnet_rx_buf_capacity(vq->mp));
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct vnet_virtqueue *vq = dev->data->tx_queues[q];

		vq->tx_offload = vnet_has_feature(hw, VNET_F_CSUM);
	}
	vnet_pick_bursts(dev);
}

static void
vnet_queue_release(struct rte_eth_dev *dev, void **slot, uint16_t vq_index)
{
	struct vnet_hw *hw = hw_of(dev);

	vnet_vq_free(*slot, !hw->reset_unconfirmed);
	*slot = NULL;
	hw->vqs[vq_index] = NULL;
}

static void
vnet_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	vnet_queue_release(dev, &dev->data->rx_queues[qid], vnet_mq_rx_vq(qid));
}

static void
vnet_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	vnet_queue_release(dev, &dev->data->tx_queues[qid], vnet_mq_tx_vq(qid));
}

static int
vnet_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		    unsigned int socket, const struct rte_eth_rxconf *conf,
		    struct rte_mempool *mp)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_virtqueue *vq;
	char err[384];
	int ret;

	RTE_SET_USED(conf);
	ret = vnet_usable(hw);
	if (ret != 0)
		return ret;
	ret = vnet_conf_rx_buf(vnet_rx_buf_capacity(mp), mp->name,
			       dev->data->mtu, vnet_has_feature(hw, VNET_F_MTU),
			       hw->mtu, vnet_has_feature(hw, VNET_F_MRG_RXBUF),
			       vnet_rx_scatter(dev), err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "rx queue %u: %s", qid, err);
		return ret;
	}
	if (dev->data->rx_queues[qid] != NULL)
		vnet_rx_queue_release(dev, qid);
	ret = vnet_vq_create(hw, VNET_VQ_RX, qid, nb_desc, socket, &vq);
	if (ret != 0)
		return ret;
	vq->mp = mp;
	vq->deferred_start = conf->rx_deferred_start;
	dev->data->rx_queues[qid] = vq;
	hw->vqs[vq->index] = vq;
	return 0;
}

static int
vnet_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		    unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_virtqueue *vq;
	int ret;

	RTE_SET_USED(conf);
	ret = vnet_usable(hw);
	if (ret != 0)
		return ret;
	if (dev->data->tx_queues[qid] != NULL)
		vnet_tx_queue_release(dev, qid);
	ret = vnet_vq_create(hw, VNET_VQ_TX, qid, nb_desc, socket, &vq);
	if (ret != 0)
		return ret;
	vq->deferred_start = conf->tx_deferred_start;
	dev->data->tx_queues[qid] = vq;
	hw->vqs[vq->index] = vq;
	return 0;
}

static void
vnet_rings_reset(struct vnet_hw *hw)
{
	unsigned int i;

	for (i = 0; i < VNET_MAX_VQS; i++)
		if (hw->vqs[i] != NULL)
			vnet_vq_reset_ring(hw->vqs[i]);
}

/* Every configured queue exists and still fits the device. */
static int
vnet_queues_ready(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	unsigned int i;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		if (dev->data->rx_queues[q] == NULL) {
			VNET_LOG(ERR, hw->name, "port %u: rx queue %u is not set up",
				 hw->port_id, q);
			return -EINVAL;
		}
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		if (dev->data->tx_queues[q] == NULL) {
			VNET_LOG(ERR, hw->name, "port %u: tx queue %u is not set up",
				 hw->port_id, q);
			return -EINVAL;
		}
	for (i = 0; i < VNET_MAX_VQS; i++) {
		const struct vnet_virtqueue *vq = hw->vqs[i];

		if (vq == NULL)
			continue;
		if (vq->vr.num > hw->queue_max[i] ||
		    (!hw->modern && vq->vr.num != hw->queue_max[i])) {
			VNET_LOG(ERR, hw->name,
				 "port %u: virtqueue %u was set up with %u entries but the device now offers %u; set the queues up again",
				 hw->port_id, i, vq->vr.num, hw->queue_max[i]);
			return -EIO;
		}
	}
	return 0;
}

static int
vnet_dev_start(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	uint64_t features = hw->guest_features;
	uint16_t q;
	int ret;

	ret = vnet_usable(hw);
	if (ret != 0)
		return ret;
	ret = vnet_negotiate(hw);
	if (ret != 0)
		goto fail;
	if (hw->guest_features != features) {
		/* Queues were sized for the old header layout. */
		VNET_LOG(ERR, hw->name,
			 "device features changed since probe (0x%" PRIx64 " -> 0x%" PRIx64 "); reset the port",
			 features, hw->guest_features);
		ret = -EIO;
		goto fail;
	}
	ret = vnet_queues_ready(dev);
	if (ret == 0)
		ret = vnet_intr_start(dev); /* vectors before the queues take them */
	if (ret != 0)
		goto fail;
	/* The reset above was confirmed: buffers held since are safe to free. */
	vnet_rings_reset(hw);
	for (q = 0; q < VNET_MAX_VQS; q++) {
		if (hw->vqs[q] == NULL)
			continue;
		ret = vnet_vq_attach(hw->vqs[q]);
		if (ret != 0)
			goto fail;
	}
	ret = vnet_ctrl_attach(dev);
	if (ret != 0)
		goto fail;
	vnet_add_status(hw, VNET_STATUS_DRIVER_OK);
	if (vnet_ops(hw)->get_status(hw) & (VNET_STATUS_DEVICE_NEEDS_RESET |
					    VNET_STATUS_FAILED)) {
		VNET_LOG(ERR, hw->name, "device reports an error after DRIVER_OK (status 0x%x)",
			 vnet_ops(hw)->get_status(hw));
		ret = -EIO;
		goto fail;
	}
	vnet_queues_mode(dev);
	hw->started = true;
	hw->reset_event_raised = false;
	hw->health = VNET_HEALTH_OK;
	ret = vnet_ctrl_start(dev);
	if (ret != 0) {
		hw->started = false;
		goto fail;
	}
	vnet_qctl_port_event(dev, VNET_QEV_PORT_START);
	vnet_link_update(dev, 0);
	return 0;
fail:
	vnet_reset(hw);
	vnet_intr_stop(dev);
	return ret;
}

static int
vnet_dev_stop(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	struct rte_eth_link link = { .link_status = RTE_ETH_LINK_DOWN };

	if (vnet_ops(hw) == NULL)
		return 0;
	/*
	 * Reset first: the device must stop touching buffers before we free
	 * them. If it never confirms, the buffers stay in the rings, out of
	 * the pool, until a later reset is confirmed (start, reset, close).
	 */
	if (vnet_reset(hw) == 0)
		vnet_rings_reset(hw);
	else
		VNET_LOG(WARNING, hw->name,
			 "port %u: keeping the rx/tx buffers out of their pools until the device confirms a reset",
			 hw->port_id);
	hw->started = false;
	vnet_intr_stop(dev);
	vnet_qctl_port_event(dev, VNET_QEV_PORT_STOP);
	rte_eth_linkstatus_set(dev, &link);
	return 0;
}

static void
vnet_teardown(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	bool was_started = hw->started;
	uint16_t q;

	if (vnet_ops(hw) == NULL)
		return;
	if (was_started)
		vnet_dev_stop(dev);
	/* Stopped ports get their reset here; unconfirmed ones a second try. */
	if (!was_started || hw->reset_unconfirmed)
		vnet_reset(hw);
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		vnet_rx_queue_release(dev, q);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		vnet_tx_queue_release(dev, q);
	vnet_ctrl_free(hw, !hw->reset_unconfirmed);
	vnet_transport_fini(RTE_ETH_DEV_TO_PCI(dev), hw);
}

static int
vnet_dev_close(struct rte_eth_dev *dev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return vnet_secondary_close(dev);
	vnet_teardown(dev);
	return 0;
}

static int
vnet_stats_get(VNET_STATS_GET_PARAMS(dev, stats, qstats))
{
	vnet_queue_stats_t *qs = VNET_QUEUE_STATS(stats, qstats);
	uint16_t q;

	stats->rx_nombuf = 0;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct vnet_virtqueue *vq = dev->data->rx_queues[q];

		if (vq == NULL)
			continue;
		stats->ipackets += vq->stats.packets;
		stats->ibytes += vq->stats.bytes;
		stats->ierrors += vq->stats.errors;
		stats->rx_nombuf += vq->rx_nombuf;
		if (qs != NULL && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_ipackets[q] = vq->stats.packets;
			qs->q_ibytes[q] = vq->stats.bytes;
			qs->q_errors[q] = vq->stats.errors;
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct vnet_virtqueue *vq = dev->data->tx_queues[q];

		if (vq == NULL)
			continue;
		stats->opackets += vq->stats.packets;
		stats->obytes += vq->stats.bytes;
		stats->oerrors += vq->stats.errors;
		if (qs != NULL && q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_opackets[q] = vq->stats.packets;
			qs->q_obytes[q] = vq->stats.bytes;
		}
	}
	return 0;
}

static int
vnet_stats_reset(struct rte_eth_dev *dev)
{
	unsigned int i;
	struct vnet_hw *hw = hw_of(dev);

	for (i = 0; i < VNET_MAX_VQS; i++) {
		if (hw->vqs[i] == NULL)
			continue;
		memset(&hw->vqs[i]->stats, 0, sizeof(hw->vqs[i]->stats));
		hw->vqs[i]->rx_nombuf = 0;
	}
	return 0;
}

static int
vnet_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct vnet_hw *hw = hw_of(dev);
	char err[384];
	uint16_t q;
	int ret;

	ret = vnet_usable(hw);
	if (ret == 0)
		ret = vnet_check_health(dev);
	if (ret != 0)
		return ret;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct vnet_virtqueue *vq = dev->data->rx_queues[q];

		if (vq == NULL)
			continue;
		ret = vnet_conf_rx_buf(vnet_rx_buf_capacity(vq->mp), vq->mp->name,
				       mtu, vnet_has_feature(hw, VNET_F_MTU),
				       hw->mtu, vnet_has_feature(hw, VNET_F_MRG_RXBUF),
				       vnet_rx_scatter(dev), err, sizeof(err));
		if (ret != 0) {
			VNET_LOG(ERR, hw->name, "MTU %u, rx queue %u: %s", mtu, q, err);
			return ret;
		}
	}
	return 0;
}

static int vnet_eth_dev_init(struct rte_eth_dev *dev);

static int
vnet_dev_reset(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	char name[sizeof(hw->name)];
	uint16_t port = hw->port_id;
	int ret;

	snprintf(name, sizeof(name), "%s", hw->name);
	vnet_teardown(dev);
	ret = vnet_eth_dev_init(dev);
	if (ret != 0) {
		/* Init undid its own work: the port has no transport, and every op refuses it. */
		VNET_LOG(ERR, name,
			 "port %u: reset failed (%s); the port is closed: fix the device and retry rte_eth_dev_reset, or detach it",
			 port, ret > 0 ? "device not usable by vnet" : strerror(-ret));
		return ret > 0 ? -ENODEV : ret;
	}
	return 0;
}

static const struct eth_dev_ops vnet_eth_ops = {
	.dev_configure = vnet_dev_configure,
	.dev_start = vnet_dev_start,
	.dev_stop = vnet_dev_stop,
	.dev_close = vnet_dev_close,
	.dev_reset = vnet_dev_reset,
	.dev_infos_get = vnet_dev_infos_get,
	.link_update = vnet_link_update,
	.stats_get = vnet_stats_get,
	.stats_reset = vnet_stats_reset,
	.xstats_get = vnet_xstats_get,
	.xstats_get_names = vnet_xstats_get_names,
	.xstats_reset = vnet_stats_reset,
	.rx_queue_start = vnet_rx_queue_start,
	.rx_queue_stop = vnet_rx_queue_stop,
	.tx_queue_start = vnet_tx_queue_start,
	.tx_queue_stop = vnet_tx_queue_stop,
	.rxq_info_get = vnet_rxq_info_get,
	.txq_info_get = vnet_txq_info_get,
	.mtu_set = vnet_mtu_set,
	.rx_queue_setup = vnet_rx_queue_setup,
	.rx_queue_release = vnet_rx_queue_release,
	.tx_queue_setup = vnet_tx_queue_setup,
	.tx_queue_release = vnet_tx_queue_release,
	.promiscuous_enable = vnet_promiscuous_enable,
	.promiscuous_disable = vnet_promiscuous_disable,
	.allmulticast_enable = vnet_allmulticast_enable,
	.allmulticast_disable = vnet_allmulticast_disable,
	.mac_addr_set = vnet_mac_addr_set,
	.mac_addr_add = vnet_mac_addr_add,
	.mac_addr_remove = vnet_mac_addr_remove,
	.set_mc_addr_list = vnet_set_mc_addr_list,
	.vlan_filter_set = vnet_vlan_filter_set,
	.vlan_offload_set = vnet_vlan_offload_set,
	.rss_hash_update = vnet_rss_hash_update,
	.rss_hash_conf_get = vnet_rss_hash_conf_get,
	.reta_update = vnet_reta_update,
	.reta_query = vnet_reta_query,
	.rx_queue_intr_enable = vnet_rx_queue_intr_enable,
	.rx_queue_intr_disable = vnet_rx_queue_intr_disable,
};

static int
vnet_eth_dev_init(struct rte_eth_dev *dev)
{
	struct rte_pci_device *pci = RTE_ETH_DEV_TO_PCI(dev);
	struct vnet_hw *hw = hw_of(dev);
	const char *args = vnet_pci_devargs(pci);
	char err[256];
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		ret = vnet_secondary_init(dev, &vnet_eth_ops);
		if (ret == 0)
			vnet_pick_bursts(dev); /* the primary's features */
		return ret;
	}
	memset(hw, 0, sizeof(*hw));
	snprintf(hw->name, sizeof(hw->name), "%s", vnet_pci_name(pci));
	hw->port_id = dev->data->port_id;
	ret = vnet_devargs_parse(args, &hw->devargs, err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "%s", err);
		return ret;
	}

	ret = vnet_transport_init(pci, hw);
	if (ret != 0)
		return ret; /* 1: not ours, already explained */

	ret = vnet_negotiate(hw);
	if (ret == 0)
		ret = vnet_transport_check_dma(hw);
	if (ret == 0)
		ret = vnet_read_config(hw);
	/* Leave the device quiet until dev_start. */
	vnet_reset(hw);
	if (ret != 0)
		goto fail;

	if (dev->data->mac_addrs == NULL) {
		dev->data->mac_addrs = rte_zmalloc("vnet_mac",
						   RTE_ETHER_ADDR_LEN * VNET_MAC_ADDRS, 0);
		if (dev->data->mac_addrs == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	rte_ether_addr_copy(&hw->mac, &dev->data->mac_addrs[0]);
	dev->data->mtu = RTE_MIN(hw->mtu, (uint16_t)VNET_DEFAULT_MTU);
	dev->dev_ops = &vnet_eth_ops;
	vnet_pick_bursts(dev); /* again at start, once offloads are settled */
	vnet_intr_probe(dev);

	VNET_LOG(INFO, hw->name,
		 "port %u: %s virtio-net, features 0x%" PRIx64 " of 0x%" PRIx64 ", MAC " RTE_ETHER_ADDR_PRT_FMT ", MTU %u",
		 hw->port_id, vnet_ops(hw)->name, hw->guest_features,
		 hw->host_features, RTE_ETHER_ADDR_BYTES(&hw->mac), hw->mtu);
	hw->magic = VNET_HW_MAGIC; /* secondaries may attach from now on */
	return 0;
fail:
	vnet_ctrl_free(hw, !hw->reset_unconfirmed);
	vnet_transport_fini(pci, hw);
	return ret;
}

static int
vnet_eth_dev_uninit(struct rte_eth_dev *dev)
{
	return vnet_dev_close(dev);
}

static int
vnet_pci_probe(struct rte_pci_driver *drv, struct rte_pci_device *pci)
{
	RTE_SET_USED(drv);
	if (vnet_dpdk_check(vnet_pci_name(pci)) != 0)
		return 1; /* another DPDK release: leave the device to others */
	return rte_eth_dev_pci_generic_probe(pci, sizeof(struct vnet_hw),
					     vnet_eth_dev_init);
}

static int
vnet_pci_remove(struct rte_pci_device *pci)
{
	return rte_eth_dev_pci_generic_remove(pci, vnet_eth_dev_uninit);
}

static const struct rte_pci_id vnet_pci_ids[] = {
	{ RTE_PCI_DEVICE(VNET_PCI_VENDOR_REDHAT_QUMRANET,
			 VNET_PCI_DEVICE_NET_TRANSITIONAL) },
	{ RTE_PCI_DEVICE(VNET_PCI_VENDOR_REDHAT_QUMRANET,
			 VNET_PCI_DEVICE_NET_MODERN) },
	{ .vendor_id = 0 },
};

struct rte_pci_driver vnet_pci_driver = {
	.id_table = vnet_pci_ids,
	.probe = vnet_pci_probe,
	.remove = vnet_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_vnet, vnet_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_vnet, vnet_pci_ids);
RTE_PMD_REGISTER_KMOD_DEP(net_vnet, "* igb_uio | uio_pci_generic | vfio-pci");
RTE_PMD_REGISTER_PARAM_STRING(net_vnet, VNET_DEVARGS_HELP);
