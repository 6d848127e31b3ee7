/* signalling/h323/q931.h  Q.931 call-signalling messages over TPKT, the subset H.225.0 uses. */
#ifndef LK_H323_Q931_H
#define LK_H323_Q931_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * H.225.0 call signalling runs Q.931 messages (H.225.0 7.3, Q.931 4) over
 * TCP, each in a TPKT (RFC 1006 s.6, H.225.0 7.2.2.1).  This module is
 * the byte level of both, with no I/O:
 *
 *  - lk_tpkt_frame() finds one TPKT in a stream buffer; an empty TPKT
 *    (length 4) is a keep-alive (H.460.18 uses it) and is valid;
 *  - lk_q931_decode() splits a message into its header and its
 *    information elements (IEs), pointing into the input, and
 *    lk_q931_encode() writes them back, so a message that is passed on
 *    with one IE changed keeps every other octet;
 *  - readers for the IEs H.225.0 uses (bearer capability, cause,
 *    display, calling/called party number, user-user) and builders for
 *    new messages.
 *
 * A decoded message points into the caller's buffer, which must outlive
 * it; so must the contents given to lk_q931_set().  Builders that make
 * contents (cause, display, numbers) keep them in the message's own
 * store, so such a message is not to be copied by value (the copy's IEs
 * would point into the original).  The decoder never reads past its input
 * and says at which octet it stopped.
 */

/* RFC 1006 s.6: version 3, a reserved octet, a 16-bit length. */
#define LK_TPKT_HDR 4
#define LK_TPKT_VERSION 3
#define LK_TPKT_MAX 65535

/* Q.931 4.2: the protocol discriminator of Q.931 call control. */
#define LK_Q931_PD 0x08
/* H.225.0 7.2.2.1 / Q.931 4.5.30: "X.208/X.209 coded user information". */
#define LK_Q931_UU_PD 0x05

/* Q.931 4.4 Table 4-2: the message types H.225.0 7.3 uses. */
enum lk_q931_type {
	LK_Q931_ALERTING = 0x01,
	LK_Q931_CALL_PROCEEDING = 0x02,
	LK_Q931_PROGRESS = 0x03,
	LK_Q931_SETUP = 0x05,
	LK_Q931_CONNECT = 0x07,
	LK_Q931_SETUP_ACK = 0x0d,
	LK_Q931_RELEASE_COMPLETE = 0x5a,
	LK_Q931_FACILITY = 0x62,
	LK_Q931_NOTIFY = 0x6e,
	LK_Q931_STATUS_ENQUIRY = 0x75,
	LK_Q931_INFORMATION = 0x7b,
	LK_Q931_STATUS = 0x7d,
};

/* Q.931 4.5 Table 4-3: codeset 0 IEs H.225.0 7.3 names. */
enum lk_q931_ie_id {
	LK_Q931_IE_BEARER = 0x04,
	LK_Q931_IE_CAUSE = 0x08,
	LK_Q931_IE_CALL_STATE = 0x14,
	LK_Q931_IE_FACILITY = 0x1c,
	LK_Q931_IE_PROGRESS = 0x1e,
	LK_Q931_IE_NOTIFICATION = 0x27,
	LK_Q931_IE_DISPLAY = 0x28,
	LK_Q931_IE_KEYPAD = 0x2c,
	LK_Q931_IE_SIGNAL = 0x34,
	LK_Q931_IE_CALLING = 0x6c,
	LK_Q931_IE_CALLING_SUB = 0x6d,
	LK_Q931_IE_CALLED = 0x70,
	LK_Q931_IE_CALLED_SUB = 0x71,
	LK_Q931_IE_USER_USER = 0x7e,
	LK_Q931_IE_SENDING_COMPLETE = 0xa1,	/* single octet */
};

/* Q.850 Table 1: cause values the gatekeeper sends. */
enum lk_q931_cause {
	LK_Q931_CAUSE_UNALLOCATED = 1,		/* unassigned number */
	LK_Q931_CAUSE_NO_ROUTE = 3,		/* no route to destination */
	LK_Q931_CAUSE_NORMAL = 16,
	LK_Q931_CAUSE_USER_BUSY = 17,
	LK_Q931_CAUSE_NO_USER_RESPONDING = 18,
	LK_Q931_CAUSE_NO_ANSWER = 19,		/* user alerted, no answer */
	LK_Q931_CAUSE_OUT_OF_ORDER = 27,	/* destination out of order */
	LK_Q931_CAUSE_NO_CIRCUIT = 34,
	LK_Q931_CAUSE_TEMPORARY = 41,		/* temporary failure */
	LK_Q931_CAUSE_RESOURCES = 47,		/* resource unavailable */
	LK_Q931_CAUSE_INVALID_MSG = 95,
	LK_Q931_CAUSE_TIMER_EXPIRY = 102,	/* recovery on timer expiry */
	LK_Q931_CAUSE_PROTOCOL = 111,		/* protocol error */
};

#define LK_Q931_IES_MAX 32
#define LK_Q931_STORE 256

/* One IE.  A single-octet IE (Q.931 4.5.1: bit 8 set) has len 0. */
struct lk_q931_ie {
	uint8_t id;		/* the identifier octet */
	uint8_t codeset;	/* Q.931 4.5.2-4.5.4: 0 unless shifted */
	uint16_t len;		/* contents, after the length octet(s) */
	const uint8_t *p;
};

struct lk_q931 {
	uint8_t crv_len;	/* call reference octets: 0-2 (H.225.0: 2) */
	bool crv_flag;		/* Q.931 4.3: set by the side called */
	uint16_t crv;		/* without the flag */
	uint8_t type;		/* enum lk_q931_type */
	unsigned nie;
	struct lk_q931_ie ie[LK_Q931_IES_MAX];
	size_t nstore;		/* builders' contents */
	uint8_t store[LK_Q931_STORE];
};

/*
 * Is there a whole TPKT at the start of `buf`?  0 with its length (header
 * included; LK_TPKT_HDR for a keep-alive) in *pdulen; EAGAIN when more
 * octets are needed; EBADMSG when the version is not 3 or the length is
 * below the header's (the stream cannot be framed any further).
 */
int lk_tpkt_frame(const uint8_t *buf, size_t len, size_t *pdulen);

/* Write a TPKT header for `payload` octets into buf[0..3]; EMSGSIZE. */
int lk_tpkt_header(uint8_t *buf, size_t payload);

/*
 * Decode one Q.931 message (the TPKT's payload).  EBADMSG for a wrong
 * protocol discriminator, a call reference over 2 octets, a message type
 * with bit 8 set, or an IE running past the end; E2BIG for more than
 * LK_Q931_IES_MAX IEs.  *erroff (may be NULL) is the octet where decoding
 * stopped.  `m` is written on success only.
 */
int lk_q931_decode(struct lk_q931 *m, const uint8_t *buf, size_t len,
		   size_t *erroff);

/*
 * Encode `m`; with `tpkt` a TPKT header comes first.  EMSGSIZE when it
 * does not fit in `cap` (or in one TPKT), EINVAL for an IE other than
 * user-user over 255 octets.
 */
int lk_q931_encode(const struct lk_q931 *m, bool tpkt, uint8_t *buf,
		   size_t cap, size_t *len);

/* "Setup", "Release Complete", ... or "unknown". */
const char *lk_q931_type_name(uint8_t type);

/* The first codeset 0 IE `id`, or NULL. */
const struct lk_q931_ie *lk_q931_find(const struct lk_q931 *m, uint8_t id);

/*
 * The H323-UserInformation octets of the user-user IE (after its protocol
 * discriminator).  ENOENT without the IE, EBADMSG when its discriminator
 * is not 0x05 (H.225.0 7.2.2.1).
 */
int lk_q931_uu(const struct lk_q931 *m, const uint8_t **pp, size_t *lenp);

/* The cause value (Q.850 2.2.5, 7 bits); ENOENT, EBADMSG. */
int lk_q931_cause(const struct lk_q931 *m, uint8_t *causep);

/*
 * The display IE as text, NUL-terminated and cut to `cap`, trailing NULs
 * that some endpoints send left out; non-printable octets become '?'.
 * ENOENT.
 */
int lk_q931_display(const struct lk_q931 *m, char *buf, size_t cap);

/*
 * Calling or called party number (`id`): the type/plan octet (Q.931
 * 4.5.8/4.5.10 octet 3 without its extension bit) and the digits as text.
 * ENOENT, EBADMSG.
 */
int lk_q931_number(const struct lk_q931 *m, uint8_t id, uint8_t *typeplanp,
		   char *buf, size_t cap);

/* The information transfer capability (Q.931 4.5.5 octet 3); ENOENT. */
int lk_q931_bearer(const struct lk_q931 *m, uint8_t *itcp);

/* A new message: no IEs. */
void lk_q931_init(struct lk_q931 *m, uint8_t type, uint16_t crv,
		  bool crv_flag);

/*
 * Put IE `id` (codeset 0) with `len` octets at `p` into `m`: it replaces
 * the first one there is, else it goes in ascending order (Q.931 4.5.1).
 * `p` must outlive `m`.  E2BIG when the IE table is full, EINVAL for
 * contents too long for the IE.
 */
int lk_q931_set(struct lk_q931 *m, uint8_t id, const uint8_t *p, size_t len);

/* Remove every codeset 0 IE `id`; how many were removed. */
unsigned lk_q931_remove(struct lk_q931 *m, uint8_t id);

/* Builders with contents in m->store (ENOSPC when it is full). */
int lk_q931_set_cause(struct lk_q931 *m, uint8_t cause);
int lk_q931_set_display(struct lk_q931 *m, const char *text);
int lk_q931_set_number(struct lk_q931 *m, uint8_t id, uint8_t typeplan,
		       const char *digits);
/* Bearer capability as H.225.0 7.3.1 asks: unrestricted digital, 64k. */
int lk_q931_set_bearer(struct lk_q931 *m);

#endif
