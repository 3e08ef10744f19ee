/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include "vnet_intr_plan.h"
#include "vnet_spec.h"

const char *const vnet_intr_line_names[VNET_INTR_LINE_COUNT] = {
	[VNET_INTR_LINE_NONE] = "no interrupts",
	[VNET_INTR_LINE_INTX] = "INTx",
	[VNET_INTR_LINE_MSIX_ONE] = "one MSI-X vector",
	[VNET_INTR_LINE_MSIX] = "MSI-X",
};

/*
 * Read it as "a device bound to kdrv, with (or without) MSI-X, enabled
 * (or not) at probe, interrupts user space this way". -1: either.
 */
static const struct {
	enum vnet_kdrv kdrv;
	int msix_cap, msix_on;
	enum vnet_intr_line line;
} lines[] = {
	/* vfio enables MSI-X itself, with as many vectors as we ask for */
	{ VNET_KDRV_VFIO,        1, -1, VNET_INTR_LINE_MSIX },
	{ VNET_KDRV_VFIO,        0, -1, VNET_INTR_LINE_INTX },
	/* igb_uio enables MSI-X with one vector at bind time, if it can */
	{ VNET_KDRV_IGB_UIO,    -1,  1, VNET_INTR_LINE_MSIX_ONE },
	{ VNET_KDRV_IGB_UIO,    -1,  0, VNET_INTR_LINE_INTX },
	/* uio_pci_generic only ever uses INTx */
	{ VNET_KDRV_UIO_GENERIC, -1, -1, VNET_INTR_LINE_INTX },
};

enum vnet_intr_line
vnet_intr_line(const struct vnet_intr_dev *d)
{
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (lines[i].kdrv == d->kdrv &&
		    (lines[i].msix_cap < 0 || lines[i].msix_cap == d->msix_cap) &&
		    (lines[i].msix_on < 0 || lines[i].msix_on == d->msix_on))
			return lines[i].line;
	return VNET_INTR_LINE_NONE;
}

int
vnet_intr_plan(const struct vnet_intr_dev *d, bool lsc, bool rxq,
	       uint16_t nb_rxq, struct vnet_intr_plan *p, char *err,
	       size_t errlen)
{
	unsigned int need;

	*p = (struct vnet_intr_plan){
		.line = vnet_intr_line(d), .lsc = lsc, .rxq = rxq,
		.nb_rxq = nb_rxq, .config_vector = VNET_MSI_NO_VECTOR,
	};
	if (!lsc && !rxq)
		return 0;
	if (p->line == VNET_INTR_LINE_NONE) {
		snprintf(err, errlen,
			 "interrupts requested (lsc=%d rxq=%d) but %s delivers none to user space; bind the device to vfio-pci, uio_pci_generic or igb_uio",
			 lsc, rxq, vnet_kdrv_name(d->kdrv));
		return -ENOTSUP;
	}
	if (rxq && nb_rxq == 0) {
		snprintf(err, errlen, "rx interrupts requested with no rx queue; configure at least one");
		return -EINVAL;
	}
	if (rxq && nb_rxq > 1 && p->line != VNET_INTR_LINE_MSIX) {
		snprintf(err, errlen,
			 "rx interrupts on %u queues need one MSI-X vector per queue, and %s gives the device one interrupt (%s); use 1 rx queue or bind the device to vfio-pci",
			 nb_rxq, vnet_kdrv_name(d->kdrv),
			 vnet_intr_line_names[p->line]);
		return -ENOTSUP;
	}
	switch (p->line) {
	case VNET_INTR_LINE_MSIX:
		/* Vector 0 is the config interrupt, queue q has 1 + q (as the EAL numbers them). */
		need = 1 + (rxq ? nb_rxq : 0);
		if (need > d->msix_table) {
			snprintf(err, errlen,
				 "%s needs %u MSI-X vectors (config + one per rx queue) but the device has %u; use fewer rx queues or give the device more vectors (QEMU: vectors=%u)",
				 rxq ? "rx interrupts" : "link-state interrupts",
				 need, d->msix_table, need);
			return -ENOTSUP;
		}
		p->config_vector = lsc ? 0 : VNET_MSI_NO_VECTOR;
		p->nb_efd = rxq ? nb_rxq : 0;
		break;
	case VNET_INTR_LINE_MSIX_ONE:
		/*
		 * The config change never shares the queue's vector: QEMU 7.2
		 * with vhost-user crashes at DRIVER_OK when both are on one.
		 * With rx interrupts the link is read at each re-arm instead.
		 */
		p->config_vector = lsc && !rxq ? 0 : VNET_MSI_NO_VECTOR;
		p->nb_efd = rxq ? 1 : 0;
		p->lsc_from_rxq = lsc && rxq;
		break;
	default: /* INTx */
		p->nb_efd = rxq ? 1 : 0;
		p->lsc_from_rxq = lsc && rxq;
		p->isr_names_source = true;
		break;
	}
	return 0;
}

uint16_t
vnet_intr_rxq_vector(const struct vnet_intr_plan *p, uint16_t q)
{
	if (!p->rxq || q >= p->nb_rxq)
		return VNET_MSI_NO_VECTOR;
	switch (p->line) {
	case VNET_INTR_LINE_MSIX:
		return (uint16_t)(1 + q);
	case VNET_INTR_LINE_MSIX_ONE:
		return 0;
	default:
		return VNET_MSI_NO_VECTOR;
	}
}

uint16_t
vnet_intr_rxq_efd(const struct vnet_intr_plan *p, uint16_t q)
{
	return p->line == VNET_INTR_LINE_MSIX ? q : 0;
}

struct vnet_isr
vnet_isr_decode(uint8_t isr)
{
	struct vnet_isr r = { .gone = isr == 0xff };

	if (!r.gone) {
		r.queue = (isr & VNET_ISR_QUEUE) != 0;
		r.config = (isr & VNET_ISR_CONFIG) != 0;
	}
	return r;
}
