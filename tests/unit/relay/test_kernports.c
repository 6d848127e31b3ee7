/* tests/unit/relay/test_kernports.c  Ranges vs the kernel's ephemeral. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "conf.h"
#include "kernports.h"

/* A directory of fixture files standing for /proc/sys/net/ipv4. */
struct fixture {
	char dir[64];
};

static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/lk_kernports_XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	*state = fx;

	return 0;
}

static void fixture_unlink(struct fixture *fx, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	unlink(path);
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;

	fixture_unlink(fx, LK_KERNPORTS_RANGE_FILE);
	fixture_unlink(fx, LK_KERNPORTS_RESERVED_FILE);
	rmdir(fx->dir);
	free(fx);

	return 0;
}

static void fixture_write(struct fixture *fx, const char *name,
			  const char *text, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(len, fwrite(text, 1, len, f));
	assert_int_equal(0, fclose(f));
}

static void fixture_set(struct fixture *fx, const char *range,
			const char *reserved)
{
	if (range)
		fixture_write(fx, LK_KERNPORTS_RANGE_FILE, range,
			      strlen(range));
	else
		fixture_unlink(fx, LK_KERNPORTS_RANGE_FILE);
	if (reserved)
		fixture_write(fx, LK_KERNPORTS_RESERVED_FILE, reserved,
			      strlen(reserved));
	else
		fixture_unlink(fx, LK_KERNPORTS_RESERVED_FILE);
}

/* The seed's defaults for a new X8.1 installation, by hand. */
static void conf_seed(struct lk_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->media.start = 36000;
	conf->media.end = 59999;
	conf->turn_enabled = true;
	conf->turn_relay.start = 24000;
	conf->turn_relay.end = 29999;
	conf->sip_tcp_out.start = 25000;
	conf->sip_tcp_out.end = 29999;
	conf->h323_callsig.start = 15000;
	conf->h323_callsig.end = 19999;
	conf->udp_ephemeral.start = 30000;
	conf->udp_ephemeral.end = 35999;
	conf->tcp_ephemeral = conf->udp_ephemeral;
	conf->nmux = 2;
	conf->mux_ports[0] = 36000;
	conf->mux_ports[1] = 36001;
}

static struct lk_kernports kp;	/* 8 KiB: off the stack */

static void read_ok(struct fixture *fx)
{
	char msg[256] = "";

	assert_int_equal(0, lk_kernports_read(&kp, fx->dir, msg, sizeof(msg)));
}

static void message_of(char *buf, size_t sz,
		       const struct lk_kernports_report *rep, unsigned i)
{
	assert_int_equal(0, lk_kernports_message(buf, sz, &kp, rep, i));
}

/* Linux's default range and the seed's: the media range, exactly. */
static void linux_default_overlaps_media(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;
	char msg[1024];

	fixture_set(fx, "32768\t60999\n", "\n");
	read_ok(fx);
	assert_int_equal(32768, kp.ephemeral.start);
	assert_int_equal(60999, kp.ephemeral.end);
	assert_int_equal(0, kp.nreserved);

	conf_seed(&conf);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(1, rep.n);
	assert_string_equal("media range", rep.overlap[0].what);
	assert_string_equal("UDP", rep.overlap[0].proto);
	assert_int_equal(36000, rep.overlap[0].exposed.start);
	assert_int_equal(59999, rep.overlap[0].exposed.end);
	assert_int_equal(24000, rep.overlap[0].nexposed);
	assert_int_equal(30000, rep.overlap[0].suggest.start);
	assert_int_equal(35999, rep.overlap[0].suggest.end);
	assert_true(rep.overlap[0].suggest_is_seed);

	message_of(msg, sizeof(msg), &rep, 0);
	assert_string_equal(msg,
		"media range 36000-59999 overlaps the kernel's ephemeral "
		"range 32768-60999 (net.ipv4.ip_local_port_range): any "
		"socket on this host may take a media port. Fix: sysctl -w "
		"net.ipv4.ip_local_port_range=\"30000 35999\" (the seed's "
		"ephemeral range) or sysctl -w "
		"net.ipv4.ip_local_reserved_ports=36000-59999");
}

/* Reserving the media range is the fix: nothing left to report. */
static void reserved_ports_cover_media(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;

	fixture_set(fx, "32768 60999\n", "36000-59999\n");
	read_ok(fx);
	assert_int_equal(24000, kp.nreserved);
	conf_seed(&conf);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(0, rep.n);

	/* And so is the seed's ephemeral range. */
	fixture_set(fx, "30000 35999\n", NULL);
	read_ok(fx);
	assert_int_equal(0, kp.nreserved);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(0, rep.n);
}

/* Partly reserved: the ports left out, and the list kept in the fix. */
static void reserved_ports_cover_part(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;
	char msg[1024];

	fixture_set(fx, "32768 60999\n", "8080,36000-47999,50000\n");
	read_ok(fx);
	assert_int_equal(12002, kp.nreserved);
	conf_seed(&conf);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(1, rep.n);
	assert_int_equal(48000, rep.overlap[0].exposed.start);
	assert_int_equal(59999, rep.overlap[0].exposed.end);
	assert_int_equal(11999, rep.overlap[0].nexposed);

	message_of(msg, sizeof(msg), &rep, 0);
	assert_string_equal(msg,
		"media range 36000-59999 overlaps the kernel's ephemeral "
		"range 32768-60999 (net.ipv4.ip_local_port_range) in 11999 "
		"ports between 48000 and 59999 that "
		"net.ipv4.ip_local_reserved_ports leaves out: any socket on "
		"this host may take a media port. Fix: sysctl -w "
		"net.ipv4.ip_local_port_range=\"30000 35999\" (the seed's "
		"ephemeral range) or sysctl -w "
		"net.ipv4.ip_local_reserved_ports=8080,36000-59999");
}

/* A wide kernel range: every range, and one command reserving them all. */
static void wide_kernel_range_overlaps_all(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;
	char msg[1024];
	const char *fix = "sysctl -w net.ipv4.ip_local_reserved_ports="
		"15000-19999,24000-29999,36000-59999";
	unsigned i;

	fixture_set(fx, "1024 65535\n", "");
	read_ok(fx);
	conf_seed(&conf);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(4, rep.n);
	assert_string_equal("media range", rep.overlap[0].what);
	assert_string_equal("TURN relay range", rep.overlap[1].what);
	assert_string_equal("SIP TCP outbound range", rep.overlap[2].what);
	assert_string_equal("TCP", rep.overlap[2].proto);
	assert_string_equal("H.323 call signalling range",
			    rep.overlap[3].what);
	for (i = 0; i < rep.n; i++) {
		message_of(msg, sizeof(msg), &rep, i);
		assert_non_null(strstr(msg, fix));
		assert_int_equal(strlen(fix),
				 strlen(strstr(msg, fix)));
		assert_non_null(strstr(msg, "\"30000 35999\""));
	}
	message_of(msg, sizeof(msg), &rep, 3);
	assert_non_null(strstr(msg, "may take an H.323 call signalling port"));

	/* TURN off: its relay range is not checked. */
	conf.turn_enabled = false;
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(3, rep.n);
}

/* A partial overlap at the edge of the kernel's range. */
static void partial_overlap_at_the_edge(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;
	char msg[1024];

	fixture_set(fx, "28000 35999\n", NULL);
	read_ok(fx);
	conf_seed(&conf);
	conf.udp_ephemeral.start = 40000;	/* the seed's pre-X8.1 one */
	conf.udp_ephemeral.end = 49999;
	conf.tcp_ephemeral.start = 30000;
	conf.tcp_ephemeral.end = 31000;
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(2, rep.n);
	assert_string_equal("TURN relay range", rep.overlap[0].what);
	assert_int_equal(28000, rep.overlap[0].exposed.start);
	assert_int_equal(29999, rep.overlap[0].exposed.end);
	assert_int_equal(2000, rep.overlap[0].nexposed);
	/* 40000-49999 would expose the media range: not suggested. */
	assert_int_equal(0, rep.overlap[0].suggest.start);
	assert_string_equal("SIP TCP outbound range", rep.overlap[1].what);
	assert_int_equal(30000, rep.overlap[1].suggest.start);
	assert_false(rep.overlap[1].suggest_is_seed);

	message_of(msg, sizeof(msg), &rep, 0);
	assert_string_equal(msg,
		"TURN relay range 24000-29999 overlaps the kernel's ephemeral "
		"range 28000-35999 (net.ipv4.ip_local_port_range) in 2000 "
		"ports between 28000 and 29999: any socket on this host may "
		"take a TURN relay port. Fix: sysctl -w "
		"net.ipv4.ip_local_reserved_ports=24000-29999");
	message_of(msg, sizeof(msg), &rep, 1);
	assert_non_null(strstr(msg, "=\"30000 31000\" (the configured "
			       "ephemeral range) or "));
}

/* A message that does not fit is refused whole. */
static void message_too_long(void **state)
{
	struct fixture *fx = *state;
	struct lk_kernports_report rep;
	struct lk_conf conf;
	static char big[300000];
	char msg[64];
	size_t i, n = 0;

	/* Every other port from 36000 to 60999 reserved. */
	for (i = 36000; i <= 60998; i += 2)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%zu,", i);
	big[n - 1] = '\n';
	fixture_set(fx, "32768 60999\n", big);
	read_ok(fx);
	assert_int_equal(12500, kp.nreserved);
	conf_seed(&conf);
	assert_int_equal(0, lk_kernports_check(&rep, &kp, &conf));
	assert_int_equal(1, rep.n);
	assert_int_equal(12000, rep.overlap[0].nexposed);

	memset(msg, 'x', sizeof(msg));
	assert_int_equal(EOVERFLOW, lk_kernports_message(msg, sizeof(msg),
							 &kp, &rep, 0));
	assert_string_equal("", msg);
	assert_int_equal(0, lk_kernports_message(big, sizeof(big), &kp,
						 &rep, 0));
	/* 60000 is reserved already: it joins the media range. */
	assert_non_null(strstr(big, "reserved_ports=36000-60000,60002,"));
}

static void expect_bad(struct fixture *fx, const char *range,
		       const char *reserved, int want, const char *file,
		       const char *words)
{
	char msg[512] = "";

	memset(&kp, 0x5a, sizeof(kp));
	fixture_set(fx, range, reserved);
	assert_int_equal(want, lk_kernports_read(&kp, fx->dir, msg,
						 sizeof(msg)));
	if (!strstr(msg, file) || !strstr(msg, words))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", msg, file,
			 words);
	/* Left as it was. */
	assert_int_equal(0x5a5a, kp.ephemeral.start);
	assert_int_equal(0x5a5a5a5a, kp.nreserved);
}

/* Malformed files: a clear message naming the file, no crash. */
static void malformed_files(void **state)
{
	static const char binary[] = "\x01\xff\x00 32768\x00\x7f";
	struct fixture *fx = *state;
	const char *rf = LK_KERNPORTS_RANGE_FILE;
	const char *sf = LK_KERNPORTS_RESERVED_FILE;
	char msg[512];

	expect_bad(fx, NULL, NULL, ENOENT, rf, "No such file");
	expect_bad(fx, "", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "\n", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "abc def\n", NULL, EINVAL, rf, "got \"abc def \"");
	expect_bad(fx, "32768\n", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "32768 60999 1\n", NULL, EINVAL, rf,
		   "two port numbers");
	expect_bad(fx, "32768-60999\n", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "-1 60999\n", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "70000 80000\n", NULL, EINVAL, rf, "two port numbers");
	expect_bad(fx, "000032768 60999\n", NULL, EINVAL, rf,
		   "two port numbers");
	expect_bad(fx, "60999 32768\n", NULL, EINVAL, rf, "is empty");
	expect_bad(fx, "0 100\n", NULL, EINVAL, rf, "starts at port 0");

	expect_bad(fx, "32768 60999\n", "abc\n", EINVAL, sf,
		   "got \"abc\"");
	expect_bad(fx, "32768 60999\n", "1-\n", EINVAL, sf, "got \"1-\"");
	expect_bad(fx, "32768 60999\n", "-5\n", EINVAL, sf, "got \"-5\"");
	expect_bad(fx, "32768 60999\n", "5,,6\n", EINVAL, sf, "got \"\"");
	expect_bad(fx, "32768 60999\n", "5,\n", EINVAL, sf, "got \"\"");
	expect_bad(fx, "32768 60999\n", "1,2-3,70000\n", EINVAL, sf,
		   "got \"70000\"");
	expect_bad(fx, "32768 60999\n", "100-50\n", EINVAL, sf,
		   "\"100-50\" is inverted");
	expect_bad(fx, "32768 60999\n", "1 2\n", EINVAL, sf, "got \"1 2\"");
	expect_bad(fx, "32768 60999\n", "1-2-3\n", EINVAL, sf,
		   "got \"1-2-3\"");

	/* Binary junk, NULs included: read by length, quoted printable. */
	memset(&kp, 0, sizeof(kp));
	fixture_write(fx, LK_KERNPORTS_RANGE_FILE, binary,
		      sizeof(binary) - 1);
	assert_int_equal(EINVAL, lk_kernports_read(&kp, fx->dir, msg,
						   sizeof(msg)));
	assert_non_null(strstr(msg, "got \"??? 32768??\""));

	/* A long line is cut short in the message. */
	{
		static char longline[5000];

		memset(longline, '7', sizeof(longline) - 1);
		fixture_set(fx, longline, NULL);
		assert_int_equal(EINVAL, lk_kernports_read(&kp, fx->dir, msg,
							   sizeof(msg)));
		assert_non_null(strstr(msg, "7777...\""));
		assert_true(strlen(msg) < 200);
	}

}

/* Well-formed variants the kernel may print. */
static void wellformed_variants(void **state)
{
	struct fixture *fx = *state;

	fixture_set(fx, "1024 1024\n", "0,65535\n");
	read_ok(fx);
	assert_int_equal(1024, kp.ephemeral.start);
	assert_int_equal(1024, kp.ephemeral.end);
	assert_int_equal(2, kp.nreserved);

	fixture_set(fx, "32768 60999", "1-3,2-4,4");	/* no newline */
	read_ok(fx);
	assert_int_equal(4, kp.nreserved);

	/* No reserved-ports file: none reserved. */
	fixture_set(fx, "32768 60999\n", NULL);
	read_ok(fx);
	assert_int_equal(0, kp.nreserved);

	/* A msg buffer is optional. */
	assert_int_equal(0, lk_kernports_read(&kp, fx->dir, NULL, 0));
}

/* This host's /proc, when there is one: it parses. */
static void this_host(void **state)
{
	char msg[256] = "";
	int err;

	(void)state;
	err = lk_kernports_read(&kp, NULL, msg, sizeof(msg));
	if (err == ENOENT || err == EACCES)
		skip();
	if (err)
		fail_msg("%s", msg);
	assert_true(kp.ephemeral.start <= kp.ephemeral.end);
}

/* The start-up warning logs and counts the overlaps. */
static void warn_counts(void **state)
{
	struct fixture *fx = *state;
	struct lk_conf conf;

	conf_seed(&conf);
	fixture_set(fx, "32768 60999\n", "");
	assert_int_equal(1, lk_kernports_warn(&conf, fx->dir));
	fixture_set(fx, "30000 35999\n", "");
	assert_int_equal(0, lk_kernports_warn(&conf, fx->dir));
	fixture_set(fx, "garbage\n", "");
	assert_int_equal(0, lk_kernports_warn(&conf, fx->dir));
	assert_int_equal(0, lk_kernports_warn(NULL, fx->dir));
}

static void bad_arguments(void **state)
{
	struct lk_kernports_report rep;
	struct lk_conf conf;
	struct lk_range r = { 1, 2 };
	char msg[64];

	(void)state;
	conf_seed(&conf);
	assert_int_equal(EINVAL, lk_kernports_read(NULL, "/", NULL, 0));
	assert_int_equal(EINVAL, lk_kernports_check(NULL, &kp, &conf));
	assert_int_equal(EINVAL, lk_kernports_check(&rep, NULL, &conf));
	assert_int_equal(EINVAL, lk_kernports_check(&rep, &kp, NULL));
	assert_int_equal(EINVAL, lk_kernports_parse_range(&r, NULL, 3,
							  NULL, 0));
	assert_int_equal(1, r.start);
	memset(&rep, 0, sizeof(rep));
	assert_int_equal(EINVAL, lk_kernports_message(msg, sizeof(msg), &kp,
						      &rep, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(linux_default_overlaps_media,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(reserved_ports_cover_media,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(reserved_ports_cover_part,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(wide_kernel_range_overlaps_all,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(partial_overlap_at_the_edge,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(message_too_long,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(malformed_files,
			fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(wellformed_variants,
			fixture_setup, fixture_teardown),
		cmocka_unit_test(this_host),
		cmocka_unit_test_setup_teardown(warn_counts,
			fixture_setup, fixture_teardown),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
