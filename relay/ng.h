/* relay/ng.h  Session control: the subset of rtpengine's ng protocol that SIP proxies use. */
#ifndef LK_NG_H
#define LK_NG_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct event_base;
struct lk_media;
struct lk_ng;

/*
 * Listen for ng requests on the configured UDP address (Session control >
 * Listen, default 127.0.0.1:2223) on the control thread's `base`, and
 * drive `media` with them.  Returns 0 or an errno, with `errbuf` naming
 * the address and the reason.  mem_deref() closes the socket and frees
 * the server; `media` must outlive it.
 */
int lk_ng_alloc(struct lk_ng **ngp, struct event_base *base,
		const struct lk_conf *conf, struct lk_media *media,
		char *errbuf, size_t errsz);

/*
 * Handle one request datagram and write the reply datagram (cookie, space,
 * bencode dictionary) into `out`.  `from` identifies the sender for the
 * retransmission cache (NULL: no caching).  Returns 0 and the length in
 * `*lenp`, or an errno when no reply can be given at all (no cookie).
 * Exposed for the tests and the fuzz target; the server uses it too.
 */
int lk_ng_handle(struct lk_ng *ng, const void *req, size_t len,
		 const void *from, size_t fromlen, char *out, size_t size,
		 size_t *lenp);

struct lk_ng_stats {
	uint64_t requests;
	uint64_t retransmits;	/* answered from the cache */
	uint64_t errors;	/* replies with result "error" */
	uint64_t malformed;	/* no cookie or no dictionary */
};

void lk_ng_stats(const struct lk_ng *ng, struct lk_ng_stats *st);

/*
 * Drop counters of a port outside the media core: today the placeholder
 * listeners of protocols latchkeyd does not serve yet (H.323, TURN), which
 * count and drop what arrives.  "statistics" lists them under "listeners".
 */
struct lk_ng_listener {
	const char *transport;		/* "udp", "tcp" */
	uint16_t port;
	const char *purpose;		/* "H.225 RAS" */
	uint64_t dropped;		/* datagrams dropped */
	uint64_t closed;		/* connections accepted and closed */
};

#define LK_NG_LISTENERS_MAX 64

/* Fill up to `max` entries; return how many. */
typedef unsigned (lk_ng_listeners_h)(struct lk_ng_listener *out, unsigned max,
				     void *arg);

/*
 * Where "statistics" reads the listeners' counters (the daemon wires
 * signalling/listen.c here: relay/ cannot see it).  NULL: none listed.
 * Called on the control thread, as every ng request.
 */
void lk_ng_set_listeners(struct lk_ng *ng, lk_ng_listeners_h *h, void *arg);

struct lk_turn;

/*
 * Add the TURN server's counters to the "statistics" reply, as a "turn"
 * dictionary inside "statistics" (docs/turn.md, "Counters").  `turn` must
 * outlive `ng`, or be unset with NULL first.
 */
void lk_ng_set_turn(struct lk_ng *ng, const struct lk_turn *turn);

#endif
