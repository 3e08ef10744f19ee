/* SPDX-License-Identifier: BSD-3-Clause */
/* Environment facts for humans: modules, hugepages per size, IOMMU details. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

static const char *const module_names[] = {
	[DOC_MOD_MISSING] = "not found",
	[DOC_MOD_AVAILABLE] = "available, not loaded",
	[DOC_MOD_LOADED] = "loaded",
	[DOC_MOD_BUILTIN] = "built in",
};

const char *
doc_module_name(enum doc_module m)
{
	return (unsigned int)m < sizeof(module_names) / sizeof(module_names[0]) ?
		       module_names[m] : "?";
}

/* Whether list (modules.dep or modules.builtin) names <mod>.ko. */
static bool
list_has_module(const char *root, const char *list, const char *mod)
{
	char path[512], line[1024], want[80];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, list);
	snprintf(want, sizeof(want), "/%s.ko", mod);
	f = fopen(path, "r");
	while (f != NULL && !found && fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');
		char *ko;

		if (colon != NULL)
			*colon = '\0';
		ko = strstr(line, want);
		/* .ko, .ko.xz, .ko.zst: the name must end at ".ko" */
		found = ko != NULL && (ko[strlen(want)] == '\0' || ko[strlen(want)] == '.' ||
				       ko[strlen(want)] == '\n');
	}
	if (f != NULL)
		fclose(f);
	return found;
}

/* sysfs names modules with '_'; the on-disk file may use '-'. */
static enum doc_module
module_state(const char *root, const char *kernel, const char *mod, const char *file)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", mod);
	if (vnet_sysfs_exists(root, path)) {
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", mod);
		return vnet_sysfs_exists(root, path) ? DOC_MOD_LOADED : DOC_MOD_BUILTIN;
	}
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", kernel);
	if (list_has_module(root, path, file))
		return DOC_MOD_BUILTIN;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", kernel);
	return list_has_module(root, path, file) ? DOC_MOD_AVAILABLE : DOC_MOD_MISSING;
}

static void
list_dir(const char *root, const char *path, char *out, size_t len)
{
	char full[512];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	out[0] = '\0';
	snprintf(full, sizeof(full), "%s%s", root, path);
	d = opendir(full);
	while (d != NULL && (e = readdir(d)) != NULL && n + 1 < len) {
		int w;

		if (e->d_name[0] == '.')
			continue;
		w = snprintf(out + n, len - n, "%s%s", n ? " " : "", e->d_name);
		n += w > 0 ? (size_t)w : 0;
	}
	if (d != NULL)
		closedir(d);
}

static void
read_cmdline(const char *root, struct doc_env *env)
{
	char buf[4096], *save = NULL, *w;
	size_t n = 0;

	env->cmdline_iommu[0] = '\0';
	if (vnet_sysfs_read(root, "/proc/cmdline", buf, sizeof(buf)) <= 0)
		return;
	for (w = strtok_r(buf, " \n", &save); w != NULL; w = strtok_r(NULL, " \n", &save)) {
		int k;

		if (strstr(w, "iommu") == NULL && strncmp(w, "vfio", 4) != 0)
			continue;
		k = snprintf(env->cmdline_iommu + n, sizeof(env->cmdline_iommu) - n,
			     "%s%s", n ? " " : "", w);
		if (k < 0 || (size_t)k >= sizeof(env->cmdline_iommu) - n)
			break;
		n += (size_t)k;
	}
}

static int
cmp_huge(const void *a, const void *b)
{
	const struct doc_hugepages *x = a, *y = b;

	return x->size_kb < y->size_kb ? -1 : x->size_kb > y->size_kb;
}

static void
read_hugepages(const char *root, struct doc_env *env)
{
	char full[512], path[512], line[512];
	struct dirent *e;
	size_t n = 0;
	FILE *f;
	DIR *d;

	snprintf(full, sizeof(full), "%s/sys/kernel/mm/hugepages", root);
	d = opendir(full);
	while (d != NULL && (e = readdir(d)) != NULL && env->nhuge < DOC_MAX_HUGE) {
		struct doc_hugepages *h = &env->huge[env->nhuge];

		if (sscanf(e->d_name, "hugepages-%llukB", &h->size_kb) != 1)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%.64s/nr_hugepages",
			 e->d_name);
		if (vnet_sysfs_u64(root, path, &h->total) != 0)
			h->total = 0;
		snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%.64s/free_hugepages",
			 e->d_name);
		if (vnet_sysfs_u64(root, path, &h->free) != 0)
			h->free = 0;
		env->nhuge++;
	}
	if (d != NULL)
		closedir(d);
	qsort(env->huge, env->nhuge, sizeof(env->huge[0]), cmp_huge);
	env->hugetlbfs[0] = '\0';
	snprintf(full, sizeof(full), "%s/proc/mounts", root);
	f = fopen(full, "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char dev[128], dir[256], type[64];
		int w;

		if (sscanf(line, "%127s %255s %63s", dev, dir, type) != 3 ||
		    strcmp(type, "hugetlbfs") != 0)
			continue;
		w = snprintf(env->hugetlbfs + n, sizeof(env->hugetlbfs) - n, "%s%s",
			     n ? " " : "", dir);
		if (w < 0 || (size_t)w >= sizeof(env->hugetlbfs) - n)
			break;
		n += (size_t)w;
	}
	if (f != NULL)
		fclose(f);
}

void
doc_env_read(const char *root, struct doc_env *env)
{
	char buf[128];

	memset(env, 0, sizeof(*env));
	vnet_facts_env(root, &env->f);
	if (vnet_sysfs_read(root, "/proc/sys/kernel/osrelease", env->kernel,
			    sizeof(env->kernel)) <= 0)
		snprintf(env->kernel, sizeof(env->kernel), "unknown");
	env->kernel[strcspn(env->kernel, "\n")] = '\0';
	list_dir(root, "/sys/class/iommu", env->iommu_units, sizeof(env->iommu_units));
	env->iommu_groups = vnet_facts_iommu_groups(root);
	read_cmdline(root, env);
	env->vfio = module_state(root, env->kernel, "vfio", "vfio");
	env->vfio_pci = module_state(root, env->kernel, "vfio_pci", "vfio-pci");
	env->uio_pci_generic = module_state(root, env->kernel, "uio_pci_generic",
					    "uio_pci_generic");
	env->igb_uio = module_state(root, env->kernel, "igb_uio", "igb_uio");
	read_hugepages(root, env);
	env->lockdown = vnet_sysfs_read(root, "/sys/kernel/security/lockdown", buf,
					sizeof(buf)) > 0 && strstr(buf, "[none]") == NULL;
}
