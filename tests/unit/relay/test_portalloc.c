/* tests/unit/relay/test_portalloc.c  Port pairs and singles from ranges. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <re.h>

#include "conf.h"
#include "portalloc.h"

/* The seed's media range, and the 11,999 pairs it gives on Small/Medium. */
#define MEDIA_START 36000
#define MEDIA_END 59999
#define MEDIA_PAIRS 11999

static const uint16_t mux_small[] = { 36000, 36001 };

struct fakeclock {
	uint64_t now;	/* ms */
};

static uint64_t fakeclock_now(void *arg)
{
	return ((struct fakeclock *)arg)->now;
}

static void cfg_init(struct lk_portalloc_conf *cfg, struct fakeclock *fc,
		     uint16_t start, uint16_t end, enum lk_portalloc_mode mode,
		     enum lk_port_order order)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = "test";
	cfg->range.start = start;
	cfg->range.end = end;
	cfg->mode = mode;
	cfg->cooldown = 10;
	cfg->order = order;
	cfg->clockh = fakeclock_now;
	cfg->clock_arg = fc;
}

static void media_cfg(struct lk_portalloc_conf *cfg, struct fakeclock *fc,
		      enum lk_port_order order)
{
	cfg_init(cfg, fc, MEDIA_START, MEDIA_END, LK_PORTALLOC_PAIRS, order);
	cfg->exclude = mux_small;
	cfg->nexclude = 2;
}

static struct lk_portalloc *alloc_ok(const struct lk_portalloc_conf *cfg)
{
	struct lk_portalloc *pa = NULL;

	assert_int_equal(0, lk_portalloc_alloc(&pa, cfg));
	assert_non_null(pa);

	return pa;
}

static struct lk_portalloc_stats stats_of(struct lk_portalloc *pa)
{
	struct lk_portalloc_stats st;

	assert_int_equal(0, lk_portalloc_stats(pa, &st));
	assert_int_equal(st.capacity, st.nheld + st.nfree + st.ncooling);

	return st;
}

/*
 * Hold every pair of the default media range at once: each inside the
 * range, even, its RTCP port inside too, none a mux port, none twice;
 * then ENOSPC at exactly 11,999; then every one given back.
 */
static void hold_whole_media_range(enum lk_port_order order)
{
	struct lk_portalloc_conf cfg;
	struct lk_portalloc_stats st;
	struct fakeclock fc = { 1000 };
	struct lk_portalloc *pa;
	static uint16_t held[MEDIA_PAIRS];
	static bool seen[65536];
	uint16_t port;
	unsigned i;

	memset(seen, 0, sizeof(seen));
	media_cfg(&cfg, &fc, order);
	pa = alloc_ok(&cfg);
	assert_int_equal(MEDIA_PAIRS, stats_of(pa).capacity);

	for (i = 0; i < MEDIA_PAIRS; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		assert_true(port >= 36002 && port <= 59998);
		assert_int_equal(0, port % 2);
		assert_true(port + 1 <= MEDIA_END);
		assert_false(seen[port]);
		assert_false(seen[port + 1]);
		seen[port] = seen[port + 1] = true;
		held[i] = port;
	}
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));

	st = stats_of(pa);
	assert_int_equal(MEDIA_PAIRS, st.nheld);
	assert_int_equal(0, st.nfree);
	assert_int_equal(MEDIA_PAIRS, st.taken);
	assert_int_equal(2, st.exhausted);
	assert_int_equal(0, st.exhausted_cooling);

	for (i = 0; i < MEDIA_PAIRS; i++)
		assert_int_equal(0, lk_portalloc_give(pa, held[i]));

	st = stats_of(pa);
	assert_int_equal(0, st.nheld);
	assert_int_equal(MEDIA_PAIRS, st.ncooling);
	assert_int_equal(MEDIA_PAIRS, st.given_back);

	/* All cooling down: still exhaustion, counted as such. */
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	assert_int_equal(1, stats_of(pa).exhausted_cooling);

	fc.now += 10 * 1000;
	st = stats_of(pa);
	assert_int_equal(MEDIA_PAIRS, st.nfree);
	assert_int_equal(0, st.ncooling);

	/* And the whole range can be held a second time. */
	for (i = 0; i < MEDIA_PAIRS; i++)
		assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));

	mem_deref(pa);
}

static void whole_default_media_range_random(void **state)
{
	(void)state;
	hold_whole_media_range(LK_PORT_ORDER_RANDOM);
}

static void whole_default_media_range_sequential(void **state)
{
	(void)state;
	hold_whole_media_range(LK_PORT_ORDER_SEQUENTIAL);
}

/* Large systems: the first 12 ports are mux only (seed, footnote **). */
static void large_system_mux_ports_excluded(void **state)
{
	static const uint16_t mux_large[] = {
		36000, 36001, 36002, 36003, 36004, 36005,
		36006, 36007, 36008, 36009, 36010, 36011,
	};
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port, min = 65535;
	unsigned i;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_RANDOM);
	cfg.exclude = mux_large;
	cfg.nexclude = 12;
	pa = alloc_ok(&cfg);
	assert_int_equal(11994, stats_of(pa).capacity);
	for (i = 0; i < 11994; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		if (port < min)
			min = port;
	}
	assert_int_equal(36012, min);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);
}

/* Mux ports outside the range (pre-X8: 2776/2777) take nothing away. */
static void mux_ports_outside_the_range(void **state)
{
	static const uint16_t mux_prex8[] = { 2776, 2777 };
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_SEQUENTIAL);
	cfg.exclude = mux_prex8;
	pa = alloc_ok(&cfg);
	assert_int_equal(12000, stats_of(pa).capacity);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36000, port);
	mem_deref(pa);
}

/* A range with odd ends: pairs only where both ports fit. */
static void odd_range_ends(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port;

	(void)state;
	cfg_init(&cfg, &fc, 36001, 36010, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);
	assert_int_equal(4, stats_of(pa).capacity);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36002, port);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36008, port);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);

	/* The smallest: one pair. */
	cfg_init(&cfg, &fc, 40000, 40001, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	pa = alloc_ok(&cfg);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(40000, port);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);

	/* The top of the port space. */
	cfg_init(&cfg, &fc, 65530, 65535, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);
	assert_int_equal(3, stats_of(pa).capacity);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(65534, port);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);
}

static void small_range_exhausts_at_capacity(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port;
	unsigned i;

	(void)state;
	cfg_init(&cfg, &fc, 40000, 40019, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	pa = alloc_ok(&cfg);
	for (i = 0; i < 10; i++)
		assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	assert_int_equal(1, stats_of(pa).exhausted);
	mem_deref(pa);
}

/* Singles: TURN relay 24000-29999 gives 6000 ports, each once. */
static void singles_turn_relay_range(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	static bool seen[65536];
	unsigned i, odd = 0;
	uint16_t port;

	(void)state;
	memset(seen, 0, sizeof(seen));
	cfg_init(&cfg, &fc, 24000, 29999, LK_PORTALLOC_SINGLES,
		 LK_PORT_ORDER_RANDOM);
	pa = alloc_ok(&cfg);
	assert_int_equal(6000, stats_of(pa).capacity);
	for (i = 0; i < 6000; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		assert_true(port >= 24000 && port <= 29999);
		assert_false(seen[port]);
		seen[port] = true;
		odd += port & 1;
	}
	assert_int_equal(3000, odd);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);
}

/*
 * A port given back is not handed out before its cool-down is over, even
 * when it is the only one left, and is handed out once it is.
 */
static void cooldown_respected(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 5000 };
	struct lk_portalloc *pa;
	uint16_t port, first, held[10];
	unsigned i;

	(void)state;
	cfg_init(&cfg, &fc, 40000, 40019, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	cfg.cooldown = 10;
	pa = alloc_ok(&cfg);

	assert_int_equal(0, lk_portalloc_take(pa, &first));
	assert_int_equal(0, lk_portalloc_give(pa, first));

	/* The other nine come out; the cooling one does not. */
	for (i = 0; i < 9; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &held[i]));
		assert_int_not_equal(first, held[i]);
	}
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	assert_int_equal(1, stats_of(pa).exhausted_cooling);

	fc.now += 10 * 1000 - 1;
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));

	fc.now += 1;
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(first, port);
	mem_deref(pa);
}

/* Zero cool-down: a port given back is free again at once. */
static void cooldown_zero(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port, again;

	(void)state;
	cfg_init(&cfg, &fc, 40000, 40001, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	cfg.cooldown = 0;
	cfg.clockh = NULL;	/* the real clock, which is never read here */
	pa = alloc_ok(&cfg);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_give(pa, port));
	assert_int_equal(0, lk_portalloc_take(pa, &again));
	assert_int_equal(port, again);
	mem_deref(pa);
}

/* The default clock: a pair given back is not at once free again. */
static void cooldown_default_clock(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port;

	(void)state;
	cfg_init(&cfg, &fc, 40000, 40001, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	cfg.cooldown = 1;
	cfg.clockh = NULL;
	pa = alloc_ok(&cfg);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(0, lk_portalloc_give(pa, port));
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	assert_int_equal(1, stats_of(pa).ncooling);
	mem_deref(pa);
}

/* Random order: the first 100 pairs are not ascending and spread out. */
static void random_order_is_not_sequential(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa, *pb;
	uint16_t port, prev = 0, pb_port, min = 65535, max = 0;
	bool ascending = true, same = true;
	unsigned i;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_RANDOM);
	pa = alloc_ok(&cfg);
	pb = alloc_ok(&cfg);	/* seeded from getrandom() too */
	for (i = 0; i < 100; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		assert_int_equal(0, lk_portalloc_take(pb, &pb_port));
		if (i && port <= prev)
			ascending = false;
		if (port != pb_port)
			same = false;
		if (port < min)
			min = port;
		if (port > max)
			max = port;
		prev = port;
	}
	assert_false(ascending);
	assert_false(same);
	/* P(all 100 in one 5/6 of the range) = (5/6)^100, about 1e-8. */
	assert_true(min < 40000);
	assert_true(max > 56000);
	mem_deref(pa);
	mem_deref(pb);
}

/* A fixed seed gives the same order: reproducible lab runs. */
static void fixed_seed_repeats(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa, *pb;
	uint16_t a, b;
	unsigned i;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_RANDOM);
	cfg.seed = 42;
	pa = alloc_ok(&cfg);
	pb = alloc_ok(&cfg);
	for (i = 0; i < 1000; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &a));
		assert_int_equal(0, lk_portalloc_take(pb, &b));
		assert_int_equal(a, b);
	}
	mem_deref(pa);
	mem_deref(pb);
}

/*
 * Sequential order: ascending from the first port after the mux pair,
 * then round-robin: a port given back comes after every port not yet used.
 */
static void sequential_order_ascends_then_round_robin(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port;
	unsigned i;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_SEQUENTIAL);
	cfg.cooldown = 0;
	pa = alloc_ok(&cfg);
	for (i = 0; i < 100; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		assert_int_equal(36002 + 2 * i, port);
	}
	assert_int_equal(0, lk_portalloc_give(pa, 36002));
	assert_int_equal(0, lk_portalloc_give(pa, 36010));
	for (i = 100; i < MEDIA_PAIRS; i++) {
		assert_int_equal(0, lk_portalloc_take(pa, &port));
		assert_int_equal(36002 + 2 * i, port);
	}
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36002, port);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36010, port);
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &port));
	mem_deref(pa);
}

/* Wrong give-backs are refused, counted, and change nothing. */
static void bad_giveback_refused(void **state)
{
	struct lk_portalloc_conf cfg;
	struct lk_portalloc_stats st;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	uint16_t port, other;
	unsigned i;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36002, port);

	assert_int_equal(0, lk_portalloc_give(pa, port));
	assert_int_equal(EALREADY, lk_portalloc_give(pa, port));
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 36004)); /* free */
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 36005)); /* RTCP */
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 36000)); /* mux */
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 35998)); /* below */
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 60000)); /* above */
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 0));
	assert_int_equal(EINVAL, lk_portalloc_give(pa, 65535));

	st = stats_of(pa);
	assert_int_equal(8, st.bad_giveback);
	assert_int_equal(1, st.given_back);
	assert_int_equal(1, st.ncooling);
	assert_int_equal(0, st.nheld);

	/* Cooled and free again: still EALREADY, before and after a drain. */
	fc.now += 10 * 1000;
	assert_int_equal(EALREADY, lk_portalloc_give(pa, port));
	st = stats_of(pa);	/* drains it into the free set */
	assert_int_equal(0, st.ncooling);
	assert_int_equal(EALREADY, lk_portalloc_give(pa, port));
	st = stats_of(pa);
	assert_int_equal(10, st.bad_giveback);
	assert_int_equal(0, st.ncooling);
	assert_int_equal(MEDIA_PAIRS, st.nfree);

	/* The state is whole: exactly the capacity can be held. */
	for (i = 0; i < MEDIA_PAIRS; i++)
		assert_int_equal(0, lk_portalloc_take(pa, &other));
	assert_int_equal(ENOSPC, lk_portalloc_take(pa, &other));

	assert_int_equal(EINVAL, lk_portalloc_give(NULL, port));
	assert_int_equal(EINVAL, lk_portalloc_take(pa, NULL));
	assert_int_equal(EINVAL, lk_portalloc_take(NULL, &other));
	mem_deref(pa);
}

static void bad_configuration_refused(void **state)
{
	static const uint16_t all[] = { 40000, 40001, 40003 };
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa = (struct lk_portalloc *)&fc;

	(void)state;
	cfg_init(&cfg, &fc, 0, 100, LK_PORTALLOC_SINGLES,
		 LK_PORT_ORDER_RANDOM);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));

	cfg_init(&cfg, &fc, 40010, 40000, LK_PORTALLOC_SINGLES,
		 LK_PORT_ORDER_RANDOM);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));

	/* A pair needs two ports. */
	cfg_init(&cfg, &fc, 40000, 40000, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));
	cfg_init(&cfg, &fc, 65535, 65535, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));

	/* Nothing left once the excluded ports are out. */
	cfg_init(&cfg, &fc, 40000, 40003, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	cfg.exclude = all;
	cfg.nexclude = 3;
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));

	cfg_init(&cfg, &fc, 40000, 40003, (enum lk_portalloc_mode)7,
		 LK_PORT_ORDER_RANDOM);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));
	cfg_init(&cfg, &fc, 40000, 40003, LK_PORTALLOC_PAIRS,
		 (enum lk_port_order)7);
	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, &cfg));

	assert_int_equal(EINVAL, lk_portalloc_alloc(&pa, NULL));
	assert_int_equal(EINVAL, lk_portalloc_alloc(NULL, &cfg));

	/* The out-parameter is written only on success. */
	assert_ptr_equal((struct lk_portalloc *)&fc, pa);
}

/* The configuration's ranges, pairs for media, mux excluded everywhere. */
static void conf_init_from_conf(void **state)
{
	struct lk_portalloc_conf cfg, untouched;
	struct lk_conf conf;
	struct lk_portalloc *pa;
	uint16_t port;

	(void)state;
	memset(&conf, 0, sizeof(conf));
	conf.media.start = MEDIA_START;
	conf.media.end = MEDIA_END;
	conf.turn_relay.start = 24000;
	conf.turn_relay.end = 29999;
	conf.sip_tcp_out.start = 25000;
	conf.sip_tcp_out.end = 29999;
	conf.h323_callsig.start = 15000;
	conf.h323_callsig.end = 19999;
	conf.udp_ephemeral.start = 30000;
	conf.udp_ephemeral.end = 35999;
	conf.tcp_ephemeral = conf.udp_ephemeral;
	conf.nmux = 2;
	conf.mux_ports[0] = 36000;
	conf.mux_ports[1] = 36001;
	conf.port_cooldown = 60;
	conf.port_order = LK_PORT_ORDER_SEQUENTIAL;

	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_MEDIA));
	assert_int_equal(LK_PORTALLOC_PAIRS, cfg.mode);
	assert_int_equal(60, cfg.cooldown);
	assert_int_equal(LK_PORT_ORDER_SEQUENTIAL, cfg.order);
	pa = alloc_ok(&cfg);
	assert_string_equal("media", lk_portalloc_name(pa));
	assert_int_equal(MEDIA_PAIRS, stats_of(pa).capacity);
	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36002, port);
	mem_deref(pa);

	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_TURN_RELAY));
	assert_int_equal(LK_PORTALLOC_SINGLES, cfg.mode);
	pa = alloc_ok(&cfg);
	assert_int_equal(6000, stats_of(pa).capacity);
	mem_deref(pa);

	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_H323_CALLSIG));
	pa = alloc_ok(&cfg);
	assert_int_equal(5000, stats_of(pa).capacity);
	mem_deref(pa);

	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_TCP_EPHEMERAL));
	pa = alloc_ok(&cfg);
	assert_int_equal(6000, stats_of(pa).capacity);
	mem_deref(pa);

	memset(&untouched, 0xa5, sizeof(untouched));
	cfg = untouched;
	assert_int_equal(EINVAL, lk_portalloc_conf_init(&cfg, &conf,
					(enum lk_portalloc_use)99));
	assert_memory_equal(&untouched, &cfg, sizeof(cfg));
}

/* The defaults of config/conf_keys.c give the seed's 11,999 pairs. */
static void conf_defaults_give_11999_pairs(void **state)
{
	static struct lk_conf conf;
	static struct lk_conf_diag diag;
	struct lk_portalloc_conf cfg;
	struct lk_portalloc *pa;

	(void)state;
	assert_int_equal(0, lk_conf_load(&conf, NULL, &diag));
	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_MEDIA));
	pa = alloc_ok(&cfg);
	assert_int_equal(MEDIA_PAIRS, stats_of(pa).capacity);
	mem_deref(pa);

	assert_int_equal(0, lk_portalloc_conf_init(&cfg, &conf,
						   LK_PORTALLOC_TURN_RELAY));
	pa = alloc_ok(&cfg);
	assert_int_equal(6000, stats_of(pa).capacity);
	mem_deref(pa);
}

/*
 * Many random takes, give-backs and clock steps against a model: no port
 * twice, none outside the range, none before its cool-down, and ENOSPC
 * exactly when the model has no port ready.
 */
static void random_operations_match_a_model(void **state)
{
	enum { NPAIRS = 24, COOL_MS = 5000 };
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 1 };
	struct lk_portalloc *pa;
	bool held[NPAIRS] = { false };
	uint64_t given[NPAIRS] = { 0 };
	bool ever[NPAIRS] = { false };
	uint64_t rnd = 12345;
	unsigned i, k, ready;
	uint16_t port;
	int err;

	(void)state;
	cfg_init(&cfg, &fc, 50000, 50000 + 2 * NPAIRS - 1, LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_RANDOM);
	cfg.cooldown = COOL_MS / 1000;
	pa = alloc_ok(&cfg);

	for (i = 0; i < 200000; i++) {
		rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL;
		switch ((rnd >> 33) % 4) {

		case 0:
		case 1:
			ready = 0;
			for (k = 0; k < NPAIRS; k++) {
				if (!held[k] && (!ever[k] ||
				    fc.now - given[k] >= COOL_MS))
					++ready;
			}
			err = lk_portalloc_take(pa, &port);
			if (!ready) {
				assert_int_equal(ENOSPC, err);
				break;
			}
			assert_int_equal(0, err);
			assert_true(port >= 50000 && port % 2 == 0);
			k = (port - 50000) / 2;
			assert_true(k < NPAIRS);
			assert_false(held[k]);
			assert_true(!ever[k] || fc.now - given[k] >= COOL_MS);
			held[k] = true;
			break;

		case 2:
			k = (unsigned)(rnd >> 40) % NPAIRS;
			err = lk_portalloc_give(pa, (uint16_t)(50000 + 2 * k));
			if (held[k]) {
				assert_int_equal(0, err);
				held[k] = false;
				ever[k] = true;
				given[k] = fc.now;
			}
			else {
				assert_true(err == EINVAL || err == EALREADY);
			}
			break;

		default:
			fc.now += (rnd >> 40) % 700;
			break;
		}
	}
	mem_deref(pa);
}

/* Binding real sockets on 127.0.0.1 --------------------------------- */

struct binder {
	bool pairs;
	unsigned calls;
	unsigned n;
	int fd[32];
};

/* A UDP socket bound to 127.0.0.1:port, or a negative errno. */
static int udp_bind(uint16_t port)
{
	struct sockaddr_in sin;
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = errno;
		close(fd);
		return -err;
	}

	return fd;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(0, getsockname(fd, (struct sockaddr *)&sin, &len));

	return ntohs(sin.sin_port);
}

/* The shape of the relay's handler: RTP and RTCP both, or neither. */
static int binder_bind(uint16_t port, void *arg)
{
	struct binder *b = arg;
	int rtp, rtcp;

	++b->calls;
	rtp = udp_bind(port);
	if (rtp < 0)
		return -rtp;
	if (!b->pairs) {
		b->fd[b->n++] = rtp;
		return 0;
	}
	rtcp = udp_bind((uint16_t)(port + 1));
	if (rtcp < 0) {
		close(rtp);
		return -rtcp;
	}
	b->fd[b->n++] = rtp;
	b->fd[b->n++] = rtcp;

	return 0;
}

static void binder_close(struct binder *b)
{
	while (b->n)
		close(b->fd[--b->n]);
}

/*
 * `n` consecutive ports that bind on 127.0.0.1 right now, below the
 * kernel's default ephemeral range so that nothing takes one meanwhile.
 */
static uint16_t find_free_ports(unsigned n)
{
	uint16_t start;
	int fds[32];
	unsigned i, k;

	assert_true(n <= 32);
	for (start = 21000; start < 23000; start += 64) {
		for (i = 0; i < n; i++) {
			fds[i] = udp_bind((uint16_t)(start + i));
			if (fds[i] < 0)
				break;
		}
		for (k = 0; k < i; k++)
			close(fds[k]);
		if (i == n)
			return start;
	}
	fail_msg("no %u free consecutive UDP ports on 127.0.0.1", n);

	return 0;
}

/*
 * Ports held by another socket are skipped and counted, whether the RTP
 * or the RTCP port is the one taken, and the caller gets bound sockets.
 */
static void bind_conflict_skips_to_next(void **state)
{
	struct lk_portalloc_conf cfg;
	struct lk_portalloc_stats st;
	struct fakeclock fc = { 0 };
	struct binder b = { .pairs = true };
	struct lk_portalloc *pa;
	int block_rtcp, block_rtp;
	uint16_t base, port;

	(void)state;
	base = find_free_ports(10);
	cfg_init(&cfg, &fc, base, (uint16_t)(base + 9), LK_PORTALLOC_PAIRS,
		 LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);

	block_rtcp = udp_bind((uint16_t)(base + 3));	/* pair 2's RTCP */
	block_rtp = udp_bind((uint16_t)(base + 6));	/* pair 4's RTP */
	assert_true(block_rtcp >= 0 && block_rtp >= 0);

	assert_int_equal(0, lk_portalloc_take_bound(pa, binder_bind, &b,
						    &port));
	assert_int_equal(base, port);
	assert_int_equal(2, b.n);
	assert_int_equal(base, bound_port(b.fd[0]));
	assert_int_equal(base + 1, bound_port(b.fd[1]));

	assert_int_equal(0, lk_portalloc_take_bound(pa, binder_bind, &b,
						    &port));
	assert_int_equal(base + 4, port);
	assert_int_equal(4, b.n);
	assert_int_equal(base + 4, bound_port(b.fd[2]));
	assert_int_equal(base + 5, bound_port(b.fd[3]));
	assert_int_equal(1, stats_of(pa).bind_conflicts);

	assert_int_equal(0, lk_portalloc_take_bound(pa, binder_bind, &b,
						    &port));
	assert_int_equal(base + 8, port);
	assert_int_equal(2, stats_of(pa).bind_conflicts);

	/* The conflicting pairs cool down: not lost, not retried at once. */
	assert_int_equal(ENOSPC, lk_portalloc_take_bound(pa, binder_bind, &b,
							 &port));
	st = stats_of(pa);
	assert_int_equal(3, st.taken);
	assert_int_equal(3, st.nheld);
	assert_int_equal(2, st.ncooling);
	assert_int_equal(1, st.exhausted_cooling);

	close(block_rtcp);
	close(block_rtp);
	fc.now += 10 * 1000;
	assert_int_equal(0, lk_portalloc_take_bound(pa, binder_bind, &b,
						    &port));
	assert_int_equal(base + 2, port);
	assert_int_equal(base + 2, bound_port(b.fd[6]));
	assert_int_equal(base + 3, bound_port(b.fd[7]));

	binder_close(&b);
	mem_deref(pa);
}

/* Singles bind one port. */
static void bind_conflict_singles(void **state)
{
	struct lk_portalloc_conf cfg;
	struct fakeclock fc = { 0 };
	struct binder b = { .pairs = false };
	struct lk_portalloc *pa;
	uint16_t base, port;
	int block;

	(void)state;
	base = find_free_ports(3);
	cfg_init(&cfg, &fc, base, (uint16_t)(base + 2), LK_PORTALLOC_SINGLES,
		 LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);
	block = udp_bind(base);
	assert_true(block >= 0);

	assert_int_equal(0, lk_portalloc_take_bound(pa, binder_bind, &b,
						    &port));
	assert_int_equal(base + 1, port);
	assert_int_equal(base + 1, bound_port(b.fd[0]));
	assert_int_equal(1, stats_of(pa).bind_conflicts);

	close(block);
	binder_close(&b);
	mem_deref(pa);
}

static int bind_always_in_use(uint16_t port, void *arg)
{
	(void)port;
	++*(unsigned *)arg;
	return EADDRINUSE;
}

static int bind_out_of_fds(uint16_t port, void *arg)
{
	(void)port;
	++*(unsigned *)arg;
	return EMFILE;
}

/* Every port taken: bounded tries, then the free ports run out. */
static void bind_conflicts_are_bounded(void **state)
{
	struct lk_portalloc_conf cfg;
	struct lk_portalloc_stats st;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	unsigned calls = 0;
	uint16_t port = 7;

	(void)state;
	cfg_init(&cfg, &fc, 40000, 40099, LK_PORTALLOC_SINGLES,
		 LK_PORT_ORDER_RANDOM);
	pa = alloc_ok(&cfg);

	assert_int_equal(EADDRINUSE, lk_portalloc_take_bound(pa,
				bind_always_in_use, &calls, &port));
	assert_int_equal(LK_PORTALLOC_BIND_TRIES, calls);
	assert_int_equal(7, port);

	assert_int_equal(ENOSPC, lk_portalloc_take_bound(pa,
				bind_always_in_use, &calls, &port));
	assert_int_equal(100, calls);
	st = stats_of(pa);
	assert_int_equal(100, st.bind_conflicts);
	assert_int_equal(100, st.ncooling);
	assert_int_equal(0, st.taken);

	fc.now += 10 * 1000;
	st = stats_of(pa);
	assert_int_equal(100, st.nfree);
	mem_deref(pa);
}

/* Another error is not the port's fault: it stays first in line. */
static void bind_other_error_returned(void **state)
{
	struct lk_portalloc_conf cfg;
	struct lk_portalloc_stats st;
	struct fakeclock fc = { 0 };
	struct lk_portalloc *pa;
	unsigned calls = 0;
	uint16_t port;

	(void)state;
	media_cfg(&cfg, &fc, LK_PORT_ORDER_SEQUENTIAL);
	pa = alloc_ok(&cfg);
	assert_int_equal(EMFILE, lk_portalloc_take_bound(pa, bind_out_of_fds,
							 &calls, &port));
	assert_int_equal(1, calls);
	st = stats_of(pa);
	assert_int_equal(MEDIA_PAIRS, st.nfree);
	assert_int_equal(0, st.bind_conflicts);
	assert_int_equal(0, st.taken);

	assert_int_equal(0, lk_portalloc_take(pa, &port));
	assert_int_equal(36002, port);
	mem_deref(pa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_default_media_range_random),
		cmocka_unit_test(whole_default_media_range_sequential),
		cmocka_unit_test(large_system_mux_ports_excluded),
		cmocka_unit_test(mux_ports_outside_the_range),
		cmocka_unit_test(odd_range_ends),
		cmocka_unit_test(small_range_exhausts_at_capacity),
		cmocka_unit_test(singles_turn_relay_range),
		cmocka_unit_test(cooldown_respected),
		cmocka_unit_test(cooldown_zero),
		cmocka_unit_test(cooldown_default_clock),
		cmocka_unit_test(random_order_is_not_sequential),
		cmocka_unit_test(fixed_seed_repeats),
		cmocka_unit_test(sequential_order_ascends_then_round_robin),
		cmocka_unit_test(bad_giveback_refused),
		cmocka_unit_test(bad_configuration_refused),
		cmocka_unit_test(conf_init_from_conf),
		cmocka_unit_test(conf_defaults_give_11999_pairs),
		cmocka_unit_test(random_operations_match_a_model),
		cmocka_unit_test(bind_conflict_skips_to_next),
		cmocka_unit_test(bind_conflict_singles),
		cmocka_unit_test(bind_conflicts_are_bounded),
		cmocka_unit_test(bind_other_error_returned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
