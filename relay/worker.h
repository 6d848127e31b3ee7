/* relay/worker.h  A media worker: a thread, its event base, the packet path. */
#ifndef LK_WORKER_H
#define LK_WORKER_H

#include <stdint.h>

#include "leg.h"

struct lk_worker;

/* Per-worker counters (single writer, relaxed atomics), summed on read. */
struct lk_worker_stats {
	uint64_t packets;		/* forwarded */
	uint64_t bytes;
	uint64_t malformed;		/* not RTP/RTCP/STUN, truncated, bad */
	uint64_t dropped_foreign;	/* after latching, another source */
	uint64_t dropped_unexpected;	/* before latching, not signalled IP */
	uint64_t dropped_held;		/* peer not latched or not set up */
	uint64_t dropped_direction;	/* RTP to a sendonly/inactive side */
	uint64_t dropped_no_leg;	/* unknown multiplexID */
	uint64_t stun_answered;
	uint64_t stun_ignored;
	uint64_t keepalives;		/* RTP keep-alives: latched, not sent */
	uint64_t send_errors;
	uint64_t recv_calls;		/* recvmmsg() calls that got data */
	uint64_t send_calls;		/* sendmmsg() calls */
};

/*
 * Start worker `index`: its event base and its thread.  The thread runs
 * until the last reference goes (mem_deref(): the thread finishes the
 * loop pass it is in, then everything is freed).  Returns 0 or an errno.
 */
int lk_worker_alloc(struct lk_worker **wp, unsigned index);

typedef void (lk_worker_call_h)(struct lk_worker *w, void *arg);

/*
 * Run `h(w, arg)` on the worker's thread and wait until it has run.  This
 * is how the control thread changes anything the worker reads: it costs a
 * wake-up and a round trip (microseconds), paid per signalling event,
 * never per packet.  Returns 0, or ESHUTDOWN once the worker has stopped.
 */
int lk_worker_call(struct lk_worker *w, lk_worker_call_h *h, void *arg);

/*
 * On the worker's thread only (inside an lk_worker_call() handler):
 */

/* Start (stop) receiving on a socket; the worker never closes the fd. */
int lk_worker_sock_add(struct lk_worker *w, struct lk_msock *ms);
void lk_worker_sock_del(struct lk_worker *w, struct lk_msock *ms);

/*
 * Multiplexed media (seed footnote **; H.460.19): bind this worker's
 * sockets on the multiplexed ports, RTP/RTCP pairs in `ports`; `shared`:
 * with SO_REUSEPORT, each worker a socket of its own on every mux port,
 * bound in worker order.  Returns 0 or the errno of the first failure,
 * with `errbuf` naming the port.
 */
int lk_worker_mux_open(struct lk_worker *w, const char *addr,
		       const uint16_t *ports, unsigned nports, bool shared,
		       char *errbuf, size_t errsz);

/*
 * On the first worker's shared mux sockets, after it bound and before
 * the others do: attach the classic BPF program that steers each
 * datagram to the socket of worker (multiplexID mod `group`), and from
 * then on draw this worker's IDs of that residue.  Each other worker of
 * the group is told with lk_worker_mux_group().  Returns 0 or an errno.
 */
int lk_worker_mux_steer(struct lk_worker *w, unsigned group);
void lk_worker_mux_group(struct lk_worker *w, unsigned group);

/* Give `leg` a free random multiplexID and a mux port pair; route it. */
int lk_worker_mux_add(struct lk_worker *w, struct lk_leg *leg);
void lk_worker_mux_del(struct lk_worker *w, struct lk_leg *leg);
unsigned lk_worker_mux_pairs(const struct lk_worker *w);
uint16_t lk_worker_mux_port(const struct lk_worker *w, unsigned pair,
			    unsigned comp);

/*
 * The kernel fast path this worker keeps in step with its latches
 * (relay/kfwd.h); NULL: none.  Set before the first stream arrives.
 */
struct lk_kfwd;
void lk_worker_set_kfwd(struct lk_worker *w, struct lk_kfwd *kf);
struct lk_kfwd *lk_worker_kfwd(const struct lk_worker *w);

/*
 * The worker's event base, for another module's packet path on this
 * worker (TURN's, relay/turnfwd.c): events on it are made, added and
 * freed only inside lk_worker_call() handlers.
 */
struct event_base;
struct event_base *lk_worker_base(struct lk_worker *w);

/* From any thread. */
void lk_worker_stats(const struct lk_worker *w, struct lk_worker_stats *st);
unsigned lk_worker_index(const struct lk_worker *w);

#endif
