#!/usr/bin/env bash
# tests/integration/h460_nat.sh  Issue 13: a call to an H.460.18 endpoint behind a port-changing NAT that lets nothing in; tshark judges every message.
#
# Three network namespaces of this run's own (PID is this script's), all
# deleted on every exit path:
#
#   lk-wt-h460-PID-exp: latchkeyd (Role expressway) 198.51.100.2, the
#       seed's ports (RAS 1719, Q.931 1720, calls out from 15000-19999);
#       the caller (h460_ep caller) runs here too
#        |  198.51.100.0/25
#   lk-wt-h460-PID-nat: wan 198.51.100.3, snat to .3:40000-40999;
#       forwards lan -> wan and replies only (nftables, policy drop,
#       counter "wan_to_lan_new" of whatever else comes in)
#        |  203.0.113.0/25
#   lk-wt-h460-PID-ep: the H.460.18 endpoint (h460_ep callee) 203.0.113.10
#
# The Expressway has no route to 203.0.113.0/25: it can reach the endpoint
# only through the bindings the endpoint opened.  Checked: registration
# through the NAT binding (the RCF goes to the NAT's port, not to the
# rasAddress), timeToLive = the H.460.18 keep-alive period, the call to
# the endpoint's alias: SCI on the RAS binding, repeated once because the
# endpoint leaves the first one unanswered, never again after its SCR,
# the Setup held until the endpoint's own connection to 1720 brings the
# Facility with the callIdentifier, the call answered and released, empty
# TPKTs on both connections; nothing unsolicited reached the endpoint; tshark decodes every RAS and
# H.225.0 message without an error and shows the H.460.18 fields.
#
# Environment: CI=true turns every skip into a failure; LK_H460_LOGS=DIR
# keeps the logs and the capture.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_skip, lk_ns_start, lk_ns_stop
source "$here/lib/tshark.sh"
source "$here/lib/h460net.sh"	# h460_net_setup, h460_nat_new
: "${LK_H460_EP:?run through ctest, which sets LK_H460_EP}"

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft tshark dumpcap; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done

id=$$
h460_net_names lk-wt-h460
ttl=60			# H.460.18 keep-alive period (LK_H46018_TTL); Time to live is 1800

h460_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	lk_watchdog_end
	lk_ns_stop_all
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in exp callee caller answer; do
			[ -f "$LK_TMP/$p.log" ] && { echo "--- $p"; tail -n 40 "$LK_TMP/$p.log"; }
		done
	fi
	[ -z "${LK_H460_LOGS:-}" ] || { mkdir -p "$LK_H460_LOGS" &&
		cp "$LK_TMP"/*.log "$LK_TMP"/*.pcapng "$LK_TMP"/*.txt "$LK_H460_LOGS"/ 2>/dev/null; } || true
	lk_cleanup
	exit "$rc"
}
trap h460_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lk_watchdog 150

lk_ns_reap lk-wt-h460
if ! h460_net_setup 2>"$LK_TMP/net.err"; then
	cat "$LK_TMP/net.err"
	grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
		lk_skip "cannot create network namespaces here"
	lk_fatal "namespaces, links and the NAT's nftables rules are set up"
fi
ok "three namespaces (lk-wt-h460-$id-*) and the NAT are set up"
check "the Expressway has no route to the endpoint's own address" \
	bash -c "! ip -n $ns_exp route get $ep_ip >/dev/null 2>&1"

cat >"$LK_TMP/exp.conf" <<CONF
[System]
Role = expressway
Address = $exp_ip
[Session control]
Listen = 127.0.0.1:55999
[Dial plan]
Route 1 = dmz@* host $exp_ip:1800 h323
CONF

# Everything the Expressway sends and receives (the caller is on its lo),
# for tshark at the end.
pcap=$LK_TMP/exp.pcapng
lk_ns_start dumpcap "$ns_exp" dumpcap -q -i any -w "$pcap"
wait_for 10 test -s "$pcap" || lk_fatal "dumpcap captures in $ns_exp"
sleep 0.3
lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "latchkeyd starts in $ns_exp"
ok "latchkeyd starts in $ns_exp"

# The endpoint registers, then waits for a call.
# An endpoint in the DMZ that the NATed one calls afterwards (Route 1).
lk_ns_start answer "$ns_exp" "$LK_H460_EP" answer "$exp_ip" 1800
lk_wait_log answer "^ready" 10 || lk_fatal "the DMZ endpoint listens"
lk_ns_start callee "$ns_ep" env H460_EP_RTP_PORT=5004 "$LK_H460_EP" callee "$exp_ip" 1719 nat-ep skip-first-sci dmz
lk_wait_log callee "^ready" 10 || lk_fatal "the endpoint registers through the NAT"
check "registered through the NAT with timeToLive $ttl (the keep-alive period)" \
	lk_has_log callee "^ok   registered nat-ep with H.460.18 from $ep_ip:[0-9]+, timeToLive $ttl\$"
check "its keep-alive RRQ is answered" lk_has_log callee "^ok   keep-alive RRQ answered, timeToLive $ttl"

# The caller has separate H.245 (its h245Address 1801): the endpoint is
# told our 2777 instead and connects there (seed U).
# fastStart media both ways (RTP 1802/1803 here, 5004/5005 behind the
# NAT): the endpoint's 12-octet keep-alives latch its leg and are not
# forwarded.
lk_ns_start caller "$ns_exp" env H460_EP_H245_PORT=1801 H460_EP_RTP_PORT=1802 "$LK_H460_EP" caller "$exp_ip" 1720 nat-ep
wait_for 30 bash -c "! kill -0 ${pid[caller]} 2>/dev/null" || true
lk_ns_stop caller
check "the caller's call is connected and released" test "${status[caller]}" -eq 0
wait_for 25 bash -c "! kill -0 ${pid[callee]} 2>/dev/null" || true
lk_ns_stop callee
cat "$LK_TMP/callee.log"
check "the endpoint took the SCI, connected out, got the Setup, answered" \
	test "${status[callee]}" -eq 0
check "a Facility naming another call got no Setup" \
	lk_has_log callee "^ok   a Facility naming another call: no Setup"
check "the callee's tunnelled H.245 reached the caller" \
	lk_has_log caller "^ok   Connect, with the callee's tunnelled H.245 masterSlaveDetermination"
check "then its own call out through the NAT was connected and released" \
	lk_has_log callee "^ok   Release Complete sent"
wait_for 5 bash -c "! kill -0 ${pid[answer]} 2>/dev/null" || true
lk_ns_stop answer
check "... by the DMZ endpoint (Route 1)" test "${status[answer]}" -eq 0
check "the endpoint was told our H.460.18 port 2777 as h245Address and connected there" \
	lk_has_log callee "^ok   H.245 to the Setup's h245Address $exp_ip:2777: connectionCorrelation"
check "its H.245 reached the caller's h245Address through 2777" \
	lk_has_log caller "^ok   H.245 from the callee on our h245Address: masterSlaveDetermination"
check "latchkeyd logs the correlation on 2777" \
	lk_has_log exp "H.460.18 H.245 connection from $nat_pub:[0-9]+ joins its call's H.245"
check "RTP from the NATed endpoint reached the caller: all 20, no keep-alive" \
	lk_has_log caller "^ok   RTP to $exp_ip:[0-9]+: 20 sent, 20 received \(0 keep-alives\)"
check "RTP from the caller reached the endpoint behind the NAT: all 20" \
	lk_has_log callee "^ok   RTP to $exp_ip:[0-9]+: 3 keep-alives and 20 sent, 20 received \(0 keep-alives\)"
in_media() { local p; p=$(grep -oE "^ok   RTP to $exp_ip:[0-9]+" "$LK_TMP/$1.log" | head -1 | sed 's/.*://'); [ "${p:-0}" -ge 36002 ] && [ "${p:-0}" -le 59999 ]; }
check "... through relay ports of the traversal media range (36002-59999, not mux)" \
	bash -c "$(declare -f in_media); LK_TMP=$LK_TMP exp_ip=$exp_ip in_media caller && LK_TMP=$LK_TMP exp_ip=$exp_ip in_media callee"
check "the SCI was repeated (same seq) while unanswered" \
	lk_has_log callee "^ok   SCI repeated without SCR, same seq"
check "no SCI after the endpoint's SCR" lk_has_log callee "^ok   extra SCIs after our SCR: 0\$"
check "the call signalling port was given in the indication" \
	lk_has_log callee "call to be picked up at $exp_ip:1720\$"
check "latchkeyd logs the pick-up from the NAT's address" \
	lk_has_log exp "the H.460.18 endpoint connected from $nat_pub:[0-9]+, Setup sent"
in_nat() { local p=$1; [ "$p" -ge $nat_lo ] && [ "$p" -le $nat_hi ]; }
natport=$(grep -oE "connected from $nat_pub:[0-9]+" "$LK_TMP/exp.log" | head -1 | sed 's/.*://')
check "... from a port the NAT chose ($natport)" in_nat "${natport:-0}"
# Bad input on 2777 from behind the NAT: each connection closed, counted.
ip netns exec "$ns_ep" "$LK_H460_EP" bad2777 "$exp_ip" 2777 >"$LK_TMP/bad.log" 2>&1 && bad=0 || bad=$?
cat "$LK_TMP/bad.log"
check "bad input on 2777 (garbage, other H.245, unknown call, silence): each closed" test "$bad" -eq 0
check "... and logged" bash -c "grep -q 'is no connectionCorrelation' '$LK_TMP/exp.log' &&
	grep -q 'names a call with no H.245 waiting' '$LK_TMP/exp.log' &&
	grep -q 'no correlation message in time' '$LK_TMP/exp.log'"
check "latchkeyd is alive" lk_alive exp
nat_new=$(h460_nat_new)
check "nothing unsolicited came in through the NAT (${nat_new:-?} packets)" test "${nat_new:-1}" -eq 0

lk_ns_stop exp
lk_ns_stop dumpcap

# --- tshark's verdict --------------------------------------------------------
tshark -r "$pcap" -Y "h225 || q931 || tpkt" -V >"$LK_TMP/decode.txt" 2>/dev/null
check "tshark: no Malformed, no expert warning or error" lk_tshark_no_expert "$LK_TMP/decode.txt"
LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=()
ras=$(lk_tshark_fields "h225.RasMessage" h225.RasMessage ip.src ip.dst | tr '\n' ' ')
echo "RAS seen: $ras"
lk_tshark_expect "two RCFs, with H.460.18 and timeToLive $ttl, to the NAT's address" \
	"$(printf '%s|18|%s\n%s|18|%s' $exp_ip $ttl $exp_ip $ttl)" \
	"h225.registrationConfirm_element" ip.src h225.standard h225.timeToLive
sci=$(lk_tshark_fields "h225.serviceControlIndication_element" ip.dst udp.dstport h225.requestSeqNum)
check "two SCIs, the same seq, to the NAT's binding" \
	test "$(sort -u <<<"$sci" | wc -l)" -eq 1 -a "$(wc -l <<<"$sci")" -eq 2
check "... and the binding is the NAT's ($sci)" grep -q "^$nat_pub|" <<<"$sci"
callid=$(lk_tshark_fields "q931.message_type == 0x05" h225.guid | head -1 | cut -d, -f1)
lk_tshark_expect "tshark reads the SCIs' H.460.18 IncomingCallIndication: our 1720, the call" \
	"$(printf '%s|1720|%s\n%s|1720|%s' $exp_ip "$callid" $exp_ip "$callid")" \
	"h225.serviceControlIndication_element" h225.ipV4 h225.ipV4_port h225.guid
scr=$(lk_tshark_fields "h225.serviceControlResponse_element" ip.src h225.requestSeqNum)
check "one SCR from the NAT's address ($scr)" test "$(wc -l <<<"$scr")" -eq 1
q931=$(lk_tshark_fields "q931" q931.message_type ip.src tcp.srcport tcp.dstport | tr '\n' ' ')
echo "Q.931 seen: $q931"
fac=$(lk_tshark_fields "q931.message_type == 0x62" ip.src tcp.dstport h225.reason)
check "the endpoint's Facility to 1720 from the NAT's address ($fac)" \
	grep -qE "^$nat_pub\|1720\|3$" <<<"$fac"
setup=$(lk_tshark_fields "q931.message_type == 0x05 && ip.src == $exp_ip" ip.dst tcp.dstport tcp.srcport)
check "the Setup went down the endpoint's own connection ($setup)" \
	grep -qE "^$nat_pub\|[0-9]+\|1720$" <<<"$setup"
msd=$(lk_tshark_fields "h245.masterSlaveDetermination_element" ip.src tcp.srcport tcp.dstport | tr '\n' ' ')
check "tshark: the callee's tunnelled MasterSlaveDetermination on both Q.931 connections ($msd)" \
	bash -c "grep -qE '(^| )$nat_pub\|[0-9]+\|1720 ' <<<'$msd' && grep -qE ' $exp_ip\|1720\|[0-9]+ ' <<<'$msd'"
check "tshark: its separate H.245 MasterSlaveDetermination to 2777, then from our range to 1801" \
	bash -c "grep -qE '(^| )$nat_pub\|[0-9]+\|2777 ' <<<'$msd' && grep -qE ' $exp_ip\|1[5-9][0-9]{3}\|1801 ' <<<'$msd'"
tshark -r "$pcap" -d tcp.port==2777,h245 -Y "tcp.port == 2777 && h245" -V >"$LK_TMP/decode2777.txt" 2>/dev/null || true
check "tshark: H.245 on 2777 decodes without an error" lk_tshark_no_expert "$LK_TMP/decode2777.txt"
check "tshark: the first is H.460.18's connectionCorrelation (Signalling Traversal, callIdentifier, answerCall)" \
	bash -c "grep -q 'genericIndication (23): Signalling Traversal' '$LK_TMP/decode2777.txt' &&
		 grep -q 'standard: 1 - callIdentifier' '$LK_TMP/decode2777.txt' &&
		 grep -q 'standard: 2 - answerCall' '$LK_TMP/decode2777.txt'"
ka_out=$(lk_tshark_fields "ip.src == $exp_ip && udp.length == 20 && udp.srcport >= 36000" udp.srcport | wc -l)
ka_in=$(lk_tshark_fields "ip.src == $nat_pub && udp.length == 20 && udp.dstport >= 36000" udp.srcport | wc -l)
check "tshark: 3 RTP keep-alives came in from the NAT, none went out ($ka_in in, $ka_out out)" \
	test "$ka_in" -eq 3 -a "$ka_out" -eq 0
# tshark 4.0 does not call a lone empty TPKT a TPKT: its octets.
empty=$(lk_tshark_fields "tcp.payload == 03:00:00:04" ip.src | wc -l)
check "the empty TPKT keep-alives were on the wire ($empty)" test "$empty" -ge 4
lk_done
