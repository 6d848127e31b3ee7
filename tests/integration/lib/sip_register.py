#!/usr/bin/env python3
"""tests/integration/lib/sip_register.py  One REGISTER over UDP; prints the status line.

Usage: sip_register.py REGISTRAR_PORT USER DOMAIN [EXPIRES]

Sends REGISTER for sip:USER@DOMAIN from a socket bound on 127.0.0.1 (its
port is the Contact's) to 127.0.0.1:REGISTRAR_PORT, without credentials,
and prints the first line of the answer ("SIP/2.0 200 OK").  Exit status 1
when no answer comes within 3 seconds.
"""
import socket
import sys


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    port, user, domain = int(argv[1]), argv[2], argv[3]
    expires = int(argv[4]) if len(argv) > 4 else 600
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    req = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-lk%d;rport\r\n"
           "Max-Forwards: 70\r\nFrom: <sip:%s@%s>;tag=r%d\r\n"
           "To: <sip:%s@%s>\r\nCall-ID: reg-%d@127.0.0.1\r\n"
           "CSeq: 1 REGISTER\r\nContact: <sip:%s@127.0.0.1:%d>\r\n"
           "Expires: %d\r\nContent-Length: 0\r\n\r\n") % (
               domain, p, p, user, domain, p, user, domain, p, user, p,
               expires)
    s.settimeout(3)
    s.sendto(req.encode(), ("127.0.0.1", port))
    try:
        print(s.recv(4096).decode(errors="replace").split("\r\n")[0])
    except socket.timeout:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
