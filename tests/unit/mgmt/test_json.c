/* tests/unit/mgmt/test_json.c  JSON strings and addresses as management writes them (RFC 8259 s.7). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/buffer.h>

#include "json.h"

/* The buffer's text, NUL-terminated, for comparing; the caller frees. */
static char *text(struct evbuffer *b)
{
	size_t n = evbuffer_get_length(b);
	char *s = calloc(1, n + 1);

	assert_non_null(s);
	evbuffer_remove(b, s, n);
	return s;
}

static void expect_str(const char *in, size_t len, const char *want)
{
	struct evbuffer *b = evbuffer_new();
	char *got;

	assert_non_null(b);
	lk_json_strn(b, in, len);
	got = text(b);
	assert_string_equal(want, got);
	free(got);
	evbuffer_free(b);
}

static void quotes_backslashes_and_controls_are_escaped(void **state)
{
	expect_str("plain", 5, "\"plain\"");
	expect_str("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	expect_str("tab\there\r\n", 10, "\"tab\\u0009here\\u000d\\u000a\"");
	expect_str("\x7f", 1, "\"\\u007f\"");
	/* A NUL inside a counted string is escaped, not an end. */
	expect_str("a\0b", 3, "\"a\\u0000b\"");
	expect_str("", 0, "\"\"");
	/* Octets >= 0x80 pass unchanged (UTF-8 stays UTF-8). */
	expect_str("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
}

static void null_string_is_null(void **state)
{
	struct evbuffer *b = evbuffer_new();
	char *got;

	lk_json_str(b, NULL);
	got = text(b);
	assert_string_equal("null", got);
	free(got);
	evbuffer_free(b);
}

static void addresses_with_ports(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct evbuffer *b = evbuffer_new();
	char buf[64], *got;

	memset(&ss, 0, sizeof(ss));
	lk_json_sa(b, &ss);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(5060);
	inet_pton(AF_INET, "192.0.2.7", &sin->sin_addr);
	evbuffer_add(b, " ", 1);
	lk_json_sa(b, &ss);
	memset(&ss, 0, sizeof(ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(36000);
	inet_pton(AF_INET6, "2001:db8::1", &sin6->sin6_addr);
	evbuffer_add(b, " ", 1);
	lk_json_sa(b, &ss);
	got = text(b);
	assert_string_equal("null \"192.0.2.7:5060\" \"[2001:db8::1]:36000\"",
			    got);
	assert_string_equal("[2001:db8::1]:36000",
			    lk_json_sa_text(buf, sizeof(buf), &ss));
	free(got);
	evbuffer_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quotes_backslashes_and_controls_are_escaped),
		cmocka_unit_test(null_string_is_null),
		cmocka_unit_test(addresses_with_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
