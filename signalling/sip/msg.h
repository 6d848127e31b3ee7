/* signalling/sip/msg.h  SIP message decoding, latchkey's own checks, replies. */
/*
 * Message decoding, latchkey's checks and the building of requests and
 * replies; every returned object is the caller's to mem_deref().
 */
#ifndef LK_SIPMSG_H
#define LK_SIPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sip_msg;
struct mbuf;
struct sa;

/* What latchkey answers to, for Allow headers and 405s. */
#define LK_SIP_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO"

/* The branch lk_sipmsg_decode() gives a top Via that has none. */
#define LK_SIPMSG_NOBRANCH "lk-no-branch"

/*
 * Decode one whole message (a datagram, or a frame from lk_sipframe_next())
 * with libre's sip_msg_decode().  The octets are copied: the message owns
 * its buffer, and is freed with mem_deref().  Returns EBADMSG for anything
 * libre cannot decode (including headers that do not end), EINVAL, ENOMEM.
 */
int lk_sipmsg_decode(struct sip_msg **msgp, const uint8_t *p, size_t n);

/* The checks' verdict on a decoded message. */
struct lk_sipverdict {
	uint16_t scode;		/* 0: fine; else the reply to send */
	bool reply;		/* false: no reply is possible, drop */
	const char *reason;	/* fixed text: reason phrase and counter */
};

/*
 * What latchkey checks itself, RFC 3261 s.8.1.1 and s.8.2: a request
 * needs a top Via with a sent-by (else no reply can be routed: drop) and a
 * branch, From, To, Call-ID, CSeq whose method is the request's, and
 * Max-Forwards (0: 483 Too Many Hops, s.16.3).  On a datagram the body may
 * not be shorter than Content-Length (s.18.3).  A response needs a Via, a
 * CSeq and a Call-ID, or it is dropped.  `datagram` is true for UDP.
 */
void lk_sipmsg_check(struct lk_sipverdict *v, const struct sip_msg *msg,
		     bool datagram);

/*
 * Build a response to request `req` (RFC 3261 s.8.2.6): its Via headers,
 * the top one with received= and, when the request asked with a bare
 * rport, rport=<port> of `src` (RFC 3581 s.4; received also when the
 * sent-by host is not `src`, RFC 3261 s.18.2.1), From, To with a tag
 * (added unless the request had one or scode is 100), Call-ID, CSeq, then
 * `hdrs` (whole header lines with CRLF, or NULL), Server, Content-Length
 * 0.  Whatever of From/To/Call-ID/CSeq the request lacks is left out, so
 * that a 400 for it can still be sent.  The caller frees *mbp with
 * mem_deref(); its pos is 0.
 */
int lk_sipmsg_reply(struct mbuf **mbp, const struct sip_msg *req,
		    const struct sa *src, uint16_t scode, const char *reason,
		    const char *hdrs);

/*
 * The same with the dialog's To tag (`totag`, used when the request has
 * none and scode > 100; NULL: derived as above) and a body of `blen`
 * octets of type `ctype` (blen 0: none).
 */
int lk_sipmsg_reply_body(struct mbuf **mbp, const struct sip_msg *req,
			 const struct sa *src, uint16_t scode,
			 const char *reason, const char *totag,
			 const char *hdrs, const char *ctype,
			 const uint8_t *body, size_t blen);

/*
 * What a request that latchkey originates is made of (the B2BUA's and the
 * zone client's).  Strings are whole header values: `from` and `to` are
 * name-addrs ("<sip:bob@example.com>") without the tag; `via_tp` "UDP",
 * "TCP" or "TLS"; `via_sentby` "192.0.2.1:5060"; `contact` a name-addr or
 * NULL; `hdrs` whole header lines with CRLF or NULL.
 */
struct lk_sipreq {
	const char *method;
	const char *ruri;
	const char *via_tp;
	const char *via_sentby;
	const char *branch;
	unsigned max_forwards;
	const char *from;
	const char *from_tag;
	const char *to;
	const char *to_tag;		/* NULL: none (out of dialog) */
	const char *callid;
	uint32_t cseq;
	const char *cseq_method;	/* NULL: method (CANCEL/ACK differ) */
	const char *contact;
	const char *hdrs;
	const char *ctype;
	const uint8_t *body;
	size_t blen;
};

/* Build request `r` (RFC 3261 s.8.1.1); *mbp's pos is 0. */
int lk_sipmsg_request(struct mbuf **mbp, const struct lk_sipreq *r);

/* "REGISTER" etc. as a C string in `buf`; for logs. */
const char *lk_sipmsg_method(char *buf, size_t sz, const struct sip_msg *msg);

/* sz - 1 random lower-case hex digits (at most 64) and a NUL: tags, IDs. */
void lk_sipmsg_rand_hex(char *buf, size_t sz);

#endif
