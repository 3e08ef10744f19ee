#!/usr/bin/env bash
# Check that a branch's series (patches/<branch>/) applies with `git am` to
# every release tag of that branch, and print the result as a Markdown
# table (README.md keeps a copy).
#
# usage: patches/check-tags.sh <dpdk-stable git dir> <branch> [tag...]
#   branch: 17.11, 18.11, 19.11 or 20.11; default tags: every vX.Y and
#   vX.Y.N release tag of the branch in the clone (no -rc tags)
# The git dir is a clone of DPDK/dpdk-stable (bare or not). Each tag is
# checked in a throw-away worktree under $TMPDIR; the clone itself is
# not modified except for `git worktree prune`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
die() { printf 'check-tags: error: %s\n' "$*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 <dpdk-stable git dir> <branch> [tag...]"
repo=$1 branch=$2; shift 2
[ -d "$here/$branch" ] || die "no series for branch '$branch' (patches/$branch/ does not exist)"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 ||
	die "'$repo' is not a git repository (clone DPDK/dpdk-stable first)"
if [ $# -gt 0 ]; then tags=("$@"); else
	mapfile -t tags < <(git -C "$repo" tag -l "v$branch" "v$branch.*" |
		grep -E "^v${branch//./\\.}(\\.[0-9]+)?\$" | sort -V)
	[ ${#tags[@]} -gt 0 ] || die "no v$branch tags in $repo"
fi
mapfile -t series < <(ls "$here/$branch"/*.patch)
[ ${#series[@]} -gt 0 ] || die "no patches in $here/$branch"

tmp=$(mktemp -d)
cleanup() {
	git -C "$repo" worktree remove --force "$tmp/wt" >/dev/null 2>&1 || true
	rm -rf "$tmp"
	git -C "$repo" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

pass=0 fail=0
printf '| tag | commit | git am of %d patches |\n|---|---|---|\n' "${#series[@]}"
for tag in "${tags[@]}"; do
	if ! c=$(git -C "$repo" rev-parse -q --verify "$tag^{commit}"); then
		printf '| %s | - | FAIL: no such tag |\n' "$tag"; fail=$((fail + 1)); continue
	fi
	git -C "$repo" worktree remove --force "$tmp/wt" >/dev/null 2>&1 || true
	git -C "$repo" worktree add -q --detach "$tmp/wt" "$c"
	if out=$(git -C "$tmp/wt" -c user.name=check -c user.email=check@invalid \
			am -q "${series[@]}" 2>&1); then
		# git am applies without fuzz; say whether hunks moved
		printf '| %s | %.10s | applies |\n' "$tag" "$c"; pass=$((pass + 1))
	else
		why=$(printf '%s\n' "$out" | grep -m1 -E 'patch failed|does not apply|error' || true)
		printf '| %s | %.10s | FAIL: %s |\n' "$tag" "$c" "${why:-git am failed}"
		fail=$((fail + 1))
		git -C "$tmp/wt" am --abort >/dev/null 2>&1 || true
	fi
done
printf '\n%d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
