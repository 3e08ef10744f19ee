#!/usr/bin/env bash
# The CI of the backport series (ci/test group "backport"), every run:
#   1. for each branch, `git am` patches/<branch>/ onto the files it touches,
#      taken from the release tarball in ../shared/dpdk/ (no build), and
#      lint the series with patches/check;
#   2. for each branch whose unpatched and patched builds are already in
#      $VNET_CACHE (patches/verify.sh --build-only made them), the full
#      patches/verify.sh in VMs; a branch with no cached build is skipped
#      and named, so a cold CI run never builds an old DPDK.
# usage: patches/ci.sh [--no-vm]
#   VNET_BACKPORT_VM="17.11 20.11" limits step 2 to those branches (default:
#   all four; each takes about 4 to 5 minutes of VM time).
# Ends with "N passed, N failed, N skipped" (one row per branch for step 1,
# plus verify.sh's own rows for step 2).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$repo/ci/lib.sh"

# branch -> the release tarball CI checks it against (the latest tag)
BRANCHES=(17.11:17.11.10 18.11:18.11.11 19.11:19.11.14 20.11:20.11.10)
tarballs=${VNET_DPDK_TARBALLS:-$repo/../shared/dpdk}
vm=1
[ "${1:-}" = --no-vm ] && vm=0
pass=0 fail=0 skip=0
# One VM job at a time on this machine: VNET_VM_LOCK names the lock file
# (empty: the caller already holds it), as in ci/dpdk-versions.
vm_lock=${VNET_VM_LOCK-/tmp/vnet-vm.lock}
vm_locked() {
	if [ -n "$vm_lock" ]; then flock -w 3600 "$vm_lock" "$@"; else "$@"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

apply_one() { # <branch> <version>: git am onto the touched files of the tarball
	local b=$1 v=$2 tb=$tarballs/dpdk-$2.tar.xz d=$tmp/$1
	local series=("$here/$b"/*.patch) files
	[ -f "$tb" ] || { echo "no tarball $tb"; return 1; }
	mapfile -t files < <(sed -nE 's@^diff --git a/(\S+) b/.*@\1@p' "${series[@]}" | sort -u)
	mkdir -p "$d"
	tar -C "$d" -xJf "$tb" --strip-components=1 --wildcards "${files[@]/#/*/}" || return 1
	(cd "$d" && git init -q && git add -A &&
		git -c user.name=ci -c user.email=ci@invalid commit -qm "v$v (touched files)" &&
		git -c user.name=ci -c user.email=ci@invalid am -q "${series[@]}") || return 1
	echo "git am of ${#series[@]} patches onto v$v: applies ($(git -C "$d" diff --shortstat "HEAD~${#series[@]}"))"
}

for bv in "${BRANCHES[@]}"; do
	b=${bv%%:*} v=${bv#*:}
	t=$(date +%s)
	if out=$(apply_one "$b" "$v" 2>&1) && lint=$(python3 "$here/check" "$here/$b" 2>&1); then
		echo "PASS $b: $out; patches/check: $(tail -n1 <<<"$lint") ($(($(date +%s) - t)) s)"
		pass=$((pass + 1))
	else
		echo "FAIL $b: ${out:-} ${lint:-}"
		fail=$((fail + 1))
	fi
done

for bv in "${BRANCHES[@]}"; do
	b=${bv%%:*} v=${bv#*:}
	[ "$vm" = 1 ] || { echo "SKIP $b VM rows: --no-vm"; skip=$((skip + 1)); continue; }
	case " ${VNET_BACKPORT_VM:-17.11 18.11 19.11 20.11} " in *" $b "*) ;; *)
		echo "SKIP $b VM rows: not in VNET_BACKPORT_VM"; skip=$((skip + 1)); continue ;;
	esac
	src=$VNET_CACHE/dpdk-backport/tarsrc/dpdk-$v
	if [ ! -d "$src" ]; then
		mkdir -p "$src.tmp" && tar -C "$src.tmp" -xJf "$tarballs/dpdk-$v.tar.xz" --strip-components=1 &&
			mv "$src.tmp" "$src"
	fi
	"$here/verify.sh" --if-cached --build-only "$src" >"$tmp/vcheck-$b.log" 2>&1
	rc=$?
	if [ "$rc" = 77 ]; then
		echo "SKIP $b VM rows: no cached build (patches/verify.sh --build-only $src makes one)"
		skip=$((skip + 1))
		continue
	fi
	echo "== $b: patches/verify.sh $src (cached builds)"
	vm_locked "$here/verify.sh" --if-cached "$src" >"$tmp/verify-$b.log" 2>&1
	rc=$?
	cat "$tmp/verify-$b.log"
	read -r p f s < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/verify-$b.log" | tail -n1 |
		sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' |
		awk '{ print $1, $2, ($3 == "" ? 0 : $3) }')
	if [ -z "${p:-}" ]; then p=0 f=1 s=0; fi
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
