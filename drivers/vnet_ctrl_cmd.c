/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vnet_ctrl_cmd.h"
#include "vnet_spec.h"

static void
put16(uint8_t *p, uint16_t v, bool le)
{
	if (le) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

static void
put32(uint8_t *p, uint32_t v, bool le)
{
	if (le) {
		put16(p, (uint16_t)v, true);
		put16(p + 2, (uint16_t)(v >> 16), true);
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

static void
begin(struct vnet_ctrl_cmd *c, uint8_t cls, uint8_t cmd)
{
	memset(c, 0, sizeof(*c));
	c->cls = cls;
	c->cmd = cmd;
}

static void
one_part(struct vnet_ctrl_cmd *c, const void *data, uint16_t len)
{
	memcpy(c->data, data, len);
	c->nparts = 1;
	c->part_len[0] = len;
}

unsigned int
vnet_ctrl_layout(const struct vnet_ctrl_cmd *c,
		 struct vnet_ctrl_seg segs[VNET_CTRL_SEGS_MAX])
{
	uint32_t off = VNET_CTRL_DATA_OFF;
	unsigned int n = 0, i;

	segs[n++] = (struct vnet_ctrl_seg){ VNET_CTRL_HDR_OFF, 2, false };
	for (i = 0; i < c->nparts && i < VNET_CTRL_PARTS_MAX; i++) {
		segs[n++] = (struct vnet_ctrl_seg){ off, c->part_len[i], false };
		off += c->part_len[i];
	}
	segs[n++] = (struct vnet_ctrl_seg){ VNET_CTRL_ACK_OFF, 1, true };
	return n;
}

void
vnet_ctrl_rx_mode(struct vnet_ctrl_cmd *c, uint8_t which, bool on)
{
	uint8_t v = on ? 1 : 0;

	begin(c, VNET_CTRL_RX, which);
	one_part(c, &v, 1);
}

void
vnet_ctrl_mac_addr_set(struct vnet_ctrl_cmd *c, const uint8_t mac[VNET_ETH_ALEN])
{
	begin(c, VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET);
	one_part(c, mac, VNET_ETH_ALEN);
}

static bool
is_zero(const uint8_t *a)
{
	static const uint8_t zero[VNET_ETH_ALEN];

	return memcmp(a, zero, VNET_ETH_ALEN) == 0;
}

/* One table: le32 entries, then the addresses (virtio 1.2 §5.1.6.5.2). */
static uint16_t
table(uint8_t *out, const uint8_t (*addrs)[VNET_ETH_ALEN], unsigned int n,
      bool multicast, bool le)
{
	uint32_t entries = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (is_zero(addrs[i]) || ((addrs[i][0] & 1) != 0) != multicast)
			continue;
		memcpy(out + 4 + VNET_ETH_ALEN * entries, addrs[i], VNET_ETH_ALEN);
		entries++;
	}
	put32(out, entries, le);
	return (uint16_t)(4 + VNET_ETH_ALEN * entries);
}

int
vnet_ctrl_mac_table(struct vnet_ctrl_cmd *c,
		    const uint8_t (*addrs)[VNET_ETH_ALEN], unsigned int n,
		    bool le)
{
	unsigned int i, uc = 0, mc = 0;

	for (i = 0; i < n; i++) {
		if (is_zero(addrs[i]))
			continue;
		if (addrs[i][0] & 1)
			mc++;
		else
			uc++;
	}
	if (uc > VNET_CTRL_MAC_ENTRIES || mc > VNET_CTRL_MAC_ENTRIES)
		return -E2BIG;
	begin(c, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET);
	c->nparts = 2;
	c->part_len[0] = table(c->data, addrs, n, false, le);
	c->part_len[1] = table(c->data + c->part_len[0], addrs, n, true, le);
	return 0;
}

void
vnet_ctrl_vlan(struct vnet_ctrl_cmd *c, bool add, uint16_t vid, bool le)
{
	uint8_t v[2];

	put16(v, vid, le);
	begin(c, VNET_CTRL_VLAN, add ? VNET_CTRL_VLAN_ADD : VNET_CTRL_VLAN_DEL);
	one_part(c, v, sizeof(v));
}

void
vnet_ctrl_announce_ack(struct vnet_ctrl_cmd *c)
{
	begin(c, VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK);
}

void
vnet_ctrl_mq_pairs(struct vnet_ctrl_cmd *c, uint16_t pairs, bool le)
{
	uint8_t v[2];

	put16(v, pairs, le);
	begin(c, VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET);
	one_part(c, v, sizeof(v));
}

static const struct {
	uint8_t cls, cmd;
	const char *name;
} cmd_names[] = {
	{ VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, "VIRTIO_NET_CTRL_RX_PROMISC" },
	{ VNET_CTRL_RX, VNET_CTRL_RX_ALLMULTI, "VIRTIO_NET_CTRL_RX_ALLMULTI" },
	{ VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, "VIRTIO_NET_CTRL_MAC_TABLE_SET" },
	{ VNET_CTRL_MAC, VNET_CTRL_MAC_ADDR_SET, "VIRTIO_NET_CTRL_MAC_ADDR_SET" },
	{ VNET_CTRL_VLAN, VNET_CTRL_VLAN_ADD, "VIRTIO_NET_CTRL_VLAN_ADD" },
	{ VNET_CTRL_VLAN, VNET_CTRL_VLAN_DEL, "VIRTIO_NET_CTRL_VLAN_DEL" },
	{ VNET_CTRL_ANNOUNCE, VNET_CTRL_ANNOUNCE_ACK, "VIRTIO_NET_CTRL_ANNOUNCE_ACK" },
	{ VNET_CTRL_MQ, VNET_CTRL_MQ_VQ_PAIRS_SET, "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET" },
};

const char *
vnet_ctrl_name(uint8_t cls, uint8_t cmd, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
		if (cmd_names[i].cls == cls && cmd_names[i].cmd == cmd)
			return cmd_names[i].name;
	snprintf(buf, len, "VIRTIO_NET_CTRL class %u cmd %u", cls, cmd);
	return buf;
}

uint64_t
vnet_ctrl_feature_deps(uint64_t f)
{
	const uint64_t needs_cvq = VNET_BIT(VNET_F_CTRL_RX) | VNET_BIT(VNET_F_CTRL_VLAN) |
				   VNET_BIT(VNET_F_GUEST_ANNOUNCE) | VNET_BIT(VNET_F_MQ) |
				   VNET_BIT(VNET_F_CTRL_MAC_ADDR) | VNET_BIT(VNET_F_RSS);

	if (!(f & VNET_BIT(VNET_F_CTRL_VQ)))
		f &= ~needs_cvq;
	/* The announce request is a status bit: no status field, no request. */
	if (!(f & VNET_BIT(VNET_F_STATUS)))
		f &= ~VNET_BIT(VNET_F_GUEST_ANNOUNCE);
	return f;
}
