# tests/integration/lib/h460net.sh  The H.460 tests' network: the Expressway's DMZ, a port-changing NAT that lets nothing in, the endpoint behind it.
# Sourced after lib/common.sh and lib/netns.sh.  h460_net_names PREFIX
# sets ns_exp, ns_nat, ns_ep (PREFIX-PID-exp ...), exp_ip, nat_pub,
# nat_lan, ep_ip, nat_lo, nat_hi.
#
#   $ns_exp: exp_ip/25 --- wan nat_pub/25  [$ns_nat]  lan nat_lan/25 --- ep_ip/25: $ns_ep
#
# The NAT snats lan -> wan to nat_pub:nat_lo-nat_hi and forwards lan ->
# wan and the replies only (nftables, policy drop); counter
# "wan_to_lan_new" counts whatever else comes in.  The Expressway has no
# route to the endpoint's network.
h460_net_names() {	# h460_net_names PREFIX
	ns_exp=$1-$$-exp
	ns_nat=$1-$$-nat
	ns_ep=$1-$$-ep
	exp_ip=198.51.100.2
	nat_pub=198.51.100.3
	nat_lan=203.0.113.1
	ep_ip=203.0.113.10
	nat_lo=40000
	nat_hi=40999
}

h460_net_setup() {
	lk_ns_add "$ns_exp" && lk_ns_add "$ns_nat" && lk_ns_add "$ns_ep" &&
	veth "$ns_exp" eth0 "$ns_nat" wan &&
	ip -n "$ns_exp" addr add "$exp_ip/25" dev eth0 &&
	ip -n "$ns_nat" addr add "$nat_pub/25" dev wan &&
	veth "$ns_nat" lan "$ns_ep" eth0 &&
	ip -n "$ns_nat" addr add "$nat_lan/25" dev lan &&
	ip -n "$ns_ep" addr add "$ep_ip/25" dev eth0 &&
	ip -n "$ns_ep" route add default via "$nat_lan" &&
	ip netns exec "$ns_nat" sysctl -q -w net.ipv4.ip_forward=1 &&
	ip netns exec "$ns_exp" sysctl -q -w \
		net.ipv4.ip_local_port_range="30000 35999" &&
	ip netns exec "$ns_nat" nft -f - <<NFT
table ip lk_nat {
	counter wan_to_lan_new { }
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan" oifname "wan" accept
		iifname "wan" counter name wan_to_lan_new drop
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" meta l4proto { tcp, udp } snat to $nat_pub:$nat_lo-$nat_hi
	}
}
NFT
}

# Packets that came in through the NAT unsolicited.
h460_nat_new() {
	ip netns exec "$ns_nat" nft list counter ip lk_nat wan_to_lan_new 2>/dev/null |
		awk '$1 == "packets" { print $2 }'
}
