/* common/ngframe.c  ng control datagrams: "<cookie> <bencode>", split, reply */
#include <errno.h>
#include <string.h>

#include "ngframe.h"

static int split_fail(struct lk_bencode_error *errp, size_t off,
		      const char *reason)
{
	if (errp) {
		errp->offset = off;
		errp->reason = reason;
	}

	return EBADMSG;
}

static bool cookie_byte_ok(unsigned char c)
{
	return c > 0x20 && c < 0x7f;	/* printable ASCII, space excluded */
}

int lk_ngframe_split(struct lk_ngframe *framep, const void *dgram, size_t len,
		     struct lk_bencode_error *errp)
{
	const char *p = dgram;
	size_t i;

	if (!framep || (!dgram && len))
		return EINVAL;
	if (!len)
		return split_fail(errp, 0, "empty datagram");
	if (p[0] == ' ')
		return split_fail(errp, 0, "datagram starts with a space, "
				  "no cookie");

	for (i = 0; i < len && p[i] != ' '; i++) {
		if (i == LK_NGFRAME_COOKIE_MAX)
			return split_fail(errp, i,
					  "cookie longer than 64 bytes");
		if (!cookie_byte_ok((unsigned char)p[i]))
			return split_fail(errp, i, "cookie holds a byte that "
					  "is not printable ASCII");
	}
	if (i == len)
		return split_fail(errp, i, "no space after the cookie");

	framep->cookie.p = p;
	framep->cookie.len = i;
	framep->body.p = p + i + 1;
	framep->body.len = len - i - 1;

	return 0;
}

static bool cookie_ok(const struct lk_bencode_str *cookie)
{
	size_t i;

	if (!cookie || !cookie->p || !cookie->len ||
	    cookie->len > LK_NGFRAME_COOKIE_MAX)
		return false;
	for (i = 0; i < cookie->len; i++) {
		if (!cookie_byte_ok((unsigned char)cookie->p[i]))
			return false;
	}

	return true;
}

int lk_ngframe_reply_begin(struct lk_bencode_enc *enc, void *buf, size_t size,
			   const struct lk_bencode_str *cookie)
{
	char *out = buf;
	size_t prefix;

	if (!enc)
		return EINVAL;
	/* A failed begin leaves enc failing too: no unchecked call slips by. */
	lk_bencode_enc_init(enc, NULL, 0);
	if (!buf || !cookie_ok(cookie)) {
		enc->err = EINVAL;
		return EINVAL;
	}
	prefix = cookie->len + 1;
	if (size < prefix) {
		enc->err = ENOSPC;
		return ENOSPC;
	}

	memmove(out, cookie->p, cookie->len);
	out[cookie->len] = ' ';
	lk_bencode_enc_init(enc, out + prefix, size - prefix);

	return 0;
}

int lk_ngframe_reply_finish(size_t *lenp, struct lk_bencode_enc *enc,
			    const struct lk_bencode_str *cookie)
{
	size_t body;
	int err;

	if (!enc || !cookie)
		return EINVAL;
	err = lk_bencode_enc_finish(&body, enc);
	if (err)
		return err;
	if (lenp)
		*lenp = cookie->len + 1 + body;

	return 0;
}

int lk_ngframe_error_reply(size_t *lenp, void *buf, size_t size,
			   const struct lk_bencode_str *cookie,
			   const char *reason)
{
	struct lk_bencode_enc enc;

	if (!reason)
		return EINVAL;

	lk_ngframe_reply_begin(&enc, buf, size, cookie);
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_str(&enc, "error-reason", reason);
	lk_bencode_enc_pair_str(&enc, "result", "error");
	lk_bencode_enc_dict_end(&enc);

	return lk_ngframe_reply_finish(lenp, &enc, cookie);
}
