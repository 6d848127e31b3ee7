/* common/clock.c  The project's monotonic clock (common/clock.h). */
#include <time.h>

#include "clock.h"

uint64_t lk_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t lk_clock_s(void)
{
	return lk_clock_ms() / 1000;
}
