/* signalling/sip/registrar.c  The SIP registrar of both roles: bindings, expiry, flows, digest. */
/*
 * Owns the bindings of every AOR (struct binding, mem_zalloc, in the
 * registrar's list) with a reference on the flow each came over, the nonce
 * secret and the counters; the registrar itself is a mem_zalloc object
 * that sip.c releases with mem_deref().
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include <re.h>

#include "log.h"
#include "sip/registrar.h"
#include "call/route.h"
#include "sip/auth.h"

#define USERS_MAX 32
#define NONCE_LIFETIME 300	/* seconds before a nonce is stale */

struct user {
	char name[64];
	char password[128];
};

struct binding {
	struct le le;
	char *aor;
	char *contact;
	char *callid;
	uint32_t cseq;
	uint64_t expires;
	struct lk_sipflow flow;
};

struct lk_registrar {
	struct list bindings;
	unsigned nbindings;
	struct lk_conf *conf;		/* a copy: [Registrar] Domain */
	unsigned min_expires, default_expires, max_expires;
	bool auth;
	char realm[64];
	struct user users[USERS_MAX];
	unsigned nusers;
	uint8_t secret[16];
	struct lk_registrar_stats st;
};

static void binding_destructor(void *arg)
{
	struct binding *b = arg;

	list_unlink(&b->le);
	mem_deref(b->aor);
	mem_deref(b->contact);
	mem_deref(b->callid);
	lk_sipflow_reset(&b->flow);
}

static void registrar_destructor(void *arg)
{
	struct lk_registrar *reg = arg;

	list_flush(&reg->bindings);
	mem_deref(reg->conf);
}

/* "alice:secret, bob:pw" as config/conf_check.c validated it. */
static void users_parse(struct lk_registrar *reg, const char *s)
{
	const char *c = s;

	while (*c && reg->nusers < USERS_MAX) {
		struct user *u = &reg->users[reg->nusers];
		size_t n;

		while (*c == ' ' || *c == '\t' || *c == ',')
			++c;
		n = strcspn(c, ":");
		if (!c[n] || n >= sizeof(u->name))
			return;
		memcpy(u->name, c, n);
		u->name[n] = '\0';
		c += n + 1;
		n = strcspn(c, ", \t");
		if (n >= sizeof(u->password))
			return;
		memcpy(u->password, c, n);
		u->password[n] = '\0';
		c += n;
		++reg->nusers;
	}
}

/* The [Registrar] values, from `conf`: at start and on a reload. */
static void registrar_conf(struct lk_registrar *reg,
			   const struct lk_conf *conf)
{
	memcpy(reg->conf, conf, sizeof(*reg->conf));
	reg->min_expires = conf->reg_min_expires;
	reg->default_expires = conf->reg_default_expires;
	reg->max_expires = conf->reg_max_expires;
	reg->auth = conf->reg_auth;
	snprintf(reg->realm, sizeof(reg->realm), "%s", conf->reg_realm);
	reg->nusers = 0;
	users_parse(reg, conf->reg_users);
}

void lk_registrar_reconf(struct lk_registrar *reg, const struct lk_conf *conf)
{
	if (reg && conf)
		registrar_conf(reg, conf);
}

int lk_registrar_alloc(struct lk_registrar **regp, const struct lk_conf *conf)
{
	struct lk_registrar *reg;

	if (!regp || !conf)
		return EINVAL;
	reg = mem_zalloc(sizeof(*reg), registrar_destructor);
	if (!reg)
		return ENOMEM;
	list_init(&reg->bindings);
	/*
	 * The domain check is the dial plan's (lk_route_local_domain), which
	 * reads a whole configuration; a copy keeps the promise that the
	 * registrar does not depend on `conf` outliving it.
	 */
	reg->conf = mem_alloc(sizeof(*reg->conf), NULL);
	if (!reg->conf) {
		mem_deref(reg);
		return ENOMEM;
	}
	registrar_conf(reg, conf);
	if (getrandom(reg->secret, sizeof(reg->secret), 0) !=
	    (ssize_t)sizeof(reg->secret))
		rand_bytes(reg->secret, sizeof(reg->secret));
	*regp = reg;

	return 0;
}

static int reply_hdr(struct lk_sipreply *r, const char *fmt, ...)
{
	size_t len = strlen(r->hdrs);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = re_vsnprintf(r->hdrs + len, sizeof(r->hdrs) - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(r->hdrs) - len) {
		r->hdrs[len] = '\0';
		return ENOSPC;
	}

	return 0;
}

static void set_reply(struct lk_sipreply *r, uint16_t scode, const char *why)
{
	r->scode = scode;
	r->reason = why;
}

static struct binding *binding_find(struct lk_registrar *reg, const char *aor,
				    const struct pl *contact)
{
	struct le *le;

	for (le = list_head(&reg->bindings); le; le = le->next) {
		struct binding *b = le->data;

		if (!strcmp(b->aor, aor) && !pl_strcmp(contact, b->contact))
			return b;
	}

	return NULL;
}

static unsigned aor_count(const struct lk_registrar *reg, const char *aor)
{
	struct le *le;
	unsigned n = 0;

	for (le = list_head(&reg->bindings); le; le = le->next) {
		const struct binding *b = le->data;

		n += !strcmp(b->aor, aor);
	}

	return n;
}

static void binding_drop(struct lk_registrar *reg, struct binding *b)
{
	mem_deref(b);
	--reg->nbindings;
}

/* The user's HA1, or false for an unknown user. */
static bool user_ha1(const struct lk_registrar *reg, const struct pl *name,
		     char ha1[LK_SIPAUTH_HEX])
{
	struct pl realm, pw;
	unsigned i;

	for (i = 0; i < reg->nusers; i++) {
		if (pl_strcmp(name, reg->users[i].name))
			continue;
		pl_set_str(&realm, reg->realm);
		pl_set_str(&pw, reg->users[i].password);
		lk_sipauth_ha1(ha1, name, &realm, &pw);
		return true;
	}

	return false;
}

struct auth_search {
	const struct lk_registrar *reg;
	struct httpauth_digest_resp resp;
};

static bool realm_match(const struct sip_hdr *hdr, const struct sip_msg *msg,
			void *arg)
{
	struct auth_search *as = arg;

	if (httpauth_digest_response_decode(&as->resp, &hdr->val))
		return false;

	return !pl_strcmp(&as->resp.realm, as->reg->realm);
}

/*
 * RFC 3261 s.22.1 and RFC 2617 s.3.2.2: 0 when the request carries valid
 * credentials; else `reply` holds the 401 (with stale=true when only the
 * nonce was too old).
 */
static int authenticate(struct lk_registrar *reg, const struct sip_msg *msg,
			uint64_t now, struct lk_sipreply *reply)
{
	struct auth_search as;
	char ha1[LK_SIPAUTH_HEX], want[LK_SIPAUTH_HEX], nonce[64];
	bool stale = false;
	char who[300];
	int err;

	memset(&as, 0, sizeof(as));
	as.reg = reg;
	if (sip_msg_hdr_apply(msg, true, SIP_HDR_AUTHORIZATION, realm_match,
			      &as)) {
		err = lk_sipauth_nonce_check(&as.resp.nonce, reg->secret, now,
					     NONCE_LIFETIME);
		if (err == ETIMEDOUT)
			stale = true;
		if (!err && user_ha1(reg, &as.resp.username, ha1) &&
		    (!pl_isset(&as.resp.qop) ||
		     !pl_strcasecmp(&as.resp.qop, "auth"))) {
			lk_sipauth_response(want, ha1, &as.resp.nonce,
					    &as.resp.nc, &as.resp.cnonce,
					    &as.resp.qop, &msg->met,
					    &as.resp.uri);
			if (!pl_strcasecmp(&as.resp.response, want))
				return 0;
		}
		++reg->st.auth_failed;
		re_snprintf(who, sizeof(who), "REGISTER for %r from %J: "
			    "credentials of \"%r\"", &msg->to.auri, &msg->src,
			    &as.resp.username);
		lk_warn_limited("%s: %s", who, stale ? "stale nonce" :
				"wrong or unknown");
	}
	else {
		++reg->st.challenged;
	}
	lk_sipauth_nonce(nonce, sizeof(nonce), reg->secret, now);
	set_reply(reply, 401, "Unauthorized");
	reply_hdr(reply, "WWW-Authenticate: Digest realm=\"%s\", "
		  "nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n",
		  reg->realm, nonce, stale ? ", stale=true" : "");

	return EACCES;
}

struct contact_pass {
	struct lk_registrar *reg;
	const struct sip_msg *msg;
	const struct lk_sipflow *flow;
	const char *aor;
	uint64_t now;
	unsigned hdr_expires;
	bool apply;		/* false: check only; true: change bindings */
	uint16_t scode;
	const char *reason;
};

static unsigned contact_expires(const struct contact_pass *cp,
				const struct sip_addr *addr)
{
	struct pl ex;
	unsigned e;

	if (!msg_param_decode(&addr->params, "expires", &ex))
		e = pl_u32(&ex);
	else
		e = cp->hdr_expires;

	return e;
}

static bool contact_handler(const struct sip_hdr *hdr,
			    const struct sip_msg *msg, void *arg)
{
	struct contact_pass *cp = arg;
	struct lk_registrar *reg = cp->reg;
	struct sip_addr addr;
	struct binding *b;
	unsigned e;
	char fl[80];

	if (sip_addr_decode(&addr, &hdr->val) || !pl_isset(&addr.auri) ||
	    addr.auri.l > 512) {
		cp->scode = 400;
		cp->reason = "Bad Contact header";
		return true;
	}
	e = contact_expires(cp, &addr);
	b = binding_find(reg, cp->aor, &addr.auri);
	if (!cp->apply) {
		/* s.10.3 step 7: an older request must not undo a newer. */
		if (b && !pl_strcmp(&msg->callid, b->callid) &&
		    msg->cseq.num <= b->cseq) {
			cp->scode = 500;
			cp->reason = "Out of order CSeq for this Call-ID";
			return true;
		}
		if (e && e < reg->min_expires) {
			cp->scode = 423;
			cp->reason = "Interval Too Brief";
			return true;
		}
		return false;
	}
	if (e > reg->max_expires)
		e = reg->max_expires;
	if (!e) {
		if (b) {
			lk_info("%s: unbound %s", cp->aor, b->contact);
			binding_drop(reg, b);
		}
		return false;
	}
	if (!b) {
		if (reg->nbindings >= LK_REGISTRAR_MAX ||
		    aor_count(reg, cp->aor) >= LK_REGISTRAR_MAX_PER_AOR) {
			cp->scode = reg->nbindings >= LK_REGISTRAR_MAX ? 503 :
				403;
			cp->reason = reg->nbindings >= LK_REGISTRAR_MAX ?
				"Registrar full" : "Too many contacts";
			return true;
		}
		b = mem_zalloc(sizeof(*b), binding_destructor);
		if (!b || str_dup(&b->aor, cp->aor) ||
		    pl_strdup(&b->contact, &addr.auri)) {
			mem_deref(b);
			cp->scode = 503;
			cp->reason = "Out of memory";
			return true;
		}
		list_append(&reg->bindings, &b->le, b);
		++reg->nbindings;
		lk_info("%s: bound %s via %s, expires in %u s", cp->aor,
			b->contact, lk_sipflow_name(fl, sizeof(fl), cp->flow),
			e);
	}
	b->callid = mem_deref(b->callid);
	pl_strdup(&b->callid, &msg->callid);
	b->cseq = msg->cseq.num;
	b->expires = cp->now + e;
	/* The flow it came on: RFC 3581 source, or the connection. */
	lk_sipflow_reset(&b->flow);
	lk_sipflow_copy(&b->flow, cp->flow);

	return false;
}

static bool is_star(const struct sip_hdr *hdr, const struct sip_msg *msg,
		    void *arg)
{
	return !pl_strcmp(&hdr->val, "*");
}

static void list_contacts(struct lk_registrar *reg, const char *aor,
			  uint64_t now, struct lk_sipreply *reply)
{
	struct le *le;

	for (le = list_head(&reg->bindings); le; le = le->next) {
		const struct binding *b = le->data;

		if (strcmp(b->aor, aor))
			continue;
		if (reply_hdr(reply, "Contact: <%s>;expires=%llu\r\n",
			      b->contact, (unsigned long long)
			      (b->expires > now ? b->expires - now : 0)))
			break;
	}
}

int lk_registrar_aor(char *buf, size_t sz, const struct uri *uri)
{
	char *c;

	if (!buf || !uri || re_snprintf(buf, sz, "sip:%r%s%r", &uri->user,
					pl_isset(&uri->user) ? "@" : "",
					&uri->host) < 0)
		return ENAMETOOLONG;
	for (c = strchr(buf, '@') ? strchr(buf, '@') : buf + 4; *c; c++)
		*c = (char)tolower((unsigned char)*c);

	return 0;
}

void lk_registrar_register(struct lk_registrar *reg, const struct sip_msg *msg,
			   const struct lk_sipflow *flow, uint64_t now,
			   struct lk_sipreply *reply)
{
	struct contact_pass cp;
	const struct sip_hdr *star;
	struct le *le;
	char aor[300];
	uint32_t ncontacts;

	memset(reply, 0, sizeof(*reply));
	set_reply(reply, 200, "OK");
	/* RFC 3261 s.10.3 step 1: is the Request-URI's domain ours? */
	if (!lk_route_local_domain(reg->conf, msg->uri.host.p,
				   msg->uri.host.l)) {
		set_reply(reply, 404, "Domain not served here");
		++reg->st.rejected;
		return;
	}
	/* Step 5: the address-of-record from To, host in lower case. */
	if (!pl_isset(&msg->to.uri.host) || !pl_isset(&msg->to.uri.scheme) ||
	    (pl_strcasecmp(&msg->to.uri.scheme, "sip") &&
	     pl_strcasecmp(&msg->to.uri.scheme, "sips"))) {
		set_reply(reply, 404, "Not a SIP address-of-record");
		++reg->st.rejected;
		return;
	}
	if (lk_registrar_aor(aor, sizeof(aor), &msg->to.uri)) {
		set_reply(reply, 400, "Address-of-record too long");
		++reg->st.rejected;
		return;
	}
	/* Step 3 (s.22): credentials. */
	if (reg->auth && authenticate(reg, msg, now, reply))
		return;

	memset(&cp, 0, sizeof(cp));
	cp.reg = reg;
	cp.msg = msg;
	cp.flow = flow;
	cp.aor = aor;
	cp.now = now;
	cp.hdr_expires = pl_isset(&msg->expires) ? pl_u32(&msg->expires) :
		reg->default_expires;

	/* Step 6: "*" only alone and with Expires: 0. */
	ncontacts = sip_msg_hdr_count(msg, SIP_HDR_CONTACT);
	star = sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, is_star, NULL);
	if (star) {
		if (ncontacts != 1 || !pl_isset(&msg->expires) ||
		    pl_u32(&msg->expires) != 0) {
			set_reply(reply, 400, "Wildcard Contact needs Expires: 0 "
				  "and no other Contact");
			++reg->st.rejected;
			return;
		}
		le = list_head(&reg->bindings);
		while (le) {
			struct binding *b = le->data;

			le = le->next;
			if (strcmp(b->aor, aor))
				continue;
			if (!pl_strcmp(&msg->callid, b->callid) &&
			    msg->cseq.num <= b->cseq)
				continue;
			lk_info("%s: unbound %s (Contact: *)", aor, b->contact);
			binding_drop(reg, b);
		}
		++reg->st.registered;
		return;
	}
	if (!ncontacts) {
		/* s.10.2.3: a query for the current bindings. */
		++reg->st.fetches;
		list_contacts(reg, aor, now, reply);
		return;
	}

	/* Check every contact before changing any (all or nothing). */
	sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_handler, &cp);
	if (cp.scode == 423) {
		set_reply(reply, 423, "Interval Too Brief");
		reply_hdr(reply, "Min-Expires: %u\r\n", reg->min_expires);
		++reg->st.interval_too_brief;
		return;
	}
	if (cp.scode) {
		set_reply(reply, cp.scode, cp.reason);
		++reg->st.rejected;
		return;
	}
	cp.apply = true;
	sip_msg_hdr_apply(msg, true, SIP_HDR_CONTACT, contact_handler, &cp);
	if (cp.scode) {
		set_reply(reply, cp.scode, cp.reason);
		++reg->st.rejected;
		return;
	}
	++reg->st.registered;
	list_contacts(reg, aor, now, reply);
}

unsigned lk_registrar_expire(struct lk_registrar *reg, uint64_t now)
{
	struct le *le;
	unsigned n = 0;

	if (!reg)
		return 0;
	le = list_head(&reg->bindings);
	while (le) {
		struct binding *b = le->data;

		le = le->next;
		if (b->expires > now)
			continue;
		lk_info("%s: binding %s expired", b->aor, b->contact);
		binding_drop(reg, b);
		++n;
	}
	reg->st.expired += n;

	return n;
}

void lk_registrar_apply(const struct lk_registrar *reg, const char *aor,
			lk_registrar_binding_h *h, void *arg)
{
	struct le *le;

	if (!reg || !h)
		return;
	for (le = list_head(&reg->bindings); le; le = le->next) {
		const struct binding *b = le->data;
		struct lk_registrar_binding rb;

		if (aor && strcmp(aor, b->aor))
			continue;
		rb.aor = b->aor;
		rb.contact = b->contact;
		rb.expires = b->expires;
		rb.flow = &b->flow;
		if (h(&rb, arg))
			return;
	}
}

void lk_registrar_stats(const struct lk_registrar *reg,
			struct lk_registrar_stats *st)
{
	if (!reg || !st)
		return;
	*st = reg->st;
	st->bindings = reg->nbindings;
}

void lk_registrar_print(const struct lk_registrar *reg, uint64_t now, FILE *f)
{
	struct le *le;

	for (le = list_head(reg ? &reg->bindings : NULL); le; le = le->next) {
		const struct binding *b = le->data;
		char fl[80];

		fprintf(f, "  %s -> %s via %s%s, %llu s left\n", b->aor,
			b->contact, lk_sipflow_name(fl, sizeof(fl), &b->flow),
			b->flow.conn && !lk_sipconn_open(b->flow.conn) ?
			" (connection closed)" : "",
			(unsigned long long)(b->expires > now ?
					     b->expires - now : 0));
	}
}
