/* signalling/h323/asn_tab.h  Macros that transcribe ASN.1 modules into asn.h type tables (private to lk_h323). */
#ifndef LK_H323_ASN_TAB_H
#define LK_H323_ASN_TAB_H

#include "h323/asn.h"

/*
 * A module is transcribed in member order; the third argument of SEQ and
 * CHOICE is the count of root members, those after it are the extension
 * additions (alternatives).  X() is an extension addition kept as opaque
 * open-type octets; U() a root component that is not transcribed (decoding
 * stops there with ENOTSUP).  SEQ0 is "SEQUENCE { ... }" with no member.
 */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define M(n, t) { n, &t, false }
#define O(n, t) { n, &t, true }
#define X(n) { n, &t_open, true }
#define N(n) { n, &t_null, false }
#define U(n) { n, &t_unsupp, true }

#define SEQ(id, fl, nr, ...)						\
	static const struct lk_asn_member id##_m[] = { __VA_ARGS__ };	\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_SEQ, .flags = (fl), .nroot = (nr),	\
		.next = NELEM(id##_m) - (nr), .members = id##_m }
#define SEQ0(id)							\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_SEQ, .flags = LK_ASN_EXT }
#define CHOICE(id, fl, nr, ...)						\
	static const struct lk_asn_member id##_m[] = { __VA_ARGS__ };	\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_CHOICE, .flags = (fl), .nroot = (nr),	\
		.next = NELEM(id##_m) - (nr), .members = id##_m }
#define INT(id, l, u, fl)						\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_INT, .flags = (fl), .lb = (l), .ub = (u) }
#define OCT(id, l, u)							\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_OCTETS, .lb = (l), .ub = (u) }
#define BITS(id, l, u)							\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_BITS, .lb = (l), .ub = (u) }
#define STR(id, l, u, alpha, bits)					\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_STRING, .lb = (l), .ub = (u),		\
		.alphabet = (alpha), .charbits = (bits) }
#define SEQOF(id, l, u, el)						\
	static const struct lk_asn_type id = { .name = #id,		\
		.kind = LK_ASN_SEQOF, .lb = (l), .ub = (u), .elem = &el }
#define E LK_ASN_EXT
#define NOUB LK_ASN_NOUB

/* The leaf types every module uses; each file gets its own copies. */
#define LK_ASN_TAB_LEAVES						\
	static const struct lk_asn_type t_null = { .name = "NULL",	\
		.kind = LK_ASN_NULL };					\
	static const struct lk_asn_type t_bool = { .name = "BOOLEAN",	\
		.kind = LK_ASN_BOOL };					\
	static const struct lk_asn_type t_oid = {			\
		.name = "OBJECT IDENTIFIER", .kind = LK_ASN_OID };	\
	static const struct lk_asn_type t_open = { .name = "open",	\
		.kind = LK_ASN_OPEN };					\
	static const struct lk_asn_type t_unsupp = {			\
		.name = "untranscribed", .kind = LK_ASN_UNSUPP }

#endif
