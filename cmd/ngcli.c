/* cmd/ngcli.c  latchkey ng: talk to a relay's ng session-control port from a shell. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bencode.h"
#include "conf.h"
#include "netaddr.h"
#include "ngcli.h"
#include "ngframe.h"

#define NODES 8192

void lk_ngcli_usage(FILE *f)
{
	fprintf(f,
"usage: latchkey ng [--config FILE | --server ADDR:PORT] [--timeout MS]\n"
"                   COMMAND [ARG]\n"
"\n"
"Send one request to a relay's ng session-control port (latchkeyd, or any\n"
"relay that speaks rtpengine's ng protocol) and print the reply.\n"
"\n"
"Commands:\n"
"  ping                 is the relay there: prints pong\n"
"  list                 the call-ids of the current calls\n"
"  statistics           totals: forwarded packets, drops by reason, ports\n"
"  query CALL-ID        a call's legs: local ports, latched endpoints,\n"
"                       packets and bytes each way\n"
"  delete CALL-ID       end a call; its ports go back after the cool-down\n"
"\n"
"  -c, --config FILE    take the address from Session control > Listen\n"
"  -s, --server A:P     the address (default 127.0.0.1:2223, or [::1]:2223)\n"
"  -t, --timeout MS     how long to wait for the reply (default 2000)\n"
"\n"
"Exit status: 0 result ok or pong, 1 an error reply or no reply, 2 bad\n"
"usage.\n");
}

/* Printed on the line of its key; lists and dictionaries go below it. */
static int scalar(const struct lk_bencode_node *n)
{
	if (n->type == LK_BENCODE_INT)
		return 1;
	if (n->type == LK_BENCODE_STR)
		return !memchr(n->v.s.p, '\n', n->v.s.len);

	return !n->nmemb;	/* [] and {} stay on the key's line */
}

static bool key_is(const struct lk_bencode_node *m, const char *key)
{
	return m->key.len == strlen(key) && !memcmp(m->key.p, key, m->key.len);
}

/* "192.0.2.1:4000" ("[2001:db8::1]:4000") from an endpoint dictionary. */
static bool endpoint_text(char *buf, size_t sz,
			  const struct lk_bencode_node *ep)
{
	struct lk_bencode_str a;
	int64_t port;

	if (!ep || lk_bencode_dict_get_str(&a, ep, "address") || !a.len ||
	    lk_bencode_dict_get_int(&port, ep, "port"))
		return false;
	snprintf(buf, sz, memchr(a.p, ':', a.len) ? "[%.*s]:%lld" :
		 "%.*s:%lld", (int)a.len, a.p, (long long)port);

	return true;
}

/*
 * A few members read better for a person than as ng sends them (the
 * reply itself stays rtpengine's): times as ISO 8601, a port the side has
 * not been given yet, and an endpoint that has not latched.  True when
 * printed here.
 */
static bool print_member(const struct lk_bencode_node *dict,
			 const struct lk_bencode_node *m, unsigned depth)
{
	const struct lk_bencode_node *latched;
	struct lk_bencode_str s;
	char buf[128];

	if (m->type == LK_BENCODE_INT && (key_is(m, "created") ||
	    key_is(m, "last signal") || key_is(m, "last packet"))) {
		time_t t = (time_t)m->v.i;
		struct tm tm;

		if (m->v.i <= 0 || !gmtime_r(&t, &tm))
			snprintf(buf, sizeof(buf), "never");
		else
			strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%*s%.*s: %s\n", (int)(2 * depth), "", (int)m->key.len,
		       m->key.p, buf);
		return true;
	}
	if (m->type == LK_BENCODE_INT && !m->v.i &&
	    (key_is(m, "local port") || key_is(m, "local RTCP port"))) {
		printf("%*s%.*s: none yet (the SDP that tells this side is "
		       "still to come)\n", (int)(2 * depth), "",
		       (int)m->key.len, m->key.p);
		return true;
	}
	if (key_is(m, "sdp endpoint"))
		return true;	/* shown with "endpoint" */
	latched = lk_bencode_dict_get(dict, "latched");
	if (key_is(m, "endpoint") && !lk_bencode_get_str(&s, latched) &&
	    s.len == 2 && !memcmp(s.p, "no", 2)) {
		char sdp[80];

		if (endpoint_text(sdp, sizeof(sdp),
				  lk_bencode_dict_get(dict, "sdp endpoint")))
			snprintf(buf, sizeof(buf), "not latched yet (SDP says "
				 "%s)", sdp);
		else
			snprintf(buf, sizeof(buf), "not latched yet (no SDP "
				 "from this side yet)");
		printf("%*sendpoint: %s\n", (int)(2 * depth), "", buf);
		return true;
	}

	return false;
}

/* A bencode value as indented text: "key: value" and "- item". */
static void print_value(const struct lk_bencode_node *n, unsigned depth)
{
	const struct lk_bencode_node *m;
	size_t i;

	switch (n->type) {

	case LK_BENCODE_INT:
		printf("%lld\n", (long long)n->v.i);
		break;
	case LK_BENCODE_STR:
		if (memchr(n->v.s.p, '\n', n->v.s.len)) {
			/* An SDP: one line each, indented. */
			const char *p = n->v.s.p, *e = p + n->v.s.len;

			printf(" |\n");
			while (p < e) {
				const char *nl = memchr(p, '\n', (size_t)(e - p));
				size_t l = (size_t)((nl ? nl : e) - p);

				if (l && p[l - 1] == '\r')
					--l;
				printf("%*s%.*s\n", (int)(2 * depth + 2), "",
				       (int)l, p);
				p = nl ? nl + 1 : e;
			}
			break;
		}
		for (i = 0; i < n->v.s.len; i++) {
			unsigned char c = (unsigned char)n->v.s.p[i];

			if (isprint(c))
				putchar(c);
			else
				printf("\\x%02x", c);
		}
		putchar('\n');
		break;
	case LK_BENCODE_LIST:
		if (!n->nmemb) {
			printf("[]\n");
			break;
		}
		putchar('\n');
		LK_BENCODE_FOREACH(m, n) {
			printf("%*s-%s", (int)(2 * depth), "",
			       scalar(m) ? " " : "");
			print_value(m, depth + 1);
		}
		break;
	case LK_BENCODE_DICT:
		if (!n->nmemb) {
			printf("{}\n");
			break;
		}
		if (depth)
			putchar('\n');
		LK_BENCODE_FOREACH(m, n) {
			if (print_member(n, m, depth))
				continue;
			printf("%*s%.*s:%s", (int)(2 * depth), "",
			       (int)m->key.len, m->key.p, scalar(m) ? " " : "");
			print_value(m, depth + 1);
		}
		break;
	}
}

static size_t enc_request(char *buf, size_t size, const char *cookie,
			  const char *cmd, const char *callid)
{
	struct lk_bencode_str ck = {cookie, strlen(cookie)};
	struct lk_bencode_enc enc;
	size_t len = 0;

	lk_ngframe_reply_begin(&enc, buf, size, &ck);
	lk_bencode_enc_dict_begin(&enc);
	if (callid)
		lk_bencode_enc_pair_str(&enc, "call-id", callid);
	lk_bencode_enc_pair_str(&enc, "command", cmd);
	lk_bencode_enc_dict_end(&enc);
	if (lk_ngframe_reply_finish(&len, &enc, &ck))
		return 0;

	return len;
}

int lk_ngcli_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"server", required_argument, NULL, 's'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *server = NULL, *config = NULL, *cmd, *callid = NULL;
	static struct lk_bencode_node nodes[NODES];
	static char req[4096], rep[65536];
	const struct lk_bencode_node *root, *res;
	struct lk_bencode_error berr;
	struct lk_bencode_str s;
	struct sockaddr_storage ss;
	char cookie[32], addrtext[96];
	struct pollfd pfd;
	long timeout = 2000;
	socklen_t sl;
	size_t len;
	ssize_t n;
	char *end;
	int c, fd;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:s:t:h", opts, NULL)) != -1) {
		switch (c) {

		case 'c':
			config = optarg;
			break;
		case 's':
			server = optarg;
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 60000) {
				fprintf(stderr, "latchkey ng: --timeout %s: "
					"expected milliseconds from 1 to "
					"60000\n", optarg);
				return 2;
			}
			break;
		case 'h':
			lk_ngcli_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "latchkey ng: unknown option '%s'; see "
				"'latchkey ng --help'\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "latchkey ng: which command? see 'latchkey ng "
			"--help'\n");
		return 2;
	}
	cmd = argv[optind++];
	if (!strcmp(cmd, "query") || !strcmp(cmd, "delete")) {
		if (optind >= argc) {
			fprintf(stderr, "latchkey ng %s: needs a CALL-ID "
				"('latchkey ng list' shows them); see "
				"'latchkey ng --help'\n", cmd);
			return 2;
		}
		callid = argv[optind++];
	}
	else if (strcmp(cmd, "ping") && strcmp(cmd, "list") &&
		 strcmp(cmd, "statistics")) {
		fprintf(stderr, "latchkey ng: unknown command '%s'; see "
			"'latchkey ng --help'\n", cmd);
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "latchkey ng: unexpected argument '%s'; see "
			"'latchkey ng --help'\n", argv[optind]);
		return 2;
	}
	if (config) {
		struct lk_conf_diag diag;
		struct lk_conf *conf = calloc(1, sizeof(*conf));

		int err = conf ? lk_conf_load(conf, config, &diag) : ENOMEM;

		if (err == EINVAL) {
			lk_conf_diag_print_errors(&diag, stderr);
			fprintf(stderr, "latchkey ng: %s: %u error%s in the "
				"configuration\n", config, diag.nerrors,
				diag.nerrors == 1 ? "" : "s");
		}
		else if (err)
			fprintf(stderr, "latchkey ng: %s\n", conf && diag.n ?
				diag.msg[0].text : strerror(err));
		if (err) {
			free(conf);
			return 1;
		}
		snprintf(addrtext, sizeof(addrtext),
			 strchr(conf->ng_address, ':') ? "[%s]:%u" : "%s:%u",
			 conf->ng_address, conf->ng_port);
		free(conf);
		server = addrtext;
	}
	if (!server)
		server = "127.0.0.1:2223";
	if (lk_sockaddr_parse(&ss, &sl, server)) {
		fprintf(stderr, "latchkey ng: --server %s: expected "
			"ADDRESS:PORT or [IPv6]:PORT, numeric\n", server);
		return 2;
	}

	snprintf(cookie, sizeof(cookie), "lk%ld_%ld", (long)getpid(),
		 (long)time(NULL));
	len = enc_request(req, sizeof(req), cookie, cmd, callid);
	/*
	 * A connected UDP socket: the ICMP port unreachable of a host where
	 * nothing listens comes back as ECONNREFUSED on recv() at once,
	 * instead of a wait for the whole timeout.
	 */
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (!len || fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) < 0 ||
	    send(fd, req, len, 0) < 0) {
		fprintf(stderr, "latchkey ng: cannot send to %s: %s\n", server,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	n = -1;
	errno = ETIMEDOUT;
	if (poll(&pfd, 1, (int)timeout) > 0)
		n = recv(fd, rep, sizeof(rep), 0);
	if (n <= 0 && errno == ECONNREFUSED) {
		fprintf(stderr, "latchkey ng: %s refused the request (nothing "
			"listens on that port): is the relay running, and is "
			"that its Session control > Listen address?\n",
			server);
		close(fd);
		return 1;
	}
	if (n <= 0) {
		fprintf(stderr, "latchkey ng: no reply from %s within %ld ms: "
			"is the relay running, and is that its Session "
			"control > Listen address?\n", server, timeout);
		close(fd);
		return 1;
	}
	close(fd);
	{
		struct lk_ngframe frame;

		if (lk_ngframe_split(&frame, rep, (size_t)n, &berr) ||
		    lk_bencode_decode(&root, nodes, NODES, frame.body.p,
				      frame.body.len, &berr) ||
		    root->type != LK_BENCODE_DICT) {
			fprintf(stderr, "latchkey ng: the reply from %s is not "
				"an ng reply (%zd octets)\n", server, n);
			return 1;
		}
	}
	print_value(root, 0);
	res = lk_bencode_dict_get(root, "result");
	if (lk_bencode_get_str(&s, res))
		return 1;

	return (s.len == 2 && !memcmp(s.p, "ok", 2)) ||
	       (s.len == 4 && !memcmp(s.p, "pong", 4)) ? 0 : 1;
}
