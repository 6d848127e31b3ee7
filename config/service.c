/*
 * config/service.c  Which ports latchkeyd serves: the protocol table.
 *
 * protos[] is the one place a protocol's module flips to served (the
 * H.323 and TURN issues change their row); keys[] ties each listening or
 * ranged key to its protocol and says whether the daemon binds it at start
 * (signalling/listen.c's plan) or hands it out later (ranges).
 */
#include <stddef.h>

#include "service.h"

static const struct {
	const char *name;
	bool served;
} protos[LK_PROTO__COUNT] = {
	[LK_PROTO_NONE] = {"", false},
	[LK_PROTO_SIP] = {"SIP", true},
	[LK_PROTO_H323] = {"H.323", false},	/* issue 11 flips this */
	[LK_PROTO_H323_RAS] = {"H.323 RAS", true},	/* signalling/h323/gk.c */
	/* signalling/h323/callsig.c */
	[LK_PROTO_H323_CALLSIG] = {"H.323 call signalling", true},
	/* signalling/h323/h245port.c */
	[LK_PROTO_H323_H46018] = {"H.323 H.460.18 H.245", true},
	/* signalling/h323/assent.c: bound, not implemented */
	[LK_PROTO_H323_ASSENT] = {"H.323 Assent", false},
	[LK_PROTO_TURN] = {"TURN", true},	/* relay/turn.c (issue 12) */
	[LK_PROTO_MEDIA] = {"media", true},
	[LK_PROTO_NG] = {"ng", true},
	[LK_PROTO_MGMT] = {"management", true},	/* mgmt/ (issue 14) */
};

static const struct {
	enum lk_key key;
	enum lk_service_proto proto;
	bool bound;		/* a listener bound at start */
} keys[] = {
	{LK_KEY_SIP_UDP_PORT, LK_PROTO_SIP, true},
	{LK_KEY_SIP_TCP_PORT, LK_PROTO_SIP, true},
	{LK_KEY_SIP_TLS_PORT, LK_PROTO_SIP, true},
	{LK_KEY_SIP_TCP_OUT_START, LK_PROTO_SIP, false},
	{LK_KEY_SIP_TCP_OUT_END, LK_PROTO_SIP, false},
	{LK_KEY_ZONE_SIP_PORT, LK_PROTO_SIP, true},
	{LK_KEY_H323_RAS_PORT, LK_PROTO_H323_RAS, true},
	{LK_KEY_H323_Q931_PORT, LK_PROTO_H323_CALLSIG, true},
	{LK_KEY_H323_CALLSIG_START, LK_PROTO_H323_CALLSIG, false},
	{LK_KEY_H323_CALLSIG_END, LK_PROTO_H323_CALLSIG, false},
	{LK_KEY_ASSENT_PORT, LK_PROTO_H323_ASSENT, true},
	{LK_KEY_H46018_PORT, LK_PROTO_H323_H46018, true},
	{LK_KEY_ZONE_H323_PORT, LK_PROTO_H323_RAS, true},	/* h323/zone.c */
	{LK_KEY_TURN_PORT_START, LK_PROTO_TURN, true},
	{LK_KEY_TURN_PORT_END, LK_PROTO_TURN, true},
	{LK_KEY_TURN_RELAY_START, LK_PROTO_TURN, false},
	{LK_KEY_TURN_RELAY_END, LK_PROTO_TURN, false},
	{LK_KEY_MEDIA_START, LK_PROTO_MEDIA, false},
	{LK_KEY_MEDIA_END, LK_PROTO_MEDIA, false},
	{LK_KEY_DEMUX_RTP_PORT, LK_PROTO_MEDIA, true},
	{LK_KEY_DEMUX_RTCP_PORT, LK_PROTO_MEDIA, true},
	{LK_KEY_NG_LISTEN, LK_PROTO_NG, true},
	{LK_KEY_MGMT_HTTP_PORT, LK_PROTO_MGMT, true},
	{LK_KEY_MGMT_HTTPS_PORT, LK_PROTO_MGMT, true},
};

enum lk_service_proto lk_service_proto_of_key(enum lk_key key)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].key == key)
			return keys[i].proto;
	}

	return LK_PROTO_NONE;
}

const char *lk_service_proto_name(enum lk_service_proto proto)
{
	return (unsigned)proto < LK_PROTO__COUNT ? protos[proto].name : "";
}

bool lk_service_proto_served(enum lk_service_proto proto)
{
	return (unsigned)proto < LK_PROTO__COUNT && protos[proto].served;
}

enum lk_service lk_service_of_proto(enum lk_service_proto proto, bool bound)
{
	if (proto == LK_PROTO_NONE || (unsigned)proto >= LK_PROTO__COUNT)
		return LK_SERVICE_NONE;
	if (protos[proto].served)
		return LK_SERVICE_SERVED;
	if (proto == LK_PROTO_H323_ASSENT)
		return bound ? LK_SERVICE_NOT_IMPL : LK_SERVICE_PLANNED;

	return bound ? LK_SERVICE_BOUND : LK_SERVICE_PLANNED;
}

enum lk_service lk_service_of_key(enum lk_key key)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (keys[i].key == key)
			return lk_service_of_proto(keys[i].proto,
						   keys[i].bound);
	}

	return LK_SERVICE_NONE;
}

/* Indexed by enum lk_service: the text, the column word, the JSON word. */
static const struct {
	const char *name, *col, *token;
} names[] = {
	[LK_SERVICE_NONE] = {"not served by latchkeyd", "-", "not-latchkeyd"},
	[LK_SERVICE_SERVED] = {"served", "yes", "served"},
	[LK_SERVICE_BOUND] = {"bound, not served yet", "bound",
			      "bound-not-served"},
	[LK_SERVICE_PLANNED] = {"not served yet", "not yet", "not-served-yet"},
	[LK_SERVICE_NOT_IMPL] = {"bound, not implemented", "not impl",
				 "bound-not-implemented"},
};

const char *lk_service_name(enum lk_service s)
{
	return names[(unsigned)s <= LK_SERVICE_NOT_IMPL ? s : 0].name;
}

const char *lk_service_short(enum lk_service s)
{
	return names[(unsigned)s <= LK_SERVICE_NOT_IMPL ? s : 0].col;
}

const char *lk_service_token(enum lk_service s)
{
	return names[(unsigned)s <= LK_SERVICE_NOT_IMPL ? s : 0].token;
}
