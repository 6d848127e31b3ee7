/* signalling/sip.h  The SIP layer of a role: transport, transactions, OPTIONS, registrar. */
#ifndef LK_SIP_H
#define LK_SIP_H

#include <stddef.h>

#include "conf.h"

struct event_base;
struct lk_listen_set;
struct lk_sip;

/*
 * Start SIP on the SIP ports bound by lk_listen_open() (it takes their
 * sockets from `listeners`): UDP, TCP, TLS (with the configured or a
 * self-signed certificate), server transactions, OPTIONS, the registrar
 * and its expiry timer.  Requests other than OPTIONS and REGISTER get 405
 * (methods of RFC 3261 and its extensions) or 501 (unknown ones) with
 * Allow; CANCEL gets 481.  On failure `errbuf` says why.
 */
int lk_sip_alloc(struct lk_sip **sipp, struct event_base *base,
		 const struct lk_conf *conf, struct lk_listen_set *listeners,
		 char *errbuf, size_t errsz);

/* Log the counters and the bindings, then close everything.  NULL is fine. */
void lk_sip_free(struct lk_sip *sip);

#endif
