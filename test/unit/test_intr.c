/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupt planning: the line each binding gives, the MSI-X vector of
 * every source, refusals with their advice, ISR decoding, and the ring's
 * interrupt suppression as a device following virtio 1.2 §2.7.10 sees it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_intr_plan.h"
#include "vnet_vring.h"

#define NOV VNET_MSI_NO_VECTOR

/* Written apart from the table in vnet_intr_plan.c, row by row. */
static const struct {
	enum vnet_kdrv kdrv;
	bool msix_cap, msix_on;
	enum vnet_intr_line want;
} line_rows[] = {
	{ VNET_KDRV_VFIO, true, false, VNET_INTR_LINE_MSIX },
	{ VNET_KDRV_VFIO, true, true, VNET_INTR_LINE_MSIX },
	{ VNET_KDRV_VFIO, false, false, VNET_INTR_LINE_INTX },
	{ VNET_KDRV_IGB_UIO, true, true, VNET_INTR_LINE_MSIX_ONE },
	{ VNET_KDRV_IGB_UIO, true, false, VNET_INTR_LINE_INTX },
	{ VNET_KDRV_IGB_UIO, false, false, VNET_INTR_LINE_INTX },
	{ VNET_KDRV_UIO_GENERIC, true, false, VNET_INTR_LINE_INTX },
	{ VNET_KDRV_UIO_GENERIC, false, false, VNET_INTR_LINE_INTX },
	{ VNET_KDRV_OTHER, true, true, VNET_INTR_LINE_NONE },
	{ VNET_KDRV_NONE, false, false, VNET_INTR_LINE_NONE },
};

static void
test_lines(void)
{
	size_t i;

	for (i = 0; i < sizeof(line_rows) / sizeof(line_rows[0]); i++) {
		struct vnet_intr_dev d = {
			.kdrv = line_rows[i].kdrv, .msix_cap = line_rows[i].msix_cap,
			.msix_on = line_rows[i].msix_on, .msix_table = 4,
		};

		TAP_EQ(vnet_intr_line(&d), line_rows[i].want,
		       "line: %s msix_cap=%d msix_on=%d -> %s",
		       vnet_kdrv_name(d.kdrv), d.msix_cap, d.msix_on,
		       vnet_intr_line_names[line_rows[i].want]);
	}
}

/* One plan: the request, then the vectors and fds it must give, or the refusal. */
static const struct {
	const char *what;
	enum vnet_kdrv kdrv;
	bool msix_cap, msix_on;
	uint16_t table;
	bool lsc, rxq;
	uint16_t nb_rxq;
	int ret;
	uint16_t config_vec, q0_vec, q1_vec, nb_efd, q1_efd;
	bool lsc_from_rxq;
	const char *msg; /* refusal text */
} plan_rows[] = {
	{ "polling: nothing", VNET_KDRV_UIO_GENERIC, true, false, 4, false, false, 1,
	  0, NOV, NOV, NOV, 0, 0, false, NULL },
	{ "polling on an unusable binding is fine", VNET_KDRV_OTHER, false, false, 0,
	  false, false, 1, 0, NOV, NOV, NOV, 0, 0, false, NULL },
	{ "vfio lsc", VNET_KDRV_VFIO, true, false, 4, true, false, 1,
	  0, 0, NOV, NOV, 0, 0, false, NULL },
	{ "vfio lsc+rxq 2 queues", VNET_KDRV_VFIO, true, false, 6, true, true, 2,
	  0, 0, 1, 2, 2, 1, false, NULL },
	{ "vfio rxq only: no config vector", VNET_KDRV_VFIO, true, false, 6, false, true, 2,
	  0, NOV, 1, 2, 2, 1, false, NULL },
	{ "vfio table exactly 1 + queues", VNET_KDRV_VFIO, true, false, 3, true, true, 2,
	  0, 0, 1, 2, 2, 1, false, NULL },
	{ "vfio table too small", VNET_KDRV_VFIO, true, false, 2, true, true, 2,
	  -ENOTSUP, 0, 0, 0, 0, 0, false, "needs 3 MSI-X vectors" },
	{ "vfio without MSI-X: INTx, one queue", VNET_KDRV_VFIO, false, false, 0, true, true, 1,
	  0, NOV, NOV, NOV, 1, 0, true, NULL },
	{ "uio_pci_generic rxq 1 queue", VNET_KDRV_UIO_GENERIC, true, false, 4, false, true, 1,
	  0, NOV, NOV, NOV, 1, 0, false, NULL },
	{ "uio_pci_generic lsc+rxq share the line", VNET_KDRV_UIO_GENERIC, true, false, 4,
	  true, true, 1, 0, NOV, NOV, NOV, 1, 0, true, NULL },
	{ "uio_pci_generic lsc alone: EAL callback", VNET_KDRV_UIO_GENERIC, true, false, 4,
	  true, false, 1, 0, NOV, NOV, NOV, 0, 0, false, NULL },
	{ "uio_pci_generic rxq 2 queues refused", VNET_KDRV_UIO_GENERIC, true, false, 4,
	  false, true, 2, -ENOTSUP, 0, 0, 0, 0, 0, false, "bind the device to vfio-pci" },
	{ "igb_uio MSI-X lsc alone: config on vector 0", VNET_KDRV_IGB_UIO, true, true, 4,
	  true, false, 1, 0, 0, NOV, NOV, 0, 0, false, NULL },
	{ "igb_uio MSI-X lsc+rxq: the queue owns vector 0", VNET_KDRV_IGB_UIO, true, true, 4,
	  true, true, 1, 0, NOV, 0, NOV, 1, 0, true, NULL },
	{ "igb_uio 2 queues refused", VNET_KDRV_IGB_UIO, true, true, 4, false, true, 2,
	  -ENOTSUP, 0, 0, 0, 0, 0, false, "one MSI-X vector" },
	{ "rxq with no rx queue", VNET_KDRV_VFIO, true, false, 4, false, true, 0,
	  -EINVAL, 0, 0, 0, 0, 0, false, "at least one" },
	{ "no interrupts from a kernel driver", VNET_KDRV_OTHER, false, false, 0, true, false, 1,
	  -ENOTSUP, 0, 0, 0, 0, 0, false, "bind the device to vfio-pci, uio_pci_generic" },
};

static void
test_plans(void)
{
	size_t i;

	for (i = 0; i < sizeof(plan_rows) / sizeof(plan_rows[0]); i++) {
		struct vnet_intr_dev d = {
			.kdrv = plan_rows[i].kdrv, .msix_cap = plan_rows[i].msix_cap,
			.msix_on = plan_rows[i].msix_on, .msix_table = plan_rows[i].table,
		};
		struct vnet_intr_plan p;
		char err[384] = "";
		int ret = vnet_intr_plan(&d, plan_rows[i].lsc, plan_rows[i].rxq,
					 plan_rows[i].nb_rxq, &p, err, sizeof(err));

		TAP_EQ(ret, plan_rows[i].ret, "plan %s: result", plan_rows[i].what);
		if (plan_rows[i].ret != 0) {
			TAP_CONTAINS(err, plan_rows[i].msg, "plan %s: message", plan_rows[i].what);
			continue;
		}
		TAP_EQ(p.config_vector, plan_rows[i].config_vec, "plan %s: config vector",
		       plan_rows[i].what);
		TAP_EQ(vnet_intr_rxq_vector(&p, 0), plan_rows[i].q0_vec, "plan %s: rxq 0 vector",
		       plan_rows[i].what);
		TAP_EQ(vnet_intr_rxq_vector(&p, 1), plan_rows[i].q1_vec, "plan %s: rxq 1 vector",
		       plan_rows[i].what);
		TAP_EQ(p.nb_efd, plan_rows[i].nb_efd, "plan %s: event fds", plan_rows[i].what);
		if (plan_rows[i].nb_rxq > 1)
			TAP_EQ(vnet_intr_rxq_efd(&p, 1), plan_rows[i].q1_efd,
			       "plan %s: rxq 1 event fd", plan_rows[i].what);
		TAP_EQ(p.lsc_from_rxq, plan_rows[i].lsc_from_rxq, "plan %s: lsc read at re-arm",
		       plan_rows[i].what);
	}
}

static void
test_isr(void)
{
	static const struct {
		uint8_t isr;
		bool queue, config, gone;
	} rows[] = {
		{ 0x00, false, false, false },
		{ 0x01, true, false, false },
		{ 0x02, false, true, false },
		{ 0x03, true, true, false },
		{ 0x05, true, false, false }, /* reserved bits ignored */
		{ 0xff, false, false, true },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct vnet_isr r = vnet_isr_decode(rows[i].isr);

		TAP_OK(r.queue == rows[i].queue && r.config == rows[i].config &&
		       r.gone == rows[i].gone, "ISR 0x%02x: queue=%d config=%d gone=%d",
		       rows[i].isr, rows[i].queue, rows[i].config, rows[i].gone);
	}
}

/*
 * The device side of §2.7.10: after using entries up to new_idx (from
 * old_idx), does it interrupt?
 */
static bool
device_interrupts(const struct vnet_vring *r, bool event_idx, uint16_t old_idx,
		  uint16_t new_idx)
{
	if (event_idx)
		return vnet_need_event(*r->used_event, new_idx, old_idx);
	return !(*r->avail_flags & VNET_AVAIL_F_NO_INTERRUPT);
}

/* The device uses n entries one by one; count the interrupts it sends. */
static unsigned int
device_use(struct vnet_vring *r, bool event_idx, unsigned int n)
{
	unsigned int irqs = 0, i;

	for (i = 0; i < n; i++) {
		uint16_t old = *r->used_idx;

		*r->used_idx = (uint16_t)(old + 1);
		irqs += device_interrupts(r, event_idx, old, (uint16_t)(old + 1));
	}
	return irqs;
}

static void
test_suppression(bool event_idx, uint16_t start)
{
	const char *m = event_idx ? "event_idx" : "flags";
	uint16_t num = 256;
	void *mem = aligned_alloc(4096, vnet_ring_total_size(num, 4096));
	struct vnet_desc_extra *extra = calloc(num, sizeof(*extra));
	struct vnet_vring r;

	vnet_vring_init(&r, mem, num, 4096, extra);
	r.last_used = start;
	*r.used_idx = start;

	vnet_split_suppress_interrupts(&r, event_idx);
	TAP_EQ(device_use(&r, event_idx, 200), 0, "%s @%u: suppressed, 200 used, no interrupt",
	       m, start);
	r.last_used = *r.used_idx; /* the driver drained them */

	TAP_EQ(vnet_split_enable_interrupts(&r, event_idx), 0,
	       "%s @%u: enable with nothing pending reports 0", m, start);
	TAP_EQ(device_use(&r, event_idx, 1), 1, "%s @%u: armed, first used entry interrupts",
	       m, start);
	if (event_idx)
		TAP_EQ(device_use(&r, event_idx, 5), 0,
		       "%s @%u: one interrupt until the driver re-arms", m, start);

	/* Entries used while we were not looking: enable must say so. */
	vnet_split_suppress_interrupts(&r, event_idx);
	device_use(&r, event_idx, 3);
	TAP_EQ(vnet_split_enable_interrupts(&r, event_idx),
	       (uint16_t)(*r.used_idx - r.last_used),
	       "%s @%u: enable reports the entries used before it", m, start);
	free(mem);
	free(extra);
}

/*
 * Polling: the driver drains and suppresses after every batch. The device
 * must never interrupt, while used_event is stored to only about once per
 * VNET_USED_EVENT_REWRITE entries and the flag only once.
 */
static void
test_poll_stores(uint16_t start)
{
	uint16_t num = 256, seen;
	void *mem = aligned_alloc(4096, vnet_ring_total_size(num, 4096));
	struct vnet_desc_extra *extra = calloc(num, sizeof(*extra));
	unsigned int irqs = 0, writes = 0, i, total = 2000 * 100;
	struct vnet_vring r;

	vnet_vring_init(&r, mem, num, 4096, extra);
	r.last_used = start;
	*r.used_idx = start;
	vnet_split_suppress_interrupts(&r, true);
	seen = *r.used_event;
	for (i = 0; i < 2000; i++) {
		irqs += device_use(&r, true, 100);
		r.last_used = *r.used_idx;
		vnet_split_suppress_interrupts(&r, true);
		writes += *r.used_event != seen;
		seen = *r.used_event;
	}
	TAP_EQ(irqs, 0, "event_idx @%u: %u entries polled, no interrupt", start, total);
	TAP_OK(writes >= total / VNET_USED_EVENT_REWRITE - 1 &&
	       writes <= total / VNET_USED_EVENT_REWRITE + 1,
	       "event_idx @%u: used_event moved %u times for %u entries", start, writes, total);

	/* Flags: written once; a second suppress stores nothing. */
	vnet_vring_init(&r, mem, num, 4096, extra);
	vnet_split_suppress_interrupts(&r, false);
	*r.avail_flags = 0x55; /* a store would overwrite it */
	vnet_split_suppress_interrupts(&r, false);
	TAP_EQ(*r.avail_flags, 0x55, "flags: suppress again stores nothing");
	vnet_split_enable_interrupts(&r, false);
	vnet_split_suppress_interrupts(&r, false);
	TAP_EQ(*r.avail_flags, VNET_AVAIL_F_NO_INTERRUPT, "flags: suppress after enable stores");
	free(mem);
	free(extra);
}

int
main(void)
{
	test_lines();
	test_plans();
	test_isr();
	test_suppression(false, 0);
	test_suppression(true, 0);
	test_suppression(true, 65500); /* indices wrap */
	test_poll_stores(0);
	test_poll_stores(65500);
	return tap_done();
}
