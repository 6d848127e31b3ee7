/* tests/unit/relay/test_turnfwd.c  TURN's data path on a media worker: relaying, the checks, the hand-off to the control thread. */
#include <errno.h>
#include <poll.h>
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

#include "turnfwd.h"
#include "turnpeer.h"
#include "worker.h"

/*
 * A real worker thread reads the sockets here, so nothing is synchronous:
 * every check waits (up to WAIT_MS) for the datagram or the counter it
 * expects, and "nothing arrives" is checked after the worker has counted
 * the datagram it dropped.  Every socket is on 127.0.0.x with a port the
 * kernel picks.
 */
#define WAIT_MS		3000
#define CHAN		0x4001

struct ctx {
	struct event_base *ctl;
	struct lk_worker *w;
	struct lk_turnpeer *peers;
	struct lk_turnfwd *f;
	struct lk_turnfwd_alloc *fa;
	uint64_t now;			/* the TURN clock, ms (atomic) */
	int req, relay, cli, peer, bad;
	struct sa req_addr, relay_addr, cli_addr, peer_addr, bad_addr;
	/* What the control thread was handed. */
	unsigned handed;
	unsigned lidx;
	struct sa hsrc;
	uint8_t hbuf[64];
	size_t hlen;
};

static uint64_t test_clock(void *arg)
{
	return __atomic_load_n(&((struct ctx *)arg)->now, __ATOMIC_RELAXED);
}

static void clock_set(struct ctx *c, uint64_t ms)
{
	__atomic_store_n(&c->now, ms, __ATOMIC_RELAXED);
}

static int udp_socket(const char *ip, struct sa *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd, rb = 4 << 20;
	struct sa a;

	assert_int_equal(0, sa_set_str(&a, ip, 0));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb, sizeof(rb)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rb, sizeof(rb));
	assert_int_equal(0, bind(fd, &a.u.sa, a.len));
	assert_int_equal(0, getsockname(fd, (struct sockaddr *)&ss, &sl));
	assert_int_equal(0, sa_set_sa(addr, (struct sockaddr *)&ss));

	return fd;
}

static void ctl_h(void *arg, unsigned lidx, const struct sa *src,
		  const uint8_t *p, size_t len)
{
	struct ctx *c = arg;

	++c->handed;
	c->lidx = lidx;
	c->hsrc = *src;
	c->hlen = len < sizeof(c->hbuf) ? len : sizeof(c->hbuf);
	memcpy(c->hbuf, p, c->hlen);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->now = 1000000;
	c->ctl = event_base_new();
	assert_non_null(c->ctl);
	assert_int_equal(0, lk_worker_alloc(&c->w, 0));
	/* The built-in list denies 127.0.0.2; 127.0.0.1 is opened. */
	assert_int_equal(0, lk_turnpeer_alloc(&c->peers, "127.0.0.1", ""));
	c->req = udp_socket("127.0.0.1", &c->req_addr);
	c->relay = udp_socket("127.0.0.1", &c->relay_addr);
	c->cli = udp_socket("127.0.0.1", &c->cli_addr);
	c->peer = udp_socket("127.0.0.1", &c->peer_addr);
	c->bad = udp_socket("127.0.0.2", &c->bad_addr);
	assert_int_equal(0, lk_turnfwd_alloc(&c->f, c->ctl, c->w, c->peers,
					     test_clock, c, ctl_h, c));
	assert_int_equal(0, lk_turnfwd_listen(c->f, c->req, 3));
	assert_int_equal(0, lk_turnfwd_add(c->f, &c->fa, c->relay,
					   &c->cli_addr, NULL, NULL));
	*state = c;

	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	lk_turnfwd_del(c->f, c->fa);
	mem_deref(c->f);
	mem_deref(c->w);
	close(c->req);
	close(c->relay);
	close(c->cli);
	close(c->peer);
	close(c->bad);
	mem_deref(c->peers);
	event_base_free(c->ctl);
	free(c);

	return 0;
}

static struct lk_turnfwd_stats stats(struct ctx *c)
{
	struct lk_turnfwd_stats st;

	memset(&st, 0, sizeof(st));
	lk_turnfwd_stats_add(c->f, &st);

	return st;
}

/* Run the control loop until it was handed `want` datagrams in all. */
static void wait_handed(struct ctx *c, unsigned want)
{
	int i;

	for (i = 0; i < WAIT_MS && c->handed < want; i++) {
		event_base_loop(c->ctl, EVLOOP_NONBLOCK);
		if (c->handed < want)
			usleep(1000);
	}
}

#define WAIT_STAT(c, field, want) do {					\
	uint64_t v_ = 0;						\
	int i_;								\
	for (i_ = 0; i_ < WAIT_MS && v_ < (want); i_++) {		\
		v_ = stats(c).field;					\
		if (v_ < (want))					\
			usleep(1000);					\
	}								\
	assert_int_equal((want), stats(c).field);			\
} while (0)

static void send_to(int fd, const struct sa *to, const void *p, size_t len)
{
	assert_int_equal((ssize_t)len, sendto(fd, p, len, 0, &to->u.sa,
					      to->len));
}

/* A datagram on `fd` within WAIT_MS: its length, or -1. */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t sz, struct sa *from)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t r;

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return -1;
	r = recvfrom(fd, buf, sz, MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	if (r >= 0 && from)
		assert_int_equal(0, sa_set_sa(from, (struct sockaddr *)&ss));

	return r;
}

static bool nothing_queued(int fd)
{
	uint8_t b[16];

	return recv(fd, b, sizeof(b), MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

static void grant(struct ctx *c, const struct sa *peer, bool channel,
		  uint64_t lifetime_ms)
{
	struct lk_turnfwd_state st;

	memset(&st, 0, sizeof(st));
	st.perms[0].addr = *peer;
	sa_set_port(&st.perms[0].addr, 0);
	st.perms[0].expires = c->now + lifetime_ms;
	st.nperms = 1;
	if (channel) {
		st.chans[0].num = CHAN;
		st.chans[0].peer = *peer;
		st.chans[0].expires = c->now + lifetime_ms;
		st.nchans = 1;
	}
	assert_int_equal(0, lk_turnfwd_update(c->f, c->fa, &st));
}

static size_t channeldata(uint8_t *buf, uint16_t num, const char *s)
{
	size_t n = strlen(s);

	buf[0] = (uint8_t)(num >> 8);
	buf[1] = (uint8_t)num;
	buf[2] = 0;
	buf[3] = (uint8_t)n;
	memcpy(buf + 4, s, n);

	return 4 + n;
}

/* Requests go to the control thread with their socket number and source;
 * ChannelData never does. */
static void test_requests_handed_to_control(void **state)
{
	struct ctx *c = *state;
	uint8_t req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
	uint8_t cd[16];
	struct sa other;
	int o = udp_socket("127.0.0.1", &other);

	send_to(c->cli, &c->req_addr, req, sizeof(req));
	wait_handed(c, 1);
	assert_int_equal(1, c->handed);
	assert_int_equal(3, c->lidx);
	assert_true(sa_cmp(&c->hsrc, &c->cli_addr, SA_ALL));
	assert_int_equal(sizeof(req), c->hlen);
	assert_memory_equal(req, c->hbuf, sizeof(req));

	/* ChannelData of no allocation: dropped on the worker, silently. */
	send_to(o, &c->req_addr, cd, channeldata(cd, CHAN, "x"));
	send_to(c->cli, &c->req_addr, req, sizeof(req));
	wait_handed(c, 2);
	assert_int_equal(2, c->handed);
	assert_true(sa_cmp(&c->hsrc, &c->cli_addr, SA_ALL));
	assert_int_equal(0, stats(c).malformed);
	assert_int_equal(0, stats(c).to_peer);
	close(o);
}

/* ChannelData both ways once a channel is bound (RFC 8656 s.12). */
static void test_channel_both_ways(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[256];
	struct sa from;
	ssize_t n;

	grant(c, &c->peer_addr, true, 300000);
	send_to(c->cli, &c->req_addr, buf, channeldata(buf, CHAN, "hello"));
	n = recv_wait(c->peer, buf, sizeof(buf), &from);
	assert_int_equal(5, n);
	assert_memory_equal("hello", buf, 5);
	assert_true(sa_cmp(&from, &c->relay_addr, SA_ALL));

	send_to(c->peer, &c->relay_addr, "world", 5);
	n = recv_wait(c->cli, buf, sizeof(buf), &from);
	assert_int_equal(9, n);
	assert_int_equal(CHAN >> 8, buf[0]);
	assert_int_equal(CHAN & 0xff, buf[1]);
	assert_int_equal(5, buf[3]);
	assert_memory_equal("world", buf + 4, 5);
	assert_true(sa_cmp(&from, &c->req_addr, SA_ALL));
	assert_int_equal(1, stats(c).to_peer);
	assert_int_equal(1, stats(c).to_client);
	/* Counted after sendmmsg() returns, maybe after the datagram is in. */
	WAIT_STAT(c, send_calls, 2);
}

/* A permission without a channel: a Data indication (s.11.4). */
static void test_data_indication(void **state)
{
	struct ctx *c = *state;
	struct stun_attr *pa, *da;
	struct stun_msg *m = NULL;
	uint8_t buf[256];
	struct mbuf *mb;
	ssize_t n;

	grant(c, &c->peer_addr, false, 300000);
	send_to(c->peer, &c->relay_addr, "abcdefg", 7);
	n = recv_wait(c->cli, buf, sizeof(buf), NULL);
	assert_true(n > 20);
	mb = mbuf_alloc((size_t)n);
	assert_non_null(mb);
	assert_int_equal(0, mbuf_write_mem(mb, buf, (size_t)n));
	mb->pos = 0;
	assert_int_equal(0, stun_msg_decode(&m, mb, NULL));
	assert_int_equal(STUN_CLASS_INDICATION, stun_msg_class(m));
	assert_int_equal(STUN_METHOD_DATA, stun_msg_method(m));
	pa = stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR);
	da = stun_msg_attr(m, STUN_ATTR_DATA);
	assert_non_null(pa);
	assert_non_null(da);
	assert_true(sa_cmp(&pa->v.xor_peer_addr, &c->peer_addr, SA_ALL));
	assert_int_equal(7, mbuf_get_left(&da->v.data));
	assert_memory_equal("abcdefg", mbuf_buf(&da->v.data), 7);
	mem_deref(m);
	mem_deref(mb);
}

/* No permission, no channel: counted, nothing relayed either way. */
static void test_no_permission_dropped(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];

	send_to(c->peer, &c->relay_addr, "x", 1);
	WAIT_STAT(c, no_permission, 1);
	send_to(c->cli, &c->req_addr, buf, channeldata(buf, CHAN, "y"));
	WAIT_STAT(c, no_permission, 2);
	assert_true(nothing_queued(c->cli));
	assert_true(nothing_queued(c->peer));
	assert_int_equal(0, stats(c).to_peer);
	assert_int_equal(0, stats(c).to_client);
}

/*
 * The deny list holds on the data path too, whatever the permissions say:
 * 127.0.0.2 is in the built-in list.
 */
static void test_denied_peer_dropped(void **state)
{
	struct ctx *c = *state;

	grant(c, &c->bad_addr, true, 300000);
	send_to(c->bad, &c->relay_addr, "x", 1);
	WAIT_STAT(c, denied_peers, 1);
	assert_true(nothing_queued(c->cli));
	assert_int_equal(0, stats(c).to_client);
}

/* Expired in the TURN clock: dropped at once, before any sweep. */
static void test_expired_dropped(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];

	grant(c, &c->peer_addr, true, 1000);
	clock_set(c, c->now + 1000);
	send_to(c->peer, &c->relay_addr, "x", 1);
	WAIT_STAT(c, no_permission, 1);
	send_to(c->cli, &c->req_addr, buf, channeldata(buf, CHAN, "y"));
	WAIT_STAT(c, no_permission, 2);
	assert_true(nothing_queued(c->cli));
	assert_true(nothing_queued(c->peer));
}

/* Bad channel numbers and lengths are malformed, never relayed. */
static void test_malformed_channeldata(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];
	size_t n;

	grant(c, &c->peer_addr, true, 300000);
	send_to(c->cli, &c->req_addr, buf, channeldata(buf, 0x7fff, "y"));
	WAIT_STAT(c, malformed, 1);
	n = channeldata(buf, CHAN, "yy");
	buf[3] = 9;			/* longer than the datagram */
	send_to(c->cli, &c->req_addr, buf, n);
	WAIT_STAT(c, malformed, 2);
	assert_true(nothing_queued(c->peer));
	assert_int_equal(0, stats(c).to_peer);
}

/* After lk_turnfwd_del() the relay socket is not read any more. */
static void test_deleted_not_relayed(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];
	struct sa other;
	int o = udp_socket("127.0.0.1", &other);

	grant(c, &c->peer_addr, true, 300000);
	lk_turnfwd_del(c->f, c->fa);
	c->fa = NULL;
	send_to(c->peer, &c->relay_addr, "x", 1);
	send_to(c->cli, &c->req_addr, buf, channeldata(buf, CHAN, "y"));
	/* A datagram the worker must count after those two. */
	send_to(o, &c->req_addr, buf, channeldata(buf, 0x7fff, "z"));
	WAIT_STAT(c, malformed, 1);
	assert_true(nothing_queued(c->peer));
	assert_int_equal(0, stats(c).to_peer);
	assert_int_equal(0, stats(c).to_client);
	/* The relay socket still holds the peer's datagram: never read. */
	assert_int_equal(1, recv(c->relay, buf, sizeof(buf), MSG_DONTWAIT));
	close(o);
}

/* A Send indication to `peer` with `text`, FINGERPRINT if `fp`, and a
 * SOFTWARE attribute if `software`, from the client. */
static void send_ind(struct ctx *c, const struct sa *peer, const char *text,
		     bool fp, bool software)
{
	struct mbuf *mb = mbuf_alloc(256), *data = mbuf_alloc(64);
	uint8_t tid[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

	assert_non_null(mb);
	assert_non_null(data);
	assert_int_equal(0, mbuf_write_str(data, text));
	data->pos = 0;
	if (software)
		assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_SEND,
			STUN_CLASS_INDICATION, tid, NULL, NULL, 0, fp, 0, 3,
			STUN_ATTR_XOR_PEER_ADDR, peer, STUN_ATTR_DATA, data,
			STUN_ATTR_SOFTWARE, "test"));
	else
		assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_SEND,
			STUN_CLASS_INDICATION, tid, NULL, NULL, 0, fp, 0, 2,
			STUN_ATTR_XOR_PEER_ADDR, peer, STUN_ATTR_DATA, data));
	send_to(c->cli, &c->req_addr, mb->buf, mb->end);
	mem_deref(mb);
	mem_deref(data);
}

/*
 * Send indications (s.11.2) in the plain form are relayed on the worker,
 * with FINGERPRINT too; with a permission only; never to a denied peer.
 */
static void test_send_indication_on_worker(void **state)
{
	struct ctx *c = *state;
	uint8_t buf[64];
	struct sa from;

	send_ind(c, &c->peer_addr, "nope", false, false);
	WAIT_STAT(c, no_permission, 1);
	grant(c, &c->peer_addr, false, 300000);
	send_ind(c, &c->peer_addr, "one", false, false);
	assert_int_equal(3, recv_wait(c->peer, buf, sizeof(buf), &from));
	assert_memory_equal("one", buf, 3);
	assert_true(sa_cmp(&from, &c->relay_addr, SA_ALL));
	send_ind(c, &c->peer_addr, "two", true, false);
	assert_int_equal(3, recv_wait(c->peer, buf, sizeof(buf), NULL));
	assert_memory_equal("two", buf, 3);
	assert_int_equal(2, stats(c).to_peer);

	grant(c, &c->bad_addr, false, 300000);
	send_ind(c, &c->bad_addr, "bad", false, false);
	WAIT_STAT(c, denied_peers, 1);
	assert_true(nothing_queued(c->bad));
	/* None of them went to the control thread: a request after them,
	 * from the same socket, is the first it is handed. */
	{
		uint8_t req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4,
				   0x42};

		send_to(c->cli, &c->req_addr, req, sizeof(req));
		wait_handed(c, 1);
		assert_int_equal(1, c->handed);
		assert_memory_equal(req, c->hbuf, sizeof(req));
	}
}

/* Any other form goes to the control thread's decoder, untouched. */
static void test_send_indication_other_form_handed(void **state)
{
	struct ctx *c = *state;

	grant(c, &c->peer_addr, false, 300000);
	send_ind(c, &c->peer_addr, "sw", false, true);
	wait_handed(c, 1);
	assert_int_equal(1, c->handed);
	assert_true(nothing_queued(c->peer));
	assert_int_equal(0, stats(c).to_peer);
}

/* The parser against the forms it must refuse. */
static void test_send_parse(void **state)
{
	struct mbuf *mb = mbuf_alloc(256), *data = mbuf_alloc(16);
	uint8_t tid[12] = {0}, m[256];
	const uint8_t *d;
	struct sa peer, got;
	size_t dlen, n;

	(void)state;
	assert_int_equal(0, sa_set_str(&peer, "192.0.2.7", 4242));
	assert_int_equal(0, mbuf_write_str(data, "abc"));
	data->pos = 0;
	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_SEND,
		STUN_CLASS_INDICATION, tid, NULL, NULL, 0, true, 0, 2,
		STUN_ATTR_XOR_PEER_ADDR, &peer, STUN_ATTR_DATA, data));
	n = mb->end;
	memcpy(m, mb->buf, n);
	assert_int_equal(0, lk_turnfwd_send_parse(m, n, &got, &d, &dlen));
	assert_true(sa_cmp(&got, &peer, SA_ALL));
	assert_int_equal(3, dlen);
	assert_memory_equal("abc", d, 3);
	/* A flipped bit in the data: FINGERPRINT fails. */
	m[n - 10] ^= 1;
	assert_int_equal(EBADMSG, lk_turnfwd_send_parse(m, n, &got, &d,
							&dlen));
	m[n - 10] ^= 1;
	/* One octet short, a Binding request, no magic cookie. */
	assert_int_equal(EBADMSG, lk_turnfwd_send_parse(m, n - 1, &got, &d,
							&dlen));
	m[1] = 0x01;
	assert_int_equal(ENOENT, lk_turnfwd_send_parse(m, n, &got, &d,
						       &dlen));
	m[1] = 0x16;
	m[4] ^= 0xff;
	assert_int_equal(ENOENT, lk_turnfwd_send_parse(m, n, &got, &d,
						       &dlen));
	m[4] ^= 0xff;
	/* Without FINGERPRINT (header length shortened): still taken. */
	m[3] = (uint8_t)(m[3] - 8);
	assert_int_equal(0, lk_turnfwd_send_parse(m, n - 8, &got, &d, &dlen));
	mem_deref(mb);
	mem_deref(data);
}

/*
 * The hand-off queue is bounded: with the control thread not running,
 * LK_TURNFWD_HANDOFF_MAX requests wait and the rest are counted.
 */
static void test_handoff_bounded(void **state)
{
	struct ctx *c = *state;
	uint8_t req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
	unsigned i, extra = 50, total = LK_TURNFWD_HANDOFF_MAX + 50;

	for (i = 0; i < total; i++)
		send_to(c->cli, &c->req_addr, req, sizeof(req));
	WAIT_STAT(c, handoff_dropped, extra);
	wait_handed(c, LK_TURNFWD_HANDOFF_MAX);
	assert_int_equal(LK_TURNFWD_HANDOFF_MAX, c->handed);
	assert_int_equal(extra, stats(c).handoff_dropped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_requests_handed_to_control,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_both_ways, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_data_indication, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_permission_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_denied_peer_dropped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malformed_channeldata,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_deleted_not_relayed,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_handoff_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_send_indication_on_worker,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_send_indication_other_form_handed, setup,
			teardown),
		cmocka_unit_test(test_send_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
