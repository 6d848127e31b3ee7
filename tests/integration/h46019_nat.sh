#!/usr/bin/env bash
# tests/integration/h46019_nat.sh  Issue 13: H.460.19 media traversal for an endpoint behind a port-changing NAT that lets nothing in: multiplexed and not, fastStart and slow start; tshark judges the signalling and the mux media.
#
# The network of h460_nat.sh (lib/h460net.sh), namespaces of this run's
# own (lk-wt-h46019-PID-{exp,nat,ep}):
#
#   latchkeyd (Role expressway, mux ports 36000/36001) 198.51.100.2 and
#   the plain caller (h460_ep caller) in the DMZ | NAT 198.51.100.3, snat
#   40000-40999, nothing in | the H.460.18/19 endpoint (h460_ep client19)
#   203.0.113.10.
#
# Four calls from the DMZ to the endpoint, one per combination of
# multiplexed / not and fastStart / slow start (OpenLogicalChannel over
# the H.245 the endpoint opens to 2777).  Checked for each: feature 19
# with mediaTraversalServer in RCF and Setup; the relay's
# TraversalParameters (keepAliveChannel = the endpoint's relay port,
# keepAliveInterval = the configured 17 s, and with mux the multiplexID
# and 36000/36001);
# nothing of H.460.19 reaches the plain caller; RTP both ways counted at
# both endpoints (20 each way; with mux each packet to the endpoint
# carries its own multiplexID) and on the relay's legs (ng query:
# packets, latched, the leg's multiplexID); the endpoint's keep-alives
# not forwarded.  During the first (mux) call bad multiplexed datagrams
# go to 36000 from the DMZ: 3 octets, the ID alone, ID 0, an unknown
# ID, and the endpoint's leg's ID from a foreign source: counted,
# nothing delivered.  tshark (with lib/h46019mux.lua) decodes the mux
# media as RTP with the negotiated IDs and every H.225.0/H.245 message
# (the h460.19 fields) without an error.
#
# Ports: ng 42099, caller RTP 42010/42011, caller H.245 42012, all in
# this run's own namespaces.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_skip, lk_ns_start, lk_ns_stop, lk_ngq, lk_jget, lk_legs
source "$here/lib/tshark.sh"
source "$here/lib/h460net.sh"	# h460_net_setup, h460_nat_new
: "${LK_H460_EP:?run through ctest, which sets LK_H460_EP}"

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft tshark dumpcap python3; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done

id=$$
h460_net_names lk-wt-h46019
ng=127.0.0.1:42099
mux_lua=$here/lib/h46019mux.lua

h46019_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	lk_watchdog_end
	lk_ns_stop_all
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in "$LK_TMP"/*.log; do
			echo "--- $p"; tail -n 30 "$p"
		done
	fi
	[ -z "${LK_H460_LOGS:-}" ] || { mkdir -p "$LK_H460_LOGS" &&
		cp "$LK_TMP"/*.log "$LK_TMP"/*.pcapng "$LK_TMP"/*.json "$LK_H460_LOGS"/ 2>/dev/null; } || true
	lk_cleanup
	exit "$rc"
}
trap h46019_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lk_watchdog 240

lk_ns_reap lk-wt-h46019
if ! h460_net_setup 2>"$LK_TMP/net.err"; then
	cat "$LK_TMP/net.err"
	grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
		lk_skip "cannot create network namespaces here"
	lk_fatal "namespaces, links and the NAT's nftables rules are set up"
fi
ok "three namespaces (lk-wt-h46019-$id-*) and the NAT are set up"

cat >"$LK_TMP/exp.conf" <<CONF
[System]
Role = expressway
Address = $exp_ip
[Session control]
Listen = $ng
[Protocols > H.323]
H.460.19 keep-alive interval = 17
CONF

pcap=$LK_TMP/exp.pcapng
lk_ns_start dumpcap "$ns_exp" dumpcap -q -i any -w "$pcap"
wait_for 10 test -s "$pcap" || lk_fatal "dumpcap captures in $ns_exp"
sleep 0.3
lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "latchkeyd starts in $ns_exp"
ok "latchkeyd starts in $ns_exp"

ng_total() {	# ng_total KEY: a total of ng statistics
	lk_ngq "$ns_exp" statistics >"$LK_TMP/stats.json" 2>/dev/null
	lk_jget "$LK_TMP/stats.json" "statistics.totalstatistics.$1"
}

# bad_mux ID: bad datagrams to the mux RTP port from the DMZ (not the
# endpoint's latched address).
bad_mux() {
	ip netns exec "$ns_exp" python3 - "$exp_ip" "$1" <<'PY'
import socket, struct, sys
ip, good = sys.argv[1], int(sys.argv[2])
rtp = bytes([0x80, 0]) + bytes(10) + bytes(160)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for pkt in (b"\x00\x01\x02", struct.pack("!I", good),
            struct.pack("!I", 0) + rtp, struct.pack("!I", good ^ 0x5a5a) + rtp,
            struct.pack("!I", good) + rtp):
    s.sendto(pkt, (ip, 36000))
PY
}

# call N mux|nomux fast|slow: the caller in the DMZ calls endpoint epN.
call() {
	local n=$1 mux=$2 start=$3 c legs relay_id want port
	local cenv=(H460_EP_RTP_PORT=42010 H460_EP_HOLD="$LK_TMP/release-$1")
	echo "     --- call $n: $mux, $start start"
	[ "$start" = slow ] && cenv+=(H460_EP_SLOW=1 H460_EP_H245_PORT=42012)
	lk_ns_start "ep$n" "$ns_ep" env H460_EP_RTP_PORT=5004 \
		H460_EP_MUX_ID=$((0x10203040 + n)) "$LK_H460_EP" client19 \
		"$exp_ip" 1719 "ep$n" "$mux" "$start"
	lk_wait_log "ep$n" "^ready" 10 || lk_fatal "endpoint ep$n registers"
	want=""
	[ "$mux" = mux ] && want=", supportTransmitMultiplexedMedia"
	check "call $n: RCF with feature 19, mediaTraversalServer$want" \
		lk_has_log "ep$n" "^ok   RCF: feature 19, mediaTraversalServer$want\$"
	lk_ns_start "caller$n" "$ns_exp" env "${cenv[@]}" "$LK_H460_EP" caller "$exp_ip" 1720 "ep$n"
	wait_for 25 lk_has_log "caller$n" "^ok   RTP to" ||
		not_ok "call $n: the caller's RTP ran"
	# While the caller holds the call: the relay's legs.
	lk_ngq "$ns_exp" list >"$LK_TMP/list-$n.json" 2>/dev/null
	c=$(lk_jget "$LK_TMP/list-$n.json" 'calls.*' | head -1)
	lk_ngq "$ns_exp" query call-id="${c:-none}" >"$LK_TMP/query-$n.json" 2>/dev/null
	legs=$(lk_legs "$LK_TMP/query-$n.json")
	sed "s/^/     leg: /" <<<"$legs"
	relay_id=$(grep -oE "relay's TraversalParameters: keepAliveChannel [0-9.]+:[0-9]+, keepAliveInterval [0-9]+, multiplexID [0-9]+" \
		"$LK_TMP/ep$n.log" | sed 's/.*multiplexID //')
	port=$(grep -oE "relay's TraversalParameters: keepAliveChannel $exp_ip:[0-9]+" "$LK_TMP/ep$n.log" | sed 's/.*://')
	if [ "$mux" = mux ]; then
		check "call $n: relay multiplexes the endpoint's media on 36000 (ID ${relay_id:-?})" \
			test "${port:-0}" = 36000 -a "${relay_id:-0}" -gt 0 -a "${relay_id:-0}" -lt 2147483648
		check "call $n: the endpoint's leg is on the mux ports with that ID, latched at the NAT, 23 in (3 keep-alives), 20 out" \
			grep -qE "^B $nat_pub:[0-9]+ 36000 yes 23 20 audio ${relay_id:-x}\$" <<<"$legs"
		before_nl=$(ng_total droppednoleg)
		before_err=$(ng_total errors)
		before_fg=$(ng_total droppedforeign)
		bad_mux "${relay_id:-1}"
		sleep 0.5
		echo "     totals: no leg $before_nl -> $(ng_total droppednoleg), errors $before_err -> $(ng_total errors), foreign $before_fg -> $(ng_total droppedforeign)"
		check "bad mux datagrams: ID 0 and an unknown ID dropped, no leg ($before_nl -> $(ng_total droppednoleg))" \
			test "$(ng_total droppednoleg)" -eq $((before_nl + 2))
		check "... 3 octets and the ID alone counted as errors" \
			test "$(ng_total errors)" -eq $((before_err + 2))
		check "... the endpoint's leg's ID from the DMZ dropped as a foreign source, not forwarded" \
			test "$(ng_total droppedforeign)" -eq $((before_fg + 1))
	else
		check "call $n: relay ports from the traversal range for the endpoint ($port), no multiplexID" \
			test "${port:-0}" -ge 36002 -a "${port:-0}" -le 59999 -a "${relay_id:-1}" = 0
		check "call $n: the endpoint's leg latched at the NAT, 23 in (3 keep-alives), 20 out, no multiplexID" \
			grep -qE "^B $nat_pub:[0-9]+ $port yes 23 20 audio -\$" <<<"$legs"
	fi
	check "call $n: the caller's leg: latched, 20 in, 20 out" \
		grep -qE "^A $exp_ip:42010 [0-9]+ yes 20 20 audio -\$" <<<"$legs"
	touch "$LK_TMP/release-$n"	# the caller ends its hold
	wait_for 15 bash -c "! kill -0 ${pid[caller$n]} 2>/dev/null" || true
	lk_ns_stop "caller$n"
	check "call $n: the caller's call is connected and released" test "${status[caller$n]}" -eq 0
	wait_for 25 bash -c "! kill -0 ${pid[ep$n]} 2>/dev/null" || true
	lk_ns_stop "ep$n"
	check "call $n: the endpoint answered and saw the call end" test "${status[ep$n]}" -eq 0
	check "call $n: Setup with feature 19, mediaTraversalServer$want" \
		lk_has_log "ep$n" "^ok   Setup: feature 19, mediaTraversalServer$want\$"
	check "call $n: the caller got all 20 of the endpoint's RTP, no keep-alive, nothing after" \
		bash -c "grep -qE '^ok   RTP to $exp_ip:[0-9]+: 20 sent, 20 received \(0 keep-alives\)' '$LK_TMP/caller$n.log' &&
			 grep -q '^ok   held the call; 0 more came in meanwhile' '$LK_TMP/caller$n.log'"
	want=0
	[ "$mux" = mux ] && want=20
	check "call $n: the endpoint got all 20 of the caller's, $want with its own multiplexID" \
		lk_has_log "ep$n" "^ok   RTP to $exp_ip:[0-9]+: 3 keep-alives and 20 sent, 20 received \(0 keep-alives\), $want with our multiplexID"
	if [ "$start" = slow ]; then
		check "call $n: slow start: the relay's TraversalParameters in the Ack of the endpoint's channel and in the caller's OLC" \
			bash -c "grep -q '^ok   slow start: channel 1 acknowledged, media to .*, with TraversalParameters' '$LK_TMP/ep$n.log' &&
				 grep -q '^ok   slow start: channel 2 opened to us, answered (it had TraversalParameters)' '$LK_TMP/ep$n.log'"
		check "call $n: none reached the caller's H.245" \
			lk_has_log "caller$n" "^ok   slow start over H.245: no TraversalParameters toward us"
	fi
	mux_ids[$n]=${relay_id:-0}
}

declare -A mux_ids
call 1 mux fast
call 2 nomux fast
call 3 mux slow
call 4 nomux slow
# Assent (seed T, 2776): bound, not implemented.  From behind the NAT.
ip netns exec "$ns_ep" "$LK_H460_EP" assent "$exp_ip" 2776 >"$LK_TMP/assent.log" 2>&1 && rc=0 || rc=$?
cat "$LK_TMP/assent.log"
check "Assent 2776: Setup and Facility get Release Complete (cause 79), bad input and silence closed" test "$rc" -eq 0
check "... latchkeyd said once that Assent is not implemented, H.460.18/19 its standard equivalent" \
	test "$(grep -c 'Assent is proprietary, with no public specification, and is not implemented; H.460.18/19 is its standard equivalent' "$LK_TMP/exp.log")" -eq 1
check "latchkeyd is alive" lk_alive exp
nat_new=$(h460_nat_new)
check "nothing unsolicited came in through the NAT (${nat_new:-?} packets)" test "${nat_new:-1}" -eq 0
lk_ns_stop exp
lk_ns_stop dumpcap
check "latchkeyd counted the Assent connections: 5, 2 released, 2 bad, 1 silent" \
	lk_has_log exp "H.323 Assent \(2776, not implemented\): connections=5 released=2 bad_input=2 timeouts=1 refused=0"

# --- tshark's verdict --------------------------------------------------------
# H.245 runs on 2777, on the caller's 42012 and on the relay's own
# listeners (15000-19999, where 2777's connections are joined): decoded
# as H.245 there, not guessed at as Q.931 by the TPKT heuristic.
tshark -r "$pcap" -d tcp.port==2777,h245 -d tcp.port==42012,h245 -d tcp.port==15000-19999,h245 -Y "h225 || q931 || h245" -V >"$LK_TMP/decode.txt" 2>/dev/null
check "tshark: no Malformed, no expert warning or error in H.225.0/H.245" lk_tshark_no_expert "$LK_TMP/decode.txt"
check "tshark: 18 TraversalParameters (fastStart OLCs, OLCs, OLCAcks)" \
	test "$(grep -c 'TraversalParameters$' "$LK_TMP/decode.txt")" -eq 18
LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=(-d tcp.port==2777,h245 -d tcp.port==42012,h245 -d tcp.port==15000-19999,h245 -X "lua_script:$mux_lua")
kai=$(lk_tshark_fields "h460.19.keepAliveInterval" h460.19.keepAliveInterval | tr ',' '\n' | sort -u | tr '\n' ' ')
check "tshark: every keepAliveInterval the relay sent is the configured 17 ($kai)" test "$kai" = "17 "
ids=$(lk_tshark_fields "h460.19.multiplexID && ip.dst == $nat_pub" h460.19.multiplexID | tr ',' '\n' | sort -u | tr '\n' ' ')
check "tshark: the relay's multiplexIDs in its OLC/OLCAck are the mux calls' (${mux_ids[1]} ${mux_ids[3]}: $ids)" \
	test "$ids" = "$(printf '%s\n' "${mux_ids[1]}" "${mux_ids[3]}" | sort -u | tr '\n' ' ')"
own=$(lk_tshark_fields "h460.19.keepAlivePayloadType && ip.src == $nat_pub" h460.19.keepAlivePayloadType h460.19.multiplexID | sort -u | tr '\n' ' ')
check "tshark: the endpoint's keepAlivePayloadType 116 and multiplexIDs ($own)" \
	test "$own" = "116| 116|$((0x10203040 + 1)) 116|$((0x10203040 + 3)) "
to_caller="ip.dst == $exp_ip && ((tcp.srcport == 1720 && q931) || tcp.dstport == 42012)"
check "tshark: the relay's messages to the caller (Q.931 from 1720, H.245 to 42012) are there" \
	test -n "$(lk_tshark_fields "$to_caller" frame.number)"
check "tshark: ... and none has H.460.19 TraversalParameters" \
	test -z "$(lk_tshark_fields "$to_caller && (h460.19.keepAliveInterval || h460.19.keepAlivePayloadType || h460.19.multiplexID)" frame.number)"
tshark -r "$pcap" -X "lua_script:$mux_lua" -Y "udp.port == 36000" -V >"$LK_TMP/mux.txt" 2>/dev/null
check "tshark: mux media without Malformed or expert warnings" lk_tshark_no_expert "$LK_TMP/mux.txt"
for n in 1 3; do
	rin=$(lk_tshark_fields "h46019mux.id == ${mux_ids[$n]} && rtp && ip.src == $nat_pub && udp.dstport == 36000" frame.number | wc -l)
	rout=$(lk_tshark_fields "h46019mux.id == $((0x10203040 + n)) && rtp && ip.dst == $nat_pub && udp.srcport == 36000" frame.number | wc -l)
	check "tshark: call $n: 23 RTP (3 keep-alives) in with the relay's ID, 20 out with the endpoint's ($rin in, $rout out)" \
		test "$rin" -eq 23 -a "$rout" -eq 20
done
lk_done
