/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Split-ring layout and 16-bit index arithmetic. Pure functions with no
 * DPDK dependency, so the unit tests exercise exactly what the datapath
 * runs.
 */
#ifndef VNET_RING_H
#define VNET_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_spec.h"

#define VNET_RING_MAX_SIZE 32768 /* split-ring limit from the spec */

static inline bool
vnet_is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static inline size_t
vnet_align_up(size_t v, size_t align)
{
	return (v + align - 1) & ~(align - 1);
}

static inline size_t
vnet_ring_avail_offset(uint32_t num)
{
	return (size_t)num * sizeof(struct vnet_desc);
}

/* flags, idx, ring[num], used_event */
static inline size_t
vnet_ring_avail_size(uint32_t num)
{
	return sizeof(uint16_t) * (3 + (size_t)num);
}

static inline size_t
vnet_ring_used_offset(uint32_t num, size_t align)
{
	return vnet_align_up(vnet_ring_avail_offset(num) +
			     vnet_ring_avail_size(num), align);
}

/* flags, idx, ring[num], avail_event */
static inline size_t
vnet_ring_used_size(uint32_t num)
{
	return sizeof(uint16_t) * 3 + sizeof(struct vnet_used_elem) * (size_t)num;
}

static inline size_t
vnet_ring_total_size(uint32_t num, size_t align)
{
	return vnet_align_up(vnet_ring_used_offset(num, align) +
			     vnet_ring_used_size(num), align);
}

/* Entries the device has used that the driver has not consumed yet. */
static inline uint16_t
vnet_ring_used_pending(uint16_t used_idx, uint16_t last_used_idx)
{
	return (uint16_t)(used_idx - last_used_idx);
}

/*
 * Event-index rule from the spec: notify if new_idx has moved past
 * event_idx since old_idx. All arithmetic wraps at 2^16.
 */
static inline bool
vnet_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

/* Slot in a ring of num (power of two) entries for a free-running index. */
static inline uint16_t
vnet_ring_slot(uint16_t idx, uint32_t num)
{
	return (uint16_t)(idx & (num - 1));
}

enum vnet_ring_size_note {
	VNET_RING_SIZE_AS_ASKED = 0,
	VNET_RING_SIZE_CLAMPED_TO_DEVICE, /* asked more than the device has */
	VNET_RING_SIZE_ROUNDED_POW2,      /* split rings must be a power of two */
	VNET_RING_SIZE_LEGACY_FIXED,      /* legacy queues cannot be resized */
	VNET_RING_SIZE_INVALID_DEVICE,    /* device size 0 or not a power of two */
};

/*
 * Pick the ring size for a queue. Modern devices accept any power of two up
 * to their maximum; legacy devices only their fixed size.
 */
static inline uint32_t
vnet_ring_choose_size(uint32_t requested, uint32_t device_max, bool legacy,
		      enum vnet_ring_size_note *note)
{
	uint32_t size;

	*note = VNET_RING_SIZE_AS_ASKED;
	if (!vnet_is_pow2(device_max) || device_max > VNET_RING_MAX_SIZE) {
		*note = VNET_RING_SIZE_INVALID_DEVICE;
		return 0;
	}
	if (legacy) {
		if (requested != device_max)
			*note = VNET_RING_SIZE_LEGACY_FIXED;
		return device_max;
	}
	if (requested == 0 || requested >= device_max) {
		if (requested > device_max)
			*note = VNET_RING_SIZE_CLAMPED_TO_DEVICE;
		return device_max;
	}
	size = requested;
	while (!vnet_is_pow2(size))
		size &= size - 1; /* clear lowest set bit until one remains */
	if (size != requested)
		*note = VNET_RING_SIZE_ROUNDED_POW2;
	return size;
}

#endif
