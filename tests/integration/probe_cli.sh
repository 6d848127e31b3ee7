#!/usr/bin/env bash
# tests/integration/probe_cli.sh  latchkey probe against the real daemon: SIP over UDP/TCP/TLS, zone TLS, RAS, STUN, negatives, a stopped daemon.
source "$(dirname "$0")/lib/common.sh"
lk_watchdog 120

# Every port of its own, 45000-45499 (no other test uses them).
cat >"$LK_TMP/d.conf" <<CONF
[System]
Role = expressway
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 45060
TCP port = 45060
TLS port = 45061
TCP outbound port start = 45100
TCP outbound port end = 45199
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 45019
Call signaling port range start = 45200
Call signaling port range end = 45299
[Protocols > H.323]
Call signaling TCP port = 45020
[Traversal > Ports]
H.323 Assent call signaling port = 45076
H.323 H.460.18 call signaling port = 45077
[Local Zone > Traversal Subzone]
Traversal Media port start = 45400
Traversal Media port end = 45499
[TURN]
TURN requests port start = 45378
TURN requests port end = 45378
TURN relay media port start = 45300
TURN relay media port end = 45349
[Zones > Traversal Zone 1]
SIP port = 45001
H.323 port = 45002
Username = zone1
Password = s3cret
[Session control]
Listen = 127.0.0.1:22296
CONF

probe() {	# probe ARGS...: stdout in $LK_TMP/out, status in $rc
	rc=0
	"$LK_LATCHKEY" probe --config "$LK_TMP/d.conf" --timeout 500 "$@" \
		>"$LK_TMP/out" 2>"$LK_TMP/err" || rc=$?
}
has() { grep -qE -- "$1" "$LK_TMP/out"; }

lk_start d --config "$LK_TMP/d.conf"
check "daemon starts" lk_wait_log d "running .pid"

probe
check "from the internet: exit 0 (${rc})" test "$rc" -eq 0
check "SIP over UDP answers OPTIONS" has '^pass +UDP +45060 .*answered 200'
check "SIP over TCP answers OPTIONS" has '^pass +TCP +45060 .*answered 200'
check "SIP over TLS answers OPTIONS" has '^pass +TLS +45061 .*answered 200'
check "the gatekeeper answers a GatekeeperRequest" \
	has '^pass +UDP +45019 .*GatekeeperConfirm'
check "TURN answers a STUN Binding request" \
	has '^pass +UDP +45378 .*STUN Binding success'
check "Q.931 accepts a connection, served" has '^pass +TCP +45020 '
check "Q.931 is not said to be unserved" bash -c \
	"! grep -qE '^pass +TCP +45020 .*not served yet' '$LK_TMP/out'"
check "negative TCP 5062 is blocked" has '^blocked as expected +TCP +5062 '
check "negative UDP 5070 is blocked" has '^blocked as expected +UDP +5070 '
check "media ranges are skipped with the reason" \
	has '^skipped +UDP +45402 .*needs a session'
check "the summary counts them" has '^# [0-9]+ probes: [0-9]+ pass, [0-9]+ blocked as expected, 0 FAILED'

probe --from control --no-negative
check "from the Control: the zone's TLS port answers (a SIP status)" \
	has '^pass +TLS +45001 .*answered [0-9]{3}'
check "from the Control: the zone's TCP row is skipped (zone uses TLS)" \
	has '^skipped +TCP +45001 .*other transport'

probe --json --no-negative
check "--json: one valid object per line" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows and all({"row", "transport", "port", "verdict", "why"} <= set(r) for r in rows)
' "$LK_TMP/out"

lk_stop "$LK_LAST_PID"
probe --no-negative
check "daemon stopped: exit 1" test "$rc" -eq 1
check "daemon stopped: SIP over UDP FAILED with the reason" \
	has '^FAILED +UDP +45060 .*no SIP answer'
check "daemon stopped: TCP FAILED, connection refused" \
	has '^FAILED +TCP +45060 .*refused'
check "daemon stopped: RAS FAILED, no answer" \
	has '^FAILED +UDP +45019 .*no RAS answer'

rc=0
"$LK_LATCHKEY" probe --from mars >/dev/null 2>"$LK_TMP/err" || rc=$?
check "unknown side: exit 2 with a pointer to help" \
	bash -c "[ $rc -eq 2 ] && grep -q \"see 'latchkey probe --help'\" '$LK_TMP/err'"

lk_done
