/* tests/unit/common/test_log.c  The subsystem a log line names, from its source file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <cmocka.h>

#include "log.h"

static void relay_files_are_media_but_ng_is_ng(void **state)
{
	(void)state;
	assert_string_equal("media", lk_log_subsystem("/src/relay/media.c"));
	assert_string_equal("media", lk_log_subsystem("/src/relay/worker.c"));
	assert_string_equal("ng", lk_log_subsystem("/src/relay/ng.c"));
	assert_string_equal("ports", lk_log_subsystem("relay/kernports.c"));
}

static void turn_files_are_turn_wherever_they_are(void **state)
{
	(void)state;
	assert_string_equal("turn", lk_log_subsystem("/src/relay/turn.c"));
	assert_string_equal("turn",
			    lk_log_subsystem("/src/relay/turn_alloc.c"));
	assert_string_equal("turn", lk_log_subsystem("/src/relay/turn/x.c"));
}

static void signalling_files_moved_into_subfolders_keep_names(void **state)
{
	(void)state;
	/* Today's flat layout and the one of issue 10. */
	assert_string_equal("sip", lk_log_subsystem("/s/signalling/sip.c"));
	assert_string_equal("sip",
			    lk_log_subsystem("/s/signalling/siptransport.c"));
	assert_string_equal("zone", lk_log_subsystem("/s/signalling/zone.c"));
	assert_string_equal("sip", lk_log_subsystem("/s/signalling/sip/trans.c"));
	assert_string_equal("zone",
			    lk_log_subsystem("/s/signalling/sip/zone.c"));
	assert_string_equal("call", lk_log_subsystem("/s/signalling/b2bua.c"));
	assert_string_equal("call",
			    lk_log_subsystem("/s/signalling/call/call.c"));
	assert_string_equal("registrar",
			    lk_log_subsystem("/s/signalling/sip/registrar.c"));
	assert_string_equal("h323",
			    lk_log_subsystem("/s/signalling/h323/ras.c"));
	/* A folder that is one protocol wins over the file's name. */
	assert_string_equal("h323",
			    lk_log_subsystem("/s/signalling/h323/zone.c"));
}

static void other_folders(void **state)
{
	(void)state;
	assert_string_equal("config", lk_log_subsystem("/s/config/conf.c"));
	assert_string_equal("daemon", lk_log_subsystem("/s/cmd/latchkeyd.c"));
	assert_string_equal("?", lk_log_subsystem("/s/other/thing.c"));
	assert_string_equal("file.c", lk_log_subsystem("file.c"));
	assert_string_equal("?", lk_log_subsystem(NULL));
}

/*
 * One rate-limited call site shared by worker threads (the packet path):
 * within a window exactly `burst` lines come out whatever the threads do,
 * and every other call is counted as suppressed.
 */
static struct lk_log_ratelimit shared_rl = LK_LOG_RATELIMIT_INIT(60, 5);

static void *hammer(void *arg)
{
	unsigned i;

	(void)arg;
	for (i = 0; i < 1000; i++)
		lk_log_limited(&shared_rl, LK_LOG_WARN, LK_LOG_HERE,
			       "packet from %u dropped", i);
	return NULL;
}

static void rate_limit_holds_across_threads(void **state)
{
	char path[] = "/tmp/lk-test-log-XXXXXX", line[512];
	pthread_t t[4];
	int fd, saved;
	unsigned i, n = 0;
	FILE *f;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(dup2(fd, 2) >= 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(0, pthread_create(&t[i], NULL, hammer, NULL));
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	assert_non_null(f);
	rewind(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "packet from") != NULL;
	fclose(f);
	unlink(path);
	assert_int_equal(5, n);
	assert_int_equal(3995, __atomic_load_n(&shared_rl.suppressed,
					       __ATOMIC_RELAXED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relay_files_are_media_but_ng_is_ng),
		cmocka_unit_test(turn_files_are_turn_wherever_they_are),
		cmocka_unit_test(signalling_files_moved_into_subfolders_keep_names),
		cmocka_unit_test(other_folders),
		cmocka_unit_test(rate_limit_holds_across_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
