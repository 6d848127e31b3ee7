/* signalling/h323/callsig.h  Gatekeeper-routed H.225.0 call signalling on the Call signaling TCP port (1720). */
#ifndef LK_H323_CALLSIG_H
#define LK_H323_CALLSIG_H

#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"
#include "h323/asn.h"
#include "hist.h"

/*
 * The gatekeeper's routed call signalling (H.225.0 7.3, 8.1.3 "gatekeeper
 * routed call signalling"; seed rows M and P): an endpoint opens a TCP
 * connection to the Call signaling TCP port and sends its Setup there;
 * the gatekeeper finds the callee, opens a connection of its own from
 * the Call signaling port range and relays the call's Q.931 messages
 * between the two, each with its own call reference.
 *
 * Routing: a registered destinationAddress alias, by `locateh` (the
 * gatekeeper's registration table); else, for each alias in order (and
 * then the called party number as dialedDigits), the first
 * `[Dial plan]` route to an H.323 host (transport h323) or into a
 * traversal zone (`zone N`, through `zoneh`) that matches the alias as
 * "user@host".  Without a match the caller gets Release
 * Complete calledPartyNotRegistered; a callee that cannot be reached,
 * Release Complete unreachableDestination.  The Setup's
 * destCallSignalAddress is never dialled by itself: latchkey is not an
 * open relay.
 *
 * A call is a protocol-neutral struct lk_sigcall (signalling/call/call.h)
 * with the two connections as its legs: Call Proceeding, Alerting,
 * Progress and Connect move it on; Release Complete from either side, or
 * either connection lost, or a DRQ (lk_h323_callsig_disengage()), releases
 * the other side and ends the call (and both connections).  Facility, Information, Notify, Status and the rest
 * pass through.  The user-user IEs, with callIdentifier and conferenceID,
 * are passed on as they came, but for their media: with `media` set, the
 * mediaChannel / mediaControlChannel addresses of fastStart and tunnelled
 * H.245 become the relay's (the caller's are the media core's offer, the
 * callee's its answer, as a SIP call's SDP), and an h245Address becomes
 * a listener of ours from the Call signaling port range, whose connection
 * is relayed to the real one with the same rewriting of each H.245
 * message.  The media session ends with the call.
 *
 * Bad input: a stream that cannot be framed (not a TPKT), a message that
 * is not Q.931 or whose user-user IE does not decode, is counted
 * (`malformed`) and closes its connection, releasing the call.  An empty
 * TPKT is a keep-alive and is counted only.
 *
 * Ownership: lk_h323_callsig_alloc() takes the listening socket; every
 * connection and call is freed with the object (mem_deref()).  Control
 * thread only.
 */

/*
 * Seconds a call may take from our Setup to the callee until its Connect
 * (H.225.0 routed calls; no Expressway setting bounds it, so this is
 * Q.931's T301, "Alerting received" to Connect, whose minimum is 3 min,
 * Q.931 Table 9-1; SIP's Timer C is 181 s).  A call not connected by
 * then is released on both sides: the caller gets Release Complete cause
 * 19 "no answer from user" (18 "no user responding" when the callee did
 * not even alert), the callee cause 102 "recovery on timer expiry".
 */
#define LK_H323_ANSWER_TIMEOUT 180

struct event_base;
struct lk_h323_callsig;
struct lk_media;

/*
 * Where a call to one of `aliases` (a SEQUENCE OF AliasAddress: a Setup's
 * destinationAddress) goes when one is registered: 0 with the
 * registration's callSignalAddress in *csa, or ENOENT.  The daemon passes
 * the gatekeeper's lk_h323_gk_route().
 */
typedef int (lk_h323_locate_h)(const struct lk_asn_val *aliases,
			       struct sockaddr_in *csa, void *arg);

/*
 * H.460.18 (h460.h): is the callee found at `reg` (what locateh gave) an
 * endpoint to be told by ServiceControlIndication?  0 or EALREADY: an SCI
 * for call `callid` is on its way and the Setup waits until the endpoint
 * connects to us with a Facility naming the call (H.460.18 8.3); ENOENT:
 * no, connect to it.  With `cancel` the SCI's repeats stop.  The daemon
 * passes the gatekeeper's lk_h323_ras_sci().
 */
typedef int (lk_h323_sci_h)(const struct sockaddr_in *reg,
			    const uint8_t callid[16], bool cancel, void *arg);

/*
 * A dial plan `zone N` route matched (the traversal zone's H.323 side,
 * zone.h: lk_h323_zones_route()): 0 with where the call goes (Expressway:
 * the Control's RAS binding, told by SCI through scih; Control: the
 * Expressway's call signalling port), or ENOENT when the zone is not up.
 */
typedef int (lk_h323_zone_h)(unsigned zone, struct sockaddr_in *dst,
			     void *arg);

/*
 * Is `peer` (a caller's address) a traversal zone's client, the Control
 * behind its firewall (zone.h: lk_h323_zones_is_client())?  Its media is
 * then waited for, never sent to first.
 */
typedef bool (lk_h323_zone_client_h)(const struct sockaddr_in *peer,
				     void *arg);

/*
 * H.460.19 (h46019.h): is the callee at `reg` a media traversal client,
 * and is its media multiplexed (*muxp)?  lk_h323_gk_h46019().
 */
typedef bool (lk_h323_h46019_h)(const struct sockaddr_in *reg, bool *muxp,
				void *arg);

struct lk_h323_callsig_conf {
	const struct lk_conf *conf;	/* address, range, dial plan; kept */
	lk_h323_locate_h *locateh;	/* NULL: no registrations */
	lk_h323_sci_h *scih;		/* NULL: no H.460.18 */
	lk_h323_zone_h *zoneh;		/* NULL: `zone N` routes unused */
	lk_h323_zone_client_h *zone_clienth;	/* NULL: none */
	lk_h323_h46019_h *h46019h;	/* NULL: no H.460.19 callees */
	uint32_t h46019_keepalive;	/* s, told H.460.19 clients; 0: 19 */
	uint16_t h46018_port;		/* H.460.18 H.245 (2777); 0: none */
	int h46018_fd;			/* its listening socket (taken, with
					 * h46018_port set): h245port.h */
	struct lk_media *media;		/* NULL: fastStart passes as it is */
	void *arg;
	unsigned max_conns;		/* 0: 4096 */
	unsigned setup_timeout;		/* s for a Setup, and to connect: 0
					 * means 30 */
	unsigned answer_timeout;	/* s from Setup to Connect: 0 means
					 * LK_H323_ANSWER_TIMEOUT */
};

struct lk_h323_callsig_stats {
	uint64_t connections;		/* accepted */
	uint64_t refused;		/* accepted over max_conns, closed */
	uint64_t conn_out;		/* opened to a callee */
	uint64_t conn_failed;		/* could not reach a callee */
	uint64_t messages;		/* Q.931 messages received */
	uint64_t keepalives;		/* empty TPKTs */
	uint64_t malformed;		/* framing, Q.931 or UU-PDU errors */
	uint64_t unexpected;		/* wrong call reference, no call */
	uint64_t timeouts;		/* no Setup, or no connection, in time */
	uint64_t no_answer;		/* not connected within answer_timeout */
	uint64_t calls;			/* Setups taken */
	uint64_t routed_registered;	/* ... to a registered alias */
	uint64_t routed_dialplan;	/* ... by a dial plan route */
	uint64_t not_found;		/* calledPartyNotRegistered */
	uint64_t unreachable;		/* unreachableDestination */
	uint64_t connected;		/* Connect passed on */
	uint64_t h46018_held;		/* Setups held for an SCI's callee */
	uint64_t h46018_picked;		/* ... which connected and got it */
	uint64_t zone_pickups;		/* SCIs of a zone we connected out for
					 * (Control) */
	uint64_t routed_zone;		/* Setups sent into a traversal zone */
	uint64_t h46019_sides;		/* H.460.19 media traversal clients */
	uint64_t h46019_mux;		/* ... whose media is multiplexed */
	uint64_t h46019_bad;		/* their parameters refused */
	uint64_t disengaged;		/* cleared by a DRQ */
	unsigned active_calls;
	unsigned active_conns;
	/* Set-up time of connected calls: Setup taken to Connect passed
	 * on, seconds (lk_hist_call_setup_bounds, as SIP's). */
	struct lk_hist setup;
};

/*
 * Serve call signalling on `fd` (a bound, listening TCP socket, which it
 * then owns).  Outgoing connections are bound to `[System] Address` and a
 * port of the Call signaling port range; with an IPv6 address (not
 * served yet) every call gets Release Complete unreachableDestination.
 * EINVAL, ENOMEM, or the port allocator's error.
 */
int lk_h323_callsig_alloc(struct lk_h323_callsig **csp,
			  struct event_base *base, int fd,
			  const struct lk_h323_callsig_conf *cfg);

void lk_h323_callsig_stats(const struct lk_h323_callsig *cs,
			   struct lk_h323_callsig_stats *st);

/*
 * The listener of call `callid`'s separate H.245 (the caller's
 * h245Address) when its callee is an H.460.18 endpoint that was told our
 * h46018_port instead: for h245port.c (lk_h323_h245port_find_h; `arg`
 * is the callsig object).  0 with *to, or ENOENT.
 */
int lk_h323_callsig_h245_target(const uint8_t callid[16],
				struct sockaddr_in *to, void *arg);

/*
 * The traversal client's side of H.460.18 8.3 (the Control, zone.h): the
 * Expressway told us of call `callid` by SCI; connect out from the Call
 * signaling port range to `csa` (its 1720) and send a Facility (reason
 * undefinedReason) with the callIdentifier.  The Setup that comes back on
 * the connection is taken as any caller's (routed by registration or dial
 * plan); none within setup_timeout closes it.  0, or the error of the
 * port range or of libevent.
 */
int lk_h323_callsig_zone_pickup(struct lk_h323_callsig *cs,
				const struct sockaddr_in *csa,
				const uint8_t callid[16]);

/*
 * Does `conf`'s dial plan have an H.323 route (a host route with h323, or
 * a `zone N` route) for one of `aliases` (a
 * SEQUENCE OF AliasAddress, e.g. an ARQ's destinationInfo)?  0 if so,
 * else ENOENT: what the gatekeeper asks before it admits a call to an
 * alias nobody registered (lk_h323_gk_admit_h).
 */
int lk_h323_callsig_routable(const struct lk_conf *conf,
			     const struct lk_asn_val *aliases);

/*
 * A DRQ (H.225.0 7.11) from `from` disengaged the call whose
 * callIdentifier is `callid` (16 octets): both legs get Release Complete
 * (undefinedReason, cause 16 normal call clearing), the media session
 * and the call end, logged with `reason` (the DRQ's disengageReason).
 * Only a party to the call may clear it: `from`'s address must be one of
 * its legs' (the DRQ's source and the call signalling connection share
 * the endpoint's address, NAT or not).  0, or ENOENT when no such call
 * is up (it was released already, the usual order of H.323 8.5).
 */
int lk_h323_callsig_disengage(struct lk_h323_callsig *cs,
			      const uint8_t *callid,
			      const struct sockaddr_in *from,
			      const char *reason);

#endif
