/* signalling/sip/frame.h  Where one SIP message ends in a TCP/TLS byte stream. */
/*
 * Pure framing, no state: the transport calls it on every read.
 */
#ifndef LK_SIPFRAME_H
#define LK_SIPFRAME_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 3261 s.18.3: on a stream transport a message ends Content-Length
 * octets after the blank line that ends its headers, and Content-Length is
 * mandatory.  RFC 5626 s.4.4.1: a CRLFCRLF between messages is a keep-alive
 * "ping" answered with a CRLF "pong"; a lone CRLF is a pong, ignored.
 *
 * A stream whose next message does not begin with a SIP start line
 * (RFC 3261 s.7.1 Request-Line "Method SP Request-URI SP SIP/2.0", s.7.2
 * Status-Line "SIP/2.0 SP Status-Code ...") is not SIP at all: a port
 * scan, a TLS handshake on the TCP port, "HELLO".  It gets no reply; the
 * transport logs it and closes the connection.
 *
 * The framer is a pure function over the bytes buffered so far, so that a
 * message split across reads, or several in one read, come out the same.
 */

enum lk_sipframe_kind {
	LK_SIPFRAME_MORE = 0,	/* need more bytes; nothing consumed */
	LK_SIPFRAME_MESSAGE,	/* a whole message of `len` octets */
	LK_SIPFRAME_PING,	/* CRLFCRLF: answer "\r\n"; consume `len` */
	LK_SIPFRAME_PONG,	/* CRLF: consume `len`, nothing else */
	LK_SIPFRAME_ERROR,	/* the stream cannot be framed: close it */
	LK_SIPFRAME_NOT_SIP,	/* no SIP start line: not SIP, close it */
};

struct lk_sipframe_limits {
	size_t max_header;	/* start line + headers + blank line */
	size_t max_message;	/* headers + body */
};

/* 16 KiB of headers and 64 KiB in all: far past any real endpoint. */
#define LK_SIPFRAME_MAX_HEADER  (16u * 1024)
#define LK_SIPFRAME_MAX_MESSAGE (64u * 1024)

struct lk_sipframe {
	enum lk_sipframe_kind kind;
	size_t len;		/* octets to consume */
	size_t hdr_len;		/* MESSAGE: octets up to and with CRLFCRLF */
	const char *reason;	/* ERROR, NOT_SIP: fixed text for logs */
};

/*
 * Look at the `n` octets buffered at `p` and say what comes first.
 * `lim` may be NULL for the defaults above.
 */
void lk_sipframe_next(struct lk_sipframe *fr, const uint8_t *p, size_t n,
		      const struct lk_sipframe_limits *lim);

/*
 * The value of the Content-Length header (or its compact form "l") in the
 * header block p[0..n): 0 and *lenp set when there is exactly one valid
 * value; ENOENT when there is none; EBADMSG for a value that is not a
 * decimal number below 2^31 or for two that differ.
 */
int lk_sipframe_content_length(const uint8_t *p, size_t n, size_t *lenp);

#endif
