#!/usr/bin/env python3
"""ovs_guest.py: OVS-DPDK inside the guest, with net_vnet loaded as a plugin.

  ovs_guest.py [ovs-guest] --plugin PATH [--logdir DIR] [--timeout S]

Debian's openvswitch-switch-dpdk (linked against DPDK 22.11) runs in the
guest with other_config:dpdk-extra="-d librte_net_vnet.so".  It owns two
virtio-net devices with two queue pairs each (QEMU mq=on, vhost queues=2)
and forwards between them.  On the host, one testpmd per device: one sends
(txonly, on both of its queues), the other counts (rxonly).  Then the roles
swap.  Asserted: net_vnet (not net_virtio) drives both ports with two rx
queues each; what the receiving host counted equals what OVS sent on the
other port (bytes too); every guest rx queue of the sending side carried
traffic; OVS dropped nothing on tx; both daemons exit cleanly.
"""
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'robust'))
import robust  # noqa: E402
import vmlib  # noqa: E402
from vmlib import VMError  # noqa: E402

QUEUES = 2
MODES = ['modern', 'transitional']
# virtio-net-pci needs 2N+2 MSI-X vectors for N queue pairs and the control queue
NIC_PROPS = 'mq=on,vectors=%d' % (2 * QUEUES + 2)
OVS_RUN = '/run/ovsg'           # the guest's tmpfs
VSWITCHD = '/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk'
SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'
SECONDS = 4
FRAME = 64
RING = 256


class HostPair:
    """One host testpmd per NIC (a vmlib.Machine backend): one can send
    while the other counts, since a testpmd has one forwarding mode."""

    def __init__(self, workdir, ports, sockdir):
        self.ports = ports
        self.hosts = [vmlib.HostBackend(os.path.join(workdir, 'host-' + p.name), [p],
                                        sockdir=sockdir,
                                        extra_app=['--rxq=%d' % QUEUES, '--txq=%d' % QUEUES])
                      for p in ports]

    def start(self):
        for h in self.hosts:
            os.makedirs(h.workdir, exist_ok=True)
            h.start()

    def stop(self):
        rcs = [h.stop() for h in self.hosts]
        bad = [rc for rc in rcs if rc != 0]
        return bad[0] if bad else 0

    def kill(self):
        for h in self.hosts:
            h.kill()


def ovs_env():
    # the guest's root is the host's, read-only: OVS's files go to tmpfs and the share
    return 'export OVS_RUNDIR=%s OVS_DBDIR=%s OVS_LOGDIR=$VNET_SHARE/ovsg\n' % (OVS_RUN, OVS_RUN)


def gsh(env, script, timeout=60, check=True):
    return env.guest.run(ovs_env() + script, timeout, check=check)


def vsctl(env, *args, timeout=60):
    return gsh(env, 'ovs-vsctl --timeout=%d %s' % (timeout - 10, ' '.join(args)), timeout)[1]


def start_ovs(env, ph):
    """ovsdb-server and ovs-vswitchd in the guest, net_vnet loaded with -d."""
    extra = '-d %s --log-level=pmd.net.vnet:info %s' % (
        env.plugin, ' '.join('-a ' + env.bdf[m] for m in MODES))
    # ovsdb-server's tmpfile() ignores TMPDIR: give this guest a writable /tmp
    gsh(env, '''set -e
touch /tmp/.vnet-w 2>/dev/null || mount -t tmpfs -o mode=1777 tmpfs /tmp
[ -e /dev/net/tun ] || modprobe tun   # the bridge's internal port is a tap
mkdir -p $OVS_RUNDIR $OVS_LOGDIR
ovsdb-tool create $OVS_DBDIR/conf.db %s
ovsdb-server $OVS_DBDIR/conf.db --remote=punix:$OVS_RUNDIR/db.sock --detach \\
  --unixctl=$OVS_RUNDIR/ovsdb-server.ctl --pidfile=$OVS_RUNDIR/ovsdb-server.pid --log-file=$OVS_LOGDIR/ovsdb-server.log
for i in $(seq 100); do [ -S $OVS_RUNDIR/db.sock ] && break; sleep 0.2; done
ovs-vsctl --timeout=30 --no-wait init
ovs-vsctl --timeout=30 --no-wait set Open_vSwitch . other_config:dpdk-init=true \\
  other_config:dpdk-extra="%s" other_config:dpdk-socket-mem=256 \\
  other_config:dpdk-lcore-mask=0x1 other_config:pmd-cpu-mask=0x1
timeout 100 %s --detach --pidfile=$OVS_RUNDIR/ovs-vswitchd.pid \\
  --unixctl=$OVS_RUNDIR/ovs-vswitchd.ctl \\
  --log-file=$OVS_LOGDIR/ovs-vswitchd.log
''' % (SCHEMA, extra, VSWITCHD), 120)
    end = time.monotonic() + 120
    while 'DPDK Enabled' not in ovs_log(env) and 'dpdk|EMER' not in ovs_log(env):
        if time.monotonic() > end:
            raise VMError('ovs-vswitchd in the guest did not initialise DPDK in 120 s')
        time.sleep(1)
    if not ph.check('dpdk|EMER' not in ovs_log(env), 'ovs-vswitchd could not initialise DPDK'):
        raise VMError('OVS-DPDK failed in the guest; log tail:\n%s' % ovs_log(env)[-1500:])
    vsctl(env, 'add-br br0 -- set bridge br0 datapath_type=netdev')
    for i, m in enumerate(MODES):
        vsctl(env, 'add-port br0 p%d -- set Interface p%d type=dpdk' % (i, i),
              'options:dpdk-devargs=%s options:n_rxq=%d' % (env.bdf[m], QUEUES), timeout=120)


def ovs_log(env):
    try:
        with open(os.path.join(env.guest.share, 'ovsg', 'ovs-vswitchd.log'),
                  errors='replace') as f:
            return f.read()
    except OSError:
        return ''


def ovs_counts(env, port):
    """Live datapath counters of OVS port pN (dump-ports, not the 5 s
    refreshed Interface statistics)."""
    out = gsh(env, 'ovs-ofctl dump-ports br0 p%d' % port)[1]
    pat = r'%s pkts=(\d+), bytes=(\d+), drop=(\d+|\?), errs=(\d+|\?)'
    rx, tx = re.search(pat % 'rx', out), re.search(pat % 'tx', out)
    if not rx or not tx:
        raise VMError('no counters for OVS port p%d in: %s' % (port, ' '.join(out.split())[-300:]))
    num = lambda v: 0 if v == '?' else int(v)  # noqa: E731
    return dict(rx=num(rx.group(1)), rx_bytes=num(rx.group(2)), rx_drop=num(rx.group(3)),
                tx=num(tx.group(1)), tx_bytes=num(tx.group(2)), tx_drop=num(tx.group(3)))


def tx_per_queue(stop_output):
    """{tx queue: packets sent} from the per-stream stats testpmd prints at
    'stop' (one stream per queue when a port has several)."""
    out = {}
    for q, n in re.findall(r'TX Port=\s*\d+/Queue=\s*(\d+) -+\s*\n\s*RX-packets:\s*\d+\s+'
                           r'TX-packets:\s*(\d+)', stop_output):
        out[int(q)] = out.get(int(q), 0) + int(n)
    return out


def direction(env, phase, src, dst):
    """Host testpmd of NIC src sends; OVS forwards src -> dst; the host testpmd
    of NIC dst counts."""
    ph = phase('p%d-to-p%d' % (src, dst))
    hosts = env.m.host.hosts
    tx, rx = hosts[src], hosts[dst]
    gsh(env, 'ovs-ofctl del-flows br0 && ovs-ofctl add-flow br0 in_port=p%d,actions=output:p%d'
        % (src, dst))
    for h, mode in ((rx, 'rxonly'), (tx, 'txonly')):
        h.cmd('stop')
        h.cmd('set fwd %s' % mode)
        h.cmd('clear port stats all')
    o0 = [ovs_counts(env, p) for p in (0, 1)]
    rx.cmd('start')
    tx.cmd('set txpkts %d' % (FRAME - 4))
    tx.cmd('start')
    time.sleep(SECONDS)
    per_q = tx_per_queue(tx.cmd('stop'))
    time.sleep(2)           # let OVS drain what it has taken in
    rx.cmd('stop')
    o1 = [ovs_counts(env, p) for p in (0, 1)]
    sent, got = tx.port_stats(0), rx.port_stats(0)
    fin = {k: o1[src][k] - o0[src][k] for k in o1[src]}
    fout = {k: o1[dst][k] - o0[dst][k] for k in o1[dst]}
    ph.note('host sent %d, OVS p%d rx %d, OVS p%d tx %d (drop %d), host counted %d'
            % (sent['tx'], src, fin['rx'], dst, fout['tx'], fout['tx_drop'], got['rx']))
    ph.check(got['rx'] > 1000, 'the counting host received only %d packets' % got['rx'])
    ph.check(got['rx'] == fout['tx'],
             'host counted %d packets, OVS sent %d on p%d' % (got['rx'], fout['tx'], dst))
    # the vhost PMD counts bytes without the 4-byte CRC
    ph.check(got['rx_bytes'] == got['rx'] * (FRAME - 4),
             'host counted %d bytes for %d %d-byte frames' % (got['rx_bytes'], got['rx'], FRAME))
    # Every frame OVS took in left on the other port or was counted as a tx
    # drop (back-pressure: the counting host shares two cores with the rest)
    ph.check(fin['rx'] == fout['tx'] + fout['tx_drop'],
             'OVS took in %d on p%d but sent %d and dropped %d on p%d'
             % (fin['rx'], src, fout['tx'], fout['tx_drop'], dst))
    ph.check(fin['rx_drop'] == 0, 'OVS dropped %d on rx from p%d' % (fin['rx_drop'], src))
    ph.check(fin['rx'] <= sent['tx'], 'OVS received %d, more than the %d the host sent'
             % (fin['rx'], sent['tx']))
    # The vhost PMD's tx queue q fills the guest's rx queue q and counts only
    # what fitted.  More than two rings' worth means net_vnet polled and
    # refilled that queue (a queue it never polls takes one ring and stops).
    ph.note('guest rx queues of p%d took %s' % (src, per_q))
    for q in range(QUEUES):
        ph.check(per_q.get(q, 0) > 2 * RING, 'net_vnet rx queue %d of p%d took only %d packets'
                 % (q, src, per_q.get(q, 0)))


def t_ovs_guest(env, phase):
    """OVS-DPDK in the guest forwards between two 2-queue net_vnet ports."""
    ph = phase('start')
    start_ovs(env, ph)
    text = ovs_log(env)
    for i, m in enumerate(MODES):
        bdf = env.bdf[m]
        ph.check(re.search(re.escape(bdf) + r'.*\bport \d+: \S+ virtio-net', text),
                 'no net_vnet port line for %s in the OVS log' % bdf)
        ph.check('Probe PCI driver: net_virtio' not in text or
                 not re.search(r'Probe PCI driver: net_virtio.*%s' % re.escape(bdf), text),
                 'net_virtio, not net_vnet, took %s' % bdf)
        iface = vsctl(env, 'get Interface p%d status' % i)
        ph.check(re.search(r'driver_name="?net_vnet', iface),
                 'OVS says p%d is driven by %s' % (i, iface.strip()[:200]))
    rxqs = gsh(env, 'ovs-appctl -t $OVS_RUNDIR/ovs-vswitchd.ctl dpif-netdev/pmd-rxq-show')[1]
    for i in range(len(MODES)):
        got = sorted(set(int(q) for q in re.findall(r'port: p%d\s+queue-id:\s+(\d+)' % i, rxqs)))
        ph.check(got == list(range(QUEUES)), 'OVS polls rx queues %s of p%d, want 0..%d: %s'
                 % (got, i, QUEUES - 1, ' '.join(rxqs.split())[:300]))
    direction(env, phase, 0, 1)
    direction(env, phase, 1, 0)
    ph = phase('stop')
    rc, out = gsh(env, '''for d in ovs-vswitchd ovsdb-server; do
  pid=$(cat $OVS_RUNDIR/$d.pid) || exit 1
  ovs-appctl -t $OVS_RUNDIR/$d.ctl exit || exit 1
  for i in $(seq 50); do [ -e /proc/$pid ] || continue 2; sleep 0.2; done
  echo "$d (pid $pid) still running 10 s after exit"; exit 1
done''', 60, check=False)
    ph.check(rc == 0, 'OVS did not exit cleanly: %s' % out.strip()[-300:])
    ph.check(not robust.CRASH_RE.search(ovs_log(env)), 'a crash in the OVS log')


TESTS = {
    'ovs-guest': (t_ovs_guest, MODES, dict(
        nic_props={m: NIC_PROPS for m in MODES}, queues={m: QUEUES for m in MODES},
        backend=HostPair, hugepages=192)),
}

if __name__ == '__main__':
    sys.exit(robust.main(sys.argv[1:], TESTS, prog='ovs_guest.py', doc=__doc__))
