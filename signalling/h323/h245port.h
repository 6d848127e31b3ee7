/* signalling/h323/h245port.h  The H.460.18 H.245 port (seed U, 2777): endpoints' outbound H.245 connections, matched to their call. */
#ifndef LK_H323_H245PORT_H
#define LK_H323_H245PORT_H

#include <stdint.h>
#include <netinet/in.h>

/*
 * An endpoint behind a firewall cannot take an H.245 connection, so it
 * is told the H.460.18 call signalling port of the Expressway as the
 * h245Address (seed "H.323 call with endpoint supporting H.460.18 / 19":
 * H.245 to TCP U, 2777) and connects there itself.  Every call shares
 * the port: the first message on a connection is the H.460.18
 * connectionCorrelation genericIndication with the callIdentifier
 * (h460.h); `findh` gives where that call's H.245 goes (the listener of
 * its separate H.245 connection, h245proxy.c), and from then on the
 * connection is spliced to a connection of ours there, octet for octet
 * (the correlation message itself goes no further).
 *
 * A first message that is not a TPKT, not the correlation or names no
 * call waiting, or none within LK_H323_H245PORT_TIMEOUT seconds: the
 * connection is closed and counted.  Either side closing closes both.
 *
 * Ownership: the listening socket is the object's; mem_deref() closes
 * it and every connection.  Control thread only.
 */

struct event_base;
struct lk_h323_h245port;

#define LK_H323_H245PORT_TIMEOUT 10

/* Where call `callid`'s H.245 goes: 0 with *to, or ENOENT. */
typedef int (lk_h323_h245port_find_h)(const uint8_t callid[16],
				      struct sockaddr_in *to, void *arg);

struct lk_h323_h245port_stats {
	uint64_t connections;		/* accepted */
	uint64_t correlated;		/* matched to a call and spliced */
	uint64_t unknown_call;		/* correlation naming no call */
	uint64_t malformed;		/* not TPKT, not the correlation */
	uint64_t timeouts;		/* nothing in time */
	uint64_t failed;		/* could not reach the call's H.245 */
	unsigned active;
};

int lk_h323_h245port_alloc(struct lk_h323_h245port **pp,
			   struct event_base *base, int fd,
			   lk_h323_h245port_find_h *findh, void *arg);
void lk_h323_h245port_stats(const struct lk_h323_h245port *p,
			    struct lk_h323_h245port_stats *st);

#endif
