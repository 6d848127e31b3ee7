/* signalling/h323/asn.c  Type-driven aligned-PER codec (X.691 07/2002). */
#include <errno.h>
#include <string.h>

#include "h323/asn.h"

/* Deeper than any H.225.0 message nests; stops recursive Content. */
#define MAX_DEPTH 48

static const struct lk_asn_type open_type = {
	.name = "open", .kind = LK_ASN_OPEN,
};

void lk_asn_arena_init(struct lk_asn_arena *ar, void *mem, size_t cap)
{
	ar->mem = mem;
	ar->cap = cap;
	ar->used = 0;
}

void *lk_asn_alloc(struct lk_asn_arena *ar, size_t n)
{
	size_t at = (ar->used + 7) & ~(size_t)7;
	void *p;

	if (at > ar->cap || n > ar->cap - at)
		return NULL;
	p = ar->mem + at;
	memset(p, 0, n);
	ar->used = at + n;
	return p;
}

static int val_init(struct lk_asn_arena *ar, struct lk_asn_val *v,
		    const struct lk_asn_type *t)
{
	size_t i, n;

	memset(v, 0, sizeof(*v));
	v->type = t;
	if (t->kind != LK_ASN_SEQ)
		return 0;
	n = (size_t)t->nroot + t->next;
	if (!n)
		return 0;
	v->u.list.v = lk_asn_alloc(ar, n * sizeof(*v->u.list.v));
	if (!v->u.list.v)
		return ENOMEM;
	v->u.list.n = n;
	for (i = 0; i < n; i++)
		v->u.list.v[i].type = t->members[i].type;
	return 0;
}

struct lk_asn_val *lk_asn_new(struct lk_asn_arena *ar,
			      const struct lk_asn_type *t)
{
	struct lk_asn_val *v = lk_asn_alloc(ar, sizeof(*v));

	if (!v || val_init(ar, v, t))
		return NULL;
	return v;
}

/* Bits per character and whether values are alphabet indexes (27.5.2-4). */
static unsigned str_bits(const struct lk_asn_type *t, bool *remap)
{
	size_t n, i;
	unsigned b = 0, max = 0;

	*remap = false;
	if (!t->alphabet)
		return t->charbits;
	n = strlen(t->alphabet);
	while ((1u << b) < n)
		b++;
	/* 27.5.2: the ALIGNED variant rounds b up to a power of two. */
	b = b <= 1 ? 1 : b <= 2 ? 2 : b <= 4 ? 4 : b <= 8 ? 8 : 16;
	for (i = 0; i < n; i++)
		if ((unsigned char)t->alphabet[i] > max)
			max = (unsigned char)t->alphabet[i];
	/* 27.5.4: no remapping when every value already fits in b bits. */
	*remap = max >= (1u << b);
	return b;
}

/* The sorted alphabet's index of c (27.5.4 a), or -1. */
static int alpha_index(const char *alpha, unsigned c)
{
	int idx = 0;
	const char *p;

	if (!strchr(alpha, (int)c) || c == 0)
		return -1;
	for (p = alpha; *p; p++)
		if ((unsigned char)*p < c)
			idx++;
	return idx;
}

static int alpha_char(const char *alpha, unsigned idx, unsigned *c)
{
	const char *p;

	for (p = alpha; *p; p++)
		if (alpha_index(alpha, (unsigned char)*p) == (int)idx) {
			*c = (unsigned char)*p;
			return 0;
		}
	return EBADMSG;
}

static bool char_ok(const struct lk_asn_type *t, unsigned c)
{
	if (t->alphabet)
		return alpha_index(t->alphabet, c) >= 0;
	return t->charbits == 16 || c < 128;	/* IA5: X.680 41 */
}

static int64_t lenub(int64_t ub)
{
	return ub == LK_ASN_NOUB ? -1 : ub;
}

static int dec(struct lk_per_reader *r, const struct lk_asn_type *t,
	       struct lk_asn_arena *ar, struct lk_asn_val *v, unsigned depth);

/*
 * X.691 10.2: decode an open type's contents as type t (NULL or OPEN:
 * keep the octets).  The contents must be one complete encoding: at least
 * one octet (10.1.3) and no whole octet left over.
 */
static int dec_open(struct lk_per_reader *r, const struct lk_asn_type *t,
		    struct lk_asn_arena *ar, struct lk_asn_val *v,
		    unsigned depth)
{
	struct lk_per_reader sub;
	size_t off, len;
	int err;

	err = lk_per_get_open(r, &off, &len);
	if (err)
		return err;
	if (t && t->kind != LK_ASN_OPEN) {
		lk_per_reader_init(&sub, r->buf + off, len);
		sub.base = r->base + off * 8;
		err = val_init(ar, v, t);
		if (err)
			return lk_per_fail(r, err);
		err = dec(&sub, t, ar, v, depth + 1);
		if (err == ENOTSUP)
			goto opaque;	/* untranscribed inside: keep octets */
		if (err) {
			r->err = sub.err;
			return err;
		}
		if (len != (sub.pos ? (sub.pos + 7) / 8 : 1)) {
			r->err = sub.base + sub.pos;
			return EBADMSG;
		}
		return 0;
	}
opaque:
	memset(v, 0, sizeof(*v));
	v->type = &open_type;
	v->u.str.p = lk_asn_alloc(ar, len ? len : 1);
	if (!v->u.str.p)
		return lk_per_fail(r, ENOMEM);
	memcpy(v->u.str.p, r->buf + off, len);
	v->u.str.len = len;
	return 0;
}

/* X.691 16 and 10.9.3.8: octets, fragmented when unbounded and long. */
static int dec_octets(struct lk_per_reader *r, const struct lk_asn_type *t,
		      struct lk_asn_arena *ar, struct lk_asn_val *v)
{
	struct lk_per_reader probe;
	size_t n, total = 0;
	bool more;
	int err, pass;

	if (t->lb == t->ub && t->ub < 65536) {
		/* 16.6-16.8: fixed size, aligned only above two octets. */
		n = (size_t)t->ub;
		v->u.str.p = lk_asn_alloc(ar, n ? n : 1);
		if (!v->u.str.p)
			return lk_per_fail(r, ENOMEM);
		v->u.str.len = n;
		if (n > 2) {
			err = lk_per_align(r);
			return err ? err : lk_per_get_octets(r, n, v->u.str.p);
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t b;

			err = lk_per_get_bits(r, 8, &b);
			if (err)
				return err;
			v->u.str.p[i] = (uint8_t)b;
		}
		return 0;
	}
	/* Two passes: count the fragments, then copy them. */
	for (pass = 0; pass < 2; pass++) {
		struct lk_per_reader *rr = pass ? r : &probe;
		size_t at = 0;

		probe = *r;
		do {
			err = lk_per_get_length(rr, t->lb, lenub(t->ub), &n,
						&more);
			if (!err)
				err = lk_per_align(rr);
			if (!err)
				err = lk_per_get_octets(rr, n,
					pass ? v->u.str.p + at : NULL);
			if (err) {
				r->err = rr->err;
				return err;
			}
			at += n;
		} while (more);
		if (!pass) {
			total = at;
			if ((t->lb != LK_ASN_NOLB && (int64_t)total < t->lb) ||
			    (int64_t)total > t->ub)
				return lk_per_fail(r, EBADMSG);
			v->u.str.p = lk_asn_alloc(ar, total ? total : 1);
			if (!v->u.str.p)
				return lk_per_fail(r, ENOMEM);
			v->u.str.len = total;
		}
	}
	return 0;
}

/* X.691 15: a bit string; packed into octets, most significant first. */
static int dec_bits(struct lk_per_reader *r, const struct lk_asn_type *t,
		    struct lk_asn_arena *ar, struct lk_asn_val *v)
{
	size_t n, i;
	bool more = false;
	uint64_t b;
	int err;

	if (t->lb == t->ub && t->ub < 65536) {
		n = (size_t)t->ub;
		if (n > 16 && (err = lk_per_align(r)))	/* 15.9-15.10 */
			return err;
	} else {
		err = lk_per_get_length(r, t->lb, lenub(t->ub), &n, &more);
		if (!err && more)
			err = lk_per_fail(r, ENOTSUP);
		if (!err)
			err = lk_per_align(r);	/* 15.11 */
		if (err)
			return err;
	}
	if (n > r->nbits - r->pos)
		return lk_per_fail(r, EBADMSG);
	v->u.str.p = lk_asn_alloc(ar, n / 8 + 1);
	if (!v->u.str.p)
		return lk_per_fail(r, ENOMEM);
	v->u.str.len = n;
	for (i = 0; i < n; i++) {
		err = lk_per_get_bits(r, 1, &b);
		if (err)
			return err;
		if (b)
			v->u.str.p[i / 8] |= (uint8_t)(0x80u >> (i % 8));
	}
	return 0;
}

/*
 * X.691 27.5: a known-multiplier character string.  Fixed length: no
 * length, aligned only when ub * b > 16 bits (27.5.7, 27.5.8); otherwise
 * a length determinant, then aligned when ub * b > 16 or unbounded
 * (27.5.9, 27.6).
 */
static int dec_string(struct lk_per_reader *r, const struct lk_asn_type *t,
		      struct lk_asn_arena *ar, struct lk_asn_val *v)
{
	unsigned b, width;
	bool remap, more = false, align;
	size_t n, i;
	int err;

	b = str_bits(t, &remap);
	width = b > 8 ? 2 : 1;
	if (t->lb == t->ub && t->ub < 65536) {
		n = (size_t)t->ub;
		align = n * b > 16;
	} else {
		err = lk_per_get_length(r, t->lb, lenub(t->ub), &n, &more);
		if (!err && more)
			err = lk_per_fail(r, ENOTSUP);
		if (err)
			return err;
		align = t->ub == LK_ASN_NOUB || t->ub * b > 16;
	}
	if (align && (err = lk_per_align(r)))
		return err;
	if (n > (r->nbits - r->pos) / b)
		return lk_per_fail(r, EBADMSG);
	v->u.str.p = lk_asn_alloc(ar, n * width + 1);
	if (!v->u.str.p)
		return lk_per_fail(r, ENOMEM);
	v->u.str.len = n;
	for (i = 0; i < n; i++) {
		uint64_t x;
		unsigned c;

		err = lk_per_get_bits(r, b, &x);
		if (err)
			return err;
		c = (unsigned)x;
		if (remap && alpha_char(t->alphabet, c, &c)) {
			r->pos -= b;
			return lk_per_fail(r, EBADMSG);
		}
		if (!char_ok(t, c)) {
			r->pos -= b;
			return lk_per_fail(r, EBADMSG);
		}
		if (width == 2) {
			v->u.str.p[2 * i] = (uint8_t)(c >> 8);
			v->u.str.p[2 * i + 1] = (uint8_t)c;
		} else {
			v->u.str.p[i] = (uint8_t)c;
		}
	}
	return 0;
}

static int dec_seq(struct lk_per_reader *r, const struct lk_asn_type *t,
		   struct lk_asn_arena *ar, struct lk_asn_val *v,
		   unsigned depth)
{
	uint64_t ext = 0, bit;
	size_t i, nopt = 0, extn = 0;
	uint8_t *bitmap = NULL;
	int err;

	/* 18.1: the extension bit comes first. */
	if ((t->flags & LK_ASN_EXT) && (err = lk_per_get_bits(r, 1, &ext)))
		return err;
	/* 18.2-18.3: one presence bit per OPTIONAL root component. */
	for (i = 0; i < t->nroot; i++) {
		if (!t->members[i].optional) {
			v->u.list.v[i].present = true;
			continue;
		}
		err = lk_per_get_bits(r, 1, &bit);
		if (err)
			return err;
		v->u.list.v[i].present = bit != 0;
		nopt++;
	}
	/* 18.4: the root components in order. */
	for (i = 0; i < t->nroot; i++) {
		struct lk_asn_val *s = &v->u.list.v[i];

		if (!s->present)
			continue;
		err = val_init(ar, s, t->members[i].type);
		if (err)
			return lk_per_fail(r, err);
		s->present = true;
		err = dec(r, t->members[i].type, ar, s, depth + 1);
		if (err)
			return err;
	}
	if (!ext)
		return 0;
	/* 18.7-18.8: a normally small length, the additions' bit-map... */
	err = lk_per_get_nslen(r, &extn);
	if (err)
		return err;
	if (extn > r->nbits - r->pos)
		return lk_per_fail(r, EBADMSG);
	bitmap = lk_asn_alloc(ar, extn);
	if (!bitmap)
		return lk_per_fail(r, ENOMEM);
	for (i = 0; i < extn; i++) {
		err = lk_per_get_bits(r, 1, &bit);
		if (err)
			return err;
		bitmap[i] = (uint8_t)bit;
	}
	if (t->nroot + extn > v->u.list.n) {
		struct lk_asn_val *nv;

		nv = lk_asn_alloc(ar, (t->nroot + extn) * sizeof(*nv));
		if (!nv)
			return lk_per_fail(r, ENOMEM);
		if (v->u.list.n)	/* a SEQUENCE { ... } has no slots */
			memcpy(nv, v->u.list.v, v->u.list.n * sizeof(*nv));
		v->u.list.v = nv;
		v->u.list.n = t->nroot + extn;
	}
	v->u.list.extn = extn;
	/* ...18.9: then each present addition as an open type (10.2). */
	for (i = 0; i < extn; i++) {
		const struct lk_asn_type *mt;
		struct lk_asn_val *s = &v->u.list.v[t->nroot + i];

		if (!bitmap[i])
			continue;
		mt = i < t->next ? t->members[t->nroot + i].type : NULL;
		err = dec_open(r, mt, ar, s, depth);
		if (err)
			return err;
		s->present = true;
	}
	return 0;
}

static int dec(struct lk_per_reader *r, const struct lk_asn_type *t,
	       struct lk_asn_arena *ar, struct lk_asn_val *v, unsigned depth)
{
	uint64_t ext = 0, k = 0;
	int64_t x = 0;
	size_t n, i;
	bool more, b = false;
	int err;

	if (depth > MAX_DEPTH)
		return lk_per_fail(r, EBADMSG);
	v->type = t;
	switch (t->kind) {
	case LK_ASN_NULL:	/* 17: no bits */
		return 0;
	case LK_ASN_BOOL:	/* 11 */
		err = lk_per_get_bool(r, &b);
		v->u.i = b;
		return err;
	case LK_ASN_INT:	/* 12 */
		if ((t->flags & LK_ASN_EXT) &&
		    (err = lk_per_get_bits(r, 1, &ext)))
			return err;
		if (ext || (t->lb == LK_ASN_NOLB && t->ub == LK_ASN_NOUB))
			err = lk_per_get_unc(r, &x);		/* 10.8 */
		else if (t->ub == LK_ASN_NOUB)
			err = lk_per_get_semi(r, t->lb, &x);	/* 10.7 */
		else
			err = lk_per_get_cons(r, t->lb, t->ub, &x); /* 10.5 */
		v->u.i = x;
		return err;
	case LK_ASN_ENUM:	/* 13 */
		if ((t->flags & LK_ASN_EXT) &&
		    (err = lk_per_get_bits(r, 1, &ext)))
			return err;
		if (ext) {
			err = lk_per_get_nsnn(r, &k);	/* 13.3 */
			v->u.i = (int64_t)(t->nroot + k);
			return err;
		}
		err = lk_per_get_cons(r, 0, t->nroot - 1, &x);	/* 13.2 */
		v->u.i = x;
		return err;
	case LK_ASN_OCTETS:
		return dec_octets(r, t, ar, v);
	case LK_ASN_BITS:
		return dec_bits(r, t, ar, v);
	case LK_ASN_STRING:
		return dec_string(r, t, ar, v);
	case LK_ASN_OID:	/* 23: length, then the BER contents octets */
		err = lk_per_get_length(r, 0, -1, &n, &more);
		if (!err && (more || n == 0))
			err = lk_per_fail(r, EBADMSG);
		if (!err)
			err = lk_per_align(r);
		if (err)
			return err;
		v->u.str.p = lk_asn_alloc(ar, n);
		if (!v->u.str.p)
			return lk_per_fail(r, ENOMEM);
		v->u.str.len = n;
		err = lk_per_get_octets(r, n, v->u.str.p);
		if (!err && v->u.str.p[n - 1] & 0x80) {
			r->pos -= 8;
			err = lk_per_fail(r, EBADMSG);
		}
		return err;
	case LK_ASN_SEQ:
		return dec_seq(r, t, ar, v, depth);
	case LK_ASN_SEQOF:	/* 19 */
		if (t->lb == t->ub && t->ub < 65536) {
			n = (size_t)t->ub;		/* 19.5 */
		} else {
			err = lk_per_get_length(r, t->lb == LK_ASN_NOLB ? 0 :
						t->lb, lenub(t->ub), &n, &more);
			if (!err && more)
				err = lk_per_fail(r, ENOTSUP);
			if (err)
				return err;
		}
		v->u.list.v = lk_asn_alloc(ar, (n ? n : 1) * sizeof(*v));
		if (!v->u.list.v)
			return lk_per_fail(r, ENOMEM);
		v->u.list.n = n;
		for (i = 0; i < n; i++) {
			err = val_init(ar, &v->u.list.v[i], t->elem);
			if (err)
				return lk_per_fail(r, err);
			err = dec(r, t->elem, ar, &v->u.list.v[i], depth + 1);
			if (err)
				return err;
		}
		return 0;
	case LK_ASN_CHOICE:	/* 22 */
		if ((t->flags & LK_ASN_EXT) &&
		    (err = lk_per_get_bits(r, 1, &ext)))
			return err;
		v->u.choice.v = lk_asn_alloc(ar, sizeof(*v));
		if (!v->u.choice.v)
			return lk_per_fail(r, ENOMEM);
		if (ext) {
			const struct lk_asn_type *at = NULL;

			err = lk_per_get_nsnn(r, &k);	/* 22.8 */
			if (err)
				return err;
			if (k < t->next)
				at = t->members[t->nroot + k].type;
			v->u.choice.idx = t->nroot + (size_t)k;
			return dec_open(r, at, ar, v->u.choice.v, depth);
		}
		err = lk_per_get_cons(r, 0, t->nroot - 1, &x);	/* 22.6 */
		if (err)
			return err;
		v->u.choice.idx = (size_t)x;
		err = val_init(ar, v->u.choice.v, t->members[x].type);
		if (err)
			return lk_per_fail(r, err);
		return dec(r, t->members[x].type, ar, v->u.choice.v,
			   depth + 1);
	case LK_ASN_OPEN:
	case LK_ASN_UNSUPP:
	default:
		return lk_per_fail(r, ENOTSUP);
	}
}

/*
 * Decode one complete value of type t from buf (X.691 10.1: the outermost
 * value starts at bit 0; what follows its padding is not read).  The tree
 * lives in ar.  On error *errbit is the bit offset where decoding stopped.
 */
int lk_asn_decode(const struct lk_asn_type *t, const uint8_t *buf,
		  size_t len, struct lk_asn_arena *ar, struct lk_asn_val **vp,
		  size_t *errbit)
{
	struct lk_per_reader r;
	struct lk_asn_val *v;
	int err;

	if (!t || !buf || !ar || !vp)
		return EINVAL;
	lk_per_reader_init(&r, buf, len);
	v = lk_asn_new(ar, t);
	if (!v)
		return ENOMEM;
	err = dec(&r, t, ar, v, 0);
	if (err) {
		if (errbit)
			*errbit = r.err;
		return err;
	}
	*vp = v;
	return 0;
}

static int enc(struct lk_per_writer *w, const struct lk_asn_val *v,
	       unsigned depth);

/*
 * X.691 10.2 for the writer: the contents are encoded in place two octets
 * further on, then moved up against a one-octet length when short.
 */
static int enc_open(struct lk_per_writer *w, const struct lk_asn_val *v,
		    unsigned depth)
{
	struct lk_per_writer sub;
	size_t at, n;
	int err;

	err = lk_per_put_align(w);
	if (err)
		return err;
	at = w->pos / 8;
	if (w->cap / 8 < at + 2)
		return ENOSPC;
	if (v->type && v->type->kind == LK_ASN_OPEN) {
		n = v->u.str.len;
		if (n > w->cap / 8 - at - 2)
			return ENOSPC;
		memmove(w->buf + at + 2, v->u.str.p, n);
	} else {
		lk_per_writer_init(&sub, w->buf + at + 2, w->cap / 8 - at - 2);
		err = enc(&sub, v, depth + 1);
		if (err)
			return err;
		n = lk_per_writer_octets(&sub);
		if (n == 0) {		/* 10.1.3: never empty */
			if (sub.cap < 8)
				return ENOSPC;
			w->buf[at + 2] = 0;
			n = 1;
		}
	}
	if (n >= LK_PER_FRAG)
		return EMSGSIZE;
	if (n < 128) {
		memmove(w->buf + at + 1, w->buf + at + 2, n);
		w->buf[at] = (uint8_t)n;
		w->pos = (at + 1 + n) * 8;
	} else {
		w->buf[at] = (uint8_t)(0x80 | (n >> 8));
		w->buf[at + 1] = (uint8_t)n;
		w->pos = (at + 2 + n) * 8;
	}
	return 0;
}

static int enc_octets(struct lk_per_writer *w, const struct lk_asn_type *t,
		      const struct lk_asn_val *v)
{
	size_t n = v->u.str.len, at = 0, piece;
	int err;

	if ((t->lb != LK_ASN_NOLB && (int64_t)n < t->lb) ||
	    (int64_t)n > t->ub)
		return EINVAL;
	if (t->lb == t->ub && t->ub < 65536) {
		if (n > 2 && (err = lk_per_put_align(w)))
			return err;
		if (n > 2)
			return lk_per_put_octets(w, v->u.str.p, n);
		for (size_t i = 0; i < n; i++)
			if ((err = lk_per_put_bits(w, 8, v->u.str.p[i])))
				return err;
		return 0;
	}
	if (t->ub != LK_ASN_NOUB && t->ub < 65536) {
		err = lk_per_put_length(w, t->lb, t->ub, n);
		if (!err)
			err = lk_per_put_align(w);
		return err ? err : lk_per_put_octets(w, v->u.str.p, n);
	}
	/* 10.9.3.8: 64K, 48K, 32K or 16K at a time, then the rest. */
	for (;;) {
		piece = n - at;
		if (piece >= LK_PER_FRAG) {
			piece = piece / LK_PER_FRAG;
			piece = (piece > 4 ? 4 : piece) * LK_PER_FRAG;
		}
		err = lk_per_put_length(w, 0, -1, piece);
		if (!err)
			err = lk_per_put_octets(w, v->u.str.p + at, piece);
		if (err)
			return err;
		at += piece;
		if (piece < LK_PER_FRAG)
			return 0;
	}
}

static int enc_bits(struct lk_per_writer *w, const struct lk_asn_type *t,
		    const struct lk_asn_val *v)
{
	size_t n = v->u.str.len, i;
	int err;

	if ((t->lb != LK_ASN_NOLB && (int64_t)n < t->lb) ||
	    (int64_t)n > t->ub || n >= 65536)
		return EINVAL;
	if (t->lb == t->ub) {
		if (n > 16 && (err = lk_per_put_align(w)))
			return err;
	} else {
		err = lk_per_put_length(w, t->lb, lenub(t->ub), n);
		if (!err)
			err = lk_per_put_align(w);
		if (err)
			return err;
	}
	for (i = 0; i < n; i++)
		if ((err = lk_per_put_bits(w, 1,
				(v->u.str.p[i / 8] >> (7 - i % 8)) & 1u)))
			return err;
	return 0;
}

static int enc_string(struct lk_per_writer *w, const struct lk_asn_type *t,
		      const struct lk_asn_val *v)
{
	size_t n = v->u.str.len, i;
	unsigned b, width;
	bool remap, align;
	int err;

	b = str_bits(t, &remap);
	width = b > 8 ? 2 : 1;
	if ((t->lb != LK_ASN_NOLB && (int64_t)n < t->lb) ||
	    (int64_t)n > t->ub || n >= LK_PER_FRAG)
		return EINVAL;
	if (t->lb == t->ub && t->ub < 65536) {
		align = n * b > 16;
	} else {
		err = lk_per_put_length(w, t->lb == LK_ASN_NOLB ? 0 : t->lb,
					lenub(t->ub), n);
		if (err)
			return err;
		align = t->ub == LK_ASN_NOUB || t->ub * b > 16;
	}
	if (align && (err = lk_per_put_align(w)))
		return err;
	for (i = 0; i < n; i++) {
		unsigned c = width == 2 ? (unsigned)(v->u.str.p[2 * i] << 8 |
						     v->u.str.p[2 * i + 1])
					: v->u.str.p[i];

		if (!char_ok(t, c))
			return EINVAL;
		if (remap)
			c = (unsigned)alpha_index(t->alphabet, c);
		if ((err = lk_per_put_bits(w, b, c)))
			return err;
	}
	return 0;
}

static int enc_seq(struct lk_per_writer *w, const struct lk_asn_type *t,
		   const struct lk_asn_val *v, unsigned depth)
{
	size_t i, last = 0, extn;
	int err;

	/*
	 * The bit-map runs to the last addition present, or to the length a
	 * decoded value had (a message relayed unchanged is re-encoded byte
	 * for byte).  With no addition left present there is none: the
	 * extension bit is 0 (18.1), whatever length was decoded.
	 */
	for (i = t->nroot; i < v->u.list.n; i++)
		if (v->u.list.v[i].present)
			last = i - t->nroot + 1;
	extn = last && v->u.list.extn > last ? v->u.list.extn : last;
	if (extn && !(t->flags & LK_ASN_EXT))
		return EINVAL;
	if ((t->flags & LK_ASN_EXT) &&
	    (err = lk_per_put_bits(w, 1, extn ? 1 : 0)))	/* 18.1 */
		return err;
	for (i = 0; i < t->nroot; i++)				/* 18.2 */
		if (t->members[i].optional &&
		    (err = lk_per_put_bits(w, 1, v->u.list.v[i].present)))
			return err;
	for (i = 0; i < t->nroot; i++) {			/* 18.4 */
		if (!v->u.list.v[i].present) {
			if (!t->members[i].optional)
				return EINVAL;
			continue;
		}
		if ((err = enc(w, &v->u.list.v[i], depth + 1)))
			return err;
	}
	if (!extn)
		return 0;
	if ((err = lk_per_put_nslen(w, extn)))			/* 18.8 */
		return err;
	for (i = 0; i < extn; i++) {
		bool p = t->nroot + i < v->u.list.n &&
			 v->u.list.v[t->nroot + i].present;

		if ((err = lk_per_put_bits(w, 1, p)))
			return err;
	}
	for (i = 0; i < extn; i++) {				/* 18.9 */
		if (t->nroot + i >= v->u.list.n ||
		    !v->u.list.v[t->nroot + i].present)
			continue;
		if ((err = enc_open(w, &v->u.list.v[t->nroot + i], depth)))
			return err;
	}
	return 0;
}

static int enc(struct lk_per_writer *w, const struct lk_asn_val *v,
	       unsigned depth)
{
	const struct lk_asn_type *t = v->type;
	size_t n, i;
	int err;

	if (!t || depth > MAX_DEPTH)
		return EINVAL;
	switch (t->kind) {
	case LK_ASN_NULL:
		return 0;
	case LK_ASN_BOOL:
		return lk_per_put_bits(w, 1, v->u.i ? 1 : 0);
	case LK_ASN_INT: {
		bool out = (t->lb != LK_ASN_NOLB && v->u.i < t->lb) ||
			   (t->ub != LK_ASN_NOUB && v->u.i > t->ub);

		if (t->flags & LK_ASN_EXT) {
			if ((err = lk_per_put_bits(w, 1, out)))
				return err;
			if (out)
				return lk_per_put_unc(w, v->u.i);
		} else if (out) {
			return EINVAL;
		}
		if (t->lb == LK_ASN_NOLB && t->ub == LK_ASN_NOUB)
			return lk_per_put_unc(w, v->u.i);
		if (t->ub == LK_ASN_NOUB)
			return lk_per_put_semi(w, t->lb, v->u.i);
		return lk_per_put_cons(w, t->lb, t->ub, v->u.i);
	}
	case LK_ASN_ENUM:
		if (v->u.i < 0 || v->u.i >= (int64_t)t->nroot + t->next)
			return EINVAL;
		if (t->flags & LK_ASN_EXT) {
			bool ext = v->u.i >= t->nroot;

			if ((err = lk_per_put_bits(w, 1, ext)))
				return err;
			if (ext)
				return lk_per_put_nsnn(w, (uint64_t)(v->u.i -
								     t->nroot));
		}
		return lk_per_put_cons(w, 0, t->nroot - 1, v->u.i);
	case LK_ASN_OCTETS:
		return enc_octets(w, t, v);
	case LK_ASN_BITS:
		return enc_bits(w, t, v);
	case LK_ASN_STRING:
		return enc_string(w, t, v);
	case LK_ASN_OID:
		if (!v->u.str.len || v->u.str.len >= 128 * 128)
			return EINVAL;
		err = lk_per_put_length(w, 0, -1, v->u.str.len);
		return err ? err : lk_per_put_octets(w, v->u.str.p,
						     v->u.str.len);
	case LK_ASN_SEQ:
		return enc_seq(w, t, v, depth);
	case LK_ASN_SEQOF:
		n = v->u.list.n;
		if ((t->lb != LK_ASN_NOLB && (int64_t)n < t->lb) ||
		    (int64_t)n > t->ub || n >= LK_PER_FRAG)
			return EINVAL;
		if (!(t->lb == t->ub && t->ub < 65536) &&
		    (err = lk_per_put_length(w, t->lb == LK_ASN_NOLB ? 0 :
					     t->lb, lenub(t->ub), n)))
			return err;
		for (i = 0; i < n; i++)
			if ((err = enc(w, &v->u.list.v[i], depth + 1)))
				return err;
		return 0;
	case LK_ASN_CHOICE:
		if (!v->u.choice.v)
			return EINVAL;
		if (v->u.choice.idx >= t->nroot) {
			if (!(t->flags & LK_ASN_EXT))
				return EINVAL;
			err = lk_per_put_bits(w, 1, 1);
			if (!err)
				err = lk_per_put_nsnn(w, v->u.choice.idx -
						      t->nroot);
			return err ? err : enc_open(w, v->u.choice.v, depth);
		}
		if ((t->flags & LK_ASN_EXT) && (err = lk_per_put_bits(w, 1, 0)))
			return err;
		err = lk_per_put_cons(w, 0, t->nroot - 1,
				      (int64_t)v->u.choice.idx);
		return err ? err : enc(w, v->u.choice.v, depth + 1);
	default:
		return EINVAL;
	}
}

/* Encode v into buf; *len is the octets used, the last one zero-padded. */
int lk_asn_encode(const struct lk_asn_val *v, uint8_t *buf, size_t cap,
		  size_t *len)
{
	struct lk_per_writer w;
	int err;

	if (!v || !buf || !len)
		return EINVAL;
	lk_per_writer_init(&w, buf, cap);
	err = enc(&w, v, 0);
	if (err)
		return err;
	*len = lk_per_writer_octets(&w);
	if (*len == 0) {	/* 10.1.3: a complete encoding has one octet */
		if (!cap)
			return ENOSPC;
		buf[0] = 0;
		*len = 1;
	}
	return 0;
}

static int member_index(const struct lk_asn_type *t, const char *name,
			size_t nlen)
{
	size_t i;

	for (i = 0; i < (size_t)t->nroot + t->next; i++)
		if (strlen(t->members[i].name) == nlen &&
		    !memcmp(t->members[i].name, name, nlen))
			return (int)i;
	return -1;
}

/*
 * The value at a dotted path of member and alternative names below v, or
 * NULL when a member is absent or another alternative is chosen.
 */
struct lk_asn_val *lk_asn_get(const struct lk_asn_val *v, const char *path)
{
	const char *p = path;

	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t nlen = dot ? (size_t)(dot - p) : strlen(p);
		const struct lk_asn_type *t = v->type;
		int i;

		if (!t || (t->kind != LK_ASN_SEQ && t->kind != LK_ASN_CHOICE))
			return NULL;
		i = member_index(t, p, nlen);
		if (i < 0)
			return NULL;
		if (t->kind == LK_ASN_CHOICE) {
			if (v->u.choice.idx != (size_t)i)
				return NULL;
			v = v->u.choice.v;
		} else {
			if ((size_t)i >= v->u.list.n ||
			    !v->u.list.v[i].present)
				return NULL;
			v = &v->u.list.v[i];
		}
		p += nlen + (dot ? 1 : 0);
	}
	return (struct lk_asn_val *)v;
}

/*
 * Make member name of SEQ v present (or choose alternative name of CHOICE
 * v) with a fresh value, and return that value for the caller to fill.
 */
struct lk_asn_val *lk_asn_set(struct lk_asn_arena *ar, struct lk_asn_val *v,
			      const char *name)
{
	const struct lk_asn_type *t = v ? v->type : NULL;
	struct lk_asn_val *s;
	int i;

	if (!t || !name || (t->kind != LK_ASN_SEQ && t->kind != LK_ASN_CHOICE))
		return NULL;
	i = member_index(t, name, strlen(name));
	if (i < 0)
		return NULL;
	if (t->kind == LK_ASN_CHOICE) {
		s = lk_asn_new(ar, t->members[i].type);
		if (!s)
			return NULL;
		v->u.choice.idx = (size_t)i;
		v->u.choice.v = s;
		return s;
	}
	s = &v->u.list.v[i];
	if (val_init(ar, s, t->members[i].type))
		return NULL;
	s->present = true;
	return s;
}

int lk_asn_seqof_resize(struct lk_asn_arena *ar, struct lk_asn_val *v,
			size_t n)
{
	struct lk_asn_val *nv;
	size_t i;
	int err;

	if (!v || !v->type || v->type->kind != LK_ASN_SEQOF)
		return EINVAL;
	nv = lk_asn_alloc(ar, (n ? n : 1) * sizeof(*nv));
	if (!nv)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		if (i < v->u.list.n) {
			nv[i] = v->u.list.v[i];
		} else if ((err = val_init(ar, &nv[i], v->type->elem))) {
			return err;
		}
	}
	v->u.list.v = nv;
	v->u.list.n = n;
	return 0;
}

int lk_asn_set_octets(struct lk_asn_arena *ar, struct lk_asn_val *v,
		      const void *p, size_t len)
{
	uint8_t *d = lk_asn_alloc(ar, len ? len : 1);

	if (!d)
		return ENOMEM;
	memcpy(d, p, len);
	v->u.str.p = d;
	v->u.str.len = len;
	return 0;
}

/* An ASCII text into a character string value (two octets a char in BMP). */
int lk_asn_set_str(struct lk_asn_arena *ar, struct lk_asn_val *v,
		   const char *ascii)
{
	size_t n = strlen(ascii), i;
	bool remap;
	unsigned width;
	uint8_t *d;

	if (!v->type || v->type->kind != LK_ASN_STRING)
		return EINVAL;
	width = str_bits(v->type, &remap) > 8 ? 2 : 1;
	d = lk_asn_alloc(ar, n * width + 1);
	if (!d)
		return ENOMEM;
	for (i = 0; i < n; i++) {
		if (width == 2) {
			d[2 * i] = 0;
			d[2 * i + 1] = (uint8_t)ascii[i];
		} else {
			d[i] = (uint8_t)ascii[i];
		}
	}
	v->u.str.p = d;
	v->u.str.len = n;
	return 0;
}

int lk_asn_set_oid(struct lk_asn_arena *ar, struct lk_asn_val *v,
		   const uint32_t *arcs, size_t n)
{
	uint8_t tmp[128];
	size_t len;
	int err;

	err = lk_per_oid_encode(arcs, n, tmp, sizeof(tmp), &len);
	return err ? err : lk_asn_set_octets(ar, v, tmp, len);
}

/* The chosen alternative's name, "?" for an unknown extension one. */
const char *lk_asn_choice_name(const struct lk_asn_val *v)
{
	const struct lk_asn_type *t = v ? v->type : NULL;

	if (!t || t->kind != LK_ASN_CHOICE)
		return NULL;
	if (v->u.choice.idx >= (size_t)t->nroot + t->next)
		return "?";
	return t->members[v->u.choice.idx].name;
}

/* A character string as ASCII for logs and tests ('?' outside ASCII). */
size_t lk_asn_str_ascii(const struct lk_asn_val *v, char *buf, size_t cap)
{
	size_t i, n = 0;
	bool remap;
	unsigned width;

	if (!cap)
		return 0;
	if (v && v->type && v->type->kind == LK_ASN_STRING) {
		width = str_bits(v->type, &remap) > 8 ? 2 : 1;
		for (i = 0; i < v->u.str.len && n + 1 < cap; i++) {
			unsigned c = width == 2 ?
				(unsigned)(v->u.str.p[2 * i] << 8 |
					   v->u.str.p[2 * i + 1]) :
				v->u.str.p[i];

			buf[n++] = c >= 32 && c < 127 ? (char)c : '?';
		}
	}
	buf[n] = 0;
	return n;
}
