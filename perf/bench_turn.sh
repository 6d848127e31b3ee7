#!/usr/bin/env bash
# perf/bench_turn.sh  latchkeyd's TURN relay against coturn's turnserver: same load, same run.
#
#   perf/bench_turn.sh [--allocations N] [--rate PPS] [--duration S]
#                      [--build DIR]
#
# Each relay runs alone in a network namespace of this run's own, pinned to
# CPU 1, with the load (perf/bench_turn.c) pinned to CPU 0: N allocations
# with a channel each, ChannelData from the clients and datagrams from the
# peers, paced to PPS in all.  Printed per relay: offered and relayed
# datagrams/s, loss, relay CPU and CPU microseconds per relayed datagram.
# Short by design (these machines are shared): docs/performance.md, "TURN".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=$top/build
n=50
rate=20000
duration=5

while [ $# -gt 0 ]; do
	case "$1" in
	--allocations) n=$2; shift ;;
	--rate) rate=$2; shift ;;
	--duration) duration=$2; shift ;;
	--build) build=$2; shift ;;
	-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# run NAME CMD...: start the relay pinned to CPU 1, load it, stop it.
run() {
	local name=$1
	shift
	ip netns exec "$ns" taskset -c 1 "$@" >"$tmp/$name.log" 2>&1 &
	relay=$!
	sleep 1
	kill -0 "$relay" 2>/dev/null || { cat "$tmp/$name.log"; exit 1; }
	printf '%-10s ' "$name"
	ip netns exec "$ns" taskset -c 0 "$build/perf/bench_turn" \
		-s 127.0.0.1:3478 -u bench -w bench -n "$n" -r "$rate" \
		-t "$duration" -p "$relay"
	kill "$relay"
	wait "$relay" 2>/dev/null || true
	relay=
}

echo "bench_turn: $n allocations, $rate datagrams/s offered, ${duration}s"
run latchkeyd "$build/cmd/latchkeyd" --config "$tmp/lk.conf" \
	--log-level warning
run coturn turnserver -n --listening-ip=127.0.0.1 --listening-port=3478 \
	--relay-ip=127.0.0.1 --min-port=24000 --max-port=29999 \
	--lt-cred-mech --user=bench:bench --realm=bench \
	--allow-loopback-peers --no-tcp --no-tls --no-dtls --no-cli \
	--relay-threads=1 --no-multicast-peers --log-file=stdout
