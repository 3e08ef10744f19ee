/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnet-doctor: for each virtio-net PCI device, say whether net_vnet (and
 * DPDK 22.11's net_virtio) can drive it, how, and what fixes it if not.
 * Reads sysfs and procfs only; changes nothing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

static const char usage[] =
	"usage: vnet-doctor [--json] [--device BDF] [--root DIR]\n"
	"\n"
	"Says, for each virtio-net PCI device (1af4:1000, 1af4:1041), how net_vnet\n"
	"and DPDK's net_virtio will drive it, or why they cannot and the commands\n"
	"that fix it. Reads sysfs and procfs only; changes nothing.\n"
	"\n"
	"  --json        machine-readable report (schema vnet-doctor/1, docs/doctor.md)\n"
	"  --device BDF  only this device (0000:00:04.0 or 00:04.0)\n"
	"  --root DIR    read DIR/sys and DIR/proc instead of /sys and /proc\n"
	"  --help        this text\n"
	"\n"
	"Exit status: 0 every device is usable by net_vnet, 1 at least one is not\n"
	"(or none was found), 2 usage error.\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct doc_report report; /* large: keep it off the stack */
	const char *device = NULL;
	char err[512];
	bool json = false;
	unsigned int i;
	int c, ret;

	report.root = "";
	while ((c = getopt_long(argc, argv, "jd:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'd':
			device = optarg;
			break;
		case 'r':
			/* "/" and "" both mean the running system */
			report.root = strcmp(optarg, "/") == 0 ? "" : optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vnet-doctor: unexpected argument '%s'\n%s", argv[optind], usage);
		return 2;
	}
	ret = doc_scan(&report, device, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "vnet-doctor: %s\n", err);
		return ret == -2 ? 2 : 1;
	}
	if (json)
		doc_print_json(stdout, &report);
	else
		doc_print_text(stdout, &report);
	if (report.ndev == 0)
		return 1;
	for (i = 0; i < report.ndev; i++)
		if (!report.dev[i].v.vnet.usable)
			return 1;
	return 0;
}
