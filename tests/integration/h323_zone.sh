#!/usr/bin/env bash
# tests/integration/h323_zone.sh  Issue 13: the H.323 side of a traversal zone: the Control registers out to the Expressway's 6001 through a firewall, keeps it alive, survives expiry and an Expressway restart.
#
# Three network namespaces of this run's own, deleted on every exit path
# (PID is this script's):
#
#   lkz-PID-ctl              lkz-PID-fw (nftables)           lkz-PID-exp
#   latchkeyd, Role control  lan 192.0.2.1 | dmz 198.51.100.1  latchkeyd, Role expressway
#   eth0 192.0.2.2 ----------+            +----------------- eth0 198.51.100.2
#
# The firewall forwards new flows only from the private network to the
# Expressway's UDP 6001, TCP 1720 and 2777 and UDP 36000-59999 (seed, "H.323
# traversal call using H.460.18 / 19"), and what belongs to them back; a
# new flow from the DMZ to the private network is counted and dropped.
#
# Checked: the Control registers from its RAS port 1719 to 6001 with the
# zone's credentials (an H.235 cryptoEPPwdHash, the password never on the
# wire) and refreshes with keep-alive RRQs; both sides' /status show the
# zone's H.323 state; tshark decodes every RAS message on 6001 with no
# Malformed or expert warning; garbage and a registration with a wrong
# password on 6001 are counted and refused, the daemon lives on; when the
# firewall drops the zone for longer than the registration lives, the
# Control re-registers after its Retry interval; after an Expressway
# restart it registers again; nothing ever came in from the DMZ.
#
# Environment: CI=true turns every skip into a failure.  LK_ZONE_LOGS=DIR
# keeps every log and the capture.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"
source "$here/lib/tshark.sh"

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft tshark dumpcap curl python3; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done

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
ka=2			# the zone's Keep-alive interval: timeToLive
retry=3			# the zone's Retry interval
pcap=$LK_TMP/zone.pcapng

source "$here/lib/zonenet.sh"
lk_watchdog 150
lk_ns_reap lkz
zone_net_up

# --- the relays ---------------------------------------------------------------

conf() {	# conf ROLE ADDRESS PASSWORD [PEER]
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
Password = $3
Keep-alive interval = $ka
Retry interval = $retry
${4:+Peer address = $4}
CONF
}
conf control "$ctl_ip" 'zone-secret-9Qx' "$exp_ip" >"$LK_TMP/ctl.conf"
conf expressway "$exp_ip" 'zone-secret-9Qx' >"$LK_TMP/exp.conf"
for r in ctl exp; do
	"$LK_LATCHKEYD" --check-config --config "$LK_TMP/$r.conf" \
		>"$LK_TMP/$r-check.txt" 2>&1 || { cat "$LK_TMP/$r-check.txt"; lk_fatal "latchkeyd accepts $r.conf"; }
done
ok "latchkeyd accepts both configurations"

lk_ns_start dumpcap "$ns_fw" dumpcap -q -i lan -i dmz -w "$pcap"
wait_for 10 test -s "$pcap" || lk_fatal "dumpcap captures in $ns_fw"

status() {	# status ROLE: /status JSON into $LK_TMP/ROLE-status.json
	local ns=$ns_ctl
	[ "$1" = exp ] && ns=$ns_exp
	ip netns exec "$ns" curl -sf "http://127.0.0.1:$mgmt_port/status" \
		>"$LK_TMP/$1-status.json"
}
zone_field() {	# zone_field ROLE FIELD: zones[0].h323.FIELD of /status
	status "$1" && python3 -c '
import json, sys
z = json.load(open(sys.argv[1]))["zones"][0]["h323"]
print(z[sys.argv[2]] if z else "null")' "$LK_TMP/$1-status.json" "$2"
}
registered() { [ "$(zone_field "$1" state 2>/dev/null)" = registered ]; }

lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "the Expressway's latchkeyd starts"
check "the Expressway serves the zone's H.323 port UDP $exp_ip:$zone_port" \
	ip netns exec "$ns_exp" bash -c "$(declare -f lk_bound); lk_bound ${pid[exp]} udp $exp_ip:$zone_port"
lk_ns_start ctl "$ns_ctl" "$LK_LATCHKEYD" --config "$LK_TMP/ctl.conf" --log-level debug
lk_wait_log ctl "running \(pid" 10 || lk_fatal "the Control's latchkeyd starts"

# --- registration and keep-alive ------------------------------------------------

check "the Control logs zone 1 registered to $exp_ip:$zone_port" \
	lk_wait_log ctl "zone 1: registered to the Expressway at $exp_ip:$zone_port \(timeToLive $ka s\)" 10
check "the Expressway logs the traversal client registered from $ctl_ip:1719" \
	lk_wait_log exp "zone 1: the traversal client registered from $ctl_ip:1719" 5
check "the Control's /status: zone 1 H.323 registered (client)" registered ctl
check "... peer $exp_ip:$zone_port" test "$(zone_field ctl peer)" = "$exp_ip:$zone_port"
check "the Expressway's /status: zone 1 H.323 registered (server), peer $ctl_ip:1719" \
	test "$(zone_field exp peer)" = "$ctl_ip:1719"
check "latchkey status shows the zone's H.323 side" eval \
	'st=$(ip netns exec "$ns_ctl" "$LK_LATCHKEY" status --url "http://127.0.0.1:$mgmt_port") &&
		grep -q "H.323 (client): registered since .*, peer $exp_ip:$zone_port" <<<"$st"'
sleep $((ka * 2))
check "keep-alive RRQs refresh it (the Control's keepalives >= 2)" \
	eval '[ "$(zone_field ctl keepalives)" -ge 2 ]'
check "... the Expressway took them (its keepalives >= 2)" \
	eval '[ "$(zone_field exp keepalives)" -ge 2 ]'
check "... and its last keep-alive is recent" eval \
	'[ $(( $(date +%s) - $(zone_field exp last_keepalive) )) -le $ka ]'
check "the password never appears in a log" \
	eval '! grep -q "zone-secret-9Qx" "$LK_TMP/ctl.log" "$LK_TMP/exp.log"'

# --- bad input on 6001 ----------------------------------------------------------

# A stranger in the private network: garbage, then a full RRQ with the
# right name and a wrong password (its token built by the project's own
# codec through lk-h323ep would be nicer; Python's bytes are enough for
# garbage, and the wrong password comes from a second Control).
ip netns exec "$ns_ctl" python3 - "$exp_ip" "$zone_port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 42510))
for p in (b"", b"\x00", b"\xff" * 64, b"\x0e\x00" + b"\x41" * 300, bytes(range(256))):
    s.sendto(p, (sys.argv[1], int(sys.argv[2])))
PY
conf control "$ctl_ip" 'wrong-password' "$exp_ip" |
	sed -e "s/^Listen = .*/Listen = 127.0.0.1:42503/" \
	    -e "s/^HTTP port = .*/HTTP port = 42504/" \
	    -e "s/^HTTPS port = .*/HTTPS port = 42505/" >"$LK_TMP/bad.conf"
cat >>"$LK_TMP/bad.conf" <<CONF
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 42511
Call signaling port range start = 42520
Call signaling port range end = 42529
[Protocols > H.323]
Call signaling TCP port = 42512
[Protocols > SIP]
UDP port = 42513
TCP port = 42513
TLS port = 42514
TCP outbound port start = 42530
TCP outbound port end = 42539
[Zones > Traversal Zone 1]
SIP port = 42515
CONF
lk_ns_start bad "$ns_ctl" "$LK_LATCHKEYD" --config "$LK_TMP/bad.conf" --log-level debug
check "a Control with the wrong password is refused (securityDenial)" \
	lk_wait_log bad "zone 1: the Expressway at $exp_ip:$zone_port rejected our registration \(securityDenial: check the zone's Username and Password\)" 10
check "... the Expressway says why, without the password" \
	lk_wait_log exp "zone 1: RRQ from $ctl_ip:42511 refused: wrong password" 5
lk_ns_stop bad
check "the Expressway counted the refused registration (denied >= 1)" \
	eval '[ "$(zone_field exp denied)" -ge 1 ]'
check "... and the garbage (malformed >= 4)" \
	eval '[ "$(zone_field exp malformed)" -ge 4 ]'
check "the Expressway lives on" lk_alive exp
metrics() {	# metrics ROLE: /metrics
	local ns=$ns_ctl
	[ "$1" = exp ] && ns=$ns_exp
	ip netns exec "$ns" curl -sf "http://127.0.0.1:$mgmt_port/metrics"
}
check "/metrics: the Expressway's zone 1 H.323 side registered, the refusal counted" eval \
	'm=$(metrics exp) && grep -qx "latchkey_zone_h323_registered{zone=\"1\"} 1" <<<"$m" &&
		grep -Eq "^latchkey_zone_h323_denied_total\{zone=\"1\"\} [1-9]" <<<"$m"'
check "/metrics: the Control's zone 1 H.323 side registered" eval \
	'm=$(metrics ctl) && grep -qx "latchkey_zone_h323_registered{zone=\"1\"} 1" <<<"$m"'
check "the real Control is still registered" registered exp

# --- expiry: the firewall drops the zone for longer than it lives ----------------

ip netns exec "$ns_fw" nft insert rule inet lk_fw forward udp dport $zone_port drop
ip netns exec "$ns_fw" nft insert rule inet lk_fw forward udp sport $zone_port drop
off=$(lk_logsize ctl)
check "the Control notices the silence and waits its Retry interval" \
	wait_for 15 lk_has_log_since ctl "$off" "zone 1: no answer from the Expressway at $exp_ip:$zone_port to 3 RRQs; trying again in $retry s"
check "the Expressway's registration expired (unregistered in /status)" \
	wait_for 5 eval '! registered exp'
check "... and the Control's /status says unregistered" eval '! registered ctl'
ip netns exec "$ns_fw" nft flush chain inet lk_fw forward
ip netns exec "$ns_fw" nft -f - <<NFT
add rule inet lk_fw forward ct state established,related accept
add rule inet lk_fw forward iifname "lan" oifname "dmz" ip daddr $exp_ip udp dport $zone_port ct state new counter name zone_ras_new accept
add rule inet lk_fw forward iifname "lan" oifname "dmz" ip daddr $exp_ip tcp dport { 1720, 2777 } ct state new counter name private_to_dmz_new accept
add rule inet lk_fw forward iifname "lan" oifname "dmz" ip daddr $exp_ip udp dport 36000-59999 ct state new counter name private_to_dmz_new accept
add rule inet lk_fw forward iifname "dmz" oifname "lan" counter name dmz_to_private_new drop
add rule inet lk_fw forward counter name other_dropped drop
NFT
check "the Control registers again once the path is back" \
	lk_wait_log ctl "zone 1: registered to the Expressway" $((retry * 3 + 5)) 2
check "... both /status say registered" wait_for 5 eval 'registered ctl && registered exp'

# --- the Expressway restarts ---------------------------------------------------

lk_ns_stop exp
check "the Expressway stopped cleanly" test "${status[exp]}" = 0
mv "$LK_TMP/exp.log" "$LK_TMP/exp-first.log"
sleep 1
lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "the Expressway's latchkeyd starts again"
check "the Control registers to the new Expressway" \
	lk_wait_log ctl "zone 1: registered to the Expressway" $((retry * 3 + 10)) 3
check "the new Expressway logs the traversal client" \
	lk_wait_log exp "zone 1: the traversal client registered from $ctl_ip:1719" 5
check "... and shows it registered" wait_for 5 registered exp
check "nothing came in from the DMZ (dmz_to_private_new $(fw_counter dmz_to_private_new))" \
	test "$(fw_counter dmz_to_private_new)" = 0
check "the Control's zone flow went out through the firewall (zone_ras_new $(fw_counter zone_ras_new))" \
	in_range "$(fw_counter zone_ras_new)" 1 100
sleep 1
lk_ns_stop dumpcap

# --- tshark's verdict ---------------------------------------------------------

LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=(-d "udp.port==$zone_port,h225")
# The garbage (from 42510) is the one thing that may not decode.
tshark -r "$pcap" "${LK_TSHARK_ARGS[@]}" -Y "h225 && udp.srcport != 42510" \
	-V >"$LK_TMP/decode.txt" 2>/dev/null
check "tshark decodes every RAS message on $zone_port: no Malformed, no expert warning" \
	eval 'test -s "$LK_TMP/decode.txt" && lk_tshark_no_expert "$LK_TMP/decode.txt"'
rrq=$(lk_tshark_fields "h225.registrationRequest_element && udp.srcport == 1719" \
	ip.src udp.dstport h225.keepAlive h225.timeToLive | sort -u | tr '\n' ' ')
echo "     RRQs: $rrq"
check "RRQs from $ctl_ip:1719 to $zone_port, full and keep-alive, timeToLive $ka" \
	eval '[[ $rrq == *"$ctl_ip|$zone_port|0|$ka"* && $rrq == *"$ctl_ip|$zone_port|1|$ka"* ]]'
tok=$(lk_tshark_fields "h225.registrationRequest_element && udp.srcport == 1719" \
	h225.cryptoEPPwdHash_element h235.algorithmOID | sort -u | head -3 | tr '\n' ' ')
echo "     tokens: $tok"
check "... each with a cryptoEPPwdHash (MD5, 1.2.840.113549.2.5)" \
	eval '[[ $tok == *1.2.840.113549.2.5* ]]'
check "... and H.460.18 in its featureSet" eval \
	'[ -n "$(lk_tshark_fields "h225.registrationRequest_element && udp.srcport == 1719 && h225.standard == 18" frame.number)" ]'
check "RCFs to $ctl_ip:1719 with timeToLive $ka" eval \
	'rcf=$(lk_tshark_fields "h225.registrationConfirm_element" ip.dst udp.dstport h225.timeToLive | sort -u) &&
		grep -qx "$ctl_ip|1719|$ka" <<<"$rcf"'
check "an RRJ securityDenial to the wrong-password Control" eval \
	'[ -n "$(lk_tshark_fields "h225.registrationReject_element && udp.dstport == 42511 && h225.securityDenial_element" frame.number)" ]'
# Neither as ASCII nor as a BMPString (UTF-16BE), in any packet.
check "the password is nowhere in the capture" python3 -c '
import sys
b = open(sys.argv[1], "rb").read()
sys.exit(any(p in b for p in (b"zone-secret", "zone-secret".encode("utf-16-be"))))' "$pcap"

lk_done
