/* cmd/cli.h  What every latchkey command says about a wrong command line. */
#ifndef LK_CLI_H
#define LK_CLI_H

#define LK_CLI_EXIT_USAGE 2

/*
 * "latchkey CMD: <fmt with arg>; see 'latchkey CMD --help'" on stderr;
 * returns LK_CLI_EXIT_USAGE.
 */
int lk_cli_usage_error(const char *cmd, const char *fmt, const char *arg);

/* getopt_long()'s ':' (a value missing) or '?' (unknown option), said so. */
int lk_cli_option_error(const char *cmd, int c, char **argv);

#endif
