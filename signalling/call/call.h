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
 * Two ways to plug legs in.  A call whose two legs speak one protocol
 * (SIP to SIP, H.323 to H.323) gives one table for both
 * (lk_sigcall_init()): its legs pass their own protocol's media on (SIP's
 * SDP with every attribute kept, H.323's OpenLogicalChannels) and only
 * the decisions come from here.  A call whose legs speak different
 * protocols (interworking) gives each side a leg of its own
 * (lk_sigcall_init_legs()): every offer and answer then crosses the call
 * as a protocol-neutral media description (relay/mdesc.h: per stream
 * address, ports, codecs, direction, multiplexID), the media step of
 * call/relay.h turns what one side described into what the other is to
 * be told (the relay's address and ports), and each leg converts at its
 * own edge (SIP: relay/sdpdesc.h; H.323: h323/callmedia.h).
 *
 * Ownership: struct lk_sigcall is a value embedded in the protocol's call
 * object (the B2BUA's struct b2bcall); it holds no memory and no
 * reference.  `ops`, the legs and `arg` must outlive it.  Every function
 * runs on the control thread.  An operation may not free the call
 * object; ending is asked of lk_sigcall_end(), which calls the ended
 * handler exactly once.
 */

#include <stdbool.h>
#include <stdint.h>

#include "mdesc.h"

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

/*
 * One side's leg of an interworking call (lk_sigcall_init_legs()): the
 * operations of struct lk_sigcall_ops for one side, with the media that
 * crosses the call.  `leg` is the leg's own object (struct
 * lk_sigcall_leg's arg).  A description given to an operation is the
 * relay's side as this leg's side is to be told it, valid for the
 * length of the call; the leg writes it in its protocol (SDP, fastStart,
 * OpenLogicalChannel).  Every member is required.
 */
struct lk_sigcall_leg_ops {
	/*
	 * Send the offer `media` to this side (the first: SIP INVITE, H.323
	 * Setup; later a re-offer).  0, or an errno: the offer fails and
	 * the offerer gets 503.
	 */
	int (*offer)(struct lk_sigcall *c, void *leg,
		     const struct lk_mdesc *media);
	/* The answerer's provisional `code`; `media` its early answer, or
	 * NULL when it gave none. */
	void (*ringing)(struct lk_sigcall *c, void *leg, uint16_t code,
			const struct lk_mdesc *media);
	/*
	 * The answer: `media` the answerer's, or NULL when its final
	 * answer repeated none (the early one stands, RFC 3261 s.13.2.1).
	 * 0 or an errno as struct lk_sigcall_ops's answer.
	 */
	int (*answer)(struct lk_sigcall *c, void *leg,
		      const struct lk_mdesc *media);
	void (*reject)(struct lk_sigcall *c, void *leg, uint16_t code,
		       const char *reason);
	void (*ack)(struct lk_sigcall *c, void *leg);
	void (*cancel)(struct lk_sigcall *c, void *leg);
	void (*bye)(struct lk_sigcall *c, void *leg);
};

struct lk_sigcall_leg {
	const struct lk_sigcall_leg_ops *ops;
	void *arg;
};

/*
 * The media step of an interworking call: what side `from` described
 * (`in`, an offer, or with `answer` an answer) into what the other side
 * is to be told (`out`, the relay's address and ports in place of the
 * sender's).  Strings of `out` point into `in` or into memory the step
 * keeps for the length of the call.  0, or EINVAL (a description the
 * media core refuses: the offerer gets 488) or another errno (503).
 * call/relay.h has the one that goes through the media core.
 */
typedef int (lk_sigcall_media_h)(struct lk_sigcall *c,
				 enum lk_sigcall_side from, bool answer,
				 const struct lk_mdesc *in,
				 struct lk_mdesc *out, void *arg);

/* The call ended (`why` for the log): release media, unlink, log. */
typedef void (lk_sigcall_ended_h)(struct lk_sigcall *c, const char *why);

/* The state of one call.  Fields are this module's; read them through
 * the functions below. */
struct lk_sigcall {
	enum lk_sigcall_state state;
	const struct lk_sigcall_ops *ops;	/* one table, or NULL and: */
	struct lk_sigcall_leg leg[2];		/* one leg per side */
	lk_sigcall_media_h *mediah;
	void *media_arg;
	lk_sigcall_ended_h *endedh;
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

/*
 * Set up an interworking call `c` in state IDLE: side A's leg and side
 * B's (each its own table and object), the media step `mediah` with its
 * `media_arg`, the ended handler, and `arg` for lk_sigcall_arg().  Its
 * offers and answers come in through lk_sigcall_offer(),
 * lk_sigcall_early() and lk_sigcall_answer().
 */
void lk_sigcall_init_legs(struct lk_sigcall *c,
			  const struct lk_sigcall_leg *a,
			  const struct lk_sigcall_leg *b,
			  lk_sigcall_media_h *mediah, void *media_arg,
			  lk_sigcall_ended_h *endedh, void *arg);

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

/*
 * An offer from side `from` with its media (interworking calls): the
 * first (from A, in IDLE) or a re-offer (CONNECTED; EBUSY and EINVAL as
 * lk_sigcall_reoffer()).  The media step turns it into what the other
 * side is to be told, that side's leg sends it, and the call is CALLING.
 * When the media step or the leg fails, the offerer is rejected (488 for
 * a description the media core refuses, else 503), a first offer's call
 * ends, and the errno is returned.  EINVAL, and nothing happens, on a
 * call of one table (lk_sigcall_init()): its legs pass their own media.
 */
int lk_sigcall_offer(struct lk_sigcall *c, enum lk_sigcall_side from,
		     const struct lk_mdesc *offer);

/*
 * A provisional `code` from the answerer with its early answer `media`
 * (NULL: none): as lk_sigcall_provisional(), the offerer's leg getting
 * the early answer through the media step (a step that fails passes the
 * provisional on without it).
 */
void lk_sigcall_early(struct lk_sigcall *c, uint16_t code,
		      const struct lk_mdesc *media);

/*
 * The answerer accepted with `media` (NULL: the early answer stands): as
 * lk_sigcall_answered(), the answer crossing the media step first.  When
 * the step refuses it, the answerer is acknowledged and hung up and the
 * offerer rejected (488 or 503).  On a call of one table, lk_sigcall_early()
 * and lk_sigcall_answer() are lk_sigcall_provisional() and
 * lk_sigcall_answered(): `media` is not used.
 */
void lk_sigcall_answer(struct lk_sigcall *c, const struct lk_mdesc *media);

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
