/* relay/bpf/kturn.h  The TURN forwarding map's key and value, shared by relay/bpf/kturn.bpf.c and relay/kturn.c. */
#ifndef LK_BPF_KTURN_H
#define LK_BPF_KTURN_H

/*
 * As relay/bpf/kfwd.h: addresses and ports in network byte order, as the
 * packet carries them; fixed-width types of <linux/types.h>; no padding
 * the kernel would hash.
 *
 * Two kinds of entry per channel (RFC 8656 s.12), told apart by `chan`
 * in the key:
 * - client to peer: the datagram to the TURN request port from the
 *   client's 5-tuple, its ChannelData header carrying channel `chan`
 *   (non-zero, as on the wire);
 * - peer to client: the datagram to the allocation's relay port from the
 *   channel's peer (`chan` 0 in the key; the value's `chan` goes in front).
 */
struct lk_kturn_key {
	__u32 daddr;		/* IPv4 destination: the relay's address */
	__u32 saddr;		/* IPv4 source: the client or the peer */
	__u16 dport;		/* UDP destination: request or relay port */
	__u16 sport;		/* UDP source */
	__u16 chan;		/* channel number (client to peer), or 0 */
	__u16 pad;		/* 0 */
};

/*
 * The rewrite and what it has counted.  Per-CPU: user space writes the
 * same rewrite and deadline into every copy and sums the counters.
 */
struct lk_kturn_val {
	__u32 new_saddr;	/* the relay's address */
	__u32 new_daddr;	/* the peer's or the client's */
	__u16 new_sport;	/* the relay port (to the peer), the request port */
	__u16 new_dport;	/* the peer's port, the client's */
	__u16 chan;		/* peer to client: the channel to put in front */
	__u16 pad;
	__u64 expires_ns;	/* CLOCK_MONOTONIC: from then on, user space's */
	__u64 packets;		/* forwarded by this CPU */
	__u64 bytes;		/* application data (no ChannelData header) */
	__u64 last_ns;		/* CLOCK_MONOTONIC of the last one, 0: none */
};

/* Two per channel; more channels than that are relayed in user space. */
#define LK_KTURN_MAX_ENTRIES	65536
/* The largest application data forwarded (relay/turnfwd.h's DATA_MAX). */
#define LK_KTURN_DATA_MAX	8192

#endif
