/* relay/leg.h  Streams and legs: what the control thread and a media worker share. */
#ifndef LK_LEG_H
#define LK_LEG_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/kfwd.h"
#include "latch.h"
#include "sdes.h"

/*
 * Ownership.  The control thread (relay/media.c) allocates a stream, binds
 * its sockets and fills its legs; from the moment it hands the stream to a
 * worker (lk_worker_call(), synchronous) only that worker reads or writes
 * the fields below, except `st`, which the worker writes with relaxed
 * atomic stores and the control thread reads with relaxed atomic loads.
 * Every later change (a new leg, an answer's addresses, a latch reset, the
 * removal) is a function the control thread runs on the worker with
 * lk_worker_call(), so there is no lock and no data race on the packet
 * path.
 */

enum lk_comp {
	LK_COMP_RTP = 0,
	LK_COMP_RTCP = 1,
};

struct lk_worker;
struct lk_leg;
struct lk_stream;

/* A receiving socket: a leg's RTP or RTCP socket, or a multiplexed port. */
struct lk_msock {
	int fd;
	struct event *ev;		/* the owning worker's */
	struct lk_leg *leg;		/* NULL: a multiplexed media port */
	struct lk_worker *w;
	uint8_t comp;			/* enum lk_comp */
	uint16_t port;
};

/*
 * Counters of one leg; single writer (its worker), relaxed atomics.  The
 * first five are written for every packet: they come first, in one cache
 * line of the leg's (struct lk_leg).
 */
struct lk_leg_stats {
	uint64_t packets;		/* received from this side, accepted */
	uint64_t bytes;
	uint64_t packets_out;		/* sent to this side */
	uint64_t bytes_out;
	uint64_t last_rx_ms;		/* CLOCK_MONOTONIC, 0: never */
	uint64_t malformed;
	uint64_t dropped_foreign;	/* another source after latching */
	uint64_t dropped_unexpected;	/* before latching, not signalled IP */
	uint64_t dropped_held;		/* to this side before it latched */
	uint64_t dropped_direction;	/* RTP to a side that takes none */
	uint64_t keepalives;
	uint64_t stun;
	uint64_t srtp_auth_failed;	/* SRTP/SRTCP that failed to verify */
	uint64_t srtp_replayed;		/* ... replayed or too old */
	uint64_t srtp_errors;		/* could not be encrypted to it */
};

/*
 * The fields are in the order the packet path touches them: what it reads
 * or writes for every packet (the head, the sockets, the first counters)
 * first and together, then the latches (their own hot fields first,
 * relay/latch.h), then what only signalling reads.  With a thousand calls
 * each packet finds its legs out of the CPU's caches; in the per-endpoint
 * benchmark (docs/performance.md) most of recv_cb's samples were misses on
 * a leg whose per-packet fields were scattered over 848 octets.
 */
struct lk_leg {
	struct lk_leg *peer;		/* the other leg of the stream */
	/*
	 * SRTP termination (relay/srtp.h): decrypt what this side sends,
	 * encrypt what goes to it; NULL: media passes as it is.  Installed
	 * and replaced by lk_worker_call() handlers, freed on the control
	 * thread after.
	 */
	struct lk_srtp *srtp_in, *srtp_out;
	bool active;			/* has local ports the side was told */
	bool rtcp_mux;			/* this side sends RTCP on the RTP port */
	bool no_rtp;			/* its SDP: sendonly or inactive */
	bool mux_rx;			/* this side sends to the mux ports */
	bool mux_tx;			/* send to this side multiplexed */
	bool no_nat;			/* its SDP address = its signalling's */
	int keepalive_pt;		/* H.460.19 keep-alive PT, -1: any */
	uint32_t mux_id;		/* ... with this multiplexID */
	uint32_t mux_tx_id;		/* ... with this multiplexID */
	unsigned mux_pair;		/* ... on this pair of mux ports */
	struct lk_msock sock[2];	/* own RTP/RTCP sockets; fd -1: none */
	struct lk_leg_stats st;
	struct lk_latch latch[2];	/* where this side's RTP/RTCP come from */
	struct lk_stream *stream;
	uint16_t port[2];		/* the relay's ports this side sends to */
	const char *srtp_suite;		/* for query; NULL: none */
	/*
	 * Its entry in the kernel fast path (relay/kfwd.c): media from this
	 * side forwarded in the kernel.  Written by the worker, read by the
	 * control thread, both under the lk_kfwd lock.
	 */
	struct lk_kfwd_ent {
		bool on;
		bool v6;		/* key6/val6 (lk_kfwd6_map), else key/val */
		struct lk_kfwd_key key;
		struct lk_kfwd_val val;
		struct lk_kfwd6_key key6;
		struct lk_kfwd6_val val6;
	} kf;
};

struct lk_stream {
	struct lk_leg leg[2];		/* [0] faces side A, [1] side B */
	unsigned index;			/* m= section */
	char media[16];
	struct lk_worker *w;
	struct lk_call *call;
	struct lk_stream *next;		/* in the call */
	/* SDES state per side: the control thread's only (relay/sdes.h). */
	struct lk_sdes_side sdes[2];
};

/* Relaxed atomics for the single-writer counters. */
#define LK_STAT_ADD(field, n) \
	__atomic_store_n(&(field), __atomic_load_n(&(field), \
		__ATOMIC_RELAXED) + (n), __ATOMIC_RELAXED)
#define LK_STAT_SET(field, v) __atomic_store_n(&(field), (v), __ATOMIC_RELAXED)
#define LK_STAT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

#endif
