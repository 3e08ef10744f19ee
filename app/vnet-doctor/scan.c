/* SPDX-License-Identifier: BSD-3-Clause */
/* Find the virtio-net PCI devices and decide each one. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "vnet_spec.h"

static unsigned int
id_of(const char *root, const char *bdf, const char *file)
{
	char path[256];
	unsigned long long v;

	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%.32s/%s", bdf, file);
	return vnet_sysfs_u64(root, path, &v) == 0 ? (unsigned int)v : 0xffffffffu;
}

static bool
is_virtio_net(const char *root, const char *bdf)
{
	unsigned int dev = id_of(root, bdf, "device");

	return id_of(root, bdf, "vendor") == VNET_PCI_VENDOR_REDHAT_QUMRANET &&
	       (dev == VNET_PCI_DEVICE_NET_TRANSITIONAL || dev == VNET_PCI_DEVICE_NET_MODERN);
}

/* MSI-X table size and enable bit, straight from config space (PCI 3.0 §6.8.2). */
static void
read_msix(const char *root, struct doc_device *d)
{
	uint8_t cfg[VNET_PCI_CFG_SPACE_SIZE + 1];
	char path[256];
	unsigned int pos, walked = 0;
	long n;

	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/config", d->f.bdf);
	n = vnet_sysfs_read(root, path, (char *)cfg, sizeof(cfg));
	if (n < VNET_PCI_CFG_SPACE_SIZE || !(cfg[VNET_PCI_STATUS] & VNET_PCI_STATUS_CAP_LIST))
		return;
	for (pos = cfg[VNET_PCI_CAPABILITY_LIST] & ~3u;
	     pos >= VNET_PCI_STD_HEADER_SIZE && pos + 4 <= VNET_PCI_CFG_SPACE_SIZE &&
	     walked++ < VNET_CAPS_MAX_WALK;
	     pos = cfg[pos + 1] & ~3u) {
		if (cfg[pos] == VNET_PCI_CAP_ID_MSIX) {
			unsigned int flags = cfg[pos + 2] | cfg[pos + 3] << 8;

			d->msix_vectors = (flags & 0x7ff) + 1;
			d->msix_enabled = (flags & VNET_PCI_MSIX_ENABLE) != 0;
			return;
		}
	}
}

static int
read_device(const char *root, const char *bdf, struct doc_device *d,
	    const struct vnet_env_facts *env, char *err, size_t errlen)
{
	char path[256], buf[64];

	memset(d, 0, sizeof(*d));
	if (vnet_facts_device(root, bdf, &d->f, err, errlen) != 0)
		return -1;
	d->vendor = (uint16_t)id_of(root, d->f.bdf, "vendor");
	d->subsys_vendor = (uint16_t)id_of(root, d->f.bdf, "subsystem_vendor");
	d->subsys_device = (uint16_t)id_of(root, d->f.bdf, "subsystem_device");
	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/numa_node", d->f.bdf);
	d->numa_node = vnet_sysfs_read(root, path, buf, sizeof(buf)) > 0 ? atoi(buf) : -1;
	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/iommu_group", d->f.bdf);
	if (vnet_sysfs_link_base(root, path, d->iommu_group, sizeof(d->iommu_group)) != 0)
		d->iommu_group[0] = '\0';
	read_msix(root, d);
	if (d->f.ifname[0]) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", d->f.ifname);
		if (vnet_sysfs_read(root, path, d->operstate, sizeof(d->operstate)) <= 0)
			snprintf(d->operstate, sizeof(d->operstate), "unknown");
		d->operstate[strcspn(d->operstate, "\n")] = '\0';
	}
	vnet_verdict_decide(&d->f, env, &d->v);
	return 0;
}

static int
cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct doc_device *)a)->f.bdf,
		      ((const struct doc_device *)b)->f.bdf);
}

const char *
doc_device_kind(const struct doc_device *d)
{
	if (!d->f.caps_known)
		return d->f.device_id == VNET_PCI_DEVICE_NET_MODERN ? "modern" : "unknown";
	if (d->f.caps == VNET_CAPS_MODERN)
		return d->f.device_id == VNET_PCI_DEVICE_NET_MODERN ? "modern" : "transitional";
	return d->f.device_id == VNET_PCI_DEVICE_NET_MODERN ? "modern (broken)" : "legacy";
}

int
doc_scan(struct doc_report *r, const char *only_bdf, char *err, size_t errlen)
{
	char dir[512], bdf[VNET_BDF_LEN];
	bool want_pa = false;
	struct dirent *e;
	unsigned int i;
	DIR *d;

	doc_env_read(r->root, &r->env);
	r->ndev = 0;
	if (only_bdf != NULL) {
		if (vnet_bdf_normalize(only_bdf, bdf) != 0) {
			snprintf(err, errlen, "--device %s: not a PCI address (want 0000:00:04.0 or 00:04.0)",
				 only_bdf);
			return -2;
		}
		if (!is_virtio_net(r->root, bdf)) {
			snprintf(err, errlen, "%s: no such virtio-net PCI device (1af4:1000 or 1af4:1041) under %s" VNET_PCI_DEVICES,
				 bdf, r->root);
			return -1;
		}
		if (read_device(r->root, bdf, &r->dev[0], &r->env.f, err, errlen) != 0)
			return -1;
		r->ndev = 1;
	} else {
		snprintf(dir, sizeof(dir), "%s" VNET_PCI_DEVICES, r->root);
		d = opendir(dir);
		if (d == NULL) {
			snprintf(err, errlen, "cannot list %s: is sysfs mounted?", dir);
			return -1;
		}
		while ((e = readdir(d)) != NULL && r->ndev < DOC_MAX_DEVICES) {
			if (e->d_name[0] == '.' || !is_virtio_net(r->root, e->d_name))
				continue;
			if (read_device(r->root, e->d_name, &r->dev[r->ndev], &r->env.f,
					err, errlen) == 0)
				r->ndev++;
		}
		closedir(d);
		qsort(r->dev, r->ndev, sizeof(r->dev[0]), cmp_dev);
	}
	for (i = 0; i < r->ndev; i++)
		want_pa |= vnet_binding_wants_pa(r->dev[i].f.kdrv,
						 r->env.f.noiommu == VNET_NOIOMMU_ON);
	r->env.iova = vnet_iova_decide(want_pa, r->env.iommu_groups,
				       vnet_env_phys_addrs(&r->env.f), &r->env.iova_why);
	return 0;
}
