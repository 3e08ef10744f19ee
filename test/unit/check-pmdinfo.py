#!/usr/bin/python3
"""Check what dpdk-pmdinfo.py reads from the built plugin: the driver name,
its PCI ids, its kmod dependency and its devargs. TAP output.

usage: check-pmdinfo.py librte_net_vnet.so [dpdk-pmdinfo.py of the DPDK built against]
"""
import json
import subprocess
import sys

WANT_IDS = {('1af4', '1000'), ('1af4', '1041')}
WANT_KMOD = '* igb_uio | uio_pci_generic | vfio-pci'

n = failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    failed += not cond
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, what))


tool = sys.argv[2] if len(sys.argv) > 2 else '/usr/bin/dpdk-pmdinfo.py'
out = subprocess.run(['/usr/bin/python3', tool, sys.argv[1]],
                     capture_output=True, text=True, timeout=60)
ok(out.returncode == 0, 'dpdk-pmdinfo.py runs (%s)' % out.stderr.strip()[-200:])
info = json.loads(out.stdout or '[]')
vnet = [d for d in info if d.get('name') == 'net_vnet']
ok(len(vnet) == 1, 'lists net_vnet once (got %s)' % [d.get('name') for d in info])
d = vnet[0] if vnet else {}
ids = {(i.get('vendor'), i.get('device')) for i in d.get('pci_ids', [])}
ok(ids == WANT_IDS, 'PCI ids 1af4:1000 and 1af4:1041 (got %s)' % sorted(ids))
ok(d.get('kmod') == WANT_KMOD, 'kmod dependency %r (got %r)' % (WANT_KMOD, d.get('kmod')))
for key in ('force_legacy', 'event_idx', 'speed', 'legacy_io'):
    ok(key in d.get('params', ''), 'devarg %s is advertised' % key)
print('1..%d' % n)
sys.exit(1 if failed else 0)
