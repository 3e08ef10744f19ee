/* SPDX-License-Identifier: BSD-3-Clause */
/* Device health verdicts, one row per case, against a table written apart. */
#include "tap.h"
#include "vnet_health.h"
#include "vnet_spec.h"

#define RUNNING (VNET_STATUS_ACKNOWLEDGE | VNET_STATUS_DRIVER | \
		 VNET_STATUS_FEATURES_OK | VNET_STATUS_DRIVER_OK)
#define F 0x130000020ULL

static const struct {
	const char *what;
	uint8_t status;
	bool started;
	uint64_t now;
	enum vnet_health want;
} cases[] = {
	{ "running device", RUNNING, true, F, VNET_HEALTH_OK },
	{ "stopped device in reset", 0, false, F, VNET_HEALTH_OK },
	{ "surprise removal while running", 0xff, true, F, VNET_HEALTH_REMOVED },
	{ "surprise removal while stopped", 0xff, false, F, VNET_HEALTH_REMOVED },
	{ "removal wins over changed features", 0xff, true, ~0ULL, VNET_HEALTH_REMOVED },
	{ "DEVICE_NEEDS_RESET", RUNNING | VNET_STATUS_DEVICE_NEEDS_RESET, true, F, VNET_HEALTH_NEEDS_RESET },
	{ "DEVICE_NEEDS_RESET while stopped", VNET_STATUS_DEVICE_NEEDS_RESET, false, F, VNET_HEALTH_NEEDS_RESET },
	{ "FAILED", RUNNING | VNET_STATUS_FAILED, true, F, VNET_HEALTH_FAILED },
	{ "device reset itself while running", 0, true, F, VNET_HEALTH_DRIVER_OK_LOST },
	{ "features changed while running", RUNNING, true, F | 1, VNET_HEALTH_FEATURES_CHANGED },
	{ "features changed while stopped", 0, false, F & ~0x20ULL, VNET_HEALTH_FEATURES_CHANGED },
};

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		TAP_EQ(vnet_health_check(cases[i].status, cases[i].started, cases[i].now, F),
		       cases[i].want, "%s -> %s", cases[i].what, vnet_health_names[cases[i].want]);
	for (i = 0; i < VNET_HEALTH_COUNT; i++)
		TAP_OK(vnet_health_names[i] != NULL, "verdict %zu has a name", i);
	return tap_done();
}
