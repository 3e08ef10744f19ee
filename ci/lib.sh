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

# Run one meson test suite honestly: old results are deleted first, the
# number of results must equal the number of registered tests, and meson's
# exit status must agree with its JSON.  Prints "P F S NOTE" (passed, failed,
# skipped, what disagreed); the suite's output goes to the file $4.
#   vnet_meson_suite BUILD_DIR SUITE LOGBASE LOG
vnet_meson_suite() {
	local b=$1 suite=$2 base=$3 log=$4 json want rc
	json=$b/meson-logs/$base.json
	rm -f "$json" "$b/meson-logs/$base.txt" "$log"
	want=$(meson test -C "$b" --list --suite "$suite" 2>/dev/null | grep -c " / ")
	meson test -C "$b" --suite "$suite" --print-errorlogs --num-processes 1 \
		--logbase "$base" >"$log" 2>&1
	rc=$?
	if [ ! -f "$json" ]; then
		echo "0 1 0 no result file $json"
		return
	fi
	/usr/bin/python3 - "$json" "$want" "$rc" <<'PY'
import json, sys
ok = bad = skip = 0
for line in open(sys.argv[1]):
    res = json.loads(line).get('result')
    if res in ('OK', 'EXPECTEDFAIL'):
        ok += 1
    elif res == 'SKIP':
        skip += 1
    else:
        bad += 1
want, rc = int(sys.argv[2]), int(sys.argv[3])
notes = []
got = ok + bad + skip
if got != want:
    bad += 1
    notes.append('%d results for %d registered tests' % (got, want))
if rc != 0 and bad == 0:
    bad = 1
    notes.append('meson exit status %d with no failure in its results' % rc)
elif rc == 0 and bad:
    notes.append('meson exit status 0 despite failures')
print(ok, bad, skip, '; '.join(notes))
PY
}
