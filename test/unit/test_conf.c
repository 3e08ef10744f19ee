/* SPDX-License-Identifier: BSD-3-Clause */
/* Configure-time checks: each refusal, its message, and what is accepted. */
#include <errno.h>

#include "tap.h"
#include "vnet_conf.h"

static void
test_queue_counts(void)
{
	char err[256];

	TAP_EQ(vnet_conf_queue_counts(1, 1, 1, err, sizeof(err)), 0, "1 rx + 1 tx on a 1-pair device");
	TAP_EQ(vnet_conf_queue_counts(1, 0, 1, err, sizeof(err)), -EINVAL, "rx-only is refused");
	TAP_CONTAINS(err, "1 rx and 0 tx", "naming both counts");
	TAP_CONTAINS(err, "--rxq=N --txq=N", "and saying what to do");
	TAP_EQ(vnet_conf_queue_counts(0, 1, 1, err, sizeof(err)), -EINVAL, "tx-only is refused");
	TAP_CONTAINS(err, "0 rx and 1 tx", "naming both counts");
	TAP_EQ(vnet_conf_queue_counts(2, 1, 4, err, sizeof(err)), -EINVAL, "2 rx + 1 tx is refused");
	TAP_EQ(vnet_conf_queue_counts(0, 0, 1, err, sizeof(err)), -EINVAL, "no queues at all is refused");
	TAP_CONTAINS(err, "at least one", "saying the minimum");
	TAP_EQ(vnet_conf_queue_counts(2, 2, 1, err, sizeof(err)), -EINVAL, "more pairs than the device has");
	TAP_CONTAINS(err, "2 queue pairs requested but the device has 1", "naming request and device");
	TAP_EQ(vnet_conf_queue_counts(4, 4, 4, err, sizeof(err)), 0, "exactly the device's pairs");
}

static void
test_ring_size(void)
{
	enum vnet_ring_size_note note;
	uint32_t num;
	char err[256];

	TAP_EQ(vnet_conf_ring_size(true, 1, 256, false, &num, &note, err, sizeof(err)), -EINVAL,
	       "tx nb_desc 1 is refused");
	TAP_CONTAINS(err, "nb_desc 1 gives a 1-entry ring", "naming the value");
	TAP_CONTAINS(err, "use nb_desc >= 2", "and the fix");
	TAP_EQ(vnet_conf_ring_size(false, 1, 256, false, &num, &note, err, sizeof(err)), 0,
	       "rx nb_desc 1 carries a packet");
	TAP_EQ(num, 1, "as a 1-entry ring");
	TAP_EQ(vnet_conf_ring_size(true, 2, 256, false, &num, &note, err, sizeof(err)), 0, "tx nb_desc 2");
	TAP_EQ(vnet_conf_ring_size(true, 3, 256, false, &num, &note, err, sizeof(err)), 0, "odd tx nb_desc 3");
	TAP_EQ(num, 2, "rounds down to 2");
	TAP_EQ(note, VNET_RING_SIZE_ROUNDED_POW2, "with a note");
	TAP_EQ(vnet_conf_ring_size(false, 0, 1024, false, &num, &note, err, sizeof(err)), 0, "nb_desc 0");
	TAP_EQ(num, 1024, "means the device's size");
	TAP_EQ(vnet_conf_ring_size(false, 65535, 1024, false, &num, &note, err, sizeof(err)), 0,
	       "huge nb_desc");
	TAP_EQ(num, 1024, "is clamped to the device's size");
	TAP_EQ(note, VNET_RING_SIZE_CLAMPED_TO_DEVICE, "with a note");
	TAP_EQ(vnet_conf_ring_size(true, 1, 256, true, &num, &note, err, sizeof(err)), 0,
	       "legacy tx nb_desc 1");
	TAP_EQ(num, 256, "uses the fixed legacy size");
	TAP_EQ(vnet_conf_ring_size(true, 256, 1, false, &num, &note, err, sizeof(err)), -EINVAL,
	       "a device with 1-entry tx queues cannot carry a packet");
	TAP_EQ(vnet_conf_ring_size(false, 256, 0, false, &num, &note, err, sizeof(err)), -EINVAL,
	       "device queue size 0 is refused");
	TAP_CONTAINS(err, "device reports queue size 0", "naming the device's value");
	TAP_EQ(vnet_conf_ring_size(false, 256, 384, false, &num, &note, err, sizeof(err)), -EINVAL,
	       "device queue size 384 is refused");
}

static void
test_rx_buf(void)
{
	char err[384];

	TAP_EQ(vnet_conf_rx_frame(1500, false, 0), 1522, "port MTU 1500: 1522-byte frames");
	TAP_EQ(vnet_conf_rx_frame(1500, true, 9000), 9022, "device MTU 9000 bounds frames");
	TAP_EQ(vnet_conf_rx_frame(1500, true, 1400), 1522, "a smaller device MTU does not shrink buffers");
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 1500, false, 0, false, false, err, sizeof(err)), 0,
	       "2048-byte buffers hold MTU 1500");
	TAP_EQ(vnet_conf_rx_buf(1024, "mb", 1500, false, 0, false, false, err, sizeof(err)), -EINVAL,
	       "1024-byte buffers do not");
	TAP_CONTAINS(err, "pool mb hold 1024 bytes, MTU 1500 needs 1522", "naming pool, size and MTU");
	TAP_CONTAINS(err, "--mbuf-size=1650", "and the mbuf size to use");
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 1500, true, 9000, false, false, err, sizeof(err)), -EINVAL,
	       "2048-byte buffers do not hold device MTU 9000");
	TAP_CONTAINS(err, "device's MTU 9000", "naming the device MTU");
	TAP_CONTAINS(err, "host_mtu", "and how to lower it");
	TAP_EQ(vnet_conf_rx_buf(9022, "mb", 1500, true, 9000, false, false, err, sizeof(err)), 0,
	       "9022-byte buffers hold device MTU 9000");
	/* Mergeable rx buffers: scatter makes any buffer size fit. */
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 9000, false, 0, true, true, err, sizeof(err)), 0,
	       "mrg + scatter: 2048-byte buffers take MTU 9000");
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 1500, true, 9000, true, true, err, sizeof(err)), 0,
	       "mrg + scatter: 2048-byte buffers take device MTU 9000");
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 9000, false, 0, true, false, err, sizeof(err)), -EINVAL,
	       "mrg without scatter: 2048-byte buffers do not take MTU 9000");
	TAP_CONTAINS(err, "enable scatter rx", "the message says to enable scatter");
	TAP_CONTAINS(err, "--enable-scatter", "and how, in testpmd");
	TAP_EQ(vnet_conf_rx_buf(2048, "mb", 9000, false, 0, false, true, err, sizeof(err)), -EINVAL,
	       "scatter without mrg: the device cannot split frames");
	TAP_CONTAINS(err, "no mergeable rx buffers", "the message says why");
}

int
main(void)
{
	test_queue_counts();
	test_ring_size();
	test_rx_buf();
	return tap_done();
}
