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
csum (the host adds a net_pcap port that sends 36 TCP/UDP frames over IPv4
and IPv6, 64-1400 bytes, with wrong checksums, and keeps what comes back;
host topology chained: pcap <-> the NIC's vhost port):
  negotiate    no offload enabled: CSUM, GUEST_CSUM, GUEST_TSO4/6 not
               negotiated although offered (the device must not send
               partial checksums or 64 KB frames to an application that
               did not ask).
  csum-sw      control: guest `csum` forwarding with software checksums;
               every frame comes back with right checksums (checked in
               Python from the host's pcap) and without a checksum request
               (host RX_L4_CKSUM_UNKNOWN).
  csum-hw      `csum set ip|udp|tcp hw` and rx checksum offloads: CSUM and
               GUEST_CSUM negotiated at port start, GUEST_TSO still off;
               every frame reaches the host with a partial checksum
               (VIRTIO_NET_HDR_F_NEEDS_CSUM: the vhost PMD completes it and
               reports RX_L4_CKSUM_GOOD) and, once completed, every IPv4
               header, TCP and UDP checksum is right (checked in Python).
  rx-csum-off  (after negotiate) the host asks its vhost port for checksum
               offload; without GUEST_CSUM the vhost PMD fills checksums in
               and the guest sees RX_L4_CKSUM_UNKNOWN on every frame.
  rx-csum      (after csum-hw, GUEST_CSUM on) the same frames arrive with
               NEEDS_CSUM: RX_L4_CKSUM_NONE on every frame.
  tso          (host vhost tso=1) `tso set 800`: HOST_TSO4/6 negotiated;
               the 1400-byte TCP frames (IPv4 and IPv6) reach the host as one
               frame each marked for segmentation (RTE_MBUF_F_RX_LRO), the
               others not, and every checksum is right (TSO frames: over a
               pseudo-header without length); `tso set 0`: HOST_TSO off.
  lro          `rx_offload tcp_lro on`: GUEST_TSO4/6 negotiated, traffic
               flows; off again: not negotiated.
"""
import os
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), 'robust'))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
import pkts  # noqa: E402
import robust  # noqa: E402
import traffic  # noqa: E402
import vmlib  # noqa: E402

F = {'CSUM': 0, 'GUEST_CSUM': 1, 'GUEST_TSO4': 7, 'GUEST_TSO6': 8, 'HOST_TSO4': 11,
     'HOST_TSO6': 12, 'MRG_RXBUF': 15}
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
# The host's net_pcap port sends pkts.frames() (wrong checksums on purpose)
# and keeps what it receives; the host forwards pcap <-> the NIC's vhost port
# (chained topology). The files live while the test runs.
PCAP_DIR = os.path.join(tempfile.gettempdir(), 'vnet-rxpath-%d' % os.getpid())
PCAP_IN, PCAP_OUT = os.path.join(PCAP_DIR, 'in.pcap'), os.path.join(PCAP_DIR, 'out.pcap')
TSO_SEGSZ = 800
CSUM_KW = {'machine': {
    # DPDK's vhost PMD offers HOST_TSO4/6 only with tso=1.
    'vhost_extra': {nic: 'tso=1' for nic in NICS},
    'host_kw': {
    'extra_eal': ['--vdev', 'net_pcap0,rx_pcap=%s,tx_pcap=%s' % (PCAP_IN, PCAP_OUT)],
    # testpmd drains every rx queue at `start` unless told not to: that
    # would eat the pcap port's frames before forwarding begins.
    'extra_app': ['--port-topology=chained', '--no-flush-rx']}}}


def pcap_port(h):
    out = h.cmd('show port summary all')
    m = re.search(r'^(\d+)\s+\S+\s+net_pcap0\b', out, re.M)
    if not m:
        raise vmlib.VMError('no net_pcap0 port on the host: %s' % out[-400:])
    return int(m.group(1))


def csum_round(env, tp, hport):
    """pkts.frames() from the host pcap port through the guest's csum
    forwarding and back. Returns (frames the host received, the ol_flags
    dump line of each frame the vhost port received, guest stop output)."""
    h = env.host
    pp = pcap_port(h)
    h.cmd('stop')
    # Stopping the pcap port closes its files; starting it reads in.pcap
    # from the top and starts an empty out.pcap.
    h.cmd('port stop %d' % pp)
    h.cmd('port start %d' % pp)
    h.cmd('set portlist %d,%d' % (pp, hport))
    h.cmd('set fwd io')
    tp.cmds(['clear port stats 0', 'set fwd csum', 'start'])
    h.cmd('set verbose 1')
    mark = len(h.output())
    # The forwarding core dumps frames at once, possibly into the middle of
    # start's prompt: send start without waiting for its prompt, wait for
    # the frames (36 from the pcap port, 36 back from the guest), then
    # resynchronise on the prompt of a command sent when all is quiet.
    h.proc.stdin.write(b'start\n')
    h.proc.stdin.flush()
    want = len(pkts.frames())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (
            len(pkts.read_pcap(PCAP_OUT)) < want or
            h.output()[mark:].count('ol_flags:') < 2 * want):
        time.sleep(0.3)
    time.sleep(0.3)
    h.cmd('show port summary all')
    h.cmd('stop')
    h.cmd('set verbose 0')
    gout = tp.cmd('stop', 60)
    dump = h.output()[mark:]
    flags = []
    for block in re.split(r'(?=port \d+/queue \d+: received)', dump):
        m = re.match(r'port (\d+)/queue \d+: received', block)
        if m and int(m.group(1)) == hport:
            flags += re.findall(r'ol_flags: ([^\n]*)', block)
    return pkts.read_pcap(PCAP_OUT), flags, gout


def rx_round(env, tp, hport):
    """The host sends pkts.frames() from its pcap port to the guest asking for
    checksum offload (testpmd csum engine, `csum set udp|tcp hw` on its vhost
    port); the guest's rxonly verbose dump gives each frame's ol_flags."""
    h = env.host
    pp = pcap_port(h)
    h.cmd('stop')
    h.cmd('port stop %d' % pp)
    h.cmd('port stop %d' % hport)
    h.cmd('csum set udp hw %d' % hport)
    h.cmd('csum set tcp hw %d' % hport)
    h.cmd('port start %d' % hport)
    h.cmd('port start %d' % pp)
    h.cmd('set portlist %d,%d' % (pp, hport))
    h.cmd('set fwd csum')
    mark = len(tp.text())
    tp.cmds(['clear port stats 0', 'set verbose 1', 'set fwd rxonly', 'start'])
    h.cmd('start')
    want = len(pkts.frames())
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and tp.text()[mark:].count('ol_flags:') < want:
        time.sleep(0.3)
    h.cmd('stop')
    out = tp.cmds(['stop', 'set verbose 0'], 60)
    for line in ('port stop %d' % hport, 'csum set udp sw %d' % hport,
                 'csum set tcp sw %d' % hport, 'port start %d' % hport):
        h.cmd(line)
    return re.findall(r'ol_flags: ([^\n]*)', tp.text()[mark:]), out


def check_rx_flags(ph, flags, want, what):
    """Every frame the guest received shows the L4 checksum state want."""
    n = len(pkts.frames())
    ph.check(len(flags) == n, '%s: the guest dumped %d of %d frames' % (what, len(flags), n))
    odd = [f for f in flags if want not in f]
    ph.note('%s: %d frames, %d with %s' % (what, len(flags), len(flags) - len(odd), want))
    ph.check(flags and not odd, '%s: %d frames without %s: %r' % (what, len(odd), want,
                                                                   odd[:2]))


def tso_frame(fr):
    """Would the guest's csum engine send fr for segmentation (TCP payload
    above TSO_SEGSZ)?"""
    ver, proto = pkts.kind(fr)
    return proto == pkts.TCP and len(fr) - 14 - (20 if ver == 4 else 40) - 20 > TSO_SEGSZ


def check_frames(ph, got, what, tso=False):
    want = len(pkts.frames())
    ph.check(len(got) == want, '%s: the host got %d of %d frames back' % (what, len(got), want))
    kinds = {}
    for fr in got:
        ver, proto = pkts.kind(fr)
        k = '%s/IPv%s' % ({pkts.TCP: 'TCP', pkts.UDP: 'UDP'}.get(proto, proto), ver)
        kinds[k] = kinds.get(k, 0) + 1
        bad = pkts.check_frame(fr, tso and tso_frame(fr))
        ph.check(not bad, '%s: %d-byte %s frame: %s' % (what, len(fr), k, '; '.join(bad)))
    ph.note('%s: %d frames back (%s), checksums verified in software' % (
        what, len(got), ', '.join('%s %d' % kv for kv in sorted(kinds.items()))))


def check_csum_counts(ph, gout, what):
    for k in ('Bad-ipcsum', 'Bad-l4csum'):
        m = re.findall(k + r':\s*(\d+)', gout)
        if ph.check(m, '%s: no %s count in the guest csum stats' % (what, k)):
            ph.note('%s: guest %s %s' % (what, k, ', '.join(m)))


def csum_nic(env, phase, nic):
    bdf, hport = env.bdf[nic], env.m.port[nic]
    ph = phase(nic + '-negotiate')
    tp = env.testpmd('csum' + nic, bdf)
    if not started(ph, tp):
        return
    check_bits(ph, tp, bdf, {'CSUM': False, 'GUEST_CSUM': False, 'GUEST_TSO4': False,
                             'GUEST_TSO6': False, 'HOST_TSO4': False, 'HOST_TSO6': False,
                             'MRG_RXBUF': True}, 'no offloads')

    # Without GUEST_CSUM the host's vhost PMD completes checksums itself.
    ph = phase(nic + '-rx-csum-off')
    flags, _ = rx_round(env, tp, hport)
    check_rx_flags(ph, flags, 'RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN', 'rx, GUEST_CSUM off')

    # Control: checksums computed by testpmd; no request reaches the host.
    ph = phase(nic + '-csum-sw')
    got, flags, gout = csum_round(env, tp, hport)
    check_frames(ph, got, 'csum-sw')
    ph.check(flags and all('RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN' in f for f in flags),
             'software checksums: a frame reached the host with a checksum request: %r'
             % [f for f in flags if 'L4_CKSUM_UNKNOWN' not in f][:2])
    check_csum_counts(ph, gout, 'csum-sw')

    ph = phase(nic + '-csum-hw')
    out = tp.cmds(CSUM_HW, 60)
    ph.check(not re.search(r'rror|not supported|Fail', out), 'enabling hw checksums: %r'
             % out.strip()[-400:])
    check_bits(ph, tp, bdf, {'CSUM': True, 'GUEST_CSUM': True, 'GUEST_TSO4': False,
                             'GUEST_TSO6': False}, 'hw checksums')
    got, flags, gout = csum_round(env, tp, hport)
    # The guest left the pseudo-header sums and its IPv4 checksum request to
    # net_vnet; the vhost PMD finishes each L4 sum from VIRTIO_NET_HDR_F_NEEDS_CSUM
    # (its RX_L4_CKSUM_GOOD); the frames' bytes are then checked here.
    check_frames(ph, got, 'csum-hw')
    good = [f for f in flags if 'RTE_MBUF_F_RX_L4_CKSUM_GOOD' in f]
    ph.note('csum-hw: %d of %d frames came with a partial checksum (NEEDS_CSUM)'
            % (len(good), len(flags)))
    ph.check(flags and len(good) == len(flags), 'hw checksums: %d of %d frames reached the '
             'host without a checksum request: %r' % (len(flags) - len(good), len(flags),
                                                      [f for f in flags if f not in good][:2]))
    check_csum_counts(ph, gout, 'csum-hw')

    # GUEST_CSUM: frames arrive with VIRTIO_NET_HDR_F_NEEDS_CSUM (data valid,
    # checksum not filled in): RTE_MBUF_F_RX_L4_CKSUM_NONE.
    ph = phase(nic + '-rx-csum')
    flags, _ = rx_round(env, tp, hport)
    check_rx_flags(ph, flags, 'RTE_MBUF_F_RX_L4_CKSUM_NONE', 'rx, GUEST_CSUM on')

    # TSO: the big TCP frames go out for segmentation (gso_type TCPV4/6,
    # gso_size); the host's vhost PMD marks them RTE_MBUF_F_RX_LRO and
    # completes their checksum over a length-less pseudo-header.
    ph = phase(nic + '-tso')
    out = tp.cmds(['port stop 0', 'tso set %d 0' % TSO_SEGSZ, 'port start 0'], 60)
    ph.check(not re.search(r'rror|not supported|Fail', out), 'enabling TSO: %r'
             % out.strip()[-400:])
    check_bits(ph, tp, bdf, {'CSUM': True, 'HOST_TSO4': True, 'HOST_TSO6': True}, 'TSO')
    got, flags, _ = csum_round(env, tp, hport)
    check_frames(ph, got, 'tso', tso=True)
    if ph.check(len(flags) == len(got), 'tso: %d flag lines for %d frames' % (
            len(flags), len(got))):
        big = [tso_frame(fr) for fr in got]
        lro = ['RTE_MBUF_F_RX_LRO' in f for f in flags]
        ph.note('tso: %d frames sent for segmentation, %d marked by the host' % (
            sum(big), sum(lro)))
        ph.check(sum(big) > 0 and big == lro, 'tso: frames for segmentation %s, marked '
                 'by the host %s' % (big, lro))
    tp.cmds(['port stop 0', 'tso set 0 0', 'port start 0'], 60)
    check_bits(ph, tp, bdf, {'HOST_TSO4': False, 'HOST_TSO6': False}, 'TSO off')

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
    """Tx checksum offload (CSUM) checked in software on the host; offload bits
    negotiated only when enabled."""
    for nic in NICS:
        csum_nic(env, phase, nic)


TESTS = {
    'jumbo': (t_jumbo, NICS, HOST_KW),
    'csum': (t_csum, NICS, CSUM_KW),
}

def main(argv):
    os.makedirs(PCAP_DIR, exist_ok=True)
    try:
        pkts.write_pcap(PCAP_IN, pkts.frames())
        return robust.main(argv, TESTS, prog='rxpath.py', doc=__doc__)
    finally:
        shutil.rmtree(PCAP_DIR, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
