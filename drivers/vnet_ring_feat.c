/* SPDX-License-Identifier: BSD-3-Clause */
/* Which ring features (virtio 1.2 §6) a port uses, from its devargs. */
#include <stddef.h>

#include <rte_common.h>

#include "vnet_log.h"
#include "vnet_ring_feat.h"
#include "vnet_spec.h"

/* Rows in the order of ring_bools[] in vnet_devargs.c (ring_explicit bits). */
static const struct {
	unsigned int bit;
	size_t devarg;        /* bool in struct vnet_devargs */
	bool modern_only;     /* a legacy interface cannot negotiate it */
	const char *key, *fallback;
} feats[] = {
	{ VNET_F_RING_PACKED, offsetof(struct vnet_devargs, packed), true,
	  "packed", "split rings" },
	{ VNET_F_IN_ORDER, offsetof(struct vnet_devargs, in_order), true,
	  "in_order", "out-of-order completion" },
	{ VNET_F_RING_INDIRECT_DESC, offsetof(struct vnet_devargs, indirect), false,
	  "indirect", "descriptor chains for multi-descriptor tx" },
};

static bool
devarg_on(const struct vnet_hw *hw, size_t i)
{
	return *(const bool *)((const char *)&hw->devargs + feats[i].devarg);
}

uint64_t
vnet_ring_feat_offer(const struct vnet_hw *hw)
{
	uint64_t bits = 0;
	size_t i;

	for (i = 0; i < RTE_DIM(feats); i++)
		if (devarg_on(hw, i) && (hw->modern || !feats[i].modern_only))
			bits |= VNET_BIT(feats[i].bit);
	return bits;
}

void
vnet_ring_feat_apply(struct vnet_hw *hw)
{
	uint64_t ring_bits = 0;
	bool say;
	size_t i;

	/* Negotiation runs at probe and again at configure: say it once. */
	for (i = 0; i < RTE_DIM(feats); i++)
		ring_bits |= hw->guest_features & VNET_BIT(feats[i].bit);
	say = hw->ring_logged != ring_bits + 1;
	hw->ring_logged = ring_bits + 1;
	for (i = 0; i < RTE_DIM(feats) && say; i++) {
		if (!(hw->devargs.ring_explicit & (1u << i)) || !devarg_on(hw, i) ||
		    (hw->guest_features & VNET_BIT(feats[i].bit)))
			continue;
		VNET_LOG(NOTICE, hw->name, "devarg %s=1: %s feature bit %u; using %s",
			 feats[i].key, hw->modern ? "the device does not offer" :
			 "the legacy interface cannot negotiate", feats[i].bit,
			 feats[i].fallback);
	}
	hw->ring_layout = vnet_has_feature(hw, VNET_F_RING_PACKED) ?
			  VNET_LAYOUT_PACKED : VNET_LAYOUT_SPLIT;
	hw->ring_kind = (enum vnet_ring_kind)hw->ring_layout;
	if (vnet_has_feature(hw, VNET_F_IN_ORDER))
		hw->ring_kind = hw->ring_layout == VNET_LAYOUT_PACKED ?
				VNET_KIND_PACKED_IN_ORDER : VNET_KIND_SPLIT_IN_ORDER;
	if (say)
		VNET_LOG(INFO, hw->name, "port %u: ring %s%s%s", hw->port_id,
			 vnet_layout_names[hw->ring_layout],
			 vnet_kind_in_order(hw->ring_kind) ? ", in-order" : "",
			 vnet_has_feature(hw, VNET_F_RING_INDIRECT_DESC) ?
			 ", indirect tx" : "");
}
