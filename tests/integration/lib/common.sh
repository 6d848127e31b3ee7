# tests/integration/lib/common.sh  Helpers for integration tests that run the real daemon.
# Sourced by tests/integration/*.sh; ctest sets LK_LATCHKEYD and LK_LATCHKEY.
set -euo pipefail

: "${LK_LATCHKEYD:?run through ctest, which sets LK_LATCHKEYD}"
: "${LK_LATCHKEY:?run through ctest, which sets LK_LATCHKEY}"

LK_TMP=$(mktemp -d /tmp/lk-itest.XXXXXX)
LK_PIDS=()
lk_failures=0
lk_checks=0

lk_cleanup() {
	local p
	for p in "${LK_PIDS[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
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

# Start latchkeyd in the background; its stderr goes to $LK_TMP/NAME.log.
lk_start() {	# lk_start NAME latchkeyd-args...
	local name=$1
	shift
	"$LK_LATCHKEYD" "$@" 2>"$LK_TMP/$name.log" &
	LK_PIDS+=($!)
	LK_LAST_PID=$!
}

# Wait (bounded) until the log holds a line matching the pattern.
lk_wait_log() {	# lk_wait_log NAME PATTERN [SECONDS]
	local i
	for ((i = 0; i < ${3:-10} * 10; i++)); do
		grep -q -- "$2" "$LK_TMP/$1.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "--- $1.log:"; cat "$LK_TMP/$1.log"
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

# How many TCP listeners and UDP sockets PID holds.
lk_nbound() {	# lk_nbound PID
	ss -Hlnp -A tcp,udp 2>/dev/null | grep -c "pid=$1," || true
}

lk_done() {
	printf '%d passed, %d failed\n' $((lk_checks - lk_failures)) \
		"$lk_failures"
	[ "$lk_failures" -eq 0 ]
}
