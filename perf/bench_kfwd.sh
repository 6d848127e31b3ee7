#!/usr/bin/env bash
# perf/bench_kfwd.sh  Kernel-forwarded latchkeyd against user-space latchkeyd, the reflector and rtpengine: whole-machine CPU per packet.
#
#   perf/bench_kfwd.sh [--systems "reflector latchkey latchkey-kfwd rtpengine"]
#                      (also: reflector-mt, the reflector with --share-files;
#                      latchkey-alt, the latchkeyd at $LK_BENCH_ALT_LKD)
#                      [--rates "50 100 0"] [--sessions N] [--sockets endpoint|N]
#                      [--duration S] [--warmup S] [--build DIR] [--out FILE]
#                      [--mux a|b|ab]
#
# Needs root: everything runs in a network namespace this script creates and
# deletes (the eBPF program of [Media] Kernel forwarding attaches to that
# namespace's lo, never to the machine's).  The relay is pinned to CPU 1,
# the generator (perf/lk-loadgen, paced, not spinning) to CPU 0; each run
# starts its relay afresh.  Rates are packets/s per flow: 1,000 sessions at
# 50 are 100,000 packets/s in all, at 100 200,000, 0 as fast as the
# generator can (saturation).  Per run it reports, besides loss and
# latency, the relay process's CPU and the whole machine's (both cores,
# user + system + irq + softirq, /proc/stat) per forwarded packet: with
# forwarding in the kernel the relay process spends next to nothing and the
# work is softirq in the sender's context, so only the machine's figure
# compares fairly.  Read ratios within one run (docs/performance.md).
# --mux: H.460.19 multiplexed legs (lk-loadgen --mux), latchkeyd only:
# the systems default to "latchkey latchkey-kfwd", and its role is then
# expressway (the multiplexed ports are the Expressway's).  The namespace
# is named $LK_BENCH_NS-PID (default lk-bench-kfwd-PID).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
systems="reflector latchkey latchkey-kfwd rtpengine"
rates="50 100 0"
sessions=1000
sockets=endpoint
duration=5
warmup=2
out=
mux=

# shellcheck source=perf/lib.sh
. "$here/lib.sh"

say() { printf 'bench_kfwd: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--systems) systems=$2; shift ;;
	--rates) rates=$2; shift ;;
	--sessions) sessions=$2; shift ;;
	--sockets) sockets=$2; shift ;;
	--duration) duration=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	--mux) mux=$2; shift ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done

[ "$(id -u)" -eq 0 ] || die "needs root: it makes a network namespace"
mux_args=()
role=control
if [ -n "$mux" ]; then
	mux_args=(--mux "$mux")
	role=expressway
	case "$systems" in
	"reflector latchkey latchkey-kfwd rtpengine")
		systems="latchkey latchkey-kfwd" ;;
	esac
fi
[ "$(nproc)" -ge 2 ] || die "needs two CPUs"
command -v jq >/dev/null || die "needs jq"
gen=$build/perf/lk-loadgen
refl=$build/perf/lk-reflector
lkd=$build/cmd/latchkeyd
case " $systems " in *" latchkey-alt "*)
	[ -x "${LK_BENCH_ALT_LKD:-}" ] ||
		die "latchkey-alt needs LK_BENCH_ALT_LKD, a latchkeyd binary" ;;
esac
for b in "$gen" "$refl" "$lkd"; do
	[ -x "$b" ] || die "$b is missing: build first (cmake --build $build)"
done
case " $systems " in *" rtpengine "*)
	command -v rtpengine >/dev/null ||
		{ say "rtpengine is not installed: left out";
		  systems=${systems//rtpengine/}; } ;;
esac

# The namespace's name: LK_BENCH_NS (a prefix; this script's PID follows)
# lets whoever runs it keep to a naming scheme of their own.
ns=${LK_BENCH_NS:-lk-bench-kfwd}-$$
work=$(mktemp -d /tmp/lk-bench-kfwd.XXXXXX)
relay_pid=
cleanup() {
	if [ -n "$relay_pid" ] && kill -0 "$relay_pid" 2>/dev/null; then
		kill -TERM "$relay_pid" 2>/dev/null || true
		wait "$relay_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link set lo up
# The generator's own sockets stay out of the relays' media range.
ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="60000 65000"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
in_ns() { ip netns exec "$ns" "$@"; }

# latchkeyd: one worker (as rtpengine's one thread), media 36000-59999.
conf() {	# MODE -> a configuration file
	cat >"$work/lk-$1.conf" <<EOF
[System]
Role = $role
Address = 127.0.0.1
Log level = warning
[TURN]
TURN services = no
[Session control]
Listen = 127.0.0.1:62223
[Local Zone > Traversal Subzone]
Traversal Media port start = 36000
Traversal Media port end = 59999
[Media]
Port cool-down = 0
Worker threads = 1
Kernel forwarding = $1
EOF
}
conf off
conf on

start_relay() {	# SYSTEM -> relay_pid, ng
	local sys=$1 log=$work/$1.log
	ng=127.0.0.1:62223
	case "$sys" in
	reflector)
		ip netns exec "$ns" taskset -c 1 "$refl" --ng "$ng" --ports 36000-59999 \
			2>>"$log" & ;;
	reflector-mt)
		# The same with a shared descriptor table (--share-files).
		ip netns exec "$ns" taskset -c 1 "$refl" --ng "$ng" --ports 36000-59999 \
			--share-files 2>>"$log" & ;;
	latchkey)
		ip netns exec "$ns" taskset -c 1 "$lkd" --config "$work/lk-off.conf" \
			2>>"$log" & ;;
	latchkey-alt)
		# Another latchkeyd binary (A/B in one run): LK_BENCH_ALT_LKD.
		ip netns exec "$ns" taskset -c 1 "$LK_BENCH_ALT_LKD" \
			--config "$work/lk-off.conf" 2>>"$log" & ;;
	latchkey-kfwd)
		ip netns exec "$ns" taskset -c 1 "$lkd" --config "$work/lk-on.conf" \
			2>>"$log" & ;;
	rtpengine)
		# User-space forwarding (--table=-1), one worker thread.
		ip netns exec "$ns" taskset -c 1 rtpengine --config-file=none --table=-1 \
			--foreground --interface=127.0.0.1 --listen-ng="$ng" \
			--port-min=36000 --port-max=59999 --num-threads=1 \
			--delete-delay=0 --log-level=4 --log-stderr \
			2>>"$log" & ;;
	esac
	relay_pid=$!	# ip netns exec and taskset exec: the relay's PID
	if ! in_ns "$gen" --ng "$ng" --ping 10; then
		tail -n 5 "$log" >&2
		die "$sys did not answer ng ping"
	fi
}

# stop_relay, others_ticks, ksoftirqd_ticks: perf/lib.sh.
hz=$(getconf CLK_TCK)

mkdir -p "$work/runs"
n=0
for rate in $rates; do
	for sys in $systems; do
		n=$((n + 1))
		f=$work/runs/$(printf %02d $n).json
		start_relay "$sys"
		rc=0
		o0=$(others_ticks); k0=$(ksoftirqd_ticks); t0=$(date +%s%N)
		in_ns taskset -c 0 "$gen" --ng 127.0.0.1:62223 -s "$sessions" \
			-r "$rate" -d "$duration" -w "$warmup" \
			--sockets "$sockets" --relay-pid "$relay_pid" \
			"${mux_args[@]}" \
			--relay-cpu 1 -c 0 -q --label "$sys rate=$rate" \
			--json "$f.raw" >>"$work/loadgen.log" 2>&1 || rc=$?
		o1=$(others_ticks); k1=$(ksoftirqd_ticks); t1=$(date +%s%N)
		stop_relay
		if [ ! -s "$f.raw" ]; then
			say "$sys rate=$rate: lk-loadgen exit $rc, no result"
			tail -n 5 "$work/loadgen.log" >&2
			continue
		fi
		# Other processes' CPU over the run, scaled to the window and
		# taken out of the machine's busy time: "machine-us" is then
		# this run's own (relay, generator, softirq), as well as a
		# shared machine allows (tick-sampled; see the noise column).
		jq -c --arg s "$sys" --argjson r "$rate" --argjson rc "$rc" \
			--argjson o "$(( o1 - o0 ))" --argjson hz "$hz" \
			--argjson k "$(( k1 - k0 ))" \
			--argjson dt "$(( (t1 - t0) / 1000000 ))" '
			(($o / $hz) * .window_s / ($dt / 1000)) as $oth |
			(.forwarded_pps * .window_s) as $pk |
			(($k / $hz) * .window_s / ($dt / 1000)) as $ks |
			. + {system: $s, rate: $r, exit: $rc,
			     others_cpu_s: $oth,
			     noise: ($o / $hz / ($dt / 1000)),
			     ksoftirqd_cpu_s: $ks,
			     own_us_per_packet:
			       (if $pk > 0 then
				(.relay_cpu.seconds + .generator.cpu_s + $ks) *
				1e6 / $pk else null end),
			     machine_net_us_per_packet:
			       (if $pk > 0 then
				(.machine_cpu.busy_s - $oth) * 1e6 / $pk
				else null end)}' "$f.raw" >"$f"
		jq -r '"bench_kfwd: \(.system) rate=\(.rate): \(.forwarded_pps|floor) pps, loss \(.packets.loss_pct)%, p99 \(.latency_us.p99) us, own \(.own_us_per_packet) us/pkt, machine \(.machine_net_us_per_packet) us/pkt (others \(.noise * 100 | round)% of a core), relay \(.relay_cpu.us_per_packet) us/pkt"' "$f" >&2
	done
done

jq -s '.' "$work"/runs/*.json >"$work/all.json"
# The table: machine CPU per packet, and its ratio to the reflector's at
# the same rate in this run.
{
printf '%-14s %5s %8s %9s %6s %8s %7s %6s %8s %7s %8s %6s\n' system rate \
	offered forwarded loss% p99us own-us x-refl mach-us x-refl relay-us \
	noise%
jq -r '
	def r(x; n): if x == null then "-" else (x * n | round / n | tostring) end;
	. as $all | .[] | . as $x |
	([$all[] | select(.system == "reflector" and .rate == $x.rate)][0])
	 as $rr |
	def x(v; ref): if ref and ref > 0 then r(v / ref; 100) else "-" end;
	[.system, (.rate|tostring), (.offered_pps|round|tostring),
	 (.forwarded_pps|round|tostring), r(.packets.loss_pct; 1000),
	 r(.latency_us.p99; 10),
	 r(.own_us_per_packet; 100), x(.own_us_per_packet; $rr.own_us_per_packet),
	 r(.machine_net_us_per_packet; 100),
	 x(.machine_net_us_per_packet; $rr.machine_net_us_per_packet),
	 r(.relay_cpu.us_per_packet; 100), r(.noise * 100; 1)] | @tsv' \
	"$work/all.json" |
while IFS=$'\t' read -r sy ra of fw lo p99 ow xo mc xm rc no; do
	printf '%-14s %5s %8s %9s %6s %8s %7s %6s %8s %7s %8s %6s\n' "$sy" \
		"$ra" "$of" "$fw" "$lo" "$p99" "$ow" "$xo" "$mc" "$xm" "$rc" "$no"
done
echo "rate: packets/s per flow ($sessions sessions, two flows each, generator" \
	"sockets: $sockets; 0 = as fast as the generator can);"
echo "own-us: CPU of the relay process, the generator and ksoftirqd per" \
	"forwarded packet (softirq work is charged to the task it interrupts:"
echo "  the sender, with tick accounting and no IRQ time accounting), the" \
	"figure a shared machine does not disturb;"
echo "mach-us: both cores' busy time (/proc/stat, softirq included) per" \
	"forwarded packet, other processes' CPU taken out (noisy when shared);"
echo "relay-us: the relay process's own; noise%: other processes' share of" \
	"a core during the run"
}
if [ -n "$out" ]; then
	jq -n --slurpfile runs "$work/all.json" \
		--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--arg kernel "$(uname -r)" \
		--arg rev "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
		--arg sockets "$sockets" --argjson sessions "$sessions" \
		'{date: $date, kernel: $kernel, latchkey: $rev,
		  sessions: $sessions, generator_sockets: $sockets,
		  runs: $runs[0]}' >"$out"
	say "results: $out"
fi
