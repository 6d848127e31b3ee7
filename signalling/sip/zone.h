/* signalling/sip/zone.h  Traversal zones: the Control connects out, the Expressway authenticates it. */
/*
 * The traversal zones of a role: a mem_zalloc object released with
 * mem_deref(); the B2BUA sees them only through struct lk_b2bua_zones.
 */
#ifndef LK_ZONE_H
#define LK_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "sip/transport.h"

struct event_base;
struct sip_msg;
struct lk_listen_set;
struct lk_sipxact;
struct lk_sipxact_srv;
struct lk_zones;

/*
 * The SIP side of the traversal zones (seed, "SIP traversal call", A and
 * B; docs/sip.md, "The traversal zone").  One connection per zone carries
 * every request of every call in both directions, and it is always the
 * Control that opens it, so that the firewall only ever lets connections
 * through from the private network to the DMZ:
 *
 *  - Control (traversal client): for each zone with a Peer address it
 *    connects to the Expressway's zone port (7001 for zone 1) over the
 *    zone's transport (TLS by default, or TCP) from a port of the TCP
 *    outbound range (25000-29999, bound before connect), sends REGISTER
 *    and answers a digest challenge with the zone's Username and Password,
 *    then sends OPTIONS every Keep-alive interval.  A keep-alive still
 *    unanswered when the next is due, a refused REGISTER or a closed
 *    connection make it reconnect after a back-off of 1 s doubling up to
 *    Retry interval.
 *  - Expressway (traversal server): it accepts connections on each zone's
 *    SIP port; the first thing a client must do is REGISTER with the
 *    zone's credentials (401 challenge; none when the zone has no
 *    Username).  Until then every other request on the connection gets
 *    403.  A newer authenticated connection replaces the older one, which
 *    is closed.
 */
int lk_zones_alloc(struct lk_zones **zsp, struct event_base *base,
		   const struct lk_conf *conf, struct lk_siptransport *tp,
		   struct lk_sipxact *ts, struct lk_listen_set *listeners,
		   char *errbuf, size_t errsz);

/*
 * A request on a zone connection (flow->zone != 0), before anything else
 * sees it: the traversal client's REGISTER (Expressway), or a request on a
 * connection that is not the zone's authenticated one (403).  Returns true
 * when it was handled here; false for a request the B2BUA (or OPTIONS)
 * should take.
 */
bool lk_zones_request(struct lk_zones *zs, struct lk_sipxact_srv *st,
		      const struct lk_sipflow *flow,
		      const struct sip_msg *msg);

/* The connection's flow of zone `zone` (from 1) when it is up, or NULL. */
const struct lk_sipflow *lk_zones_flow(const struct lk_zones *zs,
				       unsigned zone);

/* Whether `flow` is the authenticated connection of its zone. */
bool lk_zones_is_zone(const struct lk_zones *zs,
		      const struct lk_sipflow *flow);

/* Log each zone's state and counters (at stop). */
void lk_zones_log(const struct lk_zones *zs);

/*
 * A zone's state and counters, for management (mgmt/): `peer` is the
 * Expressway it connects to (client) or the client connected (server, when
 * up); `since` the unix time of the last change of `up`, 0: never.
 */
struct lk_zone_info {
	unsigned number;
	const char *name;
	bool client;
	bool up;
	uint64_t since;
	const char *transport;		/* "TLS", "TCP" */
	char peer[64];
	uint64_t connects, authenticated, drops, keepalives;
	uint64_t keepalive_failures, refused;
};

/* The zones lk_zones_log() would log, up to `max`; returns how many. */
unsigned lk_zones_info(const struct lk_zones *zs, struct lk_zone_info *out,
		       unsigned max);

#endif
