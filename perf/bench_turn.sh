#!/usr/bin/env bash
# perf/bench_turn.sh  latchkeyd's TURN relay against coturn's turnserver: same load, same run.
#
#   perf/bench_turn.sh [--allocations N] [--rate PPS] [--duration S]
#                      [--build DIR] [--systems "direct latchkeyd latchkeyd-kfwd coturn"]
#
# Each relay runs alone in a network namespace of this run's own, pinned to
# CPU 1, with the load (perf/bench_turn.c) pinned to CPU 0: N allocations
# with a channel each, ChannelData from the clients and datagrams from the
# peers, paced to PPS in all.  Printed per relay: offered and relayed
# datagrams/s, loss, relay CPU and CPU microseconds per relayed datagram
# (`us/pkt`), the generator's own (`gen`) and both (`sum`).  `direct` is
# the same load without a relay (each client and its peer talk directly):
# the relay's marginal cost is its `sum` less direct's, the only fair
# figure for latchkeyd-kfwd ([Media] Kernel forwarding = on: ChannelData
# relayed by an eBPF program, in the sender's context, relay/kturn.h);
# the summary prints it and its ratio to coturn's.  Needs root.
# Short by design (these machines are shared): docs/performance.md, "TURN".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
n=50
rate=20000
duration=5
systems="direct latchkeyd latchkeyd-kfwd coturn"

while [ $# -gt 0 ]; do
	case "$1" in
	--allocations) n=$2; shift ;;
	--rate) rate=$2; shift ;;
	--duration) duration=$2; shift ;;
	--build) build=$2; shift ;;
	--systems) systems=$2; shift ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench_turn: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

command -v turnserver >/dev/null || { echo "bench_turn: needs coturn" >&2; exit 1; }
[ -x "$build/perf/bench_turn" ] && [ -x "$build/cmd/latchkeyd" ] ||
	{ echo "bench_turn: build $build first" >&2; exit 1; }

ns=lk-bturn-$$
tmp=$(mktemp -d /tmp/lk-bturn.XXXXXX)
relay=
cleanup() {
	[ -n "$relay" ] && kill "$relay" 2>/dev/null && wait "$relay" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

cat >"$tmp/lk.conf" <<CONF
[System]
Role = expressway
Address = 127.0.0.1
[Media]
Worker threads = 1
Port cool-down = 0
[TURN]
Realm = bench
Users = bench:bench
Allowed peers = 127.0.0.1
Allocations per user = 0
CONF
sed 's/^\[TURN\]$/[Media]\nKernel forwarding = on\n[TURN]/' "$tmp/lk.conf" \
	>"$tmp/lk-kfwd.conf"

# udp_stat FIELD: the namespace's UDP counter FIELD (/proc/net/snmp).
udp_stat() {
	ip netns exec "$ns" awk -v f="$1" '/^Udp:/ {
		if (!n) { for (i = 2; i <= NF; i++) if ($i == f) k = i; n = 1 }
		else { print $k + 0; exit } }' /proc/net/snmp
}

# relay_drops PID: datagrams dropped at PID's UDP sockets (their receive
# queues were full), the last column of /proc/net/udp{,6} summed over the
# sockets PID holds.
relay_drops() {
	local inodes
	inodes=$(ls -l /proc/"$1"/fd 2>/dev/null |
		sed -n 's/.*socket:\[\([0-9]*\)\]$/\1/p' | tr '\n' ' ')
	ip netns exec "$ns" cat /proc/net/udp /proc/net/udp6 2>/dev/null |
		awk -v l=" $inodes" 'function hex(h,  i, v) {
			for (i = 1; i <= length(h); i++)
				v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
			return v }
			NR > 1 && index(l, " " $10 " ") {
			d += $NF; split($2, a, ":")
			if ($NF > m) { m = $NF; p = hex(a[2]) } }
			END { printf "%d", d; if (m) printf " (most at port %d: %d)", p, m
			      print "" }'
}

# Where the datagrams a run lost went: the relay's own sockets, or the
# rest of the namespace (the generator's sockets: every receive-buffer
# drop in the namespace less the relay's), and sends refused.
drops_before() { rcv0=$(udp_stat RcvbufErrors); snd0=$(udp_stat SndbufErrors); }
drops_report() {
	local rd rcv snd
	rd=$(relay_drops "$1")
	rcv=$(( $(udp_stat RcvbufErrors) - rcv0 ))
	snd=$(( $(udp_stat SndbufErrors) - snd0 ))
	printf '%-15s drops: relay sockets %s, generator sockets %s, send buffer full %s\n' \
		"" "$rd" "$(( rcv - ${rd%% *} ))" "$snd"
}

# run NAME CMD...: start the relay pinned to CPU 1, load it, stop it.
run() {
	local name=$1
	shift
	ip netns exec "$ns" taskset -c 1 "$@" >"$tmp/$name.log" 2>&1 &
	relay=$!
	sleep 1
	kill -0 "$relay" 2>/dev/null || { cat "$tmp/$name.log"; exit 1; }
	printf '%-15s ' "$name"
	drops_before
	ip netns exec "$ns" taskset -c 0 "$build/perf/bench_turn" \
		-s 127.0.0.1:3478 -u bench -w bench -n "$n" -r "$rate" \
		-t "$duration" -p "$relay" | tee "$tmp/$name.out"
	drops_report "$relay"
	kill "$relay"
	wait "$relay" 2>/dev/null || true
	relay=
}

echo "bench_turn: $n allocations, $rate datagrams/s offered, ${duration}s"
for s in $systems; do
	case "$s" in
	direct)
		printf '%-15s ' direct
		drops_before
		ip netns exec "$ns" taskset -c 0 "$build/perf/bench_turn" -d \
			-n "$n" -r "$rate" -t "$duration" | tee "$tmp/direct.out"
		drops_report ""
		;;
	latchkeyd)
		run latchkeyd "$build/cmd/latchkeyd" --config "$tmp/lk.conf" \
			--log-level warning ;;
	latchkeyd-kfwd)
		run latchkeyd-kfwd "$build/cmd/latchkeyd" \
			--config "$tmp/lk-kfwd.conf" --log-level warning ;;
	coturn)
		run coturn turnserver -n --listening-ip=127.0.0.1 \
			--listening-port=3478 --relay-ip=127.0.0.1 \
			--min-port=24000 --max-port=29999 --lt-cred-mech \
			--user=bench:bench --realm=bench --allow-loopback-peers \
			--no-tcp --no-tls --no-dtls --no-cli --relay-threads=1 \
			--no-multicast-peers --log-file=stdout ;;
	*) echo "bench_turn: unknown system $s" >&2; exit 2 ;;
	esac
done

# The summary: each relay's marginal cost (its sum less direct's) and its
# ratio to coturn's, the issue's target being 0.5 or less.
sum_of() { sed -n 's/.* sum \([0-9.]*\).*/\1/p' "$tmp/$1.out" 2>/dev/null; }
base=$(sum_of direct)
cot=$(sum_of coturn)
if [ -n "$base" ]; then
	echo "marginal CPU us per relayed datagram (sum less direct's $base):"
	for s in $systems; do
		v=$(sum_of "$s")
		[ "$s" = direct ] || [ -z "$v" ] && continue
		awk -v s="$s" -v v="$v" -v b="$base" -v c="$cot" 'BEGIN {
			m = v - b; printf "  %-15s %.2f", s, m
			if (c != "" && c - b > 0)
				printf "  (%.2fx coturn)", m / (c - b)
			printf "\n" }'
	done
fi
