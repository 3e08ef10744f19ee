/* SPDX-License-Identifier: BSD-3-Clause */
/* --json: the schema is documented in docs/doctor.md ("vnet-doctor/1"). */
#include <stdio.h>
#include <string.h>

#include "doctor.h"

static void
str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
key(FILE *out, int indent, const char *k)
{
	fprintf(out, "%*s", indent, "");
	str(out, k);
	fputs(": ", out);
}

static void
kv_str(FILE *out, int indent, const char *k, const char *v, bool last)
{
	key(out, indent, k);
	if (v == NULL || *v == '\0')
		fputs("null", out);
	else
		str(out, v);
	fputs(last ? "\n" : ",\n", out);
}

static void
kv_raw(FILE *out, int indent, const char *k, const char *v, bool last)
{
	key(out, indent, k);
	fprintf(out, "%s%s", v, last ? "\n" : ",\n");
}

#define BOOL(b) ((b) ? "true" : "false")

/* Space-separated words as a JSON array of strings. */
static void
kv_words(FILE *out, int indent, const char *k, const char *words, bool last)
{
	char buf[512], *save = NULL, *w;
	bool first = true;

	snprintf(buf, sizeof(buf), "%s", words);
	key(out, indent, k);
	fputc('[', out);
	for (w = strtok_r(buf, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		fputs(first ? "" : ", ", out);
		str(out, w);
		first = false;
	}
	fprintf(out, "]%s", last ? "\n" : ",\n");
}

static void
print_env(FILE *out, const struct doc_env *e)
{
	char num[64];
	unsigned int i;

	fputs("  \"environment\": {\n", out);
	kv_str(out, 4, "kernel", e->kernel, false);
	kv_str(out, 4, "iommu", vnet_platform_iommu_name(e->f.platform), false);
	kv_words(out, 4, "iommu_units", e->iommu_units, false);
	kv_raw(out, 4, "iommu_groups", BOOL(e->iommu_groups), false);
	kv_str(out, 4, "cmdline_iommu", e->cmdline_iommu, false);
	kv_str(out, 4, "vfio", doc_module_name(e->vfio), false);
	kv_str(out, 4, "noiommu", vnet_noiommu_name(e->f.noiommu), false);
	kv_str(out, 4, "vfio_pci", doc_module_name(e->vfio_pci), false);
	kv_str(out, 4, "uio_pci_generic", doc_module_name(e->uio_pci_generic), false);
	kv_str(out, 4, "igb_uio", doc_module_name(e->igb_uio), false);
	fputs("    \"hugepages\": [", out);
	for (i = 0; i < e->nhuge; i++)
		fprintf(out, "%s{\"size_kb\": %llu, \"total\": %llu, \"free\": %llu}",
			i ? ", " : "", e->huge[i].size_kb, e->huge[i].total, e->huge[i].free);
	fputs("],\n", out);
	kv_words(out, 4, "hugetlbfs", e->hugetlbfs, false);
	kv_raw(out, 4, "root", BOOL(e->f.root), false);
	kv_raw(out, 4, "lockdown", BOOL(e->lockdown), false);
	kv_raw(out, 4, "port_io", BOOL(e->f.port_io), false);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)e->f.page_size);
	kv_raw(out, 4, "page_size", num, false);
	kv_str(out, 4, "iova_mode", vnet_iova_name(e->iova), false);
	kv_str(out, 4, "iova_why", e->iova_why, true);
	fputs("  },\n", out);
}

static void
print_plan(FILE *out, const char *name, const struct vnet_plan *p)
{
	fprintf(out, "      \"%s\": {\n", name);
	kv_raw(out, 8, "usable", BOOL(p->usable), false);
	kv_str(out, 8, "problem", vnet_problem_name(p->problem), false);
	kv_str(out, 8, "transport", p->transport ? vnet_transport_name(p->transport) : "", false);
	kv_str(out, 8, "access", p->usable && p->transport ? vnet_io_method_name(p->access) : "",
	       false);
	kv_str(out, 8, "notify", p->usable && p->transport ? vnet_notify_cost(p->access) : "",
	       false);
	kv_str(out, 8, "why", p->why, false);
	kv_str(out, 8, "note", p->note, true);
	fputs("      },\n", out);
}

static void
print_device(FILE *out, const struct doc_report *r, const struct doc_device *d, bool last)
{
	const struct vnet_bar *b0 = &d->f.bars[0];
	char buf[1024];
	unsigned int i;
	bool first = true;

	fputs("    {\n", out);
	kv_str(out, 6, "bdf", d->f.bdf, false);
	snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor, d->f.device_id);
	kv_str(out, 6, "id", buf, false);
	snprintf(buf, sizeof(buf), "%04x:%04x", d->subsys_vendor, d->subsys_device);
	kv_str(out, 6, "subsystem", buf, false);
	kv_str(out, 6, "kind", doc_device_kind(d), false);
	kv_str(out, 6, "capabilities", d->f.caps_known ? vnet_caps_result_str(d->f.caps) : "",
	       false);
	fputs("      \"bars\": [", out);
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++) {
		const struct vnet_bar *b = &d->f.bars[i];

		if (b->kind == VNET_BAR_ABSENT)
			continue;
		fprintf(out, "%s\n        {\"index\": %u, \"kind\": \"%s\", \"bits\": %s, "
			"\"prefetchable\": %s, \"start\": \"0x%llx\", \"size\": %llu}",
			first ? "" : ",", i, vnet_bar_kind_name(b->kind),
			b->kind == VNET_BAR_PIO ? "null" : b->flags & 0x00100000 ? "64" : "32",
			BOOL(b->flags & 0x00002000), (unsigned long long)b->start,
			(unsigned long long)b->len);
		first = false;
	}
	fputs(first ? "],\n" : "\n      ],\n", out);
	if (b0->kind != VNET_BAR_ABSENT && strcmp(doc_device_kind(d), "modern") != 0)
		fprintf(out, "      \"legacy_bar0\": {\"kind\": \"%s\", \"vfio_mmap\": %s},\n",
			vnet_bar_kind_name(b0->kind),
			BOOL(vnet_vfio_can_mmap(b0, r->env.f.page_size)));
	else
		fputs("      \"legacy_bar0\": null,\n", out);
	kv_str(out, 6, "driver", d->f.driver, false);
	kv_str(out, 6, "iommu_group", d->iommu_group, false);
	kv_str(out, 6, "iommu", vnet_iommu_name(d->f.iommu), false);
	snprintf(buf, sizeof(buf), "%d", d->numa_node);
	kv_raw(out, 6, "numa_node", buf, false);
	if (d->msix_vectors)
		fprintf(out, "      \"msix\": {\"vectors\": %u, \"enabled\": %s},\n",
			d->msix_vectors, BOOL(d->msix_enabled));
	else
		fputs("      \"msix\": null,\n", out);
	if (d->f.ifname[0]) {
		fputs("      \"interface\": {\"name\": ", out);
		str(out, d->f.ifname);
		fprintf(out, ", \"up\": %s, \"operstate\": ", BOOL(d->f.if_up));
		str(out, d->operstate);
		fputs("},\n", out);
	} else {
		fputs("      \"interface\": null,\n", out);
	}
	print_plan(out, "net_vnet", &d->v.vnet);
	print_plan(out, "net_virtio", &d->v.virtio);
	fputs("      \"fix\": [", out);
	for (i = 0; i < d->v.nfix; i++) {
		fputs(i ? ",\n        " : "\n        ", out);
		str(out, d->v.fix[i]);
	}
	fputs(d->v.nfix ? "\n      ],\n" : "],\n", out);
	vnet_verdict_line(&d->v, buf, sizeof(buf));
	kv_str(out, 6, "line", buf, true);
	fprintf(out, "    }%s\n", last ? "" : ",");
}

void
doc_print_json(FILE *out, const struct doc_report *r)
{
	unsigned int i, bad = 0;

	for (i = 0; i < r->ndev; i++)
		bad += !r->dev[i].v.vnet.usable;
	fputs("{\n", out);
	kv_str(out, 2, "schema", "vnet-doctor/1", false);
	kv_str(out, 2, "version", VNET_VERSION, false);
	kv_str(out, 2, "dpdk", VNET_DPDK_VERSION, false);
	print_env(out, &r->env);
	fputs("  \"devices\": [\n", out);
	for (i = 0; i < r->ndev; i++)
		print_device(out, r, &r->dev[i], i + 1 == r->ndev);
	fputs("  ],\n", out);
	kv_raw(out, 2, "all_usable", BOOL(r->ndev > 0 && bad == 0), true);
	fputs("}\n", out);
}
