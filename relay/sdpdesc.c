/* relay/sdpdesc.c  SDP at the media core's edge: a parsed SDP as a media description, the relay's answer back into SDP, and an SDP written from a description. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdpdesc.h"

_Static_assert(LK_MDESC_MAX_STREAMS == LK_SDP_MAX_MEDIA,
	       "a description holds every m= section an SDP may carry");
_Static_assert(LK_MDESC_MAX_PT == LK_SDP_MAX_PT &&
	       LK_MDESC_MAX_CRYPTO == LK_SDP_MAX_CRYPTO,
	       "a description holds every payload type and a=crypto kept");
_Static_assert(LK_MDESC_RELAY_CRYPTO <= LK_SDP_PLAN_LINES,
	       "each of the relay's keys is one line the plan adds");

#define CRYPTO_PREFIX "a=crypto:"

/* An SDP address (an IP literal in its family) with `port`, or family 0. */
static void sdp_sockaddr(struct sockaddr_storage *ss,
			 const struct lk_sdp_addr *sa, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (sa->af == LK_SDP_AF_NONE || sa->addr.len >= sizeof(buf))
		return;
	memcpy(buf, sa->addr.p, sa->addr.len);
	buf[sa->addr.len] = '\0';
	if (sa->af == LK_SDP_AF_IP4 &&
	    inet_pton(AF_INET, buf, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
	}
	else if (sa->af == LK_SDP_AF_IP6 &&
		 inet_pton(AF_INET6, buf, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	}
	else {
		memset(ss, 0, sizeof(*ss));
	}
}

/*
 * The multiplexID a side wants to receive with, from "a=x-latchkey-muxid:"
 * in its media section `index`; 0 if absent or not a valid ID (1 to
 * 2^32 - 1).
 */
static uint32_t sdp_muxid(const char *sdp, size_t len, unsigned index)
{
	const size_t alen = sizeof(LK_SDP_MUXID_ATTR) - 1;
	const char *p = sdp, *end = sdp + len;
	int section = -1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		if (e - p >= 2 && p[0] == 'm' && p[1] == '=')
			++section;
		if (section == (int)index && (size_t)(e - p) > alen &&
		    !memcmp(p, LK_SDP_MUXID_ATTR, alen)) {
			const char *d = p + alen;
			uint64_t v = 0;

			while (d < e && *d >= '0' && *d <= '9' && v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(*d++ - '0');
			while (d < e && (*d == '\r' || *d == ' '))
				++d;
			if (d == e && v && v <= UINT32_MAX)
				return (uint32_t)v;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}

	return 0;
}

static enum lk_mdesc_dir dir_of(enum lk_sdp_dir dir)
{
	switch (dir) {
	case LK_SDP_DIR_SENDONLY:	return LK_MDESC_SENDONLY;
	case LK_SDP_DIR_RECVONLY:	return LK_MDESC_RECVONLY;
	case LK_SDP_DIR_INACTIVE:	return LK_MDESC_INACTIVE;
	default:			return LK_MDESC_SENDRECV;
	}
}

void lk_sdp_describe(struct lk_mdesc *d, const struct lk_sdp *sdp)
{
	unsigned i, k;

	memset(d, 0, sizeof(*d));
	d->nstreams = sdp->nmedia;
	for (i = 0; i < sdp->nmedia; i++) {
		const struct lk_sdp_media *sm = &sdp->media[i];
		const struct lk_sdp_addr *ca = sm->conn.af ? &sm->conn :
			&sdp->conn;
		struct lk_mdesc_stream *s = &d->s[i];

		s->media.p = sm->type.p;
		s->media.len = sm->type.len;
		s->proto.p = sm->proto.p;
		s->proto.len = sm->proto.len;
		s->rtp = sm->rtp;
		s->port = sm->port;
		s->rtcp_port = sm->rtcp_port ? sm->rtcp_port :
			(uint16_t)(sm->port + 1);
		sdp_sockaddr(&s->addr, ca, s->port);
		sdp_sockaddr(&s->rtcp_addr, sm->rtcp_addr.af ? &sm->rtcp_addr :
			     ca, s->rtcp_port);
		s->rtcp_mux = sm->rtcp_mux;
		s->dir = dir_of(lk_sdp_media_dir(sdp, i));
		s->mux_id = sdp_muxid(sdp->buf, sdp->len, i);
		s->npt = sm->npt;
		memcpy(s->pt, sm->pt, sm->npt);
		s->ncrypto = sm->ncrypto;
		for (k = 0; k < sm->ncrypto; k++) {
			s->crypto[k].p = sm->crypto[k].p;
			s->crypto[k].len = sm->crypto[k].len;
		}
	}
}

/*
 * Remove every "a=x-latchkey-muxid:" line (it was meant for the relay) and
 * add the relay's own at the end of each multiplexed section.
 */
static int muxid_rewrite(char *buf, size_t size, size_t *lenp,
			 const struct lk_mdesc_relay *relay, unsigned n)
{
	const size_t alen = sizeof(LK_SDP_MUXID_ATTR) - 1;
	char *tmp, *o;
	const char *p, *end;
	int section = -1;
	size_t len = *lenp;
	char eol[3] = "\r\n";

	tmp = malloc(len + 1);
	if (!tmp)
		return ENOMEM;
	memcpy(tmp, buf, len);
	p = tmp;
	end = tmp + len;
	o = buf;

#define EMIT(src, n) do {						\
	if ((size_t)(o - buf) + (n) > size) {				\
		free(tmp);						\
		return ENOSPC;						\
	}								\
	memcpy(o, (src), (n));						\
	o += (n);							\
} while (0)
#define EMIT_MUXID(idx) do {						\
	if ((idx) >= 0 && (unsigned)(idx) < n && relay[(idx)].mux) {	\
		char l_[48];						\
		int n_ = snprintf(l_, sizeof(l_), LK_SDP_MUXID_ATTR	\
				  "%u%s", relay[(idx)].mux_id, eol);	\
		EMIT(l_, (size_t)n_);					\
	}								\
} while (0)

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl + 1 : end;

		if (e - p >= 2 && p[0] == 'm' && p[1] == '=') {
			EMIT_MUXID(section);
			++section;
			snprintf(eol, sizeof(eol), "%s",
				 (nl && nl > p && nl[-1] == '\r') ? "\r\n" :
				 "\n");
		}
		if (!((size_t)(e - p) >= alen &&
		      !memcmp(p, LK_SDP_MUXID_ATTR, alen)))
			EMIT(p, (size_t)(e - p));
		p = e;
	}
	if (end > tmp && end[-1] != '\n')
		EMIT(eol, strlen(eol));
	EMIT_MUXID(section);
#undef EMIT
#undef EMIT_MUXID
	*lenp = (size_t)(o - buf);
	free(tmp);

	return 0;
}

/* The relay's keys as a=crypto lines, for the plan to add. */
struct crypto_lines {
	char l[LK_SDP_MAX_MEDIA][LK_MDESC_RELAY_CRYPTO]
	      [sizeof(CRYPTO_PREFIX) - 1 + LK_MDESC_CRYPTO_LEN];
};

int lk_sdp_answer(char *out, size_t size, size_t *lenp,
		  const struct lk_sdp *sdp, struct lk_sdp_plan *plan,
		  const struct lk_mdesc_relay *relay)
{
	struct crypto_lines *cl;
	unsigned i, k;
	int err;

	if (!out || !lenp || !sdp || !plan || !relay)
		return EINVAL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return ENOMEM;
	for (i = 0; i < sdp->nmedia; i++) {
		const struct lk_mdesc_relay *r = &relay[i];
		struct lk_sdp_plan_media *pm = &plan->media[i];

		pm->rtp_port = r->port;
		pm->rtcp_port = r->rtcp_port;
		pm->proto = r->proto[0] ? r->proto : NULL;
		pm->strip_crypto = r->own_crypto;
		pm->nlines = 0;
		for (k = 0; k < r->ncrypto && k < LK_MDESC_RELAY_CRYPTO; k++) {
			snprintf(cl->l[i][k], sizeof(cl->l[i][k]), "%s%s",
				 CRYPTO_PREFIX, r->crypto[k]);
			pm->lines[pm->nlines++] = cl->l[i][k];
		}
	}
	err = lk_sdp_rewrite(out, size, lenp, sdp, plan);
	if (!err)
		err = muxid_rewrite(out, size, lenp, relay, sdp->nmedia);
	explicit_bzero(cl, sizeof(*cl));
	free(cl);

	return err;
}

/*
 * Writing an SDP from a description (lk_sdp_write()).
 */

struct sdp_out {
	char *p;
	size_t size, len;
	int err;
};

static void put(struct sdp_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct sdp_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->err = ENOSPC;
		return;
	}
	o->len += (size_t)n;
}

/* A token of RFC 4566 s.9 (media, proto): visible, no space. */
static bool token_ok(const struct lk_mdesc_str *s)
{
	size_t i;

	if (!s->p || !s->len || s->len > 64)
		return false;
	for (i = 0; i < s->len; i++)
		if (s->p[i] <= ' ' || s->p[i] > '~')
			return false;

	return true;
}

/* An attribute value: printable, no line end (RFC 4566 s.5.13). */
static bool value_ok(const struct lk_mdesc_str *s)
{
	size_t i;

	if (!s->p || !s->len || s->len >= LK_MDESC_CRYPTO_LEN)
		return false;
	for (i = 0; i < s->len; i++)
		if (s->p[i] < ' ' || s->p[i] > '~')
			return false;

	return true;
}

/* "IN IP4 a.b.c.d" or "IN IP6 x::y" of `ss` (family AF_INET or AF_INET6). */
static void put_addr(struct sdp_out *o, const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN] = "0.0.0.0";
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (ss->ss_family)
		inet_ntop(ss->ss_family, a, buf, sizeof(buf));
	put(o, "IN %s %s", ss->ss_family == AF_INET6 ? "IP6" : "IP4", buf);
}

static bool same_ip(const struct sockaddr_storage *a,
		    const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));

	return true;
}

static int stream_check(const struct lk_mdesc_stream *s)
{
	unsigned k;

	if (!token_ok(&s->media) || !token_ok(&s->proto))
		return EINVAL;
	/* RFC 4566 s.5.14: an m= line has a format; RTP's are its types. */
	if (s->port && s->rtp && !s->npt)
		return EINVAL;
	for (k = 0; k < s->npt; k++)
		if (s->pt[k] > 127)
			return EINVAL;
	for (k = 0; k < s->ncrypto; k++)
		if (!value_ok(&s->crypto[k]))
			return EINVAL;

	return 0;
}

static void put_stream(struct sdp_out *o, const struct lk_mdesc_stream *s,
		       const struct sockaddr_storage *session)
{
	unsigned k;

	put(o, "m=%.*s %u %.*s", (int)s->media.len, s->media.p, s->port,
	    (int)s->proto.len, s->proto.p);
	for (k = 0; k < s->npt; k++)
		put(o, " %u", s->pt[k]);
	if (!s->npt)
		put(o, " %s", s->rtp ? "0" : "*");
	put(o, "\r\n");
	if (s->addr.ss_family && !same_ip(&s->addr, session)) {
		put(o, "c=");
		put_addr(o, &s->addr);
		put(o, "\r\n");
	}
	put(o, "a=%s\r\n", lk_mdesc_dir_name(s->dir));
	if (!s->port)
		return;
	if (s->rtp && !s->rtcp_mux && s->rtcp_port &&
	    (s->rtcp_port != s->port + 1 ||
	     (s->rtcp_addr.ss_family && !same_ip(&s->rtcp_addr, &s->addr)))) {
		put(o, "a=rtcp:%u", s->rtcp_port);
		if (s->rtcp_addr.ss_family &&
		    !same_ip(&s->rtcp_addr, &s->addr)) {
			put(o, " ");
			put_addr(o, &s->rtcp_addr);
		}
		put(o, "\r\n");
	}
	if (s->rtcp_mux)
		put(o, "a=rtcp-mux\r\n");
	for (k = 0; k < s->ncrypto; k++)
		put(o, "a=crypto:%.*s\r\n", (int)s->crypto[k].len,
		    s->crypto[k].p);
	if (s->mux_id)
		put(o, LK_SDP_MUXID_ATTR "%u\r\n", (unsigned)s->mux_id);
}

int lk_sdp_write(char *out, size_t size, size_t *lenp,
		 const struct lk_mdesc *d, uint64_t sess_id,
		 uint64_t sess_version)
{
	struct sdp_out o = { out, size, 0, 0 };
	const struct sockaddr_storage *session = NULL;
	static const struct sockaddr_storage none;
	unsigned i;
	int err;

	if (!out || !size || !lenp || lk_mdesc_check(d, NULL, NULL))
		return EINVAL;
	for (i = 0; i < d->nstreams; i++) {
		err = stream_check(&d->s[i]);
		if (err)
			return err;
		if (!session && d->s[i].addr.ss_family)
			session = &d->s[i].addr;
		/* An active stream needs an address to be sent to. */
		if (d->s[i].port && !d->s[i].addr.ss_family)
			return EINVAL;
	}
	if (!session)
		session = &none;	/* every stream inactive: 0.0.0.0 */
	put(&o, "v=0\r\no=- %llu %llu ", (unsigned long long)sess_id,
	    (unsigned long long)sess_version);
	put_addr(&o, session);
	put(&o, "\r\ns=-\r\nc=");
	put_addr(&o, session);
	put(&o, "\r\nt=0 0\r\n");
	for (i = 0; i < d->nstreams; i++)
		put_stream(&o, &d->s[i], session);
	if (o.err)
		return o.err;
	*lenp = o.len;

	return 0;
}
