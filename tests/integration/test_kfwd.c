/* tests/integration/test_kfwd.c  The kernel fast path seen from outside: same media, same counters, same timeouts (issue 17). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

/*
 * One daemon for the file on ports no other test uses: ng 22503, every
 * other port in 53000-53999 (media 53400-53499).  ctest runs this file
 * twice (tests/CMakeLists.txt): plainly, where every packet goes through
 * the worker, and as test_kfwd_kfwd with LK_TEST_KFWD=1, where the daemon
 * runs with [Media] Kernel forwarding = on.  Every test expects the same
 * media, the same counters and the same timeouts from both; only
 * "kernelforwardedpackets" tells them apart, and it must say that the
 * kernel did forward (or, plainly, that it did not).
 */
#define NG_PORT 22503
static const char config[] =
	"[System]\nRole = expressway\n"
	"[Protocols > SIP]\nUDP port = 53060\nTCP port = 53060\n"
	"TLS port = 53061\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 53019\n"
	"Call signaling port range start = 53100\n"
	"Call signaling port range end = 53199\n"
	"[Protocols > H.323]\nCall signaling TCP port = 53020\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 53076\n"
	"H.323 H.460.18 call signaling port = 53077\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 53400\n"
	"Traversal Media port end = 53499\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 53001\nH.323 port = 53002\n"
	"[Media]\nMedia timeout = 2\nPort cool-down = 0\n";

static struct lkd d;
static bool kfwd;

struct call {
	int a, b;
	uint16_t pa, pb;
	uint16_t ra, rb;	/* relay ports A sends to, B sends to */
	char id[32];
};

static void sdp_for(char *buf, size_t size, unsigned version, uint16_t port)
{
	snprintf(buf, size,
		 "v=0\r\no=- 1 %u IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		 "a=sendrecv\r\n", version, port);
}

/*
 * Offer from A, answer from B.  No "received-from": the relay waits for
 * each side's first packet (seed N) rather than trusting the SDP.
 */
static int call_offer(struct call *c, const char *op, unsigned version)
{
	char body[4096], sdp[1024], out[4096];
	bool answer = !strcmp(op, "answer");
	size_t len;

	sdp_for(sdp, sizeof(sdp), version, answer ? c->pb : c->pa);
	len = lkd_offer_body(body, sizeof(body), op, c->id, "tagA",
			     answer ? "tagB" : NULL, sdp, NULL);
	if (lkd_ng(&d, body, len) || !lkd_result_is(&d, "ok"))
		return -1;
	if (answer)
		c->ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	else
		c->rb = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);

	return 0;
}

/* Set up and latch both sides: A speaks (held), B speaks (A gets it). */
static void call_latched(struct call *c, const char *id)
{
	uint8_t pkt[200];

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->a = ep_open(&c->pa);
	c->b = ep_open(&c->pb);
	assert_int_equal(0, call_offer(c, "offer", 1));
	assert_int_equal(0, call_offer(c, "answer", 1));
	assert_true(c->ra && c->rb);
	ep_send(c->a, c->ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(0, ep_drain(c->b, 200));
	ep_send(c->b, c->rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(1, ep_drain(c->a, 1000));
}

static void call_delete(struct call *c)
{
	char body[256];
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command6:deletee",
		     strlen(c->id), c->id);
	lkd_ng(&d, body, (size_t)n);
	close(c->a);
	close(c->b);
}

/* `n` packets from `from` to relay port `to`; `rx` must get all of them. */
static void flow(int from, uint16_t to, int rx, uint16_t want_from,
		 uint32_t ssrc, unsigned n)
{
	uint8_t pkt[200], buf[2048];
	unsigned i;

	for (i = 0; i < n; i++) {
		uint16_t src = 0;
		ssize_t len;

		assert_int_equal(0, ep_send(from, to, pkt,
					    rtp_make(pkt, (uint16_t)(100 + i),
						     ssrc, 160)));
		len = ep_recv(rx, buf, sizeof(buf), 1000, &src);
		assert_int_equal(172, len);
		assert_int_equal(want_from, src);
		assert_int_equal(ssrc & 0xff, buf[11]);
		assert_int_equal((100 + i) & 0xff, buf[3]);
	}
}

/* A leg's "stats" "packets" from query: tag "tagA" or "tagB". */
static int64_t query_packets(const char *id, const char *tag)
{
	const struct lk_bencode_node *t, *m, *s;
	char body[256];
	int64_t v = -1;
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command5:querye",
		     strlen(id), id);
	if (lkd_ng(&d, body, (size_t)n) || !lkd_result_is(&d, "ok"))
		return -1;
	t = lk_bencode_dict_get(lk_bencode_dict_get(d.dict, "tags"), tag);
	m = lk_bencode_first(lk_bencode_dict_get(t, "medias"));
	s = lk_bencode_first(lk_bencode_dict_get(m, "streams"));
	lk_bencode_dict_get_int(&v, lk_bencode_dict_get(s, "stats"),
				"packets");

	return v;
}

static int group_setup(void **state)
{
	const char *v = getenv("LK_TEST_KFWD");

	kfwd = v && !strcmp(v, "1");
	return lkd_start(&d, NG_PORT, config);
}

static int group_teardown(void **state)
{
	int status = lkd_stop(&d);

	if (status != 0)
		fprintf(stderr, "latchkeyd stopped with status %d; log %s\n",
			status, d.log_path);

	return status == 0 ? 0 : -1;
}

/*
 * Once both sides are latched, RTP both ways arrives intact, from the
 * relay port the receiver sends to, and counts as forwarded; with kernel
 * forwarding every one of these packets was the kernel's.
 */
static void latched_stream_forwarded_both_ways(void **state)
{
	int64_t fwd = lkd_stat(&d, "forwardedpackets");
	int64_t kern = lkd_stat(&d, "kernelforwardedpackets");
	struct call c;

	call_latched(&c, "kf-flow");
	flow(c.a, c.ra, c.b, c.rb, 0xa1, 50);
	flow(c.b, c.rb, c.a, c.ra, 0xb1, 50);
	assert_int_equal(fwd + 101,
			 lkd_stat_when(&d, "forwardedpackets", fwd + 101));
	assert_int_equal(kern + (kfwd ? 100 : 0),
			 lkd_stat(&d, "kernelforwardedpackets"));
	/* query counts what the kernel forwarded as the worker would. */
	assert_int_equal(51, query_packets("kf-flow", "tagA"));
	assert_int_equal(51, query_packets("kf-flow", "tagB"));
	call_delete(&c);
}

/*
 * RTP bleed against the fast path: sources other than the latched ones,
 * on the endpoints' host and on another, send into both relay ports of a
 * stream the kernel forwards.  Nothing reaches either endpoint, every
 * packet is counted as foreign, and the real media still flows after.
 */
static void foreign_source_into_kernel_stream_reaches_nobody(void **state)
{
	int64_t foreign, kern;
	uint8_t pkt[200];
	uint16_t pe, pf;
	struct call c;
	int evil, far;
	unsigned i;

	call_latched(&c, "kf-bleed");
	flow(c.a, c.ra, c.b, c.rb, 0xa1, 5);
	foreign = lkd_stat(&d, "droppedforeign");
	kern = lkd_stat(&d, "kernelforwardedpackets");
	evil = ep_open(&pe);
	far = ep_open_at("127.0.0.66", &pf);
	assert_true(evil >= 0 && far >= 0);
	for (i = 0; i < 10; i++) {
		ep_send(evil, c.ra, pkt, rtp_make(pkt, (uint16_t)i, 0xe, 160));
		ep_send(evil, c.rb, pkt, rtp_make(pkt, (uint16_t)i, 0xe, 160));
		ep_send(far, c.ra, pkt, rtp_make(pkt, (uint16_t)i, 0xf, 160));
		ep_send(far, c.rb, pkt, rtp_make(pkt, (uint16_t)i, 0xf, 160));
	}
	assert_int_equal(0, ep_drain(c.a, 300));
	assert_int_equal(0, ep_drain(c.b, 100));
	assert_int_equal(0, ep_drain(evil, 100));
	assert_int_equal(0, ep_drain(far, 100));
	assert_int_equal(foreign + 40,
			 lkd_stat_when(&d, "droppedforeign", foreign + 40));
	assert_int_equal(kern, lkd_stat(&d, "kernelforwardedpackets"));
	flow(c.b, c.rb, c.a, c.ra, 0xb1, 5);
	flow(c.a, c.ra, c.b, c.rb, 0xa2, 5);
	close(evil);
	close(far);
	call_delete(&c);
}

/*
 * The media timeout (2 s here) must see media the kernel forwards: a call
 * that talks for twice the timeout lives; once silent, it goes.
 */
static void kernel_forwarded_call_lives_past_the_media_timeout(void **state)
{
	int64_t timeouts = lkd_stat(&d, "timeoutsessions");
	uint8_t pkt[200];
	struct call c;
	unsigned i;

	call_latched(&c, "kf-alive");
	for (i = 0; i < 40; i++) {
		ep_send(c.a, c.ra, pkt, rtp_make(pkt, (uint16_t)i, 0xa, 160));
		ep_send(c.b, c.rb, pkt, rtp_make(pkt, (uint16_t)i, 0xb, 160));
		usleep(100000);
	}
	assert_int_equal(40, ep_drain(c.b, 200));
	assert_int_equal(40, ep_drain(c.a, 100));
	assert_int_equal(41, query_packets("kf-alive", "tagA"));
	assert_int_equal(timeouts, lkd_stat(&d, "timeoutsessions"));
	/* Gone within the timeout and a sweep (3 s), give or take load. */
	sleep(2);
	for (i = 0; i < 60 && query_packets("kf-alive", "tagA") != -1; i++)
		usleep(100000);
	assert_int_equal(-1, query_packets("kf-alive", "tagA"));
	assert_int_equal(timeouts + 1, lkd_stat(&d, "timeoutsessions"));
	close(c.a);
	close(c.b);
}

/*
 * A re-offer resets A's latch (docs/architecture.md, "Latching"): A's
 * new address latches, and media to A goes there, not to the old one,
 * whichever path forwards it.
 */
static void reoffer_moves_the_stream_to_the_new_source(void **state)
{
	uint8_t pkt[200];
	int64_t kern;
	uint16_t old_pa;
	struct call c;
	int old_a;

	call_latched(&c, "kf-move");
	flow(c.a, c.ra, c.b, c.rb, 0xa1, 5);
	old_a = c.a;
	old_pa = c.pa;
	c.a = ep_open(&c.pa);
	assert_int_not_equal(old_pa, c.pa);
	assert_int_equal(0, call_offer(&c, "offer", 2));
	/* The first packet after the re-offer latches A's new source... */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(1, ep_drain(c.b, 1000));
	/* ...and the old one no longer gets through, in kernel or not. */
	ep_send(old_a, c.ra, pkt, rtp_make(pkt, 7, 0xa, 160));
	assert_int_equal(0, ep_drain(c.b, 300));
	kern = lkd_stat(&d, "kernelforwardedpackets");
	flow(c.b, c.rb, c.a, c.ra, 0xb1, 10);
	flow(c.a, c.ra, c.b, c.rb, 0xa2, 10);
	assert_int_equal(0, ep_drain(old_a, 100));
	assert_int_equal(kern + (kfwd ? 20 : 0),
			 lkd_stat(&d, "kernelforwardedpackets"));
	close(old_a);
	call_delete(&c);
}

/*
 * H.460.19 multiplexed media (docs/architecture.md, "Multiplexed
 * media"): two calls whose B sides share one socket and the relay's mux
 * port, told apart by multiplexID.  B to A loses the ID, A to B gets B's
 * own in front; with kernel forwarding the kernel does both, and keeps
 * the calls apart by the ID in its key.
 */
static void multiplexed_legs_keep_their_ids(void **state)
{
	static const char mux[] = "12:latchkey-muxl5:offere";
	static const uint32_t want[2] = {0x11111111, 0x22222222};
	char body[4096], sdp[1024], out[4096];
	uint8_t pkt[200], buf[2048];
	int64_t kern = lkd_stat(&d, "kernelforwardedpackets");
	uint16_t pa[2], ra[2], rb = 0, pb, from;
	uint32_t id[2];
	int a[2], b;
	unsigned i, j;
	size_t len;

	b = ep_open(&pb);
	for (i = 0; i < 2; i++) {
		char cid[16];

		snprintf(cid, sizeof(cid), "kf-mux%u", i);
		a[i] = ep_open(&pa[i]);
		sdp_for(sdp, sizeof(sdp), 1, pa[i]);
		len = lkd_offer_body(body, sizeof(body), "offer", cid, "tagA",
				     NULL, sdp, mux);
		assert_int_equal(0, lkd_ng(&d, body, len));
		assert_true(lkd_result_is(&d, "ok"));
		lkd_str(&d, "sdp", out, sizeof(out));
		rb = sdp_port(out, 0);
		id[i] = sdp_muxid(out, 0);
		assert_true(rb && id[i]);
		sdp_for(sdp, sizeof(sdp), 1, pb);
		snprintf(sdp + strlen(sdp), sizeof(sdp) - strlen(sdp),
			 "a=x-latchkey-muxid:%u\r\n", want[i]);
		len = lkd_offer_body(body, sizeof(body), "answer", cid, "tagA",
				     "tagB", sdp, NULL);
		assert_int_equal(0, lkd_ng(&d, body, len));
		assert_true(lkd_result_is(&d, "ok"));
		ra[i] = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
		assert_true(ra[i]);
		/* Latch A (held), then B: A gets B's packet, stripped. */
		ep_send(a[i], ra[i], pkt, rtp_make(pkt, 1, 0xa, 160));
		pkt[0] = (uint8_t)(id[i] >> 24); pkt[1] = (uint8_t)(id[i] >> 16);
		pkt[2] = (uint8_t)(id[i] >> 8); pkt[3] = (uint8_t)id[i];
		ep_send(b, rb, pkt, 4 + rtp_make(pkt + 4, 1, 0xb, 160));
		assert_int_equal(172, ep_recv(a[i], buf, sizeof(buf), 1000,
					      NULL));
	}
	for (j = 0; j < 20; j++) {
		/*
		 * G.711 (160 octets) and G.729 (20) by turns: a stripped
		 * datagram of at most 76 octets is one the receiving UDP
		 * layer verifies in full (relay/bpf/kfwd.bpf.c, mux_move()).
		 */
		size_t pl = (j & 1) ? 20 : 160;

		for (i = 0; i < 2; i++) {
			/* B to A: the ID comes off. */
			pkt[0] = (uint8_t)(id[i] >> 24);
			pkt[1] = (uint8_t)(id[i] >> 16);
			pkt[2] = (uint8_t)(id[i] >> 8);
			pkt[3] = (uint8_t)id[i];
			ep_send(b, rb, pkt, 4 + rtp_make(pkt + 4,
				(uint16_t)(10 + j), 0xb0 + i, pl));
			assert_int_equal(12 + pl, ep_recv(a[i], buf, sizeof(buf),
						      1000, &from));
			assert_int_equal(ra[i], from);
			assert_int_equal(0xb0 + i, buf[11]);
			assert_int_equal((10 + j) & 0xff, buf[3]);
			/* A to B: B's own ID goes in front. */
			ep_send(a[i], ra[i], pkt, rtp_make(pkt,
				(uint16_t)(10 + j), 0xa0 + i, pl));
			assert_int_equal(16 + pl, ep_recv(b, buf, sizeof(buf),
						      1000, &from));
			assert_int_equal(rb, from);
			assert_int_equal(want[i], (uint32_t)buf[0] << 24 |
					 (uint32_t)buf[1] << 16 |
					 (uint32_t)buf[2] << 8 | buf[3]);
			assert_int_equal(0xa0 + i, buf[15]);
		}
	}
	assert_int_equal(0, ep_drain(a[0], 100));
	assert_int_equal(0, ep_drain(a[1], 100));
	assert_int_equal(kern + (kfwd ? 80 : 0),
			 lkd_stat(&d, "kernelforwardedpackets"));
	for (i = 0; i < 2; i++) {
		char cid[16];
		int n;

		snprintf(cid, sizeof(cid), "kf-mux%u", i);
		n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command6:"
			     "deletee", strlen(cid), cid);
		lkd_ng(&d, body, (size_t)n);
		close(a[i]);
	}
	close(b);
}

/* Whether 127.0.0.1:port is free: nobody, the relay included, has it. */
static bool port_free(uint16_t port)
{
	int fd = ep_open_at_port("127.0.0.1", port);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* An offer ("offer") or answer with or without a=rtcp-mux. */
static void offer_mux(struct call *c, const char *op, unsigned version,
		      bool mux)
{
	char body[4096], sdp[1024], out[4096];
	bool answer = !strcmp(op, "answer");
	size_t len;

	sdp_for(sdp, sizeof(sdp), version, answer ? c->pb : c->pa);
	if (mux)
		strcat(sdp, "a=rtcp-mux\r\n");
	len = lkd_offer_body(body, sizeof(body), op, c->id, "tagA",
			     answer ? "tagB" : NULL, sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_true(!mux || strstr(out, "a=rtcp-mux"));
	if (answer)
		c->ra = sdp_port(out, 0);
	else
		c->rb = sdp_port(out, 0);
}

/*
 * RFC 5761: once both sides multiplex RTCP on the RTP port, the relay
 * holds no RTCP socket for either (half the descriptors); RTCP flows on
 * the RTP ports.  When a re-offer and its answer drop a=rtcp-mux, the
 * RTCP ports are bound again.
 */
static void rtcp_mux_leaves_the_rtcp_ports_unbound(void **state)
{
	uint8_t pkt[200], buf[256];
	struct call c;

	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "kf-rtcpmux");
	c.a = ep_open(&c.pa);
	c.b = ep_open(&c.pb);
	offer_mux(&c, "offer", 1, true);
	/* B has not answered: it may still want its RTCP port. */
	assert_false(port_free((uint16_t)(c.rb + 1)));
	offer_mux(&c, "answer", 1, true);
	assert_true(port_free((uint16_t)(c.ra + 1)));
	assert_true(port_free((uint16_t)(c.rb + 1)));

	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(1, ep_drain(c.a, 1000));
	ep_send(c.a, c.ra, pkt, rtcp_make(pkt, 0xa));
	assert_true(ep_recv(c.b, buf, sizeof(buf), 1000, NULL) > 0);
	assert_int_equal(201, buf[1]);	/* the receiver report, on RTP */

	offer_mux(&c, "offer", 2, false);
	offer_mux(&c, "answer", 2, false);
	assert_false(port_free((uint16_t)(c.ra + 1)));
	assert_false(port_free((uint16_t)(c.rb + 1)));
	call_delete(&c);
}

/* After delete nothing is forwarded: the kernel's entries went first. */
static void delete_stops_forwarding(void **state)
{
	uint8_t pkt[200];
	struct call c;

	call_latched(&c, "kf-del");
	flow(c.a, c.ra, c.b, c.rb, 0xa1, 3);
	assert_int_equal(0, lkd_ng(&d, "d7:call-id6:kf-del7:command6:deletee",
				   strlen("d7:call-id6:kf-del7:command6:"
					  "deletee")));
	assert_true(lkd_result_is(&d, "ok"));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 9, 0xa, 160));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 9, 0xb, 160));
	assert_int_equal(0, ep_drain(c.b, 300));
	assert_int_equal(0, ep_drain(c.a, 100));
	close(c.a);
	close(c.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(latched_stream_forwarded_both_ways),
		cmocka_unit_test(
			foreign_source_into_kernel_stream_reaches_nobody),
		cmocka_unit_test(
			kernel_forwarded_call_lives_past_the_media_timeout),
		cmocka_unit_test(reoffer_moves_the_stream_to_the_new_source),
		cmocka_unit_test(delete_stops_forwarding),
		cmocka_unit_test(multiplexed_legs_keep_their_ids),
		cmocka_unit_test(rtcp_mux_leaves_the_rtcp_ports_unbound),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
