/* signalling/sip/b2bua.h  Calls through the relay: two dialogs, routing, SDP rewritten by the media core. */
/*
 * The B2BUA: one mem_zalloc object per role, released with mem_deref(),
 * which ends every call it still holds.
 */
#ifndef LK_B2BUA_H
#define LK_B2BUA_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"

#include "conf.h"
#include "sip/transport.h"

struct event_base;
struct sip_msg;
struct lk_media;
struct lk_registrar;
struct lk_sipxact;
struct lk_sipxact_srv;
struct lk_b2bua;

/*
 * The back-to-back user agent of both roles (docs/sip.md, "Calls").  An
 * INVITE that starts a call is answered by a dialog of ours ("side A"); a
 * second dialog of ours ("side B") goes to where routing says: a
 * registered contact of a local domain first, then the first matching
 * route of the dial plan (a traversal zone or a host).  The SDP of each
 * side goes through the media core (relay/media.h) exactly as an ng
 * offer/answer would, so the media of every call crosses the relay; on the
 * Expressway the side facing a traversal zone sends to the multiplexed
 * media ports, on the Control the side facing the zone is sent to at its
 * SDP address at once (the Expressway waits for it: seed, "SIP traversal
 * call").  CANCEL, re-INVITE, BYE and other in-dialog requests cross over
 * to the other dialog; failures are passed back with their status.  The
 * media session is deleted when the call ends, and a call whose media
 * session ended (media timeout) is ended with a BYE to both sides.
 */
/*
 * What routing asks of the traversal zones, through callbacks so that the
 * B2BUA does not see them (sip.c wires them to zone.c): is `flow` one of
 * a zone's connections, and the flow to zone number `zone` while it is up
 * (NULL when it is not).  Copied by lk_b2bua_alloc(); `arg` must outlive
 * the B2BUA.
 */
struct lk_b2bua_zones {
	bool (*is_zone)(void *arg, const struct lk_sipflow *flow);
	const struct lk_sipflow *(*flow)(void *arg, unsigned zone);
	void *arg;
};

int lk_b2bua_alloc(struct lk_b2bua **bp, struct event_base *base,
		   const struct lk_conf *conf, struct lk_siptransport *tp,
		   struct lk_sipxact *ts, struct lk_registrar *reg,
		   const struct lk_b2bua_zones *zones, struct lk_media *media);

/*
 * A request that passed the transaction layer: INVITE, CANCEL, BYE, or an
 * in-dialog request.  `st` is its server transaction (NULL when the table
 * was full: answered statelessly).  Returns false for a request the B2BUA
 * does not take (an unknown method outside a dialog): the caller answers.
 */
bool lk_b2bua_request(struct lk_b2bua *b, struct lk_sipxact_srv *st,
		      const struct lk_sipflow *flow, struct sip_msg *msg);

/* An ACK that matched no transaction: the ACK of a 2xx, by dialog. */
void lk_b2bua_ack(struct lk_b2bua *b, const struct lk_sipflow *flow,
		  const struct sip_msg *msg);

struct lk_b2bua_stats {
	uint64_t calls;			/* INVITEs that started a call */
	uint64_t answered;		/* 2xx passed back to the caller */
	uint64_t failed;		/* final 300-699 passed back or ours */
	uint64_t not_found;		/* 404: no route */
	uint64_t unavailable;		/* 480: not registered, zone down */
	uint64_t cancelled;
	uint64_t media_errors;		/* the media core refused the SDP */
	uint64_t media_ended;		/* BYE sent on media timeout */
	uint64_t reinvites;
	uint64_t forwarded;		/* other in-dialog requests */
	unsigned active;
	/* Set-up time of answered calls, seconds from the INVITE to the
	 * 2xx passed back (ringing included): lk_hist_call_setup_bounds. */
	struct lk_hist setup;
};

void lk_b2bua_stats(const struct lk_b2bua *b, struct lk_b2bua_stats *st);

#endif
