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
#include "h323/gk.h"
#include "kernports.h"
#include "listen.h"
#include "log.h"
#include "media.h"
#include "ng.h"
#include "sip.h"

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
"\n"
"latchkey media relay daemon, on the port model of Cisco VCS/Expressway X8.2.\n"
"Runs in the foreground and logs to stderr; stop it with SIGINT or SIGTERM.\n"
"\n"
"  -c, --config FILE     configuration file (docs/configuration.md); without\n"
"                        it the seed's defaults: role expressway, every\n"
"                        listener on 127.0.0.1\n"
"  -n, --check-config    print the effective configuration, defaults marked,\n"
"                        and exit 0; or print the errors and exit 78\n"
"  -l, --log-level LEVEL error, warning, info or debug (overrides the file)\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Exit status: 0 stopped cleanly, 1 runtime failure (e.g. a port could not\n"
"be bound), 2 bad command line, 78 configuration errors (nothing bound).\n");
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
 * gatekeeper's "Time to live".
 */
static int h323_start(struct lk_h323_ras **rasp, struct event_base *base,
		      const struct lk_conf *conf,
		      struct lk_listen_set *listeners)
{
	struct lk_h323_gk_params p = { .ttl = conf->h323_ttl,
				       .gkid = "latchkey", .max_regs = 4096 };
	struct lk_h323_gk *gk = NULL;
	int fd, err;

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
	mem_deref(gk);
	if (!err)
		lk_info("H.323 gatekeeper RAS on UDP %s:%u", conf->address,
			conf->h323_ras_port);
	return err;
}

static int run(const struct lk_conf *conf)
{
	struct event *sigint = NULL, *sigterm = NULL;
	struct lk_listen_set *listeners = NULL;
	struct lk_media *media = NULL;
	struct lk_ng *ng = NULL;
	struct lk_sip *sip = NULL;
	struct lk_h323_ras *ras = NULL;
	struct event_base *base;
	char errbuf[512];
	int err, ret = 1;

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
	err = h323_start(&ras, base, conf, listeners);
	if (err) {
		lk_error("cannot start the H.323 gatekeeper: %s; stopping",
			 strerror(err));
		goto out;
	}
	err = lk_ng_alloc(&ng, base, conf, media, errbuf, sizeof(errbuf));
	if (err) {
		lk_error("%s; stopping", errbuf);
		goto out;
	}
	lk_info("session control (rtpengine ng protocol) on UDP %s:%u",
		conf->ng_address, conf->ng_port);

	sigint = evsignal_new(base, SIGINT, on_signal, base);
	sigterm = evsignal_new(base, SIGTERM, on_signal, base);
	if (!sigint || !sigterm || evsignal_add(sigint, NULL) < 0 ||
	    evsignal_add(sigterm, NULL) < 0) {
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
	mem_deref(ras);
	lk_ng_free(ng);
	lk_sip_free(sip);
	lk_media_free(media);
	if (sigint)
		event_free(sigint);
	if (sigterm)
		event_free(sigterm);
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
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *path = NULL, *level = NULL;
	struct lk_conf_diag diag;
	enum lk_log_level lvl;
	struct lk_conf conf;
	bool check = false;
	int c, err;

	while ((c = getopt_long(argc, argv, "c:nl:hV", opts, NULL)) != -1) {
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
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("latchkeyd %s\n", LK_VERSION);
			return 0;
		default:
			fprintf(stderr, "latchkeyd: try --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "latchkeyd: unexpected argument \"%s\"; try "
			"--help\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (level && lk_log_level_parse(&lvl, level)) {
		fprintf(stderr, "latchkeyd: --log-level %s: expected error, "
			"warning, info or debug\n", level);
		return EXIT_USAGE;
	}

	err = lk_conf_load(&conf, path, &diag);
	lk_conf_diag_print(&diag, stderr);
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
	if (!level)
		lk_log_level_parse(&lvl, conf.log_level);
	lk_log_set_level(lvl);

	return run(&conf);
}
