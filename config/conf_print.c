/*
 * config/conf_print.c  The effective configuration in the file format.
 *
 * Every key with its value and where it came from ("# line N" or
 * "# default; seed: ..."), so that loading the output gives the same
 * configuration.  lk_conf_print() is declared in conf.h with the rest of
 * the loading API; conf_print.h has the value text the reload compares.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_print.h"


/* The set route "Route N", or NULL. */
static const struct lk_route_conf *route_by_number(const struct lk_conf *c,
						   unsigned n)
{
	unsigned i;

	for (i = 0; i < c->nroutes && i < LK_ROUTES_MAX; i++) {
		if (c->routes[i].number == n)
			return &c->routes[i];
	}

	return NULL;
}

/* Every part spelt out, the port and transport too: the effective route. */
static void route_text(char *buf, size_t sz, const struct lk_route_conf *r)
{
	if (!r) {
		snprintf(buf, sz, "%s", "");
		return;
	}
	if (r->kind == LK_ROUTE_ZONE)
		snprintf(buf, sz, "%s zone %u", r->pattern, r->zone);
	else
		snprintf(buf, sz, strchr(r->host, ':') ? "%s host [%s]:%u %s" :
			 "%s host %s:%u %s", r->pattern, r->host, r->port,
			 lk_conf_route_transport_name(r->transport));
}

void lk_conf_value_text(char *buf, size_t sz, const struct lk_conf *c,
			enum lk_key key, unsigned zone)
{
	const struct lk_conf_key_def *kd = &lk_conf_keys[key];
	const char *base = key >= LK_KEY_ZONE_FIRST ?
		(const char *)&c->zones[zone ? zone - 1 : 0] : (const char *)c;
	const void *field = base + kd->offset;

	switch (kd->type) {

	case KT_PORT:
		snprintf(buf, sz, "%u", *(const uint16_t *)field);
		break;
	case KT_BOOL:
		snprintf(buf, sz, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case KT_ROLE:
		snprintf(buf, sz, "%s", lk_conf_role_name(c->role));
		break;
	case KT_SIZE:
		snprintf(buf, sz, "%s", lk_conf_size_name(c->size));
		break;
	case KT_RELEASE:
		snprintf(buf, sz, "%s", lk_conf_release_name(c->release));
		break;
	case KT_ORDER:
		snprintf(buf, sz, "%s", lk_conf_order_names[c->port_order & 1]);
		break;
	case KT_CONFLICT:
		snprintf(buf, sz, "%s", lk_conf_conflict_names
			 [*(const enum lk_h323_conflict *)field & 1]);
		break;
	case KT_KFWD:
		snprintf(buf, sz, "%s", lk_conf_kfwd_names
			 [*(const enum lk_kfwd_mode *)field % 3]);
		break;
	case KT_TRANSPORT:
		snprintf(buf, sz, "%s", lk_conf_transport_names
			 [*(const enum lk_zone_transport *)field & 1]);
		break;
	case KT_ENCRYPTION:
		snprintf(buf, sz, "%s", lk_conf_encryption_names
			 [*(const enum lk_media_encryption *)field & 3]);
		break;
	case KT_ADDRESS:
	case KT_NAME:
	case KT_LOGLEVEL:
	case KT_PATH:
	case KT_USERS:
	case KT_DOMAINS:
	case KT_USERNAME:
	case KT_PASSWORD:
	case KT_CIDRS:
		snprintf(buf, sz, "%s", (const char *)field);
		break;
	case KT_SECRET_USERS:
	case KT_SECRET:
		/* Secrets are never printed (issue 12): only whether set. */
		snprintf(buf, sz, "%s", *(const char *)field ? "********" :
			 "");
		break;
	case KT_ROUTE:
		route_text(buf, sz, route_by_number(c, (unsigned)(key -
			   LK_KEY_ROUTE_1) + 1));
		break;
	case KT_LISTEN:
		snprintf(buf, sz, strchr(c->ng_address, ':') ? "[%s]:%u" :
			 "%s:%u", c->ng_address, c->ng_port);
		break;
	case KT_UINT:
		snprintf(buf, sz, "%u", *(const unsigned *)field);
		break;
	}
}

static void print_key(FILE *f, const struct lk_conf *c, enum lk_key key,
		      unsigned zone)
{
	unsigned line = key >= LK_KEY_ZONE_FIRST ?
		c->zone_line[zone ? zone - 1 : 0][key - LK_KEY_ZONE_FIRST] :
		c->key_line[key];
	char val[300] = "", left[400];

	lk_conf_value_text(val, sizeof(val), c, key, zone);
	/* An unset optional key prints as a comment, so the output loads. */
	if (!val[0]) {
		fprintf(f, "# %s =  # default: unset; %s\n",
			lk_conf_keys[key].name,
			lk_conf_keys[key].help);
		return;
	}
	/* A secret prints as a comment, so the output never carries it. */
	if (lk_conf_keys[key].type == KT_SECRET ||
	    lk_conf_keys[key].type == KT_SECRET_USERS) {
		fprintf(f, "# %s = (set%s; not shown)\n",
			lk_conf_keys[key].name, line ? " in the file" : "");
		return;
	}
	snprintf(left, sizeof(left), "%s = %s", lk_conf_keys[key].name, val);
	if (line)
		fprintf(f, "%-50s # line %u\n", left, line);
	else
		fprintf(f, "%-50s # default%s%s\n", left,
			lk_conf_keys[key].seed[0] ? "; seed: " : "",
			lk_conf_keys[key].seed);
}

/*
 * The set routes, in order, each as "Route N = ..." with its line; the
 * unset numbers in one comment rather than sixteen.
 */
static void print_routes(FILE *f, const struct lk_conf *c)
{
	unsigned n, first = 0;
	bool any = false;

	fprintf(f, "# Route N = %s; the first match wins\n",
		LK_CONF_ROUTE_SYNTAX);
	for (n = 1; n <= LK_ROUTES_MAX; n++) {
		if (route_by_number(c, n))
			print_key(f, c, (enum lk_key)(LK_KEY_ROUTE_1 + n - 1),
				  0);
	}
	/* Runs of unset numbers: "# unset: Route 2, Route 4-16". */
	fprintf(f, "# unset:");
	for (n = 1; n <= LK_ROUTES_MAX + 1; n++) {
		if (n <= LK_ROUTES_MAX && !route_by_number(c, n)) {
			if (!first)
				first = n;
			continue;
		}
		if (!first)
			continue;
		fprintf(f, "%s Route %u", any ? "," : "", first);
		if (n - 1 > first)
			fprintf(f, "-%u", n - 1);
		any = true;
		first = 0;
	}
	fprintf(f, "%s\n", any ? "" : " none");
}

void lk_conf_print(const struct lk_conf *c, FILE *f)
{
	const char *section = NULL;
	unsigned k, z, i;

	fprintf(f, "# latchkey effective configuration%s%s\n",
		c->path[0] ? " from " : " (built-in defaults)", c->path);
	fprintf(f, "# \"# default\" marks values not set in the file.\n");
	for (k = 0; k < LK_KEY_ZONE_FIRST; k++) {
		if (!section || strcmp(section, lk_conf_keys[k].section)) {
			section = lk_conf_keys[k].section;
			fprintf(f, "\n[%s]\n", section);
		}
		if (lk_conf_keys[k].type == KT_ROUTE) {
			print_routes(f, c);
			k = LK_KEY_ROUTE_16;
			continue;
		}
		print_key(f, c, (enum lk_key)k, 0);
	}
	for (z = 1; z <= c->nzones; z++) {
		fprintf(f, "\n[Zones > Traversal Zone %u]\n", z);
		for (k = LK_KEY_ZONE_FIRST; k < LK_KEY__COUNT; k++)
			print_key(f, c, (enum lk_key)k, z);
	}
	fprintf(f, "\n# Derived: multiplexed media ports (seed footnotes ** "
		"and ***):");
	for (i = 0; i < c->nmux; i++)
		fprintf(f, " %u/%s", c->mux_ports[i], i % 2 ? "RTCP" : "RTP");
	fprintf(f, "\n");
}
