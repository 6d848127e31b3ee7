/* config/portmodel.c  The seed's port tables as data, resolved from config. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "portmodel.h"

/*
 * The seed is "Cisco TelePresence Video Communication Server (Cisco VCS) IP
 * Port Usage for Firewall Traversal", X8.2, D14606.06.  Each table below
 * is one of its tables, each template one row (or, for a row that mixes
 * transports or port specifications, one part of a row), in the seed's
 * order.  tests/data/seed-rows.tsv is an independent transcription of the
 * same tables that tests/unit/config/test_portmodel.c holds this against.
 */

enum sec {
	SEC_ADMIN_EXP_MGMT = 0,
	SEC_ADMIN_EXP_SERVICES,
	SEC_ADMIN_EXP_TMS,
	SEC_ADMIN_EXP_DNS,
	SEC_SIP_TRAVERSAL,
	SEC_SIP_PUBLIC,
	SEC_SIP_FIREWALL,
	SEC_SIP_ICE,
	SEC_H323_ASSENT,
	SEC_H323_H46018,
	SEC_H323_H46018_MUX,
	SEC_H323_PUBLIC_REG,
	SEC_H323_PUBLIC_NONREG,
	SEC_H323_FW_ASSENT,
	SEC_H323_FW_H46018,
	SEC_H323_FW_H46018_MUX,
	SEC_AUTH_EXP,
	SEC_ADMIN_CTL_MGMT,
	SEC_ADMIN_CTL_SERVICES,
	SEC_ADMIN_EP_MGMT,
	SEC_ADMIN_EP_SERVICES,
	SEC_SIP_INTERNAL,
	SEC_H323_INTERNAL,
	SEC_UC_CTL_CUCM,
	SEC_UC_CTL_EXP,
	SEC_UC_EXP_INTERNET,
	SEC_JG_INTERNET,
	SEC_JG_CTL_EXP,
	SEC_JG_EXP_CTL,
	SEC_XMPP_FED_CTL,
	SEC_XMPP_FED_INTERNET,

	SEC__COUNT
};

#define P_VC	LK_PM_CONTROL
#define P_VE	LK_PM_EXPRESSWAY
#define P_MS	LK_PM_MGMT
#define P_PC	LK_PM_PC
#define P_TMS	LK_PM_TMS
#define P_DNS	LK_PM_DNS
#define P_IE	LK_PM_INTERNET_EP
#define P_FW	LK_PM_FIREWALL
#define P_EP	LK_PM_ENDPOINT
#define P_IMP	LK_PM_IMP
#define P_UCM	LK_PM_UCM
#define P_CUC	LK_PM_CUC
#define P_UA	LK_PM_SIP_UA
#define P_XS	LK_PM_XMPP_SERVER

/* The seed's "Call direction" and "Open firewall" rows, verbatim. */
#define OUT_INTERNET(far) \
	{"Outbound to an endpoint in the Internet", "DMZ to Internet", \
	 P_VE, far}
#define IN_INTERNET(far) \
	{"Inbound from an endpoint in the Internet", "Internet to DMZ", \
	 far, P_VE}
#define CALLS_TO_DMZ \
	{"Inbound and outbound calls", "Private to DMZ", P_VC, P_VE}
#define FW_TO_DMZ \
	{"Inbound from or outbound to an endpoint in the Internet behind " \
	 "a firewall", "Internet to DMZ", P_FW, P_VE}
#define PRIVATE(src, dst) {"Private network", "n/a", src, dst}

/* The seed's remarks under its tables. */
#define NOTE_MGMT \
	"Management ports: only open ports for the management methods to " \
	"be used."
#define NOTE_JG \
	"Must translate the destination port of 443 to 9443 for all HTTPS " \
	"(and 80 to 9980 for HTTP) traffic that targets the VCS Expressway " \
	"address from Jabber Guest clients."
#define NOTE_FW_ASSENT \
	"Calls from the VCS Expressway to the endpoint: the Expressway " \
	"signals over the established RAS connection, the endpoint then " \
	"connects out through its firewall to port T, and opens any " \
	"further connection (e.g. H.245) to port T too."
#define NOTE_FW_H46018 \
	"Calls from the VCS Expressway to the endpoint: the Expressway " \
	"signals over the established RAS connection, the endpoint then " \
	"connects out through its firewall to port M, and opens any " \
	"further connection (e.g. H.245) to port U."

static const struct lk_pm_section sections[SEC__COUNT] = {
	[SEC_ADMIN_EXP_MGMT] = {"admin-exp-mgmt",
		"Administration: Cisco VCS Expressway", 1,
		{{"Private to DMZ", "Private to DMZ", P_MS, P_VE}}, NOTE_MGMT},
	[SEC_ADMIN_EXP_SERVICES] = {"admin-exp-services",
		"Administration: Cisco VCS Expressway", 1,
		{{"DMZ to private", "DMZ to private", P_VE, P_PC}}, NOTE_MGMT},
	[SEC_ADMIN_EXP_TMS] = {"admin-exp-tms",
		"Administration: Cisco VCS Expressway", 2,
		{{"TMS to VCS Expressway", "n/a", P_TMS, P_VE},
		 {"VCS Expressway to TMS", "n/a", P_VE, P_TMS}}, NULL},
	[SEC_ADMIN_EXP_DNS] = {"admin-exp-dns",
		"Administration: Cisco VCS Expressway", 1,
		{{"DMZ to public", "DMZ to public", P_VE, P_DNS}}, NULL},
	[SEC_SIP_TRAVERSAL] = {"sip-traversal", "SIP traversal call", 1,
		{CALLS_TO_DMZ}, NULL},
	[SEC_SIP_PUBLIC] = {"sip-public",
		"SIP call to endpoint with public IP address", 2,
		{OUT_INTERNET(P_IE), IN_INTERNET(P_IE)}, NULL},
	[SEC_SIP_FIREWALL] = {"sip-firewall",
		"SIP call to endpoint behind non SIP-aware firewall", 2,
		{{"Outbound to an endpoint behind a firewall",
		  "DMZ to Internet", P_VE, P_IE},
		 {"Inbound from an endpoint behind a firewall",
		  "Internet to DMZ", P_IE, P_VE}}, NULL},
	[SEC_SIP_ICE] = {"sip-ice",
		"SIP \xe2\x80\x93 additional ports for ICE", 2,
		{{"Outbound from VCS to endpoint in internet",
		  "DMZ to Internet", P_VE, P_IE},
		 {"Inbound from an endpoint in internet to VCS",
		  "Internet to DMZ", P_IE, P_VE}}, NULL},
	[SEC_H323_ASSENT] = {"h323-assent",
		"H.323 traversal call using Assent", 1, {CALLS_TO_DMZ}, NULL},
	[SEC_H323_H46018] = {"h323-h46018",
		"H.323 traversal call using H.460.18 / 19 non-muxed media", 1,
		{CALLS_TO_DMZ}, NULL},
	[SEC_H323_H46018_MUX] = {"h323-h46018-mux",
		"H.323 traversal call using H.460.18 / 19 multiplexed media",
		1, {CALLS_TO_DMZ}, NULL},
	[SEC_H323_PUBLIC_REG] = {"h323-public-reg",
		"H.323 call with registered endpoint with public IP address",
		2, {OUT_INTERNET(P_IE), IN_INTERNET(P_IE)}, NULL},
	[SEC_H323_PUBLIC_NONREG] = {"h323-public-nonreg",
		"H.323 call with a non-registered endpoint with public IP", 2,
		{OUT_INTERNET(P_IE), IN_INTERNET(P_IE)}, NULL},
	[SEC_H323_FW_ASSENT] = {"h323-fw-assent",
		"H.323 call with endpoint supporting Assent behind firewall",
		1, {FW_TO_DMZ}, NOTE_FW_ASSENT},
	[SEC_H323_FW_H46018] = {"h323-fw-h46018",
		"H.323 call with endpoint supporting H.460.18 / 19 non-mux "
		"media", 1, {FW_TO_DMZ}, NOTE_FW_H46018},
	[SEC_H323_FW_H46018_MUX] = {"h323-fw-h46018-mux",
		"H.323 call with endpoint supporting H460.18 / 19 multiplexed "
		"media", 1, {FW_TO_DMZ}, NOTE_FW_H46018},
	[SEC_AUTH_EXP] = {"auth-exp",
		"SIP/H.323 Authentication: Cisco VCS Expressway", 1,
		{{"DMZ to private", "DMZ to private", P_VE, P_PC}}, NOTE_MGMT},
	[SEC_ADMIN_CTL_MGMT] = {"admin-ctl-mgmt",
		"Administration: Cisco VCS Control", 1, {PRIVATE(P_MS, P_VC)}, NULL},
	[SEC_ADMIN_CTL_SERVICES] = {"admin-ctl-services",
		"Administration: Cisco VCS Control", 1, {PRIVATE(P_VC, P_MS)}, NULL},
	[SEC_ADMIN_EP_MGMT] = {"admin-ep-mgmt",
		"Administration: local endpoint", 1, {PRIVATE(P_MS, P_EP)}, NULL},
	[SEC_ADMIN_EP_SERVICES] = {"admin-ep-services",
		"Administration: local endpoint", 1, {PRIVATE(P_VC, P_MS)}, NULL},
	[SEC_SIP_INTERNAL] = {"sip-internal", "SIP: internal", 2,
		{{"VCS Control to endpoint", "n/a", P_VC, P_EP},
		 {"Endpoint to VCS Control", "n/a", P_EP, P_VC}}, NULL},
	[SEC_H323_INTERNAL] = {"h323-internal", "H.323: internal", 2,
		{{"VCS Control to endpoint", "n/a", P_VC, P_EP},
		 {"Endpoint to VCS Control", "n/a", P_EP, P_VC}}, NULL},
	[SEC_UC_CTL_CUCM] = {"uc-ctl-cucm",
		"Unified Communications : VCS Control to Unified CM, IM&P", 1,
		{PRIVATE(P_VC, P_MS)}, NULL},
	[SEC_UC_CTL_EXP] = {"uc-ctl-exp",
		"Unified Communications : Control (private) to Expressway "
		"(DMZ)", 1, {CALLS_TO_DMZ}, NULL},
	[SEC_UC_EXP_INTERNET] = {"uc-exp-internet",
		"Unified Communications: Expressway (DMZ) to public internet",
		2, {OUT_INTERNET(P_IE), IN_INTERNET(P_IE)}, NULL},
	[SEC_JG_INTERNET] = {"jg-internet",
		"Unified Communications: Jabber Guest (internet to VCS "
		"Expressway)", 1,
		{{"Inbound from SIP UA in the Internet", "Internet to DMZ",
		  P_UA, P_VE}}, NOTE_JG},
	[SEC_JG_CTL_EXP] = {"jg-ctl-exp",
		"Unified Communications: Jabber Guest (VCS Control to VCS "
		"Expressway)", 1,
		{{"Outbound from VCS Control to VCS Expressway",
		  "Private to Public NAT'd", P_VC, P_VE}}, NULL},
	[SEC_JG_EXP_CTL] = {"jg-exp-ctl",
		"Unified Communications: Jabber Guest (VCS Expressway to VCS "
		"Control)", 1,
		{{"Inbound from VCS Expressway (public) to VCS Control",
		  "Public NAT'd to Private", P_VE, P_VC}}, NULL},
	[SEC_XMPP_FED_CTL] = {"xmpp-fed-ctl",
		"Unified Communications: XMPP federation (VCS Control VCS "
		"Expressway / IM&P Server)", 2,
		{{"Outbound from VCS Control to VCS Expressway (DMZ)",
		  "Private to DMZ", P_VC, P_VE},
		 {"Outbound from VCS Control to IM&P Server", "-", P_VC,
		  P_IMP}}, NULL},
	[SEC_XMPP_FED_INTERNET] = {"xmpp-fed-internet",
		"Unified Communications: XMPP federation (VCS Expressway and "
		"Internet)", 2,
		{{"Inbound from public internet to VCS Expressway (DMZ)",
		  "Internet to DMZ", P_XS, P_VE},
		 {"Outbound from VCS Expressway (DMZ) to public internet",
		  "DMZ to Internet", P_VE, P_XS}}, NULL},
};

/* When a deviation from the seed shows in the resolved values. */
enum dev_when {
	DEV_ALWAYS = 0,
	DEV_IF_UPGRADED,	/* with release defaults other than new */
	DEV_IF_MUX_INSIDE,	/* with mux ports inside the media range */
};

/* One end of a row as the seed gives it, before resolution. */
struct spec {
	enum lk_pm_party party;
	const char *letter;
	enum lk_pm_kind kind;
	enum lk_key key;	/* LK_PM_KEY, LK_PM_ZONE_KEY: the (start) key */
	enum lk_key key_end;	/* LK_PM_KEY: the end of a range, or key */
	uint16_t port[3];	/* FIXED: the ports; ANY: the typical one */
	bool unbounded;		/* LK_PM_ANY: the seed bounds no range */
	const char *note;
	const char *deviation;
	enum dev_when dev_when;
};

struct tmpl {
	enum sec sec;
	unsigned row;		/* from 1, as in the seed */
	unsigned dir;		/* from 0 */
	const char *purpose;
	enum lk_pm_transport transport;
	struct spec src;
	struct spec dst;
};

#define FIX(p, ...) \
	{.party = (p), .letter = "", .kind = LK_PM_FIXED, \
	 .port = {__VA_ARGS__}}
#define KEY(p, l, k) \
	{.party = (p), .letter = (l), .kind = LK_PM_KEY, .key = (k), \
	 .key_end = (k)}
/* A start/end key pair: RANGE(p, "A", LK_KEY_SIP_TCP_OUT). */
#define RANGE(p, l, k) \
	{.party = (p), .letter = (l), .kind = LK_PM_KEY, .key = k##_START, \
	 .key_end = k##_END}
#define ZONE(p, l, k) \
	{.party = (p), .letter = (l), .kind = LK_PM_ZONE_KEY, .key = (k), \
	 .key_end = (k)}
#define MEDIA(p, l, kind_) {.party = (p), .letter = (l), .kind = (kind_)}
/* "any port >= 1024"; with a port the seed names as typical. */
#define ANY(p, l, typical, n) \
	{.party = (p), .letter = (l), .kind = LK_PM_ANY, \
	 .port = {(typical)}, .note = (n)}
/* A port the seed names with no range around it ("J 1719"). */
#define TYPICAL(p, l, typical, n) \
	{.party = (p), .letter = (l), .kind = LK_PM_ANY, \
	 .port = {(typical)}, .unbounded = true, .note = (n)}

/* Seed letters, by what they stand for. */
#define SIP_C(p)	KEY(p, "C", LK_KEY_SIP_UDP_PORT)
#define SIP_K(p)	KEY(p, "K", LK_KEY_SIP_TCP_PORT)
#define SIP_L(p)	KEY(p, "L", LK_KEY_SIP_TLS_PORT)
#define SIP_A(p)	RANGE(p, "A", LK_KEY_SIP_TCP_OUT)
#define ZONE_B		ZONE(P_VE, "B", LK_KEY_ZONE_SIP_PORT)
#define ZONE_D		ZONE(P_VE, "D", LK_KEY_ZONE_H323_PORT)
#define RAS(p, l)	KEY(p, l, LK_KEY_H323_RAS_PORT)
#define CALLSIG(p)	RANGE(p, "P", LK_KEY_H323_CALLSIG)
#define Q931(p)		KEY(p, "M", LK_KEY_H323_Q931_PORT)
#define ASSENT_T	KEY(P_VE, "T", LK_KEY_ASSENT_PORT)
#define H46018_U	KEY(P_VE, "U", LK_KEY_H46018_PORT)
#define TCP_EPH(p, l)	RANGE(p, l, LK_KEY_TCP_EPHEMERAL)
#define UDP_EPH(p, l)	RANGE(p, l, LK_KEY_UDP_EPHEMERAL)
#define TURN_R(p, l)	RANGE(p, l, LK_KEY_TURN_PORT)
#define TURN_RELAY(p, l) RANGE(p, l, LK_KEY_TURN_RELAY)
#define SRC_S(p)	ANY(p, "S", 0, N_S)

/* The seed's footnotes for ports that are not latchkey's, shortened. */
#define N_S	"source port, typically >= 1024"
#define N_F	"defined by the endpoint's registration, or by DNS for a " \
		"non-registered endpoint; often 5060 for UDP"
#define N_G_SIP	"any port >= 1024, often 5060 for hard endpoints"
#define N_H_SIP	"any port >= 1024"
#define N_E_SIP	"endpoint media port, as given in the SDP"
#define N_Q_SIP	"egress port of the far end's non NAT-aware firewall"
#define N_N_SIP	"latched: VCS waits for media, then sends its media " \
		"to the port it came from (the far end firewall's egress " \
		"port)"
#define N_M_ICE	"port the endpoint signals from: its own ephemeral " \
		"port, or its outside firewall's"
#define N_N_ICE	"port of the relevant ICE candidate: host, server " \
		"reflexive or TURN server port"
#define N_J	"endpoint RAS source port"
#define N_G_REG	"endpoint signaling port, specified in its registration"
#define N_G_NON	"endpoint signaling port: from the call request, a " \
		"DNS lookup, or 1720 if none is given"
#define N_K	"endpoint signaling port"
#define N_H	"endpoint H.245 signaling port (15000 to 19999 to another " \
		"VCS)"
#define N_E	"endpoint media port, as given in codec negotiations"
#define N_Q	"egress port of the far end's non-H.323 aware firewall"
#define N_N	"latched: egress port of media from the far end's " \
		"non-H.323 aware firewall"
#define N_EPH	"the federated server's ephemeral port"

/*
 * Where latchkey's value differs from the value the seed prints.  The
 * unit test keeps its own list of these, and docs/ports.md lists them.
 */
#define DEV_MUX_FIRST \
	"the seed prints the media range from its first port, but its " \
	"footnote ** keeps the first ports of the range for multiplexed " \
	"media only; latchkey does not use them for non-multiplexed media"
#define DEV_JG_MEDIA \
	"the seed prints Y_C 36000 to 59999 here and 36002 to 59999 or " \
	"36002 to 59998 in every other table: the first ports of the range " \
	"are for multiplexed media only (footnote **)"
#define DEV_JG_TE \
	"the seed prints no port for T_E; it is the SIP port of the " \
	"traversal zone (like B: 7001 for the first zone)"
#define DEV_JG_SSH \
	"the seed writes the transport as SSH; SSH runs over TCP"
#define DEV_JG_EPH \
	"footnote *1 gives 50000 - 54999 as the upgraded default here, " \
	"where every other table gives 40000 - 49999 for the TCP " \
	"ephemeral range; latchkey has one TCP ephemeral range"

#define T_UDP LK_PM_UDP
#define T_TCP LK_PM_TCP
#define T_TLS LK_PM_TLS

static const struct tmpl rows[] = {
	/* Administration: Cisco VCS Expressway, management ports. */
	{SEC_ADMIN_EXP_MGMT, 1, 0, "http", T_TCP, SRC_S(P_MS),
	 KEY(P_VE, "", LK_KEY_MGMT_HTTP_PORT)},
	{SEC_ADMIN_EXP_MGMT, 2, 0, "https", T_TCP, SRC_S(P_MS),
	 KEY(P_VE, "", LK_KEY_MGMT_HTTPS_PORT)},
	{SEC_ADMIN_EXP_MGMT, 3, 0, "ssh", T_TCP, SRC_S(P_MS), FIX(P_VE, 22)},
	{SEC_ADMIN_EXP_MGMT, 4, 0, "SNMP", T_UDP, SRC_S(P_MS),
	 FIX(P_VE, 161)},

	/* Administration: Cisco VCS Expressway, its clients (PC listens). */
	{SEC_ADMIN_EXP_SERVICES, 1, 0, "NTP", T_UDP, FIX(P_VE, 123),
	 FIX(P_PC, 123)},
	{SEC_ADMIN_EXP_SERVICES, 2, 0, "LDAP (for login)", T_TCP,
	 TCP_EPH(P_VE, "Ue"), FIX(P_PC, 389, 636)},
	{SEC_ADMIN_EXP_SERVICES, 3, 0, "Syslog", T_UDP, UDP_EPH(P_VE, "Ve"),
	 FIX(P_PC, 514)},

	/* Administration: Cisco VCS Expressway and TMS, both ways. */
	{SEC_ADMIN_EXP_TMS, 1, 0,
	 "https (TMS to VCS and secure feedback from VCS to TMS)", T_TCP,
	 SRC_S(P_TMS), KEY(P_VE, "", LK_KEY_MGMT_HTTPS_PORT)},
	{SEC_ADMIN_EXP_TMS, 1, 1,
	 "https (TMS to VCS and secure feedback from VCS to TMS)", T_TCP,
	 SRC_S(P_VE), FIX(P_TMS, 443)},
	{SEC_ADMIN_EXP_TMS, 2, 1, "http (feedback to TMS)", T_TCP,
	 SRC_S(P_VE), FIX(P_TMS, 80)},
	{SEC_ADMIN_EXP_TMS, 3, 0, "SNMP (To TMS)", T_UDP, SRC_S(P_TMS),
	 FIX(P_VE, 161)},

	/* Administration: Cisco VCS Expressway, DNS. */
	{SEC_ADMIN_EXP_DNS, 1, 0, "DNS", T_UDP, SRC_S(P_VE), FIX(P_DNS, 53)},

	/* SIP traversal call. */
	{SEC_SIP_TRAVERSAL, 1, 0, "SIP signaling", T_TCP, SIP_A(P_VC), ZONE_B},
	{SEC_SIP_TRAVERSAL, 1, 0, "SIP signaling", T_TLS, SIP_A(P_VC), ZONE_B},
	{SEC_SIP_TRAVERSAL, 2, 0, "Assent RTP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA), MEDIA(P_VE, "Y_E", LK_PM_MUX)},
	{SEC_SIP_TRAVERSAL, 3, 0, "Assent RTCP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA), MEDIA(P_VE, "Y_E", LK_PM_MUX)},

	/* SIP call to endpoint with public IP address. */
	{SEC_SIP_PUBLIC, 1, 0, "SIP signaling", T_UDP, SIP_C(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_PUBLIC, 1, 0, "SIP signaling", T_TCP, SIP_A(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_PUBLIC, 1, 0, "SIP signaling", T_TLS, SIP_A(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_PUBLIC, 1, 1, "SIP signaling", T_UDP,
	 ANY(P_IE, "G", 5060, N_G_SIP), SIP_C(P_VE)},
	{SEC_SIP_PUBLIC, 1, 1, "SIP signaling", T_TCP,
	 ANY(P_IE, "H", 0, N_H_SIP), SIP_K(P_VE)},
	{SEC_SIP_PUBLIC, 1, 1, "SIP signaling", T_TLS,
	 ANY(P_IE, "H", 0, N_H_SIP), SIP_L(P_VE)},
	{SEC_SIP_PUBLIC, 2, 0, "RTP", T_UDP,
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP), ANY(P_IE, "E", 0, N_E_SIP)},
	{SEC_SIP_PUBLIC, 2, 1, "RTP", T_UDP, ANY(P_IE, "E", 0, N_E_SIP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP)},
	{SEC_SIP_PUBLIC, 3, 0, "RTCP", T_UDP,
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP), ANY(P_IE, "E", 0, N_E_SIP)},
	{SEC_SIP_PUBLIC, 3, 1, "RTCP", T_UDP, ANY(P_IE, "E", 0, N_E_SIP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP)},

	/* SIP call to endpoint behind non SIP-aware firewall. */
	{SEC_SIP_FIREWALL, 1, 0, "SIP signaling", T_UDP, SIP_C(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_FIREWALL, 1, 0, "SIP signaling", T_TCP, SIP_A(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_FIREWALL, 1, 0, "SIP signaling", T_TLS, SIP_A(P_VE),
	 ANY(P_IE, "F", 5060, N_F)},
	{SEC_SIP_FIREWALL, 1, 1, "SIP signaling", T_UDP,
	 ANY(P_IE, "Q", 0, N_Q_SIP), SIP_C(P_VE)},
	{SEC_SIP_FIREWALL, 1, 1, "SIP signaling", T_TCP,
	 ANY(P_IE, "Q", 0, N_Q_SIP), SIP_K(P_VE)},
	{SEC_SIP_FIREWALL, 1, 1, "SIP signaling", T_TLS,
	 ANY(P_IE, "Q", 0, N_Q_SIP), SIP_L(P_VE)},
	{SEC_SIP_FIREWALL, 2, 0, "RTP", T_UDP,
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP), ANY(P_IE, "N", 0, N_N_SIP)},
	{SEC_SIP_FIREWALL, 2, 1, "RTP", T_UDP, ANY(P_IE, "N", 0, N_N_SIP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP)},
	{SEC_SIP_FIREWALL, 3, 0, "RTCP", T_UDP,
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP), ANY(P_IE, "N", 0, N_N_SIP)},
	{SEC_SIP_FIREWALL, 3, 1, "RTCP", T_UDP, ANY(P_IE, "N", 0, N_N_SIP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP)},

	/* SIP - additional ports for ICE; no outbound TURN control (N/A). */
	{SEC_SIP_ICE, 1, 1, "TURN server control", T_UDP,
	 ANY(P_IE, "M", 0, N_M_ICE), TURN_R(P_VE, "R")},
	/*
	 * Beyond the seed, which lists TURN server control on UDP only: the
	 * same row over TCP, there only when `[TURN] TURN over TCP = on`.
	 */
	{SEC_SIP_ICE, 1, 1, "TURN server control", T_TCP,
	 ANY(P_IE, "M", 0, N_M_ICE),
	 {.party = P_VE, .letter = "R", .kind = LK_PM_KEY,
	  .key = LK_KEY_TURN_PORT_START, .key_end = LK_KEY_TURN_PORT_END,
	  .deviation = "beyond the seed (UDP only): TURN over TCP, RFC 8656 "
		"s.3.1, [TURN] TURN over TCP = on"}},
	{SEC_SIP_ICE, 2, 0, "TURN server media", T_UDP, TURN_RELAY(P_VE, ""),
	 ANY(P_IE, "N", 0, N_N_ICE)},
	{SEC_SIP_ICE, 2, 1, "TURN server media", T_UDP,
	 ANY(P_IE, "N", 0, N_N_ICE), TURN_RELAY(P_VE, "")},

	/* H.323 traversal call using Assent. */
	{SEC_H323_ASSENT, 1, 0, "Initial RAS connection", T_UDP,
	 RAS(P_VC, "R_C"), ZONE_D},
	{SEC_H323_ASSENT, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VC), ASSENT_T},
	{SEC_H323_ASSENT, 3, 0, "H.245", T_TCP, CALLSIG(P_VC), ASSENT_T},
	{SEC_H323_ASSENT, 4, 0, "Assent RTP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTP)},
	{SEC_H323_ASSENT, 5, 0, "Assent RTCP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTCP)},

	/* H.323 traversal call using H.460.18 / 19 non-muxed media. */
	{SEC_H323_H46018, 1, 0, "Initial RAS connection", T_UDP,
	 RAS(P_VC, "R_C"), ZONE_D},
	{SEC_H323_H46018, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VC), Q931(P_VE)},
	{SEC_H323_H46018, 3, 0, "H.245", T_TCP, CALLSIG(P_VC), H46018_U},
	{SEC_H323_H46018, 4, 0, "Assent RTP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP)},
	{SEC_H323_H46018, 5, 0, "Assent RTCP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP)},

	/* H.323 traversal call using H.460.18 / 19 multiplexed media. */
	{SEC_H323_H46018_MUX, 1, 0, "Initial RAS connection", T_UDP,
	 RAS(P_VC, "R_C"), ZONE_D},
	{SEC_H323_H46018_MUX, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VC), Q931(P_VE)},
	{SEC_H323_H46018_MUX, 3, 0, "H.245", T_TCP, CALLSIG(P_VC), H46018_U},
	{SEC_H323_H46018_MUX, 4, 0, "Assent RTP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTP)},
	{SEC_H323_H46018_MUX, 5, 0, "Assent RTCP (traversal media)", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTCP)},

	/* H.323 call with registered endpoint with public IP address. */
	{SEC_H323_PUBLIC_REG, 1, 1, "Initial RAS connection", T_UDP,
	 TYPICAL(P_IE, "J", 1719, N_J), RAS(P_VE, "R_E")},
	{SEC_H323_PUBLIC_REG, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VE), ANY(P_IE, "G", 1720, N_G_REG)},
	{SEC_H323_PUBLIC_REG, 2, 1, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_IE, "K", 1720, N_K), Q931(P_VE)},
	{SEC_H323_PUBLIC_REG, 3, 0, "H.245", T_TCP, CALLSIG(P_VE),
	 ANY(P_IE, "H", 0, N_H)},
	{SEC_H323_PUBLIC_REG, 3, 1, "H.245", T_TCP, ANY(P_IE, "H", 0, N_H),
	 CALLSIG(P_VE)},
	{SEC_H323_PUBLIC_REG, 4, 0, "RTP", T_UDP,
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}, ANY(P_IE, "E", 0, N_E)},
	{SEC_H323_PUBLIC_REG, 4, 1, "RTP", T_UDP, ANY(P_IE, "E", 0, N_E),
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}},
	{SEC_H323_PUBLIC_REG, 5, 0, "RTCP", T_UDP,
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTCP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}, ANY(P_IE, "E", 0, N_E)},
	{SEC_H323_PUBLIC_REG, 5, 1, "RTCP", T_UDP, ANY(P_IE, "E", 0, N_E),
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTCP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}},

	/* H.323 call with a non-registered endpoint: no RAS either way. */
	{SEC_H323_PUBLIC_NONREG, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VE), ANY(P_IE, "G", 1720, N_G_NON)},
	{SEC_H323_PUBLIC_NONREG, 2, 1, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_IE, "K", 1720, N_K), Q931(P_VE)},
	{SEC_H323_PUBLIC_NONREG, 3, 0, "H.245", T_TCP, CALLSIG(P_VE),
	 ANY(P_IE, "H", 0, N_H)},
	{SEC_H323_PUBLIC_NONREG, 3, 1, "H.245", T_TCP, ANY(P_IE, "H", 0, N_H),
	 CALLSIG(P_VE)},
	{SEC_H323_PUBLIC_NONREG, 4, 0, "RTP", T_UDP,
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}, ANY(P_IE, "E", 0, N_E)},
	{SEC_H323_PUBLIC_NONREG, 4, 1, "RTP", T_UDP, ANY(P_IE, "E", 0, N_E),
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}},
	{SEC_H323_PUBLIC_NONREG, 5, 0, "RTCP", T_UDP,
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTCP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}, ANY(P_IE, "E", 0, N_E)},
	{SEC_H323_PUBLIC_NONREG, 5, 1, "RTCP", T_UDP, ANY(P_IE, "E", 0, N_E),
	 {.party = P_VE, .letter = "Y_E", .kind = LK_PM_MEDIA_RTCP,
	  .deviation = DEV_MUX_FIRST,
	  .dev_when = DEV_IF_MUX_INSIDE}},

	/* H.323 call with endpoint supporting Assent behind firewall. */
	{SEC_H323_FW_ASSENT, 1, 0, "Initial RAS connection", T_UDP,
	 ANY(P_FW, "Q", 0, N_Q), RAS(P_VE, "R_E")},
	{SEC_H323_FW_ASSENT, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_FW, "Q", 0, N_Q), ASSENT_T},
	{SEC_H323_FW_ASSENT, 3, 0, "H.245", T_TCP, ANY(P_FW, "Q", 0, N_Q),
	 ASSENT_T},
	{SEC_H323_FW_ASSENT, 4, 0, "RTP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTP)},
	{SEC_H323_FW_ASSENT, 5, 0, "RTCP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTCP)},

	/* H.323 call with endpoint supporting H.460.18 / 19 non-mux media. */
	{SEC_H323_FW_H46018, 1, 0, "Initial RAS connection", T_UDP,
	 ANY(P_FW, "Q", 0, N_Q), RAS(P_VE, "R_E")},
	{SEC_H323_FW_H46018, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_FW, "Q", 0, N_Q), Q931(P_VE)},
	{SEC_H323_FW_H46018, 3, 0, "H.245", T_TCP, ANY(P_FW, "Q", 0, N_Q),
	 H46018_U},
	{SEC_H323_FW_H46018, 4, 0, "RTP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTP)},
	{SEC_H323_FW_H46018, 5, 0, "RTCP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA_RTCP)},

	/* H.323 call with endpoint supporting H460.18 / 19 muxed media. */
	{SEC_H323_FW_H46018_MUX, 1, 0, "Initial RAS connection", T_UDP,
	 ANY(P_FW, "Q", 0, N_Q), RAS(P_VE, "R_E")},
	{SEC_H323_FW_H46018_MUX, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_FW, "Q", 0, N_Q), Q931(P_VE)},
	{SEC_H323_FW_H46018_MUX, 3, 0, "H.245", T_TCP,
	 ANY(P_FW, "Q", 0, N_Q), H46018_U},
	{SEC_H323_FW_H46018_MUX, 4, 0, "RTP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTP)},
	{SEC_H323_FW_H46018_MUX, 5, 0, "RTCP", T_UDP, ANY(P_FW, "N", 0, N_N),
	 MEDIA(P_VE, "Y_E", LK_PM_MUX_RTCP)},

	/* SIP/H.323 Authentication: Cisco VCS Expressway (PC listens). */
	{SEC_AUTH_EXP, 1, 0, "H.350", T_TCP, TCP_EPH(P_VE, "Ue"),
	 FIX(P_PC, 389, 636)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_UDP,
	 UDP_EPH(P_VE, "Ve"), FIX(P_PC, 53)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_UDP,
	 UDP_EPH(P_VE, "Ve"), FIX(P_PC, 88)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_TCP,
	 TCP_EPH(P_VE, "Ue"), FIX(P_PC, 88)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_UDP,
	 UDP_EPH(P_VE, "Ve"), FIX(P_PC, 389)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_TCP,
	 TCP_EPH(P_VE, "Ue"), FIX(P_PC, 389, 636)},
	{SEC_AUTH_EXP, 2, 0, "Active Directory direct", T_TCP,
	 TCP_EPH(P_VE, "Ue"), FIX(P_PC, 445, 139)},

	/* Administration: Cisco VCS Control, management ports. */
	{SEC_ADMIN_CTL_MGMT, 1, 0, "http", T_TCP, SRC_S(P_MS),
	 KEY(P_VC, "", LK_KEY_MGMT_HTTP_PORT)},
	{SEC_ADMIN_CTL_MGMT, 2, 0, "https", T_TCP, SRC_S(P_MS),
	 KEY(P_VC, "", LK_KEY_MGMT_HTTPS_PORT)},
	{SEC_ADMIN_CTL_MGMT, 3, 0, "ssh", T_TCP, SRC_S(P_MS), FIX(P_VC, 22)},
	{SEC_ADMIN_CTL_MGMT, 4, 0, "SNMP", T_UDP, SRC_S(P_MS),
	 FIX(P_VC, 161)},

	/* Administration: Cisco VCS Control, its clients. */
	{SEC_ADMIN_CTL_SERVICES, 1, 0, "NTP", T_UDP, FIX(P_VC, 123),
	 FIX(P_MS, 123)},
	{SEC_ADMIN_CTL_SERVICES, 2, 0, "LDAP", T_TCP, SRC_S(P_VC),
	 FIX(P_MS, 389)},
	{SEC_ADMIN_CTL_SERVICES, 3, 0, "http (feedback to TMS)", T_TCP,
	 SRC_S(P_VC), FIX(P_MS, 80)},
	{SEC_ADMIN_CTL_SERVICES, 4, 0, "DNS", T_UDP, SRC_S(P_VC),
	 FIX(P_MS, 53)},

	/* Administration: local endpoint, management ports. */
	{SEC_ADMIN_EP_MGMT, 1, 0, "http", T_TCP, SRC_S(P_MS), FIX(P_EP, 80)},
	{SEC_ADMIN_EP_MGMT, 2, 0, "https", T_TCP, SRC_S(P_MS), FIX(P_EP, 443)},
	{SEC_ADMIN_EP_MGMT, 3, 0, "ssh", T_TCP, SRC_S(P_MS), FIX(P_EP, 22)},
	{SEC_ADMIN_EP_MGMT, 4, 0, "telnet", T_TCP, SRC_S(P_MS), FIX(P_EP, 23)},
	{SEC_ADMIN_EP_MGMT, 5, 0, "SNMP", T_UDP, SRC_S(P_MS), FIX(P_EP, 161)},

	/*
	 * Administration: local endpoint, the second table.  The seed heads
	 * it "Management system source port | VCS Control source port", but
	 * the management system's ports are 123, 80 and 53: it listens.
	 */
	{SEC_ADMIN_EP_SERVICES, 1, 0, "NTP", T_UDP, FIX(P_VC, 123),
	 FIX(P_MS, 123)},
	{SEC_ADMIN_EP_SERVICES, 2, 0, "http (feedback to TMS)", T_TCP,
	 SRC_S(P_VC), FIX(P_MS, 80)},
	{SEC_ADMIN_EP_SERVICES, 3, 0, "DNS", T_UDP, SRC_S(P_VC),
	 FIX(P_MS, 53)},

	/* SIP: internal. */
	{SEC_SIP_INTERNAL, 1, 0, "SIP signaling", T_UDP, SIP_C(P_VC),
	 ANY(P_EP, "F", 5060, N_F)},
	{SEC_SIP_INTERNAL, 1, 0, "SIP signaling", T_TCP, SIP_A(P_VC),
	 ANY(P_EP, "F", 5060, N_F)},
	{SEC_SIP_INTERNAL, 1, 0, "SIP signaling", T_TLS, SIP_A(P_VC),
	 ANY(P_EP, "F", 5060, N_F)},
	{SEC_SIP_INTERNAL, 1, 1, "SIP signaling", T_UDP,
	 ANY(P_EP, "G", 5060, N_G_SIP), SIP_C(P_VC)},
	{SEC_SIP_INTERNAL, 1, 1, "SIP signaling", T_TCP,
	 ANY(P_EP, "H", 0, N_H_SIP), SIP_K(P_VC)},
	{SEC_SIP_INTERNAL, 1, 1, "SIP signaling", T_TLS,
	 ANY(P_EP, "H", 0, N_H_SIP), SIP_L(P_VC)},
	{SEC_SIP_INTERNAL, 2, 0, "RTP", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP), ANY(P_EP, "E", 0, N_E_SIP)},
	{SEC_SIP_INTERNAL, 2, 1, "RTP", T_UDP, ANY(P_EP, "E", 0, N_E_SIP),
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP)},
	{SEC_SIP_INTERNAL, 3, 0, "RTCP", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP), ANY(P_EP, "E", 0, N_E_SIP)},
	{SEC_SIP_INTERNAL, 3, 1, "RTCP", T_UDP, ANY(P_EP, "E", 0, N_E_SIP),
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP)},

	/* H.323: internal; no outbound RAS ("-"). */
	{SEC_H323_INTERNAL, 1, 1, "Initial RAS connection", T_UDP,
	 TYPICAL(P_EP, "J", 1719, N_J), RAS(P_VC, "R_C")},
	{SEC_H323_INTERNAL, 2, 0, "Q 931 / H.225 signaling", T_TCP,
	 CALLSIG(P_VC), ANY(P_EP, "G", 1720, N_G_REG)},
	{SEC_H323_INTERNAL, 2, 1, "Q 931 / H.225 signaling", T_TCP,
	 ANY(P_EP, "K", 1720, N_K), Q931(P_VC)},
	{SEC_H323_INTERNAL, 3, 0, "H.245", T_TCP, CALLSIG(P_VC),
	 ANY(P_EP, "H", 0, N_H)},
	{SEC_H323_INTERNAL, 3, 1, "H.245", T_TCP, ANY(P_EP, "H", 0, N_H),
	 CALLSIG(P_VC)},
	{SEC_H323_INTERNAL, 4, 0, "RTP", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP), ANY(P_EP, "E", 0, N_E)},
	{SEC_H323_INTERNAL, 4, 1, "RTP", T_UDP, ANY(P_EP, "E", 0, N_E),
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTP)},
	{SEC_H323_INTERNAL, 5, 0, "RTCP", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP), ANY(P_EP, "E", 0, N_E)},
	{SEC_H323_INTERNAL, 5, 1, "RTCP", T_UDP, ANY(P_EP, "E", 0, N_E),
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA_RTCP)},

	/* Unified Communications : VCS Control to Unified CM, IM&P. */
	{SEC_UC_CTL_CUCM, 1, 0, "XMPP (IM and Presence)", T_TCP,
	 TCP_EPH(P_VC, "Ue"), FIX(P_IMP, 7400)},
	{SEC_UC_CTL_CUCM, 2, 0, "UDS (provisioning and phonebook)", T_TCP,
	 TCP_EPH(P_VC, "Ue"), FIX(P_UCM, 8443)},
	{SEC_UC_CTL_CUCM, 3, 0, "HTTP (configuration file retrieval)", T_TCP,
	 TCP_EPH(P_VC, "Ue"), FIX(P_UCM, 6970)},
	{SEC_UC_CTL_CUCM, 4, 0, "CUC (voicemail)", T_TCP, TCP_EPH(P_VC, "Ue"),
	 FIX(P_CUC, 443)},

	/* Unified Communications : Control (private) to Expressway (DMZ). */
	{SEC_UC_CTL_EXP, 1, 0, "XMPP (IM and Presence)", T_TCP,
	 TCP_EPH(P_VC, "U_e"), FIX(P_VE, 7400)},
	{SEC_UC_CTL_EXP, 2, 0, "SSH (HTTP/S tunnels)", T_TCP,
	 TCP_EPH(P_VC, "U_e"), FIX(P_VE, 2222)},
	{SEC_UC_CTL_EXP, 3, 0, "SIP signaling", T_TCP, SIP_A(P_VC), ZONE_B},
	{SEC_UC_CTL_EXP, 3, 0, "SIP signaling", T_TLS, SIP_A(P_VC), ZONE_B},
	{SEC_UC_CTL_EXP, 4, 0, "SIP media", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA), MEDIA(P_VE, "Y_E", LK_PM_MUX)},
	{SEC_UC_CTL_EXP, 5, 0, "TURN server control", T_UDP,
	 ANY(P_VC, "", 0, ""), TURN_R(P_VE, "R")},

	/* Unified Communications: Expressway (DMZ) to public internet. */
	{SEC_UC_EXP_INTERNET, 1, 1, "XMPP (IM and Presence)", T_TCP,
	 ANY(P_IE, "S", 0, N_S), FIX(P_VE, 5222)},
	{SEC_UC_EXP_INTERNET, 2, 1, "UDS (phonebook and provisioning)", T_TCP,
	 ANY(P_IE, "S", 0, N_S), FIX(P_VE, 8443)},
	{SEC_UC_EXP_INTERNET, 3, 1, "TURN server control / media", T_UDP,
	 ANY(P_IE, "S", 0, N_S), TURN_R(P_VE, "R")},
	{SEC_UC_EXP_INTERNET, 3, 1, "TURN server control / media", T_UDP,
	 ANY(P_IE, "S", 0, N_S), TURN_RELAY(P_VE, "")},
	{SEC_UC_EXP_INTERNET, 4, 0, "SIP signaling", T_TLS,
	 RANGE(P_VE, "", LK_KEY_SIP_TCP_OUT), ANY(P_IE, "S", 0, N_S)},
	{SEC_UC_EXP_INTERNET, 4, 1, "SIP signaling", T_TLS,
	 ANY(P_IE, "S", 0, N_S), KEY(P_VE, "", LK_KEY_SIP_TLS_PORT)},
	{SEC_UC_EXP_INTERNET, 5, 0, "SIP media", T_UDP,
	 MEDIA(P_VE, "Y_E", LK_PM_MEDIA), ANY(P_IE, "N", 0, N_N_SIP)},
	{SEC_UC_EXP_INTERNET, 5, 1, "SIP media", T_UDP,
	 ANY(P_IE, "N", 0, N_N_SIP), MEDIA(P_VE, "Y_E", LK_PM_MEDIA)},

	/* Unified Communications: Jabber Guest (internet to Expressway). */
	{SEC_JG_INTERNET, 1, 0, "HTTPS traffic", T_TCP,
	 ANY(P_UA, "S", 0, N_S), FIX(P_VE, 9443)},
	{SEC_JG_INTERNET, 2, 0, "HTTP traffic", T_TCP,
	 ANY(P_UA, "S", 0, N_S), FIX(P_VE, 9980)},
	{SEC_JG_INTERNET, 3, 0, "TURN Server Control", T_UDP,
	 ANY(P_UA, "S", 0, N_S), TURN_R(P_VE, "")},

	/* Unified Communications: Jabber Guest (Control to Expressway). */
	{SEC_JG_CTL_EXP, 1, 0, "SSH (HTTP/S tunnels)", T_TCP,
	 {.party = P_VC, .letter = "E", .kind = LK_PM_KEY,
	  .key = LK_KEY_TCP_EPHEMERAL_START,
	  .key_end = LK_KEY_TCP_EPHEMERAL_END,
	  .deviation = DEV_JG_EPH,
	  .dev_when = DEV_IF_UPGRADED},
	 {.party = P_VE, .letter = "", .kind = LK_PM_FIXED, .port = {2222},
	  .deviation = DEV_JG_SSH}},
	{SEC_JG_CTL_EXP, 2, 0, "Traversal Zone SIP signal", T_TLS,
	 RANGE(P_VC, "T_C", LK_KEY_SIP_TCP_OUT),
	 {.party = P_VE, .letter = "T_E", .kind = LK_PM_ZONE_KEY,
	  .key = LK_KEY_ZONE_SIP_PORT, .key_end = LK_KEY_ZONE_SIP_PORT,
	  .deviation = DEV_JG_TE}},
	{SEC_JG_CTL_EXP, 3, 0, "Media", T_UDP,
	 MEDIA(P_VC, "Y_C", LK_PM_MEDIA), TURN_RELAY(P_VE, "Y_E")},

	/* Unified Communications: Jabber Guest (Expressway to Control). */
	{SEC_JG_EXP_CTL, 1, 0, "Media", T_UDP, TURN_RELAY(P_VE, "Y_E"),
	 {.party = P_VC, .letter = "Y_C", .kind = LK_PM_MEDIA,
	  .deviation = DEV_JG_MEDIA,
	  .dev_when = DEV_IF_MUX_INSIDE}},

	/* Unified Communications: XMPP federation (Control side). */
	{SEC_XMPP_FED_CTL, 1, 0, "XMPP", T_TCP, TCP_EPH(P_VC, "E"),
	 FIX(P_VE, 7400)},
	{SEC_XMPP_FED_CTL, 2, 1, "XMPP", T_TCP, TCP_EPH(P_VC, "E"),
	 FIX(P_IMP, 7400)},

	/* Unified Communications: XMPP federation (Expressway side). */
	{SEC_XMPP_FED_INTERNET, 1, 0, "XMPP", T_TCP,
	 {.party = P_XS, .letter = "", .kind = LK_PM_ANY, .unbounded = true,
	  .note = N_EPH}, FIX(P_VE, 5269)},
	{SEC_XMPP_FED_INTERNET, 2, 1, "XMPP", T_TCP, TCP_EPH(P_VE, "E"),
	 FIX(P_XS, 5269)},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const char *const party_names[LK_PM_PARTY__COUNT] = {
	[LK_PM_CONTROL] = "VCS Control",
	[LK_PM_EXPRESSWAY] = "VCS Expressway",
	[LK_PM_MGMT] = "Management system",
	[LK_PM_PC] = "PC",
	[LK_PM_TMS] = "TMS",
	[LK_PM_DNS] = "DNS server",
	[LK_PM_INTERNET_EP] = "Internet endpoint",
	[LK_PM_FIREWALL] = "Firewall",
	[LK_PM_ENDPOINT] = "Endpoint",
	[LK_PM_IMP] = "IM&P server",
	[LK_PM_UCM] = "Unified CM server",
	[LK_PM_CUC] = "CUC server",
	[LK_PM_SIP_UA] = "Internet SIP UA",
	[LK_PM_XMPP_SERVER] = "Federated XMPP server",
};

/*
 * Where each side sits, read from the seed's "Open firewall" rows: the
 * Expressway is in the DMZ, the Control and what it manages in the private
 * network, endpoints and servers "in the Internet" outside.  TMS tables
 * say "n/a"; TMS is a management system, so private.
 */
static const enum lk_pm_net party_nets[LK_PM_PARTY__COUNT] = {
	[LK_PM_CONTROL] = LK_PM_PRIVATE,
	[LK_PM_EXPRESSWAY] = LK_PM_DMZ,
	[LK_PM_MGMT] = LK_PM_PRIVATE,
	[LK_PM_PC] = LK_PM_PRIVATE,
	[LK_PM_TMS] = LK_PM_PRIVATE,
	[LK_PM_DNS] = LK_PM_INTERNET,
	[LK_PM_INTERNET_EP] = LK_PM_INTERNET,
	[LK_PM_FIREWALL] = LK_PM_INTERNET,
	[LK_PM_ENDPOINT] = LK_PM_PRIVATE,
	[LK_PM_IMP] = LK_PM_PRIVATE,
	[LK_PM_UCM] = LK_PM_PRIVATE,
	[LK_PM_CUC] = LK_PM_PRIVATE,
	[LK_PM_SIP_UA] = LK_PM_INTERNET,
	[LK_PM_XMPP_SERVER] = LK_PM_INTERNET,
};

const char *lk_portmodel_transport_name(enum lk_pm_transport t)
{
	switch (t) {

	case LK_PM_UDP:	return "UDP";
	case LK_PM_TCP:	return "TCP";
	case LK_PM_TLS:	return "TLS";
	}

	return "?";
}

const char *lk_portmodel_party_name(enum lk_pm_party party)
{
	return (unsigned)party < LK_PM_PARTY__COUNT ? party_names[party] : "?";
}

const char *lk_portmodel_net_name(enum lk_pm_net net)
{
	switch (net) {

	case LK_PM_PRIVATE:	return "private";
	case LK_PM_DMZ:		return "dmz";
	case LK_PM_INTERNET:	return "internet";
	}

	return "?";
}

const char *lk_portmodel_kind_name(enum lk_pm_kind kind)
{
	switch (kind) {

	case LK_PM_FIXED:	return "fixed";
	case LK_PM_KEY:		return "key";
	case LK_PM_ZONE_KEY:	return "zone-key";
	case LK_PM_MEDIA:	return "media";
	case LK_PM_MEDIA_RTP:	return "media-rtp";
	case LK_PM_MEDIA_RTCP:	return "media-rtcp";
	case LK_PM_MUX:		return "mux";
	case LK_PM_MUX_RTP:	return "mux-rtp";
	case LK_PM_MUX_RTCP:	return "mux-rtcp";
	case LK_PM_ANY:		return "any";
	}

	return "?";
}

const struct lk_pm_section *lk_portmodel_sections(size_t *np)
{
	if (np)
		*np = SEC__COUNT;

	return sections;
}

/*
 * Resolution
 */

/* The value of a port key of the configuration. */
static int key_port(const struct lk_conf *conf, enum lk_key key,
		    unsigned zone, uint16_t *portp)
{
	uint16_t v;

	switch (key) {

	case LK_KEY_SIP_UDP_PORT:	v = conf->sip_udp_port; break;
	case LK_KEY_SIP_TCP_PORT:	v = conf->sip_tcp_port; break;
	case LK_KEY_SIP_TLS_PORT:	v = conf->sip_tls_port; break;
	case LK_KEY_SIP_TCP_OUT_START:	v = conf->sip_tcp_out.start;
		break;
	case LK_KEY_SIP_TCP_OUT_END:	v = conf->sip_tcp_out.end; break;
	case LK_KEY_H323_RAS_PORT:	v = conf->h323_ras_port; break;
	case LK_KEY_H323_CALLSIG_START:	v = conf->h323_callsig.start;
		break;
	case LK_KEY_H323_CALLSIG_END:	v = conf->h323_callsig.end; break;
	case LK_KEY_H323_Q931_PORT:	v = conf->h323_q931_port; break;
	case LK_KEY_ASSENT_PORT:	v = conf->assent_port; break;
	case LK_KEY_H46018_PORT:	v = conf->h46018_port; break;
	case LK_KEY_DEMUX_RTP_PORT:	v = conf->demux_rtp_port; break;
	case LK_KEY_DEMUX_RTCP_PORT:	v = conf->demux_rtcp_port; break;
	case LK_KEY_MEDIA_START:	v = conf->media.start; break;
	case LK_KEY_MEDIA_END:		v = conf->media.end; break;
	case LK_KEY_TURN_PORT_START:	v = conf->turn_listen.start; break;
	case LK_KEY_TURN_PORT_END:	v = conf->turn_listen.end; break;
	case LK_KEY_TURN_RELAY_START:	v = conf->turn_relay.start; break;
	case LK_KEY_TURN_RELAY_END:	v = conf->turn_relay.end; break;
	case LK_KEY_MGMT_HTTP_PORT:	v = conf->mgmt_http_port; break;
	case LK_KEY_MGMT_HTTPS_PORT:	v = conf->mgmt_https_port; break;
	case LK_KEY_TCP_EPHEMERAL_START: v = conf->tcp_ephemeral.start; break;
	case LK_KEY_TCP_EPHEMERAL_END:	v = conf->tcp_ephemeral.end;
		break;
	case LK_KEY_UDP_EPHEMERAL_START: v = conf->udp_ephemeral.start; break;
	case LK_KEY_UDP_EPHEMERAL_END:	v = conf->udp_ephemeral.end;
		break;
	case LK_KEY_ZONE_SIP_PORT:
		if (!zone || zone > conf->nzones)
			return EINVAL;
		v = conf->zones[zone - 1].sip_port;
		break;
	case LK_KEY_ZONE_H323_PORT:
		if (!zone || zone > conf->nzones)
			return EINVAL;
		v = conf->zones[zone - 1].h323_port;
		break;
	default:
		return EINVAL;
	}
	*portp = v;

	return 0;
}

/* Runs of ports, each `step` apart, collected into an end's ranges. */
struct runs {
	struct lk_pm_end *end;
	unsigned step;
	bool open;
	unsigned start, last;
	int err;
};

static void runs_flush(struct runs *r)
{
	struct lk_pm_end *end = r->end;

	if (!r->open)
		return;
	r->open = false;
	if (end->nranges == LK_PM_RANGES_MAX) {
		r->err = EINVAL;
		return;
	}
	end->ranges[end->nranges].start = (uint16_t)r->start;
	end->ranges[end->nranges].end = (uint16_t)r->last;
	end->ranges[end->nranges].step =
		(uint16_t)(r->start == r->last ? 1 : r->step);
	++end->nranges;
}

static void runs_add(struct runs *r, unsigned port)
{
	if (r->open && port == r->last + r->step) {
		r->last = port;
		return;
	}
	runs_flush(r);
	r->open = true;
	r->start = r->last = port;
}

/*
 * The media range less the multiplexed ports (seed footnote **: "in Large
 * systems the first 12 ports in the range ... are used for multiplexed
 * traffic only"), all ports or only even (RTP) or odd (RTCP) ones.
 */
static int resolve_media(struct lk_pm_end *end, const struct lk_conf *conf,
			 int parity)
{
	struct runs r = {.end = end, .step = parity < 0 ? 1 : 2};
	unsigned p = conf->media.start;

	if (conf->media.start > conf->media.end)
		return EINVAL;
	if (parity >= 0 && (int)(p % 2) != parity)
		++p;
	for (; p <= conf->media.end; p += r.step) {
		if (lk_conf_is_mux_port(conf, (uint16_t)p))
			continue;
		runs_add(&r, p);
	}
	runs_flush(&r);
	end->keys[0] = LK_KEY_MEDIA_START;
	end->keys[1] = LK_KEY_MEDIA_END;
	end->nkeys = 2;

	return r.err;
}

static int cmp_port(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/*
 * The multiplexed media ports: mux_ports[2i] RTP, mux_ports[2i + 1] RTCP.
 * `which` is 0 for RTP, 1 for RTCP, -1 for all of them.
 */
static int resolve_mux(struct lk_pm_end *end, const struct lk_conf *conf,
		       int which)
{
	uint16_t ports[LK_MUX_PORTS_MAX];
	struct runs r = {.end = end, .step = which < 0 ? 1 : 2};
	unsigned i, n = 0;

	if (!conf->nmux || conf->nmux > LK_MUX_PORTS_MAX)
		return EINVAL;
	for (i = 0; i < conf->nmux; i++) {
		if (which < 0 || (int)(i % 2) == which)
			ports[n++] = conf->mux_ports[i];
	}
	qsort(ports, n, sizeof(ports[0]), cmp_port);
	for (i = 0; i < n; i++)
		runs_add(&r, ports[i]);
	runs_flush(&r);

	/* Seed footnotes ** and ***: configured ports, or the range's first. */
	if (conf->demux_configured) {
		end->nkeys = 0;
		if (which != 1)
			end->keys[end->nkeys++] = LK_KEY_DEMUX_RTP_PORT;
		if (which != 0)
			end->keys[end->nkeys++] = LK_KEY_DEMUX_RTCP_PORT;
	}
	else {
		end->keys[0] = LK_KEY_MEDIA_START;
		end->keys[1] = LK_KEY_SIZE;
		end->nkeys = 2;
	}

	return r.err;
}

static bool mux_inside_media(const struct lk_conf *conf)
{
	unsigned i;

	for (i = 0; i < conf->nmux; i++) {
		if (conf->mux_ports[i] >= conf->media.start &&
		    conf->mux_ports[i] <= conf->media.end)
			return true;
	}

	return false;
}

static const char *deviation(const struct spec *s, const struct lk_conf *conf)
{
	switch (s->dev_when) {

	case DEV_ALWAYS:
		return s->deviation;
	case DEV_IF_UPGRADED:
		return conf->release != LK_RELEASE_NEW ? s->deviation : NULL;
	case DEV_IF_MUX_INSIDE:
		return mux_inside_media(conf) ? s->deviation : NULL;
	}

	return s->deviation;
}

static int resolve_end(struct lk_pm_end *end, const struct spec *s,
		       const struct lk_conf *conf, unsigned zone)
{
	uint16_t a, b;
	unsigned i;
	int err;

	memset(end, 0, sizeof(*end));
	end->party = s->party;
	end->net = party_nets[s->party];
	end->letter = s->letter ? s->letter : "";
	end->note = s->note ? s->note : "";
	end->kind = s->kind;
	end->deviation = deviation(s, conf);

	switch (s->kind) {

	case LK_PM_FIXED:
		for (i = 0; i < 3 && s->port[i]; i++) {
			end->ranges[i] = (struct lk_pm_range){s->port[i],
				s->port[i], 1};
			++end->nranges;
		}
		return 0;

	case LK_PM_KEY:
	case LK_PM_ZONE_KEY:
		err = key_port(conf, s->key, zone, &a);
		if (!err)
			err = key_port(conf, s->key_end, zone, &b);
		if (err)
			return err;
		if (a > b)
			return EINVAL;
		end->keys[0] = s->key;
		end->nkeys = 1;
		if (s->key_end != s->key)
			end->keys[end->nkeys++] = s->key_end;
		end->ranges[0] = (struct lk_pm_range){a, b, 1};
		end->nranges = 1;
		return 0;

	case LK_PM_MEDIA:	return resolve_media(end, conf, -1);
	case LK_PM_MEDIA_RTP:	return resolve_media(end, conf, 0);
	case LK_PM_MEDIA_RTCP:	return resolve_media(end, conf, 1);
	case LK_PM_MUX:		return resolve_mux(end, conf, -1);
	case LK_PM_MUX_RTP:	return resolve_mux(end, conf, 0);
	case LK_PM_MUX_RTCP:	return resolve_mux(end, conf, 1);

	case LK_PM_ANY:
		end->typical = s->port[0];
		if (!s->unbounded) {
			end->ranges[0] = (struct lk_pm_range){1024, 65535, 1};
			end->nranges = 1;
		}
		return 0;
	}

	return EINVAL;
}

static bool spec_is_zone(const struct spec *s)
{
	return s->kind == LK_PM_ZONE_KEY;
}

static bool spec_is_turn(const struct spec *s)
{
	return s->kind == LK_PM_KEY && (s->key == LK_KEY_TURN_PORT_START ||
					s->key == LK_KEY_TURN_RELAY_START);
}

/*
 * An Expressway configured without TURN does not serve the seed's TURN
 * rows.  A Control's configuration says nothing about its Expressway's
 * TURN, so the rows stay as the seed has them there.
 */
static const char *row_off(const struct tmpl *t, const struct lk_conf *conf)
{
	if (conf->role != LK_ROLE_EXPRESSWAY || conf->turn_enabled)
		return NULL;
	if ((spec_is_turn(&t->src) && t->src.party == LK_PM_EXPRESSWAY) ||
	    (spec_is_turn(&t->dst) && t->dst.party == LK_PM_EXPRESSWAY))
		return "TURN services = no";

	return NULL;
}

static void portmatrix_destructor(void *arg)
{
	struct lk_portmatrix *pm = arg;

	free(pm->entry);
}

int lk_portmodel_resolve(struct lk_portmatrix **pmp, const struct lk_conf *conf)
{
	struct lk_portmatrix *pm;
	size_t cap = 0, i;
	int err = 0;

	if (!pmp || !conf || conf->nzones > LK_ZONES_MAX)
		return EINVAL;

	for (i = 0; i < NROWS; i++) {
		bool zoned = spec_is_zone(&rows[i].src) ||
			spec_is_zone(&rows[i].dst);

		cap += zoned ? conf->nzones : 1;
	}

	pm = mem_zalloc(sizeof(*pm), portmatrix_destructor);
	if (!pm)
		return ENOMEM;
	pm->nzones = conf->nzones;
	pm->entry = calloc(cap ? cap : 1, sizeof(*pm->entry));
	if (!pm->entry) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < NROWS; i++) {
		const struct tmpl *t = &rows[i];
		bool zoned = spec_is_zone(&t->src) || spec_is_zone(&t->dst);
		unsigned z, first = zoned ? 1 : 0, last = zoned ?
			conf->nzones : 0;

		/* The one row beyond the seed: TURN control over TCP. */
		if (t->sec == SEC_SIP_ICE && t->transport == T_TCP &&
		    !(conf->turn_tcp && conf->turn_enabled))
			continue;
		/* A per-zone row is there once per zone, none with none. */
		for (z = first; z <= last; z++) {
			struct lk_pm_entry *e = &pm->entry[pm->n];

			e->section = &sections[t->sec];
			e->row = t->row;
			e->dir = t->dir;
			e->purpose = t->purpose;
			e->transport = t->transport;
			e->zone = z;
			e->off = row_off(t, conf);
			err = resolve_end(&e->src, &t->src, conf, z);
			if (!err)
				err = resolve_end(&e->dst, &t->dst, conf, z);
			if (err)
				goto out;
			++pm->n;
		}
	}

 out:
	if (err)
		mem_deref(pm);
	else
		*pmp = pm;

	return err;
}


bool lk_portmodel_same_row(const struct lk_pm_entry *a,
			   const struct lk_pm_entry *b)
{
	return a && b && a->section == b->section && a->row == b->row &&
		a->dir == b->dir;
}

bool lk_portmodel_has_role(const struct lk_pm_entry *e, enum lk_role role)
{
	enum lk_pm_party p = role == LK_ROLE_CONTROL ? LK_PM_CONTROL :
		LK_PM_EXPRESSWAY;

	return e->src.party == p || e->dst.party == p;
}

bool lk_portmodel_match(const struct lk_pm_entry *e,
			const struct lk_pm_filter *filter)
{
	if (!filter)
		return true;
	if (filter->by_role && !lk_portmodel_has_role(e, filter->role))
		return false;

	return true;
}

/*
 * Text
 */

/* snprintf at an offset; *offp stays at most sz - 1.  false if cut. */
static bool append(char *buf, size_t sz, size_t *offp, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool append(char *buf, size_t sz, size_t *offp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*offp >= sz)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *offp, sz - *offp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if ((size_t)n >= sz - *offp) {
		*offp = sz - 1;
		return false;
	}
	*offp += (size_t)n;

	return true;
}

static bool range_text(char *buf, size_t sz, size_t *offp,
		       const struct lk_pm_range *r)
{
	if (r->start == r->end)
		return append(buf, sz, offp, "%u", r->start);

	return append(buf, sz, offp, "%u to %u", r->start, r->end);
}

int lk_portmodel_ports_text(char *buf, size_t sz, const struct lk_pm_end *end)
{
	size_t off = 0;
	bool ok = true;
	unsigned i;

	if (!buf || !sz || !end)
		return EINVAL;
	buf[0] = '\0';

	if (end->kind == LK_PM_ANY) {
		const struct lk_pm_range *r = &end->ranges[0];

		if (end->typical && !end->nranges)
			ok = append(buf, sz, &off, "%u (typically)",
				    end->typical);
		else if (!end->nranges)
			ok = append(buf, sz, &off, "ephemeral");
		else {
			if (end->typical)
				ok = append(buf, sz, &off, "%u or ",
					    end->typical);
			if (r->end == 65535)
				ok = ok && append(buf, sz, &off, ">= %u",
						  r->start);
			else
				ok = ok && range_text(buf, sz, &off, r);
		}
		return ok ? 0 : ENOSPC;
	}

	for (i = 0; i < end->nranges && ok; i++) {
		if (i)
			ok = append(buf, sz, &off, end->kind == LK_PM_FIXED ?
				    " or " : ", ");
		ok = ok && range_text(buf, sz, &off, &end->ranges[i]);
	}

	return ok ? 0 : ENOSPC;
}

/*
 * The keys an end's ports come from.  Two keys of one section share what
 * their names share: "Protocols > SIP > TCP outbound port start / end".
 */
static void keys_text(char *buf, size_t sz, size_t *offp,
		      const struct lk_pm_end *end, unsigned zone)
{
	char path[200];
	unsigned i;

	for (i = 0; i < end->nkeys; i++) {
		const char *n0 = lk_conf_key_name(end->keys[0]);
		const char *ni = lk_conf_key_name(end->keys[i]);
		size_t common = 0, k;

		if (i && !strcmp(lk_conf_key_section(end->keys[i]),
				 lk_conf_key_section(end->keys[0]))) {
			/* Up to the last blank both names share. */
			for (k = 0; n0[k] && n0[k] == ni[k]; k++) {
				if (ni[k] == ' ')
					common = k + 1;
			}
			append(buf, sz, offp, " / %s", ni + common);
			continue;
		}
		lk_conf_key_path(path, sizeof(path), end->keys[i], zone);
		append(buf, sz, offp, "%s%s", i ? "; " : "", path);
	}
}

void lk_portmodel_source_text(char *buf, size_t sz,
			      const struct lk_pm_end *end, unsigned zone)
{
	size_t off = 0;

	if (!buf || !sz)
		return;
	buf[0] = '\0';
	if (!end)
		return;

	switch (end->kind) {

	case LK_PM_FIXED:
		append(buf, sz, &off, "fixed by the seed");
		break;
	case LK_PM_KEY:
	case LK_PM_ZONE_KEY:
		keys_text(buf, sz, &off, end, zone);
		if (end->note[0])
			append(buf, sz, &off, " (%s)", end->note);
		break;
	case LK_PM_MEDIA:
	case LK_PM_MEDIA_RTP:
	case LK_PM_MEDIA_RTCP:
		keys_text(buf, sz, &off, end, zone);
		append(buf, sz, &off, ", less the multiplexed media ports; "
		       "RTP on even ports, RTCP on odd");
		break;
	case LK_PM_MUX:
	case LK_PM_MUX_RTP:
	case LK_PM_MUX_RTCP:
		if (end->nkeys && end->keys[0] == LK_KEY_MEDIA_START)
			append(buf, sz, &off, "multiplexed media: the first 2 "
			       "ports of the media range, 12 on Large systems "
			       "(");
		else
			append(buf, sz, &off, "multiplexed media: the "
			       "configured demultiplexing ports (");
		keys_text(buf, sz, &off, end, zone);
		append(buf, sz, &off, ")");
		break;
	case LK_PM_ANY:
		append(buf, sz, &off, "%s", end->note);
		break;
	}
}

#define TEXT_WIDTH 100

/*
 * Print `text` after `lead`, wrapped at TEXT_WIDTH columns; continuation
 * lines start under the text.
 */
static void print_wrapped(FILE *f, const char *lead, const char *text)
{
	size_t col = strlen(lead), indent = col;
	const char *p = text;

	fputs(lead, f);
	while (*p) {
		const char *w = p;
		size_t len;

		while (*w && *w != ' ')
			w++;
		len = (size_t)(w - p);
		if (col > indent && col + 1 + len > TEXT_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		}
		else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, len, f);
		col += len;
		while (*w == ' ')
			w++;
		p = w;
	}
	fputc('\n', f);
}

/* Is this end described by a legend line under its table? */
static bool end_in_legend(const struct lk_pm_end *end)
{
	if (end->kind == LK_PM_FIXED)
		return false;
	if (end->kind == LK_PM_ANY && !end->letter[0])
		return false;

	return true;
}

#define LEGEND_MAX 32
#define DEVS_MAX 8

/* What is printed under one table. */
struct legend {
	unsigned n;
	char label[LEGEND_MAX][64];
	char text[LEGEND_MAX][320];
	unsigned ndev;
	const char *dev[DEVS_MAX];
	const char *off;
};

static void legend_add(struct legend *lg, const struct lk_pm_end *end,
		       unsigned zone)
{
	char label[64], text[320];
	unsigned i;

	if (!end_in_legend(end))
		return;
	if (end->letter[0])
		snprintf(label, sizeof(label), "%s", end->letter);
	else
		lk_portmodel_ports_text(label, sizeof(label), end);
	lk_portmodel_source_text(text, sizeof(text), end, zone);
	for (i = 0; i < lg->n; i++) {
		if (!strcmp(lg->label[i], label) && !strcmp(lg->text[i], text))
			return;
	}
	if (lg->n == LEGEND_MAX)
		return;
	snprintf(lg->label[lg->n], sizeof(lg->label[0]), "%s", label);
	snprintf(lg->text[lg->n], sizeof(lg->text[0]), "%s", text);
	++lg->n;
}

/* The number of a deviation's mark under this table, from 1; 0 if none. */
static unsigned legend_dev(struct legend *lg, const char *dev)
{
	unsigned i;

	if (!dev)
		return 0;
	for (i = 0; i < lg->ndev; i++) {
		if (lg->dev[i] == dev)
			return i + 1;
	}
	if (lg->ndev == DEVS_MAX)
		return 0;
	lg->dev[lg->ndev++] = dev;

	return lg->ndev;
}

/* One cell: the letter, the ports, what makes them exact, a mark. */
static void cell_text(char *buf, size_t sz, const struct lk_pm_entry *e,
		      const struct lk_pm_end *end, enum lk_pm_party dir_party,
		      unsigned nzones, struct legend *lg)
{
	char ports[200];
	size_t off = 0;
	unsigned dev;

	lk_portmodel_ports_text(ports, sizeof(ports), end);
	append(buf, sz, &off, "%-4s %s", end->letter, ports);
	if (end->kind == LK_PM_ZONE_KEY && nzones > 1)
		append(buf, sz, &off, " (zone %u)", e->zone);
	if (end->party != dir_party)
		append(buf, sz, &off, " (%s)",
		       lk_portmodel_party_name(end->party));
	dev = legend_dev(lg, end->deviation);
	if (dev)
		append(buf, sz, &off, " !%u", dev);
}

#define PURPOSE_MAX 30

/* One direction of one table: the seed's column pair. */
static void print_dir(const struct lk_portmatrix *pm, size_t first,
		      size_t last, unsigned dir,
		      const struct lk_pm_filter *filter, FILE *f,
		      struct legend *lg)
{
	const struct lk_pm_section *sec = pm->entry[first].section;
	const struct lk_pm_dir *d = &sec->dir[dir];
	char head_src[80], head_dst[80], cell[300];
	const struct lk_pm_entry *prev = NULL;
	int wp = (int)strlen("purpose"), ws, wd;
	size_t i;

	snprintf(head_src, sizeof(head_src), "%s source",
		 lk_portmodel_party_name(d->src));
	snprintf(head_dst, sizeof(head_dst), "%s listening",
		 lk_portmodel_party_name(d->dst));
	ws = (int)strlen(head_src);
	wd = (int)strlen(head_dst);
	for (i = first; i < last; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		int l = (int)strlen(e->purpose);

		if (e->dir != dir || !lk_portmodel_match(e, filter))
			continue;
		if (l > wp && l <= PURPOSE_MAX)
			wp = l;
		cell_text(cell, sizeof(cell), e, &e->src, d->src, pm->nzones,
			  lg);
		if ((int)strlen(cell) > ws)
			ws = (int)strlen(cell);
		cell_text(cell, sizeof(cell), e, &e->dst, d->dst, pm->nzones,
			  lg);
		if ((int)strlen(cell) + (e->off ? 7 : 0) > wd)
			wd = (int)strlen(cell) + (e->off ? 7 : 0);
	}

	snprintf(cell, sizeof(cell), "%s; open firewall: %s", d->call,
		 d->firewall);
	print_wrapped(f, "  ", cell);
	fprintf(f, "    %-*s  %-5s %-*s  %-*s  %s\n", wp, "purpose", "proto",
		ws, head_src, wd, head_dst, "served");
	for (i = first; i < last; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		const char *purpose = e->purpose;

		if (e->dir != dir || !lk_portmodel_match(e, filter))
			continue;
		/* Like the seed, a row's purpose once for all its parts. */
		if (prev && lk_portmodel_same_row(prev, e))
			purpose = "";
		else if ((int)strlen(purpose) > wp) {
			fprintf(f, "    %s\n", purpose);
			purpose = "";
		}
		prev = e;
		cell_text(cell, sizeof(cell), e, &e->src, d->src, pm->nzones,
			  lg);
		fprintf(f, "    %-*s  %-5s %-*s  ", wp, purpose,
			lk_portmodel_transport_name(e->transport), ws, cell);
		cell_text(cell, sizeof(cell), e, &e->dst, d->dst, pm->nzones,
			  lg);
		if (e->off)
			strncat(cell, "  [off]", sizeof(cell) - strlen(cell) - 1);
		fprintf(f, "%-*s  %s\n", wd, cell,
			lk_service_short(lk_portmodel_service(e)));
		legend_add(lg, &e->src, e->zone);
		legend_add(lg, &e->dst, e->zone);
		if (e->off)
			lg->off = e->off;
	}
}

enum lk_service lk_portmodel_service(const struct lk_pm_entry *e)
{
	const struct lk_pm_end *d = &e->dst;

	if (d->party != LK_PM_CONTROL && d->party != LK_PM_EXPRESSWAY)
		return LK_SERVICE_NONE;
	switch (d->kind) {

	case LK_PM_MEDIA:
	case LK_PM_MEDIA_RTP:
	case LK_PM_MEDIA_RTCP:
		return lk_service_of_proto(LK_PROTO_MEDIA, false);
	case LK_PM_MUX:
	case LK_PM_MUX_RTP:
	case LK_PM_MUX_RTCP:
		return lk_service_of_proto(LK_PROTO_MEDIA, true);
	case LK_PM_KEY:
	case LK_PM_ZONE_KEY:
		return d->nkeys ? lk_service_of_key(d->keys[0]) :
			LK_SERVICE_NONE;
	default:
		return LK_SERVICE_NONE;
	}
}

int lk_portmodel_print_text(const struct lk_portmatrix *pm,
			    const struct lk_pm_filter *filter, FILE *f)
{
	struct legend *lg;
	size_t i = 0, j;
	bool any = false;
	unsigned d, k;

	if (!pm || !f)
		return EINVAL;
	lg = malloc(sizeof(*lg));
	if (!lg)
		return ENOMEM;

	while (i < pm->n) {
		const struct lk_pm_section *sec = pm->entry[i].section;
		bool shown = false;
		char lead[80];

		for (j = i; j < pm->n && pm->entry[j].section == sec; j++) {
			if (lk_portmodel_match(&pm->entry[j], filter))
				shown = true;
		}
		if (!shown) {
			i = j;
			continue;
		}

		memset(lg, 0, sizeof(*lg));
		fprintf(f, "%s%s  [%s]\n", any ? "\n" : "", sec->title,
			sec->id);
		any = true;
		for (d = 0; d < sec->ndirs; d++) {
			size_t m;

			for (m = i; m < j; m++) {
				if (pm->entry[m].dir == d &&
				    lk_portmodel_match(&pm->entry[m], filter))
					break;
			}
			if (m < j)
				print_dir(pm, i, j, d, filter, f, lg);
		}
		for (k = 0; k < lg->n; k++) {
			snprintf(lead, sizeof(lead), "    %-4s = ",
				 lg->label[k]);
			print_wrapped(f, lead, lg->text[k]);
		}
		for (k = 0; k < lg->ndev; k++) {
			char text[400];

			snprintf(lead, sizeof(lead), "    !%-3u = ", k + 1);
			snprintf(text, sizeof(text),
				 "differs from the seed: %s", lg->dev[k]);
			print_wrapped(f, lead, text);
		}
		if (lg->off) {
			char text[200];

			snprintf(text, sizeof(text), "not served by this "
				 "configuration: %s", lg->off);
			print_wrapped(f, "    [off] = ", text);
		}
		if (sec->note)
			print_wrapped(f, "    Note: ", sec->note);
		i = j;
	}
	free(lg);

	return ferror(f) ? EIO : 0;
}

/*
 * JSON
 */

static void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {

		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		json_str(f, s);
	else
		fputs("null", f);
}

static void json_end(FILE *f, const struct lk_pm_end *end, unsigned zone)
{
	char buf[400];
	unsigned i;

	fputs("{\"side\":", f);
	json_str(f, lk_portmodel_party_name(end->party));
	fputs(",\"role\":", f);
	json_str_or_null(f, end->party == LK_PM_CONTROL ? "control" :
			 end->party == LK_PM_EXPRESSWAY ? "expressway" : NULL);
	fputs(",\"net\":", f);
	json_str(f, lk_portmodel_net_name(end->net));
	fputs(",\"letter\":", f);
	json_str(f, end->letter);
	fputs(",\"kind\":", f);
	json_str(f, lk_portmodel_kind_name(end->kind));
	fputs(",\"keys\":[", f);
	for (i = 0; i < end->nkeys; i++) {
		lk_conf_key_path(buf, sizeof(buf), end->keys[i], zone);
		if (i)
			fputc(',', f);
		json_str(f, buf);
	}
	fputs("],\"ports\":[", f);
	for (i = 0; i < end->nranges; i++)
		fprintf(f, "%s{\"start\":%u,\"end\":%u,\"step\":%u}",
			i ? "," : "", end->ranges[i].start, end->ranges[i].end,
			end->ranges[i].step);
	fputs("],\"typical\":", f);
	if (end->typical)
		fprintf(f, "%u", end->typical);
	else
		fputs("null", f);
	lk_portmodel_ports_text(buf, sizeof(buf), end);
	fputs(",\"text\":", f);
	json_str(f, buf);
	lk_portmodel_source_text(buf, sizeof(buf), end, zone);
	fputs(",\"source\":", f);
	json_str(f, buf);
	fputs(",\"deviation\":", f);
	json_str_or_null(f, end->deviation);
	fputc('}', f);
}

int lk_portmodel_print_json(const struct lk_portmatrix *pm,
			    const struct lk_pm_filter *filter, FILE *f)
{
	bool first = true;
	size_t i;

	if (!pm || !f)
		return EINVAL;

	fputc('[', f);
	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		const struct lk_pm_dir *d = &e->section->dir[e->dir];

		if (!lk_portmodel_match(e, filter))
			continue;
		fputs(first ? "\n  {" : ",\n  {", f);
		first = false;
		fputs("\"section\":", f);
		json_str(f, e->section->id);
		fputs(",\"title\":", f);
		json_str(f, e->section->title);
		fprintf(f, ",\"row\":%u,\"purpose\":", e->row);
		json_str(f, e->purpose);
		fprintf(f, ",\"direction\":{\"index\":%u,\"call\":",
			e->dir + 1);
		json_str(f, d->call);
		fputs(",\"firewall\":", f);
		json_str(f, d->firewall);
		fputs(",\"from\":", f);
		json_str(f, lk_portmodel_net_name(e->src.net));
		fputs(",\"to\":", f);
		json_str(f, lk_portmodel_net_name(e->dst.net));
		fputs("},\"transport\":", f);
		json_str(f, lk_portmodel_transport_name(e->transport));
		fputs(",\"traversal_zone\":", f);
		if (e->zone)
			fprintf(f, "%u", e->zone);
		else
			fputs("null", f);
		fputs(",\"src\":", f);
		json_end(f, &e->src, e->zone);
		fputs(",\"dst\":", f);
		json_end(f, &e->dst, e->zone);
		fputs(",\"off\":", f);
		json_str_or_null(f, e->off);
		fputs(",\"latchkeyd\":", f);
		json_str(f, lk_service_token(lk_portmodel_service(e)));
		fputc('}', f);
	}
	fputs(first ? "]\n" : "\n]\n", f);

	return ferror(f) ? EIO : 0;
}
