/* mgmt/mgmt.h  The management listener: status, metrics, the status page over HTTP(S). */
/*
 * Management (seed: Administration, TCP 80 http and 443 https; docs/
 * management.md).  One object per daemon, on the control thread's event
 * base: it reads the other modules' state and counters when a request
 * comes, and changes nothing.  Created with lk_mgmt_alloc(), released with
 * mem_deref().
 */
#ifndef LK_MGMT_H
#define LK_MGMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct event_base;
struct evbuffer;
struct lk_listen_set;
struct lk_media;
struct lk_sip;
struct lk_turn;
struct lk_h323_gk;
struct lk_h323_callsig;
struct lk_ng;
struct lk_mgmt;

/*
 * What management reports on.  Everything but `conf` and `media` may be
 * NULL (not running: TURN off, a test without SIP); each must outlive the
 * lk_mgmt object.  `conf` is the running configuration: a reload changes
 * it in place, and management reads it at each request.
 */
struct lk_mgmt_src {
	const struct lk_conf *conf;
	const char *conf_path;		/* NULL: the built-in defaults */
	const struct lk_listen_set *listeners;
	struct lk_media *media;
	const struct lk_sip *sip;
	const struct lk_turn *turn;
	const struct lk_h323_gk *gk;
	const struct lk_ng *ng;
	const struct lk_h323_callsig *callsig;
	const struct lk_h323_zones *h323_zones;	/* NULL: H.323 off */
};

/*
 * Listen on Management > Address, HTTP port and HTTPS port (the HTTPS
 * certificate: Management > TLS certificate, or as SIP TLS's).  A port
 * that cannot be bound is no reason to stop relaying media: it is logged
 * as an error naming the address, port and key, and the other one is
 * still served; *mp is NULL only on ENOMEM or EINVAL.  `errbuf` says what
 * failed (empty when both ports listen).
 */
int lk_mgmt_alloc(struct lk_mgmt **mp, struct event_base *base,
		  const struct lk_mgmt_src *src, char *errbuf, size_t errsz);

/* The configuration was (re)loaded: digest the file, note the time. */
void lk_mgmt_conf_loaded(struct lk_mgmt *m);

/* What management knows of itself, for the documents. */
struct lk_mgmt_meta {
	uint64_t started;		/* unix seconds */
	uint64_t started_ms;		/* lk_clock_ms() */
	char sha256[65];		/* the file's, hex; "" for defaults */
	uint64_t loaded_at;		/* unix seconds */
	unsigned loads;			/* 1 at start, +1 per reload */
	bool http, https;		/* listening */
	uint64_t requests, unauthorized, not_found, bad_method;
};

const struct lk_mgmt_src *lk_mgmt_source(const struct lk_mgmt *m);
const struct lk_mgmt_meta *lk_mgmt_meta(const struct lk_mgmt *m);

/* How many of the two ports listen. */
unsigned lk_mgmt_listening(const struct lk_mgmt *m);

/*
 * The documents, for the server and for tests: append to `out`.  Returns
 * 0, ENOENT (no such call), ENOMEM.
 */
int lk_mgmt_status_json(struct lk_mgmt *m, struct evbuffer *out);
int lk_mgmt_calls_json(struct lk_mgmt *m, struct evbuffer *out);
int lk_mgmt_call_json(struct lk_mgmt *m, const char *call_id,
		      struct evbuffer *out);
int lk_mgmt_registrations_json(struct lk_mgmt *m, struct evbuffer *out);
int lk_mgmt_ports_json(struct lk_mgmt *m, struct evbuffer *out);
int lk_mgmt_metrics(struct lk_mgmt *m, struct evbuffer *out);

#endif
