#!/bin/bash
# tests/integration/kfwd_modes.sh  [Media] Kernel forwarding: auto falls back and says why, on refuses, a killed daemon leaves no program.
#
# Needs root (it makes a network namespace of its own and drops to nobody
# for the unprivileged cases); skipped (77) otherwise.  Every latchkeyd
# here runs in that namespace, so the eBPF program only ever attaches to
# its lo.  What the fast path forwards is tested by test_kfwd.

. "$(dirname "$0")/lib/common.sh"
set +e

[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
command -v setpriv >/dev/null || { echo "skipped: needs setpriv"; exit 77; }
lk_watchdog 120

ns=lk-kfm-$$
lk_ns_reap lk-kfm
lk_ns_add "$ns" || { echo "skipped: cannot make a namespace"; exit 77; }
chmod a+rx "$LK_TMP"
# nobody binds the default ports below 1024 (H.323 1719, 1720) in here.
ip netns exec "$ns" sysctl -qw net.ipv4.ip_unprivileged_port_start=0

conf() {	# conf MODE: a configuration nobody can read too
	printf '[TURN]\nTURN services = no\n[Media]\nKernel forwarding = %s\n' \
		"$1" >"$LK_TMP/$1.conf"
	chmod a+r "$LK_TMP/$1.conf"
	echo "$LK_TMP/$1.conf"
}
ping_ng() { ip netns exec "$ns" "$LK_LOADGEN" --ng 127.0.0.1:2223 --ping 5 \
	>/dev/null 2>&1; }
as_nobody() { ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$@"; }

# 1. on, without privilege: no start, and the reason.
as_nobody "$LK_LATCHKEYD" --config "$(conf on)" 2>"$LK_TMP/on.log"
rc=$?
check "on without privilege: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "on without privilege: says why" grep -q \
	"Kernel forwarding = on: cannot load the eBPF program: Operation not permitted (needs root, or CAP_BPF and CAP_NET_ADMIN)" \
	"$LK_TMP/on.log"

# 2. auto, without privilege: starts, forwards in user space, says so once.
# Not through as_nobody: a function in the background is a subshell, and
# $! would be its PID, not the daemon's (ip netns exec and setpriv exec).
ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$LK_LATCHKEYD" --config "$(conf auto)" 2>"$LK_TMP/auto.log" &
LK_PIDS+=($!)
p=$!
check "auto without privilege: starts and answers ng" wait_for 10 ping_ng
check "auto without privilege: one warning with the reason" [ "$(grep -c \
	'latchkeyd\[warning\] media: kernel forwarding off: cannot load the eBPF program: Operation not permitted' \
	"$LK_TMP/auto.log")" -eq 1 ]
lk_stop "$p"

# 3. auto as root: on; SIGKILL leaves no program attached (a tcx link
#    dies with its last descriptor), so nothing forwards after a crash.
ip netns exec "$ns" "$LK_LATCHKEYD" --config "$(conf auto)" \
	2>"$LK_TMP/root.log" &
LK_PIDS+=($!)
p=$!
check "auto as root: starts" wait_for 10 ping_ng
check "auto as root: kernel forwarding on" grep -q \
	'media: kernel forwarding on' "$LK_TMP/root.log"
id=$(sed -n 's/.*kernel forwarding on: .*(program id \([0-9]*\)).*/\1/p' \
	"$LK_TMP/root.log")
if command -v bpftool >/dev/null && [ -n "$id" ]; then
	check "auto as root: program $id is loaded" \
		bpftool prog show id "$id"
	kill -KILL "$p"
	wait "$p" 2>/dev/null
	gone() { ! bpftool prog show id "$id" >/dev/null 2>&1; }
	check "after SIGKILL program $id is gone" wait_for 5 gone
else
	not_ok "auto as root: no program id in the log, or no bpftool"
	lk_stop "$p"
fi

lk_done
