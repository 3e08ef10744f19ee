"""The traffic rig: one phase of traffic between a guest testpmd and the host
side, and what its counters must show (stdlib only).

  side = TestpmdSide(host)            # or OvsSide(ovs_backend)
  res = run_phase(side, hport, guest_testpmd, PHASES['guest-tx'], seconds=2.0)
  fails = check_counts(PHASES['guest-tx'], res, min_packets=2000, ring=256)

A phase runs for a fixed time; the host-side counter of the receiving
direction is read at the start of the last second and at the end, so a ring
that stalls shows.  The checks: the counter still rose in the last second;
bytes equal packets x frame size on both sides; no rx/tx errors in the
guest, no rx errors on the host side, no rx_nombuf; per direction, what one side sent minus what the other counted is
between 0 and one ring (what was in flight when traffic stopped).
"""

import collections
import re
import time

from vmlib import VMError, parse_port_stats

Phase = collections.namedtuple('Phase', 'host_fwd guest_fwd size guest_txpkts mtu')
# host_fwd rxonly: the guest sends; txonly: the host sends; io: a loop.
# size: frame bytes on the wire; guest_txpkts: the guest's `set txpkts`
# (several values: a multi-segment mbuf chain); mtu: set before, restored after.
PHASES = collections.OrderedDict([
    ('guest-tx', Phase('rxonly', 'txonly', 64, '64', None)),
    ('host-tx', Phase('txonly', 'rxonly', 64, None, None)),
    ('loop-64', Phase('io', 'io', 64, None, None)),
    ('loop-1500', Phase('io', 'io', 1500, None, None)),
    ('loop-9000', Phase('io', 'io', 9000, None, None)),
    ('guest-tx-multiseg', Phase('rxonly', 'txonly', 96, '48,24,24', None)),
    ('mtu-9000', Phase('io', 'io', 9000, None, 9000)),
])
TX_FIRST_BURSTS = 4   # `start tx_first 4`: 4 bursts of 32 packets start a loop
BURST = 32


class TestpmdSide:
    """The host testpmd's net_vhost port: it receives, sends and loops."""

    injects = True   # it starts a loop itself (start tx_first)

    def __init__(self, h):
        self.h = h

    def begin(self, P):
        h = self.h
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

    def receive(self, P):
        self.h.cmd('set fwd rxonly')
        self.h.cmd('start')

    def prepare_send(self, P, size):
        self.h.cmd('set fwd txonly')
        self.h.cmd('set txpkts %d' % size)

    def prepare_loop(self, P, size):
        self.h.cmd('set fwd io')
        out = self.h.cmd('set txpkts %d' % size)
        if 'rror' in out or 'nvalid' in out:
            raise VMError('host rejected set txpkts %d: %s' % (size, out.strip()[-300:]))

    def start_send(self, P):
        self.h.cmd('start')

    def start_loop(self, P):
        self.h.cmd('start tx_first %d' % TX_FIRST_BURSTS)

    def halt(self, P):
        self.h.cmd('stop')

    def stats(self, P):
        return self.h.port_stats(P)

    def restart_dead_loop(self, P):
        """After a loop stalled: if the host dropped its whole population on
        enqueue (testpmd's TX-dropped), inject it once more and say why; None
        (and nothing injected) otherwise."""
        out = self.h.cmd('stop')
        m = re.search(r'TX-dropped:\s*(\d+)', out)
        dropped = int(m.group(1)) if m else 0
        if dropped < TX_FIRST_BURSTS * BURST:
            return None
        self.start_loop(P)
        return ('the host dropped %d frames on enqueue into the guest (DPDK vhost drops a burst '
                'it cannot place, e.g. on a vIOMMU IOTLB miss) and the loop died; injected once more'
                % dropped)


class OvsSide:
    """An OVS-DPDK vhost-user client port (test/vm/ovs.py): it drops or
    hairpins what the guest sends; the guest starts loops."""

    injects = False

    def __init__(self, h):
        self.h = h

    def begin(self, P):
        self.h.flow(P, 'drop')
        time.sleep(0.3)   # OVS polls all the time: the guest's leftovers are gone
        self.h.clear_stats(P)

    def receive(self, P):
        self.h.flow(P, 'drop')

    def prepare_send(self, P, size):
        raise VMError('OVS cannot generate traffic: no host-tx phase with the ovs backend')

    def prepare_loop(self, P, size):
        self.h.flow(P, 'hairpin')

    def start_send(self, P):
        pass

    def start_loop(self, P):
        pass

    def halt(self, P):
        self.h.flow(P, 'drop')

    def stats(self, P):
        return self.h.port_stats(P)


class Result:
    """Counters of one phase: guest (g) and host side (hs) port stats, traffic
    time, the receiving host counter at the start of the last second (c1) and
    at the end (c2), and packets the guest injected to start a loop."""

    def __init__(self, g, hs, dt, c1, c2, injected, restarted=None):
        self.g, self.hs, self.dt, self.c1, self.c2 = g, hs, dt, c1, c2
        self.injected = injected
        self.restarted = restarted   # why a dead loop was injected once more


# How long a counter that stood still in the last second may take to move
# again: QEMU, the guest and the backend share two cores, and the host may
# deschedule one of them for a moment. A guest that stopped refilling or
# sending stays still through it (vm-faults: rx-refill-stops).
STALL_GRACE_S = 2.0


def _run_for(side, P, key, seconds):
    t = time.monotonic()
    time.sleep(max(0.5, seconds - 1.0))
    before = side.stats(P)[key]
    time.sleep(max(0.0, t + seconds - time.monotonic()))
    after = side.stats(P)[key]
    still = time.monotonic()
    while after == before and time.monotonic() - still < STALL_GRACE_S:
        time.sleep(0.25)
        after = side.stats(P)[key]
    waited = time.monotonic() - still if after != before else 0.0
    if waited > 0.3:
        print('[vm] the %s counter stood still for the last second and moved %.1f s later'
              % (key, waited), flush=True)
    return time.monotonic() - t, before, after


LOOP_SETTLE_S = 0.5


def run_phase(side, P, tp, spec, seconds, guest_refused=None):
    """Run one phase; returns a Result.  guest_refused(out) is called with the
    guest's output of its set-up commands when the guest sends."""
    side.begin(P)
    guest_cmds = ['clear port stats 0', 'set fwd %s' % spec.guest_fwd]
    if spec.guest_txpkts:
        guest_cmds.append('set txpkts %s' % spec.guest_txpkts)
    injected = 0
    restarted = None
    if spec.host_fwd == 'rxonly':            # the guest sends
        side.receive(P)
        out = tp.cmds(guest_cmds + ['start'])
        if guest_refused and re.search(r'rror|nvalid|ot supported', out):
            guest_refused(out)
        dt, c1, c2 = _run_for(side, P, 'rx', seconds)
        gout = tp.cmds(['stop', 'show port stats 0'], 60)
        time.sleep(0.2)
        side.halt(P)
    elif spec.host_fwd == 'txonly':          # the host sends
        side.prepare_send(P, spec.size)
        tp.cmds(guest_cmds + ['start'])
        side.start_send(P)
        dt, c1, c2 = _run_for(side, P, 'tx', seconds)
        side.halt(P)
        time.sleep(0.2)
        gout = tp.cmds(['stop', 'show port stats 0'], 60)
    else:                                    # a loop: both forward
        side.prepare_loop(P, spec.size)
        if side.injects:
            tp.cmds(guest_cmds + ['start'])
            side.start_loop(P)
        else:
            injected = TX_FIRST_BURSTS * BURST
            tp.cmds(guest_cmds + ['set txpkts %d' % spec.size,
                                  'start tx_first %d' % TX_FIRST_BURSTS])
        dt, c1, c2 = _run_for(side, P, 'rx', seconds)
        if c2 == c1 and side.injects:
            # A loop has a fixed population: one transient refusal by the
            # backend kills it for good. Only a backend that dropped the whole
            # population is given a second one; a guest that stopped refilling
            # kills it again.
            restarted = side.restart_dead_loop(P)
            if restarted:
                print('[vm] %s' % restarted, flush=True)
                dt2, c1, c2 = _run_for(side, P, 'rx', seconds)
                dt += dt2
        side.halt(P)
        # Let the guest empty its rx ring before it stops: frames left there
        # would be received, and counted, in the next phase (at another size).
        time.sleep(LOOP_SETTLE_S)
        gout = tp.cmds(['stop', 'show port stats 0'], 60)
    if injected or (spec.guest_txpkts and spec.guest_txpkts != '64'):
        tp.cmd('set txpkts 64')
    g = parse_port_stats(gout)
    if g is None:
        raise VMError('no guest port stats in: %s' % gout[-500:])
    return Result(g, side.stats(P), dt, c1, c2, injected, restarted)


def flows(spec, res):
    """[(what, sent, received)] for each direction that carried traffic."""
    g, hs = res.g, res.hs
    if spec.host_fwd == 'rxonly':
        return [('guest tx -> host rx', g['tx'], hs['rx'])]
    if spec.host_fwd == 'txonly':
        return [('host tx -> guest rx', hs['tx'], g['rx'])]
    return [('host tx -> guest rx', hs['tx'], g['rx']),
            ('guest tx -> host rx', g['tx'], hs['rx'])]


def check_counts(spec, res, min_packets, ring):
    """The failed assertions of one phase, as strings (none: it passed)."""
    fails = []

    def c(cond, what):
        if not cond:
            fails.append(what)
    g, hs = res.g, res.hs
    c(res.c2 > res.c1, 'traffic stalled: the host counter stayed at %d in the last second '
      'and %.0f s more' % (res.c2, STALL_GRACE_S))
    # The host's tx_errors is left out: DPDK's vhost PMD from 23.11 on counts
    # there what it could not enqueue because the guest's ring was full
    # (back-pressure, not an error); a guest that stops refilling shows as a
    # stalled counter and as counts that do not add up.
    for side, st, keys in (('guest', g, ('rx_errors', 'tx_errors', 'rx_nombuf')),
                           ('host', hs, ('rx_errors', 'rx_nombuf'))):
        for k in keys:
            c(st[k] == 0, '%s %s = %d' % (side, k, st[k]))
        for d in ('rx', 'tx'):
            c(st[d + '_bytes'] == st[d] * spec.size, '%s %s bytes %d != %d packets x %d B' % (
                side, d, st[d + '_bytes'], st[d], spec.size))
    if spec.host_fwd == 'io':
        fwd = g['tx'] - res.injected
        c(0 <= g['rx'] - fwd <= ring, 'guest forwarded %d of %d received (more than one '
          'ring lost)' % (fwd, g['rx']))
    for what, sent, got in flows(spec, res):
        c(sent >= min_packets and got >= min_packets, '%s: %d -> %d, need >= %d each'
          % (what, sent, got, min_packets))
        c(0 <= sent - got <= ring, '%s: %d sent, %d received (%+d; at most one ring of %d '
          'may be in flight)' % (what, sent, got, got - sent, ring))
    return fails
