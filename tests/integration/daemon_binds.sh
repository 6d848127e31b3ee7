#!/usr/bin/env bash
# tests/integration/daemon_binds.sh  latchkeyd binds each documented port of its role, or nothing.
source "$(dirname "$0")/lib/common.sh"
lk_reserve_ports 51000-51999	# its management ports 51090/51091

# Ports shifted off the defaults so that this test never collides with a
# SIP stack on the machine or another test; every port is still one the
# config decides, so a wrong key->listener mapping shows.
cat >"$LK_TMP/exp.conf" <<CONF
[System]
Role = expressway
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 15060
TCP port = 15062
TLS port = 15061
TCP outbound port start = 25000
TCP outbound port end = 25999
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 11719
Call signaling port range start = 20000
Call signaling port range end = 20999
[Protocols > H.323]
Call signaling TCP port = 11720
[Traversal > Ports]
H.323 Assent call signaling port = 12776
H.323 H.460.18 call signaling port = 12777
[Local Zone > Traversal Subzone]
Traversal Media port start = 46000
Traversal Media port end = 46999
[TURN]
TURN requests port start = 13478
TURN requests port end = 13478
[Session control]
Listen = 127.0.0.1:12223
[Zones]
Traversal zone count = 2
[Zones > Traversal Zone 1]
SIP port = 17001
H.323 port = 16001
[Zones > Traversal Zone 2]
SIP port = 17002
H.323 port = 16002
[Management]
HTTP port = 51090
HTTPS port = 51091
CONF

lk_start exp --config "$LK_TMP/exp.conf"
pid=$LK_LAST_PID
check "expressway starts" lk_wait_log exp "running \(pid"
for p in 15060 11719 16001 16002 46000 46001 13478; do
	check "expressway binds UDP 127.0.0.1:$p" lk_bound "$pid" udp "127.0.0.1:$p"
done
for p in 15062 15061 11720 12776 12777 17001 17002 51090 51091; do
	check "expressway binds TCP 127.0.0.1:$p" lk_bound "$pid" tcp "127.0.0.1:$p"
done
n=$(lk_nbound "$pid")
check "expressway binds UDP 127.0.0.1:12223 (ng)" lk_bound "$pid" udp "127.0.0.1:12223"
# 12 listeners, 2 multiplexed media ports, the ng control port, and
# management's HTTP and HTTPS (docs/management.md).
check "expressway binds exactly those 17 ports (saw $n)" test "$n" -eq 17
check "log names the key of each port" \
	grep -q "Zones > Traversal Zone 2 > H.323 port" "$LK_TMP/exp.log"
# Issue 9: a port whose protocol is not served yet says so at start.
check "RAS is served by the gatekeeper: no 'not served yet' line for it" \
	bash -c "! grep -q '11719/udp bound, H.323 not served yet' '$LK_TMP/exp.log'"
check "start says the gatekeeper's RAS listens" grep -q \
	"H.323 gatekeeper RAS on UDP 127.0.0.1:11719" "$LK_TMP/exp.log"
check "H.323 call signalling is served: no 'not served yet' line for it" \
	bash -c "! grep -q '11720/tcp bound' '$LK_TMP/exp.log'"
check "start says call signalling listens" grep -q \
	"H.323 call signalling on TCP 127.0.0.1:11720, calls out from 20000-20999" \
	"$LK_TMP/exp.log"
check "TURN is served: no 'not served yet' line for it" bash -c \
	"! grep -q '13478/udp bound, TURN not served yet' '$LK_TMP/exp.log'"
check "start says the TURN server listens" grep -q \
	"TURN on UDP 13478-13478" "$LK_TMP/exp.log"
check "no such line for SIP" bash -c "! grep -q '15060/udp bound' '$LK_TMP/exp.log'"
# The port list lines up: every key starts in the same column.
cols=$(grep -E '^  (UDP|TCP|TLS) 127' "$LK_TMP/exp.log" |
	awk '{ match($0, /\) +/); print RSTART + RLENGTH }' | sort -u | wc -l)
check "the start-up port list lines up (one key column, saw $cols)" test "$cols" -eq 1

# A port that is already taken: the error names it and its key, and the
# daemon exits 1 with nothing left bound.
lk_start exp2 --config "$LK_TMP/exp.conf"
pid2=$LK_LAST_PID
wait "$pid2" && rc=0 || rc=$?
check "second instance exits 1 (got $rc)" test "$rc" -eq 1
check "second instance names the taken port and key" grep -q \
	"cannot bind UDP 127.0.0.1:15060 (SIP), from Protocols > SIP > UDP port: Address already in use" \
	"$LK_TMP/exp2.log"
check "SIGTERM stops the first cleanly" lk_stop "$pid"
check "stop is logged" grep -q "stopping on SIGTERM" "$LK_TMP/exp.log"

# The control role listens only on SIP and H.323 (seed, "SIP: internal"
# and "H.323: internal"): no zone, Assent, mux or TURN port.
sed -e 's/^Role = expressway/Role = control/' "$LK_TMP/exp.conf" >"$LK_TMP/ctl.conf"
lk_start ctl --config "$LK_TMP/ctl.conf"
pid=$LK_LAST_PID
check "control starts" lk_wait_log ctl "running \(pid"
n=$(lk_nbound "$pid")
# SIP UDP/TCP/TLS, RAS, Q.931, the ng control port, management's two.
check "control binds 8 ports (saw $n)" test "$n" -eq 8
check "control does not bind the zone port" bash -c "! ss -Hln -A tcp | grep -q ':17001 '"
lk_stop "$pid"

# A bad configuration: specific messages, exit 78, nothing bound.
printf '[Protocols > SIP]\nUDP port = 15060\nTLS port = 99999\n[Bogus]\n' >"$LK_TMP/bad.conf"
"$LK_LATCHKEYD" --config "$LK_TMP/bad.conf" >"$LK_TMP/bad.out" 2>&1 && rc=0 || rc=$?
check "bad config exits 78 (got $rc)" test "$rc" -eq 78
check "bad config names file, line and key" grep -q \
	"bad.conf:3: Protocols > SIP > TLS port = \"99999\": expected a port number from 1 to 65535" \
	"$LK_TMP/bad.out"
check "bad config names the unknown section" grep -q "bad.conf:4: unknown section \[Bogus\]" "$LK_TMP/bad.out"
check "bad config says nothing was bound" grep -q "2 errors; nothing was bound" "$LK_TMP/bad.out"
check "nothing bound on 15060 after a bad config" bash -c "! ss -Hln -A udp | grep -q ':15060 '"

# --check-config prints the effective configuration and exits 0.
"$LK_LATCHKEYD" --check-config --config "$LK_TMP/exp.conf" >"$LK_TMP/check.out" 2>"$LK_TMP/check.err" && rc=0 || rc=$?
check "--check-config exits 0" test "$rc" -eq 0
check "--check-config marks file values" grep -q "UDP port = 15060 .*# line 5" "$LK_TMP/check.out"
check "--check-config marks defaults with their seed row" grep -q \
	"Registration UDP port = 11719" "$LK_TMP/check.out"
check "--check-config output loads again" "$LK_LATCHKEYD" --check-config --config "$LK_TMP/check.out"
"$LK_LATCHKEYD" --bogus >/dev/null 2>&1 && rc=0 || rc=$?
check "unknown option exits 2" test "$rc" -eq 2
check "--help documents --config" bash -c "'$LK_LATCHKEYD' --help | grep -q -- '--config FILE'"

lk_done
