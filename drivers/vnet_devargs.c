/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_kvargs.h>

#include "vnet_devargs.h"

static int
parse_bool(const char *key, const char *val, bool *out, char *err,
	   size_t errlen)
{
	if (val != NULL && strcmp(val, "0") == 0) {
		*out = false;
		return 0;
	}
	if (val != NULL && strcmp(val, "1") == 0) {
		*out = true;
		return 0;
	}
	snprintf(err, errlen, "devarg %s='%s' is invalid: use 0 or 1", key,
		 val ? val : "");
	return -EINVAL;
}

static int
parse_speed(const char *key, const char *val, uint32_t *out, char *err,
	    size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = val ? strtoul(val, &end, 10) : 0;
	/* strtoul alone would take " 10", "+10" and "-5". */
	if (val == NULL || !isdigit((unsigned char)*val) || *end != '\0' ||
	    errno != 0 || v == 0 || v > VNET_SPEED_MAX_MBPS) {
		snprintf(err, errlen,
			 "devarg %s='%s' is invalid: use a link speed in Mbps, 1..%u",
			 key, val ? val : "", VNET_SPEED_MAX_MBPS);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Ring features: 1 (default) uses them when offered, 0 never. */
static const struct {
	const char *key;
	size_t off;
} ring_bools[] = {
	{ "packed", offsetof(struct vnet_devargs, packed) },
	{ "in_order", offsetof(struct vnet_devargs, in_order) },
	{ "indirect", offsetof(struct vnet_devargs, indirect) },
};

static int
parse_ring_bool(const char *key, const char *val, struct vnet_devargs *out,
		char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(ring_bools) / sizeof(ring_bools[0]); i++)
		if (strcmp(key, ring_bools[i].key) == 0) {
			out->ring_explicit |= 1u << i;
			return parse_bool(key, val,
					  (bool *)((char *)out + ring_bools[i].off),
					  err, errlen);
		}
	snprintf(err, errlen, "unknown devarg '%s'; valid: %s", key,
		 VNET_DEVARGS_HELP);
	return -EINVAL;
}

static int
parse_legacy_io(const char *key, const char *val, enum vnet_legacy_io *out,
		char *err, size_t errlen)
{
	int i;

	for (i = 0; i < VNET_LEGACY_IO_COUNT; i++)
		if (val != NULL && strcmp(val, vnet_legacy_io_name(i)) == 0) {
			*out = (enum vnet_legacy_io)i;
			return 0;
		}
	snprintf(err, errlen,
		 "devarg %s='%s' is invalid: use auto (in/out, else vfio pread/pwrite), port (in/out only) or vfio (pread/pwrite only)",
		 key, val ? val : "");
	return -EINVAL;
}

int
vnet_devargs_parse(const char *args, struct vnet_devargs *out, char *err,
		   size_t errlen)
{
	struct rte_kvargs *kv;
	unsigned int i;
	int ret = 0;

	out->force_legacy = false;
	out->event_idx = true;
	out->speed = 0;
	out->packed = out->in_order = out->indirect = true;
	out->ring_explicit = 0;
	out->legacy_io = VNET_LEGACY_IO_AUTO;
	if (args == NULL || *args == '\0')
		return 0;

	/* Parse without a key filter so an unknown key can be named. */
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL) {
		snprintf(err, errlen,
			 "devargs '%s' are not key=value pairs; valid: %s",
			 args, VNET_DEVARGS_HELP);
		return -EINVAL;
	}
	for (i = 0; i < kv->count && ret == 0; i++) {
		const char *key = kv->pairs[i].key;
		const char *val = kv->pairs[i].value;

		if (strcmp(key, VNET_DEVARG_FORCE_LEGACY) == 0)
			ret = parse_bool(key, val, &out->force_legacy, err, errlen);
		else if (strcmp(key, VNET_DEVARG_EVENT_IDX) == 0)
			ret = parse_bool(key, val, &out->event_idx, err, errlen);
		else if (strcmp(key, VNET_DEVARG_SPEED) == 0)
			ret = parse_speed(key, val, &out->speed, err, errlen);
		else if (strcmp(key, VNET_DEVARG_LEGACY_IO) == 0)
			ret = parse_legacy_io(key, val, &out->legacy_io, err, errlen);
		else
			ret = parse_ring_bool(key, val, out, err, errlen);
	}
	rte_kvargs_free(kv);
	return ret;
}
