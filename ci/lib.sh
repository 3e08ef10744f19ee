# Shared helpers for ci/ scripts. Source it; it defines functions only.

# Fixtures that are slow to make (DPDK source, patched QEMU, guest kernel)
# live here, outside the repo, keyed by their inputs.
VNET_CACHE=${VNET_CACHE:-/var/cache/vnet}

vnet_log() { printf '[vnet] %s\n' "$*" >&2; }
vnet_die() { printf '[vnet] error: %s\n' "$*" >&2; exit 1; }

# Add deb-src twins of the configured Debian deb entries, so that
# `apt-get source` works. The archive addresses are taken from the
# machine's own apt configuration, never hard-coded here.
vnet_enable_deb_src() {
	local out=/etc/apt/sources.list.d/vnet-deb-src.sources
	local f tmp
	tmp=$(mktemp)
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		[ "$f" = "$out" ] && continue
		# deb822 stanzas: keep Debian ones (signed by the archive keyring)
		awk -v RS= -v ORS='\n\n' '/debian-archive-keyring/ && /Types:[^\n]*deb/' "$f" |
			sed -E 's/^Types:.*/Types: deb-src/' >>"$tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -nE 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+)[[:space:]]+(.*)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p' \
			/etc/apt/sources.list >>"$tmp"
	fi
	if [ ! -s "$tmp" ]; then
		rm -f "$tmp"
		vnet_die "no Debian deb entries found in /etc/apt to derive deb-src from"
	fi
	if ! cmp -s "$tmp" "$out" 2>/dev/null; then
		install -m 0644 "$tmp" "$out"
		vnet_log "wrote $out"
	fi
	rm -f "$tmp"
}

# Version of the installed libdpdk-dev, e.g. 22.11.11-0+deb12u1
vnet_dpdk_deb_version() {
	dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null
}

# Unpack Debian's dpdk source package matching the installed libdpdk-dev
# into the cache and print the tree's path. The driver-SDK headers come
# from there.
vnet_dpdk_src() {
	local ver dir tree
	ver=$(vnet_dpdk_deb_version) || true
	[ -n "$ver" ] || vnet_die "libdpdk-dev is not installed; run ci/setup"
	dir=$VNET_CACHE/dpdk-src/$ver
	tree=$(ls -d "$dir"/dpdk-*/ 2>/dev/null | head -n1 || true)
	if [ -z "$tree" ] || [ ! -f "$tree/lib/ethdev/ethdev_driver.h" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		vnet_log "fetching Debian source of dpdk $ver"
		(cd "$dir" && apt-get source -qq "dpdk=$ver" >"$dir/fetch.log" 2>&1) ||
			vnet_die "apt-get source dpdk=$ver failed (see $dir/fetch.log); is deb-src enabled? run ci/setup"
		tree=$(ls -d "$dir"/dpdk-*/ | head -n1)
	fi
	printf '%s\n' "${tree%/}"
}

# Passed and failed tests of a meson JSON test log (meson-logs/testlog*.json),
# as "N M"; "0 1" when it lists no test.
vnet_meson_counts() {
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get('result') in ('OK', 'EXPECTEDFAIL'):
        ok += 1
    elif r.get('result') != 'SKIP':
        bad += 1
print(ok, bad if ok + bad else 1)
PY
}
