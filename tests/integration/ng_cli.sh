#!/usr/bin/env bash
# tests/integration/ng_cli.sh  latchkey ng against the real daemon: ping, statistics, list, query, errors.
source "$(dirname "$0")/lib/common.sh"

cat >"$LK_TMP/d.conf" <<CONF
[Protocols > SIP]
UDP port = 15460
TCP port = 15460
TLS port = 15461
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 11769
Call signaling port range start = 20400
Call signaling port range end = 20499
[Protocols > H.323]
Call signaling TCP port = 11770
[Traversal > Ports]
H.323 Assent call signaling port = 13076
H.323 H.460.18 call signaling port = 13077
[Local Zone > Traversal Subzone]
Traversal Media port start = 47400
Traversal Media port end = 47419
[TURN]
TURN services = no
[Zones > Traversal Zone 1]
SIP port = 17401
H.323 port = 16401
[Session control]
Listen = 127.0.0.1:22250
CONF

lk_start d --config "$LK_TMP/d.conf"
pid=$LK_LAST_PID
check "daemon starts" lk_wait_log d "running \(pid"
out=$("$LK_LATCHKEY" ng --config "$LK_TMP/d.conf" ping) && rc=0 || rc=$?
check "ping exits 0" test "$rc" -eq 0
check "ping prints pong" test "$out" = "result: pong"
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 statistics) && rc=0 || rc=$?
check "statistics exits 0" test "$rc" -eq 0
# 47400-47419 less the mux ports 47400/47401: 9 pairs.
check "statistics shows the free pairs" grep -q "portsavailable: 9" <<<"$out"
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 list) && rc=0 || rc=$?
check "list of no calls is empty" grep -q "calls: \[\]" <<<"$out"
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 query no-such-call) && rc=0 || rc=$?
check "query of an unknown call exits 1" test "$rc" -eq 1
check "query says Unknown call-id" grep -q "error-reason: Unknown call-id" <<<"$out"
err=$("$LK_LATCHKEY" ng -s 127.0.0.1:9 -t 200 ping 2>&1) && rc=0 || rc=$?
check "no relay: exit 1" test "$rc" -eq 1
check "no relay: says so" grep -q "no reply from 127.0.0.1:9 within 200 ms" <<<"$err"
"$LK_LATCHKEY" ng bogus >/dev/null 2>&1 && rc=0 || rc=$?
check "unknown ng command exits 2" test "$rc" -eq 2
"$LK_LATCHKEY" ng query >/dev/null 2>&1 && rc=0 || rc=$?
check "query without a call-id exits 2" test "$rc" -eq 2
check "daemon stops cleanly" lk_stop "$pid"

lk_done
