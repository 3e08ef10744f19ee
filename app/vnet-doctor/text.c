/* SPDX-License-Identifier: BSD-3-Clause */
/* Human report: 80 columns, one block for the system, one per device. */
#include <stdio.h>
#include <string.h>

#include "doctor.h"

#define WIDTH 80
#define LABEL 18 /* column where values start */

/* Print label, then text wrapped at WIDTH with a hanging indent of indent. */
static void
field(FILE *out, const char *label, size_t indent, const char *text)
{
	size_t col, len;
	const char *p = text;

	col = (size_t)fprintf(out, "%s", label);
	for (; col < indent; col++)
		fputc(' ', out);
	while (*p != '\0') {
		len = strcspn(p, " ");
		if (col > indent && col + 1 + len > WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
}

static void
size_str(unsigned long long n, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (n >= 1024 && n % 1024 == 0 && u < 4) {
		n /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", n, unit[u]);
}

/* "memory 64-bit prefetchable 16 KiB", from the sysfs resource flags. */
static void
bar_str(const struct vnet_bar *b, char *buf, size_t len)
{
	char size[32];

	size_str(b->len, size, sizeof(size));
	if (b->kind == VNET_BAR_PIO)
		snprintf(buf, len, "I/O ports at 0x%llx, %s", (unsigned long long)b->start, size);
	else
		snprintf(buf, len, "memory %s%s at 0x%llx, %s",
			 b->flags & 0x00100000 ? "64-bit" : "32-bit", /* IORESOURCE_MEM_64 */
			 b->flags & 0x00002000 ? " prefetchable" : "", /* IORESOURCE_PREFETCH */
			 (unsigned long long)b->start, size);
}

static void
print_env(FILE *out, const struct doc_report *r)
{
	const struct doc_env *e = &r->env;
	char buf[512];
	size_t n = 0;
	unsigned int i;

	fprintf(out, "System (kernel %s)\n", e->kernel);
	snprintf(buf, sizeof(buf), "%s%s%s%s", vnet_platform_iommu_name(e->f.platform),
		 e->iommu_units[0] ? " (" : "", e->iommu_units, e->iommu_units[0] ? ")" : "");
	field(out, "  IOMMU", LABEL, buf);
	field(out, "  kernel cmdline", LABEL,
	      e->cmdline_iommu[0] ? e->cmdline_iommu : "no IOMMU or vfio option");
	snprintf(buf, sizeof(buf), "%s; noiommu mode %s", doc_module_name(e->vfio),
		 vnet_noiommu_name(e->f.noiommu));
	field(out, "  vfio", LABEL, buf);
	field(out, "  vfio-pci", LABEL, doc_module_name(e->vfio_pci));
	field(out, "  uio_pci_generic", LABEL, doc_module_name(e->uio_pci_generic));
	field(out, "  igb_uio", LABEL, doc_module_name(e->igb_uio));
	buf[0] = '\0';
	for (i = 0; i < e->nhuge; i++) {
		int w = snprintf(buf + n, sizeof(buf) - n, "%s%llu kB: %llu total, %llu free",
				 i ? "; " : "", e->huge[i].size_kb, e->huge[i].total, e->huge[i].free);

		n += w > 0 && (size_t)w < sizeof(buf) - n ? (size_t)w : 0;
	}
	field(out, "  hugepages", LABEL, e->nhuge ? buf : "none (no hugepage sizes)");
	field(out, "  hugetlbfs", LABEL, e->hugetlbfs[0] ? e->hugetlbfs : "not mounted");
	snprintf(buf, sizeof(buf), "%s (%s, %s)", e->f.port_io ? "permitted" : "not permitted",
		 !e->f.port_io_arch ? "not x86" : e->f.root ? "root" : "not root",
		 e->lockdown ? "kernel lockdown on" : "no lockdown");
	field(out, "  port I/O", LABEL, buf);
	snprintf(buf, sizeof(buf), "%s: %s", vnet_iova_name(e->iova), e->iova_why);
	field(out, "  EAL IOVA mode", LABEL, buf);
	field(out, "  net_virtio", LABEL, "as DPDK 22.11 drives it (built against DPDK "
	      VNET_DPDK_VERSION ")");
}

static void
print_plan(FILE *out, const char *label, const struct vnet_plan *p)
{
	char buf[640];

	if (p->usable && p->transport == VNET_TRANSPORT_NONE)
		snprintf(buf, sizeof(buf), "usable; %s", p->note);
	else if (p->usable)
		snprintf(buf, sizeof(buf), "usable: %s, %s, notify = %s%s%s",
			 vnet_transport_name(p->transport), vnet_io_method_name(p->access),
			 vnet_notify_cost(p->access), p->note[0] ? "; " : "", p->note);
	else
		snprintf(buf, sizeof(buf), "NOT usable: %s", p->why);
	field(out, label, LABEL, buf);
}

static void
print_device(FILE *out, const struct doc_report *r, const struct doc_device *d)
{
	const struct vnet_bar *b0 = &d->f.bars[0];
	char buf[512], bar[128], numa[16];
	unsigned int i;

	fprintf(out, "\n%s  %04x:%04x (subsystem %04x:%04x)  %s\n", d->f.bdf, d->vendor,
		d->f.device_id, d->subsys_vendor, d->subsys_device, doc_device_kind(d));
	for (i = 0; i < VNET_PCI_BAR_COUNT; i++) {
		char label[16];

		if (d->f.bars[i].kind == VNET_BAR_ABSENT)
			continue;
		snprintf(label, sizeof(label), "  BAR%u", i);
		bar_str(&d->f.bars[i], bar, sizeof(bar));
		field(out, label, LABEL, bar);
	}
	if (strcmp(doc_device_kind(d), "modern") != 0 && b0->kind != VNET_BAR_ABSENT) {
		snprintf(buf, sizeof(buf), "%s; vfio %s mmap it",
			 b0->kind == VNET_BAR_PIO ? "port I/O" : "memory",
			 vnet_vfio_can_mmap(b0, r->env.f.page_size) ? "can" : "cannot");
		field(out, "  legacy BAR0", LABEL, buf);
	}
	field(out, "  capabilities", LABEL, d->f.caps_known ? vnet_caps_result_str(d->f.caps) :
		   "unknown: config space past 64 bytes needs root");
	snprintf(numa, sizeof(numa), "%d", d->numa_node);
	snprintf(buf, sizeof(buf), "%s; IOMMU group %s%s; NUMA node %s",
		 d->f.driver[0] ? d->f.driver : "none",
		 d->iommu_group[0] ? d->iommu_group : "none",
		 d->f.iommu == VNET_IOMMU_NOIOMMU ? " (noiommu)" : "",
		 d->numa_node < 0 ? "none" : numa);
	field(out, "  driver", LABEL, buf);
	if (d->msix_vectors)
		snprintf(buf, sizeof(buf), "%u vectors, %s", d->msix_vectors,
			 d->msix_enabled ? "enabled" : "disabled");
	else
		snprintf(buf, sizeof(buf), "%s", d->f.caps_known ? "none" : "unknown: needs root");
	field(out, "  MSI-X", LABEL, buf);
	if (d->f.ifname[0])
		snprintf(buf, sizeof(buf), "%s, %s (operstate %s)%s", d->f.ifname,
			 d->f.if_up ? "up" : "down", d->operstate,
			 d->f.if_up ? ": rebinding cuts this link" : "");
	else
		snprintf(buf, sizeof(buf), "none");
	field(out, "  interface", LABEL, buf);
	print_plan(out, "  net_vnet", &d->v.vnet);
	if (!d->v.virtio.usable && !d->v.vnet.usable &&
	    strcmp(d->v.virtio.why, d->v.vnet.why) == 0)
		field(out, "  net_virtio", LABEL, "NOT usable, for the same reason");
	else
		print_plan(out, "  net_virtio", &d->v.virtio);
	field(out, "  fix", LABEL, d->v.nfix ? "run, in this order:" : "nothing to do");
	/* Commands get the width they need, so that they stay copyable. */
	for (i = 0; i < d->v.nfix; i++) {
		snprintf(bar, sizeof(bar), "    %u.", i + 1);
		field(out, bar, 8, d->v.fix[i]);
	}
}

void
doc_print_text(FILE *out, const struct doc_report *r)
{
	unsigned int i, bad = 0;

	print_env(out, r);
	for (i = 0; i < r->ndev; i++) {
		print_device(out, r, &r->dev[i]);
		bad += !r->dev[i].v.vnet.usable;
	}
	if (r->ndev == 0)
		fprintf(out, "\nNo virtio-net PCI device (1af4:1000, 1af4:1041) found.\n");
	else
		fprintf(out, "\n%u of %u virtio-net device%s usable by net_vnet.\n",
			r->ndev - bad, r->ndev, r->ndev == 1 ? "" : "s");
}
