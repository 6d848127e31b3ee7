/* tests/unit/call/test_relay.c  The media step of an interworking call through a real media core (call/relay.h), which binds no socket here (tests/unit/mediafix.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <event2/event.h>
#include <re.h>

#include "call/call.h"
#include "call/relay.h"
#include "conf.h"
#include "media.h"
#include "../mediafix.h"

/*
 * A Control, media on 43000-43099 (this test's block; nothing is bound;
 * the first pair handed out is 43002/43003, as latchkeyd logs it).
 * Two legs that keep the last description each was given, as a SIP leg
 * would before writing its SDP and an H.323 leg before its fastStart.
 */
static const char config[] =
	"[System]\nRole = control\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 43000\n"
	"Traversal Media port end = 43099\n"
	"[Media]\nPort cool-down = 0\nPort allocation order = sequential\n";

struct leg {
	struct lk_mdesc got;
	unsigned offers, answers;
};

struct fixture {
	struct nosock ns;
	struct lk_conf conf;
	struct event_base *base;
	struct lk_media *m;
	struct lk_sigcall_relay *r;
	struct lk_sigcall c;
	struct leg leg[2];
	int ended;
};

static int op_offer(struct lk_sigcall *c, void *leg,
		    const struct lk_mdesc *media)
{
	struct leg *l = leg;

	l->got = *media;
	l->offers++;
	return 0;
}

static void op_ringing(struct lk_sigcall *c, void *leg, uint16_t code,
		       const struct lk_mdesc *media)
{
}

static int op_answer(struct lk_sigcall *c, void *leg,
		     const struct lk_mdesc *media)
{
	struct leg *l = leg;

	if (media)
		l->got = *media;
	l->answers++;
	return 0;
}

static void op_reject(struct lk_sigcall *c, void *leg, uint16_t code,
		      const char *reason)
{
}

static void op_leg(struct lk_sigcall *c, void *leg)
{
}

static const struct lk_sigcall_leg_ops ops = {
	op_offer, op_ringing, op_answer, op_reject, op_leg, op_leg, op_leg,
};

static void ended(struct lk_sigcall *c, const char *why)
{
	struct fixture *f = lk_sigcall_arg(c);

	f->ended++;
}

static void sin_set(struct sockaddr_storage *ss, const char *ip,
		    uint16_t port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin->sin_addr);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct lk_sigcall_relay_conf rc;
	struct lk_sigcall_leg a, b;

	assert_non_null(f);
	mediafix_core(config, &f->conf, &f->base, &f->m, &f->ns);
	memset(&rc, 0, sizeof(rc));
	rc.media = f->m;
	rc.call_id = "iw-1@test";
	sin_set(&rc.local, "192.0.2.10", 0);
	sin_set(&rc.peer[0], "10.0.0.1", 5060);
	sin_set(&rc.peer[1], "10.0.0.2", 1720);
	assert_int_equal(0, lk_sigcall_relay_alloc(&f->r, &rc));
	a.ops = b.ops = &ops;
	a.arg = &f->leg[0];
	b.arg = &f->leg[1];
	lk_sigcall_init_legs(&f->c, &a, &b, lk_sigcall_relay_media, f->r,
			     ended, f);
	*state = f;

	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mem_deref(f->r);
	assert_int_equal(0, nosock_open_sockets());
	mem_deref(f->m);
	event_base_free(f->base);
	free(f);

	return 0;
}

static void told_is(const struct lk_mdesc *d, const char *ip, uint16_t port,
		    enum lk_mdesc_dir dir)
{
	const struct lk_mdesc_stream *s = &d->s[0];
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&s->addr;
	char got[INET_ADDRSTRLEN];

	assert_int_equal(1, d->nstreams);
	assert_int_equal(AF_INET, s->addr.ss_family);
	inet_ntop(AF_INET, &sin->sin_addr, got, sizeof(got));
	assert_string_equal(ip, got);
	assert_int_equal(port, s->port);
	assert_int_equal(port, ntohs(sin->sin_port));
	assert_int_equal(port + 1, s->rtcp_port);
	assert_int_equal(dir, s->dir);
	assert_int_equal(2, s->npt);
	assert_int_equal(8, s->pt[1]);
	assert_int_equal(0, s->mux_id);
}

/* Count the legs of the call (lk_media_query()). */
static void leg_h(const struct lk_media_leg_info *li, void *arg)
{
	unsigned *n = arg;

	(*n)++;
}

/*
 * A's offer reaches B with the relay's address and a port of the range,
 * B's answer reaches A the same way, and a re-offer from B goes to A:
 * media in both directions through one media core call.
 */
static void media_crosses_the_relay_both_ways(void **state)
{
	struct fixture *f = *state;
	struct lk_media_str id = { "iw-1@test", 9 };
	struct lk_media_call_info ci;
	const char *reason = NULL;
	struct lk_mdesc d;
	unsigned nlegs = 0;

	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(0, lk_sigcall_offer(&f->c, LK_SIGCALL_A, &d));
	told_is(&f->leg[1].got, "192.0.2.10", 43002, LK_MDESC_SENDRECV);

	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDRECV);
	lk_sigcall_answer(&f->c, &d);
	assert_string_equal("CONNECTED", lk_sigcall_state_name(
		lk_sigcall_state(&f->c)));
	told_is(&f->leg[0].got, "192.0.2.10", 43004, LK_MDESC_SENDRECV);

	assert_int_equal(0, lk_media_query(f->m, &id, &ci, leg_h, &nlegs,
					   &reason));
	assert_int_equal(2, nlegs);

	/* B puts A on hold: A is told sendonly, at the port it had. */
	mediafix_desc(&d, "10.0.0.2", 5000, LK_MDESC_SENDONLY);
	assert_int_equal(0, lk_sigcall_offer(&f->c, LK_SIGCALL_B, &d));
	told_is(&f->leg[0].got, "192.0.2.10", 43004, LK_MDESC_SENDONLY);
	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_RECVONLY);
	lk_sigcall_answer(&f->c, &d);
	told_is(&f->leg[1].got, "192.0.2.10", 43002, LK_MDESC_RECVONLY);
	assert_int_equal(2, f->leg[1].offers + f->leg[1].answers);
	assert_int_equal(2, f->leg[0].offers + f->leg[0].answers);
	/* Two pairs, and not one socket. */
	assert_int_equal(4, f->ns.binds);
	assert_int_equal(0, nosock_open_sockets());
}

/* The media core refuses a description: 488 to A, no call kept. */
static void a_refused_description_ends_the_call(void **state)
{
	struct fixture *f = *state;
	struct lk_media_str id = { "iw-1@test", 9 };
	struct lk_media_call_info ci;
	const char *reason = NULL;
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	d.s[0].dir = (enum lk_mdesc_dir)9;
	assert_int_equal(EINVAL, lk_sigcall_offer(&f->c, LK_SIGCALL_A, &d));
	assert_int_equal(1, f->ended);
	assert_int_equal(0, f->leg[1].offers);
	assert_int_equal(ENOENT, lk_media_query(f->m, &id, &ci, NULL, NULL,
						&reason));
}

/* The relay object's end deletes the media core's call. */
static void the_relay_object_deletes_its_call(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t;
	struct lk_mdesc d;

	mediafix_desc(&d, "10.0.0.1", 4000, LK_MDESC_SENDRECV);
	assert_int_equal(0, lk_sigcall_offer(&f->c, LK_SIGCALL_A, &d));
	lk_media_totals(f->m, &t);
	assert_int_equal(1, t.calls);
	f->r = mem_deref(f->r);
	lk_media_totals(f->m, &t);
	assert_int_equal(0, t.calls);
}

static void bad_configurations_are_refused(void **state)
{
	struct fixture *f = *state;
	struct lk_sigcall_relay_conf rc;
	struct lk_sigcall_relay *r = NULL;

	memset(&rc, 0, sizeof(rc));
	rc.media = f->m;
	rc.call_id = "x";
	assert_int_equal(EINVAL, lk_sigcall_relay_alloc(&r, &rc));
	sin_set(&rc.local, "192.0.2.10", 0);
	rc.call_id = "";
	assert_int_equal(EINVAL, lk_sigcall_relay_alloc(&r, &rc));
	rc.call_id = NULL;
	assert_int_equal(EINVAL, lk_sigcall_relay_alloc(&r, &rc));
	rc.call_id = "x";
	rc.media = NULL;
	assert_int_equal(EINVAL, lk_sigcall_relay_alloc(&r, &rc));
	assert_null(r);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(media_crosses_the_relay_both_ways),
		T(a_refused_description_ends_the_call),
		T(the_relay_object_deletes_its_call),
		T(bad_configurations_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
