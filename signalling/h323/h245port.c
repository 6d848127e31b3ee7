/* signalling/h323/h245port.c  The H.460.18 H.245 port (seed U, 2777): endpoints' outbound H.245 connections, matched to their call. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <re.h>

#include "h323/h245port.h"
#include "h323/h460.h"
#include "h323/q931.h"
#include "log.h"

/* At most this many connections at once; more are closed at once. */
#define MAX_CONNS 1024

struct hp_conn {
	struct le le;
	struct lk_h323_h245port *port;
	struct bufferevent *ep;		/* the endpoint's */
	struct bufferevent *call;	/* ours to the call's H.245; NULL: not
					 * correlated yet */
	struct sockaddr_in peer;
};

struct lk_h323_h245port {
	struct evconnlistener *lev;
	struct event_base *base;
	lk_h323_h245port_find_h *findh;
	void *arg;
	struct list conns;
	struct lk_h323_h245port_stats st;
};

static void hp_conn_destructor(void *arg)
{
	struct hp_conn *c = arg;

	list_unlink(&c->le);
	if (c->ep)
		bufferevent_free(c->ep);
	if (c->call)
		bufferevent_free(c->call);
	if (c->port->st.active)
		--c->port->st.active;
}

static void hp_close(struct hp_conn *c, const char *why)
{
	char a[INET_ADDRSTRLEN];

	lk_debug("H.460.18 H.245 connection from %s:%u closed: %s",
		 inet_ntop(AF_INET, &c->peer.sin_addr, a, sizeof(a)),
		 ntohs(c->peer.sin_port), why);
	mem_deref(c);
}

/* Spliced: whatever one side sent goes to the other as it is. */
static void hp_splice(struct bufferevent *from, struct bufferevent *to)
{
	evbuffer_add_buffer(bufferevent_get_output(to),
			    bufferevent_get_input(from));
}

static void hp_call_read(struct bufferevent *bev, void *arg)
{
	struct hp_conn *c = arg;

	hp_splice(bev, c->ep);
}

static void hp_event(struct bufferevent *bev, short what, void *arg)
{
	struct hp_conn *c = arg;

	if (what & BEV_EVENT_CONNECTED)
		return;
	if (what & BEV_EVENT_TIMEOUT) {
		++c->port->st.timeouts;
		hp_close(c, "no correlation message in time");
		return;
	}
	if (bev == c->call && !(what & BEV_EVENT_EOF))
		++c->port->st.failed;
	hp_close(c, bev == c->ep ? "closed by the endpoint" :
		 "the call's H.245 side closed");
}

/* The first TPKT: the correlation; then the splice. */
static void hp_ep_read(struct bufferevent *bev, void *arg)
{
	struct hp_conn *c = arg;
	struct lk_h323_h245port *p = c->port;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[LK_TPKT_HDR], callid[16], *pdu;
	struct sockaddr_in to;
	size_t n = evbuffer_get_length(in), len;
	char a[INET_ADDRSTRLEN];
	int err;

	if (c->call) {
		hp_splice(bev, c->call);
		return;
	}
	for (;;) {
		if (n < LK_TPKT_HDR)
			return;
		evbuffer_copyout(in, hdr, sizeof(hdr));
		err = lk_tpkt_frame(hdr, sizeof(hdr), &len);
		if (err == EAGAIN)
			len = (size_t)hdr[2] << 8 | hdr[3];
		if ((err && err != EAGAIN) || hdr[0] != 3 ||
		    len < LK_TPKT_HDR) {
			++p->st.malformed;
			hp_close(c, "not a TPKT");
			return;
		}
		if (n < len)
			return;
		if (len > LK_TPKT_HDR)
			break;
		/* An empty TPKT (H.460.18 keep-alive) before it: skipped. */
		evbuffer_drain(in, len);
		n -= len;
	}
	pdu = evbuffer_pullup(in, (ev_ssize_t)len);
	err = pdu ? lk_h46018_correlation(pdu + LK_TPKT_HDR,
					  len - LK_TPKT_HDR, callid) : ENOMEM;
	if (err) {
		++p->st.malformed;
		lk_warn_limited("H.460.18 H.245 port: the first message from "
				"%s:%u is no connectionCorrelation (%s): "
				"closed", inet_ntop(AF_INET, &c->peer.sin_addr,
						    a, sizeof(a)),
				ntohs(c->peer.sin_port), strerror(err));
		hp_close(c, "no correlation");
		return;
	}
	evbuffer_drain(in, len);
	if (p->findh(callid, &to, p->arg)) {
		++p->st.unknown_call;
		lk_warn_limited("H.460.18 H.245 port: %s:%u names a call "
				"with no H.245 waiting: closed",
				inet_ntop(AF_INET, &c->peer.sin_addr, a,
					  sizeof(a)), ntohs(c->peer.sin_port));
		hp_close(c, "unknown call");
		return;
	}
	c->call = bufferevent_socket_new(p->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!c->call) {
		hp_close(c, "out of memory");
		return;
	}
	bufferevent_setcb(c->call, hp_call_read, NULL, hp_event, c);
	if (bufferevent_socket_connect(c->call, (struct sockaddr *)&to,
				       sizeof(to)) < 0) {
		++p->st.failed;
		hp_close(c, "cannot reach the call's H.245 listener");
		return;
	}
	bufferevent_enable(c->call, EV_READ);
	bufferevent_set_timeouts(bev, NULL, NULL);
	++p->st.correlated;
	lk_info("H.460.18 H.245 connection from %s:%u joins its call's H.245 "
		"(port %u)", inet_ntop(AF_INET, &c->peer.sin_addr, a,
				       sizeof(a)), ntohs(c->peer.sin_port),
		ntohs(to.sin_port));
	/* What came after the correlation is queued until connected. */
	if (evbuffer_get_length(in))
		hp_splice(bev, c->call);
}

static void hp_accept(struct evconnlistener *lev, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct lk_h323_h245port *p = arg;
	struct timeval tv = { LK_H323_H245PORT_TIMEOUT, 0 };
	struct hp_conn *c;

	(void)lev;
	++p->st.connections;
	if (p->st.active >= MAX_CONNS) {
		evutil_closesocket(fd);
		return;
	}
	c = mem_zalloc(sizeof(*c), hp_conn_destructor);
	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	c->port = p;
	list_append(&p->conns, &c->le, c);
	++p->st.active;
	if (sa->sa_family == AF_INET && (size_t)salen >= sizeof(c->peer))
		memcpy(&c->peer, sa, sizeof(c->peer));
	c->ep = bufferevent_socket_new(p->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->ep) {
		evutil_closesocket(fd);
		mem_deref(c);
		return;
	}
	bufferevent_setcb(c->ep, hp_ep_read, NULL, hp_event, c);
	bufferevent_set_timeouts(c->ep, &tv, NULL);
	/* One TPKT at most waits for its correlation. */
	bufferevent_setwatermark(c->ep, EV_READ, 0, 2 * LK_TPKT_MAX);
	bufferevent_enable(c->ep, EV_READ);
}

static void hp_destructor(void *arg)
{
	struct lk_h323_h245port *p = arg;

	if (p->lev)
		evconnlistener_free(p->lev);
	list_flush(&p->conns);
}

int lk_h323_h245port_alloc(struct lk_h323_h245port **pp,
			   struct event_base *base, int fd,
			   lk_h323_h245port_find_h *findh, void *arg)
{
	struct lk_h323_h245port *p;

	if (!pp || !base || fd < 0 || !findh)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), hp_destructor);
	if (!p) {
		close(fd);
		return ENOMEM;
	}
	p->base = base;
	p->findh = findh;
	p->arg = arg;
	list_init(&p->conns);
	/* Backlog 0: the socket listens already (signalling/listen.c). */
	p->lev = evconnlistener_new(base, hp_accept, p, LEV_OPT_CLOSE_ON_FREE,
				    0, fd);
	if (!p->lev) {
		close(fd);
		mem_deref(p);
		return ENOMEM;
	}
	*pp = p;
	return 0;
}

void lk_h323_h245port_stats(const struct lk_h323_h245port *p,
			    struct lk_h323_h245port_stats *st)
{
	if (p && st)
		*st = p->st;
}
