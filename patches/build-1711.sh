#!/usr/bin/env bash
# Build a DPDK 17.11 tree with make, out of tree, the way verify.sh needs it:
# target x86_64-native-linuxapp-gcc, CONFIG_RTE_MACHINE="nhm" (so the
# binaries run on TCG's CPU model), kernel modules off (igb_uio comes from
# Debian's dpdk-kmods-dkms; the host kernel headers do not fit 17.11's KNI),
# and the flags gcc 12 needs for 17.11 code (also for the host tool
# pmdinfogen, which 17.11 builds with -Werror).
#
# usage: patches/build-1711.sh <dpdk-17.11-tree> <build-dir>
# Leaves <build-dir>/app/testpmd; writes <build-dir>/build.log and
# <build-dir>/.vnet-built (seconds taken) on success. A finished build is
# not rebuilt.
set -euo pipefail

die() { printf 'build-1711: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 <dpdk-17.11-tree> <build-dir>"
src=$(cd "$1" 2>/dev/null && pwd) || die "DPDK tree '$1' does not exist"
out=$2
[ -f "$src/config/defconfig_x86_64-native-linuxapp-gcc" ] ||
	die "'$src' is not a DPDK 17.11 tree (no config/defconfig_x86_64-native-linuxapp-gcc)"

if [ -f "$out/.vnet-built" ] && [ -x "$out/app/testpmd" ]; then
	printf 'build-1711: %s already built (%ss)\n' "$out" "$(cat "$out/.vnet-built")" >&2
	exit 0
fi

rm -rf "$out"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
log=$out.log
jobs=${VNET_JOBS:-$(nproc)}
start=$(date +%s)
{
	make -C "$src" config T=x86_64-native-linuxapp-gcc O="$out"
	cfg=$out/.config
	sed -i -E \
		-e 's/^CONFIG_RTE_MACHINE=.*/CONFIG_RTE_MACHINE="nhm"/' \
		-e 's/^CONFIG_RTE_EAL_IGB_UIO=.*/CONFIG_RTE_EAL_IGB_UIO=n/' \
		-e 's/^CONFIG_RTE_KNI_KMOD=.*/CONFIG_RTE_KNI_KMOD=n/' \
		"$cfg"
	# Bounded: a wedged compiler must not hang CI forever.
	timeout 3600 make -C "$src" O="$out" -j"$jobs" \
		EXTRA_CFLAGS="-Wno-error -fcommon -Wno-address-of-packed-member" \
		HOST_EXTRA_CFLAGS="-Wno-error"
} >"$log" 2>&1 || { tail -n 30 "$log" >&2; die "build of $src failed (full log: $log)"; }
[ -x "$out/app/testpmd" ] || die "build of $src produced no app/testpmd (log: $log)"
mv "$log" "$out/build.log"
echo $(( $(date +%s) - start )) >"$out/.vnet-built"
printf 'build-1711: built %s in %ss\n' "$out" "$(cat "$out/.vnet-built")" >&2
