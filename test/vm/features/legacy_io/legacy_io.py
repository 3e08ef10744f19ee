#!/usr/bin/env python3
"""legacy_io.py: system calls per packet of a legacy device under vfio-pci.

  legacy_io.py TEST... --plugin PATH [--logdir DIR] [--timeout S] [--qemu Q]
  legacy_io.py --list

A legacy device's registers are in BAR0.  Under vfio-pci an I/O BAR0 is
either reached with in/out (legacy_io=auto, after ioperm) or through vfio's
region with pread/pwrite (legacy_io=vfio): one syscall per notify.  A
memory BAR0 (patched QEMU, legacy-bar-mmio=on) is reached through vfio's
mapping.  Each test boots one noiommu guest with a legacy port-I/O NIC and
a legacy memory-BAR NIC, both bound to vfio-pci, and for each NIC and
legacy_io value runs a guest testpmd in txonly while strace -c counts the
system calls of its forwarding lcore (rte-worker-1), from before `start` to
after `stop`, beside the port's tx packets and tx_q0_kicks xstat.

vhost:  the host testpmd's vhost PMD (rxonly); it polls, so it never asks
        for a notification.
notify: QEMU's own virtio-net model on loopback UDP (vmlib.UdpBackend); it
        asks for a kick for every tx batch.  Here legacy_io=vfio must show
        one pwrite per kick (this is what shows that the count can fail),
        and legacy_io=auto none at all.
        Then the port-I/O NIC once more under uio_pci_generic (auto): the
        port permission must reach the forwarding lcore, which EAL started
        before the probe granted it (Linux grants it per thread).
virtio: DPDK's net_virtio on the same NICs and backend, for comparison;
        only reported (not in the meson suite).

vhost also asks for legacy_io=port on the memory BAR0: one clear refusal.

Asserted per run: the INFO line names the method; with in/out or the
mapping, no pread/pwrite and no other syscall beyond the lcore launch
handshake (EAL's pipe read/write, HANDSHAKE_MAX), so 0 per 1000 packets;
with pread/pwrite, pwrite64 calls equal the kicks (within KICK_SLACK).
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'robust'))
import robust  # noqa: E402
import vmlib  # noqa: E402
from vmlib import VMError  # noqa: E402

PIO, MMIO = 'legacy', 'legacy-mmio'
SECONDS = 3.0          # forwarding time of one run
MIN_PACKETS = 1000
HANDSHAKE_MAX = 2      # EAL's launch/ack pipe read + write around one start/stop
KICK_SLACK = 2         # pwrites vs kicks: the xstats reads are not atomic with them
STRACE_MAX = 60        # s: the guest kills a strace left behind

# (BAR0, legacy_io) -> what the INFO line "legacy BAR0 ..." must contain
INFO = {
    (PIO, 'auto'): ['port I/O 0x', 'via ioperm (legacy_io=auto)'],
    (PIO, 'vfio'): ['via vfio pread/pwrite (legacy_io=vfio)'],
    (MMIO, 'auto'): ['memory 0x', 'via its mapping: loads and stores (legacy_io=auto)'],
    (MMIO, 'vfio'): ['via vfio pread/pwrite (legacy_io=vfio)'],
}
RESULTS = []   # (test, mode, driver, legacy_io, packets, kicks, calls), for the summary


def worker_tid(env, tp):
    """The thread id of the guest testpmd's forwarding lcore (lcore 1)."""
    _, out = env.guest.run(
        'pid=$(cat $VNET_RUN/%s.pid); for t in /proc/$pid/task/*; do '
        'echo "${t##*/} $(cat $t/comm)"; done' % tp.name, 20)
    for line in out.splitlines():
        f = line.split()
        if len(f) == 2 and f[1] == 'rte-worker-1':
            return f[0]
    raise VMError('no rte-worker-1 thread in guest testpmd %s: %s' % (tp.name, out.strip()))


def strace_start(env, tid, tag):
    """strace -c on one thread, in the background; its stderr says it attached."""
    env.guest.run('rm -f $VNET_RUN/st-{t}.*; setsid timeout -s INT {m} strace -c -p {tid} '
                  '-o $VNET_RUN/st-{t}.txt </dev/null >/dev/null 2>$VNET_RUN/st-{t}.err & '
                  'echo $! >$VNET_RUN/st-{t}.pid; sleep 1'.format(t=tag, m=STRACE_MAX, tid=tid),
                  20)


def strace_stop(env, tag):
    """SIGINT (through timeout) makes strace detach and write its -c table,
    which is empty when the thread made no syscall.  Returns {syscall: calls}."""
    _, out = env.guest.run(
        'p=$(cat $VNET_RUN/st-{t}.pid); kill -INT $p; '
        'for i in $(seq 100); do kill -0 $p 2>/dev/null || break; sleep 0.1; done; '
        'kill -0 $p 2>/dev/null && echo "strace still running"; '
        'echo "== err"; cat $VNET_RUN/st-{t}.err; echo "== table"; cat $VNET_RUN/st-{t}.txt'
        .format(t=tag), 30)
    err, _, table = out.partition('== table')
    if 'attached' not in err or 'still running' in err:
        raise VMError('strace did not attach to the forwarding lcore or did not stop: %s'
                      % err.strip()[-300:])
    calls = {}
    for line in table.splitlines():
        f = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(f) >= 5 and re.match(r'^[\d.]+$', f[0]) and f[3].isdigit():
            calls[f[-1]] = int(f[3])
    return calls


def tx_kicks(tp):
    xs = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'^\s*([A-Za-z0-9_\[\]]+):\s+(\d+)\s*$', tp.cmd('show port xstats 0'), re.M)}
    return xs.get('tx_q0_kicks')


def host_rxonly(env, port):
    """The polling backend takes what the guest sends (its rx ring never fills)."""
    if isinstance(env.host, vmlib.UdpBackend):
        return
    h = env.host
    h.cmd('stop')
    h.cmd('set portlist %d' % port)
    h.cmd('set fwd rxonly')
    h.cmd('start')


def guest_testpmd(env, name, bdf, driver, legacy_io):
    if driver == 'vnet':
        return env.testpmd(name, '%s,legacy_io=%s' % (bdf, legacy_io))
    # net_virtio: the installed DPDK's own PMD, no -d
    tp = vmlib.GuestTestpmd(env.guest, name,
                            ['--lcores', '0@0,1@0', '-a', bdf, '--file-prefix=li' + name,
                             '--log-level=pmd.net.virtio.init:info'],
                            ['--port-topology=loop', '--total-num-mbufs=2048'])
    env.tps.append(tp)
    env.phase.tps.append(tp)
    tp.start()
    vmlib.wait_until(lambda: tp.exited() is not None or vmlib.PROMPT in tp.text(), 90,
                     'guest testpmd %s' % name, interval=0.1, alive=env.guest.alive)
    return tp


def run_one(env, phase, test, mode, legacy_io, driver='vnet', binding='vfio'):
    bdf = env.bdf[mode]
    tag = '%s-%s-%s-%s' % (driver, binding, 'pio' if mode == PIO else 'mmio',
                           legacy_io or 'default')
    ph = phase(tag)
    tp = guest_testpmd(env, tag.replace('-', ''), bdf, driver, legacy_io)
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    if driver == 'vnet':
        lines = robust.net_vnet_lines(tp.text(), bdf, 'legacy BAR0 ')
        if ph.check(lines, 'no INFO line "legacy BAR0 ..." for %s' % bdf):
            ph.note(lines[-1])
            for want in INFO[(mode, legacy_io)]:
                ph.check(want in lines[-1], 'INFO line lacks %r: %s' % (want, lines[-1]))
    _, link, _ = robust.port_info(tp)
    ph.check(link == 'up', 'link %s, want up' % link)
    host_rxonly(env, env.m.port[mode])
    tp.cmds(['set fwd txonly', 'set txpkts 64', 'set burst 32'])
    # Warm up untraced: one-time costs of the lcore's first register access
    # (its port grant, its first use of thread-local data) are not per packet.
    tp.cmd('start')
    time.sleep(0.5)
    tp.cmd('stop')
    tid = worker_tid(env, tp)
    strace_start(env, tid, tag)
    st0, k0 = tp.port_stats(0), tx_kicks(tp)
    tp.cmd('start')
    time.sleep(SECONDS)
    tp.cmd('stop')
    st1, k1 = tp.port_stats(0), tx_kicks(tp)
    calls = strace_stop(env, tag)
    robust.quit_ok(ph, tp)
    pkts = st1['tx'] - st0['tx']
    kicks = None if k0 is None or k1 is None else k1 - k0
    regs = calls.get('pwrite64', 0) + calls.get('pread64', 0)
    total = calls.get('total', 0)
    RESULTS.append((test, binding, mode, driver, legacy_io, pkts, kicks, calls))
    ph.note('%s %s %s legacy_io=%s: %d packets, kicks %s; lcore syscalls %s; register syscalls '
            'per 1000 packets %.2f, all syscalls per 1000 packets %.2f' % (
                driver, binding, mode, legacy_io, pkts, kicks,
                ', '.join('%s %d' % kv for kv in sorted(calls.items())) or 'none',
                1000.0 * regs / max(pkts, 1), 1000.0 * total / max(pkts, 1)))
    if not ph.check(pkts >= MIN_PACKETS, 'only %d packets sent in %.0f s' % (pkts, SECONDS)):
        return
    if driver != 'vnet':
        return   # a baseline: reported only
    direct = 'pread/pwrite' not in INFO[(mode, legacy_io)][-1]
    if direct:
        ph.check(regs == 0, '%d pread/pwrite calls on the forwarding lcore with %s' % (
            regs, INFO[(mode, legacy_io)][-1]))
        other = {k: v for k, v in calls.items() if k not in ('read', 'write', 'total')}
        ph.check(not other and total <= HANDSHAKE_MAX,
                 'syscalls on the forwarding lcore beyond EAL\'s launch handshake (at most %d '
                 'pipe read/write): %s' % (HANDSHAKE_MAX, calls))
    else:
        ph.check(kicks is not None, 'no tx_q0_kicks xstat')
        ph.check(abs(calls.get('pwrite64', 0) - (kicks or 0)) <= KICK_SLACK,
                 '%d pwrite64 calls for %s kicks: want one per notify' % (
                     calls.get('pwrite64', 0), kicks))
    if test == 'notify' and kicks is not None:
        # The backend asks for notifications: without that the pread/pwrite
        # row could not fail, and the direct rows would prove nothing.
        ph.check(kicks >= 50, 'only %d kicks for %d packets: the backend did not ask for '
                 'notifications' % (kicks, pkts))


def t_vhost(env, phase):
    """Polling vhost backend: both NICs, legacy_io auto and vfio; port refused on MMIO."""
    for mode in (PIO, MMIO):
        for li in ('auto', 'vfio'):
            run_one(env, phase, 'vhost', mode, li)
    # A memory BAR0 has no ports: legacy_io=port is one clear refusal.
    ph = phase('port-on-memory-bar')
    mmio = env.bdf[MMIO]
    tp = env.testpmd('portmmio', mmio + ',legacy_io=port')
    robust.check_refused(ph, tp, mmio, ['legacy_io=port needs an I/O BAR0', 'legacy_io=auto'],
                         'legacy_io=port on a memory BAR0')


def t_notify(env, phase):
    """QEMU's virtio-net on UDP (asks for kicks): both NICs, auto and vfio; uio."""
    for mode in (PIO, MMIO):
        for li in ('auto', 'vfio'):
            run_one(env, phase, 'notify', mode, li)
    env.guest.run('vnet_bind %s uio_pci_generic' % env.bdf[PIO], 30)
    run_one(env, phase, 'notify', PIO, 'auto', binding='uio')


def t_virtio(env, phase):
    """net_virtio on the notify backend, both NICs, reported only."""
    for mode in (PIO, MMIO):
        run_one(env, phase, 'virtio', mode, None, driver='virtio')


def udp_backend(workdir, ports, sockdir):
    return vmlib.UdpBackend(workdir, ports, sockdir)


VFIO = {'binding': 'vfio-pci-noiommu', 'kernel': 'noiommu', 'hugepages': 64}
TESTS = {
    'vhost': (t_vhost, [PIO, MMIO], dict(VFIO)),
    'notify': (t_notify, [PIO, MMIO], dict(VFIO, backend=udp_backend)),
    'virtio': (t_virtio, [PIO, MMIO], dict(VFIO, backend=udp_backend)),
}


def main(argv):
    if '--qemu' not in argv and '--list' not in argv:
        # legacy-bar-mmio=on needs our patched QEMU (test/vm/qemu/build)
        argv = ['--qemu', vmlib.run_fixture('qemu/build', 'patched QEMU', 3600)] + argv
    rc = robust.main(argv, TESTS, prog='legacy_io.py', doc=__doc__)
    if RESULTS:
        robust.log('[legacy_io] backend binding NIC          driver legacy_io packets  kicks  '
                   'pwrite64 pread64 all  per-1000(reg) per-1000(all)')
        for test, binding, mode, drv, li, pkts, kicks, calls in RESULTS:
            regs = calls.get('pwrite64', 0) + calls.get('pread64', 0)
            robust.log('[legacy_io] %-7s %-7s %-12s %-6s %-9s %-8d %-6s %-8d %-7d %-4d %-13.2f '
                       '%.2f' % (test, binding, mode, drv, li or '-', pkts, kicks, calls.get('pwrite64', 0),
                calls.get('pread64', 0), calls.get('total', 0), 1000.0 * regs / max(pkts, 1),
                1000.0 * calls.get('total', 0) / max(pkts, 1)))
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
