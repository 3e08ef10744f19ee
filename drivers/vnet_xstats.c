/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-queue counters beyond rte_eth_stats. The size buckets, multicast and
 * broadcast names are net_virtio's (rte_virtio_rxq_stat_strings), so tools
 * read the same names with either driver; kicks show notify suppression,
 * ring_faults count queues found broken.
 */
#include <stddef.h>
#include <stdio.h>

#include "vnet_virtqueue.h"
#include "vnet_xstats.h"

#define RX (1u << VNET_VQ_RX)
#define TX (1u << VNET_VQ_TX)
#define F(field) offsetof(struct vnet_vq_stats, field)

static const struct {
	const char *name;
	size_t offset;
	unsigned int roles;
} fields[] = {
	{ "packets", F(packets), RX | TX },
	{ "bytes", F(bytes), RX | TX },
	{ "errors", F(errors), RX | TX },
	{ "kicks", F(kicks), RX | TX },
	{ "runts", F(runts), RX },
	{ "ring_faults", F(ring_faults), RX | TX },
	{ "stopped_drops", F(stopped_drops), RX },
	{ "mrg_segments", F(mrg_segments), RX },
	{ "mrg_errors", F(mrg_errors), RX },
	{ "multicast_packets", F(pkt.multicast), RX | TX },
	{ "broadcast_packets", F(pkt.broadcast), RX | TX },
	{ "undersize_packets", F(pkt.size[VNET_SIZE_UNDERSIZE]), RX | TX },
	{ "size_64_packets", F(pkt.size[VNET_SIZE_64]), RX | TX },
	{ "size_65_127_packets", F(pkt.size[VNET_SIZE_65_127]), RX | TX },
	{ "size_128_255_packets", F(pkt.size[VNET_SIZE_128_255]), RX | TX },
	{ "size_256_511_packets", F(pkt.size[VNET_SIZE_256_511]), RX | TX },
	{ "size_512_1023_packets", F(pkt.size[VNET_SIZE_512_1023]), RX | TX },
	{ "size_1024_1518_packets", F(pkt.size[VNET_SIZE_1024_1518]), RX | TX },
	{ "size_1519_max_packets", F(pkt.size[VNET_SIZE_1519_MAX]), RX | TX },
};

_Static_assert(VNET_SIZE_BUCKETS == 8, "one xstat row per size bucket");

/* Every (role, queue, field) in xstats order: rx queues, then tx queues. */
#define FOR_EACH_XSTAT(dev, role, q, f)                                       \
	for (role = VNET_VQ_RX; role <= VNET_VQ_TX; role++)                   \
		for (q = 0; q < (role == VNET_VQ_RX ? (dev)->data->nb_rx_queues : \
				  (dev)->data->nb_tx_queues); q++)            \
			for (f = 0; f < RTE_DIM(fields); f++)                 \
				if (fields[f].roles & (1u << role))

static unsigned int
count(const struct rte_eth_dev *dev)
{
	unsigned int f, rx = 0, tx = 0;

	for (f = 0; f < RTE_DIM(fields); f++) {
		rx += !!(fields[f].roles & RX);
		tx += !!(fields[f].roles & TX);
	}
	return rx * dev->data->nb_rx_queues + tx * dev->data->nb_tx_queues;
}

int
vnet_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		      unsigned int size)
{
	unsigned int role, q, f, n = 0;

	if (names == NULL || size < count(dev))
		return count(dev);
	FOR_EACH_XSTAT(dev, role, q, f)
		snprintf(names[n++].name, sizeof(names[0].name), "%s_q%u_%s",
			 role == VNET_VQ_RX ? "rx" : "tx", q, fields[f].name);
	return n;
}

int
vnet_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		unsigned int n)
{
	unsigned int role, q, f, i = 0;

	if (xstats == NULL || n < count(dev))
		return count(dev);
	FOR_EACH_XSTAT(dev, role, q, f) {
		const struct vnet_virtqueue *vq = role == VNET_VQ_RX ?
			dev->data->rx_queues[q] : dev->data->tx_queues[q];

		xstats[i].id = i;
		xstats[i].value = vq == NULL ? 0 :
			*(const uint64_t *)((const char *)&vq->stats +
					    fields[f].offset);
		i++;
	}
	return i;
}
