#!/usr/bin/env bash
# tests/integration/h46019_tshark.sh  tshark, not our own decoder, reads the H.460.19 TraversalParameters our codec writes into OLC/OLCAck genericInformation.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/tshark.sh"
: "${LK_H323_H46019GEN:?run through ctest, which sets LK_H323_H46019GEN}"

# tests/unit/h323/test_h46019.c --dump prints an OpenLogicalChannel with
# a server's TraversalParameters (mux 192.0.2.1:36000/36001, multiplexID
# 1234, keepAliveChannel 192.0.2.1:36000, keepAliveInterval 19) and an
# OpenLogicalChannelAck with a client's (keepAlivePayloadType 116,
# multiplexID 4294967295), each in a TPKT; text2pcap puts them on TCP
# 42000 -> 42001 (nothing is sent) and tshark decodes that as H.245.
command -v tshark >/dev/null || { echo "tshark missing: ./bootstrap.sh deps"; exit 1; }
command -v text2pcap >/dev/null || { echo "text2pcap missing: ./bootstrap.sh deps"; exit 1; }
pcap=$LK_TMP/h46019.pcap
"$LK_H323_H46019GEN" --dump >"$LK_TMP/h46019.txt"
text2pcap -q -T 42000,42001 "$LK_TMP/h46019.txt" "$pcap"
tshark -r "$pcap" -d tcp.port==42000,h245 -V >"$LK_TMP/decode.txt" 2>/dev/null
check "two H.245 messages" test "$(grep -c '^H.245' "$LK_TMP/decode.txt")" -eq 2
check "no Malformed, no expert info" lk_tshark_no_expert "$LK_TMP/decode.txt"
check "both read as mediaNATFWTraversal" \
	test "$(grep -c 'standard: 0.0.8.460.19.0.1' "$LK_TMP/decode.txt")" -eq 2

LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=(-d tcp.port==42000,h245)
lk_tshark_expect "OLC: multiplexID, keep-alive interval" "1234|19" \
	frame.number==1 h460.19.multiplexID h460.19.keepAliveInterval
lk_tshark_expect "OLC: mux RTP, mux RTCP, keepAliveChannel" \
	"192.0.2.1,192.0.2.1,192.0.2.1|36000,36001,36000" frame.number==1 \
	h245.ip4_network h245.tsapIdentifier
lk_tshark_expect "OLCAck: keepAlivePayloadType, multiplexID" \
	"116|4294967295" frame.number==2 h460.19.keepAlivePayloadType \
	h460.19.multiplexID

lk_done
