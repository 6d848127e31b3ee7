#!/usr/bin/env bash
# tests/integration/sip_baresip.sh  A real baresip registers with latchkeyd over UDP and TCP; the registrar lists it.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/netns.sh"	# lk_ns_start NAME NS CMD..., pid[NAME]

command -v baresip >/dev/null || { echo "baresip missing: apt-get install baresip-core"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "needs root for a network namespace"; exit 1; }

# One namespace of our own runs latchkeyd and both baresips on its own
# loopback (PEERS.md: baresip binds RTP and DNS to the wildcard, so never
# on the host's).  It is deleted on every exit path.
NS="lk-sip-$$"
lk_ns_add "$NS"

cat >"$LK_TMP/lk.conf" <<CONF
[System]
Role = control
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 15360
TCP port = 15360
TLS port = 15361
TCP outbound port start = 25400
TCP outbound port end = 25499
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 11739
Call signaling port range start = 21000
Call signaling port range end = 21999
[Protocols > H.323]
Call signaling TCP port = 11740
[Local Zone > Traversal Subzone]
Traversal Media port start = 47600
Traversal Media port end = 47699
[Session control]
Listen = 127.0.0.1:22361
[Registrar]
Domain = 127.0.0.1
CONF

lk_ns_start lk "$NS" "$LK_LATCHKEYD" --config "$LK_TMP/lk.conf"
check "latchkeyd starts in the namespace" lk_wait_log lk "running \(pid"

bs_conf() {	# bs_conf DIR SIPPORT RTPLO USER TRANSPORT
	mkdir -p "$1"
	cat >"$1/config" <<BCONF
sip_listen		127.0.0.1:$2
net_interface		127.0.0.1
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			alsa.so
module_tmp		account.so
module_app		menu.so
audio_source		ausine,440
audio_player		alsa,null
audio_alert		alsa,null
rtp_ports		$3-$(($3 + 19))
BCONF
	echo "<sip:$4@127.0.0.1:15360;transport=$5>;regint=60;audio_codecs=PCMU" >"$1/accounts"
}
bs_conf "$LK_TMP/bs-udp" 15392 15500 alice udp
bs_conf "$LK_TMP/bs-tcp" 15394 15530 bob tcp

lk_ns_start bs-udp "$NS" timeout 30 baresip -f "$LK_TMP/bs-udp" -t 12
lk_ns_start bs-tcp "$NS" timeout 30 baresip -f "$LK_TMP/bs-tcp" -t 12

check "baresip (UDP) is bound by the registrar" lk_wait_log lk \
	"sip:alice@127.0.0.1: bound .* via UDP 127.0.0.1:15392" 10
check "baresip (TCP) is bound by the registrar on its connection" lk_wait_log lk \
	"sip:bob@127.0.0.1: bound .* via TCP 127.0.0.1:" 10
check "baresip (UDP) reports its registration" lk_wait_log bs-udp "200 OK" 5
check "baresip (TCP) reports its registration" lk_wait_log bs-tcp "200 OK" 5

# The registrar lists both: a REGISTER without Contact fetches bindings.
fetch() {	# fetch USER -> the 200's Contact lines
	ip netns exec "$NS" python3 - "$1" <<'PY'
import socket, sys
u = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 15396)); s.settimeout(2)
m = ("REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:15396;branch=z9hG4bK-f-%s;rport\r\n"
     "From: <sip:%s@127.0.0.1>;tag=q\r\nTo: <sip:%s@127.0.0.1>\r\nCall-ID: fetch-%s\r\nCSeq: 1 REGISTER\r\n"
     "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n") % (u, u, u, u)
s.sendto(m.encode(), ("127.0.0.1", 15360))
print("\n".join(l for l in s.recv(4000).decode().split("\r\n") if l.startswith("Contact:")))
PY
}
a=$(fetch alice); echo "alice: $a"
b=$(fetch bob); echo "bob: $b"
check "registrar lists alice's UDP contact" grep -q "127.0.0.1:15392" <<<"$a"
check "registrar lists bob's TCP contact" grep -qi "transport=tcp" <<<"$b"

wait "${pid[bs-udp]}" 2>/dev/null || true
wait "${pid[bs-tcp]}" 2>/dev/null || true
check "SIGTERM stops latchkeyd" lk_stop "${pid[lk]}"
check "counters show both registrations" grep -Eq "registered=[2-9]" "$LK_TMP/lk.log"
check "no sanitizer report" bash -c "! grep -q Sanitizer '$LK_TMP/lk.log'"
lk_done
