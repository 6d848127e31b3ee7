/* common/netaddr.c  Numeric IPv4/IPv6 addresses and ports into socket addresses. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "netaddr.h"

int lk_sockaddr_set(struct sockaddr_storage *ss, socklen_t *slp,
		    const char *addr, uint16_t port)
{
	struct sockaddr_storage tmp;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&tmp;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&tmp;

	if (!ss || !slp || !addr)
		return EINVAL;
	memset(&tmp, 0, sizeof(tmp));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*slp = sizeof(*s4);
	}
	else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*slp = sizeof(*s6);
	}
	else
		return EINVAL;
	*ss = tmp;

	return 0;
}

int lk_sockaddr_parse(struct sockaddr_storage *ss, socklen_t *slp,
		      const char *s)
{
	const char *colon, *h = s;
	char host[64], *end;
	size_t hl;
	long port;

	if (!s)
		return EINVAL;
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return EINVAL;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	}
	else {
		colon = strrchr(s, ':');
		/* A bare IPv6 address has more than one colon: needs [ ]. */
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return EINVAL;
		hl = (size_t)(colon - s);
	}
	if (!hl || hl >= sizeof(host) || !colon[1])
		return EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535 || colon[1] == '+' ||
	    colon[1] == '-' || colon[1] == ' ')
		return EINVAL;

	return lk_sockaddr_set(ss, slp, host, (uint16_t)port);
}
