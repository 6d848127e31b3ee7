/* config/conf.h  The configuration file, the seed's defaults, validation. */
#ifndef LK_CONF_H
#define LK_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Every default below is the one the seed document (Cisco VCS X8.2 IP Port
 * Usage for Firewall Traversal, D14606.06) gives for a new X8.1-or-later
 * installation; `System > Release defaults` selects the seed's "upgraded
 * from an earlier release" values instead.  docs/configuration.md lists
 * every key with the seed section it comes from.
 */

enum lk_role {
	LK_ROLE_CONTROL = 0,	/* VCS Control: private network, traversal client */
	LK_ROLE_EXPRESSWAY,	/* VCS Expressway: DMZ, traversal server */
};

enum lk_size {
	LK_SIZE_SMALL = 0,
	LK_SIZE_MEDIUM,
	LK_SIZE_LARGE,		/* 12 multiplexed media ports, TURN 3478-3483 */
};

enum lk_release {
	LK_RELEASE_NEW = 0,	/* new installation of X8.1 or later */
	LK_RELEASE_UPGRADED,	/* upgraded to X8.1 from an earlier X8 release */
	LK_RELEASE_PRE_X8,	/* upgraded from before X8: mux on 2776/2777 */
};

/* [Protocols > H.323 > Gatekeeper] Registration conflict mode. */
enum lk_h323_conflict {
	LK_H323_CONFLICT_REJECT = 0,	/* RRJ duplicateAlias */
	LK_H323_CONFLICT_OVERWRITE,	/* the older registration goes */
};

enum lk_port_order {
	LK_PORT_ORDER_RANDOM = 0,
	LK_PORT_ORDER_SEQUENTIAL,
};

/* [Media] Kernel forwarding (relay/kfwd.h, docs/architecture.md). */
enum lk_kfwd_mode {
	LK_KFWD_OFF = 0,
	LK_KFWD_AUTO,		/* use it when the program loads, else say why */
	LK_KFWD_ON,		/* refuse to start without it */
};

enum lk_zone_transport {
	LK_ZONE_TLS = 0,
	LK_ZONE_TCP,
};

/*
 * The Expressway's "Media encryption mode" of a zone (docs/srtp.md): what
 * the relay does about SRTP on the calls' legs facing that zone.
 */
enum lk_media_encryption {
	LK_MEDIA_ENC_AUTO = 0,		/* whatever the endpoints say */
	LK_MEDIA_ENC_FORCE_ENCRYPTED,
	LK_MEDIA_ENC_FORCE_UNENCRYPTED,
	LK_MEDIA_ENC_BEST_EFFORT,
};

/* An inclusive port range; start <= end once validated. */
struct lk_range {
	uint16_t start;
	uint16_t end;
};

/*
 * Configuration keys.  A key is named by its section and its name, after
 * the seed's menu paths: "Protocols > SIP" + "TCP outbound port start".
 * Keys from LK_KEY_ZONE_FIRST on exist once per traversal zone, in the
 * section "Zones > Traversal Zone N".
 */
enum lk_key {
	/* System */
	LK_KEY_ROLE = 0,
	LK_KEY_SIZE,
	LK_KEY_RELEASE,
	LK_KEY_ADDRESS,
	LK_KEY_LOG_LEVEL,
	/* Protocols > SIP */
	LK_KEY_SIP_UDP_PORT,
	LK_KEY_SIP_TCP_PORT,
	LK_KEY_SIP_TLS_PORT,
	LK_KEY_SIP_TCP_OUT_START,
	LK_KEY_SIP_TCP_OUT_END,
	LK_KEY_SIP_TLS_CERT,
	LK_KEY_SIP_TLS_KEY,
	/* Protocols > H.323 > Gatekeeper */
	LK_KEY_H323_RAS_PORT,
	LK_KEY_H323_CALLSIG_START,
	LK_KEY_H323_CALLSIG_END,
	LK_KEY_H323_TTL,
	LK_KEY_H323_CALL_TTL,
	LK_KEY_H323_AUTO_DISCOVER,
	LK_KEY_H323_CONFLICT,
	/* Protocols > H.323 */
	LK_KEY_H323_MODE,
	LK_KEY_H323_Q931_PORT,
	LK_KEY_H46019_KEEPALIVE,
	/* Traversal > Ports */
	LK_KEY_ASSENT_PORT,
	LK_KEY_H46018_PORT,
	LK_KEY_DEMUX_CONFIGURED,
	LK_KEY_DEMUX_RTP_PORT,
	LK_KEY_DEMUX_RTCP_PORT,
	/* Local Zone > Traversal Subzone */
	LK_KEY_MEDIA_START,
	LK_KEY_MEDIA_END,
	/* TURN */
	LK_KEY_TURN_ENABLED,
	LK_KEY_TURN_PORT_START,
	LK_KEY_TURN_PORT_END,
	LK_KEY_TURN_RELAY_START,
	LK_KEY_TURN_RELAY_END,
	/* TURN server (issue 12; docs/turn.md): one block */
	LK_KEY_TURN_REALM,
	LK_KEY_TURN_USERS,
	LK_KEY_TURN_SECRET,
	LK_KEY_TURN_ALLOWED,
	LK_KEY_TURN_DENIED,
	LK_KEY_TURN_PER_USER,
	LK_KEY_TURN_TOTAL,
	LK_KEY_TURN_MAX_LIFETIME,
	LK_KEY_TURN_TCP,
	/* System > Ephemeral ports */
	LK_KEY_TCP_EPHEMERAL_START,
	LK_KEY_TCP_EPHEMERAL_END,
	LK_KEY_UDP_EPHEMERAL_START,
	LK_KEY_UDP_EPHEMERAL_END,
	/* Session control (rtpengine ng protocol) */
	LK_KEY_NG_LISTEN,
	/* Management (docs/management.md; seed: Administration, 80/443) */
	LK_KEY_MGMT_ADDRESS,
	LK_KEY_MGMT_HTTP_PORT,
	LK_KEY_MGMT_HTTPS_PORT,
	LK_KEY_MGMT_TLS_CERT,
	LK_KEY_MGMT_TLS_KEY,
	LK_KEY_MGMT_TOKEN,
	/* Media */
	LK_KEY_MEDIA_TIMEOUT,
	LK_KEY_FINAL_TIMEOUT,
	LK_KEY_PORT_COOLDOWN,
	LK_KEY_PORT_ORDER,
	LK_KEY_WORKERS,
	LK_KEY_LATCH_ANY_SOURCE,
	LK_KEY_KERNEL_FORWARDING,
	LK_KEY_KFWD_INTERFACES,
	/* Local Zone */
	LK_KEY_LOCAL_MEDIA_ENCRYPTION,
	/* Registrar */
	LK_KEY_REG_DOMAIN,
	LK_KEY_REG_MIN_EXPIRES,
	LK_KEY_REG_DEFAULT_EXPIRES,
	LK_KEY_REG_MAX_EXPIRES,
	LK_KEY_REG_AUTH,
	LK_KEY_REG_REALM,
	LK_KEY_REG_USERS,
	/* Dial plan: "Route 1" .. "Route 16", in this order */
	LK_KEY_ROUTE_1,
	LK_KEY_ROUTE_16 = LK_KEY_ROUTE_1 + 15,
	/* Zones */
	LK_KEY_ZONE_COUNT,
	/* Zones > Traversal Zone N (per zone) */
	LK_KEY_ZONE_NAME,
	LK_KEY_ZONE_SIP_PORT,
	LK_KEY_ZONE_H323_PORT,
	LK_KEY_ZONE_SIP_TRANSPORT,
	LK_KEY_ZONE_PEER_ADDRESS,
	LK_KEY_ZONE_USERNAME,
	LK_KEY_ZONE_PASSWORD,
	LK_KEY_ZONE_KEEPALIVE,
	LK_KEY_ZONE_RETRY,
	LK_KEY_ZONE_MEDIA_ENCRYPTION,

	LK_KEY__COUNT
};

#define LK_KEY_ZONE_FIRST LK_KEY_ZONE_NAME
#define LK_ZONES_MAX 16
#define LK_ROUTES_MAX 16
#define LK_MUX_PORTS_MAX 12
#define LK_CONF_DIAG_MAX 64

/* One traversal zone: "Zones > Traversal Zone N". */
struct lk_zone_conf {
	unsigned number;		/* N, from 1 */
	char name[64];
	uint16_t sip_port;		/* seed B: 7001 for zone 1, 7002 ... */
	uint16_t h323_port;		/* seed D: 6001 for zone 1, 6002 ... */
	enum lk_zone_transport sip_transport;

	/*
	 * The traversal client (role control) connects out to `peer_address`
	 * on the zone's SIP port over its SIP transport, sends OPTIONS every
	 * `keepalive_interval` seconds, and after a failure reconnects after
	 * 1 s, doubling up to `retry_interval`.  The traversal server (role
	 * expressway) ignores the peer address and, when `username` is set,
	 * demands digest credentials from a client; the client answers a
	 * challenge with them.  Both unset: no authentication.
	 */
	char peer_address[64];		/* numeric; "" unset */
	char username[64];		/* "" unset */
	char password[64];		/* "" unset */
	unsigned keepalive_interval;	/* seconds, 1-3600; default 30 */
	unsigned retry_interval;	/* seconds, 1-3600; default 60 */
	enum lk_media_encryption media_encryption;	/* default auto */
};

enum lk_route_kind {
	LK_ROUTE_ZONE = 0,	/* out through a traversal zone */
	LK_ROUTE_HOST,		/* straight to a SIP host */
};

enum lk_route_transport {
	LK_ROUTE_UDP = 0,
	LK_ROUTE_TCP,
	LK_ROUTE_TLS,
	LK_ROUTE_H323,		/* an H.323 endpoint's call signalling */
};

/*
 * One "[Dial plan] Route N": a Request-URI whose "user@host" matches
 * `pattern` ('*' any run, '?' one character, case-insensitive) goes to
 * traversal zone `zone`, or to `host`:`port` over `transport`.
 */
struct lk_route_conf {
	unsigned number;		/* N of "Route N", 1..16 */
	char pattern[128];		/* contains one '@' */
	enum lk_route_kind kind;
	unsigned zone;			/* LK_ROUTE_ZONE: 1..nzones */
	char host[64];			/* LK_ROUTE_HOST: numeric address */
	uint16_t port;			/* LK_ROUTE_HOST: 5060, tls 5061,
					 * h323 1720 */
	enum lk_route_transport transport;	/* LK_ROUTE_HOST: udp */
};

/*
 * The effective configuration: plain data, read by every module.  Only
 * lk_conf_load() and lk_conf_parse() write it.
 */
struct lk_conf {
	char path[256];			/* file it came from, or "" */

	enum lk_role role;
	enum lk_size size;
	enum lk_release release;
	char address[64];		/* listening address, numeric */
	char log_level[16];

	/* Protocols > SIP */
	uint16_t sip_udp_port;		/* seed C: 5060 */
	uint16_t sip_tcp_port;		/* seed K: 5060 */
	uint16_t sip_tls_port;		/* seed L: 5061 */
	struct lk_range sip_tcp_out;	/* seed A: 25000-29999 */
	char sip_tls_cert[256];		/* PEM path; "": self-signed at start */
	char sip_tls_key[256];		/* PEM path; "": with the certificate */

	/* Protocols > H.323 (> Gatekeeper) */
	uint16_t h323_ras_port;		/* seed R_C/R_E: 1719 */
	struct lk_range h323_callsig;	/* seed P: 15000-19999 */
	uint16_t h323_q931_port;	/* seed M: 1720 */
	unsigned h323_ttl;		/* RCF timeToLive, seconds: 1800 */
	unsigned h323_call_ttl;		/* ACF irrFrequency, seconds: 120 */
	bool h323_auto_discover;	/* GRQ answered: yes */
	enum lk_h323_conflict h323_conflict;	/* reject */
	bool h323_mode;			/* H.323 served at all: yes */
	unsigned h46019_keepalive;	/* H.460.19 keepAliveInterval, s: 19 */

	/* Traversal > Ports */
	uint16_t assent_port;		/* seed T: 2776 */
	uint16_t h46018_port;		/* seed U: 2777 */
	bool demux_configured;
	uint16_t demux_rtp_port;	/* seed ***: 2776 */
	uint16_t demux_rtcp_port;	/* seed ***: 2777 */

	/* Local Zone > Traversal Subzone */
	struct lk_range media;		/* seed Y_C/Y_E: 36000-59999 */

	/* TURN */
	bool turn_enabled;
	struct lk_range turn_listen;	/* seed R: 3478 (to 3483 on Large) */
	struct lk_range turn_relay;	/* seed: 24000-29999 */
	/* TURN server (docs/turn.md): one block */
	char turn_realm[64];
	char turn_users[256];		/* "name:password, ..."; never printed */
	char turn_secret[128];		/* REST credentials; never printed */
	char turn_allowed[512];		/* CIDRs by comma, after the deny list */
	char turn_denied[512];		/* CIDRs by comma, added to it */
	unsigned turn_per_user;		/* allocations per user; 0: no cap */
	unsigned turn_total;		/* allocations in all; 0: the range */
	unsigned turn_max_lifetime;	/* seconds */
	bool turn_tcp;			/* also TCP on the request ports */

	/* System > Ephemeral ports */
	struct lk_range tcp_ephemeral;	/* seed Ue: 30000-35999 */
	struct lk_range udp_ephemeral;	/* seed Ve: 30000-35999 */

	/* Session control */
	char ng_address[64];		/* default 127.0.0.1 */
	uint16_t ng_port;		/* default 2223 */

	/* Management (docs/management.md) */
	char mgmt_address[64];		/* default 127.0.0.1 */
	uint16_t mgmt_http_port;	/* seed Administration: 80 */
	uint16_t mgmt_https_port;	/* seed Administration: 443 */
	char mgmt_tls_cert[256];	/* unset: as SIP TLS */
	char mgmt_tls_key[256];
	char mgmt_token[128];		/* unset: no token; never printed */

	/* Media */
	unsigned media_timeout;		/* seconds without media, then delete */
	unsigned final_timeout;		/* seconds, cap on any session's life */
	unsigned port_cooldown;		/* seconds a freed port rests */
	enum lk_port_order port_order;
	unsigned workers;		/* media threads; 0 = one per core */
	bool latch_any_source;		/* first packet from any IP latches */
	enum lk_kfwd_mode kernel_forwarding;
	char kfwd_interfaces[64];	/* by comma; "" only lo */

	/* Local Zone: registered endpoints and host routes (docs/srtp.md) */
	enum lk_media_encryption local_media_encryption;

	/* Registrar (docs/sip.md) */
	char reg_domain[256];		/* "*" any, else "a.example, b" */
	unsigned reg_min_expires;	/* seconds; shorter: 423 */
	unsigned reg_default_expires;	/* when REGISTER names none */
	unsigned reg_max_expires;	/* longer is cut down to this */
	bool reg_auth;			/* digest authentication */
	char reg_realm[64];
	char reg_users[256];		/* "alice:secret, bob:pw" */

	/* Dial plan: the set routes in order of N (numbers may skip) */
	unsigned nroutes;
	struct lk_route_conf routes[LK_ROUTES_MAX];

	/* Zones */
	unsigned nzones;
	struct lk_zone_conf zones[LK_ZONES_MAX];

	/*
	 * Derived by validation: the multiplexed media ports as RTP/RTCP
	 * pairs (mux_ports[2i] RTP, mux_ports[2i+1] RTCP).  2 ports on
	 * Small/Medium (configured, or the first two of the media range),
	 * the first 12 of the media range on Large, 2776/2777 on systems
	 * upgraded from before X8 (seed: footnotes ** and ***).
	 */
	unsigned nmux;
	uint16_t mux_ports[LK_MUX_PORTS_MAX];

	/* Where each value came from: 0 = default, else the file's line. */
	unsigned key_line[LK_KEY__COUNT];
	unsigned zone_line[LK_ZONES_MAX][LK_KEY__COUNT - LK_KEY_ZONE_FIRST];
};

enum lk_conf_severity {
	LK_CONF_ERROR = 0,
	LK_CONF_WARNING,
};

/* One message: names the file, line, key and what is valid. */
struct lk_conf_msg {
	enum lk_conf_severity severity;
	unsigned line;			/* of the file; 0: none */
	char text[640];
};

/* Messages from loading, in order of their line. */
struct lk_conf_diag {
	unsigned n;
	unsigned nerrors;
	unsigned dropped;		/* messages past LK_CONF_DIAG_MAX */
	struct lk_conf_msg msg[LK_CONF_DIAG_MAX];
};

/*
 * Load the configuration from `path`, or only the defaults when `path` is
 * NULL.  Returns 0, or EINVAL when the file has errors (all of them are in
 * `diag`), or the errno of opening or reading the file.  Warnings are in
 * `diag` either way.  `conf` is fully written in every case, so that a
 * caller may print what was understood.
 */
int lk_conf_load(struct lk_conf *conf, const char *path,
		 struct lk_conf_diag *diag);

/* The same from text in memory; `name` stands for the file in messages. */
int lk_conf_parse(struct lk_conf *conf, const char *name, const char *text,
		  size_t len, struct lk_conf_diag *diag);

/*
 * Print the diagnostics, one per line, to `f`, as "error: TEXT" and
 * "warning: TEXT".  lk_conf_diag_print_errors() leaves the warnings out:
 * for tools whose output is not the daemon's start (latchkey ports).
 */
void lk_conf_diag_print(const struct lk_conf_diag *diag, FILE *f);
void lk_conf_diag_print_errors(const struct lk_conf_diag *diag, FILE *f);

/*
 * Print the effective configuration in the file format, every key, each
 * value taken from the defaults marked "# default".  Loading the output
 * gives the same configuration.
 */
void lk_conf_print(const struct lk_conf *conf, FILE *f);

/* "Protocols > SIP" and "TCP outbound port start" for a key. */
const char *lk_conf_key_section(enum lk_key key);
const char *lk_conf_key_name(enum lk_key key);
/* The seed section and letter the key's default comes from, or "". */
const char *lk_conf_key_seed(enum lk_key key);
/*
 * The key's full path for messages and the port matrix:
 * "Protocols > SIP > TCP outbound port start", or for a zone key
 * "Zones > Traversal Zone 2 > SIP port" (zone numbers from 1).
 */
void lk_conf_key_path(char *buf, size_t sz, enum lk_key key, unsigned zone);

bool lk_conf_is_mux_port(const struct lk_conf *conf, uint16_t port);

const char *lk_conf_role_name(enum lk_role role);
const char *lk_conf_size_name(enum lk_size size);
const char *lk_conf_release_name(enum lk_release release);
const char *lk_conf_route_transport_name(enum lk_route_transport tp);

#endif
