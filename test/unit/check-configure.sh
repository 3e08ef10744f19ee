#!/bin/sh
# Bad -Ddpdk input fails at configure time with a message that says what to
# do. TAP output. usage: check-configure.sh <source dir>
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# expect <name> <message substring> <meson setup args...>
expect() {
	name=$1 want=$2
	shift 2
	n=$((n + 1))
	rm -rf "$tmp/b"
	out=$(VNET_CACHE="$tmp/no-cache" timeout 120 meson setup "$tmp/b" "$src" -Dtests=false "$@" 2>&1)
	rc=$?
	if [ "$rc" != 0 ] && printf '%s' "$out" | grep -qF -- "$want"; then
		echo "ok $n - $name: fails with \"$want\""
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: want failure with \"$want\" (rc=$rc)"
		printf '%s\n' "$out" | grep -E 'ERROR|error' | sed 's/^/#   /'
	fi
}

# A prefix whose libdpdk.pc is the system one: 22.11 without the SDK headers
# (and no source tree, as the cache is empty); then the same, from the future.
pc=$(pkg-config --variable=pcfiledir libdpdk)
mkdir -p "$tmp/nosdk/lib/pkgconfig" "$tmp/future/lib/pkgconfig"
cp "$pc"/libdpdk.pc "$pc"/libdpdk-libs.pc "$tmp/nosdk/lib/pkgconfig/"
for f in libdpdk.pc libdpdk-libs.pc; do
	sed 's/^Version: .*/Version: 26.03.0/' "$pc/$f" >"$tmp/future/lib/pkgconfig/$f"
done

expect "version without a build" "DPDK 21.11 is not one ci/build-dpdk builds" -Ddpdk=21.11
expect "prefix without DPDK" "no libdpdk.pc under $tmp/none" -Ddpdk="$tmp/none"
expect "DPDK without driver-SDK headers" "lacks the driver-SDK header" -Ddpdk="$tmp/nosdk"
expect "and says how to get them" "-Denable_driver_sdk=true" -Ddpdk="$tmp/nosdk"
expect "release the compat table lacks" "is not a release vnet knows (22.11, 23.11, 24.11, 25.11)" \
	-Ddpdk="$tmp/future"
echo "1..$n"
[ "$failed" = 0 ]
