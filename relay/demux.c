/* relay/demux.c  What a media-port datagram is: RFC 7983, RTP, RTCP, mux. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "demux.h"

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* RFC 5761 s.4: RTCP packet types 192..223 sit where RTP's M bit and
 * payload types 64..95 would be; RTP must not use those on a shared port. */
static inline bool second_octet_is_rtcp(uint8_t b)
{
	return b >= 192 && b <= 223;
}

/*
 * The RTP header length (fixed + CSRCs + extension) if it ends inside the
 * datagram.  The caller has checked the version.  The extension length is
 * at most 65535 words, so the sum cannot overflow a size_t.
 */
static int rtp_header_len(size_t *hlenp, const uint8_t *p, size_t len)
{
	size_t hlen;

	if (len < LK_DEMUX_RTP_MIN)
		return EBADMSG;

	hlen = LK_DEMUX_RTP_MIN + 4 * (size_t)(p[0] & 0x0f);
	if (p[0] & 0x10) {
		/* RFC 3550 s.5.3.1: 16-bit profile word, 16-bit length in
		 * 32-bit words, not counting this 4-octet header. */
		if (len < hlen + 4)
			return EBADMSG;
		hlen += 4 + 4 * (size_t)rd16(p + hlen + 2);
	}
	if (hlen > len)
		return EBADMSG;

	*hlenp = hlen;

	return 0;
}

/*
 * The length of the first RTCP packet if it holds at least a header and an
 * SSRC and ends inside the datagram.  A length field of 0 (4 octets, a BYE
 * or SDES with no source) cannot start a compound (RFC 3550 s.6.1: SR or
 * RR first) nor an SRTCP packet (RFC 3711 s.3.4: the SSRC is in clear).
 */
static int rtcp_packet_len(size_t *plenp, const uint8_t *p, size_t len)
{
	size_t plen;

	if (len < LK_DEMUX_RTCP_MIN)
		return EBADMSG;

	plen = ((size_t)rd16(p + 2) + 1) * 4;
	if (plen < LK_DEMUX_RTCP_MIN || plen > len)
		return EBADMSG;

	*plenp = plen;

	return 0;
}

static enum lk_pkt at_least(size_t len, size_t min, enum lk_pkt pkt)
{
	return len >= min ? pkt : LK_PKT_MALFORMED;
}

/* First octet decides the protocol: RFC 7983 s.7; RTCP vs RTP: RFC 5761 s.4. */
enum lk_pkt lk_demux_classify(const uint8_t *p, size_t len)
{
	size_t n;
	uint8_t b;

	if (!p || !len)
		return LK_PKT_DROP;

	b = p[0];
	if (b >= 128 && b <= 191) {
		/* 10xxxxxx: version 2, the only one RFC 3550 defines. */
		if (len < 2)
			return LK_PKT_MALFORMED;
		if (second_octet_is_rtcp(p[1]))
			return rtcp_packet_len(&n, p, len) ? LK_PKT_MALFORMED
							   : LK_PKT_RTCP;
		return rtp_header_len(&n, p, len) ? LK_PKT_MALFORMED
						  : LK_PKT_RTP;
	}
	if (b <= 3)
		return at_least(len, LK_DEMUX_STUN_MIN, LK_PKT_STUN);
	if (b >= 16 && b <= 19)
		return at_least(len, LK_DEMUX_ZRTP_MIN, LK_PKT_ZRTP);
	if (b >= 20 && b <= 63)
		return at_least(len, LK_DEMUX_DTLS_MIN, LK_PKT_DTLS);
	if (b >= 64 && b <= 79)
		return at_least(len, LK_DEMUX_TURN_MIN, LK_PKT_TURN_CHANNEL);

	/* 4..15, 80..127, 192..255: RFC 7983 s.7 says drop. */
	return LK_PKT_DROP;
}

const char *lk_demux_pkt_name(enum lk_pkt pkt)
{
	switch (pkt) {
	case LK_PKT_DROP:		return "drop";
	case LK_PKT_MALFORMED:		return "malformed";
	case LK_PKT_STUN:		return "stun";
	case LK_PKT_ZRTP:		return "zrtp";
	case LK_PKT_DTLS:		return "dtls";
	case LK_PKT_TURN_CHANNEL:	return "turn-channel";
	case LK_PKT_RTP:		return "rtp";
	case LK_PKT_RTCP:		return "rtcp";
	case LK_PKT__MAX:		break;
	}

	return "?";
}

int lk_demux_rtp_parse(struct lk_rtp_hdr *hdr, const uint8_t *p, size_t len,
		       unsigned flags)
{
	size_t hlen, pad = 0, ext_len = 0;
	uint16_t ext_profile = 0;
	int err;

	if (!hdr || !p || (flags & ~(unsigned)LK_RTP_PLAIN))
		return EINVAL;
	if (!len)
		return EBADMSG;
	if ((p[0] & 0xc0) != 0x80)
		return EPROTO;
	if (len < 2)
		return EBADMSG;
	if (second_octet_is_rtcp(p[1]))
		return EPROTO;

	err = rtp_header_len(&hlen, p, len);
	if (err)
		return err;

	if (p[0] & 0x10) {
		size_t x = LK_DEMUX_RTP_MIN + 4 * (size_t)(p[0] & 0x0f);

		ext_profile = rd16(p + x);
		ext_len = 4 * (size_t)rd16(p + x + 2);
	}

	if ((flags & LK_RTP_PLAIN) && (p[0] & 0x20)) {
		/* RFC 3550 s.5.1: the last octet counts the padding,
		 * itself included, so it is 1 at least; A.1: it must fit
		 * in what follows the header. */
		if (len == hlen)
			return EBADMSG;
		pad = p[len - 1];
		if (pad == 0 || pad > len - hlen)
			return EBADMSG;
	}

	hdr->pt = p[1] & 0x7f;
	hdr->marker = (p[1] & 0x80) != 0;
	hdr->padding = (p[0] & 0x20) != 0;
	hdr->ext = (p[0] & 0x10) != 0;
	hdr->cc = p[0] & 0x0f;
	hdr->seq = rd16(p + 2);
	hdr->ts = rd32(p + 4);
	hdr->ssrc = rd32(p + 8);
	hdr->ext_profile = ext_profile;
	hdr->ext_len = ext_len;
	hdr->hdr_len = hlen;
	hdr->pad_len = pad;
	hdr->payload_len = len - hlen - pad;

	return 0;
}

bool lk_demux_rtp_is_keepalive(const struct lk_rtp_hdr *hdr, int ka_pt)
{
	if (!hdr)
		return false;
	if (hdr->payload_len != 0 || hdr->pad_len != 0 || hdr->padding)
		return false;

	return ka_pt < 0 || hdr->pt == ka_pt;
}

int lk_demux_rtcp_parse(struct lk_rtcp_hdr *hdr, const uint8_t *p, size_t len)
{
	size_t plen;
	int err;

	if (!hdr || !p)
		return EINVAL;
	if (!len)
		return EBADMSG;
	if ((p[0] & 0xc0) != 0x80)
		return EPROTO;
	if (len < 2)
		return EBADMSG;
	if (!second_octet_is_rtcp(p[1]))
		return EPROTO;

	err = rtcp_packet_len(&plen, p, len);
	if (err)
		return err;

	hdr->pt = p[1];
	hdr->count = p[0] & 0x1f;
	hdr->padding = (p[0] & 0x20) != 0;
	hdr->length = rd16(p + 2);
	hdr->pkt_len = plen;
	hdr->ssrc = rd32(p + 4);

	return 0;
}

int lk_demux_mux_parse(uint32_t *idp, const uint8_t **innerp,
		       size_t *inner_lenp, const uint8_t *p, size_t len)
{
	if (!idp || !innerp || !inner_lenp || !p)
		return EINVAL;
	if (len <= LK_MUX_HDR_LEN)
		return EBADMSG;

	*idp = rd32(p);
	*innerp = p + LK_MUX_HDR_LEN;
	*inner_lenp = len - LK_MUX_HDR_LEN;

	return 0;
}

int lk_demux_mux_strip(uint32_t *idp, uint8_t **pp, size_t *lenp)
{
	if (!idp || !pp || !*pp || !lenp)
		return EINVAL;
	if (*lenp <= LK_MUX_HDR_LEN)
		return EBADMSG;

	*idp = rd32(*pp);
	*pp += LK_MUX_HDR_LEN;
	*lenp -= LK_MUX_HDR_LEN;

	return 0;
}

int lk_demux_mux_prepend(uint8_t **pp, size_t *lenp, size_t headroom,
			 uint32_t id)
{
	uint8_t *h;

	if (!pp || !*pp || !lenp || !*lenp)
		return EINVAL;
	if (headroom < LK_MUX_HDR_LEN)
		return ENOBUFS;

	/* A pointer move and a 4-octet store: the payload never moves. */
	h = *pp - LK_MUX_HDR_LEN;
	h[0] = (uint8_t)(id >> 24);
	h[1] = (uint8_t)(id >> 16);
	h[2] = (uint8_t)(id >> 8);
	h[3] = (uint8_t)id;
	*pp = h;
	*lenp += LK_MUX_HDR_LEN;

	return 0;
}
