/* signalling/call/call.c  A call between two legs whatever protocol they speak: its states, and one function per change of state. */
/*
 * Owns no memory: struct lk_sigcall is a value inside the protocol's call
 * object, and this file only moves it from state to state and calls the
 * legs' operations.
 */
#include <errno.h>
#include <stddef.h>

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
		.arg = arg,
		.offerer = LK_SIGCALL_A,
	};
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
	c->ops->ended(c, why);
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
	c->ops->reject(c, c->offerer, code, reason);
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

void lk_sigcall_provisional(struct lk_sigcall *c, uint16_t code)
{
	if (c->state == LK_SIGCALL_ENDED || !c->pending)
		return;
	/* Any provisional, 100 included, lets a CANCEL go (RFC 3261 s.9.1). */
	c->early = true;
	if (c->cancel_pending) {
		c->cancel_pending = false;
		c->ops->cancel(c, other(c->offerer));
		return;
	}
	if (c->state == LK_SIGCALL_CALLING)
		c->state = LK_SIGCALL_PROCEEDING;
	if (code == 100 || c->final_sent)
		return;
	c->ops->ringing(c, c->offerer, code);
}

void lk_sigcall_answered(struct lk_sigcall *c)
{
	enum lk_sigcall_side answerer = other(c->offerer);

	if (c->state == LK_SIGCALL_ENDED)
		return;
	c->pending = false;
	c->cancel_pending = false;
	c->ops->ack(c, answerer);
	if (c->cancelled || c->final_sent) {
		/* CANCEL and the answer crossed (s.9.1): end what began. */
		c->ops->bye(c, answerer);
		offer_over(c, "cancelled (the callee answered as the CANCEL "
			   "crossed)");
		return;
	}
	c->final_sent = true;
	if (c->ops->answer(c, c->offerer)) {
		c->ops->bye(c, answerer);
		offer_over(c, "the callee's answer was refused by the media "
			   "core");
		return;
	}
	if (!c->reoffer)
		c->state = LK_SIGCALL_CONNECTED;
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
		c->ops->cancel(c, other(c->offerer));
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
				c->ops->cancel(c, LK_SIGCALL_B);
			else
				c->cancel_pending = true;
		}
		c->state = LK_SIGCALL_CANCELLING;
		return EINPROGRESS;
	}
	c->ops->bye(c, other(from));
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
	c->ops->bye(c, LK_SIGCALL_A);
	c->ops->bye(c, LK_SIGCALL_B);
	lk_sigcall_end(c, why);
}
