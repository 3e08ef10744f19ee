#!/usr/bin/env python3
"""ring.py: virtqueue layouts (packed, in-order, indirect) in a QEMU TCG guest.

  ring.py TEST... --plugin PATH [--logdir DIR] [--timeout S] [--table-from DIR]
  ring.py --list

Each TEST boots one guest (patched QEMU of test/vm/qemu/build, for in_order=on)
with modern virtio-net NICs on host vhost PMD ports (uio_pci_generic), one NIC
per layout the device offers:
  packed      packed=on                      (virtio 1.2 §2.8)
  packed-io   packed=on,in_order=on          (§2.8.9)
  split-io    in_order=on                    (§2.7.9)
  split       the plain modern NIC
TESTS vnet-* run net_vnet (-d PLUGIN), virtio-* DPDK's net_virtio (no -d).

vnet-packed / virtio-packed (packed NIC):
  probe        RING_PACKED offered and negotiated, IN_ORDER not offered;
               net_vnet's INFO line says "ring packed".
  tx|rx|loop-64|1500|9000  guest txonly -> host rxonly, host txonly -> guest
               rxonly, io both sides (one guest testpmd with --enable-scatter
               and MTU 9000; host mbufs of 10 KB; the guest sends 9000-byte
               frames as 5-segment chains): test/vm/traffic.py's exact
               counts on both sides.
vnet-layouts / virtio-layouts:
  split-io-*, packed-io-*   IN_ORDER offered only by those NICs (and not by
               the others: the QEMU property works), negotiated, in use (INFO
               line "in-order"); tx, rx, loop-1500 and a multi-segment tx.
  split-indirect, packed-indirect  multi-segment tx (`set txpkts 64,64,64,64`):
               INDIRECT_DESC negotiated, INFO line "indirect"; counts exact.
  *-indirect0  (net_vnet) devarg indirect=0: not negotiated, the same
               traffic passes on normal chains.
  packed0      (net_vnet) devarg packed=0 on the packed NIC: split ring.
  in-order0    (net_vnet) devarg in_order=0 on the packed-io NIC: packed,
               not in-order.
vnet-notify / virtio-notify:  a split and a packed NIC (ioeventfd=off) on
               QEMU's own virtio-net model (vmlib.UdpBackend), which asks for
               a kick per tx batch.  udp-split, udp-split-ei0 (net_vnet devarg
               event_idx=0), udp-packed: guest txonly 64 and 1500 bytes; the
               harness receives exactly what the guest sent (up to the kernel's
               counted UDP drops); net_vnet's tx_q0_kicks > 0, <= packets, and
               equal to the notifies QEMU traces (virtio_queue_notify).

Every traffic row reports kicks per 1000 packets: net_vnet's per-queue
`kicks` xstats from the guest, and for both drivers the kicks counted from
outside (the growth of the vhost-user kick eventfds the host testpmd shares
with QEMU, /proc/PID/fdinfo eventfd-count; nobody reads them while the
backend polls). For net_vnet both must agree. The table at the end shows
both drivers side by side (--table-from DIR adds rows of an earlier run,
e.g. the net_vnet run of the meson suite next to ci/test --full's net_virtio
run).
"""
import glob
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FEATURES = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(os.path.dirname(FEATURES), 'robust'))
sys.path.insert(0, os.path.join(FEATURES, 'rxpath'))
sys.path.insert(0, os.path.dirname(FEATURES))
import robust  # noqa: E402
import rxpath  # noqa: E402
import traffic  # noqa: E402
import vmlib  # noqa: E402

BITS = {'INDIRECT_DESC': 28, 'RING_PACKED': 34, 'IN_ORDER': 35}
# One NIC per layout offered; registered next to vmlib's device modes for this
# process only (slots 12-14 are free on the pc root bus).
NIC_MODES = {
    'packed': vmlib.DeviceMode('disable-legacy=on,packed=on', False, 'modern', None, 12),
    'packed-io': vmlib.DeviceMode('disable-legacy=on,packed=on,in_order=on', True, 'modern',
                                  None, 13),
    'split-io': vmlib.DeviceMode('disable-legacy=on,in_order=on', True, 'modern', None, 14),
    'split': vmlib.DEVICE_MODES['modern'],
}
for _k, _v in NIC_MODES.items():
    vmlib.DEVICE_MODES.setdefault('ring-' + _k, _v)
OFFERS = {'packed': {'RING_PACKED'}, 'packed-io': {'RING_PACKED', 'IN_ORDER'},
          'split-io': {'IN_ORDER'}, 'split': set()}
HOST_KW = {'machine': {'host_kw': {'mbuf_size': 10240}}}
SECONDS = 2.0
RING = 256
MIN_PACKETS = {64: 1000, 256: 500, 1500: 300, 9000: 100}
MULTISEG = '64,64,64,64'
ROWS = []   # one dict per traffic phase, for the table


def mode(nic):
    return 'ring-' + nic


def spec(kind, size, txpkts=None):
    """tx: the guest sends; rx: the host sends; loop: both forward."""
    if kind == 'tx':
        segs = txpkts or (str(size) if size <= 2000 else
                          ','.join(['2000'] * (size // 2000) + [str(size % 2000)]))
        return traffic.Phase('rxonly', 'txonly', size, segs, None)
    return traffic.Phase('txonly' if kind == 'rx' else 'io', 'rxonly' if kind == 'rx' else 'io',
                         size, None, None)


# ---------------------------------------------------------------- kicks from outside

def eventfds(pid):
    """{eventfd-id: count} of the eventfds process pid holds."""
    res = {}
    for fd in glob.glob('/proc/%d/fdinfo/*' % pid):
        try:
            with open(fd) as f:
                text = f.read()
        except OSError:
            continue
        c = re.search(r'^eventfd-count:\s*([0-9a-f]+)', text, re.M)
        i = re.search(r'^eventfd-id:\s*(\d+)', text, re.M)
        if c and i:
            res[int(i.group(1))] = int(c.group(1), 16)
    return res


def vhost_eventfds(env):
    """The kick and call eventfds of the running vhost-user queues: those the
    host testpmd shares with QEMU. A kick eventfd only grows (QEMU writes it
    on the guest's notify write; the polling backend never reads it); QEMU
    reads the call eventfds at once."""
    host = eventfds(env.host.proc.pid)
    qemu = eventfds(env.guest.proc.pid)
    return {i: c for i, c in host.items() if i in qemu}


def outside_kicks(before, after):
    return sum(max(0, c - before.get(i, 0)) for i, c in after.items())


# ---------------------------------------------------------------- driver views

class Port:
    """One guest testpmd port on a NIC, with what the driver says about it."""

    def __init__(self, env, driver, nic, devargs='', app=()):
        self.env, self.driver, self.nic = env, driver, nic
        self.bdf = env.bdf[mode(nic)]
        self.hport = env.m.port[mode(nic)]
        name = '%s%s%s' % (driver, nic.replace('-', ''), re.sub(r'[^a-z0-9]', '', devargs))
        dev = self.bdf + (',' + devargs if devargs else '')
        if driver == 'vnet':
            self.tp = env.testpmd(name, dev, app=app)
        else:
            self.tp = env.testpmd(name, dev, app=app, plugin=False,
                                  eal=['--log-level=pmd.net.virtio.init:debug'])

    def features(self):
        """(negotiated, offered) from the driver's log, or (None, None)."""
        text = self.tp.text()
        if self.driver == 'vnet':
            return rxpath.features(self.tp, self.bdf)
        got = re.findall(r'features after negotiate = ([0-9a-f]+)', text)
        offered = re.findall(r'host_features before negotiate = ([0-9a-f]+)', text)
        return (int(got[-1], 16) if got else None, int(offered[-1], 16) if offered else None)

    def layout_line(self):
        """net_vnet's INFO line naming the ring layout in use, or None."""
        lines = [l for l in robust.net_vnet_lines(self.tp.text(), self.bdf)
                 if re.search(r'\bring (split|packed)\b', l)]
        return lines[-1] if lines else None


def check_layout(ph, port, packed, in_order, indirect=None):
    """Offered and negotiated feature bits, and (net_vnet) the INFO line,
    match the layout the row expects."""
    if not ph.check(port.tp.exited() is None, 'guest testpmd %s exited rc=%s' % (
            port.tp.name, port.tp.exited())):
        return False
    got, offered = port.features()
    if not ph.check(got is not None, 'no negotiated features in the %s log for %s (no '
                    'port?)' % (port.driver, port.bdf)):
        return False
    ph.note('%s: features 0x%x of 0x%x' % (port.nic, got, offered))
    for name in ('RING_PACKED', 'IN_ORDER'):
        want = name in OFFERS[port.nic]
        ph.check(bool(offered >> BITS[name] & 1) == want, '%s %soffered by the %s NIC (0x%x)'
                 % (name, '' if not want else 'not ', port.nic, offered))
    want = {'RING_PACKED': packed, 'IN_ORDER': in_order}
    if indirect is not None:
        want['INDIRECT_DESC'] = indirect
    for name, on in want.items():
        ph.check(bool(got >> BITS[name] & 1) == on, '%s %snegotiated (features 0x%x)' % (
            name, 'not ' if on else '', got))
    if port.driver != 'vnet':
        return True
    line = port.layout_line()
    if not ph.check(line, 'no net_vnet INFO line naming the ring layout ("ring split|packed")'):
        return True
    ph.note(line)
    ph.check(re.search(r'\bring %s\b' % ('packed' if packed else 'split'), line),
             'the INFO line does not say ring %s' % ('packed' if packed else 'split'))
    ph.check(('in-order' in line) == in_order, 'the INFO line %s in-order'
             % ('does not say' if in_order else 'says'))
    if indirect is not None:
        ph.check(('indirect' in line) == indirect, 'the INFO line %s indirect'
                 % ('does not say' if indirect else 'says'))
    return True


def kicks_per_k(kicks, packets):
    return '%.3f' % (1000.0 * kicks / packets) if packets and kicks is not None else '-'


def run(ph, port, layout, kind, size, txpkts=None):
    """One traffic phase with traffic.py's checks, and the kicks it took."""
    env, tp = port.env, port.tp
    sp = spec(kind, size, txpkts)
    name = '%s-%d' % (kind, size) if not txpkts else 'tx-multiseg'
    tp.cmd('clear port xstats 0')
    before = vhost_eventfds(env)
    res = traffic.run_phase(traffic.TestpmdSide(env.host), port.hport, tp, sp, SECONDS)
    after = vhost_eventfds(env)
    ok = True
    for what, sent, got in traffic.flows(sp, res):
        ph.note('%s %s: %d -> %d in %.1f s' % (name, what, sent, got, res.dt))
    for f in traffic.check_counts(sp, res, MIN_PACKETS.get(size, 300), RING):
        ok = ph.check(False, '%s: %s' % (name, f))
    xs = rxpath.xstats(tp)
    outside = outside_kicks(before, after)
    # rx and tx queue: a kick and a call eventfd each
    ph.check(len(after) >= 4, '%s: %d vhost-user eventfds shared by QEMU and the host '
             'testpmd, want >= 4: kicks cannot be counted from outside' % (name, len(after)))
    pkts = res.g['tx'] + res.g['rx']
    row = {'driver': port.driver, 'layout': layout, 'phase': name, 'packets': pkts,
           'ok': ok, 'outside': outside, 'xstat': None}
    if port.driver == 'vnet':
        k = {d: xs.get('%s_q0_kicks' % d) for d in ('rx', 'tx')}
        if ph.check(None not in k.values(), 'no rx_q0_kicks/tx_q0_kicks xstats'):
            row['xstat'] = k['rx'] + k['tx']
            ph.note('%s kicks: rx %d (%s/1000 rx), tx %d (%s/1000 tx); from outside %d' % (
                name, k['rx'], kicks_per_k(k['rx'], res.g['rx']), k['tx'],
                kicks_per_k(k['tx'], res.g['tx']), outside))
            # The kicks net_vnet counts are the notify writes QEMU turned into
            # eventfd writes: equal, unless a call was still unread.
            ph.check(0 <= outside - row['xstat'] <= 2, '%s: %d kicks counted from outside, '
                     'net_vnet counted %d' % (name, outside, row['xstat']))
    else:
        ph.note('%s kicks from outside: %d (%s/1000 packets)' % (
            name, outside, kicks_per_k(outside, pkts)))
    ROWS.append(row)
    return res


def quit_port(ph, port):
    robust.quit_ok(ph, port.tp)


# ---------------------------------------------------------------- tests

def t_packed(env, phase, driver='vnet'):
    """Packed ring: tx, rx and loop at 64, 1500 and 9000 bytes."""
    ph = phase('probe')
    port = Port(env, driver, 'packed', app=['--enable-scatter'])
    if not check_layout(ph, port, packed=True, in_order=False):
        return
    rxpath.set_mtu(ph, port.tp, 9000)
    for size in (64, 1500, 9000):
        for kind in ('tx', 'rx', 'loop'):
            ph = phase('%s-%d' % (kind, size))
            run(ph, port, 'packed', kind, size)
    quit_port(ph, port)


def layout_rows(env, phase, driver, nic, packed, in_order, label):
    """probe, tx/rx/loop and a multi-segment tx on one NIC."""
    ph = phase(label + '-probe')
    port = Port(env, driver, nic)
    if not check_layout(ph, port, packed=packed, in_order=in_order, indirect=True):
        return
    for kind, size in (('tx', 64), ('rx', 64), ('loop', 1500)):
        ph = phase('%s-%s-%d' % (label, kind, size))
        run(ph, port, label, kind, size)
    ph = phase(label + '-tx-multiseg')
    run(ph, port, label, 'tx', 256, MULTISEG)
    quit_port(ph, port)


def devarg_rows(env, phase, nic, devargs, packed, in_order, indirect, label, kinds):
    """net_vnet with a devarg that turns a layout feature off."""
    ph = phase(label)
    port = Port(env, 'vnet', nic, devargs)
    if not check_layout(ph, port, packed=packed, in_order=in_order, indirect=indirect):
        return
    for kind, size, txpkts in kinds:
        run(ph, port, label, kind, size, txpkts)
    quit_port(ph, port)


def t_layouts(env, phase, driver='vnet'):
    """In-order on split and packed, indirect multi-segment tx, layout devargs."""
    layout_rows(env, phase, driver, 'split-io', False, True, 'split-io')
    layout_rows(env, phase, driver, 'packed-io', True, True, 'packed-io')
    ph = phase('split-indirect')
    port = Port(env, driver, 'split')
    if check_layout(ph, port, packed=False, in_order=False, indirect=True):
        run(ph, port, 'split', 'tx', 256, MULTISEG)
        quit_port(ph, port)
    if driver != 'vnet':
        return
    multiseg = [('tx', 256, MULTISEG)]
    devarg_rows(env, phase, 'split', 'indirect=0', False, False, False, 'split-indirect0',
                multiseg)
    devarg_rows(env, phase, 'packed', 'indirect=0', True, False, False, 'packed-indirect0',
                multiseg)
    devarg_rows(env, phase, 'packed', 'packed=0', False, False, None, 'packed0',
                [('tx', 64, None), ('rx', 64, None)])
    devarg_rows(env, phase, 'packed-io', 'in_order=0', True, False, None, 'in-order0',
                [('tx', 64, None), ('rx', 64, None)])


def t_virtio_packed(env, phase):
    """As vnet-packed with DPDK's net_virtio."""
    t_packed(env, phase, 'virtio')


def t_virtio_layouts(env, phase):
    """As vnet-layouts with DPDK's net_virtio (no devarg rows)."""
    t_layouts(env, phase, 'virtio')



# ---------------------------------------------------------------- notify backend

NOTIFY_SIZES = (64, 1500)
NOTIFY_NICS = [mode('split'), mode('packed')]
# (label, NIC, devargs, packed, drivers)
NOTIFY_ROWS = [('udp-split', 'split', '', False, ('vnet', 'virtio')),
               ('udp-split-ei0', 'split', 'event_idx=0', False, ('vnet',)),
               ('udp-packed', 'packed', '', True, ('vnet', 'virtio'))]
TX_VQ = 1          # virtqueue index of tx queue 0 (rx 0 is 0; virtio 1.2 §5.1.2)
DRAIN_S = 3.0      # the harness's reader takes what QEMU sent after `stop`


class NotifyTrace:
    """The guest's notifies counted from outside: QEMU's trace event
    virtio_queue_notify (log backend, enabled on the HMP monitor) writes one
    line to qemu.log per notify QEMU's own virtio-net model handles.  The NICs
    run with ioeventfd=off (NOTIFY_KW): with an ioeventfd (emulated under TCG
    too) QEMU's main loop reads it and one read merges every write since the
    last, so the trace would count reads (measured: 639 for 1621 kicks), and
    the eventfd's fdinfo count is reset by each read."""

    def __init__(self, env):
        self.path = env.guest.qemu_log
        env.guest.hmp('trace-event virtio_queue_notify on')

    def mark(self):
        return os.path.getsize(self.path)

    def count(self, since, vq=TX_VQ):
        with open(self.path, 'rb') as f:
            f.seek(since)
            text = f.read().decode('utf-8', 'replace')
        return len(re.findall(r'virtio_queue_notify vdev 0x[0-9a-f]+ n %d ' % vq, text))


def udp_drops():
    """Loopback UDP datagrams the kernel dropped (receive buffer full), all
    sockets: the only VM job runs under the lock."""
    with open('/proc/net/snmp') as f:
        lines = [l.split() for l in f if l.startswith('Udp:')]
    return int(dict(zip(lines[0], lines[1])).get('RcvbufErrors', 0))


def settle(read, seconds=DRAIN_S):
    """read() once it stops changing (bounded)."""
    last, t = read(), time.monotonic()
    while time.monotonic() - t < seconds:
        time.sleep(0.3)
        now = read()
        if now == last:
            return now
        last = now
    return last


def notify_phase(ph, env, trace, port, label, size):
    """Guest txonly to the UDP backend; exact counts up to the kernel's
    counted drops; kicks from the xstat and from QEMU's trace."""
    tp, hport = port.tp, env.m.port[mode(port.nic)]
    name = 'tx-%d' % size
    tp.cmds(['stop', 'set fwd txonly', 'set txpkts %d' % size, 'set burst 32',
             'clear port stats 0', 'clear port xstats 0'])
    g0, h0, d0, t0 = tp.port_stats(0)['tx'], env.host.port_stats(hport)['rx'], udp_drops(), \
        trace.mark()
    tp.cmd('start')
    time.sleep(SECONDS)
    tp.cmd('stop')
    sent = settle(lambda: tp.port_stats(0)['tx']) - g0
    got = settle(lambda: env.host.port_stats(hport)['rx']) - h0
    drops = udp_drops() - d0
    outside = trace.count(t0)
    ph.note('%s %s: guest sent %d, backend got %d, kernel UDP drops %d; notifies seen by '
            'QEMU %d' % (label, name, sent, got, drops, outside))
    ok = ph.check(sent >= MIN_PACKETS.get(size, 300), '%s: only %d packets sent in %.0f s' % (
        name, sent, SECONDS))
    # UDP may drop on a full receive buffer, and then the kernel counts it.
    ok = ph.check(got <= sent <= got + drops, '%s: guest sent %d, backend got %d (%d dropped '
                  'by the kernel): packets lost or made up' % (name, sent, got, drops)) and ok
    ok = ph.check(outside > 0, '%s: QEMU saw no notify on the tx queue (%d packets): the '
                  'trace does not count' % (name, sent)) and ok
    row = {'driver': port.driver, 'layout': label, 'phase': name, 'packets': sent,
           'ok': ok, 'outside': outside, 'xstat': None}
    if port.driver == 'vnet':
        k = rxpath.xstats(tp).get('tx_q0_kicks')
        if ph.check(k is not None, 'no tx_q0_kicks xstat'):
            row['xstat'] = k
            ph.note('%s %s: tx kicks %d (%s/1000), QEMU saw %d' % (
                label, name, k, kicks_per_k(k, sent), outside))
            # The backend asks for notifications: every layout kicks, at most
            # once per packet, and each kick is one notify QEMU handles.
            row['ok'] = ph.check(0 < k <= sent, '%s: %d kicks for %d packets, want 0 < kicks '
                                 '<= packets' % (name, k, sent)) and row['ok']
            row['ok'] = ph.check(abs(outside - k) <= 2, '%s: QEMU saw %d notifies, net_vnet '
                                 'counted %d kicks' % (name, outside, k)) and row['ok']
    else:
        ph.note('%s %s: notifies %d (%s/1000 packets)' % (label, name, outside,
                                                         kicks_per_k(outside, sent)))
    ROWS.append(row)


def t_notify(env, phase, driver='vnet'):
    """Split (EVENT_IDX), split event_idx=0, packed against QEMU's own
    virtio-net on UDP, which asks for a kick per tx batch: guest txonly."""
    trace = NotifyTrace(env)
    for label, nic, devargs, packed, drivers in NOTIFY_ROWS:
        if driver not in drivers:
            continue
        ph = phase(label + '-probe')
        port = Port(env, driver, nic, devargs)
        if not check_layout(ph, port, packed=packed, in_order=False):
            continue
        got, _ = port.features()
        ph.check(bool(got >> 29 & 1) == (devargs != 'event_idx=0') or driver != 'vnet',
                 'EVENT_IDX (bit 29) %snegotiated with devargs %r (features 0x%x)' % (
                     '' if got >> 29 & 1 else 'not ', devargs, got))
        for size in NOTIFY_SIZES:
            ph = phase('%s-tx-%d' % (label, size))
            notify_phase(ph, env, trace, port, label, size)
        quit_port(ph, port)


def t_virtio_notify(env, phase):
    """As vnet-notify with DPDK's net_virtio (split, packed)."""
    t_notify(env, phase, 'virtio')


def udp_backend(workdir, ports, sockdir):
    return vmlib.UdpBackend(workdir, ports, sockdir)


NOTIFY_KW = {'backend': udp_backend, 'monitor': True,
             'nic_props': {m: 'ioeventfd=off' for m in NOTIFY_NICS}}

PACKED_NICS = [mode('packed')]
LAYOUT_NICS = [mode(n) for n in ('split', 'split-io', 'packed-io', 'packed')]
TESTS = {
    'vnet-packed': (t_packed, PACKED_NICS, HOST_KW),
    'vnet-layouts': (t_layouts, LAYOUT_NICS, HOST_KW),
    'virtio-packed': (t_virtio_packed, PACKED_NICS, HOST_KW),
    'virtio-layouts': (t_virtio_layouts, LAYOUT_NICS, HOST_KW),
    'vnet-notify': (t_notify, NOTIFY_NICS, NOTIFY_KW),
    'virtio-notify': (t_virtio_notify, NOTIFY_NICS, NOTIFY_KW),
}


# ---------------------------------------------------------------- table

def table(rows):
    """Both drivers side by side: packets and kicks per 1000 packets."""
    key = lambda r: (r['layout'], r['phase'])
    by = {}
    for r in rows:
        by.setdefault(key(r), {})[r['driver']] = r
    out = ['%-18s %-12s | %9s %6s %9s | %9s %9s' % (
        'layout', 'phase', 'vnet pkts', 'ok', 'kicks/1k', 'virtio pk', 'kicks/1k')]
    layouts = ['packed', 'packed-io', 'split-io', 'split', 'udp-split', 'udp-split-ei0',
               'udp-packed']

    def order(k):
        first = min(r['order'] for r in rows if key(r) == k)
        return (layouts.index(k[0]) if k[0] in layouts else len(layouts), first)
    for k in sorted(by, key=order):
        v, w = by[k].get('vnet'), by[k].get('virtio')
        out.append('%-18s %-12s | %9s %6s %9s | %9s %9s' % (
            k[0], k[1], v['packets'] if v else '-', ('PASS' if v['ok'] else 'FAIL') if v else '-',
            kicks_per_k(v['xstat'], v['packets']) if v else '-',
            '%d%s' % (w['packets'], '' if w['ok'] else '!') if w else '-',
            kicks_per_k(w['outside'], w['packets']) if w else '-'))
    out.append('kicks/1k: net_vnet its kicks xstats (rx+tx queue; udp-*: tx queue); net_virtio '
               'the kick eventfds counted from outside (udp-*: QEMU\'s virtio_queue_notify '
               'trace, tx queue); ! = the row failed')
    return '\n'.join(out)


def main(argv):
    extra, rest = [], []
    it = iter(argv)
    for a in it:
        if a == '--table-from':
            extra.append(next(it, ''))
        else:
            rest.append(a)
    if '--list' not in rest and '--qemu' not in rest:
        rest += ['--qemu', vmlib.run_fixture('qemu/build', 'patched QEMU (in_order=on)')]
    logdir = rest[rest.index('--logdir') + 1] if '--logdir' in rest else None
    rc = robust.main(rest, TESTS, prog='ring.py', doc=__doc__)
    if '--list' in rest:
        return rc
    rows = []
    for d in extra:
        for f in sorted(glob.glob(os.path.join(d, '**', 'ring-rows.json'), recursive=True)):
            with open(f) as fh:
                rows += json.load(fh)
    for i, r in enumerate(ROWS):
        r['order'] = 1000 + i
    if logdir:
        os.makedirs(logdir, exist_ok=True)
        with open(os.path.join(logdir, 'ring-rows.json'), 'w') as fh:
            json.dump(ROWS, fh, indent=1)
    for i, r in enumerate(rows):
        r['order'] = i
    rows = [r for r in rows if r['driver'] not in {x['driver'] for x in ROWS}] + ROWS
    if rows:
        # after robust.main's "N passed, N failed": ci/test reads that line
        # with a pattern no table line matches
        robust.log(table(rows))
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
