/* tests/fuzz/fuzz_demux.c  libFuzzer: media-port demux, mux, STUN, latch. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "demux.h"
#include "latch.h"
#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a crash: libFuzzer keeps the input. */
#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* RTP and RTCP: the parsers agree with classify() and add up. */
static void rtp_rtcp(const uint8_t *p, size_t n)
{
	enum lk_pkt k = lk_demux_classify(p, n);
	struct lk_rtcp_hdr c;
	struct lk_rtp_hdr h;
	int err;

	CHECK(k >= LK_PKT_DROP && k < LK_PKT__MAX);
	CHECK(lk_demux_pkt_name(k) != NULL);

	err = lk_demux_rtp_parse(&h, p, n, 0);
	CHECK((err == 0) == (k == LK_PKT_RTP));
	if (!err) {
		CHECK(h.hdr_len >= LK_DEMUX_RTP_MIN && h.hdr_len <= n);
		CHECK(h.pad_len == 0 && h.hdr_len + h.payload_len == n);
	}
	err = lk_demux_rtp_parse(&h, p, n, LK_RTP_PLAIN);
	if (!err) {
		CHECK(k == LK_PKT_RTP);
		CHECK(h.hdr_len + h.pad_len + h.payload_len == n);
		CHECK(!h.padding || h.pad_len >= 1);
		(void)lk_demux_rtp_is_keepalive(&h, -1);
		(void)lk_demux_rtp_is_keepalive(&h, n ? p[n - 1] & 0x7f : 0);
	}

	err = lk_demux_rtcp_parse(&c, p, n);
	CHECK((err == 0) == (k == LK_PKT_RTCP));
	if (!err)
		CHECK(c.pkt_len >= LK_DEMUX_RTCP_MIN && c.pkt_len <= n);
}

/* A source address made of input octets: IPv4, IPv6 or IPv4-mapped. */
static socklen_t source(struct sockaddr_storage *ss, const uint8_t *p,
			size_t n)
{
	uint8_t b[20] = { 0 };

	memcpy(b, p, n < sizeof(b) ? n : sizeof(b));
	memset(ss, 0, sizeof(*ss));
	if ((b[0] & 3) == 0) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_port, b + 1, 2);
		memcpy(&in->sin_addr, b + 3, 4);
		return sizeof(*in);
	}
	else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_port, b + 1, 2);
		memcpy(&in6->sin6_addr, b + 3, 16);
		if ((b[0] & 3) == 1) {
			memset(&in6->sin6_addr, 0, 10);
			in6->sin6_addr.s6_addr[10] = 0xff;
			in6->sin6_addr.s6_addr[11] = 0xff;
		}
		in6->sin6_scope_id = b[19] & 1;
		return sizeof(*in6);
	}
}

/* STUN: answer what is answerable into a bounded buffer; the answer must
 * be a valid STUN message itself. */
static void stun(const uint8_t *p, size_t n)
{
	struct sockaddr_storage ss;
	struct lk_stun_req req;
	enum lk_stun_msg m;
	uint8_t *out;
	size_t len = 0, small;
	socklen_t sl;

	m = lk_stun_classify(&req, p, n);
	CHECK(m >= LK_STUN_MALFORMED && m < LK_STUN__MAX);
	if (m != LK_STUN_BINDING_REQUEST)
		return;

	sl = source(&ss, p + 8, n - 8);
	out = malloc(LK_STUN_RESPONSE_MAX);
	if (!out)
		return;
	CHECK(lk_stun_binding_response(out, LK_STUN_RESPONSE_MAX, &len, &req,
				       (struct sockaddr *)&ss, sl) == 0);
	CHECK(len >= 32 && len <= LK_STUN_RESPONSE_MAX);
	CHECK(lk_stun_classify(NULL, out, len) == LK_STUN_OTHER);
	free(out);

	/* A buffer that may be too small, exact size so ASan sees it. */
	small = n % (LK_STUN_RESPONSE_MAX + 1);
	out = malloc(small ? small : 1);
	if (!out)
		return;
	(void)lk_stun_binding_response(out, small, &len, &req,
				       (struct sockaddr *)&ss, sl);
	free(out);
}

/* H.460.19: parse, then strip and prepend in place and get the same
 * octets back. */
static void mux(const uint8_t *p, size_t n)
{
	const uint8_t *inner;
	size_t inner_len, len;
	uint8_t *buf, *q;
	uint32_t id, id2;

	if (lk_demux_mux_parse(&id, &inner, &inner_len, p, n))
		return;
	CHECK(inner == p + LK_MUX_HDR_LEN && inner_len + 4 == n);
	rtp_rtcp(inner, inner_len);
	stun(inner, inner_len);

	buf = malloc(n);
	if (!buf)
		return;
	memcpy(buf, p, n);
	q = buf;
	len = n;
	CHECK(lk_demux_mux_strip(&id2, &q, &len) == 0 && id2 == id);
	CHECK(lk_demux_mux_prepend(&q, &len, (size_t)(q - buf), id) == 0);
	CHECK(q == buf && len == n && memcmp(buf, p, n) == 0);
	free(buf);
}

/*
 * Latch: every 4 octets are one packet (source, class, time step).  Check
 * that nothing foreign ever gets through and that the target is the last
 * accepted source of a symmetric latch.
 */
static void latch(const uint8_t *p, size_t n)
{
	struct sockaddr_storage srcs[4];
	socklen_t lens[4];
	struct lk_latch l;
	uint64_t now = 0;
	size_t i;

	if (n < 1 || lk_latch_init(&l, p[0] & 7))
		return;
	if (p[0] & 8)
		CHECK(lk_latch_set_handover(&l, 1 + (p[0] >> 6), 50) == 0);
	for (i = 0; i < 4; i++)
		lens[i] = source(&srcs[i], p + (i * 5) % n, n - (i * 5) % n);
	(void)lk_latch_set_sdp(&l, (struct sockaddr *)&srcs[3], lens[3]);

	for (i = 1; i + 4 <= n; i += 4) {
		unsigned s = p[i] & 3;
		enum lk_pkt kind = (enum lk_pkt)(p[i + 1] % LK_PKT__MAX);
		enum lk_latch_verdict v;
		socklen_t tl;
		bool wasl;

		now += p[i + 2];
		if (p[i + 3] == 0xff)
			lk_latch_reset(&l);
		wasl = lk_latch_is_latched(&l);
		v = lk_latch_input(&l, (struct sockaddr *)&srcs[s], lens[s],
				   kind, now);
		CHECK(v <= LK_LATCH_DROP_INVALID);
		if (v == LK_LATCH_LATCHED_NOW)
			CHECK(!wasl);
		if (v == LK_LATCH_RELATCHED)
			CHECK(wasl && (l.flags & LK_LATCH_MEDIA_HANDOVER));
		if ((v == LK_LATCH_ACCEPT || v == LK_LATCH_LATCHED_NOW ||
		     v == LK_LATCH_RELATCHED) &&
		    !(l.flags & LK_LATCH_ASYMMETRIC)) {
			const struct sockaddr *t = lk_latch_target(&l, &tl);

			CHECK(t != NULL && lk_latch_is_latched(&l));
			CHECK(lk_latch_input(&l, t, tl, LK_PKT_RTP, now) ==
			      LK_LATCH_ACCEPT);
		}
	}
	/* Without handover, every latch but the first follows a reset. */
	if (!(l.flags & LK_LATCH_MEDIA_HANDOVER))
		CHECK(l.stats.relatches ==
		      (l.stats.latches ? l.stats.latches - 1 : 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p;

	/* An exact-size copy: any read past `size` is a heap overflow. */
	p = malloc(size ? size : 1);
	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);

	rtp_rtcp(p, size);
	stun(p, size);
	mux(p, size);
	latch(p, size);

	free(p);

	return 0;
}
