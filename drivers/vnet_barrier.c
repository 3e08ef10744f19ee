/* SPDX-License-Identifier: BSD-3-Clause */
#include "vnet_barrier.h"

const char *const vnet_barrier_names[VNET_BARRIER_KIND_COUNT] = {
	[VNET_BARRIER_SMP] = "smp",
	[VNET_BARRIER_IO] = "io",
};

/* One row per case; a device without the bit promised coherent memory. */
static const struct {
	uint64_t mask;
	uint64_t value;
	enum vnet_barrier_kind kind;
} barrier_rules[] = {
	{ VNET_BIT(VNET_F_ORDER_PLATFORM), VNET_BIT(VNET_F_ORDER_PLATFORM), VNET_BARRIER_IO },
	{ VNET_BIT(VNET_F_ORDER_PLATFORM), 0, VNET_BARRIER_SMP },
};

enum vnet_barrier_kind
vnet_barrier_choose(uint64_t negotiated)
{
	unsigned int i;

	for (i = 0; i < sizeof(barrier_rules) / sizeof(barrier_rules[0]); i++)
		if ((negotiated & barrier_rules[i].mask) == barrier_rules[i].value)
			return barrier_rules[i].kind;
	return VNET_BARRIER_IO; /* unreachable: the rows cover both values */
}
