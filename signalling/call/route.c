/* signalling/call/route.c  The dial plan: where a Request-URI goes; which domains are ours. */
/*
 * Owns nothing: pure functions over the configuration's [Dial plan] and
 * [Registrar] Domain; results point into the lk_conf they were given.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "call/route.h"

/*
 * The subject of a match: "user@host" as two pieces, so that no request
 * has to copy its URI into a buffer of some guessed size first.  With
 * `b` NULL it is just `a`.
 */
struct subject {
	const char *a;
	size_t alen;
	const char *b;		/* after an implied '@' */
	size_t blen;
};

static size_t subject_len(const struct subject *s)
{
	return s->b ? s->alen + 1 + s->blen : s->alen;
}

static unsigned char subject_at(const struct subject *s, size_t i)
{
	if (i < s->alen)
		return (unsigned char)s->a[i];
	if (i == s->alen)
		return '@';

	return (unsigned char)s->b[i - s->alen - 1];
}

/*
 * The classic iterative glob: on a mismatch go back to the last '*' and
 * let it swallow one more character.  Only the last '*' needs revisiting
 * (an earlier one could only take what the later one can take as well),
 * so the work is bounded by pattern length * subject length.
 */
static bool glob(const char *pattern, const struct subject *s)
{
	size_t n = subject_len(s), si = 0, star_si = 0;
	const char *p = pattern, *star = NULL;

	while (si < n) {
		unsigned char c = subject_at(s, si);

		if (*p == '*') {
			star = p++;
			star_si = si;
			continue;
		}
		if (*p && (*p == '?' ||
			   tolower((unsigned char)*p) == tolower(c))) {
			++p;
			++si;
			continue;
		}
		if (!star)
			return false;
		p = star + 1;
		si = ++star_si;
	}
	while (*p == '*')
		++p;

	return !*p;
}

bool lk_route_glob(const char *pattern, const char *s, size_t n)
{
	struct subject sub = {s, n, NULL, 0};

	if (!pattern || (!s && n))
		return false;

	return glob(pattern, &sub);
}

static bool is_h323(const struct lk_route_conf *r)
{
	return r->kind == LK_ROUTE_HOST && r->transport == LK_ROUTE_H323;
}

static const struct lk_route_conf *find(const struct lk_conf *conf, bool h323,
					const char *user, size_t ulen,
					const char *host, size_t hlen)
{
	struct subject sub = {user ? user : "", user ? ulen : 0,
			      host ? host : "", host ? hlen : 0};
	unsigned i;

	if (!conf)
		return NULL;
	for (i = 0; i < conf->nroutes && i < LK_ROUTES_MAX; i++) {
		if (is_h323(&conf->routes[i]) != h323)
			continue;
		if (glob(conf->routes[i].pattern, &sub))
			return &conf->routes[i];
	}

	return NULL;
}

const struct lk_route_conf *lk_route_find(const struct lk_conf *conf,
					  const char *user, size_t ulen,
					  const char *host, size_t hlen)
{
	return find(conf, false, user, ulen, host, hlen);
}

const struct lk_route_conf *lk_route_find_h323(const struct lk_conf *conf,
					       const char *user, size_t ulen,
					       const char *host, size_t hlen)
{
	return find(conf, true, user, ulen, host, hlen);
}

bool lk_route_local_domain(const struct lk_conf *conf, const char *host,
			   size_t hlen)
{
	const char *c;

	if (!conf || (!host && hlen))
		return false;
	c = conf->reg_domain;
	if (!strcmp(c, "*"))
		return true;
	while (*c) {
		size_t n;

		while (*c == ' ' || *c == '\t' || *c == ',')
			++c;
		n = strcspn(c, ", \t");
		if (n && n == hlen && !strncasecmp(c, host, n))
			return true;
		c += n;
	}

	return false;
}
