/*
 * config/conf_keys.c  The key table, the names of values, the defaults.
 *
 * One row per key (section, name, type, field, seed row, help) and the
 * seed's default for every field, for each role, size and release.  The
 * other parts of config/ (lexer, checks, printer) are driven by this table.
 */
#include <stdio.h>
#include <string.h>

#include "conf_keys.h"

#define CO(f) offsetof(struct lk_conf, f)
#define ZO(f) offsetof(struct lk_zone_conf, f)
#define ROUTE_SYNTAX LK_CONF_ROUTE_SYNTAX


/*
 * "[Dial plan] Route N": the offset is unused (routes are kept in order of
 * N, without gaps, in lk_conf.routes; see routes_finish()).
 */
#define ROUTE_KEY(n) [LK_KEY_ROUTE_1 + (n) - 1] = {"Dial plan", \
	"Route " #n, KT_ROUTE, 0, 0, 0, "", ROUTE_SYNTAX "; the first " \
	"route whose pattern matches user@host of the Request-URI wins"}

const struct lk_conf_key_def lk_conf_keys[LK_KEY__COUNT] = {
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
	[LK_KEY_H323_CALL_TTL] = {"Protocols > H.323 > Gatekeeper",
		"Call time to live", KT_UINT, CO(h323_call_ttl), 60, 65534, "",
		"seconds between an endpoint's in-call IRRs (ACF "
		"irrFrequency)"},
	[LK_KEY_H323_AUTO_DISCOVER] = {"Protocols > H.323 > Gatekeeper",
		"Auto discover", KT_BOOL, CO(h323_auto_discover), 0, 0, "",
		"yes: gatekeeper discovery requests (GRQ) get an answer; no: "
		"they are not answered"},
	[LK_KEY_H323_CONFLICT] = {"Protocols > H.323 > Gatekeeper",
		"Registration conflict mode", KT_CONFLICT, CO(h323_conflict),
		0, 0, "", "an RRQ for an alias another endpoint holds: reject "
		"(RRJ duplicateAlias) or overwrite (the older registration is "
		"unregistered with a URQ)"},
	[LK_KEY_H323_MODE] = {"Protocols > H.323", "H.323 mode", KT_BOOL,
		CO(h323_mode), 0, 0, "", "no: the gatekeeper is not started "
		"(RAS datagrams are counted and dropped)"},
	[LK_KEY_H323_Q931_PORT] = {"Protocols > H.323",
		"Call signaling TCP port", KT_PORT, CO(h323_q931_port), 0, 0,
		"H.323 traversal call using H.460.18 / 19, M",
		"Q.931/H.225 call signalling"},
	[LK_KEY_H46019_KEEPALIVE] = {"Protocols > H.323",
		"H.460.19 keep-alive interval", KT_UINT, CO(h46019_keepalive),
		1, 3600, "", "seconds between the RTP keep-alives an H.460.19 "
		"endpoint is told to send (keepAliveInterval)"},

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
	/* TURN server (issue 12; docs/turn.md): one block. */
	[LK_KEY_TURN_REALM] = {"TURN", "Realm", KT_NAME, CO(turn_realm), 0,
		0, "", "the long-term credential realm (RFC 8656 s.9)"},
	[LK_KEY_TURN_USERS] = {"TURN", "Users", KT_SECRET_USERS,
		CO(turn_users), 0, 0, "", "name:password, ... (long-term "
		"credentials; never printed)"},
	[LK_KEY_TURN_SECRET] = {"TURN", "Shared secret", KT_SECRET,
		CO(turn_secret), 0, 0, "", "REST credentials as coturn's "
		"use-auth-secret; unset: off; never printed"},
	[LK_KEY_TURN_ALLOWED] = {"TURN", "Allowed peers", KT_CIDRS,
		CO(turn_allowed), 0, 0, "", "CIDRs by comma that open the "
		"built-in deny list (e.g. 127.0.0.1 for loopback labs)"},
	[LK_KEY_TURN_DENIED] = {"TURN", "Denied peers", KT_CIDRS,
		CO(turn_denied), 0, 0, "", "CIDRs by comma denied on top of "
		"the built-in list"},
	[LK_KEY_TURN_PER_USER] = {"TURN", "Allocations per user", KT_UINT,
		CO(turn_per_user), 0, 100000, "",
		"more gets 486 Allocation Quota Reached; 0: no cap"},
	[LK_KEY_TURN_TOTAL] = {"TURN", "Total allocations", KT_UINT,
		CO(turn_total), 0, 100000, "",
		"more gets 486; 0: as many as the relay range holds"},
	[LK_KEY_TURN_MAX_LIFETIME] = {"TURN", "Maximum lifetime", KT_UINT,
		CO(turn_max_lifetime), 600, 86400, "",
		"seconds an allocation may ask for (RFC 8656 s.7.2)"},
	[LK_KEY_TURN_TCP] = {"TURN", "TURN over TCP", KT_BOOL,
		CO(turn_tcp), 0, 0, "",
		"also take TURN over TCP on the TURN request ports (RFC 8656 "
		"s.3.1; beyond the seed, which lists UDP only)"},

	[LK_KEY_TCP_EPHEMERAL_START] = {"System > Ephemeral ports",
		"TCP ephemeral port start", KT_PORT, CO(tcp_ephemeral.start),
		0, 0, "Administration, Ue", "TCP source ports of LDAP, UC, "
		"..."},
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

	[LK_KEY_MGMT_ADDRESS] = {"Management", "Address", KT_ADDRESS,
		CO(mgmt_address), 0, 0, "", "numeric address of the HTTP and "
		"HTTPS management listeners; loopback unless you mean it"},
	[LK_KEY_MGMT_HTTP_PORT] = {"Management", "HTTP port", KT_PORT,
		CO(mgmt_http_port), 0, 0, "Administration, http",
		"status, metrics and the status page over HTTP"},
	[LK_KEY_MGMT_HTTPS_PORT] = {"Management", "HTTPS port", KT_PORT,
		CO(mgmt_https_port), 0, 0, "Administration, https",
		"the same over HTTPS"},
	[LK_KEY_MGMT_TLS_CERT] = {"Management", "TLS certificate", KT_PATH,
		CO(mgmt_tls_cert), 0, 0, "", "PEM certificate (chain) of "
		"the HTTPS port; unset: as Protocols > SIP > TLS certificate"},
	[LK_KEY_MGMT_TLS_KEY] = {"Management", "TLS private key", KT_PATH,
		CO(mgmt_tls_key), 0, 0, "", "its PEM private key"},
	[LK_KEY_MGMT_TOKEN] = {"Management", "Access token", KT_SECRET,
		CO(mgmt_token), 0, 0, "", "when set, every path but /metrics "
		"needs it (Bearer, or Basic with it as password); "
		"never printed"},

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
	[LK_KEY_LATCH_ANY_SOURCE] = {"Media", "Latch from any address",
		KT_BOOL, CO(latch_any_source), 0, 0, "",
		"before a leg latches, accept its first packet from any IP, "
		"not only its signalling's or its SDP's (carrier-grade NATs)"},
	[LK_KEY_KERNEL_FORWARDING] = {"Media", "Kernel forwarding", KT_KFWD,
		CO(kernel_forwarding), 0, 0, "",
		"off, auto or on: forward latched RTP in the kernel (eBPF, "
		"IPv4 and IPv6); auto falls back to user "
		"space and says why, on refuses to start without it"},
	[LK_KEY_KFWD_INTERFACES] = {"Media", "Kernel forwarding interfaces",
		KT_NAME, CO(kfwd_interfaces), 0, 0, "",
		"interfaces by comma whose arriving media the kernel may "
		"forward (besides lo), e.g. eth0, eth1"},

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

	[LK_KEY_LOCAL_MEDIA_ENCRYPTION] = {"Local Zone",
		"Media encryption mode", KT_ENCRYPTION,
		CO(local_media_encryption), 0, 0, "",
		"auto, force encrypted, force unencrypted or best effort: SRTP "
		"on the legs of registered endpoints and host routes "
		"(docs/srtp.md)"},

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
	[LK_KEY_ZONE_MEDIA_ENCRYPTION] = {"Zones > Traversal Zone",
		"Media encryption mode", KT_ENCRYPTION, ZO(media_encryption),
		0, 0, "", "auto, force encrypted, force unencrypted or best "
		"effort: SRTP on the legs facing this zone (docs/srtp.md)"},
};

const char *const lk_conf_role_names[2] = {"control", "expressway"};
const char *const lk_conf_size_names[3] = {"small", "medium", "large"};
const char *const lk_conf_release_names[3] = {"new", "upgraded", "pre-x8"};
const char *const lk_conf_order_names[2] = {"random", "sequential"};
const char *const lk_conf_kfwd_names[3] = {"off", "auto", "on"};
const char *const lk_conf_transport_names[2] = {"tls", "tcp"};
const char *const lk_conf_route_transport_names[4] = {"udp", "tcp", "tls",
								  "h323"};
const char *const lk_conf_conflict_names[2] = {"reject", "overwrite"};
/* The Expressway's names for the zone setting, in enum order. */
const char *const lk_conf_encryption_names[4] = {"auto", "force encrypted",
	"force unencrypted", "best effort"};

const char *lk_conf_route_transport_name(enum lk_route_transport tp)
{
	return (unsigned)tp < 4 ? lk_conf_route_transport_names[tp] : "?";
}

const char *lk_conf_role_name(enum lk_role role)
{
	return (unsigned)role < 2 ? lk_conf_role_names[role] : "?";
}

const char *lk_conf_size_name(enum lk_size size)
{
	return (unsigned)size < 3 ? lk_conf_size_names[size] : "?";
}

const char *lk_conf_release_name(enum lk_release release)
{
	return (unsigned)release < 3 ? lk_conf_release_names[release] : "?";
}

const char *lk_conf_key_section(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? lk_conf_keys[key].section : "";
}

const char *lk_conf_key_name(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? lk_conf_keys[key].name : "";
}

const char *lk_conf_key_seed(enum lk_key key)
{
	return (unsigned)key < LK_KEY__COUNT ? lk_conf_keys[key].seed : "";
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
		snprintf(buf, sz, "%s %u > %s", lk_conf_keys[key].section, zone,
			 lk_conf_keys[key].name);
	else
		snprintf(buf, sz, "%s > %s", lk_conf_keys[key].section,
			 lk_conf_keys[key].name);
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
 * Defaults.  Every number here is the seed's; the comment names the row.
 */
void lk_conf_defaults(struct lk_conf *conf, enum lk_role role,
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
	/* The Expressway's defaults (Configuration > Protocols > H.323). */
	conf->h323_call_ttl = 120;
	conf->h323_auto_discover = true;
	conf->h323_conflict = LK_H323_CONFLICT_REJECT;
	conf->h323_mode = true;
	/* GnuGk's H46018KeepAliveInterval: within common NATs' 30 s. */
	conf->h46019_keepalive = 19;

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
	/* TURN server (docs/turn.md): safe by default. */
	snprintf(conf->turn_realm, sizeof(conf->turn_realm), "latchkey");
	conf->turn_per_user = 100;
	conf->turn_total = 0;
	conf->turn_max_lifetime = 3600;

	/* Seed, Administration: Ue/Ve 30000-35999 new, 40000-49999 old. */
	conf->tcp_ephemeral = upgraded ? (struct lk_range){40000, 49999} :
					 (struct lk_range){30000, 35999};
	conf->udp_ephemeral = conf->tcp_ephemeral;

	/* rtpengine's customary ng port, on loopback only. */
	snprintf(conf->ng_address, sizeof(conf->ng_address), "127.0.0.1");
	conf->ng_port = 2223;

	/* Seed, Administration: http 80, https 443; on loopback only. */
	snprintf(conf->mgmt_address, sizeof(conf->mgmt_address),
		 "127.0.0.1");
	conf->mgmt_http_port = 80;
	conf->mgmt_https_port = 443;

	/* rtpengine's defaults for the two timeouts' roles. */
	conf->media_timeout = 60;
	conf->final_timeout = 86400;
	conf->port_cooldown = 60;
	conf->port_order = LK_PORT_ORDER_RANDOM;
	conf->workers = 0;
	conf->kernel_forwarding = LK_KFWD_OFF;

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
