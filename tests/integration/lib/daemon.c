/* tests/integration/lib/daemon.c  Start latchkeyd, talk ng to it, move RTP on loopback. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon.h"

int ep_open(uint16_t *portp)
{
	return ep_open_at("127.0.0.1", portp);
}

int ep_open_at_port(const char *ip, uint16_t port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port)};
	int fd;

	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}

	return fd;
}

int ep_open_at(const char *ip, uint16_t *portp)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int fd;

	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		return -1;
	if (portp)
		*portp = ntohs(sin.sin_port);

	return fd;
}

int ep_open6(uint16_t *portp)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};
	socklen_t sl = sizeof(sin6);
	int fd;

	sin6.sin6_addr = in6addr_loopback;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin6, &sl) < 0)
		return -1;
	if (portp)
		*portp = ntohs(sin6.sin6_port);

	return fd;
}

int ep_send6(int fd, uint16_t port, const void *p, size_t len)
{
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};

	sin6.sin6_addr = in6addr_loopback;
	sin6.sin6_port = htons(port);

	return sendto(fd, p, len, 0, (struct sockaddr *)&sin6,
		      sizeof(sin6)) == (ssize_t)len ? 0 : -1;
}

int ep_send(int fd, uint16_t port, const void *p, size_t len)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);

	return sendto(fd, p, len, 0, (struct sockaddr *)&sin, sizeof(sin)) ==
		(ssize_t)len ? 0 : -1;
}

ssize_t ep_recv(int fd, void *buf, size_t size, int ms, uint16_t *fromport)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return -1;
	n = recvfrom(fd, buf, size, MSG_DONTWAIT, (struct sockaddr *)&ss, &sl);
	/* sin_port and sin6_port sit at the same offset. */
	if (n >= 0 && fromport)
		*fromport = ntohs(((struct sockaddr_in *)&ss)->sin_port);

	return n;
}

unsigned ep_drain(int fd, int ms)
{
	uint64_t end = lk_clock_ms() + (uint64_t)ms;
	uint8_t buf[2048];
	unsigned n = 0;

	for (;;) {
		uint64_t now = lk_clock_ms();

		if (now >= end)
			break;
		if (ep_recv(fd, buf, sizeof(buf), (int)(end - now), NULL) >= 0)
			++n;
	}

	return n;
}

size_t rtp_make(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload)
{
	memset(buf, 0, 12 + payload);
	buf[0] = 0x80;		/* V=2 */
	buf[1] = 0;		/* PT 0, PCMU */
	buf[2] = (uint8_t)(seq >> 8);
	buf[3] = (uint8_t)seq;
	buf[4] = (uint8_t)(seq >> 8);	/* timestamp: anything */
	buf[8] = (uint8_t)(ssrc >> 24);
	buf[9] = (uint8_t)(ssrc >> 16);
	buf[10] = (uint8_t)(ssrc >> 8);
	buf[11] = (uint8_t)ssrc;
	memset(buf + 12, 0xd5, payload);

	return 12 + payload;
}

size_t rtcp_make(uint8_t *buf, uint32_t ssrc)
{
	/* RFC 3550 s.6.4.2: an empty receiver report, 8 octets. */
	buf[0] = 0x80;
	buf[1] = 201;
	buf[2] = 0;
	buf[3] = 1;
	buf[4] = (uint8_t)(ssrc >> 24);
	buf[5] = (uint8_t)(ssrc >> 16);
	buf[6] = (uint8_t)(ssrc >> 8);
	buf[7] = (uint8_t)ssrc;

	return 8;
}

uint16_t sdp_port(const char *sdp, unsigned index)
{
	const char *p = sdp;
	unsigned i = 0;

	while ((p = strstr(p, "m="))) {
		if ((p == sdp || p[-1] == '\n') && i++ == index) {
			const char *sp = strchr(p, ' ');

			return sp ? (uint16_t)atoi(sp + 1) : 0;
		}
		p += 2;
	}

	return 0;
}

uint32_t sdp_muxid(const char *sdp, unsigned index)
{
	const char *p = sdp, *next;
	unsigned i = 0;

	while ((p = strstr(p, "m="))) {
		if (p == sdp || p[-1] == '\n') {
			if (i++ == index) {
				const char *a;

				next = strstr(p + 2, "\nm=");
				a = strstr(p, "a=x-latchkey-muxid:");
				if (a && (!next || a < next))
					return (uint32_t)strtoul(a + 19, NULL,
								 10);
				return 0;
			}
		}
		p += 2;
	}

	return 0;
}

/*
 * LK_TEST_KFWD=1 (tests/CMakeLists.txt, the "_kfwd" runs): the same tests
 * with [Media] Kernel forwarding = on.  The daemon attaches its eBPF
 * program to lo ingress, so only as root and never in the machine's own
 * network namespace (that of PID 1): elsewhere the run is skipped (77).
 */
/* Whether `self` is one of the namespaces `ip netns add` made. */
static bool in_named_netns(const struct stat *self)
{
	struct dirent *de;
	bool found = false;
	DIR *dir = opendir("/run/netns");

	while (dir && !found && (de = readdir(dir))) {
		char path[300];
		struct stat st;

		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		found = de->d_name[0] != '.' && !stat(path, &st) &&
			st.st_dev == self->st_dev && st.st_ino == self->st_ino;
	}
	if (dir)
		closedir(dir);

	return found;
}

static bool kfwd_wanted(void)
{
	const char *v = getenv("LK_TEST_KFWD");
	struct stat self, init;

	if (!v || strcmp(v, "1"))
		return false;
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: kernel forwarding needs root\n");
		exit(77);
	}
	if (stat("/proc/self/ns/net", &self) || (!in_named_netns(&self) &&
	    (stat("/proc/1/ns/net", &init) ||
	     (self.st_dev == init.st_dev && self.st_ino == init.st_ino)))) {
		fprintf(stderr, "skipped: kernel forwarding tests attach to lo: "
			"run them in a namespace of their own (ip netns add, ip netns exec)\n");
		exit(77);
	}

	return true;
}

int lkd_start(struct lkd *d, uint16_t ng_port, const char *config)
{
	const char *bin = getenv("LK_LATCHKEYD");
	uint64_t end;
	FILE *f;
	int fd;

	memset(d, 0, sizeof(*d));
	d->ng_port = ng_port;
	d->ng_fd = -1;
	if (!bin) {
		fprintf(stderr, "LK_LATCHKEYD is not set: run through ctest\n");
		return -1;
	}
	/*
	 * The ng port must be free: otherwise another daemon (a leftover of
	 * a crashed run) would answer the pings and the tests would talk to
	 * the wrong process.
	 */
	{
		struct sockaddr_in sin = {.sin_family = AF_INET};
		int probe = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(ng_port);
		if (probe < 0 || bind(probe, (struct sockaddr *)&sin,
				      sizeof(sin)) < 0) {
			fprintf(stderr, "UDP 127.0.0.1:%u is taken: is another "
				"latchkeyd running? (ss -lunp)\n", ng_port);
			if (probe >= 0)
				close(probe);
			return -1;
		}
		close(probe);
	}
	snprintf(d->conf_path, sizeof(d->conf_path), "/tmp/lk-conf-XXXXXX");
	fd = mkstemp(d->conf_path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fprintf(f, "[Session control]\nListen = 127.0.0.1:%u\n%s", ng_port,
		config);
	if (kfwd_wanted())
		fprintf(f, "\n[Media]\nKernel forwarding = on\n");
	fclose(f);
	snprintf(d->log_path, sizeof(d->log_path), "%s.log", d->conf_path);

	d->pid = fork();
	if (d->pid < 0)
		return -1;
	if (!d->pid) {
		int lfd = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nfd = open("/dev/null", O_RDWR);

		/*
		 * The daemon dies with its test, and holds none of the test's
		 * pipes: a test that crashes must not leave ctest waiting.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (nfd >= 0) {
			dup2(nfd, 0);
			dup2(nfd, 1);
		}
		if (lfd >= 0)
			dup2(lfd, 2);
		execl(bin, bin, "--config", d->conf_path, (char *)NULL);
		_exit(127);
	}
	d->ng_fd = ep_open(NULL);
	end = lk_clock_ms() + 10000;
	while (lk_clock_ms() < end) {
		static const char ping[] = "d7:command4:pinge";
		int status;

		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			fprintf(stderr, "latchkeyd exited at start; log %s\n",
				d->log_path);
			d->pid = 0;
			return -1;
		}
		if (!lkd_ng(d, ping, sizeof(ping) - 1) &&
		    lkd_result_is(d, "pong"))
			return 0;
		usleep(50000);
	}
	fprintf(stderr, "latchkeyd did not answer ping; log %s\n", d->log_path);

	return -1;
}

int lkd_stop(struct lkd *d)
{
	uint64_t end = lk_clock_ms() + 5000;
	int status = -1;

	if (d->ng_fd >= 0)
		close(d->ng_fd);
	d->ng_fd = -1;
	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	while (lk_clock_ms() < end) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			unlink(d->conf_path);
			return status;
		}
		usleep(20000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	d->pid = 0;

	return -1;
}

int lkd_ng_raw(struct lkd *d, const char *dgram, size_t len)
{
	struct lk_bencode_error berr;
	const char *sp;
	ssize_t n;

	d->dict = NULL;
	if (ep_send(d->ng_fd, d->ng_port, dgram, len))
		return -1;
	n = ep_recv(d->ng_fd, d->reply, sizeof(d->reply) - 1, 2000, NULL);
	if (n < 0)
		return -1;
	d->reply_len = (size_t)n;
	d->reply[n] = '\0';
	sp = memchr(d->reply, ' ', (size_t)n);
	if (!sp)
		return -1;
	if (lk_bencode_decode(&d->dict, d->nodes, 4096, sp + 1,
			      (size_t)n - (size_t)(sp + 1 - d->reply), &berr))
		return -1;

	return 0;
}

int lkd_ng(struct lkd *d, const char *body, size_t len)
{
	char buf[65536];
	int n;

	n = snprintf(buf, sizeof(buf), "t%u_%ld ", ++d->cookie,
		     (long)getpid());
	if (len + (size_t)n > sizeof(buf))
		return -1;
	memcpy(buf + n, body, len);

	return lkd_ng_raw(d, buf, (size_t)n + len);
}

bool lkd_result_is(const struct lkd *d, const char *want)
{
	struct lk_bencode_str s;

	return d->dict && !lk_bencode_dict_get_str(&s, d->dict, "result") &&
	       s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

const char *lkd_str(const struct lkd *d, const char *key, char *buf,
		    size_t size)
{
	struct lk_bencode_str s;

	buf[0] = '\0';
	if (d->dict && !lk_bencode_dict_get_str(&s, d->dict, key)) {
		size_t n = s.len < size - 1 ? s.len : size - 1;

		memcpy(buf, s.p, n);
		buf[n] = '\0';
	}

	return buf;
}

int64_t lkd_stat(struct lkd *d, const char *name)
{
	static const char req[] = "d7:command10:statisticse";
	const struct lk_bencode_node *st, *sub;
	int64_t v = -1;

	if (lkd_ng(d, req, sizeof(req) - 1))
		return -1;
	st = lk_bencode_dict_get(d->dict, "statistics");
	sub = lk_bencode_dict_get(st, "currentstatistics");
	if (!lk_bencode_dict_get_int(&v, sub, name))
		return v;
	sub = lk_bencode_dict_get(st, "totalstatistics");
	if (!lk_bencode_dict_get_int(&v, sub, name))
		return v;

	return -1;
}

int64_t lkd_stat_when(struct lkd *d, const char *name, int64_t want)
{
	int64_t v = lkd_stat(d, name);
	unsigned i;

	for (i = 0; i < 100 && v != want; i++) {
		usleep(10000);
		v = lkd_stat(d, name);
	}

	return v;
}

size_t lkd_offer_body(char *buf, size_t size, const char *command,
		      const char *call_id, const char *from_tag,
		      const char *to_tag, const char *sdp,
		      const char *flags)
{
	int n;

	n = snprintf(buf, size, "d7:call-id%zu:%s7:command%zu:%s%s"
		     "8:from-tag%zu:%s3:sdp%zu:%s",
		     strlen(call_id), call_id, strlen(command), command,
		     flags ? flags : "", strlen(from_tag), from_tag,
		     strlen(sdp), sdp);
	if (to_tag)
		n += snprintf(buf + n, size - (size_t)n, "6:to-tag%zu:%s",
			      strlen(to_tag), to_tag);
	n += snprintf(buf + n, size - (size_t)n, "e");

	return (size_t)n;
}
