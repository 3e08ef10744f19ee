"""vmlib: boot QEMU TCG guests against a vhost-user DPDK backend (stdlib only).

Pieces, usable on their own (the 17.11 backport reuses them):

  kernel = find_kernel(path=None)          # Debian /boot/vmlinuz-6.1.0-*-amd64, or a bzImage
  initrd = build_initramfs(kernel)         # cached under $VNET_CACHE/initramfs/<key>
  host = HostBackend(workdir, [VhostPort('p0'), VhostPort('p1', iommu=True)],
                     sockdir='/tmp/short')  # vhost-user socket paths must be < 108 bytes
  host.start()                             # dpdk-testpmd -i --no-pci --no-huge over a pipe
  host.cmd('set portlist 0'); host.cmd('set fwd rxonly'); host.cmd('start')
  host.port_stats(0) -> {'rx': .., 'tx': .., 'rx_bytes': .., ...}
  guest = Guest(workdir, kernel, initrd, nics=[Nic(host.ports[0], 'disable-legacy=on', addr=4)],
                qemu='qemu-system-x86_64', machine='pc', append='', pre_devices=[])
  guest.start(); guest.wait_agent()        # the guest runs guest/lib.sh's vnet_agent
  rc, out = guest.run('vnet_bind $(vnet_bdf 00:04.0) uio_pci_generic')   # bash, lib.sh sourced
  plugin = guest.stage('/path/librte_net_vnet.so')  # EAL rejects -d below a world-writable dir
  tp = GuestTestpmd(guest, 'tp1', eal_args=['-a', bdf], app_args=[...],
                    testpmd='dpdk-testpmd')  # any testpmd binary path (e.g. a 17.11 build)
  tp.start(); tp.wait_prompt()             # EAL init done, ports started
  tp.cmds(['set fwd txonly', 'start']); tp.port_stats(0); tp.quit()
  guest.shutdown(); host.stop()

  Guest(script=PATH) instead runs PATH (bash, in the guest, cwd = the share) to its
  end and powers off; guest.wait_exit(timeout) waits for that.

The guest is the kernel plus an initramfs (busybox-static + the 9p/virtio
modules of that kernel, none for a self-contained bzImage) that mounts the
host root read-only over virtio-9p, mounts a writable 9p share (workdir/share)
at /run/vnet, chroots into the host root and runs share/guest.sh.  Host
binaries (dpdk-testpmd, the plugin) are used in the guest at their host paths
(except under /run, which is the guest's tmpfs).  The console goes to
workdir/console.log, QEMU's own output to workdir/qemu.log.

Guest commands: the agent polls share/ctl/N.sh and writes N.out and N.rc.
Guest testpmd reads its stdin from share/tp-NAME.in (tailed in the guest), so
the host drives it by appending lines; its output is share/tp-NAME.log and its
exit status share/tp-NAME.exit.  A command is done when the log shows one
more 'testpmd> ' prompt.

Every process is started in its own session and stopped by PID (TERM, then
KILL) by close()/kill(), by the atexit hook and on SIGTERM/SIGINT/SIGHUP
(install_signal_handlers() turns them into Interrupted so finally-blocks run).
Every wait is bounded; failures raise VMError with log tails.
"""

import atexit
import collections
import glob
import gzip
import hashlib
import io
import lzma
import os
import re
import select
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GUEST_LIB = os.path.join(HERE, 'guest', 'lib.sh')
VNET_CACHE = os.environ.get('VNET_CACHE', '/var/cache/vnet')
# dpdk-testpmd of the DPDK under test, host and guest (e.g. a ci/build-dpdk prefix's bin/)
TESTPMD = os.environ.get('VNET_TESTPMD', 'dpdk-testpmd')
BUSYBOX = '/bin/busybox'
SHARE_MNT = '/run/vnet'   # where the writable share appears in the guest

# Modules the initramfs needs to reach the 9p shares (stock Debian kernel).
INITRAMFS_MODULES = ['virtio_pci', '9pnet_virtio', '9p']


class VMError(Exception):
    """A clear, user-facing failure (names the thing and what to do)."""


class Interrupted(Exception):
    """SIGTERM/SIGINT received: unwind and clean up."""


# ---------------------------------------------------------------- processes

_live = {}   # pid -> (Popen, name)

# Children get KILLed when the harness dies, whatever kills it (a meson
# timeout's SIGKILL included): setpriv sets PR_SET_PDEATHSIG, then execs.
_PDEATHSIG = ['setpriv', '--pdeathsig', 'KILL', '--']


def _spawn(argv, name, **kw):
    kw.setdefault('start_new_session', True)   # Ctrl-C goes to us, not them
    if shutil.which('setpriv'):
        argv = _PDEATHSIG + list(argv)
    try:
        p = subprocess.Popen(argv, **kw)
    except OSError as e:
        raise VMError('cannot start %s (%s): %s' % (name, argv[0], e))
    _live[p.pid] = (p, name)
    return p


def stop_proc(p, grace=5.0, group=False):
    """Stop one process we started, by PID: TERM, wait, KILL, reap.  With
    group, signal its whole process group (it leads one: see _spawn), so a
    build's make/ninja/gcc children stop with it and release its lock."""
    if p is None:
        return None

    def kill(sig):
        try:
            if group:
                os.killpg(p.pid, sig)
            else:
                os.kill(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    if p.poll() is None:
        kill(signal.SIGTERM)
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            kill(signal.SIGKILL)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                pass
    if group:   # stragglers of a finished leader
        kill(signal.SIGKILL)
    _live.pop(p.pid, None)
    return p.returncode


def stop_all():
    for pid, (p, _name) in list(_live.items()):
        stop_proc(p, grace=2.0)


atexit.register(stop_all)


def _on_signal(signum, _frame):
    raise Interrupted('interrupted by signal %d' % signum)


def install_signal_handlers():
    """Turn SIGTERM/SIGINT/SIGHUP into Interrupted so cleanup code runs."""
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _on_signal)


def tail(path, n=30):
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return '(no %s)' % path
    lines = data.decode('utf-8', 'replace').replace('\r', '').splitlines()
    return '\n'.join(lines[-n:])


def wait_until(pred, timeout, what, interval=0.2, alive=None):
    """Poll pred() until truthy or timeout; alive() may raise to abort early."""
    deadline = time.monotonic() + timeout
    while True:
        r = pred()
        if r:
            return r
        if alive is not None:
            alive()
        if time.monotonic() >= deadline:
            raise VMError('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------- kernel

class Kernel:
    """A guest kernel image; version is set when its modules are on the host."""

    def __init__(self, path, version=None):
        self.path = path
        self.version = version
        self.modules_dir = '/lib/modules/%s' % version if version else None

    def __repr__(self):
        return 'Kernel(%s, %s)' % (self.path, self.version)


def _vkey(s):
    return [int(x) if x.isdigit() else x for x in re.split(r'(\d+)', s)]


def find_kernel(path=None):
    """Debian's newest /boot/vmlinuz-6.1.0-*-amd64, or the given image.

    A given image whose name matches vmlinuz-<ver> with /lib/modules/<ver>
    present uses those modules; any other image (e.g. the fixtures helper's
    bzImage) must have what it needs built in.
    """
    if path is None:
        cands = [p for p in glob.glob('/boot/vmlinuz-6.1.0-*-amd64')
                 if os.path.isdir('/lib/modules/' + os.path.basename(p)[len('vmlinuz-'):])]
        if not cands:
            raise VMError('no guest kernel: /boot/vmlinuz-6.1.0-*-amd64 with its '
                          '/lib/modules is missing; run ci/setup (linux-image-amd64)')
        path = sorted(cands, key=_vkey)[-1]
    if not os.path.isfile(path):
        raise VMError('kernel image %s does not exist; pass an existing file with --kernel' % path)
    base = os.path.basename(path)
    ver = None
    if base.startswith('vmlinuz-') and os.path.isdir('/lib/modules/' + base[8:]):
        ver = base[8:]
    return Kernel(path, ver)


# ---------------------------------------------------------------- initramfs

INIT_SCRIPT = r'''#!/bin/busybox sh
# vnet guest init: 9p host root (ro) + writable share, chroot, run, power off.
/bin/busybox mkdir -p /proc /sys /dev /newroot /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
say() { echo "[init] $*" >/dev/console; }
fail() { say "FATAL: $*"; poweroff -f; }
for m in $(cat /modules.order); do insmod /mod/$m 2>/dev/null; done
grep -qw 9p /proc/filesystems || fail "no 9p filesystem (modules missing from initramfs?)"
O=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $O,ro,cache=loose hostroot /newroot || fail "mount hostroot"
R=/newroot
mount -t proc proc $R/proc || fail "proc"
mount -t sysfs sys $R/sys || fail "sys"
mount -t devtmpfs dev $R/dev || fail "dev"
mount -t tmpfs -o mode=0755 run $R/run || fail "run"
mkdir -p $R/dev/hugepages $R/dev/shm $R/dev/pts $R/run/vnet $R/run/tmp
mount -t hugetlbfs nodev $R/dev/hugepages
mount -t tmpfs shm $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t 9p -o $O,cache=none vnetshare $R/run/vnet || fail "mount share"
say "up $(cut -d' ' -f1 /proc/uptime)s; running /run/vnet/guest.sh"
chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TMPDIR=/run/tmp TERM=dumb /bin/bash -c 'cd /run/vnet && exec /bin/bash ./guest.sh' \
	</dev/console >/dev/console 2>&1
say "guest.sh exited rc=$? at $(cut -d' ' -f1 /proc/uptime)s"
sync
poweroff -f
'''


def _mod_deps(kernel, names):
    """Module files for names plus dependencies, dependencies first."""
    order, seen = [], set()

    def info(name, field):
        r = subprocess.run(['modinfo', '-k', kernel.version, '-F', field, name],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise VMError('modinfo %s for kernel %s failed: %s' %
                          (name, kernel.version, r.stderr.strip()))
        return r.stdout.strip()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        fn = info(name, 'filename')
        if fn == '(builtin)':
            return
        for d in filter(None, info(name, 'depends').split(',')):
            visit(d)
        order.append(fn)

    for n in names:
        visit(n)
    return order


def _read_module(fn):
    with open(fn, 'rb') as f:
        data = f.read()
    if fn.endswith('.xz'):
        return lzma.decompress(data)
    if fn.endswith('.zst'):
        r = subprocess.run(['zstd', '-dc', fn], capture_output=True, timeout=60)
        if r.returncode != 0:
            raise VMError('cannot decompress %s (install zstd)' % fn)
        return r.stdout
    if fn.endswith('.gz'):
        return gzip.decompress(data)
    return data


class _Cpio:
    """Minimal newc writer (what the kernel's initramfs unpacker reads)."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b'', rdev=(0, 0)):
        nb = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08X' % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        self.ino += 1
        self.buf.write(hdr.encode() + nb)
        self.buf.write(b'\0' * ((4 - (110 + len(nb)) % 4) % 4))
        self.buf.write(data)
        self.buf.write(b'\0' * ((4 - len(data) % 4) % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o644):
        self._entry(name, stat.S_IFREG | mode, data)

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self._entry('TRAILER!!!', 0)
        return self.buf.getvalue()


def build_initramfs(kernel, cache=None, log=print):
    """Build (or reuse) the guest initramfs for kernel; return its path.

    Keyed by the init script, busybox and the module files' contents.
    """
    cache = cache or VNET_CACHE
    if not os.path.isfile(BUSYBOX):
        raise VMError('%s missing: install busybox-static (ci/setup)' % BUSYBOX)
    mods = _mod_deps(kernel, INITRAMFS_MODULES) if kernel.version else []
    files = [('init', INIT_SCRIPT.encode(), 0o755)]
    with open(BUSYBOX, 'rb') as f:
        files.append(('bin/busybox', f.read(), 0o755))
    names = []
    for fn in mods:
        data = _read_module(fn)
        base = re.sub(r'\.(xz|zst|gz)$', '', os.path.basename(fn))
        names.append(base)
        files.append(('mod/' + base, data, 0o644))
    files.append(('modules.order', ('\n'.join(names) + '\n').encode(), 0o644))
    h = hashlib.sha256()
    for name, data, mode in files:
        h.update(name.encode() + b'\0' + hashlib.sha256(data).digest())
    key = h.hexdigest()[:16]
    out = os.path.join(cache, 'initramfs', '%s-%s.cpio.gz' % (kernel.version or 'builtin', key))
    if os.path.isfile(out):
        return out
    c = _Cpio()
    for d in ('bin', 'mod', 'dev', 'proc', 'sys', 'newroot'):
        c.dir(d)
    c.chardev('dev/console', 5, 1)
    for name, data, mode in files:
        c.file(name, data, mode)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + '.tmp%d' % os.getpid()
    with open(tmp, 'wb') as f:
        f.write(gzip.compress(c.finish(), 6))
    os.rename(tmp, out)
    log('[vm] built initramfs %s (%d modules)' % (out, len(names)))
    return out


# ---------------------------------------------------------------- testpmd output

_STATS_RE = re.compile(
    r'NIC statistics for port (\d+).*?RX-packets:\s*(\d+)\s+RX-missed:\s*(\d+)\s+RX-bytes:\s*(\d+)'
    r'.*?RX-errors:\s*(\d+).*?RX-nombuf:\s*(\d+).*?TX-packets:\s*(\d+)\s+TX-errors:\s*(\d+)'
    r'\s+TX-bytes:\s*(\d+)', re.S)


def run_fixture(script, what, timeout=3600):
    """Run a fixtures script of test/vm (qemu/build, kernel/build); return the
    path it prints on its last stdout line."""
    path = os.path.join(HERE, script)
    if not os.path.exists(path):
        raise VMError('%s: %s is missing' % (what, path))
    p = _spawn(['bash', path], what, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_proc(p, group=True)
        raise VMError('%s: %s did not finish within %d s' % (what, path, timeout))
    except BaseException:   # interrupted: the whole build stops, its lock is freed
        stop_proc(p, grace=2.0, group=True)
        raise
    _live.pop(p.pid, None)
    lines = out.decode(errors='replace').strip().splitlines()
    if p.returncode != 0 or not lines or not os.path.isfile(lines[-1]):
        raise VMError('%s: %s failed (rc=%s):\n%s' % (what, path, p.returncode,
                                                      err.decode(errors='replace')[-1500:]))
    return lines[-1]


def parse_port_stats(text):
    """Last 'show port stats' block in text -> dict, or None."""
    m = None
    for m in _STATS_RE.finditer(text):
        pass
    if not m:
        return None
    keys = ('port', 'rx', 'rx_missed', 'rx_bytes', 'rx_errors', 'rx_nombuf',
            'tx', 'tx_errors', 'tx_bytes')
    return dict(zip(keys, (int(x) for x in m.groups())))


_PROBE_RE = re.compile(r'Probe PCI driver: (\S+) \(([0-9a-f]+:[0-9a-f]+)\) device: (\S+)')


def probed_drivers(text):
    """[(driver, 'vvvv:dddd', bdf)] from EAL 'Probe PCI driver' lines."""
    return _PROBE_RE.findall(text)


PROMPT = 'testpmd> '


def remove_dpdk_runtime_dir(prefix):
    """EAL leaves /var/run/dpdk/<file-prefix> behind (config, fbarray and
    mp sockets); remove ours once the process is gone."""
    if prefix and '/' not in prefix:
        shutil.rmtree(os.path.join('/var/run/dpdk', prefix), ignore_errors=True)


# ---------------------------------------------------------------- log checks

# Signs of a crash rather than a clean exit, in any log we read.
CRASH_RE = re.compile(r'Segmentation fault|Aborted|core dumped|PANIC in|Bus error|'
                      r'Illegal instruction|AddressSanitizer|runtime error:|stack smashing|'
                      r'Floating point exception|Caught signal')
# Guest kernel lines that mean a device or driver misbehaved (DMA through the
# vIOMMU to an unmapped address, an oops, a stuck CPU).
KERNEL_ERR_RE = re.compile(r'DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|'
                           r'BUG:|Oops|general protection|Call Trace|soft lockup|'
                           r'hung_task|Kernel panic', re.I)
# What QEMU 7.2 prints in normal operation of these tests; any other line in
# its log is a failure.  The vhost-user ring restore message follows every
# backend disconnect and is harmless.
QEMU_BENIGN_RE = re.compile(r'vhost VQ \d+ ring restore failed|'
                            r'Failed to read msg header|'
                            r'vhost_set_vring_call failed|vhost_set_vring_kick failed|'
                            r'Failed to set msg fds|vhost lost connection|'
                            r'info: QEMU waiting for connection on: .*server=on|'
                            r'terminating on signal|^\s*$')


def log_problems(text, kind):
    """Lines of a log slice that signal trouble: kind 'app' (a testpmd:
    crash signatures), 'kernel' (guest console) or 'qemu' (QEMU's own output:
    anything not known to be benign)."""
    out = []
    for line in text.replace('\r', '').splitlines():
        if kind == 'qemu':
            if not QEMU_BENIGN_RE.search(line):
                out.append(line.strip())
        elif CRASH_RE.search(line) or (kind == 'kernel' and KERNEL_ERR_RE.search(line)):
            out.append(line.strip())
    return out


def read_from(path, offset):
    """The text a log gained since offset (a size taken earlier)."""
    try:
        with open(path, 'rb') as f:
            f.seek(offset)
            return f.read().decode('utf-8', 'replace')
    except OSError:
        return ''


def file_size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# ---------------------------------------------------------------- host backend

class VhostPort:
    """One net_vhost vdev of the host backend (vhost-user server socket)."""

    def __init__(self, name, iommu=False, extra='', server=False, queues=1):
        self.name = name
        self.iommu = iommu
        self.extra = extra
        self.queues = queues   # queue pairs of the vhost port (the NIC needs mq=on for > 1)
        self.server = server   # QEMU listens on the socket (the backend is the client)
        self.sock = None
        self.index = None


class HostBackend:
    """Host dpdk-testpmd (-i, --no-pci --no-huge) with vhost-user ports, driven over stdin."""

    def __init__(self, workdir, ports, testpmd=TESTPMD, mem_mb=1024,
                 mbufs=16384, mbuf_size=None, extra_eal=(), extra_app=(), sockdir=None):
        self.workdir = workdir
        self.sockdir = sockdir or workdir
        self.ports = list(ports)
        self.testpmd = testpmd
        self.mem_mb = mem_mb
        self.mbufs = mbufs
        self.mbuf_size = mbuf_size
        self.extra_eal = list(extra_eal)
        self.extra_app = list(extra_app)
        self.proc = None
        self.log_path = os.path.join(workdir, 'host-testpmd.log')
        self._buf = ''
        self._cv = threading.Condition()
        self._reader = None
        self._eof = False
        self.exit_status = None   # testpmd's, once stopped: 0 after a clean quit
        HostBackend._n += 1
        self.prefix = 'vnethost%d_%d' % (os.getpid(), HostBackend._n)

    _n = 0

    def argv(self):
        a = ['stdbuf', '-o0', '-e0', self.testpmd, '--no-pci', '--no-huge', '-m', str(self.mem_mb),
             '--file-prefix=' + self.prefix, '--lcores', '0@(0-1),1@(0-1)', '--log-level=pmd.net.vhost,info']
        for i, p in enumerate(self.ports):
            p.index = i
            p.sock = os.path.join(self.sockdir, 'vhost-%s.sock' % p.name)
            v = 'net_vhost%d,iface=%s,queues=%d' % (i, p.sock, p.queues)
            if p.iommu:
                v += ',iommu-support=1'
            if p.extra:
                v += ',' + p.extra
            a += ['--vdev', v]
        a += self.extra_eal
        if len(a) and len(self.ports) and len(self.ports[0].sock) > 100:
            raise VMError('vhost socket path %s is too long for a Unix socket; use a shorter '
                          'sockdir' % self.ports[0].sock)
        a += ['--', '-i', '--port-topology=loop', '--total-num-mbufs=%d' % self.mbufs]
        if self.mbuf_size:
            a.append('--mbuf-size=%d' % self.mbuf_size)
        return a + self.extra_app

    def start(self, timeout=90):
        os.makedirs(self.workdir, exist_ok=True)
        argv = self.argv()
        for p in self.ports:
            if os.path.exists(p.sock):
                os.unlink(p.sock)
        self._log = open(self.log_path, 'w')
        self._log.write('$ %s\n' % ' '.join(shlex.quote(x) for x in argv))
        self._log.flush()
        self.proc = _spawn(argv, 'host testpmd', stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, cwd=self.workdir)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._wait_prompts(1, timeout, 'host testpmd prompt')
        for p in self.ports:
            wait_until(lambda: os.path.exists(p.sock), 10, 'vhost socket %s' % p.sock)

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:
                b = b''
            s = b.decode('utf-8', 'replace')
            with self._cv:
                if s:
                    self._buf += s
                    self._log.write(s)
                    self._log.flush()
                else:
                    self._eof = True
                self._cv.notify_all()
            if not b:
                return

    def alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise VMError('host testpmd exited (rc=%s); log tail:\n%s' %
                          (None if self.proc is None else self.proc.returncode,
                           tail(self.log_path)))

    def _wait_prompts(self, n, timeout, what):
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._buf.count(PROMPT) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise VMError('timed out after %.0f s waiting for %s; host log tail:\n%s'
                                  % (timeout, what, tail(self.log_path)))
                if self._eof:
                    self._cv.release()
                    try:
                        time.sleep(0.2)
                        self.alive()
                    finally:
                        self._cv.acquire()
                    raise VMError('host testpmd closed its output while waiting for %s' % what)
                self._cv.wait(min(left, 1.0))

    def cmd(self, line, timeout=30):
        """Send one testpmd command; return its output (up to the next prompt)."""
        self.alive()
        with self._cv:
            n = self._buf.count(PROMPT)
            start = len(self._buf)
        try:
            self.proc.stdin.write((line + '\n').encode())
            self.proc.stdin.flush()
        except OSError as e:
            raise VMError('host testpmd stdin closed (%s); log tail:\n%s' % (e, tail(self.log_path)))
        self._wait_prompts(n + 1, timeout, 'host testpmd to finish %r' % line)
        with self._cv:
            out = self._buf[start:]
        return out[:out.rfind(PROMPT)]

    def port_stats(self, port):
        out = self.cmd('show port stats %d' % port)
        st = parse_port_stats(out)
        if st is None:
            raise VMError('no port stats for host port %d in: %s' % (port, out[-500:]))
        return st

    def output(self):
        with self._cv:
            return self._buf

    def stop(self):
        """quit, then TERM/KILL by PID; return testpmd's exit status (0 after
        a clean quit; None if it had to be killed)."""
        if self.proc is None:
            return None
        quit_rc = self.proc.poll()
        if quit_rc is None:
            try:
                self.proc.stdin.write(b'quit\n')
                self.proc.stdin.flush()
                quit_rc = self.proc.wait(15)
            except (OSError, subprocess.TimeoutExpired):
                quit_rc = None
        stop_proc(self.proc)
        if self.exit_status is None:
            self.exit_status = quit_rc
        remove_dpdk_runtime_dir(self.prefix)
        if self._reader:
            self._reader.join(5)
        try:
            self._log.close()
        except Exception:
            pass
        for p in self.ports:
            if p.sock and os.path.exists(p.sock):
                os.unlink(p.sock)
        return self.exit_status

    def kill(self):
        stop_proc(self.proc, grace=2)
        remove_dpdk_runtime_dir(self.prefix)

    close = stop


# ---------------------------------------------------------------- device modes

class UdpPort:
    """A NIC on QEMU's own virtio-net device model, no vhost: QEMU sends each
    frame the guest transmits as one UDP datagram over loopback to the host
    side, and delivers each datagram sent to it as a received frame
    (-netdev socket,udp=,localaddr=).  QEMU's model processes the tx ring
    only when the guest kicks it, so unlike the polling vhost PMD it asks
    for a notification for every tx batch (virtio 1.2 §2.7.10)."""

    def __init__(self, name, index):
        self.name = name
        self.index = index
        self.sock = None        # the host side's UDP socket (not a vhost socket)
        self.host_addr = None   # where QEMU sends the guest's frames
        self.qemu_addr = None   # where QEMU receives frames for the guest
        self.rx = self.rx_bytes = self.tx = self.tx_bytes = 0

    def open(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(('127.0.0.1', 0))
        self.host_addr = self.sock.getsockname()
        # A free port for QEMU's end: bind, read it back, release.  QEMU
        # binds it a moment later; nothing else on loopback races for it.
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.bind(('127.0.0.1', 0))
        self.qemu_addr = probe.getsockname()
        probe.close()

    def netdev(self, netdev_id):
        """The -netdev argument of this NIC."""
        return 'socket,id=%s,udp=%s:%d,localaddr=%s:%d' % (
            netdev_id, self.host_addr[0], self.host_addr[1], self.qemu_addr[0], self.qemu_addr[1])


class UdpBackend:
    """The host side of UdpPort NICs: counts what the guest sends and can
    send frames to it.  Same interface as HostBackend where Machine and the
    tests use it (ports, start, stop, kill, port_stats, log_path).

      Machine(..., backend=lambda ports, sockdir: UdpBackend(workdir, ports))
    """

    def __init__(self, workdir, ports, sockdir=None):
        self.workdir = workdir
        self.ports = [UdpPort(p.name, i) for i, p in enumerate(ports)]
        self.log_path = os.path.join(workdir, 'udp-backend.log')
        self._stop = threading.Event()
        self._reader = None
        self.reader_tid = None   # the counting thread's id, for pinning (bench)
        self.exit_status = None

    def start(self, timeout=None):
        os.makedirs(self.workdir, exist_ok=True)
        for p in self.ports:
            p.open()
        with open(self.log_path, 'w') as f:
            for p in self.ports:
                f.write('port %d (%s): QEMU sends to %s:%d, receives at %s:%d\n' % (
                    (p.index, p.name) + p.host_addr + p.qemu_addr))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        for _ in range(100):   # the thread names itself at once; 1 s at most
            if self.reader_tid is not None:
                break
            time.sleep(0.01)

    def _read(self):
        self.reader_tid = threading.get_native_id()
        socks = {p.sock: p for p in self.ports}
        while not self._stop.is_set():
            ready, _, _ = select.select(list(socks), [], [], 0.2)
            for s in ready:
                for _ in range(256):   # drain, bounded
                    try:
                        n = s.recv(65536, socket.MSG_DONTWAIT)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:   # ICMP unreachable surfacing: not a frame
                        break
                    socks[s].rx += 1
                    socks[s].rx_bytes += len(n)

    def send(self, port, frame, count):
        """Send count copies of frame to the guest NIC of port; returns how many went."""
        p = self.ports[port]
        sent = 0
        for _ in range(count):
            try:
                p.sock.sendto(frame, p.qemu_addr)
                sent += 1
            except OSError:
                break
        p.tx += sent
        p.tx_bytes += sent * len(frame)
        return sent

    def port_stats(self, port):
        p = self.ports[port]
        return {'port': port, 'rx': p.rx, 'rx_bytes': p.rx_bytes, 'tx': p.tx,
                'tx_bytes': p.tx_bytes, 'rx_errors': 0, 'rx_missed': 0}

    def stop(self):
        self._stop.set()
        if self._reader:
            self._reader.join(5)
        with open(self.log_path, 'a') as f:
            for p in self.ports:
                f.write('port %d: received %d frames (%d bytes), sent %d\n' % (
                    p.index, p.rx, p.rx_bytes, p.tx))
                if p.sock:
                    p.sock.close()
                    p.sock = None
        self.exit_status = 0
        return 0

    kill = stop


DeviceMode = collections.namedtuple('DeviceMode', 'props patched transport bar0 slot')
# The virtio-net-pci shapes the tests use: QEMU properties, whether the
# patched QEMU (qemu/build) is needed, the transport a driver must pick
# (virtio 1.2 §4.1.2: a device with capabilities is driven through them), the
# legacy BAR0 kind, and the root-bus slot the NIC sits in.
DEVICE_MODES = collections.OrderedDict([
    ('modern', DeviceMode('disable-legacy=on', False, 'modern', None, 4)),
    ('transitional', DeviceMode('disable-legacy=off', False, 'modern', None, 5)),
    ('legacy', DeviceMode('disable-modern=on', False, 'legacy', 'port-io', 6)),
    ('legacy-novec', DeviceMode('disable-modern=on,vectors=0', False, 'legacy', 'port-io', 7)),
    ('legacy-mmio', DeviceMode('disable-modern=on,legacy-bar-mmio=on', True, 'legacy',
                               'memory', 8)),
    # no ANY_LAYOUT: the tx net header needs its own descriptor (legacy
    # framing, virtio 1.2 §5.1.6.6)
    ('legacy-nolayout', DeviceMode('disable-modern=on,any_layout=off', False, 'legacy',
                                   'port-io', 10)),
])
Q35_ROOT_PORT_SLOT = 9   # a PCIe root port for a NIC that needs ATS (q35)
# Machine arguments of a q35 guest with an emulated Intel IOMMU (vfio translates)
Q35_VIOMMU = dict(machine='q35', append='intel_iommu=on',
                  pre_devices=['intel-iommu,intremap=on,caching-mode=on,device-iotlb=on'])


# ---------------------------------------------------------------- guest

class Nic:
    """A virtio-net-pci device on a vhost port.

    props: extra device properties ('disable-legacy=on', 'legacy-bar-mmio=on', ...).
    addr: slot on the root bus; root_port: put it behind a pcie-root-port in
    that root-bus slot instead (needed for ATS on q35).  mac is fixed per slot.
    """

    def __init__(self, port, props='', addr=4, root_port=None):
        self.port = port
        self.props = props
        self.addr = addr
        self.root_port = root_port
        self.mac = None   # set by the Guest that owns it

    @staticmethod
    def mac_for(index):
        """The MAC QEMU is given for the index-th NIC of a guest."""
        return '52:54:00:00:00:%02x' % (0x10 + index)

    @property
    def path(self):
        """Location for guest/lib.sh vnet_bdf: '00:04.0' or '00:09.0/00.0'."""
        if self.root_port is not None:
            return '00:%02x.0/00.0' % self.root_port
        return '00:%02x.0' % self.addr


class Guest:
    """A QEMU TCG guest booting our initramfs; by default it runs the agent."""

    def __init__(self, workdir, kernel, initrd, nics=(), qemu='qemu-system-x86_64',
                 machine='pc', cpu='max', mem_mb=1024, smp=1, append='',
                 extra_devices=(), pre_devices=(), script=None, name='guest', monitor=False):
        self.workdir = workdir
        self.kernel = kernel
        self.initrd = initrd
        self.nics = list(nics)
        self.qemu = qemu
        self.machine = machine
        self.cpu = cpu
        self.mem_mb = mem_mb
        self.smp = smp
        self.append = append
        self.extra_devices = list(extra_devices)
        self.pre_devices = list(pre_devices)
        self.script = script
        self.name = name
        self.share = os.path.join(workdir, 'share')
        self.ctl = os.path.join(self.share, 'ctl')
        self.console = os.path.join(workdir, 'console.log')
        self.qemu_log = os.path.join(workdir, 'qemu.log')
        # monitor: an HMP monitor on a Unix socket (hmp()); short path, like vhost's
        self.monitor = (os.path.join(tempfile.mkdtemp(prefix='vnetmon-'), 'hmp.sock')
                        if monitor else None)
        self.proc = None
        self._n = 0
        self.t_start = None
        self.boot_s = None

    def argv(self):
        a = [self.qemu, '-accel', 'tcg', '-machine', self.machine, '-cpu', self.cpu,
             '-smp', str(self.smp), '-m', '%dM' % self.mem_mb,
             '-object', 'memory-backend-memfd,id=mem,size=%dM,share=on' % self.mem_mb,
             '-numa', 'node,memdev=mem',
             '-nodefaults', '-no-user-config', '-display', 'none', '-monitor',
             'unix:%s,server=on,wait=off' % self.monitor if self.monitor else 'none',
             '-no-reboot', '-serial', 'file:' + self.console,
             '-kernel', self.kernel.path, '-initrd', self.initrd]
        for d in self.pre_devices:
            a += d if isinstance(d, list) else ['-device', d]
        # no_timer_check: under TCG on a loaded host the kernel's IO-APIC
        # timer check can fail and panic ("IO-APIC + timer doesn't work").
        a += ['-append', ('console=ttyS0 panic=-1 quiet loglevel=4 module_blacklist=virtio_net '
                           'no_timer_check '
                           'rdinit=/init ' + self.append).strip(),
              '-fsdev', 'local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap',
              '-device', 'virtio-9p-pci,fsdev=fsroot,mount_tag=hostroot,addr=0x10',
              '-fsdev', 'local,id=fsshare,path=%s,security_model=none,multidevs=remap' % self.share,
              '-device', 'virtio-9p-pci,fsdev=fsshare,mount_tag=vnetshare,addr=0x11']
        for i, n in enumerate(self.nics):
            if isinstance(n.port, UdpPort):
                a += ['-netdev', n.port.netdev('vn%d' % i)]
            elif n.port.sock is None:
                raise VMError('NIC %d: its vhost port %s has no socket; start the HostBackend first'
                              % (i, n.port.name))
            else:
                a += ['-chardev', 'socket,id=vc%d,path=%s%s' % (
                          i, n.port.sock, ',server=on,wait=off' if n.port.server else ''),
                      '-netdev', 'vhost-user,id=vn%d,chardev=vc%d%s' % (
                          i, i, ',queues=%d' % n.port.queues if n.port.queues > 1 else '')]
            n.mac = Nic.mac_for(i)
            dev = 'virtio-net-pci,netdev=vn%d,mac=%s,id=nic%d' % (i, n.mac, i)
            if n.root_port is not None:
                a += ['-device', 'pcie-root-port,id=rp%d,bus=pcie.0,chassis=%d,addr=0x%x'
                      % (i, i + 1, n.root_port)]
                dev += ',bus=rp%d,addr=0' % i
            else:
                dev += ',addr=0x%x' % n.addr
            if n.props:
                dev += ',' + n.props
            a += ['-device', dev]
        for d in self.extra_devices:
            a += d if isinstance(d, list) else ['-device', d]
        return a

    def start(self):
        os.makedirs(self.ctl, exist_ok=True)
        for f in os.listdir(self.ctl):
            os.unlink(os.path.join(self.ctl, f))
        with open(GUEST_LIB) as f:
            lib = f.read()
        with open(os.path.join(self.share, 'lib.sh'), 'w') as f:
            f.write(lib)
        if self.script:
            with open(self.script) as f:
                body = f.read()
        else:
            body = '. /run/vnet/lib.sh\nvnet_agent\n'
        with open(os.path.join(self.share, 'guest.sh'), 'w') as f:
            f.write(body)
        argv = self.argv()
        with open(os.path.join(self.workdir, 'qemu.cmd'), 'w') as f:
            f.write(' '.join(shlex.quote(x) for x in argv) + '\n')
        open(self.console, 'w').close()
        self._qlog = open(self.qemu_log, 'w')
        self.t_start = time.monotonic()
        self.proc = _spawn(argv, 'qemu', stdin=subprocess.DEVNULL, stdout=self._qlog,
                           stderr=subprocess.STDOUT)

    def stage(self, path):
        """Copy a host file into the share; return its path in the guest.

        DPDK's EAL refuses -d plugins below a world-writable directory (such as
        /tmp); in the guest the share is /run/vnet under the 0755 /run.
        """
        if not os.path.isfile(path):
            raise VMError('cannot stage %s into the guest: no such file' % path)
        d = os.path.join(self.share, 'staged')
        os.makedirs(d, exist_ok=True)
        for x in (self.share, d):
            os.chmod(x, 0o755)
        dst = os.path.join(d, os.path.basename(path))
        shutil.copyfile(path, dst)
        return SHARE_MNT + '/staged/' + os.path.basename(path)

    def hmp(self, line, timeout=20):
        """Run one HMP command on the monitor (Guest(monitor=True)); return its output."""
        if not self.monitor:
            raise VMError('guest has no monitor: create it with Guest(..., monitor=True)')
        self.alive()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        buf = b''
        try:
            s.connect(self.monitor)
            for msg in (None, line):   # the banner's prompt, then the command's
                if msg is not None:
                    s.sendall(msg.encode() + b'\n')
                    buf = b''
                while not buf.endswith(b'(qemu) '):
                    b = s.recv(4096)
                    if not b:
                        raise VMError('QEMU monitor closed during %r' % line)
                    buf += b
        except OSError as e:
            raise VMError('QEMU monitor %s: %r failed: %s' % (self.monitor, line, e))
        finally:
            s.close()
        # HMP echoes the line with terminal escapes; keep what follows the echo
        out = re.sub(r'\x1b\[[0-9;]*[A-Za-z]|\r', '', buf.decode('utf-8', 'replace'))
        return out[:-len('(qemu) ')].split('\n', 1)[-1].strip()

    def alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise VMError('QEMU exited (rc=%s).\n--- qemu.log:\n%s\n--- console tail:\n%s' % (
                None if self.proc is None else self.proc.returncode,
                tail(self.qemu_log, 15), tail(self.console, 30)))

    def wait_agent(self, timeout=180):
        """Wait until the guest agent is up; return seconds since QEMU start."""
        try:
            wait_until(lambda: os.path.exists(os.path.join(self.ctl, 'ready')), timeout,
                       'guest boot', alive=self.alive)
        except VMError as e:
            if 'timed out' in str(e):
                raise VMError('%s; console tail:\n%s' % (e, tail(self.console)))
            raise
        self.boot_s = time.monotonic() - self.t_start
        return self.boot_s

    def run(self, script, timeout=60, check=True):
        """Run a bash snippet in the guest (lib.sh sourced, cwd = share); return (rc, output)."""
        n = self._n
        self._n += 1
        body = '. /run/vnet/lib.sh\n' + script + '\n'
        tmp = os.path.join(self.ctl, '.%d.sh' % n)
        with open(tmp, 'w') as f:
            f.write(body)
        with open(os.path.join(self.ctl, '%d.timeout' % n), 'w') as f:
            f.write('%d\n' % int(timeout))
        os.rename(tmp, os.path.join(self.ctl, '%d.sh' % n))
        rcf = os.path.join(self.ctl, '%d.rc' % n)
        try:
            wait_until(lambda: os.path.exists(rcf), timeout + 15,
                       'guest command %d: %s' % (n, script.strip().splitlines()[0][:80]),
                       interval=0.1, alive=self.alive)
        except VMError as e:
            raise VMError('%s\n--- console tail:\n%s' % (e, tail(self.console, 20)))
        with open(rcf) as f:
            rc = int(f.read().strip() or '255')
        with open(os.path.join(self.ctl, '%d.out' % n), errors='replace') as f:
            out = f.read()
        if check and rc != 0:
            raise VMError('guest command failed (rc=%d): %s\n%s' % (rc, script.strip()[:200],
                                                                 out[-2000:]))
        return rc, out

    def wait_exit(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise VMError('guest did not power off within %.0f s; console tail:\n%s'
                          % (timeout, tail(self.console)))
        return self.proc.returncode

    def shutdown(self, timeout=30):
        """Ask the agent to exit (guest powers off); kill QEMU if it does not.
        Returns QEMU's exit status when it ended by itself (0 after a clean
        power-off), None when it had to be killed."""
        if self.proc is None:
            return None
        rc = self.proc.poll()
        if rc is None:
            try:
                open(os.path.join(self.ctl, 'quit'), 'w').close()
                rc = self.proc.wait(timeout)
            except (OSError, subprocess.TimeoutExpired):
                rc = None
        self.kill()
        return rc

    def kill(self):
        if self.proc is not None:
            stop_proc(self.proc)
        if self.monitor:
            shutil.rmtree(os.path.dirname(self.monitor), ignore_errors=True)
        try:
            self._qlog.close()
        except Exception:
            pass

    close = shutdown


class Machine:
    """The boot sequence every VM test shares: a host backend with one vhost
    port per device mode, a guest with one NIC per port, hugepages, and each
    NIC's BDF, MAC and backend port index.

      m = Machine(workdir, ['modern', 'legacy'], kernel, initrd)
      m.start()               # backend, QEMU, agent, hugepages, BDFs
      m.bdf['legacy'], m.mac['legacy'], m.port['legacy']
      m.close() -> (QEMU exit status, backend exit status); 0 and 0 when clean

    nic_props: {mode: extra device properties} ('mq=on,vectors=6');
    queues: {mode: queue pairs of its vhost port} (default 1).
    iommu_modes: modes whose NIC sits behind a PCIe root port with
    iommu_platform=on,ats=on (q35 + intel-iommu).  backend(ports, sockdir)
    makes a backend other than the host testpmd (e.g. ovs.OvsBackend).
    """

    def __init__(self, workdir, modes, kernel, initrd, qemu='qemu-system-x86_64',
                 machine='pc', append='', pre_devices=(), iommu_modes=(), backend=None,
                 guest_cls=None, mem_mb=1024, hugepages=128, host_kw=None, guest_kw=None,
                 nic_props=None, queues=None, vhost_extra=None, log=print):
        self.workdir, self.modes = workdir, list(modes)
        self.kernel, self.initrd, self.qemu = kernel, initrd, qemu
        self.machine, self.append, self.pre_devices = machine, append, list(pre_devices)
        self.iommu_modes = set(iommu_modes)
        self.make_backend = backend
        self.guest_cls = guest_cls or Guest
        self.mem_mb, self.hugepages = mem_mb, hugepages
        self.host_kw = dict(host_kw or {})
        self.guest_kw = dict(guest_kw or {})   # more Guest arguments (monitor=True)
        self.nic_props = dict(nic_props or {})
        self.queues = dict(queues or {})
        self.vhost_extra = dict(vhost_extra or {})   # {mode: more net_vhost devargs}
        self.log = log
        self.host = self.guest = None
        self.hosts = []          # every backend started (new_host() adds more)
        self.nics = []
        self.bdf, self.mac, self.port = {}, {}, {}
        self.sockdir = None
        self.boot_s = None

    def _ports(self):
        return [VhostPort(m, iommu=m in self.iommu_modes, queues=self.queues.get(m, 1),
                          extra=self.vhost_extra.get(m, ''))
                for m in self.modes]

    def new_host(self, sub=None):
        """Start a (new) host testpmd backend on the NICs' socket paths."""
        wd = self.workdir if sub is None else os.path.join(self.workdir, sub)
        h = HostBackend(wd, self._ports(), sockdir=self.sockdir, **self.host_kw)
        self.hosts.append(h)
        h.start()
        self.host = h
        return h

    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        # Unix socket paths are short: keep them out of the (long) log dir.
        self.sockdir = tempfile.mkdtemp(prefix='vnetvm-')
        if self.make_backend:
            self.host = self.make_backend(self._ports(), self.sockdir)
            self.hosts.append(self.host)
            self.host.start()
        else:
            self.new_host()
        for m, p in zip(self.modes, self.host.ports):
            mode = DEVICE_MODES[m]
            props = mode.props + (',' + self.nic_props[m] if self.nic_props.get(m) else '')
            if m in self.iommu_modes:
                self.nics.append(Nic(p, props + ',iommu_platform=on,ats=on',
                                     root_port=Q35_ROOT_PORT_SLOT))
            else:
                self.nics.append(Nic(p, props, addr=mode.slot))
        self.guest = self.guest_cls(self.workdir, self.kernel, self.initrd, self.nics,
                                    qemu=self.qemu, machine=self.machine, append=self.append,
                                    pre_devices=self.pre_devices, mem_mb=self.mem_mb,
                                    **self.guest_kw)
        self.guest.start()
        self.boot_s = self.guest.wait_agent()
        if self.hugepages:
            self.guest.run('vnet_hugepages %d' % self.hugepages, 60)
        for m, nic, p in zip(self.modes, self.nics, self.host.ports):
            _, out = self.guest.run('vnet_bdf %s' % nic.path, 15)
            self.bdf[m] = out.strip().splitlines()[-1]
            self.mac[m] = nic.mac
            self.port[m] = p.index
        return self.boot_s

    def close(self):
        """Power off, then stop every backend; (QEMU status, last backend's status)."""
        qrc = hrc = None
        try:
            if self.guest:
                qrc = self.guest.shutdown(20)
        finally:
            for h in self.hosts:
                hrc = h.stop()
            if self.sockdir:
                shutil.rmtree(self.sockdir, ignore_errors=True)
        return qrc, hrc

    def kill(self):
        """Interrupted: no polite shutdown, everything by PID now."""
        if self.guest:
            self.guest.kill()
        for h in self.hosts:
            h.kill()
        if self.sockdir:
            shutil.rmtree(self.sockdir, ignore_errors=True)


class GuestTestpmd:
    """An interactive dpdk-testpmd in the guest; commands go through a fifo, output to the share."""

    def __init__(self, guest, name, eal_args=(), app_args=(), testpmd=TESTPMD):
        self.guest = guest
        self.name = name
        self.eal_args = list(eal_args)
        self.app_args = list(app_args)
        self.testpmd = testpmd
        self.log = os.path.join(guest.share, 'tp-%s.log' % name)
        self.exitf = os.path.join(guest.share, 'tp-%s.exit' % name)
        self.infile = os.path.join(guest.share, 'tp-%s.in' % name)

    def start(self):
        argv = [self.testpmd] + self.eal_args + ['--', '-i'] + self.app_args
        self.guest.run('vnet_tp_start %s %s' % (shlex.quote(self.name),
                                                 ' '.join(shlex.quote(x) for x in argv)), 30)

    def text(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def exited(self):
        try:
            with open(self.exitf) as f:
                return int(f.read().strip() or '255')
        except (OSError, ValueError):
            return None

    def _alive(self):
        self.guest.alive()
        rc = self.exited()
        if rc is not None:
            raise VMError('guest testpmd %s exited rc=%d; log tail:\n%s'
                          % (self.name, rc, tail(self.log, 25)))

    def wait_prompts(self, n, timeout, what):
        try:
            wait_until(lambda: self.text().count(PROMPT) >= n, timeout, what,
                       interval=0.05, alive=self._alive)
        except VMError as e:
            if 'timed out' in str(e):
                raise VMError('%s; guest testpmd log tail:\n%s' % (e, tail(self.log, 25)))
            raise

    def wait_prompt(self, timeout=120):
        """Wait for EAL init + port start (the first prompt); return seconds waited."""
        t = time.monotonic()
        self.wait_prompts(1, timeout, 'guest testpmd %s to initialise' % self.name)
        return time.monotonic() - t

    def send(self, lines):
        """Append command lines to the guest testpmd's input (the guest tails it)."""
        rc = self.exited()
        if rc is not None:
            raise VMError('guest testpmd %s exited rc=%d; log tail:\n%s'
                          % (self.name, rc, tail(self.log, 25)))
        with open(self.infile, 'a') as f:
            f.write(''.join(x + '\n' for x in lines))

    def cmds(self, lines, timeout=30):
        """Run commands in order; return their joint output (up to the last prompt)."""
        txt = self.text()
        n, start = txt.count(PROMPT), len(txt)
        self.send(lines)
        self.wait_prompts(n + len(lines), timeout, 'guest testpmd to finish %r' % (lines,))
        out = self.text()[start:]
        return out[:out.rfind(PROMPT)]

    def cmd(self, line, timeout=30):
        return self.cmds([line], timeout)

    def port_stats(self, port=0):
        out = self.cmd('show port stats %d' % port)
        st = parse_port_stats(out)
        if st is None:
            raise VMError('no port stats for guest port %d in: %s' % (port, out[-500:]))
        return st

    def quit(self, timeout=30):
        if self.exited() is not None:
            return self.exited()
        try:
            self.send(['quit'])
            wait_until(lambda: self.exited() is not None, timeout, 'guest testpmd to quit',
                       alive=self.guest.alive)
        except VMError:
            self.guest.run('vnet_tp_kill %s' % shlex.quote(self.name), 20, check=False)
        return self.exited()
