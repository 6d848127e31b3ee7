/* signalling/sip/sip.h  The SIP layer of a role: transport, transactions, OPTIONS, registrar. */
/*
 * The SIP layer as the daemon sees it: one object per role, created with
 * lk_sip_alloc() and released with mem_deref().
 */
#ifndef LK_SIP_H
#define LK_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "sip/transaction.h"
#include "sip/transport.h"

struct event_base;
struct sip_msg;
struct lk_listen_set;
struct lk_media;
struct lk_sip;
struct lk_sipflow;
struct lk_sipxact_srv;
struct lk_siptransport;

/*
 * Start SIP on the SIP ports bound by lk_listen_open() (it takes their
 * sockets from `listeners`): UDP, TCP, TLS (with the configured or a
 * self-signed certificate), the traversal zones' ports (Expressway) or
 * connections (Control), transactions, OPTIONS, the registrar and its
 * expiry timer, and the B2BUA, whose calls take their media through
 * `media`.  Requests latchkey does not take get 405 (methods of RFC 3261
 * and its extensions) or 501 (unknown ones) with Allow.  On failure
 * `errbuf` says why.  The caller releases *sipp with mem_deref(), which
 * logs the counters and the bindings, then closes everything.
 */
int lk_sip_alloc(struct lk_sip **sipp, struct event_base *base,
		 const struct lk_conf *conf, struct lk_listen_set *listeners,
		 struct lk_media *media, char *errbuf, size_t errsz);

/*
 * What the transport hands up for each message that passed latchkey's
 * checks (lk_sipmsg_check()): responses to the transactions, requests to
 * the zones, OPTIONS, the registrar or the B2BUA.  Public for the fuzz
 * driver, which feeds messages here without a socket in between.
 */
void lk_sip_receive(struct lk_sip *sip, const struct lk_sipflow *flow,
		    struct sip_msg *msg);

/*
 * A reload (SIGHUP): the modules that keep a copy of configuration values
 * take them again from `conf` (today the registrar; the dial plan, zones
 * and B2BUA read the running configuration at use time).
 */
void lk_sip_reconf(struct lk_sip *sip, const struct lk_conf *conf);

/*
 * Read-only views for management (mgmt/), control thread only; NULL when
 * `sip` is NULL.  The objects stay the SIP layer's.
 */
struct lk_registrar;
struct lk_zones;
struct lk_b2bua;
const struct lk_registrar *lk_sip_registrar(const struct lk_sip *sip);
const struct lk_zones *lk_sip_zones(const struct lk_sip *sip);
const struct lk_b2bua *lk_sip_b2bua(const struct lk_sip *sip);

/* The transport's and transactions' counters and the layer's own. */
struct lk_sip_stats {
	struct lk_siptransport_stats transport;
	struct lk_sipxact_stats transactions;
	uint64_t options;		/* OPTIONS answered */
	uint64_t methods_rejected;	/* 405 / 501 */
};

void lk_sip_stats(const struct lk_sip *sip, struct lk_sip_stats *st);

#endif
