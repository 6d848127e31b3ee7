/* perf/bench_srtp.c  What SRTP adds per packet on a terminated leg, per suite. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "srtp.h"

/*
 * Method: the relay's own wrapper (relay/srtp.c), one context each way as
 * a terminated leg has them.  A packet is a G.711 frame at 20 ms (12-octet
 * header, 160-octet payload).  "protect" encrypts a fresh packet (the
 * sequence number advances, so no replay check refuses it) in place, as
 * the worker does for what it sends to an encrypted side; "unprotect"
 * verifies and decrypts what an endpoint would have sent, from a buffer
 * of packets protected beforehand, as the worker does for what an
 * encrypted side sends.  "protect" includes writing the packet (about
 * the cost of the baseline).  Baseline in the same run: a copy of the
 * packet (memcpy of 172 octets), the least a relay touching the payload
 * does.
 * Each figure is the best of REPEAT runs of N packets, per packet.
 * Nothing here is asserted.
 */

#define N	20000
#define REPEAT	5
#define LEN	172

static volatile uint64_t sink;	/* keeps the loops from being dropped */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct pkt {
	_Alignas(4) uint8_t b[LEN + LK_SRTP_ROOM];
	size_t len;
};

static struct pkt wire[N];

static void rtp_fill(uint8_t *p, uint32_t seq)
{
	memset(p, 0xd5, LEN);
	p[0] = 0x80;
	p[1] = 0;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(seq >> 24);	/* timestamp: anything */
	p[5] = (uint8_t)(seq >> 16);
	p[8] = 0xca;
	p[9] = 0xfe;
	p[10] = 0xba;
	p[11] = 0xbe;
}

static double per_packet(uint64_t ns)
{
	return (double)ns / N;
}

static double bench_copy(void)
{
	static uint8_t src[LEN], dst[LEN];
	uint64_t best = UINT64_MAX, t0, t;
	unsigned r, i;

	rtp_fill(src, 1);
	for (r = 0; r < REPEAT; r++) {
		t0 = now_ns();
		for (i = 0; i < N; i++) {
			src[3] = (uint8_t)i;
			memcpy(dst, src, LEN);
			sink += dst[3];
		}
		t = now_ns() - t0;
		if (t < best)
			best = t;
	}

	return per_packet(best);
}

static int bench_suite(enum lk_srtp_suite suite, double *protp,
		       double *unprotp)
{
	uint64_t best_p = UINT64_MAX, best_u = UINT64_MAX, t0, t;
	struct lk_srtp_key key;
	struct lk_srtp *tx, *rx;
	uint32_t seq = 0;
	unsigned r, i;
	int err;

	err = lk_srtp_key_generate(&key, suite);
	if (err)
		return err;
	for (r = 0; r < REPEAT; r++) {
		/* A fresh pair each run: the replay window starts empty. */
		err = lk_srtp_alloc(&tx, &key, true);
		if (!err)
			err = lk_srtp_alloc(&rx, &key, false);
		if (err)
			return err;
		t0 = now_ns();
		for (i = 0; i < N; i++) {
			wire[i].len = LEN;
			rtp_fill(wire[i].b, seq++);
			if (lk_srtp_protect(tx, wire[i].b, &wire[i].len,
					    sizeof(wire[i].b), false))
				return EIO;
		}
		t = now_ns() - t0;
		if (t < best_p)
			best_p = t;
		t0 = now_ns();
		for (i = 0; i < N; i++) {
			if (lk_srtp_unprotect(rx, wire[i].b, &wire[i].len,
					      false))
				return EIO;
			sink += wire[i].b[12];
		}
		t = now_ns() - t0;
		if (t < best_u)
			best_u = t;
		lk_srtp_free(tx);
		lk_srtp_free(rx);
		seq = 0;
	}
	lk_srtp_key_wipe(&key);
	*protp = per_packet(best_p);
	*unprotp = per_packet(best_u);

	return 0;
}

int main(void)
{
	enum lk_srtp_suite s;
	double copy;

	if (lk_srtp_init()) {
		fprintf(stderr, "bench_srtp: libsrtp2 init failed\n");
		return 1;
	}
	copy = bench_copy();
	printf("bench_srtp: %u packets of %u octets (G.711, 20 ms), best of "
	       "%u runs\n", N, LEN, REPEAT);
	printf("  %-26s %10s %10s\n", "suite", "protect", "unprotect");
	for (s = LK_SRTP_AES_CM_128_HMAC_SHA1_80; s < LK_SRTP_SUITE_COUNT;
	     s++) {
		double p, u;

		if (!lk_srtp_suite_available(s))
			continue;
		if (bench_suite(s, &p, &u)) {
			fprintf(stderr, "bench_srtp: %s failed\n",
				lk_srtp_suite_name(s));
			return 1;
		}
		printf("  %-26s %7.0f ns %7.0f ns   (%.0fx and %.0fx a copy)\n",
		       lk_srtp_suite_name(s), p, u, p / copy, u / copy);
	}
	printf("  %-26s %7.1f ns\n", "baseline: memcpy of a packet", copy);
	(void)sink;

	return 0;
}
