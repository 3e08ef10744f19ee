/* SPDX-License-Identifier: BSD-3-Clause */
/* Read-only access to sysfs/procfs files below a root directory. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vnet_sysfs.h"

#define PATH_LEN 1024

long
vnet_sysfs_read(const char *root, const char *path, char *buf, size_t len)
{
	char full[PATH_LEN];
	size_t n;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "rb");
	if (f == NULL || len == 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (long)n;
}

int
vnet_sysfs_u64(const char *root, const char *path, unsigned long long *v)
{
	char buf[64], *end;

	if (vnet_sysfs_read(root, path, buf, sizeof(buf)) <= 0)
		return -1;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (end == buf || errno != 0)
		return -1;
	return 0;
}

int
vnet_sysfs_link_base(const char *root, const char *path, char *out, size_t len)
{
	char full[PATH_LEN], target[PATH_LEN];
	const char *base;
	ssize_t n;

	snprintf(full, sizeof(full), "%s%s", root, path);
	n = readlink(full, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(out, len, "%s", base ? base + 1 : target);
	return 0;
}

int
vnet_sysfs_exists(const char *root, const char *path)
{
	char full[PATH_LEN];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", root, path);
	return stat(full, &st) == 0 || lstat(full, &st) == 0;
}

int
vnet_sysfs_dir_has_entry(const char *root, const char *path)
{
	char full[PATH_LEN];
	struct dirent *e;
	int found = 0;
	DIR *d;

	snprintf(full, sizeof(full), "%s%s", root, path);
	d = opendir(full);
	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL)
		found = e->d_name[0] != '.';
	closedir(d);
	return found;
}

int
vnet_sysfs_find_line(const char *root, const char *path, const char *const *prefixes,
	  int n, char *line, size_t len)
{
	char full[PATH_LEN];
	int i, found = -1;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "r");
	if (f == NULL)
		return -1;
	while (found < 0 && fgets(line, (int)len, f) != NULL)
		for (i = 0; i < n && found < 0; i++)
			if (strncmp(line, prefixes[i], strlen(prefixes[i])) == 0)
				found = i;
	fclose(f);
	return found;
}
