/* tests/unit/common/test_hist.c  The fixed-bucket histogram: cumulative buckets, +Inf, sum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hist.h"

static const double bounds[] = {0.1, 1, 10};

static void samples_count_in_every_bucket_at_or_above_them(void **state)
{
	struct lk_hist h;

	(void)state;
	lk_hist_init(&h, bounds, 3);
	lk_hist_observe(&h, 0.05);
	lk_hist_observe(&h, 0.1);	/* on a bound: in it ("le") */
	lk_hist_observe(&h, 2);
	lk_hist_observe(&h, 50);	/* only +Inf */
	assert_int_equal(2, h.bucket[0]);
	assert_int_equal(2, h.bucket[1]);
	assert_int_equal(3, h.bucket[2]);
	assert_int_equal(4, h.count);
	assert_true(h.sum > 52.149 && h.sum < 52.151);
}

static void more_bounds_than_room_are_cut(void **state)
{
	static const double many[LK_HIST_BUCKETS_MAX + 4] = {1};
	struct lk_hist h;

	(void)state;
	lk_hist_init(&h, many, LK_HIST_BUCKETS_MAX + 4);
	assert_int_equal(LK_HIST_BUCKETS_MAX, h.n);
	lk_hist_observe(&h, 0);
	assert_int_equal(1, h.bucket[LK_HIST_BUCKETS_MAX - 1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(samples_count_in_every_bucket_at_or_above_them),
		cmocka_unit_test(more_bounds_than_room_are_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
