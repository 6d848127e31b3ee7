/* perf/bench_h323_call.c  Routed H.323 call set-ups per second through the real latchkeyd on one core: Setup to Connect with fastStart, media through the relay. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/q931.h"

/*
 * Method: this program starts latchkeyd (the build's cmd/latchkeyd, or
 * $LK_LATCHKEYD) with `taskset -c 1` and pins itself to CPU 0, then
 * plays both endpoints over loopback.  Calls go in waves of WAVE: the
 * caller side opens WAVE connections to the Q.931 port and sends each a
 * Setup with fastStart (G.711 send and receive channels, RTP/RTCP
 * addresses); the callee side accepts the gatekeeper's WAVE outgoing
 * connections (from the call signalling range), reads each Setup and
 * answers Connect with its fastStart channel; the caller reads each
 * Connect, whose media addresses must be the relay's (checked on every
 * call: the media core allocated ports for it).  That is the set-up
 * time.  Then each caller sends Release Complete, the callee reads it and
 * both wait for the gatekeeper to close (it closes first, so the TIME_WAIT
 * is its, as in service).  Figures: set-ups per second over the set-up
 * phases alone, whole calls (set-up and release) per second, and
 * latchkeyd's CPU time per call from /proc (utime + stime).
 *
 * It runs in whatever network namespace it is started in, and binds the
 * fixed ports of its configuration (below): run it in a namespace of its
 * own, under `flock /work/bench.lock` on the shared machines.  The target
 * of issue 11 is 1,000 set-ups per second on one core.  Nothing here is
 * asserted but that every call set up with relay addresses.
 */

#define Q931_PORT 55300
#define CALLEE_PORT 55301
#define WAVE 100
#define MEDIA_LO 40000
#define MEDIA_HI 49999

static const char config[] =
	"[System]\nRole = expressway\nAddress = 127.0.0.1\n"
	"Log level = warning\n"
	"[Protocols > SIP]\nUDP port = 55310\nTCP port = 55310\n"
	"TLS port = 55311\nTCP outbound port start = 55320\n"
	"TCP outbound port end = 55329\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 55302\n"
	"Call signaling port range start = 50000\n"
	"Call signaling port range end = 54999\n"
	"[Protocols > H.323]\nCall signaling TCP port = 55300\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 55330\n"
	"H.323 H.460.18 call signaling port = 55331\n"
	"[Local Zone > Traversal Subzone]\n"
	"Traversal Media port start = 40000\n"
	"Traversal Media port end = 49999\n"
	"[TURN]\nTURN services = no\nTURN requests port start = 55340\n"
	"TURN requests port end = 55340\n"
	"TURN relay media port start = 55350\n"
	"TURN relay media port end = 55359\n"
	"[System > Ephemeral ports]\nTCP ephemeral port start = 55400\n"
	"TCP ephemeral port end = 55449\nUDP ephemeral port start = 55450\n"
	"UDP ephemeral port end = 55498\n"
	"[Session control]\nListen = 127.0.0.1:55499\n"
	"[Media]\nPort cool-down = 0\nWorker threads = 1\n"
	"[Zones > Traversal Zone 1]\nSIP port = 55360\nH.323 port = 55361\n"
	"[Dial plan]\nRoute 1 = 2000@* host 127.0.0.1:55301 h323\n";

static uint8_t mem[LK_H245_ARENA];
static uint8_t ubuf[4096], out[4200], in[70000];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_h323_call: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void addr(struct lk_asn_arena *ar, struct lk_asn_val *lcp,
		 const char *name, uint16_t port)
{
	struct lk_asn_val *ip = lk_asn_set(ar, lk_asn_set(ar, lk_asn_set(ar,
		lcp, name), "unicastAddress"), "iPAddress");

	lk_asn_set_octets(ar, lk_asn_set(ar, ip, "network"), "\x7f\0\0\1",
			  4);
	lk_asn_set(ar, ip, "tsapIdentifier")->u.i = port;
}

/* A fastStart OLC: `receive` (reverse parameters) or a send channel. */
static size_t olc(uint8_t *buf, size_t cap, uint16_t lcn, bool receive,
		  uint16_t rtp)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *o, *p, *lcp;
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	o = lk_asn_new(&ar, &lk_h245_olc);
	lk_asn_set(&ar, o, "forwardLogicalChannelNumber")->u.i = lcn;
	p = lk_asn_set(&ar, o, "forwardLogicalChannelParameters");
	if (receive) {
		lk_asn_set(&ar, lk_asn_set(&ar, p, "dataType"), "nullData");
		lk_asn_set(&ar, lk_asn_set(&ar, p, "multiplexParameters"),
			   "none");
		p = lk_asn_set(&ar, o, "reverseLogicalChannelParameters");
	}
	lk_asn_set(&ar, lk_asn_set(&ar, lk_asn_set(&ar, p, "dataType"),
		   "audioData"), "g711Ulaw64k")->u.i = 20;
	lcp = lk_asn_set(&ar, lk_asn_set(&ar, p, "multiplexParameters"),
			 "h2250LogicalChannelParameters");
	lk_asn_set(&ar, lcp, "sessionID")->u.i = 1;
	if (receive)
		addr(&ar, lcp, "mediaChannel", rtp);
	addr(&ar, lcp, "mediaControlChannel", (uint16_t)(rtp + 1));
	if (lk_h245_encode(o, buf, cap, &len))
		return 0;
	return len;
}

/* One Q.931 message with a UU-PDU of `kind` on fd; fastStart when given. */
static void send_msg(int fd, uint8_t type, const char *kind, uint16_t crv,
		     bool flag, const uint8_t callid[16], uint16_t rtp)
{
	static uint8_t o1[128], o2[128];
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v, *l;
	struct lk_q931 m;
	size_t ulen, len, l1 = 0, l2 = 0;

	if (rtp) {
		l1 = olc(o1, sizeof(o1), 1, false, rtp);
		if (type == LK_Q931_SETUP)
			l2 = olc(o2, sizeof(o2), 2, true, rtp);
	}
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	uu = lk_h225_uu_new(&ar, kind, &body);
	lk_asn_set_octets(&ar, lk_asn_set(&ar, lk_asn_set(&ar, body,
			  "callIdentifier"), "guid"), callid, 16);
	if (type == LK_Q931_SETUP) {
		v = lk_asn_set(&ar, body, "sourceInfo");
		lk_asn_set(&ar, v, "mc");
		lk_asn_set(&ar, v, "undefinedNode");
		l = lk_asn_set(&ar, body, "destinationAddress");
		lk_asn_seqof_resize(&ar, l, 1);
		lk_asn_set_str(&ar, lk_asn_set(&ar, &l->u.list.v[0],
			       "dialledDigits"), "2000");
		lk_asn_set(&ar, body, "activeMC");
		lk_asn_set_octets(&ar, lk_asn_set(&ar, body, "conferenceID"),
				  callid, 16);
		lk_asn_set(&ar, lk_asn_set(&ar, body, "conferenceGoal"),
			   "create");
		lk_asn_set(&ar, lk_asn_set(&ar, body, "callType"),
			   "pointToPoint");
	}
	else if (type == LK_Q931_CONNECT) {
		v = lk_asn_set(&ar, body, "destinationInfo");
		lk_asn_set(&ar, v, "mc");
		lk_asn_set(&ar, v, "undefinedNode");
		lk_asn_set_octets(&ar, lk_asn_set(&ar, body, "conferenceID"),
				  callid, 16);
	}
	else {
		lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			   "undefinedReason");
	}
	if (l1) {
		v = lk_asn_set(&ar, body, "fastStart");
		lk_asn_seqof_resize(&ar, v, l2 ? 2 : 1);
		lk_asn_set_octets(&ar, &v->u.list.v[0], o1, l1);
		if (l2)
			lk_asn_set_octets(&ar, &v->u.list.v[1], o2, l2);
	}
	ubuf[0] = LK_Q931_UU_PD;
	if (!uu || lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1, &ulen)) {
		fprintf(stderr, "bench_h323_call: %s not built\n", kind);
		exit(1);
	}
	lk_q931_init(&m, type, crv, flag);
	if (type == LK_Q931_SETUP) {
		lk_q931_set_bearer(&m);
		lk_q931_set_number(&m, LK_Q931_IE_CALLED, 0x41, "2000");
	}
	if (type == LK_Q931_RELEASE_COMPLETE)
		lk_q931_set_cause(&m, LK_Q931_CAUSE_NORMAL);
	lk_q931_set(&m, LK_Q931_IE_USER_USER, ubuf, ulen + 1);
	if (lk_q931_encode(&m, true, out, sizeof(out), &len) ||
	    write(fd, out, len) != (ssize_t)len)
		die("write");
}

static void read_n(int fd, uint8_t *p, size_t n)
{
	struct pollfd pf = { fd, POLLIN, 0 };

	while (n) {
		ssize_t r;

		if (poll(&pf, 1, 5000) != 1) {
			errno = ETIMEDOUT;
			die("read");
		}
		r = read(fd, p, n);
		if (r <= 0) {
			errno = r ? errno : ECONNRESET;
			die("read");
		}
		p += r;
		n -= (size_t)r;
	}
}

/* The next message on fd, of `type`; its UU-PDU decoded into `mem`. */
static void recv_msg(int fd, uint8_t type, struct lk_q931 *m,
		     struct lk_asn_val **uu)
{
	struct lk_asn_arena ar;
	const uint8_t *u;
	size_t n, off = 0, ulen, errbit;

	read_n(fd, in, 4);
	n = (size_t)in[2] << 8 | in[3];
	if (n < 5)
		die("TPKT");
	read_n(fd, in + 4, n - 4);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_q931_decode(m, in + 4, n - 4, &off) || m->type != type ||
	    lk_q931_uu(m, &u, &ulen) ||
	    lk_h225_uu_decode(u, ulen, &ar, uu, &errbit)) {
		fprintf(stderr, "bench_h323_call: expected %s, got %s\n",
			lk_q931_type_name(type), lk_q931_type_name(m->type));
		exit(1);
	}
}

/* Every media address in a message the relay's (the media range)? */
static int relay_addr(struct lk_h245_addr *a, void *arg)
{
	unsigned *bad = arg;
	uint16_t p = ntohs(a->addr.sin_port);

	if (a->kind != LK_H245_CONTROL && (p < MEDIA_LO || p > MEDIA_HI))
		++*bad;
	return 0;
}

static int tcp_to(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Wait for the peer (the gatekeeper) to close fd, then close it. */
static void await_close(int fd)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	uint8_t b[4096];

	while (poll(&pf, 1, 5000) == 1 && read(fd, b, sizeof(b)) > 0)
		;
	close(fd);
}

static uint64_t cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* state ppid ... utime is the 14th field, stime the 15th. */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (uint64_t)ut + st;
}

static pid_t start_daemon(const char *conf_path)
{
	char self[PATH_MAX], bin[PATH_MAX + 32], *slash;
	const char *env = getenv("LK_LATCHKEYD");
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	pid_t pid;
	int i, fd;

	if (env) {
		snprintf(bin, sizeof(bin), "%s", env);
	}
	else {
		if (n <= 0)
			die("readlink");
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash)
			*slash = '\0';
		snprintf(bin, sizeof(bin), "%s/../cmd/latchkeyd", self);
	}
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execlp("taskset", "taskset", "-c", "1", bin, "--config",
		       conf_path, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100; i++) {
		fd = tcp_to(Q931_PORT);
		if (fd >= 0) {
			close(fd);
			return pid;
		}
		usleep(50000);
	}
	kill(pid, SIGTERM);
	fprintf(stderr, "bench_h323_call: %s did not listen on %u\n", bin,
		Q931_PORT);
	exit(1);
}

int main(int argc, char **argv)
{
	char conf_path[] = "/tmp/lk-bench-h323-XXXXXX";
	unsigned calls = argc > 1 ? (unsigned)atoi(argv[1]) : 2000;
	int a[WAVE], b[WAVE], lfd, one = 1, cfd;
	uint16_t crv_b[WAVE];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint64_t t_setup = 0, t0, t_all, ticks0, ticks1;
	unsigned done = 0, bad = 0, i, w;
	struct lk_asn_val *uu;
	struct lk_q931 m;
	cpu_set_t cpus;
	pid_t pid;
	long hz = sysconf(_SC_CLK_TCK);

	if (!calls || calls % WAVE) {
		fprintf(stderr, "usage: bench_h323_call [CALLS, a multiple of "
			"%d]\n", WAVE);
		return 2;
	}
	cfd = mkstemp(conf_path);
	if (cfd < 0 || write(cfd, config, strlen(config)) !=
	    (ssize_t)strlen(config))
		die("configuration");
	close(cfd);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(CALLEE_PORT);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 4 * WAVE) < 0)
		die("callee listener");
	pid = start_daemon(conf_path);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	(void)sched_setaffinity(0, sizeof(cpus), &cpus);

	ticks0 = cpu_ticks(pid);
	t_all = now_ns();
	for (w = 0; w < calls / WAVE; w++) {
		t0 = now_ns();
		for (i = 0; i < WAVE; i++) {
			uint8_t id[16] = { 0 };

			memcpy(id, &done, sizeof(done));
			id[15] = (uint8_t)i;
			memcpy(id + 8, &w, sizeof(w));
			a[i] = tcp_to(Q931_PORT);
			if (a[i] < 0)
				die("connect to the Q.931 port");
			send_msg(a[i], LK_Q931_SETUP, "setup",
				 (uint16_t)(1 + i), false, id, 30000);
			++done;
		}
		for (i = 0; i < WAVE; i++) {
			const struct lk_asn_val *g;
			uint8_t id[16];

			b[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (b[i] < 0)
				die("accept");
			setsockopt(b[i], IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			recv_msg(b[i], LK_Q931_SETUP, &m, &uu);
			crv_b[i] = m.crv;
			g = lk_asn_get(uu, "h323-uu-pdu.h323-message-body."
				       "setup.callIdentifier.guid");
			if (!g || g->u.str.len != 16)
				die("Setup without callIdentifier");
			memcpy(id, g->u.str.p, 16);
			send_msg(b[i], LK_Q931_CONNECT, "connect", crv_b[i],
				 true, id, 31000);
		}
		for (i = 0; i < WAVE; i++) {
			unsigned changed = 0, before = bad;
			struct lk_asn_arena ar;

			recv_msg(a[i], LK_Q931_CONNECT, &m, &uu);
			lk_asn_arena_init(&ar, mem + sizeof(mem) / 2,
					  sizeof(mem) / 2);
			if (lk_h225_uu_media_addrs(&ar, uu, relay_addr, &bad,
						   &changed) ||
			    bad != before) {
				fprintf(stderr, "bench_h323_call: a Connect "
					"without the relay's addresses\n");
				return 1;
			}
		}
		t_setup += now_ns() - t0;
		for (i = 0; i < WAVE; i++) {
			uint8_t id[16] = { 0 };

			send_msg(a[i], LK_Q931_RELEASE_COMPLETE,
				 "releaseComplete", (uint16_t)(1 + i), false,
				 id, 0);
		}
		for (i = 0; i < WAVE; i++) {
			recv_msg(b[i], LK_Q931_RELEASE_COMPLETE, &m, &uu);
			await_close(b[i]);
			await_close(a[i]);
		}
	}
	t_all = now_ns() - t_all;
	ticks1 = cpu_ticks(pid);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(conf_path);
	close(lfd);

	printf("calls %u in waves of %d, latchkeyd on CPU 1, endpoints on "
	       "CPU 0\n", calls, WAVE);
	printf("set-ups/s %.0f (Setup to Connect, fastStart, relay ports "
	       "in every Connect)\n", calls / (t_setup / 1e9));
	printf("whole calls/s %.0f (set-up and release)\n",
	       calls / (t_all / 1e9));
	printf("latchkeyd CPU %.1f us per call (%.0f%% of one core over the "
	       "run)\n", (double)(ticks1 - ticks0) * 1e6 / hz / calls,
	       (double)(ticks1 - ticks0) * 100.0 / hz / (t_all / 1e9));
	return 0;
}
