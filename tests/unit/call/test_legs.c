/* tests/unit/call/test_legs.c  An interworking call: one leg per side, each its own table, media crossing the call as neutral descriptions in both directions. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "call/call.h"
#include "../mediafix.h"

/*
 * Two fake legs, as a SIP leg and an H.323 leg would be: each has its own
 * table of operations and writes what it was asked, with the media it
 * was given, into the one log ("op side [addr:port dir pts mux]; ").
 * The media step is a fake too: it puts the relay's address (192.0.2.1
 * toward B, 198.51.100.1 toward A) and port + 10000 in place of the
 * sender's, keeps codecs and direction, and tags what goes to B with
 * multiplexID 7 (as H.460.19 would), so that a test sees exactly what
 * crossed the call and which way.
 */
struct fake_leg {
	const char *name;
	int offer_err, answer_err;
};

struct world {
	struct lk_sigcall c;
	struct fake_leg leg[2];
	char log[1024];
	int step_err;		/* what the media step returns */
	unsigned steps;
	int ended;
};

static struct world *world_of(struct lk_sigcall *c)
{
	return lk_sigcall_arg(c);
}

static void note(struct lk_sigcall *c, const char *fmt, ...)
{
	struct world *w = world_of(c);
	size_t n = strlen(w->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->log + n, sizeof(w->log) - n, fmt, ap);
	va_end(ap);
}

static void note_media(struct lk_sigcall *c, const struct lk_mdesc *d)
{
	unsigned i, k;

	if (!d) {
		note(c, " -");
		return;
	}
	for (i = 0; i < d->nstreams; i++) {
		const struct lk_mdesc_stream *s = &d->s[i];
		const struct sockaddr_in *sin =
			(const struct sockaddr_in *)&s->addr;
		char ip[INET_ADDRSTRLEN] = "?";

		if (s->addr.ss_family == AF_INET)
			inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		note(c, " [%s:%u %s", ip, s->port, lk_mdesc_dir_name(s->dir));
		for (k = 0; k < s->npt; k++)
			note(c, " %u", s->pt[k]);
		if (s->mux_id)
			note(c, " mux %u", (unsigned)s->mux_id);
		note(c, "]");
	}
}

static const char *leg_name(void *leg)
{
	return ((struct fake_leg *)leg)->name;
}

static int op_offer(struct lk_sigcall *c, void *leg,
		    const struct lk_mdesc *media)
{
	note(c, "offer %s", leg_name(leg));
	note_media(c, media);
	note(c, "; ");
	return ((struct fake_leg *)leg)->offer_err;
}

static void op_ringing(struct lk_sigcall *c, void *leg, uint16_t code,
		       const struct lk_mdesc *media)
{
	note(c, "ringing %s %u", leg_name(leg), code);
	note_media(c, media);
	note(c, "; ");
}

static int op_answer(struct lk_sigcall *c, void *leg,
		     const struct lk_mdesc *media)
{
	note(c, "answer %s", leg_name(leg));
	note_media(c, media);
	note(c, "; ");
	return ((struct fake_leg *)leg)->answer_err;
}

static void op_reject(struct lk_sigcall *c, void *leg, uint16_t code,
		      const char *reason)
{
	note(c, "reject %s %u; ", leg_name(leg), code);
}

static void op_ack(struct lk_sigcall *c, void *leg)
{
	note(c, "ack %s; ", leg_name(leg));
}

static void op_cancel(struct lk_sigcall *c, void *leg)
{
	note(c, "cancel %s; ", leg_name(leg));
}

static void op_bye(struct lk_sigcall *c, void *leg)
{
	note(c, "bye %s; ", leg_name(leg));
}

/* Two tables, as two protocols would have: the same recorder here. */
static const struct lk_sigcall_leg_ops sip_like = {
	op_offer, op_ringing, op_answer, op_reject, op_ack, op_cancel, op_bye,
};
static const struct lk_sigcall_leg_ops h323_like = {
	op_offer, op_ringing, op_answer, op_reject, op_ack, op_cancel, op_bye,
};

static int media_step(struct lk_sigcall *c, enum lk_sigcall_side from,
		      bool answer, const struct lk_mdesc *in,
		      struct lk_mdesc *out, void *arg)
{
	struct world *w = arg;
	const char *relay = from == LK_SIGCALL_A ? "192.0.2.1" :
		"198.51.100.1";
	unsigned i;

	assert_ptr_equal(world_of(c), w);
	w->steps++;
	note(c, "step %s %s; ", from == LK_SIGCALL_A ? "A" : "B",
	     answer ? "answer" : "offer");
	if (w->step_err)
		return w->step_err;
	*out = *in;
	for (i = 0; i < out->nstreams; i++) {
		struct lk_mdesc_stream *s = &out->s[i];
		struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;

		if (!s->port)
			continue;
		s->port = (uint16_t)(s->port + 10000);
		sin->sin_family = AF_INET;
		sin->sin_port = htons(s->port);
		inet_pton(AF_INET, relay, &sin->sin_addr);
		s->mux_id = from == LK_SIGCALL_A ? 7 : 0;
	}

	return 0;
}

static void ended(struct lk_sigcall *c, const char *why)
{
	world_of(c)->ended++;
	note(c, "ended; ");
}

static int setup(void **state)
{
	static struct world w;
	struct lk_sigcall_leg a, b;

	memset(&w, 0, sizeof(w));
	w.leg[0].name = "A";
	w.leg[1].name = "B";
	a.ops = &sip_like;
	a.arg = &w.leg[0];
	b.ops = &h323_like;
	b.arg = &w.leg[1];
	lk_sigcall_init_legs(&w.c, &a, &b, media_step, &w, ended, &w);
	*state = &w;

	return 0;
}

#define LOG_IS(w, s) assert_string_equal((s), (w)->log)
#define STATE_IS(w, s) assert_string_equal(#s, \
	lk_sigcall_state_name(lk_sigcall_state(&(w)->c)))

static void offered(struct world *w)
{
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(0, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	STATE_IS(w, CALLING);
}

/* The same, the log emptied after it. */
static void offered_quiet(struct world *w)
{
	offered(w);
	w->log[0] = '\0';
}

/* B answers from 10.0.0.2:5000. */
static void b_answers(struct world *w)
{
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDRECV);
	lk_sigcall_answer(&w->c, &d);
}

/* A's offer reaches B through the media step, B's answer reaches A. */
static void offer_and_answer_cross_with_media(void **state)
{
	struct world *w = *state;

	offered(w);
	lk_sigcall_early(&w->c, 100, NULL);
	b_answers(w);
	STATE_IS(w, CONNECTED);
	LOG_IS(w, "step A offer; "
	       "offer B [192.0.2.1:14000 sendrecv 0 8 mux 7]; "
	       "step B answer; ack B; "
	       "answer A [198.51.100.1:15000 sendrecv 0 8]; ");
	assert_int_equal(2, w->steps);
	assert_int_equal(0, w->ended);
}

/* An early answer goes with the ringing; a final one without stands. */
static void early_answer_goes_with_ringing(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	offered_quiet(w);
	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDRECV);
	lk_sigcall_early(&w->c, 183, &d);
	lk_sigcall_answer(&w->c, NULL);
	STATE_IS(w, CONNECTED);
	LOG_IS(w, "step B answer; "
	       "ringing A 183 [198.51.100.1:15000 sendrecv 0 8]; "
	       "ack B; answer A -; ");
}

/* A re-offer from B (hold) goes to A, and A's answer back to B. */
static void reoffer_from_b_crosses_the_other_way(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	offered(w);
	b_answers(w);
	w->log[0] = '\0';
	mediafix_desc(&d, "10.0.0.2", 5002, LK_MDESC_SENDONLY);
	assert_int_equal(0, lk_sigcall_offer(&w->c, LK_SIGCALL_B, &d));
	assert_true(lk_sigcall_reoffering(&w->c));
	assert_int_equal(LK_SIGCALL_B, lk_sigcall_offerer(&w->c));
	/* A second offer while this one is open: SIP's 491. */
	assert_int_equal(EBUSY, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	mediafix_desc(&d, "10.0.0.1", 4002, LK_MDESC_RECVONLY);
	lk_sigcall_answer(&w->c, &d);
	STATE_IS(w, CONNECTED);
	LOG_IS(w, "step B offer; "
	       "offer A [198.51.100.1:15002 sendonly 0 8]; "
	       "step A answer; ack A; "
	       "answer B [192.0.2.1:14002 recvonly 0 8 mux 7]; ");
}

/* An offer before the call is up, from B: refused, nothing sent. */
static void offer_from_b_before_the_call_is_refused(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDRECV);
	assert_int_equal(EINVAL, lk_sigcall_offer(&w->c, LK_SIGCALL_B, &d));
	LOG_IS(w, "");
	STATE_IS(w, IDLE);
}

/* A description the media core refuses: 488 to A, B never hears. */
static void refused_offer_is_488_and_ends(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	w->step_err = EINVAL;
	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(EINVAL, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	STATE_IS(w, ENDED);
	LOG_IS(w, "step A offer; reject A 488; ended; ");
}

/* No ports (or any other errno from the media step): 503. */
static void offer_without_ports_is_503(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	w->step_err = ENOSPC;
	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(ENOSPC, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	LOG_IS(w, "step A offer; reject A 503; ended; ");
}

/* B's leg cannot send the offer on: 503 to A. */
static void offer_the_leg_cannot_send_is_503(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	w->leg[1].offer_err = EIO;
	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(EIO, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	LOG_IS(w, "step A offer; offer B [192.0.2.1:14000 sendrecv 0 8 mux 7]; "
	       "reject A 503; ended; ");
}

/* B's answer refused by the media step: B hung up, A rejected. */
static void refused_answer_hangs_up_b_and_rejects_a(void **state)
{
	struct world *w = *state;

	offered_quiet(w);
	w->step_err = EINVAL;
	b_answers(w);
	STATE_IS(w, ENDED);
	LOG_IS(w, "step B answer; ack B; bye B; reject A 488; ended; ");
}

/* A refused re-offer keeps the call, and its media as it was. */
static void refused_reoffer_keeps_the_call(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	offered(w);
	b_answers(w);
	w->log[0] = '\0';
	w->step_err = EINVAL;
	assert_int_equal(EINVAL, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	STATE_IS(w, CONNECTED);
	LOG_IS(w, "step A offer; reject A 488; ");
	assert_false(lk_sigcall_pending(&w->c));
}

/* An early answer the media step refuses: the ringing goes on alone. */
static void refused_early_answer_rings_without_media(void **state)
{
	struct world *w = *state;
	struct lk_mdesc d;

	offered_quiet(w);
	w->step_err = EINVAL;
	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDRECV);
	lk_sigcall_early(&w->c, 183, &d);
	STATE_IS(w, PROCEEDING);
	LOG_IS(w, "step B answer; ringing A 183 -; ");
}

/* CANCEL, then B's 2xx with media crossing it: no media step, bye. */
static void answer_crossing_cancel_takes_no_media_step(void **state)
{
	struct world *w = *state;

	offered(w);
	lk_sigcall_early(&w->c, 100, NULL);
	assert_int_equal(0, lk_sigcall_cancel(&w->c));
	w->log[0] = '\0';
	b_answers(w);
	STATE_IS(w, ENDED);
	LOG_IS(w, "ack B; bye B; ended; ");
	assert_int_equal(1, w->steps);
}

/* The crossing cases are the same with one leg per side. */
static void bye_while_ringing_is_a_cancel_per_leg(void **state)
{
	struct world *w = *state;

	offered(w);
	lk_sigcall_early(&w->c, 180, NULL);
	w->log[0] = '\0';
	assert_int_equal(EINPROGRESS, lk_sigcall_hangup(&w->c, LK_SIGCALL_A,
							"bye"));
	STATE_IS(w, CANCELLING);
	lk_sigcall_refused(&w->c, 487, "Request Terminated", "cancelled");
	STATE_IS(w, ENDED);
	LOG_IS(w, "reject A 487; cancel B; ended; ");
	assert_int_equal(1, w->ended);
}

/* A leg that refuses the answer it was given: B hung up. */
static void answer_the_leg_refuses_hangs_up_b(void **state)
{
	struct world *w = *state;

	offered_quiet(w);
	w->leg[0].answer_err = EBADMSG;
	b_answers(w);
	STATE_IS(w, ENDED);
	LOG_IS(w, "step B answer; ack B; "
	       "answer A [198.51.100.1:15000 sendrecv 0 8]; bye B; ended; ");
}

/* One table for both legs (lk_sigcall_init()): no media step at all. */
static void one_table_call_takes_no_media(void **state)
{
	/* A table whose other members this path never calls. */
	static const struct lk_sigcall_ops one = { .ended = ended };
	struct world *w = *state;
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	lk_sigcall_init(&w->c, &one, w);
	assert_int_equal(EINVAL, lk_sigcall_offer(&w->c, LK_SIGCALL_A, &d));
	assert_string_equal("IDLE", lk_sigcall_state_name(
		lk_sigcall_state(&w->c)));
	assert_int_equal(0, w->steps);
	LOG_IS(w, "");
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(offer_and_answer_cross_with_media),
		T(early_answer_goes_with_ringing),
		T(reoffer_from_b_crosses_the_other_way),
		T(offer_from_b_before_the_call_is_refused),
		T(refused_offer_is_488_and_ends),
		T(offer_without_ports_is_503),
		T(offer_the_leg_cannot_send_is_503),
		T(refused_answer_hangs_up_b_and_rejects_a),
		T(refused_reoffer_keeps_the_call),
		T(refused_early_answer_rings_without_media),
		T(answer_crossing_cancel_takes_no_media_step),
		T(bye_while_ringing_is_a_cancel_per_leg),
		T(answer_the_leg_refuses_hangs_up_b),
		T(one_table_call_takes_no_media),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
