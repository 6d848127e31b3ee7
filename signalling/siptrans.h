/* signalling/siptrans.h  SIP server transactions, RFC 3261 s.17.2 (non-INVITE for now). */
#ifndef LK_SIPTRANS_H
#define LK_SIPTRANS_H

#include <stdint.h>

#include "siptransport.h"

struct event_base;
struct sip_msg;
struct lk_siptrans;
struct lk_sipst;

/*
 * The table of server transactions.  A request is matched by its top Via
 * branch and sent-by and its CSeq method (RFC 3261 s.17.2.3; ACK would
 * match its INVITE).  States follow s.17.2.2 for non-INVITE requests:
 * Trying -> (Proceeding) -> Completed -> Terminated; a retransmission in
 * Proceeding or Completed gets the last response again, one in Trying is
 * absorbed.  Completed lasts Timer J = 64*T1 over UDP and 0 over TCP/TLS.
 * The kind and state enums leave room for the INVITE server transaction
 * (s.17.2.1: Timers G, H, I) and client transactions of the next step.
 */
enum lk_sipst_kind {
	LK_SIPST_NON_INVITE = 0,
	LK_SIPST_INVITE,		/* not yet */
};

enum lk_sipst_state {
	LK_SIPST_TRYING = 0,
	LK_SIPST_PROCEEDING,
	LK_SIPST_COMPLETED,
	LK_SIPST_CONFIRMED,		/* INVITE only */
	LK_SIPST_TERMINATED,
};

#define LK_SIP_T1_MS 500u
#define LK_SIPTRANS_MAX 20000

struct lk_siptrans_stats {
	uint64_t created;
	uint64_t retransmissions;	/* absorbed or answered again */
	uint64_t full;			/* table full: handled statelessly */
	uint64_t abandoned;		/* no final response in 64*T1 */
	unsigned active;
};

/* `t1_ms` 0 means RFC 3261's 500 ms; tests use a shorter one. */
int lk_siptrans_alloc(struct lk_siptrans **tsp, struct event_base *base,
		      struct lk_siptransport *transport, unsigned t1_ms);

/*
 * Match request `msg` from `flow`.  Returns 0 with *stp a new transaction
 * for the transaction user to answer with lk_siptrans_reply(); EALREADY
 * for a retransmission (already answered again, or absorbed); ENOSPC when
 * the table is full (answer statelessly); EINVAL for ACK, which a
 * non-INVITE table never matches.
 */
int lk_siptrans_receive(struct lk_siptrans *ts, const struct sip_msg *msg,
			const struct lk_sipflow *flow, struct lk_sipst **stp);

/*
 * Send `mb` (a whole response with status `scode`) on the transaction's
 * flow and keep it for retransmissions.  A final response moves it to
 * Completed; over TCP/TLS it is gone at once (Timer J = 0), so `st` must
 * not be used after a final response.
 */
int lk_siptrans_reply(struct lk_sipst *st, uint16_t scode,
		      const struct mbuf *mb);

void lk_siptrans_stats(const struct lk_siptrans *ts,
		       struct lk_siptrans_stats *st);

#endif
