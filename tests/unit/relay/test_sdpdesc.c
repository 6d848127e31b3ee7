/* tests/unit/relay/test_sdpdesc.c  SDP as a media description, the relay's answer back into SDP, and an SDP written from a description, without sockets. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sdpdesc.h"

static void parse(struct lk_sdp *sdp, const char *text)
{
	assert_int_equal(0, lk_sdp_parse(sdp, NULL, text, strlen(text)));
}

static bool str_is(const struct lk_mdesc_str *s, const char *lit)
{
	return s->len == strlen(lit) && !memcmp(s->p, lit, s->len);
}

static void assert_in4(const struct sockaddr_storage *ss, const char *ip,
		       uint16_t port)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	char buf[INET_ADDRSTRLEN];

	assert_int_equal(AF_INET, ss->ss_family);
	assert_non_null(inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf)));
	assert_string_equal(ip, buf);
	assert_int_equal(port, ntohs(in->sin_port));
}

static const char offer[] =
	"v=0\r\n"
	"o=- 1 1 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"a=sendonly\r\n"
	"m=audio 4000 RTP/SAVP 0 8 101\r\n"
	"a=rtcp:4011 IN IP4 192.0.2.9\r\n"
	"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
	"4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm\r\n"
	"a=x-latchkey-muxid:77\r\n"
	"m=video 5000 RTP/AVP 96\r\n"
	"c=IN IP4 198.51.100.7\r\n"
	"a=rtcp-mux\r\n"
	"a=recvonly\r\n"
	"m=application 0 UDP/BFCP *\r\n";

/* Per m=: addresses, ports, rtcp-mux, direction, codecs, keys, mux ID. */
static void describes_every_stream(void **state)
{
	struct lk_sdp sdp;
	struct lk_mdesc d;
	const struct lk_mdesc_stream *s;

	(void)state;
	parse(&sdp, offer);
	lk_sdp_describe(&d, &sdp);
	assert_int_equal(0, lk_mdesc_check(&d, NULL, NULL));
	assert_int_equal(3, d.nstreams);

	s = &d.s[0];
	assert_true(str_is(&s->media, "audio"));
	assert_true(str_is(&s->proto, "RTP/SAVP"));
	assert_true(s->rtp);
	assert_int_equal(4000, s->port);
	assert_int_equal(4011, s->rtcp_port);
	assert_in4(&s->addr, "192.0.2.1", 4000);
	assert_in4(&s->rtcp_addr, "192.0.2.9", 4011);
	assert_false(s->rtcp_mux);
	/* The session-level direction applies (RFC 3264 s.5.1). */
	assert_int_equal(LK_MDESC_SENDONLY, s->dir);
	assert_false(lk_mdesc_receives_rtp(s->dir));
	assert_int_equal(3, s->npt);
	assert_int_equal(8, s->pt[1]);
	assert_int_equal(101, s->pt[2]);
	assert_int_equal(1, s->ncrypto);
	assert_int_equal(0, strncmp(s->crypto[0].p, "1 AES_CM_128", 12));
	assert_int_equal(77, s->mux_id);

	s = &d.s[1];
	assert_in4(&s->addr, "198.51.100.7", 5000);
	/* No a=rtcp: RTP + 1 (RFC 3550 s.11), at the media-level c=. */
	assert_int_equal(5001, s->rtcp_port);
	assert_in4(&s->rtcp_addr, "198.51.100.7", 5001);
	assert_true(s->rtcp_mux);
	assert_int_equal(LK_MDESC_RECVONLY, s->dir);
	assert_true(lk_mdesc_receives_rtp(s->dir));
	assert_int_equal(0, s->mux_id);
	assert_int_equal(0, s->ncrypto);

	s = &d.s[2];
	assert_int_equal(0, s->port);
	assert_false(s->rtp);
	assert_true(str_is(&s->media, "application"));
}

/* A mux ID that is not a number from 1 to 2^32 - 1 is no mux ID. */
static void ignores_a_bad_mux_id(void **state)
{
	static const char *bad[] = {"0", "4294967296", "12x", "", "-1"};
	char text[256];
	struct lk_sdp sdp;
	struct lk_mdesc d;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "v=0\r\no=- 1 1 IN IP4 192.0.2.1"
			 "\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			 "m=audio 4000 RTP/AVP 0\r\na=x-latchkey-muxid:%s\r\n",
			 bad[i]);
		parse(&sdp, text);
		lk_sdp_describe(&d, &sdp);
		assert_int_equal(0, d.s[0].mux_id);
	}
	snprintf(text, sizeof(text), "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-"
		 "\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
		 "a=x-latchkey-muxid:4294967295\r\n");
	parse(&sdp, text);
	lk_sdp_describe(&d, &sdp);
	assert_int_equal(4294967295u, d.s[0].mux_id);
}

static void plan_init(struct lk_sdp_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	plan->addr = "203.0.113.5";
	plan->af = LK_SDP_AF_IP4;
}

/*
 * The relay's answer in SDP: its ports, its keys in place of the
 * sender's, its profile, its mux ID in place of the sender's; and the
 * output described again says the same.
 */
static void answer_writes_the_relays_side(void **state)
{
	struct lk_mdesc_relay relay[3];
	struct lk_sdp sdp, out;
	struct lk_sdp_plan plan;
	struct lk_mdesc d;
	char buf[2048];
	size_t len;

	(void)state;
	parse(&sdp, offer);
	memset(relay, 0, sizeof(relay));
	relay[0].port = 36000;
	relay[0].rtcp_port = 36001;
	snprintf(relay[0].proto, sizeof(relay[0].proto), "RTP/AVP");
	relay[0].own_crypto = true;
	relay[1].port = 2776;
	relay[1].rtcp_port = 2777;
	relay[1].mux = true;
	relay[1].mux_id = 4242;
	snprintf(relay[1].crypto[0], sizeof(relay[1].crypto[0]),
		 "7 AES_CM_128_HMAC_SHA1_32 inline:"
		 "4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm");
	relay[1].ncrypto = 1;
	relay[1].own_crypto = true;
	plan_init(&plan);
	assert_int_equal(0, lk_sdp_answer(buf, sizeof(buf), &len, &sdp, &plan,
					  relay));
	buf[len] = '\0';
	assert_null(strstr(buf, "192.0.2.1\r\nt="));
	assert_null(strstr(buf, "a=crypto:1 "));
	assert_null(strstr(buf, "x-latchkey-muxid:77"));
	assert_non_null(strstr(buf, "m=audio 36000 RTP/AVP 0 8 101\r\n"));
	assert_non_null(strstr(buf, "a=x-latchkey-muxid:4242\r\n"));

	parse(&out, buf);
	lk_sdp_describe(&d, &out);
	assert_int_equal(3, d.nstreams);
	assert_in4(&d.s[0].addr, "203.0.113.5", 36000);
	assert_int_equal(0, d.s[0].ncrypto);
	assert_int_equal(0, d.s[0].mux_id);
	assert_int_equal(2776, d.s[1].port);
	assert_int_equal(4242, d.s[1].mux_id);
	assert_in4(&d.s[1].addr, "203.0.113.5", 2776);
	assert_int_equal(1, d.s[1].ncrypto);
	assert_int_equal(0, strncmp(d.s[1].crypto[0].p, "7 AES_CM_128_HMAC_"
				    "SHA1_32", 25));
	assert_int_equal(0, d.s[2].port);
}

/* Too small a buffer is ENOSPC, never a write past its end. */
static void answer_too_long_is_enospc(void **state)
{
	struct lk_mdesc_relay relay[3];
	struct lk_sdp sdp;
	struct lk_sdp_plan plan;
	char buf[64 + 8];
	size_t len = 0;

	(void)state;
	parse(&sdp, offer);
	memset(relay, 0, sizeof(relay));
	relay[0].port = relay[1].port = 36000;
	memset(buf, 'x', sizeof(buf));
	plan_init(&plan);
	assert_int_equal(ENOSPC, lk_sdp_answer(buf, 64, &len, &sdp, &plan,
					       relay));
	assert_int_equal('x', buf[64]);
	assert_int_equal(EINVAL, lk_sdp_answer(buf, 64, &len, &sdp, &plan,
					       NULL));
}

/*
 * A description written as SDP and read back is the same description:
 * the offer above, described, written, parsed and described again.
 */
static void written_sdp_reads_back_the_same(void **state)
{
	static struct lk_mdesc d, again;
	struct lk_sdp sdp, out;
	char buf[2048];
	size_t len = 0;
	unsigned i;

	(void)state;
	parse(&sdp, offer);
	lk_sdp_describe(&d, &sdp);
	assert_int_equal(0, lk_sdp_write(buf, sizeof(buf), &len, &d, 7, 8));
	assert_int_equal(0, lk_sdp_parse(&out, NULL, buf, len));
	lk_sdp_describe(&again, &out);
	assert_int_equal(d.nstreams, again.nstreams);
	for (i = 0; i < d.nstreams; i++) {
		const struct lk_mdesc_stream *a = &d.s[i], *b = &again.s[i];

		assert_int_equal(a->port, b->port);
		assert_int_equal(a->dir, b->dir);
		assert_int_equal(a->npt, b->npt);
		assert_memory_equal(a->pt, b->pt, a->npt);
		assert_int_equal(a->rtcp_mux, b->rtcp_mux);
		assert_int_equal(a->mux_id, b->mux_id);
		assert_int_equal(a->ncrypto, b->ncrypto);
		assert_true(str_is(&b->media, "audio") == str_is(&a->media,
								 "audio"));
		if (a->port) {
			assert_int_equal(a->rtcp_port, b->rtcp_port);
			assert_memory_equal(&a->addr, &b->addr,
					    sizeof(a->addr));
		}
	}
	assert_in4(&again.s[0].rtcp_addr, "192.0.2.9", 4011);
	assert_true(str_is(&again.s[0].crypto[0], "1 AES_CM_128_HMAC_SHA1_80 "
			   "inline:4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm"));
	/* The session's c= is the first stream's; video has its own. */
	assert_non_null(strstr(buf, "o=- 7 8 IN IP4 192.0.2.1\r\n"));
	assert_non_null(strstr(buf, "c=IN IP4 192.0.2.1\r\n"));
	assert_non_null(strstr(buf, "m=video 5000 RTP/AVP 96\r\n"
			       "c=IN IP4 198.51.100.7\r\n"));
	assert_non_null(strstr(buf, "m=application 0 UDP/BFCP *\r\n"
			       "a=sendonly\r\n"));
}

/* One IPv6 stream, RTCP on RTP + 1: no a=rtcp:, sendrecv said. */
static void writes_ipv6_and_plain_rtcp(void **state)
{
	static struct lk_mdesc d;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&d.s[0].addr;
	char buf[512];
	size_t len = 0;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.nstreams = 1;
	d.s[0].media = (struct lk_mdesc_str){ "audio", 5 };
	d.s[0].proto = (struct lk_mdesc_str){ "RTP/AVP", 7 };
	d.s[0].rtp = true;
	d.s[0].port = 4000;
	d.s[0].rtcp_port = 4001;
	d.s[0].npt = 1;
	in6->sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::5", &in6->sin6_addr);
	assert_int_equal(0, lk_sdp_write(buf, sizeof(buf), &len, &d, 1, 1));
	buf[len] = '\0';
	assert_string_equal("v=0\r\no=- 1 1 IN IP6 2001:db8::5\r\ns=-\r\n"
			    "c=IN IP6 2001:db8::5\r\nt=0 0\r\n"
			    "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n", buf);
}

/* What cannot be written as SDP is EINVAL; a short buffer ENOSPC. */
static void refuses_what_sdp_cannot_say(void **state)
{
	static struct lk_mdesc d;
	struct lk_sdp sdp;
	char buf[2048];
	size_t len = 0;

	(void)state;
	parse(&sdp, offer);
	lk_sdp_describe(&d, &sdp);
	assert_int_equal(ENOSPC, lk_sdp_write(buf, 40, &len, &d, 1, 1));
	assert_int_equal(EINVAL, lk_sdp_write(NULL, 10, &len, &d, 1, 1));

	d.s[0].crypto[0].len = 3;
	d.s[0].crypto[0].p = "a\r\n";
	assert_int_equal(EINVAL, lk_sdp_write(buf, sizeof(buf), &len, &d,
					      1, 1));
	lk_sdp_describe(&d, &sdp);
	d.s[1].media = (struct lk_mdesc_str){ "vid eo", 6 };
	assert_int_equal(EINVAL, lk_sdp_write(buf, sizeof(buf), &len, &d,
					      1, 1));
	lk_sdp_describe(&d, &sdp);
	d.s[1].npt = 0;		/* an active RTP stream needs a format */
	assert_int_equal(EINVAL, lk_sdp_write(buf, sizeof(buf), &len, &d,
					      1, 1));
	lk_sdp_describe(&d, &sdp);
	memset(&d.s[0].addr, 0, sizeof(d.s[0].addr));
	memset(&d.s[1].addr, 0, sizeof(d.s[1].addr));
	assert_int_equal(EINVAL, lk_sdp_write(buf, sizeof(buf), &len, &d,
					      1, 1));
	lk_sdp_describe(&d, &sdp);
	d.s[0].dir = (enum lk_mdesc_dir)7;
	assert_int_equal(EINVAL, lk_sdp_write(buf, sizeof(buf), &len, &d,
					      1, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(describes_every_stream),
		cmocka_unit_test(ignores_a_bad_mux_id),
		cmocka_unit_test(answer_writes_the_relays_side),
		cmocka_unit_test(answer_too_long_is_enospc),
		cmocka_unit_test(written_sdp_reads_back_the_same),
		cmocka_unit_test(writes_ipv6_and_plain_rtcp),
		cmocka_unit_test(refuses_what_sdp_cannot_say),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
