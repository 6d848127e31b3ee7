/* signalling/h323/asn.h  Type-driven aligned-PER codec over static type tables. */
#ifndef LK_H323_ASN_H
#define LK_H323_ASN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "h323/per.h"

/*
 * An ASN.1 type is a static table (struct lk_asn_type) transcribed from
 * the ITU-T module; a decoded value is a tree of struct lk_asn_val in a
 * caller's arena (no malloc: the arena is one buffer, freed as a whole).
 * lk_asn_decode() and lk_asn_encode() walk the table, so every type that
 * is transcribed round-trips, and a builder fills a tree with
 * lk_asn_set() and encodes it.
 *
 * What is not transcribed stays opaque: an extension addition or an
 * extension alternative of kind LK_ASN_OPEN (or one this table does not
 * know) keeps its open-type octets (X.691 10.2) and is written back
 * unchanged.  A root component of kind LK_ASN_UNSUPP cannot be skipped
 * (it has no length), so decoding stops there with ENOTSUP.
 */

enum lk_asn_kind {
	LK_ASN_NULL,
	LK_ASN_BOOL,
	LK_ASN_INT,	/* lb/ub; LK_ASN_NOLB / LK_ASN_NOUB for none */
	LK_ASN_ENUM,	/* nroot root values, next extension values */
	LK_ASN_OCTETS,	/* SIZE(lb..ub) */
	LK_ASN_BITS,	/* SIZE(lb..ub), length in bits */
	LK_ASN_STRING,	/* known-multiplier character string */
	LK_ASN_OID,
	LK_ASN_SEQ,
	LK_ASN_SEQOF,
	LK_ASN_CHOICE,
	LK_ASN_OPEN,	/* untranscribed: open-type octets kept as they are */
	LK_ASN_UNSUPP,	/* untranscribed root component: refused */
};

#define LK_ASN_EXT	0x01	/* "..." in the type */
#define LK_ASN_NOLB	INT64_MIN
#define LK_ASN_NOUB	INT64_MAX

struct lk_asn_type;

struct lk_asn_member {
	const char *name;
	const struct lk_asn_type *type;
	bool optional;
};

struct lk_asn_type {
	const char *name;
	uint8_t kind;
	uint8_t flags;
	int64_t lb, ub;			/* value or size bounds */
	uint16_t nroot, next;		/* SEQ/CHOICE members, ENUM values */
	const struct lk_asn_member *members; /* root then extensions */
	const struct lk_asn_type *elem;	/* SEQOF element */
	const char *alphabet;		/* STRING: permitted alphabet or NULL */
	uint8_t charbits;		/* STRING without alphabet: 8 or 16 */
};

struct lk_asn_val {
	const struct lk_asn_type *type;	/* NULL: an unknown extension */
	bool present;			/* SEQ member slots */
	union {
		int64_t i;		/* INT, BOOL, ENUM index */
		struct {
			uint8_t *p;	/* OCTETS/OID/OPEN: octets; BITS: */
			size_t len;	/* packed bits; STRING: 1 or 2 */
		} str;			/* octets per char, len in chars */
		struct {
			struct lk_asn_val *v;
			size_t n;	/* SEQ: slots; SEQOF: elements */
			size_t extn;	/* SEQ: extension bit-map length */
		} list;
		struct {
			struct lk_asn_val *v;
			size_t idx;	/* root then extension alternatives */
		} choice;
	} u;
};

struct lk_asn_arena {
	uint8_t *mem;
	size_t cap, used;
};

void lk_asn_arena_init(struct lk_asn_arena *ar, void *mem, size_t cap);
void *lk_asn_alloc(struct lk_asn_arena *ar, size_t n);

int lk_asn_decode(const struct lk_asn_type *t, const uint8_t *buf,
		  size_t len, struct lk_asn_arena *ar, struct lk_asn_val **vp,
		  size_t *errbit);
int lk_asn_encode(const struct lk_asn_val *v, uint8_t *buf, size_t cap,
		  size_t *len);

struct lk_asn_val *lk_asn_new(struct lk_asn_arena *ar,
			      const struct lk_asn_type *t);
struct lk_asn_val *lk_asn_get(const struct lk_asn_val *v, const char *path);
struct lk_asn_val *lk_asn_set(struct lk_asn_arena *ar, struct lk_asn_val *v,
			      const char *name);
int lk_asn_seqof_resize(struct lk_asn_arena *ar, struct lk_asn_val *v,
			size_t n);
int lk_asn_set_octets(struct lk_asn_arena *ar, struct lk_asn_val *v,
		      const void *p, size_t len);
int lk_asn_set_str(struct lk_asn_arena *ar, struct lk_asn_val *v,
		   const char *ascii);
int lk_asn_set_oid(struct lk_asn_arena *ar, struct lk_asn_val *v,
		   const uint32_t *arcs, size_t n);
const char *lk_asn_choice_name(const struct lk_asn_val *v);
size_t lk_asn_str_ascii(const struct lk_asn_val *v, char *buf, size_t cap);

#endif
