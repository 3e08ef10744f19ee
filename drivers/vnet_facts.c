/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vnet_facts.h"
#include "vnet_spec.h"

#define PATH_LEN 1024
#define CAP_SYS_RAWIO 17
#define CAP_SYS_ADMIN 21

int
vnet_bdf_normalize(const char *bdf, char out[VNET_BDF_LEN])
{
	unsigned int dom = 0, bus, dev, fn;
	char tail;

	if (sscanf(bdf, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) != 4 &&
	    (dom = 0, sscanf(bdf, "%x:%x.%x%c", &bus, &dev, &fn, &tail) != 3))
		return -1;
	if (dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -1;
	snprintf(out, VNET_BDF_LEN, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

enum vnet_kdrv
vnet_kdrv_from_name(const char *driver)
{
	if (driver[0] == '\0')
		return VNET_KDRV_NONE;
	if (strcmp(driver, "vfio-pci") == 0)
		return VNET_KDRV_VFIO;
	if (strcmp(driver, "igb_uio") == 0)
		return VNET_KDRV_IGB_UIO;
	if (strcmp(driver, "uio_pci_generic") == 0)
		return VNET_KDRV_UIO_GENERIC;
	return VNET_KDRV_OTHER;
}

struct cfg_image {
	uint8_t b[VNET_PCI_CFG_SPACE_SIZE + 1]; /* + the NUL vnet_sysfs_read adds */
	size_t len;
};

static int
image_read(void *ctx, void *buf, size_t len, size_t off)
{
	const struct cfg_image *img = ctx;

	if (off + len > img->len)
		return -1;
	memcpy(buf, img->b + off, len);
	return (int)len;
}

/* The kernel interface of a device bound to virtio-pci: <dev>/virtioN/net/<if>. */
static void
read_interface(const char *root, const char *bdf, struct vnet_dev_facts *dev)
{
	char dir[PATH_LEN / 2], path[PATH_LEN];
	unsigned long long flags;
	struct dirent *v, *n;
	DIR *d, *nd;

	snprintf(dir, sizeof(dir), "%s" VNET_PCI_DEVICES "/%s", root, bdf);
	d = opendir(dir);
	if (d == NULL)
		return;
	while (dev->ifname[0] == '\0' && (v = readdir(d)) != NULL) {
		if (strncmp(v->d_name, "virtio", 6) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%.64s/net", dir, v->d_name);
		nd = opendir(path);
		if (nd == NULL)
			continue;
		while ((n = readdir(nd)) != NULL)
			if (n->d_name[0] != '.') {
				snprintf(dev->ifname, sizeof(dev->ifname), "%.*s",
					 (int)sizeof(dev->ifname) - 1, n->d_name);
				snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/%.64s/net/%.64s/flags",
					 bdf, v->d_name, n->d_name);
				dev->if_up = vnet_sysfs_u64(root, path, &flags) == 0 &&
					     (flags & 1); /* IFF_UP */
				break;
			}
		closedir(nd);
	}
	closedir(d);
}

static enum vnet_iommu
read_iommu(const char *root, const char *bdf)
{
	char path[PATH_LEN], group[32], name[64];

	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/iommu_group", bdf);
	if (vnet_sysfs_link_base(root, path, group, sizeof(group)) != 0)
		return VNET_IOMMU_NONE;
	/* vfio names the groups it makes up in noiommu mode */
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/name", group);
	if (vnet_sysfs_read(root, path, name, sizeof(name)) > 0 &&
	    strncmp(name, "vfio-noiommu", 12) == 0)
		return VNET_IOMMU_NOIOMMU;
	return VNET_IOMMU_GROUP;
}

int
vnet_facts_device(const char *root, const char *bdf, struct vnet_dev_facts *dev,
		  char *err, size_t errlen)
{
	char path[PATH_LEN], devdir[PATH_LEN];
	struct cfg_image img = { .len = 0 };
	struct vnet_cfg_access cfg = { .read = image_read, .ctx = &img };
	struct vnet_modern_layout layout;
	unsigned long long id;
	long n;

	memset(dev, 0, sizeof(*dev));
	if (vnet_bdf_normalize(bdf, dev->bdf) != 0) {
		snprintf(err, errlen, "'%s' is not a PCI address (want DDDD:BB:DD.F)", bdf);
		return -1;
	}
	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/device", dev->bdf);
	if (vnet_sysfs_u64(root, path, &id) != 0) {
		snprintf(err, errlen, "no PCI device %s (%s%s missing)", dev->bdf, root, path);
		return -1;
	}
	dev->device_id = (uint16_t)id;
	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/driver", dev->bdf);
	if (vnet_sysfs_link_base(root, path, dev->driver, sizeof(dev->driver)) != 0)
		dev->driver[0] = '\0';
	dev->kdrv = vnet_kdrv_from_name(dev->driver);
	dev->iommu = read_iommu(root, dev->bdf);
	snprintf(devdir, sizeof(devdir), "%s" VNET_PCI_DEVICES, root);
	if (vnet_bars_read(devdir, dev->bdf, dev->bars, err, errlen) != 0)
		return -1;
	snprintf(path, sizeof(path), VNET_PCI_DEVICES "/%s/config", dev->bdf);
	n = vnet_sysfs_read(root, path, (char *)img.b, sizeof(img.b));
	img.len = n < 0 ? 0 : (size_t)n;
	/* Without root, sysfs gives only the 64-byte standard header. */
	dev->caps_known = img.len >= VNET_PCI_CFG_SPACE_SIZE;
	dev->caps = dev->caps_known ? vnet_caps_parse(&cfg, dev->bars, &layout) :
				      VNET_CAPS_BROKEN_LIST;
	read_interface(root, dev->bdf, dev);
	return 0;
}

int
vnet_facts_iommu_groups(const char *root)
{
	return vnet_sysfs_dir_has_entry(root, "/sys/kernel/iommu_groups");
}

static enum vnet_noiommu
read_noiommu(const char *root)
{
	static const char *const cfg[] = {
		"CONFIG_VFIO_NOIOMMU=y", "# CONFIG_VFIO_NOIOMMU is not set",
	};
	char buf[256], path[PATH_LEN], rel[128];

	if (vnet_sysfs_read(root, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode",
			    buf, sizeof(buf)) > 0)
		return buf[0] == 'Y' || buf[0] == '1' ? VNET_NOIOMMU_ON : VNET_NOIOMMU_OFF;
	if (vnet_sysfs_exists(root, "/sys/module/vfio"))
		return VNET_NOIOMMU_UNSUPPORTED; /* loaded, and no such parameter */
	/* vfio not loaded: the kernel's build config says whether it could be. */
	if (vnet_sysfs_read(root, "/proc/sys/kernel/osrelease", rel, sizeof(rel)) <= 0)
		return VNET_NOIOMMU_UNKNOWN;
	rel[strcspn(rel, "\n")] = '\0';
	snprintf(path, sizeof(path), "/boot/config-%s", rel);
	switch (vnet_sysfs_find_line(root, path, cfg, 2, buf, sizeof(buf))) {
	case 0:
		return VNET_NOIOMMU_LOADABLE;
	case 1:
		return VNET_NOIOMMU_UNSUPPORTED;
	default:
		return VNET_NOIOMMU_UNKNOWN;
	}
}

/* Effective capability set of this process (of the tree's process in tests). */
static unsigned long long
cap_eff(const char *root)
{
	static const char *const key[] = { "CapEff:" };
	char line[256];

	if (vnet_sysfs_find_line(root, "/proc/self/status", key, 1, line, sizeof(line)) != 0)
		return 0;
	return strtoull(line + strlen(key[0]), NULL, 16);
}

static void
read_hugepages(const char *root, struct vnet_env_facts *env)
{
	char full[PATH_LEN], path[PATH_LEN], line[512];
	unsigned long long free_pages;
	struct dirent *e;
	FILE *f;
	DIR *d;

	snprintf(full, sizeof(full), "%s/sys/kernel/mm/hugepages", root);
	d = opendir(full);
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "hugepages-", 10) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/free_hugepages",
			 e->d_name);
		if (vnet_sysfs_u64(root, path, &free_pages) == 0 && free_pages > 0)
			env->hugepages_free = true;
	}
	if (d != NULL)
		closedir(d);
	snprintf(full, sizeof(full), "%s/proc/mounts", root);
	f = fopen(full, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char dev[128], dir[256], type[64];

		if (sscanf(line, "%127s %255s %63s", dev, dir, type) == 3 &&
		    strcmp(type, "hugetlbfs") == 0)
			env->hugetlbfs = true;
	}
	if (f != NULL)
		fclose(f);
}

void
vnet_facts_env(const char *root, struct vnet_env_facts *env)
{
	char lockdown[128];
	unsigned long long caps = cap_eff(root);
	long ps = sysconf(_SC_PAGESIZE);

	memset(env, 0, sizeof(*env));
	if (vnet_sysfs_dir_has_entry(root, "/sys/class/iommu"))
		env->platform = VNET_PLAT_IOMMU_ON;
	else if (vnet_sysfs_exists(root, "/sys/firmware/acpi/tables/DMAR") ||
		 vnet_sysfs_exists(root, "/sys/firmware/acpi/tables/IVRS"))
		env->platform = VNET_PLAT_IOMMU_OFF;
	env->noiommu = read_noiommu(root);
	read_hugepages(root, env);
	env->root = (caps >> CAP_SYS_ADMIN) & 1;
#if defined(__x86_64__) || defined(__i386__)
	env->port_io_arch = true;
#endif
	/* Any lockdown level ("[integrity]" or stricter) forbids iopl and ioperm. */
	env->port_io = env->port_io_arch && ((caps >> CAP_SYS_RAWIO) & 1) &&
		       !(vnet_sysfs_read(root, "/sys/kernel/security/lockdown", lockdown,
					 sizeof(lockdown)) > 0 &&
			 strstr(lockdown, "[none]") == NULL);
	env->page_size = ps > 0 ? (uint64_t)ps : 4096;
}
