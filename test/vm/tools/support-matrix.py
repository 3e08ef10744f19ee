#!/usr/bin/env python3
"""Render docs/support-matrix.md from a `vnet-vm run` results.json.

usage: support-matrix.py LOGDIR/results.json [--wall SECONDS] > docs/support-matrix.md
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import matrix  # noqa: E402

HEADER = '''# Support matrix: net_vnet and DPDK's net_virtio in a VM

Measured by the VM harness (`test/vm/vnet-vm run --all --plugin
build/drivers/librte_net_vnet.so`; this page is rendered from its
results.json by `test/vm/tools/support-matrix.py`). Every cell is a real QEMU
7.2 TCG guest (1 vCPU, 1 GiB, 256 MiB of 2 MiB hugepages) running
`dpdk-testpmd -a <BDF>` (Debian's DPDK 22.11) with or without
`-d librte_net_vnet.so`, against a host `dpdk-testpmd --no-pci --no-huge
--vdev net_vhost0,...` over vhost-user. Counters are read on both sides.

Phases per cell: guest txonly -> host rxonly (tx), host txonly -> guest rxonly
(rx), and a forwarding loop (host `start tx_first` in io mode, guest io) with
64, 1500 and 9000-byte frames. A phase passes when both sides counted at least
100000 packets (tx, rx) or 10000 packets of the right size (loops). Mpps are
what the receiving side counted per second of traffic under TCG on a shared
2-core machine: they show that traffic flows, not what the drivers can do on
real hardware, and vary by several times from run to run.

Device modes (QEMU `virtio-net-pci`): modern `disable-legacy=on`; transitional
(default); legacy `disable-modern=on` (I/O BAR0); legacy-novec
`disable-modern=on,vectors=0` (no MSI-X, device config at 20); legacy-mmio
`disable-modern=on,legacy-bar-mmio=on` (memory BAR0, patched QEMU from
`test/vm/qemu/build`). Under intel-iommu (`q35`), modern uses
`iommu_platform=on,ats=on` behind a PCIe root port with vhost `iommu-support=1`;
the others cannot negotiate iommu_platform and run with `--iova-mode=pa`.
noiommu runs on `pc` with the kernel from `test/vm/kernel/build`
(CONFIG_VFIO_NOIOMMU).

'''

BIND_TEXT = {
    'uio': 'uio_pci_generic (`pc`)',
    'igb_uio': 'igb_uio (`pc`)',
    'vfio': 'vfio-pci + intel-iommu (`q35`)',
    'noiommu': 'vfio-pci noiommu (`pc`, vnet kernel)',
    'kernel': 'left to virtio-pci (`pc`)',
    'unbound': 'no driver (`pc`)',
}


def cell(rows):
    if not rows:
        return 'not run'
    bad = [r for r in rows if not r['ok']]
    if rows[0]['name'].endswith('/probe'):
        r = rows[0]
        if bad:
            return 'FAIL: %s' % r['why'].replace('|', '/')
        if '-unbound-' in r['name']:
            return 'no port, as expected: EAL does not list a device without a driver (note 1)'
        parts = []
        for p in r['why'].split(' | '):
            if 'skipped:' in p:
                parts.append('NOTICE `%s`' % p[p.index('skipped:'):])
            elif p.startswith('net_virtio: '):
                parts.append('%s`%s`' % ('net_virtio then: ' if parts else '',
                                         p[len('net_virtio: '):].split(';')[0]))
        return 'no port, as expected: ' + ', '.join(parts)
    mp = {r['name'].split('/')[1]: r['mpps'] for r in rows if r['mpps'] is not None}

    def f(k):
        return '%.2f' % mp[k] if k in mp else '-'
    perf = 'tx %s, rx %s, loop 64/1500/9000 B %s/%s/%s Mpps' % (
        f('guest-tx'), f('host-tx'), f('loop-64'), f('loop-1500'), f('loop-9000'))
    if not bad:
        return 'PASS (%s; %.0f s)' % (perf, rows[0]['wall'] or 0)
    return 'FAIL %d/%d: %s' % (len(bad), len(rows), '; '.join(
        '%s: %s' % (r['name'].split('/')[1], r['why']) for r in bad[:3]).replace('|', '/'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results')
    ap.add_argument('--wall', type=float, help='wall time of the whole run, for the notes')
    ap.add_argument('--rev', help='vnet commit the plugin was built from, for the notes')
    a = ap.parse_args()
    with open(a.results) as f:
        res = json.load(f)
    by = collections.defaultdict(list)
    for r in res['rows']:
        by[r['name'].split('/')[0]].append(r)
    out = [HEADER, '| device mode | binding | net_vnet (`-d librte_net_vnet.so`) | net_virtio (DPDK 22.11, in-tree) |',
           '| --- | --- | --- | --- |']
    for b in matrix.BINDINGS:
        for m in matrix.MODES:
            out.append('| %s | %s | %s | %s |' % (
                m, BIND_TEXT[b], cell(by.get('%s-%s-vnet' % (m, b))),
                cell(by.get('%s-%s-virtio' % (m, b)))))
    n = len(res['rows'])
    ok = sum(1 for r in res['rows'] if r['ok'])
    notes = ['', 'Notes:', '',
             '1. ' + matrix.UNBOUND_WHY.replace('|', ' or ') + '. Asserted: testpmd reports '
             'no probed ethernet device and EAL tried no driver on the BDF.',
             '2. Left to virtio-pci, net_vnet skips the device with the NOTICE shown; EAL '
             'then tries net_virtio, which fails as shown (the same as without the plugin).',
             '3. No traffic cell failed for either driver in this run. The rates were taken '
             'while other builds shared the 2 cores.', '',
             'Rows (scenario/phase): %d passed, %d failed.' % (ok, n - ok)]
    for g, boot, _ in res['boots']:
        notes.append('Guest boot (%s): agent up %.1f s after QEMU start.' % (g, boot))
    walls = res['walls']
    if walls:
        notes.append('Scenario wall time (bind, EAL init, all phases, quit): max %.1f s, '
                     'total %.1f s over %d scenarios.' % (max(walls.values()),
                                                          sum(walls.values()), len(walls)))
    if a.rev:
        notes.append('Plugin built from vnet commit %s.' % a.rev)
    if a.wall:
        notes.append('Whole `vnet-vm run --all`: %.0f s.' % a.wall)
    print('\n'.join(out + notes))


if __name__ == '__main__':
    main()
