/* tests/unit/relay/test_turn.c  The TURN server's behaviour, over loopback sockets, with a test clock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>
#include <event2/event.h>
#include <re.h>

#include "turn.h"
#include "turnauth.h"

/*
 * Relay ports of these tests: 8 ports (4 pairs) on 127.0.0.1, which ctest
 * runs in a network namespace of its own (tests/CMakeLists.txt).
 */
#define RELAY_START	39100
#define RELAY_END	39107
#define NG_PORT		39199	/* stands for the ng port: an own socket */

struct ctx {
	struct event_base *base;
	struct lk_turn *turn;
	struct lk_turn_conf cfg;
	uint64_t now;			/* the test clock, ms */
	int server;			/* the server's socket (fd given away) */
	struct sa server_addr;
	int peer;			/* a peer on 127.0.0.1 */
	struct sa peer_addr;
	int ng;				/* a socket on the "ng port" */
	/* The last response. */
	uint8_t buf[4096];
	size_t len;
	struct stun_msg *msg;
};

/* One client of the server: its socket and credentials. */
struct client {
	int fd;
	const char *username;
	uint8_t key[LK_TURNAUTH_KEY_LEN];
	char nonce[64];
};

static uint64_t test_clock(void *arg)
{
	return ((struct ctx *)arg)->now;
}

/* Every socket of a test on this address: "::1" for the IPv6 test. */
static const char *host = "127.0.0.1";

static int udp_socket(struct sa *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sa a;
	int fd;

	assert_int_equal(0, sa_set_str(&a, host, port));
	fd = socket(sa_af(&a), SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(0, bind(fd, &a.u.sa, a.len));
	assert_int_equal(0, getsockname(fd, (struct sockaddr *)&ss, &sl));
	if (addr)
		assert_int_equal(0, sa_set_sa(addr, (struct sockaddr *)&ss));

	return fd;
}

static void start(struct ctx *c)
{
	assert_int_equal(0, lk_turn_add_socket(c->turn,
		udp_socket(&c->server_addr, 0)));
}

/* A context whose server configuration `tweak` may change first. */
static struct ctx *ctx_new(void (*tweak)(struct lk_turn_conf *cfg))
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct lk_turn_conf *cfg;
	char err[256] = "";

	assert_non_null(c);
	c->base = event_base_new();
	assert_non_null(c->base);
	c->now = 1000000;
	c->ng = udp_socket(NULL, NG_PORT);
	c->peer = udp_socket(&c->peer_addr, 0);
	cfg = &c->cfg;
	cfg->address = host;
	cfg->relay = (struct lk_range){RELAY_START, RELAY_END};
	cfg->cooldown = 0;
	cfg->order = LK_PORT_ORDER_SEQUENTIAL;
	cfg->realm = "lab";
	cfg->users = "alice:pw1, bob:pw2";
	cfg->secret = "s3cr3t";
	cfg->allowed = "127.0.0.1";
	cfg->denied = "";
	cfg->per_user = 0;
	cfg->total = 0;
	cfg->max_lifetime = 3600;
	cfg->default_lifetime = 600;
	cfg->perm_lifetime = 300;
	cfg->channel_lifetime = 600;
	cfg->reservation_lifetime = 30;
	cfg->nonce_lifetime = 600;
	cfg->perms_max = 4;
	cfg->channels_max = 4;
	cfg->sweep_ms = 3600000;	/* the test sweeps by hand */
	assert_int_equal(0, sa_set_str(&cfg->own[0], host, NG_PORT));
	cfg->nown = 1;
	cfg->clockh = test_clock;
	cfg->clock_arg = c;
	if (tweak)
		tweak(cfg);
	assert_int_equal(0, lk_turn_alloc(&c->turn, c->base, cfg, err,
					  sizeof(err)));
	start(c);

	return c;
}

static void ctx_free(struct ctx *c)
{
	mem_deref(c->turn);
	mem_deref(c->msg);
	close(c->peer);
	close(c->ng);
	event_base_free(c->base);
	free(c);
}

/* Let the server read whatever is queued; loopback UDP is synchronous. */
static void pump(struct ctx *c)
{
	int i;

	for (i = 0; i < 4; i++)
		event_base_loop(c->base, EVLOOP_NONBLOCK);
}

static ssize_t recv_now(int fd, uint8_t *buf, size_t sz, struct sa *from)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t r;

	r = recvfrom(fd, buf, sz, MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	if (r >= 0 && from)
		assert_int_equal(0, sa_set_sa(from, (struct sockaddr *)&ss));

	return r;
}

static struct client *client_new(const char *username, const char *pw)
{
	struct client *cl = calloc(1, sizeof(*cl));

	assert_non_null(cl);
	cl->fd = udp_socket(NULL, 0);
	cl->username = username;
	assert_int_equal(0, lk_turnauth_ha1(cl->key, username, "lab", pw));

	return cl;
}

static void client_free(struct client *cl)
{
	close(cl->fd);
	free(cl);
}

static void send_raw(struct ctx *c, int fd, const uint8_t *p, size_t len)
{
	assert_int_equal((ssize_t)len, sendto(fd, p, len, 0,
		&c->server_addr.u.sa, c->server_addr.len));
}

/* Take the response to the last request; 0 success, else its code. */
static int response(struct ctx *c, int fd)
{
	struct stun_attr *ec;
	struct mbuf *mb;
	ssize_t r;

	pump(c);
	c->msg = mem_deref(c->msg);
	r = recv_now(fd, c->buf, sizeof(c->buf), NULL);
	if (r < 0)
		return -1;	/* no response at all */
	c->len = (size_t)r;
	mb = mbuf_alloc(c->len);
	assert_int_equal(0, mbuf_write_mem(mb, c->buf, c->len));
	mb->pos = 0;
	assert_int_equal(0, stun_msg_decode(&c->msg, mb, NULL));
	mem_deref(mb);
	if (stun_msg_class(c->msg) == STUN_CLASS_SUCCESS_RESP)
		return 0;
	ec = stun_msg_attr(c->msg, STUN_ATTR_ERR_CODE);
	assert_non_null(ec);

	return ec->v.err_code.code;
}

/* Up to four attributes of a request, as for stun_msg_encode(); libre
 * skips a NULL value. */
struct attrs {
	uint16_t type[4];
	const void *v[4];
};

/*
 * Send a request of `method`: with `auth`, USERNAME, REALM and NONCE of
 * `cl` and MESSAGE-INTEGRITY computed by libre (independent of the
 * server's own check).  `tid` NULL: a random transaction ID.  Returns 0
 * for success or the error code (-1: no response).
 */
static int send_request(struct ctx *c, struct client *cl, uint16_t method,
			bool auth, const uint8_t *tid, const struct attrs *a)
{
	struct mbuf *mb = mbuf_alloc(512);
	uint8_t t[12];
	int err;

	if (tid)
		memcpy(t, tid, 12);
	else
		rand_bytes(t, sizeof(t));
	assert_non_null(mb);
	err = stun_msg_encode(mb, method, STUN_CLASS_REQUEST, t, NULL,
			      auth ? cl->key : NULL, auth ? sizeof(cl->key) : 0,
			      false, 0, 7,
			      STUN_ATTR_USERNAME, auth ? cl->username : NULL,
			      STUN_ATTR_REALM, auth ? "lab" : NULL,
			      STUN_ATTR_NONCE, auth ? cl->nonce : NULL,
			      a->type[0], a->v[0], a->type[1], a->v[1],
			      a->type[2], a->v[2], a->type[3], a->v[3]);
	assert_int_equal(0, err);
	send_raw(c, cl->fd, mb->buf, mb->end);
	mem_deref(mb);

	return response(c, cl->fd);
}

/* An authenticated request; a 401 first to learn the nonce if need be. */
static int request_attrs(struct ctx *c, struct client *cl, uint16_t method,
			 const struct attrs *a)
{
	struct stun_attr *n;
	int r;

	if (!cl->nonce[0]) {
		r = send_request(c, cl, method, false, NULL, a);
		assert_int_equal(401, r);
		n = stun_msg_attr(c->msg, STUN_ATTR_NONCE);
		assert_non_null(n);
		assert_non_null(stun_msg_attr(c->msg, STUN_ATTR_REALM));
		assert_null(stun_msg_attr(c->msg, STUN_ATTR_MSG_INTEGRITY));
		snprintf(cl->nonce, sizeof(cl->nonce), "%s", n->v.nonce);
	}

	return send_request(c, cl, method, true, NULL, a);
}

static int request(struct ctx *c, struct client *cl, uint16_t method,
		   uint32_t attrc, ...)
{
	struct attrs a;
	va_list ap;
	uint32_t i;

	memset(&a, 0, sizeof(a));
	assert_true(attrc <= 4);
	va_start(ap, attrc);
	for (i = 0; i < attrc; i++) {
		a.type[i] = (uint16_t)va_arg(ap, int);
		a.v[i] = va_arg(ap, const void *);
	}
	va_end(ap);
	/* Unused slots: a type libre knows, with no value. */
	for (; i < 4; i++)
		a.type[i] = STUN_ATTR_SOFTWARE;

	return request_attrs(c, cl, method, &a);
}

static const uint8_t udp = IPPROTO_UDP;

static int allocate(struct ctx *c, struct client *cl)
{
	return request(c, cl, STUN_METHOD_ALLOCATE, 1,
		       STUN_ATTR_REQ_TRANSPORT, &udp);
}

static struct sa relayed(struct ctx *c)
{
	struct stun_attr *a = stun_msg_attr(c->msg, STUN_ATTR_XOR_RELAY_ADDR);

	assert_non_null(a);

	return a->v.xor_relay_addr;
}

static int permit(struct ctx *c, struct client *cl, const char *addr,
		  uint16_t port)
{
	struct sa p;

	assert_int_equal(0, sa_set_str(&p, addr, port));

	return request(c, cl, STUN_METHOD_CREATEPERM, 1,
		       STUN_ATTR_XOR_PEER_ADDR, &p);
}

static int chanbind(struct ctx *c, struct client *cl, uint16_t num,
		    const struct sa *peer)
{
	return request(c, cl, STUN_METHOD_CHANBIND, 2,
		       STUN_ATTR_CHANNEL_NUMBER, &num, STUN_ATTR_XOR_PEER_ADDR,
		       peer);
}

static int refresh(struct ctx *c, struct client *cl, uint32_t lifetime)
{
	return request(c, cl, STUN_METHOD_REFRESH, 1, STUN_ATTR_LIFETIME,
		       &lifetime);
}

static void send_indication(struct ctx *c, struct client *cl,
			    const struct sa *peer, const char *text)
{
	struct mbuf *mb = mbuf_alloc(256), *data = mbuf_alloc(64);
	uint8_t tid[12];

	rand_bytes(tid, sizeof(tid));
	assert_int_equal(0, mbuf_write_str(data, text));
	data->pos = 0;
	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_SEND,
		STUN_CLASS_INDICATION, tid, NULL, NULL, 0, false, 0, 2,
		STUN_ATTR_XOR_PEER_ADDR, peer, STUN_ATTR_DATA, data));
	send_raw(c, cl->fd, mb->buf, mb->end);
	mem_deref(mb);
	mem_deref(data);
	pump(c);
}

static struct lk_turn_stats stats(struct ctx *c)
{
	struct lk_turn_stats st;

	lk_turn_stats(c->turn, &st);

	return st;
}

/* ---- The tests ---- */

static void binding_answers_with_xor_mapped_address(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct stun_attr *xa;
	struct attrs none;
	struct sa me;

	(void)state;
	memset(&none, 0, sizeof(none));
	none.type[0] = none.type[1] = none.type[2] = none.type[3] =
		STUN_ATTR_SOFTWARE;
	/* No credentials needed. */
	assert_int_equal(0, send_request(c, cl, STUN_METHOD_BINDING, false,
					 NULL, &none));
	assert_int_equal(0, getsockname(cl->fd, (struct sockaddr *)&ss, &sl));
	assert_int_equal(0, sa_set_sa(&me, (struct sockaddr *)&ss));
	xa = stun_msg_attr(c->msg, STUN_ATTR_XOR_MAPPED_ADDR);
	assert_non_null(xa);
	assert_true(sa_cmp(&me, &xa->v.xor_mapped_addr, SA_ALL));
	assert_int_equal(1, stats(c).bindings);
	client_free(cl);
	ctx_free(c);
}

static void allocate_needs_credentials_and_the_right_password(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "wrong");
	struct client *ok = client_new("alice", "pw1");
	struct client *who = client_new("mallory", "pw1");

	(void)state;
	assert_int_equal(401, allocate(c, cl));	/* learns the nonce: 401 */
	assert_int_equal(401, allocate(c, who));
	assert_int_equal(2, stats(c).auth_failures);
	assert_int_equal(0, stats(c).allocations);
	assert_int_equal(0, allocate(c, ok));
	assert_non_null(stun_msg_attr(c->msg, STUN_ATTR_MSG_INTEGRITY));
	assert_non_null(stun_msg_attr(c->msg, STUN_ATTR_XOR_MAPPED_ADDR));
	assert_non_null(stun_msg_attr(c->msg, STUN_ATTR_LIFETIME));
	assert_int_equal(600, stun_msg_attr(c->msg, STUN_ATTR_LIFETIME)
			 ->v.lifetime);
	assert_int_equal(1, stats(c).allocations);
	client_free(cl);
	client_free(ok);
	client_free(who);
	ctx_free(c);
}

/*
 * Amplification: an unauthenticated source gets at most 20 challenges a
 * second (docs/turn.md); the rest go unanswered and are counted.  Another
 * source has its own budget, and the next second brings a new one.
 */
static void challenges_are_limited_per_source_and_second(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *a = client_new("alice", "pw1");
	struct client *b = client_new("bob", "pw2");
	int i, answered = 0;

	(void)state;
	for (i = 0; i < 50; i++) {
		a->nonce[0] = '\0';
		if (send_request(c, a, STUN_METHOD_ALLOCATE, false, NULL,
				 &(struct attrs){{STUN_ATTR_REQ_TRANSPORT,
				 STUN_ATTR_SOFTWARE, STUN_ATTR_SOFTWARE,
				 STUN_ATTR_SOFTWARE}, {&udp}}) == 401)
			++answered;
	}
	assert_int_equal(20, answered);
	assert_int_equal(30, stats(c).challenges_limited);
	/* Another client on the same IP shares its budget. */
	assert_int_equal(-1, send_request(c, b, STUN_METHOD_ALLOCATE, false,
		NULL, &(struct attrs){{STUN_ATTR_REQ_TRANSPORT,
		STUN_ATTR_SOFTWARE, STUN_ATTR_SOFTWARE, STUN_ATTR_SOFTWARE},
		{&udp}}));
	c->now += 1000;
	assert_int_equal(401, send_request(c, b, STUN_METHOD_ALLOCATE, false,
		NULL, &(struct attrs){{STUN_ATTR_REQ_TRANSPORT,
		STUN_ATTR_SOFTWARE, STUN_ATTR_SOFTWARE, STUN_ATTR_SOFTWARE},
		{&udp}}));
	/* With credentials, a client that learned its nonce is unaffected. */
	assert_int_equal(0, allocate(c, b));
	client_free(a);
	client_free(b);
	ctx_free(c);
}

static void a_stale_or_foreign_nonce_gets_438(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *a = client_new("alice", "pw1");
	struct client *b = client_new("bob", "pw2");

	(void)state;
	assert_int_equal(0, allocate(c, a));
	/* 601 s later the nonce is stale: 438 with a new one, no MI. */
	c->now += 601000;
	assert_int_equal(438, refresh(c, a, 600));
	assert_null(stun_msg_attr(c->msg, STUN_ATTR_MSG_INTEGRITY));
	snprintf(a->nonce, sizeof(a->nonce), "%s",
		 stun_msg_attr(c->msg, STUN_ATTR_NONCE)->v.nonce);
	assert_int_equal(0, refresh(c, a, 600));
	/* A nonce changed by one digit of its MAC is stale too (that it is
	 * bound to the client's address: test_turnauth.c). */
	snprintf(b->nonce, sizeof(b->nonce), "%s", a->nonce);
	b->nonce[12] = b->nonce[12] == 'a' ? 'b' : 'a';
	assert_int_equal(438, allocate(c, b));
	assert_int_equal(2, stats(c).stale_nonces);
	client_free(a);
	client_free(b);
	ctx_free(c);
}

static void second_allocate_from_the_same_tuple_gets_437(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	struct attrs a;
	uint8_t tid[12];

	(void)state;
	memset(&a, 0, sizeof(a));
	a.type[0] = STUN_ATTR_REQ_TRANSPORT;
	a.v[0] = &udp;
	a.type[1] = a.type[2] = a.type[3] = STUN_ATTR_SOFTWARE;
	assert_int_equal(401, send_request(c, cl, STUN_METHOD_ALLOCATE, false,
					   NULL, &a));
	snprintf(cl->nonce, sizeof(cl->nonce), "%s",
		 stun_msg_attr(c->msg, STUN_ATTR_NONCE)->v.nonce);
	rand_bytes(tid, sizeof(tid));
	assert_int_equal(0, send_request(c, cl, STUN_METHOD_ALLOCATE, true,
					 tid, &a));
	/* The same transaction again is a retransmission: same answer. */
	assert_int_equal(0, send_request(c, cl, STUN_METHOD_ALLOCATE, true,
					 tid, &a));
	assert_int_equal(437, allocate(c, cl));
	assert_int_equal(1, stats(c).allocations);
	client_free(cl);
	ctx_free(c);
}

static void allocate_attribute_errors(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	static const uint8_t tcp = IPPROTO_TCP, v6 = 0x02, v4 = 0x01;
	struct stun_even_port ep = {false};
	uint64_t token = 12345;

	(void)state;
	/* No REQUESTED-TRANSPORT: 400; TCP: 442. */
	assert_int_equal(400, request(c, cl, STUN_METHOD_ALLOCATE, 0));
	assert_int_equal(442, request(c, cl, STUN_METHOD_ALLOCATE, 1,
				      STUN_ATTR_REQ_TRANSPORT, &tcp));
	/* An IPv6 relay from an IPv4 server: 440. */
	assert_int_equal(440, request(c, cl, STUN_METHOD_ALLOCATE, 2,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_REQ_ADDR_FAMILY, &v6));
	/* RESERVATION-TOKEN with EVEN-PORT or an address family: 400. */
	assert_int_equal(400, request(c, cl, STUN_METHOD_ALLOCATE, 3,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_RSV_TOKEN, &token,
				      STUN_ATTR_EVEN_PORT, &ep));
	assert_int_equal(400, request(c, cl, STUN_METHOD_ALLOCATE, 3,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_RSV_TOKEN, &token,
				      STUN_ATTR_REQ_ADDR_FAMILY, &v4));
	/* A token nobody was given: 508. */
	assert_int_equal(508, request(c, cl, STUN_METHOD_ALLOCATE, 2,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_RSV_TOKEN, &token));
	/* IPv4 asked for explicitly, DONT-FRAGMENT: fine. */
	assert_int_equal(0, request(c, cl, STUN_METHOD_ALLOCATE, 3,
				    STUN_ATTR_REQ_TRANSPORT, &udp,
				    STUN_ATTR_REQ_ADDR_FAMILY, &v4,
				    STUN_ATTR_DONT_FRAGMENT, &udp));
	assert_int_equal(0, stats(c).auth_failures);
	client_free(cl);
	ctx_free(c);
}

static void unknown_required_attribute_gets_420(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	/* A Binding request with attribute 0x0031 (comprehension-required,
	 * unassigned), length 0. */
	const uint8_t req[] = {
		0x00, 0x01, 0x00, 0x04, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
		0x00, 0x31, 0x00, 0x00,
	};
	struct stun_attr *ua;

	(void)state;
	send_raw(c, cl->fd, req, sizeof(req));
	assert_int_equal(420, response(c, cl->fd));
	ua = stun_msg_attr(c->msg, STUN_ATTR_UNKNOWN_ATTR);
	assert_non_null(ua);
	assert_int_equal(1, ua->v.unknown_attr.typec);
	assert_int_equal(0x0031, ua->v.unknown_attr.typev[0]);
	client_free(cl);
	ctx_free(c);
}

static void malformed_input_is_counted_and_dropped(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	const uint8_t junk[] = {0xff, 0x00, 0x01};
	const uint8_t shortcd[] = {0x40, 0x00};
	const uint8_t badlen[] = {
		0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42,
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	};

	(void)state;
	send_raw(c, cl->fd, junk, sizeof(junk));
	assert_int_equal(-1, response(c, cl->fd));
	send_raw(c, cl->fd, shortcd, sizeof(shortcd));
	assert_int_equal(-1, response(c, cl->fd));
	send_raw(c, cl->fd, badlen, sizeof(badlen));
	assert_int_equal(-1, response(c, cl->fd));
	assert_int_equal(3, stats(c).malformed);
	client_free(cl);
	ctx_free(c);
}

static void refresh_errors_and_lifetime_zero_releases_the_port(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *a = client_new("alice", "pw1");
	struct client *b = client_new("bob", "pw2");
	static const uint8_t v6 = 0x02;
	struct sa relay;
	int fd;

	(void)state;
	assert_int_equal(437, refresh(c, a, 600));
	assert_int_equal(0, allocate(c, a));
	relay = relayed(c);
	assert_true(sa_port(&relay) >= RELAY_START &&
		    sa_port(&relay) <= RELAY_END);
	/* Longer than the maximum is cut to it. */
	assert_int_equal(0, refresh(c, a, 999999));
	assert_int_equal(3600, stun_msg_attr(c->msg, STUN_ATTR_LIFETIME)
			 ->v.lifetime);
	assert_int_equal(443, request(c, a, STUN_METHOD_REFRESH, 1,
				      STUN_ATTR_REQ_ADDR_FAMILY, &v6));
	/* Bob cannot touch Alice's allocation: 441.  He has to use her
	 * 5-tuple for that: swap the sockets. */
	{
		int keep = b->fd;

		b->fd = a->fd;
		assert_int_equal(441, refresh(c, b, 600));
		b->fd = keep;
	}
	/* The relay port is bound until LIFETIME 0 deletes at once. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(-1, bind(fd, &relay.u.sa, relay.len));
	assert_int_equal(0, refresh(c, a, 0));
	assert_int_equal(0, stun_msg_attr(c->msg, STUN_ATTR_LIFETIME)
			 ->v.lifetime);
	assert_int_equal(0, stats(c).allocations);
	assert_int_equal(0, bind(fd, &relay.u.sa, relay.len));
	close(fd);
	assert_int_equal(437, refresh(c, a, 600));
	client_free(a);
	client_free(b);
	ctx_free(c);
}

static void even_port_with_r_reserves_the_next_port(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *a = client_new("alice", "pw1");
	struct client *b = client_new("alice", "pw1");
	struct stun_even_port ep = {true};
	struct stun_attr *tok;
	uint64_t token;
	struct sa ra, rb;

	(void)state;
	assert_int_equal(0, request(c, a, STUN_METHOD_ALLOCATE, 2,
				    STUN_ATTR_REQ_TRANSPORT, &udp,
				    STUN_ATTR_EVEN_PORT, &ep));
	ra = relayed(c);
	assert_int_equal(0, sa_port(&ra) % 2);
	tok = stun_msg_attr(c->msg, STUN_ATTR_RSV_TOKEN);
	assert_non_null(tok);
	token = tok->v.rsv_token;
	assert_int_equal(0, request(c, b, STUN_METHOD_ALLOCATE, 2,
				    STUN_ATTR_REQ_TRANSPORT, &udp,
				    STUN_ATTR_RSV_TOKEN, &token));
	rb = relayed(c);
	assert_int_equal(sa_port(&ra) + 1, sa_port(&rb));
	/* A token is used once. */
	assert_int_equal(0, refresh(c, b, 0));
	assert_int_equal(508, request(c, b, STUN_METHOD_ALLOCATE, 2,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_RSV_TOKEN, &token));
	client_free(a);
	client_free(b);
	ctx_free(c);
}

static void denied_peers_get_403_and_family_443(void **state)
{
	static const char *const denied[] = {
		"0.0.0.0", "127.0.0.2", "::ffff:127.0.0.2", "::ffff:0.0.0.0",
		"10.1.2.3", "192.168.1.1", "169.254.169.254", "224.0.0.1",
		"255.255.255.255", "::1", "::", "fe80::1", "fc00::1",
		"64:ff9b::7f00:2", "2002:7f00:2::1",
	};
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	unsigned i;
	uint16_t ch = 0x4001;
	struct sa p;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	for (i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		if (permit(c, cl, denied[i], 5000) != 403)
			fail_msg("CreatePermission to %s was not 403",
				 denied[i]);
		assert_int_equal(0, sa_set_str(&p, denied[i], 5000));
		if (chanbind(c, cl, ch, &p) != 403)
			fail_msg("ChannelBind to %s was not 403", denied[i]);
	}
	/* The ng port: denied although 127.0.0.1 is allowed. */
	assert_int_equal(403, permit(c, cl, "127.0.0.1", NG_PORT));
	/* Allowed, public, other family: 443; allowed v4: fine. */
	assert_int_equal(443, permit(c, cl, "2001:db8::1", 5000));
	assert_int_equal(0, permit(c, cl, "192.0.2.1", 5000));
	assert_int_equal(0, permit(c, cl, "127.0.0.1", 5000));
	assert_int_equal(2 * 15 + 1, stats(c).denied_peers);
	client_free(cl);
	ctx_free(c);
}

static void channel_numbers_and_conflicts(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	struct sa p1, p2;

	(void)state;
	assert_int_equal(0, sa_set_str(&p1, "192.0.2.1", 5000));
	assert_int_equal(0, sa_set_str(&p2, "192.0.2.2", 5000));
	assert_int_equal(437, chanbind(c, cl, 0x4000, &p1));
	assert_int_equal(0, allocate(c, cl));
	assert_int_equal(400, chanbind(c, cl, 0x3fff, &p1));
	assert_int_equal(400, chanbind(c, cl, 0x7fff, &p1));
	assert_int_equal(400, chanbind(c, cl, 0xffff, &p1));
	assert_int_equal(0, chanbind(c, cl, 0x4000, &p1));
	assert_int_equal(0, chanbind(c, cl, 0x4000, &p1));	/* refresh */
	assert_int_equal(400, chanbind(c, cl, 0x4000, &p2));	/* number */
	assert_int_equal(400, chanbind(c, cl, 0x4001, &p1));	/* peer */
	assert_int_equal(0, chanbind(c, cl, 0x4fff, &p2));
	client_free(cl);
	ctx_free(c);
}

static void data_flows_only_with_a_permission(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	uint8_t buf[256], cd[16] = {0x40, 0x02, 0x00, 0x05, 'h', 'e', 'l',
				    'l', 'o'};
	struct stun_attr *da;
	struct stun_msg *m = NULL;
	struct mbuf *mb;
	struct sa relay, from;
	ssize_t r;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	relay = relayed(c);
	/* The peer sends before any permission: dropped. */
	assert_int_equal(3, sendto(c->peer, "one", 3, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	assert_true(recv_now(cl->fd, buf, sizeof(buf), NULL) < 0);
	assert_int_equal(1, stats(c).no_permission);
	/* A Send indication without a permission: nothing arrives. */
	send_indication(c, cl, &c->peer_addr, "two");
	assert_true(recv_now(c->peer, buf, sizeof(buf), NULL) < 0);
	assert_int_equal(2, stats(c).no_permission);
	/* With a permission (for the IP: any port of it). */
	assert_int_equal(0, permit(c, cl, "127.0.0.1", 1));
	send_indication(c, cl, &c->peer_addr, "three");
	r = recv_now(c->peer, buf, sizeof(buf), &from);
	assert_int_equal(5, r);
	assert_memory_equal("three", buf, 5);
	assert_true(sa_cmp(&from, &relay, SA_ALL));
	assert_int_equal(4, sendto(c->peer, "four", 4, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	r = recv_now(cl->fd, buf, sizeof(buf), NULL);
	assert_true(r > 20);
	mb = mbuf_alloc((size_t)r);
	assert_int_equal(0, mbuf_write_mem(mb, buf, (size_t)r));
	mb->pos = 0;
	assert_int_equal(0, stun_msg_decode(&m, mb, NULL));
	assert_int_equal(STUN_CLASS_INDICATION, stun_msg_class(m));
	assert_int_equal(STUN_METHOD_DATA, stun_msg_method(m));
	assert_true(sa_cmp(&stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR)
			   ->v.xor_peer_addr, &c->peer_addr, SA_ALL));
	da = stun_msg_attr(m, STUN_ATTR_DATA);
	assert_int_equal(4, mbuf_get_left(&da->v.data));
	assert_memory_equal("four", mbuf_buf(&da->v.data), 4);
	m = mem_deref(m);
	mem_deref(mb);
	/* A channel: ChannelData both ways. */
	assert_int_equal(0, chanbind(c, cl, 0x4002, &c->peer_addr));
	send_raw(c, cl->fd, cd, 9);
	pump(c);
	r = recv_now(c->peer, buf, sizeof(buf), NULL);
	assert_int_equal(5, r);
	assert_memory_equal("hello", buf, 5);
	assert_int_equal(2, sendto(c->peer, "hi", 2, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	r = recv_now(cl->fd, buf, sizeof(buf), NULL);
	assert_int_equal(6, r);
	assert_memory_equal("\x40\x02\x00\x02hi", buf, 6);
	/* ChannelData on an unbound channel: dropped. */
	cd[1] = 0x03;
	send_raw(c, cl->fd, cd, 9);
	pump(c);
	assert_true(recv_now(c->peer, buf, sizeof(buf), NULL) < 0);
	client_free(cl);
	ctx_free(c);
}

static void oversized_peer_datagrams_are_dropped_whole(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	static uint8_t big[9000];
	uint8_t buf[16];
	struct sa relay;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	relay = relayed(c);
	assert_int_equal(0, permit(c, cl, "127.0.0.1", 1));
	assert_int_equal(sizeof(big), sendto(c->peer, big, sizeof(big), 0,
					     &relay.u.sa, relay.len));
	pump(c);
	assert_true(recv_now(cl->fd, buf, sizeof(buf), NULL) < 0);
	assert_int_equal(1, stats(c).malformed);
	assert_int_equal(0, stats(c).to_client);
	client_free(cl);
	ctx_free(c);
}

static void send_to_an_own_socket_never_arrives(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	uint8_t buf[64];
	struct sa ng, ng6;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	/* A permission for 127.0.0.1 covers every port of it ... */
	assert_int_equal(0, permit(c, cl, "127.0.0.1", 1));
	/* ... but never the ng port, in any form. */
	assert_int_equal(0, sa_set_str(&ng, "127.0.0.1", NG_PORT));
	assert_int_equal(0, sa_set_str(&ng6, "::ffff:127.0.0.1", NG_PORT));
	send_indication(c, cl, &ng, "bad");
	send_indication(c, cl, &ng6, "bad");
	assert_true(recv_now(c->ng, buf, sizeof(buf), NULL) < 0);
	assert_int_equal(2, stats(c).denied_peers);
	assert_int_equal(400, chanbind(c, cl, 0x3000, &ng));
	assert_int_equal(403, chanbind(c, cl, 0x4000, &ng));
	client_free(cl);
	ctx_free(c);
}

static void permissions_channels_and_allocations_expire(void **state)
{
	struct ctx *c = ctx_new(NULL);
	struct client *cl = client_new("alice", "pw1");
	uint8_t buf[64];
	const uint8_t cd[] = {0x40, 0x00, 0x00, 0x01, 'x'};
	struct sa relay;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	relay = relayed(c);
	assert_int_equal(0, permit(c, cl, "127.0.0.1", 1));
	/* 299 s: the permission holds. */
	c->now += 299000;
	lk_turn_sweep(c->turn);
	assert_int_equal(1, sendto(c->peer, "a", 1, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	assert_true(recv_now(cl->fd, buf, sizeof(buf), NULL) > 0);
	/* 301 s: gone (RFC 8656 s.9: 300 s). */
	c->now += 2000;
	lk_turn_sweep(c->turn);
	assert_int_equal(1, sendto(c->peer, "a", 1, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	assert_true(recv_now(cl->fd, buf, sizeof(buf), NULL) < 0);
	/* A channel lives 600 s and keeps its permission fresh. */
	assert_int_equal(0, refresh(c, cl, 3600));
	assert_int_equal(0, chanbind(c, cl, 0x4000, &c->peer_addr));
	c->now += 599000;
	send_raw(c, cl->fd, cd, sizeof(cd));
	pump(c);
	assert_int_equal(1, recv_now(c->peer, buf, sizeof(buf), NULL));
	c->now += 2000;
	lk_turn_sweep(c->turn);
	send_raw(c, cl->fd, cd, sizeof(cd));
	pump(c);
	assert_true(recv_now(c->peer, buf, sizeof(buf), NULL) < 0);
	/* The allocation: 3600 s from its last refresh. */
	assert_int_equal(1, stats(c).allocations);
	c->now += 3600000;
	lk_turn_sweep(c->turn);
	assert_int_equal(0, stats(c).allocations);
	client_free(cl);
	ctx_free(c);
}

static void per_user(struct lk_turn_conf *cfg)
{
	cfg->per_user = 2;
	cfg->total = 3;
}

static void quotas_per_user_and_in_total(void **state)
{
	struct ctx *c = ctx_new(per_user);
	struct client *cl[5];
	unsigned i;

	(void)state;
	for (i = 0; i < 5; i++)
		cl[i] = client_new(i < 3 ? "alice" : "bob", i < 3 ? "pw1" :
				   "pw2");
	assert_int_equal(0, allocate(c, cl[0]));
	assert_int_equal(0, allocate(c, cl[1]));
	assert_int_equal(486, allocate(c, cl[2]));
	assert_int_equal(0, allocate(c, cl[3]));
	assert_int_equal(508, allocate(c, cl[4]));
	assert_int_equal(2, stats(c).quota);
	/* Room again once one goes. */
	assert_int_equal(0, refresh(c, cl[0], 0));
	assert_int_equal(0, allocate(c, cl[4]));
	for (i = 0; i < 5; i++)
		client_free(cl[i]);
	ctx_free(c);
}

static void perms_max(struct lk_turn_conf *cfg)
{
	cfg->perms_max = 2;
	cfg->channels_max = 1;
	cfg->allowed = "192.0.2.0/24";
}

static void permission_and_channel_caps_get_508(void **state)
{
	struct ctx *c = ctx_new(perms_max);
	struct client *cl = client_new("alice", "pw1");
	struct sa p1, p2;

	(void)state;
	assert_int_equal(0, allocate(c, cl));
	assert_int_equal(0, permit(c, cl, "192.0.2.1", 1));
	assert_int_equal(0, permit(c, cl, "192.0.2.2", 1));
	assert_int_equal(0, permit(c, cl, "192.0.2.2", 1));	/* refresh */
	assert_int_equal(508, permit(c, cl, "192.0.2.3", 1));
	assert_int_equal(0, sa_set_str(&p1, "192.0.2.1", 9));
	assert_int_equal(0, sa_set_str(&p2, "192.0.2.2", 9));
	assert_int_equal(0, chanbind(c, cl, 0x4000, &p1));
	assert_int_equal(508, chanbind(c, cl, 0x4001, &p2));
	client_free(cl);
	ctx_free(c);
}

static void cooling(struct lk_turn_conf *cfg)
{
	cfg->total = 100;	/* more than the range: the range runs out */
	cfg->cooldown = 10;
}

static void the_relay_range_runs_out_with_508(void **state)
{
	struct ctx *c = ctx_new(cooling);
	struct client *cl[9];
	uint16_t seen[9];
	unsigned i, j;

	(void)state;
	for (i = 0; i < 9; i++)
		cl[i] = client_new("alice", "pw1");
	/* 8 ports: 8 allocations, each its own port. */
	for (i = 0; i < 8; i++) {
		struct sa r;

		assert_int_equal(0, allocate(c, cl[i]));
		r = relayed(c);
		seen[i] = sa_port(&r);
		for (j = 0; j < i; j++)
			assert_int_not_equal(seen[j], seen[i]);
	}
	assert_int_equal(508, allocate(c, cl[8]));
	assert_int_equal(1, stats(c).exhausted);
	assert_int_equal(0, stats(c).quota);
	/*
	 * Deallocating gives the pair back when both halves are done, and
	 * it cools down first (Media > Port cool-down).
	 */
	assert_int_equal(0, refresh(c, cl[0], 0));
	assert_int_equal(0, refresh(c, cl[1], 0));
	assert_int_equal(508, allocate(c, cl[8]));
	c->now += 10000;
	assert_int_equal(0, allocate(c, cl[8]));
	for (i = 0; i < 9; i++)
		client_free(cl[i]);
	ctx_free(c);
}

static void rest_credentials(void **state)
{
	struct ctx *c = ctx_new(NULL);
	char user[64], pw[32];
	struct client *ok, *old;

	(void)state;
	snprintf(user, sizeof(user), "%lld:carol",
		 (long long)time(NULL) + 3600);
	assert_int_equal(0, lk_turnauth_rest_password(pw, sizeof(pw),
						      "s3cr3t", user));
	ok = client_new(user, pw);
	assert_int_equal(0, allocate(c, ok));
	assert_int_equal(0, lk_turnauth_rest_password(pw, sizeof(pw),
						      "s3cr3t", "1000:carol"));
	old = client_new("1000:carol", pw);
	assert_int_equal(401, allocate(c, old));
	assert_int_equal(1, stats(c).auth_failures);
	client_free(ok);
	client_free(old);
	ctx_free(c);
}

static void ipv6(struct lk_turn_conf *cfg)
{
	cfg->allowed = "::1";
}

/* The IPv6 relay: XOR-RELAYED-ADDRESS, and the Data indication's
 * XOR-PEER-ADDRESS built by hand (XOR with the transaction ID), checked
 * by libre's decoder. */
static void ipv6_relay_and_data_indication(void **state)
{
	struct ctx *c;
	struct client *cl;
	static const uint8_t v4 = 0x01, v6 = 0x02;
	struct stun_msg *m = NULL;
	struct stun_attr *pa, *da;
	uint8_t buf[256];
	struct mbuf *mb;
	struct sa relay;
	ssize_t r;

	(void)state;
	host = "::1";
	c = ctx_new(ipv6);
	cl = client_new("alice", "pw1");
	assert_int_equal(440, request(c, cl, STUN_METHOD_ALLOCATE, 2,
				      STUN_ATTR_REQ_TRANSPORT, &udp,
				      STUN_ATTR_REQ_ADDR_FAMILY, &v4));
	assert_int_equal(0, request(c, cl, STUN_METHOD_ALLOCATE, 2,
				    STUN_ATTR_REQ_TRANSPORT, &udp,
				    STUN_ATTR_REQ_ADDR_FAMILY, &v6));
	relay = relayed(c);
	assert_int_equal(AF_INET6, sa_af(&relay));
	assert_true(sa_port(&relay) >= RELAY_START &&
		    sa_port(&relay) <= RELAY_END);
	assert_int_equal(443, permit(c, cl, "192.0.2.1", 1));
	assert_int_equal(403, permit(c, cl, "::ffff:127.0.0.1", 1));
	assert_int_equal(0, permit(c, cl, "::1", 1));
	send_indication(c, cl, &c->peer_addr, "six");
	r = recv_now(c->peer, buf, sizeof(buf), NULL);
	assert_int_equal(3, r);
	assert_int_equal(5, sendto(c->peer, "seven", 5, 0, &relay.u.sa,
				   relay.len));
	pump(c);
	r = recv_now(cl->fd, buf, sizeof(buf), NULL);
	assert_true(r > 20);
	mb = mbuf_alloc((size_t)r);
	assert_int_equal(0, mbuf_write_mem(mb, buf, (size_t)r));
	mb->pos = 0;
	assert_int_equal(0, stun_msg_decode(&m, mb, NULL));
	pa = stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR);
	assert_non_null(pa);
	assert_true(sa_cmp(&pa->v.xor_peer_addr, &c->peer_addr, SA_ALL));
	da = stun_msg_attr(m, STUN_ATTR_DATA);
	assert_int_equal(5, mbuf_get_left(&da->v.data));
	assert_memory_equal("seven", mbuf_buf(&da->v.data), 5);
	mem_deref(m);
	mem_deref(mb);
	client_free(cl);
	ctx_free(c);
	host = "127.0.0.1";
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(binding_answers_with_xor_mapped_address),
		cmocka_unit_test(allocate_needs_credentials_and_the_right_password),
		cmocka_unit_test(a_stale_or_foreign_nonce_gets_438),
		cmocka_unit_test(challenges_are_limited_per_source_and_second),
		cmocka_unit_test(second_allocate_from_the_same_tuple_gets_437),
		cmocka_unit_test(allocate_attribute_errors),
		cmocka_unit_test(unknown_required_attribute_gets_420),
		cmocka_unit_test(malformed_input_is_counted_and_dropped),
		cmocka_unit_test(refresh_errors_and_lifetime_zero_releases_the_port),
		cmocka_unit_test(even_port_with_r_reserves_the_next_port),
		cmocka_unit_test(denied_peers_get_403_and_family_443),
		cmocka_unit_test(channel_numbers_and_conflicts),
		cmocka_unit_test(data_flows_only_with_a_permission),
		cmocka_unit_test(oversized_peer_datagrams_are_dropped_whole),
		cmocka_unit_test(send_to_an_own_socket_never_arrives),
		cmocka_unit_test(permissions_channels_and_allocations_expire),
		cmocka_unit_test(quotas_per_user_and_in_total),
		cmocka_unit_test(permission_and_channel_caps_get_508),
		cmocka_unit_test(the_relay_range_runs_out_with_508),
		cmocka_unit_test(rest_credentials),
		cmocka_unit_test(ipv6_relay_and_data_indication),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
