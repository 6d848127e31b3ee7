#!/usr/bin/env bash
# perf/soak.sh  Hundreds of calls with paced media both ways for minutes, on a loaded machine.
#
#   perf/soak.sh [--sessions N] [--duration S] [--rate PPS] [--hogs N]
#                [--media-timeout S] [--build DIR] [--json FILE]
#
# Starts latchkeyd (2 workers, a short media timeout so that a false one
# shows), busy-loops N CPU hogs beside it (default: one per core), and
# holds N sessions (300) with RTP both ways at PPS (50) per direction for
# S seconds (300) through lk-loadgen.  Then prints: false timeouts (calls
# the relay deleted while their media flowed: must be 0), calls still
# alive, loss, the relay's RSS and open descriptors before the calls, with
# them, and after they are deleted.  Exit status 0 when there was no false
# timeout, every call survived and the descriptors came back; 1 otherwise.
# Not a CI test: it runs for minutes (docs/performance.md, "Soak").
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build-perf
sessions=300
duration=300
rate=50
hogs=$(nproc 2>/dev/null || echo 2)
media_timeout=5
json=

say() { printf 'soak: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--sessions) sessions=$2; shift ;;
	--duration) duration=$2; shift ;;
	--rate) rate=$2; shift ;;
	--hogs) hogs=$2; shift ;;
	--media-timeout) media_timeout=$2; shift ;;
	--build) build=$2; shift ;;
	--json) json=$2; shift ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done

lkd=$build/cmd/latchkeyd
gen=$build/perf/lk-loadgen
ngq=$top/tests/interop/ngq.py
[ -x "$lkd" ] && [ -x "$gen" ] ||
	die "build first: cmake -S . -B build-perf -DCMAKE_BUILD_TYPE=Release -DLK_TESTS=OFF && cmake --build build-perf (or --build DIR)"

work=$(mktemp -d /tmp/lk-soak.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]:-}"; do
		{ [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; } ||
			true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Every port above 63000 or in the media range, out of any test's way.
ng=127.0.0.1:63223
cat >"$work/latchkey.conf" <<EOF
[System]
Role = expressway
Address = 127.0.0.1
Log level = info
[Protocols > SIP]
UDP port = 63060
TCP port = 63060
TLS port = 63061
TCP outbound port start = 63100
TCP outbound port end = 63199
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 63019
Call signaling port range start = 63200
Call signaling port range end = 63299
[Protocols > H.323]
Call signaling TCP port = 63020
[Traversal > Ports]
H.323 Assent call signaling port = 63076
H.323 H.460.18 call signaling port = 63077
[Local Zone > Traversal Subzone]
Traversal Media port start = 30000
Traversal Media port end = 35999
[TURN]
TURN services = no
TURN requests port start = 63478
TURN requests port end = 63478
TURN relay media port start = 63300
TURN relay media port end = 63399
[System > Ephemeral ports]
TCP ephemeral port start = 63400
TCP ephemeral port end = 63499
UDP ephemeral port start = 63400
UDP ephemeral port end = 63499
[Session control]
Listen = $ng
[Media]
Media timeout = $media_timeout
Port cool-down = 0
Worker threads = 2
[Zones > Traversal Zone 1]
SIP port = 63001
H.323 port = 63002
EOF

ng_json() { python3 "$ngq" "$ng" "$@" --timeout 2; }
stat_of() {	# stat_of KEY: a total or current statistic
	ng_json statistics | python3 -c '
import json, sys
s = json.load(sys.stdin)["statistics"]
k = sys.argv[1]
print(s["totalstatistics"].get(k, s["currentstatistics"].get(k, 0)))' "$1"
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
"$lkd" --config "$work/latchkey.conf" 2>"$work/latchkeyd.log" &
relay=$!
pids+=("$relay")
for _ in $(seq 50); do
	ng_json ping >/dev/null 2>&1 && break
	kill -0 "$relay" 2>/dev/null || { cat "$work/latchkeyd.log"; die "latchkeyd exited"; }
	sleep 0.1
done
ng_json ping >/dev/null || die "latchkeyd does not answer ng on $ng"

rss0=$(rss_kib "$relay")
fd0=$(nfds "$relay")
say "latchkeyd pid $relay: RSS ${rss0} KiB, $fd0 descriptors before any call"

for ((i = 0; i < hogs; i++)); do
	# A bounded hog: it ends by itself a little after the soak.
	timeout $((duration + 60)) sh -c 'while :; do :; done' &
	pids+=($!)
done
say "$hogs CPU hogs running; $sessions sessions, $rate packets/s each way, ${duration}s"

gen_rc=0
"$gen" --ng "$ng" --sessions "$sessions" --rate "$rate" \
	--duration "$duration" --warmup 2 --keep --quiet \
	--relay-pid "$relay" --label soak --json "$work/gen.json" \
	>"$work/gen.txt" || gen_rc=$?

rss1=$(rss_kib "$relay")
fd1=$(nfds "$relay")
alive=$(stat_of sessionsown)
timeouts=$(stat_of timeoutsessions)
final_timeouts=$(stat_of finaltimeoutsessions)

false_lines=$(grep -c 'deleted: media timeout' "$work/latchkeyd.log" || true)

# Delete every call, in one client (list gives 32 call-ids at a time; a
# call whose media stopped would time out after 5 s otherwise), then give
# the workers a moment to close the sockets.
python3 - "$top/tests/interop" "$ng" <<'PY'
import socket, sys
sys.path.insert(0, sys.argv[1])
from ngq import bencode, bdecode
host, _, port = sys.argv[2].rpartition(":")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, int(port)))
s.settimeout(2)
n = 0
def req(d):
    global n
    n += 1
    cookie = b"soak%d" % n
    s.send(cookie + b" " + bencode(d))
    while True:
        r = s.recv(65536)
        if r.startswith(cookie + b" "):
            return bdecode(r[len(cookie) + 1:])[0]
for _ in range(100000):
    calls = req({"command": "list"}).get("calls", [])
    if not calls:
        break
    for c in calls:
        req({"command": "delete", "call-id": c})
PY
sleep 1
rss2=$(rss_kib "$relay")
fd2=$(nfds "$relay")

read -r lost loss_pct sent pps p99 us_pkt < <(python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
p = g["packets"]
print(p["lost"], p["loss_pct"], p["sent"], g["forwarded_pps"],
      g["latency_us"]["p99"], g["relay_cpu"]["us_per_packet"])' "$work/gen.json")

printf '\n%-34s %s\n' "sessions held" "$sessions for ${duration}s, $rate pps per direction, $hogs CPU hogs"
printf '%-34s %s\n' "false media timeouts" "$timeouts (log lines: $false_lines)"
printf '%-34s %s\n' "final timeouts" "$final_timeouts"
printf '%-34s %s of %s\n' "calls alive at the end" "$alive" "$sessions"
printf '%-34s %s of %s (%s%%)\n' "packets lost" "$lost" "$sent" "$loss_pct"
printf '%-34s %s pps, p99 %s us, %s us CPU/packet\n' "forwarded" "$pps" "$p99" "$us_pkt"
printf '%-34s %s -> %s -> %s KiB\n' "RSS (before, with calls, after)" "$rss0" "$rss1" "$rss2"
printf '%-34s %s -> %s -> %s\n' "descriptors (same)" "$fd0" "$fd1" "$fd2"
[ -z "$json" ] || python3 - "$json" <<PY
import json, sys
json.dump({"sessions": $sessions, "duration_s": $duration, "rate_pps": $rate,
           "hogs": $hogs, "media_timeout_s": $media_timeout,
           "false_timeouts": $timeouts, "final_timeouts": $final_timeouts,
           "alive": $alive, "lost": $lost, "sent": $sent,
           "loss_pct": $loss_pct, "forwarded_pps": $pps, "p99_us": $p99,
           "us_per_packet": $us_pkt,
           "rss_kib": [$rss0, $rss1, $rss2], "fds": [$fd0, $fd1, $fd2]},
          open(sys.argv[1], "w"), indent=1)
PY

rc=0
[ "$timeouts" -eq 0 ] || { say "FAIL: $timeouts calls deleted as media timeout while media flowed"; rc=1; }
[ "$alive" -eq "$sessions" ] || { say "FAIL: $alive of $sessions calls alive"; rc=1; }
[ "$fd2" -le "$fd0" ] || { say "FAIL: $((fd2 - fd0)) descriptors not returned"; rc=1; }
[ "$gen_rc" -eq 0 ] || { say "FAIL: lk-loadgen exit $gen_rc (a flow never got media?)"; cat "$work/gen.txt"; rc=1; }
exit $rc
