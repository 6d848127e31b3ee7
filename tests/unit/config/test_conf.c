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

/* A warning (not an error) containing `needle`. */
static bool diag_warns(const struct lk_conf_diag *diag, const char *needle)
{
	unsigned i;

	for (i = 0; i < diag->n; i++) {
		if (diag->msg[i].severity == LK_CONF_WARNING &&
		    strstr(diag->msg[i].text, needle))
			return true;
	}

	return false;
}

/*
 * Zone 1 with credentials: the default Expressway without them warns that
 * it accepts any traversal client, which tests about other warnings add.
 */
#define ZONE1_CREDENTIALS \
	"[Zones > Traversal Zone 1]\nUsername = lab\nPassword = pw\n"

/* Every default, as the seed states it for a new X8.1+ installation. */
static void defaults_are_the_seeds(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, lk_conf_load(&c, NULL, &diag));
	/* The one warning of the defaults: zone 1 has no credentials. */
	assert_int_equal(0, diag.nerrors);
	assert_int_equal(1, diag.n);
	assert_string_equal("built-in defaults: zone 1 accepts traversal clients "
			    "without authentication; set Username and Password "
			    "in [Zones > Traversal Zone 1], and the same on the "
			    "Control's zone", diag.msg[0].text);
	assert_int_equal(LK_CONF_WARNING, diag.msg[0].severity);
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
	assert_int_equal(19, c.h46019_keepalive);	/* GnuGk's */
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

/* The gatekeeper's keys with the Expressway's names and defaults. */
static void h323_gatekeeper_keys(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	(void)state;
	assert_int_equal(0, parse(&c, &diag, ""));
	assert_int_equal(120, c.h323_call_ttl);
	assert_true(c.h323_auto_discover);
	assert_int_equal(LK_H323_CONFLICT_REJECT, c.h323_conflict);
	assert_true(c.h323_mode);
	assert_int_equal(0, parse(&c, &diag,
		"[Protocols > H.323 > Gatekeeper]\nCall time to live = 300\n"
		"Auto discover = off\nRegistration conflict mode = Overwrite\n"
		"[Protocols > H.323]\nH.323 mode = no\n"));
	assert_int_equal(300, c.h323_call_ttl);
	assert_false(c.h323_auto_discover);
	assert_int_equal(LK_H323_CONFLICT_OVERWRITE, c.h323_conflict);
	assert_false(c.h323_mode);
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

/* docs/srtp.md: the Expressway's four modes, per zone and for the local zone. */
static void media_encryption_modes(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag, ""));
	assert_int_equal(LK_MEDIA_ENC_AUTO, c.local_media_encryption);
	assert_int_equal(LK_MEDIA_ENC_AUTO, c.zones[0].media_encryption);
	assert_int_equal(0, parse(&c, &diag,
		"[Local Zone]\nMedia encryption mode = Force encrypted\n"
		"[Zones]\nTraversal zone count = 2\n"
		"[Zones > Traversal Zone 1]\n"
		"Media encryption mode = force unencrypted\n"
		"[Zones > Traversal Zone 2]\n"
		"Media encryption mode = best effort\n"));
	assert_int_equal(LK_MEDIA_ENC_FORCE_ENCRYPTED,
			 c.local_media_encryption);
	assert_int_equal(LK_MEDIA_ENC_FORCE_UNENCRYPTED,
			 c.zones[0].media_encryption);
	assert_int_equal(LK_MEDIA_ENC_BEST_EFFORT,
			 c.zones[1].media_encryption);
	assert_int_not_equal(0, parse(&c, &diag,
		"[Local Zone]\nMedia encryption mode = always\n"));
	assert_true(diag_has(&diag, "auto, force encrypted, force "
			     "unencrypted or best effort"));
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
		"TCP outbound port end = 29999\n" ZONE1_CREDENTIALS));
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
	{"[Protocols > H.323 > Gatekeeper]\n"
	 "Registration conflict mode = replace\n",
	 "test.conf:2: Protocols > H.323 > Gatekeeper > Registration conflict "
	 "mode = \"replace\": expected reject or overwrite"},
	{"[Protocols > H.323 > Gatekeeper]\nCall time to live = 59\n",
	 "expected a whole number from 60 to 65534"},
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
	{"[TURN]\nAllowed peers = 127.0.0.1, ,10.0.0.0/8\n",
	 "expected numeric addresses or ADDRESS/LENGTH prefixes"},
	{"[TURN]\nDenied peers = 10.0.0.0/33\n", "ADDRESS/LENGTH"},
	{"[TURN]\nShared secret = two words\n",
	 "expected up to 127 printable characters without blanks"},
	{"[TURN]\nUsers = alice\n", "name:password pairs"},
	{"[TURN]\nMaximum lifetime = 60\n",
	 "expected a whole number from 600 to 86400"},
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
	/* Traversal zone client and server keys. */
	{"[Zones > Traversal Zone 1]\nPeer address = vcse.example\n",
	 "test.conf:2: Zones > Traversal Zone 1 > Peer address = "
	 "\"vcse.example\": expected a numeric IPv4 or IPv6 address"},
	{"[Zones > Traversal Zone 1]\nUsername = lab\n",
	 "test.conf:2: Zones > Traversal Zone 1 > Username (line 2) is set "
	 "but Password is not: a zone authenticates with both or with "
	 "neither; set Password in [Zones > Traversal Zone 1] too, or remove "
	 "Username"},
	{"[Zones]\nTraversal zone count = 2\n[Zones > Traversal Zone 2]\n"
	 "Password = pw\n",
	 "test.conf:4: Zones > Traversal Zone 2 > Password (line 4) is set "
	 "but Username is not: a zone authenticates with both or with "
	 "neither; set Username in [Zones > Traversal Zone 2] too, or remove "
	 "Password"},
	{"[Zones > Traversal Zone 1]\nUsername = la b\nPassword = pw\n",
	 "test.conf:2: Zones > Traversal Zone 1 > Username = \"la b\": "
	 "expected up to 63 letters, digits and . _ - +"},
	{"[Zones > Traversal Zone 1]\nUsername = lab:x\nPassword = pw\n",
	 "Username = \"lab:x\": expected up to 63 letters"},
	{"[Zones > Traversal Zone 1]\nUsername = lab,x\nPassword = pw\n",
	 "Username = \"lab,x\": expected up to 63 letters"},
	{"[Zones > Traversal Zone 1]\nUsername = lab\nPassword = p w\n",
	 "test.conf:3: Zones > Traversal Zone 1 > Password = \"p w\": "
	 "expected up to 63 printable characters without blanks, commas or "
	 "colons"},
	{"[Zones > Traversal Zone 1]\nUsername = lab\nPassword = p:w\n",
	 "Password = \"p:w\": expected up to 63 printable"},
	{"[Zones > Traversal Zone 1]\nUsername = lab\nPassword = p,w\n",
	 "Password = \"p,w\": expected up to 63 printable"},
	{"[Zones > Traversal Zone 1]\nUsername = lab\nPassword = "
	 "0123456789012345678901234567890123456789012345678901234567890123\n",
	 "expected up to 63 printable"},
	{"[Zones > Traversal Zone 1]\nKeep-alive interval = 0\n",
	 "test.conf:2: Zones > Traversal Zone 1 > Keep-alive interval = "
	 "\"0\": expected a whole number from 1 to 3600"},
	{"[Zones > Traversal Zone 1]\nKeep-alive interval = 3601\n",
	 "Keep-alive interval = \"3601\": expected a whole number from 1 to "
	 "3600"},
	{"[Zones > Traversal Zone 1]\nKeep-alive interval = 30s\n",
	 "Keep-alive interval = \"30s\": expected a whole number"},
	{"[Zones > Traversal Zone 1]\nRetry interval = 0\n",
	 "test.conf:2: Zones > Traversal Zone 1 > Retry interval = \"0\": "
	 "expected a whole number from 1 to 3600"},
	{"[Zones > Traversal Zone 1]\nRetry interval = 86400\n",
	 "Retry interval = \"86400\": expected a whole number from 1 to "
	 "3600"},
	{"[Zones > Traversal Zone 1]\nKeepalive interval = 30\n",
	 "unknown key \"Keepalive interval\" in [Zones > Traversal Zone N]; "
	 "did you mean \"Keep-alive interval\"?"},
	/* The dial plan. */
	{"[Dial plan]\nRoute 1 = external.example zone 1\n",
	 "test.conf:2: Dial plan > Route 1 = \"external.example zone 1\": "
	 "the pattern must contain '@': it matches user@host of the "
	 "Request-URI, e.g. *@example.com; expected PATTERN zone N, or "
	 "PATTERN host ADDRESS[:PORT] [udp|tcp|tls]"},
	{"[Dial plan]\nRoute 1 = a@b@c zone 1\n",
	 "the pattern has more than one '@'"},
	{"[Dial plan]\nRoute 1 = *@x via 1\n",
	 "Dial plan > Route 1 = \"*@x via 1\": the second word must be "
	 "\"zone\" or \"host\""},
	{"[Dial plan]\nRoute 1 = *@x zone\n", "\"*@x zone\": too few words"},
	{"[Dial plan]\nRoute 1 = *@x\n", "too few words"},
	{"[Dial plan]\nRoute 1 = *@x zone 1 tcp\n",
	 "too many words after the zone number"},
	{"[Dial plan]\nRoute 1 = *@x zone 0\n",
	 "the zone number must be from 1 to 16"},
	{"[Dial plan]\nRoute 1 = *@x zone 17\n",
	 "the zone number must be from 1 to 16"},
	{"[Dial plan]\nRoute 1 = *@x zone one\n",
	 "the zone number must be from 1 to 16"},
	{"[Dial plan]\nRoute 3 = *@external.example zone 2\n",
	 "test.conf:2: Dial plan > Route 3 = \"*@external.example zone 2\": "
	 "zone 2 is beyond Zones > Traversal zone count (default) = 1; name "
	 "a configured zone or raise the count"},
	{"[Zones]\nTraversal zone count = 0\n[Dial plan]\n"
	 "Route 1 = *@x zone 1\n",
	 "test.conf:4: Dial plan > Route 1 = \"*@x zone 1\": zone 1 is "
	 "beyond Zones > Traversal zone count (line 2) = 0"},
	{"[Dial plan]\nRoute 2 = *@x host sip.example.com\n",
	 "test.conf:2: Dial plan > Route 2 = \"*@x host sip.example.com\": "
	 "the host must be a numeric IPv4 or IPv6 address (latchkey resolves "
	 "no names), IPv6 as [ADDRESS]:PORT"},
	{"[Dial plan]\nRoute 2 = *@x host sip.example.com:5060\n",
	 "the host must be a numeric IPv4 or IPv6 address"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.300\n",
	 "the host must be a numeric"},
	{"[Dial plan]\nRoute 2 = *@x host [192.0.2.1]:5060\n",
	 "the host must be a numeric"},
	{"[Dial plan]\nRoute 2 = *@x host []:5060\n",
	 "the host must be a numeric"},
	{"[Dial plan]\nRoute 2 = *@x host :5060\n",
	 "the host must be a numeric"},
	{"[Dial plan]\nRoute 2 = *@x host [2001:db8::1\n",
	 "\"[\" opens an IPv6 address without \"]\""},
	{"[Dial plan]\nRoute 2 = *@x host [2001:db8::1]5060\n",
	 "expected \":PORT\" after the IPv6 address in brackets"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1:0\n",
	 "the port must be a number from 1 to 65535"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1:65536\n",
	 "the port must be a number from 1 to 65535"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1:\n",
	 "the port must be a number from 1 to 65535"},
	{"[Dial plan]\nRoute 2 = *@x host [::1]:5x\n",
	 "the port must be a number from 1 to 65535"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1 sctp\n",
	 "the transport must be udp, tcp, tls or h323"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1 tcp now\n",
	 "too many words after the transport"},
	{"[Dial plan]\nRoute 2 = *@x host 192.0.2.1 tcp now and\n",
	 "too many words"},
	{"[Dial plan]\n"
	 "Route 2 = *@0123456789012345678901234567890123456789012345678901"
	 "2345678901234567890123456789012345678901234567890123456789012345"
	 "6789012345 zone 1\n",
	 "the pattern is longer than 127 characters"},
	{"[Dial plan]\nRoute 17 = *@x zone 1\n",
	 "test.conf:2: unknown key \"Route 17\" in [Dial plan]; routes are "
	 "numbered Route 1 to Route 16"},
	{"[Dial plan]\nRoute 0 = *@x zone 1\n", "routes are numbered"},
	{"[Dial plan]\nRoot 1 = *@x zone 1\n",
	 "unknown key \"Root 1\" in [Dial plan]; did you mean \"Route 1\"?"},
	{"[Dial plan]\nRoute 1 = *@x zone 1\nroute  1 = *@y zone 1\n",
	 "test.conf:3: Dial plan > Route 1 is set twice (first on line 2)"},
	{"[Dial plan]\nRoute 1 =\n",
	 "test.conf:2: Dial plan > Route 1 has no value"},
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
		"Domain = lab.example, 192.0.2.1\n"
		"[Zones > Traversal Zone 1]\nPeer address = 2001:db8::2\n"
		"Username = lab-1\nPassword = p@ss!w0rd\n"
		"Keep-alive interval = 15\nRetry interval = 3600\n"
		"[Zones > Traversal Zone 2]\nPeer address = 198.51.100.2\n"
		"Username = z2\nPassword = x\n"
		"[Dial plan]\nRoute 9 = *@[2001:DB8::1] host 2001:db8::10 tls\n"
		"Route 2 = 1???@* host 192.0.2.10:5070 TCP\n"
		"Route 4 = *@external.example zone 2\n"
		"Route 16 = *@* host [2001:db8::11]:5080\n";
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
	assert_non_null(strstr(buf, "\n[Dial plan]\n"));
	assert_non_null(strstr(buf, "Route 2 = 1???@* host 192.0.2.10:5070 "
			       "tcp"));
	assert_non_null(strstr(buf, "Route 4 = *@external.example zone 2"));
	assert_non_null(strstr(buf, "Route 9 = *@[2001:DB8::1] host "
			       "[2001:db8::10]:5061 tls"));
	assert_non_null(strstr(buf, "Route 16 = *@* host "
			       "[2001:db8::11]:5080 udp"));
	assert_non_null(strstr(buf, "# unset: Route 1, Route 3, Route 5-8, "
			       "Route 10-15\n"));
	assert_non_null(strstr(buf, "Peer address = 2001:db8::2"));
	assert_non_null(strstr(buf, "Password = p@ss!w0rd"));
	assert_non_null(strstr(buf, "Keep-alive interval = 15"));
	assert_non_null(strstr(buf, "Keep-alive interval = 30"));
	assert_non_null(strstr(buf, "Retry interval = 3600"));
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
	assert_int_equal(4, b.nroutes);
	assert_int_equal(16, b.routes[3].number);
	assert_string_equal("lab-1", b.zones[0].username);
	assert_int_equal(15, b.zones[0].keepalive_interval);
}

/* [TURN] server keys (issue 12): parsed, and secrets never printed. */
static void turn_keys_parse_and_secrets_stay_hidden(void **state)
{
	const char *text = "[System]\nRole = expressway\n[TURN]\n"
		"Realm = lab.example\nUsers = alice:Pw-one, bob:Pw-two\n"
		"Shared secret = S3cr3t/base64+=\n"
		"Allowed peers = 127.0.0.1, 10.0.0.0/8, ::1\n"
		"Denied peers = 192.0.2.0/24\nAllocations per user = 5\n"
		"Total allocations = 50\nMaximum lifetime = 7200\n";
	struct lk_conf_diag diag;
	struct lk_conf a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(0, parse(&a, &diag, "[System]\nRole = expressway\n"));
	assert_string_equal("latchkey", a.turn_realm);
	assert_string_equal("", a.turn_users);
	assert_string_equal("", a.turn_secret);
	assert_int_equal(100, a.turn_per_user);
	assert_int_equal(0, a.turn_total);
	assert_int_equal(3600, a.turn_max_lifetime);
	assert_int_equal(0, parse(&a, &diag, text));
	assert_string_equal("lab.example", a.turn_realm);
	assert_string_equal("alice:Pw-one, bob:Pw-two", a.turn_users);
	assert_string_equal("S3cr3t/base64+=", a.turn_secret);
	assert_string_equal("127.0.0.1, 10.0.0.0/8, ::1", a.turn_allowed);
	assert_string_equal("192.0.2.0/24", a.turn_denied);
	assert_int_equal(5, a.turn_per_user);
	assert_int_equal(50, a.turn_total);
	assert_int_equal(7200, a.turn_max_lifetime);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	lk_conf_print(&a, f);
	fclose(f);
	assert_null(strstr(buf, "Pw-one"));
	assert_null(strstr(buf, "Pw-two"));
	assert_null(strstr(buf, "S3cr3t"));
	assert_non_null(strstr(buf, "# Users = (set in the file; not shown)"));
	assert_non_null(strstr(buf, "# Shared secret = (set in the file; not "
			       "shown)"));
	assert_non_null(strstr(buf, "Allowed peers = 127.0.0.1, 10.0.0.0/8, "
			       "::1"));
	/* The rest loads back; the secrets are the one thing left out. */
	assert_int_equal(0, lk_conf_parse(&b, "printed", buf, len, &diag));
	free(buf);
	assert_string_equal("", b.turn_users);
	assert_string_equal("", b.turn_secret);
	assert_string_equal(a.turn_allowed, b.turn_allowed);
	assert_int_equal(7200, b.turn_max_lifetime);
}

/* The defaults print as loadable text too: no route, the zone keys. */
static void printed_defaults_load_back(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf a, b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(0, lk_conf_load(&a, NULL, &diag));
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	lk_conf_print(&a, f);
	fclose(f);
	assert_non_null(strstr(buf, "\n[Dial plan]\n# Route N = PATTERN "
			       "zone N, or PATTERN host ADDRESS[:PORT] "
			       "[udp|tcp|tls]; the first match wins\n"
			       "# unset: Route 1-16\n"));
	assert_non_null(strstr(buf, "# Peer address =  # default: unset"));
	assert_non_null(strstr(buf, "# Username =  # default: unset"));
	assert_non_null(strstr(buf, "# Password =  # default: unset"));
	assert_non_null(strstr(buf, "Keep-alive interval = 30"));
	assert_non_null(strstr(buf, "Retry interval = 60"));
	assert_int_equal(0, lk_conf_parse(&b, "printed", buf, len, &diag));
	free(buf);
	assert_memory_equal(&a.role, &b.role, offsetof(struct lk_conf,
		key_line) - offsetof(struct lk_conf, role));
}

/* Every zone: no peer, no credentials, OPTIONS every 30 s, back-off 60 s. */
static void zone_client_defaults(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;
	unsigned i;

	assert_int_equal(0, lk_conf_load(&c, NULL, &diag));
	for (i = 0; i < LK_ZONES_MAX; i++) {
		assert_string_equal("", c.zones[i].peer_address);
		assert_string_equal("", c.zones[i].username);
		assert_string_equal("", c.zones[i].password);
		assert_int_equal(30, c.zones[i].keepalive_interval);
		assert_int_equal(60, c.zones[i].retry_interval);
	}
	assert_int_equal(0, c.nroutes);
}

static void zone_client_keys(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;
	const unsigned z = LK_KEY_ZONE_FIRST;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRole = control\n"			/* 2 */
		"[Zones]\nTraversal zone count = 2\n"		/* 4 */
		"[Zones > Traversal Zone 2]\n"			/* 5 */
		"peer  ADDRESS = 2001:db8::2\n"			/* 6 */
		"Username = lab.zone_2+x-y\n"			/* 7 */
		"Password = !\"$%&/()=?*'<>|{}[]~^@\n"		/* 8 */
		"Keep-alive interval = 1\n"			/* 9 */
		"Retry interval = 3600\n"				/* 10 */
		"[Zones > Traversal Zone 1]\n"			/* 11 */
		"Peer address = 198.51.100.2\n"));		/* 12 */
	assert_int_equal(0, diag.n);
	assert_string_equal("198.51.100.2", c.zones[0].peer_address);
	assert_string_equal("", c.zones[0].username);
	assert_string_equal("2001:db8::2", c.zones[1].peer_address);
	assert_string_equal("lab.zone_2+x-y", c.zones[1].username);
	assert_string_equal("!\"$%&/()=?*'<>|{}[]~^@", c.zones[1].password);
	assert_int_equal(1, c.zones[1].keepalive_interval);
	assert_int_equal(3600, c.zones[1].retry_interval);
	assert_int_equal(30, c.zones[0].keepalive_interval);
	assert_int_equal(60, c.zones[0].retry_interval);
	/* Where each came from. */
	assert_int_equal(12, c.zone_line[0][LK_KEY_ZONE_PEER_ADDRESS - z]);
	assert_int_equal(0, c.zone_line[0][LK_KEY_ZONE_USERNAME - z]);
	assert_int_equal(6, c.zone_line[1][LK_KEY_ZONE_PEER_ADDRESS - z]);
	assert_int_equal(7, c.zone_line[1][LK_KEY_ZONE_USERNAME - z]);
	assert_int_equal(8, c.zone_line[1][LK_KEY_ZONE_PASSWORD - z]);
	assert_int_equal(9, c.zone_line[1][LK_KEY_ZONE_KEEPALIVE - z]);
	assert_int_equal(10, c.zone_line[1][LK_KEY_ZONE_RETRY - z]);
	assert_int_equal(0, c.zone_line[0][LK_KEY_ZONE_RETRY - z]);
}

/* A Control without a peer still starts, and says why it will not connect. */
static void control_without_peer_is_a_warning(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRole = control\n"
		"[Zones]\nTraversal zone count = 3\n"
		"[Zones > Traversal Zone 2]\nName = second\n"
		"[Zones > Traversal Zone 3]\nPeer address = 198.51.100.3\n"));
	assert_int_equal(0, diag.nerrors);
	assert_int_equal(2, diag.n);
	/* Zone 1 has no section: the Role line; zone 2 its header. */
	assert_true(diag_warns(&diag, "test.conf:2: zone 1 has no Peer "
			       "address: it will not connect; set Peer address "
			       "in [Zones > Traversal Zone 1] to the numeric "
			       "address of the Expressway"));
	assert_true(diag_warns(&diag, "test.conf:5: zone 2 has no Peer "
			       "address: it will not connect"));
	assert_false(diag_has(&diag, "zone 3"));
	/* No authentication warning on a Control: it is the client. */
	assert_false(diag_has(&diag, "without authentication"));

	/* Zones beyond the count are not checked. */
	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRole = control\n[Zones]\nTraversal zone count = 0\n"));
	assert_int_equal(0, diag.n);
}

static void expressway_warnings(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		"[System]\nRole = expressway\n"
		"[Zones]\nTraversal zone count = 2\n"
		"[Zones > Traversal Zone 1]\nPeer address = 192.0.2.2\n"
		"Username = lab\nPassword = pw\n"));
	assert_int_equal(0, diag.nerrors);
	assert_int_equal(2, diag.n);
	assert_true(diag_warns(&diag, "test.conf:6: Zones > Traversal Zone 1 "
			       "> Peer address (line 6) = 192.0.2.2 is ignored: "
			       "System > Role is expressway, the traversal "
			       "server, which waits for the Control to "
			       "connect"));
	assert_true(diag_warns(&diag, "test.conf:2: zone 2 accepts traversal "
			       "clients without authentication; set Username "
			       "and Password in [Zones > Traversal Zone 2]"));
	assert_false(diag_has(&diag, "zone 1 accepts"));
	/* The peer address is kept: --check-config shows what was read. */
	assert_string_equal("192.0.2.2", c.zones[0].peer_address);

	/* Without a file there is no line to name. */
	assert_int_equal(0, lk_conf_parse(&c, NULL, "", 0, &diag));
	assert_true(diag_warns(&diag, "built-in defaults: zone 1 accepts traversal "
			       "clients without authentication"));
}

/* Routes keep the order of N, whatever the file's order; gaps close. */
static void routes_parse_in_order_of_n(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag,
		ZONE1_CREDENTIALS					/* 1-3 */
		"[Zones]\nTraversal zone count = 2\n"		/* 5 */
		"[ dial   PLAN ]\n"					/* 6 */
		"Route 12 = *@* host [2001:db8::10]:5070 tls\n"	/* 7 */
		"route 2 = 1???@* host 192.0.2.10:5070 tcp\n"	/* 8 */
		"Route 1 = *@External.Example zone 1\n"		/* 9 */
		"Route 5 = *@x host 192.0.2.11 TLS\n"		/* 10 */
		"Route 6 = *@y HOST 192.0.2.12\n"			/* 11 */
		"Route 7 = *@z   host\t2001:db8::12   udp\n"	/* 12 */
		"Route 8 = @ ZONE 2\n"					/* 13 */
		"[Zones > Traversal Zone 2]\nUsername = b\nPassword = c\n"));
	assert_int_equal(0, diag.n);
	assert_int_equal(7, c.nroutes);

	assert_int_equal(1, c.routes[0].number);
	assert_string_equal("*@External.Example", c.routes[0].pattern);
	assert_int_equal(LK_ROUTE_ZONE, c.routes[0].kind);
	assert_int_equal(1, c.routes[0].zone);

	assert_int_equal(2, c.routes[1].number);
	assert_string_equal("1???@*", c.routes[1].pattern);
	assert_int_equal(LK_ROUTE_HOST, c.routes[1].kind);
	assert_string_equal("192.0.2.10", c.routes[1].host);
	assert_int_equal(5070, c.routes[1].port);
	assert_int_equal(LK_ROUTE_TCP, c.routes[1].transport);

	/* Port defaults: 5061 for TLS (RFC 3261 s.19.1.2), else 5060. */
	assert_int_equal(5, c.routes[2].number);
	assert_int_equal(5061, c.routes[2].port);
	assert_int_equal(LK_ROUTE_TLS, c.routes[2].transport);
	assert_int_equal(6, c.routes[3].number);
	assert_string_equal("192.0.2.12", c.routes[3].host);
	assert_int_equal(5060, c.routes[3].port);
	assert_int_equal(LK_ROUTE_UDP, c.routes[3].transport);
	assert_int_equal(7, c.routes[4].number);
	assert_string_equal("2001:db8::12", c.routes[4].host);
	assert_int_equal(5060, c.routes[4].port);
	assert_int_equal(8, c.routes[5].number);
	assert_string_equal("@", c.routes[5].pattern);
	assert_int_equal(2, c.routes[5].zone);

	assert_int_equal(12, c.routes[6].number);
	assert_string_equal("2001:db8::10", c.routes[6].host);
	assert_int_equal(5070, c.routes[6].port);
	assert_int_equal(LK_ROUTE_TLS, c.routes[6].transport);

	/* Lines by key, the unused slots zero. */
	assert_int_equal(9, c.key_line[LK_KEY_ROUTE_1]);
	assert_int_equal(8, c.key_line[LK_KEY_ROUTE_1 + 1]);
	assert_int_equal(7, c.key_line[LK_KEY_ROUTE_1 + 11]);
	assert_int_equal(0, c.key_line[LK_KEY_ROUTE_1 + 2]);
	assert_int_equal(0, c.key_line[LK_KEY_ROUTE_16]);
	assert_int_equal(0, c.routes[7].number);
	assert_string_equal("", c.routes[LK_ROUTES_MAX - 1].pattern);
	assert_string_equal("Route 16", lk_conf_key_name(LK_KEY_ROUTE_16));
	assert_string_equal("Dial plan", lk_conf_key_section(LK_KEY_ROUTE_1));
}

/* A refused route is left out; the others keep their order. */
static void bad_route_is_left_out(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(EINVAL, parse(&c, &diag,
		"[Dial plan]\nRoute 1 = *@a zone 1\n"
		"Route 2 = *@b host b.example\nRoute 3 = *@c zone 1\n"));
	assert_int_equal(1, diag.nerrors);
	assert_int_equal(2, c.nroutes);
	assert_int_equal(1, c.routes[0].number);
	assert_int_equal(3, c.routes[1].number);
	assert_int_equal(0, c.key_line[LK_KEY_ROUTE_1 + 1]);
}

/* Read the ```ini block that starts with `first` from the docs. */
static char *doc_block(const char *doc, const char *first)
{
	char head[128];
	const char *b, *e;

	snprintf(head, sizeof(head), "```ini\n%s\n", first);
	b = strstr(doc, head);
	if (!b)
		return NULL;
	b += strlen("```ini\n");
	e = strstr(b, "```");
	if (!e)
		return NULL;

	return strndup(b, (size_t)(e - b));
}

/* docs/configuration.md's Control and Expressway pair, as printed there. */
static void documented_pair_loads_without_warnings(void **state)
{
	const char *src = getenv("LK_SOURCE_DIR");
	char path[512], *doc, *ctl, *exp;
	struct lk_conf_diag diag;
	struct lk_conf c, e;
	long sz;
	FILE *f;

	snprintf(path, sizeof(path), "%s/docs/configuration.md",
		 src ? src : "..");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(0, fseek(f, 0, SEEK_END));
	sz = ftell(f);
	assert_true(sz > 0);
	rewind(f);
	doc = calloc(1, (size_t)sz + 1);
	assert_non_null(doc);
	assert_int_equal((size_t)sz, fread(doc, 1, (size_t)sz, f));
	fclose(f);
	ctl = doc_block(doc, "# control.conf");
	exp = doc_block(doc, "# expressway.conf");
	free(doc);
	assert_non_null(ctl);
	assert_non_null(exp);

	assert_int_equal(0, parse(&c, &diag, ctl));
	if (diag.n)
		lk_conf_diag_print(&diag, stderr);
	assert_int_equal(0, diag.n);
	assert_int_equal(0, parse(&e, &diag, exp));
	if (diag.n)
		lk_conf_diag_print(&diag, stderr);
	assert_int_equal(0, diag.n);
	free(ctl);
	free(exp);

	assert_int_equal(LK_ROLE_CONTROL, c.role);
	assert_int_equal(LK_ROLE_EXPRESSWAY, e.role);
	/* The Control connects to the Expressway's address ... */
	assert_string_equal(e.address, c.zones[0].peer_address);
	/* ... on the zone port the Expressway listens on, same transport ... */
	assert_int_equal(e.zones[0].sip_port, c.zones[0].sip_port);
	assert_int_equal(e.zones[0].sip_transport, c.zones[0].sip_transport);
	/* ... with the credentials the Expressway demands. */
	assert_string_equal(e.zones[0].username, c.zones[0].username);
	assert_string_equal(e.zones[0].password, c.zones[0].password);
	/* Each routes the other's domain through zone 1. */
	assert_string_equal("internal.example", c.reg_domain);
	assert_string_equal("external.example", e.reg_domain);
	assert_int_equal(1, c.nroutes);
	assert_string_equal("*@external.example", c.routes[0].pattern);
	assert_int_equal(LK_ROUTE_ZONE, c.routes[0].kind);
	assert_int_equal(1, c.routes[0].zone);
	assert_int_equal(1, e.nroutes);
	assert_string_equal("*@internal.example", e.routes[0].pattern);
	assert_int_equal(1, e.routes[0].zone);
}

static void wildcard_address_is_a_warning(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	assert_int_equal(0, parse(&c, &diag, "[System]\nAddress = 0.0.0.0\n"
				  ZONE1_CREDENTIALS));
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
		"[Session control]\nListen = [::1]:2300\n" ZONE1_CREDENTIALS));
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

/* ng off loopback warns; all of 127.0.0.0/8 and ::1 are loopback. */
static void ng_off_loopback_warns(void **state)
{
	static const struct {
		const char *listen;
		bool warn;
	} cases[] = {
		{"127.0.0.1:2223", false}, {"127.0.0.3:2223", false},
		{"127.255.0.1:2223", false}, {"[::1]:2223", false},
		{"192.0.2.1:2223", true}, {"128.0.0.1:2223", true},
		{"[2001:db8::1]:2223", true},
	};
	struct lk_conf_diag diag;
	struct lk_conf c;
	char text[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), ZONE1_CREDENTIALS
			 "[Session control]\nListen = %s\n", cases[i].listen);
		assert_int_equal(0, parse(&c, &diag, text));
		assert_int_equal(cases[i].warn,
				 diag_warns(&diag, "no authentication"));
	}
}

/* Issue 9: one mistake is one error, never follow-ups about defaults. */
static void reversed_media_range_is_one_error(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	(void)state;
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Local Zone > Traversal Subzone]\n"
		"Traversal Media port start = 59999\n"
		"Traversal Media port end = 36000\n"));
	assert_int_equal(1, diag.nerrors);
	assert_int_equal(1, diag.n);
	assert_true(diag_has(&diag, "test.conf:6: Local Zone > Traversal "
			     "Subzone > Traversal Media port start (line 5) = "
			     "59999 is greater than"));
}

static void refused_value_is_not_checked_again(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	(void)state;
	/* Alone, and beside a start the default end would contradict. */
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Local Zone > Traversal Subzone]\n"
		"Traversal Media port end = 70001\n"));
	assert_int_equal(1, diag.n);
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Local Zone > Traversal Subzone]\n"
		"Traversal Media port start = 60000\n"
		"Traversal Media port end = 70001\n"));
	assert_int_equal(1, diag.n);
	assert_true(diag_has(&diag, "test.conf:6: Local Zone > Traversal "
			     "Subzone > Traversal Media port end = \"70001\": "
			     "expected a port number from 1 to 65535"));
	/* A refused zone Username: no "Password without Username". */
	assert_int_equal(EINVAL, parse(&c, &diag,
		"[Zones > Traversal Zone 1]\nUsername = a b\n"
		"Password = pw\n"));
	assert_int_equal(1, diag.n);
	/* A refused zone count: no "route beyond the count". */
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Zones]\nTraversal zone count = many\n"
		"[Dial plan]\nRoute 1 = *@x zone 3\n"));
	assert_int_equal(1, diag.n);
}

static void misspelt_section_is_one_error_with_a_suggestion(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;

	(void)state;
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Sysetm]\nRole = control\nLog level = debug\n"));
	assert_int_equal(1, diag.nerrors);
	assert_true(diag_has(&diag, "test.conf:4: unknown section [Sysetm]; "
			     "did you mean [System]?"));
	assert_false(diag_has(&diag, "outside any section"));
	/* Far from every section: the list, still one error. */
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Completely different]\nRole = control\n"));
	assert_int_equal(1, diag.nerrors);
	assert_true(diag_has(&diag, "valid sections: [System]"));
	assert_true(diag_has(&diag, "[Zones > Traversal Zone N]"));
}

static void errors_come_in_order_of_line(void **state)
{
	struct lk_conf_diag diag;
	struct lk_conf c;
	unsigned i;

	(void)state;
	/* Line 5 fails a cross-check, line 7 a value: found in that
	 * order reversed, reported by line. */
	assert_int_equal(EINVAL, parse(&c, &diag, ZONE1_CREDENTIALS
		"[Local Zone > Traversal Subzone]\n"
		"Traversal Media port start = 36001\n"
		"[Protocols > SIP]\n"
		"UDP port = abc\n"));
	assert_int_equal(2, diag.n);
	assert_true(strstr(diag.msg[0].text, "test.conf:5:") != NULL);
	assert_true(strstr(diag.msg[1].text, "test.conf:7:") != NULL);
	for (i = 1; i < diag.n; i++)
		assert_true(diag.msg[i - 1].line <= diag.msg[i].line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ng_off_loopback_warns),
		cmocka_unit_test(defaults_are_the_seeds),
		cmocka_unit_test(upgraded_release_defaults),
		cmocka_unit_test(pre_x8_mux_on_2776_2777_beside_tcp),
		cmocka_unit_test(large_system),
		cmocka_unit_test(medium_with_configured_demux_ports),
		cmocka_unit_test(zones_number_from_7001_and_6001),
		cmocka_unit_test(h323_gatekeeper_keys),
		cmocka_unit_test(same_numbers_on_other_transports_do_not_conflict),
		cmocka_unit_test(names_ignore_case_and_blanks),
		cmocka_unit_test(bad_configs_give_their_message),
		cmocka_unit_test(printed_config_loads_back_the_same),
		cmocka_unit_test(printed_defaults_load_back),
		cmocka_unit_test(zone_client_defaults),
		cmocka_unit_test(zone_client_keys),
		cmocka_unit_test(control_without_peer_is_a_warning),
		cmocka_unit_test(expressway_warnings),
		cmocka_unit_test(routes_parse_in_order_of_n),
		cmocka_unit_test(bad_route_is_left_out),
		cmocka_unit_test(documented_pair_loads_without_warnings),
		cmocka_unit_test(wildcard_address_is_a_warning),
		cmocka_unit_test(ng_off_loopback_is_a_warning),
		cmocka_unit_test(missing_file_is_a_clear_error),
		cmocka_unit_test(reversed_media_range_is_one_error),
		cmocka_unit_test(refused_value_is_not_checked_again),
		cmocka_unit_test(misspelt_section_is_one_error_with_a_suggestion),
		cmocka_unit_test(errors_come_in_order_of_line),
		cmocka_unit_test(turn_keys_parse_and_secrets_stay_hidden),
		cmocka_unit_test(media_encryption_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
