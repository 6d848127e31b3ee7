/* tests/unit/h323/randval.h  Random values drawn from the asn.h type tables, for tshark to judge the tables by. */
#ifndef LK_TEST_H323_RANDVAL_H
#define LK_TEST_H323_RANDVAL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "h323/asn.h"

/*
 * gen() fills a value of its type with a random one: every transcribed
 * member and alternative can be drawn, opaque (X) and untranscribed (U)
 * ones never are.  Deep in the tree optional members and extension
 * additions are left out and choices prefer leaves, so values stay
 * small.  Members whose octets tshark decodes as a protocol of their own
 * (not_drawn()) are never drawn, and octet strings are printable, so that
 * tshark judges the encoding and not random contents.  The generator is
 * xorshift64 from rng_state: the same seed draws the same values.
 */
static uint64_t rng_state;

/*
 * Members whose octets tshark decodes as something of their own: an
 * H.245 message (returnedFunction; in a UU-PDU fastStart, h245Control,
 * parallelH245Control), MIKEY (EncryptionSync's key), H.450
 * (h4501SupplementaryService).  Random octets there would be judged as
 * those protocols, not as the encoding under test.
 */
static bool not_drawn(const char *name)
{
	static const char *const names[] = { "returnedFunction",
		"encryptionSync", "fastStart", "h245Control",
		"parallelH245Control", "h4501SupplementaryService" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;	/* xorshift64 */
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t pick(uint64_t n)
{
	return n ? rng() % n : 0;
}

static bool leafish(const struct lk_asn_type *t)
{
	return t->kind != LK_ASN_SEQ && t->kind != LK_ASN_CHOICE &&
	       t->kind != LK_ASN_SEQOF;
}

static bool drawable(const struct lk_asn_type *t)
{
	return t && t->kind != LK_ASN_OPEN && t->kind != LK_ASN_UNSUPP;
}

static int gen(struct lk_asn_arena *ar, struct lk_asn_val *v,
	       unsigned depth);

static size_t gen_len(const struct lk_asn_type *t, size_t most)
{
	int64_t lb = t->lb == LK_ASN_NOLB ? 0 : t->lb;
	int64_t ub = t->ub == LK_ASN_NOUB || t->ub > lb + (int64_t)most ?
		     lb + (int64_t)most : t->ub;

	return (size_t)(lb + (int64_t)pick((uint64_t)(ub - lb + 1)));
}

static int gen_seq(struct lk_asn_arena *ar, struct lk_asn_val *v,
		   unsigned depth)
{
	const struct lk_asn_type *t = v->type;
	size_t i;
	int err;

	for (i = 0; i < (size_t)t->nroot + t->next; i++) {
		const struct lk_asn_member *m = &t->members[i];
		bool root = i < t->nroot;
		struct lk_asn_val *s;

		if (!drawable(m->type) || not_drawn(m->name))
			continue;
		if ((!root || m->optional) &&
		    (depth > 12 || pick(root ? 2 : 3) != 0))
			continue;
		s = lk_asn_set(ar, v, m->name);
		if (!s)
			return ENOMEM;
		if ((err = gen(ar, s, depth + 1)))
			return err;
	}
	return 0;
}

static int gen_choice(struct lk_asn_arena *ar, struct lk_asn_val *v,
		      unsigned depth)
{
	const struct lk_asn_type *t = v->type;
	size_t n = (size_t)t->nroot + t->next, i, k, cand[64], nc = 0;
	struct lk_asn_val *s;

	for (i = 0; i < n && nc < 64; i++)
		if (drawable(t->members[i].type) &&
		    (depth < 14 || leafish(t->members[i].type)))
			cand[nc++] = i;
	for (i = 0; !nc && i < n && nc < 64; i++)
		if (drawable(t->members[i].type))
			cand[nc++] = i;
	if (!nc)
		return ENOTSUP;
	k = cand[pick(nc)];
	s = lk_asn_set(ar, v, t->members[k].name);
	return s ? gen(ar, s, depth + 1) : ENOMEM;
}

static int gen(struct lk_asn_arena *ar, struct lk_asn_val *v,
	       unsigned depth)
{
	static const char printable[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const struct lk_asn_type *t = v->type;
	char text[16];
	uint8_t oct[32];
	size_t n, i;
	int err;

	if (depth > 40)
		return ELOOP;
	switch (t->kind) {
	case LK_ASN_NULL:
		return 0;
	case LK_ASN_BOOL:
		v->u.i = (int64_t)pick(2);
		return 0;
	case LK_ASN_INT:
		if (t->lb != LK_ASN_NOLB && t->ub != LK_ASN_NOUB)
			v->u.i = t->lb + (int64_t)pick((uint64_t)(t->ub -
							     t->lb) + 1);
		else if (t->lb != LK_ASN_NOLB)
			v->u.i = t->lb + (int64_t)pick(100000);
		else
			v->u.i = (int64_t)pick(200000) - 100000;
		return 0;
	case LK_ASN_ENUM:
		v->u.i = (int64_t)pick(t->nroot);
		return 0;
	case LK_ASN_OCTETS:
		n = gen_len(t, 24);
		/* Printable: tshark shows some octet strings as text. */
		for (i = 0; i < n; i++)
			oct[i] = (uint8_t)printable[pick(sizeof(printable) - 1)];
		return lk_asn_set_octets(ar, v, oct, n);
	case LK_ASN_BITS:
		n = gen_len(t, 40);
		v->u.str.p = lk_asn_alloc(ar, n / 8 + 1);
		if (!v->u.str.p)
			return ENOMEM;
		for (i = 0; i < n; i++)
			if (pick(2))
				v->u.str.p[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		v->u.str.len = n;
		return 0;
	case LK_ASN_STRING:
		n = gen_len(t, 12);
		for (i = 0; i < n; i++)
			text[i] = t->alphabet ?
				t->alphabet[pick(strlen(t->alphabet))] :
				printable[pick(sizeof(printable) - 1)];
		text[n] = 0;
		return lk_asn_set_str(ar, v, text);
	case LK_ASN_OID: {
		uint32_t arcs[] = { 0, 0, 8, 245, 0, (uint32_t)pick(20) };

		return lk_asn_set_oid(ar, v, arcs, 6);
	}
	case LK_ASN_SEQ:
		return gen_seq(ar, v, depth);
	case LK_ASN_CHOICE:
		return gen_choice(ar, v, depth);
	case LK_ASN_SEQOF:
		n = gen_len(t, depth > 10 ? 0 : 2);
		if ((err = lk_asn_seqof_resize(ar, v, n)))
			return err;
		for (i = 0; i < n; i++)
			if ((err = gen(ar, &v->u.list.v[i], depth + 1)))
				return err;
		return 0;
	default:
		return ENOTSUP;
	}
}

#endif
