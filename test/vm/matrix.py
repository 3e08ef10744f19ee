"""The VM scenario matrix (issue 3): device mode x binding x driver, with phases.

A scenario is <mode>-<binding>-<driver>, e.g. modern-uio-vnet; its phases are
guest-tx, host-tx, loop-64, loop-1500, loop-9000 (traffic bindings) or probe
(kernel/unbound bindings).  Rows of the summary are scenario/phase.

Scenarios sharing a machine setup (a "group": machine type, kernel, QEMU) share
one guest boot: the guest gets one NIC per device mode, each on its own vhost
port of one host backend, and every scenario binds its NIC, runs its own guest
testpmd (its wall time is what is budgeted) and unbinds nothing.
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

import vmlib
from vmlib import VMError

REPO = os.path.dirname(os.path.dirname(vmlib.HERE))

# name -> (virtio-net-pci properties, is legacy-only, needs the patched QEMU)
MODES = collections.OrderedDict([
    ('modern', ('disable-legacy=on', False, False)),
    ('transitional', ('disable-legacy=off', False, False)),
    ('legacy', ('disable-modern=on', True, False)),
    ('legacy-novec', ('disable-modern=on,vectors=0', True, False)),
    ('legacy-mmio', ('disable-modern=on,legacy-bar-mmio=on', True, True)),
])

# name -> (guest/lib.sh binding, group, traffic?)
BINDINGS = collections.OrderedDict([
    ('uio', ('uio_pci_generic', 'pc', True)),
    ('igb_uio', ('igb_uio', 'pc', True)),
    ('vfio', ('vfio-pci', 'q35', True)),
    ('noiommu', ('vfio-pci-noiommu', 'noiommu', True)),
    ('kernel', ('virtio-pci', 'pc', False)),
    ('unbound', ('none', 'pc', False)),
])

DRIVERS = collections.OrderedDict([('vnet', 'net_vnet'), ('virtio', 'net_virtio')])
TRAFFIC_PHASES = ['guest-tx', 'host-tx', 'loop-64', 'loop-1500', 'loop-9000']
GROUPS = ['pc', 'q35', 'noiommu']

# Per-mode NIC slot on the root bus (pc and q35), and the q35 root port slot
# for the modern NIC (ATS needs a PCIe port).
SLOTS = {'modern': 4, 'transitional': 5, 'legacy': 6, 'legacy-novec': 7, 'legacy-mmio': 8}
Q35_ROOT_PORT_SLOT = 9

UNBOUND_WHY = ('no kernel driver bound: DPDK >= 20.08 does not list such a device on its PCI '
               'bus, so no PMD (net_vnet or net_virtio) ever sees it; bind it with '
               'dpdk-devbind.py -b vfio-pci|uio_pci_generic|igb_uio <BDF>')


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Scenario:
    def __init__(self, mode, binding, driver):
        self.mode, self.binding, self.driver = mode, binding, driver
        self.name = '%s-%s-%s' % (mode, binding, driver)
        self.kdrv, self.group, self.traffic = BINDINGS[binding]
        self.phases = list(TRAFFIC_PHASES) if self.traffic else ['probe']

    def __repr__(self):
        return self.name


def all_scenarios():
    return [Scenario(m, b, d) for b in BINDINGS for m in MODES for d in DRIVERS]


def select(patterns):
    """[(Scenario, [phase...])] for fnmatch patterns on 'scenario' or 'scenario/phase'."""
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
        if phases:
            out.append((sc, phases))
    unknown = [p for p in patterns if p not in used]
    if unknown:
        raise VMError('no scenario matches %s; see `vnet-vm list`' % ', '.join(unknown))
    return out


class Row:
    def __init__(self, name, probed='', guest=None, host=None, mpps=None, ok=False,
                 why='', wall=None):
        self.name, self.probed, self.guest, self.host = name, probed, guest, host
        self.mpps, self.ok, self.why, self.wall = mpps, ok, why, wall
        self.logs = []


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
    seconds = 2.0
    max_seconds = 10.0
    min_packets = 100000
    min_loop = 10000
    timeout = 120
    budget = 60
    verbose = True
    show_stats = False


class Context:
    """One booted guest + host backend for a group."""

    def __init__(self, runner, group, modes):
        self.runner, self.group, self.modes = runner, group, modes
        self.host = self.guest = None
        self.bdf = {}
        self.port = {}
        self.broken = False
        self.plugin = None   # its path in the guest, staged on first use
        self.dir = os.path.join(runner.logdir, group + ('-%d' % runner.boots))
        runner.boots += 1

    def boot(self):
        o = self.runner.opts
        os.makedirs(self.dir, exist_ok=True)
        needs_patched = any(MODES[m][2] for m in self.modes)
        qemu = self.runner.patched_qemu() if needs_patched else o.qemu
        if self.group == 'noiommu':
            kernel = self.runner.noiommu_kernel()
        else:
            kernel = self.runner.kernel()
        initrd = vmlib.build_initramfs(kernel, log=self.runner.log)
        ports = []
        nics = []
        pre, append, machine = [], '', 'pc'
        if self.group == 'q35':
            machine = 'q35'
            pre = ['intel-iommu,intremap=on,caching-mode=on,device-iotlb=on']
            append = 'intel_iommu=on'
        elif self.group == 'noiommu':
            append = 'vfio.enable_unsafe_noiommu_mode=1'
        for m in self.modes:
            props = MODES[m][0]
            iommu = self.group == 'q35' and m == 'modern'
            p = vmlib.VhostPort(m, iommu=iommu)
            ports.append(p)
            if iommu:
                nic = vmlib.Nic(p, props + ',iommu_platform=on,ats=on',
                                root_port=Q35_ROOT_PORT_SLOT)
            else:
                nic = vmlib.Nic(p, props, addr=SLOTS[m])
            nics.append(nic)
        self.sockdir = tempfile.mkdtemp(prefix='vnetvm-')
        self.host = vmlib.HostBackend(self.dir, ports, testpmd=o.testpmd, mbuf_size=10240,
                                      sockdir=self.sockdir)
        t = time.monotonic()
        self.host.start()
        self.guest = vmlib.Guest(self.dir, kernel, initrd, nics, qemu=qemu, machine=machine,
                                 append=append, pre_devices=pre)
        self.guest.start()
        boot = self.guest.wait_agent()
        self.guest.run('vnet_hugepages 128', 30)
        for m, nic, p in zip(self.modes, nics, ports):
            _, out = self.guest.run('vnet_bdf %s' % nic.path, 15)
            self.bdf[m] = out.strip().splitlines()[-1]
            self.port[m] = p.index
        self.runner.log('[vm] %s: guest up in %.1f s (qemu %s, kernel %s, NICs %s)' % (
            self.group, boot, qemu, kernel.path,
            ', '.join('%s=%s' % (m, self.bdf[m]) for m in self.modes)))
        self.runner.boot_times.append((self.group, boot, time.monotonic() - t))

    def kill(self):
        if self.guest:
            self.guest.kill()
        if self.host:
            vmlib.stop_proc(self.host.proc, grace=2)

    def close(self):
        if self.guest:
            self.guest.shutdown(20)
        if self.host:
            self.host.stop()
        if getattr(self, 'sockdir', None):
            shutil.rmtree(self.sockdir, ignore_errors=True)


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
                self.rows.append(Row('%s/%s' % (sc.name, ph), ok=False, why=why))

    def _run_group(self, group, scs):
        modes = [m for m in MODES if any(sc.mode == m for sc, _ in scs)]
        ctx = None
        try:
            for i, (sc, phases) in enumerate(scs):
                if ctx is None or ctx.broken:
                    if ctx:
                        ctx.close()
                    ctx = Context(self, group, modes)
                    try:
                        ctx.boot()
                    except VMError as e:
                        self.log('[vm] %s: boot failed: %s' % (group, e))
                        self._fail_all(scs[i:], 'guest boot failed: %s' % str(e).splitlines()[0])
                        ctx.close()
                        return
                self._run_scenario(ctx, sc, phases)
        except BaseException:
            if ctx:   # interrupted: no polite shutdown, kill by PID now
                ctx.kill()
            raise
        finally:
            if ctx:
                ctx.close()

    def _run_scenario(self, ctx, sc, phases):
        o = self.opts
        t0 = time.monotonic()
        rows = []
        tp = None
        init = None
        marks = {f: _size(f) for f in (ctx.guest.console, ctx.host.log_path)}
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, o.timeout)
        try:
            bdf = ctx.bdf[sc.mode]
            ctx.guest.run('vnet_bind %s %s' % (bdf, sc.kdrv), 30)
            eal = ['--lcores', '0@0,1@0', '-a', bdf, '--file-prefix=' + sc.name.replace('-', '')]
            if sc.driver == 'vnet' and not o.installed_plugin:
                if not ctx.plugin:
                    ctx.plugin = ctx.guest.stage(o.plugin)
                eal = ['-d', ctx.plugin] + eal
            if sc.group == 'q35' and sc.mode != 'modern':
                eal.append('--iova-mode=pa')   # the device bypasses the vIOMMU
            app = ['--port-topology=loop', '--total-num-mbufs=2048', '--mbuf-size=10240']
            tp = vmlib.GuestTestpmd(ctx.guest, sc.name, eal, app, testpmd=o.testpmd)
            tp.start()
            init = tp.wait_prompt(min(90, o.timeout))
            text = tp.text()
            tried = [d for d, _id, b in vmlib.probed_drivers(text) if b == bdf]
            want = DRIVERS[sc.driver]
            owner = '-'
            if 'No probed ethernet devices' not in text:
                info = tp.cmd('show port info 0')
                m = re.search(r'Driver name:\s*(\S+)', info)
                owner = m.group(1) if m else '?'
            if not sc.traffic:
                rows.append(self._check_probe(sc, bdf, text, tried, owner))
            elif owner != want:
                why = 'expected %s to own %s, port 0 driver is %s (EAL tried: %s)' % (
                    want, bdf, owner, ','.join(tried) or 'none')
                if 'No probed ethernet devices' in text:
                    why += '; testpmd: no probed ethernet devices'
                for ph in phases:
                    rows.append(Row('%s/%s' % (sc.name, ph), owner, why=why))
            else:
                for ph in phases:
                    r = self._phase(ctx, sc, tp, ph)
                    r.probed = owner
                    rows.append(r)
                    self.log('[vm]   %-36s %s %s' % (r.name, 'PASS' if r.ok else 'FAIL',
                                                    r.why if not r.ok else
                                                    '%.3f Mpps' % (r.mpps or 0)))
            tp.quit(20)
            tp = None
        except (VMError, vmlib.Interrupted) as e:
            done = {r.name for r in rows}
            for ph in phases:
                n = '%s/%s' % (sc.name, ph)
                if n not in done:
                    rows.append(Row(n, why=str(e).splitlines()[0]))
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
        group's console and host testpmd logs."""
        d = os.path.join(ctx.dir, sc.name)
        os.makedirs(d, exist_ok=True)
        for src, start in marks.items():
            try:
                with open(src, 'rb') as f:
                    f.seek(start)
                    data = f.read()
                with open(os.path.join(d, os.path.basename(src)), 'wb') as f:
                    f.write(data)
            except OSError:
                pass
        for ext, dst in (('log', 'guest-testpmd.log'), ('log.cmd', 'guest-testpmd.cmd')):
            src = os.path.join(ctx.guest.share, 'tp-%s.%s' % (sc.name, ext))
            if os.path.exists(src):
                shutil.copy(src, os.path.join(d, dst))
        return d

    def _tails(self, ctx, sc, why):
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

    def _check_probe(self, sc, bdf, text, tried, owner):
        """kernel/unbound bindings: assert no port and the explanation."""
        name = '%s/probe' % sc.name
        noports = 'No probed ethernet devices' in text
        if owner != '-' or not noports:
            return Row(name, owner, why='expected no port for %s (%s), got a port owned by %s'
                       % (bdf, sc.kdrv, owner))
        if sc.binding == 'unbound':
            if tried:
                return Row(name, '-', why='EAL listed the unbound device %s (tried %s)'
                           % (bdf, ','.join(tried)))
            # nothing in DPDK can say why; the harness asserts the cause itself
            return Row(name, '-', ok=True, why=UNBOUND_WHY)
        why = []
        if sc.driver == 'vnet':
            lines = [l for l in text.splitlines()
                     if bdf in l and 'virtio-pci' in l and ('bind' in l or 'override' in l)]
            if not lines:
                return Row(name, '-', why='no net_vnet NOTICE naming %s, virtio-pci and the '
                                          'rebind command' % bdf)
            why.append(lines[0].strip())
        # what net_virtio (tried after net_vnet skips, or alone) says about it
        err = [l.strip() for l in text.splitlines()
               if 'eth_virtio_pci_init' in l or 'cannot be used' in l]
        if 'net_virtio' in tried:
            why.append('net_virtio: ' + ('; '.join(err) if err else 'no port, no message'))
        return Row(name, '-', ok=True, why=' | '.join(why))

    def _traffic(self, h, P, key, need):
        """Let traffic run: at least --seconds, then until the host-side counter
        shows need (+10%) or --max-seconds pass.  Returns the start time."""
        o = self.opts
        t = time.monotonic()
        time.sleep(o.seconds)
        while time.monotonic() - t < o.max_seconds:
            if h.port_stats(P)[key] >= need * 1.1:
                break
            time.sleep(0.5)
        return t

    def _phase(self, ctx, sc, tp, ph):
        o = self.opts
        h, P = ctx.host, ctx.port[sc.mode]
        name = '%s/%s' % (sc.name, ph)
        h.cmd('stop')
        h.cmd('set portlist %d' % P)
        # Drain what the guest sent after the host stopped in the previous
        # phase (a loop leaves its in-flight frames in the guest's tx ring),
        # so stale frames of another size are not counted in this phase.
        h.cmd('set fwd rxonly')
        h.cmd('start')
        time.sleep(0.3)
        h.cmd('stop')
        h.cmd('clear port stats %d' % P)
        if ph == 'guest-tx':
            h.cmd('set fwd rxonly')
            h.cmd('start')
            tp.cmds(['clear port stats 0', 'set fwd txonly', 'start'])
            t = self._traffic(h, P, 'rx', o.min_packets)
            gout = tp.cmds(['stop', 'show port stats 0'])
            dt = time.monotonic() - t
            time.sleep(0.2)
            h.cmd('stop')
        elif ph == 'host-tx':
            h.cmd('set fwd txonly')
            h.cmd('set txpkts 64')
            tp.cmds(['clear port stats 0', 'set fwd rxonly', 'start'])
            h.cmd('start')
            t = self._traffic(h, P, 'tx', o.min_packets)
            h.cmd('stop')
            dt = time.monotonic() - t
            time.sleep(0.2)
            gout = tp.cmds(['stop', 'show port stats 0'])
        else:
            size = int(ph.split('-')[1])
            h.cmd('set fwd io')
            out = h.cmd('set txpkts %d' % size)
            if 'rror' in out or 'nvalid' in out:
                raise VMError('host rejected set txpkts %d: %s' % (size, out.strip()[-300:]))
            tp.cmds(['clear port stats 0', 'set fwd io', 'start'])
            h.cmd('start tx_first 4')
            t = self._traffic(h, P, 'rx', o.min_loop)
            h.cmd('stop')
            dt = time.monotonic() - t
            gout = tp.cmds(['stop', 'show port stats 0'])
        g = vmlib.parse_port_stats(gout)
        if g is None:
            raise VMError('no guest port stats in: %s' % gout[-500:])
        if o.show_stats:
            hout = h.cmd('show port stats %d' % P)
            print('[vm] %s: guest port 0 (%s, %.1f s of traffic):%s' % (
                name, sc.driver, dt, gout[gout.find('\n  ####'):].rstrip()))
            print('[vm] %s: host port %d (net_vhost):%s' % (
                name, P, hout[hout.find('\n  ####'):].rstrip()), flush=True)
        hs = h.port_stats(P)
        if ph == 'guest-tx':
            gp, hp, need = g['tx'], hs['rx'], o.min_packets
            mpps = hp / dt / 1e6
            ok = gp >= need and hp >= need
            why = '' if ok else 'guest tx %d, host rx %d: need >= %d each' % (gp, hp, need)
        elif ph == 'host-tx':
            gp, hp, need = g['rx'], hs['tx'], o.min_packets
            mpps = gp / dt / 1e6
            ok = gp >= need and hp >= need
            why = '' if ok else 'guest rx %d, host tx %d: need >= %d each' % (gp, hp, need)
        else:
            gp, hp, need = g['rx'], hs['rx'], o.min_loop
            mpps = gp / dt / 1e6
            avg = g['rx_bytes'] / g['rx'] if g['rx'] else 0
            ok = gp >= need and hp >= need and abs(avg - size) <= 4
            why = '' if ok else ('guest rx %d (%.0f B avg), host rx %d: need >= %d each of '
                                 '%d B' % (gp, avg, hp, need, size))
        return Row(name, guest=gp, host=hp, mpps=mpps, ok=ok, why=why)


def summary(rows, runner=None):
    """The table, a reason list for failures, and the closing count line."""
    hdr = ('scenario', 'driver probed', 'packets guest side', 'packets host side', 'Mpps',
           'PASS/FAIL')
    body = []
    for r in rows:
        body.append((r.name, r.probed or '-', '-' if r.guest is None else str(r.guest),
                     '-' if r.host is None else str(r.host),
                     '-' if r.mpps is None else '%.3f' % r.mpps, 'PASS' if r.ok else 'FAIL'))
    w = [max(len(x[i]) for x in [hdr] + body) for i in range(len(hdr))]
    fmt = ' | '.join('%%-%ds' % n for n in w)
    lines = [fmt % hdr, '-+-'.join('-' * n for n in w)] + [fmt % b for b in body]
    notes = [r for r in rows if r.why]
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
    npass = sum(1 for r in rows if r.ok)
    lines.append('%d passed, %d failed' % (npass, len(rows) - npass))
    return '\n'.join(lines)


def write_results(runner, path):
    with open(path, 'w') as f:
        json.dump({'rows': [vars(r) for r in runner.rows],
                   'boots': runner.boot_times, 'walls': runner.walls}, f, indent=1)
