/*
 * config/conf_check.c  Understanding values; checking them together.
 *
 * First each value against its key's type (entry_apply), then the whole
 * configuration (validate): each rule cites the seed row or RFC it comes
 * from, and each message names the line that set the value or "(default)".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_check.h"
#include "conf_keys.h"

/* Parse a whole decimal number into min..max; false on any other text. */
static bool parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *vp)
{
	unsigned long v = 0;
	const char *c;

	if (!*s)
		return false;
	for (c = s; *c; c++) {
		if (!isdigit((unsigned char)*c))
			return false;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*vp = v;

	return true;
}

static int parse_enum(const char *s, const char *const *names, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (!strcasecmp(s, names[i]))
			return (int)i;
	}

	return -1;
}

static bool address_valid(const char *s)
{
	struct in6_addr a6;
	struct in_addr a4;

	return inet_pton(AF_INET, s, &a4) == 1 ||
	       inet_pton(AF_INET6, s, &a6) == 1;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" */
static bool parse_listen(const char *s, char *addr, size_t asz,
			 uint16_t *portp)
{
	const char *colon, *astart = s;
	size_t alen;
	unsigned long port;

	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			return false;
		astart = s + 1;
		alen = (size_t)(rb - astart);
		colon = rb + 1;
	}
	else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return false;
		alen = (size_t)(colon - s);
	}
	if (!alen || alen >= asz)
		return false;
	if (!parse_uint(colon + 1, 1, 65535, &port))
		return false;
	memcpy(addr, astart, alen);
	addr[alen] = '\0';
	if (!address_valid(addr))
		return false;
	*portp = (uint16_t)port;

	return true;
}

static const char *valid_text(const struct lk_conf_key_def *kd, char *buf,
			      size_t sz)
{
	switch (kd->type) {

	case KT_PORT:
		return "a port number from 1 to 65535";
	case KT_BOOL:
		return "yes or no";
	case KT_ROLE:
		return "control or expressway";
	case KT_SIZE:
		return "small, medium or large";
	case KT_RELEASE:
		return "new, upgraded or pre-x8";
	case KT_ORDER:
		return "random or sequential";
	case KT_KFWD:
		return "off, auto or on";
	case KT_TRANSPORT:
		return "tls or tcp";
	case KT_CONFLICT:
		return "reject or overwrite";
	case KT_ENCRYPTION:
		return "auto, force encrypted, force unencrypted or best effort";
	case KT_ADDRESS:
		return "a numeric IPv4 or IPv6 address";
	case KT_LISTEN:
		return "ADDRESS:PORT, or [IPv6]:PORT";
	case KT_UINT:
		snprintf(buf, sz, "a whole number from %u to %u", kd->min,
			 kd->max);
		return buf;
	case KT_NAME:
		return "up to 63 printable characters";
	case KT_LOGLEVEL:
		return "error, warning, info or debug";
	case KT_PATH:
		return "a file name of up to 255 printable characters";
	case KT_USERS:
		return "name:password pairs separated by commas; names of "
		       "letters, digits and . _ - +, passwords without blanks, "
		       "commas or colons";
	case KT_DOMAINS:
		return "* or host names separated by commas";
	case KT_ROUTE:
		return LK_CONF_ROUTE_SYNTAX;
	case KT_USERNAME:
		return "up to 63 letters, digits and . _ - +";
	case KT_PASSWORD:
		return "up to 63 printable characters without blanks, commas "
		       "or colons";
	case KT_SECRET_USERS:
		return "name:password pairs separated by commas, up to 255 "
		       "characters; names of letters, digits and . _ - +, "
		       "passwords without blanks, commas or colons";
	case KT_SECRET:
		return "up to 127 printable characters without blanks";
	case KT_CIDRS:
		return "numeric addresses or ADDRESS/LENGTH prefixes separated "
		       "by commas, up to 511 characters";
	}

	return "?";
}

static bool printable(const char *s)
{
	for (; *s; s++) {
		if (!isprint((unsigned char)*s))
			return false;
	}

	return true;
}

/*
 * A string value that passed its check goes into its field; the lexer
 * keeps values under 256 octets and each check bounds its own field.
 */
static bool store(void *field, const char *value, bool valid)
{
	if (valid)
		memcpy(field, value, strlen(value) + 1);
	return valid;
}

static bool user_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-' ||
	       c == '+';
}

/* "name:password" pairs separated by commas and optional blanks. */
static bool users_valid(const char *s)
{
	const char *c = s;

	for (;;) {
		size_t n = 0, pw = 0;

		while (*c == ' ' || *c == '\t')
			++c;
		while (user_char(*c)) {
			++c;
			++n;
		}
		if (!n || *c++ != ':')
			return false;
		while (*c && *c != ',' && *c != ' ' && *c != '\t') {
			if (*c == ':' || !isprint((unsigned char)*c))
				return false;
			++c;
			++pw;
		}
		if (!pw)
			return false;
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			return true;
		if (*c++ != ',')
			return false;
	}
}

/* "*", or host names (or numeric addresses) separated by commas. */
static bool domains_valid(const char *s)
{
	const char *c = s;

	if (!strcmp(s, "*"))
		return true;
	for (;;) {
		size_t n = 0;

		while (*c == ' ' || *c == '\t')
			++c;
		while (isalnum((unsigned char)*c) || *c == '.' || *c == '-' ||
		       *c == ':' || *c == '[' || *c == ']' || *c == '_') {
			++c;
			++n;
		}
		if (!n)
			return false;
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			return true;
		if (*c++ != ',')
			return false;
	}
}

/* A zone's Username: a Users name (letters, digits, . _ - +). */
/* A TURN Shared secret: printable, no blanks, up to 127 characters. */
static bool secret_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 128)
		return false;
	for (; *s; s++) {
		if (!isgraph((unsigned char)*s))
			return false;
	}

	return true;
}

/* "ADDR[/LEN], ..." with numeric IPv4 or IPv6 addresses; no empty item. */
static bool cidrs_valid(const char *s)
{
	char tmp[64], *slash, *end;
	const char *c = s, *comma;
	uint8_t a[16];
	unsigned long len;
	size_t n;
	int fam;

	for (;;) {
		comma = strchr(c, ',');
		n = comma ? (size_t)(comma - c) : strlen(c);
		while (n && (*c == ' ' || *c == '\t')) {
			++c;
			--n;
		}
		while (n && (c[n - 1] == ' ' || c[n - 1] == '\t'))
			--n;
		if (!n || n >= sizeof(tmp))
			return false;
		memcpy(tmp, c, n);
		tmp[n] = '\0';
		slash = strchr(tmp, '/');
		if (slash)
			*slash++ = '\0';
		fam = strchr(tmp, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(fam, tmp, a) != 1)
			return false;
		if (slash) {
			if (!isdigit((unsigned char)*slash))
				return false;
			len = strtoul(slash, &end, 10);
			if (*end || len > (fam == AF_INET ? 32u : 128u))
				return false;
		}
		if (!comma)
			return true;
		c = comma + 1;
	}
}


static bool username_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 64)
		return false;
	for (; *s; s++) {
		if (!user_char(*s))
			return false;
	}

	return true;
}

/* A zone's Password: a Users password (printable; no blank , :). */
static bool password_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= 64)
		return false;
	for (; *s; s++) {
		if (!isgraph((unsigned char)*s) || *s == ',' || *s == ':')
			return false;
	}

	return true;
}

/*
 * A route's host: "192.0.2.10", "192.0.2.10:5070", "[2001:db8::1]:5070",
 * "[2001:db8::1]" or a bare "2001:db8::1" (no port then).  Numeric only:
 * latchkey resolves no names.
 */
static const char *route_host(struct lk_route_conf *r, const char *t,
			      size_t len, bool *portset)
{
	static const char bad_host[] = "the host must be a numeric IPv4 or "
		"IPv6 address (latchkey resolves no names), IPv6 as "
		"[ADDRESS]:PORT";
	static const char bad_port[] = "the port must be a number from 1 to "
		"65535";
	const char *a = t, *port = NULL, *colon, *end = t + len;
	size_t alen = len, plen = 0;
	bool bracketed = false, ok;
	char addr[64], num[8];
	struct in6_addr a6;
	struct in_addr a4;
	unsigned long v;

	*portset = false;
	if (len && t[0] == '[') {
		const char *rb = memchr(t, ']', len);

		if (!rb)
			return "\"[\" opens an IPv6 address without \"]\"";
		bracketed = true;
		a = t + 1;
		alen = (size_t)(rb - a);
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return "expected \":PORT\" after the IPv6 "
				       "address in brackets";
			port = rb + 2;
		}
	}
	else if ((colon = memchr(t, ':', len)) &&
		 !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		alen = (size_t)(colon - t);	/* IPv4:PORT */
		port = colon + 1;
	}
	if (!alen || alen >= sizeof(addr))
		return bad_host;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	ok = inet_pton(AF_INET6, addr, &a6) == 1;
	if (!bracketed && !port)
		ok = ok || inet_pton(AF_INET, addr, &a4) == 1;
	else if (!bracketed)
		ok = inet_pton(AF_INET, addr, &a4) == 1;
	if (!ok)
		return bad_host;
	if (port) {
		plen = (size_t)(end - port);
		if (!plen || plen >= sizeof(num))
			return bad_port;
		memcpy(num, port, plen);
		num[plen] = '\0';
		if (!parse_uint(num, 1, 65535, &v))
			return bad_port;
		r->port = (uint16_t)v;
		*portset = true;
	}
	memcpy(r->host, addr, alen + 1);

	return NULL;
}

/*
 * "PATTERN zone N" or "PATTERN host ADDRESS[:PORT] [udp|tcp|tls]" into
 * `r`; NULL, or what is wrong.  The zone number is checked against the
 * zone count later, when the count is known.
 */
static const char *route_parse(struct lk_route_conf *r, const char *v)
{
	const char *tok[5];
	size_t len[5], n = 0;
	const char *c = v, *at, *why;
	unsigned long z;
	bool portset;
	int x;

	while (*c) {
		while (*c == ' ' || *c == '\t')
			++c;
		if (!*c)
			break;
		if (n == 5)
			return "too many words";
		tok[n] = c;
		while (*c && *c != ' ' && *c != '\t')
			++c;
		len[n] = (size_t)(c - tok[n]);
		++n;
	}
	if (n < 3)
		return "too few words";
	if (len[0] >= sizeof(r->pattern))
		return "the pattern is longer than 127 characters";
	at = memchr(tok[0], '@', len[0]);
	if (!at)
		return "the pattern must contain '@': it matches user@host of "
		       "the Request-URI, e.g. *@example.com";
	if (memchr(at + 1, '@', len[0] - (size_t)(at - tok[0]) - 1))
		return "the pattern has more than one '@'";
	memcpy(r->pattern, tok[0], len[0]);
	r->pattern[len[0]] = '\0';
	if (!printable(r->pattern))
		return "the pattern has a control character";

	if (len[1] == 4 && !strncasecmp(tok[1], "zone", 4)) {
		char num[8];

		if (n != 3)
			return "too many words after the zone number";
		if (len[2] >= sizeof(num))
			return "the zone number must be from 1 to 16";
		memcpy(num, tok[2], len[2]);
		num[len[2]] = '\0';
		if (!parse_uint(num, 1, LK_ZONES_MAX, &z))
			return "the zone number must be from 1 to 16";
		r->kind = LK_ROUTE_ZONE;
		r->zone = (unsigned)z;
		return NULL;
	}
	if (len[1] != 4 || strncasecmp(tok[1], "host", 4))
		return "the second word must be \"zone\" or \"host\"";

	r->kind = LK_ROUTE_HOST;
	r->transport = LK_ROUTE_UDP;
	if (n == 5)
		return "too many words after the transport";
	if (n == 4) {
		char word[8];

		if (len[3] >= sizeof(word))
			return "the transport must be udp, tcp, tls or h323";
		memcpy(word, tok[3], len[3]);
		word[len[3]] = '\0';
		x = parse_enum(word, lk_conf_route_transport_names, 4);
		if (x < 0)
			return "the transport must be udp, tcp, tls or h323";
		r->transport = (enum lk_route_transport)x;
	}
	why = route_host(r, tok[2], len[2], &portset);
	if (why)
		return why;
	/* RFC 3261 s.19.1.2: 5060, or 5061 for TLS; H.225.0 7.2.2.1: 1720. */
	if (!portset)
		r->port = r->transport == LK_ROUTE_TLS ? 5061 :
			  r->transport == LK_ROUTE_H323 ? 1720 : 5060;

	return NULL;
}

/*
 * Understand one entry's value and store it; false if it is not valid,
 * with what is wrong in `*why` where there is more to say than the key's
 * valid_text().
 */
bool lk_conf_entry_apply(struct lk_conf *conf, const struct lk_conf_entry *e,
			const char **why)
{
	const struct lk_conf_key_def *kd = &lk_conf_keys[e->key];
	char *base = e->key >= LK_KEY_ZONE_FIRST ?
		(char *)&conf->zones[e->zone - 1] : (char *)conf;
	void *field = base + kd->offset;
	unsigned long v;
	int x;

	switch (kd->type) {

	case KT_PORT:
		if (!parse_uint(e->value, 1, 65535, &v))
			return false;
		*(uint16_t *)field = (uint16_t)v;
		return true;
	case KT_BOOL:
		x = parse_enum(e->value, (const char *const[]){"no", "yes",
			"off", "on", "false", "true"}, 6);
		if (x < 0)
			return false;
		*(bool *)field = x & 1;
		return true;
	case KT_ROLE:
		x = parse_enum(e->value, lk_conf_role_names, 2);
		if (x < 0)
			return false;
		*(enum lk_role *)field = (enum lk_role)x;
		return true;
	case KT_SIZE:
		x = parse_enum(e->value, lk_conf_size_names, 3);
		if (x < 0)
			return false;
		*(enum lk_size *)field = (enum lk_size)x;
		return true;
	case KT_RELEASE:
		x = parse_enum(e->value, lk_conf_release_names, 3);
		if (x < 0)
			return false;
		*(enum lk_release *)field = (enum lk_release)x;
		return true;
	case KT_ORDER:
		x = parse_enum(e->value, lk_conf_order_names, 2);
		if (x < 0)
			return false;
		*(enum lk_port_order *)field = (enum lk_port_order)x;
		return true;
	case KT_CONFLICT:
		x = parse_enum(e->value, lk_conf_conflict_names, 2);
		if (x < 0)
			return false;
		*(enum lk_h323_conflict *)field = (enum lk_h323_conflict)x;
		return true;
	case KT_KFWD:
		x = parse_enum(e->value, lk_conf_kfwd_names, 3);
		if (x < 0)
			return false;
		*(enum lk_kfwd_mode *)field = (enum lk_kfwd_mode)x;
		return true;
	case KT_TRANSPORT:
		x = parse_enum(e->value, lk_conf_transport_names, 2);
		if (x < 0)
			return false;
		*(enum lk_zone_transport *)field = (enum lk_zone_transport)x;
		return true;
	case KT_ENCRYPTION:
		x = parse_enum(e->value, lk_conf_encryption_names, 4);
		if (x < 0)
			return false;
		*(enum lk_media_encryption *)field =
			(enum lk_media_encryption)x;
		return true;
	case KT_ADDRESS:
		return store(field, e->value, strlen(e->value) < 64 &&
			     address_valid(e->value));
	case KT_LISTEN:
		return parse_listen(e->value, conf->ng_address,
				    sizeof(conf->ng_address), &conf->ng_port);
	case KT_UINT:
		if (!parse_uint(e->value, kd->min, kd->max, &v))
			return false;
		*(unsigned *)field = (unsigned)v;
		return true;
	case KT_NAME:
		return store(field, e->value, strlen(e->value) < 64 &&
			     printable(e->value));
	case KT_PATH:
		return store(field, e->value, printable(e->value));
	case KT_USERS:
	case KT_SECRET_USERS:
		return store(field, e->value, strlen(e->value) < 256 &&
			     users_valid(e->value));
	case KT_SECRET:
		return store(field, e->value, secret_valid(e->value));
	case KT_CIDRS:
		return store(field, e->value, strlen(e->value) < 512 &&
			     cidrs_valid(e->value));
	case KT_DOMAINS:
		return store(field, e->value, domains_valid(e->value));
	case KT_USERNAME:
		return store(field, e->value, username_valid(e->value));
	case KT_PASSWORD:
		return store(field, e->value, password_valid(e->value));
	case KT_ROUTE: {
		struct lk_route_conf r;
		const char *w;

		/* By number for now; routes_finish() closes the gaps. */
		memset(&r, 0, sizeof(r));
		r.number = (unsigned)(e->key - LK_KEY_ROUTE_1) + 1;
		w = route_parse(&r, e->value);
		if (w) {
			if (why)
				*why = w;
			return false;
		}
		memcpy(&conf->routes[r.number - 1], &r, sizeof(r));
		return true;
	}
	case KT_LOGLEVEL:
		x = parse_enum(e->value, (const char *const[]){"error",
			"warning", "info", "debug", "warn"}, 5);
		if (x < 0)
			return false;
		snprintf(field, 16, "%s", x == 4 ? "warning" :
			 (const char *[]){"error", "warning", "info",
			 "debug"}[x]);
		return true;
	}

	return false;
}


void lk_conf_entry_bad_value(struct lk_conf_parser *p,
			     const struct lk_conf_entry *e, const char *why)
{
	char path[160], vbuf[64];

	lk_conf_key_path(path, sizeof(path), e->key, e->zone);
	lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = \"%s\": %s%sexpected %s",
		 p->name, e->line, path, e->value, why ? why : "",
		 why ? "; " : "",
		 valid_text(&lk_conf_keys[e->key], vbuf, sizeof(vbuf)));
}

/*
 * Validation
 */

/* "Protocols > SIP > UDP port (line 4)" or "(default)". */
static void where(char *buf, size_t sz, const struct lk_conf_parser *p,
		  enum lk_key key, unsigned zone)
{
	char path[160];
	unsigned line = key >= LK_KEY_ZONE_FIRST ?
		p->conf->zone_line[zone ? zone - 1 : 0]
				  [key - LK_KEY_ZONE_FIRST] :
		p->conf->key_line[key];

	lk_conf_key_path(path, sizeof(path), key, zone);
	if (line)
		snprintf(buf, sz, "%s (line %u)", path, line);
	else
		snprintf(buf, sz, "%s (default)", path);
}

static unsigned key_line(const struct lk_conf_parser *p, enum lk_key a,
			 enum lk_key b)
{
	unsigned la = p->conf->key_line[a], lb = p->conf->key_line[b];

	return la > lb ? la : lb;
}

/* Was the key's value refused (zone keys: in zone `zone`, from 1)? */
static bool refused(const struct lk_conf_parser *p, enum lk_key key,
		    unsigned zone)
{
	if (key >= LK_KEY_ZONE_FIRST)
		return zone && zone <= LK_ZONES_MAX &&
		       p->zone_refused[zone - 1][key - LK_KEY_ZONE_FIRST];

	return p->refused[key];
}

static bool refused2(const struct lk_conf_parser *p, enum lk_key a,
		     enum lk_key b)
{
	return refused(p, a, 0) || refused(p, b, 0);
}

/* A reversed range is one error; its keys count as refused after it. */
static void check_range(struct lk_conf_parser *p, enum lk_key start,
			enum lk_key end, const struct lk_range *r)
{
	char ws[200], we[200];

	if (r->start <= r->end || refused2(p, start, end))
		return;
	p->refused[start] = p->refused[end] = true;
	where(ws, sizeof(ws), p, start, 0);
	where(we, sizeof(we), p, end, 0);
	lk_conf_diag_add(p->diag, LK_CONF_ERROR,
		 "%s:%u: %s = %u is greater than %s = %u; the start of a "
		 "range must not be above its end", p->name,
		 key_line(p, start, end), ws, r->start, we, r->end);
}

enum proto { PROTO_UDP, PROTO_TCP };

/* Something that holds ports of one transport on the listening address. */
struct user {
	enum proto proto;
	struct lk_range r;
	enum lk_key key, key_end;	/* key_end == key for a single port */
	unsigned zone;
};

#define USERS_MAX (20 + 2 * LK_ZONES_MAX + LK_MUX_PORTS_MAX)

static void user_add(struct user *u, unsigned *n, enum proto proto,
		     uint16_t start, uint16_t end, enum lk_key key,
		     enum lk_key key_end, unsigned zone)
{
	u[*n] = (struct user){proto, {start, end}, key, key_end, zone};
	++*n;
}

static void user_name(char *buf, size_t sz, const struct lk_conf_parser *p,
		      const struct user *u)
{
	char w1[200];

	where(w1, sizeof(w1), p, u->key, u->zone);
	if (u->key == u->key_end)
		snprintf(buf, sz, "%s port %u of %s",
			 u->proto == PROTO_UDP ? "UDP" : "TCP", u->r.start, w1);
	else
		snprintf(buf, sz, "%s range %u-%u of %s to end",
			 u->proto == PROTO_UDP ? "UDP" : "TCP", u->r.start,
			 u->r.end, w1);
}

/* Configured multiplexed ports may lie in the media range: taken out of it. */
static bool mux_in_media(const struct user *a, const struct user *b)
{
	return (a->key == LK_KEY_DEMUX_RTP_PORT ||
		a->key == LK_KEY_DEMUX_RTCP_PORT) &&
	       b->key == LK_KEY_MEDIA_START;
}

/*
 * Two listeners or ranges of one transport on one address cannot share a
 * port.  Different transports can: the seed's own defaults put the UDP TURN
 * relay range 24000-29999 beside the TCP outbound range 25000-29999, and
 * pre-X8 multiplexed media on UDP 2776/2777 beside the TCP Assent and
 * H.460.18 ports 2776/2777.  Multiplexed media ports inside the media range
 * are reserved out of it by design (seed footnote **), not a conflict.
 */
static void check_overlaps(struct lk_conf_parser *p)
{
	const struct lk_conf *c = p->conf;
	struct user u[USERS_MAX];
	unsigned n = 0, i, j;

	user_add(u, &n, PROTO_UDP, c->sip_udp_port, c->sip_udp_port,
		 LK_KEY_SIP_UDP_PORT, LK_KEY_SIP_UDP_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tcp_port, c->sip_tcp_port,
		 LK_KEY_SIP_TCP_PORT, LK_KEY_SIP_TCP_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tls_port, c->sip_tls_port,
		 LK_KEY_SIP_TLS_PORT, LK_KEY_SIP_TLS_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->sip_tcp_out.start, c->sip_tcp_out.end,
		 LK_KEY_SIP_TCP_OUT_START, LK_KEY_SIP_TCP_OUT_END, 0);
	user_add(u, &n, PROTO_UDP, c->h323_ras_port, c->h323_ras_port,
		 LK_KEY_H323_RAS_PORT, LK_KEY_H323_RAS_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->h323_callsig.start, c->h323_callsig.end,
		 LK_KEY_H323_CALLSIG_START, LK_KEY_H323_CALLSIG_END, 0);
	user_add(u, &n, PROTO_TCP, c->h323_q931_port, c->h323_q931_port,
		 LK_KEY_H323_Q931_PORT, LK_KEY_H323_Q931_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->assent_port, c->assent_port,
		 LK_KEY_ASSENT_PORT, LK_KEY_ASSENT_PORT, 0);
	user_add(u, &n, PROTO_TCP, c->h46018_port, c->h46018_port,
		 LK_KEY_H46018_PORT, LK_KEY_H46018_PORT, 0);
	if (c->demux_configured) {
		user_add(u, &n, PROTO_UDP, c->demux_rtp_port, c->demux_rtp_port,
			 LK_KEY_DEMUX_RTP_PORT, LK_KEY_DEMUX_RTP_PORT, 0);
		user_add(u, &n, PROTO_UDP, c->demux_rtcp_port,
			 c->demux_rtcp_port, LK_KEY_DEMUX_RTCP_PORT,
			 LK_KEY_DEMUX_RTCP_PORT, 0);
	}
	user_add(u, &n, PROTO_UDP, c->media.start, c->media.end,
		 LK_KEY_MEDIA_START, LK_KEY_MEDIA_END, 0);
	if (c->turn_enabled)
		user_add(u, &n, PROTO_UDP, c->turn_listen.start,
			 c->turn_listen.end, LK_KEY_TURN_PORT_START,
			 LK_KEY_TURN_PORT_END, 0);
	user_add(u, &n, PROTO_UDP, c->turn_relay.start, c->turn_relay.end,
		 LK_KEY_TURN_RELAY_START, LK_KEY_TURN_RELAY_END, 0);
	user_add(u, &n, PROTO_TCP, c->tcp_ephemeral.start,
		 c->tcp_ephemeral.end, LK_KEY_TCP_EPHEMERAL_START,
		 LK_KEY_TCP_EPHEMERAL_END, 0);
	user_add(u, &n, PROTO_UDP, c->udp_ephemeral.start,
		 c->udp_ephemeral.end, LK_KEY_UDP_EPHEMERAL_START,
		 LK_KEY_UDP_EPHEMERAL_END, 0);
	if (!strcmp(c->ng_address, c->address))
		user_add(u, &n, PROTO_UDP, c->ng_port, c->ng_port,
			 LK_KEY_NG_LISTEN, LK_KEY_NG_LISTEN, 0);
	if (!strcmp(c->mgmt_address, c->address)) {
		user_add(u, &n, PROTO_TCP, c->mgmt_http_port,
			 c->mgmt_http_port, LK_KEY_MGMT_HTTP_PORT,
			 LK_KEY_MGMT_HTTP_PORT, 0);
		user_add(u, &n, PROTO_TCP, c->mgmt_https_port,
			 c->mgmt_https_port, LK_KEY_MGMT_HTTPS_PORT,
			 LK_KEY_MGMT_HTTPS_PORT, 0);
	}
	for (i = 0; i < c->nzones; i++) {
		user_add(u, &n, PROTO_TCP, c->zones[i].sip_port,
			 c->zones[i].sip_port, LK_KEY_ZONE_SIP_PORT,
			 LK_KEY_ZONE_SIP_PORT, i + 1);
		user_add(u, &n, PROTO_UDP, c->zones[i].h323_port,
			 c->zones[i].h323_port, LK_KEY_ZONE_H323_PORT,
			 LK_KEY_ZONE_H323_PORT, i + 1);
	}

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			char a[300], b[300];
			unsigned la, lb;

			if (u[i].proto != u[j].proto)
				continue;
			if (mux_in_media(&u[i], &u[j]) ||
			    mux_in_media(&u[j], &u[i]))
				continue;
			if (u[i].r.start > u[i].r.end ||
			    u[j].r.start > u[j].r.end)
				continue;	/* reported already */
			if (refused(p, u[i].key, u[i].zone) ||
			    refused(p, u[i].key_end, u[i].zone) ||
			    refused(p, u[j].key, u[j].zone) ||
			    refused(p, u[j].key_end, u[j].zone))
				continue;	/* reported already */
			if (u[i].r.end < u[j].r.start ||
			    u[j].r.end < u[i].r.start)
				continue;
			user_name(a, sizeof(a), p, &u[i]);
			user_name(b, sizeof(b), p, &u[j]);
			la = u[i].zone ? p->conf->zone_line[u[i].zone - 1]
				[u[i].key - LK_KEY_ZONE_FIRST] :
				key_line(p, u[i].key, u[i].key_end);
			lb = u[j].zone ? p->conf->zone_line[u[j].zone - 1]
				[u[j].key - LK_KEY_ZONE_FIRST] :
				key_line(p, u[j].key, u[j].key_end);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s overlaps %s; two listeners or "
				 "ranges of one transport cannot share a port "
				 "on %s", p->name, la > lb ? la : lb, a, b,
				 c->address);
		}
	}
}

/* Seed footnotes ** and ***: which ports carry multiplexed media. */
static void derive_mux(struct lk_conf_parser *p)
{
	struct lk_conf *c = p->conf;
	unsigned i, want = c->size == LK_SIZE_LARGE ? 12 : 2;
	char w[200];

	c->nmux = 0;
	if (c->demux_configured) {
		if (refused2(p, LK_KEY_DEMUX_RTP_PORT, LK_KEY_DEMUX_RTCP_PORT))
			return;
		if (c->demux_rtp_port == c->demux_rtcp_port) {
			where(w, sizeof(w), p, LK_KEY_DEMUX_RTCP_PORT, 0);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s = %u is the RTP port too; RTP and "
				 "RTCP need a port each (typically 2776 and "
				 "2777)", p->name,
				 key_line(p, LK_KEY_DEMUX_RTP_PORT,
					  LK_KEY_DEMUX_RTCP_PORT), w,
				 c->demux_rtcp_port);
			return;
		}
		if (c->size == LK_SIZE_LARGE)
			lk_conf_diag_add(p->diag, LK_CONF_WARNING,
				 "%s:%u: System size is large, whose "
				 "multiplexed media normally uses the first "
				 "12 ports of the media range (seed footnote "
				 "**); using the 2 configured ports instead",
				 p->name, p->conf->key_line
				 [LK_KEY_DEMUX_CONFIGURED]);
		c->mux_ports[0] = c->demux_rtp_port;
		c->mux_ports[1] = c->demux_rtcp_port;
		c->nmux = 2;
		return;
	}
	if (refused2(p, LK_KEY_MEDIA_START, LK_KEY_MEDIA_END))
		return;
	if (c->media.start > c->media.end ||
	    (unsigned)c->media.end - c->media.start + 1 < want + 2) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_START, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: the media range %u-%u is too small: a %s "
			 "system takes its first %u ports for multiplexed "
			 "media (seed footnote **) and needs at least one "
			 "RTP/RTCP pair beyond them", p->name,
			 key_line(p, LK_KEY_MEDIA_START, LK_KEY_MEDIA_END),
			 c->media.start, c->media.end,
			 lk_conf_size_name(c->size), want);
		return;
	}
	for (i = 0; i < want; i++)
		c->mux_ports[i] = (uint16_t)(c->media.start + i);
	c->nmux = want;
}

/* "file:line", or "file" alone for a message about no line in it. */
static const char *at(char *buf, size_t sz, const struct lk_conf_parser *p,
		      unsigned line)
{
	if (line)
		snprintf(buf, sz, "%s:%u", p->name, line);
	else
		snprintf(buf, sz, "%s", p->name);

	return buf;
}

static unsigned zone_key_line(const struct lk_conf_parser *p, unsigned zone,
			      enum lk_key key)
{
	return p->conf->zone_line[zone - 1][key - LK_KEY_ZONE_FIRST];
}

/*
 * The line a message about zone N as a whole points to: its section
 * header, else the Role line (which is what makes the zone's settings
 * matter), else none.
 */
static unsigned zone_msg_line(const struct lk_conf_parser *p, unsigned zone)
{
	if (p->zone_header[zone - 1])
		return p->zone_header[zone - 1];

	return p->conf->key_line[LK_KEY_ROLE];
}

/*
 * Each zone's client and server settings for the role.  Only the
 * configured zones (1..Traversal zone count) are checked.
 */
static void check_zones(struct lk_conf_parser *p)
{
	const struct lk_conf *c = p->conf;
	char w[200], a[300];
	unsigned z;

	for (z = 1; z <= c->nzones; z++) {
		const struct lk_zone_conf *zc = &c->zones[z - 1];

		if (zc->username[0] && !zc->password[0] &&
		    !refused(p, LK_KEY_ZONE_PASSWORD, z)) {
			where(w, sizeof(w), p, LK_KEY_ZONE_USERNAME, z);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s is set but Password is not: a zone "
				 "authenticates with both or with neither; set "
				 "Password in [Zones > Traversal Zone %u] too, "
				 "or remove Username", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_USERNAME), w,
				 z);
		}
		if (zc->password[0] && !zc->username[0] &&
		    !refused(p, LK_KEY_ZONE_USERNAME, z)) {
			where(w, sizeof(w), p, LK_KEY_ZONE_PASSWORD, z);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: %s is set but Username is not: a zone "
				 "authenticates with both or with neither; set "
				 "Username in [Zones > Traversal Zone %u] too, "
				 "or remove Password", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_PASSWORD), w,
				 z);
		}

		if (c->role == LK_ROLE_CONTROL) {
			/* The default file must still start: a warning. */
			if (!zc->peer_address[0])
				lk_conf_diag_add(p->diag, LK_CONF_WARNING,
					 "%s: zone %u has no Peer address: it "
					 "will not connect; set Peer address in "
					 "[Zones > Traversal Zone %u] to the "
					 "numeric address of the Expressway",
					 at(a, sizeof(a), p,
					    zone_msg_line(p, z)), z, z);
			continue;
		}

		/* Expressway: the traversal server waits for clients. */
		if (zc->peer_address[0]) {
			where(w, sizeof(w), p, LK_KEY_ZONE_PEER_ADDRESS, z);
			lk_conf_diag_add(p->diag, LK_CONF_WARNING,
				 "%s:%u: %s = %s is ignored: System > Role is "
				 "expressway, the traversal server, which waits "
				 "for the Control to connect; only a control "
				 "connects out to a peer", p->name,
				 zone_key_line(p, z, LK_KEY_ZONE_PEER_ADDRESS),
				 w, zc->peer_address);
		}
		if (!zc->username[0] && !zc->password[0] &&
		    !refused(p, LK_KEY_ZONE_USERNAME, z) &&
		    !refused(p, LK_KEY_ZONE_PASSWORD, z))
			lk_conf_diag_add(p->diag, LK_CONF_WARNING,
				 "%s: zone %u accepts traversal clients without "
				 "authentication; set Username and Password in "
				 "[Zones > Traversal Zone %u], and the same on "
				 "the Control's zone", at(a, sizeof(a), p,
				 zone_msg_line(p, z)), z, z);
	}
}

/*
 * The dial plan: routes were stored by number, routes[N - 1]; check each
 * set route's zone against the zone count, then close the gaps so that
 * routes[0 .. nroutes - 1] are the set routes in order of N.
 */
static void routes_finish(struct lk_conf_parser *p)
{
	struct lk_conf *c = p->conf;
	char w[200];
	unsigned n, i = 0;

	for (n = 1; n <= LK_ROUTES_MAX; n++) {
		enum lk_key key = (enum lk_key)(LK_KEY_ROUTE_1 + n - 1);
		struct lk_route_conf *r = &c->routes[n - 1];

		if (!c->key_line[key])
			continue;	/* unset, or its value was refused */
		if (r->kind == LK_ROUTE_ZONE && r->zone > c->nzones &&
		    !refused(p, LK_KEY_ZONE_COUNT, 0)) {
			where(w, sizeof(w), p, LK_KEY_ZONE_COUNT, 0);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: Dial plan > Route %u = \"%s zone "
				 "%u\": zone %u is beyond %s = %u; name a "
				 "configured zone or raise the count", p->name,
				 c->key_line[key], n, r->pattern, r->zone,
				 r->zone, w, c->nzones);
		}
		if (i != n - 1)
			memcpy(&c->routes[i], r, sizeof(*r));
		++i;
	}
	c->nroutes = i;
	memset(&c->routes[i], 0, (LK_ROUTES_MAX - i) * sizeof(c->routes[0]));
}


/* 127.0.0.0/8 or ::1 (RFC 1122 s.3.2.1.3, RFC 4291 s.2.5.3). */
static bool is_loopback(const char *addr)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);

	return false;
}

void lk_conf_validate(struct lk_conf_parser *p)
{
	struct lk_conf *c = p->conf;
	char w[200];
	unsigned i;

	check_range(p, LK_KEY_SIP_TCP_OUT_START, LK_KEY_SIP_TCP_OUT_END,
		    &c->sip_tcp_out);
	check_range(p, LK_KEY_H323_CALLSIG_START, LK_KEY_H323_CALLSIG_END,
		    &c->h323_callsig);
	check_range(p, LK_KEY_MEDIA_START, LK_KEY_MEDIA_END, &c->media);
	check_range(p, LK_KEY_TURN_PORT_START, LK_KEY_TURN_PORT_END,
		    &c->turn_listen);
	check_range(p, LK_KEY_TURN_RELAY_START, LK_KEY_TURN_RELAY_END,
		    &c->turn_relay);
	check_range(p, LK_KEY_TCP_EPHEMERAL_START, LK_KEY_TCP_EPHEMERAL_END,
		    &c->tcp_ephemeral);
	check_range(p, LK_KEY_UDP_EPHEMERAL_START, LK_KEY_UDP_EPHEMERAL_END,
		    &c->udp_ephemeral);

	/* RTP on even ports, RTCP on the next odd one (RFC 3550 s.11). */
	if (c->media.start % 2 && !refused(p, LK_KEY_MEDIA_START, 0)) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_START, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u must be even: RTP takes the even "
			 "port of each pair and RTCP the odd one after it "
			 "(RFC 3550 s.11); try %u", p->name,
			 c->key_line[LK_KEY_MEDIA_START], w, c->media.start,
			 c->media.start + 1);
	}
	if (!(c->media.end % 2) && !refused(p, LK_KEY_MEDIA_END, 0)) {
		where(w, sizeof(w), p, LK_KEY_MEDIA_END, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u must be odd so that the last RTP "
			 "port has its RTCP port (RFC 3550 s.11); try %u",
			 p->name, c->key_line[LK_KEY_MEDIA_END], w,
			 c->media.end, c->media.end + 1 <= 65535 ?
			 c->media.end + 1 : c->media.end - 1);
	}

	/* Seed, ICE table, R: a TURN port range is for Large systems. */
	if (c->turn_listen.end > c->turn_listen.start &&
	    c->size != LK_SIZE_LARGE &&
	    !refused2(p, LK_KEY_TURN_PORT_START, LK_KEY_TURN_PORT_END)) {
		where(w, sizeof(w), p, LK_KEY_TURN_PORT_END, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = %u makes a range of TURN request ports, "
			 "which only Large systems have (seed, SIP - "
			 "additional ports for ICE, R); set it to %u or set "
			 "System size = large", p->name,
			 key_line(p, LK_KEY_TURN_PORT_START,
				  LK_KEY_TURN_PORT_END), w,
			 c->turn_listen.end, c->turn_listen.start);
	}

	for (i = 0; i < p->nentries; i++) {
		const struct lk_conf_entry *e = &p->entries[i];

		if (e->zone > c->nzones && !refused(p, LK_KEY_ZONE_COUNT, 0)) {
			where(w, sizeof(w), p, LK_KEY_ZONE_COUNT, 0);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: [Zones > Traversal Zone %u] is beyond "
				 "%s = %u; raise the count or remove the "
				 "section", p->name, e->line, e->zone, w,
				 c->nzones);
			break;
		}
	}

	/* rtpengine's ng protocol has no authentication of any kind. */
	if (!is_loopback(c->ng_address)) {
		where(w, sizeof(w), p, LK_KEY_NG_LISTEN, 0);
		lk_conf_diag_add(p->diag, LK_CONF_WARNING,
			 "%s:%u: %s = %s: the ng protocol has no "
			 "authentication, so anyone who reaches this address "
			 "can set up and delete sessions; keep it on loopback "
			 "or a management network only the SIP proxy reaches",
			 p->name, c->key_line[LK_KEY_NG_LISTEN], w,
			 c->ng_address);
	}

	/* The listening address is also the one the relay writes into SDP. */
	if (!strcmp(c->address, "0.0.0.0") || !strcmp(c->address, "::")) {
		where(w, sizeof(w), p, LK_KEY_ADDRESS, 0);
		lk_conf_diag_add(p->diag, LK_CONF_WARNING,
			 "%s:%u: %s = %s listens on every interface, but the "
			 "relay also writes this address into the SDP it "
			 "rewrites, where %s is no address an endpoint can "
			 "send to; give the address endpoints reach",
			 p->name, c->key_line[LK_KEY_ADDRESS], w, c->address,
			 c->address);
	}

	/* Registrar: the expiry bounds must nest. */
	if ((c->reg_min_expires > c->reg_default_expires ||
	     c->reg_default_expires > c->reg_max_expires) &&
	    !refused2(p, LK_KEY_REG_MIN_EXPIRES, LK_KEY_REG_MAX_EXPIRES) &&
	    !refused(p, LK_KEY_REG_DEFAULT_EXPIRES, 0)) {
		where(w, sizeof(w), p, LK_KEY_REG_DEFAULT_EXPIRES, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: Registrar: Minimum expiry = %u, %s = %u and "
			 "Maximum expiry = %u must be in that order "
			 "(minimum <= default <= maximum)", p->name,
			 key_line(p, LK_KEY_REG_MIN_EXPIRES,
				  LK_KEY_REG_MAX_EXPIRES) >
			 c->key_line[LK_KEY_REG_DEFAULT_EXPIRES] ?
			 key_line(p, LK_KEY_REG_MIN_EXPIRES,
				  LK_KEY_REG_MAX_EXPIRES) :
			 c->key_line[LK_KEY_REG_DEFAULT_EXPIRES],
			 c->reg_min_expires, w, c->reg_default_expires,
			 c->reg_max_expires);
	}
	if (c->reg_auth && !c->reg_users[0] &&
	    !refused(p, LK_KEY_REG_USERS, 0)) {
		where(w, sizeof(w), p, LK_KEY_REG_AUTH, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s = yes but Registrar > Users is empty: "
			 "nobody could register; add \"Users = name:password"
			 "\"", p->name, c->key_line[LK_KEY_REG_AUTH], w);
	}
	if (c->sip_tls_key[0] && !c->sip_tls_cert[0] &&
	    !refused(p, LK_KEY_SIP_TLS_CERT, 0)) {
		where(w, sizeof(w), p, LK_KEY_SIP_TLS_KEY, 0);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s is set but Protocols > SIP > TLS "
			 "certificate is not; set both, or neither for a "
			 "self-signed certificate", p->name,
			 c->key_line[LK_KEY_SIP_TLS_KEY], w);
	}

	check_zones(p);
	routes_finish(p);
	derive_mux(p);
	check_overlaps(p);
}

