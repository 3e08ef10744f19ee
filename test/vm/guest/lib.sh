# Guest-side helpers (bash, sourced in the guest; the share is /run/vnet).
#   vnet_agent                      run host-sent commands (ctl/N.sh) until ctl/quit
#   vnet_hugepages N                N 2 MiB hugepages, hugetlbfs on /dev/hugepages
#   vnet_bdf 00:04.0[/00.0]         slot path -> BDF (the second part: below a bridge)
#   vnet_bind BDF DRV               DRV: uio_pci_generic igb_uio vfio-pci
#                                   vfio-pci-noiommu virtio-pci none
#   vnet_driver BDF                 bound driver name, empty if none
#   vnet_tp_start NAME ARGV...      interactive testpmd; log /run/vnet/tp-NAME.log
#   vnet_tp_cmd NAME LINE           send one command
#   vnet_tp_do NAME LINE [TIMEOUT]  send, wait for the next prompt, print the output
#   vnet_tp_wait_prompt NAME [TIMEOUT]  wait for EAL init (first prompt)
#   vnet_tp_run NAME SECONDS ARGV...    standalone (ARGV has '-- -i'): start, wait, start fwd,
#                                   run SECONDS, stop, print port 0 stats, quit
#   vnet_tp_kill NAME               stop it by PID
VNET_SHARE=/run/vnet
VNET_RUN=/run/vnet-tp

vnet_log() { echo "[guest] $*" >&2; }
vnet_fail() { echo "[guest] error: $*" >&2; return 1; }

vnet_agent() {
	local n=0 t end
	local ctl=$VNET_SHARE/ctl
	# bounded: the host kills QEMU long before this, it is a last resort
	end=$(($(date +%s) + ${VNET_AGENT_MAX:-7200}))
	touch $ctl/ready
	vnet_log "agent ready at $(cut -d' ' -f1 /proc/uptime)s"
	while [ "$(date +%s)" -lt $end ]; do
		if [ -f $ctl/$n.sh ]; then
			t=$(cat $ctl/$n.timeout 2>/dev/null || echo 60)
			timeout -k 5 "$t" bash $ctl/$n.sh >$ctl/$n.out 2>&1
			echo $? >$ctl/.$n.rc && mv $ctl/.$n.rc $ctl/$n.rc
			n=$((n + 1))
		elif [ -f $ctl/quit ]; then
			break
		else
			sleep 0.1
		fi
	done
	for f in $VNET_RUN/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	vnet_log "agent done after $n commands"
}

vnet_hugepages() {
	local n=$1 f=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages got
	echo "$n" >$f || return 1
	got=$(cat $f)
	[ "$got" -ge "$n" ] || vnet_fail "only $got of $n hugepages" || return 1
	grep -q ' /dev/hugepages hugetlbfs' /proc/mounts ||
		{ mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages; }
}

vnet_bdf() {
	local p=$1 first rest bdf d
	first=${p%%/*}
	bdf=0000:$first
	rest=${p#"$first"}
	while [ -n "$rest" ]; do
		rest=${rest#/}
		d=${rest%%/*}
		rest=${rest#"$d"}
		bdf=$(cd /sys/bus/pci/devices/$bdf && ls -d 0000:??:$d 2>/dev/null | head -n1)
		[ -n "$bdf" ] || { vnet_fail "no device $d below $p"; return 1; }
	done
	[ -d /sys/bus/pci/devices/$bdf ] || { vnet_fail "no PCI device $bdf ($p)"; return 1; }
	echo "$bdf"
}

vnet_driver() {
	local l=/sys/bus/pci/devices/$1/driver
	[ -L $l ] && basename "$(readlink $l)"
	return 0
}

# Load a module unless its driver/module is already there (built-in kernels).
vnet_kmod() {
	local m=$1 d
	shift
	d=$(echo "$m" | tr - _)
	[ -d /sys/module/$d ] && return 0
	[ -d /sys/bus/pci/drivers/$m ] && return 0
	modprobe "$m" "$@" 2>/dev/null && return 0
	if [ "$m" = igb_uio ]; then
		modprobe uio 2>/dev/null
		insmod /lib/modules/$(uname -r)/updates/dkms/igb_uio.ko "$@" && return 0
	fi
	vnet_fail "cannot load kernel module $m for $(uname -r)"
}

vnet_vfio_noiommu() {
	local p=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
	[ -e $p ] || modprobe vfio enable_unsafe_noiommu_mode=1 2>/dev/null
	[ -e $p ] || { vnet_fail "this kernel has no vfio noiommu mode (CONFIG_VFIO_NOIOMMU); use test/vm/kernel/build's kernel"; return 1; }
	[ "$(cat $p)" = Y ] || echo 1 >$p
	[ "$(cat $p)" = Y ] || { vnet_fail "cannot enable vfio noiommu mode"; return 1; }
}

vnet_bind() {
	local bdf=$1 want=$2 drv dev cur got
	dev=/sys/bus/pci/devices/$bdf
	[ -d "$dev" ] || { vnet_fail "no PCI device $bdf"; return 1; }
	drv=$want
	case $want in
	vfio-pci-noiommu) vnet_vfio_noiommu || return 1; drv=vfio-pci ;;
	esac
	case $drv in
	none) ;;
	uio_pci_generic | igb_uio | vfio-pci | virtio-pci)
		vnet_kmod "$(echo $drv | sed 's/virtio-pci/virtio_pci/')" || return 1 ;;
	*) vnet_fail "unknown binding '$want' (uio_pci_generic igb_uio vfio-pci vfio-pci-noiommu virtio-pci none)"; return 1 ;;
	esac
	cur=$(vnet_driver $bdf)
	[ "$cur" = "$drv" ] && return 0
	echo "$drv" >$dev/driver_override
	[ -n "$cur" ] && echo "$bdf" >$dev/driver/unbind
	[ "$drv" = none ] || echo "$bdf" >/sys/bus/pci/drivers_probe
	got=$(vnet_driver $bdf)
	[ "$got" = "${drv#none}" ] || { vnet_fail "$bdf: bound to '${got}', wanted '$drv'"; return 1; }
	vnet_log "$bdf bound to ${got:-no driver}"
}

vnet_tp_start() {
	local name=$1
	shift
	local fifo=$VNET_RUN/$name.fifo log=$VNET_SHARE/tp-$name.log ex=$VNET_SHARE/tp-$name.exit
	local in=$VNET_SHARE/tp-$name.in
	mkdir -p $VNET_RUN
	rm -f "$fifo" "$ex" "$log"
	: >"$in"
	mkfifo "$fifo"
	echo "$ $*" >"$log.cmd"
	# Commands are lines appended to tp-NAME.in (by the host over 9p, or by
	# vnet_tp_cmd); the feeder tails that file into testpmd's stdin and keeps
	# the fifo open, so testpmd never reads EOF. 9p has no inotify: poll.
	setsid bash -c 'exec tail ---disable-inotify -n +1 -s 0.1 -f "$1" >"$2"' _ "$in" "$fifo" &
	echo $! >$VNET_RUN/$name.holder
	setsid bash -c '
		stdbuf -o0 -e0 "${@:4}" <"$1" >"$2" 2>&1 &
		echo $! >"'$VNET_RUN/$name'.pid"
		wait $!
		rc=$?
		kill "$(cat "'$VNET_RUN/$name'.holder")" 2>/dev/null
		echo $rc >"$3.tmp" && mv "$3.tmp" "$3"
	' _ "$fifo" "$log" "$ex" "$@" </dev/null >/dev/null 2>&1 &
	vnet_log "testpmd $name started"
}

vnet_tp_cmd() {
	local name=$1 line=$2
	[ -f $VNET_SHARE/tp-$name.exit ] && { vnet_fail "testpmd $name has exited"; return 1; }
	echo "$line" >>$VNET_SHARE/tp-$name.in
}

vnet_tp_prompts() {
	grep -o 'testpmd> ' "$VNET_SHARE/tp-$1.log" 2>/dev/null | wc -l
}

# Wait (bounded) until the log shows more than N prompts.
vnet_tp_wait_n() {
	local name=$1 n=$2 t=${3:-120} end
	end=$(($(date +%s) + t))
	while [ "$(vnet_tp_prompts $name)" -le "$n" ]; do
		[ -f $VNET_SHARE/tp-$name.exit ] && { vnet_fail "testpmd $name exited"; return 1; }
		[ "$(date +%s)" -lt $end ] || { vnet_fail "testpmd $name: no prompt after ${t}s"; return 1; }
		sleep 0.2
	done
}

vnet_tp_wait_prompt() { vnet_tp_wait_n "$1" 0 "${2:-120}"; }

vnet_tp_do() {
	local name=$1 line=$2 t=${3:-30} n size
	n=$(vnet_tp_prompts $name)
	size=$(stat -c %s $VNET_SHARE/tp-$name.log)
	vnet_tp_cmd "$name" "$line" || return 1
	vnet_tp_wait_n "$name" "$n" "$t" || return 1
	tail -c +$((size + 1)) $VNET_SHARE/tp-$name.log
}

vnet_tp_kill() {
	local name=$1 p
	for p in $VNET_RUN/$name.pid $VNET_RUN/$name.holder; do
		[ -f $p ] && kill "$(cat $p)" 2>/dev/null
	done
	sleep 1
	[ -f $VNET_RUN/$name.pid ] && kill -9 "$(cat $VNET_RUN/$name.pid)" 2>/dev/null
	return 0
}

vnet_tp_run() {
	local name=$1 secs=$2
	shift 2
	vnet_tp_start "$name" "$@" || return 1
	vnet_tp_wait_prompt "$name" 180 || { vnet_tp_kill "$name"; return 1; }
	vnet_tp_do "$name" "start" || return 1
	sleep "$secs"
	vnet_tp_do "$name" "stop" 60
	vnet_tp_do "$name" "show port stats 0"
	vnet_tp_cmd "$name" "quit"
}
