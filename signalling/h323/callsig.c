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
#include "call/route.h"
#include "h323/callsig.h"
#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/q931.h"
#include "h323/ras.h"
#include "log.h"
#include "media.h"
#include "portalloc.h"
#include "sdp.h"

/*
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
	bool connected;
	bool closing;			/* flushing its last message */
	bool dropped;			/* the list's reference is gone */
	uint16_t out_port;		/* from the port range, 0: none */
	struct sockaddr_in peer;
};

/*
 * One media session of a call (H.225.0 sessionID: 1 audio, 2 video, 3
 * data), as fastStart told it: where each side receives RTP and RTCP,
 * and the relay's RTP port each side is to send to (RTCP: + 1).
 */
struct cs_sess {
	uint8_t id;
	const char *media;		/* "audio", "video", "application" */
	struct sockaddr_in rtp[2], rtcp[2];	/* family 0: not told */
	uint16_t relay[2];
};

#define CS_SESS_MAX 4

/*
 * A separate H.245 connection of a call (H.225.0 / H.323 8.2): `owner`
 * gave an h245Address, which the other side was told is ours (a
 * listener from the call signalling range); the other side's connection
 * to it is relayed to the owner's address over a connection of ours.
 */
struct cs_h245 {
	struct cs_call *call;
	enum lk_sigcall_side owner;
	struct sockaddr_in target;	/* the owner's own h245Address */
	struct evconnlistener *lev;
	uint16_t lport;			/* the listener's port */
	uint16_t out_port;		/* ours towards the owner */
	struct bufferevent *bev[2];	/* per side: its connection */
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
	/* Media through the relay (fastStart), named by the callIdentifier. */
	char mid[40];
	bool offered, answered;
	unsigned nsess, noffer;
	struct cs_h245 *h245[2];	/* by owner */
	struct cs_sess sess[CS_SESS_MAX];
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
	uint8_t h245_out[OUT_BYTES];	/* a passed-on H.245 TPKT */
	char sdp[2048], sdp_reply[4096];
};

static void conn_close(struct cs_conn *conn, const char *why);
static void conn_read(struct bufferevent *bev, void *arg);
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
	mem_deref(call->h245[0]);
	mem_deref(call->h245[1]);
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
static void call_release(struct cs_call *call, enum lk_sigcall_side to,
			 const char *reason)
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
	if (lk_q931_set_cause(&m, reason_cause(reason)) ||
	    lk_q931_set(&m, LK_Q931_IE_USER_USER, cs->uu, len + 1) ||
	    !conn_send(call->leg[to], &m))
		lk_warn_limited("H.323 call %llu: Release Complete to the %s "
				"not sent", (unsigned long long)call->id,
				side_name(to));
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
	if (call->offered) {
		struct lk_media_str id = { call->mid, strlen(call->mid) };
		const char *reason = NULL;

		(void)lk_media_delete(call->cs->cfg.media, &id, &reason);
	}
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
		rc = lk_route_find_h323(cs->cfg.conf, user, strlen(user),
					host, strlen(host));
		if (!rc)
			continue;
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

struct outbind {
	const struct sockaddr_in *local;
	int fd;
};

static int outbound_bind(uint16_t port, void *arg)
{
	struct outbind *ob = arg;
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

/* Open the callee's leg from the Call signaling port range (seed P). */
static int call_connect(struct cs_call *call, const struct sockaddr_in *dst)
{
	struct lk_h323_callsig *cs = call->cs;
	struct timeval tv = { cs->cfg.setup_timeout, 0 };
	struct outbind ob = { &cs->local, -1 };
	struct bufferevent *bev;
	struct cs_conn *conn;
	uint16_t port;
	int err;

	if (cs->local.sin_family != AF_INET)
		return EAFNOSUPPORT;
	err = lk_portalloc_take_bound(cs->outports, outbound_bind, &ob, &port);
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

/* A Setup on a connection with no call: route it and call the callee. */
static void setup_handle(struct cs_conn *conn, const struct lk_q931 *m,
			 struct lk_asn_arena *ar, struct lk_asn_val *uu)
{
	struct lk_h323_callsig *cs = conn->cs;
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
	memcpy(call->callid, v->u.str.p, 16);
	for (size_t i = 0; i < 16; i++)
		snprintf(call->mid + 2 * i, 3, "%02x", call->callid[i]);
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
	err = call_connect(call, &dst);
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
	fw = *media_msg(call, LK_SIGCALL_A, m, ar, uu, &fw);
	fw.crv = call->crv[LK_SIGCALL_B];
	fw.crv_flag = false;
	if (!conn_send(call->leg[LK_SIGCALL_B], &fw)) {
		lk_sigcall_fail(&call->sc, 503, "unreachableDestination",
				"the Setup could not be queued");
		goto out;
	}
	lk_sigcall_offer_sent(&call->sc);

 out:
	mem_deref(call);
}

/*
 * Media through the relay (docs/h323.md, "Media"): the fastStart
 * OpenLogicalChannels of a call are its offer (the caller's, in its
 * Setup) and answer (the callee's first message that holds fastStart).
 * Each side's receive addresses go to the media core as the SDP of an
 * ng offer or answer, exactly as a SIP leg's do, and the other side is
 * told the relay's ports instead: the media core allocates, binds and
 * latches them as it does for SIP (relay/media.h).
 */

/* One of the relay's own addresses, as a side echoes it back? */
static bool is_relay(const struct cs_call *call, const struct sockaddr_in *a)
{
	uint16_t port = ntohs(a->sin_port);
	unsigned i, s;

	if (a->sin_addr.s_addr != call->cs->local.sin_addr.s_addr)
		return false;
	for (i = 0; i < call->nsess; i++) {
		for (s = 0; s < 2; s++) {
			uint16_t r = call->sess[i].relay[s];

			if (r && (port == r || port == r + 1))
				return true;
		}
	}

	return false;
}

/* The session an address belongs to (H.225.0 sessionID, else by kind). */
static struct cs_sess *sess_of(struct cs_call *call,
			       const struct lk_h245_addr *a, bool create)
{
	const char *media = "audio";
	struct cs_sess *ss;
	uint8_t id = a->session;
	unsigned i;

	if (a->media && !strcmp(a->media, "video"))
		media = "video";
	else if (a->media && !strcmp(a->media, "data"))
		media = "application";
	if (!id)
		id = media[0] == 'v' ? 2 : media[0] == 'a' &&
		     media[1] == 'p' ? 3 : 1;
	for (i = 0; i < call->nsess; i++)
		if (call->sess[i].id == id)
			return &call->sess[i];
	if (!create || call->nsess == CS_SESS_MAX)
		return NULL;
	ss = &call->sess[call->nsess++];
	memset(ss, 0, sizeof(*ss));
	ss->id = id;
	ss->media = media;

	return ss;
}

struct media_walk {
	struct cs_call *call;
	enum lk_sigcall_side from;
	bool rewrite;			/* else learn */
	unsigned learned;		/* addresses new or changed */
	unsigned control;		/* h245Addresses seen */
};

static bool same_sin(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

static int h245_listen(struct cs_call *call, enum lk_sigcall_side owner,
		       const struct sockaddr_in *target);

/*
 * lk_h245_addr_h: learn where `from` receives, or write the relay's port
 * for the other side over it: media addresses of fastStart, tunnelled
 * H.245 and separate H.245 connections alike.  An h245Address is
 * replaced by a listener of ours (h245_listen()).
 */
static int media_addr(struct lk_h245_addr *a, void *arg)
{
	struct media_walk *w = arg;
	struct cs_call *call = w->call;
	enum lk_sigcall_side to = other(w->from);
	struct sockaddr_in *slot, sin;
	struct cs_h245 *h;
	struct cs_sess *ss;

	sin = a->addr;
	sin.sin_family = AF_INET;
	if (a->kind == LK_H245_CONTROL) {
		h = call->h245[w->from];
		if (h && sin.sin_addr.s_addr == call->cs->local.sin_addr.s_addr
		    && ntohs(sin.sin_port) == h->lport)
			return 0;	/* ours, echoed */
		if (!w->rewrite) {
			w->control++;
			return 0;
		}
		if (h245_listen(call, w->from, &sin))
			return 0;	/* left as it is: said in the log */
		h = call->h245[w->from];
		a->addr.sin_addr = call->cs->local.sin_addr;
		a->addr.sin_port = htons(h->lport);
		return 0;
	}
	if (is_relay(call, &sin))
		return 0;
	ss = sess_of(call, a, !w->rewrite);
	if (!ss)
		return 0;
	if (!w->rewrite) {
		slot = a->kind == LK_H245_MEDIA ? &ss->rtp[w->from]
						: &ss->rtcp[w->from];
		if (!same_sin(slot, &sin)) {
			*slot = sin;
			w->learned++;
		}
		return 0;
	}
	if (!ss->relay[to])
		return 0;
	a->addr.sin_addr = call->cs->local.sin_addr;
	a->addr.sin_port = htons((uint16_t)(ss->relay[to] +
				 (a->kind == LK_H245_MEDIA_CONTROL)));

	return 0;
}

/* Side `side`'s receive addresses as SDP, the first `n` sessions. */
static int media_sdp(struct cs_call *call, enum lk_sigcall_side side,
		     unsigned n, size_t *lenp)
{
	struct lk_h323_callsig *cs = call->cs;
	char ip[INET_ADDRSTRLEN];
	size_t o, cap = sizeof(cs->sdp);
	unsigned i;
	int w;

	inet_ntop(AF_INET, &cs->local.sin_addr, ip, sizeof(ip));
	w = snprintf(cs->sdp, cap, "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\n"
		     "t=0 0\r\n", ip);
	o = (size_t)w;
	for (i = 0; i < n; i++) {
		const struct cs_sess *ss = &call->sess[i];
		const struct sockaddr_in *rtp = &ss->rtp[side];
		const struct sockaddr_in *rtcp = &ss->rtcp[side];
		const struct sockaddr_in *at = rtp->sin_family ? rtp : rtcp;
		unsigned port = 0;

		if (rtp->sin_family)
			port = ntohs(rtp->sin_port);
		else if (rtcp->sin_family && ntohs(rtcp->sin_port) > 1)
			port = ntohs(rtcp->sin_port) - 1u;
		if (at->sin_family)
			inet_ntop(AF_INET, &at->sin_addr, ip, sizeof(ip));
		w = snprintf(cs->sdp + o, cap - o, "m=%s %u RTP/AVP 0\r\n"
			     "c=IN IP4 %s\r\n", ss->media, port, ip);
		if (w < 0 || (size_t)w >= cap - o)
			return ENOSPC;
		o += (size_t)w;
		if (port && rtcp->sin_family &&
		    ntohs(rtcp->sin_port) != port + 1) {
			w = snprintf(cs->sdp + o, cap - o, "a=rtcp:%u\r\n",
				     ntohs(rtcp->sin_port));
			if (w < 0 || (size_t)w >= cap - o)
				return ENOSPC;
			o += (size_t)w;
		}
	}
	*lenp = o;

	return 0;
}

/*
 * One ng request for what `from` told: the caller's as an offer, the
 * callee's as the answer.  The reply's ports are the relay's for the other
 * side.
 */
static int media_request(struct cs_call *call, enum lk_sigcall_side from)
{
	struct lk_h323_callsig *cs = call->cs;
	struct lk_media_req req;
	struct lk_media_reply rep;
	struct lk_sdp sdp;
	struct lk_sdp_error se;
	unsigned i, n;
	size_t len;
	int err;

	n = from == LK_SIGCALL_A ? call->nsess : call->noffer;
	err = media_sdp(call, from, n, &len);
	if (err)
		return err;
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	req.op = from == LK_SIGCALL_A ? LK_MEDIA_OFFER : LK_MEDIA_ANSWER;
	req.call_id.p = call->mid;
	req.call_id.len = strlen(call->mid);
	req.from_tag.p = "A";
	req.from_tag.len = 1;
	req.to_tag.p = "B";
	req.to_tag.len = 1;
	req.sdp = cs->sdp;
	req.sdp_len = len;
	memcpy(&req.received_from, &call->leg[from]->peer,
	       sizeof(call->leg[from]->peer));
	rep.sdp = cs->sdp_reply;
	rep.sdp_size = sizeof(cs->sdp_reply);
	err = lk_media_offer_answer(cs->cfg.media, &req, &rep);
	if (err) {
		lk_warn_limited("H.323 call %llu: the media core refused the "
				"%s's fastStart: %s %s",
				(unsigned long long)call->id, side_name(from),
				rep.error_reason ? rep.error_reason : "",
				rep.detail);
		return err;
	}
	if (from == LK_SIGCALL_A) {
		call->offered = true;
		call->noffer = n;
	}
	else {
		call->answered = true;
	}
	if (lk_sdp_parse(&sdp, &se, rep.sdp, rep.sdp_len))
		return EBADMSG;
	for (i = 0; i < sdp.nmedia && i < n; i++)
		call->sess[i].relay[other(from)] = sdp.media[i].port;

	return 0;
}

/*
 * What `from` told goes to the media core.  The callee's before any
 * offer is not taken (its addresses go out unchanged: docs/h323.md).
 * The caller's after the answer (slow start: its OpenLogicalChannelAck
 * comes last) is a new offer, answered again at once with what the
 * callee told, as a SIP re-INVITE is; the streams keep their ports.
 */
static int media_update(struct cs_call *call, enum lk_sigcall_side from)
{
	int err;

	if (from == LK_SIGCALL_B && !call->offered)
		return ENOENT;
	err = media_request(call, from);
	if (err || from != LK_SIGCALL_A || !call->answered)
		return err;

	return media_request(call, LK_SIGCALL_B);
}

/*
 * The UU-PDU `uu` from `from`, its fastStart addresses through the relay:
 * true with the new H323-UserInformation (its protocol discriminator
 * first) in cs->uu_fw[0..*lenp), false to pass the message as it came.
 */
static bool media_pass(struct cs_call *call, enum lk_sigcall_side from,
		       struct lk_asn_arena *ar, struct lk_asn_val *uu,
		       size_t *lenp)
{
	struct lk_h323_callsig *cs = call->cs;
	struct media_walk w = { call, from, false, 0, 0 };
	unsigned changed = 0;
	size_t len;

	if (!cs->cfg.media || !uu)
		return false;
	if (lk_h225_uu_media_addrs(ar, uu, media_addr, &w, &changed))
		return false;
	if (w.learned && media_update(call, from) == 0)
		lk_debug("H.323 call %llu: the %s's media addresses through "
			 "the relay", (unsigned long long)call->id,
			 side_name(from));
	if (!call->offered && !w.control)
		return false;
	w.rewrite = true;
	if (lk_h225_uu_media_addrs(ar, uu, media_addr, &w, &changed) ||
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

/*
 * Separate H.245 connections (H.323 8.2; seed P: the gatekeeper's H.245
 * ports are in the call signalling range).  Each TPKT is one H.245
 * message: its media addresses go through media_addr() as tunnelled ones
 * do, everything else passes as it came.
 */

static void h245_free_bev(struct cs_h245 *h, enum lk_sigcall_side s)
{
	if (!h->bev[s])
		return;
	bufferevent_free(h->bev[s]);
	h->bev[s] = NULL;
	if (s == h->owner && h->out_port) {
		(void)lk_portalloc_give(h->call->cs->outports, h->out_port);
		h->out_port = 0;
	}
}

/* Both connections closed: the H.245 session is over (the call goes on). */
static void h245_shut(struct cs_h245 *h, const char *why)
{
	lk_debug("H.323 call %llu: H.245 connection closed: %s",
		 (unsigned long long)h->call->id, why);
	h245_free_bev(h, LK_SIGCALL_A);
	h245_free_bev(h, LK_SIGCALL_B);
}

static void h245_destructor(void *arg)
{
	struct cs_h245 *h = arg;

	h245_free_bev(h, LK_SIGCALL_A);
	h245_free_bev(h, LK_SIGCALL_B);
	if (h->lev)
		evconnlistener_free(h->lev);
	if (h->lport)
		(void)lk_portalloc_give(h->call->cs->outports, h->lport);
}

/* One H.245 message from side `from`, rewritten, to the other side. */
static void h245_pass(struct cs_h245 *h, enum lk_sigcall_side from,
		      const uint8_t *pdu, size_t len)
{
	struct cs_call *call = h->call;
	struct lk_h323_callsig *cs = call->cs;
	struct media_walk w = { call, from, false, 0, 0 };
	struct lk_asn_arena ar;
	uint8_t *out = cs->h245_out + LK_TPKT_HDR;
	size_t cap = sizeof(cs->h245_out) - LK_TPKT_HDR, olen = len;
	struct bufferevent *to = h->bev[other(from)];
	int err;

	lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
	err = lk_h245_media_addrs(&ar, false, pdu, len, media_addr, &w, out,
				  cap, &olen);
	if (!err && w.learned)
		(void)media_update(call, from);
	if (!err) {
		w.rewrite = true;
		lk_asn_arena_init(&ar, cs->arena, sizeof(cs->arena));
		err = lk_h245_media_addrs(&ar, false, pdu, len, media_addr,
					  &w, out, cap, &olen);
	}
	if (err) {
		/* Not transcribed (H.245 8.x of other systems): as it came. */
		if (len > cap)
			return;
		memcpy(out, pdu, len);
		olen = len;
	}
	if (!to || lk_tpkt_header(cs->h245_out, olen))
		return;
	(void)bufferevent_write(to, cs->h245_out, olen + LK_TPKT_HDR);
}

static void h245_read(struct cs_h245 *h, enum lk_sigcall_side s)
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
			++h->call->cs->st.malformed;
			h245_shut(h, "not a TPKT");
			break;
		}
		if (n < pdu)
			break;
		p = evbuffer_pullup(in, (ev_ssize_t)pdu);
		if (!p)
			break;
		if (pdu > LK_TPKT_HDR)
			h245_pass(h, s, p + LK_TPKT_HDR, pdu - LK_TPKT_HDR);
		evbuffer_drain(in, pdu);
	}
}

static void h245_read_owner(struct bufferevent *bev, void *arg)
{
	struct cs_h245 *h = arg;

	(void)bev;
	h245_read(h, h->owner);
}

static void h245_read_peer(struct bufferevent *bev, void *arg)
{
	struct cs_h245 *h = arg;

	(void)bev;
	h245_read(h, other(h->owner));
}

static void h245_event(struct bufferevent *bev, short what, void *arg)
{
	struct cs_h245 *h = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	h245_shut(h, what & BEV_EVENT_EOF ? "closed by a peer" :
		  "connection lost");
}

/* The other side connected to our listener: connect on to the owner. */
static void h245_accept(struct evconnlistener *lev, evutil_socket_t fd,
			struct sockaddr *sa, int salen, void *arg)
{
	struct cs_h245 *h = arg;
	struct lk_h323_callsig *cs = h->call->cs;
	struct outbind ob = { &cs->local, -1 };
	enum lk_sigcall_side peer = other(h->owner);
	uint16_t port;

	(void)lev;
	(void)sa;
	(void)salen;
	/* One H.245 session per call (H.245 8.1). */
	if (h->bev[peer] || h->bev[h->owner] ||
	    lk_portalloc_take_bound(cs->outports, outbound_bind, &ob, &port)) {
		evutil_closesocket(fd);
		return;
	}
	h->bev[peer] = bufferevent_socket_new(cs->base, fd,
					      BEV_OPT_CLOSE_ON_FREE);
	h->bev[h->owner] = bufferevent_socket_new(cs->base, ob.fd,
						  BEV_OPT_CLOSE_ON_FREE);
	h->out_port = port;
	if (!h->bev[peer] || !h->bev[h->owner]) {
		if (!h->bev[peer])
			evutil_closesocket(fd);
		if (!h->bev[h->owner])
			close(ob.fd);
		h245_shut(h, "out of memory");
		return;
	}
	bufferevent_setcb(h->bev[peer], h245_read_peer, NULL, h245_event, h);
	bufferevent_setcb(h->bev[h->owner], h245_read_owner, NULL, h245_event,
			  h);
	bufferevent_setwatermark(h->bev[peer], EV_READ, 0, READ_HIGH);
	bufferevent_setwatermark(h->bev[h->owner], EV_READ, 0, READ_HIGH);
	if (bufferevent_socket_connect(h->bev[h->owner],
				       (struct sockaddr *)&h->target,
				       sizeof(h->target)) < 0) {
		h245_shut(h, "connect failed");
		return;
	}
	bufferevent_enable(h->bev[peer], EV_READ);
	bufferevent_enable(h->bev[h->owner], EV_READ);
}

static int h245_listen_bind(uint16_t port, void *arg)
{
	struct outbind *ob = arg;
	int err = outbound_bind(port, ob);

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

/*
 * `owner` gave `target` as its h245Address: a listener of ours for the
 * other side to be told instead (one per owner; a new target replaces
 * the old one for the next connection).
 */
static int h245_listen(struct cs_call *call, enum lk_sigcall_side owner,
		       const struct sockaddr_in *target)
{
	struct lk_h323_callsig *cs = call->cs;
	struct outbind ob = { &cs->local, -1 };
	struct cs_h245 *h = call->h245[owner];
	int err;

	if (h) {
		h->target = *target;
		return 0;
	}
	if (cs->local.sin_family != AF_INET)
		return EAFNOSUPPORT;
	h = mem_zalloc(sizeof(*h), h245_destructor);
	if (!h)
		return ENOMEM;
	h->call = call;
	h->owner = owner;
	h->target = *target;
	err = lk_portalloc_take_bound(cs->outports, h245_listen_bind, &ob,
				      &h->lport);
	if (err) {
		h->lport = 0;
		goto out;
	}
	h->lev = evconnlistener_new(cs->base, h245_accept, h,
				    LEV_OPT_CLOSE_ON_FREE, 0, ob.fd);
	if (!h->lev) {
		close(ob.fd);
		err = ENOMEM;
	}

 out:
	if (err) {
		lk_warn_limited("H.323 call %llu: no H.245 listener for the "
				"%s: %s; its h245Address goes on unchanged",
				(unsigned long long)call->id,
				side_name(owner), strerror(err));
		mem_deref(h);
		return err;
	}
	call->h245[owner] = h;

	return 0;
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
		if (m.type == LK_Q931_SETUP && uu && !conn->outgoing)
			setup_handle(conn, &m, &ar, uu);
		else
			++cs->st.unexpected;
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
		conn->connected = true;
		bufferevent_set_timeouts(conn->bev, NULL, NULL);
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
	list_init(&cs->conns);
	list_init(&cs->calls);
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
		if (lk_route_find_h323(conf, user, strlen(user), host,
				       strlen(host)))
			return 0;
	}

	return ENOENT;
}
