/* signalling/h323/callmedia.h  A routed H.323 call's media through the relay: H.245 media addresses in, relay ports out. */
#ifndef LK_H323_CALLMEDIA_H
#define LK_H323_CALLMEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "call/call.h"
#include "h323/asn.h"

/*
 * One object per routed call whose media goes through the relay
 * (docs/h323.md, "Media").  Call signalling hands it every UU-PDU and
 * every H.245 message of the call; it learns where each side receives
 * (mediaChannel / mediaControlChannel of fastStart, tunnelled and
 * separate H.245), has the media core allocate and latch relay ports for
 * them, and writes the relay's ports over the addresses that the other
 * side is to be told.  How the media core is asked is this module's own
 * business: nothing outside it knows the form of the request.
 *
 * Media ends before the call does when H.245 says so (H.245 8.5, H.323
 * 8.5): with the CloseLogicalChannel of the last logical channel that was
 * opened over H.245, or an EndSessionCommand from either side; a channel
 * opened after that starts a new media session.
 *
 * The h245Addresses (LK_H245_CONTROL) it does not handle itself: each
 * goes to the caller's lk_h323_callmedia_control_h.
 *
 * Ownership: the caller frees the object with mem_deref(); the media
 * session lives on until lk_h323_callmedia_end().  Control thread only.
 */

struct lk_media;
struct lk_h323_callmedia;

/*
 * An h245Address from `from`: with `rewrite` false, whether it is one to
 * be replaced (true), else write the replacement over *addr (false: it
 * is left as it is).
 */
typedef bool (lk_h323_callmedia_control_h)(enum lk_sigcall_side from,
					   struct sockaddr_in *addr,
					   bool rewrite, void *arg);

struct lk_h323_callmedia_conf {
	struct lk_media *media;		/* the media core */
	struct sockaddr_in local;	/* the relay's address (IPv4) */
	struct sockaddr_in peer[2];	/* each side's signalling source */
	bool nat_wait[2];		/* a side behind a firewall that lets
					 * nothing in: the relay waits for its
					 * media (LK_MF_NAT_WAIT) */
	const uint8_t *callid;		/* 16 octets: callIdentifier */
	uint64_t call;			/* the call's number, for the log */
	lk_h323_callmedia_control_h *controlh;
	void *arg;
	/*
	 * H.460.19 (h46019.h, docs/h323.md): the sides that are media
	 * traversal clients, which of those get their media on the
	 * multiplexed ports, and the keep-alive interval they are told (s).
	 * Toward a client every OpenLogicalChannel(Ack) carries the relay's
	 * TraversalParameters and the call's messages feature 19 with
	 * mediaTraversalServer; toward any other side both are taken out
	 * (the relay ends media traversal).  From a client its multiplexID
	 * is read: media to it is prefixed with it.
	 */
	bool h46019[2], h46019_mux[2];
	uint32_t h46019_keepalive;
	uint64_t *h46019_bad;		/* counts undecodable parameters */
};

/* EINVAL or ENOMEM. */
int lk_h323_callmedia_alloc(struct lk_h323_callmedia **cmp,
			    const struct lk_h323_callmedia_conf *cfg);

/*
 * The decoded UU-PDU `uu` (in `ar`) from `from`: its media addresses
 * learned and, where the relay has ports for them, rewritten in place.
 * 0 with *changed true when `uu` was changed (the caller re-encodes it).
 */
int lk_h323_callmedia_uu(struct lk_h323_callmedia *cm,
			 enum lk_sigcall_side from, struct lk_asn_arena *ar,
			 struct lk_asn_val *uu, bool *changed);

/*
 * One H.245 message `pdu` from `from` on a separate H.245 connection:
 * 0 with the message, its media addresses rewritten, in out[0..*olen);
 * else an error (ENOTSUP: not transcribed), and the caller passes it on
 * as it came.
 */
int lk_h323_callmedia_h245(struct lk_h323_callmedia *cm,
			   enum lk_sigcall_side from,
			   struct lk_asn_arena *ar, const uint8_t *pdu,
			   size_t len, uint8_t *out, size_t cap,
			   size_t *olen);

/*
 * What side `side` told of where it receives, every session of the call
 * so far, as a protocol-neutral description (relay/mdesc.h): one stream
 * per H.225.0 session, RTP/AVP, sendrecv, payload types unknown (H.245
 * addresses carry none), port 0 for a session it told nothing of.  The
 * H.323 leg's edge of an interworking call (signalling/call/call.h); the
 * same description this module gives the media core.
 */
struct lk_mdesc;
void lk_h323_callmedia_describe(const struct lk_h323_callmedia *cm,
				enum lk_sigcall_side side, struct lk_mdesc *d);

/* Has the media core a session for the call (the caller's offer)? */
bool lk_h323_callmedia_offered(const struct lk_h323_callmedia *cm);

/*
 * The media core's session, if any, is deleted and what was learned is
 * forgotten: the call's end (or H.245's, above).
 */
void lk_h323_callmedia_end(struct lk_h323_callmedia *cm);

#endif
