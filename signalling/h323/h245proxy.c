/* signalling/h323/h245proxy.c  A routed call's separate H.245 connection, relayed message by message through a listener of ours. */

/*
 * This file owns the separate H.245 connections of routed calls (H.323
 * 8.2): the listener from the Call signaling port range that the other
 * side is told of, the connection of ours to the owner's h245Address,
 * TPKT framing on both, and their closing.  What a message says is not
 * its business: each one goes through the call's handler (callsig.c,
 * which has the media glue rewrite it) and on to the other side.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <re.h>

#include "h323/h245.h"
#include "h323/h245proxy.h"
#include "h323/q931.h"
#include "log.h"
#include "portalloc.h"

/* A peer may queue two whole TPKTs before it is read no further. */
#define READ_HIGH (2 * LK_TPKT_MAX)

struct lk_h323_h245proxy {
	struct lk_h323_h245proxy_conf cfg;
	struct sockaddr_in target;	/* the owner's own h245Address */
	struct evconnlistener *lev;
	uint16_t lport;			/* the listener's port */
	uint16_t out_port;		/* ours towards the owner */
	struct bufferevent *bev[2];	/* per side: its connection */
	bool ended[2];			/* that side sent EndSessionCommand */
};

static enum lk_sigcall_side other(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? LK_SIGCALL_B : LK_SIGCALL_A;
}

int lk_h323_tcp_bind(uint16_t port, void *arg)
{
	struct lk_h323_tcp_bind *ob = arg;
	struct sockaddr_in a = *ob->local;
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	a.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	ob->fd = fd;

	return 0;
}

static void free_bev(struct lk_h323_h245proxy *h, enum lk_sigcall_side s)
{
	if (!h->bev[s])
		return;
	bufferevent_free(h->bev[s]);
	h->bev[s] = NULL;
	if (s == h->cfg.owner && h->out_port) {
		(void)lk_portalloc_give(h->cfg.ports, h->out_port);
		h->out_port = 0;
	}
}

/* Both connections closed: the H.245 session is over (the call goes on). */
static void shut(struct lk_h323_h245proxy *h, const char *why)
{
	lk_debug("H.323 call %llu: H.245 connection closed: %s",
		 (unsigned long long)h->cfg.call, why);
	free_bev(h, LK_SIGCALL_A);
	free_bev(h, LK_SIGCALL_B);
}

static void destructor(void *arg)
{
	struct lk_h323_h245proxy *h = arg;

	free_bev(h, LK_SIGCALL_A);
	free_bev(h, LK_SIGCALL_B);
	if (h->lev)
		evconnlistener_free(h->lev);
	if (h->lport)
		(void)lk_portalloc_give(h->cfg.ports, h->lport);
}

static void event(struct bufferevent *bev, short what, void *arg);

/* Both halves written out after EndSessionCommand both ways: close. */
static void drained(struct bufferevent *bev, void *arg)
{
	struct lk_h323_h245proxy *h = arg;
	unsigned s;

	(void)bev;
	for (s = 0; s < 2; s++)
		if (h->bev[s] &&
		    evbuffer_get_length(bufferevent_get_output(h->bev[s])))
			return;
	shut(h, "EndSessionCommand both ways");
}

/*
 * H.245 8.5 / H.323 8.5 step 3: a side that sent EndSessionCommand and
 * got one sends nothing more on the channel, and closes it.  Once both
 * have passed, both connections are closed as soon as what they carry
 * is written (the call itself ends with its Release Complete).
 */
static void end_session(struct lk_h323_h245proxy *h)
{
	unsigned s;

	for (s = 0; s < 2; s++) {
		if (!h->bev[s])
			continue;
		bufferevent_disable(h->bev[s], EV_READ);
		bufferevent_setcb(h->bev[s], NULL, drained, event, h);
	}
	drained(NULL, h);
}

/* One H.245 message from side `from`, through the handler, to the other. */
static void pass(struct lk_h323_h245proxy *h, enum lk_sigcall_side from,
		 const uint8_t *pdu, size_t len)
{
	struct bufferevent *to = h->bev[other(from)];
	uint8_t hdr[LK_TPKT_HDR];
	const uint8_t *out;
	size_t olen = len;

	const char *kind;

	if (!lk_h245_peek(pdu, len, &kind) &&
	    !strcmp(kind, "endSessionCommand"))
		h->ended[from] = true;
	out = h->cfg.msgh ? h->cfg.msgh(from, pdu, len, &olen, h->cfg.arg)
			  : pdu;
	if (out && to && !lk_tpkt_header(hdr, olen) &&
	    bufferevent_write(to, hdr, sizeof(hdr)) == 0)
		(void)bufferevent_write(to, out, olen);
	if (h->ended[LK_SIGCALL_A] && h->ended[LK_SIGCALL_B])
		end_session(h);
}

static void read_side(struct lk_h323_h245proxy *h, enum lk_sigcall_side s)
{
	struct evbuffer *in = bufferevent_get_input(h->bev[s]);

	while (h->bev[s]) {
		size_t n = evbuffer_get_length(in), pdu;
		uint8_t hdr[LK_TPKT_HDR], *p;

		if (n < LK_TPKT_HDR ||
		    evbuffer_copyout(in, hdr, sizeof(hdr)) < 0)
			break;
		pdu = (size_t)hdr[2] << 8 | hdr[3];
		if (hdr[0] != LK_TPKT_VERSION || pdu < LK_TPKT_HDR) {
			if (h->cfg.malformed)
				++*h->cfg.malformed;
			shut(h, "not a TPKT");
			break;
		}
		if (n < pdu)
			break;
		p = evbuffer_pullup(in, (ev_ssize_t)pdu);
		if (!p)
			break;
		if (pdu > LK_TPKT_HDR)
			pass(h, s, p + LK_TPKT_HDR, pdu - LK_TPKT_HDR);
		if (!h->bev[s] ||
		    (h->ended[LK_SIGCALL_A] && h->ended[LK_SIGCALL_B]))
			break;	/* closed, or closing: nothing more is read */
		evbuffer_drain(in, pdu);
	}
}

static void read_owner(struct bufferevent *bev, void *arg)
{
	struct lk_h323_h245proxy *h = arg;

	(void)bev;
	read_side(h, h->cfg.owner);
}

static void read_peer(struct bufferevent *bev, void *arg)
{
	struct lk_h323_h245proxy *h = arg;

	(void)bev;
	read_side(h, other(h->cfg.owner));
}

static void event(struct bufferevent *bev, short what, void *arg)
{
	struct lk_h323_h245proxy *h = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	shut(h, what & BEV_EVENT_EOF ? "closed by a peer" :
	     "connection lost");
}

/* The other side connected to our listener: connect on to the owner. */
static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct lk_h323_h245proxy *h = arg;
	struct lk_h323_tcp_bind ob = { &h->cfg.local, -1 };
	enum lk_sigcall_side owner = h->cfg.owner, peer = other(owner);
	uint16_t port;

	(void)lev;
	(void)sa;
	(void)salen;
	/* One H.245 session per call (H.245 8.1). */
	if (h->bev[peer] || h->bev[owner] ||
	    lk_portalloc_take_bound(h->cfg.ports, lk_h323_tcp_bind, &ob,
				    &port)) {
		evutil_closesocket(fd);
		return;
	}
	h->bev[peer] = bufferevent_socket_new(h->cfg.base, fd,
					      BEV_OPT_CLOSE_ON_FREE);
	h->bev[owner] = bufferevent_socket_new(h->cfg.base, ob.fd,
					       BEV_OPT_CLOSE_ON_FREE);
	h->out_port = port;
	if (!h->bev[peer] || !h->bev[owner]) {
		if (!h->bev[peer])
			evutil_closesocket(fd);
		if (!h->bev[owner])
			close(ob.fd);
		shut(h, "out of memory");
		return;
	}
	bufferevent_setcb(h->bev[peer], read_peer, NULL, event, h);
	bufferevent_setcb(h->bev[owner], read_owner, NULL, event, h);
	bufferevent_setwatermark(h->bev[peer], EV_READ, 0, READ_HIGH);
	bufferevent_setwatermark(h->bev[owner], EV_READ, 0, READ_HIGH);
	if (bufferevent_socket_connect(h->bev[owner],
				       (struct sockaddr *)&h->target,
				       sizeof(h->target)) < 0) {
		shut(h, "connect failed");
		return;
	}
	bufferevent_enable(h->bev[peer], EV_READ);
	bufferevent_enable(h->bev[owner], EV_READ);
}

static int listen_bind(uint16_t port, void *arg)
{
	struct lk_h323_tcp_bind *ob = arg;
	int err = lk_h323_tcp_bind(port, ob);

	if (err)
		return err;
	if (listen(ob->fd, 4) < 0) {
		err = errno;
		close(ob->fd);
		ob->fd = -1;
		return err;
	}

	return 0;
}

int lk_h323_h245proxy_alloc(struct lk_h323_h245proxy **hp,
			    const struct lk_h323_h245proxy_conf *cfg,
			    const struct sockaddr_in *target)
{
	struct lk_h323_h245proxy *h;
	struct lk_h323_tcp_bind ob = { NULL, -1 };
	int err;

	if (!hp || !cfg || !cfg->base || !cfg->ports || !target)
		return EINVAL;
	if (cfg->local.sin_family != AF_INET)
		return EAFNOSUPPORT;
	h = mem_zalloc(sizeof(*h), destructor);
	if (!h)
		return ENOMEM;
	h->cfg = *cfg;
	h->target = *target;
	ob.local = &h->cfg.local;
	err = lk_portalloc_take_bound(h->cfg.ports, listen_bind, &ob,
				      &h->lport);
	if (err) {
		h->lport = 0;
		goto out;
	}
	h->lev = evconnlistener_new(h->cfg.base, accept_cb, h,
				    LEV_OPT_CLOSE_ON_FREE, 0, ob.fd);
	if (!h->lev) {
		close(ob.fd);
		err = ENOMEM;
	}

 out:
	if (err)
		mem_deref(h);
	else
		*hp = h;

	return err;
}

void lk_h323_h245proxy_retarget(struct lk_h323_h245proxy *h,
				const struct sockaddr_in *target)
{
	if (h && target)
		h->target = *target;
}

uint16_t lk_h323_h245proxy_port(const struct lk_h323_h245proxy *h)
{
	return h ? h->lport : 0;
}
