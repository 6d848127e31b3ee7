#!/usr/bin/env python3
"""tests/interop/baresip_log.py  What a baresip 1.0 endpoint saw, from its console output.

Usage: baresip_log.py LOG SIP_PEER

LOG is baresip's stdout/stderr with the SIP trace on (-s) and rtp_stats on;
SIP_PEER is the proxy's ADDR:PORT.  Prints one "key value" line per fact
found (nothing for a fact missing from the log):

  established    1 when "Call established" appears
  sdp_sent       ADDR:PORT of c= and m=audio of the first SDP sent to SIP_PEER
  sdp_received   the same of the first SDP received from SIP_PEER
  from_tag       the From tag of the first INVITE (the caller's tag)
  to_tag         the To tag of the first 200 OK to an INVITE (the callee's)
  rtp_from       where baresip says incoming RTP is "receiving from"
  duration       seconds, from "terminated (duration: N secs)"
  tx_packets rx_packets tx_lost rx_lost   the rtp_stats table ("audio
                 Transmit: Receive:" block) printed at the end of the call
"""
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# The call status ticker rewrites one line with "\r"; drop its text.
TICKER = re.compile(r"\[\d+:\d\d:\d\d\] audio=\d+/\d+ \(bit/s\) *")
HEADER = re.compile(r"^(UDP|TCP|TLS|WS|WSS) (\S+) -> (\S+)$")


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    text = open(argv[1], "rb").read().decode("utf-8", "replace")
    text = ANSI.sub("", text)
    lines = [TICKER.sub("", ln).strip()
             for ln in re.split(r"\r\n|\r|\n", text)]
    peer = argv[2]
    facts = {}
    direction = None	# "sent" or "received" while inside a traced message
    c_addr = m_port = None
    first = None	# the traced message's start line, then its headers
    headers = {}
    in_stats = False

    def tag_of(value):
        m = re.search(r";\s*tag=([^;\s>]+)", value or "")
        return m.group(1) if m else None

    def flush_sdp():
        if direction and c_addr and m_port:
            facts.setdefault("sdp_" + direction, "%s:%s" % (c_addr, m_port))
        if first and first.startswith("INVITE ") and tag_of(
                headers.get("from")):
            facts.setdefault("from_tag", tag_of(headers["from"]))
        if (first and first.startswith("SIP/2.0 200")
                and "INVITE" in headers.get("cseq", "")
                and tag_of(headers.get("to"))):
            facts.setdefault("to_tag", tag_of(headers["to"]))

    for ln in lines:
        h = HEADER.match(ln)
        if h:
            flush_sdp()
            c_addr = m_port = first = None
            headers = {}
            direction = ("sent" if h.group(3) == peer else
                         "received" if h.group(2) == peer else None)
            continue
        if direction is not None and first is None and ln:
            first = ln
            continue
        m = re.match(r"^(From|To|CSeq|f|t):\s*(.*)$", ln)
        if first and m:
            key = {"f": "from", "t": "to"}.get(m.group(1), m.group(1).lower())
            headers.setdefault(key, m.group(2))
            continue
        m = re.match(r"^c=IN IP[46] (\S+)$", ln)
        if m:
            c_addr = m.group(1)
            continue
        m = re.match(r"^m=audio (\d+) ", ln)
        if m:
            m_port = m.group(1)
            continue
        if "Call established" in ln:
            facts.setdefault("established", "1")
        m = re.search(r"incoming rtp for 'audio' established, "
                      r"receiving from (\S+)$", ln)
        if m:
            facts.setdefault("rtp_from", m.group(1))
        m = re.search(r"terminated \(duration: (\d+) secs?\)", ln)
        if m:
            facts.setdefault("duration", m.group(1))
        if re.match(r"^audio\s+Transmit:\s+Receive:$", ln):
            in_stats = True
            continue
        if in_stats:
            m = re.match(r"^(packets|lost):\s+(\d+)\s+(\d+)$", ln)
            if m:
                facts.setdefault("tx_" + m.group(1), m.group(2))
                facts.setdefault("rx_" + m.group(1), m.group(3))
            elif not ln or not re.match(r"^[a-z. ]+:", ln):
                in_stats = False
    flush_sdp()
    for k in sorted(facts):
        print(k, facts[k])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
