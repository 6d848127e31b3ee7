/* signalling/call/route.h  The dial plan: where a Request-URI goes; which domains are ours. */
/*
 * Pure functions, no state: what a Request-URI matches in the dial plan,
 * protocol-neutral so that any leg can route with it.
 */
#ifndef LK_ROUTE_H
#define LK_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

/*
 * Does `s` (`n` bytes, need not be NUL-terminated) match the glob
 * `pattern`?  '*' matches any run of characters, the empty one too; '?'
 * matches exactly one; every other character matches itself without
 * regard to ASCII case.  Iterative: time at most strlen(pattern) * n,
 * no recursion, whatever the pattern.
 */
bool lk_route_glob(const char *pattern, const char *s, size_t n);

/*
 * The first route of `conf`'s [Dial plan], in order of N, whose pattern
 * matches "user@host" of a Request-URI (`user` may be empty), or NULL
 * when none does.  The result points into `conf`.  Routes to H.323 hosts
 * (transport h323) are not SIP's and are passed over.
 */
const struct lk_route_conf *lk_route_find(const struct lk_conf *conf,
					  const char *user, size_t ulen,
					  const char *host, size_t hlen);

/*
 * The same among the routes to H.323 hosts only (`host ADDR[:PORT] h323`),
 * for an H.323 call's alias as "user@host" (docs/h323.md, "Routing").
 */
const struct lk_route_conf *lk_route_find_h323(const struct lk_conf *conf,
					       const char *user, size_t ulen,
					       const char *host, size_t hlen);

/*
 * Is `host` one of ours by [Registrar] Domain: "*" (any host), or equal,
 * without regard to case, to one of its comma-separated names?  RFC 3261
 * s.10.3 step 1 for REGISTER; the proxy asks the same for any request.
 */
bool lk_route_local_domain(const struct lk_conf *conf, const char *host,
			   size_t hlen);

#endif
