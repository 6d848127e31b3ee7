/* cmd/labcli.c  latchkey lab: runs the lab (lab/latchkey-lab.py) with this build's programs. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "labcli.h"

/*
 * The lab is an orchestration of other programs (ip, nft, baresip,
 * turnutils, latchkey firewall and probe, latchkeyd itself), so it is a
 * Python script (standard library only) rather than C: nothing in it is
 * on a packet path.  This command finds the script (LK_LAB_SCRIPT in the
 * environment, else the source tree's copy for a build tree, else the
 * installed one) and runs it with the latchkeyd and latchkey that sit
 * beside this program, so a lab always tests the build it came with; the
 * scripted H.323 endpoint (lab/lk-h323ep.c) likewise: LK_H323EP, else the
 * build tree's, else the installed one.
 */

void lk_labcli_usage(FILE *f)
{
	fputs("usage: latchkey lab [--break RULE]... [--json FILE] "
	      "[--picture STEM]\n"
	      "                    [--limit SECONDS] [--keep]\n\n"
	      "Builds the seed's topology in network namespaces (a private network\n"
	      "with an endpoint, a Control and a management PC; a DMZ with an\n"
	      "Expressway; the internet with a public endpoint, two H.323\n"
	      "endpoints and one behind a port-changing NAT), loads `latchkey\n"
	      "firewall`'s rules on the router between them, runs each served row's\n"
	      "flow for real (registrations, the traversal zone, SIP and H.323 calls\n"
	      "with media both ways, TURN, probes and negative probes) and prints\n"
	      "every seed row's verdict: verified (its rule counted packets),\n"
	      "blocked as expected, FAILED (why), not exercised, not served by\n"
	      "latchkeyd, or inside one network.  Needs\n"
	      "root; everything it creates is removed on exit, Ctrl-C included.\n\n"
	      "  --break RULE     remove the firewall rules whose comment contains\n"
	      "                   RULE (or whose handle is RULE) first; repeatable\n"
	      "  --json FILE      the verdicts and flows as JSON\n"
	      "  --picture STEM   STEM.dot, STEM.svg and STEM.png (Graphviz): the\n"
	      "                   topology, each flow coloured by its verdict\n"
	      "  --limit SECONDS  bound on the whole run (240)\n"
	      "  --keep           keep the logs and configurations (path on stderr)\n\n"
	      "Exit status: 0 nothing failed, 1 a row or flow failed, 2 usage or\n"
	      "a missing tool.  docs/firewall.md, \"The lab\", has a worked example.\n",
	      f);
}

static const char *script_path(void)
{
	const char *env = getenv("LK_LAB_SCRIPT");

	if (env && *env)
		return env;
	if (!access(LK_LAB_SCRIPT_SOURCE, R_OK))
		return LK_LAB_SCRIPT_SOURCE;
	return LK_LAB_SCRIPT_INSTALLED;
}

static const char *h323ep_path(void)
{
	const char *env = getenv("LK_H323EP");

	if (env && *env)
		return env;
	if (!access(LK_H323EP_BUILD, X_OK))
		return LK_H323EP_BUILD;
	return LK_H323EP_INSTALLED;
}

int lk_labcli_run(int argc, char **argv)
{
	char self[PATH_MAX], daemon[PATH_MAX + 16], cli[PATH_MAX + 16];
	const char *script = script_path();
	char **args;
	ssize_t n;
	char *slash;
	int i, k = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			lk_labcli_usage(stdout);
			return 0;
		}
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "latchkey lab: cannot find this program: %s\n",
			strerror(errno));
		return 2;
	}
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(daemon, sizeof(daemon), "%s/latchkeyd", self);
	snprintf(cli, sizeof(cli), "%s/latchkey", self);
	if (access(script, R_OK)) {
		fprintf(stderr, "latchkey lab: the lab script %s: %s "
			"(set LK_LAB_SCRIPT)\n", script, strerror(errno));
		return 2;
	}
	args = calloc((size_t)argc + 10, sizeof(*args));
	if (!args)
		return 2;
	args[k++] = "python3";
	args[k++] = (char *)script;
	args[k++] = "--latchkeyd";
	args[k++] = daemon;
	args[k++] = "--latchkey";
	args[k++] = cli;
	args[k++] = "--h323ep";
	args[k++] = (char *)h323ep_path();
	for (i = 1; i < argc; i++)
		args[k++] = argv[i];
	args[k] = NULL;
	execvp("python3", args);
	fprintf(stderr, "latchkey lab: python3: %s\n", strerror(errno));
	free(args);
	return 2;
}
