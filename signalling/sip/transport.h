/* signalling/sip/transport.h  SIP over UDP, TCP and TLS with libevent: flows, framing, limits. */
/*
 * SIP over UDP, TCP and TLS: flows (values; a copy holds a reference on
 * its connection), connections (mem objects) and the transport itself
 * (mem_zalloc, released with mem_deref()).
 */
#ifndef LK_SIPTRANSPORT_H
#define LK_SIPTRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <re.h>

#include "conf.h"
#include "listen.h"
#include "sip/frame.h"

struct event_base;
struct ssl_ctx_st;

struct lk_sipconn;

/*
 * Where a message came from and where its replies go: the transport, the
 * local and remote address and, for TCP/TLS, the connection.  A flow is a
 * small value; a copy that outlives the callback it came with must hold a
 * reference on `conn` (lk_sipflow_copy(), released by lk_sipflow_reset()).
 * A connection that has closed stays a valid object for whoever holds a
 * reference; sending on it gives ENOTCONN.
 */
struct lk_sipflow {
	enum lk_listen_proto tp;
	struct sa local;
	struct sa remote;		/* UDP: the source (RFC 3581 rport) */
	struct lk_sipconn *conn;	/* TCP/TLS, else NULL */
	unsigned zone;			/* traversal zone of conn, 0: none */
};

void lk_sipflow_copy(struct lk_sipflow *dst, const struct lk_sipflow *src);
void lk_sipflow_reset(struct lk_sipflow *flow);
/* "UDP 192.0.2.1:5060" in `buf`. */
const char *lk_sipflow_name(char *buf, size_t sz, const struct lk_sipflow *f);
bool lk_sipconn_open(const struct lk_sipconn *conn);

/*
 * Mark a connection as traversal zone `zone`'s (from 1; 0 clears it): its
 * flows carry the number from then on.  Connections accepted on a zone
 * port (lk_siptransport_listen_zone()) carry it from the start.
 */
void lk_sipconn_set_zone(struct lk_sipconn *conn, unsigned zone);
unsigned lk_sipconn_zone(const struct lk_sipconn *conn);
/* "TCP 192.0.2.1:7001 from port 25012" in `buf`, for logs. */
const char *lk_sipconn_name(char *buf, size_t sz,
			    const struct lk_sipconn *conn);

/* Close a connection now (reason for the log); NULL or closed is fine. */
void lk_sipconn_close(struct lk_sipconn *conn, const char *why);

/*
 * A message that decoded and passed lk_sipmsg_check().  `msg` is the
 * handler's for the call only (take a reference with mem_ref() to keep it).
 */
typedef void (lk_siptransport_msg_h)(const struct lk_sipflow *flow,
				     struct sip_msg *msg, void *arg);

struct lk_siptransport_conf {
	int udp_fd;			/* bound; -1: none */
	int tcp_fd;			/* bound and listening; -1: none */
	int tls_fd;			/* bound and listening; -1: none */
	struct ssl_ctx_st *tls_server;	/* required with tls_fd; borrowed */
	struct ssl_ctx_st *tls_client;	/* outgoing TLS; borrowed; or NULL */
	const struct lk_conf *conf;	/* address, TCP outbound range */
	struct lk_sipframe_limits limits;
	unsigned idle_timeout;		/* seconds without a read: close */
	unsigned max_conns;		/* TCP + TLS, in and out */
};

/* Defaults: 64 KiB/16 KiB limits, 1 hour idle (RFC 5626 flows), 1024. */
void lk_siptransport_conf_init(struct lk_siptransport_conf *cfg,
			       const struct lk_conf *conf);

/* Counters since start; everything dropped or rejected is in here. */
struct lk_siptransport_stats {
	uint64_t rx_udp, rx_stream;	/* messages handed up */
	uint64_t ping, pong;		/* RFC 5626 keep-alives */
	uint64_t drop_undecodable;	/* not SIP at all: no reply possible */
	uint64_t drop_unroutable;	/* no usable Via, bad response */
	uint64_t rejected;		/* answered 400/483/505/513 here */
	uint64_t framing_errors;	/* streams closed for bad framing */
	uint64_t not_sip;		/* streams closed: no SIP start line */
	uint64_t oversize;		/* over the message limit */
	uint64_t conn_in, conn_out, conn_refused, conn_idle, conn_failed;
	uint64_t send_errors;
};

struct lk_siptransport;

/*
 * Take over the listening sockets in `cfg` (closed when the transport is
 * freed) and start reading.  The outbound allocator for "TCP outbound
 * port start/end" (seed A) is made here.  Free with mem_deref().
 */
int lk_siptransport_alloc(struct lk_siptransport **tpp,
			  struct event_base *base,
			  const struct lk_siptransport_conf *cfg,
			  lk_siptransport_msg_h *msgh, void *arg);

/*
 * Send a whole message on a flow: UDP to flow->remote from the SIP UDP
 * port; TCP/TLS on flow->conn.  ENOTCONN when that connection closed.
 */
int lk_siptransport_send(struct lk_siptransport *tp,
			 const struct lk_sipflow *flow, const uint8_t *p,
			 size_t n);

/*
 * Send to `dst` over `tpt`, reusing an open connection to `dst` when there
 * is one, or else opening one whose source port comes from the TCP
 * outbound range, bound before connect (seed, "SIP traversal call", A):
 * never a port of the kernel's choosing.  The flow used is written to
 * `flowp` (with a reference on its connection) when not NULL.
 */
int lk_siptransport_send_to(struct lk_siptransport *tp, enum lk_listen_proto tpt,
			    const struct sa *dst, const uint8_t *p, size_t n,
			    struct lk_sipflow *flowp);

/*
 * Accept SIP over TCP or TLS on `fd` (bound and listening) for traversal
 * zone `zone`: the Expressway's zone port (seed, "SIP traversal call", B:
 * 7001 for zone 1).  The transport owns `fd` from the call on, also when
 * it fails.
 */
int lk_siptransport_listen_zone(struct lk_siptransport *tp, int fd,
				enum lk_listen_proto tpt, unsigned zone);

/*
 * Called when a TCP/TLS connection closes, for whatever reason, before it
 * is dropped from the transport: the zone code learns that its connection
 * is gone.  One handler per transport.
 */
typedef void (lk_siptransport_close_h)(struct lk_sipconn *conn, void *arg);
void lk_siptransport_set_close_handler(struct lk_siptransport *tp,
				       lk_siptransport_close_h *h, void *arg);

/* The local address of the UDP socket and of the TCP and TLS listeners. */
const struct sa *lk_siptransport_local(const struct lk_siptransport *tp,
				       enum lk_listen_proto tpt);

void lk_siptransport_stats(const struct lk_siptransport *tp,
			   struct lk_siptransport_stats *st);
unsigned lk_siptransport_nconns(const struct lk_siptransport *tp);

/*
 * "192.0.2.1:5061" ("[2001:db8::1]:5060"): the sent-by of Via and the
 * host:port of Contact for requests latchkey sends over `proto`: the
 * listening address and that transport's SIP port.
 */
void lk_siptransport_sentby(char *buf, size_t sz,
			    const struct lk_conf *conf,
			    enum lk_listen_proto proto);

#endif
