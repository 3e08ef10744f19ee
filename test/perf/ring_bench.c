/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Burst microbenchmark: net_vnet's real rx and tx burst functions against
 * an in-process device (fake_dev.c) on a real mempool, one row per ring
 * kind x EVENT_IDX x direction x frame size. Under callgrind
 * (test/perf/ring-bench) only the burst calls are collected, and each row
 * is dumped under its name, so the instruction counts are the driver's
 * alone. Per row it prints the packets, kicks and the shared-ring bytes
 * and 64-byte lines the driver stored to during its bursts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <valgrind/callgrind.h>

#include "fake_dev.h"
#include "vnet_burst.h"
#include "vnet_rxtx.h"
#include "vnet_transport.h"

#define RING 256
#define BURST 32
#define WARM 64     /* bursts before measuring: the ring wraps at least once */
#define MEASURED 256
#define NB_MBUFS 4095

static const char *const kind_names[VNET_KIND_COUNT] = {
	[VNET_KIND_SPLIT] = "split",
	[VNET_KIND_PACKED] = "packed",
	[VNET_KIND_SPLIT_IN_ORDER] = "split-io",
	[VNET_KIND_PACKED_IN_ORDER] = "packed-io",
};

enum dir { DIR_TX, DIR_RX, DIR_RX_MRG };
static const char *const dir_names[] = { "tx", "rx", "rx-mrg" };

static uint64_t kicks;
static int notify_error; /* what the doorbell returns: 0, or -errno */

static int
fake_notify(struct vnet_hw *hw, uint16_t index, uint32_t off)
{
	(void)hw;
	(void)index;
	(void)off;
	kicks++;
	return notify_error;
}

static const struct vnet_transport_ops fake_ops = {
	.name = "bench",
	.notify = fake_notify,
};

/*
 * Stores to the shared ring: before a measured burst every field the
 * driver may write and never reads back (split: descriptor table and
 * driver area; packed: the free slots and the driver event area) gets a
 * value the driver cannot store there (an address with bit 63 set, a
 * length, id or flags of all ones, an index half the index space away).
 * After the burst a field that lost its poison was stored to, even with
 * its old value; the others get their value back before the device looks.
 * Packed: a slot the device marked used is read by the burst, so it cannot
 * be poisoned, and a refill in the same burst that reuses it is not
 * counted (a lower bound on rx; tx reclaims before posting too).
 */
struct poisoned {
	uint32_t off;
	uint8_t size;
	uint64_t value, poison;
};

struct ring_stores {
	struct poisoned *f;
	unsigned int n;
	uint64_t bytes, lines;
};

enum poison_kind { ALL_ONES, TOP_BIT };

static void
poison(struct ring_stores *rs, uint8_t *ring, size_t off, uint8_t size,
       enum poison_kind kind)
{
	struct poisoned *p = &rs->f[rs->n++];
	uint64_t mask = size == 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;

	p->off = (uint32_t)off;
	p->size = size;
	p->value = 0;
	memcpy(&p->value, ring + off, size);
	p->poison = kind == ALL_ONES ? mask : p->value ^ (UINT64_C(1) << (size * 8 - 1));
	memcpy(ring + off, &p->poison, size);
}

/* addr, len, then id/next and flags: the same shape in both layouts. */
static void
poison_desc(struct ring_stores *rs, uint8_t *ring, size_t off)
{
	poison(rs, ring, off, 8, TOP_BIT);
	poison(rs, ring, off + 8, 4, ALL_ONES);
	poison(rs, ring, off + 12, 2, ALL_ONES);
	poison(rs, ring, off + 14, 2, ALL_ONES);
}

static void
stores_before(struct ring_stores *rs, const struct vnet_virtqueue *vq)
{
	const struct vnet_vring *r = &vq->vr;
	uint8_t *ring = vq->ring_mz->addr;
	size_t desc, drv, dev, i;
	uint16_t slot;

	rs->n = 0;
	vnet_vring_areas(r->layout, r->num, VNET_LEGACY_RING_ALIGN, &desc, &drv, &dev);
	if (r->layout == VNET_LAYOUT_SPLIT) {
		for (i = 0; i < r->num; i++)
			poison_desc(rs, ring, desc + i * sizeof(struct vnet_desc));
		poison(rs, ring, drv, 2, ALL_ONES);                /* flags */
		poison(rs, ring, drv + 2, 2, TOP_BIT);             /* idx */
		for (i = 0; i < r->num; i++)                       /* ring */
			poison(rs, ring, drv + 4 + 2 * i, 2, ALL_ONES);
		poison(rs, ring, drv + 4 + 2 * r->num, 2, TOP_BIT); /* used_event */
		return;
	}
	for (i = 0, slot = r->avail_shadow; i < r->num_free; i++) {
		poison_desc(rs, ring, desc + slot * sizeof(struct vnet_pdesc));
		slot = (uint16_t)((slot + 1) & (r->num - 1));
	}
	poison(rs, ring, drv, 2, TOP_BIT);  /* off_wrap */
	poison(rs, ring, drv + 2, 2, ALL_ONES); /* flags */
}

static void
stores_after(struct ring_stores *rs, const struct vnet_virtqueue *vq)
{
	uint8_t *ring = vq->ring_mz->addr;
	uint64_t last_line = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < rs->n; i++) {
		struct poisoned *p = &rs->f[i];
		uint64_t now = 0;

		memcpy(&now, ring + p->off, p->size);
		if (now == p->poison) {
			memcpy(ring + p->off, &p->value, p->size);
			continue;
		}
		rs->bytes += p->size;
		if (p->off / 64 != last_line) { /* fields are in offset order */
			rs->lines++;
			last_line = p->off / 64;
		}
	}
}

static void
setup_hw(struct vnet_hw *hw, enum vnet_ring_kind kind, bool ev, bool mrg)
{
	unsigned int i;

	memset(hw, 0, sizeof(*hw));
	snprintf(hw->name, sizeof(hw->name), "bench");
	hw->modern = true;
	hw->guest_features = UINT64_C(1) << VNET_F_VERSION_1 |
			     UINT64_C(1) << VNET_F_RING_INDIRECT_DESC;
	if (ev)
		hw->guest_features |= UINT64_C(1) << VNET_F_RING_EVENT_IDX;
	if (mrg)
		hw->guest_features |= UINT64_C(1) << VNET_F_MRG_RXBUF;
	if (vnet_kind_packed(kind))
		hw->guest_features |= UINT64_C(1) << VNET_F_RING_PACKED;
	if (vnet_kind_in_order(kind))
		hw->guest_features |= UINT64_C(1) << VNET_F_IN_ORDER;
	hw->net_hdr_size = VNET_NET_HDR_V1_SIZE;
	hw->ring_layout = vnet_kind_packed(kind) ? VNET_LAYOUT_PACKED : VNET_LAYOUT_SPLIT;
	hw->ring_kind = kind;
	for (i = 0; i < VNET_MAX_VQS; i++)
		hw->queue_max[i] = RING;
}

/* The frame the device expects (tx) or wrote (rx): see fake_dev.c. */
static void
fill_tx(struct rte_mbuf *m, uint32_t len, uint32_t seq)
{
	uint8_t f[16] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0 };
	char *p = rte_pktmbuf_append(m, (uint16_t)len);

	memcpy(&f[12], &seq, sizeof(seq));
	memcpy(p, f, sizeof(f));
}

static int
check_rx(struct rte_mbuf *m, uint32_t len, uint32_t seq)
{
	uint32_t got;

	if (m->pkt_len != len || m->data_len != len || m->nb_segs != 1 ||
	    m->next != NULL)
		return -1;
	memcpy(&got, rte_pktmbuf_mtod_offset(m, uint8_t *, 12), sizeof(got));
	return got == seq ? 0 : -1;
}

static vnet_burst_fn
pick(enum vnet_ring_kind kind, enum dir dir)
{
	const struct vnet_burst_row *b = vnet_burst_pick(kind, dir == DIR_RX_MRG);

	return dir == DIR_TX ? b->tx : b->rx;
}

/* One row; returns 0, or -1 with the reason printed. */
static int
run_row(struct rte_mempool *mp, struct fake_bufs *bufs, enum vnet_ring_kind kind,
	bool ev, enum dir dir, uint32_t len)
{
	static struct vnet_hw hw;
	struct rte_mbuf *pkts[BURST];
	struct ring_stores rs = { 0 };
	struct vnet_virtqueue *vq;
	vnet_burst_fn burst = pick(kind, dir);
	uint32_t seq = 0;
	struct fake_dev d;
	uint64_t pkts_done = 0, k0;
	char name[64];
	static struct rte_mbuf *held[WARM / 2 * BURST];
	unsigned int nb_held = 0;
	int b, i, ret = -1;

	snprintf(name, sizeof(name), "%s%s %s %u", kind_names[kind], ev ? "+ev" : "",
		 dir_names[dir], len);
	setup_hw(&hw, kind, ev, dir == DIR_RX_MRG);
	if (vnet_vq_create(&hw, dir == DIR_TX ? VNET_VQ_TX : VNET_VQ_RX, 0, RING, 0,
			   &vq) != 0) {
		printf("%s: vnet_vq_create failed\n", name);
		return -1;
	}
	rs.f = malloc(sizeof(*rs.f) * (5u * RING + 4));
	if (dir != DIR_TX) {
		vq->mp = mp;
		vq->rx_max_frame = RTE_ETHER_MAX_LEN;
		vnet_rx_refill(vq);
	}
	fake_dev_init(&d, vq, dir != DIR_TX, len, bufs->r, bufs->n);
	k0 = kicks;
	for (b = 0; b < WARM + MEASURED; b++) {
		bool measure = b >= WARM;
		uint16_t n;

		if (b == WARM) {
			k0 = kicks;
			pkts_done = 0;
		}
		if (dir == DIR_TX) {
			if (rte_pktmbuf_alloc_bulk(mp, pkts, BURST) != 0) {
				printf("%s: out of mbufs\n", name);
				goto out;
			}
			for (i = 0; i < BURST; i++) {
				fill_tx(pkts[i], len, seq++);
				/*
				 * First half of the warm-up: shared mbufs take the
				 * driver's slow free path, all reclaimed before the
				 * measured bursts (the ring holds 8 bursts).
				 */
				if (b < WARM / 2 && i % 3 == 0) {
					rte_mbuf_refcnt_update(pkts[i], 1);
					held[nb_held++] = pkts[i];
				}
			}
		} else {
			fake_dev_run(&d, BURST);
		}
		if (measure) {
			stores_before(&rs, vq);
			CALLGRIND_TOGGLE_COLLECT;
		}
		n = burst(vq, pkts, BURST);
		if (measure) {
			CALLGRIND_TOGGLE_COLLECT;
			stores_after(&rs, vq);
		}
		if (n != BURST) {
			printf("%s: burst %d moved %u of %u packets\n", name, b, n, BURST);
			goto out;
		}
		if (dir == DIR_TX) {
			fake_dev_run(&d, BURST);
		} else {
			for (i = 0; i < n; i++)
				if (check_rx(pkts[i], len, seq++) != 0) {
					printf("%s: rx packet %u is wrong\n", name, seq - 1);
					goto out;
				}
			rte_pktmbuf_free_bulk(pkts, n);
		}
		if (d.err[0] != '\0') {
			printf("%s: device: %s\n", name, d.err);
			goto out;
		}
		pkts_done += n;
	}
	if (d.buffers != (uint64_t)(WARM + MEASURED) * BURST) {
		printf("%s: device saw %" PRIu64 " buffers\n", name, d.buffers);
		goto out;
	}
	printf("row %-22s pkts %" PRIu64 " kicks %" PRIu64 " ring_bytes %" PRIu64
	       " ring_lines %" PRIu64 "\n", name, pkts_done, kicks - k0, rs.bytes, rs.lines);
	ret = 0;
out:
	CALLGRIND_DUMP_STATS_AT(name);
	free(rs.f);
	vnet_vq_free(vq, true);
	for (i = 0; i < (int)nb_held; i++) {
		if (ret == 0 && rte_mbuf_refcnt_read(held[i]) != 1) {
			printf("%s: a shared mbuf lost its other reference\n", name);
			ret = -1;
		}
		rte_pktmbuf_free(held[i]);
	}
	/* Every mbuf is back: none leaked, none freed twice. */
	if (ret == 0 && rte_mempool_avail_count(mp) != NB_MBUFS) {
		printf("%s: %u of %u mbufs back in the pool\n", name,
		       rte_mempool_avail_count(mp), NB_MBUFS);
		ret = -1;
	}
	return ret;
}

/*
 * A doorbell write that fails (a legacy BAR0 whose port grant or pwrite
 * was refused) breaks the queue, counted once, instead of leaving a device
 * that waits for kicks to stall in silence.
 */
static int
run_notify_failure(struct rte_mempool *mp)
{
	static struct vnet_hw hw;
	struct rte_mbuf *pkts[BURST];
	struct vnet_virtqueue *vq;
	vnet_burst_fn burst = pick(VNET_KIND_SPLIT, DIR_TX);
	uint16_t n, again;
	int i, ret = -1;

	setup_hw(&hw, VNET_KIND_SPLIT, true, false);
	if (vnet_vq_create(&hw, VNET_VQ_TX, 0, RING, 0, &vq) != 0 ||
	    rte_pktmbuf_alloc_bulk(mp, pkts, BURST) != 0) {
		printf("notify-failure: setup failed\n");
		return -1;
	}
	for (i = 0; i < BURST; i++)
		fill_tx(pkts[i], 64, (uint32_t)i);
	notify_error = -EPERM;
	n = burst(vq, pkts, BURST); /* EVENT_IDX: the first publish kicks */
	notify_error = 0;
	again = burst(vq, &pkts[n], (uint16_t)(BURST - n));
	if (!vq->vr.broken || vq->vr.fault != VNET_RING_NOTIFY ||
	    vq->vr.fault_a != EPERM)
		printf("notify-failure: queue not broken by the failed doorbell (fault %s)\n",
		       vnet_ring_fault_names[vq->vr.fault]);
	else if (vq->stats.ring_faults != 1 || again != 0)
		printf("notify-failure: ring_faults %" PRIu64 ", a later burst moved %u\n",
		       vq->stats.ring_faults, again);
	else
		ret = 0;
	rte_pktmbuf_free_bulk(&pkts[n], BURST - n);
	vnet_vq_free(vq, true); /* frees what the ring still holds */
	if (ret == 0 && rte_mempool_avail_count(mp) != NB_MBUFS) {
		printf("notify-failure: %u of %u mbufs back in the pool\n",
		       rte_mempool_avail_count(mp), NB_MBUFS);
		ret = -1;
	}
	printf("row %-22s %s\n", "notify-failure", ret == 0 ? "ok" : "FAIL");
	return ret;
}

int
main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 64, 1518 };
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "-l", "0", "-m", "256", "--no-shconf",
			"--iova-mode=va", "--no-telemetry",
			"--log-level=*:error", NULL };
	struct rte_mempool *mp;
	struct fake_bufs bufs = { 0 };
	const char *only = argc > 1 ? argv[1] : NULL;
	unsigned int k, e, dir, s, failed = 0;

	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0 ||
	    rte_eal_iova_mode() != RTE_IOVA_VA) {
		fprintf(stderr, "ring_bench: EAL init failed (needs --iova-mode=va)\n");
		return 1;
	}
	vnet_locals[0].ops = &fake_ops;
	mp = rte_pktmbuf_pool_create("bench", NB_MBUFS, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	bufs.max = NB_MBUFS;
	bufs.r = calloc(NB_MBUFS, sizeof(*bufs.r));
	if (mp == NULL || bufs.r == NULL) {
		fprintf(stderr, "ring_bench: no mempool\n");
		return 1;
	}
	rte_mempool_obj_iter(mp, fake_dev_add_mbuf, &bufs);
	fake_dev_sort_bufs(bufs.r, bufs.n);
	for (k = 0; k < VNET_KIND_COUNT; k++)
		for (e = 0; e < 2; e++)
			for (dir = DIR_TX; dir <= DIR_RX_MRG; dir++)
				for (s = 0; s < RTE_DIM(sizes); s++) {
					if (only != NULL && strcmp(only, kind_names[k]) != 0)
						continue;
					failed += run_row(mp, &bufs, k, e, dir, sizes[s]) != 0;
				}
	if (only == NULL)
		failed += run_notify_failure(mp) != 0;
	printf("%s\n", failed ? "FAIL" : "ok");
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
