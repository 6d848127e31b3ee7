/* signalling/call/call.c  A call between two legs whatever protocol they speak: its states, and one function per change of state. */
/*
 * Owns no memory: struct lk_sigcall is a value inside the protocol's call
 * object, and this file only moves it from state to state and calls the
 * legs' operations (one table for both sides, or one leg per side with
 * the media that crosses the call).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "call/call.h"

/*
 * Pure logic: no I/O, no allocation, no clock.  What is to be sent goes
 * through c->ops; the rules and the RFC 3261 clauses they come from are
 * in call.h.
 */

static enum lk_sigcall_side other(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? LK_SIGCALL_B : LK_SIGCALL_A;
}

void lk_sigcall_init(struct lk_sigcall *c, const struct lk_sigcall_ops *ops,
		     void *arg)
{
	*c = (struct lk_sigcall){
		.state = LK_SIGCALL_IDLE,
		.ops = ops,
		.endedh = ops->ended,
		.arg = arg,
		.offerer = LK_SIGCALL_A,
	};
}

void lk_sigcall_init_legs(struct lk_sigcall *c,
			  const struct lk_sigcall_leg *a,
			  const struct lk_sigcall_leg *b,
			  lk_sigcall_media_h *mediah, void *media_arg,
			  lk_sigcall_ended_h *endedh, void *arg)
{
	*c = (struct lk_sigcall){
		.state = LK_SIGCALL_IDLE,
		.leg = { *a, *b },
		.mediah = mediah,
		.media_arg = media_arg,
		.endedh = endedh,
		.arg = arg,
		.offerer = LK_SIGCALL_A,
	};
}

/*
 * The operations, whichever way the legs were plugged in: a leg of its
 * own gets the media, one table for both sides passes its own on.
 */
#define LEG(c, side) (&(c)->leg[side])

static void op_ringing(struct lk_sigcall *c, enum lk_sigcall_side side,
		       uint16_t code, const struct lk_mdesc *media)
{
	if (c->ops)
		c->ops->ringing(c, side, code);
	else
		LEG(c, side)->ops->ringing(c, LEG(c, side)->arg, code, media);
}

static int op_answer(struct lk_sigcall *c, enum lk_sigcall_side side,
		     const struct lk_mdesc *media)
{
	if (c->ops)
		return c->ops->answer(c, side);

	return LEG(c, side)->ops->answer(c, LEG(c, side)->arg, media);
}

static void op_reject(struct lk_sigcall *c, enum lk_sigcall_side side,
		      uint16_t code, const char *reason)
{
	if (c->ops)
		c->ops->reject(c, side, code, reason);
	else
		LEG(c, side)->ops->reject(c, LEG(c, side)->arg, code, reason);
}

static void op_ack(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	if (c->ops)
		c->ops->ack(c, side);
	else
		LEG(c, side)->ops->ack(c, LEG(c, side)->arg);
}

static void op_cancel(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	if (c->ops)
		c->ops->cancel(c, side);
	else
		LEG(c, side)->ops->cancel(c, LEG(c, side)->arg);
}

static void op_bye(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	if (c->ops)
		c->ops->bye(c, side);
	else
		LEG(c, side)->ops->bye(c, LEG(c, side)->arg);
}

void *lk_sigcall_arg(const struct lk_sigcall *c)
{
	return c->arg;
}

enum lk_sigcall_state lk_sigcall_state(const struct lk_sigcall *c)
{
	return c->state;
}

const char *lk_sigcall_state_name(enum lk_sigcall_state state)
{
	switch (state) {

	case LK_SIGCALL_IDLE:
		return "IDLE";
	case LK_SIGCALL_CALLING:
		return "CALLING";
	case LK_SIGCALL_PROCEEDING:
		return "PROCEEDING";
	case LK_SIGCALL_CANCELLING:
		return "CANCELLING";
	case LK_SIGCALL_CONNECTED:
		return "CONNECTED";
	case LK_SIGCALL_ENDED:
		return "ENDED";
	}

	return "?";
}

bool lk_sigcall_pending(const struct lk_sigcall *c)
{
	return c->pending;
}

bool lk_sigcall_final_sent(const struct lk_sigcall *c)
{
	return c->final_sent;
}

enum lk_sigcall_side lk_sigcall_offerer(const struct lk_sigcall *c)
{
	return c->offerer;
}

bool lk_sigcall_cancelled(const struct lk_sigcall *c)
{
	return c->cancelled;
}

bool lk_sigcall_reoffering(const struct lk_sigcall *c)
{
	return c->reoffer;
}

void lk_sigcall_end(struct lk_sigcall *c, const char *why)
{
	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->state = LK_SIGCALL_ENDED;
	c->pending = false;
	c->cancel_pending = false;
	c->endedh(c, why);
}

/* The first offer's failure ends the call; a re-offer's does not. */
static void offer_over(struct lk_sigcall *c, const char *why)
{
	if (!c->reoffer)
		lk_sigcall_end(c, why);
}

static void reject(struct lk_sigcall *c, uint16_t code, const char *reason)
{
	if (c->final_sent)
		return;
	c->final_sent = true;
	op_reject(c, c->offerer, code, reason);
}

void lk_sigcall_offer_sent(struct lk_sigcall *c)
{
	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->pending = true;
	if (c->state == LK_SIGCALL_IDLE)
		c->state = LK_SIGCALL_CALLING;
}

int lk_sigcall_reoffer(struct lk_sigcall *c, enum lk_sigcall_side from)
{
	if (c->state != LK_SIGCALL_CONNECTED)
		return EINVAL;
	if (c->pending)
		return EBUSY;
	c->offerer = from;
	c->reoffer = true;
	c->early = c->final_sent = false;
	c->cancelled = c->cancel_pending = false;

	return 0;
}

/* The media step of an interworking call: 0, EINVAL or another errno. */
static int media_step(struct lk_sigcall *c, enum lk_sigcall_side from,
		      bool answer, const struct lk_mdesc *in,
		      struct lk_mdesc *out)
{
	return c->mediah(c, from, answer, in, out, c->media_arg);
}

/* What the offerer gets when the media step refused: RFC 3261 s.21. */
static void media_refused(struct lk_sigcall *c, int err, const char *why)
{
	if (err == EINVAL)
		lk_sigcall_fail(c, 488, "Not Acceptable Here", why);
	else
		lk_sigcall_fail(c, 503, "Service Unavailable", why);
}

int lk_sigcall_offer(struct lk_sigcall *c, enum lk_sigcall_side from,
		     const struct lk_mdesc *offer)
{
	struct lk_mdesc out;
	int err;

	/* A call of one table: its legs pass their own media on. */
	if (!c->mediah)
		return EINVAL;
	if (c->state == LK_SIGCALL_IDLE && from == LK_SIGCALL_A && !c->pending)
		c->offerer = LK_SIGCALL_A;
	else if ((err = lk_sigcall_reoffer(c, from)))
		return err;
	err = media_step(c, from, false, offer, &out);
	if (err) {
		media_refused(c, err, "the media core refused the offer");
		return err;
	}
	err = LEG(c, other(from))->ops ? LEG(c, other(from))->ops->offer(
		c, LEG(c, other(from))->arg, &out) : ENOTSUP;
	if (err) {
		lk_sigcall_fail(c, 503, "Service Unavailable",
				"the offer could not be sent on");
		return err;
	}
	lk_sigcall_offer_sent(c);

	return 0;
}

static void provisional(struct lk_sigcall *c, uint16_t code,
			const struct lk_mdesc *media)
{
	if (c->state == LK_SIGCALL_ENDED || !c->pending)
		return;
	/* Any provisional, 100 included, lets a CANCEL go (RFC 3261 s.9.1). */
	c->early = true;
	if (c->cancel_pending) {
		c->cancel_pending = false;
		op_cancel(c, other(c->offerer));
		return;
	}
	if (c->state == LK_SIGCALL_CALLING)
		c->state = LK_SIGCALL_PROCEEDING;
	if (code == 100 || c->final_sent)
		return;
	op_ringing(c, c->offerer, code, media);
}

void lk_sigcall_provisional(struct lk_sigcall *c, uint16_t code)
{
	provisional(c, code, NULL);
}

void lk_sigcall_early(struct lk_sigcall *c, uint16_t code,
		      const struct lk_mdesc *media)
{
	struct lk_mdesc out;

	if (!media || !c->mediah || c->state == LK_SIGCALL_ENDED ||
	    !c->pending ||
	    c->cancel_pending || c->final_sent || code == 100 ||
	    media_step(c, other(c->offerer), true, media, &out)) {
		provisional(c, code, NULL);
		return;
	}
	provisional(c, code, &out);
}

/*
 * The answerer accepted; `media` is what the offerer's leg is to be
 * told (NULL: its own protocol carries it, or the early answer stands),
 * `step` the media step's errno for an answer it refused.
 */
static void answered(struct lk_sigcall *c, const struct lk_mdesc *media,
		     int step)
{
	enum lk_sigcall_side answerer = other(c->offerer);

	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->pending = false;
	c->cancel_pending = false;
	op_ack(c, answerer);
	if (c->cancelled || c->final_sent) {
		/* CANCEL and the answer crossed (s.9.1): end what began. */
		op_bye(c, answerer);
		offer_over(c, "cancelled (the callee answered as the CANCEL "
			   "crossed)");
		return;
	}
	if (step) {
		op_bye(c, answerer);
		media_refused(c, step, "the callee's answer was refused by "
			      "the media core");
		return;
	}
	c->final_sent = true;
	if (op_answer(c, c->offerer, media)) {
		op_bye(c, answerer);
		offer_over(c, "the callee's answer was refused by the media "
			   "core");
		return;
	}
	if (!c->reoffer)
		c->state = LK_SIGCALL_CONNECTED;
}

void lk_sigcall_answered(struct lk_sigcall *c)
{
	answered(c, NULL, 0);
}

void lk_sigcall_answer(struct lk_sigcall *c, const struct lk_mdesc *media)
{
	struct lk_mdesc out;
	int step = 0;

	/* No media step for an answer that crossed a CANCEL: it ends. */
	if (!c->mediah)
		media = NULL;	/* one table: its legs carry their media */
	if (media && c->state != LK_SIGCALL_ENDED && !c->cancelled &&
	    !c->final_sent)
		step = media_step(c, other(c->offerer), true, media, &out);
	answered(c, media && !step ? &out : NULL, step);
}

void lk_sigcall_refused(struct lk_sigcall *c, uint16_t code,
			const char *reason, const char *why)
{
	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->pending = false;
	c->cancel_pending = false;
	reject(c, code, reason);
	offer_over(c, why);
}

int lk_sigcall_cancel(struct lk_sigcall *c)
{
	if (c->state == LK_SIGCALL_ENDED || c->final_sent || !c->pending)
		return EALREADY;
	reject(c, 487, "Request Terminated");
	c->cancelled = true;
	if (c->early)
		op_cancel(c, other(c->offerer));
	else
		c->cancel_pending = true;	/* until the first provisional */
	if (!c->reoffer)
		c->state = LK_SIGCALL_CANCELLING;

	return 0;
}

int lk_sigcall_hangup(struct lk_sigcall *c, enum lk_sigcall_side from,
		      const char *why)
{
	if (c->state == LK_SIGCALL_ENDED)
		return 0;
	if (!c->reoffer && from == LK_SIGCALL_A && c->pending) {
		/*
		 * A BYE before the final response (RFC 3261 s.15 does not
		 * allow it, some UAs do it): a cancel, and the call lives on
		 * until B's final answer, so that an answer crossing it is
		 * still acknowledged and ended.
		 */
		reject(c, 487, "Request Terminated");
		if (!c->cancelled) {
			c->cancelled = true;
			if (c->early)
				op_cancel(c, LK_SIGCALL_B);
			else
				c->cancel_pending = true;
		}
		c->state = LK_SIGCALL_CANCELLING;
		return EINPROGRESS;
	}
	op_bye(c, other(from));
	lk_sigcall_end(c, why);

	return 0;
}

void lk_sigcall_fail(struct lk_sigcall *c, uint16_t code, const char *reason,
		     const char *why)
{
	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->pending = false;
	reject(c, code, reason);
	offer_over(c, why);
}

void lk_sigcall_terminate(struct lk_sigcall *c, const char *why)
{
	if (c->state == LK_SIGCALL_ENDED)
		return;
	op_bye(c, LK_SIGCALL_A);
	op_bye(c, LK_SIGCALL_B);
	lk_sigcall_end(c, why);
}
