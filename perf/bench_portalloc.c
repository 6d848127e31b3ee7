/* perf/bench_portalloc.c  Take + give-back cost per media port pair. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <re.h>

#include "portalloc.h"

/*
 * Method: the seed's default media range, 36000-59999 minus the mux pair
 * 36000/36001, is 11,999 pairs.  One round takes all of them, then gives
 * all of them back; the figure is the round's time divided by 11,999, so
 * it is the cost of one take plus one give-back.  Between rounds the
 * allocator's clock jumps past the 60 s cool-down, so the takes of the next
 * round drain the cooled pairs back into the free set (up to 16 a take), as
 * in a relay that has run for a while.  The clock is the coarse monotonic
 * one that the allocator uses by default, plus that jump; two more runs
 * show what the clock costs (CLOCK_MONOTONIC, and no clock at all).
 *
 * Baselines, measured in the same run on the same count: a bare array
 * used as a stack, one function call per pop and per push (the floor for
 * any free list), and a naive allocator that scans a "used" array from the
 * start of the range for each take (what O(1) is meant to avoid).
 * Each figure is the best of REPEAT runs, the one least disturbed by
 * the other work of a shared machine.  Nothing here is asserted.
 */

#define PAIRS 11999
#define ROUNDS 300
#define WARMUP 5
#define NAIVE_ROUNDS 5
#define COOLDOWN_S 60
#define REPEAT 5

static volatile uint64_t sink;	/* keeps the loops from being dropped */

struct bench_clock {
	clockid_t id;		/* -1: no clock read, the offset only */
	uint64_t offset;	/* ms added: skips past the cool-down */
};

static uint64_t bench_clock_now(void *arg)
{
	struct bench_clock *bc = arg;
	struct timespec ts;

	if (bc->id == (clockid_t)-1)
		return bc->offset;
	clock_gettime(bc->id, &ts);

	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 +
		bc->offset;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double bench_portalloc(enum lk_port_order order, clockid_t id)
{
	static const uint16_t mux[] = { 36000, 36001 };
	static uint16_t held[PAIRS];
	struct bench_clock bc = { id, 0 };
	struct lk_portalloc_conf cfg;
	struct lk_portalloc *pa;
	uint64_t t0 = 0, sum = 0;
	unsigned r, i;

	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "bench";
	cfg.range.start = 36000;
	cfg.range.end = 59999;
	cfg.mode = LK_PORTALLOC_PAIRS;
	cfg.exclude = mux;
	cfg.nexclude = 2;
	cfg.cooldown = COOLDOWN_S;
	cfg.order = order;
	cfg.clockh = bench_clock_now;
	cfg.clock_arg = &bc;
	if (lk_portalloc_alloc(&pa, &cfg)) {
		fprintf(stderr, "lk_portalloc_alloc failed\n");
		exit(1);
	}

	for (r = 0; r < WARMUP + ROUNDS; r++) {
		if (r == WARMUP)
			t0 = now_ns();
		for (i = 0; i < PAIRS; i++) {
			if (lk_portalloc_take(pa, &held[i])) {
				fprintf(stderr, "take %u of round %u failed\n",
					i, r);
				exit(1);
			}
		}
		for (i = 0; i < PAIRS; i++) {
			sum += held[i];
			lk_portalloc_give(pa, held[i]);
		}
		bc.offset += COOLDOWN_S * 1000 + 1;
	}
	t0 = now_ns() - t0;
	sink = sum;
	mem_deref(pa);

	return (double)t0 / ((double)ROUNDS * PAIRS);
}

/*
 * The floor: a bare array used as a stack, one call per pop and per push
 * like the allocator's API (inlined, the compiler turns the loops into a
 * block copy at 0.2 ns a pair, which no allocator could be compared to).
 */
struct stack {
	unsigned n;
	uint16_t port[PAIRS];
};

static __attribute__((noinline)) int stack_pop(struct stack *s,
					       uint16_t *portp)
{
	if (!s->n)
		return 1;
	*portp = s->port[--s->n];
	return 0;
}

static __attribute__((noinline)) int stack_push(struct stack *s,
						uint16_t port)
{
	if (s->n == PAIRS)
		return 1;
	s->port[s->n++] = port;
	return 0;
}

static double bench_bare_stack(void)
{
	static struct stack st;
	static uint16_t held[PAIRS];
	uint64_t t0 = 0, sum = 0;
	unsigned r, i;

	for (i = 0; i < PAIRS; i++)
		stack_push(&st, (uint16_t)(36002 + 2 * i));

	for (r = 0; r < WARMUP + ROUNDS; r++) {
		if (r == WARMUP)
			t0 = now_ns();
		for (i = 0; i < PAIRS; i++)
			sum += (uint64_t)stack_pop(&st, &held[i]);
		for (i = 0; i < PAIRS; i++) {
			sum += held[i];
			sum += (uint64_t)stack_push(&st, held[i]);
		}
	}
	t0 = now_ns() - t0;
	sink = sum;

	return (double)t0 / ((double)ROUNDS * PAIRS);
}

/* The naive allocator: first unused pair from the start of the range. */
static double bench_naive_scan(void)
{
	static bool used[PAIRS];
	static uint16_t held[PAIRS];
	uint64_t t0 = 0, sum = 0;
	unsigned r, i, k;

	for (r = 0; r < 1 + NAIVE_ROUNDS; r++) {
		if (r == 1)
			t0 = now_ns();
		for (i = 0; i < PAIRS; i++) {
			for (k = 0; k < PAIRS && used[k]; k++)
				;
			used[k] = true;
			held[i] = (uint16_t)(36002 + 2 * k);
		}
		__asm__ volatile("" ::: "memory");
		for (i = 0; i < PAIRS; i++) {
			sum += held[i];
			used[(held[i] - 36002) / 2] = false;
		}
		__asm__ volatile("" ::: "memory");
	}
	t0 = now_ns() - t0;
	sink = sum;

	return (double)t0 / ((double)NAIVE_ROUNDS * PAIRS);
}

static double bench_clock_read(clockid_t id)
{
	struct timespec ts;
	uint64_t t0, sum = 0;
	unsigned i, n = 1000000;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		clock_gettime(id, &ts);
		sum += (uint64_t)ts.tv_nsec;
	}
	t0 = now_ns() - t0;
	sink = sum;

	return (double)t0 / n;
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

int main(void)
{
	double bare = 1e9, naive = 1e9, rnd = 1e9, seq = 1e9, rnd_nc = 1e9;
	double rnd_mono = 1e9, coarse = 1e9, mono = 1e9;
	unsigned k;

	for (k = 0; k < REPEAT; k++) {
		bare = min2(bare, bench_bare_stack());
		rnd = min2(rnd, bench_portalloc(LK_PORT_ORDER_RANDOM,
						CLOCK_MONOTONIC_COARSE));
		seq = min2(seq, bench_portalloc(LK_PORT_ORDER_SEQUENTIAL,
						CLOCK_MONOTONIC_COARSE));
		rnd_nc = min2(rnd_nc, bench_portalloc(LK_PORT_ORDER_RANDOM,
						      (clockid_t)-1));
		rnd_mono = min2(rnd_mono, bench_portalloc(LK_PORT_ORDER_RANDOM,
							  CLOCK_MONOTONIC));
		naive = min2(naive, bench_naive_scan());
		coarse = min2(coarse, bench_clock_read(CLOCK_MONOTONIC_COARSE));
		mono = min2(mono, bench_clock_read(CLOCK_MONOTONIC));
	}

	printf("bench_portalloc: media range 36000-59999 minus mux 36000/36001 "
	       "= %u pairs; a round takes all, then gives all back; "
	       "best of %u runs\n", PAIRS, REPEAT);
	printf("  %-44s %8.1f ns/pair  (%u rounds)\n",
	       "baseline: bare array stack, call per op", bare, ROUNDS);
	printf("  %-44s %8.1f ns/pair  (%u rounds)\n",
	       "baseline: naive scan from range start", naive, NAIVE_ROUNDS);
	printf("  %-44s %8.1f ns/pair  %6.1fx bare  %8.1fx faster than naive\n",
	       "portalloc random, coarse clock (the default)", rnd, rnd / bare,
	       naive / rnd);
	printf("  %-44s %8.1f ns/pair  %6.1fx bare  %8.1fx faster than naive\n",
	       "portalloc sequential, coarse clock", seq, seq / bare,
	       naive / seq);
	printf("  %-44s %8.1f ns/pair  %6.1fx bare  %8.1fx faster than naive\n",
	       "portalloc random, CLOCK_MONOTONIC", rnd_mono, rnd_mono / bare,
	       naive / rnd_mono);
	printf("  %-44s %8.1f ns/pair  %6.1fx bare  %8.1fx faster than naive\n",
	       "portalloc random, no clock read", rnd_nc, rnd_nc / bare,
	       naive / rnd_nc);
	printf("  clock_gettime: CLOCK_MONOTONIC_COARSE %.1f ns, "
	       "CLOCK_MONOTONIC %.1f ns per read (a pair reads it twice)\n",
	       coarse, mono);

	return 0;
}
