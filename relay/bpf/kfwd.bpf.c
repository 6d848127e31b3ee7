/* relay/bpf/kfwd.bpf.c  The kernel fast path: latched RTP forwarded at tc ingress (docs/architecture.md, "Kernel forwarding"). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
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

#define ETH_LEN		14	/* loopback's zeroed Ethernet header too */
#define IP_OFF		ETH_LEN
#define IP_CSUM_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, check))
#define IP_SRC_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, saddr))
#define UDP_OFF		(IP_OFF + sizeof(struct iphdr))
#define UDP_CSUM_OFF	(UDP_OFF + __builtin_offsetof(struct udphdr, check))
#define UDP_SPORT_OFF	(UDP_OFF + __builtin_offsetof(struct udphdr, source))
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
static __always_inline int mux_move(struct __sk_buff *skb, __u32 flags,
				    __u32 add_id, struct udphdr *nu)
{
	if (bpf_skb_load_bytes(skb, UDP_CSUM_OFF, &nu->check, 2))
		return -1;
	/* Between two multiplexed legs: one ID in place of the other. */
	if ((flags & LK_KFWD_STRIP) && (flags & LK_KFWD_ADD)) {
		if (bpf_skb_store_bytes(skb, UDP_OFF, nu, sizeof(*nu), 0))
			return -1;
		return bpf_skb_store_bytes(skb, RTP_OFF, &add_id,
					   LK_KFWD_MUX_LEN, 0);
	}
	if (flags & LK_KFWD_STRIP) {
		if (bpf_skb_store_bytes(skb, UDP_OFF + LK_KFWD_MUX_LEN, nu,
					sizeof(*nu), 0))
			return -1;
		return bpf_skb_adjust_room(skb, -LK_KFWD_MUX_LEN,
					   BPF_ADJ_ROOM_NET, 0);
	}
	if (bpf_skb_adjust_room(skb, LK_KFWD_MUX_LEN, BPF_ADJ_ROOM_NET, 0) ||
	    bpf_skb_store_bytes(skb, UDP_OFF, nu, sizeof(*nu), 0))
		return -1;
	return bpf_skb_store_bytes(skb, RTP_OFF, &add_id, LK_KFWD_MUX_LEN, 0);
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
	__u16 old_sp, old_dp, old_ulen, new_ulen, old_tot, new_tot;
	__u8 b0, b1;

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

	/*
	 * Only what user space would forward unchanged as RTP: version 2
	 * (RFC 3550 s.5.1), not RTCP on a shared port (RFC 5761 s.4: second
	 * octet 192..223), longer than a 12-octet H.460.19 keep-alive (user
	 * space latches on it and does not forward it), CSRC list inside
	 * the datagram, no header extension (user space checks its length).
	 * Everything else goes up to the relay's socket.
	 */
	if ((b0 & 0xc0) != 0x80 || (b0 & 0x10) || (b1 >= 192 && b1 <= 223) ||
	    RTP_MIN + 4 * (__u32)(b0 & 0x0f) > plen)
		return NOT_OURS;

	old_s = ip->saddr;
	old_d = ip->daddr;
	old_sp = udp->source;
	old_dp = udp->dest;
	old_ulen = udp->len;
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
	bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_sp, v->new_sport,
			    BPF_F_MARK_MANGLED_0 | 2);
	bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_dp, v->new_dport,
			    BPF_F_MARK_MANGLED_0 | 2);
	bpf_skb_store_bytes(skb, IP_SRC_OFF, &v->new_saddr, 8, 0);

	if (flags & (LK_KFWD_STRIP | LK_KFWD_ADD)) {
		struct udphdr nu = {
			.source = v->new_sport,
			.dest = v->new_dport,
			.len = new_ulen,
		};
		__u32 gone = (flags & LK_KFWD_STRIP) ? key.mux_id : 0;
		__u32 come = (flags & LK_KFWD_ADD) ? add_id : 0;

		/*
		 * 4 octets at an even offset: the words after them keep
		 * their alignment, so the UDP sum changes by the ID alone;
		 * the length counts twice (header and pseudo-header).
		 */
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, gone, come,
				    BPF_F_MARK_MANGLED_0 | 4);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_ulen, new_ulen,
				    BPF_F_MARK_MANGLED_0 | 2);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_ulen, new_ulen,
				    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 |
				    2);
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_tot, new_tot, 2);
		bpf_skb_store_bytes(skb, IP_OFF + 2, &new_tot, 2, 0);
		if (mux_move(skb, flags, add_id, &nu))
			return TC_ACT_SHOT;
	}
	else
		bpf_skb_store_bytes(skb, UDP_SPORT_OFF, &v->new_sport, 4, 0);

	v->packets++;
	v->bytes += plen;
	v->last_ns = bpf_ktime_get_ns();

	/*
	 * To a local address from loopback: up the stack from here.  From
	 * any other interface a packet with the relay's own source address
	 * would be a martian there, so it goes round through lo's egress.
	 */
	if (!ifindex || ((flags & LK_KFWD_LOCAL) && ifindex == skb->ifindex))
		return TC_ACT_OK;
	/*
	 * Out of another interface (or back out of this one): the kernel
	 * strips the Ethernet header it came with, finds the next hop and
	 * its link-layer address (ARP if it must) and transmits.  This
	 * bypasses netfilter's FORWARD and OUTPUT chains as the relay's own
	 * socket would not: docs/architecture.md, "Kernel forwarding".
	 */
	return (int)bpf_redirect_neigh(ifindex, NULL, 0, 0);
}

char _license[] SEC("license") = "Dual BSD/GPL";
