/* tests/unit/sip/test_frame.c  Content-Length framing of SIP on TCP/TLS streams. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip/frame.h"

static const char msg1[] =
	"OPTIONS sip:lk@192.0.2.1 SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.0.2.9:5060;branch=z9hG4bK1\r\n"
	"Content-Length: 5\r\n"
	"\r\n"
	"hello";

static void frame(struct lk_sipframe *fr, const char *s, size_t n)
{
	lk_sipframe_next(fr, (const uint8_t *)s, n, NULL);
}

static void whole_message_is_framed(void **state)
{
	struct lk_sipframe fr;

	frame(&fr, msg1, strlen(msg1));
	assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
	assert_int_equal(strlen(msg1), fr.len);
	assert_int_equal(strlen(msg1) - 5, fr.hdr_len);
}

/* Every split point: nothing until the last octet of the body arrives. */
static void split_message_waits_for_the_rest(void **state)
{
	struct lk_sipframe fr;
	size_t i;

	for (i = 0; i < strlen(msg1); i++) {
		frame(&fr, msg1, i);
		assert_int_equal(LK_SIPFRAME_MORE, fr.kind);
	}
}

static void pipelined_messages_come_out_one_by_one(void **state)
{
	char buf[1024];
	struct lk_sipframe fr;
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "%s%s\r\n\r\n%s", msg1, msg1,
			     msg1);
	frame(&fr, buf, n);
	assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
	assert_int_equal(strlen(msg1), fr.len);
	frame(&fr, buf + fr.len, n - fr.len);
	assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
	frame(&fr, buf + 2 * strlen(msg1), n - 2 * strlen(msg1));
	assert_int_equal(LK_SIPFRAME_PING, fr.kind);
	assert_int_equal(4, fr.len);
	frame(&fr, buf + 2 * strlen(msg1) + 4, strlen(msg1));
	assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
}

static void keepalives(void **state)
{
	struct lk_sipframe fr;

	frame(&fr, "\r\n\r\n", 4);
	assert_int_equal(LK_SIPFRAME_PING, fr.kind);
	frame(&fr, "\r\n", 2);		/* could still become a ping */
	assert_int_equal(LK_SIPFRAME_MORE, fr.kind);
	frame(&fr, "\r\nOPTI", 6);
	assert_int_equal(LK_SIPFRAME_PONG, fr.kind);
	assert_int_equal(2, fr.len);
	frame(&fr, "\rX", 2);
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
}

static void missing_content_length_is_an_error_with_headers(void **state)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n";
	struct lk_sipframe fr;

	frame(&fr, m, strlen(m));
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	assert_int_equal(strlen(m), fr.hdr_len);
	assert_non_null(strstr(fr.reason, "Content-Length"));
}

static void compact_and_odd_content_length(void **state)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\nl :  2 \r\n\r\nab";
	static const char two[] = "OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n"
		"Content-Length: 3\r\n\r\nabc";
	static const char neg[] = "OPTIONS sip:a@b SIP/2.0\r\nl: -2\r\n\r\n";
	static const char big[] = "OPTIONS sip:a@b SIP/2.0\r\n"
		"Content-Length: 99999999999999999999\r\n\r\n";
	struct lk_sipframe fr;

	frame(&fr, m, strlen(m));
	assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
	assert_int_equal(strlen(m), fr.len);
	frame(&fr, two, strlen(two));
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	frame(&fr, neg, strlen(neg));
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	frame(&fr, big, strlen(big));
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
}

static void limits(void **state)
{
	static char buf[LK_SIPFRAME_MAX_HEADER + 100];
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\n"
		"Content-Length: 70000\r\n\r\n";
	struct lk_sipframe_limits small = {64, 128};
	struct lk_sipframe fr;

	memset(buf, 'a', sizeof(buf));
	frame(&fr, buf, sizeof(buf));	/* headers that never end */
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	assert_int_equal(0, fr.hdr_len);
	frame(&fr, m, strlen(m));	/* body past 64 KiB */
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	assert_int_equal(strlen(m), fr.hdr_len);
	assert_non_null(strstr(fr.reason, "larger"));
	lk_sipframe_next(&fr, (const uint8_t *)msg1, strlen(msg1), &small);
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
}

static void binary_and_nul_are_errors(void **state)
{
	static const char m[] = "OPTIONS sip:a@b SIP/2.0\r\nX: a\0b\r\n\r\n";
	struct lk_sipframe fr;

	frame(&fr, "\x16\x03\x01", 3);	/* a TLS ClientHello */
	assert_int_equal(LK_SIPFRAME_NOT_SIP, fr.kind);
	frame(&fr, m, sizeof(m) - 1);
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
}

/*
 * Issue 9: "HELLO\r\n\r\n" on the TCP port is not SIP, not a SIP
 * request without Content-Length; the first line decides, once it is whole.
 */
static void a_stream_without_a_start_line_is_not_sip(void **state)
{
	static const char *const not_sip[] = {
		"HELLO\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"OPTIONS sip:a@b\r\n\r\n",
		"OPTIONS sip:a@b SIP/2.0 x\r\n\r\n",
		"OPTIONS  SIP/2.0\r\n\r\n",
		"OPT(ONS sip:a@b SIP/2.0\r\n\r\n",
		"SIP/2.0 OK\r\n\r\n",
		"HELLO\n",
	};
	static const char *const sip[] = {
		"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n",
		"FROB sip:a@b sip/2.0\r\nContent-Length: 0\r\n\r\n",
		"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		"SIP/2.0 180 Ringing\nl: 0\n\n",
	};
	struct lk_sipframe fr;
	size_t i;

	for (i = 0; i < sizeof(not_sip) / sizeof(not_sip[0]); i++) {
		frame(&fr, not_sip[i], strlen(not_sip[i]));
		assert_int_equal(LK_SIPFRAME_NOT_SIP, fr.kind);
		assert_non_null(strstr(fr.reason, "start line"));
	}
	for (i = 0; i < sizeof(sip) / sizeof(sip[0]); i++) {
		frame(&fr, sip[i], strlen(sip[i]));
		assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
	}
	/* Until its LF arrives a first line may still become a start line. */
	frame(&fr, "HELLO", 5);
	assert_int_equal(LK_SIPFRAME_MORE, fr.kind);
	/* A real request without Content-Length stays a framing error (400). */
	frame(&fr, "OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n", 35);
	assert_int_equal(LK_SIPFRAME_ERROR, fr.kind);
	assert_non_null(strstr(fr.reason, "Content-Length"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_message_is_framed),
		cmocka_unit_test(split_message_waits_for_the_rest),
		cmocka_unit_test(pipelined_messages_come_out_one_by_one),
		cmocka_unit_test(keepalives),
		cmocka_unit_test(missing_content_length_is_an_error_with_headers),
		cmocka_unit_test(compact_and_odd_content_length),
		cmocka_unit_test(limits),
		cmocka_unit_test(binary_and_nul_are_errors),
		cmocka_unit_test(a_stream_without_a_start_line_is_not_sip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
