/* relay/stun.h  STUN on media ports: answer Binding requests (RFC 5389). */
#ifndef LK_STUN_H
#define LK_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * A media port answers a STUN Binding request with a Binding success
 * response that carries the source it saw (XOR-MAPPED-ADDRESS), so that an
 * endpoint behind a NAT can learn its reflexive address and keep the NAT
 * binding open (RFC 6263 s.4.3).  Everything else that looks like STUN is
 * told apart and counted, never answered.
 *
 * Encoded by hand, not with libre's stun_msg_*(): its decoder allocates a
 * message and a list of attributes for every packet, and its encoder writes
 * into an mbuf it may reallocate; here a request is checked in place and a
 * response is at most LK_STUN_RESPONSE_MAX octets in the caller's buffer.
 *
 * No MESSAGE-INTEGRITY: latchkey has no ICE credentials yet (no ice-ufrag
 * or ice-pwd in its SDP), so a request that carries USERNAME or
 * MESSAGE-INTEGRITY (an ICE connectivity check) cannot be answered as RFC
 * 5389 s.10.1 wants; it is LK_STUN_AUTH and left for ICE support to answer.
 * A response is at most 24 octets longer than its request (IPv6 address,
 * no attributes in the request): a small reflection, and only a Binding
 * request with the magic cookie and a consistent length gets one.  Classic
 * RFC 3489 STUN (no magic cookie) is not answered.
 *
 * No allocation, no lock, no log; nothing is read outside [p, p + len).
 */

/* What a datagram of class LK_PKT_STUN (relay/demux.h) is. */
enum lk_stun_msg {
	LK_STUN_MALFORMED = 0,	/* not RFC 5389 STUN: drop */
	LK_STUN_BINDING_REQUEST,	/* answer it */
	LK_STUN_AUTH,		/* Binding request with credentials (ICE) */
	LK_STUN_UNKNOWN_ATTR,	/* Binding request, unknown required attr. */
	LK_STUN_BINDING_INDICATION,	/* RFC 6263 s.4.3 keep-alive */
	LK_STUN_OTHER,		/* response, other method */
	LK_STUN__MAX
};

/* What the response needs from the request. */
struct lk_stun_req {
	uint8_t tid[12];	/* transaction ID */
	bool fingerprint;	/* the request had a FINGERPRINT */
};

/* Octets of the largest response: header, IPv6 XOR-MAPPED-ADDRESS, and
 * FINGERPRINT. */
#define LK_STUN_RESPONSE_MAX	(20 + 24 + 8)

/*
 * Check a datagram against RFC 5389: the two top bits 0 (s.6), the magic
 * cookie 0x2112A442, a message length that is a multiple of 4 and equals
 * the datagram's length minus the 20-octet header, attributes that tile
 * the message exactly (s.15), and a FINGERPRINT, if any, that is the last
 * attribute and matches (s.15.5; a mismatch means "not STUN", s.7.3).
 *
 * A Binding request (type 0x0001) then is
 *  - LK_STUN_AUTH if it has USERNAME, MESSAGE-INTEGRITY,
 *    MESSAGE-INTEGRITY-SHA256 or USERHASH (RFC 8489 s.18.3): see above;
 *  - else LK_STUN_UNKNOWN_ATTR if it has any other comprehension-required
 *    attribute (type < 0x8000).  RFC 5389 s.7.3.1 asks for a 420 error
 *    response; latchkey does not send one (a media port answers only
 *    plain Binding requests) and counts it instead;
 *  - else LK_STUN_BINDING_REQUEST, and `*req` (if not NULL) is filled.
 * `*req` is written only for LK_STUN_BINDING_REQUEST.
 */
enum lk_stun_msg lk_stun_classify(struct lk_stun_req *req, const uint8_t *p,
				  size_t len);

/*
 * Build the Binding success response to `req` for a request that came from
 * `src` into `buf`: header (type 0x0101, the request's transaction ID),
 * XOR-MAPPED-ADDRESS (RFC 5389 s.15.2) of `src`, and FINGERPRINT if the
 * request had one (s.15.5).  An IPv4-mapped IPv6 source is answered as the
 * IPv4 address it is.  Returns 0 and the length in `*lenp`; EINVAL for a
 * NULL argument or a `srclen` too short for its family; EAFNOSUPPORT for a
 * family other than AF_INET or AF_INET6; ENOBUFS if `size` is too small
 * (LK_STUN_RESPONSE_MAX is always enough), and then `buf` is untouched.
 */
int lk_stun_binding_response(uint8_t *buf, size_t size, size_t *lenp,
			     const struct lk_stun_req *req,
			     const struct sockaddr *src, socklen_t srclen);

/* A short fixed name for a verdict, for statistics. */
const char *lk_stun_msg_name(enum lk_stun_msg msg);

/*
 * CRC-32 (ISO-HDLC, as zlib's) of `len` octets: FINGERPRINT is this of the
 * message before it, XOR 0x5354554e (RFC 8489 s.14.7).
 */
uint32_t lk_stun_crc32(const uint8_t *p, size_t len);

#endif
