#!/usr/bin/env bash
# tests/integration/sip_traversal.sh  Issue 5 end to end: baresip calls both ways through a Control, a firewall, an Expressway and a port-changing NAT.
#
# Six network namespaces of this run's own, all deleted on every exit path
# (PID is this script's):
#
#   lkt-PID-alice          lkt-PID-ctl
#   baresip alice (I)      latchkeyd, Role control
#   eth0 192.0.2.10        eth0 192.0.2.2
#        |                      |
#        +----- private network 192.0.2.0/25 -----+
#                                                 |
#                               lkt-PID-fw: lan 192.0.2.1 (a bridge)
#                               firewall,   dmz 198.51.100.1 ---- DMZ 198.51.100.0/25 ---- eth0 198.51.100.2
#                               nftables    out 198.51.100.129                             lkt-PID-exp
#                                                 |                                        latchkeyd, Role expressway
#                                 outside 198.51.100.128/25
#                                                 |
#                               lkt-PID-nat: wan 198.51.100.130, snat to .130:40000-40999
#                                            lan 203.0.113.1
#                                                 |  203.0.113.0/25
#                               lkt-PID-bob: eth0 203.0.113.10, baresip bob (E)
#
# fw forwards: private -> DMZ new connections; outside <-> Expressway new
# connections (it is the public face); DMZ -> private only what belongs to
# a connection the private side opened (counter "dmz_to_private_new"
# counts everything else, then drops it).  nat: bob's traffic leaves with
# source 198.51.100.130 and a port from 40000-40999 (never bob's own), and
# only replies come back in.  Nobody has a route to 203.0.113.0/25 except
# the NAT, alice has no route beyond her LAN, the Expressway none to bob:
# the Expressway reaches bob only through the flow his REGISTER came on
# (RFC 3581 rport) and the address his media was latched on.
#
# Control: Role control, zone 1 to 198.51.100.2:7001 over TLS (digest
# ctl-zone/zone-secret), Route *@external.example -> zone 1.  Expressway:
# Role expressway, zone 1 server, Route *@internal.example -> zone 1.
# alice registers to the Control over TLS (5061, certificate from this
# test's CA), bob to the Expressway over UDP through the NAT; each uses its
# relay as outbound proxy (baresip adds "Route: <sip:RELAY;lr>").
#
# Checked: registrations, the zone (from the TCP outbound range to 7001,
# TLS with our CA), three calls with audio both ways (bob -> alice,
# alice -> bob, then bob -> alice again after the zone connection was cut
# and re-made), media counted at both endpoints and on every leg of both
# relays, the Expressway's traversal leg on the multiplexed port 36000, no
# new connection ever attempted from the DMZ to the private network, and a
# probe that one would be dropped.
#
# Environment: CI=true turns every skip into a failure.
# LK_TRAVERSAL_ZONE_TRANSPORT=tcp runs the zone over TCP instead of TLS.
# LK_TRAVERSAL_CALL_SECS (default 5) is the length of each call.
# LK_TRAVERSAL_ZONE_DROP=firewall cuts the zone with tcp resets from the
# firewall instead of ss -K.  LK_TRAVERSAL_LIMIT (170) bounds the run.
# LK_TRAVERSAL_LOGS=DIR keeps every log.
# LK_TRAVERSAL_SRTP (docs/srtp.md; sip_traversal_srtp.sh sets it):
# "terminate": alice encrypts (baresip mediaenc=srtp-mand), bob does not;
# the Control's local zone is "force encrypted", the Expressway's "force
# unencrypted", so a call bob -> alice is encrypted by the Control and
# one alice -> bob decrypted by the Expressway.  "through": both encrypt,
# every mode auto, both relays pass SRTP through.  "best-effort": as
# "terminate", but bob is baresip's best-effort SRTP (mediaenc=srtp:
# RTP/AVP with a=crypto) and the Expressway's local zone "best effort":
# alice -> bob is encrypted on bob's leg too, bob -> alice is clear there.  tshark then checks
# each leg's RTP: SRTP (an authentication tag after the 160 octets of
# PCMU) or clear.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_skip, lk_ns_start, lk_ns_stop, lk_ngq, lk_jget, lk_legs
source "$here/lib/baresip.sh"	# ua_config, ua_command, ua_facts, fact

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in ip nft ss baresip python3 openssl; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done
SRTP=${LK_TRAVERSAL_SRTP:-}
case $SRTP in "" | terminate | through | best-effort) ;; *) echo "LK_TRAVERSAL_SRTP: terminate, through or best-effort"; exit 2 ;; esac
mods="g711 ausine aubridge rtcpsummary account menu ctrl_tcp"
[ -z "$SRTP" ] || mods="$mods srtp"
[ -z "$SRTP" ] || command -v tshark >/dev/null ||
	lk_skip "tshark is not installed (./bootstrap.sh deps installs it)"
for m in $mods; do
	[ -f "/usr/lib/baresip/modules/$m.so" ] ||
		lk_skip "baresip module $m.so is missing (apt-get install baresip-core)"
done

CALL_SECS=${LK_TRAVERSAL_CALL_SECS:-5}
ZT=${LK_TRAVERSAL_ZONE_TRANSPORT:-tls}
case $ZT in tls | tcp) ;; *) echo "LK_TRAVERSAL_ZONE_TRANSPORT: tls or tcp"; exit 2 ;; esac
LIMIT=${LK_TRAVERSAL_LIMIT:-170}	# the whole run, seconds: a watchdog ends it then

id=$$
ns_fw=lkt-$id-fw
ns_ctl=lkt-$id-ctl
ns_alice=lkt-$id-alice
ns_exp=lkt-$id-exp
ns_nat=lkt-$id-nat
ns_bob=lkt-$id-bob
declare -A rns=([ctl]=$ns_ctl [exp]=$ns_exp)	# each relay's namespace

fw_lan=192.0.2.1
ctl_ip=192.0.2.2
alice_ip=192.0.2.10
fw_dmz=198.51.100.1
exp_ip=198.51.100.2
fw_out=198.51.100.129
nat_pub=198.51.100.130
nat_lan=203.0.113.1
bob_ip=203.0.113.10
nat_lo=40000		# the NAT's source ports
nat_hi=40999
zone_port=7001
out_lo=25000		# TCP outbound range (seed A): the Control's zone source
out_hi=29999
media_lo=36000		# both relays; 36000/36001 are the Expressway's mux ports
media_hi=36999
ng=127.0.0.1:2223	# each relay's, on its own namespace's loopback
alice_rtp_lo=10000
alice_rtp_hi=10019
bob_rtp_lo=20000
bob_rtp_hi=20019
# What the endpoints' SIP traces show as their relay (baresip_log.py).
alice_peer=$ctl_ip:5061
bob_peer=$exp_ip:5060

# Log lines of the zone (signalling/sip/zone.c).  Each "up" line is logged
# once per connect + authentication, so a reconnect adds one; the Control
# logs a "reconnecting" line whenever the connection is lost.
ZT_NAME=$(tr a-z A-Z <<<"$ZT")
ZONE_UP_CTL="traversal zone 1 \(.*\): connected to the Expressway $exp_ip:$zone_port over $ZT_NAME, .*; authenticated"
ZONE_UP_EXP="traversal zone 1 \(.*\): traversal client $ctl_ip:[0-9]+ connected over $ZT_NAME, authenticated"
ZONE_DOWN_CTL="traversal zone 1 \(.*\): .*; reconnecting to $exp_ip:$zone_port in [0-9]+ s"

# --- helpers (lib/netns.sh and lib/baresip.sh have the shared ones) ----------

lkt_cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	lk_watchdog_end
	lk_ns_stop_all
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in ctl exp alice bob; do
			show_log "$p" 60
		done
		[ -f "$LK_TMP/nft-fw.txt" ] && cat "$LK_TMP/nft-fw.txt"
	fi
	if [ -n "${LK_TRAVERSAL_LOGS:-}" ]; then
		mkdir -p "$LK_TRAVERSAL_LOGS"
		cp "$LK_TMP"/*.log "$LK_TMP"/*.json "$LK_TMP"/*.facts \
			"$LK_TMP"/*.conf "$LK_TMP"/*.txt "$LK_TMP"/legs-* "$LK_TMP"/*.pcapng \
			"$LK_TRAVERSAL_LOGS"/ 2>/dev/null || true
	fi
	lk_cleanup	# and the namespaces
	exit "$rc"
}
trap lkt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lk_watchdog "$LIMIT"

# Established TCP connections in NS as "LOCAL PEER PROCESS" lines.
tcp_conns() {	# tcp_conns NS [ss filter...]
	local ns=$1
	shift
	{ ip netns exec "$ns" ss -Htnp state established "$@" 2>/dev/null ||
		true; } | awk '{ print $3, $4, $5 }'
}

# A counter of the firewall's table, in packets.
fw_counter() {	# fw_counter NAME
	{ ip netns exec "$ns_fw" nft list counter inet lk_fw "$1" 2>/dev/null ||
		true; } | awk '$1 == "packets" { print $2 }'
}

# --- the network -------------------------------------------------------------

lk_ns_reap lkt	# namespaces left by a run that was killed go first

# The firewall's forward rules, also re-added after the fallback below.
# "lan" to "lan" is the private network's own traffic (alice and the
# Control): it meets this hook only where the host has br_netfilter
# loaded, and is no business of the firewall's.
fw_forward_rules() {
	cat <<NFT
add rule inet lk_fw forward ct state established,related accept
add rule inet lk_fw forward iifname "lan" oifname "lan" accept
add rule inet lk_fw forward iifname "lan" oifname "dmz" ct state new counter name private_to_dmz_new accept
add rule inet lk_fw forward iifname "out" oifname "dmz" ip daddr $exp_ip ct state new counter name outside_to_exp_new accept
add rule inet lk_fw forward iifname "dmz" oifname "out" ct state new accept
add rule inet lk_fw forward iifname "dmz" oifname "lan" counter name dmz_to_private_new drop
add rule inet lk_fw forward counter name other_dropped drop
NFT
}
setup_net() {	# every step must work: one chain of &&
	local ns
	for ns in "$ns_fw" "$ns_ctl" "$ns_alice" "$ns_exp" "$ns_nat" "$ns_bob"; do
		lk_ns_add "$ns" || return 1
	done
	# The private network: a bridge in the firewall, the Control and
	# alice on it.
	ip -n "$ns_fw" link add lan type bridge &&
	ip -n "$ns_fw" link set lan up &&
	ip -n "$ns_fw" addr add "$fw_lan/25" dev lan &&
	veth "$ns_fw" p-ctl "$ns_ctl" eth0 &&
	veth "$ns_fw" p-alice "$ns_alice" eth0 &&
	ip -n "$ns_fw" link set p-ctl master lan &&
	ip -n "$ns_fw" link set p-alice master lan &&
	ip -n "$ns_ctl" addr add "$ctl_ip/25" dev eth0 &&
	ip -n "$ns_alice" addr add "$alice_ip/25" dev eth0 &&
	ip -n "$ns_ctl" route add 198.51.100.0/25 via "$fw_lan" &&
	# The DMZ: the Expressway.
	veth "$ns_fw" dmz "$ns_exp" eth0 &&
	ip -n "$ns_fw" addr add "$fw_dmz/25" dev dmz &&
	ip -n "$ns_exp" addr add "$exp_ip/25" dev eth0 &&
	ip -n "$ns_exp" route add 192.0.2.0/25 via "$fw_dmz" &&
	ip -n "$ns_exp" route add 198.51.100.128/25 via "$fw_dmz" &&
	# Outside: the NAT's public side, bob behind it.
	veth "$ns_fw" out "$ns_nat" wan &&
	ip -n "$ns_fw" addr add "$fw_out/25" dev out &&
	ip -n "$ns_nat" addr add "$nat_pub/25" dev wan &&
	ip -n "$ns_nat" route add 198.51.100.0/25 via "$fw_out" &&
	veth "$ns_nat" lan "$ns_bob" eth0 &&
	ip -n "$ns_nat" addr add "$nat_lan/25" dev lan &&
	ip -n "$ns_bob" addr add "$bob_ip/25" dev eth0 &&
	ip -n "$ns_bob" route add 198.51.100.0/25 via "$nat_lan" &&
	ip netns exec "$ns_fw" sysctl -q -w net.ipv4.ip_forward=1 &&
	ip netns exec "$ns_nat" sysctl -q -w net.ipv4.ip_forward=1 &&
	# The relays' own and the ng client's sockets take their ephemeral
	# ports from the seed's ephemeral range, never from the media range.
	ip netns exec "$ns_ctl" sysctl -q -w \
		net.ipv4.ip_local_port_range="30000 35999" &&
	ip netns exec "$ns_exp" sysctl -q -w \
		net.ipv4.ip_local_port_range="30000 35999" &&
	ip netns exec "$ns_fw" nft -f - <<NFT &&
table inet lk_fw {
	counter private_to_dmz_new { }
	counter outside_to_exp_new { }
	counter dmz_to_private_new { }
	counter other_dropped { }
	chain forward {
		type filter hook forward priority filter; policy drop;
	}
}
$(fw_forward_rules)
NFT
	ip netns exec "$ns_nat" nft -f - <<NFT
table ip lk_nat {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan" oifname "wan" accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" meta l4proto { tcp, udp } counter snat to $nat_pub:$nat_lo-$nat_hi
		oifname "wan" snat to $nat_pub
	}
}
NFT
}
if ! setup_net 2>"$LK_TMP/net.err"; then
	cat "$LK_TMP/net.err"
	grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
		lk_skip "cannot create network namespaces here"
	lk_fatal "namespaces, links and nftables rules are set up"
fi
ok "six namespaces (lkt-$id-*), the firewall's and the NAT's nftables rules are set up"
ip netns exec "$ns_fw" nft list ruleset >"$LK_TMP/nft-fw-rules.txt"
noroute() { ! ip -n "$1" route get "$2" >/dev/null 2>&1; }
check "alice has no route out of the private network" noroute "$ns_alice" "$exp_ip"
check "the Expressway has no route to bob's own address" noroute "$ns_exp" "$bob_ip"
check "the firewall has no route to bob's own address" noroute "$ns_fw" "$bob_ip"
check "bob has no route to the private network" noroute "$ns_bob" "$ctl_ip"

# --- certificates: one CA, a certificate per relay for its address ------------

pki=$LK_TMP/pki
mkdir -p "$pki"
mk_cert() {	# mk_cert NAME IP
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=$2" &&
	printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' \
		"$2" >"$pki/$1.ext" &&
	openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.pem" \
		-CAkey "$pki/ca.key" -CAcreateserial -days 2 \
		-extfile "$pki/$1.ext" -out "$pki/$1.pem"
}
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/ca.key" -out "$pki/ca.pem" -days 2 \
		-subj "/CN=latchkey traversal test CA" &&
	mk_cert ctl "$ctl_ip" && mk_cert exp "$exp_ip"
} >"$LK_TMP/pki.log" 2>&1 || { cat "$LK_TMP/pki.log"; lk_fatal "test CA and relay certificates are made"; }
ok "a test CA and certificates for $ctl_ip and $exp_ip"

# --- the relays --------------------------------------------------------------

common_conf() {	# common_conf ADDR CERTNAME
	cat <<CONF
[Protocols > SIP]
TLS certificate = $pki/$2.pem
TLS private key = $pki/$2.key
[Local Zone > Traversal Subzone]
Traversal Media port start = $media_lo
Traversal Media port end = $media_hi
[Session control]
Listen = $ng
CONF
}
{
	cat <<CONF
[System]
Role = control
Address = $ctl_ip
CONF
	common_conf "$ctl_ip" ctl
	cat <<CONF
[Registrar]
Domain = internal.example
$(case $SRTP in terminate | best-effort) printf '[Local Zone]\nMedia encryption mode = force encrypted\n' ;; esac)
[Zones > Traversal Zone 1]
Peer address = $exp_ip
Username = ctl-zone
Password = zone-secret
SIP transport = $ZT
Keep-alive interval = 2
Retry interval = 2
[Dial plan]
Route 1 = *@external.example zone 1
CONF
} >"$LK_TMP/ctl.conf"
{
	cat <<CONF
[System]
Role = expressway
Address = $exp_ip
CONF
	common_conf "$exp_ip" exp
	cat <<CONF
[Registrar]
Domain = external.example
$([ "$SRTP" = terminate ] && printf '[Local Zone]\nMedia encryption mode = force unencrypted\n')
$([ "$SRTP" = best-effort ] && printf '[Local Zone]\nMedia encryption mode = best effort\n')
[Zones > Traversal Zone 1]
Username = ctl-zone
Password = zone-secret
SIP transport = $ZT
[Dial plan]
Route 1 = *@internal.example zone 1
CONF
} >"$LK_TMP/exp.conf"

# latchkeyd --check-config must take each file as it is.
for r in ctl exp; do
	if "$LK_LATCHKEYD" --check-config --config "$LK_TMP/$r.conf" \
		>"$LK_TMP/$r-check.txt" 2>&1; then
		ok "latchkeyd accepts $r.conf"
	else
		grep -F "$LK_TMP/$r.conf:" "$LK_TMP/$r-check.txt" | sed 's/^/     /'
		lk_fatal "latchkeyd accepts $r.conf"
	fi
done

lk_ns_start exp "$ns_exp" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --log-level debug
lk_wait_log exp "running \(pid" 10 || lk_fatal "the Expressway's latchkeyd starts in $ns_exp"
ok "the Expressway's latchkeyd starts in $ns_exp"
lk_ns_start ctl "$ns_ctl" "$LK_LATCHKEYD" --config "$LK_TMP/ctl.conf" --log-level debug
lk_wait_log ctl "running \(pid" 10 || lk_fatal "the Control's latchkeyd starts in $ns_ctl"
ok "the Control's latchkeyd starts in $ns_ctl"

# Listeners, by this process, in its namespace.
bound() {	# bound NS NAME tcp|udp ADDR:PORT
	ip netns exec "$1" ss -Hlnp -A tcp,udp 2>/dev/null |
		awk -v p="$3" -v a="$4" '$1 == p && $5 == a' |
		grep -q "pid=${pid[$2]},"
}
check "the Control listens for SIP on TLS $ctl_ip:5061" bound "$ns_ctl" ctl tcp "$ctl_ip:5061"
check "the Expressway listens for SIP on UDP $exp_ip:5060" bound "$ns_exp" exp udp "$exp_ip:5060"
check "the Expressway listens on the zone port $exp_ip:$zone_port" \
	bound "$ns_exp" exp tcp "$exp_ip:$zone_port"
check "the Expressway has its multiplexed RTP port $exp_ip:$media_lo" \
	bound "$ns_exp" exp udp "$exp_ip:$media_lo"
for r in ctl exp; do
	check "$r answers 'latchkey ng ping' on its $ng" eval \
		'ip netns exec "${rns[$r]}" "$LK_LATCHKEY" ng --server "$ng" ping 2>&1 |
			grep -qx "result: pong"'
done

# --- the zone ----------------------------------------------------------------

zone_up=no
if lk_wait_log ctl "$ZONE_UP_CTL" 15; then
	zone_up=yes
	ok "the Control logs zone 1 connected to $exp_ip:$zone_port over $ZT_NAME, authenticated"
else
	not_ok "the Control logs zone 1 connected to $exp_ip:$zone_port over $ZT_NAME, authenticated"
fi
check "the Expressway logs the traversal client $ctl_ip connected over $ZT_NAME, authenticated" \
	lk_wait_log exp "$ZONE_UP_EXP" 5
zone_conn() {	# the Control's connection to the zone port: "LOCAL PEER PROC"
	tcp_conns "$ns_ctl" dst "$exp_ip" dport = ":$zone_port"
}
wait_for 5 eval '[ -n "$(zone_conn)" ]' || true
zc=$(zone_conn)
echo "     Control's zone connection: ${zc:-none}"
zsport=$(awk 'NR == 1 { n = split($1, a, ":"); print a[n] }' <<<"$zc")
check "the Control has exactly one connection to $exp_ip:$zone_port" \
	test "$(grep -c . <<<"$zc")" = 1
check "... held by the Control's latchkeyd" grep -q "pid=${pid[ctl]}," <<<"$zc"
check "... from $ctl_ip, port ${zsport:-?} in the TCP outbound range $out_lo-$out_hi" \
	eval '[[ $zc == "$ctl_ip:"* ]] && in_range "$zsport" $out_lo $out_hi'
check "the Expressway sees it from $ctl_ip:${zsport:-?} (no NAT between)" eval \
	'tcp_conns "$ns_exp" src "$exp_ip:$zone_port" | grep -q " $ctl_ip:$zsport "'
check "the firewall let the Control's connection out (private -> DMZ counter $(fw_counter private_to_dmz_new))" \
	in_range "$(fw_counter private_to_dmz_new)" 1 1000000
if [ "$ZT" = tls ]; then
	# The zone port speaks TLS with the Expressway's certificate; the
	# Control's SIP TLS port with its own (from the firewall, which is on
	# both networks: its own traffic is not forwarded).
	tls_verifies() {	# tls_verifies ADDR:PORT IP
		timeout 10 ip netns exec "$ns_fw" openssl s_client -connect "$1" \
			-CAfile "$pki/ca.pem" -verify_ip "$2" -verify_return_error \
			</dev/null >"$LK_TMP/tls-$1.txt" 2>&1 &&
			grep -q "Verify return code: 0 (ok)" "$LK_TMP/tls-$1.txt"
	}
	check "the zone port $exp_ip:$zone_port is TLS, certificate verified against the test CA" \
		tls_verifies "$exp_ip:$zone_port" "$exp_ip"
	check "the Control's SIP TLS port $ctl_ip:5061 has its certificate, verified" \
		tls_verifies "$ctl_ip:5061" "$ctl_ip"
fi

# --- the endpoints -----------------------------------------------------------

# alice: TLS to the Control.  baresip 1.0 loads sip_cafile but does not
# refuse a server certificate it cannot verify (libre 1.1 accepts any):
# the verification above is openssl's, not baresip's.
# With SRTP: the srtp module; "mediaenc=srtp-mand" makes an endpoint
# offer RTP/SAVP with a=crypto and refuse anything else.
alice_enc= bob_enc= srtp_mod=()
if [ -n "$SRTP" ]; then
	srtp_mod=("module			srtp.so")
	alice_enc=";mediaenc=srtp-mand"
	[ "$SRTP" = through ] && bob_enc=";mediaenc=srtp-mand"
	[ "$SRTP" = best-effort ] && bob_enc=";mediaenc=srtp"
fi
ua_config alice "$alice_ip" "$alice_rtp_lo-$alice_rtp_hi" \
	"<sip:alice@internal.example;transport=tls>;outbound=\"sip:$ctl_ip:5061;transport=tls\";regint=60;answermode=auto;audio_codecs=PCMU$alice_enc" \
	"sip_cafile		$pki/ca.pem" "${srtp_mod[@]}"
ua_config bob "$bob_ip" "$bob_rtp_lo-$bob_rtp_hi" \
	"<sip:bob@external.example;transport=udp>;outbound=\"sip:$exp_ip:5060;transport=udp\";regint=60;answermode=auto;audio_codecs=PCMU$bob_enc" \
	"${srtp_mod[@]}"

# With SRTP: every leg captured for tshark, from before the first call.
if [ -n "$SRTP" ]; then
	lk_ns_start cap-alice "$ns_alice" dumpcap -q -i eth0 -f udp -w "$LK_TMP/alice-leg.pcapng"
	lk_ns_start cap-zone "$ns_fw" dumpcap -q -i dmz -f udp -w "$LK_TMP/zone-leg.pcapng"
	lk_ns_start cap-bob "$ns_bob" dumpcap -q -i eth0 -f udp -w "$LK_TMP/bob-leg.pcapng"
fi

# -s: the SIP trace; -t: each ends by itself, should this script not.
lk_ns_start alice "$ns_alice" baresip -s -f "$LK_TMP/alice" -t "$LIMIT"
lk_ns_start bob "$ns_bob" baresip -s -f "$LK_TMP/bob" -t "$LIMIT"

check "alice is registered with the Control over TLS (baresip: 200 OK)" \
	lk_wait_log alice "alice@internal.example: \{0/TLS/v4\} 200 OK" 10
check "the Control bound sip:alice@internal.example via TLS from $alice_ip" \
	lk_wait_log ctl "sip:alice@internal.example: bound .* via TLS $alice_ip:" 5
check "bob is registered with the Expressway over UDP (baresip: 200 OK)" \
	lk_wait_log bob "bob@external.example: \{0/UDP/v4\} 200 OK" 10
check "the Expressway bound sip:bob@external.example via UDP from the NAT" \
	lk_wait_log exp "sip:bob@external.example: bound .* via UDP $nat_pub:" 5
bob_flow=$(sed -n "s/.*sip:bob@external.example: bound .* via UDP \($nat_pub:[0-9]*\).*/\1/p" \
	"$LK_TMP/exp.log" | head -n 1)
check "bob's flow ${bob_flow:-?}: the NAT changed his source port 5060 into $nat_lo-$nat_hi" \
	in_range "${bob_flow#*:}" $nat_lo $nat_hi
check "bob was told received=$nat_pub;rport=${bob_flow#*:} (RFC 3581)" \
	lk_has_log bob "received=$nat_pub;rport=${bob_flow#*:}"

# --- calls -------------------------------------------------------------------

# Relay R (ctl, exp) has one call, both its legs latched; its list and
# query replies land in $LK_TMP/{list,query}-R-N.json.
latched() {	# latched R N
	local r=$1 n=$2 c
	lk_ngq "${rns[$r]}" list >"$LK_TMP/list-$r-$n.json" 2>/dev/null || return 1
	c=$(lk_jget "$LK_TMP/list-$r-$n.json" 'calls.*')
	[ "$(grep -c . <<<"$c")" = 1 ] || return 1
	lk_ngq "${rns[$r]}" query call-id="$c" >"$LK_TMP/query-$r-$n.json" 2>/dev/null &&
		[ "$(lk_legs "$LK_TMP/query-$r-$n.json" | awk '{print $4}' |
			tr '\n' ' ')" = "yes yes " ]
}

# call N CALLER CALLEE URI: the caller dials, both answer automatically,
# media flows CALL_SECS, the caller hangs up; then everything is checked.
call() {
	local n=$1 caller=$2 callee=$3 uri=$4 ua cns r c est
	local -A off=()
	echo "     --- call $n: $caller dials $uri"
	for ua in alice bob ctl exp; do off[$ua]=$(lk_logsize $ua); done
	cns=$ns_alice
	[ "$caller" = bob ] && cns=$ns_bob
	ua_command "$cns" dial "$uri" >"$LK_TMP/dial-$n.json" 2>&1 || true
	check "call $n: $caller's baresip takes the dial ($(head -c 120 "$LK_TMP/dial-$n.json"))" \
		test "$(lk_jget "$LK_TMP/dial-$n.json" ok)" = true
	if ! wait_for 15 eval 'lk_has_log_since alice ${off[alice]} "Call established" &&
			      lk_has_log_since bob ${off[bob]} "Call established"'; then
		not_ok "call $n: $caller's call to $callee is established"
		ua_command "$cns" hangup >/dev/null 2>&1 || true
		sleep 1
		return 0
	fi
	est=${EPOCHREALTIME/./}
	ok "call $n: $caller's call to $callee is established"

	# How each relay routed it (signalling/sip/b2bua.c's "invite_new" line):
	# by the dial plan into the zone, over the zone connection to the
	# registered contact's flow.
	local zone_from="$ZT_NAME $ctl_ip:$zport" zone_to="$ZT_NAME $exp_ip:$zone_port"
	if [ "$caller" = bob ]; then
		check "call $n: exp routes bob's INVITE (from his NAT flow) by Route 1 into the zone connection from port $zport" \
			lk_has_log_since exp "${off[exp]}" "call [0-9]+ \(sip:bob@external.example -> ${uri}[;)].* from UDP $bob_flow: to traversal zone 1 \(Route 1\) via $zone_from\$"
		check "call $n: ctl gets it from the zone and sends it to alice's registered TLS flow" \
			lk_has_log_since ctl "${off[ctl]}" "call [0-9]+ \(sip:bob@external.example -> ${uri}[;)].* from $zone_to \(traversal zone\): to registered contact of $uri via TLS $alice_ip:[0-9]+\$"
	else
		check "call $n: ctl routes alice's INVITE by Route 1 into the zone connection" \
			lk_has_log_since ctl "${off[ctl]}" "call [0-9]+ \(sip:alice@internal.example -> ${uri}[;)].* from TLS $alice_ip:[0-9]+: to traversal zone 1 \(Route 1\) via $zone_to\$"
		check "call $n: exp gets it over the zone connection from port $zport and sends it to bob's NAT flow $bob_flow" \
			lk_has_log_since exp "${off[exp]}" "call [0-9]+ \(sip:alice@internal.example -> ${uri}[;)].* from $zone_from \(traversal zone\): to registered contact of $uri via UDP $bob_flow\$"
	fi

	# During the call: one call on each relay, every leg latched.
	local ctl_call exp_call
	for r in ctl exp; do
		check "call $n: the $r relay has exactly this call, both legs latched within 5 s" \
			wait_for 5 latched $r $n
	done
	ctl_call=$(lk_jget "$LK_TMP/list-ctl-$n.json" 'calls.*' | head -n 1)
	exp_call=$(lk_jget "$LK_TMP/list-exp-$n.json" 'calls.*' | head -n 1)
	local left=$((est + CALL_SECS * 1000000 - ${EPOCHREALTIME/./}))
	[ "$left" -le 0 ] ||
		sleep "$((left / 1000000)).$(printf %06d $((left % 1000000)))"
	local elapsed_ms=$(((${EPOCHREALTIME/./} - est) / 1000))
	local min=$((elapsed_ms * 50 * 6 / 10 / 1000))	# 50/s, PCMU 20 ms
	for r in ctl exp; do
		c=$ctl_call
		[ $r = exp ] && c=$exp_call
		lk_ngq "${rns[$r]}" query call-id="${c:-none}" >"$LK_TMP/query-$r-$n.json" 2>&1 || true
		ip netns exec "${rns[$r]}" "$LK_LATCHKEY" ng --server "$ng" query "${c:-none}" \
			>"$LK_TMP/query-$r-$n.txt" 2>&1 || true
		lk_legs "$LK_TMP/query-$r-$n.json" >"$LK_TMP/legs-$r-$n"
		sed "s/^/     $r leg: /" "$LK_TMP/legs-$r-$n"
	done
	ua_command "$cns" hangup >"$LK_TMP/hangup-$n.json" 2>&1 || true
	check "call $n: $caller hangs up" \
		test "$(lk_jget "$LK_TMP/hangup-$n.json" ok)" = true
	check "call $n: both see the call end" wait_for 10 eval \
		'lk_has_log_since alice ${off[alice]} "terminated \(duration" &&
		 lk_has_log_since bob ${off[bob]} "terminated \(duration"'
	sleep 0.5	# rtp_stats follow the "terminated" line

	# What the endpoints saw.
	ua_facts alice "$alice_peer" "${off[alice]}" "$n"
	ua_facts bob "$bob_peer" "${off[bob]}" "$n"
	local af=alice-$n bf=bob-$n
	for ua in alice bob; do
		printf '     %s: %s\n' "$ua" "$(tr '\n' ' ' <"$LK_TMP/$ua-$n.facts")"
	done
	local a_rx b_rx a_tx b_tx dur
	a_rx=$(fact $af sdp_received)
	b_rx=$(fact $bf sdp_received)
	a_tx=$(fact $af sdp_sent)
	b_tx=$(fact $bf sdp_sent)
	check "call $n: alice was given the Control's media address ($a_rx)" eval \
		'[[ $a_rx == $ctl_ip:* ]] && (( ${a_rx#*:} % 2 == 0 )) &&
		 in_range "${a_rx#*:}" $((media_lo + 2)) $media_hi'
	check "call $n: bob was given the Expressway's media address ($b_rx)" eval \
		'[[ $b_rx == $exp_ip:* ]] && (( ${b_rx#*:} % 2 == 0 )) &&
		 in_range "${b_rx#*:}" $((media_lo + 2)) $media_hi'
	check "call $n: alice's RTP comes from there ($(fact $af rtp_from))" \
		test "$(fact $af rtp_from)" = "$a_rx"
	check "call $n: bob's RTP comes from there, through his NAT ($(fact $bf rtp_from))" \
		test "$(fact $bf rtp_from)" = "$b_rx"
	dur=$(fact $af duration)
	dur=${dur:-$CALL_SECS}
	for ua in alice bob; do
		local other=bob tx rx otx
		[ $ua = bob ] && other=alice
		tx=$(fact $ua-$n tx_packets) rx=$(fact $ua-$n rx_packets)
		otx=$(fact $other-$n tx_packets)
		check "call $n: $ua sent ${tx:-?} RTP packets (>= $((dur * 50 * 7 / 10)) in ${dur}s)" \
			in_range "$tx" $((dur * 50 * 7 / 10)) 1000000
		check "call $n: $ua received ${rx:-?} of the ${otx:-?} $other sent (>= 90%)" \
			eval 'in_range "$rx" 1 1000000 && in_range "$otx" 1 1000000 &&
			      [ $((rx * 10)) -ge $((otx * 9)) ]'
	done

	# What the relays saw: every leg latched, packets both ways; where
	# each leg faces.
	local ep lp lat pin pout
	for r in ctl exp; do
		check "call $n: $r: two audio legs" test \
			"$(awk '{print $7}' "$LK_TMP/legs-$r-$n" | tr '\n' ' ')" = "audio audio "
		while read -r _ ep lp lat pin pout _; do
			check "call $n: $r leg $ep (local $lp): latched, $pin in, $pout out (>= $min each)" \
				eval '[ "$lat" = yes ] && in_range "$pin" $min 1000000 &&
				      in_range "$pout" $min 1000000'
		done <"$LK_TMP/legs-$r-$n"
	done
	# The Control: one leg faces alice (what she offered or answered,
	# on the port she was given), one the Expressway's mux RTP port.
	check "call $n: ctl: a leg latched on alice's $a_tx, relaying on the port she was given" \
		eval 'awk "\$2 == \"$a_tx\" && \$3 == \"${a_rx#*:}\"" "$LK_TMP/legs-ctl-$n" | grep -q .'
	local ctl_zone_leg
	ctl_zone_leg=$(awk -v e="$exp_ip:$media_lo" '$2 == e { print $3 }' \
		"$LK_TMP/legs-ctl-$n" || true)
	check "call $n: ctl: a leg latched on the Expressway's mux port $exp_ip:$media_lo (local ${ctl_zone_leg:-?})" \
		in_range "$ctl_zone_leg" $((media_lo + 2)) $media_hi
	# The Expressway: the traversal leg on 36000 with a multiplexID, fed
	# by the Control's leg; bob's leg latched on his NAT mapping, not on
	# the address in his SDP.
	check "call $n: exp: the traversal leg is on mux port $media_lo with a multiplexID, latched on $ctl_ip:${ctl_zone_leg:-?}" \
		eval 'awk -v l=$media_lo -v e="$ctl_ip:$ctl_zone_leg" \
			"\$3 == l && \$8 != \"-\" && \$2 == e" "$LK_TMP/legs-exp-$n" | grep -q .'
	local bob_leg
	bob_leg=$(awk -v p="$nat_pub:" 'index($2, p) == 1 { print $2, $3 }' \
		"$LK_TMP/legs-exp-$n" || true)
	check "call $n: exp: bob's leg is latched on the NAT's $nat_pub:$nat_lo-$nat_hi (${bob_leg:-none}), not his SDP's $b_tx" \
		eval '[ -n "$bob_leg" ] && [[ $b_tx == $bob_ip:* ]] &&
		      p=${bob_leg%% *} && in_range "${p#*:}" $nat_lo $nat_hi'
	check "call $n: exp: bob's leg relays on the port he was given (${b_rx#*:})" \
		test "${bob_leg#* }" = "${b_rx#*:}"

	# After the hangup both relays forget the call.
	for r in ctl exp; do
		check "call $n: $r deletes the call after the BYE" wait_for 5 eval \
			'lk_ngq "${rns[$r]}" list >"$LK_TMP/list-after-$r-$n.json" 2>/dev/null &&
			 [ "$(lk_jget "$LK_TMP/list-after-$r-$n.json" result)" = ok ] &&
			 [ -z "$(lk_jget "$LK_TMP/list-after-$r-$n.json" "calls.*")" ]'
	done
}

zport=$zsport	# the zone connection's source port, for call()
call 1 bob alice sip:alice@internal.example
call 2 alice bob sip:bob@external.example

# Every call went over the one zone connection: it is still the one.
check "both calls used the one zone connection (still from port ${zsport:-?}, no other)" \
	eval '[ "$(zone_conn | awk "{print \$1}")" = "$ctl_ip:$zsport" ]'
check "the Expressway made no TCP connection of its own (none from its outbound range)" \
	eval '! tcp_conns "$ns_exp" | awk "{ n = split(\$1, a, \":\"); print a[n] }" |
		grep -Eq "^(2[5-9][0-9]{3})$"'
drops=$(fw_counter dmz_to_private_new)
check "nothing from the DMZ tried to open a flow into the private network (counter ${drops:-?})" \
	test "${drops:-x}" = 0
check "the firewall dropped nothing else (other_dropped $(fw_counter other_dropped))" \
	test "$(fw_counter other_dropped)" = 0

# --- the zone survives a dropped connection ----------------------------------

if [ "$zone_up" = no ]; then
	# Nothing to drop: one failure instead of a minute of waiting.
	not_ok "the zone reconnects after a dropped connection, and a call works after it (the zone was never up)"
else
	ups=$(lk_count_log ctl "$ZONE_UP_CTL")
	exp_ups=$(lk_count_log exp "$ZONE_UP_EXP")
	downs=$(lk_count_log ctl "$ZONE_DOWN_CTL")
	# ss -K destroys the Control's socket (CONFIG_INET_DIAG_DESTROY); where
	# the kernel cannot, the firewall resets the connection instead, until
	# the Control has noticed.
	# (LK_TRAVERSAL_ZONE_DROP=firewall takes that path on any kernel.)
	[ "${LK_TRAVERSAL_ZONE_DROP:-ss}" = firewall ] ||
		ip netns exec "$ns_ctl" ss -K dst "$exp_ip" dport = ":$zone_port" \
			>/dev/null 2>&1 || true
	how="ss -K in the Control's namespace"
	if ! wait_for 2 eval '[ "$(zone_conn | awk "{print \$1}")" != "$ctl_ip:$zsport" ]'; then
		how="a tcp reset from the firewall"
		ip netns exec "$ns_fw" nft insert rule inet lk_fw forward \
			tcp dport $zone_port reject with tcp reset
		ip netns exec "$ns_fw" nft insert rule inet lk_fw forward \
			tcp sport $zone_port reject with tcp reset
		wait_for 10 eval '[ "$(lk_count_log ctl "$ZONE_DOWN_CTL")" -gt "$downs" ]' || true
		ip netns exec "$ns_fw" nft flush chain inet lk_fw forward
		fw_forward_rules | ip netns exec "$ns_fw" nft -f -
	fi
	echo "     zone connection from port $zsport dropped by $how"
	check "the Control logs the zone connection lost and a reconnect scheduled" \
		wait_for 10 eval '[ "$(lk_count_log ctl "$ZONE_DOWN_CTL")" -gt "$downs" ]'
	check "the Control reconnects and registers the zone again" \
		wait_for 20 eval '[ "$(lk_count_log ctl "$ZONE_UP_CTL")" -gt "$ups" ]'
	check "the Expressway authenticates it again" \
		wait_for 5 eval '[ "$(lk_count_log exp "$ZONE_UP_EXP")" -gt "$exp_ups" ]'
	wait_for 5 eval '[ -n "$(zone_conn)" ]' || true
	zc2=$(zone_conn)
	zsport2=$(awk 'NR == 1 { n = split($1, a, ":"); print a[n] }' <<<"$zc2")
	echo "     Control's new zone connection: ${zc2:-none}"
	check "the new zone connection is one, from port ${zsport2:-?} in $out_lo-$out_hi" \
		eval '[ "$(grep -c . <<<"$zc2")" = 1 ] && in_range "$zsport2" $out_lo $out_hi'

	zport=$zsport2
	call 3 bob alice sip:alice@internal.example
fi

drops=$(fw_counter dmz_to_private_new)
check "still nothing from the DMZ into the private network (counter ${drops:-?})" \
	test "${drops:-x}" = 0
# The firewall's side of the model, probed: a connection the Expressway
# would open to the Control is dropped and counted.
ip netns exec "$ns_exp" timeout 5 python3 -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], 5060), timeout=1.5)
    sys.exit(1)
except OSError:
    sys.exit(0)' "$ctl_ip" >/dev/null 2>&1 && refused=yes || refused=no
check "a TCP connection from the Expressway to $ctl_ip:5060 does not get through" \
	test "$refused" = yes
check "... the firewall dropped it (dmz_to_private_new $(fw_counter dmz_to_private_new))" \
	in_range "$(fw_counter dmz_to_private_new)" 1 1000000
ip netns exec "$ns_fw" nft list ruleset >"$LK_TMP/nft-fw.txt" 2>&1 || true

# --- SRTP on the wire (LK_TRAVERSAL_SRTP) --------------------------------------

# The UDP lengths of a leg's PCMU packets (RTP payload type 0, decoded
# heuristically), one per line; FILTER narrows them (a display filter).
# PCMU at 20 ms is 160 octets: clear RTP is UDP length 180, SRTP adds its
# tag: 184 (32-bit), 190 (80-bit) or 196 (AEAD, 128-bit).
leg_lengths() {	# leg_lengths PCAP [FILTER]
	tshark -r "$1" -o rtp.heuristic_rtp:TRUE \
		-Y "rtp.version == 2 && rtp.p_type == 0 && udp.length >= 180${2:+ && $2}" \
		-T fields -e udp.length 2>/dev/null
}
# How many of LENGTHS are clear RTP, how many SRTP: "CLEAR SRTP".
split_lengths() {
	awk '$1 == 180 { c++ } $1 == 184 || $1 == 190 || $1 == 196 { s++ }
	     END { print c + 0, s + 0 }'
}
if [ -n "$SRTP" ]; then
	for c in alice zone bob; do lk_ns_stop cap-$c; done
	# The zone leg: what the Expressway sends from its mux port 36000
	# (the other way carries the multiplexID in front of the RTP header).
	read -r a_clear a_srtp < <(leg_lengths "$LK_TMP/alice-leg.pcapng" | split_lengths)
	read -r z_clear z_srtp < <(leg_lengths "$LK_TMP/zone-leg.pcapng" \
		"udp.srcport == $media_lo" | split_lengths)
	read -r b_clear b_srtp < <(leg_lengths "$LK_TMP/bob-leg.pcapng" | split_lengths)
	echo "     PCMU packets seen by tshark, clear/SRTP: alice's leg $a_clear/$a_srtp, zone leg (from $exp_ip:$media_lo) $z_clear/$z_srtp, bob's leg $b_clear/$b_srtp"
	min=$((3 * 2 * CALL_SECS * 50 * 6 / 10))
	check "srtp: alice's leg carries SRTP only ($a_srtp packets, $a_clear clear)" \
		eval 'in_range "$a_srtp" $min 1000000 && [ "$a_clear" = 0 ]'
	if [ "$SRTP" = through ]; then
		check "srtp: the zone leg carries SRTP only, passed through ($z_srtp, $z_clear clear)" \
			eval 'in_range "$z_srtp" $((min / 2 / 3)) 1000000 && [ "$z_clear" = 0 ]'
		check "srtp: bob's leg carries SRTP only ($b_srtp packets, $b_clear clear)" \
			eval 'in_range "$b_srtp" $min 1000000 && [ "$b_clear" = 0 ]'
	elif [ "$SRTP" = best-effort ]; then
		# Call 2 (alice -> bob): the Expressway offers bob its keys in
		# RTP/AVP and he takes one: SRTP on the zone and on bob's leg.
		# Calls 1 and 3 (bob -> alice): bob offers RTP/AVP with his
		# keys, the Control answers none: clear on the zone and bob's.
		check "srtp: the zone leg carries clear RTP (calls 1, 3: $z_clear) and SRTP (call 2: $z_srtp)" \
			eval 'in_range "$z_clear" $((min / 6)) 1000000 &&
			      in_range "$z_srtp" $((min / 6 / 2)) 1000000'
		check "srtp: bob's leg carries SRTP (call 2: $b_srtp) and clear RTP (calls 1, 3: $b_clear)" \
			eval 'in_range "$b_srtp" $((min / 6)) 1000000 &&
			      in_range "$b_clear" $((min / 6)) 1000000'
		check "srtp: the Expressway terminated SRTP on bob's leg of call 2 (best effort taken)" \
			eval '[ "$(grep -o "crypto suite" "$LK_TMP/query-exp-2.json" | wc -l)" = 2 ]'
	else
		# Calls 1 and 3 (bob -> alice): clear on the zone, the Control
		# encrypts; call 2 (alice -> bob): SRTP on the zone, the
		# Expressway decrypts.
		check "srtp: the zone leg carries clear RTP (calls 1, 3: $z_clear) and SRTP (call 2: $z_srtp)" \
			eval 'in_range "$z_clear" $((min / 6)) 1000000 &&
			      in_range "$z_srtp" $((min / 6 / 2)) 1000000'
		check "srtp: bob's leg carries clear RTP only ($b_clear packets, $b_srtp SRTP)" \
			eval 'in_range "$b_clear" $min 1000000 && [ "$b_srtp" = 0 ]'
		check "srtp: the Control terminated SRTP on alice's leg (query: crypto suite)" \
			grep -q "crypto suite" "$LK_TMP/query-ctl-1.json"
		check "srtp: the Expressway terminated SRTP on the zone leg of call 2" \
			grep -q "crypto suite" "$LK_TMP/query-exp-2.json"
	fi
	# baresip sends one RTCP APP "PING" in the clear when a stream
	# starts, before its SRTP is keyed: a terminating relay drops it
	# and counts it.  Nothing else fails to authenticate, nothing is
	# replayed.
	fails=$(cat "$LK_TMP"/query-*.json | grep -Eo '"srtp (auth failed|replayed)": *[0-9]+' |
		sed 's/.*: *//' | sort -n | tail -n 1 || true)
	if [ "$SRTP" = terminate ]; then
		# A clear offer from the Control's own zone, which forces
		# encryption: 488, and a Warning that says why.
		ip netns exec "$ns_alice" timeout 10 python3 - "$alice_ip" "$ctl_ip" \
			>"$LK_TMP/clear-invite.txt" 2>&1 <<'PY' || true
import socket, sys
me, relay = sys.argv[1], sys.argv[2]
sdp = ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
       "m=audio 10030 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n") % (me, me)
inv = ("INVITE sip:bob@external.example SIP/2.0\r\n"
       "Via: SIP/2.0/UDP %s:5070;branch=z9hG4bK-clear-1;rport\r\n"
       "Max-Forwards: 70\r\nFrom: <sip:carol@internal.example>;tag=c1\r\n"
       "To: <sip:bob@external.example>\r\nCall-ID: clear-offer-1\r\n"
       "CSeq: 1 INVITE\r\nContact: <sip:carol@%s:5070>\r\n"
       "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s"
       ) % (me, me, len(sdp), sdp)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((me, 5070)); s.settimeout(5)
s.sendto(inv.encode(), (relay, 5060))
while True:
    r = s.recv(65535).decode(errors="replace")
    if not r.startswith("SIP/2.0 1"):
        print(r)
        break
PY
		check "srtp: a clear offer from the Control's force-encrypted zone gets 488 ($(head -n 1 "$LK_TMP/clear-invite.txt" | tr -d '\r'))" \
			grep -q "^SIP/2.0 488" "$LK_TMP/clear-invite.txt"
		check "srtp: ... with Warning: 302 saying the offer is not encrypted" \
			grep -q '^Warning: 302 latchkey ".*force encrypted, and the offer is not encrypted' \
			"$LK_TMP/clear-invite.txt"
	fi
	# Both relays log at debug level; the endpoints' SIP traces show
	# the keys, the relays' logs never do (docs/srtp.md).
	check "srtp: no SDES key (inline:) in either relay's debug log" \
		bash -c "! grep -q 'inline:' '$LK_TMP/ctl.log' '$LK_TMP/exp.log'"
	check "srtp: ... while the endpoints' own SIP traces carry them" \
		grep -q "inline:" "$LK_TMP/alice.log"
	check "srtp: at most baresip's one clear RTCP PING failed to authenticate per leg, none replayed (max ${fails:-0})" \
		bash -c "! grep -Eq '\"srtp (auth failed\": *([2-9]|[1-9][0-9])|replayed\": *[1-9])' '$LK_TMP'/query-*.json"
fi

# --- the relays' totals and the end ------------------------------------------

for r in ctl exp; do
	lk_ngq "${rns[$r]}" statistics >"$LK_TMP/statistics-$r.json" 2>&1 || true
	t=statistics.totalstatistics
	fwd=$(lk_jget "$LK_TMP/statistics-$r.json" "$t.forwardedpackets")
	check "$r: forwardedpackets ${fwd:-?} >= 3 calls x 2 ways x $((CALL_SECS * 50 * 6 / 10))" \
		in_range "$fwd" $((3 * 2 * CALL_SECS * 50 * 6 / 10)) 100000000
	check "$r: no session left" test \
		"$(lk_jget "$LK_TMP/statistics-$r.json" statistics.currentstatistics.sessionsown)" = 0
done

lk_ns_stop alice	# they un-REGISTER through their relays
lk_ns_stop bob
check "the Control unbound alice when she left" lk_has_log ctl "sip:alice@internal.example: unbound"
check "the Expressway unbound bob (through the NAT) when he left" \
	lk_has_log exp "sip:bob@external.example: unbound"
lk_ns_stop ctl
lk_ns_stop exp
# The SIP layer's counters (logged at stop): the Control opened the
# zone connection twice, the Expressway never opened one.
ctl_out=$(sed -n 's/.*SIP counters: .* connections in=[0-9]* out=\([0-9]*\) .*/\1/p' \
	"$LK_TMP/ctl.log" | tail -n 1)
ctl_zconn=$(sed -n 's/.*traversal zone 1 (.*): [a-z]*; client connects=\([0-9]*\) .*/\1/p' \
	"$LK_TMP/ctl.log" | tail -n 1)
check "the Control's outgoing connections (${ctl_out:-?}) are the zone's connects (${ctl_zconn:-?}), 2 or more: no call opened one" \
	eval 'in_range "$ctl_out" 2 1000 && [ "$ctl_out" = "$ctl_zconn" ]'
check "the Expressway's SIP counters: no outgoing connection (out=0)" \
	lk_has_log exp "connections in=[0-9]+ out=0 "
# The zones' summary lines at stop.
check "the Control's zone summary at stop: authenticated twice, dropped once" \
	lk_has_log ctl "traversal zone 1 \(.*\): up; client connects=[0-9]+ authenticated=([2-9]|[1-9][0-9]+) drops=[1-9]"
check "the Expressway's zone summary at stop: the client authenticated twice" \
	lk_has_log exp "traversal zone 1 \(.*\): (up|down); server connects=[0-9]+ authenticated=([2-9]|[1-9][0-9]+) "
for r in ctl exp; do
	check "$r exits 0 on SIGTERM" test "${status[$r]:-x}" = 0
	check "$r's counters show registrations" lk_has_log $r "registered=[1-9]"
	check "$r's log has no sanitizer report" bash -c \
		"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/$r.log'"
done

lk_done
