/* common/log.h  Logging to stderr with levels and a rate limit for hot paths. */
#ifndef LK_LOG_H
#define LK_LOG_H

#include <stdint.h>

enum lk_log_level {
	LK_LOG_ERROR = 0,
	LK_LOG_WARN,
	LK_LOG_INFO,
	LK_LOG_DEBUG,
};

/*
 * A rate limit for one log call site: at most `burst` lines per `interval`
 * seconds; lines past that are counted and reported with the next line that
 * gets through.  Declare one static per call site (LK_LOG_RATELIMIT).
 */
struct lk_log_ratelimit {
	uint64_t window_start;	/* CLOCK_MONOTONIC seconds */
	unsigned interval;
	unsigned burst;
	unsigned printed;
	unsigned suppressed;
};

#define LK_LOG_RATELIMIT_INIT(interval_s, burst_n) \
	{ 0, (interval_s), (burst_n), 0, 0 }

void lk_log_set_level(enum lk_log_level level);
enum lk_log_level lk_log_get_level(void);
int lk_log_level_parse(enum lk_log_level *levelp, const char *name);
const char *lk_log_level_name(enum lk_log_level level);

/*
 * Where a line comes from: the subsystem an operator thinks in ("media",
 * "sip", "zone", "config", "ng", "h323", "turn", ...), derived from the
 * source file, and the C function, shown at debug level only.
 */
struct lk_log_origin {
	const char *file;	/* __FILE__ */
	const char *func;	/* __func__ */
	const char *subsystem;	/* NULL: derived from `file` */
};

/*
 * The subsystem of a source file path, from its folder and the start of
 * its name (the one table is in log.c): "relay/media.c" is "media",
 * "signalling/sip/zone.c" "zone", anything under "h323/" "h323".
 */
const char *lk_log_subsystem(const char *file);

void lk_log_msg(enum lk_log_level level, struct lk_log_origin origin,
		const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lk_log_limited(struct lk_log_ratelimit *rl, enum lk_log_level level,
		    struct lk_log_origin origin, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Every line names its subsystem; at debug level also the function.  A
 * caller that speaks for another part (the daemon printing configuration
 * messages) may name the subsystem itself with lk_log_as().
 */
#define LK_LOG_HERE ((struct lk_log_origin){__FILE__, __func__, NULL})
#define lk_error(...) lk_log_msg(LK_LOG_ERROR, LK_LOG_HERE, __VA_ARGS__)
#define lk_warn(...)  lk_log_msg(LK_LOG_WARN, LK_LOG_HERE, __VA_ARGS__)
#define lk_info(...)  lk_log_msg(LK_LOG_INFO, LK_LOG_HERE, __VA_ARGS__)
#define lk_debug(...) lk_log_msg(LK_LOG_DEBUG, LK_LOG_HERE, __VA_ARGS__)
#define lk_log_as(level, subsystem, ...) \
	lk_log_msg((level), (struct lk_log_origin){__FILE__, __func__, \
		   (subsystem)}, __VA_ARGS__)

/*
 * Log to the file `path` from now on (appended, created mode 0640): it
 * takes stderr's place.  Call it again to reopen after a rotation.
 * Returns 0 or an errno; on failure the log stays where it was.
 */
int lk_log_file_open(const char *path);

/* Rate-limited: 5 lines per 10 s per call site; for the packet path. */
#define lk_warn_limited(...) do {					\
	static struct lk_log_ratelimit lk_rl_ = LK_LOG_RATELIMIT_INIT(10, 5); \
	lk_log_limited(&lk_rl_, LK_LOG_WARN, LK_LOG_HERE, __VA_ARGS__); \
} while (0)

#endif
