/* signalling/h323/zone.c  The H.323 side of a traversal zone: the Control registers out to the Expressway's zone port (6001). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "clock.h"
#include "h323/gk.h"
#include "h323/h235.h"
#include "h323/h460.h"
#include "h323/ras.h"
#include "h323/zone.h"
#include "log.h"

#define ARENA_BYTES (1 << 16)
#define OUT_SLOTS 4
#define MSG_MAX 1024

struct zonec_out {
	size_t len;
	uint8_t msg[MSG_MAX];
};

struct lk_h323_zonec {
	struct lk_h323_zonec_params p;
	char user[LK_H235_NAME_MAX + 1];
	char password[LK_H235_NAME_MAX + 1];
	enum lk_h323_zonec_state state;
	uint64_t next;			/* ms: the next send or give-up */
	unsigned tries;			/* of the pending RRQ */
	uint16_t seq;			/* of the pending RRQ */
	uint32_t ttl;			/* s, the RCF's */
	char epid[129];
	struct zonec_out pending;	/* the RRQ being repeated */
	struct zonec_out out[OUT_SLOTS];
	unsigned nout;
	/* The calls of the last SCIs followed (H.460.18 8.2: once each). */
	uint8_t recent[LK_H323_ZONEC_RECENT][16];
	unsigned nrecent;
	struct lk_h323_zone_info info;
	uint8_t arena[ARENA_BYTES];
};

static void zonec_destructor(void *arg)
{
	struct lk_h323_zonec *zc = arg;

	/* The password leaves no copy in freed memory. */
	explicit_bzero(zc->password, sizeof(zc->password));
}

int lk_h323_zonec_alloc(struct lk_h323_zonec **zcp,
			const struct lk_h323_zonec_params *p)
{
	struct lk_h323_zonec *zc;

	if (!zcp || !p || !p->zone || !p->ttl || !p->retry ||
	    p->peer.sin_family != AF_INET ||
	    (p->user && strlen(p->user) > LK_H235_NAME_MAX) ||
	    (p->password && strlen(p->password) > LK_H235_NAME_MAX))
		return EINVAL;
	zc = mem_zalloc(sizeof(*zc), zonec_destructor);
	if (!zc)
		return ENOMEM;
	zc->p = *p;
	snprintf(zc->user, sizeof(zc->user), "%s", p->user ? p->user : "");
	snprintf(zc->password, sizeof(zc->password), "%s",
		 p->password ? p->password : "");
	zc->p.user = zc->user;
	zc->p.password = zc->password;
	zc->info.number = p->zone;
	zc->info.client = true;
	snprintf(zc->info.peer, sizeof(zc->info.peer), "%s:%u",
		 inet_ntoa(p->peer.sin_addr), ntohs(p->peer.sin_port));
	*zcp = zc;
	return 0;
}

enum lk_h323_zonec_state lk_h323_zonec_state(const struct lk_h323_zonec *zc)
{
	return zc ? zc->state : LK_H323_ZONEC_DOWN;
}

void lk_h323_zonec_info(const struct lk_h323_zonec *zc,
			struct lk_h323_zone_info *info)
{
	if (zc && info)
		*info = zc->info;
}

static void queue(struct lk_h323_zonec *zc, const struct zonec_out *o)
{
	if (zc->nout == OUT_SLOTS) {
		lk_warn_limited("zone %u: H.323 outbox full, a RAS message "
				"not sent", zc->p.zone);
		return;
	}
	zc->out[zc->nout++] = *o;
}

int lk_h323_zonec_pop(struct lk_h323_zonec *zc, uint8_t *buf, size_t cap,
		      size_t *len)
{
	if (!zc || !buf || !len)
		return EINVAL;
	if (!zc->nout)
		return ENOENT;
	if (zc->out[0].len > cap)
		return ENOSPC;
	memcpy(buf, zc->out[0].msg, zc->out[0].len);
	*len = zc->out[0].len;
	memmove(&zc->out[0], &zc->out[1], --zc->nout * sizeof(zc->out[0]));
	return 0;
}

static void set_registered(struct lk_h323_zonec *zc, bool up,
			   uint64_t unix_s)
{
	if (zc->info.registered == up)
		return;
	zc->info.registered = up;
	zc->info.since = unix_s;
}

/*
 * The RRQ (full, or a keep-alive with our endpointIdentifier) with
 * featureSet H.460.18, the timeToLive we ask for and the zone's token.
 */
static int rrq_build(struct lk_h323_zonec *zc, bool keepalive,
		     uint64_t unix_s, struct zonec_out *o)
{
	uint8_t tok[256];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v;
	size_t toklen;
	int err;

	if (!++zc->seq)
		zc->seq = 1;
	lk_asn_arena_init(&ar, zc->arena, sizeof(zc->arena));
	msg = lk_ras_rrq_new(&ar, zc->seq, &zc->p.csa, &zc->p.ras,
			     *zc->user ? zc->user : NULL,
			     keepalive ? zc->epid : NULL, &body);
	if (!msg || lk_ras_add_feature(&ar, body, "supportedFeatures",
				       LK_H460_18))
		return ENOMEM;
	v = lk_asn_set(&ar, body, "timeToLive");
	if (!v)
		return ENOMEM;
	v->u.i = zc->p.ttl;
	if (*zc->user && *zc->password) {
		err = lk_h235_pwdhash_encode(zc->user, zc->password,
					     (uint32_t)unix_s, tok,
					     sizeof(tok), &toklen);
		if (err)
			return err;
		v = lk_asn_set(&ar, body, "cryptoTokens");
		if (!v || lk_asn_set_octets(&ar, v, tok, toklen))
			return ENOMEM;
	}
	return lk_ras_encode(msg, o->msg, sizeof(o->msg), &o->len);
}

static void send_rrq(struct lk_h323_zonec *zc, bool keepalive,
		     uint64_t now_ms, uint64_t unix_s)
{
	int err = rrq_build(zc, keepalive, unix_s, &zc->pending);

	if (err) {
		lk_warn_limited("zone %u: cannot build the RRQ: %s",
				zc->p.zone, strerror(err));
		zc->state = LK_H323_ZONEC_DOWN;
		zc->next = now_ms + (uint64_t)zc->p.retry * 1000;
		return;
	}
	zc->tries = 1;
	zc->next = now_ms + LK_H323_ZONEC_RETRY_MS;
	zc->state = keepalive ? LK_H323_ZONEC_REFRESHING :
				LK_H323_ZONEC_REGISTERING;
	queue(zc, &zc->pending);
}

static void go_down(struct lk_h323_zonec *zc, uint64_t next,
		    uint64_t unix_s)
{
	zc->state = LK_H323_ZONEC_DOWN;
	zc->next = next;
	zc->epid[0] = '\0';
	set_registered(zc, false, unix_s);
}

void lk_h323_zonec_tick(struct lk_h323_zonec *zc, uint64_t now_ms,
			uint64_t unix_s)
{
	if (!zc || now_ms < zc->next)
		return;
	switch (zc->state) {
	case LK_H323_ZONEC_DOWN:
		send_rrq(zc, false, now_ms, unix_s);
		break;
	case LK_H323_ZONEC_REGISTERED:
		send_rrq(zc, true, now_ms, unix_s);
		break;
	case LK_H323_ZONEC_REGISTERING:
	case LK_H323_ZONEC_REFRESHING:
		if (zc->tries < LK_H323_ZONEC_TRIES) {
			/* H.225.0 7.6: the same message again. */
			zc->tries++;
			zc->next = now_ms + LK_H323_ZONEC_RETRY_MS;
			queue(zc, &zc->pending);
			break;
		}
		zc->info.failures++;
		lk_warn("zone %u: no answer from the Expressway at %s to %u "
			"RRQs; trying again in %u s", zc->p.zone, zc->info.peer,
			zc->tries, zc->p.retry);
		go_down(zc, now_ms + (uint64_t)zc->p.retry * 1000, unix_s);
		break;
	}
}

static void on_rcf(struct lk_h323_zonec *zc, const struct lk_asn_val *body,
		   uint64_t now_ms, uint64_t unix_s)
{
	const struct lk_asn_val *v = lk_asn_get(body, "timeToLive");
	uint32_t ttl = v ? (uint32_t)v->u.i : zc->p.ttl;
	uint64_t period;

	if (zc->state == LK_H323_ZONEC_REGISTERING) {
		lk_asn_str_ascii(lk_asn_get(body, "endpointIdentifier"),
				 zc->epid, sizeof(zc->epid));
		zc->info.registrations++;
		lk_info("zone %u: registered to the Expressway at %s "
			"(timeToLive %u s)", zc->p.zone, zc->info.peer, ttl);
	}
	else {
		zc->info.keepalives++;
	}
	if (!ttl)
		ttl = 1;
	zc->ttl = ttl;
	/* Refreshed well inside the period (H.460.18 7.2). */
	period = (uint64_t)ttl * 2000 / 3;
	if (period < 500)
		period = 500;
	zc->state = LK_H323_ZONEC_REGISTERED;
	zc->next = now_ms + period;
	zc->info.last_keepalive = unix_s;
	set_registered(zc, true, unix_s);
}

static void on_rrj(struct lk_h323_zonec *zc, const struct lk_asn_val *body,
		   uint64_t now_ms, uint64_t unix_s)
{
	const char *why = lk_asn_choice_name(lk_asn_get(body,
							"rejectReason"));

	zc->info.rejected++;
	if (why && !strcmp(why, "fullRegistrationRequired")) {
		lk_info("zone %u: the Expressway at %s no longer knows our "
			"registration; registering again", zc->p.zone,
			zc->info.peer);
		go_down(zc, now_ms, unix_s);
		return;
	}
	lk_warn("zone %u: the Expressway at %s rejected our registration "
		"(%s%s); trying again in %u s", zc->p.zone, zc->info.peer,
		why ? why : "?", why && !strcmp(why, "securityDenial") ?
		": check the zone's Username and Password" : "",
		zc->p.retry);
	go_down(zc, now_ms + (uint64_t)zc->p.retry * 1000, unix_s);
}

/*
 * H.460.18 8.2: an SCR (same requestSeqNum), then the call's hook (err:
 * what reading the SCI's IncomingCallIndication gave).  The SCI was read
 * out of the arena already, which the SCR reuses.
 */
static void on_sci(struct lk_h323_zonec *zc, uint16_t seq, int err,
		   const struct sockaddr_in *csa, const uint8_t callid[16])
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *rbody;
	struct zonec_out o;
	unsigned i;

	lk_asn_arena_init(&ar, zc->arena, sizeof(zc->arena));
	msg = lk_ras_new(&ar, "serviceControlResponse", seq, &rbody);
	if (!msg || !lk_asn_set(&ar, lk_asn_set(&ar, rbody, "result"),
				"started") ||
	    lk_ras_encode(msg, o.msg, sizeof(o.msg), &o.len))
		return;
	queue(zc, &o);
	zc->info.sci++;
	if (err) {
		if (err != ENOENT) {
			zc->info.malformed++;
			lk_warn_limited("zone %u: an SCI whose "
					"IncomingCallIndication does not "
					"decode", zc->p.zone);
		}
		return;
	}
	/* A repeated SCI (our SCR was lost) for a call followed already. */
	for (i = 0; i < zc->nrecent && i < LK_H323_ZONEC_RECENT; i++) {
		if (!memcmp(zc->recent[i], callid, 16)) {
			zc->info.ignored++;
			lk_debug("zone %u: a repeated SCI for a call already "
				 "picked up", zc->p.zone);
			return;
		}
	}
	/* Only the Expressway itself: not a relay to anywhere else. */
	if (csa->sin_addr.s_addr != zc->p.peer.sin_addr.s_addr) {
		zc->info.ignored++;
		lk_warn_limited("zone %u: an SCI names %s, not the Expressway "
				"at %s: not picked up", zc->p.zone,
				inet_ntoa(csa->sin_addr), zc->info.peer);
		return;
	}
	memcpy(zc->recent[zc->nrecent++ % LK_H323_ZONEC_RECENT], callid, 16);
	if (zc->p.callh)
		zc->p.callh(zc->p.zone, csa, callid, zc->p.arg);
	else
		lk_warn_limited("zone %u: an incoming call by SCI, but no "
				"call signalling to pick it up", zc->p.zone);
}

int lk_h323_zonec_input(struct lk_h323_zonec *zc, const uint8_t *p,
			size_t len, uint64_t now_ms, uint64_t unix_s)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg = NULL, *body;
	const char *kind;
	size_t errbit = 0;
	uint16_t seq;

	if (!zc || !p)
		return EINVAL;
	lk_asn_arena_init(&ar, zc->arena, sizeof(zc->arena));
	if (lk_ras_decode(p, len, &ar, &msg, &errbit) ||
	    lk_ras_seqnum(msg, &seq)) {
		zc->info.malformed++;
		lk_warn_limited("zone %u: %zu bytes from the Expressway at %s "
				"are not RAS (bit %zu); dropped", zc->p.zone,
				len, zc->info.peer, errbit);
		return EBADMSG;
	}
	kind = lk_ras_kind(msg);
	body = lk_ras_body(msg);
	if ((!strcmp(kind, "registrationConfirm") ||
	     !strcmp(kind, "registrationReject")) &&
	    (zc->state == LK_H323_ZONEC_REGISTERING ||
	     zc->state == LK_H323_ZONEC_REFRESHING) && seq == zc->seq) {
		if (kind[12] == 'C')
			on_rcf(zc, body, now_ms, unix_s);
		else
			on_rrj(zc, body, now_ms, unix_s);
		return 0;
	}
	if (!strcmp(kind, "serviceControlIndication")) {
		struct sockaddr_in csa;
		uint8_t callid[16];
		int err = lk_h46018_sci_incoming(body, &csa, callid);

		on_sci(zc, seq, err, &csa, callid);
		return 0;
	}
	if (!strcmp(kind, "unregistrationRequest")) {
		/* H.225.0 7.10.2: confirm, then register afresh. */
		struct zonec_out o;
		struct lk_asn_val *u, *ubody;

		u = lk_ras_new(&ar, "unregistrationConfirm", seq, &ubody);
		if (u && !lk_ras_encode(u, o.msg, sizeof(o.msg), &o.len))
			queue(zc, &o);
		lk_info("zone %u: the Expressway at %s unregistered us; "
			"registering again", zc->p.zone, zc->info.peer);
		go_down(zc, now_ms, unix_s);
		return 0;
	}
	zc->info.ignored++;
	lk_debug("zone %u: RAS %s from the Expressway ignored", zc->p.zone,
		 kind);
	return ENOENT;
}

/* ---- The daemon's side: sockets, timers, the Expressway's zones. ---- */

/* One zone of the role: a client (Control) or a zone gatekeeper. */
struct zone {
	unsigned number;
	const struct lk_zone_conf *zc;
	struct lk_h323_zonec *client;
	struct lk_h323_gk *gk;		/* server */
	struct lk_h323_ras *ras;	/* server: its socket */
	uint32_t last_ts;		/* newest token timeStamp taken */
	uint64_t last_rrq;		/* unix s of the last RRQ let through */
	uint64_t since;
	bool was_up;
	uint64_t malformed_tokens;
};

struct lk_h323_zones {
	const struct lk_conf *conf;
	bool client;
	struct lk_h323_ras *ras;	/* Control: the gatekeeper's socket */
	struct event *tick;
	struct zone z[LK_ZONES_MAX];
	unsigned n;
	lk_h323_zonec_call_h *callh;
	void *call_arg;
};

static uint64_t unix_now(void)
{
	return (uint64_t)time(NULL);
}

static void zones_destructor(void *arg)
{
	struct lk_h323_zones *zs = arg;
	unsigned i;

	if (zs->tick)
		event_free(zs->tick);
	if (zs->ras)
		lk_h323_ras_set_peer(zs->ras, NULL, NULL);
	for (i = 0; i < zs->n; i++) {
		mem_deref(zs->z[i].client);
		mem_deref(zs->z[i].ras);
		mem_deref(zs->z[i].gk);
	}
}

static void client_flush(struct lk_h323_zones *zs, struct zone *z)
{
	uint8_t buf[MSG_MAX];
	size_t len;

	while (!lk_h323_zonec_pop(z->client, buf, sizeof(buf), &len)) {
		struct sockaddr_in to;

		memset(&to, 0, sizeof(to));
		to.sin_family = AF_INET;
		to.sin_port = htons(z->zc->h323_port);
		(void)inet_pton(AF_INET, z->zc->peer_address, &to.sin_addr);
		(void)lk_h323_ras_send(zs->ras, buf, len, &to);
	}
}

/* A datagram on the Control's RAS socket: one of the zones' peers? */
static bool client_peer(const uint8_t *p, size_t len,
			const struct sockaddr_in *from, void *arg)
{
	struct lk_h323_zones *zs = arg;
	struct sockaddr_in peer;
	unsigned i;

	for (i = 0; i < zs->n; i++) {
		struct zone *z = &zs->z[i];

		if (!z->client ||
		    inet_pton(AF_INET, z->zc->peer_address,
			      &peer.sin_addr) != 1 ||
		    peer.sin_addr.s_addr != from->sin_addr.s_addr ||
		    from->sin_port != htons(z->zc->h323_port))
			continue;
		(void)lk_h323_zonec_input(z->client, p, len, lk_clock_ms(),
					  unix_now());
		client_flush(zs, z);
		return true;
	}
	return false;
}

/* The server's registration came or went: say so once. */
static void server_watch(struct zone *z, uint64_t now_ms)
{
	struct sockaddr_in src;
	bool up = !lk_h323_gk_first(z->gk, now_ms, &src);

	if (up == z->was_up)
		return;
	z->was_up = up;
	z->since = unix_now();
	if (up)
		lk_info("zone %u: the traversal client registered from %s:%u",
			z->number, inet_ntoa(src.sin_addr),
			ntohs(src.sin_port));
	else
		lk_info("zone %u: the traversal client's registration ended",
			z->number);
}

static void zones_tick(evutil_socket_t fd, short what, void *arg)
{
	struct lk_h323_zones *zs = arg;
	uint64_t now = lk_clock_ms();
	unsigned i;

	(void)fd;
	(void)what;
	for (i = 0; i < zs->n; i++) {
		struct zone *z = &zs->z[i];

		if (z->client) {
			lk_h323_zonec_tick(z->client, now, unix_now());
			client_flush(zs, z);
		}
		else if (z->gk) {
			server_watch(z, now);
		}
	}
}

/*
 * The zone gatekeeper's check of an RRQ (lk_h323_gk_auth_h): the zone's
 * credentials in a cryptoEPPwdHash, when the zone has a Username.
 */
static int server_auth(const struct lk_asn_val *rrq,
		       const struct sockaddr_in *from, void *arg)
{
	struct zone *z = arg;
	const struct lk_asn_val *tok = lk_asn_get(rrq, "cryptoTokens");
	int err;

	if (!*z->zc->username) {
		z->last_rrq = unix_now();
		return 0;
	}
	if (!tok || !tok->type || tok->type->kind != LK_ASN_OPEN)
		err = ENOENT;
	else
		err = lk_h235_pwdhash_check(tok->u.str.p, tok->u.str.len,
					    z->zc->username, z->zc->password,
					    unix_now(), &z->last_ts);
	if (err) {
		if (err == EBADMSG)
			z->malformed_tokens++;
		/* Never the token or the password: only what was wrong. */
		lk_warn_limited("zone %u: RRQ from %s:%u refused: %s",
				z->number, inet_ntoa(from->sin_addr),
				ntohs(from->sin_port),
				err == ENOENT ? "no password token for the "
				"zone's Username" : err == EBADMSG ?
				"its cryptoTokens do not decode" :
				err == ETIMEDOUT ? "its token's timeStamp is "
				"stale or out of the clock window" :
				"wrong password");
		return err;
	}
	z->last_rrq = unix_now();
	return 0;
}

static int server_start(struct zone *z, struct event_base *base,
			const struct lk_conf *conf, int *fdp, char *errbuf,
			size_t errsz)
{
	char gkid[32];
	struct lk_h323_gk_params p = { .ttl = 3600, .max_regs = 1,
		.no_discover = true, .overwrite = true,
		.h46018_ttl = LK_H46018_TTL, .auth = server_auth,
		.auth_arg = z, .gkid = gkid };
	int fd = *fdp, err;

	snprintf(gkid, sizeof(gkid), "latchkey-zone-%u", z->number);
	p.ras.sin_family = AF_INET;
	p.callsig.sin_family = AF_INET;
	if (inet_pton(AF_INET, conf->address, &p.ras.sin_addr) != 1) {
		/* As the gatekeeper on 1719: IPv6 RAS is not served yet. */
		lk_warn("zone %u: H.323 is served over IPv4 only, and [System] "
			"Address is %s: UDP %u stays bound, not served",
			z->number, conf->address, z->zc->h323_port);
		return 0;
	}
	p.callsig.sin_addr = p.ras.sin_addr;
	p.ras.sin_port = htons(z->zc->h323_port);
	p.callsig.sin_port = htons(conf->h323_q931_port);
	if (fd < 0) {
		snprintf(errbuf, errsz, "zone %u: UDP %u (H.323 port) is not "
			 "bound", z->number, z->zc->h323_port);
		return ENOENT;
	}
	*fdp = -1;		/* ours now, whatever happens */
	err = lk_h323_gk_alloc(&z->gk, &p);
	if (!err)
		err = lk_h323_ras_alloc(&z->ras, base, fd, z->gk);
	else
		close(fd);
	if (err)
		snprintf(errbuf, errsz, "zone %u: cannot serve UDP %u: %s",
			 z->number, z->zc->h323_port, strerror(err));
	return err;
}

static void client_call(unsigned zone, const struct sockaddr_in *csa,
			const uint8_t callid[16], void *arg)
{
	struct lk_h323_zones *zs = arg;

	if (zs->callh)
		zs->callh(zone, csa, callid, zs->call_arg);
	else
		lk_warn_limited("zone %u: an incoming call by SCI, but H.323 "
				"call signalling is off", zone);
}

static int client_start(struct lk_h323_zones *zs, struct zone *z,
			const struct lk_conf *conf, char *errbuf,
			size_t errsz)
{
	struct lk_h323_zonec_params p = { .zone = z->number,
		.user = z->zc->username, .password = z->zc->password,
		.ttl = z->zc->keepalive_interval,
		.retry = z->zc->retry_interval, .callh = client_call,
		.arg = zs };
	int err;

	p.peer.sin_family = AF_INET;
	p.peer.sin_port = htons(z->zc->h323_port);
	p.ras.sin_family = p.csa.sin_family = AF_INET;
	if (inet_pton(AF_INET, z->zc->peer_address, &p.peer.sin_addr) != 1 ||
	    inet_pton(AF_INET, conf->address, &p.ras.sin_addr) != 1) {
		lk_warn("zone %u: H.323 is served over IPv4 only (Peer address "
			"%s, [System] Address %s): its H.323 side does not "
			"register", z->number, z->zc->peer_address,
			conf->address);
		return 0;
	}
	p.csa.sin_addr = p.ras.sin_addr;
	p.ras.sin_port = htons(conf->h323_ras_port);
	p.csa.sin_port = htons(conf->h323_q931_port);
	err = lk_h323_zonec_alloc(&z->client, &p);
	if (err)
		snprintf(errbuf, errsz, "zone %u: %s", z->number,
			 strerror(err));
	return err;
}

int lk_h323_zones_alloc(struct lk_h323_zones **zsp, struct event_base *base,
			const struct lk_conf *conf, int *fds,
			struct lk_h323_ras *ras, char *errbuf, size_t errsz)
{
	struct lk_h323_zones *zs;
	unsigned i;
	int err = 0;

	if (!zsp || !base || !conf || !errbuf || !errsz)
		return EINVAL;
	*errbuf = '\0';
	zs = mem_zalloc(sizeof(*zs), zones_destructor);
	if (!zs)
		return ENOMEM;
	zs->conf = conf;
	zs->client = conf->role != LK_ROLE_EXPRESSWAY;
	for (i = 0; i < conf->nzones && i < LK_ZONES_MAX && !err; i++) {
		struct zone *z = &zs->z[i];

		zs->n = i + 1;
		z->number = i + 1;
		z->zc = &conf->zones[i];
		if (!zs->client) {
			err = fds ? server_start(z, base, conf, &fds[i],
						 errbuf, errsz) : ENOENT;
		}
		else if (*z->zc->peer_address && ras) {
			err = client_start(zs, z, conf, errbuf, errsz);
		}
	}
	if (!err && zs->client && ras) {
		zs->ras = ras;
		lk_h323_ras_set_peer(ras, client_peer, zs);
	}
	zs->tick = event_new(base, -1, EV_PERSIST, zones_tick, zs);
	if (!err && (!zs->tick ||
		     event_add(zs->tick, &(struct timeval){ 0, 250000 }) < 0))
		err = ENOMEM;
	if (err) {
		if (!*errbuf)
			snprintf(errbuf, errsz, "H.323 zones: %s",
				 strerror(err));
		mem_deref(zs);
		return err;
	}
	/* The first RRQs now rather than a tick later. */
	zones_tick(-1, 0, zs);
	*zsp = zs;
	return 0;
}

void lk_h323_zones_set_call(struct lk_h323_zones *zs,
			    lk_h323_zonec_call_h *h, void *arg)
{
	if (!zs)
		return;
	zs->callh = h;
	zs->call_arg = arg;
}

int lk_h323_zones_route(const struct lk_h323_zones *zs, unsigned zone,
			struct sockaddr_in *dst)
{
	const struct zone *z;

	if (!zs || !dst || !zone || zone > zs->n)
		return EINVAL;
	z = &zs->z[zone - 1];
	if (z->gk)
		return lk_h323_gk_first(z->gk, lk_clock_ms(), dst) ? ENOENT :
									  0;
	if (!z->client || !z->client->info.registered)
		return ENOENT;
	memset(dst, 0, sizeof(*dst));
	dst->sin_family = AF_INET;
	dst->sin_port = htons(zs->conf->h323_q931_port);
	(void)inet_pton(AF_INET, z->zc->peer_address, &dst->sin_addr);
	return 0;
}

int lk_h323_zones_sci(struct lk_h323_zones *zs,
		      const struct sockaddr_in *reg, const uint8_t callid[16],
		      bool cancel)
{
	unsigned i;
	int err;

	for (i = 0; zs && i < zs->n; i++) {
		if (!zs->z[i].gk)
			continue;
		err = lk_h323_gk_sci_send(reg, callid, cancel, zs->z[i].gk);
		/* A cancel goes to every table (and then the caller's). */
		if (!cancel && err != ENOENT)
			return err;
	}
	return ENOENT;
}

bool lk_h323_zones_is_client(const struct lk_h323_zones *zs,
			     const struct sockaddr_in *peer)
{
	struct sockaddr_in src;
	unsigned i;

	for (i = 0; zs && peer && i < zs->n; i++) {
		if (zs->z[i].gk &&
		    !lk_h323_gk_first(zs->z[i].gk, lk_clock_ms(), &src) &&
		    src.sin_addr.s_addr == peer->sin_addr.s_addr)
			return true;
	}
	return false;
}

unsigned lk_h323_zones_info(const struct lk_h323_zones *zs,
			    struct lk_h323_zone_info *out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; zs && out && i < zs->n && n < max; i++) {
		const struct zone *z = &zs->z[i];
		struct lk_h323_zone_info *o = &out[n];
		struct lk_h323_gk_stats st;
		struct sockaddr_in src;

		if (z->client) {
			lk_h323_zonec_info(z->client, o);
			n++;
			continue;
		}
		if (!z->gk)
			continue;
		memset(o, 0, sizeof(*o));
		o->number = z->number;
		lk_h323_gk_stats(z->gk, &st);
		if (!lk_h323_gk_first(z->gk, lk_clock_ms(), &src)) {
			o->registered = true;
			snprintf(o->peer, sizeof(o->peer), "%s:%u",
				 inet_ntoa(src.sin_addr), ntohs(src.sin_port));
		}
		o->since = z->since;
		o->last_keepalive = z->last_rrq;
		o->registrations = st.registrations;
		o->keepalives = st.keepalives;
		o->rejected = st.rejects;
		o->denied = st.denied;
		o->malformed = st.malformed + z->malformed_tokens;
		o->ignored = st.ignored;
		o->sci = st.sci_sent;
		n++;
	}
	return n;
}
