/* tests/unit/relay/test_turnpeer.c  TURN peers: deny by default, in every address form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "turnpeer.h"

static enum lk_turnpeer_verdict check(const struct lk_turnpeer *p,
				      const char *addr, uint16_t port)
{
	struct sa a;

	assert_int_equal(0, sa_set_str(&a, addr, port));

	return lk_turnpeer_check(p, &a);
}

/* Issue 12's list, with the forms that reach the same place. */
static const char *const denied[] = {
	"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.255.255.254", "169.254.1.1",
	"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
	"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
	"100.64.0.1", "100.127.255.255",
	"::", "::1", "fe80::1", "fec0::1", "ff02::1", "fc00::1", "fd12::1",
	"::ffff:127.0.0.1", "::ffff:0.0.0.0", "::ffff:10.0.0.1",
	"::127.0.0.1", "::0.0.0.2", "::ffff:169.254.169.254",
	"64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
	"2002:7f00:1::1", "2002:a00:1::", "2001:0:4136:e378::1",
	"::ffff:224.0.0.1", "::ffff:255.255.255.255",
};

static const char *const allowed[] = {
	"192.0.2.1", "198.51.100.7", "8.8.8.8", "172.32.0.1", "100.128.0.1",
	"11.0.0.1", "2001:db8::1", "2a00:1450::1", "::ffff:192.0.2.1",
	"64:ff9b::c000:201", "2002:c000:201::1",
};

static void every_denied_form_is_denied(void **state)
{
	struct lk_turnpeer *p = NULL;
	unsigned i;

	(void)state;
	assert_int_equal(0, lk_turnpeer_alloc(&p, NULL, NULL));
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		if (check(p, denied[i], 5000) != LK_TURNPEER_BUILTIN)
			fail_msg("%s was not denied", denied[i]);
	}
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (check(p, allowed[i], 5000) != LK_TURNPEER_OK)
			fail_msg("%s was denied", allowed[i]);
	}
	mem_deref(p);
}

static void canonical_forms(void **state)
{
	struct sa in, out, want;

	(void)state;
	assert_int_equal(0, sa_set_str(&in, "::ffff:127.0.0.1", 9));
	lk_turnpeer_canonical(&out, &in);
	assert_int_equal(0, sa_set_str(&want, "127.0.0.1", 9));
	assert_true(sa_cmp(&want, &out, SA_ALL));
	assert_int_equal(0, sa_set_str(&in, "2002:c000:201::5", 9));
	lk_turnpeer_canonical(&out, &in);
	assert_int_equal(0, sa_set_str(&want, "192.0.2.1", 9));
	assert_true(sa_cmp(&want, &out, SA_ALL));
	/* :: and ::1 stay what they are. */
	assert_int_equal(0, sa_set_str(&in, "::1", 9));
	lk_turnpeer_canonical(&out, &in);
	assert_int_equal(AF_INET6, sa_af(&out));
}

static void allowed_peers_open_only_what_they_name(void **state)
{
	struct lk_turnpeer *p = NULL;

	(void)state;
	assert_int_equal(0, lk_turnpeer_alloc(&p, "127.0.0.1, 10.0.0.0/8",
					      NULL));
	assert_int_equal(LK_TURNPEER_OK, check(p, "127.0.0.1", 5000));
	assert_int_equal(LK_TURNPEER_OK, check(p, "::ffff:127.0.0.1", 5000));
	assert_int_equal(LK_TURNPEER_OK, check(p, "10.9.8.7", 5000));
	assert_int_equal(LK_TURNPEER_BUILTIN, check(p, "127.0.0.2", 5000));
	assert_int_equal(LK_TURNPEER_BUILTIN, check(p, "0.0.0.0", 5000));
	assert_int_equal(LK_TURNPEER_BUILTIN, check(p, "::1", 5000));
	assert_int_equal(LK_TURNPEER_BUILTIN, check(p, "192.168.0.1", 5000));
	mem_deref(p);
}

static void denied_peers_are_final(void **state)
{
	struct lk_turnpeer *p = NULL;

	(void)state;
	assert_int_equal(0, lk_turnpeer_alloc(&p, "192.0.2.0/24",
					      "192.0.2.128/25, 2001:db8::/32"));
	assert_int_equal(LK_TURNPEER_OK, check(p, "192.0.2.1", 5000));
	assert_int_equal(LK_TURNPEER_DENIED, check(p, "192.0.2.200", 5000));
	assert_int_equal(LK_TURNPEER_DENIED, check(p, "::ffff:192.0.2.200",
						   5000));
	assert_int_equal(LK_TURNPEER_DENIED, check(p, "2001:db8:1::1", 5000));
	assert_int_equal(LK_TURNPEER_OK, check(p, "2001:db9::1", 5000));
	mem_deref(p);
}

static void own_sockets_are_never_peers(void **state)
{
	struct lk_turnpeer *p = NULL;
	struct sa own;

	(void)state;
	assert_int_equal(0, lk_turnpeer_alloc(&p, "127.0.0.0/8, 0.0.0.0/8",
					      NULL));
	assert_int_equal(0, sa_set_str(&own, "127.0.0.1", 2223));
	assert_int_equal(0, lk_turnpeer_own_add(p, &own));
	assert_int_equal(0, sa_set_str(&own, "0.0.0.0", 5060));
	assert_int_equal(0, lk_turnpeer_own_add(p, &own));
	assert_int_equal(LK_TURNPEER_OWN, check(p, "127.0.0.1", 2223));
	assert_int_equal(LK_TURNPEER_OWN, check(p, "::ffff:127.0.0.1", 2223));
	assert_int_equal(LK_TURNPEER_OK, check(p, "127.0.0.1", 2224));
	assert_int_equal(LK_TURNPEER_OK, check(p, "127.0.0.2", 2223));
	/* A wildcard listener: its port on any address. */
	assert_int_equal(LK_TURNPEER_OWN, check(p, "198.51.100.1", 5060));
	assert_int_equal(LK_TURNPEER_OWN, check(p, "0.0.0.0", 5060));
	assert_int_equal(LK_TURNPEER_BAD, check(p, "198.51.100.1", 0));
	mem_deref(p);
}

static void bad_lists_are_refused(void **state)
{
	struct lk_turnpeer *p = NULL;

	(void)state;
	assert_int_equal(EINVAL, lk_turnpeer_alloc(&p, "127.0.0.1/33", NULL));
	assert_int_equal(EINVAL, lk_turnpeer_alloc(&p, "localhost", NULL));
	assert_int_equal(EINVAL, lk_turnpeer_alloc(&p, NULL, "1.2.3.4,,"));
	assert_int_equal(EINVAL, lk_turnpeer_alloc(&p, "::1/129", NULL));
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_denied_form_is_denied),
		cmocka_unit_test(canonical_forms),
		cmocka_unit_test(allowed_peers_open_only_what_they_name),
		cmocka_unit_test(denied_peers_are_final),
		cmocka_unit_test(own_sockets_are_never_peers),
		cmocka_unit_test(bad_lists_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
