#!/usr/bin/env python3
"""vnet-doctor on sysfs/procfs trees captured from real guests (TAP).

    check-doctor.py VNET_DOCTOR TREES_DIR

For every tree of EXPECT: the exit status, the JSON verdict of each device
(what net_vnet and net_virtio do, or why not, and the first and last fix
commands), the environment facts that decide it, that the human report
fits 80 columns and names the same verdicts, and that --device gives the
same answer for one device.  Then the usage errors.
"""
import json
import os
import shutil
import re
import subprocess
import tempfile
import sys

PC = {'modern': '0000:00:04.0', 'transitional': '0000:00:05.0', 'legacy': '0000:00:06.0'}
Q35_MODERN = '0000:01:00.0'   # behind the pcie-root-port in slot 9
MMIO = '0000:00:08.0'
LIVE = '0000:00:07.0'     # no backend: the one NIC virtio_net may drive
NO_NOIOMMU = 'this kernel lacks CONFIG_VFIO_NOIOMMU: use uio_pci_generic or a vIOMMU'


def plan(usable, problem='none', transport=None, access=None, why=None, note=None):
    return dict(usable=usable, problem=problem, transport=transport, access=access,
                why=why, note=note)


USABLE_MODERN = plan(True, transport='modern', access='mmio')
UNBOUND = plan(False, 'binding', why='no driver is bound, and DPDK >= 20.08 does not even list')

# tree -> exit status, environment facts, {bdf: device expectations}
EXPECT = {
    # the vhost-user NICs unbound, a fourth NIC left to virtio_net with eth0 up
    'virtio-pci-up': dict(exit=1, env=dict(iommu='none', noiommu='unsupported (no CONFIG_VFIO_NOIOMMU)',
                                           iova_mode='PA'), devices={
        PC['modern']: dict(kind='modern', driver=None, iommu='none', vnet=UNBOUND,
                           fix=[NO_NOIOMMU, 'dpdk-devbind.py -b uio_pci_generic 0000:00:04.0']),
        PC['legacy']: dict(kind='legacy', driver=None, vnet=UNBOUND,
                           legacy_bar0=dict(kind='port-io', vfio_mmap=False),
                           fix=[NO_NOIOMMU, 'dpdk-devbind.py -b uio_pci_generic 0000:00:06.0']),
        LIVE: dict(kind='transitional', driver='virtio-pci', up=True,
                   vnet=plan(False, 'binding', why='bound to the kernel driver virtio-pci, which owns it'),
                   virtio=plan(False, 'binding', why='interface eth0 is up: rebinding cuts its link'),
                   fix=['ip link set dev eth0 down', 'dpdk-devbind.py -b uio_pci_generic 0000:00:07.0']),
    }),
    'uio': dict(exit=0, env=dict(iova_mode='PA'), devices={
        PC['modern']: dict(kind='modern', driver='uio_pci_generic', vnet=USABLE_MODERN,
                           virtio=USABLE_MODERN, fix=[]),
        PC['transitional']: dict(kind='transitional', driver='uio_pci_generic', vnet=USABLE_MODERN,
                                 virtio=USABLE_MODERN, fix=[]),
        PC['legacy']: dict(kind='legacy', driver='uio_pci_generic',
                           vnet=plan(True, transport='legacy', access='port-io'),
                           virtio=plan(True, transport='legacy', access='port-io'), fix=[],
                           notify='one port write (outw)'),
    }),
    'no-hugepages': dict(exit=1, env=dict(iova_mode='VA'), devices={
        PC['modern']: dict(driver='uio_pci_generic',
                           vnet=plan(False, 'physical-addresses', why='(no free hugepages)'),
                           virtio=plan(False, 'physical-addresses', why='probes, but no traffic can flow'),
                           fix=['echo 256 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages',
                                'mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages']),
    }),
    'no-iommu-group': dict(exit=1, env=dict(vfio='loaded', noiommu='unsupported (no CONFIG_VFIO_NOIOMMU)'),
                           devices={
        PC['modern']: dict(kind='modern', driver=None, iommu='none', iommu_group=None,
                           vnet=plan(False, 'binding', why='does not even list such a device'),
                           fix=[NO_NOIOMMU, 'dpdk-devbind.py -b uio_pci_generic 0000:00:04.0']),
        PC['legacy']: dict(driver='virtio-pci', vnet=plan(False, 'binding', why='bound to the kernel driver'),
                           fix=[NO_NOIOMMU, 'dpdk-devbind.py -b uio_pci_generic 0000:00:06.0']),
    }),
    'q35-viommu': dict(exit=0, env=dict(iommu='enabled', iommu_groups=True, iova_mode='VA',
                                        cmdline_iommu='intel_iommu=on'), devices={
        Q35_MODERN: dict(kind='modern', driver='vfio-pci', iommu='group', vnet=USABLE_MODERN,
                         virtio=USABLE_MODERN, fix=[]),
        PC['legacy']: dict(kind='legacy', driver='vfio-pci', iommu='group',
                           vnet=plan(True, transport='legacy', access='port-io',
                                     note='--iova-mode=pa'),
                           virtio=plan(True, transport='legacy', access='vfio-pread/pwrite'),
                           notify='one port write (outw)', fix=[]),
    }),
    # no intel_iommu= on the command line: Debian's 6.1 kernel (built with
    # CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF) enables the vIOMMU anyway
    'q35-no-cmdline': dict(exit=1, env=dict(iommu='enabled', iommu_groups=True, cmdline_iommu=None),
                           devices={
        Q35_MODERN: dict(kind='modern', driver='virtio-pci', iommu='group',
                         vnet=plan(False, 'binding', why='bound to the kernel driver virtio-pci'),
                         fix=['modprobe vfio-pci', 'dpdk-devbind.py -b vfio-pci 0000:01:00.0']),
    }),
    'noiommu': dict(exit=0, env=dict(noiommu='on', iova_mode='PA'), devices={
        PC['modern']: dict(kind='modern', driver='vfio-pci', iommu='noiommu-group',
                           vnet=USABLE_MODERN, fix=[]),
        PC['legacy']: dict(kind='legacy', driver='vfio-pci', iommu='noiommu-group',
                           vnet=plan(True, transport='legacy', access='port-io'), fix=[]),
    }),
    'legacy-mmio': dict(exit=0, env=dict(iova_mode='PA'), devices={
        MMIO: dict(kind='legacy', driver='uio_pci_generic',
                   legacy_bar0=dict(kind='memory', vfio_mmap=True),
                   vnet=plan(True, transport='legacy', access='mmio'),
                   virtio=plan(True, transport='legacy', access='mmio'),
                   notify='one MMIO write', fix=[]),
    }),
}

n = 0
failed = 0


def ok(cond, msg, detail=None):
    global n, failed
    n += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, msg))
    if not cond:
        failed += 1
        if detail is not None:
            for line in str(detail).splitlines()[:20]:
                print('#   ' + line)
    return cond


def run(doctor, *args):
    p = subprocess.run([doctor] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def check_plan(tag, got, want):
    bad = []
    for k in ('usable', 'problem', 'transport', 'access'):
        if want.get(k) is not None and got.get(k) != want[k]:
            bad.append('%s=%r (want %r)' % (k, got.get(k), want[k]))
    for k in ('why', 'note'):
        if want.get(k) and want[k] not in (got.get(k) or ''):
            bad.append('%s=%r lacks %r' % (k, got.get(k), want[k]))
    return bad


def check_device(tree, d, want):
    bad = []
    for k in ('kind', 'driver', 'iommu', 'legacy_bar0'):
        if k in want and d.get(k) != want[k]:
            bad.append('%s=%r (want %r)' % (k, d.get(k), want[k]))
    if 'iommu_group' in want and d.get('iommu_group') != want['iommu_group']:
        bad.append('iommu_group=%r' % d.get('iommu_group'))
    if want.get('up') and not (d.get('interface') or {}).get('up'):
        bad.append('interface %r is not up' % d.get('interface'))
    bad += ['net_vnet ' + b for b in check_plan('net_vnet', d['net_vnet'], want['vnet'])]
    if 'virtio' in want:
        bad += ['net_virtio ' + b for b in check_plan('net_virtio', d['net_virtio'], want['virtio'])]
    if 'notify' in want and d['net_vnet'].get('notify') != want['notify']:
        bad.append('notify=%r' % d['net_vnet'].get('notify'))
    fix = d['fix']
    if 'fix' in want:
        w = want['fix']
        if not w and fix:
            bad.append('fix=%r, want none' % fix)
        if w and (not fix or not fix[0].startswith(w[0]) or fix[-1] != w[-1]):
            bad.append('fix=%r, want %r ... %r' % (fix, w[0], w[-1]))
    line = d.get('line') or ''
    if d['net_vnet']['usable'] != line.startswith('usable: '):
        bad.append('line %r disagrees with usable' % line)
    return bad


def check_tree(doctor, trees, name, exp):
    root = os.path.join(trees, name)
    if not ok(os.path.isdir(root), '%s: tree exists' % name, root):
        return
    rc, out, err = run(doctor, '--root', root, '--json')
    ok(rc == exp['exit'], '%s: exit status %d' % (name, exp['exit']), 'got %d; %s' % (rc, err))
    try:
        rep = json.loads(out)
    except ValueError as e:
        ok(False, '%s: JSON parses' % name, '%s\n%s' % (e, out[:2000]))
        return
    ok(rep.get('schema') == 'vnet-doctor/1', '%s: schema vnet-doctor/1' % name)
    env = rep['environment']
    bad = ['%s=%r (want %r)' % (k, env.get(k), v) for k, v in exp.get('env', {}).items()
           if env.get(k) != v]
    ok(not bad, '%s: environment %s' % (name, ', '.join('%s=%s' % kv for kv in exp.get('env', {}).items())),
       '\n'.join(bad))
    devs = {d['bdf']: d for d in rep['devices']}
    for bdf, want in exp['devices'].items():
        d = devs.get(bdf)
        if not ok(d is not None, '%s: device %s found' % (name, bdf), sorted(devs)):
            continue
        bad = check_device(name, d, want)
        ok(not bad, '%s: %s %s: net_vnet %s' % (
            name, bdf, want.get('kind', ''),
            'usable (%s, %s)' % (want['vnet'].get('transport'), want['vnet'].get('access'))
            if want['vnet']['usable'] else want['vnet']['problem']), '\n'.join(bad))
        rc1, out1, _ = run(doctor, '--root', root, '--json', '--device', bdf[5:])
        one = json.loads(out1)['devices'] if rc1 in (0, 1) else []
        ok(len(one) == 1 and one[0]['line'] == d['line'] and
           rc1 == (0 if d['net_vnet']['usable'] else 1),
           '%s: --device %s gives the same verdict and exit status' % (name, bdf[5:]), out1[:500])
    ok(rep['all_usable'] == (rc == 0), '%s: all_usable agrees with the exit status' % name)
    rc2, text, _ = run(doctor, '--root', root)
    wide = [l for l in text.splitlines() if len(l) > 80]
    ok(rc2 == rc and not wide, '%s: human report fits 80 columns' % name, '\n'.join(wide))
    blocks = {b.split()[0]: b for b in text.split('\n\n') if b[:4] == '0000'}
    bad = [b for b in devs if b not in blocks or
           not re.search(r'^  net_vnet +(NOT usable|usable)', blocks[b], re.M) or
           not re.search(r'^  net_virtio +(NOT usable|usable)', blocks[b], re.M)]
    ok(not bad, '%s: human report has a net_vnet and a net_virtio verdict per device' % name,
       'no verdicts for %s in:\n%s' % (bad, text[-1500:]))


def prepare(trees, work):
    """A working copy of the trees: git keeps no empty directory, so each
    tree lists the empty ones its capture had (an empty iommu_groups/N, a
    loaded module's /sys/module/M) in EMPTY_DIRS; they are made here."""
    dst = os.path.join(work, 'sysfs')
    shutil.copytree(trees, dst, symlinks=True)
    for name in os.listdir(dst):
        lst = os.path.join(dst, name, 'EMPTY_DIRS')
        if os.path.isfile(lst):
            for d in open(lst).read().split():
                os.makedirs(os.path.join(dst, name, d), exist_ok=True)
            os.unlink(lst)
    return dst


def main():
    doctor = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix='vnet-doctor-trees-') as work:
        return run_all(doctor, prepare(sys.argv[2], work))


def run_all(doctor, trees):
    for name, exp in EXPECT.items():
        check_tree(doctor, trees, name, exp)
    rc, _, err = run(doctor, '--bogus')
    ok(rc == 2 and 'usage' in err, 'unknown option: exit 2 with usage')
    rc, _, err = run(doctor, '--device', 'zz:zz', '--root', os.path.join(trees, 'uio'))
    ok(rc == 2 and 'not a PCI address' in err, '--device with a bad address: exit 2', err)
    rc, _, err = run(doctor, '--device', '00:1f.0', '--root', os.path.join(trees, 'uio'))
    ok(rc == 1 and 'no such virtio-net PCI device' in err, '--device naming no device: exit 1', err)
    rc, _, err = run(doctor, '--root', os.path.join(trees, 'does-not-exist'))
    ok(rc == 1 and 'cannot list' in err, 'a root without sysfs: exit 1 and says so', err)
    rc, out, _ = run(doctor, 'extra')
    ok(rc == 2, 'a stray argument: exit 2')
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
