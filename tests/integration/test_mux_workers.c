/* tests/integration/test_mux_workers.c  H.460.19 multiplexed media served by every worker: SO_REUSEPORT sockets steered by multiplexID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

/*
 * One daemon with three workers on ports of their own (59000-59199): ng
 * 59010, media 59100-59199 (the mux ports 59100/59101).  Every worker
 * binds the mux ports (SO_REUSEPORT) and the kernel hands each datagram
 * to the worker whose multiplexID it carries (relay/worker.c,
 * lk_worker_mux_steer).  The B sides of all calls send from ONE socket,
 * as a traversal peer does: without the steering, the kernel would hash
 * that one 4-tuple to one worker, and the calls of the other two would
 * be dropped as unknown multiplexIDs.
 */
#define NG_PORT 59010
#define MUX_PORT 59100
#define NCALLS 6
#define NWORKERS 3
static const char config[] =
	"[System]\nRole = expressway\n"
	"[Protocols > SIP]\nUDP port = 59020\nTCP port = 59020\n"
	"TLS port = 59021\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 59022\n"
	"Call signaling port range start = 59030\n"
	"Call signaling port range end = 59039\n"
	"[Protocols > H.323]\nCall signaling TCP port = 59023\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 59024\n"
	"H.323 H.460.18 call signaling port = 59025\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 59100\n"
	"Traversal Media port end = 59199\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 59026\nH.323 port = 59027\n"
	"[Media]\nWorker threads = 3\nPort cool-down = 0\n";

static struct lkd d;

struct call {
	char id[32];
	int a;			/* A's socket (plain) */
	uint16_t pa, ra;	/* A's port, the relay port A sends to */
	uint32_t mux_id;	/* what B puts in front */
};

static void sdp_for(char *buf, size_t sz, uint16_t port)
{
	snprintf(buf, sz, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n"
		 "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n",
		 port);
}

/* A call whose B side sends multiplexed to the mux port. */
static void call_setup(struct call *c, unsigned i, uint16_t pb)
{
	static const char mux[] = "12:latchkey-muxl5:offere";
	char body[8192], sdp[2048], out[8192];
	size_t len;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "mw-%u", i);
	c->a = ep_open(&c->pa);
	assert_true(c->a >= 0);
	sdp_for(sdp, sizeof(sdp), c->pa);
	len = lkd_offer_body(body, sizeof(body), "offer", c->id, "tagA", NULL,
			     sdp, mux);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_int_equal(MUX_PORT, sdp_port(out, 0));
	c->mux_id = sdp_muxid(out, 0);
	assert_true(c->mux_id != 0);
	sdp_for(sdp, sizeof(sdp), pb);
	len = lkd_offer_body(body, sizeof(body), "answer", c->id, "tagA",
			     "tagB", sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	c->ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	assert_true(c->ra > MUX_PORT + 1);
}

static void call_delete(struct call *c)
{
	char body[256];
	int n;

	n = snprintf(body, sizeof(body), "d7:call-id%zu:%s7:command6:deletee",
		     strlen(c->id), c->id);
	lkd_ng(&d, body, (size_t)n);
	close(c->a);
}

/* The multiplexID and an RTP packet of SSRC `ssrc` after it. */
static size_t mux_pkt(uint8_t *p, uint32_t id, uint16_t seq, uint32_t ssrc)
{
	p[0] = (uint8_t)(id >> 24);
	p[1] = (uint8_t)(id >> 16);
	p[2] = (uint8_t)(id >> 8);
	p[3] = (uint8_t)id;
	return 4 + rtp_make(p + 4, seq, ssrc, 160);
}

/* Which worker the daemon's log says call `id` was created on; -1: none. */
static int worker_of(const char *id)
{
	char line[1024], want[300];
	FILE *f = fopen(d.log_path, "r");
	int w = -1;

	snprintf(want, sizeof(want), "call %s: created", id);
	while (f && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, want);

		if (p && (p = strstr(p, " on worker ")))
			w = atoi(p + 11);
	}
	if (f)
		fclose(f);
	return w;
}

static int group_setup(void **state)
{
	return lkd_start(&d, NG_PORT, config);
}

static int group_teardown(void **state)
{
	int status = lkd_stop(&d);

	if (status != 0)
		fprintf(stderr, "latchkeyd stopped with status %d; log %s\n",
			status, d.log_path);

	return status == 0 ? 0 : -1;
}

/*
 * Six multiplexed calls land on all three workers, each worker's IDs of
 * its own residue; from one B socket, every packet reaches its own A
 * (multiplexID stripped), every A's reaches B from the mux port, and
 * nothing is dropped as an unknown multiplexID.
 */
static void mux_calls_spread_over_workers(void **state)
{
	struct call c[NCALLS];
	uint8_t pkt[200], buf[2048];
	unsigned i, k, on[NWORKERS] = {0};
	int64_t noleg = lkd_stat(&d, "droppednoleg");
	uint16_t pb, from;
	int b;

	b = ep_open(&pb);
	assert_true(b >= 0);
	for (i = 0; i < NCALLS; i++) {
		int w;

		call_setup(&c[i], i, pb);
		w = worker_of(c[i].id);
		assert_true(w >= 0 && w < NWORKERS);
		/* The ID is the worker's: the kernel steers by it. */
		assert_int_equal(w, c[i].mux_id % NWORKERS);
		++on[w];
	}
	for (i = 0; i < NWORKERS; i++)
		assert_true(on[i] > 0);

	/* Latch the A sides. */
	for (i = 0; i < NCALLS; i++)
		ep_send(c[i].a, c[i].ra, pkt, rtp_make(pkt, 1, 0xa0 + i, 10));
	for (k = 0; k < 10; k++) {
		for (i = 0; i < NCALLS; i++) {
			ep_send(b, MUX_PORT, pkt, mux_pkt(pkt, c[i].mux_id,
							 (uint16_t)(2 + k),
							 0xb0 + i));
			assert_int_equal(172, ep_recv(c[i].a, buf, sizeof(buf),
						      1000, NULL));
			assert_int_equal(0xb0 + i, buf[11]);
			assert_int_equal(2 + k, buf[3]);
		}
	}
	for (i = 0; i < NCALLS; i++)
		assert_int_equal(0, ep_drain(c[i].a, 50));
	/* A to B: plain (B asked for no ID), from the mux port. */
	for (i = 0; i < NCALLS; i++) {
		ep_send(c[i].a, c[i].ra, pkt, rtp_make(pkt, 20, 0xa0 + i, 160));
		assert_int_equal(172, ep_recv(b, buf, sizeof(buf), 1000,
					      &from));
		assert_int_equal(MUX_PORT, from);
		assert_int_equal(0xa0 + i, buf[11]);
	}
	assert_int_equal(noleg, lkd_stat(&d, "droppednoleg"));
	for (i = 0; i < NCALLS; i++)
		call_delete(&c[i]);
	close(b);
}

/*
 * What the steering cannot place is still dropped and counted: an ID
 * nobody has (on whichever worker it lands), a datagram too short to
 * carry one (the program gives up: worker 0, counted malformed).
 */
static void unknown_and_short_are_counted(void **state)
{
	int64_t noleg = lkd_stat(&d, "droppednoleg");
	int64_t bad = lkd_stat(&d, "errors");
	uint8_t pkt[200];
	uint16_t pb;
	unsigned i;
	int b;

	b = ep_open(&pb);
	assert_true(b >= 0);
	for (i = 0; i < NWORKERS; i++)
		ep_send(b, MUX_PORT, pkt, mux_pkt(pkt, 0x7000000u + i, 1, 0xee));
	pkt[0] = 1;
	pkt[1] = 2;
	ep_send(b, MUX_PORT, pkt, 2);
	assert_int_equal(0, ep_drain(b, 200));
	assert_int_equal(noleg + NWORKERS,
			 lkd_stat_when(&d, "droppednoleg", noleg + NWORKERS));
	assert_int_equal(bad + 1, lkd_stat_when(&d, "errors", bad + 1));
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mux_calls_spread_over_workers),
		cmocka_unit_test(unknown_and_short_are_counted),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
