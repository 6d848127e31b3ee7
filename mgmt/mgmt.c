/* mgmt/mgmt.c  The management listener: evhttp on HTTP and HTTPS, routing, access token. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <re.h>

#include "clock.h"
#include "log.h"
#include "mgmt.h"
#include "page.h"
#include "sip/tls.h"

/* A request's head must fit here; nothing we serve takes a body. */
#define HEADERS_MAX 8192
/* Seconds a connection may take to send its request (evhttp's timer). */
#define REQUEST_TIMEOUT 10

struct lk_mgmt {
	struct lk_mgmt_src src;
	struct lk_mgmt_meta meta;
	struct evhttp *http, *https;
	SSL_CTX *ssl;
};

static void mgmt_destructor(void *arg)
{
	struct lk_mgmt *m = arg;

	if (m->http)
		evhttp_free(m->http);
	if (m->https)
		evhttp_free(m->https);
	if (m->ssl)
		SSL_CTX_free(m->ssl);
}

const struct lk_mgmt_src *lk_mgmt_source(const struct lk_mgmt *m)
{
	return &m->src;
}

const struct lk_mgmt_meta *lk_mgmt_meta(const struct lk_mgmt *m)
{
	return &m->meta;
}

unsigned lk_mgmt_listening(const struct lk_mgmt *m)
{
	return m ? (unsigned)m->meta.http + (unsigned)m->meta.https : 0;
}

/*
 * SHA-256 of the file as read now: a reload reads it once for the
 * configuration and once here, so a file changed between the two reads
 * shows the newer digest; `loaded_at` still says when the load was.
 */
void lk_mgmt_conf_loaded(struct lk_mgmt *m)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[4096];
	unsigned mdlen = 0, i;
	EVP_MD_CTX *ctx = NULL;
	FILE *f = NULL;
	size_t n;

	if (!m)
		return;
	m->meta.loaded_at = (uint64_t)time(NULL);
	++m->meta.loads;
	m->meta.sha256[0] = '\0';
	if (!m->src.conf_path)
		return;
	f = fopen(m->src.conf_path, "rb");
	ctx = EVP_MD_CTX_new();
	if (!f || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		goto out;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (!EVP_DigestUpdate(ctx, buf, n))
			goto out;
	}
	if (ferror(f) || !EVP_DigestFinal_ex(ctx, md, &mdlen))
		goto out;
	for (i = 0; i < mdlen && 2 * i + 2 < sizeof(m->meta.sha256); i++)
		snprintf(m->meta.sha256 + 2 * i, 3, "%02x", md[i]);

 out:
	if (!m->meta.sha256[0])
		lk_log_as(LK_LOG_WARN, "mgmt", "%s: cannot digest the "
			  "configuration file: %s", m->src.conf_path,
			  strerror(errno ? errno : EIO));
	EVP_MD_CTX_free(ctx);
	if (f)
		fclose(f);
}

/*
 * Access token (docs/management.md, "Access"): "Authorization: Bearer T",
 * or Basic with T as the password and any user name (so that a browser's
 * own prompt works for the status page).  Compared in constant time.
 */
static bool token_equal(const char *token, const char *given, size_t len)
{
	size_t tlen = strlen(token);

	if (len != tlen)
		return false;

	return CRYPTO_memcmp(token, given, len) == 0;
}

static bool authorized(const struct lk_mgmt *m, struct evhttp_request *req)
{
	const char *token = m->src.conf->mgmt_token;
	const char *h;
	uint8_t dec[256];
	size_t declen = sizeof(dec) - 1;
	const uint8_t *colon;

	if (!token[0])
		return true;
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
			       "Authorization");
	if (!h)
		return false;
	if (!strncasecmp(h, "Bearer ", 7))
		return token_equal(token, h + 7, strlen(h + 7));
	if (strncasecmp(h, "Basic ", 6) || strlen(h + 6) > 340)
		return false;
	if (base64_decode(h + 6, strlen(h + 6), dec, &declen))
		return false;
	colon = memchr(dec, ':', declen);
	if (!colon)
		return false;

	return token_equal(token, (const char *)colon + 1,
			   declen - (size_t)(colon + 1 - dec));
}

static void reply(struct evhttp_request *req, int code, const char *reason,
		  const char *ctype, struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(req, code, reason, body);
}

static void reply_error(struct evhttp_request *req, int code,
			const char *reason, const char *why)
{
	struct evbuffer *b = evbuffer_new();

	if (b)
		evbuffer_add_printf(b, "{\"error\":\"%s\"}\n", why);
	reply(req, code, reason, "application/json", b);
	if (b)
		evbuffer_free(b);
}

/* "/calls/ID": the call-id, percent-decoded; NULL if `path` is not one. */
static char *call_id_of(const char *path)
{
	if (strncmp(path, "/calls/", 7) || !path[7])
		return NULL;

	return evhttp_uridecode(path + 7, 0, NULL);
}

static void route(struct evhttp_request *req, void *arg)
{
	struct lk_mgmt *m = arg;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const char *ctype = "application/json";
	struct evbuffer *b = NULL;
	char *id = NULL;
	int err;

	++m->meta.requests;
	if (!path || !path[0])
		path = "/";
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		++m->meta.bad_method;
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Allow", "GET, HEAD");
		reply_error(req, 405, "Method Not Allowed",
			    "only GET and HEAD");
		return;
	}
	/* Prometheus scrapes without credentials (docs/management.md). */
	if (strcmp(path, "/metrics") && !authorized(m, req)) {
		++m->meta.unauthorized;
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "WWW-Authenticate",
				  "Basic realm=\"latchkey\", charset=\"UTF-8\"");
		reply_error(req, 401, "Unauthorized", "access token needed: "
			    "Authorization: Bearer TOKEN");
		return;
	}
	b = evbuffer_new();
	if (!b) {
		reply_error(req, 503, "Service Unavailable", "out of memory");
		return;
	}
	if (!strcmp(path, "/")) {
		ctype = "text/html; charset=utf-8";
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Content-Security-Policy",
				  LK_MGMT_PAGE_CSP);
		err = lk_mgmt_page(b);
	}
	else if (!strcmp(path, "/status"))
		err = lk_mgmt_status_json(m, b);
	else if (!strcmp(path, "/calls"))
		err = lk_mgmt_calls_json(m, b);
	else if ((id = call_id_of(path)) != NULL)
		err = lk_mgmt_call_json(m, id, b);
	else if (!strcmp(path, "/registrations"))
		err = lk_mgmt_registrations_json(m, b);
	else if (!strcmp(path, "/ports"))
		err = lk_mgmt_ports_json(m, b);
	else if (!strcmp(path, "/metrics")) {
		/* Prometheus text exposition format 0.0.4. */
		ctype = "text/plain; version=0.0.4; charset=utf-8";
		err = lk_mgmt_metrics(m, b);
	}
	else
		err = ENOENT;
	free(id);

	if (err == ENOENT) {
		++m->meta.not_found;
		reply_error(req, 404, "Not Found", "no such path or call; "
			    "paths: / /status /calls /calls/ID "
			    "/registrations /ports /metrics");
	}
	else if (err)
		reply_error(req, 500, "Internal Server Error", strerror(err));
	else
		reply(req, 200, "OK", ctype, b);
	evbuffer_free(b);
}

static struct bufferevent *https_bev(struct event_base *base, void *arg)
{
	struct lk_mgmt *m = arg;
	SSL *ssl = SSL_new(m->ssl);

	if (!ssl)
		return NULL;

	return bufferevent_openssl_socket_new(base, -1, ssl,
					      BUFFEREVENT_SSL_ACCEPTING,
					      BEV_OPT_CLOSE_ON_FREE);
}

/* A listening TCP socket on addr:port; 0 or an errno. */
static int listen_tcp(int *fdp, const char *addr, uint16_t port)
{
	struct addrinfo hints = {0}, *ai = NULL;
	char serv[8];
	int fd, on = 1, err = 0;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(serv, sizeof(serv), "%u", port);
	if (getaddrinfo(addr, serv, &hints, &ai))
		return EINVAL;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 64)) {
		err = errno;
		close(fd);
		goto out;
	}
	*fdp = fd;

 out:
	freeaddrinfo(ai);
	return err;
}

static struct evhttp *server_new(struct lk_mgmt *m, struct event_base *base,
				 uint16_t port, enum lk_key key, char *errbuf,
				 size_t errsz)
{
	struct evhttp *http;
	int fd = -1, err;
	char path[160];

	err = listen_tcp(&fd, m->src.conf->mgmt_address, port);
	if (!err) {
		http = evhttp_new(base);
		if (http && !evhttp_accept_socket_with_handle(http, fd))
			http = (evhttp_free(http), NULL);
		if (!http) {
			close(fd);
			err = ENOMEM;
		}
	}
	if (err) {
		size_t len = strlen(errbuf);

		lk_conf_key_path(path, sizeof(path), key, 0);
		snprintf(errbuf + len, errsz - len, "%smanagement: cannot "
			 "listen on TCP %s:%u (%s): %s", len ? "; " : "",
			 m->src.conf->mgmt_address, port, path, strerror(err));
		return NULL;
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
				   EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
				   EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
				   EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(http, HEADERS_MAX);
	evhttp_set_max_body_size(http, 0);
	evhttp_set_timeout(http, REQUEST_TIMEOUT);
	evhttp_set_gencb(http, route, m);

	return http;
}

/*
 * The HTTPS port's context: Management > TLS certificate and key, or, when
 * unset, what SIP TLS uses (Protocols > SIP > TLS certificate, or a
 * self-signed lab certificate of its own made at start, whose warning names
 * the management keys: signalling/sip/tls.h).
 */
static int https_ctx(struct lk_mgmt *m, char *errbuf, size_t errsz)
{
	const struct lk_conf *c = m->src.conf;

	if (c->mgmt_tls_cert[0] || !c->sip_tls_cert[0])
		return lk_tls_server_ctx(&m->ssl, c->mgmt_tls_cert,
					 c->mgmt_tls_key, c->address,
					 "Management", "management HTTPS port",
					 errbuf, errsz);

	return lk_tls_server_ctx(&m->ssl, c->sip_tls_cert, c->sip_tls_key,
				 c->address, "Protocols > SIP",
				 "management HTTPS port", errbuf, errsz);
}

int lk_mgmt_alloc(struct lk_mgmt **mp, struct event_base *base,
		  const struct lk_mgmt_src *src, char *errbuf, size_t errsz)
{
	struct lk_mgmt *m;
	char tlserr[256] = "";
	int err;

	if (!mp || !base || !src || !src->conf || !src->media || !errsz)
		return EINVAL;
	m = mem_zalloc(sizeof(*m), mgmt_destructor);
	if (!m)
		return ENOMEM;
	errbuf[0] = '\0';
	m->src = *src;
	m->meta.started = (uint64_t)time(NULL);
	m->meta.started_ms = lk_clock_ms();
	lk_mgmt_conf_loaded(m);

	m->http = server_new(m, base, src->conf->mgmt_http_port,
			     LK_KEY_MGMT_HTTP_PORT, errbuf, errsz);
	m->meta.http = m->http != NULL;
	err = https_ctx(m, tlserr, sizeof(tlserr));
	if (err) {
		size_t len = strlen(errbuf);

		snprintf(errbuf + len, errsz - len, "%smanagement: HTTPS not "
			 "served: %s", len ? "; " : "", tlserr);
	}
	else {
		m->https = server_new(m, base, src->conf->mgmt_https_port,
				      LK_KEY_MGMT_HTTPS_PORT, errbuf, errsz);
		if (m->https)
			evhttp_set_bevcb(m->https, https_bev, m);
	}
	m->meta.https = m->https != NULL;
	*mp = m;

	return 0;
}
