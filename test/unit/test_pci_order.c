/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnet_pci_go_first() on driver lists in every order the PCI bus can hold
 * them: net_vnet must end up before every driver of its ids, and nothing
 * else may move. rte_pci_register/unregister are the bus's own two lines.
 */
#include <stdarg.h>

#include <rte_log.h>
#include <bus_pci_driver.h>

#include "tap.h"
#include "vnet_pci.h"

RTE_TAILQ_HEAD(drv_list, rte_pci_driver);
static struct drv_list bus = TAILQ_HEAD_INITIALIZER(bus);

void
rte_pci_register(struct rte_pci_driver *d)
{
	TAILQ_INSERT_TAIL(&bus, d, next);
}

void
rte_pci_unregister(struct rte_pci_driver *d)
{
	TAILQ_REMOVE(&bus, d, next);
}

int vnet_logtype;

int
rte_log(uint32_t level, uint32_t logtype, const char *fmt, ...)
{
	(void)level, (void)logtype, (void)fmt;
	return 0;
}

static const struct rte_pci_id vnet_ids[] = {
	{ RTE_PCI_DEVICE(0x1af4, 0x1000) }, { RTE_PCI_DEVICE(0x1af4, 0x1041) }, { .vendor_id = 0 },
};
static const struct rte_pci_id virtio_ids[] = {
	{ RTE_PCI_DEVICE(0x1af4, 0x1000) }, { RTE_PCI_DEVICE(0x1af4, 0x1041) }, { .vendor_id = 0 },
};
static const struct rte_pci_id modern_only_ids[] = { { RTE_PCI_DEVICE(0x1af4, 0x1041) }, { .vendor_id = 0 } };
static const struct rte_pci_id blk_ids[] = { { RTE_PCI_DEVICE(0x1af4, 0x1042) }, { .vendor_id = 0 } };
static const struct rte_pci_id intel_ids[] = { { RTE_PCI_DEVICE(0x8086, 0x10d3) }, { .vendor_id = 0 } };
static const struct rte_pci_id any_ids[] = { { RTE_PCI_DEVICE(RTE_PCI_ANY_ID, RTE_PCI_ANY_ID) }, { .vendor_id = 0 } };

struct rte_pci_driver vnet_pci_driver = { .driver = { .name = "net_vnet" }, .id_table = vnet_ids };
static struct rte_pci_driver drivers[] = {
	['v'] = { .driver = { .name = "net_virtio" }, .id_table = virtio_ids },
	['m'] = { .driver = { .name = "modern_only" }, .id_table = modern_only_ids },
	['b'] = { .driver = { .name = "virtio_blk" }, .id_table = blk_ids },
	['i'] = { .driver = { .name = "net_e1000" }, .id_table = intel_ids },
	['a'] = { .driver = { .name = "any" }, .id_table = any_ids },
	['n'] = { .driver = { .name = "no_table" }, .id_table = NULL },
	['w'] = { .driver = { .name = "net_vnet" }, .id_table = vnet_ids }, /* another copy */
};

/* A list is a string of driver letters, 'V' being net_vnet. */
static struct rte_pci_driver *
drv(char c)
{
	return c == 'V' ? &vnet_pci_driver : &drivers[(unsigned char)c];
}

static const struct {
	const char *registered; /* in registration (load) order */
	const char *want;       /* after vnet_pci_go_first() */
} rows[] = {
	{ "V", "V" },
	{ "Vv", "Vv" },          /* net_vnet loaded first: nothing moves */
	{ "vV", "Vv" },          /* net_virtio loaded first: moved behind */
	{ "ivbV", "ibVv" },      /* only drivers of our ids move */
	{ "vmV", "Vvm" },        /* several rivals keep their order */
	{ "aV", "Va" },          /* a wildcard driver matches our ids */
	{ "nbiV", "nbiV" },      /* no id table, other ids: nothing moves */
	{ "vVm", "Vmv" },        /* a rival loaded after us stays after us */
	{ "wvV", "wVv" },        /* an earlier net_vnet (-d) stays first */
	{ "", "" },              /* net_vnet not registered: no-op */
	{ "v", "v" },
};

static void
list_str(char *out)
{
	struct rte_pci_driver *d;

	TAILQ_FOREACH(d, &bus, next) {
		if (d == &vnet_pci_driver) {
			*out++ = 'V';
			continue;
		}
		*out++ = (char)(d - drivers);
	}
	*out = '\0';
}

int
main(void)
{
	char got[32];
	size_t i;
	const char *c;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		TAILQ_INIT(&bus);
		memset(&vnet_pci_driver.next, 0, sizeof(vnet_pci_driver.next));
		for (c = rows[i].registered; *c; c++)
			rte_pci_register(drv(*c));
		vnet_pci_go_first();
		list_str(got);
		TAP_OK(strcmp(got, rows[i].want) == 0, "registered '%s': order '%s' (want '%s')",
		       rows[i].registered, got, rows[i].want);
	}
	return tap_done();
}
