#!/usr/bin/env bash
# tests/integration/reload_sighup.sh  SIGHUP reloads the configuration: a call survives, a new Media timeout applies, a broken file is refused.
source "$(dirname "$0")/lib/common.sh"
set +e		# every check runs; lk_done fails the script at the end

ng=127.0.0.1:22310
write_conf() {	# write_conf SIP_UDP_PORT EXTRA...: the test's file
	cat >"$LK_TMP/d.conf" <<CONF
[Protocols > SIP]
UDP port = $1
TCP port = 15660
TLS port = 15661
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 11969
Call signaling port range start = 20700
Call signaling port range end = 20799
[Protocols > H.323]
Call signaling TCP port = 11970
[Traversal > Ports]
H.323 Assent call signaling port = 13376
H.323 H.460.18 call signaling port = 13377
[Local Zone > Traversal Subzone]
Traversal Media port start = 47700
Traversal Media port end = 47719
[TURN]
TURN services = no
[Zones > Traversal Zone 1]
SIP port = 17701
H.323 port = 16701
Username = lab
Password = pw
[Session control]
Listen = $ng
CONF
	shift
	printf '%b' "$*" >>"$LK_TMP/d.conf"
}

write_conf 15660 ""
lk_start d --config "$LK_TMP/d.conf"
pid=$LK_LAST_PID
check "daemon starts" lk_wait_log d "running \(pid"

# A call with RTP both ways for 7 s; the reloads happen while it flows.
python3 "$LK_LIB/call_rtp.py" "$ng" reload-call 7 "$LK_TMP/flowing" \
	>"$LK_TMP/rtp.out" 2>&1 &
rtp=$!
LK_PIDS+=($rtp)
check "media flows both ways" wait_for 5 test -e "$LK_TMP/flowing"

# 1. A broken file: refused as a whole, the same message as at start, the
#    running configuration stays (the call is there, Media timeout 60).
write_conf 15660 "[Media]\nMedia timeout = 3\nFinal timeout = soon\n"
"$LK_LATCHKEYD" --check-config --config "$LK_TMP/d.conf" >/dev/null 2>"$LK_TMP/check.err"
start_msg=$(grep -o 'config: .*' "$LK_TMP/check.err" | grep 'Final timeout = "soon"')
check "--check-config names the root error" test -n "$start_msg"
kill -HUP "$pid"
check "broken file: refused" lk_wait_log d "reload of .* refused: the file has errors; the running configuration stays" 5
check "broken file: the message of --check-config" grep -qF "$start_msg" "$LK_TMP/d.log"
check "broken file: nothing applied" bash -c "! grep -q 'Media timeout: \"60\" -> \"3\"' '$LK_TMP/d.log'"
check "broken file: daemon alive" kill -0 "$pid"

# 2. A good file: Media timeout applies, a changed port is kept with why.
write_conf 15670 "[Media]\nMedia timeout = 3\n"
kill -HUP "$pid"
check "reload done" lk_wait_log d "reload of .* done: 1 change applied, 1 kept until a restart" 5
check "Media timeout applied" grep -q 'config: Media > Media timeout: "60" -> "3"' "$LK_TMP/d.log"
check "port change kept, with the reason" grep -q 'config: Protocols > SIP > UDP port: keeps "15660" (the file now says "15670"): a port or address is bound at start' "$LK_TMP/d.log"
check "the SIP port is still 15660" lk_bound "$pid" udp 127.0.0.1:15660
check "daemon alive after the reload" kill -0 "$pid"

# 3. The call survives: media keeps flowing past the new 3 s timeout.
sleep 4
out=$("$LK_LATCHKEY" ng -s "$ng" query reload-call 2>&1)
check "the call is there 4 s after the reload (media flows)" grep -q "result: ok" <<<"$out"
wait "$rtp"
read -r line <"$LK_TMP/rtp.out"
echo "rtp: $line"
late_a=$(sed -E 's/.*late_a=([0-9]+).*/\1/' <<<"$line")
late_b=$(sed -E 's/.*late_b=([0-9]+).*/\1/' <<<"$line")
check "media still crossed both ways at the end" test "${late_a:-0}" -gt 10 -a "${late_b:-0}" -gt 10

# 4. Idle now: the new timeout (3 s, not 60) deletes it.
check "the new Media timeout deletes the idle call" \
	lk_wait_log d "reload-call.*media timeout \(no media or signalling for 3 s\)" 10
out=$("$LK_LATCHKEY" ng -s "$ng" query reload-call 2>&1)
check "query: the call is gone" grep -q "Unknown call-id" <<<"$out"

# 5. SIGHUP is not a stop: the daemon still answers and stops cleanly.
out=$("$LK_LATCHKEY" ng -s "$ng" ping 2>&1)
check "ping after the reloads" test "$out" = "result: pong"
check "daemon stops cleanly" lk_stop "$pid"

lk_done
