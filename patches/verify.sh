#!/usr/bin/env bash
# Verify the 17.11 series against a DPDK 17.11 tree, end to end:
#   1. copy the tree twice (it is never modified) and `git am` the series
#      onto one copy;
#   2. build both copies with make (patches/build-1711.sh; cached);
#   3. run the backport VM scenarios with both testpmds in the guest
#      (patches/verify_vm.py) and print the before/after table and
#      "N passed, N failed".
#
# usage: patches/verify.sh [--scenarios a,b] [--seconds S] <dpdk-17.11-tree>
#        (other options are passed to verify_vm.py; see its --help)
#
# Cache: $VNET_CACHE/dpdk-1711/v<version>-<tree hash>-orig/ and
#        $VNET_CACHE/dpdk-1711/v<version>-<tree hash>-<series hash>/
#        each with src/ (the copy), build/ (make O=) and build/build.log.
# The tree hash covers the tree's files (not .git), the series hash the
# patch files and build-1711.sh, so a changed input never reuses a build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$repo/ci/lib.sh"

tree=
vm_args=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	--*=*) vm_args+=("$1"); shift ;;
	--list) vm_args+=("$1"); shift ;;
	--*) [ $# -ge 2 ] || vnet_die "option $1 needs a value"; vm_args+=("$1" "$2"); shift 2 ;;
	*) [ -z "$tree" ] || vnet_die "more than one tree given ('$tree' and '$1')"; tree=$1; shift ;;
	esac
done
[ -n "$tree" ] || vnet_die "usage: $0 [options] <dpdk-17.11-tree>"
[ -d "$tree" ] || vnet_die "DPDK tree '$tree' does not exist"
tree=$(cd "$tree" && pwd)
vh=$tree/lib/librte_eal/common/include/rte_version.h
[ -f "$vh" ] && [ -f "$tree/config/defconfig_x86_64-native-linuxapp-gcc" ] ||
	vnet_die "'$tree' is not a DPDK 17.11 tree (no rte_version.h / x86_64-native-linuxapp-gcc config)"
ver_of() { sed -nE "s/^#define RTE_VER_$1 ([0-9]+).*/\1/p" "$vh"; }
ver="$(ver_of YEAR).$(ver_of MONTH)"
minor=$(ver_of MINOR)
[ "$ver" = 17.11 ] || vnet_die "'$tree' is DPDK $ver.$minor, not 17.11; give a 17.11 tree"
[ "${minor:-0}" = 0 ] || ver=$ver.$minor

# Reject bad VM options now, not after a 10-minute build
python3 "$here/verify_vm.py" --check-args "${vm_args[@]}" ||
	vnet_die "bad options for verify_vm.py: ${vm_args[*]} (see patches/verify_vm.py --help)"
case " ${vm_args[*]} " in *" --list "*)
	exec python3 "$here/verify_vm.py" --list ;;
esac

mapfile -t series < <(ls "$here"/17.11/*.patch)
[ ${#series[@]} -gt 0 ] || vnet_die "no patches in $here/17.11"
for t in git make gcc python3; do
	command -v $t >/dev/null || vnet_die "$t is missing; run ci/setup (ci/packages/backport.txt)"
done

t0=$(date +%s)
# Inputs -> cache keys
tree_hash=$(cd "$tree" && find . -path ./.git -prune -o -path './x86_64-*' -prune -o \
	-path ./build -prune -o -type f -print0 | LC_ALL=C sort -z |
	xargs -0 sha256sum | sha256sum | cut -c1-10)
series_hash=$(cat "${series[@]}" "$here/build-1711.sh" | sha256sum | cut -c1-12)
base=$VNET_CACHE/dpdk-1711/v$ver-$tree_hash
mkdir -p "$VNET_CACHE/dpdk-1711"
exec 9>"$VNET_CACHE/dpdk-1711/.lock"
flock -w 3600 9 || vnet_die "timed out waiting for $VNET_CACHE/dpdk-1711/.lock"

copy_tree() { # <dest>: a clean copy of the tree (no .git, no build output)
	rm -rf "$1.tmp" && mkdir -p "$1.tmp"
	(cd "$tree" && tar --exclude=./.git --exclude='./x86_64-*' --exclude=./build -cf - .) |
		tar -C "$1.tmp" -xf -
	mv "$1.tmp" "$1"
}

orig=$base-orig
patched=$base-$series_hash
if [ ! -d "$orig/src" ]; then
	vnet_log "copying $tree to $orig/src"
	mkdir -p "$orig" && copy_tree "$orig/src"
fi
if [ ! -f "$patched/src/.vnet-applied" ]; then
	rm -rf "$patched/src"
	mkdir -p "$patched"
	copy_tree "$patched/src"
	vnet_log "applying ${#series[@]} patches with git am in $patched/src"
	(
		cd "$patched/src"
		git init -q && git add -A && git -c user.name=verify -c user.email=verify@invalid \
			commit -q -m "DPDK $ver as given ($tree)"
		git -c user.name=verify -c user.email=verify@invalid am -q "${series[@]}"
	) >"$patched/apply.log" 2>&1 || {
		cat "$patched/apply.log" >&2
		rm -rf "$patched/src"
		vnet_die "the series does not apply to $tree (DPDK $ver); see patches/README.md for the trees it fits"
	}
	git -C "$patched/src" log --oneline "HEAD~${#series[@]}..HEAD" >"$patched/src/.vnet-applied"
fi
vnet_log "series applied: $(wc -l <"$patched/src/.vnet-applied") patches"

for d in "$orig" "$patched"; do
	vnet_log "building $(basename "$d") (make, x86_64-native-linuxapp-gcc, RTE_MACHINE=nhm)"
	"$here/build-1711.sh" "$d/src" "$d/build"
done
exec 9>&-
t_build=$(date +%s)
printf '[vnet] builds: unpatched %ss, patched %ss (cold times; 0 wait when cached), total wait %ss\n' \
	"$(cat "$orig/build/.vnet-built")" "$(cat "$patched/build/.vnet-built")" $((t_build - t0)) >&2

python3 "$here/verify_vm.py" --label "DPDK $ver ($tree)" --minor "${minor:-0}" \
	--before "$orig/build/app/testpmd" --after "$patched/build/app/testpmd" "${vm_args[@]}"
