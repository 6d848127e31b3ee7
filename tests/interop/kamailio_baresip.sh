#!/usr/bin/env bash
# tests/interop/kamailio_baresip.sh  Kamailio's rtpengine module drives latchkeyd; two baresip endpoints call through it.
#
# Three network namespaces of this run's own (docs/interop.md):
#
#   lki-PID-a            lki-PID-relay                      lki-PID-b
#   baresip alice        kamailio   SIP 203.0.113.1:5060    baresip bob
#   (caller)               | rtpengine module, ng           (callee, answers)
#                          v
#                        latchkeyd  ng 127.0.0.1:2223,
#                                   media 203.0.113.1:48002-48999
#   eth0 192.0.2.2 ===== va 192.0.2.1
#                        vb 198.51.100.1 ================== eth0 198.51.100.2
#
# The relay namespace does not forward and each endpoint has a route to
# 203.0.113.1 only, so media can pass between the endpoints only through
# latchkeyd.  Alice dials bob, bob answers, CALL_SECS later the test tells
# alice to hang up (baresip's ctrl_tcp).
# Checked: what the endpoints were told (SDP) and got (RTP from where,
# how many packets), what latchkeyd says over ng (list and query during the
# call; statistics, list and query after it), and that kamailio's offer,
# answer and delete were answered.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../integration/lib/common.sh"
# lk_skip (outside CI; in CI a failure), lk_ns_start, lk_ns_stop, lk_ngq, lk_jget, lk_legs:
source "$here/../integration/lib/netns.sh"
# ua_config, ua_account, ua_command, ua_facts, fact, show_log:
source "$here/../integration/lib/baresip.sh"

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip kamailio baresip python3; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done

CALL_SECS=${LK_INTEROP_CALL_SECS:-8}	# alice hangs up this long after the answer
id=$$
ns_relay=lki-$id-relay
ns_a=lki-$id-a
ns_b=lki-$id-b
relay_ip=203.0.113.1
a_ip=192.0.2.2
a_gw=192.0.2.1
b_ip=198.51.100.2
b_gw=198.51.100.1
sip=$relay_ip:5060
ng=127.0.0.1:2223
media_lo=48000		# 48000/48001 are the multiplexed media ports
media_hi=48999
a_rtp_lo=10000
a_rtp_hi=10019
b_rtp_lo=20000
b_rtp_hi=20019

# --- helpers ---------------------------------------------------------------

lki_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	lk_ns_stop_all
	# Kamailio's children go with their parent on SIGTERM; if it had to
	# be killed they are left in the namespace, and they are ours.
	lk_ns_kill
	ip -n "$ns_relay" link del va 2>/dev/null || true
	ip -n "$ns_relay" link del vb 2>/dev/null || true
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in latchkeyd kamailio alice bob; do
			show_log "$p" 80
		done
	fi
	if [ -n "${LK_INTEROP_LOGS:-}" ]; then
		mkdir -p "$LK_INTEROP_LOGS"
		cp "$LK_TMP"/*.log "$LK_TMP"/*.json "$LK_TMP"/*.facts \
			"$LK_TMP"/legs "$LK_INTEROP_LOGS"/ 2>/dev/null || true
	fi
	lk_cleanup	# and the namespaces
	exit "$rc"
}
trap lki_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# What each endpoint saw, from its whole console: $LK_TMP/UA.facts.
read_facts() {
	local ua
	for ua in alice bob; do
		ua_facts "$ua" "$sip"
	done
}

# --- the network ---------------------------------------------------------

lk_ns_reap lki	# namespaces left by a run that was killed go first

setup_net() {	# every step must work: one chain of &&
	lk_ns_add "$ns_relay" && lk_ns_add "$ns_a" && lk_ns_add "$ns_b" &&
	# Each veth pair is created inside the namespaces: no name on the host.
	ip -n "$ns_relay" link add va type veth peer name eth0 netns "$ns_a" &&
	ip -n "$ns_relay" link add vb type veth peer name eth0 netns "$ns_b" &&
	ip -n "$ns_relay" addr add "$relay_ip/32" dev lo &&
	ip -n "$ns_relay" addr add "$a_gw/24" dev va &&
	ip -n "$ns_relay" addr add "$b_gw/24" dev vb &&
	ip -n "$ns_relay" link set va up &&
	ip -n "$ns_relay" link set vb up &&
	ip -n "$ns_a" addr add "$a_ip/24" dev eth0 &&
	ip -n "$ns_b" addr add "$b_ip/24" dev eth0 &&
	ip -n "$ns_a" link set eth0 up &&
	ip -n "$ns_b" link set eth0 up &&
	ip -n "$ns_a" route add "$relay_ip/32" via "$a_gw" &&
	ip -n "$ns_b" route add "$relay_ip/32" via "$b_gw" &&
	# Kamailio's and the ng client's sockets take their ephemeral ports
	# from the seed's ephemeral range, never from the media range.
	ip netns exec "$ns_relay" sysctl -q -w \
		net.ipv4.ip_local_port_range="30000 35999"
}
if ! setup_net 2>"$LK_TMP/net.err"; then
	cat "$LK_TMP/net.err"
	grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
		lk_skip "cannot create network namespaces here"
	lk_fatal "namespaces and veth pairs are set up"
fi
ok "namespaces $ns_relay, $ns_a, $ns_b and two veth pairs are set up"
check "the relay namespace does not forward" test "$(ip netns exec \
	"$ns_relay" sysctl -n net.ipv4.ip_forward)" = 0
check "alice has no route to bob" \
	bash -c "! ip -n $ns_a route get $b_ip >/dev/null 2>&1"
check "bob has no route to alice" \
	bash -c "! ip -n $ns_b route get $a_ip >/dev/null 2>&1"

# --- latchkeyd and kamailio in the relay namespace ------------------------

# SIP moves to 5070/5071: kamailio takes 5060 on the same address.
cat >"$LK_TMP/latchkeyd.conf" <<CONF
[System]
Address = $relay_ip
[Protocols > SIP]
UDP port = 5070
TCP port = 5070
TLS port = 5071
[Local Zone > Traversal Subzone]
Traversal Media port start = $media_lo
Traversal Media port end = $media_hi
[TURN]
TURN services = no
[Session control]
Listen = $ng
[Media]
Media timeout = 30
CONF
lk_ns_start latchkeyd "$ns_relay" "$LK_LATCHKEYD" --config "$LK_TMP/latchkeyd.conf" \
	--log-level debug
lk_wait_log latchkeyd "running \(pid" 15 ||
	lk_fatal "latchkeyd starts in $ns_relay"
ok "latchkeyd starts in $ns_relay (media $relay_ip:$media_lo-$media_hi)"
lk_ngq "$ns_relay" ping >"$LK_TMP/ping.json" || true
check "latchkeyd answers an ng ping on $ng" \
	test "$(lk_jget "$LK_TMP/ping.json" result)" = pong

mkdir -p "$LK_TMP/kamailio-run"
sed -e "s/%SIP_ADDR%/$relay_ip/g" -e "s/%SIP_PORT%/5060/g" \
	-e "s/%NG%/$ng/g" -e "s/%DEBUG%/${LK_INTEROP_KAMAILIO_DEBUG:-2}/g" \
	"$here/kamailio.cfg.in" >"$LK_TMP/kamailio.cfg"
lk_ns_start kamailio "$ns_relay" kamailio -f "$LK_TMP/kamailio.cfg" -DD -E \
	-Y "$LK_TMP/kamailio-run" -m 64 -M 8
# The rtpengine module pings its relay when it starts.
lk_wait_log kamailio "rtpengine instance <udp:$ng> found" 15 ||
	lk_fatal "kamailio starts and finds latchkeyd on udp:$ng"
ok "kamailio starts and its rtpengine module finds latchkeyd on udp:$ng"

# --- the endpoints and the call --------------------------------------------

ua_config bob "$b_ip" "$b_rtp_lo-$b_rtp_hi" "$(ua_account bob "$sip" auto)"
ua_config alice "$a_ip" "$a_rtp_lo-$a_rtp_hi" "$(ua_account alice "$sip" manual)"

# -s: the SIP trace, from which the SDP each endpoint was given is read.
# -t ends each by itself too, should this script not get to it.
lk_ns_start bob "$ns_b" baresip -s -f "$LK_TMP/bob" -t $((CALL_SECS + 90))
lk_wait_log bob "bob@[^ ]*: \{0/UDP/v4\} 200 OK" 15 ||
	lk_fatal "bob registers with kamailio"
ok "bob registers with kamailio at $sip"

lk_ns_start alice "$ns_a" baresip -s -f "$LK_TMP/alice" \
	-e "/dial sip:bob@$sip" -t $((CALL_SECS + 90))
wait_for 15 eval 'lk_has_log alice "Call established" &&
		  lk_has_log bob "Call established"' ||
	lk_fatal "alice's call to bob is established"
established=${EPOCHREALTIME/./}	# microseconds
ok "alice's call to bob is established"

callid=$(sed -n 's/.*lki: rtpengine_offer ok \([^ ]*\).*/\1/p' \
	"$LK_TMP/kamailio.log" | head -n 1)
check "kamailio's rtpengine_offer was answered by latchkeyd" \
	test -n "$callid"
check "kamailio's rtpengine_answer was answered by latchkeyd" \
	lk_has_log kamailio "lki: rtpengine_answer ok $callid \(200\)"

# --- during the call: the SDP, latchkey's list and query -------------------

read_facts
for ua in alice bob; do
	printf '     %s: %s\n' "$ua" "$(tr '\n' ' ' <"$LK_TMP/$ua.facts")"
done
check "alice offered her own address ($(fact alice sdp_sent))" eval \
	'[[ $(fact alice sdp_sent) == $a_ip:* ]]'
check "bob answered with his own address ($(fact bob sdp_sent))" eval \
	'[[ $(fact bob sdp_sent) == $b_ip:* ]]'
for ua in alice bob; do
	got=$(fact $ua sdp_received)
	check "$ua was given latchkeyd's address and an even media port ($got)" \
		eval '[[ $got == $relay_ip:* ]] && (( ${got#*:} % 2 == 0 )) &&
		      in_range "${got#*:}" $((media_lo + 2)) $media_hi'
	check "$ua's RTP comes from that address and port (symmetric RTP)" \
		test "$(fact $ua rtp_from)" = "$got"
done
check "bob got the INVITE with alice's From tag" \
	test "$(fact bob from_tag)" = "$(fact alice from_tag)"
check "alice got the 200 OK with bob's To tag" \
	test "$(fact alice to_tag)" = "$(fact bob to_tag)"

both_latched() {
	lk_ngq "$ns_relay" query call-id="$callid" >"$LK_TMP/query-during.json" 2>/dev/null &&
		[ "$(lk_legs "$LK_TMP/query-during.json" | awk '{print $4}' |
			tr '\n' ' ')" = "yes yes " ]
}
check "latchkeyd latches both legs within 5 s" wait_for 5 both_latched
sleep 3		# media flows a while before the counters are read
lk_ngq "$ns_relay" list >"$LK_TMP/list-during.json" || true
check "list shows exactly the call kamailio offered" \
	test "$(lk_jget "$LK_TMP/list-during.json" 'calls.*')" = "$callid"
lk_ngq "$ns_relay" query call-id="$callid" >"$LK_TMP/query-during.json" || true
elapsed_ms=$(((${EPOCHREALTIME/./} - established) / 1000))
elapsed=$((elapsed_ms / 1000)).$((elapsed_ms % 1000 / 100))
check "query: result ok" test "$(lk_jget "$LK_TMP/query-during.json" result)" = ok
lk_legs "$LK_TMP/query-during.json" >"$LK_TMP/legs" || true
sed 's/^/     leg: /' "$LK_TMP/legs"
check "query: two legs, audio" \
	test "$(awk '{print $7}' "$LK_TMP/legs" | tr '\n' ' ')" = "audio audio "
# The leg of each SIP tag (kamailio's from-tag, to-tag) must face that
# tag's endpoint: latched on the address it offered, relaying on the port
# latchkeyd wrote into the SDP it was given, ~50 packets/s each way
# (PCMU, 20 ms) since the call was established.
min=$((elapsed_ms * 50 * 7 / 10 / 1000))
for ua in alice bob; do
	if [ $ua = alice ]; then
		tag=$(fact alice from_tag) ip=$a_ip lo=$a_rtp_lo hi=$a_rtp_hi
	else
		tag=$(fact bob to_tag) ip=$b_ip lo=$b_rtp_lo hi=$b_rtp_hi
	fi
	ep='' lport='' latched='' pin='' pout=''
	read -r _ ep lport latched pin pout _ < <(awk -v t="${tag:-none}" \
		'$1 == t' "$LK_TMP/legs") || true
	check "query: $ua's leg (tag ${tag:-?}) is latched" \
		test "$latched" = yes
	check "query: $ua's leg is latched on what $ua offered (${ep:-?})" \
		eval '[ -n "$ep" ] && [ "$ep" = "$(fact $ua sdp_sent)" ] &&
		      [[ $ep == $ip:* ]] && in_range "${ep#*:}" $lo $hi'
	check "query: $ua's leg relays on the port $ua was given (${lport:-?})" \
		test "$lport" = "$(fact $ua sdp_received | sed 's/.*://')"
	check "query: $ua's leg: ${pin:-?} packets in, ${pout:-?} out (>= $min after ${elapsed}s)" \
		eval 'in_range "$pin" $min 1000000 && in_range "$pout" $min 1000000'
done

# --- hangup ----------------------------------------------------------------

left=$((established + CALL_SECS * 1000000 - ${EPOCHREALTIME/./}))	# us
[ "$left" -le 0 ] ||
	sleep "$((left / 1000000)).$(printf %06d $((left % 1000000)))"
ua_command "$ns_a" hangup >"$LK_TMP/hangup.json" 2>&1 || true
check "alice hangs up (ctrl_tcp: $(cat "$LK_TMP/hangup.json"))" \
	test "$(lk_jget "$LK_TMP/hangup.json" ok 2>/dev/null)" = true
check "alice sees the call end" \
	wait_for 10 lk_has_log alice "terminated \(duration"
check "bob sees the call end" wait_for 10 lk_has_log bob "terminated \(duration"
check "kamailio's rtpengine_delete on the BYE was answered ok" \
	wait_for 10 lk_has_log kamailio "lki: rtpengine_delete ok on BYE $callid"
check "latchkeyd deleted the call on request" \
	wait_for 5 lk_has_log latchkeyd "call $callid: deleted by request"
lk_ngq "$ns_relay" list >"$LK_TMP/list-after.json" || true
check "list is empty after the hangup" eval \
	'[ "$(lk_jget "$LK_TMP/list-after.json" result)" = ok ] &&
	 [ -z "$(lk_jget "$LK_TMP/list-after.json" "calls.*")" ]'
lk_ngq "$ns_relay" query call-id="$callid" >"$LK_TMP/query-after.json" || true
check "query of the call after the hangup: Unknown call-id" eval \
	'[ "$(lk_jget "$LK_TMP/query-after.json" result)" = error ] &&
	 lk_jget "$LK_TMP/query-after.json" error-reason |
		grep -q "^Unknown call-id"'

# --- after the call: the endpoints' RTP counters, latchkey's totals --------

read_facts
dur=$(fact alice duration)
check "the call lasted ${dur:-?} s (about $CALL_SECS)" \
	in_range "$dur" $((CALL_SECS - 1)) $((CALL_SECS + 5))
dur=${dur:-$CALL_SECS}
for ua in alice bob; do
	other=bob
	[ $ua = bob ] && other=alice
	tx=$(fact $ua tx_packets)
	rx=$(fact $ua rx_packets)
	otx=$(fact $other tx_packets)
	check "$ua sent ${tx:-?} RTP packets (>= $((dur * 50 * 8 / 10)))" \
		in_range "$tx" $((dur * 50 * 8 / 10)) 1000000
	check "$ua received ${rx:-?} of the ${otx:-?} $other sent (>= 90%)" \
		eval 'in_range "$rx" 1 1000000 && in_range "$otx" 1 1000000 &&
		      [ $((rx * 10)) -ge $((otx * 9)) ]'
done

lk_ngq "$ns_relay" statistics >"$LK_TMP/statistics.json" || true
t='statistics.totalstatistics'
totals() { lk_jget "$LK_TMP/statistics.json" "$1" 2>/dev/null || true; }
printf '     statistics: %s\n' "$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["statistics"]["totalstatistics"]
print(" ".join("%s=%s" % kv for kv in sorted(d.items())))' \
	"$LK_TMP/statistics.json" 2>&1)"
fwd=$(totals "$t.forwardedpackets")
rx_a=$(fact alice rx_packets)
rx_b=$(fact bob rx_packets)
rx_sum=$((${rx_a:-0} + ${rx_b:-0}))
check "forwardedpackets ${fwd:-?} >= $((dur * 2 * 50 * 8 / 10)) (2 ways x 50/s x ${dur}s)" \
	in_range "$fwd" $((dur * 2 * 50 * 8 / 10)) 1000000
check "forwardedpackets ${fwd:-?} >= the RTP packets the endpoints got ($rx_sum)" \
	in_range "$fwd" "$rx_sum" 1000000
check "droppedforeign is 0" test "$(totals "$t.droppedforeign")" = 0
check "senderrors is 0" test "$(totals "$t.senderrors")" = 0
check "no session left (sessionsown 0)" \
	test "$(totals statistics.currentstatistics.sessionsown)" = 0

# --- shut down --------------------------------------------------------------

lk_ns_stop alice	# before kamailio, which answers their un-REGISTER
lk_ns_stop bob
lk_ns_stop kamailio
lk_ns_stop latchkeyd
check "latchkeyd exits 0 on SIGTERM" test "${status[latchkeyd]}" = 0
check "latchkeyd's log has no sanitizer report" \
	bash -c "! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' \
		'$LK_TMP/latchkeyd.log'"

lk_done
