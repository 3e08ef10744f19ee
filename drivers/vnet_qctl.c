/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue start/stop and deferred start: the state lives in the ethdev data
 * (rx/tx_queue_state, shared with secondaries), the decisions in
 * vnet_qstate.c, and what they mean for the ring here.
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "vnet_log.h"
#include "vnet_qctl.h"
#include "vnet_rxtx.h"
#include "vnet_virtqueue.h"

/*
 * Free the buffers the device filled while the queue was stopped; they
 * count as stopped_drops. Returns false if the ring turned out broken.
 */
static bool
rx_drain(struct vnet_virtqueue *vq)
{
	struct vnet_vring *r = &vq->vr;

	vq->stats.stopped_drops += vnet_vq_free_used(vq, r->kind);
	if (r->broken) {
		vnet_vq_report_broken(vq);
		return false;
	}
	vnet_vring_suppress_interrupts(r, r->kind, vq->event_idx);
	return true;
}

static int
apply(struct rte_eth_dev *dev, bool rx, uint16_t qid, enum vnet_qevent ev)
{
	struct vnet_hw *hw = dev->data->dev_private;
	struct vnet_virtqueue *vq = rx ? dev->data->rx_queues[qid] :
				    dev->data->tx_queues[qid];
	uint8_t *state = rx ? &dev->data->rx_queue_state[qid] :
			 &dev->data->tx_queue_state[qid];
	struct vnet_qcase c = {
		.state = *state == RTE_ETH_QUEUE_STATE_STARTED ?
			 VNET_QSTATE_STARTED : VNET_QSTATE_STOPPED,
		.event = ev,
		.rx = rx,
		.deferred = vq != NULL && vq->deferred_start,
		.port_started = hw->started,
		.broken = vq != NULL && vq->vr.broken,
	};
	struct vnet_qstep s = vnet_qstate_step(&c);

	if (vq == NULL && ev != VNET_QEV_PORT_STOP) {
		VNET_LOG(ERR, hw->name, "port %u %s queue %u is not set up",
			 hw->port_id, rx ? "rx" : "tx", qid);
		return -EINVAL;
	}
	switch (s.action) {
	case VNET_QACT_REFUSE:
		VNET_LOG(ERR, hw->name, "port %u %s queue %u: %s refused: %s",
			 hw->port_id, rx ? "rx" : "tx", qid,
			 vnet_qevent_names[ev], s.why);
		return c.broken ? -EIO : -EINVAL;
	case VNET_QACT_DRAIN_POST:
		if (!rx_drain(vq))
			return -EIO;
		/* fall through */
	case VNET_QACT_POST:
		if (vnet_rx_refill(vq) == 0 && vq->vr.num_free > 0)
			VNET_LOG(WARNING, hw->name,
				 "rx queue %u: no mbufs available from pool %s to post",
				 qid, vq->mp->name);
		break;
	default:
		break;
	}
	*state = s.next == VNET_QSTATE_STARTED ? RTE_ETH_QUEUE_STATE_STARTED :
						 RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

void
vnet_qctl_port_event(struct rte_eth_dev *dev, enum vnet_qevent ev)
{
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++)
		apply(dev, true, q, ev);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		apply(dev, false, q, ev);
}

int
vnet_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return apply(dev, true, qid, VNET_QEV_QUEUE_START);
}

int
vnet_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return apply(dev, true, qid, VNET_QEV_QUEUE_STOP);
}

int
vnet_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	return apply(dev, false, qid, VNET_QEV_QUEUE_START);
}

int
vnet_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	return apply(dev, false, qid, VNET_QEV_QUEUE_STOP);
}

void
vnet_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		  struct rte_eth_rxq_info *qinfo)
{
	const struct vnet_virtqueue *vq = dev->data->rx_queues[qid];

	qinfo->mp = vq->mp;
	qinfo->nb_desc = vq->vr.num;
	qinfo->rx_buf_size = (uint16_t)RTE_MIN(vnet_rx_buf_capacity(vq->mp),
					       (uint32_t)UINT16_MAX);
	qinfo->scattered_rx = dev->data->scattered_rx;
	qinfo->conf.rx_deferred_start = vq->deferred_start;
	qinfo->queue_state = dev->data->rx_queue_state[qid];
}

void
vnet_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		  struct rte_eth_txq_info *qinfo)
{
	const struct vnet_virtqueue *vq = dev->data->tx_queues[qid];

	qinfo->nb_desc = vq->vr.num;
	qinfo->conf.tx_deferred_start = vq->deferred_start;
	qinfo->queue_state = dev->data->tx_queue_state[qid];
}
