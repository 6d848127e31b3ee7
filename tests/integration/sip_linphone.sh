#!/usr/bin/env bash
# tests/integration/sip_linphone.sh  Issue 18 with a second endpoint family: linphone behind a NAT, silent but for its STUN keep-alives, called by and calling baresip through an Expressway.
#
# Four network namespaces of this run's own, all deleted on every exit path:
#
#   lkl-PID-exp  latchkeyd, Role expressway, eth0 198.51.100.2 --+
#   lkl-PID-alice  baresip alice, eth0 198.51.100.3 -------------+ pub (a bridge)
#                                                                 |
#   lkl-PID-nat  pub 198.51.100.1; lan 203.0.113.1; snat of lan's traffic to
#                198.51.100.1:40000-40999, only replies come back in
#                                                                 |
#   lkl-PID-lin  linphone-daemon carol, eth0 203.0.113.10 --------+ lan
#
# alice is a public endpoint (no NAT between her and the Expressway: her
# leg is sent to her SDP address from the start, seed "SIP call to
# endpoint with public IP address").  carol (linphone 5.1, Debian's
# linphone-cli) is behind a port-changing NAT: her SDP names 203.0.113.10,
# which nobody can reach, so her leg waits for her first packet (seed "SIP
# call to endpoint behind non SIP-aware firewall").  linphone plays no
# sound file in call 1 and then sends no RTP at all, only a STUN Binding
# request to its peer every few seconds (RFC 6263's keep-alive): the
# relay must latch on that, or alice is never heard (issue 18's
# "audio A in=604 out=0").  In call 2 carol calls alice and plays a tone.
#
# The oracle for what carol got is not linphone (its call-stats command
# ends the daemon here) but the wire: dumpcap on carol's eth0, decoded by
# tshark.  alice's own RTP statistics say what she sent and received.
#
# Environment: CI=true turns every skip into a failure; LK_LINPHONE_LIMIT
# (120) bounds the run; LK_LINPHONE_LOGS=DIR keeps every log and capture.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_skip, lk_ns_start, lk_ns_stop, lk_ngq, lk_jget, lk_legs
source "$here/lib/baresip.sh"	# ua_config, ua_account, ua_command, ua_facts, fact

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft baresip linphone-daemon dumpcap tshark python3; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done

LIMIT=${LK_LINPHONE_LIMIT:-120}
CALL_SECS=4
id=$$
ns_nat=lkl-$id-nat
ns_exp=lkl-$id-exp
ns_alice=lkl-$id-alice
ns_lin=lkl-$id-lin
nat_pub=198.51.100.1
exp_ip=198.51.100.2
alice_ip=198.51.100.3
nat_lan=203.0.113.1
carol_ip=203.0.113.10
carol_rtp=7078
probe_ip=198.51.100.5	# a third address, in alice's namespace
ng=127.0.0.1:2223
pipe=lkl-$id	# linphone-daemon's command socket, /tmp/$pipe

lkl_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	lk_watchdog_end
	lk_ns_stop_all
	rm -f "/tmp/$pipe"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in exp alice; do show_log "$p" 40; done
		tail -n 30 "$LK_TMP/carol.log" 2>/dev/null || true
	fi
	if [ -n "${LK_LINPHONE_LOGS:-}" ]; then
		mkdir -p "$LK_LINPHONE_LOGS"
		cp "$LK_TMP"/*.log "$LK_TMP"/*.json "$LK_TMP"/*.pcapng \
			"$LK_TMP"/*.txt "$LK_LINPHONE_LOGS"/ 2>/dev/null || true
	fi
	lk_cleanup
	exit "$rc"
}
trap lkl_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lk_watchdog "$LIMIT"

# --- the network -------------------------------------------------------------

lk_ns_reap lkl
setup_net() {
	local ns
	for ns in "$ns_nat" "$ns_exp" "$ns_alice" "$ns_lin"; do
		lk_ns_add "$ns" || return 1
	done
	ip -n "$ns_nat" link add pub type bridge &&
	ip -n "$ns_nat" link set pub up &&
	ip -n "$ns_nat" addr add "$nat_pub/25" dev pub &&
	veth "$ns_nat" p-exp "$ns_exp" eth0 &&
	veth "$ns_nat" p-alice "$ns_alice" eth0 &&
	ip -n "$ns_nat" link set p-exp master pub &&
	ip -n "$ns_nat" link set p-alice master pub &&
	ip -n "$ns_exp" addr add "$exp_ip/25" dev eth0 &&
	ip -n "$ns_alice" addr add "$alice_ip/25" dev eth0 &&
	ip -n "$ns_alice" addr add "$probe_ip/25" dev eth0 &&
	veth "$ns_nat" lan "$ns_lin" eth0 &&
	ip -n "$ns_nat" addr add "$nat_lan/25" dev lan &&
	ip -n "$ns_lin" addr add "$carol_ip/25" dev eth0 &&
	ip -n "$ns_lin" route add default via "$nat_lan" &&
	ip netns exec "$ns_nat" sysctl -q -w net.ipv4.ip_forward=1 &&
	ip netns exec "$ns_exp" sysctl -q -w \
		net.ipv4.ip_local_port_range="30000 35999" &&
	# "pub" to "pub" is the bridge's own traffic (alice and the
	# Expressway): it meets these hooks only where the host has
	# br_netfilter loaded, and is neither forwarded nor translated.
	ip netns exec "$ns_nat" nft -f - <<NFT
table ip lk_nat {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "pub" oifname "pub" accept
		iifname "lan" oifname "pub" accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		iifname "lan" oifname "pub" meta l4proto { tcp, udp } snat to $nat_pub:40000-40999
	}
}
NFT
}
if ! setup_net 2>"$LK_TMP/net.err"; then
	cat "$LK_TMP/net.err"
	grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
		lk_skip "cannot create network namespaces here"
	lk_fatal "namespaces, links and the NAT's nftables rules are set up"
fi
ok "four namespaces (lkl-$id-*) and the NAT's rules are set up"
check "the Expressway has no route to carol's own address" \
	eval '! ip -n "$ns_exp" route get "$carol_ip" >/dev/null 2>&1'

# --- the Expressway, alice, carol ---------------------------------------------

cat >"$LK_TMP/exp.conf" <<CONF
[System]
Role = expressway
Address = $exp_ip
[Registrar]
Domain = external.example
[Session control]
Listen = $ng
CONF
lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "the Expressway's latchkeyd starts in $ns_exp"
ok "the Expressway's latchkeyd starts in $ns_exp"

ua_config alice "$alice_ip" 10000-10019 \
	"<sip:alice@external.example;transport=udp>;outbound=\"sip:$exp_ip:5060;transport=udp\";regint=60;answermode=auto;audio_codecs=PCMU"
lk_ns_start alice "$ns_alice" baresip -s -f "$LK_TMP/alice" -t "$LIMIT"

# linphone: one account with the Expressway as proxy and route, RTP on a
# fixed port, auto-answer.  Its database and any state go under $LK_TMP.
mkdir -p "$LK_TMP/carol-home/.local/share/linphone"
cat >"$LK_TMP/carol.rc" <<RC
[sip]
sip_port=5060
default_proxy=0
[rtp]
audio_rtp_port=$carol_rtp
[proxy_0]
reg_proxy=<sip:$exp_ip;transport=udp>
reg_route=<sip:$exp_ip;transport=udp;lr>
reg_identity=sip:carol@external.example
reg_expires=3600
reg_sendregister=1
RC
python3 - "$LK_TMP/tone.wav" <<'PY'	# 20 s of 600 Hz, 8 kHz mono
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 600 * i / 8000)))
                       for i in range(8000 * 20)))
PY
# Everything carol's interface carries except SIP, from before her first call.
lk_ns_start cap "$ns_lin" dumpcap -q -i eth0 -f "udp and not port 5060" \
	-w "$LK_TMP/carol.pcapng"
lk_ns_start carol "$ns_lin" env HOME="$LK_TMP/carol-home" linphone-daemon \
	--config "$LK_TMP/carol.rc" --pipe "$pipe" --log "$LK_TMP/carol-debug.log" \
	--auto-answer

# One command to linphone-daemon over its socket; its reply on stdout.
lin() {	# lin COMMAND...
	python3 - "/tmp/$pipe" "$*" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
end = time.time() + 5
try:	# the reply is "Status: ..." lines up to an empty line
    while b"\n\n" not in buf and time.time() < end:
        d = s.recv(4096)
        if not d:
            break
        buf += d
except socket.timeout:
    pass
print(buf.decode(errors="replace"))
PY
}
# Whether linphone-daemon's reply to COMMAND has LINE (read in full first:
# grep -q would close the pipe under the writer).
lin_says() {	# lin_says LINE COMMAND...
	local want=$1 r
	shift
	r=$(lin "$@" 2>&1) || true
	grep -qF -- "$want" <<<"$r"
}

check "alice is registered (baresip: 200 OK)" \
	lk_wait_log alice "alice@external.example: \{0/UDP/v4\} 200 OK" 10
check "carol (linphone) is bound by the Expressway via the NAT's $nat_pub" \
	lk_wait_log exp "sip:carol@external.example: bound .* via UDP $nat_pub:[0-9]+" 15
check "linphone says it is registered" wait_for 5 \
	lin_says LinphoneRegistrationOk register-status ALL

# The one call the Expressway has, queried into $LK_TMP/query-N.json and
# its legs into $LK_TMP/legs-N (lk_legs' columns); carol's leg is the one
# whose SDP address is hers.
one_call() {	# one_call N
	local c
	lk_ngq "$ns_exp" list >"$LK_TMP/list-$1.json" 2>/dev/null || return 1
	c=$(lk_jget "$LK_TMP/list-$1.json" 'calls.*')
	[ "$(grep -c . <<<"$c")" = 1 ] || return 1
	lk_ngq "$ns_exp" query call-id="$c" >"$LK_TMP/query-$1.json" 2>/dev/null &&
		lk_legs "$LK_TMP/query-$1.json" >"$LK_TMP/legs-$1"
}
# A field of the ng query's stream whose SDP names ADDR.
stream_of() {	# stream_of N ADDR KEY
	python3 - "$LK_TMP/query-$1.json" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d.get("tags", {}).values():
    for m in t.get("medias", []):
        for s in m.get("streams", []):
            if s.get("sdp endpoint", {}).get("address") == sys.argv[2]:
                v = s.get(sys.argv[3], s.get("stats", {}).get(sys.argv[3]))
                print(v if v is not None else "")
PY
}
# Packets in carol's capture: FILTER is a tshark display filter.
on_wire() {	# on_wire FILTER
	tshark -r "$LK_TMP/carol.pcapng" -d "udp.port==$carol_rtp,rtp" -Y "$1" 2>/dev/null |
		grep -c . || true
}

# --- call 1: alice calls carol, who sends only STUN ----------------------------

off_a=$(lk_logsize alice)
ua_command "$ns_alice" dial "sip:carol@external.example" >"$LK_TMP/dial-1.json" 2>&1 || true
check "call 1: alice's baresip takes the dial" test "$(lk_jget "$LK_TMP/dial-1.json" ok)" = true
check "call 1: established (alice)" wait_for 15 lk_has_log_since alice "$off_a" "Call established"
sleep "$CALL_SECS"
one_call 1 || true
sed 's/^/     leg: /' "$LK_TMP/legs-1" 2>/dev/null || true
check "call 1: carol's leg is latched on the NAT's address, not her SDP's ($(stream_of 1 $carol_ip latched) $(stream_of 1 $carol_ip "sending"))" \
	test "$(stream_of 1 "$carol_ip" "sending")" = "latched on STUN"
check "call 1: carol sent the relay a few STUN packets, no RTP's 50/s (packets in: $(stream_of 1 $carol_ip packets))" \
	in_range "$(stream_of 1 "$carol_ip" packets)" 1 $((CALL_SECS * 50 / 4))
c1_out=$(stream_of 1 "$carol_ip" "packets out")
check "call 1: the relay sent alice's audio to carol ($c1_out packets in ${CALL_SECS}+ s)" \
	in_range "${c1_out:-0}" $((CALL_SECS * 50 * 8 / 10)) 100000
check "call 1: alice's leg (no NAT) is latched on her own address, from her SDP" \
	eval 'grep -q " $alice_ip:[0-9]* [0-9]* yes " "$LK_TMP/legs-1"'
check "call 1: carol's leg is latched on the NAT's address" \
	eval 'grep -q " $nat_pub:[0-9]* [0-9]* yes " "$LK_TMP/legs-1"'
# An RTP-bleed probe from a third address at carol's latched relay port:
# it must get nothing back, move nothing, and be counted.
carol_port=$(stream_of 1 "$carol_ip" "local port")
err0=$(stream_of 1 "$carol_ip" errors)
latched0=$(grep " $nat_pub:" "$LK_TMP/legs-1" | awk '{ print $2 }')
got=$(ip netns exec "$ns_alice" python3 - "$probe_ip" "$exp_ip" "${carol_port:-9}" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0)); s.settimeout(1.0)
for i in range(20):	# RTP v2, PCMU, ssrc 0xbad
    s.sendto(struct.pack("!BBHII", 0x80, 0, i, i * 160, 0xbad) + bytes(160),
             (sys.argv[2], int(sys.argv[3])))
n = 0
try:
    while True:
        s.recv(2048); n += 1
except socket.timeout:
    pass
print(n)
PY
)
one_call 1p || true
check "call 1: a probe from $probe_ip to carol's relay port ${carol_port:-?} gets nothing back ($got)" \
	test "$got" = 0
check "call 1: ... and the leg stays latched on $latched0" \
	eval 'grep -q " $latched0 [0-9]* yes " "$LK_TMP/legs-1p"'
check "call 1: ... and its 20 packets are counted as dropped ($err0 -> $(stream_of 1p $carol_ip errors))" \
	in_range "$(( $(stream_of 1p "$carol_ip" errors) - err0 ))" 20 20
ua_command "$ns_alice" hangup >/dev/null 2>&1 || true
check "call 1: alice sees the call end" wait_for 10 lk_has_log_since alice "$off_a" "terminated \(duration"
check "call 1: the Expressway deletes it" wait_for 5 eval \
	'lk_ngq "$ns_exp" list 2>/dev/null | grep -q "\"calls\": \[\]"'

# --- call 2: carol calls alice and plays a tone --------------------------------

off_a=$(lk_logsize alice)
check "call 2: linphone takes 'call sip:alice@external.example'" \
	lin_says "Status: Ok" call sip:alice@external.example
check "call 2: established (alice)" wait_for 15 lk_has_log_since alice "$off_a" "Call established"
check "call 2: linphone's streams run" wait_for 5 \
	lin_says LinphoneCallStreamsRunning call-status
check "call 2: linphone plays a tone into the call" \
	lin_says "Status: Ok" incall-player-start "$LK_TMP/tone.wav"
sleep "$CALL_SECS"
one_call 2 || true
sed 's/^/     leg: /' "$LK_TMP/legs-2" 2>/dev/null || true
check "call 2: carol's leg latched on her RTP or STUN ($(stream_of 2 $carol_ip "sending"))" \
	eval '[[ "$(stream_of 2 "$carol_ip" "sending")" == "latched on "@(RTP|STUN) ]]'
check "call 2: the relay forwarded carol's tone ($(stream_of 2 $carol_ip packets) packets in)" \
	in_range "$(stream_of 2 "$carol_ip" packets)" $((CALL_SECS * 50 * 7 / 10)) 100000
check "call 2: and alice's audio to carol ($(stream_of 2 $carol_ip "packets out") packets out)" \
	in_range "$(stream_of 2 "$carol_ip" "packets out")" $((CALL_SECS * 50 * 7 / 10)) 100000
lin terminate >/dev/null || true
check "call 2: alice sees carol's BYE" wait_for 10 lk_has_log_since alice "$off_a" "terminated \(duration"
sleep 0.5	# rtp_stats follow the "terminated" line
ua_facts alice "$exp_ip:5060" "$off_a" 2
check "call 2: alice received carol's tone ($(fact alice-2 rx_packets) RTP packets)" \
	in_range "$(fact alice-2 rx_packets)" $((CALL_SECS * 50 * 7 / 10)) 100000

# --- the wire at carol's interface ---------------------------------------------

lk_ns_stop cap
tshark -r "$LK_TMP/carol.pcapng" -d "udp.port==$carol_rtp,rtp" \
	>"$LK_TMP/carol-wire.txt" 2>&1 || true
stun_req=$(on_wire "stun.type == 0x0001 && ip.src == $carol_ip")
stun_ok=$(on_wire "stun.type == 0x0101 && ip.dst == $carol_ip && ip.src == $exp_ip")
rtp_in=$(on_wire "rtp && ip.dst == $carol_ip && udp.dstport == $carol_rtp && ip.src == $exp_ip")
rtp_out=$(on_wire "rtp && ip.src == $carol_ip")
echo "     carol's wire: STUN requests $stun_req, answers $stun_ok, RTP in $rtp_in, RTP out $rtp_out"
check "tshark: carol sent STUN Binding requests to the relay" in_range "$stun_req" 2 1000
check "tshark: the relay answered them (Binding success)" in_range "$stun_ok" 2 1000
check "tshark: carol received the relay's RTP on $carol_rtp (both calls)" \
	in_range "$rtp_in" $((c1_out * 9 / 10 + CALL_SECS * 50 * 7 / 10)) 100000
check "tshark: carol sent RTP only in call 2 (the tone): $rtp_out" \
	in_range "$rtp_out" $((CALL_SECS * 50 * 7 / 10)) 100000
check "tshark: nothing carol got is malformed" \
	eval '! grep -qi "malformed" "$LK_TMP/carol-wire.txt"'

check "SIGTERM stops latchkeyd" eval 'lk_ns_stop exp; [ "${status[exp]}" = 0 ]'
check "no sanitizer report" eval '! grep -q Sanitizer "$LK_TMP/exp.log"'
lk_done
