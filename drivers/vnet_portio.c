/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <sys/io.h>
#define VNET_HAVE_PORT_IO 1
#endif

#include "vnet_portio.h"

#ifdef VNET_HAVE_PORT_IO
const int vnet_portio_arch = 1;
struct vnet_portio_sys vnet_portio_sys = { .ioperm = ioperm, .iopl = iopl };
#else
const int vnet_portio_arch = 0;
static int no_ioperm(unsigned long from, unsigned long num, int on)
{
	(void)from, (void)num, (void)on;
	errno = ENOSYS;
	return -1;
}
static int no_iopl(int level)
{
	(void)level;
	errno = ENOSYS;
	return -1;
}
struct vnet_portio_sys vnet_portio_sys = { .ioperm = no_ioperm, .iopl = no_iopl };
#endif

/* One row per granted window; a port BAR per device, 64 devices at most. */
#define VNET_PORTIO_MAX 64
static struct {
	uint32_t base, len;
	bool iopl; /* ioperm could not cover it */
} granted[VNET_PORTIO_MAX];
static unsigned int ngranted;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

uint32_t vnet_portio_grants;
__thread uint32_t vnet_portio_thread_seen;

static int
grant_one(uint32_t base, uint32_t len, bool iopl_only)
{
	if (!iopl_only && vnet_portio_sys.ioperm(base, len, 1) == 0)
		return 0;
	return vnet_portio_sys.iopl(3) == 0 ? 0 : errno;
}

/* Repeat every grant in this thread; the caller holds the lock. */
static int
catch_up_locked(void)
{
	unsigned int i;
	int e = 0;

	if (vnet_portio_thread_seen == vnet_portio_grants)
		return 0;
	for (i = 0; i < ngranted && e == 0; i++)
		e = grant_one(granted[i].base, granted[i].len, granted[i].iopl);
	if (e == 0)
		vnet_portio_thread_seen = vnet_portio_grants;
	return e;
}

int
vnet_portio_catch_up(void)
{
	int e;

	pthread_mutex_lock(&lock);
	e = catch_up_locked();
	pthread_mutex_unlock(&lock);
	return e;
}

static int
grant_locked(uint32_t base, uint32_t len, const char **via, char *err,
	     size_t errlen)
{
	unsigned int i;
	int e1, e2;

	e1 = catch_up_locked();
	if (e1 != 0) {
		snprintf(err, errlen, "repeating the earlier port grants failed: %s",
			 strerror(e1));
		return -e1;
	}
	for (i = 0; i < ngranted; i++)
		if (granted[i].base == base && granted[i].len == len) {
			*via = granted[i].iopl ? "iopl(3)" : "ioperm";
			return 0; /* a re-open: this thread has it again */
		}
	if (ngranted == VNET_PORTIO_MAX) {
		snprintf(err, errlen, "more than %u port windows in one process",
			 VNET_PORTIO_MAX);
		return -ENOSPC;
	}
	granted[ngranted].iopl = false;
	if (vnet_portio_sys.ioperm(base, len, 1) != 0) {
		e1 = errno;
		if (vnet_portio_sys.iopl(3) != 0) {
			e2 = errno;
			snprintf(err, errlen,
				 "ioperm(0x%x, %u) failed: %s; iopl(3) failed: %s; in/out needs root (CAP_SYS_RAWIO) and no kernel lockdown",
				 base, len, strerror(e1), strerror(e2));
			return -e2;
		}
		granted[ngranted].iopl = true;
	}
	granted[ngranted].base = base;
	granted[ngranted].len = len;
	*via = granted[ngranted].iopl ? "iopl(3)" : "ioperm";
	ngranted++;
	/* Other threads catch up on their next port access. */
	__atomic_add_fetch(&vnet_portio_grants, 1, __ATOMIC_RELEASE);
	vnet_portio_thread_seen = vnet_portio_grants;
	return 0;
}

int
vnet_portio_grant(uint32_t base, uint32_t len, const char **via, char *err,
		  size_t errlen)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = grant_locked(base, len, via, err, errlen);
	pthread_mutex_unlock(&lock);
	return ret;
}
