/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupts. Link state: the config-change interrupt runs an EAL callback
 * that re-reads the link and raises RTE_ETH_EVENT_INTR_LSC on a change.
 * Rx: the application sleeps on the EAL event fd of a queue; we only move
 * the ring's suppression (virtio 1.2 §2.7.10) and ack the line.
 */
#include <errno.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_interrupts.h>
#include <ethdev_driver.h>
#include <ethdev_pci.h>
#include <bus_pci_driver.h>

#include "vnet_intr.h"
#include "vnet_intr_line.h"
#include "vnet_log.h"
#include "vnet_spec.h"
#include "vnet_transport.h"
#include "vnet_virtqueue.h"

#define VNET_UNREGISTER_TRIES 100 /* 1 ms apart: a running callback ends */

static inline struct vnet_hw *
hw_of(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

static struct vnet_intr_dev
intr_dev(const struct vnet_hw *hw)
{
	return (struct vnet_intr_dev){
		.kdrv = hw->kdrv, .msix_cap = hw->msix_cap_off != 0,
		.msix_on = hw->msix_enabled, .msix_table = hw->msix_table,
	};
}

/* Why EAL's interrupt handle cannot serve the line the binding gives, or NULL. */
static const char *
handle_mismatch(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_intr_dev d = intr_dev(hw);
	enum rte_intr_handle_type t = rte_intr_type_get(dev->intr_handle);

	if (t == RTE_INTR_HANDLE_UNKNOWN)
		return "EAL has no interrupt handle for the device";
	/* EAL picks vfio's MSI-X index even when the device has no MSI-X. */
	if (vnet_intr_line(&d) == VNET_INTR_LINE_INTX && hw->kdrv == VNET_KDRV_VFIO &&
	    t == RTE_INTR_HANDLE_VFIO_MSIX)
		return "the device has no MSI-X but EAL set vfio up for MSI-X; start EAL with --vfio-intr legacy";
	return NULL;
}

void
vnet_intr_probe(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_intr_dev d;
	bool ok;
	uint16_t ctrl = vnet_msix_ctrl(dev, &ok);

	hw->msix_table = ok ? (ctrl & VNET_MSIX_TABLE_SIZE_MASK) + 1 : 0;
	d = intr_dev(hw);
	/* Link changes are only signalled through the status field. */
	if (vnet_has_feature(hw, VNET_F_STATUS) &&
	    vnet_intr_line(&d) != VNET_INTR_LINE_NONE && handle_mismatch(dev) == NULL)
		dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	else
		dev->data->dev_flags &= ~RTE_ETH_DEV_INTR_LSC;
}

int
vnet_intr_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_intr_conf *c = &dev->data->dev_conf.intr_conf;
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_intr_dev d = intr_dev(hw);
	struct vnet_intr_plan p;
	char err[384];
	int ret;

	const char *why;

	if (c->lsc && !vnet_has_feature(hw, VNET_F_STATUS)) {
		VNET_LOG(ERR, hw->name,
			 "port %u: intr_conf.lsc=1 but the device cannot signal link changes (VIRTIO_NET_F_STATUS not offered); set intr_conf.lsc=0 and poll rte_eth_link_get_nowait",
			 hw->port_id);
		return -ENOTSUP;
	}
	ret = vnet_intr_plan(&d, c->lsc, c->rxq, dev->data->nb_rx_queues, &p,
			     err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "port %u: %s", hw->port_id, err);
		return ret;
	}
	why = c->lsc || c->rxq ? handle_mismatch(dev) : NULL;
	if (why != NULL) {
		VNET_LOG(ERR, hw->name, "port %u: interrupts requested (lsc=%u rxq=%u) but %s",
			 hw->port_id, c->lsc, c->rxq, why);
		return -ENOTSUP;
	}
	return 0;
}

/* Re-read the link; tell the application if it changed. */
static void
lsc_check(struct rte_eth_dev *dev)
{
	if (dev->dev_ops->link_update(dev, 0) == 0)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/*
 * Reading ISR status acks the device (it drops its INTx line); on a
 * shared line it also says whether the config changed (virtio 1.2
 * §4.1.4.5). MSI-X does not set it reliably: check the link anyway.
 */
static void
ack_device(struct rte_eth_dev *dev, bool lsc)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_isr isr = vnet_isr_decode(vnet_ops(hw)->get_isr(hw));

	if (isr.gone)
		return;
	if (lsc && (isr.config || !hw->intr.isr_names_source))
		lsc_check(dev);
}

/* EAL interrupt thread: the config-change interrupt (or the shared line). */
static void
vnet_intr_handler(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct vnet_hw *hw = hw_of(dev);

	if (vnet_ops(hw) == NULL || !hw->intr_on)
		return;
	ack_device(dev, true);
	vnet_line_ack(dev);
}

static int
setup_efds(struct rte_eth_dev *dev, const struct vnet_intr_plan *p)
{
	struct rte_intr_handle *h = dev->intr_handle;
	uint16_t q;

	if (rte_intr_efd_enable(h, p->nb_efd) != 0 ||
	    rte_intr_vec_list_alloc(h, "vnet_intr_vec", p->nb_rxq) != 0)
		return -ENOMEM;
	for (q = 0; q < p->nb_rxq; q++)
		if (rte_intr_vec_list_index_set(h, q, RTE_INTR_VEC_RXTX_OFFSET +
						vnet_intr_rxq_efd(p, q)) != 0)
			return -EINVAL;
	return 0;
}

static void
release(struct rte_eth_dev *dev, bool callback)
{
	struct rte_intr_handle *h = dev->intr_handle;
	int i;

	if (callback)
		for (i = 0; i < VNET_UNREGISTER_TRIES; i++) {
			if (rte_intr_callback_unregister(h, vnet_intr_handler,
							 dev) != -EAGAIN)
				break;
			rte_delay_us_sleep(1000);
		}
	vnet_line_disable(dev);
	rte_intr_efd_disable(h);
	rte_intr_vec_list_free(h);
	vnet_msix_refresh(dev);
}

int
vnet_intr_start(struct rte_eth_dev *dev)
{
	const struct rte_eth_intr_conf *c = &dev->data->dev_conf.intr_conf;
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_intr_dev d = intr_dev(hw);
	struct vnet_intr_plan *p = &hw->intr;
	bool callback;
	char err[384];
	uint16_t got;
	int ret;

	hw->intr_on = false;
	ret = vnet_intr_plan(&d, c->lsc, c->rxq, dev->data->nb_rx_queues, p,
			     err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "port %u: %s", hw->port_id, err);
		return ret;
	}
	if (!p->lsc && !p->rxq)
		return 0; /* a polling application: nothing changes */
	callback = p->lsc && !p->lsc_from_rxq;
	ret = p->nb_efd ? setup_efds(dev, p) : 0;
	if (ret == 0 && callback)
		ret = rte_intr_callback_register(dev->intr_handle,
						 vnet_intr_handler, dev);
	/* vfio sets its MSI-X vectors up only on enable: again, with our fds. */
	if (ret == 0)
		ret = vnet_line_enable(dev);
	if (ret != 0) {
		VNET_LOG(ERR, hw->name,
			 "port %u: cannot enable interrupts (%s, %u event fds): %s; see the EAL messages above, or set intr_conf to 0 and poll",
			 hw->port_id, vnet_intr_line_names[p->line], p->nb_efd,
			 strerror(ret < 0 ? -ret : ret));
		release(dev, callback);
		return -EIO;
	}
	vnet_msix_refresh(dev);
	if (p->config_vector != VNET_MSI_NO_VECTOR) {
		got = vnet_ops(hw)->set_config_vector(hw, p->config_vector);
		if (got != p->config_vector) {
			VNET_LOG(ERR, hw->name,
				 "port %u: device refused MSI-X vector %u for config changes (reads back 0x%x); give the device more vectors or set intr_conf.lsc=0",
				 hw->port_id, p->config_vector, got);
			release(dev, callback);
			return -ENOSPC;
		}
	}
	hw->intr_on = true;
	VNET_LOG(INFO, hw->name,
		 "port %u: interrupts over %s: lsc %s, rx %s on %u queue%s",
		 hw->port_id, vnet_intr_line_names[p->line],
		 !p->lsc ? "off" : p->lsc_from_rxq ? "on (read at rx re-arm)" : "on",
		 p->rxq ? "on" : "off", p->rxq ? p->nb_rxq : 0,
		 p->rxq && p->nb_rxq == 1 ? "" : "s");
	return 0;
}

void
vnet_intr_stop(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);

	if (!hw->intr_on)
		return;
	hw->intr_on = false;
	release(dev, hw->intr.lsc && !hw->intr.lsc_from_rxq);
}

uint16_t
vnet_intr_vq_vector(const struct rte_eth_dev *dev, uint16_t index)
{
	const struct vnet_hw *hw = hw_of(dev);

	if (!hw->intr_on || index % 2 != 0) /* tx queues never interrupt */
		return VNET_MSI_NO_VECTOR;
	return vnet_intr_rxq_vector(&hw->intr, index / 2);
}

static struct vnet_virtqueue *
rxq_of(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vnet_hw *hw = hw_of(dev);

	if (!hw->intr_on || !hw->intr.rxq || qid >= dev->data->nb_rx_queues ||
	    dev->data->rx_queues[qid] == NULL) {
		VNET_LOG(ERR, hw->name,
			 "port %u rx queue %u: rx interrupts are not set up; configure the port with intr_conf.rxq=1 and start it",
			 hw->port_id, qid);
		return NULL;
	}
	return dev->data->rx_queues[qid];
}

int
vnet_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vnet_hw *hw = hw_of(dev);
	struct vnet_virtqueue *vq = rxq_of(dev, qid);
	uint64_t one = 1;
	uint16_t pending;
	int fd;

	if (vq == NULL)
		return -EINVAL;
	/* A shared line: ack what woke us before asking for more. */
	if (hw->intr.line != VNET_INTR_LINE_MSIX)
		ack_device(dev, hw->intr.lsc_from_rxq);
	pending = vnet_vring_enable_interrupts(&vq->vr, vq->vr.kind, vq->event_idx);
	if (hw->intr.line != VNET_INTR_LINE_MSIX) {
		vnet_line_ack(dev);
		return 0; /* the uio fd cannot be written: the caller polls once more */
	}
	/* Frames that came before the request raise no interrupt: wake ourselves. */
	fd = rte_intr_efds_index_get(dev->intr_handle, vnet_intr_rxq_efd(&hw->intr, qid));
	if (pending != 0 && fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		VNET_LOG(DEBUG, hw->name, "rx queue %u: cannot signal its event fd", qid);
	return 0;
}

int
vnet_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vnet_virtqueue *vq = rxq_of(dev, qid);

	if (vq == NULL)
		return -EINVAL;
	vnet_vring_suppress_interrupts(&vq->vr, vq->vr.kind, vq->event_idx);
	return 0;
}
