# tests/integration/lib/common.sh  Helpers for integration tests that run the real daemon.
# Sourced by tests/integration/*.sh and tests/interop/*.sh; ctest sets
# LK_LATCHKEYD and LK_LATCHKEY.  lib/netns.sh and lib/baresip.sh build on it.
#
# One vocabulary for every script: the words of a test itself are plain
# (check, ok, not_ok, wait_for, in_range); every helper that starts, stops
# or asks something is lk_*: lk_start / lk_ns_start NAME, lk_wait_log NAME
# ERE [SECONDS] [MIN], lk_has_log, lk_ns_stop, lk_ngq, lk_legs (leg data
# always from the JSON of an ng query, never from CLI text).
set -euo pipefail

: "${LK_LATCHKEYD:?run through ctest, which sets LK_LATCHKEYD}"
: "${LK_LATCHKEY:?run through ctest, which sets LK_LATCHKEY}"

LK_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)	# this folder
LK_TMP=$(mktemp -d /tmp/lk-itest.XXXXXX)
LK_PIDS=()
LK_NAMESPACES=()	# network namespaces lk_ns_add made; deleted at exit
LK_WATCHDOG=		# the PID of lk_watchdog's timer, while it runs
lk_failures=0
lk_checks=0

# Everything this test started goes, whatever the exit path.  Each step
# tolerates failure: under "set -e" one "wait" on a killed process (status
# 143) would otherwise end the cleanup there, leaving the rest behind.
lk_cleanup() {
	local p ns
	lk_watchdog_end
	for p in "${LK_PIDS[@]:-}"; do
		{ [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; } ||
			true
	done
	lk_ns_kill
	for ns in "${LK_NAMESPACES[@]:-}"; do
		[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$LK_TMP"
}
trap lk_cleanup EXIT

ok() { lk_checks=$((lk_checks + 1)); printf 'ok   %s\n' "$*"; }
not_ok() {
	lk_checks=$((lk_checks + 1))
	lk_failures=$((lk_failures + 1))
	printf 'FAIL %s\n' "$*"
}
check() {	# check "description" command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# --- processes by NAME and their logs -----------------------------------------
# Every process a test starts has a NAME; its output goes to $LK_TMP/NAME.log
# and its PID to pid[NAME] (lk_start here, lk_ns_start in lib/netns.sh).
# Log patterns are extended regular expressions (grep -E) everywhere.

declare -A pid=()	# NAME -> PID of each process this test started
declare -A status=()	# NAME -> exit status, once stopped (lk_ns_stop)
order=()		# names lk_ns_start started; lk_ns_stop_all stops them in reverse

# Start latchkeyd in the background; its stderr goes to $LK_TMP/NAME.log.
lk_start() {	# lk_start NAME latchkeyd-args...
	local name=$1
	shift
	"$LK_LATCHKEYD" "$@" 2>"$LK_TMP/$name.log" &
	LK_PIDS+=($!)
	LK_LAST_PID=$!
	pid[$name]=$!
}

# Any other program in the background, stdout and stderr to $LK_TMP/NAME.log.
lk_start_prog() {	# lk_start_prog NAME CMD...
	local name=$1
	shift
	"$@" >"$LK_TMP/$name.log" 2>&1 </dev/null &
	LK_PIDS+=($!)
	pid[$name]=$!
}

lk_alive() { kill -0 "${pid[$1]:-none}" 2>/dev/null; }	# lk_alive NAME

lk_has_log() { grep -Eq -- "$2" "$LK_TMP/$1.log" 2>/dev/null; }	# NAME ERE
lk_count_log() { grep -Ec -- "$2" "$LK_TMP/$1.log" 2>/dev/null || true; }
lk_logsize() { stat -c %s "$LK_TMP/$1.log"; }	# lk_logsize NAME: an OFFSET
# NAME's log from byte OFFSET on matches ERE.
lk_has_log_since() { tail -c +$(($2 + 1)) "$LK_TMP/$1.log" | grep -Eq -- "$3"; }

# NAME's log has MIN lines matching ERE, or NAME was started by this test
# and has exited (its log is then final: no use waiting).
lk_logged_or_gone() {	# lk_logged_or_gone NAME ERE MIN
	local n
	[ -z "${pid[$1]:-}" ] || lk_alive "$1" || return 0
	n=$(lk_count_log "$1" "$2")
	[ "${n:-0}" -ge "$3" ]
}
# Wait (at most SECONDS, 10) until NAME's log has MIN (1) lines matching
# ERE; on a timeout, or when NAME exited first, say what the log has.
lk_wait_log() {	# lk_wait_log NAME ERE [SECONDS] [MIN]
	local min=${4:-1} n
	wait_for "${3:-10}" lk_logged_or_gone "$1" "$2" "$min" || true
	n=$(lk_count_log "$1" "$2")
	[ "${n:-0}" -ge "$min" ] && return 0
	echo "--- $1.log has ${n:-0} line(s) matching /$2/, wanted $min; last lines:"
	tail -n 15 "$LK_TMP/$1.log" 2>/dev/null
	return 1
}

lk_stop() {	# lk_stop PID: SIGTERM, bounded wait, then SIGKILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# Is PROTO (tcp|udp) ADDR:PORT bound by PID?
lk_bound() {	# lk_bound PID tcp|udp ADDR:PORT
	ss -Hlnp -A tcp,udp 2>/dev/null | awk -v p="$2" -v a="$3" \
		'$1 == p && $5 == a' | grep -q "pid=$1,"
}

# How many TCP and UDP addresses (protocol, address, port) PID has bound:
# the multiplexed media ports count once, though with more than one worker
# each worker holds a socket on them (SO_REUSEPORT, docs/architecture.md).
lk_nbound() {	# lk_nbound PID
	ss -Hlnp -A tcp,udp 2>/dev/null | grep "pid=$1," |
		awk '{print $1, $5}' | sort -u | wc -l
}

# Run a command every 0.1 s until it succeeds or SECONDS of wall time pass
# (the command itself may take time: the deadline is on the clock).
wait_for() {	# wait_for SECONDS CMD...
	local deadline=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

in_range() {	# in_range VALUE LO HI
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# After SECONDS, say so and SIGTERM this shell: the test's TERM trap turns
# that into its cleanup, which ends the watchdog if it is still waiting.
lk_watchdog() {	# lk_watchdog SECONDS
	{ sleep "$1" && echo "FAIL watchdog: still running after ${1}s" &&
		kill -TERM $$; } 2>/dev/null &
	LK_WATCHDOG=$!
}
# Ending its sleep ends the chain, after which it exits by itself.
lk_watchdog_end() {
	local p i
	[ -n "$LK_WATCHDOG" ] && [ "$BASHPID" = $$ ] || return 0
	for p in $(ps -o pid= --ppid "$LK_WATCHDOG" 2>/dev/null); do
		kill "$p" 2>/dev/null || true
	done
	for ((i = 0; i < 10; i++)); do
		kill -0 "$LK_WATCHDOG" 2>/dev/null || break
		sleep 0.1
	done
	kill "$LK_WATCHDOG" 2>/dev/null || true
	wait "$LK_WATCHDOG" 2>/dev/null || true
	LK_WATCHDOG=
}

# --- network namespaces of this run's own --------------------------------------
# Each is named PREFIX-PID or PREFIX-PID-ROLE, PID being the test's, so
# that one left by a killed run can be told from a running one's.

lk_ns_add() {	# lk_ns_add NAME: a namespace with lo up, deleted at exit
	ip netns add "$1" || return 1
	LK_NAMESPACES+=("$1")
	ip -n "$1" link set lo up
}

# Namespaces PREFIX-PID[-ROLE] that a killed run left behind (its PID is
# gone) are deleted; a running test's are left alone.
lk_ns_reap() {	# lk_ns_reap PREFIX
	local ns p
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' |
		    grep -E "^$1-[0-9]+(-[a-z0-9]+)?\$" || true); do
		p=${ns#"$1"-}
		p=${p%%-*}
		kill -0 "$p" 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
	done
}

# Anything still running in a namespace of ours was started by this test.
lk_ns_kill() {
	local ns p
	for ns in "${LK_NAMESPACES[@]:-}"; do
		[ -n "$ns" ] || continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
	done
}

lk_done() {
	printf '%d passed, %d failed\n' $((lk_checks - lk_failures)) \
		"$lk_failures"
	[ "$lk_failures" -eq 0 ]
}

# Keep the kernel from handing ports of RANGE ("51000-51999") to client
# sockets as ephemeral source ports, so that a test's fixed listening
# ports inside Linux's ephemeral range (32768-60999) cannot be taken by a
# parallel test's outgoing connection.  Only inside a network namespace of
# its own (ctest run under `ip netns exec`), whose sysctls are its own;
# on the host's namespace it changes nothing.  Adds to what is reserved.
lk_reserve_ports() {	# lk_reserve_ports RANGE
	local f=/proc/sys/net/ipv4/ip_local_reserved_ports cur
	[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] ||
		return 0
	[ -w "$f" ] || return 0
	(
		flock 9
		cur=$(cat "$f")
		case ",$cur," in *",$1,"*) exit 0 ;; esac
		echo "${cur:+$cur,}$1" >"$f"
	) 9>"/tmp/lk-reserved-ports.$(readlink /proc/self/ns/net | tr -dc 0-9).lock" ||
		true
}
