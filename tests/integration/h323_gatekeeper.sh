#!/usr/bin/env bash
# tests/integration/h323_gatekeeper.sh  latchkeyd's gatekeeper answers the real capture's RAS requests; tshark judges the replies.
source "$(dirname "$0")/lib/common.sh"
command -v tshark >/dev/null || { echo "tshark missing: ./bootstrap.sh deps"; exit 1; }

# Ports of this test only (tests run in parallel in one namespace).
RAS=11829
cat >"$LK_TMP/gk.conf" <<CONF
[System]
Role = control
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 8660
TCP port = 8662
TLS port = 8661
[Protocols > H.323 > Gatekeeper]
Registration UDP port = $RAS
Time to live = 300
Call signaling port range start = 8700
Call signaling port range end = 8799
[Protocols > H.323]
Call signaling TCP port = 11830
[Session control]
Listen = 127.0.0.1:8670
CONF
lk_start gk --config "$LK_TMP/gk.conf"
pid=$LK_LAST_PID
check "latchkeyd starts" lk_wait_log gk "running \(pid"
check "the gatekeeper serves RAS" lk_wait_log gk "H.323 gatekeeper RAS on UDP 127.0.0.1:$RAS"

# Replay the RAS requests of shared/captures/h323-ndpi.pcap (extracted to
# tests/data/h323) from loopback sockets.  The addresses inside them stay
# the capture's: the gatekeeper must answer the UDP source, never them,
# and this namespace has no route to them anyway.  Every request and
# reply goes into a pcap for tshark.
python3 - "$LK_SOURCE_DIR/tests/data/h323" "$RAS" "$LK_TMP/ras.pcap" \
	>"$LK_TMP/replay.txt" <<'PY'
import socket, struct, sys, time
data, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
gk = ("127.0.0.1", port)
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.1", 0))
frames = []
def rec(src, dst, payload):
    frames.append((src, dst, payload))
def ask(sock, name, expect_reply=True):
    req = open(f"{data}/{name}", "rb").read()
    rec(sock.getsockname(), gk, req)
    sock.settimeout(2.0 if expect_reply else 0.5)
    sock.sendto(req, gk)
    try:
        rep, src = sock.recvfrom(65535)
    except socket.timeout:
        print(f"{name} -> none"); return None
    rec(src, sock.getsockname(), rep)
    print(f"{name} -> {len(rep)} bytes from {src[0]}:{src[1]} {rep.hex()}")
    return rep
ask(a, "ras-f59-grq.bin")
r1 = ask(a, "ras-f61-rrq.bin")
r2 = ask(a, "ras-f61-rrq.bin")
print("retransmission identical" if r1 and r1 == r2 else "retransmission DIFFERS")
ask(b, "ras-f61-rrq.bin")
ask(a, "ras-f71-rrq.bin")
ask(a, "ras-f63-arq.bin")
ask(a, "ras-f69-drq.bin")
ask(a, "overflow-ndpi.bin", expect_reply=False)
ask(a, "ras-f62-rcf.bin", expect_reply=False)
ask(a, "ras-f59-grq.bin")
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))
    for i, (src, dst, p) in enumerate(frames):
        udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(p), 0)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28 + len(p), 0, 0, 64,
                         17, 0, socket.inet_aton(src[0]),
                         socket.inet_aton(dst[0]))
        s = sum(struct.unpack("!10H", ip))
        s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
        ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
        pkt = ip + udp + p
        f.write(struct.pack("<IIII", i, 0, len(pkt), len(pkt)) + pkt)
PY
cat "$LK_TMP/replay.txt"
check "a retransmitted RRQ gets the identical RCF" \
	grep -q "retransmission identical" "$LK_TMP/replay.txt"
check "no reply to garbage or to an RCF" \
	test "$(grep -c -- '-> none' "$LK_TMP/replay.txt")" -eq 2
check "replies come from the gatekeeper's RAS port" \
	test "$(grep -c "from 127.0.0.1:$RAS" "$LK_TMP/replay.txt")" -eq 8
check "latchkeyd survived" kill -0 "$pid"

# tshark's reading: RasMessage kind, rejectReason, timeToLive per reply.
tshark -r "$LK_TMP/ras.pcap" -d "udp.port==$RAS,h225" -V \
	>"$LK_TMP/decode.txt" 2>/dev/null
tshark -r "$LK_TMP/ras.pcap" -d "udp.port==$RAS,h225" \
	-Y "udp.srcport==$RAS" -T fields -E separator='|' \
	-e h225.RasMessage -e h225.rejectReason -e h225.timeToLive \
	-e h225.gatekeeperIdentifier -e h225.standard \
	>"$LK_TMP/replies.txt" 2>/dev/null
cat "$LK_TMP/replies.txt"
check "no Malformed in any reply" bash -c "! tshark -r '$LK_TMP/ras.pcap' \
	-d 'udp.port==$RAS,h225' -Y 'udp.srcport==$RAS' -V 2>/dev/null |
	grep -qE 'Malformed|Expert Info \((Warning|Error)'"
want="1|||latchkey|
4||300|latchkey|
4||300|latchkey|
5|4|||
5|12|||
11|4|||
17|0|||
1|||latchkey|"
check "replies as tshark reads them: GCF, RCF (TTL 300, from the configuration) twice, RRJ duplicateAlias, RRJ fullRegistrationRequired, ARJ callerNotRegistered, DRJ notRegistered, GCF" \
	test "$(cat "$LK_TMP/replies.txt")" = "$want"
check "the NAT case is logged (rasAddress is not the source)" \
	grep -q "differs from the source" "$LK_TMP/gk.log"
check "the garbage is logged as dropped" \
	grep -q "not decoded" "$LK_TMP/gk.log"

lk_done
