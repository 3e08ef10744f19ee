#!/usr/bin/env python3
"""robust.py: end-to-end robustness tests for net_vnet in a QEMU TCG guest.

  robust.py TEST... --plugin PATH [--logdir DIR] [--timeout S]
  robust.py --list

Each TEST boots one guest (test/vm/vmlib.py) against a host dpdk-testpmd
vhost-user backend, runs its phases and prints one PASS/FAIL row per phase,
then "N passed, N failed".  Exit status 0 only if every phase passed.

Bad input must give a clear error that names the device, the value and what
to do, and never a crash: these tests assert on the guest testpmd log, on
host and guest port counters and on process exit codes.
"""
import argparse
import os
import re
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import traffic  # noqa: E402
import vmlib  # noqa: E402
from vmlib import VMError  # noqa: E402

PROMPT = vmlib.PROMPT
CRASH_RE = vmlib.CRASH_RE
# A message that tells the user what to do next.
REMEDY_RE = re.compile(r'\b(valid:|use |drop |remove |without |run |bind |reserve |set |'
                       r'pass |give |load )', re.I)
VIRTIO_NET_F_STATUS = 16
BUDGET_S = 60   # per named test: a target, reported, not enforced


class Phase:
    """One row of the result: the assertions that failed, and notes."""

    def __init__(self, test, name):
        self.name = '%s/%s' % (test, name)
        self.fails = []
        self.notes = []
        self.wall = None
        self.tps = []

    def check(self, cond, what):
        if not cond:
            self.fails.append(what)
        return bool(cond)

    def note(self, msg):
        self.notes.append(msg)

    @property
    def ok(self):
        return not self.fails


class ReconnectGuest(vmlib.Guest):
    """The harness's guest, with its vhost-user chardevs reconnecting (1 s)."""

    def argv(self):
        return [x + ',reconnect=1' if x.startswith('socket,id=vc') else x
                for x in super().argv()]


class TestTimeout(VMError):
    pass


def _alarm(_s, _f):
    raise TestTimeout('test exceeded its wall-time limit')


class Env:
    """One booted guest and its host backend (a vmlib.Machine); every process
    stopped on close()."""

    def __init__(self, opts, test, modes, reconnect=False, mem_mb=1024, machine=None,
                 binding='uio_pci_generic', monitor=False, nic_props=None, queues=None,
                 backend=None, hugepages=128, kernel=None):
        self.opts = opts
        self.test = test
        self.dir = opts.logdir
        self.modes = modes             # device modes of vmlib.DEVICE_MODES, one NIC each
        self.reconnect = reconnect
        self.mem_mb = mem_mb
        self.machine = dict(machine or {})   # Machine's machine/append/pre_devices
        self.binding = binding         # guest/lib.sh vnet_bind driver for every NIC
        self.monitor = monitor         # an HMP monitor (guest.hmp)
        self.nic_props = nic_props     # {mode: extra virtio-net-pci properties}
        self.queues = queues           # {mode: vhost queue pairs}
        self.backend = backend         # (workdir, ports, sockdir) -> host backend; host testpmd if None
        self.hugepages = hugepages     # 2 MB pages reserved in the guest
        self.kernel = kernel           # 'noiommu': test/vm/kernel/build's (vfio noiommu)
        self.m = None
        self.tps = []
        self.phase = None              # the running Phase (its testpmds' logs)
        self.boot_s = None

    host = property(lambda self: self.m.host)
    # every host testpmd (a backend made of several lists them in .hosts)
    hosts = property(lambda self: [x for h in (self.m.hosts if self.m else [])
                                   for x in getattr(h, 'hosts', [h])])
    guest = property(lambda self: self.m.guest if self.m else None)
    bdf = property(lambda self: self.m.bdf)

    def new_host(self, sub=None):
        """Start a host backend (again) on the same socket paths."""
        return self.m.new_host(sub)

    def boot(self):
        if self.kernel == 'noiommu':
            kernel = vmlib.find_kernel(vmlib.run_fixture('kernel/build', 'noiommu kernel', 3600))
        else:
            kernel = vmlib.find_kernel(self.opts.kernel)
        initrd = vmlib.build_initramfs(kernel)
        self.m = vmlib.Machine(self.dir, self.modes, kernel, initrd, qemu=self.opts.qemu,
                               mem_mb=self.mem_mb,
                               guest_cls=ReconnectGuest if self.reconnect else None,
                               guest_kw={'monitor': True} if self.monitor else None,
                               nic_props=self.nic_props, queues=self.queues,
                               hugepages=self.hugepages, backend=self._backend(), **self.machine)
        self.boot_s = self.m.start()
        # EAL refuses -d below a world-writable dir (a clone under /tmp): stage it.
        self.plugin = self.guest.stage(self.opts.plugin)
        for name in self.modes:
            self.guest.run('vnet_bind %s %s' % (self.bdf[name], self.binding), 30)
        log('[robust] %s: guest up in %.1f s; NICs %s' % (
            self.test, self.boot_s, ', '.join('%s=%s' % kv for kv in self.bdf.items())))

    def _backend(self):
        if self.backend is None:
            return None
        return lambda ports, sockdir: self.backend(self.dir, ports, sockdir)

    def testpmd(self, name, dev, eal=(), app=(), timeout=90, level='info', plugin=True):
        """Start a guest testpmd on dev ('BDF[,devargs]') with net_vnet (plugin=False:
        no -d, so DPDK's net_virtio probes it); wait until it shows its prompt or
        exits (a refused EAL init exits)."""
        a = (['-d', self.plugin] if plugin else []) + ['--lcores', '0@0,1@0', '-a', dev,
             '--file-prefix=rb' + re.sub(r'[^a-z0-9]', '', name),
             '--log-level=pmd.net.vnet:' + level] + list(eal)
        tp = vmlib.GuestTestpmd(self.guest, name, a,
                                ['--port-topology=loop', '--total-num-mbufs=2048'] + list(app))
        self.tps.append(tp)
        if self.phase is not None:
            self.phase.tps.append(tp)
        t = time.monotonic()
        tp.start()
        vmlib.wait_until(lambda: tp.exited() is not None or PROMPT in tp.text(), timeout,
                         'guest testpmd %s to reach its prompt or exit' % name,
                         interval=0.1, alive=self.guest.alive)
        if self.phase is not None:
            self.phase.note('testpmd %s: %s after %.1f s' % (
                name, 'prompt' if tp.exited() is None else 'exit %d' % tp.exited(),
                time.monotonic() - t))
        return tp

    def kill_testpmds(self):
        for tp in self.tps:
            if tp.exited() is None and self.guest and self.guest.proc.poll() is None:
                try:
                    self.guest.run('vnet_tp_kill %s' % tp.name, 20, check=False)
                except VMError:
                    pass

    def close(self):
        """The agent kills leftover testpmds; then QEMU and the backends by PID.
        Returns QEMU's exit status."""
        return self.m.close()[0] if self.m else 0

    def kill(self):
        if self.m:
            self.m.kill()


def log(msg):
    print(msg, flush=True)


# ---------------------------------------------------------------- helpers

def net_vnet_lines(text, bdf, *needles):
    """net_vnet log lines about bdf that contain every needle."""
    return [l.strip() for l in text.splitlines()
            if 'net_vnet' in l and bdf in l and all(n in l for n in needles)]


def no_crash(ph, tp, rc=None):
    text = tp.text()
    m = CRASH_RE.search(text)
    ph.check(not m, 'crash signature in guest testpmd log: %r' % (m and m.group(0)))
    rc = tp.exited() if rc is None else rc
    ph.check(rc is None or rc < 128, 'guest testpmd died from a signal (exit %s)' % rc)


def quit_ok(ph, tp):
    """quit must end testpmd with status 0."""
    t = time.monotonic()
    rc = tp.quit(40)
    ph.note('testpmd %s: quit took %.1f s' % (tp.name, time.monotonic() - t))
    ph.check(rc == 0, 'guest testpmd exit status after quit is %s, want 0' % rc)
    no_crash(ph, tp, rc)
    return rc


def check_refused(ph, tp, bdf, needles, what=None):
    """A probe refusal: one clear net_vnet line per device, no port, testpmd
    alive and exits 0.  bdf, needles: one device, or {bdf: needles}."""
    text = tp.text()
    for bdf, needles in (bdf.items() if isinstance(bdf, dict) else [(bdf, needles)]):
        lines = net_vnet_lines(text, bdf, *needles)
        if ph.check(lines, 'no net_vnet message naming %s and %s (%s); net_vnet lines: %s' % (
                bdf, ' + '.join(repr(n) for n in needles), what,
                net_vnet_lines(text, bdf) or 'none')):
            ph.note(lines[0])
            ph.check(REMEDY_RE.search(lines[0]), 'the message does not say what to do: %r'
                     % lines[0])
        tried = [d for d, _id, b in vmlib.probed_drivers(text) if b == bdf]
        ph.check(tried[:1] == ['net_vnet'], 'EAL did not offer %s to net_vnet first (tried: %s)'
                 % (bdf, tried))
        ph.check(tried == ['net_vnet'], 'after the refusal another driver probed %s: %s'
                 % (bdf, tried))
    if not ph.check(tp.exited() is None, 'guest testpmd exited (rc=%s) instead of reaching its '
                    'prompt without ports' % tp.exited()):
        no_crash(ph, tp)
        return
    out = tp.cmd('show port summary all')
    m = re.search(r'Number of available ports:\s*(\d+)', out)
    ph.check(m and m.group(1) == '0', 'guest testpmd has ports after the refusal: %r' % out[-300:])
    ph.check('No probed ethernet devices' in text, "testpmd did not say 'No probed ethernet devices'")
    quit_ok(ph, tp)


def port_info(tp):
    out = tp.cmd('show port info 0')
    m = re.search(r'Link status:\s*(\w+)', out)
    d = re.search(r'Driver name:\s*(\S+)', out)
    return out, (m.group(1) if m else None), (d.group(1) if d else None)


def negotiated(tp, bdf):
    """Features net_vnet negotiated (its INFO line at probe), or None."""
    m = None
    for m in re.finditer(re.escape(bdf) + r': port \d+: \S+ virtio-net, features 0x([0-9a-f]+)',
                         tp.text()):
        pass
    return int(m.group(1), 16) if m else None


TRAFFIC_SECONDS = 2.0
MIN_PACKETS = 2000
RING = 256


def _traffic(ph, env, tp, phase, hport):
    spec = traffic.PHASES[phase]
    res = traffic.run_phase(traffic.TestpmdSide(env.host), hport, tp, spec, TRAFFIC_SECONDS)
    for what, sent, got in traffic.flows(spec, res):
        ph.note('%s: %d -> %d in %.1f s' % (what, sent, got, res.dt))
    for f in traffic.check_counts(spec, res, MIN_PACKETS, RING):
        ph.check(False, '%s: %s' % (phase, f))
    return res


def guest_tx(ph, env, tp, hport=0):
    """Guest txonly -> host rxonly (test/vm/traffic.py's checks)."""
    return _traffic(ph, env, tp, 'guest-tx', hport)


def host_tx(ph, env, tp, hport=0):
    """Host txonly -> guest rxonly (test/vm/traffic.py's checks)."""
    return _traffic(ph, env, tp, 'host-tx', hport)


# ---------------------------------------------------------------- tests

def t_devargs(env, phase):
    """Phases 1-2: an unknown devarg or a bad value fails the probe clearly."""
    mod, tra = env.bdf['modern'], env.bdf['transitional']

    ph = phase('unknown-devarg')
    tp = env.testpmd('unknown', mod + ',bogus=1')
    check_refused(ph, tp, mod, ["unknown devarg 'bogus'", 'valid:'], 'unknown key')

    # Both bad values in one testpmd, one per device (saves an EAL
    # init under TCG); each device must be refused for its own value.
    ph = phase('bad-values')
    tp = env.testpmd('badvalues', '%s,speed=fast' % tra, eal=['-a', '%s,event_idx=2' % mod])
    check_refused(ph, tp, {tra: ["devarg speed='fast'", 'invalid'],
                           mod: ["devarg event_idx='2'", 'invalid']}, None, 'bad value')


def t_modern_only(env, phase):
    """force_legacy=1 on a modern-only device is refused clearly."""
    mod = env.bdf['modern']
    ph = phase('force-legacy')
    tp = env.testpmd('fl-modern', mod + ',force_legacy=1')
    check_refused(ph, tp, mod, ['modern-only', 'force_legacy=1'], 'modern-only device')


def t_no_hugepages(env, phase):
    """A uio-bound device under --no-huge: DPDK refuses it clearly, no crash."""
    mod = env.bdf['modern']
    # uio DMA needs physical addresses, which --no-huge cannot give.  EAL
    # then picks IOVA as VA (also with --iova-mode=pa it fails) and the PCI
    # bus refuses the uio device before any driver sees it: net_vnet is
    # never offered the device, so it has no check of its own for this.
    # Assert DPDK's outcome: a message about physical addresses, the device
    # named, net_vnet never probed, no port, no crash.
    ph = phase('no-hugepages')
    tp = env.testpmd('nohuge', mod, eal=['--no-huge', '-m', '512'])
    check_no_phys(ph, tp, mod)


def check_no_phys(ph, tp, bdf):
    text = tp.text()
    m = re.search(r'.*physical addresses.*', text, re.I)
    if ph.check(m, 'no message about physical addresses'):
        ph.note(m.group(0).strip())
    rc = tp.exited()
    no_crash(ph, tp)
    if rc is not None:
        # EAL init failed: testpmd must end through rte_exit (status 1).
        ph.check(rc == 1, 'guest testpmd exit status %s; want 1 (rte_exit after EAL init '
                 'failed)' % rc)
        ph.check('Cannot init EAL' in text, "no 'Cannot init EAL' message")
        return
    tried = [d for d, _id, b in vmlib.probed_drivers(text) if b == bdf]
    ph.check(not tried, 'a PMD was offered %s without physical addresses: %s' % (bdf, tried))
    ph.check(re.search(r'Requested device %s cannot be used' % re.escape(bdf), text),
             'the PCI bus does not say that %s cannot be used' % bdf)
    out = tp.cmd('show port summary all')
    m = re.search(r'Number of available ports:\s*(\d+)', out)
    ph.check(m and m.group(1) == '0', 'guest testpmd has ports without hugepages: %r'
             % out[-300:])
    quit_ok(ph, tp)


def t_force_legacy(env, phase):
    """force_legacy=1 drives a transitional device's legacy BAR0, also after a reset."""
    bdf = env.bdf['transitional']
    ph = phase('force-legacy')
    tp = env.testpmd('fl', bdf + ',force_legacy=1')
    text = tp.text()
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    ph.check(net_vnet_lines(text, bdf, 'force_legacy=1'), 'no net_vnet line acknowledging '
             'force_legacy=1 for %s' % bdf)
    leg = net_vnet_lines(text, bdf, 'legacy virtio: BAR0 port-io')
    if ph.check(leg, "no 'legacy virtio: BAR0 port-io' line for %s" % bdf):
        ph.note(leg[0])
    ph.check(not net_vnet_lines(text, bdf, 'modern virtio'), 'modern transport used despite '
             'force_legacy=1')
    _, link, drv = port_info(tp)
    ph.check(drv == 'net_vnet', 'port 0 driver is %s, want net_vnet' % drv)
    ph.check(link == 'up', 'link status %s before traffic, want up' % link)
    feat = negotiated(tp, bdf)
    ph.check(feat is not None and not feat & (1 << 32), 'legacy transport negotiated '
             'VERSION_1 (features %s)' % (feat if feat is None else hex(feat)))
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)

    # The reset path parses the devargs again: still legacy, still traffic.
    ph = phase('force-legacy-reset')
    reset_and_check(ph, env, tp, bdf, 'legacy virtio: BAR0 port-io')
    quit_ok(ph, tp)


def t_ring_size_modern(env, phase):
    """--rxd/--txd 4096 on a modern device is clamped to its queue size."""
    mod = env.bdf['modern']
    ph = phase('4096')
    # Log level warning: the line showing at all proves it is a warning.
    tp = env.testpmd('rs-modern', mod, app=['--rxd=4096', '--txd=4096'], level='warning')
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    text = tp.text()
    for role in ('rx', 'tx'):
        m = re.search(re.escape(mod) + r': %s queue 0: nb_desc 4096 exceeds the device queue '
                      r'size (\d+); using (\d+)' % role, text)
        if ph.check(m, 'no warning that %s nb_desc 4096 is clamped to the device queue size'
                    % role):
            dev, used = int(m.group(1)), int(m.group(2))
            ph.note(m.group(0))
            ph.check(used <= dev < 4096 and used & (used - 1) == 0,
                     '%s: using %d of device size %d' % (role, used, dev))
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)
    quit_ok(ph, tp)


def t_ring_size_legacy(env, phase):
    """--rxd/--txd 128 on a legacy device: warned, its fixed size used."""
    leg = env.bdf['legacy']
    ph = phase('128')
    tp = env.testpmd('rs-legacy', leg, app=['--rxd=128', '--txd=128'], level='warning')
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    text = tp.text()
    for role in ('rx', 'tx'):
        m = re.search(re.escape(leg) + r': %s queue 0: nb_desc 128 ignored; legacy devices '
                      r'have a fixed queue size, using (\d+)' % role, text)
        if ph.check(m, 'no warning that %s nb_desc 128 is replaced by the fixed legacy size'
                    % role):
            used = int(m.group(1))
            ph.note(m.group(0))
            ph.check(used != 128 and used & (used - 1) == 0, '%s: using %d' % (role, used))
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)
    quit_ok(ph, tp)


def t_backend_gone(env, phase, reconnect=False):
    """The vhost-user backend goes away under a running guest testpmd."""
    bdf = env.bdf['modern']
    ph = phase('gone' if not reconnect else 'killed')
    tp = env.testpmd('gone', bdf)
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    feat = negotiated(tp, bdf)
    has_status = feat is not None and bool(feat & (1 << VIRTIO_NET_F_STATUS))
    ph.note('negotiated features %s (VIRTIO_NET_F_STATUS %s)' % (
        feat if feat is None else hex(feat), 'on' if has_status else 'off'))
    _, link, _ = port_info(tp)
    ph.check(link == 'up', 'link %s before the backend goes away, want up' % link)

    h = env.host
    h.cmd('set portlist 0')
    h.cmd('set fwd rxonly')
    h.cmd('start')
    tp.cmds(['set fwd txonly', 'start'])
    try:
        vmlib.wait_until(lambda: h.port_stats(0)['rx'] >= 10000, 20,
                         'the host to receive 10000 packets', interval=0.5)
    except VMError as e:
        ph.check(False, str(e))
    before = h.port_stats(0)['rx']
    ph.check(before >= 10000, 'host received only %d packets before going away' % before)

    pid = h.proc.pid
    if reconnect:
        os.kill(pid, signal.SIGKILL)   # abrupt: no vhost-user goodbye
        h.proc.wait(10)
        ph.note('host backend pid %d killed (SIGKILL) after %d packets' % (pid, before))
    else:
        h.stop()                       # harness stop: quit, then TERM/KILL by PID
        ph.note('host backend pid %d stopped (rc %s) after %d packets' % (
            pid, h.proc.returncode, before))
    ph.check(h.proc.poll() is not None, 'host backend still running')
    time.sleep(1.0)
    env.guest.alive()

    # The guest testpmd must stay responsive.  QEMU 7.2 sets the netdev link
    # down when the vhost-user chardev closes (measured), which the guest sees
    # in the STATUS config field; without STATUS net_vnet reports link up.
    want = 'down' if has_status else 'up'
    seen = []

    def link_is_want():
        _, l, _ = port_info(tp)
        seen.append(l)
        return l == want
    try:
        vmlib.wait_until(link_is_want, 15, 'guest link %s' % want, interval=1.0,
                         alive=env.guest.alive)
    except VMError as e:
        if 'timed out' not in str(e):
            raise
    ph.check(seen and seen[-1] == want, 'guest link after the backend went away: %s, want %s'
             % (seen[-1:] or 'no answer', want))
    s1 = tp.port_stats(0)
    time.sleep(1.0)
    s2 = tp.port_stats(0)
    ph.note('guest tx while the backend is gone: %d -> %d' % (s1['tx'], s2['tx']))
    out = tp.cmd('stop', 60)
    ph.check('Done.' in out, "'stop' did not complete: %r" % out[-300:])
    env.guest.alive()
    if not reconnect:
        quit_ok(ph, tp)
        ph.check(env.guest.proc.poll() is None, 'QEMU exited')
        rc, _ = env.guest.run('true', 20, check=False)
        ph.check(rc == 0, 'guest agent does not answer after the backend went away')
        return

    # Reconnect: a new backend on the same socket; QEMU reconnects (reconnect=1).
    ph = phase('reconnect')
    t = time.monotonic()
    h2 = env.new_host('host2')
    try:
        vmlib.wait_until(lambda: 'new device, handle is' in h2.output(), 20,
                         'QEMU to reconnect to the new backend', interval=0.5,
                         alive=env.guest.alive)
        ph.note('QEMU reconnected after %.1f s' % (time.monotonic() - t))
    except VMError as e:
        ph.check(False, str(e).splitlines()[0])
    # With STATUS, QEMU sets the link up again on reconnect; the rings restart
    # only with the port (the backend lost their state).
    try:
        vmlib.wait_until(lambda: port_info(tp)[1] == 'up', 10, 'link up', interval=1.0,
                         alive=env.guest.alive)
        ph.note('guest link up again before port stop/start')
    except VMError as e:
        ph.check(not has_status, 'guest link not up after reconnect: %s'
                 % str(e).splitlines()[0])
    out = tp.cmds(['port stop 0', 'port start 0'], 60)
    ph.check('Done' in out and not re.search(r'Fail|rror', out),
             'port stop/start after reconnect: %r' % out[-400:])
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)

    # Gone again with the port started and idle: quit must still be clean.
    ph = phase('quit-while-gone')
    h2.stop()
    time.sleep(1.0)
    quit_ok(ph, tp)
    ph.check(env.guest.proc.poll() is None, 'QEMU exited')
    rc, _ = env.guest.run('true', 20, check=False)
    ph.check(rc == 0, 'guest agent does not answer after the backend went away')


def t_backend_reconnect(env, phase):
    """Backend killed, restarted; QEMU reconnects; port stop/start resumes."""
    t_backend_gone(env, phase, reconnect=True)


def t_port_reset(env, phase):
    """port stop / reset / start reconfigures and traffic passes again."""
    bdf = env.bdf['modern']
    ph = phase('modern')
    tp = env.testpmd('reset', bdf)
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    guest_tx(ph, env, tp)   # it worked before the reset
    reset_and_check(ph, env, tp, bdf, 'modern virtio (capabilities')
    quit_ok(ph, tp)


def reset_and_check(ph, env, tp, bdf, transport):
    """port stop/reset/start: net_vnet re-initialises the same transport and
    testpmd reconfigures the port; then traffic passes both ways."""
    n0 = len(net_vnet_lines(tp.text(), bdf, transport))
    t = time.monotonic()
    out = tp.cmds(['port stop 0', 'port reset 0', 'port start 0'], 60)
    ph.note('port stop/reset/start took %.1f s' % (time.monotonic() - t))
    ph.check('Resetting ports' in out, "'port reset 0' did not run: %r" % out[-300:])
    ph.check(not re.search(r'Fail|rror|Can not', out), 'port stop/reset/start: %r' % out[-600:])
    ph.check('Configuring Port 0' in out, "'port start 0' after the reset did not reconfigure "
             "port 0")
    n1 = len(net_vnet_lines(tp.text(), bdf, transport))
    ph.check(n1 == n0 + 1, "net_vnet did not re-initialise %s on reset ('%s' lines: %d -> %d)"
             % (bdf, transport, n0, n1))
    _, link, drv = port_info(tp)
    ph.check(drv == 'net_vnet' and link == 'up', 'after the reset: driver %s, link %s'
             % (drv, link))
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)


def t_iommu_bypass(env, phase):
    """A legacy device under vfio + vIOMMU: refused in IOVA-as-VA, works with PA."""
    leg = env.bdf['legacy']
    ph = phase('va-refused')
    # No --iova-mode: EAL picks VA under vfio with an IOMMU group.
    tp = env.testpmd('bypass-va', leg)
    m = re.search(r"Selected IOVA mode '(\w+)'", tp.text())
    if ph.check(m, "EAL did not say which IOVA mode it selected"):
        ph.check(m.group(1) == 'VA', 'EAL selected IOVA mode %s, want VA (the case refused)'
                 % m.group(1))
    check_refused(ph, tp, leg, ['refusing the legacy device', 'IOVA-as-VA',
                                '--iova-mode=pa'], 'legacy device, IOVA as VA')

    ph = phase('pa-traffic')
    tp = env.testpmd('bypass-pa', leg, eal=['--iova-mode=pa'])
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    m = re.search(r"Selected IOVA mode '(\w+)'", tp.text())
    ph.check(m and m.group(1) == 'PA', 'EAL IOVA mode %s with --iova-mode=pa'
             % (m and m.group(1)))
    ph.check(not net_vnet_lines(tp.text(), leg, 'refusing'), 'net_vnet refused the device '
             'in PA mode')
    _, link, drv = port_info(tp)
    ph.check(drv == 'net_vnet' and link == 'up', 'driver %s, link %s; want net_vnet, up'
             % (drv, link))
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)
    quit_ok(ph, tp)
    text = vmlib.read_from(env.guest.console, 0)
    bad = vmlib.log_problems(text, 'kernel')
    ph.check(not bad, 'guest kernel reports DMA faults or errors: %s' % bad[:3])


MEMPOOL = 'mb_pool_0'   # testpmd's mbuf pool (one socket)


def mbufs_in_use(ph, tp, pool=MEMPOOL):
    """Mbufs of pool held outside the pool (testpmd dump_mempool:
    size - common_pool_count - total_cache_count), or None."""
    out = tp.cmd('dump_mempool')
    blk = re.search(r'mempool <%s>@.*?(?=mempool <|\Z)' % re.escape(pool), out, re.S)
    vals = {}
    for k in ('size', 'common_pool_count', 'total_cache_count'):
        m = blk and re.search(r'\b%s=(\d+)' % k, blk.group(0))
        vals[k] = int(m.group(1)) if m else None
    if not ph.check(None not in vals.values(), 'dump_mempool: no %s counts for %s in %r'
                    % (', '.join(k for k, v in vals.items() if v is None), pool, out[-400:])):
        return None
    return vals['size'] - vals['common_pool_count'] - vals['total_cache_count']


STOP_START_CYCLES = 1000
RESET_CYCLES = 100
CYCLES_PER_CALL = 25     # cycles sent to testpmd at once
CYCLE_BUDGET_S = 200     # stop/start cycles (measured: 148 s for 1000); reset gets 60 s more


def _cycles(ph, tp, what, cmds, n, deadline):
    """Run n cycles of cmds, CYCLES_PER_CALL at a time, until deadline;
    every command must say Done and nothing may fail.  Returns cycles run."""
    done, t = 0, time.monotonic()
    while done < n and time.monotonic() < deadline:
        k = min(CYCLES_PER_CALL, n - done)
        out = tp.cmds(cmds * k, 120)
        bad = re.search(r'.*(Fail|rror|Can not|nvalid).*', out)
        if not ph.check(not bad and out.count('Done') >= len(cmds) * k,
                        '%s cycle %d..%d: %s' % (what, done + 1, done + k,
                                                 bad.group(0) if bad else out[-300:])):
            return done
        done += k
    dt = time.monotonic() - t
    ph.note('%s: %d of %d cycles in %.1f s (%.1f cycles/s)' % (what, done, n, dt,
                                                             done / dt if dt else 0))
    ph.check(done == n, '%s: only %d of %d cycles within the time budget' % (what, done, n))
    return done


def t_stop_start(env, phase):
    """1000 port stop/start and 100 stop/reset/start cycles: no mbuf leaked, traffic after."""
    bdf = env.bdf['modern']
    ph = phase('cycles')
    tp = env.testpmd('ss', bdf, level='warning')
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    guest_tx(ph, env, tp)   # the tx ring has held mbufs once
    tp.cmd('port stop 0', 60)
    stopped0 = mbufs_in_use(ph, tp)
    tp.cmd('port start 0', 60)
    base = mbufs_in_use(ph, tp)
    ph.note('mbufs in use: %s stopped, %s started (baseline)' % (stopped0, base))
    ph.check(stopped0 == 0, 'a stopped port holds %s mbufs, want 0' % stopped0)
    deadline = time.monotonic() + CYCLE_BUDGET_S
    _cycles(ph, tp, 'port stop/start', ['port stop 0', 'port start 0'], STOP_START_CYCLES,
            deadline)
    _cycles(ph, tp, 'port stop/reset/start', ['port stop 0', 'port reset 0', 'port start 0'],
            RESET_CYCLES, deadline + 60)
    after = mbufs_in_use(ph, tp)
    tp.cmd('port stop 0', 60)
    stopped1 = mbufs_in_use(ph, tp)
    tp.cmd('port start 0', 60)
    ph.note('mbufs in use after the cycles: %s started, %s stopped' % (after, stopped1))
    ph.check(after == base, 'mbufs in use after the cycles %s, baseline %s' % (after, base))
    ph.check(stopped1 == 0, 'a stopped port holds %s mbufs after the cycles, want 0'
             % stopped1)
    m = re.findall(r'rx_mbuf_allocation_errors:\s*(\d+)', tp.cmd('show port xstats 0'))
    ph.check(m and int(m[-1]) == 0, 'rx_mbuf_allocation_errors %s' % m)
    ph = phase('traffic')
    guest_tx(ph, env, tp)
    host_tx(ph, env, tp)
    quit_ok(ph, tp)


def _wait_gone(env, bdf, idx, timeout=30):
    """device_del is done: the guest removed bdf and QEMU no longer lists the NIC."""
    def gone():
        rc, _ = env.guest.run('[ ! -e /sys/bus/pci/devices/%s ]' % bdf, 10, check=False)
        return rc == 0 and 'id "nic%d"' % idx not in env.guest.hmp('info pci')
    vmlib.wait_until(gone, timeout, '%s to be unplugged' % bdf, interval=1.0,
                     alive=env.guest.alive)


# What the guest sees of an unplugged NIC, measured with QEMU 7.2 (pc, ACPI
# hotplug, uio_pci_generic): reads of its vanished port-I/O BAR return all
# ones, so the status reads 0xff and net_vnet reports a removal (testpmd then
# detaches the port); reads of a vanished memory BAR return 0, so a modern
# device looks as if it reset itself: net_vnet raises a reset event.
# mode -> (net_vnet verdict, testpmd event, ports left)
UNPLUG = {
    'modern': ('device dropped DRIVER_OK', 'reset', 1),
    'legacy': ('device status reads 0xff', 'device removal', 0),
}


def t_hot_unplug(env, phase):
    """device_del of the NIC under a forwarding guest testpmd: no crash, quit exits 0."""
    qlog0 = vmlib.file_size(env.guest.qemu_log)
    for idx, mode in enumerate(env.modes):
        bdf = env.bdf[mode]
        hport = env.m.port[mode]
        ph = phase(mode)
        tp = env.testpmd('rmv-' + mode, bdf)
        if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
            continue
        h = env.host
        h.cmd('stop')
        h.cmd('set portlist %d' % hport)
        h.cmd('set fwd rxonly')
        h.cmd('clear port stats %d' % hport)
        h.cmd('start')
        tp.cmds(['set fwd txonly', 'start'])
        try:
            vmlib.wait_until(lambda: h.port_stats(hport)['rx'] >= 1000, 20,
                             'the host to receive 1000 packets', interval=0.5)
        except VMError as e:
            ph.check(False, str(e).splitlines()[0])
        t = time.monotonic()
        out = env.guest.hmp('device_del nic%d' % idx)
        ph.check(not out, 'device_del nic%d: %r' % (idx, out))
        try:
            _wait_gone(env, bdf, idx)
            ph.note('%s unplugged %.1f s after device_del' % (bdf, time.monotonic() - t))
        except VMError as e:
            ph.check(False, str(e).splitlines()[0])
        h.cmd('stop')
        # The next control call reads the device's status (health check).
        out = tp.cmd('show port info 0')
        time.sleep(1.0)   # testpmd handles removal 100 ms after the event
        text = tp.text()
        verdict, event, ports = UNPLUG[mode]
        lines = net_vnet_lines(text, bdf, verdict, 'reset the port')
        if ph.check(len(lines) == 1, 'want one net_vnet line naming %s and %r, got %s'
                    % (bdf, verdict, lines or net_vnet_lines(text, bdf)[-3:])):
            ph.note(lines[0])
        ev = re.findall(r'Port 0: ([a-z ]+) event', text)
        ph.note('testpmd events: %s' % (sorted(set(ev)) or 'none'))
        ph.check(event in ev, 'no %s event for port 0 (events: %s)' % (event, ev))
        ph.check(not net_vnet_lines(text, bdf, 'is broken: used'), 'a ring fault was '
                 'reported for a removed device')
        out = tp.cmd('show port summary all')
        m = re.search(r'Number of available ports:\s*(\d+)', out)
        ph.check(m and int(m.group(1)) == ports, 'testpmd has %s ports after the removal, '
                 'want %d: %r' % (m and m.group(1), ports, out[-300:]))
        out = tp.cmd('stop', 60)
        quit_ok(ph, tp)
        env.guest.alive()
    bad = vmlib.log_problems(vmlib.read_from(env.guest.qemu_log, qlog0), 'qemu')
    ph.check(not bad, 'QEMU log: %s' % bad[:3])
    bad = vmlib.log_problems(vmlib.read_from(env.guest.console, 0), 'kernel')
    ph.check(not bad, 'guest kernel: %s' % bad[:3])


# name, testpmd port config, what net_vnet must say (None: it works)
QUEUE_CONFIGS = [
    ('1-entry', {'rxd': 1, 'txd': 1}, ['nb_desc 1 gives a 1-entry ring', 'nb_desc >= 2']),
    ('2-entry', {'rxd': 2, 'txd': 2}, None),
    ('odd-255', {'rxd': 255, 'txd': 255}, None),
    ('rx-only', {'rxq': 1, 'txq': 0}, ['1 rx and 0 tx queues requested', '--rxq=N --txq=N']),
    ('tx-only', {'rxq': 0, 'txq': 1}, ['0 rx and 1 tx queues requested', '--rxq=N --txq=N']),
]
DEFAULT_QUEUES = {'rxq': 1, 'txq': 1, 'rxd': 256, 'txd': 256}


def t_queue_configs(env, phase):
    """1-, 2-entry and odd rings, rx-/tx-only, more queues than the device: works or
    a clear error; no mbuf held after each; no crash."""
    bdf = env.bdf['modern']
    tp = env.testpmd('qc', bdf, app=['--disable-device-start'], level='warning')
    if tp.exited() is not None:
        ph = phase('init')
        ph.check(False, 'guest testpmd exited rc=%s' % tp.exited())
        return
    for name, conf, refusal in QUEUE_CONFIGS:
        ph = phase(name)
        start = len(tp.text())
        setup = ['port config all %s %d' % kv for kv in sorted(conf.items())]
        out = tp.cmds(['port stop 0'] + setup + ['port start 0'], 60)
        new = tp.text()[start:]
        if refusal:
            lines = net_vnet_lines(new, bdf, *refusal)
            if ph.check(lines, 'no net_vnet error naming %s and %s; output: %r'
                        % (bdf, refusal, out[-400:])):
                ph.note(lines[0])
            ph.check(re.search(r'Fail to (configure|start) port 0', out),
                     'testpmd did not fail to start port 0: %r' % out[-300:])
        else:
            ph.check(not re.search(r'Fail|rror', out), 'port start: %r' % out[-400:])
            for role in ('rx', 'tx'):
                n = conf[role + 'd']
                if n & (n - 1):
                    w = net_vnet_lines(new, bdf, '%s queue 0' % role, 'nb_desc %d' % n)
                    if ph.check(w, 'no warning about %s nb_desc %d' % (role, n)):
                        ph.note(w[0])
            guest_tx(ph, env, tp)
            host_tx(ph, env, tp)
        tp.cmd('port stop 0', 60)
        held = mbufs_in_use(ph, tp)
        ph.note('mbufs in use with the port stopped: %s' % held)
        ph.check(held == 0, 'the stopped port holds %s mbufs, want 0' % held)
        tp.cmds(['port config all %s %d' % kv for kv in sorted(DEFAULT_QUEUES.items())])
        no_crash(ph, tp)

    # ethdev and testpmd refuse more queue pairs than the device offers
    # (max_rx_queues) before net_vnet sees the request.
    ph = phase('more-queues')
    out = tp.cmds(['port config all rxq 2', 'port config all txq 2'])
    ph.check(re.search(r"rxq \(2\) can't be greater than max_rx_queues \(1\)", out),
             'no refusal of rxq 2 on a 1-pair device: %r' % out[-300:])
    out = tp.cmd('port start 0', 60)
    ph.check(not re.search(r'Fail|rror', out), 'port start after the refused rxq 2: %r'
             % out[-300:])
    guest_tx(ph, env, tp)
    quit_ok(ph, tp)


# name -> (function, device modes (one NIC each), Env kwargs)
MODERN, TRANSITIONAL, LEGACY = 'modern', 'transitional', 'legacy'   # vmlib.DEVICE_MODES
TESTS = {
    'devargs': (t_devargs, [MODERN, TRANSITIONAL], {}),
    'modern-only': (t_modern_only, [MODERN], {}),
    # --no-huge -m 512 beside 256 MiB of hugepages needs more than 1 GiB.
    'no-hugepages': (t_no_hugepages, [MODERN], {'mem_mb': 2048}),
    'force-legacy': (t_force_legacy, [TRANSITIONAL], {}),
    'ring-size-modern': (t_ring_size_modern, [MODERN], {}),
    'ring-size-legacy': (t_ring_size_legacy, [LEGACY], {}),
    'backend-gone': (t_backend_gone, [MODERN], {}),
    'backend-reconnect': (t_backend_reconnect, [MODERN], {'reconnect': True}),
    'port-reset': (t_port_reset, [MODERN], {}),
    'iommu-bypass': (t_iommu_bypass, [LEGACY], {'machine': vmlib.Q35_VIOMMU,
                                                'binding': 'vfio-pci'}),
    'stop-start': (t_stop_start, [MODERN], {}),
    'hot-unplug': (t_hot_unplug, [MODERN, LEGACY], {'monitor': True}),
    'queue-configs': (t_queue_configs, [MODERN], {}),
}


def run_test(opts, test, tests=None):
    fn, nics, kw = (tests or TESTS)[test]
    phases = []

    def phase(name):
        ph = Phase(test, name)
        ph.t0 = time.monotonic()
        if phases and phases[-1].wall is None:
            phases[-1].wall = ph.t0 - phases[-1].t0
        phases.append(ph)
        env.phase = ph
        log('[robust] %s ...' % ph.name)
        return ph

    t0 = time.monotonic()
    env = Env(opts, test, nics, **kw)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, opts.timeout)
    err = None
    try:
        env.boot()
        fn(env, phase)
    except (VMError, vmlib.Interrupted) as e:
        err = e
        ph = phases[-1] if phases else phase('boot')
        ph.check(False, 'aborted: %s' % e)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if phases and phases[-1].wall is None:
            phases[-1].wall = time.monotonic() - phases[-1].t0
        if isinstance(err, vmlib.Interrupted):
            env.kill()
        else:
            env.kill_testpmds()
            q = env.close()
            if phases and env.guest and q != 0:
                phases[-1].check(False, 'QEMU exit status %s at shutdown (crash or hang)' % q)
    wall = time.monotonic() - t0
    for ph in phases:
        log('[robust] %-40s %s (%.1f s)' % (ph.name, 'PASS' if ph.ok else 'FAIL', ph.wall or 0))
        for n in ph.notes:
            log('[robust]     note: %s' % n)
        for f in ph.fails:
            log('[robust]     FAIL: %s' % f)
    bad = [ph for ph in phases if not ph.ok]
    if bad:
        show_tails(env, [tp for ph in bad for tp in ph.tps])
    log('[robust] %s: %.1f s wall (boot %s s)%s; logs %s' % (
        test, wall, '%.1f' % env.boot_s if env.boot_s else '-',
        ' - over the %d s budget' % BUDGET_S if wall > BUDGET_S else '', opts.logdir))
    if isinstance(err, vmlib.Interrupted):
        raise err
    return phases, wall


def show_tails(env, tps):
    for tp in tps:
        log('[robust] ---- guest testpmd %s (%s) tail:\n%s' % (tp.name, tp.log,
                                                             vmlib.tail(tp.log, 25)))
    for h in env.hosts:
        log('[robust] ---- host testpmd (%s) tail:\n%s' % (h.log_path, vmlib.tail(h.log_path, 15)))
    if env.guest:
        log('[robust] ---- guest console (%s) tail:\n%s' % (env.guest.console,
                                                          vmlib.tail(env.guest.console, 15)))
        log('[robust] ---- qemu log (%s) tail:\n%s' % (env.guest.qemu_log,
                                                     vmlib.tail(env.guest.qemu_log, 15)))


def main(argv, table=None, prog='robust.py', doc=None):
    """Run the named tests of table (name -> (fn, device modes, Env kwargs));
    robust.py's own TESTS by default.  Other scenario files (test/vm/features/)
    call this with their own table."""
    table = table or TESTS
    ap = argparse.ArgumentParser(prog=prog, description=doc or __doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('tests', nargs='*', help='tests to run: %s, or all' % ', '.join(table))
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--plugin', default=os.environ.get('VNET_PLUGIN'),
                    help='librte_net_vnet.so (not under a world-writable dir such as /tmp)')
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--kernel', help='guest kernel (default: newest /boot/vmlinuz-6.1.0-*-amd64)')
    ap.add_argument('--logdir', help='logs (default: $TMPDIR/vnet-robust/<time>); one subdir '
                    'per test when several are given')
    ap.add_argument('--timeout', type=int, default=240, help='wall-time limit per test (s)')
    a = ap.parse_args(argv)
    if a.list:
        for k, (fn, _, _) in table.items():
            print('%-20s %s' % (k, ((fn.__doc__ or '').strip().splitlines() or [''])[0]))
        return 0
    tests = list(table) if a.tests in (['all'], []) else a.tests
    bad = [t for t in tests if t not in table]
    if bad:
        ap.error('unknown test %s; known: %s' % (', '.join(bad), ', '.join(table)))
    if not a.plugin or not os.path.isfile(a.plugin):
        ap.error('--plugin PATH to librte_net_vnet.so is required (got %r)' % a.plugin)
    a.plugin = os.path.abspath(a.plugin)
    base = a.logdir or os.path.join(tempfile.gettempdir(), 'vnet-' + prog.replace('.py', ''),
                                    time.strftime('%Y%m%d-%H%M%S'))
    vmlib.install_signal_handlers()
    rows = []
    try:
        for t in tests:
            a.logdir = os.path.abspath(base if len(tests) == 1 else os.path.join(base, t))
            rows += run_test(a, t, table)[0]
    except vmlib.Interrupted as e:
        vmlib.stop_all()
        log('[robust] %s; stopped everything we started' % e)
        return 130
    npass = sum(1 for r in rows if r.ok)
    log('%d passed, %d failed' % (npass, len(rows) - npass))
    return 0 if rows and npass == len(rows) else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
