#!/usr/bin/env python3
"""intr.py: net_vnet's link-state and rx interrupts in a QEMU TCG guest.

  intr.py TEST... --plugin PATH [--logdir DIR] [--timeout S]
  intr.py --list

uio: a modern and a legacy port-I/O NIC under uio_pci_generic (INTx).
     vnet-rxintr sleeps on one rx queue while the host sends bursts with
     gaps, and sees a link flap from the QEMU monitor on the same line.
     Then testpmd's LSC callback sees a flap on the modern NIC (INTx) and
     on the legacy NIC rebound to igb_uio (its one MSI-X vector; the
     legacy device config at offset 24).
vfio: vfio-pci (noiommu kernel).  LSC through the MSI-X config vector on a
     modern and a legacy NIC (whose config moves from offset 20 to 24 while
     vfio has MSI-X on); rx interrupts through vfio's INTx on a legacy NIC
     without MSI-X (vectors=0).

Not here: rx interrupts on an MSI-X queue vector (vfio per queue, igb_uio's
one vector).  QEMU 7.2 under TCG with vhost-user dereferences its KVM irqfd
table when the guest unmasks a queue's vector (kvm_virtio_pci_irqfd_use
from virtio_pci_vector_unmask at DRIVER_OK) and dies with SIGSEGV.

vnet-rxintr (VNET_RXINTR, built next to this file) prints its counters;
the host's tx counter is what the guest must have received, exactly.
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

MODERN, LEGACY, NOVEC = 'modern', 'legacy', 'legacy-novec'
BURSTS = 4
BURST_S = 0.3
GAP_S = 1.2
APP_SECONDS = 90      # bounded; the test stops it with SIGTERM well before
COUNTERS_RE = re.compile(r'^rxintr: wakeups (\d+) spurious (\d+) timeouts (\d+) sleeps (\d+) '
                         r'rearm_catches (\d+) packets (\d+) ipackets (\d+) lsc_events (\d+) '
                         r'link (\w+) cpu_ms (\d+) wall_ms (\d+)', re.M)
COUNTER_KEYS = ('wakeups', 'spurious', 'timeouts', 'sleeps', 'rearm_catches', 'packets',
                'ipackets', 'lsc_events', 'link', 'cpu_ms', 'wall_ms')


def app_path(env):
    p = os.environ.get('VNET_RXINTR') or os.path.join(
        os.path.dirname(os.path.dirname(env.opts.plugin)), 'test', 'vm', 'features', 'intr',
        'vnet-rxintr')
    if not os.path.isfile(p):
        raise VMError('vnet-rxintr not found at %s; build it (meson compile) or set VNET_RXINTR' % p)
    return os.path.abspath(p)   # the guest sees the host's root read-only


class App(vmlib.GuestTestpmd):
    """vnet-rxintr in the guest, run like a guest testpmd (log, exit file)."""

    def start(self):
        argv = [self.testpmd] + self.eal_args + ['--'] + self.app_args
        self.guest.run('vnet_tp_start %s %s' % (self.name, ' '.join(argv)), 30)

    def stop(self, timeout=30):
        self.guest.run('kill -TERM "$(cat $VNET_RUN/%s.pid)"' % self.name, 20, check=False)
        vmlib.wait_until(lambda: self.exited() is not None, timeout, 'vnet-rxintr to exit',
                         alive=self.guest.alive)
        return self.exited()


def start_app(env, ph, name, bdf, rxq=1, lsc=True, eal=()):
    app = App(env.guest, name,
              ['-d', env.plugin, '--lcores', '0@0', '-a', bdf, '--file-prefix=ri' + name,
               '--log-level=pmd.net.vnet:info'] + list(eal),
              ['--rxq', str(rxq), '--seconds', str(APP_SECONDS)] + (['--lsc'] if lsc else []),
              testpmd=app_path(env))
    env.tps.append(app)
    ph.tps.append(app)
    app.start()
    vmlib.wait_until(lambda: app.exited() is not None or 'ready:' in app.text(), 90,
                     'vnet-rxintr %s to start its port' % name, interval=0.2,
                     alive=env.guest.alive)
    return app


def host_bursts(env, port, n=BURSTS):
    """Host txonly on one port, n bursts with gaps; returns what it sent."""
    h = env.host
    h.cmd('stop')
    h.cmd('set portlist %d' % port)
    h.cmd('set fwd txonly')
    h.cmd('set txpkts 64')
    h.cmd('clear port stats all')
    for _ in range(n):
        h.cmd('start')
        time.sleep(BURST_S)
        h.cmd('stop')
        time.sleep(GAP_S)
    return h.port_stats(port)['tx']


def nic_id(env, mode):
    """The NIC's QEMU id: vmlib.Guest names them nic0, nic1, ... in mode order."""
    return 'nic%d' % env.modes.index(mode)


def link_flap(env, mode, wait=2.0):
    for state in ('off', 'on'):
        out = env.guest.hmp('set_link %s %s' % (nic_id(env, mode), state))
        if out:
            raise VMError('QEMU monitor: set_link %s %s: %s' % (nic_id(env, mode), state, out))
        time.sleep(wait)


def counters(text):
    m = None
    for m in COUNTERS_RE.finditer(text):
        pass
    if not m:
        return None
    return {k: (v if k == 'link' else int(v)) for k, v in zip(COUNTER_KEYS, m.groups())}


def rx_sleeper(env, phase, mode, binding, line, rxq=1, eal=()):
    """vnet-rxintr on mode's NIC: bursts with gaps, then a link flap."""
    bdf = env.bdf[mode]
    ph = phase('rxintr-%s-%s' % (mode, binding))
    _, irqs = env.guest.run("cat /proc/uptime; grep -E 'IO-APIC' /proc/interrupts", 20,
                            check=False)
    ph.note('before: guest uptime, interrupts: %s' % ' | '.join(irqs.split()[:1] + [
        ' '.join(l.split()) for l in irqs.splitlines()[1:]]))
    if binding != env.binding:
        env.guest.run('vnet_bind %s %s' % (bdf, binding), 30)
    app = start_app(env, ph, 'rx%s' % mode, bdf, rxq=rxq, eal=eal)
    if not ph.check(app.exited() is None, 'vnet-rxintr exited rc=%s: %s' % (
            app.exited(), vmlib.tail(app.log, 8))):
        return
    text = app.text()
    lines = robust.net_vnet_lines(text, bdf, 'interrupts over %s' % line)
    if ph.check(lines, 'no net_vnet line "interrupts over %s" naming %s' % (line, bdf)):
        ph.note(lines[0])
    ph.check('link up' in text.split('ready:')[-1].splitlines()[0],
             'link not up at start: %r' % text.split('ready:')[-1].splitlines()[0])
    time.sleep(1.0)   # the app goes to sleep
    sent = host_bursts(env, env.m.port[mode])
    time.sleep(1.0)
    link_flap(env, mode)
    rc = app.stop()
    _, irqs = env.guest.run("cat /proc/uptime; grep -E 'IO-APIC' /proc/interrupts", 20,
                            check=False)
    ph.note('guest uptime, interrupts: %s' % ' | '.join(irqs.split()[:1] + [
        ' '.join(l.split()) for l in irqs.splitlines()[1:]]))
    # A line left asserted is an interrupt storm the kernel ends by disabling the IRQ.
    with open(env.guest.console, errors='replace') as f:
        storm = [l.strip() for l in f if 'nobody cared' in l or 'Disabling IRQ' in l]
    ph.check(not storm, 'interrupt storm in the guest: %s' % storm)
    robust.no_crash(ph, app, rc)
    ph.check(rc == 0, 'vnet-rxintr exit status %s, want 0' % rc)
    c = counters(app.text())
    if not ph.check(c, 'no counters line from vnet-rxintr: %s' % vmlib.tail(app.log, 8)):
        return
    ph.note('host sent %d in %d bursts; app: %s' % (sent, BURSTS, ', '.join(
        '%s %s' % (k, c[k]) for k in COUNTER_KEYS)))
    ph.check(sent >= 1000, 'host sent only %d packets' % sent)
    ph.check(c['packets'] == sent, 'guest received %d packets, host sent %d' % (c['packets'], sent))
    ph.check(c['ipackets'] == c['packets'], 'port ipackets %d != packets the app counted %d'
             % (c['ipackets'], c['packets']))
    # Asleep, not polling: woken by interrupts, a few times per burst at most.
    ph.check(c['wakeups'] > 0, 'no rx interrupt woke the app (%d epoll timeouts)' % c['timeouts'])
    ph.check(c['wakeups'] * 20 < c['packets'], 'wakeups %d not far fewer than packets %d'
             % (c['wakeups'], c['packets']))
    ph.check(c['spurious'] <= c['wakeups'] // 2 + 2, '%d of %d wakeups found nothing'
             % (c['spurious'], c['wakeups']))
    ph.check(c['cpu_ms'] * 4 < c['wall_ms'], 'app used %d ms CPU in %d ms: not sleeping'
             % (c['cpu_ms'], c['wall_ms']))
    # The link flap, through the config interrupt.
    ev = re.findall(r'^lsc: port \d+ link (\w+)', app.text(), re.M)
    ph.check(ev[:2] == ['down', 'up'], 'LSC events seen %s, want down then up' % ev)
    ph.check(c['link'] == 'up', 'link %s at the end, want up' % c['link'])


def lsc_testpmd(env, phase, mode, binding, line):
    """testpmd registers its LSC callback (RTE_ETH_DEV_INTR_LSC); a link flap."""
    bdf = env.bdf[mode]
    ph = phase('lsc-testpmd-%s-%s' % (mode, binding))
    if binding != env.binding:
        env.guest.run('vnet_bind %s %s' % (bdf, binding), 30)
    tp = env.testpmd('lsc' + mode, bdf)
    if not ph.check(tp.exited() is None, 'guest testpmd exited rc=%s' % tp.exited()):
        return
    lines = robust.net_vnet_lines(tp.text(), bdf, 'interrupts over %s: lsc on' % line)
    if ph.check(lines, 'no net_vnet line "interrupts over %s: lsc on" for %s' % (line, bdf)):
        ph.note(lines[0])
    _, link, _ = robust.port_info(tp)
    ph.check(link == 'up', 'link %s before the flap, want up' % link)
    seen = []
    for state, want in (('off', 'down'), ('on', 'up')):
        n = tp.text().count('link state change event')
        env.guest.hmp('set_link %s %s' % (nic_id(env, mode), state))
        try:
            vmlib.wait_until(lambda: tp.text().count('link state change event') > n, 10,
                             'testpmd to report the link %s event' % want, interval=0.2,
                             alive=env.guest.alive)
        except VMError as e:
            ph.check(False, str(e).splitlines()[0])
        _, link, _ = robust.port_info(tp)
        seen.append(link)
        ph.check(link == want, 'after set_link %s: link %s, want %s' % (state, link, want))
    ph.note('link after off, on: %s; %d LSC events' % (
        seen, tp.text().count('link state change event')))
    robust.quit_ok(ph, tp)


def t_uio(env, phase):
    """rx interrupts on one queue over INTx (uio_pci_generic); LSC with testpmd."""
    rx_sleeper(env, phase, MODERN, 'uio_pci_generic', 'INTx')
    rx_sleeper(env, phase, LEGACY, 'uio_pci_generic', 'INTx')
    lsc_testpmd(env, phase, MODERN, 'uio_pci_generic', 'INTx')
    lsc_testpmd(env, phase, LEGACY, 'igb_uio', 'one MSI-X vector')


def t_vfio(env, phase):
    """LSC over vfio MSI-X (modern, legacy at offset 24); rx over vfio INTx."""
    lsc_testpmd(env, phase, MODERN, 'vfio-pci-noiommu', 'MSI-X')
    lsc_testpmd(env, phase, LEGACY, 'vfio-pci-noiommu', 'MSI-X')
    # EAL would ask vfio for MSI-X, which this device lacks (net_vnet says so).
    rx_sleeper(env, phase, NOVEC, 'vfio-pci-noiommu', 'INTx', eal=['--vfio-intr', 'legacy'])


TESTS = {
    'uio': (t_uio, [MODERN, LEGACY], {'monitor': True}),
    'vfio': (t_vfio, [MODERN, LEGACY, NOVEC], {'monitor': True, 'binding': 'vfio-pci-noiommu',
                                               'kernel': 'noiommu'}),
}

if __name__ == '__main__':
    sys.exit(robust.main(sys.argv[1:], TESTS, prog='intr.py', doc=__doc__))
