/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>
#include <ethdev_driver.h>

#include "vnet_conf.h"
#include "vnet_indirect_mz.h"
#include "vnet_intr.h"
#include "vnet_log.h"
#include "vnet_mq.h"
#include "vnet_rxtx.h"
#include "vnet_virtqueue.h"

static const char *
role_name(enum vnet_vq_role role)
{
	return role == VNET_VQ_RX ? "rx" : "tx";
}

static void
log_size_note(struct vnet_hw *hw, enum vnet_vq_role role, uint16_t qid,
	      uint16_t asked, uint32_t got, uint16_t dev_max,
	      enum vnet_ring_size_note note)
{
	switch (note) {
	case VNET_RING_SIZE_CLAMPED_TO_DEVICE:
		VNET_LOG(WARNING, hw->name,
			 "%s queue %u: nb_desc %u exceeds the device queue size %u; using %u",
			 role_name(role), qid, asked, dev_max, got);
		break;
	case VNET_RING_SIZE_ROUNDED_POW2:
		VNET_LOG(WARNING, hw->name,
			 "%s queue %u: nb_desc %u is not a power of two; using %u",
			 role_name(role), qid, asked, got);
		break;
	case VNET_RING_SIZE_LEGACY_FIXED:
		VNET_LOG(WARNING, hw->name,
			 "%s queue %u: nb_desc %u ignored; legacy devices have a fixed queue size, using %u",
			 role_name(role), qid, asked, got);
		break;
	default:
		break;
	}
}

int
vnet_vq_create(struct vnet_hw *hw, enum vnet_vq_role role, uint16_t queue_id,
	       uint16_t nb_desc, unsigned int socket,
	       struct vnet_virtqueue **out)
{
	uint16_t index = role == VNET_VQ_TX ? vnet_mq_tx_vq(queue_id) :
					      vnet_mq_rx_vq(queue_id);
	/* Read after FEATURES_OK (virtio 1.2 §3.1.1 step 7), at negotiation. */
	uint16_t dev_max = hw->queue_max[index];
	enum vnet_ring_size_note note;
	struct vnet_virtqueue *vq;
	char mz_name[RTE_MEMZONE_NAMESIZE];
	char err[256];
	uint32_t num;
	size_t ring_size;
	int ret;

	ret = vnet_conf_ring_size(role == VNET_VQ_TX, nb_desc, dev_max,
				  !hw->modern, &num, &note, err, sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "%s queue %u (virtqueue %u): %s",
			 role_name(role), queue_id, index, err);
		return ret;
	}
	log_size_note(hw, role, queue_id, nb_desc, num, dev_max, note);

	vq = rte_zmalloc_socket("vnet_vq", sizeof(*vq) +
				num * sizeof(struct vnet_desc_extra),
				RTE_CACHE_LINE_SIZE, socket);
	if (vq == NULL) {
		VNET_LOG(ERR, hw->name, "%s queue %u: out of memory for queue state",
			 role_name(role), queue_id);
		return -ENOMEM;
	}
	vq->hw = hw;
	vq->role = role;
	vq->index = index;
	vq->queue_id = queue_id;
	vq->port_id = hw->port_id;
	vq->hdr_size = hw->net_hdr_size;
	vq->event_idx = vnet_has_feature(hw, VNET_F_RING_EVENT_IDX);
	vq->can_push = vnet_has_feature(hw, VNET_F_VERSION_1) ||
		       vnet_has_feature(hw, VNET_F_ANY_LAYOUT);

	/* Legacy needs 4 KiB alignment of the whole ring; modern is happy too. */
	ring_size = vnet_vring_mem_size(hw->ring_layout, (uint16_t)num,
					VNET_LEGACY_RING_ALIGN);
	snprintf(mz_name, sizeof(mz_name), "vnet_%u_vq%u", hw->port_id, index);
	vq->ring_mz = rte_memzone_reserve_aligned(mz_name, ring_size, socket,
						  RTE_MEMZONE_IOVA_CONTIG,
						  VNET_LEGACY_RING_ALIGN);
	if (vq->ring_mz == NULL || vq->ring_mz->iova == RTE_BAD_IOVA) {
		VNET_LOG(ERR, hw->name,
			 "%s queue %u: cannot reserve %zu bytes of IOVA-contiguous ring memory (%s); check hugepages",
			 role_name(role), queue_id, ring_size,
			 vq->ring_mz ? "no IOVA" : rte_strerror(rte_errno));
		vnet_vq_free(vq, true);
		return -ENOMEM;
	}
	vnet_vring_init_layout(&vq->vr, hw->ring_layout, vq->ring_mz->addr,
			       (uint16_t)num, VNET_LEGACY_RING_ALIGN, vq->extra);
	vnet_vring_set_in_order(&vq->vr, vnet_kind_in_order(hw->ring_kind));
	if (role == VNET_VQ_TX) {
		snprintf(mz_name, sizeof(mz_name), "vnet_%u_vq%u_hdr",
			 hw->port_id, index);
		vq->hdr_mz = rte_memzone_reserve_aligned(mz_name,
				(size_t)num * sizeof(struct vnet_net_hdr),
				socket, RTE_MEMZONE_IOVA_CONTIG,
				RTE_CACHE_LINE_SIZE);
		if (vq->hdr_mz == NULL || vq->hdr_mz->iova == RTE_BAD_IOVA) {
			VNET_LOG(ERR, hw->name,
				 "tx queue %u: cannot reserve header memory",
				 queue_id);
			vnet_vq_free(vq, true);
			return -ENOMEM;
		}
		if (vnet_has_feature(hw, VNET_F_RING_INDIRECT_DESC) &&
		    vnet_indirect_create(hw->name, hw->port_id, index, (uint16_t)num,
					 (int)socket, &vq->ind_mz, &vq->ind) != 0) {
			vnet_vq_free(vq, true);
			return -ENOMEM;
		}
	}
	vnet_vq_reset_ring(vq);
	*out = vq;
	return 0;
}

void
vnet_vq_free(struct vnet_virtqueue *vq, bool device_quiet)
{
	unsigned int held = 0;
	uint16_t i;

	if (vq == NULL)
		return;
	vnet_rx_mrg_reset(vq); /* off the ring already: always safe to free */
	if (device_quiet) {
		if (vq->ring_mz != NULL)
			vnet_vq_reset_ring(vq);
		rte_memzone_free(vq->ring_mz);
		rte_memzone_free(vq->hdr_mz);
		rte_memzone_free(vq->ind_mz);
	} else {
		for (i = 0; vq->ring_mz != NULL && i < vq->vr.num; i++)
			held += vq->extra[i].ndescs != 0;
		VNET_LOG(WARNING, vq->hw->name,
			 "%s queue %u: device did not confirm its reset; leaving its ring memory and %u in-flight buffers allocated so it cannot write into reused memory",
			 role_name(vq->role), vq->queue_id, held);
	}
	rte_free(vq);
}

static void
release_mbuf(void *cookie)
{
	rte_pktmbuf_free(cookie);
}

void
vnet_vq_reset_ring(struct vnet_virtqueue *vq)
{
	struct vnet_vring *r = &vq->vr;

	vnet_vring_reset(r, release_mbuf);
	vnet_rx_mrg_reset(vq); /* a packet half taken off the ring */
	r->io_barriers = vnet_barrier_choose(vq->hw->guest_features) ==
			 VNET_BARRIER_IO;
	vq->fault_reported = false;
	vnet_vring_suppress_interrupts(r, r->kind, vq->event_idx);
}

void
vnet_vq_ring_addrs(const struct vnet_vring *r, rte_iova_t iova,
		   struct vnet_queue_addrs *q)
{
	size_t desc, driver, device;

	vnet_vring_areas(r->layout, r->num, VNET_LEGACY_RING_ALIGN, &desc,
			 &driver, &device);
	q->size = r->num;
	q->desc = iova + desc;
	q->avail = iova + driver;
	q->used = iova + device;
}

int
vnet_vq_attach(struct vnet_virtqueue *vq)
{
	struct vnet_queue_addrs q = {
		.index = vq->index,
		.vector = vnet_intr_vq_vector(&rte_eth_devices[vq->port_id], vq->index),
	};

	vnet_vq_ring_addrs(&vq->vr, vq->ring_mz->iova, &q);
	return vnet_ops(vq->hw)->setup_queue(vq->hw, &q, &vq->notify_off);
}

/*
 * The device never heard the kick: one error line with the reason, then
 * the queue breaks like a bad ring, since a device that waits for kicks
 * would otherwise stall without a word.
 */
static void
notify_failed(struct vnet_virtqueue *vq, int err)
{
	if (!vq->fault_reported)
		VNET_LOG(ERR, vq->hw->name,
			 "port %u virtqueue %u: doorbell write failed: %s (legacy BAR0 through %s); see legacy_io in docs/devargs.md",
			 vq->port_id, vq->index, strerror(err),
			 vnet_io_method_name(vnet_local(vq->hw)->legacy_io.method));
	vnet_vring_fail(&vq->vr, VNET_RING_NOTIFY, (uint32_t)err, 0);
	vnet_vq_report_broken(vq);
}

void
vnet_vq_publish_and_kick(struct vnet_virtqueue *vq)
{
	if (vnet_vring_publish(&vq->vr, vq->vr.kind, vq->event_idx)) {
		int ret = vnet_ops(vq->hw)->notify(vq->hw, vq->index,
						   vq->notify_off);

		vq->stats.kicks++;
		if (unlikely(ret != 0))
			notify_failed(vq, -ret);
	}
}

void
vnet_vq_report_broken(struct vnet_virtqueue *vq)
{
	struct vnet_vring *r = &vq->vr;
	struct vnet_hw *hw = vq->hw;

	if (vq->fault_reported)
		return;
	vq->fault_reported = true;
	vq->stats.ring_faults++;
	VNET_LOG(ERR, hw->name,
		 "port %u %s queue %u (virtqueue %u) is broken: %s (values %u, %u; last_used %u, ring size %u); the queue stops until the port is reset (rte_eth_dev_reset)",
		 vq->port_id, role_name(vq->role), vq->queue_id, vq->index,
		 vnet_ring_fault_names[r->fault], r->fault_a, r->fault_b,
		 r->last_used, r->num);
	if (!hw->reset_event_raised) {
		hw->reset_event_raised = true;
		rte_eth_dev_callback_process(&rte_eth_devices[vq->port_id],
					     RTE_ETH_EVENT_INTR_RESET, NULL);
	}
}

void
vnet_vq_fail_device(struct vnet_virtqueue *vq, uint8_t status)
{
	vnet_vring_fail(&vq->vr, VNET_RING_DEVICE, status, 0);
	vnet_vq_report_broken(vq);
}
