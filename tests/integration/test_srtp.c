/* tests/integration/test_srtp.c  SRTP termination and pass-through over ng, through the real daemon on loopback (issue 16). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <re.h>

#include "daemon.h"
#include "sdes.h"
#include "srtp.h"

/*
 * One daemon for the file, on this test's ports: ng 22502, media
 * 52400-52499, every other port in 52000-52199.  Debug logging, so that
 * "no key in the log" means something.
 */
#define NG_PORT 22502
static const char config[] =
	"[System]\nRole = expressway\nLog level = debug\n"
	"[Protocols > SIP]\nUDP port = 52060\nTCP port = 52060\n"
	"TLS port = 52061\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 52019\n"
	"Call signaling port range start = 52100\n"
	"Call signaling port range end = 52199\n"
	"[Protocols > H.323]\nCall signaling TCP port = 52020\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 52076\n"
	"H.323 H.460.18 call signaling port = 52077\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 52400\n"
	"Traversal Media port end = 52499\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 52001\nH.323 port = 52002\n"
	"[Media]\nPort cool-down = 0\n";

static struct lkd d;

/* Every key this file let the relay see or make, base64, for the checks. */
static char keys_seen[16][80];
static unsigned nkeys;

static void key_seen(const char *line)
{
	const char *k = strstr(line, "inline:");

	assert_non_null(k);
	assert_true(nkeys < 16);
	snprintf(keys_seen[nkeys], sizeof(keys_seen[0]), "%.*s",
		 (int)strcspn(k + 7, "|\r\n "), k + 7);
	++nkeys;
}

/* An endpoint's a=crypto line for a fresh key of `suite`. */
static void endpoint_key(struct lk_srtp_key *key, char *line, size_t size,
			 unsigned tag, enum lk_srtp_suite suite)
{
	assert_int_equal(0, lk_srtp_key_generate(key, suite));
	assert_int_equal(0, lk_sdes_format(line, size, tag, key));
	key_seen(line);
}

static void sdp_make(char *buf, size_t size, uint16_t port, const char *proto,
		     const char *extra)
{
	snprintf(buf, size,
		 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
		 "m=audio %u %s 0\r\na=rtpmap:0 PCMU/8000\r\n%s",
		 port, proto, extra);
}

/* A bencode string, "<len>:<s>". */
static const char *bstr(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%zu:%s", strlen(s), s);
	return buf;
}

/* An offer or answer with extra keys (bencode) in front of from-tag. */
static void ng_req(const char *cmd, const char *id, const char *to_tag,
		   const char *sdp, const char *extra)
{
	char body[8192];
	size_t len;

	len = lkd_offer_body(body, sizeof(body), cmd, id, "tagA", to_tag, sdp,
			     extra);
	assert_int_equal(0, lkd_ng(&d, body, len));
}

/* The first a=crypto line of an SDP into `line`, or 0 if there is none. */
static unsigned crypto_lines(const char *sdp, char *line, size_t size)
{
	const char *p = sdp;
	unsigned n = 0;

	while ((p = strstr(p, "a=crypto:"))) {
		if (!n++)
			snprintf(line, size, "%.*s", (int)strcspn(p, "\r\n"),
				 p);
		++p;
	}

	return n;
}

static struct lk_srtp *ctx_from_line(const char *line, bool outbound)
{
	struct lk_sdes_crypto c;
	struct lk_srtp *s;

	assert_int_equal(0, strncmp(line, "a=crypto:", 9));
	assert_int_equal(0, lk_sdes_parse(&c, NULL, line + 9,
					  strlen(line + 9)));
	assert_int_equal(0, lk_srtp_alloc(&s, &c.key, outbound));

	return s;
}

static struct lk_srtp *ctx(const struct lk_srtp_key *key, bool outbound)
{
	struct lk_srtp *s;

	assert_int_equal(0, lk_srtp_alloc(&s, key, outbound));
	return s;
}

/* Protect and send; `keep` (if not NULL) gets the packet as sent. */
static void send_srtp(int fd, uint16_t port, struct lk_srtp *tx,
		      const uint8_t *plain, size_t len, bool rtcp,
		      uint8_t *keep, size_t *keeplen)
{
	_Alignas(4) uint8_t b[512];

	memcpy(b, plain, len);
	assert_int_equal(0, lk_srtp_protect(tx, b, &len, sizeof(b), rtcp));
	assert_int_equal(0, ep_send(fd, port, b, len));
	if (keep) {
		memcpy(keep, b, len);
		*keeplen = len;
	}
}

/* Receive one packet, decrypt it, compare with what was sent. */
static void recv_srtp(int fd, struct lk_srtp *rx, const uint8_t *plain,
		      size_t len, bool rtcp)
{
	_Alignas(4) uint8_t b[512];
	ssize_t n;
	size_t got;

	n = ep_recv(fd, b, sizeof(b), 1000, NULL);
	assert_true(n > (ssize_t)len);
	got = (size_t)n;
	assert_int_equal(0, lk_srtp_unprotect(rx, b, &got, rtcp));
	assert_int_equal(len, got);
	assert_memory_equal(plain, b, len);
}

static void recv_plain(int fd, const uint8_t *plain, size_t len)
{
	uint8_t b[512];

	assert_int_equal(len, ep_recv(fd, b, sizeof(b), 1000, NULL));
	assert_memory_equal(plain, b, len);
}

/* query: the stream of the leg facing `tag`. */
static const struct lk_bencode_node *query_stream(const char *id,
						  const char *tag)
{
	const struct lk_bencode_node *t, *m;
	char body[128];
	unsigned i;
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command5:querye",
		     strlen(id), id);
	assert_int_equal(0, lkd_ng(&d, body, (size_t)n));
	assert_true(lkd_result_is(&d, "ok"));
	/* The suite is named; no key is ever in a query reply. */
	for (i = 0; i < nkeys; i++)
		assert_null(memmem(d.reply, d.reply_len, keys_seen[i],
				   strlen(keys_seen[i])));
	t = lk_bencode_dict_get(lk_bencode_dict_get(d.dict, "tags"), tag);
	m = lk_bencode_first(lk_bencode_dict_get(t, "medias"));
	return lk_bencode_first(lk_bencode_dict_get(m, "streams"));
}

static int64_t stream_stat(const struct lk_bencode_node *s, const char *name)
{
	int64_t v = -1;

	lk_bencode_dict_get_int(&v, lk_bencode_dict_get(s, "stats"), name);
	return v;
}

static void delete_call(const char *id)
{
	char body[128];
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command6:deletee",
		     strlen(id), id);
	lkd_ng(&d, body, (size_t)n);
}

/*
 * A is an encrypting endpoint (RTP/SAVP, SDES), B a clear one: the relay
 * answers A with a key of its own, decrypts what A sends, encrypts what
 * goes to A; RTCP rides on the RTP port (rtcp-mux) both ways.  A tampered
 * and a replayed packet from A go nowhere and are counted on A's leg; a
 * re-INVITE with a new key rekeys both directions.
 */
static void encrypted_caller_to_clear_callee(void **state)
{
	char sdp[2048], out[4096], line[LK_SDES_LINE_MAX], relay[256], ex[256];
	char t[64], tv[64];
	uint8_t pkt[256], kept[512], rtcp[64];
	size_t len, klen, rlen;
	struct lk_srtp_key ka, ka2;
	struct lk_srtp *a_tx, *a_rx, *old_tx;
	const struct lk_bencode_node *s;
	const char *suite;
	uint16_t pa, pb, ra, rb;
	int a, b;

	(void)state;
	a = ep_open(&pa);
	b = ep_open(&pb);
	assert_true(a >= 0 && b >= 0);
	endpoint_key(&ka, line, sizeof(line), 5,
		     LK_SRTP_AES_CM_128_HMAC_SHA1_80);
	snprintf(ex, sizeof(ex), "a=rtcp-mux\r\n%s\r\n", line);
	sdp_make(sdp, sizeof(sdp), pa, "RTP/SAVP", ex);
	snprintf(ex, sizeof(ex), "%s%s", bstr(t, sizeof(t),
		 "transport-protocol"), bstr(tv, sizeof(tv), "RTP/AVP"));
	ng_req("offer", "srtp-1", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	/* B hears plain RTP/AVP, no key. */
	assert_non_null(strstr(out, " RTP/AVP 0\r\n"));
	assert_int_equal(0, crypto_lines(out, relay, sizeof(relay)));
	rb = sdp_port(out, 0);

	sdp_make(sdp, sizeof(sdp), pb, "RTP/AVP", "a=rtcp-mux\r\n");
	ng_req("answer", "srtp-1", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	/* A hears RTP/SAVP and one line: its tag and suite, the relay's key. */
	assert_non_null(strstr(out, " RTP/SAVP 0\r\n"));
	assert_int_equal(1, crypto_lines(out, relay, sizeof(relay)));
	assert_int_equal(0, strncmp(relay, "a=crypto:5 "
				    "AES_CM_128_HMAC_SHA1_80 inline:", 42));
	key_seen(relay);
	ra = sdp_port(out, 0);

	a_tx = ctx(&ka, true);
	a_rx = ctx_from_line(relay, false);
	/* B is heard first (seed N: nothing goes to a side before). */
	len = rtp_make(pkt, 0, 0xb, 160);
	assert_int_equal(0, ep_send(b, rb, pkt, len));
	/* A -> B: SRTP in, RTP out. */
	len = rtp_make(pkt, 1, 0xa, 160);
	send_srtp(a, ra, a_tx, pkt, len, false, kept, &klen);
	recv_plain(b, pkt, len);
	/* B -> A: RTP in, SRTP out. */
	len = rtp_make(pkt, 1, 0xb, 160);
	assert_int_equal(0, ep_send(b, rb, pkt, len));
	recv_srtp(a, a_rx, pkt, len, false);
	/* SRTCP both ways, multiplexed on the RTP port (RFC 5761). */
	rlen = rtcp_make(rtcp, 0xa);
	send_srtp(a, ra, a_tx, rtcp, rlen, true, NULL, NULL);
	recv_plain(b, rtcp, rlen);
	rlen = rtcp_make(rtcp, 0xb);
	assert_int_equal(0, ep_send(b, rb, rtcp, rlen));
	recv_srtp(a, a_rx, rtcp, rlen, true);

	/* The same packet again, and one with a bit flipped. */
	assert_int_equal(0, ep_send(a, ra, kept, klen));
	len = rtp_make(pkt, 2, 0xa, 160);
	send_srtp(a, ra, a_tx, pkt, len, false, kept, &klen);
	recv_plain(b, pkt, len);
	kept[2] ^= 0x01;	/* sequence 3: not a replay, not authentic */
	kept[40] ^= 0x10;
	assert_int_equal(0, ep_send(a, ra, kept, klen));
	assert_int_equal(0, ep_drain(b, 300));
	s = query_stream("srtp-1", "tagA");
	assert_non_null(lk_bencode_dict_get(s, "crypto suite"));
	suite = lk_bencode_dict_get(s, "crypto suite")->v.s.p;
	assert_int_equal(0, strncmp(suite, "AES_CM_128_HMAC_SHA1_80", 23));
	assert_int_equal(1, stream_stat(s, "srtp auth failed"));
	assert_int_equal(1, stream_stat(s, "srtp replayed"));
	/* ... and in the relay's totals (statistics). */
	assert_int_equal(1, lkd_stat(&d, "srtpauthfailed"));
	assert_int_equal(1, lkd_stat(&d, "srtpreplayed"));
	s = query_stream("srtp-1", "tagB");
	assert_null(lk_bencode_dict_get(s, "crypto suite"));

	/* Re-INVITE from A with a new key: the relay answers with a new one. */
	endpoint_key(&ka2, line, sizeof(line), 1,
		     LK_SRTP_AES_CM_128_HMAC_SHA1_32);
	snprintf(ex, sizeof(ex), "a=rtcp-mux\r\n%s\r\n", line);
	sdp_make(sdp, sizeof(sdp), pa, "RTP/SAVP", ex);
	snprintf(ex, sizeof(ex), "%s%s", bstr(t, sizeof(t),
		 "transport-protocol"), bstr(tv, sizeof(tv), "RTP/AVP"));
	ng_req("offer", "srtp-1", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	sdp_make(sdp, sizeof(sdp), pb, "RTP/AVP", "a=rtcp-mux\r\n");
	ng_req("answer", "srtp-1", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_int_equal(1, crypto_lines(out, line, sizeof(line)));
	assert_int_equal(0, strncmp(line, "a=crypto:1 "
				    "AES_CM_128_HMAC_SHA1_32 inline:", 42));
	assert_string_not_equal(line, relay);
	key_seen(line);
	old_tx = a_tx;
	mem_deref(a_rx);
	a_tx = ctx(&ka2, true);
	a_rx = ctx_from_line(line, false);
	/* New signalling moves both latches: each side is heard again. */
	len = rtp_make(pkt, 2, 0xb, 160);
	assert_int_equal(0, ep_send(b, rb, pkt, len));
	len = rtp_make(pkt, 10, 0xa, 160);
	send_srtp(a, ra, a_tx, pkt, len, false, NULL, NULL);
	recv_plain(b, pkt, len);
	len = rtp_make(pkt, 11, 0xa, 160);
	send_srtp(a, ra, old_tx, pkt, len, false, NULL, NULL);
	assert_int_equal(0, ep_drain(b, 300));
	len = rtp_make(pkt, 3, 0xb, 160);
	assert_int_equal(0, ep_send(b, rb, pkt, len));
	recv_srtp(a, a_rx, pkt, len, false);

	mem_deref(old_tx);
	mem_deref(a_tx);
	mem_deref(a_rx);
	delete_call("srtp-1");
	/* The old key's packet counted; the totals outlive the call. */
	assert_int_equal(2, lkd_stat(&d, "srtpauthfailed"));
	close(a);
	close(b);
}

/*
 * A is clear, B is to be encrypted ("transport-protocol" RTP/SAVP): the
 * relay offers B its own keys, one per suite less those the "SDES" list
 * switched off, and takes B's answer; RTCP on its own ports.
 */
static void clear_caller_to_encrypted_callee(void **state)
{
	char sdp[2048], out[4096], line[LK_SDES_LINE_MAX], first[256], ex[256];
	char t[64], tv[64], o[64], ov[64];
	uint8_t pkt[256], rtcp[64];
	struct lk_srtp *b_tx, *b_rx;
	struct lk_srtp_key kb;
	size_t len;
	uint16_t pa, pb, pac, pbc, ra, rb;
	int a, b, ac, bc;

	(void)state;
	a = ep_open(&pa);
	b = ep_open(&pb);
	ac = ep_open(&pac);
	bc = ep_open(&pbc);
	assert_true(a >= 0 && b >= 0 && ac >= 0 && bc >= 0);
	snprintf(ex, sizeof(ex), "a=rtcp:%u\r\n", pac);
	sdp_make(sdp, sizeof(sdp), pa, "RTP/AVP", ex);
	snprintf(ex, sizeof(ex), "%sl%se%s%s", bstr(o, sizeof(o), "SDES"),
		 bstr(ov, sizeof(ov), "no-AES_CM_128_HMAC_SHA1_32"),
		 bstr(t, sizeof(t), "transport-protocol"),
		 bstr(tv, sizeof(tv), "RTP/SAVP"));
	ng_req("offer", "srtp-2", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_non_null(strstr(out, " RTP/SAVP 0\r\n"));
	assert_true(crypto_lines(out, first, sizeof(first)) >= 3);
	assert_null(strstr(out, "AES_CM_128_HMAC_SHA1_32"));
	assert_int_equal(0, strncmp(first, "a=crypto:1 "
				    "AES_CM_128_HMAC_SHA1_80 inline:", 42));
	key_seen(first);
	rb = sdp_port(out, 0);

	endpoint_key(&kb, line, sizeof(line), 1,
		     LK_SRTP_AES_CM_128_HMAC_SHA1_80);
	snprintf(ex, sizeof(ex), "a=rtcp:%u\r\n%s\r\n", pbc, line);
	sdp_make(sdp, sizeof(sdp), pb, "RTP/SAVP", ex);
	ng_req("answer", "srtp-2", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_non_null(strstr(out, " RTP/AVP 0\r\n"));
	assert_int_equal(0, crypto_lines(out, line, sizeof(line)));
	ra = sdp_port(out, 0);

	b_tx = ctx(&kb, true);
	b_rx = ctx_from_line(first, false);
	len = rtp_make(pkt, 7, 0xa, 80);
	assert_int_equal(0, ep_send(a, ra, pkt, len));
	/* B is not latched yet: the relay sends to B only once heard. */
	assert_int_equal(0, ep_drain(b, 200));
	len = rtp_make(pkt, 1, 0xb, 80);
	send_srtp(b, rb, b_tx, pkt, len, false, NULL, NULL);
	recv_plain(a, pkt, len);
	len = rtp_make(pkt, 8, 0xa, 80);
	assert_int_equal(0, ep_send(a, ra, pkt, len));
	recv_srtp(b, b_rx, pkt, len, false);
	/* SRTCP on the RTCP ports; A's RTCP is heard first. */
	len = rtcp_make(rtcp, 0xa);
	assert_int_equal(0, ep_send(ac, (uint16_t)(ra + 1), rtcp, len));
	len = rtcp_make(rtcp, 0xb);
	send_srtp(bc, (uint16_t)(rb + 1), b_tx, rtcp, len, true, NULL, NULL);
	recv_plain(ac, rtcp, len);
	len = rtcp_make(rtcp, 0xa);
	assert_int_equal(0, ep_send(ac, (uint16_t)(ra + 1), rtcp, len));
	recv_srtp(bc, b_rx, rtcp, len, true);

	mem_deref(b_tx);
	mem_deref(b_rx);
	delete_call("srtp-2");
	close(a);
	close(b);
	close(ac);
	close(bc);
}

/*
 * Both ends encrypt and nothing asks for a change: the a=crypto lines
 * pass through untouched, the packets too, and SRTP headers latch.
 */
static void both_encrypted_pass_through(void **state)
{
	char sdp[2048], out[4096], la[LK_SDES_LINE_MAX], lb[LK_SDES_LINE_MAX];
	char ex[256], got[256];
	uint8_t pkt[256];
	struct lk_srtp_key ka, kb;
	struct lk_srtp *a_tx, *b_rx;
	const struct lk_bencode_node *s;
	size_t len;
	uint16_t pa, pb, ra, rb;
	int a, b;

	(void)state;
	a = ep_open(&pa);
	b = ep_open(&pb);
	endpoint_key(&ka, la, sizeof(la), 1, LK_SRTP_AES_CM_128_HMAC_SHA1_80);
	endpoint_key(&kb, lb, sizeof(lb), 1, LK_SRTP_AES_CM_128_HMAC_SHA1_80);
	snprintf(ex, sizeof(ex), "%s\r\n", la);
	sdp_make(sdp, sizeof(sdp), pa, "RTP/SAVP", ex);
	ng_req("offer", "srtp-3", NULL, sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_int_equal(1, crypto_lines(out, got, sizeof(got)));
	assert_string_equal(la, got);
	rb = sdp_port(out, 0);
	snprintf(ex, sizeof(ex), "%s\r\n", lb);
	sdp_make(sdp, sizeof(sdp), pb, "RTP/SAVP", ex);
	ng_req("answer", "srtp-3", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_int_equal(1, crypto_lines(out, got, sizeof(got)));
	assert_string_equal(lb, got);
	ra = sdp_port(out, 0);

	/* End to end: what A encrypts, B decrypts with A's own key. */
	a_tx = ctx(&ka, true);
	b_rx = ctx(&ka, false);
	len = rtp_make(pkt, 1, 0xa, 160);
	send_srtp(a, ra, a_tx, pkt, len, false, NULL, NULL);
	/* B sends first once, to be latched (seed N). */
	assert_int_equal(0, ep_drain(b, 100));
	assert_int_equal(0, ep_send(b, rb, pkt, 40));
	assert_int_equal(40, ep_recv(a, got, sizeof(got), 1000, NULL));
	len = rtp_make(pkt, 2, 0xa, 160);
	send_srtp(a, ra, a_tx, pkt, len, false, NULL, NULL);
	recv_srtp(b, b_rx, pkt, len, false);
	s = query_stream("srtp-3", "tagA");
	assert_null(lk_bencode_dict_get(s, "crypto suite"));
	assert_int_equal(2, stream_stat(s, "packets"));

	mem_deref(a_tx);
	mem_deref(b_rx);
	delete_call("srtp-3");
	close(a);
	close(b);
}

/*
 * H.460.19 multiplexed media on the encrypted side: B sends its
 * multiplexID and SRTP to the mux port; the relay strips the ID before it
 * decrypts, and puts B's own ID in front of what it encrypts for B.
 */
static void encrypted_side_on_the_multiplexed_port(void **state)
{
	char sdp[2048], out[4096], line[LK_SDES_LINE_MAX], first[256], ex[512];
	char t[64], tv[64], m[64], mv[64];
	_Alignas(4) uint8_t pkt[512], buf[512];
	struct lk_srtp *b_tx, *b_rx;
	struct lk_srtp_key kb;
	uint32_t id;
	size_t len, got;
	uint16_t pa, pb, ra, rb, from;
	ssize_t n;
	int a, b;

	(void)state;
	a = ep_open(&pa);
	b = ep_open(&pb);
	sdp_make(sdp, sizeof(sdp), pa, "RTP/AVP", "");
	snprintf(ex, sizeof(ex), "%sl%se%s%s", bstr(m, sizeof(m),
		 "latchkey-mux"), bstr(mv, sizeof(mv), "offer"),
		 bstr(t, sizeof(t), "transport-protocol"),
		 bstr(tv, sizeof(tv), "RTP/SAVP"));
	ng_req("offer", "srtp-mux", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	rb = sdp_port(out, 0);
	assert_int_equal(52400, rb);
	id = sdp_muxid(out, 0);
	assert_true(id != 0);
	assert_true(crypto_lines(out, first, sizeof(first)) >= 1);
	key_seen(first);

	endpoint_key(&kb, line, sizeof(line), 1,
		     LK_SRTP_AES_CM_128_HMAC_SHA1_80);
	snprintf(ex, sizeof(ex), "%s\r\na=x-latchkey-muxid:305419896\r\n",
		 line);
	sdp_make(sdp, sizeof(sdp), pb, "RTP/SAVP", ex);
	ng_req("answer", "srtp-mux", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	ra = sdp_port(out, 0);
	b_tx = ctx(&kb, true);
	b_rx = ctx_from_line(first, false);

	/* A heard first; then B: multiplexID, then SRTP. */
	assert_int_equal(0, ep_send(a, ra, pkt, rtp_make(pkt, 1, 0xa, 40)));
	len = rtp_make(pkt + 4, 1, 0xb, 160);
	assert_int_equal(0, lk_srtp_protect(b_tx, pkt + 4, &len,
					    sizeof(pkt) - 4, false));
	pkt[0] = (uint8_t)(id >> 24); pkt[1] = (uint8_t)(id >> 16);
	pkt[2] = (uint8_t)(id >> 8); pkt[3] = (uint8_t)id;
	assert_int_equal(0, ep_send(b, rb, pkt, 4 + len));
	len = rtp_make(buf, 1, 0xb, 160);
	recv_plain(a, buf, len);
	/* A to B: encrypted, B's multiplexID in front, from the mux port. */
	len = rtp_make(pkt, 2, 0xa, 160);
	assert_int_equal(0, ep_send(a, ra, pkt, len));
	n = ep_recv(b, buf, sizeof(buf), 1000, &from);
	assert_true(n > 4 + (ssize_t)len);
	assert_int_equal(52400, from);
	assert_int_equal(0x12, buf[0]);		/* 305419896 = 0x12345678 */
	assert_int_equal(0x78, buf[3]);
	got = (size_t)n - 4;
	memmove(buf, buf + 4, got);
	assert_int_equal(0, lk_srtp_unprotect(b_rx, buf, &got, false));
	assert_int_equal(len, got);
	assert_memory_equal(pkt, buf, len);

	mem_deref(b_tx);
	mem_deref(b_rx);
	delete_call("srtp-mux");
	close(a);
	close(b);
}

/*
 * What cannot be satisfied is refused with a reason; what latchkey does
 * not implement is a warning.
 */
static void refusals_and_warnings(void **state)
{
	char sdp[2048], out[512], ex[512], t[64], tv[64], o[64], ov[64];
	char x[64], xv[64];
	uint16_t pa;
	int a;

	(void)state;
	a = ep_open(&pa);
	/* Only a suite latchkey does not speak. */
	sdp_make(sdp, sizeof(sdp), pa, "RTP/SAVP", "a=crypto:1 "
		 "F8_128_HMAC_SHA1_80 inline:4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rt"
		 "pYLOqvm\r\n");
	snprintf(ex, sizeof(ex), "%s%s", bstr(t, sizeof(t),
		 "transport-protocol"), bstr(tv, sizeof(tv), "RTP/AVP"));
	ng_req("offer", "srtp-4", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "error"));
	lkd_str(&d, "error-reason", out, sizeof(out));
	assert_int_equal(0, strncmp(out, "SRTP negotiation failed: ", 25));
	assert_null(strstr(out, "4fl6DT4B"));

	/* An answer whose tag the relay never offered. */
	sdp_make(sdp, sizeof(sdp), pa, "RTP/AVP", "");
	snprintf(ex, sizeof(ex), "%s%s", bstr(t, sizeof(t),
		 "transport-protocol"), bstr(tv, sizeof(tv), "RTP/SAVP"));
	ng_req("offer", "srtp-5", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	sdp_make(sdp, sizeof(sdp), pa, "RTP/SAVP", "a=crypto:42 "
		 "AES_CM_128_HMAC_SHA1_80 inline:4fl6DT4Bi+DWT6MsBt5BOQ7Gda1J"
		 "iv7rtpYLOqvm\r\n");
	ng_req("answer", "srtp-5", "tagB", sdp, NULL);
	assert_true(lkd_result_is(&d, "error"));
	lkd_str(&d, "error-reason", out, sizeof(out));
	assert_int_equal(0, strncmp(out, "SRTP negotiation failed: ", 25));
	assert_null(strstr(out, "4fl6DT4B"));
	delete_call("srtp-5");

	/* DTLS other than off, an unknown SDES option, a foreign transport. */
	sdp_make(sdp, sizeof(sdp), pa, "RTP/AVP", "");
	snprintf(ex, sizeof(ex), "%s%s%sl%se%s%s", bstr(x, sizeof(x), "DTLS"),
		 bstr(xv, sizeof(xv), "passive"), bstr(o, sizeof(o), "SDES"),
		 bstr(ov, sizeof(ov), "lifetime"),
		 bstr(t, sizeof(t), "transport-protocol"),
		 bstr(tv, sizeof(tv), "UDP/TLS/RTP/SAVP"));
	ng_req("offer", "srtp-6", NULL, sdp, ex);
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "warning", out, sizeof(out));
	assert_non_null(strstr(out, "DTLS"));
	assert_non_null(strstr(out, "SDES option \"lifetime\""));
	assert_non_null(strstr(out, "transport-protocol"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_non_null(strstr(out, " RTP/AVP 0"));
	delete_call("srtp-6");
	close(a);
}

/* Last: no key that went through the relay is in its log. */
static void no_key_in_the_log(void **state)
{
	char *log;
	long n;
	FILE *f;
	unsigned i;

	(void)state;
	assert_true(nkeys >= 6);
	f = fopen(d.log_path, "r");
	assert_non_null(f);
	assert_int_equal(0, fseek(f, 0, SEEK_END));
	n = ftell(f);
	rewind(f);
	log = calloc(1, (size_t)n + 1);
	assert_non_null(log);
	assert_int_equal((size_t)n, fread(log, 1, (size_t)n, f));
	fclose(f);
	/* The log is not empty: debug logging saw the calls. */
	assert_non_null(strstr(log, "srtp-1"));
	for (i = 0; i < nkeys; i++)
		assert_null(strstr(log, keys_seen[i]));
	free(log);
}

static int group_setup(void **state)
{
	(void)state;
	if (lk_srtp_init())
		return -1;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encrypted_caller_to_clear_callee),
		cmocka_unit_test(clear_caller_to_encrypted_callee),
		cmocka_unit_test(both_encrypted_pass_through),
		cmocka_unit_test(encrypted_side_on_the_multiplexed_port),
		cmocka_unit_test(refusals_and_warnings),
		cmocka_unit_test(no_key_in_the_log),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
