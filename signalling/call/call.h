/* signalling/call/call.h  A call between two legs whatever protocol they speak: its states, and one function per change of state. */
#ifndef LK_SIGCALL_H
#define LK_SIGCALL_H

/*
 * This module owns the life of a call as the two legs see it, and nothing
 * of any protocol: side A (the caller) made an offer, side B (the callee)
 * got it from us, and every event on either side moves the call through
 * one function below.  What a state change has to send is asked of the
 * legs through a table of operations (struct lk_sigcall_ops), which the
 * SIP B2BUA and the H.323 gatekeeper's call signalling implement; the
 * crossing cases that RFC 3261 leaves to the B2BUA are decided here once:
 *
 *  - CANCEL (or a BYE from A while B has not answered) before B sent any
 *    provisional: A gets 487 at once, the CANCEL to B waits for B's first
 *    provisional (RFC 3261 s.9.1: a CANCEL may not go before it);
 *  - CANCEL after B's 100 Trying: it goes to B at once;
 *  - B's 2xx crossing the CANCEL: B's answer is acknowledged and its
 *    dialog ended with BYE (s.9.1, s.15); A keeps its 487;
 *  - a BYE from A while B rings is handled as a CANCEL, and the call lives
 *    on until B's final response, so that a 2xx crossing it is still
 *    acknowledged and ended.
 *
 * After the first answer an offer in progress may come again from either
 * side (a re-offer, SIP's re-INVITE): the same events apply to it, but
 * its failure does not end the call.
 *
 * Ownership: struct lk_sigcall is a value embedded in the protocol's call
 * object (the B2BUA's struct b2bcall); it holds no memory and no
 * reference.  `ops` and `arg` must outlive it.  Every function runs on
 * the control thread.  An operation may not free the call object; ending
 * is asked of lk_sigcall_end(), which calls ops->ended exactly once.
 */

#include <stdbool.h>
#include <stdint.h>

enum lk_sigcall_side {
	LK_SIGCALL_A = 0,	/* the caller: its leg offered first */
	LK_SIGCALL_B = 1,	/* the callee: our leg offered to it */
};

enum lk_sigcall_state {
	LK_SIGCALL_IDLE = 0,	/* set up; nothing sent to B yet */
	LK_SIGCALL_CALLING,	/* the offer went to B; nothing back yet */
	LK_SIGCALL_PROCEEDING,	/* B sent a provisional (a CANCEL may go) */
	LK_SIGCALL_CANCELLING,	/* A gave up; waiting for B's final answer */
	LK_SIGCALL_CONNECTED,	/* B answered and A has the answer */
	LK_SIGCALL_ENDED,
};

struct lk_sigcall;

/*
 * What a state change asks of the legs.  `side` is the leg that is to do
 * it.  Every member is required.
 */
struct lk_sigcall_ops {
	/* Pass B's provisional `code` (180, 183, ...) on to the offerer. */
	void (*ringing)(struct lk_sigcall *c, enum lk_sigcall_side side,
			uint16_t code);
	/*
	 * Pass the answer on to the offerer `side`.  0, or an errno when
	 * the answer cannot be taken (the media core refused it); the leg
	 * has then told its side why, and the call hangs up the answerer.
	 */
	int (*answer)(struct lk_sigcall *c, enum lk_sigcall_side side);
	/* A final failure (`code` >= 300, `reason`) to the offerer `side`. */
	void (*reject)(struct lk_sigcall *c, enum lk_sigcall_side side,
		       uint16_t code, const char *reason);
	/* Acknowledge the answer of `side` (SIP: the ACK of its 2xx). */
	void (*ack)(struct lk_sigcall *c, enum lk_sigcall_side side);
	/* Withdraw our offer to `side` (SIP: CANCEL). */
	void (*cancel)(struct lk_sigcall *c, enum lk_sigcall_side side);
	/* End the dialog with `side` (SIP: BYE). */
	void (*bye)(struct lk_sigcall *c, enum lk_sigcall_side side);
	/* The call ended (`why` for the log): release media, unlink, log. */
	void (*ended)(struct lk_sigcall *c, const char *why);
};

/* The state of one call.  Fields are this module's; read them through
 * the functions below. */
struct lk_sigcall {
	enum lk_sigcall_state state;
	const struct lk_sigcall_ops *ops;
	void *arg;			/* the protocol's call object */
	enum lk_sigcall_side offerer;	/* the side of the offer in progress */
	bool pending;			/* our offer has no final answer yet */
	bool early;			/* the answerer sent a provisional */
	bool final_sent;		/* the offerer has its final answer */
	bool cancelled;			/* the offerer withdrew its offer */
	bool cancel_pending;		/* a CANCEL waits for a provisional */
	bool reoffer;			/* the offer in progress is a re-offer */
};

/* Set up `c` in state IDLE. */
void lk_sigcall_init(struct lk_sigcall *c, const struct lk_sigcall_ops *ops,
		     void *arg);

/* The protocol's call object given to lk_sigcall_init(). */
void *lk_sigcall_arg(const struct lk_sigcall *c);

enum lk_sigcall_state lk_sigcall_state(const struct lk_sigcall *c);

/* "CALLING", "CONNECTED", ...: for logs and tests. */
const char *lk_sigcall_state_name(enum lk_sigcall_state state);

/* Is an offer waiting for its final answer from the other side? */
bool lk_sigcall_pending(const struct lk_sigcall *c);

/* Has the offerer its final answer (nothing more may be said to it)? */
bool lk_sigcall_final_sent(const struct lk_sigcall *c);

/* The side whose offer is in progress (A for the first offer). */
enum lk_sigcall_side lk_sigcall_offerer(const struct lk_sigcall *c);

/* Did the offerer withdraw the offer in progress? */
bool lk_sigcall_cancelled(const struct lk_sigcall *c);

/* Is the offer in progress a re-offer (its failure keeps the call)? */
bool lk_sigcall_reoffering(const struct lk_sigcall *c);

/*
 * Events.  Each is one change of state; each is a no-op on an ENDED call.
 */

/* IDLE -> CALLING: the offer went to B. */
void lk_sigcall_offer_sent(struct lk_sigcall *c);

/*
 * CONNECTED: side `from` offers again.  EBUSY while another offer is in
 * progress (SIP answers 491), EINVAL before the call is connected.
 */
int lk_sigcall_reoffer(struct lk_sigcall *c, enum lk_sigcall_side from);

/* A provisional `code` (100-199) from the answerer. */
void lk_sigcall_provisional(struct lk_sigcall *c, uint16_t code);

/* The answerer accepted (SIP: its first 2xx). */
void lk_sigcall_answered(struct lk_sigcall *c);

/*
 * The answerer refused with `code` >= 300 (or, for a timeout or a
 * transport error, the code the offerer is to get: 408, 503).  `why` is
 * for the log line of the call that ends.
 */
void lk_sigcall_refused(struct lk_sigcall *c, uint16_t code,
			const char *reason, const char *why);

/*
 * The offerer withdrew its offer (SIP: CANCEL).  EALREADY when it already
 * has a final answer (SIP answers the CANCEL 481), else 0: the offerer
 * gets 487 and the answerer a cancel now or after its first provisional.
 */
int lk_sigcall_cancel(struct lk_sigcall *c);

/*
 * Side `from` hangs up (SIP: BYE).  From A while B has not answered the
 * first offer it is a cancel (see above), the call goes on until B's
 * final answer, and EINPROGRESS is returned; otherwise the other side
 * gets a bye, the call ends (`why` for the log) and 0 is returned.
 */
int lk_sigcall_hangup(struct lk_sigcall *c, enum lk_sigcall_side from,
		      const char *why);

/*
 * The call cannot go on before B answered (no route, a bad offer, the
 * media core refused it): the offerer gets `code` and the call ends.
 */
void lk_sigcall_fail(struct lk_sigcall *c, uint16_t code, const char *reason,
		     const char *why);

/* Both sides get a bye, then the call ends (media gone, no ACK). */
void lk_sigcall_terminate(struct lk_sigcall *c, const char *why);

/* The call ends without a word to either side (stopping, bad request). */
void lk_sigcall_end(struct lk_sigcall *c, const char *why);

#endif
