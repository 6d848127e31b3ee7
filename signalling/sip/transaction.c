/* signalling/sip/transaction.c  SIP transactions, RFC 3261 s.17 (with RFC 6026): server and client. */
/*
 * Owns the transaction tables (server and client, hashed by branch), each
 * transaction (mem_zalloc; the table holds one reference until it ends, a
 * user may hold another) and its timers.  A transaction user learns of the
 * end through its handler, and lk_sipxact_cli_abandon() detaches it.
 */
#include <errno.h>
#include <string.h>

#include <event2/event.h>
#include <openssl/rand.h>
#include <re.h>

#include "log.h"
#include "sip/msg.h"
#include "sip/transaction.h"

/*
 * An INVITE may ring for minutes, so an INVITE transaction in Proceeding
 * cannot be cut at 64*T1 as a non-INVITE one is.  It still needs an end,
 * or a transaction user that forgets it (or a peer that vanishes after
 * its 180) leaks it: Timer C of s.16.6 item 11 ("greater than 3
 * minutes"), restarted by every provisional response as in s.16.7 item
 * 2.  Counted in T1 so that it scales with the other timers: 362*T1 =
 * 181 s at the RFC's T1.
 */
#define TIMER_C_T1 362u

/* Timer D, s.17.1.1.2: at least 32 s over UDP. */
#define TIMER_D_MS 32000u

struct lk_sipxact_srv {
	struct le le;			/* in lk_sipxact.ht while not ended */
	struct lk_sipxact *ts;
	enum lk_sipxact_srv_kind kind;
	enum lk_sipxact_srv_state state;
	char *key;			/* branch|sent-by|method */
	struct lk_sipflow flow;
	struct mbuf *last;		/* last response sent */
	struct event *timer;		/* guard, then J, H, I or L */
	struct event *retx;		/* G, or the 2xx's (s.13.3.1.4) */
	unsigned interval;		/* of retx, ms */
	lk_sipxact_srv_end_h *endh;
	void *arg;
};

/*
 * A client transaction has up to two references: the table's, dropped
 * when the transaction ends, and the transaction user's (*ctp of
 * lk_sipxact_request()), dropped by lk_sipxact_cli_abandon().  So the user's
 * pointer stays valid, if inert, after the end, and the transaction lives
 * on to its end after the user went away.
 */
struct lk_sipxact_cli {
	struct le le;			/* in lk_sipxact.cht while not ended */
	struct lk_sipxact *ts;		/* NULL once the table is gone */
	char *key;			/* branch|method */
	bool invite;
	enum lk_sipxact_srv_state state;
	struct lk_sipflow flow;
	struct mbuf *req;		/* the request as sent */
	struct sip_msg *msg;		/* the same, decoded: for the ACK */
	struct mbuf *ack;		/* the ACK of a 300-699 (INVITE) */
	struct event *timer;		/* B or F, Proceeding guard; D, K, M */
	struct event *retx;		/* A or E; TCP/TLS: connection watch */
	unsigned interval;		/* of retx, ms */
	lk_sipxact_cli_h *h;
	void *arg;
};

struct lk_sipxact {
	struct event_base *base;
	struct lk_siptransport *transport;
	struct hash *ht;		/* server transactions */
	struct hash *cht;		/* client transactions */
	unsigned t1_ms;
	struct lk_sipxact_stats st;
};

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

static void timer_start(struct event *ev, unsigned ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	if (ev)
		event_add(ev, &tv);
}

static void timer_stop(struct event *ev)
{
	if (ev)
		event_del(ev);
}

static struct mbuf *mbuf_dup_whole(const struct mbuf *mb)
{
	struct mbuf *copy = mbuf_alloc(mb->end ? mb->end : 1);

	if (copy && mbuf_write_mem(copy, mb->buf, mb->end))
		copy = mem_deref(copy);

	return copy;
}

/*
 * Server transactions, s.17.2
 */

static void st_destructor(void *arg)
{
	struct lk_sipxact_srv *st = arg;

	hash_unlink(&st->le);
	if (st->timer)
		event_free(st->timer);
	if (st->retx)
		event_free(st->retx);
	mem_deref(st->key);
	mem_deref(st->last);
	lk_sipflow_reset(&st->flow);
}

/*
 * The end of a server transaction: out of the table at once, so that
 * nothing the handler does can match it again, then the transaction
 * user's handler (once), then freed.
 */
static void st_end(struct lk_sipxact_srv *st, int err)
{
	lk_sipxact_srv_end_h *endh = st->endh;

	if (st->state == LK_SIPST_TERMINATED)
		return;
	st->state = LK_SIPST_TERMINATED;
	hash_unlink(&st->le);
	--st->ts->st.active;
	timer_stop(st->timer);
	timer_stop(st->retx);
	st->endh = NULL;
	if (endh)
		endh(st, err, st->arg);
	mem_deref(st);			/* the table's reference */
}

static void st_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sipxact_srv *st = arg;
	struct lk_sipxact_stats *s = &st->ts->st;

	switch (st->state) {

	case LK_SIPST_TRYING:
	case LK_SIPST_PROCEEDING:
		/* No final response in time: the client gave up long ago. */
		++s->abandoned;
		st_end(st, ECONNABORTED);
		break;

	case LK_SIPST_COMPLETED:
		if (st->kind == LK_SIPST_NON_INVITE) {
			st_end(st, 0);		/* Timer J, s.17.2.2 */
			break;
		}
		++s->no_ack;			/* Timer H, s.17.2.1 */
		st_end(st, ETIMEDOUT);
		break;

	case LK_SIPST_ACCEPTED:
		++s->no_ack;			/* Timer L, RFC 6026 s.7.1 */
		st_end(st, ETIMEDOUT);
		break;

	default:
		st_end(st, 0);			/* Timer I, s.17.2.1 */
		break;
	}
}

/*
 * Timer G (s.17.2.1) for a 300-699, and the 2xx's own schedule
 * (s.13.3.1.4, kept here for the transaction user): T1, doubling, at most
 * T2.  Only ever started over UDP.
 */
static void st_retransmit(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sipxact_srv *st = arg;

	if (!st->last || (st->state != LK_SIPST_COMPLETED &&
			  st->state != LK_SIPST_ACCEPTED))
		return;
	/* A send error is the transport's to count; Timer H or L ends it. */
	(void)lk_siptransport_send(st->ts->transport, &st->flow,
				   st->last->buf, st->last->end);
	st->interval = min_u(2 * st->interval, LK_SIP_T2_MS);
	timer_start(st->retx, st->interval);
}

static void ts_destructor(void *arg);

int lk_sipxact_alloc(struct lk_sipxact **tsp, struct event_base *base,
		      struct lk_siptransport *transport, unsigned t1_ms)
{
	struct lk_sipxact *ts;
	int err;

	if (!tsp || !base)
		return EINVAL;
	ts = mem_zalloc(sizeof(*ts), ts_destructor);
	if (!ts)
		return ENOMEM;
	ts->base = base;
	ts->transport = transport;
	ts->t1_ms = t1_ms ? t1_ms : LK_SIP_T1_MS;
	err = hash_alloc(&ts->ht, 1024);
	if (!err)
		err = hash_alloc(&ts->cht, 1024);
	if (err)
		mem_deref(ts);
	else
		*tsp = ts;

	return err;
}

/* s.17.2.3: top Via branch and sent-by, and the method (INVITE for ACK). */
static int make_key(char **keyp, const struct sip_msg *msg,
		    const struct pl *met)
{
	return re_sdprintf(keyp, "%r|%r|%r", &msg->via.branch,
			   &msg->via.sentby, met);
}

static bool st_key_cmp(struct le *le, void *arg)
{
	const struct lk_sipxact_srv *st = le->data;

	return !strcmp(st->key, arg);
}

static struct lk_sipxact_srv *st_find(const struct lk_sipxact *ts, const char *key)
{
	struct le *le;

	le = hash_lookup(ts->ht, hash_joaat_str(key), st_key_cmp,
			 (void *)key);

	return le ? le->data : NULL;
}

static bool server_matchable(const struct sip_msg *msg)
{
	return msg->req && pl_isset(&msg->via.branch) &&
	       pl_isset(&msg->via.sentby) && pl_isset(&msg->cseq.met);
}

/*
 * An ACK with the branch of an INVITE transaction: the ACK of its 300-699
 * (s.17.2.1).  The ACK of a 2xx has a branch of its own (s.17.1.1.3 does
 * not apply to it) and belongs to the dialog; one that reuses the
 * INVITE's branch anyway goes to the dialog too (ENOENT), which reports
 * it with lk_sipxact_ack().
 */
static int st_ack(struct lk_sipxact *ts, struct lk_sipxact_srv *st)
{
	if (!st || st->kind != LK_SIPST_INVITE ||
	    st->state == LK_SIPST_ACCEPTED)
		return ENOENT;
	if (st->state == LK_SIPST_CONFIRMED) {
		++ts->st.retransmissions;
		return EALREADY;
	}
	if (st->state != LK_SIPST_COMPLETED)
		return EALREADY;	/* no final response yet: absorbed */
	/* Confirmed: Timer G and H stop; Timer I = T4, or 0 if reliable. */
	st->state = LK_SIPST_CONFIRMED;
	timer_stop(st->retx);
	if (st->flow.tp != LK_LISTEN_UDP)
		st_end(st, 0);
	else
		timer_start(st->timer, LK_SIP_T4_MS);

	return EALREADY;
}

/*
 * Whether a retransmitted request gets the last response again: a
 * non-INVITE in Proceeding or Completed (s.17.2.2), an INVITE in
 * Proceeding or Completed (s.17.2.1).  Trying, Confirmed and Accepted
 * (RFC 6026 s.7.1: the 2xx has its own retransmissions) absorb it.
 */
static bool st_answers_again(const struct lk_sipxact_srv *st)
{
	return st->last && (st->state == LK_SIPST_PROCEEDING ||
			    st->state == LK_SIPST_COMPLETED);
}

int lk_sipxact_receive(struct lk_sipxact *ts, const struct sip_msg *msg,
			const struct lk_sipflow *flow, struct lk_sipxact_srv **stp)
{
	static const struct pl invite = PL("INVITE");
	struct lk_sipxact_srv *st = NULL;
	struct mbuf *trying = NULL;
	char *key = NULL;
	bool ack;
	int err;

	if (!ts || !msg || !flow || !stp || !server_matchable(msg))
		return EINVAL;
	ack = !pl_strcmp(&msg->met, "ACK");
	err = make_key(&key, msg, ack ? &invite : &msg->cseq.met);
	if (err)
		return err;
	st = st_find(ts, key);
	if (ack) {
		mem_deref(key);
		return st_ack(ts, st);
	}
	if (st) {
		mem_deref(key);
		++ts->st.retransmissions;
		if (st_answers_again(st))
			lk_siptransport_send(ts->transport, flow,
					     st->last->buf, st->last->end);
		return EALREADY;
	}
	if (ts->st.active >= LK_SIPXACT_MAX) {
		mem_deref(key);
		++ts->st.full;
		return ENOSPC;
	}
	st = mem_zalloc(sizeof(*st), st_destructor);
	if (!st) {
		mem_deref(key);
		return ENOMEM;
	}
	st->ts = ts;
	st->key = key;
	st->kind = pl_strcmp(&msg->met, "INVITE") ? LK_SIPST_NON_INVITE :
		   LK_SIPST_INVITE;
	st->state = LK_SIPST_TRYING;
	lk_sipflow_copy(&st->flow, flow);
	st->timer = evtimer_new(ts->base, st_timeout, st);
	st->retx = evtimer_new(ts->base, st_retransmit, st);
	if (!st->timer || !st->retx) {
		err = ENOMEM;
		goto out;
	}
	if (st->kind == LK_SIPST_INVITE) {
		/*
		 * s.17.2.1: Proceeding at once, with "100 Trying", so that
		 * the client stops retransmitting (Timer A) while the
		 * transaction user works.
		 */
		err = lk_sipmsg_reply(&trying, msg, &flow->remote, 100,
				      "Trying", NULL);
		if (err)
			goto out;
		st->state = LK_SIPST_PROCEEDING;
		st->last = trying;
		lk_siptransport_send(ts->transport, flow, trying->buf,
				     trying->end);
		timer_start(st->timer, TIMER_C_T1 * ts->t1_ms);
	}
	else {
		/* Nobody answers after 64*T1: the client gave up (Timer F). */
		timer_start(st->timer, 64 * ts->t1_ms);
	}
	hash_append(ts->ht, hash_joaat_str(key), &st->le, st);
	++ts->st.created;
	++ts->st.active;
	*stp = st;

 out:
	if (err)
		mem_deref(st);

	return err;
}

/* Completed after a 300-699 (s.17.2.1), or after any non-INVITE final. */
static int st_complete(struct lk_sipxact_srv *st, int err)
{
	struct lk_sipxact *ts = st->ts;

	st->state = LK_SIPST_COMPLETED;
	if (st->kind == LK_SIPST_INVITE) {
		/* Timer H on any transport; Timer G only over UDP. */
		timer_start(st->timer, 64 * ts->t1_ms);
		if (st->flow.tp == LK_LISTEN_UDP) {
			st->interval = ts->t1_ms;
			timer_start(st->retx, st->interval);
		}
		return err;
	}
	if (st->flow.tp != LK_LISTEN_UDP) {
		st_end(st, 0);	/* Timer J = 0 on reliable transports */
		return err;
	}
	timer_start(st->timer, 64 * ts->t1_ms);	/* Timer J */

	return err;
}

int lk_sipxact_reply(struct lk_sipxact_srv *st, uint16_t scode,
		      const struct mbuf *mb)
{
	struct lk_sipxact *ts;
	bool is2xx = scode >= 200 && scode < 300;
	struct mbuf *copy;
	int err;

	if (!st || !mb || scode < 100 || scode > 699)
		return EINVAL;
	/*
	 * After the final response the transaction user's later ones are
	 * discarded (s.17.2.1, s.17.2.2), except a 2xx again in Accepted:
	 * it goes out (RFC 6026 s.7.1) and becomes the one retransmitted.
	 */
	if (st->state == LK_SIPST_COMPLETED ||
	    st->state == LK_SIPST_CONFIRMED ||
	    st->state == LK_SIPST_TERMINATED ||
	    (st->state == LK_SIPST_ACCEPTED && !is2xx))
		return EALREADY;
	ts = st->ts;
	copy = mbuf_dup_whole(mb);
	if (!copy)
		return ENOMEM;
	mem_deref(st->last);
	st->last = copy;
	err = lk_siptransport_send(ts->transport, &st->flow, mb->buf, mb->end);
	if (scode < 200) {
		st->state = LK_SIPST_PROCEEDING;
		if (st->kind == LK_SIPST_INVITE)
			timer_start(st->timer, TIMER_C_T1 * ts->t1_ms);
		return err;
	}
	if (st->kind == LK_SIPST_NON_INVITE || !is2xx)
		return st_complete(st, err);
	if (st->state == LK_SIPST_ACCEPTED)
		return err;
	/*
	 * RFC 6026 s.7.1: Accepted until the dialog reports the ACK, for
	 * Timer L = 64*T1 at most; over UDP the 2xx goes out again on T1,
	 * doubling to T2 (s.13.3.1.4).
	 */
	st->state = LK_SIPST_ACCEPTED;
	timer_start(st->timer, 64 * ts->t1_ms);
	if (st->flow.tp == LK_LISTEN_UDP) {
		st->interval = ts->t1_ms;
		timer_start(st->retx, st->interval);
	}

	return err;
}

void lk_sipxact_set_handler(struct lk_sipxact_srv *st, lk_sipxact_srv_end_h *h,
			     void *arg)
{
	if (!st)
		return;
	st->endh = h;
	st->arg = arg;
}

void lk_sipxact_ack(struct lk_sipxact_srv *st)
{
	if (st && st->state == LK_SIPST_ACCEPTED)
		st_end(st, 0);
}

struct lk_sipxact_srv *lk_sipxact_find_invite(struct lk_sipxact *ts,
					 const struct sip_msg *cancel)
{
	static const struct pl invite = PL("INVITE");
	struct lk_sipxact_srv *st;
	char *key = NULL;

	if (!ts || !cancel || !server_matchable(cancel))
		return NULL;
	if (make_key(&key, cancel, &invite))
		return NULL;
	st = st_find(ts, key);
	mem_deref(key);
	if (!st || st->kind != LK_SIPST_INVITE ||
	    (st->state != LK_SIPST_TRYING && st->state != LK_SIPST_PROCEEDING))
		return NULL;

	return st;
}

/*
 * Client transactions, s.17.1
 */

void lk_sipxact_branch(char *buf, size_t sz)
{
	uint8_t r[8];

	if (!buf || !sz)
		return;
	/* s.8.1.1.7: unique in space and time, after the magic cookie. */
	if (RAND_bytes(r, sizeof(r)) != 1)
		rand_bytes(r, sizeof(r));
	re_snprintf(buf, sz, "z9hG4bK%w", r, sizeof(r));
}

static void ct_destructor(void *arg)
{
	struct lk_sipxact_cli *ct = arg;

	hash_unlink(&ct->le);
	if (ct->timer)
		event_free(ct->timer);
	if (ct->retx)
		event_free(ct->retx);
	mem_deref(ct->key);
	mem_deref(ct->req);
	mem_deref(ct->msg);
	mem_deref(ct->ack);
	lk_sipflow_reset(&ct->flow);
}

/*
 * Terminated: out of the table, timers off, the table's reference gone.
 * Every caller holds a reference of its own for as long as it goes on
 * using `ct` (the entry points take one).
 */
static void ct_end(struct lk_sipxact_cli *ct)
{
	if (ct->state == LK_SIPST_TERMINATED)
		return;
	ct->state = LK_SIPST_TERMINATED;
	hash_unlink(&ct->le);
	if (ct->ts)
		--ct->ts->st.client_active;
	timer_stop(ct->timer);
	timer_stop(ct->retx);
	mem_deref(ct);
}

/* The table goes away before the transaction: left inert for its user. */
static void ct_detach(struct lk_sipxact_cli *ct)
{
	hash_unlink(&ct->le);
	if (ct->timer)
		event_free(ct->timer);
	if (ct->retx)
		event_free(ct->retx);
	ct->timer = ct->retx = NULL;
	ct->ts = NULL;
	ct->h = NULL;
	if (ct->state != LK_SIPST_TERMINATED) {
		ct->state = LK_SIPST_TERMINATED;
		mem_deref(ct);
	}
}

static void ts_destructor(void *arg)
{
	struct lk_sipxact *ts = arg;
	uint32_t i;
	struct le *le;

	hash_flush(ts->ht);
	mem_deref(ts->ht);
	if (ts->cht) {
		for (i = 0; i < hash_bsize(ts->cht); i++) {
			while ((le = list_head(hash_list(ts->cht, i))))
				ct_detach(le->data);
		}
		mem_deref(ts->cht);
	}
}

static void ct_report(struct lk_sipxact_cli *ct, int err, const struct sip_msg *msg)
{
	if (ct->h)
		ct->h(err, msg, ct->arg);
}

/* s.17.1.4: a transport failure, or a timeout, ends it; the user is told. */
static void ct_fail(struct lk_sipxact_cli *ct, int err)
{
	mem_ref(ct);
	ct_end(ct);
	ct_report(ct, err, NULL);
	ct->h = NULL;		/* after an error: never again */
	mem_deref(ct);
}

static void ct_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sipxact_cli *ct = arg;

	if (ct->state == LK_SIPST_TRYING || ct->state == LK_SIPST_PROCEEDING) {
		/* Timer B or F; for an INVITE in Proceeding, Timer C. */
		++ct->ts->st.client_timeouts;
		ct_fail(ct, ETIMEDOUT);
		return;
	}
	mem_ref(ct);
	ct_end(ct);		/* Timer D, K or M: a quiet end */
	mem_deref(ct);
}

static int ct_send(struct lk_sipxact_cli *ct, const struct mbuf *mb)
{
	return lk_siptransport_send(ct->ts->transport, &ct->flow, mb->buf,
				    mb->end);
}

/*
 * Over UDP: Timer A (s.17.1.1.2: T1, doubling, no cap) or Timer E
 * (s.17.1.2.2: T1 doubling to T2; T2 once in Proceeding).  Over TCP/TLS
 * nothing is retransmitted; the same tick only looks whether the
 * connection is still there, since the transport has no close callback
 * and s.17.1.4 wants a closed one reported before Timer B or F.
 */
static void ct_retransmit(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sipxact_cli *ct = arg;
	struct lk_sipxact *ts = ct->ts;
	int err;

	if (ct->state != LK_SIPST_TRYING && ct->state != LK_SIPST_PROCEEDING)
		return;
	if (ct->flow.tp != LK_LISTEN_UDP) {
		if (!lk_sipconn_open(ct->flow.conn)) {
			++ts->st.client_errors;
			ct_fail(ct, ENOTCONN);
			return;
		}
		ct->interval = min_u(2 * ct->interval, LK_SIP_T2_MS);
		timer_start(ct->retx, ct->interval);
		return;
	}
	err = ct_send(ct, ct->req);
	if (err) {
		++ts->st.client_errors;
		ct_fail(ct, err);
		return;
	}
	++ts->st.client_retransmissions;
	if (ct->invite)
		ct->interval *= 2;
	else if (ct->state == LK_SIPST_PROCEEDING)
		ct->interval = LK_SIP_T2_MS;
	else
		ct->interval = min_u(2 * ct->interval, LK_SIP_T2_MS);
	timer_start(ct->retx, ct->interval);
}

static bool route_print(const struct sip_hdr *hdr, const struct sip_msg *msg,
			void *arg)
{
	return mbuf_printf(arg, "Route: %r\r\n", &hdr->val) != 0;
}

/*
 * The ACK of a 300-699, s.17.1.1.3: Request-URI, Call-ID, From, the CSeq
 * number, the top Via (only) and the Route headers of the INVITE; To of
 * the response.
 */
static int ack_build(struct mbuf **mbp, const struct sip_msg *inv,
		     const struct sip_msg *resp)
{
	const struct sip_hdr *from, *to;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;
	from = sip_msg_hdr(inv, SIP_HDR_FROM);
	to = sip_msg_hdr(resp, SIP_HDR_TO);
	if (!to)
		to = sip_msg_hdr(inv, SIP_HDR_TO);
	err = mbuf_printf(mb, "ACK %r SIP/2.0\r\nVia: %r\r\n", &inv->ruri,
			  &inv->via.val);
	if (!err && sip_msg_hdr_apply(inv, true, SIP_HDR_ROUTE, route_print,
				      mb))
		err = ENOMEM;
	if (!err && from)
		err = mbuf_printf(mb, "From: %r\r\n", &from->val);
	if (!err && to)
		err = mbuf_printf(mb, "To: %r\r\n", &to->val);
	if (!err)
		err = mbuf_printf(mb, "Call-ID: %r\r\nCSeq: %u ACK\r\n"
				  "Max-Forwards: 70\r\n"
				  "Content-Length: 0\r\n\r\n", &inv->callid,
				  inv->cseq.num);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;

	return 0;
}

/* A final response while Calling/Trying or Proceeding. */
static void ct_final(struct lk_sipxact_cli *ct, const struct sip_msg *msg)
{
	struct lk_sipxact *ts = ct->ts;
	bool reliable = ct->flow.tp != LK_LISTEN_UDP;

	timer_stop(ct->retx);
	if (ct->invite && msg->scode < 300) {
		/* RFC 6026 s.7.2: Accepted; every 2xx goes up (Timer M). */
		ct->state = LK_SIPST_ACCEPTED;
		timer_start(ct->timer, 64 * ts->t1_ms);
		ct_report(ct, 0, msg);
		return;
	}
	ct->state = LK_SIPST_COMPLETED;
	timer_stop(ct->timer);
	if (ct->invite) {
		/* s.17.1.1.2: the ACK goes out before the user hears. */
		if (!ct->ack && ack_build(&ct->ack, ct->msg, msg))
			lk_warn_limited("no memory for the ACK of a %u",
					msg->scode);
		if (ct->ack)
			(void)ct_send(ct, ct->ack);
	}
	if (!reliable)
		timer_start(ct->timer, ct->invite ? TIMER_D_MS : LK_SIP_T4_MS);
	ct_report(ct, 0, msg);
	if (reliable)
		ct_end(ct);	/* Timer D or K = 0 on reliable transports */
}

static void ct_recv(struct lk_sipxact_cli *ct, const struct sip_msg *msg)
{
	switch (ct->state) {

	case LK_SIPST_TRYING:
	case LK_SIPST_PROCEEDING:
		if (msg->scode >= 200) {
			ct_final(ct, msg);
			return;
		}
		ct->state = LK_SIPST_PROCEEDING;
		if (ct->invite) {
			/*
			 * s.17.1.1.2: no more retransmissions (over
			 * TCP/TLS the connection watch goes on); Timer B is
			 * over, Timer C starts.
			 */
			if (ct->flow.tp == LK_LISTEN_UDP)
				timer_stop(ct->retx);
			timer_start(ct->timer, TIMER_C_T1 * ct->ts->t1_ms);
		}
		ct_report(ct, 0, msg);
		return;

	case LK_SIPST_COMPLETED:
		/* s.17.1.1.2: a retransmitted 300-699 gets the ACK again. */
		if (ct->invite && msg->scode >= 300 && ct->ack)
			(void)ct_send(ct, ct->ack);
		return;		/* s.17.1.2.2: absorbed */

	case LK_SIPST_ACCEPTED:
		if (msg->scode >= 200 && msg->scode < 300)
			ct_report(ct, 0, msg);
		return;

	default:
		return;
	}
}

static bool ct_key_cmp(struct le *le, void *arg)
{
	const struct lk_sipxact_cli *ct = le->data;

	return !strcmp(ct->key, arg);
}

static struct lk_sipxact_cli *ct_find(const struct lk_sipxact *ts, const char *key)
{
	struct le *le;

	le = hash_lookup(ts->cht, hash_joaat_str(key), ct_key_cmp,
			 (void *)key);

	return le ? le->data : NULL;
}

/* The request's own fields that client transactions need (s.17.1.3). */
static bool request_usable(const struct sip_msg *msg)
{
	return msg->req && pl_isset(&msg->via.branch) &&
	       pl_strcmp(&msg->via.branch, LK_SIPMSG_NOBRANCH) &&
	       pl_isset(&msg->cseq.met) && !pl_cmp(&msg->cseq.met, &msg->met) &&
	       pl_strcmp(&msg->met, "ACK");	/* no transaction: s.17 */
}

int lk_sipxact_request(struct lk_sipxact_cli **ctp, struct lk_sipxact *ts,
			const struct lk_sipflow *flow, const struct mbuf *mb,
			lk_sipxact_cli_h *h, void *arg)
{
	struct sip_msg *msg = NULL;
	struct lk_sipxact_cli *ct = NULL;
	int err;

	if (!ts || !flow || !mb || !mb->buf || !mb->end)
		return EINVAL;
	err = lk_sipmsg_decode(&msg, mb->buf, mb->end);
	if (err)
		return err == ENOMEM ? ENOMEM : EINVAL;
	if (!request_usable(msg)) {
		err = EINVAL;
		goto out;
	}
	if (ts->st.client_active >= LK_SIPXACT_MAX) {
		err = ENOSPC;
		goto out;
	}
	ct = mem_zalloc(sizeof(*ct), ct_destructor);
	if (!ct) {
		err = ENOMEM;
		goto out;
	}
	ct->ts = ts;
	ct->msg = msg;
	msg = NULL;
	ct->invite = !pl_strcmp(&ct->msg->met, "INVITE");
	ct->state = LK_SIPST_TERMINATED;	/* not in the table yet */
	ct->h = h;
	ct->arg = arg;
	err = re_sdprintf(&ct->key, "%r|%r", &ct->msg->via.branch,
			  &ct->msg->met);
	if (err)
		goto out;
	if (ct_find(ts, ct->key)) {
		err = EEXIST;		/* the branch is not unique */
		goto out;
	}
	ct->req = mbuf_dup_whole(mb);
	ct->timer = evtimer_new(ts->base, ct_timeout, ct);
	ct->retx = evtimer_new(ts->base, ct_retransmit, ct);
	if (!ct->req || !ct->timer || !ct->retx) {
		err = ENOMEM;
		goto out;
	}
	if (flow->tp != LK_LISTEN_UDP && !flow->conn) {
		err = lk_siptransport_send_to(ts->transport, flow->tp,
					      &flow->remote, mb->buf, mb->end,
					      &ct->flow);
	}
	else {
		lk_sipflow_copy(&ct->flow, flow);
		err = ct_send(ct, ct->req);
	}
	if (err) {
		++ts->st.client_errors;
		goto out;
	}
	ct->state = LK_SIPST_TRYING;
	hash_append(ts->cht, hash_joaat_str(ct->key), &ct->le, ct);
	timer_start(ct->timer, 64 * ts->t1_ms);		/* Timer B or F */
	ct->interval = ts->t1_ms;
	timer_start(ct->retx, ct->interval);		/* Timer A or E */
	++ts->st.client_created;
	++ts->st.client_active;
	if (ctp)
		*ctp = mem_ref(ct);

 out:
	if (err)
		mem_deref(ct);
	mem_deref(msg);

	return err;
}

const struct lk_sipflow *lk_sipxact_cli_flow(const struct lk_sipxact_cli *ct)
{
	return ct ? &ct->flow : NULL;
}

void lk_sipxact_cli_abandon(struct lk_sipxact_cli *ct)
{
	if (!ct)
		return;
	ct->h = NULL;
	ct->arg = NULL;
	mem_deref(ct);		/* the transaction user's reference */
}

int lk_sipxact_response(struct lk_sipxact *ts, const struct sip_msg *msg,
			 const struct lk_sipflow *flow)
{
	struct lk_sipxact_cli *ct;
	char *key = NULL;

	if (!ts || !msg || msg->req)
		return EINVAL;
	/*
	 * s.17.1.3: the top Via branch and the CSeq method.  Without either
	 * nothing can match (lk_sipmsg_check() drops those before here).
	 */
	if (!pl_isset(&msg->via.branch) || !pl_isset(&msg->cseq.met) ||
	    msg->scode < 100 || msg->scode > 699 ||
	    re_sdprintf(&key, "%r|%r", &msg->via.branch, &msg->cseq.met)) {
		++ts->st.stray_responses;
		return ENOENT;
	}
	ct = ct_find(ts, key);
	mem_deref(key);
	if (!ct) {
		++ts->st.stray_responses;
		return ENOENT;
	}
	/* The handler may abandon `ct`, or end what it belongs to. */
	mem_ref(ct);
	ct_recv(ct, msg);
	mem_deref(ct);

	return 0;
}

void lk_sipxact_stats(const struct lk_sipxact *ts,
		       struct lk_sipxact_stats *st)
{
	if (ts && st)
		*st = ts->st;
}

void lk_sipxact_answer(struct lk_siptransport *tp, struct lk_sipxact_srv *st,
		       const struct lk_sipflow *flow,
		       const struct sip_msg *msg, uint16_t scode,
		       const char *reason, const char *hdrs)
{
	struct mbuf *mb = NULL;

	if (lk_sipmsg_reply(&mb, msg, &flow->remote, scode, reason, hdrs))
		return;
	if (st)
		lk_sipxact_reply(st, scode, mb);
	else
		lk_siptransport_send(tp, flow, mb->buf, mb->end);
	mem_deref(mb);
}
