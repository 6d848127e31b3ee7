#!/usr/bin/env bash
# tests/integration/h323_ras_tshark.sh  tshark, not our own decoder, judges the RAS messages the codec builds.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/tshark.sh"
: "${LK_H323_RASGEN:?run through ctest, which sets LK_H323_RASGEN}"

# No daemon yet: the gatekeeper is still to come (issue 11).  The program
# that holds the builders (tests/unit/h323/test_ras.c) writes the replies a
# gatekeeper sends (GCF, RCF, RRJ, UCF, ACF, ARJ, DCF, GRJ, LRJ, BCF) as
# UDP datagrams to port 1719, which tshark decodes as H.225.0 RAS.
command -v tshark >/dev/null || { echo "tshark missing: ./bootstrap.sh deps"; exit 1; }
pcap=$LK_TMP/built.pcap
"$LK_H323_RASGEN" --pcap "$pcap" >"$LK_TMP/kinds.txt"
check "ten messages written" test "$(wc -l <"$LK_TMP/kinds.txt")" -eq 10

tshark -r "$pcap" -V >"$LK_TMP/decode.txt" 2>/dev/null
check "tshark decodes every frame as RAS" \
	test "$(grep -c '^H.225.0 RAS' "$LK_TMP/decode.txt")" -eq 10
check "no Malformed Packet" bash -c "! grep -q 'Malformed' '$LK_TMP/decode.txt'"
check "no expert info (unknown PER, undecoded)" \
	bash -c "! grep -qE 'Expert Info \((Warning|Error)|UNKNOWN PER|something unknown' '$LK_TMP/decode.txt'"

# The field values the builders set, as tshark reads them.
LK_TSHARK_PCAP=$pcap
LK_TSHARK_ARGS=()
lk_tshark_expect "GCF: seq, gatekeeperIdentifier, rasAddress, H.460.18" \
	"1|100|latchkey|127.0.0.1|1719|18" frame.number==1 h225.RasMessage \
	h225.requestSeqNum h225.gatekeeperIdentifier h225.ipV4 h225.ipV4_port \
	h225.standard
lk_tshark_expect "RCF: version 4, alias, endpointIdentifier, TTL, H.460.18" \
	"4|101|0.0.8.2250.0.4|127.0.0.1|1720|alice|latchkey|ep-1|1800|18" \
	frame.number==2 h225.RasMessage h225.requestSeqNum \
	h225.protocolIdentifier h225.ipV4 h225.ipV4_port h225.h323_ID \
	h225.gatekeeperIdentifier h225.endpointIdentifier h225.timeToLive \
	h225.standard
lk_tshark_expect "RRJ duplicateAlias 1234" "5|102|4|1234" frame.number==3 \
	h225.RasMessage h225.requestSeqNum h225.rejectReason \
	h225.dialledDigits
lk_tshark_expect UCF "7|103" frame.number==4 h225.RasMessage \
	h225.requestSeqNum
lk_tshark_expect "ACF routed to the gatekeeper's 1720" \
	"10|104|1280|1|127.0.0.1|1720|120" frame.number==5 h225.RasMessage \
	h225.requestSeqNum h225.bandWidth h225.callModel h225.ipV4 \
	h225.ipV4_port h225.irrFrequency
lk_tshark_expect "ARJ callerNotRegistered" "11|105|4" frame.number==6 \
	h225.RasMessage h225.requestSeqNum h225.rejectReason
lk_tshark_expect DCF "16|106" frame.number==7 h225.RasMessage \
	h225.requestSeqNum
lk_tshark_expect "GRJ securityDenial (an extension alternative)" "2|107|4" \
	frame.number==8 h225.RasMessage h225.requestSeqNum h225.rejectReason
lk_tshark_expect "LRJ notRegistered" "20|108|0" frame.number==9 \
	h225.RasMessage h225.requestSeqNum h225.rejectReason
lk_tshark_expect BCF "13|109|640" frame.number==10 h225.RasMessage \
	h225.requestSeqNum h225.bandWidth
grep -q 'uuiesRequested' "$LK_TMP/decode.txt" &&
	ok "ACF uuiesRequested present" || not_ok "ACF uuiesRequested missing"

# The tables against tshark's own H.225.0 module: 4000 random RAS
# messages (tests/unit/h323/randval.h, fixed seed), each checked by
# test_ras to round-trip, must all decode without Malformed or UNKNOWN PER.
"$LK_H323_RASGEN" --random 4000 1 "$LK_TMP/random.pcap" >"$LK_TMP/rkinds.txt"
check "4000 random RAS messages built" \
	test "$(wc -l <"$LK_TMP/rkinds.txt")" -eq 4000
tshark -r "$LK_TMP/random.pcap" -V >"$LK_TMP/random.txt" 2>/dev/null
check "tshark reads 4000 RAS messages" \
	test "$(grep -c '^H.225.0 RAS' "$LK_TMP/random.txt")" -eq 4000
check "none Malformed, no expert info" \
	bash -c "! grep -qE 'Malformed|Expert Info \((Warning|Error)|UNKNOWN PER' '$LK_TMP/random.txt'"

# The same for the call-signalling UU-PDU tables: 2000 random
# H323-UserInformation values (test_h225 --random) in Q.931 user-user
# elements over TPKT on TCP 1720, where tshark decodes H.225.0 itself.
: "${LK_H323_UUGEN:?run through ctest, which sets LK_H323_UUGEN}"
command -v text2pcap >/dev/null || { echo "text2pcap missing: ./bootstrap.sh deps"; exit 1; }
"$LK_H323_UUGEN" --random 2000 1 >"$LK_TMP/uu.txt" 2>"$LK_TMP/uukinds.txt"
check "2000 random UU-PDUs built" \
	test "$(wc -l <"$LK_TMP/uukinds.txt")" -eq 2000
text2pcap -q -T 54504,1720 "$LK_TMP/uu.txt" "$LK_TMP/uu.pcap"
tshark -r "$LK_TMP/uu.pcap" -V >"$LK_TMP/uu.dec" 2>/dev/null
check "tshark reads 2000 H.225.0 call-signalling messages" \
	test "$(grep -c '^H.225.0 CS' "$LK_TMP/uu.dec")" -eq 2000
check "none Malformed, no expert info" \
	bash -c "! grep -qE 'Malformed|Expert Info \((Warning|Error)|UNKNOWN PER' '$LK_TMP/uu.dec'"

lk_done
