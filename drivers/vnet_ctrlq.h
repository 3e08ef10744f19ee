/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control virtqueue: one command at a time, synchronous, with a
 * bounded wait. The ring core (vnet_vring.h) checks the used entry; the
 * ack byte is checked here. No DPDK: the device, the clock and the pause
 * between polls are callbacks, so a unit test plays a device that answers,
 * lies or never answers.
 */
#ifndef VNET_CTRLQ_H
#define VNET_CTRLQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_ctrl_cmd.h"
#include "vnet_vring.h"

struct vnet_ctrlq_env {
	void (*notify)(void *ctx);     /* kick the device */
	uint64_t (*now_us)(void *ctx); /* monotonic clock */
	void (*pause)(void *ctx);      /* between two looks at the used ring */
	void *ctx;
};

struct vnet_ctrlq {
	struct vnet_vring vr;
	bool event_idx;
	/* A command was never answered: its buffer still belongs to the device. */
	bool stalled;
	volatile uint8_t *buf;  /* VNET_CTRL_BUF_SIZE bytes the device reads */
	uint64_t buf_iova;
	uint32_t timeout_us;
	struct vnet_ctrlq_env env;
	struct vnet_desc_extra *extra; /* vr.num entries */
};

enum vnet_ctrlq_result {
	VNET_CTRLQ_OK = 0,
	VNET_CTRLQ_DEVICE_ERR,  /* the device answered VIRTIO_NET_ERR */
	VNET_CTRLQ_BAD_ACK,     /* the ack byte is neither OK nor ERR */
	VNET_CTRLQ_TIMEOUT,     /* no answer within timeout_us */
	VNET_CTRLQ_BAD_USED,    /* the used entry broke the ring */
	VNET_CTRLQ_STALLED,     /* an earlier command was never answered */
	VNET_CTRLQ_NO_ROOM,     /* the ring is too small for the command */
	VNET_CTRLQ_RESULT_COUNT,
};

/* Lay the queue out in ring memory mem (see vnet_vring_init_layout), reset it. */
void vnet_ctrlq_init(struct vnet_ctrlq *q, enum vnet_layout lay, void *mem,
		     uint16_t num, size_t align, struct vnet_desc_extra *extra);
/* Empty ring, nothing stalled: after a reset the device confirmed. */
void vnet_ctrlq_reset(struct vnet_ctrlq *q);

/* Send c and wait for the device's answer; *ack is the byte it wrote. */
enum vnet_ctrlq_result vnet_ctrlq_exec(struct vnet_ctrlq *q,
				       const struct vnet_ctrl_cmd *c,
				       uint8_t *ack);

/*
 * The one-line error for a result other than OK: the command, what the
 * device did and what to do. The caller prefixes the device name.
 */
void vnet_ctrlq_explain(const struct vnet_ctrlq *q, enum vnet_ctrlq_result res,
			const struct vnet_ctrl_cmd *c, uint8_t ack, char *err,
			size_t len);

#endif
