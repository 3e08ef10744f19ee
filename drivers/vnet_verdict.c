/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vnet_spec.h"
#include "vnet_verdict.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define ANY_IOMMU VNET_IOMMU_COUNT

static const char *const iommu_names[] = {
	[VNET_IOMMU_NONE] = "none",
	[VNET_IOMMU_GROUP] = "group",
	[VNET_IOMMU_NOIOMMU] = "noiommu-group",
};
_Static_assert(DIM(iommu_names) == VNET_IOMMU_COUNT, "iommu_names");

static const char *const plat_names[] = {
	[VNET_PLAT_IOMMU_NONE] = "none",
	[VNET_PLAT_IOMMU_OFF] = "present-but-disabled",
	[VNET_PLAT_IOMMU_ON] = "enabled",
};
_Static_assert(DIM(plat_names) == VNET_PLAT_IOMMU_COUNT, "plat_names");

static const char *const noiommu_names[] = {
	[VNET_NOIOMMU_ON] = "on",
	[VNET_NOIOMMU_OFF] = "off",
	[VNET_NOIOMMU_LOADABLE] = "off (vfio not loaded)",
	[VNET_NOIOMMU_UNSUPPORTED] = "unsupported (no CONFIG_VFIO_NOIOMMU)",
	[VNET_NOIOMMU_UNKNOWN] = "unknown (vfio not loaded)",
};
_Static_assert(DIM(noiommu_names) == VNET_NOIOMMU_COUNT, "noiommu_names");

static const char *const transport_names[] = {
	[VNET_TRANSPORT_NONE] = "none",
	[VNET_TRANSPORT_MODERN] = "modern",
	[VNET_TRANSPORT_LEGACY] = "legacy",
};
_Static_assert(DIM(transport_names) == VNET_TRANSPORT_COUNT, "transport_names");

#define NAME_OF(arr, v) ((unsigned int)(v) < DIM(arr) ? arr[v] : "?")

const char *vnet_iommu_name(enum vnet_iommu v) { return NAME_OF(iommu_names, v); }
const char *vnet_platform_iommu_name(enum vnet_platform_iommu v) { return NAME_OF(plat_names, v); }
const char *vnet_noiommu_name(enum vnet_noiommu v) { return NAME_OF(noiommu_names, v); }
const char *vnet_transport_name(enum vnet_transport_kind v) { return NAME_OF(transport_names, v); }

/*
 * Binding x IOMMU group: can any PMD reach the device at all? Read a row
 * as "a device bound to kdrv, with this IOMMU group, is usable / refused
 * because why"; a kernel driver's name goes before why.
 */
static const struct binding_rule {
	enum vnet_kdrv kdrv;
	enum vnet_iommu iommu; /* ANY_IOMMU: any */
	bool usable;
	const char *why;
} binding_rules[] = {
	{ VNET_KDRV_VFIO, VNET_IOMMU_GROUP, true, "" },
	{ VNET_KDRV_VFIO, VNET_IOMMU_NOIOMMU, true, "" },
	{ VNET_KDRV_VFIO, VNET_IOMMU_NONE, false,
	  "bound to vfio-pci but it has no IOMMU group, so vfio cannot give user space its BARs or DMA" },
	{ VNET_KDRV_IGB_UIO, ANY_IOMMU, true, "" },
	{ VNET_KDRV_UIO_GENERIC, ANY_IOMMU, true, "" },
	{ VNET_KDRV_OTHER, ANY_IOMMU, false,
	  "which owns it; DPDK cannot share a device with a kernel driver" },
	{ VNET_KDRV_NONE, ANY_IOMMU, false,
	  "no driver is bound, and DPDK >= 20.08 does not even list such a device, so no PMD sees it" },
};

static const struct binding_rule *
binding_rule_find(enum vnet_kdrv kdrv, enum vnet_iommu iommu)
{
	size_t i;

	for (i = 0; i < DIM(binding_rules); i++)
		if (binding_rules[i].kdrv == kdrv &&
		    (binding_rules[i].iommu == ANY_IOMMU ||
		     binding_rules[i].iommu == iommu))
			return &binding_rules[i];
	return NULL;
}

static const char *const problem_names[] = {
	[VNET_PROBLEM_NONE] = "none",
	[VNET_PROBLEM_BINDING] = "binding",
	[VNET_PROBLEM_PHYS_ADDR] = "physical-addresses",
	[VNET_PROBLEM_PORT_IO] = "port-io",
	[VNET_PROBLEM_LEGACY_BAR] = "legacy-bar",
	[VNET_PROBLEM_DEVICE] = "device",
};
_Static_assert(DIM(problem_names) == VNET_PROBLEM_COUNT, "problem_names");

const char *vnet_problem_name(enum vnet_problem p) { return NAME_OF(problem_names, p); }

static void __attribute__((format(printf, 3, 4)))
refuse(struct vnet_plan *p, enum vnet_problem problem, const char *fmt, ...)
{
	va_list ap;

	p->usable = false;
	p->problem = problem;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
}

static void
plan_transport(enum vnet_pmd pmd, const struct vnet_dev_facts *dev,
	       const struct vnet_env_facts *env, struct vnet_plan *p)
{
	const struct vnet_bar *bar0 = &dev->bars[0];

	if (dev->caps == VNET_CAPS_MODERN) {
		p->transport = VNET_TRANSPORT_MODERN;
		p->access = VNET_IO_MMIO; /* capability regions in mapped memory BARs */
		return;
	}
	if (dev->device_id == VNET_PCI_DEVICE_NET_MODERN) {
		refuse(p, VNET_PROBLEM_DEVICE,
		       "modern-only device (1af4:1041) whose virtio capabilities are unusable (%s)",
		       vnet_caps_result_str(dev->caps));
		return;
	}
	p->transport = VNET_TRANSPORT_LEGACY;
	p->access = vnet_legacy_access(pmd, dev->kdrv, bar0, env->page_size,
				       env->port_io_arch && env->port_io);
	if (p->access == VNET_IO_REFUSE) {
		refuse(p, VNET_PROBLEM_LEGACY_BAR, "legacy BAR0 (%s) cannot be reached under %s",
		       vnet_bar_kind_name(bar0->kind), vnet_kdrv_name(dev->kdrv));
	} else if (p->access == VNET_IO_PORT && !env->port_io_arch) {
		refuse(p, VNET_PROBLEM_PORT_IO,
		       "legacy BAR0 is port I/O, which this CPU cannot reach from user space");
	} else if (p->access == VNET_IO_PORT && !env->port_io) {
		refuse(p, VNET_PROBLEM_PORT_IO,
		       "legacy BAR0 is port I/O, but this process may not use iopl/ioperm (%s)",
		       env->root ? "kernel lockdown forbids it" : "needs root, CAP_SYS_RAWIO");
	}
}

static void
plan_for(enum vnet_pmd pmd, const struct vnet_dev_facts *dev,
	 const struct vnet_env_facts *env, struct vnet_plan *p)
{
	const struct binding_rule *b = binding_rule_find(dev->kdrv, dev->iommu);

	memset(p, 0, sizeof(*p));
	p->usable = true;
	if (b == NULL || !b->usable) {
		if (dev->kdrv == VNET_KDRV_OTHER)
			refuse(p, VNET_PROBLEM_BINDING, "bound to the kernel driver %s, %s",
			       dev->driver[0] ? dev->driver : "?",
			       b ? b->why : "");
		else
			refuse(p, VNET_PROBLEM_BINDING, "%s",
			       b ? b->why : "bound to a driver vnet does not know");
		if (dev->if_up && dev->ifname[0]) {
			size_t n = strlen(p->why);

			snprintf(p->why + n, sizeof(p->why) - n,
				 " (interface %s is up: rebinding cuts its link)",
				 dev->ifname);
		}
		return;
	}
	if (vnet_binding_wants_pa(dev->kdrv, env->noiommu == VNET_NOIOMMU_ON) &&
	    !vnet_env_phys_addrs(env)) {
		/* net_virtio does not check: it probes, and DMA goes astray. */
		refuse(p, VNET_PROBLEM_PHYS_ADDR,
		       "%sbound to %s, which needs physical addresses for DMA, but EAL cannot get them (%s)",
		       pmd == VNET_PMD_VIRTIO_2211 ? "probes, but no traffic can flow: " : "",
		       dev->kdrv == VNET_KDRV_VFIO ? "vfio-pci in noiommu mode" :
						     vnet_kdrv_name(dev->kdrv),
		       env->eal_iova_va ? "EAL runs with IOVA as VA" :
		       !env->hugepages_free ? "no free hugepages" :
		       !env->hugetlbfs ? "no hugetlbfs mounted" : "not root");
		return;
	}
	if (!dev->caps_known) {
		snprintf(p->note, sizeof(p->note),
			 "transport unknown: config space past 64 bytes is readable only by root");
		return;
	}
	plan_transport(pmd, dev, env, p);
	if (p->usable && dev->kdrv == VNET_KDRV_VFIO &&
	    dev->iommu == VNET_IOMMU_GROUP &&
	    p->transport == VNET_TRANSPORT_LEGACY)
		snprintf(p->note, sizeof(p->note),
			 "a legacy device bypasses the IOMMU: run EAL with --iova-mode=pa");
	else if (p->usable && !(env->hugepages_free && env->hugetlbfs))
		snprintf(p->note, sizeof(p->note),
			 "no usable hugepages: run EAL with --no-huge");
}

void
vnet_verdict_decide(const struct vnet_dev_facts *dev,
		    const struct vnet_env_facts *env, struct vnet_verdict *out)
{
	memset(out, 0, sizeof(*out));
	plan_for(VNET_PMD_VNET, dev, env, &out->vnet);
	plan_for(VNET_PMD_VIRTIO_2211, dev, env, &out->virtio);
	vnet_fix_build(out->vnet.problem, dev, env, out);
}

size_t
vnet_verdict_line(const struct vnet_verdict *v, char *buf, size_t len)
{
	size_t n;
	unsigned int i;
	int r;

	if (v->vnet.usable)
		r = snprintf(buf, len, "usable: %s, access %s, notify costs %s%s%s",
			     vnet_transport_name(v->vnet.transport),
			     vnet_io_method_name(v->vnet.access),
			     vnet_notify_cost(v->vnet.access),
			     v->vnet.note[0] ? "; " : "", v->vnet.note);
	else
		r = snprintf(buf, len, "cannot be used: %s", v->vnet.why);
	n = r < 0 ? 0 : (size_t)r;
	for (i = 0; i < v->nfix && n < len; i++) {
		r = snprintf(buf + n, len - n, "%s%s", i ? "; " : "; fix: ",
			     v->fix[i]);
		n += r < 0 ? 0 : (size_t)r;
	}
	return n < len ? n : len - 1;
}
