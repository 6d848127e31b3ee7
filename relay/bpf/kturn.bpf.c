/* relay/bpf/kturn.bpf.c  TURN ChannelData forwarded at tc ingress (docs/turn.md, "Kernel forwarding"). */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "kturn.h"

/*
 * RFC 8656 s.12 in the kernel, for channels only.  relay/kturn.c adds the
 * two entries of a channel (relay/bpf/kturn.h) once the channel is bound
 * and its peer's permission installed, with the earlier of the two
 * expiry times as a deadline, and removes them when either goes or the
 * allocation does.  One or two lookups per UDP/IPv4 datagram:
 *
 * - (relay address, relay port, peer): a peer's datagram to a relay port
 *   with a channel; it gets the 4-octet ChannelData header in front (no
 *   padding: over UDP none is needed, s.12.5) and goes to the client from
 *   the request port, as user space would send it.
 * - (request address, request port, client, channel number): a client's
 *   ChannelData; the header comes off and the data goes to the peer from
 *   the allocation's relay port, without a UDP checksum (below why).
 *
 * Everything else passes on unchanged (TC_ACT_UNSPEC: the next tcx
 * program, relay/bpf/kfwd.bpf.c, or the stack): requests, indications,
 * ChannelData whose length field does not match the datagram exactly
 * (padded, or malformed: user space's rules), empty data, oversized
 * datagrams, a channel past its deadline, IP options, fragments, GSO
 * packets.  So user space counts and drops exactly as without this
 * program.  As relay/bpf/kfwd.bpf.c: attached through a tcx link that
 * latchkeyd holds, so nothing of it outlives the daemon.
 */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LK_KTURN_MAX_ENTRIES);
	__type(key, struct lk_kturn_key);
	__type(value, struct lk_kturn_val);
} lk_kturn_map SEC(".maps");

#define ETH_LEN		14	/* loopback's zeroed Ethernet header too */
#define IP_OFF		ETH_LEN
#define IP_CSUM_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, check))
#define IP_SRC_OFF	(IP_OFF + __builtin_offsetof(struct iphdr, saddr))
#define UDP_OFF		(IP_OFF + sizeof(struct iphdr))
#define UDP_CSUM_OFF	(UDP_OFF + __builtin_offsetof(struct udphdr, check))
#define PL_OFF		(UDP_OFF + sizeof(struct udphdr))
#define CD_LEN		4	/* the ChannelData header */

#define NOT_OURS	TC_ACT_UNSPEC

SEC("tc")
int lk_kturn_ingress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + IP_OFF;
	struct udphdr *udp = data + UDP_OFF;
	__u8 *pl = data + PL_OFF;
	struct lk_kturn_key key;
	struct lk_kturn_val *v;
	union {
		__u16 h[2];
		__u32 w;
	} cd;
	struct udphdr nu;
	__u32 plen, tot, dlen, old_s, old_d, come = 0;
	__u16 old_ulen, new_ulen, old_tot, new_tot;
	int to_peer = 0;

	if ((void *)pl > end)
		return NOT_OURS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)) || skb->gso_size)
		return NOT_OURS;

	__builtin_memset(&key, 0, sizeof(key));
	key.daddr = ip->daddr;
	key.saddr = ip->saddr;
	key.dport = udp->dest;
	key.sport = udp->source;
	v = bpf_map_lookup_elem(&lk_kturn_map, &key);
	if (!v) {
		/* RFC 8656 s.12: ChannelData starts 0b01. */
		if ((void *)(pl + CD_LEN) > end || (pl[0] & 0xc0) != 0x40)
			return NOT_OURS;
		__builtin_memcpy(&key.chan, pl, 2);
		v = bpf_map_lookup_elem(&lk_kturn_map, &key);
		if (!v || v->chan)
			return NOT_OURS;
		to_peer = 1;
	}
	else if (!v->chan)
		return NOT_OURS;
	/* Past the channel's or the permission's time: user space's. */
	if (bpf_ktime_get_ns() >= v->expires_ns)
		return NOT_OURS;

	/* As relay/bpf/kfwd.bpf.c: the lengths the stack would check. */
	plen = bpf_ntohs(udp->len);
	tot = bpf_ntohs(ip->tot_len);
	if (plen < sizeof(struct udphdr) || plen + sizeof(struct iphdr) > tot ||
	    (void *)ip + tot > end)
		return NOT_OURS;
	plen -= sizeof(struct udphdr);
	/* What user space reads whole (relay/turnfwd.h, DATA_MAX). */
	if (plen > LK_KTURN_DATA_MAX)
		return NOT_OURS;
	if (to_peer) {
		/*
		 * s.12.5: over UDP padding may follow the data; only the
		 * exact form is taken here (user space strips padding and
		 * drops a length past the datagram).
		 */
		if ((void *)(pl + CD_LEN) > end)
			return NOT_OURS;
		__builtin_memcpy(&cd.w, pl, CD_LEN);
		dlen = bpf_ntohs(cd.h[1]);
		if (!dlen || dlen + CD_LEN != plen)
			return NOT_OURS;
		new_ulen = bpf_htons(sizeof(struct udphdr) + dlen);
		new_tot = bpf_htons(tot - CD_LEN);
	}
	else {
		if (!plen)
			return NOT_OURS;
		dlen = plen;
		cd.h[0] = v->chan;
		cd.h[1] = bpf_htons(dlen);
		come = cd.w;
		new_ulen = bpf_htons(sizeof(struct udphdr) + CD_LEN + dlen);
		new_tot = bpf_htons(tot + CD_LEN);
	}

	old_s = ip->saddr;
	old_d = ip->daddr;
	old_ulen = udp->len;
	old_tot = ip->tot_len;

	/*
	 * The IP header's checksum: addresses and length.  The UDP checksum
	 * towards the client as relay/bpf/kfwd.bpf.c updates it (right for
	 * loopback's CHECKSUM_PARTIAL packets too; a zero one stays zero):
	 * addresses in the pseudo-header, ports, the ChannelData header that
	 * comes (4 octets at an even offset: the data keeps its alignment),
	 * the UDP length twice (header and pseudo-header).  Towards the peer
	 * there is none (below).
	 */
	if (old_s != v->new_saddr)
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_s, v->new_saddr, 4);
	if (old_d != v->new_daddr)
		bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_d, v->new_daddr, 4);
	bpf_l3_csum_replace(skb, IP_CSUM_OFF, old_tot, new_tot, 2);
	if (!to_peer) {
		if (old_s != v->new_saddr)
			bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_s,
					    v->new_saddr, BPF_F_PSEUDO_HDR |
					    BPF_F_MARK_MANGLED_0 | 4);
		if (old_d != v->new_daddr)
			bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_d,
					    v->new_daddr, BPF_F_PSEUDO_HDR |
					    BPF_F_MARK_MANGLED_0 | 4);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, key.sport, v->new_sport,
				    BPF_F_MARK_MANGLED_0 | 2);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, key.dport, v->new_dport,
				    BPF_F_MARK_MANGLED_0 | 2);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, 0, come,
				    BPF_F_MARK_MANGLED_0 | 4);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_ulen, new_ulen,
				    BPF_F_MARK_MANGLED_0 | 2);
		bpf_l4_csum_replace(skb, UDP_CSUM_OFF, old_ulen, new_ulen,
				    BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 2);
	}
	bpf_skb_store_bytes(skb, IP_SRC_OFF, &v->new_saddr, 8, 0);
	bpf_skb_store_bytes(skb, IP_OFF + 2, &new_tot, 2, 0);

	nu.source = v->new_sport;
	nu.dest = v->new_dport;
	nu.len = new_ulen;
	if (bpf_skb_load_bytes(skb, UDP_CSUM_OFF, &nu.check, 2))
		return TC_ACT_SHOT;
	if (to_peer) {
		/*
		 * The new UDP header over the ChannelData header's end, then
		 * the 4 octets right after the IP header come off.  Without
		 * a UDP checksum (0, RFC 768 for IPv4): taking room out at
		 * the network header leaves a CHECKSUM_PARTIAL packet's
		 * checksum start 4 octets before its UDP header, so the UDP
		 * layer no longer takes it as checked and, for a datagram of
		 * at most CHECKSUM_BREAK (76) octets, verifies the sum in full
		 * against a field that holds only the pseudo-header's, and
		 * drops it (InCsumErrors; seen for data under 69 octets).  A
		 * zero field is accepted as it is; such a packet only goes up
		 * to a local socket (relay/turnfwd.c makes entries for
		 * loopback addresses only).
		 */
		nu.check = 0;
		if (bpf_skb_store_bytes(skb, UDP_OFF + CD_LEN, &nu, sizeof(nu),
					0) ||
		    bpf_skb_adjust_room(skb, -CD_LEN, BPF_ADJ_ROOM_NET, 0))
			return TC_ACT_SHOT;
	}
	else {
		/* 4 octets after the IP header: UDP header, then ChannelData. */
		if (bpf_skb_adjust_room(skb, CD_LEN, BPF_ADJ_ROOM_NET, 0) ||
		    bpf_skb_store_bytes(skb, UDP_OFF, &nu, sizeof(nu), 0) ||
		    bpf_skb_store_bytes(skb, PL_OFF, &come, CD_LEN, 0))
			return TC_ACT_SHOT;
	}

	v->packets++;
	v->bytes += dlen;
	v->last_ns = bpf_ktime_get_ns();

	return TC_ACT_OK;
}

char _license[] SEC("license") = "Dual BSD/GPL";
