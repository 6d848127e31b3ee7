/* signalling/sip.h  The SIP layer of a role: transport, transactions, OPTIONS, registrar. */
#ifndef LK_SIP_H
#define LK_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "siptransport.h"

struct event_base;
struct sip_msg;
struct lk_listen_set;
struct lk_media;
struct lk_sip;
struct lk_sipflow;
struct lk_sipst;
struct lk_siptransport;

/*
 * Start SIP on the SIP ports bound by lk_listen_open() (it takes their
 * sockets from `listeners`): UDP, TCP, TLS (with the configured or a
 * self-signed certificate), the traversal zones' ports (Expressway) or
 * connections (Control), transactions, OPTIONS, the registrar and its
 * expiry timer, and the B2BUA, whose calls take their media through
 * `media`.  Requests latchkey does not take get 405 (methods of RFC 3261
 * and its extensions) or 501 (unknown ones) with Allow.  On failure
 * `errbuf` says why.
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
 * Answer request `msg` from `flow` through its server transaction `st`,
 * or statelessly when `st` is NULL: status, reason, header lines (or
 * NULL), no body.
 */
void lk_sip_answer(struct lk_siptransport *tp, struct lk_sipst *st,
		   const struct lk_sipflow *flow, const struct sip_msg *msg,
		   uint16_t scode, const char *reason, const char *hdrs);

/*
 * A reload (SIGHUP): the modules that keep a copy of configuration values
 * take them again from `conf` (today the registrar; the dial plan, zones
 * and B2BUA read the running configuration at use time).
 */
void lk_sip_reconf(struct lk_sip *sip, const struct lk_conf *conf);

/* Log the counters and the bindings, then close everything.  NULL is fine. */
void lk_sip_free(struct lk_sip *sip);

/*
 * "192.0.2.1:5061" ("[2001:db8::1]:5060"): the sent-by of Via and the
 * host:port of Contact for requests latchkey sends over `tpt`: the
 * listening address and that transport's SIP port.
 */
void lk_sip_sentby(char *buf, size_t sz, const struct lk_conf *conf,
		   enum lk_siptp tpt);

/* sz - 1 random lower-case hex digits (at most 64) and a NUL: tags, IDs. */
void lk_sip_rand_hex(char *buf, size_t sz);

#endif
