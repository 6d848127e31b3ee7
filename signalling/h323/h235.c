/* signalling/h323/h235.c  H.235 password-hash tokens (cryptoEPPwdHash) for the H.323 traversal zone's registration. */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "h323/asn_tab.h"
#include "h323/h235.h"

/*
 * Transcribed from H235-SECURITY-MESSAGES (H.235.0) and H323-MESSAGES
 * (H.225.0 12/2009: CryptoH323Token), only as far as a password hash
 * needs; the other alternatives and the members never sent are
 * untranscribed (a token using them is not ours and fails to decode).
 */
/* The leaves of asn_tab.h this module uses (no NULL or BOOLEAN here). */
static const struct lk_asn_type t_oid = { .name = "OBJECT IDENTIFIER",
	.kind = LK_ASN_OID };
static const struct lk_asn_type t_open = { .name = "open",
	.kind = LK_ASN_OPEN };
static const struct lk_asn_type t_unsupp = { .name = "untranscribed",
	.kind = LK_ASN_UNSUPP };

INT(t_timestamp, 1, 4294967295LL, 0);		/* TimeStamp */
STR(t_bmp_1_128, 1, 128, NULL, 16);		/* Password, Identifier */
STR(t_bmp_1_256, 1, 256, NULL, 16);		/* h323-ID */
STR(t_digits, 1, 128, "0123456789#*,", 0);	/* dialledDigits */
BITS(t_bits, 0, NOUB);

/* H.225.0 AliasAddress: the two root alternatives a client's name is. */
CHOICE(t_alias, E, 2,
       M("dialledDigits", t_digits), M("h323-ID", t_bmp_1_256),
       X("url-ID"), X("transportID"), X("email-ID"), X("partyNumber"),
       X("mobileUIM"), X("isupNumber"));

/* H.235.0 Params ::= SEQUENCE { ranInt, iv8, ..., iv16, iv, clearSalt } */
SEQ(t_params, E, 2, U("ranInt"), U("iv8"), X("iv16"), X("iv"),
    X("clearSalt"));

/* HASHED { ToBeHashed } ::= SEQUENCE { algorithmOID, paramS, hash } */
SEQ(t_hashed, 0, 3, M("algorithmOID", t_oid), M("paramS", t_params),
    M("hash", t_bits));

SEQ(t_ep_pwdhash, 0, 3, M("alias", t_alias), M("timeStamp", t_timestamp),
    M("token", t_hashed));

/* H.225.0 CryptoH323Token */
CHOICE(t_crypto, E, 8,
       M("cryptoEPPwdHash", t_ep_pwdhash), U("cryptoGKPwdHash"),
       U("cryptoEPPwdEncr"), U("cryptoGKPwdEncr"), U("cryptoEPCert"),
       U("cryptoGKCert"), U("cryptoFastStart"), U("nestedcryptoToken"));
SEQOF(t_crypto_list, 0, NOUB, t_crypto);

/* H.235.0 ClearToken: what is hashed (never sent). */
SEQ(t_clear, E, 9,
    M("tokenOID", t_oid), O("timeStamp", t_timestamp),
    O("password", t_bmp_1_128), U("dhkey"), U("challenge"), U("random"),
    U("certificate"), O("generalID", t_bmp_1_128), U("nonStandard"),
    X("eckasdhkey"), X("sendersID"), X("h235Key"), X("profileInfo"),
    X("dhkeyext"));

#define ARENA_BYTES 8192

/* 1.2.840.113549.2.5 (RSA's MD5) as BER contents octets. */
static const uint8_t md5_oid[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
				   0x02, 0x05 };
static const uint32_t md5_arcs[] = { 1, 2, 840, 113549, 2, 5 };
static const uint32_t clear_arcs[] = { 0, 0 };

bool lk_h235_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];

	return d == 0;
}

static bool name_ok(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;

	if (!n || n > LK_H235_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 32 || (unsigned char)s[i] > 126)
			return false;
	return true;
}

/* MD5 of the PER-encoded ClearToken {0.0, ts, password, generalID user}. */
static int pwdhash(const char *user, const char *password, uint32_t ts,
		   uint8_t md[16])
{
	uint8_t mem[ARENA_BYTES], enc[1024];
	struct lk_asn_arena ar;
	struct lk_asn_val *ct, *v;
	size_t n;
	int err;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	ct = lk_asn_new(&ar, &t_clear);
	if (!ct)
		return ENOMEM;
	v = lk_asn_set(&ar, ct, "tokenOID");
	if (!v || lk_asn_set_oid(&ar, v, clear_arcs, 2))
		return ENOMEM;
	v = lk_asn_set(&ar, ct, "timeStamp");
	if (!v)
		return ENOMEM;
	v->u.i = ts;
	if (lk_asn_set_str(&ar, lk_asn_set(&ar, ct, "password"), password) ||
	    lk_asn_set_str(&ar, lk_asn_set(&ar, ct, "generalID"), user))
		return ENOMEM;
	err = lk_asn_encode(ct, enc, sizeof(enc), &n);
	if (err)
		return err;
	md5(enc, n, md);
	return 0;
}

int lk_h235_pwdhash_encode(const char *user, const char *password,
			   uint32_t timestamp, uint8_t *buf, size_t cap,
			   size_t *len)
{
	uint8_t mem[ARENA_BYTES], md[16];
	struct lk_asn_arena ar;
	struct lk_asn_val *l, *h, *v;
	int err;

	if (!name_ok(user) || !name_ok(password) || !timestamp || !buf ||
	    !len)
		return EINVAL;
	err = pwdhash(user, password, timestamp, md);
	if (err)
		return err;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	l = lk_asn_new(&ar, &t_crypto_list);
	if (!l || lk_asn_seqof_resize(&ar, l, 1))
		return ENOMEM;
	h = lk_asn_set(&ar, &l->u.list.v[0], "cryptoEPPwdHash");
	v = h ? lk_asn_set(&ar, h, "alias") : NULL;
	if (!v || lk_asn_set_str(&ar, lk_asn_set(&ar, v, "h323-ID"), user))
		return ENOMEM;
	v = lk_asn_set(&ar, h, "timeStamp");
	if (!v)
		return ENOMEM;
	v->u.i = timestamp;
	h = lk_asn_set(&ar, h, "token");
	if (!h || lk_asn_set_oid(&ar, lk_asn_set(&ar, h, "algorithmOID"),
				 md5_arcs, 6) ||
	    !lk_asn_set(&ar, h, "paramS"))
		return ENOMEM;
	v = lk_asn_set(&ar, h, "hash");
	if (!v || lk_asn_set_octets(&ar, v, md, sizeof(md)))
		return ENOMEM;
	v->u.str.len = 8 * sizeof(md);		/* BIT STRING: in bits */
	return lk_asn_encode(l, buf, cap, len);
}

/* Does the alias (either root alternative) spell `user`? */
static bool alias_is(const struct lk_asn_val *alias, const char *user)
{
	const struct lk_asn_val *s = alias->u.choice.v;
	size_t n = strlen(user), i, w;

	if (!s || !s->type || s->type->kind != LK_ASN_STRING ||
	    s->u.str.len != n)
		return false;
	w = alias->u.choice.idx == 1 ? 2 : 1;
	for (i = 0; i < n; i++) {
		unsigned c = w == 2 ? (unsigned)(s->u.str.p[2 * i] << 8 |
						 s->u.str.p[2 * i + 1]) :
				      s->u.str.p[i];

		if (c != (unsigned char)user[i])
			return false;
	}
	return true;
}

int lk_h235_pwdhash_check(const uint8_t *p, size_t len, const char *user,
			  const char *password, uint64_t now,
			  uint32_t *last)
{
	uint8_t mem[ARENA_BYTES], md[16];
	struct lk_asn_arena ar;
	struct lk_asn_val *l = NULL, *h, *v;
	size_t errbit = 0, i;
	uint32_t ts;
	int err, res = ENOENT;

	if (!p || !name_ok(user) || !name_ok(password))
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_asn_decode(&t_crypto_list, p, len, &ar, &l, &errbit))
		return EBADMSG;
	for (i = 0; i < l->u.list.n; i++) {
		v = &l->u.list.v[i];
		if (v->u.choice.idx != 0 || !v->u.choice.v)
			continue;
		h = v->u.choice.v;
		if (!alias_is(lk_asn_get(h, "alias"), user))
			continue;
		ts = (uint32_t)lk_asn_get(h, "timeStamp")->u.i;
		v = lk_asn_get(h, "token.algorithmOID");
		if (v->u.str.len != sizeof(md5_oid) ||
		    memcmp(v->u.str.p, md5_oid, sizeof(md5_oid))) {
			res = EACCES;
			continue;
		}
		v = lk_asn_get(h, "token.hash");
		if (v->u.str.len != 128) {
			res = EACCES;
			continue;
		}
		if ((uint64_t)ts + LK_H235_WINDOW < now ||
		    ts > now + LK_H235_WINDOW || (last && ts < *last)) {
			res = ETIMEDOUT;
			continue;
		}
		err = pwdhash(user, password, ts, md);
		if (err)
			return err;
		if (!lk_h235_equal(md, v->u.str.p, sizeof(md))) {
			res = EACCES;
			continue;
		}
		if (last)
			*last = ts;
		return 0;
	}
	return res;
}
