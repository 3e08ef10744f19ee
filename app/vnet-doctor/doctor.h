/* SPDX-License-Identifier: BSD-3-Clause */
/* vnet-doctor: what it learns about devices and the system, and its reports. */
#ifndef VNET_DOCTOR_H
#define VNET_DOCTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vnet_facts.h"
#include "vnet_verdict.h"

#define DOC_MAX_DEVICES 64
#define DOC_MAX_HUGE 4

/* One virtio-net PCI device: the verdict's facts plus what only humans read. */
struct doc_device {
	struct vnet_dev_facts f;
	struct vnet_verdict v;
	uint16_t vendor, subsys_vendor, subsys_device;
	int numa_node;            /* -1: none or unknown */
	char iommu_group[16];     /* group number, "" if none */
	unsigned int msix_vectors; /* 0: no MSI-X capability */
	bool msix_enabled;
	char operstate[16];
};

struct doc_hugepages {
	unsigned long long size_kb, total, free;
};

enum doc_module { DOC_MOD_MISSING = 0, DOC_MOD_AVAILABLE, DOC_MOD_LOADED, DOC_MOD_BUILTIN };

struct doc_env {
	struct vnet_env_facts f;
	char kernel[64];
	char iommu_units[128];   /* /sys/class/iommu entries, space separated */
	char cmdline_iommu[256]; /* iommu-related words of /proc/cmdline */
	bool iommu_groups;
	enum doc_module vfio, vfio_pci, uio_pci_generic, igb_uio;
	unsigned int nhuge;
	struct doc_hugepages huge[DOC_MAX_HUGE];
	char hugetlbfs[256];     /* mount points, space separated */
	bool lockdown;
	enum vnet_iova iova;
	const char *iova_why;
};

struct doc_report {
	const char *root;
	struct doc_env env;
	unsigned int ndev;
	struct doc_device dev[DOC_MAX_DEVICES];
};

/* scan.c: every virtio-net PCI device (or only bdf), decided. 0 or -1 + err. */
int doc_scan(struct doc_report *r, const char *only_bdf, char *err, size_t errlen);
/* env.c */
void doc_env_read(const char *root, struct doc_env *env);
const char *doc_module_name(enum doc_module m);
/* Derived: modern / transitional / legacy / unknown. */
const char *doc_device_kind(const struct doc_device *d);

/* text.c and json.c */
void doc_print_text(FILE *out, const struct doc_report *r);
void doc_print_json(FILE *out, const struct doc_report *r);

#endif
