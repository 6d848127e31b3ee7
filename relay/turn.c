/* relay/turn.c  The TURN server (RFC 8656, relayed UDP) on the TURN ports. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/crypto.h>
#include <re.h>

#include "clock.h"
#include "kturn.h"
#include "log.h"
#include "portalloc.h"
#include "turn.h"
#include "turnauth.h"
#include "turnfwd.h"
#include "turnpeer.h"

#define LISTENERS_MAX	16
#define PERMS_MAX	LK_TURNFWD_PERMS_MAX
#define CHANS_MAX	LK_TURNFWD_CHANS_MAX
#define RESERVATIONS_MAX 256
/*
 * Channel numbers: RFC 8656 s.12 allows 0x4000-0x4FFF; RFC 5766 s.11
 * allowed 0x4000-0x7FFE, and coturn's turnutils_uclient (4.6) still picks
 * from there (0x75c2 was seen), as do other RFC 5766 clients.  On a TURN
 * request port nothing else is multiplexed (no DTLS or SRTP, RFC 7983),
 * so the older range is accepted too; below 0x4000 and 0x7FFF-0xFFFF get
 * 400 (docs/turn.md, "Deviations").  relay/turnfwd.c takes the same.
 */
#define CHAN_MIN	0x4000
#define CHAN_MAX	0x7ffe

/* A half of a port pair (docs/turn.md, "Relay ports"). */
enum half {
	HALF_FREE = 0,		/* never used since the pair was taken */
	HALF_USED,		/* an allocation's relay port */
	HALF_RESERVED,		/* held by a RESERVATION-TOKEN */
	HALF_DONE,		/* released: rests with the pair */
};

struct pair {
	bool held;		/* taken from the port allocator */
	bool spare;		/* its index is on the spare stack */
	uint8_t half[2];
};

/*
 * Where a request came in and its replies go out: a UDP request socket, or
 * one client's TCP connection (RFC 8656 s.3.1; `bev` set, `fd` -1).  An
 * allocation's 5-tuple is its listener and client address, so one made
 * over TCP belongs to its connection and ends with it.
 */
struct listener {
	struct lk_turn *turn;
	int fd;
	struct lk_turnfwd *fwd;		/* UDP: its data path (turnfwd.h) */
	struct sa local;
	struct bufferevent *bev;
};

/* A client's TCP connection to a TURN request port. */
struct conn {
	struct listener l;		/* first: alloc->l points here */
	struct le le;			/* turn->conns */
	struct sa peer;
	bool allocated;			/* holds an allocation (one at most) */
};

/* TCP connections at once, and how long one may sit without an
 * allocation (docs/turn.md, "TURN over TCP"). */
#define CONNS_MAX	1024
#define CONN_IDLE_S	30
/* Bytes queued towards a slow TCP client before data to it is dropped. */
#define CONN_OUTQ_MAX	(256 * 1024)

struct alloc {
	struct le le;			/* turn->allocs */
	struct le he;			/* turn->tuples, by 5-tuple */
	struct lk_turn *turn;
	struct listener *l;
	struct sa client;
	uint8_t tid[12];		/* of the Allocate, for retransmits */
	char username[128];
	char user[64];			/* quota name */
	uint8_t key[LK_TURNAUTH_KEY_LEN];
	uint16_t port;
	int fd;
	struct lk_turnfwd *fwd;		/* its data path ... */
	struct lk_turnfwd_alloc *fa;	/* ... and its part of it */
	struct sa relay;		/* XOR-RELAYED-ADDRESS */
	uint64_t token;			/* RESERVATION-TOKEN given, or 0 */
	uint64_t expires;
	struct lk_turnfwd_state st;	/* permissions, channels */
};

struct reservation {
	uint64_t token;
	uint16_t port;
	uint64_t expires;
};


/*
 * Amplification (docs/turn.md, "Challenges per source"): at most
 * CHALLENGES_PER_S answers of 401 or 438 per second to one source IP.
 * The budgets live in a fixed table indexed by a keyed hash of the IP: no
 * allocation and no state that grows with the sources, so a flood from
 * spoofed addresses costs nothing; two sources that share a slot share a
 * budget (counted as limited, never answered twice as much).
 */
#define CHALLENGE_SLOTS		4096	/* indexed by a hash's top 12 bits */
#define CHALLENGES_PER_S	20
_Static_assert(CHALLENGE_SLOTS == 1u << 12, "slots for 12 bits");

struct challenge_slot {
	uint32_t key;
	uint32_t n;
	uint64_t second;
};

struct lk_turn {
	struct event_base *base;
	uint8_t *frame;			/* one TCP frame, LK_TURN_TCP_FRAME_MAX */
	struct lk_turnfwd *fwd_tcp;	/* TCP clients' data path, here */
	struct lk_kturn *kt;		/* ChannelData in the kernel, or NULL */
	struct lk_turn_conf cfg;
	char address[64];
	struct sa bindaddr;		/* relay sockets bind here */
	struct lk_turnauth *auth;
	struct lk_turnpeer *peers;
	struct lk_portalloc *pa;
	struct pair *pairs;
	unsigned npairs;
	uint16_t pairbase;
	unsigned *spares;		/* stack of pair indices */
	unsigned nspares;
	struct reservation resv[RESERVATIONS_MAX];
	unsigned nresv;
	unsigned capacity;		/* ports of the range */
	struct listener l[LISTENERS_MAX];
	unsigned nl;
	struct evconnlistener *tcpl[LISTENERS_MAX];
	unsigned ntcpl;
	struct list conns;
	struct list allocs;
	struct hash *tuples;
	struct event *sweep;
	struct lk_turn_stats st;
	uint32_t hash_seed;
	struct challenge_slot cslot[CHALLENGE_SLOTS];
};

static uint64_t now_ms(const struct lk_turn *t)
{
	return t->cfg.clockh ? t->cfg.clockh(t->cfg.clock_arg) :
			       lk_clock_ms();
}

/* ---- Ports: pairs from the port allocator, split into halves. ---- */

static struct pair *pair_of(struct lk_turn *t, uint16_t port, unsigned *idx)
{
	unsigned i = (unsigned)(port - t->pairbase) / 2;

	if (port < t->pairbase || i >= t->npairs)
		return NULL;
	if (idx)
		*idx = i;

	return &t->pairs[i];
}

static void pair_release(struct lk_turn *t, uint16_t port)
{
	struct pair *p = pair_of(t, port, NULL);
	uint16_t even = (uint16_t)(port & ~1u);

	if (!p || !p->held)
		return;
	p->half[port & 1] = HALF_DONE;
	if (p->half[0] == HALF_USED || p->half[0] == HALF_RESERVED ||
	    p->half[1] == HALF_USED || p->half[1] == HALF_RESERVED)
		return;
	/* Both halves done (or one never used): the pair cools down whole. */
	p->held = false;
	(void)lk_portalloc_give(t->pa, even);
}

static int sock_bind(struct lk_turn *t, uint16_t port, int *fdp)
{
	struct sa a = t->bindaddr;
	int fd;

	sa_set_port(&a, port);
	fd = socket(sa_af(&a), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sa_af(&a) == AF_INET6) {
		int one = 1;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	}
	if (bind(fd, &a.u.sa, a.len) < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	*fdp = fd;

	return 0;
}

struct bindarg {
	struct lk_turn *t;
	int fd;
};

static int bind_even(uint16_t port, void *arg)
{
	struct bindarg *b = arg;

	return sock_bind(b->t, port, &b->fd);
}

/*
 * A relay port and its bound socket.  `even`: an even port (EVEN-PORT);
 * `reserve`: and hold the odd one for a RESERVATION-TOKEN.  Returns ENOSPC
 * when the range is exhausted.
 */
static int port_take(struct lk_turn *t, bool even, bool reserve,
		     uint16_t *portp, int *fdp)
{
	struct bindarg b = {t, -1};
	struct pair *p;
	uint16_t port;
	unsigned i;
	int err;

	/* The unused odd half of a pair in use first: no port is wasted. */
	while (!even && t->nspares) {
		i = t->spares[--t->nspares];
		p = &t->pairs[i];
		p->spare = false;
		if (!p->held || p->half[1] != HALF_FREE)
			continue;
		port = (uint16_t)(t->pairbase + 2 * i + 1);
		err = sock_bind(t, port, fdp);
		if (err) {
			/* Held by another program: leave that half alone. */
			p->half[1] = HALF_DONE;
			pair_release(t, port);
			continue;
		}
		p->half[1] = HALF_USED;
		*portp = port;
		return 0;
	}
	err = lk_portalloc_take_bound(t->pa, bind_even, &b, &port);
	if (err)
		return err;
	p = pair_of(t, port, &i);
	if (!p) {
		close(b.fd);
		(void)lk_portalloc_give(t->pa, port);
		return ERANGE;
	}
	p->held = true;
	p->half[0] = HALF_USED;
	p->half[1] = reserve ? HALF_RESERVED : HALF_FREE;
	if (!reserve && !p->spare) {
		p->spare = true;
		t->spares[t->nspares++] = i;
	}
	*portp = port;
	*fdp = b.fd;

	return 0;
}

/* "192.0.2.1:3478" or "[2001:db8::1]:3478" for logs. */
static const char *addr_text(char *buf, size_t sz, const struct sa *a)
{
	if (re_snprintf(buf, sz, "%J", a) < 0)
		snprintf(buf, sz, "?");

	return buf;
}

/* ---- Replies ---- */

static void send_to(struct listener *l, const struct sa *to,
		    const uint8_t *p, size_t len)
{
	static const uint8_t pad[3];

	if (!l->bev) {
		(void)sendto(l->fd, p, len, 0, &to->u.sa, to->len);
		return;
	}
	/* A client that does not read loses data, never the server memory. */
	if (evbuffer_get_length(bufferevent_get_output(l->bev)) >
	    CONN_OUTQ_MAX) {
		++l->turn->st.tcp_dropped;
		return;
	}
	(void)bufferevent_write(l->bev, p, len);
	/* RFC 8656 s.12.5: over TCP, ChannelData is padded to 4 octets. */
	if (len && (p[0] & 0xc0) == 0x40 && (len & 3))
		(void)bufferevent_write(l->bev, pad, 4 - (len & 3));
}

/*
 * Encode and send a response to `req`: success when `scode` is 0, else an
 * error with `reason`.  MESSAGE-INTEGRITY with `key` (NULL: none),
 * FINGERPRINT when the request had one.
 */
static void reply(struct listener *l, const struct sa *to,
		  const struct stun_msg *req, uint16_t scode,
		  const char *reason, const uint8_t *key, uint32_t attrc, ...)
{
	struct stun_errcode ec = {scode, (char *)reason};
	struct mbuf *mb = mbuf_alloc(256);
	va_list ap;
	int err;

	if (!mb)
		return;
	va_start(ap, attrc);
	err = stun_msg_vencode(mb, stun_msg_method(req), scode ?
			       STUN_CLASS_ERROR_RESP : STUN_CLASS_SUCCESS_RESP,
			       stun_msg_tid(req), scode ? &ec : NULL, key,
			       key ? LK_TURNAUTH_KEY_LEN : 0,
			       stun_msg_attr(req, STUN_ATTR_FINGERPRINT) != NULL,
			       0, attrc, ap);
	va_end(ap);
	if (!err)
		send_to(l, to, mb->buf, mb->end);
	mem_deref(mb);
}

static void reply_err(struct listener *l, const struct sa *to,
		      const struct stun_msg *req, uint16_t scode,
		      const char *reason, const uint8_t *key)
{
	reply(l, to, req, scode, reason, key, 0);
}

/* Whether `src` has used up this second's challenges. */
static bool challenge_limited(struct lk_turn *t, const struct sa *src)
{
	uint32_t key = sa_hash(src, SA_ADDR) ^ t->hash_seed;
	struct challenge_slot *cs;
	uint64_t second = now_ms(t) / 1000;

	key *= 2654435761u;	/* Knuth's multiplicative hash */
	cs = &t->cslot[key >> 20];
	if (cs->key != key || cs->second != second)
		*cs = (struct challenge_slot){key, 0, second};
	if (cs->n >= CHALLENGES_PER_S) {
		++t->st.challenges_limited;
		return true;
	}
	++cs->n;

	return false;
}

/* 401 or 438: REALM and a fresh NONCE, no MESSAGE-INTEGRITY (s.9). */
static void challenge(struct lk_turn *t, struct listener *l,
		      const struct sa *to, const struct stun_msg *req,
		      uint16_t scode, const char *reason)
{
	char nonce[LK_TURNAUTH_NONCE_LEN + 1];

	if (challenge_limited(t, to))
		return;

	lk_turnauth_nonce(t->auth, nonce, to, now_ms(t) / 1000);
	reply(l, to, req, scode, reason, NULL, 2, STUN_ATTR_REALM,
	      lk_turnauth_realm(t->auth), STUN_ATTR_NONCE, nonce);
}

/* ---- Allocations ---- */

static uint32_t tuple_hash(const struct listener *l, const struct sa *c)
{
	return sa_hash(c, SA_ALL) ^ (uint32_t)l->fd;
}

struct tuple_key {
	const struct listener *l;
	const struct sa *client;
};

static bool tuple_cmp(struct le *le, void *arg)
{
	const struct alloc *a = le->data;
	const struct tuple_key *k = arg;

	return a->l == k->l && sa_cmp(&a->client, k->client, SA_ALL);
}

static struct alloc *alloc_find(struct lk_turn *t, const struct listener *l,
				const struct sa *client)
{
	struct tuple_key k = {l, client};
	struct le *le;

	le = hash_lookup(t->tuples, tuple_hash(l, client), tuple_cmp, &k);

	return le ? le->data : NULL;
}

static void conn_unallocated(struct conn *c);

static struct lk_turnfwd_perm *perm_find(struct alloc *a,
					 const struct sa *peer, uint64_t now)
{
	return lk_turnfwd_perm_find(&a->st, peer, now);
}

static struct lk_turnfwd_chan *chan_by_num(struct alloc *a, uint16_t num,
					   uint64_t now)
{
	return lk_turnfwd_chan_by_num(&a->st, num, now);
}

static struct lk_turnfwd_chan *chan_by_peer(struct alloc *a,
					    const struct sa *peer,
					    uint64_t now)
{
	return lk_turnfwd_chan_by_peer(&a->st, peer, now);
}

/* The data path takes the allocation's permissions and channels now. */
static void alloc_push(struct alloc *a)
{
	if (a->fa)
		(void)lk_turnfwd_update(a->fwd, a->fa, &a->st);
}

/* To a client over TCP (turnfwd.h, lk_turnfwd_out_h). */
static void tcp_out(void *arg, const uint8_t *p, size_t len)
{
	struct alloc *a = arg;

	if (a->l)
		send_to(a->l, &a->client, p, len);
}

static void alloc_destructor(void *arg)
{
	struct alloc *a = arg;

	list_unlink(&a->le);
	hash_unlink(&a->he);
	/* The data path lets go of the socket before it is closed. */
	if (a->fa)
		lk_turnfwd_del(a->fwd, a->fa);
	if (a->fd >= 0)
		close(a->fd);
	if (a->port)
		pair_release(a->turn, a->port);
	if (a->turn->st.allocations)
		--a->turn->st.allocations;
	if (a->l && a->l->bev)
		conn_unallocated((struct conn *)a->l);
	OPENSSL_cleanse(a->key, sizeof(a->key));
}

/* The address the client reached us at, for XOR-RELAYED-ADDRESS. */
static void relay_address(struct lk_turn *t, struct alloc *a)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd;

	a->relay = t->bindaddr;
	sa_set_port(&a->relay, a->port);
	if (!sa_is_any(&t->bindaddr))
		return;
	/* A wildcard: the local address the kernel routes the client from. */
	fd = socket(sa_af(&a->client), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (!connect(fd, &a->client.u.sa, a->client.len) &&
	    !getsockname(fd, (struct sockaddr *)&ss, &sl) &&
	    ss.ss_family == sa_af(&t->bindaddr)) {
		(void)sa_set_sa(&a->relay, (struct sockaddr *)&ss);
		sa_set_port(&a->relay, a->port);
	}
	close(fd);
}

/* The lifetime granted for a requested one (s.7.2 rule 8, s.8). */
static uint32_t lifetime_of(const struct lk_turn *t, const struct stun_msg *m)
{
	struct stun_attr *la = stun_msg_attr(m, STUN_ATTR_LIFETIME);
	uint32_t lt = t->cfg.default_lifetime;

	if (la) {
		lt = la->v.lifetime;
		if (lt > t->cfg.max_lifetime)
			lt = t->cfg.max_lifetime;
		if (lt && lt < t->cfg.default_lifetime)
			lt = t->cfg.default_lifetime;
	}

	return lt;
}

static unsigned user_allocs(const struct lk_turn *t, const char *user)
{
	struct le *le;
	unsigned n = 0;

	for (le = t->allocs.head; le; le = le->next) {
		const struct alloc *a = le->data;

		if (!strcmp(a->user, user))
			++n;
	}

	return n;
}

static struct reservation *resv_find(struct lk_turn *t, uint64_t token)
{
	unsigned i;

	for (i = 0; i < t->nresv; i++) {
		if (t->resv[i].token == token)
			return &t->resv[i];
	}

	return NULL;
}

static void resv_drop(struct lk_turn *t, struct reservation *r, bool release)
{
	if (release)
		pair_release(t, r->port);
	*r = t->resv[--t->nresv];
}

static void success_allocate(struct alloc *a, const struct stun_msg *req)
{
	uint32_t lt = (uint32_t)(lk_clock_since(a->expires,
				 now_ms(a->turn)) / 1000);

	if (a->token)
		reply(a->l, &a->client, req, 0, NULL, a->key, 4,
		      STUN_ATTR_XOR_RELAY_ADDR, &a->relay, STUN_ATTR_LIFETIME,
		      &lt, STUN_ATTR_XOR_MAPPED_ADDR, &a->client,
		      STUN_ATTR_RSV_TOKEN, &a->token);
	else
		reply(a->l, &a->client, req, 0, NULL, a->key, 3,
		      STUN_ATTR_XOR_RELAY_ADDR, &a->relay, STUN_ATTR_LIFETIME,
		      &lt, STUN_ATTR_XOR_MAPPED_ADDR, &a->client);
}

/* RFC 8656 s.7.2: Allocate, after authentication. */
static void on_allocate(struct lk_turn *t, struct listener *l,
			const struct sa *src, const struct stun_msg *m,
			const uint8_t *key, const char *username,
			const char *user, size_t ulen)
{
	struct stun_attr *rt, *ep, *tok, *fam, *df;
	struct reservation *r = NULL;
	struct alloc *a;
	uint64_t now = now_ms(t);
	int af, err, fd = -1;
	uint16_t port = 0;
	unsigned total;

	a = alloc_find(t, l, src);
	if (a) {
		/* A retransmitted Allocate gets the same answer (s.7.2). */
		if (!memcmp(a->tid, stun_msg_tid(m), 12) &&
		    !strcmp(a->username, username)) {
			success_allocate(a, m);
			return;
		}
		reply_err(l, src, m, 437, "Allocation Mismatch", key);
		return;
	}
	rt = stun_msg_attr(m, STUN_ATTR_REQ_TRANSPORT);
	ep = stun_msg_attr(m, STUN_ATTR_EVEN_PORT);
	tok = stun_msg_attr(m, STUN_ATTR_RSV_TOKEN);
	fam = stun_msg_attr(m, STUN_ATTR_REQ_ADDR_FAMILY);
	df = stun_msg_attr(m, STUN_ATTR_DONT_FRAGMENT);
	if (!rt) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", key);
		return;
	}
	if (rt->v.req_transport != IPPROTO_UDP) {
		reply_err(l, src, m, 442, "Unsupported Transport Protocol",
			  key);
		return;
	}
	if (tok && (ep || fam)) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", key);
		return;
	}
	af = sa_af(&t->bindaddr);
	if (fam && !((fam->v.req_addr_family == 1 && af == AF_INET) ||
		     (fam->v.req_addr_family == 2 && af == AF_INET6))) {
		reply_err(l, src, m, 440, "Address Family not Supported", key);
		return;
	}
	if (ulen >= sizeof(a->user) || strlen(username) >= sizeof(a->username)) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", key);
		return;
	}
	if (t->cfg.per_user) {
		char u[64];

		memcpy(u, user, ulen);
		u[ulen] = '\0';
		if (user_allocs(t, u) >= t->cfg.per_user) {
			++t->st.quota;
			reply_err(l, src, m, 486, "Allocation Quota Reached",
				  key);
			return;
		}
	}
	total = t->cfg.total ? t->cfg.total : t->capacity;
	if (t->st.allocations >= total) {
		++t->st.quota;
		reply_err(l, src, m, 508, "Insufficient Capacity", key);
		return;
	}
	if (tok) {
		r = resv_find(t, tok->v.rsv_token);
		if (!r) {
			reply_err(l, src, m, 508, "Insufficient Capacity", key);
			return;
		}
		port = r->port;
		err = sock_bind(t, port, &fd);
		resv_drop(t, r, err != 0);
		if (!err) {
			struct pair *p = pair_of(t, port, NULL);

			if (p)
				p->half[port & 1] = HALF_USED;
		}
	}
	else {
		err = port_take(t, ep != NULL, ep && ep->v.even_port.r, &port,
				&fd);
	}
	if (err) {
		++t->st.exhausted;
		char at[64];

		lk_warn_limited("TURN: no relay port for %s: %s",
				addr_text(at, sizeof(at), src), strerror(err));
		reply_err(l, src, m, 508, "Insufficient Capacity", key);
		return;
	}
	a = mem_zalloc(sizeof(*a), alloc_destructor);
	if (!a) {
		close(fd);
		pair_release(t, port);
		return;
	}
	a->turn = t;
	a->l = l;
	a->client = *src;
	a->fd = fd;
	a->port = port;
	++t->st.allocations;
	++t->st.allocations_made;
	memcpy(a->tid, stun_msg_tid(m), 12);
	memcpy(a->key, key, sizeof(a->key));
	snprintf(a->username, sizeof(a->username), "%s", username);
	memcpy(a->user, user, ulen);
	a->user[ulen] = '\0';
	list_append(&t->allocs, &a->le, a);
	hash_append(t->tuples, tuple_hash(l, src), &a->he, a);
	relay_address(t, a);
	if (df) {
		/* DONT-FRAGMENT (s.14.8): the DF bit on everything relayed. */
		int v = af == AF_INET ? IP_PMTUDISC_DO : 1;

		if (af == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v,
				   sizeof(v));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &v,
				   sizeof(v));
	}
	if (ep && ep->v.even_port.r && t->nresv < RESERVATIONS_MAX) {
		uint64_t token = 0;

		/* s.7.2: the odd port of the pair, held ~30 s for a token. */
		while (!token || resv_find(t, token)) {
			if (getrandom(&token, sizeof(token), 0) !=
			    (ssize_t)sizeof(token))
				token = now ^ ((uint64_t)port << 32);
		}
		t->resv[t->nresv++] = (struct reservation){token,
			(uint16_t)(port + 1),
			now + t->cfg.reservation_lifetime * 1000ull};
		a->token = token;
	}
	else if (ep && ep->v.even_port.r) {
		/* No room for another token: the odd half is released. */
		pair_release(t, (uint16_t)(port + 1));
	}
	a->expires = now + lifetime_of(t, m) * 1000ull;
	/* The data path knows it before the client hears of it. */
	a->fwd = l->bev ? t->fwd_tcp : l->fwd;
	if (lk_turnfwd_add(a->fwd, &a->fa, fd, &a->client,
			   l->bev ? tcp_out : NULL, a)) {
		mem_deref(a);
		return;
	}
	if (l->bev) {
		/* Its lifetime now governs the connection, not idleness. */
		((struct conn *)l)->allocated = true;
		(void)bufferevent_set_timeouts(l->bev, NULL, NULL);
	}
	success_allocate(a, m);
}

/* The allocation of the 5-tuple of an authenticated request, or a reply. */
static struct alloc *alloc_for(struct lk_turn *t, struct listener *l,
			       const struct sa *src, const struct stun_msg *m,
			       const uint8_t *key, const char *username)
{
	struct alloc *a = alloc_find(t, l, src);

	if (!a) {
		reply_err(l, src, m, 437, "Allocation Mismatch", key);
		return NULL;
	}
	/* s.7.3, RFC 8489 s.9.2.4: the credentials of the allocation. */
	if (strcmp(a->username, username)) {
		++t->st.auth_failures;
		reply_err(l, src, m, 441, "Wrong Credentials", key);
		return NULL;
	}

	return a;
}

/* RFC 8656 s.8: Refresh; LIFETIME 0 deletes at once. */
static void on_refresh(struct lk_turn *t, struct listener *l,
		       const struct sa *src, const struct stun_msg *m,
		       const uint8_t *key, const char *username)
{
	struct alloc *a = alloc_for(t, l, src, m, key, username);
	struct stun_attr *fam;
	uint32_t lt;

	if (!a)
		return;
	fam = stun_msg_attr(m, STUN_ATTR_REQ_ADDR_FAMILY);
	if (fam && !((fam->v.req_addr_family == 1 &&
		      sa_af(&a->relay) == AF_INET) ||
		     (fam->v.req_addr_family == 2 &&
		      sa_af(&a->relay) == AF_INET6))) {
		reply_err(l, src, m, 443, "Peer Address Family Mismatch", key);
		return;
	}
	lt = lifetime_of(t, m);
	if (!lt) {
		reply(l, src, m, 0, NULL, key, 1, STUN_ATTR_LIFETIME, &lt);
		mem_deref(a);
		return;
	}
	a->expires = now_ms(t) + lt * 1000ull;
	reply(l, src, m, 0, NULL, key, 1, STUN_ATTR_LIFETIME, &lt);
}

/*
 * The checks every peer address goes through (s.9.1, s.11.2): the policy
 * first (403), then the family of the relay (443).  Returns 0, or the
 * error code with its reason.
 */
static uint16_t peer_verdict(struct lk_turn *t, const struct alloc *a,
			     const struct sa *peer, const char **reason)
{
	enum lk_turnpeer_verdict v = lk_turnpeer_check(t->peers, peer);

	if (v == LK_TURNPEER_BAD) {
		*reason = "Bad Request";
		return 400;
	}
	if (v != LK_TURNPEER_OK) {
		*reason = "Forbidden";
		char pt[64], ct[64];

		lk_warn_limited("TURN: peer %s refused for %s: %s",
				addr_text(pt, sizeof(pt), peer),
				addr_text(ct, sizeof(ct), &a->client),
				lk_turnpeer_verdict_name(v));
		return 403;
	}
	if (sa_af(peer) != sa_af(&a->relay)) {
		*reason = "Peer Address Family Mismatch";
		return 443;
	}

	return 0;
}

static bool perm_install(struct alloc *a, const struct sa *peer,
			 uint64_t now)
{
	struct lk_turnfwd_perm *p = perm_find(a, peer, now);
	unsigned i;

	if (!p) {
		/* Reuse an expired slot before taking a new one. */
		for (i = 0; i < a->st.nperms && !p; i++) {
			if (a->st.perms[i].expires <= now)
				p = &a->st.perms[i];
		}
		if (!p && a->st.nperms >= a->turn->cfg.perms_max)
			return false;
		if (!p)
			p = &a->st.perms[a->st.nperms++];
		p->addr = *peer;
		sa_set_port(&p->addr, 0);
	}
	p->expires = now + a->turn->cfg.perm_lifetime * 1000ull;

	return true;
}

struct perm_req {
	struct lk_turn *t;
	struct alloc *a;
	struct sa peers[PERMS_MAX];
	unsigned n;
	uint16_t scode;
	const char *reason;
};

static bool perm_collect(const struct stun_attr *attr, void *arg)
{
	struct perm_req *pr = arg;

	if (attr->type != STUN_ATTR_XOR_PEER_ADDR)
		return false;
	if (pr->n >= PERMS_MAX) {
		pr->scode = 508;
		pr->reason = "Insufficient Capacity";
		return true;
	}
	pr->scode = peer_verdict(pr->t, pr->a, &attr->v.xor_peer_addr,
				 &pr->reason);
	if (pr->scode)
		return true;
	pr->peers[pr->n++] = attr->v.xor_peer_addr;

	return false;
}

/* RFC 8656 s.9: CreatePermission, all addresses or none. */
static void on_createperm(struct lk_turn *t, struct listener *l,
			  const struct sa *src, const struct stun_msg *m,
			  const uint8_t *key, const char *username)
{
	struct alloc *a = alloc_for(t, l, src, m, key, username);
	struct perm_req *pr;
	uint64_t now = now_ms(t);
	unsigned i, fresh = 0;

	if (!a)
		return;
	pr = mem_zalloc(sizeof(*pr), NULL);
	if (!pr)
		return;
	pr->t = t;
	pr->a = a;
	(void)stun_msg_attr_apply(m, perm_collect, pr);
	if (!pr->scode && !pr->n) {
		pr->scode = 400;
		pr->reason = "Bad Request";
	}
	for (i = 0; !pr->scode && i < pr->n; i++) {
		if (!perm_find(a, &pr->peers[i], now))
			++fresh;
	}
	if (!pr->scode && a->st.nperms + fresh > t->cfg.perms_max) {
		unsigned expired = 0;

		for (i = 0; i < a->st.nperms; i++)
			expired += a->st.perms[i].expires <= now;
		if (a->st.nperms - expired + fresh > t->cfg.perms_max) {
			pr->scode = 508;
			pr->reason = "Insufficient Capacity";
		}
	}
	if (pr->scode) {
		if (pr->scode == 403)
			++t->st.denied_peers;
		else if (pr->scode == 508)
			++t->st.quota;
		else if (pr->scode == 400)
			++t->st.malformed;
		reply_err(l, src, m, pr->scode, pr->reason, key);
		mem_deref(pr);
		return;
	}
	for (i = 0; i < pr->n; i++)
		(void)perm_install(a, &pr->peers[i], now);
	mem_deref(pr);
	alloc_push(a);
	reply(l, src, m, 0, NULL, key, 0);
}

/* RFC 8656 s.12.2: ChannelBind. */
static void on_chanbind(struct lk_turn *t, struct listener *l,
			const struct sa *src, const struct stun_msg *m,
			const uint8_t *key, const char *username)
{
	struct alloc *a = alloc_for(t, l, src, m, key, username);
	struct stun_attr *cn, *pa;
	struct lk_turnfwd_chan *c, *byp;
	uint64_t now = now_ms(t);
	const char *reason = NULL;
	uint16_t scode;
	unsigned i;

	if (!a)
		return;
	cn = stun_msg_attr(m, STUN_ATTR_CHANNEL_NUMBER);
	pa = stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR);
	if (!cn || !pa || cn->v.channel_number < CHAN_MIN ||
	    cn->v.channel_number > CHAN_MAX) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", key);
		return;
	}
	scode = peer_verdict(t, a, &pa->v.xor_peer_addr, &reason);
	if (scode) {
		if (scode == 403)
			++t->st.denied_peers;
		reply_err(l, src, m, scode, reason, key);
		return;
	}
	c = chan_by_num(a, cn->v.channel_number, now);
	byp = chan_by_peer(a, &pa->v.xor_peer_addr, now);
	/* s.12.2: a number bound to another peer, or the peer to another. */
	if ((c && !sa_cmp(&c->peer, &pa->v.xor_peer_addr, SA_ALL)) ||
	    (byp && byp->num != cn->v.channel_number)) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", key);
		return;
	}
	if (!c) {
		for (i = 0; i < a->st.nchans && !c; i++) {
			/*
			 * s.12: an expired channel's number and peer stay
			 * unusable for 5 minutes after; reuse only a slot
			 * whose number and peer are the same, or any slot
			 * expired for that long.
			 */
			if (a->st.chans[i].expires + 300000 <= now ||
			    (a->st.chans[i].num == cn->v.channel_number &&
			     sa_cmp(&a->st.chans[i].peer, &pa->v.xor_peer_addr,
				    SA_ALL)))
				c = &a->st.chans[i];
		}
		if (!c && a->st.nchans >= t->cfg.channels_max) {
			++t->st.quota;
			reply_err(l, src, m, 508, "Insufficient Capacity", key);
			return;
		}
		if (!perm_find(a, &pa->v.xor_peer_addr, now) &&
		    !perm_install(a, &pa->v.xor_peer_addr, now)) {
			++t->st.quota;
			reply_err(l, src, m, 508, "Insufficient Capacity", key);
			return;
		}
		if (!c)
			c = &a->st.chans[a->st.nchans++];
		c->num = cn->v.channel_number;
		c->peer = pa->v.xor_peer_addr;
	}
	c->expires = now + t->cfg.channel_lifetime * 1000ull;
	(void)perm_install(a, &pa->v.xor_peer_addr, now);
	alloc_push(a);
	reply(l, src, m, 0, NULL, key, 0);
}

/* RFC 8656 s.11.2: a Send indication; every failure is a silent drop. */
static void on_send(struct lk_turn *t, struct listener *l,
		    const struct sa *src, const struct stun_msg *m)
{
	struct alloc *a = alloc_find(t, l, src);
	struct stun_attr *pa, *da;
	const char *reason;

	if (!a)
		return;
	pa = stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR);
	da = stun_msg_attr(m, STUN_ATTR_DATA);
	if (!pa || !da) {
		++t->st.malformed;
		return;
	}
	if (peer_verdict(t, a, &pa->v.xor_peer_addr, &reason)) {
		++t->st.denied_peers;
		return;
	}
	if (!perm_find(a, &pa->v.xor_peer_addr, now_ms(t))) {
		++t->st.no_permission;
		return;
	}
	(void)sendto(a->fd, mbuf_buf(&da->v.data), mbuf_get_left(&da->v.data),
		     0, &pa->v.xor_peer_addr.u.sa, pa->v.xor_peer_addr.len);
	++t->st.to_peer;
}

/*
 * RFC 8656 s.12.5: ChannelData from a TCP client, relayed by the data path
 * on this thread (over UDP the data path reads it itself, relay/turnfwd.c).
 */
static void on_channeldata(struct lk_turn *t, struct listener *l,
			   const struct sa *src, const uint8_t *p, size_t len)
{
	struct alloc *a = alloc_find(t, l, src);

	lk_turnfwd_channeldata(t->fwd_tcp, a ? a->fa : NULL, p, len);
}

/*
 * Long-term credentials (RFC 8489 s.9.2.4): no state is kept for a client
 * before its MESSAGE-INTEGRITY verifies.  Returns true with the key, the
 * USERNAME and the quota name when the request may go on.
 */
static bool authenticate(struct lk_turn *t, struct listener *l,
			 const struct sa *src, const struct stun_msg *m,
			 const uint8_t *raw, size_t len, uint8_t *key,
			 const char **usernamep, const char **userp,
			 size_t *ulenp)
{
	struct stun_attr *mi, *un, *rl, *nc;
	int err;

	mi = stun_msg_attr(m, STUN_ATTR_MSG_INTEGRITY);
	un = stun_msg_attr(m, STUN_ATTR_USERNAME);
	rl = stun_msg_attr(m, STUN_ATTR_REALM);
	nc = stun_msg_attr(m, STUN_ATTR_NONCE);
	if (!mi) {
		++t->st.challenges;
		challenge(t, l, src, m, 401, "Unauthorized");
		return false;
	}
	if (!un || !rl || !nc) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", NULL);
		return false;
	}
	if (lk_turnauth_nonce_check(t->auth, nc->v.nonce, src,
				    now_ms(t) / 1000,
				    t->cfg.nonce_lifetime)) {
		++t->st.stale_nonces;
		challenge(t, l, src, m, 438, "Stale Nonce");
		return false;
	}
	err = strcmp(rl->v.realm, lk_turnauth_realm(t->auth)) ? ENOENT :
	      lk_turnauth_key(t->auth, key, un->v.username,
			      (uint64_t)time(NULL), userp, ulenp);
	if (!err)
		err = lk_turnauth_mi_check(raw, len, key,
					   LK_TURNAUTH_KEY_LEN);
	if (err) {
		char at[64];

		++t->st.auth_failures;
		lk_warn_limited("TURN: %s: authentication failed (%s)",
				addr_text(at, sizeof(at), src),
				err == ETIMEDOUT ? "expired REST username" :
				err == ENOENT ? "unknown user or realm" :
				"bad MESSAGE-INTEGRITY");
		challenge(t, l, src, m, 401, "Unauthorized");
		return false;
	}
	*usernamep = un->v.username;

	return true;
}

static void on_stun(struct lk_turn *t, struct listener *l,
		    const struct sa *src, const uint8_t *p, size_t len)
{
	struct stun_unknown_attr ua;
	struct stun_msg *m = NULL;
	uint8_t key[LK_TURNAUTH_KEY_LEN];
	const char *username = NULL, *user = NULL;
	size_t ulen = 0;
	struct mbuf *mb;
	uint16_t cls, method;

	mb = mbuf_alloc(len);
	if (!mb)
		return;
	(void)mbuf_write_mem(mb, p, len);
	mb->pos = 0;
	memset(&ua, 0, sizeof(ua));
	if (stun_msg_decode(&m, mb, &ua) || !stun_msg_mcookie(m) ||
	    mb->end != len) {
		++t->st.malformed;
		goto out;
	}
	if (stun_msg_attr(m, STUN_ATTR_FINGERPRINT) &&
	    stun_msg_chk_fingerprint(m)) {
		++t->st.malformed;	/* RFC 8489 s.7.3: not STUN, drop */
		goto out;
	}
	cls = stun_msg_class(m);
	method = stun_msg_method(m);
	if (cls == STUN_CLASS_INDICATION) {
		if (method == STUN_METHOD_SEND)
			on_send(t, l, src, m);
		goto out;
	}
	if (cls != STUN_CLASS_REQUEST)
		goto out;
	if (ua.typec) {
		/* RFC 8489 s.6.3.1.1: 420 with UNKNOWN-ATTRIBUTES. */
		++t->st.malformed;
		reply(l, src, m, 420, "Unknown Attribute", NULL, 1,
		      STUN_ATTR_UNKNOWN_ATTR, &ua);
		goto out;
	}
	if (method == STUN_METHOD_BINDING) {
		++t->st.bindings;
		reply(l, src, m, 0, NULL, NULL, 1, STUN_ATTR_XOR_MAPPED_ADDR,
		      src);
		goto out;
	}
	if (method != STUN_METHOD_ALLOCATE && method != STUN_METHOD_REFRESH &&
	    method != STUN_METHOD_CREATEPERM && method != STUN_METHOD_CHANBIND) {
		++t->st.malformed;
		reply_err(l, src, m, 400, "Bad Request", NULL);
		goto out;
	}
	if (!authenticate(t, l, src, m, p, len, key, &username, &user, &ulen))
		goto out;
	switch (method) {

	case STUN_METHOD_ALLOCATE:
		on_allocate(t, l, src, m, key, username, user, ulen);
		break;
	case STUN_METHOD_REFRESH:
		on_refresh(t, l, src, m, key, username);
		break;
	case STUN_METHOD_CREATEPERM:
		on_createperm(t, l, src, m, key, username);
		break;
	case STUN_METHOD_CHANBIND:
		on_chanbind(t, l, src, m, key, username);
		break;
	}

 out:
	OPENSSL_cleanse(key, sizeof(key));
	mem_deref(m);
	mem_deref(mb);
}

static void input(struct lk_turn *t, struct listener *l, const struct sa *src,
		  const uint8_t *p, size_t len)
{
	/* RFC 8656 s.12: 0b01 first bits ChannelData, 0b00 STUN. */
	if (len >= 1 && (p[0] & 0xc0) == 0x40) {
		if (l->bev)
			on_channeldata(t, l, src, p, len);
		else
			lk_turnfwd_input(l->fwd, src, p, len);
	}
	else if (len >= 20 && (p[0] & 0xc0) == 0) {
		on_stun(t, l, src, p, len);
	}
	else {
		++t->st.malformed;
	}
}

/* What a UDP request socket's data path hands over (turnfwd.h). */
static void ctl_input(void *arg, unsigned lidx, const struct sa *src,
		      const uint8_t *p, size_t len)
{
	struct lk_turn *t = arg;

	if (lidx < t->nl)
		input(t, &t->l[lidx], src, p, len);
}

/* As if read from socket `idx`: through its data path, as a datagram. */
void lk_turn_input(struct lk_turn *turn, unsigned idx, const struct sa *src,
		   const uint8_t *p, size_t len)
{
	if (!turn || idx >= turn->nl || !src || !p)
		return;
	lk_turnfwd_input(turn->l[idx].fwd, src, p, len);
}

/* ---- TURN over TCP (RFC 8656 s.3.1) ---- */

static void conn_idle_timer(struct conn *c)
{
	struct timeval tv = {CONN_IDLE_S, 0};

	(void)bufferevent_set_timeouts(c->l.bev, &tv, NULL);
}

/* Its allocation is gone (refreshed to 0, expired): idle again. */
static void conn_unallocated(struct conn *c)
{
	c->allocated = false;
	if (c->l.bev)
		conn_idle_timer(c);
}

static void conn_destructor(void *arg)
{
	struct conn *c = arg;
	struct lk_turn *t = c->l.turn;
	struct le *le;

	/* The allocation of this connection goes with it. */
	for (le = t->allocs.head; le;) {
		struct alloc *a = le->data;

		le = le->next;
		if (a->l == &c->l) {
			a->l = NULL;
			mem_deref(a);
		}
	}
	list_unlink(&c->le);
	if (c->l.bev)
		bufferevent_free(c->l.bev);
	if (t->st.tcp_connections)
		--t->st.tcp_connections;
}

int lk_turn_tcp_frame(const uint8_t *p, size_t have, size_t *msg,
		      size_t *frame)
{
	size_t n, f;

	if (!p || !msg || !frame)
		return EINVAL;
	if (have < 4)
		return EAGAIN;
	if ((p[0] & 0xc0) == 0x40) {
		n = 4 + ((size_t)p[2] << 8 | p[3]);
		f = (n + 3) & ~(size_t)3;
	}
	else if ((p[0] & 0xc0) == 0) {
		n = 20 + ((size_t)p[2] << 8 | p[3]);
		f = n;
	}
	else {
		return EBADMSG;
	}
	if (f > LK_TURN_TCP_FRAME_MAX)
		return EBADMSG;
	if (have < f)
		return EAGAIN;
	*msg = n;
	*frame = f;

	return 0;
}

/* Each whole frame of the stream goes to input() as a datagram would;
 * anything that is not one closes the connection. */
static void conn_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct lk_turn *t = c->l.turn;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t *buf = t->frame;
	size_t have, n, frame;
	const uint8_t *h;
	int err;

	while ((have = evbuffer_get_length(in)) >= 4) {
		h = evbuffer_pullup(in, 4);
		if (!h)
			return;
		err = lk_turn_tcp_frame(h, have, &n, &frame);
		if (err == EAGAIN)
			return;
		if (err) {
			++t->st.malformed;
			++t->st.tcp_closed_malformed;
			mem_deref(c);
			return;
		}
		(void)evbuffer_remove(in, buf, frame);
		input(t, &c->l, &c->peer, buf, n);
	}
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & BEV_EVENT_TIMEOUT)
		++c->l.turn->st.tcp_idle_closed;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		mem_deref(c);
}

static void conn_accept(struct evconnlistener *lis, evutil_socket_t fd,
		       struct sockaddr *sa, int slen, void *arg)
{
	struct lk_turn *t = arg;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct conn *c;
	int one = 1;

	(void)lis;
	(void)slen;
	if (t->st.tcp_connections >= CONNS_MAX) {
		++t->st.tcp_refused;
		close(fd);
		return;
	}
	c = mem_zalloc(sizeof(*c), conn_destructor);
	if (!c) {
		close(fd);
		return;
	}
	c->l.turn = t;
	c->l.fd = -1;
	(void)sa_set_sa(&c->peer, sa);
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		(void)sa_set_sa(&c->l.local, (struct sockaddr *)&ss);
	list_append(&t->conns, &c->le, c);
	++t->st.tcp_connections;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->l.bev = bufferevent_socket_new(t->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->l.bev) {
		close(fd);
		mem_deref(c);
		return;
	}
	bufferevent_setcb(c->l.bev, conn_read, NULL, conn_event, c);
	conn_idle_timer(c);
	(void)bufferevent_enable(c->l.bev, EV_READ);
}

int lk_turn_add_tcp_socket(struct lk_turn *t, int fd)
{
	if (!t || fd < 0) {
		if (fd >= 0)
			close(fd);
		return EINVAL;
	}
	if (t->ntcpl >= LISTENERS_MAX) {
		close(fd);
		return ENOSPC;
	}
	t->tcpl[t->ntcpl] = evconnlistener_new(t->base, conn_accept, t,
					       LEV_OPT_CLOSE_ON_FREE |
					       LEV_OPT_CLOSE_ON_EXEC, 128, fd);
	if (!t->tcpl[t->ntcpl]) {
		close(fd);
		return ENOMEM;
	}
	++t->ntcpl;

	return 0;
}

/* ---- Expiry ---- */

void lk_turn_sweep(struct lk_turn *t)
{
	uint64_t now;
	struct le *le;
	unsigned i;

	if (!t)
		return;
	now = now_ms(t);
	for (le = t->allocs.head; le;) {
		struct alloc *a = le->data;

		le = le->next;
		if (a->expires <= now) {
			mem_deref(a);
			continue;
		}
		/* Drop permissions and channels expired long enough. */
		for (i = 0; i < a->st.nperms;) {
			if (a->st.perms[i].expires <= now)
				a->st.perms[i] = a->st.perms[--a->st.nperms];
			else
				++i;
		}
		for (i = 0; i < a->st.nchans;) {
			if (a->st.chans[i].expires + 300000 <= now)
				a->st.chans[i] = a->st.chans[--a->st.nchans];
			else
				++i;
		}
		/* What expired leaves the kernel's map (turnfwd.h). */
		if (t->kt && a->fa)
			lk_turnfwd_kernel_expire(a->fwd, a->fa, &a->st);
	}
	for (i = 0; i < t->nresv;) {
		if (t->resv[i].expires <= now)
			resv_drop(t, &t->resv[i], true);
		else
			++i;
	}
}

static void sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	lk_turn_sweep(arg);
}

/* ---- Set-up ---- */

static void add_own(struct lk_turn_conf *cfg, const char *addr, uint16_t port)
{
	struct sa a;

	if (!port || cfg->nown >= LK_TURNPEER_OWN_MAX ||
	    sa_set_str(&a, addr, port))
		return;
	cfg->own[cfg->nown++] = a;
}

void lk_turn_conf_init(struct lk_turn_conf *cfg, const struct lk_conf *c)
{
	unsigned i;
	uint16_t p;

	memset(cfg, 0, sizeof(*cfg));
	cfg->address = c->address;
	cfg->relay = c->turn_relay;
	cfg->cooldown = c->port_cooldown;
	cfg->order = c->port_order;
	cfg->realm = c->turn_realm;
	cfg->users = c->turn_users;
	cfg->secret = c->turn_secret;
	cfg->allowed = c->turn_allowed;
	cfg->denied = c->turn_denied;
	cfg->per_user = c->turn_per_user;
	cfg->total = c->turn_total;
	cfg->max_lifetime = c->turn_max_lifetime;
	cfg->default_lifetime = 600;
	cfg->perm_lifetime = 300;
	cfg->channel_lifetime = 600;
	cfg->reservation_lifetime = 30;
	cfg->nonce_lifetime = 600;
	cfg->perms_max = 32;
	cfg->channels_max = 32;
	cfg->sweep_ms = 1000;
	cfg->kfwd = c->kernel_forwarding;
	/*
	 * latchkeyd's own sockets are never peers (issue 12): the ng port
	 * (unauthenticated), every signalling port of the role, the
	 * multiplexed media ports and the TURN request ports.  Management
	 * over HTTP joins this list when it lands.
	 */
	add_own(cfg, c->ng_address, c->ng_port);
	add_own(cfg, c->address, c->sip_udp_port);
	add_own(cfg, c->address, c->sip_tcp_port);
	add_own(cfg, c->address, c->sip_tls_port);
	add_own(cfg, c->address, c->h323_ras_port);
	add_own(cfg, c->address, c->h323_q931_port);
	if (c->role == LK_ROLE_EXPRESSWAY) {
		add_own(cfg, c->address, c->assent_port);
		add_own(cfg, c->address, c->h46018_port);
		for (i = 0; i < c->nzones; i++) {
			add_own(cfg, c->address, c->zones[i].sip_port);
			add_own(cfg, c->address, c->zones[i].h323_port);
		}
	}
	for (i = 0; i < c->nmux; i++)
		add_own(cfg, c->address, c->mux_ports[i]);
	for (p = c->turn_listen.start; p && p <= c->turn_listen.end; p++) {
		add_own(cfg, c->address, p);
		if (p == 65535)
			break;
	}
}

static void turn_destructor(void *arg)
{
	struct lk_turn *t = arg;
	unsigned i;

	if (t->sweep)
		event_free(t->sweep);
	for (i = 0; i < t->ntcpl; i++)
		evconnlistener_free(t->tcpl[i]);
	list_flush(&t->conns);
	list_flush(&t->allocs);
	/* Every allocation has left its data path: the paths stop. */
	for (i = 0; i < t->nl; i++) {
		mem_deref(t->l[i].fwd);
		if (t->l[i].fd >= 0)
			close(t->l[i].fd);
	}
	mem_deref(t->fwd_tcp);
	/* Every allocation's entries are gone with it: the program goes. */
	mem_deref(t->kt);
	mem_deref(t->tuples);
	mem_deref(t->frame);
	mem_deref(t->pairs);
	mem_deref(t->spares);
	mem_deref(t->pa);
	mem_deref(t->peers);
	mem_deref(t->auth);
}

int lk_turn_alloc(struct lk_turn **turnp, struct event_base *base,
		  const struct lk_turn_conf *cfg, char *errbuf, size_t errsz)
{
	struct lk_portalloc_conf pc;
	struct lk_turn *t;
	struct timeval tv;
	unsigned i;
	int err;

	if (!turnp || !base || !cfg || !cfg->address)
		return EINVAL;
	t = mem_zalloc(sizeof(*t), turn_destructor);
	if (!t)
		return ENOMEM;
	t->base = base;
	t->cfg = *cfg;
	if (getrandom(&t->hash_seed, sizeof(t->hash_seed), 0) !=
	    (ssize_t)sizeof(t->hash_seed))
		t->hash_seed = (uint32_t)lk_clock_ms();
	snprintf(t->address, sizeof(t->address), "%s", cfg->address);
	t->cfg.address = t->address;
	list_init(&t->allocs);
	list_init(&t->conns);
	if (t->cfg.perms_max > PERMS_MAX)
		t->cfg.perms_max = PERMS_MAX;
	if (t->cfg.channels_max > CHANS_MAX)
		t->cfg.channels_max = CHANS_MAX;
	err = sa_set_str(&t->bindaddr, cfg->address, 0);
	if (err) {
		snprintf(errbuf, errsz, "TURN: Address %s is not numeric",
			 cfg->address);
		goto out;
	}
	err = lk_turnauth_alloc(&t->auth, cfg->realm ? cfg->realm : "",
				cfg->users, cfg->secret);
	if (err) {
		snprintf(errbuf, errsz, "TURN > Users or Realm: cannot use "
			 "them (%s)", strerror(err));
		goto out;
	}
	err = lk_turnpeer_alloc(&t->peers, cfg->allowed, cfg->denied);
	if (err) {
		snprintf(errbuf, errsz, "TURN > Allowed peers or Denied peers: "
			 "not a list of ADDRESS[/LENGTH]");
		goto out;
	}
	for (i = 0; i < cfg->nown; i++)
		(void)lk_turnpeer_own_add(t->peers, &cfg->own[i]);
	/*
	 * The relay range as pairs (docs/turn.md, "Relay ports"): EVEN-PORT
	 * with the R bit needs an even port and the odd one after it, which
	 * only a pair gives; an allocation without EVEN-PORT takes the odd
	 * half of a pair in use first, so no port is wasted.
	 */
	memset(&pc, 0, sizeof(pc));
	pc.name = "TURN relay";
	pc.range = cfg->relay;
	pc.mode = LK_PORTALLOC_PAIRS;
	pc.cooldown = cfg->cooldown;
	pc.order = cfg->order;
	pc.clockh = cfg->clockh;	/* NULL: the allocator's own clock */
	pc.clock_arg = cfg->clock_arg;
	err = lk_portalloc_alloc(&t->pa, &pc);
	if (err) {
		snprintf(errbuf, errsz, "TURN relay media port start/end "
			 "%u-%u: not a range of port pairs", cfg->relay.start,
			 cfg->relay.end);
		goto out;
	}
	t->pairbase = (uint16_t)(cfg->relay.start & ~1u);
	t->npairs = (unsigned)(cfg->relay.end - t->pairbase) / 2 + 1;
	t->capacity = (unsigned)(cfg->relay.end - cfg->relay.start) + 1;
	t->pairs = mem_zalloc(t->npairs * sizeof(*t->pairs), NULL);
	t->spares = mem_zalloc(t->npairs * sizeof(*t->spares), NULL);
	t->frame = mem_zalloc(LK_TURN_TCP_FRAME_MAX, NULL);
	err = hash_alloc(&t->tuples, 256);
	if (!t->pairs || !t->spares || !t->frame || err) {
		err = ENOMEM;
		goto out;
	}
	/*
	 * [Media] Kernel forwarding (docs/turn.md, "Kernel forwarding"): as
	 * for media, "on" refuses to start without it, "auto" says once why
	 * it runs without.
	 */
	if (cfg->kfwd != LK_KFWD_OFF) {
		char why[200];

		err = lk_kturn_alloc(&t->kt, cfg->address, why, sizeof(why));
		if (err && cfg->kfwd == LK_KFWD_ON) {
			snprintf(errbuf, errsz, "Kernel forwarding = on: TURN: "
				 "%s", why);
			goto out;
		}
		if (err)
			lk_warn("TURN: kernel forwarding off: %s; ChannelData "
				"is relayed in user space", why);
		else
			lk_info("TURN: kernel forwarding on: ChannelData "
				"relayed by eBPF program %u on lo",
				lk_kturn_prog_id(t->kt));
		err = 0;
	}
	/* TCP clients' relay sockets are read here, where their
	 * connections are (docs/turn.md, "Data path"). */
	err = lk_turnfwd_alloc(&t->fwd_tcp, base, NULL, t->peers,
			       cfg->clockh, cfg->clock_arg, NULL, NULL);
	if (err)
		goto out;
	t->sweep = event_new(base, -1, EV_PERSIST, sweep_cb, t);
	tv.tv_sec = t->cfg.sweep_ms / 1000;
	tv.tv_usec = (t->cfg.sweep_ms % 1000) * 1000;
	if (!t->sweep || event_add(t->sweep, &tv) < 0) {
		err = ENOMEM;
		goto out;
	}

 out:
	if (err)
		mem_deref(t);
	else
		*turnp = t;

	return err;
}

int lk_turn_add_socket(struct lk_turn *t, int fd)
{
	struct listener *l;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int err;

	if (!t || fd < 0) {
		if (fd >= 0)
			close(fd);
		return EINVAL;
	}
	if (t->nl >= LISTENERS_MAX) {
		close(fd);
		return ENOSPC;
	}
	l = &t->l[t->nl];
	l->turn = t;
	l->fd = fd;
	{
		/*
		 * Every client's requests and ChannelData share this
		 * socket's queue, as the multiplexed media ports do
		 * (relay/worker.c): 8 MiB past rmem_max with CAP_NET_ADMIN,
		 * else what rmem_max allows.  perf/bench_turn.sh saw a few
		 * datagrams in 10^5 dropped here with the default 208 KiB.
		 */
		int rb = 8 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb,
			       sizeof(rb)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb));
	}
	if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
		(void)sa_set_sa(&l->local, (struct sockaddr *)&ss);
	/*
	 * The socket is read by its data path (relay/turnfwd.h): on a media
	 * worker when there are workers, the sockets spread over them, each
	 * with the allocations made through it; else on this thread.
	 */
	err = lk_turnfwd_alloc(&l->fwd, t->base, t->cfg.nworkers ?
			       t->cfg.workers[t->nl % t->cfg.nworkers] : NULL,
			       t->peers, t->cfg.clockh, t->cfg.clock_arg,
			       ctl_input, t);
	if (!err) {
		lk_turnfwd_set_kturn(l->fwd, t->kt);
		err = lk_turnfwd_listen(l->fwd, fd, t->nl);
	}
	if (err) {
		mem_deref(l->fwd);
		l->fwd = NULL;
		close(fd);
		l->fd = -1;
		return err;
	}
	++t->nl;

	return 0;
}

void lk_turn_stats(const struct lk_turn *t, struct lk_turn_stats *st)
{
	struct lk_turnfwd_stats fs;
	unsigned i;

	if (!st)
		return;
	if (!t) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = t->st;
	/* The data paths' counters, summed on read. */
	memset(&fs, 0, sizeof(fs));
	for (i = 0; i < t->nl; i++)
		lk_turnfwd_stats_add(t->l[i].fwd, &fs);
	lk_turnfwd_stats_add(t->fwd_tcp, &fs);
	st->to_peer += fs.to_peer;
	st->to_client += fs.to_client;
	/* What the kernel relayed counts as relayed, and is shown apart. */
	if (t->kt) {
		struct lk_kturn_count kc;

		lk_kturn_totals(t->kt, &kc);
		st->to_peer += kc.to_peer;
		st->to_client += kc.to_client;
		st->kernel_to_peer = kc.to_peer;
		st->kernel_to_client = kc.to_client;
		st->kernel_entries = kc.entries;
	}
	st->denied_peers += fs.denied_peers;
	st->no_permission += fs.no_permission;
	st->malformed += fs.malformed;
	st->busy_dropped = fs.handoff_dropped;
	st->send_errors = fs.send_errors;
	st->recv_calls = fs.recv_calls;
	st->send_calls = fs.send_calls;
}
