/* common/ngframe.h  ng control datagrams: "<cookie> <bencode>", split, reply */
#ifndef LK_NGFRAME_H
#define LK_NGFRAME_H

#include <stddef.h>

#include "bencode.h"

/*
 * The longest cookie accepted.  Kamailio sends "<pid>_<seq>" (or with a
 * server id in front), well under 20 bytes; rtpengine's docs set no limit.
 * 64 bounds what a reply echoes back to an unauthenticated sender.
 */
#define LK_NGFRAME_COOKIE_MAX 64

/* A request split into its parts; both point into the datagram. */
struct lk_ngframe {
	struct lk_bencode_str cookie;
	struct lk_bencode_str body;
};

/*
 * Split an ng datagram at its first space (rtpengine ng_control_protocol:
 * "a unique message cookie and a dictionary document, separated by a single
 * space").  The cookie must be 1..LK_NGFRAME_COOKIE_MAX printable,
 * non-space ASCII bytes.  The body is everything after that space and may
 * be empty or malformed: it is the bencode decoder's to judge, and with a
 * valid cookie such errors can still be answered.
 *
 * Returns 0 and fills *framep, or EBADMSG with *errp (if given) naming the
 * offset and the reason; no reply can be sent for such a datagram since it
 * has no cookie to echo.  EINVAL for bad arguments.
 */
int lk_ngframe_split(struct lk_ngframe *framep, const void *dgram, size_t len,
		     struct lk_bencode_error *errp);

/*
 * Build a reply in place: reply_begin() writes "<cookie> " at the start of
 * buf and sets `enc` to encode the body after it; reply_finish() checks the
 * body and gives the length of the whole datagram.
 *
 *	lk_ngframe_reply_begin(&enc, out, sizeof(out), &req.cookie);
 *	lk_bencode_enc_dict_begin(&enc);
 *	lk_bencode_enc_pair_str(&enc, "result", "pong");
 *	lk_bencode_enc_dict_end(&enc);
 *	err = lk_ngframe_reply_finish(&len, &enc, &req.cookie);
 *
 * The cookie may point into buf itself (it is moved, not copied), but the
 * body then overwrites the request, whose decoded strings point there too:
 * build in place only once the request tree is no longer read.  Errors are
 * the encoder's, and a failed begin leaves `enc` failing with them: ENOSPC
 * when the cookie alone does not fit, EINVAL for a cookie that split()
 * would not have accepted.
 */
int lk_ngframe_reply_begin(struct lk_bencode_enc *enc, void *buf, size_t size,
			   const struct lk_bencode_str *cookie);
int lk_ngframe_reply_finish(size_t *lenp, struct lk_bencode_enc *enc,
			    const struct lk_bencode_str *cookie);

/*
 * The whole error reply in one call:
 *   "<cookie> d12:error-reason<n>:<reason>6:result5:errore"
 * (rtpengine: result "error" and an "error-reason", no other keys).
 */
int lk_ngframe_error_reply(size_t *lenp, void *buf, size_t size,
			   const struct lk_bencode_str *cookie,
			   const char *reason);

#endif
