/* tests/unit/sip/test_tls.c  What a failed SIP TCP/TLS connection is logged as (issue 9: never "TLS: (null)"). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "sip/tls.h"

/* A reset TLS connection: OpenSSL queues the read() error as ERR_LIB_SYS. */
static void a_reset_is_connection_reset_by_peer(void **state)
{
	char buf[160];

	lk_siptls_error_text(buf, sizeof(buf),
			     ERR_PACK(ERR_LIB_SYS, 0, ECONNRESET), 0, true);
	assert_string_equal(strerror(ECONNRESET), buf);
	lk_siptls_error_text(buf, sizeof(buf), 0, ECONNRESET, true);
	assert_string_equal(strerror(ECONNRESET), buf);
	/* What libevent hands over for a reset: SSL_ERROR_SYSCALL and errno. */
	lk_siptls_error_text(buf, sizeof(buf), SSL_ERROR_SYSCALL, ECONNRESET,
			     true);
	assert_string_equal(strerror(ECONNRESET), buf);
	assert_null(strstr(buf, "(null)"));
}

static void eof_without_close_notify_says_so(void **state)
{
	char buf[160];

	lk_siptls_error_text(buf, sizeof(buf), 0, 0, true);
	assert_string_equal("closed by the peer (EOF) without TLS "
			    "close_notify", buf);
	lk_siptls_error_text(buf, sizeof(buf), 0, 0, false);
	assert_string_equal("closed by the peer (EOF)", buf);
	lk_siptls_error_text(buf, sizeof(buf), SSL_ERROR_SYSCALL, 0, true);
	assert_string_equal("closed by the peer (EOF) without TLS "
			    "close_notify", buf);
}

static void an_openssl_reason_is_named(void **state)
{
	char buf[160];

	OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL);
	lk_siptls_error_text(buf, sizeof(buf),
			     ERR_PACK(ERR_LIB_SSL, 0, SSL_R_WRONG_VERSION_NUMBER),
			     0, true);
	assert_string_equal("TLS: wrong version number", buf);
	/* A code OpenSSL has no string for still gets its number. */
	lk_siptls_error_text(buf, sizeof(buf), ERR_PACK(ERR_LIB_SSL, 0, 4000),
			     0, true);
	assert_non_null(strstr(buf, "TLS: error:"));
	assert_null(strstr(buf, "(null)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reset_is_connection_reset_by_peer),
		cmocka_unit_test(eof_without_close_notify_says_so),
		cmocka_unit_test(an_openssl_reason_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
