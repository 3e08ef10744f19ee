/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mergeable rx buffers (VIRTIO_NET_F_MRG_RXBUF, virtio 1.2 §5.1.6.4): one
 * packet spans num_buffers used entries, the header only in the first.
 * This is the framing decision for each used buffer, without DPDK: the rx
 * burst, the unit tests and the fuzzer run it. Nothing the device wrote is
 * trusted; every verdict for a bad packet or a bad ring is a table row:
 *
 *   first buffer, len < header + Ethernet header   drop this buffer (runt)
 *   num_buffers 0 or above the ring size           ring fault, queue broken
 *   a further buffer with len 0                    drop the packet
 *   frame bytes above max_frame                    drop the packet
 *   buffers of a dropped packet                    consumed and freed
 *
 * A runt's header is not trusted, so it counts as one buffer, as Linux
 * does; a packet can be completed across bursts (the state is kept).
 */
#ifndef VNET_MRG_H
#define VNET_MRG_H

#include <stdbool.h>
#include <stdint.h>

/* What the caller does with the buffer it just took off the used ring. */
enum vnet_mrg_verdict {
	VNET_MRG_APPEND,  /* add to the packet; more buffers follow */
	VNET_MRG_DONE,    /* add to the packet; it is complete: deliver */
	VNET_MRG_DISCARD, /* free it and the packet held so far; more follow */
	VNET_MRG_DROPPED, /* free it and the packet held so far; count a drop */
	VNET_MRG_FAULT,   /* free it and the packet held; break the ring */
	VNET_MRG_VERDICT_COUNT,
};

/* Why a packet was dropped (counters), or the ring broken. */
enum vnet_mrg_reason {
	VNET_MRG_OK = 0,
	VNET_MRG_RUNT,         /* first buffer shorter than a frame header */
	VNET_MRG_ZERO_LEN,     /* a further buffer with no bytes */
	VNET_MRG_TOO_LONG,     /* frame above the largest the port accepts */
	VNET_MRG_BAD_NUM,      /* num_buffers 0 or above the ring size */
	VNET_MRG_REASON_COUNT,
};

extern const char *const vnet_mrg_reason_names[VNET_MRG_REASON_COUNT];

/* A packet being assembled. */
struct vnet_mrg {
	uint16_t want;      /* num_buffers of the packet; 0: none in progress */
	uint16_t have;      /* buffers taken so far */
	uint32_t bytes;     /* frame bytes so far */
	bool drop;          /* the packet is bad: its buffers are freed */
	enum vnet_mrg_reason reason; /* of the drop or fault */
};

/* Where the frame bytes are in the buffer just classified. */
struct vnet_mrg_seg {
	uint16_t off;       /* bytes to skip (the header in a first buffer) */
	uint32_t len;       /* frame bytes in the buffer */
};

/* Does the next buffer start a packet (its header must be read)? */
static inline bool
vnet_mrg_at_head(const struct vnet_mrg *s)
{
	return s->want == 0;
}

/*
 * Classify the next used buffer of len bytes. num_buffers is the header's
 * field, read by the caller from the buffer only when vnet_mrg_at_head();
 * ring_size bounds it; max_frame bounds the frame bytes of one packet.
 */
enum vnet_mrg_verdict vnet_mrg_next(struct vnet_mrg *s, uint32_t len,
				    uint16_t num_buffers, uint16_t hdr_size,
				    uint16_t ring_size, uint32_t max_frame,
				    struct vnet_mrg_seg *seg);

/*
 * The common case, decided inline: a head buffer whose header says the
 * packet is this one buffer, long enough for a frame and not above
 * max_frame. Returns its frame bytes (the packet is complete, the state
 * stays at a head), or 0: classify it with vnet_mrg_next(). Agrees with
 * vnet_mrg_next() on every input (test_mrg checks it over a sweep).
 */
static inline uint32_t
vnet_mrg_single(uint32_t len, uint16_t num_buffers, uint16_t hdr_size,
		uint32_t max_frame)
{
	/* Same bound as vnet_rx_frame_len(): header plus Ethernet header. */
	if (num_buffers != 1 || len < (uint32_t)hdr_size + 14 ||
	    len - hdr_size > max_frame)
		return 0;
	return len - hdr_size;
}

/* Forget a packet in progress (queue reset). */
static inline void
vnet_mrg_reset(struct vnet_mrg *s)
{
	s->want = s->have = 0;
	s->bytes = 0;
	s->drop = false;
	s->reason = VNET_MRG_OK;
}

#endif
