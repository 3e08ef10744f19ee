/* SPDX-License-Identifier: BSD-3-Clause */
/* Split-ring layout and 16-bit index arithmetic across wrap-around. */
#include "tap.h"
#include "vnet_ring.h"

static void
test_layout(void)
{
	TAP_EQ(vnet_ring_avail_offset(256), 4096, "256 descriptors take 4 KiB");
	TAP_EQ(vnet_ring_avail_size(256), 518, "avail: flags, idx, 256 entries, used_event");
	TAP_EQ(vnet_ring_used_offset(256, 4096), 8192, "used ring starts on the next 4 KiB page");
	TAP_EQ(vnet_ring_used_size(256), 2054, "used: flags, idx, 256 elements, avail_event");
	TAP_EQ(vnet_ring_total_size(256, 4096), 12288, "legacy 256-entry ring is 3 pages");
	TAP_EQ(vnet_ring_used_offset(1, 4), 24, "1-entry ring, 4-byte alignment");
	TAP_EQ(vnet_ring_total_size(32768, 4096), 860160, "largest split ring: 512 KiB desc + avail, page, 256 KiB used");
	TAP_EQ(sizeof(struct vnet_desc), 16, "descriptor is 16 bytes");
	TAP_EQ(sizeof(struct vnet_used_elem), 8, "used element is 8 bytes");
}

static void
test_indices(void)
{
	TAP_EQ(vnet_ring_used_pending(5, 3), 2, "pending without wrap");
	TAP_EQ(vnet_ring_used_pending(2, 65534), 4, "pending across the 16-bit wrap");
	TAP_EQ(vnet_ring_used_pending(7, 7), 0, "nothing pending");
	TAP_EQ(vnet_ring_used_pending(0, 0xff00), 256, "a full 256 ring pending across wrap");
	TAP_EQ(vnet_ring_slot(65535, 256), 255, "slot of index 65535");
	TAP_EQ(vnet_ring_slot(65536 & 0xffff, 256), 0, "index wraps to slot 0");
	TAP_EQ(vnet_ring_slot(300, 256), 44, "slot is index mod size");
}

static void
test_event_idx(void)
{
	/* The device asked to be kicked once avail passes 10. */
	TAP_OK(vnet_need_event(10, 11, 10), "kick when new passes event (old == event)");
	TAP_OK(vnet_need_event(10, 20, 5), "kick when the batch crosses event");
	TAP_OK(!vnet_need_event(10, 10, 5), "no kick when new only reaches event");
	TAP_OK(!vnet_need_event(30, 20, 5), "no kick before event");
	TAP_OK(!vnet_need_event(10, 20, 15), "no kick when event was already passed");
	TAP_OK(vnet_need_event(65535, 2, 65530), "kick across wrap: event 65535 inside (65530, 2]");
	TAP_OK(!vnet_need_event(3, 2, 65530), "no kick across wrap when event is ahead");
	TAP_OK(vnet_need_event(0, 1, 0), "first entry after reset with event 0");
	/* Interrupt suppression by keeping used_event half a ring of indices away. */
	TAP_OK(!vnet_need_event((uint16_t)(100 + 0x8000), 356, 100),
	       "used_event = last_used + 0x8000 suppresses a full ring of completions");
	TAP_OK(!vnet_need_event((uint16_t)(65500 + 0x8000), (uint16_t)(65500 + 256), 65500),
	       "suppression holds across the wrap");
}

static void
test_choose_size(void)
{
	enum vnet_ring_size_note note;

	TAP_EQ(vnet_ring_choose_size(512, 256, false, &note), 256, "modern: clamp to device size");
	TAP_EQ(note, VNET_RING_SIZE_CLAMPED_TO_DEVICE, "and warn about the clamp");
	TAP_EQ(vnet_ring_choose_size(128, 256, false, &note), 128, "modern: a smaller ring is honoured");
	TAP_EQ(note, VNET_RING_SIZE_AS_ASKED, "without a warning");
	TAP_EQ(vnet_ring_choose_size(200, 256, false, &note), 128, "modern: non power of two rounds down");
	TAP_EQ(note, VNET_RING_SIZE_ROUNDED_POW2, "and warns");
	TAP_EQ(vnet_ring_choose_size(0, 1024, false, &note), 1024, "0 means device size");
	TAP_EQ(vnet_ring_choose_size(128, 256, true, &note), 256, "legacy: size is fixed");
	TAP_EQ(note, VNET_RING_SIZE_LEGACY_FIXED, "and warns");
	TAP_EQ(vnet_ring_choose_size(256, 256, true, &note), 256, "legacy: exact size");
	TAP_EQ(note, VNET_RING_SIZE_AS_ASKED, "no warning");
	TAP_EQ(vnet_ring_choose_size(256, 0, false, &note), 0, "device size 0 is refused");
	TAP_EQ(note, VNET_RING_SIZE_INVALID_DEVICE, "as an invalid device");
	TAP_EQ(vnet_ring_choose_size(256, 300, true, &note), 0, "device size 300 is refused");
	TAP_EQ(vnet_ring_choose_size(256, 65536, false, &note), 0, "device size over 32768 is refused");
	TAP_EQ(vnet_ring_choose_size(1, 256, false, &note), 1, "a one-entry ring is allowed");
}

int
main(void)
{
	test_layout();
	test_indices();
	test_event_idx();
	test_choose_size();
	return tap_done();
}
