#!/bin/bash
# tests/integration/kfwd_veth.sh  Kernel forwarding across interfaces: a relay between two veth links, RTP forwarded by the eBPF program, user space when it cannot be.
#
# Three network namespaces of this test's own, like a relay in a DMZ:
#
#   A (10.97.1.2) --veth-- ra [relay: 10.97.1.1, rb 10.97.2.1] rb --veth-- B (10.97.2.2, 10.97.2.3)
#
# The relay's Address is 10.97.1.1 on ra; B reaches it through rb.  IP
# forwarding stays off in the relay's namespace, as on a real relay: what
# crosses from rb to ra is either the relay's own sending or the eBPF
# program's bpf_redirect_neigh(), never routing.  The program is attached
# to lo, ra and rb ([Media] Kernel forwarding interfaces) only inside
# these namespaces.  Needs root; skipped (77) otherwise.
#
# 1. on, ra and rb: RTP crosses both ways, the kernel's counter says it
#    forwarded all but the packets that latched, a foreign source on B's
#    side is dropped in user space and never reaches A; the same with A
#    on the relay machine itself (lo to rb, rb round through lo).
# 2. auto with an interface that does not exist: says why, forwards
#    the same call in user space (the kernel's counter stays 0).
# 3. on with it: refuses to start.

. "$(dirname "$0")/lib/common.sh"
set +e

[ "$(id -u)" -eq 0 ] || { echo "skipped: needs root"; exit 77; }
lk_watchdog 180

r=lk-kfv-$$-r
a=lk-kfv-$$-a
b=lk-kfv-$$-b
ng=127.0.0.1:2223
n=300
lk_ns_reap lk-kfv
for ns in "$r" "$a" "$b"; do
	lk_ns_add "$ns" || { echo "skipped: cannot make a namespace"; exit 77; }
done
ip -n "$r" link add ra type veth peer name a0 netns "$a" &&
ip -n "$r" link add rb type veth peer name b0 netns "$b" &&
ip -n "$r" addr add 10.97.1.1/24 dev ra &&
ip -n "$r" addr add 10.97.2.1/24 dev rb &&
ip -n "$a" addr add 10.97.1.2/24 dev a0 &&
ip -n "$b" addr add 10.97.2.2/24 dev b0 &&
ip -n "$b" addr add 10.97.2.3/24 dev b0 &&
ip -n "$r" link set ra up && ip -n "$r" link set rb up &&
ip -n "$a" link set a0 up && ip -n "$b" link set b0 up &&
ip -n "$a" route add default via 10.97.1.1 &&
ip -n "$b" route add default via 10.97.2.1 ||
	{ not_ok "cannot build the veth topology"; lk_done; exit 1; }
ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=0

conf() {	# conf MODE IFACES
	printf '[System]\nAddress = 10.97.1.1\n[TURN]\nTURN services = no\n[Media]\nKernel forwarding = %s\nKernel forwarding interfaces = %s\n' \
		"$1" "$2" >"$LK_TMP/$1.conf"
	echo "$LK_TMP/$1.conf"
}
ping_ng() { ip netns exec "$r" "$LK_LOADGEN" --ng "$ng" --ping 5 \
	>/dev/null 2>&1; }
stat_of() {	# stat_of NAME: one total of the relay's ng statistics
	ip netns exec "$r" python3 "$LK_LIB/../../interop/ngq.py" "$ng" \
		statistics >"$LK_TMP/stats.json" &&
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))
		["statistics"]["totalstatistics"].get(sys.argv[2], -1))' \
		"$LK_TMP/stats.json" "$1"
}
call() {	# call CALL-ID [NS-A ADDR-A]: the driver's JSON on stdout
	ip netns exec "$r" python3 "$LK_LIB/kfwd_veth.py" "$ng" "$1" \
		"${2:-$a}" "${3:-10.97.1.2}" "$b" 10.97.2.2 10.97.2.3 "$n"
}
# One call; every packet of each side arrives, as sent, from the relay,
# and nothing of the foreign source.
call_checks() {	# call_checks MODE CALL-ID [NS-A ADDR-A]
	local out
	out=$(call "$2" "${3:-}" "${4:-}")
	echo "$1: $out"
	check "$1: A got all $n packets of B" [ "$(jv "$out" a_got)" -ge "$n" ]
	check "$1: B got all $n packets of A" [ "$(jv "$out" b_got)" -ge "$n" ]
	check "$1: nothing from a wrong address or with other octets" \
		[ "$(jv "$out" bad)" -eq 0 ]
	check "$1: nothing of the foreign source reached A" \
		[ "$(jv "$out" foreign_at_a)" -eq 0 ]
}
jv() { python3 -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2], -1))' "$1" "$2"; }

# 1. on: the kernel forwards between ra and rb.
ip netns exec "$r" "$LK_LATCHKEYD" --config "$(conf on 'ra, rb')" \
	2>"$LK_TMP/on.log" &
LK_PIDS+=($!)
p=$!
check "on: starts and answers ng" wait_for 10 ping_ng
check "on: attached to lo, ra and rb" grep -q \
	'kernel forwarding on: .* ingress of lo, ra, rb' "$LK_TMP/on.log"
call_checks on kfv-1
k=$(stat_of kernelforwardedpackets)
# Before both sides latch a few packets go through the worker; the
# driver paces them, so no more than a handful.
check "on: the kernel forwarded all but the latching packets ($k of $((2 * n)))" \
	in_range "$k" $((2 * n - 10)) $((2 * n))
f=$(stat_of droppedforeign)
check "on: user space dropped the foreign source's 20 packets ($f)" \
	[ "$f" -ge 20 ]
# A on the relay machine itself (its Address, another port: a gateway
# beside the relay): A's packets come in on lo and leave by rb; B's come
# in on rb for a local address and go round through lo.
call_checks "on, A local" kfv-3 "$r" 10.97.1.1
k2=$(stat_of kernelforwardedpackets)
check "on, A local: the kernel forwarded all but the latching packets ($((k2 - k)) of $((2 * n)))" \
	in_range "$((k2 - k))" $((2 * n - 10)) $((2 * n))
lk_stop "$p"

# 2. auto, an interface that is not there: user space, and why.
ip netns exec "$r" "$LK_LATCHKEYD" --config "$(conf auto 'ra, nosuch0')" \
	2>"$LK_TMP/auto.log" &
LK_PIDS+=($!)
p=$!
check "auto: starts and answers ng" wait_for 10 ping_ng
check "auto: one warning with the reason" [ "$(grep -c \
	'kernel forwarding off: no interface nosuch0 (Kernel forwarding interfaces)' \
	"$LK_TMP/auto.log")" -eq 1 ]
call_checks auto kfv-2
check "auto: the kernel forwarded nothing" \
	[ "$(stat_of kernelforwardedpackets)" -eq 0 ]
check "auto: user space forwarded both ways" \
	[ "$(stat_of forwardedpackets)" -ge $((2 * n)) ]
lk_stop "$p"

# 3. on, the same: no start.
ip netns exec "$r" "$LK_LATCHKEYD" --config "$(conf on 'ra, nosuch0')" \
	2>"$LK_TMP/on2.log"
rc=$?
check "on without the interface: exit status 1 (got $rc)" [ "$rc" -eq 1 ]
check "on without the interface: says why" grep -q \
	'Kernel forwarding = on: no interface nosuch0' "$LK_TMP/on2.log"

lk_done
