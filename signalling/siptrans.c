/* signalling/siptrans.c  SIP server transactions, RFC 3261 s.17.2 (non-INVITE for now). */
#include <errno.h>
#include <string.h>

#include <event2/event.h>
#include <re.h>

#include "log.h"
#include "siptrans.h"

struct lk_sipst {
	struct le le;
	struct lk_siptrans *ts;
	enum lk_sipst_kind kind;
	enum lk_sipst_state state;
	char *key;			/* branch|sent-by|method */
	struct lk_sipflow flow;
	struct mbuf *last;		/* last response sent */
	struct event *timer;		/* J, or the Trying guard */
};

struct lk_siptrans {
	struct event_base *base;
	struct lk_siptransport *transport;
	struct hash *ht;
	unsigned t1_ms;
	struct lk_siptrans_stats st;
};

static void st_destructor(void *arg)
{
	struct lk_sipst *st = arg;

	hash_unlink(&st->le);
	if (st->timer)
		event_free(st->timer);
	mem_deref(st->key);
	mem_deref(st->last);
	lk_sipflow_reset(&st->flow);
}

static void st_terminate(struct lk_sipst *st)
{
	st->state = LK_SIPST_TERMINATED;
	--st->ts->st.active;
	mem_deref(st);
}

static void st_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sipst *st = arg;

	if (st->state == LK_SIPST_TRYING || st->state == LK_SIPST_PROCEEDING)
		++st->ts->st.abandoned;
	st_terminate(st);	/* Timer J fired, or nobody answered */
}

static void ts_destructor(void *arg)
{
	struct lk_siptrans *ts = arg;

	hash_flush(ts->ht);
	mem_deref(ts->ht);
}

int lk_siptrans_alloc(struct lk_siptrans **tsp, struct event_base *base,
		      struct lk_siptransport *transport, unsigned t1_ms)
{
	struct lk_siptrans *ts;
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
	if (err)
		mem_deref(ts);
	else
		*tsp = ts;

	return err;
}

static int make_key(char **keyp, const struct sip_msg *msg)
{
	return re_sdprintf(keyp, "%r|%r|%r", &msg->via.branch,
			   &msg->via.sentby, &msg->cseq.met);
}

static bool key_cmp(struct le *le, void *arg)
{
	const struct lk_sipst *st = le->data;

	return !strcmp(st->key, arg);
}

static void timer_start(struct lk_sipst *st, unsigned ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_add(st->timer, &tv);
}

int lk_siptrans_receive(struct lk_siptrans *ts, const struct sip_msg *msg,
			const struct lk_sipflow *flow, struct lk_sipst **stp)
{
	struct lk_sipst *st;
	char *key = NULL;
	struct le *le;
	int err;

	if (!ts || !msg || !flow || !stp)
		return EINVAL;
	if (!pl_strcmp(&msg->met, "ACK"))
		return EINVAL;
	err = make_key(&key, msg);
	if (err)
		return err;
	le = hash_lookup(ts->ht, hash_joaat_str(key), key_cmp, key);
	if (le) {
		st = le->data;
		mem_deref(key);
		++ts->st.retransmissions;
		/* s.17.2.2: resend in Proceeding and Completed. */
		if (st->last && (st->state == LK_SIPST_PROCEEDING ||
				 st->state == LK_SIPST_COMPLETED))
			lk_siptransport_send(ts->transport, flow,
					     st->last->buf, st->last->end);
		return EALREADY;
	}
	if (ts->st.active >= LK_SIPTRANS_MAX) {
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
	st->kind = LK_SIPST_NON_INVITE;
	st->state = LK_SIPST_TRYING;
	lk_sipflow_copy(&st->flow, flow);
	st->timer = evtimer_new(ts->base, st_timeout, st);
	if (!st->timer) {
		mem_deref(st);
		return ENOMEM;
	}
	/* Nobody answers after 64*T1: the client gave up (Timer F). */
	timer_start(st, 64 * ts->t1_ms);
	hash_append(ts->ht, hash_joaat_str(key), &st->le, st);
	++ts->st.created;
	++ts->st.active;
	*stp = st;

	return 0;
}

int lk_siptrans_reply(struct lk_sipst *st, uint16_t scode,
		      const struct mbuf *mb)
{
	struct lk_siptrans *ts;
	int err;

	if (!st || !mb)
		return EINVAL;
	ts = st->ts;
	mem_deref(st->last);
	st->last = mbuf_alloc(mb->end);
	if (!st->last)
		return ENOMEM;
	mbuf_write_mem(st->last, mb->buf, mb->end);
	err = lk_siptransport_send(ts->transport, &st->flow, mb->buf, mb->end);
	if (scode < 200) {
		st->state = LK_SIPST_PROCEEDING;
		return err;
	}
	st->state = LK_SIPST_COMPLETED;
	if (st->flow.tp != LK_SIPTP_UDP) {
		st_terminate(st);	/* Timer J = 0 on reliable transports */
		return err;
	}
	event_del(st->timer);
	timer_start(st, 64 * ts->t1_ms);	/* Timer J */

	return err;
}

void lk_siptrans_stats(const struct lk_siptrans *ts,
		       struct lk_siptrans_stats *st)
{
	if (ts && st)
		*st = ts->st;
}
