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

# run NAME CMD...: start the relay pinned to CPU 1, load it, stop it.
run() {
	local name=$1
	shift
	ip netns exec "$ns" taskset -c 1 "$@" >"$tmp/$name.log" 2>&1 &
	relay=$!
	sleep 1
	kill -0 "$relay" 2>/dev/null || { cat "$tmp/$name.log"; exit 1; }
	printf '%-15s ' "$name"
	ip netns exec "$ns" taskset -c 0 "$build/perf/bench_turn" \
		-s 127.0.0.1:3478 -u bench -w bench -n "$n" -r "$rate" \
		-t "$duration" -p "$relay" | tee "$tmp/$name.out"
	kill "$relay"
	wait "$relay" 2>/dev/null || true
	relay=
}

echo "bench_turn: $n allocations, $rate datagrams/s offered, ${duration}s"
for s in $systems; do
	case "$s" in
	direct)
		printf '%-15s ' direct
		ip netns exec "$ns" taskset -c 0 "$build/perf/bench_turn" -d \
			-n "$n" -r "$rate" -t "$duration" | tee "$tmp/direct.out"
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
