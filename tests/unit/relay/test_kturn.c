/* tests/unit/relay/test_kturn.c  TURN's kernel fast path: the eBPF program on crafted packets, and the entries a data path keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#if defined(LK_KTURN_BPF_OBJ)

#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <event2/event.h>
#include <re.h>

#include "clock.h"
#include "kturn.h"
#include "turnfwd.h"
#include "turnpeer.h"
#include "worker.h"
#include "pktsum.h"

/*
 * Part one: relay/bpf/kturn.bpf.c loaded from the build (not attached)
 * and run by the kernel (BPF_PROG_TEST_RUN) on packets with full
 * checksums, which loopback never carries: the incremental updates are
 * checked against a recomputation here, as tests/unit/relay/test_kfwd.c
 * does for media.
 *
 * Part two: the loader (relay/kturn.c) attached to the lo of a network
 * namespace this process makes for itself (unshare), with a data path
 * (relay/turnfwd.c) on a real worker: ChannelData both ways through the
 * kernel, counted there and not by the worker; padding left to the
 * worker; the kernel's deadline; entries leaving on expiry and deletion.
 *
 * Both need root (CAP_BPF, CAP_SYS_ADMIN); skipped (77) without.
 */

static struct bpf_object *obj;
static int prog_fd = -1, map_fd = -1;
static unsigned ncpu;

#define RELAY	"127.0.0.1"
#define CLIENT	"127.0.0.5"
#define PEER	"127.0.0.7"
#define SPORT	3478	/* the request port */
#define RPORT	24000	/* the allocation's relay port */
#define CPORT	40000	/* the client's */
#define PPORT	5000	/* the peer's */
#define CHAN	0x4001

struct pkt {
	uint8_t b[4096];
	size_t len;
};

static void udp_fix(struct pkt *k)
{
	uint8_t *udp = k->b + 34;
	uint16_t c;

	udp[6] = udp[7] = 0;
	c = udp_check(k);
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/* Ethernet (zeroed), IPv4, UDP with a full checksum, `pl` as payload. */
static void pkt_make(struct pkt *k, const char *src, uint16_t sport,
		     const char *dst, uint16_t dport, const uint8_t *pl,
		     size_t plen)
{
	uint8_t *ip = k->b + 14, *udp = ip + 20;
	size_t ulen = 8 + plen;
	uint16_t c;

	memset(k, 0, sizeof(*k));
	k->b[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + ulen) >> 8);
	ip[3] = (uint8_t)(20 + ulen);
	ip[8] = 64;
	ip[9] = 17;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	memcpy(udp + 8, pl, plen);
	k->len = 14 + 20 + ulen;
	c = (uint16_t)~csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp_fix(k);
}

/* Application data of `n` octets, and the same as ChannelData. */
static size_t data_make(uint8_t *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 13 + 5);
	return n;
}

static size_t cd_make(uint8_t *d, uint16_t num, size_t n, size_t pad)
{
	d[0] = (uint8_t)(num >> 8);
	d[1] = (uint8_t)num;
	d[2] = (uint8_t)(n >> 8);
	d[3] = (uint8_t)n;
	data_make(d + 4, n);
	memset(d + 4 + n, 0, pad);
	return 4 + n + pad;
}

/* The client's channel CHAN to the peer, both entries, until `exp_ns`. */
static void entries_put(uint64_t exp_ns)
{
	struct lk_kturn_key key;
	struct lk_kturn_val *v = calloc(ncpu, sizeof(*v));
	unsigned i;

	assert_non_null(v);
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET, RELAY, &key.daddr);
	inet_pton(AF_INET, CLIENT, &key.saddr);
	key.dport = htons(SPORT);
	key.sport = htons(CPORT);
	key.chan = htons(CHAN);
	for (i = 0; i < ncpu; i++) {
		inet_pton(AF_INET, RELAY, &v[i].new_saddr);
		inet_pton(AF_INET, PEER, &v[i].new_daddr);
		v[i].new_sport = htons(RPORT);
		v[i].new_dport = htons(PPORT);
		v[i].expires_ns = exp_ns;
	}
	assert_int_equal(0, bpf_map_update_elem(map_fd, &key, v, BPF_ANY));
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET, RELAY, &key.daddr);
	inet_pton(AF_INET, PEER, &key.saddr);
	key.dport = htons(RPORT);
	key.sport = htons(PPORT);
	memset(v, 0, ncpu * sizeof(*v));
	for (i = 0; i < ncpu; i++) {
		inet_pton(AF_INET, RELAY, &v[i].new_saddr);
		inet_pton(AF_INET, CLIENT, &v[i].new_daddr);
		v[i].new_sport = htons(SPORT);
		v[i].new_dport = htons(CPORT);
		v[i].chan = htons(CHAN);
		v[i].expires_ns = exp_ns;
	}
	assert_int_equal(0, bpf_map_update_elem(map_fd, &key, v, BPF_ANY));
	free(v);
}

/* Packets and bytes the map counted, both directions. */
static void map_count(uint64_t *pkts, uint64_t *bytes)
{
	struct lk_kturn_key key, next;
	struct lk_kturn_val *v = calloc(ncpu, sizeof(*v));
	void *prev = NULL;
	unsigned i;

	assert_non_null(v);
	*pkts = *bytes = 0;
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		key = next;
		prev = &key;
		assert_int_equal(0, bpf_map_lookup_elem(map_fd, &key, v));
		for (i = 0; i < ncpu; i++) {
			*pkts += v[i].packets;
			*bytes += v[i].bytes;
		}
	}
	free(v);
}

static int run(const struct pkt *k, struct pkt *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k->b,
		    .data_size_in = (__u32)k->len, .data_out = out->b,
		    .data_size_out = sizeof(out->b), .repeat = 1);

	memset(out, 0, sizeof(*out));
	assert_int_equal(0, bpf_prog_test_run_opts(prog_fd, &o));
	out->len = o.data_size_out;
	return (int)o.retval;
}

static int prog_setup(void **state)
{
	struct bpf_program *p;
	int n = libbpf_num_possible_cpus();

	(void)state;
	if (n <= 0)
		return -1;
	ncpu = (unsigned)n;
	obj = bpf_object__open_file(LK_KTURN_BPF_OBJ, NULL);
	if (!obj || bpf_object__load(obj))
		return -1;
	p = bpf_object__find_program_by_name(obj, "lk_kturn_ingress");
	prog_fd = p ? bpf_program__fd(p) : -1;
	map_fd = bpf_object__find_map_fd_by_name(obj, "lk_kturn_map");
	if (prog_fd < 0 || map_fd < 0)
		return -1;
	entries_put(UINT64_MAX);

	return 0;
}

static int prog_teardown(void **state)
{
	(void)state;
	bpf_object__close(obj);
	return 0;
}

/*
 * Addresses, ports, lengths and both checksums of a forwarded packet; to
 * the peer the UDP checksum is absent (0, RFC 768: relay/bpf/kturn.bpf.c
 * says why), to the client it is right.
 */
static void assert_headers(const struct pkt *out, const char *src,
			   uint16_t sport, const char *dst, uint16_t dport)
{
	bool to_peer = !strcmp(dst, PEER);

	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, out->b + 26, a, sizeof(a));
	assert_string_equal(src, a);
	inet_ntop(AF_INET, out->b + 30, a, sizeof(a));
	assert_string_equal(dst, a);
	assert_int_equal(sport, out->b[34] << 8 | out->b[35]);
	assert_int_equal(dport, out->b[36] << 8 | out->b[37]);
	assert_int_equal(out->len - 14, out->b[16] << 8 | out->b[17]);
	assert_int_equal(out->len - 34, out->b[38] << 8 | out->b[39]);
	assert_int_equal(0, ip_check(out));
	if (to_peer)
		assert_int_equal(0, out->b[40] | out->b[41]);
	else
		assert_int_equal(0, udp_check(out));
}

/*
 * RFC 8656 s.12.5: the client's ChannelData leaves the relay port for the
 * peer as the bare data; the peer's datagram reaches the client from the
 * request port with the channel's header in front (no padding over UDP).
 * Odd and even lengths; checksums right; counted once each.
 */
static void channeldata_both_ways_with_right_checksums(void **state)
{
	static const size_t lens[] = {1, 2, 3, 160, 173, 1200};
	uint8_t d[8300];
	struct pkt k, out;
	uint64_t p0, b0, p1, b1;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i];

		map_count(&p0, &b0);
		pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
			 cd_make(d, CHAN, n, 0));
		assert_int_equal(0, udp_check(&k));
		assert_int_equal(TC_ACT_OK, run(&k, &out));
		assert_int_equal(k.len - 4, out.len);
		assert_headers(&out, RELAY, RPORT, PEER, PPORT);
		assert_memory_equal(k.b + 46, out.b + 42, n);

		pkt_make(&k, PEER, PPORT, RELAY, RPORT, d, data_make(d, n));
		assert_int_equal(TC_ACT_OK, run(&k, &out));
		assert_int_equal(k.len + 4, out.len);
		assert_headers(&out, RELAY, SPORT, CLIENT, CPORT);
		assert_int_equal(CHAN >> 8, out.b[42]);
		assert_int_equal(CHAN & 0xff, out.b[43]);
		assert_int_equal(n, (size_t)(out.b[44] << 8 | out.b[45]));
		assert_memory_equal(k.b + 42, out.b + 46, n);
		map_count(&p1, &b1);
		assert_int_equal(p0 + 2, p1);
		assert_int_equal(b0 + 2 * n, b1);
	}
}

/* A datagram without a UDP checksum (0, RFC 768) keeps none. */
static void zero_udp_checksum_stays_zero(void **state)
{
	uint8_t d[64];
	struct pkt k, out;

	(void)state;
	pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d, cd_make(d, CHAN, 21, 0));
	k.b[40] = k.b[41] = 0;
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	assert_int_equal(0, out.b[40] | out.b[41]);
	assert_int_equal(0, ip_check(&out));
	pkt_make(&k, PEER, PPORT, RELAY, RPORT, d, data_make(d, 21));
	k.b[40] = k.b[41] = 0;
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	assert_int_equal(0, out.b[40] | out.b[41]);
	assert_int_equal(0, ip_check(&out));
}

/*
 * Everything the worker must see passes on unchanged (TC_ACT_UNSPEC):
 * padded ChannelData (s.12.5: the worker strips it), a length past the
 * datagram, empty data, another channel, another client port, a request,
 * the peer from another port or to another relay port, an empty peer
 * datagram, a UDP length below its header, an IP length below the UDP
 * length, IP options, a fragment, TCP.  (The kernel's test runs take no
 * packet past a page: the 8192-octet limit is not tried here.)
 */
static void what_the_worker_must_see_passes_on(void **state)
{
	uint8_t d[9000];
	struct pkt k, out;
	unsigned i;

	(void)state;
	for (i = 0; i < 15; i++) {
		pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
			 cd_make(d, CHAN, 21, 0));
		switch (i) {
		case 0: pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
				 cd_make(d, CHAN, 21, 3)); break;
		case 1: pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
				 cd_make(d, CHAN, 21, 0) - 1); break;
		case 2: pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
				 cd_make(d, CHAN, 0, 0)); break;
		case 3: pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d,
				 cd_make(d, CHAN + 1, 21, 0)); break;
		case 4: pkt_make(&k, CLIENT, CPORT + 1, RELAY, SPORT, d,
				 cd_make(d, CHAN, 21, 0)); break;
		case 5: memset(d, 0, 20); d[1] = 1; d[4] = 0x21; d[5] = 0x12;
			d[6] = 0xa4; d[7] = 0x42;
			pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d, 20); break;
		case 6: pkt_make(&k, PEER, PPORT + 1, RELAY, RPORT, d,
				 data_make(d, 21)); break;
		case 7: pkt_make(&k, PEER, PPORT, RELAY, RPORT + 1, d,
				 data_make(d, 21)); break;
		case 8: pkt_make(&k, PEER, PPORT, RELAY, RPORT, d, 0); break;
		case 9: k.b[38] = 0; k.b[39] = 7; udp_fix(&k); break;
		case 10: k.b[17] = 40; break;	/* IP shorter than UDP */
		case 11: k.b[14] = 0x46; break;
		case 12: k.b[20] = 0x20; break;			/* MF */
		case 13: k.b[23] = 6; break;			/* TCP */
		case 14: pkt_make(&k, PEER, PPORT, RELAY, SPORT, d,
				  cd_make(d, CHAN, 21, 0)); break;
		}
		assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
		assert_int_equal(k.len, out.len);
		assert_memory_equal(k.b, out.b, k.len);
	}
}

/* Past the entry's deadline the worker decides (and counts). */
static void past_the_deadline_passes_on(void **state)
{
	uint8_t d[64];
	struct pkt k, out;

	(void)state;
	entries_put(1);
	pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d, cd_make(d, CHAN, 21, 0));
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
	pkt_make(&k, PEER, PPORT, RELAY, RPORT, d, data_make(d, 21));
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
	entries_put(UINT64_MAX);
	assert_int_equal(TC_ACT_OK, run(&k, &out));
}

/* A truncated packet is never forwarded nor read past its end. */
static void truncated_packets_pass_on(void **state)
{
	uint8_t d[64];
	struct pkt k, out;
	size_t len;

	(void)state;
	pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d, cd_make(d, CHAN, 40, 0));
	for (len = 14; len < k.len; len++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k.b,
			    .data_size_in = (__u32)len, .data_out = out.b,
			    .data_size_out = sizeof(out.b), .repeat = 1);

		if (bpf_prog_test_run_opts(prog_fd, &o))
			continue;
		assert_int_equal(TC_ACT_UNSPEC, (int)o.retval);
	}
}

/* Random ChannelData headers and lengths: unchanged or right, never more. */
static void random_input_never_breaks_a_checksum(void **state)
{
	uint8_t d[600];
	struct pkt k, out;
	unsigned i, fwd = 0;

	(void)state;
	srandom(12);
	for (i = 0; i < 3000; i++) {
		size_t n = (size_t)(random() % 500), j;
		int r;

		cd_make(d, CHAN, n, 0);
		for (j = 0; j < 4; j++) {
			if (random() % 3 == 0)
				d[j] = (uint8_t)random();
		}
		if (random() & 1)
			pkt_make(&k, CLIENT, CPORT, RELAY, SPORT, d, 4 + n);
		else
			pkt_make(&k, PEER, PPORT, RELAY, RPORT, d, n);
		r = run(&k, &out);
		assert_true(r == TC_ACT_OK || r == TC_ACT_UNSPEC);
		if (r == TC_ACT_OK) {
			++fwd;
			assert_int_equal(0, ip_check(&out));
			if (out.b[30 + 3] == 7)		/* to PEER */
				assert_int_equal(0, out.b[40] | out.b[41]);
			else
				assert_int_equal(0, udp_check(&out));
			assert_int_equal(out.len - 14,
					 out.b[16] << 8 | out.b[17]);
			assert_int_equal(out.len - 34,
					 out.b[38] << 8 | out.b[39]);
		}
		else
			assert_memory_equal(k.b, out.b, k.len);
	}
	assert_true(fwd > 500);
}

/* ---- Part two: the loader and a data path, in a namespace of our own ---- */

#define WAIT_MS		3000

struct ctx {
	struct event_base *ctl;
	struct lk_worker *w;
	struct lk_turnpeer *peers;
	struct lk_kturn *kt;
	struct lk_turnfwd *f;
	struct lk_turnfwd_alloc *fa;
	uint64_t now;			/* the TURN clock, ms (atomic) */
	int req, relay, cli, peer;
	struct sa req_addr, relay_addr, cli_addr, peer_addr;
};

static uint64_t test_clock(void *arg)
{
	return __atomic_load_n(&((struct ctx *)arg)->now, __ATOMIC_RELAXED);
}

static int udp_socket(struct sa *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sa a;
	int fd;

	assert_int_equal(0, sa_set_str(&a, "127.0.0.1", 0));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(0, bind(fd, &a.u.sa, a.len));
	assert_int_equal(0, getsockname(fd, (struct sockaddr *)&ss, &sl));
	assert_int_equal(0, sa_set_sa(addr, (struct sockaddr *)&ss));

	return fd;
}

static void ctl_h(void *arg, unsigned lidx, const struct sa *src,
		  const uint8_t *p, size_t len)
{
	(void)arg;
	(void)lidx;
	(void)src;
	(void)p;
	(void)len;
}

static int path_setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	char why[200];

	assert_non_null(c);
	c->now = 1000000;
	c->ctl = event_base_new();
	assert_non_null(c->ctl);
	assert_int_equal(0, lk_kturn_alloc(&c->kt, "127.0.0.1", why,
					   sizeof(why)));
	assert_int_equal(0, lk_worker_alloc(&c->w, 0));
	assert_int_equal(0, lk_turnpeer_alloc(&c->peers, "127.0.0.1", ""));
	c->req = udp_socket(&c->req_addr);
	c->relay = udp_socket(&c->relay_addr);
	c->cli = udp_socket(&c->cli_addr);
	c->peer = udp_socket(&c->peer_addr);
	assert_int_equal(0, lk_turnfwd_alloc(&c->f, c->ctl, c->w, c->peers,
					     test_clock, c, ctl_h, c));
	lk_turnfwd_set_kturn(c->f, c->kt);
	assert_int_equal(0, lk_turnfwd_listen(c->f, c->req, 0));
	assert_int_equal(0, lk_turnfwd_add(c->f, &c->fa, c->relay,
					   &c->cli_addr, NULL, NULL));
	*state = c;

	return 0;
}

static int path_teardown(void **state)
{
	struct ctx *c = *state;

	if (c->fa)
		lk_turnfwd_del(c->f, c->fa);
	mem_deref(c->f);
	mem_deref(c->w);
	mem_deref(c->kt);
	close(c->req);
	close(c->relay);
	close(c->cli);
	close(c->peer);
	mem_deref(c->peers);
	event_base_free(c->ctl);
	free(c);

	return 0;
}

static struct lk_turnfwd_stats fstats(struct ctx *c)
{
	struct lk_turnfwd_stats st;

	memset(&st, 0, sizeof(st));
	lk_turnfwd_stats_add(c->f, &st);

	return st;
}

static struct lk_kturn_count kstats(struct ctx *c)
{
	struct lk_kturn_count kc;

	lk_kturn_totals(c->kt, &kc);
	return kc;
}

/* A permission (and a channel) for the peer, `perm_ms` and `chan_ms`. */
static struct lk_turnfwd_state grant(struct ctx *c, uint64_t perm_ms,
				     uint64_t chan_ms)
{
	struct lk_turnfwd_state st;

	memset(&st, 0, sizeof(st));
	st.perms[0].addr = c->peer_addr;
	sa_set_port(&st.perms[0].addr, 0);
	st.perms[0].expires = c->now + perm_ms;
	st.nperms = 1;
	st.chans[0].num = CHAN;
	st.chans[0].peer = c->peer_addr;
	st.chans[0].expires = c->now + chan_ms;
	st.nchans = 1;
	assert_int_equal(0, lk_turnfwd_update(c->f, c->fa, &st));

	return st;
}

static void send_to(int fd, const struct sa *to, const void *p, size_t len)
{
	assert_int_equal((ssize_t)len, sendto(fd, p, len, 0, &to->u.sa,
					      to->len));
}

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

/* The worker's counter `field` reaches `want` within WAIT_MS. */
#define WAIT_FSTAT(c, field, want) do {					\
	int i_;								\
	for (i_ = 0; i_ < WAIT_MS && fstats(c).field < (want); i_++)	\
		usleep(1000);						\
	assert_int_equal((want), fstats(c).field);			\
} while (0)

/*
 * A channel with a permission: two entries; ChannelData both ways
 * arrives as the worker would send it, counted by the kernel, never
 * seen by the worker; padded ChannelData still goes through the worker.
 */
static void channel_relayed_in_the_kernel(void **state)
{
	struct ctx *c = *state;
	uint8_t b[256], d[256];
	struct sa from;
	ssize_t n;

	grant(c, 300000, 600000);
	assert_int_equal(2, kstats(c).entries);

	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 100, 0));
	n = recv_wait(c->peer, d, sizeof(d), &from);
	assert_int_equal(100, n);
	assert_memory_equal(b + 4, d, 100);
	assert_true(sa_cmp(&from, &c->relay_addr, SA_ALL));

	send_to(c->peer, &c->relay_addr, d, data_make(d, 37));
	n = recv_wait(c->cli, b, sizeof(b), &from);
	assert_int_equal(41, n);
	assert_int_equal(CHAN, b[0] << 8 | b[1]);
	assert_int_equal(37, b[2] << 8 | b[3]);
	assert_memory_equal(d, b + 4, 37);
	assert_true(sa_cmp(&from, &c->req_addr, SA_ALL));

	assert_int_equal(1, kstats(c).to_peer);
	assert_int_equal(1, kstats(c).to_client);
	assert_int_equal(100, kstats(c).bytes_to_peer);
	assert_int_equal(37, kstats(c).bytes_to_client);
	assert_int_equal(0, fstats(c).to_peer);
	assert_int_equal(0, fstats(c).to_client);

	/* Padded to 4 (allowed over UDP, s.12.5): the worker's. */
	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 37, 3));
	n = recv_wait(c->peer, d, sizeof(d), &from);
	assert_int_equal(37, n);
	WAIT_FSTAT(c, to_peer, 1);
	assert_int_equal(1, kstats(c).to_peer);
}

/*
 * Expiry: once the TURN clock passes the permission's time, the sweep's
 * sync takes both entries out (what they counted stays in the totals)
 * and the worker applies its rules as it always did; a refresh puts them
 * back.  The kernel's own deadline stops an entry the sync has not
 * reached yet: the worker then relays it, by its clock.
 */
static void expiry_removes_the_entries(void **state)
{
	struct ctx *c = *state;
	struct lk_turnfwd_state st;
	uint8_t b[256], d[256];
	ssize_t n;

	st = grant(c, 300000, 600000);
	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 50, 0));
	assert_int_equal(50, recv_wait(c->peer, d, sizeof(d), NULL));
	assert_int_equal(1, kstats(c).to_peer);

	/* The sweep's call: nothing before the first expiry, then out. */
	__atomic_store_n(&c->now, c->now + 299999, __ATOMIC_RELAXED);
	lk_turnfwd_kernel_expire(c->f, c->fa, &st);
	assert_int_equal(2, kstats(c).entries);
	__atomic_store_n(&c->now, c->now + 1, __ATOMIC_RELAXED);
	lk_turnfwd_kernel_expire(c->f, c->fa, &st);
	assert_int_equal(0, kstats(c).entries);
	assert_int_equal(1, kstats(c).to_peer);
	/* The worker's rules again: the peer's data dropped ... */
	send_to(c->peer, &c->relay_addr, d, data_make(d, 50));
	WAIT_FSTAT(c, no_permission, 1);
	assert_int_equal(-1, recv(c->cli, b, sizeof(b), MSG_DONTWAIT));
	/* ... and the client's relayed on its live channel (turnfwd.c). */
	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 50, 0));
	assert_int_equal(50, recv_wait(c->peer, d, sizeof(d), NULL));
	WAIT_FSTAT(c, to_peer, 1);

	/* Refreshed: back in the kernel. */
	st = grant(c, 300000, 600000);
	assert_int_equal(2, kstats(c).entries);
	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 50, 0));
	assert_int_equal(50, recv_wait(c->peer, d, sizeof(d), NULL));
	assert_int_equal(2, kstats(c).to_peer);

	/* 150 ms of real time for the permission: the kernel stops then. */
	st = grant(c, 150, 600000);
	assert_int_equal(2, kstats(c).entries);
	usleep(250000);
	send_to(c->cli, &c->req_addr, b, cd_make(b, CHAN, 50, 0));
	n = recv_wait(c->peer, d, sizeof(d), NULL);
	assert_int_equal(50, n);
	WAIT_FSTAT(c, to_peer, 2);
	assert_int_equal(2, kstats(c).to_peer);
}

/* Deleting the allocation takes its entries out before anything else. */
static void deletion_removes_the_entries(void **state)
{
	struct ctx *c = *state;

	grant(c, 300000, 600000);
	assert_int_equal(2, kstats(c).entries);
	lk_turnfwd_del(c->f, c->fa);
	c->fa = NULL;
	assert_int_equal(0, kstats(c).entries);
}

/* A channel to a peer without a permission is never in the kernel. */
static void no_permission_no_entry(void **state)
{
	struct ctx *c = *state;
	struct lk_turnfwd_state st;

	memset(&st, 0, sizeof(st));
	st.chans[0].num = CHAN;
	st.chans[0].peer = c->peer_addr;
	st.chans[0].expires = c->now + 600000;
	st.nchans = 1;
	assert_int_equal(0, lk_turnfwd_update(c->f, c->fa, &st));
	assert_int_equal(0, kstats(c).entries);
}

/* A namespace of this process's own, its lo up: nothing else is touched. */
static int own_netns(void)
{
	struct ifreq ifr;
	int s;

	if (unshare(CLONE_NEWNET))
		return errno;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		close(s);
		return errno;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		close(s);
		return errno;
	}
	close(s);

	return 0;
}

int main(void)
{
	const struct CMUnitTest prog[] = {
		cmocka_unit_test(channeldata_both_ways_with_right_checksums),
		cmocka_unit_test(zero_udp_checksum_stays_zero),
		cmocka_unit_test(what_the_worker_must_see_passes_on),
		cmocka_unit_test(past_the_deadline_passes_on),
		cmocka_unit_test(truncated_packets_pass_on),
		cmocka_unit_test(random_input_never_breaks_a_checksum),
	};
	const struct CMUnitTest path[] = {
		cmocka_unit_test_setup_teardown(channel_relayed_in_the_kernel,
						path_setup, path_teardown),
		cmocka_unit_test_setup_teardown(expiry_removes_the_entries,
						path_setup, path_teardown),
		cmocka_unit_test_setup_teardown(deletion_removes_the_entries,
						path_setup, path_teardown),
		cmocka_unit_test_setup_teardown(no_permission_no_entry,
						path_setup, path_teardown),
	};
	struct bpf_object *probe;
	char why[200];
	struct lk_kturn *kt = NULL;
	int err;

	libbpf_set_print(NULL);
	probe = bpf_object__open_file(LK_KTURN_BPF_OBJ, NULL);
	if (!probe || bpf_object__load(probe)) {
		fprintf(stderr, "skipped: cannot load %s: %s\n",
			LK_KTURN_BPF_OBJ, strerror(errno));
		bpf_object__close(probe);
		return 77;
	}
	bpf_object__close(probe);
	err = cmocka_run_group_tests_name("program", prog, prog_setup,
					  prog_teardown);
	if (err)
		return err;

	/* Attached only inside the namespace made here. */
	err = own_netns();
	if (err) {
		fprintf(stderr, "skipped: no network namespace of our own: "
			"%s\n", strerror(err));
		return 77;
	}
	if (lk_kturn_alloc(&kt, "127.0.0.1", why, sizeof(why))) {
		fprintf(stderr, "skipped: %s\n", why);
		return 77;
	}
	mem_deref(kt);

	if (getenv("KT_FILTER"))
		cmocka_set_test_filter(getenv("KT_FILTER"));
	return cmocka_run_group_tests_name("loader", path, NULL, NULL);
}

#else

int main(void)
{
	fprintf(stderr, "skipped: built without kernel forwarding\n");
	return 77;
}

#endif
