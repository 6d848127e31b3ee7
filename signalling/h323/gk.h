/* signalling/h323/gk.h  The H.323 gatekeeper's RAS side on the Registration UDP port (1719). */
#ifndef LK_H323_GK_H
#define LK_H323_GK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * Registration, keep-alive and unregistration of H.323 endpoints
 * (H.225.0 7.9-7.10), seed rows R_C/R_E (UDP 1719).  lk_h323_gk_handle()
 * is the whole protocol, with no I/O: one request in, at most one reply
 * out, addressed by the caller to the request's UDP source (an endpoint
 * behind NAT writes an unreachable rasAddress).  lk_h323_ras_alloc()
 * feeds it from a socket with libevent.
 *
 * Handled: GRQ -> GCF/GRJ (no answer with auto discovery off); RRQ ->
 * RCF/RRJ (full and lightweight keep-alive; duplicateAlias, or the older
 * registration unregistered with a URQ in conflict mode "overwrite";
 * fullRegistrationRequired for a keep-alive with an unknown or expired
 * endpointIdentifier); URQ -> UCF/URJ; ARQ -> ACF gatekeeper-routed, with
 * destCallSignalAddress our call signalling port (1720), or ARJ
 * (callerNotRegistered, calledPartyNotRegistered); BRQ -> BCF/BRJ; DRQ
 * -> DCF/DRJ (a DCF'd call is cleared through lk_h323_gk_disengage_h); LRQ -> LCF (routed: our 1720 and RAS address) / LRJ; IRR
 * with needResponse -> IACK/INAK.  GCF and RCF echo H.460.18 (featureSet
 * standard 18) when the request offers it; such an endpoint's
 * timeToLive is capped at h46018_ttl (its keep-alive period) and it is
 * reached by a ServiceControlIndication on its RAS binding (h460.h:
 * lk_h323_gk_route() gives that binding, lk_h323_gk_sci() sends the SCI,
 * an SCR stops its repeats).  A retransmitted request (same
 * source, kind and requestSeqNum within LK_H323_GK_RETX_MS) gets the same
 * reply octets and changes nothing; a URQ forgets the replies cached for
 * its source.  Anything else is counted and not
 * answered.
 *
 * Messages the gatekeeper starts itself (URQ) wait in an outbox that
 * lk_h323_gk_pop() empties; lk_h323_ras_alloc() sends them after each
 * request.
 *
 * Not thread-safe: one event loop owns a gatekeeper.
 */

struct event_base;
struct lk_h323_gk;
struct lk_h323_ras;

#define LK_H323_GK_RETX_MS 30000

struct lk_asn_val;

/*
 * Asked for an ARQ or LRQ whose destination no registration holds
 * (optional): 0 admits the call, routed through the gatekeeper (the call
 * layer routes it on, e.g. by the dial plan); anything else rejects it
 * (calledPartyNotRegistered).  dest is the request's destinationInfo
 * (a list of H.225.0 AliasAddress), or NULL.
 */
typedef int (lk_h323_gk_admit_h)(const struct lk_asn_val *dest, void *arg);

/*
 * A registered endpoint disengaged the call `callid` (a DRQ's
 * callIdentifier, 16 octets) from `from` (the DRQ's UDP source), with
 * the DisengageReason `reason` ("normalDrop", "forcedDrop"...): the call
 * signalling clears the call if it still has it (H.225.0 7.11, 8.5).
 * Called after the DCF is built; the gatekeeper knows nothing of calls.
 */
typedef void (lk_h323_gk_disengage_h)(const uint8_t *callid,
				      const struct sockaddr_in *from,
				      const char *reason, void *arg);

/*
 * Asked for every RRQ (full or keep-alive) before it is looked at
 * (optional; the traversal zone's port, zone.h): `rrq` is the request's
 * body, `from` its UDP source.  0 lets it through; anything else rejects
 * it with securityDenial (counted in `denied`).
 */
typedef int (lk_h323_gk_auth_h)(const struct lk_asn_val *rrq,
				const struct sockaddr_in *from, void *arg);

struct lk_h323_gk_params {
	struct sockaddr_in ras;		/* our RAS address, for GCF */
	struct sockaddr_in callsig;	/* our call signalling (1720), RCF */
	uint32_t ttl;			/* seconds; 1800 as the Expressway */
	uint32_t call_ttl;		/* ACF irrFrequency; 0: 120 */
	const char *gkid;		/* gatekeeperIdentifier */
	unsigned max_regs;
	bool no_discover;		/* "Auto discover" off: GRQ unanswered */
	bool overwrite;			/* "Registration conflict mode" */
	uint32_t h46018_ttl;		/* s: cap of an H.460.18 endpoint's
					 * timeToLive (keep-alive period);
					 * 0: none */
	bool h46019_mux;		/* H.460.19 media multiplexed here */
	lk_h323_gk_admit_h *admit;
	void *admit_arg;
	lk_h323_gk_auth_h *auth;	/* NULL: every RRQ is let through */
	void *auth_arg;
};

struct lk_h323_gk_stats {
	uint64_t requests, malformed, retransmits, ignored;
	uint64_t registrations, keepalives, unregistrations, rejects;
	uint64_t admissions, disengages, bandwidths, locations, infos;
	uint64_t overwritten, sent_urq;
	uint64_t scr, sci_sent, sci_retransmits, sci_unanswered; /* H.460.18 */
	uint64_t denied;		/* RRQs the auth hook refused */
};

int lk_h323_gk_alloc(struct lk_h323_gk **gkp,
		     const struct lk_h323_gk_params *p);
int lk_h323_gk_handle(struct lk_h323_gk *gk, const uint8_t *req, size_t len,
		      const struct sockaddr_in *from, uint64_t now_ms,
		      uint8_t *reply, size_t cap, size_t *rlen);
int lk_h323_gk_pop(struct lk_h323_gk *gk, uint8_t *buf, size_t cap,
		   size_t *len, struct sockaddr_in *to);
int lk_h323_gk_route(const struct lk_h323_gk *gk,
		     const struct lk_asn_val *aliases, uint64_t now_ms,
		     struct sockaddr_in *csa);
bool lk_h323_gk_is_registered(const struct lk_h323_gk *gk,
			      const struct sockaddr_in *addr,
			      uint64_t now_ms);
unsigned lk_h323_gk_count(const struct lk_h323_gk *gk, uint64_t now_ms);
/* The RAS source of the first live registration: 0, or ENOENT. */
int lk_h323_gk_first(const struct lk_h323_gk *gk, uint64_t now_ms,
		     struct sockaddr_in *src);
void lk_h323_gk_stats(const struct lk_h323_gk *gk,
		      struct lk_h323_gk_stats *st);

/*
 * Serve RAS on fd (a bound UDP socket, which it then owns) with gk (which
 * it holds a reference to).  Free with mem_deref().
 */
int lk_h323_ras_alloc(struct lk_h323_ras **rasp, struct event_base *base,
		      int fd, struct lk_h323_gk *gk);
struct lk_h323_gk *lk_h323_ras_gk(const struct lk_h323_ras *ras);
int lk_h323_gk_sci(struct lk_h323_gk *gk, const struct sockaddr_in *reg,
		   const uint8_t callid[16], bool cancel, uint64_t now_ms);
void lk_h323_gk_tick(struct lk_h323_gk *gk, uint64_t now_ms);
int lk_h323_gk_sci_send(const struct sockaddr_in *reg,
			const uint8_t callid[16], bool cancel, void *arg);
/*
 * H.460.19 (h46019.h): whether the endpoint registered at `reg` (its RAS
 * source or callSignalAddress: what lk_h323_locate_h gave) offered
 * feature 19, and with *muxp whether its media is to be multiplexed
 * (it offered supportTransmitMultiplexedMedia and h46019_mux is set).
 * lk_h323_h46019_h of callsig.h; `arg` is the gatekeeper.
 */
bool lk_h323_gk_h46019(const struct sockaddr_in *reg, bool *muxp, void *arg);
void lk_h323_gk_set_admit(struct lk_h323_gk *gk, lk_h323_gk_admit_h *admit,
			  void *arg);
/*
 * Datagrams on a RAS socket from one peer that is not an endpoint (the
 * traversal zone's server, zone.h): `h` sees each datagram first and
 * returns true when it took it.  lk_h323_ras_send() sends from the RAS
 * socket (seed, "H.323 traversal call", the Control's R_C 1719).
 */
typedef bool (lk_h323_ras_peer_h)(const uint8_t *p, size_t len,
				  const struct sockaddr_in *from, void *arg);
void lk_h323_ras_set_peer(struct lk_h323_ras *ras, lk_h323_ras_peer_h *h,
			  void *arg);
int lk_h323_ras_send(struct lk_h323_ras *ras, const uint8_t *p, size_t len,
		     const struct sockaddr_in *to);

/* Install (or with NULL remove) the DRQ hook: the daemon's wiring. */
void lk_h323_gk_set_disengage(struct lk_h323_gk *gk,
			      lk_h323_gk_disengage_h *h, void *arg);

#endif
