/* signalling/h323/h245.h  H.245 MultimediaSystemControlMessage on the aligned-PER codec, and the media addresses in it. */
#ifndef LK_H323_H245_H
#define LK_H323_H245_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "h323/asn.h"

/*
 * MULTIMEDIA-SYSTEM-CONTROL (ITU-T H.245) as static type tables
 * (docs/h323.md lists what is transcribed).  A message holding a root
 * alternative that is not transcribed (the H.222/H.223/V.76 multiplexes
 * of H.310/H.324, RequestMode, multiplex tables) fails to decode with
 * ENOTSUP: the caller passes such a message on untouched.
 *
 * H.245 travels in three ways in H.323 (H.225.0 / H.323 8.2): on its own
 * TCP connection (TPKT-framed, one message per TPKT), tunnelled in the
 * H.225.0 UU-PDU (h245Control: OCTET STRINGs, each one message), and as
 * fastStart (Setup ... Connect: OCTET STRINGs, each one
 * OpenLogicalChannel).  Every function here takes or gives the aligned-PER
 * octets of one value, never a TPKT.
 *
 * Nothing allocates: trees live in the caller's arena (asn.h).  A decoded
 * value costs about 40 octets a node, so LK_H245_ARENA holds some 6,000
 * nodes: a TerminalCapabilitySet of a hundred capabilities needs a few
 * thousand.  One that does not fit fails cleanly with ENOMEM (then pass
 * the message on untouched, as for ENOTSUP).
 */

#define LK_H245_ARENA	(256u * 1024u)

extern const struct lk_asn_type lk_h245_message;	/* MSCM */
extern const struct lk_asn_type lk_h245_olc;	/* OpenLogicalChannel */

int lk_h245_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		   struct lk_asn_val **msgp, size_t *errbit);
int lk_h245_olc_decode(const uint8_t *buf, size_t len,
		       struct lk_asn_arena *ar, struct lk_asn_val **olcp,
		       size_t *errbit);
int lk_h245_encode(const struct lk_asn_val *v, uint8_t *buf, size_t cap,
		   size_t *len);
const char *lk_h245_kind(const struct lk_asn_val *msg);
int lk_h245_peek(const uint8_t *pdu, size_t len, const char **kind);

/* What one transport address in a message is for. */
enum lk_h245_addr_kind {
	LK_H245_MEDIA,		/* mediaChannel: where RTP goes */
	LK_H245_MEDIA_CONTROL,	/* mediaControlChannel: where RTCP goes */
	LK_H245_CONTROL,	/* h245Address of an H.225.0 message (TCP) */
};

/*
 * One IPv4 unicast address found in a message, handed to the caller's
 * lk_h245_addr_h.  The handler may change addr (address and port); the
 * change is written back into the message.
 *
 * In an OpenLogicalChannel the forward parameters say where the opener
 * wants RTCP (and, rarely, RTP) of the channel it sends; the reverse
 * parameters (bidirectional channels) where it receives.  In an
 * OpenLogicalChannelAck the forward ack parameters say where the answerer
 * receives the opener's channel (RTP and RTCP); the reverse ones are the
 * answerer's reverse channel (H.245 8.4, H.225.0 6.2.8 / H.323 6.2.8.1).
 */
struct lk_h245_addr {
	enum lk_h245_addr_kind kind;
	const char *msg;	/* "openLogicalChannel", "setup"... */
	bool ack;		/* in an OpenLogicalChannelAck */
	bool reverse;		/* in reverseLogicalChannelParameters */
	bool fast_start;	/* an OpenLogicalChannel from fastStart */
	bool tunnelled;		/* from h245Control in a UU-PDU */
	uint16_t channel;	/* its logical channel number (0: none) */
	uint8_t session;	/* sessionID (0: none given) */
	const char *media;	/* "audio", "video", "data" or NULL */
	struct sockaddr_in addr;
};

/* Return 0 to go on, or an errno that stops the walk and is returned. */
typedef int (lk_h245_addr_h)(struct lk_h245_addr *a, void *arg);

int lk_h245_walk_addrs(struct lk_asn_val *v, bool fast_start,
		       lk_h245_addr_h *h, void *arg, unsigned *changed);
int lk_h245_media_addrs(struct lk_asn_arena *ar, bool fast_start,
			const uint8_t *pdu, size_t len, lk_h245_addr_h *h,
			void *arg, uint8_t *out, size_t cap, size_t *outlen);
int lk_h225_uu_media_addrs(struct lk_asn_arena *ar, struct lk_asn_val *uu,
			   lk_h245_addr_h *h, void *arg, unsigned *changed);

/*
 * One OpenLogicalChannel or OpenLogicalChannelAck, after its addresses
 * went to the lk_h245_addr_h: its value `v` (in arena `ar`), which the
 * handler may change (H.460.19's genericInformation, h46019.h); it sets
 * `changed` when it did, and the message is written again.
 */
struct lk_h245_chan {
	bool ack;		/* an OpenLogicalChannelAck */
	bool fast_start;
	bool tunnelled;
	uint16_t channel;	/* forwardLogicalChannelNumber (0: none) */
	uint8_t session;	/* forward (ack) parameters' sessionID, 0 */
	const char *media;	/* forward dataType: "audio", ... or NULL */
	struct lk_asn_val *v;
	struct lk_asn_arena *ar;
	bool changed;
};

typedef int (lk_h245_chan_h)(struct lk_h245_chan *c, void *arg);

/*
 * lk_h245_media_addrs() and lk_h225_uu_media_addrs() with a channel
 * handler `ch` as well (NULL: none).
 */
int lk_h245_media_chans(struct lk_asn_arena *ar, bool fast_start,
			const uint8_t *pdu, size_t len, lk_h245_addr_h *h,
			lk_h245_chan_h *ch, void *arg, uint8_t *out,
			size_t cap, size_t *outlen);
int lk_h225_uu_media_chans(struct lk_asn_arena *ar, struct lk_asn_val *uu,
			   lk_h245_addr_h *h, lk_h245_chan_h *ch, void *arg,
			   unsigned *changed);

#endif
