/* signalling/sip/transaction.h  SIP transactions, RFC 3261 s.17 (with RFC 6026): server and client. */
/*
 * RFC 3261 s.17 transactions over the transport: the layer (lk_sipxact),
 * its server (lk_sipxact_srv) and client (lk_sipxact_cli) transactions, and
 * the one helper every SIP module answers a request with.
 */
#ifndef LK_SIPXACT_H
#define LK_SIPXACT_H

#include <stddef.h>
#include <stdint.h>

#include "sip/transport.h"

struct event_base;
struct mbuf;
struct sip_msg;
struct lk_sipxact;
struct lk_sipxact_srv;
struct lk_sipxact_cli;

/*
 * The table of server and client transactions of one SIP layer.
 *
 * Server transactions (s.17.2).  A request is matched by its top Via
 * branch and sent-by and its CSeq method (s.17.2.3; an ACK matches the
 * INVITE transaction of the same branch).
 *  - non-INVITE (s.17.2.2): Trying -> (Proceeding) -> Completed ->
 *    Terminated; a retransmission in Proceeding or Completed gets the last
 *    response again, one in Trying is absorbed.  Completed lasts Timer J =
 *    64*T1 over UDP and 0 over TCP/TLS.  Nobody answering: gone at 64*T1.
 *  - INVITE (s.17.2.1 as amended by RFC 6026): "100 Trying" is sent at
 *    once by lk_sipxact_receive().  A retransmitted INVITE gets the last
 *    response again.  A 300-699 moves it to Completed: over UDP the
 *    response is retransmitted on Timer G (T1, doubling, capped at T2 =
 *    4 s) until the ACK (same branch) arrives, which lk_sipxact_receive()
 *    absorbs (Confirmed; Timer I = T4 = 5 s over UDP, 0 over TCP/TLS);
 *    Timer H (64*T1) without ACK ends it.  A 2xx moves it to Accepted
 *    (RFC 6026 s.7.1): the 2xx is retransmitted over UDP (T1 doubling to
 *    T2, s.13.3.1.4) until the transaction user reports the ACK with
 *    lk_sipxact_ack() (the ACK of a 2xx has its own branch and is matched
 *    by the dialog, which is the transaction user's), for at most Timer L
 *    = 64*T1; over TCP/TLS nothing is retransmitted but the transaction
 *    still absorbs retransmitted INVITEs until the ACK or Timer L.
 *
 * Client transactions (s.17.1).  lk_sipxact_request() sends a request
 * whose top Via branch is unique (lk_sipxact_branch()) and matches the
 * responses by that branch and the CSeq method (s.17.1.3).
 *  - INVITE (s.17.1.1, RFC 6026): over UDP retransmitted on Timer A (T1,
 *    doubling, no cap) until any response; Timer B = 64*T1 without one:
 *    ETIMEDOUT.  A 300-699 is acknowledged by the transaction itself (an
 *    ACK built per s.17.1.1.3: same Request-URI, Call-ID, From, CSeq
 *    number, top Via and Route as the INVITE, To of the response) and
 *    absorbed when retransmitted (Completed, Timer D = 32 s over UDP, 0
 *    over TCP/TLS).  A 2xx moves it to Accepted for Timer M = 64*T1: each
 *    2xx, retransmissions included, goes up to the handler, whose dialog
 *    sends (and re-sends) the ACK itself.
 *  - non-INVITE (s.17.1.2): over UDP retransmitted on Timer E (T1,
 *    doubling to T2, then every T2; every T2 once a provisional arrived);
 *    Timer F = 64*T1 without a final: ETIMEDOUT.  Completed for Timer K =
 *    T4 over UDP, 0 over TCP/TLS, absorbing retransmitted responses.
 * A send error (for TCP/TLS also: the connection closed before the final
 * response) gives the handler ENOTCONN or the send's errno.
 */
enum lk_sipxact_srv_kind {
	LK_SIPST_NON_INVITE = 0,
	LK_SIPST_INVITE,
};

enum lk_sipxact_srv_state {
	LK_SIPST_TRYING = 0,
	LK_SIPST_PROCEEDING,
	LK_SIPST_COMPLETED,
	LK_SIPST_CONFIRMED,		/* INVITE server, after the ACK */
	LK_SIPST_ACCEPTED,		/* INVITE, after a 2xx (RFC 6026) */
	LK_SIPST_TERMINATED,
};

#define LK_SIP_T1_MS 500u
#define LK_SIP_T2_MS 4000u
#define LK_SIP_T4_MS 5000u
#define LK_SIPXACT_MAX 20000

struct lk_sipxact_stats {
	uint64_t created;		/* server transactions */
	uint64_t retransmissions;	/* requests absorbed or answered again */
	uint64_t full;			/* table full: handled statelessly */
	uint64_t abandoned;		/* no final response in 64*T1 */
	uint64_t no_ack;		/* Timer H or L: final sent, no ACK */
	uint64_t client_created;	/* client transactions */
	uint64_t client_retransmissions;	/* requests sent again */
	uint64_t client_timeouts;	/* Timer B or F */
	uint64_t client_errors;		/* transport failures */
	uint64_t stray_responses;	/* matched no client transaction */
	unsigned active;		/* server */
	unsigned client_active;
};

/* `t1_ms` 0 means RFC 3261's 500 ms; tests use a shorter one. */
int lk_sipxact_alloc(struct lk_sipxact **tsp, struct event_base *base,
		      struct lk_siptransport *transport, unsigned t1_ms);

/*
 * Server side.
 */

/*
 * Match request `msg` from `flow`.  Returns 0 with *stp a new transaction
 * for the transaction user to answer with lk_sipxact_reply() (for an
 * INVITE, "100 Trying" went out already); EALREADY for a retransmission
 * (answered again, or absorbed) and for the ACK of a non-2xx final
 * response (absorbed); ENOENT for an ACK that matches no INVITE
 * transaction (the ACK of a 2xx: the transaction user's, by dialog);
 * ENOSPC when the table is full (answer statelessly).
 */
int lk_sipxact_receive(struct lk_sipxact *ts, const struct sip_msg *msg,
			const struct lk_sipflow *flow, struct lk_sipxact_srv **stp);

/*
 * Send `mb` (a whole response with status `scode`) on the transaction's
 * flow and keep it for retransmissions.  For a non-INVITE transaction a
 * final response over TCP/TLS ends it at once, so `st` must not be used
 * after a final response unless a handler is set (lk_sipxact_set_handler,
 * which keeps the transaction user informed of the end).
 */
int lk_sipxact_reply(struct lk_sipxact_srv *st, uint16_t scode,
		      const struct mbuf *mb);

/*
 * Called once when the server transaction ends: err 0 (normal end, incl.
 * the ACK of a 2xx reported with lk_sipxact_ack()), ETIMEDOUT (Timer H or
 * L: a final response was never acknowledged; for an INVITE answered 2xx
 * the dialog should be ended with a BYE), ECONNABORTED (64*T1 without a
 * final response).  `st` is gone after the call.
 * (Added with the implementation: for an INVITE, "without a final
 * response" is Timer C, 362*T1 = 181 s, restarted by each provisional
 * response, s.16.6 item 11: a call may ring longer than 64*T1.)
 */
typedef void (lk_sipxact_srv_end_h)(struct lk_sipxact_srv *st, int err, void *arg);
void lk_sipxact_set_handler(struct lk_sipxact_srv *st, lk_sipxact_srv_end_h *h,
			     void *arg);

/* The ACK of the 2xx arrived (matched by the dialog): stop and end. */
void lk_sipxact_ack(struct lk_sipxact_srv *st);

/*
 * The INVITE server transaction a CANCEL is for (same branch, sent-by;
 * s.9.2), or NULL.  Only Trying/Proceeding transactions are returned:
 * after a final response there is nothing to cancel.
 */
struct lk_sipxact_srv *lk_sipxact_find_invite(struct lk_sipxact *ts,
					 const struct sip_msg *cancel);

/*
 * Client side.
 */

/* A new branch, "z9hG4bK" + 16 random hex digits, in `buf`. */
void lk_sipxact_branch(char *buf, size_t sz);

/*
 * Each response that belongs to the transaction: provisional ones, then
 * the final one (and, for INVITE, retransmitted 2xx while Accepted), with
 * err 0 and `msg`; or err != 0 and `msg` NULL (ETIMEDOUT: Timer B/F;
 * ENOTCONN or the send's errno: transport failure).  After a final
 * response or an error the handler is called again only for retransmitted
 * 2xx of an INVITE.
 */
typedef void (lk_sipxact_cli_h)(int err, const struct sip_msg *msg, void *arg);

/*
 * Send request `mb` (whole; its top Via carries a branch from
 * lk_sipxact_branch()) to `flow` and start a client transaction.  The
 * flow: UDP sends to flow->remote from the SIP UDP port; TCP/TLS with
 * flow->conn sends on that connection; TCP/TLS without one goes through
 * lk_siptransport_send_to() (an open connection to flow->remote is reused,
 * else one is opened from the TCP outbound range).  When `ctp` is not
 * NULL, *ctp is a reference of the transaction user's (the table holds its
 * own until the transaction ends): it stays a valid object until released
 * with lk_sipxact_cli_abandon(), which also stops the handler.  With `ctp` NULL
 * the transaction user keeps nothing.  The request is decoded once here
 * to learn its branch, method and, for INVITE, what the ACK needs; EINVAL
 * if it does not decode.
 */
/*
 * (Added with the implementation: *ctp is a reference of the transaction
 * user's, valid until lk_sipxact_cli_abandon() releases it, also after the
 * transaction has ended: every *ctp taken must be released so.  When the
 * first send fails its errno is returned: no transaction, no handler
 * call.  An INVITE in Proceeding ends with ETIMEDOUT at Timer C, 362*T1,
 * restarted by each provisional response, s.16.6 item 11.)
 */
int lk_sipxact_request(struct lk_sipxact_cli **ctp, struct lk_sipxact *ts,
			const struct lk_sipflow *flow, const struct mbuf *mb,
			lk_sipxact_cli_h *h, void *arg);

/* The flow the request went out on (with its connection once opened). */
const struct lk_sipflow *lk_sipxact_cli_flow(const struct lk_sipxact_cli *ct);

/* The transaction user goes away: never call its handler again. */
void lk_sipxact_cli_abandon(struct lk_sipxact_cli *ct);

/*
 * Match response `msg` from `flow` to a client transaction and call its
 * handler.  Returns 0 when it matched, ENOENT when it did not (counted as
 * stray; the transaction user may still want a stray 2xx to an INVITE,
 * to ACK it).
 */
int lk_sipxact_response(struct lk_sipxact *ts, const struct sip_msg *msg,
			 const struct lk_sipflow *flow);

void lk_sipxact_stats(const struct lk_sipxact *ts,
		       struct lk_sipxact_stats *st);

/*
 * Answer request `msg` from `flow` through its server transaction `st`,
 * or statelessly over `tp` when `st` is NULL: status, reason, header
 * lines (or NULL), no body.  The one way every SIP module answers a
 * request without a body.
 */
void lk_sipxact_answer(struct lk_siptransport *tp, struct lk_sipxact_srv *st,
		       const struct lk_sipflow *flow,
		       const struct sip_msg *msg, uint16_t scode,
		       const char *reason, const char *hdrs);

#endif
