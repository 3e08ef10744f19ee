#!/usr/bin/env python3
"""Capture real virtio-net-pci config spaces from a guest for the unit tests.

Boots one guest with one NIC per device mode, binds each NIC to
uio_pci_generic (what the smoke test uses), and copies
/sys/bus/pci/devices/<BDF>/{config,resource} plus `lspci -vvv -xxxx` into
OUTDIR (default test/unit/data).  --qemu with the patched QEMU adds legacy-mmio.
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import vmlib  # noqa: E402

MODES = [('modern', 'disable-legacy=on'),
         ('transitional', ''),
         ('legacy', 'disable-modern=on'),
         ('legacy-novec', 'disable-modern=on,vectors=0')]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--out', default=os.path.join(vmlib.HERE, '..', 'unit', 'data'))
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--mmio', action='store_true', help='also legacy-mmio (patched QEMU)')
    a = ap.parse_args()
    modes = list(MODES)
    if a.mmio:
        modes.append(('legacy-mmio', 'disable-modern=on,legacy-bar-mmio=on'))
    vmlib.install_signal_handlers()
    k = vmlib.find_kernel()
    ird = vmlib.build_initramfs(k)
    wd = tempfile.mkdtemp(prefix='vnet-capture-')
    host = vmlib.HostBackend(wd, [vmlib.VhostPort(m) for m, _ in modes])
    g = None
    try:
        host.start()
        nics = [vmlib.Nic(host.ports[i], p, addr=4 + i) for i, (_, p) in enumerate(modes)]
        g = vmlib.Guest(wd, k, ird, nics, qemu=a.qemu)
        g.start()
        g.wait_agent()
        for (name, _), n in zip(modes, nics):
            g.run('b=$(vnet_bdf %s) && vnet_bind $b uio_pci_generic && '
                  'cat /sys/bus/pci/devices/$b/config > %s.bin && '
                  'cat /sys/bus/pci/devices/$b/resource > %s.resource && '
                  'lspci -vvv -xxxx -s $b > %s.lspci' % (n.path, name, name, name))
        os.makedirs(a.out, exist_ok=True)
        for name, _ in modes:
            for ext in ('bin', 'resource', 'lspci'):
                shutil.copy(os.path.join(g.share, '%s.%s' % (name, ext)), a.out)
        with open(os.path.join(wd, 'qemu.cmd')) as f:
            cmd = f.read()
        with open(os.path.join(a.out, 'qemu.cmd'), 'w') as f:
            f.write(cmd)
        print('captured %s into %s' % (', '.join(m for m, _ in modes), a.out))
    finally:
        if g:
            g.shutdown()
        host.stop()
    shutil.rmtree(wd, ignore_errors=True)


if __name__ == '__main__':
    try:
        main()
    except vmlib.VMError as e:
        sys.exit('capture-config: %s' % e)
