#!/bin/bash
# tests/integration/daemon_cli.sh  latchkeyd's own messages: options, configuration errors and warnings.
#
# Nothing here binds a port: --check-config and bad command lines stop
# before.  Every check runs; the script fails at the end if any did.

. "$(dirname "$0")/lib/common.sh"
set +e		# each check runs; lk_done fails the script at the end

LKD=$LK_LATCHKEYD
tmp=$LK_TMP
rc=0

fail() { not_ok "$*"; }

run() {	# run ARGS...: stdout in $tmp/out, stderr in $tmp/err, status in $rc
	"$LKD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

expect_rc() {
	[ "$rc" -eq "$1" ] ||
		fail "$2: exit status $rc, expected $1; stderr: $(head -3 "$tmp/err")"
}

conf() {
	printf '%b' "$2" >"$tmp/$1"
	echo "$tmp/$1"
}

# A log line: time, latchkeyd[LEVEL], subsystem.
LOGRE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z latchkeyd\[(error|warning|info|debug)\] [a-z0-9]+: '

# --- Command line: latchkey's style -------------------------------------

run --bogus
expect_rc 2 "--bogus"
[ "$(cat "$tmp/err")" = "latchkeyd: unknown option '--bogus'; see 'latchkeyd --help'" ] ||
	fail "--bogus: $(cat "$tmp/err")"
run -x
[ "$(cat "$tmp/err")" = "latchkeyd: unknown option '-x'; see 'latchkeyd --help'" ] ||
	fail "-x: $(cat "$tmp/err")"
run --config
expect_rc 2 "--config without a value"
[ "$(cat "$tmp/err")" = "latchkeyd: option '--config' needs a value; see 'latchkeyd --help'" ] ||
	fail "--config without a value: $(cat "$tmp/err")"
run extra
expect_rc 2 "extra argument"
grep -qF "latchkeyd: unexpected argument 'extra'; see 'latchkeyd --help'" "$tmp/err" ||
	fail "extra argument: $(cat "$tmp/err")"

# --- The warning of the defaults: once, a log line, the source named ------

run --check-config
expect_rc 0 "--check-config"
[ "$(grep -c 'accepts traversal clients without authentication' "$tmp/err")" -eq 1 ] ||
	fail "--check-config: the warning is not there once: $(cat "$tmp/err")"
grep -qE "${LOGRE}built-in defaults: zone 1 accepts" "$tmp/err" ||
	fail "--check-config: the warning is not a config log line: $(cat "$tmp/err")"
grep -q 'latchkeyd\[warning\] config: ' "$tmp/err" ||
	fail "--check-config: subsystem is not config"
! grep -q 'accepts traversal' "$tmp/out" ||
	fail "--check-config: the warning is on stdout"

f=$(conf open.conf '[System]\nRole = expressway\n')
run --check-config --config "$f"
grep -qE "${LOGRE}$f:[0-9]+: zone 1 accepts" "$tmp/err" ||
	grep -qE "${LOGRE}$f: zone 1 accepts" "$tmp/err" ||
	fail "--check-config FILE: the warning does not name the file: $(cat "$tmp/err")"

# --- Errors: the root error once, in order of line, as log lines ---------

f=$(conf rev.conf '[Local Zone > Traversal Subzone]\nTraversal Media port start = 59999\nTraversal Media port end = 36000\n')
run --check-config --config "$f"
expect_rc 78 "reversed media range"
[ "$(grep -c 'latchkeyd\[error\] config: ' "$tmp/err")" -eq 1 ] ||
	fail "reversed media range: not one error: $(cat "$tmp/err")"
grep -qF "latchkeyd: $f: 1 error; nothing was bound" "$tmp/err" ||
	fail "reversed media range: summary: $(cat "$tmp/err")"

f=$(conf order.conf '[Local Zone > Traversal Subzone]\nTraversal Media port start = 36001\n[Protocols > SIP]\nUDP port = abc\n[Sysetm]\nRole = control\n')
run --check-config --config "$f"
expect_rc 78 "three errors"
grep 'latchkeyd\[error\] config: ' "$tmp/err" | sed -E "s/.*config: [^:]*:([0-9]+):.*/\1/" >"$tmp/lines"
[ "$(tr '\n' ' ' <"$tmp/lines")" = "2 4 5 " ] ||
	fail "errors not in order of line: $(tr '\n' ' ' <"$tmp/lines")"
grep -qF "unknown section [Sysetm]; did you mean [System]?" "$tmp/err" ||
	fail "misspelt section: no suggestion"
! grep -q "outside any section" "$tmp/err" ||
	fail "misspelt section: its key is reported too"

run --check-config --config "$tmp/none.conf"
expect_rc 78 "missing file"
[ "$(grep -c 'cannot open' "$tmp/err")" -eq 1 ] ||
	fail "missing file: not said once: $(cat "$tmp/err")"

ok "latchkeyd's messages checked"
lk_done
