/* common/bencode.c  Bencode for ng: zero-copy arena decoder, bounded encoder */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bencode.h"

/*
 * Decoder.  One recursive descent over the message; depth is bounded by
 * LK_BENCODE_MAX_DEPTH so the C stack is too.  Every read checks the
 * position against the end first: the message is a datagram payload, not a
 * NUL-terminated string.
 */
struct dec {
	const char *msg;
	size_t len;
	size_t pos;
	struct lk_bencode_node *nodes;
	size_t nnodes;
	size_t used;
	size_t err_off;
	const char *err_reason;
};

static int dec_fail(struct dec *d, int err, size_t off, const char *reason)
{
	d->err_off = off;
	d->err_reason = reason;

	return err;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "<len>:<bytes>" at d->pos; the bytes must fit in what is left. */
static int dec_str(struct dec *d, struct lk_bencode_str *strp)
{
	const size_t start = d->pos;
	size_t n = 0;

	if (d->msg[d->pos] == '0' && d->pos + 1 < d->len &&
	    is_digit(d->msg[d->pos + 1]))
		return dec_fail(d, EBADMSG, start,
				"string length has a leading zero");

	while (d->pos < d->len && is_digit(d->msg[d->pos])) {
		/* Stop as soon as n cannot fit: n never overflows. */
		if (n > (SIZE_MAX - 9) / 10)
			return dec_fail(d, EBADMSG, start,
				"string length runs past end of message");
		n = n * 10 + (size_t)(d->msg[d->pos] - '0');
		if (n > d->len)
			return dec_fail(d, EBADMSG, start,
				"string length runs past end of message");
		++d->pos;
	}
	if (d->pos == d->len)
		return dec_fail(d, EBADMSG, d->pos,
				"message ends inside a string length");
	if (d->msg[d->pos] != ':')
		return dec_fail(d, EBADMSG, d->pos,
				"string length not followed by ':'");
	++d->pos;
	if (n > d->len - d->pos)
		return dec_fail(d, EBADMSG, start,
				"string length runs past end of message");

	strp->p = d->msg + d->pos;
	strp->len = n;
	d->pos += n;

	return 0;
}

/* "i<digits>e", canonical: no leading zero, no "-0", fits in int64_t. */
static int dec_int(struct dec *d, int64_t *ip)
{
	const size_t start = d->pos;
	uint64_t mag = 0, limit = INT64_MAX;
	bool neg = false;
	size_t digits;

	++d->pos;	/* 'i' */
	if (d->pos < d->len && d->msg[d->pos] == '-') {
		neg = true;
		limit = (uint64_t)INT64_MAX + 1;
		++d->pos;
	}
	digits = d->pos;
	if (d->pos < d->len && d->msg[d->pos] == '0' &&
	    d->pos + 1 < d->len && is_digit(d->msg[d->pos + 1]))
		return dec_fail(d, EBADMSG, start,
				"integer has a leading zero");
	while (d->pos < d->len && is_digit(d->msg[d->pos])) {
		unsigned digit = (unsigned)(d->msg[d->pos] - '0');

		if (mag > (limit - digit) / 10)
			return dec_fail(d, EBADMSG, start,
					"integer does not fit in 64 bits");
		mag = mag * 10 + digit;
		++d->pos;
	}
	if (d->pos == d->len)
		return dec_fail(d, EBADMSG, d->pos,
				"message ends inside an integer");
	if (d->pos == digits)
		return dec_fail(d, EBADMSG, d->pos, "integer has no digits");
	if (d->msg[d->pos] != 'e')
		return dec_fail(d, EBADMSG, d->pos,
				"integer not terminated by 'e'");
	if (neg && mag == 0)
		return dec_fail(d, EBADMSG, start, "integer is minus zero");
	++d->pos;

	if (!neg)
		*ip = (int64_t)mag;
	else if (mag == (uint64_t)INT64_MAX + 1)
		*ip = INT64_MIN;
	else
		*ip = -(int64_t)mag;

	return 0;
}

/*
 * Is `key` already among the members of `dict` decoded so far?  Called only
 * when the keys have not been strictly ascending, which is the one case
 * where comparing with the previous key is not enough.
 */
static bool dec_dict_has(const struct lk_bencode_node *dict,
			 const struct lk_bencode_node *last,
			 const struct lk_bencode_str *key)
{
	const struct lk_bencode_node *m = dict + 1;

	for (;;) {
		if (!lk_bencode_keycmp(&m->key, key))
			return true;
		if (m == last)
			return false;
		m += m->span;
	}
}

static int dec_value(struct dec *d, unsigned depth);

/* The members of a list or dict, up to and including the closing 'e'. */
static int dec_members(struct dec *d, struct lk_bencode_node *cont,
		       unsigned depth)
{
	const bool dict = cont->type == LK_BENCODE_DICT;
	struct lk_bencode_node *last = NULL, *memb;
	bool ascending = true;
	int err;

	for (;;) {
		struct lk_bencode_str key = {NULL, 0};
		size_t key_off = d->pos;

		if (d->pos == d->len)
			return dec_fail(d, EBADMSG, d->pos, dict ?
					"message ends inside a dictionary" :
					"message ends inside a list");
		if (d->msg[d->pos] == 'e') {
			++d->pos;
			return 0;
		}
		if (dict) {
			if (!is_digit(d->msg[d->pos]))
				return dec_fail(d, EBADMSG, d->pos,
					"dictionary key is not a string");
			err = dec_str(d, &key);
			if (err)
				return err;
			if (last && lk_bencode_keycmp(&last->key, &key) >= 0)
				ascending = false;
			if (!ascending && dec_dict_has(cont, last, &key))
				return dec_fail(d, EBADMSG, key_off,
						"duplicate dictionary key");
			if (d->pos == d->len || d->msg[d->pos] == 'e')
				return dec_fail(d, EBADMSG, d->pos,
					"dictionary key has no value");
		}

		memb = &d->nodes[d->used];
		err = dec_value(d, depth + 1);
		if (err)
			return err;
		memb->key = key;
		cont->nmemb++;
		last = memb;
	}
}

static int dec_value(struct dec *d, unsigned depth)
{
	struct lk_bencode_node *node;
	char c;
	int err;

	if (d->pos == d->len)
		return dec_fail(d, EBADMSG, d->pos,
				"message ends where a value was expected");
	if (d->used == d->nnodes)
		return dec_fail(d, ENOMEM, d->pos,
				"more values than the decoder has room for");

	node = &d->nodes[d->used++];
	memset(node, 0, sizeof(*node));
	node->off = d->pos;
	c = d->msg[d->pos];

	if (c == 'i') {
		node->type = LK_BENCODE_INT;
		err = dec_int(d, &node->v.i);
	} else if (is_digit(c)) {
		node->type = LK_BENCODE_STR;
		err = dec_str(d, &node->v.s);
	} else if (c == 'l' || c == 'd') {
		if (depth >= LK_BENCODE_MAX_DEPTH)
			return dec_fail(d, E2BIG, d->pos,
					"containers nested too deep");
		node->type = c == 'l' ? LK_BENCODE_LIST : LK_BENCODE_DICT;
		++d->pos;
		err = dec_members(d, node, depth);
	} else {
		return dec_fail(d, EBADMSG, d->pos,
				"byte cannot start a bencode value");
	}
	if (err)
		return err;

	node->span = (uint32_t)(&d->nodes[d->used] - node);

	return 0;
}

int lk_bencode_decode(const struct lk_bencode_node **rootp,
		      struct lk_bencode_node *nodes, size_t nnodes,
		      const void *msg, size_t len,
		      struct lk_bencode_error *errp)
{
	struct dec d;
	int err;

	if (!rootp || !nodes || !nnodes || (!msg && len))
		return EINVAL;

	memset(&d, 0, sizeof(d));
	d.msg = msg;
	d.len = len;
	d.nodes = nodes;
	/* span and nmemb are 32 bits wide; no datagram needs more nodes. */
	d.nnodes = nnodes > UINT32_MAX ? UINT32_MAX : nnodes;

	if (!len) {
		err = dec_fail(&d, EBADMSG, 0, "empty message");
		goto out;
	}
	err = dec_value(&d, 0);
	if (err)
		goto out;
	if (d.pos != d.len)
		err = dec_fail(&d, EBADMSG, d.pos,
			       "trailing data after the bencode value");

 out:
	if (err) {
		if (errp) {
			errp->offset = d.err_off;
			errp->reason = d.err_reason;
		}
	} else {
		*rootp = nodes;
	}

	return err;
}

int lk_bencode_error_print(char *buf, size_t size,
			   const struct lk_bencode_error *err)
{
	if (!err || !err->reason)
		return snprintf(buf, size, "malformed bencode");

	return snprintf(buf, size, "offset %zu: %s", err->offset,
			err->reason);
}

const struct lk_bencode_node *
lk_bencode_first(const struct lk_bencode_node *parent)
{
	if (!parent || (parent->type != LK_BENCODE_LIST &&
			parent->type != LK_BENCODE_DICT) || !parent->nmemb)
		return NULL;

	return parent + 1;
}

const struct lk_bencode_node *
lk_bencode_next(const struct lk_bencode_node *parent,
		const struct lk_bencode_node *memb)
{
	const struct lk_bencode_node *next;

	if (!parent || !memb)
		return NULL;
	next = memb + memb->span;

	return next < parent + parent->span ? next : NULL;
}

static bool str_eq(const struct lk_bencode_str *a, const char *s)
{
	size_t n = strlen(s);

	return a->len == n && !memcmp(a->p, s, n);
}

const struct lk_bencode_node *
lk_bencode_dict_get(const struct lk_bencode_node *dict, const char *key)
{
	const struct lk_bencode_node *memb;

	if (!dict || dict->type != LK_BENCODE_DICT || !key)
		return NULL;

	LK_BENCODE_FOREACH(memb, dict) {
		if (str_eq(&memb->key, key))
			return memb;
	}

	return NULL;
}

int lk_bencode_get_str(struct lk_bencode_str *strp,
		       const struct lk_bencode_node *node)
{
	if (!node)
		return ENOENT;
	if (node->type != LK_BENCODE_STR)
		return EBADMSG;
	if (strp)
		*strp = node->v.s;

	return 0;
}

int lk_bencode_get_int(int64_t *ip, const struct lk_bencode_node *node)
{
	if (!node)
		return ENOENT;
	if (node->type != LK_BENCODE_INT)
		return EBADMSG;
	if (ip)
		*ip = node->v.i;

	return 0;
}

int lk_bencode_dict_get_str(struct lk_bencode_str *strp,
			    const struct lk_bencode_node *dict,
			    const char *key)
{
	return lk_bencode_get_str(strp, lk_bencode_dict_get(dict, key));
}

int lk_bencode_dict_get_int(int64_t *ip, const struct lk_bencode_node *dict,
			    const char *key)
{
	return lk_bencode_get_int(ip, lk_bencode_dict_get(dict, key));
}

bool lk_bencode_str_eq(const struct lk_bencode_node *node, const char *s)
{
	if (!node || node->type != LK_BENCODE_STR || !s)
		return false;

	return str_eq(&node->v.s, s);
}

bool lk_bencode_list_has(const struct lk_bencode_node *list, const char *s)
{
	const struct lk_bencode_node *memb;

	if (!list || list->type != LK_BENCODE_LIST)
		return false;

	LK_BENCODE_FOREACH(memb, list) {
		if (lk_bencode_str_eq(memb, s))
			return true;
	}

	return false;
}

int lk_bencode_keycmp(const struct lk_bencode_str *a,
		      const struct lk_bencode_str *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int cmp = n ? memcmp(a->p, b->p, n) : 0;

	if (cmp)
		return cmp;
	if (a->len == b->len)
		return 0;

	return a->len < b->len ? -1 : 1;
}

/*
 * Encoder.
 */
static int enc_fail(struct lk_bencode_enc *enc, int err)
{
	if (!enc->err)
		enc->err = err;

	return enc->err;
}

static int enc_put(struct lk_bencode_enc *enc, const void *p, size_t n)
{
	if (enc->size - enc->len < n)
		return enc_fail(enc, ENOSPC);
	if (n)
		memcpy(enc->buf + enc->len, p, n);
	enc->len += n;

	return 0;
}

/* Decimal digits of a magnitude, right-aligned in a 20-byte buffer. */
static size_t fmt_u64(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);

	return (size_t)(end - p);
}

static struct lk_bencode_enc_frame *enc_top(struct lk_bencode_enc *enc)
{
	return enc->depth ? &enc->stack[enc->depth - 1] : NULL;
}

/* May a value go here?  Top level once; in a dict only after its key. */
static int enc_value_ok(struct lk_bencode_enc *enc)
{
	struct lk_bencode_enc_frame *f = enc_top(enc);

	if (enc->err)
		return enc->err;
	if (!f)
		return enc->done ? enc_fail(enc, EINVAL) : 0;
	if (f->dict && !f->want_value)
		return enc_fail(enc, EINVAL);

	return 0;
}

static void enc_value_done(struct lk_bencode_enc *enc)
{
	struct lk_bencode_enc_frame *f = enc_top(enc);

	if (!f)
		enc->done = true;
	else
		f->want_value = false;
}

void lk_bencode_enc_init(struct lk_bencode_enc *enc, void *buf, size_t size)
{
	if (!enc)
		return;

	memset(enc, 0, sizeof(*enc));
	enc->buf = buf;
	enc->size = buf ? size : 0;
}

static int enc_begin(struct lk_bencode_enc *enc, bool dict)
{
	struct lk_bencode_enc_frame *f;
	int err;

	if (!enc)
		return EINVAL;
	err = enc_value_ok(enc);
	if (err)
		return err;
	if (enc->depth == LK_BENCODE_MAX_DEPTH)
		return enc_fail(enc, E2BIG);
	err = enc_put(enc, dict ? "d" : "l", 1);
	if (err)
		return err;

	f = &enc->stack[enc->depth++];
	memset(f, 0, sizeof(*f));
	f->dict = dict;

	return 0;
}

static int enc_end(struct lk_bencode_enc *enc, bool dict)
{
	struct lk_bencode_enc_frame *f;
	int err;

	if (!enc)
		return EINVAL;
	if (enc->err)
		return enc->err;
	f = enc_top(enc);
	if (!f || f->dict != dict || f->want_value)
		return enc_fail(enc, EINVAL);
	err = enc_put(enc, "e", 1);
	if (err)
		return err;

	--enc->depth;
	enc_value_done(enc);

	return 0;
}

int lk_bencode_enc_dict_begin(struct lk_bencode_enc *enc)
{
	return enc_begin(enc, true);
}

int lk_bencode_enc_dict_end(struct lk_bencode_enc *enc)
{
	return enc_end(enc, true);
}

int lk_bencode_enc_list_begin(struct lk_bencode_enc *enc)
{
	return enc_begin(enc, false);
}

int lk_bencode_enc_list_end(struct lk_bencode_enc *enc)
{
	return enc_end(enc, false);
}

/* "<len>:" then the bytes. */
static int enc_strbytes(struct lk_bencode_enc *enc, const void *p, size_t n)
{
	char num[24];
	size_t nd;
	int err;

	nd = fmt_u64(num + sizeof(num) - 1, n);
	num[sizeof(num) - 1] = ':';
	err = enc_put(enc, num + sizeof(num) - 1 - nd, nd + 1);
	if (err)
		return err;

	return enc_put(enc, p, n);
}

static int enc_key(struct lk_bencode_enc *enc, const void *p, size_t n)
{
	struct lk_bencode_enc_frame *f;
	struct lk_bencode_str key = {p, n};
	int err;

	if (enc->err)
		return enc->err;
	f = enc_top(enc);
	if (!f || !f->dict || f->want_value || (n && !p))
		return enc_fail(enc, EINVAL);
	if (f->have_key) {
		struct lk_bencode_str prev = {
			enc->buf + f->last_key_off, f->last_key_len
		};

		/* Bencode wants keys sorted; equal means duplicate. */
		if (lk_bencode_keycmp(&prev, &key) >= 0)
			return enc_fail(enc, EINVAL);
	}

	err = enc_strbytes(enc, p, n);
	if (err)
		return err;

	f->have_key = true;
	f->last_key_off = enc->len - n;
	f->last_key_len = n;
	f->want_value = true;

	return 0;
}

int lk_bencode_enc_key(struct lk_bencode_enc *enc, const char *key)
{
	if (!enc)
		return EINVAL;
	if (!key)
		return enc_fail(enc, EINVAL);

	return enc_key(enc, key, strlen(key));
}

int lk_bencode_enc_str(struct lk_bencode_enc *enc, const void *p, size_t len)
{
	int err;

	if (!enc)
		return EINVAL;
	if (len && !p)
		return enc_fail(enc, EINVAL);
	err = enc_value_ok(enc);
	if (err)
		return err;
	err = enc_strbytes(enc, p, len);
	if (err)
		return err;
	enc_value_done(enc);

	return 0;
}

int lk_bencode_enc_cstr(struct lk_bencode_enc *enc, const char *s)
{
	if (!enc)
		return EINVAL;
	if (!s)
		return enc_fail(enc, EINVAL);

	return lk_bencode_enc_str(enc, s, strlen(s));
}

int lk_bencode_enc_int(struct lk_bencode_enc *enc, int64_t i)
{
	char num[24];
	uint64_t mag;
	size_t nd;
	int err;

	if (!enc)
		return EINVAL;
	err = enc_value_ok(enc);
	if (err)
		return err;

	/* Negate in unsigned arithmetic: -INT64_MIN does not exist. */
	mag = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
	num[sizeof(num) - 1] = 'e';
	nd = fmt_u64(num + sizeof(num) - 1, mag);
	if (i < 0)
		num[sizeof(num) - 2 - nd++] = '-';
	num[sizeof(num) - 2 - nd++] = 'i';
	err = enc_put(enc, num + sizeof(num) - 1 - nd, nd + 1);
	if (err)
		return err;
	enc_value_done(enc);

	return 0;
}

int lk_bencode_enc_pair_str(struct lk_bencode_enc *enc, const char *key,
			    const char *value)
{
	int err = lk_bencode_enc_key(enc, key);

	return err ? err : lk_bencode_enc_cstr(enc, value);
}

int lk_bencode_enc_pair_int(struct lk_bencode_enc *enc, const char *key,
			    int64_t value)
{
	int err = lk_bencode_enc_key(enc, key);

	return err ? err : lk_bencode_enc_int(enc, value);
}

int lk_bencode_enc_node(struct lk_bencode_enc *enc,
			const struct lk_bencode_node *node)
{
	const struct lk_bencode_node *memb;
	const bool dict = node && node->type == LK_BENCODE_DICT;
	int err;

	if (!enc)
		return EINVAL;
	if (!node)
		return enc_fail(enc, EINVAL);

	switch (node->type) {

	case LK_BENCODE_INT:
		return lk_bencode_enc_int(enc, node->v.i);

	case LK_BENCODE_STR:
		return lk_bencode_enc_str(enc, node->v.s.p, node->v.s.len);

	case LK_BENCODE_LIST:
	case LK_BENCODE_DICT:
		err = enc_begin(enc, dict);
		if (err)
			return err;
		LK_BENCODE_FOREACH(memb, node) {
			if (dict) {
				err = enc_key(enc, memb->key.p, memb->key.len);
				if (err)
					return err;
			}
			err = lk_bencode_enc_node(enc, memb);
			if (err)
				return err;
		}
		return enc_end(enc, dict);
	}

	return enc_fail(enc, EINVAL);
}

int lk_bencode_enc_finish(size_t *lenp, struct lk_bencode_enc *enc)
{
	if (!enc)
		return EINVAL;
	if (enc->err)
		return enc->err;
	if (enc->depth || !enc->done)
		return EINVAL;
	if (lenp)
		*lenp = enc->len;

	return 0;
}
