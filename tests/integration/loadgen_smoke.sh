#!/usr/bin/env bash
# tests/integration/loadgen_smoke.sh  lk-loadgen against the real daemon: every flow gets media, nothing lost or crossed.
source "$(dirname "$0")/lib/common.sh"
: "${LK_LOADGEN:?run through ctest, which sets LK_LOADGEN}"

# Correctness only: no figure here is a timing assertion (perf/bench.sh
# measures; these machines are shared).
cat >"$LK_TMP/d.conf" <<CONF
[Protocols > SIP]
UDP port = 15560
TCP port = 15560
TLS port = 15561
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 11789
Call signaling port range start = 20500
Call signaling port range end = 20599
[Protocols > H.323]
Call signaling TCP port = 11790
[Traversal > Ports]
H.323 Assent call signaling port = 13176
H.323 H.460.18 call signaling port = 13177
[Local Zone > Traversal Subzone]
Traversal Media port start = 47800
Traversal Media port end = 47899
[TURN]
TURN services = no
[Zones > Traversal Zone 1]
SIP port = 17501
H.323 port = 16501
[Session control]
Listen = 127.0.0.1:22270
[Media]
Port cool-down = 0
Worker threads = 1
CONF

lk_start d --config "$LK_TMP/d.conf"
pid=$LK_LAST_PID
check "daemon starts" lk_wait_log d "running \(pid"

# run NAME [loadgen options]: a 1 s window, 5 sessions, JSON summary.
run() {
	local name=$1 rc
	shift
	"$LK_LOADGEN" --ng 127.0.0.1:22270 -s 5 -d 1 -w 0.5 -q \
		--json "$LK_TMP/$name.json" "$@" >"$LK_TMP/$name.out" 2>&1 && rc=0 || rc=$?
	check "$name: lk-loadgen exits 0 (got $rc)" test "$rc" -eq 0
	check "$name: every session set up, every flow got media, nothing lost, crossed or duplicated" \
		python3 - "$LK_TMP/$name.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
p, s, st = j["packets"], j["setup"], j["streams"]
bad = []
if s["ok"] != 5 or s["failed"]:
    bad.append("setup %s" % s)
if st["never_got_media"]:
    bad.append("never got media: %d" % st["never_got_media"])
for k in ("lost", "duplicates", "misdelivered", "mux_mismatch", "malformed"):
    if p[k]:
        bad.append("%s=%d" % (k, p[k]))
if p["received"] < 0.9 * p["sent"]:
    bad.append("received %d of %d" % (p["received"], p["sent"]))
print("; ".join(bad) or "ok")
sys.exit(1 if bad else 0)
PY
}

run plain
run mux-b --mux b
run mux-ab --mux ab
run rtcp --rtcp --rtcp-mux
check "rtcp: RTCP went through" python3 -c "
import json; j = json.load(open('$LK_TMP/rtcp.json'))
raise SystemExit(0 if j['packets']['rtcp_received'] > 0 else 1)"

out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22270 list)
check "no call left behind" grep -q "calls: \[\]" <<<"$out"
out=$("$LK_LATCHKEY" ng -s 127.0.0.1:22270 statistics)
fwd=$(sed -n 's/^ *forwardedpackets: //p' <<<"$out")
check "latchkeyd forwarded packets ($fwd)" test "${fwd:-0}" -gt 1000

# A relay that is not there: exit 3, said plainly.
"$LK_LOADGEN" --ng 127.0.0.1:9 --ping 1 -s 1 -d 1 -q >"$LK_TMP/none.out" 2>&1 && rc=0 || rc=$?
check "no relay: exit 3 (got $rc)" test "$rc" -eq 3
check "daemon stops cleanly" lk_stop "$pid"

lk_done
