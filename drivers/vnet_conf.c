/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include "vnet_conf.h"

int
vnet_conf_queue_counts(uint16_t nb_rx, uint16_t nb_tx, uint16_t max_pairs,
		       char *err, size_t errlen)
{
	if (nb_rx != nb_tx) {
		snprintf(err, errlen,
			 "%u rx and %u tx queues requested; virtio-net queues come in pairs, so configure as many rx as tx queues (testpmd --rxq=N --txq=N)",
			 nb_rx, nb_tx);
		return -EINVAL;
	}
	if (nb_rx == 0) {
		snprintf(err, errlen,
			 "0 queue pairs requested; configure at least one rx and one tx queue");
		return -EINVAL;
	}
	if (nb_rx > max_pairs) {
		snprintf(err, errlen,
			 "%u queue pairs requested but the device has %u; configure at most %u",
			 nb_rx, max_pairs, max_pairs);
		return -EINVAL;
	}
	return 0;
}

int
vnet_conf_ring_size(bool tx, uint16_t asked, uint32_t device_max, bool legacy,
		    uint32_t *num, enum vnet_ring_size_note *note, char *err,
		    size_t errlen)
{
	uint32_t min = tx ? VNET_TX_MIN_DESC : VNET_RX_MIN_DESC;

	*num = vnet_ring_choose_size(asked, device_max, legacy, note);
	if (*note == VNET_RING_SIZE_INVALID_DEVICE) {
		snprintf(err, errlen,
			 "device reports queue size %u; need a power of two between 1 and %u, the device is broken",
			 device_max, VNET_RING_MAX_SIZE);
		return -EINVAL;
	}
	if (*num < min) {
		snprintf(err, errlen,
			 "nb_desc %u gives a %u-entry ring, but one %s packet needs %u descriptors; use nb_desc >= %u",
			 asked, *num, tx ? "tx" : "rx", min, min);
		return -EINVAL;
	}
	return 0;
}

uint32_t
vnet_conf_rx_frame(uint16_t port_mtu, bool dev_mtu_negotiated, uint16_t dev_mtu)
{
	uint16_t mtu = port_mtu;

	if (dev_mtu_negotiated && dev_mtu > mtu)
		mtu = dev_mtu;
	return (uint32_t)mtu + VNET_FRAME_OVERHEAD;
}

int
vnet_conf_rx_buf(uint32_t buf_capacity, const char *pool, uint16_t port_mtu,
		 bool dev_mtu_negotiated, uint16_t dev_mtu, bool mrg, bool scatter,
		 char *err, size_t errlen)
{
	uint32_t frame = vnet_conf_rx_frame(port_mtu, dev_mtu_negotiated, dev_mtu);
	const char *how = mrg ?
		"enable scatter rx (RTE_ETH_RX_OFFLOAD_SCATTER, testpmd --enable-scatter), " :
		"the device has no mergeable rx buffers; ";

	if (buf_capacity >= frame || (mrg && scatter))
		return 0;
	if (dev_mtu_negotiated && dev_mtu > port_mtu)
		snprintf(err, errlen,
			 "mbufs of pool %s hold %u bytes, but the device's MTU %u allows %u-byte frames; %suse mbufs of at least %u data bytes (testpmd --mbuf-size=%u) or lower the device MTU (QEMU host_mtu=)",
			 pool, buf_capacity, dev_mtu, frame, how, frame,
			 frame + 128); /* --mbuf-size counts the 128-byte default headroom */
	else
		snprintf(err, errlen,
			 "mbufs of pool %s hold %u bytes, MTU %u needs %u; %suse mbufs of at least %u data bytes (testpmd --mbuf-size=%u) or a smaller MTU",
			 pool, buf_capacity, port_mtu, frame, how, frame, frame + 128);
	return -EINVAL;
}
