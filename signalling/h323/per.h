/* signalling/h323/per.h  Aligned PER (ITU-T X.691) bit reader and writer. */
#ifndef LK_H323_PER_H
#define LK_H323_PER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The primitives of the ALIGNED variant of the Packed Encoding Rules,
 * X.691 (07/2002); the clause numbers in per.c are that edition's.  No
 * packaged C library does aligned PER for the H.323 modules (Debian's
 * asn1c only has the unaligned variant), so this one is hand-written; the
 * type-driven codec on top of it is asn.h.
 *
 * Reader: never reads past its input.  Every function returns 0 or a
 * positive errno (EBADMSG for input that breaks a rule, ENOTSUP for a form
 * this codec does not take), and on error r->err holds the bit offset, from
 * the start of the outermost input, where decoding stopped.  Out-parameters
 * are written only on success.
 *
 * Writer: ENOSPC when the buffer is full, EINVAL for a value outside its
 * constraint.  Bits are written most significant first; alignment is
 * relative to the start of the buffer (X.691 10.1: the outermost value
 * starts octet-aligned).
 */

struct lk_per_reader {
	const uint8_t *buf;
	size_t nbits;	/* readable bits from buf */
	size_t pos;	/* next bit to read */
	size_t base;	/* bit offset of buf in the outermost input */
	size_t err;	/* absolute bit offset of the first error */
};

struct lk_per_writer {
	uint8_t *buf;
	size_t cap;	/* capacity in bits */
	size_t pos;	/* next bit to write */
};

/* A length determinant too large for one piece: 16K items (10.9.3.8). */
#define LK_PER_FRAG 16384u

void lk_per_reader_init(struct lk_per_reader *r, const uint8_t *buf,
			size_t len);
int lk_per_fail(struct lk_per_reader *r, int err);
int lk_per_get_bits(struct lk_per_reader *r, unsigned n, uint64_t *v);
int lk_per_get_bool(struct lk_per_reader *r, bool *v);
int lk_per_align(struct lk_per_reader *r);
int lk_per_get_octets(struct lk_per_reader *r, size_t n, uint8_t *dst);
int lk_per_get_cons(struct lk_per_reader *r, int64_t lb, int64_t ub,
		    int64_t *v);
int lk_per_get_nsnn(struct lk_per_reader *r, uint64_t *v);
int lk_per_get_semi(struct lk_per_reader *r, int64_t lb, int64_t *v);
int lk_per_get_unc(struct lk_per_reader *r, int64_t *v);
int lk_per_get_length(struct lk_per_reader *r, int64_t lb, int64_t ub,
		      size_t *n, bool *more);
int lk_per_get_nslen(struct lk_per_reader *r, size_t *n);
int lk_per_get_open(struct lk_per_reader *r, size_t *off, size_t *len);

void lk_per_writer_init(struct lk_per_writer *w, uint8_t *buf, size_t len);
int lk_per_put_bits(struct lk_per_writer *w, unsigned n, uint64_t v);
int lk_per_put_align(struct lk_per_writer *w);
int lk_per_put_octets(struct lk_per_writer *w, const uint8_t *src,
		      size_t n);
int lk_per_put_cons(struct lk_per_writer *w, int64_t lb, int64_t ub,
		    int64_t v);
int lk_per_put_nsnn(struct lk_per_writer *w, uint64_t v);
int lk_per_put_semi(struct lk_per_writer *w, int64_t lb, int64_t v);
int lk_per_put_unc(struct lk_per_writer *w, int64_t v);
int lk_per_put_length(struct lk_per_writer *w, int64_t lb, int64_t ub,
		      size_t n);
int lk_per_put_nslen(struct lk_per_writer *w, size_t n);
size_t lk_per_writer_octets(const struct lk_per_writer *w);

int lk_per_oid_encode(const uint32_t *arcs, size_t n, uint8_t *buf,
		      size_t cap, size_t *len);
int lk_per_oid_decode(const uint8_t *buf, size_t len, uint32_t *arcs,
		      size_t cap, size_t *n);

#endif
