#!/usr/bin/env python3
"""ctrl.py: net_vnet's control virtqueue and multiqueue in a QEMU TCG guest.

  ctrl.py TEST... --plugin PATH [--logdir DIR] [--timeout S]
  ctrl.py --list

Each TEST boots one guest with one virtio-net NIC (mq=on, vectors=2N+2) on a
host vhost PMD port with queues=N, and runs a guest testpmd with --rxq=N
--txq=N.  Phases:
  probe        CTRL_VQ, MQ and the control features negotiated; the control
               queue is virtqueue 2N; N queues offered and used.
  host-tx      host txonly on its N queues: every guest rx queue counts
               packets (xstats rx_qI_packets), each equal (within one ring) to
               what the host sent on its queue I: the device picks the queue.
  guest-tx     guest txonly on N queues: every guest tx queue counts
               packets, the host receives them on the same queue.
  rx-filter    promiscuous, all-multicast, MAC add/remove/set, multicast
               list, VLAN filter: each command reaches the device, read back
               with QMP query-rx-filter; they survive a port stop/start.
  announce     QMP announce-self: net_vnet acknowledges the device's
               announce request where the link is polled.
  more-queues  N+1 queues are refused (max_rx_queues is N).
  fewer-queues (N > 2) the port reconfigured to 2 pairs: guest tx on both.
  rss          (the -rss test) the RSS request on a device without
               VIRTIO_NET_F_RSS: accepted with one NOTICE; no key, no RETA.
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
from qmp import qmp_argv, qmp_call  # noqa: E402

F = {'CTRL_VQ': 17, 'CTRL_RX': 18, 'CTRL_VLAN': 19, 'GUEST_ANNOUNCE': 21, 'MQ': 22,
     'CTRL_MAC_ADDR': 23}
RING = 256
MIN_PACKETS = 500   # per queue
SECONDS = 3.0


def qmp_path(test):
    # Unix socket paths are short: not under the log dir.
    return '/tmp/vnetqmp-%d-%s.sock' % (os.getpid(), test)


def parse_xstats(text):
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'^\s*(\w+):\s*(\d+)\s*$', text, re.M)}


STREAM_RE = re.compile(r'RX Port=\s*(\d+)/Queue=\s*(\d+) -> TX Port=\s*\d+/Queue=\s*(\d+).*?\n'
                       r'\s*RX-packets:\s*(\d+)\s+TX-packets:\s*(\d+)\s+TX-dropped:\s*(\d+)')


def host_streams(env, hport):
    """Host fwd stats per stream: {queue: (rx, tx)} of the last run."""
    out = env.host.cmd('show fwd stats all')
    res = {}
    for m in STREAM_RE.finditer(out):
        if int(m.group(1)) == hport:
            res[int(m.group(2))] = (int(m.group(4)), int(m.group(5)))
    return res


def per_queue(ph, env, tp, n, phase_name):
    """One traffic phase (test/vm/traffic.py's totals checks with N rings in
    flight), then every queue's share on both sides."""
    spec = traffic.PHASES[phase_name]
    res = traffic.run_phase(traffic.TestpmdSide(env.host), 0, tp, spec, SECONDS)
    for what, sent, got in traffic.flows(spec, res):
        ph.note('%s: %d -> %d in %.1f s' % (what, sent, got, res.dt))
    for f in traffic.check_counts(spec, res, MIN_PACKETS * n, n * RING):
        ph.check(False, '%s: %s' % (phase_name, f))
    xs = parse_xstats(tp.cmd('show port xstats 0'))
    hs = host_streams(env, 0)
    guest_dir, host_i = ('rx', 1) if phase_name == 'host-tx' else ('tx', 0)
    row = []
    for q in range(n):
        # net_vnet's per-queue name, or net_virtio's (rx_q0_good_packets)
        g = xs.get('%s_q%d_packets' % (guest_dir, q), xs.get('%s_q%d_good_packets' % (guest_dir, q)))
        h = hs.get(q, (0, 0))[host_i]
        row.append('q%d guest %s %s host %s %d' % (q, guest_dir, g, 'tx' if host_i else 'rx', h))
        if not ph.check(g is not None, 'no xstat %s_q%d_packets' % (guest_dir, q)):
            continue
        ph.check(g >= MIN_PACKETS, 'guest %s queue %d counted %d packets, want >= %d'
                 % (guest_dir, q, g, MIN_PACKETS))
        sent, got = (h, g) if host_i else (g, h)
        ph.check(0 <= sent - got <= RING, 'queue %d: %d sent, %d received: not the same queue '
                 'on both sides (at most one ring in flight)' % (q, sent, got))
    # No queue beyond N carried anything.
    extra = {k: v for k, v in xs.items() if re.match(r'(rx|tx)_q(\d+)_(good_)?packets$', k)
             and int(re.match(r'(rx|tx)_q(\d+)', k).group(2)) >= n and v}
    ph.check(not extra, 'queues beyond %d counted packets: %s' % (n, extra))
    ph.note('; '.join(row))


def rx_filter(env):
    r = qmp_call(env.qmp, 'query-rx-filter', {'name': 'nic0'})
    return r[0]


def check_cmds(ph, tp, lines, what):
    out = tp.cmds(lines, 60)
    ph.check(not re.search(r'rror|ailed|not supported|Invalid|Bad arguments', out),
             '%s: testpmd says %r' % (what, out.strip()[-300:]))
    return out


def t_ctrl(env, phase, rss=False):
    """N queue pairs with traffic on every queue; rx filter, announce, queue limit."""
    mode = env.modes[0]
    bdf = env.bdf[mode]
    n = env.queues[mode]
    env.qmp = qmp_path(env.test)
    ph = phase('probe')
    app = ['--rxq=%d' % n, '--txq=%d' % n, '--total-num-mbufs=8192']
    # testpmd asks for RSS (IP) by default with several queues: ask for none
    # here, so that only the -rss test requests it.
    app.append('--rss-ip' if rss else '--disable-rss')
    tp = env.testpmd('ctrl', bdf, app=app)
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    text = tp.text()
    feat = robust.negotiated(tp, bdf)
    if ph.check(feat is not None, 'no net_vnet port line with the features'):
        for name, bit in sorted(F.items()):
            ph.check(feat >> bit & 1, '%s (bit %d) not negotiated: features 0x%x' % (name, bit, feat))
        ph.note('features 0x%x' % feat)
    line = robust.net_vnet_lines(text, bdf, 'control queue is virtqueue %d ' % (2 * n),
                                 'up to %d queue pairs (the device has %d)' % (n, n))
    if ph.check(line, 'no INFO line naming control virtqueue %d and %d queue pairs; got %s'
                % (2 * n, n, robust.net_vnet_lines(text, bdf, 'control queue'))):
        ph.note(line[0])
    info = tp.cmd('show port info 0')
    for k, v in (('Max possible RX queues', n), ('Current number of RX queues', n),
                 ('Max possible TX queues', n), ('Current number of TX queues', n)):
        m = re.search(r'%s:\s*(\d+)' % k, info)
        ph.check(m and int(m.group(1)) == v, '%s: %s, want %d' % (k, m and m.group(1), v))
    notices = robust.net_vnet_lines(text, bdf, 'RSS requested')
    if rss:
        ph = phase('rss')
        if ph.check(len(notices) == 1, 'want one NOTICE about the RSS request, got %s' % notices):
            ph.note(notices[0])
            ph.check('device itself picks each packet\'s rx queue among the %d enabled' % n
                     in notices[0], 'the NOTICE does not say the device picks among %d queues' % n)
        ph.check(not robust.net_vnet_lines(text, bdf, 'rte_eth_dev_configure'),
                 'configure was refused: %s' % robust.net_vnet_lines(text, bdf, 'configure'))
        # testpmd shows the key and RETA sizes only when they are not 0.
        for k in ('Hash key size in bytes', 'Redirection table size'):
            ph.check(k not in info, 'show port info has %r: %r' % (
                k, re.findall(k + '.*', info)))
        m = re.search(r'Supported RSS offload flow types:\n((?:  .*\n)+)', info)
        ph.check(m and 'ipv4' in m.group(1), 'no ipv4 in the RSS flow types: %r'
                 % (m and m.group(1)))
        # rte_eth_dev_rss_hash_update without a key: accepted, no second NOTICE
        check_cmds(ph, tp, ['port config all rss udp'], 'port config all rss udp')
        ph.check(len(robust.net_vnet_lines(tp.text(), bdf, 'RSS requested')) == 1,
                 'the RSS NOTICE was repeated by the hash update')
        out = tp.cmd('port config 0 rss reta (0,1)')
        ph.check('Redirection table size is 0' in out, 'testpmd did not refuse a RETA for a '
                 'port with reta_size 0: %r' % out.strip()[-200:])
    else:
        ph.check(not notices, 'an RSS NOTICE without an RSS request: %s' % notices)

    ph = phase('host-tx')
    per_queue(ph, env, tp, n, 'host-tx')
    ph = phase('guest-tx')
    per_queue(ph, env, tp, n, 'guest-tx')

    ph = phase('rx-filter')
    f = rx_filter(env)
    ph.note('at start: promiscuous %s, multicast %s, vlan %s, main-mac %s' % (
        f['promiscuous'], f['multicast'], f['vlan'], f['main-mac']))
    ph.check(f['promiscuous'] is True, 'testpmd enables promiscuous mode: device says %s'
             % f['promiscuous'])
    # With CTRL_VLAN the device starts with an empty VLAN table, which QEMU
    # reports as 'none' (its own datapath drops tagged frames; a vhost-user
    # backend's does not filter at all): as with net_virtio.
    ph.check(f['vlan'] == 'none' and f['vlan-table'] == [],
             'with CTRL_VLAN the VLAN table starts empty: vlan %r, table %s'
             % (f['vlan'], f['vlan-table']))
    uc, mc, mac2 = '02:00:00:00:10:01', '01:00:5e:00:00:07', '02:00:00:00:20:02'
    steps = [
        (['set promisc 0 off'], lambda f: f['promiscuous'] is False, 'promiscuous off'),
        (['set allmulti 0 on'], lambda f: f['multicast'] == 'all', 'all-multicast on'),
        (['set allmulti 0 off'], lambda f: f['multicast'] == 'normal', 'all-multicast off'),
        (['mac_addr add 0 ' + uc], lambda f: uc in f['unicast-table'], 'MAC add'),
        (['mcast_addr add 0 ' + mc], lambda f: mc in f['multicast-table'], 'multicast list'),
        (['mac_addr remove 0 ' + uc], lambda f: uc not in f['unicast-table'], 'MAC remove'),
        (['vlan set filter on 0', 'rx_vlan add 100 0'], lambda f: 100 in f['vlan-table'] and f['vlan'] == 'normal',
         'VLAN 100 added'),
        (['rx_vlan add 200 0', 'rx_vlan rm 100 0'],
         lambda f: f['vlan-table'] == [200], 'VLAN 100 removed, 200 kept'),
        (['mac_addr set 0 ' + mac2], lambda f: f['main-mac'] == mac2, 'MAC set'),
        # The device forgets everything in the reset of a stop; start restores it.
        (['port stop 0', 'port start 0'],
         lambda f: (f['promiscuous'] is False and mc in f['multicast-table'] and
                    f['vlan-table'] == [200] and f['main-mac'] == mac2), 'after stop/start'),
        (['set promisc 0 on', 'mac_addr set 0 ' + env.m.mac[mode]],
         lambda f: f['promiscuous'] is True and f['main-mac'] == env.m.mac[mode], 'restored'),
    ]
    for lines, ok, what in steps:
        check_cmds(ph, tp, lines, what)
        f = rx_filter(env)
        ph.check(ok(f), '%s: the device shows promiscuous %s multicast %s unicast-table %s '
                 'multicast-table %s vlan-table %s main-mac %s' % (
                     what, f['promiscuous'], f['multicast'], f['unicast-table'],
                     f['multicast-table'], f['vlan-table'], f['main-mac']))
    ph.check(not robust.net_vnet_lines(tp.text(), bdf, 'VIRTIO_NET_CTRL'),
             'control command errors: %s' % robust.net_vnet_lines(tp.text(), bdf, 'VIRTIO_NET_CTRL'))

    ph = phase('announce')
    before = robust.net_vnet_lines(tp.text(), bdf, 'asked for an announce')
    ph.check(not before, 'announce acknowledged before any request: %s' % before)
    qmp_call(env.qmp, 'announce-self', {'initial': 50, 'max': 550, 'rounds': 3, 'step': 100})
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        tp.cmd('show port info 0')   # link_update: where the request is polled
        time.sleep(0.2)
    acks = robust.net_vnet_lines(tp.text(), bdf, 'asked for an announce')
    if ph.check(acks, 'no announce acknowledged after announce-self'):
        ph.note('%d acknowledged; %s' % (len(acks), acks[0]))
    ph.check(len(acks) <= 3, '%d acks for 3 announce rounds' % len(acks))
    errs = robust.net_vnet_lines(tp.text(), bdf, 'ANNOUNCE_ACK:')
    ph.check(not errs, 'ANNOUNCE_ACK errors (the device had no request?): %s' % errs)

    ph = phase('more-queues')
    out = tp.cmds(['port stop 0', 'port config all rxq %d' % (n + 1)])
    ph.check(re.search(r"rxq \(%d\) can't be greater than max_rx_queues \(%d\)" % (n + 1, n), out),
             'no refusal of rxq %d on a %d-pair device: %r' % (n + 1, n, out[-300:]))
    out = tp.cmd('port start 0', 60)
    ph.check(not re.search(r'Fail|rror', out), 'port start: %r' % out[-300:])
    if n > 2:
        # Fewer pairs than the device has: VQ_PAIRS_SET 2, traffic on both.
        ph = phase('fewer-queues')
        check_cmds(ph, tp, ['port stop 0', 'port config all rxq 2', 'port config all txq 2',
                            'port start 0'], 'reconfigure to 2 queue pairs')
        info = tp.cmd('show port info 0')
        m = re.search(r'Current number of RX queues:\s*(\d+)', info)
        ph.check(m and m.group(1) == '2', 'rx queues after the reconfiguration: %s'
                 % (m and m.group(1)))
        per_queue(ph, env, tp, 2, 'guest-tx')
    robust.quit_ok(ph, tp)


def t_ctrl_rss(env, phase):
    """As t_ctrl with --rss-ip: the RSS request on a device without VIRTIO_NET_F_RSS."""
    t_ctrl(env, phase, rss=True)


def mq_env(mode, n):
    """Env kwargs: one NIC of mode with n queue pairs, a QMP socket, host --rxq/--txq n."""
    return {'nic_props': {mode: 'mq=on,vectors=%d' % (2 * n + 2)}, 'queues': {mode: n},
            'machine': {'host_kw': {'extra_app': ['--rxq=%d' % n, '--txq=%d' % n]}}}


TESTS = {
    'mq4-modern': (t_ctrl, ['modern'], mq_env('modern', 4)),
    'mq2-legacy-rss': (t_ctrl_rss, ['legacy'], mq_env('legacy', 2)),
}
for _t, (_fn, _modes, _kw) in TESTS.items():
    _kw['machine']['pre_devices'] = [qmp_argv(qmp_path(_t))]


if __name__ == '__main__':
    try:
        sys.exit(robust.main(sys.argv[1:], TESTS, prog='ctrl.py', doc=__doc__))
    finally:
        for _t in TESTS:
            if os.path.exists(qmp_path(_t)):
                os.unlink(qmp_path(_t))
