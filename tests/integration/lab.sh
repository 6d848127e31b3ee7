#!/usr/bin/env bash
# tests/integration/lab.sh  Issue 15: `latchkey lab` end to end, then with one rule broken.
#
# The lab is the end-to-end test of the whole product: both relays, the
# zone, three baresips, TURN, probes and `latchkey firewall`'s rules on a
# router, in namespaces of its own.  Run once as is (nothing may fail; the
# rows it exercises must be verified by their rules' counters), then with
# the traversal zone's rule removed (--break): the zone, both calls and
# the rows they carry must fail, and nothing else.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/netns.sh"	# lk_skip, lk_jget

[ "$(id -u)" -eq 0 ] || lk_skip "needs root: it creates network namespaces"
for tool in baresip turnutils_uclient nft dot; do
	command -v "$tool" >/dev/null ||
		lk_skip "$tool is not installed (./bootstrap.sh deps installs it)"
done
lk_watchdog 600

# verdict FILE TABLE ROW DIRECTION: that row's verdict in the lab's JSON.
verdict() {
	python3 - "$@" <<'PY'
import json, sys
f, table, row, direction = sys.argv[1:]
for r in json.load(open(f))["rows"]:
    if r["table"] == table and r["row"] == int(row) and r["direction"] == direction:
        print(r["verdict"])
PY
}
count() {	# count FILE VERDICT: rows with that verdict
	python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["rows"] if r["verdict"] == sys.argv[2]))' "$1" "$2"
}

check "latchkey lab --help says what it does" eval \
	'"$LK_LATCHKEY" lab --help | grep -q "prints every seed row"'

rc=0
"$LK_LATCHKEY" lab --json "$LK_TMP/lab.json" --picture "$LK_TMP/lab" \
	>"$LK_TMP/lab.txt" 2>"$LK_TMP/lab.err" || rc=$?
sed 's/^/     /' "$LK_TMP/lab.err"
grep -E "^(FAILED|# )" "$LK_TMP/lab.txt" | sed 's/^/     /' || true
check "the lab passes (exit 0)" test "$rc" = 0
check "every flow passed" test "$(lk_jget "$LK_TMP/lab.json" 'flows.*.ok' | sort -u)" = true
check "no row failed" test "$(count "$LK_TMP/lab.json" failed)" = 0
for r in "SIP traversal call|1|Private to DMZ" "SIP traversal call|2|Private to DMZ" \
	"SIP call to endpoint with public IP address|1|Internet to DMZ" \
	"SIP call to endpoint with public IP address|1|DMZ to Internet" \
	"SIP – additional ports for ICE|1|Internet to DMZ" \
	"SIP – additional ports for ICE|2|DMZ to Internet" \
	"H.323 call with registered endpoint with public IP address|1|Internet to DMZ" \
	"Administration: Cisco VCS Expressway|1|Private to DMZ" \
	"Administration: Cisco VCS Expressway|2|Private to DMZ"; do
	IFS='|' read -r t n d <<<"$r"
	check "verified by its counters: $t, row $n ($d)" \
		test "$(verdict "$LK_TMP/lab.json" "$t" "$n" "$d")" = verified
done
check "H.323 call signalling on 1720: verified by the internet probe's connection" test \
	"$(verdict "$LK_TMP/lab.json" "H.323 call with registered endpoint with public IP address" 2 "Internet to DMZ")" = verified
check "... and the Expressway's calls out to an endpoint's 1720: no H.323 call in the lab" test \
	"$(verdict "$LK_TMP/lab.json" "H.323 call with registered endpoint with public IP address" 2 "DMZ to Internet")" = "not exercised"
check "33 negative probes (three vantage points), all blocked" \
	test "$(count "$LK_TMP/lab.json" "blocked as expected")" = 33
check "the default drop counted them" eval \
	'[ "$(lk_jget "$LK_TMP/lab.json" default_drop_packets)" -gt 0 ]'
check "the picture: SVG and PNG from Graphviz" eval \
	'grep -q "<svg" "$LK_TMP/lab.svg" && file "$LK_TMP/lab.png" 2>/dev/null | grep -q PNG ||
	 head -c 8 "$LK_TMP/lab.png" | grep -q PNG'
# Its own namespaces, lklab-PID-* as it says on stderr: another lab run on
# the same host (a second checkout's suite) has namespaces of its own.
lab_ns=$(sed -nE 's/.*in namespaces (lklab-[0-9]+-)\*.*/\1/p' "$LK_TMP/lab.err" | head -n 1)
check "nothing of the lab is left: no ${lab_ns:-lklab-?-}* namespace" eval \
	'[ -n "$lab_ns" ] && ! ip netns list 2>/dev/null | grep -q "^$lab_ns"'

rc=0
"$LK_LATCHKEY" lab --break "SIP traversal call, row 1 B" --json "$LK_TMP/broken.json" \
	>"$LK_TMP/broken.txt" 2>"$LK_TMP/broken.err" || rc=$?
grep -E "^(FAILED|# )" "$LK_TMP/broken.txt" | sed 's/^/     /' || true
check "--break: the lab fails (exit 1)" test "$rc" = 1
check "--break: the zone's row is failed" test \
	"$(verdict "$LK_TMP/broken.json" "SIP traversal call" 1 "Private to DMZ")" = failed
check "--break: the zone and both calls failed; registrations, TURN and management did not" test \
	"$(python3 -c 'import json,sys; print(" ".join(str(f["ok"]) for f in json.load(open(sys.argv[1]))["flows"]))' "$LK_TMP/broken.json")" \
	= "True True True False False False True True True True True"
check "--break: TURN's rows are still verified" test \
	"$(verdict "$LK_TMP/broken.json" "SIP – additional ports for ICE" 1 "Internet to DMZ")" = verified
check "--break with a rule that does not exist: exit 1, said so" eval \
	'! "$LK_LATCHKEY" lab --break "no such rule" 2>&1 | grep -q "matches no rule" && false || true'
lk_done
