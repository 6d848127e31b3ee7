#!/usr/bin/env python3
"""tests/integration/lib/ng_call.py  Set up one call over ng and send media both ways.

Usage: ng_call.py NG_ADDR:PORT CALL_ID [PACKETS]

Offers and answers CALL_ID with two SDPs on 127.0.0.1 (sockets this script
binds, so that their ports are the SDP's), then sends PACKETS (default 5)
RTP packets from each side to the relay port the other side's reply gave
it, and waits for them to arrive through the relay.  Prints one JSON
object: the relay ports and how many packets each side received.  The
call stays up (the daemon keeps it until a delete or the media timeout).
Exit status 0 when the offer and answer were answered "ok".
"""
import json
import os
import re
import socket
import subprocess
import sys
import time

NGQ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "interop", "ngq.py")


def ng(server, *args):
    out = subprocess.run([sys.executable, NGQ, server, *args],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def sdp(port):
    return ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            "t=0 0\r\nm=audio %d RTP/AVP 0\r\n" % port)


def audio_port(reply):
    m = re.search(r"m=audio (\d+) ", reply.get("sdp", ""))
    return int(m.group(1)) if m else 0


def rtp(seq):
    return bytes([0x80, 0x00, seq >> 8, seq & 0xff, 0, 0, 0, seq,
                  0x11, 0x22, 0x33, 0x44]) + b"\xd5" * 160


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    server, call_id = argv[1], argv[2]
    npkt = int(argv[3]) if len(argv) > 3 else 5
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    offer = ng(server, "offer", "call-id=" + call_id, "from-tag=ta",
               "sdp=" + sdp(a.getsockname()[1]))
    answer = ng(server, "answer", "call-id=" + call_id, "from-tag=ta",
                "to-tag=tb", "sdp=" + sdp(b.getsockname()[1]))
    to_b_side = audio_port(offer)     # B sends here
    to_a_side = audio_port(answer)    # A sends here
    got = {"a": 0, "b": 0}
    if offer.get("result") == "ok" and answer.get("result") == "ok":
        for s in (a, b):
            s.settimeout(0.2)
        for i in range(npkt):
            a.sendto(rtp(i), ("127.0.0.1", to_a_side))
            b.sendto(rtp(i), ("127.0.0.1", to_b_side))
            time.sleep(0.02)
        deadline = time.time() + 3
        while time.time() < deadline and (got["a"] < npkt or
                                          got["b"] < npkt):
            for name, s in (("a", a), ("b", b)):
                try:
                    s.recv(2048)
                    got[name] += 1
                except socket.timeout:
                    pass
    print(json.dumps({"offer": offer.get("result"),
                      "answer": answer.get("result"),
                      "relay_port_a": to_a_side, "relay_port_b": to_b_side,
                      "received_a": got["a"], "received_b": got["b"]}))
    return 0 if offer.get("result") == "ok" and \
        answer.get("result") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
