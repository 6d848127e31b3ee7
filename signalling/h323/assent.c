/* signalling/h323/assent.c  Assent (seed T, 2776): bound, not implemented; each connection gets a clean Release Complete and is closed. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <re.h>

#include "h323/assent.h"
#include "h323/h225.h"
#include "h323/q931.h"
#include "log.h"

/* A first message longer than this is not call signalling we answer. */
#define MSG_MAX		4096
#define ARENA_BYTES	(64u * 1024u)

struct lk_h323_assent {
	struct evconnlistener *lev;
	uint16_t port;
	struct list conns;
	unsigned nconns;
	bool said;			/* the first connection was logged */
	struct lk_h323_assent_stats st;
	uint8_t arena[ARENA_BYTES];
};

struct as_conn {
	struct le le;
	struct lk_h323_assent *a;
	struct bufferevent *bev;
	char peer[INET6_ADDRSTRLEN + 8];
	bool closing;			/* flushing the Release Complete */
};

static void conn_destructor(void *arg)
{
	struct as_conn *c = arg;

	list_unlink(&c->le);
	--c->a->nconns;
	if (c->bev)
		bufferevent_free(c->bev);
}

static void conn_close(struct as_conn *c, const char *why)
{
	lk_debug("H.323 Assent connection from %s closed: %s", c->peer, why);
	mem_deref(c);
}

/*
 * Release Complete for the first message `m`: its call reference, the
 * flag of the side answering (Q.931 4.3), cause 79 and a UU-PDU
 * releaseComplete (undefinedReason, the message's callIdentifier if it
 * has one, else zeros: H.225.0 7.4.1 makes the member mandatory).
 */
static int release(struct as_conn *c, const struct lk_q931 *m)
{
	static const uint8_t zero[16];
	struct lk_h323_assent *a = c->a;
	struct lk_asn_val *uu = NULL, *in = NULL, *body, *v, *id;
	const uint8_t *callid = zero, *p;
	uint8_t ubuf[512], out[700];
	struct lk_asn_arena ar;
	struct lk_q931 rc;
	size_t len, plen, errbit;

	lk_asn_arena_init(&ar, a->arena, sizeof(a->arena));
	if (!lk_q931_uu(m, &p, &plen) &&
	    !lk_h225_uu_decode(p, plen, &ar, &in, &errbit)) {
		id = lk_asn_get(in, "h323-uu-pdu.h323-message-body");
		id = id && id->u.choice.v ? lk_asn_get(id->u.choice.v,
			"callIdentifier.guid") : NULL;
		if (id && id->type && id->type->kind == LK_ASN_OCTETS &&
		    id->u.str.len == 16)
			callid = id->u.str.p;
	}
	uu = lk_h225_uu_new(&ar, "releaseComplete", &body);
	v = body ? lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			      "undefinedReason") : NULL;
	v = v ? lk_asn_set(&ar, lk_asn_set(&ar, body, "callIdentifier"),
			   "guid") : NULL;
	if (!v || lk_asn_set_octets(&ar, v, callid, 16) ||
	    lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1, &len))
		return ENOMEM;
	ubuf[0] = LK_Q931_UU_PD;
	lk_q931_init(&rc, LK_Q931_RELEASE_COMPLETE, m->crv, !m->crv_flag);
	if (lk_q931_set_cause(&rc, LK_Q931_CAUSE_NOT_IMPLEMENTED) ||
	    lk_q931_set(&rc, LK_Q931_IE_USER_USER, ubuf, len + 1) ||
	    lk_q931_encode(&rc, true, out, sizeof(out), &len))
		return ENOMEM;
	return bufferevent_write(c->bev, out, len) ? ENOMEM : 0;
}

static void conn_flushed(struct bufferevent *bev, void *arg)
{
	struct as_conn *c = arg;

	(void)bev;
	conn_close(c, "Release Complete sent");
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct as_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct lk_q931 m;
	uint8_t *buf;
	size_t n, pdulen;
	int err;

	if (c->closing) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	for (;;) {
		n = evbuffer_get_length(in);
		buf = evbuffer_pullup(in, n < MSG_MAX ? (ssize_t)n : MSG_MAX);
		err = buf ? lk_tpkt_frame(buf, n < MSG_MAX ? n : MSG_MAX,
					  &pdulen) : EAGAIN;
		if (err == EAGAIN && n >= MSG_MAX)
			err = EMSGSIZE;
		if (err == EAGAIN)
			return;
		if (err)
			break;
		if (pdulen == LK_TPKT_HDR) {	/* an empty TPKT keep-alive */
			evbuffer_drain(in, pdulen);
			continue;
		}
		err = lk_q931_decode(&m, buf + LK_TPKT_HDR,
				     pdulen - LK_TPKT_HDR, NULL);
		if (err || m.crv_len == 0)
			break;
		++c->a->st.released;
		lk_debug("H.323 Assent: %s from %s (call reference %u): "
			 "Release Complete, service or option not "
			 "implemented", lk_q931_type_name(m.type), c->peer,
			 m.crv);
		if (release(c, &m)) {
			conn_close(c, "Release Complete not built");
			return;
		}
		c->closing = true;
		evbuffer_drain(in, evbuffer_get_length(in));
		bufferevent_setcb(bev, conn_read, conn_flushed, NULL, c);
		return;
	}
	++c->a->st.bad_input;
	lk_warn_limited("H.323 Assent connection from %s: not Q.931 in a "
			"TPKT; closed (%llu so far)", c->peer,
			(unsigned long long)c->a->st.bad_input);
	conn_close(c, "bad input");
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct as_conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT) {
		++c->a->st.timeouts;
		conn_close(c, "no message in time");
		return;
	}
	conn_close(c, what & BEV_EVENT_EOF ? "closed by the peer" :
		   "connection error");
}

static void as_accept(struct evconnlistener *lev, evutil_socket_t fd,
		      struct sockaddr *sa, int socklen, void *arg)
{
	struct lk_h323_assent *a = arg;
	struct timeval tv = { LK_H323_ASSENT_TIMEOUT, 0 };
	struct as_conn *c;
	char host[INET6_ADDRSTRLEN] = "?";

	(void)socklen;
	++a->st.connections;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr,
			  host, sizeof(host));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr,
			  host, sizeof(host));
	if (!a->said) {
		a->said = true;
		lk_info("H.323 Assent connection on %u from %s: Assent is "
			"proprietary, with no public specification, and is "
			"not implemented; H.460.18/19 is its standard "
			"equivalent (call signalling on 1720, H.245 on 2777). "
			"Its calls get Release Complete (counted, logged at "
			"debug level from now on)", a->port, host);
	}
	if (a->nconns >= LK_H323_ASSENT_CONNS) {
		++a->st.refused;
		close(fd);
		return;
	}
	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c) {
		close(fd);
		return;
	}
	c->a = a;
	++a->nconns;
	list_append(&a->conns, &c->le, c);
	snprintf(c->peer, sizeof(c->peer), "%s:%u", host,
		 ntohs(((struct sockaddr_in *)sa)->sin_port));
	c->bev = bufferevent_socket_new(evconnlistener_get_base(lev), fd,
					BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		mem_deref(c);
		return;
	}
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE))
		mem_deref(c);
}

static void assent_destructor(void *arg)
{
	struct lk_h323_assent *a = arg;

	if (a->lev)
		evconnlistener_free(a->lev);
	list_flush(&a->conns);
	lk_info("H.323 Assent (%u, not implemented): connections=%llu "
		"released=%llu bad_input=%llu timeouts=%llu refused=%llu",
		a->port, (unsigned long long)a->st.connections,
		(unsigned long long)a->st.released,
		(unsigned long long)a->st.bad_input,
		(unsigned long long)a->st.timeouts,
		(unsigned long long)a->st.refused);
}

int lk_h323_assent_alloc(struct lk_h323_assent **ap, struct event_base *base,
			 int fd, uint16_t port)
{
	struct lk_h323_assent *a;

	if (!ap || !base || fd < 0)
		return EINVAL;
	a = mem_zalloc(sizeof(*a), assent_destructor);
	if (!a) {
		close(fd);
		return ENOMEM;
	}
	a->port = port;
	list_init(&a->conns);
	evutil_make_socket_nonblocking(fd);
	a->lev = evconnlistener_new(base, as_accept, a, LEV_OPT_CLOSE_ON_FREE,
				    -1, fd);
	if (!a->lev) {
		close(fd);
		mem_deref(a);
		return ENOMEM;
	}
	*ap = a;
	return 0;
}

void lk_h323_assent_stats(const struct lk_h323_assent *a,
			  struct lk_h323_assent_stats *st)
{
	if (a && st)
		*st = a->st;
}
