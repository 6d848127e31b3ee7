#!/usr/bin/env python3
"""tests/integration/lib/call_rtp.py  One call set up over ng, with RTP both ways for a while.

Usage: call_rtp.py NG_ADDR:PORT CALL_ID SECONDS MARKER

Sets up CALL_ID with an ng offer and answer (two endpoints on 127.0.0.1),
touches MARKER once media flows both ways, sends 50 RTP packets a second
from each end for SECONDS, then stops and prints one line:

  a_sent=N a_recv=N b_sent=N b_recv=N late_a=N late_b=N

late_a/late_b count what each end received in the last second of sending:
media still crossing the relay at the end.  Exit 0 when the call was set
up, 1 otherwise.  The bencode codec is tests/interop/ngq.py's, written
apart from latchkey's own.
"""
import os
import re
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "interop"))
from ngq import bencode, bdecode  # noqa: E402


def ng(addr, req):
    host, _, port = addr.rpartition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2.0)
    cookie = b"cr%d" % time.monotonic_ns()
    s.sendto(cookie + b" " + bencode(req), (host, int(port)))
    data = s.recv(65536)
    s.close()
    return bdecode(data.partition(b" ")[2])[0]


def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
            "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n" % port)


def media_of(text):
    c = re.search(r"c=IN IP4 ([0-9.]+)", text).group(1)
    m = int(re.search(r"m=audio ([0-9]+)", text).group(1))
    return c, m


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    addr, callid, seconds, marker = argv[1], argv[2], float(argv[3]), argv[4]
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    off = ng(addr, {"command": "offer", "call-id": callid, "from-tag": "fa",
                    "sdp": sdp(a.getsockname()[1])})
    ans = ng(addr, {"command": "answer", "call-id": callid, "from-tag": "fa",
                    "to-tag": "tb", "sdp": sdp(b.getsockname()[1])})
    if off.get("result") != "ok" or ans.get("result") != "ok":
        print("setup failed: %r %r" % (off, ans))
        return 1
    # The offer's rewritten SDP goes to B, the answer's to A: each says
    # where that end sends.
    to_b = media_of(off["sdp"])
    to_a = media_of(ans["sdp"])
    sent = {"a": 0, "b": 0}
    recv = {"a": 0, "b": 0}
    late = {"a": 0, "b": 0}
    seq = 0
    start = time.monotonic()
    end = start + seconds
    flowing = False
    while time.monotonic() < end:
        seq += 1
        for name, sock, dst in (("a", a, to_a), ("b", b, to_b)):
            pkt = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160,
                              0x1000 if name == "a" else 0x2000) + b"\0" * 160
            sock.sendto(pkt, dst)
            sent[name] += 1
        tick = time.monotonic() + 0.02
        while True:
            left = tick - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([a, b], [], [], left)
            for sock in r:
                name = "a" if sock is a else "b"
                sock.recv(2048)
                recv[name] += 1
                if time.monotonic() > end - 1.0:
                    late[name] += 1
        if not flowing and recv["a"] and recv["b"]:
            flowing = True
            open(marker, "w").close()
    print("a_sent=%d a_recv=%d b_sent=%d b_recv=%d late_a=%d late_b=%d" %
          (sent["a"], recv["a"], sent["b"], recv["b"], late["a"],
           late["b"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
