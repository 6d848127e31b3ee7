#!/usr/bin/env bash
# tests/integration/firewall_cli.sh  latchkey firewall: nft and iptables accept every generated ruleset, and a router loaded with one lets exactly the seed's flows through.
#
# Needs root (network namespaces), nft and iptables-restore; under CI a
# missing one fails.  Addresses 192.0.2.0/24 (private), 198.51.100.0/24
# (DMZ) live only in namespaces this test creates.
source "$(dirname "$0")/lib/common.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v nft >/dev/null ||
	! command -v iptables-restore >/dev/null; then
	[ -n "${CI:-}" ] && { echo "FAIL needs root, nft, iptables-restore"; exit 1; }
	echo "skipped: needs root, nft and iptables-restore"
	exit 77
fi
lk_watchdog 120

LK=$LK_LATCHKEY
pfx=lkfw-$$
lk_ns_reap lkfw

conf() {	# conf NAME TEXT: a configuration file, path on stdout
	printf '%b' "$2" >"$LK_TMP/$1"
	echo "$LK_TMP/$1"
}
# fw OUT ARGS...: run latchkey firewall, stdout to OUT, status in $rc
fw() {
	local out=$1
	shift
	rc=0
	"$LK" firewall "$@" >"$out" 2>"$LK_TMP/fw.err" || rc=$?
}
nft_ok() {	# nft_ok FILE: nft parses and checks it, in a namespace of ours
	ip netns exec "$pfx-chk" nft -c -f "$1" 2>"$LK_TMP/nft.err" ||
		{ cat "$LK_TMP/nft.err"; return 1; }
}
lk_ns_add "$pfx-chk"

ctl=$(conf ctl.conf '[System]\nRole = control\nAddress = 192.0.2.2\n[Zones > Traversal Zone 1]\nPeer address = 198.51.100.2\nUsername = zone1\nPassword = s3cret\n')
exp=$(conf exp.conf '[System]\nRole = expressway\nAddress = 198.51.100.2\n[Zones > Traversal Zone 1]\nUsername = zone1\nPassword = s3cret\n')

# --- every size and release-default set: nft accepts it ---------------------
for size in small medium large; do
	for rel in new upgraded pre-x8; do
		f=$(conf "$size-$rel.conf" "[System]\nRole = expressway\nAddress = 198.51.100.2\nSystem size = $size\nRelease defaults = $rel\n")
		fw "$LK_TMP/$size-$rel.nft" --config "$f" \
			--control-address 192.0.2.2 --management 192.0.2.100
		check "$size/$rel: exit 0" test "$rc" -eq 0
		check "$size/$rel: nft -c accepts the ruleset" \
			nft_ok "$LK_TMP/$size-$rel.nft"
		fw "$LK_TMP/$size-$rel.ipt" --format iptables --config "$f" \
			--control-address 192.0.2.2 --management 192.0.2.100
		check "$size/$rel: iptables-restore --test accepts the rules" \
			ip netns exec "$pfx-chk" iptables-restore --test \
			"$LK_TMP/$size-$rel.ipt"
	done
done
# Large: 12 multiplexed media ports (36000-36011), seed footnote ***.
check "large: the mux set holds 36000-36011" \
	grep -q 'elements = { 36000-36011 }' "$LK_TMP/large-new.nft"
check "small: the mux ports are 36000 and 36001" \
	grep -qE 'udp dport 3600[01] ' "$LK_TMP/small-new.nft"
check "upgraded: TURN relays 60000-61799" \
	grep -q '60000-61799' "$LK_TMP/small-upgraded.nft"

noturn=$(conf noturn.conf '[System]\nRole = expressway\nAddress = 198.51.100.2\n[TURN]\nTURN services = no\n')
fw "$LK_TMP/noturn.nft" --config "$noturn" --control-address 192.0.2.2
check "TURN off: no TURN row" bash -c "grep -q 'TURN' '$LK_TMP/small-new.nft' && ! grep -q 'TURN' '$LK_TMP/noturn.nft'"

# --- both roles' files ------------------------------------------------------
fw "$LK_TMP/both.nft" --control "$ctl" --expressway "$exp"
check "two configurations: exit 0" test "$rc" -eq 0
check "two configurations: nft -c accepts" nft_ok "$LK_TMP/both.nft"
check "SIP traversal zone: the Control's 25000-29999 to the Expressway's 7001 over TLS" \
	grep -qE 'ip saddr 192\.0\.2\.2 ip daddr 198\.51\.100\.2 tcp sport @tcp_outbound_port tcp dport 7001 ct state new counter accept comment "seed: SIP traversal call, row 1 B zone 1 \(Private to DMZ\): SIP signaling, TLS"' "$LK_TMP/both.nft"
check "traversal media: RTP from the Control's even media ports to the mux RTP port" \
	grep -qE 'ip saddr 192\.0\.2\.2 ip daddr 198\.51\.100\.2 udp sport @media_rtp udp sport & 1 == 0 udp dport 36000 .*Assent RTP' "$LK_TMP/both.nft"
check "every rule counts and names its seed row" \
	bash -c "! grep -E 'accept' '$LK_TMP/both.nft' | grep -v 'ct state established' | grep -vE 'counter accept comment \"seed: '"
check "a counted default drop closes the chain" \
	grep -q 'counter drop comment "default: not in the seed' "$LK_TMP/both.nft"
check "nothing is opened from the DMZ to the Control's SIP or media" \
	bash -c "! grep -E 'ip saddr 198\.51\.100\.2 ip daddr 192\.0\.2\.2' '$LK_TMP/both.nft'"
check "rows needing a management address say which option gives it" \
	grep -q 'skipped (no address for Management system: --management)' \
	"$LK_TMP/both.nft"
check "Unified Communications rows are left out without --all-rows" \
	bash -c "! grep -q 'Unified Communications' '$LK_TMP/both.nft'"
fw "$LK_TMP/all.nft" --control "$ctl" --expressway "$exp" --all-rows \
	--uc-servers 192.0.2.50 --management 192.0.2.100 --tms 192.0.2.101 \
	--dns 203.0.113.53
check "--all-rows adds them" grep -q 'Unified Communications' "$LK_TMP/all.nft"
check "--all-rows: nft -c accepts" nft_ok "$LK_TMP/all.nft"

fw "$LK_TMP/inner.nft" --control "$ctl" --expressway "$exp" --box inner
check "--box inner: private <-> DMZ only" \
	bash -c "grep -q 'Private to DMZ' '$LK_TMP/inner.nft' && ! grep -qi 'to internet\|internet to' '$LK_TMP/inner.nft'"
fw "$LK_TMP/outer.nft" --control "$ctl" --expressway "$exp" --box outer
check "--box outer: DMZ <-> internet only" \
	bash -c "grep -q 'DMZ to Internet' '$LK_TMP/outer.nft' && ! grep -q 'Private to DMZ' '$LK_TMP/outer.nft'"
fw "$LK_TMP/v6.nft" --config "$exp" --expressway-address 2001:db8::2 \
	--control-address 2001:db8:1::2
check "IPv6 addresses: ip6 matches, nft -c accepts" \
	bash -c "grep -q 'ip6 saddr 2001:db8:1::2' '$LK_TMP/v6.nft' && ip netns exec '$pfx-chk' nft -c -f '$LK_TMP/v6.nft'"

# --- errors -----------------------------------------------------------------
fw "$LK_TMP/x" --config "$exp" --management 192.0.2.1,2001:db8::1
check "an address list of two families: exit 1" test "$rc" -eq 1
check "... and says why" grep -q 'one family' "$LK_TMP/fw.err"
fw "$LK_TMP/x" --config "$exp" --management not-an-address
check "not an address: exit 1" test "$rc" -eq 1
fw "$LK_TMP/x" --box middle
check "unknown box: exit 2 with a pointer to help" \
	bash -c "[ $rc -eq 2 ] && grep -q \"see 'latchkey firewall --help'\" '$LK_TMP/fw.err'"
fw "$LK_TMP/x" --control "$exp"
check "--control with an Expressway's file: exit 1, says the role" \
	bash -c "[ $rc -eq 1 ] && grep -q 'role is expressway, not control' '$LK_TMP/fw.err'"
fw "$LK_TMP/x" --help
check "--help: exit 0, usage" bash -c "[ $rc -eq 0 ] && grep -q '^usage: latchkey firewall' '$LK_TMP/x'"

# --- a router loaded with the rules: the seed's flows pass, others do not ---
# private ns (192.0.2.2, the Control) -- router -- dmz ns (198.51.100.2).
for n in priv rtr dmz; do lk_ns_add "$pfx-$n"; done
ip link add "$pfx-p0" netns "$pfx-priv" type veth peer name p1 netns "$pfx-rtr"
ip link add "$pfx-d0" netns "$pfx-dmz" type veth peer name d1 netns "$pfx-rtr"
ip -n "$pfx-priv" addr add 192.0.2.2/24 dev "$pfx-p0"
ip -n "$pfx-priv" link set "$pfx-p0" up
ip -n "$pfx-priv" route add default via 192.0.2.1
ip -n "$pfx-dmz" addr add 198.51.100.2/24 dev "$pfx-d0"
ip -n "$pfx-dmz" link set "$pfx-d0" up
ip -n "$pfx-dmz" route add default via 198.51.100.1
ip -n "$pfx-rtr" addr add 192.0.2.1/24 dev p1
ip -n "$pfx-rtr" addr add 198.51.100.1/24 dev d1
ip -n "$pfx-rtr" link set p1 up
ip -n "$pfx-rtr" link set d1 up
ip netns exec "$pfx-rtr" sysctl -qw net.ipv4.ip_forward=1
# Interfaces too: without them a private host would pass as an internet
# endpoint, whose rules have no source address.
fw "$LK_TMP/router.nft" --control "$ctl" --expressway "$exp" \
	--private-if p1 --dmz-if d1 --internet-if i1
check "with interfaces every rule names where its flow enters and leaves" \
	bash -c "! grep 'ct state new' '$LK_TMP/router.nft' | grep -v 'iifname \"[pdi]1\" oifname \"[pdi]1\"'"
check "the router loads the generated ruleset" \
	ip netns exec "$pfx-rtr" nft -f "$LK_TMP/router.nft"

# A TCP listener on the Expressway's 7001 and a UDP sink on 36000.
ip netns exec "$pfx-dmz" python3 - <<'PY' &
import select, socket, time
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("198.51.100.2", 7001)); t.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("198.51.100.2", 36000))
end = time.time() + 60
while time.time() < end:
    r, _, _ = select.select([t, u], [], [], 0.5)
    for s in r:
        if s is t:
            c, _ = t.accept(); c.close()
        else:
            d, a = u.recvfrom(2048); u.sendto(d, a)
PY
LK_PIDS+=($!)
sleep 0.5

probe() {	# probe tcp|udp SPORT DPORT: exit 0 when the flow got through
	ip netns exec "$pfx-priv" python3 - "$@" <<'PY'
import socket, sys
proto, sport, dport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.2", sport)); s.settimeout(1.0)
try:
    if proto == "tcp":
        s.connect(("198.51.100.2", dport))
    else:
        s.sendto(b"\x80\x00\x00\x01" + bytes(8), ("198.51.100.2", dport))
        s.recvfrom(2048)
except OSError:
    sys.exit(1)
PY
}
blocked() { ! probe "$@"; }
counter_of() {	# counter_of REGEX: packets of the first rule whose line matches
	ip netns exec "$pfx-rtr" nft list chain inet latchkey forward |
		grep -E -- "$1" | head -1 | sed -nE 's/.*counter packets ([0-9]+).*/\1/p'
}
check "zone connection: Control 25001 -> Expressway 7001/tcp passes" probe tcp 25001 7001
n=$(counter_of 'tcp dport 7001 .*SIP signaling, TCP')
check "... and its rule counted it (${n:-?} packets)" in_range "${n:-0}" 1 100
check "from a port outside 25000-29999 it is blocked" blocked tcp 40001 7001
check "traversal RTP: Control 36010 (even) -> Expressway 36000/udp passes both ways" probe udp 36010 36000
check "from a port outside the media range to the mux port it is blocked" \
	blocked udp 30001 36000
drops=$(counter_of 'default: not in the seed')
check "the default drop counted the blocked flows (${drops:-?})" \
	in_range "${drops:-0}" 2 1000000

lk_done
