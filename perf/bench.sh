#!/usr/bin/env bash
# perf/bench.sh  One command: ceiling, latchkeyd and rtpengine under the same load.
#
#   perf/bench.sh [--quick] [--systems "ceiling latchkey rtpengine"]
#                 [--duration S] [--warmup S] [--out DIR] [--no-install]
#                 [--no-build] [--build DIR] [--report FILE]
#                 [--sockets N|endpoint] [--only srtp]
#
# Every relay runs pinned to CPU 1, the generator (perf/lk-loadgen) to CPU 0,
# all traffic on 127.0.0.1.  Each run starts its relay afresh, measures one
# window, and stops it by its PID.  Results: a table on stdout, and
# DIR/bench-latest.json + DIR/bench-latest.png (DIR: perf/results).
# --report FILE prints the table and draws the plot of an earlier run's
# JSON without measuring.  --sockets: the generator's load shape, N shared
# sockets per side (16, the default) or one per endpoint as real phones
# (every packet a separate wake-up).  --only srtp runs the SRTP scenarios
# alone (one leg encrypted, against the same load in the clear; with --out,
# so that the full run's results stay).  Method and reading:
# docs/performance.md; kernel forwarding: perf/bench_kfwd.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build-perf
out=$top/perf/results
duration=10
warmup=2
quick=0
install=1
do_build=1
systems="ceiling latchkey rtpengine"
report=
only=
gen_cpu=0
relay_cpu=1
pool=16			# shared generator sockets per side (lk-loadgen --sockets)

# shellcheck source=perf/lib.sh
. "$here/lib.sh"

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1; duration=3; warmup=1 ;;
	--systems) systems=$2; shift ;;
	--duration) duration=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--out) out=$2; shift ;;
	--build) build=$2; shift ;;
	--no-install) install=0 ;;
	--no-build) do_build=0 ;;
	--report) report=$2; shift ;;
	--sockets) pool=$2; shift ;;
	--only) only=$2; shift
		[ "$only" = srtp ] || die "--only: srtp is the one group" ;;
	-h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done

# ---- the report: table, targets, plot (from $out/bench-latest.json) ----
print_report() {
# The table.
{
printf '\n%-24s %-10s %8s %9s %7s %7s %8s %8s %8s %6s %7s %7s %6s %7s %5s\n' \
	scenario system offered forwarded loss% p50us p99us p99.9us maxus \
	cpu% us/pkt core-us xceil lk/rtpe oth%
jq -r '
	def r(x; n): if x == null then "-" else (x * n | round / n | tostring) end;
	.ratios as $rat | .runs[] as $r |
	($rat[] | select(.scenario == $r.scenario)) as $q |
	[$r.scenario, $r.system + (if $r.noisy then "*" else "" end),
	 ($r.offered_pps|round|tostring),
	 ($r.forwarded_pps|round|tostring), r($r.packets.loss_pct; 1000),
	 r($r.latency_us.p50; 10), r($r.latency_us.p99; 10),
	 r($r.latency_us.p99_9; 10), r($r.latency_us.max; 10),
	 r($r.relay_cpu.pct; 10), r($r.relay_cpu.us_per_packet; 1000),
	 r($r.relay_cpu.cpu_busy_us_per_packet; 100),
	 (if $q.ceiling_us then r($r.relay_cpu.us_per_packet / $q.ceiling_us; 100) else "-" end),
	 (if $r.system == "latchkey" then r($q.latchkey_over_rtpengine; 100) else "-" end),
	 (if $r.noise == null then "-" else ($r.noise * 100 | round | tostring) end)] |
	@tsv' "$out/bench-latest.json" |
while IFS=$'\t' read -r sc sy of fw lo p50 p99 p999 mx cpu upp core xc lr oth; do
	printf '%-24s %-10s %8s %9s %7s %7s %8s %8s %8s %6s %7s %7s %6s %7s %5s\n' \
		"$sc" "$sy" "$of" "$fw" "$lo" "$p50" "$p99" "$p999" "$mx" \
		"$cpu" "$upp" "$core" "$xc" "$lr" "$oth"
done

# Targets (issue 4): benchmarks, read against the same run's baselines.
jq -e '[.runs[] | select(.noisy)] | length > 0' "$out/bench-latest.json" \
	>/dev/null && echo "* other processes on the machine took 5% of a core or more during that run"
echo
jq -r '
	def f(x): if x == null then "n/a" else (x * 1000 | round / 1000 | tostring) end;
	def run(s; sc): [.runs[] | select(.system == s and .scenario == sc)][0];
	def upp(s; sc): (run(s; sc) // {}).relay_cpu.us_per_packet;
	. as $all |
	upp("latchkey"; "sessions=1000") as $lk |
	upp("ceiling"; "sessions=1000") as $ce |
	upp("rtpengine"; "sessions=1000") as $rt |
	"target 1  CPU/packet at 100k pps (1,000 sessions x 50 pps x 2): latchkey \(f($lk)) us, ceiling \(f($ce)) us -> " +
	  (if $lk and $ce then (if $lk <= $ce then "MET" else "missed by \(f(($lk / $ce - 1) * 100))%" end) else "n/a" end),
	"target 2  ... no more than half of rtpengine (\(f($rt)) us, half \(if $rt then f($rt / 2) else "n/a" end)) -> " +
	  (if $lk and $rt then (if $lk <= $rt / 2 then "MET" else "missed: latchkey/rtpengine = \(f($lk / $rt))" end) else "n/a" end),
	( [.runs[] | select(.system == "ceiling" and .packets.lost == 0) | .scenario] as $zero |
	  [.runs[] | select(.system == "latchkey" and (.scenario as $s | $zero | index($s)) and .packets.lost > 0) |
	   "\(.scenario) (\(.packets.lost) lost)"] as $bad |
	  "target 3  zero loss wherever the ceiling has zero loss (\($zero | length) scenarios) -> " +
	  (if ($bad | length) == 0 then "MET" else "missed in " + ($bad | join(", ")) end) ),
	( def ser(s): [.runs[] | select(.system == s and (.scenario | startswith("sessions=")))] | sort_by(.config.sessions);
	  def show(r): r | map("\(.config.sessions): \(f(.relay_cpu.us_per_packet))") | join(", ");
	  ser("latchkey") as $v | ($v | map(.relay_cpu.us_per_packet)) as $u |
	  "target 4  CPU/packet flat within 10% from \($v | first | .config.sessions) to \($v | last | .config.sessions) sessions at 50 pps: latchkey \(show($v)) us (spread \(if ($u|length) > 1 then f(($u|max) / ($u|min) * 100 - 100) else "n/a" end)%); ceiling \(show(ser("ceiling"))) us -> " +
	  (if ($u|length) > 1 and ($u|max) <= ($u|min) * 1.1 then "MET" else "missed" end) ),
	( def flat(s): [.runs[] | select(.system == s and ((.scenario | startswith("load=100k")) or .scenario == "sessions=1000"))] | sort_by(.config.sessions);
	  def show(r): r | map("\(.config.sessions): \(f(.relay_cpu.us_per_packet))") | join(", ");
	  flat("latchkey") as $v | ($v | map(.relay_cpu.us_per_packet)) as $u |
	  select(($v | length) > 1) |
	  "          the same 100k pps in all over fewer or more sessions: latchkey \(show($v)) us (spread \(f(($u|max) / ($u|min) * 100 - 100))%); ceiling \(show(flat("ceiling"))) us -> " +
	  (if ($u|max) <= ($u|min) * 1.1 then "flat" else "not flat" end) ),
	( [["sessions=1000", "mux=ab"], ["sessions=1000", "mux=b"], ["rate=150", "mux=ab rate=150"]][] as $p |
	  upp("latchkey"; $p[0]) as $pl | upp("latchkey"; $p[1]) as $mx |
	  select($pl != null and $mx != null) |
	  "target 5  packets per CPU-second, \($p[1]) vs plain \($p[0]): \(1e6 / $mx | round) vs \(1e6 / $pl | round) = \(f($pl / $mx))x (want >= 3) -> " +
	  (if $pl / $mx >= 3 then "MET" else "missed" end) ),
	( [.runs[] | select(.system == "latchkey" and (.scenario | startswith("srtp=")))][] as $l |
	  ($l.scenario | sub("^srtp=a (gcm )?"; "")) as $clear |
	  upp("rtpengine"; $l.scenario) as $rs |
	  upp("latchkey"; $clear) as $lc |
	  upp("rtpengine"; $clear) as $rc |
	  $l.relay_cpu.us_per_packet as $ls |
	  "srtp (issue 16)  \($l.scenario): latchkey \(f($ls)) us/pkt (clear \(f($lc))), rtpengine \(f($rs)) (clear \(f($rc))) -> " +
	  (if $ls and $rs then (if $ls <= $rs then "MET (at most rtpengine)" else "missed: latchkey/rtpengine = \(f($ls / $rs))" end) else "n/a" end) )
' "$out/bench-latest.json" |
	# --only srtp: the issue 4 targets have no runs to read.
	if [ "$only" = srtp ]; then grep -v '^target\|^  *the same 100k'; else cat; fi
} | tee "$out/bench-latest.txt"

# ---- the plot: CPU per packet and p99 latency against load ----
if command -v gnuplot >/dev/null; then
	# Runs that lost more than 10% (rtpengine past its overload guard)
	# have no meaningful cost per packet: left out of the plot.
	for sys in ceiling latchkey rtpengine; do
		jq -r --arg s "$sys" '.runs[] | select(.system == $s and
			.packets.loss_pct < 10 and
			((.scenario | startswith("rate=")) or .scenario == "sessions=1000")) |
			[.offered_pps, .relay_cpu.us_per_packet, .latency_us.p99] | @tsv' \
			"$out/bench-latest.json" | sort -n >"$work/rate-$sys.tsv"
		jq -r --arg s "$sys" '.runs[] | select(.system == $s and
			.packets.loss_pct < 10 and (.scenario | startswith("sessions="))) |
			[.config.sessions, .relay_cpu.us_per_packet, .latency_us.p99] | @tsv' \
			"$out/bench-latest.json" | sort -n >"$work/sess-$sys.tsv"
		jq -r --arg s "$sys" '.runs[] | select(.system == $s and
			.packets.loss_pct < 10 and ((.scenario | startswith("load=100k")) or
			.scenario == "sessions=1000")) |
			[.config.sessions, .relay_cpu.us_per_packet, .latency_us.p99] | @tsv' \
			"$out/bench-latest.json" | sort -n >"$work/flat-$sys.tsv"
	done
	jq -r '.runs[] | select(.system == "latchkey" and
		(.scenario | startswith("mux=ab"))) |
		[.offered_pps, .relay_cpu.us_per_packet, .latency_us.p99] | @tsv' \
		"$out/bench-latest.json" | sort -n >"$work/rate-mux.tsv"
	gnuplot <<EOF || say "gnuplot failed; no plot"
set terminal pngcairo size 1200,800 font ",10"
set output "$out/bench-latest.png"
set multiplot layout 2,2 title "relay CPU per forwarded packet and p99 one-way latency: one relay core, loopback (perf/bench.sh; runs losing >10% left out)"
set grid
set key top left
set style data linespoints
set format x "%.0s%c"
set xlabel "offered packets/s (1,000 sessions)"
set ylabel "relay CPU us per forwarded packet"
set yrange [0:*]
plot "$work/rate-ceiling.tsv" u 1:2 t "ceiling" lc 1 pt 1, \
     "$work/rate-latchkey.tsv" u 1:2 t "latchkey" lc 2 pt 2, \
     "$work/rate-rtpengine.tsv" u 1:2 t "rtpengine" lc 3 pt 3, \
     "$work/rate-mux.tsv" u 1:2 t "latchkey, both legs multiplexed" lc 2 dt 2 pt 6
set ylabel "p99 one-way latency (us)"
set logscale y
set yrange [*:*]
set key bottom right
plot "$work/rate-ceiling.tsv" u 1:3 t "ceiling" lc 1 pt 1, \
     "$work/rate-latchkey.tsv" u 1:3 t "latchkey" lc 2 pt 2, \
     "$work/rate-rtpengine.tsv" u 1:3 t "rtpengine" lc 3 pt 3, \
     "$work/rate-mux.tsv" u 1:3 t "latchkey, both legs multiplexed" lc 2 dt 2 pt 6
unset logscale y
set key top right
set logscale x
set format x "%g"
set xlabel "sessions (solid: 50 packets/s per direction; dashed: 100k packets/s in all)"
set ylabel "relay CPU us per forwarded packet"
set yrange [0:*]
plot "$work/sess-ceiling.tsv" u 1:2 t "ceiling" lc 1 pt 1, \
     "$work/sess-latchkey.tsv" u 1:2 t "latchkey" lc 2 pt 2, \
     "$work/sess-rtpengine.tsv" u 1:2 t "rtpengine" lc 3 pt 3, \
     "$work/flat-ceiling.tsv" u 1:2 notitle lc 1 dt 2 pt 1, \
     "$work/flat-latchkey.tsv" u 1:2 notitle lc 2 dt 2 pt 2, \
     "$work/flat-rtpengine.tsv" u 1:2 notitle lc 3 dt 2 pt 3
set xlabel "sessions at 50 packets/s per direction"
set ylabel "p99 one-way latency (us)"
set logscale y
set yrange [*:*]
set key top left
plot "$work/sess-ceiling.tsv" u 1:3 t "ceiling" lc 1 pt 1, \
     "$work/sess-latchkey.tsv" u 1:3 t "latchkey" lc 2 pt 2, \
     "$work/sess-rtpengine.tsv" u 1:3 t "rtpengine" lc 3 pt 3
unset multiplot
EOF
fi
}

if [ -n "$report" ]; then
	[ -r "$report" ] || die "cannot read $report"
	mkdir -p "$out"
	[ "$(realpath "$report")" = "$(realpath -m "$out/bench-latest.json")" ] ||
		cp "$report" "$out/bench-latest.json"
	work=$(mktemp -d /tmp/lk-bench.XXXXXX)
	trap 'rm -rf "$work"' EXIT
	print_report
	exit 0
fi

[ "$(nproc)" -ge 2 ] || die "needs two CPUs: the relay on CPU 1, the generator on CPU 0"

# ---- what it needs, from Debian; apt only when something is missing ----
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else return 1
	fi
}
need=(build-essential cmake pkg-config libevent-dev libssl-dev libsrtp2-dev
	libre-dev jq gnuplot-nox rtpengine-daemon util-linux procps)
if [ "$install" = 1 ]; then
	missing=()
	for p in "${need[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing: ${missing[*]}"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" >&2 ||
			say "could not install ${missing[*]}; going on without"
	fi
fi
# Debian's package enables a service with its own configuration (ng on
# 127.0.0.1:2223, latchkeyd's default port, and a media range): the
# benchmark starts its own copy and leaves the service alone, but says so.
if command -v systemctl >/dev/null &&
	systemctl is-active --quiet rtpengine-daemon 2>/dev/null; then
	say "the rtpengine-daemon service is running (its package starts it):" \
		"it holds ng port 2223; systemctl disable --now rtpengine-daemon" \
		"if you do not use it"
fi
command -v jq >/dev/null || die "jq is needed (apt-get install jq)"
if ! command -v rtpengine >/dev/null; then
	say "rtpengine is not installed: its rows are left out"
	systems=$(echo "$systems" | sed 's/rtpengine//')
fi

if [ "$do_build" = 1 ]; then
	cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release \
		-DLK_TESTS=OFF >/dev/null
	cmake --build "$build" -j"$(nproc)" >&2
fi
gen=$build/perf/lk-loadgen
refl=$build/perf/lk-reflector
lkd=$build/cmd/latchkeyd
for b in "$gen" "$refl" "$lkd"; do
	[ -x "$b" ] || die "$b is missing: build first (cmake --build $build)"
done

# ---- file descriptors: a session is 4 sockets on the relay ----
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile=$(ulimit -n)
[ "$nofile" = unlimited ] && nofile=1048576
max_sessions=$(( (nofile - 200) / 4 / 100 * 100 ))
top_sessions=10000
if [ "$max_sessions" -lt "$top_sessions" ]; then
	top_sessions=$max_sessions
	say "RLIMIT_NOFILE is $nofile (hard limit): 10,000 sessions need" \
		"40,000 sockets in the relay, so the top point is $top_sessions"
fi

work=$(mktemp -d /tmp/lk-bench.XXXXXX)
relay_pid=
cleanup() {
	if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
		kill -TERM "$relay_pid" 2>/dev/null || true
		wait "$relay_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the relays: ng ports, media ranges, one core each ----
ng_ceiling=127.0.0.1:62299
ng_latchkey=127.0.0.1:62223
ng_rtpengine=127.0.0.1:62224

# Media 19998-59999: 20,000 pairs after the mux pair (19998/19999), room
# for 10,000 sessions; every signalling port moved above 62000, TURN off.
cat >"$work/latchkey.conf" <<'EOF'
# latchkeyd for perf/bench.sh: one worker, a media range for 10,000
# sessions, no cool-down, everything else out of the media range's way.
[System]
Role = expressway
Address = 127.0.0.1
Log level = warning

[Protocols > SIP]
UDP port = 62060
TCP port = 62060
TLS port = 62061
TCP outbound port start = 62100
TCP outbound port end = 62199

[Protocols > H.323 > Gatekeeper]
Registration UDP port = 62019
Call signaling port range start = 62200
Call signaling port range end = 62299

[Protocols > H.323]
Call signaling TCP port = 62020

[Traversal > Ports]
H.323 Assent call signaling port = 62076
H.323 H.460.18 call signaling port = 62077

[Local Zone > Traversal Subzone]
Traversal Media port start = 19998
Traversal Media port end = 59999

[TURN]
TURN services = no
TURN requests port start = 62478
TURN requests port end = 62478
TURN relay media port start = 62300
TURN relay media port end = 62399

[System > Ephemeral ports]
TCP ephemeral port start = 62400
TCP ephemeral port end = 62499
UDP ephemeral port start = 62400
UDP ephemeral port end = 62499

[Session control]
Listen = 127.0.0.1:62223

[Media]
Port cool-down = 0
Worker threads = 1

[Zones > Traversal Zone 1]
SIP port = 62001
H.323 port = 62002
EOF
"$lkd" --check-config --config "$work/latchkey.conf" >/dev/null ||
	die "the benchmark's latchkeyd configuration is refused (above)"

start_relay() {	# SYSTEM -> relay_pid, ng
	local sys=$1 log=$work/$1.log
	case "$sys" in
	ceiling)
		ng=$ng_ceiling
		taskset -c "$relay_cpu" "$refl" --ng "$ng" \
			--ports 20000-59999 2>>"$log" &
		;;
	latchkey)
		ng=$ng_latchkey
		taskset -c "$relay_cpu" "$lkd" --config "$work/latchkey.conf" \
			2>>"$log" &
		;;
	rtpengine)
		# Userspace forwarding (--table=-1), one worker thread as
		# latchkeyd's; its other threads share the same core.
		ng=$ng_rtpengine
		taskset -c "$relay_cpu" rtpengine --config-file=none \
			--table=-1 --foreground --interface=127.0.0.1 \
			--listen-ng="$ng" --port-min=20000 --port-max=59999 \
			--num-threads=1 --delete-delay=0 --log-level=4 \
			--log-stderr 2>>"$log" &
		;;
	esac
	relay_pid=$!
	if ! "$gen" --ng "$ng" --ping 10; then
		tail -n 5 "$log" >&2
		die "$sys did not answer ng ping on $ng"
	fi
}

# stop_relay, busy_ticks, others_ticks: perf/lib.sh.

# This machine may be shared: before a run, wait (up to 2 min) until the
# other processes use less than 5% of a core for a second.
hz=$(getconf CLK_TCK)
started=$(date +%s)
deadline=$((started + 780))	# no waiting or retrying after 13 minutes
wait_quiet() {
	local i a b
	for i in $(seq 120); do
		[ "$(date +%s)" -lt "$deadline" ] || return 0
		a=$(busy_ticks); sleep 1; b=$(busy_ticks)
		[ $(( (b - a) * 100 / hz )) -lt 5 ] && return 0
		[ "$i" = 1 ] && say "waiting for other work on this machine to stop"
	done
	say "the machine stayed busy; measuring anyway (the run is marked noisy)"
}

mkdir -p "$work/runs"
nrun=0
# run SYSTEM SCENARIO SESSIONS RATE [lk-loadgen options...]
# Up to 3 attempts: a run during which other processes took more than 5%
# of a core (or the hypervisor stole it) is measured again; the quietest
# attempt is kept, marked "noisy" if none was quiet.
run() {
	local sys=$1 scen=$2 n=$3 rate=$4 rc f try best= bestn=
	shift 4
	case " $systems " in *" $sys "*) ;; *) return 0 ;; esac
	nrun=$((nrun + 1))
	f=$work/runs/$(printf %03d $nrun).json
	for try in 1 2 3; do
		rc=0
		wait_quiet
		start_relay "$sys"
		local o0 o1 t0 t1
		o0=$(others_ticks); t0=$(date +%s%N)
		taskset -c "$gen_cpu" "$gen" --ng "$ng" -s "$n" -r "$rate" \
			-d "$duration" -w "$warmup" --sockets "$pool" --spin \
			--relay-pid "$relay_pid" --relay-cpu "$relay_cpu" \
			-c "$gen_cpu" -q --label "$sys $scen" \
			--json "$f.$try" "$@" >>"$work/loadgen.log" 2>&1 || rc=$?
		o1=$(others_ticks); t1=$(date +%s%N)
		stop_relay
		if [ ! -s "$f.$try" ]; then
			say "$sys $scen: lk-loadgen exit $rc, no result:"
			tail -n 5 "$work/loadgen.log" >&2
			continue
		fi
		# Other processes' share of a core over the whole run.
		jq -c --arg sys "$sys" --arg scen "$scen" --argjson rc "$rc" \
			--argjson o "$(( o1 - o0 ))" --argjson hz "$hz" \
			--argjson dt "$(( (t1 - t0) / 1000000 ))" \
			'. + {system: $sys, scenario: $scen, exit: $rc,
			 others_cpu_s: ($o / $hz),
			 noise: (($o / $hz + .unattributed.steal_s) /
				 ($dt / 1000))}' \
			"$f.$try" >"$f.$try.j"
		local noise
		noise=$(jq '.noise' "$f.$try.j")
		if [ -z "$best" ] || jq -e --argjson a "$noise" --argjson b \
			"$bestn" -n '$a < $b' >/dev/null; then
			best=$f.$try.j
			bestn=$noise
		fi
		jq -e '.noise < 0.05' "$f.$try.j" >/dev/null && break
		[ "$(date +%s)" -lt "$deadline" ] || break
		say "$sys $scen: other processes took $(jq '.noise * 100 |
			round' "$f.$try.j")% of a core during the run; again"
	done
	[ -n "$best" ] || return 0
	jq -c '. + {noisy: (.noise >= 0.05)}' "$best" >"$f"
	jq -r '"bench: \(.system) \(.scenario): \(.forwarded_pps|floor) pps, loss \(.packets.loss_pct)%, p99 \(.latency_us.p99) us, \(.relay_cpu.us_per_packet) us/packet\(if .noisy then " (noisy)" else "" end)"' "$f" >&2
}

say "systems: $systems; window ${duration}s after ${warmup}s warm-up;" \
	"relay on CPU $relay_cpu, generator on CPU $gen_cpu"

if [ "$quick" = 1 ]; then
	session_points="10 1000"
	rate_points="150"
else
	session_points="10 100 1000 $top_sessions"
	rate_points="100 150 200 300"
fi

# 0. SRTP (docs/srtp.md): side A speaks RTP/SAVP (SDES, AES_CM_128_HMAC_
#    SHA1_80), B RTP/AVP, so each relay decrypts every packet A sends and
#    encrypts every packet it sends A; the generator does A's crypto with
#    libsrtp2 of its own, A's sending side before the run (--srtp-pre), so
#    that the generator's crypto does not limit the load.  The ceiling
#    cannot take part.  --only srtp
#    sweeps the session count (the crypto provider's cost grows with the
#    number of contexts: docs/performance.md, "SRTP"), measures the same
#    load in the clear beside each point, and AEAD_AES_128_GCM at 1,000.
srtp_points=1000
[ "$only" = srtp ] && [ "$quick" = 0 ] && srtp_points="100 300 1000"
for n in $srtp_points; do
	if [ "$only" = srtp ]; then
		for sys in latchkey rtpengine; do
			run "$sys" "sessions=$n" "$n" 50
		done
	fi
	for sys in latchkey rtpengine; do
		run "$sys" "srtp=a sessions=$n" "$n" 50 --srtp-pre
	done
done
if [ "$only" = srtp ]; then
	for sys in latchkey rtpengine; do
		run "$sys" "srtp=a gcm sessions=1000" 1000 50 \
			--srtp-pre --srtp-suite AEAD_AES_128_GCM
	done
fi
[ "$quick" = 1 ] || [ "$only" = srtp ] || for sys in latchkey rtpengine; do
	run "$sys" "srtp=a rate=150" 1000 150 --srtp-pre
done

# 1. Sessions at 50 packets/s per direction (G.711, 20 ms).
[ -z "$only" ] || session_points= rate_points=
for n in $session_points; do
	for sys in ceiling latchkey rtpengine; do
		run "$sys" "sessions=$n" "$n" 50
	done
done
# 1b. The same 100,000 packets/s spread over more or fewer sessions: what
#     the number of sessions costs by itself (1,000 x 50 pps is above).
if [ "$quick" = 0 ] && [ -z "$only" ]; then
	for n in 100 "$top_sessions"; do
		r=$(awk -v n="$n" 'BEGIN { printf "%.4f", 100000 / (2 * n) }')
		for sys in ceiling latchkey rtpengine; do
			run "$sys" "load=100k sessions=$n" "$n" "$r"
		done
	done
fi
# 2. 1,000 sessions at increasing rates, to saturation (rate 50 is above).
for r in $rate_points; do
	for sys in ceiling latchkey rtpengine; do
		run "$sys" "rate=$r" 1000 "$r"
	done
done
# 3. Multiplexed legs (latchkeyd only: H.460.19 on its mux ports).
#    mux=b: the traversal leg (B) multiplexed both ways, A plain;
#    mux=ab: both legs multiplexed: what one multiplexed leg costs.
if [ -z "$only" ]; then
	run latchkey "mux=b" 1000 50 --mux b
	run latchkey "mux=ab" 1000 50 --mux ab
	[ "$quick" = 1 ] || run latchkey "mux=ab rate=150" 1000 150 --mux ab
fi


# ---- results ----
mkdir -p "$out"
runs_json=$work/runs.json
jq -s '.' "$work"/runs/*.json >"$runs_json"

lk_rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
rtpe_ver=$(rtpengine --version 2>&1 | sed -n 's/^Version: //p' || true)
jq -n --slurpfile runs "$runs_json" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	--arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
	--arg ncpu "$(nproc)" --arg kernel "$(uname -r)" \
	--arg rev "$lk_rev" --arg rtpe "${rtpe_ver:-none}" \
	--arg nofile "$nofile" --arg dur "$duration" --arg wu "$warmup" \
	--arg pool "$pool" '
	def pick(s; sc): [$runs[0][] | select(.system == s and .scenario == sc)][0];
	def upp(r): if r == null then null else r.relay_cpu.us_per_packet end;
	($runs[0] | map(.scenario) | unique) as $scens |
	{
	  machine: {date: $date, cpu: $cpu, cpus: ($ncpu|tonumber),
		    kernel: $kernel, latchkey: $rev, rtpengine: $rtpe,
		    nofile: ($nofile|tonumber)},
	  method: {window_s: ($dur|tonumber), warmup_s: ($wu|tonumber),
		   relay_cpu: 1, generator_cpu: 0,
		   generator_sockets_per_side: $pool, generator: "spin"},
	  ratios: [ $scens[] as $s |
		  {scenario: $s,
		   latchkey_us: upp(pick("latchkey"; $s)),
		   ceiling_us: upp(pick("ceiling"; $s)),
		   rtpengine_us: upp(pick("rtpengine"; $s))} |
		  . + {latchkey_over_ceiling:
			 (if .latchkey_us and .ceiling_us then
			  (.latchkey_us / .ceiling_us * 1000 | round / 1000)
			  else null end),
		       latchkey_over_rtpengine:
			 (if .latchkey_us and .rtpengine_us then
			  (.latchkey_us / .rtpengine_us * 1000 | round / 1000)
			  else null end)} ],
	  runs: [$runs[0][] | {system, scenario, exit, noisy, config, setup,
		 window_s, offered_pps, forwarded_pps, packets, latency_us,
		 streams, relay_cpu, generator, unattributed, others_cpu_s,
		 noise, srtp}]
	}' >"$out/bench-latest.json"


print_report
say "done in $(( $(date +%s) - started )) s: $out/bench-latest.{txt,json,png}"
