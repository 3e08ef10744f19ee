#!/usr/bin/env python3
"""ops.py: queue start/stop, deferred start, per-queue xstats and secondary
processes of net_vnet, in a QEMU TCG guest.

  ops.py TEST... --plugin PATH [--logdir DIR] [--timeout S]
  ops.py --list

Runs on test/vm/robust/robust.py's runner: one guest boot per TEST, one
PASS/FAIL row per phase, then "N passed, N failed".

Virtio has no per-queue stop (without VIRTIO_F_RING_RESET), so net_vnet
stops a queue in the driver: these tests watch what the device and the
host see.  A stopped rx queue gets no new buffers: the host's tx counter
stalls (back-pressure), the guest's rx counter stays still, and starting
the queue drops what arrived meanwhile (rx_q0_stopped_drops).  testpmd
skips a queue whose rxq/txq info says stopped, so the reported state is
what keeps it from being polled.
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'robust'))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
import robust  # noqa: E402
import vmlib  # noqa: E402
from matrix import parse_xstats  # noqa: E402
from robust import mbufs_in_use, net_vnet_lines, no_crash, quit_ok  # noqa: E402

RING = 256          # testpmd's default ring: rx buffers posted by a started queue
SAMPLE_S = 1.5      # how long a counter is watched
MIN_RATE = 500      # packets per sample a running queue moves, at least (TCG: ~10k/s)
CYCLES = 20
SIZE_BUCKETS = ['undersize', '64', '65_127', '128_255', '256_511', '512_1023',
                '1024_1518', '1519_max']
BCAST = 'ff:ff:ff:ff:ff:ff'
MCAST = '01:00:5e:00:00:01'


def default_peer(port):
    """testpmd's default eth-peer of a port."""
    return '02:00:00:00:00:%02x' % port


def started(ph, tp):
    return ph.check(tp.exited() is None, 'guest testpmd %s exited rc=%s' % (tp.name,
                                                                             tp.exited()))


def host_run(env, hport, fwd, size=64, peer=None):
    """Host testpmd forwarding fwd on hport from zero counters."""
    h = env.host
    h.cmd('stop')
    h.cmd('set portlist %d' % hport)
    h.cmd('set fwd %s' % fwd)
    h.cmd('set txpkts %d' % size)
    h.cmd('set eth-peer %d %s' % (hport, peer or default_peer(hport)))
    h.cmd('clear port stats %d' % hport)
    h.cmd('start')


def host_stop(env, hport):
    env.host.cmd('stop')
    env.host.cmd('set eth-peer %d %s' % (hport, default_peer(hport)))


def watch(env, hport, tp, settle=0.5):
    """Counters over SAMPLE_S: (guest rx, guest tx, host rx, host tx) deltas."""
    time.sleep(settle)
    g0, h0 = tp.port_stats(0), env.host.port_stats(hport)
    time.sleep(SAMPLE_S)
    g1, h1 = tp.port_stats(0), env.host.port_stats(hport)
    return (g1['rx'] - g0['rx'], g1['tx'] - g0['tx'], h1['rx'] - h0['rx'],
            h1['tx'] - h0['tx'])


def queue_state(ph, tp, role):
    out = tp.cmd('show %sq info 0 0' % role)
    m = re.search(r'%sx queue state:\s*(\w+)' % role[0].upper(), out)
    d = re.search(r'%sX deferred start:\s*(\w+)' % role[0].upper(), out)
    ph.check(m, 'no queue state in show %sq info: %r' % (role, out[-300:]))
    return (m.group(1) if m else None), (d.group(1) if d else None)


def two_way(env, tp, hport):
    """Host txonly into guest rxonly, then guest txonly into host rxonly:
    (guest rx, host tx, guest tx, host rx) deltas over a sample each."""
    host_run(env, hport, 'txonly')
    tp.cmds(['stop', 'set fwd rxonly', 'start'])
    grx, _, _, htx = watch(env, hport, tp)
    host_stop(env, hport)
    host_run(env, hport, 'rxonly')
    tp.cmds(['stop', 'set fwd txonly', 'start'])
    _, gtx, hrx, _ = watch(env, hport, tp)
    tp.cmd('stop')
    time.sleep(0.3)
    host_stop(env, hport)
    return grx, htx, gtx, hrx


def both_ways(ph, env, tp, hport, what):
    """Each direction moves at least MIN_RATE packets per sample."""
    grx, htx, gtx, hrx = two_way(env, tp, hport)
    ph.note('%s: guest rx +%d (host tx +%d), guest tx +%d (host rx +%d) in %.1f s each'
            % (what, grx, htx, gtx, hrx, SAMPLE_S))
    ph.check(min(grx, htx, gtx, hrx) >= MIN_RATE, '%s: guest rx +%d, host tx +%d, guest tx '
             '+%d, host rx +%d; want >= %d each' % (what, grx, htx, gtx, hrx, MIN_RATE))


def cmds_ok(ph, tp, lines, what, timeout=60):
    out = tp.cmds(lines, timeout)
    bad = re.search(r'.*(Fail|rror|not supported|nvalid|Please).*', out)
    ph.check(not bad, '%s: %s' % (what, bad.group(0) if bad else ''))
    return out


# ---------------------------------------------------------------- queues

def t_queues(env, phase):
    """rx/tx queue stop/start under traffic, 20 cycles without a leaked mbuf,
    deferred start; then size-bucket, broadcast and multicast xstats."""
    bdf, hport = env.bdf['modern'], env.m.port['modern']
    tp = env.testpmd('q', bdf, level='info')
    ph = phase('rx-stop-start')
    if not started(ph, tp):
        return
    base = mbufs_in_use(ph, tp)
    ph.note('mbufs in use with the port started: %s' % base)
    ph.check(base == RING, 'a started port holds %s mbufs, want its %d rx buffers'
             % (base, RING))
    tp.cmds(['set fwd rxonly', 'start'])
    host_run(env, hport, 'txonly')
    grx, _, _, htx = watch(env, hport, tp)
    ph.check(grx >= MIN_RATE and htx >= MIN_RATE, 'before the stop: guest rx +%d, host tx +%d'
             % (grx, htx))
    cmds_ok(ph, tp, ['stop', 'port 0 rxq 0 stop', 'start'], 'rxq 0 stop')
    st, _ = queue_state(ph, tp, 'rx')
    ph.check(st == 'stopped', 'rxq 0 state after stop: %s' % st)
    grx, _, _, htx = watch(env, hport, tp, settle=1.0)
    ph.note('rxq 0 stopped: guest rx +%d, host tx +%d in %.1f s' % (grx, htx, SAMPLE_S))
    ph.check(grx == 0, 'guest rx rose by %d with rxq 0 stopped' % grx)
    # The device fills what was posted before the stop, then stalls.
    ph.check(htx <= RING, 'host tx rose by %d with the guest rxq stopped: no back-pressure'
             % htx)
    cmds_ok(ph, tp, ['stop', 'port 0 rxq 0 start', 'start'], 'rxq 0 start')
    st, _ = queue_state(ph, tp, 'rx')
    ph.check(st == 'started', 'rxq 0 state after start: %s' % st)
    grx, _, _, htx = watch(env, hport, tp)
    ph.note('rxq 0 started again: guest rx +%d, host tx +%d' % (grx, htx))
    ph.check(grx >= MIN_RATE and htx >= MIN_RATE, 'after the start: guest rx +%d, host tx +%d'
             % (grx, htx))
    host_stop(env, hport)
    tp.cmd('stop')
    drops = parse_xstats(tp.cmd('show port xstats 0')).get('rx_q0_stopped_drops')
    ph.note('rx_q0_stopped_drops %s' % drops)
    ph.check(drops is not None and 0 < drops <= RING, 'rx_q0_stopped_drops %s: want what the '
             'device filled while stopped (1..%d)' % (drops, RING))

    ph = phase('tx-stop-start')
    host_run(env, hport, 'rxonly')
    tp.cmds(['clear port stats 0', 'set fwd txonly', 'start'])
    _, gtx, hrx, _ = watch(env, hport, tp)
    ph.check(gtx >= MIN_RATE and hrx >= MIN_RATE, 'before the stop: guest tx +%d, host rx +%d'
             % (gtx, hrx))
    cmds_ok(ph, tp, ['stop', 'port 0 txq 0 stop', 'start'], 'txq 0 stop')
    st, _ = queue_state(ph, tp, 'tx')
    ph.check(st == 'stopped', 'txq 0 state after stop: %s' % st)
    _, gtx, hrx, _ = watch(env, hport, tp)
    ph.note('txq 0 stopped: guest tx +%d, host rx +%d' % (gtx, hrx))
    ph.check(gtx == 0 and hrx == 0, 'with txq 0 stopped: guest tx +%d, host rx +%d, want 0'
             % (gtx, hrx))
    cmds_ok(ph, tp, ['stop', 'port 0 txq 0 start', 'start'], 'txq 0 start')
    st, _ = queue_state(ph, tp, 'tx')
    ph.check(st == 'started', 'txq 0 state after start: %s' % st)
    _, gtx, hrx, _ = watch(env, hport, tp)
    ph.check(gtx >= MIN_RATE and hrx >= MIN_RATE, 'after the start: guest tx +%d, host rx +%d'
             % (gtx, hrx))
    tp.cmd('stop')
    host_stop(env, hport)

    ph = phase('cycles')
    # The host sends and does not receive: the guest's rx ring turns over
    # and its tx ring stays full of mbufs across the cycles.
    host_run(env, hport, 'txonly')
    tp.cmds(['set fwd io', 'start'])
    t = time.monotonic()
    cycle = ['stop', 'port 0 rxq 0 stop', 'port 0 txq 0 stop', 'start',
             'stop', 'port 0 rxq 0 start', 'port 0 txq 0 start', 'start']
    cmds_ok(ph, tp, cycle * CYCLES, '%d rxq+txq stop/start cycles' % CYCLES, 240)
    ph.note('%d rxq+txq stop/start cycles under traffic in %.1f s' % (CYCLES,
                                                                     time.monotonic() - t))
    grx, gtx, _, _ = watch(env, hport, tp)
    ph.check(grx >= MIN_RATE, 'after the cycles: guest rx +%d' % grx)
    host_stop(env, hport)
    time.sleep(0.3)
    tp.cmd('stop')
    both_ways(ph, env, tp, hport, 'after the cycles')
    xs = parse_xstats(tp.cmd('show port xstats 0'))
    ph.note('rx_q0_stopped_drops %s after the cycles' % xs.get('rx_q0_stopped_drops'))
    tp.cmd('port stop 0', 60)
    held = mbufs_in_use(ph, tp)
    tp.cmd('port start 0', 60)
    again = mbufs_in_use(ph, tp)
    ph.note('mbufs in use after the cycles: %s port stopped, %s started (baseline %s)'
            % (held, again, base))
    ph.check(held == 0, 'the stopped port holds %s mbufs after the cycles, want 0' % held)
    ph.check(again == base, 'mbufs in use after a restart %s, baseline %s' % (again, base))
    ph.check(xs.get('rx_mbuf_allocation_errors') == 0, 'rx_mbuf_allocation_errors %s'
             % xs.get('rx_mbuf_allocation_errors'))

    ph = phase('deferred')
    cmds_ok(ph, tp, ['port stop 0', 'port 0 rxq 0 deferred_start on',
                     'port 0 txq 0 deferred_start on', 'port start 0'], 'deferred start on')
    for role in ('rx', 'tx'):
        st, d = queue_state(ph, tp, role)
        ph.check(st == 'stopped' and d == 'on', '%sq 0 after a port start with deferred '
                 'start: state %s, deferred start %s' % (role, st, d))
    held = mbufs_in_use(ph, tp)
    ph.check(held == 0, 'a deferred rx queue holds %s mbufs, want 0 (nothing posted)' % held)
    grx, htx, gtx, hrx = two_way(env, tp, hport)
    ph.note('deferred queues: guest rx +%d (host tx +%d), guest tx +%d (host rx +%d)'
            % (grx, htx, gtx, hrx))
    ph.check(grx == htx == gtx == hrx == 0, 'deferred queues not idle: guest rx +%d, host tx '
             '+%d, guest tx +%d, host rx +%d' % (grx, htx, gtx, hrx))
    cmds_ok(ph, tp, ['stop', 'port 0 rxq 0 start', 'port 0 txq 0 start'],
            'starting the deferred queues')
    host_stop(env, hport)
    both_ways(ph, env, tp, hport, 'deferred queues started')
    cmds_ok(ph, tp, ['port stop 0', 'port 0 rxq 0 deferred_start off',
                     'port 0 txq 0 deferred_start off', 'port start 0'], 'deferred start off')
    held = mbufs_in_use(ph, tp)
    ph.check(held == base, 'after deferred start off: %s mbufs in use, want %s' % (held, base))

    xstats_phases(env, phase, tp, hport)
    quit_ok(ph, tp)


# ---------------------------------------------------------------- xstats

def _buckets(xs, role):
    return {b: xs.get('%s_q0_size_%s_packets' % (role, b)) if b != 'undersize' else
            xs.get('%s_q0_undersize_packets' % role) for b in SIZE_BUCKETS}


def check_xstats(ph, xs, role, n, size, bucket, bcast=0, mcast=0):
    """n packets of size bytes on queue 0 of role: all in bucket."""
    got = _buckets(xs, role)
    want = {b: (n if b == bucket else 0) for b in SIZE_BUCKETS}
    ph.check(got == want, '%s size buckets %s, want %s' % (role, got, want))
    ph.check(xs.get('%s_q0_bytes' % role) == n * size, '%s_q0_bytes %s, want %d x %d'
             % (role, xs.get('%s_q0_bytes' % role), n, size))
    for what, v in (('broadcast', bcast), ('multicast', mcast)):
        k = '%s_q0_%s_packets' % (role, what)
        ph.check(xs.get(k) == v, '%s %s, want %d' % (k, xs.get(k), v))


def xstats_phases(env, phase, tp, hport):
    """Host sends a known frame size (and dst MAC) to the guest, the guest one
    to the host: the bucket equals the packet count, the others stay 0."""
    for name, size, bucket, peer in (('rx-64', 64, '64', None),
                                     ('rx-1500', 1500, '1024_1518', None),
                                     ('rx-broadcast', 64, '64', BCAST),
                                     ('rx-multicast', 128, '128_255', MCAST)):
        ph = phase('xstats-' + name)
        tp.cmds(['clear port stats 0', 'clear port xstats 0', 'set fwd rxonly', 'start'])
        host_run(env, hport, 'txonly', size, peer)
        time.sleep(SAMPLE_S)
        host_stop(env, hport)
        time.sleep(0.5)
        tp.cmd('stop')
        xs = parse_xstats(tp.cmd('show port xstats 0'))
        n = xs.get('rx_q0_packets') or 0
        sent = env.host.port_stats(hport)['tx']
        ph.note('%d frames of %d bytes to %s: rx_q0_packets %d, rx_q0_size_%s_packets %s'
                % (sent, size, peer or 'unicast', n, bucket,
                   xs.get('rx_q0_size_%s_packets' % bucket)))
        ph.check(n >= MIN_RATE and n == sent, 'guest rx_q0_packets %d, host sent %d' % (n, sent))
        check_xstats(ph, xs, 'rx', n, size, bucket, bcast=n if peer == BCAST else 0,
                     mcast=n if peer == MCAST else 0)

    ph = phase('xstats-tx-1500-broadcast')
    host_run(env, hport, 'rxonly')
    tp.cmds(['clear port stats 0', 'clear port xstats 0', 'set fwd txonly', 'set txpkts 1500',
             'set eth-peer 0 %s' % BCAST, 'start'])
    time.sleep(SAMPLE_S)
    tp.cmd('stop')
    time.sleep(0.5)
    host_stop(env, hport)
    tp.cmds(['set txpkts 64', 'set eth-peer 0 %s' % default_peer(0)])
    xs = parse_xstats(tp.cmd('show port xstats 0'))
    n = xs.get('tx_q0_packets') or 0
    got = env.host.port_stats(hport)['rx']
    ph.note('guest sent %d broadcast frames of 1500 bytes; host received %d' % (n, got))
    ph.check(n >= MIN_RATE and got == n, 'tx_q0_packets %d, host received %d' % (n, got))
    check_xstats(ph, xs, 'tx', n, 1500, '1024_1518', bcast=n)
    ph.check(xs.get('tx_q0_kicks', 0) > 0, 'tx_q0_kicks %s' % xs.get('tx_q0_kicks'))


# ---------------------------------------------------------------- secondary

def secondary_testpmd(env, name, prefix, bdf):
    """A guest testpmd attached as a secondary process of prefix's primary, on
    lcores of its own (mempool caches are per lcore id)."""
    a = ['-d', env.plugin, '--lcores', '2@0,3@0', '-a', bdf, '--proc-type=secondary',
         '--file-prefix=' + prefix, '--log-level=pmd.net.vnet:info']
    tp = vmlib.GuestTestpmd(env.guest, name, a, ['--port-topology=loop',
                                                 '--total-num-mbufs=2048'])
    env.tps.append(tp)
    if env.phase is not None:
        env.phase.tps.append(tp)
    tp.start()
    vmlib.wait_until(lambda: tp.exited() is not None or vmlib.PROMPT in tp.text(), 90,
                     'secondary testpmd %s to reach its prompt or exit' % name,
                     interval=0.1, alive=env.guest.alive)
    return tp


def proc_info(env, prefix, bdf, what):
    """dpdk-proc-info -- --<what> as a secondary of prefix's primary (one
    report per run: it shows --stats or --xstats, not both).  It puts
    --log-level=6 (a global cap at NOTICE) first: 7 lifts it, and net_vnet's
    own level is NOTICE unless raised."""
    return env.guest.run('dpdk-proc-info -d %s -a %s --proc-type=secondary --file-prefix=%s '
                         '--log-level=7 --log-level=pmd.net.vnet:info -- --%s 2>&1'
                         % (env.plugin, bdf, prefix, what), 60, check=False)


def _stats_numbers(text):
    """proc-info / testpmd port stats block -> {name: value} of its counters."""
    vals = {}
    for k in ('RX-packets', 'RX-bytes', 'TX-packets', 'TX-bytes', 'RX-errors', 'TX-errors'):
        m = re.search(r'\b%s:\s+(\d+)' % k, text)
        if m:
            vals[k] = int(m.group(1))
    return vals


def t_secondary(env, phase):
    """dpdk-proc-info reads the primary's stats and xstats; a secondary testpmd
    forwards both ways; its control calls are refused clearly; the primary
    keeps working after it left.  Modern and legacy (port I/O) devices."""
    for mode in env.modes:
        bdf, hport = env.bdf[mode], env.m.port[mode]
        name = 'pri' + mode.replace('-', '')
        prefix = 'rb' + name   # robust.Env.testpmd's --file-prefix
        ph = phase(mode + '-proc-info')
        pri = env.testpmd(name, bdf, level='info')
        if not started(ph, pri):
            continue
        robust.host_tx(ph, env, pri, hport)
        robust.guest_tx(ph, env, pri, hport)
        # On top of guest-tx's counters: broadcast frames of 128 bytes in.
        host_run(env, hport, 'txonly', 128, BCAST)
        pri.cmds(['set fwd rxonly', 'start'])
        time.sleep(1.0)
        host_stop(env, hport)
        time.sleep(0.3)
        pri.cmd('stop')
        pst = _stats_numbers(pri.cmd('show port stats 0'))
        pxs = parse_xstats(pri.cmd('show port xstats 0'))
        rc, out = proc_info(env, prefix, bdf, 'stats')
        ph.check(rc == 0, 'dpdk-proc-info --stats exit status %d: %s' % (rc, out[-400:]))
        transport = 'modern transport' if mode == 'modern' else 'legacy transport, BAR0 ' \
            'access port-io'
        lines = net_vnet_lines(out, bdf, 'secondary process: port 0, ' + transport)
        if ph.check(lines, 'dpdk-proc-info: no net_vnet line for %s saying %r: %s'
                    % (bdf, transport, net_vnet_lines(out, bdf) or out[-300:])):
            ph.note(lines[0])
        sst = _stats_numbers(out)
        ph.note('primary %s; proc-info %s' % (pst, sst))
        ph.check(pst and sst == pst, 'proc-info --stats %s != primary %s' % (sst, pst))
        m = re.search(r'Stats reg\s+0 RX-packets:\s+(\d+)\s+RX-errors:\s+\d+\s+RX-bytes:\s+(\d+)',
                      out)
        ph.check(m and (int(m.group(1)), int(m.group(2))) == (pst.get('RX-packets'),
                                                             pst.get('RX-bytes')),
                 'proc-info per-queue rx (Stats reg 0) %s, primary rx %s/%s'
                 % (m and m.groups(), pst.get('RX-packets'), pst.get('RX-bytes')))
        rc, xout = proc_info(env, prefix, bdf, 'xstats')
        ph.check(rc == 0, 'dpdk-proc-info --xstats exit status %d: %s' % (rc, xout[-400:]))
        sxs = parse_xstats(xout[xout.find('NIC extended statistics'):])
        ours = sorted(k for k in pxs if re.match(r'[rt]x_q0_', k))
        ph.note('%d xstats, %d of them net_vnet per-queue' % (len(pxs), len(ours)))
        ph.check(len(ours) >= 30, 'only %d rx/tx_q0 xstats in the primary' % len(ours))
        ph.check(min(pxs.get('rx_q0_broadcast_packets', 0), pxs.get('tx_q0_size_64_packets', 0))
                 > 0, 'the primary has no rx broadcast or tx 64-byte counts to compare')
        diff = {k: (pxs[k], sxs.get(k)) for k in pxs if sxs.get(k) != pxs[k]}
        ph.check(not diff, 'proc-info --xstats differs from the primary (primary, proc-info): '
                 '%s' % dict(list(diff.items())[:6]))

        ph = phase(mode + '-secondary-fwd')
        sec = secondary_testpmd(env, 'sec' + mode.replace('-', ''), prefix, bdf)
        if not started(ph, sec):
            continue
        ph.check(net_vnet_lines(sec.text(), bdf, 'secondary process: port 0'),
                 'no net_vnet secondary attach line for %s' % bdf)
        host_run(env, hport, 'txonly')
        sec.cmds(['clear port stats 0', 'set fwd rxonly', 'start'])
        grx, _, _, htx = watch(env, hport, sec)
        host_stop(env, hport)
        time.sleep(0.3)
        sec.cmd('stop')
        ph.note('secondary rxonly: rx +%d, host tx +%d in %.1f s' % (grx, htx, SAMPLE_S))
        ph.check(grx >= MIN_RATE and htx >= MIN_RATE, 'secondary rx +%d, host tx +%d'
                 % (grx, htx))
        host_run(env, hport, 'rxonly')
        sec.cmds(['set fwd txonly', 'start'])
        _, gtx, hrx, _ = watch(env, hport, sec)
        sec.cmd('stop')
        time.sleep(0.3)
        host_stop(env, hport)
        ph.note('secondary txonly: tx +%d, host rx +%d' % (gtx, hrx))
        ph.check(gtx >= MIN_RATE and hrx >= MIN_RATE, 'secondary tx +%d, host rx +%d'
                 % (gtx, hrx))
        # Shared counters: the primary sees what the secondary moved.
        ps, ss = pri.port_stats(0), sec.port_stats(0)
        ph.check(ps['rx'] == ss['rx'] and ps['tx'] == ss['tx'], 'primary stats rx %d tx %d, '
                 'secondary rx %d tx %d' % (ps['rx'], ps['tx'], ss['rx'], ss['tx']))
        start = len(sec.text())
        sec.cmd('port 0 rxq 0 stop')
        lines = net_vnet_lines(sec.text()[start:], bdf, 'rx queue stop refused in a secondary',
                               'run it in the primary')
        if ph.check(lines, 'no clear refusal of rxq stop in the secondary: %r'
                    % sec.text()[start:][-300:]):
            ph.note(lines[0])
        quit_ok(ph, sec)

        ph = phase(mode + '-primary-after')
        st, _ = queue_state(ph, pri, 'rx')
        ph.check(st == 'started', 'primary rxq 0 %s after the secondary' % st)
        robust.host_tx(ph, env, pri, hport)
        robust.guest_tx(ph, env, pri, hport)
        no_crash(ph, pri)
        quit_ok(ph, pri)


# name -> (function, device modes (one NIC each), Env kwargs)
TESTS = {
    'queues': (t_queues, ['modern'], {}),
    'secondary': (t_secondary, ['modern', 'legacy'], {}),
}


if __name__ == '__main__':
    sys.exit(robust.main(sys.argv[1:], TESTS, prog='ops.py', doc=__doc__))
