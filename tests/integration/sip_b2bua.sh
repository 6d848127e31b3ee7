#!/usr/bin/env bash
# tests/integration/sip_b2bua.sh  Calls through a Control and an Expressway joined by a traversal zone: routing, answer, reject, CANCEL, BYE, re-INVITE, media, zone authentication and reconnect.
#
# Everything runs in one network namespace of this run's own (lk-b2b-PID,
# lo up, deleted on every exit path), so the fixed ports below cannot clash
# with anything on the host:
#
#   127.0.0.1  sipp callers (from 5100 up) and callees (5090-5097), the RTP
#              endpoints of lib/b2b_rtp.py (16000-16012)
#   127.0.0.2  latchkeyd Control, domain internal.example, ng on :2223;
#              traversal zone 1 connects out to 127.0.0.3:7001 over TLS
#   127.0.0.3  latchkeyd Expressway, domain external.example, ng on :2223;
#              zone 1 server on TLS 7001 (digest ctl-zone/zone-secret)
#
# Dial plans: the Expressway sends *@internal.example (and loop@*) into
# zone 1; the Control sends *@external.example into zone 1 and one user
# per callee port to 127.0.0.1 (alice 5090, busy 5091, ring 5092, hangup
# 5093, reinv 5094, again 5095, trying 5097).  bob registers at the Expressway from
# 127.0.0.1:5096.  What the endpoints saw is written by the sipp scenarios
# (sip/b2b_*.xml, <exec>) into $LK_TMP/NAME.txt; the checks read those
# files, the daemons' logs and the ng replies.
#
# LK_B2B_LOGS=DIR keeps every log and trace of the run.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/common.sh"
source "$here/lib/netns.sh"	# lk_ns_start, lk_ns_stop, lk_ngq, lk_legs
SC=$here/sip

[ "$(id -u)" -eq 0 ] || { echo "FAIL needs root: it creates a network namespace"; exit 1; }
for tool in ip ss sipp python3 openssl; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL $tool is not installed (sipp: apt-get install sip-tester)"; exit 1; }
done

NS=lk-b2b-$$
CTL=127.0.0.2
EXP=127.0.0.3
EP=127.0.0.1
LIMIT=110		# seconds for the whole run; a watchdog ends it after that
bgpids=()		# background sipp callees

b2b_cleanup() {
	local rc=$? p n
	trap - EXIT INT TERM
	lk_watchdog_end
	for p in "${bgpids[@]:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
	done
	lk_ns_stop_all	# the daemons, a stopped (SIGSTOP) one too
	if [ "$rc" -ne 0 ]; then
		for n in exp ctl ctl-bad ctl2; do
			[ -f "$LK_TMP/$n.log" ] || continue
			echo "--- $n.log (last 25 lines)"
			tail -n 25 "$LK_TMP/$n.log"
		done
	fi
	if [ -n "${LK_B2B_LOGS:-}" ]; then
		mkdir -p "$LK_B2B_LOGS"
		cp "$LK_TMP"/* "$LK_B2B_LOGS"/ 2>/dev/null || true
	fi
	lk_cleanup	# and the namespace
	exit "$rc"
}
trap b2b_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
lk_watchdog "$LIMIT"

lk_ns_reap lk-b2b	# namespaces left by runs that were killed go first
lk_ns_add "$NS" || { echo "FAIL cannot create network namespace $NS"; exit 1; }

in_ns() { ip netns exec "$NS" "$@"; }

# --- configuration -----------------------------------------------------------

exp_conf() {
	cat <<CONF
[System]
Role = expressway
Address = $EXP
[Registrar]
Domain = external.example
[Zones > Traversal Zone 1]
Username = ctl-zone
Password = zone-secret
Keep-alive interval = 2
[Dial plan]
Route 1 = *@internal.example zone 1
Route 2 = loop@* zone 1
[Session control]
Listen = $EXP:2223
[Management]
Address = $EXP
HTTP port = 46180
HTTPS port = 46181
CONF
}
ctl_conf() {	# ctl_conf PASSWORD
	cat <<CONF
[System]
Role = control
Address = $CTL
[Registrar]
Domain = internal.example
[Zones > Traversal Zone 1]
Peer address = $EXP
Username = ctl-zone
Password = $1
Keep-alive interval = 2
Retry interval = 2
[Dial plan]
Route 1 = *@external.example zone 1
Route 2 = alice@* host $EP:5090 udp
Route 3 = busy@* host $EP:5091
Route 4 = ring@* host $EP:5092
Route 5 = hangup@* host $EP:5093
Route 6 = reinv@* host $EP:5094
Route 7 = again@* host $EP:5095
Route 8 = trying@* host $EP:5097
[Session control]
Listen = $CTL:2223
CONF
}
exp_conf >"$LK_TMP/exp.conf"
ctl_conf zone-secret >"$LK_TMP/ctl.conf"
ctl_conf not-the-secret >"$LK_TMP/ctl-bad.conf"

# --- helpers -----------------------------------------------------------------

# start_relay NAME CONF: latchkeyd in the namespace, its log $LK_TMP/NAME.log
# (lib/netns.sh's start; lk_ns_stop NAME puts its exit status in status[NAME]).
start_relay() { lk_ns_start "$1" "$NS" "$LK_LATCHKEYD" --config "$2"; }

# A sipp callee in the background: callee NAME SCENARIO PORT RTPPORT [args].
# What it saw goes to $LK_TMP/NAME.txt; its exit status to callee_wait.
declare -A callee_pid=()
callee() {
	local name=$1 sc=$2 port=$3 rtp=$4
	shift 4
	[[ "$sc" == /* ]] || sc="$SC/$sc"
	: >"$LK_TMP/$name.txt"
	ip netns exec "$NS" timeout 30 sipp -sf "$sc" -i "$EP" -p "$port" -m 1 -nostdin \
		-key rtp_port "$rtp" -key rtp_port2 $((rtp + 10)) \
		-key sdpfile "$LK_TMP/$name.txt" -key domain unused \
		-timeout 25s -timeout_error -recv_timeout 15000 \
		-trace_msg -message_file "$LK_TMP/$name.msg" \
		-trace_err -error_file "$LK_TMP/$name.err" "$@" \
		>"$LK_TMP/$name.out" 2>&1 </dev/null &
	callee_pid[$name]=$!
	bgpids+=($!)
	# sipp binds its port at once; give it that moment.
	wait_for 3 bash -c "ip netns exec $NS ss -Hlun | grep -q '$EP:$port '" || true
}
callee_wait() {	# callee_wait NAME: its exit status, 0 when its scenario passed
	local rc=0
	wait "${callee_pid[$1]}" 2>/dev/null || rc=$?
	[ "$rc" -eq 0 ] && return 0
	echo "--- sipp callee $1 (exit $rc):"
	tail -n 12 "$LK_TMP/$1.out"
	tail -n 30 "$LK_TMP/$1.err" 2>/dev/null
	return 1
}

# A sipp caller: caller NAME SCENARIO RELAY USER DOMAIN [args]; each call
# from its own port, so a late retransmission never reaches the next one.
caller_port=5100
caller() {
	local name=$1 sc=$2 relay=$3 user=$4 domain=$5 rc=0
	shift 5
	[[ "$sc" == /* ]] || sc="$SC/$sc"
	caller_port=$((caller_port + 1))
	: >"$LK_TMP/$name.txt"
	in_ns timeout 30 sipp "$relay:5060" -sf "$sc" -s "$user" -i "$EP" \
		-p "$caller_port" -m 1 -nostdin -key domain "$domain" \
		-key sdpfile "$LK_TMP/$name.txt" -timeout 25s -timeout_error \
		-recv_timeout 10000 -trace_msg -message_file "$LK_TMP/$name.msg" \
		-trace_err -error_file "$LK_TMP/$name.err" "$@" \
		>"$LK_TMP/$name.out" 2>&1 </dev/null || rc=$?
	[ "$rc" -eq 0 ] && return 0
	echo "--- sipp caller $name (exit $rc):"
	tail -n 12 "$LK_TMP/$name.out"
	tail -n 30 "$LK_TMP/$name.err" 2>/dev/null
	return 1
}
# The value of KEY= on the (last) line of NAME.txt that starts with PREFIX
# ("" for any line).  sipp's <exec> writes the file from a child process.
seen() {	# seen NAME PREFIX KEY
	local f=$LK_TMP/$1.txt
	wait_for 2 test -s "$f" || true
	grep -E "^$2" "$f" 2>/dev/null | tail -n 1 |
		sed -nE "s/.*(^| )$3=([^ ]*).*/\\2/p"
}
warning_of() { sed -n 's/.*warning= *//p' "$LK_TMP/$1.txt" | tail -n 1; }
media_port() {	# media_port VALUE: an even port of the media range, not mux
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 36002 ] && [ "$1" -le 59998 ] &&
		[ $(($1 % 2)) -eq 0 ]
}
eq() { [ "$1" = "$2" ] || { echo "    got '$1', expected '$2'"; return 1; }; }
ge() {
	[[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ] ||
		{ echo "    got '$1', expected >= $2"; return 1; }
}
matches() { [[ $1 =~ $2 ]] || { echo "    got '$1', expected /$2/"; return 1; }; }

# The relays' replies are read as JSON (lib/netns.sh: lk_ngq, lk_jget,
# lk_legs), never by parsing the CLI's text.
ngj() {	# ngj RELAY COMMAND [KEY=VALUE...]: the reply as JSON
	local ng=$1:2223
	lk_ngq "$NS" "${@:2}"
}
ng_calls() {	# ng_calls RELAY: one call-id a line
	ngj "$1" list >"$LK_TMP/ng-list.json" && lk_jget "$LK_TMP/ng-list.json" 'calls.*'
}
# One line per stream of an ng query:
#   TAG LOCAL-PORT ENDPOINT LATCHED PACKETS-IN PACKETS-OUT MULTIPLEXID|-
ng_legs() {	# ng_legs RELAY CALL-ID
	ngj "$1" query call-id="$2" >"$LK_TMP/ng-query.json" &&
		lk_legs "$LK_TMP/ng-query.json" |
		awk '{ print $1, $3, $2, $4, $5, $6, $8 }'
}
stat_of() {	# stat_of RELAY KEY: one counter of ng statistics' totals
	ngj "$1" statistics >"$LK_TMP/ng-statistics.json" &&
		lk_jget "$LK_TMP/ng-statistics.json" "statistics.totalstatistics.$2"
}
# Established TCP connections from the Control to the zone port, as
# "LOCALPORT" lines.
zone_src_ports() {
	in_ns ss -Htn state established "( dst $EXP:7001 )" 2>/dev/null |
		awk -v c="$CTL" '{ split($3, a, ":"); if (a[1] == c) print a[2] }'
}
one_zone_conn_in_range() {
	local p
	p=$(zone_src_ports)
	echo "    zone connection source port(s): ${p:-none}"
	[ "$(echo "$p" | grep -c .)" -eq 1 ] && in_range "$p" 25000 29999
}

# RTP both ways for one call: rtp NAME CALLER-PORT CALLER-FILE CALLEE-PORT CALLEE-FILE
rtp() {
	in_ns python3 "$here/lib/b2b_rtp.py" --a "$EP:$2" --a-sdp "$LK_TMP/$3.txt" \
		--b "$EP:$4" --b-sdp "$LK_TMP/$5.txt" --count 50 >"$LK_TMP/$1.rtp" 2>&1
	cat "$LK_TMP/$1.rtp"
}
rtpv() { sed -nE "s/.*(^| )$2=([^ ]*).*/\\2/p" "$LK_TMP/$1.rtp"; }	# NAME KEY

# --- 1. the zone comes up ----------------------------------------------------

t0=$SECONDS
start_relay exp "$LK_TMP/exp.conf"
check "Expressway starts" lk_wait_log exp "running \(pid" 10
check "Expressway waits for the zone's client on TLS 7001" \
	lk_has_log exp "traversal zone 1 \(Traversal Zone 1\): waiting for the traversal client on TLS port 7001"
start_relay ctl "$LK_TMP/ctl.conf"
check "Control starts" lk_wait_log ctl "running \(pid" 10
check "zone: the Control logs it connected over TLS, authenticated" lk_wait_log ctl \
	"traversal zone 1 \(Traversal Zone 1\): connected to the Expressway 127\.0\.0\.3:7001 over TLS, .*; authenticated" 10
check "zone: the Expressway logs the client $CTL authenticated over TLS" lk_wait_log exp \
	"traversal zone 1 \(Traversal Zone 1\): traversal client 127\.0\.0\.2:[0-9]+ connected over TLS, authenticated" 5
check "zone: one connection $CTL -> $EXP:7001 from the TCP outbound range 25000-29999 (ss)" \
	one_zone_conn_in_range
zport=$(zone_src_ports | head -n 1)
check "zone: the Control's log names the same source port ($zport)" \
	lk_has_log ctl "connected to the Expressway .* from port ${zport:-none};"
tls_on_7001() {
	local out
	out=$(in_ns timeout 5 openssl s_client -connect "$EXP:7001" </dev/null 2>&1 || true)
	grep -Eq "^(New|Reused), TLS" <<<"$out" && grep -q "CN *= *latchkey" <<<"$out"
}
check "zone port 7001 speaks TLS (openssl s_client handshake, CN latchkey)" tls_on_7001
check "zone: still up after a stranger's TLS handshake on 7001" \
	bash -c "sleep 0.3; ! grep -Eq 'traversal zone 1 .*(closed|reconnecting)' '$LK_TMP/ctl.log'"

# --- 2. a call from the Internet (Expressway) to alice behind the Control ---

n_exp=$(stat_of "$EXP" forwardedpackets)
n_ctl=$(stat_of "$CTL" forwardedpackets)
callee call1-b b2b_uas.xml 5090 16002
# The caller holds the call 10 s: the RTP and both relays' queries below
# must happen while it is up, also on a loaded machine (a 4 s hold once
# ended the call before the Control was asked).
caller call1-a b2b_uac.xml "$EXP" alice internal.example -key rtp_port 16000 -d 10000 &
c1=$!
bgpids+=("$c1")
rtp call1 16000 call1-a 16002 call1-b
# While the call is up (the caller holds it 4 s): what each relay has.
exp_cid=$(ng_calls "$EXP" | head -n 1)
ctl_cid=$(ng_calls "$CTL" | head -n 1)
ng_legs "$EXP" "$exp_cid" >"$LK_TMP/call1-exp.legs" 2>&1 || true
ng_legs "$CTL" "$ctl_cid" >"$LK_TMP/call1-ctl.legs" 2>&1 || true
c1rc=0
wait "$c1" || c1rc=$?
check "call 1: the caller gets 200, ACKs, and its BYE gets 200 (sipp)" test "$c1rc" -eq 0
check "call 1: the callee gets the INVITE, answers, gets the BYE (sipp)" callee_wait call1-b
check "call 1: the Expressway routes it into zone 1" lk_has_log exp \
	"call [0-9]+ \(sip:caller@127\.0\.0\.1 -> sip:alice@internal\.example\) from UDP 127\.0\.0\.1:[0-9]+: to traversal zone 1 \(Route 1\) via TLS"
check "call 1: the Control takes it from the zone to host 127.0.0.1:5090 (Route 2)" lk_has_log ctl \
	"-> sip:alice@internal\.example\) from TLS 127\.0\.0\.3:7001 \(traversal zone\): to host UDP 127\.0\.0\.1:5090 \(Route 2\)"
check "call 1: Max-Forwards 70 reaches the callee as 68: each relay takes one (RFC 3261 s.16.6 step 3)" \
	grep -q "^Max-Forwards: 68" "$LK_TMP/call1-b.msg"
check "call 1: the callee's INVITE SDP names the Control (c=$CTL)" eq "$(seen call1-b c= c)" "$CTL"
check "call 1: the callee's INVITE SDP has a Control media port ($(seen call1-b c= m))" media_port "$(seen call1-b c= m)"
check "call 1: the caller's 200 SDP names the Expressway (c=$EXP)" eq "$(seen call1-a c= c)" "$EXP"
check "call 1: the caller's 200 SDP has an Expressway media port ($(seen call1-a c= m))" media_port "$(seen call1-a c= m)"
check "call 1: a=x-latchkey-muxid does not leak to the callee" eq "$(seen call1-b c= mux)" ""
check "call 1: a=x-latchkey-muxid does not leak to the caller" eq "$(seen call1-a c= mux)" ""
echo "    Expressway legs: $(tr '\n' ';' <"$LK_TMP/call1-exp.legs")"
echo "    Control legs:    $(tr '\n' ';' <"$LK_TMP/call1-ctl.legs")"
# The Expressway's leg towards the zone: the multiplexed port, with an ID
# (which the zone's SDP told the Control in a=x-latchkey-muxid).
check "call 1: ng query on the Expressway: the zone leg is on mux port 36000 with a multiplexID" \
	grep -Eq "^[^ ]+ 36000 127\.0\.0\.2:[0-9]+ yes [0-9]+ [0-9]+ [0-9]+$" "$LK_TMP/call1-exp.legs"
check "call 1: ng query on the Control: its zone leg sends to the Expressway's mux port $EXP:36000" \
	grep -Eq "^[^ ]+ [0-9]+ 127\.0\.0\.3:36000 yes " "$LK_TMP/call1-ctl.legs"
check "call 1: ng query on the Expressway: the caller's leg is on the port of its 200 and latched to 127.0.0.1:16000" \
	grep -Eq "^[^ ]+ $(seen call1-a c= m) 127\.0\.0\.1:16000 yes " "$LK_TMP/call1-exp.legs"
check "call 1: ng query on the Control: the callee's leg is on the port of its INVITE and latched to 127.0.0.1:16002" \
	grep -Eq "^[^ ]+ $(seen call1-b c= m) 127\.0\.0\.1:16002 yes " "$LK_TMP/call1-ctl.legs"
# RTP: the caller sends to the 200's port, the callee to the INVITE's.
check "call 1: RTP callee -> caller: 50 sent, $(rtpv call1 a_recv) arrived" eq "$(rtpv call1 a_recv)" 50
check "call 1: RTP caller -> callee: 50 sent, $(rtpv call1 b_recv) arrived (the Expressway may drop what comes before the Control's first packet)" \
	ge "$(rtpv call1 b_recv)" 45
check "call 1: the caller's RTP comes from the Expressway's port in the 200 (symmetric)" \
	eq "$(rtpv call1 a_from)" "$EXP:$(seen call1-a c= m)"
check "call 1: the callee's RTP comes from the Control's port in the INVITE (symmetric)" \
	eq "$(rtpv call1 b_from)" "$CTL:$(seen call1-b c= m)"
leg_field() {	# leg_field FILE LOCALPORT FIELD(5 in, 6 out)
	awk -v p="$2" -v f="$3" '$2 == p { print $f }' "$LK_TMP/$1"
}
mp1a=$(seen call1-a c= m)
mp1b=$(seen call1-b c= m)
check "call 1: Expressway counters: the caller's leg received the 50 the caller sent" \
	eq "$(leg_field call1-exp.legs "$mp1a" 5)" 50
check "call 1: Expressway counters: the caller's leg sent what the caller counted" \
	eq "$(leg_field call1-exp.legs "$mp1a" 6)" "$(rtpv call1 a_recv)"
check "call 1: Control counters: the callee's leg received the 50 the callee sent" \
	eq "$(leg_field call1-ctl.legs "$mp1b" 5)" 50
check "call 1: Control counters: the callee's leg sent what the callee counted" \
	eq "$(leg_field call1-ctl.legs "$mp1b" 6)" "$(rtpv call1 b_recv)"
check "call 1: across the zone: what the Control sent the Expressway received" \
	eq "$(leg_field call1-exp.legs 36000 5)" "$(awk '$3 == "127.0.0.3:36000" { print $6 }' "$LK_TMP/call1-ctl.legs")"
check "call 1: ng statistics: the Expressway forwarded >= 95 more packets" \
	ge $(($(stat_of "$EXP" forwardedpackets) - ${n_exp:-0})) 95
check "call 1: ng statistics: the Control forwarded >= 95 more packets" \
	ge $(($(stat_of "$CTL" forwardedpackets) - ${n_ctl:-0})) 95
check "call 1: both relays log it answered with media through the relay" bash -c \
	"grep -q 'alice@internal.example): answered (200 OK); media through the relay' '$LK_TMP/exp.log' &&
	 grep -q 'alice@internal.example): answered (200 OK); media through the relay' '$LK_TMP/ctl.log'"
check "call 1: the Expressway ends it on the caller's BYE, zone leg counted as mux" lk_wait_log exp \
	"alice@internal\.example\): ended: BYE from A \(caller\) after [0-9]+ s; media packets audio A in=50 out=[0-9]+, audio B in=[0-9]+ out=[0-9]+ \(mux\)" 3
check "call 1: the Control ends it on the BYE that came through the zone" lk_wait_log ctl \
	"alice@internal\.example\): ended: BYE from A \(caller\) after [0-9]+ s; media packets audio A in=[0-9]+ out=[0-9]+, audio B in=50 out=[0-9]+" 3
check "call 1: no media session left on either relay" bash -c \
	"[ -z \"\$(ip netns exec $NS '$LK_LATCHKEY' ng --server $EXP:2223 list | grep '^ *- ')\" ] &&
	 [ -z \"\$(ip netns exec $NS '$LK_LATCHKEY' ng --server $CTL:2223 list | grep '^ *- ')\" ]"

# --- 2b. the other way: from the Control's side to bob at the Expressway -----

check "bob registers at the Expressway from 127.0.0.1:5096" \
	caller reg-bob b2b_register.xml "$EXP" bob external.example -p 5096
callee call2-b b2b_uas.xml 5096 16006
caller call2-a b2b_uac.xml "$CTL" bob external.example -key rtp_port 16004 -d 6000 &
c2=$!
bgpids+=("$c2")
rtp call2 16004 call2-a 16006 call2-b
c2rc=0
wait "$c2" || c2rc=$?
check "call 2 (Control -> zone -> Expressway -> registered bob): caller gets 200, BYE 200" test "$c2rc" -eq 0
check "call 2: bob gets the INVITE and the BYE" callee_wait call2-b
check "call 2: the Expressway sends it to bob's registered contact" lk_has_log exp \
	"-> sip:bob@external\.example\) from TLS 127\.0\.0\.2:[0-9]+ \(traversal zone\): to registered contact of sip:bob@external\.example"
check "call 2: bob's INVITE SDP names the Expressway (c=$EXP)" eq "$(seen call2-b c= c)" "$EXP"
check "call 2: the caller's 200 SDP names the Control (c=$CTL)" eq "$(seen call2-a c= c)" "$CTL"
check "call 2: RTP bob -> caller: 50 sent, $(rtpv call2 a_recv) arrived" ge "$(rtpv call2 a_recv)" 45
check "call 2: RTP caller -> bob: 50 sent, $(rtpv call2 b_recv) arrived" ge "$(rtpv call2 b_recv)" 45
check "call 2: the Expressway's zone leg (A now) is on the mux port" lk_wait_log exp \
	"bob@external\.example\): ended: BYE from A \(caller\) after [0-9]+ s; media packets audio A in=[0-9]+ out=[0-9]+ \(mux\), audio B in=50 out=[0-9]+" 3

# --- 3. the callee refuses ---------------------------------------------------

callee busy-b b2b_uas_busy.xml 5091 16002
check "busy: the caller gets the callee's 486 through both relays" \
	caller busy-a b2b_uac_refused.xml "$EXP" busy internal.example -key rtp_port 16000
check "busy: the callee's 486 is ACKed (sipp callee)" callee_wait busy-b
check "busy: seen by the caller as 486" eq "$(seen busy-a status= status)" 486
check "busy: both relays log the refusal" bash -c \
	"grep -q 'busy@internal.example): ended: refused by the callee: 486 Busy Here' '$LK_TMP/exp.log' &&
	 grep -q 'busy@internal.example): ended: refused by the callee: 486 Busy Here' '$LK_TMP/ctl.log'"

# --- 4. CANCEL ---------------------------------------------------------------

callee ring-b b2b_uas_ring.xml 5092 16002
check "CANCEL: the caller gets 180, then 200 for its CANCEL and 487 for the INVITE" \
	caller ring-a b2b_uac_cancel.xml "$EXP" ring internal.example -key rtp_port 16000
check "CANCEL: the callee gets a CANCEL, answers 200 and 487, gets the ACK" callee_wait ring-b
cancel_same_branch() {
	local iv cv
	iv=$(sed -n 's/^invite_via=\(.*\) cancel_via=.*/\1/p' "$LK_TMP/ring-b.txt")
	cv=$(sed -n 's/.* cancel_via=//p' "$LK_TMP/ring-b.txt")
	echo "    INVITE Via: $iv; CANCEL Via: $cv"
	[ -n "$iv" ] && [ "$iv" = "$cv" ]
}
check "CANCEL: the Control's CANCEL has the Via (branch) of its INVITE (RFC 3261 s.9.1)" cancel_same_branch
check "CANCEL: both relays log the CANCEL from A" bash -c \
	"grep -q 'ring@internal.example): CANCEL from A (caller)' '$LK_TMP/exp.log' &&
	 grep -q 'ring@internal.example): CANCEL from A (caller)' '$LK_TMP/ctl.log'"
check "CANCEL: both relays end the call as cancelled (487)" bash -c \
	"sleep 0.3; grep -q 'ring@internal.example): ended: cancelled: 487' '$LK_TMP/exp.log' &&
	 grep -q 'ring@internal.example): ended: cancelled: 487' '$LK_TMP/ctl.log'"

# A caller that hangs up with BYE while it rings (not allowed by RFC 3261
# s.15, done by some UAs): handled as a CANCEL, so the callee stops ringing.
callee byering-b b2b_uas_ring.xml 5092 16002
check "BYE while ringing: the caller gets 200 for its BYE and 487 for the INVITE" \
	caller byering-a b2b_uac_bye_early.xml "$EXP" ring internal.example -key rtp_port 16000
check "BYE while ringing: the callee gets a CANCEL, answers 200 and 487, gets the ACK" callee_wait byering-b
check "BYE while ringing: the Expressway takes the BYE as a CANCEL" lk_has_log exp \
	"ring@internal\.example\): BYE from A before the answer; cancelling"

# A callee that has only said 100 Trying: RFC 3261 s.9.1 lets a CANCEL go
# once "a provisional response" has arrived, and 100 is one (s.21.1.1);
# the Control answers the zone's INVITE with 100 at once, so both relays
# may (and should) pass the CANCEL on.  b2b_uas_trying.xml waits 3 s for
# it, then ends the INVITE with 487 itself.
callee early-b b2b_uas_trying.xml 5097 16002
check "CANCEL after 100 only: the caller gets 200 for its CANCEL and 487" \
	caller early-a b2b_uac_cancel_early.xml "$EXP" trying internal.example -key rtp_port 16000
check "CANCEL after 100 only: the callee's scenario completes (487, ACK)" callee_wait early-b
check "CANCEL after 100 only: the callee, which sent only 100 Trying, gets the CANCEL within 3 s (RFC 3261 s.9.1)" \
	grep -q "^cancelled" "$LK_TMP/early-b.txt"

# --- 5. the callee hangs up --------------------------------------------------

callee hangup-b b2b_uas_hangup.xml 5093 16002 -d 500
check "callee BYE: the caller gets 200, then the callee's BYE through both relays" \
	caller hangup-a b2b_uac_byed.xml "$EXP" hangup internal.example -key rtp_port 16000
check "callee BYE: the callee's BYE gets 200" callee_wait hangup-b
check "callee BYE: the Control logs 'ended: BYE from B'" lk_wait_log ctl \
	"hangup@internal\.example\): ended: BYE from B \(callee\)" 3
check "callee BYE: the Expressway logs 'ended: BYE from B'" lk_wait_log exp \
	"hangup@internal\.example\): ended: BYE from B \(callee\)" 3

# --- 6. re-INVITE from each side ---------------------------------------------

callee reinv-b b2b_uas_reinvite.xml 5094 16002
check "re-INVITE: the caller's re-INVITE and the callee's re-INVITE each get 200 (sipp caller)" \
	caller reinv-a b2b_uac_reinvite.xml "$EXP" reinv internal.example \
	-key rtp_port 16000 -key rtp_port2 16010
check "re-INVITE: the callee answers both and gets the BYE (sipp callee)" callee_wait reinv-b
check "re-INVITE from the caller: the callee's offer names the Control (c=$CTL)" \
	eq "$(seen reinv-b reinvite-offer c)" "$CTL"
check "re-INVITE from the caller: the callee's offer has a relay port, not the caller's new 16010 ($(seen reinv-b reinvite-offer m))" \
	media_port "$(seen reinv-b reinvite-offer m)"
check "re-INVITE from the caller: hold (a=sendonly) reaches the callee" \
	eq "$(seen reinv-b reinvite-offer dir)" sendonly
check "re-INVITE from the caller: the 200's SDP names the Expressway (c=$EXP)" \
	eq "$(seen reinv-a reinvite-answer c)" "$EXP"
check "re-INVITE from the caller: the 200's SDP has a relay port ($(seen reinv-a reinvite-answer m))" \
	media_port "$(seen reinv-a reinvite-answer m)"
check "re-INVITE from the caller: the callee's a=recvonly reaches the caller" \
	eq "$(seen reinv-a reinvite-answer dir)" recvonly
check "re-INVITE from the callee: the caller's offer names the Expressway (c=$EXP)" \
	eq "$(seen reinv-a callee-offer c)" "$EXP"
check "re-INVITE from the callee: the 200's SDP names the Control (c=$CTL)" \
	eq "$(seen reinv-b callee-answer c)" "$CTL"
check "re-INVITE from the callee: the 200's SDP has a relay port, not the caller's 16010 ($(seen reinv-b callee-answer m))" \
	media_port "$(seen reinv-b callee-answer m)"
check "INFO in the dialog: the caller's INFO gets 200 back through both relays" \
	grep -q "^info-answered 200" "$LK_TMP/reinv-a.txt"
check "INFO in the dialog: it reaches the callee with its body and type ($(grep '^info ' "$LK_TMP/reinv-b.txt"))" \
	grep -q "^info signal=5 ctype= *application/dtmf-relay" "$LK_TMP/reinv-b.txt"
check "re-INVITE: both relays log a re-INVITE from A and from B" bash -c "
	for f in exp ctl; do
		grep -q 'reinv@internal.example): re-INVITE from A (caller)' '$LK_TMP/'\$f.log &&
		grep -q 'reinv@internal.example): re-INVITE from B (callee)' '$LK_TMP/'\$f.log || exit 1
	done"

# --- 7 and 10. routing errors and bad offers ---------------------------------

# b2b_uac_refused.xml expects 486; copies expect the other codes.
for code in 404 480 482; do
	sed "s/response=\"486\"/response=\"$code\"/" "$SC/b2b_uac_refused.xml" \
		>"$LK_TMP/uac_$code.xml"
done
check "routing: unknown non-local domain at the Expressway: 404" \
	caller r404 "$LK_TMP/uac_404.xml" "$EXP" bob unknown.example -key rtp_port 16000
check "routing: the 404's Warning says why ($(warning_of r404))" matches "$(warning_of r404)" \
	'^399 latchkey "no route for bob@unknown\.example: unknown\.example is not a local domain'
check "routing: local domain, not registered, no route: 480" \
	caller r480 "$LK_TMP/uac_480.xml" "$EXP" carol external.example -key rtp_port 16000
check "routing: the 480's Warning names the AOR ($(warning_of r480))" matches "$(warning_of r480)" \
	'^399 latchkey "sip:carol@external\.example is not registered and no route of the dial plan matches"'
check "routing: the Expressway's 480 comes back through the zone to a caller at the Control" \
	caller r480z "$LK_TMP/uac_480.xml" "$CTL" carol external.example -key rtp_port 16000
check "routing: a route back into the zone it came from: 482 (loop@ at the Expressway, *@external.example at the Control)" \
	caller r482 "$LK_TMP/uac_482.xml" "$EXP" loop external.example -key rtp_port 16000
check "routing: an INVITE without SDP: 488" \
	caller nosdp b2b_uac_nosdp.xml "$EXP" alice internal.example
check "routing: the 488's Warning says why ($(warning_of nosdp))" matches "$(warning_of nosdp)" \
	'^399 latchkey "an INVITE without an SDP offer is not supported"'
check "malformed: garbage SDP at the Expressway: 488" \
	caller bad-exp b2b_uac_badsdp.xml "$EXP" alice internal.example
check "malformed: its Warning names the SDP problem ($(warning_of bad-exp))" matches "$(warning_of bad-exp)" \
	'^399 latchkey "media: .*SDP'
check "malformed: garbage SDP at the Control (towards the zone): 488" \
	caller bad-ctl b2b_uac_badsdp.xml "$CTL" bob external.example
check "malformed: its Warning names the SDP problem ($(warning_of bad-ctl))" matches "$(warning_of bad-ctl)" \
	'^399 latchkey "media: .*SDP'
check "malformed: both daemons are alive" bash -c "kill -0 ${pid[exp]} && kill -0 ${pid[ctl]}"
check "malformed: no media session left behind on either relay" bash -c \
	"[ -z \"\$(ip netns exec $NS '$LK_LATCHKEY' ng --server $EXP:2223 list | grep '^ *- ')\" ] &&
	 [ -z \"\$(ip netns exec $NS '$LK_LATCHKEY' ng --server $CTL:2223 list | grep '^ *- ')\" ]"

# --- 7. the zone is down: the Control stopped --------------------------------

lk_ns_stop ctl
check "the Control exits 0 on SIGTERM" test "${status[ctl]:-x}" = 0
check "zone down: the Expressway logs that the client's connection closed" lk_wait_log exp \
	"traversal zone 1 \(Traversal Zone 1\): the traversal client's connection closed" 5
# RFC 8446 s.6.1: "Each party MUST send a close_notify alert before
# closing its write side of the connection"; OpenSSL on the Expressway
# reports a close without one as "unexpected eof while reading".
check "zone down: the Control ends the zone's TLS with close_notify (RFC 8446 s.6.1): no 'unexpected eof' at the Expressway" \
	bash -c "! grep -E 'SIP TLS 127\.0\.0\.2:[0-9]+: TLS: unexpected eof' '$LK_TMP/exp.log'"
check "zone down: a call the Expressway routes to zone 1 gets 480" \
	caller zdown "$LK_TMP/uac_480.xml" "$EXP" alice internal.example -key rtp_port 16000
check "zone down: the 480's Warning names the zone ($(warning_of zdown))" matches "$(warning_of zdown)" \
	'^399 latchkey "Route 1: traversal zone 1 is not connected"'

# --- 8. the zone's client has the wrong password -----------------------------

exp_at=$(lk_logsize exp)
start_relay ctl-bad "$LK_TMP/ctl-bad.conf"
check "wrong password: the Control starts" lk_wait_log ctl-bad "running \(pid" 10
check "wrong password: the Control logs the 401 refusal" lk_wait_log ctl-bad \
	"traversal zone 1 \(Traversal Zone 1\): the Expressway refused the zone's REGISTER: 401 Unauthorized \(check Username and Password on both sides\)" 10
check "wrong password: the Control keeps retrying (3 refusals within 8 s)" lk_wait_log ctl-bad \
	"refused the zone's REGISTER: 401 .*; reconnecting to 127\.0\.0\.3:7001 in [0-9]+ s" 8 3
retry_delays() {
	grep -E "refused the zone's REGISTER: 401.*reconnecting to 127\.0\.0\.3:7001 in [0-9]+ s" \
		"$LK_TMP/ctl-bad.log" | sed -E 's/.* in ([0-9]+) s$/\1/' | head -n 3 | tr '\n' ' '
}
check "wrong password: back-off 1 s, 2 s, then Retry interval 2 s ($(retry_delays))" \
	eq "$(retry_delays)" "1 2 2 "
check "wrong password: the Expressway logs the bad credentials" bash -c \
	"tail -c +$((exp_at + 1)) '$LK_TMP/exp.log' | grep -Eq 'traversal zone 1: REGISTER from 127\.0\.0\.2:[0-9]+ with the credentials of \"ctl-zone\": wrong user or password'"
check "wrong password: the Expressway never takes it as the zone's client" bash -c \
	"! tail -c +$((exp_at + 1)) '$LK_TMP/exp.log' | grep -q 'traversal client .* connected over'"
check "wrong password: the Control never logs the zone connected" bash -c \
	"! grep -q 'connected to the Expressway' '$LK_TMP/ctl-bad.log'"
check "wrong password: a call the Control routes to zone 1 gets 480" \
	caller zbad-c "$LK_TMP/uac_480.xml" "$CTL" bob external.example -key rtp_port 16000
check "wrong password: its Warning names the zone ($(warning_of zbad-c))" matches "$(warning_of zbad-c)" \
	'^399 latchkey "Route 1: traversal zone 1 is not connected"'
check "wrong password: a call the Expressway routes to zone 1 gets 480" \
	caller zbad-e "$LK_TMP/uac_480.xml" "$EXP" alice internal.example -key rtp_port 16000
lk_ns_stop ctl-bad
check "wrong password: the Control exits 0 on SIGTERM" test "${status[ctl-bad]:-x}" = 0

# --- 9. reconnect after the Expressway stopped answering ---------------------

start_relay ctl2 "$LK_TMP/ctl.conf"
check "reconnect: the Control connects" lk_wait_log ctl2 "connected to the Expressway 127\.0\.0\.3:7001 over TLS" 10
first_port=$(zone_src_ports | head -n 1)
kill -STOP "${pid[exp]}"
stopped_at=$SECONDS
check "reconnect: the Control notices the silent Expressway (keep-alive unanswered)" lk_wait_log ctl2 \
	"traversal zone 1 \(Traversal Zone 1\): keep-alive unanswered for 2 s; reconnecting to 127\.0\.0\.3:7001 in [0-9]+ s" 8
# More than two keep-alive intervals in all.
while [ $((SECONDS - stopped_at)) -lt 5 ]; do sleep 0.2; done
kill -CONT "${pid[exp]}"
check "reconnect: 'connected to the Expressway' a second time" lk_wait_log ctl2 \
	"connected to the Expressway 127\.0\.0\.3:7001 over TLS, .*; authenticated" 15 2
check "reconnect: again one zone connection, from the TCP outbound range (was port $first_port)" \
	one_zone_conn_in_range
check "reconnect: the Expressway takes the new connection as the zone's client" lk_wait_log exp \
	"traversal client 127\.0\.0\.2:[0-9]+ connected over TLS, authenticated" 5 3
callee again-b b2b_uas.xml 5095 16002
check "reconnect: a call through the zone afterwards gets 200 and BYE 200" \
	caller again-a b2b_uac.xml "$EXP" again internal.example -key rtp_port 16000 -d 200
check "reconnect: the callee gets that call" callee_wait again-b
check "reconnect: the Control ended it on the BYE" lk_wait_log ctl2 \
	"again@internal\.example\): ended: BYE from A \(caller\)" 3

# --- 9b. the Expressway drops a client that went silent ----------------------

# The Control stops without closing (as if it vanished): after 3 of the
# Expressway's keep-alive intervals (2 s) the Expressway closes the zone
# connection, and calls for the zone get 480 at once instead of waiting.
kill -STOP "${pid[ctl2]}"
check "silent client: the Expressway closes the zone after 3 keep-alive intervals" lk_wait_log exp \
	"traversal zone 1 \(Traversal Zone 1\): nothing from the traversal client for 6 s \(3 keep-alive intervals\); closing its connection" 12
check "silent client: a call the Expressway routes to zone 1 gets 480" \
	caller zsilent "$LK_TMP/uac_480.xml" "$EXP" alice internal.example -key rtp_port 16000
kill -CONT "${pid[ctl2]}"
check "silent client: the Control reconnects once it runs again" lk_wait_log ctl2 \
	"connected to the Expressway 127\.0\.0\.3:7001 over TLS, .*; authenticated" 15 3

# --- the end -----------------------------------------------------------------

# The Expressway's call set-up histogram (docs/management.md): every call
# answered above was observed, the buckets are cumulative, +Inf is the
# count.
hist_rc=0
in_ns python3 - "http://$EXP:46180/metrics" >"$LK_TMP/setup-hist.txt" 2>&1 <<'PY' || hist_rc=$?
import re, sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
b = [(m.group(1), int(m.group(2))) for m in re.finditer(
    r'^latchkey_sip_call_setup_seconds_bucket\{le="([^"]+)"\} (\d+)$', text, re.M)]
count = int(re.search(r"^latchkey_sip_call_setup_seconds_count (\d+)$", text, re.M).group(1))
ans = int(re.search(r'^latchkey_sip_call_events_total\{event="answered"\} (\d+)$', text, re.M).group(1))
n = [x[1] for x in b]
print("buckets", b, "count", count, "answered", ans)
sys.exit(0 if b and b[-1] == ("+Inf", count) and count == ans and count >= 5
         and n == sorted(n) else 1)
PY
sed 's/^/    /' "$LK_TMP/setup-hist.txt"
check "metrics: the Expressway's set-up histogram counts every answered call, cumulative to +Inf" \
	test "$hist_rc" = 0

lk_ns_stop ctl2
lk_ns_stop exp
for r in exp ctl2; do
	check "$r exits 0 on SIGTERM" test "${status[$r]:-x}" = 0
done
for r in exp ctl ctl-bad ctl2; do
	check "$r: no call left active at stop" lk_has_log $r "SIP calls: started=[0-9]+ .* active=0;"
	check "$r's log has no sanitizer report" bash -c \
		"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/$r.log'"
done
check "Expressway counters: calls answered, 404, 480, 3 cancelled, 2 re-INVITEs, 1 INFO forwarded" lk_has_log exp \
	"SIP calls: started=[0-9]+ answered=([5-9]|[1-9][0-9]+) failed=[1-9][0-9]* not_found=[1-9][0-9]* unavailable=[1-9][0-9]* cancelled=3 media_errors=1 media_ended=0 reinvites=2 forwarded=1 "
check "Control zone counters: authenticated 3 times, two drops" lk_has_log ctl2 \
	"traversal zone 1 \(Traversal Zone 1\): (up|down); client connects=[3-9][0-9]* authenticated=3 drops=2 "
# RFC 3261 s.22.1: a UAC "MUST NOT re-attempt requests with the
# credentials that have just been rejected (though the request may be
# retried if the nonce was stale)".  Every connection of a Control costs
# the Expressway one challenge (401 without credentials); one with the
# wrong password may add one refusal, not more: the Expressway's 401s
# ("refused") are at most challenges + one per wrong-password connection.
counter() { sed -nE "s/.*traversal zone 1 .*[ ;]$2=([0-9]+).*/\1/p" "$LK_TMP/$1.log" | tail -n 1; }
refusals_bounded() {
	local r c1 cb c2
	r=$(counter exp refused)
	c1=$(counter ctl connects)
	cb=$(counter ctl-bad connects)
	c2=$(counter ctl2 connects)
	echo "    Expressway refused=$r; connects: Control $c1, wrong-password Control $cb, Control again $c2"
	[ -n "$r" ] && [ -n "$c1" ] && [ -n "$cb" ] && [ -n "$c2" ] &&
		[ "$r" -le $((c1 + c2 + 2 * cb)) ]
}
check "wrong password: the Control does not send rejected credentials again without stale=true (RFC 3261 s.22.1)" \
	refusals_bounded
echo "run time: $((SECONDS - t0)) s"

lk_done
