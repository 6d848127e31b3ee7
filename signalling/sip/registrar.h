/* signalling/sip/registrar.h  The SIP registrar of both roles: bindings, expiry, flows, digest. */
/*
 * The registrar of a role: a mem_zalloc object, released with mem_deref();
 * time is passed in by the caller (lk_clock_s()), so tests control it.
 */
#ifndef LK_REGISTRAR_H
#define LK_REGISTRAR_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "sip/transport.h"

struct sip_msg;
struct uri;
struct lk_registrar;

/* What to answer: status, reason and header lines (CRLF-terminated). */
struct lk_sipreply {
	uint16_t scode;
	const char *reason;		/* a fixed string */
	char hdrs[4096];
};

/* One binding: address-of-record to contact, on the flow it came on. */
struct lk_registrar_binding {
	const char *aor;		/* "sip:alice@example.com" */
	const char *contact;		/* the Contact URI as registered */
	uint64_t expires;		/* absolute, seconds of `now` */
	const struct lk_sipflow *flow;	/* RFC 3581 source; connection */
};

typedef bool (lk_registrar_binding_h)(const struct lk_registrar_binding *b,
				      void *arg);

struct lk_registrar_stats {
	uint64_t registered;		/* 200 OK to REGISTER */
	uint64_t fetches;		/* REGISTER without Contact */
	uint64_t challenged;		/* 401 without credentials */
	uint64_t auth_failed;		/* 401 again: wrong or stale */
	uint64_t interval_too_brief;	/* 423 */
	uint64_t rejected;		/* 400, 403, 404, 500, 503 */
	uint64_t expired;		/* bindings removed by the timer */
	unsigned bindings;		/* now */
};

/* Per address-of-record, and in all, at most this many bindings. */
#define LK_REGISTRAR_MAX_PER_AOR 16
#define LK_REGISTRAR_MAX 10000

/*
 * A registrar for `conf`'s [Registrar] section: domains, expiry bounds,
 * digest users.  It keeps `conf`'s values (copied).  Free with mem_deref();
 * that drops every binding and its reference on a connection.
 */
int lk_registrar_alloc(struct lk_registrar **regp, const struct lk_conf *conf);

/*
 * A reload (SIGHUP): take the [Registrar] values (domains, expiry bounds,
 * authentication, realm, users) from `conf` again.  Bindings stay; a user
 * removed from Users is refused at its next REGISTER.
 */
void lk_registrar_reconf(struct lk_registrar *reg, const struct lk_conf *conf);

/*
 * Process a REGISTER that passed lk_sipmsg_check(), RFC 3261 s.10.3, at
 * time `now` (monotonic seconds) and fill `reply`.  The flow is copied into
 * each binding it adds or refreshes, with a reference on its connection.
 */
void lk_registrar_register(struct lk_registrar *reg, const struct sip_msg *msg,
			   const struct lk_sipflow *flow, uint64_t now,
			   struct lk_sipreply *reply);

/*
 * The address-of-record of a URI as bindings are keyed: "sip:user@host",
 * host in lower case (the user part is case-sensitive, RFC 3261 s.19.1.4).
 * ENAMETOOLONG when it does not fit in `sz`.  The registrar uses it on To,
 * the B2BUA on the Request-URI.
 */
int lk_registrar_aor(char *buf, size_t sz, const struct uri *uri);

/* Drop the bindings that expired by `now`; returns how many. */
unsigned lk_registrar_expire(struct lk_registrar *reg, uint64_t now);

/*
 * Call `h` for each binding of `aor` (NULL: every binding) until it
 * returns true.  For the routing of the next step, and for listings.
 */
void lk_registrar_apply(const struct lk_registrar *reg, const char *aor,
			lk_registrar_binding_h *h, void *arg);

void lk_registrar_stats(const struct lk_registrar *reg,
			struct lk_registrar_stats *st);

/* One line per binding: AOR, contact, flow, seconds left. */
void lk_registrar_print(const struct lk_registrar *reg, uint64_t now, FILE *f);

#endif
