/* common/clock.h  The one monotonic clock of the project, and elapsed time that never wraps. */
#ifndef LK_CLOCK_H
#define LK_CLOCK_H

#include <stdint.h>

/*
 * Milliseconds of CLOCK_MONOTONIC_COARSE: a vDSO read with no syscall, one
 * kernel tick (1-4 ms) of resolution, which is all timeouts and latching
 * need.  The packet path stamps packets with it once per batch.
 */
uint64_t lk_clock_ms(void);

/* Whole seconds of the same clock, for signalling timers and expiry. */
uint64_t lk_clock_s(void);

/*
 * How long ago `then` was at `now`, in the unit of both.  A time written
 * by one thread and compared with a time read by another can be newer than
 * `now` (the writer read the clock after the reader did; the coarse clock
 * ticked in between): that is "no time at all", never 2^64 - 1.  Every
 * subtraction of two clock readings goes through here.
 */
static inline uint64_t lk_clock_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

#endif
