#!/usr/bin/env bash
# tests/integration/mgmt_page.sh  The status page in a real browser (headless chromium) with a call in progress.
source "$(dirname "$0")/lib/common.sh"
lk_reserve_ports 51000-51999	# this test's block (docs/management.md)

browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
	not_ok "chromium is not installed (bootstrap.sh test installs it)"
	lk_done || exit 1
fi

# Ports of the management block 51000-51999 (docs/management.md).
cat >"$LK_TMP/d.conf" <<CONF
[System]
Address = 127.0.0.1
[Protocols > SIP]
UDP port = 51560
TCP port = 51560
TLS port = 51561
[Protocols > H.323 > Gatekeeper]
Registration UDP port = 51519
Call signaling port range start = 51840
Call signaling port range end = 51859
[Protocols > H.323]
Call signaling TCP port = 51520
[Traversal > Ports]
H.323 Assent call signaling port = 51576
H.323 H.460.18 call signaling port = 51577
[Local Zone > Traversal Subzone]
Traversal Media port start = 51640
Traversal Media port end = 51659
[TURN]
TURN services = no
[Zones > Traversal Zone 1]
SIP port = 51703
H.323 port = 51603
Username = zone1
Password = zonepw-page-never-shown
[Session control]
Listen = 127.0.0.1:51998
[Management]
HTTP port = 51580
HTTPS port = 51581
CONF

lk_start d --config "$LK_TMP/d.conf"
check "daemon starts" lk_wait_log d "running \(pid"
python3 "$LK_LIB/ng_call.py" 127.0.0.1:51998 'page-call-7@lab' 20 >"$LK_TMP/call.json"
check "a call is set up over ng, media flows" grep -q '"answer": "ok"' "$LK_TMP/call.json"
python3 "$LK_LIB/sip_register.py" 51560 carol lab.example >"$LK_TMP/reg.txt" || true
check "carol registers" grep -q "SIP/2.0 200" "$LK_TMP/reg.txt"

# Chromium runs the page's script and its fetch of /status; the virtual
# time budget lets that finish before the DOM is dumped (the page's next
# refresh is 5 s away, past the budget).  --no-sandbox: tests run as root.
chrome() {
	"$browser" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --disable-background-networking \
		--user-data-dir="$LK_TMP/chromium" --virtual-time-budget=3000 \
		"$@" 2>>"$LK_TMP/chromium.log"
}
chrome --dump-dom http://127.0.0.1:51580/ >"$LK_TMP/dom.html" || true
check "chromium dumped the page" grep -q '<title>latchkey status</title>' "$LK_TMP/dom.html"
python3 - "$LK_TMP/dom.html" >"$LK_TMP/dom.txt" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    """The text of elements with an id, and of table cells by row."""
    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.rows, self.row = [], {}, [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(a.get("id"))
        if tag == "tr":
            self.row = [a.get("data-call-id") or a.get("data-zone") or ""]
            self.rows.append(self.row)
    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()
        if tag == "tr":
            self.row = None
    def handle_data(self, d):
        for i in self.stack:
            if i:
                self.ids[i] = self.ids.get(i, "") + d
        if self.row is not None and self.stack and d.strip():
            self.row.append(d.strip())
p = P()
p.feed(open(sys.argv[1]).read())
for k in ("role", "ncalls", "sipregs", "h323regs", "err", "pkts", "turn"):
    print("%s=%s" % (k, p.ids.get(k, "").strip()))
for r in p.rows:
    print("row " + "|".join(r))
PY
cat "$LK_TMP/dom.txt"
check "the page shows the role" grep -qx "role=expressway" "$LK_TMP/dom.txt"
check "no fetch error on the page" grep -qx "err=" "$LK_TMP/dom.txt"
check "the page counts one call" grep -qx "ncalls=1" "$LK_TMP/dom.txt"
check "the call's two legs are rows, with the call-id" \
	test "$(grep -c '^row page-call-7@lab|page-call-7@lab|' "$LK_TMP/dom.txt")" -eq 2
check "a leg shows it latched and its packets" \
	grep -Eq '^row page-call-7@lab[|].*[|]latched on [A-Za-z]+[|][1-9][0-9]*[|][1-9][0-9]*$' "$LK_TMP/dom.txt"
check "the page counts carol's registration" grep -qx "sipregs=1" "$LK_TMP/dom.txt"
check "and lists it" grep -Eq '^row [|]sip:carol@lab.example[|]sip:carol@127.0.0.1:[0-9]+[|]udp[|]' "$LK_TMP/dom.txt"
check "drops list only non-zero reasons" bash -c "! grep -Eq '^row [|](media|SIP) [a-z_]+[|]0$' '$LK_TMP/dom.txt'"
check "zone 1 is shown down" grep -q '^row 1|1|Traversal Zone 1|server|down|' "$LK_TMP/dom.txt"
check "media totals are shown" grep -Eq '^pkts=[1-9][0-9]* packets, ' "$LK_TMP/dom.txt"
check "TURN is shown off" grep -qx "turn=off" "$LK_TMP/dom.txt"
check "the zone password is nowhere on the page" \
	bash -c "! grep -q 'zonepw-page' '$LK_TMP/dom.html'"

# A screenshot, as docs/status-page.png was made (docs/management.md).
chrome --screenshot="$LK_TMP/page.png" --window-size=1100,900 \
	http://127.0.0.1:51580/ >/dev/null || true
check "chromium took a screenshot" test -s "$LK_TMP/page.png"
[ -z "${LK_KEEP_SCREENSHOT:-}" ] || cp "$LK_TMP/page.png" "$LK_KEEP_SCREENSHOT"

lk_stop "${pid[d]}"
check "d's log has no sanitizer report" bash -c \
	"! grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' '$LK_TMP/d.log'"

lk_done
