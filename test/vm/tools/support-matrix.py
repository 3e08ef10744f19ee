#!/usr/bin/env python3
"""Render docs/support-matrix.md from `vnet-vm run` results.json files.

usage: support-matrix.py RESULTS.json [RESULTS.json ...] [--rev REV] [--wall S] > docs/support-matrix.md

Give the net_vnet run (ci/test's matrix) and, for the baseline column, the
net_virtio run (ci/test --full); rows of both are merged.  Every cell says
what happened, failures included; a scenario that was not run says so.
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import matrix  # noqa: E402

HEADER = '''# Support matrix: net_vnet and DPDK's net_virtio in a VM

Rendered by `test/vm/tools/support-matrix.py` from the results of
`test/vm/vnet-vm run --all --driver vnet` and `--driver virtio` (what
`ci/test` and `ci/test --full` run). Every cell is a real QEMU 7.2 TCG guest
(1 vCPU, 1 GiB, 256 MiB of 2 MiB hugepages) running `dpdk-testpmd -a <BDF>`
(Debian's DPDK 22.11) with or without `-d librte_net_vnet.so`, against a host
`dpdk-testpmd --no-pci --no-huge --vdev net_vhost0,...` over vhost-user (or
OVS-DPDK, where the table says so).

What a traffic cell asserts (see `test/vm/matrix.py`):
- **port**: for net_vnet, the transport, BAR0 kind, kernel driver and BAR0
  access method from its own INFO lines equal the row's expectation; the
  negotiated feature bits (VERSION_1 iff modern, EVENT_IDX unless
  `event_idx=0`, MAC, STATUS, nothing the device did not offer); for both
  drivers the port MAC equals the one QEMU was given and the link is up;
- **phases** guest tx, host tx, and io loops of 64, 1500 and 9000-byte frames:
  fixed-length traffic whose receiving counter still rises in its last
  second, bytes equal to packets x frame size on both sides, zero guest errors and host rx errors and
  no rx_nombuf, and what one side sent minus what the other counted within
  one ring (256); net_vnet also runs `stats` (xstats equal the basic
  counters; both resets read back 0) and a 3-segment tx chain;
- **teardown**: `quit` exits 0 within 20 s; no crash signature in the guest
  testpmd, host backend or guest kernel output; nothing unexpected from QEMU.
Each guest boot also ends with a shutdown row: QEMU powered off with status 0
and the host backend quit with status 0.

Device modes (QEMU `virtio-net-pci`): modern `disable-legacy=on`; transitional
(default); legacy `disable-modern=on` (I/O BAR0); legacy-novec
`disable-modern=on,vectors=0` (no MSI-X); legacy-mmio
`disable-modern=on,legacy-bar-mmio=on` (memory BAR0, patched QEMU from
`test/vm/qemu/build`). Under intel-iommu (`q35`), modern uses
`iommu_platform=on,ats=on` behind a PCIe root port with vhost
`iommu-support=1`; the others cannot negotiate iommu_platform and run with
`--iova-mode=pa`. noiommu runs on `pc` with the kernel from
`test/vm/kernel/build` (CONFIG_VFIO_NOIOMMU).

Rates are not shown: under TCG on a shared 2-core machine they vary several
times from run to run. Speed is measured by `ci/bench`, not here.

'''

BIND_TEXT = {
    'uio': 'uio_pci_generic (`pc`)',
    'igb_uio': 'igb_uio (`pc`)',
    'vfio': 'vfio-pci + intel-iommu (`q35`)',
    'noiommu': 'vfio-pci noiommu (`pc`, vnet kernel)',
    'kernel': 'left to virtio-pci (`pc`)',
    'unbound': 'no driver (`pc`)',
}


def esc(s):
    return s.replace('|', '/')


def cell(rows):
    if not rows:
        return 'not run'
    bad = [r for r in rows if not r['ok']]
    if rows[0]['name'].endswith('/probe'):
        r = rows[0]
        if bad:
            return '**FAIL**: %s' % esc(r['why'])
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
    port = [r for r in rows if r['name'].endswith('/port')]
    how = ''
    if port and port[0].get('notes'):
        how = '; ' + port[0]['notes'][0]
    if not bad:
        return 'PASS, %d rows%s' % (len(rows), how)
    return '**FAIL** %d of %d rows: %s' % (len(bad), len(rows), esc('; '.join(
        '%s: %s' % (r['name'].split('/')[1], r['why']) for r in bad[:3])))


def load(paths):
    rows, boots, walls = [], [], {}
    for p in paths:
        with open(p) as f:
            res = json.load(f)
        rows += res['rows']
        boots += res['boots']
        walls.update(res['walls'])
    return rows, boots, walls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('results', nargs='+')
    ap.add_argument('--wall', help='wall time of the runs, for the notes')
    ap.add_argument('--rev', help='vnet commit the plugin was built from, for the notes')
    ap.add_argument('--version', action='append', default=[], metavar='DPDK=RESULTS.json',
                    help='the VM subset run with another DPDK (ci/dpdk-versions --vm); '
                         'one column per version')
    a = ap.parse_args()
    rows, boots, walls = load(a.results)
    by = collections.defaultdict(list)
    for r in rows:
        by[r['name'].split('/')[0]].append(r)
    out = [HEADER, '| device mode | binding | net_vnet (`-d librte_net_vnet.so`) | '
           'net_virtio (DPDK 22.11, in-tree) |', '| --- | --- | --- | --- |']
    for b in matrix.BINDINGS:
        for m in matrix.MATRIX_MODES:
            out.append('| %s | %s | %s | %s |' % (
                m, BIND_TEXT[b], cell(by.get('%s-%s-vnet' % (m, b))),
                cell(by.get('%s-%s-virtio' % (m, b)))))
    out += ['', '## Variants (net_vnet)', '', '| scenario | setting | result |',
            '| --- | --- | --- |']
    for v in matrix.VARIANTS:
        name = '%s-%s-vnet-%s' % (v.mode, v.binding, v.tag)
        setting = ', '.join(x for x in (
            v.devargs and 'devargs `%s`' % v.devargs,
            'QEMU `%s`' % matrix.MODES[v.mode].props,
            v.backend == 'ovs' and 'host side: OVS-DPDK `dpdkvhostuserclient` port',
            v.features and 'expects %s' % ', '.join(
                '%s %s' % (k, 'on' if on else 'off') for k, on in v.features.items()),
            'rows: ' + ' '.join(v.phases)) if x)
        out.append('| %s | %s | %s |' % (name, setting, cell(by.get(name))))
    if a.version:
        vers = []
        for spec in a.version:
            v, _, path = spec.partition('=')
            vrows = load([path])[0]
            vby = collections.defaultdict(list)
            for r in vrows:
                vby[r['name'].split('/')[0]].append(r)
            vers.append((v, vby))
        names = sorted({n for _, vby in vers for n, rs in vby.items()
                        if rs[0].get('kind') != 'harness'})
        out += ['', '## Other DPDK releases (net_vnet, each with its own testpmd)', '',
                'The plugin built against each release (`ci/dpdk-versions --vm`), that '
                "release's testpmd in the guest and as the host backend; 22.11 is the "
                'table above.', '',
                '| scenario | ' + ' | '.join(v for v, _ in vers) + ' |',
                '| --- |' + ' --- |' * len(vers)]
        for n in names:
            out.append('| %s | %s |' % (n, ' | '.join(cell(vby.get(n)) for _, vby in vers)))
    shut = [r for r in rows if r.get('kind') == 'harness']
    out += ['', 'Guest boots: %d, shutdown rows %d passed, %d failed%s.' % (
        len(shut), sum(1 for r in shut if r['ok']), sum(1 for r in shut if not r['ok']),
        ''.join('; %s: %s' % (r['name'], esc(r['why'])) for r in shut if not r['ok']))]
    out += ['', 'Notes:', '',
            '1. ' + matrix.UNBOUND_WHY.replace('|', ' or ') + '. Asserted: testpmd reports '
            'no probed ethernet device and EAL tried no driver on the BDF.',
            '2. Left to virtio-pci, net_vnet skips the device with the NOTICE shown (and is '
            'asserted to be offered the device first); EAL then tries net_virtio, which '
            'fails as shown (the same as without the plugin).', '']
    for kind, title in matrix.KIND_TITLES:
        k = [r for r in rows if r.get('kind') == kind]
        if k:
            n = sum(1 for r in k if r['ok'])
            out.append('- %s: %d passed, %d failed.' % (title, n, len(k) - n))
    n = len(rows)
    ok = sum(1 for r in rows if r['ok'])
    out.append('- All rows: %d passed, %d failed.' % (ok, n - ok))
    if walls:
        out.append('- Scenario wall time (bind, EAL init, all rows, quit): max %.1f s, '
                   'total %.0f s over %d scenarios.' % (max(walls.values()),
                                                        sum(walls.values()), len(walls)))
    if a.rev:
        out.append('- Plugin built from vnet commit %s.' % a.rev)
    if a.wall:
        out.append('- Wall time of the runs: %s.' % a.wall)
    print('\n'.join(out))


if __name__ == '__main__':
    main()
