/* common/hist.c  A fixed-bucket histogram. */
#include <string.h>

#include "hist.h"

void lk_hist_init(struct lk_hist *h, const double *bounds, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->bounds = bounds;
	h->n = n < LK_HIST_BUCKETS_MAX ? n : LK_HIST_BUCKETS_MAX;
}

void lk_hist_observe(struct lk_hist *h, double v)
{
	size_t i;

	/* Cumulative, as Prometheus exposes them: every bound >= v counts. */
	for (i = 0; i < h->n; i++) {
		if (v <= h->bounds[i])
			++h->bucket[i];
	}
	++h->count;
	h->sum += v;
}

const double lk_hist_call_setup_bounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
	10, 30, 60};
const size_t lk_hist_call_setup_nbounds = sizeof(lk_hist_call_setup_bounds) /
	sizeof(lk_hist_call_setup_bounds[0]);
