/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks of what the application asks for at configure and queue-setup
 * time. Pure functions (no DPDK), so every refusal and its message is
 * unit-tested; callers prefix the message with the device name.
 */
#ifndef VNET_CONF_H
#define VNET_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnet_ring.h"

/* Ring entries one packet needs: rx one buffer; tx a header and data. */
#define VNET_RX_MIN_DESC 1
#define VNET_TX_MIN_DESC 2

/* Ethernet header, FCS and one VLAN tag on top of the MTU. */
#define VNET_FRAME_OVERHEAD (14 + 4 + 4)

/*
 * Queue counts: virtio-net has queue pairs, and a vhost backend only
 * starts once both queues of a pair exist, so rx and tx counts must match.
 */
int vnet_conf_queue_counts(uint16_t nb_rx, uint16_t nb_tx, uint16_t max_pairs,
			   char *err, size_t errlen);

/*
 * Ring size for a queue: vnet_ring_choose_size(), then the minimum that
 * can carry a packet. 0 with *num and *note set, or -EINVAL with err.
 */
int vnet_conf_ring_size(bool tx, uint16_t asked, uint32_t device_max,
			bool legacy, uint32_t *num,
			enum vnet_ring_size_note *note, char *err,
			size_t errlen);

/*
 * Largest frame the device may deliver: with VIRTIO_NET_F_MTU the device's
 * MTU bounds what it sends, whatever the port MTU; else the port MTU.
 */
uint32_t vnet_conf_rx_frame(uint16_t port_mtu, bool dev_mtu_negotiated,
			    uint16_t dev_mtu);

/*
 * Whether rx buffers of buf_capacity bytes hold that frame; -EINVAL if not.
 * With mergeable rx buffers (mrg) and scatter rx enabled, a frame spans
 * buffers and any size will do; with mrg alone the fix is to enable scatter.
 */
int vnet_conf_rx_buf(uint32_t buf_capacity, const char *pool,
		     uint16_t port_mtu, bool dev_mtu_negotiated,
		     uint16_t dev_mtu, bool mrg, bool scatter, char *err,
		     size_t errlen);

#endif
