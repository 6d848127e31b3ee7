/* signalling/call/relay.h  The media step of an interworking call: each side's media description through the media core (relay/media.h). */
#ifndef LK_SIGCALL_RELAY_H
#define LK_SIGCALL_RELAY_H

#include <sys/socket.h>

#include "call/call.h"

/*
 * The one lk_sigcall_media_h that a real interworking call uses: an offer
 * or answer described neutrally (relay/mdesc.h) goes to the media core
 * (lk_media_negotiate(), the same offer/answer as a SIP or H.323 leg's),
 * which allocates and latches the relay's ports, and comes back as the
 * description the other side is to be told: the relay's address and
 * ports, the multiplexID and SRTP keys the media core chose, the
 * sender's codecs and direction.  The media core's call-id is the
 * call's; side A's tag is "A", side B's "B", so that a re-offer from
 * either side is an offer from its own tag.
 *
 * Ownership: an object (mem_zalloc/mem_deref); its destructor deletes
 * the media core's call if one was made, so it goes before the media
 * core does.  The descriptions it writes
 * point into the object (profiles, SRTP keys) and into the sender's
 * description, and hold until the next step toward the same side.
 * Control thread only.
 */

struct lk_media;
struct lk_sigcall_relay;

struct lk_sigcall_relay_conf {
	struct lk_media *media;		/* the media core */
	const char *call_id;		/* copied; the media core's call-id */
	struct sockaddr_storage local;	/* the relay's address as told */
	/* each side's signalling source ("received-from"); family 0: none */
	struct sockaddr_storage peer[2];
};

/* 0, EINVAL (no media core or call-id, an address neither IPv4 nor
 * IPv6), or ENOMEM. */
int lk_sigcall_relay_alloc(struct lk_sigcall_relay **rp,
			   const struct lk_sigcall_relay_conf *cfg);

/* lk_sigcall_media_h: `arg` is the struct lk_sigcall_relay. */
int lk_sigcall_relay_media(struct lk_sigcall *c, enum lk_sigcall_side from,
			   bool answer, const struct lk_mdesc *in,
			   struct lk_mdesc *out, void *arg);

#endif
