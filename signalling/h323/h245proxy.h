/* signalling/h323/h245proxy.h  A routed call's separate H.245 connection, relayed message by message through a listener of ours. */
#ifndef LK_H323_H245PROXY_H
#define LK_H323_H245PROXY_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "call/call.h"

/*
 * Separate H.245 connections (H.323 8.2; seed P: the gatekeeper's H.245
 * ports are in the Call signaling port range).  `owner` gave an
 * h245Address; the other side is told the address of a listener of
 * ours instead, and the connection it opens there is relayed to the
 * owner's address over a connection of ours from the same range.  Each
 * TPKT is one H.245 message: it goes through the caller's
 * lk_h323_h245proxy_msg_h, which may rewrite it, on to the other side.
 *
 * One H.245 session per proxy (H.245 8.1): a second connection to the
 * listener is refused.  Either connection closing, or a stream that is
 * not TPKT (counted in *malformed), closes both; the listener stays
 * until the proxy is freed, so that the H.245 session may be opened
 * again.
 *
 * Ownership: mem_deref() closes both connections and the listener and
 * gives their ports back.  Control thread only.
 */

struct event_base;
struct lk_portalloc;
struct lk_h323_h245proxy;

/*
 * One H.245 message from `from`: the octets to send on (`pdu` itself, or
 * a buffer of the handler's that stays valid until it is called again),
 * their length in *olen; NULL drops the message.
 */
typedef const uint8_t *(lk_h323_h245proxy_msg_h)(enum lk_sigcall_side from,
						 const uint8_t *pdu,
						 size_t len, size_t *olen,
						 void *arg);

struct lk_h323_h245proxy_conf {
	struct event_base *base;
	struct lk_portalloc *ports;	/* the Call signaling port range */
	struct sockaddr_in local;	/* our address (IPv4) */
	uint64_t call;			/* the call's number, for the log */
	enum lk_sigcall_side owner;	/* who gave the h245Address */
	lk_h323_h245proxy_msg_h *msgh;
	void *arg;
	uint64_t *malformed;		/* counter for streams not TPKT */
};

/*
 * A listener for the other side, relaying to `target` (the owner's own
 * h245Address).  EINVAL, EAFNOSUPPORT, ENOMEM or the port allocator's.
 */
int lk_h323_h245proxy_alloc(struct lk_h323_h245proxy **hp,
			    const struct lk_h323_h245proxy_conf *cfg,
			    const struct sockaddr_in *target);

/* The owner gave a new h245Address: the next connection goes there. */
void lk_h323_h245proxy_retarget(struct lk_h323_h245proxy *h,
				const struct sockaddr_in *target);

/* The listener's port, which the other side is told. */
uint16_t lk_h323_h245proxy_port(const struct lk_h323_h245proxy *h);

/*
 * A TCP socket bound to `local` and `port`: the lk_portalloc_bind_h of
 * the call signalling range's outgoing connections.  `arg` is a struct
 * lk_h323_tcp_bind; its fd is set on success.
 */
struct lk_h323_tcp_bind {
	const struct sockaddr_in *local;
	int fd;
};

int lk_h323_tcp_bind(uint16_t port, void *arg);

#endif
