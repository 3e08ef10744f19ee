/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue start/stop decisions, one row per case, against a table written
 * apart from vnet_qstate.c's rules.
 */
#include "tap.h"
#include "vnet_qstate.h"

#define STOP VNET_QSTATE_STOPPED
#define RUN VNET_QSTATE_STARTED

static const struct {
	const char *what;
	struct vnet_qcase c; /* state, event, rx, deferred, port_started, broken */
	enum vnet_qstate next;
	enum vnet_qaction action;
	const char *why; /* a word the refusal must contain */
} cases[] = {
	{ "rx at port start", { STOP, VNET_QEV_PORT_START, true, false, true, false }, RUN, VNET_QACT_POST, NULL },
	{ "rx deferred at port start", { STOP, VNET_QEV_PORT_START, true, true, true, false }, STOP, VNET_QACT_NONE, NULL },
	{ "tx at port start", { STOP, VNET_QEV_PORT_START, false, false, true, false }, RUN, VNET_QACT_NONE, NULL },
	{ "tx deferred at port start", { STOP, VNET_QEV_PORT_START, false, true, true, false }, STOP, VNET_QACT_NONE, NULL },
	{ "rx started at port stop", { RUN, VNET_QEV_PORT_STOP, true, false, false, false }, STOP, VNET_QACT_NONE, NULL },
	{ "tx started at port stop", { RUN, VNET_QEV_PORT_STOP, false, false, false, false }, STOP, VNET_QACT_NONE, NULL },
	{ "broken rx at port stop", { RUN, VNET_QEV_PORT_STOP, true, false, true, true }, STOP, VNET_QACT_NONE, NULL },
	{ "rx stop", { RUN, VNET_QEV_QUEUE_STOP, true, false, true, false }, STOP, VNET_QACT_NONE, NULL },
	{ "tx stop", { RUN, VNET_QEV_QUEUE_STOP, false, false, true, false }, STOP, VNET_QACT_NONE, NULL },
	{ "rx stop, already stopped", { STOP, VNET_QEV_QUEUE_STOP, true, false, true, false }, STOP, VNET_QACT_NONE, NULL },
	{ "rx start after stop", { STOP, VNET_QEV_QUEUE_START, true, false, true, false }, RUN, VNET_QACT_DRAIN_POST, NULL },
	{ "deferred rx start", { STOP, VNET_QEV_QUEUE_START, true, true, true, false }, RUN, VNET_QACT_DRAIN_POST, NULL },
	{ "tx start after stop", { STOP, VNET_QEV_QUEUE_START, false, false, true, false }, RUN, VNET_QACT_NONE, NULL },
	{ "deferred tx start", { STOP, VNET_QEV_QUEUE_START, false, true, true, false }, RUN, VNET_QACT_NONE, NULL },
	{ "rx start, already started: no second post", { RUN, VNET_QEV_QUEUE_START, true, false, true, false }, RUN, VNET_QACT_NONE, NULL },
	{ "rx start on a stopped port", { STOP, VNET_QEV_QUEUE_START, true, false, false, false }, STOP, VNET_QACT_REFUSE, "start the port" },
	{ "tx start on a stopped port", { STOP, VNET_QEV_QUEUE_START, false, true, false, false }, STOP, VNET_QACT_REFUSE, "start the port" },
	{ "rx start on a broken ring", { STOP, VNET_QEV_QUEUE_START, true, false, true, true }, STOP, VNET_QACT_REFUSE, "reset the port" },
	{ "tx start on a broken ring", { STOP, VNET_QEV_QUEUE_START, false, false, true, true }, STOP, VNET_QACT_REFUSE, "reset the port" },
	{ "unknown event", { RUN, VNET_QEV_COUNT, true, false, true, false }, RUN, VNET_QACT_REFUSE, "unknown" },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vnet_qstep s = vnet_qstate_step(&cases[i].c);

		TAP_EQ(s.next, cases[i].next, "%s: next state", cases[i].what);
		TAP_EQ(s.action, cases[i].action, "%s: action %s", cases[i].what,
		       vnet_qaction_names[cases[i].action]);
		if (cases[i].why != NULL)
			TAP_CONTAINS(s.why ? s.why : "", cases[i].why, "%s: says why", cases[i].what);
	}
	for (i = 0; i < VNET_QEV_COUNT; i++)
		TAP_OK(vnet_qevent_names[i] != NULL, "event %zu has a name", i);
	for (i = 0; i < VNET_QACT_COUNT; i++)
		TAP_OK(vnet_qaction_names[i] != NULL, "action %zu has a name", i);
	return tap_done();
}
