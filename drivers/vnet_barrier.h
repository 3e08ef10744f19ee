/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring barriers. A software backend shares cache-coherent memory with us,
 * so CPU (SMP) ordering is enough. A device that negotiates
 * VIRTIO_F_ORDER_PLATFORM may be real hardware and needs the ordering the
 * platform gives DMA (virtio 1.2 §6.1, §2.7.13): on Arm, outer-shareable
 * barriers. No DPDK dependency, so the unit tests check the choice.
 */
#ifndef VNET_BARRIER_H
#define VNET_BARRIER_H

#include <stdbool.h>
#include <stdint.h>

#include "vnet_spec.h"

enum vnet_barrier_kind {
	VNET_BARRIER_SMP = 0, /* CPU-to-CPU ordering (software device) */
	VNET_BARRIER_IO,      /* CPU-to-device ordering (hardware device) */
	VNET_BARRIER_KIND_COUNT,
};

extern const char *const vnet_barrier_names[VNET_BARRIER_KIND_COUNT];

/* Which barriers a ring uses, from the negotiated features. */
enum vnet_barrier_kind vnet_barrier_choose(uint64_t negotiated);

#if defined(__aarch64__)
#define vnet_io_rmb_() __asm__ volatile("dmb oshld" ::: "memory")
#define vnet_io_wmb_() __asm__ volatile("dmb oshst" ::: "memory")
#define vnet_io_mb_() __asm__ volatile("dmb osh" ::: "memory")
#elif defined(__x86_64__) || defined(__i386__)
/* x86 keeps loads and stores to write-back and UC memory in order. */
#define vnet_io_rmb_() __asm__ volatile("" ::: "memory")
#define vnet_io_wmb_() __asm__ volatile("" ::: "memory")
#define vnet_io_mb_() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#else
#define vnet_io_rmb_() __sync_synchronize()
#define vnet_io_wmb_() __sync_synchronize()
#define vnet_io_mb_() __sync_synchronize()
#endif

/* Reads after this see what the device wrote before the index we read. */
static inline void
vnet_ring_rmb(bool io)
{
	if (io)
		vnet_io_rmb_();
	else
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

/* Writes before this reach the device before the index we write next. */
static inline void
vnet_ring_wmb(bool io)
{
	if (io)
		vnet_io_wmb_();
	else
		__atomic_thread_fence(__ATOMIC_RELEASE);
}

/* Full barrier: our index store before our read of the device's state. */
static inline void
vnet_ring_mb(bool io)
{
	if (io)
		vnet_io_mb_();
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif
