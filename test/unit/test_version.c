/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-for against running-in DPDK: the probe verdict and its message,
 * the release table, and the load-time ABI line. Expected values are
 * written out here, not derived from VNET_DPDK_RELEASES.
 */
#include "tap.h"
#include "vnet_version.h"

static const struct {
	struct vnet_dpdk_version built, running;
	enum vnet_version_verdict want;
	const char *says; /* in the explanation */
} compare_rows[] = {
	{ { 22, 11, 11 }, { 22, 11, 11 }, VNET_VERSION_SAME, "built for and running in DPDK 22.11.11" },
	{ { 23, 11, 7 }, { 23, 11, 7 }, VNET_VERSION_SAME, "DPDK 23.11.7" },
	{ { 23, 11, 5 }, { 23, 11, 7 }, VNET_VERSION_PATCH, "rebuild against 23.11.7 when convenient" },
	{ { 24, 11, 6 }, { 24, 11, 0 }, VNET_VERSION_PATCH, "running in 24.11.0: same ABI" },
	{ { 22, 11, 11 }, { 23, 11, 7 }, VNET_VERSION_OTHER, "rebuild vnet against DPDK 23.11" },
	{ { 25, 11, 2 }, { 24, 11, 6 }, VNET_VERSION_OTHER, "not probing" },
	/* 23.03 and 23.07 share 22.11's ABI: a 22.11 plugin loads, but its
	 * driver structures are not 23.07's. */
	{ { 22, 11, 11 }, { 23, 7, 0 }, VNET_VERSION_OTHER, "running in DPDK 23.07.0" },
	{ { 23, 11, 7 }, { 24, 11, 7 }, VNET_VERSION_OTHER, "against DPDK 24.11" },
	{ { 24, 11, 6 }, { 24, 3, 6 }, VNET_VERSION_OTHER, "built for DPDK 24.11.6" },
};

static const struct {
	unsigned int abi;
	const char *release; /* NULL: no row */
} abi_rows[] = {
	{ 23, "22.11" }, { 24, "23.11" }, { 25, "24.11" }, { 26, "25.11" },
	{ 22, NULL }, { 27, NULL }, { 0, NULL },
};

static const struct {
	const char *path;
	int abi;
} path_rows[] = {
	{ "/usr/lib/x86_64-linux-gnu/librte_eal.so.23", 23 },
	{ "/var/cache/vnet/dpdk/24.11.6-x/lib/librte_eal.so.25.0", 25 },
	{ "librte_eal.so.26", 26 },
	{ "/lib/librte_eal.so", -1 },
	{ "/lib/librte_eal.so.", -1 },
	{ "/lib/librte_eal.so.x", -1 },
	{ "/lib/librte_eal.so.24abc", -1 },
	{ "/lib/librte_ethdev.so.24", -1 },
	{ "/opt/librte_eal.so.24/librte_net_vnet.so", -1 },
	{ "", -1 },
};

int
main(void)
{
	char buf[512];
	size_t i;

	for (i = 0; i < sizeof(compare_rows) / sizeof(compare_rows[0]); i++) {
		const struct vnet_dpdk_version *b = &compare_rows[i].built;
		const struct vnet_dpdk_version *r = &compare_rows[i].running;
		enum vnet_version_verdict v = vnet_version_compare(b, r);

		TAP_EQ(v, compare_rows[i].want, "built %u.%u.%u, running %u.%u.%u: verdict",
		       b->year, b->month, b->minor, r->year, r->month, r->minor);
		vnet_version_explain(v, b, r, buf, sizeof(buf));
		TAP_CONTAINS(buf, compare_rows[i].says, "and its message");
	}

	for (i = 0; i < sizeof(abi_rows) / sizeof(abi_rows[0]); i++) {
		const char *got = vnet_dpdk_release_of_abi(abi_rows[i].abi);
		const char *want = abi_rows[i].release;

		TAP_OK(want ? got && strcmp(got, want) == 0 : got == NULL,
		       "ABI %u is DPDK %s (got %s)", abi_rows[i].abi,
		       want ? want : "(none)", got ? got : "(none)");
	}

	for (i = 0; i < sizeof(path_rows) / sizeof(path_rows[0]); i++)
		TAP_EQ(vnet_eal_abi_of(path_rows[i].path), path_rows[i].abi,
		       "EAL ABI of '%s'", path_rows[i].path);

	TAP_EQ(vnet_abi_explain(24, 24, buf, sizeof(buf)), 0, "same EAL ABI: nothing to say");
	TAP_EQ(vnet_abi_explain(24, 23, buf, sizeof(buf)), 1, "23.11 plugin in a 22.11 application");
	TAP_CONTAINS(buf, "built for DPDK 23.11 (librte_eal.so.24) but the application runs DPDK 22.11 (librte_eal.so.23)",
		     "names both DPDKs");
	TAP_CONTAINS(buf, "rebuild vnet against the application's DPDK", "and what to do");
	TAP_EQ(vnet_abi_explain(26, 30, buf, sizeof(buf)), 1, "an application of an ABI no row has");
	TAP_CONTAINS(buf, "runs DPDK of another ABI (librte_eal.so.30)", "still names its EAL");
	return tap_done();
}
