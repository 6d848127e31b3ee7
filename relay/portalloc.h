/* relay/portalloc.h  RTP/RTCP port pairs and single ports from a range. */
#ifndef LK_PORTALLOC_H
#define LK_PORTALLOC_H

#include <stdint.h>

#include "conf.h"

/*
 * One allocator per configured range.  The media range gives RTP/RTCP
 * pairs (RTP even, RTCP = RTP + 1) and never a multiplexed port (seed,
 * footnotes ** and ***); the other ranges give single ports.  Take and
 * give-back are O(1) in the worst case.  A port given back rests for
 * `cooldown` seconds before it is handed out again, so that a late packet
 * of a finished call never reaches the next one.
 *
 * An allocator is not thread-safe: it belongs to the control thread, where
 * sessions are created and destroyed (docs/architecture.md, "Threads and
 * event loops").
 *
 * Ownership: lk_portalloc_alloc() returns a libre memory object; the
 * caller frees it with mem_deref().  It holds no sockets: the ports it
 * hands out are numbers, and the caller owns whatever it binds to them.
 */

struct lk_portalloc;

enum lk_portalloc_mode {
	LK_PORTALLOC_PAIRS = 0,		/* RTP even, RTCP = RTP + 1 */
	LK_PORTALLOC_SINGLES,
};

/* The ranges of the seed an allocator can be made for. */
enum lk_portalloc_use {
	LK_PORTALLOC_MEDIA = 0,		/* seed Y_C/Y_E: pairs, minus mux */
	LK_PORTALLOC_TURN_RELAY,	/* seed: TURN relay media, UDP */
	LK_PORTALLOC_SIP_TCP_OUT,	/* seed A: SIP TCP outbound */
	LK_PORTALLOC_H323_CALLSIG,	/* seed P: H.323 call signalling */
	LK_PORTALLOC_UDP_EPHEMERAL,	/* seed Ve */
	LK_PORTALLOC_TCP_EPHEMERAL,	/* seed Ue */
};

/* Monotonic time in milliseconds; must never go backwards. */
typedef uint64_t (lk_portalloc_clock_h)(void *arg);

/*
 * Bind `port` (in pairs mode: `port` and `port + 1`, both) and keep the
 * socket(s) in `arg`.  Return 0 when bound.  On failure close whatever was
 * opened and return the errno: EADDRINUSE means "this port is taken by
 * another socket" and makes lk_portalloc_take_bound() try another port;
 * any other error is returned to its caller as it is.
 */
typedef int (lk_portalloc_bind_h)(uint16_t port, void *arg);

struct lk_portalloc_conf {
	const char *name;		/* for logs: "media"; copied */
	struct lk_range range;		/* inclusive, start >= 1 */
	enum lk_portalloc_mode mode;
	const uint16_t *exclude;	/* never handed out; read at alloc */
	unsigned nexclude;
	unsigned cooldown;		/* seconds a given-back port rests */
	enum lk_port_order order;
	lk_portalloc_clock_h *clockh;	/* NULL: CLOCK_MONOTONIC_COARSE */
	void *clock_arg;
	uint64_t seed;			/* 0: from getrandom(); else fixed */
};

/*
 * Counters since the allocator was made, and the state now.  Every port
 * that can be handed out is in exactly one of held, free and cooling:
 * nheld + nfree + ncooling == capacity.
 */
struct lk_portalloc_stats {
	unsigned capacity;		/* pairs or ports the range gives */
	unsigned nheld;
	unsigned nfree;
	unsigned ncooling;		/* given back, cool-down not over */

	uint64_t taken;			/* handed out to a caller */
	uint64_t given_back;
	uint64_t exhausted;		/* takes answered ENOSPC */
	uint64_t exhausted_cooling;	/* ... of them, while ports cooled */
	uint64_t bind_conflicts;	/* binds that found the port taken */
	uint64_t bad_giveback;		/* give-backs refused */
};

/* Tries of lk_portalloc_take_bound() before it gives up on a take. */
#define LK_PORTALLOC_BIND_TRIES 64

/*
 * Fill `cfg` for one of the seed's ranges of `conf`: pairs for the media
 * range, singles for the others; the multiplexed ports of `conf` are
 * excluded from every range; cool-down and order from "Media".  `cfg`
 * points into `conf` (the excluded ports), so `conf` must outlive the
 * lk_portalloc_alloc() call.  Returns EINVAL for an unknown `use`.
 */
int lk_portalloc_conf_init(struct lk_portalloc_conf *cfg,
			   const struct lk_conf *conf,
			   enum lk_portalloc_use use);

/*
 * Make an allocator for `cfg`; all its ports start free.  Returns EINVAL
 * when the range is empty or inverted, starts at port 0, has no port left
 * once the excluded ones are taken out, or a mode or order is unknown;
 * ENOMEM.
 */
int lk_portalloc_alloc(struct lk_portalloc **pap,
		       const struct lk_portalloc_conf *cfg);

/*
 * Take a port: in pairs mode the RTP port (even; RTCP is *portp + 1).
 * Random order picks uniformly among the free ports; sequential order
 * hands them out ascending, then round-robin in the order they come back.
 * Returns ENOSPC when no port is free (callers answer rtpengine's "Ran out
 * of ports"); that is counted in `exhausted`, and in `exhausted_cooling`
 * too when some ports were only cooling down.
 */
int lk_portalloc_take(struct lk_portalloc *pa, uint16_t *portp);

/*
 * Take a port and bind it with `bindh`.  A port that `bindh` finds taken
 * (EADDRINUSE: another socket on this host holds it, most often one the
 * kernel gave out from its ephemeral range) is counted in `bind_conflicts`
 * and put to cool down, so it is neither lost nor retried at once; the next
 * free port is tried, up to LK_PORTALLOC_BIND_TRIES times.  Returns 0 with
 * the bound port in *portp; ENOSPC when the free ports ran out; EADDRINUSE
 * when every try conflicted; or the first other error of `bindh`, after
 * which the port is free again (it was not at fault).
 */
int lk_portalloc_take_bound(struct lk_portalloc *pa,
			    lk_portalloc_bind_h *bindh, void *arg,
			    uint16_t *portp);

/*
 * Give back a port taken from `pa` (the RTP port in pairs mode); it rests
 * for the cool-down, then is free.  Refused and counted in `bad_giveback`,
 * without any change of state: EALREADY when it was given back already and
 * not taken since; EINVAL when it was never taken, is excluded, or is not
 * a port of this range.  A port is known by its number only: a stale
 * give-back after the port went out again frees the new holder's port,
 * which no allocator can tell from a correct one.
 */
int lk_portalloc_give(struct lk_portalloc *pa, uint16_t port);

/* Counters and state; ports whose cool-down is over count as free. */
int lk_portalloc_stats(struct lk_portalloc *pa, struct lk_portalloc_stats *st);

/* The allocator's name, as given in its configuration. */
const char *lk_portalloc_name(const struct lk_portalloc *pa);

#endif
