#!/usr/bin/env python3
# tests/integration/lib/b2b_rtp.py  RTP both ways between two endpoints of a relayed call; counts what arrives.
#
# Each endpoint is a UDP socket bound to the port its SDP offered.  The
# script waits until the call's signalling has written where that endpoint
# must send ("c=ADDR m=PORT ..." lines that the sipp scenarios append to a
# file: the caller's from the 200, the callee's from the INVITE), sends
# COUNT RTP packets from each end, and prints one line:
#
#   a_sent=N a_recv=N a_from=ADDR:PORT b_sent=N b_recv=N b_from=ADDR:PORT
#
# a_recv counts packets at A that carry B's SSRC and payload (and the
# reverse); a_from is where the last of them came from.  Exit 0 when it
# could send, 1 when a file never showed an address (the call did not come
# up), 2 on bad usage.
import argparse
import os
import re
import select
import socket
import struct
import sys
import time

SSRC = {"a": 0x11AA11AA, "b": 0x22BB22BB}
LINE = re.compile(r"c=([0-9.]+) m=([0-9]+)")


def where(path, deadline):
    """The last "c=ADDR m=PORT" line of PATH, waiting until DEADLINE."""
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                found = LINE.findall(f.read())
            if found and int(found[-1][1]):
                return found[-1][0], int(found[-1][1])
        except FileNotFoundError:
            pass
        time.sleep(0.02)
    return None


def rtp(side, seq):
    # RFC 3550 s.5.1: V=2, PT 0 (PCMU), 160 samples (20 ms) a packet.
    hdr = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, SSRC[side])
    return hdr + (b"latchkey-%s-%05d" % (side.encode(), seq)).ljust(160, b"\xff")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="ADDR:PORT A binds")
    ap.add_argument("--a-sdp", required=True, help="file with A's peer")
    ap.add_argument("--b", required=True, help="ADDR:PORT B binds")
    ap.add_argument("--b-sdp", required=True, help="file with B's peer")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--interval", type=float, default=0.01)
    ap.add_argument("--wait", type=float, default=10.0,
                    help="seconds to wait for the SDP files")
    args = ap.parse_args()

    socks = {}
    for side, spec in (("a", args.a), ("b", args.b)):
        addr, port = spec.rsplit(":", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.setblocking(False)
        socks[side] = s

    deadline = time.monotonic() + args.wait
    peer = {"a": where(args.a_sdp, deadline), "b": where(args.b_sdp, deadline)}
    for side in peer:
        if not peer[side]:
            print("no address for %s in %s" % (side, getattr(args, side + "_sdp")))
            return 1

    other = {"a": "b", "b": "a"}
    recv = {"a": 0, "b": 0}
    frm = {"a": "-", "b": "-"}

    def drain(timeout):
        r, _, _ = select.select(list(socks.values()), [], [], timeout)
        for side, s in socks.items():
            if s not in r:
                continue
            while True:
                try:
                    data, src = s.recvfrom(2048)
                except BlockingIOError:
                    break
                o = other[side]
                if (len(data) >= 12 and data[0] >> 6 == 2 and
                        struct.unpack("!I", data[8:12])[0] == SSRC[o] and
                        b"latchkey-%s-" % o.encode() in data):
                    recv[side] += 1
                    frm[side] = "%s:%d" % src

    sent = {"a": 0, "b": 0}
    for seq in range(args.count):
        for side in ("a", "b"):
            socks[side].sendto(rtp(side, seq + 1), peer[side])
            sent[side] += 1
        end = time.monotonic() + args.interval
        while time.monotonic() < end:
            drain(max(0.0, end - time.monotonic()))
    end = time.monotonic() + 0.5
    while time.monotonic() < end and (recv["a"] < sent["b"] or
                                      recv["b"] < sent["a"]):
        drain(0.05)

    print("a_sent=%d a_recv=%d a_from=%s b_sent=%d b_recv=%d b_from=%s" %
          (sent["a"], recv["a"], frm["a"], sent["b"], recv["b"], frm["b"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
