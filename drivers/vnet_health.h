/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is the device still the one we set up? Decided from its status byte and
 * its feature bits, on link updates and control calls. Pure, so each row
 * of the decision is unit-tested.
 */
#ifndef VNET_HEALTH_H
#define VNET_HEALTH_H

#include <stdbool.h>
#include <stdint.h>

enum vnet_health {
	VNET_HEALTH_OK = 0,
	VNET_HEALTH_REMOVED,          /* status reads 0xff: surprise removal */
	VNET_HEALTH_NEEDS_RESET,      /* DEVICE_NEEDS_RESET (virtio 1.2 §2.1.2) */
	VNET_HEALTH_FAILED,           /* FAILED set */
	VNET_HEALTH_DRIVER_OK_LOST,   /* started, but the device reset itself */
	VNET_HEALTH_FEATURES_CHANGED, /* device offers other features than at probe */
	VNET_HEALTH_COUNT,
};

extern const char *const vnet_health_names[VNET_HEALTH_COUNT];

enum vnet_health vnet_health_check(uint8_t status, bool started,
				   uint64_t features_now,
				   uint64_t features_at_probe);

#endif
