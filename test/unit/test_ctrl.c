/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control queue: command encoding (class, command, data, ack layout; the
 * MAC tables), feature dependencies, queue index mapping, the synchronous
 * exchange against a fake device that answers, lies or never answers, and
 * the RSS-request decision table. Each table row is one check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vnet_ctrl_cmd.h"
#include "vnet_ctrlq.h"
#include "vnet_mq.h"

/* ---------------------------------------------------------------- encoding */

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t MC_1[6] = { 0x01, 0, 0x5e, 0, 0, 0x01 };

enum enc { E_PROMISC_ON, E_PROMISC_OFF, E_ALLMULTI_ON, E_ALLMULTI_OFF, E_MAC_SET,
	   E_VLAN_ADD_LE, E_VLAN_DEL_LE, E_VLAN_ADD_NATIVE, E_ANNOUNCE, E_MQ_LE,
	   E_MQ_MAX_LE };

static const struct {
	const char *name;
	enum enc enc;
	uint8_t cls, cmd, nparts;
	uint16_t len;          /* first part */
	uint8_t bytes[8];
} enc_rows[] = {
	{ "promisc on", E_PROMISC_ON, 0, 0, 1, 1, { 1 } },
	{ "promisc off", E_PROMISC_OFF, 0, 0, 1, 1, { 0 } },
	{ "allmulti on", E_ALLMULTI_ON, 0, 1, 1, 1, { 1 } },
	{ "allmulti off", E_ALLMULTI_OFF, 0, 1, 1, 1, { 0 } },
	{ "MAC_ADDR_SET", E_MAC_SET, 1, 1, 1, 6, { 0x02, 0, 0, 0, 0, 0x0a } },
	{ "VLAN_ADD 100 (le)", E_VLAN_ADD_LE, 2, 0, 1, 2, { 0x64, 0x00 } },
	{ "VLAN_DEL 4095 (le)", E_VLAN_DEL_LE, 2, 1, 1, 2, { 0xff, 0x0f } },
	{ "VLAN_ADD 0x0102 (x86 native)", E_VLAN_ADD_NATIVE, 2, 0, 1, 2, { 0x02, 0x01 } },
	{ "ANNOUNCE_ACK: no data", E_ANNOUNCE, 3, 0, 0, 0, { 0 } },
	{ "MQ_VQ_PAIRS_SET 4 (le)", E_MQ_LE, 4, 0, 1, 2, { 4, 0 } },
	{ "MQ_VQ_PAIRS_SET 0x7fff (le)", E_MQ_MAX_LE, 4, 0, 1, 2, { 0xff, 0x7f } },
};

static void
encode(struct vnet_ctrl_cmd *c, enum enc e)
{
	switch (e) {
	case E_PROMISC_ON: vnet_ctrl_rx_mode(c, VNET_CTRL_RX_PROMISC, true); break;
	case E_PROMISC_OFF: vnet_ctrl_rx_mode(c, VNET_CTRL_RX_PROMISC, false); break;
	case E_ALLMULTI_ON: vnet_ctrl_rx_mode(c, VNET_CTRL_RX_ALLMULTI, true); break;
	case E_ALLMULTI_OFF: vnet_ctrl_rx_mode(c, VNET_CTRL_RX_ALLMULTI, false); break;
	case E_MAC_SET: vnet_ctrl_mac_addr_set(c, MAC_A); break;
	case E_VLAN_ADD_LE: vnet_ctrl_vlan(c, true, 100, true); break;
	case E_VLAN_DEL_LE: vnet_ctrl_vlan(c, false, 4095, true); break;
	case E_VLAN_ADD_NATIVE: vnet_ctrl_vlan(c, true, 0x0102, false); break;
	case E_ANNOUNCE: vnet_ctrl_announce_ack(c); break;
	case E_MQ_LE: vnet_ctrl_mq_pairs(c, 4, true); break;
	case E_MQ_MAX_LE: vnet_ctrl_mq_pairs(c, 0x7fff, true); break;
	}
}

static void
test_encoding(void)
{
	struct vnet_ctrl_cmd c;
	size_t i;

	for (i = 0; i < sizeof(enc_rows) / sizeof(enc_rows[0]); i++) {
		memset(&c, 0xaa, sizeof(c));
		encode(&c, enc_rows[i].enc);
		TAP_OK(c.cls == enc_rows[i].cls && c.cmd == enc_rows[i].cmd &&
		       c.nparts == enc_rows[i].nparts &&
		       (c.nparts == 0 || (c.part_len[0] == enc_rows[i].len &&
					  memcmp(c.data, enc_rows[i].bytes, enc_rows[i].len) == 0)),
		       "%s: class %u cmd %u, %u part(s) of %u bytes", enc_rows[i].name,
		       enc_rows[i].cls, enc_rows[i].cmd, enc_rows[i].nparts, enc_rows[i].len);
	}
}

static uint32_t
le32_at(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void
test_mac_table(void)
{
	uint8_t addrs[130][6];
	struct vnet_ctrl_cmd c;
	const uint8_t *uc, *mc;
	unsigned int i;

	memset(addrs, 0, sizeof(addrs));
	memcpy(addrs[0], MAC_A, 6);
	memcpy(addrs[1], MC_1, 6);
	/* addrs[2] stays zero: a free ethdev slot, skipped */
	memcpy(addrs[3], MAC_B, 6);
	TAP_EQ(vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 4, true), 0, "mixed table encodes");
	TAP_OK(c.cls == VNET_CTRL_MAC && c.cmd == VNET_CTRL_MAC_TABLE_SET && c.nparts == 2,
	       "MAC_TABLE_SET in two parts");
	uc = c.data;
	mc = c.data + c.part_len[0];
	TAP_EQ(c.part_len[0], 4 + 2 * 6, "unicast table: le32 count + 2 addresses");
	TAP_EQ(le32_at(uc), 2, "unicast entries = 2 (zero slot and multicast left out)");
	TAP_OK(memcmp(uc + 4, MAC_A, 6) == 0 && memcmp(uc + 10, MAC_B, 6) == 0,
	       "unicast addresses in order");
	TAP_EQ(c.part_len[1], 4 + 6, "multicast table: le32 count + 1 address");
	TAP_EQ(le32_at(mc), 1, "multicast entries = 1");
	TAP_OK(memcmp(mc + 4, MC_1, 6) == 0, "multicast address");

	TAP_EQ(vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 0, true), 0, "empty tables");
	TAP_OK(c.part_len[0] == 4 && c.part_len[1] == 4 && le32_at(c.data) == 0 &&
	       le32_at(c.data + 4) == 0, "two zero-entry tables clear the filter");

	for (i = 0; i < 130; i++) {
		addrs[i][0] = i < 65 ? 0x02 : 0x01;
		addrs[i][5] = (uint8_t)i;
	}
	TAP_EQ(vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 130, true), -E2BIG,
	       "65 unicast addresses are refused");
	TAP_EQ(vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs + 1, 128, true), 0,
	       "64 unicast + 64 multicast fit");
	TAP_OK(c.part_len[0] == 4 + 64 * 6 && c.part_len[1] == 4 + 64 * 6 &&
	       (size_t)c.part_len[0] + c.part_len[1] <= VNET_CTRL_DATA_MAX, "both tables full, in the buffer");
}

static void
test_layout(void)
{
	struct vnet_ctrl_seg s[VNET_CTRL_SEGS_MAX];
	uint8_t addrs[2][6];
	struct vnet_ctrl_cmd c;
	unsigned int n;

	vnet_ctrl_announce_ack(&c);
	n = vnet_ctrl_layout(&c, s);
	TAP_EQ(n, 2, "ANNOUNCE_ACK: header and ack only");
	TAP_OK(s[0].off == VNET_CTRL_HDR_OFF && s[0].len == 2 && !s[0].device_writes,
	       "header: 2 device-readable bytes");
	TAP_OK(s[1].off == VNET_CTRL_ACK_OFF && s[1].len == 1 && s[1].device_writes,
	       "ack: 1 device-writable byte");

	memcpy(addrs[0], MAC_A, 6);
	memcpy(addrs[1], MC_1, 6);
	vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 2, true);
	n = vnet_ctrl_layout(&c, s);
	TAP_EQ(n, 4, "MAC_TABLE_SET: header, two tables, ack");
	TAP_OK(s[1].off == VNET_CTRL_DATA_OFF && s[1].len == 10 && !s[1].device_writes &&
	       s[2].off == VNET_CTRL_DATA_OFF + 10 && s[2].len == 10 && !s[2].device_writes,
	       "each table its own readable descriptor, back to back");
	TAP_OK(s[3].off == VNET_CTRL_ACK_OFF && s[3].device_writes, "ack last");
	TAP_OK(VNET_CTRL_ACK_OFF >= VNET_CTRL_DATA_OFF + VNET_CTRL_DATA_MAX &&
	       VNET_CTRL_ACK_OFF < VNET_CTRL_BUF_SIZE, "ack after the largest data, inside the buffer");
}

static void
test_names_and_deps(void)
{
	char b[48];
	static const struct {
		uint64_t offered, want;
		const char *what;
	} deps[] = {
		{ VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_MQ) | VNET_BIT(VNET_F_CTRL_RX),
		  VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_MQ) | VNET_BIT(VNET_F_CTRL_RX),
		  "with CTRL_VQ, MQ and CTRL_RX stay" },
		{ VNET_BIT(VNET_F_MQ) | VNET_BIT(VNET_F_CTRL_RX) | VNET_BIT(VNET_F_CTRL_VLAN) |
		  VNET_BIT(VNET_F_CTRL_MAC_ADDR) | VNET_BIT(VNET_F_MAC),
		  VNET_BIT(VNET_F_MAC), "without CTRL_VQ every control feature goes" },
		{ VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_GUEST_ANNOUNCE),
		  VNET_BIT(VNET_F_CTRL_VQ), "GUEST_ANNOUNCE needs STATUS too" },
		{ VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_GUEST_ANNOUNCE) | VNET_BIT(VNET_F_STATUS),
		  VNET_BIT(VNET_F_CTRL_VQ) | VNET_BIT(VNET_F_GUEST_ANNOUNCE) | VNET_BIT(VNET_F_STATUS),
		  "GUEST_ANNOUNCE with CTRL_VQ and STATUS stays" },
	};
	size_t i;

	TAP_OK(strcmp(vnet_ctrl_name(4, 0, b, sizeof(b)), "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET") == 0,
	       "command name for the MQ class");
	TAP_OK(strcmp(vnet_ctrl_name(0, 0, b, sizeof(b)), "VIRTIO_NET_CTRL_RX_PROMISC") == 0,
	       "command name for promisc");
	TAP_CONTAINS(vnet_ctrl_name(9, 1, b, sizeof(b)), "class 9 cmd 1", "an unknown command by number");
	for (i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
		TAP_EQ(vnet_ctrl_feature_deps(deps[i].offered), deps[i].want, "%s", deps[i].what);
}

static void
test_queue_map(void)
{
	static const struct {
		bool mq;
		uint16_t pairs, ctrl;
	} rows[] = {
		{ false, 1, 2 }, { false, 4, 2 }, { true, 1, 2 }, { true, 2, 4 },
		{ true, 4, 8 }, { true, 0x7fff, 0xfffe },
	};
	size_t i;

	TAP_OK(vnet_mq_rx_vq(0) == 0 && vnet_mq_tx_vq(0) == 1, "pair 0: rx vq 0, tx vq 1");
	TAP_OK(vnet_mq_rx_vq(3) == 6 && vnet_mq_tx_vq(3) == 7, "pair 3: rx vq 6, tx vq 7");
	TAP_OK(vnet_mq_rx_vq(15) == 30 && vnet_mq_tx_vq(15) == 31, "pair 15: rx vq 30, tx vq 31");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		TAP_EQ(vnet_mq_ctrl_vq(rows[i].mq, rows[i].pairs), rows[i].ctrl,
		       "control queue, MQ %s, %u pairs", rows[i].mq ? "on" : "off", rows[i].pairs);
}

/* ---------------------------------------------------------------- fake device */

enum dev_mode { D_OK, D_ERR, D_ACK7, D_NEVER, D_LATE, D_BAD_ID, D_BAD_LEN, D_NO_ACK };

struct fake {
	struct vnet_ctrlq q;
	void *ring;
	uint8_t *buf;
	struct vnet_desc_extra extra[16];
	enum dev_mode mode;
	uint64_t now;
	int pauses, notifies, late_after;
	uint16_t last_avail;
	/* What the device read from the last command. */
	uint8_t seen[VNET_CTRL_DATA_MAX + 2];
	size_t seen_len;
	unsigned int seen_descs;
	bool layout_ok;
	bool dev_wrap; /* packed: the device's wrap counter */
};

/* The ring kind the fake device's queue is laid out as (every kind runs). */
static enum vnet_layout fake_layout;
static bool fake_in_order;

/* The device reads one descriptor of a command; returns whether more follow. */
static bool
device_read(struct fake *f, uint64_t addr, uint32_t len, uint16_t flags, uint8_t **ack)
{
	uint8_t *p = (uint8_t *)(uintptr_t)addr;

	if (flags & VNET_DESC_F_WRITE) {
		f->layout_ok &= len == 1 && !(flags & VNET_DESC_F_NEXT);
		*ack = p;
	} else {
		f->layout_ok &= *ack == NULL && f->seen_len + len <= sizeof(f->seen);
		if (f->layout_ok)
			memcpy(f->seen + f->seen_len, p, len);
		f->seen_len += len;
	}
	return flags & VNET_DESC_F_NEXT;
}

static void
device_ack(struct fake *f, uint8_t *ack)
{
	if (ack != NULL && f->mode != D_NO_ACK)
		*ack = f->mode == D_ERR ? VNET_CTRL_ERR : f->mode == D_ACK7 ? 7 : VNET_CTRL_OK;
}

/* Packed (virtio 1.2 §2.8): the next available chain, used in place. */
static void
device_serve_packed(struct fake *f)
{
	struct vnet_vring *r = &f->q.vr;
	volatile struct vnet_pdesc *d = r->pdesc;
	uint16_t head = f->last_avail, s = head, id = 0, fl = d[head].flags;
	bool w = f->dev_wrap, more = true;
	uint8_t *ack = NULL;
	unsigned int n = 0;

	if ((bool)(fl & VNET_PDESC_F_AVAIL) != w || (bool)(fl & VNET_PDESC_F_USED) == w)
		return;
	f->seen_len = 0;
	f->layout_ok = true;
	while (more && n++ < 8) {
		more = device_read(f, d[s].addr, d[s].len, d[s].flags, &ack);
		id = d[s].id;
		if (++s == r->num) {
			s = 0;
			w = !w;
		}
	}
	f->seen_descs = n;
	device_ack(f, ack);
	d[head].id = f->mode == D_BAD_ID ? r->num + 3 : id;
	d[head].len = f->mode == D_BAD_LEN ? 100 : 1;
	d[head].flags = f->dev_wrap ? VNET_PDESC_F_AVAIL | VNET_PDESC_F_USED : 0;
	f->last_avail = s;
	f->dev_wrap = w;
}

/* The device consumes one chain: reads it, writes the ack, uses it. */
static void
device_serve(struct fake *f)
{
	struct vnet_vring *r = &f->q.vr;
	uint16_t head, id;
	uint16_t ui;
	uint8_t *ack = NULL;
	unsigned int n = 0;

	if (r->layout == VNET_LAYOUT_PACKED) {
		device_serve_packed(f);
		return;
	}
	if (f->last_avail == *r->avail_idx)
		return;
	head = r->avail_ring[f->last_avail++ & (r->num - 1)];
	id = head;
	f->seen_len = 0;
	f->layout_ok = true;
	for (;;) {
		struct vnet_desc *d = &r->desc[id];

		n++;
		if (!device_read(f, d->addr, d->len, d->flags, &ack) || n > 8)
			break;
		id = d->next;
	}
	f->seen_descs = n;
	device_ack(f, ack);
	ui = *r->used_idx;
	r->used_ring[ui & (r->num - 1)].id = f->mode == D_BAD_ID ? r->num + 3 : head;
	r->used_ring[ui & (r->num - 1)].len = f->mode == D_BAD_LEN ? 100 : 1;
	*r->used_idx = (uint16_t)(ui + 1);
}

static void
f_notify(void *ctx)
{
	struct fake *f = ctx;

	f->notifies++;
	if (f->mode != D_NEVER && f->mode != D_LATE)
		device_serve(f);
}

static uint64_t
f_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void
f_pause(void *ctx)
{
	struct fake *f = ctx;

	f->now += 1000;
	if (++f->pauses == f->late_after && f->mode == D_LATE)
		device_serve(f);
}

static void
fake_init(struct fake *f, uint16_t num)
{
	memset(f, 0, sizeof(*f));
	f->ring = aligned_alloc(4096, vnet_vring_mem_size(fake_layout, num, 4096));
	f->dev_wrap = true;
	f->buf = malloc(VNET_CTRL_BUF_SIZE);
	memset(f->buf, 0, VNET_CTRL_BUF_SIZE);
	f->q.buf = f->buf;
	f->q.buf_iova = (uint64_t)(uintptr_t)f->buf; /* the fake device reads host memory */
	f->q.timeout_us = 5000;
	f->q.env = (struct vnet_ctrlq_env){ f_notify, f_now, f_pause, f };
	vnet_ctrlq_init(&f->q, fake_layout, f->ring, num, 4096, f->extra);
	vnet_vring_set_in_order(&f->q.vr, fake_in_order);
}

static void
fake_fini(struct fake *f)
{
	free(f->ring);
	free(f->buf);
}

static const struct {
	const char *name;
	enum dev_mode mode;
	int late_after;
	enum vnet_ctrlq_result want;
	int ack;                 /* -1: not checked */
	const char *msg;         /* in the explanation; NULL for OK */
} exec_rows[] = {
	{ "device answers OK", D_OK, 0, VNET_CTRLQ_OK, VNET_CTRL_OK, NULL },
	{ "device answers ERR", D_ERR, 0, VNET_CTRLQ_DEVICE_ERR, VNET_CTRL_ERR, "refused the command" },
	{ "device writes ack 7", D_ACK7, 0, VNET_CTRLQ_BAD_ACK, 7, "ack 0x07, neither" },
	{ "device uses the chain without writing the ack", D_NO_ACK, 0, VNET_CTRLQ_BAD_ACK, 0xff, "ack 0xff" },
	{ "device answers after 3 polls", D_LATE, 3, VNET_CTRLQ_OK, VNET_CTRL_OK, NULL },
	{ "device never answers", D_NEVER, 0, VNET_CTRLQ_TIMEOUT, -1, "did not answer on the control queue within 5 ms" },
	{ "device answers after the timeout", D_LATE, 50, VNET_CTRLQ_TIMEOUT, -1, "rte_eth_dev_reset" },
	{ "used id out of range", D_BAD_ID, 0, VNET_CTRLQ_BAD_USED, -1, "used id out of range" },
	{ "used len beyond the ack byte", D_BAD_LEN, 0, VNET_CTRLQ_BAD_USED, -1, "used len exceeds" },
};

static void
test_exec(void)
{
	struct vnet_ctrl_cmd c;
	struct fake f;
	char err[320];
	uint8_t ack;
	size_t i;

	for (i = 0; i < sizeof(exec_rows) / sizeof(exec_rows[0]); i++) {
		enum vnet_ctrlq_result res;

		fake_init(&f, 8);
		f.mode = exec_rows[i].mode;
		f.late_after = exec_rows[i].late_after;
		vnet_ctrl_mq_pairs(&c, 4, true);
		res = vnet_ctrlq_exec(&f.q, &c, &ack);
		TAP_EQ(res, exec_rows[i].want, "%s: result", exec_rows[i].name);
		if (exec_rows[i].ack >= 0)
			TAP_EQ(ack, exec_rows[i].ack, "%s: ack byte", exec_rows[i].name);
		TAP_EQ(f.notifies, 1, "%s: one kick", exec_rows[i].name);
		TAP_OK(f.now <= 5000 + 1000, "%s: waited at most the timeout (%llu us)", exec_rows[i].name,
		       (unsigned long long)f.now);
		if (exec_rows[i].msg != NULL) {
			vnet_ctrlq_explain(&f.q, res, &c, ack, err, sizeof(err));
			TAP_CONTAINS(err, "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET", "%s: names the command",
				     exec_rows[i].name);
			TAP_CONTAINS(err, exec_rows[i].msg, "%s: says what happened", exec_rows[i].name);
		}
		if (res == VNET_CTRLQ_TIMEOUT) {
			/* The buffer stays the device's: nothing else goes out. */
			res = vnet_ctrlq_exec(&f.q, &c, &ack);
			TAP_EQ(res, VNET_CTRLQ_STALLED, "%s: the next command is refused", exec_rows[i].name);
			TAP_EQ(f.notifies, 1, "%s: and not sent", exec_rows[i].name);
			vnet_ctrlq_explain(&f.q, res, &c, ack, err, sizeof(err));
			TAP_CONTAINS(err, "never answered", "%s: saying why", exec_rows[i].name);
			vnet_ctrlq_reset(&f.q);
			f.mode = D_OK;
			f.last_avail = 0;
			f.dev_wrap = true;
			TAP_EQ(vnet_ctrlq_exec(&f.q, &c, &ack), VNET_CTRLQ_OK,
			       "%s: after a reset the queue works again", exec_rows[i].name);
		}
		fake_fini(&f);
	}
}

/* What the device reads: header, each data part its own descriptor, ack last. */
static void
test_exec_wire(void)
{
	uint8_t addrs[2][6];
	struct vnet_ctrl_cmd c;
	struct fake f;
	uint8_t ack;
	int i;

	fake_init(&f, 8);
	memcpy(addrs[0], MAC_A, 6);
	memcpy(addrs[1], MC_1, 6);
	vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 2, true);
	TAP_EQ(vnet_ctrlq_exec(&f.q, &c, &ack), VNET_CTRLQ_OK, "MAC_TABLE_SET goes through");
	TAP_EQ(f.seen_descs, 4, "as 4 descriptors");
	TAP_OK(f.layout_ok, "readable first, one writable ack byte last");
	TAP_OK(f.seen_len == 2 + 20 && f.seen[0] == VNET_CTRL_MAC && f.seen[1] == VNET_CTRL_MAC_TABLE_SET &&
	       memcmp(f.seen + 2, c.data, 20) == 0, "the device read class, command and both tables");

	/* Many commands in a row: the ring's descriptors come back every time. */
	for (i = 0; i < 100; i++) {
		vnet_ctrl_rx_mode(&c, VNET_CTRL_RX_PROMISC, i & 1);
		if (vnet_ctrlq_exec(&f.q, &c, &ack) != VNET_CTRLQ_OK || f.seen[2] != (i & 1))
			break;
	}
	TAP_EQ(i, 100, "100 commands through an 8-entry ring");
	TAP_EQ(f.q.vr.num_free, 8, "every descriptor free again");
	fake_fini(&f);

	fake_init(&f, 2);
	vnet_ctrl_mac_table(&c, (const uint8_t (*)[6])addrs, 2, true);
	TAP_EQ(vnet_ctrlq_exec(&f.q, &c, &ack), VNET_CTRLQ_NO_ROOM, "a 2-entry ring cannot take a 4-descriptor command");
	TAP_EQ(f.notifies, 0, "nothing sent");
	fake_fini(&f);
}

/* ---------------------------------------------------------------- RSS decision */

#define NONE VNET_MQ_RX_NONE
#define RSS VNET_MQ_RX_RSS_FLAG

static const struct {
	const char *name;
	struct vnet_rss_request req;
	struct vnet_rss_device dev;
	enum vnet_rss_verdict want;
	const char *msg;  /* NULL: no message */
	const char *msg2;
} rss_rows[] = {
	{ "no RSS asked", { NONE, 4, false, false, 0 }, { true, false }, VNET_RSS_ACCEPT, NULL, NULL },
	{ "RSS on one queue", { RSS, 1, false, false, 0x3c }, { true, false }, VNET_RSS_ACCEPT, NULL, NULL },
	{ "RSS on one queue, single-pair device", { RSS, 1, false, false, 0x3c }, { false, false },
	  VNET_RSS_ACCEPT, NULL, NULL },
	{ "RSS over 4 queues, MQ, no key", { RSS, 4, false, false, 0x3c }, { true, false },
	  VNET_RSS_ACCEPT_NOTICE, "device itself picks each packet's rx queue among the 4 enabled",
	  "rss_hf 0x3c" },
	{ "RSS over 2 queues, MQ, hf 0", { RSS, 2, false, false, 0 }, { true, false },
	  VNET_RSS_ACCEPT_NOTICE, "DPDK vhost: the rx queue of the backend's tx queue", "no hash key, RETA" },
	{ "RSS with a key", { RSS, 2, true, false, 0x3c }, { true, false }, VNET_RSS_REFUSE,
	  "RSS hash key was given, which cannot be honoured", "pass rss_key=NULL" },
	{ "RSS with a key on one queue", { RSS, 1, true, false, 0 }, { false, false }, VNET_RSS_REFUSE,
	  "one queue pair and no VIRTIO_NET_F_RSS", "rss_key=NULL" },
	{ "RETA update", { RSS, 2, false, true, 0 }, { true, false }, VNET_RSS_REFUSE,
	  "RETA update cannot be honoured", "reta_size is 0" },
	{ "RETA update with mq_mode none", { NONE, 2, false, true, 0 }, { true, false }, VNET_RSS_REFUSE,
	  "RETA update cannot be honoured", NULL },
	{ "RSS over 2 queues without MQ", { RSS, 2, false, false, 0 }, { false, false }, VNET_RSS_REFUSE,
	  "no VIRTIO_NET_F_MQ", "configure one rx queue" },
	{ "DCB", { 2, 2, false, false, 0 }, { true, false }, VNET_RSS_REFUSE, "mq_mode 2", "no DCB or VMDq" },
	{ "DCB+RSS", { 3, 2, false, false, 0 }, { true, false }, VNET_RSS_REFUSE, "mq_mode 3", NULL },
	{ "VMDq only", { 4, 2, false, false, 0 }, { true, false }, VNET_RSS_REFUSE, "mq_mode 4", NULL },
	{ "device with F_RSS (not negotiated by net_vnet)", { RSS, 2, false, false, 0 }, { true, true },
	  VNET_RSS_REFUSE, "not implemented", NULL },
};

static void
test_rss_decide(void)
{
	char msg[640];
	size_t i;

	for (i = 0; i < sizeof(rss_rows) / sizeof(rss_rows[0]); i++) {
		enum vnet_rss_verdict v = vnet_rss_decide(&rss_rows[i].req, &rss_rows[i].dev,
							  msg, sizeof(msg));

		TAP_EQ(v, rss_rows[i].want, "RSS: %s: verdict", rss_rows[i].name);
		if (rss_rows[i].msg == NULL)
			TAP_EQ(msg[0], 0, "RSS: %s: no message", rss_rows[i].name);
		else
			TAP_CONTAINS(msg, rss_rows[i].msg, "RSS: %s: message", rss_rows[i].name);
		if (rss_rows[i].msg2 != NULL)
			TAP_CONTAINS(msg, rss_rows[i].msg2, "RSS: %s: message, what to do", rss_rows[i].name);
	}
}

int
main(void)
{
	test_encoding();
	test_mac_table();
	test_layout();
	test_names_and_deps();
	test_queue_map();
	/* The control queue on every ring kind: split, packed, each in order. */
	for (fake_layout = 0; fake_layout < VNET_LAYOUT_COUNT; fake_layout++) {
		for (fake_in_order = false;; fake_in_order = true) {
			printf("# control queue on a %s ring%s\n",
			       vnet_layout_names[fake_layout], fake_in_order ? ", in order" : "");
			test_exec();
			test_exec_wire();
			if (fake_in_order)
				break;
		}
	}
	test_rss_decide();
	return tap_done();
}
