/* tests/unit/sip/test_transaction.c  SIP transactions on real loopback sockets, T1 = 20 ms. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>
#include <re.h>

#include "conf.h"
#include "sip/frame.h"
#include "sip/msg.h"
#include "sip/transaction.h"
#include "sip/transport.h"

/*
 * latchkey's SIP transport listens on SIP_UDP/SIP_TCP; the "phone" is a
 * plain UDP socket, the "peer" a plain TCP listener, both driven by hand.
 * Outgoing TCP connections come from OUT_START-OUT_END.
 */
#define SIP_UDP   23100
#define SIP_TCP   23101
#define PHONE     23110
#define PEER_TCP  23111
#define OUT_START 23150
#define OUT_END   23199

#define T1 20u
#define T64 (64 * T1)
#define MAXC 32
#define MAXM 64

struct fx {
	struct event_base *base;
	struct lk_conf conf;
	struct lk_siptransport *tp;
	struct lk_sipxact *ts;
	int phone;			/* UDP 127.0.0.1:PHONE */
	int peer;			/* TCP listener 127.0.0.1:PEER_TCP */

	/* Requests the transport handed up, through the transactions. */
	unsigned nreq;
	int rx_rc;			/* of the last lk_sipxact_receive() */
	struct lk_sipxact_srv *st;		/* the last new transaction */
	struct sip_msg *req;		/* its request */
	struct lk_sipflow req_flow;

	/* Server transactions' end handler. */
	unsigned nend;
	int end_err;
	struct lk_sipxact_srv *end_st;

	/* Responses, and the client transactions' handler. */
	unsigned nresp;
	int resp_rc;			/* of the last lk_sipxact_response() */
	unsigned nct;
	int ct_err[MAXC];
	uint16_t ct_scode[MAXC];
	struct lk_sipxact_cli *abandon_in_handler;
};

/*
 * Plumbing
 */

static void st_end_h(struct lk_sipxact_srv *st, int err, void *arg)
{
	struct fx *fx = arg;

	++fx->nend;
	fx->end_err = err;
	fx->end_st = st;
	if (st == fx->st)
		fx->st = NULL;
}

static void ct_h(int err, const struct sip_msg *msg, void *arg)
{
	struct fx *fx = arg;

	if (fx->nct < MAXC) {
		fx->ct_err[fx->nct] = err;
		fx->ct_scode[fx->nct] = msg ? msg->scode : 0;
	}
	++fx->nct;
	if (fx->abandon_in_handler) {
		lk_sipxact_cli_abandon(fx->abandon_in_handler);
		fx->abandon_in_handler = NULL;
	}
}

static void tp_recv(const struct lk_sipflow *flow, struct sip_msg *msg,
		    void *arg)
{
	struct fx *fx = arg;
	struct lk_sipxact_srv *st = NULL;

	if (!msg->req) {
		++fx->nresp;
		fx->resp_rc = lk_sipxact_response(fx->ts, msg, flow);
		return;
	}
	++fx->nreq;
	fx->rx_rc = lk_sipxact_receive(fx->ts, msg, flow, &st);
	if (fx->rx_rc)
		return;
	fx->st = st;
	lk_sipxact_set_handler(st, st_end_h, fx);
	mem_deref(fx->req);
	fx->req = mem_ref(msg);
	lk_sipflow_reset(&fx->req_flow);
	lk_sipflow_copy(&fx->req_flow, flow);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	*(bool *)arg = true;
}

/* Run the loop for `ms` of wall-clock time. */
static void pump(struct fx *fx, unsigned ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
	struct event *ev;
	bool done = false;

	ev = evtimer_new(fx->base, on_deadline, &done);
	assert_non_null(ev);
	assert_int_equal(0, evtimer_add(ev, &tv));
	while (!done)
		event_base_loop(fx->base, EVLOOP_ONCE);
	event_free(ev);
}

#define PUMP_UNTIL(fx, cond, max_ms) do {				\
	unsigned t_;							\
	for (t_ = 0; !(cond) && t_ < (max_ms); t_ += 5)			\
		pump((fx), 5);						\
} while (0)

static void sa_loopback(struct sockaddr_in *sin, uint16_t port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

static int sock_bound(int type, uint16_t port)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(0, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				       sizeof(one)));
	sa_loopback(&sin, port);
	assert_int_equal(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	if (type == SOCK_STREAM)
		assert_int_equal(0, listen(fd, 16));

	return fd;
}

static int setup(void **state)
{
	struct lk_siptransport_conf tcfg;
	struct lk_conf_diag *diag;
	struct fx *fx;

	fx = calloc(1, sizeof(*fx));
	diag = calloc(1, sizeof(*diag));
	assert_non_null(fx);
	assert_non_null(diag);
	assert_int_equal(0, lk_conf_load(&fx->conf, NULL, diag));
	free(diag);
	snprintf(fx->conf.address, sizeof(fx->conf.address), "127.0.0.1");
	fx->conf.sip_tcp_out.start = OUT_START;
	fx->conf.sip_tcp_out.end = OUT_END;
	fx->base = event_base_new();
	assert_non_null(fx->base);
	lk_siptransport_conf_init(&tcfg, &fx->conf);
	tcfg.udp_fd = sock_bound(SOCK_DGRAM, SIP_UDP);
	tcfg.tcp_fd = sock_bound(SOCK_STREAM, SIP_TCP);
	assert_int_equal(0, lk_siptransport_alloc(&fx->tp, fx->base, &tcfg,
						  tp_recv, fx));
	assert_int_equal(0, lk_sipxact_alloc(&fx->ts, fx->base, fx->tp, T1));
	fx->phone = sock_bound(SOCK_DGRAM, PHONE);
	fx->peer = sock_bound(SOCK_STREAM, PEER_TCP);
	*state = fx;

	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	mem_deref(fx->ts);
	mem_deref(fx->req);
	lk_sipflow_reset(&fx->req_flow);
	mem_deref(fx->tp);
	close(fx->phone);
	close(fx->peer);
	event_base_free(fx->base);
	free(fx);

	return 0;
}

static struct lk_sipxact_stats stats(const struct fx *fx)
{
	struct lk_sipxact_stats s;

	lk_sipxact_stats(fx->ts, &s);

	return s;
}

/*
 * The phone: SIP by hand over UDP
 */

/* A request as a phone sends it; `tp` "UDP" or "TCP". */
static size_t request_text(char *buf, size_t sz, const char *met,
			   const char *cseq_met, const char *branch,
			   const char *tp, uint16_t port)
{
	int n;

	n = snprintf(buf, sz, "%s sip:bob@127.0.0.1 SIP/2.0\r\n"
		     "Via: SIP/2.0/%s 127.0.0.1:%u;branch=%s;rport\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
		     "To: <sip:bob@127.0.0.1>\r\n"
		     "Call-ID: call-1@127.0.0.1\r\n"
		     "CSeq: 1 %s\r\n"
		     "Contact: <sip:alice@127.0.0.1:%u>\r\n"
		     "Content-Length: 0\r\n\r\n", met, tp, port, branch,
		     cseq_met, port);
	assert_true(n > 0 && (size_t)n < sz);

	return (size_t)n;
}

static void phone_send_raw(struct fx *fx, const void *p, size_t n)
{
	struct sockaddr_in sin;

	sa_loopback(&sin, SIP_UDP);
	assert_int_equal((ssize_t)n, sendto(fx->phone, p, n, 0,
					    (struct sockaddr *)&sin,
					    sizeof(sin)));
}

/* The phone sends a request and the loop runs until it is handed up. */
static void phone_request(struct fx *fx, const char *met, const char *branch)
{
	unsigned before = fx->nreq;
	char buf[1024];
	size_t n;

	n = request_text(buf, sizeof(buf), met, met, branch, "UDP", PHONE);
	phone_send_raw(fx, buf, n);
	PUMP_UNTIL(fx, fx->nreq > before, 2000);
	assert_int_equal(before + 1, fx->nreq);
}

/* The phone answers request `req` (as it received it) with `scode`. */
static void phone_respond(struct fx *fx, const struct sip_msg *req,
			  uint16_t scode, const char *reason)
{
	unsigned before = fx->nresp;
	struct mbuf *mb = NULL;

	assert_int_equal(0, lk_sipmsg_reply(&mb, req, NULL, scode, reason,
					    NULL));
	phone_send_raw(fx, mb->buf, mb->end);
	mem_deref(mb);
	PUMP_UNTIL(fx, fx->nresp > before, 2000);
	assert_int_equal(before + 1, fx->nresp);
}

/*
 * The next datagram the phone gets within `ms`, decoded, with its raw
 * length in *np if wanted; NULL if none came.
 */
static struct sip_msg *phone_next(struct fx *fx, unsigned ms, size_t *np)
{
	struct sip_msg *msg = NULL;
	uint8_t buf[8192];
	ssize_t n;
	unsigned t;

	for (t = 0;; t += 5) {
		n = recv(fx->phone, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			break;
		if (t >= ms)
			return NULL;
		pump(fx, 5);
	}
	assert_int_equal(0, lk_sipmsg_decode(&msg, buf, (size_t)n));
	if (np)
		*np = (size_t)n;

	return msg;
}

/*
 * Run the loop for `ms`, then count what the phone got: responses with
 * status `scode`, or (scode 0) requests with method `met`.  Anything else
 * fails the test.
 */
static unsigned phone_count(struct fx *fx, unsigned ms, uint16_t scode,
			    const char *met)
{
	struct sip_msg *msg;
	unsigned n = 0;

	pump(fx, ms);
	while ((msg = phone_next(fx, 0, NULL))) {
		if (scode) {
			assert_false(msg->req);
			assert_int_equal(scode, msg->scode);
		}
		else {
			assert_true(msg->req);
			assert_int_equal(0, pl_strcmp(&msg->met, met));
		}
		mem_deref(msg);
		++n;
	}

	return n;
}

static struct sip_msg *decode_text(const char *text)
{
	struct sip_msg *msg = NULL;

	assert_int_equal(0, lk_sipmsg_decode(&msg, (const uint8_t *)text,
					     strlen(text)));

	return msg;
}

/* The transaction user answers the last new server transaction. */
static int tu_reply(struct fx *fx, struct lk_sipxact_srv *st, uint16_t scode,
		    const char *reason)
{
	struct mbuf *mb = NULL;
	int err;

	assert_int_equal(0, lk_sipmsg_reply(&mb, fx->req,
					    &fx->req_flow.remote, scode,
					    reason, NULL));
	err = lk_sipxact_reply(st, scode, mb);
	mem_deref(mb);

	return err;
}

/* A new INVITE from the phone: the transaction, and its 100 checked. */
static struct lk_sipxact_srv *invite_in(struct fx *fx, const char *branch)
{
	struct sip_msg *msg;

	phone_request(fx, "INVITE", branch);
	assert_int_equal(0, fx->rx_rc);
	assert_non_null(fx->st);
	msg = phone_next(fx, 500, NULL);
	assert_non_null(msg);
	assert_false(msg->req);
	assert_int_equal(100, msg->scode);
	mem_deref(msg);

	return fx->st;
}

/*
 * INVITE server transactions, s.17.2.1 and RFC 6026
 */

static void invite_server_sends_100_and_answers_retransmission(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *msg, *cancel;
	struct lk_sipxact_srv *st;
	char buf[1024];

	phone_request(fx, "INVITE", "z9hG4bKinv1");
	assert_int_equal(0, fx->rx_rc);
	st = fx->st;
	assert_non_null(st);

	/* "100 Trying" at once, without a To tag (s.8.2.6.2). */
	msg = phone_next(fx, 500, NULL);
	assert_non_null(msg);
	assert_false(msg->req);
	assert_int_equal(100, msg->scode);
	assert_false(pl_isset(&msg->to.tag));
	assert_int_equal(0, pl_strcmp(&msg->via.branch, "z9hG4bKinv1"));
	assert_int_equal(0, pl_strcmp(&msg->cseq.met, "INVITE"));
	assert_int_equal(1, msg->cseq.num);
	mem_deref(msg);

	/* The retransmitted INVITE gets the 100 again, no new transaction. */
	phone_request(fx, "INVITE", "z9hG4bKinv1");
	assert_int_equal(EALREADY, fx->rx_rc);
	msg = phone_next(fx, 500, NULL);
	assert_non_null(msg);
	assert_int_equal(100, msg->scode);
	mem_deref(msg);
	assert_int_equal(1, stats(fx).created);
	assert_int_equal(1, stats(fx).retransmissions);
	assert_int_equal(1, stats(fx).active);

	/* After a 180, the retransmission gets the 180 (s.17.2.1). */
	assert_int_equal(0, tu_reply(fx, st, 180, "Ringing"));
	assert_int_equal(1, phone_count(fx, 50, 180, NULL));
	phone_request(fx, "INVITE", "z9hG4bKinv1");
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(1, phone_count(fx, 50, 180, NULL));

	/* A CANCEL with the same branch and sent-by finds it (s.9.2) ... */
	request_text(buf, sizeof(buf), "CANCEL", "CANCEL", "z9hG4bKinv1",
		     "UDP", PHONE);
	cancel = decode_text(buf);
	assert_ptr_equal(st, lk_sipxact_find_invite(fx->ts, cancel));
	mem_deref(cancel);
	request_text(buf, sizeof(buf), "CANCEL", "CANCEL", "z9hG4bKother",
		     "UDP", PHONE);
	cancel = decode_text(buf);
	assert_null(lk_sipxact_find_invite(fx->ts, cancel));
	mem_deref(cancel);

	/* ... until the final response: nothing left to cancel. */
	assert_int_equal(0, tu_reply(fx, st, 487, "Request Terminated"));
	request_text(buf, sizeof(buf), "CANCEL", "CANCEL", "z9hG4bKinv1",
		     "UDP", PHONE);
	cancel = decode_text(buf);
	assert_null(lk_sipxact_find_invite(fx->ts, cancel));
	mem_deref(cancel);
	/* A later final from the transaction user is discarded. */
	assert_int_equal(EALREADY, tu_reply(fx, st, 500, "Server Error"));
}

static void invite_server_486_retransmitted_until_ack(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_srv *st;
	unsigned n;

	st = invite_in(fx, "z9hG4bKinv2");
	assert_int_equal(0, tu_reply(fx, st, 486, "Busy Here"));
	/*
	 * Timer G: at 0, T1, 3*T1, 7*T1 ... within 200 ms that is 4, where
	 * a fixed T1 would give 10.
	 */
	n = phone_count(fx, 200, 486, NULL);
	assert_true(n >= 3 && n <= 5);

	/* The ACK (same branch) is absorbed; G stops; not the end yet. */
	phone_request(fx, "ACK", "z9hG4bKinv2");
	assert_int_equal(EALREADY, fx->rx_rc);
	phone_count(fx, 0, 486, NULL);		/* in flight before it */
	assert_int_equal(0, phone_count(fx, 300, 486, NULL));
	assert_int_equal(0, fx->nend);		/* Timer I = T4 over UDP */
	assert_int_equal(1, stats(fx).active);

	/* A retransmitted ACK is absorbed too (Confirmed). */
	phone_request(fx, "ACK", "z9hG4bKinv2");
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(1, stats(fx).retransmissions);
	assert_int_equal(0, stats(fx).no_ack);
}

static void invite_server_timer_h(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_srv *st;
	unsigned n;

	st = invite_in(fx, "z9hG4bKinv3");
	assert_int_equal(0, tu_reply(fx, st, 486, "Busy Here"));
	PUMP_UNTIL(fx, fx->nend, 4 * T64);
	assert_int_equal(1, fx->nend);
	assert_ptr_equal(st, fx->end_st);
	assert_int_equal(ETIMEDOUT, fx->end_err);
	assert_int_equal(1, stats(fx).no_ack);
	assert_int_equal(0, stats(fx).active);
	/* G at 0, 1, 3, 7, 15, 31, 63 T1 against H at 64 T1. */
	n = phone_count(fx, 50, 486, NULL);
	assert_true(n >= 5 && n <= 7);
	assert_int_equal(0, phone_count(fx, 200, 486, NULL));
}

static void invite_server_2xx_until_ack(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_srv *st;
	unsigned n;

	st = invite_in(fx, "z9hG4bKinv4");
	assert_int_equal(0, tu_reply(fx, st, 200, "OK"));
	n = phone_count(fx, 200, 200, NULL);
	assert_true(n >= 3 && n <= 5);

	/* The ACK of a 2xx is the dialog's: not matched here. */
	phone_request(fx, "ACK", "z9hG4bKack4");
	assert_int_equal(ENOENT, fx->rx_rc);
	/* Retransmitted INVITEs are absorbed while Accepted (RFC 6026). */
	phone_request(fx, "INVITE", "z9hG4bKinv4");
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(0, fx->nend);

	/* The dialog reports its ACK: the end, and no more 2xx. */
	lk_sipxact_ack(st);
	assert_int_equal(1, fx->nend);
	assert_int_equal(0, fx->end_err);
	assert_int_equal(0, stats(fx).active);
	phone_count(fx, 0, 200, NULL);
	assert_int_equal(0, phone_count(fx, 300, 200, NULL));
	assert_int_equal(0, stats(fx).no_ack);
}

static void invite_server_timer_l(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_srv *st;
	unsigned n;

	st = invite_in(fx, "z9hG4bKinv5");
	assert_int_equal(0, tu_reply(fx, st, 200, "OK"));
	PUMP_UNTIL(fx, fx->nend, 4 * T64);
	assert_int_equal(1, fx->nend);
	assert_int_equal(ETIMEDOUT, fx->end_err);
	assert_int_equal(1, stats(fx).no_ack);
	assert_int_equal(0, stats(fx).active);
	n = phone_count(fx, 50, 200, NULL);
	assert_true(n >= 5 && n <= 7);
	/* After the end an ACK matches nothing. */
	phone_request(fx, "ACK", "z9hG4bKack5");
	assert_int_equal(ENOENT, fx->rx_rc);
}

/*
 * Non-INVITE server transactions, s.17.2.2: the behaviour kept
 */

static void non_invite_server_as_before(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_srv *st;

	phone_request(fx, "OPTIONS", "z9hG4bKopt1");
	assert_int_equal(0, fx->rx_rc);
	st = fx->st;
	/* No 100 for a non-INVITE; a retransmission in Trying absorbed. */
	assert_int_equal(0, phone_count(fx, 50, 100, NULL));
	phone_request(fx, "OPTIONS", "z9hG4bKopt1");
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(0, phone_count(fx, 50, 100, NULL));

	/* The final once, then again for each retransmission. */
	assert_int_equal(0, tu_reply(fx, st, 200, "OK"));
	assert_int_equal(1, phone_count(fx, 50, 200, NULL));
	phone_request(fx, "OPTIONS", "z9hG4bKopt1");
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(1, phone_count(fx, 50, 200, NULL));
	assert_int_equal(EALREADY, tu_reply(fx, st, 500, "Server Error"));
	/* An ACK never matches a non-INVITE transaction. */
	phone_request(fx, "ACK", "z9hG4bKopt1");
	assert_int_equal(ENOENT, fx->rx_rc);

	/* Timer J = 64*T1 over UDP, then a normal end. */
	PUMP_UNTIL(fx, fx->nend, 4 * T64);
	assert_int_equal(1, fx->nend);
	assert_int_equal(0, fx->end_err);
	assert_int_equal(0, stats(fx).active);
}

static void non_invite_server_unanswered_is_aborted(void **state)
{
	struct fx *fx = *state;

	phone_request(fx, "OPTIONS", "z9hG4bKopt2");
	assert_int_equal(0, fx->rx_rc);
	PUMP_UNTIL(fx, fx->nend, 4 * T64);
	assert_int_equal(1, fx->nend);
	assert_int_equal(ECONNABORTED, fx->end_err);
	assert_int_equal(1, stats(fx).abandoned);
	assert_int_equal(0, stats(fx).active);
}

/*
 * TCP helpers
 */

static int peer_connect(uint16_t port)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	sa_loopback(&sin, port);
	assert_int_equal(0, connect(fd, (struct sockaddr *)&sin,
				    sizeof(sin)));
	assert_int_equal(0, fcntl(fd, F_SETFL, O_NONBLOCK));

	return fd;
}

/* Run the loop for `ms`, then take the SIP messages buffered on `fd`. */
static unsigned stream_read(struct fx *fx, int fd, unsigned ms,
			 struct sip_msg **out, unsigned max)
{
	static uint8_t buf[65536];
	struct lk_sipframe fr;
	size_t len = 0, off = 0;
	unsigned n = 0;
	ssize_t r;

	pump(fx, ms);
	while ((r = recv(fd, buf + len, sizeof(buf) - len, 0)) > 0)
		len += (size_t)r;
	while (off < len) {
		lk_sipframe_next(&fr, buf + off, len - off, NULL);
		assert_int_equal(LK_SIPFRAME_MESSAGE, fr.kind);
		assert_true(n < max);
		assert_int_equal(0, lk_sipmsg_decode(&out[n++], buf + off,
						     fr.len));
		off += fr.len;
	}

	return n;
}

static void msgs_free(struct sip_msg **m, unsigned n)
{
	while (n--)
		mem_deref(m[n]);
}

static void invite_server_over_tcp(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *m[MAXM];
	struct lk_sipxact_srv *st;
	char buf[1024];
	unsigned n;
	size_t len;
	int fd;

	fd = peer_connect(SIP_TCP);
	len = request_text(buf, sizeof(buf), "INVITE", "INVITE",
			   "z9hG4bKtcp1", "TCP", 40000);
	assert_int_equal((ssize_t)len, send(fd, buf, len, 0));
	PUMP_UNTIL(fx, fx->nreq, 2000);
	assert_int_equal(0, fx->rx_rc);
	st = fx->st;
	assert_int_equal(LK_LISTEN_TCP, fx->req_flow.tp);
	n = stream_read(fx, fd, 50, m, MAXM);
	assert_int_equal(1, n);
	assert_int_equal(100, m[0]->scode);
	msgs_free(m, n);

	/* No Timer G over TCP: the 486 once. */
	assert_int_equal(0, tu_reply(fx, st, 486, "Busy Here"));
	n = stream_read(fx, fd, 200, m, MAXM);
	assert_int_equal(1, n);
	assert_int_equal(486, m[0]->scode);
	msgs_free(m, n);

	/* The ACK ends it at once: Timer I = 0 over TCP. */
	len = request_text(buf, sizeof(buf), "ACK", "ACK", "z9hG4bKtcp1",
			   "TCP", 40000);
	assert_int_equal((ssize_t)len, send(fd, buf, len, 0));
	PUMP_UNTIL(fx, fx->nreq == 2, 2000);
	assert_int_equal(EALREADY, fx->rx_rc);
	assert_int_equal(1, fx->nend);
	assert_int_equal(0, fx->end_err);
	assert_int_equal(0, stats(fx).active);
	/* The peer closes first, so that no TIME_WAIT stays on our side. */
	close(fd);
	pump(fx, 20);
}

/*
 * Client transactions, s.17.1
 */

/* latchkey's own request, with a fresh branch; Route only for INVITE. */
static struct mbuf *our_request(const char *met, char *branch, size_t bsz,
				const char *tp)
{
	struct mbuf *mb = mbuf_alloc(1024);

	assert_non_null(mb);
	lk_sipxact_branch(branch, bsz);
	assert_int_equal(0, mbuf_printf(mb, "%s sip:carol@127.0.0.1:%u "
		"SIP/2.0\r\n"
		"Via: SIP/2.0/%s 127.0.0.1:%u;branch=%s;rport\r\n"
		"Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKbelow\r\n"
		"%s"
		"Max-Forwards: 70\r\n"
		"From: <sip:lk@127.0.0.1>;tag=lkf1\r\n"
		"To: <sip:carol@127.0.0.1>\r\n"
		"Call-ID: out-%s@127.0.0.1\r\n"
		"CSeq: 7 %s\r\n"
		"Content-Length: 0\r\n\r\n", met, PHONE, tp, SIP_UDP, branch,
		strcmp(met, "INVITE") ? "" :
		"Route: <sip:p1.example;lr>\r\nRoute: <sip:p2.example;lr>\r\n",
		branch, met));
	mb->pos = 0;

	return mb;
}

static struct lk_sipxact_cli *phone_is_sent(struct fx *fx, const char *met,
				      char *branch, size_t bsz,
				      struct mbuf **mbp)
{
	struct lk_sipflow flow;
	struct lk_sipxact_cli *ct = NULL;
	struct mbuf *mb;

	memset(&flow, 0, sizeof(flow));
	flow.tp = LK_LISTEN_UDP;
	assert_int_equal(0, sa_set_str(&flow.remote, "127.0.0.1", PHONE));
	mb = our_request(met, branch, bsz, "UDP");
	assert_int_equal(0, lk_sipxact_request(&ct, fx->ts, &flow, mb, ct_h,
						fx));
	assert_non_null(ct);
	if (mbp)
		*mbp = mb;
	else
		mem_deref(mb);

	return ct;
}

static void client_invite_timer_a_and_b(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *msg;
	struct lk_sipxact_cli *ct;
	struct mbuf *mb;
	char branch[32];
	unsigned n, total = 0;
	size_t len;

	ct = phone_is_sent(fx, "INVITE", branch, sizeof(branch), &mb);
	assert_int_equal(1, stats(fx).client_created);
	assert_int_equal(1, stats(fx).client_active);

	/* Timer A: the same octets again at T1, 3*T1, 7*T1 ... */
	pump(fx, 200);
	while ((msg = phone_next(fx, 0, &len))) {
		assert_true(msg->req);
		assert_int_equal(0, pl_strcmp(&msg->met, "INVITE"));
		assert_int_equal(0, pl_strcmp(&msg->via.branch, branch));
		assert_int_equal(mb->end, len);
		mem_deref(msg);
		++total;
	}
	assert_true(total >= 3 && total <= 5);

	/* Timer B: ETIMEDOUT at 64*T1, once, with no message. */
	PUMP_UNTIL(fx, fx->nct, 4 * T64);
	assert_int_equal(1, fx->nct);
	assert_int_equal(ETIMEDOUT, fx->ct_err[0]);
	assert_int_equal(0, fx->ct_scode[0]);
	assert_int_equal(1, stats(fx).client_timeouts);
	assert_int_equal(0, stats(fx).client_active);
	n = phone_count(fx, 20, 0, "INVITE");
	total += n;
	/* Sent at 0, 1, 3, 7, 15, 31, 63 T1 against B at 64 T1. */
	assert_true(total >= 6 && total <= 7);
	assert_int_equal(total - 1, stats(fx).client_retransmissions);
	assert_int_equal(0, phone_count(fx, 200, 0, "INVITE"));
	assert_int_equal(1, fx->nct);
	/* The user's reference outlives the transaction. */
	assert_int_equal(LK_LISTEN_UDP, lk_sipxact_cli_flow(ct)->tp);
	lk_sipxact_cli_abandon(ct);
	mem_deref(mb);
}

static void client_invite_486_is_acked(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *inv, *ack, *again, *resp;
	const struct sip_hdr *h;
	struct lk_sipxact_cli *ct;
	struct mbuf *mb = NULL;
	char branch[32];
	struct pl route;

	ct = phone_is_sent(fx, "INVITE", branch, sizeof(branch), NULL);
	inv = phone_next(fx, 500, NULL);
	assert_non_null(inv);
	phone_respond(fx, inv, 180, "Ringing");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(1, fx->nct);
	assert_int_equal(180, fx->ct_scode[0]);
	/* A provisional stops Timer A (the first may have crossed it). */
	phone_count(fx, 0, 0, "INVITE");
	assert_int_equal(0, phone_count(fx, 200, 0, "INVITE"));

	phone_respond(fx, inv, 486, "Busy Here");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(2, fx->nct);
	assert_int_equal(0, fx->ct_err[1]);
	assert_int_equal(486, fx->ct_scode[1]);

	/* The transaction's own ACK, s.17.1.1.3. */
	ack = phone_next(fx, 500, NULL);
	assert_non_null(ack);
	assert_true(ack->req);
	assert_int_equal(0, pl_strcmp(&ack->met, "ACK"));
	assert_int_equal(0, pl_cmp(&ack->ruri, &inv->ruri));
	assert_int_equal(0, pl_strcmp(&ack->via.branch, branch));
	assert_int_equal(1, sip_msg_hdr_count(ack, SIP_HDR_VIA));
	assert_int_equal(0, pl_cmp(&ack->via.val, &inv->via.val));
	assert_int_equal(0, pl_cmp(&ack->callid, &inv->callid));
	assert_int_equal(0, pl_cmp(&ack->from.val, &inv->from.val));
	assert_int_equal(7, ack->cseq.num);
	assert_int_equal(0, pl_strcmp(&ack->cseq.met, "ACK"));
	/* To of the 486 (its tag; the INVITE's To had none). */
	assert_false(pl_isset(&inv->to.tag));
	assert_int_equal(0, lk_sipmsg_reply(&mb, inv, NULL, 486, "Busy Here",
					    NULL));
	resp = NULL;
	assert_int_equal(0, lk_sipmsg_decode(&resp, mb->buf, mb->end));
	mem_deref(mb);
	assert_true(pl_isset(&resp->to.tag));
	assert_int_equal(0, pl_cmp(&ack->to.val, &resp->to.val));
	mem_deref(resp);
	assert_int_equal(2, sip_msg_hdr_count(ack, SIP_HDR_ROUTE));
	h = sip_msg_hdr(ack, SIP_HDR_ROUTE);
	route = h->val;
	assert_int_equal(0, pl_strcmp(&route, "<sip:p1.example;lr>"));
	assert_non_null(sip_msg_hdr(ack, SIP_HDR_MAX_FORWARDS));

	/* A retransmitted 486 is absorbed and gets the ACK again. */
	phone_respond(fx, inv, 486, "Busy Here");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(2, fx->nct);
	again = phone_next(fx, 500, NULL);
	assert_non_null(again);
	assert_int_equal(0, pl_strcmp(&again->met, "ACK"));
	assert_int_equal(0, pl_cmp(&again->to.tag, &ack->to.tag));
	assert_int_equal(0, phone_count(fx, 100, 0, "ACK"));
	assert_int_equal(0, stats(fx).stray_responses);

	mem_deref(again);
	mem_deref(ack);
	mem_deref(inv);
	lk_sipxact_cli_abandon(ct);
}

static void client_invite_2xx_passed_up_while_accepted(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *inv;
	struct lk_sipxact_cli *ct;
	char branch[32];
	int i;

	ct = phone_is_sent(fx, "INVITE", branch, sizeof(branch), NULL);
	inv = phone_next(fx, 500, NULL);
	assert_non_null(inv);
	/* RFC 6026 s.7.2: each 2xx up, for the dialog to ACK. */
	for (i = 0; i < 3; i++) {
		phone_respond(fx, inv, 200, "OK");
		assert_int_equal(0, fx->resp_rc);
	}
	assert_int_equal(3, fx->nct);
	for (i = 0; i < 3; i++) {
		assert_int_equal(0, fx->ct_err[i]);
		assert_int_equal(200, fx->ct_scode[i]);
	}
	/* A non-2xx while Accepted is not passed up. */
	phone_respond(fx, inv, 486, "Busy Here");
	assert_int_equal(3, fx->nct);
	/*
	 * No ACK from the transaction for a 2xx (only INVITEs that crossed
	 * the first 200), and Timer A has stopped.
	 */
	phone_count(fx, 20, 0, "INVITE");
	assert_int_equal(0, phone_count(fx, 200, 0, "INVITE"));
	assert_int_equal(1, stats(fx).client_active);
	/* Timer M: a quiet end. */
	PUMP_UNTIL(fx, !stats(fx).client_active, 4 * T64);
	assert_int_equal(0, stats(fx).client_active);
	assert_int_equal(3, fx->nct);
	mem_deref(inv);
	lk_sipxact_cli_abandon(ct);
}

static void client_non_invite_timer_e_then_final(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *req;
	struct lk_sipxact_cli *ct;
	char branch[32];
	unsigned n;

	ct = phone_is_sent(fx, "OPTIONS", branch, sizeof(branch), NULL);
	req = phone_next(fx, 500, NULL);
	assert_non_null(req);
	assert_int_equal(0, pl_strcmp(&req->via.branch, branch));
	/* Timer E: T1, 2*T1, 4*T1 ... (T2 = 4 s is far off). */
	n = phone_count(fx, 200, 0, "OPTIONS");
	assert_true(n >= 2 && n <= 4);

	/* A provisional: from now on every T2, so at most the one due. */
	phone_respond(fx, req, 100, "Trying");
	assert_int_equal(1, fx->nct);
	assert_int_equal(100, fx->ct_scode[0]);
	assert_true(phone_count(fx, 500, 0, "OPTIONS") <= 1);

	phone_respond(fx, req, 200, "OK");
	assert_int_equal(2, fx->nct);
	assert_int_equal(200, fx->ct_scode[1]);
	/* Completed: the retransmitted 200 absorbed, nothing sent again. */
	phone_respond(fx, req, 200, "OK");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(2, fx->nct);
	assert_int_equal(0, phone_count(fx, 200, 0, "OPTIONS"));
	assert_int_equal(1, stats(fx).client_active);	/* Timer K = T4 */
	assert_int_equal(0, stats(fx).client_timeouts);
	mem_deref(req);
	lk_sipxact_cli_abandon(ct);
}

static void client_non_invite_timer_f(void **state)
{
	struct fx *fx = *state;
	struct lk_sipflow flow;
	struct mbuf *mb;
	char branch[32];
	unsigned n;

	/* No *ctp: the table's own transaction. */

	memset(&flow, 0, sizeof(flow));
	flow.tp = LK_LISTEN_UDP;
	assert_int_equal(0, sa_set_str(&flow.remote, "127.0.0.1", PHONE));
	mb = our_request("OPTIONS", branch, sizeof(branch), "UDP");
	assert_int_equal(0, lk_sipxact_request(NULL, fx->ts, &flow, mb, ct_h,
						fx));
	mem_deref(mb);
	PUMP_UNTIL(fx, fx->nct, 4 * T64);
	assert_int_equal(1, fx->nct);
	assert_int_equal(ETIMEDOUT, fx->ct_err[0]);
	assert_int_equal(1, stats(fx).client_timeouts);
	assert_int_equal(0, stats(fx).client_active);
	/* Sent at 0, 1, 3, 7, 15, 31, 63 T1 (T2 caps at 4 s, far off). */
	n = phone_count(fx, 20, 0, "OPTIONS");
	assert_true(n >= 6 && n <= 7);
}

/* Accept the connection latchkey opened to the peer listener. */
static int peer_accept(struct fx *fx, uint16_t *portp)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	unsigned t;
	int fd = -1;

	for (t = 0; t < 2000 && fd < 0; t += 5) {
		pump(fx, 5);
		fd = accept4(fx->peer, (struct sockaddr *)&sin, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
	}
	assert_true(fd >= 0);
	*portp = ntohs(sin.sin_port);

	return fd;
}

static void client_over_tcp(void **state)
{
	struct fx *fx = *state;
	struct lk_sipxact_cli *ct = NULL, *ct2 = NULL;
	struct sip_msg *m[MAXM];
	const struct lk_sipflow *f;
	struct lk_sipflow flow;
	struct mbuf *mb, *resp = NULL;
	char branch[32];
	uint16_t port;
	unsigned n;
	int fd;

	memset(&flow, 0, sizeof(flow));
	flow.tp = LK_LISTEN_TCP;
	assert_int_equal(0, sa_set_str(&flow.remote, "127.0.0.1", PEER_TCP));
	mb = our_request("OPTIONS", branch, sizeof(branch), "TCP");
	assert_int_equal(0, lk_sipxact_request(&ct, fx->ts, &flow, mb, ct_h,
						fx));
	mem_deref(mb);
	f = lk_sipxact_cli_flow(ct);
	assert_int_equal(LK_LISTEN_TCP, f->tp);
	assert_non_null(f->conn);

	/* From the outbound range (seed A), never a kernel's port. */
	fd = peer_accept(fx, &port);
	assert_true(port >= OUT_START && port <= OUT_END);
	assert_int_equal(port, sa_port(&f->local));

	/* Once, no Timer E over TCP. */
	n = stream_read(fx, fd, 300, m, MAXM);
	assert_int_equal(1, n);
	assert_int_equal(0, pl_strcmp(&m[0]->via.branch, branch));
	assert_int_equal(0, stats(fx).client_retransmissions);

	/* The 200 on the same connection: Completed and, Timer K = 0, gone. */
	assert_int_equal(0, lk_sipmsg_reply(&resp, m[0], NULL, 200, "OK",
					    NULL));
	assert_int_equal((ssize_t)resp->end, send(fd, resp->buf, resp->end,
						  0));
	mem_deref(resp);
	msgs_free(m, n);
	PUMP_UNTIL(fx, fx->nct, 2000);
	assert_int_equal(1, fx->nct);
	assert_int_equal(200, fx->ct_scode[0]);
	assert_int_equal(0, stats(fx).client_active);

	/* Another request on that flow: the connection is reused ... */
	mb = our_request("INVITE", branch, sizeof(branch), "TCP");
	assert_int_equal(0, lk_sipxact_request(&ct2, fx->ts,
						lk_sipxact_cli_flow(ct), mb, ct_h,
						fx));
	mem_deref(mb);
	n = stream_read(fx, fd, 100, m, MAXM);
	assert_int_equal(1, n);
	assert_int_equal(0, pl_strcmp(&m[0]->met, "INVITE"));
	msgs_free(m, n);

	/* ... and its close before a final is a transport failure. */
	close(fd);
	PUMP_UNTIL(fx, fx->nct == 2, 4 * T64);
	assert_int_equal(2, fx->nct);
	assert_int_equal(ENOTCONN, fx->ct_err[1]);
	assert_int_equal(1, stats(fx).client_errors);
	assert_int_equal(0, stats(fx).client_active);
	assert_int_equal(0, stats(fx).client_timeouts);
	lk_sipxact_cli_abandon(ct2);
	lk_sipxact_cli_abandon(ct);
}

/*
 * An INVITE may ring past 64*T1: in Proceeding both sides wait for Timer
 * C (362*T1 here, > 3 min at the RFC's T1), not for Timer B or the
 * non-INVITE guard.
 */
static void invite_proceeding_lasts_to_timer_c(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *inv;
	struct lk_sipxact_cli *ct;
	char branch[32];

	invite_in(fx, "z9hG4bKring");
	ct = phone_is_sent(fx, "INVITE", branch, sizeof(branch), NULL);
	inv = phone_next(fx, 500, NULL);
	assert_non_null(inv);
	assert_int_equal(0, pl_strcmp(&inv->met, "INVITE"));
	phone_respond(fx, inv, 180, "Ringing");
	assert_int_equal(1, fx->nct);

	pump(fx, 3 * T64);
	assert_int_equal(0, fx->nend);
	assert_int_equal(1, fx->nct);
	assert_int_equal(1, stats(fx).active);
	assert_int_equal(1, stats(fx).client_active);

	PUMP_UNTIL(fx, fx->nend && fx->nct == 2, 362 * T1 + 2000);
	assert_int_equal(1, fx->nend);
	assert_int_equal(ECONNABORTED, fx->end_err);
	assert_int_equal(1, stats(fx).abandoned);
	assert_int_equal(2, fx->nct);
	assert_int_equal(ETIMEDOUT, fx->ct_err[1]);
	assert_int_equal(1, stats(fx).client_timeouts);
	assert_int_equal(0, stats(fx).client_active);
	mem_deref(inv);
	lk_sipxact_cli_abandon(ct);
}

/*
 * Odd input, and the transaction user going away
 */

static void stray_and_malformed(void **state)
{
	struct fx *fx = *state;
	struct lk_sipflow flow;
	struct sip_msg *msg;
	struct mbuf *mb;
	struct lk_sipxact_srv *st = NULL;
	char br[32], br2[32], buf[1024];
	size_t i;

	/* A response matching no client transaction, off the wire. */
	request_text(buf, sizeof(buf), "OPTIONS", "OPTIONS",
			 "z9hG4bKnobody", "UDP", SIP_UDP);
	msg = decode_text(buf);
	phone_respond(fx, msg, 200, "OK");
	mem_deref(msg);
	assert_int_equal(ENOENT, fx->resp_rc);
	assert_int_equal(1, stats(fx).stray_responses);

	/* No Via, no CSeq: lk_sipmsg_check() drops those, but still. */
	msg = decode_text("SIP/2.0 200 OK\r\nCall-ID: x\r\n"
			  "Content-Length: 0\r\n\r\n");
	memset(&flow, 0, sizeof(flow));
	assert_int_equal(ENOENT, lk_sipxact_response(fx->ts, msg, &flow));
	assert_int_equal(2, stats(fx).stray_responses);
	assert_int_equal(EINVAL, lk_sipxact_receive(fx->ts, msg, &flow,
						     &st));
	mem_deref(msg);
	msg = decode_text("OPTIONS sip:x SIP/2.0\r\nCall-ID: x\r\n"
			  "Content-Length: 0\r\n\r\n");
	assert_int_equal(EINVAL, lk_sipxact_receive(fx->ts, msg, &flow,
						     &st));
	assert_int_equal(EINVAL, lk_sipxact_response(fx->ts, msg, &flow));
	assert_null(lk_sipxact_find_invite(fx->ts, msg));
	mem_deref(msg);
	assert_null(st);

	/* Requests latchkey cannot make a transaction of. */
	flow.tp = LK_LISTEN_UDP;
	assert_int_equal(0, sa_set_str(&flow.remote, "127.0.0.1", PHONE));
	mb = mbuf_alloc(64);
	mbuf_write_str(mb, "not SIP at all\r\n\r\n");
	assert_int_equal(EINVAL, lk_sipxact_request(NULL, fx->ts, &flow, mb,
						     ct_h, fx));
	mem_deref(mb);
	mb = our_request("ACK", br, sizeof(br), "UDP");
	assert_int_equal(EINVAL, lk_sipxact_request(NULL, fx->ts, &flow, mb,
						     ct_h, fx));
	mem_deref(mb);
	assert_int_equal(0, stats(fx).client_created);

	/* Branches: magic cookie and 16 hex digits, never the same. */
	lk_sipxact_branch(br, sizeof(br));
	lk_sipxact_branch(br2, sizeof(br2));
	assert_int_equal(23, strlen(br));
	assert_int_equal(0, strncmp(br, "z9hG4bK", 7));
	for (i = 7; i < 23; i++)
		assert_non_null(strchr("0123456789abcdef", br[i]));
	assert_string_not_equal(br, br2);
	/* The same branch twice is refused. */
	mb = our_request("OPTIONS", br, sizeof(br), "UDP");
	assert_int_equal(0, lk_sipxact_request(NULL, fx->ts, &flow, mb, ct_h,
						fx));
	assert_int_equal(EEXIST, lk_sipxact_request(NULL, fx->ts, &flow, mb,
						     ct_h, fx));
	mem_deref(mb);
}

static void abandon_stops_the_handler(void **state)
{
	struct fx *fx = *state;
	struct sip_msg *req, *ack;
	struct lk_sipxact_cli *ct;
	char branch[32];

	/* Abandoned at once: the response still matches, nobody hears. */
	ct = phone_is_sent(fx, "OPTIONS", branch, sizeof(branch), NULL);
	lk_sipxact_cli_abandon(ct);
	req = phone_next(fx, 500, NULL);
	assert_non_null(req);
	phone_respond(fx, req, 200, "OK");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(0, fx->nct);
	mem_deref(req);

	/* Abandoned from inside its own handler, on the 180 ... */
	ct = phone_is_sent(fx, "INVITE", branch, sizeof(branch), NULL);
	fx->abandon_in_handler = ct;
	req = phone_next(fx, 500, NULL);
	assert_non_null(req);
	phone_respond(fx, req, 180, "Ringing");
	assert_int_equal(1, fx->nct);
	assert_null(fx->abandon_in_handler);
	/* ... the transaction lives on: the 486 is still ACKed. */
	phone_respond(fx, req, 486, "Busy Here");
	assert_int_equal(0, fx->resp_rc);
	assert_int_equal(1, fx->nct);
	do {
		ack = phone_next(fx, 500, NULL);
		assert_non_null(ack);
		if (!pl_strcmp(&ack->met, "ACK"))
			break;
		mem_deref(ack);		/* an INVITE that crossed the 180 */
	} while (1);
	assert_int_equal(0, pl_strcmp(&ack->via.branch, branch));
	mem_deref(ack);
	mem_deref(req);

	/* A user's reference outlives the whole table. */
	ct = phone_is_sent(fx, "OPTIONS", branch, sizeof(branch), NULL);
	fx->ts = mem_deref(fx->ts);
	assert_non_null(lk_sipxact_cli_flow(ct));
	lk_sipxact_cli_abandon(ct);
	pump(fx, 50);
	assert_int_equal(1, fx->nct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			invite_server_sends_100_and_answers_retransmission,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			invite_server_486_retransmitted_until_ack, setup,
			teardown),
		cmocka_unit_test_setup_teardown(invite_server_timer_h, setup,
						teardown),
		cmocka_unit_test_setup_teardown(invite_server_2xx_until_ack,
						setup, teardown),
		cmocka_unit_test_setup_teardown(invite_server_timer_l, setup,
						teardown),
		cmocka_unit_test_setup_teardown(non_invite_server_as_before,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			non_invite_server_unanswered_is_aborted, setup,
			teardown),
		cmocka_unit_test_setup_teardown(invite_server_over_tcp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(client_invite_timer_a_and_b,
						setup, teardown),
		cmocka_unit_test_setup_teardown(client_invite_486_is_acked,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			client_invite_2xx_passed_up_while_accepted, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			client_non_invite_timer_e_then_final, setup, teardown),
		cmocka_unit_test_setup_teardown(client_non_invite_timer_f,
						setup, teardown),
		cmocka_unit_test_setup_teardown(client_over_tcp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			invite_proceeding_lasts_to_timer_c, setup, teardown),
		cmocka_unit_test_setup_teardown(stray_and_malformed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(abandon_stops_the_handler,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
