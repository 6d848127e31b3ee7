#!/usr/bin/env bash
# tests/integration/turn_coturn.sh  coturn's own TURN clients (turnutils_uclient, _peer, _stunclient) against latchkeyd's TURN server.
# In a network namespace of its own, on loopback, with the seed's ports
# (TURN 3478, relays from 24000-29999): Binding; UDP with EVEN-PORT and
# DONT-FRAGMENT (-X -g), with Send indications (-s), client to client (-y),
# REST credentials (-W); zero loss each time; a wrong password refused; the
# ng port unreachable through the relay; secrets never printed or logged;
# TCP to the server (-t, `TURN over TCP = on`), ChannelData padded, and a
# stream that is not STUN closed and counted.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_ns_start, lk_ns_stop, lk_fatal

command -v turnutils_uclient >/dev/null ||
	{ echo "coturn missing: apt-get install coturn"; exit 1; }
[ "$(id -u)" -eq 0 ] || lk_skip "network namespaces need root"

lk_ns_reap lk-turn
ns=lk-turn-$$
lk_ns_add "$ns" || lk_fatal "cannot make namespace $ns"
lk_watchdog 300

cat >"$LK_TMP/exp.conf" <<CONF
[System]
Role = expressway
Address = 127.0.0.1
[TURN]
Realm = lab
Users = alice:Pw-alice-1, bob:Pw-bob-2
Shared secret = S3cr3t-rest
Allowed peers = 127.0.0.1
TURN over TCP = on
CONF
# LK_TEST_KFWD=1 (tests/CMakeLists.txt, turn_coturn_kfwd): the same with
# [Media] Kernel forwarding = on.  Its eBPF program on this namespace's lo
# sees every TURN datagram, and the TURN data path shares the media
# workers with it: everything must still arrive, and nothing else change.
if [ "${LK_TEST_KFWD:-}" = 1 ]; then
	printf '[Media]\nKernel forwarding = on\n' >>"$LK_TMP/exp.conf"
fi

# Secrets are never printed (issue 12).
"$LK_LATCHKEYD" --config "$LK_TMP/exp.conf" --check-config \
	>"$LK_TMP/check.txt" 2>&1 || true
check "--check-config prints TURN Users only as set" \
	grep -q "^# Users = (set in the file; not shown)" "$LK_TMP/check.txt"
check "--check-config prints no TURN password or secret" \
	bash -c "! grep -E 'Pw-alice-1|Pw-bob-2|S3cr3t-rest' '$LK_TMP/check.txt'"

lk_ns_start exp "$ns" "$LK_LATCHKEYD" --config "$LK_TMP/exp.conf"
lk_wait_log exp "running \(pid" 10 || lk_fatal "latchkeyd did not start"
if [ "${LK_TEST_KFWD:-}" = 1 ]; then
	check "kernel forwarding is on" grep -q "kernel forwarding on" \
		"$LK_TMP/exp.log"
fi
check "TURN is served on 3478, UDP and TCP" grep -q "TURN on UDP and TCP 3478-3478" \
	"$LK_TMP/exp.log"
lk_ns_start peer "$ns" turnutils_peer -L 127.0.0.1 -p 3480
sleep 0.5

ip netns exec "$ns" timeout 10 turnutils_stunclient -p 3478 127.0.0.1 \
	>"$LK_TMP/stun.log" 2>&1 || true
check "turnutils_stunclient gets its reflexive address" \
	grep -q "UDP reflexive addr: 127.0.0.1:" "$LK_TMP/stun.log"

# uclient NAME ARGS...: 2 clients x 50 messages to the peer and back.
uclient() {
	local name=$1
	shift
	ip netns exec "$ns" timeout 60 turnutils_uclient -e 127.0.0.1 -r 3480 \
		-n 50 -m 2 -p 3478 "$@" 127.0.0.1 >"$LK_TMP/$name.log" 2>&1 ||
		true
}

# Zero loss: every message sent came back, and some were sent.
zero_loss() {	# zero_loss NAME
	local f=$LK_TMP/$1.log s r
	s=$(sed -n 's/.*tot_send_msgs=\([0-9]*\).*/\1/p' "$f" | tail -1)
	r=$(sed -n 's/.*tot_recv_msgs=\([0-9]*\).*/\1/p' "$f" | tail -1)
	if [ -n "$s" ] && [ "$s" -gt 0 ] && [ "$s" = "$r" ] &&
	   grep -q "Total lost packets 0 (" "$f"; then
		return 0
	fi
	echo "--- $1: sent ${s:-?} received ${r:-?}"; tail -n 8 "$f"
	return 1
}

uclient channels -X -g -u alice -w Pw-alice-1
check "uclient -X -g (EVEN-PORT, DONT-FRAGMENT, channels): zero loss" \
	zero_loss channels
uclient indications -X -g -s -u alice -w Pw-alice-1
check "uclient -s (Send and Data indications): zero loss" \
	zero_loss indications
uclient c2c -X -g -y -u bob -w Pw-bob-2
check "uclient -y (client to client through two relays): zero loss" \
	zero_loss c2c
uclient rest -X -g -W S3cr3t-rest -u carol
check "uclient -W (REST credentials from the shared secret): zero loss" \
	zero_loss rest

uclient tcp -t -l 173 -u alice -w Pw-alice-1
check "uclient -t -l 173 (TCP to the server, ChannelData padded to 4): zero loss" \
	zero_loss tcp
uclient tcpind -t -s -u bob -w Pw-bob-2
check "uclient -t -s (TCP, Send and Data indications): zero loss" \
	zero_loss tcpind
# Not STUN on the TCP port: the connection is closed, and counted.
check "a stream that is neither STUN nor ChannelData is closed" \
	ip netns exec "$ns" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", 3478), timeout=3)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
sys.exit(0 if s.recv(100) == b"" else 1)'

uclient wrong -X -g -u alice -w not-the-password -n 5 -m 1
check "a wrong password gets no allocation" \
	bash -c "! grep -q 'Received relay addr' '$LK_TMP/wrong.log'"
check "a wrong password is counted and logged" \
	grep -q "authentication failed" "$LK_TMP/exp.log"

# The ng port (2223) as the peer: refused, whatever Allowed peers says.
ip netns exec "$ns" timeout 20 turnutils_uclient -e 127.0.0.1 -r 2223 \
	-n 5 -m 1 -p 3478 -u alice -w Pw-alice-1 127.0.0.1 \
	>"$LK_TMP/ng.log" 2>&1 || true
check "the ng port is not reachable through the relay (403)" \
	grep -q "403" "$LK_TMP/ng.log"
check "latchkeyd logs the refused own socket" \
	grep -q "refused.*latchkeyd's own socket" "$LK_TMP/exp.log"

# Counters per reason in ng statistics (docs/turn.md, "Counters").
ip netns exec "$ns" "$LK_LATCHKEY" ng -s 127.0.0.1:2223 statistics \
	>"$LK_TMP/stats.txt" 2>&1 || true
check "ng statistics counts TURN authentication failures" \
	grep -Eq "authfailures: [1-9]" "$LK_TMP/stats.txt"
check "ng statistics counts denied TURN peers" \
	grep -Eq "deniedpeers: [1-9]" "$LK_TMP/stats.txt"
check "ng statistics counts TURN allocations and relayed packets" \
	grep -Eq "allocationsmade: [1-9]" "$LK_TMP/stats.txt"
check "ng statistics counts relayed TURN packets" \
	grep -Eq "topeer: [1-9][0-9][0-9]" "$LK_TMP/stats.txt"
# With kernel forwarding the channels' ChannelData went through the
# kernel (relay/kturn.h), counted in topeer/toclient and apart; without,
# nothing did.  Every allocation is gone by now: so are its entries.
if [ "${LK_TEST_KFWD:-}" = 1 ]; then
	check "the kernel relayed ChannelData both ways" \
		grep -Eq "kerneltopeer: [1-9][0-9][0-9]" "$LK_TMP/stats.txt"
	check "the kernel relayed peer data to clients" \
		grep -Eq "kerneltoclient: [1-9][0-9][0-9]" "$LK_TMP/stats.txt"
else
	check "nothing went through the kernel" \
		grep -Eq "kerneltopeer: 0$" "$LK_TMP/stats.txt"
fi
check "ng statistics counts the closed non-STUN TCP stream" \
	grep -Eq "tcpclosedmalformed: 1$" "$LK_TMP/stats.txt"
check "no TURN-over-TCP connection is left open" \
	grep -Eq "tcpconnections: 0$" "$LK_TMP/stats.txt"

lk_ns_stop peer
lk_ns_stop exp
check "latchkeyd stops cleanly" [ "${status[exp]}" = 0 ]
check "no TURN password or secret in latchkeyd's log" \
	bash -c "! grep -E 'Pw-alice-1|Pw-bob-2|S3cr3t-rest' '$LK_TMP/exp.log'"
lk_done
