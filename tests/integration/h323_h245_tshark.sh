#!/usr/bin/env bash
# tests/integration/h323_h245_tshark.sh  tshark, not our own decoder, reads the OLC/OLCAck addresses the H.245 rewriter wrote.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/tshark.sh"
: "${LK_H323_H245GEN:?run through ctest, which sets LK_H323_H245GEN}"

# tests/unit/h323/test_h245.c --dump rewrites the media addresses of the
# capture's two OpenLogicalChannels and two OpenLogicalChannelAcks (frames
# 38, 39, 41, 42 of h323-ndpi.pcap) to a test relay's (RTP 40000, RTCP
# 40001; 127.0.0.1 in an OLC, 127.0.0.2 in an ack) and prints each in a
# TPKT; text2pcap puts them on TCP 54500 -> 54501 (nothing is sent), and
# tshark decodes that port as H.245.
command -v tshark >/dev/null || { echo "tshark missing: ./bootstrap.sh deps"; exit 1; }
command -v text2pcap >/dev/null || { echo "text2pcap missing: ./bootstrap.sh deps"; exit 1; }
pcap=$LK_TMP/h245.pcap
"$LK_H323_H245GEN" --dump >"$LK_TMP/h245.txt"
text2pcap -q -T 54500,54501 "$LK_TMP/h245.txt" "$pcap"
tshark -r "$pcap" -d tcp.port==54500,h245 -V >"$LK_TMP/decode.txt" 2>/dev/null
check "four H.245 messages" \
	test "$(grep -c '^H.245' "$LK_TMP/decode.txt")" -eq 4
check "no Malformed Packet" bash -c "! grep -q 'Malformed' '$LK_TMP/decode.txt'"
check "no expert info (unknown PER, undecoded)" \
	bash -c "! grep -qE 'Expert Info \((Warning|Error)|UNKNOWN PER|something unknown' '$LK_TMP/decode.txt'"

LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=(-d tcp.port==54500,h245)
lk_tshark_expect "OLC 101: audio session 1, RTCP to the relay" \
	"101|1|127.0.0.1|40001" frame.number==1 h245.forwardLogicalChannelNumber \
	h245.sessionID h245.ip4_network h245.tsapIdentifier
lk_tshark_expect "OLC 61: RTCP to the relay" "61|1|127.0.0.1|40001" \
	frame.number==2 \
	h245.forwardLogicalChannelNumber h245.sessionID h245.ip4_network \
	h245.tsapIdentifier
lk_tshark_expect "OLCAck 61: RTP and RTCP to the relay" \
	"61|1|127.0.0.2,127.0.0.2|40000,40001" frame.number==3 \
	h245.forwardLogicalChannelNumber h245.sessionID h245.ip4_network \
	h245.tsapIdentifier
lk_tshark_expect "OLCAck 101: RTP and RTCP to the relay" \
	"101|1|127.0.0.2,127.0.0.2|40000,40001" frame.number==4 \
	h245.forwardLogicalChannelNumber h245.sessionID h245.ip4_network \
	h245.tsapIdentifier
check "the original addresses are gone" \
	bash -c "! grep -qE '10\.1\.(3\.143|6\.18)' '$LK_TMP/decode.txt'"

# The tables against tshark's own module: 4000 random messages (fixed
# seed; two in three TerminalCapabilitySet, OpenLogicalChannel or its
# Ack) drawn from every transcribed member and alternative, each checked
# by test_h245 to round-trip, must all decode in tshark without Malformed
# or UNKNOWN PER: a member in the wrong place, with the wrong bounds or
# optionality would shift what follows.
"$LK_H323_H245GEN" --random 4000 1 >"$LK_TMP/random.txt" 2>"$LK_TMP/kinds.txt"
check "4000 random messages built" test "$(wc -l <"$LK_TMP/kinds.txt")" -eq 4000
text2pcap -q -T 54500,54501 "$LK_TMP/random.txt" "$LK_TMP/random.pcap"
tshark -r "$LK_TMP/random.pcap" -d tcp.port==54500,h245 -V \
	>"$LK_TMP/random.dec" 2>/dev/null
check "tshark reads 4000 H.245 messages" \
	test "$(grep -c '^H.245' "$LK_TMP/random.dec")" -eq 4000
check "none Malformed, no expert info" \
	bash -c "! grep -qE 'Malformed|Expert Info \((Warning|Error)|UNKNOWN PER' '$LK_TMP/random.dec'"

lk_done
