/* tests/unit/common/test_netaddr.c  Numeric addresses and ports into socket addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "netaddr.h"

static void ipv4_and_ipv6(void **state)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	assert_int_equal(0, lk_sockaddr_set(&ss, &sl, "192.0.2.7", 5060));
	assert_int_equal(AF_INET, ss.ss_family);
	assert_int_equal(sizeof(struct sockaddr_in), sl);
	assert_int_equal(5060, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	assert_int_equal(0, lk_sockaddr_set(&ss, &sl, "2001:db8::1", 5061));
	assert_int_equal(AF_INET6, ss.ss_family);
	assert_int_equal(sizeof(struct sockaddr_in6), sl);
	assert_int_equal(EINVAL, lk_sockaddr_set(&ss, &sl, "localhost", 1));
	assert_int_equal(EINVAL, lk_sockaddr_set(&ss, &sl, "1.2.3", 1));
	assert_int_equal(EINVAL, lk_sockaddr_set(&ss, &sl, "", 1));
}

static void host_and_port(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1", "127.0.0.1:", ":2223", "127.0.0.1:0",
		"127.0.0.1:65536", "127.0.0.1:22x", "127.0.0.1:-1",
		"127.0.0.1:+5", "::1:2223", "[::1]2223", "[::1", "[]:2223",
		"name.example:2223", "127.0.0.1: 5",
	};
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned i;

	assert_int_equal(0, lk_sockaddr_parse(&ss, &sl, "127.0.0.1:2223"));
	assert_int_equal(2223, ntohs(((struct sockaddr_in *)&ss)->sin_port));
	assert_int_equal(0, lk_sockaddr_parse(&ss, &sl, "[::1]:65535"));
	assert_int_equal(AF_INET6, ss.ss_family);
	assert_int_equal(65535,
			 ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ss.ss_family = 12345;
		if (lk_sockaddr_parse(&ss, &sl, bad[i]) != EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		/* Nothing written on failure. */
		assert_int_equal(12345, ss.ss_family);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_and_ipv6),
		cmocka_unit_test(host_and_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
