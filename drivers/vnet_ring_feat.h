/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VNET_RING_FEAT_H
#define VNET_RING_FEAT_H

#include <stdint.h>

#include "vnet_hw.h"

/* Ring feature bits to offer: those the devargs allow and the transport can. */
uint64_t vnet_ring_feat_offer(const struct vnet_hw *hw);

/*
 * After the features are chosen: the ring layout of every queue, a NOTICE
 * per ring devarg given as 1 that the device does not offer, and one INFO
 * line naming what the rings use.
 */
void vnet_ring_feat_apply(struct vnet_hw *hw);

#endif
