/* perf/bench_turn.c  TURN relay load: N allocations, ChannelData both ways, packets/s and relay CPU per packet. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <re.h>

#include "turnauth.h"

/*
 * Run by perf/bench_turn.sh against latchkeyd and against coturn's
 * turnserver in turn, with the same arguments.  Set-up: N allocations, each
 * from its own client socket (long-term credentials, realm from the 401),
 * each with a channel to its own peer socket.  Load: for `seconds`, every
 * client sends ChannelData and every peer a datagram to its relayed
 * address, round-robin, paced to `rate` datagrams/s in all; everything that
 * comes back is read.  Printed: offered and relayed datagrams/s, loss, and
 * with --pid the relay's CPU time (utime + stime of /proc/PID/stat) per
 * relayed datagram over the same window; always this generator's own
 * (`gen`) and the two together (`sum`).
 *
 * The generator sleeps between bursts (epoll_pwait2 until the next one is
 * due) rather than spinning, so its CPU time is its work: sends, receives
 * and, on loopback, the kernel's delivery of what it sends, which runs in
 * its context (softirq on the sending CPU; with tick accounting, as on
 * these machines, charged to it).  That is where forwarding in the kernel
 * happens (relay/bpf/kturn.bpf.c), so `sum` is the fair figure: -d runs
 * the same load with each client and its peer talking directly (no relay)
 * and gives the baseline to subtract (perf/bench_turn.sh).
 */

#define PAYLOAD 160	/* a 20 ms G.711 frame */

struct alloc {
	int cli, peer;
	struct sa relay;
	struct sa cli_addr, peer_addr;	/* -d: each other's target */
	uint16_t chan;
};

static struct sa server;
static const char *user = "bench", *password = "bench";
static char realm[128], nonce[128];
static uint8_t key[LK_TURNAUTH_KEY_LEN];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);

	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int udp_socket(struct sa *local)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sa a;
	int fd, sz = 1 << 20;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || sa_set_str(&a, "127.0.0.1", 0) ||
	    bind(fd, &a.u.sa, a.len) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (local && !getsockname(fd, (struct sockaddr *)&ss, &sl))
		(void)sa_set_sa(local, (struct sockaddr *)&ss);

	return fd;
}

/* One transaction: returns 0 for success, the error code, or -1. */
static int transact(int fd, uint16_t method, bool auth, struct stun_msg **mp,
		    uint32_t attrc, uint16_t t1, const void *v1, uint16_t t2,
		    const void *v2)
{
	struct mbuf *mb = mbuf_alloc(512);
	uint8_t tid[12], buf[2048];
	struct pollfd pfd = {fd, POLLIN, 0};
	struct stun_attr *ec;
	ssize_t r;
	int err;

	rand_bytes(tid, sizeof(tid));
	err = stun_msg_encode(mb, method, STUN_CLASS_REQUEST, tid, NULL,
			      auth ? key : NULL, auth ? sizeof(key) : 0, false,
			      0, 5, STUN_ATTR_USERNAME, auth ? user : NULL,
			      STUN_ATTR_REALM, auth ? realm : NULL,
			      STUN_ATTR_NONCE, auth ? nonce : NULL, t1,
			      attrc > 0 ? v1 : NULL, t2, attrc > 1 ? v2 : NULL);
	if (err || sendto(fd, mb->buf, mb->end, 0, &server.u.sa,
			  server.len) < 0) {
		mem_deref(mb);
		return -1;
	}
	mem_deref(mb);
	if (poll(&pfd, 1, 2000) != 1)
		return -1;
	r = recv(fd, buf, sizeof(buf), 0);
	if (r < 20)
		return -1;
	mb = mbuf_alloc((size_t)r);
	(void)mbuf_write_mem(mb, buf, (size_t)r);
	mb->pos = 0;
	err = stun_msg_decode(mp, mb, NULL);
	mem_deref(mb);
	if (err)
		return -1;
	if (stun_msg_class(*mp) == STUN_CLASS_SUCCESS_RESP)
		return 0;
	ec = stun_msg_attr(*mp, STUN_ATTR_ERR_CODE);

	return ec ? ec->v.err_code.code : -1;
}

static int setup(struct alloc *a, unsigned i)
{
	static const uint8_t udp = IPPROTO_UDP;
	struct stun_msg *m = NULL;
	struct sa peer;
	int r;

	a->cli = udp_socket(&a->cli_addr);
	a->peer = udp_socket(&peer);
	if (a->cli < 0 || a->peer < 0)
		return -1;
	a->peer_addr = peer;
	if (!sa_isset(&server, SA_ALL))
		return 0;	/* -d: no relay */
	r = transact(a->cli, STUN_METHOD_ALLOCATE, nonce[0] != 0, &m, 1,
		     STUN_ATTR_REQ_TRANSPORT, &udp, STUN_ATTR_SOFTWARE, NULL);
	if (r == 401 || r == 438) {
		/* Realm and nonce from the challenge; the key from them. */
		snprintf(realm, sizeof(realm), "%s",
			 stun_msg_attr(m, STUN_ATTR_REALM)->v.realm);
		snprintf(nonce, sizeof(nonce), "%s",
			 stun_msg_attr(m, STUN_ATTR_NONCE)->v.nonce);
		lk_turnauth_ha1(key, user, realm, password);
		m = mem_deref(m);
		r = transact(a->cli, STUN_METHOD_ALLOCATE, true, &m, 1,
			     STUN_ATTR_REQ_TRANSPORT, &udp, STUN_ATTR_SOFTWARE,
			     NULL);
	}
	if (r) {
		fprintf(stderr, "bench_turn: Allocate %u: %d\n", i, r);
		mem_deref(m);
		return -1;
	}
	a->relay = stun_msg_attr(m, STUN_ATTR_XOR_RELAY_ADDR)
		->v.xor_relay_addr;
	m = mem_deref(m);
	a->chan = (uint16_t)(0x4000 + i % 0x1000);
	r = transact(a->cli, STUN_METHOD_CHANBIND, true, &m, 2,
		     STUN_ATTR_CHANNEL_NUMBER, &a->chan,
		     STUN_ATTR_XOR_PEER_ADDR, &peer);
	mem_deref(m);
	if (r) {
		fprintf(stderr, "bench_turn: ChannelBind %u: %d\n", i, r);
		return -1;
	}

	return 0;
}

/* utime + stime of `pid` in clock ticks, or -1. */
static long long cpu_ticks(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* Fields 14 and 15 (utime, stime), counted from after the name. */
	for (i = 0; p && i < 12; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu %llu", &ut, &st) != 2)
		return -1;

	return (long long)(ut + st);
}

static unsigned drain(int fd)
{
	uint8_t buf[2048];
	unsigned n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		++n;

	return n;
}

/* Read what is ready, waiting up to `wait` seconds for something. */
static unsigned drain_ready(int ep, double wait)
{
	struct epoll_event ev[64];
	struct timespec ts;
	unsigned got = 0;
	int n, i;

	if (wait < 0)
		wait = 0;
	ts.tv_sec = (time_t)wait;
	ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
	n = epoll_pwait2(ep, ev, 64, &ts, NULL);
	for (i = 0; i < n; i++)
		got += drain(ev[i].data.fd);

	return got;
}

int main(int argc, char **argv)
{
	unsigned n = 100, rate = 20000, i, k;
	double seconds = 5, t0, t, next;
	unsigned long long sent = 0, got = 0;
	long long c0 = -1, c1 = -1, g0, g1;
	struct alloc *al;
	uint8_t cd[4 + PAYLOAD], data[PAYLOAD];
	int pid = 0, ch, ep;
	bool direct = false;
	double tick = (double)sysconf(_SC_CLK_TCK);

	while ((ch = getopt(argc, argv, "ds:u:w:n:r:t:p:")) != -1) {
		switch (ch) {

		case 'd':
			direct = true;
			break;
		case 's':
			if (sa_decode(&server, optarg, strlen(optarg)))
				return 2;
			break;
		case 'u':
			user = optarg;
			break;
		case 'w':
			password = optarg;
			break;
		case 'n':
			n = (unsigned)atoi(optarg);
			break;
		case 'r':
			rate = (unsigned)atoi(optarg);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'p':
			pid = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: bench_turn {-s ADDR:PORT | -d} "
				"[-u USER] [-w PASSWORD] [-n ALLOCATIONS] "
				"[-r PPS] [-t SECONDS] [-p RELAY_PID]\n");
			return 2;
		}
	}
	if (sa_isset(&server, SA_ALL) == direct || !n || !rate)
		return 2;
	al = calloc(n, sizeof(*al));
	ep = epoll_create1(0);
	if (!al || ep < 0)
		return 1;
	for (i = 0; i < n; i++) {
		struct epoll_event ev = {.events = EPOLLIN};

		if (setup(&al[i], i))
			return 1;
		ev.data.fd = al[i].cli;
		(void)epoll_ctl(ep, EPOLL_CTL_ADD, al[i].cli, &ev);
		ev.data.fd = al[i].peer;
		(void)epoll_ctl(ep, EPOLL_CTL_ADD, al[i].peer, &ev);
	}
	memset(data, 0x5a, sizeof(data));
	memcpy(cd + 4, data, PAYLOAD);
	cd[2] = 0;
	cd[3] = PAYLOAD;
	if (pid)
		c0 = cpu_ticks(pid);
	g0 = cpu_ticks((int)getpid());
	t0 = now_s();
	next = t0;
	for (k = 0;; k++) {
		struct alloc *a = &al[(k / 2) % n];

		t = now_s();
		if (t - t0 >= seconds)
			break;
		/*
		 * Pace: at most `rate` datagrams/s, in bursts of 32; between
		 * them asleep in epoll, reading what comes back.
		 */
		if (k % 32 == 0) {
			do {
				got += drain_ready(ep, next - t);
				t = now_s();
			} while (t < next);
			next += 32.0 / rate;
		}
		if (direct && k % 2 == 0) {
			/* As large as the ChannelData, to the peer itself. */
			if (sendto(a->cli, cd, sizeof(cd), 0,
				   &a->peer_addr.u.sa, a->peer_addr.len) > 0)
				++sent;
		}
		else if (direct) {
			if (sendto(a->peer, data, sizeof(data), 0,
				   &a->cli_addr.u.sa, a->cli_addr.len) > 0)
				++sent;
		}
		else if (k % 2 == 0) {
			cd[0] = (uint8_t)(a->chan >> 8);
			cd[1] = (uint8_t)a->chan;
			if (sendto(a->cli, cd, sizeof(cd), 0, &server.u.sa,
				   server.len) > 0)
				++sent;
		}
		else if (sendto(a->peer, data, sizeof(data), 0, &a->relay.u.sa,
				a->relay.len) > 0) {
			++sent;
		}
	}
	usleep(200000);
	for (i = 0; i < n; i++)
		got += drain(al[i].cli) + drain(al[i].peer);
	t = now_s() - t0;
	if (pid)
		c1 = cpu_ticks(pid);
	g1 = cpu_ticks((int)getpid());
	printf("allocations %u offered %.0f/s relayed %.0f/s loss %.3f%%",
	       n, sent / t, got / t, sent ? 100.0 * (double)(sent - got) /
	       (double)sent : 0.0);
	if (c0 >= 0 && c1 >= 0 && got)
		printf(" cpu %.1f%% us/pkt %.2f",
		       100.0 * (double)(c1 - c0) / tick / t,
		       1e6 * (double)(c1 - c0) / tick / (double)got);
	if (got && g0 >= 0 && g1 >= 0)
		printf(" gen %.2f sum %.2f",
		       1e6 * (double)(g1 - g0) / tick / (double)got,
		       1e6 * (double)((g1 - g0) + (c1 >= 0 && c0 >= 0 ?
				      c1 - c0 : 0)) / tick / (double)got);
	printf("\n");

	return 0;
}
