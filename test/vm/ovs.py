"""OVS-DPDK as the host side of a guest's virtio-net devices (stdlib only).

  ovs = OvsBackend(workdir, [VhostPort('modern', server=True)], sockdir='/tmp/x')
  ovs.start()                 # ovsdb-server + ovs-vswitchd-dpdk, a netdev bridge,
                              # one dpdkvhostuserclient port per VhostPort
  (start the Guest: QEMU is the vhost-user server of these sockets)
  ovs.wait_connected(60)
  ovs.flow(port, 'drop')      # or 'hairpin': send every frame back where it came from
  ovs.port_stats(port) -> {'rx': .., 'tx': .., 'rx_bytes': .., ...} since the last clear
  ovs.clear_stats(port)
  ovs.stop() -> 0 when both daemons exited cleanly

Everything lives in a private run directory (OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR
point there), the daemons run in the foreground as our children and are
stopped by PID: nothing touches a system OVS.  Debian 12's
openvswitch-switch-dpdk links DPDK 22.11; its EAL runs without hugepages
(--no-huge needs --legacy-mem, or OVS adds --in-memory, which EAL refuses
with it).  The bridge's one PMD thread polls on core 1.
"""

import os
import re
import shutil
import subprocess

import vmlib
from vmlib import VMError

VSWITCHD = '/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk'
SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'
BRIDGE = 'br0'


class OvsBackend:
    """ovsdb-server + ovs-vswitchd (DPDK) with one vhost-user client port per VhostPort."""

    def __init__(self, workdir, ports, sockdir, mem_mb=1024):
        self.workdir = workdir
        self.sockdir = sockdir          # db and vhost sockets: short paths
        self.ports = list(ports)
        self.mem_mb = mem_mb
        self.dir = os.path.join(workdir, 'ovs')
        self.log_path = os.path.join(self.dir, 'ovs-vswitchd.log')
        self.db = None
        self.vswitchd = None
        self.prefix = 'vnetovs%d' % os.getpid()
        self.exit_status = None
        self._base = {}
        for i, p in enumerate(self.ports):
            p.index = i
            p.server = True   # QEMU listens, OVS connects (dpdkvhostuserclient)
            p.sock = os.path.join(sockdir, 'ovs-%s.sock' % p.name)

    def _env(self):
        env = dict(os.environ)
        env.update(OVS_RUNDIR=self.sockdir, OVS_DBDIR=self.dir, OVS_LOGDIR=self.dir)
        return env

    def _run(self, argv, timeout=30):
        r = subprocess.run(argv, env=self._env(), capture_output=True, text=True,
                           timeout=timeout)
        if r.returncode != 0:
            raise VMError('%s failed (rc=%d): %s; log tail:\n%s' % (
                ' '.join(argv[:3]), r.returncode, (r.stderr or r.stdout).strip()[-400:],
                vmlib.tail(self.log_path, 15)))
        return r.stdout

    def vsctl(self, *args, wait=True):
        db = 'unix:%s/db.sock' % self.sockdir
        return self._run(['ovs-vsctl', '--db=' + db, '--timeout=30'] +
                         ([] if wait else ['--no-wait']) + list(args))

    def ofctl(self, *args):
        return self._run(['ovs-ofctl'] + list(args))

    def start(self, timeout=60):
        for tool in (VSWITCHD, SCHEMA):
            if not os.path.exists(tool):
                raise VMError('%s is missing: install openvswitch-switch-dpdk (ci/setup)' % tool)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        conf = os.path.join(self.dir, 'conf.db')
        self._run(['ovsdb-tool', 'create', conf, SCHEMA])
        self.db = vmlib._spawn(
            ['ovsdb-server', conf, '--remote=punix:%s/db.sock' % self.sockdir,
             '--unixctl=%s/ovsdb.ctl' % self.sockdir,
             '--log-file=%s' % os.path.join(self.dir, 'ovsdb-server.log')],
            'ovsdb-server', env=self._env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT)
        vmlib.wait_until(lambda: os.path.exists(os.path.join(self.sockdir, 'db.sock')), 15,
                         'ovsdb-server socket', alive=self._alive)
        self.vsctl('init', wait=False)
        self.vsctl('set', 'Open_vSwitch', '.', 'other_config:dpdk-init=true',
                   'other_config:dpdk-extra=--no-huge --legacy-mem -m %d --no-pci '
                   '--file-prefix=%s' % (self.mem_mb, self.prefix),
                   'other_config:dpdk-lcore-mask=0x1', 'other_config:pmd-cpu-mask=0x2',
                   wait=False)
        self.vswitchd = vmlib._spawn(
            [VSWITCHD, 'unix:%s/db.sock' % self.sockdir,
             '--unixctl=%s/vswitchd.ctl' % self.sockdir, '--log-file=%s' % self.log_path],
            'ovs-vswitchd', env=self._env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT)
        vmlib.wait_until(lambda: 'DPDK Enabled' in self.log() or 'dpdk|EMER' in self.log(),
                         timeout, 'ovs-vswitchd to initialise DPDK', alive=self._alive)
        if 'dpdk|EMER' in self.log():
            raise VMError('ovs-vswitchd could not initialise DPDK; log tail:\n%s'
                          % vmlib.tail(self.log_path, 15))
        self.vsctl('add-br', BRIDGE, '--', 'set', 'bridge', BRIDGE, 'datapath_type=netdev')
        for p in self.ports:
            self.vsctl('add-port', BRIDGE, p.name, '--', 'set', 'Interface', p.name,
                       'type=dpdkvhostuserclient', 'options:vhost-server-path=' + p.sock)
        self.ofctl('del-flows', BRIDGE)

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def _alive(self):
        for p, what in ((self.db, 'ovsdb-server'), (self.vswitchd, 'ovs-vswitchd')):
            if p is not None and p.poll() is not None:
                raise VMError('%s exited (rc=%s); log tail:\n%s' % (
                    what, p.returncode, vmlib.tail(self.log_path, 15)))

    alive = _alive

    def wait_connected(self, timeout=60):
        """Wait until every port's vhost-user connection to QEMU is up (the
        device itself starts when the guest driver sets DRIVER_OK)."""
        def up():
            return all(re.search(r'\(%s\) new device' % re.escape(p.sock), self.log())
                       for p in self.ports)
        vmlib.wait_until(up, timeout, 'OVS to connect to the guest vhost-user sockets',
                         interval=0.5, alive=self._alive)

    def flow(self, port, action):
        """One OpenFlow rule for frames from port: 'drop' or 'hairpin' (back out
        of the port they came in on)."""
        name = self.ports[port].name
        act = {'drop': 'drop', 'hairpin': 'in_port'}[action]
        self.ofctl('del-flows', BRIDGE, 'in_port=%s' % name)
        self.ofctl('add-flow', BRIDGE, 'in_port=%s,actions=%s' % (name, act))

    def _raw(self, port):
        """Live datapath counters of a port (the Interface table's statistics
        are refreshed only every 5 s)."""
        name = self.ports[port].name
        out = self.ofctl('dump-ports', BRIDGE, name)
        # 'errs=?': a counter the vhost port does not keep reads as 0
        pat = r'%s pkts=(\d+), bytes=(\d+), drop=(\d+|\?), errs=(\d+|\?)'
        rx, tx = re.search(pat % 'rx', out), re.search(pat % 'tx', out)
        if not rx or not tx:
            raise VMError('no counters for OVS port %s in: %s'
                          % (name, ' '.join(out.split())[-300:]))
        keys = ('packets', 'bytes', 'dropped', 'errors')
        d = {'rx_' + k: int(v) if v != '?' else 0 for k, v in zip(keys, rx.groups())}
        d.update({'tx_' + k: int(v) if v != '?' else 0 for k, v in zip(keys, tx.groups())})
        return d

    def clear_stats(self, port):
        self._base[port] = self._raw(port)

    def port_stats(self, port):
        """Counters since the last clear_stats, in HostBackend.port_stats' keys."""
        raw, base = self._raw(port), self._base.get(port, {})
        d = lambda k: raw.get(k, 0) - base.get(k, 0)  # noqa: E731
        return {'port': port, 'rx': d('rx_packets'), 'tx': d('tx_packets'),
                'rx_bytes': d('rx_bytes'), 'tx_bytes': d('tx_bytes'),
                'rx_errors': d('rx_errors'), 'tx_errors': d('tx_errors'),
                'rx_nombuf': 0, 'rx_missed': d('rx_dropped'), 'tx_dropped': d('tx_dropped')}

    def stop(self):
        """Stop ovs-vswitchd (exit via its unixctl), then ovsdb-server; return 0
        when both exited cleanly."""
        rcs = []
        for p, ctl in ((self.vswitchd, 'vswitchd.ctl'), (self.db, 'ovsdb.ctl')):
            if p is None:
                continue
            rc = p.poll()
            if rc is None:
                try:
                    subprocess.run(['ovs-appctl', '-t', os.path.join(self.sockdir, ctl), 'exit'],
                                   env=self._env(), capture_output=True, timeout=20)
                    rc = p.wait(20)
                except (OSError, subprocess.SubprocessError):
                    rc = None
            vmlib.stop_proc(p)
            rcs.append(rc)
        vmlib.remove_dpdk_runtime_dir(self.prefix)
        bad = [rc for rc in rcs if rc != 0]
        self.exit_status = bad[0] if bad else 0
        return self.exit_status

    def kill(self):
        for p in (self.vswitchd, self.db):
            vmlib.stop_proc(p, grace=2)
        vmlib.remove_dpdk_runtime_dir(self.prefix)

    close = stop
