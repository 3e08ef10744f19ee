"""The device x binding matrix: device mode x binding x driver, with phases.

A scenario is <mode>-<binding>-<driver>[-<variant>], e.g. modern-uio-vnet.
Traffic bindings run the rows `port` (what the driver made of the device),
the traffic phases, and `teardown`; kernel and unbound bindings run `probe`.
Rows are scenario/row.

What each row asserts is written next to the tables that define it:
  port      net_vnet's transport, BAR0 kind and access method (from its own
            INFO lines), the negotiated feature bits, the port MAC equal to
            the one QEMU was given, link up.
  phases    fixed-length traffic whose receiving counter still rises in its
            last second; exact byte counts (bytes == packets x frame size)
            on both sides; zero guest errors and host rx errors; what one side sent and the other
            did not count bounded by the ring size.
  teardown  quit exits 0 in time; no crash signature in the guest testpmd,
            host testpmd or guest kernel output; nothing unexpected from QEMU.
Each guest boot ends with a `<group>/shutdown` row: QEMU powered off with
status 0 and the host backend quit with status 0.

Scenarios sharing a machine setup (a "group": machine type, kernel, QEMU)
share one guest boot: the guest gets one NIC per device mode, each on its own
vhost port of one host backend; every scenario binds its NIC and runs its own
guest testpmd (its wall time is what is budgeted).
"""

import collections
import fnmatch
import json
import os
import re
import shutil
import signal
import tempfile
import time

import ovs
import traffic
import vmlib
from traffic import PHASES, OvsSide, TestpmdSide
from vmlib import VMError

REPO = os.path.dirname(os.path.dirname(vmlib.HERE))

# ---------------------------------------------------------------- tables

MODES = vmlib.DEVICE_MODES   # device mode -> QEMU properties, transport, BAR0 kind, slot
MATRIX_MODES = ['modern', 'transitional', 'legacy', 'legacy-novec', 'legacy-mmio']

Binding = collections.namedtuple('Binding', 'kdrv group traffic vnet_name')
# kdrv: guest/lib.sh vnet_bind argument; vnet_name: how net_vnet names it.
BINDINGS = collections.OrderedDict([
    ('uio', Binding('uio_pci_generic', 'pc', True, 'uio_pci_generic')),
    ('igb_uio', Binding('igb_uio', 'pc', True, 'igb_uio')),
    ('vfio', Binding('vfio-pci', 'q35', True, 'vfio-pci')),
    ('noiommu', Binding('vfio-pci-noiommu', 'noiommu', True, 'vfio-pci')),
    ('kernel', Binding('virtio-pci', 'pc', False, None)),
    ('unbound', Binding('none', 'pc', False, None)),
])

# How net_vnet must reach a legacy BAR0: the rows of rules[] in
# drivers/vnet_io_rules.c that these guests exercise (legacy_io=auto).  Under
# vfio an I/O BAR0 is reached with in/out after ioperm (the guest testpmd runs
# as root), not through vfio's pread/pwrite region, which costs a syscall per
# notify: a driver that kept pread/pwrite there is caught here.  A 4 KiB
# memory BAR0 is mmap-able through vfio.
LEGACY_ACCESS = {
    ('port-io', 'uio'): 'port-io',
    ('port-io', 'igb_uio'): 'port-io',
    ('port-io', 'vfio'): 'port-io',
    ('port-io', 'noiommu'): 'port-io',
    ('memory', 'uio'): 'mmio',
    ('memory', 'igb_uio'): 'mmio',
    ('memory', 'vfio'): 'mmio',
    ('memory', 'noiommu'): 'mmio',
}

# Legacy device config follows the MSI-X vector registers when MSI-X is
# enabled (virtio 1.2 §4.1.4.8): offset 24, else 20.  igb_uio enables MSI-X;
# uio_pci_generic uses INTx; vfio leaves MSI-X off until interrupts are
# requested; vectors=0 has no MSI-X at all.
def legacy_config_offset(mode, binding):
    return 24 if binding == 'igb_uio' and mode != 'legacy-novec' else 20


DRIVERS = collections.OrderedDict([('vnet', 'net_vnet'), ('virtio', 'net_virtio')])
GROUPS = ['pc', 'q35', 'noiommu', 'ovs']

# Feature bits the rows check (virtio 1.2 §5.1.3, §6).
F = {'MAC': 5, 'STATUS': 16, 'ANY_LAYOUT': 27, 'EVENT_IDX': 29, 'VERSION_1': 32}

# Phases and what their counters must show: test/vm/traffic.py.
TRAFFIC_PHASES = ['guest-tx', 'host-tx', 'loop-64', 'loop-1500', 'loop-9000']
# Rows only net_vnet runs: the xstats/reset check (after the loops, when both
# counters are non-zero) and a multi-segment tx chain.
VNET_EXTRA = ['stats', 'guest-tx-multiseg']

Variant = collections.namedtuple('Variant', 'mode binding tag devargs phases features backend')
# Scenarios that exercise one setting beyond the matrix (net_vnet only).
# features: {bit name: expected on/off} on top of the defaults.
# backend: 'testpmd' (DPDK's vhost PMD in a host testpmd) or 'ovs' (OVS-DPDK
# dpdkvhostuserclient ports; it cannot generate traffic, so no host-tx).
VARIANTS = [
    Variant('modern', 'uio', 'noevidx', 'event_idx=0',
            ['guest-tx', 'host-tx', 'loop-1500'], {'EVENT_IDX': False}, 'testpmd'),
    Variant('legacy', 'uio', 'noevidx', 'event_idx=0',
            ['guest-tx', 'host-tx', 'loop-1500'], {'EVENT_IDX': False}, 'testpmd'),
    Variant('legacy-nolayout', 'uio', 'hdrdesc', '',
            ['guest-tx', 'guest-tx-multiseg', 'host-tx', 'loop-1500'], {'ANY_LAYOUT': False},
            'testpmd'),
    Variant('modern', 'uio', 'jumbo', '', ['mtu-9000'], {}, 'testpmd'),
    Variant('legacy-mmio', 'uio', 'jumbo', '', ['mtu-9000'], {}, 'testpmd'),
    Variant('modern', 'uio', 'ovs', '', ['guest-tx', 'loop-64', 'loop-1500'], {}, 'ovs'),
    Variant('legacy-mmio', 'uio', 'ovs', '', ['guest-tx', 'loop-64', 'loop-1500'], {}, 'ovs'),
]

UNBOUND_WHY = ('no kernel driver bound: DPDK >= 20.08 does not list such a device on its PCI '
               'bus, so no PMD (net_vnet or net_virtio) ever sees it; bind it with '
               'dpdk-devbind.py -b vfio-pci|uio_pci_generic|igb_uio <BDF>')

# ---------------------------------------------------------------- scenarios


class Scenario:
    def __init__(self, mode, binding, driver, variant=None):
        self.mode, self.binding, self.driver = mode, binding, driver
        self.variant = variant
        self.name = '%s-%s-%s' % (mode, binding, driver)
        if variant:
            self.name += '-' + variant.tag
        b = BINDINGS[binding]
        self.kdrv, self.group, self.traffic = b.kdrv, b.group, b.traffic
        self.backend = variant.backend if variant else 'testpmd'
        if self.backend == 'ovs':
            self.group = 'ovs'   # a pc guest whose NICs are OVS ports
        if not self.traffic:
            self.phases = ['probe']
        elif variant:
            self.phases = ['port'] + list(variant.phases) + ['teardown']
        else:
            extra = VNET_EXTRA if driver == 'vnet' else []
            self.phases = ['port'] + TRAFFIC_PHASES + extra + ['teardown']
        self.devargs = variant.devargs if variant else ''

    @property
    def kind(self):
        """vnet: can fail because of net_vnet; baseline: DPDK's net_virtio on
        the same device; eal: no PMD is involved (EAL does not list it)."""
        if self.binding == 'unbound':
            return 'eal'
        return 'baseline' if self.driver == 'virtio' else 'vnet'

    def expected_features(self):
        """{bit: on/off} the port row asserts (net_vnet only)."""
        want = {'MAC': True, 'STATUS': True, 'EVENT_IDX': True,
                'VERSION_1': MODES[self.mode].transport == 'modern'}
        if self.variant:
            want.update(self.variant.features)
        return want

    def __repr__(self):
        return self.name


def all_scenarios():
    out = [Scenario(m, b, d) for b in BINDINGS for m in MATRIX_MODES for d in DRIVERS]
    out += [Scenario(v.mode, v.binding, 'vnet', v) for v in VARIANTS]
    return out


def select(patterns):
    """[(Scenario, [phase...])] for fnmatch patterns on 'scenario' or 'scenario/phase'.
    Selecting any row of a traffic scenario also runs its port and teardown rows."""
    out = []
    used = set()
    for sc in all_scenarios():
        phases = []
        for ph in sc.phases:
            full = '%s/%s' % (sc.name, ph)
            for p in patterns:
                if fnmatch.fnmatchcase(sc.name, p) or fnmatch.fnmatchcase(full, p):
                    phases.append(ph)
                    used.add(p)
                    break
        if phases and sc.traffic:
            phases = ['port'] + [p for p in phases if p not in ('port', 'teardown')] + ['teardown']
        if phases:
            out.append((sc, phases))
    unknown = [p for p in patterns if p not in used]
    if unknown:
        raise VMError('no scenario matches %s; see `vnet-vm list`' % ', '.join(unknown))
    return out


class Row:
    def __init__(self, name, probed='', guest=None, host=None, mpps=None, ok=False,
                 why='', wall=None, kind='vnet'):
        self.name, self.probed, self.guest, self.host = name, probed, guest, host
        self.mpps, self.ok, self.why, self.wall = mpps, ok, why, wall
        self.kind = kind
        self.notes = []
        self.logs = []


def _row(sc, ph, **kw):
    return Row('%s/%s' % (sc.name, ph), kind=sc.kind, **kw)


class Checks:
    """Collects failed assertions of one row; the row passes with none."""

    def __init__(self):
        self.fails = []

    def __call__(self, cond, what):
        if not cond:
            self.fails.append(what)
        return bool(cond)

    def why(self):
        return '; '.join(self.fails)


class ScenarioTimeout(VMError):
    pass


def _alarm(_s, _f):
    raise ScenarioTimeout('scenario exceeded its wall-time limit')


class Options:
    plugin = None
    testpmd = vmlib.TESTPMD    # host backend and guest (the guest sees the host's root)
    installed_plugin = False   # no -d: net_vnet comes from testpmd's PMD directory
    qemu = 'qemu-system-x86_64'
    qemu_patched = None
    kernel = None
    noiommu_kernel = None
    logdir = None
    seconds = 2.0          # traffic time of every phase
    min_packets = 2000     # each side, guest-tx/host-tx: several ring wraps
    min_loop = 2000        # each side, loops
    ring_slack = 256       # packets one side may count and the other not: one ring
    timeout = 150
    budget = 60
    verbose = True
    show_stats = False
    monitor = False        # give the guest an HMP monitor (Guest.hmp)
    udp = False            # NICs on vmlib.UdpBackend instead of the vhost backend


# ---------------------------------------------------------------- one boot

class Context:
    """One booted guest + host side for a group (a vmlib.Machine)."""

    def __init__(self, runner, group, modes):
        self.runner, self.group, self.modes = runner, group, modes
        self.m = None
        self.broken = False
        self.plugin = None   # its path in the guest, staged on first use
        self.name = '%s-%d' % (group, runner.boots)
        self.dir = os.path.join(runner.logdir, self.name)
        runner.boots += 1

    # what the scenarios use
    host = property(lambda self: self.m.host)
    guest = property(lambda self: self.m.guest)
    bdf = property(lambda self: self.m.bdf)
    port = property(lambda self: self.m.port)
    mac = property(lambda self: self.m.mac)

    def boot(self):
        o = self.runner.opts
        needs_patched = any(MODES[m].patched for m in self.modes)
        qemu = self.runner.patched_qemu() if needs_patched else o.qemu
        kernel = self.runner.noiommu_kernel() if self.group == 'noiommu' else self.runner.kernel()
        initrd = vmlib.build_initramfs(kernel, log=self.runner.log)
        kw = {}
        if self.group == 'q35':
            kw = dict(vmlib.Q35_VIOMMU, iommu_modes=['modern'])
        elif self.group == 'noiommu':
            kw = dict(append='vfio.enable_unsafe_noiommu_mode=1')
        elif self.group == 'ovs':
            kw = dict(backend=lambda ports, sockdir: ovs.OvsBackend(self.dir, ports, sockdir))
        if o.monitor:   # an HMP monitor: ci/bench asks it for the vCPU thread ids
            kw['guest_kw'] = {'monitor': True}
        if o.udp:       # QEMU's own virtio-net on UDP, which asks for kicks (ci/bench)
            kw['backend'] = lambda ports, sockdir: vmlib.UdpBackend(self.dir, ports, sockdir)
        self.m = vmlib.Machine(self.dir, self.modes, kernel, initrd, qemu=qemu,
                               host_kw={'mbuf_size': 10240, 'testpmd': o.testpmd},
                               log=self.runner.log, **kw)
        t = time.monotonic()
        boot = self.m.start()
        if self.group == 'ovs':
            self.host.wait_connected(60)
            self.side = OvsSide(self.host)
        else:
            self.side = TestpmdSide(self.host)
        self.runner.log('[vm] %s: guest up in %.1f s (qemu %s, kernel %s, NICs %s)' % (
            self.group, boot, qemu, kernel.path,
            ', '.join('%s=%s' % (m, self.bdf[m]) for m in self.modes)))
        self.runner.boot_times.append((self.group, boot, time.monotonic() - t))

    def kill(self):
        if self.m:
            self.m.kill()

    def close(self):
        """Power the guest off and stop the backend; the shutdown row."""
        c = Checks()
        qrc, hrc = self.m.close() if self.m else (None, None)
        if self.m and self.m.guest:
            c(qrc == 0, 'QEMU exit status %s at power-off, want 0 (%s)' % (
                qrc, 'killed: it did not power off in time' if qrc is None else 'crash?'))
            bad = vmlib.log_problems(vmlib.read_from(self.m.guest.qemu_log, 0), 'qemu')
            c(not bad, 'QEMU printed: %s' % ' | '.join(bad[:3]))
        if self.m and self.m.host:
            c(hrc == 0, 'host backend exit status %s after quit, want 0' % hrc)
            bad = vmlib.log_problems(vmlib.read_from(self.m.host.log_path, 0), 'app')
            c(not bad, 'host backend log: %s' % ' | '.join(bad[:3]))
        row = Row('%s/shutdown' % self.name, ok=not c.fails, why=c.why(), kind='harness')
        row.notes.append('QEMU exit %s, host backend exit %s' % (qrc, hrc))
        return row


# ---------------------------------------------------------------- log parsing

def vnet_transport(text, bdf):
    """net_vnet's INFO lines about bdf -> {'transport', 'bar0', 'kdrv',
    'access', 'cfg_off'} (the last probe's), or None."""
    out = None
    pfx = r'net_vnet %s: ' % re.escape(bdf)
    for line in text.splitlines():
        m = re.search(pfx + r'modern virtio \(capabilities: (\d+)\)', line)
        if m:
            out = {'transport': 'modern', 'bar0': None, 'kdrv': None, 'access': 'mmio',
                   'cfg_off': None}
            continue
        m = re.search(pfx + r'legacy virtio: BAR0 (\S+) under (\S+), access (\S+), '
                      r'device config at (\d+)', line)
        if m:
            out = {'transport': 'legacy', 'bar0': m.group(1), 'kdrv': m.group(2),
                   'access': m.group(3), 'cfg_off': int(m.group(4))}
    return out


def vnet_features(text, bdf):
    """(negotiated, offered) feature words from net_vnet's port line, or None."""
    m = None
    for m in re.finditer(re.escape(bdf) + r': port \d+: \S+ virtio-net, features '
                         r'0x([0-9a-f]+) of 0x([0-9a-f]+)', text):
        pass
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def port_info(tp):
    out = tp.cmd('show port info 0')
    get = lambda pat: (re.search(pat, out) or [None, None])[1]  # noqa: E731
    return {'driver': get(r'Driver name:\s*(\S+)'), 'mac': get(r'MAC address:\s*(\S+)'),
            'link': get(r'Link status:\s*(\w+)'), 'mtu': get(r'MTU:\s*(\d+)')}


def parse_xstats(text):
    """`show port xstats` output -> {name: value}."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'^\s*([A-Za-z0-9_\[\]]+):\s+(\d+)\s*$', text, re.M)}


def guest_testpmd(ctx, sc, name=None):
    """The guest testpmd of a scenario (not started): the same EAL and app
    arguments for both drivers; net_vnet only adds `-d` and its log level."""
    o = ctx.runner.opts
    bdf = ctx.bdf[sc.mode]
    dev = bdf + (',' + sc.devargs if sc.devargs else '')
    eal = ['--lcores', '0@0,1@0', '-a', dev, '--file-prefix=' + sc.name.replace('-', '')]
    if sc.driver == 'vnet':
        eal = ['--log-level=pmd.net.vnet:info'] + eal
        if not o.installed_plugin:
            if not ctx.plugin:
                ctx.plugin = ctx.guest.stage(o.plugin)
            eal = ['-d', ctx.plugin] + eal
    if sc.group == 'q35' and sc.mode != 'modern':
        eal.append('--iova-mode=pa')   # the device bypasses the vIOMMU
    app = ['--port-topology=loop', '--total-num-mbufs=2048', '--mbuf-size=10240']
    return vmlib.GuestTestpmd(ctx.guest, name or sc.name, eal, app, testpmd=o.testpmd)


# ---------------------------------------------------------------- runner

class Runner:
    def __init__(self, opts):
        self.opts = opts
        self.logdir = opts.logdir or os.path.join(
            tempfile.gettempdir(), 'vnet-vm', time.strftime('%Y%m%d-%H%M%S'))
        os.makedirs(self.logdir, exist_ok=True)
        self.rows = []
        self.boot_times = []
        self.walls = {}
        self.boots = 0
        self._patched = self._noiommu = self._kernel = None

    def log(self, msg):
        if self.opts.verbose:
            print(msg, flush=True)

    # fixtures, resolved lazily
    def kernel(self):
        if self._kernel is None:
            self._kernel = vmlib.find_kernel(self.opts.kernel)
        return self._kernel

    def patched_qemu(self):
        if self._patched is None:
            if self.opts.qemu_patched:
                self._patched = self.opts.qemu_patched
            else:
                self.log('[vm] getting the patched QEMU (test/vm/qemu/build)')
                self._patched = vmlib.run_fixture('qemu/build', 'patched QEMU', 3600)
        return self._patched

    def noiommu_kernel(self):
        if self._noiommu is None:
            path = self.opts.noiommu_kernel
            if not path:
                self.log('[vm] getting the noiommu guest kernel (test/vm/kernel/build)')
                path = vmlib.run_fixture('kernel/build', 'noiommu kernel', 3600)
            self._noiommu = vmlib.find_kernel(path)
        return self._noiommu

    def run(self, selection):
        o = self.opts
        if any(sc.driver == 'vnet' for sc, _ in selection) and not o.installed_plugin:
            if not o.plugin or not os.path.isfile(o.plugin):
                raise VMError('net_vnet scenarios need the plugin: --plugin PATH to '
                              'librte_net_vnet.so (got %r); or select only *-virtio scenarios'
                              % o.plugin)
        for group in GROUPS:
            scs = [(sc, ph) for sc, ph in selection if sc.group == group]
            if scs:
                self._run_group(group, scs)
        return self.rows

    def _fail_all(self, scs, why):
        for sc, phases in scs:
            for ph in phases:
                self.rows.append(_row(sc, ph, why=why))

    def _run_group(self, group, scs):
        modes = [m for m in MODES if any(sc.mode == m for sc, _ in scs)]
        ctx = None
        try:
            for i, (sc, phases) in enumerate(scs):
                if ctx is None or ctx.broken:
                    if ctx:
                        self.rows.append(ctx.close())
                    ctx = Context(self, group, modes)
                    try:
                        ctx.boot()
                    except VMError as e:
                        self.log('[vm] %s: boot failed: %s' % (group, e))
                        self._fail_all(scs[i:], 'guest boot failed: %s' % str(e).splitlines()[0])
                        ctx.kill()
                        ctx = None
                        return
                self._run_scenario(ctx, sc, phases)
        except BaseException:
            if ctx:   # interrupted: no polite shutdown, kill by PID now
                ctx.kill()
                ctx = None
            raise
        finally:
            if ctx:
                row = ctx.close()
                self.rows.append(row)
                self.log('[vm] %s %s %s' % (row.name, 'PASS' if row.ok else 'FAIL', row.why))

    def _run_scenario(self, ctx, sc, phases):
        o = self.opts
        t0 = time.monotonic()
        rows = []
        tp = None
        init = None
        marks = {f: vmlib.file_size(f) for f in (ctx.guest.console, ctx.host.log_path,
                                                  ctx.guest.qemu_log)}
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, o.timeout)
        try:
            bdf = ctx.bdf[sc.mode]
            ctx.guest.run('vnet_bind %s %s' % (bdf, sc.kdrv), 30)
            tp = guest_testpmd(ctx, sc)
            tp.start()
            init = tp.wait_prompt(min(90, o.timeout))
            text = tp.text()
            tried = [d for d, _id, b in vmlib.probed_drivers(text) if b == bdf]
            want = DRIVERS[sc.driver]
            info = {'driver': '-'}
            if 'No probed ethernet devices' not in text:
                info = port_info(tp)
            owner = info['driver'] or '?'
            if not sc.traffic:
                rows.append(self._check_probe(sc, bdf, text, tried, owner))
            elif owner != want:
                why = 'expected %s to own %s, port 0 driver is %s (EAL tried: %s)' % (
                    want, bdf, owner, ','.join(tried) or 'none')
                if 'No probed ethernet devices' in text:
                    why += '; testpmd: no probed ethernet devices'
                for ph in phases:
                    rows.append(_row(sc, ph, probed=owner, why=why))
            else:
                for ph in phases:
                    if ph == 'port':
                        r = self._check_port(ctx, sc, bdf, text, info)
                    elif ph == 'stats':
                        r = self._check_stats(sc, tp)
                    elif ph == 'teardown':
                        r = self._teardown(ctx, sc, tp, marks)
                        tp = None
                    else:
                        r = self._phase(ctx, sc, tp, ph)
                    r.probed = owner
                    rows.append(r)
                    self.log('[vm]   %-40s %s %s' % (r.name, 'PASS' if r.ok else 'FAIL',
                                                    r.why if not r.ok else
                                                    '' if r.mpps is None else
                                                    '%.3f Mpps' % r.mpps))
            if tp is not None:
                rc = tp.quit(20)
                tp = None
                if not sc.traffic and rc != 0:
                    rows[-1].ok = False
                    rows[-1].why = 'guest testpmd exit status %s after quit, want 0' % rc
        except (VMError, vmlib.Interrupted) as e:
            done = {r.name for r in rows}
            for ph in phases:
                n = '%s/%s' % (sc.name, ph)
                if n not in done:
                    rows.append(_row(sc, ph, why=str(e).splitlines()[0]))
            ctx.broken = True   # unknown state: the next scenario gets a fresh boot
            if isinstance(e, vmlib.Interrupted):
                signal.setitimer(signal.ITIMER_REAL, 0)
                self.rows.extend(rows)
                raise
            self._tails(ctx, sc, str(e))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            if tp is not None and not ctx.broken:
                try:
                    tp.quit(10)
                except VMError:
                    ctx.broken = True
        wall = time.monotonic() - t0
        self.walls[sc.name] = wall
        sdir = self._keep_logs(ctx, sc, marks)
        for r in rows:
            r.wall = wall
            r.logs = [sdir]
        self.rows.extend(rows)
        bad = [r for r in rows if not r.ok]
        self.log('[vm] %s: %s in %.1f s (init %s)' % (
            sc.name, 'PASS' if not bad else 'FAIL %d/%d' % (len(bad), len(rows)), wall,
            '-' if init is None else '%.1f s' % init))
        if bad and not ctx.broken:
            self._tails(ctx, sc, bad[0].why)

    def _keep_logs(self, ctx, sc, marks):
        """Per-scenario dir: guest testpmd log, and the scenario's slices of the
        group's console, QEMU and host testpmd logs."""
        d = os.path.join(ctx.dir, sc.name)
        os.makedirs(d, exist_ok=True)
        for src, start in marks.items():
            with open(os.path.join(d, os.path.basename(src)), 'w') as f:
                f.write(vmlib.read_from(src, start))
        for ext, dst in (('log', 'guest-testpmd.log'), ('log.cmd', 'guest-testpmd.cmd')):
            src = os.path.join(ctx.guest.share, 'tp-%s.%s' % (sc.name, ext))
            if os.path.exists(src):
                shutil.copy(src, os.path.join(d, dst))
        return d

    def _tails(self, ctx, sc, why):
        if not self.opts.verbose:
            return
        log = os.path.join(ctx.guest.share, 'tp-%s.log' % sc.name) if ctx.guest else None
        print('[vm] ---- %s failed: %s' % (sc.name, why), flush=True)
        if log:
            print('[vm] ---- guest testpmd (%s) tail:\n%s' % (log, vmlib.tail(log, 25)))
        if ctx.host:
            print('[vm] ---- host testpmd (%s) tail:\n%s' % (ctx.host.log_path,
                                                           vmlib.tail(ctx.host.log_path, 15)))
        if ctx.guest:
            print('[vm] ---- guest console (%s) tail:\n%s' % (ctx.guest.console,
                                                            vmlib.tail(ctx.guest.console, 15)),
                  flush=True)

    # ------------------------------------------------------------ rows

    def _check_probe(self, sc, bdf, text, tried, owner):
        """kernel/unbound bindings: assert no port and the explanation."""
        name = '%s/probe' % sc.name
        noports = 'No probed ethernet devices' in text
        if owner != '-' or not noports:
            return _row(sc, 'probe', probed=owner,
                        why='expected no port for %s (%s), got a port owned by %s'
                        % (bdf, sc.kdrv, owner))
        if sc.binding == 'unbound':
            if tried:
                return _row(sc, 'probe', probed='-', why='EAL listed the unbound device %s '
                            '(tried %s)' % (bdf, ','.join(tried)))
            # nothing in DPDK can say why; the harness asserts the cause itself
            return _row(sc, 'probe', probed='-', ok=True, why=UNBOUND_WHY)
        why = []
        if sc.driver == 'vnet':
            lines = [l for l in text.splitlines()
                     if bdf in l and 'virtio-pci' in l and ('bind' in l or 'override' in l)]
            if not lines:
                return Row(name, '-', why='no net_vnet NOTICE naming %s, virtio-pci and the '
                                          'rebind command' % bdf, kind=sc.kind)
            why.append(lines[0].strip())
            if tried[:1] != ['net_vnet']:
                return Row(name, '-', why='EAL did not offer %s to net_vnet first (tried: %s)'
                           % (bdf, tried), kind=sc.kind)
        # what net_virtio (tried after net_vnet skips, or alone) says about it
        err = [l.strip() for l in text.splitlines()
               if 'eth_virtio_pci_init' in l or 'cannot be used' in l]
        if 'net_virtio' in tried:
            why.append('net_virtio: ' + ('; '.join(err) if err else 'no port, no message'))
        return Row(name, '-', ok=True, why=' | '.join(why), kind=sc.kind)

    def _check_port(self, ctx, sc, bdf, text, info):
        """What the driver made of the device: transport, BAR0 access, features,
        MAC and link (net_virtio: MAC and link)."""
        c = Checks()
        row = _row(sc, 'port')
        c(info['mac'] and info['mac'].lower() == ctx.mac[sc.mode],
          'port MAC %s, QEMU was given %s' % (info['mac'], ctx.mac[sc.mode]))
        c(info['link'] == 'up', 'link %s, want up' % info['link'])
        if sc.driver == 'vnet':
            mode = MODES[sc.mode]
            t = vnet_transport(text, bdf)
            if c(t, 'no net_vnet line naming the transport of %s (run with '
                 '--log-level=pmd.net.vnet:info)' % bdf):
                c(t['transport'] == mode.transport, 'transport %s, want %s'
                  % (t['transport'], mode.transport))
                if mode.transport == 'legacy':
                    want = LEGACY_ACCESS[(mode.bar0, sc.binding)]
                    c(t['bar0'] == mode.bar0, 'BAR0 %s, want %s' % (t['bar0'], mode.bar0))
                    c(t['kdrv'] == BINDINGS[sc.binding].vnet_name, 'kernel driver %s, want %s'
                      % (t['kdrv'], BINDINGS[sc.binding].vnet_name))
                    c(t['access'] == want, 'BAR0 access %s, want %s' % (t['access'], want))
                    off = legacy_config_offset(sc.mode, sc.binding)
                    c(t['cfg_off'] == off, 'device config at %s, want %d' % (t['cfg_off'], off))
                row.notes.append('%s%s' % (t['transport'], '' if t['transport'] == 'modern' else
                                           ', BAR0 %s, %s, config at %s' % (
                                               t['bar0'], t['access'], t['cfg_off'])))
            feat = vnet_features(text, bdf)
            if c(feat, 'no net_vnet line with the negotiated features of %s' % bdf):
                got, offered = feat
                c(got & ~offered == 0, 'negotiated 0x%x has bits the device did not offer '
                  '(0x%x)' % (got, offered))
                for name, on in sorted(sc.expected_features().items()):
                    bit = bool(got >> F[name] & 1)
                    c(bit == on, 'feature %s %s, want %s (features 0x%x)' % (
                        name, 'on' if bit else 'off', 'on' if on else 'off', got))
                row.notes.append('features 0x%x of 0x%x' % (got, offered))
        row.ok = not c.fails
        row.why = c.why()
        return row

    def _check_stats(self, sc, tp):
        """xstats agree with the basic counters after traffic; stats and
        xstats resets read back as zero."""
        c = Checks()
        st = tp.port_stats(0)
        xs = parse_xstats(tp.cmd('show port xstats 0'))
        pairs = [('rx_good_packets', 'rx'), ('tx_good_packets', 'tx'),
                 ('rx_good_bytes', 'rx_bytes'), ('tx_good_bytes', 'tx_bytes'),
                 ('rx_q0_packets', 'rx'), ('tx_q0_packets', 'tx'),
                 ('rx_q0_bytes', 'rx_bytes'), ('tx_q0_bytes', 'tx_bytes')]
        for x, s in pairs:
            c(xs.get(x) == st[s], 'xstat %s = %s, port stats %s = %d' % (x, xs.get(x), s, st[s]))
        c(st['rx'] > 0 and st['tx'] > 0, 'no traffic before the stats check (rx %d, tx %d)'
          % (st['rx'], st['tx']))
        c('tx_q0_kicks' in xs, 'no tx_q0_kicks xstat')
        tp.cmds(['clear port stats 0', 'clear port xstats 0'])
        st2 = tp.port_stats(0)
        xs2 = parse_xstats(tp.cmd('show port xstats 0'))
        c(all(v == 0 for k, v in st2.items() if k != 'port'), 'port stats after clear: %s' % st2)
        nz = {k: v for k, v in xs2.items() if v}
        c(xs2 and not nz, 'xstats not zero after clear: %s' % (nz or 'none read'))
        row = _row(sc, 'stats', ok=not c.fails, why=c.why())
        row.notes.append('%d xstats; before reset rx %d tx %d, kicks %s' % (
            len(xs), st['rx'], st['tx'], xs.get('tx_q0_kicks')))
        return row

    def _teardown(self, ctx, sc, tp, marks):
        """quit exits 0 in time; no crash or error signature anywhere."""
        c = Checks()
        t = time.monotonic()
        rc = tp.quit(20)
        dt = time.monotonic() - t
        c(rc == 0, 'guest testpmd exit status %s after quit, want 0%s' % (
            rc, ' (it did not exit within 20 s and was killed)' if dt >= 20 else ''))
        bad = vmlib.log_problems(tp.text(), 'app')
        c(not bad, 'guest testpmd: %s' % ' | '.join(bad[:3]))
        for path, kind, what in ((ctx.guest.console, 'kernel', 'guest console'),
                                 (ctx.host.log_path, 'app', 'host testpmd'),
                                 (ctx.guest.qemu_log, 'qemu', 'QEMU')):
            bad = vmlib.log_problems(vmlib.read_from(path, marks[path]), kind)
            c(not bad, '%s: %s' % (what, ' | '.join(bad[:3])))
        row = _row(sc, 'teardown', ok=not c.fails, why=c.why())
        row.notes.append('quit took %.1f s' % dt)
        return row

    def _set_mtu(self, c, tp, mtu):
        out = tp.cmd('port config mtu 0 %d' % mtu)
        got = port_info(tp)['mtu']
        c(got == str(mtu), 'MTU %s after `port config mtu 0 %d`: %r' % (got, mtu,
                                                                        out.strip()[-200:]))

    def _phase(self, ctx, sc, tp, ph):
        o = self.opts
        spec = PHASES[ph]
        side, P = ctx.side, ctx.port[sc.mode]
        c = Checks()
        if spec.mtu:
            self._set_mtu(c, tp, spec.mtu)
            out = tp.cmd('port config mtu 0 65535')
            c(port_info(tp)['mtu'] == str(spec.mtu), 'MTU changed by an out-of-range '
              '`port config mtu 0 65535`: %r' % out.strip()[-200:])
        res = traffic.run_phase(side, P, tp, spec, o.seconds, guest_refused=lambda out: c(
            False, 'guest testpmd refused a command: %r' % out.strip()[-300:]))
        if spec.mtu:
            self._set_mtu(c, tp, 1500)
        if o.show_stats:
            print('[vm] %s/%s: guest port 0 (%s, %.1f s of traffic): %s' % (
                sc.name, ph, sc.driver, res.dt, res.g))
            print('[vm] %s/%s: host port %d (%s): %s' % (sc.name, ph, P, sc.backend, res.hs),
                  flush=True)
        for f in traffic.check_counts(spec, res, o.min_loop if spec.host_fwd == 'io'
                                      else o.min_packets, o.ring_slack):
            c(False, f)
        g, hs = res.g, res.hs
        gp = g['tx'] if spec.host_fwd == 'rxonly' else g['rx']
        hp = hs['tx'] if spec.host_fwd == 'txonly' else hs['rx']
        recv = traffic.flows(spec, res)[0][2]
        row = _row(sc, ph, guest=gp, host=hp, mpps=recv / res.dt / 1e6, ok=not c.fails,
                   why=c.why())
        if res.restarted:
            row.notes.append(res.restarted)
        row.notes.append('guest %s; host %s; %.1f s' % (
            {k: g[k] for k in ('rx', 'tx', 'rx_bytes', 'tx_bytes')},
            {k: hs[k] for k in ('rx', 'tx', 'rx_bytes', 'tx_bytes')}, res.dt))
        return row


# ---------------------------------------------------------------- reports

KIND_TITLES = [('vnet', 'net_vnet rows'), ('baseline', 'net_virtio baseline rows'),
               ('eal', 'EAL-only rows (no PMD sees the device)'),
               ('harness', 'guest boot shutdown rows')]


def summary(rows, runner=None):
    """The table, a reason list for failures, per-kind counts and the closing line."""
    hdr = ('row', 'kind', 'driver probed', 'packets guest side', 'packets host side', 'Mpps',
           'PASS/FAIL')
    body = []
    for r in rows:
        body.append((r.name, r.kind, r.probed or '-', '-' if r.guest is None else str(r.guest),
                     '-' if r.host is None else str(r.host),
                     '-' if r.mpps is None else '%.3f' % r.mpps, 'PASS' if r.ok else 'FAIL'))
    w = [max(len(x[i]) for x in [hdr] + body) for i in range(len(hdr))]
    fmt = ' | '.join('%%-%ds' % n for n in w)
    lines = [fmt % hdr, '-+-'.join('-' * n for n in w)] + [fmt % b for b in body]
    notes = [r for r in rows if not r.ok or r.why]
    if notes:
        lines.append('')
        for r in notes:
            lines.append('%s %s: %s' % ('FAIL' if not r.ok else 'note', r.name, r.why))
    if runner is not None:
        lines.append('')
        for g, boot, total in runner.boot_times:
            lines.append('boot %s: agent up %.1f s after QEMU start' % (g, boot))
        if runner.walls:
            slow = ['%s %.0f s' % (k, v) for k, v in runner.walls.items() if v > runner.opts.budget]
            lines.append('scenario wall time: max %.1f s, total %.1f s over %d scenarios%s' % (
                max(runner.walls.values()), sum(runner.walls.values()), len(runner.walls),
                ('; over the %d s budget: %s' % (runner.opts.budget, ', '.join(slow)))
                if slow else ''))
        lines.append('logs: %s' % runner.logdir)
    lines.append('')
    for kind, title in KIND_TITLES:
        k = [r for r in rows if r.kind == kind]
        if k:
            n = sum(1 for r in k if r.ok)
            lines.append('%-42s %4d passed, %4d failed' % (title + ':', n, len(k) - n))
    npass = sum(1 for r in rows if r.ok)
    lines.append('%d passed, %d failed' % (npass, len(rows) - npass))
    return '\n'.join(lines)


def write_results(runner, path):
    with open(path, 'w') as f:
        json.dump({'rows': [vars(r) for r in runner.rows],
                   'boots': runner.boot_times, 'walls': runner.walls}, f, indent=1)
