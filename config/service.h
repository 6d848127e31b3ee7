/*
 * config/service.h  Which ports latchkeyd itself serves, by protocol.
 *
 * One table says, per protocol, whether latchkeyd has its module yet (SIP,
 * media, ng, TURN and the H.323 gatekeeper's RAS and call signalling do;
 * H.323 traversal does not); one table maps each port key
 * to its protocol and says whether the daemon binds it at start.  From the
 * two, `latchkey ports` says per row "served", "bound, not served yet",
 * "not served yet", "bound, not implemented" (Assent) or "not served by
 * latchkeyd", and the daemon says at
 * start which bound ports only count and drop.  When a protocol lands, its
 * row in `protos[]` (service.c) flips to served: nothing else changes.
 */
#ifndef LK_SERVICE_H
#define LK_SERVICE_H

#include <stdbool.h>

#include "conf.h"

enum lk_service {
	LK_SERVICE_NONE = 0,	/* not latchkeyd's: a far end, admin, ... */
	LK_SERVICE_SERVED,	/* bound and handled by latchkeyd */
	LK_SERVICE_BOUND,	/* bound, its protocol not served yet */
	LK_SERVICE_PLANNED,	/* its protocol not served yet, not bound */
	/*
	 * Bound, and its protocol will not be served: Assent (seed T), a
	 * proprietary protocol with no public specification.  Its module
	 * answers each connection with Release Complete
	 * (signalling/h323/assent.h).
	 */
	LK_SERVICE_NOT_IMPL,
};

enum lk_service_proto {
	LK_PROTO_NONE = 0,
	LK_PROTO_SIP,
	LK_PROTO_H323,
	LK_PROTO_H323_RAS,	/* the gatekeeper's Registration port */
	LK_PROTO_H323_CALLSIG,	/* its routed call signalling (1720, P) */
	LK_PROTO_H323_H46018,	/* H.460.18 endpoints' H.245 (2777, U) */
	LK_PROTO_H323_ASSENT,	/* Assent (2776, T): not implemented */
	LK_PROTO_TURN,
	LK_PROTO_MEDIA,
	LK_PROTO_NG,
	LK_PROTO_MGMT,		/* HTTP(S) management: mgmt/ */

	LK_PROTO__COUNT
};

/* The protocol of a key's ports, or LK_PROTO_NONE (ephemeral, ...). */
enum lk_service_proto lk_service_proto_of_key(enum lk_key key);

/* "SIP", "H.323", "TURN", "media", "ng"; "" for none. */
const char *lk_service_proto_name(enum lk_service_proto proto);

/* Whether latchkeyd handles the protocol in this build. */
bool lk_service_proto_served(enum lk_service_proto proto);

/* What latchkeyd does with the listening ports of `key`. */
enum lk_service lk_service_of_key(enum lk_key key);

/* The protocol's ports that latchkeyd listens on (media: served). */
enum lk_service lk_service_of_proto(enum lk_service_proto proto,
				    bool bound);

/*
 * "served", "bound, not served yet", "not served yet", "not served by
 * latchkeyd"; lk_service_short() the same for the "served" column of a
 * table: "yes", "bound", "not yet", "-"; lk_service_token() as a JSON word: "served",
 * "bound-not-served", "not-served-yet", "not-latchkeyd".
 */
const char *lk_service_name(enum lk_service s);
const char *lk_service_short(enum lk_service s);
const char *lk_service_token(enum lk_service s);

#endif
