/* relay/stun.c  STUN on media ports: answer Binding requests (RFC 5389). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "stun.h"

#define STUN_HDR_LEN		20
#define STUN_COOKIE		0x2112a442u
#define STUN_FP_XOR		0x5354554eu	/* RFC 5389 s.15.5 */

#define STUN_BINDING_REQUEST	0x0001
#define STUN_BINDING_INDICATION	0x0011
#define STUN_BINDING_SUCCESS	0x0101

#define ATTR_USERNAME		0x0006
#define ATTR_MESSAGE_INTEGRITY	0x0008
#define ATTR_MI_SHA256		0x001c	/* RFC 8489 s.14.6 */
#define ATTR_USERHASH		0x001e	/* RFC 8489 s.14.4 */
#define ATTR_XOR_MAPPED_ADDRESS	0x0020
#define ATTR_FINGERPRINT	0x8028

#define FAMILY_IPV4		0x01
#define FAMILY_IPV6		0x02

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * CRC-32 of ISO-HDLC / IEEE 802.3 (reflected polynomial 0xEDB88320), as
 * FINGERPRINT wants (RFC 5389 s.15.5).  Four bits at a time from a
 * 16-entry table: 64 octets of table instead of 1 KiB, and STUN is rare
 * enough on a media port that the extra shifts do not matter.  Not
 * zlib's crc32(): libre links zlib, but lk_relay does not.
 */
static const uint32_t crc32_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac,
	0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
	0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t lk_stun_crc32(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0x0f];
		crc = (crc >> 4) ^ crc32_nibble[crc & 0x0f];
	}

	return ~crc;
}

enum lk_stun_msg lk_stun_classify(struct lk_stun_req *req, const uint8_t *p,
				  size_t len)
{
	bool auth = false, unknown = false, fingerprint = false;
	uint16_t type;
	size_t off;

	if (!p || len < STUN_HDR_LEN || (p[0] & 0xc0))
		return LK_STUN_MALFORMED;
	if (rd32(p + 4) != STUN_COOKIE)
		return LK_STUN_MALFORMED;	/* RFC 3489, or not STUN */
	if ((rd16(p + 2) & 3) || (size_t)rd16(p + 2) != len - STUN_HDR_LEN)
		return LK_STUN_MALFORMED;

	type = rd16(p);

	/* s.15: type, length, value padded to 4 octets; the message length
	 * is a multiple of 4, so the attributes must end exactly at len. */
	for (off = STUN_HDR_LEN; off < len;) {
		uint16_t atype, alen;
		size_t padded;

		if (len - off < 4)
			return LK_STUN_MALFORMED;
		atype = rd16(p + off);
		alen = rd16(p + off + 2);
		padded = ((size_t)alen + 3) & ~(size_t)3;
		if (len - off - 4 < padded)
			return LK_STUN_MALFORMED;

		if (atype == ATTR_FINGERPRINT) {
			/* s.15.5: last, 4 octets, CRC-32 of everything
			 * before it XOR 0x5354554e. */
			if (alen != 4 || off + 8 != len)
				return LK_STUN_MALFORMED;
			if (rd32(p + off + 4) !=
			    (lk_stun_crc32(p, off) ^ STUN_FP_XOR))
				return LK_STUN_MALFORMED;
			fingerprint = true;
		}
		else if (atype == ATTR_USERNAME ||
			 atype == ATTR_MESSAGE_INTEGRITY ||
			 atype == ATTR_MI_SHA256 || atype == ATTR_USERHASH) {
			auth = true;
		}
		else if (atype < 0x8000) {
			unknown = true;
		}

		off += 4 + padded;
	}

	/* s.6: method Binding, class request; a Binding indication is an
	 * RFC 6263 s.4.3 keep-alive (it latches, is not answered); anything
	 * else (a response, another method) is counted, not answered. */
	if (type == STUN_BINDING_INDICATION)
		return LK_STUN_BINDING_INDICATION;
	if (type != STUN_BINDING_REQUEST)
		return LK_STUN_OTHER;
	if (auth)
		return LK_STUN_AUTH;
	if (unknown)
		return LK_STUN_UNKNOWN_ATTR;

	if (req) {
		memcpy(req->tid, p + 8, sizeof(req->tid));
		req->fingerprint = fingerprint;
	}

	return LK_STUN_BINDING_REQUEST;
}

int lk_stun_binding_response(uint8_t *buf, size_t size, size_t *lenp,
			     const struct lk_stun_req *req,
			     const struct sockaddr *src, socklen_t srclen)
{
	const uint8_t *addr;
	uint8_t family, xaddr[16];
	size_t alen, need, off, i;
	uint8_t mask[16];
	in_port_t port;

	if (!buf || !lenp || !req || !src)
		return EINVAL;

	if (src->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)src;

		if (srclen < (socklen_t)sizeof(*in))
			return EINVAL;
		family = FAMILY_IPV4;
		addr = (const uint8_t *)&in->sin_addr;
		alen = 4;
		port = in->sin_port;
	}
	else if (src->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)src;

		if (srclen < (socklen_t)sizeof(*in6))
			return EINVAL;
		port = in6->sin6_port;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			/* A dual-stack socket saw an IPv4 client. */
			family = FAMILY_IPV4;
			addr = (const uint8_t *)&in6->sin6_addr + 12;
			alen = 4;
		}
		else {
			family = FAMILY_IPV6;
			addr = (const uint8_t *)&in6->sin6_addr;
			alen = 16;
		}
	}
	else {
		return EAFNOSUPPORT;
	}

	need = STUN_HDR_LEN + 4 + 4 + alen + (req->fingerprint ? 8 : 0);
	if (size < need)
		return ENOBUFS;

	/* s.15.2: the address XOR the cookie, for IPv6 followed by the
	 * transaction ID; the port XOR the cookie's top 16 bits. */
	wr32(mask, STUN_COOKIE);
	memcpy(mask + 4, req->tid, sizeof(req->tid));
	for (i = 0; i < alen; i++)
		xaddr[i] = addr[i] ^ mask[i];

	wr16(buf, STUN_BINDING_SUCCESS);
	wr16(buf + 2, (uint16_t)(need - STUN_HDR_LEN));
	wr32(buf + 4, STUN_COOKIE);
	memcpy(buf + 8, req->tid, sizeof(req->tid));
	off = STUN_HDR_LEN;

	wr16(buf + off, ATTR_XOR_MAPPED_ADDRESS);
	wr16(buf + off + 2, (uint16_t)(4 + alen));
	buf[off + 4] = 0;
	buf[off + 5] = family;
	wr16(buf + off + 6, (uint16_t)(ntohs(port) ^ (STUN_COOKIE >> 16)));
	memcpy(buf + off + 8, xaddr, alen);
	off += 8 + alen;

	if (req->fingerprint) {
		/* The header length above already counts this attribute,
		 * as s.15.5 requires before the CRC is taken. */
		wr16(buf + off, ATTR_FINGERPRINT);
		wr16(buf + off + 2, 4);
		wr32(buf + off + 4, lk_stun_crc32(buf, off) ^ STUN_FP_XOR);
		off += 8;
	}

	*lenp = off;

	return 0;
}

const char *lk_stun_msg_name(enum lk_stun_msg msg)
{
	switch (msg) {
	case LK_STUN_MALFORMED:		return "malformed";
	case LK_STUN_BINDING_REQUEST:	return "binding-request";
	case LK_STUN_AUTH:		return "auth";
	case LK_STUN_UNKNOWN_ATTR:	return "unknown-attr";
	case LK_STUN_BINDING_INDICATION: return "binding-indication";
	case LK_STUN_OTHER:		return "other";
	case LK_STUN__MAX:		break;
	}

	return "?";
}
