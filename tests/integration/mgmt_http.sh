#!/usr/bin/env bash
# tests/integration/mgmt_http.sh  The management listener: every endpoint, the token, HTTPS, promtool, no secrets.
source "$(dirname "$0")/lib/common.sh"
lk_reserve_ports 51000-51999	# this test's block (docs/management.md)

# Ports: the management block 51000-51999 and ng 22501 (docs/management.md).
ZONE_PW='zonepw-Xq7-never-shown'
REG_PW='regpw-Kd3-never-shown'
TURN_PW='turnpw-Lm9-never-shown'
TURN_SECRET='turnsecret-Pz2-never-shown'
TOKEN='mgmt-token-Tt5-never-shown'
conf() {	# conf FILE [extra lines]
	cat >"$1" <<CONF
[System]
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 51060
TCP port = 51060
TLS port = 51061
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 51719
Call signaling port range start = 51800
Call signaling port range end = 51819
[Protocols > H.323]
Call signaling TCP port = 51720
[Traversal > Ports]
H.323 Assent call signaling port = 51776
H.323 H.460.18 call signaling port = 51777
[Local Zone > Traversal Subzone]
Traversal Media port start = 51200
Traversal Media port end = 51239
[TURN]
TURN requests port start = 51478
TURN requests port end = 51478
TURN relay media port start = 51300
TURN relay media port end = 51339
Users = turnuser:$TURN_PW
Shared secret = $TURN_SECRET
[Registrar]
Users = alice:$REG_PW
[Zones > Traversal Zone 1]
SIP port = 51701
H.323 port = 51601
Username = zone1
Password = $ZONE_PW
[Session control]
Listen = 127.0.0.1:22501
[Management]
HTTP port = 51080
HTTPS port = 51443
Access token = $TOKEN
${2:-}
CONF
}
conf "$LK_TMP/d.conf"

lk_start d --config "$LK_TMP/d.conf"
check "daemon starts" lk_wait_log d "running \(pid"
check "the log says where the status page is" \
	lk_has_log d "status page at http://127\.0\.0\.1:51080/"
check "and its HTTPS address" lk_has_log d "status page at https://127\.0\.0\.1:51443/"

base=http://127.0.0.1:51080
auth=(-H "Authorization: Bearer $TOKEN")
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }	# code CURL-ARGS
get() { curl -sf "${auth[@]}" "$base$1"; }			# get PATH

# --- access -------------------------------------------------------------------
check "/status without the token: 401" test "$(code "$base/status")" = 401
check "401 asks for Basic" bash -c "curl -sI '$base/status' | grep -qi '^WWW-Authenticate: Basic realm=\"latchkey\"'"
check "/status with a wrong token: 401" \
	test "$(code -H 'Authorization: Bearer nope' "$base/status")" = 401
check "/status with the token: 200" test "$(code "${auth[@]}" "$base/status")" = 200
check "Basic with the token as password: 200" \
	test "$(code -u "anyone:$TOKEN" "$base/status")" = 200
check "Basic with another password: 401" \
	test "$(code -u "anyone:nope" "$base/status")" = 401
check "/metrics needs no token (Prometheus scrapes it)" \
	test "$(code "$base/metrics")" = 200
check "an unknown path: 404" test "$(code "${auth[@]}" "$base/nope")" = 404
check "POST: 405" test "$(code -X POST "${auth[@]}" "$base/status")" = 405
check "HTTPS /status with the token: 200" \
	test "$(code -k "${auth[@]}" https://127.0.0.1:51443/status)" = 200
check "HTTPS /status without it: 401" \
	test "$(code -k https://127.0.0.1:51443/status)" = 401

# --- a call, media through it, a registration ---------------------------------
python3 "$LK_LIB/ng_call.py" 127.0.0.1:22501 'mgmt-call-1@lab' 5 >"$LK_TMP/call.json"
check "a call is set up over ng" grep -q '"answer": "ok"' "$LK_TMP/call.json"
python3 "$LK_LIB/sip_register.py" 51060 bob lab.example >"$LK_TMP/reg.txt" || true
check "bob registers over UDP" grep -q "SIP/2.0 200" "$LK_TMP/reg.txt"

# --- the documents --------------------------------------------------------------
get /status >"$LK_TMP/status.json"
check "/status is JSON" python3 -m json.tool "$LK_TMP/status.json" >/dev/null
sha=$(sha256sum "$LK_TMP/d.conf" | cut -d' ' -f1)
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
check "role, version and uptime" jq_py "$LK_TMP/status.json" \
	"d['role']=='expressway' and d['version'] and d['uptime_s']>=0"
check "the configuration's file and digest" jq_py "$LK_TMP/status.json" \
	"d['config']['file']=='$LK_TMP/d.conf' and d['config']['sha256']=='$sha' and d['config']['loads']==1"
check "the SIP UDP listener with its counters" jq_py "$LK_TMP/status.json" \
	"any(l['port']==51060 and l['transport']=='udp' and l['counters']=='sip' for l in d['listeners']) and d['sip']['received']['udp']>=1"
check "placeholder listeners (bound, not served yet) with their drop counters" jq_py "$LK_TMP/status.json" \
	"all(l['counters']=={'dropped':0,'closed':0} for l in d['listeners'] if l['service']=='bound-not-served')"
check "the Assent listener: bound, not implemented, its module's counters" jq_py "$LK_TMP/status.json" \
	"any(l['port']==51776 and l['service']=='bound-not-implemented' and l['counters']=='h323_assent' for l in d['listeners'])"
check "traversal zone 1, down" jq_py "$LK_TMP/status.json" \
	"d['zones'][0]['number']==1 and d['zones'][0]['state']=='down' and d['zones'][0]['role']=='server'"
check "bob's binding" jq_py "$LK_TMP/status.json" \
	"d['registrations']['sip']['bindings']==1 and d['registrations']['sip']['list'][0]['aor']=='sip:bob@lab.example'"
check "the gatekeeper's registrations" jq_py "$LK_TMP/status.json" \
	"d['registrations']['h323']['endpoints']==0"
check "the call with its two legs" jq_py "$LK_TMP/status.json" \
	"d['calls'][0]['call_id']=='mgmt-call-1@lab' and len(d['calls'][0]['legs'])==2"
check "media totals counted the packets" jq_py "$LK_TMP/status.json" \
	"d['media']['calls']==1 and d['media']['packets']>0"
check "TURN allocations" jq_py "$LK_TMP/status.json" "d['turn']['allocations']==0"
check "the ng listener" jq_py "$LK_TMP/status.json" \
	"d['ng']['port']==22501 and d['ng']['requests']>=2"

get /calls >"$LK_TMP/calls.json"
check "/calls lists the call" jq_py "$LK_TMP/calls.json" \
	"d['active']==1 and d['calls'][0]['call_id']=='mgmt-call-1@lab' and not d['truncated']"
get '/calls/mgmt-call-1%40lab' >"$LK_TMP/call1.json"
check "/calls/ID (percent-encoded) shows its legs" jq_py "$LK_TMP/call1.json" \
	"d['call_id']=='mgmt-call-1@lab' and sorted(l['side'] for l in d['legs'])==['A','B'] and any(l['packets_in']>0 for l in d['legs'])"
check "/calls/ID of no call: 404" test "$(code "${auth[@]}" "$base/calls/none")" = 404
get /registrations >"$LK_TMP/regs.json"
check "/registrations lists bob with his source" jq_py "$LK_TMP/regs.json" \
	"d['sip']['list'][0]['contact'].startswith('sip:bob@127.0.0.1') and d['sip']['list'][0]['transport']=='udp' and d['sip']['list'][0]['expires_in']>500"
get /ports >"$LK_TMP/ports.json"
"$LK_LATCHKEY" ports --json --config "$LK_TMP/d.conf" >"$LK_TMP/ports-cli.json"
check "/ports is what latchkey ports --json prints" cmp -s "$LK_TMP/ports.json" "$LK_TMP/ports-cli.json"
get / >"$LK_TMP/page.html"
check "/ is the HTML page" grep -q '<title>latchkey status</title>' "$LK_TMP/page.html"
check "the page loads nothing from elsewhere" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$LK_TMP/page.html'"
curl -s "$base/metrics" >"$LK_TMP/metrics.txt"

# --- metrics ----------------------------------------------------------------------
check "promtool check metrics accepts /metrics" \
	bash -c "promtool check metrics <'$LK_TMP/metrics.txt' >'$LK_TMP/promtool.txt' 2>&1"
cat "$LK_TMP/promtool.txt"
check "metrics count the forwarded packets" \
	grep -Eq '^latchkey_media_forwarded_packets_total [1-9]' "$LK_TMP/metrics.txt"
check "metrics show the call and the binding" bash -c \
	"grep -qx 'latchkey_media_calls 1' '$LK_TMP/metrics.txt' && grep -qx 'latchkey_sip_registrations 1' '$LK_TMP/metrics.txt'"
check "metrics show zone 1 down" grep -qx 'latchkey_zone_up{zone="1"} 0' "$LK_TMP/metrics.txt"
check "no label carries a call, a user or an address" bash -c \
	"! grep -Eq 'mgmt-call|bob|127\.0\.0\.1' '$LK_TMP/metrics.txt'"

# --- secrets ----------------------------------------------------------------------
for s in "$ZONE_PW" "$REG_PW" "$TURN_PW" "$TURN_SECRET" "$TOKEN"; do
	check "no document carries the secret ${s%%-*}" bash -c \
		"! grep -qF -- '$s' '$LK_TMP/status.json' '$LK_TMP/calls.json' '$LK_TMP/call1.json' '$LK_TMP/regs.json' '$LK_TMP/ports.json' '$LK_TMP/page.html' '$LK_TMP/metrics.txt'"
done

# --- latchkey status ----------------------------------------------------------------
out=$("$LK_LATCHKEY" status --config "$LK_TMP/d.conf") && rc=0 || rc=$?
check "latchkey status --config exits 0 (token from the file)" test "$rc" -eq 0
printf '%s\n' "$out"
check "status names the role" grep -q "^latchkey expressway 0\." <<<"$out"
check "status shows the digest" grep -q "sha256 $sha" <<<"$out"
check "status shows zone 1 down" grep -q "^  1 Traversal Zone 1 (server, TLS): down" <<<"$out"
check "status shows bob's binding" grep -q "^  sip:bob@lab.example -> sip:bob@127.0.0.1" <<<"$out"
check "status shows the call and its legs" bash -c \
	"grep -q '^calls: 1\$' <<<'$out' && grep -q '^  mgmt-call-1@lab, ' <<<'$out' && [ \$(grep -c '^    [AB] t[ab] audio: relay port ' <<<'$out') -eq 2 ]"
check "status shows media forwarded" grep -Eq "^media: [1-9][0-9]* packets" <<<"$out"
"$LK_LATCHKEY" status --json --config "$LK_TMP/d.conf" >"$LK_TMP/cli.json" && rc=0 || rc=$?
check "latchkey status --json exits 0" test "$rc" -eq 0
check "--json prints /status" jq_py "$LK_TMP/cli.json" "d['role']=='expressway' and d['calls'][0]['call_id']=='mgmt-call-1@lab'"
"$LK_LATCHKEY" status --url http://127.0.0.1:51080 >/dev/null 2>"$LK_TMP/cli.err" && rc=0 || rc=$?
check "without the token: exit 1" test "$rc" -eq 1
check "and it says how to give one" grep -q "answered 401 .*--token" "$LK_TMP/cli.err"
LATCHKEY_TOKEN=$TOKEN "$LK_LATCHKEY" status --url http://127.0.0.1:51080/ >/dev/null && rc=0 || rc=$?
check "\$LATCHKEY_TOKEN works" test "$rc" -eq 0
"$LK_LATCHKEY" status --url http://127.0.0.1:51998 >/dev/null 2>"$LK_TMP/cli.err" && rc=0 || rc=$?
check "nobody listening: exit 1" test "$rc" -eq 1
check "and it says where it asked" grep -q "no answer from http://127.0.0.1:51998/status" "$LK_TMP/cli.err"
"$LK_LATCHKEY" status --url ftp://x >/dev/null 2>&1 && rc=0 || rc=$?
check "a bad --url: exit 2" test "$rc" -eq 2

# --- a reload: a new digest, the time of the load ---------------------------------
conf "$LK_TMP/d.conf" "# reloaded"
kill -HUP "${pid[d]}"
check "SIGHUP reloads" lk_wait_log d "reload of .* done"
get /status >"$LK_TMP/status2.json"
sha2=$(sha256sum "$LK_TMP/d.conf" | cut -d' ' -f1)
check "the digest follows the reload" jq_py "$LK_TMP/status2.json" \
	"d['config']['sha256']=='$sha2' and d['config']['loads']==2 and '$sha2'!='$sha'"

# --- a management port that is taken stops management, not the relay -------------
# A Control (SIP and H.323 ports only) on other ports, same HTTP port.
cat >"$LK_TMP/e.conf" <<CONF
[System]
Role = control
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 51160
TCP port = 51160
TLS port = 51161
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 51119
[Protocols > H.323]
Call signaling TCP port = 51120
[Local Zone > Traversal Subzone]
Traversal Media port start = 51240
Traversal Media port end = 51259
[Session control]
Listen = 127.0.0.1:51999
[Management]
HTTP port = 51080
HTTPS port = 51444
CONF
lk_start e --config "$LK_TMP/e.conf"
check "a second daemon with the same HTTP port starts" lk_wait_log e "running \(pid"
check "it says which port and key" lk_has_log e \
	"mgmt: management: cannot listen on TCP 127\.0\.0\.1:51080 \(Management > HTTP port\): Address already in use"
check "and still serves HTTPS" \
	test "$(code -k https://127.0.0.1:51444/status)" = 200
lk_stop "${pid[e]}"
lk_stop "${pid[d]}"
check "the daemon stops cleanly" lk_has_log d "stopped"

check "d's log has no sanitizer report" bash -c \
	"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/d.log'"
check "e's log has no sanitizer report" bash -c \
	"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/e.log'"

lk_done
