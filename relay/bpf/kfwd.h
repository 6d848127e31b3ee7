/* relay/bpf/kfwd.h  The forwarding map's key and value, shared by the eBPF program and relay/kfwd.c. */
#ifndef LK_BPF_KFWD_H
#define LK_BPF_KFWD_H

/*
 * Everything here is in network byte order where it is an address or a
 * port, as the packet carries it, so that the program compares and stores
 * without a byte swap.  Fixed-width types of <linux/types.h>, so that one
 * header serves clang -target bpf and the host compiler; no padding (the
 * kernel hashes the key's every octet).
 */

/* A latched stream as the relay receives it: to the relay, from the peer. */
struct lk_kfwd_key {
	__u32 relay_addr;	/* IPv4 destination: the relay's address */
	__u32 peer_addr;	/* IPv4 source: the latched source */
	__u16 relay_port;	/* UDP destination: the leg's RTP port */
	__u16 peer_port;	/* UDP source: the latched source port */
	__u32 mux_id;		/* H.460.19 multiplexID in front, 0: none */
};

/* lk_kfwd_val.flags */
#define LK_KFWD_STRIP	1u	/* take the key's multiplexID off */
#define LK_KFWD_ADD	2u	/* put add_id in front (H.460.19) */
#define LK_KFWD_LOCAL	4u	/* new_daddr is the relay machine's own */
#define LK_KFWD_MUX_LEN	4

/*
 * What to do with it, and what it has done.  The map is per-CPU: each CPU
 * counts in its own copy, user space writes the same rewrite into every
 * copy and sums the counters on read.
 */
struct lk_kfwd_val {
	__u32 new_saddr;	/* the relay's address towards the other side */
	__u32 new_daddr;	/* the other side's latched address */
	__u16 new_sport;	/* the relay's RTP port the other side sends to */
	__u16 new_dport;	/* the other side's latched port */
	__u32 flags;		/* LK_KFWD_STRIP, LK_KFWD_ADD */
	__u32 add_id;		/* the multiplexID to put in front */
	__u32 ifindex;		/* out of this interface; 0: up the stack */
	__u64 packets;		/* forwarded by this CPU */
	__u64 bytes;		/* RTP octets (no multiplexID), as user space */
	__u64 last_ns;		/* CLOCK_MONOTONIC of the last one, 0: none */
};

/*
 * The same for IPv6 (lk_kfwd6_map): addresses as the IPv6 header carries
 * them, the rest as above, in the same order.
 */
struct lk_kfwd6_key {
	__u8 relay_addr[16];
	__u8 peer_addr[16];
	__u16 relay_port;
	__u16 peer_port;
	__u32 mux_id;
};

struct lk_kfwd6_val {
	__u8 new_saddr[16];	/* new_saddr and new_daddr adjacent, as in */
	__u8 new_daddr[16];	/* the IPv6 header: one checksum difference */
	__u16 new_sport;
	__u16 new_dport;
	__u32 flags;
	__u32 add_id;
	__u32 ifindex;
	__u64 packets;
	__u64 bytes;
	__u64 last_ns;
};

/* Entries: two per stream (one per direction), in each map. */
#define LK_KFWD_MAX_ENTRIES	65536

#endif
