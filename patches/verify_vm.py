#!/usr/bin/env python3
"""VM scenarios for the LTS backports: an unpatched and a patched testpmd of
one DPDK tree (17.11, 18.11, 19.11 or 20.11), run one after the other in the
same QEMU TCG guest, against virtio-net-pci devices on vhost-user ports of
the host's 22.11 testpmd.

usage: patches/verify_vm.py --branch B --before TESTPMD --after TESTPMD
                            [--minor N] [--label L] [--scenarios a,b,...]
                            [--seconds S] [--logdir DIR]
                            [--qemu-patched PATH] [--noiommu-kernel PATH]
       patches/verify_vm.py --list

The rows (SCENARIOS below) cover: a legacy device with a memory BAR0
(patched QEMU legacy-bar-mmio=on) under uio_pci_generic, igb_uio (Debian's
dkms dpdk-kmods) and vfio noiommu, plus a secondary process (proc-info)
reading its stats; a legacy device with an I/O BAR0 under uio_pci_generic,
igb_uio, vfio noiommu, vfio behind a vIOMMU (--iova-mode=pa) and no driver;
modern and transitional devices. NOT_ON lists the rows a branch cannot run.

Every traffic run: guest-tx (guest txonly -> host rxonly) then host-tx (host
txonly -> guest rxonly), --seconds each; it passes when net_virtio made port
0 and both directions moved at least --min-packets on both sides.

A row passes when: the unpatched run gives the expected result (the table's,
or KNOWN_BEFORE's for a given release); the patched run passes (a "nodrv" row:
fails cleanly, on 17.11 with the series' message); and where the unpatched run
passed, the patched one moved at least --regress-ratio of its packets in each
direction. That last one only guards against a gross slowdown: TCG
throughput on a shared host varies several-fold from run to run, so on a
shortfall both builds run again, interleaved (up to --retries times), and the
best run of each side per direction counts.
Prints a table and "N passed, N failed, N skipped"; exit 1 if any row failed.
"""

import argparse
import os
import re
import shlex
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'test', 'vm'))
import traffic  # noqa: E402  (the VM harness's traffic rig)
import vmlib  # noqa: E402  (the VM harness's library)
from vmlib import VMError  # noqa: E402

# name -> (vmlib device mode, guest/lib.sh binding, boot, what the row checks,
#          unpatched passes?).  boot: stock (Debian 6.1, pc), noiommu
#          (test/vm/kernel/build, vfio noiommu) or viommu (q35 + intel-iommu,
#          vfio with translation; the legacy device bypasses the vIOMMU, so
#          EAL runs with --iova-mode=pa).
# check: traffic  port 0 up, both directions move packets
#        nodrv    cannot work (nothing maps a memory BAR): no port, and on
#                 17.11 the series' message saying which driver to bind
#        secondary traffic in a primary testpmd, then proc-info (a
#                 secondary process) reads the port's stats
#        noiopl   testpmd without CAP_SYS_RAWIO, so iopl() fails: a memory
#                 BAR needs no I/O privilege and must work
#        refused  same, on an I/O BAR: no port, and the error naming the
#                 missing I/O permission
NODRV_MMIO_MSG = 'is a memory BAR, which needs a kernel driver to be mapped'
SCENARIOS = [
    ('mmio-uio_pci_generic', 'legacy-mmio', 'uio_pci_generic', 'stock', 'traffic', False),
    ('mmio-igb_uio', 'legacy-mmio', 'igb_uio', 'stock', 'traffic', False),
    ('mmio-secondary', 'legacy-mmio', 'uio_pci_generic', 'stock', 'secondary', False),
    ('mmio-none', 'legacy-mmio', 'none', 'stock', 'nodrv', False),
    ('pio-uio_pci_generic', 'legacy', 'uio_pci_generic', 'stock', 'traffic', True),
    ('pio-igb_uio', 'legacy', 'igb_uio', 'stock', 'traffic', True),
    ('pio-none', 'legacy', 'none', 'stock', 'traffic', True),
    ('modern-uio_pci_generic', 'modern', 'uio_pci_generic', 'stock', 'traffic', True),
    ('transitional-uio_pci_generic', 'transitional', 'uio_pci_generic', 'stock', 'traffic',
     True),
    ('mmio-vfio_noiommu', 'legacy-mmio', 'vfio-pci-noiommu', 'noiommu', 'traffic', True),
    ('pio-vfio_noiommu', 'legacy', 'vfio-pci-noiommu', 'noiommu', 'traffic', True),
    ('pio-vfio_viommu', 'legacy', 'vfio-pci', 'viommu', 'traffic', True),
    ('mmio-noiopl', 'legacy-mmio', 'uio_pci_generic', 'stock', 'noiopl', False),
    ('pio-noiopl', 'legacy', 'uio_pci_generic', 'stock', 'refused', False),
]
# what a patched tree says when iopl() fails for an I/O BAR
IOPL_MSG = {'17.11': 'no I/O port permission (iopl)'}
IOPL_MSG_UPSTREAM = 'insufficient ioport permissions for PCI device'   # e02b661b51
# runs a command without CAP_SYS_RAWIO (out of the bounding set, so a root
# process loses it at exec): iopl() then fails with EPERM
NO_RAWIO = ['/usr/bin/setpriv', '--bounding-set=-sys_rawio']
BOOTS = ('stock', 'noiommu', 'viommu')

# 2 MiB hugepages per guest: 17.11's EAL takes every free one, so few; 18.11's
# testpmd sizes its port array with 65536 queues per port (about 310 MiB for
# 32 ports), so it needs more.
HUGEPAGES = {'18.11': 200}

# Rows a branch cannot run, by (scenario, branch): why.
NOT_ON = {
    ('pio-none', '20.11'): 'since 20.08 the PCI scan drops devices with no kernel driver '
                           '(c79a1c6746 "bus/pci: optimize bus scan")',
    ('mmio-none', '20.11'): 'since 20.08 the PCI scan drops devices with no kernel driver '
                            '(c79a1c6746 "bus/pci: optimize bus scan")',
}

# Unpatched results that differ from the table, by (scenario, branch, minor
# release or None for any): (passes?, why).
KNOWN_BEFORE = {
    ('pio-uio_pci_generic', '17.11', 0): (
        False, 'v17.11 bug: pci_ioport_map() resets intr_handle.type, so port start fails '
        '("Unknown handle type"); fixed in v17.11.1 by "bus/pci: fix interrupt handler type"'),
}


def expected_before(o, sc):
    """(unpatched run should pass?, note) for this scenario and tree."""
    for k in ((sc[0], o.branch, o.minor), (sc[0], o.branch, None)):
        if k in KNOWN_BEFORE:
            return KNOWN_BEFORE[k]
    return sc[5], ''


PORT_RE = re.compile(r'^Port 0: ([0-9A-Fa-f:]{17})', re.M)


class Run:
    """One testpmd run (before or after) of one scenario."""

    def __init__(self):
        self.ok = False
        self.port = False
        self.why = ''
        self.g_tx = self.h_rx = self.h_tx = self.g_rx = None
        self.mpps_tx = self.mpps_rx = None
        self.init_s = None
        self.secondary = None
        self.text = ''

    def cell(self):
        if not self.port:
            return 'no port'
        if self.g_tx is None:
            return 'port, no traffic'
        c = 'g->h %d/%d, h->g %d/%d' % (self.g_tx, self.h_rx, self.h_tx, self.g_rx)
        if self.secondary is not None:
            c += ', proc-info RX %d' % self.secondary
        return c


class Boot:
    """One guest boot with one NIC per device mode its rows use, all on one
    host backend (vmlib.Machine)."""

    def __init__(self, opts, group, modes, logdir):
        self.opts, self.group, self.modes = opts, group, modes
        self.dir = os.path.join(logdir, group)
        self.m = None

    host = property(lambda self: self.m.host)
    guest = property(lambda self: self.m.guest)
    bdf = property(lambda self: self.m.bdf)
    port = property(lambda self: self.m.port)

    def start(self):
        o = self.opts
        kw = {}
        if self.group == 'noiommu':
            kernel = vmlib.find_kernel(o.noiommu_kernel or
                                       vmlib.run_fixture('kernel/build', 'noiommu kernel'))
            kw = dict(append='vfio.enable_unsafe_noiommu_mode=1')
        else:
            kernel = vmlib.find_kernel(o.kernel)
            if self.group == 'viommu':
                kw = dict(vmlib.Q35_VIOMMU)
        qemu = o.qemu_patched or vmlib.run_fixture('qemu/build', 'patched QEMU')
        initrd = vmlib.build_initramfs(kernel, log=log)
        self.m = vmlib.Machine(self.dir, self.modes, kernel, initrd, qemu=qemu,
                               hugepages=HUGEPAGES.get(o.branch, 64), log=log, **kw)
        boot = self.m.start()
        log('[backport] %s guest up in %.1f s (kernel %s; %s)' % (
            self.group, boot, kernel.path,
            ', '.join('%s NIC %s' % (m, self.bdf[m]) for m in self.modes)))

    def close(self):
        if self.m:
            self.m.close()


def log(msg):
    print(msg, flush=True)


def reason(text):
    """The EAL/driver lines that say why no port came up."""
    lines = []
    for l in text.replace('\r', '').splitlines():
        l = l.strip()
        if 'Multi-process socket' in l:   # its path holds the row name
            continue
        if ('No probed ethernet devices' in l or 'cannot be used' in l or 'ioport' in l
                or 'BAR' in l or 'IOPL' in l or 'iopl' in l or 'permission' in l
                or 'Fail to start port' in l or 'Unknown handle type' in l):
            if l not in lines:
                lines.append(l)
    return '; '.join(lines[:4]) or 'no port 0 and no EAL message'


def run_traffic(o, boot, kind, tp, r):
    """guest-tx then host-tx through the harness's traffic rig; the run passes
    when both directions moved --min-packets on both sides with no errors."""
    side = traffic.TestpmdSide(boot.host)
    P = boot.port[kind]
    tx = traffic.run_phase(side, P, tp, traffic.PHASES['guest-tx'], o.seconds)
    r.g_tx, r.h_rx = tx.g['tx'], tx.hs['rx']
    r.mpps_tx = r.h_rx / tx.dt / 1e6
    rx = traffic.run_phase(side, P, tp, traffic.PHASES['host-tx'], o.seconds)
    r.g_rx, r.h_tx = rx.g['rx'], rx.hs['tx']
    r.mpps_rx = r.g_rx / rx.dt / 1e6
    need = o.min_packets
    bad = ['%s below %d packets' % (n, need) for n, v in (
        ('guest tx', r.g_tx), ('host rx', r.h_rx), ('host tx', r.h_tx), ('guest rx', r.g_rx))
        if v < need]
    bad += ['%s %s = %d' % (who, k, st[k]) for who, st in (('guest', tx.g), ('guest', rx.g))
            for k in ('rx_errors', 'tx_errors') if st[k]]
    r.ok = not bad
    r.why = '; '.join(bad)


PROCINFO_RX_RE = re.compile(r'NIC statistics for port 0.*?RX-packets:\s*(\d+)', re.S)


def eal_args(o, boot, sc, prefix):
    """The EAL options of a guest run of this tree on the scenario's NIC."""
    allow = '-a' if o.branch == '20.11' else '-w'   # -w is gone after 20.11
    eal = ['--lcores', '0@0,1@0', '-n', '1', allow, boot.bdf[sc[1]], '--file-prefix=' + prefix]
    if sc[3] == 'viommu' and o.branch != '17.11':
        # the legacy device bypasses the vIOMMU; 17.11 has no --iova-mode
        # and picks PA itself (virtio does not claim IOVA as VA there)
        eal.append('--iova-mode=pa')
    return eal + o.eal_extra.split()


def run_secondary(o, boot, sc, tp, which, r):
    """proc-info (a secondary process) reads port 0's stats while the primary
    testpmd runs; its RX count (from the last phase, host -> guest) must be
    the primary's own."""
    st = tp.port_stats(0)
    prefix = [x for x in tp.eal_args if x.startswith('--file-prefix=')][0]
    procinfo = os.path.join(os.path.dirname(o.before if which.startswith('before') else o.after),
                            'proc-info')
    rc, out = boot.guest.run('%s %s -n 1 -- --stats 2>&1' % (
        shlex.quote(procinfo), prefix), 90, check=False)
    with open(os.path.join(boot.dir, 'procinfo-%s-%s.log' % (sc[0], which)), 'w') as f:
        f.write(out)
    m = PROCINFO_RX_RE.search(out)
    r.text += '\n--- proc-info ---\n' + out
    if rc != 0 or not m:
        r.ok = False
        r.why = 'proc-info rc=%d, no port 0 stats (%s)' % (rc, reason(out))
    elif int(m.group(1)) != st['rx'] or st['rx'] < o.min_packets:
        r.ok = False
        r.why = 'proc-info RX-packets %s, primary %d' % (m.group(1), st['rx'])
    else:
        r.secondary = int(m.group(1))


def run_testpmd(o, boot, sc, which, testpmd):
    """One testpmd of the tree in the guest on the scenario's NIC; returns a Run."""
    name = sc[0]
    r = Run()
    tag = '%s-%s' % (name, which)
    prefix = 'v%s%s' % (which[0], re.sub(r'[^a-z0-9]', '', name))
    app = ['--port-topology=loop', '--total-num-mbufs=2048', '--txd=256', '--rxd=256']
    eal = eal_args(o, boot, sc, prefix)
    if sc[4] in ('noiopl', 'refused'):
        eal = NO_RAWIO[1:] + [testpmd] + eal
        testpmd = NO_RAWIO[0]
    tp = vmlib.GuestTestpmd(boot.guest, tag, eal, app, testpmd=testpmd)
    try:
        tp.start()
        r.init_s = tp.wait_prompt(o.init_timeout)
        text = r.text = tp.text()
        r.port = (bool(PORT_RE.search(text)) and 'No probed ethernet devices' not in text
                  and 'Fail to start port' not in text)
        if not r.port:
            r.why = reason(text)
        else:
            run_traffic(o, boot, sc[1], tp, r)
            if r.ok and sc[4] == 'secondary':
                run_secondary(o, boot, sc, tp, which, r)
    except VMError as e:
        r.ok = False
        r.why = r.why or str(e).splitlines()[0]
        log('[backport] ---- %s failed: %s' % (tag, e))
        log('[backport] ---- guest testpmd log (%s) tail:\n%s' % (tp.log, vmlib.tail(tp.log, 25)))
        log('[backport] ---- host testpmd log (%s) tail:\n%s' % (
            boot.host.log_path, vmlib.tail(boot.host.log_path, 10)))
        log('[backport] ---- guest console (%s) tail:\n%s' % (
            boot.guest.console, vmlib.tail(boot.guest.console, 10)))
    finally:
        try:
            tp.quit(30)
        except VMError:
            pass
    log('[backport] %-28s %-7s %s%s' % (name, which, 'PASS ' if r.ok else 'FAIL ',
                                        r.cell() + ('' if r.ok else ' (%s)' % r.why)))
    return r


def best(runs, attr):
    vals = [getattr(r, attr) for r in runs if r.ok and getattr(r, attr) is not None]
    return max(vals) if vals else 0


def verdict(o, sc, befores, afters):
    """befores/afters: runs of each build (the first is the main one)."""
    expect, _note = expected_before(o, sc)
    before, after = befores[0], afters[0]
    why = []
    if before.ok != expect:
        why.append('unpatched %s %s, expected it to %s' % (
            o.branch, 'passed' if before.ok else 'failed (%s)' % before.why,
            'pass' if expect else 'fail'))
    if sc[4] in ('nodrv', 'refused'):
        # cannot work: the patched tree must fail cleanly and, where it
        # has one, say why
        if sc[4] == 'refused':
            msg = IOPL_MSG.get(o.branch, IOPL_MSG_UPSTREAM)
        else:
            msg = NODRV_MMIO_MSG if o.branch == '17.11' else None
        if after.port or (msg and msg not in after.text):
            why.append('patched %s: expected no port%s, got %s (%s)' % (
                o.branch, ' and the message %r' % msg if msg else '', after.cell(), after.why))
    elif not any(a.ok for a in afters):
        why.append('patched %s failed: %s' % (o.branch, after.why))
    elif before.ok:
        for n, attr in (('guest->host', 'h_rx'), ('host->guest', 'g_rx')):
            b, a = best(befores, attr), best(afters, attr)
            if b and a < b * o.regress_ratio:
                why.append('%s regressed: %d -> %d packets (best of %d/%d runs, below %.0f%%)'
                           % (n, b, a, len(befores), len(afters), o.regress_ratio * 100))
    return not why, '; '.join(why)


def shown(runs):
    """The run to show: the first, or the best passing one when retried."""
    ok = [r for r in runs if r.ok]
    if len(runs) == 1 or not ok:
        return runs[0]
    return max(ok, key=lambda r: (r.h_rx or 0) + (r.g_rx or 0))


def table(o, results):
    hdr = ('scenario', 'before (unpatched)', 'expected', 'after (patched)', 'Mpps g->h / h->g',
           'result')
    rows = []
    for sc, befores, afters, ok, why in results:
        before, after = shown(befores), shown(afters)
        n = lambda runs: '' if len(runs) == 1 else ' (best of %d)' % len(runs)
        b = ('PASS ' if before.ok else 'FAIL ') + before.cell() + n(befores)
        a = ('PASS ' if after.ok else 'FAIL ') + after.cell() + n(afters)
        mp = '-' if after.mpps_tx is None else '%.2f / %.2f' % (after.mpps_tx, after.mpps_rx)
        if sc[4] in ('nodrv', 'refused'):
            a += ' (expected)'
        rows.append((sc[0], b, 'pass' if expected_before(o, sc)[0] else 'fail', a, mp,
                     'PASS' if ok else 'FAIL'))
    w = [max(len(x[i]) for x in [hdr] + rows) for i in range(len(hdr))]
    fmt = ' | '.join('%%-%ds' % n for n in w)
    out = [fmt % hdr, '-+-'.join('-' * n for n in w)] + [fmt % r for r in rows]
    out.append('(g->h A/B: guest TX-packets / host RX-packets; h->g A/B: host TX / guest RX;'
               ' %.0f s each)' % o.seconds)
    for sc, befores, afters, ok, why in results:
        if not befores[0].ok:
            out.append('before %s: %s' % (sc[0], befores[0].why))
        if sc[4] in ('nodrv', 'refused'):
            out.append('after %s: %s' % (sc[0], afters[0].why))
        note = expected_before(o, sc)[1]
        if note:
            out.append('expected %s: %s' % (sc[0], note))
        if not ok:
            out.append('FAIL %s: %s' % (sc[0], why))
    return '\n'.join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--before', help='unpatched testpmd of the tree')
    ap.add_argument('--after', help='patched testpmd of the tree (proc-info next to each)')
    ap.add_argument('--branch', default='17.11', choices=('17.11', '18.11', '19.11', '20.11'))
    ap.add_argument('--label', default=None, help='tree name for the report')
    ap.add_argument('--scenarios', default='', help='comma-separated subset (default all)')
    ap.add_argument('--seconds', type=float, default=3.0, help='traffic time per direction')
    ap.add_argument('--min-packets', type=int, default=20000)
    ap.add_argument('--regress-ratio', type=float, default=0.25)
    ap.add_argument('--retries', type=int, default=2,
                    help='extra runs of both builds when only throughput looks worse')
    ap.add_argument('--minor', type=int, default=None,
                    help='minor release of the tree (0 for v17.11), for the expected '
                    'unpatched results')
    ap.add_argument('--eal-extra', default='', help='more EAL options for both builds')
    ap.add_argument('--init-timeout', type=float, default=150)
    ap.add_argument('--logdir', default=None)
    ap.add_argument('--kernel', default=None, help='stock guest kernel (default: Debian 6.1)')
    ap.add_argument('--noiommu-kernel', default=None, help='default: test/vm/kernel/build')
    ap.add_argument('--qemu-patched', default=None, help='default: test/vm/qemu/build')
    ap.add_argument('--list', action='store_true')
    ap.add_argument('--check-args', action='store_true',
                    help='only validate the options (verify.sh does this before building)')
    o = ap.parse_args()
    o.label = o.label or 'DPDK %s' % o.branch
    if o.list:
        for s in SCENARIOS:
            print('%-28s device %-12s binding %-17s boot %-8s checks %-9s unpatched: %s%s' % (
                s[0], s[1], s[2], s[3], s[4], 'pass' if s[5] else 'fail',
                ''.join('; not on %s: %s' % (b, w) for (n, b), w in NOT_ON.items()
                        if n == s[0])))
        return 0
    names = [s[0] for s in SCENARIOS]
    want = [x for x in o.scenarios.split(',') if x] or names
    unknown = [x for x in want if x not in names]
    if unknown:
        print('verify_vm: unknown scenario(s) %s; known: %s' % (', '.join(unknown),
                                                              ', '.join(names)), file=sys.stderr)
        return 2
    if o.seconds <= 0 or o.seconds > 120:
        print('verify_vm: --seconds %g is out of range; use 1 to 120' % o.seconds,
              file=sys.stderr)
        return 2
    if o.check_args:
        return 0
    for what, p in (('--before', o.before), ('--after', o.after)):
        if not p or not os.access(p, os.X_OK):
            print('verify_vm: %s must name an executable %s testpmd (got %r)' % (
                what, o.branch, p), file=sys.stderr)
            return 2
    vmlib.install_signal_handlers()
    logdir = o.logdir or os.path.join(tempfile.gettempdir(), 'vnet-backport',
                                      '%s-%s' % (o.branch, time.strftime('%Y%m%d-%H%M%S')))
    os.makedirs(logdir, exist_ok=True)
    log('[backport] %s: before=%s after=%s logs=%s' % (o.label, o.before, o.after, logdir))
    skipped = [(n, NOT_ON[(n, o.branch)]) for n in want if (n, o.branch) in NOT_ON]
    results = []
    t0 = time.monotonic()
    try:
        for group in BOOTS:
            scs = [s for s in SCENARIOS if s[0] in want and s[3] == group
                   and (s[0], o.branch) not in NOT_ON]
            if not scs:
                continue
            modes = [m for m in vmlib.DEVICE_MODES if any(s[1] == m for s in scs)]
            boot = Boot(o, group, modes, logdir)
            try:
                try:
                    boot.start()
                except VMError as e:
                    log('[backport] %s guest boot failed: %s' % (group, e))
                    for sc in scs:
                        b, a = Run(), Run()
                        b.why = a.why = 'guest boot failed: %s' % str(e).splitlines()[0]
                        results.append((sc, [b], [a], False, a.why))
                    continue
                for sc in scs:
                    try:
                        boot.guest.run('vnet_bind %s %s' % (boot.bdf[sc[1]], sc[2]), 60)
                    except VMError as e:
                        b, a = Run(), Run()
                        b.why = a.why = 'binding %s failed: %s' % (sc[2], str(e).splitlines()[0])
                        results.append((sc, [b], [a], False, a.why))
                        continue
                    befores = [run_testpmd(o, boot, sc, 'before', o.before)]
                    afters = [run_testpmd(o, boot, sc, 'after', o.after)]
                    ok, why = verdict(o, sc, befores, afters)
                    k = 0
                    while (not ok and k < o.retries and befores[0].ok and afters[0].ok
                           and 'regressed' in why):
                        # throughput only: TCG on a shared CPU is noisy, so
                        # measure both builds again, interleaved
                        k += 1
                        log('[backport] %s: %s; measuring both builds again' % (sc[0], why))
                        befores.append(run_testpmd(o, boot, sc, 'before%d' % (k + 1), o.before))
                        afters.append(run_testpmd(o, boot, sc, 'after%d' % (k + 1), o.after))
                        ok, why = verdict(o, sc, befores, afters)
                    results.append((sc, befores, afters, ok, why))
            finally:
                boot.close()
    except vmlib.Interrupted as e:
        log('[backport] %s; stopping' % e)
        return 130
    finally:
        vmlib.stop_all()
    print('\n%s (%s), %.0f s:' % (o.label, logdir, time.monotonic() - t0))
    print(table(o, results))
    for n, why in skipped:
        print('skipped %s: %s' % (n, why))
    npass = sum(1 for r in results if r[3])
    print('%d passed, %d failed, %d skipped' % (npass, len(results) - npass, len(skipped)))
    return 0 if npass == len(results) and len(results) + len(skipped) == len(want) else 1


if __name__ == '__main__':
    sys.exit(main())
