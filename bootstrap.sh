#!/usr/bin/env bash
# bootstrap.sh  Set up a Debian 12 machine for latchkey, build it, run or test it.
#
#   ./bootstrap.sh run [latchkeyd options]   install, build, run latchkeyd
#   ./bootstrap.sh test                      install, build, run every test
#   ./bootstrap.sh deps | build | fuzz [SECONDS] | perf
#
# Installs only Debian packages (apt); needs root (or sudo) for that step.
set -euo pipefail

cd "$(dirname "$0")"
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Libraries and tools the build needs; clang, libbpf-dev and bpftool build
# the kernel fast path (relay/bpf/, [Media] Kernel forwarding).
build_pkgs=(build-essential cmake pkg-config libevent-dev libssl-dev
	libsrtp2-dev libre-dev libcmocka-dev clang libbpf-dev bpftool)
# What the tests use on top: clang for the fuzzers and sanitizer runtime,
# python3 for JSON checks, iproute2 for network namespaces, nftables for
# the firewall and NAT namespaces of tests/integration/sip_traversal.sh and
# with iptables for checking `latchkey firewall` output (firewall_cli.sh);
# coturn's TURN clients for tests/integration/turn_*; tshark as the
# independent judge of the H.323 encodings (docs/h323.md); linphone-cli
# (linphone-daemon) as a second SIP endpoint family (sip_linphone.sh);
# graphviz for `latchkey lab`'s picture; curl, prometheus's promtool and
# chromium (a real browser, headless, for the status page) for the
# management listener, systemd's systemd-analyze for the unit of the
# Debian package and file, which CPack's dpkg-shlibdeps step needs
# (docs/management.md).
test_pkgs=(clang libclang-rt-14-dev python3 iproute2 procps nftables iptables kamailio
	baresip-core sip-tester openssl coturn tshark linphone-cli graphviz curl
	prometheus chromium systemd file)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		say "need root to run: $*"
		exit 1
	fi
}

# Install what is missing; skip apt entirely when everything is there.
install_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing: ${missing[*]}"
	# wireshark-common asks whether non-root users may capture: no.
	if [[ " ${missing[*]} " == *" tshark "* ]]; then
		echo 'wireshark-common wireshark-common/install-setuid boolean false' |
			as_root debconf-set-selections
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
	# Debian enables kamailio's and coturn's services on install; on a
	# machine with systemd they would take SIP 5060 and TURN 3478 on every
	# address, which latchkeyd's default configuration binds on loopback.
	# prometheus (for promtool) would scrape its own 9090 all day.
	# The tests start their own kamailio and coturn tools.
	local svc
	for svc in kamailio coturn prometheus; do
		if [[ " ${missing[*]} " == *" $svc "* ]] &&
			command -v systemctl >/dev/null &&
			[ -d /run/systemd/system ]; then
			as_root systemctl disable --now "$svc" >/dev/null 2>&1 ||
				true
		fi
	done
}

# Run the suite (ctest ARGS, in DIR) inside a network namespace of its own
# when root: its loopback is the tests' alone, and its ephemeral ports are
# the seed's 30000-35999 (what latchkeyd's start-up warning advises), so
# no client socket of one test can take a fixed port another test listens
# on (media ranges 36000-59999 lie inside Linux's default 32768-60999).
# Tests that build topologies make namespaces of their own, as before.
ctest_isolated() {	# ctest_isolated DIR [ctest args...]
	local dir=$1 ns rc=0
	shift
	if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
		(cd "$dir" && ctest "$@")
		return
	fi
	ns=lk-ci-$$
	ip netns del "$ns" 2>/dev/null || true
	# Where namespaces cannot be entered (a chroot whose / is no mount
	# point, a container without CAP_SYS_ADMIN), the suite runs here.
	if ! { ip netns add "$ns" && ip -n "$ns" link set lo up &&
	       ip netns exec "$ns" sysctl -q -w \
			net.ipv4.ip_local_port_range="30000 35999"; } 2>/dev/null; then
		ip netns del "$ns" 2>/dev/null || true
		say "cannot enter a network namespace here: the suite runs in this one"
		(cd "$dir" && ctest "$@")
		return
	fi
	(cd "$dir" && ip netns exec "$ns" ctest "$@") || rc=$?
	ip netns del "$ns" 2>/dev/null || true
	return "$rc"
}

build() {	# build DIR [cmake options...]
	local dir=$1
	shift
	cmake -S "$top" -B "$dir" "$@" >/dev/null
	cmake --build "$dir" -j"$jobs"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
deps)
	install_pkgs "${build_pkgs[@]}" "${test_pkgs[@]}"
	;;
build)
	install_pkgs "${build_pkgs[@]}"
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	;;
run)
	install_pkgs "${build_pkgs[@]}"
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	say "starting build/cmd/latchkeyd $*"
	exec "$top/build/cmd/latchkeyd" "$@"
	;;
test)
	install_pkgs "${build_pkgs[@]}" "${test_pkgs[@]}"
	# 1. The optimised build, as users run it.
	build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
	ctest_isolated build --output-on-failure -j"$jobs"
	# 2. The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
	build build-asan -DCMAKE_BUILD_TYPE=Debug -DLK_ASAN=ON
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest_isolated build-asan --output-on-failure -j"$jobs"
	# 3. The libFuzzer targets build with clang and run their corpora once
	#    (deterministic: ./bootstrap.sh fuzz is the one that explores).
	CC=clang build build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLK_FUZZ=ON
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		name=$(basename "$f")
		"$f" -runs=0 "tests/fuzz/corpus/${name#fuzz_}" >/dev/null 2>&1 ||
			{ say "$name fails on its own corpus"; exit 1; }
	done
	say "the fuzz targets build and pass their corpora"
	;;
fuzz)
	secs=${1:-60}
	install_pkgs "${build_pkgs[@]}" "${test_pkgs[@]}"
	CC=clang build build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLK_FUZZ=ON
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		name=$(basename "$f")
		corpus=$(mktemp -d)
		cp -r "tests/fuzz/corpus/${name#fuzz_}/." "$corpus/"
		say "fuzzing $name for ${secs}s (crashes land in build-fuzz/)"
		"$f" -max_total_time="$secs" -artifact_prefix=build-fuzz/ \
			"$corpus" 2>&1 | tail -n 3
		rm -rf "$corpus"
	done
	;;
perf)
	install_pkgs "${build_pkgs[@]}"
	build build-perf -DCMAKE_BUILD_TYPE=Release -DLK_TESTS=OFF
	for b in build-perf/perf/bench_*; do
		say "running $b"
		"$b"
	done
	# The relay against the ceiling and rtpengine, same load, same run
	# (docs/performance.md); arguments go to it (--quick, --systems ...).
	say "running perf/bench.sh $*"
	perf/bench.sh --no-build "$@"
	;;
*)
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	[ -z "$cmd" ] || { say "unknown command: $cmd"; exit 2; }
	exit 2
	;;
esac
