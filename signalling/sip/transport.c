/* signalling/sip/transport.c  SIP over UDP, TCP and TLS with libevent: flows, framing, limits. */
/*
 * Owns the SIP sockets once lk_listen has handed them over (UDP, TCP, TLS
 * and each zone's port), the listeners, every TCP/TLS connection
 * (struct lk_sipconn, mem_zalloc; the transport's list holds one reference
 * until it closes, a flow copy holds another), the outbound port range and
 * the receive buffer.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "log.h"
#include "portalloc.h"
#include "sip/msg.h"
#include "sip/tls.h"
#include "sip/transport.h"

struct lk_sipconn {
	struct le le;			/* in lk_siptransport.conns */
	struct lk_siptransport *tp;	/* NULL once closed */
	struct bufferevent *bev;
	enum lk_listen_proto tpt;
	struct sa local, remote;
	uint16_t out_port;		/* from the outbound range, or 0 */
	bool outgoing;
	unsigned zone;			/* traversal zone, 0: none */
	bool closing;			/* close once the output is written */
	bool shut;			/* write side shut, discarding input */
};

struct lk_siptransport {
	struct event_base *base;
	struct lk_siptransport_conf cfg;
	int udp_fd;
	int tcp_fd, tls_fd;		/* until their listeners own them */
	struct sa udp_local;
	struct event *udp_ev;
	struct evconnlistener *tcp_lev, *tls_lev;
	struct sa tcp_local, tls_local;
	struct lk_portalloc *outports;
	struct list conns;
	lk_siptransport_msg_h *msgh;
	void *arg;
	lk_siptransport_close_h *closeh;
	void *close_arg;
	struct zone_listener {
		struct lk_siptransport *tp;
		struct evconnlistener *lev;
		enum lk_listen_proto tpt;
		unsigned zone;
		struct sa local;
	} zl[LK_ZONES_MAX];
	unsigned nzl;
	struct lk_siptransport_stats st;
	uint8_t *rxbuf;			/* one datagram */
};

/* "192.0.2.1:5060" for logs (the logger is plain printf). */
static const char *sa_text(char *buf, size_t sz, const struct sa *sa)
{
	re_snprintf(buf, sz, "%J", sa);
	return buf;
}

void lk_siptransport_sentby(char *buf, size_t sz,
			    const struct lk_conf *conf,
			    enum lk_listen_proto proto)
{
	struct sa a;
	uint16_t port = proto == LK_LISTEN_TLS ? conf->sip_tls_port :
		proto == LK_LISTEN_TCP ? conf->sip_tcp_port :
		conf->sip_udp_port;

	if (sa_set_str(&a, conf->address, port))
		snprintf(buf, sz, "%s:%u", conf->address, port);
	else
		re_snprintf(buf, sz, "%J", &a);
}

void lk_sipflow_copy(struct lk_sipflow *dst, const struct lk_sipflow *src)
{
	*dst = *src;
	dst->conn = mem_ref(src->conn);
}

void lk_sipflow_reset(struct lk_sipflow *flow)
{
	if (!flow)
		return;
	flow->conn = mem_deref(flow->conn);
}

const char *lk_sipflow_name(char *buf, size_t sz, const struct lk_sipflow *f)
{
	re_snprintf(buf, sz, "%s %J", lk_listen_proto_name(f->tp), &f->remote);
	return buf;
}

bool lk_sipconn_open(const struct lk_sipconn *conn)
{
	return conn && conn->tp && conn->bev && !conn->closing;
}

void lk_sipconn_set_zone(struct lk_sipconn *conn, unsigned zone)
{
	if (conn)
		conn->zone = zone;
}

unsigned lk_sipconn_zone(const struct lk_sipconn *conn)
{
	return conn ? conn->zone : 0;
}

const char *lk_sipconn_name(char *buf, size_t sz,
			    const struct lk_sipconn *conn)
{
	if (!conn)
		re_snprintf(buf, sz, "(none)");
	else if (conn->out_port)
		re_snprintf(buf, sz, "%s %J from port %u",
			    lk_listen_proto_name(conn->tpt), &conn->remote,
			    conn->out_port);
	else
		re_snprintf(buf, sz, "%s %J", lk_listen_proto_name(conn->tpt),
			    &conn->remote);
	return buf;
}

void lk_siptransport_conf_init(struct lk_siptransport_conf *cfg,
			       const struct lk_conf *conf)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->udp_fd = cfg->tcp_fd = cfg->tls_fd = -1;
	cfg->conf = conf;
	cfg->limits.max_header = LK_SIPFRAME_MAX_HEADER;
	cfg->limits.max_message = LK_SIPFRAME_MAX_MESSAGE;
	/* RFC 5626 keeps flows up with keep-alives well under an hour. */
	cfg->idle_timeout = 3600;
	cfg->max_conns = 1024;
}

/*
 * Connections
 */

/* Close now: the bufferevent goes, the object lives on for its holders. */
static void conn_close(struct lk_sipconn *conn, const char *why)
{
	struct lk_siptransport *tp = conn->tp;
	char ab[64];

	if (!tp)
		return;
	if (conn->zone)
		lk_info("SIP %s %s (traversal zone %u): closed: %s",
			lk_listen_proto_name(conn->tpt),
			sa_text(ab, sizeof(ab), &conn->remote), conn->zone,
			why);
	else
		lk_debug("SIP %s %s: closed: %s", lk_listen_proto_name(conn->tpt),
			 sa_text(ab, sizeof(ab), &conn->remote), why);
	if (conn->bev) {
		SSL *ssl = conn->tpt == LK_LISTEN_TLS ?
			bufferevent_openssl_get_ssl(conn->bev) : NULL;

		/*
		 * close_notify before closing (RFC 8446 s.6.1), unless the
		 * connection already failed; one non-blocking try.
		 */
		if (ssl && strcmp(why, "error") && SSL_is_init_finished(ssl))
			SSL_shutdown(ssl);
		bufferevent_free(conn->bev);	/* closes the socket */
		conn->bev = NULL;
	}
	if (conn->out_port && tp->outports)
		lk_portalloc_give(tp->outports, conn->out_port);
	conn->out_port = 0;
	conn->tp = NULL;
	conn->closing = true;
	list_unlink(&conn->le);
	/* Closed for every caller from here on; the handler may re-enter. */
	if (tp->closeh)
		tp->closeh(conn, tp->close_arg);
	mem_deref(conn);			/* the transport's reference */
}

void lk_sipconn_close(struct lk_sipconn *conn, const char *why)
{
	if (conn && conn->tp)
		conn_close(conn, why ? why : "closed");
}

static void conn_destructor(void *arg)
{
	struct lk_sipconn *conn = arg;

	/* Only reached after conn_close(), or for a never-listed conn. */
	if (conn->bev)
		bufferevent_free(conn->bev);
}

static void flow_of_conn(struct lk_sipflow *flow, struct lk_sipconn *conn)
{
	flow->tp = conn->tpt;
	flow->local = conn->local;
	flow->remote = conn->remote;
	flow->conn = conn;
	flow->zone = conn->zone;
}

/* A reply from the transport itself (400, 513 ...), on the same flow. */
static void reject(struct lk_siptransport *tp, const struct lk_sipflow *flow,
		   const struct sip_msg *msg, uint16_t scode,
		   const char *reason)
{
	struct mbuf *mb = NULL;
	char fl[80];

	++tp->st.rejected;
	lk_warn_limited("SIP from %s: %u %s", lk_sipflow_name(fl, sizeof(fl),
			flow), scode, reason);
	if (lk_sipmsg_reply(&mb, msg, &flow->remote, scode, reason, NULL))
		return;
	lk_siptransport_send(tp, flow, mb->buf, mb->end);
	mem_deref(mb);
}

/*
 * One decoded message from any transport: latchkey's checks, then up to
 * the handler.  Returns false when the message was rejected or dropped.
 */
static bool deliver(struct lk_siptransport *tp, const struct lk_sipflow *flow,
		    const uint8_t *p, size_t n)
{
	struct lk_sipverdict v;
	struct sip_msg *msg = NULL;
	char fl[80];

	if (lk_sipmsg_decode(&msg, p, n)) {
		++tp->st.drop_undecodable;
		lk_warn_limited("SIP from %s: %zu octets that do not decode as "
				"SIP; dropped (%llu so far)",
				lk_sipflow_name(fl, sizeof(fl), flow), n,
				(unsigned long long)tp->st.drop_undecodable);
		return false;
	}
	msg->src = flow->remote;
	msg->dst = flow->local;
	msg->tp = flow->tp == LK_LISTEN_UDP ? SIP_TRANSP_UDP :
		  flow->tp == LK_LISTEN_TCP ? SIP_TRANSP_TCP : SIP_TRANSP_TLS;
	lk_sipmsg_check(&v, msg, flow->tp == LK_LISTEN_UDP);
	if (v.scode && !v.reply) {
		++tp->st.drop_unroutable;
		lk_warn_limited("SIP from %s: %s; dropped (%llu so far)",
				lk_sipflow_name(fl, sizeof(fl), flow),
				v.reason,
				(unsigned long long)tp->st.drop_unroutable);
		mem_deref(msg);
		return false;
	}
	if (v.scode) {
		reject(tp, flow, msg, v.scode, v.reason);
		mem_deref(msg);
		return false;
	}
	if (flow->tp == LK_LISTEN_UDP)
		++tp->st.rx_udp;
	else
		++tp->st.rx_stream;
	tp->msgh(flow, msg, tp->arg);
	mem_deref(msg);

	return true;
}

/*
 * After an error reply: shut our side and read (and discard) until the
 * peer closes or 2 s pass.  Closing with unread input would send a reset
 * that can destroy the reply before the peer reads it (RFC 793 s.3.5).
 */
static void conn_linger(struct lk_sipconn *conn)
{
	struct timeval two = {2, 0};

	if (conn->shut)
		return;
	conn->shut = true;
	evbuffer_drain(bufferevent_get_input(conn->bev),
		       evbuffer_get_length(bufferevent_get_input(conn->bev)));
	if (conn->tpt == LK_LISTEN_TCP)
		shutdown(bufferevent_getfd(conn->bev), SHUT_WR);
	bufferevent_set_timeouts(conn->bev, &two, NULL);
	bufferevent_enable(conn->bev, EV_READ);
}

/* A stream that cannot be framed: answer if the headers allow, close. */
static void stream_error(struct lk_sipconn *conn, const struct lk_sipframe *fr,
			 const uint8_t *p)
{
	struct lk_siptransport *tp = conn->tp;
	struct sip_msg *msg = NULL;
	struct lk_sipflow flow;
	struct lk_sipverdict v;
	char ab[64];

	++tp->st.framing_errors;
	if (fr->reason && strstr(fr->reason, "larger"))
		++tp->st.oversize;
	lk_warn_limited("SIP %s %s: %s; closing the connection",
			lk_listen_proto_name(conn->tpt),
			sa_text(ab, sizeof(ab), &conn->remote), fr->reason);
	flow_of_conn(&flow, conn);
	if (fr->hdr_len && !lk_sipmsg_decode(&msg, p, fr->hdr_len)) {
		lk_sipmsg_check(&v, msg, false);
		if (msg->req && (!v.scode || v.reply)) {
			bool big = strstr(fr->reason, "larger") != NULL;

			reject(tp, &flow, msg, big ? 513 : 400, big ?
			       "Message Too Large" : "Missing Content-Length");
		}
		mem_deref(msg);
	}
	/* Let the reply drain, then close (conn_write). */
	conn->closing = true;
	if (!evbuffer_get_length(bufferevent_get_output(conn->bev)))
		conn_linger(conn);
}

/*
 * A stream that does not carry SIP (lk_sipframe_next() said NOT_SIP): no
 * reply, since there is no request to answer; log it with the peer's
 * address, rate-limited (a scanner may send thousands), and close now.
 */
static void stream_not_sip(struct lk_sipconn *conn, const struct lk_sipframe *fr)
{
	struct lk_siptransport *tp = conn->tp;
	char ab[64];

	++tp->st.not_sip;
	lk_warn_limited("SIP %s %s: not SIP (%s); closing the connection "
			"(%llu so far)", lk_listen_proto_name(conn->tpt),
			sa_text(ab, sizeof(ab), &conn->remote), fr->reason,
			(unsigned long long)tp->st.not_sip);
	conn_close(conn, "not SIP");
}

/*
 * Frame and hand up every whole message buffered.  A budget of 32
 * messages per wake-up (libuv's count = 32) keeps one busy connection from
 * starving the loop; the rest waits for the next read event.
 */
static void conn_read(struct bufferevent *bev, void *arg)
{
	struct lk_sipconn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	int budget;

	if (conn->closing) {
		evbuffer_drain(in, evbuffer_get_length(in));	/* lingering */
		return;
	}
	mem_ref(conn);
	for (budget = 0; budget < 32 && conn->tp && !conn->closing; budget++) {
		struct lk_siptransport *tp = conn->tp;
		size_t n = evbuffer_get_length(in), want;
		struct lk_sipframe fr;
		struct lk_sipflow flow;
		const uint8_t *p;

		if (!n)
			break;
		/* Enough to frame: the headers, or the whole message. */
		want = n < tp->cfg.limits.max_message + 1 ? n :
			tp->cfg.limits.max_message + 1;
		p = evbuffer_pullup(in, (ssize_t)want);
		if (!p)
			break;
		lk_sipframe_next(&fr, p, want, &tp->cfg.limits);
		if (fr.kind == LK_SIPFRAME_MORE)
			break;
		if (fr.kind == LK_SIPFRAME_ERROR) {
			stream_error(conn, &fr, p);
			break;
		}
		if (fr.kind == LK_SIPFRAME_NOT_SIP) {
			stream_not_sip(conn, &fr);
			break;
		}
		if (fr.kind == LK_SIPFRAME_PING) {
			++tp->st.ping;
			bufferevent_write(bev, "\r\n", 2);	/* pong */
		}
		else if (fr.kind == LK_SIPFRAME_PONG) {
			++tp->st.pong;
		}
		else {
			flow_of_conn(&flow, conn);
			deliver(tp, &flow, p, fr.len);
		}
		/* The handler may have closed the connection. */
		if (conn->bev)
			evbuffer_drain(in, fr.len);
	}
	if (conn->tp && !conn->closing && budget == 32 &&
	    evbuffer_get_length(in))
		bufferevent_trigger(bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
	mem_deref(conn);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct lk_sipconn *conn = arg;

	if (conn->closing)
		conn_linger(conn);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct lk_sipconn *conn = arg;
	struct lk_siptransport *tp = conn->tp;
	unsigned long sslerr;
	char ab[64];

	if (!tp)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		lk_debug("SIP %s %s: connected from port %u",
			 lk_listen_proto_name(conn->tpt),
			 sa_text(ab, sizeof(ab), &conn->remote),
			 conn->out_port);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (conn->closing) {
			conn_close(conn, "closed after the error reply");
			return;
		}
		++tp->st.conn_idle;
		conn_close(conn, "idle timeout");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		int sockerr = EVUTIL_SOCKET_ERROR();
		char why[160];

		sslerr = conn->tpt == LK_LISTEN_TLS ?
			bufferevent_get_openssl_error(bev) : 0;
		if (conn->outgoing)
			++tp->st.conn_failed;
		lk_warn_limited("SIP %s %s: %s%s", lk_listen_proto_name(conn->tpt),
				sa_text(ab, sizeof(ab), &conn->remote),
				lk_siptls_error_text(why, sizeof(why), sslerr,
						     sockerr,
						     conn->tpt == LK_LISTEN_TLS),
				conn->outgoing ? " (outgoing)" : "");
		conn_close(conn, "error");
		return;
	}
	if (what & BEV_EVENT_EOF)
		conn_close(conn, "closed by the peer");
}

static int conn_alloc(struct lk_sipconn **connp, struct lk_siptransport *tp,
		      struct bufferevent *bev, enum lk_listen_proto tpt,
		      const struct sa *local, const struct sa *remote)
{
	struct lk_sipconn *conn;
	struct timeval idle = {(time_t)tp->cfg.idle_timeout, 0};

	conn = mem_zalloc(sizeof(*conn), conn_destructor);
	if (!conn) {
		bufferevent_free(bev);
		return ENOMEM;
	}
	conn->tp = tp;
	conn->bev = bev;
	conn->tpt = tpt;
	conn->local = *local;
	conn->remote = *remote;
	list_append(&tp->conns, &conn->le, conn);	/* the list's ref */
	bufferevent_setcb(bev, conn_read, conn_write, conn_event, conn);
	if (tp->cfg.idle_timeout)
		bufferevent_set_timeouts(bev, &idle, NULL);
	/* Never buffer more than one message past the limit. */
	bufferevent_setwatermark(bev, EV_READ, 0,
				 tp->cfg.limits.max_message * 2);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	*connp = conn;

	return 0;
}

/*
 * SIP messages are whole writes that must not wait for the peer's delayed
 * ACK (Nagle): a 180 right behind a 100 on the zone was held ~40 ms.
 */
static void nodelay(int fd)
{
	int one = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static void stream_accept(struct lk_siptransport *tp, enum lk_listen_proto tpt,
			  evutil_socket_t fd, struct sockaddr *sa,
			  const struct zone_listener *zl)
{
	struct bufferevent *bev;
	struct lk_sipconn *conn;
	struct sa remote;
	char ab[64];
	SSL *ssl;

	sa_set_sa(&remote, sa);
	if (list_count(&tp->conns) >= tp->cfg.max_conns) {
		++tp->st.conn_refused;
		lk_warn_limited("SIP %s %s: %u connections already; refused",
				lk_listen_proto_name(tpt), sa_text(ab, sizeof(ab), &remote), tp->cfg.max_conns);
		close(fd);
		return;
	}
	evutil_make_socket_nonblocking(fd);
	nodelay(fd);
	if (tpt == LK_LISTEN_TLS) {
		ssl = SSL_new(tp->cfg.tls_server);
		if (!ssl) {
			close(fd);
			return;
		}
		bev = bufferevent_openssl_socket_new(tp->base, fd, ssl,
			BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	}
	else {
		bev = bufferevent_socket_new(tp->base, fd,
					     BEV_OPT_CLOSE_ON_FREE);
	}
	if (!bev) {
		close(fd);
		return;
	}
	if (conn_alloc(&conn, tp, bev, tpt, zl ? &zl->local :
		       tpt == LK_LISTEN_TLS ? &tp->tls_local : &tp->tcp_local,
		       &remote))
		return;
	conn->zone = zl ? zl->zone : 0;
	++tp->st.conn_in;
	lk_debug("SIP %s %s: accepted", lk_listen_proto_name(tpt),
		 sa_text(ab, sizeof(ab), &remote));
}

static void zone_accept(struct evconnlistener *lev, evutil_socket_t fd,
			struct sockaddr *sa, int socklen, void *arg)
{
	struct zone_listener *zl = arg;

	stream_accept(zl->tp, zl->tpt, fd, sa, zl);
}

static void sip_tcp_accept(struct evconnlistener *lev, evutil_socket_t fd,
		       struct sockaddr *sa, int socklen, void *arg)
{
	stream_accept(arg, LK_LISTEN_TCP, fd, sa, NULL);
}

static void sip_tls_accept(struct evconnlistener *lev, evutil_socket_t fd,
		       struct sockaddr *sa, int socklen, void *arg)
{
	stream_accept(arg, LK_LISTEN_TLS, fd, sa, NULL);
}

/*
 * UDP
 */

static bool only_crlf(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	}

	return true;
}

static void udp_recv(evutil_socket_t fd, short what, void *arg)
{
	struct lk_siptransport *tp = arg;
	size_t cap = tp->cfg.limits.max_message;
	struct sockaddr_storage ss;
	struct lk_sipflow flow;
	socklen_t sl;
	ssize_t r;
	int i;

	/* A read budget per wake-up so that a flood cannot starve the loop. */
	for (i = 0; i < 32; i++) {
		sl = sizeof(ss);
		r = recvfrom(fd, tp->rxbuf, cap, MSG_TRUNC,
			     (struct sockaddr *)&ss, &sl);
		if (r < 0)
			break;
		memset(&flow, 0, sizeof(flow));
		flow.tp = LK_LISTEN_UDP;
		flow.local = tp->udp_local;
		sa_set_sa(&flow.remote, (struct sockaddr *)&ss);
		/* RFC 5626 s.4.4.1 / common practice: CRLF keep-alives. */
		if (only_crlf(tp->rxbuf, r > (ssize_t)cap ? cap : (size_t)r)) {
			++tp->st.pong;
			continue;
		}
		if ((size_t)r > cap) {
			struct sip_msg *msg = NULL;

			++tp->st.oversize;
			if (!lk_sipmsg_decode(&msg, tp->rxbuf, cap) &&
			    msg->req && pl_isset(&msg->via.sentby))
				reject(tp, &flow, msg, 513,
				       "Message Too Large");
			else
				++tp->st.drop_undecodable;
			mem_deref(msg);
			continue;
		}
		deliver(tp, &flow, tp->rxbuf, (size_t)r);
	}
}

/*
 * Sending
 */

int lk_siptransport_send(struct lk_siptransport *tp,
			 const struct lk_sipflow *flow, const uint8_t *p,
			 size_t n)
{
	if (!tp || !flow || !p)
		return EINVAL;
	if (flow->tp == LK_LISTEN_UDP) {
		if (tp->udp_fd < 0)
			return ENOTSUP;
		if (sendto(tp->udp_fd, p, n, 0, &flow->remote.u.sa,
			   flow->remote.len) < 0) {
			++tp->st.send_errors;
			return errno;
		}
		return 0;
	}
	if (!lk_sipconn_open(flow->conn) || flow->conn->tp != tp) {
		++tp->st.send_errors;
		return ENOTCONN;
	}
	if (bufferevent_write(flow->conn->bev, p, n) < 0) {
		++tp->st.send_errors;
		return ENOMEM;
	}

	return 0;
}

struct outbind {
	const struct sa *local;
	int fd;
};

/* Bind a fresh socket to one port of the outbound range (seed A). */
static int outbound_bind(uint16_t port, void *arg)
{
	struct outbind *ob = arg;
	struct sa a = *ob->local;
	int fd, err;

	fd = socket(a.u.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	sa_set_port(&a, port);
	if (bind(fd, &a.u.sa, a.len) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	ob->fd = fd;

	return 0;
}

static struct lk_sipconn *conn_find(struct lk_siptransport *tp,
				    enum lk_listen_proto tpt, const struct sa *dst)
{
	struct le *le;

	for (le = list_head(&tp->conns); le; le = le->next) {
		struct lk_sipconn *conn = le->data;

		if (conn->tpt == tpt && !conn->closing &&
		    sa_cmp(&conn->remote, dst, SA_ALL))
			return conn;
	}

	return NULL;
}

static int connect_out(struct lk_sipconn **connp, struct lk_siptransport *tp,
		       enum lk_listen_proto tpt, const struct sa *dst)
{
	struct outbind ob;
	struct bufferevent *bev;
	struct lk_sipconn *conn;
	struct sa local;
	uint16_t port;
	SSL *ssl;
	int err;

	if (!tp->outports)
		return ENOTSUP;
	if (tpt == LK_LISTEN_TLS && !tp->cfg.tls_client)
		return ENOTSUP;
	if (list_count(&tp->conns) >= tp->cfg.max_conns) {
		++tp->st.conn_refused;
		return EMFILE;
	}
	if (sa_set_str(&local, tp->cfg.conf->address, 0))
		return EINVAL;
	if (local.u.sa.sa_family != dst->u.sa.sa_family)
		return EAFNOSUPPORT;
	ob.local = &local;
	ob.fd = -1;
	err = lk_portalloc_take_bound(tp->outports, outbound_bind, &ob, &port);
	if (err)
		return err;
	sa_set_port(&local, port);
	nodelay(ob.fd);
	if (tpt == LK_LISTEN_TLS) {
		ssl = SSL_new(tp->cfg.tls_client);
		if (!ssl) {
			err = ENOMEM;
			goto fail;
		}
		bev = bufferevent_openssl_socket_new(tp->base, ob.fd, ssl,
			BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	}
	else {
		bev = bufferevent_socket_new(tp->base, ob.fd,
					     BEV_OPT_CLOSE_ON_FREE);
	}
	if (!bev) {
		err = ENOMEM;
		goto fail;
	}
	ob.fd = -1;			/* the bufferevent's now */
	err = conn_alloc(&conn, tp, bev, tpt, &local, dst);
	if (err)
		goto fail;
	conn->out_port = port;
	conn->outgoing = true;
	if (bufferevent_socket_connect(bev, (struct sockaddr *)&dst->u.sa,
				       (int)dst->len) < 0) {
		++tp->st.conn_failed;
		conn_close(conn, "connect failed");
		return ECONNREFUSED;
	}
	++tp->st.conn_out;
	*connp = conn;

	return 0;

 fail:
	if (ob.fd >= 0)
		close(ob.fd);
	lk_portalloc_give(tp->outports, port);

	return err;
}

int lk_siptransport_send_to(struct lk_siptransport *tp, enum lk_listen_proto tpt,
			    const struct sa *dst, const uint8_t *p, size_t n,
			    struct lk_sipflow *flowp)
{
	struct lk_sipconn *conn = NULL;
	struct lk_sipflow flow;
	int err;

	if (!tp || !dst || !p)
		return EINVAL;
	memset(&flow, 0, sizeof(flow));
	flow.tp = tpt;
	flow.remote = *dst;
	if (tpt == LK_LISTEN_UDP) {
		flow.local = tp->udp_local;
	}
	else {
		conn = conn_find(tp, tpt, dst);
		if (!conn) {
			err = connect_out(&conn, tp, tpt, dst);
			if (err)
				return err;
		}
		flow_of_conn(&flow, conn);
	}
	err = lk_siptransport_send(tp, &flow, p, n);
	if (!err && flowp)
		lk_sipflow_copy(flowp, &flow);

	return err;
}

/*
 * Set-up
 */

static void transport_destructor(void *arg)
{
	struct lk_siptransport *tp = arg;
	struct le *le;

	tp->closeh = NULL;		/* its owner is going away too */
	while ((le = list_head(&tp->conns)))
		conn_close(le->data, "stopping");
	if (tp->udp_ev)
		event_free(tp->udp_ev);
	if (tp->udp_fd >= 0)
		close(tp->udp_fd);
	if (tp->tcp_lev)
		evconnlistener_free(tp->tcp_lev);	/* closes its fd */
	else if (tp->tcp_fd >= 0)
		close(tp->tcp_fd);
	if (tp->tls_lev)
		evconnlistener_free(tp->tls_lev);
	else if (tp->tls_fd >= 0)
		close(tp->tls_fd);
	while (tp->nzl)
		evconnlistener_free(tp->zl[--tp->nzl].lev);
	mem_deref(tp->outports);
	mem_deref(tp->rxbuf);
}

static int local_of(int fd, struct sa *sa)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return errno;

	return sa_set_sa(sa, (struct sockaddr *)&ss);
}

int lk_siptransport_alloc(struct lk_siptransport **tpp,
			  struct event_base *base,
			  const struct lk_siptransport_conf *cfg,
			  lk_siptransport_msg_h *msgh, void *arg)
{
	struct lk_portalloc_conf pcfg;
	struct lk_siptransport *tp;
	int err = 0;

	if (!tpp || !base || !cfg || !msgh || !cfg->conf ||
	    (cfg->tls_fd >= 0 && !cfg->tls_server) ||
	    !cfg->limits.max_message || !cfg->limits.max_header)
		return EINVAL;
	tp = mem_zalloc(sizeof(*tp), transport_destructor);
	if (!tp)
		return ENOMEM;
	tp->base = base;
	tp->cfg = *cfg;
	tp->msgh = msgh;
	tp->arg = arg;
	/* From here on the transport owns the three sockets. */
	tp->udp_fd = cfg->udp_fd;
	tp->tcp_fd = cfg->tcp_fd;
	tp->tls_fd = cfg->tls_fd;
	list_init(&tp->conns);

	if (cfg->udp_fd >= 0) {
		local_of(tp->udp_fd, &tp->udp_local);
		tp->rxbuf = mem_alloc(cfg->limits.max_message, NULL);
		tp->udp_ev = event_new(base, tp->udp_fd, EV_READ | EV_PERSIST,
				       udp_recv, tp);
		if (!tp->rxbuf || !tp->udp_ev || event_add(tp->udp_ev, NULL)) {
			err = ENOMEM;
			goto out;
		}
	}
	/* Backlog 0: the socket listens already (signalling/listen.c). */
	if (cfg->tcp_fd >= 0) {
		local_of(cfg->tcp_fd, &tp->tcp_local);
		tp->tcp_lev = evconnlistener_new(base, sip_tcp_accept, tp,
			LEV_OPT_CLOSE_ON_FREE, 0, cfg->tcp_fd);
		if (!tp->tcp_lev) {
			err = ENOMEM;
			goto out;
		}
	}
	if (cfg->tls_fd >= 0) {
		local_of(cfg->tls_fd, &tp->tls_local);
		tp->tls_lev = evconnlistener_new(base, sip_tls_accept, tp,
			LEV_OPT_CLOSE_ON_FREE, 0, cfg->tls_fd);
		if (!tp->tls_lev) {
			err = ENOMEM;
			goto out;
		}
	}
	err = lk_portalloc_conf_init(&pcfg, cfg->conf,
				     LK_PORTALLOC_SIP_TCP_OUT);
	if (!err) {
		pcfg.name = "SIP TCP outbound";
		err = lk_portalloc_alloc(&tp->outports, &pcfg);
	}

 out:
	if (err)
		mem_deref(tp);
	else
		*tpp = tp;

	return err;
}

int lk_siptransport_listen_zone(struct lk_siptransport *tp, int fd,
				enum lk_listen_proto tpt, unsigned zone)
{
	struct zone_listener *zl;
	int err;

	if (!tp || fd < 0 || tpt == LK_LISTEN_UDP || !zone ||
	    (tpt == LK_LISTEN_TLS && !tp->cfg.tls_server) ||
	    tp->nzl >= LK_ZONES_MAX) {
		if (fd >= 0)
			close(fd);
		return EINVAL;
	}
	zl = &tp->zl[tp->nzl];
	zl->tp = tp;
	zl->tpt = tpt;
	zl->zone = zone;
	err = local_of(fd, &zl->local);
	if (err) {
		close(fd);
		return err;
	}
	/* Backlog 0: the socket listens already (signalling/listen.c). */
	zl->lev = evconnlistener_new(tp->base, zone_accept, zl,
				     LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (!zl->lev) {
		close(fd);
		return ENOMEM;
	}
	++tp->nzl;

	return 0;
}

void lk_siptransport_set_close_handler(struct lk_siptransport *tp,
				       lk_siptransport_close_h *h, void *arg)
{
	if (!tp)
		return;
	tp->closeh = h;
	tp->close_arg = arg;
}

const struct sa *lk_siptransport_local(const struct lk_siptransport *tp,
				       enum lk_listen_proto tpt)
{
	if (!tp)
		return NULL;
	switch (tpt) {

	case LK_LISTEN_UDP:
		return &tp->udp_local;
	case LK_LISTEN_TCP:
		return &tp->tcp_local;
	case LK_LISTEN_TLS:
		return &tp->tls_local;
	}

	return NULL;
}

void lk_siptransport_stats(const struct lk_siptransport *tp,
			   struct lk_siptransport_stats *st)
{
	if (tp && st)
		*st = tp->st;
}

unsigned lk_siptransport_nconns(const struct lk_siptransport *tp)
{
	return tp ? list_count(&tp->conns) : 0;
}
