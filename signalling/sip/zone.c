/* signalling/sip/zone.c  Traversal zones: the Control connects out, the Expressway authenticates it. */
/*
 * Owns the traversal zones of the role (struct lk_zones, mem_zalloc): on
 * the Control each zone's client connection, its REGISTER and keep-alive
 * timers and its reconnect timer; on the Expressway each zone's listening
 * port (through the transport), its authenticated client flow and its
 * watchdog.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "listen.h"
#include "clock.h"
#include "log.h"
#include "sip/auth.h"
#include "sip/msg.h"
#include "sip/transaction.h"
#include "sip/zone.h"

#define ZONE_REALM	"latchkey traversal zone"
#define NONCE_LIFETIME	300

struct zone {
	struct lk_zones *zs;
	const struct lk_zone_conf *zc;
	unsigned number;
	enum lk_listen_proto tpt;
	bool up;
	struct lk_sipflow flow;		/* the zone's connection, when up */

	/* Control: the traversal client */
	bool client;
	struct sa peer;
	char peer_str[64];		/* "198.51.100.2:7001", for logs */
	struct event *retry;
	struct event *keepalive;
	unsigned backoff;		/* seconds, next reconnect delay */
	char callid[48];
	char tag[24];
	uint32_t cseq;
	unsigned auth_tries;
	bool ka_pending;		/* a keep-alive is unanswered */
	struct lk_sipxact_cli *reg_ct, *ka_ct;

	/* Expressway: when the client last sent a request on the zone */
	uint64_t last_rx;
	struct event *watchdog;

	uint64_t connects, authenticated, drops, keepalives, ka_failures;
	uint64_t refused;		/* Expressway: 401/403 given */
	uint64_t since;			/* unix seconds of the last up/down */
};

struct lk_zones {
	struct event_base *base;
	const struct lk_conf *conf;
	struct lk_siptransport *tp;
	struct lk_sipxact *ts;
	uint8_t secret[16];
	bool stopping;
	unsigned n;
	struct zone z[LK_ZONES_MAX];
};

/*
 * The traversal client (Control)
 */

static void zone_connect(struct zone *z);

/* The zone is down: its requests and keep-alives stop. */
static void zone_down(struct zone *z)
{
	lk_sipxact_cli_abandon(z->reg_ct);
	z->reg_ct = NULL;
	lk_sipxact_cli_abandon(z->ka_ct);
	z->ka_ct = NULL;
	z->ka_pending = false;
	if (z->keepalive)
		event_del(z->keepalive);
	if (z->up) {
		++z->drops;
		z->since = (uint64_t)time(NULL);
	}
	z->up = false;
}

/* Down, and its connection closed by us. */
static void zone_drop(struct zone *z, const char *why)
{
	zone_down(z);
	if (z->flow.conn) {
		struct lk_sipconn *conn = z->flow.conn;

		z->flow.conn = NULL;	/* the close handler must not recurse */
		lk_sipconn_close(conn, why);
		mem_deref(conn);
	}
}

static void schedule_retry(struct zone *z, const char *why)
{
	struct timeval tv = {(time_t)z->backoff, 0};

	if (z->zs->stopping || !z->retry || evtimer_pending(z->retry, NULL))
		return;
	lk_warn("traversal zone %u (%s): %s; reconnecting to %s in %u s",
		z->number, z->zc->name, why, z->peer_str, z->backoff);
	evtimer_add(z->retry, &tv);
	z->backoff = z->backoff * 2 > z->zc->retry_interval ?
		z->zc->retry_interval : z->backoff * 2;
	if (!z->backoff)
		z->backoff = 1;
}

static void retry_h(evutil_socket_t fd, short what, void *arg)
{
	zone_connect(arg);
}

static int client_request(struct zone *z, const char *method,
			  const char *hdrs, struct lk_sipxact_cli **ctp,
			  lk_sipxact_cli_h *h)
{
	const struct lk_conf *conf = z->zs->conf;
	char ruri[128], aor[160], sb[80], branch[40], contact[160];
	struct lk_sipreq r;
	struct mbuf *mb = NULL;
	struct lk_sipflow flow;
	const char *user = z->zc->username[0] ? z->zc->username :
		"traversal-client";
	int err;

	re_snprintf(ruri, sizeof(ruri), "sip:%J;transport=%s", &z->peer,
		    lk_listen_proto_param(z->tpt));
	re_snprintf(aor, sizeof(aor), "<sip:%s@%j>", user, &z->peer);
	lk_siptransport_sentby(sb, sizeof(sb), conf, z->tpt);
	re_snprintf(contact, sizeof(contact), "<sip:%s@%s;transport=%s>",
		    user, sb, lk_listen_proto_param(z->tpt));
	lk_sipxact_branch(branch, sizeof(branch));
	memset(&r, 0, sizeof(r));
	r.method = method;
	r.ruri = ruri;
	r.via_tp = lk_listen_proto_name(z->tpt);
	r.via_sentby = sb;
	r.branch = branch;
	r.max_forwards = 70;
	r.from = aor;
	r.from_tag = z->tag;
	r.to = aor;
	r.callid = z->callid;
	r.cseq = ++z->cseq;
	r.contact = contact;
	r.hdrs = hdrs;
	err = lk_sipmsg_request(&mb, &r);
	if (err)
		return err;
	memset(&flow, 0, sizeof(flow));
	if (z->flow.conn)
		flow = z->flow;
	else {
		flow.tp = z->tpt;
		flow.remote = z->peer;
	}
	err = lk_sipxact_request(ctp, z->zs->ts, &flow, mb, h, z);
	mem_deref(mb);

	return err;
}

static void keepalive_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct zone *z = arg;

	if (msg && msg->scode < 200)
		return;
	lk_sipxact_cli_abandon(z->ka_ct);
	z->ka_ct = NULL;
	z->ka_pending = false;
	if (err) {
		++z->ka_failures;
		zone_drop(z, "keep-alive failed");
		schedule_retry(z, "keep-alive OPTIONS failed");
	}
}

static void keepalive_h(evutil_socket_t fd, short what, void *arg)
{
	struct zone *z = arg;
	char why[96];

	if (!z->up)
		return;
	if (z->ka_pending) {
		++z->ka_failures;
		snprintf(why, sizeof(why), "keep-alive unanswered for %u s",
			 z->zc->keepalive_interval);
		zone_drop(z, why);
		schedule_retry(z, why);
		return;
	}
	++z->keepalives;
	z->ka_pending = true;
	if (client_request(z, "OPTIONS", "Accept: application/sdp\r\n",
			   &z->ka_ct, keepalive_resp)) {
		zone_drop(z, "cannot send the keep-alive");
		schedule_retry(z, "cannot send the keep-alive");
	}
}

/* RFC 2617 s.3.2.2: our answer to the Expressway's challenge. */
static int authorization(struct zone *z, const struct sip_msg *msg,
			 char *hdrs, size_t sz)
{
	const struct sip_hdr *h;
	struct httpauth_digest_chall ch;
	char ha1[LK_SIPAUTH_HEX], resp[LK_SIPAUTH_HEX], cnonce[17];
	char ruri[128];
	struct pl user, realm, pw, nc, cn, qop, met, uri;
	bool with_qop;

	h = sip_msg_hdr(msg, msg->scode == 407 ?
			SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE);
	if (!h || httpauth_digest_challenge_decode(&ch, &h->val))
		return EBADMSG;
	if (pl_isset(&ch.algorithm) && pl_strcasecmp(&ch.algorithm, "MD5"))
		return ENOTSUP;
	with_qop = pl_isset(&ch.qop) && re_regex(ch.qop.p, ch.qop.l,
						 "auth") == 0;
	re_snprintf(ruri, sizeof(ruri), "sip:%J;transport=%s", &z->peer,
		    lk_listen_proto_param(z->tpt));
	lk_sipmsg_rand_hex(cnonce, sizeof(cnonce));
	pl_set_str(&user, z->zc->username);
	realm = ch.realm;
	pl_set_str(&pw, z->zc->password);
	lk_sipauth_ha1(ha1, &user, &realm, &pw);
	pl_set_str(&nc, "00000001");
	pl_set_str(&cn, cnonce);
	pl_set_str(&qop, "auth");
	pl_set_str(&met, "REGISTER");
	pl_set_str(&uri, ruri);
	lk_sipauth_response(resp, ha1, &ch.nonce, with_qop ? &nc : NULL,
			    with_qop ? &cn : NULL, with_qop ? &qop : NULL,
			    &met, &uri);
	if (with_qop)
		re_snprintf(hdrs, sz, "%s: Digest username=\"%s\", "
			    "realm=\"%r\", nonce=\"%r\", uri=\"%s\", "
			    "response=\"%s\", algorithm=MD5, qop=auth, "
			    "nc=00000001, cnonce=\"%s\"\r\n"
			    "Expires: 3600\r\n",
			    msg->scode == 407 ? "Proxy-Authorization" :
			    "Authorization", z->zc->username, &ch.realm,
			    &ch.nonce, ruri, resp, cnonce);
	else
		re_snprintf(hdrs, sz, "%s: Digest username=\"%s\", "
			    "realm=\"%r\", nonce=\"%r\", uri=\"%s\", "
			    "response=\"%s\", algorithm=MD5\r\n"
			    "Expires: 3600\r\n",
			    msg->scode == 407 ? "Proxy-Authorization" :
			    "Authorization", z->zc->username, &ch.realm,
			    &ch.nonce, ruri, resp);

	return 0;
}

static bool challenge_stale(const struct sip_msg *msg)
{
	const struct sip_hdr *h;
	struct httpauth_digest_chall ch;

	h = sip_msg_hdr(msg, msg->scode == 407 ?
			SIP_HDR_PROXY_AUTHENTICATE : SIP_HDR_WWW_AUTHENTICATE);

	return h && !httpauth_digest_challenge_decode(&ch, &h->val) &&
		!pl_strcasecmp(&ch.stale, "true");
}

static void register_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct zone *z = arg;
	struct timeval ka = {(time_t)z->zc->keepalive_interval, 0};
	char hdrs[768], why[128], cn[96];

	if (msg && msg->scode < 200)
		return;
	lk_sipxact_cli_abandon(z->reg_ct);
	z->reg_ct = NULL;
	if (err) {
		snprintf(why, sizeof(why), "REGISTER to the Expressway: %s",
			 err == ETIMEDOUT ? "no answer" : strerror(err));
		zone_drop(z, why);
		schedule_retry(z, why);
		return;
	}
	/*
	 * Credentials once per challenge: a 401 to a REGISTER that carried
	 * them means they were wrong, unless the nonce was only stale
	 * (RFC 3261 s.22.1, RFC 2617 s.3.2.1).
	 */
	if ((msg->scode == 401 || msg->scode == 407) && z->zc->username[0] &&
	    (z->auth_tries++ == 0 || challenge_stale(msg)) &&
	    z->auth_tries <= 3 && !authorization(z, msg, hdrs, sizeof(hdrs))) {
		if (!client_request(z, "REGISTER", hdrs, &z->reg_ct,
				    register_resp))
			return;
	}
	if (msg->scode >= 300) {
		re_snprintf(why, sizeof(why), "the Expressway refused the "
			    "zone's REGISTER: %u %r%s", msg->scode,
			    &msg->reason, msg->scode == 401 ||
			    msg->scode == 407 ? " (check Username and "
			    "Password on both sides)" : "");
		zone_drop(z, why);
		schedule_retry(z, why);
		return;
	}
	z->up = true;
	z->since = (uint64_t)time(NULL);
	z->backoff = 1;
	++z->authenticated;
	lk_info("traversal zone %u (%s): connected to the Expressway %s "
		"over %s, %s; %s", z->number, z->zc->name, z->peer_str,
		lk_listen_proto_name(z->tpt),
		lk_sipconn_name(cn, sizeof(cn), z->flow.conn),
		z->zc->username[0] ? "authenticated" :
		"no credentials configured");
	if (z->keepalive)
		evtimer_add(z->keepalive, &ka);
}

static void zone_connect(struct zone *z)
{
	const struct lk_sipflow *f;
	char why[96];
	int err;

	zone_drop(z, "reconnecting");
	z->auth_tries = 0;
	z->cseq = 0;
	lk_sipmsg_rand_hex(z->callid, sizeof(z->callid));
	lk_sipmsg_rand_hex(z->tag, sizeof(z->tag));
	++z->connects;
	err = client_request(z, "REGISTER", "Expires: 3600\r\n", &z->reg_ct,
			     register_resp);
	if (err) {
		snprintf(why, sizeof(why), "cannot connect: %s",
			 strerror(err));
		schedule_retry(z, why);
		return;
	}
	f = lk_sipxact_cli_flow(z->reg_ct);
	if (f && f->conn) {
		lk_sipflow_copy(&z->flow, f);
		lk_sipconn_set_zone(z->flow.conn, z->number);
		z->flow.zone = z->number;
	}
	lk_debug("traversal zone %u: connecting to %s over %s",
		 z->number, z->peer_str, lk_listen_proto_name(z->tpt));
}

/*
 * The traversal server (Expressway)
 */

struct auth_find {
	struct httpauth_digest_resp resp;
	bool found;
};

static bool auth_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		   void *arg)
{
	struct auth_find *af = arg;

	if (httpauth_digest_response_decode(&af->resp, &hdr->val) ||
	    pl_strcmp(&af->resp.realm, ZONE_REALM))
		return false;
	af->found = true;

	return true;
}


/* 0: the client proved the zone's credentials (or none are configured). */
static int server_auth(struct zone *z, const struct sip_msg *msg,
		       char *hdrs, size_t sz)
{
	struct auth_find af;
	char ha1[LK_SIPAUTH_HEX], want[LK_SIPAUTH_HEX], nonce[64];
	struct pl user, realm, pw;
	bool stale = false;
	int err;

	if (!z->zc->username[0])
		return 0;
	memset(&af, 0, sizeof(af));
	sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION, auth_h, &af);
	if (af.found) {
		err = lk_sipauth_nonce_check(&af.resp.nonce, z->zs->secret,
					     lk_clock_s(), NONCE_LIFETIME);
		stale = err == ETIMEDOUT;
		pl_set_str(&user, z->zc->username);
		pl_set_str(&realm, ZONE_REALM);
		pl_set_str(&pw, z->zc->password);
		if (!err && !pl_strcmp(&af.resp.username, z->zc->username)) {
			lk_sipauth_ha1(ha1, &user, &realm, &pw);
			lk_sipauth_response(want, ha1, &af.resp.nonce,
					    &af.resp.nc, &af.resp.cnonce,
					    &af.resp.qop, &msg->met,
					    &af.resp.uri);
			if (!pl_strcasecmp(&af.resp.response, want))
				return 0;
		}
		char who[160];

		re_snprintf(who, sizeof(who), "REGISTER from %J with the "
			    "credentials of \"%r\"", &msg->src,
			    &af.resp.username);
		lk_warn_limited("traversal zone %u: %s: %s", z->number, who,
				stale ? "stale nonce" :
				"wrong user or password");
	}
	lk_sipauth_nonce(nonce, sizeof(nonce), z->zs->secret, lk_clock_s());
	snprintf(hdrs, sz, "WWW-Authenticate: Digest realm=\"%s\", "
		 "nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n",
		 ZONE_REALM, nonce, stale ? ", stale=true" : "");

	return EACCES;
}

static bool server_request(struct zone *z, struct lk_sipxact_srv *st,
			   const struct lk_sipflow *flow,
			   const struct sip_msg *msg)
{
	struct lk_zones *zs = z->zs;
	char hdrs[512], cn[96];

	if (!pl_strcmp(&msg->met, "REGISTER")) {
		if (server_auth(z, msg, hdrs, sizeof(hdrs))) {
			++z->refused;
			lk_sipxact_answer(zs->tp, st, flow, msg, 401, "Unauthorized", hdrs);
			return true;
		}
		if (z->flow.conn && z->flow.conn != flow->conn) {
			struct lk_sipconn *old = z->flow.conn;

			lk_info("traversal zone %u: a new client connection "
				"replaces %s", z->number,
				lk_sipconn_name(cn, sizeof(cn), old));
			z->flow.conn = NULL;
			lk_sipconn_close(old, "replaced by a newer "
					 "connection of the zone's client");
			mem_deref(old);
		}
		if (z->flow.conn != flow->conn) {
			lk_sipflow_copy(&z->flow, flow);
			z->up = true;
			z->since = (uint64_t)time(NULL);
			++z->authenticated;
			re_snprintf(cn, sizeof(cn), "%J", &flow->remote);
			lk_info("traversal zone %u (%s): traversal client "
				"%s connected over %s%s", z->number,
				z->zc->name, cn,
				lk_listen_proto_name(flow->tp), z->zc->username[0] ?
				", authenticated" : " (no credentials "
				"configured)");
		}
		lk_sipxact_answer(zs->tp, st, flow, msg, 200, "OK", "Expires: 3600\r\n");
		return true;
	}
	if (z->up && z->flow.conn == flow->conn)
		return false;
	++z->refused;
	re_snprintf(cn, sizeof(cn), "%r from %J", &msg->met, &flow->remote);
	lk_warn_limited("traversal zone %u: %s before the client "
			"authenticated; 403", z->number, cn);
	lk_sipxact_answer(zs->tp, st, flow, msg, 403, "Forbidden", "Warning: 399 latchkey "
	       "\"REGISTER with the zone's credentials first\"\r\n");

	return true;
}

bool lk_zones_request(struct lk_zones *zs, struct lk_sipxact_srv *st,
		      const struct lk_sipflow *flow,
		      const struct sip_msg *msg)
{
	struct zone *z;

	if (!zs || !flow || !flow->zone || flow->zone > zs->n)
		return false;
	z = &zs->z[flow->zone - 1];
	z->last_rx = lk_clock_s();
	if (z->client) {
		if (z->up && z->flow.conn == flow->conn)
			return false;
		lk_sipxact_answer(zs->tp, st, flow, msg, 403, "Forbidden", NULL);
		return true;
	}

	return server_request(z, st, flow, msg);
}

const struct lk_sipflow *lk_zones_flow(const struct lk_zones *zs,
				       unsigned zone)
{
	const struct zone *z;

	if (!zs || !zone || zone > zs->n)
		return NULL;
	z = &zs->z[zone - 1];

	return z->up && lk_sipconn_open(z->flow.conn) ? &z->flow : NULL;
}

bool lk_zones_is_zone(const struct lk_zones *zs,
		      const struct lk_sipflow *flow)
{
	const struct lk_sipflow *zf;

	if (!flow || !flow->zone)
		return false;
	zf = lk_zones_flow(zs, flow->zone);

	return zf && zf->conn == flow->conn;
}

/* A connection closed: was it a zone's? */
static void conn_closed(struct lk_sipconn *conn, void *arg)
{
	struct lk_zones *zs = arg;
	unsigned i;

	for (i = 0; i < zs->n; i++) {
		struct zone *z = &zs->z[i];

		if (z->flow.conn != conn)
			continue;
		zone_down(z);
		z->flow.conn = NULL;
		mem_deref(conn);
		if (z->client) {
			schedule_retry(z, "the zone's connection closed");
		}
		else {
			lk_warn("traversal zone %u (%s): the traversal "
				"client's connection closed; calls to the zone "
				"get 480 until it connects again", z->number,
				z->zc->name);
		}
	}
}

/*
 * Expressway: a client that stopped sending (the Control vanished without
 * closing, a firewall dropped the connection's state) is given three
 * keep-alive intervals; then the connection is closed, so that calls for
 * the zone get 480 at once instead of waiting on a dead connection.
 */
static void watchdog_h(evutil_socket_t fd, short what, void *arg)
{
	struct zone *z = arg;
	uint64_t limit = 3ull * z->zc->keepalive_interval;
	char why[96];

	if (!z->up || !z->flow.conn || lk_clock_s() - z->last_rx <= limit)
		return;
	snprintf(why, sizeof(why), "nothing from the traversal client for "
		 "%llu s (3 keep-alive intervals)", (unsigned long long)limit);
	lk_warn("traversal zone %u (%s): %s; closing its connection",
		z->number, z->zc->name, why);
	zone_drop(z, why);
}

static void zones_destructor(void *arg)
{
	struct lk_zones *zs = arg;
	unsigned i;

	zs->stopping = true;
	lk_siptransport_set_close_handler(zs->tp, NULL, NULL);
	for (i = 0; i < zs->n; i++) {
		struct zone *z = &zs->z[i];

		lk_sipxact_cli_abandon(z->reg_ct);
		lk_sipxact_cli_abandon(z->ka_ct);
		if (z->retry)
			event_free(z->retry);
		if (z->keepalive)
			event_free(z->keepalive);
		if (z->watchdog)
			event_free(z->watchdog);
		lk_sipflow_reset(&z->flow);
	}
}

int lk_zones_alloc(struct lk_zones **zsp, struct event_base *base,
		   const struct lk_conf *conf, struct lk_siptransport *tp,
		   struct lk_sipxact *ts, struct lk_listen_set *listeners,
		   char *errbuf, size_t errsz)
{
	struct lk_zones *zs;
	unsigned i;
	int err = 0;

	if (!zsp || !base || !conf || !tp || !ts)
		return EINVAL;
	zs = mem_zalloc(sizeof(*zs), zones_destructor);
	if (!zs)
		return ENOMEM;
	zs->base = base;
	zs->conf = conf;
	zs->tp = tp;
	zs->ts = ts;
	if (getrandom(zs->secret, sizeof(zs->secret), 0) !=
	    (ssize_t)sizeof(zs->secret))
		rand_bytes(zs->secret, sizeof(zs->secret));
	lk_siptransport_set_close_handler(tp, conn_closed, zs);

	for (i = 0; i < conf->nzones && i < LK_ZONES_MAX; i++) {
		const struct lk_zone_conf *zc = &conf->zones[i];
		struct zone *z = &zs->z[i];

		z->zs = zs;
		z->zc = zc;
		z->number = i + 1;
		z->tpt = zc->sip_transport == LK_ZONE_TLS ? LK_LISTEN_TLS :
			LK_LISTEN_TCP;
		z->backoff = 1;
		zs->n = i + 1;
		if (conf->role == LK_ROLE_EXPRESSWAY) {
			int fd = lk_listen_take_zone_fd(listeners,
				LK_KEY_ZONE_SIP_PORT, z->number);

			if (fd < 0)
				continue;
			err = lk_siptransport_listen_zone(tp, fd, z->tpt,
							  z->number);
			if (err) {
				snprintf(errbuf, errsz, "traversal zone %u: "
					 "SIP port %u: %s", z->number,
					 zc->sip_port, strerror(err));
				goto out;
			}
			lk_info("traversal zone %u (%s): waiting for the "
				"traversal client on %s port %u", z->number,
				zc->name, lk_listen_proto_name(z->tpt),
				zc->sip_port);
			{
				struct timeval tv = {
					(time_t)zc->keepalive_interval, 0};

				z->watchdog = event_new(base, -1, EV_PERSIST,
							watchdog_h, z);
				if (!z->watchdog ||
				    event_add(z->watchdog, &tv)) {
					err = ENOMEM;
					snprintf(errbuf, errsz, "traversal "
						 "zone %u: %s", z->number,
						 strerror(err));
					goto out;
				}
			}
			continue;
		}
		if (!zc->peer_address[0])
			continue;
		z->client = true;
		if (!sa_set_str(&z->peer, zc->peer_address, zc->sip_port))
			re_snprintf(z->peer_str, sizeof(z->peer_str), "%J",
				    &z->peer);
		else {
			snprintf(errbuf, errsz, "traversal zone %u: Peer "
				 "address \"%s\" is not an IP address",
				 z->number, zc->peer_address);
			err = EINVAL;
			goto out;
		}
		z->retry = evtimer_new(base, retry_h, z);
		z->keepalive = event_new(base, -1, EV_PERSIST, keepalive_h,
					 z);
		if (!z->retry || !z->keepalive) {
			err = ENOMEM;
			snprintf(errbuf, errsz, "traversal zone %u: %s",
				 z->number, strerror(err));
			goto out;
		}
		/* First attempt at once, from the loop. */
		{
			struct timeval now = {0, 0};

			evtimer_add(z->retry, &now);
		}
	}

 out:
	if (err)
		mem_deref(zs);
	else
		*zsp = zs;

	return err;
}

void lk_zones_log(const struct lk_zones *zs)
{
	unsigned i;

	for (i = 0; zs && i < zs->n; i++) {
		const struct zone *z = &zs->z[i];

		if (!z->client && z->zs->conf->role == LK_ROLE_CONTROL)
			continue;
		lk_info("traversal zone %u (%s): %s; %s connects=%llu "
			"authenticated=%llu drops=%llu keepalives=%llu "
			"keepalive_failures=%llu refused=%llu", z->number,
			z->zc->name, z->up ? "up" : "down",
			z->client ? "client" : "server",
			(unsigned long long)z->connects,
			(unsigned long long)z->authenticated,
			(unsigned long long)z->drops,
			(unsigned long long)z->keepalives,
			(unsigned long long)z->ka_failures,
			(unsigned long long)z->refused);
	}
}

unsigned lk_zones_info(const struct lk_zones *zs, struct lk_zone_info *out,
		       unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; zs && i < zs->n && n < max; i++) {
		const struct zone *z = &zs->z[i];
		struct lk_zone_info *zi = &out[n];

		if (!z->client && z->zs->conf->role == LK_ROLE_CONTROL)
			continue;
		memset(zi, 0, sizeof(*zi));
		zi->number = z->number;
		zi->name = z->zc->name;
		zi->client = z->client;
		zi->up = z->up;
		zi->since = z->since;
		zi->transport = lk_listen_proto_name(z->tpt);
		if (z->client)
			snprintf(zi->peer, sizeof(zi->peer), "%s", z->peer_str);
		else if (z->up)
			re_snprintf(zi->peer, sizeof(zi->peer), "%J",
				    &z->flow.remote);
		zi->connects = z->connects;
		zi->authenticated = z->authenticated;
		zi->drops = z->drops;
		zi->keepalives = z->keepalives;
		zi->keepalive_failures = z->ka_failures;
		zi->refused = z->refused;
		++n;
	}

	return n;
}
