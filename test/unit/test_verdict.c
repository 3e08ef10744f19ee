/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verdict tables, one assertion per row, against expectations written
 * out here independently: binding x IOMMU group, fix routes, legacy BAR0
 * access of both PMDs, physical-address needs, transport, EAL's IOVA mode.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "vnet_spec.h"
#include "vnet_verdict.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define BDF "0000:00:04.0"

/* A system where everything a binding could need is there. */
static struct vnet_env_facts
good_env(void)
{
	struct vnet_env_facts e = {
		.platform = VNET_PLAT_IOMMU_NONE, .noiommu = VNET_NOIOMMU_OFF,
		.hugepages_free = true, .hugetlbfs = true, .root = true,
		.port_io = true, .port_io_arch = true, .page_size = 4096,
	};
	return e;
}

static struct vnet_dev_facts
dev_of(uint16_t id, enum vnet_kdrv kdrv, enum vnet_iommu iommu,
       enum vnet_caps_result caps, enum vnet_bar_kind bar0)
{
	struct vnet_dev_facts d;

	memset(&d, 0, sizeof(d));
	snprintf(d.bdf, sizeof(d.bdf), BDF);
	d.device_id = id;
	d.kdrv = kdrv;
	snprintf(d.driver, sizeof(d.driver), "%s",
		 kdrv == VNET_KDRV_OTHER ? "virtio-pci" :
		 kdrv == VNET_KDRV_NONE ? "" : vnet_kdrv_name(kdrv));
	d.iommu = iommu;
	d.caps_known = true;
	d.caps = caps;
	d.bars[0].kind = bar0;
	d.bars[0].start = bar0 == VNET_BAR_PIO ? 0xc080 : 0xfebc3000;
	d.bars[0].len = bar0 == VNET_BAR_PIO ? 32 : 4096;
	return d;
}

/* Binding x IOMMU group, on a modern device in a good environment. */
static const struct {
	enum vnet_kdrv kdrv;
	enum vnet_iommu iommu;
	bool usable;
	const char *why;
} binding_rows[] = {
	{ VNET_KDRV_VFIO, VNET_IOMMU_GROUP, true, "" },
	{ VNET_KDRV_VFIO, VNET_IOMMU_NOIOMMU, true, "" },
	{ VNET_KDRV_VFIO, VNET_IOMMU_NONE, false, "bound to vfio-pci but it has no IOMMU group" },
	{ VNET_KDRV_IGB_UIO, VNET_IOMMU_NONE, true, "" },
	{ VNET_KDRV_IGB_UIO, VNET_IOMMU_GROUP, true, "" },
	{ VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, true, "" },
	{ VNET_KDRV_UIO_GENERIC, VNET_IOMMU_GROUP, true, "" },
	{ VNET_KDRV_OTHER, VNET_IOMMU_NONE, false, "bound to the kernel driver virtio-pci, which owns it" },
	{ VNET_KDRV_OTHER, VNET_IOMMU_GROUP, false, "bound to the kernel driver virtio-pci, which owns it" },
	{ VNET_KDRV_NONE, VNET_IOMMU_NONE, false, "DPDK >= 20.08 does not even list such a device" },
	{ VNET_KDRV_NONE, VNET_IOMMU_GROUP, false, "DPDK >= 20.08 does not even list such a device" },
};

static void
test_binding(void)
{
	struct vnet_env_facts env = good_env();
	struct vnet_verdict v;
	size_t i;

	for (i = 0; i < DIM(binding_rows); i++) {
		struct vnet_dev_facts d = dev_of(VNET_PCI_DEVICE_NET_MODERN, binding_rows[i].kdrv,
						 binding_rows[i].iommu, VNET_CAPS_MODERN,
						 VNET_BAR_ABSENT);

		vnet_verdict_decide(&d, &env, &v);
		TAP_OK(v.vnet.usable == binding_rows[i].usable &&
		       v.virtio.usable == binding_rows[i].usable &&
		       strstr(v.vnet.why, binding_rows[i].why) != NULL &&
		       (v.vnet.usable || v.vnet.problem == VNET_PROBLEM_BINDING),
		       "binding %s, IOMMU %s -> %s", vnet_kdrv_name(binding_rows[i].kdrv),
		       vnet_iommu_name(binding_rows[i].iommu),
		       binding_rows[i].usable ? "usable" : binding_rows[i].why);
		if (v.vnet.usable)
			TAP_OK(v.vnet.transport == VNET_TRANSPORT_MODERN &&
			       v.vnet.access == VNET_IO_MMIO && v.nfix == 0,
			       "  modern over MMIO, nothing to fix");
	}
}

/* Fix routes for a device left to virtio-pci: what to run before binding. */
static const struct {
	enum vnet_iommu iommu;
	enum vnet_platform_iommu platform;
	enum vnet_noiommu noiommu;
	const char *first;  /* first command */
	const char *target; /* the driver it is bound to */
} route_rows[] = {
	{ VNET_IOMMU_GROUP, VNET_PLAT_IOMMU_ON, VNET_NOIOMMU_OFF, "modprobe vfio-pci", "vfio-pci" },
	{ VNET_IOMMU_NOIOMMU, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_ON, "modprobe vfio-pci", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_ON, "modprobe vfio-pci", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_OFF, VNET_NOIOMMU_OFF,
	  "add intel_iommu=on (AMD: amd_iommu=on) to GRUB_CMDLINE_LINUX", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_OFF,
	  "echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_LOADABLE,
	  "modprobe vfio enable_unsafe_noiommu_mode=1", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_UNKNOWN,
	  "modprobe vfio enable_unsafe_noiommu_mode=1 (needs CONFIG_VFIO_NOIOMMU", "vfio-pci" },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_NONE, VNET_NOIOMMU_UNSUPPORTED,
	  "this kernel lacks CONFIG_VFIO_NOIOMMU: use uio_pci_generic or a vIOMMU", "uio_pci_generic" },
};

static void
test_routes(void)
{
	char bind[128], mod[64];
	struct vnet_verdict v;
	size_t i;

	for (i = 0; i < DIM(route_rows); i++) {
		struct vnet_env_facts env = good_env();
		struct vnet_dev_facts d = dev_of(VNET_PCI_DEVICE_NET_MODERN, VNET_KDRV_OTHER,
						 route_rows[i].iommu, VNET_CAPS_MODERN,
						 VNET_BAR_ABSENT);

		env.platform = route_rows[i].platform;
		env.noiommu = route_rows[i].noiommu;
		vnet_verdict_decide(&d, &env, &v);
		snprintf(bind, sizeof(bind), "dpdk-devbind.py -b %s " BDF, route_rows[i].target);
		snprintf(mod, sizeof(mod), "modprobe %s", route_rows[i].target);
		TAP_OK(v.nfix >= 2 && strncmp(v.fix[0], route_rows[i].first,
					       strlen(route_rows[i].first)) == 0 &&
		       strcmp(v.fix[v.nfix - 1], bind) == 0 &&
		       strcmp(v.fix[v.nfix - 2], mod) == 0,
		       "IOMMU %s, platform %s, noiommu %s: '%s' ... '%s'",
		       vnet_iommu_name(route_rows[i].iommu),
		       vnet_platform_iommu_name(route_rows[i].platform),
		       vnet_noiommu_name(route_rows[i].noiommu), route_rows[i].first, bind);
		if (v.nfix)
			printf("#   fix[0] = %s; last = %s\n", v.fix[0], v.fix[v.nfix - 1]);
	}
}

static void
test_route_extras(void)
{
	struct vnet_env_facts env = good_env();
	struct vnet_dev_facts d = dev_of(VNET_PCI_DEVICE_NET_MODERN, VNET_KDRV_OTHER,
					 VNET_IOMMU_NONE, VNET_CAPS_MODERN, VNET_BAR_ABSENT);
	struct vnet_verdict v;
	char line[2048];

	snprintf(d.ifname, sizeof(d.ifname), "eth0");
	d.if_up = true;
	vnet_verdict_decide(&d, &env, &v);
	TAP_OK(v.nfix > 0 && strcmp(v.fix[0], "ip link set dev eth0 down") == 0,
	       "a live interface is taken down first");
	TAP_CONTAINS(v.vnet.why, "interface eth0 is up: rebinding cuts its link",
		     "and the reason warns about the link");
	vnet_verdict_line(&v, line, sizeof(line));
	TAP_CONTAINS(line, "cannot be used: bound to the kernel driver virtio-pci",
		     "the one-line verdict starts with the reason");
	TAP_CONTAINS(line, "; fix: ip link set dev eth0 down; echo 1 > ",
		     "and lists the fixes in order");
	TAP_OK(strchr(line, '\n') == NULL, "on one line");

	/* uio route without hugepages: reserve and mount them after binding */
	env.noiommu = VNET_NOIOMMU_UNSUPPORTED;
	env.hugepages_free = false;
	env.hugetlbfs = false;
	d.if_up = false;
	vnet_verdict_decide(&d, &env, &v);
	TAP_OK(v.nfix == 5 &&
	       strcmp(v.fix[3], "echo 256 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages") == 0 &&
	       strcmp(v.fix[4], "mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages") == 0,
	       "uio needs physical addresses: hugepages reserved and mounted after binding");
	/* vfio with an IOMMU group does not need them */
	d.iommu = VNET_IOMMU_GROUP;
	vnet_verdict_decide(&d, &env, &v);
	TAP_EQ(v.nfix, 2, "vfio with an IOMMU group needs no hugepage step");

	/* bound to vfio-pci without a group: unbind, so the next probe makes one */
	env = good_env();
	env.noiommu = VNET_NOIOMMU_LOADABLE;
	d = dev_of(VNET_PCI_DEVICE_NET_MODERN, VNET_KDRV_VFIO, VNET_IOMMU_NONE,
		   VNET_CAPS_MODERN, VNET_BAR_ABSENT);
	vnet_verdict_decide(&d, &env, &v);
	TAP_OK(v.nfix == 4 && strcmp(v.fix[1], "dpdk-devbind.py -u " BDF) == 0,
	       "vfio-pci without a group: noiommu, unbind, modprobe, bind");
}

/* Legacy BAR0 access, per PMD; mmio_small is a 32-byte memory BAR. */
static const struct {
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	bool small;
	enum vnet_io_method vnet, virtio;
} access_rows[] = {
	{ VNET_KDRV_VFIO, VNET_BAR_PIO, false, VNET_IO_PORT, VNET_IO_VFIO_RW },
	{ VNET_KDRV_VFIO, VNET_BAR_MMIO, false, VNET_IO_MMIO, VNET_IO_VFIO_RW },
	{ VNET_KDRV_VFIO, VNET_BAR_MMIO, true, VNET_IO_VFIO_RW, VNET_IO_VFIO_RW },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_PIO, false, VNET_IO_PORT, VNET_IO_PORT },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_MMIO, false, VNET_IO_MMIO, VNET_IO_MMIO },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO, false, VNET_IO_PORT, VNET_IO_PORT },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, false, VNET_IO_MMIO, VNET_IO_MMIO },
	{ VNET_KDRV_OTHER, VNET_BAR_PIO, false, VNET_IO_REFUSE, VNET_IO_REFUSE },
	{ VNET_KDRV_NONE, VNET_BAR_MMIO, false, VNET_IO_REFUSE, VNET_IO_REFUSE },
	{ VNET_KDRV_VFIO, VNET_BAR_ABSENT, false, VNET_IO_REFUSE, VNET_IO_REFUSE },
};

static void
test_access(void)
{
	size_t i;

	for (i = 0; i < DIM(access_rows); i++) {
		struct vnet_bar b = { .kind = access_rows[i].bar,
				      .start = 0xfebc3000, .len = access_rows[i].small ? 32 : 4096 };

		TAP_OK(vnet_legacy_access(VNET_PMD_VNET, access_rows[i].kdrv, &b, 4096, true) ==
			       access_rows[i].vnet &&
		       vnet_legacy_access(VNET_PMD_VIRTIO_2211, access_rows[i].kdrv, &b, 4096, true) ==
			       access_rows[i].virtio,
		       "%s + %s%s BAR0: net_vnet %s, net_virtio %s",
		       vnet_kdrv_name(access_rows[i].kdrv), access_rows[i].small ? "small " : "",
		       vnet_bar_kind_name(access_rows[i].bar),
		       vnet_io_method_name(access_rows[i].vnet),
		       vnet_io_method_name(access_rows[i].virtio));
	}
	{
		struct vnet_bar b = { .kind = VNET_BAR_PIO, .start = 0xc000, .len = 32 };

		TAP_OK(vnet_legacy_access(VNET_PMD_VNET, VNET_KDRV_VFIO, &b, 4096, false) ==
			       VNET_IO_VFIO_RW &&
		       vnet_legacy_access(VNET_PMD_VNET, VNET_KDRV_UIO_GENERIC, &b, 4096, false) ==
			       VNET_IO_PORT,
		       "without in/out: vfio + port BAR0 falls back to pread/pwrite, uio stays on port I/O (and is refused)");
	}
	TAP_OK(strcmp(vnet_notify_cost(VNET_IO_VFIO_RW), "one pwrite() syscall") == 0 &&
	       strcmp(vnet_notify_cost(VNET_IO_PORT), "one port write (outw)") == 0 &&
	       strcmp(vnet_notify_cost(VNET_IO_MMIO), "one MMIO write") == 0,
	       "notify cost per access method");
}

/* Transport and the environment checks that follow it. */
static const struct {
	const char *name;
	uint16_t id;
	enum vnet_kdrv kdrv;
	enum vnet_iommu iommu;
	enum vnet_caps_result caps;
	enum vnet_bar_kind bar0;
	int env; /* 0 good, 1 no port I/O (root), 2 not root, 3 not x86, 4 no hugepages,
		    5 no hugetlbfs, 6 EAL in VA, 7 noiommu on, no hugepages */
	enum vnet_problem problem;
	enum vnet_transport_kind transport;
	const char *text; /* substring of why (refused) or note (usable) */
	const char *fix0;
} transport_rows[] = {
	{ "transitional, uio", 0x1000, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, VNET_CAPS_MODERN,
	  VNET_BAR_PIO, 0, VNET_PROBLEM_NONE, VNET_TRANSPORT_MODERN, "", NULL },
	{ "legacy, uio", 0x1000, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, VNET_CAPS_NO_VIRTIO,
	  VNET_BAR_PIO, 0, VNET_PROBLEM_NONE, VNET_TRANSPORT_LEGACY, "", NULL },
	{ "legacy without capability list", 0x1000, VNET_KDRV_IGB_UIO, VNET_IOMMU_NONE,
	  VNET_CAPS_NO_LIST, VNET_BAR_MMIO, 0, VNET_PROBLEM_NONE, VNET_TRANSPORT_LEGACY, "", NULL },
	{ "modern-only, caps incomplete", 0x1041, VNET_KDRV_VFIO, VNET_IOMMU_GROUP,
	  VNET_CAPS_INCOMPLETE, VNET_BAR_ABSENT, 0, VNET_PROBLEM_DEVICE, VNET_TRANSPORT_NONE,
	  "modern-only device (1af4:1041) whose virtio capabilities are unusable", "none on this machine" },
	{ "legacy, no BAR0", 0x1000, VNET_KDRV_VFIO, VNET_IOMMU_GROUP, VNET_CAPS_NO_VIRTIO,
	  VNET_BAR_ABSENT, 0, VNET_PROBLEM_LEGACY_BAR, VNET_TRANSPORT_LEGACY,
	  "legacy BAR0 (absent) cannot be reached", "none on this machine" },
	{ "legacy I/O BAR, lockdown", 0x1000, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE,
	  VNET_CAPS_NO_VIRTIO, VNET_BAR_PIO, 1, VNET_PROBLEM_PORT_IO, VNET_TRANSPORT_LEGACY,
	  "kernel lockdown forbids it", "echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode" },
	{ "legacy I/O BAR, not root", 0x1000, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE,
	  VNET_CAPS_NO_VIRTIO, VNET_BAR_PIO, 2, VNET_PROBLEM_PHYS_ADDR, VNET_TRANSPORT_NONE,
	  "(not root)", "run the DPDK application as root" },
	{ "legacy I/O BAR, not x86", 0x1000, VNET_KDRV_IGB_UIO, VNET_IOMMU_NONE,
	  VNET_CAPS_NO_VIRTIO, VNET_BAR_PIO, 3, VNET_PROBLEM_PORT_IO, VNET_TRANSPORT_LEGACY,
	  "this CPU cannot reach", "echo 1 > " },
	{ "legacy memory BAR, not x86", 0x1000, VNET_KDRV_IGB_UIO, VNET_IOMMU_NONE,
	  VNET_CAPS_NO_VIRTIO, VNET_BAR_MMIO, 3, VNET_PROBLEM_NONE, VNET_TRANSPORT_LEGACY, "", NULL },
	{ "uio, no hugepages", 0x1041, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, VNET_CAPS_MODERN,
	  VNET_BAR_ABSENT, 4, VNET_PROBLEM_PHYS_ADDR, VNET_TRANSPORT_NONE, "(no free hugepages)",
	  "echo 256 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages" },
	{ "igb_uio, no hugetlbfs", 0x1041, VNET_KDRV_IGB_UIO, VNET_IOMMU_NONE, VNET_CAPS_MODERN,
	  VNET_BAR_ABSENT, 5, VNET_PROBLEM_PHYS_ADDR, VNET_TRANSPORT_NONE, "(no hugetlbfs mounted)",
	  "mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages" },
	{ "uio, EAL in VA", 0x1041, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, VNET_CAPS_MODERN,
	  VNET_BAR_ABSENT, 6, VNET_PROBLEM_PHYS_ADDR, VNET_TRANSPORT_NONE, "EAL runs with IOVA as VA",
	  "run EAL without --no-huge and without --iova-mode=va" },
	{ "vfio noiommu, no hugepages", 0x1041, VNET_KDRV_VFIO, VNET_IOMMU_NOIOMMU, VNET_CAPS_MODERN,
	  VNET_BAR_ABSENT, 7, VNET_PROBLEM_PHYS_ADDR, VNET_TRANSPORT_NONE,
	  "vfio-pci in noiommu mode, which needs physical addresses", "echo 256 > " },
	{ "vfio + IOMMU, no hugepages", 0x1041, VNET_KDRV_VFIO, VNET_IOMMU_GROUP, VNET_CAPS_MODERN,
	  VNET_BAR_ABSENT, 4, VNET_PROBLEM_NONE, VNET_TRANSPORT_MODERN,
	  "no usable hugepages: run EAL with --no-huge", NULL },
	{ "legacy behind an IOMMU", 0x1000, VNET_KDRV_VFIO, VNET_IOMMU_GROUP, VNET_CAPS_NO_VIRTIO,
	  VNET_BAR_PIO, 0, VNET_PROBLEM_NONE, VNET_TRANSPORT_LEGACY,
	  "a legacy device bypasses the IOMMU: run EAL with --iova-mode=pa", NULL },
};

static void
set_env(struct vnet_env_facts *e, int kind)
{
	*e = good_env();
	switch (kind) {
	case 1: e->port_io = false; break;
	case 2: e->port_io = false; e->root = false; break;
	case 3: e->port_io = false; e->port_io_arch = false; break;
	case 4: e->hugepages_free = false; break;
	case 5: e->hugetlbfs = false; break;
	case 6: e->eal_iova_va = true; break;
	case 7: e->noiommu = VNET_NOIOMMU_ON; e->hugepages_free = false; break;
	default: break;
	}
}

static void
test_transport(void)
{
	struct vnet_verdict v;
	size_t i;

	for (i = 0; i < DIM(transport_rows); i++) {
		struct vnet_env_facts env;
		struct vnet_dev_facts d = dev_of(transport_rows[i].id, transport_rows[i].kdrv,
						 transport_rows[i].iommu, transport_rows[i].caps,
						 transport_rows[i].bar0);
		const char *text;

		set_env(&env, transport_rows[i].env);
		vnet_verdict_decide(&d, &env, &v);
		text = v.vnet.usable ? v.vnet.note : v.vnet.why;
		TAP_OK(v.vnet.problem == transport_rows[i].problem &&
		       v.vnet.usable == (transport_rows[i].problem == VNET_PROBLEM_NONE) &&
		       v.vnet.transport == transport_rows[i].transport &&
		       strstr(text, transport_rows[i].text) != NULL &&
		       (transport_rows[i].fix0 == NULL ? v.nfix == 0 :
			v.nfix > 0 && strncmp(v.fix[0], transport_rows[i].fix0,
					      strlen(transport_rows[i].fix0)) == 0),
		       "%s -> %s, %s", transport_rows[i].name,
		       vnet_problem_name(transport_rows[i].problem),
		       vnet_transport_name(transport_rows[i].transport));
		if (v.vnet.problem != transport_rows[i].problem || strstr(text, transport_rows[i].text) == NULL)
			printf("#   problem %s, text '%s', fix[0] '%s'\n", vnet_problem_name(v.vnet.problem),
			       text, v.nfix ? v.fix[0] : "");
	}
}

static void
test_virtio_differs(void)
{
	struct vnet_env_facts env = good_env();
	struct vnet_dev_facts d = dev_of(0x1000, VNET_KDRV_VFIO, VNET_IOMMU_GROUP,
					 VNET_CAPS_NO_VIRTIO, VNET_BAR_MMIO);
	struct vnet_verdict v;

	vnet_verdict_decide(&d, &env, &v);
	TAP_OK(v.vnet.usable && v.vnet.access == VNET_IO_MMIO &&
	       v.virtio.usable && v.virtio.access == VNET_IO_VFIO_RW,
	       "legacy memory BAR0 under vfio: net_vnet MMIO, net_virtio 22.11 a syscall per notify");
	env.eal_iova_va = true;
	d = dev_of(0x1041, VNET_KDRV_UIO_GENERIC, VNET_IOMMU_NONE, VNET_CAPS_MODERN, VNET_BAR_ABSENT);
	vnet_verdict_decide(&d, &env, &v);
	TAP_CONTAINS(v.virtio.why, "probes, but no traffic can flow",
		     "net_virtio takes a uio device in VA mode and its DMA goes astray");
}

/* EAL 22.11 IOVA mode for every input. */
static const struct {
	bool want_pa, groups, phys;
	enum vnet_iova iova;
	const char *why;
} iova_rows[] = {
	{ false, false, false, VNET_IOVA_VA, "physical addresses are unavailable" },
	{ false, true, false, VNET_IOVA_VA, "physical addresses are unavailable" },
	{ true, false, false, VNET_IOVA_VA, "physical addresses are unavailable" },
	{ true, true, false, VNET_IOVA_VA, "physical addresses are unavailable" },
	{ true, false, true, VNET_IOVA_PA, "needs physical addresses" },
	{ true, true, true, VNET_IOVA_PA, "needs physical addresses" },
	{ false, true, true, VNET_IOVA_VA, "an IOMMU is enabled" },
	{ false, false, true, VNET_IOVA_PA, "no IOMMU" },
};

static void
test_iova(void)
{
	const char *why;
	size_t i;

	for (i = 0; i < DIM(iova_rows); i++)
		TAP_OK(vnet_iova_decide(iova_rows[i].want_pa, iova_rows[i].groups,
					iova_rows[i].phys, &why) == iova_rows[i].iova &&
		       strstr(why, iova_rows[i].why) != NULL,
		       "IOVA: want PA %d, IOMMU groups %d, physical addresses %d -> %s",
		       iova_rows[i].want_pa, iova_rows[i].groups, iova_rows[i].phys,
		       vnet_iova_name(iova_rows[i].iova));
	TAP_OK(vnet_binding_wants_pa(VNET_KDRV_UIO_GENERIC, false) &&
	       vnet_binding_wants_pa(VNET_KDRV_IGB_UIO, false) &&
	       vnet_binding_wants_pa(VNET_KDRV_VFIO, true) &&
	       !vnet_binding_wants_pa(VNET_KDRV_VFIO, false) &&
	       !vnet_binding_wants_pa(VNET_KDRV_OTHER, true),
	       "uio, and vfio in noiommu mode, want physical addresses");
}

static void
test_names(void)
{
	unsigned int i;
	int bad = 0;

	for (i = 0; i < VNET_PROBLEM_COUNT; i++)
		bad += strcmp(vnet_problem_name(i), "?") == 0;
	for (i = 0; i < VNET_NOIOMMU_COUNT; i++)
		bad += strcmp(vnet_noiommu_name(i), "?") == 0;
	for (i = 0; i < VNET_PLAT_IOMMU_COUNT; i++)
		bad += strcmp(vnet_platform_iommu_name(i), "?") == 0;
	for (i = 0; i < VNET_IO_METHOD_COUNT; i++)
		bad += strcmp(vnet_notify_cost(i), "?") == 0;
	TAP_EQ(bad, 0, "every enum value has a name");
	TAP_OK(strcmp(vnet_problem_name(VNET_PROBLEM_COUNT), "?") == 0,
	       "an out-of-range value prints '?'");
}

int
main(void)
{
	test_binding();
	test_routes();
	test_route_extras();
	test_access();
	test_transport();
	test_virtio_differs();
	test_iova();
	test_names();
	return tap_done();
}
