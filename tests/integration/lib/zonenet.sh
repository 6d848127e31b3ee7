# tests/integration/lib/zonenet.sh  The H.323 zone tests' network: private LAN, a firewall, the DMZ.
# Sourced by h323_zone.sh and h323_zone_call.sh after lib/common.sh and
# lib/netns.sh, once they have set id, ns_ctl, ns_fw, ns_exp, ctl_ip,
# fw_lan, fw_dmz, exp_ip, zone_port, pcap and, for calls, alice_ip and
# bob_ip (each endpoint's address beside its relay's; unset: none).
#
#   $ns_ctl: ctl_ip/25 --- lan fw_lan/25  [$ns_fw]  dmz fw_dmz/25 --- exp_ip/25: $ns_exp
#
# The firewall (nftables, policy drop) lets through only what the seed's
# traversal tables open from the private network into the DMZ: the zone's
# RAS port, 1720 and 2777, the media range; replies; counters name each
# rule.  Nothing enters the private network from the DMZ: media that
# tries is counted apart (dmz_to_private_media).  Sets the EXIT/INT/TERM
# traps (lkz_cleanup keeps the logs and the capture in $LK_ZONE_LOGS when
# set); zone_net_up makes it all or skips/fails the test.

lkz_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	lk_watchdog_end
	lk_ns_stop_all
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for p in ctl exp; do
			[ -f "$LK_TMP/$p.log" ] && { echo "--- $p.log"; tail -n 60 "$LK_TMP/$p.log"; }
		done
	fi
	if [ -n "${LK_ZONE_LOGS:-}" ]; then
		mkdir -p "$LK_ZONE_LOGS"
		cp "$LK_TMP"/*.log "$LK_TMP"/*.conf "$LK_TMP"/*.txt "$LK_TMP"/*.json \
			"$pcap" "$LK_ZONE_LOGS"/ 2>/dev/null || true
	fi
	lk_cleanup
	exit "$rc"
}
trap lkz_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fw_counter() {	# fw_counter NAME: packets
	{ ip netns exec "$ns_fw" nft list counter inet lk_fw "$1" 2>/dev/null ||
		true; } | awk '$1 == "packets" { print $2 }'
}

setup_net() {
	local ns
	for ns in "$ns_ctl" "$ns_fw" "$ns_exp"; do
		lk_ns_add "$ns" || return 1
	done
	veth "$ns_fw" lan "$ns_ctl" eth0 &&
	veth "$ns_fw" dmz "$ns_exp" eth0 &&
	ip -n "$ns_fw" addr add "$fw_lan/25" dev lan &&
	ip -n "$ns_fw" addr add "$fw_dmz/25" dev dmz &&
	ip -n "$ns_ctl" addr add "$ctl_ip/25" dev eth0 &&
	{ [ -z "${alice_ip:-}" ] ||
		ip -n "$ns_ctl" addr add "$alice_ip/25" dev eth0; } &&
	ip -n "$ns_exp" addr add "$exp_ip/25" dev eth0 &&
	{ [ -z "${bob_ip:-}" ] ||
		ip -n "$ns_exp" addr add "$bob_ip/25" dev eth0; } &&
	ip -n "$ns_ctl" route add 198.51.100.0/25 via "$fw_lan" &&
	ip -n "$ns_exp" route add 192.0.2.0/25 via "$fw_dmz" &&
	ip netns exec "$ns_fw" sysctl -q -w net.ipv4.ip_forward=1 &&
	for ns in "$ns_ctl" "$ns_exp"; do
		ip netns exec "$ns" sysctl -q -w \
			net.ipv4.ip_local_port_range="30000 35999" || return 1
	done &&
	ip netns exec "$ns_fw" nft -f - <<NFT
table inet lk_fw {
	counter zone_ras_new { }
	counter private_to_dmz_new { }
	counter dmz_to_private_new { }
	counter dmz_to_private_media { }
	counter other_dropped { }
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan" oifname "dmz" ip daddr $exp_ip udp dport $zone_port ct state new counter name zone_ras_new accept
		iifname "lan" oifname "dmz" ip daddr $exp_ip tcp dport { 1720, 2777 } ct state new counter name private_to_dmz_new accept
		iifname "lan" oifname "dmz" ip daddr $exp_ip udp dport 36000-59999 ct state new counter name private_to_dmz_new accept
		iifname "dmz" oifname "lan" udp sport 36000-36999 udp dport 36000-36999 counter name dmz_to_private_media drop
		iifname "dmz" oifname "lan" counter name dmz_to_private_new drop
		counter name other_dropped drop
	}
}
NFT
}
zone_net_up() {
	if ! setup_net 2>"$LK_TMP/net.err"; then
		cat "$LK_TMP/net.err"
		grep -qi 'operation not permitted' "$LK_TMP/net.err" &&
			lk_skip "cannot create network namespaces here"
		lk_fatal "namespaces, links and the firewall's rules are set up"
	fi
	ok "three namespaces (lkz-$id-*) and the firewall's rules are set up"
}
