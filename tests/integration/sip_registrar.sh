#!/usr/bin/env bash
# tests/integration/sip_registrar.sh  SIP over UDP/TCP/TLS against the real latchkeyd: OPTIONS, REGISTER (sipp), malformed input.
source "$(dirname "$0")/lib/common.sh"

command -v sipp >/dev/null || { echo "sipp missing: apt-get install sip-tester"; exit 1; }
SC=$(cd "$(dirname "$0")/sip" && pwd)

# Ports of this test only: SIP 15360 (UDP, TCP) and 15361 (TLS), TCP
# outbound 25400-25499, sipp from 15370 up; nothing else uses them.
conf() {	# conf FILE [extra lines for the end]
	local f=$1
	cat >"$f" <<CONF
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
CONF
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" >>"$f"
}

# sipp NAME SCENARIO TRANSPORT(u1|t1) LOCALPORT [more sipp args]: one call, bounded.
run_sipp() {
	local name=$1 sc=$2 t=$3 lp=$4
	shift 4
	[[ "$sc" == /* ]] || sc="$SC/$sc"
	timeout 20 sipp 127.0.0.1:15360 -sf "$sc" -t "$t" -i 127.0.0.1 \
		-p "$lp" -m 1 -nostdin -timeout 10s -timeout_error \
		-recv_timeout 5000 -trace_err -error_file "$LK_TMP/$name.err" \
		"$@" >"$LK_TMP/$name.out" 2>&1 && return 0
	echo "--- sipp $name:"; tail -20 "$LK_TMP/$name.out"
	cat "$LK_TMP/$name.err" 2>/dev/null | tail -30
	return 1
}

# Raw probes: python3 sends octets and prints what comes back.
probe() {	# probe udp|tcp PAYLOAD-PY-EXPR -> first final reply line, or "none"
	python3 - "$@" <<'PY'
import socket, sys
proto, expr = sys.argv[1], sys.argv[2]
msg = eval(expr)
if proto == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 15380))
    s.settimeout(1.5)
    s.sendto(msg, ("127.0.0.1", 15360))
else:
    s = socket.create_connection(("127.0.0.1", 15360), timeout=3)
    s.sendall(msg)
    s.settimeout(1.5)
# The first final response to this request (same CSeq and Call-ID): a 100
# Trying is skipped, and so are responses to an earlier probe (the INVITE probe never ACKs its
# 488, so Timer G sends it again, RFC 3261 s.17.2.1).
def hdr_of(b, name):
    for l in b.split(b"\r\n"):
        if l.lower().startswith(name + b":"):
            return l.split(b":", 1)[1].strip()
    return None
def cseq_of(b):
    return (hdr_of(b, b"cseq"), hdr_of(b, b"call-id"))
mine = cseq_of(msg)
try:
    while True:
        data = s.recv(70000)
        if not data:
            print("closed")
            break
        first = data.split(b"\r\n")[0]
        if first.startswith(b"SIP/2.0 1"):
            continue
        theirs = cseq_of(data)
        if first.startswith(b"SIP/2.0") and theirs != mine:
            continue
        print(first.decode(errors="replace"))
        break
except socket.timeout:
    print("none")
PY
}
req() {	# req METHOD [headers to drop, regex] [extra header lines]: a request as Python bytes
	python3 - "$@" <<'PY'
import re, sys
met = sys.argv[1]
drop = sys.argv[2] if len(sys.argv) > 2 else "^$"
extra = sys.argv[3] if len(sys.argv) > 3 else ""
h = ["Via: SIP/2.0/UDP 127.0.0.1:15380;branch=z9hG4bK-%s-%s;rport" % (met, abs(hash(drop + extra)) % 10**8),
     "From: <sip:probe@127.0.0.1>;tag=1", "To: <sip:lk@127.0.0.1>",
     "Call-ID: probe-%s" % abs(hash(drop + extra)), "CSeq: 1 %s" % met,
     "Max-Forwards: 70"]
h = [x for x in h if not re.match(drop, x)]
body = ""
if extra == "PAD":
    h.append("X-Pad: " + "a" * 70000)
elif extra.startswith("SDP"):	# SDP[|more header lines]: an offer as body
    h += [x for x in extra.split("|")[1:] if x]
    h.append("Content-Type: application/sdp")
    body = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            "t=0 0\r\nm=audio 40000 RTP/AVP 0\r\n")
elif extra and extra not in ("NOCL", "BIGCL"):
    h += extra.split("|")
clen = "Content-Length: %d\r\n" % len(body)
if extra == "NOCL":
    clen = ""
elif extra == "BIGCL":
    clen = "Content-Length: 100000\r\n"
m = "%s sip:127.0.0.1:15360 SIP/2.0\r\n%s\r\n%s\r\n%s" % (met, "\r\n".join(h), clen, body)
print(repr(m.encode()))
PY
}

conf "$LK_TMP/sip.conf"
lk_start sip --config "$LK_TMP/sip.conf"
pid=$LK_LAST_PID
check "latchkeyd starts with SIP" lk_wait_log sip "running \(pid"
check "self-signed TLS certificate is announced" grep -q "self-signed certificate made at start" "$LK_TMP/sip.log"
check "SIP UDP 15360 bound" lk_bound "$pid" udp 127.0.0.1:15360
check "SIP TCP 15360 bound" lk_bound "$pid" tcp 127.0.0.1:15360
check "SIP TLS 15361 bound" lk_bound "$pid" tcp 127.0.0.1:15361

# OPTIONS over UDP and TCP with sipp; Allow is checked by the scenario.
check "sipp OPTIONS over UDP gets 200 with Allow" run_sipp opt-udp options.xml u1 15370
check "sipp OPTIONS over TCP gets 200 with Allow" run_sipp opt-tcp options.xml t1 15371

# OPTIONS over TLS with openssl s_client (no verification: self-signed).
tls_options() {
	local r
	r=$( (printf 'OPTIONS sip:127.0.0.1:15361 SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:15390;branch=z9hG4bK-tls1\r\nFrom: <sip:tls@127.0.0.1>;tag=t1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: tls-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n'; sleep 2) |
		timeout 10 openssl s_client -connect 127.0.0.1:15361 -quiet -no_ign_eof 2>/dev/null | head -1)
	echo "TLS reply: $r"
	[[ "$r" == "SIP/2.0 200 OK"* ]]
}
check "OPTIONS over TLS (openssl s_client) gets 200" tls_options

# REGISTER: two contacts listed with their expiry, 423 below the minimum,
# then "*" with Expires: 0; over UDP and TCP.
check "sipp REGISTER over UDP: 2 contacts, 423, unregister" run_sipp reg-udp register.xml u1 15372 -s alice
check "sipp REGISTER over TCP: 2 contacts, 423, unregister" run_sipp reg-tcp register.xml t1 15373 -s bob
check "sipp REGISTER over TCP and keep the binding" run_sipp keep-tcp register_keep.xml t1 15374 -s carol
check "registrar logs carol's binding on its TCP flow" grep -qi \
	"sip:carol@127.0.0.1: bound sip:carol@127.0.0.1:15374;transport=tcp via TCP 127.0.0.1:" "$LK_TMP/sip.log"

# A REGISTER without Contact fetches the bindings (RFC 3261 s.10.2.3).
fetch=$(probe udp "$(req REGISTER '^To:' 'To: <sip:carol@127.0.0.1>')")
check "REGISTER without Contact is answered 200 ($fetch)" test "$fetch" = "SIP/2.0 200 OK"

# Malformed input: a 400/483 where a reply is possible, a counted drop
# where not; the daemon stays up.
r=$(probe udp "$(req OPTIONS '^Call-ID:')")
check "no Call-ID: 400 ($r)" test "$r" = "SIP/2.0 400 Missing Call-ID header"
r=$(probe udp "$(req OPTIONS '^Max-Forwards:' 'Max-Forwards: 0')")
check "Max-Forwards 0: 483 ($r)" test "$r" = "SIP/2.0 483 Too Many Hops"
r=$(probe udp "$(req OPTIONS '^Via:' 'Via: SIP/2.0/UDP 127.0.0.1:15380;rport')")
check "Via without branch: 400 ($r)" test "$r" = "SIP/2.0 400 Missing branch parameter in Via"
r=$(probe udp "$(req OPTIONS '^CSeq:' 'CSeq: 1 REGISTER')")
check "CSeq method mismatch: 400 ($r)" test "$r" = "SIP/2.0 400 CSeq method does not match the request"
r=$(probe udp "$(req INVITE)")
check "INVITE without an SDP offer: 488 ($r)" test "$r" = "SIP/2.0 488 Not Acceptable Here"
r=$(probe udp "$(req INVITE '^$' 'SDP')")
check "INVITE with an offer but no Contact: 400 ($r)" test "$r" = "SIP/2.0 400 Bad Request"
r=$(probe udp "$(req INVITE '^From:' 'SDP|From: <sip:probe@127.0.0.1>|Contact: <sip:probe@127.0.0.1:15380>')")
check "INVITE without a From tag: 400 ($r)" test "$r" = "SIP/2.0 400 Bad Request"
r=$(probe udp "$(req INVITE '^$' 'SDP|Contact: <sip:probe@127.0.0.1:15380>')")
check "INVITE for a local domain, nobody registered, no route: 480 ($r)" test "$r" = "SIP/2.0 480 Temporarily Unavailable"
r=$(probe udp "$(req SUBSCRIBE)")
check "SUBSCRIBE (not handled): 405 ($r)" test "$r" = "SIP/2.0 405 Method Not Allowed"
r=$(probe udp "$(req FROB)")
check "unknown method: 501 ($r)" test "$r" = "SIP/2.0 501 Not Implemented"
r=$(probe udp "b'\\x00\\x01garbage\\xff' * 10")
check "garbage on UDP: no reply ($r)" test "$r" = "none"
r=$(probe udp "$(req OPTIONS '^Via:')")
check "no Via on UDP: no reply, dropped ($r)" test "$r" = "none"
r=$(probe tcp "$(req OPTIONS '^$' BIGCL)")
check "Content-Length over 64 KiB on TCP: 513 ($r)" test "$r" = "SIP/2.0 513 Message Too Large"
r=$(probe tcp "$(req OPTIONS '^$' PAD)")
check "headers over 16 KiB on TCP: connection closed ($r)" test "$r" = "closed"
r=$(probe tcp "$(req OPTIONS '^$' NOCL)")
check "no Content-Length on TCP: 400 ($r)" test "$r" = "SIP/2.0 400 Missing Content-Length"
r=$(probe tcp "b'\\r\\n\\r\\n'")
check "CRLFCRLF ping on TCP gets a CRLF pong" test "$r" = ""
# Issue 9: a stream that does not start with a SIP start line is not SIP:
# no reply, the connection closed, one log line with the peer's address.
r=$(probe tcp "b'HELLO\\r\\n\\r\\n'")
check "HELLO on the TCP port is not SIP: closed without a reply ($r)" test "$r" = "closed"
check "HELLO is logged as not SIP with the peer's address" grep -Eq \
	"SIP TCP 127\.0\.0\.1:[0-9]+: not SIP \(no SIP start line\); closing" "$LK_TMP/sip.log"
r=$(probe tcp "b'\\x16\\x03\\x01 not sip at all'")
check "binary on the TCP port: connection closed ($r)" test "$r" = "closed"
# Issue 9: a TLS connection reset by the peer is logged as what happened,
# never "TLS: (null)".  Python closes with SO_LINGER 0 after the handshake
# (no close_notify), so the kernel sends a RST.
tls_reset() {
	python3 - <<'PY'
import socket, ssl, struct, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", 15361), timeout=5))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
time.sleep(0.2)
s.close()
PY
}
check "a TLS client connects and resets" tls_reset
check "the reset is logged as what it is" lk_wait_log sip \
	"SIP TLS 127.0.0.1:[0-9]*: Connection reset by peer"
check "no TLS error is logged as (null)" bash -c "! grep -q '(null)' '$LK_TMP/sip.log'"
check "daemon survived the malformed input" kill -0 "$pid"
check "sipp OPTIONS over UDP still works" run_sipp opt-udp2 options.xml u1 15375

check "SIGTERM stops latchkeyd" lk_stop "$pid"
check "counters: garbage and no-Via counted as drops" grep -Eq \
	"dropped undecodable=[1-9][0-9]* unroutable=[1-9]" "$LK_TMP/sip.log"
check "counters: rejections counted" grep -Eq "rejected=[1-9]" "$LK_TMP/sip.log"
check "carol is listed at stop" grep -qi "sip:carol@127.0.0.1 -> sip:carol@127.0.0.1:15374;transport=tcp via TCP" "$LK_TMP/sip.log"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$LK_TMP/sip.log'"

# Digest authentication (RFC 2617, qop=auth) with users from the config.
conf "$LK_TMP/auth.conf" "[Registrar]" "Authentication = on" "Realm = lab.example" \
	"Users = alice:wonderland, bob:builder"
lk_start auth --config "$LK_TMP/auth.conf"
pid=$LK_LAST_PID
check "latchkeyd starts with authentication" lk_wait_log auth "running \(pid"
check "sipp REGISTER with digest over UDP: 401 then 200" \
	run_sipp auth-udp register_auth.xml u1 15376 -s alice -au alice -ap wonderland
check "sipp REGISTER with digest over TCP: 401 then 200" \
	run_sipp auth-tcp register_auth.xml t1 15377 -s bob -au bob -ap builder
sed 's/<recv response="200"\/>/<recv response="401"\/>/' "$SC/register_auth.xml" >"$LK_TMP/badauth.xml"
check "wrong password: 401 again" run_sipp auth-bad "$LK_TMP/badauth.xml" u1 15378 -s alice -au alice -ap wrong
check "SIGTERM stops latchkeyd" lk_stop "$pid"
check "auth counters" grep -Eq "registered=2 .*challenged=[1-9][0-9]* auth_failed=1" "$LK_TMP/auth.log"

lk_done
