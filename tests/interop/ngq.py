#!/usr/bin/env python3
"""tests/interop/ngq.py  A minimal rtpengine ng client: one request, the reply as JSON.

Usage: ngq.py ADDR:PORT COMMAND [KEY=VALUE ...] [--timeout SECONDS]

Sends "<cookie> <bencode dict>" over UDP (rtpengine's docs/ng_control_protocol.md)
with "command" and the given string keys, waits for the reply with the same
cookie and prints it as one JSON object.  Exit status: 0 a reply came (whatever
its "result"), 1 no reply in time, 2 bad usage.  The bencode encoder and
decoder are written out here on purpose: the test's oracle must not share
code with latchkey's own bencode module.
"""
import json
import os
import socket
import sys
import time


def bencode(v):
    """Encode str, bytes, int, list and dict (keys sorted as raw strings)."""
    if isinstance(v, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, x)
                       for k, x in v.items())
        return b"d" + b"".join(bencode(k) + bencode(x)
                               for k, x in items) + b"e"
    raise TypeError("cannot bencode %r" % type(v))


def bdecode(buf, i=0):
    """Decode one value at buf[i:]; returns (value, next index).

    Strings come back as str (UTF-8, undecodable octets replaced): the
    replies carry SDP, tags and addresses, all text.
    """
    c = buf[i:i + 1]
    if c == b"i":
        end = buf.index(b"e", i)
        return int(buf[i + 1:end]), end + 1
    if c == b"l":
        out, i = [], i + 1
        while buf[i:i + 1] != b"e":
            v, i = bdecode(buf, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        out, i = {}, i + 1
        while buf[i:i + 1] != b"e":
            k, i = bdecode(buf, i)
            v, i = bdecode(buf, i)
            out[k] = v
        return out, i + 1
    if c.isdigit():
        colon = buf.index(b":", i)
        n = int(buf[i:colon])
        s = buf[colon + 1:colon + 1 + n]
        if len(s) != n:
            raise ValueError("string runs past the end at %d" % i)
        return s.decode("utf-8", "replace"), colon + 1 + n
    raise ValueError("unexpected %r at %d" % (c, i))


def main(argv):
    timeout = 2.0
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == "--timeout":
            timeout = float(next(it))
        else:
            args.append(a)
    if len(args) < 2:
        sys.stderr.write(__doc__)
        return 2
    host, _, port = args[0].rpartition(":")
    req = {"command": args[1]}
    for kv in args[2:]:
        k, sep, v = kv.partition("=")
        if not sep:
            sys.stderr.write("ngq.py: expected KEY=VALUE, got %r\n" % kv)
            return 2
        req[k] = v
    cookie = ("ngq%d_%d" % (os.getpid(), time.monotonic_ns())).encode()
    msg = cookie + b" " + bencode(req)
    fam = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    deadline = time.monotonic() + timeout
    # Retransmit every 0.5 s, as a SIP proxy would; the relay answers a
    # repeated cookie from its cache.
    while time.monotonic() < deadline:
        s.sendto(msg, (host.strip("[]"), int(port)))
        try:
            while True:
                data = s.recv(65536)
                ck, sep, body = data.partition(b" ")
                if sep and ck == cookie:
                    reply, end = bdecode(body)
                    if end != len(body):
                        raise ValueError("%d octets after the reply"
                                         % (len(body) - end))
                    print(json.dumps(reply, sort_keys=True))
                    return 0
        except socket.timeout:
            continue
    sys.stderr.write("ngq.py: no reply from %s within %.1f s\n"
                     % (args[0], timeout))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
