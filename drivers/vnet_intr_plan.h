/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Interrupts: which line a binding gives, which MSI-X vector each source
 * gets, and what the ISR status byte says. No DPDK dependency, so every
 * row is unit-tested.
 */
#ifndef VNET_INTR_PLAN_H
#define VNET_INTR_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_io.h"

/* What the kernel driver lets user space receive. */
enum vnet_intr_line {
	VNET_INTR_LINE_NONE = 0, /* no interrupt reaches user space */
	VNET_INTR_LINE_INTX,     /* one level-triggered line; ISR names the source */
	VNET_INTR_LINE_MSIX_ONE, /* one MSI-X vector for everything (igb_uio) */
	VNET_INTR_LINE_MSIX,     /* one MSI-X vector per source (vfio-pci) */
	VNET_INTR_LINE_COUNT,
};

extern const char *const vnet_intr_line_names[VNET_INTR_LINE_COUNT];

/* The device as bound: kernel driver and its MSI-X capability. */
struct vnet_intr_dev {
	enum vnet_kdrv kdrv;
	bool msix_cap;       /* the device has an MSI-X capability */
	bool msix_on;        /* MSI-X already enabled at probe (igb_uio does) */
	uint16_t msix_table; /* MSI-X table entries */
};

enum vnet_intr_line vnet_intr_line(const struct vnet_intr_dev *d);

struct vnet_intr_plan {
	enum vnet_intr_line line;
	bool lsc, rxq;
	uint16_t nb_rxq;
	uint16_t config_vector; /* VNET_MSI_NO_VECTOR: no config interrupt vector */
	uint16_t nb_efd;        /* event fds the EAL sets up for rx queues */
	/*
	 * The line also wakes the application's rx wait: only one reader may
	 * own its fd, so config changes are picked up when rx interrupts are
	 * re-armed, not by an EAL callback (with igb_uio's one MSI-X vector,
	 * which the config change does not get, at every re-arm).
	 */
	bool lsc_from_rxq;
	bool isr_names_source; /* INTx: the ISR tells queue from config */
};

/*
 * Plan interrupts for lsc / rxq on nb_rxq rx queues. Returns 0, or
 * -ENOTSUP/-EINVAL with err saying what is wrong and what to do.
 */
int vnet_intr_plan(const struct vnet_intr_dev *d, bool lsc, bool rxq,
		   uint16_t nb_rxq, struct vnet_intr_plan *p, char *err,
		   size_t errlen);

/* The MSI-X vector rx queue q is given (VNET_MSI_NO_VECTOR: none). */
uint16_t vnet_intr_rxq_vector(const struct vnet_intr_plan *p, uint16_t q);
/* The EAL event fd index rx queue q waits on. */
uint16_t vnet_intr_rxq_efd(const struct vnet_intr_plan *p, uint16_t q);

/* ISR status (virtio 1.2 §4.1.4.5): read clears it. */
#define VNET_ISR_QUEUE 0x1
#define VNET_ISR_CONFIG 0x2

struct vnet_isr {
	bool queue;
	bool config;
	bool gone; /* all ones: the device no longer answers */
};

struct vnet_isr vnet_isr_decode(uint8_t isr);

#endif
