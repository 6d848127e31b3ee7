/* relay/portalloc.c  RTP/RTCP port pairs and single ports from a range. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <re.h>

#include "clock.h"
#include "log.h"
#include "portalloc.h"

/*
 * A "unit" is what one take hands out: a pair (RTP port base + 2 * unit)
 * or a single port (base + unit).  Every unit has a state byte, so that a
 * give-back is checked in O(1) and a wrong one never corrupts anything.
 *
 * The free units sit in a ring.  Sequential order takes from the head and
 * appends at the tail, which hands ports out ascending first, then
 * round-robin: a port is reused as late as possible.  Random order swaps a
 * uniformly chosen free unit to the head before taking it (one
 * Fisher-Yates step), so there is no next port to predict.
 *
 * Given-back units wait in a FIFO of (unit, ready time).  The cool-down is
 * the same for every unit and the clock never goes backwards, so the FIFO
 * is sorted by ready time and only its head needs looking at.  (A clock
 * that did go backwards would make ports come back late, never early.)
 */

enum unit_state {
	UNIT_FREE = 0,		/* never handed out */
	UNIT_HELD,
	UNIT_COOLING,
	UNIT_RETURNED,		/* free again after a give-back */
	UNIT_EXCLUDED,
};

struct cooling {
	uint64_t ready;		/* monotonic ms when it may go out again */
	uint32_t unit;
};

struct lk_portalloc {
	char name[32];
	uint16_t base;		/* port of unit 0 */
	unsigned shift;		/* port = base + (unit << shift) */
	uint32_t nunits;	/* units in the range, excluded ones too */
	uint32_t capacity;	/* units that can be handed out */
	enum lk_port_order order;
	uint64_t cooldown_ms;
	lk_portalloc_clock_h *clockh;
	void *clock_arg;
	uint64_t rng;

	uint8_t *state;		/* enum unit_state, per unit */
	uint32_t *freeq;	/* ring of `capacity` slots */
	uint32_t fhead;
	uint32_t nfree;
	struct cooling *coolq;	/* ring of `capacity` slots */
	uint32_t chead;
	uint32_t ncool;

	struct lk_portalloc_stats st;	/* counters; gauges filled on read */
};

/*
 * Cooled units moved back to the free ring per take, at most.  This keeps
 * a take O(1) in the worst case (a mass give-back of 11,999 pairs would
 * otherwise be drained by one unlucky take), while the free ring still
 * refills 16 times faster than takes empty it; an exhausted take always
 * drains at least the one unit it needs.
 */
#define DRAIN_BUDGET 16

static void portalloc_destructor(void *arg)
{
	struct lk_portalloc *pa = arg;

	mem_deref(pa->state);
	mem_deref(pa->freeq);
	mem_deref(pa->coolq);
}

/*
 * The project's one clock (common/clock.h, CLOCK_MONOTONIC_COARSE): a
 * cool-down is counted in seconds, and a pair reads the clock twice (its
 * give-back, then the take that drains it).
 * perf/bench_portalloc measured 4-6 ns a read against 18 ns for
 * CLOCK_MONOTONIC, and 14 ns against 31 ns for a pair's take + give-back.
 * It lags by up to a tick (1-10 ms, the kernel's HZ), so
 * lk_portalloc_alloc() adds one tick to the cool-down.
 */
static uint64_t clock_coarse_ms(void *arg)
{
	(void)arg;

	return lk_clock_ms();
}

/* The coarse clock's tick in ms, rounded up. */
static uint64_t clock_coarse_tick_ms(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res))
		return 10;

	return (uint64_t)res.tv_sec * 1000 +
		((uint64_t)res.tv_nsec + 999999) / 1000000;
}

/*
 * splitmix64: about a nanosecond a number, which a take can afford, where
 * getrandom() per take (a system call) could not.  It is not a
 * cryptographic generator: the aim is that no one can guess the next port
 * from the last one, as they could with last + 2.
 */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;

	return z ^ (z >> 31);
}

/* Multiply-shift instead of %: no division; bias below n / 2^32. */
static uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * n) >> 32);
}

static uint64_t rng_seed(void)
{
	struct timespec ts;
	uint64_t seed;
	int err;

	/*
	 * GRND_NONBLOCK: a relay started before the pool is initialised
	 * must not hang at start; it falls back to a weaker seed instead.
	 */
	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) ==
	    (ssize_t)sizeof(seed))
		return seed;
	err = errno;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	seed ^= (uint64_t)getpid() << 32;
	seed ^= (uint64_t)(uintptr_t)&ts;
	lk_warn("getrandom() failed (%s): port order seeded from the clock",
		strerror(err));

	return seed;
}

static inline uint32_t ring_next(uint32_t i, uint32_t size)
{
	/* A compare instead of %: the ring size is not a power of two. */
	return ++i == size ? 0 : i;
}

static inline uint32_t ring_at(uint32_t head, uint32_t off, uint32_t size)
{
	uint32_t i = head + off;

	return i >= size ? i - size : i;
}

static inline void free_push(struct lk_portalloc *pa, uint32_t unit)
{
	pa->freeq[ring_at(pa->fhead, pa->nfree, pa->capacity)] = unit;
	++pa->nfree;
	pa->state[unit] = UNIT_RETURNED;
}

/* Back at the head, as it was: for a unit taken but not used. */
static inline void free_unshift(struct lk_portalloc *pa, uint32_t unit,
				uint8_t state)
{
	pa->fhead = pa->fhead ? pa->fhead - 1 : pa->capacity - 1;
	pa->freeq[pa->fhead] = unit;
	++pa->nfree;
	pa->state[unit] = state;
}

static inline void cool_push(struct lk_portalloc *pa, uint32_t unit)
{
	struct cooling *c;

	c = &pa->coolq[ring_at(pa->chead, pa->ncool, pa->capacity)];
	/* No cool-down, no clock read: ready at once. */
	c->ready = pa->cooldown_ms ?
		pa->clockh(pa->clock_arg) + pa->cooldown_ms : 0;
	c->unit = unit;
	++pa->ncool;
	pa->state[unit] = UNIT_COOLING;
}

static void cool_drain(struct lk_portalloc *pa, uint32_t budget)
{
	uint64_t now;

	/* The clock is read only when something cools down. */
	if (!pa->ncool)
		return;
	now = pa->cooldown_ms ? pa->clockh(pa->clock_arg) : 0;

	while (pa->ncool && budget--) {
		const struct cooling *c = &pa->coolq[pa->chead];

		if (c->ready > now)
			break;
		free_push(pa, c->unit);
		pa->chead = ring_next(pa->chead, pa->capacity);
		--pa->ncool;
	}
}

static int unit_take(struct lk_portalloc *pa, uint32_t *unitp,
		     uint8_t *prevp)
{
	uint32_t unit;

	cool_drain(pa, DRAIN_BUDGET);

	if (!pa->nfree) {
		++pa->st.exhausted;
		if (pa->ncool)
			++pa->st.exhausted_cooling;
		lk_warn_limited("%s ports exhausted: %u held, %u cooling down",
				pa->name, pa->capacity - pa->ncool,
				pa->ncool);
		return ENOSPC;	/* caller answers "Ran out of ports" */
	}

	if (pa->order == LK_PORT_ORDER_RANDOM && pa->nfree > 1) {
		uint32_t j = ring_at(pa->fhead, rng_below(&pa->rng, pa->nfree),
				     pa->capacity);

		unit = pa->freeq[j];
		pa->freeq[j] = pa->freeq[pa->fhead];
	}
	else {
		unit = pa->freeq[pa->fhead];
	}
	pa->fhead = ring_next(pa->fhead, pa->capacity);
	--pa->nfree;
	*prevp = pa->state[unit];
	pa->state[unit] = UNIT_HELD;
	*unitp = unit;

	return 0;
}

static inline uint16_t unit_port(const struct lk_portalloc *pa, uint32_t unit)
{
	return (uint16_t)(pa->base + (unit << pa->shift));
}

int lk_portalloc_conf_init(struct lk_portalloc_conf *cfg,
			   const struct lk_conf *conf,
			   enum lk_portalloc_use use)
{
	struct lk_portalloc_conf c;

	if (!cfg || !conf)
		return EINVAL;

	memset(&c, 0, sizeof(c));
	c.mode = LK_PORTALLOC_SINGLES;
	switch (use) {

	case LK_PORTALLOC_MEDIA:
		c.name = "media";
		c.range = conf->media;
		c.mode = LK_PORTALLOC_PAIRS;
		break;

	case LK_PORTALLOC_TURN_RELAY:
		c.name = "TURN relay";
		c.range = conf->turn_relay;
		break;

	case LK_PORTALLOC_SIP_TCP_OUT:
		c.name = "SIP TCP outbound";
		c.range = conf->sip_tcp_out;
		break;

	case LK_PORTALLOC_H323_CALLSIG:
		c.name = "H.323 call signalling";
		c.range = conf->h323_callsig;
		break;

	case LK_PORTALLOC_UDP_EPHEMERAL:
		c.name = "UDP ephemeral";
		c.range = conf->udp_ephemeral;
		break;

	case LK_PORTALLOC_TCP_EPHEMERAL:
		c.name = "TCP ephemeral";
		c.range = conf->tcp_ephemeral;
		break;

	default:
		return EINVAL;
	}

	/*
	 * The mux ports are bound for the daemon's whole life, so handing
	 * one out from any range could only ever fail to bind.  They lie
	 * inside the media range by default (seed, footnote **).
	 */
	c.exclude = conf->mux_ports;
	c.nexclude = conf->nmux <= LK_MUX_PORTS_MAX ? conf->nmux
						    : LK_MUX_PORTS_MAX;
	c.cooldown = conf->port_cooldown;
	c.order = conf->port_order;

	*cfg = c;

	return 0;
}

int lk_portalloc_alloc(struct lk_portalloc **pap,
		       const struct lk_portalloc_conf *cfg)
{
	struct lk_portalloc *pa;
	uint32_t nunits, nexcl = 0, unit, i;
	unsigned shift;
	uint16_t base;
	int err = 0;

	if (!pap || !cfg)
		return EINVAL;
	if (!cfg->range.start || cfg->range.start > cfg->range.end)
		return EINVAL;
	if (cfg->order != LK_PORT_ORDER_RANDOM &&
	    cfg->order != LK_PORT_ORDER_SEQUENTIAL)
		return EINVAL;
	if (cfg->nexclude && !cfg->exclude)
		return EINVAL;

	switch (cfg->mode) {

	case LK_PORTALLOC_PAIRS:
		/* RTP on the even port, RTCP above it (RFC 3550 s.11). */
		shift = 1;
		base = (uint16_t)(cfg->range.start + (cfg->range.start & 1));
		if (base < cfg->range.start || base >= cfg->range.end)
			return EINVAL;
		nunits = ((uint32_t)cfg->range.end - base + 1) / 2;
		break;

	case LK_PORTALLOC_SINGLES:
		shift = 0;
		base = cfg->range.start;
		nunits = (uint32_t)cfg->range.end - base + 1;
		break;

	default:
		return EINVAL;
	}

	pa = mem_zalloc(sizeof(*pa), portalloc_destructor);
	if (!pa)
		return ENOMEM;

	pa->state = mem_zalloc(nunits, NULL);
	if (!pa->state) {
		err = ENOMEM;
		goto out;
	}

	/* A pair is excluded when either of its two ports is. */
	for (i = 0; i < cfg->nexclude; i++) {
		uint16_t p = cfg->exclude[i];

		if (p < base)
			continue;
		unit = ((uint32_t)p - base) >> shift;
		if (unit >= nunits || pa->state[unit] == UNIT_EXCLUDED)
			continue;
		pa->state[unit] = UNIT_EXCLUDED;
		++nexcl;
	}
	if (nexcl == nunits) {
		err = EINVAL;	/* nothing left to hand out */
		goto out;
	}

	pa->capacity = nunits - nexcl;
	pa->freeq = mem_alloc(pa->capacity * sizeof(*pa->freeq), NULL);
	pa->coolq = mem_alloc(pa->capacity * sizeof(*pa->coolq), NULL);
	if (!pa->freeq || !pa->coolq) {
		err = ENOMEM;
		goto out;
	}

	/* Ascending, which is what sequential order hands out first. */
	for (unit = 0; unit < nunits; unit++) {
		if (pa->state[unit] != UNIT_EXCLUDED)
			pa->freeq[pa->nfree++] = unit;
	}

	snprintf(pa->name, sizeof(pa->name), "%s",
		 cfg->name ? cfg->name : "port");
	pa->base = base;
	pa->shift = shift;
	pa->nunits = nunits;
	pa->order = cfg->order;
	pa->cooldown_ms = (uint64_t)cfg->cooldown * 1000;
	if (cfg->clockh) {
		pa->clockh = cfg->clockh;
		pa->clock_arg = cfg->clock_arg;
	}
	else {
		pa->clockh = clock_coarse_ms;
		if (pa->cooldown_ms)
			pa->cooldown_ms += clock_coarse_tick_ms();
	}
	pa->rng = cfg->seed ? cfg->seed : rng_seed();

 out:
	if (err)
		mem_deref(pa);
	else
		*pap = pa;

	return err;
}

int lk_portalloc_take(struct lk_portalloc *pa, uint16_t *portp)
{
	uint32_t unit;
	uint8_t prev;
	int err;

	if (!pa || !portp)
		return EINVAL;

	err = unit_take(pa, &unit, &prev);
	if (err)
		return err;

	++pa->st.taken;
	*portp = unit_port(pa, unit);

	return 0;
}

int lk_portalloc_take_bound(struct lk_portalloc *pa,
			    lk_portalloc_bind_h *bindh, void *arg,
			    uint16_t *portp)
{
	uint32_t unit;
	unsigned tries;
	int err = EADDRINUSE;

	if (!pa || !bindh || !portp)
		return EINVAL;

	/*
	 * Bounded: on a host where something holds many ports of the range
	 * a take must still end quickly; the conflicting ports cool down, so
	 * the next take starts on different ones.
	 */
	for (tries = 0; tries < LK_PORTALLOC_BIND_TRIES; tries++) {
		uint16_t port;
		uint8_t prev;

		err = unit_take(pa, &unit, &prev);
		if (err)
			return err;

		port = unit_port(pa, unit);
		err = bindh(port, arg);
		if (!err) {
			++pa->st.taken;
			*portp = port;
			return 0;
		}
		if (err != EADDRINUSE) {
			/* Not this port's fault: it stays first in line. */
			free_unshift(pa, unit, prev);
			return err;
		}

		++pa->st.bind_conflicts;
		lk_warn_limited("%s port %u is taken by another socket on this "
				"host: skipped (is it inside the kernel's "
				"ephemeral range?)", pa->name, port);
		cool_push(pa, unit);
	}

	return err;
}

int lk_portalloc_give(struct lk_portalloc *pa, uint16_t port)
{
	uint32_t unit;

	if (!pa)
		return EINVAL;

	if (port < pa->base || ((port - pa->base) & ((1u << pa->shift) - 1)))
		goto bad;
	unit = ((uint32_t)port - pa->base) >> pa->shift;
	if (unit >= pa->nunits)
		goto bad;

	switch (pa->state[unit]) {

	case UNIT_HELD:
		break;

	case UNIT_COOLING:
	case UNIT_RETURNED:
		++pa->st.bad_giveback;
		return EALREADY;

	default:
		goto bad;
	}

	cool_push(pa, unit);
	++pa->st.given_back;

	return 0;

 bad:
	++pa->st.bad_giveback;
	return EINVAL;
}

int lk_portalloc_stats(struct lk_portalloc *pa, struct lk_portalloc_stats *st)
{
	if (!pa || !st)
		return EINVAL;

	/* Not the hot path: drain every unit whose cool-down is over. */
	cool_drain(pa, UINT32_MAX);

	*st = pa->st;
	st->capacity = pa->capacity;
	st->nfree = pa->nfree;
	st->ncooling = pa->ncool;
	st->nheld = pa->capacity - pa->nfree - pa->ncool;

	return 0;
}

const char *lk_portalloc_name(const struct lk_portalloc *pa)
{
	return pa ? pa->name : NULL;
}
