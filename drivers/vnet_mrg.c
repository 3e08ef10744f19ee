/* SPDX-License-Identifier: BSD-3-Clause */
#include "vnet_mrg.h"
#include "vnet_vring.h"

const char *const vnet_mrg_reason_names[VNET_MRG_REASON_COUNT] = {
	[VNET_MRG_OK] = "none",
	[VNET_MRG_RUNT] = "first buffer shorter than a frame header",
	[VNET_MRG_ZERO_LEN] = "a further buffer holds no bytes",
	[VNET_MRG_TOO_LONG] = "frame longer than the port accepts",
	[VNET_MRG_BAD_NUM] = "num_buffers 0 or above the ring size",
};

/* The buffer closes the packet: deliver it, or report its drop. */
static enum vnet_mrg_verdict
finish(struct vnet_mrg *s)
{
	bool drop = s->drop;

	s->want = s->have = 0;
	s->bytes = 0;
	s->drop = false;
	return drop ? VNET_MRG_DROPPED : VNET_MRG_DONE;
}

enum vnet_mrg_verdict
vnet_mrg_next(struct vnet_mrg *s, uint32_t len, uint16_t num_buffers,
	      uint16_t hdr_size, uint16_t ring_size, uint32_t max_frame,
	      struct vnet_mrg_seg *seg)
{
	uint32_t frame;

	seg->off = 0;
	seg->len = 0;
	if (vnet_mrg_at_head(s)) {
		frame = vnet_rx_frame_len(len, hdr_size);
		if (frame == 0) {
			/* Header not trusted: this buffer alone is dropped. */
			s->reason = VNET_MRG_RUNT;
			return VNET_MRG_DROPPED;
		}
		/* The device used at most every buffer of the ring (§5.1.6.4). */
		if (num_buffers == 0 || num_buffers > ring_size) {
			s->reason = VNET_MRG_BAD_NUM;
			return VNET_MRG_FAULT;
		}
		s->want = num_buffers;
		s->have = 1;
		s->bytes = frame;
		s->drop = false;
		seg->off = hdr_size;
		seg->len = frame;
	} else {
		s->have++;
		if (!s->drop && len == 0) {
			s->drop = true;
			s->reason = VNET_MRG_ZERO_LEN;
		}
		/* Bounded by max_frame, so never wraps. */
		s->bytes += s->drop ? 0 : len;
		seg->len = len;
	}
	if (!s->drop && s->bytes > max_frame) {
		s->drop = true;
		s->reason = VNET_MRG_TOO_LONG;
	}
	if (s->have == s->want)
		return finish(s);
	return s->drop ? VNET_MRG_DISCARD : VNET_MRG_APPEND;
}
