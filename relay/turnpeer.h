/* relay/turnpeer.h  Which peers a TURN allocation may reach: deny by default. */
#ifndef LK_TURNPEER_H
#define LK_TURNPEER_H

#include <stdbool.h>
#include <stdint.h>

struct sa;

/*
 * The peer policy of the TURN server (docs/turn.md, "Peers").  Every
 * XOR-PEER-ADDRESS of CreatePermission, ChannelBind and Send, and every
 * datagram a relay socket receives, is checked here, on every path
 * (pion/turn#570 was a path that skipped the check).
 *
 * Order of the check, on the canonical address (lk_turnpeer_canonical):
 *  1. latchkeyd's own listening sockets: always denied, whatever the
 *     allow-list says (the ng port is unauthenticated: it must never be
 *     reachable through the relay);
 *  2. "Denied peers" of the configuration: denied, final;
 *  3. the built-in deny list (LK_TURNPEER_BUILTIN in turnpeer.c): denied,
 *     unless "Allowed peers" names the address;
 *  4. everything else: allowed.
 *
 * Pure logic: no I/O, no allocation after lk_turnpeer_alloc().  Not
 * thread-safe to change; const after set-up, so readers may share it.
 */

enum lk_turnpeer_verdict {
	LK_TURNPEER_OK = 0,
	LK_TURNPEER_OWN,	/* one of latchkeyd's own sockets */
	LK_TURNPEER_DENIED,	/* "Denied peers" */
	LK_TURNPEER_BUILTIN,	/* the built-in list, not opened */
	LK_TURNPEER_BAD,	/* not an IPv4/IPv6 address, or port 0 */
};

struct lk_turnpeer;

/*
 * Make a policy from the configuration's comma-separated CIDR lists
 * (either may be NULL or ""): "Allowed peers" and "Denied peers".
 * Returns EINVAL for a list that does not parse, ENOMEM; free with
 * mem_deref().
 */
int lk_turnpeer_alloc(struct lk_turnpeer **pp, const char *allowed,
		      const char *denied);

/*
 * Add one of latchkeyd's own listening sockets.  A wildcard address (0.0.0.0
 * or ::) stands for every address: the port is then denied on any peer
 * address.  Returns ENOSPC past LK_TURNPEER_OWN_MAX, EINVAL.
 */
#define LK_TURNPEER_OWN_MAX 128
int lk_turnpeer_own_add(struct lk_turnpeer *p, const struct sa *addr);

/*
 * Write into `out` the address `in` really reaches: an IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, except :: and ::1), NAT64
 * well-known-prefix (64:ff9b::/96, RFC 6052) or 6to4 (2002:AABB:CCDD::/16,
 * RFC 3056) IPv6 address becomes the IPv4 address inside it; the port is
 * kept.  Anything else is copied.
 */
void lk_turnpeer_canonical(struct sa *out, const struct sa *in);

/* The verdict for `peer` (any form; canonicalised here). */
enum lk_turnpeer_verdict lk_turnpeer_check(const struct lk_turnpeer *p,
					   const struct sa *peer);

/* A short fixed name of a verdict for logs. */
const char *lk_turnpeer_verdict_name(enum lk_turnpeer_verdict v);

#endif
