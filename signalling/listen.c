/* signalling/listen.c  The documented listening ports of a role, bound with libevent. */
/*
 * Owns the sockets of every signalling port the role listens on (the
 * lk_listen_set, a mem_zalloc object released with mem_deref): it binds them
 * at start, counts and drops what arrives on a port no protocol module has
 * taken (a connection is closed at once, a datagram read and logged), and
 * hands a socket over, for good, to the module that asks for its key
 * (lk_listen_take_fd).  The one table of transport names lives here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <re.h>

#include "listen.h"
#include "log.h"

struct listener {
	struct lk_listen_item item;
	int fd;
	struct event *ev;		/* UDP */
	struct evconnlistener *lev;	/* TCP, TLS */
	bool handed_off;		/* a module's socket: no handler here */
	uint64_t datagrams;
	uint64_t connections;
	char name[96];			/* "UDP 127.0.0.1:5060 (SIP)" */
};

struct lk_listen_set {
	unsigned n;
	struct listener l[LK_LISTEN_MAX];
};

/*
 * The one place the transport names are spelled: as Via and logs write
 * them (RFC 3261 s.20.42) and as a URI's transport parameter does
 * (s.19.1.1).
 */
static const struct {
	const char *name, *param;
} proto_names[] = {
	[LK_LISTEN_UDP] = {"UDP", "udp"},
	[LK_LISTEN_TCP] = {"TCP", "tcp"},
	[LK_LISTEN_TLS] = {"TLS", "tls"},
};

const char *lk_listen_proto_name(enum lk_listen_proto proto)
{
	if ((size_t)proto >= sizeof(proto_names) / sizeof(proto_names[0]))
		return "?";

	return proto_names[proto].name;
}

const char *lk_listen_proto_param(enum lk_listen_proto proto)
{
	if ((size_t)proto >= sizeof(proto_names) / sizeof(proto_names[0]))
		return "?";

	return proto_names[proto].param;
}

static void plan_add(struct lk_listen_item *items, unsigned *n,
		     enum lk_listen_proto proto, uint16_t port, enum lk_key key,
		     unsigned zone, const char *purpose, const char *seed)
{
	if (*n >= LK_LISTEN_MAX)
		return;
	items[*n] = (struct lk_listen_item){proto, port, key, zone, purpose,
		seed};
	++*n;
}

unsigned lk_listen_plan(const struct lk_conf *c, struct lk_listen_item *items)
{
	unsigned n = 0, i;
	uint16_t p;

	/* Seed, "SIP: internal" and "SIP call to endpoint ...": C, K, L. */
	plan_add(items, &n, LK_LISTEN_UDP, c->sip_udp_port,
		 LK_KEY_SIP_UDP_PORT, 0, "SIP", "SIP, C");
	plan_add(items, &n, LK_LISTEN_TCP, c->sip_tcp_port,
		 LK_KEY_SIP_TCP_PORT, 0, "SIP", "SIP, K");
	plan_add(items, &n, LK_LISTEN_TLS, c->sip_tls_port,
		 LK_KEY_SIP_TLS_PORT, 0, "SIP", "SIP, L");
	/* Seed, "H.323: internal" / "H.323 call with ...": R, M. */
	plan_add(items, &n, LK_LISTEN_UDP, c->h323_ras_port,
		 LK_KEY_H323_RAS_PORT, 0, "H.225 RAS", "H.323, R_C/R_E");
	plan_add(items, &n, LK_LISTEN_TCP, c->h323_q931_port,
		 LK_KEY_H323_Q931_PORT, 0, "Q.931/H.225 call signalling",
		 "H.323, M");
	if (c->role != LK_ROLE_EXPRESSWAY)
		return n;

	/* The traversal server's ports: seed B, D, T, U. */
	for (i = 0; i < c->nzones; i++) {
		const struct lk_zone_conf *z = &c->zones[i];

		plan_add(items, &n, z->sip_transport == LK_ZONE_TLS ?
			 LK_LISTEN_TLS : LK_LISTEN_TCP, z->sip_port,
			 LK_KEY_ZONE_SIP_PORT, i + 1, "traversal zone SIP",
			 "SIP traversal call, B");
		plan_add(items, &n, LK_LISTEN_UDP, z->h323_port,
			 LK_KEY_ZONE_H323_PORT, i + 1, "traversal zone H.323 RAS",
			 "H.323 traversal call, D");
	}
	plan_add(items, &n, LK_LISTEN_TCP, c->assent_port, LK_KEY_ASSENT_PORT,
		 0, "H.323 Assent Q.931/H.245", "H.323 traversal (Assent), T");
	plan_add(items, &n, LK_LISTEN_TCP, c->h46018_port, LK_KEY_H46018_PORT,
		 0, "H.323 H.460.18 H.245", "H.323 traversal (H.460.18), U");
	/*
	 * The multiplexed media ports (seed footnotes ** and ***) are the
	 * media core's: relay/worker.c binds them.
	 */
	/* Seed, "SIP - additional ports for ICE": R. */
	if (c->turn_enabled) {
		for (p = c->turn_listen.start;; p++) {
			plan_add(items, &n, LK_LISTEN_UDP, p,
				 LK_KEY_TURN_PORT_START, 0, "TURN",
				 "ICE, TURN server control, R");
			if (p >= c->turn_listen.end)
				break;
		}
		/* Beyond the seed (UDP only): `TURN over TCP = on`. */
		for (p = c->turn_listen.start; c->turn_tcp; p++) {
			plan_add(items, &n, LK_LISTEN_TCP, p, LK_KEY_TURN_TCP,
				 0, "TURN over TCP",
				 "beyond the seed: TURN over TCP (RFC 8656)");
			if (p >= c->turn_listen.end)
				break;
		}
	}

	return n;
}

static void listener_recv(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;
	struct sockaddr_storage ss;
	char from[INET6_ADDRSTRLEN + 8], host[INET6_ADDRSTRLEN];
	uint8_t buf[2048];
	socklen_t sl;
	ssize_t r;
	int i;

	/*
	 * A read budget per wake-up (libuv's count = 32) so that one
	 * flooded port cannot starve the rest of the loop.
	 */
	for (i = 0; i < 32; i++) {
		sl = sizeof(ss);
		r = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
			     &sl);
		if (r < 0)
			break;
		++l->datagrams;
		host[0] = '\0';
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)
				  ->sin_addr, host, sizeof(host));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)
				  ->sin6_addr, host, sizeof(host));
		snprintf(from, sizeof(from), "%s:%u", host,
			 ntohs(((struct sockaddr_in *)&ss)->sin_port));
		lk_warn_limited("%s: %zd bytes from %s: no %s handler in this "
				"build yet; dropped (%llu so far)", l->name, r,
				from, l->item.purpose,
				(unsigned long long)l->datagrams);
	}
}

static void listener_accept(struct evconnlistener *lev, evutil_socket_t fd,
		       struct sockaddr *sa, int socklen, void *arg)
{
	struct listener *l = arg;

	++l->connections;
	lk_warn_limited("%s: connection accepted: no %s handler in this build "
			"yet; closed (%llu so far)", l->name, l->item.purpose,
			(unsigned long long)l->connections);
	close(fd);
}

static void set_destructor(void *arg)
{
	struct lk_listen_set *set = arg;
	unsigned i;

	for (i = 0; i < set->n; i++) {
		struct listener *l = &set->l[i];

		if (l->ev)
			event_free(l->ev);
		if (l->lev)
			evconnlistener_free(l->lev);	/* closes fd */
		else if (l->fd >= 0)
			close(l->fd);
	}
}

static int sockaddr_make(struct sockaddr_storage *ss, socklen_t *slp,
			 const char *addr, uint16_t port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*slp = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*slp = sizeof(*s6);
		return 0;
	}

	return EINVAL;
}

/* The ports whose protocol module takes the socket over. */
static bool handed_off(enum lk_key key)
{
	return key == LK_KEY_SIP_UDP_PORT || key == LK_KEY_SIP_TCP_PORT ||
	       key == LK_KEY_SIP_TLS_PORT || key == LK_KEY_ZONE_SIP_PORT ||
	       key == LK_KEY_TURN_PORT_START ||	/* relay/turn.c */
	       key == LK_KEY_TURN_TCP ||		/* relay/turn.c */
	       key == LK_KEY_H323_RAS_PORT ||	/* signalling/h323/gk.c */
	       key == LK_KEY_H323_Q931_PORT ||	/* signalling/h323/callsig.c */
	       key == LK_KEY_ZONE_H323_PORT ||	/* signalling/h323/zone.c */
	       key == LK_KEY_H46018_PORT ||	/* signalling/h323/h245port.c */
	       key == LK_KEY_ASSENT_PORT;	/* signalling/h323/assent.c */
}

int lk_listen_take_fd(struct lk_listen_set *set, enum lk_key key)
{
	return lk_listen_take_zone_fd(set, key, 0);
}

int lk_listen_take_zone_fd(struct lk_listen_set *set, enum lk_key key,
			   unsigned zone)
{
	unsigned i;
	int fd;

	for (i = 0; set && i < set->n; i++) {
		struct listener *l = &set->l[i];

		/* A range (TURN 3478-3483) hands out one socket per call. */
		if (l->item.key != key || !l->handed_off ||
		    l->item.zone != zone || l->fd < 0)
			continue;
		fd = l->fd;
		l->fd = -1;
		return fd;
	}

	return -1;
}

static int listener_open(struct listener *l, struct event_base *base,
			 const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, err;
	bool udp = l->item.proto == LK_LISTEN_UDP;

	err = sockaddr_make(&ss, &sl, addr, l->item.port);
	if (err)
		return err;
	l->fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) |
		       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return errno;
	/* A wildcard IPv6 address means IPv6 only: IPv4 is its own listener. */
	if (ss.ss_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* TCP: restart without waiting out TIME_WAIT.  Never SO_REUSEPORT. */
	if (!udp)
		setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&ss, sl) < 0)
		return errno;
	if (l->handed_off) {
		/* SIP, TURN, H.323 RAS: their module reads it (lk_listen_take_fd). */
		if (!udp && listen(l->fd, 128) < 0)
			return errno;
		return 0;
	}
	if (udp) {
		l->ev = event_new(base, l->fd, EV_READ | EV_PERSIST, listener_recv,
				  l);
		if (!l->ev || event_add(l->ev, NULL) < 0)
			return ENOMEM;
		return 0;
	}
	l->lev = evconnlistener_new(base, listener_accept, l, LEV_OPT_CLOSE_ON_FREE,
				    128, l->fd);
	if (!l->lev)
		return errno ? errno : ENOMEM;

	return 0;
}

int lk_listen_open(struct lk_listen_set **setp, struct event_base *base,
		   const struct lk_conf *conf, char *errbuf, size_t errsz)
{
	struct lk_listen_item items[LK_LISTEN_MAX];
	struct lk_listen_set *set;
	unsigned n, i;
	int err = 0;

	if (!setp || !base || !conf)
		return EINVAL;
	set = mem_zalloc(sizeof(*set), set_destructor);
	if (!set)
		return ENOMEM;
	n = lk_listen_plan(conf, items);
	for (i = 0; i < n; i++) {
		struct listener *l = &set->l[i];
		char path[160];

		l->item = items[i];
		l->fd = -1;
		l->handed_off = handed_off(l->item.key);
		set->n = i + 1;
		snprintf(l->name, sizeof(l->name), strchr(conf->address, ':') ?
			 "%s [%s]:%u (%s)" : "%s %s:%u (%s)",
			 lk_listen_proto_name(l->item.proto), conf->address,
			 l->item.port, l->item.purpose);
		err = listener_open(l, base, conf->address);
		if (err) {
			lk_conf_key_path(path, sizeof(path), l->item.key,
					 l->item.zone);
			snprintf(errbuf, errsz, "cannot bind %s, from %s: %s%s",
				 l->name, path, strerror(err), err == EADDRINUSE ?
				 " (another program holds it: ss -lnptu "
				 "shows which)" : err == EACCES ?
				 " (ports below 1024 need root or "
				 "CAP_NET_BIND_SERVICE)" : "");
			goto out;
		}
	}

 out:
	if (err)
		mem_deref(set);
	else
		*setp = set;

	return err;
}

unsigned lk_listen_drops(const struct lk_listen_set *set,
			 struct lk_listen_drops *out, unsigned max)
{
	unsigned i, n = 0;

	for (i = 0; set && i < set->n && n < max; i++) {
		const struct listener *l = &set->l[i];

		if (l->handed_off)
			continue;
		out[n].item = &l->item;
		out[n].datagrams = l->datagrams;
		out[n].connections = l->connections;
		++n;
	}

	return n;
}

unsigned lk_listen_count(const struct lk_listen_set *set)
{
	return set ? set->n : 0;
}

void lk_listen_print(const struct lk_listen_set *set, FILE *f)
{
	unsigned i;
	int w = 0;

	/* One column width for the names, so that the keys line up. */
	for (i = 0; set && i < set->n; i++) {
		if ((int)strlen(set->l[i].name) > w)
			w = (int)strlen(set->l[i].name);
	}
	for (i = 0; set && i < set->n; i++) {
		const struct listener *l = &set->l[i];
		char path[160];

		lk_conf_key_path(path, sizeof(path), l->item.key, l->item.zone);
		fprintf(f, "  %-*s  %s; seed: %s\n", w, l->name, path,
			l->item.seed);
	}
}
