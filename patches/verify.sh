#!/usr/bin/env bash
# Verify a backport series against a DPDK LTS tree (17.11, 18.11, 19.11 or
# 20.11), end to end:
#   1. copy the tree (it is never modified) and `git am` patches/<branch>/
#      onto the copy;
#   2. build the tree as given and the patched copy (patches/build.sh;
#      cached), and compare the warnings in the files the series touches;
#   3. run the VM scenarios with both builds in the guest
#      (patches/verify_vm.py) and print the before/after table and
#      "N passed, N failed, N skipped".
#
# usage: patches/verify.sh [--if-cached] [--build-only] [--scenarios a,b]
#                          [--seconds S] <dpdk-tree>
#   --if-cached   exit 77 (and say so) unless both builds are already cached
#   --build-only  stop after the builds and the warning check
#   other options go to verify_vm.py (see its --help)
#
# Cache: $VNET_CACHE/dpdk-backport/v<version>-<tree hash>-orig-<build hash>/build
#        $VNET_CACHE/dpdk-backport/v<version>-<tree hash>-<series hash>-<build hash>/{src,build}
# The tree hash covers the tree's files (not .git), the series hash the
# patches' diffs, the build hash build.sh, so a changed input never reuses a build.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$repo/ci/lib.sh"

tree= if_cached=0 build_only=0
vm_args=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sed -n '2,24p' "$0"; exit 0 ;;
	--if-cached) if_cached=1; shift ;;
	--build-only) build_only=1; shift ;;
	--*=*) vm_args+=("$1"); shift ;;
	--list) vm_args+=("$1"); shift ;;
	--*) [ $# -ge 2 ] || vnet_die "option $1 needs a value"; vm_args+=("$1" "$2"); shift 2 ;;
	*) [ -z "$tree" ] || vnet_die "more than one tree given ('$tree' and '$1')"; tree=$1; shift ;;
	esac
done
case " ${vm_args[*]} " in *" --list "*)
	exec python3 "$here/verify_vm.py" --list ;;
esac
[ -n "$tree" ] || vnet_die "usage: $0 [options] <dpdk-tree>"
[ -d "$tree" ] || vnet_die "DPDK tree '$tree' does not exist"
tree=$(cd "$tree" && pwd)
# 19.11 and later keep the version in VERSION, older trees in rte_version.h
vh=$tree/lib/librte_eal/common/include/rte_version.h
if [ -f "$tree/VERSION" ]; then
	IFS=. read -r y m minor _ <"$tree/VERSION"
	branch=$y.$m
elif [ -f "$vh" ]; then
	ver_of() { sed -nE "s/^#define RTE_VER_$1 ([0-9]+).*/\1/p" "$vh"; }
	branch="$(ver_of YEAR).$(ver_of MONTH)"
	minor=$(ver_of MINOR)
else
	vnet_die "'$tree' is not a DPDK 17.11 to 20.11 tree (no VERSION, no rte_version.h)"
fi
minor=${minor%%[!0-9]*}
case $branch in
17.11 | 18.11 | 19.11 | 20.11) ;;
*) vnet_die "'$tree' is DPDK $branch.$minor; the series are for 17.11, 18.11, 19.11 and 20.11" ;;
esac
ver=$branch
[ "${minor:-0}" = 0 ] || ver=$ver.$minor

# Reject bad VM options now, not after a 10-minute build
python3 "$here/verify_vm.py" --check-args --branch "$branch" "${vm_args[@]}" ||
	vnet_die "bad options for verify_vm.py: ${vm_args[*]} (see patches/verify_vm.py --help)"

mapfile -t series < <(ls "$here/$branch"/*.patch)
[ ${#series[@]} -gt 0 ] || vnet_die "no patches in $here/$branch"
tools=(git gcc python3)
case $branch in 17.11 | 18.11) tools+=(make) ;; *) tools+=(meson ninja) ;; esac
for t in "${tools[@]}"; do
	command -v "$t" >/dev/null || vnet_die "$t is missing; run ci/setup (ci/packages/backport.txt)"
done

t0=$(date +%s)
# Inputs -> cache keys
tree_hash=$(cd "$tree" && find . -path ./.git -prune -o -path './x86_64-*' -prune -o \
	-path ./build -prune -o -type f -print0 | LC_ALL=C sort -z |
	xargs -0 sha256sum | sha256sum | cut -c1-10)
# only the diffs: a reworded commit message builds the same code
series_hash=$(for p in "${series[@]}"; do sed -n '/^---$/,$p' "$p"; done | sha256sum | cut -c1-12)
build_hash=$(sha256sum <"$here/build.sh" | cut -c1-8)
cache=$VNET_CACHE/dpdk-backport
orig=$cache/v$ver-$tree_hash-orig-$build_hash
patched=$cache/v$ver-$tree_hash-$series_hash-$build_hash
if [ "$if_cached" = 1 ]; then
	for d in "$orig" "$patched"; do
		[ -f "$d/build/.vnet-built" ] || {
			vnet_log "verify: DPDK $ver: no cached build $d/build; not running (build it with patches/verify.sh --build-only $tree)"
			exit 77
		}
	done
fi
mkdir -p "$cache"
exec 9>"$cache/.lock-v$ver"
flock -w 3600 9 || vnet_die "timed out waiting for $cache/.lock-v$ver"

if [ ! -f "$patched/src/.vnet-applied" ]; then
	rm -rf "$patched/src" "$patched/src.tmp"
	mkdir -p "$patched/src.tmp"
	(cd "$tree" && tar --exclude=./.git --exclude='./x86_64-*' --exclude=./build -cf - .) |
		tar -C "$patched/src.tmp" -xf -
	vnet_log "applying ${#series[@]} patches with git am in $patched/src"
	(
		cd "$patched/src.tmp"
		git init -q && git add -A && git -c user.name=verify -c user.email=verify@invalid \
			commit -q -m "DPDK $ver as given ($tree)"
		git -c user.name=verify -c user.email=verify@invalid am -q "${series[@]}"
	) >"$patched/apply.log" 2>&1 || {
		cat "$patched/apply.log" >&2
		rm -rf "$patched/src.tmp"
		vnet_die "patches/$branch does not apply to $tree (DPDK $ver); see patches/README.md for the trees it fits"
	}
	git -C "$patched/src.tmp" log --oneline "HEAD~${#series[@]}..HEAD" >"$patched/src.tmp/.vnet-applied"
	mv "$patched/src.tmp" "$patched/src"
fi
vnet_log "series applied: $(wc -l <"$patched/src/.vnet-applied") patches"

vnet_log "building DPDK $ver as given, then patched (patches/build.sh $branch)"
"$here/build.sh" "$branch" "$tree" "$orig/build"
"$here/build.sh" "$branch" "$patched/src" "$patched/build"
exec 9>&-
t_build=$(date +%s)
printf '[vnet] DPDK %s builds: unpatched %ss, patched %ss (cold times; 0 wait when cached), total wait %ss\n' \
	"$ver" "$(cat "$orig/build/.vnet-built")" "$(cat "$patched/build/.vnet-built")" $((t_build - t0)) >&2

# Warnings in the files the series touches, without line numbers (they move
# with the patch): the patched build may not add one.
mapfile -t touched < <(sed -nE 's@^diff --git a/(\S+) b/.*@\1@p' "${series[@]}" | sort -u)
warnings() { # <build.log>
	local f
	for f in "${touched[@]}"; do
		grep -E "(^|/)${f//./\\.}:[0-9]+:[0-9]+: warning:" "$1" |
			sed -E "s@^.*(${f//./\\.}):[0-9]+:[0-9]+:@\1:@" || true
	done | sort -u
}
warnings "$orig/build/build.log" >"$patched/warnings-before.txt"
warnings "$patched/build/build.log" >"$patched/warnings-after.txt"
new=$(comm -13 "$patched/warnings-before.txt" "$patched/warnings-after.txt")
printf '[vnet] DPDK %s warnings in the %d touched files: %d before, %d after, %d new\n' "$ver" \
	${#touched[@]} "$(wc -l <"$patched/warnings-before.txt")" \
	"$(wc -l <"$patched/warnings-after.txt")" "$(printf '%s' "$new" | grep -c . || true)" >&2
[ -z "$new" ] || { printf '%s\n' "$new" >&2; vnet_die "the series adds compiler warnings (above)"; }
[ "$build_only" = 0 ] || exit 0

python3 "$here/verify_vm.py" --branch "$branch" --label "DPDK $ver ($tree)" --minor "${minor:-0}" \
	--before "$orig/build/testpmd" --after "$patched/build/testpmd" "${vm_args[@]}"
