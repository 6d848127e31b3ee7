/* common/log.c  Logging to stderr with levels and a rate limit for hot paths. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <time.h>

#include "clock.h"
#include "log.h"

static enum lk_log_level log_level = LK_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {
	[LK_LOG_ERROR] = "error",
	[LK_LOG_WARN] = "warning",
	[LK_LOG_INFO] = "info",
	[LK_LOG_DEBUG] = "debug",
};

void lk_log_set_level(enum lk_log_level level)
{
	log_level = level;
}

enum lk_log_level lk_log_get_level(void)
{
	return log_level;
}

const char *lk_log_level_name(enum lk_log_level level)
{
	if ((unsigned)level > LK_LOG_DEBUG)
		return "?";
	return level_names[level];
}

int lk_log_level_parse(enum lk_log_level *levelp, const char *name)
{
	unsigned i;

	if (!levelp || !name)
		return EINVAL;
	for (i = 0; i <= LK_LOG_DEBUG; i++) {
		if (!strcasecmp(name, level_names[i])) {
			*levelp = (enum lk_log_level)i;
			return 0;
		}
	}
	if (!strcasecmp(name, "warn")) {
		*levelp = LK_LOG_WARN;
		return 0;
	}

	return EINVAL;
}

static void log_vprint(enum lk_log_level level, const char *func,
		       const char *suffix, const char *fmt, va_list ap)
{
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	/* One lock so that lines from worker threads never interleave. */
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ldZ latchkeyd[%s] %s: ", stamp,
		ts.tv_nsec / 1000000, level_names[level], func);
	vfprintf(stderr, fmt, ap);
	if (suffix)
		fputs(suffix, stderr);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

void lk_log_msg(enum lk_log_level level, const char *func, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vprint(level, func, NULL, fmt, ap);
	va_end(ap);
}

void lk_log_limited(struct lk_log_ratelimit *rl, enum lk_log_level level,
		    const char *func, const char *fmt, ...)
{
	char suffix[64];
	uint64_t now;
	va_list ap;

	if (level > log_level)
		return;
	/*
	 * A call site on the packet path is shared by every worker: another
	 * thread may have opened the window a moment "after" this read.
	 */
	now = lk_clock_s();
	if (lk_clock_since(now, rl->window_start) >= rl->interval) {
		rl->window_start = now;
		rl->printed = 0;
	}
	if (rl->printed >= rl->burst) {
		++rl->suppressed;
		return;
	}
	++rl->printed;
	suffix[0] = '\0';
	if (rl->suppressed) {
		snprintf(suffix, sizeof(suffix), " (%u similar lines suppressed)",
			 rl->suppressed);
		rl->suppressed = 0;
	}
	va_start(ap, fmt);
	log_vprint(level, func, suffix[0] ? suffix : NULL, fmt, ap);
	va_end(ap);
}
