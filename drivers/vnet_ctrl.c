/* SPDX-License-Identifier: BSD-3-Clause */
/* The control queue's lifecycle with the port, queue pairs and announce. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <ethdev_driver.h>

#include "vnet_ctrl.h"
#include "vnet_log.h"
#include "vnet_mq.h"
#include "vnet_transport.h"
#include "vnet_virtqueue.h"

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
	pairs = vnet_ctrl_le(hw) ? rte_le_to_cpu_16(raw) : raw;
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

	int ret = vnet_ops(c->hw)->notify(c->hw, c->index, c->notify_off);

	/* The command then times out with its own error line. */
	if (ret != 0)
		VNET_LOG(ERR, c->hw->name,
			 "control queue %u: doorbell write failed: %s (legacy BAR0 through %s)",
			 c->index, strerror(-ret),
			 vnet_io_method_name(vnet_local(c->hw)->legacy_io.method));
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
	ring = vnet_vring_mem_size(hw->ring_layout, num, VNET_LEGACY_RING_ALIGN);
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
	vnet_ctrlq_init(&c->q, hw->ring_layout, c->mz->addr, num, VNET_LEGACY_RING_ALIGN,
			c->extra);
	vnet_vring_set_in_order(&c->q.vr, vnet_kind_in_order(hw->ring_kind));
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
		.vector = VNET_MSI_NO_VECTOR, /* polled, never interrupts */
	};
	vnet_vq_ring_addrs(&c->q.vr, c->mz->iova, &a);
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

int
vnet_ctrl_send(struct vnet_hw *hw, const struct vnet_ctrl_cmd *cmd)
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

int
vnet_ctrl_needed(struct vnet_hw *hw, unsigned int feature, const char *what)
{
	if (!vnet_has_feature(hw, feature)) {
		VNET_LOG(ERR, hw->name,
			 "port %u: %s needs feature bit %u, which the device does not offer; the device receives as it is configured on the host",
			 hw->port_id, what, feature);
		return -ENOTSUP;
	}
	return hw->started ? 1 : 0;
}


int
vnet_ctrl_start(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_ctrl_cmd cmd;
	int ret;

	if (hw->ctrl == NULL)
		return 0;
	if (vnet_has_feature(hw, VNET_F_MQ)) {
		/* After reset only pair 0 runs (virtio 1.2 §5.1.6.5.5). */
		vnet_ctrl_mq_pairs(&cmd, dev->data->nb_rx_queues, vnet_ctrl_le(hw));
		ret = vnet_ctrl_send(hw, &cmd);
		if (ret != 0)
			return ret;
	}
	return vnet_rxfilter_restore(dev);
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
	status = vnet_ctrl_le(hw) ? rte_le_to_cpu_16(raw) : raw;
	if (!(status & VNET_NET_S_ANNOUNCE))
		return;
	/*
	 * The device asks us to announce the port (virtio 1.2 §5.1.6.5.4):
	 * the application owns the tx queues, so net_vnet only acknowledges.
	 */
	vnet_ctrl_announce_ack(&cmd);
	if (vnet_ctrl_send(hw, &cmd) == 0)
		VNET_LOG(INFO, hw->name,
			 "port %u: device asked for an announce (status 0x%x); acknowledged (VIRTIO_NET_CTRL_ANNOUNCE_ACK)",
			 hw->port_id, status);
}
