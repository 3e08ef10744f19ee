/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Read-only access to sysfs and procfs files. Every path is taken below
 * root: "" for the running system, or a captured tree in tests.
 */
#ifndef VNET_SYSFS_H
#define VNET_SYSFS_H

#include <stddef.h>

/* Read root+path into buf (NUL-terminated); bytes read, or -1. */
long vnet_sysfs_read(const char *root, const char *path, char *buf, size_t len);
/* Read a file holding one number (strtoull base 0); -1 if absent or bad. */
int vnet_sysfs_u64(const char *root, const char *path, unsigned long long *v);
/* The last path component of the symlink root+path; -1 if no link. */
int vnet_sysfs_link_base(const char *root, const char *path, char *out, size_t len);
/* Whether root+path exists. */
int vnet_sysfs_exists(const char *root, const char *path);

/* Whether the directory root+path has an entry other than . and .. */
int vnet_sysfs_dir_has_entry(const char *root, const char *path);
/* The first line of root+path starting with one of prefixes[0..n-1]: its index, or -1. */
int vnet_sysfs_find_line(const char *root, const char *path, const char *const *prefixes,
			 int n, char *line, size_t len);

#endif
