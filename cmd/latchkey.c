/* cmd/latchkey.c  The operator CLI: the port matrix, firewall rules, probes. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "fwcli.h"
#include "ngcli.h"
#include "statuscli.h"
#include "probecli.h"
#include "labcli.h"
#include "conf.h"
#include "portmodel.h"

/*
 * One program, several commands ("latchkey ports", later "latchkey rules"
 * and "latchkey probe"): each command is a row of `commands` with its own
 * option parser and help.  Exit status: 0 done, 1 the work failed (a bad
 * configuration, an unwritable output), 2 the command line is wrong.
 */

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

#define EXIT_USAGE 2

static const char *progname = "latchkey";

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *f);
};

static void main_usage(FILE *f);

/* "latchkey ports: unknown option '--x'; see 'latchkey ports --help'" */
static int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s%s%s: ", progname, cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see '%s%s%s --help'\n", progname, cmd ? " " : "",
		cmd ? cmd : "");

	return EXIT_USAGE;
}

/*
 * getopt_long() with opterr off leaves the reporting to us, so that every
 * message names the option as typed and points at the command's help.
 */
static int option_error(const char *cmd, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "option '%s' needs a value", arg);
	if (optopt && (!arg || strncmp(arg, "--", 2)))
		return usage_error(cmd, "unknown option '-%c'", optopt);

	return usage_error(cmd, "unknown option '%s'", arg);
}

/*
 * latchkey ports
 */

static void ports_usage(FILE *f)
{
	fprintf(f,
"usage: %s ports [--config FILE] [--role control|expressway|all] [--json]\n"
"\n"
"Print the port matrix of the seed (Cisco VCS X8.2 IP Port Usage for\n"
"Firewall Traversal, D14606.06): every row of every table, with each\n"
"port resolved from the effective configuration, so that a changed range\n"
"in the configuration shows in every row that uses it.\n"
"\n"
"  -c, --config FILE  the configuration file (default: the built-in\n"
"                     defaults, the seed's values for a new X8.1 install)\n"
"  -r, --role ROLE    only rows where ROLE is one of the two sides:\n"
"                     control, expressway, or all (the default)\n"
"  -j, --json         a JSON array of entries, one per transport and port\n"
"                     specification (schema: docs/ports.md)\n"
"  -h, --help         this help\n"
"\n"
"Text output follows the seed's tables: source side, then listening side,\n"
"with the seed's letters (A, B, Y_C, Y_E, ...) and under each table the\n"
"configuration key each letter comes from.  '!' marks a value where\n"
"latchkey differs from the seed, with the reason.  Both VCS sides are\n"
"resolved from the one configuration given; run once per box's file.\n",
		progname);
}

static int ports_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"role", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct lk_pm_filter filter = {0};
	struct lk_portmatrix *pm = NULL;
	struct lk_conf_diag *diag = NULL;
	struct lk_conf *conf = NULL;
	const char *path = NULL;
	bool json = false;
	int c, err, ret = 1;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:r:jh", opts, NULL)) != -1) {
		switch (c) {

		case 'c':
			path = optarg;
			break;
		case 'r':
			if (!strcmp(optarg, "control")) {
				filter.by_role = true;
				filter.role = LK_ROLE_CONTROL;
			}
			else if (!strcmp(optarg, "expressway")) {
				filter.by_role = true;
				filter.role = LK_ROLE_EXPRESSWAY;
			}
			else if (!strcmp(optarg, "all"))
				filter.by_role = false;
			else
				return usage_error("ports", "unknown role "
					"'%s'; valid roles: control, "
					"expressway, all", optarg);
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			ports_usage(stdout);
			return 0;
		default:
			return option_error("ports", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("ports", "unexpected argument '%s'",
				   argv[optind]);

	/* Both are a few kilobytes; keep them off the stack. */
	conf = calloc(1, sizeof(*conf));
	diag = calloc(1, sizeof(*diag));
	if (!conf || !diag) {
		fprintf(stderr, "%s ports: %s\n", progname, strerror(ENOMEM));
		goto out;
	}

	/*
	 * Errors only: the warnings belong to the daemon's start and to
	 * latchkeyd --check-config, not to output meant for a pipe.  A file
	 * that cannot be read is one message.
	 */
	err = lk_conf_load(conf, path, diag);
	if (err == EINVAL) {
		lk_conf_diag_print_errors(diag, stderr);
		fprintf(stderr, "%s ports: %s: %u error%s in the "
			"configuration\n", progname, path ? path : "defaults",
			diag->nerrors, diag->nerrors == 1 ? "" : "s");
		goto out;
	}
	if (err) {
		fprintf(stderr, "%s ports: %s\n", progname, diag->n ?
			diag->msg[0].text : strerror(err));
		goto out;
	}

	err = lk_portmodel_resolve(&pm, conf);
	if (err) {
		fprintf(stderr, "%s ports: cannot resolve the port matrix: "
			"%s\n", progname, strerror(err));
		goto out;
	}

	if (json) {
		err = lk_portmodel_print_json(pm, &filter, stdout);
	}
	else {
		printf("# latchkey %s port matrix from %s%s\n"
		       "# role %s, system size %s, release defaults %s, "
		       "%u traversal zone%s%s%s\n", LK_VERSION,
		       path ? "configuration " : "the built-in defaults",
		       path ? path : "", lk_conf_role_name(conf->role),
		       lk_conf_size_name(conf->size),
		       lk_conf_release_name(conf->release), conf->nzones,
		       conf->nzones == 1 ? "" : "s",
		       filter.by_role ? "; rows with VCS " : "",
		       filter.by_role ? (filter.role == LK_ROLE_CONTROL ?
					 "Control" : "Expressway") : "");
		printf("# seed: Cisco VCS X8.2 IP Port Usage for Firewall "
		       "Traversal (D14606.06)\n"
		       "# served: does latchkeyd serve the listening side? "
		       "yes; bound = bound, not served\n"
		       "#   yet (datagrams counted and dropped, connections "
		       "closed); not yet; - = not latchkeyd's;\n"
		       "#   not impl = bound, not implemented (Assent: "
		       "Release Complete; H.460.18/19 is served)\n\n");
		err = lk_portmodel_print_text(pm, &filter, stdout);
	}
	if (!err && fflush(stdout))
		err = errno ? errno : EIO;
	if (err) {
		fprintf(stderr, "%s ports: writing the output: %s\n",
			progname, strerror(err));
		goto out;
	}
	ret = 0;

 out:
	mem_deref(pm);
	free(diag);
	free(conf);

	return ret;
}

/*
 * The command table; a new command is a new row.
 */

static int help_run(int argc, char **argv);

static const struct command commands[] = {
	{"ports", "the seed's port matrix, resolved from a configuration",
	 ports_run, ports_usage},
	{"ng", "ask a relay over its ng port: ping, list, statistics, query, "
	 "delete",
	 lk_ngcli_run, lk_ngcli_usage},
	{"firewall", "nftables or iptables rules for the seed's firewalls",
	 lk_fwcli_run, lk_fwcli_usage},
	{"probe", "check the seed's flows against a live latchkeyd",
	 lk_probecli_run, lk_probecli_usage},
	{"lab", "the seed's topology in namespaces, every row's flow run",
	 lk_labcli_run, lk_labcli_usage},
	{"status", "a running latchkeyd's status over its management port",
	 lk_statuscli_run, lk_statuscli_usage},
	{"help", "help for a command: latchkey help ports", help_run, NULL},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *command_find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	}

	return NULL;
}

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f,
"usage: %s [--version] [--help] COMMAND [ARGS]\n"
"\n"
"latchkey's operator tool, on the port model of Cisco VCS/Expressway X8.2.\n"
"\n"
"Commands:\n", progname);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f,
"\n"
"Run '%s COMMAND --help' for a command's options.\n"
"Exit status: 0 done, 1 failed (e.g. a bad configuration), 2 bad usage.\n",
		progname);
}

static int help_run(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return 0;
	}
	if (argc > 2)
		return usage_error("help", "unexpected argument '%s'", argv[2]);
	cmd = command_find(argv[1]);
	if (!cmd || !cmd->usage)
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	cmd->usage(stdout);

	return 0;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("latchkey %s\n", LK_VERSION);
		return 0;
	}
	if (argv[1][0] == '-')
		return usage_error(NULL, "unknown option '%s'", argv[1]);

	cmd = command_find(argv[1]);
	if (!cmd)
		return usage_error(NULL, "unknown command '%s'", argv[1]);

	/* The command sees itself as argv[0], as a program would. */
	optind = 1;
	return cmd->run(argc - 1, argv + 1);
}
