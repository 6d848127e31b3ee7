/* cmd/cli.c  What every latchkey command says about a wrong command line (cmd/cli.h). */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

int lk_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "latchkey %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; see 'latchkey %s --help'\n", cmd);

	return LK_CLI_EXIT_USAGE;
}

int lk_cli_option_error(const char *cmd, int c, char **argv)
{
	if (c == ':')
		return lk_cli_usage_error(cmd, "option '%s' needs a value",
					  argv[optind - 1]);

	return lk_cli_usage_error(cmd, "unknown option '%s'",
				  argv[optind - 1]);
}
