/* tests/unit/call/test_call.c  The call state machine: every change of state, and the crossing cases of RFC 3261 s.9.1 and s.15. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "call/call.h"

/*
 * The legs are a recorder: every operation the call asks for is appended
 * to `log` as "op side [code]; ", so that a test states the exact
 * sequence a real leg would have sent.
 */
struct legs {
	struct lk_sigcall c;
	char log[512];
	int answer_err;		/* what op_answer returns */
	int ended;		/* how often ops->ended ran */
	char why[128];
};

static void note(struct lk_sigcall *c, const char *fmt, ...)
{
	struct legs *l = lk_sigcall_arg(c);
	size_t n = strlen(l->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->log + n, sizeof(l->log) - n, fmt, ap);
	va_end(ap);
}

static const char *sn(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? "A" : "B";
}

static void op_ringing(struct lk_sigcall *c, enum lk_sigcall_side side,
		       uint16_t code)
{
	note(c, "ringing %s %u; ", sn(side), code);
}

static int op_answer(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	struct legs *l = lk_sigcall_arg(c);

	note(c, "answer %s; ", sn(side));
	return l->answer_err;
}

static void op_reject(struct lk_sigcall *c, enum lk_sigcall_side side,
		      uint16_t code, const char *reason)
{
	note(c, "reject %s %u; ", sn(side), code);
}

static void op_ack(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	note(c, "ack %s; ", sn(side));
}

static void op_cancel(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	note(c, "cancel %s; ", sn(side));
}

static void op_bye(struct lk_sigcall *c, enum lk_sigcall_side side)
{
	note(c, "bye %s; ", sn(side));
}

static void op_ended(struct lk_sigcall *c, const char *why)
{
	struct legs *l = lk_sigcall_arg(c);

	++l->ended;
	snprintf(l->why, sizeof(l->why), "%s", why);
	note(c, "ended; ");
}

static const struct lk_sigcall_ops ops = {
	op_ringing, op_answer, op_reject, op_ack, op_cancel, op_bye, op_ended,
};

static int setup(void **state)
{
	static struct legs l;

	memset(&l, 0, sizeof(l));
	lk_sigcall_init(&l.c, &ops, &l);
	*state = &l;

	return 0;
}

#define LOG_IS(l, s) assert_string_equal((s), (l)->log)
#define STATE_IS(l, s) assert_string_equal(#s, \
	lk_sigcall_state_name(lk_sigcall_state(&(l)->c)))

static void calling(struct legs *l)
{
	STATE_IS(l, IDLE);
	lk_sigcall_offer_sent(&l->c);
	STATE_IS(l, CALLING);
	assert_true(lk_sigcall_pending(&l->c));
	assert_int_equal(LK_SIGCALL_A, lk_sigcall_offerer(&l->c));
}

static void connected(struct legs *l)
{
	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_answered(&l->c);
	STATE_IS(l, CONNECTED);
	l->log[0] = '\0';
}

static void offer_sent_is_calling(void **state)
{
	struct legs *l = *state;

	calling(l);
	LOG_IS(l, "");
	assert_false(lk_sigcall_final_sent(&l->c));
}

static void trying_is_proceeding_and_not_passed_on(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 100);
	STATE_IS(l, PROCEEDING);
	LOG_IS(l, "");
}

static void ringing_is_passed_to_the_caller(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_provisional(&l->c, 183);
	STATE_IS(l, PROCEEDING);
	LOG_IS(l, "ringing A 180; ringing A 183; ");
}

static void answer_is_acked_and_passed_on(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_answered(&l->c);
	STATE_IS(l, CONNECTED);
	LOG_IS(l, "ringing A 180; ack B; answer A; ");
	assert_false(lk_sigcall_pending(&l->c));
	assert_true(lk_sigcall_final_sent(&l->c));
	assert_int_equal(0, l->ended);
}

static void answer_without_provisional_connects(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_answered(&l->c);
	STATE_IS(l, CONNECTED);
	LOG_IS(l, "ack B; answer A; ");
}

static void refusal_is_passed_on_and_ends(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_refused(&l->c, 486, "Busy Here", "refused: 486");
	STATE_IS(l, ENDED);
	LOG_IS(l, "ringing A 180; reject A 486; ended; ");
	assert_string_equal("refused: 486", l->why);
}

static void answer_refused_by_the_media_core_hangs_up_the_callee(void **state)
{
	struct legs *l = *state;

	calling(l);
	l->answer_err = EBADMSG;
	lk_sigcall_answered(&l->c);
	STATE_IS(l, ENDED);
	LOG_IS(l, "ack B; answer A; bye B; ended; ");
}

/* CANCEL before anything came back: 487 now, the CANCEL after a 1xx. */
static void cancel_before_any_provisional_waits_for_one(void **state)
{
	struct legs *l = *state;

	calling(l);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	STATE_IS(l, CANCELLING);
	LOG_IS(l, "reject A 487; ");
	lk_sigcall_provisional(&l->c, 100);
	LOG_IS(l, "reject A 487; cancel B; ");
	lk_sigcall_provisional(&l->c, 180);	/* A has its final: silent */
	lk_sigcall_refused(&l->c, 487, "Request Terminated", "cancelled");
	LOG_IS(l, "reject A 487; cancel B; ended; ");
	assert_int_equal(1, l->ended);
}

static void cancel_after_100_goes_at_once(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 100);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	STATE_IS(l, CANCELLING);
	LOG_IS(l, "reject A 487; cancel B; ");
	assert_true(lk_sigcall_cancelled(&l->c));
	lk_sigcall_refused(&l->c, 487, "Request Terminated", "cancelled");
	STATE_IS(l, ENDED);
	LOG_IS(l, "reject A 487; cancel B; ended; ");
}

/* B's 2xx crosses our CANCEL: ACK it, BYE it; A keeps its 487. */
static void answer_crossing_cancel_is_acked_and_ended(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_cancel(&l->c);
	lk_sigcall_answered(&l->c);
	STATE_IS(l, ENDED);
	LOG_IS(l, "ringing A 180; reject A 487; cancel B; ack B; bye B; "
	       "ended; ");
	assert_non_null(strstr(l->why, "crossed"));
}

static void cancel_after_the_answer_is_too_late(void **state)
{
	struct legs *l = *state;

	connected(l);
	assert_int_equal(EALREADY, lk_sigcall_cancel(&l->c));
	LOG_IS(l, "");
	STATE_IS(l, CONNECTED);
}

static void second_cancel_is_too_late(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 100);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	assert_int_equal(EALREADY, lk_sigcall_cancel(&l->c));
	LOG_IS(l, "reject A 487; cancel B; ");
}

/* A BYE from A while B rings is a CANCEL; the call waits for B. */
static void bye_while_ringing_is_a_cancel(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	assert_int_equal(EINPROGRESS, lk_sigcall_hangup(&l->c, LK_SIGCALL_A,
							"BYE from A"));
	STATE_IS(l, CANCELLING);
	LOG_IS(l, "ringing A 180; reject A 487; cancel B; ");
	/* A BYE again changes nothing. */
	assert_int_equal(EINPROGRESS, lk_sigcall_hangup(&l->c, LK_SIGCALL_A,
							"BYE from A"));
	LOG_IS(l, "ringing A 180; reject A 487; cancel B; ");
	lk_sigcall_refused(&l->c, 487, "Request Terminated", "cancelled");
	STATE_IS(l, ENDED);
	assert_int_equal(1, l->ended);
}

static void bye_while_ringing_then_crossing_answer(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_hangup(&l->c, LK_SIGCALL_A, "BYE from A");
	lk_sigcall_answered(&l->c);
	STATE_IS(l, ENDED);
	LOG_IS(l, "ringing A 180; reject A 487; cancel B; ack B; bye B; "
	       "ended; ");
}

static void bye_before_any_provisional_cancels_after_one(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_hangup(&l->c, LK_SIGCALL_A, "BYE from A");
	LOG_IS(l, "reject A 487; ");
	lk_sigcall_provisional(&l->c, 100);
	LOG_IS(l, "reject A 487; cancel B; ");
}

static void bye_when_connected_ends_the_other_side(void **state)
{
	struct legs *l = *state;

	connected(l);
	assert_int_equal(0, lk_sigcall_hangup(&l->c, LK_SIGCALL_B,
					      "BYE from B (callee)"));
	STATE_IS(l, ENDED);
	LOG_IS(l, "bye A; ended; ");
	assert_string_equal("BYE from B (callee)", l->why);
	/* Events on an ended call change nothing. */
	l->log[0] = '\0';
	lk_sigcall_offer_sent(&l->c);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_answered(&l->c);
	lk_sigcall_refused(&l->c, 486, "Busy Here", "x");
	lk_sigcall_fail(&l->c, 500, "x", "x");
	assert_int_equal(0, lk_sigcall_hangup(&l->c, LK_SIGCALL_A, "x"));
	assert_int_equal(EALREADY, lk_sigcall_cancel(&l->c));
	LOG_IS(l, "");
	STATE_IS(l, ENDED);
	assert_int_equal(1, l->ended);
}

static void failure_before_the_offer_rejects_and_ends(void **state)
{
	struct legs *l = *state;

	lk_sigcall_fail(&l->c, 404, "Not Found", "not routed");
	STATE_IS(l, ENDED);
	LOG_IS(l, "reject A 404; ended; ");
	assert_string_equal("not routed", l->why);
}

static void terminate_says_bye_to_both_once(void **state)
{
	struct legs *l = *state;

	connected(l);
	lk_sigcall_terminate(&l->c, "media session ended");
	lk_sigcall_terminate(&l->c, "again");
	lk_sigcall_end(&l->c, "again");
	LOG_IS(l, "bye A; bye B; ended; ");
	assert_int_equal(1, l->ended);
	assert_string_equal("media session ended", l->why);
}

static void end_says_nothing_to_the_legs(void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_end(&l->c, "stopping");
	LOG_IS(l, "ended; ");
	assert_false(lk_sigcall_pending(&l->c));
}

/* A re-offer from either side: the same events, its failure keeps the call. */
static void reoffer_from_the_callee(void **state)
{
	struct legs *l = *state;

	connected(l);
	assert_int_equal(0, lk_sigcall_reoffer(&l->c, LK_SIGCALL_B));
	assert_true(lk_sigcall_reoffering(&l->c));
	assert_false(lk_sigcall_final_sent(&l->c));
	lk_sigcall_offer_sent(&l->c);
	assert_int_equal(EBUSY, lk_sigcall_reoffer(&l->c, LK_SIGCALL_A));
	lk_sigcall_provisional(&l->c, 100);
	lk_sigcall_answered(&l->c);
	LOG_IS(l, "ack A; answer B; ");
	STATE_IS(l, CONNECTED);
	assert_false(lk_sigcall_pending(&l->c));
}

static void refused_reoffer_keeps_the_call(void **state)
{
	struct legs *l = *state;

	connected(l);
	assert_int_equal(0, lk_sigcall_reoffer(&l->c, LK_SIGCALL_A));
	lk_sigcall_offer_sent(&l->c);
	lk_sigcall_refused(&l->c, 488, "Not Acceptable Here", "refused");
	LOG_IS(l, "reject A 488; ");
	STATE_IS(l, CONNECTED);
	assert_int_equal(0, l->ended);
	/* A failure of our own (media, transport) keeps it too. */
	assert_int_equal(0, lk_sigcall_reoffer(&l->c, LK_SIGCALL_B));
	lk_sigcall_fail(&l->c, 503, "Service Unavailable", "no transport");
	LOG_IS(l, "reject A 488; reject B 503; ");
	STATE_IS(l, CONNECTED);
	/* A BYE from A during a re-offer is a BYE, not a cancel. */
	assert_int_equal(0, lk_sigcall_reoffer(&l->c, LK_SIGCALL_B));
	lk_sigcall_offer_sent(&l->c);
	assert_int_equal(0, lk_sigcall_hangup(&l->c, LK_SIGCALL_A, "BYE"));
	STATE_IS(l, ENDED);
}

static void cancelled_reoffer_keeps_the_call(void **state)
{
	struct legs *l = *state;

	connected(l);
	lk_sigcall_reoffer(&l->c, LK_SIGCALL_A);
	lk_sigcall_offer_sent(&l->c);
	lk_sigcall_provisional(&l->c, 100);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	STATE_IS(l, CONNECTED);
	lk_sigcall_refused(&l->c, 487, "Request Terminated", "cancelled");
	LOG_IS(l, "reject A 487; cancel B; ");
	STATE_IS(l, CONNECTED);
}

static void reoffer_before_the_answer_is_refused(void **state)
{
	struct legs *l = *state;

	assert_int_equal(EINVAL, lk_sigcall_reoffer(&l->c, LK_SIGCALL_A));
	calling(l);
	assert_int_equal(EINVAL, lk_sigcall_reoffer(&l->c, LK_SIGCALL_B));
	LOG_IS(l, "");
}

static void every_state_has_a_name(void **state)
{
	enum lk_sigcall_state s;

	for (s = LK_SIGCALL_IDLE; s <= LK_SIGCALL_ENDED; s++)
		assert_string_not_equal("?", lk_sigcall_state_name(s));
	assert_string_equal("?", lk_sigcall_state_name(
		(enum lk_sigcall_state)99));
}

/*
 * A CANCEL still waiting for B's first provisional when B's 2xx comes:
 * no CANCEL goes at all (there is nothing left to cancel), B's answer is
 * acknowledged and ended, A keeps its 487.
 */
static void answer_crossing_a_waiting_cancel_sends_no_cancel(void **state)
{
	struct legs *l = *state;

	calling(l);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	lk_sigcall_answered(&l->c);
	STATE_IS(l, ENDED);
	LOG_IS(l, "reject A 487; ack B; bye B; ended; ");
	assert_int_equal(1, l->ended);
}

/* B never answers the cancelled INVITE (Timer B): A has its 487 already. */
static void timeout_while_cancelling_ends_without_a_second_final(
	void **state)
{
	struct legs *l = *state;

	calling(l);
	lk_sigcall_provisional(&l->c, 100);
	assert_int_equal(0, lk_sigcall_cancel(&l->c));
	lk_sigcall_refused(&l->c, 408, "Request Timeout", "no final answer");
	STATE_IS(l, ENDED);
	LOG_IS(l, "reject A 487; cancel B; ended; ");
	assert_string_equal("no final answer", l->why);
}

/* Once ENDED, every event is a no-op: nothing sent, ended once. */
static void events_after_the_end_do_nothing(void **state)
{
	struct legs *l = *state;

	connected(l);
	assert_int_equal(0, lk_sigcall_hangup(&l->c, LK_SIGCALL_B, "BYE"));
	LOG_IS(l, "bye A; ended; ");
	lk_sigcall_offer_sent(&l->c);
	lk_sigcall_provisional(&l->c, 180);
	lk_sigcall_answered(&l->c);
	lk_sigcall_refused(&l->c, 486, "Busy Here", "x");
	lk_sigcall_fail(&l->c, 500, "Server Internal Error", "x");
	lk_sigcall_terminate(&l->c, "x");
	lk_sigcall_end(&l->c, "x");
	assert_int_equal(EALREADY, lk_sigcall_cancel(&l->c));
	assert_int_equal(EINVAL, lk_sigcall_reoffer(&l->c, LK_SIGCALL_A));
	assert_int_equal(0, lk_sigcall_hangup(&l->c, LK_SIGCALL_A, "x"));
	STATE_IS(l, ENDED);
	LOG_IS(l, "bye A; ended; ");
	assert_int_equal(1, l->ended);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(offer_sent_is_calling),
		T(trying_is_proceeding_and_not_passed_on),
		T(ringing_is_passed_to_the_caller),
		T(answer_is_acked_and_passed_on),
		T(answer_without_provisional_connects),
		T(refusal_is_passed_on_and_ends),
		T(answer_refused_by_the_media_core_hangs_up_the_callee),
		T(cancel_before_any_provisional_waits_for_one),
		T(cancel_after_100_goes_at_once),
		T(answer_crossing_cancel_is_acked_and_ended),
		T(cancel_after_the_answer_is_too_late),
		T(second_cancel_is_too_late),
		T(bye_while_ringing_is_a_cancel),
		T(bye_while_ringing_then_crossing_answer),
		T(bye_before_any_provisional_cancels_after_one),
		T(bye_when_connected_ends_the_other_side),
		T(failure_before_the_offer_rejects_and_ends),
		T(terminate_says_bye_to_both_once),
		T(end_says_nothing_to_the_legs),
		T(reoffer_from_the_callee),
		T(refused_reoffer_keeps_the_call),
		T(cancelled_reoffer_keeps_the_call),
		T(reoffer_before_the_answer_is_refused),
		T(answer_crossing_a_waiting_cancel_sends_no_cancel),
		T(timeout_while_cancelling_ends_without_a_second_final),
		T(events_after_the_end_do_nothing),
		T(every_state_has_a_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
