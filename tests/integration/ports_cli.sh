#!/bin/bash
# tests/integration/ports_cli.sh  latchkey's CLI and `latchkey ports`: options, errors, config overrides, JSON.
#
# Runs the real binary ($LK_LATCHKEY) the way an operator does.  Every
# check runs; the script fails at the end if any did.

set -u

LK=${LK_LATCHKEY:?LK_LATCHKEY must name the latchkey binary}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
rc=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# run ARGS...: stdout in $tmp/out, stderr in $tmp/err, status in $rc.
run() {
	"$LK" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

expect_rc() {
	[ "$rc" -eq "$1" ] ||
		fail "$2: exit status $rc, expected $1; stderr: $(head -3 "$tmp/err")"
}

# out_has / out_lacks / err_has: fixed strings; out_match: extended regex.
out_has() {
	grep -qF -- "$1" "$tmp/out" || fail "$2: output lacks '$1'"
}
out_lacks() {
	! grep -qF -- "$1" "$tmp/out" || fail "$2: output has '$1'"
}
out_match() {
	grep -qE -- "$1" "$tmp/out" || fail "$2: no output line matches /$1/"
}
out_lacks_re() {
	! grep -qE -- "$1" "$tmp/out" || fail "$2: a line matches /$1/: $(grep -m1 -E -- "$1" "$tmp/out")"
}
err_has() {
	grep -qF -- "$1" "$tmp/err" || fail "$2: stderr lacks '$1': $(head -3 "$tmp/err")"
}

conf() {
	printf '%b' "$2" >"$tmp/$1"
	echo "$tmp/$1"
}

# --- The program ------------------------------------------------------

run --help
expect_rc 0 "--help"
out_has "usage: latchkey" "--help"
out_has "ports" "--help lists the ports command"

run --version
expect_rc 0 "--version"
out_match '^latchkey [0-9]+\.[0-9]+\.[0-9]+' "--version"

run
expect_rc 2 "no command"
err_has "usage: latchkey" "no command prints the usage"

run frobnicate
expect_rc 2 "unknown command"
err_has "unknown command 'frobnicate'" "unknown command"
err_has "latchkey --help" "unknown command points at --help"

run --frobnicate
expect_rc 2 "unknown global option"
err_has "unknown option '--frobnicate'" "unknown global option"

run help ports
expect_rc 0 "help ports"
out_has "usage: latchkey ports" "help ports"

# --- latchkey ports: the command line ----------------------------------

run ports --help
expect_rc 0 "ports --help"
out_has "--config FILE" "ports --help"
out_has "--role" "ports --help"
out_has "--json" "ports --help"

run ports --frobnicate
expect_rc 2 "ports unknown option"
err_has "unknown option '--frobnicate'" "ports unknown option"
err_has "latchkey ports --help" "ports unknown option points at its help"

run ports -x
expect_rc 2 "ports unknown short option"
err_has "unknown option '-x'" "ports unknown short option"

run ports --config
expect_rc 2 "ports --config without a file"
err_has "'--config' needs a value" "ports --config without a file"

run ports --role admin
expect_rc 2 "ports bad role"
err_has "unknown role 'admin'" "ports bad role"
err_has "control, expressway, all" "ports bad role lists the valid ones"

run ports extra
expect_rc 2 "ports stray argument"
err_has "unexpected argument 'extra'" "ports stray argument"

# --- The seed's defaults -----------------------------------------------

run ports
expect_rc 0 "ports"
out_has "SIP traversal call  [sip-traversal]" "defaults"
out_match 'SIP signaling +TCP +A +25000 to 29999 +B +7001 +yes$' "SIP traversal TCP A -> B"
out_match 'Assent RTP \(traversal media\) +UDP +Y_C +36002 to 59998 +Y_E +36000 +yes$' "H.323 Assent RTP"
out_match 'Assent RTCP \(traversal media\) +UDP +Y_C +36003 to 59999 +Y_E +36001 +yes$' "H.323 Assent RTCP"
out_match 'TURN server control +UDP +M +>= 1024 +R +3478 +yes$' "ICE TURN control (served)"
out_match 'Initial RAS connection +UDP +R_C +1719 +D +6001 +yes$' "H.323 RAS to zone 1 (served: signalling/h323/zone.c)"
out_match 'Active Directory direct +UDP +Ve +30000 to 35999 +53 +-$' "AD over UDP from Ve"
out_match '^ +TCP +Ue +30000 to 35999 +445 or 139 +-$' "AD over TCP from Ue"
out_has "Zones > Traversal Zone 1 > SIP port" "legend names the key"
out_has "!1   = differs from the seed" "deviations are marked"
if awk 'length($0) > 100 { exit 1 }' "$tmp/out"; then :; else
	fail "text output has lines over 100 columns"
fi
nsect=$(grep -cE '  \[[a-z0-9-]+\]$' "$tmp/out")
[ "$nsect" -eq 31 ] || fail "expected the seed's 31 tables, got $nsect"

# --- Configuration flows through ----------------------------------------

f=$(conf media.conf '[Local Zone > Traversal Subzone]\nTraversal Media port start = 40000\n')
run ports --config "$f"
expect_rc 0 "media start 40000"
out_has "port matrix from configuration $f" "header names the file"
out_match 'RTP +UDP +Y_E +40002 to 59998 ' "media start 40000: RTP"
out_match 'RTCP +UDP +Y_E +40003 to 59999 ' "media start 40000: RTCP"
out_match 'Y_E +40000 to 40001 +yes$' "media start 40000: mux ports"
out_lacks_re '(UDP|TCP|TLS) .*Y_[CE] +36' "media start 40000: no media cell left at 36000"

f=$(conf upgraded.conf '[System]\nRelease defaults = upgraded\n')
run ports -c "$f"
expect_rc 0 "upgraded"
out_has "release defaults upgraded" "upgraded header"
out_has "50002 to 54998" "upgraded media"
out_has "60000 to 61799" "upgraded TURN relay"
out_match 'SSH \(HTTP/S tunnels\) +TCP +E +40000 to 49999 !1' "upgraded ephemeral, Jabber Guest *1 marked"
out_lacks_re '(UDP|TCP|TLS) .*Y_[CE] +36' "upgraded: no new-install media range"

f=$(conf large.conf '[System]\nSystem size = large\n[TURN]\nTURN requests port end = 3483\n')
run ports --config="$f"
expect_rc 0 "large"
out_has "3478 to 3483" "large TURN range"
out_match 'Y_E +36000 to 36011 +yes$' "large: 12 mux ports"
out_match 'Y_E +36000 to 36010 +yes$' "large: mux RTP"
out_has "36012 to 59998" "large: media after the mux ports"

f=$(conf zones.conf '[Zones]\nTraversal zone count = 2\n')
run ports --config "$f"
expect_rc 0 "two zones"
out_has "7002 (zone 2)" "zone 2 SIP port"
out_has "6002 (zone 2)" "zone 2 H.323 port"
out_has "Zones > Traversal Zone 2 > SIP port" "zone 2 key"

f=$(conf preX8.conf '[System]\nRelease defaults = pre-x8\n')
run ports --config "$f"
expect_rc 0 "pre-x8"
out_match 'Y_E +2776 +yes$' "pre-x8 mux RTP"
out_match 'Y_E +2777 +yes$' "pre-x8 mux RTCP"

f=$(conf noturn.conf '[TURN]\nTURN services = no\n')
run ports --config "$f"
expect_rc 0 "TURN off"
out_match 'R +3478  \[off\] +yes$' "TURN rows marked off"

# --- Roles ---------------------------------------------------------------

run ports --role control
expect_rc 0 "role control"
out_has "[sip-internal]" "control has SIP internal"
out_has "[sip-traversal]" "control has SIP traversal"
out_lacks "[sip-public]" "control lacks SIP public"

run ports --role=expressway
expect_rc 0 "role expressway"
out_has "[sip-public]" "expressway has SIP public"
out_has "[sip-traversal]" "expressway has SIP traversal"
out_lacks "[sip-internal]" "expressway lacks SIP internal"

run ports -r all
expect_rc 0 "role all"
out_has "[sip-internal]" "all has SIP internal"
out_has "[sip-public]" "all has SIP public"

# --- Bad configuration ----------------------------------------------------

f=$(conf bad.conf '[Protocols > SIP]\nTCP outbound port start = 99999\n')
run ports --config "$f"
expect_rc 1 "bad value"
err_has "error: $f:2:" "bad value: file and line"
err_has "1 error in the configuration" "bad value: summary"
[ ! -s "$tmp/out" ] || fail "bad value: printed a matrix anyway"

f=$(conf typo.conf '[Protocols > SIP]\nTCP outbund port start = 26000\n')
run ports --config "$f"
expect_rc 1 "unknown key"
err_has "did you mean \"TCP outbound port start\"" "unknown key: suggestion"

run ports --config "$tmp/missing.conf"
expect_rc 1 "missing file"
err_has "cannot open" "missing file"
# Issue 9: said once, naming the program and the file.
[ "$(cat "$tmp/err")" = "latchkey ports: $tmp/missing.conf: cannot open: No such file or directory" ] ||
	fail "missing file: stderr is not the one message: $(cat "$tmp/err")"

# Issue 9: one mistake, one error; a misspelt section says so.
f=$(conf reversed.conf '[Local Zone > Traversal Subzone]\nTraversal Media port start = 59999\nTraversal Media port end = 36000\n')
run ports --config "$f"
expect_rc 1 "reversed media range"
[ "$(grep -c '^error: ' "$tmp/err")" -eq 1 ] ||
	fail "reversed media range: not one error: $(cat "$tmp/err")"
err_has "1 error in the configuration" "reversed media range: count"
f=$(conf big.conf '[Local Zone > Traversal Subzone]\nTraversal Media port end = 70001\n')
run ports --config "$f"
[ "$(grep -c '^error: ' "$tmp/err")" -eq 1 ] ||
	fail "media end 70001: not one error: $(cat "$tmp/err")"
f=$(conf sysetm.conf '[Sysetm]\nRole = control\n')
run ports --config "$f"
err_has "error: $f:1: unknown section [Sysetm]; did you mean [System]?" "misspelt section"
[ "$(grep -c '^error: ' "$tmp/err")" -eq 1 ] ||
	fail "misspelt section: not one error: $(cat "$tmp/err")"

# Issue 9: which rows latchkeyd serves, in JSON too.
run ports --json
python3 - "$tmp/out" <<'PY' || fail "ports --json: latchkeyd member"
import json, sys
rows = json.load(open(sys.argv[1]))
def one(purpose, port):
    return [r["latchkeyd"] for r in rows if r["purpose"] == purpose and
            any(p["start"] == port for p in r["dst"]["ports"])]
assert all("latchkeyd" in r for r in rows), "a row lacks latchkeyd"
assert set(r["latchkeyd"] for r in rows) <= {"served", "bound-not-served",
    "not-served-yet", "not-latchkeyd", "bound-not-implemented"}, \
    "unknown latchkeyd value"
assert set(one("Q 931 / H.225 signaling", 2776)) == {"bound-not-implemented"}, \
    one("Q 931 / H.225 signaling", 2776)
assert set(one("Initial RAS connection", 6001)) == {"served"}, one("Initial RAS connection", 6001)
assert "served" in one("SIP signaling", 7001), one("SIP signaling", 7001)
assert set(one("ssh", 22)) == {"not-latchkeyd"}, one("ssh", 22)
assert "served" in one("TURN server media", 24000), one("TURN server media", 24000)
PY

# Issue 9: the warnings of a configuration are the daemon's; the port
# matrix, text or JSON, prints none (the defaults have one).
run ports
expect_rc 0 "defaults"
[ ! -s "$tmp/err" ] || fail "ports: stderr not empty: $(cat "$tmp/err")"
run ports --json
[ ! -s "$tmp/err" ] || fail "ports --json: stderr not empty: $(cat "$tmp/err")"

# --- JSON ------------------------------------------------------------------

json_check() {
	# $1: file, $2: label
	if command -v python3 >/dev/null 2>&1; then
		python3 -m json.tool "$1" >/dev/null ||
			{ fail "$2: python3 -m json.tool rejects it"; return; }
		return 0
	fi
	if command -v jq >/dev/null 2>&1; then
		jq empty "$1" || { fail "$2: jq rejects it"; return; }
		return 0
	fi
	# Neither tool: at least the shape latchkey promises, one entry a line.
	echo "note: no python3 or jq; checking $2 by its shape only" >&2
	head -1 "$1" | grep -qx '\[' || fail "$2: does not open with ["
	tail -1 "$1" | grep -qx '\]' || fail "$2: does not close with ]"
	if sed '1d;$d' "$1" | grep -vqE '^  \{"section":".*\}\}?,?$'; then
		fail "$2: a line is not an entry"
	fi
}

run ports --json
expect_rc 0 "json"
cp "$tmp/out" "$tmp/all.json"
json_check "$tmp/all.json" "ports --json"
n=$(grep -c '{"section":' "$tmp/all.json")
[ "$n" -eq 157 ] || fail "json: expected 157 entries at the defaults, got $n"

run ports --json --role control
expect_rc 0 "json control"
json_check "$tmp/out" "ports --json --role control"
! grep -q '"section":"sip-public"' "$tmp/out" || fail "json control has sip-public"

f=$(conf media.conf '[Local Zone > Traversal Subzone]\nTraversal Media port start = 40000\n')
run ports --json --config "$f"
expect_rc 0 "json media"
json_check "$tmp/out" "ports --json with media start 40000"
grep -q '"ports":\[{"start":40002,"end":59998,"step":2}\]' "$tmp/out" ||
	fail "json media: no RTP range 40002-59998"

if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/all.json" <<'EOF' || fail "json: structure"
import json, sys
entries = json.load(open(sys.argv[1]))
assert isinstance(entries, list) and len(entries) == 157, len(entries)
for e in entries:
    for k in ("section", "title", "row", "purpose", "direction",
              "transport", "traversal_zone", "src", "dst", "off"):
        assert k in e, (k, e)
    assert e["transport"] in ("UDP", "TCP", "TLS"), e
    for side in (e["src"], e["dst"]):
        for k in ("side", "role", "net", "letter", "kind", "keys",
                  "ports", "typical", "text", "source", "deviation"):
            assert k in side, (k, side)
        for r in side["ports"]:
            assert 1 <= r["start"] <= r["end"] <= 65535, r
            assert r["step"] in (1, 2), r
        if side["kind"] not in ("fixed", "any"):
            assert side["keys"], side
trav = [e for e in entries if e["section"] == "sip-traversal"
        and e["transport"] == "TCP"]
assert len(trav) == 1, trav
assert trav[0]["dst"]["ports"] == [{"start": 7001, "end": 7001, "step": 1}]
assert trav[0]["dst"]["keys"] == ["Zones > Traversal Zone 1 > SIP port"]
assert trav[0]["direction"]["firewall"] == "Private to DMZ"
devs = [e for e in entries if e["src"]["deviation"] or e["dst"]["deviation"]]
assert len(devs) == 11, len(devs)
EOF
fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "ports_cli: all checks passed"
