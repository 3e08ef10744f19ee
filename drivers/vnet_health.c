/* SPDX-License-Identifier: BSD-3-Clause */
#include <stddef.h>

#include "vnet_health.h"
#include "vnet_spec.h"

const char *const vnet_health_names[VNET_HEALTH_COUNT] = {
	[VNET_HEALTH_OK] = "ok",
	[VNET_HEALTH_REMOVED] = "device status reads 0xff: the device was removed or is unreachable",
	[VNET_HEALTH_NEEDS_RESET] = "device set DEVICE_NEEDS_RESET",
	[VNET_HEALTH_FAILED] = "device status has FAILED set",
	[VNET_HEALTH_DRIVER_OK_LOST] = "device dropped DRIVER_OK (it reset itself)",
	[VNET_HEALTH_FEATURES_CHANGED] = "device features changed since probe",
};

/* Status rows, first match wins; 0xff is checked before any single bit. */
static const struct {
	uint8_t mask;
	uint8_t value;
	bool only_started;
	enum vnet_health verdict;
} status_rules[] = {
	{ 0xff, 0xff, false, VNET_HEALTH_REMOVED },
	{ VNET_STATUS_DEVICE_NEEDS_RESET, VNET_STATUS_DEVICE_NEEDS_RESET, false, VNET_HEALTH_NEEDS_RESET },
	{ VNET_STATUS_FAILED, VNET_STATUS_FAILED, false, VNET_HEALTH_FAILED },
	{ VNET_STATUS_DRIVER_OK, 0, true, VNET_HEALTH_DRIVER_OK_LOST },
};

enum vnet_health
vnet_health_check(uint8_t status, bool started, uint64_t features_now,
		  uint64_t features_at_probe)
{
	size_t i;

	for (i = 0; i < sizeof(status_rules) / sizeof(status_rules[0]); i++) {
		if (status_rules[i].only_started && !started)
			continue;
		if ((status & status_rules[i].mask) == status_rules[i].value)
			return status_rules[i].verdict;
	}
	if (features_now != features_at_probe)
		return VNET_HEALTH_FEATURES_CHANGED;
	return VNET_HEALTH_OK;
}
