/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "vnet_qstate.h"

const char *const vnet_qevent_names[VNET_QEV_COUNT] = {
	[VNET_QEV_PORT_START] = "port start",
	[VNET_QEV_PORT_STOP] = "port stop",
	[VNET_QEV_QUEUE_START] = "queue start",
	[VNET_QEV_QUEUE_STOP] = "queue stop",
};

const char *const vnet_qaction_names[VNET_QACT_COUNT] = {
	[VNET_QACT_NONE] = "none",
	[VNET_QACT_POST] = "post",
	[VNET_QACT_DRAIN_POST] = "drain+post",
	[VNET_QACT_REFUSE] = "refuse",
};

enum { ANY = -1 };

/*
 * First match wins. Read a row as: "on this event, a queue in this state
 * (deferred, port started, broken as given) becomes next, and the driver
 * does this (rx; tx queues never post)".
 */
static const struct {
	enum vnet_qevent event;
	int state, deferred, port_started, broken; /* ANY or the value */
	enum vnet_qstate next;
	enum vnet_qaction action;
	const char *why;
} rules[] = {
	/* event             state                deferred started broken  next                 action */
	{ VNET_QEV_PORT_START, ANY,                0,   ANY, ANY, VNET_QSTATE_STARTED, VNET_QACT_POST, NULL },
	{ VNET_QEV_PORT_START, ANY,                1,   ANY, ANY, VNET_QSTATE_STOPPED, VNET_QACT_NONE, NULL },
	/* The device reset freed the rings: nothing is left to drop. */
	{ VNET_QEV_PORT_STOP,  ANY,                ANY, ANY, ANY, VNET_QSTATE_STOPPED, VNET_QACT_NONE, NULL },
	{ VNET_QEV_QUEUE_START, ANY,               ANY, 0,   ANY, VNET_QSTATE_STOPPED, VNET_QACT_REFUSE,
	  "the port is stopped; start the port first (queues without deferred start start with it)" },
	{ VNET_QEV_QUEUE_START, ANY,               ANY, 1,   1,   VNET_QSTATE_STOPPED, VNET_QACT_REFUSE,
	  "its ring is broken (logged above); reset the port (rte_eth_dev_reset)" },
	{ VNET_QEV_QUEUE_START, VNET_QSTATE_STARTED, ANY, 1, 0,   VNET_QSTATE_STARTED, VNET_QACT_NONE, NULL },
	/* Frames that arrived while stopped are stale: a stopped queue drops. */
	{ VNET_QEV_QUEUE_START, VNET_QSTATE_STOPPED, ANY, 1, 0,   VNET_QSTATE_STARTED, VNET_QACT_DRAIN_POST, NULL },
	/* Posted buffers stay with the device: only a reset takes them back. */
	{ VNET_QEV_QUEUE_STOP, ANY,                ANY, ANY, ANY, VNET_QSTATE_STOPPED, VNET_QACT_NONE, NULL },
};

static bool
matches(int rule, int value)
{
	return rule == ANY || rule == value;
}

struct vnet_qstep
vnet_qstate_step(const struct vnet_qcase *c)
{
	struct vnet_qstep s = { c->state, VNET_QACT_REFUSE, "unknown queue event" };
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].event != c->event ||
		    !matches(rules[i].state, c->state) ||
		    !matches(rules[i].deferred, c->deferred) ||
		    !matches(rules[i].port_started, c->port_started) ||
		    !matches(rules[i].broken, c->broken))
			continue;
		s.next = rules[i].action == VNET_QACT_REFUSE ? c->state : rules[i].next;
		s.action = rules[i].action;
		s.why = rules[i].why;
		/* tx queues hold no buffers of their own to post. */
		if (!c->rx && (s.action == VNET_QACT_POST ||
			       s.action == VNET_QACT_DRAIN_POST))
			s.action = VNET_QACT_NONE;
		return s;
	}
	return s;
}
