/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Permission for in/out instructions (x86 Linux: ioperm(2), iopl(2)).
 *
 * The kernel grants it per thread, and a new thread inherits only what its
 * creator had. EAL starts its lcore threads before it probes devices, so a
 * grant made at probe time alone would leave a forwarding lcore faulting
 * (SIGSEGV) on its first notify. So every grant is recorded process-wide,
 * and a thread that has not seen the latest one repeats the grants once,
 * on its next port access, and never again.
 */
#ifndef VNET_PORTIO_H
#define VNET_PORTIO_H

#include <stddef.h>
#include <stdint.h>

/* The system calls used; unit tests replace them. */
struct vnet_portio_sys {
	int (*ioperm)(unsigned long from, unsigned long num, int on);
	int (*iopl)(int level);
};
extern struct vnet_portio_sys vnet_portio_sys;

/* Whether this build can use in/out at all (x86 only). */
extern const int vnet_portio_arch;

/*
 * Grant ports [base, base + len) to this process: ioperm on exactly that
 * range, iopl(3) if ioperm cannot. Returns 0 with *via "ioperm" or
 * "iopl(3)", or -errno with what failed and what to do in err.
 */
int vnet_portio_grant(uint32_t base, uint32_t len, const char **via,
		      char *err, size_t errlen);

extern uint32_t vnet_portio_grants;               /* grants in this process */
extern __thread uint32_t vnet_portio_thread_seen; /* grants this thread has */

/* Repeat every grant in the calling thread; 0 or a positive errno. */
int vnet_portio_catch_up(void);

/* 0 when this thread may use the granted ports, else a positive errno. */
static inline int
vnet_portio_ready(void)
{
	if (__builtin_expect(vnet_portio_thread_seen ==
			     __atomic_load_n(&vnet_portio_grants, __ATOMIC_ACQUIRE), 1))
		return 0;
	return vnet_portio_catch_up();
}

#endif
