/* tests/unit/relay/test_latch.c  Latching by the seed's "N" rule; flags. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>

#include "demux.h"
#include "latch.h"

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = htons(port);
	assert_int_equal(1, inet_pton(AF_INET, ip, &in.sin_addr));

	return in;
}

static struct sockaddr_in6 v6(const char *ip, uint16_t port, uint32_t scope)
{
	struct sockaddr_in6 in6;

	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(port);
	in6.sin6_scope_id = scope;
	assert_int_equal(1, inet_pton(AF_INET6, ip, &in6.sin6_addr));

	return in6;
}

#define SA(x) ((const struct sockaddr *)&(x))

/* Feed one RTP packet from an IPv4 source. */
static enum lk_latch_verdict rtp4(struct lk_latch *l,
				  const struct sockaddr_in *src, uint64_t now)
{
	return lk_latch_input(l, (const struct sockaddr *)src, sizeof(*src),
			      LK_PKT_RTP, now);
}

static void assert_target_v4(struct lk_latch *l, const struct sockaddr_in *w)
{
	const struct sockaddr_in *in;
	const struct sockaddr *sa;
	socklen_t len = 0;

	sa = lk_latch_target(l, &len);
	assert_non_null(sa);
	assert_int_equal(AF_INET, sa->sa_family);
	assert_int_equal(sizeof(struct sockaddr_in), len);
	in = (const struct sockaddr_in *)sa;
	assert_int_equal(w->sin_port, in->sin_port);
	assert_memory_equal(&w->sin_addr, &in->sin_addr, 4);
}

static void nothing_sent_before_first_packet(void **state)
{
	struct lk_latch l;
	socklen_t len = 12345;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_false(lk_latch_is_latched(&l));
	assert_null(lk_latch_target(&l, &len));
	assert_null(lk_latch_target(&l, NULL));
	assert_int_equal(12345, len);	/* not written on NULL */
	assert_int_equal(2, l.stats.held);
	assert_int_equal(0, l.stats.accepted);
}

static void first_packet_latches(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 1000));
	assert_true(lk_latch_is_latched(&l));
	assert_target_v4(&l, &a);
	assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &a, 1020));
	assert_int_equal(2, l.stats.accepted);
	assert_int_equal(1, l.stats.latches);
	assert_int_equal(0, l.stats.relatches);
	assert_int_equal(0, l.stats.held);
}

static void foreign_source_dropped_after_latch(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("203.0.113.66", 40000);	/* RTP bleed */
	struct sockaddr_in a2 = v4("198.51.100.7", 40002);	/* same host */
	struct lk_latch l;
	int i;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	for (i = 0; i < 5; i++)
		assert_int_equal(LK_LATCH_DROP_FOREIGN,
				 rtp4(&l, &b, 20 + 20 * (uint64_t)i));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &a2, 200));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(b), sizeof(b), LK_PKT_RTCP,
					220));
	/* Long after, with the peer silent: still not without handover. */
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 3600000));
	assert_int_equal(8, l.stats.dropped_foreign);
	assert_target_v4(&l, &a);
	assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &a, 3600020));
	assert_int_equal(0, l.stats.relatches);
}

static void reset_relatches(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("198.51.100.9", 41000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 10));

	/* A re-INVITE moved the call: the control thread resets. */
	lk_latch_reset(&l);
	assert_false(lk_latch_is_latched(&l));
	assert_null(lk_latch_target(&l, NULL));
	assert_int_equal(1, l.stats.held);

	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &b, 5000));
	assert_target_v4(&l, &b);
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &a, 5020));
	assert_int_equal(2, l.stats.latches);
	assert_int_equal(1, l.stats.relatches);
	assert_int_equal(2, l.stats.dropped_foreign);
}

static void media_handover_rule(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("192.0.2.200", 50000);
	struct lk_latch l;
	uint64_t t;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));

	/* B sends while A still does: every A packet breaks B's run. */
	for (t = 20; t <= 1000; t += 20) {
		assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &a, t));
		assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, t + 5));
		assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, t + 10));
	}
	assert_target_v4(&l, &a);

	/* A's path dies at 1000.  B needs 3 packets in a row (it has
	 * them at 1020) and 200 ms of silence from A (at 1200). */
	for (t = 1020; t < 1200; t += 20)
		assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, t));
	assert_target_v4(&l, &a);
	assert_int_equal(LK_LATCH_RELATCHED, rtp4(&l, &b, 1200));
	assert_target_v4(&l, &b);
	assert_int_equal(1, l.stats.relatches);
	assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &b, 1220));

	/* The old source is foreign now, under the same rule. */
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &a, 1230));
}

static void media_handover_needs_a_run(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("192.0.2.200", 50000);
	struct sockaddr_in c = v4("192.0.2.201", 50000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	/* A silent for long; B and C alternate: neither gets a run. */
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 10000));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 10020));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &c, 10030));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 10040));
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &b, 10060));
	/* B's third in a row. */
	assert_int_equal(LK_LATCH_RELATCHED, rtp4(&l, &b, 10080));
}

static void media_handover_ignores_rtcp_on_rtp_latch(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("192.0.2.200", 50000);
	struct lk_latch l;
	int i;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	for (i = 0; i < 10; i++)
		assert_int_equal(LK_LATCH_DROP_FOREIGN,
				 lk_latch_input(&l, SA(b), sizeof(b),
						LK_PKT_RTCP,
						60000 + 5000 * (uint64_t)i));
	assert_target_v4(&l, &a);
}

static void media_handover_on_rtcp_socket(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40001);
	struct sockaddr_in b = v4("192.0.2.200", 50001);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(LK_LATCH_LATCHED_NOW,
			 lk_latch_input(&l, SA(a), sizeof(a), LK_PKT_RTCP, 0));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(b), sizeof(b), LK_PKT_RTCP,
					10000));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(b), sizeof(b), LK_PKT_RTCP,
					15000));
	assert_int_equal(LK_LATCH_RELATCHED,
			 lk_latch_input(&l, SA(b), sizeof(b), LK_PKT_RTCP,
					20000));
}

static void media_handover_rtpengine_style(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in b = v4("192.0.2.200", 50000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(EINVAL, lk_latch_set_handover(&l, 0, 0));
	assert_int_equal(0, lk_latch_set_handover(&l, 1, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	assert_int_equal(LK_LATCH_RELATCHED, rtp4(&l, &b, 1));
	assert_int_equal(LK_LATCH_RELATCHED, rtp4(&l, &a, 2));
	assert_int_equal(2, l.stats.relatches);
}

static void trust_address_only_until_media(void **state)
{
	struct sockaddr_in sdp = v4("10.1.2.3", 20000);	/* behind NAT */
	struct sockaddr_in nat = v4("198.51.100.7", 61000);
	struct lk_latch l;

	(void)state;
	/* Without the flag, the SDP address is not a target. */
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(0, lk_latch_set_sdp(&l, SA(sdp), sizeof(sdp)));
	assert_null(lk_latch_target(&l, NULL));

	assert_int_equal(0, lk_latch_set_flags(&l, LK_LATCH_TRUST_ADDRESS));
	assert_target_v4(&l, &sdp);
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &nat, 100));
	assert_target_v4(&l, &nat);
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &sdp, 120));

	/* New signalling: back to the SDP address until media comes. */
	lk_latch_reset(&l);
	assert_target_v4(&l, &sdp);
	assert_int_equal(0, lk_latch_set_sdp(&l, NULL, 0));
	assert_null(lk_latch_target(&l, NULL));
	assert_int_equal(2, l.stats.held);
}

static void asymmetric_sends_to_sdp(void **state)
{
	struct sockaddr_in sdp = v4("192.0.2.10", 20000);
	struct sockaddr_in src = v4("192.0.2.10", 31337);
	struct sockaddr_in other = v4("192.0.2.99", 31337);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_ASYMMETRIC));
	assert_null(lk_latch_target(&l, NULL));	/* no SDP yet */
	assert_int_equal(1, l.stats.held);
	assert_int_equal(0, lk_latch_set_sdp(&l, SA(sdp), sizeof(sdp)));
	assert_target_v4(&l, &sdp);

	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &src, 0));
	assert_target_v4(&l, &sdp);	/* not the source */
	assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &src, 20));
	/* Strict source holds on the receive side. */
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &other, 40));
	assert_target_v4(&l, &sdp);
}

static void ipv6_sources(void **state)
{
	struct sockaddr_in6 a = v6("2001:db8::7", 40000, 0);
	struct sockaddr_in6 a_port = v6("2001:db8::7", 40001, 0);
	struct sockaddr_in6 b = v6("2001:db8::8", 40000, 0);
	struct sockaddr_in6 ll1 = v6("fe80::1", 40000, 2);
	struct sockaddr_in6 ll2 = v6("fe80::1", 40000, 3);
	const struct sockaddr_in6 *t;
	struct lk_latch l;
	socklen_t len;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW,
			 lk_latch_input(&l, SA(a), sizeof(a), LK_PKT_RTP, 0));
	t = (const struct sockaddr_in6 *)lk_latch_target(&l, &len);
	assert_non_null(t);
	assert_int_equal(sizeof(struct sockaddr_in6), len);
	assert_int_equal(AF_INET6, t->sin6_family);
	assert_memory_equal(&a.sin6_addr, &t->sin6_addr, 16);
	assert_int_equal(a.sin6_port, t->sin6_port);

	assert_int_equal(LK_LATCH_ACCEPT,
			 lk_latch_input(&l, SA(a), sizeof(a), LK_PKT_RTCP, 1));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(a_port), sizeof(a_port),
					LK_PKT_RTP, 2));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(b), sizeof(b), LK_PKT_RTP, 3));

	/* Link-local: the scope is part of the source. */
	lk_latch_reset(&l);
	assert_int_equal(LK_LATCH_LATCHED_NOW,
			 lk_latch_input(&l, SA(ll1), sizeof(ll1), LK_PKT_RTP,
					4));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(ll2), sizeof(ll2), LK_PKT_RTP,
					5));
}

static void v4_mapped_is_the_same_source(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_in6 mapped = v6("::ffff:198.51.100.7", 40000, 0);
	struct sockaddr_in6 mapped_other = v6("::ffff:198.51.100.8", 40000, 0);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	assert_int_equal(LK_LATCH_ACCEPT,
			 lk_latch_input(&l, SA(mapped), sizeof(mapped),
					LK_PKT_RTP, 1));
	assert_int_equal(LK_LATCH_DROP_FOREIGN,
			 lk_latch_input(&l, SA(mapped_other),
					sizeof(mapped_other), LK_PKT_RTP, 2));
}

static void keepalive_latches(void **state)
{
	static const uint8_t ka[12] = {
		0x80, 120, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x11, 0x22, 0x33, 0x44,
	};
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct lk_rtp_hdr h;
	struct lk_latch l;

	(void)state;
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(ka, sizeof(ka)));
	assert_int_equal(0, lk_demux_rtp_parse(&h, ka, sizeof(ka),
					       LK_RTP_PLAIN));
	assert_true(lk_demux_rtp_is_keepalive(&h, 120));

	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &a, 0));
	assert_target_v4(&l, &a);
}

static void invalid_inputs(void **state)
{
	struct sockaddr_in a = v4("198.51.100.7", 40000);
	struct sockaddr_un un;
	struct lk_latch l;

	(void)state;
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;

	assert_int_equal(EINVAL, lk_latch_init(NULL, 0));
	assert_int_equal(EINVAL, lk_latch_init(&l, 1u << 7));
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(EINVAL, lk_latch_set_flags(&l, 1u << 7));
	assert_int_equal(EAFNOSUPPORT,
			 lk_latch_set_sdp(&l, SA(un), sizeof(un)));
	assert_int_equal(EINVAL, lk_latch_set_sdp(&l, SA(a), sizeof(a) - 1));

	/* DTLS, ZRTP and friends never latch. */
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(&l, SA(a), sizeof(a), LK_PKT_ZRTP, 0));
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(&l, SA(a), sizeof(a), LK_PKT_DTLS, 0));
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(&l, SA(un), sizeof(un), LK_PKT_RTP,
					0));
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(&l, SA(a), sizeof(a) - 1, LK_PKT_RTP,
					0));
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(&l, NULL, 0, LK_PKT_RTP, 0));
	assert_int_equal(5, l.stats.dropped_invalid);
	assert_false(lk_latch_is_latched(&l));
	assert_int_equal(LK_LATCH_DROP_INVALID,
			 lk_latch_input(NULL, SA(a), sizeof(a), LK_PKT_RTP,
					0));
	assert_null(lk_latch_target(NULL, NULL));
	lk_latch_reset(NULL);
	assert_false(lk_latch_is_latched(NULL));
	assert_string_equal("drop-foreign",
			    lk_latch_verdict_name(LK_LATCH_DROP_FOREIGN));
	assert_string_equal("drop-unexpected",
			    lk_latch_verdict_name(LK_LATCH_DROP_UNEXPECTED));
	assert_int_equal(EAFNOSUPPORT,
			 lk_latch_set_signalling(&l, SA(un), sizeof(un)));
	assert_int_equal(EINVAL, lk_latch_set_signalling(&l, SA(a),
							 sizeof(a) - 1));
	assert_int_equal(EINVAL, lk_latch_set_signalling(NULL, NULL, 0));
}

static enum lk_latch_verdict stun4(struct lk_latch *l,
				   const struct sockaddr_in *src, uint64_t now)
{
	return lk_latch_input(l, (const struct sockaddr *)src, sizeof(*src),
			      LK_PKT_STUN, now);
}

/*
 * RFC 6263 s.4.3 / RFC 7362 s.4: an endpoint that keeps its mapping open
 * with STUN and sends no media until it hears some (linphone) is latched
 * by its STUN, so the other side's media reaches it (issue 18).
 */
static void stun_keepalive_latches(void **state)
{
	struct sockaddr_in nat = v4("203.0.113.9", 61000);
	struct lk_latch l;
	uint64_t at = 0;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_null(lk_latch_target(&l, NULL));
	assert_int_equal(LK_PKT_DROP, lk_latch_latched_by(&l, &at));
	assert_int_equal(LK_LATCH_LATCHED_NOW, stun4(&l, &nat, 500));
	assert_target_v4(&l, &nat);
	assert_int_equal(LK_PKT_STUN, lk_latch_latched_by(&l, &at));
	assert_int_equal(500, at);
	/* The next keep-alive, and then its RTP, are the same source. */
	assert_int_equal(LK_LATCH_ACCEPT, stun4(&l, &nat, 2500));
	assert_int_equal(LK_LATCH_ACCEPT, rtp4(&l, &nat, 2600));
	assert_int_equal(LK_PKT_STUN, lk_latch_latched_by(&l, &at));
}

/* STUN from elsewhere never moves a latch, not even with handover on. */
static void stun_never_moves_a_latch(void **state)
{
	struct sockaddr_in ep = v4("198.51.100.7", 40000);
	struct sockaddr_in other = v4("198.51.100.99", 40000);
	struct lk_latch l;
	unsigned i;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_MEDIA_HANDOVER));
	assert_int_equal(0, lk_latch_set_handover(&l, 1, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &ep, 0));
	for (i = 0; i < 10; i++)
		assert_int_equal(LK_LATCH_DROP_FOREIGN,
				 stun4(&l, &other, 10000 + i));
	assert_target_v4(&l, &ep);
	/* RTP still may, under the handover rule. */
	assert_int_equal(LK_LATCH_RELATCHED, rtp4(&l, &other, 20000));
}

/*
 * Before latching, only the IP the stream's signalling came from, or the
 * one its SDP names, may latch it: an attacker who guesses a fresh port
 * and sends first is refused (issue 18, "pre-latch hijack").
 */
static void first_packet_only_from_signalled_or_sdp_ip(void **state)
{
	struct sockaddr_in sig = v4("203.0.113.9", 5060);
	struct sockaddr_in sdp = v4("10.0.0.5", 4000);
	struct sockaddr_in nat_media = v4("203.0.113.9", 61002);
	struct sockaddr_in direct = v4("10.0.0.5", 4000);
	struct sockaddr_in attacker = v4("198.51.100.66", 4000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(0, lk_latch_set_sdp(&l, SA(sdp), sizeof(sdp)));
	/* Without signalling's address there is nothing to check against. */
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &attacker, 0));
	lk_latch_reset(&l);

	assert_int_equal(0, lk_latch_set_signalling(&l, SA(sig), sizeof(sig)));
	assert_int_equal(LK_LATCH_DROP_UNEXPECTED, rtp4(&l, &attacker, 10));
	assert_int_equal(LK_LATCH_DROP_UNEXPECTED, stun4(&l, &attacker, 11));
	assert_int_equal(2, l.stats.dropped_unexpected);
	assert_false(lk_latch_is_latched(&l));
	/* The NAT's public IP (signalling's), on a port of its choosing. */
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &nat_media, 20));
	assert_target_v4(&l, &nat_media);
	/* After latching the usual rule: foreign, not unexpected. */
	assert_int_equal(LK_LATCH_DROP_FOREIGN, rtp4(&l, &attacker, 30));

	/* The SDP's IP may latch as well (a public endpoint, no NAT). */
	lk_latch_reset(&l);
	assert_int_equal(LK_LATCH_DROP_UNEXPECTED, rtp4(&l, &attacker, 40));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &direct, 50));

	/* Clearing signalling's address clears the check. */
	lk_latch_reset(&l);
	assert_int_equal(0, lk_latch_set_signalling(&l, NULL, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &attacker, 60));
}

/* A carrier-grade NAT sends media from another public IP: the flag. */
static void any_source_flag_lifts_the_check(void **state)
{
	struct sockaddr_in sig = v4("203.0.113.9", 5060);
	struct sockaddr_in cgnat_media = v4("203.0.113.200", 33000);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, LK_LATCH_ANY_SOURCE));
	assert_int_equal(0, lk_latch_set_signalling(&l, SA(sig), sizeof(sig)));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &cgnat_media, 0));
}

/* IPv4-mapped signalling (a dual-stack socket) matches plain IPv4 media. */
static void signalled_ip_compares_v4_mapped(void **state)
{
	struct sockaddr_in6 sig = v6("::ffff:203.0.113.9", 5060, 0);
	struct sockaddr_in media = v4("203.0.113.9", 61002);
	struct sockaddr_in other = v4("203.0.113.10", 61002);
	struct lk_latch l;

	(void)state;
	assert_int_equal(0, lk_latch_init(&l, 0));
	assert_int_equal(0, lk_latch_set_signalling(&l, SA(sig), sizeof(sig)));
	assert_int_equal(LK_LATCH_DROP_UNEXPECTED, rtp4(&l, &other, 0));
	assert_int_equal(LK_LATCH_LATCHED_NOW, rtp4(&l, &media, 1));
	assert_true(lk_latch_same_ip(SA(sig), sizeof(sig), SA(media),
				     sizeof(media)));
	assert_false(lk_latch_same_ip(SA(sig), sizeof(sig), SA(other),
				      sizeof(other)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_sent_before_first_packet),
		cmocka_unit_test(first_packet_latches),
		cmocka_unit_test(foreign_source_dropped_after_latch),
		cmocka_unit_test(reset_relatches),
		cmocka_unit_test(media_handover_rule),
		cmocka_unit_test(media_handover_needs_a_run),
		cmocka_unit_test(media_handover_ignores_rtcp_on_rtp_latch),
		cmocka_unit_test(media_handover_on_rtcp_socket),
		cmocka_unit_test(media_handover_rtpengine_style),
		cmocka_unit_test(trust_address_only_until_media),
		cmocka_unit_test(asymmetric_sends_to_sdp),
		cmocka_unit_test(ipv6_sources),
		cmocka_unit_test(v4_mapped_is_the_same_source),
		cmocka_unit_test(keepalive_latches),
		cmocka_unit_test(invalid_inputs),
		cmocka_unit_test(stun_keepalive_latches),
		cmocka_unit_test(stun_never_moves_a_latch),
		cmocka_unit_test(first_packet_only_from_signalled_or_sdp_ip),
		cmocka_unit_test(any_source_flag_lifts_the_check),
		cmocka_unit_test(signalled_ip_compares_v4_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
