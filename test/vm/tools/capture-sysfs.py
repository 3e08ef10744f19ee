#!/usr/bin/env python3
"""Capture the sysfs/procfs files vnet-doctor reads, from real guests, as trees.

Each tree is what `vnet-doctor --root TREE` reads: for every virtio-net PCI
device, sys/bus/pci/devices/<BDF>/{vendor,device,subsystem_*,config (256
bytes),resource,numa_node}, its driver and iommu_group links and its kernel
interface (virtioN/net/<if>/flags, sys/class/net/<if>/operstate); for the
system, sys/class/iommu, the ACPI DMAR/IVRS table names, sys/kernel/iommu_groups,
sys/module/<vfio, uio...>, hugepages, lockdown, proc/{cmdline,mounts,
sys/kernel/osrelease,self/status} and the few lines of modules.dep,
modules.builtin and /boot/config-<release> that matter.  Symlinks keep only
the last path component that vnet-doctor reads.

    flock /tmp/vnet-vm.lock test/vm/tools/capture-sysfs.py [--out DIR] [TREE...]

Trees are data (TREES below); boots whose fixture (patched QEMU, noiommu
kernel) is not cached yet are skipped with a message, never built here.
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import vmlib  # noqa: E402

OUT = os.path.join(vmlib.HERE, '..', 'unit', 'data', 'sysfs')

# boot -> machine setup.  nics: (name, virtio-net-pci properties, slot, root port)
BOOTS = {
    # live: a NIC with no backend, for the kernel's virtio_net (which makes
    # this QEMU crash on the vhost-user NICs, so those never meet it)
    'pc': dict(machine='pc', append='', pre=[], qemu=None, kernel=None,
               nics=[('modern', 'disable-legacy=on', 4, None),
                     ('transitional', '', 5, None),
                     ('legacy', 'disable-modern=on', 6, None)],
               extra=[('live', 'virtio-net-pci,addr=0x7,mac=52:54:00:00:00:30', '00:07.0')]),
    'q35': dict(machine='q35', append='intel_iommu=on',
                pre=['intel-iommu,intremap=on,caching-mode=on,device-iotlb=on'],
                qemu=None, kernel=None,
                nics=[('modern', 'disable-legacy=on,iommu_platform=on,ats=on', None, 9),
                      ('legacy', 'disable-modern=on', 6, None)]),
    # the same vIOMMU, no intel_iommu= on the guest's command line
    'q35-off': dict(machine='q35', append='',
                    pre=['intel-iommu,intremap=on,caching-mode=on,device-iotlb=on'],
                    qemu=None, kernel=None,
                    nics=[('modern', 'disable-legacy=on,iommu_platform=on,ats=on', None, 9)]),
    'noiommu': dict(machine='pc', append='vfio.enable_unsafe_noiommu_mode=1', pre=[],
                    qemu=None, kernel='noiommu',
                    nics=[('modern', 'disable-legacy=on', 4, None),
                          ('legacy', 'disable-modern=on', 6, None)]),
    'mmio': dict(machine='pc', append='', pre=[], qemu='patched', kernel=None,
                 nics=[('legacy-mmio', 'disable-modern=on,legacy-bar-mmio=on', 8, None)]),
}

# tree -> (boot, guest bash run before copying; $modern etc. are the BDFs).
# Every tree holds the boot's vhost-user NICs; virtio-pci-up also the live one.
TREES = {
    'virtio-pci-up': ('pc', 'for b in $modern $transitional $legacy; do vnet_bind $b none; done && '
                            'modprobe virtio_net && sleep 2 && vnet_hugepages 64 && '
                            'ip link set "$(ls /sys/bus/pci/devices/$live/virtio*/net)" up'),
    'uio': ('pc', 'for b in $modern $transitional $legacy; do vnet_bind $b uio_pci_generic; done'),
    'no-hugepages': ('pc', 'echo 0 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages && '
                           'umount /dev/hugepages'),
    # vfio-pci's probe fails with -EINVAL without a group: the device stays unbound
    'no-iommu-group': ('pc', 'vnet_hugepages 64; modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/$modern/driver_override; '
                             'echo $modern > /sys/bus/pci/devices/$modern/driver/unbind; '
                             'echo $modern > /sys/bus/pci/drivers_probe 2>/dev/null; '
                             'dmesg | grep -i vfio | tail -n 3; true'),
    'q35-viommu': ('q35', 'vnet_hugepages 64 && for b in $modern $legacy; do vnet_bind $b vfio-pci; done'),
    'q35-no-cmdline': ('q35-off', 'vnet_hugepages 64'),
    'noiommu': ('noiommu', 'vnet_hugepages 64 && for b in $modern $legacy; do '
                           'vnet_bind $b vfio-pci-noiommu; done'),
    'legacy-mmio': ('mmio', 'vnet_hugepages 64 && vnet_bind ${legacy_mmio} uio_pci_generic'),
}

CAPTURE = r'''
cap() {   # cap OUT BDF...: copy what vnet-doctor reads into OUT
	local out=$1 b d o g v n i f m rel t
	shift
	rm -rf "$out"
	mkdir -p "$out/sys/kernel/iommu_groups" "$out/sys/class/iommu" "$out/proc/sys/kernel" \
		"$out/proc/self" "$out/sys/bus/pci/drivers"
	for b in "$@"; do
		d=/sys/bus/pci/devices/$b
		o=$out$d
		mkdir -p "$o"
		for f in vendor device subsystem_vendor subsystem_device class resource numa_node; do
			cat $d/$f >$o/$f
		done
		head -c 256 $d/config >$o/config
		[ -L $d/driver ] && ln -s ../../drivers/$(basename "$(readlink $d/driver)") $o/driver
		[ -L $d/iommu_group ] &&
			ln -s ../../../../kernel/iommu_groups/$(basename "$(readlink $d/iommu_group)") $o/iommu_group
		for v in $d/virtio*; do
			[ -d $v/net ] || continue
			for n in $v/net/*; do
				i=$(basename $n)
				mkdir -p $o/$(basename $v)/net/$i $out/sys/class/net/$i
				cat $n/flags >$o/$(basename $v)/net/$i/flags
				cat $n/operstate >$out/sys/class/net/$i/operstate
			done
		done
	done
	for g in /sys/kernel/iommu_groups/*; do
		[ -d "$g" ] || continue
		mkdir -p $out$g
		[ -f $g/name ] && cat $g/name >$out$g/name
	done
	for u in /sys/class/iommu/*; do [ -e "$u" ] && mkdir -p $out$u; done
	for t in DMAR IVRS; do
		[ -e /sys/firmware/acpi/tables/$t ] &&
			mkdir -p $out/sys/firmware/acpi/tables && : >$out/sys/firmware/acpi/tables/$t
	done
	for m in vfio vfio_pci vfio_iommu_type1 uio uio_pci_generic igb_uio virtio_pci virtio_net; do
		[ -d /sys/module/$m ] || continue
		mkdir -p $out/sys/module/$m
		[ -f /sys/module/$m/initstate ] && cat /sys/module/$m/initstate >$out/sys/module/$m/initstate
	done
	f=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
	[ -f $f ] && mkdir -p $out${f%/*} && cat $f >$out$f
	for h in /sys/kernel/mm/hugepages/hugepages-*; do
		[ -d "$h" ] || continue
		mkdir -p $out$h
		cat $h/nr_hugepages >$out$h/nr_hugepages
		cat $h/free_hugepages >$out$h/free_hugepages
	done
	f=/sys/kernel/security/lockdown
	[ -f $f ] && mkdir -p $out${f%/*} && cat $f >$out$f
	cat /proc/cmdline >$out/proc/cmdline
	grep -E ' (proc|sysfs|hugetlbfs|devtmpfs) ' /proc/mounts >$out/proc/mounts
	cat /proc/sys/kernel/osrelease >$out/proc/sys/kernel/osrelease
	grep -E '^(Name|Uid|Gid|Cap)' /proc/self/status >$out/proc/self/status
	rel=$(uname -r)
	mkdir -p $out/lib/modules/$rel $out/boot
	for t in modules.dep modules.builtin; do
		grep -E '/(vfio|vfio-pci|vfio_iommu_type1|uio|uio_pci_generic|igb_uio)\.ko' \
			/lib/modules/$rel/$t >$out/lib/modules/$rel/$t 2>/dev/null
	done
	grep -E 'CONFIG_VFIO_NOIOMMU' /boot/config-$rel >$out/boot/config-$rel 2>/dev/null
	true
}
'''


def fixture(kind):
    """Path of a cached fixture, or None (never builds: that is the harness's job)."""
    if kind == 'patched':
        c = glob.glob(os.path.join(vmlib.VNET_CACHE, 'qemu', '*', 'qemu-system-x86_64'))
    else:
        c = glob.glob(os.path.join(vmlib.VNET_CACHE, 'kernel', '*', 'bzImage'))
    return c[0] if c else None


def boot_and_capture(boot, trees, out, log):
    spec = BOOTS[boot]
    qemu = 'qemu-system-x86_64'
    if spec['qemu']:
        qemu = fixture(spec['qemu'])
    kpath = fixture(spec['kernel']) if spec['kernel'] else None
    if (spec['qemu'] and not qemu) or (spec['kernel'] and not kpath):
        log('[capture] %s: fixture not cached (run test/vm/%s/build): skipping %s'
            % (boot, 'qemu' if spec['qemu'] else 'kernel', ', '.join(trees)))
        return []
    k = vmlib.find_kernel(kpath)
    ird = vmlib.build_initramfs(k, log=log)
    wd = tempfile.mkdtemp(prefix='vnet-capsys-%s-' % boot)
    log('[capture] %s: booting (%s, kernel %s)' % (boot, qemu, k.path))
    sockdir = tempfile.mkdtemp(prefix='vcs-')
    ports = [vmlib.VhostPort(n, iommu='iommu_platform' in props) for n, props, _, _ in spec['nics']]
    host = vmlib.HostBackend(wd, ports, sockdir=sockdir)
    nics = [vmlib.Nic(p, props, addr=slot or 4, root_port=rp)
            for p, (_, props, slot, rp) in zip(ports, spec['nics'])]
    g = None
    done = []
    try:
        host.start()
        extra = spec.get('extra', [])
        g = vmlib.Guest(wd, k, ird, nics, qemu=qemu, machine=spec['machine'],
                        append=spec['append'], pre_devices=spec['pre'],
                        extra_devices=[dev for _, dev, _ in extra])
        # virtio_net must stay loadable for the live-interface tree
        argv = g.argv
        g.argv = lambda: [x.replace('module_blacklist=virtio_net ', '') for x in argv()]
        g.start()
        g.wait_agent()
        env = ''
        paths = [(name, n.path) for (name, _, _, _), n in zip(spec['nics'], nics)]
        for name, path in paths + [(name, path) for name, _, path in extra]:
            _, o = g.run('vnet_bdf %s' % path, 15)
            env += '%s=%s\n' % (name.replace('-', '_'), o.strip().splitlines()[-1])
        for t in trees:
            bdfs = ' '.join('$' + n.replace('-', '_') for n, _, _, _ in spec['nics'])
            if t == 'virtio-pci-up':
                bdfs += ' ' + ' '.join('$' + name for name, _, _ in extra)
            rc, o = g.run(env + TREES[t][1], 60, check=False)
            log('[capture] %s: setup rc=%d %s' % (t, rc, o.strip()[-300:]))
            g.run(env + CAPTURE + 'cap %s %s' % ('tree-' + t, bdfs), 60)
            dst = os.path.join(out, t)
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(os.path.join(g.share, 'tree-' + t), dst, symlinks=True)
            # git keeps no empty directory: list them (check-doctor.py makes them)
            empty = sorted(os.path.relpath(d, dst) for d, subdirs, files in os.walk(dst)
                           if not subdirs and not files)
            with open(os.path.join(dst, 'EMPTY_DIRS'), 'w') as f:
                f.write(''.join(e + '\n' for e in empty))
            done.append(t)
            log('[capture] %s -> %s' % (t, dst))
    finally:
        if g:
            g.shutdown()
        host.stop()
        if done == trees:
            shutil.rmtree(wd, ignore_errors=True)
        else:
            log('[capture] %s: logs kept in %s' % (boot, wd))
        shutil.rmtree(sockdir, ignore_errors=True)
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=OUT)
    ap.add_argument('trees', nargs='*', help='default: all of %s' % ', '.join(TREES))
    a = ap.parse_args()
    want = a.trees or list(TREES)
    bad = [t for t in want if t not in TREES]
    if bad:
        sys.exit('capture-sysfs: unknown tree %s (known: %s)' % (', '.join(bad), ', '.join(TREES)))
    vmlib.install_signal_handlers()
    os.makedirs(a.out, exist_ok=True)
    done = []
    for boot in BOOTS:
        trees = [t for t in want if TREES[t][0] == boot]
        if trees:
            done += boot_and_capture(boot, trees, a.out, lambda m: print(m, flush=True))
    print('captured %d of %d trees: %s' % (len(done), len(want), ', '.join(done)))
    return 0 if len(done) == len(want) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except vmlib.VMError as e:
        sys.exit('capture-sysfs: %s' % e)
