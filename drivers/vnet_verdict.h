/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a PMD will do with one virtio-net PCI device, or why it cannot use
 * it and the commands that fix it. Pure decision tables over facts read
 * from sysfs/procfs (vnet_facts.c); shared by the PMD, which logs the
 * verdict when it refuses a device, and by app/vnet-doctor.
 */
#ifndef VNET_VERDICT_H
#define VNET_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_bar.h"
#include "vnet_caps.h"
#include "vnet_io.h"

/* The device's IOMMU group, as vfio sees it. */
enum vnet_iommu {
	VNET_IOMMU_NONE = 0, /* no iommu_group link: vfio-pci probe fails (-EINVAL) */
	VNET_IOMMU_GROUP,    /* a group of a real (or virtual) IOMMU */
	VNET_IOMMU_NOIOMMU,  /* a vfio-noiommu group: no DMA isolation */
	VNET_IOMMU_COUNT,
};

/* The platform's IOMMU. */
enum vnet_platform_iommu {
	VNET_PLAT_IOMMU_NONE = 0, /* no DMAR/IVRS table: the VM has no vIOMMU */
	VNET_PLAT_IOMMU_OFF,      /* the firmware has one, the kernel did not enable it */
	VNET_PLAT_IOMMU_ON,       /* /sys/class/iommu lists a unit */
	VNET_PLAT_IOMMU_COUNT,
};

/* vfio's enable_unsafe_noiommu_mode. */
enum vnet_noiommu {
	VNET_NOIOMMU_ON = 0,
	VNET_NOIOMMU_OFF,         /* the parameter exists and is N */
	VNET_NOIOMMU_LOADABLE,    /* vfio not loaded, kernel built with CONFIG_VFIO_NOIOMMU */
	VNET_NOIOMMU_UNSUPPORTED, /* kernel built without CONFIG_VFIO_NOIOMMU */
	VNET_NOIOMMU_UNKNOWN,     /* vfio not loaded, kernel config not readable */
	VNET_NOIOMMU_COUNT,
};

#define VNET_BDF_LEN 24
#define VNET_NAME_LEN 64

/* What the verdict needs to know about one device. */
struct vnet_dev_facts {
	char bdf[VNET_BDF_LEN];
	uint16_t device_id;
	enum vnet_kdrv kdrv;
	char driver[VNET_NAME_LEN];   /* bound driver name, "" if none */
	bool caps_known;              /* config space was fully readable */
	enum vnet_caps_result caps;
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	enum vnet_iommu iommu;
	char ifname[VNET_NAME_LEN];   /* kernel interface, "" if none */
	bool if_up;
};

/* What the verdict needs to know about the system. */
struct vnet_env_facts {
	enum vnet_platform_iommu platform;
	enum vnet_noiommu noiommu;
	bool hugepages_free;  /* some hugepage size has free pages */
	bool hugetlbfs;       /* a hugetlbfs is mounted */
	bool root;            /* CAP_SYS_ADMIN: EAL may read physical addresses */
	bool port_io;         /* iopl/ioperm would succeed (CAP_SYS_RAWIO, no lockdown) */
	bool port_io_arch;    /* x86: port I/O exists at all */
	bool eal_iova_va;     /* set by the PMD: EAL already runs with IOVA as VA */
	uint64_t page_size;
};

/* EAL can learn physical addresses only from hugepages, and only as root. */
static inline bool
vnet_env_phys_addrs(const struct vnet_env_facts *env)
{
	return env->hugepages_free && env->hugetlbfs && env->root &&
	       !env->eal_iova_va;
}

/* Why a PMD cannot use a device; the fix follows from it. */
enum vnet_problem {
	VNET_PROBLEM_NONE = 0,
	VNET_PROBLEM_BINDING,    /* wrong or no driver, or vfio without a group */
	VNET_PROBLEM_PHYS_ADDR,  /* binding needs physical addresses, none available */
	VNET_PROBLEM_PORT_IO,    /* legacy I/O BAR0, port I/O not permitted */
	VNET_PROBLEM_LEGACY_BAR, /* legacy BAR0 missing or unreachable */
	VNET_PROBLEM_DEVICE,     /* modern-only device with unusable capabilities */
	VNET_PROBLEM_COUNT,
};
const char *vnet_problem_name(enum vnet_problem p);

enum vnet_transport_kind {
	VNET_TRANSPORT_NONE = 0,
	VNET_TRANSPORT_MODERN,
	VNET_TRANSPORT_LEGACY,
	VNET_TRANSPORT_COUNT,
};

/* What one PMD will do with the device. */
struct vnet_plan {
	bool usable;
	enum vnet_problem problem;
	enum vnet_transport_kind transport;
	enum vnet_io_method access; /* legacy: the BAR0 method; modern: MMIO */
	char why[256];              /* the one-sentence reason when !usable */
	char note[160];             /* usable, but with a condition, or "" */
};

#define VNET_FIX_MAX 8
#define VNET_FIX_LEN 192

struct vnet_verdict {
	struct vnet_plan vnet;   /* net_vnet */
	struct vnet_plan virtio; /* DPDK 22.11's net_virtio */
	unsigned int nfix;
	char fix[VNET_FIX_MAX][VNET_FIX_LEN]; /* commands, in order */
};

/* PMDs the verdict speaks for. */
enum vnet_pmd { VNET_PMD_VNET = 0, VNET_PMD_VIRTIO_2211, VNET_PMD_COUNT };

const char *vnet_iommu_name(enum vnet_iommu v);
const char *vnet_platform_iommu_name(enum vnet_platform_iommu v);
const char *vnet_noiommu_name(enum vnet_noiommu v);
const char *vnet_transport_name(enum vnet_transport_kind v);
/* The cost of one queue notify with this access method. */
const char *vnet_notify_cost(enum vnet_io_method m);

/*
 * Legacy BAR0 access method of a PMD (net_vnet with legacy_io=auto);
 * port_io: in/out can be enabled here. VNET_IO_REFUSE if none.
 */
enum vnet_io_method vnet_legacy_access(enum vnet_pmd pmd, enum vnet_kdrv kdrv,
				       const struct vnet_bar *bar0,
				       uint64_t page_size, bool port_io);
/* Whether vfio-pci lets user space mmap this BAR. */
bool vnet_vfio_can_mmap(const struct vnet_bar *bar, uint64_t page_size);

/* Fill v->fix with the commands that cure problem, in order. */
void vnet_fix_build(enum vnet_problem problem, const struct vnet_dev_facts *dev,
		    const struct vnet_env_facts *env, struct vnet_verdict *v);

void vnet_verdict_decide(const struct vnet_dev_facts *dev,
			 const struct vnet_env_facts *env,
			 struct vnet_verdict *out);

/* "cannot be used: <why>; fix: <cmd>; <cmd>" (or "usable: ..."), one line. */
size_t vnet_verdict_line(const struct vnet_verdict *v, char *buf, size_t len);

/* The IOVA mode EAL (22.11) would pick for these bound devices, and why. */
enum vnet_iova { VNET_IOVA_PA = 0, VNET_IOVA_VA, VNET_IOVA_COUNT };
enum vnet_iova vnet_iova_decide(bool want_pa, bool iommu_groups,
				bool phys_addrs, const char **why);
const char *vnet_iova_name(enum vnet_iova v);
/* Whether a device bound this way makes EAL want physical addresses. */
bool vnet_binding_wants_pa(enum vnet_kdrv kdrv, bool noiommu_on);

#endif
