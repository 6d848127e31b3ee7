/* common/netaddr.h  Numeric IPv4/IPv6 addresses and ports into socket addresses. */
#ifndef LK_NETADDR_H
#define LK_NETADDR_H

#include <stdint.h>
#include <sys/socket.h>

/*
 * `addr` (numeric IPv4 or IPv6, no brackets) and `port` into `*ss`, its
 * length into `*slp`.  Returns 0, or EINVAL for anything else (no DNS:
 * every address in a configuration is numeric).
 */
int lk_sockaddr_set(struct sockaddr_storage *ss, socklen_t *slp,
		    const char *addr, uint16_t port);

/* "ADDR:PORT" or "[IPv6]:PORT".  Returns 0 or EINVAL. */
int lk_sockaddr_parse(struct sockaddr_storage *ss, socklen_t *slp,
		      const char *hostport);

#endif
