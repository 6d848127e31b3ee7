/* tests/unit/common/test_log.c  The subsystem a log line names, from its source file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relay_files_are_media_but_ng_is_ng),
		cmocka_unit_test(turn_files_are_turn_wherever_they_are),
		cmocka_unit_test(signalling_files_moved_into_subfolders_keep_names),
		cmocka_unit_test(other_folders),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
