/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include "vnet_ctrlq.h"

/* Marks the command's chain in the ring; its value is never the device's. */
static int cmd_cookie;

void
vnet_ctrlq_init(struct vnet_ctrlq *q, enum vnet_layout lay, void *mem,
		uint16_t num, size_t align, struct vnet_desc_extra *extra)
{
	q->extra = extra;
	vnet_vring_init_layout(&q->vr, lay, mem, num, align, extra);
	vnet_ctrlq_reset(q);
}

void
vnet_ctrlq_reset(struct vnet_ctrlq *q)
{
	vnet_vring_reset(&q->vr, NULL);
	q->stalled = false;
	/* We poll: no interrupts, please (virtio 1.2 §2.7.7, §2.8.10). */
	vnet_vring_suppress_interrupts(&q->vr, q->vr.kind, q->event_idx);
}

enum vnet_ctrlq_result
vnet_ctrlq_exec(struct vnet_ctrlq *q, const struct vnet_ctrl_cmd *c, uint8_t *ack)
{
	struct vnet_ctrl_seg segs[VNET_CTRL_SEGS_MAX];
	struct vnet_vring *r = &q->vr;
	unsigned int n = vnet_ctrl_layout(c, segs), i;
	const enum vnet_ring_kind lay = r->kind;
	struct vnet_chain ch = { 0 };
	uint64_t deadline;
	void *cookie;
	uint32_t len;
	size_t dlen;

	*ack = 0xff;
	if (q->stalled)
		return VNET_CTRLQ_STALLED;
	if (r->broken)
		return VNET_CTRLQ_BAD_USED;
	if (!vnet_vring_take(r, lay, (uint16_t)n, &ch))
		return VNET_CTRLQ_NO_ROOM;
	/* Our copy is what the device reads; the ack starts as neither answer. */
	q->buf[VNET_CTRL_HDR_OFF] = c->cls;
	q->buf[VNET_CTRL_HDR_OFF + 1] = c->cmd;
	for (i = 0, dlen = 0; i < c->nparts && i < VNET_CTRL_PARTS_MAX; i++)
		dlen += c->part_len[i];
	memcpy((uint8_t *)(uintptr_t)q->buf + VNET_CTRL_DATA_OFF, c->data, dlen);
	q->buf[VNET_CTRL_ACK_OFF] = 0xff;
	for (i = 0; i < n; i++)
		vnet_vring_chain_add(r, lay, &ch, q->buf_iova + segs[i].off,
				     segs[i].len,
				     (segs[i].device_writes ? VNET_DESC_F_WRITE : 0) |
				     (i + 1 < n ? VNET_DESC_F_NEXT : 0));
	vnet_vring_post(r, lay, &ch, &cmd_cookie, 1);
	if (vnet_vring_publish(r, lay, q->event_idx))
		q->env.notify(q->env.ctx);

	deadline = q->env.now_us(q->env.ctx) + q->timeout_us;
	while (vnet_vring_used_ready(r, lay, 1) == 0) {
		if (r->broken)
			return VNET_CTRLQ_BAD_USED;
		if (q->env.now_us(q->env.ctx) >= deadline) {
			/* The device may still write the ack: keep the buffer its own. */
			q->stalled = true;
			return VNET_CTRLQ_TIMEOUT;
		}
		q->env.pause(q->env.ctx);
	}
	if (!vnet_vring_get_used(r, lay, &cookie, &len) || cookie != &cmd_cookie) {
		vnet_vring_fail(r, VNET_RING_NOT_HEAD, ch.id, r->last_used);
		return VNET_CTRLQ_BAD_USED;
	}
	vnet_vring_suppress_interrupts(r, lay, q->event_idx);
	*ack = q->buf[VNET_CTRL_ACK_OFF];
	if (*ack == VNET_CTRL_OK)
		return VNET_CTRLQ_OK;
	return *ack == VNET_CTRL_ERR ? VNET_CTRLQ_DEVICE_ERR : VNET_CTRLQ_BAD_ACK;
}

void
vnet_ctrlq_explain(const struct vnet_ctrlq *q, enum vnet_ctrlq_result res,
		   const struct vnet_ctrl_cmd *c, uint8_t ack, char *err, size_t len)
{
	char nb[48];
	const char *name = vnet_ctrl_name(c->cls, c->cmd, nb, sizeof(nb));

	switch (res) {
	case VNET_CTRLQ_OK:
		snprintf(err, len, "%s: done", name);
		break;
	case VNET_CTRLQ_DEVICE_ERR:
		snprintf(err, len, "%s: the device refused the command (ack VIRTIO_NET_ERR); check the device's settings (e.g. its backend's limits)",
			 name);
		break;
	case VNET_CTRLQ_BAD_ACK:
		snprintf(err, len, "%s: the device wrote ack 0x%02x, neither VIRTIO_NET_OK nor VIRTIO_NET_ERR; the device is broken, reset the port (rte_eth_dev_reset)",
			 name, ack);
		break;
	case VNET_CTRLQ_TIMEOUT:
		snprintf(err, len, "%s: the device did not answer on the control queue within %u ms; no further control commands until the port is reset (rte_eth_dev_reset)",
			 name, q->timeout_us / 1000);
		break;
	case VNET_CTRLQ_BAD_USED:
		snprintf(err, len, "%s: the control queue is broken: %s (values %u, %u); reset the port (rte_eth_dev_reset)",
			 name, vnet_ring_fault_names[q->vr.fault], q->vr.fault_a,
			 q->vr.fault_b);
		break;
	case VNET_CTRLQ_STALLED:
		snprintf(err, len, "%s: not sent, an earlier control command was never answered; reset the port (rte_eth_dev_reset)",
			 name);
		break;
	case VNET_CTRLQ_NO_ROOM:
		snprintf(err, len, "%s: the control queue has %u entries, fewer than the command needs; the device is broken",
			 name, q->vr.num);
		break;
	default:
		snprintf(err, len, "%s: result %d", name, (int)res);
		break;
	}
}
