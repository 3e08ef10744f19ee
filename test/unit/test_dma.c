/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IOMMU-bypass decision: every combination of binding, translation, IOVA
 * mode and device kind, against an expected table written separately.
 */
#include "tap.h"
#include "vnet_dma.h"

/* Refused only under translated vfio with IOVA-as-VA, for non-platform devices. */
static enum vnet_dma_verdict
expected(const struct vnet_dma_case *c)
{
	if (c->kdrv == VNET_KDRV_VFIO && c->translated && c->iova_va &&
	    c->device != VNET_DMA_DEV_PLATFORM)
		return VNET_DMA_REFUSE;
	return VNET_DMA_OK;
}

static const char *const dev_names[] = { "legacy", "modern w/o ACCESS_PLATFORM", "modern with ACCESS_PLATFORM" };

int
main(void)
{
	enum vnet_kdrv kdrvs[] = { VNET_KDRV_VFIO, VNET_KDRV_IGB_UIO, VNET_KDRV_UIO_GENERIC };
	struct vnet_dma_case c;
	const struct vnet_dma_rule *r;
	size_t k, n, i;
	int t, v, d;

	for (k = 0; k < 3; k++)
		for (t = 0; t < 2; t++)
			for (v = 0; v < 2; v++)
				for (d = 0; d < VNET_DMA_DEV_COUNT; d++) {
					c.kdrv = kdrvs[k];
					c.translated = t;
					c.iova_va = v;
					c.device = d;
					r = vnet_dma_check(&c);
					TAP_EQ(r->verdict, expected(&c), "%s, %s, IOVA %s, %s",
					       vnet_kdrv_name(c.kdrv), t ? "IOMMU group" : "no translation",
					       v ? "VA" : "PA", dev_names[d]);
				}

	/* The fixes named in the messages. */
	c = (struct vnet_dma_case){ VNET_KDRV_VFIO, true, true, VNET_DMA_DEV_LEGACY };
	TAP_CONTAINS(vnet_dma_check(&c)->fix, "--iova-mode=pa", "legacy: says --iova-mode=pa");
	c.device = VNET_DMA_DEV_BYPASS;
	TAP_CONTAINS(vnet_dma_check(&c)->fix, "iommu_platform=on", "modern bypass: says iommu_platform=on");
	TAP_CONTAINS(vnet_dma_check(&c)->fix, "--iova-mode=pa", "modern bypass: or --iova-mode=pa");

	/* Every row of the table is reached by some case above. */
	r = vnet_dma_rules(&n);
	for (i = 0; i < n; i++) {
		int hit = 0;

		for (k = 0; k < 3; k++)
			for (t = 0; t < 2; t++)
				for (v = 0; v < 2; v++)
					for (d = 0; d < VNET_DMA_DEV_COUNT; d++) {
						c = (struct vnet_dma_case){ kdrvs[k], t, v, d };
						hit |= vnet_dma_check(&c) == &r[i];
					}
		TAP_OK(hit, "rule %zu is reachable", i);
	}
	return tap_done();
}
