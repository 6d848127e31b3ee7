#!/usr/bin/env bash
# tests/integration/h323_endpoint.sh  lk-h323ep (the lab's scripted H.323 endpoint) calls through latchkeyd's gatekeeper; tshark judges every message.
source "$(dirname "$0")/lib/common.sh"
: "${LK_H323EP:?run through ctest, which sets LK_H323EP}"
command -v dumpcap >/dev/null && command -v tshark >/dev/null ||
	{ echo "dumpcap/tshark missing: ./bootstrap.sh deps"; exit 1; }

# Ports of this test only (57500-57999; tests run in parallel in one
# namespace): SIP 57500-57502, RAS 57510, Q.931 57511, calls out from
# 57600-57699, media 57700-57899, the endpoints 57520-57559, ng 57999.
RAS=57510
Q931=57511
cat >"$LK_TMP/gk.conf" <<CONF
[System]
Role = expressway
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 57500
TCP port = 57500
TLS port = 57501
[Protocols > H.323 > Gatekeeper]
Registration UDP port = $RAS
Call signaling port range start = 57600
Call signaling port range end = 57699
[Protocols > H.323]
Call signaling TCP port = $Q931
[Local Zone > Traversal Subzone]
Traversal Media port start = 57700
Traversal Media port end = 57899
[Zones > Traversal Zone 1]
SIP port = 57502
H.323 port = 57503
Username = z
Password = z-secret
[TURN]
TURN services = off
[Traversal > Ports]
H.323 Assent call signaling port = 57504
H.323 H.460.18 call signaling port = 57505
[Session control]
Listen = 127.0.0.1:57999
[Management]
HTTP port = 57990
HTTPS port = 57991
CONF
lk_start gk --config "$LK_TMP/gk.conf"
check "latchkeyd starts" lk_wait_log gk "running \(pid"
check "the gatekeeper serves RAS" lk_wait_log gk "H.323 gatekeeper RAS on UDP 127.0.0.1:$RAS"

check "lk-h323ep --help says what it is" eval \
	'"$LK_H323EP" --help | grep -q "A scripted H.323 endpoint"'
rc=0
"$LK_H323EP" --addr 127.0.0.1 --alias x >/dev/null 2>"$LK_TMP/usage.err" || rc=$?
check "without --call or --answer: exit 2, and says what is missing" eval \
	'[ "$rc" = 2 ] && grep -q "one of --call or --answer" "$LK_TMP/usage.err"'

lk_start_prog cap dumpcap -q -i lo -f "udp port $RAS or tcp port $Q931 or tcp portrange 57520-57559" \
	-w "$LK_TMP/h323.pcapng"
check "dumpcap captures" wait_for 10 lk_has_log cap "Capturing on"

ep=("$LK_H323EP" --addr 127.0.0.1 --gk "127.0.0.1:$RAS" --json --timeout 10)
lk_start_prog erin "${ep[@]}" --alias erin --answer --ras-port 57520 --signal-port 57530 \
	--media-port 57540
check "erin registers and waits" lk_wait_log erin "waiting for a call on 127.0.0.1:57530"
"${ep[@]}" --alias dave --call erin --ras-port 57521 --signal-port 57531 --media-port 57550 \
	--seconds 2 >"$LK_TMP/dave.json" 2>"$LK_TMP/dave.err" || true
wait "${pid[erin]}" || true
cat "$LK_TMP/dave.err" "$LK_TMP/erin.log" | sed 's/^/     /'
cat "$LK_TMP/dave.json" | sed 's/^/     /'
j() { python3 -c 'import json,sys; print(json.loads(sys.stdin.readlines()[-1])[sys.argv[1]])' "$2" <"$1"; }
grep '^{' "$LK_TMP/erin.log" >"$LK_TMP/erin.json" || true
check "dave's call connected, and RTP came back" test "$(j "$LK_TMP/dave.json" ok)" = True
check "erin answered, and RTP came in" test "$(j "$LK_TMP/erin.json" ok)" = True
check "dave got at least 90% of erin's RTP of 2 s (50 a second)" \
	eval '[ "$(j "$LK_TMP/dave.json" rtp_received)" -ge 90 ]'
check "erin got every one of dave's RTP packets" \
	test "$(j "$LK_TMP/erin.json" rtp_received)" = "$(j "$LK_TMP/dave.json" rtp_sent)"
check "RTCP went both ways" eval \
	'[ "$(j "$LK_TMP/dave.json" rtcp_received)" -ge 1 ] && [ "$(j "$LK_TMP/erin.json" rtcp_received)" -ge 1 ]'
check "each was told only the relay's media ports (57700-57899)" eval \
	'grep -hoE "RTP to 127.0.0.1:[0-9]+" "$LK_TMP/dave.err" "$LK_TMP/erin.log" |
	 awk -F: "\$2 < 57700 || \$2 > 57899 { bad = 1 } END { exit bad || NR != 2 }"'

rc=0
"${ep[@]}" --alias frank --call nobody --ras-port 57522 --signal-port 57532 \
	--media-port 57556 >"$LK_TMP/frank.err" 2>&1 || rc=$?
check "a call to an unknown alias: exit 1, with the gatekeeper's reason" eval \
	'[ "$rc" = 1 ] && grep -q "admission rejected: calledPartyNotRegistered" "$LK_TMP/frank.err"'
sleep 0.5
lk_stop "${pid[cap]}"

# tshark, not the tool, says what went over the wire.
LK_TSHARK_PCAP=$LK_TMP/h323.pcapng
# Q.931 in TPKT is found by tshark's own heuristics on any TCP port.
LK_TSHARK_ARGS=(-d "udp.port==$RAS,h225")
source "$LK_LIB/tshark.sh"
lk_tshark_fields h225 h225.RasMessage h225.h323_message_body >"$LK_TMP/msgs.txt" || true
sed 's/^/     /' "$LK_TMP/msgs.txt"
n_ras=$(cut -d'|' -f1 "$LK_TMP/msgs.txt" | grep -c . || true)
# (one TCP segment may carry two messages: tshark lists both, ',' between)
n_cs=$(cut -d'|' -f2 "$LK_TMP/msgs.txt" | tr ',' '\n' | grep -c . || true)
# RRQ/RCF x3, ARQ/ACF x3 (frank's is an ARJ), DRQ/DCF x2, URQ/UCF x3.
check "tshark decodes 22 RAS messages (RRQ, ARQ, DRQ, URQ and replies)" test "$n_ras" = 22
# Setup, Alerting, Connect, Release Complete on each leg.
check "tshark decodes 8 call signalling messages" test "$n_cs" = 8
check "tshark reads the capture" eval \
	'tshark -r "$LK_TSHARK_PCAP" "${LK_TSHARK_ARGS[@]}" -Y "h225 || q931" -V >"$LK_TMP/h323.txt" 2>&1'
check "no Malformed packet, no H.225.0 expert warning or error" eval \
	'[ -s "$LK_TMP/h323.txt" ] && ! grep -E "Malformed|Expert Info \((Warning|Error)" "$LK_TMP/h323.txt"'
lk_done
