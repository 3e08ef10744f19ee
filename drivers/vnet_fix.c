/* SPDX-License-Identifier: BSD-3-Clause */
/* The commands that make a refused device usable, in the order to run them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vnet_verdict.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define ANY (-1)

enum fix_step {
	STEP_END = 0,
	STEP_CMDLINE,
	STEP_NOIOMMU_SET,
	STEP_NOIOMMU_LOAD,
	STEP_NOIOMMU_MAYBE,
	STEP_NO_NOIOMMU,
	STEP_COUNT,
};

static const char *const step_text[] = {
	[STEP_END] = "",
	[STEP_CMDLINE] = "add intel_iommu=on (AMD: amd_iommu=on) to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub, reboot",
	[STEP_NOIOMMU_SET] = "echo 1 > /sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
	[STEP_NOIOMMU_LOAD] = "modprobe vfio enable_unsafe_noiommu_mode=1",
	[STEP_NOIOMMU_MAYBE] = "modprobe vfio enable_unsafe_noiommu_mode=1 (needs CONFIG_VFIO_NOIOMMU; else use uio_pci_generic)",
	[STEP_NO_NOIOMMU] = "this kernel lacks CONFIG_VFIO_NOIOMMU: use uio_pci_generic or a vIOMMU",
};
_Static_assert(DIM(step_text) == STEP_COUNT, "step_text");

/*
 * Which driver to bind a device to, from what gives it DMA: its own IOMMU
 * group, else the platform IOMMU once enabled, else vfio's noiommu mode,
 * else uio. First matching row wins; ANY matches every value.
 */
static const struct route {
	int dev_iommu; /* enum vnet_iommu or ANY */
	int platform;  /* enum vnet_platform_iommu or ANY */
	int noiommu;   /* enum vnet_noiommu or ANY */
	const char *target;
	enum fix_step steps[2];
} routes[] = {
	{ VNET_IOMMU_GROUP, ANY, ANY, "vfio-pci", { STEP_END } },
	{ VNET_IOMMU_NOIOMMU, ANY, ANY, "vfio-pci", { STEP_END } },
	{ VNET_IOMMU_NONE, ANY, VNET_NOIOMMU_ON, "vfio-pci", { STEP_END } },
	{ VNET_IOMMU_NONE, VNET_PLAT_IOMMU_OFF, ANY, "vfio-pci", { STEP_CMDLINE } },
	{ VNET_IOMMU_NONE, ANY, VNET_NOIOMMU_OFF, "vfio-pci", { STEP_NOIOMMU_SET } },
	{ VNET_IOMMU_NONE, ANY, VNET_NOIOMMU_LOADABLE, "vfio-pci", { STEP_NOIOMMU_LOAD } },
	{ VNET_IOMMU_NONE, ANY, VNET_NOIOMMU_UNKNOWN, "vfio-pci", { STEP_NOIOMMU_MAYBE } },
	{ VNET_IOMMU_NONE, ANY, VNET_NOIOMMU_UNSUPPORTED, "uio_pci_generic", { STEP_NO_NOIOMMU } },
};

static const struct route *
route_find(const struct vnet_dev_facts *dev, const struct vnet_env_facts *env)
{
	size_t i;

	for (i = 0; i < DIM(routes); i++)
		if ((routes[i].dev_iommu == ANY || routes[i].dev_iommu == (int)dev->iommu) &&
		    (routes[i].platform == ANY || routes[i].platform == (int)env->platform) &&
		    (routes[i].noiommu == ANY || routes[i].noiommu == (int)env->noiommu))
			return &routes[i];
	return &routes[DIM(routes) - 1];
}

static void __attribute__((format(printf, 2, 3)))
add(struct vnet_verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nfix >= VNET_FIX_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(v->fix[v->nfix++], VNET_FIX_LEN, fmt, ap);
	va_end(ap);
}

/* Hugepages and root, for a binding that DMAs to physical addresses. */
static void
add_phys_steps(const struct vnet_env_facts *env, struct vnet_verdict *v)
{
	if (!env->hugepages_free)
		add(v, "echo 256 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages");
	if (!env->hugetlbfs)
		add(v, "mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages");
	if (!env->root)
		add(v, "run the DPDK application as root (physical addresses need CAP_SYS_ADMIN)");
	if (env->eal_iova_va)
		add(v, "run EAL without --no-huge and without --iova-mode=va");
}

static void
add_rebind(const struct vnet_dev_facts *dev, const struct vnet_env_facts *env,
	   struct vnet_verdict *v)
{
	const struct route *r = route_find(dev, env);
	bool noiommu;
	size_t i;

	if (dev->if_up && dev->ifname[0])
		add(v, "ip link set dev %s down", dev->ifname);
	for (i = 0; i < DIM(r->steps) && r->steps[i] != STEP_END; i++)
		add(v, "%s", step_text[r->steps[i]]);
	if (dev->kdrv == VNET_KDRV_VFIO) /* a group appears only at the next probe */
		add(v, "dpdk-devbind.py -u %s", dev->bdf);
	add(v, "modprobe %s", r->target);
	add(v, "dpdk-devbind.py -b %s %s", r->target, dev->bdf);
	noiommu = strcmp(r->target, "vfio-pci") == 0 && dev->iommu != VNET_IOMMU_GROUP &&
		  env->platform != VNET_PLAT_IOMMU_OFF;
	if ((noiommu || strcmp(r->target, "vfio-pci") != 0) &&
	    !vnet_env_phys_addrs(env))
		add_phys_steps(env, v);
}

void
vnet_fix_build(enum vnet_problem problem, const struct vnet_dev_facts *dev,
	       const struct vnet_env_facts *env, struct vnet_verdict *v)
{
	v->nfix = 0;
	switch (problem) {
	case VNET_PROBLEM_NONE:
		break;
	case VNET_PROBLEM_BINDING:
		add_rebind(dev, env, v);
		break;
	case VNET_PROBLEM_PHYS_ADDR:
		add_phys_steps(env, v);
		break;
	case VNET_PROBLEM_PORT_IO:
		if (env->port_io_arch && !env->root)
			add(v, "run the DPDK application as root (port I/O needs CAP_SYS_RAWIO)");
		else if (strcmp(route_find(dev, env)->target, "vfio-pci") == 0)
			add_rebind(dev, env, v); /* vfio reaches I/O BARs by pread/pwrite */
		else
			add(v, "boot with lockdown=none, or give the VM a vIOMMU and bind the device to vfio-pci");
		break;
	case VNET_PROBLEM_LEGACY_BAR:
	case VNET_PROBLEM_DEVICE:
	default:
		add(v, "none on this machine: the device itself is unusable; give the VM a virtio-net device with a legacy BAR0 or valid modern capabilities");
		break;
	}
}
