/* tests/unit/h323/test_callmedia.c  A routed H.323 call's media glue (h323/callmedia.h) on a real call's H.245 messages: what each side told, described neutrally, and the relay's ports written back; no socket bound. */
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

#include <re.h>

#include "h323/callmedia.h"
#include "h323/h245.h"
#include "mdesc.h"

#include "capture.h"
#include "../mediafix.h"

/*
 * A Control, media on 43100-43199 (this test's block; nothing is bound:
 * tests/unit/mediafix.h).  The messages are h323-ndpi.pcap's
 * (tests/data/h323/): frame 38's OpenLogicalChannel (audio, session 1,
 * RTCP only) from the caller, frame 41's OpenLogicalChannelAck (RTP 5000,
 * RTCP 5001) from the callee.
 */
static const char config[] =
	"[System]\nRole = control\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 43100\n"
	"Traversal Media port end = 43199\n"
	"[Media]\nPort cool-down = 0\nPort allocation order = sequential\n";

static uint8_t arena_mem[LK_H245_ARENA];

struct fixture {
	struct nosock ns;
	struct lk_conf conf;
	struct event_base *base;
	struct lk_media *m;
	struct lk_h323_callmedia *cm;
};

static int setup(void **state)
{
	static const uint8_t callid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct fixture *f = calloc(1, sizeof(*f));
	struct lk_h323_callmedia_conf cfg;

	assert_non_null(f);
	mediafix_core(config, &f->conf, &f->base, &f->m, &f->ns);
	memset(&cfg, 0, sizeof(cfg));
	cfg.media = f->m;
	cfg.local.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.10", &cfg.local.sin_addr);
	cfg.peer[0].sin_family = cfg.peer[1].sin_family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", &cfg.peer[0].sin_addr);
	inet_pton(AF_INET, "10.0.0.2", &cfg.peer[1].sin_addr);
	cfg.callid = callid;
	cfg.call = 1;
	assert_int_equal(0, lk_h323_callmedia_alloc(&f->cm, &cfg));
	*state = f;

	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lk_h323_callmedia_end(f->cm);
	mem_deref(f->cm);
	assert_int_equal(0, nosock_open_sockets());
	mem_deref(f->m);
	event_base_free(f->base);
	free(f);

	return 0;
}

/* The capture's message `name` from `from`, rewritten into out[]. */
static size_t h245_from(struct fixture *f, enum lk_sigcall_side from,
			const char *name, uint8_t *out, size_t cap)
{
	struct lk_asn_arena ar;
	uint8_t in[512];
	size_t len, olen = 0;

	len = capture_load(name, in, sizeof(in));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(0, lk_h323_callmedia_h245(f->cm, from, &ar, in, len,
						   out, cap, &olen));
	return olen;
}

/* The relay's address and port of `kind` in the rewritten `msg`. */
struct found {
	enum lk_h245_addr_kind kind;
	struct sockaddr_in addr;
};

static int find_h(struct lk_h245_addr *a, void *arg)
{
	struct found *fd = arg;

	if (a->kind == fd->kind)
		fd->addr = a->addr;
	return 0;
}

static struct sockaddr_in addr_in(const uint8_t *msg, size_t len,
				  enum lk_h245_addr_kind kind)
{
	struct found fd = { kind, { 0 } };
	struct lk_asn_arena ar;
	uint8_t out[512];
	size_t olen;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(0, lk_h245_media_addrs(&ar, false, msg, len, find_h,
						&fd, out, sizeof(out),
						&olen));
	return fd.addr;
}

static void sin_is(const struct sockaddr_in *sin, const char *ip,
		   uint16_t port)
{
	char got[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sin->sin_addr, got, sizeof(got));
	assert_string_equal(ip, got);
	assert_int_equal(port, ntohs(sin->sin_port));
}

/*
 * Each side's addresses, described as the media core takes them, and the
 * relay's ports written over them in the messages each side gets.
 */
static void each_side_is_described_and_rewritten(void **state)
{
	struct fixture *f = *state;
	static struct lk_mdesc a, b;
	const struct sockaddr_in *sa;
	uint8_t olc[512], ack[512];
	size_t olclen, acklen;
	struct sockaddr_in rtcp;

	/* Nothing told yet: no stream. */
	lk_h323_callmedia_describe(f->cm, LK_SIGCALL_A, &a);
	assert_int_equal(0, a.nstreams);

	olclen = h245_from(f, LK_SIGCALL_A, "h245-f38.bin", olc, sizeof(olc));
	assert_true(lk_h323_callmedia_offered(f->cm));
	lk_h323_callmedia_describe(f->cm, LK_SIGCALL_A, &a);
	assert_int_equal(1, a.nstreams);
	assert_int_equal(0, lk_mdesc_check(&a, NULL, NULL));
	assert_int_equal(5, a.s[0].media.len);
	assert_memory_equal("audio", a.s[0].media.p, 5);
	assert_true(a.s[0].rtp);
	assert_int_equal(LK_MDESC_SENDRECV, a.s[0].dir);
	assert_int_equal(0, a.s[0].npt);
	/* RTCP only: its RTP is the port below, at the same address. */
	assert_int_equal(a.s[0].rtcp_port - 1, a.s[0].port);
	assert_int_equal(AF_INET, a.s[0].addr.ss_family);
	/* The callee has told nothing: its stream is not active. */
	lk_h323_callmedia_describe(f->cm, LK_SIGCALL_B, &b);
	assert_int_equal(1, b.nstreams);
	assert_int_equal(0, b.s[0].port);
	/* The OLC the callee gets names the relay's first RTCP port. */
	rtcp = addr_in(olc, olclen, LK_H245_MEDIA_CONTROL);
	sin_is(&rtcp, "192.0.2.10", 43103);

	acklen = h245_from(f, LK_SIGCALL_B, "h245-f41.bin", ack, sizeof(ack));
	lk_h323_callmedia_describe(f->cm, LK_SIGCALL_B, &b);
	assert_int_equal(1, b.nstreams);
	assert_int_equal(5000, b.s[0].port);
	assert_int_equal(5001, b.s[0].rtcp_port);
	sa = (const struct sockaddr_in *)&b.s[0].addr;
	assert_int_equal(AF_INET, sa->sin_family);
	assert_int_equal(5000, ntohs(sa->sin_port));
	/* The OLCAck the caller gets names the relay's other pair. */
	sin_is((const struct sockaddr_in[]){ addr_in(ack, acklen,
						     LK_H245_MEDIA) },
	       "192.0.2.10", 43104);
	/* Two pairs from the allocator, and not one socket. */
	assert_int_equal(4, f->ns.binds);
}

/* After the call's media ended, a side has told nothing. */
static void ended_media_describes_nothing(void **state)
{
	struct fixture *f = *state;
	static struct lk_mdesc a;
	uint8_t olc[512];

	(void)h245_from(f, LK_SIGCALL_A, "h245-f38.bin", olc, sizeof(olc));
	lk_h323_callmedia_end(f->cm);
	lk_h323_callmedia_describe(f->cm, LK_SIGCALL_A, &a);
	assert_int_equal(0, a.nstreams);
	lk_h323_callmedia_describe(NULL, LK_SIGCALL_A, &a);
	assert_int_equal(0, a.nstreams);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(each_side_is_described_and_rewritten),
		T(ended_media_describes_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
