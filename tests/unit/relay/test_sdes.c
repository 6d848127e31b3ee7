/* tests/unit/relay/test_sdes.c  a=crypto lines and the relay's SDES offer/answer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <re.h>

#include "sdes.h"
#include "sdp.h"
#include "sdpdesc.h"
#include "srtp.h"

/* libsrtp2's reference key (test_srtp.c), base64 as SDES carries it. */
#define KEY_B64 "4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm"
static const uint8_t key128[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
	0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
	0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};

static int parse(struct lk_sdes_crypto *c, const char **why, const char *v)
{
	return lk_sdes_parse(c, why, v, strlen(v));
}

static void an_rfc4568_line_parses(void **state)
{
	struct lk_sdes_crypto c;
	const char *why = NULL;

	assert_int_equal(0, parse(&c, &why, "1 AES_CM_128_HMAC_SHA1_80 "
				  "inline:" KEY_B64 "|2^20"));
	assert_int_equal(1, c.tag);
	assert_int_equal(LK_SRTP_AES_CM_128_HMAC_SHA1_80, c.key.suite);
	assert_int_equal(30, c.key.len);
	assert_memory_equal(key128, c.key.key, 30);
	assert_int_equal(0, parse(&c, &why, "123456789 AES_CM_128_HMAC_SHA1_32"
				  " inline:" KEY_B64 " WSH=64\r"));
	assert_int_equal(123456789, c.tag);
	assert_int_equal(LK_SRTP_AES_CM_128_HMAC_SHA1_32, c.key.suite);
	assert_int_equal(0, parse(&c, &why, "2 AES_CM_128_HMAC_SHA1_80 "
				  "inline:" KEY_B64 "|1099511627776"));
}

static void padded_keys_decode(void **state)
{
	struct lk_sdes_crypto c;

	/* 46 octets: base64 with "==" (RFC 6188 suites). */
	assert_int_equal(0, parse(&c, NULL, "3 AES_256_CM_HMAC_SHA1_80 inline:"
		"8PBJFLUT8nY6Gx+hMPEOKZj29uQ+QwnR5iKg4zK58bY7BIA95R7nyWQjq1t40g=="));
	assert_int_equal(46, c.key.len);
	assert_int_equal(0xd2, c.key.key[45]);
	/* ... and without, as some endpoints write it. */
	assert_int_equal(0, parse(&c, NULL, "3 AES_256_CM_HMAC_SHA1_80 inline:"
		"8PBJFLUT8nY6Gx+hMPEOKZj29uQ+QwnR5iKg4zK58bY7BIA95R7nyWQjq1t40g"));
	assert_int_equal(46, c.key.len);
}

static void what_latchkey_does_not_speak_is_enotsup(void **state)
{
	static const char *const lines[] = {
		"1 F8_128_HMAC_SHA1_80 inline:" KEY_B64,
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|2^20|1:4",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 ";inline:" KEY_B64,
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 " UNENCRYPTED_SRTP",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 " KDR=1",
	};
	struct lk_sdes_crypto c;
	unsigned i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *why = NULL;

		assert_int_equal(ENOTSUP, parse(&c, &why, lines[i]));
		assert_non_null(why);
		/* A reason never quotes the key. */
		assert_null(strstr(why, KEY_B64));
	}
}

static void malformed_lines_are_ebadmsg(void **state)
{
	static const char *const lines[] = {
		"",
		"x AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64,
		"1234567890 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64,
		"1",
		"1 AES_CM_128_HMAC_SHA1_80",
		"1 AES_CM_128_HMAC_SHA1_80 uri:" KEY_B64,
		"1 AES_CM_128_HMAC_SHA1_80 inline:",
		"1 AES_CM_128_HMAC_SHA1_80 inline:4fl6DT4B*+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm",
		"1 AES_CM_128_HMAC_SHA1_80 inline:4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOq",
		"1 AES_CM_128_HMAC_SHA1_80 inline:4fl6DT4Bi+D=WT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|2^x",
		"1 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "|",
		"1 AEAD_AES_128_GCM inline:" KEY_B64,
	};
	struct lk_sdes_crypto c;
	unsigned i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *why = NULL;

		memset(&c, 0x5a, sizeof(c));
		assert_int_equal(EBADMSG, parse(&c, &why, lines[i]));
		assert_non_null(why);
		/* Written only on success. */
		assert_int_equal(0x5a5a5a5a, c.tag);
	}
}

static void format_and_parse_agree(void **state)
{
	enum lk_srtp_suite s;
	char line[LK_SDES_LINE_MAX];

	for (s = LK_SRTP_AES_CM_128_HMAC_SHA1_80; s < LK_SRTP_SUITE_COUNT;
	     s++) {
		struct lk_sdes_crypto c;
		struct lk_srtp_key key;

		assert_int_equal(0, lk_srtp_key_generate(&key, s));
		assert_int_equal(0, lk_sdes_format(line, sizeof(line), 7,
						   &key));
		assert_int_equal(0, strncmp(line, "a=crypto:7 ", 11));
		assert_int_equal(0, parse(&c, NULL, line + 9));
		assert_int_equal(7, c.tag);
		assert_int_equal(s, c.key.suite);
		assert_memory_equal(key.key, c.key.key, key.len);
	}
	assert_int_equal(ENOSPC, lk_sdes_format(line, 20, 1, &(struct
		lk_srtp_key){LK_SRTP_AES_CM_128_HMAC_SHA1_80, {0}, 30}));
}

/*
 * Offer/answer through the relay.  Side 0 is A (the offerer), 1 is B.
 */
static const char sdp_savp[] =
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"
	"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_B64 "\r\n"
	"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "\r\n";
static const char sdp_avp[] =
	"v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\n"
	"t=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";

/* `text` as the media core sees it (its strings point into `text`). */
static void parse_sdp(struct lk_mdesc *d, const char *text)
{
	struct lk_sdp sdp;

	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, text, strlen(text)));
	lk_sdp_describe(d, &sdp);
}

/* `tx` (an endpoint's outbound context) to `rx`: one packet through. */
static void packet_through(struct lk_srtp *tx, struct lk_srtp *rx, uint8_t seq)
{
	_Alignas(4) uint8_t b[256] = {0x80, 0x00, 0x00, 0, 0, 0, 0, 1,
				      0xca, 0xfe, 0xba, 0xbe, 1, 2, 3, 4};
	size_t len = 16;

	b[3] = seq;
	assert_int_equal(0, lk_srtp_protect(tx, b, &len, sizeof(b), false));
	assert_int_equal(0, lk_srtp_unprotect(rx, b, &len, false));
	assert_int_equal(16, len);
	assert_int_equal(4, b[15]);
}

static struct lk_srtp *ctx(const struct lk_srtp_key *key, bool outbound)
{
	struct lk_srtp *s;

	assert_int_equal(0, lk_srtp_alloc(&s, key, outbound));
	return s;
}

/* The endpoint's view of a key the relay wrote in an a=crypto line. */
static struct lk_srtp *endpoint_rx(const char *line)
{
	struct lk_sdes_crypto c;
	struct lk_srtp *s;

	assert_int_equal(0, strncmp(line, "a=crypto:", 9));
	assert_int_equal(0, parse(&c, NULL, line + 9));
	assert_int_equal(0, lk_srtp_alloc(&s, &c.key, false));

	return s;
}

static void savp_offerer_to_a_clear_answerer(void **state)
{
	struct lk_sdes_opts o = {"RTP/AVP", 0, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	struct lk_srtp *a_tx, *a_rx;
	struct lk_srtp_key ka = {LK_SRTP_AES_CM_128_HMAC_SHA1_80, {0}, 30};
	struct lk_mdesc sdp;
	const char *why = NULL;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  &why));
	/* A's leg terminated: the unusable F8 line skipped, tag 2 taken. */
	assert_true(st.set[0] && st.set[1]);
	assert_non_null(st.in[0]);
	assert_non_null(st.out[0]);
	assert_null(st.in[1]);
	assert_string_equal("RTP/AVP", st.proto);
	assert_true(st.strip_crypto);
	assert_int_equal(0, st.nlines);
	assert_string_equal("AES_CM_128_HMAC_SHA1_80", st.suite[0]);

	/* What A sends with its key, the relay decrypts. */
	memcpy(ka.key, key128, 30);
	assert_int_equal(0, lk_srtp_alloc(&a_tx, &ka, true));
	packet_through(a_tx, st.in[0], 1);

	/* B answers in the clear; A gets RTP/SAVP and the relay's key. */
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &ans,
					   &why));
	assert_string_equal("RTP/SAVP", ans.proto);
	assert_int_equal(1, ans.nlines);
	assert_int_equal(0, strncmp(ans.lines[0],
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:", 42));
	assert_null(strstr(ans.lines[0], KEY_B64));
	assert_true(ans.set[1]);
	assert_null(ans.in[1]);
	/* What the relay sends to A, A decrypts with the answered key. */
	a_rx = endpoint_rx(ans.lines[0]);
	packet_through(st.out[0], a_rx, 1);

	mem_deref(a_tx);
	mem_deref(a_rx);
	lk_sdes_step_release(&st);
	lk_sdes_step_release(&ans);
	lk_sdes_side_wipe(&sides[0]);
	lk_sdes_side_wipe(&sides[1]);
}

static void clear_offerer_to_an_encrypted_answerer(void **state)
{
	struct lk_sdes_opts o = {"RTP/SAVP",
		1u << LK_SRTP_AES_CM_128_HMAC_SHA1_80, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	struct lk_sdes_crypto c32;
	struct lk_srtp *b_rx, *b_tx;
	struct lk_mdesc sdp;
	char answer[512];
	const char *why = NULL;
	unsigned i;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  &why));
	assert_string_equal("RTP/SAVP", st.proto);
	assert_true(st.set[0]);
	assert_null(st.in[0]);
	assert_false(st.set[1]);	/* B's key comes with its answer */
	/* The _80 suite was switched off; every other one is offered. */
	assert_true(st.nlines >= 3);
	for (i = 0; i < st.nlines; i++)
		assert_null(strstr(st.lines[i], " AES_CM_128_HMAC_SHA1_80 "));
	assert_non_null(strstr(st.lines[0], "a=crypto:1 AES_CM_128_HMAC_SHA1_32"));

	/* B answers with tag 1 and a key of its own. */
	assert_int_equal(0, lk_srtp_key_generate(&c32.key,
		LK_SRTP_AES_CM_128_HMAC_SHA1_32));
	{
		char line[LK_SDES_LINE_MAX];

		assert_int_equal(0, lk_sdes_format(line, sizeof(line), 1,
						   &c32.key));
		snprintf(answer, sizeof(answer), "v=0\r\no=- 1 1 IN IP4 "
			 "192.0.2.2\r\ns=-\r\nc=IN IP4 192.0.2.2\r\nt=0 0\r\n"
			 "m=audio 5000 RTP/SAVP 0\r\n%s\r\n", line);
	}
	parse_sdp(&sdp, answer);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &ans,
					   &why));
	assert_string_equal("RTP/AVP", ans.proto);
	assert_true(ans.strip_crypto);
	assert_int_equal(0, ans.nlines);
	assert_string_equal("AES_CM_128_HMAC_SHA1_32", ans.suite[1]);
	/* B -> relay with B's key; relay -> B with the offered tag 1 key. */
	assert_int_equal(0, lk_srtp_alloc(&b_tx, &c32.key, true));
	packet_through(b_tx, ans.in[1], 9);
	b_rx = endpoint_rx(st.lines[0]);
	packet_through(ans.out[1], b_rx, 9);

	mem_deref(b_tx);
	mem_deref(b_rx);
	lk_sdes_step_release(&st);
	lk_sdes_step_release(&ans);
}

static void an_answer_that_matches_no_offer_is_refused(void **state)
{
	struct lk_sdes_opts o = {"RTP/SAVP", 0, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	struct lk_mdesc sdp;
	const char *why = NULL;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  &why));
	/* Tag 2 is offered as _32, not _80 with this key. */
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(EPROTO, lk_sdes_answer(sides, 1, &sdp.s[0],
						&ans, &why));
	assert_non_null(why);
	/* A clear answer to an RTP/SAVP offer. */
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(EPROTO, lk_sdes_answer(sides, 1, &sdp.s[0],
						&ans, &why));
	lk_sdes_step_release(&st);
}

static void same_transport_both_sides_passes_through(void **state)
{
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	struct lk_mdesc sdp;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], NULL, &st,
					  NULL));
	assert_null(st.proto);
	assert_false(st.strip_crypto);
	assert_null(st.in[0]);
	assert_null(st.out[0]);
	assert_int_equal(0, st.nlines);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &ans,
					   NULL));
	assert_false(ans.strip_crypto);
	assert_int_equal(0, ans.nlines);
}

static void a_re_offer_rekeys(void **state)
{
	struct lk_sdes_opts o = {"RTP/AVP", 0, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step s1, s2;
	struct lk_srtp *a_tx;
	struct lk_srtp_key ka = {LK_SRTP_AES_CM_128_HMAC_SHA1_80, {0}, 30};
	char offer2[512];
	struct lk_sdes_crypto c;
	char line[LK_SDES_LINE_MAX];
	_Alignas(4) uint8_t b[256] = {0x80, 0, 0, 7, 0, 0, 0, 1,
				      1, 2, 3, 4, 9, 9, 9, 9};
	size_t len = 16;
	struct lk_mdesc sdp;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &s1,
					  NULL));
	/* The re-INVITE brings a new key. */
	assert_int_equal(0, lk_srtp_key_generate(&c.key,
		LK_SRTP_AES_CM_128_HMAC_SHA1_80));
	assert_int_equal(0, lk_sdes_format(line, sizeof(line), 1, &c.key));
	snprintf(offer2, sizeof(offer2), "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\n"
		 "s=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		 "m=audio 4000 RTP/SAVP 0\r\n%s\r\n", line);
	parse_sdp(&sdp, offer2);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &s2,
					  NULL));
	assert_non_null(s2.in[0]);
	/* The old key no longer gets through the new context. */
	memcpy(ka.key, key128, 30);
	assert_int_equal(0, lk_srtp_alloc(&a_tx, &ka, true));
	assert_int_equal(0, lk_srtp_protect(a_tx, b, &len, sizeof(b), false));
	assert_int_equal(EBADMSG, lk_srtp_unprotect(s2.in[0], b, &len, false));
	mem_deref(a_tx);
	assert_int_equal(0, lk_srtp_alloc(&a_tx, &c.key, true));
	packet_through(a_tx, s2.in[0], 8);
	/* And the relay's own key changed with it. */
	assert_true(sides[0].answered);
	mem_deref(a_tx);
	lk_sdes_step_release(&s1);
	lk_sdes_step_release(&s2);
}

static void an_offer_without_a_usable_line_is_refused(void **state)
{
	static const char sdp_f8[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" KEY_B64 "\r\n";
	struct lk_sdes_opts o = {"RTP/AVP", 0, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st;
	struct lk_mdesc sdp;
	const char *why = NULL;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_f8);
	assert_int_equal(ENOTSUP, lk_sdes_offer(sides, 0, &sdp.s[0], &o,
						&st, &why));
	assert_non_null(why);
	assert_null(st.in[0]);
	/* The state did not change. */
	assert_false(sides[0].terminated);
}

/*
 * Best effort towards B: RTP/AVP with the relay's a=crypto lines; B's
 * answer with one of them encrypts B's leg, one without leaves it clear.
 */
static void best_effort_offers_keys_in_avp(void **state)
{
	static const char ans_plain[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\n"
		"c=IN IP4 192.0.2.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n";
	struct lk_sdes_opts o = {NULL, 0, LK_SDES_BEST_EFFORT, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	struct lk_srtp_key kb;
	struct lk_srtp *b_tx, *b_rx;
	char line[LK_SDES_LINE_MAX], answer[512];
	struct lk_mdesc sdp;

	/* A encrypts: A's leg terminated, B offered keys in RTP/AVP. */
	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_string_equal("RTP/AVP", st.proto);
	assert_true(st.strip_crypto);
	assert_non_null(st.in[0]);
	assert_false(st.set[1]);
	assert_true(st.nlines >= 4);
	/* B, best effort itself, takes tag 1 with a key of its own. */
	assert_int_equal(0, lk_srtp_key_generate(&kb,
		LK_SRTP_AES_CM_128_HMAC_SHA1_80));
	assert_int_equal(0, lk_sdes_format(line, sizeof(line), 1, &kb));
	snprintf(answer, sizeof(answer), "%s%s\r\n", ans_plain, line);
	parse_sdp(&sdp, answer);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &ans,
					   NULL));
	assert_string_equal("RTP/SAVP", ans.proto);
	assert_non_null(ans.in[1]);
	assert_int_equal(1, ans.nlines);	/* A's answer line */
	assert_int_equal(0, strncmp(ans.lines[0], "a=crypto:2 ", 11));
	b_tx = ctx(&kb, true);
	b_rx = endpoint_rx(st.lines[0]);
	packet_through(b_tx, ans.in[1], 3);
	packet_through(ans.out[1], b_rx, 3);
	mem_deref(b_tx);
	mem_deref(b_rx);
	lk_sdes_step_release(&st);
	lk_sdes_step_release(&ans);

	/* A clear, B declines (no a=crypto): both legs clear. */
	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_null(st.proto);
	assert_true(st.nlines >= 4);
	assert_true(st.set[0]);
	assert_null(st.in[0]);
	parse_sdp(&sdp, ans_plain);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &ans,
					   NULL));
	assert_true(ans.set[1]);
	assert_null(ans.in[1]);
	assert_int_equal(0, ans.nlines);
	assert_true(ans.strip_crypto);
	lk_sdes_step_release(&st);
}

/* A profile change only (SAVP -> SAVPF): no termination, each its own. */
static void a_profile_change_passes_through(void **state)
{
	static const char sdp_savpf[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\n"
		"c=IN IP4 192.0.2.2\r\nt=0 0\r\n"
		"m=audio 5000 RTP/SAVPF 0\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" KEY_B64 "\r\n";
	struct lk_sdes_opts o = {"RTP/SAVPF", 0, LK_SDES_ANY, LK_SDES_ANY};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st;
	struct lk_mdesc sdp;

	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_string_equal("RTP/SAVPF", st.proto);
	assert_false(st.strip_crypto);
	assert_null(st.in[0]);
	parse_sdp(&sdp, sdp_savpf);
	assert_int_equal(0, lk_sdes_answer(sides, 1, &sdp.s[0], &st,
					   NULL));
	assert_string_equal("RTP/SAVP", st.proto);
	assert_false(st.strip_crypto);
	assert_null(st.in[1]);
}

/* A zone's media encryption mode (docs/srtp.md, "Media encryption mode"). */
static void zone_modes_convert_or_refuse(void **state)
{
	static const char sdp_avpf[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\n"
		"c=IN IP4 192.0.2.2\r\nt=0 0\r\nm=video 5000 RTP/AVPF 96\r\n";
	static const char sdp_dtls[] =
		"v=0\r\no=- 1 1 IN IP4 192.0.2.2\r\ns=-\r\n"
		"c=IN IP4 192.0.2.2\r\nt=0 0\r\n"
		"m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\n";
	struct lk_sdes_opts o;
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st;
	struct lk_mdesc sdp;
	const char *why;

	/* Force encrypted towards B: a clear offer is converted. */
	memset(sides, 0, sizeof(sides));
	o = (struct lk_sdes_opts){NULL, 0, LK_SDES_ENCRYPTED, LK_SDES_ANY};
	parse_sdp(&sdp, sdp_avp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_string_equal("RTP/SAVP", st.proto);
	assert_true(st.nlines >= 4);
	lk_sdes_step_release(&st);
	/* ... keeping the feedback profile. */
	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_avpf);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_string_equal("RTP/SAVPF", st.proto);
	lk_sdes_step_release(&st);
	/* ... and DTLS-SRTP, encrypted already, passes as it is. */
	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_dtls);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_null(st.proto);
	assert_false(st.strip_crypto);

	/* Force unencrypted towards B: an SDES offer is terminated. */
	memset(sides, 0, sizeof(sides));
	o = (struct lk_sdes_opts){"RTP/SAVP", 0, LK_SDES_CLEAR, LK_SDES_ANY};
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	assert_string_equal("RTP/AVP", st.proto);
	assert_non_null(st.in[0]);
	lk_sdes_step_release(&st);
	/* ... DTLS it cannot decrypt: refused. */
	memset(sides, 0, sizeof(sides));
	parse_sdp(&sdp, sdp_dtls);
	why = NULL;
	assert_int_equal(EPROTO, lk_sdes_offer(sides, 0, &sdp.s[0], &o,
					       &st, &why));
	assert_non_null(strstr(why, "DTLS"));

	/* The offerer's own zone: force encrypted refuses a clear offer. */
	o = (struct lk_sdes_opts){NULL, 0, LK_SDES_ANY, LK_SDES_ENCRYPTED};
	parse_sdp(&sdp, sdp_avp);
	why = NULL;
	assert_int_equal(EPROTO, lk_sdes_offer(sides, 0, &sdp.s[0], &o,
					       &st, &why));
	assert_non_null(strstr(why, "force encrypted"));
	parse_sdp(&sdp, sdp_savp);
	assert_int_equal(0, lk_sdes_offer(sides, 0, &sdp.s[0], &o, &st,
					  NULL));
	/* ... force unencrypted an encrypted one. */
	o = (struct lk_sdes_opts){NULL, 0, LK_SDES_ANY, LK_SDES_CLEAR};
	why = NULL;
	assert_int_equal(EPROTO, lk_sdes_offer(sides, 0, &sdp.s[0], &o,
					       &st, &why));
	assert_non_null(strstr(why, "force unencrypted"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_rfc4568_line_parses),
		cmocka_unit_test(padded_keys_decode),
		cmocka_unit_test(what_latchkey_does_not_speak_is_enotsup),
		cmocka_unit_test(malformed_lines_are_ebadmsg),
		cmocka_unit_test(format_and_parse_agree),
		cmocka_unit_test(savp_offerer_to_a_clear_answerer),
		cmocka_unit_test(clear_offerer_to_an_encrypted_answerer),
		cmocka_unit_test(an_answer_that_matches_no_offer_is_refused),
		cmocka_unit_test(same_transport_both_sides_passes_through),
		cmocka_unit_test(a_re_offer_rekeys),
		cmocka_unit_test(an_offer_without_a_usable_line_is_refused),
		cmocka_unit_test(zone_modes_convert_or_refuse),
		cmocka_unit_test(a_profile_change_passes_through),
		cmocka_unit_test(best_effort_offers_keys_in_avp),
	};

	if (lk_srtp_init())
		return 1;

	return cmocka_run_group_tests(tests, NULL, NULL);
}
