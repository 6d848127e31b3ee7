/* cmd/latchkeyd.c  The daemon: loads the configuration, binds, runs. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <re.h>

#include "conf.h"
#include "conf_reload.h"
#include "clock.h"
#include "h323/assent.h"
#include "h323/callsig.h"
#include "h323/gk.h"
#include "h323/h460.h"
#include "h323/zone.h"
#include "kernports.h"
#include "listen.h"
#include "turn.h"
#include "log.h"
#include "media.h"
#include "mgmt.h"
#include "ng.h"
#include "service.h"
#include "sip/sip.h"

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

/* Exit codes: 0 clean stop, 1 runtime failure, 2 usage, 78 configuration. */
enum {
	EXIT_USAGE = 2,
	EXIT_CONFIG = 78,	/* sysexits.h EX_CONFIG */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: latchkeyd [--config FILE] [--check-config] [--log-level LEVEL]\n"
"                 [--log-file FILE]\n"
"\n"
"latchkey media relay daemon, on the port model of Cisco VCS/Expressway X8.2.\n"
"Runs in the foreground and logs to stderr; stop it with SIGINT or SIGTERM.\n"
"SIGHUP reloads the configuration file without dropping a call: what can\n"
"change at run time is applied, the rest kept (docs/configuration.md).\n"
"\n"
"  -c, --config FILE     configuration file (docs/configuration.md); without\n"
"                        it the seed's defaults: role expressway, every\n"
"                        listener on 127.0.0.1\n"
"  -n, --check-config    print the effective configuration, defaults marked,\n"
"                        and exit 0; or print the errors and exit 78\n"
"  -l, --log-level LEVEL error, warning, info or debug (overrides the file)\n"
"  -L, --log-file FILE   log to FILE (appended) instead of stderr; SIGUSR1\n"
"                        opens it again after logrotate moved it\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Exit status: 0 stopped cleanly, 1 runtime failure (e.g. a port could not\n"
"be bound), 2 bad command line, 78 configuration errors (nothing bound).\n");
}

/*
 * getopt_long() with opterr off leaves the reporting to us: the program's
 * name, the option as typed and a pointer to --help, as latchkey does.
 */
static int option_error(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		fprintf(stderr, "latchkeyd: option '%s' needs a value", arg);
	else if (optopt && (!arg || strncmp(arg, "--", 2)))
		fprintf(stderr, "latchkeyd: unknown option '-%c'", optopt);
	else
		fprintf(stderr, "latchkeyd: unknown option '%s'", arg);
	fprintf(stderr, "; see 'latchkeyd --help'\n");

	return EXIT_USAGE;
}

/*
 * Ports bound for a protocol latchkeyd does not serve yet (config/
 * service.c says which): say so, so that a silent port is no mystery.
 */
static void not_served_say(const struct lk_conf *conf)
{
	struct lk_listen_item items[LK_LISTEN_MAX];
	unsigned i, n = lk_listen_plan(conf, items);

	for (i = 0; i < n; i++) {
		enum lk_service_proto proto =
			lk_service_proto_of_key(items[i].key);
		bool udp = items[i].proto == LK_LISTEN_UDP;

		if (lk_service_of_key(items[i].key) != LK_SERVICE_BOUND)
			continue;
		lk_log_as(LK_LOG_INFO, "ports", "%u/%s bound, %s not served "
			  "yet: %s", items[i].port, udp ? "udp" : "tcp",
			  lk_service_proto_name(proto), udp ?
			  "datagrams are counted and dropped" :
			  "connections are accepted, counted and closed");
	}
}

/*
 * The configuration's messages, once, as log lines of the subsystem
 * "config": at start, in --check-config and on a reload (SIGHUP).
 */
static void conf_log(const struct lk_conf_diag *diag)
{
	unsigned i;

	for (i = 0; i < diag->n; i++)
		lk_log_as(diag->msg[i].severity == LK_CONF_ERROR ?
			  LK_LOG_ERROR : LK_LOG_WARN, "config", "%s",
			  diag->msg[i].text);
	if (diag->dropped)
		lk_log_as(LK_LOG_WARN, "config", "%u more messages not shown",
			  diag->dropped);
}

/* What the control thread needs for a reload. */
struct daemon {
	const char *path;		/* --config, or NULL */
	bool cli_level;			/* --log-level given: it wins */
	struct lk_conf *conf;		/* the running configuration */
	struct lk_media *media;
	struct lk_sip *sip;
	unsigned kept;
	struct lk_mgmt *mgmt;		/* NULL: management not running */
	const char *log_file;		/* --log-file, or NULL: stderr */
};

/* "statistics" over ng: the placeholder listeners' drop counters. */
static unsigned listeners_h(struct lk_ng_listener *out, unsigned max,
			    void *arg)
{
	struct lk_listen_drops d[LK_LISTEN_MAX];
	unsigned i, n;

	n = lk_listen_drops(arg, d, max < LK_LISTEN_MAX ? max :
			    LK_LISTEN_MAX);
	for (i = 0; i < n; i++) {
		out[i].transport = d[i].item->proto == LK_LISTEN_UDP ? "udp" :
			"tcp";
		out[i].port = d[i].item->port;
		out[i].purpose = d[i].item->purpose;
		out[i].dropped = d[i].datagrams;
		out[i].closed = d[i].connections;
	}

	return n;
}

/* Keys whose values are secrets: a reload says they changed, not to what. */
static bool secret_key(enum lk_key key)
{
	return key == LK_KEY_ZONE_PASSWORD || key == LK_KEY_REG_USERS ||
	       key == LK_KEY_TURN_USERS || key == LK_KEY_TURN_SECRET ||
	       key == LK_KEY_MGMT_TOKEN;
}

static void reload_change(const struct lk_conf_change *ch, void *arg)
{
	struct daemon *d = arg;
	char path[160];
	bool secret = secret_key(ch->key);

	lk_conf_key_path(path, sizeof(path), ch->key, ch->zone);
	if (ch->applied) {
		lk_log_as(LK_LOG_INFO, "config", "%s: %s%s%s%s%s", path,
			  secret ? "changed" : "\"", secret ? "" :
			  ch->old_value, secret ? "" : "\" -> \"",
			  secret ? "" : ch->new_value, secret ? "" : "\"");
		return;
	}
	++d->kept;
	lk_log_as(LK_LOG_WARN, "config", "%s: keeps \"%s\" (the file now "
		  "says \"%s\"): %s; restart latchkeyd to apply it", path,
		  secret ? "..." : ch->old_value,
		  secret ? "..." : ch->new_value, ch->why);
}

/*
 * SIGHUP: load the file again, checked as at start.  A file with errors
 * is refused as a whole, with the same messages as at start, and the
 * running configuration stays.  Otherwise what may change at run time is
 * applied (conf_reload.c lists it) and the rest is kept, with the reason.
 * Runs on the control thread, between events: no call sees half of it.
 */
static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct lk_conf_diag *diag = NULL;
	struct lk_conf *next = NULL;
	enum lk_log_level lvl;
	unsigned applied;
	int err;

	(void)sig;
	(void)what;
	if (!d->path) {
		lk_info("SIGHUP: running on the built-in defaults, no file to "
			"reload (start with --config FILE)");
		return;
	}
	lk_info("SIGHUP: reloading %s", d->path);
	next = calloc(1, sizeof(*next));
	diag = calloc(1, sizeof(*diag));
	if (!next || !diag) {
		lk_error("reload of %s: %s; the running configuration stays",
			 d->path, strerror(ENOMEM));
		goto out;
	}
	err = lk_conf_load(next, d->path, diag);
	conf_log(diag);
	if (err) {
		lk_error("reload of %s refused: %s; the running configuration "
			 "stays", d->path, err == EINVAL ? "the file has errors" :
			 strerror(err));
		goto out;
	}
	d->kept = 0;
	applied = lk_conf_reload(d->conf, next, reload_change, d);
	lk_media_reconf(d->media, d->conf);
	lk_sip_reconf(d->sip, d->conf);
	lk_mgmt_conf_loaded(d->mgmt);
	if (!d->cli_level && !lk_log_level_parse(&lvl, d->conf->log_level))
		lk_log_set_level(lvl);
	lk_info("reload of %s done: %u change%s applied, %u kept until a "
		"restart%s", d->path, applied, applied == 1 ? "" : "s",
		d->kept, d->cli_level ? "; the log level stays as "
		"--log-level set it" : "");

 out:
	free(diag);
	free(next);
}

/* SIGUSR1: logrotate moved the log file away; open it again. */
static void on_usr1(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	int err;

	if (!d->log_file) {
		lk_info("SIGUSR1: logging to stderr (no --log-file), nothing "
			"to reopen");
		return;
	}
	err = lk_log_file_open(d->log_file);
	if (err)
		lk_error("SIGUSR1: cannot open %s again: %s; logging on to "
			 "the file as it was", d->log_file, strerror(err));
	else
		lk_info("SIGUSR1: log file %s opened again", d->log_file);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct event_base *base = arg;

	lk_info("stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
	event_base_loopbreak(base);
}

/*
 * The gatekeeper's RAS side on the Registration UDP port (issue 11): the
 * socket listen.c bound goes to signalling/h323/gk.c, with the
 * gatekeeper's settings.  With "H.323 mode" off it is not started and
 * listen.c counts and drops what arrives.
 */
/*
 * An ARQ to an alias nobody registered is admitted when the dial plan has
 * an H.323 route for it: the Setup then comes to 1720 and goes on there.
 */
static int h323_admit(const struct lk_asn_val *dest, void *arg)
{
	return lk_h323_callsig_routable(arg, dest);
}

static int h323_start(struct lk_h323_ras **rasp, struct lk_h323_gk **gkp,
		      struct event_base *base, const struct lk_conf *conf,
		      struct lk_listen_set *listeners)
{
	struct lk_h323_gk_params p = { .ttl = conf->h323_ttl,
		.call_ttl = conf->h323_call_ttl,
		.no_discover = !conf->h323_auto_discover,
		.overwrite = conf->h323_conflict == LK_H323_CONFLICT_OVERWRITE,
		.gkid = "latchkey", .max_regs = 4096,
		.h46018_ttl = LK_H46018_TTL,
		.h46019_mux = conf->role == LK_ROLE_EXPRESSWAY && conf->nmux,
		.admit = h323_admit, .admit_arg = (void *)conf };
	struct lk_h323_gk *gk = NULL;
	int fd, err;

	if (!conf->h323_mode) {
		lk_info("H.323 mode is off: no gatekeeper on UDP %u",
			conf->h323_ras_port);
		return 0;
	}

	/* IPv6 RAS is not served yet: gk.c counts and drops it. */
	if (inet_pton(AF_INET, conf->address, &p.ras.sin_addr) != 1)
		lk_warn("H.323 RAS over IPv6 (%s) is not served yet: "
			"datagrams on %u are counted and dropped",
			conf->address, conf->h323_ras_port);
	p.ras.sin_family = p.callsig.sin_family = AF_INET;
	p.callsig.sin_addr = p.ras.sin_addr;
	p.ras.sin_port = htons(conf->h323_ras_port);
	p.callsig.sin_port = htons(conf->h323_q931_port);
	fd = lk_listen_take_fd(listeners, LK_KEY_H323_RAS_PORT);
	if (fd < 0)
		return ENOENT;
	err = lk_h323_gk_alloc(&gk, &p);
	if (!err)
		err = lk_h323_ras_alloc(rasp, base, fd, gk);
	else
		close(fd);
	if (!err)
		*gkp = gk;	/* for management and call signalling */
	else
		mem_deref(gk);
	if (!err)
		lk_info("H.323 gatekeeper RAS on UDP %s:%u", conf->address,
			conf->h323_ras_port);
	return err;
}

/*
 * Management (mgmt/, docs/management.md): status, metrics and the status
 * page on Management > HTTP port and HTTPS port.  A port that cannot be
 * bound stops management on it, not the relay: logged as an error.
 */
static int mgmt_start(struct lk_mgmt **mgmtp, struct event_base *base,
		      const struct lk_conf *conf, const char *path,
		      struct lk_listen_set *listeners, struct lk_media *media,
		      struct lk_sip *sip, struct lk_turn *turn,
		      struct lk_h323_gk *gk, struct lk_ng *ng,
		      struct lk_h323_callsig *callsig,
		      struct lk_h323_zones *zones)
{
	struct lk_mgmt_src src = {conf, path, listeners, media, sip, turn, gk,
				  ng, callsig, zones};
	const struct lk_mgmt_meta *meta;
	char errbuf[768];
	int err;

	err = lk_mgmt_alloc(mgmtp, base, &src, errbuf, sizeof(errbuf));
	if (err) {
		lk_error("management: %s; stopping", strerror(err));
		return err;
	}
	if (errbuf[0])
		lk_log_as(LK_LOG_ERROR, "mgmt", "%s", errbuf);
	meta = lk_mgmt_meta(*mgmtp);
	if (meta->http)
		lk_info("status page at http://%s%s%s:%u/ (JSON: /status, "
			"Prometheus: /metrics)", strchr(conf->mgmt_address,
			':') ? "[" : "", conf->mgmt_address,
			strchr(conf->mgmt_address, ':') ? "]" : "",
			conf->mgmt_http_port);
	if (meta->https)
		lk_info("status page at https://%s%s%s:%u/",
			strchr(conf->mgmt_address, ':') ? "[" : "",
			conf->mgmt_address, strchr(conf->mgmt_address, ':') ?
			"]" : "", conf->mgmt_https_port);

	return 0;
}


/*
 * H.460.18 SCIs: a callee registered through a traversal zone's port
 * (signalling/h323/zone.c) is told there, any other on the gatekeeper's
 * RAS port.
 */
struct h323_sci_ctx {
	struct lk_h323_gk *gk;
	struct lk_h323_zones *zones;
};

static int h323_sci(const struct sockaddr_in *reg, const uint8_t callid[16],
		    bool cancel, void *arg)
{
	struct h323_sci_ctx *ctx = arg;
	int err = lk_h323_zones_sci(ctx->zones, reg, callid, cancel);

	return err == ENOENT ? lk_h323_gk_sci_send(reg, callid, cancel,
						   ctx->gk) : err;
}

/* A dial plan `zone N` route of an H.323 call (zone.h). */
static int h323_zone(unsigned zone, struct sockaddr_in *dst, void *arg)
{
	struct h323_sci_ctx *ctx = arg;

	return lk_h323_zones_route(ctx->zones, zone, dst);
}

/* H.460.19: is the callee at `reg` a media traversal client (h46019.h)? */
static bool h323_h46019(const struct sockaddr_in *reg, bool *muxp,
			void *arg)
{
	struct h323_sci_ctx *ctx = arg;

	return lk_h323_gk_h46019(reg, muxp, ctx->gk);
}

/* A caller that is a zone's Control (zone.h): its media is waited for. */
static bool h323_zone_client(const struct sockaddr_in *peer, void *arg)
{
	struct h323_sci_ctx *ctx = arg;

	return lk_h323_zones_is_client(ctx->zones, peer);
}

/* The Control: an SCI of a zone's Expressway, picked up (callsig.h). */
static void h323_zone_call(unsigned zone, const struct sockaddr_in *csa,
			   const uint8_t callid[16], void *arg)
{
	int err = lk_h323_callsig_zone_pickup(arg, csa, callid);

	if (err)
		lk_warn("zone %u: cannot connect out for an incoming H.323 "
			"call: %s", zone, strerror(err));
}

/* A Setup's destination among the gatekeeper's registrations. */
static int h323_locate(const struct lk_asn_val *aliases,
		       struct sockaddr_in *csa, void *arg)
{
	struct h323_sci_ctx *ctx = arg;

	return lk_h323_gk_route(ctx->gk, aliases, lk_clock_ms(), csa);
}

/* A DRQ the gatekeeper confirmed clears the call it names (issue 11). */
static void h323_disengage(const uint8_t *callid,
			   const struct sockaddr_in *from, const char *reason,
			   void *arg)
{
	(void)lk_h323_callsig_disengage(arg, callid, from, reason);
}

/*
 * Routed call signalling on the Call signaling TCP port (issue 11): the
 * listening socket goes to signalling/h323/callsig.c, which routes to the
 * gatekeeper's registrations (`gk`, NULL: none), then by the dial plan's
 * H.323 routes, and takes H.245 and media through the media core.
 */
static int h323_callsig_start(struct lk_h323_callsig **csp,
			      struct event_base *base,
			      const struct lk_conf *conf,
			      struct lk_listen_set *listeners,
			      struct lk_media *media, struct lk_h323_gk *gk,
			      struct h323_sci_ctx *sci)
{
	struct lk_h323_callsig_conf cc = { .conf = conf, .media = media,
		.locateh = gk ? h323_locate : NULL, .arg = sci,
		.scih = gk ? h323_sci : NULL, .zoneh = h323_zone,
		.zone_clienth = h323_zone_client,
		.h46019h = gk ? h323_h46019 : NULL,
		.h46019_keepalive = conf->h46019_keepalive };
	int fd, err;

	fd = lk_listen_take_fd(listeners, LK_KEY_H323_Q931_PORT);
	if (fd < 0)
		return ENOENT;
	/* H.245 of H.460.18 endpoints (seed U): callsig.c serves it. */
	cc.h46018_fd = lk_listen_take_fd(listeners, LK_KEY_H46018_PORT);
	if (cc.h46018_fd >= 0)
		cc.h46018_port = conf->h46018_port;
	err = lk_h323_callsig_alloc(csp, base, fd, &cc);
	if (!err && gk)
		lk_h323_gk_set_disengage(gk, h323_disengage, *csp);
	if (!err)
		lk_h323_zones_set_call(sci->zones, h323_zone_call, *csp);
	if (!err)
		lk_info("H.323 call signalling on TCP %s:%u, calls out from "
			"%u-%u", conf->address, conf->h323_q931_port,
			conf->h323_callsig.start, conf->h323_callsig.end);
	return err;
}

static int run(struct lk_conf *conf, const char *path, bool cli_level,
	       const char *log_file)
{
	struct event *sigint = NULL, *sigterm = NULL, *sighup = NULL;
	struct event *sigusr1 = NULL;
	struct daemon d = {path, cli_level, conf, NULL, NULL, 0, NULL,
			   log_file};
	struct lk_listen_set *listeners = NULL;
	struct lk_media *media = NULL;
	struct lk_ng *ng = NULL;
	struct lk_sip *sip = NULL;
	struct lk_turn *turn = NULL;
	struct lk_h323_ras *ras = NULL;
	struct lk_h323_gk *gk = NULL;
	struct lk_mgmt *mgmt = NULL;
	struct lk_h323_callsig *callsig = NULL;
	struct lk_h323_zones *zones = NULL;
	struct h323_sci_ctx sci = { NULL, NULL };
	int zone_fds[LK_ZONES_MAX];
	unsigned i;
	struct lk_h323_assent *assent = NULL;
	struct event_base *base;
	char errbuf[512];
	int err, afd, ret = 1;

	for (i = 0; i < LK_ZONES_MAX; i++)
		zone_fds[i] = -1;
	base = event_base_new();
	if (!base) {
		lk_error("cannot create the event base");
		return 1;
	}
	/*
	 * The seed's media range 36000-59999 lies inside Linux's default
	 * ephemeral range: say so, and how to fix it, before binding.
	 */
	lk_kernports_warn(conf, NULL);
	err = lk_listen_open(&listeners, base, conf, errbuf, sizeof(errbuf));
	if (err) {
		lk_error("%s; nothing is bound", errbuf);
		goto out;
	}
	lk_info("role %s (%s system, %s release defaults): %u signalling "
		"ports bound on %s", lk_conf_role_name(conf->role),
		lk_conf_size_name(conf->size),
		lk_conf_release_name(conf->release),
		lk_listen_count(listeners), conf->address);
	if (lk_log_get_level() >= LK_LOG_INFO)
		lk_listen_print(listeners, stderr);
	not_served_say(conf);
	err = lk_media_alloc(&media, base, conf, errbuf, sizeof(errbuf));
	if (err) {
		lk_error("%s; stopping", errbuf);
		goto out;
	}
	if (conf->role == LK_ROLE_EXPRESSWAY)
		lk_info("multiplexed media (H.460.19) on UDP %s:%u-%u",
			conf->address, conf->mux_ports[0],
			conf->mux_ports[conf->nmux - 1]);
	err = lk_sip_alloc(&sip, base, conf, listeners, media, errbuf,
			   sizeof(errbuf));
	if (err) {
		lk_error("%s; stopping", errbuf);
		goto out;
	}
	lk_info("SIP on UDP %u, TCP %u, TLS %u; registrar for %s",
		conf->sip_udp_port, conf->sip_tcp_port, conf->sip_tls_port,
		!strcmp(conf->reg_domain, "*") ? "any domain" :
		conf->reg_domain);
	/* TURN (relay/turn.h, docs/turn.md): the request ports' sockets. */
	if (conf->turn_enabled) {
		struct lk_turn_conf tc;
		int fd;

		errbuf[0] = '\0';
		lk_turn_conf_init(&tc, conf);
		/* The relayed data path on the media workers (turnfwd.h). */
		tc.nworkers = lk_media_workers(media, &tc.workers);
		err = lk_turn_alloc(&turn, base, &tc, errbuf, sizeof(errbuf));
		while (!err && (fd = lk_listen_take_fd(listeners,
				LK_KEY_TURN_PORT_START)) >= 0)
			err = lk_turn_add_socket(turn, fd);
		while (!err && (fd = lk_listen_take_fd(listeners,
				LK_KEY_TURN_TCP)) >= 0)
			err = lk_turn_add_tcp_socket(turn, fd);
		if (err) {
			lk_error("%s; stopping", errbuf[0] ? errbuf :
				 strerror(err));
			goto out;
		}
		lk_info("TURN on UDP%s %u-%u, relays from %u-%u",
			conf->turn_tcp ? " and TCP" : "",
			conf->turn_listen.start, conf->turn_listen.end,
			conf->turn_relay.start, conf->turn_relay.end);
	}
	err = h323_start(&ras, &gk, base, conf, listeners);
	if (err) {
		lk_error("cannot start the H.323 gatekeeper: %s; stopping",
			 strerror(err));
		goto out;
	}
	/* Traversal zones, H.323 side (seed D): zone.h. */
	for (i = 0; i < LK_ZONES_MAX; i++)
		zone_fds[i] = conf->role == LK_ROLE_EXPRESSWAY &&
			conf->h323_mode ? lk_listen_take_zone_fd(listeners,
					LK_KEY_ZONE_H323_PORT, i + 1) : -1;
	/* A socket zone.c did not take (IPv6) stays bound until the end. */
	err = conf->h323_mode ? lk_h323_zones_alloc(&zones, base, conf,
			zone_fds, ras, errbuf, sizeof(errbuf)) : 0;
	if (err) {
		lk_error("%s; stopping", errbuf);
		goto out;
	}
	sci.gk = gk;
	sci.zones = zones;
	err = conf->h323_mode ? h323_callsig_start(&callsig, base, conf,
						   listeners, media, gk,
						   &sci) : 0;
	if (err) {
		lk_error("cannot start H.323 call signalling: %s; stopping",
			 strerror(err));
		goto out;
	}
	/* Seed T (2776): Assent is bound, not implemented (assent.h). */
	afd = conf->h323_mode ? lk_listen_take_fd(listeners,
						  LK_KEY_ASSENT_PORT) : -1;
	if (afd >= 0 && lk_h323_assent_alloc(&assent, base, afd,
					     conf->assent_port)) {
		lk_error("cannot serve the Assent port; stopping");
		goto out;
	}
	err = lk_ng_alloc(&ng, base, conf, media, errbuf, sizeof(errbuf));
	if (err) {
		lk_error("%s; stopping", errbuf);
		goto out;
	}
	lk_ng_set_listeners(ng, listeners_h, listeners);
	lk_ng_set_turn(ng, turn);
	lk_info("session control (rtpengine ng protocol) on UDP %s:%u",
		conf->ng_address, conf->ng_port);
	err = mgmt_start(&mgmt, base, conf, path, listeners, media, sip, turn,
			 gk, ng, callsig, zones);
	if (err)
		goto out;
	d.mgmt = mgmt;

	d.media = media;
	d.sip = sip;
	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	sighup = evsignal_new(base, SIGHUP, on_hup, &d);
	sigusr1 = evsignal_new(base, SIGUSR1, on_usr1, &d);
	if (!sigint || !sigterm || !sighup || !sigusr1 ||
	    evsignal_add(sigint, NULL) < 0 || evsignal_add(sigterm, NULL) < 0 ||
	    evsignal_add(sighup, NULL) < 0 || evsignal_add(sigusr1, NULL) < 0) {
		lk_error("cannot install signal handlers");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	lk_info("latchkeyd %s running (pid %ld)", LK_VERSION, (long)getpid());
	if (event_base_dispatch(base) < 0) {
		lk_error("event loop failed");
		goto out;
	}
	ret = 0;

 out:
	mem_deref(mgmt);
	if (gk)
		lk_h323_gk_set_disengage(gk, NULL, NULL);
	lk_h323_zones_set_call(zones, NULL, NULL);
	mem_deref(assent);
	mem_deref(callsig);
	mem_deref(zones);
	mem_deref(ras);
	mem_deref(gk);
	mem_deref(ng);
	mem_deref(turn);
	mem_deref(sip);
	mem_deref(media);
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
	if (sighup)
		event_free(sighup);
	if (sigusr1)
		event_free(sigusr1);
	for (i = 0; i < LK_ZONES_MAX; i++)
		if (zone_fds[i] >= 0)
			close(zone_fds[i]);
	mem_deref(listeners);
	event_base_free(base);
	if (!ret)
		lk_info("stopped");

	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'n'},
		{"log-level", required_argument, NULL, 'l'},
		{"log-file", required_argument, NULL, 'L'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = NULL, *level = NULL, *log_file = NULL;
	struct lk_conf_diag diag;
	enum lk_log_level lvl;
	struct lk_conf conf;
	bool check = false;
	int c, err;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:nl:L:hV", opts, NULL)) != -1) {
		switch (c) {

		case 'c':
			path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'l':
			level = optarg;
			break;
		case 'L':
			log_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("latchkeyd %s\n", LK_VERSION);
			return 0;
		default:
			return option_error(c, argv);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "latchkeyd: unexpected argument '%s'; see "
			"'latchkeyd --help'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (level && lk_log_level_parse(&lvl, level)) {
		fprintf(stderr, "latchkeyd: --log-level %s: expected error, "
			"warning, info or debug; see 'latchkeyd --help'\n",
			level);
		return EXIT_USAGE;
	}

	/* Before the configuration, so that its messages land there too. */
	if (log_file && !check && (err = lk_log_file_open(log_file))) {
		fprintf(stderr, "latchkeyd: --log-file %s: %s\n", log_file,
			strerror(err));
		return 1;
	}
	err = lk_conf_load(&conf, path, &diag);
	if (!level && !err)
		lk_log_level_parse(&lvl, conf.log_level);
	if (!level && !err)
		lk_log_set_level(lvl);
	else if (level)
		lk_log_set_level(lvl);
	conf_log(&diag);
	if (err) {
		fprintf(stderr, "latchkeyd: %s: %u error%s; nothing was bound\n",
			path ? path : "defaults", diag.nerrors,
			diag.nerrors == 1 ? "" : "s");
		return EXIT_CONFIG;
	}
	if (check) {
		lk_conf_print(&conf, stdout);
		return 0;
	}
	return run(&conf, path, level != NULL, log_file);
}
