/* tests/unit/relay/test_srtp.c  The libsrtp2 wrapper: reference packets, replay, tampering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <re.h>

#include "legsrtp.h"
#include "srtp.h"

/*
 * libsrtp2's reference packets (test/srtp_driver.c, srtp_validate() and
 * srtp_validate_aes_256()): the RFC 3711 default transform,
 * AES_CM_128_HMAC_SHA1_80, over one RTP and one RTCP packet of SSRC
 * 0xcafebabe.  The 32-bit tag is the first 4 octets of the 80-bit one
 * (RFC 3711 s.4.2: the HMAC output truncated).
 */
static const uint8_t key128[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};

static const uint8_t rtp_plain[28] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab,
};

static const uint8_t srtp_80[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0x4e, 0x55, 0xdc, 0x4c,
	0xe7, 0x99, 0x78, 0xd8, 0x8c, 0xa4, 0xd2, 0x15,
	0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d, 0x6a, 0xcc,
	0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb,
};

static const uint8_t rtcp_plain[24] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
	0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
};

static const uint8_t srtcp_80[38] = {
	0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe,
	0x71, 0x28, 0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd,
	0xbe, 0xf8, 0x90, 0x41, 0xf9, 0x77, 0xa5, 0xa8,
	0x80, 0x00, 0x00, 0x01, 0x99, 0x3e, 0x08, 0xcd,
	0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98,
};

static const uint8_t key256[46] = {
	0xf0, 0xf0, 0x49, 0x14, 0xb5, 0x13, 0xf2, 0x76,
	0x3a, 0x1b, 0x1f, 0xa1, 0x30, 0xf1, 0x0e, 0x29,
	0x98, 0xf6, 0xf6, 0xe4, 0x3e, 0x43, 0x09, 0xd1,
	0xe6, 0x22, 0xa0, 0xe3, 0x32, 0xb9, 0xf1, 0xb6,
	0x3b, 0x04, 0x80, 0x3d, 0xe5, 0x1e, 0xe7, 0xc9,
	0x64, 0x23, 0xab, 0x5b, 0x78, 0xd2,
};

static const uint8_t srtp_256_80[38] = {
	0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad,
	0xca, 0xfe, 0xba, 0xbe, 0xf1, 0xd9, 0xde, 0x17,
	0xff, 0x25, 0x1f, 0xf1, 0xaa, 0x00, 0x77, 0x74,
	0xb0, 0xb4, 0xb4, 0x0d, 0xa0, 0x8d, 0x9d, 0x9a,
	0x5b, 0x3a, 0x55, 0xd8, 0x87, 0x3b,
};

/* A packet buffer with the room protect needs, 4-octet aligned. */
struct pkt {
	_Alignas(4) uint8_t b[256];
	size_t len;
};

static void pkt_set(struct pkt *k, const uint8_t *p, size_t n)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->b, p, n);
	k->len = n;
}

static struct lk_srtp_key key_of(enum lk_srtp_suite s, const uint8_t *k,
				 size_t n)
{
	struct lk_srtp_key key;

	memset(&key, 0, sizeof(key));
	key.suite = s;
	memcpy(key.key, k, n);
	key.len = n;

	return key;
}

static void vector(enum lk_srtp_suite suite, const uint8_t *k, size_t kn,
		   const uint8_t *plain, size_t pn, const uint8_t *cipher,
		   size_t cn, bool rtcp)
{
	struct lk_srtp_key key = key_of(suite, k, kn);
	struct lk_srtp *tx, *rx;
	struct pkt p;

	assert_int_equal(0, lk_srtp_alloc(&tx, &key, true));
	assert_int_equal(0, lk_srtp_alloc(&rx, &key, false));
	pkt_set(&p, plain, pn);
	assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len, sizeof(p.b),
					    rtcp));
	assert_int_equal(cn, p.len);
	assert_memory_equal(cipher, p.b, cn);
	assert_int_equal(0, lk_srtp_unprotect(rx, p.b, &p.len, rtcp));
	assert_int_equal(pn, p.len);
	assert_memory_equal(plain, p.b, pn);
	mem_deref(tx);
	mem_deref(rx);
}

static void reference_packet_aes_cm_128_hmac_sha1_80(void **state)
{
	vector(LK_SRTP_AES_CM_128_HMAC_SHA1_80, key128, sizeof(key128),
	       rtp_plain, sizeof(rtp_plain), srtp_80, sizeof(srtp_80), false);
}

static void reference_packet_aes_cm_128_hmac_sha1_32(void **state)
{
	/* The same ciphertext, 4 octets of the tag. */
	vector(LK_SRTP_AES_CM_128_HMAC_SHA1_32, key128, sizeof(key128),
	       rtp_plain, sizeof(rtp_plain), srtp_80, 32, false);
}

static void reference_srtcp_packet(void **state)
{
	vector(LK_SRTP_AES_CM_128_HMAC_SHA1_80, key128, sizeof(key128),
	       rtcp_plain, sizeof(rtcp_plain), srtcp_80, sizeof(srtcp_80),
	       true);
}

static void srtcp_of_the_32_suite_keeps_an_80_bit_tag(void **state)
{
	/* RFC 4568 s.6.2.2: the _32 suite's SRTCP tag is 80 bits. */
	vector(LK_SRTP_AES_CM_128_HMAC_SHA1_32, key128, sizeof(key128),
	       rtcp_plain, sizeof(rtcp_plain), srtcp_80, sizeof(srtcp_80),
	       true);
}

static void reference_packet_aes_256_cm_hmac_sha1_80(void **state)
{
	vector(LK_SRTP_AES_256_CM_HMAC_SHA1_80, key256, sizeof(key256),
	       rtp_plain, sizeof(rtp_plain), srtp_256_80, sizeof(srtp_256_80),
	       false);
}

/* A generated key, both ways, RTP and RTCP, for every suite built in. */
static void every_suite_round_trips(void **state)
{
	enum lk_srtp_suite s;
	unsigned n = 0;

	for (s = LK_SRTP_AES_CM_128_HMAC_SHA1_80; s < LK_SRTP_SUITE_COUNT;
	     s++) {
		struct lk_srtp_key key;
		struct lk_srtp *tx, *rx;
		struct pkt p;
		unsigned r;

		if (!lk_srtp_suite_available(s))
			continue;
		++n;
		assert_int_equal(0, lk_srtp_key_generate(&key, s));
		assert_int_equal(lk_srtp_suite_key_len(s), key.len);
		assert_int_equal(0, lk_srtp_alloc(&tx, &key, true));
		assert_int_equal(0, lk_srtp_alloc(&rx, &key, false));
		for (r = 0; r < 2; r++) {
			pkt_set(&p, r ? rtcp_plain : rtp_plain,
				r ? sizeof(rtcp_plain) : sizeof(rtp_plain));
			assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len,
							    sizeof(p.b), r));
			assert_true(p.len > (r ? sizeof(rtcp_plain) :
					     sizeof(rtp_plain)));
			assert_int_equal(0, lk_srtp_unprotect(rx, p.b, &p.len,
							      r));
			assert_memory_equal(r ? rtcp_plain : rtp_plain, p.b,
					    p.len);
		}
		mem_deref(tx);
		mem_deref(rx);
	}
	/* The four RFC 4568 / RFC 6188 suites are always there. */
	assert_true(n >= 4);
}

static void replayed_and_tampered_packets_are_dropped_and_counted(void **s)
{
	struct lk_srtp_key key = key_of(LK_SRTP_AES_CM_128_HMAC_SHA1_80,
					key128, sizeof(key128));
	struct lk_leg leg;
	struct lk_srtp *tx;
	struct pkt p, copy;

	memset(&leg, 0, sizeof(leg));
	assert_int_equal(0, lk_srtp_alloc(&tx, &key, true));
	assert_int_equal(0, lk_srtp_alloc(&leg.srtp_in, &key, false));
	pkt_set(&p, rtp_plain, sizeof(rtp_plain));
	assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len, sizeof(p.b),
					    false));
	copy = p;

	assert_int_equal(0, lk_srtp_leg_decrypt(&leg, p.b, &p.len, false));
	/* The same packet again: a replay (RFC 3711 s.3.3.2). */
	p = copy;
	assert_int_equal(EALREADY, lk_srtp_leg_decrypt(&leg, p.b, &p.len,
						       false));
	assert_int_equal(1, leg.st.srtp_replayed);

	/* Fresh packets (sequence 0x1235, 0x1236), each altered once. */
	pkt_set(&p, rtp_plain, sizeof(rtp_plain));
	p.b[3] = 0x35;
	assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len, sizeof(p.b),
					    false));
	p.b[14] ^= 0x40;	/* one bit of the payload */
	assert_int_equal(EBADMSG, lk_srtp_leg_decrypt(&leg, p.b, &p.len,
						      false));
	assert_int_equal(1, leg.st.srtp_auth_failed);
	pkt_set(&p, rtp_plain, sizeof(rtp_plain));
	p.b[3] = 0x36;
	assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len, sizeof(p.b),
					    false));
	copy = p;
	p.b[p.len - 1] ^= 0x01;	/* one bit of the tag */
	assert_int_equal(EBADMSG, lk_srtp_leg_decrypt(&leg, p.b, &p.len,
						      false));
	assert_int_equal(2, leg.st.srtp_auth_failed);
	/* The failures changed nothing: the intact packet still verifies. */
	p = copy;
	assert_int_equal(0, lk_srtp_leg_decrypt(&leg, p.b, &p.len, false));
	/* Too short to carry a tag. */
	p.len = 11;
	assert_int_equal(EBADMSG, lk_srtp_leg_decrypt(&leg, p.b, &p.len,
						      false));
	assert_int_equal(3, leg.st.srtp_auth_failed);
	mem_deref(tx);
	mem_deref(leg.srtp_in);
}

static void a_packet_under_another_key_fails_to_verify(void **state)
{
	struct lk_srtp_key k1, k2;
	struct lk_srtp *tx, *rx;
	struct pkt p;

	assert_int_equal(0, lk_srtp_key_generate(&k1,
		LK_SRTP_AES_CM_128_HMAC_SHA1_80));
	assert_int_equal(0, lk_srtp_key_generate(&k2,
		LK_SRTP_AES_CM_128_HMAC_SHA1_80));
	assert_memory_not_equal(k1.key, k2.key, k1.len);
	assert_int_equal(0, lk_srtp_alloc(&tx, &k1, true));
	assert_int_equal(0, lk_srtp_alloc(&rx, &k2, false));
	pkt_set(&p, rtp_plain, sizeof(rtp_plain));
	assert_int_equal(0, lk_srtp_protect(tx, p.b, &p.len, sizeof(p.b),
					    false));
	assert_int_equal(EBADMSG, lk_srtp_unprotect(rx, p.b, &p.len, false));
	mem_deref(tx);
	mem_deref(rx);
}

static void protect_wants_room_and_a_header(void **state)
{
	struct lk_srtp_key key = key_of(LK_SRTP_AES_CM_128_HMAC_SHA1_80,
					key128, sizeof(key128));
	struct lk_srtp *tx;
	struct lk_leg leg;
	struct pkt p;

	memset(&leg, 0, sizeof(leg));
	assert_int_equal(0, lk_srtp_alloc(&tx, &key, true));
	leg.srtp_out = tx;
	pkt_set(&p, rtp_plain, sizeof(rtp_plain));
	assert_int_equal(EMSGSIZE, lk_srtp_leg_encrypt(&leg, p.b, &p.len,
		sizeof(rtp_plain) + LK_SRTP_ROOM - 1, false));
	assert_int_equal(1, leg.st.srtp_errors);
	p.len = 8;
	assert_int_equal(EBADMSG, lk_srtp_protect(tx, p.b, &p.len,
						  sizeof(p.b), false));
	/* A context is one direction only. */
	p.len = sizeof(rtp_plain);
	assert_int_equal(EINVAL, lk_srtp_unprotect(tx, p.b, &p.len, false));
	mem_deref(tx);
}

static void bad_keys_are_refused(void **state)
{
	struct lk_srtp_key key = key_of(LK_SRTP_AES_CM_128_HMAC_SHA1_80,
					key128, sizeof(key128) - 1);
	struct lk_srtp *s = NULL;

	assert_int_equal(EINVAL, lk_srtp_alloc(&s, &key, true));
	key.len = sizeof(key128);
	key.suite = LK_SRTP_SUITE_NONE;
	assert_int_equal(EINVAL, lk_srtp_alloc(&s, &key, true));
	key.suite = LK_SRTP_SUITE_COUNT;
	assert_int_equal(EINVAL, lk_srtp_alloc(&s, &key, true));
	assert_null(s);
	assert_int_equal(EINVAL, lk_srtp_key_generate(&key,
						      LK_SRTP_SUITE_NONE));
}

static void suite_names_round_trip(void **state)
{
	enum lk_srtp_suite s;

	for (s = LK_SRTP_AES_CM_128_HMAC_SHA1_80; s < LK_SRTP_SUITE_COUNT;
	     s++) {
		const char *n = lk_srtp_suite_name(s);

		assert_non_null(n);
		assert_int_equal(s, lk_srtp_suite_find(n, strlen(n)));
	}
	assert_int_equal(LK_SRTP_SUITE_NONE,
			 lk_srtp_suite_find("aes_cm_128_hmac_sha1_80", 23));
	assert_int_equal(LK_SRTP_SUITE_NONE,
			 lk_srtp_suite_find("F8_128_HMAC_SHA1_80", 19));
	assert_null(lk_srtp_suite_name(LK_SRTP_SUITE_NONE));
	assert_int_equal(30, lk_srtp_suite_key_len(
		LK_SRTP_AES_CM_128_HMAC_SHA1_32));
	assert_int_equal(44, lk_srtp_suite_key_len(LK_SRTP_AEAD_AES_256_GCM));
}

static void a_wiped_key_is_all_zero(void **state)
{
	struct lk_srtp_key key, zero;

	assert_int_equal(0, lk_srtp_key_generate(&key,
		LK_SRTP_AES_256_CM_HMAC_SHA1_80));
	lk_srtp_key_wipe(&key);
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&zero, &key, sizeof(key));
}

/*
 * libsrtp2 took OpenSSL's AES and HMAC-SHA1 (relay/srtpossl.c) after
 * running their known-answer tests, and the reference packets above came
 * out of them: a libsrtp2 that refused them would fall back to its own
 * crypto silently but for a warning, and cost 5 to 25 times more.
 */
static void the_crypto_is_openssl(void **state)
{
	(void)state;
	assert_string_equal("OpenSSL", lk_srtp_crypto());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_crypto_is_openssl),
		cmocka_unit_test(reference_packet_aes_cm_128_hmac_sha1_80),
		cmocka_unit_test(reference_packet_aes_cm_128_hmac_sha1_32),
		cmocka_unit_test(reference_srtcp_packet),
		cmocka_unit_test(srtcp_of_the_32_suite_keeps_an_80_bit_tag),
		cmocka_unit_test(reference_packet_aes_256_cm_hmac_sha1_80),
		cmocka_unit_test(every_suite_round_trips),
		cmocka_unit_test(
			replayed_and_tampered_packets_are_dropped_and_counted),
		cmocka_unit_test(a_packet_under_another_key_fails_to_verify),
		cmocka_unit_test(protect_wants_room_and_a_header),
		cmocka_unit_test(bad_keys_are_refused),
		cmocka_unit_test(suite_names_round_trip),
		cmocka_unit_test(a_wiped_key_is_all_zero),
	};

	if (lk_srtp_init())
		return 1;

	return cmocka_run_group_tests(tests, NULL, NULL);
}
