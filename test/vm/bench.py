"""bench: A/B throughput of net_vnet against DPDK's net_virtio (stdlib only).

  test/vm/bench.py --plugin build/drivers/librte_net_vnet.so [--quick] [--runs N]
  /usr/bin/python3 test/vm/bench.py plot results.json ratio.png    # needs matplotlib

One guest boot per (mode, binding) cell (matrix.Context: the device, guest
and host backend of the VM matrix); in it the guest testpmd is restarted for
each run, alternating A = net_vnet (`-d librte_net_vnet.so`, it claims the
device first) and B = net_virtio (plain testpmd), --runs times each.  A run
is every selected (traffic, size) phase of traffic.py in one testpmd.

Per phase: the host counter of the receiving direction over the phase's
last second, timed on the host (TimedSide): the host Mpps; the guest's
counter over the whole phase: the guest Mpps; notifies: net_vnet's kicks
xstats, and for both drivers the kick eventfds' counts read from
/proc/<backend>/fdinfo (DPDK's vhost backend polls and never reads them, so
each count is the number of guest notifies QEMU forwarded; ring.py counts them).  After the
throughput runs, one short run per driver reads the guest testpmd forwarding
lcore's /proc/<pid>/task/<tid>/io (syscr + syscw) before and after each phase.

Every VM cell holds the global VM lock (/tmp/vnet-vm.lock); QEMU's vCPU
thread, its other threads and the backend's threads are pinned (PINS) before
every run; the load of processes other than ours is sampled at the start of
each cell and before each run: above LOAD_MAX the table header says WARNING.
"""

import argparse
import collections
import fcntl
import json
import os
import re
import statistics
import subprocess
import sys
import time

import matrix
import traffic
import vmlib
from vmlib import VMError

sys.path.insert(0, os.path.join(vmlib.HERE, 'features', 'ring'))
# Notifies counted from outside: the growth of the vhost-user kick eventfds
# the backend shares with QEMU (the polling backend never reads them).
from ring import outside_kicks, vhost_eventfds  # noqa: E402

# ---------------------------------------------------------------- tables

DRIVERS = ['vnet', 'virtio']        # A, B: matrix.DRIVERS keys
BENCH_MODES = ['modern', 'legacy', 'legacy-mmio']
# bench binding -> matrix.BINDINGS key, by transport: vfio means the vIOMMU
# (q35) for a modern device and vfio noiommu for a legacy one.
BENCH_BINDINGS = collections.OrderedDict([
    ('uio', {'modern': 'uio', 'legacy': 'uio'}),
    ('vfio', {'modern': 'vfio', 'legacy': 'noiommu'}),
])
# traffic -> the traffic.py phase whose shape it takes (its size is replaced)
TRAFFIC = collections.OrderedDict([
    ('guest-tx', 'guest-tx'),     # guest txonly -> host rxonly
    ('host-tx', 'host-tx'),       # host txonly -> guest rxonly
    ('loop', 'loop-64'),          # host io <-> guest io
])
SIZES = [64, 1518]
# vhost: DPDK's polling vhost-user PMD in a host testpmd (asks for no
# notifies); notify: QEMU's own virtio-net on loopback UDP (vmlib.UdpBackend),
# which processes the tx ring only when kicked; it only receives at speed,
# so only guest-tx runs on it.
BACKENDS = collections.OrderedDict([('vhost', list(TRAFFIC)), ('notify', ['guest-tx'])])
# Which host cpu each thread runs on: the TCG vCPU (the guest's polling)
# alone on cpu 0; QEMU's other threads (main loop, 9p, RCU, workers) and every
# thread of the backend testpmd (its polling lcore too) on cpu 1.
PINS = collections.OrderedDict([('qemu-vcpu', 0), ('qemu-other', 1), ('backend', 1)])
LOAD_MAX = 1.5      # runnable tasks of other processes, averaged
LOCK = '/tmp/vnet-vm.lock'
LABEL = 'QEMU TCG guest, 2-core host: compare ratios, not absolute rates'

Profile = collections.namedtuple('Profile', 'modes bindings sizes traffic runs seconds sys_seconds')
QUICK = Profile(['modern'], ['uio'], [64], list(TRAFFIC), 5, 1.5, 1.0)
FULL = Profile(BENCH_MODES, list(BENCH_BINDINGS), SIZES, list(TRAFFIC), 5, 1.5, 1.0)


def spec_of(traffic_name, size):
    """The traffic.py Phase of a (traffic, size) row."""
    p = traffic.PHASES[TRAFFIC[traffic_name]]
    if p.guest_txpkts:
        return p._replace(size=size, guest_txpkts=str(size))
    return p._replace(size=size)


def matrix_binding(bench_binding, mode):
    return BENCH_BINDINGS[bench_binding][matrix.MODES[mode].transport]


# ---------------------------------------------------------------- host-side helpers

def _tasks(pid):
    try:
        return sorted(int(t) for t in os.listdir('/proc/%d/task' % pid))
    except OSError:
        return []


def _comm(pid, tid):
    try:
        with open('/proc/%d/task/%d/comm' % (pid, tid)) as f:
            return f.read().strip()
    except OSError:
        return '?'


def vcpu_threads(guest):
    """QEMU's vCPU thread ids, from its monitor (`info cpus`, what QMP
    query-cpus-fast returns as thread-id)."""
    tids = [int(x) for x in re.findall(r'thread_id=(\d+)', guest.hmp('info cpus'))]
    if not tids:
        raise VMError('QEMU monitor `info cpus` named no vCPU thread')
    return tids


def pin(ctx, vcpus, log=None):
    """Pin every thread of QEMU and of the backend per PINS; a line saying so."""
    qpid = ctx.guest.proc.pid
    hpid = ctx.host.proc.pid if getattr(ctx.host, 'proc', None) else None
    got = collections.OrderedDict((k, []) for k in PINS)
    reader = getattr(ctx.host, 'reader_tid', None)
    if hpid is None and reader:   # vmlib.UdpBackend: a thread of this harness
        try:
            os.sched_setaffinity(reader, {PINS['backend']})
            got['backend'].append('%d(udp-reader)' % reader)
        except OSError as e:
            raise VMError('cannot pin the UDP backend thread %d: %s' % (reader, e))
    elif hpid is None:
        raise VMError('the UDP backend has no counting thread to pin')
    for pid, kind in ((qpid, 'qemu'), (hpid, 'backend')):
        if pid is None:
            continue
        for t in _tasks(pid):
            k = ('qemu-vcpu' if t in vcpus else 'qemu-other') if kind == 'qemu' else 'backend'
            try:
                os.sched_setaffinity(t, {PINS[k]})
            except OSError:
                continue   # a worker thread that just ended
            got[k].append('%d(%s)' % (t, _comm(pid, t)))
    line = '; '.join('%s -> cpu%d: %s' % (k, PINS[k], ' '.join(v)) for k, v in got.items())
    if log:
        log('[bench] pinning: ' + line)
    return line


def _ours():
    """PIDs of this process and its descendants."""
    parent = {}
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/stat' % d) as f:
                    s = f.read()
                parent[int(d)] = int(s[s.rfind(')') + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    mine = {os.getpid()}
    for _ in range(20):   # depth bound
        more = {p for p, pp in parent.items() if pp in mine} - mine
        if not more:
            break
        mine |= more
    return mine


def others_load(seconds=1.0, step=0.1):
    """Runnable tasks of processes other than ours, averaged over seconds."""
    mine = _ours()
    n = samples = 0
    end = time.monotonic() + seconds
    while samples < 100 and time.monotonic() < end:
        for d in os.listdir('/proc'):
            if not d.isdigit() or int(d) in mine:
                continue
            try:
                for t in os.listdir('/proc/%s/task' % d):
                    with open('/proc/%s/task/%s/stat' % (d, t)) as f:
                        s = f.read()
                    n += s[s.rfind(')') + 2] == 'R'
            except OSError:
                pass
        samples += 1
        time.sleep(step)
    return n / max(1, samples)


def loadavg():
    with open('/proc/loadavg') as f:
        return f.read().split()[0]


def syscw(pid, tid):
    """Write syscalls of one host thread so far (/proc/PID/task/TID/io), or None."""
    try:
        with open('/proc/%d/task/%d/io' % (pid, tid)) as f:
            return int(re.search(r'^syscw:\s*(\d+)', f.read(), re.M).group(1))
    except (OSError, AttributeError):
        return None


class TimedSide:
    """A traffic.py side that notes when each stats read happened, so the
    receiving counter's last-second rate is timed on the host."""

    def __init__(self, side):
        self.side = side
        self.reads = []

    def __getattr__(self, name):
        return getattr(self.side, name)

    def stats(self, P):
        t0 = time.monotonic()
        st = self.side.stats(P)
        self.reads.append(((t0 + time.monotonic()) / 2, st))
        return st


class UdpSide:
    """traffic.py's side for vmlib.UdpBackend: it counts what the guest sends."""

    injects = False

    def __init__(self, h):
        self.h = h

    def begin(self, P):
        time.sleep(0.3)   # the guest's leftovers arrive
        p = self.h.ports[P]
        p.rx = p.rx_bytes = p.tx = p.tx_bytes = 0

    def receive(self, P):
        pass

    halt = receive

    def prepare_send(self, P, size):
        raise VMError('the notify backend cannot send at speed: guest-tx only')

    prepare_loop = prepare_send

    def stats(self, P):
        return dict(self.h.port_stats(P), rx_nombuf=0, tx_errors=0)


class VmLock:
    """flock on the global VM lock, waited for in bounded steps."""

    def __init__(self, path=LOCK, wait=3600, log=print):
        self.path, self.wait, self.log = path, wait, log
        self.f = None

    def __enter__(self):
        self.f = open(self.path, 'a')
        end = time.monotonic() + self.wait
        said = False
        while True:
            try:
                fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > end:
                    raise VMError('VM lock %s still held by another user after %d s'
                                  % (self.path, self.wait))
                if not said:
                    self.log('[bench] waiting for the VM lock %s' % self.path)
                    said = True
                time.sleep(1)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()


# ---------------------------------------------------------------- one cell

class Bench:
    def __init__(self, args):
        self.a = args
        o = matrix.Options()
        o.plugin, o.testpmd, o.monitor = args.plugin, args.testpmd, True
        o.udp = args.backend == 'notify'
        o.kernel, o.noiommu_kernel, o.qemu_patched = args.kernel, args.noiommu_kernel, args.qemu_patched
        o.logdir = os.path.join(args.out, 'logs')
        o.verbose = True
        self.runner = matrix.Runner(o)
        self.runs = []       # raw throughput runs
        self.sys = []        # raw syscall runs
        self.cells = []      # per cell: pinning, loads, walls
        self.n = 0
        self.t0 = time.monotonic()

    def log(self, msg):
        print('%s [+%.0fs]' % (msg, time.monotonic() - self.t0) if msg.startswith('[bench]')
              else msg, flush=True)

    def fixtures(self, cells):
        """Resolve the kernel(s) and the patched QEMU before anything is timed."""
        r = self.runner
        r.kernel()
        for mode, b in cells:
            if matrix.MODES[mode].patched:
                r.patched_qemu()
            if matrix.BINDINGS[matrix_binding(b, mode)].group == 'noiommu':
                r.noiommu_kernel()

    def cell(self, mode, bbind):
        a = self.a
        mb = matrix_binding(bbind, mode)
        group = matrix.BINDINGS[mb].group
        info = {'mode': mode, 'binding': bbind, 'matrix_binding': mb, 'group': group}
        with VmLock(log=self.log):
            t0 = time.monotonic()
            info['loadavg_start'] = loadavg()
            info['others_start'] = others_load(2.0)
            self.log('[bench] %s/%s: load average %s, other processes\' runnable tasks %.2f'
                     % (mode, bbind, info['loadavg_start'], info['others_start']))
            ctx = matrix.Context(self.runner, group, [mode])
            info['others'] = [info['others_start']]
            try:
                ctx.boot()
                if a.backend == 'notify':
                    ctx.side = UdpSide(ctx.host)
                vcpus = vcpu_threads(ctx.guest)
                info['pinning'] = pin(ctx, vcpus, self.log)
                bdf = ctx.bdf[mode]
                ctx.guest.run('vnet_bind %s %s' % (bdf, matrix.BINDINGS[mb].kdrv), 30)
                for run in range(a.runs):
                    for drv in DRIVERS:
                        info['others'].append(others_load(0.5))
                        pin(ctx, vcpus)
                        self.one_run(ctx, vcpus, mode, bbind, mb, drv, run)
                for drv in DRIVERS:
                    self.sys_run(ctx, mode, bbind, mb, drv)
            except BaseException:
                ctx.kill()
                raise
            finally:
                if ctx.m:
                    row = ctx.close()
                    info['shutdown'] = row.ok
            info['wall_s'] = time.monotonic() - t0
        self.cells.append(info)

    def _tp(self, ctx, mode, mb, drv, tag):
        sc = matrix.Scenario(mode, mb, drv)
        self.n += 1
        tp = matrix.guest_testpmd(ctx, sc, name='%s-%s-%d' % (sc.name, tag, self.n))
        tp.start()
        init = tp.wait_prompt(90)
        owner = matrix.port_info(tp)['driver']
        if owner != matrix.DRIVERS[drv]:
            tp.quit(20)
            raise VMError('%s: port 0 is driven by %s, want %s' % (sc.name, owner,
                                                                 matrix.DRIVERS[drv]))
        return tp, init

    def _phases(self, sizes=None):
        return [(t, s) for t in self.a.traffic for s in (sizes or self.a.sizes)]

    def one_run(self, ctx, vcpus, mode, bbind, mb, drv, run):
        a = self.a
        tp, init = self._tp(ctx, mode, mb, drv, 'r%d' % run)
        P, qpid = ctx.port[mode], ctx.guest.proc.pid
        try:
            for tname, size in self._phases():
                spec = spec_of(tname, size)
                tp.cmd('clear port xstats 0')
                side = TimedSide(ctx.side)
                vhost = a.backend == 'vhost'   # QEMU reads its own kick eventfds
                k0, w0 = vhost and vhost_eventfds(ctx), syscw(qpid, vcpus[0])
                res = traffic.run_phase(side, P, tp, spec, a.seconds)
                k1, w1 = vhost and vhost_eventfds(ctx), syscw(qpid, vcpus[0])
                xs = matrix.parse_xstats(tp.cmd('show port xstats 0'))
                fails = traffic.check_counts(spec, res, 1000, 256)
                (t1, s1), (t2, s2) = side.reads[0], side.reads[1]
                key = 'tx' if spec.host_fwd == 'txonly' else 'rx'
                gkey = 'tx' if spec.host_fwd == 'rxonly' else 'rx'
                r = {'mode': mode, 'binding': bbind, 'driver': drv, 'run': run,
                     'traffic': tname, 'size': size, 'init_s': round(init, 2),
                     'host_mpps': (s2[key] - s1[key]) / (t2 - t1) / 1e6,
                     'guest_mpps': res.g[gkey] / res.dt / 1e6,
                     'host_window_s': t2 - t1, 'phase_s': res.dt,
                     'guest': res.g, 'host': res.hs,
                     'guest_pkts': res.g['rx'] + res.g['tx'],
                     'eventfd_kicks': outside_kicks(k0, k1) if vhost else None,
                     # QEMU's vCPU thread's writes: ioeventfd kicks plus its own
                     # wake-ups of the main loop (kept in the JSON only)
                     'vcpu_syscw': None if None in (w0, w1) else w1 - w0,
                     'xstat_kicks': (xs['rx_q0_kicks'] + xs['tx_q0_kicks']
                                     if 'tx_q0_kicks' in xs else None),
                     'fails': fails}
                self.runs.append(r)
                self.log('[bench] %s/%s %-6s run %d %-8s %4d B: host %.4f Mpps, guest %.4f '
                         'Mpps, notifies %s (xstat %s, vCPU writes %s)%s' % (
                             mode, bbind, drv, run, tname, size, r['host_mpps'],
                             r['guest_mpps'], r['eventfd_kicks'], r['xstat_kicks'],
                             r['vcpu_syscw'],
                             '; CHECK: ' + '; '.join(fails) if fails else ''))
        finally:
            tp.quit(20)

    def sys_run(self, ctx, mode, bbind, mb, drv):
        """Syscalls of the guest forwarding lcore per phase, in a run of its own."""
        a = self.a
        tp, _ = self._tp(ctx, mode, mb, drv, 'sys')
        P = ctx.port[mode]
        try:
            _, out = ctx.guest.run('p=$(cat /run/vnet-tp/%s.pid); for t in /proc/$p/task/*; do '
                                   'echo "$p ${t##*/} $(cat $t/comm)"; done' % tp.name, 20)
            lc = [l.split() for l in out.splitlines() if re.search(r'worker', l)]
            if not lc:
                raise VMError('no forwarding lcore thread in guest testpmd: %s' % out[-300:])
            pid, tid = lc[0][0], lc[0][1]
            io = '/proc/%s/task/%s/io' % (pid, tid)
            rc, _ = ctx.guest.run('test -r %s' % io, 20, check=False)
            if rc != 0:   # the noiommu guest kernel (allnoconfig based)
                self.log('[bench] %s/%s %s: no %s in the guest (kernel without '
                         'CONFIG_TASK_IO_ACCOUNTING): syscalls not counted' % (
                             mode, bbind, drv, io))
                self.sys.append({'mode': mode, 'binding': bbind, 'driver': drv,
                                 'missing': 'no CONFIG_TASK_IO_ACCOUNTING in the guest kernel'})
                return

            def sysc():
                _, o = ctx.guest.run('cat %s' % io, 20)
                v = dict(re.findall(r'^(\w+):\s*(\d+)', o, re.M))
                return int(v['syscr']) + int(v['syscw'])
            for tname, size in self._phases(sizes=self.a.sizes[:1]):
                spec = spec_of(tname, size)
                c0 = sysc()
                res = traffic.run_phase(ctx.side, P, tp, spec, a.sys_seconds)
                c1 = sysc()
                pk = res.g['rx'] + res.g['tx']
                r = {'mode': mode, 'binding': bbind, 'driver': drv, 'traffic': tname,
                     'size': size, 'syscalls': c1 - c0, 'guest_pkts': pk, 'lcore_tid': tid}
                self.sys.append(r)
                self.log('[bench] %s/%s %-6s syscalls %-8s %4d B: %d for %d packets' % (
                    mode, bbind, drv, tname, size, c1 - c0, pk))
        finally:
            tp.quit(20)


# ---------------------------------------------------------------- report

def _med(xs):
    return statistics.median(xs) if xs else None


def _spread(xs):
    return (max(xs) - min(xs)) / statistics.median(xs) if xs and statistics.median(xs) else None


def rows_of(runs, sysruns):
    """Per (mode, binding, traffic, size): medians, ratios, spreads."""
    keys = []
    for r in runs:
        k = (r['mode'], r['binding'], r['traffic'], r['size'])
        if k not in keys:
            keys.append(k)
    out = []
    for k in keys:
        sel = [r for r in runs if (r['mode'], r['binding'], r['traffic'], r['size']) == k]
        by = {d: {r['run']: r for r in sel if r['driver'] == d} for d in DRIVERS}
        pairs = [by['vnet'][i]['host_mpps'] / by['virtio'][i]['host_mpps']
                 for i in sorted(by['vnet']) if i in by['virtio'] and by['virtio'][i]['host_mpps']]
        row = {'mode': k[0], 'binding': k[1], 'traffic': k[2], 'size': k[3],
               'pairs': pairs, 'ratio': _med(pairs),
               'fails': sum(1 for r in sel if r['fails'])}
        for d in DRIVERS:
            rs = list(by[d].values())
            h = [r['host_mpps'] for r in rs]
            row[d] = {'host_mpps': _med(h), 'guest_mpps': _med([r['guest_mpps'] for r in rs]),
                      'spread': _spread(h), 'n': len(rs)}
            pk = sum(r['guest_pkts'] for r in rs)
            ek = [r['eventfd_kicks'] for r in rs if r['eventfd_kicks'] is not None]
            row[d]['notify_k'] = 1000.0 * sum(ek) / pk if pk and len(ek) == len(rs) else None
            vw = [r.get('vcpu_syscw') for r in rs if r.get('vcpu_syscw') is not None]
            row[d]['vcpu_k'] = 1000.0 * sum(vw) / pk if pk and len(vw) == len(rs) else None
            xk = [r['xstat_kicks'] for r in rs if r['xstat_kicks'] is not None]
            row[d]['xstat_k'] = 1000.0 * sum(xk) / pk if pk and len(xk) == len(rs) else None
            sy = [s for s in sysruns if 'missing' not in s and (
                s['mode'], s['binding'], s['traffic'], s['size'], s['driver']) == k + (d,)]
            spk = sum(s['guest_pkts'] for s in sy)
            row[d]['sys_k'] = 1000.0 * sum(s['syscalls'] for s in sy) / spk if spk else None
        out.append(row)
    return out


def below_target(rows, target=1.0):
    """--check: the rows whose median ratio is below target (or unknown)."""
    return [r for r in rows if r['ratio'] is None or r['ratio'] < target]


def _f(v, fmt='%.3f'):
    return '-' if v is None else fmt % v


def table(rows, meta):
    h = ['mode', 'binding', 'traffic', 'size', 'vnet Mpps (host/guest)',
         'virtio Mpps (host/guest)', 'ratio', 'pair ratios', 'vnet spread',
         'virtio spread', 'notifies/1k vnet (xstat/eventfd)', 'notifies/1k virtio',
         'syscalls/1k vnet', 'syscalls/1k virtio', 'QEMU vCPU writes/1k vnet / virtio']
    lines = []
    if not meta['valid']:
        lines.append('**WARNING: not a valid measurement: %s**' % meta['why_invalid'])
        lines.append('')
    lines.append('%s. Backend %s; %s, %d runs of each driver per row (A B alternating), %.1f s phases; '
                 'load average at start %s, others\' runnable tasks max %.2f; wall %.0f s.'
                 % (LABEL, meta.get('backend', 'vhost'), meta['date'], meta['runs'], meta['seconds'], meta['loadavg'],
                    meta['others_max'], meta['wall_s']))
    lines.append('')
    lines.append('| ' + ' | '.join(h) + ' |')
    lines.append('|' + '---|' * len(h))
    for r in rows:
        v, b = r['vnet'], r['virtio']
        lines.append('| ' + ' | '.join([
            r['mode'], r['binding'], r['traffic'], str(r['size']),
            '%s / %s' % (_f(v['host_mpps']), _f(v['guest_mpps'])),
            '%s / %s' % (_f(b['host_mpps']), _f(b['guest_mpps'])),
            _f(r['ratio'], '%.2f'),
            '%s..%s' % (_f(min(r['pairs']) if r['pairs'] else None, '%.2f'),
                        _f(max(r['pairs']) if r['pairs'] else None, '%.2f')),
            _f(v['spread'] and 100 * v['spread'], '%.0f%%'),
            _f(b['spread'] and 100 * b['spread'], '%.0f%%'),
            '%s / %s' % (_f(v['xstat_k']), _f(v['notify_k'])),
            _f(b['notify_k']), _f(v['sys_k']), _f(b['sys_k']),
            '%s / %s' % (_f(v['vcpu_k'], '%.1f'), _f(b['vcpu_k'], '%.1f')),
        ]) + (' (%d runs failed a check)' % r['fails'] if r['fails'] else '') + ' |')
    return '\n'.join(lines)


def plot(jpath, png):
    """The ratio per row with its pair-ratio range (run with /usr/bin/python3)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    with open(jpath) as f:
        data = json.load(f)
    rows = [r for r in data['rows'] if r['ratio'] is not None]
    names = ['%s/%s %s %d' % (r['mode'], r['binding'], r['traffic'], r['size']) for r in rows]
    med = [r['ratio'] for r in rows]
    lo = [r['ratio'] - min(r['pairs']) for r in rows]
    hi = [max(r['pairs']) - r['ratio'] for r in rows]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.8))
    y = list(range(len(rows)))
    ax.errorbar(med, y, xerr=[lo, hi], fmt='o', capsize=4)
    ax.axvline(1.0, color='grey', linestyle='--')
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel('Mpps ratio net_vnet / net_virtio (median, bars: min..max of run pairs)')
    title = LABEL + '\n' + data['meta']['date']
    if not data['meta']['valid']:
        title += ' - WARNING: ' + data['meta']['why_invalid']
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


# ---------------------------------------------------------------- main

def parse(argv):
    p = argparse.ArgumentParser(prog='ci/bench', description=__doc__.split('\n\n')[0])
    p.add_argument('--plugin', help='librte_net_vnet.so')
    p.add_argument('--testpmd', default=vmlib.TESTPMD)
    p.add_argument('--quick', action='store_true', help='modern/uio, 64 B, 3 directions, 5 runs')
    p.add_argument('--runs', type=int)
    p.add_argument('--seconds', type=float, help='traffic time of a phase')
    p.add_argument('--modes', help=','.join(BENCH_MODES))
    p.add_argument('--bindings', help=','.join(BENCH_BINDINGS))
    p.add_argument('--sizes', help='frame bytes, e.g. 64,1518')
    p.add_argument('--traffic', help=','.join(TRAFFIC))
    p.add_argument('--backend', default='vhost', help='|'.join(BACKENDS) + ' (notify: '
                   'QEMU\'s own virtio-net on UDP, asks for kicks; guest-tx only)')
    p.add_argument('--out', help='results dir (default $TMPDIR/vnet-bench/<time>)')
    p.add_argument('--check', action='store_true', help='fail when a row\'s median ratio < 1.0')
    p.add_argument('--kernel')
    p.add_argument('--noiommu-kernel')
    p.add_argument('--qemu-patched')
    a = p.parse_args(argv)
    prof = QUICK if a.quick else FULL
    lists = (('modes', BENCH_MODES), ('bindings', list(BENCH_BINDINGS)), ('traffic', list(TRAFFIC)))
    for name, known in lists:
        v = getattr(a, name)
        v = v.split(',') if v else getattr(prof, name)
        bad = [x for x in v if x not in known]
        if bad:
            p.error('--%s: unknown %s (known: %s)' % (name, ','.join(bad), ','.join(known)))
        setattr(a, name, v)
    try:
        a.sizes = [int(x) for x in a.sizes.split(',')] if a.sizes else prof.sizes
    except ValueError:
        p.error('--sizes: comma-separated frame sizes in bytes, got %r' % a.sizes)
    if any(not 60 <= s <= 1518 for s in a.sizes):
        p.error('--sizes: frames of 60..1518 bytes, got %s' % a.sizes)
    if a.backend not in BACKENDS:
        p.error('--backend %s: unknown (known: %s)' % (a.backend, ','.join(BACKENDS)))
    if a.backend != 'vhost':
        bad = [t for t in a.traffic if t not in BACKENDS[a.backend]]
        if bad and a.traffic != getattr(prof, 'traffic'):
            p.error('--backend %s runs only --traffic %s' % (a.backend,
                                                            ','.join(BACKENDS[a.backend])))
        a.traffic = [t for t in a.traffic if t in BACKENDS[a.backend]]
    a.runs = a.runs or prof.runs
    if not 1 <= a.runs <= 50:
        p.error('--runs: 1..50')
    a.seconds = a.seconds or prof.seconds
    if not 1.5 <= a.seconds <= 30:
        p.error('--seconds: 1.5..30 (the host rate is read over the last second)')
    a.sys_seconds = prof.sys_seconds
    a.out = a.out or os.path.join(os.environ.get('TMPDIR', '/tmp'), 'vnet-bench',
                                  time.strftime('%Y%m%d-%H%M%S'))
    if not a.plugin or not os.path.isfile(a.plugin):
        p.error('--plugin: librte_net_vnet.so to compare (got %r)' % a.plugin)
    return a


def main(argv):
    if argv[:1] == ['plot']:
        plot(argv[1], argv[2])
        return 0
    a = parse(argv)
    vmlib.install_signal_handlers()
    os.makedirs(a.out, exist_ok=True)
    t0 = time.monotonic()
    la = loadavg()
    b = Bench(a)
    cells = [(m, bb) for bb in a.bindings for m in a.modes]
    print('[bench] %s; load average at start %s; cells %s; %d runs x %s B x %s; results %s'
          % (LABEL, la, ', '.join('%s/%s' % c for c in cells), a.runs, a.sizes,
             ','.join(a.traffic), a.out), flush=True)
    status = 0
    try:
        b.fixtures(cells)
        for m, bb in cells:
            try:
                b.cell(m, bb)
            except VMError as e:   # the next cell gets its own boot
                print('[bench] ERROR in %s/%s: %s' % (m, bb, e), flush=True)
                status = 1
    except (VMError, vmlib.Interrupted) as e:
        print('[bench] ERROR: %s' % e, flush=True)
        status = 1
    rows = rows_of(b.runs, b.sys)
    others = max([x for c in b.cells for x in c['others']] or [0.0])
    why = []
    if float(la) > LOAD_MAX:   # nothing of ours ran yet (but a build by ci/bench)
        why.append('1-min load average at start %s > %.1f' % (la, LOAD_MAX))
    if others > LOAD_MAX:
        why.append('other processes kept %.2f tasks runnable (max > %.1f)' % (others, LOAD_MAX))
    if status:
        why.append('not every run completed')
    meta = {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'loadavg': la,
            'others_max': others, 'valid': not why, 'why_invalid': '; '.join(why),
            'runs': a.runs, 'seconds': a.seconds, 'sizes': a.sizes, 'traffic': a.traffic,
            'backend': a.backend, 'pins': dict(PINS), 'argv': argv,
            'wall_s': time.monotonic() - t0}
    md = table(rows, meta)
    print(md, flush=True)
    with open(os.path.join(a.out, 'table.md'), 'w') as f:
        f.write(md + '\n')
    with open(os.path.join(a.out, 'results.json'), 'w') as f:
        json.dump({'meta': meta, 'cells': b.cells, 'rows': rows, 'runs': b.runs,
                   'syscall_runs': b.sys}, f, indent=1)
    png = os.path.join(a.out, 'ratio.png')
    r = subprocess.run(['/usr/bin/python3', os.path.abspath(__file__), 'plot',
                        os.path.join(a.out, 'results.json'), png],
                       capture_output=True, text=True, timeout=120)
    print('[bench] plot: %s' % (png if r.returncode == 0 else
                                'failed (python3-matplotlib, ci/packages/bench.txt): '
                                + r.stderr.strip()[-300:]))
    print('[bench] wall time %.0f s; table, results.json, ratio.png in %s'
          % (meta['wall_s'], a.out), flush=True)
    if a.check and not status:
        low = below_target(rows)
        for r in low:
            print('[bench] CHECK: %s/%s %s %d B: median ratio %s < 1.0' % (
                r['mode'], r['binding'], r['traffic'], r['size'], _f(r['ratio'], '%.2f')))
        status = 1 if low else 0
    return status


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
