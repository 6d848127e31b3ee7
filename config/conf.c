/* config/conf.c  The configuration file, the seed's defaults, validation. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

/*
 * The file format: sections named after the seed's menu paths, keys as the
 * seed names them, one "key = value" per line, "#" or ";" comments.
 *
 *	[Protocols > SIP]
 *	TCP outbound port start = 25000
 *
 * Section and key names match without regard to case or runs of blanks, so
 * "protocols>sip" and "Protocols > SIP" are the same section.
 */

enum key_type {
	KT_PORT = 0,	/* uint16_t, 1..65535 */
	KT_BOOL,	/* bool: yes/no, on/off, true/false */
	KT_ROLE,
	KT_SIZE,
	KT_RELEASE,
	KT_ORDER,
	KT_TRANSPORT,	/* zone SIP transport: tls | tcp */
	KT_ADDRESS,	/* char[64], numeric IPv4 or IPv6 */
	KT_LISTEN,	/* ng_address + ng_port from "ADDR:PORT" */
	KT_UINT,	/* unsigned, min..max */
	KT_NAME,	/* char[64], printable */
	KT_LOGLEVEL,	/* char[16] */
	KT_PATH,	/* char[256], a file name; may be unset ("") */
	KT_USERS,	/* char[256], "name:password, ..." */
	KT_DOMAINS,	/* char[256], "*" or "host, host ..." */
	KT_ROUTE,	/* a struct lk_route_conf: "PATTERN zone N" ... */
	KT_USERNAME,	/* char[64], a Users name: letters, digits . _ - + */
	KT_PASSWORD,	/* char[64], a Users password: no blanks , : */
};

struct key_def {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;		/* into struct lk_conf, or lk_zone_conf */
	unsigned min, max;	/* KT_UINT */
	const char *seed;	/* where the default comes from */
	const char *help;	/* one line for --check-config and docs */
};

#define CO(f) offsetof(struct lk_conf, f)
#define ZO(f) offsetof(struct lk_zone_conf, f)

#define ROUTE_SYNTAX "PATTERN zone N, or PATTERN host ADDRESS[:PORT] " \
	"[udp|tcp|tls]"

/*
 * "[Dial plan] Route N": the offset is unused (routes are kept in order of
 * N, without gaps, in lk_conf.routes; see routes_finish()).
 */
#define ROUTE_KEY(n) [LK_KEY_ROUTE_1 + (n) - 1] = {"Dial plan", \
	"Route " #n, KT_ROUTE, 0, 0, 0, "", ROUTE_SYNTAX "; the first " \
	"route whose pattern matches user@host of the Request-URI wins"}

static const struct key_def keys[LK_KEY__COUNT] = {
	[LK_KEY_ROLE] = {"System", "Role", KT_ROLE, CO(role), 0, 0,
		"", "control (VCS Control, private network) or expressway "
		"(VCS Expressway, DMZ)"},
	[LK_KEY_SIZE] = {"System", "System size", KT_SIZE, CO(size), 0, 0,
		"footnote ** (Large: 36000-36011 multiplexed), ICE R",
		"small, medium or large"},
	[LK_KEY_RELEASE] = {"System", "Release defaults", KT_RELEASE,
		CO(release), 0, 0, "footnotes *, ** and ***",
		"new (X8.1 or later installation), upgraded (from an "
		"earlier release) or pre-x8 (upgraded from before X8)"},
	[LK_KEY_ADDRESS] = {"System", "Address", KT_ADDRESS, CO(address),
		0, 0, "", "numeric IPv4 or IPv6 address every listener binds"},
	[LK_KEY_LOG_LEVEL] = {"System", "Log level", KT_LOGLEVEL,
		CO(log_level), 0, 0, "", "error, warning, info or debug"},

	[LK_KEY_SIP_UDP_PORT] = {"Protocols > SIP", "UDP port", KT_PORT,
		CO(sip_udp_port), 0, 0, "SIP call to endpoint with public IP "
		"address, C", "SIP over UDP"},
	[LK_KEY_SIP_TCP_PORT] = {"Protocols > SIP", "TCP port", KT_PORT,
		CO(sip_tcp_port), 0, 0, "SIP call to endpoint with public IP "
		"address, K", "SIP over TCP"},
	[LK_KEY_SIP_TLS_PORT] = {"Protocols > SIP", "TLS port", KT_PORT,
		CO(sip_tls_port), 0, 0, "SIP call to endpoint with public IP "
		"address, L", "SIP over TLS"},
	[LK_KEY_SIP_TCP_OUT_START] = {"Protocols > SIP",
		"TCP outbound port start", KT_PORT, CO(sip_tcp_out.start), 0, 0,
		"SIP traversal call, A",
		"source ports of outgoing SIP TCP/TLS connections"},
	[LK_KEY_SIP_TCP_OUT_END] = {"Protocols > SIP",
		"TCP outbound port end", KT_PORT, CO(sip_tcp_out.end), 0, 0,
		"SIP traversal call, A", ""},
	[LK_KEY_SIP_TLS_CERT] = {"Protocols > SIP", "TLS certificate",
		KT_PATH, CO(sip_tls_cert), 0, 0, "",
		"PEM certificate (chain) of the TLS port; unset: a self-signed "
		"one is made at start, with a warning"},
	[LK_KEY_SIP_TLS_KEY] = {"Protocols > SIP", "TLS private key",
		KT_PATH, CO(sip_tls_key), 0, 0, "",
		"PEM private key of the certificate; unset: in the certificate "
		"file"},

	[LK_KEY_H323_RAS_PORT] = {"Protocols > H.323 > Gatekeeper",
		"Registration UDP port", KT_PORT, CO(h323_ras_port), 0, 0,
		"H.323 traversal call using Assent, R_C", "H.225 RAS"},
	[LK_KEY_H323_CALLSIG_START] = {"Protocols > H.323 > Gatekeeper",
		"Call signaling port range start", KT_PORT,
		CO(h323_callsig.start), 0, 0,
		"H.323 traversal call using Assent, P",
		"Q.931/H.225 and H.245 source and H.245 listening ports"},
	[LK_KEY_H323_CALLSIG_END] = {"Protocols > H.323 > Gatekeeper",
		"Call signaling port range end", KT_PORT, CO(h323_callsig.end),
		0, 0, "H.323 traversal call using Assent, P", ""},
	[LK_KEY_H323_TTL] = {"Protocols > H.323 > Gatekeeper",
		"Time to live", KT_UINT, CO(h323_ttl), 60, 65534, "",
		"seconds a registration lasts without a keep-alive RRQ (RCF "
		"timeToLive)"},
	[LK_KEY_H323_Q931_PORT] = {"Protocols > H.323",
		"Call signaling TCP port", KT_PORT, CO(h323_q931_port), 0, 0,
		"H.323 traversal call using H.460.18 / 19, M",
		"Q.931/H.225 call signalling"},

	[LK_KEY_ASSENT_PORT] = {"Traversal > Ports",
		"H.323 Assent call signaling port", KT_PORT, CO(assent_port),
		0, 0, "H.323 traversal call using Assent, T",
		"Assent Q.931 and H.245 (traversal server)"},
	[LK_KEY_H46018_PORT] = {"Traversal > Ports",
		"H.323 H.460.18 call signaling port", KT_PORT, CO(h46018_port),
		0, 0, "H.323 traversal call using H.460.18 / 19, U",
		"H.460.18 H.245 (traversal server)"},
	[LK_KEY_DEMUX_CONFIGURED] = {"Traversal > Ports",
		"Use configured demultiplexing ports", KT_BOOL,
		CO(demux_configured), 0, 0, "footnotes ** and ***",
		"yes: multiplexed media on the two ports below; no: the first "
		"ports of the media range"},
	[LK_KEY_DEMUX_RTP_PORT] = {"Traversal > Ports",
		"Media demultiplexing RTP port", KT_PORT, CO(demux_rtp_port),
		0, 0, "footnote ***", "multiplexed RTP (H.460.19)"},
	[LK_KEY_DEMUX_RTCP_PORT] = {"Traversal > Ports",
		"Media demultiplexing RTCP port", KT_PORT, CO(demux_rtcp_port),
		0, 0, "footnote ***", "multiplexed RTCP (H.460.19)"},

	[LK_KEY_MEDIA_START] = {"Local Zone > Traversal Subzone",
		"Traversal Media port start", KT_PORT, CO(media.start), 0, 0,
		"SIP traversal call, Y_C/Y_E, footnote **",
		"media range: even RTP, odd RTCP"},
	[LK_KEY_MEDIA_END] = {"Local Zone > Traversal Subzone",
		"Traversal Media port end", KT_PORT, CO(media.end), 0, 0,
		"SIP traversal call, Y_C/Y_E, footnote **", ""},

	[LK_KEY_TURN_ENABLED] = {"TURN", "TURN services", KT_BOOL,
		CO(turn_enabled), 0, 0, "SIP - additional ports for ICE",
		"listen for TURN requests (expressway role)"},
	[LK_KEY_TURN_PORT_START] = {"TURN", "TURN requests port start",
		KT_PORT, CO(turn_listen.start), 0, 0,
		"SIP - additional ports for ICE, R", "TURN server control"},
	[LK_KEY_TURN_PORT_END] = {"TURN", "TURN requests port end", KT_PORT,
		CO(turn_listen.end), 0, 0, "SIP - additional ports for ICE, R",
		"a range needs System size = large (3478-3483)"},
	[LK_KEY_TURN_RELAY_START] = {"TURN", "TURN relay media port start",
		KT_PORT, CO(turn_relay.start), 0, 0,
		"SIP - additional ports for ICE, footnote *",
		"TURN relay allocations"},
	[LK_KEY_TURN_RELAY_END] = {"TURN", "TURN relay media port end",
		KT_PORT, CO(turn_relay.end), 0, 0,
		"SIP - additional ports for ICE, footnote *", ""},

	[LK_KEY_TCP_EPHEMERAL_START] = {"System > Ephemeral ports",
		"TCP ephemeral port start", KT_PORT, CO(tcp_ephemeral.start),
		0, 0, "Administration, Ue", "TCP source ports of LDAP, UC, ..."},
	[LK_KEY_TCP_EPHEMERAL_END] = {"System > Ephemeral ports",
		"TCP ephemeral port end", KT_PORT, CO(tcp_ephemeral.end), 0, 0,
		"Administration, Ue", ""},
	[LK_KEY_UDP_EPHEMERAL_START] = {"System > Ephemeral ports",
		"UDP ephemeral port start", KT_PORT, CO(udp_ephemeral.start),
		0, 0, "Administration, Ve", "UDP source ports of syslog, ..."},
	[LK_KEY_UDP_EPHEMERAL_END] = {"System > Ephemeral ports",
		"UDP ephemeral port end", KT_PORT, CO(udp_ephemeral.end), 0, 0,
		"Administration, Ve", ""},

	[LK_KEY_NG_LISTEN] = {"Session control", "Listen", KT_LISTEN, 0, 0,
		0, "", "UDP ADDRESS:PORT of the rtpengine-compatible ng "
		"protocol ([v6]:PORT for IPv6)"},

	[LK_KEY_MEDIA_TIMEOUT] = {"Media", "Media timeout", KT_UINT,
		CO(media_timeout), 1, 86400, "",
		"seconds without media before a session is deleted"},
	[LK_KEY_FINAL_TIMEOUT] = {"Media", "Final timeout", KT_UINT,
		CO(final_timeout), 0, 604800, "",
		"seconds after which any session is deleted; 0: never"},
	[LK_KEY_PORT_COOLDOWN] = {"Media", "Port cool-down", KT_UINT,
		CO(port_cooldown), 0, 3600, "",
		"seconds a released port rests before reuse"},
	[LK_KEY_PORT_ORDER] = {"Media", "Port allocation order", KT_ORDER,
		CO(port_order), 0, 0, "", "random or sequential"},
	[LK_KEY_WORKERS] = {"Media", "Worker threads", KT_UINT, CO(workers),
		0, 64, "", "media forwarding threads; 0: one per core"},

	[LK_KEY_REG_DOMAIN] = {"Registrar", "Domain", KT_DOMAINS,
		CO(reg_domain), 0, 0, "",
		"* (any) or the domains REGISTER is accepted for, by comma"},
	[LK_KEY_REG_MIN_EXPIRES] = {"Registrar", "Minimum expiry", KT_UINT,
		CO(reg_min_expires), 1, 86400, "",
		"seconds; a shorter Expires gets 423 Interval Too Brief"},
	[LK_KEY_REG_DEFAULT_EXPIRES] = {"Registrar", "Default expiry",
		KT_UINT, CO(reg_default_expires), 1, 86400, "",
		"seconds, when a REGISTER gives no Expires"},
	[LK_KEY_REG_MAX_EXPIRES] = {"Registrar", "Maximum expiry", KT_UINT,
		CO(reg_max_expires), 1, 86400, "",
		"seconds; a longer Expires is cut down to this"},
	[LK_KEY_REG_AUTH] = {"Registrar", "Authentication", KT_BOOL,
		CO(reg_auth), 0, 0, "",
		"digest authentication (MD5, qop=auth) of REGISTER"},
	[LK_KEY_REG_REALM] = {"Registrar", "Realm", KT_NAME, CO(reg_realm),
		0, 0, "", "the digest realm"},
	[LK_KEY_REG_USERS] = {"Registrar", "Users", KT_USERS, CO(reg_users),
		0, 0, "", "name:password, name:password ... (lab use: plain "
		"text)"},

	ROUTE_KEY(1), ROUTE_KEY(2), ROUTE_KEY(3), ROUTE_KEY(4), ROUTE_KEY(5),
	ROUTE_KEY(6), ROUTE_KEY(7), ROUTE_KEY(8), ROUTE_KEY(9), ROUTE_KEY(10),
	ROUTE_KEY(11), ROUTE_KEY(12), ROUTE_KEY(13), ROUTE_KEY(14),
	ROUTE_KEY(15), ROUTE_KEY(16),

	[LK_KEY_ZONE_COUNT] = {"Zones", "Traversal zone count", KT_UINT,
		CO(nzones), 0, LK_ZONES_MAX, "SIP traversal call, B",
		"traversal zones 1..N"},

	[LK_KEY_ZONE_NAME] = {"Zones > Traversal Zone", "Name", KT_NAME,
		ZO(name), 0, 0, "", "a label for logs"},
	[LK_KEY_ZONE_SIP_PORT] = {"Zones > Traversal Zone", "SIP port",
		KT_PORT, ZO(sip_port), 0, 0, "SIP traversal call, B",
		"7001 for zone 1, 7002 for zone 2, ..."},
	[LK_KEY_ZONE_H323_PORT] = {"Zones > Traversal Zone", "H.323 port",
		KT_PORT, ZO(h323_port), 0, 0,
		"H.323 traversal call using Assent, D",
		"6001 for zone 1, 6002 for zone 2, ..."},
	[LK_KEY_ZONE_SIP_TRANSPORT] = {"Zones > Traversal Zone",
		"SIP transport", KT_TRANSPORT, ZO(sip_transport), 0, 0,
		"SIP traversal call (TCP and TLS)", "tls or tcp"},
	[LK_KEY_ZONE_PEER_ADDRESS] = {"Zones > Traversal Zone",
		"Peer address", KT_ADDRESS, ZO(peer_address), 0, 0, "",
		"control: numeric address of the Expressway this traversal "
		"client connects to"},
	[LK_KEY_ZONE_USERNAME] = {"Zones > Traversal Zone", "Username",
		KT_USERNAME, ZO(username), 0, 0, "",
		"zone credentials: the control answers challenges with them, "
		"the expressway demands them; unset: no authentication"},
	[LK_KEY_ZONE_PASSWORD] = {"Zones > Traversal Zone", "Password",
		KT_PASSWORD, ZO(password), 0, 0, "",
		"with Username (lab use: plain text)"},
	[LK_KEY_ZONE_KEEPALIVE] = {"Zones > Traversal Zone",
		"Keep-alive interval", KT_UINT, ZO(keepalive_interval), 1, 3600,
		"", "seconds between the control's OPTIONS keep-alives"},
	[LK_KEY_ZONE_RETRY] = {"Zones > Traversal Zone", "Retry interval",
		KT_UINT, ZO(retry_interval), 1, 3600, "",
		"the control's reconnect back-off: from 1 s, doubling up to "
		"this many seconds"},
};

static const char *const role_names[] = {"control", "expressway"};
static const char *const size_names[] = {"small", "medium", "large"};
static const char *const release_names[] = {"new", "upgraded", "pre-x8"};
static const char *const order_names[] = {"random", "sequential"};
static const char *const transport_names[] = {"tls", "tcp"};
static const char *const route_transport_names[] = {"udp", "tcp", "tls"};

const char *lk_conf_route_transport_name(enum lk_route_transport tp)
{
	return (unsigned)tp < 3 ? route_transport_names[tp] : "?";
}

const char *lk_conf_role_name(enum lk_role role)
{
	return (unsigned)role < 2 ? role_names[role] : "?";
}

const char *lk_conf_size_name(enum lk_size size)
{
	return (unsigned)size < 3 ? size_names[size] : "?";
}

const char *lk_conf_release_name(enum lk_release release)
{
	return (unsigned)release < 3 ? release_names[release] : "?";
}

const char *lk_conf_key_section(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? keys[key].section : "";
}

const char *lk_conf_key_name(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? keys[key].name : "";
}

const char *lk_conf_key_seed(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? keys[key].seed : "";
}

void lk_conf_key_path(char *buf, size_t sz, enum lk_key key, unsigned zone)
{
	if (!buf || !sz)
		return;
	if ((unsigned)key >= LK_KEY__COUNT) {
		snprintf(buf, sz, "?");
		return;
	}
	if (key >= LK_KEY_ZONE_FIRST)
		snprintf(buf, sz, "%s %u > %s", keys[key].section, zone,
			 keys[key].name);
	else
		snprintf(buf, sz, "%s > %s", keys[key].section, keys[key].name);
}

bool lk_conf_is_mux_port(const struct lk_conf *conf, uint16_t port)
{
	unsigned i;

	for (i = 0; i < conf->nmux; i++) {
		if (conf->mux_ports[i] == port)
			return true;
	}

	return false;
}

/*
 * Diagnostics
 */

static void diag_add(struct lk_conf_diag *diag, enum lk_conf_severity sev,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void diag_add(struct lk_conf_diag *diag, enum lk_conf_severity sev,
		     const char *fmt, ...)
{
	va_list ap;

	if (sev == LK_CONF_ERROR)
		++diag->nerrors;
	if (diag->n >= LK_CONF_DIAG_MAX) {
		++diag->dropped;
		return;
	}
	diag->msg[diag->n].severity = sev;
	va_start(ap, fmt);
	vsnprintf(diag->msg[diag->n].text, sizeof(diag->msg[0].text), fmt, ap);
	va_end(ap);
	++diag->n;
}

void lk_conf_diag_print(const struct lk_conf_diag *diag, FILE *f)
{
	unsigned i;

	for (i = 0; i < diag->n; i++)
		fprintf(f, "%s: %s\n", diag->msg[i].severity == LK_CONF_ERROR ?
			"error" : "warning", diag->msg[i].text);
	if (diag->dropped)
		fprintf(f, "(%u more messages not shown)\n", diag->dropped);
}

/*
 * Defaults.  Every number here is the seed's; the comment names the row.
 */
static void conf_defaults(struct lk_conf *conf, enum lk_role role,
			  enum lk_size size, enum lk_release release)
{
	bool upgraded = release != LK_RELEASE_NEW;
	unsigned i;

	memset(conf, 0, offsetof(struct lk_conf, key_line));
	conf->role = role;
	conf->size = size;
	conf->release = release;
	/* A lab default: nothing is exposed beyond this host until asked. */
	snprintf(conf->address, sizeof(conf->address), "127.0.0.1");
	snprintf(conf->log_level, sizeof(conf->log_level), "info");

	/* Seed, "SIP call to endpoint with public IP address": C, K, L, A. */
	conf->sip_udp_port = 5060;
	conf->sip_tcp_port = 5060;
	conf->sip_tls_port = 5061;
	conf->sip_tcp_out = (struct lk_range){25000, 29999};

	/* Seed, "H.323 traversal call using Assent": R_C, P; H.460.18: M. */
	conf->h323_ras_port = 1719;
	conf->h323_callsig = (struct lk_range){15000, 19999};
	conf->h323_q931_port = 1720;
	conf->h323_ttl = 1800;

	/* Seed: T = 2776, U = 2777; footnote ***: pre-X8 demux 2776/2777. */
	conf->assent_port = 2776;
	conf->h46018_port = 2777;
	conf->demux_configured = release == LK_RELEASE_PRE_X8;
	conf->demux_rtp_port = 2776;
	conf->demux_rtcp_port = 2777;

	/* Seed footnote **: 36000-59999 new, 50000-54999 upgraded. */
	conf->media = upgraded ? (struct lk_range){50000, 54999} :
				 (struct lk_range){36000, 59999};

	/*
	 * Seed, "SIP - additional ports for ICE": TURN on 3478, a range up
	 * to 3483 on Large systems (R); relay 24000-29999 new, 60000-61799
	 * upgraded (footnote *).  TURN is an Expressway service.
	 */
	conf->turn_enabled = role == LK_ROLE_EXPRESSWAY;
	conf->turn_listen = (struct lk_range){3478,
		size == LK_SIZE_LARGE ? 3483 : 3478};
	conf->turn_relay = upgraded ? (struct lk_range){60000, 61799} :
				      (struct lk_range){24000, 29999};

	/* Seed, Administration: Ue/Ve 30000-35999 new, 40000-49999 old. */
	conf->tcp_ephemeral = upgraded ? (struct lk_range){40000, 49999} :
					 (struct lk_range){30000, 35999};
	conf->udp_ephemeral = conf->tcp_ephemeral;

	/* rtpengine's customary ng port, on loopback only. */
	snprintf(conf->ng_address, sizeof(conf->ng_address), "127.0.0.1");
	conf->ng_port = 2223;

	/* rtpengine's defaults for the two timeouts' roles. */
	conf->media_timeout = 60;
	conf->final_timeout = 86400;
	conf->port_cooldown = 60;
	conf->port_order = LK_PORT_ORDER_RANDOM;
	conf->workers = 0;

	/* RFC 3261 s.10.2.1.1: 3600 s when the client names none. */
	snprintf(conf->reg_domain, sizeof(conf->reg_domain), "*");
	conf->reg_min_expires = 60;
	conf->reg_default_expires = 3600;
	conf->reg_max_expires = 3600;
	conf->reg_auth = false;
	snprintf(conf->reg_realm, sizeof(conf->reg_realm), "latchkey");

	conf->nzones = 1;
	for (i = 0; i < LK_ZONES_MAX; i++) {
		struct lk_zone_conf *z = &conf->zones[i];

		/* Seed B and D: 7001/6001 for the first zone, then +1. */
		z->number = i + 1;
		snprintf(z->name, sizeof(z->name), "Traversal Zone %u", i + 1);
		z->sip_port = (uint16_t)(7001 + i);
		z->h323_port = (uint16_t)(6001 + i);
		z->sip_transport = LK_ZONE_TLS;
		z->keepalive_interval = 30;
		z->retry_interval = 60;
	}
}

/*
 * Parsing
 */

/* One "key = value" line, before its value is understood. */
struct entry {
	enum lk_key key;
	unsigned zone;		/* 1-based for zone keys, else 0 */
	unsigned line;
	char value[256];
};

#define ENTRIES_MAX 512

struct parser {
	const char *name;
	struct lk_conf *conf;
	struct lk_conf_diag *diag;
	struct entry entries[ENTRIES_MAX];
	unsigned nentries;
	unsigned zone_header[LK_ZONES_MAX];	/* first [..Zone N] line */
};

/* Lower-case, blanks folded, " > " between path elements. */
static void normalize(char *out, size_t sz, const char *in, size_t len)
{
	size_t o = 0, i;
	bool blank = false;

	for (i = 0; i < len && o + 4 < sz; i++) {
		char c = in[i];

		if (c == ' ' || c == '\t') {
			blank = true;
			continue;
		}
		if (c == '>') {
			out[o++] = ' ';
			out[o++] = '>';
			blank = true;
			continue;
		}
		if (blank && o)
			out[o++] = ' ';
		blank = false;
		out[o++] = (char)tolower((unsigned char)c);
	}
	out[o] = '\0';
}

static bool name_eq(const char *normalized, const char *canonical)
{
	char buf[128];

	normalize(buf, sizeof(buf), canonical, strlen(canonical));
	return !strcmp(normalized, buf);
}

/* Levenshtein distance, for "did you mean" on unknown keys. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[128], i, j, la = (unsigned)strlen(a),
		 lb = (unsigned)strlen(b);

	if (la >= 127 || lb >= 127)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best;

			tmp = row[j];
			best = prev + (a[i - 1] == b[j - 1] ? 0 : 1);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}

	return row[lb];
}

/*
 * Which section a header names: the index of a key of that section, and
 * for "Zones > Traversal Zone N" the zone number.  -1 if none.
 */
static int section_find(const char *norm, unsigned *zonep)
{
	static const char zprefix[] = "zones > traversal zone ";
	unsigned k;

	*zonep = 0;
	if (!strncmp(norm, zprefix, sizeof(zprefix) - 1)) {
		const char *num = norm + sizeof(zprefix) - 1;
		char *end;
		unsigned long n;

		if (!isdigit((unsigned char)*num))
			return -1;
		n = strtoul(num, &end, 10);
		if (*end || n == 0 || n > 1000)
			return -1;
		*zonep = (unsigned)n;
		return LK_KEY_ZONE_FIRST;
	}
	for (k = 0; k < LK_KEY_ZONE_FIRST; k++) {
		if (name_eq(norm, keys[k].section))
			return (int)k;
	}

	return -1;
}

static void sections_list(char *buf, size_t sz)
{
	size_t o = 0;
	unsigned k;

	buf[0] = '\0';
	for (k = 0; k < LK_KEY__COUNT && o < sz; k++) {
		if (k && !strcmp(keys[k].section, keys[k - 1].section))
			continue;
		o += (size_t)snprintf(buf + o, sz - o, "%s[%s%s]", o ? ", " : "",
				      keys[k].section,
				      k >= LK_KEY_ZONE_FIRST ? " N" : "");
	}
}

static void section_keys_list(char *buf, size_t sz, const char *section)
{
	size_t o = 0;
	unsigned k;

	buf[0] = '\0';
	for (k = 0; k < LK_KEY__COUNT && o < sz; k++) {
		if (strcmp(keys[k].section, section))
			continue;
		o += (size_t)snprintf(buf + o, sz - o, "%s\"%s\"",
				      o ? ", " : "", keys[k].name);
	}
}

static void parse_key_line(struct parser *p, unsigned line, int section,
			   unsigned zone, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const char *sect_name;
	char norm[128], list[600];
	size_t klen, vlen;
	const char *v;
	unsigned k, i, best = UINT_MAX, best_k = 0;

	if (!eq) {
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: expected \"key = value\" or \"[Section]\"",
			 p->name, line);
		return;
	}
	if (section < 0) {
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: key outside any section; start with a "
			 "section such as [System]", p->name, line);
		return;
	}
	klen = (size_t)(eq - s);
	while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
		--klen;
	v = eq + 1;
	vlen = len - (size_t)(v - s);
	while (vlen && (*v == ' ' || *v == '\t')) {
		++v;
		--vlen;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		--vlen;
	normalize(norm, sizeof(norm), s, klen);
	sect_name = keys[section].section;

	for (k = 0; k < LK_KEY__COUNT; k++) {
		unsigned d;

		if (strcmp(keys[k].section, sect_name))
			continue;
		if (name_eq(norm, keys[k].name))
			break;
		{
			char cn[128];

			normalize(cn, sizeof(cn), keys[k].name,
				  strlen(keys[k].name));
			d = distance(norm, cn);
		}
		if (d < best) {
			best = d;
			best_k = k;
		}
	}
	if (k == LK_KEY__COUNT && keys[section].type == KT_ROUTE &&
	    !strncmp(norm, "route ", 6) && norm[6] &&
	    strspn(norm + 6, "0123456789") == strlen(norm + 6)) {
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: unknown key \"%.*s\" in [%s]; routes are "
			 "numbered Route 1 to Route %u", p->name, line,
			 (int)klen, s, sect_name, LK_ROUTES_MAX);
		return;
	}
	if (k == LK_KEY__COUNT) {
		if (best <= 3)
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: unknown key \"%.*s\" in [%s%s]; did "
				 "you mean \"%s\"?", p->name, line, (int)klen, s,
				 sect_name, zone ? " N" : "",
				 keys[best_k].name);
		else {
			section_keys_list(list, sizeof(list), sect_name);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: unknown key \"%.*s\" in [%s%s]; valid "
				 "keys: %s", p->name, line, (int)klen, s,
				 sect_name, zone ? " N" : "", list);
		}
		return;
	}
	if (!vlen) {
		diag_add(p->diag, LK_CONF_ERROR, "%s:%u: %s%s%s has no value",
			 p->name, line, keys[k].section, zone ? " N > " : " > ",
			 keys[k].name);
		return;
	}
	for (i = 0; i < p->nentries; i++) {
		char path[160];

		if (p->entries[i].key != (enum lk_key)k ||
		    p->entries[i].zone != zone)
			continue;
		lk_conf_key_path(path, sizeof(path), (enum lk_key)k, zone);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s is set twice (first on line %u); keep one",
			 p->name, line, path, p->entries[i].line);
		return;
	}
	if (p->nentries == ENTRIES_MAX) {
		diag_add(p->diag, LK_CONF_ERROR, "%s:%u: more than %u settings",
			 p->name, line, ENTRIES_MAX);
		return;
	}
	if (vlen >= sizeof(p->entries[0].value)) {
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: value of %s is longer than %zu characters",
			 p->name, line, keys[k].name,
			 sizeof(p->entries[0].value) - 1);
		return;
	}
	p->entries[p->nentries].key = (enum lk_key)k;
	p->entries[p->nentries].zone = zone;
	p->entries[p->nentries].line = line;
	memcpy(p->entries[p->nentries].value, v, vlen);
	p->entries[p->nentries].value[vlen] = '\0';
	++p->nentries;
}

static void parse_lines(struct parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	unsigned line = 0, zone = 0;
	int section = -1;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		const char *c;
		size_t l;

		++line;
		/* Comments run from '#' or ';' to the end of the line. */
		for (c = s; c < e && *c != '#' && *c != ';'; c++) {
			if (*c == '\0') {
				diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: NUL byte; is this a text file?",
					 p->name, line);
				return;
			}
		}
		while (s < c && (*s == ' ' || *s == '\t' || *s == '\r'))
			++s;
		l = (size_t)(c - s);
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' ||
			     s[l - 1] == '\r'))
			--l;
		if (!l)
			goto next;
		if (*s == '[') {
			char norm[128], list[600];

			if (s[l - 1] != ']') {
				diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: section header has no closing "
					 "\"]\"", p->name, line);
				section = -1;
				goto next;
			}
			normalize(norm, sizeof(norm), s + 1, l - 2);
			section = section_find(norm, &zone);
			if (section < 0) {
				sections_list(list, sizeof(list));
				diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: unknown section [%.*s]; valid "
					 "sections: %s", p->name, line,
					 (int)(l - 2), s + 1, list);
			}
			else if (zone > LK_ZONES_MAX) {
				diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: [Zones > Traversal Zone %u]: "
					 "zones are numbered 1 to %u", p->name,
					 line, zone, LK_ZONES_MAX);
				section = -1;
			}
			else if (zone && !p->zone_header[zone - 1])
				p->zone_header[zone - 1] = line;
			goto next;
		}
		parse_key_line(p, line, section, zone, s, l);
 next:
		s = nl ? nl + 1 : end;
	}
}

/* Parse a whole decimal number into min..max; false on any other text. */
static bool parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *vp)
{
	unsigned long v = 0;
	const char *c;

	if (!*s)
		return false;
	for (c = s; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*vp = v;

	return true;
}

static int parse_enum(const char *s, const char *const *names, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, names[i]))
			return (int)i;
	}

	return -1;
}

static bool address_valid(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	       inet_pton(AF_INET6, s, &a6) == 1;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" */
static bool parse_listen(const char *s, char *addr, size_t asz,
			 uint16_t *portp)
{
	const char *colon, *astart = s;
	size_t alen;
	unsigned long port;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return false;
		astart = s + 1;
		alen = (size_t)(rb - astart);
		colon = rb + 1;
	}
	else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return false;
		alen = (size_t)(colon - s);
	}
	if (!alen || alen >= asz)
		return false;
	if (!parse_uint(colon + 1, 1, 65535, &port))
		return false;
	memcpy(addr, astart, alen);
	addr[alen] = '\0';
	if (!address_valid(addr))
		return false;
	*portp = (uint16_t)port;

	return true;
}

static const char *valid_text(const struct key_def *kd, char *buf, size_t sz)
{
	switch (kd->type) {

	case KT_PORT:
		return "a port number from 1 to 65535";
	case KT_BOOL:
		return "yes or no";
	case KT_ROLE:
		return "control or expressway";
	case KT_SIZE:
		return "small, medium or large";
	case KT_RELEASE:
		return "new, upgraded or pre-x8";
	case KT_ORDER:
		return "random or sequential";
	case KT_TRANSPORT:
		return "tls or tcp";
	case KT_ADDRESS:
		return "a numeric IPv4 or IPv6 address";
	case KT_LISTEN:
		return "ADDRESS:PORT, or [IPv6]:PORT";
	case KT_UINT:
		snprintf(buf, sz, "a whole number from %u to %u", kd->min,
			 kd->max);
		return buf;
	case KT_NAME:
		return "up to 63 printable characters";
	case KT_LOGLEVEL:
		return "error, warning, info or debug";
	case KT_PATH:
		return "a file name of up to 255 printable characters";
	case KT_USERS:
		return "name:password pairs separated by commas; names of "
		       "letters, digits and . _ - +, passwords without blanks, "
		       "commas or colons";
	case KT_DOMAINS:
		return "* or host names separated by commas";
	case KT_ROUTE:
		return ROUTE_SYNTAX;
	case KT_USERNAME:
		return "up to 63 letters, digits and . _ - +";
	case KT_PASSWORD:
		return "up to 63 printable characters without blanks, commas "
		       "or colons";
	}

	return "?";
}

static bool printable(const char *s)
{
	for (; *s; s++) {
		if (!isprint((unsigned char)*s))
			return false;
	}

	return true;
}

static bool user_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' ||
	       c == '+';
}

/* "name:password" pairs separated by commas and optional blanks. */
static bool users_valid(const char *s)
{
	const char *c = s;

	for (;;) {
		size_t n = 0, pw = 0;

		while (*c == ' ' || *c == '\t')
			++c;
		while (user_char(*c)) {
			++c;
			++n;
		}
		if (!n || *c++ != ':')
			return false;
		while (*c && *c != ',' && *c != ' ' && *c != '\t') {
			if (*c == ':' || !isprint((unsigned char)*c))
				return false;
			++c;
			++pw;
		}
		if (!pw)
			return false;
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			return true;
		if (*c++ != ',')
			return false;
	}
}

/* "*", or host names (or numeric addresses) separated by commas. */
static bool domains_valid(const char *s)
{
	const char *c = s;

	if (!strcmp(s, "*"))
		return true;
	for (;;) {
		size_t n = 0;

		while (*c == ' ' || *c == '\t')
			++c;
		while (isalnum((unsigned char)*c) || *c == '.' || *c == '-' ||
		       *c == ':' || *c == '[' || *c == ']' || *c == '_') {
			++c;
			++n;
		}
		if (!n)
			return false;
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			return true;
		if (*c++ != ',')
			return false;
	}
}

/* A zone's Username: a Users name (letters, digits, . _ - +). */
static bool username_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 64)
		return false;
	for (; *s; s++) {
		if (!user_char(*s))
			return false;
	}

	return true;
}

/* A zone's Password: a Users password (printable; no blank , :). */
static bool password_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 64)
		return false;
	for (; *s; s++) {
		if (!isgraph((unsigned char)*s) || *s == ',' || *s == ':')
			return false;
	}

	return true;
}

/*
 * A route's host: "192.0.2.10", "192.0.2.10:5070", "[2001:db8::1]:5070",
 * "[2001:db8::1]" or a bare "2001:db8::1" (no port then).  Numeric only:
 * latchkey resolves no names.
 */
static const char *route_host(struct lk_route_conf *r, const char *t,
			      size_t len, bool *portset)
{
	static const char bad_host[] = "the host must be a numeric IPv4 or "
		"IPv6 address (latchkey resolves no names), IPv6 as "
		"[ADDRESS]:PORT";
	static const char bad_port[] = "the port must be a number from 1 to "
		"65535";
	const char *a = t, *port = NULL, *colon, *end = t + len;
	size_t alen = len, plen = 0;
	bool bracketed = false, ok;
	char addr[64], num[8];
	struct in6_addr a6;
	struct in_addr a4;
	unsigned long v;

	*portset = false;
	if (len && t[0] == '[') {
		const char *rb = memchr(t, ']', len);

		if (!rb)
			return "\"[\" opens an IPv6 address without \"]\"";
		bracketed = true;
		a = t + 1;
		alen = (size_t)(rb - a);
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return "expected \":PORT\" after the IPv6 "
				       "address in brackets";
			port = rb + 2;
		}
	}
	else if ((colon = memchr(t, ':', len)) &&
		 !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		alen = (size_t)(colon - t);	/* IPv4:PORT */
		port = colon + 1;
	}
	if (!alen || alen >= sizeof(addr))
		return bad_host;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	ok = inet_pton(AF_INET6, addr, &a6) == 1;
	if (!bracketed && !port)
		ok = ok || inet_pton(AF_INET, addr, &a4) == 1;
	else if (!bracketed)
		ok = inet_pton(AF_INET, addr, &a4) == 1;
	if (!ok)
		return bad_host;
	if (port) {
		plen = (size_t)(end - port);
		if (!plen || plen >= sizeof(num))
			return bad_port;
		memcpy(num, port, plen);
		num[plen] = '\0';
		if (!parse_uint(num, 1, 65535, &v))
			return bad_port;
		r->port = (uint16_t)v;
		*portset = true;
	}
	memcpy(r->host, addr, alen + 1);

	return NULL;
}

/*
 * "PATTERN zone N" or "PATTERN host ADDRESS[:PORT] [udp|tcp|tls]" into
 * `r`; NULL, or what is wrong.  The zone number is checked against the
 * zone count later, when the count is known.
 */
static const char *route_parse(struct lk_route_conf *r, const char *v)
{
	const char *tok[5];
	size_t len[5], n = 0;
	const char *c = v, *at, *why;
	unsigned long z;
	bool portset;
	int x;

	while (*c) {
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			break;
		if (n == 5)
			return "too many words";
		tok[n] = c;
		while (*c && *c != ' ' && *c != '\t')
			++c;
		len[n] = (size_t)(c - tok[n]);
		++n;
	}
	if (n < 3)
		return "too few words";
	if (len[0] >= sizeof(r->pattern))
		return "the pattern is longer than 127 characters";
	at = memchr(tok[0], '@', len[0]);
	if (!at)
		return "the pattern must contain '@': it matches user@host of "
		       "the Request-URI, e.g. *@example.com";
	if (memchr(at + 1, '@', len[0] - (size_t)(at - tok[0]) - 1))
		return "the pattern has more than one '@'";
	memcpy(r->pattern, tok[0], len[0]);
	r->pattern[len[0]] = '\0';
	if (!printable(r->pattern))
		return "the pattern has a control character";

	if (len[1] == 4 && !strncasecmp(tok[1], "zone", 4)) {
		char num[8];

		if (n != 3)
			return "too many words after the zone number";
		if (len[2] >= sizeof(num))
			return "the zone number must be from 1 to 16";
		memcpy(num, tok[2], len[2]);
		num[len[2]] = '\0';
		if (!parse_uint(num, 1, LK_ZONES_MAX, &z))
			return "the zone number must be from 1 to 16";
		r->kind = LK_ROUTE_ZONE;
		r->zone = (unsigned)z;
		return NULL;
	}
	if (len[1] != 4 || strncasecmp(tok[1], "host", 4))
		return "the second word must be \"zone\" or \"host\"";

	r->kind = LK_ROUTE_HOST;
	r->transport = LK_ROUTE_UDP;
	if (n == 5)
		return "too many words after the transport";
	if (n == 4) {
		char word[8];

		if (len[3] >= sizeof(word))
			return "the transport must be udp, tcp or tls";
		memcpy(word, tok[3], len[3]);
		word[len[3]] = '\0';
		x = parse_enum(word, route_transport_names, 3);
		if (x < 0)
			return "the transport must be udp, tcp or tls";
		r->transport = (enum lk_route_transport)x;
	}
	why = route_host(r, tok[2], len[2], &portset);
	if (why)
		return why;
	/* RFC 3261 s.19.1.2: 5060, or 5061 for TLS. */
	if (!portset)
		r->port = r->transport == LK_ROUTE_TLS ? 5061 : 5060;

	return NULL;
}

/*
 * Understand one entry's value and store it; false if it is not valid,
 * with what is wrong in `*why` where there is more to say than the key's
 * valid_text().
 */
static bool entry_apply(struct lk_conf *conf, const struct entry *e,
			const char **why)
{
	const struct key_def *kd = &keys[e->key];
	char *base = e->key >= LK_KEY_ZONE_FIRST ?
		(char *)&conf->zones[e->zone - 1] : (char *)conf;
	void *field = base + kd->offset;
	unsigned long v;
	int x;

	switch (kd->type) {

	case KT_PORT:
		if (!parse_uint(e->value, 1, 65535, &v))
			return false;
		*(uint16_t *)field = (uint16_t)v;
		return true;
	case KT_BOOL:
		x = parse_enum(e->value, (const char *const[]){"no", "yes",
			"off", "on", "false", "true"}, 6);
		if (x < 0)
			return false;
		*(bool *)field = x & 1;
		return true;
	case KT_ROLE:
		x = parse_enum(e->value, role_names, 2);
		if (x < 0)
			return false;
		*(enum lk_role *)field = (enum lk_role)x;
		return true;
	case KT_SIZE:
		x = parse_enum(e->value, size_names, 3);
		if (x < 0)
			return false;
		*(enum lk_size *)field = (enum lk_size)x;
		return true;
	case KT_RELEASE:
		x = parse_enum(e->value, release_names, 3);
		if (x < 0)
			return false;
		*(enum lk_release *)field = (enum lk_release)x;
		return true;
	case KT_ORDER:
		x = parse_enum(e->value, order_names, 2);
		if (x < 0)
			return false;
		*(enum lk_port_order *)field = (enum lk_port_order)x;
		return true;
	case KT_TRANSPORT:
		x = parse_enum(e->value, transport_names, 2);
		if (x < 0)
			return false;
		*(enum lk_zone_transport *)field = (enum lk_zone_transport)x;
		return true;
	case KT_ADDRESS:
		if (strlen(e->value) >= 64 || !address_valid(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_LISTEN:
		return parse_listen(e->value, conf->ng_address,
				    sizeof(conf->ng_address), &conf->ng_port);
	case KT_UINT:
		if (!parse_uint(e->value, kd->min, kd->max, &v))
			return false;
		*(unsigned *)field = (unsigned)v;
		return true;
	case KT_NAME:
		if (strlen(e->value) >= 64)
			return false;
		for (x = 0; e->value[x]; x++) {
			if (!isprint((unsigned char)e->value[x]))
				return false;
		}
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_PATH:
		if (!printable(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_USERS:
		if (!users_valid(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_DOMAINS:
		if (!domains_valid(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_USERNAME:
		if (!username_valid(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_PASSWORD:
		if (!password_valid(e->value))
			return false;
		memcpy(field, e->value, strlen(e->value) + 1);
		return true;
	case KT_ROUTE: {
		struct lk_route_conf r;
		const char *w;

		/* By number for now; routes_finish() closes the gaps. */
		memset(&r, 0, sizeof(r));
		r.number = (unsigned)(e->key - LK_KEY_ROUTE_1) + 1;
		w = route_parse(&r, e->value);
		if (w) {
			if (why)
				*why = w;
			return false;
		}
		memcpy(&conf->routes[r.number - 1], &r, sizeof(r));
		return true;
	}
	case KT_LOGLEVEL:
		x = parse_enum(e->value, (const char *const[]){"error",
			"warning", "info", "debug", "warn"}, 5);
		if (x < 0)
			return false;
		snprintf(field, 16, "%s", x == 4 ? "warning" :
			 (const char *[]){"error", "warning", "info",
			 "debug"}[x]);
		return true;
	}

	return false;
}

static const struct entry *entry_find(const struct parser *p, enum lk_key key)
{
	unsigned i;

	for (i = 0; i < p->nentries; i++) {
		if (p->entries[i].key == key)
			return &p->entries[i];
	}

	return NULL;
}

static void entry_bad_value(struct parser *p, const struct entry *e,
			    const char *why)
{
	char path[160], vbuf[64];

	lk_conf_key_path(path, sizeof(path), e->key, e->zone);
	diag_add(p->diag, LK_CONF_ERROR, "%s:%u: %s = \"%s\": %s%sexpected %s",
		 p->name, e->line, path, e->value, why ? why : "",
		 why ? "; " : "",
		 valid_text(&keys[e->key], vbuf, sizeof(vbuf)));
}

/*
 * Validation
 */

/* "Protocols > SIP > UDP port (line 4)" or "(default)". */
static void where(char *buf, size_t sz, const struct parser *p,
		  enum lk_key key, unsigned zone)
{
	char path[160];
	unsigned line = key >= LK_KEY_ZONE_FIRST ?
		p->conf->zone_line[zone ? zone - 1 : 0][key - LK_KEY_ZONE_FIRST] :
		p->conf->key_line[key];

	lk_conf_key_path(path, sizeof(path), key, zone);
	if (line)
		snprintf(buf, sz, "%s (line %u)", path, line);
	else
		snprintf(buf, sz, "%s (default)", path);
}

static unsigned key_line(const struct parser *p, enum lk_key a, enum lk_key b)
{
	unsigned la = p->conf->key_line[a], lb = p->conf->key_line[b];

	return la > lb ? la : lb;
}

static void check_range(struct parser *p, enum lk_key start, enum lk_key end,
			const struct lk_range *r)
{
	char ws[200], we[200];

	if (r->start <= r->end)
		return;
	where(ws, sizeof(ws), p, start, 0);
	where(we, sizeof(we), p, end, 0);
	diag_add(p->diag, LK_CONF_ERROR,
		 "%s:%u: %s = %u is greater than %s = %u; the start of a "
		 "range must not be above its end", p->name,
		 key_line(p, start, end), ws, r->start, we, r->end);
}

enum proto { PROTO_UDP, PROTO_TCP };

/* Something that holds ports of one transport on the listening address. */
struct user {
	enum proto proto;
	struct lk_range r;
	enum lk_key key, key_end;	/* key_end == key for a single port */
	unsigned zone;
};

#define USERS_MAX (16 + 2 * LK_ZONES_MAX + LK_MUX_PORTS_MAX)

static void user_add(struct user *u, unsigned *n, enum proto proto,
		     uint16_t start, uint16_t end, enum lk_key key,
		     enum lk_key key_end, unsigned zone)
{
	u[*n] = (struct user){proto, {start, end}, key, key_end, zone};
	++*n;
}

static void user_name(char *buf, size_t sz, const struct parser *p,
		      const struct user *u)
{
	char w1[200];

	where(w1, sizeof(w1), p, u->key, u->zone);
	if (u->key == u->key_end)
		snprintf(buf, sz, "%s port %u of %s",
			 u->proto == PROTO_UDP ? "UDP" : "TCP", u->r.start, w1);
	else
		snprintf(buf, sz, "%s range %u-%u of %s to end",
			 u->proto == PROTO_UDP ? "UDP" : "TCP", u->r.start,
			 u->r.end, w1);
}

/* Configured multiplexed ports may lie in the media range: taken out of it. */
static bool mux_in_media(const struct user *a, const struct user *b)
{
	return (a->key == LK_KEY_DEMUX_RTP_PORT ||
		a->key == LK_KEY_DEMUX_RTCP_PORT) &&
	       b->key == LK_KEY_MEDIA_START;
}

/*
 * Two listeners or ranges of one transport on one address cannot share a
 * port.  Different transports can: the seed's own defaults put the UDP TURN
 * relay range 24000-29999 beside the TCP outbound range 25000-29999, and
 * pre-X8 multiplexed media on UDP 2776/2777 beside the TCP Assent and
 * H.460.18 ports 2776/2777.  Multiplexed media ports inside the media range
 * are reserved out of it by design (seed footnote **), not a conflict.
 */
static void check_overlaps(struct parser *p)
{
	const struct lk_conf *c = p->conf;
	struct user u[USERS_MAX];
	unsigned n = 0, i, j;

	user_add(u, &n, PROTO_UDP, c->sip_udp_port, c->sip_udp_port,
		 LK_KEY_SIP_UDP_PORT, LK_KEY_SIP_UDP_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tcp_port, c->sip_tcp_port,
		 LK_KEY_SIP_TCP_PORT, LK_KEY_SIP_TCP_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tls_port, c->sip_tls_port,
		 LK_KEY_SIP_TLS_PORT, LK_KEY_SIP_TLS_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tcp_out.start, c->sip_tcp_out.end,
		 LK_KEY_SIP_TCP_OUT_START, LK_KEY_SIP_TCP_OUT_END, 0);
	user_add(u, &n, PROTO_UDP, c->h323_ras_port, c->h323_ras_port,
		 LK_KEY_H323_RAS_PORT, LK_KEY_H323_RAS_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->h323_callsig.start, c->h323_callsig.end,
		 LK_KEY_H323_CALLSIG_START, LK_KEY_H323_CALLSIG_END, 0);
	user_add(u, &n, PROTO_TCP, c->h323_q931_port, c->h323_q931_port,
		 LK_KEY_H323_Q931_PORT, LK_KEY_H323_Q931_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->assent_port, c->assent_port,
		 LK_KEY_ASSENT_PORT, LK_KEY_ASSENT_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->h46018_port, c->h46018_port,
		 LK_KEY_H46018_PORT, LK_KEY_H46018_PORT, 0);
	if (c->demux_configured) {
		user_add(u, &n, PROTO_UDP, c->demux_rtp_port, c->demux_rtp_port,
			 LK_KEY_DEMUX_RTP_PORT, LK_KEY_DEMUX_RTP_PORT, 0);
		user_add(u, &n, PROTO_UDP, c->demux_rtcp_port,
			 c->demux_rtcp_port, LK_KEY_DEMUX_RTCP_PORT,
			 LK_KEY_DEMUX_RTCP_PORT, 0);
	}
	user_add(u, &n, PROTO_UDP, c->media.start, c->media.end,
		 LK_KEY_MEDIA_START, LK_KEY_MEDIA_END, 0);
	if (c->turn_enabled)
		user_add(u, &n, PROTO_UDP, c->turn_listen.start,
			 c->turn_listen.end, LK_KEY_TURN_PORT_START,
			 LK_KEY_TURN_PORT_END, 0);
	user_add(u, &n, PROTO_UDP, c->turn_relay.start, c->turn_relay.end,
		 LK_KEY_TURN_RELAY_START, LK_KEY_TURN_RELAY_END, 0);
	user_add(u, &n, PROTO_TCP, c->tcp_ephemeral.start,
		 c->tcp_ephemeral.end, LK_KEY_TCP_EPHEMERAL_START,
		 LK_KEY_TCP_EPHEMERAL_END, 0);
	user_add(u, &n, PROTO_UDP, c->udp_ephemeral.start,
		 c->udp_ephemeral.end, LK_KEY_UDP_EPHEMERAL_START,
		 LK_KEY_UDP_EPHEMERAL_END, 0);
	if (!strcmp(c->ng_address, c->address))
		user_add(u, &n, PROTO_UDP, c->ng_port, c->ng_port,
			 LK_KEY_NG_LISTEN, LK_KEY_NG_LISTEN, 0);
	for (i = 0; i < c->nzones; i++) {
		user_add(u, &n, PROTO_TCP, c->zones[i].sip_port,
			 c->zones[i].sip_port, LK_KEY_ZONE_SIP_PORT,
			 LK_KEY_ZONE_SIP_PORT, i + 1);
		user_add(u, &n, PROTO_UDP, c->zones[i].h323_port,
			 c->zones[i].h323_port, LK_KEY_ZONE_H323_PORT,
			 LK_KEY_ZONE_H323_PORT, i + 1);
	}

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			char a[300], b[300];
			unsigned la, lb;

			if (u[i].proto != u[j].proto)
				continue;
			if (mux_in_media(&u[i], &u[j]) ||
			    mux_in_media(&u[j], &u[i]))
				continue;
			if (u[i].r.start > u[i].r.end ||
			    u[j].r.start > u[j].r.end)
				continue;	/* reported already */
			if (u[i].r.end < u[j].r.start ||
			    u[j].r.end < u[i].r.start)
				continue;
			user_name(a, sizeof(a), p, &u[i]);
			user_name(b, sizeof(b), p, &u[j]);
			la = u[i].zone ? p->conf->zone_line[u[i].zone - 1]
				[u[i].key - LK_KEY_ZONE_FIRST] :
				key_line(p, u[i].key, u[i].key_end);
			lb = u[j].zone ? p->conf->zone_line[u[j].zone - 1]
				[u[j].key - LK_KEY_ZONE_FIRST] :
				key_line(p, u[j].key, u[j].key_end);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s overlaps %s; two listeners or "
				 "ranges of one transport cannot share a port "
				 "on %s", p->name, la > lb ? la : lb, a, b,
				 c->address);
		}
	}
}

/* Seed footnotes ** and ***: which ports carry multiplexed media. */
static void derive_mux(struct parser *p)
{
	struct lk_conf *c = p->conf;
	unsigned i, want = c->size == LK_SIZE_LARGE ? 12 : 2;
	char w[200];

	c->nmux = 0;
	if (c->demux_configured) {
		if (c->demux_rtp_port == c->demux_rtcp_port) {
			where(w, sizeof(w), p, LK_KEY_DEMUX_RTCP_PORT, 0);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s = %u is the RTP port too; RTP and "
				 "RTCP need a port each (typically 2776 and "
				 "2777)", p->name,
				 key_line(p, LK_KEY_DEMUX_RTP_PORT,
					  LK_KEY_DEMUX_RTCP_PORT), w,
				 c->demux_rtcp_port);
			return;
		}
		if (c->size == LK_SIZE_LARGE)
			diag_add(p->diag, LK_CONF_WARNING,
				 "%s:%u: System size is large, whose "
				 "multiplexed media normally uses the first "
				 "12 ports of the media range (seed footnote "
				 "**); using the 2 configured ports instead",
				 p->name, p->conf->key_line
				 [LK_KEY_DEMUX_CONFIGURED]);
		c->mux_ports[0] = c->demux_rtp_port;
		c->mux_ports[1] = c->demux_rtcp_port;
		c->nmux = 2;
		return;
	}
	if (c->media.start > c->media.end ||
	    (unsigned)c->media.end - c->media.start + 1 < want + 2) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_START, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: the media range %u-%u is too small: a %s "
			 "system takes its first %u ports for multiplexed "
			 "media (seed footnote **) and needs at least one "
			 "RTP/RTCP pair beyond them", p->name,
			 key_line(p, LK_KEY_MEDIA_START, LK_KEY_MEDIA_END),
			 c->media.start, c->media.end,
			 lk_conf_size_name(c->size), want);
		return;
	}
	for (i = 0; i < want; i++)
		c->mux_ports[i] = (uint16_t)(c->media.start + i);
	c->nmux = want;
}

/* "file:line", or "file" alone for a message about no line in it. */
static const char *at(char *buf, size_t sz, const struct parser *p,
		      unsigned line)
{
	if (line)
		snprintf(buf, sz, "%s:%u", p->name, line);
	else
		snprintf(buf, sz, "%s", p->name);

	return buf;
}

static unsigned zone_key_line(const struct parser *p, unsigned zone,
			      enum lk_key key)
{
	return p->conf->zone_line[zone - 1][key - LK_KEY_ZONE_FIRST];
}

/*
 * The line a message about zone N as a whole points to: its section
 * header, else the Role line (which is what makes the zone's settings
 * matter), else none.
 */
static unsigned zone_msg_line(const struct parser *p, unsigned zone)
{
	if (p->zone_header[zone - 1])
		return p->zone_header[zone - 1];

	return p->conf->key_line[LK_KEY_ROLE];
}

/*
 * Each zone's client and server settings for the role.  Only the
 * configured zones (1..Traversal zone count) are checked.
 */
static void check_zones(struct parser *p)
{
	const struct lk_conf *c = p->conf;
	char w[200], a[300];
	unsigned z;

	for (z = 1; z <= c->nzones; z++) {
		const struct lk_zone_conf *zc = &c->zones[z - 1];

		if (zc->username[0] && !zc->password[0]) {
			where(w, sizeof(w), p, LK_KEY_ZONE_USERNAME, z);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s is set but Password is not: a zone "
				 "authenticates with both or with neither; set "
				 "Password in [Zones > Traversal Zone %u] too, "
				 "or remove Username", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_USERNAME), w,
				 z);
		}
		if (zc->password[0] && !zc->username[0]) {
			where(w, sizeof(w), p, LK_KEY_ZONE_PASSWORD, z);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s is set but Username is not: a zone "
				 "authenticates with both or with neither; set "
				 "Username in [Zones > Traversal Zone %u] too, "
				 "or remove Password", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_PASSWORD), w,
				 z);
		}

		if (c->role == LK_ROLE_CONTROL) {
			/* The default file must still start: a warning. */
			if (!zc->peer_address[0])
				diag_add(p->diag, LK_CONF_WARNING,
					 "%s: zone %u has no Peer address: it "
					 "will not connect; set Peer address in "
					 "[Zones > Traversal Zone %u] to the "
					 "numeric address of the Expressway",
					 at(a, sizeof(a), p,
					    zone_msg_line(p, z)), z, z);
			continue;
		}

		/* Expressway: the traversal server waits for clients. */
		if (zc->peer_address[0]) {
			where(w, sizeof(w), p, LK_KEY_ZONE_PEER_ADDRESS, z);
			diag_add(p->diag, LK_CONF_WARNING,
				 "%s:%u: %s = %s is ignored: System > Role is "
				 "expressway, the traversal server, which waits "
				 "for the Control to connect; only a control "
				 "connects out to a peer", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_PEER_ADDRESS),
				 w, zc->peer_address);
		}
		if (!zc->username[0] && !zc->password[0])
			diag_add(p->diag, LK_CONF_WARNING,
				 "%s: zone %u accepts traversal clients without "
				 "authentication; set Username and Password in "
				 "[Zones > Traversal Zone %u], and the same on "
				 "the Control's zone", at(a, sizeof(a), p,
				 zone_msg_line(p, z)), z, z);
	}
}

/*
 * The dial plan: routes were stored by number, routes[N - 1]; check each
 * set route's zone against the zone count, then close the gaps so that
 * routes[0 .. nroutes - 1] are the set routes in order of N.
 */
static void routes_finish(struct parser *p)
{
	struct lk_conf *c = p->conf;
	char w[200];
	unsigned n, i = 0;

	for (n = 1; n <= LK_ROUTES_MAX; n++) {
		enum lk_key key = (enum lk_key)(LK_KEY_ROUTE_1 + n - 1);
		struct lk_route_conf *r = &c->routes[n - 1];

		if (!c->key_line[key])
			continue;	/* unset, or its value was refused */
		if (r->kind == LK_ROUTE_ZONE && r->zone > c->nzones) {
			where(w, sizeof(w), p, LK_KEY_ZONE_COUNT, 0);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: Dial plan > Route %u = \"%s zone "
				 "%u\": zone %u is beyond %s = %u; name a "
				 "configured zone or raise the count", p->name,
				 c->key_line[key], n, r->pattern, r->zone,
				 r->zone, w, c->nzones);
		}
		if (i != n - 1)
			memcpy(&c->routes[i], r, sizeof(*r));
		++i;
	}
	c->nroutes = i;
	memset(&c->routes[i], 0, (LK_ROUTES_MAX - i) * sizeof(c->routes[0]));
}


/* 127.0.0.0/8 or ::1 (RFC 1122 s.3.2.1.3, RFC 4291 s.2.5.3). */
static bool is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);

	return false;
}

static void validate(struct parser *p)
{
	struct lk_conf *c = p->conf;
	char w[200];
	unsigned i;

	check_range(p, LK_KEY_SIP_TCP_OUT_START, LK_KEY_SIP_TCP_OUT_END,
		    &c->sip_tcp_out);
	check_range(p, LK_KEY_H323_CALLSIG_START, LK_KEY_H323_CALLSIG_END,
		    &c->h323_callsig);
	check_range(p, LK_KEY_MEDIA_START, LK_KEY_MEDIA_END, &c->media);
	check_range(p, LK_KEY_TURN_PORT_START, LK_KEY_TURN_PORT_END,
		    &c->turn_listen);
	check_range(p, LK_KEY_TURN_RELAY_START, LK_KEY_TURN_RELAY_END,
		    &c->turn_relay);
	check_range(p, LK_KEY_TCP_EPHEMERAL_START, LK_KEY_TCP_EPHEMERAL_END,
		    &c->tcp_ephemeral);
	check_range(p, LK_KEY_UDP_EPHEMERAL_START, LK_KEY_UDP_EPHEMERAL_END,
		    &c->udp_ephemeral);

	/* RTP on even ports, RTCP on the next odd one (RFC 3550 s.11). */
	if (c->media.start % 2) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_START, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u must be even: RTP takes the even "
			 "port of each pair and RTCP the odd one after it "
			 "(RFC 3550 s.11); try %u", p->name,
			 c->key_line[LK_KEY_MEDIA_START], w, c->media.start,
			 c->media.start + 1);
	}
	if (!(c->media.end % 2)) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_END, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u must be odd so that the last RTP "
			 "port has its RTCP port (RFC 3550 s.11); try %u",
			 p->name, c->key_line[LK_KEY_MEDIA_END], w,
			 c->media.end, c->media.end + 1 <= 65535 ?
			 c->media.end + 1 : c->media.end - 1);
	}

	/* Seed, ICE table, R: a TURN port range is for Large systems. */
	if (c->turn_listen.end > c->turn_listen.start &&
	    c->size != LK_SIZE_LARGE) {
		where(w, sizeof(w), p, LK_KEY_TURN_PORT_END, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u makes a range of TURN request ports, "
			 "which only Large systems have (seed, SIP - "
			 "additional ports for ICE, R); set it to %u or set "
			 "System size = large", p->name,
			 key_line(p, LK_KEY_TURN_PORT_START,
				  LK_KEY_TURN_PORT_END), w,
			 c->turn_listen.end, c->turn_listen.start);
	}

	for (i = 0; i < p->nentries; i++) {
		const struct entry *e = &p->entries[i];

		if (e->zone > c->nzones) {
			where(w, sizeof(w), p, LK_KEY_ZONE_COUNT, 0);
			diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: [Zones > Traversal Zone %u] is beyond "
				 "%s = %u; raise the count or remove the "
				 "section", p->name, e->line, e->zone, w,
				 c->nzones);
			break;
		}
	}

	/* rtpengine's ng protocol has no authentication of any kind. */
	if (!is_loopback(c->ng_address)) {
		where(w, sizeof(w), p, LK_KEY_NG_LISTEN, 0);
		diag_add(p->diag, LK_CONF_WARNING,
			 "%s:%u: %s = %s: the ng protocol has no "
			 "authentication, so anyone who reaches this address "
			 "can set up and delete sessions; keep it on loopback "
			 "or a management network only the SIP proxy reaches",
			 p->name, c->key_line[LK_KEY_NG_LISTEN], w,
			 c->ng_address);
	}

	/* The listening address is also the one the relay writes into SDP. */
	if (!strcmp(c->address, "0.0.0.0") || !strcmp(c->address, "::")) {
		where(w, sizeof(w), p, LK_KEY_ADDRESS, 0);
		diag_add(p->diag, LK_CONF_WARNING,
			 "%s:%u: %s = %s listens on every interface, but the "
			 "relay also writes this address into the SDP it "
			 "rewrites, where %s is no address an endpoint can "
			 "send to; give the address endpoints reach",
			 p->name, c->key_line[LK_KEY_ADDRESS], w, c->address,
			 c->address);
	}

	/* Registrar: the expiry bounds must nest. */
	if (c->reg_min_expires > c->reg_default_expires ||
	    c->reg_default_expires > c->reg_max_expires) {
		where(w, sizeof(w), p, LK_KEY_REG_DEFAULT_EXPIRES, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: Registrar: Minimum expiry = %u, %s = %u and "
			 "Maximum expiry = %u must be in that order "
			 "(minimum <= default <= maximum)", p->name,
			 key_line(p, LK_KEY_REG_MIN_EXPIRES,
				  LK_KEY_REG_MAX_EXPIRES) >
			 c->key_line[LK_KEY_REG_DEFAULT_EXPIRES] ?
			 key_line(p, LK_KEY_REG_MIN_EXPIRES,
				  LK_KEY_REG_MAX_EXPIRES) :
			 c->key_line[LK_KEY_REG_DEFAULT_EXPIRES],
			 c->reg_min_expires, w, c->reg_default_expires,
			 c->reg_max_expires);
	}
	if (c->reg_auth && !c->reg_users[0]) {
		where(w, sizeof(w), p, LK_KEY_REG_AUTH, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = yes but Registrar > Users is empty: "
			 "nobody could register; add \"Users = name:password"
			 "\"", p->name, c->key_line[LK_KEY_REG_AUTH], w);
	}
	if (c->sip_tls_key[0] && !c->sip_tls_cert[0]) {
		where(w, sizeof(w), p, LK_KEY_SIP_TLS_KEY, 0);
		diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s is set but Protocols > SIP > TLS "
			 "certificate is not; set both, or neither for a "
			 "self-signed certificate", p->name,
			 c->key_line[LK_KEY_SIP_TLS_KEY], w);
	}

	check_zones(p);
	routes_finish(p);
	derive_mux(p);
	check_overlaps(p);
}

/* Apply entries in an order where role, size and release come first. */
static void conf_build(struct parser *p)
{
	struct lk_conf *c = p->conf;
	enum lk_role role = LK_ROLE_EXPRESSWAY;
	enum lk_size size = LK_SIZE_SMALL;
	enum lk_release release = LK_RELEASE_NEW;
	const struct entry *e;
	struct lk_conf tmp;
	unsigned i;

	memset(&tmp, 0, sizeof(tmp));
	if ((e = entry_find(p, LK_KEY_ROLE)) && entry_apply(&tmp, e, NULL))
		role = tmp.role;
	if ((e = entry_find(p, LK_KEY_SIZE)) && entry_apply(&tmp, e, NULL))
		size = tmp.size;
	if ((e = entry_find(p, LK_KEY_RELEASE)) && entry_apply(&tmp, e, NULL))
		release = tmp.release;
	conf_defaults(c, role, size, release);
	memset(c->key_line, 0, sizeof(c->key_line));
	memset(c->zone_line, 0, sizeof(c->zone_line));

	for (i = 0; i < p->nentries; i++) {
		const char *why = NULL;

		e = &p->entries[i];
		if (!entry_apply(c, e, &why)) {
			entry_bad_value(p, e, why);
			continue;
		}
		if (e->key >= LK_KEY_ZONE_FIRST)
			c->zone_line[e->zone - 1][e->key - LK_KEY_ZONE_FIRST] =
				e->line;
		else
			c->key_line[e->key] = e->line;
	}
	validate(p);
}

int lk_conf_parse(struct lk_conf *conf, const char *name, const char *text,
		  size_t len, struct lk_conf_diag *diag)
{
	struct parser *p;

	if (!conf || !diag || (!text && len))
		return EINVAL;
	memset(diag, 0, sizeof(*diag));
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->name = name ? name : "(config)";
	p->conf = conf;
	p->diag = diag;
	if (text)
		parse_lines(p, text, len);
	conf_build(p);
	snprintf(conf->path, sizeof(conf->path), "%s", name ? name : "");
	free(p);

	return diag->nerrors ? EINVAL : 0;
}

int lk_conf_load(struct lk_conf *conf, const char *path,
		 struct lk_conf_diag *diag)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int err;

	if (!conf || !diag)
		return EINVAL;
	if (!path)
		return lk_conf_parse(conf, NULL, NULL, 0, diag);

	f = fopen(path, "r");
	if (!f) {
		err = errno;
		lk_conf_parse(conf, path, NULL, 0, diag);
		memset(diag, 0, sizeof(*diag));
		diag_add(diag, LK_CONF_ERROR, "%s: cannot open: %s", path,
			 strerror(err));
		return err;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *t;

			/* A configuration file is small; 1 MiB is plenty. */
			if (cap >= (1u << 20)) {
				fclose(f);
				free(text);
				lk_conf_parse(conf, path, NULL, 0, diag);
				memset(diag, 0, sizeof(*diag));
				diag_add(diag, LK_CONF_ERROR, "%s: larger than "
					 "1 MiB; is this the right file?", path);
				return EFBIG;
			}
			cap = cap ? cap * 2 : 4096;
			t = realloc(text, cap);
			if (!t) {
				fclose(f);
				free(text);
				return ENOMEM;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = errno ? errno : EIO;
		fclose(f);
		free(text);
		lk_conf_parse(conf, path, NULL, 0, diag);
		memset(diag, 0, sizeof(*diag));
		diag_add(diag, LK_CONF_ERROR, "%s: read error: %s", path,
			 strerror(err));
		return err;
	}
	fclose(f);
	err = lk_conf_parse(conf, path, text, len, diag);
	free(text);

	return err;
}

/*
 * Printing
 */

/* The set route "Route N", or NULL. */
static const struct lk_route_conf *route_by_number(const struct lk_conf *c,
						   unsigned n)
{
	unsigned i;

	for (i = 0; i < c->nroutes && i < LK_ROUTES_MAX; i++) {
		if (c->routes[i].number == n)
			return &c->routes[i];
	}

	return NULL;
}

/* Every part spelt out, the port and transport too: the effective route. */
static void route_text(char *buf, size_t sz, const struct lk_route_conf *r)
{
	if (!r) {
		snprintf(buf, sz, "%s", "");
		return;
	}
	if (r->kind == LK_ROUTE_ZONE)
		snprintf(buf, sz, "%s zone %u", r->pattern, r->zone);
	else
		snprintf(buf, sz, strchr(r->host, ':') ? "%s host [%s]:%u %s" :
			 "%s host %s:%u %s", r->pattern, r->host, r->port,
			 lk_conf_route_transport_name(r->transport));
}

static void value_text(char *buf, size_t sz, const struct lk_conf *c,
		       enum lk_key key, unsigned zone)
{
	const struct key_def *kd = &keys[key];
	const char *base = key >= LK_KEY_ZONE_FIRST ?
		(const char *)&c->zones[zone ? zone - 1 : 0] : (const char *)c;
	const void *field = base + kd->offset;

	switch (kd->type) {

	case KT_PORT:
		snprintf(buf, sz, "%u", *(const uint16_t *)field);
		break;
	case KT_BOOL:
		snprintf(buf, sz, "%s", *(const bool *)field ? "yes" : "no");
		break;
	case KT_ROLE:
		snprintf(buf, sz, "%s", lk_conf_role_name(c->role));
		break;
	case KT_SIZE:
		snprintf(buf, sz, "%s", lk_conf_size_name(c->size));
		break;
	case KT_RELEASE:
		snprintf(buf, sz, "%s", lk_conf_release_name(c->release));
		break;
	case KT_ORDER:
		snprintf(buf, sz, "%s", order_names[c->port_order & 1]);
		break;
	case KT_TRANSPORT:
		snprintf(buf, sz, "%s", transport_names
			 [*(const enum lk_zone_transport *)field & 1]);
		break;
	case KT_ADDRESS:
	case KT_NAME:
	case KT_LOGLEVEL:
	case KT_PATH:
	case KT_USERS:
	case KT_DOMAINS:
	case KT_USERNAME:
	case KT_PASSWORD:
		snprintf(buf, sz, "%s", (const char *)field);
		break;
	case KT_ROUTE:
		route_text(buf, sz, route_by_number(c, (unsigned)(key -
			   LK_KEY_ROUTE_1) + 1));
		break;
	case KT_LISTEN:
		snprintf(buf, sz, strchr(c->ng_address, ':') ? "[%s]:%u" :
			 "%s:%u", c->ng_address, c->ng_port);
		break;
	case KT_UINT:
		snprintf(buf, sz, "%u", *(const unsigned *)field);
		break;
	}
}

static void print_key(FILE *f, const struct lk_conf *c, enum lk_key key,
		      unsigned zone)
{
	unsigned line = key >= LK_KEY_ZONE_FIRST ?
		c->zone_line[zone ? zone - 1 : 0][key - LK_KEY_ZONE_FIRST] :
		c->key_line[key];
	char val[300], left[400];

	value_text(val, sizeof(val), c, key, zone);
	/* An unset optional key prints as a comment, so the output loads. */
	if (!val[0]) {
		fprintf(f, "# %s =  # default: unset; %s\n", keys[key].name,
			keys[key].help);
		return;
	}
	snprintf(left, sizeof(left), "%s = %s", keys[key].name, val);
	if (line)
		fprintf(f, "%-50s # line %u\n", left, line);
	else
		fprintf(f, "%-50s # default%s%s\n", left,
			keys[key].seed[0] ? "; seed: " : "", keys[key].seed);
}

/*
 * The set routes, in order, each as "Route N = ..." with its line; the
 * unset numbers in one comment rather than sixteen.
 */
static void print_routes(FILE *f, const struct lk_conf *c)
{
	unsigned n, first = 0;
	bool any = false;

	fprintf(f, "# Route N = %s; the first match wins\n", ROUTE_SYNTAX);
	for (n = 1; n <= LK_ROUTES_MAX; n++) {
		if (route_by_number(c, n))
			print_key(f, c, (enum lk_key)(LK_KEY_ROUTE_1 + n - 1),
				  0);
	}
	/* Runs of unset numbers: "# unset: Route 2, Route 4-16". */
	fprintf(f, "# unset:");
	for (n = 1; n <= LK_ROUTES_MAX + 1; n++) {
		if (n <= LK_ROUTES_MAX && !route_by_number(c, n)) {
			if (!first)
				first = n;
			continue;
		}
		if (!first)
			continue;
		fprintf(f, "%s Route %u", any ? "," : "", first);
		if (n - 1 > first)
			fprintf(f, "-%u", n - 1);
		any = true;
		first = 0;
	}
	fprintf(f, "%s\n", any ? "" : " none");
}

void lk_conf_print(const struct lk_conf *c, FILE *f)
{
	const char *section = NULL;
	unsigned k, z, i;

	fprintf(f, "# latchkey effective configuration%s%s\n",
		c->path[0] ? " from " : " (built-in defaults)", c->path);
	fprintf(f, "# \"# default\" marks values not set in the file.\n");
	for (k = 0; k < LK_KEY_ZONE_FIRST; k++) {
		if (!section || strcmp(section, keys[k].section)) {
			section = keys[k].section;
			fprintf(f, "\n[%s]\n", section);
		}
		if (keys[k].type == KT_ROUTE) {
			print_routes(f, c);
			k = LK_KEY_ROUTE_16;
			continue;
		}
		print_key(f, c, (enum lk_key)k, 0);
	}
	for (z = 1; z <= c->nzones; z++) {
		fprintf(f, "\n[Zones > Traversal Zone %u]\n", z);
		for (k = LK_KEY_ZONE_FIRST; k < LK_KEY__COUNT; k++)
			print_key(f, c, (enum lk_key)k, z);
	}
	fprintf(f, "\n# Derived: multiplexed media ports (seed footnotes ** "
		"and ***):");
	for (i = 0; i < c->nmux; i++)
		fprintf(f, " %u/%s", c->mux_ports[i], i % 2 ? "RTCP" : "RTP");
	fprintf(f, "\n");
}
