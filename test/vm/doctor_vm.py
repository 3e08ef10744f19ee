#!/usr/bin/env python3
"""vnet-doctor in real guests: its verdict must agree with what testpmd does.

For every scenario of the device x binding x driver matrix (matrix.MODES x
matrix.BINDINGS x net_vnet/net_virtio), in the guest of that binding's
machine setup:

  1. give the device back to virtio-pci (as booted) and run
     `vnet-doctor --json --device BDF`: it must say "not usable, binding";
  2. bind the device as the matrix does, run the doctor again;
  3. start testpmd (-a BDF; with the plugin for net_vnet, without it for
     Debian's net_virtio; the PMD's init logs at info) and check:
     - usable per the doctor (that PMD's plan) <=> port 0 is driven by it;
     - usable: the transport, and for net_vnet the BAR0 access method, it
       logs are the doctor's ("modern virtio" / "legacy virtio: ... access
       <method>"; net_virtio: "modern virtio pci detected" / "trying with
       legacy virtio pci", it does not log the access method);
     - refused and listed by EAL: net_vnet logs the doctor's own line;
     - the doctor's EAL hint (--iova-mode=pa on a legacy device behind the
       vIOMMU) is what the matrix passes anyway.

    flock /tmp/vnet-vm.lock test/vm/doctor_vm.py --doctor build/app/vnet-doctor \\
        --plugin build/drivers/librte_net_vnet.so ['legacy-*' ...]

Ends with "N passed, N failed"; exit status 0 only if every row passed.
"""
import argparse
import json
import os
import re
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402
import vmlib  # noqa: E402
from vmlib import VMError  # noqa: E402

ACCESS_RE = re.compile(r'legacy virtio: BAR0 \S+ under \S+, access ([^\s,]+)')


def doctor(ctx, path, bdf, save=None):
    """The doctor's JSON verdict for bdf, run in the guest; save: also keep its
    human report (and the JSON) in that file."""
    rc, out = ctx.guest.run('%s --json --device %s' % (shlex.quote(path), bdf), 30, check=False)
    if save:
        _, text = ctx.guest.run('%s --device %s' % (shlex.quote(path), bdf), 30, check=False)
        with open(save, 'w') as f:
            f.write('$ vnet-doctor --device %s   # exit %d\n%s\n$ vnet-doctor --json --device %s\n%s'
                    % (bdf, rc, text, bdf, out))
    try:
        return rc, json.loads(out)['devices'][0]
    except (ValueError, KeyError, IndexError):
        raise VMError('vnet-doctor in the guest (rc=%d) gave no verdict for %s:\n%s'
                      % (rc, bdf, out[-1500:]))


def check(sc, before, after, text, owner):
    """The doctor's verdicts against what testpmd did; returns a list of failures."""
    bad = []
    pmd = matrix.DRIVERS[sc.driver]
    if before[pmd]['usable'] or before[pmd]['problem'] != 'binding':
        bad.append('before binding: doctor says %r, want a binding problem' % before[pmd])
    v = after[pmd]
    probed = owner == pmd
    if v['usable'] != probed:
        bad.append('doctor says %s, testpmd port 0 driver is %s' % (
            'usable' if v['usable'] else 'not usable (%s)' % v['why'], owner))
    if pmd == 'net_virtio':
        if v['usable'] and probed:
            want = ('modern virtio pci detected' if v['transport'] == 'modern'
                    else 'trying with legacy virtio pci')
            if want not in text:
                bad.append('doctor says %s; net_virtio did not log "%s"' % (v['transport'], want))
        return bad
    if v['usable'] and probed:
        if v['transport'] == 'modern' and 'modern virtio' not in text:
            bad.append('doctor says modern; net_vnet did not log "modern virtio"')
        if v['transport'] == 'legacy':
            m = ACCESS_RE.search(text)
            if not m or m.group(1) != v['access']:
                bad.append('doctor says legacy via %s; net_vnet logged %s'
                           % (v['access'], m.group(0) if m else 'no access method'))
    if not v['usable'] and sc.binding != 'unbound' and after['line'] not in text:
        bad.append('net_vnet did not log the doctor\'s line: %s' % after['line'])
    if v['usable'] and '--iova-mode=pa' in (v['note'] or '') and sc.group != 'q35':
        bad.append('doctor asks for --iova-mode=pa outside the vIOMMU guest: %s' % v['note'])
    return bad


def run_scenario(ctx, sc, opts):
    bdf = ctx.bdf[sc.mode]
    # every scenario starts from the device as booted: left to virtio-pci
    ctx.guest.run('vnet_bind %s virtio-pci' % bdf, 30)
    keep = os.path.join(ctx.runner.logdir, sc.name + '-doctor-%s.txt')
    _, before = doctor(ctx, opts.doctor, bdf, keep % 'before')
    ctx.guest.run('vnet_bind %s %s' % (bdf, sc.kdrv), 30)
    rc, after = doctor(ctx, opts.doctor, bdf, keep % 'after')
    if rc != (0 if after['net_vnet']['usable'] else 1):
        return ['doctor exit status %d disagrees with its verdict' % rc], after
    eal = ['-a', bdf, '--lcores', '0@0,1@0', '--file-prefix=dr' + sc.name.replace('-', '')]
    if sc.driver == 'vnet':
        if not ctx.plugin:
            ctx.plugin = ctx.guest.stage(opts.plugin)
        eal = ['-d', ctx.plugin, '--log-level=pmd.net.vnet:info'] + eal
    else:
        eal = ['--log-level=pmd.net.virtio.init:info'] + eal
    if sc.group == 'q35' and sc.mode != 'modern':
        eal.append('--iova-mode=pa')   # what the doctor's note asks for
    tp = vmlib.GuestTestpmd(ctx.guest, 'dr-' + sc.name, eal,
                            ['--total-num-mbufs=2048', '--mbuf-size=10240'])
    tp.start()
    try:
        tp.wait_prompt(90)
        text = tp.text()
        owner = '-'
        if 'No probed ethernet devices' not in text:
            m = re.search(r'Driver name:\s*(\S+)', tp.cmd('show port info 0'))
            owner = m.group(1) if m else '?'
    finally:
        tp.quit(20)
    return check(sc, before, after, text, owner), after


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('patterns', nargs='*', help='scenario patterns (default: all, both drivers)')
    ap.add_argument('--doctor', required=True, help='vnet-doctor binary (host path)')
    ap.add_argument('--plugin', required=True, help='librte_net_vnet.so')
    ap.add_argument('--logdir')
    ap.add_argument('--timeout', type=int, default=150, help='per scenario (s)')
    a = ap.parse_args()
    for f in (a.doctor, a.plugin):
        if not os.path.isfile(f):
            sys.exit('doctor_vm: %s does not exist; build first (meson compile -C build)' % f)
    a.doctor, a.plugin = os.path.abspath(a.doctor), os.path.abspath(a.plugin)
    vmlib.install_signal_handlers()
    # the device x binding matrix itself, not its variants (one setting each)
    sel = [(sc, ph) for sc, ph in matrix.select(a.patterns or ['*']) if sc.variant is None]
    o = matrix.Options()
    o.plugin, o.logdir, o.timeout = a.plugin, a.logdir, a.timeout
    runner = matrix.Runner(o)
    rows = []
    for group in matrix.GROUPS:
        scs = [sc for sc, _ in sel if sc.group == group]
        if not scs:
            continue
        ctx = matrix.Context(runner, group, [m for m in matrix.MODES if any(s.mode == m for s in scs)])
        try:
            ctx.boot()
            for sc in scs:
                try:
                    bad, after = run_scenario(ctx, sc, a)
                except VMError as e:
                    bad, after = [str(e).splitlines()[0]], None
                v = after[matrix.DRIVERS[sc.driver]] if after else {}
                verdict = ('usable %s %s' % (v.get('transport'), v.get('access'))
                           if v.get('usable') else 'refused (%s)' % v.get('problem'))
                rows.append((sc.name, verdict, bad))
                print('[doctor-vm] %-32s %-40s %s' % (sc.name, verdict,
                                                      'PASS' if not bad else 'FAIL: ' + '; '.join(bad)),
                      flush=True)
        except VMError as e:
            for sc in scs:
                if sc.name not in [r[0] for r in rows]:
                    rows.append((sc.name, '-', ['guest: %s' % str(e).splitlines()[0]]))
        finally:
            ctx.close()
    npass = sum(1 for r in rows if not r[2])
    print('logs: %s' % runner.logdir)
    print('%d passed, %d failed' % (npass, len(rows) - npass))
    return 0 if rows and npass == len(rows) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except VMError as e:
        sys.exit('doctor_vm: %s' % e)
