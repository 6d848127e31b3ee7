/* tests/unit/relay/test_mdesc.c  What the media core takes as a media description (relay/mdesc.h). */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mdesc.h"

static struct lk_mdesc d;

static void one_stream(void)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&d.s[0].addr;

	memset(&d, 0, sizeof(d));
	d.nstreams = 1;
	d.s[0].media.p = "audio";
	d.s[0].media.len = 5;
	d.s[0].port = 4000;
	d.s[0].rtcp_port = 4001;
	in->sin_family = AF_INET;
	in->sin_port = htons(4000);
}

static void takes_a_plain_stream_and_none(void **state)
{
	(void)state;
	one_stream();
	assert_int_equal(0, lk_mdesc_check(&d, NULL, NULL));
	/* An unknown address: media latches where it comes from. */
	memset(&d.s[0].addr, 0, sizeof(d.s[0].addr));
	assert_int_equal(0, lk_mdesc_check(&d, NULL, NULL));
	d.nstreams = 0;
	assert_int_equal(0, lk_mdesc_check(&d, NULL, NULL));
}

static void refuses_what_is_out_of_range(void **state)
{
	const char *why = NULL;
	unsigned at = 99;

	(void)state;
	assert_int_equal(EINVAL, lk_mdesc_check(NULL, &at, &why));
	one_stream();
	d.nstreams = LK_MDESC_MAX_STREAMS + 1;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));
	assert_string_equal("too many streams", why);

	one_stream();
	d.nstreams = 3;
	d.s[2] = d.s[0];
	d.s[2].npt = LK_MDESC_MAX_PT + 1;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));
	assert_int_equal(2, at);

	one_stream();
	d.s[0].ncrypto = LK_MDESC_MAX_CRYPTO + 1;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));

	one_stream();
	d.s[0].dir = (enum lk_mdesc_dir)7;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));

	one_stream();
	d.s[0].rtcp_addr.ss_family = AF_UNIX;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));
	assert_int_equal(0, at);

	one_stream();
	d.s[0].proto.len = 7;
	assert_int_equal(EINVAL, lk_mdesc_check(&d, &at, &why));
}

static void directions(void **state)
{
	(void)state;
	assert_string_equal("sendrecv", lk_mdesc_dir_name(LK_MDESC_SENDRECV));
	assert_string_equal("inactive", lk_mdesc_dir_name(LK_MDESC_INACTIVE));
	assert_true(lk_mdesc_receives_rtp(LK_MDESC_SENDRECV));
	assert_true(lk_mdesc_receives_rtp(LK_MDESC_RECVONLY));
	assert_false(lk_mdesc_receives_rtp(LK_MDESC_SENDONLY));
	assert_false(lk_mdesc_receives_rtp(LK_MDESC_INACTIVE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(takes_a_plain_stream_and_none),
		cmocka_unit_test(refuses_what_is_out_of_range),
		cmocka_unit_test(directions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
