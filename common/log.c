/* common/log.c  Logging to stderr with levels and a rate limit for hot paths. */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

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

/*
 * A reload changes the level on the control thread while workers log:
 * relaxed atomics, since a line may see the old level or the new one.
 */
void lk_log_set_level(enum lk_log_level level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

enum lk_log_level lk_log_get_level(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
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

/*
 * Source file to subsystem, first match wins: a folder that is one
 * protocol names it whatever the file; then the start of the file's name;
 * then the folder.  New files under signalling/h323/ or relay/turn* need
 * no entry of their own.
 */
static const struct {
	const char *folder;	/* last folder, or NULL for any */
	const char *stem;	/* start of the file name, or NULL for any */
	const char *subsystem;
} subsystems[] = {
	{"h323", NULL, "h323"},
	{"turn", NULL, "turn"},
	{NULL, "turn", "turn"},
	{NULL, "zone", "zone"},
	{NULL, "registrar", "registrar"},
	{NULL, "b2bua", "call"},
	{NULL, "route", "call"},
	{NULL, "ng", "ng"},
	{NULL, "kernports", "ports"},
	{NULL, "listen", "ports"},
	{NULL, "portalloc", "ports"},
	{"call", NULL, "call"},
	{"sip", NULL, "sip"},
	{"signalling", NULL, "sip"},
	{"relay", NULL, "media"},
	{"config", NULL, "config"},
	{"cmd", NULL, "daemon"},
	{"common", NULL, "common"},
};

const char *lk_log_subsystem(const char *file)
{
	const char *base, *dir, *d;
	size_t dlen, i;

	if (!file)
		return "?";
	base = strrchr(file, '/');
	if (!base)
		return file;
	for (dir = base; dir > file && dir[-1] != '/'; dir--)
		;
	dlen = (size_t)(base - dir);
	++base;
	for (i = 0; i < sizeof(subsystems) / sizeof(subsystems[0]); i++) {
		d = subsystems[i].folder;
		if (d && (strlen(d) != dlen || strncmp(dir, d, dlen)))
			continue;
		if (subsystems[i].stem && strncmp(base, subsystems[i].stem,
						  strlen(subsystems[i].stem)))
			continue;
		return subsystems[i].subsystem;
	}

	return dlen ? "?" : base;
}

/* "media", or at debug level "media (timer_cb)". */
static void origin_text(char *buf, size_t sz, struct lk_log_origin o)
{
	size_t n;

	snprintf(buf, sz, "%s", o.subsystem ? o.subsystem :
		 lk_log_subsystem(o.file));
	if (lk_log_get_level() >= LK_LOG_DEBUG && o.func) {
		n = strlen(buf);
		snprintf(buf + n, sz - n, " (%s)", o.func);
	}
}

static void log_vprint(enum lk_log_level level, struct lk_log_origin origin,
		       const char *suffix, const char *fmt, va_list ap)
{
	char stamp[32], from[96];
	struct timespec ts;
	struct tm tm;

	origin_text(from, sizeof(from), origin);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

	/* One lock so that lines from worker threads never interleave. */
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s.%03ldZ latchkeyd[%s] %s: ", stamp,
		ts.tv_nsec / 1000000, level_names[level], from);
	vfprintf(stderr, fmt, ap);
	if (suffix)
		fputs(suffix, stderr);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

void lk_log_msg(enum lk_log_level level, struct lk_log_origin origin,
		const char *fmt, ...)
{
	va_list ap;

	if (level > lk_log_get_level())
		return;
	va_start(ap, fmt);
	log_vprint(level, origin, NULL, fmt, ap);
	va_end(ap);
}

void lk_log_limited(struct lk_log_ratelimit *rl, enum lk_log_level level,
		    struct lk_log_origin origin, const char *fmt, ...)
{
	char suffix[64];
	uint64_t now, start;
	unsigned suppressed;
	va_list ap;

	if (level > lk_log_get_level())
		return;
	/*
	 * A call site on the packet path is shared by every worker thread:
	 * its counters are relaxed atomics (a line more or less in a burst
	 * does not matter, a torn counter or a data race would), and another
	 * thread may have opened the window a moment "after" this read.
	 */
	now = lk_clock_s();
	start = __atomic_load_n(&rl->window_start, __ATOMIC_RELAXED);
	if (lk_clock_since(now, start) >= rl->interval &&
	    __atomic_compare_exchange_n(&rl->window_start, &start, now, false,
					__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		__atomic_store_n(&rl->printed, 0, __ATOMIC_RELAXED);
	if (__atomic_fetch_add(&rl->printed, 1, __ATOMIC_RELAXED) >=
	    rl->burst) {
		__atomic_fetch_add(&rl->suppressed, 1, __ATOMIC_RELAXED);
		return;
	}
	suffix[0] = '\0';
	suppressed = __atomic_exchange_n(&rl->suppressed, 0, __ATOMIC_RELAXED);
	if (suppressed)
		snprintf(suffix, sizeof(suffix), " (%u similar lines suppressed)",
			 suppressed);
	va_start(ap, fmt);
	log_vprint(level, origin, suffix[0] ? suffix : NULL, fmt, ap);
	va_end(ap);
}

/*
 * The log file (latchkeyd --log-file): opened, or opened again after
 * logrotate moved it away (SIGUSR1), and put in place of stderr, so that
 * every line, and whatever else writes to stderr (a sanitizer's report),
 * lands in it.  Under the log lock, so that no line is split between the
 * old file and the new one.
 */
int lk_log_file_open(const char *path)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return errno;
	pthread_mutex_lock(&log_lock);
	fflush(stderr);
	if (dup2(fd, STDERR_FILENO) < 0)
		err = errno;
	pthread_mutex_unlock(&log_lock);
	close(fd);

	return err;
}
