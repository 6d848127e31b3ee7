/* signalling/h323/gk.c  Gatekeeper RAS: registrations, keep-alives, retransmissions (H.225.0 7.9). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "clock.h"
#include "h323/gk.h"
#include "h323/h460.h"
#include "h323/h46019.h"
#include "h323/ras.h"
#include "log.h"

#define MAX_ALIASES 8
#define ALIAS_BYTES 128
#define RETX_SLOTS 64
#define REPLY_MAX 1024
#define OUT_SLOTS 16
#define ARENA_BYTES (1 << 18)

/* An alias as the AliasAddress alternative and its string's octets. */
struct gk_alias {
	uint8_t kind;
	uint16_t len;
	uint8_t b[ALIAS_BYTES];
};

struct gk_reg {
	bool used;
	char epid[32];
	struct gk_alias alias[MAX_ALIASES];
	unsigned nalias;
	struct sockaddr_in src;		/* where its RAS messages come from */
	struct sockaddr_in csa;		/* its callSignalAddress */
	uint64_t expires;
	bool h46018;
	bool h46019, h46019_mux;	/* feature 19, its parameter 1 */
};

/* The last replies, so a retransmitted request gets the same octets. */
struct gk_retx {
	bool used;
	struct sockaddr_in from;
	uint16_t seq;
	uint8_t kind;
	uint32_t hash;			/* of the request's octets */
	uint64_t at;
	size_t len;
	uint8_t reply[REPLY_MAX];
};

/* A message the gatekeeper starts (URQ), waiting for lk_h323_gk_pop(). */
struct gk_out {
	struct sockaddr_in to;
	size_t len;
	uint8_t msg[REPLY_MAX];
};

struct lk_h323_gk {
	struct lk_h323_gk_params p;
	lk_h323_gk_disengage_h *disengageh;
	void *disengage_arg;
	char gkid[64];
	struct gk_reg *regs;
	unsigned next_id;
	unsigned retx_next;
	struct gk_retx retx[RETX_SLOTS];
	struct gk_out out[OUT_SLOTS];
	unsigned nout;
	uint16_t out_seq;
	struct lk_h46018_scis sci;	/* H.460.18 SCIs waiting for SCR */
	struct lk_h323_ras *ras;	/* the socket serving it, if any */
	struct lk_h323_gk_stats st;
	uint8_t arena[ARENA_BYTES];
	uint8_t arena2[ARENA_BYTES / 8];	/* for what gk starts */
};

/* A handler's "no reply" (an IRR without needResponse, ...). */
static struct lk_asn_val no_reply;

static void gk_destructor(void *arg)
{
	struct lk_h323_gk *gk = arg;

	mem_deref(gk->regs);
}

int lk_h323_gk_alloc(struct lk_h323_gk **gkp,
		     const struct lk_h323_gk_params *p)
{
	struct lk_h323_gk *gk;

	if (!gkp || !p || !p->ttl || !p->max_regs || !p->gkid ||
	    !*p->gkid || strlen(p->gkid) >= sizeof(gk->gkid))
		return EINVAL;
	gk = mem_zalloc(sizeof(*gk), gk_destructor);
	if (!gk)
		return ENOMEM;
	gk->p = *p;
	/* Expressway "Call time to live": 120 s; irrFrequency is 16 bits. */
	if (!gk->p.call_ttl)
		gk->p.call_ttl = 120;
	if (gk->p.call_ttl > 65535)
		gk->p.call_ttl = 65535;
	strcpy(gk->gkid, p->gkid);
	gk->p.gkid = gk->gkid;
	gk->regs = mem_zalloc(p->max_regs * sizeof(*gk->regs), NULL);
	if (!gk->regs) {
		mem_deref(gk);
		return ENOMEM;
	}
	*gkp = gk;
	return 0;
}

/* FNV-1a: tells a retransmission from a new request reusing the number. */
static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static bool same_addr(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

static bool reg_live(const struct gk_reg *r, uint64_t now)
{
	return r->used && r->expires > now;
}

unsigned lk_h323_gk_count(const struct lk_h323_gk *gk, uint64_t now_ms)
{
	unsigned i, n = 0;

	for (i = 0; gk && i < gk->p.max_regs; i++)
		n += reg_live(&gk->regs[i], now_ms);
	return n;
}

int lk_h323_gk_first(const struct lk_h323_gk *gk, uint64_t now_ms,
		     struct sockaddr_in *src)
{
	unsigned i;

	for (i = 0; gk && src && i < gk->p.max_regs; i++) {
		if (reg_live(&gk->regs[i], now_ms)) {
			*src = gk->regs[i].src;
			return 0;
		}
	}
	return ENOENT;
}

void lk_h323_gk_stats(const struct lk_h323_gk *gk,
		      struct lk_h323_gk_stats *st)
{
	if (!gk || !st)
		return;
	*st = gk->st;
	st->sci_sent = gk->sci.sent;
	st->sci_retransmits = gk->sci.retransmits;
	st->sci_unanswered = gk->sci.unanswered;
}

/*
 * The next message the gatekeeper started (a URQ), for the caller to send
 * to *to: 0, or ENOENT when the outbox is empty.
 */
int lk_h323_gk_pop(struct lk_h323_gk *gk, uint8_t *buf, size_t cap,
		   size_t *len, struct sockaddr_in *to)
{
	struct gk_out *o;

	if (!gk || !buf || !len || !to)
		return EINVAL;
	if (!gk->nout)
		return ENOENT;
	o = &gk->out[0];
	if (o->len > cap)
		return ENOSPC;
	memcpy(buf, o->msg, o->len);
	*len = o->len;
	*to = o->to;
	gk->nout--;
	memmove(&gk->out[0], &gk->out[1], gk->nout * sizeof(gk->out[0]));
	return 0;
}

/* Whether a live registration has this callSignalAddress or RAS source. */
bool lk_h323_gk_is_registered(const struct lk_h323_gk *gk,
			      const struct sockaddr_in *addr, uint64_t now_ms)
{
	unsigned i;

	for (i = 0; gk && addr && i < gk->p.max_regs; i++) {
		const struct gk_reg *r = &gk->regs[i];

		if (reg_live(r, now_ms) &&
		    ((r->csa.sin_addr.s_addr == addr->sin_addr.s_addr &&
		      r->csa.sin_port == addr->sin_port) ||
		     (r->src.sin_addr.s_addr == addr->sin_addr.s_addr &&
		      r->src.sin_port == addr->sin_port)))
			return true;
	}
	return false;
}

/* BMPString / IA5String value equal to an ASCII text. */
static bool str_is(const struct lk_asn_val *v, const char *ascii)
{
	char buf[300];

	lk_asn_str_ascii(v, buf, sizeof(buf));
	return v && !strcmp(buf, ascii);
}

/*
 * The live registration an endpointIdentifier names.  Identifiers are
 * "lk<slot>-<serial>" (on_rrq), so the slot is read from the name, not
 * searched for: a keep-alive costs the same with 4096 registrations as
 * with one (perf/bench_ras: 82 us each with a scan of the table, before).
 */
static struct gk_reg *reg_by_epid(struct lk_h323_gk *gk,
				  const struct lk_asn_val *epid, uint64_t now)
{
	char buf[sizeof(gk->regs[0].epid) + 1], *end;
	unsigned long slot;
	struct gk_reg *r;

	if (!epid || lk_asn_str_ascii(epid, buf, sizeof(buf)) >=
	    sizeof(buf) - 1 || strncmp(buf, "lk", 2) || buf[2] < '0' ||
	    buf[2] > '9')
		return NULL;
	slot = strtoul(buf + 2, &end, 10);
	if (*end != '-' || slot >= gk->p.max_regs)
		return NULL;
	r = &gk->regs[slot];
	return reg_live(r, now) && !strcmp(r->epid, buf) ? r : NULL;
}

/*
 * An AliasAddress as kind + octets: the string ones (dialledDigits,
 * h323-ID, url-ID, email-ID) and the opaque ones; a transportID is not a
 * name to register and gives EINVAL, so does one too long to keep.
 */
static int alias_key(const struct lk_asn_val *a, struct gk_alias *k)
{
	const struct lk_asn_val *v = a->u.choice.v;
	size_t idx = a->u.choice.idx, n;

	/* 3 is transportID; past the table: an alternative from the future. */
	if (!v || idx == 3 || idx >= (size_t)a->type->nroot + a->type->next)
		return EINVAL;
	n = v->u.str.len * (idx == 1 ? 2 : 1);
	if (v->type->kind == LK_ASN_OPEN)
		n = v->u.str.len;
	if (n > ALIAS_BYTES)
		return EINVAL;
	k->kind = (uint8_t)idx;
	k->len = (uint16_t)n;
	memcpy(k->b, v->u.str.p, n);
	return 0;
}

static bool alias_eq(const struct gk_alias *a, const struct gk_alias *b)
{
	return a->kind == b->kind && a->len == b->len &&
	       !memcmp(a->b, b->b, a->len);
}

/* The stored alias back into an AliasAddress value v. */
static int alias_val(struct lk_asn_arena *ar, struct lk_asn_val *v,
		     const struct gk_alias *k)
{
	struct lk_asn_val *s = lk_asn_set(ar, v, v->type->members[k->kind].name);

	if (!s)
		return ENOMEM;
	if (lk_asn_set_octets(ar, s, k->b, k->len))
		return ENOMEM;
	if (s->type->kind == LK_ASN_STRING && k->kind == 1)
		s->u.str.len = k->len / 2;
	return 0;
}

static struct lk_asn_val *reply_new(struct lk_asn_arena *ar, const char *kind,
				    uint16_t seq, struct lk_asn_val **body)
{
	return lk_ras_new(ar, kind, seq, body);
}

static int set_reason(struct lk_asn_arena *ar, struct lk_asn_val *body,
		      const char *reason)
{
	struct lk_asn_val *r = lk_asn_set(ar, body, "rejectReason");

	return r && lk_asn_set(ar, r, reason) ? 0 : ENOMEM;
}

static struct lk_asn_val *reject(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar, const char *kind,
				 uint16_t seq, const char *reason)
{
	struct lk_asn_val *msg, *body;

	gk->st.rejects++;
	msg = reply_new(ar, kind, seq, &body);
	if (!msg || set_reason(ar, body, reason))
		return NULL;
	return msg;
}

static struct lk_asn_val *on_grq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq)
{
	struct lk_asn_val *gkid = lk_asn_get(req, "gatekeeperIdentifier");
	struct lk_asn_val *msg, *body;

	/* H.225.0 7.8.1: a GRQ naming another gatekeeper is refused. */
	if (gkid && !str_is(gkid, gk->gkid))
		return reject(gk, ar, "gatekeeperReject", seq,
			      "terminalExcluded");
	msg = reply_new(ar, "gatekeeperConfirm", seq, &body);
	if (!msg ||
	    lk_asn_set_str(ar, lk_asn_set(ar, body, "gatekeeperIdentifier"),
			   gk->gkid) ||
	    lk_ras_set_ipv4(ar, lk_asn_set(ar, body, "rasAddress"),
			    &gk->p.ras))
		return NULL;
	if (lk_ras_has_feature(req, 18) &&
	    lk_ras_add_feature(ar, body, "supportedFeatures", 18))
		return NULL;
	return msg;
}

static struct lk_asn_val *rcf(struct lk_h323_gk *gk, struct lk_asn_arena *ar,
			      uint16_t seq, const struct gk_reg *r,
			      uint32_t ttl)
{
	struct lk_asn_val *msg, *body, *l;
	unsigned i;

	msg = reply_new(ar, "registrationConfirm", seq, &body);
	if (!msg)
		return NULL;
	l = lk_asn_set(ar, body, "callSignalAddress");
	if (!l || lk_asn_seqof_resize(ar, l, 1) ||
	    lk_ras_set_ipv4(ar, &l->u.list.v[0], &gk->p.callsig))
		return NULL;
	if (r->nalias) {
		l = lk_asn_set(ar, body, "terminalAlias");
		if (!l || lk_asn_seqof_resize(ar, l, r->nalias))
			return NULL;
		for (i = 0; i < r->nalias; i++)
			if (alias_val(ar, &l->u.list.v[i], &r->alias[i]))
				return NULL;
	}
	if (lk_asn_set_str(ar, lk_asn_set(ar, body, "gatekeeperIdentifier"),
			   gk->gkid) ||
	    lk_asn_set_str(ar, lk_asn_set(ar, body, "endpointIdentifier"),
			   r->epid))
		return NULL;
	l = lk_asn_set(ar, body, "timeToLive");
	if (!l)
		return NULL;
	l->u.i = ttl;
	if (r->h46018 && lk_ras_add_feature(ar, body, "supportedFeatures", 18))
		return NULL;
	/* H.460.19: we are its media traversal server. */
	if (r->h46019 && lk_h46019_feature_add(ar, body, r->h46019_mux &&
					       gk->p.h46019_mux, true))
		return NULL;
	return msg;
}

static void log_nat(const struct lk_asn_val *list,
		    const struct sockaddr_in *from)
{
	struct sockaddr_in ras;
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!list || !list->u.list.n ||
	    lk_ras_get_ipv4(&list->u.list.v[0], &ras) || same_addr(&ras, from))
		return;
	inet_ntop(AF_INET, &ras.sin_addr, a, sizeof(a));
	inet_ntop(AF_INET, &from->sin_addr, b, sizeof(b));
	lk_warn_limited("rasAddress %s:%u differs from the source %s:%u "
			"(NAT?): replying to the source", a,
			ntohs(ras.sin_port), b, ntohs(from->sin_port));
}

/* The live registration other than self holding alias key, if any. */
static struct gk_reg *alias_owner(const struct lk_h323_gk *gk,
				  const struct gk_alias *key,
				  const struct gk_reg *self, uint64_t now)
{
	unsigned i, j;

	for (i = 0; i < gk->p.max_regs; i++) {
		struct gk_reg *r = &gk->regs[i];

		if (r == self || !reg_live(r, now))
			continue;
		for (j = 0; j < r->nalias; j++)
			if (alias_eq(&r->alias[j], key))
				return r;
	}
	return NULL;
}

/*
 * Where a call to one of these aliases (a list of H.225.0 AliasAddress,
 * such as Setup's destinationAddress or an ARQ's destinationInfo) goes:
 * the callSignalAddress of the live registration holding the first alias
 * that is registered.  ENOENT: none is.
 */
int lk_h323_gk_route(const struct lk_h323_gk *gk,
		     const struct lk_asn_val *aliases, uint64_t now_ms,
		     struct sockaddr_in *csa)
{
	struct gk_alias key;
	struct gk_reg *r;
	size_t k;

	if (!gk || !csa)
		return EINVAL;
	for (k = 0; aliases && aliases->type &&
	     aliases->type->kind == LK_ASN_SEQOF && k < aliases->u.list.n;
	     k++) {
		if (alias_key(&aliases->u.list.v[k], &key))
			continue;
		r = alias_owner(gk, &key, NULL, now_ms);
		if (r) {
			/* H.460.18: called by SCI on its RAS binding. */
			*csa = r->h46018 ? r->src : r->csa;
			return 0;
		}
	}
	return ENOENT;
}

/*
 * Queue a URQ to registration r (H.225.0 7.10.2: the gatekeeper may
 * unregister an endpoint), sent to where its RAS messages come from.
 */
static void queue_urq(struct lk_h323_gk *gk, const struct gk_reg *r,
		      const char *reason)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *l;
	struct gk_out *o;

	if (gk->nout == OUT_SLOTS) {
		lk_warn_limited("gatekeeper outbox full: URQ to %s not sent",
				r->epid);
		return;
	}
	if (!++gk->out_seq)
		gk->out_seq = 1;
	lk_asn_arena_init(&ar, gk->arena2, sizeof(gk->arena2));
	msg = lk_ras_new(&ar, "unregistrationRequest", gk->out_seq, &body);
	l = msg ? lk_asn_set(&ar, body, "callSignalAddress") : NULL;
	if (!l || lk_asn_seqof_resize(&ar, l, 1) ||
	    lk_ras_set_ipv4(&ar, &l->u.list.v[0], &r->csa) ||
	    lk_asn_set_str(&ar, lk_asn_set(&ar, body, "endpointIdentifier"),
			   r->epid) ||
	    lk_asn_set_str(&ar, lk_asn_set(&ar, body, "gatekeeperIdentifier"),
			   gk->gkid) ||
	    !lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"), reason))
		return;
	o = &gk->out[gk->nout];
	if (lk_ras_encode(msg, o->msg, sizeof(o->msg), &o->len))
		return;
	o->to = r->src;
	gk->nout++;
	gk->st.sent_urq++;
}

static struct lk_asn_val *on_rrq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 const struct sockaddr_in *from, uint64_t now)
{
	struct lk_asn_val *v, *aliases, *dup;
	struct gk_alias keys[MAX_ALIASES];
	struct gk_reg *self, *slot = NULL;
	struct sockaddr_in csa;
	unsigned i, k, nkeys = 0, ndup = 0;
	uint32_t ttl = gk->p.ttl;

	v = lk_asn_get(req, "timeToLive");
	if (v && v->u.i < ttl)
		ttl = (uint32_t)v->u.i;
	/*
	 * H.460.18 7.2: the keep-alive period is the RCF's timeToLive, and it
	 * has to be shorter than the NAT's binding lifetime.
	 */
	if (lk_ras_has_feature(req, LK_H460_18) && gk->p.h46018_ttl &&
	    ttl > gk->p.h46018_ttl)
		ttl = gk->p.h46018_ttl;
	if (gk->p.auth && gk->p.auth(req, from, gk->p.auth_arg)) {
		gk->st.denied++;
		return reject(gk, ar, "registrationReject", seq,
			      "securityDenial");
	}
	self = reg_by_epid(gk, lk_asn_get(req, "endpointIdentifier"), now);
	log_nat(lk_asn_get(req, "rasAddress"), from);

	/* H.225.0 7.9.1: a lightweight RRQ only refreshes the TTL. */
	v = lk_asn_get(req, "keepAlive");
	if (v && v->u.i) {
		if (!self)
			return reject(gk, ar, "registrationReject", seq,
				      "fullRegistrationRequired");
		if (self->h46018 && gk->p.h46018_ttl &&
		    ttl > gk->p.h46018_ttl)
			ttl = gk->p.h46018_ttl;
		self->expires = now + (uint64_t)ttl * 1000;
		self->src = *from;
		gk->st.keepalives++;
		return rcf(gk, ar, seq, self, ttl);
	}

	v = lk_asn_get(req, "callSignalAddress");
	if (!v || !v->u.list.n || lk_ras_get_ipv4(&v->u.list.v[0], &csa))
		return reject(gk, ar, "registrationReject", seq,
			      "invalidCallSignalAddress");
	aliases = lk_asn_get(req, "terminalAlias");
	for (i = 0; aliases && i < aliases->u.list.n; i++) {
		if (aliases->u.list.v[i].u.choice.idx == 3)
			continue;	/* transportID: not a name */
		if (nkeys == MAX_ALIASES ||
		    alias_key(&aliases->u.list.v[i], &keys[nkeys]))
			return reject(gk, ar, "registrationReject", seq,
				      "invalidAlias");
		nkeys++;
	}
	/* The same endpoint registering again without its identifier. */
	for (i = 0; !self && i < gk->p.max_regs; i++)
		if (reg_live(&gk->regs[i], now) &&
		    same_addr(&gk->regs[i].csa, &csa) &&
		    same_addr(&gk->regs[i].src, from))
			self = &gk->regs[i];

	/*
	 * Registration conflict mode "overwrite": the older registrations
	 * holding one of the aliases go, each told with a URQ.
	 */
	for (k = 0; gk->p.overwrite && k < nkeys; k++) {
		struct gk_reg *old;

		while ((old = alias_owner(gk, &keys[k], self, now))) {
			lk_info("H.323 registration %s overwritten by a new "
				"one from %s:%u", old->epid,
				inet_ntoa(from->sin_addr),
				ntohs(from->sin_port));
			queue_urq(gk, old, "undefinedReason");
			memset(old, 0, sizeof(*old));
			gk->st.overwritten++;
		}
	}
	/* Registration conflict mode "reject" (the Expressway default). */
	for (k = 0; k < nkeys; k++)
		ndup += alias_owner(gk, &keys[k], self, now) != NULL;
	if (ndup) {
		struct lk_asn_val *msg;

		gk->st.rejects++;
		msg = reply_new(ar, "registrationReject", seq, &v);
		v = msg ? lk_asn_set(ar, v, "rejectReason") : NULL;
		dup = v ? lk_asn_set(ar, v, "duplicateAlias") : NULL;
		if (!dup || lk_asn_seqof_resize(ar, dup, ndup))
			return NULL;
		for (k = 0, i = 0; k < nkeys; k++)
			if (alias_owner(gk, &keys[k], self, now) &&
			    alias_val(ar, &dup->u.list.v[i++], &keys[k]))
				return NULL;
		return msg;
	}

	slot = self;
	for (i = 0; !slot && i < gk->p.max_regs; i++)
		if (!reg_live(&gk->regs[i], now))
			slot = &gk->regs[i];
	if (!slot)
		return reject(gk, ar, "registrationReject", seq,
			      "resourceUnavailable");
	if (slot != self) {
		memset(slot, 0, sizeof(*slot));
		slot->used = true;
		snprintf(slot->epid, sizeof(slot->epid), "lk%u-%u",
			 (unsigned)(slot - gk->regs), ++gk->next_id);
	}
	memcpy(slot->alias, keys, nkeys * sizeof(keys[0]));
	slot->nalias = nkeys;
	slot->src = *from;
	slot->csa = csa;
	slot->expires = now + (uint64_t)ttl * 1000;
	slot->h46018 = lk_ras_has_feature(req, 18);
	slot->h46019 = lk_h46019_feature(req, &slot->h46019_mux, NULL);
	gk->st.registrations++;
	return rcf(gk, ar, seq, slot, ttl);
}

static struct lk_asn_val *on_urq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 uint64_t now)
{
	struct gk_reg *r = reg_by_epid(gk, lk_asn_get(req,
					"endpointIdentifier"), now);
	struct lk_asn_val *v = lk_asn_get(req, "callSignalAddress");
	struct sockaddr_in csa;
	unsigned i;

	/* Without an identifier, the registration of that address. */
	if (!r && !lk_asn_get(req, "endpointIdentifier") && v &&
	    v->u.list.n && !lk_ras_get_ipv4(&v->u.list.v[0], &csa))
		for (i = 0; !r && i < gk->p.max_regs; i++)
			if (reg_live(&gk->regs[i], now) &&
			    same_addr(&gk->regs[i].csa, &csa))
				r = &gk->regs[i];
	if (!r)
		return reject(gk, ar, "unregistrationReject", seq,
			      "notCurrentlyRegistered");
	memset(r, 0, sizeof(*r));
	gk->st.unregistrations++;
	return reply_new(ar, "unregistrationConfirm", seq, NULL);
}

/* Whether a call to dest goes through us: a registered alias, or admit. */
static bool routable(struct lk_h323_gk *gk, const struct lk_asn_val *dest,
		     uint64_t now)
{
	struct sockaddr_in csa;

	if (!lk_h323_gk_route(gk, dest, now, &csa))
		return true;
	return gk->p.admit && !gk->p.admit(dest, gk->p.admit_arg);
}

/*
 * ARQ (H.225.0 7.11): a registered caller's call is admitted when the
 * destination is registered (or the admit hook takes it), and always
 * routed through the gatekeeper (seed: "H.323 call with registered
 * endpoint"): destCallSignalAddress is our 1720, so Setup comes to us.
 * The called endpoint's ARQ (answerCall TRUE) for a call we routed to it
 * is admitted the same way.  irrFrequency is "Call time to live".
 */
static struct lk_asn_val *on_arq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 uint64_t now)
{
	struct lk_asn_val *msg, *body, *v, *bw;
	size_t k;

	if (!reg_by_epid(gk, lk_asn_get(req, "endpointIdentifier"), now))
		return reject(gk, ar, "admissionReject", seq,
			      "callerNotRegistered");
	v = lk_asn_get(req, "answerCall");
	if (!(v && v->u.i) &&
	    !routable(gk, lk_asn_get(req, "destinationInfo"), now))
		return reject(gk, ar, "admissionReject", seq,
			      "calledPartyNotRegistered");
	msg = reply_new(ar, "admissionConfirm", seq, &body);
	bw = lk_asn_get(req, "bandWidth");
	v = msg ? lk_asn_set(ar, body, "bandWidth") : NULL;
	if (!v || !bw)
		return NULL;
	v->u.i = bw->u.i;	/* as asked: no bandwidth policy yet */
	if (!lk_asn_set(ar, lk_asn_set(ar, body, "callModel"),
			"gatekeeperRouted") ||
	    lk_ras_set_ipv4(ar, lk_asn_set(ar, body, "destCallSignalAddress"),
			    &gk->p.callsig))
		return NULL;
	v = lk_asn_set(ar, body, "irrFrequency");
	if (!v)
		return NULL;
	v->u.i = gk->p.call_ttl;
	v = lk_asn_set(ar, body, "uuiesRequested");
	if (!v)
		return NULL;
	for (k = 0; k < v->type->nroot; k++)
		v->u.list.v[k].present = true;	/* all FALSE */
	gk->st.admissions++;
	return msg;
}

/*
 * DRQ (H.225.0 7.11): from a registered endpoint, DCF, and the call it
 * names is cleared by the call signalling (the hook); the hook runs once
 * the DCF is built, so a call that is gone already changes nothing.  A
 * retransmitted DRQ gets the cached DCF before this (no second clear).
 */
static struct lk_asn_val *on_drq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 const struct sockaddr_in *from, uint64_t now)
{
	const struct lk_asn_val *guid, *why;
	struct lk_asn_val *out;

	if (!reg_by_epid(gk, lk_asn_get(req, "endpointIdentifier"), now))
		return reject(gk, ar, "disengageReject", seq, "notRegistered");
	gk->st.disengages++;
	out = reply_new(ar, "disengageConfirm", seq, NULL);
	guid = lk_asn_get(req, "callIdentifier.guid");
	why = lk_asn_get(req, "disengageReason");
	if (out && gk->disengageh && guid && guid->u.str.len == 16)
		gk->disengageh(guid->u.str.p, from,
			       why ? lk_asn_choice_name(why) : "?",
			       gk->disengage_arg);
	return out;
}

/* BRQ (H.225.0 7.12): granted as asked while there is no policy. */
static struct lk_asn_val *on_brq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 uint64_t now)
{
	struct lk_asn_val *msg, *body, *v, *bw = lk_asn_get(req, "bandWidth");

	if (!reg_by_epid(gk, lk_asn_get(req, "endpointIdentifier"), now)) {
		msg = reject(gk, ar, "bandwidthReject", seq, "notBound");
		v = msg ? lk_asn_set(ar, lk_ras_body(msg), "allowedBandWidth")
			: NULL;
		return v ? msg : NULL;	/* allowedBandWidth 0 */
	}
	msg = reply_new(ar, "bandwidthConfirm", seq, &body);
	v = msg ? lk_asn_set(ar, body, "bandWidth") : NULL;
	if (!v || !bw)
		return NULL;
	v->u.i = bw->u.i;
	gk->st.bandwidths++;
	return msg;
}

/*
 * LRQ (H.225.0 7.13), from an endpoint or another gatekeeper: a call to a
 * registered alias goes through us, so LCF gives our call signalling and
 * RAS addresses, never the endpoint's.  The answer goes to the source,
 * as every reply here (replyAddress is not used).
 */
static struct lk_asn_val *on_lrq(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 uint64_t now)
{
	struct lk_asn_val *msg, *body;

	if (!routable(gk, lk_asn_get(req, "destinationInfo"), now))
		return reject(gk, ar, "locationReject", seq, "notRegistered");
	msg = reply_new(ar, "locationConfirm", seq, &body);
	if (!msg ||
	    lk_ras_set_ipv4(ar, lk_asn_set(ar, body, "callSignalAddress"),
			    &gk->p.callsig) ||
	    lk_ras_set_ipv4(ar, lk_asn_set(ar, body, "rasAddress"),
			    &gk->p.ras))
		return NULL;
	gk->st.locations++;
	return msg;
}

/*
 * IRR (H.225.0 7.15): an endpoint's report, unsolicited every
 * irrFrequency seconds during a call; answered (IACK, or INAK from an
 * unknown endpoint) only when it asks with needResponse.
 */
static struct lk_asn_val *on_irr(struct lk_h323_gk *gk,
				 struct lk_asn_arena *ar,
				 struct lk_asn_val *req, uint16_t seq,
				 uint64_t now)
{
	struct lk_asn_val *need = lk_asn_get(req, "needResponse");
	bool known = reg_by_epid(gk, lk_asn_get(req, "endpointIdentifier"),
				 now) != NULL;

	gk->st.infos++;
	if (!need || !need->u.i)
		return &no_reply;
	if (!known) {
		struct lk_asn_val *msg, *body, *r;

		gk->st.rejects++;
		msg = reply_new(ar, "infoRequestNak", seq, &body);
		r = msg ? lk_asn_set(ar, body, "nakReason") : NULL;
		return r && lk_asn_set(ar, r, "notRegistered") ? msg : NULL;
	}
	return reply_new(ar, "infoRequestAck", seq, NULL);
}

/*
 * One RAS request from `from`: 0 and the reply in reply[0..*rlen), ENOENT
 * for a message that gets no reply, or the decoder's error for a bad one
 * (all counted).
 */
int lk_h323_gk_handle(struct lk_h323_gk *gk, const uint8_t *req, size_t len,
		      const struct sockaddr_in *from, uint64_t now_ms,
		      uint8_t *reply, size_t cap, size_t *rlen)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *out = NULL;
	struct gk_retx *c;
	const char *kind;
	size_t errbit = 0, i, n;
	uint32_t hash;
	uint16_t seq;
	int err;

	if (!gk || !req || !from || !reply || !rlen)
		return EINVAL;
	gk->st.requests++;
	lk_asn_arena_init(&ar, gk->arena, sizeof(gk->arena));
	err = lk_ras_decode(req, len, &ar, &msg, &errbit);
	if (err || lk_ras_seqnum(msg, &seq)) {
		gk->st.malformed++;
		lk_warn_limited("RAS from %s:%u: %zu bytes not decoded (%s at "
				"bit %zu); dropped", inet_ntoa(from->sin_addr),
				ntohs(from->sin_port), len,
				err ? strerror(err) : "no requestSeqNum",
				errbit);
		return err ? err : EBADMSG;
	}

	/* H.225.0 7.6: the same request again gets the same answer. */
	hash = fnv1a(req, len);
	for (i = 0; i < RETX_SLOTS; i++) {
		c = &gk->retx[i];
		if (c->used && c->seq == seq && same_addr(&c->from, from) &&
		    c->kind == msg->u.choice.idx && c->hash == hash &&
		    lk_clock_since(now_ms, c->at) < LK_H323_GK_RETX_MS) {
			if (c->len > cap)
				return ENOSPC;
			memcpy(reply, c->reply, c->len);
			*rlen = c->len;
			gk->st.retransmits++;
			return 0;
		}
	}

	body = lk_ras_body(msg);
	kind = lk_ras_kind(msg);
	if (!strcmp(kind, "gatekeeperRequest") && !gk->p.no_discover)
		out = on_grq(gk, &ar, body, seq);
	else if (!strcmp(kind, "registrationRequest"))
		out = on_rrq(gk, &ar, body, seq, from, now_ms);
	else if (!strcmp(kind, "unregistrationRequest")) {
		out = on_urq(gk, &ar, body, seq, now_ms);
		/*
		 * Every later request from there is a new one, even one
		 * octet for octet like a cached request (an endpoint that
		 * restarts its requestSeqNum at 1): no stale RCF for a
		 * registration that is gone.
		 */
		for (i = 0; i < RETX_SLOTS; i++)
			if (same_addr(&gk->retx[i].from, from))
				gk->retx[i].used = false;
	}
	else if (!strcmp(kind, "admissionRequest"))
		out = on_arq(gk, &ar, body, seq, now_ms);
	else if (!strcmp(kind, "disengageRequest"))
		out = on_drq(gk, &ar, body, seq, from, now_ms);
	else if (!strcmp(kind, "bandwidthRequest"))
		out = on_brq(gk, &ar, body, seq, now_ms);
	else if (!strcmp(kind, "locationRequest"))
		out = on_lrq(gk, &ar, body, seq, now_ms);
	else if (!strcmp(kind, "infoRequestResponse"))
		out = on_irr(gk, &ar, body, seq, now_ms);
	else if (!strcmp(kind, "serviceControlResponse")) {
		/* H.460.18 8.2: the endpoint took our SCI; no answer. */
		if (lk_h46018_sci_answer(&gk->sci, seq, from))
			gk->st.scr++;
		else
			gk->st.ignored++;
		return ENOENT;
	}
	else {
		gk->st.ignored++;
		lk_debug("RAS %s from %s:%u: not handled", kind,
			 inet_ntoa(from->sin_addr), ntohs(from->sin_port));
		return ENOENT;
	}
	if (!out)
		return ENOMEM;
	if (out == &no_reply)
		return ENOENT;
	err = lk_ras_encode(out, reply, cap, &n);
	if (err)
		return err;
	*rlen = n;
	if (n <= REPLY_MAX) {
		c = &gk->retx[gk->retx_next++ % RETX_SLOTS];
		c->used = true;
		c->from = *from;
		c->seq = seq;
		c->kind = (uint8_t)msg->u.choice.idx;
		c->hash = hash;
		c->at = now_ms;
		c->len = n;
		memcpy(c->reply, reply, n);
	}
	return 0;
}

/* Queue an encoded SCI for e in the outbox. */
static int queue_sci(struct lk_h323_gk *gk, const struct lk_h46018_sci *e)
{
	struct gk_out *o;
	int err;

	if (gk->nout == OUT_SLOTS) {
		lk_warn_limited("gatekeeper outbox full: SCI not sent");
		return ENOSPC;
	}
	o = &gk->out[gk->nout];
	err = lk_h46018_sci_encode(e->seq, &e->csa, e->callid, o->msg,
				   sizeof(o->msg), &o->len);
	if (err)
		return err;
	o->to = e->to;
	gk->nout++;
	return 0;
}

/*
 * H.460.18 8.2: tell the registration reached at `reg` (what
 * lk_h323_gk_route() gave: its RAS source) of call `callid`, to be picked
 * up at our call signalling address.  0: an SCI waits in the outbox;
 * EALREADY: one was sent for this call already (nothing new is sent);
 * ENOENT: `reg` is no live H.460.18 registration.  With `cancel` the
 * call's SCI is repeated no more (the endpoint connected, or the call is
 * over).
 */
int lk_h323_gk_sci(struct lk_h323_gk *gk, const struct sockaddr_in *reg,
		   const uint8_t callid[16], bool cancel, uint64_t now_ms)
{
	struct lk_h46018_sci *e;
	unsigned i;
	int err;

	if (!gk || !reg || !callid)
		return EINVAL;
	if (cancel) {
		lk_h46018_sci_cancel(&gk->sci, callid);
		return 0;
	}
	for (i = 0; i < gk->p.max_regs; i++) {
		const struct gk_reg *r = &gk->regs[i];

		if (reg_live(r, now_ms) && r->h46018 && same_addr(&r->src, reg))
			break;
	}
	if (i == gk->p.max_regs)
		return ENOENT;
	if (!++gk->out_seq)
		gk->out_seq = 1;
	e = lk_h46018_sci_add(&gk->sci, reg, &gk->p.callsig, callid,
			      gk->out_seq, now_ms, &err);
	if (!e || err)
		return err;
	err = queue_sci(gk, e);
	if (err)
		lk_h46018_sci_cancel(&gk->sci, callid);
	return err;
}

/* Repeat the SCIs whose SCR is overdue (into the outbox). */
void lk_h323_gk_tick(struct lk_h323_gk *gk, uint64_t now_ms)
{
	struct lk_h46018_sci *e;

	while (gk && (e = lk_h46018_sci_due(&gk->sci, now_ms)))
		(void)queue_sci(gk, e);
}

struct lk_h323_ras {
	struct event *ev;
	struct event *tick;
	int fd;
	struct lk_h323_gk *gk;
	uint64_t sent, send_errors;
	lk_h323_ras_peer_h *peerh;
	void *peer_arg;
};

static void ras_destructor(void *arg)
{
	struct lk_h323_ras *ras = arg;

	if (ras->ev)
		event_free(ras->ev);
	if (ras->tick)
		event_free(ras->tick);
	if (ras->gk && ras->gk->ras == ras)
		ras->gk->ras = NULL;
	if (ras->fd >= 0)
		close(ras->fd);
	mem_deref(ras->gk);
}

/* What the gatekeeper started (URQs), to where each registration is. */
static void ras_flush(struct lk_h323_ras *ras)
{
	struct sockaddr_in to;
	uint8_t msg[REPLY_MAX];
	size_t len;

	while (!lk_h323_gk_pop(ras->gk, msg, sizeof(msg), &len, &to)) {
		if (sendto(ras->fd, msg, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			ras->send_errors++;
		else
			ras->sent++;
	}
}

static void ras_recv(evutil_socket_t fd, short what, void *arg)
{
	struct lk_h323_ras *ras = arg;
	uint8_t buf[65536], reply[8192];
	struct sockaddr_storage ss;
	socklen_t sl;
	size_t rlen;
	ssize_t r;
	int i;

	(void)what;
	/* A read budget per wake-up, as signalling/listen.c (libuv's 32). */
	for (i = 0; i < 32; i++) {
		sl = sizeof(ss);
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
			     &sl);
		if (r < 0)
			break;
		if (ss.ss_family != AF_INET) {
			ras->gk->st.ignored++;	/* IPv6 RAS: not yet */
			continue;
		}
		if (ras->peerh && ras->peerh(buf, (size_t)r,
					     (struct sockaddr_in *)&ss,
					     ras->peer_arg))
			continue;
		if (!lk_h323_gk_handle(ras->gk, buf, (size_t)r,
				       (struct sockaddr_in *)&ss, lk_clock_ms(),
				       reply, sizeof(reply), &rlen)) {
			/* Always to the source: rasAddress may be behind
			 * NAT. */
			if (sendto(fd, reply, rlen, 0, (struct sockaddr *)&ss,
				   sl) < 0)
				ras->send_errors++;
			else
				ras->sent++;
		}
		ras_flush(ras);
	}
}

static void ras_tick(evutil_socket_t fd, short what, void *arg)
{
	struct lk_h323_ras *ras = arg;

	(void)fd;
	(void)what;
	lk_h323_gk_tick(ras->gk, lk_clock_ms());
	ras_flush(ras);
}

/*
 * lk_h323_gk_sci() now, the SCI sent at once by the RAS socket serving
 * the gatekeeper (lk_h323_sci_h of callsig.h).
 */
int lk_h323_gk_sci_send(const struct sockaddr_in *reg,
			const uint8_t callid[16], bool cancel, void *arg)
{
	struct lk_h323_gk *gk = arg;
	int err;

	if (!gk)
		return EINVAL;
	err = lk_h323_gk_sci(gk, reg, callid, cancel, lk_clock_ms());
	if (gk->ras)
		ras_flush(gk->ras);
	return err;
}

bool lk_h323_gk_h46019(const struct sockaddr_in *reg, bool *muxp, void *arg)
{
	struct lk_h323_gk *gk = arg;
	uint64_t now = lk_clock_ms();
	unsigned i;

	*muxp = false;
	for (i = 0; gk && reg && i < gk->p.max_regs; i++) {
		const struct gk_reg *r = &gk->regs[i];

		if (!reg_live(r, now) || !r->h46019 ||
		    (!same_addr(&r->src, reg) && !same_addr(&r->csa, reg)))
			continue;
		*muxp = r->h46019_mux && gk->p.h46019_mux;
		return true;
	}
	return false;
}

int lk_h323_ras_alloc(struct lk_h323_ras **rasp, struct event_base *base,
		      int fd, struct lk_h323_gk *gk)
{
	struct lk_h323_ras *ras;

	if (!rasp || !base || fd < 0 || !gk)
		return EINVAL;
	ras = mem_zalloc(sizeof(*ras), ras_destructor);
	if (!ras)
		return ENOMEM;
	ras->fd = fd;
	ras->gk = mem_ref(gk);
	gk->ras = ras;
	ras->ev = event_new(base, fd, EV_READ | EV_PERSIST, ras_recv, ras);
	/* SCI repeats (H.460.18) are due LK_H46018_SCI_RETRY_MS apart. */
	ras->tick = event_new(base, -1, EV_PERSIST, ras_tick, ras);
	if (!ras->ev || event_add(ras->ev, NULL) < 0 || !ras->tick ||
	    event_add(ras->tick, &(struct timeval){ 0, 500000 }) < 0) {
		mem_deref(ras);
		return ENOMEM;
	}
	*rasp = ras;
	return 0;
}

void lk_h323_ras_set_peer(struct lk_h323_ras *ras, lk_h323_ras_peer_h *h,
			  void *arg)
{
	if (!ras)
		return;
	ras->peerh = h;
	ras->peer_arg = arg;
}

int lk_h323_ras_send(struct lk_h323_ras *ras, const uint8_t *p, size_t len,
		     const struct sockaddr_in *to)
{
	if (!ras || !p || !to)
		return EINVAL;
	if (sendto(ras->fd, p, len, 0, (const struct sockaddr *)to,
		   sizeof(*to)) < 0) {
		ras->send_errors++;
		return errno;
	}
	ras->sent++;
	return 0;
}

/* The gatekeeper a RAS socket serves (not a new reference). */
struct lk_h323_gk *lk_h323_ras_gk(const struct lk_h323_ras *ras)
{
	return ras ? ras->gk : NULL;
}

/* Install (or with NULL remove) the admit hook after allocation. */
void lk_h323_gk_set_admit(struct lk_h323_gk *gk, lk_h323_gk_admit_h *admit,
			  void *arg)
{
	if (!gk)
		return;
	gk->p.admit = admit;
	gk->p.admit_arg = arg;
}

void lk_h323_gk_set_disengage(struct lk_h323_gk *gk,
			      lk_h323_gk_disengage_h *h, void *arg)
{
	if (!gk)
		return;
	gk->disengageh = h;
	gk->disengage_arg = arg;
}
