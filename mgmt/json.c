/* mgmt/json.c  Writing JSON values into an evbuffer: strings escaped per RFC 8259 s.7. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "json.h"

void lk_json_strn(struct evbuffer *b, const char *s, size_t n)
{
	size_t i, run = 0;

	evbuffer_add(b, "\"", 1);
	/*
	 * RFC 8259 s.7: '"', '\\' and U+0000-U+001F must be escaped; the
	 * rest goes as it is, in runs.  Octets >= 0x80 pass unchanged: a
	 * call-id or contact that is not UTF-8 stays the operator's octets.
	 */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		evbuffer_add(b, s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\')
			evbuffer_add_printf(b, "\\%c", c);
		else
			evbuffer_add_printf(b, "\\u%04x", c);
	}
	evbuffer_add(b, s + run, n - run);
	evbuffer_add(b, "\"", 1);
}

void lk_json_str(struct evbuffer *b, const char *s)
{
	if (!s) {
		evbuffer_add(b, "null", 4);
		return;
	}
	lk_json_strn(b, s, strlen(s));
}

const char *lk_json_sa_text(char *buf, size_t sz,
			    const struct sockaddr_storage *ss)
{
	char ip[INET6_ADDRSTRLEN];

	buf[0] = '\0';
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, sz, "%s:%u", ip, ntohs(sin->sin_port));
	}
	else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, sz, "[%s]:%u", ip, ntohs(sin6->sin6_port));
	}

	return buf;
}

void lk_json_sa(struct evbuffer *b, const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN + 10];

	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6) {
		evbuffer_add(b, "null", 4);
		return;
	}
	lk_json_str(b, lk_json_sa_text(buf, sizeof(buf), ss));
}
