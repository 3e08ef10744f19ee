/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What upstream DPDK 22.11 does, as far as the verdict needs it: which
 * bindings make EAL want physical addresses, the IOVA mode it then picks,
 * and how each PMD reaches a legacy BAR0 (and what a notify costs).
 */
#include <string.h>

#include "vnet_verdict.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define NAME_OF(arr, v) ((unsigned int)(v) < DIM(arr) ? arr[v] : "?")

static const char *const notify_costs[] = {
	[VNET_IO_REFUSE] = "none",
	[VNET_IO_PORT] = "one port write (outw)",
	[VNET_IO_MMIO] = "one MMIO write",
	[VNET_IO_VFIO_RW] = "one pwrite() syscall",
};
_Static_assert(DIM(notify_costs) == VNET_IO_METHOD_COUNT, "notify_costs");

static const char *const iova_names[] = {
	[VNET_IOVA_PA] = "PA",
	[VNET_IOVA_VA] = "VA",
};
_Static_assert(DIM(iova_names) == VNET_IOVA_COUNT, "iova_names");

const char *vnet_notify_cost(enum vnet_io_method m) { return NAME_OF(notify_costs, m); }
const char *vnet_iova_name(enum vnet_iova v) { return NAME_OF(iova_names, v); }

bool
vnet_binding_wants_pa(enum vnet_kdrv kdrv, bool noiommu_on)
{
	/* uio has no IOMMU mapping; nor has vfio once noiommu mode is on (EAL pci_device_iova_mode). */
	return kdrv == VNET_KDRV_IGB_UIO || kdrv == VNET_KDRV_UIO_GENERIC ||
	       (kdrv == VNET_KDRV_VFIO && noiommu_on);
}

/*
 * DPDK 22.11's net_virtio legacy BAR0 access (rte_pci_ioport_map): vfio
 * always goes through pread/pwrite on the device fd, even for a memory BAR;
 * uio uses in/out for an I/O BAR and maps a memory BAR.
 */
static const struct {
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	enum vnet_io_method method;
} virtio2211_legacy[] = {
	{ VNET_KDRV_VFIO, VNET_BAR_PIO, VNET_IO_VFIO_RW },
	{ VNET_KDRV_VFIO, VNET_BAR_MMIO, VNET_IO_VFIO_RW },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_PIO, VNET_IO_PORT },
	{ VNET_KDRV_IGB_UIO, VNET_BAR_MMIO, VNET_IO_MMIO },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_PIO, VNET_IO_PORT },
	{ VNET_KDRV_UIO_GENERIC, VNET_BAR_MMIO, VNET_IO_MMIO },
};

bool
vnet_vfio_can_mmap(const struct vnet_bar *bar, uint64_t page_size)
{
	/* vfio-pci maps memory BARs that own whole pages (Linux >= 4.7). */
	if (page_size == 0)
		page_size = 4096;
	return bar->kind == VNET_BAR_MMIO && bar->start % page_size == 0 &&
	       bar->len >= page_size;
}

enum vnet_io_method
vnet_legacy_access(enum vnet_pmd pmd, enum vnet_kdrv kdrv,
		   const struct vnet_bar *bar0, uint64_t page_size, bool port_io)
{
	const struct vnet_io_rule *r;
	size_t i;

	if (pmd == VNET_PMD_VIRTIO_2211) {
		for (i = 0; i < DIM(virtio2211_legacy); i++)
			if (virtio2211_legacy[i].kdrv == kdrv &&
			    virtio2211_legacy[i].bar == bar0->kind)
				return virtio2211_legacy[i].method;
		return VNET_IO_REFUSE;
	}
	r = vnet_io_rule_find(kdrv, bar0->kind, VNET_LEGACY_IO_AUTO);
	if (r->method == VNET_IO_MMIO && kdrv == VNET_KDRV_VFIO &&
	    !vnet_vfio_can_mmap(bar0, page_size))
		return r->fallback;
	if (r->method == VNET_IO_PORT && !port_io && r->fallback != VNET_IO_REFUSE)
		return r->fallback;
	return r->method;
}

/*
 * EAL 22.11's IOVA choice (rte_eal_init, --iova-mode unset): without
 * physical addresses it forces VA whatever the devices need; otherwise
 * the PCI bus asks for PA when a bound device needs it, and an IOMMU
 * means VA. -1 matches either value; the first matching row wins.
 */
static const struct {
	int want_pa, iommu_groups, phys_addrs;
	enum vnet_iova iova;
	const char *why;
} iova_rules[] = {
	{ -1, -1, 0, VNET_IOVA_VA,
	  "physical addresses are unavailable (no hugepages, or not root), so EAL forces VA" },
	{ 1, -1, 1, VNET_IOVA_PA,
	  "a device bound to uio or to vfio in noiommu mode needs physical addresses" },
	{ 0, 1, 1, VNET_IOVA_VA, "an IOMMU is enabled (/sys/kernel/iommu_groups is not empty)" },
	{ 0, 0, 1, VNET_IOVA_PA, "no IOMMU, and physical addresses are available" },
};

enum vnet_iova
vnet_iova_decide(bool want_pa, bool iommu_groups, bool phys_addrs,
		 const char **why)
{
	size_t i;

	for (i = 0; i < DIM(iova_rules); i++)
		if ((iova_rules[i].want_pa < 0 || iova_rules[i].want_pa == want_pa) &&
		    (iova_rules[i].iommu_groups < 0 ||
		     iova_rules[i].iommu_groups == iommu_groups) &&
		    (iova_rules[i].phys_addrs < 0 ||
		     iova_rules[i].phys_addrs == phys_addrs)) {
			*why = iova_rules[i].why;
			return iova_rules[i].iova;
		}
	*why = "no rule matched";
	return VNET_IOVA_VA; /* not reached: the rows cover every input */
}
