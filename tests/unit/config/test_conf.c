/* tests/unit/config/test_conf.c  Defaults from the seed, validation messages, round trip. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"

static int parse(struct lk_conf *conf, struct lk_conf_diag *diag,
		 const char *text)
{
	return lk_conf_parse(conf, "test.conf", text, strlen(text), diag);
}

static bool diag_has(const struct lk_conf_diag *diag, const char *needle)
{
	unsigned i;

	for (i = 0; i < diag->n; i++) {
		if (strstr(diag->msg[i].text, needle))
			return true;
	}

	return false;
}

/* Every default, as the seed states it for a new X8.1+ installation. */
static void defaults_are_the_seeds(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, lk_conf_load(&c, NULL, &diag));
	assert_int_equal(0, diag.n);
	assert_int_equal(LK_ROLE_EXPRESSWAY, c.role);
	assert_string_equal("127.0.0.1", c.address);
	assert_int_equal(5060, c.sip_udp_port);		/* C */
	assert_int_equal(5060, c.sip_tcp_port);		/* K */
	assert_int_equal(5061, c.sip_tls_port);		/* L */
	assert_int_equal(25000, c.sip_tcp_out.start);	/* A */
	assert_int_equal(29999, c.sip_tcp_out.end);
	assert_int_equal(1719, c.h323_ras_port);	/* R_C */
	assert_int_equal(15000, c.h323_callsig.start);	/* P */
	assert_int_equal(19999, c.h323_callsig.end);
	assert_int_equal(1720, c.h323_q931_port);	/* M */
	assert_int_equal(2776, c.assent_port);		/* T */
	assert_int_equal(2777, c.h46018_port);		/* U */
	assert_false(c.demux_configured);
	assert_int_equal(36000, c.media.start);		/* Y_C, Y_E */
	assert_int_equal(59999, c.media.end);
	assert_int_equal(2, c.nmux);
	assert_int_equal(36000, c.mux_ports[0]);
	assert_int_equal(36001, c.mux_ports[1]);
	assert_true(c.turn_enabled);
	assert_int_equal(3478, c.turn_listen.start);	/* R */
	assert_int_equal(3478, c.turn_listen.end);
	assert_int_equal(24000, c.turn_relay.start);
	assert_int_equal(29999, c.turn_relay.end);
	assert_int_equal(30000, c.tcp_ephemeral.start);	/* Ue */
	assert_int_equal(35999, c.tcp_ephemeral.end);
	assert_int_equal(30000, c.udp_ephemeral.start);	/* Ve */
	assert_int_equal(35999, c.udp_ephemeral.end);
	assert_int_equal(1, c.nzones);
	assert_int_equal(7001, c.zones[0].sip_port);	/* B */
	assert_int_equal(6001, c.zones[0].h323_port);	/* D */
	assert_string_equal("127.0.0.1", c.ng_address);
	assert_int_equal(2223, c.ng_port);
}

/* Seed footnotes *, ** and Ue: the ranges of systems upgraded to X8.1. */
static void upgraded_release_defaults(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRelease defaults = upgraded\n"));
	assert_int_equal(50000, c.media.start);
	assert_int_equal(54999, c.media.end);
	assert_int_equal(40000, c.tcp_ephemeral.start);
	assert_int_equal(49999, c.tcp_ephemeral.end);
	assert_int_equal(40000, c.udp_ephemeral.start);
	assert_int_equal(60000, c.turn_relay.start);
	assert_int_equal(61799, c.turn_relay.end);
	assert_false(c.demux_configured);
	assert_int_equal(50000, c.mux_ports[0]);
	assert_int_equal(50001, c.mux_ports[1]);
}

/*
 * Seed footnote ***: systems from before X8 keep 2776/2777 for multiplexed
 * media: UDP, beside the TCP Assent and H.460.18 ports of the same numbers.
 */
static void pre_x8_mux_on_2776_2777_beside_tcp(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRelease defaults = pre-x8\n"));
	assert_int_equal(0, diag.nerrors);
	assert_true(c.demux_configured);
	assert_int_equal(2, c.nmux);
	assert_int_equal(2776, c.mux_ports[0]);
	assert_int_equal(2777, c.mux_ports[1]);
	assert_int_equal(2776, c.assent_port);
	assert_int_equal(50000, c.media.start);
	assert_false(lk_conf_is_mux_port(&c, 50000));
}

/* Seed footnote ** and ICE R: Large takes 36000-36011, TURN 3478-3483. */
static void large_system(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;
	unsigned i;

	assert_int_equal(0, parse(&c, &diag, "[System]\nSystem size = large\n"));
	assert_int_equal(12, c.nmux);
	for (i = 0; i < 12; i++)
		assert_int_equal(36000 + i, c.mux_ports[i]);
	assert_true(lk_conf_is_mux_port(&c, 36011));
	assert_false(lk_conf_is_mux_port(&c, 36012));
	assert_int_equal(3478, c.turn_listen.start);
	assert_int_equal(3483, c.turn_listen.end);
}

/* Small/Medium: the 2 multiplexed ports may be given explicitly. */
static void medium_with_configured_demux_ports(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nSystem size = medium\n"
		"[Traversal > Ports]\nUse configured demultiplexing ports = yes\n"
		"Media demultiplexing RTP port = 40000\n"
		"Media demultiplexing RTCP port = 40001\n"));
	assert_int_equal(2, c.nmux);
	assert_int_equal(40000, c.mux_ports[0]);
	assert_int_equal(40001, c.mux_ports[1]);
	assert_false(lk_conf_is_mux_port(&c, 36000));
}

static void zones_number_from_7001_and_6001(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[Zones]\nTraversal zone count = 3\n"
		"[Zones > Traversal Zone 3]\nSIP transport = tcp\n"));
	assert_int_equal(3, c.nzones);
	assert_int_equal(7002, c.zones[1].sip_port);
	assert_int_equal(6002, c.zones[1].h323_port);
	assert_int_equal(7003, c.zones[2].sip_port);
	assert_int_equal(6003, c.zones[2].h323_port);
	assert_int_equal(LK_ZONE_TCP, c.zones[2].sip_transport);
	assert_int_equal(4, c.zone_line[2][LK_KEY_ZONE_SIP_TRANSPORT -
					   LK_KEY_ZONE_FIRST]);
}

/*
 * The seed's own defaults put the UDP TURN relay range 24000-29999 beside
 * the TCP outbound range 25000-29999: different transports, no conflict.
 */
static void same_numbers_on_other_transports_do_not_conflict(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[Protocols > SIP]\nTCP outbound port start = 24000\n"
		"TCP outbound port end = 29999\n"));
	assert_int_equal(0, diag.n);
}

static void names_ignore_case_and_blanks(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"  [ local zone>traversal   SUBZONE ]  # comment\r\n"
		"traversal media PORT start=40000 ; another\r\n"));
	assert_int_equal(40000, c.media.start);
	assert_int_equal(2, c.key_line[LK_KEY_MEDIA_START]);
	assert_int_equal(0, c.key_line[LK_KEY_MEDIA_END]);
}

struct bad {
	const char *text;
	const char *message;	/* a part of the message that must appear */
};

/* Each bad configuration with the message a user can act on. */
static const struct bad bad_configs[] = {
	{"[Protocols > SIP]\nTCP outbound port start = 30000\n",
	 "test.conf:2: Protocols > SIP > TCP outbound port start (line 2) = "
	 "30000 is greater than Protocols > SIP > TCP outbound port end "
	 "(default) = 29999"},
	{"[Protocols > SIP]\nUDP port = 0\n",
	 "test.conf:2: Protocols > SIP > UDP port = \"0\": expected a port "
	 "number from 1 to 65535"},
	{"[Protocols > SIP]\nUDP port = 65536\n", "expected a port number"},
	{"[Protocols > SIP]\nUDP port = 50x\n", "\"50x\": expected a port"},
	{"[Protocols > SIP]\nUDP port = -1\n", "\"-1\": expected a port"},
	{"[Protocols > SIP]\nUDP port =\n",
	 "test.conf:2: Protocols > SIP > UDP port has no value"},
	{"[Protocols > SIP]\nUDP prot = 5060\n",
	 "test.conf:2: unknown key \"UDP prot\" in [Protocols > SIP]; did "
	 "you mean \"UDP port\"?"},
	{"[Protocols > SIP]\nColour = blue\n",
	 "unknown key \"Colour\" in [Protocols > SIP]; valid keys: \"UDP "
	 "port\""},
	{"[Protocols > SIP]\nUDP port = 5060\nudp  PORT = 5062\n",
	 "test.conf:3: Protocols > SIP > UDP port is set twice (first on "
	 "line 2)"},
	{"[Protocols > FTP]\n", "test.conf:1: unknown section "
	 "[Protocols > FTP]; valid sections: [System]"},
	{"UDP port = 5060\n", "test.conf:1: key outside any section"},
	{"[System\n", "test.conf:1: section header has no closing \"]\""},
	{"[System]\nRole\n", "test.conf:2: expected \"key = value\""},
	{"[System]\nRole = edge\n",
	 "System > Role = \"edge\": expected control or expressway"},
	{"[System]\nSystem size = huge\n", "expected small, medium or large"},
	{"[System]\nRelease defaults = x7\n", "expected new, upgraded or "
	 "pre-x8"},
	{"[System]\nAddress = localhost\n",
	 "\"localhost\": expected a numeric IPv4 or IPv6 address"},
	{"[Session control]\nListen = 127.0.0.1\n",
	 "expected ADDRESS:PORT, or [IPv6]:PORT"},
	{"[Session control]\nListen = ::1:2223\n", "expected ADDRESS:PORT"},
	{"[Media]\nWorker threads = 65\n",
	 "Media > Worker threads = \"65\": expected a whole number from 0 "
	 "to 64"},
	{"[TURN]\nTURN services = maybe\n", "expected yes or no"},
	{"[Local Zone > Traversal Subzone]\nTraversal Media port start = "
	 "36001\n", "Traversal Media port start (line 2) = 36001 must be "
	 "even"},
	{"[Local Zone > Traversal Subzone]\nTraversal Media port end = "
	 "59998\n", "Traversal Media port end (line 2) = 59998 must be odd"},
	{"[Local Zone > Traversal Subzone]\nTraversal Media port start = "
	 "40000\nTraversal Media port end = 40001\n",
	 "the media range 40000-40001 is too small"},
	{"[System]\nSystem size = large\n[Local Zone > Traversal Subzone]\n"
	 "Traversal Media port start = 40000\nTraversal Media port end = "
	 "40011\n", "a large system takes its first 12 ports"},
	{"[TURN]\nTURN requests port end = 3483\n",
	 "which only Large systems have (seed, SIP - additional ports for "
	 "ICE, R); set it to 3478 or set System size = large"},
	{"[Traversal > Ports]\nUse configured demultiplexing ports = yes\n"
	 "Media demultiplexing RTCP port = 2776\n",
	 "Media demultiplexing RTCP port (line 3) = 2776 is the RTP port "
	 "too"},
	/* Two listeners of one transport on one port. */
	{"[Protocols > SIP]\nTLS port = 5060\n",
	 "TCP port 5060 of Protocols > SIP > TCP port (default) overlaps TCP "
	 "port 5060 of Protocols > SIP > TLS port (line 2)"},
	{"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 5060\n",
	 "UDP port 5060 of Protocols > SIP > UDP port (default) overlaps UDP "
	 "port 5060 of Protocols > H.323 > Gatekeeper > Registration UDP "
	 "port (line 2)"},
	/* Two ranges of one transport. */
	{"[TURN]\nTURN relay media port start = 35000\n"
	 "TURN relay media port end = 37000\n",
	 "UDP range 36000-59999 of Local Zone > Traversal Subzone > "
	 "Traversal Media port start (default) to end overlaps UDP range "
	 "35000-37000 of TURN > TURN relay media port start (line 2) to end"},
	{"[Protocols > SIP]\nTCP outbound port start = 15000\n",
	 "overlaps TCP range 15000-19999 of Protocols > H.323 > Gatekeeper > "
	 "Call signaling port range start (default) to end"},
	{"[Zones]\nTraversal zone count = 2\n[Zones > Traversal Zone 2]\n"
	 "SIP port = 7001\n", "TCP port 7001 of Zones > Traversal Zone 1 > "
	 "SIP port (default) overlaps TCP port 7001 of Zones > Traversal "
	 "Zone 2 > SIP port (line 4)"},
	{"[Zones > Traversal Zone 2]\nSIP port = 7002\n",
	 "[Zones > Traversal Zone 2] is beyond Zones > Traversal zone count "
	 "(default) = 1"},
	{"[Zones > Traversal Zone 17]\n", "zones are numbered 1 to 16"},
	{"[Zones > Traversal Zone x]\n", "unknown section"},
	/* Registrar and SIP TLS keys. */
	{"[Registrar]\nUsers = alice\n",
	 "Registrar > Users = \"alice\": expected name:password pairs"},
	{"[Registrar]\nUsers = alice:one two:x\n", "expected name:password"},
	{"[Registrar]\nUsers = al ice:pw\n", "expected name:password"},
	{"[Registrar]\nUsers = alice:\n", "expected name:password"},
	{"[Registrar]\nUsers = alice:a:b\n", "expected name:password"},
	{"[Registrar]\nDomain = a b\n",
	 "Registrar > Domain = \"a b\": expected * or host names"},
	{"[Registrar]\nDomain = lab.example,\n", "expected * or host names"},
	{"[Registrar]\nMinimum expiry = 0\n",
	 "Registrar > Minimum expiry = \"0\": expected a whole number from "
	 "1 to 86400"},
	{"[Registrar]\nMinimum expiry = 600\nMaximum expiry = 300\n",
	 "test.conf:3: Registrar: Minimum expiry = 600, Registrar > Default "
	 "expiry (default) = 3600 and Maximum expiry = 300 must be in that "
	 "order"},
	{"[Registrar]\nAuthentication = on\n",
	 "Registrar > Authentication (line 2) = yes but Registrar > Users is "
	 "empty"},
	{"[Registrar]\nAuthentication = sometimes\n", "expected yes or no"},
	{"[Protocols > SIP]\nTLS private key = /etc/lk/key.pem\n",
	 "Protocols > SIP > TLS private key (line 2) is set but Protocols > "
	 "SIP > TLS certificate is not"},
	{"[Protocols > SIP]\nTLS certificate = a\tb\n",
	 "expected a file name"},
	{"[System]\nRole = control\0\n", "NUL byte"},
};

static void bad_configs_give_their_message(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;
	unsigned i;

	for (i = 0; i < sizeof(bad_configs) / sizeof(bad_configs[0]); i++) {
		const char *text = bad_configs[i].text;
		size_t len = strlen(text);
		int err;

		/* The NUL case carries its NUL inside the text. */
		if (strstr(bad_configs[i].message, "NUL"))
			len += 2;
		err = lk_conf_parse(&c, "test.conf", text, len, &diag);
		if (err != EINVAL || !diag_has(&diag, bad_configs[i].message)) {
			print_error("case %u: %s\nwanted: %s\ngot (%d):\n", i,
				    text, bad_configs[i].message, err);
			lk_conf_diag_print(&diag, stderr);
			fail();
		}
		assert_true(diag.nerrors >= 1);
	}
}

/* --check-config's output, loaded again, gives the same configuration. */
static void printed_config_loads_back_the_same(void **state)
{
	const char *text = "[System]\nRole = control\nSystem size = medium\n"
		"[Protocols > SIP]\nTCP outbound port start = 26000\n"
		"[Zones]\nTraversal zone count = 2\n"
		"[Zones > Traversal Zone 2]\nName = To DMZ two\n"
		"[Session control]\nListen = [::1]:2300\n"
		"[Registrar]\nAuthentication = yes\nUsers = a:b, c.d:e+f\n"
		"Domain = lab.example, 192.0.2.1\n";
	struct lk_conf_diag diag;
	struct lk_conf a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(0, parse(&a, &diag, text));
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	lk_conf_print(&a, f);
	fclose(f);
	assert_non_null(strstr(buf, "TCP outbound port start = 26000"));
	assert_non_null(strstr(buf, "# line 5"));
	assert_non_null(strstr(buf, "TCP outbound port end = 29999"));
	assert_non_null(strstr(buf, "# default; seed: SIP traversal call, A"));
	assert_int_equal(0, lk_conf_parse(&b, "printed", buf, len, &diag));
	free(buf);
	assert_memory_equal(&a.role, &b.role, offsetof(struct lk_conf,
		key_line) - offsetof(struct lk_conf, role));
	assert_string_equal("::1", b.ng_address);
	assert_int_equal(2300, b.ng_port);
	assert_string_equal("To DMZ two", b.zones[1].name);
	assert_true(b.reg_auth);
	assert_string_equal("a:b, c.d:e+f", b.reg_users);
	assert_string_equal("", b.sip_tls_cert);
}

static void wildcard_address_is_a_warning(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag, "[System]\nAddress = 0.0.0.0\n"));
	assert_int_equal(0, diag.nerrors);
	assert_int_equal(1, diag.n);
	assert_int_equal(LK_CONF_WARNING, diag.msg[0].severity);
	assert_true(diag_has(&diag, "test.conf:2: System > Address (line 2) "
			     "= 0.0.0.0 listens on every interface"));
}

static void ng_off_loopback_is_a_warning(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[Session control]\nListen = 192.0.2.1:2223\n"));
	assert_int_equal(0, diag.nerrors);
	assert_true(diag_has(&diag, "test.conf:2: Session control > Listen "
			     "(line 2) = 192.0.2.1: the ng protocol has no "
			     "authentication"));
	assert_int_equal(0, parse(&c, &diag,
		"[Session control]\nListen = [::1]:2300\n"));
	assert_int_equal(0, diag.n);
}

static void missing_file_is_a_clear_error(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(ENOENT, lk_conf_load(&c, "/nonexistent/lk.conf",
					      &diag));
	assert_true(diag_has(&diag, "/nonexistent/lk.conf: cannot open: No "
			     "such file or directory"));
	/* Even then the defaults are filled in. */
	assert_int_equal(5060, c.sip_udp_port);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_seeds),
		cmocka_unit_test(upgraded_release_defaults),
		cmocka_unit_test(pre_x8_mux_on_2776_2777_beside_tcp),
		cmocka_unit_test(large_system),
		cmocka_unit_test(medium_with_configured_demux_ports),
		cmocka_unit_test(zones_number_from_7001_and_6001),
		cmocka_unit_test(same_numbers_on_other_transports_do_not_conflict),
		cmocka_unit_test(names_ignore_case_and_blanks),
		cmocka_unit_test(bad_configs_give_their_message),
		cmocka_unit_test(printed_config_loads_back_the_same),
		cmocka_unit_test(wildcard_address_is_a_warning),
		cmocka_unit_test(ng_off_loopback_is_a_warning),
		cmocka_unit_test(missing_file_is_a_clear_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
