/* perf/lk-reflector.c  The ceiling: a bare UDP reflector, a socket per leg */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "ngframe.h"

/*
 * What a relay cannot do with less work, so the floor its per-packet cost
 * is measured against: the same flows as a relay (a pair of sockets per
 * leg, A's media arriving on the A-facing socket leaves from the B-facing
 * one), moved by the same system calls as latchkeyd's worker (epoll,
 * recvmmsg() of up to 32 datagrams per ready socket, sendmmsg()), and
 * nothing else: no classification, no stream lookup, no latching, no
 * counters per packet.  A socket's destination is fixed by signalling
 * (the SDP of the other side), and the batch that recvmmsg() returned
 * goes out at once, from the socket's partner, in one sendmmsg().
 *
 * Sessions are set up with the subset of rtpengine's ng protocol that
 * perf/lk-loadgen uses (ping, offer, answer, delete, statistics), so that
 * the generator drives this, latchkeyd and rtpengine in the same way.  One
 * audio section per SDP; rtcp-mux needs nothing: whatever arrives on a
 * socket leaves from its partner.
 */

#define BATCH		32		/* as latchkeyd's RX_BATCH */
#define SLOT		2048
#define NODES_MAX	512
#define CALL_BUCKETS	16384
#define EVENTS		1024

/* A receiving socket: what arrives leaves from `out`, to `dst`. */
struct rsock {
	int fd;
	uint16_t port;
	struct rsock *out;
	struct sockaddr_storage dst;
	socklen_t dlen;
};

struct rcall {
	char id[128];
	size_t idlen;
	struct rsock s[2][2];		/* [leg][RTP, RTCP]; [0] faces A */
	bool bound[2];
	struct rcall *next;
};

struct refl {
	char address[INET6_ADDRSTRLEN];
	int family;
	uint16_t port_min, port_max;
	uint16_t *free_pairs;		/* a stack of even ports */
	unsigned nfree;
	int epfd;
	int ngfd;
	struct rsock ngsock;		/* epoll's mark for the ng socket */
	struct rcall *calls[CALL_BUCKETS];
	unsigned ncalls;
	uint64_t forwarded, dropped, send_errors, bind_conflicts;
	struct lk_bencode_node nodes[NODES_MAX];
};

static volatile sig_atomic_t stop;

/*
 * --share-files: a second thread that does nothing, so that the process's
 * descriptor table is shared by two tasks as latchkeyd's is (a control
 * thread and its workers).  The kernel then takes a reference on the file
 * in every socket system call (fdget(): the light path needs a table used
 * by one task only); this measures what that costs the ceiling.
 */
static void *idle_main(void *arg)
{
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;)
		pause();
	return NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint32_t fnv1a(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*p++) * 16777619u;
	return h;
}

static struct rcall **call_slot(struct refl *rf,
				const struct lk_bencode_str *id)
{
	struct rcall **pp = &rf->calls[fnv1a(id->p, id->len) % CALL_BUCKETS];

	while (*pp && !((*pp)->idlen == id->len &&
			!memcmp((*pp)->id, id->p, id->len)))
		pp = &(*pp)->next;
	return pp;
}

static int make_addr(struct sockaddr_storage *ss, socklen_t *lenp,
		     const char *host, uint16_t port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*lenp = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*lenp = sizeof(*s6);
		return 0;
	}
	return EINVAL;
}

/* ---- ports ---- */

static int bind_one(struct refl *rf, struct rsock *rs, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = 0;

	if (make_addr(&ss, &sl, rf->address, port))
		return EINVAL;
	rs->fd = socket(rf->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (rs->fd < 0)
		return errno;
	if (bind(rs->fd, (struct sockaddr *)&ss, sl) < 0) {
		int err = errno;

		close(rs->fd);
		rs->fd = -1;
		return err;
	}
	rs->port = port;
	return 0;
}

static void unbind_pair(struct refl *rf, struct rsock *s)
{
	unsigned c;

	for (c = 0; c < 2; c++) {
		if (s[c].fd >= 0) {
			epoll_ctl(rf->epfd, EPOLL_CTL_DEL, s[c].fd, NULL);
			close(s[c].fd);
			s[c].fd = -1;
		}
	}
	rf->free_pairs[rf->nfree++] = s[0].port;
}

/* A pair of sockets on the next free even port and the one after it. */
static int bind_pair(struct refl *rf, struct rsock *s)
{
	unsigned tries;
	int err = ENOSPC;

	for (tries = 0; rf->nfree && tries < 64; tries++) {
		uint16_t port = rf->free_pairs[--rf->nfree];
		unsigned c;

		err = bind_one(rf, &s[0], port);
		if (!err) {
			err = bind_one(rf, &s[1], (uint16_t)(port + 1));
			if (err) {
				close(s[0].fd);
				s[0].fd = -1;
			}
		}
		if (err) {
			/* Held by another program: leave it out for good. */
			rf->bind_conflicts++;
			continue;
		}
		for (c = 0; c < 2; c++) {
			struct epoll_event ev = {.events = EPOLLIN,
						 .data.ptr = &s[c]};

			epoll_ctl(rf->epfd, EPOLL_CTL_ADD, s[c].fd, &ev);
		}
		return 0;
	}
	return err;
}

/* ---- SDP ---- */

struct sdp_info {
	char addr[INET6_ADDRSTRLEN];
	unsigned long port, rtcp_port;
	int nmedia;
};

static bool prefix(const char *l, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && !memcmp(l, p, n);
}

/* "IN IP4 x" -> x */
static void conn_addr(char *out, size_t size, const char *p, size_t len)
{
	size_t i = 0;

	if (len < 7)
		return;
	p += 7;
	len -= 7;
	while (i < len && i + 1 < size && p[i] != ' ' && p[i] != '/') {
		out[i] = p[i];
		i++;
	}
	out[i] = '\0';
}

static int sdp_read(struct sdp_info *si, const char *sdp, size_t len)
{
	const char *p = sdp, *end = sdp + len;
	char sess[INET6_ADDRSTRLEN] = "", media[INET6_ADDRSTRLEN] = "";

	memset(si, 0, sizeof(*si));
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll && p[ll - 1] == '\r')
			ll--;
		if (prefix(p, ll, "m=")) {
			const char *sp = memchr(p, ' ', ll);

			if (++si->nmedia == 1 && sp)
				si->port = strtoul(sp + 1, NULL, 10);
		}
		else if (prefix(p, ll, "c="))
			conn_addr(si->nmedia ? media : sess, sizeof(media),
				  p + 2, ll - 2);
		else if (si->nmedia == 1 && prefix(p, ll, "a=rtcp:"))
			si->rtcp_port = strtoul(p + 7, NULL, 10);
		p = eol ? eol + 1 : end;
	}
	if (si->nmedia != 1 || !si->port || si->port > 65534)
		return EBADMSG;
	memcpy(si->addr, media[0] ? media : sess, sizeof(si->addr));
	if (!si->rtcp_port || si->rtcp_port > 65535)
		si->rtcp_port = si->port + 1;
	return si->addr[0] ? 0 : EBADMSG;
}

/* The same SDP with our address and ports in c=, m= and a=rtcp:. */
static int sdp_rewrite(const struct refl *rf, char *out, size_t size,
		       size_t *lenp, const char *sdp, size_t len,
		       uint16_t port)
{
	const char *p = sdp, *end = sdp + len;
	const char *ipv = rf->family == AF_INET6 ? "IP6" : "IP4";
	size_t n = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);
		int r;

		if (ll && p[ll - 1] == '\r')
			ll--;
		if (prefix(p, ll, "c="))
			r = snprintf(out + n, size - n, "c=IN %s %s\r\n", ipv,
				     rf->address);
		else if (prefix(p, ll, "m=")) {
			const char *sp1 = memchr(p, ' ', ll), *sp2 = NULL;

			if (sp1)
				sp2 = memchr(sp1 + 1, ' ',
					     ll - (size_t)(sp1 + 1 - p));
			if (!sp2)
				return EBADMSG;
			r = snprintf(out + n, size - n, "%.*s %u%.*s\r\n",
				     (int)(sp1 - p), p, port,
				     (int)(ll - (size_t)(sp2 - p)), sp2);
		}
		else if (prefix(p, ll, "a=rtcp:"))
			r = snprintf(out + n, size - n, "a=rtcp:%u\r\n",
				     port + 1);
		else if (ll)
			r = snprintf(out + n, size - n, "%.*s\r\n", (int)ll, p);
		else
			r = 0;
		if (r < 0 || (size_t)r >= size - n)
			return ENOSPC;
		n += (size_t)r;
		p = eol ? eol + 1 : end;
	}
	*lenp = n;
	return 0;
}

/* ---- ng ---- */

static const char *cmd_offer_answer(struct refl *rf,
				    const struct lk_bencode_node *d,
				    bool answer, struct lk_bencode_enc *enc)
{
	static char sdpout[8192];
	struct lk_bencode_str id, sdp;
	struct sdp_info si;
	struct rcall **pp, *call;
	unsigned leg = answer ? 0 : 1;	/* offer: B's; answer: A's */
	unsigned c;
	size_t outlen;

	if (lk_bencode_dict_get_str(&id, d, "call-id") || !id.len ||
	    id.len > sizeof(call->id))
		return "No call-id in message";
	if (lk_bencode_dict_get_str(&sdp, d, "sdp"))
		return "No SDP body in message";
	if (sdp_read(&si, sdp.p, sdp.len))
		return "Failed to parse SDP: one audio section with c= and m=";
	pp = call_slot(rf, &id);
	call = *pp;
	if (!call) {
		if (answer)
			return "Unknown call-id";
		call = calloc(1, sizeof(*call));
		if (!call)
			return "Out of memory";
		memcpy(call->id, id.p, id.len);
		call->idlen = id.len;
		for (c = 0; c < 4; c++)
			call->s[c / 2][c % 2].fd = -1;
		*pp = call;
		rf->ncalls++;
	}
	if (!call->bound[leg]) {
		if (bind_pair(rf, call->s[leg])) {
			if (!call->bound[1 - leg]) {
				/* Made by this offer: nothing to keep. */
				*pp = call->next;
				free(call);
				rf->ncalls--;
			}
			return "Ran out of ports";
		}
		call->bound[leg] = true;
	}
	/*
	 * The leg bound for this SDP faces the other side: what that side
	 * sends to it leaves from the partner socket (facing this SDP's
	 * sender) to the address in this SDP.
	 */
	for (c = 0; c < 2; c++) {
		struct rsock *in = &call->s[leg][c];

		make_addr(&in->dst, &in->dlen, si.addr, (uint16_t)(c ?
			  si.rtcp_port : si.port));
		in->out = &call->s[1 - leg][c];
		call->s[1 - leg][c].out = in;
	}
	if (sdp_rewrite(rf, sdpout, sizeof(sdpout), &outlen, sdp.p, sdp.len,
			call->s[leg][0].port))
		return "Failed to rewrite SDP";
	lk_bencode_enc_dict_begin(enc);
	lk_bencode_enc_pair_str(enc, "result", "ok");
	lk_bencode_enc_key(enc, "sdp");
	lk_bencode_enc_str(enc, sdpout, outlen);
	lk_bencode_enc_dict_end(enc);
	return NULL;
}

static const char *cmd_delete(struct refl *rf, const struct lk_bencode_node *d,
			      struct lk_bencode_enc *enc)
{
	struct lk_bencode_str id;
	struct rcall **pp, *call;
	unsigned leg;

	if (lk_bencode_dict_get_str(&id, d, "call-id"))
		return "No call-id in message";
	pp = call_slot(rf, &id);
	call = *pp;
	if (!call)
		return "Unknown call-id";
	*pp = call->next;
	for (leg = 0; leg < 2; leg++)
		if (call->bound[leg])
			unbind_pair(rf, call->s[leg]);
	free(call);
	rf->ncalls--;
	lk_bencode_enc_dict_begin(enc);
	lk_bencode_enc_pair_str(enc, "result", "ok");
	lk_bencode_enc_dict_end(enc);
	return NULL;
}

static void cmd_statistics(struct refl *rf, struct lk_bencode_enc *enc)
{
	lk_bencode_enc_dict_begin(enc);
	lk_bencode_enc_pair_str(enc, "result", "ok");
	lk_bencode_enc_key(enc, "statistics");
	lk_bencode_enc_dict_begin(enc);
	lk_bencode_enc_pair_int(enc, "bindconflicts",
				(int64_t)rf->bind_conflicts);
	lk_bencode_enc_pair_int(enc, "dropped", (int64_t)rf->dropped);
	lk_bencode_enc_pair_int(enc, "forwardedpackets",
				(int64_t)rf->forwarded);
	lk_bencode_enc_pair_int(enc, "portsavailable", rf->nfree);
	lk_bencode_enc_pair_int(enc, "senderrors", (int64_t)rf->send_errors);
	lk_bencode_enc_pair_int(enc, "sessions", rf->ncalls);
	lk_bencode_enc_dict_end(enc);
	lk_bencode_enc_dict_end(enc);
}

static void ng_input(struct refl *rf)
{
	static char req[65536], out[65536];
	const struct lk_bencode_node *root;
	struct sockaddr_storage from;
	struct lk_bencode_enc enc;
	struct lk_bencode_str cmd;
	struct lk_ngframe fr;
	socklen_t fl = sizeof(from);
	const char *err = NULL;
	size_t len;
	ssize_t n;

	n = recvfrom(rf->ngfd, req, sizeof(req), 0, (struct sockaddr *)&from,
		     &fl);
	if (n <= 0 || lk_ngframe_split(&fr, req, (size_t)n, NULL))
		return;
	if (lk_bencode_decode(&root, rf->nodes, NODES_MAX, fr.body.p,
			      fr.body.len, NULL) ||
	    root->type != LK_BENCODE_DICT)
		err = "Could not decode bencode dictionary";
	else if (lk_bencode_dict_get_str(&cmd, root, "command"))
		err = "No command in message";
	else if (lk_ngframe_reply_begin(&enc, out, sizeof(out), &fr.cookie))
		return;
	else if (cmd.len == 4 && !memcmp(cmd.p, "ping", 4)) {
		lk_bencode_enc_dict_begin(&enc);
		lk_bencode_enc_pair_str(&enc, "result", "pong");
		lk_bencode_enc_dict_end(&enc);
	}
	else if (cmd.len == 5 && !memcmp(cmd.p, "offer", 5))
		err = cmd_offer_answer(rf, root, false, &enc);
	else if (cmd.len == 6 && !memcmp(cmd.p, "answer", 6))
		err = cmd_offer_answer(rf, root, true, &enc);
	else if (cmd.len == 6 && !memcmp(cmd.p, "delete", 6))
		err = cmd_delete(rf, root, &enc);
	else if (cmd.len == 10 && !memcmp(cmd.p, "statistics", 10))
		cmd_statistics(rf, &enc);
	else
		err = "Unrecognized command";
	if (err) {
		if (lk_ngframe_error_reply(&len, out, sizeof(out), &fr.cookie,
					   err))
			return;
	}
	else if (lk_ngframe_reply_finish(&len, &enc, &fr.cookie))
		return;
	sendto(rf->ngfd, out, len, 0, (struct sockaddr *)&from, fl);
}

/* ---- the packet path ---- */

static struct mmsghdr msgs[BATCH];
static struct iovec iov[BATCH];
static uint8_t bufs[BATCH][SLOT];

/*
 * One batch from `rs`, out at once from its partner.  The buffers are
 * reused by the next call: nothing waits in a queue, so nothing needs a
 * pool.
 */
static void reflect(struct refl *rf, struct rsock *rs)
{
	int n, sent = 0, i, r;

	n = recvmmsg(rs->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	if (!rs->out || rs->out->fd < 0) {
		rf->dropped += (uint64_t)n;
		return;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_len = msgs[i].msg_len;
		msgs[i].msg_hdr.msg_name = &rs->dst;
		msgs[i].msg_hdr.msg_namelen = rs->dlen;
	}
	while (sent < n) {
		r = sendmmsg(rs->out->fd, msgs + sent, (unsigned)(n - sent),
			     MSG_DONTWAIT);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			rf->send_errors += (uint64_t)(n - sent);
			break;
		}
		sent += r;
	}
	rf->forwarded += (uint64_t)sent;
	for (i = 0; i < n; i++) {
		iov[i].iov_len = SLOT;
		msgs[i].msg_hdr.msg_name = NULL;
		msgs[i].msg_hdr.msg_namelen = 0;
	}
}

/* ---- main ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: lk-reflector [--ng ADDR:PORT] [--address ADDR] [--ports MIN-MAX]\n"
"                    [--cpu N]\n"
"\n"
"The ceiling for perf/bench.sh: a UDP reflector with a socket pair per leg\n"
"and fixed destinations from the SDP, set up over rtpengine's ng protocol\n"
"(ping, offer, answer, delete, statistics).  Runs until SIGINT/SIGTERM.\n"
"\n"
"  -n, --ng ADDR:PORT    ng control socket (127.0.0.1:2299)\n"
"  -a, --address ADDR    media address (127.0.0.1)\n"
"  -p, --ports MIN-MAX   media ports, pairs from an even MIN (40000-59999)\n"
"  -c, --cpu N           pin to CPU N\n"
"  -L, --linger-us N     an experiment, not the ceiling: after a pass that\n"
"                        moved packets, sleep N us before the next wait, so\n"
"                        that one wake-up finds more packets (coalescing)\n"
"  -S, --share-files     an experiment: start an idle second thread, so the\n"
"                        descriptor table is shared as in a threaded relay\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"ng", required_argument, NULL, 'n'},
		{"address", required_argument, NULL, 'a'},
		{"ports", required_argument, NULL, 'p'},
		{"cpu", required_argument, NULL, 'c'},
		{"linger-us", required_argument, NULL, 'L'},
		{"share-files", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ng = "127.0.0.1:2299";
	struct sockaddr_storage ss;
	struct epoll_event evs[EVENTS];
	struct sigaction sa;
	struct rlimit rl;
	struct refl *rf;
	unsigned long pmin = 40000, pmax = 59999;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	socklen_t sl;
	int c, cpu = -1, i;
	long linger_us = 0;
	bool share_files = false;

	rf = calloc(1, sizeof(*rf));
	if (!rf)
		return 1;
	snprintf(rf->address, sizeof(rf->address), "127.0.0.1");
	while ((c = getopt_long(argc, argv, "n:a:p:c:L:Sh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			ng = optarg;
			break;
		case 'a':
			snprintf(rf->address, sizeof(rf->address), "%s",
				 optarg);
			break;
		case 'p':
			if (sscanf(optarg, "%lu-%lu", &pmin, &pmax) != 2 ||
			    pmin < 1024 || pmax > 65535 || pmin >= pmax) {
				fprintf(stderr, "lk-reflector: --ports wants "
					"MIN-MAX within 1024-65535\n");
				return 2;
			}
			break;
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'L':
			linger_us = atol(optarg);
			if (linger_us < 0 || linger_us > 100000) {
				fprintf(stderr, "lk-reflector: --linger-us "
					"0..100000\n");
				return 2;
			}
			break;
		case 'S':
			share_files = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (make_addr(&ss, &sl, rf->address, 0)) {
		fprintf(stderr, "lk-reflector: --address wants a numeric "
			"address\n");
		return 2;
	}
	rf->family = ss.ss_family;
	colon = strrchr(ng, ':');
	if (!colon || (size_t)(colon - ng) >= sizeof(host)) {
		fprintf(stderr, "lk-reflector: --ng wants ADDR:PORT\n");
		return 2;
	}
	memcpy(host, ng, (size_t)(colon - ng));
	host[colon - ng] = '\0';
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
	}
	if (make_addr(&ss, &sl, host, (uint16_t)atoi(colon + 1))) {
		fprintf(stderr, "lk-reflector: --ng wants ADDR:PORT\n");
		return 2;
	}
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			perror("lk-reflector: sched_setaffinity");
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	pmin += pmin % 2;
	rf->free_pairs = calloc((pmax - pmin) / 2 + 1, sizeof(uint16_t));
	if (!rf->free_pairs)
		return 1;
	/* A stack: the lowest port is handed out first. */
	for (i = (int)((pmax - pmin - 1) / 2); i >= 0; i--)
		rf->free_pairs[rf->nfree++] =
			(uint16_t)(pmin + 2 * (unsigned)i);

	rf->epfd = epoll_create1(EPOLL_CLOEXEC);
	rf->ngfd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
			  SOCK_CLOEXEC, 0);
	if (rf->epfd < 0 || rf->ngfd < 0 ||
	    bind(rf->ngfd, (struct sockaddr *)&ss, sl) < 0) {
		fprintf(stderr, "lk-reflector: ng socket %s: %s\n", ng,
			strerror(errno));
		return 1;
	}
	rf->ngsock.fd = rf->ngfd;
	{
		struct epoll_event ev = {.events = EPOLLIN,
					 .data.ptr = &rf->ngsock};

		epoll_ctl(rf->epfd, EPOLL_CTL_ADD, rf->ngfd, &ev);
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = SLOT;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (share_files) {
		pthread_t t;

		if (pthread_create(&t, NULL, idle_main, NULL)) {
			fprintf(stderr, "lk-reflector: pthread_create failed\n");
			return 1;
		}
		pthread_detach(t);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "lk-reflector: ng on %s, media %s ports %lu-%lu "
		"(%u pairs)\n", ng, rf->address, pmin, pmax, rf->nfree);

	while (!stop) {
		int n = epoll_wait(rf->epfd, evs, EVENTS, -1);

		for (i = 0; i < n; i++) {
			struct rsock *rs = evs[i].data.ptr;

			if (rs == &rf->ngsock)
				ng_input(rf);
			else
				reflect(rf, rs);
		}
		if (linger_us && n > 0) {
			struct timespec ts = {0, linger_us * 1000};

			nanosleep(&ts, NULL);
		}
	}
	fprintf(stderr, "lk-reflector: %llu forwarded, %llu dropped, %llu "
		"send errors, %u calls left\n",
		(unsigned long long)rf->forwarded,
		(unsigned long long)rf->dropped,
		(unsigned long long)rf->send_errors, rf->ncalls);
	for (i = 0; i < CALL_BUCKETS; i++) {
		while (rf->calls[i]) {
			struct rcall *call = rf->calls[i];
			unsigned leg;

			rf->calls[i] = call->next;
			for (leg = 0; leg < 2; leg++)
				if (call->bound[leg])
					unbind_pair(rf, call->s[leg]);
			free(call);
		}
	}
	close(rf->ngfd);
	close(rf->epfd);
	free(rf->free_pairs);
	free(rf);
	return 0;
}
