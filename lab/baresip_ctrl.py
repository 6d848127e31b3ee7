#!/usr/bin/env python3
"""lab/baresip_ctrl.py  One command to a baresip over its ctrl_tcp port; prints the JSON response.

Usage: baresip_ctrl.py COMMAND [PARAMS [TOKEN]]

baresip's ctrl_tcp module (on 127.0.0.1:4444 of the caller's network
namespace) takes netstring-framed JSON; event messages that arrive before
the response to our token are skipped.  Used by latchkey lab and by the
tests' baresip helpers (tests/integration/lib/baresip.sh).
"""
import json
import signal
import socket
import sys


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    signal.alarm(10)	# the whole exchange, whatever baresip does
    cmd = {"command": argv[1], "token": argv[3] if len(argv) > 3 else "lk"}
    if len(argv) > 2 and argv[2]:
        cmd["params"] = argv[2]
    req = json.dumps(cmd).encode()
    s = socket.create_connection(("127.0.0.1", 4444), timeout=5)
    s.sendall(b"%d:%s," % (len(req), req))
    buf = b""
    while True:
        while b":" not in buf:
            buf += s.recv(4096) or sys.exit("closed")
        n, _, rest = buf.partition(b":")
        while len(rest) < int(n) + 1:
            rest += s.recv(4096) or sys.exit("closed")
        msg, buf = json.loads(rest[:int(n)]), rest[int(n) + 1:]
        if msg.get("response"):
            print(json.dumps(msg))
            return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
