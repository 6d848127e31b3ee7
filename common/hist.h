/* common/hist.h  A fixed-bucket histogram (Prometheus's cumulative "le" buckets) for distributions that management shows. */
#ifndef LK_HIST_H
#define LK_HIST_H

#include <stddef.h>
#include <stdint.h>

#define LK_HIST_BUCKETS_MAX	16

/*
 * A value, not an object: embed it where the samples are taken.  `bounds`
 * are the upper bounds of the buckets in increasing order (static data
 * outliving the histogram); a sample above the last lands only in the
 * implicit +Inf bucket, i.e. in `count`.  Not thread-safe: one thread
 * observes and reads (the control thread, for call set-up times).
 */
struct lk_hist {
	const double *bounds;
	size_t n;
	uint64_t bucket[LK_HIST_BUCKETS_MAX];	/* samples <= bounds[i] */
	uint64_t count;
	double sum;
};

/*
 * The bounds of every call set-up histogram (SIP's and H.323's, so that
 * the two compare bucket by bucket), in seconds: a machine's answer (tens
 * of ms through two relays) to a person's (seconds of ringing), 50 ms to a
 * minute.
 */
extern const double lk_hist_call_setup_bounds[];
extern const size_t lk_hist_call_setup_nbounds;

/* Set up `h` with `n` (at most LK_HIST_BUCKETS_MAX) upper bounds. */
void lk_hist_init(struct lk_hist *h, const double *bounds, size_t n);

/* Count one sample `v`. */
void lk_hist_observe(struct lk_hist *h, double v);

#endif
