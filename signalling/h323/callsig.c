/* signalling/h323/callsig.c  Gatekeeper-routed H.225.0 call signalling on the Call signaling TCP port (1720). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <re.h>

#include "call/call.h"
#include "clock.h"
#include "call/route.h"
#include "h323/callsig.h"
#include "h323/callmedia.h"
#include "h323/h225.h"
#include "h323/h245proxy.h"
#include "h323/h245port.h"
#include "h323/h460.h"
#include "h323/h46019.h"
#include "h323/q931.h"
#include "h323/ras.h"
#include "log.h"
#include "portalloc.h"

/*
 * This file owns Q.931 call signalling of routed calls: the connections
 * on 1720 and ours to callees, TPKT framing, routing a Setup, the two
 * call references, the call's state in the call layer and its release.
 * A call's media glue (callmedia.c) and its separate H.245 connections
 * (h245proxy.c) are objects the call holds; this file wires them to
 * each other and hands them its messages.
 *
 * One struct cs_conn per TCP connection (the caller's, accepted on 1720:
 * side A; ours to the callee: side B) and one struct cs_call per call,
 * which holds its two connections as legs and a struct lk_sigcall for
 * its state.  Both are libre memory objects owned by the lists of
 * struct lk_h323_callsig; a libevent callback that may end its own
 * connection or call holds a reference for the callback's length.
 */

#define ARENA_BYTES (1 << 18)
#define OUT_BYTES (LK_TPKT_MAX + 1)
/* A peer may queue two whole TPKTs before it is read no further. */
#define READ_HIGH (2 * LK_TPKT_MAX)
/* Seconds a released connection may take to flush its last message. */
#define FLUSH_TIMEOUT 5

struct cs_call;

struct cs_conn {
	struct le le;
	struct lk_h323_callsig *cs;
	struct bufferevent *bev;
	struct cs_call *call;		/* NULL: no Setup yet, or released */
	enum lk_sigcall_side side;
	bool outgoing;
	bool pickup;			/* ours to a zone's Expressway: its
					 * Setup comes back on it */
	bool connected;
	bool closing;			/* flushing its last message */
	bool dropped;			/* the list's reference is gone */
	uint16_t out_port;		/* from the port range, 0: none */
	struct sockaddr_in peer;
	/*
	 * H.460.18: a callee leg that is no connection yet, only the
	 * messages queued for it, until the endpoint connects to us
	 * (call_hold(), call_pickup()); `hold` ends the wait.
	 */
	bool held;
	struct event *hold;
	uint8_t callid[16];		/* the held call's */
};

struct cs_call {
	struct le le;
	struct lk_h323_callsig *cs;
	struct lk_sigcall sc;
	uint64_t id;
	struct cs_conn *leg[2];
	uint16_t crv[2];		/* A's own; ours towards B */
	bool released[2];		/* that side is done with the call */
	uint8_t callid[16];
	/* The message from one side that a state change passes on. */
	const struct lk_q931 *cur;
	enum lk_sigcall_side cur_from;
	char dest[160];			/* what was dialled, for the log */
	uint64_t started_ms;		/* the Setup taken, lk_clock_ms() */
	struct lk_h323_callmedia *media;	/* NULL: passed as it came */
	bool h46018;			/* the callee was told by SCI */
	bool h46019[2], h46019_mux[2];	/* H.460.19 clients, multiplexed */
	struct event *answer_tmr;	/* Setup sent to Connect */
	bool alerted;			/* the callee sent Alerting */
	struct lk_h323_h245proxy *h245[2];	/* by owner */
};

struct lk_h323_callsig {
	struct event_base *base;
	struct lk_h323_callsig_conf cfg;
	struct evconnlistener *lev;
	struct lk_portalloc *outports;
	struct sockaddr_in local;	/* outgoing connections' address */
	struct list conns;
	struct list calls;
	uint16_t next_crv;
	uint64_t next_id;
	struct lk_h323_callsig_stats st;
	uint8_t arena[ARENA_BYTES];	/* one message at a time */
	uint8_t out[OUT_BYTES];
	uint8_t uu[OUT_BYTES];
	uint8_t uu_fw[OUT_BYTES];	/* a passed-on UU-PDU, rewritten */
	uint8_t h245_out[OUT_BYTES];	/* a passed-on H.245 message */
	struct lk_h323_h245port *h245port;	/* H.460.18's 2777 */
};

static void conn_close(struct cs_conn *conn, const char *why);
static void conn_read(struct bufferevent *bev, void *arg);
static bool call_media_alloc(struct cs_call *call);
static void call_h46019(struct cs_call *call, const struct lk_asn_val *setup,
			const struct sockaddr_in *dst);
static const struct lk_q931 *media_msg(struct cs_call *call,
				       enum lk_sigcall_side from,
				       const struct lk_q931 *m,
				       struct lk_asn_arena *ar,
				       struct lk_asn_val *uu,
				       struct lk_q931 *fw);

static const char *side_name(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? "caller" : "callee";
}

static enum lk_sigcall_side other(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? LK_SIGCALL_B : LK_SIGCALL_A;
}

static const char *addr_str(const struct sockaddr_in *sin, char *buf,
			    size_t sz)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	snprintf(buf, sz, "%s:%u", ip, ntohs(sin->sin_port));

	return buf;
}

static void conn_destructor(void *arg)
{
	struct cs_conn *conn = arg;

	list_unlink(&conn->le);
	if (conn->hold)
		event_free(conn->hold);
	if (conn->bev)
		bufferevent_free(conn->bev);	/* closes the socket */
	if (conn->out_port)
		(void)lk_portalloc_give(conn->cs->outports, conn->out_port);
	if (conn->cs->st.active_conns)
		--conn->cs->st.active_conns;
}

static void call_destructor(void *arg)
{
	struct cs_call *call = arg;

	list_unlink(&call->le);
	if (call->answer_tmr)
		event_free(call->answer_tmr);
	mem_deref(call->h245[0]);
	mem_deref(call->h245[1]);
	mem_deref(call->media);
}

/* Queue one Q.931 message on `conn`; false when it could not be. */
static bool conn_send(struct cs_conn *conn, const struct lk_q931 *m)
{
	struct lk_h323_callsig *cs = conn->cs;
	size_t len;

	if (conn->closing || lk_q931_encode(m, true, cs->out, sizeof(cs->out),
					    &len))
		return false;

	return bufferevent_write(conn->bev, cs->out, len) == 0;
}

/*
 * Pass `m` (from the other side) on to `to`, with the call reference of
 * `to`'s leg: flag set towards the caller, whose call we answer, clear
 * towards the callee (Q.931 4.3).
 */
static void call_forward(struct cs_call *call, enum lk_sigcall_side to,
			 const struct lk_q931 *m)
{
	struct lk_q931 fw;

	if (!call->leg[to] || call->released[to])
		return;
	fw = *m;		/* decoded: its IEs point into the input */
	fw.crv_len = 2;
	fw.crv = call->crv[to];
	fw.crv_flag = to == LK_SIGCALL_A;
	if (!conn_send(call->leg[to], &fw))
		lk_warn_limited("H.323 call %llu: %s to the %s not sent",
				(unsigned long long)call->id,
				lk_q931_type_name(m->type), side_name(to));
}

/* H.225.0 Table 5: the Q.850 cause that goes with a release reason. */
static uint8_t reason_cause(const char *reason)
{
	if (!strcmp(reason, "calledPartyNotRegistered"))
		return LK_Q931_CAUSE_UNALLOCATED;
	if (!strcmp(reason, "unreachableDestination"))
		return LK_Q931_CAUSE_NO_ROUTE;
	if (!strcmp(reason, "gatekeeperResources"))
		return LK_Q931_CAUSE_RESOURCES;

	return LK_Q931_CAUSE_NORMAL;
}

/*
 * Release Complete of our own to `to`: cause and reason (an H.225.0
 * ReleaseCompleteReason name; another text is undefinedReason), and the
 * call's callIdentifier.
 */
static void call_release_cause(struct cs_call *call,
			       enum lk_sigcall_side to, const char *reason,
			       uint8_t cause)
{
	struct lk_h323_callsig *cs = call->cs;
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v;
	struct lk_q931 m;
	size_t len;

	if (!call->leg[to] || call->released[to])
		return;
	call->released[to] = true;
	lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
	uu = lk_h225_uu_new(&ar, "releaseComplete", &body);
	v = body ? lk_asn_set(&ar, body, "reason") : NULL;
	if (v && !lk_asn_set(&ar, v, reason)) {
		reason = "undefinedReason";
		v = lk_asn_set(&ar, body, "reason");
		if (v)
			v = lk_asn_set(&ar, v, reason);
	}
	v = v ? lk_asn_set(&ar, body, "callIdentifier") : NULL;
	v = v ? lk_asn_set(&ar, v, "guid") : NULL;
	if (!v || lk_asn_set_octets(&ar, v, call->callid, 16) ||
	    lk_h225_uu_encode(uu, cs->uu + 1, sizeof(cs->uu) - 1, &len)) {
		lk_warn_limited("H.323 call %llu: Release Complete not built",
				(unsigned long long)call->id);
		return;
	}
	cs->uu[0] = LK_Q931_UU_PD;
	lk_q931_init(&m, LK_Q931_RELEASE_COMPLETE, call->crv[to],
		     to == LK_SIGCALL_A);
	if (lk_q931_set_cause(&m, cause ? cause : reason_cause(reason)) ||
	    lk_q931_set(&m, LK_Q931_IE_USER_USER, cs->uu, len + 1) ||
	    !conn_send(call->leg[to], &m))
		lk_warn_limited("H.323 call %llu: Release Complete to the %s "
				"not sent", (unsigned long long)call->id,
				side_name(to));
}

static void call_release(struct cs_call *call, enum lk_sigcall_side to,
			 const char *reason)
{
	call_release_cause(call, to, reason, 0);
}

/* The message in hand if it came from the side other than `to`. */
static const struct lk_q931 *cur_for(const struct cs_call *call,
				     enum lk_sigcall_side to)
{
	return call->cur && call->cur_from != to ? call->cur : NULL;
}

static struct cs_call *call_of(struct lk_sigcall *c)
{
	return lk_sigcall_arg(c);
}

/* Operations of the call layer (call.h), H.323's way. */

static void op_ringing(struct lk_sigcall *c, enum lk_sigcall_side side,
		       uint16_t code)
{
	struct cs_call *call = call_of(c);
	const struct lk_q931 *m = cur_for(call, side);

	(void)code;
	if (m)
		call_forward(call, side, m);
}

static int op_answer(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	struct cs_call *call = call_of(c);
	const struct lk_q931 *m = cur_for(call, side);

	if (m)
		call_forward(call, side, m);
	++call->cs->st.connected;
	lk_hist_observe(&call->cs->st.setup, (double)lk_clock_since(
		lk_clock_ms(), call->started_ms) / 1000.0);

	return 0;
}

static void op_reject(struct lk_sigcall *c, enum lk_sigcall_side side,
		      uint16_t code, const char *reason)
{
	struct cs_call *call = call_of(c);
	const struct lk_q931 *m = cur_for(call, side);

	(void)code;
	if (m && m->type == LK_Q931_RELEASE_COMPLETE &&
	    !call->released[side]) {
		call_forward(call, side, m);
		call->released[side] = true;
		return;
	}
	call_release(call, side, reason);
}

/* H.323 has no acknowledgement of a Connect. */
static void op_ack(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	(void)c;
	(void)side;
}

static void op_bye(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	op_reject(c, side, 0, "undefinedReason");
}

static void op_cancel(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	op_bye(c, side);
}

static void op_ended(struct lk_sigcall *c, const char *why)
{
	struct cs_call *call = call_of(c);
	unsigned s;

	lk_info("H.323 call %llu to %s ended: %s",
		(unsigned long long)call->id, call->dest, why);
	if (call->answer_tmr)
		evtimer_del(call->answer_tmr);
	for (s = 0; s < 2; s++) {
		struct cs_conn *conn = call->leg[s];

		if (!conn)
			continue;
		call->leg[s] = NULL;
		conn->call = NULL;
		conn_close(conn, why);
	}
	call->h245[0] = mem_deref(call->h245[0]);
	call->h245[1] = mem_deref(call->h245[1]);
	lk_h323_callmedia_end(call->media);
	call->media = mem_deref(call->media);
	if (call->cs->st.active_calls)
		--call->cs->st.active_calls;
	list_unlink(&call->le);
	mem_deref(call);		/* the list's; a handler holds one */
}

static const struct lk_sigcall_ops call_ops = {
	.ringing = op_ringing,
	.answer = op_answer,
	.reject = op_reject,
	.ack = op_ack,
	.cancel = op_cancel,
	.bye = op_bye,
	.ended = op_ended,
};

/*
 * `side`'s connection is gone, or failed: the other side is released and
 * the call ends.  Before the callee answered, a callee that is gone is
 * "unreachableDestination" to the caller.
 */
static void call_lost(struct cs_call *call, enum lk_sigcall_side side,
		      const char *why)
{
	char line[160];

	call->released[side] = true;
	call->cur = NULL;
	snprintf(line, sizeof(line), "the %s's connection: %s",
		 side_name(side), why);
	if (side == LK_SIGCALL_B && lk_sigcall_pending(&call->sc)) {
		++call->cs->st.unreachable;
		lk_sigcall_refused(&call->sc, 503, "unreachableDestination",
				   line);
		return;
	}
	lk_sigcall_terminate(&call->sc, line);
}

/*
 * Give up the list's reference, once: no callback of its bufferevent
 * runs after it (a handler may still hold a reference of its own).
 */
static void conn_drop(struct cs_conn *conn)
{
	if (conn->dropped)
		return;
	conn->dropped = true;
	bufferevent_setcb(conn->bev, NULL, NULL, NULL, NULL);
	bufferevent_disable(conn->bev, EV_READ | EV_WRITE);
	mem_deref(conn);
}

/* The last message is written: free the connection. */
static void conn_flushed(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_drop(arg);
}

/* An error, the peer's close or the flush timeout while flushing. */
static void conn_flush_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_drop(arg);
}

static void conn_close(struct cs_conn *conn, const char *why)
{
	struct timeval tv = { FLUSH_TIMEOUT, 0 };
	char a[32];

	if (conn->closing)
		return;
	conn->closing = true;
	/* A held callee's call is over: its SCI is repeated no more. */
	if (conn->held && conn->cs->cfg.scih)
		(void)conn->cs->cfg.scih(&conn->peer, conn->callid, true,
					 conn->cs->cfg.arg);
	conn->held = false;
	lk_debug("H.323 %s connection %s closed: %s", side_name(conn->side),
		 addr_str(&conn->peer, a, sizeof(a)), why);
	if (conn->call) {
		struct cs_call *call = conn->call;

		conn->call = NULL;
		call->leg[conn->side] = NULL;
		call_lost(call, conn->side, why);
	}
	bufferevent_disable(conn->bev, EV_READ);
	if (!conn->connected ||
	    !evbuffer_get_length(bufferevent_get_output(conn->bev))) {
		conn_drop(conn);
		return;
	}
	bufferevent_set_timeouts(conn->bev, NULL, &tv);
	bufferevent_setcb(conn->bev, NULL, conn_flushed, conn_flush_event,
			  conn);
}

/*
 * The alias as "user@host" for the dial plan: dialedDigits and h323-ID
 * without '@' are a user and no host; url-ID loses its scheme ("h323:");
 * email-ID and anything with '@' split at the last '@'.  False for the
 * aliases with no text (transportID, partyNumber...).
 */
static bool alias_text(const struct lk_asn_val *alias, char *user,
		       size_t usz, char *host, size_t hsz)
{
	const char *kind = lk_asn_choice_name(alias);
	char buf[260], *s = buf, *at, *colon;

	if (!kind || (strcmp(kind, "dialledDigits") &&
		      strcmp(kind, "h323-ID") && strcmp(kind, "url-ID") &&
		      strcmp(kind, "email-ID")))
		return false;
	if (!alias->u.choice.v || !alias->u.choice.v->type ||
	    alias->u.choice.v->type->kind != LK_ASN_STRING)
		return false;
	lk_asn_str_ascii(alias->u.choice.v, buf, sizeof(buf));
	colon = strchr(s, ':');
	at = strrchr(s, '@');
	if (!strcmp(kind, "url-ID") && colon && (!at || colon < at))
		s = colon + 1;
	at = strrchr(s, '@');
	if (at) {
		*at = '\0';
		snprintf(host, hsz, "%s", at + 1);
	}
	else {
		*host = '\0';
	}
	snprintf(user, usz, "%s", s);

	return *user || *host;
}

/*
 * The first dial plan route, in order, that an H.323 call may take for
 * "user@host": a host route with transport h323, or a `zone N` route
 * (the zone's H.323 side).  NULL: none.
 */
static const struct lk_route_conf *route_find(const struct lk_conf *conf,
					      const char *user,
					      const char *host)
{
	char s[530];
	unsigned i;
	int n;

	n = snprintf(s, sizeof(s), "%s@%s", user, host);
	if (n < 0 || (size_t)n >= sizeof(s))
		return NULL;
	for (i = 0; i < conf->nroutes && i < LK_ROUTES_MAX; i++) {
		const struct lk_route_conf *r = &conf->routes[i];

		if ((r->kind == LK_ROUTE_ZONE ||
		     r->transport == LK_ROUTE_H323) &&
		    lk_route_glob(r->pattern, s, (size_t)n))
			return r;
	}

	return NULL;
}

/* A Setup's callee: 0 with its call signalling address, or ENOENT. */
static int call_route(struct cs_call *call, const struct lk_asn_val *setup,
		      const struct lk_q931 *m, struct sockaddr_in *dst,
		      char *how, size_t hsz)
{
	struct lk_h323_callsig *cs = call->cs;
	const struct lk_asn_val *dests = lk_asn_get(setup,
						    "destinationAddress");
	const struct lk_route_conf *rc;
	char user[260], host[260], digits[64];
	uint8_t typeplan;
	size_t i, n = dests ? dests->u.list.n : 0;

	for (i = 0; i < n && !call->dest[0]; i++) {
		if (alias_text(&dests->u.list.v[i], user, sizeof(user), host,
			       sizeof(host)))
			snprintf(call->dest, sizeof(call->dest), "%.80s%s%.70s",
				 user, *host ? "@" : "", host);
	}
	if (n && cs->cfg.locateh && !cs->cfg.locateh(dests, dst,
						     cs->cfg.arg)) {
		++cs->st.routed_registered;
		snprintf(how, hsz, "a registered alias");
		return 0;
	}
	/* H.225.0 7.3.1: the called party number may name the callee. */
	if (!lk_q931_number(m, LK_Q931_IE_CALLED, &typeplan, digits,
			    sizeof(digits)) && !call->dest[0])
		snprintf(call->dest, sizeof(call->dest), "%.63s", digits);
	for (i = 0; i <= n; i++) {
		if (i < n) {
			if (!alias_text(&dests->u.list.v[i], user,
					sizeof(user), host, sizeof(host)))
				continue;
		}
		else if (!lk_q931_number(m, LK_Q931_IE_CALLED, &typeplan,
					 digits, sizeof(digits))) {
			snprintf(user, sizeof(user), "%s", digits);
			host[0] = '\0';
		}
		else {
			break;
		}
		rc = route_find(cs->cfg.conf, user, host);
		if (!rc)
			continue;
		if (rc->kind == LK_ROUTE_ZONE) {
			/* The zone's H.323 side (zone.h). */
			if (!cs->cfg.zoneh ||
			    cs->cfg.zoneh(rc->zone, dst, cs->cfg.arg)) {
				lk_warn_limited("Route %u: traversal zone %u "
						"is not registered: H.323 "
						"call not routed there",
						rc->number, rc->zone);
				continue;
			}
			++cs->st.routed_zone;
			snprintf(how, hsz, "Route %u, traversal zone %u",
				 rc->number, rc->zone);
			return 0;
		}
		memset(dst, 0, sizeof(*dst));
		dst->sin_family = AF_INET;
		dst->sin_port = htons(rc->port);
		if (inet_pton(AF_INET, rc->host, &dst->sin_addr) != 1) {
			lk_warn_limited("Route %u: %s is not an IPv4 address; "
					"H.323 is served over IPv4 only",
					rc->number, rc->host);
			continue;
		}
		++cs->st.routed_dialplan;
		snprintf(how, hsz, "Route %u", rc->number);
		return 0;
	}
	if (!call->dest[0])
		snprintf(call->dest, sizeof(call->dest), "(no alias)");

	return ENOENT;
}

static void conn_event(struct bufferevent *bev, short what, void *arg);

static int conn_alloc(struct cs_conn **connp, struct lk_h323_callsig *cs,
		      struct bufferevent *bev, enum lk_sigcall_side side,
		      const struct sockaddr_in *peer)
{
	struct cs_conn *conn = mem_zalloc(sizeof(*conn), conn_destructor);

	if (!conn) {
		bufferevent_free(bev);
		return ENOMEM;
	}
	conn->cs = cs;
	conn->bev = bev;
	conn->side = side;
	conn->peer = *peer;
	list_append(&cs->conns, &conn->le, conn);
	++cs->st.active_conns;
	bufferevent_setcb(bev, conn_read, NULL, conn_event, conn);
	bufferevent_setwatermark(bev, EV_READ, 0, READ_HIGH);
	*connp = conn;

	return 0;
}

/* Open the callee's leg from the Call signaling port range (seed P). */
static int call_connect(struct cs_call *call, const struct sockaddr_in *dst)
{
	struct lk_h323_callsig *cs = call->cs;
	struct timeval tv = { cs->cfg.setup_timeout, 0 };
	struct lk_h323_tcp_bind ob = { &cs->local, -1 };
	struct bufferevent *bev;
	struct cs_conn *conn;
	uint16_t port;
	int err;

	if (cs->local.sin_family != AF_INET)
		return EAFNOSUPPORT;
	err = lk_portalloc_take_bound(cs->outports, lk_h323_tcp_bind, &ob, &port);
	if (err)
		return err;
	bev = bufferevent_socket_new(cs->base, ob.fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		close(ob.fd);
		(void)lk_portalloc_give(cs->outports, port);
		return ENOMEM;
	}
	err = conn_alloc(&conn, cs, bev, LK_SIGCALL_B, dst);
	if (err) {
		(void)lk_portalloc_give(cs->outports, port);
		return err;
	}
	conn->out_port = port;
	conn->outgoing = true;
	conn->call = call;
	call->leg[LK_SIGCALL_B] = conn;
	/* libevent's write timeout bounds the connect. */
	bufferevent_set_timeouts(bev, NULL, &tv);
	if (bufferevent_socket_connect(bev, (struct sockaddr *)dst,
				       sizeof(*dst)) < 0) {
		call->leg[LK_SIGCALL_B] = NULL;
		conn->call = NULL;
		mem_deref(conn);
		return ECONNREFUSED;
	}
	bufferevent_enable(bev, EV_READ);
	++cs->st.conn_out;

	return 0;
}

/* H.460.18: the endpoint did not connect in time. */
static void hold_expired(evutil_socket_t fd, short what, void *arg)
{
	struct cs_conn *conn = arg;

	(void)fd;
	(void)what;
	++conn->cs->st.timeouts;
	mem_ref(conn);
	conn_close(conn, "the H.460.18 endpoint did not connect in time");
	mem_deref(conn);
}

/*
 * H.460.18 8.3: the callee is told by SCI (already sent) and will connect
 * to us; until then its leg is a connection with no socket whose output
 * keeps what is sent to it (the Setup).
 */
static int call_hold(struct cs_call *call, const struct sockaddr_in *dst)
{
	struct lk_h323_callsig *cs = call->cs;
	struct timeval tv = { cs->cfg.setup_timeout, 0 };
	struct bufferevent *bev;
	struct cs_conn *conn;
	int err;

	bev = bufferevent_socket_new(cs->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!bev)
		return ENOMEM;
	err = conn_alloc(&conn, cs, bev, LK_SIGCALL_B, dst);
	if (err)
		return err;
	bufferevent_disable(bev, EV_READ | EV_WRITE);
	conn->held = true;
	memcpy(conn->callid, call->callid, 16);
	conn->hold = evtimer_new(cs->base, hold_expired, conn);
	if (!conn->hold || evtimer_add(conn->hold, &tv) < 0) {
		mem_deref(conn);
		return ENOMEM;
	}
	conn->call = call;
	call->leg[LK_SIGCALL_B] = conn;
	call->h46018 = true;
	++cs->st.h46018_held;

	return 0;
}

/*
 * The callee: an H.460.18 registration is sent an SCI and its leg held
 * (cfg.scih says which), any other is connected to.
 */
static int call_reach(struct cs_call *call, const struct sockaddr_in *dst)
{
	struct lk_h323_callsig *cs = call->cs;
	int err = ENOENT;

	if (cs->cfg.scih)
		err = cs->cfg.scih(dst, call->callid, false, cs->cfg.arg);
	if (err == ENOENT)
		return call_connect(call, dst);
	if (err && err != EALREADY)
		return err;

	return call_hold(call, dst);
}

/*
 * H.460.18 8.3: a Facility on a new connection with the callIdentifier of
 * a held call, from the held endpoint's address: the connection becomes
 * the callee's leg and gets what was queued (the Setup).  False when no
 * held call matches.
 */
static bool call_pickup(struct cs_conn *conn, const struct lk_asn_val *uu)
{
	struct lk_h323_callsig *cs = conn->cs;
	struct cs_conn *held = NULL;
	struct cs_call *call = NULL;
	struct evbuffer *q;
	uint8_t id[16];
	struct le *le;
	size_t n;
	char a[32];

	if (conn->outgoing || lk_h46018_facility_callid(uu, id))
		return false;
	for (le = list_head(&cs->calls); le; le = le->next) {
		call = le->data;
		held = call->leg[LK_SIGCALL_B];
		if (held && held->held && !memcmp(call->callid, id, 16) &&
		    held->peer.sin_addr.s_addr == conn->peer.sin_addr.s_addr)
			break;
		held = NULL;
	}
	if (!held)
		return false;
	/*
	 * Copied, not moved: a socket bufferevent's output is frozen at its
	 * front (only its socket drains it); the held leg goes next anyway.
	 */
	q = bufferevent_get_output(held->bev);
	n = evbuffer_get_length(q);
	if (n && evbuffer_add(bufferevent_get_output(conn->bev),
			      evbuffer_pullup(q, (ev_ssize_t)n), n) < 0)
		return false;
	if (cs->cfg.scih)
		(void)cs->cfg.scih(&held->peer, id, true, cs->cfg.arg);
	held->call = NULL;
	held->held = false;
	conn->side = LK_SIGCALL_B;
	conn->call = call;
	call->leg[LK_SIGCALL_B] = conn;
	/* The call holds the connection now: no Setup timeout. */
	bufferevent_set_timeouts(conn->bev, NULL, NULL);
	conn_close(held, "picked up");
	++cs->st.h46018_picked;
	lk_info("H.323 call %llu to %s: the H.460.18 endpoint connected from "
		"%s, Setup sent", (unsigned long long)call->id, call->dest,
		addr_str(&conn->peer, a, sizeof(a)));

	return true;
}

/*
 * The callee did not connect within answer_timeout: both sides released
 * (causes: callsig.h, LK_H323_ANSWER_TIMEOUT), the call ends.
 */
static void answer_expired(evutil_socket_t fd, short what, void *arg)
{
	struct cs_call *call = arg;
	struct lk_h323_callsig *cs = call->cs;
	char why[96];

	(void)fd;
	(void)what;
	if (!lk_sigcall_pending(&call->sc))
		return;
	mem_ref(call);
	++cs->st.no_answer;
	snprintf(why, sizeof(why), "no answer within %u s (%s)",
		 cs->cfg.answer_timeout, call->alerted ? "alerted" :
		 "not even alerted");
	call_release_cause(call, LK_SIGCALL_A, "undefinedReason",
			   call->alerted ? LK_Q931_CAUSE_NO_ANSWER :
			   LK_Q931_CAUSE_NO_USER_RESPONDING);
	call_release_cause(call, LK_SIGCALL_B, "undefinedReason",
			   LK_Q931_CAUSE_TIMER_EXPIRY);
	lk_sigcall_end(&call->sc, why);
	mem_deref(call);
}

/* A Setup on a connection with no call: route it and call the callee. */
static void setup_handle(struct cs_conn *conn, const struct lk_q931 *m,
			 struct lk_asn_arena *ar, struct lk_asn_val *uu)
{
	struct lk_h323_callsig *cs = conn->cs;
	struct timeval answer_tv = { cs->cfg.answer_timeout, 0 };
	const struct lk_asn_val *setup, *v;
	struct sockaddr_in dst;
	struct cs_call *call;
	struct lk_q931 fw;
	char how[200], a[32], b[32];
	int err;

	setup = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup");
	v = setup ? lk_asn_get(setup, "callIdentifier.guid") : NULL;
	if (!v || v->u.str.len != 16 || m->crv_flag || m->crv_len != 2) {
		++cs->st.unexpected;
		lk_warn_limited("H.323 Setup from %s without a UU-PDU setup, "
				"callIdentifier or caller's call reference: "
				"dropped", addr_str(&conn->peer, a, sizeof(a)));
		return;
	}
	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call) {
		conn_close(conn, "out of memory");
		return;
	}
	mem_ref(call);			/* this function's, the list has one */
	call->cs = cs;
	call->id = ++cs->next_id;
	call->started_ms = lk_clock_ms();
	memcpy(call->callid, v->u.str.p, 16);
	call->crv[LK_SIGCALL_A] = m->crv;
	/* Q.931 4.3: our own reference towards the callee, never 0. */
	cs->next_crv = (uint16_t)((cs->next_crv % 0x7fff) + 1);
	call->crv[LK_SIGCALL_B] = cs->next_crv;
	call->leg[LK_SIGCALL_A] = conn;
	conn->call = call;
	lk_sigcall_init(&call->sc, &call_ops, call);
	list_append(&cs->calls, &call->le, call);
	++cs->st.calls;
	++cs->st.active_calls;
	/* The call holds the connection now: no Setup timeout any more. */
	bufferevent_set_timeouts(conn->bev, NULL, NULL);

	if (call_route(call, setup, m, &dst, how, sizeof(how))) {
		++cs->st.not_found;
		lk_info("H.323 call %llu from %s to %s: no registered alias "
			"and no H.323 route of the dial plan",
			(unsigned long long)call->id,
			addr_str(&conn->peer, a, sizeof(a)), call->dest);
		lk_sigcall_fail(&call->sc, 404, "calledPartyNotRegistered",
				"calledPartyNotRegistered");
		goto out;
	}
	err = call_reach(call, &dst);
	if (err) {
		++cs->st.conn_failed;
		++cs->st.unreachable;
		lk_info("H.323 call %llu to %s (%s): cannot connect to %s: %s",
			(unsigned long long)call->id, call->dest, how,
			addr_str(&dst, b, sizeof(b)), strerror(err));
		lk_sigcall_fail(&call->sc, 503, "unreachableDestination",
				"unreachableDestination");
		goto out;
	}
	lk_info("H.323 call %llu from %s to %s: %s, %s from port %u",
		(unsigned long long)call->id,
		addr_str(&conn->peer, a, sizeof(a)), call->dest, how,
		addr_str(&dst, b, sizeof(b)),
		call->leg[LK_SIGCALL_B]->out_port);
	call_h46019(call, setup, &dst);
	(void)call_media_alloc(call);
	fw = *media_msg(call, LK_SIGCALL_A, m, ar, uu, &fw);
	fw.crv = call->crv[LK_SIGCALL_B];
	fw.crv_flag = false;
	if (!conn_send(call->leg[LK_SIGCALL_B], &fw)) {
		lk_sigcall_fail(&call->sc, 503, "unreachableDestination",
				"the Setup could not be queued");
		goto out;
	}
	lk_sigcall_offer_sent(&call->sc);
	call->answer_tmr = evtimer_new(cs->base, answer_expired, call);
	if (!call->answer_tmr || evtimer_add(call->answer_tmr, &answer_tv)) {
		lk_sigcall_terminate(&call->sc, "no answer timer: out of "
				     "memory");
		goto out;
	}

 out:
	mem_deref(call);
}

/*
 * Media through the relay (docs/h323.md, "Media") is callmedia.c's: a
 * call's messages go to it as they come, and it rewrites their media
 * addresses.  Its h245Addresses come back here (call_control()): each
 * becomes a listener of ours (h245proxy.c) whose connection is relayed
 * to the real one, each message through callmedia.c again.
 */

/* lk_h323_h245proxy_msg_h: one message on a separate H.245 connection. */
static const uint8_t *call_h245_msg(enum lk_sigcall_side from,
				    const uint8_t *pdu, size_t len,
				    size_t *olen, void *arg)
{
	struct cs_call *call = arg;
	struct lk_h323_callsig *cs = call->cs;
	struct lk_asn_arena ar;

	lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
	if (lk_h323_callmedia_h245(call->media, from, &ar, pdu, len,
				   cs->h245_out, sizeof(cs->h245_out), olen)) {
		/* Not transcribed (H.245 8.x of other systems): as it came. */
		*olen = len;
		return pdu;
	}

	return cs->h245_out;
}

/*
 * `owner` gave `target` as its h245Address: a listener of ours for the
 * other side to be told instead (one per owner; a new target replaces
 * the old one for the next connection).
 */
static int h245_listen(struct cs_call *call, enum lk_sigcall_side owner,
		       const struct sockaddr_in *target)
{
	struct lk_h323_callsig *cs = call->cs;
	struct lk_h323_h245proxy_conf hc = {
		.base = cs->base, .ports = cs->outports, .local = cs->local,
		.call = call->id, .owner = owner, .msgh = call_h245_msg,
		.arg = call, .malformed = &cs->st.malformed,
	};
	int err;

	if (call->h245[owner]) {
		lk_h323_h245proxy_retarget(call->h245[owner], target);
		return 0;
	}
	err = lk_h323_h245proxy_alloc(&call->h245[owner], &hc, target);
	if (err)
		lk_warn_limited("H.323 call %llu: no H.245 listener for the "
				"%s: %s; its h245Address goes on unchanged",
				(unsigned long long)call->id,
				side_name(owner), strerror(err));

	return err;
}

/*
 * lk_h323_callmedia_control_h: an h245Address from `from` is replaced by
 * a listener of ours, unless it is ours already (echoed back).
 */
static bool call_control(enum lk_sigcall_side from, struct sockaddr_in *addr,
			 bool rewrite, void *arg)
{
	struct cs_call *call = arg;
	struct lk_h323_callsig *cs = call->cs;
	struct lk_h323_h245proxy *h = call->h245[from];

	/* Towards an H.460.18 callee: its H.245 comes to our 2777. */
	bool h46018 = call->h46018 && from == LK_SIGCALL_A &&
		      cs->cfg.h46018_port;

	if (h && addr->sin_addr.s_addr == cs->local.sin_addr.s_addr &&
	    (ntohs(addr->sin_port) == lk_h323_h245proxy_port(h) ||
	     (h46018 && ntohs(addr->sin_port) == cs->cfg.h46018_port)))
		return false;
	if (!rewrite)
		return true;
	if (h245_listen(call, from, addr))
		return false;	/* left as it is: said in the log */
	addr->sin_addr = cs->local.sin_addr;
	addr->sin_port = htons(h46018 ? cs->cfg.h46018_port :
			       lk_h323_h245proxy_port(call->h245[from]));

	return true;
}

/*
 * H.460.19 (h46019.h): the caller is a media traversal client when its
 * Setup names feature 19, the callee when its registration did.  Media
 * of a client that supports multiplexing is multiplexed when this relay
 * has the multiplexed ports (seed footnote **: the Expressway).
 */
static void call_h46019(struct cs_call *call, const struct lk_asn_val *setup,
			const struct sockaddr_in *dst)
{
	struct lk_h323_callsig *cs = call->cs;
	const struct lk_conf *conf = cs->cfg.conf;
	bool mux_here = conf && conf->role == LK_ROLE_EXPRESSWAY &&
			conf->nmux > 0;
	bool mux = false;
	unsigned s;

	call->h46019[LK_SIGCALL_A] = lk_h46019_feature(setup, &mux, NULL);
	call->h46019_mux[LK_SIGCALL_A] = mux && mux_here;
	mux = false;
	call->h46019[LK_SIGCALL_B] = cs->cfg.h46019h &&
		cs->cfg.h46019h(dst, &mux, cs->cfg.arg);
	call->h46019_mux[LK_SIGCALL_B] = mux && mux_here;
	for (s = 0; s < 2; s++) {
		cs->st.h46019_sides += call->h46019[s];
		cs->st.h46019_mux += call->h46019[s] && call->h46019_mux[s];
	}
}

/* The call's media glue, once both legs are known; false without one. */
static bool call_media_alloc(struct cs_call *call)
{
	struct lk_h323_callsig *cs = call->cs;
	struct lk_h323_callmedia_conf mc = {
		.media = cs->cfg.media, .local = cs->local,
		.callid = call->callid, .call = call->id,
		.controlh = call_control, .arg = call,
	};
	int err;

	if (!cs->cfg.media || cs->local.sin_family != AF_INET)
		return false;
	mc.peer[LK_SIGCALL_A] = call->leg[LK_SIGCALL_A]->peer;
	mc.peer[LK_SIGCALL_B] = call->leg[LK_SIGCALL_B]->peer;
	/*
	 * Behind a firewall that lets nothing in: a callee told by SCI (an
	 * H.460.18 endpoint, a zone's Control), a caller that is a zone's
	 * Control.  The relay waits for their media (seed "N").
	 */
	mc.nat_wait[LK_SIGCALL_B] = call->h46018;
	mc.nat_wait[LK_SIGCALL_A] = cs->cfg.zone_clienth &&
		cs->cfg.zone_clienth(&mc.peer[LK_SIGCALL_A], cs->cfg.arg);
	memcpy(mc.h46019, call->h46019, sizeof(mc.h46019));
	memcpy(mc.h46019_mux, call->h46019_mux, sizeof(mc.h46019_mux));
	mc.h46019_keepalive = cs->cfg.h46019_keepalive ?
		cs->cfg.h46019_keepalive : LK_H46019_KEEPALIVE;
	mc.h46019_bad = &cs->st.h46019_bad;
	err = lk_h323_callmedia_alloc(&call->media, &mc);
	if (err)
		lk_warn_limited("H.323 call %llu: media not through the "
				"relay: %s", (unsigned long long)call->id,
				strerror(err));

	return !err;
}

/*
 * The UU-PDU `uu` from `from`, its media addresses through the relay:
 * true with the new H323-UserInformation (its protocol discriminator
 * first) in cs->uu_fw[0..*lenp), false to pass the message as it came.
 */
static bool media_pass(struct cs_call *call, enum lk_sigcall_side from,
		       struct lk_asn_arena *ar, struct lk_asn_val *uu,
		       size_t *lenp)
{
	struct lk_h323_callsig *cs = call->cs;
	bool changed = false;
	size_t len;

	if (!call->media || !uu)
		return false;
	if (lk_h323_callmedia_uu(call->media, from, ar, uu, &changed) ||
	    !changed)
		return false;
	cs->uu_fw[0] = LK_Q931_UU_PD;
	if (lk_h225_uu_encode(uu, cs->uu_fw + 1, sizeof(cs->uu_fw) - 1,
			      &len))
		return false;
	*lenp = len + 1;

	return true;
}

/* `m` with the user-user IE media_pass() made, into *fw. */
static const struct lk_q931 *media_msg(struct cs_call *call,
				       enum lk_sigcall_side from,
				       const struct lk_q931 *m,
				       struct lk_asn_arena *ar,
				       struct lk_asn_val *uu,
				       struct lk_q931 *fw)
{
	size_t len;

	if (!media_pass(call, from, ar, uu, &len))
		return m;
	*fw = *m;
	if (lk_q931_set(fw, LK_Q931_IE_USER_USER, call->cs->uu_fw, len))
		return m;

	return fw;
}

/* A message on a leg of `call`. */
static void call_msg(struct cs_call *call, enum lk_sigcall_side from,
		     const struct lk_q931 *m, struct lk_asn_arena *ar,
		     struct lk_asn_val *uu)
{
	struct lk_h323_callsig *cs = call->cs;
	enum lk_sigcall_side to = other(from);
	struct lk_q931 fw;
	char why[64];

	if (m->crv_len != 2 || m->crv != call->crv[from] ||
	    m->crv_flag != (from == LK_SIGCALL_B)) {
		++cs->st.unexpected;
		lk_warn_limited("H.323 call %llu: %s from the %s with call "
				"reference %u, not %u: dropped",
				(unsigned long long)call->id,
				lk_q931_type_name(m->type), side_name(from),
				m->crv, call->crv[from]);
		return;
	}
	m = media_msg(call, from, m, ar, uu, &fw);
	call->cur = m;
	call->cur_from = from;
	switch (m->type) {

	case LK_Q931_SETUP:
		++cs->st.unexpected;
		break;

	case LK_Q931_CALL_PROCEEDING:
	case LK_Q931_ALERTING:
	case LK_Q931_PROGRESS:
		if (from != LK_SIGCALL_B || !lk_sigcall_pending(&call->sc)) {
			call_forward(call, to, m);
			break;
		}
		if (m->type == LK_Q931_ALERTING)
			call->alerted = true;
		/* Call Proceeding is 100: the call layer passes no 100 on. */
		lk_sigcall_provisional(&call->sc,
				       m->type == LK_Q931_ALERTING ? 180 :
				       m->type == LK_Q931_PROGRESS ? 183 : 100);
		if (m->type == LK_Q931_CALL_PROCEEDING &&
		    !lk_sigcall_final_sent(&call->sc))
			call_forward(call, to, m);
		break;

	case LK_Q931_CONNECT:
		if (from != LK_SIGCALL_B || !lk_sigcall_pending(&call->sc)) {
			++cs->st.unexpected;
			break;
		}
		if (call->answer_tmr)
			evtimer_del(call->answer_tmr);
		lk_sigcall_answered(&call->sc);
		break;

	case LK_Q931_RELEASE_COMPLETE:
		call->released[from] = true;
		snprintf(why, sizeof(why), "Release Complete from the %s",
			 side_name(from));
		if (from == LK_SIGCALL_B && lk_sigcall_pending(&call->sc))
			lk_sigcall_refused(&call->sc, 480, "undefinedReason",
					   why);
		else
			lk_sigcall_terminate(&call->sc, why);
		break;

	default:
		/* Facility, Information, Notify, Status...: passed on. */
		call_forward(call, to, m);
		break;
	}
	call->cur = NULL;
}

/* One TPKT's payload from `conn`; false when the connection is closed. */
static bool conn_msg(struct cs_conn *conn, const uint8_t *p, size_t len)
{
	struct lk_h323_callsig *cs = conn->cs;
	struct lk_asn_arena ar;
	struct lk_asn_val *uu = NULL;
	struct cs_call *call;
	struct lk_q931 m;
	const uint8_t *u;
	size_t off = 0, ulen, errbit = 0;
	char a[32];
	int err;

	if (!len) {
		++cs->st.keepalives;	/* H.460.18: an empty TPKT */
		return true;
	}
	++cs->st.messages;
	err = lk_q931_decode(&m, p, len, &off);
	if (!err) {
		lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
		err = lk_q931_uu(&m, &u, &ulen);
		if (err == ENOENT)
			err = 0;	/* H.225.0 allows a few without */
		else if (!err)
			err = lk_h225_uu_decode(u, ulen, &ar, &uu, &errbit);
	}
	if (err) {
		++cs->st.malformed;
		lk_warn_limited("H.323 %s %s: a %zu-octet message that is not "
				"H.225.0 (%s at octet %zu, UU bit %zu): "
				"connection closed", side_name(conn->side),
				addr_str(&conn->peer, a, sizeof(a)), len,
				strerror(err), off, errbit);
		conn_close(conn, "malformed message");
		return false;
	}
	call = conn->call;
	if (!call) {
		if (m.type == LK_Q931_SETUP && uu &&
		    (!conn->outgoing || conn->pickup))
			setup_handle(conn, &m, &ar, uu);
		else if (!(m.type == LK_Q931_FACILITY && uu &&
			   call_pickup(conn, uu))) {
			++cs->st.unexpected;
			lk_debug("H.323 %s from %s, which has no call: "
				 "dropped", lk_q931_type_name(m.type),
				 addr_str(&conn->peer, a, sizeof(a)));
		}
		return !conn->closing;
	}
	mem_ref(call);
	call_msg(call, conn->side, &m, &ar, uu);
	mem_deref(call);

	return !conn->closing;
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct cs_conn *conn = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	mem_ref(conn);
	while (!conn->closing) {
		size_t n = evbuffer_get_length(in), pdu = 0;
		uint8_t hdr[LK_TPKT_HDR], *p;
		int err;

		if (!n)
			break;
		if (evbuffer_copyout(in, hdr, n < sizeof(hdr) ? n :
				     sizeof(hdr)) < 0)
			break;
		err = lk_tpkt_frame(hdr, n < sizeof(hdr) ? n : sizeof(hdr),
				    &pdu);
		if (err == EAGAIN && n >= LK_TPKT_HDR) {
			pdu = (size_t)hdr[2] << 8 | hdr[3];
			err = n >= pdu ? 0 : EAGAIN;
		}
		if (err == EAGAIN)
			break;
		if (err) {
			char a[32];

			++conn->cs->st.malformed;
			lk_warn_limited("H.323 %s %s: not a TPKT (first "
					"octet 0x%02x): connection closed",
					side_name(conn->side),
					addr_str(&conn->peer, a, sizeof(a)),
					hdr[0]);
			conn_close(conn, "not a TPKT");
			break;
		}
		p = evbuffer_pullup(in, (ev_ssize_t)pdu);
		if (!p || !conn_msg(conn, p + LK_TPKT_HDR, pdu - LK_TPKT_HDR))
			break;
		evbuffer_drain(in, pdu);
	}
	mem_deref(conn);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct cs_conn *conn = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		struct timeval tv = { conn->cs->cfg.setup_timeout, 0 };

		conn->connected = true;
		/* A zone's Expressway has to send its Setup in time. */
		bufferevent_set_timeouts(conn->bev, conn->pickup ? &tv : NULL,
					 NULL);
		return;
	}
	mem_ref(conn);
	if (what & BEV_EVENT_TIMEOUT) {
		++conn->cs->st.timeouts;
		if (conn->outgoing && !conn->connected)
			++conn->cs->st.conn_failed;
		conn_close(conn, conn->outgoing && !conn->connected ?
			   "connect timed out" : "no Setup in time");
	}
	else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		if (conn->outgoing && !conn->connected)
			++conn->cs->st.conn_failed;
		/* Nothing more can be written to it. */
		conn->connected = false;
		conn_close(conn, what & BEV_EVENT_EOF ? "closed by the peer" :
			   "connection lost");
	}
	mem_deref(conn);
}

static void cs_accept(struct evconnlistener *lev, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct lk_h323_callsig *cs = arg;
	struct timeval tv = { cs->cfg.setup_timeout, 0 };
	struct sockaddr_in peer = { 0 };
	struct bufferevent *bev;
	struct cs_conn *conn;

	(void)lev;
	if (sa->sa_family == AF_INET && (size_t)salen >= sizeof(peer))
		memcpy(&peer, sa, sizeof(peer));
	++cs->st.connections;
	if (cs->st.active_conns >= cs->cfg.max_conns) {
		++cs->st.refused;
		lk_warn_limited("H.323 call signalling: %u connections, the "
				"most there may be: one refused",
				cs->st.active_conns);
		evutil_closesocket(fd);
		return;
	}
	bev = bufferevent_socket_new(cs->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		evutil_closesocket(fd);
		return;
	}
	if (conn_alloc(&conn, cs, bev, LK_SIGCALL_A, &peer))
		return;
	conn->connected = true;
	/* A connection must bring its Setup in time (conf: setup_timeout). */
	bufferevent_set_timeouts(bev, &tv, NULL);
	bufferevent_enable(bev, EV_READ);
}

static void cs_destructor(void *arg)
{
	struct lk_h323_callsig *cs = arg;
	struct le *le;

	if (cs->lev)
		evconnlistener_free(cs->lev);
	/* Calls first: ending one does not send (everything is going). */
	while ((le = list_head(&cs->calls))) {
		struct cs_call *call = le->data;

		call->leg[0] = call->leg[1] = NULL;
		list_unlink(&call->le);
		mem_deref(call);
	}
	while ((le = list_head(&cs->conns))) {
		struct cs_conn *conn = le->data;

		list_unlink(&conn->le);
		conn->call = NULL;
		mem_deref(conn);
	}
	mem_deref(cs->outports);
	mem_deref(cs->h245port);
}

int lk_h323_callsig_alloc(struct lk_h323_callsig **csp,
			  struct event_base *base, int fd,
			  const struct lk_h323_callsig_conf *cfg)
{
	struct lk_portalloc_conf pcfg;
	struct lk_h323_callsig *cs;
	int err;

	if (!csp || !base || fd < 0 || !cfg || !cfg->conf)
		return EINVAL;
	cs = mem_zalloc(sizeof(*cs), cs_destructor);
	if (!cs) {
		close(fd);
		return ENOMEM;
	}
	cs->base = base;
	cs->cfg = *cfg;
	if (!cs->cfg.max_conns)
		cs->cfg.max_conns = 4096;
	if (!cs->cfg.setup_timeout)
		cs->cfg.setup_timeout = 30;
	if (!cs->cfg.answer_timeout)
		cs->cfg.answer_timeout = LK_H323_ANSWER_TIMEOUT;
	list_init(&cs->conns);
	list_init(&cs->calls);
	lk_hist_init(&cs->st.setup, lk_hist_call_setup_bounds,
		     lk_hist_call_setup_nbounds);
	/* Over IPv6 (not served yet) no callee can be called: family 0. */
	if (inet_pton(AF_INET, cfg->conf->address, &cs->local.sin_addr) == 1)
		cs->local.sin_family = AF_INET;
	/* Backlog 0: the socket listens already (signalling/listen.c). */
	cs->lev = evconnlistener_new(base, cs_accept, cs,
				     LEV_OPT_CLOSE_ON_FREE, 0, fd);
	if (!cs->lev) {
		close(fd);
		err = ENOMEM;
		goto out;
	}
	if (cfg->h46018_port) {
		err = lk_h323_h245port_alloc(&cs->h245port, base,
					     cfg->h46018_fd,
					     lk_h323_callsig_h245_target, cs);
		if (err)
			goto out;
	}
	err = lk_portalloc_conf_init(&pcfg, cfg->conf,
				     LK_PORTALLOC_H323_CALLSIG);
	if (!err) {
		pcfg.name = "H.323 call signalling";
		err = lk_portalloc_alloc(&cs->outports, &pcfg);
	}

 out:
	if (err)
		mem_deref(cs);
	else
		*csp = cs;

	return err;
}

void lk_h323_callsig_stats(const struct lk_h323_callsig *cs,
			   struct lk_h323_callsig_stats *st)
{
	if (cs && st)
		*st = cs->st;
}

/*
 * lk_h323_h245port_find_h: an H.460.18 callee's H.245 connection to our
 * 2777 (h245port.c) goes to the listener standing for the caller's
 * h245Address.
 */
int lk_h323_callsig_h245_target(const uint8_t callid[16],
				struct sockaddr_in *to, void *arg)
{
	struct lk_h323_callsig *cs = arg;
	struct le *le;

	for (le = list_head(&cs->calls); le; le = le->next) {
		struct cs_call *call = le->data;

		if (!call->h46018 || memcmp(call->callid, callid, 16) ||
		    !call->h245[LK_SIGCALL_A])
			continue;
		*to = cs->local;
		to->sin_port = htons(lk_h323_h245proxy_port(
					     call->h245[LK_SIGCALL_A]));
		return 0;
	}

	return ENOENT;
}

int lk_h323_callsig_routable(const struct lk_conf *conf,
			     const struct lk_asn_val *aliases)
{
	char user[260], host[260];
	size_t i;

	if (!conf || !aliases || !aliases->type ||
	    aliases->type->kind != LK_ASN_SEQOF)
		return ENOENT;
	for (i = 0; i < aliases->u.list.n; i++) {
		if (!alias_text(&aliases->u.list.v[i], user, sizeof(user),
				host, sizeof(host)))
			continue;
		if (route_find(conf, user, host))
			return 0;
	}

	return ENOENT;
}

int lk_h323_callsig_disengage(struct lk_h323_callsig *cs,
			      const uint8_t *callid,
			      const struct sockaddr_in *from,
			      const char *reason)
{
	struct le *le;
	char why[96], a[32];

	if (!cs || !callid || !from)
		return EINVAL;
	LIST_FOREACH(&cs->calls, le) {
		struct cs_call *call = le->data;
		unsigned s;
		bool party = false;

		if (memcmp(call->callid, callid, 16))
			continue;
		for (s = 0; s < 2; s++)
			if (call->leg[s] && call->leg[s]->peer.sin_addr.s_addr
			    == from->sin_addr.s_addr)
				party = true;
		if (!party) {
			lk_warn_limited("H.323 call %llu: a DRQ from %s, "
					"which is neither party: ignored",
					(unsigned long long)call->id,
					addr_str(from, a, sizeof(a)));
			return ENOENT;
		}
		++cs->st.disengaged;
		snprintf(why, sizeof(why), "DRQ (%s) from %s", reason ?
			 reason : "?", addr_str(from, a, sizeof(a)));
		mem_ref(call);
		lk_sigcall_terminate(&call->sc, why);
		mem_deref(call);
		return 0;
	}

	return ENOENT;
}

/* H.460.18 8.3 from the endpoint's side: our Facility naming the call. */
static int facility_queue(struct lk_h323_callsig *cs, struct cs_conn *conn,
			  const uint8_t callid[16])
{
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v;
	uint8_t ubuf[512], out[600];
	struct lk_q931 m;
	size_t ulen, len;
	int err;

	lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
	uu = lk_h225_uu_new(&ar, "facility", &body);
	v = uu ? lk_asn_set(&ar, lk_asn_set(&ar, body, "callIdentifier"),
			    "guid") : NULL;
	if (!v || lk_asn_set_octets(&ar, v, callid, 16) ||
	    !lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			"undefinedReason"))
		return ENOMEM;
	err = lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1, &ulen);
	if (err)
		return err;
	ubuf[0] = LK_Q931_UU_PD;
	/* H.460.18 8.3: the call reference of a call not yet set up, 0. */
	lk_q931_init(&m, LK_Q931_FACILITY, 0, false);
	err = lk_q931_set(&m, LK_Q931_IE_USER_USER, ubuf, ulen + 1);
	if (!err)
		err = lk_q931_encode(&m, true, out, sizeof(out), &len);
	if (!err && bufferevent_write(conn->bev, out, len) < 0)
		err = ENOMEM;
	return err;
}

int lk_h323_callsig_zone_pickup(struct lk_h323_callsig *cs,
				const struct sockaddr_in *csa,
				const uint8_t callid[16])
{
	struct timeval tv;
	struct lk_h323_tcp_bind ob;
	struct bufferevent *bev;
	struct cs_conn *conn;
	uint16_t port;
	char a[32];
	int err;

	if (!cs || !csa || !callid)
		return EINVAL;
	if (cs->local.sin_family != AF_INET)
		return EAFNOSUPPORT;
	tv.tv_sec = cs->cfg.setup_timeout;
	tv.tv_usec = 0;
	ob.local = &cs->local;
	ob.fd = -1;
	err = lk_portalloc_take_bound(cs->outports, lk_h323_tcp_bind, &ob,
				      &port);
	if (err)
		return err;
	bev = bufferevent_socket_new(cs->base, ob.fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		close(ob.fd);
		(void)lk_portalloc_give(cs->outports, port);
		return ENOMEM;
	}
	err = conn_alloc(&conn, cs, bev, LK_SIGCALL_A, csa);
	if (err) {
		(void)lk_portalloc_give(cs->outports, port);
		return err;
	}
	conn->out_port = port;
	conn->outgoing = true;
	conn->pickup = true;
	bufferevent_set_timeouts(bev, NULL, &tv);
	err = facility_queue(cs, conn, callid);
	if (!err && bufferevent_socket_connect(bev, (struct sockaddr *)csa,
					       sizeof(*csa)) < 0)
		err = ECONNREFUSED;
	if (err) {
		mem_deref(conn);
		return err;
	}
	bufferevent_enable(bev, EV_READ);
	++cs->st.conn_out;
	++cs->st.zone_pickups;
	lk_info("H.323: a call by SCI of a traversal zone: connecting to %s "
		"from port %u with its Facility", addr_str(csa, a, sizeof(a)),
		port);
	return 0;
}
