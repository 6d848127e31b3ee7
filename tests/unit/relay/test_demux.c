/* tests/unit/relay/test_demux.c  RFC 7983 classes, RTP/RTCP, H.460.19 mux. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "demux.h"

/* A G.711 RTP packet: V=2, PT 0, seq 0x1234, ts 0xdeadbeef, SSRC
 * 0x01020304, and 160 octets of payload after it. */
static size_t rtp_pcmu(uint8_t *p, size_t size)
{
	static const uint8_t hdr[12] = {
		0x80, 0x00, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
		0x01, 0x02, 0x03, 0x04,
	};

	assert_true(size >= 172);
	memcpy(p, hdr, sizeof(hdr));
	memset(p + 12, 0xd5, 160);

	return 172;
}

static void first_octet_boundaries(void **state)
{
	static const struct {
		uint8_t b;
		enum lk_pkt want;
	} cases[] = {
		{ 0, LK_PKT_STUN },	{ 3, LK_PKT_STUN },
		{ 4, LK_PKT_DROP },	{ 15, LK_PKT_DROP },
		{ 16, LK_PKT_ZRTP },	{ 19, LK_PKT_ZRTP },
		{ 20, LK_PKT_DTLS },	{ 63, LK_PKT_DTLS },
		{ 64, LK_PKT_TURN_CHANNEL }, { 79, LK_PKT_TURN_CHANNEL },
		{ 80, LK_PKT_DROP },	{ 127, LK_PKT_DROP },
		{ 128, LK_PKT_RTP },	{ 191, LK_PKT_RTP },
		{ 192, LK_PKT_DROP },	{ 255, LK_PKT_DROP },
	};
	/* Zeros after the first octet: for 191 (P, X, CC 15) the header is
	 * 12 + 60 + 4 octets with an empty extension, inside 128. */
	uint8_t p[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(p, 0, sizeof(p));
		p[0] = cases[i].b;
		assert_int_equal(cases[i].want,
				 lk_demux_classify(p, sizeof(p)));
	}
}

static void every_first_octet_has_one_class(void **state)
{
	uint8_t p[128];
	unsigned b;

	(void)state;
	for (b = 0; b < 256; b++) {
		enum lk_pkt want;

		if (b <= 3)
			want = LK_PKT_STUN;
		else if (b >= 16 && b <= 19)
			want = LK_PKT_ZRTP;
		else if (b >= 20 && b <= 63)
			want = LK_PKT_DTLS;
		else if (b >= 64 && b <= 79)
			want = LK_PKT_TURN_CHANNEL;
		else if (b >= 128 && b <= 191)
			want = LK_PKT_RTP;
		else
			want = LK_PKT_DROP;
		memset(p, 0, sizeof(p));
		p[0] = (uint8_t)b;
		assert_int_equal(want, lk_demux_classify(p, sizeof(p)));
	}
}

static void minimum_lengths(void **state)
{
	uint8_t p[32];

	(void)state;
	memset(p, 0, sizeof(p));
	assert_int_equal(LK_PKT_DROP, lk_demux_classify(NULL, 10));
	assert_int_equal(LK_PKT_DROP, lk_demux_classify(p, 0));

	p[0] = 0x00;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 19));
	assert_int_equal(LK_PKT_STUN, lk_demux_classify(p, 20));
	p[0] = 16;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 11));
	assert_int_equal(LK_PKT_ZRTP, lk_demux_classify(p, 12));
	p[0] = 22;	/* DTLS handshake record */
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 12));
	assert_int_equal(LK_PKT_DTLS, lk_demux_classify(p, 13));
	p[0] = 0x40;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 3));
	assert_int_equal(LK_PKT_TURN_CHANNEL, lk_demux_classify(p, 4));

	p[0] = 0x80;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 1));
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 11));
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(p, 12));
	p[1] = 201;	/* RR, no report block: header and SSRC */
	p[3] = 1;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 7));
	assert_int_equal(LK_PKT_RTCP, lk_demux_classify(p, 8));
	p[3] = 0;	/* length 0: 4 octets, no SSRC */
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 8));
}

static void second_octet_rtp_or_rtcp(void **state)
{
	static const struct {
		uint8_t b;
		enum lk_pkt want;
	} cases[] = {
		{ 0, LK_PKT_RTP },	/* PT 0 */
		{ 127, LK_PKT_RTP },	/* PT 127 */
		{ 128, LK_PKT_RTP },	/* M, PT 0 */
		{ 191, LK_PKT_RTP },	/* M, PT 63 */
		{ 192, LK_PKT_RTCP },	/* FIR (RFC 2032), first RTCP type */
		{ 200, LK_PKT_RTCP },	/* SR */
		{ 223, LK_PKT_RTCP },	/* last of RFC 5761's range */
		{ 224, LK_PKT_RTP },	/* M, PT 96 */
		{ 255, LK_PKT_RTP },	/* M, PT 127 */
	};
	uint8_t p[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(p, 0, sizeof(p));
		p[0] = 0x80;
		p[1] = cases[i].b;
		p[3] = 1;	/* RTCP length: 2 words, 8 octets */
		assert_int_equal(cases[i].want,
				 lk_demux_classify(p, sizeof(p)));
	}
}

static void rtp_header_fields(void **state)
{
	struct lk_rtp_hdr h;
	uint8_t p[200];
	size_t len;

	(void)state;
	len = rtp_pcmu(p, sizeof(p));
	p[1] = 0x80 | 8;	/* marker, PCMA */
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(p, len));
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, len, LK_RTP_PLAIN));
	assert_int_equal(8, h.pt);
	assert_true(h.marker);
	assert_false(h.padding);
	assert_false(h.ext);
	assert_int_equal(0, h.cc);
	assert_int_equal(0x1234, h.seq);
	assert_int_equal(0xdeadbeef, h.ts);
	assert_int_equal(0x01020304, h.ssrc);
	assert_int_equal(12, h.hdr_len);
	assert_int_equal(0, h.pad_len);
	assert_int_equal(160, h.payload_len);
}

static void rtp_csrc_past_end(void **state)
{
	struct lk_rtp_hdr h;
	uint8_t p[64];

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 0x82;	/* two CSRCs: 20 octets of header */
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 19));
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 19, 0));
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(p, 20));
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 20, 0));
	assert_int_equal(20, h.hdr_len);
	assert_int_equal(0, h.payload_len);

	p[0] = 0x8f;	/* 15 CSRCs: 72 octets, more than we have */
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, sizeof(p)));
}

static void rtp_extension_past_end(void **state)
{
	struct lk_rtp_hdr h;
	uint8_t p[64];

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 0x90;	/* X: extension header at 12 */
	/* No room for the extension header itself. */
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 12));
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 15, 0));

	/* One-byte header extension (RFC 8285), one word of data. */
	p[12] = 0xbe;
	p[13] = 0xde;
	p[15] = 1;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, 19));
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 19, 0));
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 20, 0));
	assert_true(h.ext);
	assert_int_equal(0xbede, h.ext_profile);
	assert_int_equal(4, h.ext_len);
	assert_int_equal(20, h.hdr_len);

	/* The largest extension length: 65535 words, far past the end. */
	p[14] = 0xff;
	p[15] = 0xff;
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(p, sizeof(p)));

	/* CSRCs and extension together: 12 + 8 + 4 + 4. */
	p[0] = 0x92;
	p[20] = 0xbe;
	p[21] = 0xde;
	p[22] = 0;
	p[23] = 1;
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 27, 0));
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 28, 0));
	assert_int_equal(28, h.hdr_len);
}

static void rtp_padding(void **state)
{
	struct lk_rtp_hdr h;
	uint8_t p[200];
	size_t len;

	(void)state;
	len = rtp_pcmu(p, sizeof(p));
	p[0] |= 0x20;

	/* A count of 4: the last four octets are padding. */
	p[len - 1] = 4;
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, len, LK_RTP_PLAIN));
	assert_true(h.padding);
	assert_int_equal(4, h.pad_len);
	assert_int_equal(156, h.payload_len);

	/* Without LK_RTP_PLAIN (it might be SRTP) padding is not read. */
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, len, 0));
	assert_int_equal(0, h.pad_len);
	assert_int_equal(160, h.payload_len);

	/* All of the payload is padding: allowed. */
	p[len - 1] = 160;
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, len, LK_RTP_PLAIN));
	assert_int_equal(0, h.payload_len);

	/* More padding than payload, or a count of 0: malformed. */
	p[len - 1] = 161;
	assert_int_equal(EBADMSG,
			 lk_demux_rtp_parse(&h, p, len, LK_RTP_PLAIN));
	p[len - 1] = 0;
	assert_int_equal(EBADMSG,
			 lk_demux_rtp_parse(&h, p, len, LK_RTP_PLAIN));
	/* classify() cannot know it is not SRTP: it passes. */
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(p, len));

	/* P set and nothing after the header. */
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 12, LK_RTP_PLAIN));
}

static void rtp_parse_rejects(void **state)
{
	struct lk_rtp_hdr h;
	uint8_t p[32];

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 0x80;
	assert_int_equal(EINVAL, lk_demux_rtp_parse(NULL, p, 12, 0));
	assert_int_equal(EINVAL, lk_demux_rtp_parse(&h, NULL, 12, 0));
	assert_int_equal(EINVAL, lk_demux_rtp_parse(&h, p, 12, 0x80));
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 0, 0));
	assert_int_equal(EBADMSG, lk_demux_rtp_parse(&h, p, 1, 0));
	p[1] = 200;	/* an SR, not RTP */
	assert_int_equal(EPROTO, lk_demux_rtp_parse(&h, p, 12, 0));
	p[1] = 0;
	p[0] = 0x40;	/* version 1 */
	assert_int_equal(EPROTO, lk_demux_rtp_parse(&h, p, 12, 0));
	p[0] = 0xc0;	/* version 3 */
	assert_int_equal(EPROTO, lk_demux_rtp_parse(&h, p, 12, 0));
}

static void rtcp_headers(void **state)
{
	/* SR with no report blocks (28 octets) then an SDES with one
	 * CNAME chunk, as a compound (RFC 3550 s.6.1). */
	static const uint8_t compound[] = {
		0x80, 0xc8, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04,
		0xe6, 0x2b, 0x36, 0x58, 0x80, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x06, 0x40,
		0x81, 0xca, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04,
		0x01, 0x04, 0x61, 0x40, 0x62, 0x63, 0x00, 0x00,
	};
	/* RR with one report block: RC 1, 8 words. */
	uint8_t rr[32];
	struct lk_rtcp_hdr h;

	(void)state;
	assert_int_equal(LK_PKT_RTCP,
			 lk_demux_classify(compound, sizeof(compound)));
	assert_int_equal(0, lk_demux_rtcp_parse(&h, compound,
						sizeof(compound)));
	assert_int_equal(200, h.pt);
	assert_int_equal(0, h.count);
	assert_int_equal(6, h.length);
	assert_int_equal(28, h.pkt_len);
	assert_int_equal(0x01020304, h.ssrc);

	memset(rr, 0, sizeof(rr));
	rr[0] = 0x81;
	rr[1] = 201;
	rr[3] = 7;
	assert_int_equal(0, lk_demux_rtcp_parse(&h, rr, sizeof(rr)));
	assert_int_equal(201, h.pt);
	assert_int_equal(1, h.count);
	assert_int_equal(32, h.pkt_len);

	/* The length field runs past the datagram. */
	rr[3] = 8;
	assert_int_equal(EBADMSG, lk_demux_rtcp_parse(&h, rr, sizeof(rr)));
	assert_int_equal(LK_PKT_MALFORMED, lk_demux_classify(rr, sizeof(rr)));
	rr[2] = 0xff;
	rr[3] = 0xff;
	assert_int_equal(EBADMSG, lk_demux_rtcp_parse(&h, rr, sizeof(rr)));

	/* Shorter than header + SSRC, in the datagram or the length
	 * field (found by fuzz_demux: the SSRC came from the next packet). */
	rr[2] = 0;
	rr[3] = 0;
	assert_int_equal(EBADMSG, lk_demux_rtcp_parse(&h, rr, sizeof(rr)));
	rr[3] = 7;
	assert_int_equal(EBADMSG, lk_demux_rtcp_parse(&h, rr, 7));
	assert_int_equal(EBADMSG, lk_demux_rtcp_parse(&h, rr, 0));

	/* An RTP packet is not RTCP. */
	rr[1] = 0;
	assert_int_equal(EPROTO, lk_demux_rtcp_parse(&h, rr, sizeof(rr)));
	assert_int_equal(EINVAL, lk_demux_rtcp_parse(NULL, rr, sizeof(rr)));
}

static void keepalive(void **state)
{
	uint8_t p[64];
	struct lk_rtp_hdr h;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0] = 0x80;
	p[1] = 120;	/* a negotiated keepAlivePayloadType */
	p[3] = 7;
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(p, 12));
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 12, LK_RTP_PLAIN));
	assert_true(lk_demux_rtp_is_keepalive(&h, -1));
	assert_true(lk_demux_rtp_is_keepalive(&h, 120));
	assert_false(lk_demux_rtp_is_keepalive(&h, 121));

	/* One octet of payload is media. */
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 13, LK_RTP_PLAIN));
	assert_false(lk_demux_rtp_is_keepalive(&h, -1));

	/* Padding only: not the empty packet H.460.19 sends. */
	p[0] = 0xa0;
	p[15] = 4;
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 16, LK_RTP_PLAIN));
	assert_int_equal(0, h.payload_len);
	assert_false(lk_demux_rtp_is_keepalive(&h, -1));

	/* SRTP: an empty payload still has a 10-octet tag after it. */
	p[0] = 0x80;
	assert_int_equal(0, lk_demux_rtp_parse(&h, p, 22, 0));
	assert_false(lk_demux_rtp_is_keepalive(&h, -1));

	assert_false(lk_demux_rtp_is_keepalive(NULL, -1));
}

static void mux_round_trip(void **state)
{
	uint8_t buf[LK_MUX_HDR_LEN + 200];
	uint8_t *rtp = buf + LK_MUX_HDR_LEN, *p = rtp;
	size_t rtplen, len, inner_len;
	const uint8_t *inner;
	uint32_t id;

	(void)state;
	memset(buf, 0x55, sizeof(buf));
	rtplen = rtp_pcmu(rtp, sizeof(buf) - LK_MUX_HDR_LEN);
	len = rtplen;

	/* Prepend: the packet does not move, only the pointer. */
	assert_int_equal(0, lk_demux_mux_prepend(&p, &len, LK_MUX_HDR_LEN,
						 0x00000102));
	assert_ptr_equal(buf, p);
	assert_int_equal(rtplen + 4, len);
	assert_int_equal(0x00, buf[0]);
	assert_int_equal(0x00, buf[1]);
	assert_int_equal(0x01, buf[2]);
	assert_int_equal(0x02, buf[3]);

	/* A small multiplexID starts with 0: the outer packet reads as
	 * STUN, which is why mux ports are stripped before classify. */
	assert_int_equal(LK_PKT_STUN, lk_demux_classify(p, len));

	assert_int_equal(0, lk_demux_mux_parse(&id, &inner, &inner_len, p,
					       len));
	assert_int_equal(0x00000102, id);
	assert_ptr_equal(rtp, inner);
	assert_int_equal(rtplen, inner_len);
	assert_int_equal(LK_PKT_RTP, lk_demux_classify(inner, inner_len));

	/* Strip in place, then rewrite with the far side's ID. */
	assert_int_equal(0, lk_demux_mux_strip(&id, &p, &len));
	assert_int_equal(0x00000102, id);
	assert_ptr_equal(rtp, p);
	assert_int_equal(rtplen, len);
	assert_int_equal(0, lk_demux_mux_prepend(&p, &len, LK_MUX_HDR_LEN,
						 0xfedcba98));
	assert_int_equal(0, lk_demux_mux_parse(&id, &inner, &inner_len, p,
					       len));
	assert_int_equal(0xfedcba98, id);
	assert_memory_equal(rtp, inner, rtplen);

	/* 0 is taken as it comes (see demux.h). */
	p = rtp;
	len = rtplen;
	assert_int_equal(0, lk_demux_mux_prepend(&p, &len, 4, LK_MUX_ID_NONE));
	assert_int_equal(0, lk_demux_mux_strip(&id, &p, &len));
	assert_int_equal(0, id);
}

static void mux_too_short(void **state)
{
	uint8_t buf[16] = { 0x00, 0x00, 0x00, 0x07, 0x80 };
	const uint8_t *inner = NULL;
	size_t n, inner_len = 99, len;
	uint32_t id = 99;
	uint8_t *p;

	(void)state;
	for (n = 0; n <= LK_MUX_HDR_LEN; n++) {
		assert_int_equal(EBADMSG, lk_demux_mux_parse(&id, &inner,
							     &inner_len, buf,
							     n));
		p = buf;
		len = n;
		assert_int_equal(EBADMSG, lk_demux_mux_strip(&id, &p, &len));
		assert_ptr_equal(buf, p);
		assert_int_equal(n, len);
	}
	assert_int_equal(99, id);
	assert_null(inner);
	assert_int_equal(99, inner_len);

	/* One octet after the multiplexID is enough for the parser. */
	assert_int_equal(0, lk_demux_mux_parse(&id, &inner, &inner_len, buf,
					       5));
	assert_int_equal(7, id);
	assert_int_equal(1, inner_len);

	/* No headroom: nothing moves, nothing is written. */
	p = buf + 3;
	len = 4;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(ENOBUFS, lk_demux_mux_prepend(&p, &len, 3, 1));
	assert_ptr_equal(buf + 3, p);
	assert_int_equal(4, len);
	for (n = 0; n < sizeof(buf); n++)
		assert_int_equal(0, buf[n]);

	len = 0;
	p = buf + 4;
	assert_int_equal(EINVAL, lk_demux_mux_prepend(&p, &len, 4, 1));
	assert_int_equal(EINVAL, lk_demux_mux_prepend(NULL, &len, 4, 1));
	assert_int_equal(EINVAL, lk_demux_mux_parse(NULL, &inner, &inner_len,
						    buf, 8));
	assert_int_equal(EINVAL, lk_demux_mux_strip(&id, NULL, &len));
}

static void names(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < LK_PKT__MAX; i++) {
		assert_non_null(lk_demux_pkt_name((enum lk_pkt)i));
		assert_string_not_equal("?", lk_demux_pkt_name((enum lk_pkt)i));
		for (j = 0; j < i; j++)
			assert_string_not_equal(
				lk_demux_pkt_name((enum lk_pkt)i),
				lk_demux_pkt_name((enum lk_pkt)j));
	}
	assert_string_equal("?", lk_demux_pkt_name(LK_PKT__MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_octet_boundaries),
		cmocka_unit_test(every_first_octet_has_one_class),
		cmocka_unit_test(minimum_lengths),
		cmocka_unit_test(second_octet_rtp_or_rtcp),
		cmocka_unit_test(rtp_header_fields),
		cmocka_unit_test(rtp_csrc_past_end),
		cmocka_unit_test(rtp_extension_past_end),
		cmocka_unit_test(rtp_padding),
		cmocka_unit_test(rtp_parse_rejects),
		cmocka_unit_test(rtcp_headers),
		cmocka_unit_test(keepalive),
		cmocka_unit_test(mux_round_trip),
		cmocka_unit_test(mux_too_short),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
