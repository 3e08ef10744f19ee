/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue start/stop as a table: what a queue becomes, and what the driver
 * does, on each event. Virtio has no per-queue stop without
 * VIRTIO_F_RING_RESET (virtio 1.2 §2.6.1), so a stopped queue is stopped in
 * the driver: an rx queue gets no new buffers (the device drops once the
 * posted ones are full), a tx queue is given nothing to send. Pure, so
 * every row is unit-tested.
 */
#ifndef VNET_QSTATE_H
#define VNET_QSTATE_H

#include <stdbool.h>

enum vnet_qstate {
	VNET_QSTATE_STOPPED = 0, /* RTE_ETH_QUEUE_STATE_STOPPED */
	VNET_QSTATE_STARTED = 1, /* RTE_ETH_QUEUE_STATE_STARTED */
};

enum vnet_qevent {
	VNET_QEV_PORT_START = 0, /* dev_start: the rings were just reset */
	VNET_QEV_PORT_STOP,      /* dev_stop: the device was reset */
	VNET_QEV_QUEUE_START,    /* rx/tx_queue_start */
	VNET_QEV_QUEUE_STOP,     /* rx/tx_queue_stop */
	VNET_QEV_COUNT,
};

enum vnet_qaction {
	VNET_QACT_NONE = 0,
	VNET_QACT_POST,       /* rx: fill the ring with buffers, kick */
	VNET_QACT_DRAIN_POST, /* rx: free what was filled while stopped, then POST */
	VNET_QACT_REFUSE,     /* error; the state does not change */
	VNET_QACT_COUNT,
};

/* What the queue looks like when an event arrives. */
struct vnet_qcase {
	enum vnet_qstate state;
	enum vnet_qevent event;
	bool rx;
	bool deferred;     /* rx/tx_deferred_start in its queue conf */
	bool port_started;
	bool broken;       /* its ring was found broken */
};

struct vnet_qstep {
	enum vnet_qstate next;
	enum vnet_qaction action;
	const char *why; /* REFUSE: what is wrong and what to do */
};

extern const char *const vnet_qevent_names[VNET_QEV_COUNT];
extern const char *const vnet_qaction_names[VNET_QACT_COUNT];

struct vnet_qstep vnet_qstate_step(const struct vnet_qcase *c);

#endif
