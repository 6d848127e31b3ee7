#!/usr/bin/env python3
"""tests/integration/lib/kfwd_veth.py  One call between two network namespaces through the relay's, RTP both ways.

Usage: kfwd_veth.py NG_ADDR:PORT CALL_ID NS_A ADDR_A NS_B ADDR_B FOREIGN PACKETS

Run inside the relay's namespace (for ng).  Sets up CALL_ID with an ng
offer (endpoint A: ADDR_A, a socket made inside namespace NS_A) and
answer (endpoint B: ADDR_B in NS_B), latches B with one packet that the
relay holds (A has not latched yet), then sends PACKETS RTP packets from
each side to the relay port the other side's reply gave it, paced, and
counts what arrives at each side: only packets from the relay's address
and port for that side, with the same octets as were sent.  Then a
foreign source (FOREIGN, an address of NS_B that is not B's) sends 20
packets to the relay port of B's stream: none may reach A.  Prints one
JSON object:

  {"offer": "ok", "answer": "ok", "a_got": N, "b_got": N, "bad": N,
   "foreign_at_a": N}

"bad" counts packets that arrived from the wrong address or with other
octets.  Exit status 0 when the call was set up.
"""
import ctypes
import json
import os
import re
import socket
import subprocess
import sys
import time

NGQ = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "interop", "ngq.py")
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def ng(server, *args):
    out = subprocess.run([sys.executable, NGQ, server, *args],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def sock_in(ns, addr):
    """A UDP socket made inside network namespace NS, bound to ADDR:0."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + ns)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, 0))
    finally:
        if libc.setns(home, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(there)
        os.close(home)
    s.setblocking(False)
    return s


def sdp(addr, port):
    return ("v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\n"
            "t=0 0\r\nm=audio %d RTP/AVP 0\r\n" % (addr, addr, port))


def media_of(reply):
    text = reply.get("sdp", "")
    c = re.search(r"c=IN IP4 ([0-9.]+)", text)
    m = re.search(r"m=audio (\d+) ", text)
    return (c.group(1), int(m.group(1))) if c and m else ("", 0)


def rtp(side, seq):
    return bytes([0x80, 0x00, seq >> 8, seq & 0xff, 0, 0, 0, seq & 0xff,
                  0x11, 0x22, 0x33, side]) + bytes([side]) * 160


def drain(s, want_from, side, got):
    """Count what is waiting on S; good: from WANT_FROM, octets of SIDE."""
    while True:
        try:
            data, src = s.recvfrom(2048)
        except BlockingIOError:
            return
        if src == want_from and len(data) == 172 and data[11] == side:
            got["n"] += 1
        elif data[11:12] == b"\xee":
            got["foreign"] += 1
        else:
            got["bad"] += 1


def main(argv):
    if len(argv) != 9:
        sys.stderr.write(__doc__)
        return 2
    server, call_id, ns_a, addr_a, ns_b, addr_b, foreign = argv[1:8]
    npkt = int(argv[8])
    a = sock_in(ns_a, addr_a)
    b = sock_in(ns_b, addr_b)
    f = sock_in(ns_b, foreign)
    offer = ng(server, "offer", "call-id=" + call_id, "from-tag=ta",
               "sdp=" + sdp(addr_a, a.getsockname()[1]))
    answer = ng(server, "answer", "call-id=" + call_id, "from-tag=ta",
                "to-tag=tb", "sdp=" + sdp(addr_b, b.getsockname()[1]))
    to_b_side = media_of(offer)     # B sends here, hears from
    to_a_side = media_of(answer)    # A sends here, hears from
    ga = {"n": 0, "bad": 0, "foreign": 0}
    gb = {"n": 0, "bad": 0, "foreign": 0}
    ok = offer.get("result") == "ok" and answer.get("result") == "ok"
    if ok:
        # B first, once: it latches B, and the relay holds it (A has
        # not latched yet), so that every counted packet can arrive.
        b.sendto(rtp(0xb, 0), to_b_side)
        time.sleep(0.05)
        for i in range(npkt):
            a.sendto(rtp(0xa, i), to_a_side)
            b.sendto(rtp(0xb, i), to_b_side)
            time.sleep(0.002)
            drain(a, to_a_side, 0xb, ga)
            drain(b, to_b_side, 0xa, gb)
        # A foreign source on B's side, at B's relay port: RTP bleed.
        for i in range(20):
            f.sendto(rtp(0xee, i), to_b_side)
            time.sleep(0.002)
        deadline = time.time() + 2
        while time.time() < deadline:
            drain(a, to_a_side, 0xb, ga)
            drain(b, to_b_side, 0xa, gb)
            if ga["n"] >= npkt and gb["n"] >= npkt:
                time.sleep(0.3)
                drain(a, to_a_side, 0xb, ga)
                break
            time.sleep(0.01)
    print(json.dumps({"offer": offer.get("result"),
                      "answer": answer.get("result"),
                      "a_got": ga["n"], "b_got": gb["n"],
                      "bad": ga["bad"] + gb["bad"],
                      "foreign_at_a": ga["foreign"]}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
