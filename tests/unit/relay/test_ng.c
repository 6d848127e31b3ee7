/* tests/unit/relay/test_ng.c  ng command handling without sockets: lk_ng_handle() against a real media core that binds none (tests/unit/mediafix.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/event.h>
#include <re.h>

#include "conf.h"
#include "media.h"
#include "ng.h"
#include "../mediafix.h"

/* A Control (no multiplexed ports), media on 45700-45799: no other test's. */
static const char config[] =
	"[System]\nRole = control\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 45700\n"
	"Traversal Media port end = 45799\n"
	"[Media]\nPort cool-down = 0\nPort allocation order = sequential\n";

#define SDP "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 " \
	"127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

struct fixture {
	struct nosock ns;
	struct lk_conf conf;
	struct event_base *base;
	struct lk_media *m;
	struct lk_ng *ng;
	char out[65536];
	size_t len;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	mediafix_core(config, &f->conf, &f->base, &f->m, &f->ns);
	/* No base, no configuration: lk_ng_handle() only, no socket. */
	assert_int_equal(0, lk_ng_alloc(&f->ng, NULL, NULL, f->m, err,
					sizeof(err)));
	assert_int_equal(0, nosock_open_sockets());
	*state = f;

	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	/* Every command ran, offers got ports, and no socket was opened. */
	assert_int_equal(0, nosock_open_sockets());
	mem_deref(f->ng);
	mem_deref(f->m);
	event_base_free(f->base);
	free(f);

	return 0;
}

/* One request "COOKIE BENCODE" from `peer`; the reply, NUL-terminated. */
static const char *ng(struct fixture *f, const char *peer, const char *req)
{
	assert_int_equal(0, lk_ng_handle(f->ng, req, strlen(req), peer,
					 strlen(peer), f->out,
					 sizeof(f->out) - 1, &f->len));
	f->out[f->len] = '\0';

	return f->out;
}

static void ping_answers_pong_with_the_cookie(void **state)
{
	struct fixture *f = *state;

	assert_string_equal("c1 d6:result4:ponge",
			    ng(f, "p", "c1 d7:command4:pinge"));
}

/* rtpengine's rule: the same cookie from the same peer gets the cache. */
static void a_retransmission_is_answered_from_the_cache(void **state)
{
	struct fixture *f = *state;
	struct lk_ng_stats st;
	char first[4096];

	snprintf(first, sizeof(first), "%s", ng(f, "peer-a",
		 "r1 d7:call-id2:c17:command5:offer8:from-tag2:fa"
		 "3:sdp" "87:" SDP "e"));
	assert_non_null(strstr(first, "6:result2:ok"));
	assert_string_equal(first, ng(f, "peer-a",
		 "r1 d7:call-id2:c17:command5:offer8:from-tag2:fa"
		 "3:sdp" "87:" SDP "e"));
	lk_ng_stats(f->ng, &st);
	assert_int_equal(1, st.retransmits);
	/* Another peer with the same cookie is a new request. */
	ng(f, "peer-b", "r1 d7:command4:pinge");
	assert_string_equal("r1 d6:result4:ponge", f->out);
}

static void offer_answer_query_list_delete(void **state)
{
	struct fixture *f = *state;

	assert_non_null(strstr(ng(f, "p", "o1 d7:call-id2:c27:command5:offer"
		"8:from-tag2:fa3:sdp87:" SDP "e"), "6:result2:ok"));
	assert_non_null(strstr(f->out, "m=audio 457"));	/* our port */
	assert_non_null(strstr(ng(f, "p", "a1 d7:call-id2:c27:command6:answer"
		"8:from-tag2:fa3:sdp87:" SDP "6:to-tag2:tbe"),
		"6:result2:ok"));
	assert_non_null(strstr(ng(f, "p", "q1 d7:call-id2:c27:command5:querye"),
			       "6:result2:ok"));
	assert_non_null(strstr(f->out, "2:fa"));
	assert_non_null(strstr(f->out, "2:tb"));
	assert_non_null(strstr(ng(f, "p", "l1 d7:command4:liste"), "2:c2"));
	assert_non_null(strstr(ng(f, "p", "d1 d7:call-id2:c27:command6:delete"
		"e"), "6:result2:ok"));
	assert_non_null(strstr(ng(f, "p", "q2 d7:call-id2:c27:command5:querye"),
			       "Unknown call-id"));
}

/*
 * SRTP (docs/srtp.md): "transport-protocol" converts, SDES options choose
 * the suites, as a list or as Kamailio's "SDES-" flags.
 */
static void sdes_options_choose_the_suites(void **state)
{
	struct fixture *f = *state;
	const char *p;
	unsigned n = 0;

	ng(f, "p", "s1 d4:SDESl28:only-AES_CM_128_HMAC_SHA1_32e"
	   "7:call-id2:s17:command5:offer8:from-tag2:fa3:sdp87:" SDP
	   "18:transport-protocol8:RTP/SAVPe");
	assert_non_null(strstr(f->out, "6:result2:ok"));
	assert_non_null(strstr(f->out, "RTP/SAVP 0"));
	for (p = f->out; (p = strstr(p, "a=crypto:")); p++)
		++n;
	assert_int_equal(1, n);
	assert_non_null(strstr(f->out, "a=crypto:1 AES_CM_128_HMAC_SHA1_32 "));

	/* "SDES-no-..." in flags; an unknown suite is a warning. */
	ng(f, "p", "s2 d7:call-id2:s27:command5:offer5:flagsl"
	   "31:SDES-no-AES_CM_128_HMAC_SHA1_80"
	   "24:SDES-no-NOT_A_REAL_SUITEe8:from-tag2:fa3:sdp87:" SDP
	   "18:transport-protocol9:RTP/SAVPFe");
	assert_non_null(strstr(f->out, "6:result2:ok"));
	assert_non_null(strstr(f->out, "RTP/SAVPF 0"));
	assert_null(strstr(f->out, "AES_CM_128_HMAC_SHA1_80"));
	assert_non_null(strstr(f->out, "AES_CM_128_HMAC_SHA1_32"));
	assert_non_null(strstr(f->out, "7:warning"));
	assert_non_null(strstr(f->out, "SDES-no-NOT_A_REAL_SUITE"));

	/* Every suite off: the relay cannot encrypt for B. */
	ng(f, "p", "s3 d4:SDESl3:offe7:call-id2:s37:command5:offer"
	   "8:from-tag2:fa3:sdp87:" SDP "18:transport-protocol8:RTP/SAVPe");
	assert_non_null(strstr(f->out, "SRTP negotiation failed"));
	ng(f, "p", "d1 d7:call-id2:s17:command6:deletee");
	ng(f, "p", "d2 d7:call-id2:s27:command6:deletee");
}

/* rtpengine's own error strings, which Kamailio's module logs. */
static void bad_commands_get_rtpengine_error_strings(void **state)
{
	struct fixture *f = *state;
	struct lk_ng_stats st;
	size_t len;

	assert_non_null(strstr(ng(f, "p", "e1 d7:command5:offer"
		"8:from-tag2:fa3:sdp87:" SDP "e"), "No call-id in message"));
	assert_non_null(strstr(ng(f, "p", "e2 d7:call-id1:x7:command5:offer"
		"3:sdp87:" SDP "e"), "No from-tag in message"));
	assert_non_null(strstr(ng(f, "p", "e3 d7:call-id1:x7:command5:offer"
		"8:from-tag2:fae"), "No SDP body in message"));
	assert_non_null(strstr(ng(f, "p", "e4 d7:call-id1:x7:command6:answer"
		"8:from-tag2:fa3:sdp87:" SDP "e"), "No to-tag in message"));
	assert_non_null(strstr(ng(f, "p", "e5 d7:command5:boguse"),
			       "6:result5:error"));
	assert_non_null(strstr(ng(f, "p", "e6 not bencode"),
			       "6:result5:error"));
	/* No cookie at all: nothing to answer, counted. */
	assert_int_not_equal(0, lk_ng_handle(f->ng, "nocookie", 8, "p", 1,
					     f->out, sizeof(f->out), &len));
	lk_ng_stats(f->ng, &st);
	assert_true(st.malformed >= 1);
	assert_true(st.errors >= 6);
}

static void statistics_counts_pairs_and_drops(void **state)
{
	struct fixture *f = *state;

	ng(f, "p", "s1 d7:command10:statisticse");
	assert_non_null(strstr(f->out, "6:result2:ok"));
	/* 45700-45799: 45700/45701 are the multiplexed pair, 49 remain. */
	assert_non_null(strstr(f->out, "14:pairsavailablei49e"));
	assert_non_null(strstr(f->out, "17:droppedunexpectedi0e"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			ping_answers_pong_with_the_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_retransmission_is_answered_from_the_cache, setup,
			teardown),
		cmocka_unit_test_setup_teardown(offer_answer_query_list_delete,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			bad_commands_get_rtpengine_error_strings, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			statistics_counts_pairs_and_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(
			sdes_options_choose_the_suites, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
