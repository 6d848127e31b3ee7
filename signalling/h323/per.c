/* signalling/h323/per.c  Aligned PER (X.691 07/2002) primitives. */
#include <errno.h>
#include <string.h>

#include "h323/per.h"

void lk_per_reader_init(struct lk_per_reader *r, const uint8_t *buf,
			size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->nbits = len * 8;
}

/* Record where decoding stopped; the first error wins. */
int lk_per_fail(struct lk_per_reader *r, int err)
{
	if (!r->err)
		r->err = r->base + r->pos;
	return err;
}

int lk_per_get_bits(struct lk_per_reader *r, unsigned n, uint64_t *v)
{
	uint64_t x = 0;
	unsigned i;

	if (n > 64)
		return lk_per_fail(r, EINVAL);
	if (n > r->nbits - r->pos)
		return lk_per_fail(r, EBADMSG);
	for (i = 0; i < n; i++, r->pos++)
		x = (x << 1) |
		    ((r->buf[r->pos / 8] >> (7 - r->pos % 8)) & 1u);
	*v = x;
	return 0;
}

/* X.691 11: a BOOLEAN is one bit. */
int lk_per_get_bool(struct lk_per_reader *r, bool *v)
{
	uint64_t b;
	int err = lk_per_get_bits(r, 1, &b);

	if (!err)
		*v = b != 0;
	return err;
}

/*
 * X.691 3.6.1, 10.1: padding to the next octet boundary.  Padding bits are
 * zero; nonzero padding is accepted (X.691 leaves it to the decoder) but
 * is not reproduced by the encoder.
 */
int lk_per_align(struct lk_per_reader *r)
{
	size_t to = (r->pos + 7) & ~(size_t)7;

	if (to > r->nbits)
		return lk_per_fail(r, EBADMSG);
	r->pos = to;
	return 0;
}

/* n whole octets at an octet-aligned position. */
int lk_per_get_octets(struct lk_per_reader *r, size_t n, uint8_t *dst)
{
	if (r->pos % 8)
		return lk_per_fail(r, EINVAL);
	if (n > (r->nbits - r->pos) / 8)
		return lk_per_fail(r, EBADMSG);
	if (dst && n)
		memcpy(dst, r->buf + r->pos / 8, n);
	r->pos += n * 8;
	return 0;
}

static unsigned bits_for(uint64_t x)
{
	unsigned n = 0;

	while (x) {
		n++;
		x >>= 1;
	}
	return n;
}

static unsigned octets_for(uint64_t x)
{
	unsigned n = 1;

	while (x > 0xff) {
		n++;
		x >>= 8;
	}
	return n;
}

/*
 * X.691 10.5.7 (ALIGNED): a constrained whole number lb..ub.  range 1:
 * nothing (10.5.4); range <= 255: the minimal bit-field (10.5.7.1);
 * range 256: one aligned octet (10.5.7.2); range <= 64K: two aligned
 * octets (10.5.7.3); larger: the octet count as a constrained whole number
 * 1..octets(range-1), then the value in that many aligned octets
 * (10.5.7.4).
 */
int lk_per_get_cons(struct lk_per_reader *r, int64_t lb, int64_t ub,
		    int64_t *v)
{
	uint64_t range, x;
	int64_t cnt;
	int err;

	if (ub < lb)
		return lk_per_fail(r, EINVAL);
	range = (uint64_t)(ub - lb) + 1;
	if (range == 1) {
		x = 0;
	} else if (range <= 255) {
		err = lk_per_get_bits(r, bits_for(range - 1), &x);
		if (err)
			return err;
	} else if (range <= 65536) {
		err = lk_per_align(r);
		if (!err)
			err = lk_per_get_bits(r, range == 256 ? 8 : 16, &x);
		if (err)
			return err;
	} else {
		err = lk_per_get_cons(r, 1, octets_for(range - 1), &cnt);
		if (!err)
			err = lk_per_align(r);
		if (!err)
			err = lk_per_get_bits(r, (unsigned)cnt * 8, &x);
		if (err)
			return err;
	}
	if (x > range - 1)
		return lk_per_fail(r, EBADMSG);
	*v = lb + (int64_t)x;
	return 0;
}

/*
 * X.691 10.6: a normally small non-negative whole number: 0 and six bits
 * below 64, else 1 and a semi-constrained whole number (10.6.2).
 */
int lk_per_get_nsnn(struct lk_per_reader *r, uint64_t *v)
{
	uint64_t big, x;
	int64_t s;
	int err;

	err = lk_per_get_bits(r, 1, &big);
	if (err)
		return err;
	if (!big) {
		err = lk_per_get_bits(r, 6, &x);
		if (!err)
			*v = x;
		return err;
	}
	err = lk_per_get_semi(r, 0, &s);
	if (!err)
		*v = (uint64_t)s;
	return err;
}

/* The octet count of 10.7 and 10.8: an unconstrained length (10.9). */
static int get_count(struct lk_per_reader *r, unsigned *cnt)
{
	size_t n;
	bool more;
	int err;

	err = lk_per_get_length(r, 0, -1, &n, &more);
	if (err)
		return err;
	if (more || n < 1 || n > 8)
		return lk_per_fail(r, ENOTSUP);
	err = lk_per_align(r);
	if (err)
		return err;
	*cnt = (unsigned)n;
	return 0;
}

/*
 * X.691 10.7: a semi-constrained whole number: value - lb in the minimal
 * number of octets, preceded by their count (10.9 unconstrained length).
 */
int lk_per_get_semi(struct lk_per_reader *r, int64_t lb, int64_t *v)
{
	unsigned cnt;
	uint64_t x;
	int err;

	err = get_count(r, &cnt);
	if (!err)
		err = lk_per_get_bits(r, cnt * 8, &x);
	if (err)
		return err;
	if (x > (uint64_t)INT64_MAX - (uint64_t)(lb < 0 ? 0 : lb))
		return lk_per_fail(r, ENOTSUP);
	*v = lb + (int64_t)x;
	return 0;
}

/* X.691 10.8: an unconstrained whole number in two's complement octets. */
int lk_per_get_unc(struct lk_per_reader *r, int64_t *v)
{
	unsigned cnt;
	uint64_t x;
	int err;

	err = get_count(r, &cnt);
	if (!err)
		err = lk_per_get_bits(r, cnt * 8, &x);
	if (err)
		return err;
	if (cnt < 8 && (x >> (cnt * 8 - 1)))
		x |= ~(uint64_t)0 << (cnt * 8);
	*v = (int64_t)x;
	return 0;
}

/*
 * X.691 10.9: a length determinant for a count constrained to lb..ub (ub
 * < 0: no upper bound).  ub < 64K: a constrained whole number (10.9.3.3,
 * 10.9.4.1); otherwise aligned, one octet below 128 (10.9.3.6), two
 * octets 10xxxxxx below 16K (10.9.3.7), or 11xxxxxx: m * 16K items with
 * more to follow, m in 1..4 (10.9.3.8).  *more is set for a fragment.
 */
int lk_per_get_length(struct lk_per_reader *r, int64_t lb, int64_t ub,
		      size_t *n, bool *more)
{
	uint64_t b0, b1;
	int64_t v;
	int err;

	if (ub >= 0 && ub < 65536) {
		err = lk_per_get_cons(r, lb, ub, &v);
		if (err)
			return err;
		*n = (size_t)v;
		*more = false;
		return 0;
	}
	err = lk_per_align(r);
	if (!err)
		err = lk_per_get_bits(r, 8, &b0);
	if (err)
		return err;
	if (!(b0 & 0x80)) {
		*n = (size_t)b0;
		*more = false;
	} else if (!(b0 & 0x40)) {
		err = lk_per_get_bits(r, 8, &b1);
		if (err)
			return err;
		*n = (size_t)(((b0 & 0x3f) << 8) | b1);
		*more = false;
	} else {
		if ((b0 & 0x3f) < 1 || (b0 & 0x3f) > 4) {
			r->pos -= 8;
			return lk_per_fail(r, EBADMSG);
		}
		*n = (size_t)(b0 & 0x3f) * LK_PER_FRAG;
		*more = true;
	}
	return 0;
}

/*
 * X.691 10.9.3.4: a normally small length (the extension bit-map's):
 * n - 1 in six bits when n <= 64, else an unconstrained length.
 */
int lk_per_get_nslen(struct lk_per_reader *r, size_t *n)
{
	uint64_t big, x;
	bool more;
	int err;

	err = lk_per_get_bits(r, 1, &big);
	if (err)
		return err;
	if (!big) {
		err = lk_per_get_bits(r, 6, &x);
		if (!err)
			*n = (size_t)x + 1;
		return err;
	}
	err = lk_per_get_length(r, 0, -1, n, &more);
	if (!err && (more || *n == 0))
		return lk_per_fail(r, ENOTSUP);
	return err;
}

/*
 * X.691 10.2: an open type field: an unconstrained length in octets, then
 * that many aligned octets holding a complete encoding.  *off is the byte
 * offset in r->buf.  A fragmented open type (64K and more) is refused.
 */
int lk_per_get_open(struct lk_per_reader *r, size_t *off, size_t *len)
{
	size_t n;
	bool more;
	int err;

	err = lk_per_get_length(r, 0, -1, &n, &more);
	if (err)
		return err;
	if (more)
		return lk_per_fail(r, ENOTSUP);
	*off = r->pos / 8;
	err = lk_per_get_octets(r, n, NULL);
	if (err)
		return err;
	*len = n;
	return 0;
}

void lk_per_writer_init(struct lk_per_writer *w, uint8_t *buf, size_t len)
{
	w->buf = buf;
	w->cap = len * 8;
	w->pos = 0;
}

int lk_per_put_bits(struct lk_per_writer *w, unsigned n, uint64_t v)
{
	unsigned i;

	if (n > 64)
		return EINVAL;
	if (n > w->cap - w->pos)
		return ENOSPC;
	for (i = n; i > 0; i--, w->pos++) {
		uint8_t m = (uint8_t)(0x80u >> (w->pos % 8));

		if (w->pos % 8 == 0)
			w->buf[w->pos / 8] = 0;
		if ((v >> (i - 1)) & 1u)
			w->buf[w->pos / 8] |= m;
	}
	return 0;
}

int lk_per_put_align(struct lk_per_writer *w)
{
	size_t pad = (8 - w->pos % 8) % 8;

	return lk_per_put_bits(w, (unsigned)pad, 0);
}

int lk_per_put_octets(struct lk_per_writer *w, const uint8_t *src, size_t n)
{
	if (w->pos % 8)
		return EINVAL;
	if (n > (w->cap - w->pos) / 8)
		return ENOSPC;
	if (n)
		memmove(w->buf + w->pos / 8, src, n);
	w->pos += n * 8;
	return 0;
}

int lk_per_put_cons(struct lk_per_writer *w, int64_t lb, int64_t ub,
		    int64_t v)
{
	uint64_t range, x;
	unsigned cnt;
	int err;

	if (ub < lb || v < lb || v > ub)
		return EINVAL;
	range = (uint64_t)(ub - lb) + 1;
	x = (uint64_t)(v - lb);
	if (range == 1)
		return 0;
	if (range <= 255)
		return lk_per_put_bits(w, bits_for(range - 1), x);
	if (range <= 65536) {
		err = lk_per_put_align(w);
		return err ? err : lk_per_put_bits(w, range == 256 ? 8 : 16, x);
	}
	cnt = octets_for(x);
	err = lk_per_put_cons(w, 1, octets_for(range - 1), cnt);
	if (!err)
		err = lk_per_put_align(w);
	return err ? err : lk_per_put_bits(w, cnt * 8, x);
}

int lk_per_put_nsnn(struct lk_per_writer *w, uint64_t v)
{
	int err;

	if (v < 64) {
		err = lk_per_put_bits(w, 1, 0);
		return err ? err : lk_per_put_bits(w, 6, v);
	}
	err = lk_per_put_bits(w, 1, 1);
	return err ? err : lk_per_put_semi(w, 0, (int64_t)v);
}

int lk_per_put_semi(struct lk_per_writer *w, int64_t lb, int64_t v)
{
	uint64_t x;
	unsigned cnt;
	int err;

	if (v < lb)
		return EINVAL;
	x = (uint64_t)(v - lb);
	cnt = octets_for(x);
	err = lk_per_put_length(w, 0, -1, cnt);
	if (!err)
		err = lk_per_put_align(w);
	return err ? err : lk_per_put_bits(w, cnt * 8, x);
}

int lk_per_put_unc(struct lk_per_writer *w, int64_t v)
{
	unsigned cnt = 1;
	int err;

	while (cnt < 8 && (v < -((int64_t)1 << (cnt * 8 - 1)) ||
			   v >= ((int64_t)1 << (cnt * 8 - 1))))
		cnt++;
	err = lk_per_put_length(w, 0, -1, cnt);
	if (!err)
		err = lk_per_put_align(w);
	if (err)
		return err;
	if (cnt == 8)
		return lk_per_put_bits(w, 64, (uint64_t)v);
	return lk_per_put_bits(w, cnt * 8,
			       (uint64_t)v & ((UINT64_C(1) << (cnt * 8)) - 1));
}

/*
 * X.691 10.9 for the writer.  A count of 16K or more with no upper bound
 * below 64K is a fragment: the caller writes m * 16K items, then calls
 * again for the rest (10.9.3.8); this writes the fragment header and
 * returns the count it covers through the normal path only for n < 16K,
 * so callers with longer data use lk_per_put_length() per piece.
 */
int lk_per_put_length(struct lk_per_writer *w, int64_t lb, int64_t ub,
		      size_t n)
{
	int err;

	if (ub >= 0 && ub < 65536)
		return lk_per_put_cons(w, lb, ub, (int64_t)n);
	err = lk_per_put_align(w);
	if (err)
		return err;
	if (n < 128)
		return lk_per_put_bits(w, 8, n);
	if (n < LK_PER_FRAG)
		return lk_per_put_bits(w, 16, 0x8000u | n);
	if (n % LK_PER_FRAG || n / LK_PER_FRAG > 4)
		return EINVAL;
	return lk_per_put_bits(w, 8, 0xc0u | (n / LK_PER_FRAG));
}

int lk_per_put_nslen(struct lk_per_writer *w, size_t n)
{
	int err;

	if (n == 0)
		return EINVAL;
	if (n <= 64) {
		err = lk_per_put_bits(w, 1, 0);
		return err ? err : lk_per_put_bits(w, 6, n - 1);
	}
	err = lk_per_put_bits(w, 1, 1);
	return err ? err : lk_per_put_length(w, 0, -1, n);
}

/* Bytes used so far, the last one padded with zero bits. */
size_t lk_per_writer_octets(const struct lk_per_writer *w)
{
	return (w->pos + 7) / 8;
}

/*
 * X.691 23 uses the contents octets of the BER encoding (X.690 8.19):
 * the first two arcs joined as 40 * a0 + a1, every arc in base 128 with
 * the high bit set on all but its last octet.
 */
int lk_per_oid_encode(const uint32_t *arcs, size_t n, uint8_t *buf,
		      size_t cap, size_t *len)
{
	size_t i, o = 0;

	if (n < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
		return EINVAL;
	for (i = 1; i < n; i++) {
		uint64_t v = i == 1 ? (uint64_t)arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t tmp[10];
		size_t k = 0;

		do {
			tmp[k++] = (uint8_t)(v & 0x7f);
			v >>= 7;
		} while (v);
		if (o + k > cap)
			return ENOSPC;
		while (k--)
			buf[o++] = (uint8_t)(tmp[k] | (k ? 0x80 : 0));
	}
	*len = o;
	return 0;
}

int lk_per_oid_decode(const uint8_t *buf, size_t len, uint32_t *arcs,
		      size_t cap, size_t *n)
{
	size_t i, k = 0;
	uint64_t v = 0;

	if (len == 0 || buf[len - 1] & 0x80)
		return EBADMSG;
	for (i = 0; i < len; i++) {
		if (v == 0 && buf[i] == 0x80)
			return EBADMSG;	/* X.690 8.19.2: minimal octets */
		v = (v << 7) | (buf[i] & 0x7f);
		if (v > UINT32_MAX + UINT64_C(80))
			return ENOTSUP;
		if (buf[i] & 0x80)
			continue;
		if (k == 0) {
			if (cap < 2)
				return ENOSPC;
			arcs[0] = v < 40 ? 0 : v < 80 ? 1 : 2;
			arcs[1] = (uint32_t)(v - arcs[0] * 40);
			k = 2;
		} else {
			if (k >= cap)
				return ENOSPC;
			arcs[k++] = (uint32_t)v;
		}
		v = 0;
	}
	*n = k;
	return 0;
}
