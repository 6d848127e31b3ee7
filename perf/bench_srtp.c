/* perf/bench_srtp.c  What SRTP adds per packet on a terminated leg, per suite. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

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
 *
 * Then, for the first suite and the GCM one, the same with K contexts in
 * use at once (K terminated legs, one packet each in turn, as a relay
 * with K sessions of one encrypted leg sees them): whether the cost per
 * operation grows with the number of contexts (CPU caches, and whatever
 * the crypto provider keeps per key).
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

#define KMAX	4000
static struct lk_srtp *ktx[KMAX], *krx[KMAX];

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
		mem_deref(tx);
		mem_deref(rx);
		seq = 0;
	}
	lk_srtp_key_wipe(&key);
	*protp = per_packet(best_p);
	*unprotp = per_packet(best_u);

	return 0;
}

/*
 * K pairs of contexts, packet i on pair i % K with that pair's own SSRC
 * and sequence (so libsrtp2 keeps one stream per context, and no replay
 * check refuses anything).  Per operation, best of REPEAT.
 */
static int bench_contexts(enum lk_srtp_suite suite, unsigned k,
			  double *protp, double *unprotp)
{
	uint64_t best_p = UINT64_MAX, best_u = UINT64_MAX, t0, t;
	struct lk_srtp_key key;
	unsigned r, i;
	int err = 0;

	for (i = 0; i < k && !err; i++) {
		err = lk_srtp_key_generate(&key, suite);
		if (!err)
			err = lk_srtp_alloc(&ktx[i], &key, true);
		if (!err)
			err = lk_srtp_alloc(&krx[i], &key, false);
		lk_srtp_key_wipe(&key);
	}
	for (r = 0; r < REPEAT && !err; r++) {
		t0 = now_ns();
		for (i = 0; i < N; i++) {
			unsigned c = i % k;
			uint32_t seq = r * (N / k + 1) + i / k;

			wire[i].len = LEN;
			rtp_fill(wire[i].b, seq);
			wire[i].b[8] = (uint8_t)(c >> 8);
			wire[i].b[9] = (uint8_t)c;
			if (lk_srtp_protect(ktx[c], wire[i].b, &wire[i].len,
					    sizeof(wire[i].b), false))
				err = EIO;
		}
		t = now_ns() - t0;
		if (t < best_p)
			best_p = t;
		t0 = now_ns();
		for (i = 0; i < N && !err; i++) {
			if (lk_srtp_unprotect(krx[i % k], wire[i].b,
					      &wire[i].len, false))
				err = EIO;
			sink += wire[i].b[12];
		}
		t = now_ns() - t0;
		if (t < best_u)
			best_u = t;
	}
	for (i = 0; i < k; i++) {
		mem_deref(ktx[i]);
		mem_deref(krx[i]);
		ktx[i] = krx[i] = NULL;
	}
	*protp = per_packet(best_p);
	*unprotp = per_packet(best_u);

	return err;
}

int main(int argc, char **argv)
{
	static const unsigned kdef[] = {1, 10, 100, 300, 1000, 2000};
	unsigned ks[16], nk = 0;
	static const enum lk_srtp_suite ksuites[] = {
		LK_SRTP_AES_CM_128_HMAC_SHA1_80, LK_SRTP_AEAD_AES_128_GCM,
	};
	unsigned j, m;
	enum lk_srtp_suite s;
	double copy;

	/* Optional arguments: the context counts to try (default kdef). */
	for (j = 1; j < (unsigned)argc && nk < 16; j++) {
		unsigned long v = strtoul(argv[j], NULL, 10);

		if (v < 1 || v > KMAX) {
			fprintf(stderr, "usage: bench_srtp [contexts 1-%u]...\n",
				KMAX);
			return 2;
		}
		ks[nk++] = (unsigned)v;
	}
	if (!nk) {
		memcpy(ks, kdef, sizeof(kdef));
		nk = sizeof(kdef) / sizeof(kdef[0]);
	}
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
	printf("with K contexts in turn (K legs)\n");
	printf("  %-26s %6s %10s %10s\n", "suite", "K", "protect",
	       "unprotect");
	for (m = 0; m < sizeof(ksuites) / sizeof(ksuites[0]); m++) {
		if (!lk_srtp_suite_available(ksuites[m]))
			continue;
		for (j = 0; j < nk; j++) {
			double p, u;

			if (bench_contexts(ksuites[m], ks[j], &p, &u)) {
				fprintf(stderr, "bench_srtp: %s, %u contexts "
					"failed\n",
					lk_srtp_suite_name(ksuites[m]), ks[j]);
				return 1;
			}
			printf("  %-26s %6u %7.0f ns %7.0f ns\n",
			       lk_srtp_suite_name(ksuites[m]), ks[j], p, u);
		}
	}
	(void)sink;

	return 0;
}
