#!/usr/bin/env bash
# Build an old DPDK LTS tree (17.11, 18.11, 19.11 or 20.11), out of tree,
# with only what patches/verify_vm.py runs: testpmd and proc-info, net_virtio
# over bus/pci, the ring mempool. The binaries must run on TCG's CPU model.
#
#   branch | build | how
#   17.11  | make  | x86_64-native-linuxapp-gcc, RTE_MACHINE=nhm, every PMD but virtio off
#   18.11  | make  | same
#   19.11  | meson | -Dmachine=nehalem, every driver but the four off, ninja of the two apps
#   20.11  | meson | same
#
# gcc 12 warns a lot in these old trees, so warnings are not errors
# (make: -Wno-error; meson: werror off, its default). Instead the build log
# is kept and verify.sh compares the warnings in the files the series
# touches before and after.
#
# usage: patches/build.sh <branch> <dpdk-tree> <build-dir>
# Leaves <build-dir>/testpmd and <build-dir>/proc-info (symlinks to the
# binaries), build.log and .vnet-built (seconds taken). A finished build is
# not rebuilt.
set -euo pipefail

die() { printf 'build: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: $0 <branch> <dpdk-tree> <build-dir>"
branch=$1
src=$(cd "$2" 2>/dev/null && pwd) || die "DPDK tree '$2' does not exist"
out=$3

if [ -f "$out/.vnet-built" ] && [ -x "$out/testpmd" ] && [ -x "$out/proc-info" ]; then
	printf 'build: %s already built (%ss)\n' "$out" "$(cat "$out/.vnet-built")" >&2
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/build.log
jobs=${VNET_JOBS:-$(nproc)}
start=$(date +%s)

build_make() {
	make -C "$src" config T=x86_64-native-linuxapp-gcc O="$out/b"
	# Every net/crypto/event/raw/bbdev PMD and hardware mempool off but
	# virtio and the ring mempool: the old make build has no "only these"
	# switch, and the PMDs are most of its time.
	sed -i -E \
		-e 's/^(CONFIG_RTE_LIBRTE_[A-Z0-9_]*_PMD)=y/\1=n/' \
		-e 's/^(CONFIG_RTE_LIBRTE_PMD_[A-Z0-9_]*)=y/\1=n/' \
		-e 's/^(CONFIG_RTE_LIBRTE_[A-Z0-9_]*_MEMPOOL)=y/\1=n/' \
		-e 's/^CONFIG_RTE_LIBRTE_VIRTIO_PMD=.*/CONFIG_RTE_LIBRTE_VIRTIO_PMD=y/' \
		-e 's/^CONFIG_RTE_MACHINE=.*/CONFIG_RTE_MACHINE="nhm"/' \
		-e 's/^CONFIG_RTE_EAL_IGB_UIO=.*/CONFIG_RTE_EAL_IGB_UIO=n/' \
		-e 's/^CONFIG_RTE_KNI_KMOD=.*/CONFIG_RTE_KNI_KMOD=n/' \
		-e 's/^CONFIG_RTE_PROC_INFO=.*/CONFIG_RTE_PROC_INFO=y/' \
		-e 's/^CONFIG_RTE_(APP_TEST|APP_CRYPTO_PERF|APP_EVENTDEV|TEST_BBDEV|APP_COMPRESS_PERF)=.*/CONFIG_RTE_\1=n/' \
		"$out/b/.config"
	# Bounded: a wedged compiler must not hang CI forever.
	timeout 3600 make -C "$src" O="$out/b" -j"$jobs" \
		EXTRA_CFLAGS="-Wno-error -fcommon -Wno-address-of-packed-member" \
		HOST_EXTRA_CFLAGS="-Wno-error"
	ln -sf b/app/testpmd "$out/testpmd"
	ln -sf b/app/dpdk-procinfo "$out/proc-info"
}

build_meson() {
	local keep=' bus/pci bus/vdev mempool/ring net/virtio ' off=() d name
	for d in "$src"/drivers/*/*/meson.build; do
		d=${d%/meson.build}
		name=${d#"$src"/drivers/}
		case $keep in *" $name "*) continue ;; esac
		off+=("$name")
	done
	local IFS=,
	meson setup "$out/b" "$src" -Dmachine=nehalem -Dtests=false -Denable_kmods=false \
		-Dexamples= -Ddisable_drivers="${off[*]}"
	unset IFS
	timeout 3600 ninja -C "$out/b" -j"$jobs" app/dpdk-testpmd app/dpdk-proc-info
	ln -sf b/app/dpdk-testpmd "$out/testpmd"
	ln -sf b/app/dpdk-proc-info "$out/proc-info"
}

case $branch in
17.11 | 18.11) [ -f "$src/config/defconfig_x86_64-native-linuxapp-gcc" ] ||
	die "'$src' is not a DPDK $branch tree (no x86_64-native-linuxapp-gcc config)"
	build_make >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "make build of $src failed (log: $log)"; } ;;
19.11 | 20.11) [ -f "$src/meson.build" ] || die "'$src' is not a DPDK $branch tree (no meson.build)"
	build_meson >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "meson build of $src failed (log: $log)"; } ;;
*) die "branch '$branch' is not one of 17.11 18.11 19.11 20.11" ;;
esac
[ -x "$out/testpmd" ] && [ -x "$out/proc-info" ] ||
	die "build of $src produced no testpmd/proc-info (log: $log)"
echo $(( $(date +%s) - start )) >"$out/.vnet-built"
printf 'build: built %s in %ss\n' "$out" "$(cat "$out/.vnet-built")" >&2
