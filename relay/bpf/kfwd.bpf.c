/* relay/bpf/kfwd.bpf.c  The kernel fast path: latched RTP forwarded at tc ingress (docs/architecture.md, "Kernel forwarding"). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "kfwd.h"

/*
 * One lookup per UDP/IPv4 datagram: (relay address, relay port, source
 * address, source port).  relay/kfwd.c adds an entry only for the RTP port
 * of a stream latched in both directions, keyed by the latched source, so
 * everything else (not yet latched, a foreign source, STUN, RTCP, a
 * keep-alive, anything odd) misses and goes on to the relay's socket
 * unchanged: user space keeps latching, bleed protection and counting
 * exactly as without this program.  A hit is rewritten to what the relay
 * would have sent (from its port towards the other side, to the other
 * side's latched address) and passed on, and no relay socket wakes: to a
 * local address (loopback) the packet goes up the stack as if it had been
 * sent there; to an address behind an interface (the entry's ifindex,
 * which relay/kfwd.c took from the routing table when it made the entry)
 * it is redirected out of that interface with bpf_redirect_neigh(), which
 * routes it to its next hop and fills in the link-layer header as the
 * relay's own sendmsg() would.  The program is attached to lo and to each
 * interface of [Media] Kernel forwarding interfaces.
 *
 * The program runs as a tcx link (kernel 6.6+) that relay/kfwd.c holds
 * open: when latchkeyd exits, crashed or not, the kernel detaches it and
 * frees the map, so a stale program never keeps forwarding.
 */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LK_KFWD_MAX_ENTRIES);
	__type(key, struct lk_kfwd_key);
	__type(value, struct lk_kfwd_val);
} lk_kfwd_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LK_KFWD_MAX_ENTRIES);
	__type(key, struct lk_kfwd6_key);
	__type(value, struct lk_kfwd6_val);
} lk_kfwd6_map SEC(".maps");

#define ETH_LEN		14	/* loopback's zeroed Ethernet header too */
#define IP_OFF		ETH_LEN
#define IP_CSUM_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, check))
#define IP_SRC_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, saddr))
#define UDP_OFF		(IP_OFF + sizeof(struct iphdr))
#define UDP_CSUM_OFF	(UDP_OFF + __builtin_offsetof(struct udphdr, check))
#define RTP_OFF		(UDP_OFF + sizeof(struct udphdr))
#define RTP_MIN		12	/* RFC 3550 s.5.1 fixed header */

/* TC_ACT_UNSPEC: not ours; tcx runs the next program or passes it on. */
#define NOT_OURS	TC_ACT_UNSPEC

/*
 * After the checksums are updated: the new UDP header (its checksum
 * field as the updates left it) goes where the UDP header must be once
 * the room is adjusted, then the room: the 4 octets of an H.460.19
 * multiplexID come off (strip) or go in (add) right after the IP header,
 * the UDP header is moved past them, and the ID written.  Returns 0 or
 * the helper's error (the packet then goes up: TC_ACT_UNSPEC).
 */
static __always_inline int mux_move(struct __sk_buff *skb, __u32 udp_off,
				    __u32 flags, __u32 add_id,
				    struct udphdr *nu)
{
	__u32 rtp_off = udp_off + sizeof(struct udphdr);

	if (bpf_skb_load_bytes(skb, udp_off + 6, &nu->check, 2))
		return -1;
	/* Between two multiplexed legs: one ID in place of the other. */
	if ((flags & LK_KFWD_STRIP) && (flags & LK_KFWD_ADD)) {
		if (bpf_skb_store_bytes(skb, udp_off, nu, sizeof(*nu), 0))
			return -1;
		return bpf_skb_store_bytes(skb, rtp_off, &add_id,
					   LK_KFWD_MUX_LEN, 0);
	}
	if (flags & LK_KFWD_STRIP) {
		/*
		 * Without a UDP checksum (0: none, RFC 768; IPv4 only, the
		 * IPv6 path never strips).  Taking room out at the network
		 * header leaves a CHECKSUM_PARTIAL packet's (loopback's, a
		 * local sender's) checksum start 4 octets before its UDP
		 * header, so the receiving UDP layer no longer takes it as
		 * checked and, for a datagram of at most CHECKSUM_BREAK (76)
		 * octets, verifies the sum in full against a field that
		 * holds only the pseudo-header's, and drops it
		 * (InCsumErrors: every RTP packet of 13-68 octets, G.729's
		 * 32 among them).  A zero field is taken as it is.
		 */
		nu->check = 0;
		if (bpf_skb_store_bytes(skb, udp_off + LK_KFWD_MUX_LEN, nu,
					sizeof(*nu), 0))
			return -1;
		return bpf_skb_adjust_room(skb, -LK_KFWD_MUX_LEN,
					   BPF_ADJ_ROOM_NET, 0);
	}
	if (bpf_skb_adjust_room(skb, LK_KFWD_MUX_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, udp_off, nu, sizeof(*nu), 0))
		return -1;
	return bpf_skb_store_bytes(skb, rtp_off, &add_id, LK_KFWD_MUX_LEN, 0);
}

/*
 * The UDP part both families share, after the addresses: the ports into
 * the checksum and the header; with a multiplexID to strip, add or
 * replace, the ID and the UDP length into the checksum (4 octets at an
 * even offset: the words after them keep their alignment, so the sum
 * changes by the ID alone; the length counts twice, header and
 * pseudo-header), then the move (mux_move).  `np` is the entry's
 * new_sport and new_dport; the IP header's length is the caller's.
 * Returns 0, or -1 when a helper failed.
 */
static __always_inline int udp_rewrite(struct __sk_buff *skb, __u32 udp_off,
				       struct udphdr *old, const __be16 *np,
				       __be16 new_ulen, __u32 flags,
				       __u32 gone, __u32 add_id)
{
	__u32 csum_off = udp_off + __builtin_offsetof(struct udphdr, check);
	struct udphdr nu = {
		.source = np[0],
		.dest = np[1],
		.len = new_ulen,
	};

	bpf_l4_csum_replace(skb, csum_off, old->source, np[0],
			    BPF_F_MARK_MANGLED_0 | 2);
	bpf_l4_csum_replace(skb, csum_off, old->dest, np[1],
			    BPF_F_MARK_MANGLED_0 | 2);
	if (!(flags & (LK_KFWD_STRIP | LK_KFWD_ADD)))
		return bpf_skb_store_bytes(skb, udp_off, np, 4, 0) ? -1 : 0;
	bpf_l4_csum_replace(skb, csum_off, gone,
			    (flags & LK_KFWD_ADD) ? add_id : 0,
			    BPF_F_MARK_MANGLED_0 | 4);
	bpf_l4_csum_replace(skb, csum_off, old->len, new_ulen,
			    BPF_F_MARK_MANGLED_0 | 2);
	bpf_l4_csum_replace(skb, csum_off, old->len, new_ulen,
			    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 2);
	return mux_move(skb, udp_off, flags, add_id, &nu) ? -1 : 0;
}

/*
 * Only what user space would forward unchanged as RTP: version 2
 * (RFC 3550 s.5.1), not RTCP on a shared port (RFC 5761 s.4: second
 * octet 192..223), longer than a 12-octet H.460.19 keep-alive (user
 * space latches on it and does not forward it), CSRC list inside the
 * datagram (`plen`: the RTP packet's length), no header extension (user
 * space checks its length).  Everything else goes up to the relay's
 * socket.
 */
static __always_inline int rtp_ours(__u8 b0, __u8 b1, __u32 plen)
{
	return (b0 & 0xc0) == 0x80 && !(b0 & 0x10) &&
		!(b1 >= 192 && b1 <= 223) &&
		RTP_MIN + 4 * (__u32)(b0 & 0x0f) <= plen;
}

/*
 * Where the rewritten packet goes.  To a local address from loopback:
 * up the stack from here.  From any other interface a packet with the
 * relay's own source address would be a martian there, so it goes round
 * through lo's egress.  Out of another interface (or back out of this
 * one): the kernel strips the Ethernet header it came with, finds the
 * next hop and its link-layer address (ARP or neighbour discovery if it
 * must) and transmits.  This bypasses netfilter's FORWARD and OUTPUT
 * chains as the relay's own socket would not: docs/architecture.md,
 * "Kernel forwarding".
 */
static __always_inline int send_on(struct __sk_buff *skb, __u32 flags,
				   __u32 ifindex)
{
	if (!ifindex || ((flags & LK_KFWD_LOCAL) && ifindex == skb->ifindex))
		return TC_ACT_OK;
	return (int)bpf_redirect_neigh(ifindex, NULL, 0, 0);
}

#define IP6_OFF		ETH_LEN
#define IP6_PLEN_OFF	(IP6_OFF + __builtin_offsetof(struct ipv6hdr, payload_len))
#define IP6_SRC_OFF	(IP6_OFF + __builtin_offsetof(struct ipv6hdr, saddr))
#define UDP6_OFF	(IP6_OFF + sizeof(struct ipv6hdr))
#define UDP6_CSUM_OFF	(UDP6_OFF + __builtin_offsetof(struct udphdr, check))
#define RTP6_OFF	(UDP6_OFF + sizeof(struct udphdr))

/*
 * IPv6: the same as IPv4 below, with the UDP header right after the
 * fixed header (any extension header: user space), a checksum that is
 * never absent (RFC 8200 s.8.1: a zero one is user space's to drop), no
 * header checksum, and one checksum difference for both addresses.
 */
static __always_inline int fwd6(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip6 = data + IP6_OFF;
	struct udphdr *udp = data + UDP6_OFF;
	__u8 *rtp = data + RTP6_OFF;
	struct lk_kfwd6_key key;
	struct lk_kfwd6_val *v;
	__u32 plen, tot, hdr = 0, flags, add_id, ifindex;
	__u16 new_ulen, new_pl;
	struct udphdr old_udp;
	__u8 old_addrs[32];
	__s64 diff;
	__u8 b0, b1;

	if ((void *)(rtp + 2) > end)
		return NOT_OURS;
	if (ip6->nexthdr != IPPROTO_UDP || !udp->check)
		return NOT_OURS;

	__builtin_memset(&key, 0, sizeof(key));
	__builtin_memcpy(key.relay_addr, &ip6->daddr, 16);
	__builtin_memcpy(key.peer_addr, &ip6->saddr, 16);
	key.relay_port = udp->dest;
	key.peer_port = udp->source;
	b0 = rtp[0];
	b1 = rtp[1];
	v = bpf_map_lookup_elem(&lk_kfwd6_map, &key);
	if (!v) {
		if ((void *)(rtp + LK_KFWD_MUX_LEN + 2) > end)
			return NOT_OURS;
		__builtin_memcpy(&key.mux_id, rtp, LK_KFWD_MUX_LEN);
		if (!key.mux_id)
			return NOT_OURS;
		v = bpf_map_lookup_elem(&lk_kfwd6_map, &key);
		if (!v || !(v->flags & LK_KFWD_STRIP))
			return NOT_OURS;
		hdr = LK_KFWD_MUX_LEN;
		b0 = rtp[LK_KFWD_MUX_LEN];
		b1 = rtp[LK_KFWD_MUX_LEN + 1];
	}
	else if (v->flags & LK_KFWD_STRIP)
		return NOT_OURS;
	/*
	 * Stripping needs a zero UDP checksum (mux_move()), which IPv6 does
	 * not allow (RFC 8200 s.8.1): user space forwards those.
	 */
	if ((v->flags & LK_KFWD_STRIP) && !(v->flags & LK_KFWD_ADD))
		return NOT_OURS;
	flags = v->flags;
	add_id = v->add_id;
	ifindex = v->ifindex;

	plen = bpf_ntohs(udp->len);
	tot = bpf_ntohs(ip6->payload_len);
	if (plen < sizeof(struct udphdr) + hdr + RTP_MIN + 1 || plen > tot ||
	    (void *)(ip6 + 1) + tot > end)
		return NOT_OURS;
	plen -= sizeof(struct udphdr) + hdr;
	if (!rtp_ours(b0, b1, plen))
		return NOT_OURS;

	old_udp = *udp;
	new_ulen = bpf_htons(sizeof(struct udphdr) + LK_KFWD_MUX_LEN *
			     !!(flags & LK_KFWD_ADD) + plen);
	new_pl = bpf_htons(tot + ((flags & LK_KFWD_ADD) ? LK_KFWD_MUX_LEN : 0) -
			   ((flags & LK_KFWD_STRIP) ? LK_KFWD_MUX_LEN : 0));
	__builtin_memcpy(old_addrs, &ip6->saddr, 32);

	/* Both addresses at once: adjacent in the header and the entry. */
	diff = bpf_csum_diff((__be32 *)old_addrs, 32, (__be32 *)v->new_saddr,
			     32, 0);
	if (diff < 0)
		return NOT_OURS;
	bpf_l4_csum_replace(skb, UDP6_CSUM_OFF, 0, (__u64)diff,
			    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0);
	bpf_skb_store_bytes(skb, IP6_SRC_OFF, v->new_saddr, 32, 0);
	if (flags & (LK_KFWD_STRIP | LK_KFWD_ADD))
		bpf_skb_store_bytes(skb, IP6_PLEN_OFF, &new_pl, 2, 0);
	if (udp_rewrite(skb, UDP6_OFF, &old_udp, &v->new_sport, new_ulen,
			flags, (flags & LK_KFWD_STRIP) ? key.mux_id : 0,
			add_id))
		return TC_ACT_SHOT;

	v->packets++;
	v->bytes += plen;
	v->last_ns = bpf_ktime_get_ns();

	return send_on(skb, flags, ifindex);
}

SEC("tc")
int lk_kfwd_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + IP_OFF;
	struct udphdr *udp = data + UDP_OFF;
	__u8 *rtp = data + RTP_OFF;
	struct lk_kfwd_key key;
	struct lk_kfwd_val *v;
	__u32 old_s, old_d, plen, tot, hdr = 0, flags, add_id, ifindex;
	__u16 new_ulen, old_tot, new_tot;
	struct udphdr old_udp;
	__u8 b0, b1;

	if ((void *)(eth + 1) > end)
		return NOT_OURS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return fwd6(skb);
	/* IPv4 without options, not a fragment, UDP: else user space. */
	if ((void *)(rtp + 2) > end)
		return NOT_OURS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return NOT_OURS;

	__builtin_memset(&key, 0, sizeof(key));
	key.relay_addr = ip->daddr;
	key.peer_addr = ip->saddr;
	key.relay_port = udp->dest;
	key.peer_port = udp->source;
	b0 = rtp[0];
	b1 = rtp[1];
	v = bpf_map_lookup_elem(&lk_kfwd_map, &key);
	if (!v) {
		/*
		 * A multiplexed leg (H.460.19): the same 5-tuple carries many
		 * streams, told apart by the 4-octet multiplexID in front.
		 */
		if ((void *)(rtp + LK_KFWD_MUX_LEN + 2) > end)
			return NOT_OURS;
		__builtin_memcpy(&key.mux_id, rtp, LK_KFWD_MUX_LEN);
		if (!key.mux_id)
			return NOT_OURS;
		v = bpf_map_lookup_elem(&lk_kfwd_map, &key);
		if (!v || !(v->flags & LK_KFWD_STRIP))
			return NOT_OURS;
		hdr = LK_KFWD_MUX_LEN;
		b0 = rtp[LK_KFWD_MUX_LEN];
		b1 = rtp[LK_KFWD_MUX_LEN + 1];
	}
	else if (v->flags & LK_KFWD_STRIP)
		return NOT_OURS;
	flags = v->flags;
	add_id = v->add_id;
	ifindex = v->ifindex;

	/*
	 * The UDP length inside the IP packet and the IP packet inside what
	 * is here (ip_rcv() and the UDP layer check the same after this
	 * program: a packet they would drop is not ours to count).
	 */
	plen = bpf_ntohs(udp->len);
	tot = bpf_ntohs(ip->tot_len);
	if (plen < sizeof(struct udphdr) + hdr + RTP_MIN + 1 ||
	    plen + sizeof(struct iphdr) > tot || (void *)ip + tot > end)
		return NOT_OURS;
	plen -= sizeof(struct udphdr) + hdr;

	if (!rtp_ours(b0, b1, plen))
		return NOT_OURS;

	old_s = ip->saddr;
	old_d = ip->daddr;
	old_udp = *udp;
	old_tot = ip->tot_len;
	new_ulen = bpf_htons(sizeof(struct udphdr) + LK_KFWD_MUX_LEN *
			     !!(flags & LK_KFWD_ADD) + plen);
	new_tot = bpf_htons(tot + ((flags & LK_KFWD_ADD) ? LK_KFWD_MUX_LEN : 0) -
			    ((flags & LK_KFWD_STRIP) ? LK_KFWD_MUX_LEN : 0));

	/*
	 * Addresses: the IP header checksum, and the UDP checksum over the
	 * pseudo-header (BPF_F_PSEUDO_HDR; right for loopback's
	 * CHECKSUM_PARTIAL packets too); ports: the UDP checksum.
	 * BPF_F_MARK_MANGLED_0 keeps a zero (absent) UDP checksum zero.
	 */
	if (old_s != v->new_saddr) {
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_s, v->new_saddr, 4);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_s, v->new_saddr,
				    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 |
				    4);
	}
	if (old_d != v->new_daddr) {
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_d, v->new_daddr, 4);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_d, v->new_daddr,
				    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 |
				    4);
	}
	bpf_skb_store_bytes(skb, IP_SRC_OFF, &v->new_saddr, 8, 0);
	if (flags & (LK_KFWD_STRIP | LK_KFWD_ADD)) {
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_tot, new_tot, 2);
		bpf_skb_store_bytes(skb, IP_OFF + 2, &new_tot, 2, 0);
	}
	if (udp_rewrite(skb, UDP_OFF, &old_udp, &v->new_sport, new_ulen,
			flags, (flags & LK_KFWD_STRIP) ? key.mux_id : 0,
			add_id))
		return TC_ACT_SHOT;

	v->packets++;
	v->bytes += plen;
	v->last_ns = bpf_ktime_get_ns();

	return send_on(skb, flags, ifindex);
}

char _license[] SEC("license") = "Dual BSD/GPL";
