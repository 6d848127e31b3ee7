/* signalling/h323/zone.h  The H.323 side of a traversal zone: the Control registers out to the Expressway's zone port (6001). */
#ifndef LK_H323_ZONE_H
#define LK_H323_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"

/*
 * Seed, "H.323 traversal call using H.460.18 / 19": the Control (role
 * control, the traversal client) sends from its RAS port (R_C, 1719) to
 * the Expressway's zone port (D, 6001 for zone 1); calls then go out from
 * its call signalling range (P) to the Expressway's 1720 (M) and 2777 (U).
 * Nothing is ever opened from the DMZ into the private network.
 *
 * The scheme (docs/h323.md, "Traversal zone"): the Control registers as
 * an H.460.18 endpoint of the Expressway's zone gatekeeper (H.225.0 7.9
 * RRQ with featureSet standard 18, H.460.18 7.2), every RRQ carrying an
 * H.235 cryptoEPPwdHash of the zone's Username and Password (h235.h).
 * The registration's timeToLive is the zone's Keep-alive interval; the
 * Control refreshes it with lightweight RRQs (keepAlive TRUE), which keep
 * the firewall's UDP binding open.  Calls for the zone reach it by
 * ServiceControlIndication on that binding (H.460.18 8.2, h460.h), as
 * for any H.460.18 endpoint.
 *
 * Client (lk_h323_zonec): a state machine with no I/O, so that it can be
 * tested without sockets: lk_h323_zonec_tick() and lk_h323_zonec_input()
 * queue what is to be sent, lk_h323_zonec_pop() gives it.
 *  - down: a full RRQ is due at `next` (at once after start or after a
 *    URQ or an RRJ fullRegistrationRequired, the Retry interval after a
 *    failure);
 *  - registering / refreshing: the RRQ is repeated (same requestSeqNum,
 *    H.225.0 7.6) LK_H323_ZONEC_RETRY_MS apart, LK_H323_ZONEC_TRIES times
 *    in all; no RCF by then: down, next try in Retry interval;
 *  - registered: a keep-alive RRQ at two thirds of the timeToLive the RCF
 *    gave.  An RRJ fullRegistrationRequired (the Expressway restarted, or
 *    the registration expired there) makes it register again at once; any
 *    other RRJ (securityDenial: wrong credentials) waits Retry interval.
 * SCIs from the Expressway are answered with an SCR (same requestSeqNum)
 * and handed to the incoming-call hook, once per call (a repeat, sent
 * because our SCR was lost, is answered and not followed again: H.460.18
 * 8.2).  Only datagrams from the peer's
 * address and port are for it.
 */

#define LK_H323_ZONEC_RETRY_MS 2000
#define LK_H323_ZONEC_TRIES 3
/* How many calls' SCIs it remembers, to follow a repeated one once. */
#define LK_H323_ZONEC_RECENT 16

enum lk_h323_zonec_state {
	LK_H323_ZONEC_DOWN = 0,
	LK_H323_ZONEC_REGISTERING,	/* full RRQ sent, no RCF yet */
	LK_H323_ZONEC_REGISTERED,
	LK_H323_ZONEC_REFRESHING,	/* registered, keep-alive RRQ sent */
};

/*
 * An SCI's IncomingCallIndication: the Expressway has call `callid` for
 * us, to be picked up by connecting to `csa` and sending a Facility
 * (H.460.18 8.3).
 */
typedef void (lk_h323_zonec_call_h)(unsigned zone,
				    const struct sockaddr_in *csa,
				    const uint8_t callid[16], void *arg);

struct lk_h323_zonec_params {
	unsigned zone;			/* N, from 1 */
	struct sockaddr_in peer;	/* the Expressway's zone port */
	struct sockaddr_in ras;		/* ours (rasAddress) */
	struct sockaddr_in csa;		/* ours (callSignalAddress) */
	const char *user;		/* "" or NULL: no token sent */
	const char *password;
	unsigned ttl;			/* s, asked for: Keep-alive interval */
	unsigned retry;			/* s: Retry interval */
	lk_h323_zonec_call_h *callh;
	void *arg;
};

/* A zone's H.323 state for the operator (both roles). */
struct lk_h323_zone_info {
	unsigned number;
	bool client;
	bool registered;
	char peer[64];			/* client: the Expressway's zone port;
					 * server: the client's RAS binding
					 * ("" when none) */
	uint64_t since;			/* unix s of the last change of
					 * `registered`; 0: never */
	uint64_t last_keepalive;	/* unix s of the last RCF / keep-alive
					 * taken; 0: never */
	uint64_t registrations, keepalives, failures, rejected, denied;
	uint64_t malformed, ignored, sci;
};

struct lk_h323_zonec;

int lk_h323_zonec_alloc(struct lk_h323_zonec **zcp,
			const struct lk_h323_zonec_params *p);
/* What is due at now_ms (unix seconds `unix_s` for the token). */
void lk_h323_zonec_tick(struct lk_h323_zonec *zc, uint64_t now_ms,
			uint64_t unix_s);
/*
 * One datagram from the peer: 0, or EBADMSG for one that does not decode
 * (counted, logged rate-limited), ENOENT for a message it has no use for
 * (counted).
 */
int lk_h323_zonec_input(struct lk_h323_zonec *zc, const uint8_t *p,
			size_t len, uint64_t now_ms, uint64_t unix_s);
/* The next datagram to send to the peer: 0, or ENOENT when none. */
int lk_h323_zonec_pop(struct lk_h323_zonec *zc, uint8_t *buf, size_t cap,
		      size_t *len);
enum lk_h323_zonec_state lk_h323_zonec_state(const struct lk_h323_zonec *zc);
void lk_h323_zonec_info(const struct lk_h323_zonec *zc,
			struct lk_h323_zone_info *info);

/*
 * The daemon's side: every zone of `conf` on its role.
 *  - Control: a client per zone with a Peer address, sending from the
 *    gatekeeper's RAS socket `ras` (taking the datagrams from each peer).
 *  - Expressway: a zone gatekeeper per zone on the zone's H.323 port
 *    (fds[N-1]: the bound UDP socket of zone N, taken over; -1 when
 *    none, the zone is then not served), which takes only RRQs whose token matches
 *    the zone's credentials (none when the zone has no Username), and
 *    replaces an older registration by a newer one.
 */
struct event_base;
struct lk_h323_ras;
struct lk_h323_gk;
struct lk_h323_zones;

int lk_h323_zones_alloc(struct lk_h323_zones **zsp, struct event_base *base,
			const struct lk_conf *conf, int *fds,
			struct lk_h323_ras *ras, char *errbuf, size_t errsz);

/* Installed by the daemon: where an SCI's call is picked up (callsig). */
void lk_h323_zones_set_call(struct lk_h323_zones *zs,
			    lk_h323_zonec_call_h *h, void *arg);

/*
 * Where a call routed to zone `zone` (a dial plan `zone N` route) goes:
 * 0 with *dst (Expressway: the client's RAS binding, which the call's SCI
 * goes to; Control: the Expressway's call signalling port, seed M),
 * ENOENT when the zone is not up (not registered), EINVAL for no such
 * zone.
 */
int lk_h323_zones_route(const struct lk_h323_zones *zs, unsigned zone,
			struct sockaddr_in *dst);

/*
 * lk_h323_sci_h (callsig.h) for the Expressway's zones: an SCI through
 * the zone gatekeeper that holds `reg`, or ENOENT when none does (and
 * always ENOENT for `cancel`, which every zone gatekeeper is told).
 */
int lk_h323_zones_sci(struct lk_h323_zones *zs,
		      const struct sockaddr_in *reg, const uint8_t callid[16],
		      bool cancel);

/* Is `peer`'s IP address that of a zone's registered client (Expressway)? */
bool lk_h323_zones_is_client(const struct lk_h323_zones *zs,
			     const struct sockaddr_in *peer);

unsigned lk_h323_zones_info(const struct lk_h323_zones *zs,
			    struct lk_h323_zone_info *out, unsigned max);

#endif
