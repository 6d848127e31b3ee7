#!/usr/bin/env bash
# tests/integration/h323_zone_call.sh  Issue 13: H.323 calls both ways across a traversal zone: private endpoint -> Control -> firewall -> Expressway -> endpoint in the DMZ, and back by SCI, fastStart, RTP counted.
#
# Three network namespaces of this run's own, deleted on every exit path:
#
#   lkz-PID-ctl                  lkz-PID-fw (nftables)       lkz-PID-exp
#   latchkeyd, Role control      lan 192.0.2.1              latchkeyd, Role expressway
#   alice (lk-h323ep) .10        dmz 198.51.100.1           bob (lk-h323ep) .10
#   eth0 192.0.2.2 -------------+           +-------------- eth0 198.51.100.2
#
# The firewall forwards new flows only from the private network to the
# Expressway's UDP 6001, TCP 1720 and 2777 and UDP 36000-59999 (seed, "H.323
# traversal call using H.460.18 / 19"); a new flow from the DMZ to the
# private network is counted and dropped.  alice registers to the Control,
# bob to the Expressway; the Control routes bob@* into zone 1, the
# Expressway alice@*.
#
# Checked: the zone registers; alice calls bob (Setup out from the
# Control's call signalling range to the Expressway's 1720) and bob calls
# alice (the Expressway's SCI to the Control's 1719 from 6001, the SCR,
# the Control's connection out to 1720 with a Facility naming the call,
# the Setup back on it), each with fastStart G.711 and RTP both ways
# counted at both endpoints and between the relays in both directions;
# nothing ever came in from the DMZ, not even media before the Control's
# (counted apart); tshark decodes every RAS and H.225.0
# message with no Malformed or expert warning.
#
# Environment: CI=true turns every skip into a failure.  LK_ZONE_LOGS=DIR
# keeps every log and the capture.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"
source "$here/lib/tshark.sh"

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft tshark dumpcap python3; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done
: "${LK_H323EP:?run through ctest, which sets LK_H323EP}"

id=$$
ns_ctl=lkz-$id-ctl
ns_fw=lkz-$id-fw
ns_exp=lkz-$id-exp
ctl_ip=192.0.2.2
fw_lan=192.0.2.1
fw_dmz=198.51.100.1
exp_ip=198.51.100.2
zone_port=6001
ng=127.0.0.1:42500	# each relay's, on its own namespace's loopback
mgmt_port=42501		# each relay's management HTTP port
ka=10			# the zone's Keep-alive interval: timeToLive
retry=3			# the zone's Retry interval
alice_ip=192.0.2.10
bob_ip=198.51.100.10
pcap=$LK_TMP/zone.pcapng

source "$here/lib/zonenet.sh"
lk_watchdog 120
lk_ns_reap lkz
zone_net_up

# --- the relays ---------------------------------------------------------------

conf() {	# conf ROLE ADDRESS ROUTE [PEER]
	cat <<CONF
[System]
Role = $1
Address = $2
[Local Zone > Traversal Subzone]
Traversal Media port start = 36000
Traversal Media port end = 36999
[Session control]
Listen = $ng
[Management]
Address = 127.0.0.1
HTTP port = $mgmt_port
HTTPS port = 42502
[Zones > Traversal Zone 1]
Username = ctl-zone
Password = zone-secret-9Qx
Keep-alive interval = $ka
Retry interval = $retry
${4:+Peer address = $4}
[Dial plan]
Route 1 = $3 zone 1
CONF
}
conf control "$ctl_ip" 'bob@*' "$exp_ip" >"$LK_TMP/ctl.conf"
conf expressway "$exp_ip" 'alice@*' >"$LK_TMP/exp.conf"
for r in ctl exp; do
	"$LK_LATCHKEYD" --check-config --config "$LK_TMP/$r.conf" \
		>"$LK_TMP/$r-check.txt" 2>&1 || { cat "$LK_TMP/$r-check.txt"; lk_fatal "latchkeyd accepts $r.conf"; }
done
ok "latchkeyd accepts both configurations"

lk_ns_start dumpcap "$ns_fw" dumpcap -q -i lan -i dmz -w "$pcap"
wait_for 10 test -s "$pcap" || lk_fatal "dumpcap captures in $ns_fw"

lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "the Expressway's latchkeyd starts"
lk_ns_start ctl "$ns_ctl" "$LK_LATCHKEYD" --config "$LK_TMP/ctl.conf" --log-level debug
lk_wait_log ctl "running \(pid" 10 || lk_fatal "the Control's latchkeyd starts"
lk_wait_log ctl "zone 1: registered to the Expressway at $exp_ip:$zone_port" 10 ||
	lk_fatal "the Control registers zone 1 to $exp_ip:$zone_port"
ok "the Control registers zone 1 to $exp_ip:$zone_port"

# One call: CALLEE answers in its namespace, CALLER calls it.
call() {	# call NAME CALLER_NS CALLER_IP CALLER_GK CALLER CALLEE_NS CALLEE_IP CALLEE_GK CALLEE
	local n=$1
	lk_ns_start "$n-callee" "$6" "$LK_H323EP" --addr "$7" --alias "$9" \
		--gk "$8" --answer --seconds 3 --timeout 20 --json
	sleep 1.5	# the callee registers first
	lk_ns_start "$n-caller" "$2" "$LK_H323EP" --addr "$3" --alias "$5" \
		--gk "$4" --call "$9" --seconds 3 --timeout 20 --json
	wait "${pid[$n-caller]}" && st=0 || st=$?
	wait "${pid[$n-callee]}" && st2=0 || st2=$?
	unset "pid[$n-caller]" "pid[$n-callee]"
	echo "     caller: $(tail -n 1 "$LK_TMP/$n-caller.log")"
	echo "     callee: $(tail -n 1 "$LK_TMP/$n-callee.log")"
	check "$n: the caller's call connected, RTP came back (exit $st)" test "$st" = 0
	check "$n: the callee's too (exit $st2)" test "$st2" = 0
	for side in caller callee; do
		check "$n: the $side received at least 100 of ~150 RTP packets" python3 -c '
import json, sys
j = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
sys.exit(0 if j["connected"] and j["rtp_received"] >= 100 else 1)' "$LK_TMP/$n-$side.log"
	done
}

# --- alice (private) calls bob (DMZ) -----------------------------------------------

call out "$ns_ctl" "$alice_ip" "$ctl_ip" alice "$ns_exp" "$bob_ip" "$exp_ip" bob
check "the Control routed it into zone 1" \
	lk_has_log ctl "Route 1, traversal zone 1"

# --- bob (DMZ) calls alice (private): SCI, Facility, Setup ----------------------------

call in "$ns_exp" "$bob_ip" "$exp_ip" bob "$ns_ctl" "$alice_ip" "$ctl_ip" alice
check "the Expressway routed it into zone 1 and held the Setup" \
	lk_has_log exp "Route 1, traversal zone 1"
check "the Control connected out for the SCI's call" \
	lk_has_log ctl "a call by SCI of a traversal zone: connecting to $exp_ip:1720"
check "the Expressway saw the Control pick it up" \
	lk_has_log exp "the H.460.18 endpoint connected from $ctl_ip:"

check "nothing came in from the DMZ: no connection, no RAS (dmz_to_private_new $(fw_counter dmz_to_private_new))" \
	test "$(fw_counter dmz_to_private_new)" = 0
# The Expressway's relay waits for the Control's media before it sends
# any (LK_MF_NAT_WAIT for a zone's legs), so not even media knocks.
check "no media came in from the DMZ before the Control's (dmz_to_private_media $(fw_counter dmz_to_private_media))" \
	test "$(fw_counter dmz_to_private_media)" = 0
sleep 1
lk_ns_stop dumpcap

# --- tshark's verdict ---------------------------------------------------------

LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=(-d "udp.port==$zone_port,h225")
tshark -r "$pcap" "${LK_TSHARK_ARGS[@]}" -Y "h225 || q931 || tpkt" -V \
	>"$LK_TMP/decode.txt" 2>/dev/null
check "tshark decodes every RAS and H.225.0 message: no Malformed, no expert warning" \
	eval 'test -s "$LK_TMP/decode.txt" && lk_tshark_no_expert "$LK_TMP/decode.txt"'
sci=$(lk_tshark_fields "h225.serviceControlIndication_element" ip.src udp.srcport ip.dst udp.dstport | sort -u)
check "one SCI from $exp_ip:$zone_port to $ctl_ip:1719 ($sci)" test "$sci" = "$exp_ip|$zone_port|$ctl_ip|1719"
check "... answered by an SCR from 1719" eval \
	'[ -n "$(lk_tshark_fields "h225.serviceControlResponse_element && ip.src == $ctl_ip && udp.srcport == 1719" frame.number)" ]'
fac=$(lk_tshark_fields "q931.message_type == 0x62 && ip.src == $ctl_ip" tcp.srcport tcp.dstport h225.guid | head -1)
check "the Control's Facility goes from its call signalling range to 1720 ($fac)" \
	eval '[[ $fac =~ ^(1[5-9][0-9]{3})\|1720\|. ]]'
setups=$(lk_tshark_fields "q931.message_type == 0x05" ip.src ip.dst tcp.dstport | sort | tr '\n' ' ')
check "Setups: the Control's to 1720, the Expressway's back on the Control's connection ($setups)" \
	eval '[[ $setups == *"$ctl_ip|$exp_ip|1720"* && $setups == *"$exp_ip|$ctl_ip|1"[5-9]* ]]'
rtp_up=$(tshark -r "$pcap" -Y "udp && ip.src == $ctl_ip && udp.dstport >= 36000 && udp.dstport <= 36999" 2>/dev/null | wc -l)
rtp_down=$(tshark -r "$pcap" -Y "udp && ip.src == $exp_ip && udp.srcport >= 36000 && udp.srcport <= 36999" 2>/dev/null | wc -l)
check "media between the relays: Control -> Expressway $rtp_up packets (>= 200)" test "$rtp_up" -ge 200
check "... Expressway -> Control $rtp_down packets (>= 200)" test "$rtp_down" -ge 200

lk_done
