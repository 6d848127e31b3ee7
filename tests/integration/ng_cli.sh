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
# Issue 9: query right after an offer shows both sides, B with the ports
# the offer gave it, ISO times, and where the SDP says A is.
sdp=$(printf 'v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n')
python3 "$LK_LIB/../../interop/ngq.py" 127.0.0.1:22250 offer call-id=q1 \
	from-tag=fa "sdp=$sdp" >"$LK_TMP/offer.json"
check "offer ok" grep -q '"result": "ok"' "$LK_TMP/offer.json"
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 query q1) && rc=0 || rc=$?
check "query after offer exits 0" test "$rc" -eq 0
check "query lists side B before the answer" grep -q "^  (side B: no to-tag yet):" <<<"$out"
bport=$(sed -n '/no to-tag yet/,/side: B/p' <<<"$out" | sed -nE 's/^ +local port: ([0-9]+)$/\1/p')
check "side B has the offer's port ($bport)" in_range "${bport:-0}" 47402 47418
check "side A's SDP address is shown" grep -q "endpoint: not latched yet (SDP says 192.0.2.7:4000)" <<<"$out"
check "side A has no port yet, said in words" grep -q "local port: none yet" <<<"$out"
check "times are ISO 8601" grep -qE "^created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" <<<"$out"
check "no packet yet reads never" grep -q "last packet: never" <<<"$out"
"$LK_LATCHKEY" ng -s 127.0.0.1:22250 delete q1 >/dev/null

# A port that takes datagrams and never answers: the wait runs out.  The
# zone's H.323 port: its zone gatekeeper (signalling/h323/zone.c) counts
# what does not decode as RAS and answers nothing.
err=$("$LK_LATCHKEY" ng -s 127.0.0.1:16401 -t 200 ping 2>&1) && rc=0 || rc=$?
check "silent port: exit 1" test "$rc" -eq 1
check "silent port: says so" grep -q "no reply from 127.0.0.1:16401 within 200 ms" <<<"$err"

# Issue 9: drop counters while the daemon runs: one octet of garbage on
# the multiplexed RTP port.  (The Q.931 port and the zone's RAS port are
# served now: signalling/h323; no listener placeholder drops anything.)
printf '\001' >/dev/udp/127.0.0.1/47400
sleep 0.3
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 statistics) && rc=0 || rc=$?
# 9 pairs: the deleted call's pair cools down.
check "statistics names pairs as pairs" grep -q "pairsavailable: 8" <<<"$out"
check "statistics counts the cooling pair" grep -q "pairscooling: 1" <<<"$out"
check "statistics keeps rtpengine's portsavailable" grep -q "portsavailable: 8" <<<"$out"
check "the served zone RAS port is no placeholder" bash -c \
	"! grep -q 'port: 16401' <<<\"\$out\""
check "the served Q.931 port is no placeholder" bash -c \
	"! grep -q 'port: 11770' <<<\"\$out\""
check "droppedlisteners sums them (none)" grep -q "droppedlisteners: 0" <<<"$out"
check "garbage on the mux port is counted" grep -q "errors: 1" <<<"$out"
"$LK_LATCHKEY" ng bogus >/dev/null 2>&1 && rc=0 || rc=$?
check "unknown ng command exits 2" test "$rc" -eq 2
err=$("$LK_LATCHKEY" ng query 2>&1) && rc=0 || rc=$?
check "query without a call-id exits 2" test "$rc" -eq 2
check "query without a call-id points to help" grep -qF "see 'latchkey ng --help'" <<<"$err"
out=$("$LK_LATCHKEY" --help)
check "--help lists every ng command" grep -q "ping, list, statistics, query, delete" <<<"$out"
out=$("$LK_LATCHKEY" ng --help)
check "ng --help lists delete" grep -q "^  delete CALL-ID" <<<"$out"
check "daemon stops cleanly" lk_stop "$pid"

# Issue 9: a stopped relay is said at once (ICMP port unreachable on a
# connected socket), not after the whole timeout.
t0=$(date +%s%N)
err=$("$LK_LATCHKEY" ng -s 127.0.0.1:22250 -t 5000 ping 2>&1) && rc=0 || rc=$?
t1=$(date +%s%N)
check "stopped relay: exit 1" test "$rc" -eq 1
check "stopped relay: says the port refused" grep -q "127.0.0.1:22250 refused the request" <<<"$err"
check "stopped relay: at once, not after the 5 s timeout" test $(((t1 - t0) / 1000000)) -lt 1000

lk_done
