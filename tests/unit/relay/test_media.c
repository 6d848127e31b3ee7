/* tests/unit/relay/test_media.c  The media core's timeout sweep and its call and stream bookkeeping through media descriptions (lk_media_negotiate), against real workers; no socket is bound but for the one test that sends a real packet. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <event2/event.h>
#include <re.h>

#include "clock.h"
#include "conf.h"
#include "media.h"
#include "../mediafix.h"

/*
 * A Control (no multiplexed ports) with its media on 45800-45899, a range
 * no other test uses, a 60 s media timeout and a 300 s final timeout.
 */
static const char config[] =
	"[System]\nRole = control\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 45800\n"
	"Traversal Media port end = 45899\n"
	"[Media]\nMedia timeout = 60\nFinal timeout = 300\n"
	"Port cool-down = 0\nPort allocation order = sequential\n";

static const char offer[] =
	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
	"t=0 0\r\nm=audio 45990 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

struct fixture {
	struct nosock ns;
	bool sockets;		/* real sockets (setup), else none */
	struct lk_conf conf;
	struct event_base *base;
	struct lk_media *m;
	char sdp[2048];
};

#define CALL_ID "sweep-1@test"

static int setup_fixture(void **state, bool sockets)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->sockets = sockets;
	mediafix_core(config, &f->conf, &f->base, &f->m,
		      sockets ? NULL : &f->ns);
	*state = f;

	return 0;
}

/* Real sockets on loopback, for a test that sends a packet. */
static int setup(void **state)
{
	return setup_fixture(state, true);
}

/*
 * The bookkeeping without sockets (tests/unit/mediafix.h): ports come
 * from the allocator as ever, and the test fails if any socket opens.
 */
static int setup_nosock(void **state)
{
	setup_fixture(state, false);
	assert_int_equal(0, nosock_open_sockets());

	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (!f->sockets)
		assert_int_equal(0, nosock_open_sockets());
	mem_deref(f->m);
	event_base_free(f->base);
	free(f);

	return 0;
}

static struct lk_media_str str(const char *s)
{
	struct lk_media_str r = {s, strlen(s)};

	return r;
}

/* An offer from side A; f->sdp is the SDP for B, with the relay's port. */
static void make_call(struct fixture *f)
{
	struct lk_media_req req;
	struct lk_media_reply rep;

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	req.op = LK_MEDIA_OFFER;
	req.call_id = str(CALL_ID);
	req.from_tag = str("tag-a");
	req.sdp = offer;
	req.sdp_len = strlen(offer);
	req.flags = LK_MF_SYMMETRIC;
	rep.sdp = f->sdp;
	rep.sdp_size = sizeof(f->sdp);
	assert_int_equal(0, lk_media_offer_answer(f->m, &req, &rep));
}

static void no_leg(const struct lk_media_leg_info *li, void *arg)
{
	(void)li;
	(void)arg;
}

static bool call_exists(struct fixture *f)
{
	struct lk_media_call_info ci;
	struct lk_media_str id = str(CALL_ID);
	const char *reason = NULL;

	return lk_media_query(f->m, &id, &ci, no_leg, NULL, &reason) == 0;
}

static void count_leg(const struct lk_media_leg_info *li, void *arg)
{
	uint64_t *n = arg;

	*n += li->packets;
}

static uint64_t packets_in(struct fixture *f)
{
	struct lk_media_call_info ci;
	struct lk_media_str id = str(CALL_ID);
	const char *reason = NULL;
	uint64_t n = 0;

	assert_int_equal(0, lk_media_query(f->m, &id, &ci, count_leg, &n,
					   &reason));
	return n;
}

/* The relay port in the rewritten SDP's m= line. */
static uint16_t sdp_port(const char *sdp)
{
	const char *p = strstr(sdp, "m=audio ");

	assert_non_null(p);
	return (uint16_t)atoi(p + 8);
}

static void send_rtp(uint16_t port)
{
	uint8_t rtp[172] = {0x80, 0x00, 0x00, 0x01};
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(port)};
	struct sockaddr_in from = {.sin_family = AF_INET,
				   .sin_port = htons(45990)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &from.sin_addr);
	assert_int_equal(0, bind(fd, (struct sockaddr *)&from, sizeof(from)));
	assert_int_equal((ssize_t)sizeof(rtp),
			 sendto(fd, rtp, sizeof(rtp), 0,
				(struct sockaddr *)&to, sizeof(to)));
	close(fd);
}

/*
 * The clock the sweep read is older than the call's own stamps (the
 * control thread read it, was preempted, and the offer or a worker
 * stamped a later time): the call is active.  Before common/clock.h the
 * unsigned difference wrapped and the call was deleted as "media timeout"
 * (issue 9: a live call of the sip_traversal test, 3 s old).
 */
static void a_stamp_newer_than_now_deletes_nothing(void **state)
{
	struct fixture *f = *state;
	uint64_t now = lk_clock_ms();

	make_call(f);
	lk_media_sweep(f->m, now - 1);
	lk_media_sweep(f->m, now - 1000);
	lk_media_sweep(f->m, 0);
	assert_true(call_exists(f));
}

/* The same with a real packet, stamped by a worker thread. */
static void a_worker_stamp_newer_than_now_deletes_nothing(void **state)
{
	struct fixture *f = *state;
	uint64_t before, i;

	make_call(f);
	before = lk_clock_ms();
	/* Several coarse-clock ticks later, media on the port offered to B. */
	usleep(20000);
	send_rtp(sdp_port(f->sdp));
	for (i = 0; i < 200 && !packets_in(f); i++)
		usleep(10000);
	assert_true(packets_in(f) > 0);
	/* Newer than the offer's own stamp, older than the worker's. */
	lk_media_sweep(f->m, before);
	assert_true(call_exists(f));
}

/* The control: a call idle for the whole media timeout does go. */
static void a_call_idle_for_the_media_timeout_is_deleted(void **state)
{
	struct fixture *f = *state;
	uint64_t now = lk_clock_ms();

	make_call(f);
	lk_media_sweep(f->m, now + 59 * 1000);
	assert_true(call_exists(f));
	lk_media_sweep(f->m, now + 61 * 1000);
	assert_false(call_exists(f));
}

static void a_call_older_than_the_final_timeout_is_deleted(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t;
	uint64_t now = lk_clock_ms();

	make_call(f);
	lk_media_sweep(f->m, now + 301 * 1000);
	assert_false(call_exists(f));
	lk_media_totals(f->m, &t);
	assert_int_equal(1, t.final_timeouts);
	assert_int_equal(0, t.timeouts);
}

/*
 * Media descriptions (relay/mdesc.h), as H.323 gives them: no SDP.
 */

static struct lk_mdesc desc;
static struct lk_mdesc_relay relay[LK_MDESC_MAX_STREAMS];

/* Stream i: audio at 127.0.0.1:port, or port 0 (inactive). */
static void desc_stream(unsigned i, uint16_t port)
{
	mediafix_audio(&desc.s[i], "127.0.0.1", port, LK_MDESC_SENDRECV);
	if (port && desc.nstreams <= i)
		desc.nstreams = i + 1;
}

static int negotiate(struct fixture *f, enum lk_media_op op,
		     const char *call_id, const char **reasonp)
{
	struct lk_media_req req;
	struct lk_media_reply rep;
	int err;

	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	memset(relay, 0xa5, sizeof(relay));
	req.op = op;
	req.call_id = str(call_id);
	req.from_tag = str("A");
	req.to_tag = str("B");
	err = lk_media_negotiate(f->m, &req, &desc, relay, &rep);
	if (reasonp)
		*reasonp = rep.error_reason;

	return err;
}

static bool in_range(uint16_t port)
{
	return port >= 45800 && port <= 45899;
}

/*
 * An offer creates the call with one stream per description stream; the
 * answerer's side gets a pair from the range (RTP even, RTCP + 1), an
 * inactive stream none.  The answer gives the offerer a pair of its own;
 * a re-offer keeps both.  Deleting the call gives the pairs back.
 */
static void offer_answer_reoffer_delete_keep_the_books(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t0, t;
	struct lk_media_str id = str("desc-1");
	const char *reason = NULL;
	uint16_t to_b, to_a;

	lk_media_totals(f->m, &t0);
	memset(&desc, 0, sizeof(desc));
	desc_stream(0, 45990);
	desc_stream(1, 0);
	desc.nstreams = 2;
	assert_int_equal(0, negotiate(f, LK_MEDIA_OFFER, "desc-1", NULL));
	to_b = relay[0].port;
	assert_true(in_range(to_b));
	assert_int_equal(0, to_b % 2);
	assert_int_equal(to_b + 1, relay[0].rtcp_port);
	assert_false(relay[0].mux);
	assert_false(relay[0].own_crypto);
	assert_int_equal(0, relay[0].ncrypto);
	assert_string_equal("", relay[0].proto);
	assert_int_equal(0, relay[1].port);
	lk_media_totals(f->m, &t);
	assert_int_equal(t0.calls + 1, t.calls);
	assert_int_equal(t0.streams + 2, t.streams);
	assert_int_equal(t0.ports_free - 1, t.ports_free);

	desc_stream(0, 45994);
	assert_int_equal(0, negotiate(f, LK_MEDIA_ANSWER, "desc-1", NULL));
	to_a = relay[0].port;
	assert_true(in_range(to_a));
	assert_int_not_equal(to_b, to_a);
	lk_media_totals(f->m, &t);
	assert_int_equal(t0.ports_free - 2, t.ports_free);

	/* A re-offer: the same ports, nothing more taken. */
	desc_stream(0, 45996);
	assert_int_equal(0, negotiate(f, LK_MEDIA_OFFER, "desc-1", NULL));
	assert_int_equal(to_b, relay[0].port);
	assert_int_equal(0, negotiate(f, LK_MEDIA_ANSWER, "desc-1", NULL));
	assert_int_equal(to_a, relay[0].port);
	lk_media_totals(f->m, &t);
	assert_int_equal(t0.calls + 1, t.calls);
	assert_int_equal(t0.ports_free - 2, t.ports_free);

	assert_int_equal(0, lk_media_delete(f->m, &id, &reason));
	lk_media_totals(f->m, &t);
	assert_int_equal(t0.calls, t.calls);
	assert_int_equal(t0.streams, t.streams);
	assert_int_equal(t0.ports_free, t.ports_free);
}

/* A stream whose address is not known still gets ports; it latches. */
static void an_unknown_address_still_gets_ports(void **state)
{
	struct fixture *f = *state;

	memset(&desc, 0, sizeof(desc));
	desc_stream(0, 45990);
	memset(&desc.s[0].addr, 0, sizeof(desc.s[0].addr));
	memset(&desc.s[0].rtcp_addr, 0, sizeof(desc.s[0].rtcp_addr));
	assert_int_equal(0, negotiate(f, LK_MEDIA_OFFER, "desc-2", NULL));
	assert_true(in_range(relay[0].port));
}

/*
 * Refusals take nothing: an answer for no call, a description the media
 * core cannot take, a missing tag.  No call is left behind.
 */
static void refusals_leave_no_call(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t0, t;
	const char *reason = NULL;

	lk_media_totals(f->m, &t0);
	memset(&desc, 0, sizeof(desc));
	desc_stream(0, 45990);
	assert_int_equal(ENOENT, negotiate(f, LK_MEDIA_ANSWER, "desc-3",
					   &reason));
	assert_string_equal(LK_MEDIA_ERR_UNKNOWN, reason);

	desc.s[0].addr.ss_family = AF_UNIX;
	assert_int_equal(EINVAL, negotiate(f, LK_MEDIA_OFFER, "desc-3",
					   &reason));
	assert_string_equal(LK_MEDIA_ERR_BAD_DESC, reason);
	desc_stream(0, 45990);
	desc.nstreams = LK_MDESC_MAX_STREAMS + 1;
	assert_int_equal(EINVAL, negotiate(f, LK_MEDIA_OFFER, "desc-3", NULL));
	desc.nstreams = 1;
	assert_int_equal(EINVAL, negotiate(f, LK_MEDIA_OFFER, "", &reason));
	assert_string_equal(LK_MEDIA_ERR_NO_CALLID, reason);

	lk_media_totals(f->m, &t);
	assert_int_equal(t0.calls, t.calls);
	assert_int_equal(t0.ports_free, t.ports_free);
}

/*
 * The range is 50 pairs: the 51st stream is refused with rtpengine's
 * "Ran out of ports", its call is not created, and the calls before it
 * keep theirs.
 */
static void ran_out_of_ports_creates_nothing(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t0, t;
	const char *reason = NULL;
	char id[32];
	unsigned i, made = 0;
	int err = 0;

	lk_media_totals(f->m, &t0);
	memset(&desc, 0, sizeof(desc));
	desc_stream(0, 45990);
	for (i = 0; i < 200 && !err; i++) {
		snprintf(id, sizeof(id), "full-%u", i);
		err = negotiate(f, LK_MEDIA_OFFER, id, &reason);
		if (!err)
			++made;
	}
	assert_int_equal(ENOSPC, err);
	assert_string_equal(LK_MEDIA_ERR_NO_PORTS, reason);
	assert_int_equal(t0.ports_free, made);
	lk_media_totals(f->m, &t);
	assert_int_equal(t0.calls + made, t.calls);
	assert_int_equal(0, t.ports_free);
	assert_int_equal(1, t.ports_exhausted);
}

static void elapsed_time_saturates_at_zero(void **state)
{
	(void)state;
	assert_int_equal(0, lk_clock_since(100, 101));
	assert_int_equal(0, lk_clock_since(0, UINT64_MAX));
	assert_int_equal(0, lk_clock_since(7, 7));
	assert_int_equal(5, lk_clock_since(105, 100));
}

/*
 * A port another program holds (the bind fails with EADDRINUSE) is
 * skipped and counted; the stream gets the next pair.
 */
static void a_port_held_by_another_is_skipped(void **state)
{
	struct fixture *f = *state;
	struct lk_media_totals t;
	const char *reason = NULL;

	/* The range's first pair is 45802/45803 (log: "port pairs from"). */
	f->ns.busy = 45802;
	memset(&desc, 0, sizeof(desc));
	desc_stream(0, 45990);
	assert_int_equal(0, negotiate(f, LK_MEDIA_OFFER, "busy-1", &reason));
	assert_int_equal(45804, relay[0].port);
	assert_int_equal(45805, relay[0].rtcp_port);
	lk_media_totals(f->m, &t);
	assert_int_equal(1, t.bind_conflicts);
	assert_int_equal(1, t.calls);
	/* 45802 (refused), then 45804 and 45805: no socket among them. */
	assert_int_equal(3, f->ns.binds);
}

#define NOSOCK(t) cmocka_unit_test_setup_teardown(t, setup_nosock, teardown)
#define SOCKETS(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elapsed_time_saturates_at_zero),
		NOSOCK(a_stamp_newer_than_now_deletes_nothing),
		SOCKETS(a_worker_stamp_newer_than_now_deletes_nothing),
		NOSOCK(a_call_idle_for_the_media_timeout_is_deleted),
		NOSOCK(a_call_older_than_the_final_timeout_is_deleted),
		NOSOCK(offer_answer_reoffer_delete_keep_the_books),
		NOSOCK(an_unknown_address_still_gets_ports),
		NOSOCK(refusals_leave_no_call),
		NOSOCK(ran_out_of_ports_creates_nothing),
		NOSOCK(a_port_held_by_another_is_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
