/* signalling/h323/assent.h  Assent (seed T, 2776): bound, not implemented; each connection gets a clean Release Complete and is closed. */
#ifndef LK_H323_ASSENT_H
#define LK_H323_ASSENT_H

#include <stdint.h>

/*
 * Assent is TANDBERG's (now Cisco's) proprietary firewall traversal for
 * H.323, on one TCP port for Q.931 and H.245 (seed "H.323 traversal call
 * using Assent", T = Traversal > Ports > H.323 Assent call signaling
 * port, 2776).  It has no public specification, no open implementation
 * and no Wireshark dissector (research notes); H.460.18/19, which the
 * ITU based on it, is its standard equivalent and is served (1720,
 * 2777, docs/h323.md).  So the port stays bound, as the seed's port
 * model has it, and a connection to it is answered as cleanly as the
 * standard allows: its first Q.931 message (after any empty TPKT) gets
 * Release Complete with cause 79 "service or option not implemented"
 * and reason undefinedReason under its own call reference (and
 * callIdentifier, when its user-user information has one), then the
 * connection is closed.  Anything else (not a TPKT, not Q.931, too
 * long, silence) is counted and closed.  The first connection is logged
 * at info level with why, the rest at debug.
 */

struct event_base;
struct lk_h323_assent;

#define LK_H323_ASSENT_TIMEOUT	5	/* s for the first message */
#define LK_H323_ASSENT_CONNS	64	/* open at once; more: closed */
#define LK_Q931_CAUSE_NOT_IMPLEMENTED	79	/* Q.850: service or option
						 * not implemented */

struct lk_h323_assent_stats {
	uint64_t connections;		/* accepted */
	uint64_t released;		/* ... answered with Release Complete */
	uint64_t bad_input;		/* not a TPKT or not Q.931 */
	uint64_t timeouts;		/* nothing within the timeout */
	uint64_t refused;		/* over LK_H323_ASSENT_CONNS */
};

/*
 * Serve the listening socket `fd` (taken: it is closed with the object)
 * on `port`.  EINVAL, ENOMEM.  mem_deref() closes it and every
 * connection.
 */
int lk_h323_assent_alloc(struct lk_h323_assent **ap, struct event_base *base,
			 int fd, uint16_t port);
void lk_h323_assent_stats(const struct lk_h323_assent *a,
			  struct lk_h323_assent_stats *st);

#endif
