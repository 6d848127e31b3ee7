/* relay/sdes.h  SDES (RFC 4568): a=crypto lines and the relay's side of their offer/answer. */
#ifndef LK_SDES_H
#define LK_SDES_H

#include <stdbool.h>
#include <stddef.h>

#include "mdesc.h"
#include "srtp.h"

/*
 * SDES carries SRTP master keys in the SDP, one per a=crypto line:
 *
 *   a=crypto:<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>]
 *            [|<MKI>:<length>] [<session params>]      (RFC 4568 s.9.1)
 *
 * The relay terminates SRTP on a stream whose two sides speak different
 * transports (RTP/SAVP on one, RTP/AVP on the other; docs/srtp.md): it
 * answers the encrypted side's offer with a key of its own, or offers its
 * own keys to a side that is to be encrypted, and keeps what it needs per
 * stream and side in struct lk_sdes_side (control thread only).  Where
 * both sides speak the same transport the a=crypto lines pass through
 * untouched and the relay never sees a key it uses.
 *
 * Nothing here logs; a key is written only into the SDP line that carries
 * it (lk_sdes_format()) and is wiped when its side is (lk_sdes_side_wipe).
 */

#define LK_SDES_TAG_MAX	999999999u	/* 1*9DIGIT */
#define LK_SDES_LINE_MAX 128	/* "a=crypto:" ... without its end */

/* One parsed a=crypto line that latchkey can use. */
struct lk_sdes_crypto {
	unsigned tag;
	struct lk_srtp_key key;		/* suite, key and salt */
};

/*
 * Parse the value of an a=crypto attribute (what follows "a=crypto:").
 * Returns 0 and fills *c; ENOTSUP for a well-formed line latchkey does
 * not speak (an unknown suite, an MKI, several keys, a session parameter
 * other than WSH); EBADMSG for a malformed one.  On failure *whyp (if not
 * NULL) gets a fixed reason that quotes no key, and *c is left alone.
 */
int lk_sdes_parse(struct lk_sdes_crypto *c, const char **whyp,
		  const char *value, size_t len);

/*
 * Write "a=crypto:<tag> <suite> inline:<base64>" (no line end) into
 * out[0..size), NUL-terminated.  Returns 0, EINVAL or ENOSPC.
 */
int lk_sdes_format(char *out, size_t size, unsigned tag,
		   const struct lk_srtp_key *key);

/*
 * What ng asked for ("transport-protocol", "SDES" options), and a zone's
 * media encryption mode (docs/srtp.md), which wins over the transport:
 * `receiver` ENCRYPTED makes the receiver speak RTP/SAVP(F), CLEAR
 * RTP/AVP(F), BEST_EFFORT RTP/AVP(F) with the relay's a=crypto lines
 * (SRTP if its answer takes one, else clear), ANY leaves it to
 * `transport`; `sender` ENCRYPTED refuses an offer that is not encrypted,
 * CLEAR one that is, ANY (or BEST_EFFORT) takes either.
 */
enum lk_sdes_want {
	LK_SDES_ANY = 0,
	LK_SDES_ENCRYPTED,
	LK_SDES_CLEAR,
	LK_SDES_BEST_EFFORT,
};

struct lk_sdes_opts {
	const char *transport;		/* NUL-terminated; NULL: keep */
	unsigned suites_off;		/* bit (1 << suite): not to use */
	enum lk_sdes_want receiver;
	enum lk_sdes_want sender;
};

/* Per stream and side: the control thread's, never the worker's. */
struct lk_sdes_side {
	char proto[24];			/* the m= proto it speaks */
	bool savp;			/* ... is RTP/SAVP(F): SDES */
	bool best_effort;		/* RTP/AVP with the relay's a=crypto */
	bool terminated;		/* the relay en-/decrypts for it */
	/* The relay's keys offered to this side, by tag. */
	unsigned noffered;
	struct lk_sdes_crypto offered[LK_SRTP_SUITE_COUNT];
	/* The relay's answer to this side's offer. */
	bool answered;
	struct lk_sdes_crypto answer;
};

/*
 * What one offer or answer does to a stream: contexts to install on each
 * leg (set[side]: replace both of that leg's contexts, NULL clearing),
 * and how the reply SDP's section changes.  The caller installs the
 * contexts on the worker and frees what they replace, or frees these with
 * lk_sdes_step_release() if the request fails.
 */
struct lk_sdes_step {
	bool set[2];
	struct lk_srtp *in[2], *out[2];	/* [side] */
	const char *suite[2];		/* the suite terminated, or NULL */
	const char *proto;		/* reply's m= proto; NULL: keep */
	bool strip_crypto;		/* drop the sender's a=crypto lines */
	unsigned nlines;
	char lines[LK_SRTP_SUITE_COUNT][LK_SDES_LINE_MAX];
};

/*
 * An offer from `sender` (0 or 1) for stream `m` (its profile, port and
 * SDES keys: relay/mdesc.h), to go to the other side; `sides` is the stream's state, updated.  An answer from
 * `sender` to the offer that went to it.  Both return 0 and fill *st, or
 * an errno with *whyp saying why (no usable a=crypto line, an answer that
 * matches nothing offered), the state then unchanged.
 */
int lk_sdes_offer(struct lk_sdes_side sides[2], unsigned sender,
		  const struct lk_mdesc_stream *m, const struct lk_sdes_opts *o,
		  struct lk_sdes_step *st, const char **whyp);
int lk_sdes_answer(struct lk_sdes_side sides[2], unsigned sender,
		   const struct lk_mdesc_stream *m, struct lk_sdes_step *st,
		   const char **whyp);

/* Free the contexts of a step not installed; wipe its lines. */
void lk_sdes_step_release(struct lk_sdes_step *st);

/* Forget every key of a side. */
void lk_sdes_side_wipe(struct lk_sdes_side *side);

/* Whether an m= proto is SDES's (RTP/SAVP, RTP/SAVPF) or plain RTP/AVP(F). */
bool lk_sdes_proto_is_savp(const char *p, size_t len);
bool lk_sdes_proto_is_avp(const char *p, size_t len);

#endif
