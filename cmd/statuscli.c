/* cmd/statuscli.c  latchkey status: a running latchkeyd's /status, as text or JSON, from a shell. */
/*
 * One GET of /status on the management HTTP port (docs/management.md) with
 * libevent's HTTP client, then either the JSON as it came (--json) or a few
 * lines for a person, decoded with libre's JSON decoder.  The address, port
 * and access token come from the daemon's configuration file (--config), or
 * from --url and --token.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <re.h>

#include "conf.h"
#include "statuscli.h"

#define U64(x) ((unsigned long long)(x))

void lk_statuscli_usage(FILE *f)
{
	fprintf(f,
"usage: latchkey status [--config FILE | --url URL] [--token TOKEN]\n"
"                       [--json] [--timeout MS]\n"
"\n"
"Asks a running latchkeyd for its status over its management HTTP port\n"
"(GET /status, docs/management.md) and prints it: role, uptime, the\n"
"configuration's digest, traversal zones, registrations, calls with their\n"
"legs, media totals, drops, TURN allocations.\n"
"\n"
"  -c, --config FILE  the daemon's configuration: Management > Address,\n"
"                     HTTP port and Access token are taken from it\n"
"  -u, --url URL      http://ADDRESS:PORT of the management listener\n"
"                     (default http://127.0.0.1:80)\n"
"  -T, --token TOKEN  the access token (default: $LATCHKEY_TOKEN, or the\n"
"                     configuration's)\n"
"  -j, --json         print /status as the daemon sent it\n"
"  -t, --timeout MS   how long to wait for the answer (default 3000)\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 printed, 1 no answer or an HTTP error, 2 bad command line.\n");
}

struct fetch {
	struct event_base *base;
	int code;
	char reason[64];
	struct evbuffer *body;
	bool done;
};

static void fetch_done(struct evhttp_request *req, void *arg)
{
	struct fetch *f = arg;

	f->done = true;
	if (req) {
		const char *r = evhttp_request_get_response_code_line(req);

		f->code = evhttp_request_get_response_code(req);
		snprintf(f->reason, sizeof(f->reason), "%s", r ? r : "");
		evbuffer_add_buffer(f->body,
				    evhttp_request_get_input_buffer(req));
	}
	event_base_loopexit(f->base, NULL);
}

/* GET `path` from host:port; 0 with the status in f->code, or an errno. */
static int fetch(struct fetch *f, const char *host, uint16_t port,
		 const char *path, const char *token, long timeout_ms)
{
	struct evhttp_connection *cn = NULL;
	struct evhttp_request *req;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	char hdr[200], hostport[96];
	int err = 0;

	f->base = event_base_new();
	f->body = evbuffer_new();
	if (!f->base || !f->body)
		return ENOMEM;
	cn = evhttp_connection_base_new(f->base, NULL, host, port);
	req = cn ? evhttp_request_new(fetch_done, f) : NULL;
	if (!req) {
		err = ENOMEM;
		goto out;
	}
	evhttp_connection_set_timeout_tv(cn, &tv);
	snprintf(hostport, sizeof(hostport), strchr(host, ':') ? "[%s]:%u" :
		 "%s:%u", host, port);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
			  hostport);
	if (token && token[0]) {
		snprintf(hdr, sizeof(hdr), "Bearer %s", token);
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Authorization", hdr);
	}
	if (evhttp_make_request(cn, req, EVHTTP_REQ_GET, path)) {
		err = ECONNREFUSED;
		goto out;
	}
	event_base_dispatch(f->base);
	if (!f->done || !f->code)
		err = ECONNREFUSED;

 out:
	if (cn)
		evhttp_connection_free(cn);
	return err;
}

/* --- reading the JSON ------------------------------------------------------ */

static const struct odict *obj(const struct odict *o, const char *key)
{
	const struct odict_entry *e = o ? odict_get_type(o, ODICT_OBJECT, key)
		: NULL;

	return e ? e->u.odict : NULL;
}

static const struct odict *arr(const struct odict *o, const char *key)
{
	const struct odict_entry *e = o ? odict_get_type(o, ODICT_ARRAY, key)
		: NULL;

	return e ? e->u.odict : NULL;
}

static const char *str(const struct odict *o, const char *key)
{
	const char *s = o ? odict_string(o, key) : NULL;

	return s ? s : "-";
}

static uint64_t num(const struct odict *o, const char *key)
{
	uint64_t v = 0;

	if (o)
		odict_get_number(o, &v, key);
	return v;
}

static bool yes(const struct odict *o, const char *key)
{
	bool v = false;

	if (o)
		odict_get_boolean(o, &v, key);
	return v;
}

/* The objects of an array, in order. */
#define EACH(le, a) for (le = (a) ? list_head(&(a)->lst) : NULL; le; \
			 le = le->next)
#define ITEM(le) (((const struct odict_entry *)(le)->data)->type == \
		  ODICT_OBJECT ? ((const struct odict_entry *)(le)->data)-> \
		  u.odict : NULL)

static const char *iso(char *buf, size_t sz, uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		return "never";
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *dur(char *buf, size_t sz, uint64_t s)
{
	if (s >= 86400)
		snprintf(buf, sz, "%llud %lluh %llum", U64(s / 86400),
			 U64(s % 86400 / 3600), U64(s % 3600 / 60));
	else if (s >= 3600)
		snprintf(buf, sz, "%lluh %llum %llus", U64(s / 3600),
			 U64(s % 3600 / 60), U64(s % 60));
	else if (s >= 60)
		snprintf(buf, sz, "%llum %llus", U64(s / 60), U64(s % 60));
	else
		snprintf(buf, sz, "%llus", U64(s));
	return buf;
}

/* "name N" for each non-zero member of a counters object. */
static unsigned nonzero(const char *what, const struct odict *o)
{
	struct le *le;
	unsigned n = 0;

	for (le = o ? list_head(&o->lst) : NULL; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (e->type != ODICT_INT || !e->u.integer)
			continue;
		printf("  %s %s: %lld\n", what, e->key,
		       (long long)e->u.integer);
		++n;
	}
	return n;
}

static void print_text(const struct odict *s)
{
	const struct odict *cfg = obj(s, "config"), *regs, *sip, *h323,
		*media = obj(s, "media"), *turn = obj(s, "turn");
	char t1[32], t2[32], t3[32];
	unsigned drops = 0;
	struct le *le, *le2;

	printf("latchkey %s %s, pid %llu, up %s\n", str(s, "role"),
	       str(s, "version"), U64(num(s, "pid")),
	       dur(t1, sizeof(t1), num(s, "uptime_s")));
	printf("configuration: %s", cfg && odict_string(cfg, "file") ?
	       str(cfg, "file") : "built-in defaults");
	if (cfg && odict_string(cfg, "sha256"))
		printf(", sha256 %s", str(cfg, "sha256"));
	printf(", loaded %s (%llu load%s)\n",
	       iso(t2, sizeof(t2), num(cfg, "loaded_at")),
	       U64(num(cfg, "loads")), num(cfg, "loads") == 1 ? "" : "s");

	printf("traversal zones:%s\n", arr(s, "zones") &&
	       list_head(&arr(s, "zones")->lst) ? "" : " none");
	EACH(le, arr(s, "zones")) {
		const struct odict *z = ITEM(le);

		printf("  %llu %s (%s, %s): %s since %s, peer %s, reconnects "
		       "%llu\n", U64(num(z, "number")), str(z, "name"),
		       str(z, "role"), str(z, "transport"), str(z, "state"),
		       iso(t2, sizeof(t2), num(z, "since")), str(z, "peer"),
		       U64(num(z, "reconnects")));
		if (obj(z, "h323"))
			printf("     H.323 (%s): %s since %s, peer %s, last "
			       "keep-alive %s\n", str(obj(z, "h323"), "role"),
			       str(obj(z, "h323"), "state"),
			       iso(t2, sizeof(t2), num(obj(z, "h323"),
						      "since")),
			       str(obj(z, "h323"), "peer"),
			       iso(t3, sizeof(t3), num(obj(z, "h323"),
						      "last_keepalive")));
	}

	regs = obj(s, "registrations");
	sip = obj(regs, "sip");
	h323 = obj(regs, "h323");
	printf("registrations: SIP %llu, H.323 ", U64(num(sip, "bindings")));
	if (h323)
		printf("%llu\n", U64(num(h323, "endpoints")));
	else
		printf("not running\n");
	EACH(le, arr(sip, "list")) {
		const struct odict *b = ITEM(le);

		printf("  %s -> %s (%s from %s), expires in %llus\n",
		       str(b, "aor"), str(b, "contact"), str(b, "transport"),
		       str(b, "source"), U64(num(b, "expires_in")));
	}

	printf("calls: %llu%s\n", U64(num(media, "calls")),
	       yes(s, "calls_truncated") ? " (the first 100 below)" : "");
	EACH(le, arr(s, "calls")) {
		const struct odict *c = ITEM(le);

		printf("  %s, %s\n", str(c, "call_id"),
		       dur(t1, sizeof(t1), num(c, "duration_s")));
		EACH(le2, arr(c, "legs")) {
			const struct odict *l = ITEM(le2);

			printf("    %s %s %s: relay port %llu, %s%s%s, "
			       "in %llu packets, out %llu packets\n",
			       str(l, "side"), str(l, "tag"), str(l, "media"),
			       U64(num(l, "local_rtp")), str(l, "sending"),
			       yes(l, "latched") ? " " : "",
			       yes(l, "latched") ? str(l, "peer") : "",
			       U64(num(l, "packets_in")),
			       U64(num(l, "packets_out")));
		}
	}
	printf("media: %llu packets, %llu bytes forwarded; %llu port pairs "
	       "free\n", U64(num(media, "packets")), U64(num(media, "bytes")),
	       U64(num(media, "port_pairs_free")));
	printf("drops:\n");
	drops += nonzero("media", obj(media, "dropped"));
	drops += nonzero("SIP", obj(obj(s, "sip"), "dropped"));
	EACH(le, arr(s, "listeners")) {
		const struct odict *l = ITEM(le);
		const struct odict *c = obj(l, "counters");
		uint64_t n = num(c, "dropped") + num(c, "closed");

		if (!c || !n)
			continue;
		printf("  %s %s/%llu (not served yet): %llu\n",
		       str(l, "purpose"), str(l, "transport"),
		       U64(num(l, "port")), U64(n));
		++drops;
	}
	if (!drops)
		printf("  none\n");
	if (turn)
		printf("TURN: %llu allocations\n", U64(num(turn,
							  "allocations")));
	else
		printf("TURN: off\n");
}

/* "http://HOST[:PORT][/]", HOST numeric or [IPv6]; 0 or EINVAL. */
static int parse_url(const char *url, char *host, size_t hsz, uint16_t *portp)
{
	const char *p = url + 7, *e;
	unsigned long v;
	char *end;
	size_t n;

	if (strncmp(url, "http://", 7))
		return EINVAL;
	if (*p == '[') {
		e = strchr(++p, ']');
		if (!e)
			return EINVAL;
		n = (size_t)(e++ - p);
	}
	else {
		n = strcspn(p, ":/");
		e = p + n;
	}
	if (!n || n >= hsz)
		return EINVAL;
	if (*e == ':') {
		v = strtoul(e + 1, &end, 10);
		if (end == e + 1 || !v || v > 65535 || (*end && strcmp(end, "/")))
			return EINVAL;
		*portp = (uint16_t)v;
	}
	else if (*e && strcmp(e, "/")) {
		return EINVAL;
	}
	memcpy(host, p, n);
	host[n] = '\0';

	return 0;
}

int lk_statuscli_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"url", required_argument, NULL, 'u'},
		{"token", required_argument, NULL, 'T'},
		{"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = NULL, *url = NULL, *token = NULL;
	char host[64] = "127.0.0.1", ctoken[128] = "";
	struct fetch f = {0};
	struct odict *od = NULL;
	uint16_t port = 80;
	long timeout = 3000;
	bool json = false;
	int c, err, ret = 1;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+c:u:T:jt:h", opts, NULL)) != -1) {
		switch (c) {

		case 'c':
			config = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		case 'T':
			token = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			timeout = strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 60000) {
				fprintf(stderr, "latchkey status: --timeout "
					"%s: expected milliseconds from 1 to "
					"60000\n", optarg);
				return 2;
			}
			break;
		case 'h':
			lk_statuscli_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "latchkey status: unknown option '%s'; "
				"see 'latchkey status --help'\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "latchkey status: unexpected argument '%s'; "
			"see 'latchkey status --help'\n", argv[optind]);
		return 2;
	}
	if (config && url) {
		fprintf(stderr, "latchkey status: --config or --url, not "
			"both\n");
		return 2;
	}
	if (config) {
		struct lk_conf_diag diag;
		struct lk_conf *conf = calloc(1, sizeof(*conf));

		err = conf ? lk_conf_load(conf, config, &diag) : ENOMEM;
		if (err == EINVAL) {
			lk_conf_diag_print_errors(&diag, stderr);
			fprintf(stderr, "latchkey status: %s: %u error%s in the "
				"configuration\n", config, diag.nerrors,
				diag.nerrors == 1 ? "" : "s");
		}
		else if (err)
			fprintf(stderr, "latchkey status: %s\n", conf &&
				diag.n ? diag.msg[0].text : strerror(err));
		if (err) {
			free(conf);
			return 1;
		}
		snprintf(host, sizeof(host), "%s", conf->mgmt_address);
		port = conf->mgmt_http_port;
		snprintf(ctoken, sizeof(ctoken), "%s", conf->mgmt_token);
		free(conf);
	}
	if (url && parse_url(url, host, sizeof(host), &port)) {
		fprintf(stderr, "latchkey status: --url %s: expected "
			"http://ADDRESS[:PORT], the address numeric\n", url);
		return 2;
	}
	if (!token)
		token = getenv("LATCHKEY_TOKEN");
	if (!token)
		token = ctoken;

	err = fetch(&f, host, port, "/status", token, timeout);
	if (err) {
		fprintf(stderr, "latchkey status: no answer from http://%s%s%s"
			":%u/status: is latchkeyd running, with Management > "
			"HTTP port %u on %s? (docs/management.md)\n",
			strchr(host, ':') ? "[" : "", host,
			strchr(host, ':') ? "]" : "", port, port, host);
		goto out;
	}
	if (f.code != 200) {
		fprintf(stderr, "latchkey status: http://%s:%u/status answered "
			"%d %s%s\n", host, port, f.code, f.reason,
			f.code == 401 ? ": give the access token with --token, "
			"$LATCHKEY_TOKEN or --config" : "");
		goto out;
	}
	if (json) {
		size_t n = evbuffer_get_length(f.body);

		if (fwrite(evbuffer_pullup(f.body, -1), 1, n, stdout) != n)
			goto out;
		ret = 0;
		goto out;
	}
	err = json_decode_odict(&od, 64, (const char *)evbuffer_pullup(f.body,
				-1), evbuffer_get_length(f.body), 16);
	if (err) {
		fprintf(stderr, "latchkey status: the answer is not JSON: %s\n",
			strerror(err));
		goto out;
	}
	print_text(od);
	ret = fflush(stdout) ? 1 : 0;

 out:
	mem_deref(od);
	if (f.body)
		evbuffer_free(f.body);
	if (f.base)
		event_base_free(f.base);
	return ret;
}
