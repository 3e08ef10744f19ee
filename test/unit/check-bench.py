#!/usr/bin/python3
"""Check ci/bench's arithmetic on made-up runs (no VM): per-row medians,
the pair ratios, each driver's spread, notifies and syscalls per 1000
packets, the WARNING header and --check's verdict. TAP output.

usage: check-bench.py <repo>/test/vm
"""
import sys

sys.path.insert(0, sys.argv[1])
import bench  # noqa: E402


class Tap:
    n = failed = 0

    def __call__(self, cond, what):
        self.n += 1
        self.failed += not cond
        print('%s %d - %s' % ('ok' if cond else 'not ok', self.n, what))


ok = Tap()


def run(drv, i, mpps, kicks=0, xk=None, traffic='loop'):
    return {'mode': 'modern', 'binding': 'uio', 'traffic': traffic, 'size': 64,
            'driver': drv, 'run': i, 'host_mpps': mpps, 'guest_mpps': mpps,
            'guest_pkts': 100000, 'eventfd_kicks': kicks, 'xstat_kicks': xk, 'fails': []}


# vnet 1.0, 1.2, 1.1 against virtio 1.0, 1.0, 2.0: pair ratios 1.0, 1.2, 0.55
runs = [run('vnet', 0, 1.0, 2, 2), run('virtio', 0, 1.0),
        run('vnet', 1, 1.2, 2, 2), run('virtio', 1, 1.0),
        run('vnet', 2, 1.1, 2, 2), run('virtio', 2, 2.0),
        run('vnet', 0, 0.9, traffic='guest-tx'), run('virtio', 0, 1.0, traffic='guest-tx')]
sysruns = [{'mode': 'modern', 'binding': 'uio', 'traffic': 'loop', 'size': 64,
            'driver': 'vnet', 'syscalls': 50, 'guest_pkts': 100000},
           {'mode': 'modern', 'binding': 'uio', 'driver': 'virtio', 'missing': 'no io'}]
rows = bench.rows_of(runs, sysruns)
ok(len(rows) == 2, 'one row per (mode, binding, traffic, size): %d' % len(rows))
r = rows[0]
ok([round(x, 2) for x in r['pairs']] == [1.0, 1.2, 0.55], 'pair ratios %s' % r['pairs'])
ok(abs(r['ratio'] - 1.0) < 1e-9, 'median ratio %s, want 1.0' % r['ratio'])
ok(abs(r['vnet']['host_mpps'] - 1.1) < 1e-9, 'vnet median %s' % r['vnet']['host_mpps'])
ok(abs(r['virtio']['spread'] - 1.0) < 1e-9, 'virtio spread (2-1)/1 = %s' % r['virtio']['spread'])
ok(abs(r['vnet']['spread'] - 0.2 / 1.1) < 1e-9, 'vnet spread %s' % r['vnet']['spread'])
ok(abs(r['vnet']['notify_k'] - 0.02) < 1e-9, 'vnet notifies/1k %s' % r['vnet']['notify_k'])
ok(abs(r['vnet']['xstat_k'] - 0.02) < 1e-9, 'vnet xstat kicks/1k %s' % r['vnet']['xstat_k'])
ok(r['virtio']['xstat_k'] is None, 'no xstat kicks for net_virtio')
ok(abs(r['vnet']['sys_k'] - 0.5) < 1e-9, 'vnet syscalls/1k %s' % r['vnet']['sys_k'])
ok(r['virtio']['sys_k'] is None, 'a cell without io accounting has no syscall figure')
low = bench.below_target(rows)
ok([x['traffic'] for x in low] == ['guest-tx'], '--check fails only the 0.9 row: %s'
   % [x['traffic'] for x in low])
meta = {'valid': False, 'why_invalid': 'load', 'date': 'd', 'runs': 3, 'seconds': 1.5,
        'loadavg': '2.0', 'others_max': 2.0, 'wall_s': 1.0}
md = bench.table(rows, meta)
ok(md.startswith('**WARNING'), 'an invalid run says WARNING first')
ok(bench.LABEL in md, 'the table carries the TCG label')
ok('| 1.00 | 0.55..1.20 |' in md, 'ratio and pair range in the table')
meta['valid'] = True
ok('WARNING' not in bench.table(rows, meta), 'a valid run has no WARNING')
print('1..%d' % ok.n)
sys.exit(1 if ok.failed else 0)
