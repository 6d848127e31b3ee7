/* signalling/listen.h  The documented listening ports of a role, bound with libevent. */
/*
 * The plan of signalling ports (seed tables) and the set of bound sockets;
 * enum lk_listen_proto is the transport of every signalling module.  The
 * caller of lk_listen_open() releases the set with mem_deref().
 */
#ifndef LK_LISTEN_H
#define LK_LISTEN_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"

struct event_base;

enum lk_listen_proto {
	LK_LISTEN_UDP = 0,
	LK_LISTEN_TCP,
	LK_LISTEN_TLS,		/* a TCP listener that will speak TLS */
};

/* One port the role listens on, with the seed row and key it comes from. */
struct lk_listen_item {
	enum lk_listen_proto proto;
	uint16_t port;
	enum lk_key key;
	unsigned zone;		/* traversal zone number for zone keys */
	const char *purpose;	/* "SIP", "H.225 RAS", ... */
	const char *seed;	/* seed section and letter */
};

#define LK_LISTEN_MAX (24 + 2 * LK_ZONES_MAX + LK_MUX_PORTS_MAX)

/*
 * The listening ports of the configured role, as the seed lists them:
 * both roles take SIP (UDP/TCP 5060, TLS 5061) and H.323 (RAS 1719, Q.931
 * 1720); the Expressway, as traversal server, adds each traversal zone
 * (SIP 7001+, H.323 6001+), Assent 2776 and H.460.18 2777, and TURN
 * (3478).  The multiplexed media ports (36000/36001) belong to the media
 * core (relay/media.h), which binds them.  Writes up to LK_LISTEN_MAX
 * items and returns how many.
 */
unsigned lk_listen_plan(const struct lk_conf *conf,
			struct lk_listen_item *items);

struct lk_listen_set;

/*
 * Bind every planned port on the configured address and register it with
 * `base`.  All or nothing: on the first failure everything bound so far is
 * closed, `errbuf` names the port, the key and the reason, and the errno
 * is returned.  The set is freed with mem_deref().
 */
int lk_listen_open(struct lk_listen_set **setp, struct event_base *base,
		   const struct lk_conf *conf, char *errbuf, size_t errsz);

unsigned lk_listen_count(const struct lk_listen_set *set);

/* One line per bound port: protocol, address:port, purpose, key. */
void lk_listen_print(const struct lk_listen_set *set, FILE *f);

const char *lk_listen_proto_name(enum lk_listen_proto proto);

/* A placeholder listener's counters: what arrived and was dropped. */
struct lk_listen_drops {
	const struct lk_listen_item *item;
	uint64_t datagrams;		/* UDP: received and dropped */
	uint64_t connections;		/* TCP: accepted and closed */
};

/*
 * The counters of every listener that has no protocol module behind it
 * (not handed off), up to `max`; returns how many.  Control thread.
 */
unsigned lk_listen_drops(const struct lk_listen_set *set,
			 struct lk_listen_drops *out, unsigned max);

/* "udp", "tcp", "tls": the transport parameter of a SIP URI. */
const char *lk_listen_proto_param(enum lk_listen_proto proto);

/*
 * Hand the socket of the port planned for `key` (a non-zone key) to its
 * protocol's module, which owns it from then on: the SIP ports (UDP 5060,
 * TCP 5060, TLS 5061, and each zone's SIP port) are bound and, for TCP, listening, but get no
 * placeholder handler here; signalling/sip/sip.c takes them.  The TURN
 * request ports are handed off too (relay/turn.c): one socket per call, in
 * port order.  So is the H.323 Registration UDP port (1719):
 * signalling/h323/gk.c, started by cmd/latchkeyd.c, takes it, and the Call
 * signaling TCP port (1720): signalling/h323/callsig.c.  The other
 * ports keep the placeholder that counts and drops (or closes) what
 * arrives.  The port stays in the set's listing.  Returns the socket, or -1
 * when `key` has no port in the set or all were taken already.
 */
int lk_listen_take_fd(struct lk_listen_set *set, enum lk_key key);

/* The same for a zone key: the Expressway's SIP port of zone `zone`. */
int lk_listen_take_zone_fd(struct lk_listen_set *set, enum lk_key key,
			   unsigned zone);

#endif
