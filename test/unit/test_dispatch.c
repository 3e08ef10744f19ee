/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kdrv x BAR-kind table, one assertion per row against an expectation
 * written out here independently, plus the accessors that can run without
 * a device (pread/pwrite on a file, loads/stores on memory).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "tap.h"
#include "vnet_io.h"
#include "vnet_portio.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))
#define V VNET_KDRV_VFIO
#define I VNET_KDRV_IGB_UIO
#define U VNET_KDRV_UIO_GENERIC
#define O VNET_KDRV_OTHER
#define N VNET_KDRV_NONE
#define PIO VNET_BAR_PIO
#define MEM VNET_BAR_MMIO
#define AUTO VNET_LEGACY_IO_AUTO
#define PORT VNET_LEGACY_IO_PORT
#define VFIO VNET_LEGACY_IO_VFIO
#define M_REF VNET_IO_REFUSE
#define M_PORT VNET_IO_PORT
#define M_MMIO VNET_IO_MMIO
#define M_RW VNET_IO_VFIO_RW

/* Every kernel driver x present BAR kind x legacy_io value. */
static const struct {
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	enum vnet_legacy_io legacy_io;
	enum vnet_io_method method;
	enum vnet_io_method fallback;
} expected[] = {
	{ V, PIO, AUTO, M_PORT, M_RW },
	{ V, PIO, PORT, M_PORT, M_REF },
	{ V, PIO, VFIO, M_RW, M_REF },
	{ V, MEM, AUTO, M_MMIO, M_RW },
	{ V, MEM, PORT, M_REF, M_REF },
	{ V, MEM, VFIO, M_RW, M_REF },
	{ I, PIO, AUTO, M_PORT, M_REF },
	{ I, PIO, PORT, M_PORT, M_REF },
	{ I, PIO, VFIO, M_REF, M_REF },
	{ I, MEM, AUTO, M_MMIO, M_REF },
	{ I, MEM, PORT, M_REF, M_REF },
	{ I, MEM, VFIO, M_REF, M_REF },
	{ U, PIO, AUTO, M_PORT, M_REF },
	{ U, PIO, PORT, M_PORT, M_REF },
	{ U, PIO, VFIO, M_REF, M_REF },
	{ U, MEM, AUTO, M_MMIO, M_REF },
	{ U, MEM, PORT, M_REF, M_REF },
	{ U, MEM, VFIO, M_REF, M_REF },
	{ O, PIO, AUTO, M_REF, M_REF },
	{ O, PIO, PORT, M_REF, M_REF },
	{ O, PIO, VFIO, M_REF, M_REF },
	{ O, MEM, AUTO, M_REF, M_REF },
	{ O, MEM, PORT, M_REF, M_REF },
	{ O, MEM, VFIO, M_REF, M_REF },
	{ N, PIO, AUTO, M_REF, M_REF },
	{ N, PIO, PORT, M_REF, M_REF },
	{ N, PIO, VFIO, M_REF, M_REF },
	{ N, MEM, AUTO, M_REF, M_REF },
	{ N, MEM, PORT, M_REF, M_REF },
	{ N, MEM, VFIO, M_REF, M_REF },
};

static void
test_table(void)
{
	size_t n, i, k;
	const struct vnet_io_rule *rules = vnet_io_rules(&n);

	TAP_EQ(DIM(expected), VNET_KDRV_COUNT * 2 * VNET_LEGACY_IO_COUNT,
	       "the expectation covers every kdrv x BAR kind x legacy_io");
	for (i = 0; i < DIM(expected); i++) {
		const struct vnet_io_rule *r = vnet_io_rule_find(
			expected[i].kdrv, expected[i].bar, expected[i].legacy_io);

		TAP_OK(r->method == expected[i].method &&
		       r->fallback == expected[i].fallback && r->why && *r->why,
		       "%s + %s BAR0, legacy_io=%s -> %s, fallback %s",
		       vnet_kdrv_name(expected[i].kdrv),
		       vnet_bar_kind_name(expected[i].bar),
		       vnet_legacy_io_name(expected[i].legacy_io),
		       vnet_io_method_name(expected[i].method),
		       vnet_io_method_name(expected[i].fallback));
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (rules[i].kdrv == rules[k].kdrv && rules[i].bar == rules[k].bar &&
			    rules[i].legacy_io == rules[k].legacy_io)
				TAP_OK(0, "duplicate row %zu/%zu", i, k);
	for (i = 0; i < VNET_KDRV_COUNT; i++)
		for (k = 0; k < VNET_LEGACY_IO_COUNT; k++)
			TAP_EQ(vnet_io_rule_find(i, VNET_BAR_ABSENT, k)->method, VNET_IO_REFUSE,
			       "%s with no BAR0, legacy_io=%s, is refused", vnet_kdrv_name(i),
			       vnet_legacy_io_name(k));
	TAP_OK(strcmp(vnet_legacy_io_name(VNET_LEGACY_IO_COUNT + 1), "?") == 0 &&
	       strcmp(vnet_io_method_name(VNET_IO_METHOD_COUNT), "?") == 0 &&
	       strcmp(vnet_kdrv_name(VNET_KDRV_COUNT), "?") == 0,
	       "out-of-range enum values are named '?'");
}

/* Fake ioperm/iopl and vfio region: what each row lets succeed. */
static int ioperm_errno, iopl_errno;
static __thread int thread_syscalls;
static int syscalls;
#define FAKE_VFIO_FD 1000

static int
fake_ioperm(unsigned long from, unsigned long num, int on)
{
	(void)from, (void)num, (void)on;
	thread_syscalls++;
	__atomic_add_fetch(&syscalls, 1, __ATOMIC_RELAXED);
	errno = ioperm_errno;
	return ioperm_errno ? -1 : 0;
}

static int
fake_iopl(int level)
{
	(void)level;
	thread_syscalls++;
	__atomic_add_fetch(&syscalls, 1, __ATOMIC_RELAXED);
	errno = iopl_errno;
	return iopl_errno ? -1 : 0;
}

static int
fake_region_info(int fd, struct vfio_region_info *info)
{
	if (fd != FAKE_VFIO_FD) {
		errno = ENOTTY;
		return -1;
	}
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	info->size = 32;
	info->offset = 0x10000000000ull;
	return 0;
}

/*
 * Opening by rule: the method, the fallback, and the INFO/error text. Each
 * port row has its own port range (grants are remembered per process).
 */
static const struct {
	const char *what;
	enum vnet_kdrv kdrv;
	enum vnet_bar_kind bar;
	uint64_t start, len;
	enum vnet_legacy_io legacy_io;
	int mapped, vfio_fd, ioperm_errno, iopl_errno;
	int ret;
	enum vnet_io_method method;
	int syscalls;      /* ioperm + iopl calls */
	const char *text;  /* in the INFO text, or in the error */
	const char *text2;
} open_rows[] = {
	{ "vfio, port BAR, auto: in/out after ioperm", V, PIO, 0xc000, 32, AUTO, 0, FAKE_VFIO_FD,
	  0, 0, 0, M_PORT, 1, "port I/O 0xc000-0xc01f via ioperm (legacy_io=auto)", "" },
	{ "vfio, port BAR, auto: ioperm refused, iopl(3) works", V, PIO, 0xc040, 32, AUTO, 0,
	  FAKE_VFIO_FD, EINVAL, 0, 0, M_PORT, 2, "port I/O 0xc040-0xc05f via iopl(3) (legacy_io=auto)", "" },
	{ "vfio, port BAR, auto: no CAP_SYS_RAWIO -> pread/pwrite", V, PIO, 0xc080, 32, AUTO, 0,
	  FAKE_VFIO_FD, EPERM, EPERM, 0, M_RW, 2,
	  "via vfio pread/pwrite (legacy_io=auto): port-io not possible: ioperm(0xc080, 32) failed: Operation not permitted",
	  "CAP_SYS_RAWIO" },
	{ "vfio, port BAR, port: no CAP_SYS_RAWIO -> refused", V, PIO, 0xc0c0, 32, PORT, 0,
	  FAKE_VFIO_FD, EPERM, EPERM, -EPERM, M_REF, 2, "iopl(3) failed: Operation not permitted",
	  "legacy_io=port; use legacy_io=auto" },
	{ "vfio, port BAR, port: ioperm works", V, PIO, 0xc100, 32, PORT, 0, FAKE_VFIO_FD,
	  0, 0, 0, M_PORT, 1, "port I/O 0xc100-0xc11f via ioperm (legacy_io=port)", "" },
	{ "vfio, port BAR, vfio: pread/pwrite, no ioperm tried", V, PIO, 0xc140, 32, VFIO, 0,
	  FAKE_VFIO_FD, 0, 0, 0, M_RW, 0, "via vfio pread/pwrite (legacy_io=vfio)", "" },
	{ "vfio, port BAR, auto: neither method opens", V, PIO, 0xc180, 32, AUTO, 0, -1,
	  EPERM, EPERM, -EBADF, M_REF, 2, "port-io not possible: ioperm(0xc180, 32)",
	  "vfio-pread/pwrite not possible either: no vfio device fd" },
	{ "vfio, port BAR beyond 0xffff, auto -> pread/pwrite", V, PIO, 0x10000, 32, AUTO, 0,
	  FAKE_VFIO_FD, 0, 0, 0, M_RW, 0, "beyond the x86 port space", "" },
	{ "vfio, memory BAR mapped, auto: loads/stores", V, MEM, 0xfebf0000, 4096, AUTO, 1,
	  FAKE_VFIO_FD, 0, 0, 0, M_MMIO, 0,
	  "memory 0xfebf0000 (4096 bytes) via its mapping: loads and stores (legacy_io=auto)", "" },
	{ "vfio, sub-page memory BAR, auto -> pread/pwrite", V, MEM, 0xfebf1000, 256, AUTO, 0,
	  FAKE_VFIO_FD, 0, 0, 0, M_RW, 0,
	  "via vfio pread/pwrite (legacy_io=auto): mmio not possible: BAR0 is 256 bytes, under a 4096-byte page",
	  "vfio-pci does not let such a BAR be mmapped" },
	{ "vfio, page memory BAR not mapped, auto -> pread/pwrite", V, MEM, 0xfebf2000, 4096, AUTO, 0,
	  FAKE_VFIO_FD, 0, 0, 0, M_RW, 0, "mmio not possible: BAR0 is memory but is not mapped", "" },
	{ "vfio, memory BAR mapped, vfio: pread/pwrite anyway", V, MEM, 0xfebf0000, 4096, VFIO, 1,
	  FAKE_VFIO_FD, 0, 0, 0, M_RW, 0, "via vfio pread/pwrite (legacy_io=vfio)", "" },
	{ "vfio, memory BAR, port: refused", V, MEM, 0xfebf0000, 4096, PORT, 1, FAKE_VFIO_FD,
	  0, 0, -ENOTSUP, M_REF, 0, "needs an I/O BAR0, but this BAR0 is memory", "use legacy_io=auto" },
	{ "uio, port BAR, auto: in/out after ioperm", U, PIO, 0xc1c0, 32, AUTO, 0, -1,
	  0, 0, 0, M_PORT, 1, "port I/O 0xc1c0-0xc1df via ioperm (legacy_io=auto)", "" },
	{ "uio, port BAR, auto: no CAP_SYS_RAWIO -> refused", U, PIO, 0xc200, 32, AUTO, 0, -1,
	  EPERM, EPERM, -EPERM, M_REF, 2, "in/out needs root (CAP_SYS_RAWIO)", "" },
	{ "igb_uio, port BAR, vfio: refused", I, PIO, 0xc240, 32, VFIO, 0, -1,
	  0, 0, -ENOTSUP, M_REF, 0, "legacy_io=vfio needs the device bound to vfio-pci",
	  "use legacy_io=auto" },
	{ "other driver, port BAR, auto: refused", O, PIO, 0xc280, 32, AUTO, 0, -1,
	  0, 0, -ENOTSUP, M_REF, 0, "the bound kernel driver owns the device", "(legacy_io=auto)" },
	{ "igb_uio, memory BAR, auto: loads/stores", I, MEM, 0xfebf0000, 4096, AUTO, 1, -1,
	  0, 0, 0, M_MMIO, 0, "via its mapping", "" },
	{ "igb_uio, port BAR, auto: a re-open of a granted range", I, PIO, 0xc000, 32, AUTO, 0, -1,
	  EPERM, EPERM, 0, M_PORT, 0, "port I/O 0xc000-0xc01f via ioperm", "" },
};

static void
test_open_rule(void)
{
	static uint32_t window[1024];
	size_t i;

	vnet_portio_sys.ioperm = fake_ioperm;
	vnet_portio_sys.iopl = fake_iopl;
	vnet_io_region_info = fake_region_info;
	for (i = 0; i < DIM(open_rows); i++) {
		struct vnet_bar bar = { .kind = open_rows[i].bar, .start = open_rows[i].start,
					.len = open_rows[i].len };
		struct vnet_io_target t = { .bar = &bar, .mapped = open_rows[i].mapped ? window : NULL,
					    .vfio_fd = open_rows[i].vfio_fd, .page_size = 4096 };
		const struct vnet_io_rule *r = vnet_io_rule_find(open_rows[i].kdrv, bar.kind,
								 open_rows[i].legacy_io);
		char info[512] = "", err[512] = "";
		struct vnet_io io;
		int ret, before = syscalls;

		ioperm_errno = open_rows[i].ioperm_errno;
		iopl_errno = open_rows[i].iopl_errno;
		ret = vnet_io_open_rule(&io, r, open_rows[i].legacy_io, &t, info, sizeof(info),
					err, sizeof(err));
		TAP_OK(ret == open_rows[i].ret && (ret != 0 || io.method == open_rows[i].method) &&
		       syscalls - before == open_rows[i].syscalls,
		       "%s: returns %d (got %d), method %s (got %s), %d ioperm/iopl calls (got %d)",
		       open_rows[i].what, open_rows[i].ret, ret,
		       vnet_io_method_name(open_rows[i].method),
		       ret ? "-" : vnet_io_method_name(io.method), open_rows[i].syscalls,
		       syscalls - before);
		TAP_CONTAINS(ret ? err : info, open_rows[i].text, "%s: says so", open_rows[i].what);
		TAP_CONTAINS(ret ? err : info, open_rows[i].text2, "%s: and why", open_rows[i].what);
	}
	ioperm_errno = iopl_errno = 0;
}

/* A thread started before a grant gets it on its first port access, once. */
static pthread_barrier_t granted_barrier;
static struct {
	int first, second, syscalls_first, syscalls_second;
} seen;

static void *
lcore_like(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&granted_barrier); /* started before the grant */
	pthread_barrier_wait(&granted_barrier); /* the grant is made */
	seen.first = vnet_portio_ready();
	seen.syscalls_first = thread_syscalls;
	seen.second = vnet_portio_ready();
	seen.syscalls_second = thread_syscalls - seen.syscalls_first;
	return NULL;
}

static void
test_thread_catch_up(void)
{
	struct vnet_bar bar = { .kind = PIO, .start = 0xd000, .len = 32 };
	struct vnet_io_target t = { .bar = &bar, .vfio_fd = -1 };
	char info[256], err[256] = "";
	struct vnet_io io;
	pthread_t th;
	int ret;

	pthread_barrier_init(&granted_barrier, NULL, 2);
	TAP_EQ(pthread_create(&th, NULL, lcore_like, NULL), 0, "an lcore-like thread");
	pthread_barrier_wait(&granted_barrier);
	ret = vnet_io_open_rule(&io, vnet_io_rule_find(U, PIO, AUTO), AUTO, &t, info,
				sizeof(info), err, sizeof(err));
	TAP_EQ(ret, 0, "ports granted in the probing thread (%s)", err);
	pthread_barrier_wait(&granted_barrier);
	pthread_join(th, NULL);
	TAP_OK(seen.first == 0 && seen.syscalls_first >= 1,
	       "the older thread repeats the grants on its first access (%d calls)",
	       seen.syscalls_first);
	TAP_OK(seen.second == 0 && seen.syscalls_second == 0,
	       "and makes no syscall on later accesses");
	TAP_EQ(vnet_portio_ready(), 0, "the granting thread needs nothing more");

	/* A thread whose catch-up is refused must not execute in/out. */
	ioperm_errno = iopl_errno = EPERM;
	pthread_barrier_init(&granted_barrier, NULL, 2);
	memset(&seen, 0, sizeof(seen));
	pthread_create(&th, NULL, lcore_like, NULL);
	pthread_barrier_wait(&granted_barrier);
	pthread_barrier_wait(&granted_barrier);
	pthread_join(th, NULL);
	TAP_EQ(seen.first, EPERM, "a refused catch-up is reported, not faulted on");
	ioperm_errno = iopl_errno = 0;
}

static void
test_fd_access(void)
{
	char path[] = "/tmp/vnet-unit-XXXXXX";
	uint8_t buf[64] = { 0 };
	struct vnet_io io;
	int fd = mkstemp(path);

	TAP_OK(fd >= 0, "temp file for pread/pwrite access");
	if (fd < 0)
		return;
	unlink(path);
	TAP_EQ(pwrite(fd, buf, sizeof(buf), 0), sizeof(buf), "zero the fake region");
	/* Registers start 16 bytes into the fd, as a vfio region offset would. */
	vnet_io_init_fd(&io, fd, 16, 32);
	vnet_io_write32(&io, 0, 0x11223344);
	vnet_io_write16(&io, 14, 0xabcd);
	vnet_io_write8(&io, 18, 0x5a);
	TAP_EQ(vnet_io_read32(&io, 0), 0x11223344, "32-bit register round-trips through the fd");
	TAP_EQ(vnet_io_read16(&io, 14), 0xabcd, "16-bit register round-trips");
	TAP_EQ(vnet_io_read8(&io, 18), 0x5a, "8-bit register round-trips");
	TAP_EQ(pread(fd, buf, 4, 16), 4, "raw read at the region offset");
	TAP_EQ(buf[0], 0x44, "the offset was applied (little-endian low byte at +16)");
	TAP_EQ(io.last_error, 0, "no access error so far");
	/* Past EOF pread returns 0 bytes: reads must give all-ones and flag it. */
	TAP_EQ(vnet_io_read32(&io, 4096), 0xffffffff, "a failed read gives all-ones");
	TAP_OK(io.last_error != 0, "and the failure is recorded");
	TAP_EQ(vnet_io_read32(&io, 0), 0x11223344, "the next read still works");
	TAP_EQ(io.last_error, 0, "and its error is its own: one failure is not sticky");
	close(fd);
}

static void
test_mmio_access(void)
{
	uint32_t window[8] = { 0 };
	struct vnet_bar bar = { .kind = VNET_BAR_MMIO, .start = 0xfe000000, .len = 32 };
	struct vnet_io_target t = { .bar = &bar, .mapped = window, .vfio_fd = -1 };
	struct vnet_io io;
	char err[256] = "";

	TAP_EQ(vnet_io_open(&io, VNET_IO_MMIO, &t, err, sizeof(err)), 0, "MMIO window opens on a mapping");
	vnet_io_write16(&io, 14, 0x0102);
	vnet_io_write32(&io, 8, 0xdeadbeef);
	TAP_EQ(window[2], 0xdeadbeef, "32-bit store lands at +8");
	TAP_EQ(vnet_io_read16(&io, 14), 0x0102, "16-bit load from +14");
	TAP_EQ(io.len, 32, "window length is the BAR length");

	t.mapped = NULL;
	TAP_EQ(vnet_io_open(&io, VNET_IO_MMIO, &t, err, sizeof(err)), -ENXIO,
	       "MMIO without a mapping is refused");
	TAP_CONTAINS(err, "not mapped", "and says the BAR is not mapped");
}

static void
test_open_errors(void)
{
	struct vnet_bar high = { .kind = VNET_BAR_PIO, .start = 0x10000, .len = 32 };
	struct vnet_bar mem = { .kind = VNET_BAR_MMIO, .start = 0xfe000000, .len = 4096 };
	struct vnet_io_target t = { .bar = &high, .vfio_fd = -1 };
	struct vnet_io io;
	char err[256] = "";
	int fd;

	TAP_EQ(vnet_io_open(&io, VNET_IO_PORT, &t, err, sizeof(err)), -ERANGE,
	       "port I/O beyond 0xffff is refused before iopl");
	TAP_CONTAINS(err, "beyond the x86 port space", "with the reason");

	t.bar = &mem;
	TAP_EQ(vnet_io_open(&io, VNET_IO_VFIO_RW, &t, err, sizeof(err)), -EBADF,
	       "vfio access without a device fd is refused");
	fd = open("/dev/null", O_RDWR);
	t.vfio_fd = fd;
	TAP_OK(vnet_io_open(&io, VNET_IO_VFIO_RW, &t, err, sizeof(err)) < 0,
	       "VFIO_DEVICE_GET_REGION_INFO on a non-vfio fd fails cleanly");
	TAP_CONTAINS(err, "VFIO_DEVICE_GET_REGION_INFO", "and names the ioctl");
	close(fd);
	TAP_EQ(vnet_io_open(&io, VNET_IO_REFUSE, &t, err, sizeof(err)), -ENOTSUP,
	       "the refuse method never opens");
}

int
main(void)
{
	test_table();
	test_open_rule();
	test_thread_catch_up();
	test_fd_access();
	test_mmio_access();
	test_open_errors();
	return tap_done();
}
