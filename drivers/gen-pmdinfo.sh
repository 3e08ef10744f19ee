#!/bin/sh
# Run DPDK's pmdinfogen on the objects of a static archive, the way DPDK's
# own build does, so dpdk-pmdinfo.py can read the PMD's ids and kmod deps.
# usage: gen-pmdinfo.sh <pmdinfogen.py> <archive.a> <output.c>
set -eu
gen=$1 archive=$2 out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objs=
# meson makes thin archives: members are paths, not contents.
for m in $(ar t "$archive"); do
	if [ -f "$m" ]; then
		objs="$objs $m"
	else
		(cd "$tmp" && ar x "$(realpath "$OLDPWD/$archive")" "$m")
		objs="$objs $tmp/$m"
	fi
done
# shellcheck disable=SC2086
# Debian's python3 has python3-pyelftools; a pyenv python on PATH may not.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
"$py" "$gen" elf $objs "$out"
