/* relay/turn.h  The TURN server (RFC 8656, relayed UDP) on the TURN ports. */
#ifndef LK_TURN_H
#define LK_TURN_H

#include <stdint.h>
#include <stddef.h>

#include <re.h>

#include "conf.h"
#include "turnpeer.h"

struct event_base;
struct lk_worker;

/*
 * The Expressway's TURN server (seed, "SIP - additional ports for ICE":
 * requests on 3478, 3478-3483 on Large; relayed media 24000-29999, or
 * 60000-61799 upgraded).  Every TURN port answers STUN Binding (RFC 8489)
 * and the TURN methods over UDP: Allocate, Refresh, CreatePermission,
 * ChannelBind, Send and Data indications, ChannelData (RFC 8656).  The
 * relayed transport is UDP.  docs/turn.md has the rules and their reasons.
 *
 * Threads: every TURN method runs on the event base given to
 * lk_turn_alloc(), the control thread's.  The relayed data path of UDP
 * clients (ChannelData, and peers' datagrams) runs on the media workers
 * given in lk_turn_conf.workers, or on that base without them
 * (relay/turnfwd.h has the hand-off; docs/turn.md, "Data path").
 *
 * Ownership: lk_turn_alloc() returns an object released with mem_deref()
 * (docs/architecture.md, "Ownership"), which closes every socket it was
 * given or opened.
 */

/* Everything the server needs, filled from the configuration by
 * lk_turn_conf_init() and shortenable by tests. */
struct lk_turn_conf {
	const char *address;		/* relay sockets bind here, numeric */
	struct lk_range relay;		/* relayed ports: pairs of the range */
	unsigned cooldown;		/* seconds a released pair rests */
	enum lk_port_order order;
	const char *realm;
	const char *users;		/* "name:password, ..." */
	const char *secret;		/* REST credentials; "" off */
	const char *allowed;		/* CIDRs opening the built-in list */
	const char *denied;		/* CIDRs denied on top of it */
	unsigned per_user;		/* 0: no cap; more: 486 */
	unsigned total;			/* 0: the range; more: 508 */
	unsigned max_lifetime;		/* seconds */
	unsigned default_lifetime;	/* RFC 8656 s.7.2: 600 s */
	unsigned perm_lifetime;		/* RFC 8656 s.9: 300 s */
	unsigned channel_lifetime;	/* RFC 8656 s.12: 600 s */
	unsigned reservation_lifetime;	/* RFC 8656 s.7.2: ~30 s */
	unsigned nonce_lifetime;	/* seconds a nonce is fresh */
	unsigned perms_max;		/* per allocation; more: 508 */
	unsigned channels_max;		/* per allocation; more: 508 */
	unsigned sweep_ms;		/* expiry timer period */
	/* [Media] Kernel forwarding: ChannelData in the kernel (kturn.h). */
	enum lk_kfwd_mode kfwd;
	struct sa own[LK_TURNPEER_OWN_MAX];	/* never reachable peers */
	unsigned nown;
	/*
	 * The media workers for the data path (relay/media.h,
	 * lk_media_workers()); none: on the control thread.  They must
	 * outlive the server.
	 */
	struct lk_worker *const *workers;
	unsigned nworkers;
	/* Monotonic milliseconds; NULL: common/clock.h.  For tests.  Called
	 * on the data path's thread too. */
	uint64_t (*clockh)(void *arg);
	void *clock_arg;
};

/* Counters per reason since start; `allocations` is the state now. */
struct lk_turn_stats {
	uint64_t allocations;		/* current */
	uint64_t allocations_made;
	uint64_t bindings;		/* Binding requests answered */
	uint64_t challenges;		/* 401 without credentials: normal */
	uint64_t challenges_limited;	/* 401/438 not sent: over 20/s/IP */
	uint64_t auth_failures;		/* 401 with bad credentials, 441 */
	uint64_t stale_nonces;		/* 438 */
	uint64_t denied_peers;		/* 403, and dropped Send/peer data */
	uint64_t quota;			/* 486 per user, 508 total/perms/chans */
	uint64_t exhausted;		/* 508: relay range exhausted */
	uint64_t malformed;		/* undecodable, 400, 420, bad ChannelData */
	uint64_t no_permission;		/* peer data or Send without one */
	uint64_t to_peer;		/* datagrams relayed to peers */
	uint64_t to_client;		/* datagrams relayed to clients */
	uint64_t kernel_to_peer;	/* ... of to_peer, by the kernel */
	uint64_t kernel_to_client;	/* ... of to_client, by the kernel */
	uint64_t kernel_entries;	/* kernel entries now (2 per channel) */
	uint64_t tcp_connections;	/* current TURN-over-TCP clients */
	uint64_t tcp_refused;		/* over the connection cap */
	uint64_t tcp_idle_closed;	/* no allocation for 30 s */
	uint64_t tcp_closed_malformed;	/* not STUN or ChannelData framing */
	uint64_t tcp_dropped;		/* data for a client that does not read */
	uint64_t busy_dropped;		/* requests over the hand-off queue */
	uint64_t send_errors;		/* relayed, not taken by the kernel */
	uint64_t recv_calls;		/* data path: recvmmsg() with data */
	uint64_t send_calls;		/* data path: sendmmsg() */
};

struct lk_turn;

/*
 * The server's configuration from `conf` ([TURN] keys; docs/turn.md):
 * RFC lifetimes, and as own sockets every listening port of the role on
 * "Address", the multiplexed media ports and the ng port.  `cfg` points
 * into `conf`, which must outlive lk_turn_alloc().
 */
void lk_turn_conf_init(struct lk_turn_conf *cfg, const struct lk_conf *conf);

/*
 * Make the server on `base`.  Returns EINVAL (with `errbuf` naming the
 * key) for bad credentials or peer lists, ENOMEM, or the port allocator's
 * error.  No socket is read until lk_turn_add_socket().
 */
int lk_turn_alloc(struct lk_turn **turnp, struct event_base *base,
		  const struct lk_turn_conf *cfg, char *errbuf, size_t errsz);

/*
 * Serve TURN on `fd`, a bound UDP socket (one of the TURN request ports);
 * the server owns it from now on, also on failure.  Returns 0, EINVAL,
 * ENOSPC past 16 sockets, ENOMEM.
 */
int lk_turn_add_socket(struct lk_turn *turn, int fd);

/* Expire what is due now (the timer does it every sweep_ms). */
void lk_turn_sweep(struct lk_turn *turn);

/*
 * Serve TURN over TCP (RFC 8656 s.3.1) on the listening socket `fd` (bound
 * and listening; taken over, closed on error or at its mem_deref()).  Each
 * connection is one client's 5-tuple; its allocation ends when it closes.
 */
int lk_turn_add_tcp_socket(struct lk_turn *turn, int fd);

/* The largest frame taken over TCP: a receive buffer's worth. */
#define LK_TURN_TCP_FRAME_MAX	8192

/*
 * RFC 8656 s.12.5 and RFC 8489 s.6.2.2: a TCP stream to the server carries
 * STUN messages (20 octets, then the length in their header) and
 * ChannelData (4 octets, then the length in its header, padded to a
 * multiple of 4).  Given the `have` octets at the stream's head: 0 with
 * the message's length (`msg`) and the octets it takes with its padding
 * (`frame`); EAGAIN when the frame is not all there; EBADMSG when the
 * stream is neither, or the frame is over LK_TURN_TCP_FRAME_MAX.
 */
int lk_turn_tcp_frame(const uint8_t *p, size_t have, size_t *msg,
		      size_t *frame);

void lk_turn_stats(const struct lk_turn *turn, struct lk_turn_stats *st);

/*
 * Feed one datagram as if it came from `src` to socket number `idx` (the
 * order of lk_turn_add_socket()); replies go out on that socket.  For the
 * fuzz target and tests.
 */
void lk_turn_input(struct lk_turn *turn, unsigned idx, const struct sa *src,
		   const uint8_t *p, size_t len);

#endif
