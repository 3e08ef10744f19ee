/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_DEVARGS_H
#define VNET_DEVARGS_H

#include <stddef.h>

#include "vnet_hw.h"

#define VNET_DEVARG_FORCE_LEGACY "force_legacy"
#define VNET_DEVARG_EVENT_IDX "event_idx"
#define VNET_DEVARG_SPEED "speed"
#define VNET_DEVARG_LEGACY_IO "legacy_io"
#define VNET_DEVARGS_HELP \
	VNET_DEVARG_FORCE_LEGACY "=<0|1> " \
	VNET_DEVARG_EVENT_IDX "=<0|1> " \
	VNET_DEVARG_SPEED "=<Mbps> " \
	"packed=<0|1> in_order=<0|1> indirect=<0|1> " \
	VNET_DEVARG_LEGACY_IO "=<auto|port|vfio>"
#define VNET_SPEED_MAX_MBPS 400000

/*
 * Parse "key=value,..." (NULL or "" gives the defaults). Returns 0, or
 * -EINVAL with a message naming the key and value in err.
 */
int vnet_devargs_parse(const char *args, struct vnet_devargs *out, char *err,
		       size_t errlen);

#endif
