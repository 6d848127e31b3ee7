/* tests/unit/relay/test_turnauth.c  TURN credentials: RFC 5769 vectors, REST passwords, nonces. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "rfc5769.h"
#include "turnauth.h"


static void rfc5769_message_integrity_verifies(void **state)
{
	(void)state;
	assert_int_equal(0, lk_turnauth_mi_check(rfc5769_request,
		sizeof(rfc5769_request), (const uint8_t *)key5769,
		strlen(key5769)));
	assert_int_equal(0, lk_turnauth_mi_check(rfc5769_response_v4,
		sizeof(rfc5769_response_v4), (const uint8_t *)key5769,
		strlen(key5769)));
}

static void rfc5769_wrong_key_or_changed_octet_fails(void **state)
{
	uint8_t m[sizeof(rfc5769_request)];

	(void)state;
	assert_int_equal(EACCES, lk_turnauth_mi_check(rfc5769_request,
		sizeof(rfc5769_request), (const uint8_t *)"VOkJxbRl1RmTxUk/WvJxBu",
		strlen(key5769)));
	memcpy(m, rfc5769_request, sizeof(m));
	m[30] ^= 1;	/* inside SOFTWARE, which MESSAGE-INTEGRITY covers */
	assert_int_equal(EACCES, lk_turnauth_mi_check(m, sizeof(m),
		(const uint8_t *)key5769, strlen(key5769)));
	/* The FINGERPRINT after MESSAGE-INTEGRITY is not covered by it. */
	memcpy(m, rfc5769_request, sizeof(m));
	m[sizeof(m) - 1] ^= 1;
	assert_int_equal(0, lk_turnauth_mi_check(m, sizeof(m),
		(const uint8_t *)key5769, strlen(key5769)));
}

static void rfc5769_fingerprints_verify_with_libre(void **state)
{
	const uint8_t *v[] = {rfc5769_request, rfc5769_response_v4};
	size_t n[] = {sizeof(rfc5769_request), sizeof(rfc5769_response_v4)};
	unsigned i;

	(void)state;
	for (i = 0; i < 2; i++) {
		struct mbuf *mb = mbuf_alloc(n[i]);
		struct stun_msg *msg = NULL;

		assert_non_null(mb);
		assert_int_equal(0, mbuf_write_mem(mb, v[i], n[i]));
		mb->pos = 0;
		assert_int_equal(0, stun_msg_decode(&msg, mb, NULL));
		assert_int_equal(0, stun_msg_chk_fingerprint(msg));
		mem_deref(msg);
		mem_deref(mb);
	}
}

static void message_without_integrity_is_ebadmsg(void **state)
{
	uint8_t m[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};

	(void)state;
	assert_int_equal(EBADMSG, lk_turnauth_mi_check(m, sizeof(m),
		(const uint8_t *)"k", 1));
	/* An attribute length running past the end. */
	memcpy(m, rfc5769_request, 20);
	assert_int_equal(EBADMSG, lk_turnauth_mi_check(rfc5769_request, 60,
		(const uint8_t *)key5769, strlen(key5769)));
}

/* Worked out apart from this code with Python's hashlib and hmac. */
static void ha1_and_rest_password_match_python(void **state)
{
	static const uint8_t want[16] = {
		0xe7, 0xf7, 0x22, 0xff, 0x5c, 0x99, 0xe7, 0xc6,
		0x26, 0x46, 0xce, 0x00, 0xc6, 0x09, 0x78, 0x0e,
	};
	uint8_t key[LK_TURNAUTH_KEY_LEN];
	char pw[32];

	(void)state;
	assert_int_equal(0, lk_turnauth_ha1(key, "alice", "lab", "pw1"));
	assert_memory_equal(want, key, 16);
	assert_int_equal(0, lk_turnauth_rest_password(pw, sizeof(pw),
		"s3cr3t", "1700000000:carol"));
	assert_string_equal("bbVRVUt4y7rH/oeaK9ITbNE4lkM=", pw);
}

static void users_and_rest_keys(void **state)
{
	struct lk_turnauth *a = NULL;
	uint8_t key[LK_TURNAUTH_KEY_LEN], want[LK_TURNAUTH_KEY_LEN];
	const char *user = NULL;
	size_t ulen = 0;
	char pw[32];

	(void)state;
	assert_int_equal(0, lk_turnauth_alloc(&a, "lab", "alice:pw1, bob:pw2",
					      "s3cr3t"));
	assert_int_equal(0, lk_turnauth_key(a, key, "bob", 0, &user, &ulen));
	assert_int_equal(0, lk_turnauth_ha1(want, "bob", "lab", "pw2"));
	assert_memory_equal(want, key, 16);
	assert_int_equal(3, ulen);
	assert_int_equal(ENOENT, lk_turnauth_key(a, key, "carol", 0, NULL,
						 NULL));
	/* REST: not expired at 1699999999, expired at 1700000001. */
	assert_int_equal(0, lk_turnauth_key(a, key, "1700000000:carol",
					    1699999999, &user, &ulen));
	assert_int_equal(0, lk_turnauth_rest_password(pw, sizeof(pw),
		"s3cr3t", "1700000000:carol"));
	assert_int_equal(0, lk_turnauth_ha1(want, "1700000000:carol", "lab",
					    pw));
	assert_memory_equal(want, key, 16);
	assert_int_equal(5, ulen);
	assert_memory_equal("carol", user, 5);
	assert_int_equal(ETIMEDOUT, lk_turnauth_key(a, key,
		"1700000000:carol", 1700000001, NULL, NULL));
	assert_int_equal(ENOENT, lk_turnauth_key(a, key, "17x:carol", 0,
						 NULL, NULL));
	mem_deref(a);

	/* Without a secret a REST username is only an unknown user. */
	assert_int_equal(0, lk_turnauth_alloc(&a, "lab", "alice:pw1", NULL));
	assert_int_equal(ENOENT, lk_turnauth_key(a, key, "1700000000:carol",
						 0, NULL, NULL));
	mem_deref(a);
	assert_int_equal(EINVAL, lk_turnauth_alloc(&a, "lab", "alice", NULL));
}

static void nonce_is_bound_to_address_and_time(void **state)
{
	struct lk_turnauth *a = NULL, *b = NULL;
	char nonce[LK_TURNAUTH_NONCE_LEN + 1];
	struct sa c1, c2, c6;

	(void)state;
	assert_int_equal(0, lk_turnauth_alloc(&a, "lab", "", NULL));
	assert_int_equal(0, lk_turnauth_alloc(&b, "lab", "", NULL));
	assert_int_equal(0, sa_set_str(&c1, "192.0.2.1", 5000));
	assert_int_equal(0, sa_set_str(&c2, "192.0.2.2", 5000));
	assert_int_equal(0, sa_set_str(&c6, "2001:db8::1", 5000));
	lk_turnauth_nonce(a, nonce, &c1, 1000);
	assert_int_equal(LK_TURNAUTH_NONCE_LEN, strlen(nonce));
	assert_int_equal(0, lk_turnauth_nonce_check(a, nonce, &c1, 1000, 600));
	assert_int_equal(0, lk_turnauth_nonce_check(a, nonce, &c1, 1600, 600));
	assert_int_equal(ESTALE, lk_turnauth_nonce_check(a, nonce, &c1, 1601,
							 600));
	assert_int_equal(ESTALE, lk_turnauth_nonce_check(a, nonce, &c2, 1000,
							 600));
	/* Another server key (another start) does not know it. */
	assert_int_equal(ESTALE, lk_turnauth_nonce_check(b, nonce, &c1, 1000,
							 600));
	nonce[20] = nonce[20] == '0' ? '1' : '0';
	assert_int_equal(ESTALE, lk_turnauth_nonce_check(a, nonce, &c1, 1000,
							 600));
	assert_int_equal(ESTALE, lk_turnauth_nonce_check(a, "lk", &c1, 1000,
							 600));
	lk_turnauth_nonce(a, nonce, &c6, 7);
	assert_int_equal(0, lk_turnauth_nonce_check(a, nonce, &c6, 7, 600));
	mem_deref(a);
	mem_deref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5769_message_integrity_verifies),
		cmocka_unit_test(rfc5769_wrong_key_or_changed_octet_fails),
		cmocka_unit_test(rfc5769_fingerprints_verify_with_libre),
		cmocka_unit_test(message_without_integrity_is_ebadmsg),
		cmocka_unit_test(ha1_and_rest_password_match_python),
		cmocka_unit_test(users_and_rest_keys),
		cmocka_unit_test(nonce_is_bound_to_address_and_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
