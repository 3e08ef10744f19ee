/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "fake_dev.h"

#define MAX_SEGS 20

struct seg {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
};

static unsigned int
fail(struct fake_dev *d, const char *fmt, ...)
{
	va_list ap;

	if (d->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(d->err, sizeof(d->err), fmt, ap);
		va_end(ap);
	}
	return 0;
}

void
fake_dev_add_mbuf(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct fake_bufs *b = arg;
	struct rte_mbuf *m = obj;

	(void)mp;
	(void)idx;
	if (b->n == b->max)
		return;
	b->r[b->n].lo = (uintptr_t)m->buf_addr;
	b->r[b->n].hi = (uintptr_t)m->buf_addr + m->buf_len;
	b->n++;
}

static int
cmp_region(const void *a, const void *b)
{
	const struct fake_region *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

void
fake_dev_sort_bufs(struct fake_region *bufs, unsigned int n)
{
	qsort(bufs, n, sizeof(*bufs), cmp_region);
}

static bool
inside(const struct fake_region *r, uint64_t addr, uint32_t len)
{
	return addr >= r->lo && addr + len <= r->hi && addr + len >= addr;
}

/* A data descriptor lies in one mbuf buffer or (tx) in the header area. */
static bool
valid_data(const struct fake_dev *d, uint64_t addr, uint32_t len)
{
	unsigned int lo = 0, hi = d->nb_bufs;

	if (len == 0)
		return false;
	if (!d->rx && inside(&d->hdrs, addr, len))
		return true;
	while (lo < hi) { /* the last buffer starting at or below addr */
		unsigned int mid = (lo + hi) / 2;

		if (d->bufs[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && inside(&d->bufs[lo - 1], addr, len);
}

static int
add_seg(struct fake_dev *d, struct seg *s, int n, uint64_t addr, uint32_t len,
	uint16_t flags)
{
	if (n >= MAX_SEGS)
		return (int)fail(d, "more than %d descriptors in one buffer", MAX_SEGS) - 1;
	if (!valid_data(d, addr, len))
		return (int)fail(d, "descriptor %#" PRIx64 "+%u is outside every buffer",
				 addr, len) - 1;
	if (d->rx != ((flags & VNET_DESC_F_WRITE) != 0))
		return (int)fail(d, "%s descriptor with flags %#x", d->rx ? "rx" : "tx",
				 flags) - 1;
	s[n].addr = addr;
	s[n].len = len;
	s[n].flags = flags;
	return n + 1;
}

/* The entries of an indirect table (virtio 1.2 §2.7.5.3, §2.8.19). */
static int
gather_table(struct fake_dev *d, struct seg *s, int n, uint64_t addr, uint32_t len)
{
	uint32_t count = len / sizeof(struct vnet_desc), i = 0, steps = 0;
	const struct vnet_desc *t = (const struct vnet_desc *)(uintptr_t)addr;

	if (len == 0 || len % sizeof(struct vnet_desc) != 0 ||
	    !inside(&d->tables, addr, len))
		return (int)fail(d, "indirect table %#" PRIx64 "+%u is bad", addr, len) - 1;
	if (vnet_kind_packed(d->kind)) {
		for (i = 0; i < count && n >= 0; i++)
			n = add_seg(d, s, n, t[i].addr, t[i].len, t[i].flags);
		return n;
	}
	for (;;) {
		n = add_seg(d, s, n, t[i].addr, t[i].len, t[i].flags & ~VNET_DESC_F_NEXT);
		if (n < 0 || !(t[i].flags & VNET_DESC_F_NEXT))
			return n;
		i = t[i].next;
		if (i >= count || ++steps >= count)
			return (int)fail(d, "indirect link %u of %u", i, count) - 1;
	}
}

/* Split: the chain at head, ring descriptors or one indirect table. */
static int
split_gather(struct fake_dev *d, uint16_t head, struct seg *s)
{
	const struct vnet_desc *desc = d->vq->vr.desc;
	uint32_t i = head, steps = 0;
	int n = 0;

	for (;;) {
		struct vnet_desc x;

		if (i >= d->num)
			return (int)fail(d, "descriptor id %u of %u", i, d->num) - 1;
		x = desc[i];
		if (x.flags & VNET_DESC_F_INDIRECT) {
			if (n != 0 || (x.flags & VNET_DESC_F_NEXT))
				return (int)fail(d, "indirect descriptor inside a chain") - 1;
			return gather_table(d, s, 0, x.addr, x.len);
		}
		n = add_seg(d, s, n, x.addr, x.len, x.flags & ~VNET_DESC_F_NEXT);
		if (n < 0 || !(x.flags & VNET_DESC_F_NEXT))
			return n;
		i = x.next;
		if (++steps >= d->num)
			return (int)fail(d, "descriptor chain loops") - 1;
	}
}

static bool
packed_avail(const struct fake_dev *d, uint16_t flags)
{
	return ((flags & VNET_PDESC_F_AVAIL) != 0) == d->avail_wrap &&
	       ((flags & VNET_PDESC_F_USED) != 0) != d->avail_wrap;
}

/* Packed: the buffer at avail_slot; 0 if none is available there. */
static int
packed_gather(struct fake_dev *d, struct seg *s, uint16_t *id, uint16_t *slots)
{
	volatile struct vnet_pdesc *ring = d->vq->vr.pdesc;
	int n = 0;

	*slots = 0;
	if (!packed_avail(d, ring[d->avail_slot].flags))
		return 0;
	for (;;) {
		struct vnet_pdesc x = *(struct vnet_pdesc *)&ring[d->avail_slot];

		if (!packed_avail(d, x.flags))
			return (int)fail(d, "chain member at slot %u not available",
					 d->avail_slot) - 1;
		if (x.flags & VNET_PDESC_F_INDIRECT)
			n = n == 0 ? gather_table(d, s, 0, x.addr, x.len) :
				     (int)fail(d, "indirect descriptor inside a chain") - 1;
		else
			n = add_seg(d, s, n, x.addr, x.len,
				    x.flags & (uint16_t)~(VNET_PDESC_F_NEXT | VNET_PDESC_WRAP_BITS));
		*id = x.id;
		(*slots)++;
		if (++d->avail_slot == d->num) {
			d->avail_slot = 0;
			d->avail_wrap = !d->avail_wrap;
		}
		if (n < 0 || !(x.flags & VNET_PDESC_F_NEXT))
			return n;
		if (*slots >= d->num)
			return (int)fail(d, "packed chain loops") - 1;
	}
}

static void
scatter(const struct seg *s, int n, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *p = src;
	int i;

	for (i = 0; i < n && len > 0; i++) {
		uint32_t take;

		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		take = RTE_MIN(len, s[i].len - off);
		memcpy((uint8_t *)(uintptr_t)s[i].addr + off, p, take);
		p += take;
		len -= take;
		off = 0;
	}
}

static void
gather(const struct seg *s, int n, uint8_t *dst, uint32_t max)
{
	uint32_t at = 0;
	int i;

	for (i = 0; i < n && at < max; i++) {
		uint32_t take = RTE_MIN(s[i].len, max - at);

		memcpy(dst + at, (const void *)(uintptr_t)s[i].addr, take);
		at += take;
	}
}

/* Rx: write a header and a frame; tx: check them. Returns used len. */
static uint32_t
serve(struct fake_dev *d, const struct seg *s, int n)
{
	uint8_t head[64], zero[64] = { 0 };
	uint32_t total = 0, want = d->hdr_size + d->frame_len, seq;
	int i;

	for (i = 0; i < n; i++)
		total += s[i].len;
	if (d->rx) {
		struct vnet_net_hdr h = { .num_buffers = 1 };
		/* Unicast destination, then the sequence number. */
		uint8_t f[16] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0 };

		if (total < want)
			return fail(d, "rx buffer of %u bytes for a %u-byte frame", total, want);
		memcpy(&f[12], &d->seq, sizeof(d->seq));
		scatter(s, n, 0, &h, d->hdr_size);
		scatter(s, n, d->hdr_size, f, sizeof(f));
		d->seq++;
		return want;
	}
	if (total != want)
		return fail(d, "tx packet of %u bytes, expected %u", total, want);
	gather(s, n, head, d->hdr_size + 16);
	memcpy(&seq, head + d->hdr_size + 12, sizeof(seq));
	if (memcmp(head, zero, d->hdr_size) != 0 || seq != d->seq)
		return fail(d, "tx frame %u: header not zero or sequence %u", d->seq, seq);
	d->seq++;
	return 0;
}

static void
split_used(struct fake_dev *d, uint16_t pos, uint32_t id, uint32_t len)
{
	volatile struct vnet_used_elem *e =
		&d->vq->vr.used_ring[pos & (d->num - 1)];

	e->id = id;
	e->len = len;
}

static void
packed_used(struct fake_dev *d, uint16_t id, uint32_t len, uint16_t slots)
{
	volatile struct vnet_pdesc *x = &d->vq->vr.pdesc[d->used_slot];

	x->id = id;
	x->len = len;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	x->flags = d->used_wrap ? VNET_PDESC_WRAP_BITS : 0;
	d->used_slot = (uint16_t)(d->used_slot + slots);
	if (d->used_slot >= d->num) {
		d->used_slot -= d->num;
		d->used_wrap = !d->used_wrap;
	}
}

/*
 * In-order tx: one used entry for the whole run, naming its last buffer
 * and written where the first one's would go (virtio 1.2 §2.7.9, §2.8.9).
 * Rx writes every entry: a skipped rx buffer would complete empty.
 */
static bool
batch_used(const struct fake_dev *d)
{
	return vnet_kind_in_order(d->kind) && !d->rx;
}

static void
ask_kicks(struct fake_dev *d)
{
	struct vnet_vring *r = &d->vq->vr;

	if (vnet_kind_packed(d->kind)) {
		r->device_event->off_wrap = (uint16_t)(d->avail_slot |
			(d->avail_wrap ? 1u << VNET_PEVENT_WRAP_SHIFT : 0));
		r->device_event->flags = d->event_idx ? VNET_PEVENT_F_DESC :
							VNET_PEVENT_F_DISABLE;
	} else if (d->event_idx) {
		*r->avail_event = d->last_avail;
	} else {
		*r->used_flags = VNET_USED_F_NO_NOTIFY;
	}
}

unsigned int
fake_dev_run(struct fake_dev *d, unsigned int max)
{
	bool packed = vnet_kind_packed(d->kind);
	struct vnet_vring *r = &d->vq->vr;
	uint16_t first_pos = d->used_idx, first_slot = d->used_slot, slots_all = 0;
	uint16_t id = 0, slots = 0;
	struct seg s[MAX_SEGS];
	unsigned int done = 0;

	while (done < max && d->err[0] == '\0') {
		uint32_t len;
		int n;

		if (packed) {
			n = packed_gather(d, s, &id, &slots);
			if (n == 0)
				break;
		} else {
			if (*r->avail_idx == d->last_avail)
				break;
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			id = r->avail_ring[d->last_avail++ & (d->num - 1)];
			n = split_gather(d, id, s);
		}
		if (n < 0)
			break;
		len = serve(d, s, n);
		if (d->err[0] != '\0')
			break;
		done++;
		slots_all = (uint16_t)(slots_all + slots);
		if (batch_used(d))
			continue;
		if (packed)
			packed_used(d, id, len, slots);
		else
			split_used(d, d->used_idx++, id, len);
	}
	if (done > 0 && batch_used(d)) {
		if (packed) {
			d->used_slot = first_slot;
			packed_used(d, id, 0, slots_all);
		} else {
			split_used(d, first_pos, id, 0);
			d->used_idx = (uint16_t)(first_pos + done);
		}
	}
	if (done > 0 && !packed) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		*r->used_idx = d->used_idx;
	}
	ask_kicks(d);
	d->buffers += done;
	return done;
}

void
fake_dev_init(struct fake_dev *d, struct vnet_virtqueue *vq, bool rx,
	      uint32_t frame_len, struct fake_region *bufs, unsigned int nb_bufs)
{
	memset(d, 0, sizeof(*d));
	d->vq = vq;
	d->kind = vq->vr.kind;
	d->rx = rx;
	d->event_idx = vq->event_idx;
	d->num = vq->vr.num;
	d->hdr_size = vq->hdr_size;
	d->frame_len = frame_len;
	d->avail_wrap = d->used_wrap = true;
	d->bufs = bufs;
	d->nb_bufs = nb_bufs;
	if (vq->hdr_mz != NULL) {
		d->hdrs.lo = (uintptr_t)vq->hdr_mz->addr;
		d->hdrs.hi = d->hdrs.lo + vq->hdr_mz->len;
	}
	if (vq->ind_mz != NULL) {
		d->tables.lo = (uintptr_t)vq->ind_mz->addr;
		d->tables.hi = d->tables.lo + vq->ind_mz->len;
	}
	ask_kicks(d);
}
