/* relay/turnpeer.c  Which peers a TURN allocation may reach: deny by default. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "turnpeer.h"

struct cidr {
	int af;
	uint8_t a[16];
	unsigned len;		/* prefix length in bits */
};

#define CIDRS_MAX 64

struct lk_turnpeer {
	struct cidr allowed[CIDRS_MAX];
	unsigned nallowed;
	struct cidr denied[CIDRS_MAX];
	unsigned ndenied;
	struct cidr builtin[32];
	unsigned nbuiltin;
	struct sa own[LK_TURNPEER_OWN_MAX];
	unsigned nown;
};

/*
 * The built-in deny list (issue 12; coturn's defaults and the TURN
 * security history in docs/turn.md): "this network", loopback, link-local,
 * multicast, reserved, broadcast, unique-local and site-local IPv6, and the
 * private (RFC 1918) and shared (RFC 6598, CGNAT) ranges.  The last two
 * are denied because the Expressway sits in the DMZ, where they are the
 * networks its firewall protects: a relay into them is the way around the
 * firewall that the Slack TURN incident used.  A lab opens what it needs
 * with "Allowed peers".  NAT64 local-use (RFC 8215) and Teredo are
 * denied whole: their embedded IPv4 addresses are not canonicalised.
 */
static const char *const builtin[] = {
	"0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4",
	"240.0.0.0/4", "255.255.255.255/32", "10.0.0.0/8", "172.16.0.0/12",
	"192.168.0.0/16", "100.64.0.0/10",
	"::/128", "::1/128", "fe80::/10", "fec0::/10", "ff00::/8", "fc00::/7",
	"64:ff9b:1::/48", "2001::/32",
};

static int cidr_parse(struct cidr *c, const char *s, size_t n)
{
	char tmp[64], *slash, *end;
	unsigned long len;

	while (n && (*s == ' ' || *s == '\t')) {
		++s;
		--n;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		--n;
	if (!n || n >= sizeof(tmp))
		return EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	slash = strchr(tmp, '/');
	if (slash)
		*slash++ = '\0';
	memset(c, 0, sizeof(*c));
	c->af = strchr(tmp, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c->af, tmp, c->a) != 1)
		return EINVAL;
	c->len = c->af == AF_INET ? 32 : 128;
	if (slash) {
		if (*slash < '0' || *slash > '9')
			return EINVAL;
		len = strtoul(slash, &end, 10);
		if (*end || len > c->len)
			return EINVAL;
		c->len = (unsigned)len;
	}

	return 0;
}

static int list_parse(struct cidr *v, unsigned *np, const char *s)
{
	const char *c = s, *comma;
	int err;

	*np = 0;
	while (c && *c) {
		comma = strchr(c, ',');
		if (*np >= CIDRS_MAX)
			return EINVAL;
		err = cidr_parse(&v[*np], c, comma ? (size_t)(comma - c) :
				 strlen(c));
		if (err)
			return err;
		++*np;
		c = comma ? comma + 1 : NULL;
	}

	return 0;
}

int lk_turnpeer_alloc(struct lk_turnpeer **pp, const char *allowed,
		      const char *denied)
{
	struct lk_turnpeer *p;
	unsigned i;
	int err;

	if (!pp)
		return EINVAL;
	p = mem_zalloc(sizeof(*p), NULL);
	if (!p)
		return ENOMEM;
	_Static_assert(sizeof(builtin) / sizeof(builtin[0]) <=
		       sizeof(p->builtin) / sizeof(p->builtin[0]),
		       "the built-in deny list fits its array");
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		err = cidr_parse(&p->builtin[i], builtin[i],
				 strlen(builtin[i]));
		if (err)
			goto out;
	}
	p->nbuiltin = i;
	err = list_parse(p->allowed, &p->nallowed, allowed ? allowed : "");
	if (!err)
		err = list_parse(p->denied, &p->ndenied, denied ? denied : "");
 out:
	if (err)
		mem_deref(p);
	else
		*pp = p;

	return err;
}

int lk_turnpeer_own_add(struct lk_turnpeer *p, const struct sa *addr)
{
	if (!p || !addr || (sa_af(addr) != AF_INET && sa_af(addr) != AF_INET6))
		return EINVAL;
	if (p->nown >= LK_TURNPEER_OWN_MAX)
		return ENOSPC;
	lk_turnpeer_canonical(&p->own[p->nown++], addr);

	return 0;
}

void lk_turnpeer_canonical(struct sa *out, const struct sa *in)
{
	static const uint8_t nat64[12] = {0x00, 0x64, 0xff, 0x9b};
	static const uint8_t zero[12];
	uint8_t a[16];
	uint32_t v4;

	*out = *in;
	if (sa_af(in) != AF_INET6)
		return;
	sa_in6(in, a);
	if (!memcmp(a, zero, 10) && a[10] == 0xff && a[11] == 0xff)
		memcpy(&v4, a + 12, 4);			/* ::ffff:0:0/96 */
	else if (!memcmp(a, zero, 12) && (a[12] | a[13] | a[14] || a[15] > 1))
		memcpy(&v4, a + 12, 4);			/* ::a.b.c.d */
	else if (!memcmp(a, nat64, 12))
		memcpy(&v4, a + 12, 4);			/* RFC 6052 s.2.1 */
	else if (a[0] == 0x20 && a[1] == 0x02)
		memcpy(&v4, a + 2, 4);			/* RFC 3056 s.2 */
	else
		return;
	sa_set_in(out, ntohl(v4), sa_port(in));
}

static bool cidr_match(const struct cidr *c, const struct sa *s)
{
	uint8_t a[16];
	unsigned full, rest;

	if (sa_af(s) != c->af)
		return false;
	if (c->af == AF_INET) {
		uint32_t v = htonl(sa_in(s));

		memcpy(a, &v, 4);
	}
	else {
		sa_in6(s, a);
	}
	full = c->len / 8;
	rest = c->len % 8;
	if (memcmp(a, c->a, full))
		return false;
	if (rest && ((a[full] ^ c->a[full]) & (0xff00 >> rest) & 0xff))
		return false;

	return true;
}

static bool list_match(const struct cidr *v, unsigned n, const struct sa *s)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (cidr_match(&v[i], s))
			return true;
	}

	return false;
}

static bool own_match(const struct lk_turnpeer *p, const struct sa *s)
{
	unsigned i;

	for (i = 0; i < p->nown; i++) {
		const struct sa *o = &p->own[i];

		if (sa_port(o) != sa_port(s))
			continue;
		if (sa_is_any(o) || sa_cmp(o, s, SA_ADDR))
			return true;
	}

	return false;
}

enum lk_turnpeer_verdict lk_turnpeer_check(const struct lk_turnpeer *p,
					   const struct sa *peer)
{
	struct sa c;

	if (!p || !peer || (sa_af(peer) != AF_INET && sa_af(peer) != AF_INET6))
		return LK_TURNPEER_BAD;
	lk_turnpeer_canonical(&c, peer);
	if (!sa_port(&c))
		return LK_TURNPEER_BAD;
	if (own_match(p, &c))
		return LK_TURNPEER_OWN;
	if (list_match(p->denied, p->ndenied, &c))
		return LK_TURNPEER_DENIED;
	if (list_match(p->builtin, p->nbuiltin, &c) && !list_match(p->allowed, p->nallowed, &c))
		return LK_TURNPEER_BUILTIN;

	return LK_TURNPEER_OK;
}

const char *lk_turnpeer_verdict_name(enum lk_turnpeer_verdict v)
{
	switch (v) {

	case LK_TURNPEER_OK:
		return "allowed";
	case LK_TURNPEER_OWN:
		return "latchkeyd's own socket";
	case LK_TURNPEER_DENIED:
		return "in Denied peers";
	case LK_TURNPEER_BUILTIN:
		return "in the built-in deny list";
	case LK_TURNPEER_BAD:
		return "not a peer address";
	}

	return "?";
}
