/* relay/turnfwd.h  TURN's relayed data path (RFC 8656 s.11-12) on a media worker, batched like media. */
#ifndef LK_TURNFWD_H
#define LK_TURNFWD_H

#include <stdint.h>
#include <stddef.h>

#include <re.h>

#include "turnpeer.h"

/*
 * The data path of established allocations: ChannelData from clients to
 * peers (s.12.5), and what peers send to Data indications or ChannelData
 * (s.11.4, s.12.4).  One lk_turnfwd serves one UDP request socket (and
 * the allocations made through it) on one thread: a media worker's
 * (relay/worker.h) or, without workers, the control thread's event base.
 * relay/turn.c keeps every TURN method on the control thread and this the
 * packets.
 *
 * Threads and the hand-off (as media's latching state, relay/leg.h): the
 * control thread owns an allocation and its authoritative permissions and
 * channels; the lk_turnfwd_alloc below is a copy of what the data path
 * needs, which only the lk_turnfwd's thread reads or writes.  Every change
 * (a new allocation, a permission or channel installed, refreshed or
 * expired, the end) is pushed by a synchronous lk_worker_call() before the
 * control thread answers the request that made it, so a client never
 * sends data that its own success response allowed before the data path
 * knows.  Expiry times are in the TURN clock (lk_turn_conf.clockh), and
 * the data path checks them per packet as the control path does.
 *
 * Every datagram of the request socket that is not ChannelData or a plain
 * Send indication (lk_turnfwd_send_parse()) goes to the control thread's
 * handler (requests, other indications, garbage): called directly without a worker, else
 * copied to a bounded queue (LK_TURNFWD_HANDOFF_MAX; more: dropped and
 * counted) that an eventfd on the control thread's base drains.
 */

#define LK_TURNFWD_PERMS_MAX	64
#define LK_TURNFWD_CHANS_MAX	64
/* Datagrams waiting for the control thread (requests), then dropped. */
#define LK_TURNFWD_HANDOFF_MAX	1024
/* The largest datagram relayed from a peer: far above any media packet,
 * and with a Data indication's 44 octets still inside one datagram. */
#define LK_TURNFWD_DATA_MAX	8192

struct lk_turnfwd_perm {
	struct sa addr;			/* the peer's IP; port ignored */
	uint64_t expires;		/* ms, TURN clock */
};

struct lk_turnfwd_chan {
	uint16_t num;
	struct sa peer;
	uint64_t expires;
};

/* What an allocation's data path may do: the control thread's copy. */
struct lk_turnfwd_state {
	struct lk_turnfwd_perm perms[LK_TURNFWD_PERMS_MAX];
	unsigned nperms;
	struct lk_turnfwd_chan chans[LK_TURNFWD_CHANS_MAX];
	unsigned nchans;
};

/*
 * In `s` at `now`: the live permission for the IP of `peer`, the live
 * channel `num`, the live channel to `peer` (address and port); NULL:
 * none.  Pure lookups, for either copy.
 */
struct lk_turnfwd_perm *lk_turnfwd_perm_find(struct lk_turnfwd_state *s,
					     const struct sa *peer,
					     uint64_t now);
struct lk_turnfwd_chan *lk_turnfwd_chan_by_num(struct lk_turnfwd_state *s,
					       uint16_t num, uint64_t now);
struct lk_turnfwd_chan *lk_turnfwd_chan_by_peer(struct lk_turnfwd_state *s,
						const struct sa *peer,
						uint64_t now);

/*
 * A Send indication (RFC 8656 s.11.2) in the plain form the data path
 * relays itself: the header, then only XOR-PEER-ADDRESS and DATA, once
 * each, and FINGERPRINT (checked) last if at all.  Returns 0 with the
 * peer and the data (pointing into `p`); ENOENT when `p` is not a Send
 * indication; EBADMSG for one in any other form, which the control
 * thread's STUN decoder then takes as before (other attributes, bad
 * lengths, a wrong FINGERPRINT: relay/turn.c, on_send()).
 */
int lk_turnfwd_send_parse(const uint8_t *p, size_t len, struct sa *peer,
			  const uint8_t **data, size_t *dlen);

/* Counters since start; single writer (the data path), relaxed atomics. */
struct lk_turnfwd_stats {
	uint64_t to_peer;		/* ChannelData relayed to peers */
	uint64_t to_client;		/* peer datagrams relayed to clients */
	uint64_t denied_peers;		/* peer datagrams from denied peers */
	uint64_t no_permission;		/* ... without a permission/channel */
	uint64_t malformed;		/* bad ChannelData, truncated */
	uint64_t handoff_dropped;	/* the control thread's queue full */
	uint64_t send_errors;		/* not sent: socket buffer full */
	uint64_t recv_calls;		/* recvmmsg() calls that got data */
	uint64_t send_calls;		/* sendmmsg() calls */
};

struct lk_turnfwd;
struct lk_turnfwd_alloc;
struct lk_worker;
struct event_base;

/*
 * A datagram for the control thread, from request socket `lidx`; `p` is
 * valid for the call only.  Runs on the control thread.
 */
typedef void (lk_turnfwd_ctl_h)(void *arg, unsigned lidx,
				const struct sa *src, const uint8_t *p,
				size_t len);

/* A datagram to a client that is not on a UDP request socket (TCP). */
typedef void (lk_turnfwd_out_h)(void *arg, const uint8_t *p, size_t len);

/*
 * A data path on worker `w` (NULL: on `ctl`, the control thread's base).
 * `peers` is read (never written) on the data path's thread and must
 * outlive it; `clockh` (NULL: common/clock.h) likewise.  Returns 0 or
 * ENOMEM.  Control thread.
 */
int lk_turnfwd_alloc(struct lk_turnfwd **fp, struct event_base *ctl,
		     struct lk_worker *w, const struct lk_turnpeer *peers,
		     uint64_t (*clockh)(void *arg), void *clock_arg,
		     lk_turnfwd_ctl_h *ctlh, void *ctl_arg);

/*
 * Read UDP request socket `fd` (number `lidx` of the server) on the data
 * path; the caller keeps owning the fd (and may send on it from its own
 * thread) and closes it when the data path is released (mem_deref()).  One socket per
 * lk_turnfwd.  Returns 0 or ENOMEM.
 */
int lk_turnfwd_listen(struct lk_turnfwd *f, int fd, unsigned lidx);

/*
 * An allocation's data path: relay socket `relay_fd` is read from now on
 * (the caller keeps owning it and closes it after lk_turnfwd_del()).  To
 * the client `client` on the request socket, or, when `outh` is set, to
 * `outh` (TCP, only for an lk_turnfwd on the control thread; such an
 * allocation takes ChannelData through lk_turnfwd_channeldata()).
 * Returns 0 or ENOMEM.  Control thread.
 */
int lk_turnfwd_add(struct lk_turnfwd *f, struct lk_turnfwd_alloc **fap,
		   int relay_fd, const struct sa *client,
		   lk_turnfwd_out_h *outh, void *out_arg);

/* Replace the allocation's permissions and channels with `st`. */
int lk_turnfwd_update(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
		      const struct lk_turnfwd_state *st);

/*
 * The kernel fast path (relay/kturn.h), NULL: none.  Set before the
 * first allocation, on the control thread.
 */
struct lk_kturn;
void lk_turnfwd_set_kturn(struct lk_turnfwd *f, struct lk_kturn *kt);

/*
 * Make the allocation's kernel entries (relay/kturn.h) those of `st`
 * now: one pair per live channel whose peer has a live permission, none
 * for a TCP client or an address that is not IPv4.  lk_turnfwd_update()
 * does it after the worker took `st`; the server's sweep, through
 * lk_turnfwd_kernel_expire(), so that what expired leaves the map (the
 * program stops at the deadline itself).
 * Control thread; no-op without a kernel fast path.
 */
void lk_turnfwd_kernel_sync(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			    const struct lk_turnfwd_state *st);

/*
 * The same, only when one of the allocation's entries has expired (the
 * sweep's call: nothing to do for most allocations most of the time).
 */
void lk_turnfwd_kernel_expire(struct lk_turnfwd *f,
			      struct lk_turnfwd_alloc *fa,
			      const struct lk_turnfwd_state *st);

/* Stop reading its relay socket, send what is queued, free it. */
void lk_turnfwd_del(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa);

/*
 * ChannelData `p` (its 4-octet header first) from the client of `fa`, on
 * the data path's thread (TCP: the control thread).
 */
void lk_turnfwd_channeldata(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			    const uint8_t *p, size_t len);

/*
 * A datagram as if read from the request socket (tests, fuzz target): run
 * on the data path's thread and waited for.
 */
void lk_turnfwd_input(struct lk_turnfwd *f, const struct sa *src,
		      const uint8_t *p, size_t len);

/* Add this data path's counters to `st` (any thread). */
void lk_turnfwd_stats_add(const struct lk_turnfwd *f,
			  struct lk_turnfwd_stats *st);

/*
 * The data path is released with mem_deref() on the control thread, after
 * every allocation was deleted: it stops reading and frees.
 */

#endif
