/* tests/unit/h323/test_callsig.c  The answer timer of routed calls, in process: a call not connected in time is released on both sides. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>
#include <re.h>

#include "conf.h"
#include "h323/callsig.h"
#include "h323/h225.h"
#include "h323/q931.h"
#include "h323/ras.h"

/*
 * lk_h323_callsig on its own event loop, with the answer timer shortened
 * to 1 s (the daemon's is LK_H323_ANSWER_TIMEOUT): the test plays caller
 * and callee on loopback sockets of this test's block (Q.931 55200, the
 * callee 55201, calls out from 55210-55219) and turns the loop between
 * its reads.  The Release Complete built here is the same function's
 * that test_h323_call has tshark judge (unknown alias, unreachable).
 */
#define Q931_PORT 55200
#define CALLEE_PORT 55201

static const char config[] =
	"[System]\nAddress = 127.0.0.1\n"
	"[Protocols > H.323 > Gatekeeper]\n"
	"Call signaling port range start = 55210\n"
	"Call signaling port range end = 55219\n"
	"[Dial plan]\nRoute 1 = 2000@* host 127.0.0.1:55201 h323\n";

struct fixture {
	struct lk_conf conf;
	struct event_base *base;
	struct lk_h323_callsig *cs;
	int callee_lfd;
};

static uint8_t arena_mem[1 << 18];

static int listen_at(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	/* Non-blocking, as signalling/listen.c makes it: libevent's
	 * listener accepts until EAGAIN. */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0), one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 8) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int setup(void **state)
{
	struct lk_h323_callsig_conf cfg = { 0 };
	struct lk_conf_diag diag;
	struct fixture *f = calloc(1, sizeof(*f));
	int lfd;

	if (!f || lk_conf_parse(&f->conf, "t", config, strlen(config),
				&diag)) {
		lk_conf_diag_print(&diag, stderr);
		return -1;
	}
	f->base = event_base_new();
	lfd = listen_at(Q931_PORT);
	f->callee_lfd = listen_at(CALLEE_PORT);
	if (!f->base || lfd < 0 || f->callee_lfd < 0)
		return -1;
	cfg.conf = &f->conf;
	cfg.answer_timeout = 1;
	if (lk_h323_callsig_alloc(&f->cs, f->base, lfd, &cfg))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mem_deref(f->cs);
	close(f->callee_lfd);
	event_base_free(f->base);
	free(f);
	return 0;
}

/* Turn the loop until fd is readable (true) or `ms` pass (false). */
static bool pump(struct fixture *f, int fd, int ms)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	int i;

	for (i = 0; i < ms / 5; i++) {
		event_base_loop(f->base, EVLOOP_NONBLOCK);
		if (poll(&pf, 1, 5) == 1)
			return true;
	}
	return false;
}

/* One TPKT from fd, the loop turning while it comes; its Q.931 type. */
static int recv_msg(struct fixture *f, int fd, uint8_t *buf, size_t cap,
		    struct lk_q931 *m)
{
	size_t have = 0, need = 4, off = 0;

	while (have < need) {
		ssize_t n;

		if (!pump(f, fd, 3000))
			return -1;
		n = recv(fd, buf + have, need - have, 0);
		if (n <= 0)
			return -1;
		have += (size_t)n;
		if (have == 4) {
			need = (size_t)buf[2] << 8 | buf[3];
			if (need > cap || need < 4)
				return -1;
		}
	}
	if (lk_q931_decode(m, buf + 4, need - 4, &off))
		return -1;
	return m->type;
}

/* The connection was closed (EOF) within ms, nothing more on it. */
static bool closed(struct fixture *f, int fd)
{
	uint8_t b;

	return pump(f, fd, 3000) && read(fd, &b, 1) <= 0;
}

static void send_msg(int fd, uint8_t type, const char *kind, uint16_t crv,
		     bool flag, const uint8_t callid[16])
{
	static uint8_t ubuf[2048], out[2200];
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v, *l;
	struct lk_q931 m;
	size_t ulen, len;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	uu = lk_h225_uu_new(&ar, kind, &body);
	assert_non_null(uu);
	v = lk_asn_set(&ar, lk_asn_set(&ar, body, "callIdentifier"), "guid");
	assert_int_equal(lk_asn_set_octets(&ar, v, callid, 16), 0);
	v = lk_asn_set(&ar, body, !strcmp(kind, "setup") ? "sourceInfo" :
		       "destinationInfo");
	assert_non_null(lk_asn_set(&ar, v, "mc"));
	assert_non_null(lk_asn_set(&ar, v, "undefinedNode"));
	if (!strcmp(kind, "setup")) {
		l = lk_asn_set(&ar, body, "destinationAddress");
		assert_int_equal(lk_asn_seqof_resize(&ar, l, 1), 0);
		assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
			&l->u.list.v[0], "dialledDigits"), "2000"), 0);
		assert_non_null(lk_asn_set(&ar, body, "activeMC"));
		v = lk_asn_set(&ar, body, "conferenceID");
		assert_int_equal(lk_asn_set_octets(&ar, v, callid, 16), 0);
		assert_non_null(lk_asn_set(&ar, lk_asn_set(&ar, body,
					   "conferenceGoal"), "create"));
		assert_non_null(lk_asn_set(&ar, lk_asn_set(&ar, body,
					   "callType"), "pointToPoint"));
	}
	else if (!strcmp(kind, "connect")) {
		v = lk_asn_set(&ar, body, "conferenceID");
		assert_int_equal(lk_asn_set_octets(&ar, v, callid, 16), 0);
	}
	else if (!strcmp(kind, "releaseComplete")) {
		assert_non_null(lk_asn_set(&ar, lk_asn_set(&ar, body,
					   "reason"), "undefinedReason"));
	}
	ubuf[0] = LK_Q931_UU_PD;
	assert_int_equal(lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1,
					   &ulen), 0);
	lk_q931_init(&m, type, crv, flag);
	if (type == LK_Q931_SETUP) {
		assert_int_equal(lk_q931_set_bearer(&m), 0);
		assert_int_equal(lk_q931_set_number(&m, LK_Q931_IE_CALLED,
						    0x41, "2000"), 0);
	}
	if (type == LK_Q931_RELEASE_COMPLETE)
		assert_int_equal(lk_q931_set_cause(&m, LK_Q931_CAUSE_NORMAL),
				 0);
	assert_int_equal(lk_q931_set(&m, LK_Q931_IE_USER_USER, ubuf,
				     ulen + 1), 0);
	assert_int_equal(lk_q931_encode(&m, true, out, sizeof(out), &len), 0);
	assert_int_equal(write(fd, out, len), (ssize_t)len);
}

struct call {
	int a, b;
	uint16_t crv_b;
	uint8_t callid[16];
};

/* A Setup from the caller reaches the callee; `alert`: it rings. */
static void call_up(struct fixture *f, struct call *c, uint8_t seed,
		    bool alert)
{
	static uint8_t buf[70000];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct lk_q931 m;

	memset(c->callid, seed, sizeof(c->callid));
	c->a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(Q931_PORT);
	assert_int_equal(connect(c->a, (struct sockaddr *)&sin, sizeof(sin)),
			 0);
	send_msg(c->a, LK_Q931_SETUP, "setup", 0x200 + seed, false,
		 c->callid);
	assert_true(pump(f, f->callee_lfd, 3000));
	c->b = accept4(f->callee_lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_true(c->b >= 0);
	assert_int_equal(recv_msg(f, c->b, buf, sizeof(buf), &m),
			 LK_Q931_SETUP);
	c->crv_b = m.crv;
	if (!alert)
		return;
	send_msg(c->b, LK_Q931_ALERTING, "alerting", c->crv_b, true,
		 c->callid);
	assert_int_equal(recv_msg(f, c->a, buf, sizeof(buf), &m),
			 LK_Q931_ALERTING);
}

/* fd gets Release Complete with `cause`, then its connection closes. */
static void released(struct fixture *f, int fd, uint8_t cause)
{
	static uint8_t buf[70000];
	struct lk_q931 m;
	uint8_t got;

	assert_int_equal(recv_msg(f, fd, buf, sizeof(buf), &m),
			 LK_Q931_RELEASE_COMPLETE);
	assert_int_equal(lk_q931_cause(&m, &got), 0);
	assert_int_equal(got, cause);
	assert_true(closed(f, fd));
	close(fd);
}

/*
 * The callee rings and never answers: after the answer timeout the
 * caller gets cause 19 (no answer from user), the callee cause 102
 * (recovery on timer expiry), both connections close.
 */
static void ringing_not_answered(void **state)
{
	struct fixture *f = *state;
	struct lk_h323_callsig_stats st;
	struct call c;

	call_up(f, &c, 1, true);
	released(f, c.a, LK_Q931_CAUSE_NO_ANSWER);
	released(f, c.b, LK_Q931_CAUSE_TIMER_EXPIRY);
	lk_h323_callsig_stats(f->cs, &st);
	assert_int_equal(st.no_answer, 1);
	assert_int_equal(st.active_calls, 0);
}

/* A callee that took the Setup and said nothing: cause 18 to the caller. */
static void silent_callee(void **state)
{
	struct fixture *f = *state;
	struct call c;

	call_up(f, &c, 2, false);
	released(f, c.a, LK_Q931_CAUSE_NO_USER_RESPONDING);
	released(f, c.b, LK_Q931_CAUSE_TIMER_EXPIRY);
}

/*
 * Connected within the bound, the call outlives it: nothing arrives on
 * either side for twice the timeout, then the caller's release ends it.
 */
static void connected_call_stays(void **state)
{
	static uint8_t buf[70000];
	struct fixture *f = *state;
	struct lk_h323_callsig_stats st;
	struct lk_q931 m;
	struct call c;

	call_up(f, &c, 3, true);
	send_msg(c.b, LK_Q931_CONNECT, "connect", c.crv_b, true, c.callid);
	assert_int_equal(recv_msg(f, c.a, buf, sizeof(buf), &m),
			 LK_Q931_CONNECT);
	assert_false(pump(f, c.a, 2000));
	assert_false(pump(f, c.b, 100));
	send_msg(c.a, LK_Q931_RELEASE_COMPLETE, "releaseComplete", 0x203,
		 false, c.callid);
	assert_int_equal(recv_msg(f, c.b, buf, sizeof(buf), &m),
			 LK_Q931_RELEASE_COMPLETE);
	assert_true(closed(f, c.a));
	assert_true(closed(f, c.b));
	close(c.a);
	close(c.b);
	lk_h323_callsig_stats(f->cs, &st);
	assert_int_equal(st.active_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ringing_not_answered),
		cmocka_unit_test(silent_callee),
		cmocka_unit_test(connected_call_stays),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
