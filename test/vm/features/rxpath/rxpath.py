#!/usr/bin/env python3
"""rxpath.py: net_vnet's mergeable rx buffers and offloads in a QEMU TCG guest.

  rxpath.py TEST... --plugin PATH [--logdir DIR] [--timeout S]
  rxpath.py --list

Each TEST boots one guest with a modern and a legacy (port I/O) virtio-net
NIC on host vhost PMD ports, and runs its phases on each NIC in turn.

jumbo (guest mbufs of 2 KB, --enable-scatter; host mbufs of 10 KB):
  probe        MRG_RXBUF negotiated.
  mtu-9000     `port config mtu 0 9000` is taken (MTU 9000 in port info).
  host-tx-9000 host txonly 9000-byte frames -> guest rxonly: exact byte
               counts, no errors, rx_nombuf 0, and xstat rx_q0_mrg_segments
               = packets x 5 (2048 frame bytes in the first buffer, 2060 in
               the others).
  loop-9000    host io <-> guest io at 9000 bytes: the guest sends the
               5-segment chains it received; counts as in the matrix.
  mtu-1500     MTU back to 1500; 1500-byte frames take one buffer each.
  no-scatter   a guest testpmd without --enable-scatter: MTU 9000 refused
               with net_vnet's error naming scatter rx; 9000-byte frames
               are dropped and counted (rx_q0_mrg_errors), never chained;
               64-byte traffic still flows.
csum:
  negotiate    no offload enabled: CSUM, GUEST_CSUM, GUEST_TSO4/6 not
               negotiated although offered (the device must not send
               partial checksums or 64 KB frames to an application that
               did not ask).
  csum-sw      control: guest `csum` forwarding with software checksums;
               the host sees every returned UDP packet without an offload
               request (RX_L4_CKSUM_UNKNOWN).
  csum-hw      `csum set ip|udp|tcp hw` and rx checksum offloads: CSUM and
               GUEST_CSUM negotiated at port start, GUEST_TSO still off; the
               host vhost PMD completes each returned UDP checksum from the
               guest's partial one (VIRTIO_NET_HDR_F_NEEDS_CSUM) and reports
               RX_L4_CKSUM_GOOD for all of them; the guest counts no bad
               checksums.
  lro          `rx_offload tcp_lro on`: GUEST_TSO4/6 negotiated, traffic
               flows; off again: not negotiated.
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'robust'))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
import robust  # noqa: E402
import traffic  # noqa: E402

F = {'CSUM': 0, 'GUEST_CSUM': 1, 'GUEST_TSO4': 7, 'GUEST_TSO6': 8, 'MRG_RXBUF': 15}
NICS = ['modern', 'legacy']
HOST_KW = {'machine': {'host_kw': {'mbuf_size': 10240}}}
SECONDS = 2.0
MIN_PACKETS = 200      # 9000-byte frames under TCG: a few thousand in 2 s
RING = 256
INJECT = 4 * 32        # start tx_first 4


def frame_segments(frame, buf=2048, hdr=12):
    """Rx buffers a frame takes with mbufs of buf data bytes: the first buffer
    holds the header and buf frame bytes, the others buf + hdr (the device
    writes from where the header would be)."""
    rest = max(0, frame - buf)
    return 1 + (rest + buf + hdr - 1) // (buf + hdr)


def xstats(tp):
    out = tp.cmd('show port xstats 0')
    return {k: int(v) for k, v in re.findall(r'^\s*(\w+):\s+(\d+)\s*$', out, re.M)}


def features(tp, bdf):
    """The features of net_vnet's last configure line (or the probe line)."""
    m = None
    for m in re.finditer(re.escape(bdf) + r': port \d+: (?:\S+ virtio-net, )?features '
                         r'0x([0-9a-f]+) of 0x([0-9a-f]+)', tp.text()):
        pass
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else (None, None)


def check_bits(ph, tp, bdf, want, when):
    got, offered = features(tp, bdf)
    if not ph.check(got is not None, '%s: no net_vnet features line for %s' % (when, bdf)):
        return None
    ph.note('%s: features 0x%x of 0x%x' % (when, got, offered))
    for name, on in want.items():
        bit = 1 << F[name]
        if on and not offered & bit:
            ph.note('%s not offered: not checked' % name)
            continue
        ph.check(bool(got & bit) == on, '%s: %s %s, want %s (0x%x of 0x%x)' % (
            when, name, 'on' if got & bit else 'off', 'on' if on else 'off', got, offered))
    return got


def started(ph, tp):
    return ph.check(tp.exited() is None, 'guest testpmd %s exited rc=%s' % (tp.name, tp.exited()))


def set_mtu(ph, tp, mtu):
    out = tp.cmd('port config mtu 0 %d' % mtu)
    info = tp.cmd('show port info 0')
    m = re.search(r'MTU:\s*(\d+)', info)
    ph.check(m and int(m.group(1)) == mtu, 'MTU %s after `port config mtu 0 %d`: %r' % (
        m and m.group(1), mtu, out.strip()[-300:]))


def run(ph, env, tp, hport, spec, name):
    res = traffic.run_phase(traffic.TestpmdSide(env.host), hport, tp, spec, SECONDS)
    for what, sent, got in traffic.flows(spec, res):
        ph.note('%s %s: %d -> %d in %.1f s' % (name, what, sent, got, res.dt))
    for f in traffic.check_counts(spec, res, MIN_PACKETS, RING):
        ph.check(False, '%s: %s' % (name, f))
    return res


def check_segments(ph, tp, rx, frame, name):
    xs = xstats(tp)
    segs = xs.get('rx_q0_mrg_segments')
    want = rx * frame_segments(frame)
    if ph.check(segs is not None, '%s: no rx_q0_mrg_segments xstat' % name):
        ph.note('%s: %d packets in %d rx segments (%d per frame)' % (
            name, rx, segs, frame_segments(frame)))
        ph.check(segs == want, '%s: rx_q0_mrg_segments %d, want %d (%d packets x %d)' % (
            name, segs, want, rx, frame_segments(frame)))
        ph.check(xs.get('rx_q0_mrg_errors') == 0, '%s: rx_q0_mrg_errors %s' % (
            name, xs.get('rx_q0_mrg_errors')))


# ---------------------------------------------------------------- jumbo

def jumbo_nic(env, phase, nic):
    bdf, hport = env.bdf[nic], env.m.port[nic]
    ph = phase(nic + '-probe')
    tp = env.testpmd('jumbo' + nic, bdf, app=['--enable-scatter'])
    if not started(ph, tp):
        return
    check_bits(ph, tp, bdf, {'MRG_RXBUF': True}, 'probe')

    ph = phase(nic + '-mtu-9000')
    set_mtu(ph, tp, 9000)

    ph = phase(nic + '-host-tx-9000')
    res = run(ph, env, tp, hport, traffic.Phase('txonly', 'rxonly', 9000, None, None),
              'host-tx-9000')
    check_segments(ph, tp, res.g['rx'], 9000, 'host-tx-9000')

    ph = phase(nic + '-loop-9000')
    res = run(ph, env, tp, hport, traffic.PHASES['loop-9000'], 'loop-9000')
    check_segments(ph, tp, res.g['rx'], 9000, 'loop-9000')

    ph = phase(nic + '-mtu-1500')
    set_mtu(ph, tp, 1500)
    res = run(ph, env, tp, hport, traffic.Phase('txonly', 'rxonly', 1500, None, None),
              'host-tx-1500')
    check_segments(ph, tp, res.g['rx'], 1500, 'host-tx-1500')
    robust.quit_ok(ph, tp)

    # Without scatter rx an application never gets chains: the MTU is refused
    # and longer frames are dropped and counted.
    ph = phase(nic + '-no-scatter')
    tp = env.testpmd('noscatter' + nic, bdf)
    if not started(ph, tp):
        return
    out = tp.cmd('port config mtu 0 9000')
    lines = robust.net_vnet_lines(tp.text(), bdf, 'MTU 9000', 'enable scatter rx')
    if ph.check(lines, 'no net_vnet error naming MTU 9000 and scatter rx: %r' % out[-300:]):
        ph.note(lines[0])
    m = re.search(r'MTU:\s*(\d+)', tp.cmd('show port info 0'))
    ph.check(m and m.group(1) == '1500', 'MTU %s after the refused 9000, want 1500'
             % (m and m.group(1)))
    h = env.host
    h.cmd('stop')
    h.cmd('set portlist %d' % hport)
    h.cmd('set fwd txonly')
    h.cmd('set txpkts 9000')
    h.cmd('clear port stats %d' % hport)
    tp.cmds(['clear port stats 0', 'set fwd rxonly', 'start'])
    h.cmd('start')
    time.sleep(SECONDS)
    h.cmd('stop')
    time.sleep(0.3)
    tp.cmd('stop')
    g, hs, xs = tp.port_stats(0), h.port_stats(hport), xstats(tp)
    ph.note('no-scatter: host sent %d 9000-byte frames; guest rx %d, rx_errors %d, '
            'rx_q0_mrg_errors %s' % (hs['tx'], g['rx'], g['rx_errors'],
                                     xs.get('rx_q0_mrg_errors')))
    ph.check(hs['tx'] >= MIN_PACKETS, 'host sent only %d frames' % hs['tx'])
    ph.check(g['rx'] == 0, 'guest received %d frames longer than its buffers without '
             'scatter rx' % g['rx'])
    drops = xs.get('rx_q0_mrg_errors', -1)
    ph.check(0 <= hs['tx'] - drops <= RING, 'rx_q0_mrg_errors %d for %d frames sent' % (
        drops, hs['tx']))
    ph.check(g['rx_errors'] == drops, 'rx_errors %d != rx_q0_mrg_errors %d' % (
        g['rx_errors'], drops))
    ph.check(g['rx_nombuf'] == 0, 'rx_nombuf %d' % g['rx_nombuf'])
    run(ph, env, tp, hport, traffic.PHASES['host-tx'], 'host-tx-64')
    robust.quit_ok(ph, tp)


def t_jumbo(env, phase):
    """9000-byte frames in 2 KB mbufs (MRG_RXBUF, scatter rx), MTU set and back."""
    for nic in NICS:
        jumbo_nic(env, phase, nic)


# ---------------------------------------------------------------- csum

CSUM_HW = ['port stop 0', 'csum set ip hw 0', 'csum set udp hw 0', 'csum set tcp hw 0',
           'port config 0 rx_offload udp_cksum on', 'port config 0 rx_offload tcp_cksum on',
           'port start 0']


def host_flags(env, tp, hport):
    """The host injects INJECT UDP packets (start tx_first in rxonly mode); the
    guest forwards them in csum mode; the host's verbose rx dump gives the
    ol_flags of each packet it gets back. Returns ([flags line], guest stop
    output)."""
    h = env.host
    h.cmd('stop')
    h.cmd('set portlist %d' % hport)
    h.cmd('set fwd rxonly')
    h.cmd('set txpkts 64')
    tp.cmds(['clear port stats 0', 'set fwd csum', 'start'])
    h.cmd('set verbose 1')
    mark = len(h.output())
    h.cmd('start tx_first %d' % (INJECT // 32))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and h.output()[mark:].count('ol_flags:') < INJECT:
        time.sleep(0.3)
    h.cmd('stop')
    h.cmd('set verbose 0')
    gout = tp.cmd('stop', 60)
    dump = h.output()[mark:]
    return re.findall(r'ol_flags: ([^\n]*)', dump), gout


def check_csum_counts(ph, gout, what):
    for k in ('Bad-ipcsum', 'Bad-l4csum'):
        m = re.findall(k + r':\s*(\d+)', gout)
        if ph.check(m, '%s: no %s count in the guest csum stats' % (what, k)):
            ph.check(all(x == '0' for x in m), '%s: guest %s %s' % (what, k, m))


def csum_nic(env, phase, nic):
    bdf, hport = env.bdf[nic], env.m.port[nic]
    ph = phase(nic + '-negotiate')
    tp = env.testpmd('csum' + nic, bdf)
    if not started(ph, tp):
        return
    check_bits(ph, tp, bdf, {'CSUM': False, 'GUEST_CSUM': False, 'GUEST_TSO4': False,
                             'GUEST_TSO6': False, 'MRG_RXBUF': True}, 'no offloads')

    ph = phase(nic + '-csum-sw')
    flags, gout = host_flags(env, tp, hport)
    ph.note('host got %d packets back' % len(flags))
    ph.check(len(flags) >= INJECT, 'host got %d of %d packets back' % (len(flags), INJECT))
    ph.check(flags and all('RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN' in f for f in flags),
             'software checksums: a packet reached the host with a checksum request: %r'
             % [f for f in flags if 'L4_CKSUM_UNKNOWN' not in f][:2])
    check_csum_counts(ph, gout, 'csum-sw')

    ph = phase(nic + '-csum-hw')
    out = tp.cmds(CSUM_HW, 60)
    ph.check(not re.search(r'rror|not supported|Fail', out), 'enabling hw checksums: %r'
             % out.strip()[-400:])
    check_bits(ph, tp, bdf, {'CSUM': True, 'GUEST_CSUM': True, 'GUEST_TSO4': False,
                             'GUEST_TSO6': False}, 'hw checksums')
    flags, gout = host_flags(env, tp, hport)
    good = [f for f in flags if 'RTE_MBUF_F_RX_L4_CKSUM_GOOD' in f]
    ph.note('host got %d packets back, %d with the L4 checksum completed from the guest\'s '
            'partial one' % (len(flags), len(good)))
    ph.check(len(flags) >= INJECT, 'host got %d of %d packets back' % (len(flags), INJECT))
    ph.check(flags and len(good) == len(flags), 'hw checksums: %d of %d packets reached the '
             'host without a checksum request: %r' % (len(flags) - len(good), len(flags),
                                                      [f for f in flags if f not in good][:2]))
    check_csum_counts(ph, gout, 'csum-hw')

    ph = phase(nic + '-lro')
    out = tp.cmds(['port stop 0', 'port config 0 rx_offload tcp_lro on', 'port start 0'], 60)
    ph.check(not re.search(r'rror|not supported|Fail', out), 'enabling LRO: %r'
             % out.strip()[-400:])
    check_bits(ph, tp, bdf, {'GUEST_CSUM': True, 'GUEST_TSO4': True, 'GUEST_TSO6': True},
               'LRO')
    run(ph, env, tp, hport, traffic.PHASES['host-tx'], 'host-tx-lro')
    tp.cmds(['port stop 0', 'port config 0 rx_offload tcp_lro off', 'port start 0'], 60)
    check_bits(ph, tp, bdf, {'GUEST_TSO4': False, 'GUEST_TSO6': False}, 'LRO off')
    robust.quit_ok(ph, tp)


def t_csum(env, phase):
    """Tx checksum offload (CSUM), rx checksum and LRO negotiated only when enabled."""
    for nic in NICS:
        csum_nic(env, phase, nic)


TESTS = {
    'jumbo': (t_jumbo, NICS, HOST_KW),
    'csum': (t_csum, NICS, {}),
}

if __name__ == '__main__':
    sys.exit(robust.main(sys.argv[1:], TESTS, prog='rxpath.py', doc=__doc__))
