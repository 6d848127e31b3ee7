/* tests/integration/test_latching.c  Which latching rule a leg follows, through the real daemon on loopback (issue 18). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

/*
 * One daemon for the file, on ports no other test uses: ng 22295, media
 * 44400-44499, every other port in 44000-44199.  127.0.0.1 is where the
 * endpoints' SDP says they are; other loopback addresses stand for other
 * hosts: 127.0.0.3 a NAT's public address, 127.0.0.66 an attacker.
 */
#define NG_PORT 22295
static const char config[] =
	"[System]\nRole = expressway\n"
	"[Protocols > SIP]\nUDP port = 44060\nTCP port = 44060\n"
	"TLS port = 44061\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 44019\n"
	"Call signaling port range start = 44100\n"
	"Call signaling port range end = 44199\n"
	"[Protocols > H.323]\nCall signaling TCP port = 44020\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 44076\n"
	"H.323 H.460.18 call signaling port = 44077\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 44400\n"
	"Traversal Media port end = 44499\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 44001\nH.323 port = 44002\n"
	"[Media]\nPort cool-down = 0\n";

static struct lkd d;

struct call {
	int a, b;		/* endpoint sockets, on 127.0.0.1 */
	uint16_t pa, pb;
	uint16_t ra, rb;	/* relay ports A sends to, B sends to */
	char id[32];
};

/* B's SDP says this (RFC 3264 s.5.1); A's always sendrecv. */
static const char *b_dir = "sendrecv";

static void sdp_dir(char *buf, size_t size, uint16_t port, const char *dir)
{
	snprintf(buf, size,
		 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
		 "a=%s\r\n", port, dir);
}

static void sdp_for(char *buf, size_t size, uint16_t port)
{
	sdp_dir(buf, size, port, "sendrecv");
}

/* The ng "received-from" key: where each side's signalling came from. */
static void received_from(char *buf, size_t size, const char *ip)
{
	if (ip)
		snprintf(buf, size, "13:received-froml3:IP4%zu:%se",
			 strlen(ip), ip);
	else
		buf[0] = '\0';
}

/* The offer from A (c->rb: where B is to send). */
static void call_offer(struct call *c, const char *id, const char *sig_a)
{
	char body[4096], sdp[1024], out[4096], rf[64];
	size_t len;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	c->a = ep_open(&c->pa);
	c->b = ep_open(&c->pb);
	assert_true(c->a >= 0 && c->b >= 0);
	sdp_for(sdp, sizeof(sdp), c->pa);
	received_from(rf, sizeof(rf), sig_a);
	len = lkd_offer_body(body, sizeof(body), "offer", id, "tagA", NULL,
			     sdp, rf);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	c->rb = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
}

/* B's answer (c->ra: where A is to send). */
static void call_answer(struct call *c, const char *sig_b)
{
	char body[4096], sdp[1024], out[4096], rf[64];
	size_t len;

	sdp_dir(sdp, sizeof(sdp), c->pb, b_dir);
	received_from(rf, sizeof(rf), sig_b);
	len = lkd_offer_body(body, sizeof(body), "answer", c->id, "tagA",
			     "tagB", sdp, rf);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	c->ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	assert_true(c->ra && c->rb);
}

/* Offer from A, answer from B, each with its signalling source. */
static void call_setup(struct call *c, const char *id, const char *sig_a,
		       const char *sig_b)
{
	call_offer(c, id, sig_a);
	call_answer(c, sig_b);
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

/* query's "sending" for one side's leg. */
static void leg_sending(struct call *c, const char *tag, char *buf,
			size_t size)
{
	const struct lk_bencode_node *t, *m, *s, *v;
	char body[128];
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command5:querye",
		     strlen(c->id), c->id);
	assert_int_equal(0, lkd_ng(&d, body, (size_t)n));
	assert_true(lkd_result_is(&d, "ok"));
	t = lk_bencode_dict_get(lk_bencode_dict_get(d.dict, "tags"), tag);
	m = lk_bencode_first(lk_bencode_dict_get(t, "medias"));
	s = lk_bencode_first(lk_bencode_dict_get(m, "streams"));
	v = lk_bencode_dict_get(s, "sending");
	assert_non_null(v);
	assert_int_equal(LK_BENCODE_STR, v->type);
	snprintf(buf, size, "%.*s", (int)v->v.s.len, v->v.s.p);
}

/* A STUN Binding request (RFC 8489 s.5), no attributes. */
static size_t stun_binding(uint8_t *p, uint16_t type)
{
	static const uint8_t hdr[20] = {0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

	memcpy(p, hdr, sizeof(hdr));
	p[0] = (uint8_t)(type >> 8);
	p[1] = (uint8_t)type;

	return sizeof(hdr);
}

static int group_setup(void **state)
{
	(void)state;
	return lkd_start(&d, NG_PORT, config);
}

static int group_teardown(void **state)
{
	int status = lkd_stop(&d);

	(void)state;
	if (status != 0)
		fprintf(stderr, "latchkeyd stopped with status %d; log %s\n",
			status, d.log_path);
	return status == 0 ? 0 : -1;
}

/*
 * Seed, "SIP call to endpoint with public IP address": B's SDP address is
 * where its signalling came from, so B gets A's media before B has sent
 * anything (a recvonly or STUN-only endpoint hears the caller).
 */
static void public_endpoint_gets_media_before_it_sends(void **state)
{
	uint8_t pkt[200], buf[512];
	char why[128];
	struct call c;
	uint16_t from;

	(void)state;
	call_setup(&c, "public-1", "127.0.0.1", "127.0.0.1");
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_non_null(strstr(why, "SDP address (no NAT"));
	assert_int_equal(0, ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160)));
	assert_int_equal(172, ep_recv(c.b, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb, from);
	assert_int_equal(0xa, buf[11]);
	leg_sending(&c, "tagA", why, sizeof(why));
	assert_string_equal("latched on RTP", why);
	call_delete(&c);
}

/*
 * Seed N: B's signalling came from a NAT (127.0.0.3) and its SDP names a
 * private address: nothing goes to B until B is heard.  B keeps its
 * mapping open with STUN only (RFC 6263, linphone): that latches B, its
 * request is answered, and A's media then reaches B through the NAT.
 */
static void stun_keepalive_latches_an_endpoint_behind_nat(void **state)
{
	uint8_t pkt[200], buf[512];
	char why[128];
	struct call c;
	uint16_t pn, from;
	int nat;

	(void)state;
	call_setup(&c, "stun-1", "127.0.0.1", "127.0.0.3");
	nat = ep_open_at("127.0.0.3", &pn);
	assert_true(nat >= 0);
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_string_equal("waiting for media (seed N)", why);
	/* A speaks: B is not latched, nothing may go anywhere. */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(0, ep_drain(c.b, 200));
	assert_int_equal(0, ep_drain(nat, 100));

	/* B's STUN keep-alive from the NAT's address: answered, latched. */
	ep_send(nat, c.rb, pkt, stun_binding(pkt, 0x0001));
	assert_int_equal(32, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	assert_int_equal(0x01, buf[0]);		/* Binding success */
	assert_int_equal(0x01, buf[1]);
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_string_equal("latched on STUN", why);

	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb, from);
	assert_int_equal(0, ep_drain(c.b, 100));
	close(nat);
	call_delete(&c);
}

/*
 * Before a leg latches, a packet from an address that is neither its
 * signalling's nor its SDP's is refused and counted: a guessed fresh port
 * does not hand the leg to the attacker.  Before and after latching the
 * attacker gets nothing, and latches nothing.
 */
static void prober_before_latching_latches_nothing(void **state)
{
	uint8_t pkt[200], buf[512];
	int64_t unexpected, foreign;
	struct call c;
	uint16_t pe, from;
	int evil;

	(void)state;
	call_setup(&c, "probe-1", "127.0.0.3", "127.0.0.1");
	evil = ep_open_at("127.0.0.66", &pe);
	assert_true(evil >= 0);
	unexpected = lkd_stat(&d, "droppedunexpected");
	foreign = lkd_stat(&d, "droppedforeign");

	/* The attacker sends first, to both fresh ports, RTP and STUN. */
	ep_send(evil, c.ra, pkt, rtp_make(pkt, 1, 0xe, 160));
	ep_send(evil, c.ra, pkt, stun_binding(pkt, 0x0001));
	ep_send(evil, c.rb, pkt, rtp_make(pkt, 1, 0xe, 160));
	assert_int_equal(0, ep_drain(evil, 200));
	assert_int_equal(0, ep_drain(c.a, 100));
	assert_int_equal(0, ep_drain(c.b, 100));
	assert_int_equal(unexpected + 3, lkd_stat(&d, "droppedunexpected"));

	/* A's signalling came from 127.0.0.3, its SDP names 127.0.0.1: the
	 * SDP's IP may latch too.  A latches; B (public) hears A. */
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(c.b, buf, sizeof(buf), 1000, &from));
	/* After latching the attacker is foreign, and still gets nothing. */
	ep_send(evil, c.ra, pkt, rtp_make(pkt, 3, 0xe, 160));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(1, ep_drain(c.a, 300));
	assert_int_equal(0, ep_drain(evil, 100));
	assert_int_equal(0, ep_drain(c.b, 100));
	assert_int_equal(foreign + 1, lkd_stat(&d, "droppedforeign"));
	close(evil);
	call_delete(&c);
}

/* Without "received-from" nothing says where a leg is: seed N as before. */
static void without_received_from_the_first_packet_latches(void **state)
{
	uint8_t pkt[200], buf[512];
	char why[128];
	struct call c;
	uint16_t pn, from;
	int nat;

	(void)state;
	call_setup(&c, "norf-1", NULL, NULL);
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_string_equal("waiting for media (seed N)", why);
	nat = ep_open_at("127.0.0.3", &pn);
	ep_send(nat, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(172, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	close(nat);
	call_delete(&c);
}

/*
 * A callee behind a NAT starts its media when it sends 200 OK, so its
 * first STUN can reach the relay before the answer does (sip_linphone saw
 * it).  The answer then confirms that latch, NAT address and signalling
 * alike: A's media reaches B at once, without waiting for B's next
 * keep-alive.  A prober that raced the answer from another address loses
 * its latch to the answer, and gets nothing.
 */
static void a_latch_made_before_the_answer_stands_if_signalling_agrees(
	void **state)
{
	uint8_t pkt[200], buf[512];
	char why[128];
	struct call c;
	uint16_t pn, pe, from;
	int nat, evil;

	(void)state;
	call_offer(&c, "early-1", "127.0.0.1");
	nat = ep_open_at("127.0.0.3", &pn);
	assert_true(nat >= 0);
	ep_send(nat, c.rb, pkt, stun_binding(pkt, 0x0001));
	assert_int_equal(32, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	call_answer(&c, "127.0.0.3");
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_string_equal("latched on STUN", why);
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(172, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb, from);
	close(nat);
	call_delete(&c);

	call_offer(&c, "early-2", "127.0.0.1");
	evil = ep_open_at("127.0.0.66", &pe);
	nat = ep_open_at("127.0.0.3", &pn);
	assert_true(evil >= 0 && nat >= 0);
	ep_send(evil, c.rb, pkt, stun_binding(pkt, 0x0001));
	assert_int_equal(32, ep_recv(evil, buf, sizeof(buf), 1000, &from));
	call_answer(&c, "127.0.0.3");
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_string_equal("waiting for media (seed N)", why);
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(0, ep_drain(evil, 200));
	/* B's own keep-alive latches it, and A's media follows. */
	ep_send(nat, c.rb, pkt, stun_binding(pkt, 0x0001));
	assert_int_equal(32, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(nat, buf, sizeof(buf), 1000, &from));
	assert_int_equal(0, ep_drain(evil, 100));
	close(evil);
	close(nat);
	call_delete(&c);
}

/*
 * Seed, "SIP call to endpoint with public IP address", with RFC 3264's
 * recvonly: B will never send RTP, yet it hears A from A's first packet.
 */
static void a_public_recvonly_side_hears_the_caller(void **state)
{
	uint8_t pkt[200], buf[512];
	struct call c;
	uint16_t from;

	(void)state;
	b_dir = "recvonly";
	call_setup(&c, "recvonly-1", "127.0.0.1", "127.0.0.1");
	b_dir = "sendrecv";
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(172, ep_recv(c.b, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb, from);
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(c.b, buf, sizeof(buf), 1000, &from));
	call_delete(&c);
}

/* RFC 3264 s.6.1: an inactive side is sent nothing, even when public. */
static void an_inactive_side_gets_nothing(void **state)
{
	uint8_t pkt[200];
	int64_t dropped;
	struct call c;

	(void)state;
	b_dir = "inactive";
	call_setup(&c, "inactive-1", "127.0.0.1", "127.0.0.1");
	b_dir = "sendrecv";
	dropped = lkd_stat(&d, "droppeddirection");
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(0, ep_drain(c.b, 300));
	assert_int_equal(dropped + 2, lkd_stat(&d, "droppeddirection"));
	call_delete(&c);
}

/*
 * RFC 3264 s.6.1: a side whose SDP says sendonly or inactive (it put the
 * call on hold) takes no RTP; the other way is open.  A new answer that
 * says sendrecv applies at once.
 */
static void a_sendonly_side_gets_no_rtp_until_it_says_sendrecv(void **state)
{
	char body[4096], sdp[1024], rf[64];
	uint8_t pkt[200], buf[512];
	int64_t dropped;
	struct call c;
	uint16_t from;
	size_t len;

	(void)state;
	b_dir = "sendonly";
	call_setup(&c, "hold-1", "127.0.0.1", "127.0.0.1");
	b_dir = "sendrecv";
	dropped = lkd_stat(&d, "droppeddirection");
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(0, ep_drain(c.b, 300));
	assert_int_equal(dropped + 1, lkd_stat(&d, "droppeddirection"));
	ep_send(c.b, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(172, ep_recv(c.a, buf, sizeof(buf), 1000, &from));

	/* A re-offers, B answers sendrecv: A's media reaches B again. */
	received_from(rf, sizeof(rf), "127.0.0.1");
	sdp_for(sdp, sizeof(sdp), c.pa);
	len = lkd_offer_body(body, sizeof(body), "offer", c.id, "tagA",
			     "tagB", sdp, rf);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	sdp_for(sdp, sizeof(sdp), c.pb);
	len = lkd_offer_body(body, sizeof(body), "answer", c.id, "tagA",
			     "tagB", sdp, rf);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(c.b, buf, sizeof(buf), 1000, &from));
	assert_int_equal(dropped + 1, lkd_stat(&d, "droppeddirection"));
	call_delete(&c);
}

/*
 * rtpengine's "SIP source address": B's SDP names 127.0.0.1, its
 * signalling came from 127.0.0.3; the relay sends to 127.0.0.3 on the
 * SDP's port, from the start.
 */
static void sip_source_address_replaces_the_sdp_ip(void **state)
{
	char body[4096], sdp[1024], out[4096], extra[160];
	uint8_t pkt[200], buf[512];
	char why[128];
	struct call c;
	uint16_t from;
	size_t len;
	int far;

	(void)state;
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "sipsrc-1");
	c.a = ep_open(&c.pa);
	assert_true(c.a >= 0);
	/* B's real address: 127.0.0.3, on the port its SDP gives. */
	far = -1;
	for (len = 0; len < 20 && far < 0; len++) {
		c.b = ep_open(&c.pb);
		assert_true(c.b >= 0);
		far = ep_open_at_port("127.0.0.3", c.pb);
		if (far < 0)
			close(c.b);
	}
	assert_true(far >= 0);
	sdp_for(sdp, sizeof(sdp), c.pa);
	received_from(extra, sizeof(extra), "127.0.0.1");
	len = lkd_offer_body(body, sizeof(body), "offer", c.id, "tagA", NULL,
			     sdp, extra);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	c.rb = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	sdp_for(sdp, sizeof(sdp), c.pb);
	snprintf(extra, sizeof(extra), "5:flagsl18:SIP-source-addresse"
		 "13:received-froml3:IP49:127.0.0.3e");
	len = lkd_offer_body(body, sizeof(body), "answer", c.id, "tagA",
			     "tagB", sdp, extra);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	assert_null(strstr(d.reply, "warning"));
	c.ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	leg_sending(&c, "tagB", why, sizeof(why));
	assert_non_null(strstr(why, "SDP address (no NAT"));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(172, ep_recv(far, buf, sizeof(buf), 1000, &from));
	assert_int_equal(c.rb, from);
	assert_int_equal(0, ep_drain(c.b, 100));
	close(far);
	call_delete(&c);
}

/* The log holds `what`, within a few seconds. */
static bool log_has(const char *what)
{
	char line[1024];
	unsigned i;

	for (i = 0; i < 50; i++) {
		FILE *f = fopen(d.log_path, "r");
		bool found = false;

		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, what) != NULL;
		if (f)
			fclose(f);
		if (found)
			return true;
		usleep(100000);
	}
	return false;
}

/*
 * [Media] Latch from any address = yes (carrier-grade NATs), given by a
 * reload: the first packet latches wherever it comes from, as before the
 * rule.  Last in the file: the daemon keeps the setting.
 */
static void latch_from_any_address_after_reload(void **state)
{
	uint8_t pkt[200], buf[512];
	int64_t unexpected;
	struct call c;
	uint16_t pc, from;
	FILE *f;
	int cgnat;

	(void)state;
	f = fopen(d.conf_path, "w");
	assert_non_null(f);
	fprintf(f, "%s[Media]\nLatch from any address = yes\n", config);
	fclose(f);
	assert_int_equal(0, kill(d.pid, SIGHUP));
	assert_true(log_has("Latch from any address"));

	call_setup(&c, "cgnat-1", "127.0.0.1", "127.0.0.3");
	cgnat = ep_open_at("127.0.0.77", &pc);
	assert_true(cgnat >= 0);
	unexpected = lkd_stat(&d, "droppedunexpected");
	ep_send(cgnat, c.rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	ep_send(c.a, c.ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(172, ep_recv(cgnat, buf, sizeof(buf), 1000, &from));
	assert_int_equal(unexpected, lkd_stat(&d, "droppedunexpected"));
	close(cgnat);
	call_delete(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(public_endpoint_gets_media_before_it_sends),
		cmocka_unit_test(stun_keepalive_latches_an_endpoint_behind_nat),
		cmocka_unit_test(prober_before_latching_latches_nothing),
		cmocka_unit_test(without_received_from_the_first_packet_latches),
		cmocka_unit_test(
			a_latch_made_before_the_answer_stands_if_signalling_agrees),
		cmocka_unit_test(
			a_sendonly_side_gets_no_rtp_until_it_says_sendrecv),
		cmocka_unit_test(a_public_recvonly_side_hears_the_caller),
		cmocka_unit_test(an_inactive_side_gets_nothing),
		cmocka_unit_test(sip_source_address_replaces_the_sdp_ip),
		cmocka_unit_test(latch_from_any_address_after_reload),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
