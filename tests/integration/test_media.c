/* tests/integration/test_media.c  Sessions over ng and media through the real daemon, on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

/*
 * One daemon for the whole file, on ports no other test uses: ng 22230,
 * media 47000-47099 (the mux ports 47000/47001 and 49 pairs), a 3 s media
 * timeout so that the timeout test is short.
 */
#define NG_PORT 22230
static const char config[] =
	"[System]\nRole = expressway\n"
	"[Protocols > SIP]\nUDP port = 15160\nTCP port = 15160\n"
	"TLS port = 15161\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 11819\n"
	"Call signaling port range start = 20100\n"
	"Call signaling port range end = 20199\n"
	"[Protocols > H.323]\nCall signaling TCP port = 11820\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 12876\n"
	"H.323 H.460.18 call signaling port = 12877\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 47000\n"
	"Traversal Media port end = 47099\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 17101\nH.323 port = 16101\n"
	"[Media]\nMedia timeout = 3\nPort cool-down = 0\n"
	"Port allocation order = sequential\n";

static struct lkd d;

/* Two endpoints of a call and the relay ports each was told. */
struct call {
	int a, b;		/* endpoint sockets */
	uint16_t pa, pb;	/* their ports */
	uint16_t ra, rb;	/* relay ports A sends to, B sends to */
	char id[32];
};

static char sdp_for(char *buf, size_t size, uint16_t port, const char *extra)
{
	snprintf(buf, size,
		 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
		 "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n%s",
		 port, extra ? extra : "");
	return 0;
}

/* Offer from A, answer from B; fills the relay ports. */
static int call_setup(struct call *c, const char *id, const char *offer_flags,
		      const char *sdp_a_extra, const char *sdp_b_extra)
{
	char body[8192], sdp[2048], out[8192];
	size_t len;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->a = ep_open(&c->pa);
	c->b = ep_open(&c->pb);
	sdp_for(sdp, sizeof(sdp), c->pa, sdp_a_extra);
	len = lkd_offer_body(body, sizeof(body), "offer", id, "tagA", NULL,
			     sdp, offer_flags);
	if (lkd_ng(&d, body, len) || !lkd_result_is(&d, "ok"))
		return -1;
	c->rb = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	sdp_for(sdp, sizeof(sdp), c->pb, sdp_b_extra);
	len = lkd_offer_body(body, sizeof(body), "answer", id, "tagA", "tagB",
			     sdp, NULL);
	if (lkd_ng(&d, body, len) || !lkd_result_is(&d, "ok"))
		return -1;
	c->ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);

	return c->ra && c->rb ? 0 : -1;
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

static int group_setup(void **state)
{
	return lkd_start(&d, NG_PORT, config);
}

static int group_teardown(void **state)
{
	int status = lkd_stop(&d);

	/* A clean stop exits 0; a sanitizer report would make it fail. */
	if (status != 0)
		fprintf(stderr, "latchkeyd stopped with status %d; log %s\n",
			status, d.log_path);

	return status == 0 ? 0 : -1;
}

static void ping_pong(void **state)
{
	static const char ping[] = "d7:command4:pinge";

	assert_int_equal(0, lkd_ng(&d, ping, sizeof(ping) - 1));
	assert_true(lkd_result_is(&d, "pong"));
	assert_int_equal(0, memcmp(strchr(d.reply, ' '), " d6:result4:ponge",
				   17));
}

/*
 * Seed, "SIP call to endpoint behind non SIP-aware firewall", N: the relay
 * waits until it receives media, then sends to where it came from.
 */
static void media_flows_both_ways_after_latching(void **state)
{
	uint8_t pkt[200], buf[2048];
	uint16_t from;
	struct call c;
	ssize_t n;

	assert_int_equal(0, call_setup(&c, "flow-1", NULL, NULL, NULL));
	assert_true(c.ra >= 47002 && c.ra <= 47098 && c.ra % 2 == 0);
	assert_true(c.rb >= 47002 && c.rb <= 47098 && c.rb % 2 == 0);
	assert_int_not_equal(c.ra, c.rb);

	/* A speaks first: B has sent nothing, so nothing may go to B. */
	assert_int_equal(0, ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160)));
	assert_int_equal(0, ep_drain(c.b, 300));

	/* B speaks: B is latched, A was latched, so A gets it. */
	assert_int_equal(0, ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160)));
	n = ep_recv(c.a, buf, sizeof(buf), 1000, &from);
	assert_int_equal(172, n);
	assert_int_equal(c.ra, from);	/* from the port A sends to */
	assert_int_equal(0xb, buf[11]);

	/* And now A to B. */
	assert_int_equal(0, ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160)));
	n = ep_recv(c.b, buf, sizeof(buf), 1000, &from);
	assert_int_equal(172, n);
	assert_int_equal(c.rb, from);
	assert_int_equal(0xa, buf[11]);
	call_delete(&c);
}

/* After latching, another source gets nothing through: RTP bleed. */
static void foreign_source_is_dropped_after_latching(void **state)
{
	uint8_t pkt[200];
	struct call c;
	uint16_t pe;
	int64_t before;
	int evil;

	assert_int_equal(0, call_setup(&c, "bleed-1", NULL, NULL, NULL));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(1, ep_drain(c.a, 300));

	before = lkd_stat(&d, "droppedforeign");
	evil = ep_open(&pe);
	ep_send(evil, c.ra, pkt, rtp_make(pkt, 9, 0xe, 160));
	ep_send(evil, c.rb, pkt, rtp_make(pkt, 9, 0xe, 160));
	assert_int_equal(0, ep_drain(c.a, 300));
	assert_int_equal(0, ep_drain(c.b, 100));
	assert_int_equal(0, ep_drain(evil, 100));
	assert_int_equal(before + 2, lkd_stat(&d, "droppedforeign"));

	/* The real endpoints still get through. */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(1, ep_drain(c.b, 300));
	close(evil);
	call_delete(&c);
}

/* RTCP on RTP + 1 goes to the peer's RTCP port (RFC 3550 s.11). */
static void rtcp_goes_port_plus_one_to_port_plus_one(void **state)
{
	uint8_t pkt[200], buf[256];
	struct call c;
	uint16_t pa1, pb1, from;
	int a1, b1;
	char ea[64], eb[64];

	a1 = ep_open(&pa1);
	b1 = ep_open(&pb1);
	snprintf(ea, sizeof(ea), "a=rtcp:%u\r\n", pa1);
	snprintf(eb, sizeof(eb), "a=rtcp:%u\r\n", pb1);
	assert_int_equal(0, call_setup(&c, "rtcp-1", NULL, ea, eb));
	/* Latch both RTCP sides, then one report each way. */
	ep_send(a1, c.ra + 1, pkt, rtcp_make(pkt, 0xa));
	ep_send(b1, c.rb + 1, pkt, rtcp_make(pkt, 0xb));
	assert_int_equal(8, ep_recv(a1, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.ra + 1, from);
	assert_int_equal(201, buf[1]);
	ep_send(a1, c.ra + 1, pkt, rtcp_make(pkt, 0xa));
	assert_int_equal(8, ep_recv(b1, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb + 1, from);
	/* Nothing of it reached the RTP sockets. */
	assert_int_equal(0, ep_drain(c.a, 100));
	assert_int_equal(0, ep_drain(c.b, 100));
	close(a1);
	close(b1);
	call_delete(&c);
}

/* rtcp-mux (RFC 5761): RTCP on the RTP port, told apart by packet type. */
static void rtcp_mux_on_one_port(void **state)
{
	uint8_t pkt[200], buf[256];
	struct call c;

	assert_int_equal(0, call_setup(&c, "mux-rtcp-1", NULL,
				       "a=rtcp-mux\r\n", "a=rtcp-mux\r\n"));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 20));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 20));
	assert_int_equal(1, ep_drain(c.a, 300));
	ep_send(c.a, c.ra, pkt, rtcp_make(pkt, 0xa));
	assert_int_equal(8, ep_recv(c.b, buf, sizeof(buf), 1000, NULL));
	assert_int_equal(201, buf[1]);
	call_delete(&c);
}

/* An RTP keep-alive (12 octets, no payload) latches, is not forwarded. */
static void keepalive_latches_but_is_not_forwarded(void **state)
{
	uint8_t pkt[200];
	struct call c;
	int64_t before = lkd_stat(&d, "keepalives");

	assert_int_equal(0, call_setup(&c, "ka-1", NULL, NULL, NULL));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 0));	/* latch B */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 0));	/* latch A */
	assert_int_equal(0, ep_drain(c.a, 200));
	assert_int_equal(0, ep_drain(c.b, 100));
	assert_int_equal(before + 2, lkd_stat(&d, "keepalives"));
	/* Both are latched now: real media goes straight through. */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(1, ep_drain(c.b, 300));
	call_delete(&c);
}

/* A STUN Binding request on a media port gets its answer (RFC 5389). */
static void stun_binding_request_is_answered(void **state)
{
	uint8_t req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
	uint8_t buf[128];
	struct call c;
	ssize_t n;

	assert_int_equal(0, call_setup(&c, "stun-1", NULL, NULL, NULL));
	ep_send(c.a, c.ra, req, sizeof(req));
	n = ep_recv(c.a, buf, sizeof(buf), 1000, NULL);
	assert_true(n >= 32);
	assert_int_equal(0x01, buf[0]);		/* Binding success 0x0101 */
	assert_int_equal(0x01, buf[1]);
	assert_memory_equal(req + 8, buf + 8, 12);	/* transaction ID */
	call_delete(&c);
}

/*
 * H.460.19 multiplexed media: B sends to the mux port with the
 * multiplexID the relay gave it; two calls share the port, kept apart.
 */
static void two_calls_through_one_mux_port(void **state)
{
	static const char mux[] = "12:latchkey-muxl5:offere";
	uint8_t pkt[200], buf[2048];
	struct call c1, c2;
	char body[8192], sdp[2048], out[8192];
	uint32_t id1, id2;
	size_t len;

	assert_int_equal(0, call_setup(&c1, "hmux-1", mux, NULL, NULL));
	assert_int_equal(0, call_setup(&c2, "hmux-2", mux, NULL, NULL));
	/* Both B sides were told the RTP mux port 47000. */
	assert_int_equal(47000, c1.rb);
	assert_int_equal(47000, c2.rb);
	/* Their multiplexIDs: re-run the offer to read them (cached). */
	sdp_for(sdp, sizeof(sdp), c1.pa, NULL);
	len = lkd_offer_body(body, sizeof(body), "offer", "hmux-1", "tagA",
			     NULL, sdp, mux);
	assert_int_equal(0, lkd_ng(&d, body, len));
	id1 = sdp_muxid(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	sdp_for(sdp, sizeof(sdp), c2.pa, NULL);
	len = lkd_offer_body(body, sizeof(body), "offer", "hmux-2", "tagA",
			     NULL, sdp, mux);
	assert_int_equal(0, lkd_ng(&d, body, len));
	id2 = sdp_muxid(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	assert_true(id1 && id2 && id1 != id2);

	/* Latch the A sides (plain). */
	ep_send(c1.a, c1.ra, pkt, rtp_make(pkt, 1, 0xa1, 10));
	ep_send(c2.a, c2.ra, pkt, rtp_make(pkt, 1, 0xa2, 10));
	/* B sides: multiplexID + RTP to 47000; each reaches its own A. */
	pkt[0] = (uint8_t)(id1 >> 24); pkt[1] = (uint8_t)(id1 >> 16);
	pkt[2] = (uint8_t)(id1 >> 8); pkt[3] = (uint8_t)id1;
	len = 4 + rtp_make(pkt + 4, 1, 0xb1, 160);
	ep_send(c1.b, 47000, pkt, len);
	assert_int_equal(172, ep_recv(c1.a, buf, sizeof(buf), 1000, NULL));
	assert_int_equal(0xb1, buf[11]);	/* header stripped */
	assert_int_equal(0, ep_drain(c2.a, 100));
	pkt[0] = (uint8_t)(id2 >> 24); pkt[1] = (uint8_t)(id2 >> 16);
	pkt[2] = (uint8_t)(id2 >> 8); pkt[3] = (uint8_t)id2;
	len = 4 + rtp_make(pkt + 4, 1, 0xb2, 160);
	ep_send(c2.b, 47000, pkt, len);
	assert_int_equal(172, ep_recv(c2.a, buf, sizeof(buf), 1000, NULL));
	assert_int_equal(0xb2, buf[11]);
	assert_int_equal(0, ep_drain(c1.a, 100));

	/* A to B: plain (B asked for no multiplexID), from port 47000. */
	{
		uint16_t from;

		ep_send(c1.a, c1.ra, pkt, rtp_make(pkt, 2, 0xa1, 160));
		assert_int_equal(172, ep_recv(c1.b, buf, sizeof(buf), 1000,
					      &from));
		assert_int_equal(47000, from);
		assert_int_equal(0xa1, buf[11]);
	}
	/* An unknown multiplexID is dropped and counted. */
	{
		int64_t before = lkd_stat(&d, "droppednoleg");

		pkt[0] = pkt[1] = pkt[2] = 0;
		pkt[3] = 1;
		ep_send(c1.b, 47000, pkt, 4 + rtp_make(pkt + 4, 3, 0xee, 20));
		assert_int_equal(0, ep_drain(c1.a, 200));
		assert_int_equal(before + 1, lkd_stat(&d, "droppednoleg"));
	}
	call_delete(&c1);
	call_delete(&c2);
}

/* A side that asks for multiplexed media gets the multiplexID added. */
static void plain_to_muxed_adds_the_multiplexid(void **state)
{
	uint8_t pkt[200], buf[2048];
	struct call c;

	assert_int_equal(0, call_setup(&c, "addmux-1", NULL, NULL,
				       "a=x-latchkey-muxid:305419896\r\n"));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 10));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(176, ep_recv(c.b, buf, sizeof(buf), 1000, NULL));
	assert_int_equal(0x12, buf[0]);		/* 305419896 = 0x12345678 */
	assert_int_equal(0x34, buf[1]);
	assert_int_equal(0x56, buf[2]);
	assert_int_equal(0x78, buf[3]);
	assert_int_equal(0x80, buf[4]);		/* then the RTP packet */
	assert_int_equal(0xa, buf[15]);
	call_delete(&c);
}

/* A retransmitted request (same cookie) gets the same reply, no new call. */
static void retransmitted_offer_allocates_once(void **state)
{
	char body[4096], sdp[1024], dgram[8192], first[8192];
	int64_t before = lkd_stat(&d, "portsavailable");
	size_t len, first_len;
	int n;

	sdp_for(sdp, sizeof(sdp), 40000, NULL);
	len = lkd_offer_body(body, sizeof(body), "offer", "retx-1", "tagA",
			     NULL, sdp, NULL);
	n = snprintf(dgram, sizeof(dgram), "retx-cookie ");
	memcpy(dgram + n, body, len);
	assert_int_equal(0, lkd_ng_raw(&d, dgram, (size_t)n + len));
	assert_true(lkd_result_is(&d, "ok"));
	memcpy(first, d.reply, d.reply_len);
	first_len = d.reply_len;
	assert_int_equal(0, lkd_ng_raw(&d, dgram, (size_t)n + len));
	assert_int_equal(first_len, d.reply_len);
	assert_memory_equal(first, d.reply, first_len);
	assert_int_equal(before - 1, lkd_stat(&d, "portsavailable"));
	assert_int_equal(0, lkd_ng(&d, "d7:call-id6:retx-17:command6:deletee",
				   strlen("d7:call-id6:retx-17:command6:deletee")));
	assert_true(lkd_result_is(&d, "ok"));
}

/* Running out of ports answers rtpengine's "Ran out of ports". */
static void exhaustion_says_ran_out_of_ports(void **state)
{
	char body[4096], sdp[1024], id[32], reason[256];
	unsigned i, ok = 0;
	size_t len;
	struct call c;
	uint8_t pkt[200];

	/* One call that must keep working throughout. */
	assert_int_equal(0, call_setup(&c, "survivor", NULL, NULL, NULL));
	sdp_for(sdp, sizeof(sdp), 40000, NULL);
	for (i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "fill-%u", i);
		len = lkd_offer_body(body, sizeof(body), "offer", id, "tagA",
				     NULL, sdp, NULL);
		assert_int_equal(0, lkd_ng(&d, body, len));
		if (!lkd_result_is(&d, "ok"))
			break;
		++ok;
	}
	assert_true(lkd_result_is(&d, "error"));
	lkd_str(&d, "error-reason", reason, sizeof(reason));
	assert_non_null(strstr(reason, "Ran out of ports"));
	assert_int_equal(0, lkd_stat(&d, "portsavailable"));
	/* 49 pairs in 47002-47099, the survivor holds 2: 47 offers fit. */
	assert_int_equal(47, ok);

	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 10));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 10));
	assert_int_equal(1, ep_drain(c.a, 300));
	for (i = 0; i < ok; i++) {
		int n;

		snprintf(id, sizeof(id), "fill-%u", i);
		n = snprintf(body, sizeof(body),
			     "d7:call-id%zu:%s7:command6:deletee",
			     strlen(id), id);
		assert_int_equal(0, lkd_ng(&d, body, (size_t)n));
		assert_true(lkd_result_is(&d, "ok"));
	}
	call_delete(&c);
	assert_int_equal(49, lkd_stat(&d, "portsavailable"));
}

/* A call without media is deleted after the media timeout (3 s here). */
static void media_timeout_reclaims_the_ports(void **state)
{
	char body[4096], sdp[1024], reason[128];
	int64_t before = lkd_stat(&d, "timeoutsessions");
	int64_t free_before = lkd_stat(&d, "portsavailable");
	size_t len;

	sdp_for(sdp, sizeof(sdp), 40000, NULL);
	len = lkd_offer_body(body, sizeof(body), "offer", "tmo-1", "tagA",
			     NULL, sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	assert_int_equal(free_before - 1, lkd_stat(&d, "portsavailable"));
	sleep(5);
	assert_int_equal(0, lkd_ng(&d, "d7:call-id5:tmo-17:command5:querye",
				   strlen("d7:call-id5:tmo-17:command5:querye")));
	assert_true(lkd_result_is(&d, "error"));
	assert_string_equal("Unknown call-id",
			    lkd_str(&d, "error-reason", reason,
				    sizeof(reason)));
	assert_int_equal(before + 1, lkd_stat(&d, "timeoutsessions"));
	assert_int_equal(free_before, lkd_stat(&d, "portsavailable"));
}

/* Bad control commands get an error reply, and the daemon lives on. */
static void bad_commands_get_error_replies(void **state)
{
	static const struct {
		const char *body;
		const char *reason;
	} cases[] = {
		{"d7:command5:dancee", "Unrecognized command"},
		{"d3:fooi1ee", "No command in message"},
		{"l4:pinge", "Could not decode bencode dictionary"},
		{"d7:command4:ping", "Could not decode bencode dictionary"},
		{"d7:command5:offer7:call-id1:x8:from-tag1:ae",
		 "No SDP body in message"},
		{"d7:command5:offer8:from-tag1:a3:sdp3:v=0e",
		 "No call-id in message"},
		{"d7:command5:offer7:call-id1:x8:from-tag1:a3:sdp5:hello"
		 "e", "Failed to parse SDP"},
		{"d7:command6:answer7:call-id7:nowhere8:from-tag1:a6:to-tag"
		 "1:b3:sdp29:v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ne",
		 "Unknown call-id"},
		{"d7:command6:delete7:call-id7:nowheree", "Unknown call-id"},
	};
	char reason[300];
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(0, lkd_ng(&d, cases[i].body,
					   strlen(cases[i].body)));
		assert_true(lkd_result_is(&d, "error"));
		lkd_str(&d, "error-reason", reason, sizeof(reason));
		if (strncmp(reason, cases[i].reason, strlen(cases[i].reason)))
			fail_msg("case %u: got \"%s\", wanted \"%s\"", i,
				 reason, cases[i].reason);
	}
	/* No cookie at all: nothing to answer; the daemon is still there. */
	ep_send(d.ng_fd, NG_PORT, "nocookie", 8);
	ping_pong(state);
}

/* Flags: rtpengine's spellings both ways; an unknown one is a warning. */
static void unknown_flag_is_a_warning(void **state)
{
	static const char flags[] =
		"5:flagsl13:trust-address14:media handover10:bogus-flage";
	char body[4096], sdp[1024], warn[256];
	size_t len;

	sdp_for(sdp, sizeof(sdp), 40000, NULL);
	len = lkd_offer_body(body, sizeof(body), "offer", "flags-1", "tagA",
			     NULL, sdp, flags);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	assert_string_equal("unknown flag \"bogus-flag\" ignored",
			    lkd_str(&d, "warning", warn, sizeof(warn)));
	assert_int_equal(0, lkd_ng(&d, "d7:call-id7:flags-17:command6:deletee",
				   strlen("d7:call-id7:flags-17:command6:"
					  "deletee")));
	assert_true(lkd_result_is(&d, "ok"));
}

/* query reports the latched endpoint and the counters of each leg. */
static void query_reports_latched_endpoints(void **state)
{
	const struct lk_bencode_node *tags, *t, *medias, *m, *streams, *s,
		*ep, *stats;
	int64_t port = 0, packets = 0;
	uint8_t pkt[200];
	struct call c;

	assert_int_equal(0, call_setup(&c, "query-1", NULL, NULL, NULL));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	usleep(200000);
	assert_int_equal(0, lkd_ng(&d, "d7:call-id7:query-17:command5:querye",
				   strlen("d7:call-id7:query-17:command5:querye")));
	assert_true(lkd_result_is(&d, "ok"));
	tags = lk_bencode_dict_get(d.dict, "tags");
	t = lk_bencode_dict_get(tags, "tagA");
	medias = lk_bencode_dict_get(t, "medias");
	assert_non_null(medias);
	m = lk_bencode_first(medias);
	streams = lk_bencode_dict_get(m, "streams");
	s = lk_bencode_first(streams);
	ep = lk_bencode_dict_get(s, "endpoint");
	assert_int_equal(0, lk_bencode_dict_get_int(&port, ep, "port"));
	assert_int_equal(c.pa, port);
	stats = lk_bencode_dict_get(s, "stats");
	assert_int_equal(0, lk_bencode_dict_get_int(&packets, stats,
						    "packets"));
	assert_int_equal(2, packets);
	assert_int_equal(0, lk_bencode_dict_get_int(&port, s, "local port"));
	assert_int_equal(c.ra, port);
	call_delete(&c);
}


/* Audio and video: each m= line gets its own pair; media stays apart. */
static void audio_and_video_get_their_own_ports(void **state)
{
	char body[8192], sdp[2048], out[8192];
	uint16_t pa, pv, pb, pbv, ra, rv, rb, rbv;
	uint8_t pkt[1100], buf[2048];
	int a, av, b, bv;
	size_t len;
	int n;

	a = ep_open(&pa);
	av = ep_open(&pv);
	b = ep_open(&pb);
	bv = ep_open(&pbv);
	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		     "m=video %u RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
		     "a=content:main\r\n", pa, pv);
	len = lkd_offer_body(body, sizeof(body), "offer", "av-1", "tagA",
			     NULL, sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	rb = sdp_port(out, 0);
	rbv = sdp_port(out, 1);
	assert_non_null(strstr(out, "a=content:main\r\n"));	/* kept */
	n = snprintf(sdp, sizeof(sdp),
		     "v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\n"
		     "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		     "m=audio %u RTP/AVP 0\r\nm=video %u RTP/AVP 96\r\n",
		     pb, pbv);
	(void)n;
	len = lkd_offer_body(body, sizeof(body), "answer", "av-1", "tagA",
			     "tagB", sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	ra = sdp_port(out, 0);
	rv = sdp_port(out, 1);
	assert_true(ra && rv && rb && rbv);
	assert_true(ra != rv && rb != rbv && ra != rb && rv != rbv);

	/* Latch all four, then video goes video to video only. */
	ep_send(a, ra, pkt, rtp_make(pkt, 1, 0xa, 10));
	ep_send(av, rv, pkt, rtp_make(pkt, 1, 0xa2, 10));
	ep_send(b, rb, pkt, rtp_make(pkt, 1, 0xb, 10));
	ep_send(bv, rbv, pkt, rtp_make(pkt, 1, 0xb2, 10));
	assert_int_equal(1, ep_drain(a, 300));
	assert_int_equal(1, ep_drain(av, 100));
	ep_send(av, rv, pkt, rtp_make(pkt, 2, 0xa2, 1000));
	assert_int_equal(1012, ep_recv(bv, buf, sizeof(buf), 1000, NULL));
	assert_int_equal(0xa2, buf[11]);
	assert_int_equal(0, ep_drain(b, 100));
	assert_int_equal(0, lkd_ng(&d, "d7:call-id4:av-17:command6:deletee",
				   strlen("d7:call-id4:av-17:command6:deletee")));
	close(a);
	close(av);
	close(b);
	close(bv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ping_pong),
		cmocka_unit_test(media_flows_both_ways_after_latching),
		cmocka_unit_test(foreign_source_is_dropped_after_latching),
		cmocka_unit_test(rtcp_goes_port_plus_one_to_port_plus_one),
		cmocka_unit_test(rtcp_mux_on_one_port),
		cmocka_unit_test(keepalive_latches_but_is_not_forwarded),
		cmocka_unit_test(stun_binding_request_is_answered),
		cmocka_unit_test(two_calls_through_one_mux_port),
		cmocka_unit_test(plain_to_muxed_adds_the_multiplexid),
		cmocka_unit_test(retransmitted_offer_allocates_once),
		cmocka_unit_test(exhaustion_says_ran_out_of_ports),
		cmocka_unit_test(media_timeout_reclaims_the_ports),
		cmocka_unit_test(bad_commands_get_error_replies),
		cmocka_unit_test(unknown_flag_is_a_warning),
		cmocka_unit_test(query_reports_latched_endpoints),
		cmocka_unit_test(audio_and_video_get_their_own_ports),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
