# tests/integration/lib/tshark.sh  tshark as the oracle: a field check over one pcap, shared by the H.323 tests.
# Sourced after lib/common.sh.  Set LK_TSHARK_PCAP (the file) and
# LK_TSHARK_ARGS (an array, e.g. (-d udp.port==1719,h225)) first.

lk_tshark_fields() {	# lk_tshark_fields FILTER FIELD...: values, '|' between
	local filter=$1 f args=()
	shift
	for f in "$@"; do args+=(-e "$f"); done
	tshark -r "$LK_TSHARK_PCAP" "${LK_TSHARK_ARGS[@]}" -Y "$filter" \
		-T fields -E separator='|' -E aggregator=',' "${args[@]}" \
		2>/dev/null
}

lk_tshark_expect() {	# lk_tshark_expect DESCRIPTION WANT FILTER FIELD...
	local what=$1 want=$2 got
	shift 2
	got=$(lk_tshark_fields "$@")
	if [ "$got" = "$want" ]; then ok "$what"; else
		not_ok "$what: tshark says '$got', want '$want'"; fi
}

# tshark's -V text of a capture has no Malformed and no expert info of
# severity Warning or Error (Chat and Note pass); else what tshark said
# and the message around it.
lk_tshark_no_expert() {	# lk_tshark_no_expert DECODE.TXT
	! grep -qE 'Malformed|Expert Info \((Warning|Error)|UNKNOWN PER' "$1" && return 0
	grep -nE -B12 'Malformed|Expert Info \((Warning|Error)|UNKNOWN PER' "$1" |
		tail -n 60 | sed 's/^/     /'
	return 1
}
