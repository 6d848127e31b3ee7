#!/usr/bin/env bash
# tests/integration/daemon_logfile.sh  latchkeyd --log-file, and SIGUSR1 opening it again after a rotation.
source "$(dirname "$0")/lib/common.sh"
lk_reserve_ports 51000-51999	# this test's block (docs/management.md)

# Ports of the management block 51000-51999 (docs/management.md).
cat >"$LK_TMP/d.conf" <<CONF
[System]
Role = control
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 51960
TCP port = 51960
TLS port = 51961
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 51962
[Protocols > H.323]
Call signaling TCP port = 51963
[Local Zone > Traversal Subzone]
Traversal Media port start = 51940
Traversal Media port end = 51959
[Session control]
Listen = 127.0.0.1:51980
[Management]
HTTP port = 51981
HTTPS port = 51982
CONF

"$LK_LATCHKEYD" --config "$LK_TMP/d.conf" --log-file /nonexistent/dir/lk.log \
	2>"$LK_TMP/bad.err" && rc=0 || rc=$?
check "an unwritable --log-file: exit 1" test "$rc" -eq 1
check "and it says which file and why" \
	grep -q "^latchkeyd: --log-file /nonexistent/dir/lk.log: No such file or directory" "$LK_TMP/bad.err"

# The log file is $LK_TMP/f.log, so that lk_wait_log f ... reads it;
# stderr (d.log) must stay empty.
lk_start d --config "$LK_TMP/d.conf" --log-file "$LK_TMP/f.log"
check "daemon starts, logging to the file" lk_wait_log f "running \(pid"
check "the configuration's warnings are in the file too" \
	lk_has_log f "latchkeyd\[warning\] config: "
check "the file is mode 0640" test "$(stat -c %a "$LK_TMP/f.log")" = 640
check "nothing on stderr" test ! -s "$LK_TMP/d.log"

# What logrotate does: move the file away, then signal.
mv "$LK_TMP/f.log" "$LK_TMP/f.log.1"
kill -USR1 "${pid[d]}"
check "SIGUSR1 opens a new file" lk_wait_log f "SIGUSR1: log file .*/f\.log opened again"
check "the old file keeps the start" grep -q "running (pid" "$LK_TMP/f.log.1"
check "and nothing after the rotation" bash -c "! grep -q 'opened again' '$LK_TMP/f.log.1'"
kill -HUP "${pid[d]}"
check "later lines go to the new file" lk_wait_log f "reload of .* done"

check "SIGTERM stops it" lk_stop "${pid[d]}"
check "the stop is in the new file" lk_has_log f "stopped"
check "still nothing on stderr" test ! -s "$LK_TMP/d.log"
check "no sanitizer report" bash -c \
	"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/f.log' '$LK_TMP/f.log.1'"

# Without --log-file, SIGUSR1 changes nothing and says so.
lk_start e --config "$LK_TMP/d.conf"
check "a daemon on stderr starts" lk_wait_log e "running \(pid"
kill -USR1 "${pid[e]}"
check "SIGUSR1 says there is nothing to reopen" lk_wait_log e "SIGUSR1: logging to stderr"
check "and it keeps running" lk_alive e
lk_stop "${pid[e]}"

lk_done
