/*
 * config/conf_reload.c  Applying a reloaded configuration to a running one.
 *
 * The keys listed in `reloads` are read by their modules at use time from
 * the one running lk_conf (or, for the registrar and the media timeouts,
 * handed to them again by the daemon after a reload); they are copied.
 * Every other key was used at start to bind a socket, size an allocator
 * or plan the ports, so a changed value is kept as it runs, with a reason.
 */
#include <stddef.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_print.h"
#include "conf_reload.h"

/* The keys a reload applies (docs/configuration.md, "Reloading"). */
static const enum lk_key reloads[] = {
	LK_KEY_LOG_LEVEL,
	LK_KEY_MEDIA_TIMEOUT,
	LK_KEY_FINAL_TIMEOUT,
	LK_KEY_LATCH_ANY_SOURCE,
	LK_KEY_REG_DOMAIN,
	LK_KEY_REG_MIN_EXPIRES,
	LK_KEY_REG_DEFAULT_EXPIRES,
	LK_KEY_REG_MAX_EXPIRES,
	LK_KEY_REG_AUTH,
	LK_KEY_REG_REALM,
	LK_KEY_REG_USERS,
	LK_KEY_ZONE_NAME,
	LK_KEY_ZONE_USERNAME,
	LK_KEY_ZONE_PASSWORD,
	LK_KEY_MGMT_TOKEN,
	/* Dial plan routes: every Route N, checked together below. */
};

bool lk_conf_key_reloads(enum lk_key key)
{
	size_t i;

	if (key >= LK_KEY_ROUTE_1 && key <= LK_KEY_ROUTE_16)
		return true;
	for (i = 0; i < sizeof(reloads) / sizeof(reloads[0]); i++) {
		if (reloads[i] == key)
			return true;
	}

	return false;
}

/* Why a key that changed keeps its running value. */
static const char *why_kept(enum lk_key key)
{
	switch (lk_conf_keys[key].type) {

	case KT_PORT:
	case KT_ADDRESS:
	case KT_LISTEN:
		return "a port or address is bound at start";
	case KT_ROLE:
	case KT_SIZE:
	case KT_RELEASE:
		return "it decides the whole port plan at start";
	default:
		break;
	}
	switch (key) {

	case LK_KEY_ZONE_COUNT:
		return "zones are set up at start";
	case LK_KEY_WORKERS:
		return "worker threads start with the daemon";
	case LK_KEY_KERNEL_FORWARDING:
	case LK_KEY_KFWD_INTERFACES:
		return "the eBPF program is loaded at start";
	case LK_KEY_PORT_COOLDOWN:
	case LK_KEY_PORT_ORDER:
		return "the port allocators are made at start";
	default:
		break;
	}
	if (key >= LK_KEY_ZONE_FIRST)
		return "the zone's connection is set up at start";

	return "it is read at start only";
}

/* The size of a reloadable key's field (all are of these types). */
static size_t field_size(enum lk_conf_key_type type)
{
	const struct lk_conf *c = NULL;
	const struct lk_zone_conf *z = NULL;

	switch (type) {

	case KT_UINT:
		return sizeof(unsigned);
	case KT_BOOL:
		return sizeof(bool);
	case KT_LOGLEVEL:
		return sizeof(c->log_level);
	case KT_NAME:
	case KT_USERNAME:
	case KT_PASSWORD: {
		/* reg_realm and the zone's name, username and password.
		 * (Braces: before C23 a declaration cannot follow a label.) */
		_Static_assert(sizeof(c->reg_realm) == sizeof(z->name) &&
			       sizeof(z->name) == sizeof(z->username) &&
			       sizeof(z->username) == sizeof(z->password),
			       "one size for every KT_NAME-like field");
		return sizeof(z->name);
	}
	case KT_USERS:
	case KT_DOMAINS: {
		_Static_assert(sizeof(c->reg_users) == sizeof(c->reg_domain),
			       "one size for users and domains");
		return sizeof(c->reg_users);
	}
	case KT_SECRET_USERS:
		return sizeof(c->turn_users);
	case KT_SECRET:
		return sizeof(c->turn_secret);
	case KT_CIDRS: {
		_Static_assert(sizeof(c->turn_allowed) ==
			       sizeof(c->turn_denied), "one size for CIDR lists");
		return sizeof(c->turn_allowed);
	}
	default:
		return 0;
	}
}

static void *field(struct lk_conf *c, enum lk_key key, unsigned zone)
{
	char *base = key >= LK_KEY_ZONE_FIRST ? (char *)&c->zones[zone - 1] :
		(char *)c;

	return base + lk_conf_keys[key].offset;
}

static unsigned *line_of(struct lk_conf *c, enum lk_key key, unsigned zone)
{
	return key >= LK_KEY_ZONE_FIRST ?
		&c->zone_line[zone - 1][key - LK_KEY_ZONE_FIRST] :
		&c->key_line[key];
}

/*
 * The dial plan changes as a whole or not at all: a route to a zone the
 * running daemon does not have (the zone count is kept) refuses it.
 */
static const char *routes_refused(const struct lk_conf *live,
				  const struct lk_conf *next)
{
	unsigned i;

	for (i = 0; i < next->nroutes && i < LK_ROUTES_MAX; i++) {
		if (next->routes[i].kind == LK_ROUTE_ZONE &&
		    next->routes[i].zone > live->nzones)
			return "a route names a zone beyond the running "
			       "Traversal zone count, which is kept until a "
			       "restart";
	}

	return NULL;
}

static bool key_changed(char *ov, char *nv, size_t sz,
			const struct lk_conf *live, const struct lk_conf *next,
			enum lk_key key, unsigned zone)
{
	lk_conf_value_text(ov, sz, live, key, zone);
	lk_conf_value_text(nv, sz, next, key, zone);

	return strcmp(ov, nv) != 0;
}

unsigned lk_conf_reload(struct lk_conf *live, const struct lk_conf *next,
			lk_conf_change_h *changeh, void *arg)
{
	const char *route_why = routes_refused(live, next);
	bool routes_differ = false;
	unsigned k, z, nz, applied = 0;
	char ov[300], nv[300];

	if (!live || !next)
		return 0;
	nz = live->nzones < next->nzones ? live->nzones : next->nzones;
	for (k = 0; k < LK_KEY__COUNT; k++) {
		unsigned zfirst = k >= LK_KEY_ZONE_FIRST ? 1 : 0;
		unsigned zlast = k >= LK_KEY_ZONE_FIRST ? nz : 0;

		for (z = zfirst; z <= zlast; z++) {
			enum lk_key key = (enum lk_key)k;
			struct lk_conf_change ch = {key, z, ov, nv, false,
						    NULL};
			size_t sz;

			if (!key_changed(ov, nv, sizeof(ov), live, next, key,
					 z))
				continue;
			if (key >= LK_KEY_ROUTE_1 && key <= LK_KEY_ROUTE_16) {
				routes_differ = true;
				ch.applied = !route_why;
				ch.why = route_why;
			}
			else if (!lk_conf_key_reloads(key) ||
				 !(sz = field_size(lk_conf_keys[key].type)))
				ch.why = why_kept(key);
			else {
				memcpy(field(live, key, z),
				       field((struct lk_conf *)next, key, z),
				       sz);
				*line_of(live, key, z) =
					*line_of((struct lk_conf *)next, key,
						 z);
				ch.applied = true;
			}
			if (ch.applied)
				++applied;
			if (changeh)
				changeh(&ch, arg);
		}
	}
	if (routes_differ && !route_why) {
		memcpy(live->routes, next->routes, sizeof(live->routes));
		live->nroutes = next->nroutes;
		for (k = LK_KEY_ROUTE_1; k <= LK_KEY_ROUTE_16; k++)
			live->key_line[k] = next->key_line[k];
	}

	return applied;
}
