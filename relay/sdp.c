/* relay/sdp.c  SDP parsing (RFC 4566) and the offer/answer rewrite. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sdp.h"

#define STR_(x) #x
#define STR(x)	STR_(x)

/* One line of the description: its content and the end it came with. */
struct line {
	const char *p;
	size_t clen;		/* content up to the line end, as written */
	size_t len;		/* content without trailing blanks */
	const char *eol;
	size_t eollen;		/* 2: CRLF, 1: LF, 0: last line without one */
	unsigned no;		/* from 1 */
};

/* A cursor over the value of one line, for splitting it into fields. */
struct scan {
	const char *p;
	const char *end;
};

static const char *const ice_attrs[] = {
	/* RFC 8839 s.5 and s.4.2 (and RFC 8840 for end-of-candidates). */
	"candidate", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite",
	"ice-mismatch", "ice-pacing", "end-of-candidates",
	"remote-candidates",
};

static const char *const dir_names[] = {
	[LK_SDP_DIR_NONE] = "",
	[LK_SDP_DIR_SENDRECV] = "sendrecv",
	[LK_SDP_DIR_SENDONLY] = "sendonly",
	[LK_SDP_DIR_RECVONLY] = "recvonly",
	[LK_SDP_DIR_INACTIVE] = "inactive",
};

/*
 * The next line of buf[0..len) from *offp.  A line ends at LF, with or
 * without a CR before it (RFC 4566 s.5 asks for CRLF but also tells
 * parsers to accept a bare LF); the last line may have no end at all, as
 * some endpoints compute Content-Length without the final CRLF.
 */
static bool line_next(struct line *ln, const char *buf, size_t len,
		      size_t *offp)
{
	size_t off = *offp, end;
	const char *nl;

	if (off >= len)
		return false;

	ln->p = buf + off;
	nl = memchr(ln->p, '\n', len - off);
	if (nl) {
		end = (size_t)(nl - buf);
		*offp = end + 1;
		ln->eollen = 1;
		if (end > off && buf[end - 1] == '\r') {
			--end;
			ln->eollen = 2;
		}
	}
	else {
		end = len;
		*offp = len;
		ln->eollen = 0;
	}
	ln->clen = end - off;
	ln->eol = buf + end;

	/* Lenient: trailing blanks (and a stray CR) are not part of a value;
	 * some endpoints pad lines.  They are kept in the output. */
	ln->len = ln->clen;
	while (ln->len && (ln->p[ln->len - 1] == ' ' ||
			   ln->p[ln->len - 1] == '\t' ||
			   ln->p[ln->len - 1] == '\r'))
		--ln->len;
	++ln->no;

	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The next field; fields are separated by one space (RFC 4566 s.5), or
 * leniently by any run of spaces and tabs. */
static bool scan_field(struct scan *sc, struct lk_sdp_str *f)
{
	while (sc->p < sc->end && is_blank(*sc->p))
		++sc->p;
	if (sc->p == sc->end)
		return false;
	f->p = sc->p;
	while (sc->p < sc->end && !is_blank(*sc->p))
		++sc->p;
	f->len = (size_t)(sc->p - f->p);

	return true;
}

/* Everything left, without leading blanks; may be empty. */
static void scan_rest(struct scan *sc, struct lk_sdp_str *f)
{
	while (sc->p < sc->end && is_blank(*sc->p))
		++sc->p;
	f->p = sc->p;
	f->len = (size_t)(sc->end - sc->p);
}

static bool str_eq(const struct lk_sdp_str *s, const char *lit)
{
	size_t n = strlen(lit);

	return s->len == n && memcmp(s->p, lit, n) == 0;
}

/* Decimal digits only: no sign, no blanks; at most `max`. */
static bool parse_uint(const char *p, size_t n, unsigned max, unsigned *vp)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return false;
	for (i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
		if (v > max)
			return false;
	}
	*vp = (unsigned)v;

	return true;
}

/*
 * Dotted-quad only: four decimal numbers 0-255 without leading zeros,
 * the form inet_pton() accepts (RFC 4566 s.5.7 says IP4 addresses are
 * written that way; a host name there is legal SDP but gives the relay
 * nothing to latch onto, so it is refused).
 */
static bool ip4_valid(const char *p, size_t n, bool *zerop)
{
	unsigned parts = 0, v, sum = 0;
	size_t i = 0, start;

	while (parts < 4) {
		start = i;
		while (i < n && p[i] >= '0' && p[i] <= '9')
			++i;
		if (i == start || i - start > 3)
			return false;
		if (i - start > 1 && p[start] == '0')
			return false;
		if (!parse_uint(p + start, i - start, 255, &v))
			return false;
		sum += v;
		++parts;
		if (parts < 4) {
			if (i >= n || p[i] != '.')
				return false;
			++i;
		}
	}
	if (i != n)
		return false;
	*zerop = (sum == 0);

	return true;
}

static bool ip6_valid(const char *p, size_t n, bool *zerop)
{
	char tmp[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, p, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, &a) != 1)
		return false;
	*zerop = true;
	for (i = 0; i < sizeof(a.s6_addr); i++)
		if (a.s6_addr[i])
			*zerop = false;

	return true;
}

/* "IN IP4" / "IN IP6": the two fields before every address we read. */
static const char *scan_nettype(struct scan *sc, enum lk_sdp_af *afp)
{
	struct lk_sdp_str f;

	if (!scan_field(sc, &f))
		return "missing network type";
	if (!str_eq(&f, "IN"))
		return "unknown network type (not IN)";
	if (!scan_field(sc, &f))
		return "missing address type";
	if (str_eq(&f, "IP4"))
		*afp = LK_SDP_AF_IP4;
	else if (str_eq(&f, "IP6"))
		*afp = LK_SDP_AF_IP6;
	else
		return "unknown address type (not IP4 or IP6)";

	return NULL;
}

/*
 * "<nettype> <addrtype> <connection-address>" of c= and a=rtcp: (RFC 4566
 * s.5.7, RFC 3605 s.2.1).  A multicast "/ttl" or "/ttl/n" suffix is
 * accepted and left out of the address.  Fields past the address are
 * ignored (lenient).
 */
static const char *scan_conn(struct scan *sc, struct lk_sdp_addr *a)
{
	struct lk_sdp_addr r = {0};
	struct lk_sdp_str f;
	const char *why, *slash;
	size_t i;

	why = scan_nettype(sc, &r.af);
	if (why)
		return why;
	if (!scan_field(sc, &f))
		return "missing connection address";

	slash = memchr(f.p, '/', f.len);
	r.addr.p = f.p;
	r.addr.len = slash ? (size_t)(slash - f.p) : f.len;
	for (i = r.addr.len; i < f.len; i++)
		if (f.p[i] != '/' && (f.p[i] < '0' || f.p[i] > '9'))
			return "bad multicast suffix on the address";

	if (r.af == LK_SDP_AF_IP4 &&
	    !ip4_valid(r.addr.p, r.addr.len, &r.zero))
		return "IPv4 address is not dotted-quad";
	if (r.af == LK_SDP_AF_IP6 &&
	    !ip6_valid(r.addr.p, r.addr.len, &r.zero))
		return "IPv6 address does not parse";
	*a = r;

	return NULL;
}

static void line_value(struct scan *sc, const struct line *ln)
{
	sc->p = ln->p + 2;
	sc->end = ln->p + ln->len;
}

/*
 * o=<username> <sess-id> <sess-version> IN <IP4|IP6> <unicast-address>
 * (RFC 4566 s.5.2).  Lenient on the address: endpoints write host names
 * and private addresses there, and nothing routes by it.
 */
static const char *parse_origin(struct lk_sdp_addr *a, const struct line *ln)
{
	struct lk_sdp_addr r = {0};
	struct lk_sdp_str f;
	struct scan sc;
	const char *why;
	int i;

	line_value(&sc, ln);
	for (i = 0; i < 3; i++)
		if (!scan_field(&sc, &f))
			return "o= has fewer than six fields";
	why = scan_nettype(&sc, &r.af);
	if (why)
		return why;
	if (!scan_field(&sc, &r.addr))
		return "o= has fewer than six fields";
	if (r.af == LK_SDP_AF_IP4)
		(void)ip4_valid(r.addr.p, r.addr.len, &r.zero);
	else
		(void)ip6_valid(r.addr.p, r.addr.len, &r.zero);
	*a = r;

	return NULL;
}

static const char *parse_conn_line(struct lk_sdp_addr *a,
				   const struct line *ln)
{
	struct scan sc;

	line_value(&sc, ln);
	return scan_conn(&sc, a);
}

/* RTP-based protos: "RTP/..." alone or after a lower layer, e.g.
 * "UDP/TLS/RTP/SAVPF" (RFC 5764 s.8) or "TCP/RTP/AVP" (RFC 4571). */
static bool proto_is_rtp(const struct lk_sdp_str *proto)
{
	size_t i;

	for (i = 0; i + 4 <= proto->len; i++)
		if ((i == 0 || proto->p[i - 1] == '/') &&
		    memcmp(proto->p + i, "RTP/", 4) == 0)
			return true;

	return false;
}

/*
 * m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 4566 s.5.14)
 */
static const char *parse_media(struct lk_sdp_media *m, const struct line *ln)
{
	struct lk_sdp_str f, portf;
	struct scan sc, fs;
	const char *slash;
	unsigned v, n = 1;

	memset(m, 0, sizeof(*m));
	m->line = ln->no;
	m->dtmf_pt = -1;
	m->cn_pt = -1;

	line_value(&sc, ln);
	if (!scan_field(&sc, &m->type))
		return "m= lacks its media type";
	if (!scan_field(&sc, &portf))
		return "m= lacks its port";
	slash = memchr(portf.p, '/', portf.len);
	if (!parse_uint(portf.p, slash ? (size_t)(slash - portf.p) : portf.len,
			65535, &v))
		return "m= port is not a number 0-65535";
	if (slash) {
		if (!parse_uint(slash + 1,
				portf.len - (size_t)(slash + 1 - portf.p),
				65535, &n) || n == 0)
			return "m= port count is not a number 1-65535";
		/* RTP uses every other port: port, port + 2, ... */
		if (v + 2 * (n - 1) > 65535)
			return "m= port count runs past port 65535";
	}
	m->port = (uint16_t)v;
	m->nports = (uint16_t)n;
	if (!scan_field(&sc, &m->proto))
		return "m= lacks its transport protocol";
	m->rtp = proto_is_rtp(&m->proto);
	scan_rest(&sc, &m->fmts);

	/* Lenient: a rejected stream may come without formats (RFC 3264
	 * s.6 wants one, some answerers leave it out). */
	if (!m->fmts.len && m->port)
		return "m= lists no formats";
	if (!m->rtp)
		return NULL;

	fs.p = m->fmts.p;
	fs.end = m->fmts.p + m->fmts.len;
	while (scan_field(&fs, &f)) {
		if (!parse_uint(f.p, f.len, 127, &v))
			return "m= payload type is not a number 0-127";
		if (m->npt == LK_SDP_MAX_PT)
			return "m= lists more than " STR(LK_SDP_MAX_PT)
			       " payload types";
		m->pt[m->npt++] = (uint8_t)v;
	}

	return NULL;
}

/* a=rtcp:<port> [<nettype> <addrtype> <connection-address>], RFC 3605
 * s.2.1. */
static const char *parse_rtcp(uint16_t *portp, struct lk_sdp_addr *a,
			      const struct lk_sdp_str *value)
{
	struct lk_sdp_addr r = {0};
	struct lk_sdp_str f;
	struct scan sc;
	const char *why;
	unsigned v;

	sc.p = value->p;
	sc.end = value->p + value->len;
	if (!scan_field(&sc, &f) || !parse_uint(f.p, f.len, 65535, &v) ||
	    v == 0)
		return "a=rtcp: port is not a number 1-65535";
	scan_rest(&sc, &f);
	if (f.len) {
		why = scan_conn(&sc, &r);
		if (why)
			return why;
	}
	*portp = (uint16_t)v;
	*a = r;

	return NULL;
}

/* a=rtpmap:<payload type> <encoding name>/<clock rate>[/<parameters>]
 * (RFC 4566 s.6).  Only telephone-event and CN are picked up; a
 * malformed rtpmap is not ours to judge and is passed through. */
static void parse_rtpmap(struct lk_sdp_media *m,
			 const struct lk_sdp_str *value)
{
	struct lk_sdp_str ptf, enc;
	struct scan sc;
	const char *slash;
	unsigned pt, rate = 0;
	size_t nlen;

	sc.p = value->p;
	sc.end = value->p + value->len;
	if (!scan_field(&sc, &ptf) || !parse_uint(ptf.p, ptf.len, 127, &pt))
		return;
	if (!scan_field(&sc, &enc))
		return;
	slash = memchr(enc.p, '/', enc.len);
	nlen = slash ? (size_t)(slash - enc.p) : enc.len;
	if (slash) {
		const char *r = slash + 1;
		const char *e = memchr(r, '/', (size_t)(enc.p + enc.len - r));

		if (!e)
			e = enc.p + enc.len;
		if (!parse_uint(r, (size_t)(e - r), 0xffffffffu, &rate))
			rate = 0;
	}
	if (nlen == 15 && !strncasecmp(enc.p, "telephone-event", 15)) {
		if (m->dtmf_pt < 0) {
			m->dtmf_pt = (int)pt;
			m->dtmf_rate = rate;
		}
	}
	else if (nlen == 2 && !strncasecmp(enc.p, "CN", 2)) {
		if (m->cn_pt < 0)
			m->cn_pt = (int)pt;
	}
}

/* Split "a=<name>[:<value>]". */
static void attr_split(const struct line *ln, struct lk_sdp_str *name,
		       struct lk_sdp_str *value)
{
	const char *colon = memchr(ln->p + 2, ':', ln->len - 2);

	name->p = ln->p + 2;
	name->len = colon ? (size_t)(colon - name->p) : ln->len - 2;
	value->p = colon ? colon + 1 : ln->p + ln->len;
	value->len = (size_t)(ln->p + ln->len - value->p);
}

static bool attr_is_ice(const struct lk_sdp_str *name)
{
	size_t i;

	for (i = 0; i < sizeof(ice_attrs) / sizeof(ice_attrs[0]); i++)
		if (str_eq(name, ice_attrs[i]))
			return true;

	return false;
}

static enum lk_sdp_dir attr_dir(const struct lk_sdp_str *name)
{
	int d;

	for (d = LK_SDP_DIR_SENDRECV; d <= LK_SDP_DIR_INACTIVE; d++)
		if (str_eq(name, dir_names[d]))
			return (enum lk_sdp_dir)d;

	return LK_SDP_DIR_NONE;
}

/* m is NULL at session level. */
static const char *parse_attr(struct lk_sdp *s, struct lk_sdp_media *m,
			      const struct line *ln)
{
	struct lk_sdp_str name, value;
	struct lk_sdp_addr addr;
	enum lk_sdp_dir dir;
	const char *why;
	uint16_t port;

	attr_split(ln, &name, &value);
	if (attr_is_ice(&name)) {
		s->ice = true;
		if (m)
			m->ice = true;
		return NULL;
	}
	dir = attr_dir(&name);
	if (dir != LK_SDP_DIR_NONE) {
		if (m)
			m->dir = dir;
		else
			s->dir = dir;
		return NULL;
	}
	/* a=rtcp, a=rtcp-mux and a=rtpmap are media-level attributes; at
	 * session level they mean nothing and are passed through. */
	if (!m)
		return NULL;

	if (str_eq(&name, "rtcp")) {
		/* Every a=rtcp: line is checked, since each is rewritten;
		 * the first one is the one reported. */
		why = parse_rtcp(&port, &addr, &value);
		if (why)
			return why;
		if (!m->rtcp_port) {
			m->rtcp_port = port;
			m->rtcp_addr = addr;
		}
	}
	else if (str_eq(&name, "rtcp-mux")) {
		m->rtcp_mux = true;
	}
	else if (str_eq(&name, "rtpmap")) {
		parse_rtpmap(m, &value);
	}
	else if (str_eq(&name, "crypto")) {
		if (m->ncrypto < LK_SDP_MAX_CRYPTO)
			m->crypto[m->ncrypto++] = value;
	}

	return NULL;
}

int lk_sdp_parse(struct lk_sdp *sdp, struct lk_sdp_error *errp,
		 const char *buf, size_t len)
{
	struct lk_sdp s;
	struct lk_sdp_media *m = NULL;
	struct lk_sdp_addr addr;
	struct line ln;
	const char *why = NULL;
	unsigned blank = 0;
	bool seen_v = false;
	size_t off = 0;

	if (!sdp || (!buf && len))
		return EINVAL;

	memset(&s, 0, sizeof(s));
	memset(&ln, 0, sizeof(ln));
	s.buf = buf;
	s.len = len;

	while (line_next(&ln, buf, len, &off)) {
		if (memchr(ln.p, '\0', ln.clen)) {
			why = "NUL byte in the line";
			goto bad;
		}
		if (!ln.len) {
			/* Lenient: blank lines after the last one (an extra
			 * CRLF some stacks append) are passed through. */
			if (!blank)
				blank = ln.no;
			continue;
		}
		if (!seen_v) {
			if (ln.no != 1 || ln.p[0] != 'v' || ln.len < 2 ||
			    ln.p[1] != '=') {
				ln.no = 1;
				why = "first line is not v= (RFC 4566 s.5)";
				goto bad;
			}
			if (ln.len != 3 || ln.p[2] != '0') {
				why = "protocol version is not 0 (RFC 4566 "
				      "s.5.1)";
				goto bad;
			}
			seen_v = true;
			continue;
		}
		if (blank) {
			ln.no = blank;
			why = "empty line inside the description";
			goto bad;
		}
		if (ln.len < 2 || ln.p[1] != '=' || ln.p[0] < 'a' ||
		    ln.p[0] > 'z') {
			why = "not a <type>=<value> line (RFC 4566 s.5)";
			goto bad;
		}

		switch (ln.p[0]) {
		case 'v':
			why = "v= after the first line";
			break;
		case 'o':
			if (m)
				break;	/* not SDP; passed through */
			why = parse_origin(&addr, &ln);
			if (!why && s.origin.af == LK_SDP_AF_NONE)
				s.origin = addr;
			break;
		case 'c':
			/* Every c= is checked, since each is rewritten; the
			 * first one at each level is the one reported. */
			why = parse_conn_line(&addr, &ln);
			if (why)
				break;
			if (m && m->conn.af == LK_SDP_AF_NONE)
				m->conn = addr;
			else if (!m && s.conn.af == LK_SDP_AF_NONE)
				s.conn = addr;
			break;
		case 'm':
			if (s.nmedia == LK_SDP_MAX_MEDIA) {
				why = "more than " STR(LK_SDP_MAX_MEDIA)
				      " m= sections";
				break;
			}
			m = &s.media[s.nmedia];
			why = parse_media(m, &ln);
			if (!why)
				++s.nmedia;
			break;
		case 'a':
			why = parse_attr(&s, m, &ln);
			break;
		default:
			/* s=, i=, u=, e=, p=, b=, t=, r=, z=, k= and letters
			 * this parser does not know: not the relay's to
			 * judge (RFC 4566 s.5 leaves that to the endpoint),
			 * so they pass through unread. */
			break;
		}
		if (why)
			goto bad;
	}
	if (!seen_v) {
		ln.no = 1;
		why = "no v= line: the description is empty";
		goto bad;
	}

	s.nlines = ln.no;
	*sdp = s;

	return 0;

 bad:
	if (errp) {
		errp->line = ln.no;
		errp->reason = why;
	}

	return EBADMSG;
}

enum lk_sdp_dir lk_sdp_media_dir(const struct lk_sdp *sdp, unsigned i)
{
	if (!sdp)
		return LK_SDP_DIR_SENDRECV;
	if (i < sdp->nmedia && sdp->media[i].dir != LK_SDP_DIR_NONE)
		return sdp->media[i].dir;
	if (sdp->dir != LK_SDP_DIR_NONE)
		return sdp->dir;

	/* RFC 3264 s.5.1: no direction attribute means sendrecv. */
	return LK_SDP_DIR_SENDRECV;
}

const char *lk_sdp_dir_name(enum lk_sdp_dir dir)
{
	if ((unsigned)dir > LK_SDP_DIR_INACTIVE)
		return "";

	return dir_names[dir];
}

/*
 * The rewrite.  The output is bounded: `put` stops at the first write
 * that would not fit and remembers it.  With no buffer it only counts.
 */
struct out {
	char *p;
	size_t size;
	size_t len;
	bool nospc;
	bool open;		/* the last line written still lacks its end */
};

struct rw {
	const struct lk_sdp *sdp;
	const struct lk_sdp_plan *plan;
	struct out o;
	bool sess_conn;		/* rewrite the session-level c= */

	/* The media section being written; -1 before the first m=. */
	int sec;
	const char *eol;	/* for added lines */
	size_t eollen;
	bool pending_conn;	/* a c= is to follow m= (and i=) */
	bool had_rtcp;
	bool had_mux;
	bool finished;		/* lines have been added at its end */
};

static void put(struct out *o, const void *s, size_t n)
{
	if (o->nospc || !n)
		return;
	if (o->p) {
		if (n > o->size - o->len) {
			o->nospc = true;
			return;
		}
		memcpy(o->p + o->len, s, n);
	}
	o->len += n;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_port(struct out *o, uint16_t port)
{
	char tmp[8];
	int n = snprintf(tmp, sizeof(tmp), "%u", (unsigned)port);

	put(o, tmp, (size_t)n);
}

static const char *af_name(enum lk_sdp_af af)
{
	return af == LK_SDP_AF_IP6 ? "IP6" : "IP4";
}

/* A line that follows one written without its end (the last input line
 * lacked one) first gives that line an end. */
static void line_begin(struct rw *rw)
{
	if (rw->o.open) {
		put(&rw->o, rw->eol, rw->eollen);
		rw->o.open = false;
	}
}

static void line_end(struct rw *rw, const char *eol, size_t eollen)
{
	put(&rw->o, eol, eollen);
	rw->o.open = (eollen == 0);
}

static void line_copy(struct rw *rw, const struct line *ln)
{
	line_begin(rw);
	put(&rw->o, ln->p, ln->clen);
	line_end(rw, ln->eol, ln->eollen);
}

static void media_addr(const struct lk_sdp_plan *plan, unsigned i,
		       const char **addrp, enum lk_sdp_af *afp)
{
	if (plan->media[i].addr) {
		*addrp = plan->media[i].addr;
		*afp = plan->media[i].af;
	}
	else {
		*addrp = plan->addr;
		*afp = plan->af;
	}
}

static void put_conn(struct rw *rw, const char *prefix, enum lk_sdp_af af,
		     const char *addr)
{
	put_str(&rw->o, prefix);
	put_str(&rw->o, af_name(af));
	put(&rw->o, " ", 1);
	put_str(&rw->o, addr);
}

/* Whether active section i must get a c= of its own. */
static bool needs_own_conn(const struct rw *rw, unsigned i)
{
	const struct lk_sdp *sdp = rw->sdp;
	const struct lk_sdp_media *m = &sdp->media[i];
	enum lk_sdp_af af;
	const char *addr;

	if (!m->port || m->conn.af != LK_SDP_AF_NONE)
		return false;
	if (sdp->conn.af == LK_SDP_AF_NONE)
		return true;	/* RFC 4566 s.5.7 wants one; give it */
	if (sdp->conn.zero && !rw->plan->replace_zero)
		return false;	/* held through the session-level c= */

	/* The session-level c= will carry the plan's address: keep that
	 * structure while this stream's relay address is the same. */
	media_addr(rw->plan, i, &addr, &af);
	return af != rw->plan->af || strcmp(addr, rw->plan->addr) != 0;
}

static void add_conn(struct rw *rw)
{
	enum lk_sdp_af af;
	const char *addr;

	media_addr(rw->plan, (unsigned)rw->sec, &addr, &af);
	line_begin(rw);
	put_conn(rw, "c=IN ", af, addr);
	line_end(rw, rw->eol, rw->eollen);
	rw->pending_conn = false;
}

/* Lines added at the end of a media section (RFC 4566 s.5 puts
 * attributes last, so the end is always a legal place for them). */
static void section_finish(struct rw *rw)
{
	const struct lk_sdp_media *m;
	const struct lk_sdp_plan_media *pm;
	uint16_t rtcp;
	unsigned i;

	if (rw->sec < 0 || rw->finished)
		return;
	rw->finished = true;
	m = &rw->sdp->media[rw->sec];
	pm = &rw->plan->media[rw->sec];

	if (rw->pending_conn)
		add_conn(rw);
	if (!m->port || !m->rtp)
		return;

	rtcp = pm->rtcp_port ? pm->rtcp_port : (uint16_t)(pm->rtp_port + 1);
	if (!rw->had_rtcp && rtcp != pm->rtp_port + 1) {
		line_begin(rw);
		put_str(&rw->o, "a=rtcp:");
		put_port(&rw->o, rtcp);
		line_end(rw, rw->eol, rw->eollen);
	}
	if (rw->plan->rtcp_mux == LK_SDP_MUX_OFFER && !rw->had_mux) {
		line_begin(rw);
		put_str(&rw->o, "a=rtcp-mux");
		line_end(rw, rw->eol, rw->eollen);
	}
	for (i = 0; i < pm->nlines && i < LK_SDP_PLAN_LINES; i++) {
		if (!pm->lines[i])
			continue;
		line_begin(rw);
		put_str(&rw->o, pm->lines[i]);
		line_end(rw, rw->eol, rw->eollen);
	}
}

static void section_start(struct rw *rw, const struct line *ln)
{
	section_finish(rw);
	++rw->sec;
	rw->finished = false;
	rw->had_rtcp = false;
	rw->had_mux = false;
	if (ln->eollen) {
		rw->eol = ln->eol;
		rw->eollen = ln->eollen;
	}
	else {
		rw->eol = "\r\n";
		rw->eollen = 2;
	}
	rw->pending_conn = needs_own_conn(rw, (unsigned)rw->sec);
}

/* m=: only the port changes; a port count stays, and the relay is then
 * expected to hold that many pairs from rtp_port on. */
static void write_media(struct rw *rw, const struct line *ln)
{
	const struct lk_sdp_media *m = &rw->sdp->media[rw->sec];
	struct lk_sdp_str type, portf, proto;
	const char *end;
	struct scan sc;

	line_value(&sc, ln);
	if (!m->port || !scan_field(&sc, &type) || !scan_field(&sc, &portf)) {
		line_copy(rw, ln);
		return;
	}
	end = memchr(portf.p, '/', portf.len);
	if (!end)
		end = portf.p + portf.len;

	line_begin(rw);
	put(&rw->o, ln->p, (size_t)(portf.p - ln->p));
	put_port(&rw->o, rw->plan->media[rw->sec].rtp_port);
	if (rw->plan->media[rw->sec].proto &&
	    scan_field(&sc, &proto)) {
		/* RTP/AVP <-> RTP/SAVP (docs/srtp.md); formats stay. */
		put(&rw->o, end, (size_t)(proto.p - end));
		put_str(&rw->o, rw->plan->media[rw->sec].proto);
		end = proto.p + proto.len;
	}
	put(&rw->o, end, (size_t)(ln->p + ln->clen - end));
	line_end(rw, ln->eol, ln->eollen);
}

/* o=: the address type and address change; username, session id and
 * version stay as they are. */
static void write_origin(struct rw *rw, const struct line *ln)
{
	struct lk_sdp_str f, atype, addr;
	struct scan sc;
	int i;

	line_value(&sc, ln);
	for (i = 0; i < 4; i++)
		if (!scan_field(&sc, &f))
			goto copy;
	if (!scan_field(&sc, &atype) || !scan_field(&sc, &addr))
		goto copy;

	line_begin(rw);
	put(&rw->o, ln->p, (size_t)(atype.p - ln->p));
	put_str(&rw->o, af_name(rw->plan->af));
	put(&rw->o, " ", 1);
	put_str(&rw->o, rw->plan->addr);
	put(&rw->o, addr.p + addr.len,
	    (size_t)(ln->p + ln->clen - (addr.p + addr.len)));
	line_end(rw, ln->eol, ln->eollen);
	return;

 copy:
	line_copy(rw, ln);
}

static void write_conn(struct rw *rw, const struct line *ln)
{
	struct lk_sdp_addr a;
	enum lk_sdp_af af;
	const char *addr;

	if (parse_conn_line(&a, ln) || (a.zero && !rw->plan->replace_zero)) {
		line_copy(rw, ln);
		return;
	}
	if (rw->sec < 0) {
		if (!rw->sess_conn) {
			line_copy(rw, ln);
			return;
		}
		addr = rw->plan->addr;
		af = rw->plan->af;
	}
	else {
		media_addr(rw->plan, (unsigned)rw->sec, &addr, &af);
		rw->pending_conn = false;
	}
	line_begin(rw);
	put_conn(rw, "c=IN ", af, addr);
	line_end(rw, ln->eol, ln->eollen);
}

static void write_rtcp(struct rw *rw, const struct line *ln,
		       const struct lk_sdp_str *value)
{
	const struct lk_sdp_plan_media *pm = &rw->plan->media[rw->sec];
	struct lk_sdp_addr a;
	enum lk_sdp_af af;
	const char *addr;
	uint16_t port;

	rw->had_rtcp = true;
	if (parse_rtcp(&port, &a, value)) {
		line_copy(rw, ln);
		return;
	}
	line_begin(rw);
	put_str(&rw->o, "a=rtcp:");
	put_port(&rw->o, pm->rtcp_port ? pm->rtcp_port
				       : (uint16_t)(pm->rtp_port + 1));
	if (a.af != LK_SDP_AF_NONE) {
		if (a.zero && !rw->plan->replace_zero) {
			put_str(&rw->o, " IN ");
			put_str(&rw->o, af_name(a.af));
			put(&rw->o, " ", 1);
			put(&rw->o, a.addr.p, a.addr.len);
		}
		else {
			media_addr(rw->plan, (unsigned)rw->sec, &addr, &af);
			put_conn(rw, " IN ", af, addr);
		}
	}
	line_end(rw, ln->eol, ln->eollen);
}

static void write_attr(struct rw *rw, const struct line *ln)
{
	struct lk_sdp_str name, value;
	bool active;

	attr_split(ln, &name, &value);
	if (rw->plan->ice == LK_SDP_ICE_REMOVE && attr_is_ice(&name))
		return;
	if (rw->sec < 0) {
		line_copy(rw, ln);
		return;
	}

	/* In a rejected section (port 0) only c= and ICE are touched. */
	active = rw->sdp->media[rw->sec].port != 0;
	if (active && str_eq(&name, "rtcp")) {
		write_rtcp(rw, ln, &value);
		return;
	}
	if (active && rw->plan->media[rw->sec].strip_crypto &&
	    str_eq(&name, "crypto"))
		return;
	if (active && str_eq(&name, "rtcp-mux")) {
		rw->had_mux = true;
		if (rw->plan->rtcp_mux == LK_SDP_MUX_DEMUX)
			return;
	}
	line_copy(rw, ln);
}

static bool addr_valid(const char *addr, enum lk_sdp_af af)
{
	unsigned char tmp[sizeof(struct in6_addr)];

	if (!addr)
		return false;
	if (af == LK_SDP_AF_IP4)
		return inet_pton(AF_INET, addr, tmp) == 1;
	if (af == LK_SDP_AF_IP6)
		return inet_pton(AF_INET6, addr, tmp) == 1;

	return false;
}

static int plan_check(const struct lk_sdp *sdp, const struct lk_sdp_plan *plan)
{
	const struct lk_sdp_plan_media *pm;
	const struct lk_sdp_media *m;
	unsigned i;

	if (!addr_valid(plan->addr, plan->af))
		return EINVAL;
	if (sdp->nmedia > LK_SDP_MAX_MEDIA)
		return EINVAL;
	for (i = 0; i < sdp->nmedia; i++) {
		m = &sdp->media[i];
		pm = &plan->media[i];
		if (pm->addr && !addr_valid(pm->addr, pm->af))
			return EINVAL;
		if (!m->port)
			continue;
		if (!pm->rtp_port)
			return EINVAL;
		if (pm->rtp_port + 2u * (m->nports - 1u) > 65535u)
			return EINVAL;
		if (!pm->rtcp_port && pm->rtp_port == 65535)
			return EINVAL;
	}

	return 0;
}

int lk_sdp_rewrite(char *out, size_t size, size_t *lenp,
		   const struct lk_sdp *sdp, const struct lk_sdp_plan *plan)
{
	struct rw rw;
	struct line ln;
	size_t off = 0;
	unsigned i;
	int err;

	if (!lenp || !sdp || !plan || (!sdp->buf && sdp->len))
		return EINVAL;
	err = plan_check(sdp, plan);
	if (err)
		return err;

	memset(&rw, 0, sizeof(rw));
	memset(&ln, 0, sizeof(ln));
	rw.sdp = sdp;
	rw.plan = plan;
	rw.o.p = out;
	rw.o.size = out ? size : 0;
	rw.sec = -1;
	rw.eol = "\r\n";
	rw.eollen = 2;

	/* RFC 4566 s.5.7: a session-level c= is the default for every
	 * section without its own.  ng's "session-connection" rewrites it
	 * even when no section relies on it. */
	if (sdp->conn.af != LK_SDP_AF_NONE) {
		rw.sess_conn = plan->replace_session_conn;
		for (i = 0; i < sdp->nmedia; i++)
			if (sdp->media[i].port &&
			    sdp->media[i].conn.af == LK_SDP_AF_NONE)
				rw.sess_conn = true;
	}

	while (line_next(&ln, sdp->buf, sdp->len, &off)) {
		if (!ln.len) {
			/* Trailing blank lines: the last section ends
			 * before them. */
			section_finish(&rw);
			line_copy(&rw, &ln);
			continue;
		}
		if (ln.p[0] == 'm' && rw.sec + 1 < (int)sdp->nmedia) {
			section_start(&rw, &ln);
			write_media(&rw, &ln);
			continue;
		}
		/* A section's own c= goes after m= and i= (RFC 4566 s.5). */
		if (rw.pending_conn && ln.p[0] != 'i')
			add_conn(&rw);

		switch (ln.p[0]) {
		case 'o':
			if (rw.sec < 0 && plan->replace_origin)
				write_origin(&rw, &ln);
			else
				line_copy(&rw, &ln);
			break;
		case 'c':
			write_conn(&rw, &ln);
			break;
		case 'a':
			write_attr(&rw, &ln);
			break;
		default:
			line_copy(&rw, &ln);
			break;
		}
	}
	section_finish(&rw);

	if (rw.o.nospc)
		return ENOSPC;
	*lenp = rw.o.len;

	return 0;
}
