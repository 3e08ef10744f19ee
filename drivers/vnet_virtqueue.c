/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "vnet_log.h"
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
	uint16_t index = 2 * queue_id + (role == VNET_VQ_TX);
	uint16_t dev_max = vnet_ops(hw)->get_queue_size(hw, index);
	enum vnet_ring_size_note note;
	struct vnet_virtqueue *vq;
	char mz_name[RTE_MEMZONE_NAMESIZE];
	uint32_t num;
	size_t ring_size;

	num = vnet_ring_choose_size(nb_desc, dev_max, !hw->modern, &note);
	if (note == VNET_RING_SIZE_INVALID_DEVICE) {
		VNET_LOG(ERR, hw->name,
			 "%s queue %u: device reports queue size %u for virtqueue %u; need a power of two between 1 and %u",
			 role_name(role), queue_id, dev_max, index,
			 VNET_RING_MAX_SIZE);
		return -EINVAL;
	}
	log_size_note(hw, role, queue_id, nb_desc, num, dev_max, note);

	vq = rte_zmalloc_socket("vnet_vq", sizeof(*vq) +
				num * sizeof(struct vnet_vq_slot),
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
	vq->num = (uint16_t)num;
	vq->hdr_size = hw->net_hdr_size;
	vq->event_idx = vnet_has_feature(hw, VNET_F_RING_EVENT_IDX);
	vq->can_push = vnet_has_feature(hw, VNET_F_VERSION_1) ||
		       vnet_has_feature(hw, VNET_F_ANY_LAYOUT);

	/* Legacy needs 4 KiB alignment of the whole ring; modern is happy too. */
	ring_size = vnet_ring_total_size(num, VNET_LEGACY_RING_ALIGN);
	snprintf(mz_name, sizeof(mz_name), "vnet_%u_vq%u", hw->port_id, index);
	vq->ring_mz = rte_memzone_reserve_aligned(mz_name, ring_size, socket,
						  RTE_MEMZONE_IOVA_CONTIG,
						  VNET_LEGACY_RING_ALIGN);
	if (vq->ring_mz == NULL || vq->ring_mz->iova == RTE_BAD_IOVA) {
		VNET_LOG(ERR, hw->name,
			 "%s queue %u: cannot reserve %zu bytes of IOVA-contiguous ring memory (%s); check hugepages",
			 role_name(role), queue_id, ring_size,
			 vq->ring_mz ? "no IOVA" : rte_strerror(rte_errno));
		vnet_vq_free(vq);
		return -ENOMEM;
	}
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
			vnet_vq_free(vq);
			return -ENOMEM;
		}
	}
	vnet_vq_reset_ring(vq);
	*out = vq;
	return 0;
}

void
vnet_vq_free(struct vnet_virtqueue *vq)
{
	if (vq == NULL)
		return;
	vnet_vq_reset_ring(vq);
	rte_memzone_free(vq->ring_mz);
	rte_memzone_free(vq->hdr_mz);
	rte_free(vq);
}

void
vnet_vq_reset_ring(struct vnet_virtqueue *vq)
{
	uint8_t *base;
	uint16_t i;

	for (i = 0; i < vq->num; i++) {
		rte_pktmbuf_free(vq->slots[i].mbuf);
		vq->slots[i].mbuf = NULL;
		vq->slots[i].ndescs = 0;
	}
	if (vq->ring_mz == NULL)
		return;
	base = vq->ring_mz->addr;
	memset(base, 0, vq->ring_mz->len);
	vq->desc = (struct vnet_desc *)base;
	vq->avail_flags = (volatile uint16_t *)(base + vnet_ring_avail_offset(vq->num));
	vq->avail_idx = vq->avail_flags + 1;
	vq->avail_ring = vq->avail_flags + 2;
	vq->used_event = vq->avail_ring + vq->num;
	vq->used_flags = (volatile uint16_t *)(base +
			vnet_ring_used_offset(vq->num, VNET_LEGACY_RING_ALIGN));
	vq->used_idx = vq->used_flags + 1;
	vq->used_ring = (volatile struct vnet_used_elem *)(vq->used_flags + 2);
	vq->avail_event = (volatile uint16_t *)(vq->used_ring + vq->num);

	for (i = 0; i < vq->num; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = vq->num;
	vq->avail_shadow = 0;
	vq->kicked_idx = 0;
	vq->last_used = 0;
	/* Without event index the flag is how a polling driver says "no irq". */
	if (!vq->event_idx)
		*vq->avail_flags = VNET_AVAIL_F_NO_INTERRUPT;
	vnet_vq_suppress_interrupts(vq);
}

int
vnet_vq_attach(struct vnet_virtqueue *vq)
{
	rte_iova_t iova = vq->ring_mz->iova;
	struct vnet_queue_addrs q = {
		.index = vq->index,
		.size = vq->num,
		.desc = iova,
		.avail = iova + vnet_ring_avail_offset(vq->num),
		.used = iova + vnet_ring_used_offset(vq->num, VNET_LEGACY_RING_ALIGN),
	};

	return vnet_ops(vq->hw)->setup_queue(vq->hw, &q, &vq->notify_addr);
}

void
vnet_vq_publish_and_kick(struct vnet_virtqueue *vq)
{
	uint16_t old = vq->kicked_idx, new = vq->avail_shadow;
	bool kick;

	/* Descriptors and ring entries must be visible before the index. */
	__atomic_store_n(vq->avail_idx, new, __ATOMIC_RELEASE);
	/* And the index before we read the device's suppression state. */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		kick = vnet_need_event(*vq->avail_event, new, old);
	else
		kick = !(*vq->used_flags & VNET_USED_F_NO_NOTIFY);
	vq->kicked_idx = new;
	if (kick) {
		vnet_ops(vq->hw)->notify(vq->hw, vq->index, vq->notify_addr);
		vq->stats.kicks++;
	}
}
