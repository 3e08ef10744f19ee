/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Constants from the virtio 1.x specification (and its legacy appendix)
 * that vnet uses. Written from the spec; kept free of DPDK headers so the
 * unit tests can include it.
 */
#ifndef VNET_SPEC_H
#define VNET_SPEC_H

#include <stdint.h>

#define VNET_PCI_VENDOR_REDHAT_QUMRANET 0x1af4
#define VNET_PCI_DEVICE_NET_TRANSITIONAL 0x1000
#define VNET_PCI_DEVICE_NET_MODERN 0x1041

/* Device status bits */
#define VNET_STATUS_RESET 0x00
#define VNET_STATUS_ACKNOWLEDGE 0x01
#define VNET_STATUS_DRIVER 0x02
#define VNET_STATUS_DRIVER_OK 0x04
#define VNET_STATUS_FEATURES_OK 0x08
#define VNET_STATUS_DEVICE_NEEDS_RESET 0x40
#define VNET_STATUS_FAILED 0x80

/* Feature bits */
#define VNET_F_CSUM 0
#define VNET_F_GUEST_CSUM 1
#define VNET_F_MTU 3
#define VNET_F_MAC 5
#define VNET_F_GUEST_TSO4 7
#define VNET_F_GUEST_TSO6 8
#define VNET_F_HOST_TSO4 11
#define VNET_F_HOST_TSO6 12
#define VNET_F_MRG_RXBUF 15
#define VNET_F_STATUS 16
#define VNET_F_CTRL_VQ 17
#define VNET_F_MQ 22
#define VNET_F_NOTIFY_ON_EMPTY 24 /* legacy */
#define VNET_F_ANY_LAYOUT 27      /* legacy */
#define VNET_F_RING_INDIRECT_DESC 28
#define VNET_F_RING_EVENT_IDX 29
#define VNET_F_VERSION_1 32
#define VNET_F_ACCESS_PLATFORM 33
#define VNET_F_RING_PACKED 34
#define VNET_F_IN_ORDER 35
#define VNET_F_ORDER_PLATFORM 36

#define VNET_BIT(b) (UINT64_C(1) << (b))

/* virtio-net config space layout */
#define VNET_CFG_MAC 0         /* u8[6] */
#define VNET_CFG_STATUS 6      /* le16 */
#define VNET_CFG_MAX_VQ_PAIRS 8 /* le16 */
#define VNET_CFG_MTU 10        /* le16 */
#define VNET_NET_S_LINK_UP 1

/* PCI config space */
#define VNET_PCI_COMMAND 0x04
#define VNET_PCI_COMMAND_INTX_DISABLE 0x400
#define VNET_PCI_STATUS 0x06
#define VNET_PCI_STATUS_CAP_LIST 0x10
#define VNET_PCI_CAPABILITY_LIST 0x34
#define VNET_PCI_CAP_ID_VNDR 0x09
#define VNET_PCI_CAP_ID_MSIX 0x11
#define VNET_PCI_MSIX_FLAGS 2 /* offset of Message Control in the MSI-X cap */
#define VNET_PCI_MSIX_ENABLE 0x8000
#define VNET_PCI_CFG_SPACE_SIZE 256
#define VNET_PCI_STD_HEADER_SIZE 64

/* virtio_pci_cap: vendor-specific capability layout */
#define VNET_CAP_OFF_VNDR 0
#define VNET_CAP_OFF_NEXT 1
#define VNET_CAP_OFF_LEN 2
#define VNET_CAP_OFF_CFG_TYPE 3
#define VNET_CAP_OFF_BAR 4
#define VNET_CAP_OFF_OFFSET 8
#define VNET_CAP_OFF_LENGTH 12
#define VNET_CAP_SIZE 16
#define VNET_NOTIFY_CAP_OFF_MULT 16
#define VNET_NOTIFY_CAP_SIZE 20

enum vnet_cap_type {
	VNET_CAP_COMMON_CFG = 1,
	VNET_CAP_NOTIFY_CFG = 2,
	VNET_CAP_ISR_CFG = 3,
	VNET_CAP_DEVICE_CFG = 4,
	VNET_CAP_PCI_CFG = 5,
};

/* Modern common configuration structure offsets */
#define VNET_COMMON_DFSELECT 0x00
#define VNET_COMMON_DF 0x04
#define VNET_COMMON_GFSELECT 0x08
#define VNET_COMMON_GF 0x0c
#define VNET_COMMON_MSIX 0x10
#define VNET_COMMON_NUMQ 0x12
#define VNET_COMMON_STATUS 0x14
#define VNET_COMMON_CFGGENERATION 0x15
#define VNET_COMMON_Q_SELECT 0x16
#define VNET_COMMON_Q_SIZE 0x18
#define VNET_COMMON_Q_MSIX 0x1a
#define VNET_COMMON_Q_ENABLE 0x1c
#define VNET_COMMON_Q_NOFF 0x1e
#define VNET_COMMON_Q_DESCLO 0x20
#define VNET_COMMON_Q_DESCHI 0x24
#define VNET_COMMON_Q_AVAILLO 0x28
#define VNET_COMMON_Q_AVAILHI 0x2c
#define VNET_COMMON_Q_USEDLO 0x30
#define VNET_COMMON_Q_USEDHI 0x34
#define VNET_COMMON_CFG_SIZE 0x38

/* Legacy I/O register layout (BAR0) */
#define VNET_LEGACY_HOST_FEATURES 0  /* le32, RO */
#define VNET_LEGACY_GUEST_FEATURES 4 /* le32 */
#define VNET_LEGACY_QUEUE_PFN 8      /* le32 */
#define VNET_LEGACY_QUEUE_NUM 12     /* le16, RO */
#define VNET_LEGACY_QUEUE_SEL 14     /* le16 */
#define VNET_LEGACY_QUEUE_NOTIFY 16  /* le16 */
#define VNET_LEGACY_STATUS 18        /* u8 */
#define VNET_LEGACY_ISR 19           /* u8 */
#define VNET_LEGACY_MSIX_CONFIG 20   /* le16, only with MSI-X enabled */
#define VNET_LEGACY_MSIX_QUEUE 22    /* le16, only with MSI-X enabled */
#define VNET_LEGACY_CONFIG_NOMSIX 20
#define VNET_LEGACY_CONFIG_MSIX 24
#define VNET_LEGACY_PFN_SHIFT 12
#define VNET_LEGACY_RING_ALIGN 4096

#define VNET_MSI_NO_VECTOR 0xffff

/* Legacy device config moves by 4 bytes when MSI-X is enabled. */
static inline uint32_t
vnet_legacy_config_offset(int msix_enabled)
{
	return msix_enabled ? VNET_LEGACY_CONFIG_MSIX : VNET_LEGACY_CONFIG_NOMSIX;
}

/* Split virtqueue */
#define VNET_DESC_F_NEXT 1
#define VNET_DESC_F_WRITE 2
#define VNET_AVAIL_F_NO_INTERRUPT 1
#define VNET_USED_F_NO_NOTIFY 1

struct vnet_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vnet_used_elem {
	uint32_t id;
	uint32_t len;
};

/* Packed virtqueue (virtio 1.2 §2.8): little-endian, modern devices only. */
#define VNET_PDESC_F_NEXT 1
#define VNET_PDESC_F_WRITE 2
#define VNET_PDESC_F_INDIRECT 4
#define VNET_PDESC_F_AVAIL (1u << 7)
#define VNET_PDESC_F_USED (1u << 15)
/* Event suppression flags (§2.8.10): off_wrap matters only with DESC. */
#define VNET_PEVENT_F_ENABLE 0
#define VNET_PEVENT_F_DISABLE 1
#define VNET_PEVENT_F_DESC 2
#define VNET_PEVENT_WRAP_SHIFT 15

struct vnet_pdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	uint16_t flags;
};

struct vnet_pevent {
	uint16_t off_wrap;
	uint16_t flags;
};

/* virtio_net_hdr; num_buffers is present with VERSION_1 or MRG_RXBUF */
struct vnet_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
#define VNET_NET_HDR_LEGACY_SIZE 10
#define VNET_NET_HDR_V1_SIZE 12

/* virtio_net_hdr flags and gso_type (virtio 1.2 §5.1.6) */
#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_F_DATA_VALID 2
#define VNET_HDR_GSO_NONE 0
#define VNET_HDR_GSO_TCPV4 1
#define VNET_HDR_GSO_UDP 3
#define VNET_HDR_GSO_TCPV6 4
#define VNET_HDR_GSO_ECN 0x80

#endif
