/* cmd/probecli.c  latchkey probe: check the seed's flows against a live latchkeyd (and the firewalls on the way) from where it runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* mem_deref() only: all of re.h would clash with tcp_connect() below. */
#include <re_types.h>
#include <re_mem.h>

#include "cli.h"
#include "conf.h"
#include "portmodel.h"
#include "probecli.h"
#include "service.h"

/*
 * A GatekeeperRequest as a real endpoint sent it (shared/captures/
 * h323-ndpi.pcap, frame 59): any RAS answer (GCF or GRJ) shows that a
 * gatekeeper listens and that the path is open both ways.
 */
static const uint8_t grq[] = {
	0x02, 0x20, 0x00, 0x00, 0x06, 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04,
	0x00, 0x11, 0x02, 0x00, 0x7c, 0x07, 0xf2, 0x22, 0x00, 0xae, 0x01,
	0x00, 0x3d, 0x00, 0x01, 0x03, 0x00, 0x85, 0xc8, 0x9a, 0x51, 0x20,
	0x80, 0x03, 0x01, 0x40, 0x00,
};

/*
 * Ports that are in no row of the seed's matrix: each must be closed or
 * blocked (a negative probe).  Those that the configuration happens to use
 * are skipped.
 */
static const struct {
	bool tcp;
	uint16_t port;
} negatives[] = {
	{true, 21}, {true, 23}, {true, 25}, {true, 2000}, {true, 3306},
	{true, 5062}, {true, 8080}, {true, 8443}, {false, 53}, {false, 69},
	{false, 5062}, {false, 5070},
};

enum verdict { V_PASS, V_BLOCKED_OK, V_FAIL, V_SKIP };

struct probe {
	const char *target;		/* numeric address of latchkeyd */
	struct sockaddr_storage ta;
	socklen_t talen;
	const char *bind;		/* local address for source ports */
	int timeout_ms;
	bool json;
	unsigned npass, nblocked, nfail, nskip, nrows;
};

static const char *verdict_name(enum verdict v)
{
	switch (v) {
	case V_PASS:		return "pass";
	case V_BLOCKED_OK:	return "blocked as expected";
	case V_FAIL:		return "FAILED";
	default:		return "skipped";
	}
}

void lk_probecli_usage(FILE *f)
{
	fprintf(f,
"usage: latchkey probe --config FILE [--target ADDR] [--from SIDE]\n"
"                      [--bind ADDR] [--timeout MS] [--no-negative] [--json]\n"
"\n"
"Checks, from where it runs, every row of the seed's port matrix that opens\n"
"a flow from SIDE to the latchkeyd whose configuration FILE is: a real\n"
"protocol exchange where latchkeyd serves the protocol (SIP OPTIONS over\n"
"UDP, TCP and TLS; STUN Binding on the TURN ports; a RAS GatekeeperRequest\n"
"on the Registration port), a TCP connection where it does not, each from a\n"
"source port the row allows (so that a firewall built by `latchkey\n"
"firewall` is tested as it will be used).  Then negative probes: ports in\n"
"no row must be closed or blocked.  One line per row: pass, blocked as\n"
"expected, FAILED (why) or skipped (why).\n"
"\n"
"  --config FILE     the target's configuration (its role, ports, Address)\n"
"  --target ADDR     latchkeyd's address (default: the file's Address)\n"
"  --from SIDE       where this runs: internet (default: an internet\n"
"                    endpoint, the Expressway's public side), control (the\n"
"                    traversal client, towards an Expressway), management,\n"
"                    endpoint (a local endpoint, towards a Control)\n"
"  --bind ADDR       the local address to send from (default: any)\n"
"  --timeout MS      per probe (1000)\n"
"  --no-negative     leave out the negative probes\n"
"  --json            one JSON object per line instead of text\n"
"\n"
"Media, TURN relay and call-signalling ranges need a session first: they\n"
"are skipped here (latchkey lab sets sessions up).  Exit status: 0 every\n"
"probe passed or was blocked as expected, 1 one FAILED, 2 usage.\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	return lk_cli_usage_error("probe", fmt, arg);
}

static uint32_t rnd32(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)random();
	return r;
}

/* A source port the row allows: in its ranges, or 0 (any). */
static uint16_t source_port(const struct lk_pm_end *src)
{
	const struct lk_pm_range *r;
	uint32_t n;

	if (src->kind == LK_PM_ANY || !src->nranges)
		return 0;
	r = &src->ranges[rnd32() % src->nranges];
	n = (uint32_t)(r->end - r->start) / (r->step ? r->step : 1) + 1;

	return (uint16_t)(r->start + (rnd32() % n) * (r->step ? r->step : 1));
}

/* A socket of `type` bound to (bind, sport); retries on a taken port. */
static int open_from(struct probe *p, int type, const struct lk_pm_end *src,
		     uint16_t *sportp, char *why, size_t wsz)
{
	unsigned tries;

	for (tries = 0; tries < 8; tries++) {
		struct sockaddr_storage ss;
		uint16_t sport = src ? source_port(src) : 0;
		socklen_t sl;
		int fd, one = 1;

		memset(&ss, 0, sizeof(ss));
		ss.ss_family = p->ta.ss_family;
		if (p->bind) {
			void *a = ss.ss_family == AF_INET ?
				(void *)&((struct sockaddr_in *)&ss)->sin_addr :
				(void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;

			if (inet_pton(ss.ss_family, p->bind, a) != 1) {
				snprintf(why, wsz, "--bind %s is not an address "
					 "of the target's family", p->bind);
				return -1;
			}
		}
		if (ss.ss_family == AF_INET) {
			((struct sockaddr_in *)&ss)->sin_port = htons(sport);
			sl = sizeof(struct sockaddr_in);
		}
		else {
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(sport);
			sl = sizeof(struct sockaddr_in6);
		}
		fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			snprintf(why, wsz, "socket: %s", strerror(errno));
			return -1;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, (struct sockaddr *)&ss, sl)) {
			*sportp = sport;
			return fd;
		}
		snprintf(why, wsz, "bind to source port %u: %s", sport,
			 strerror(errno));
		close(fd);
		if (errno != EADDRINUSE)
			return -1;
	}

	return -1;
}

static void set_port(struct probe *p, struct sockaddr_storage *ss,
		     uint16_t port)
{
	*ss = p->ta;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* Connect with a deadline: 0, ECONNREFUSED, ETIMEDOUT or another errno. */
static int tcp_connect(struct probe *p, int fd, uint16_t port)
{
	struct sockaddr_storage ss;
	struct pollfd pfd = {fd, POLLOUT, 0};
	socklen_t el = sizeof(int);
	int fl = fcntl(fd, F_GETFL), err = 0;

	set_port(p, &ss, port);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	if (!connect(fd, (struct sockaddr *)&ss, p->talen))
		goto done;
	if (errno != EINPROGRESS)
		return errno;
	if (poll(&pfd, 1, p->timeout_ms) <= 0)
		return ETIMEDOUT;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) || err)
		return err ? err : errno;
 done:
	fcntl(fd, F_SETFL, fl);
	return 0;
}

/* Wait for readable data; the octets read, 0 on timeout, -errno. */
static ssize_t recv_deadline(int fd, void *buf, size_t sz, int ms)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return 0;
	n = recv(fd, buf, sz, 0);
	return n < 0 ? -errno : n;
}

static void options_msg(char *buf, size_t sz, const struct probe *p,
			uint16_t dport, const char *tp, uint16_t sport)
{
	const char *host = p->ta.ss_family == AF_INET6 ? "[%s]" : "%s";
	char h[80];

	snprintf(h, sizeof(h), host, p->target);
	snprintf(buf, sz,
		 "OPTIONS sip:%s:%u SIP/2.0\r\n"
		 "Via: SIP/2.0/%s %s:%u;branch=z9hG4bKprobe%08x;rport\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: <sip:probe@latchkey.invalid>;tag=%08x\r\n"
		 "To: <sip:%s:%u>\r\n"
		 "Call-ID: %08x%08x@latchkey-probe\r\n"
		 "CSeq: 1 OPTIONS\r\n"
		 "User-Agent: latchkey probe\r\n"
		 "Content-Length: 0\r\n\r\n",
		 h, dport, tp, p->bind ? p->bind : "probe.invalid", sport,
		 rnd32(), rnd32(), h, dport, rnd32(), rnd32());
}

/* "SIP/2.0 200 OK" -> "200 OK" in why. */
static bool sip_answered(const char *buf, ssize_t n, char *why, size_t wsz)
{
	const char *eol;

	if (n < 12 || strncmp(buf, "SIP/2.0 ", 8))
		return false;
	eol = memchr(buf, '\r', (size_t)n);
	snprintf(why, wsz, "answered %.*s", (int)((eol ? eol : buf + n) -
		 (buf + 8)), buf + 8);
	return true;
}

static enum verdict probe_sip_udp(struct probe *p, const struct lk_pm_end *src,
				  uint16_t port, char *why, size_t wsz)
{
	char msg[1024], buf[2048];
	struct sockaddr_storage ss;
	uint16_t sport;
	ssize_t n;
	int fd = open_from(p, SOCK_DGRAM, src, &sport, why, wsz);

	if (fd < 0)
		return V_FAIL;
	options_msg(msg, sizeof(msg), p, port, "UDP", sport);
	set_port(p, &ss, port);
	if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&ss,
		   p->talen) < 0) {
		snprintf(why, wsz, "send: %s", strerror(errno));
		close(fd);
		return V_FAIL;
	}
	n = recv_deadline(fd, buf, sizeof(buf) - 1, p->timeout_ms);
	close(fd);
	if (n > 0 && sip_answered(buf, n, why, wsz))
		return V_PASS;
	if (n > 0)
		snprintf(why, wsz, "an answer that is not SIP (%zd octets)", n);
	else
		snprintf(why, wsz, "no SIP answer to OPTIONS in %d ms",
			 p->timeout_ms);
	return V_FAIL;
}

static enum verdict probe_sip_stream(struct probe *p,
				     const struct lk_pm_end *src,
				     uint16_t port, bool tls, char *why,
				     size_t wsz)
{
	char msg[1024], buf[2048];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	uint16_t sport;
	ssize_t n = 0;
	int err, fd = open_from(p, SOCK_STREAM, src, &sport, why, wsz);
	enum verdict v = V_FAIL;

	if (fd < 0)
		return V_FAIL;
	err = tcp_connect(p, fd, port);
	if (err) {
		snprintf(why, wsz, "TCP connect: %s", strerror(err));
		goto out;
	}
	options_msg(msg, sizeof(msg), p, port, tls ? "TLS" : "TCP", sport);
	if (tls) {
		struct timeval tv = {p->timeout_ms / 1000,
				     (p->timeout_ms % 1000) * 1000};

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		ctx = SSL_CTX_new(TLS_client_method());
		ssl = ctx ? SSL_new(ctx) : NULL;
		/* A lab's certificate is self-signed: the probe checks the
		 * path and the protocol, not the identity. */
		if (!ssl || !SSL_set_fd(ssl, fd) || SSL_connect(ssl) != 1) {
			unsigned long e = ERR_get_error();

			snprintf(why, wsz, "TLS handshake failed: %s", e ?
				 ERR_reason_error_string(e) :
				 "no handshake in time");
			goto out;
		}
		if (SSL_write(ssl, msg, (int)strlen(msg)) <= 0) {
			snprintf(why, wsz, "TLS write failed");
			goto out;
		}
		n = SSL_read(ssl, buf, sizeof(buf) - 1);
	}
	else {
		if (send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0) {
			snprintf(why, wsz, "send: %s", strerror(errno));
			goto out;
		}
		n = recv_deadline(fd, buf, sizeof(buf) - 1, p->timeout_ms);
	}
	if (n > 0 && sip_answered(buf, n, why, wsz))
		v = V_PASS;
	else
		snprintf(why, wsz, "connected%s, no SIP answer to OPTIONS",
			 tls ? " over TLS" : "");
 out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return v;
}

/* A STUN Binding request (RFC 8489 s.6); its success response. */
static enum verdict probe_stun(struct probe *p, const struct lk_pm_end *src,
			       uint16_t port, char *why, size_t wsz)
{
	uint8_t req[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
	uint8_t buf[1024];
	struct sockaddr_storage ss;
	uint16_t sport;
	ssize_t n;
	unsigned i;
	int fd = open_from(p, SOCK_DGRAM, src, &sport, why, wsz);

	if (fd < 0)
		return V_FAIL;
	for (i = 8; i < 20; i++)
		req[i] = (uint8_t)rnd32();
	set_port(p, &ss, port);
	sendto(fd, req, sizeof(req), 0, (struct sockaddr *)&ss, p->talen);
	n = recv_deadline(fd, buf, sizeof(buf), p->timeout_ms);
	close(fd);
	if (n >= 20 && buf[0] == 0x01 && buf[1] == 0x01 &&
	    !memcmp(buf + 8, req + 8, 12)) {
		snprintf(why, wsz, "STUN Binding success");
		return V_PASS;
	}
	snprintf(why, wsz, "no STUN Binding response in %d ms", p->timeout_ms);
	return V_FAIL;
}

static enum verdict probe_ras(struct probe *p, const struct lk_pm_end *src,
			      uint16_t port, char *why, size_t wsz)
{
	struct sockaddr_storage ss;
	uint8_t buf[2048];
	uint16_t sport;
	ssize_t n;
	int fd = open_from(p, SOCK_DGRAM, src, &sport, why, wsz);

	if (fd < 0)
		return V_FAIL;
	set_port(p, &ss, port);
	sendto(fd, grq, sizeof(grq), 0, (struct sockaddr *)&ss, p->talen);
	n = recv_deadline(fd, buf, sizeof(buf), p->timeout_ms);
	close(fd);
	/* RasMessage: extension bit, then the 5-bit choice (X.691 22). */
	if (n > 0 && ((buf[0] >> 2) & 0x1f) == 1) {
		snprintf(why, wsz, "GatekeeperConfirm");
		return V_PASS;
	}
	if (n > 0 && ((buf[0] >> 2) & 0x1f) == 2) {
		snprintf(why, wsz, "GatekeeperReject (a gatekeeper answered)");
		return V_PASS;
	}
	snprintf(why, wsz, "no RAS answer to a GatekeeperRequest in %d ms",
		 p->timeout_ms);
	return V_FAIL;
}

static enum verdict probe_connect(struct probe *p, const struct lk_pm_end *src,
				  uint16_t port, char *why, size_t wsz)
{
	uint16_t sport;
	int err, fd = open_from(p, SOCK_STREAM, src, &sport, why, wsz);

	if (fd < 0)
		return V_FAIL;
	err = tcp_connect(p, fd, port);
	close(fd);
	if (!err) {
		snprintf(why, wsz, "TCP connection accepted");
		return V_PASS;
	}
	snprintf(why, wsz, "TCP connect: %s", strerror(err));
	return V_FAIL;
}

/* A negative: the connection or datagram must get nowhere. */
static enum verdict probe_negative(struct probe *p, bool tcp, uint16_t port,
				   char *why, size_t wsz)
{
	uint16_t sport;
	int fd = open_from(p, tcp ? SOCK_STREAM : SOCK_DGRAM, NULL, &sport,
			   why, wsz);
	int err;

	if (fd < 0)
		return V_FAIL;
	if (tcp) {
		err = tcp_connect(p, fd, port);
		close(fd);
		if (!err) {
			snprintf(why, wsz, "a TCP connection was accepted");
			return V_FAIL;
		}
		snprintf(why, wsz, "%s", err == ETIMEDOUT ? "no answer "
			 "(dropped)" : strerror(err));
		return V_BLOCKED_OK;
	}
	else {
		struct sockaddr_storage ss;
		uint8_t buf[512];
		ssize_t n;

		set_port(p, &ss, port);
		/* Connected, so that an ICMP port unreachable shows. */
		if (connect(fd, (struct sockaddr *)&ss, p->talen) ||
		    send(fd, "latchkey probe\r\n", 16, 0) < 0) {
			snprintf(why, wsz, "send: %s", strerror(errno));
			close(fd);
			return V_BLOCKED_OK;
		}
		n = recv_deadline(fd, buf, sizeof(buf), p->timeout_ms);
		close(fd);
		if (n > 0) {
			snprintf(why, wsz, "a UDP answer came back");
			return V_FAIL;
		}
		snprintf(why, wsz, "%s", n < 0 ? strerror((int)-n) :
			 "no answer");
		return V_BLOCKED_OK;
	}
}

static bool from_matches(enum lk_pm_party party, const char *from)
{
	if (!strcmp(from, "internet"))
		return party == LK_PM_INTERNET_EP;
	if (!strcmp(from, "control"))
		return party == LK_PM_CONTROL;
	if (!strcmp(from, "management"))
		return party == LK_PM_MGMT || party == LK_PM_PC;
	if (!strcmp(from, "endpoint"))
		return party == LK_PM_ENDPOINT;
	return false;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void report(struct probe *p, const char *what, const char *transport,
		   uint16_t port, enum verdict v, const char *why)
{
	switch (v) {
	case V_PASS:		++p->npass; break;
	case V_BLOCKED_OK:	++p->nblocked; break;
	case V_FAIL:		++p->nfail; break;
	default:		++p->nskip; break;
	}
	++p->nrows;
	if (p->json) {
		printf("{\"row\": ");
		json_str(stdout, what);
		printf(", \"transport\": \"%s\", \"port\": %u, \"verdict\": ",
		       transport, port);
		json_str(stdout, verdict_name(v));
		printf(", \"why\": ");
		json_str(stdout, why);
		printf("}\n");
		return;
	}
	printf("%-20s %-4s %5u  %s (%s)\n", verdict_name(v), transport, port,
	       what, why);
}

/* One matrix entry towards the target; one probe per (transport, port). */
static void probe_entry(struct probe *p, const struct lk_pm_entry *e,
			const struct lk_conf *conf)
{
	enum lk_service svc = LK_SERVICE_NONE;
	const struct lk_pm_end *dst = &e->dst;
	char what[256], why[256] = "";
	const char *tp = lk_portmodel_transport_name(e->transport);
	enum lk_key key = dst->nkeys ? dst->keys[0] : LK_KEY__COUNT;
	uint16_t port;
	enum verdict v;

	snprintf(what, sizeof(what), "seed: %s, row %u%s%s: %s",
		 e->section->title, e->row, *dst->letter ? " " : "",
		 dst->letter, e->purpose);
	if (dst->kind == LK_PM_MEDIA || dst->kind == LK_PM_MEDIA_RTP ||
	    dst->kind == LK_PM_MEDIA_RTCP || dst->kind == LK_PM_MUX ||
	    dst->kind == LK_PM_MUX_RTP || dst->kind == LK_PM_MUX_RTCP ||
	    dst->nranges != 1 || dst->ranges[0].start != dst->ranges[0].end) {
		report(p, what, tp, dst->nranges ? dst->ranges[0].start : 0,
		       V_SKIP, "media or a range: needs a session first "
		       "(latchkey lab)");
		return;
	}
	port = dst->ranges[0].start;
	if (key != LK_KEY__COUNT)
		svc = lk_service_of_key(key);
	if (e->off) {
		report(p, what, tp, port, V_SKIP, e->off);
		return;
	}
	if (key == LK_KEY_ZONE_SIP_PORT &&
	    (e->transport == LK_PM_TLS) != (conf->zones[e->zone ? e->zone - 1 :
		0].sip_transport == LK_ZONE_TLS)) {
		report(p, what, tp, port, V_SKIP, "the zone is configured for "
		       "the other transport");
		return;
	}
	if (key == LK_KEY_SIP_UDP_PORT && e->transport == LK_PM_UDP)
		v = probe_sip_udp(p, &e->src, port, why, sizeof(why));
	else if ((key == LK_KEY_SIP_TCP_PORT || key == LK_KEY_ZONE_SIP_PORT) &&
		 e->transport == LK_PM_TCP)
		v = probe_sip_stream(p, &e->src, port, false, why,
				     sizeof(why));
	else if ((key == LK_KEY_SIP_TLS_PORT || key == LK_KEY_ZONE_SIP_PORT) &&
		 e->transport == LK_PM_TLS)
		v = probe_sip_stream(p, &e->src, port, true, why, sizeof(why));
	else if (key == LK_KEY_TURN_PORT_START && e->transport == LK_PM_UDP &&
		 svc == LK_SERVICE_SERVED)
		v = probe_stun(p, &e->src, port, why, sizeof(why));
	else if (key == LK_KEY_H323_RAS_PORT && svc == LK_SERVICE_SERVED)
		v = probe_ras(p, &e->src, port, why, sizeof(why));
	else if (e->transport != LK_PM_UDP && svc != LK_SERVICE_NONE)
		v = probe_connect(p, &e->src, port, why, sizeof(why));
	else {
		report(p, what, tp, port, V_SKIP, svc == LK_SERVICE_NONE ?
		       "not served by latchkeyd" : "UDP, protocol not served "
		       "yet: nothing would answer");
		return;
	}
	if (v == V_PASS && svc == LK_SERVICE_BOUND)
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 "; the protocol is not served yet");
	if (v == V_PASS && svc == LK_SERVICE_NOT_IMPL)
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 "; Assent is not implemented (Release Complete)");
	report(p, what, tp, port, v, why);
}

/* Whether any row has the target listen on this port. */
static bool port_in_matrix(const struct lk_portmatrix *pm,
			   enum lk_pm_party self, bool tcp, uint16_t port)
{
	size_t i;
	unsigned r;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];

		if ((e->transport != LK_PM_UDP) != tcp || e->dst.party != self)
			continue;
		for (r = 0; r < e->dst.nranges; r++) {
			if (port >= e->dst.ranges[r].start &&
			    port <= e->dst.ranges[r].end)
				return true;
		}
	}
	return false;
}

int lk_probecli_run(int argc, char **argv)
{
	enum { O_CONFIG = 256, O_TARGET, O_FROM, O_BIND, O_TIMEOUT, O_NONEG,
	       O_JSON };
	static const struct option opts[] = {
		{"config", required_argument, NULL, O_CONFIG},
		{"target", required_argument, NULL, O_TARGET},
		{"from", required_argument, NULL, O_FROM},
		{"bind", required_argument, NULL, O_BIND},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"no-negative", no_argument, NULL, O_NONEG},
		{"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct probe p = {.timeout_ms = 1000};
	const char *path = NULL, *from = "internet";
	struct lk_portmatrix *pm = NULL;
	struct lk_conf_diag *diag = NULL;
	struct lk_conf *conf = NULL;
	enum lk_pm_party self;
	bool negative = true;
	size_t i, j;
	int c, err, ret = 1;
	char *end;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:	path = optarg; break;
		case O_TARGET:	p.target = optarg; break;
		case O_FROM:
			if (strcmp(optarg, "internet") &&
			    strcmp(optarg, "control") &&
			    strcmp(optarg, "management") &&
			    strcmp(optarg, "endpoint"))
				return usage_error("unknown side '%s'; valid: "
					"internet, control, management, "
					"endpoint", optarg);
			from = optarg;
			break;
		case O_BIND:	p.bind = optarg; break;
		case O_TIMEOUT:
			p.timeout_ms = (int)strtol(optarg, &end, 10);
			if (*end || p.timeout_ms < 10 || p.timeout_ms > 60000)
				return usage_error("timeout '%s': 10 to 60000 "
						   "ms", optarg);
			break;
		case O_NONEG:	negative = false; break;
		case O_JSON:	p.json = true; break;
		case 'h':
			lk_probecli_usage(stdout);
			return 0;
		default:
			return lk_cli_option_error("probe", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);

	conf = calloc(1, sizeof(*conf));
	diag = calloc(1, sizeof(*diag));
	if (!conf || !diag) {
		fprintf(stderr, "latchkey probe: %s\n", strerror(ENOMEM));
		goto out;
	}
	err = lk_conf_load(conf, path, diag);
	if (err) {
		lk_conf_diag_print(diag, stderr);
		fprintf(stderr, "latchkey probe: %s: %s\n", path ? path :
			"(defaults)", err == EINVAL ?
			"configuration has errors" : strerror(err));
		goto out;
	}
	err = lk_portmodel_resolve(&pm, conf);
	if (err) {
		fprintf(stderr, "latchkey probe: cannot resolve the port "
			"matrix: %s\n", strerror(err));
		goto out;
	}
	if (!p.target)
		p.target = conf->address;
	memset(&p.ta, 0, sizeof(p.ta));
	if (inet_pton(AF_INET, p.target,
		      &((struct sockaddr_in *)&p.ta)->sin_addr) == 1) {
		p.ta.ss_family = AF_INET;
		p.talen = sizeof(struct sockaddr_in);
	}
	else if (inet_pton(AF_INET6, p.target,
			   &((struct sockaddr_in6 *)&p.ta)->sin6_addr) == 1) {
		p.ta.ss_family = AF_INET6;
		p.talen = sizeof(struct sockaddr_in6);
	}
	else {
		fprintf(stderr, "latchkey probe: target '%s' is not a numeric "
			"address\n", p.target);
		goto out;
	}
	self = conf->role == LK_ROLE_CONTROL ? LK_PM_CONTROL :
		LK_PM_EXPRESSWAY;
	if (!p.json)
		printf("# latchkey probe: %s at %s, from %s\n",
		       lk_portmodel_party_name(self), p.target, from);

	/* One probe per listening (transport, port) of the target. */
	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		bool dup = false;

		if (e->dst.party != self || !from_matches(e->src.party, from))
			continue;
		for (j = 0; j < i && !dup; j++) {
			const struct lk_pm_entry *x = &pm->entry[j];

			dup = x->dst.party == self &&
			      from_matches(x->src.party, from) &&
			      x->transport == e->transport &&
			      x->dst.nranges == e->dst.nranges &&
			      (!e->dst.nranges || !memcmp(&x->dst.ranges[0],
				&e->dst.ranges[0], sizeof(e->dst.ranges[0])));
		}
		if (!dup)
			probe_entry(&p, e, conf);
	}
	for (i = 0; negative && i < sizeof(negatives) / sizeof(*negatives);
	     i++) {
		char why[256] = "", what[96];
		enum verdict v;

		if (port_in_matrix(pm, self, negatives[i].tcp,
				   negatives[i].port))
			continue;
		snprintf(what, sizeof(what), "negative: %s %u is in no row of "
			 "the seed", negatives[i].tcp ? "TCP" : "UDP",
			 negatives[i].port);
		v = probe_negative(&p, negatives[i].tcp, negatives[i].port,
				   why, sizeof(why));
		report(&p, what, negatives[i].tcp ? "TCP" : "UDP",
		       negatives[i].port, v, why);
	}
	if (!p.json)
		printf("# %u probes: %u pass, %u blocked as expected, %u "
		       "FAILED, %u skipped\n", p.nrows, p.npass, p.nblocked,
		       p.nfail, p.nskip);
	ret = p.nfail ? 1 : 0;

 out:
	mem_deref(pm);
	free(diag);
	free(conf);

	return ret;
}
