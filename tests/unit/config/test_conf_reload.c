/* tests/unit/config/test_conf_reload.c  What a reload applies, what it keeps, and why. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "conf_reload.h"

#define ZONE1 "[Zones > Traversal Zone 1]\nUsername = lab\nPassword = pw\n"

struct seen {
	unsigned n, applied;
	struct lk_conf_change last_kept;
	char kept_why[200];
	char route_why[200];
	enum lk_key keys[32];
};

static void change_h(const struct lk_conf_change *ch, void *arg)
{
	struct seen *s = arg;

	if (s->n < 32)
		s->keys[s->n] = ch->key;
	++s->n;
	if (ch->applied)
		++s->applied;
	else {
		s->last_kept = *ch;
		snprintf(s->kept_why, sizeof(s->kept_why), "%s", ch->why);
		if (ch->key == LK_KEY_ROUTE_1)
			snprintf(s->route_why, sizeof(s->route_why), "%s",
				 ch->why);
	}
}

static void load(struct lk_conf *c, const char *text)
{
	struct lk_conf_diag diag;

	if (lk_conf_parse(c, "t.conf", text, strlen(text), &diag)) {
		lk_conf_diag_print(&diag, stderr);
		fail();
	}
}

static void same_file_changes_nothing(void **state)
{
	static struct lk_conf live, next;
	struct seen s = {0};

	(void)state;
	load(&live, ZONE1 "[Media]\nMedia timeout = 30\n");
	load(&next, ZONE1 "[Media]\nMedia timeout = 30\n");
	assert_int_equal(0, lk_conf_reload(&live, &next, change_h, &s));
	assert_int_equal(0, s.n);
}

static void timeouts_registrar_and_zone_credentials_apply(void **state)
{
	static struct lk_conf live, next;
	struct seen s = {0};

	(void)state;
	load(&live, ZONE1 "[Media]\nMedia timeout = 30\n");
	load(&next, "[Zones > Traversal Zone 1]\nUsername = lab2\n"
	     "Password = pw2\n[Media]\nMedia timeout = 5\nFinal timeout = 9\n"
	     "[Registrar]\nUsers = alice:x\nDomain = example.com\n"
	     "[System]\nLog level = debug\n");
	assert_int_equal(7, lk_conf_reload(&live, &next, change_h, &s));
	assert_int_equal(7, s.n);
	assert_int_equal(5, live.media_timeout);
	assert_int_equal(9, live.final_timeout);
	assert_string_equal("alice:x", live.reg_users);
	assert_string_equal("example.com", live.reg_domain);
	assert_string_equal("debug", live.log_level);
	assert_string_equal("lab2", live.zones[0].username);
	assert_string_equal("pw2", live.zones[0].password);
	/* Where each value came from follows it. */
	assert_int_equal(next.key_line[LK_KEY_MEDIA_TIMEOUT],
			 live.key_line[LK_KEY_MEDIA_TIMEOUT]);
}

static void ports_role_and_ranges_are_kept_with_a_reason(void **state)
{
	static struct lk_conf live, next;
	struct seen s = {0};

	(void)state;
	load(&live, ZONE1);
	load(&next, ZONE1 "[Protocols > SIP]\nUDP port = 5070\n");
	assert_int_equal(0, lk_conf_reload(&live, &next, change_h, &s));
	assert_int_equal(1, s.n);
	assert_int_equal(5060, live.sip_udp_port);
	assert_int_equal(LK_KEY_SIP_UDP_PORT, s.last_kept.key);
	assert_string_equal("a port or address is bound at start",
			    s.kept_why);

	load(&next, ZONE1 "[Local Zone > Traversal Subzone]\n"
	     "Traversal Media port start = 40000\n[Media]\nWorker threads = 3\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(0, lk_conf_reload(&live, &next, change_h, &s));
	assert_int_equal(36000, live.media.start);
	assert_int_equal(0, live.workers);
	assert_string_equal("worker threads start with the daemon",
			    s.kept_why);

	load(&next, "[System]\nRole = control\n[Zones > Traversal Zone 1]\n"
	     "Peer address = 192.0.2.1\n");
	memset(&s, 0, sizeof(s));
	lk_conf_reload(&live, &next, change_h, &s);
	assert_int_equal(LK_ROLE_EXPRESSWAY, live.role);
	assert_false(lk_conf_key_reloads(LK_KEY_ROLE));
	assert_false(lk_conf_key_reloads(LK_KEY_ZONE_PEER_ADDRESS));
	assert_false(lk_conf_key_reloads(LK_KEY_NG_LISTEN));
}

static void dial_plan_applies_as_a_whole(void **state)
{
	static struct lk_conf live, next;
	struct seen s = {0};

	(void)state;
	load(&live, ZONE1 "[Dial plan]\nRoute 1 = *@a zone 1\n"
	     "Route 2 = *@b host 192.0.2.1\n");
	load(&next, ZONE1 "[Dial plan]\nRoute 2 = *@c host 192.0.2.2\n"
	     "Route 5 = *@a zone 1\n");
	assert_int_equal(3, lk_conf_reload(&live, &next, change_h, &s));
	assert_int_equal(2, live.nroutes);
	assert_int_equal(2, live.routes[0].number);
	assert_string_equal("*@c", live.routes[0].pattern);
	assert_int_equal(5, live.routes[1].number);
	assert_true(lk_conf_key_reloads(LK_KEY_ROUTE_16));
}

static void route_to_a_zone_not_running_is_refused(void **state)
{
	static struct lk_conf live, next;
	struct seen s = {0};

	(void)state;
	load(&live, ZONE1 "[Dial plan]\nRoute 1 = *@a zone 1\n");
	load(&next, ZONE1 "[Zones]\nTraversal zone count = 2\n"
	     "[Zones > Traversal Zone 2]\nUsername = z\nPassword = p\n"
	     "[Dial plan]\nRoute 1 = *@a zone 2\n");
	assert_int_equal(0, lk_conf_reload(&live, &next, change_h, &s));
	/* The zone count and the route: both kept. */
	assert_int_equal(2, s.n);
	assert_int_equal(1, live.nzones);
	assert_int_equal(1, live.routes[0].zone);
	assert_string_equal("zones are set up at start", s.kept_why);
	assert_true(strstr(s.route_why, "beyond the running Traversal zone "
			   "count") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_file_changes_nothing),
		cmocka_unit_test(timeouts_registrar_and_zone_credentials_apply),
		cmocka_unit_test(ports_role_and_ranges_are_kept_with_a_reason),
		cmocka_unit_test(dial_plan_applies_as_a_whole),
		cmocka_unit_test(route_to_a_zone_not_running_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
