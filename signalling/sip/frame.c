/* signalling/sip/frame.c  Where one SIP message ends in a TCP/TLS byte stream. */
/*
 * Owns nothing: a pure function over the bytes a connection has buffered.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "sip/frame.h"

static const struct lk_sipframe_limits default_limits = {
	LK_SIPFRAME_MAX_HEADER, LK_SIPFRAME_MAX_MESSAGE,
};

/* Offset just past the blank line ending the headers, or 0 if not yet. */
static size_t header_end(const uint8_t *p, size_t n)
{
	size_t i;

	/* CRLFCRLF, and bare LFLF as many stacks tolerate (RFC 3261 s.7.5). */
	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n')
			return i + 2;
		if (p[i + 1] == '\r' && i + 2 < n && p[i + 2] == '\n')
			return i + 3;
	}

	return 0;
}

/*
 * Is the line p[0..n) (without its LF; a trailing CR is allowed) a SIP
 * start line?  A Status-Line begins "SIP/2.0 " and three digits; a
 * Request-Line is a token, a space, a Request-URI without spaces, a space
 * and "SIP/2.0".  "SIP" is case-insensitive (RFC 3261 s.7.1).
 */
static bool start_line(const uint8_t *p, size_t n)
{
	static const char ver[] = "SIP/2.0";
	const size_t vl = sizeof(ver) - 1;
	size_t i, sp1 = 0, sp2 = 0;

	if (n && p[n - 1] == '\r')
		--n;
	if (n >= vl + 4 && !strncasecmp((const char *)p, ver, vl) &&
	    p[vl] == ' ')
		return isdigit(p[vl + 1]) && isdigit(p[vl + 2]) &&
			isdigit(p[vl + 3]);
	for (i = 0; i < n; i++) {
		if (p[i] != ' ')
			continue;
		if (!sp1)
			sp1 = i;
		else if (!sp2)
			sp2 = i;
		else
			return false;
	}
	if (!sp1 || !sp2 || sp2 == sp1 + 1 || n - sp2 - 1 != vl)
		return false;
	for (i = 0; i < sp1; i++) {
		/* RFC 3261 s.25.1 token characters. */
		if (!isalnum(p[i]) && !strchr("-.!%*_+`'~", p[i]))
			return false;
	}

	return !strncasecmp((const char *)p + sp2 + 1, ver, vl);
}

static bool name_is(const uint8_t *p, size_t n, const char *name)
{
	size_t i;

	if (n != strlen(name))
		return false;
	for (i = 0; i < n; i++) {
		if (tolower(p[i]) != name[i])
			return false;
	}

	return true;
}

int lk_sipframe_content_length(const uint8_t *p, size_t n, size_t *lenp)
{
	const uint8_t *line = p, *end = p + n;
	bool found = false;
	size_t value = 0;

	/* The first line is the start line: skip it. */
	line = memchr(p, '\n', n);
	if (!line)
		return ENOENT;
	++line;
	while (line < end) {
		const uint8_t *eol = memchr(line, '\n', (size_t)(end - line));
		const uint8_t *c = line, *nend;
		size_t v = 0, digits = 0;

		if (!eol)
			eol = end;
		/* A continuation line (folding) never starts a header. */
		if (*line == ' ' || *line == '\t')
			goto next;
		while (c < eol && *c != ':' && *c != ' ' && *c != '\t')
			++c;
		nend = c;
		while (c < eol && (*c == ' ' || *c == '\t'))
			++c;
		if (c >= eol || *c != ':')
			goto next;
		if (!name_is(line, (size_t)(nend - line), "content-length") &&
		    !name_is(line, (size_t)(nend - line), "l"))
			goto next;
		++c;
		while (c < eol && (*c == ' ' || *c == '\t'))
			++c;
		while (c < eol && isdigit(*c)) {
			v = v * 10 + (size_t)(*c - '0');
			if (v >= 0x80000000u)
				return EBADMSG;
			++c;
			++digits;
		}
		while (c < eol && (*c == ' ' || *c == '\t' || *c == '\r'))
			++c;
		if (!digits || c != eol)
			return EBADMSG;
		if (found && v != value)
			return EBADMSG;
		found = true;
		value = v;
 next:
		line = eol + 1;
	}
	if (!found)
		return ENOENT;
	*lenp = value;

	return 0;
}

void lk_sipframe_next(struct lk_sipframe *fr, const uint8_t *p, size_t n,
		      const struct lk_sipframe_limits *lim)
{
	static const uint8_t crlf2[] = "\r\n\r\n";
	size_t hlen, clen = 0, look;
	const uint8_t *eol;
	int err;

	if (!lim)
		lim = &default_limits;
	memset(fr, 0, sizeof(*fr));
	fr->kind = LK_SIPFRAME_MORE;
	if (!n)
		return;

	/* RFC 5626 s.4.4.1 keep-alives between messages. */
	if (p[0] == '\r') {
		if (n < 4 && !memcmp(p, crlf2, n))
			return;
		if (n >= 4 && !memcmp(p, crlf2, 4)) {
			fr->kind = LK_SIPFRAME_PING;
			fr->len = 4;
			return;
		}
		if (n >= 2 && p[1] == '\n') {
			fr->kind = LK_SIPFRAME_PONG;
			fr->len = 2;
			return;
		}
		fr->kind = LK_SIPFRAME_ERROR;
		fr->reason = "CR not followed by LF between messages";
		return;
	}
	if (p[0] == '\n') {
		fr->kind = LK_SIPFRAME_PONG;	/* a bare LF: tolerated */
		fr->len = 1;
		return;
	}
	/* A start line begins with a method token or "SIP/2.0". */
	if (!isalpha(p[0])) {
		fr->kind = LK_SIPFRAME_NOT_SIP;
		fr->reason = "no SIP start line";
		return;
	}

	look = n < lim->max_header ? n : lim->max_header;
	eol = memchr(p, '\n', look);
	if (eol && !start_line(p, (size_t)(eol - p))) {
		fr->kind = LK_SIPFRAME_NOT_SIP;
		fr->reason = "no SIP start line";
		return;
	}
	if (memchr(p, '\0', look)) {
		fr->kind = LK_SIPFRAME_ERROR;
		fr->reason = "NUL octet in the headers";
		return;
	}
	hlen = header_end(p, look);
	if (!hlen) {
		if (n >= lim->max_header) {
			fr->kind = LK_SIPFRAME_ERROR;
			fr->reason = "headers longer than the limit";
		}
		return;
	}
	err = lk_sipframe_content_length(p, hlen, &clen);
	if (err == EBADMSG) {
		fr->kind = LK_SIPFRAME_ERROR;
		fr->reason = "bad Content-Length";
		return;
	}
	if (err == ENOENT) {
		/*
		 * RFC 3261 s.18.3: mandatory on streams.  Without it the end
		 * of the message is unknown, so the connection cannot go on:
		 * the message is handed up for a 400, then the stream closes.
		 */
		fr->kind = LK_SIPFRAME_ERROR;
		fr->reason = "no Content-Length on a stream transport";
		fr->len = hlen;
		fr->hdr_len = hlen;
		return;
	}
	if (clen > lim->max_message || hlen + clen > lim->max_message) {
		fr->kind = LK_SIPFRAME_ERROR;
		fr->reason = "message larger than the limit";
		fr->len = hlen;
		fr->hdr_len = hlen;
		return;
	}
	if (n < hlen + clen)
		return;
	fr->kind = LK_SIPFRAME_MESSAGE;
	fr->hdr_len = hlen;
	fr->len = hlen + clen;
}
