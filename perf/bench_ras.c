/* perf/bench_ras.c  Gatekeeper RAS transactions per second on one core: registrations and keep-alives. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "h323/gk.h"
#include "h323/ras.h"

/*
 * Method: lk_h323_gk_handle() is the whole RAS protocol with no I/O (the
 * daemon adds one recvfrom and one sendto per transaction), so this times
 * it alone, on one thread.  ENDPOINTS RRQs, each from its own source port
 * with its own h323-ID, are built in advance (the shape of the test
 * endpoint's: one alias, one callSignalAddress, vendor, terminal type).
 * A round registers all of them in a fresh gatekeeper (full RRQ -> RCF,
 * each alias checked against every registration), then sends each one
 * lightweight keep-alive RRQ (keepAlive TRUE, its endpointIdentifier) ->
 * RCF.  The figures are transactions per second for each half.
 *
 * Baseline in the same run: decoding and encoding the same RRQ with the
 * codec alone (lk_ras_decode + lk_ras_encode), the floor of any
 * transaction.  Each figure is the best of REPEAT rounds.  Nothing here
 * is asserted; the target of issue 11 is 20,000 RAS transactions/s.
 */

#define ENDPOINTS 4096
#define REPEAT 5
#define MSG_MAX 256

static uint8_t reqs[ENDPOINTS][MSG_MAX], kas[ENDPOINTS][MSG_MAX];
static size_t req_len[ENDPOINTS], ka_len[ENDPOINTS];
static uint8_t mem[1 << 16];
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static struct sockaddr_in src_of(unsigned i)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	sin.sin_port = htons((uint16_t)(20000 + i));
	return sin;
}

/* An RRQ: full with an alias, or a keep-alive with epid. */
static size_t build_rrq(uint8_t *out, uint16_t seq, unsigned i,
			const char *epid)
{
	struct sockaddr_in cs = src_of(i);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	char alias[32];
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	snprintf(alias, sizeof(alias), "endpoint-%u", i);
	msg = lk_ras_rrq_new(&ar, seq, &cs, &cs, alias, epid, NULL);
	if (!msg)
		return 0;
	if (lk_ras_encode(msg, out, MSG_MAX, &len))
		return 0;
	return len;
}

static struct lk_h323_gk *gk_new(void)
{
	struct lk_h323_gk_params p = { .ttl = 1800, .gkid = "latchkey",
				       .max_regs = ENDPOINTS };
	struct lk_h323_gk *gk = NULL;

	p.ras = src_of(0);
	p.callsig = src_of(1);
	if (lk_h323_gk_alloc(&gk, &p))
		exit(1);
	return gk;
}

/* One round: registrations, then keep-alives; ns per transaction. */
static void round_gk(uint16_t seq, uint64_t *reg_ns, uint64_t *ka_ns)
{
	struct lk_h323_gk *gk = gk_new();
	uint8_t reply[1024];
	size_t rlen;
	uint64_t t0, t1, t2;
	unsigned i;

	t0 = now_ns();
	for (i = 0; i < ENDPOINTS; i++) {
		struct sockaddr_in src = src_of(i);

		if (lk_h323_gk_handle(gk, reqs[i], req_len[i], &src, 1000,
				      reply, sizeof(reply), &rlen))
			exit(2);
		sink += rlen;
	}
	t1 = now_ns();
	for (i = 0; i < ENDPOINTS; i++) {
		struct sockaddr_in src = src_of(i);

		/* A keep-alive's seq differs from the RRQ's: no cache hit. */
		if (lk_h323_gk_handle(gk, kas[i], ka_len[i], &src, 2000, reply,
				      sizeof(reply), &rlen))
			exit(3);
		sink += rlen;
	}
	t2 = now_ns();
	if (lk_h323_gk_count(gk, 3000) != ENDPOINTS)
		exit(4);
	*reg_ns = t1 - t0;
	*ka_ns = t2 - t1;
	(void)seq;
	mem_deref(gk);
}

int main(void)
{
	struct lk_h323_gk *gk = gk_new();
	uint64_t best_reg = UINT64_MAX, best_ka = UINT64_MAX;
	uint64_t best_codec = UINT64_MAX, t0, reg, ka;
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	uint8_t reply[1024], out[MSG_MAX];
	size_t rlen;
	unsigned r, i;

	/* The requests, and the endpointIdentifiers a first gatekeeper
	 * hands out (a fresh one hands out the same ones in the same
	 * order). */
	for (i = 0; i < ENDPOINTS; i++) {
		struct sockaddr_in src = src_of(i);
		char epid[64];

		req_len[i] = build_rrq(reqs[i], 1, i, NULL);
		if (!req_len[i] ||
		    lk_h323_gk_handle(gk, reqs[i], req_len[i], &src, 1000,
				      reply, sizeof(reply), &rlen))
			return 1;
		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (lk_ras_decode(reply, rlen, &ar, &msg, NULL))
			return 1;
		lk_asn_str_ascii(lk_asn_get(lk_ras_body(msg),
				 "endpointIdentifier"), epid, sizeof(epid));
		ka_len[i] = build_rrq(kas[i], 2, i, epid);
		if (!ka_len[i])
			return 1;
	}
	mem_deref(gk);

	for (r = 0; r < REPEAT; r++) {
		round_gk((uint16_t)r, &reg, &ka);
		if (reg < best_reg)
			best_reg = reg;
		if (ka < best_ka)
			best_ka = ka;
		t0 = now_ns();
		for (i = 0; i < ENDPOINTS; i++) {
			lk_asn_arena_init(&ar, mem, sizeof(mem));
			if (lk_ras_decode(reqs[i], req_len[i], &ar, &msg,
					  NULL) ||
			    lk_ras_encode(msg, out, sizeof(out), &rlen))
				return 1;
			sink += rlen;
		}
		if (now_ns() - t0 < best_codec)
			best_codec = now_ns() - t0;
	}
	printf("RAS on one core, %u endpoints, best of %u rounds:\n",
	       ENDPOINTS, REPEAT);
	printf("  registrations (RRQ -> RCF):      %9.0f /s  (%.2f us each)\n",
	       ENDPOINTS * 1e9 / (double)best_reg,
	       best_reg / 1e3 / ENDPOINTS);
	printf("  keep-alives (lightweight RRQ):   %9.0f /s  (%.2f us each)\n",
	       ENDPOINTS * 1e9 / (double)best_ka, best_ka / 1e3 / ENDPOINTS);
	printf("  baseline: RRQ decode + encode:   %9.0f /s  (%.2f us each)\n",
	       ENDPOINTS * 1e9 / (double)best_codec,
	       best_codec / 1e3 / ENDPOINTS);
	return 0;
}
