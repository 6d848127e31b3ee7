/* cmd/fwcli.c  latchkey firewall: nftables or iptables rules for the seed's topology from the configurations. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "cli.h"
#include "conf.h"
#include "fwcli.h"
#include "fwrules.h"
#include "portmodel.h"

void lk_fwcli_usage(FILE *f)
{
	fprintf(f,
"usage: latchkey firewall [--control FILE] [--expressway FILE] [--config FILE]\n"
"                         [--control-address ADDR] [--expressway-address ADDR]\n"
"                         [--management LIST] [--tms LIST] [--dns LIST]\n"
"                         [--uc-servers LIST] [--box both|inner|outer]\n"
"                         [--format nft|iptables] [--table NAME] [--all-rows]\n"
"                         [--private-if IF] [--dmz-if IF] [--internet-if IF]\n"
"\n"
"Prints the firewall rules that let exactly the seed's flows through the\n"
"firewalls of its topology: private <-> DMZ (in front of the Control) and\n"
"DMZ <-> internet (in front of the Expressway, with the DMZ's egress).\n"
"Each rule carries a counter and a comment naming the seed table and row;\n"
"replies ride on connection tracking; everything else is dropped and\n"
"counted.  Load the nftables output with `nft -f FILE` on the router.\n"
"\n"
"  --control FILE          the Control's configuration (its ports and Address)\n"
"  --expressway FILE       the Expressway's configuration\n"
"  --config FILE           one configuration, whichever role it has\n"
"                          (without any: the built-in defaults of an Expressway)\n"
"  --control-address ADDR  the Control's address (default: its configuration's\n"
"                          [System] Address, when --control is given)\n"
"  --expressway-address ADDR   the same for the Expressway\n"
"  --management LIST       the seed's \"management computer(s)\" / management\n"
"                          system: addresses or CIDRs, comma-separated\n"
"  --tms LIST              TelePresence Management Suite\n"
"  --dns LIST              the Expressway's DNS servers (default: any)\n"
"  --uc-servers LIST       Unified CM, IM and Presence, Unity Connection\n"
"                          (with --all-rows)\n"
"  --box BOX               both (default: one router between the three\n"
"                          networks), inner (private <-> DMZ), outer\n"
"                          (DMZ <-> internet)\n"
"  --format FORMAT         nft (default) or iptables (iptables-restore)\n"
"  --table NAME            the nftables table (latchkey)\n"
"  --private-if IF, --dmz-if IF, --internet-if IF\n"
"                          the router's interface towards each network: every\n"
"                          rule then also matches where its flow enters and\n"
"                          leaves, so that a private host cannot pass as an\n"
"                          internet endpoint (any address).  Give all three\n"
"                          on a router that joins the three networks.\n"
"  --all-rows              also the rows latchkeyd does not serve (Unified\n"
"                          Communications, Jabber Guest, XMPP, AD/LDAP\n"
"                          authentication) and rows the configuration\n"
"                          turns off\n"
"\n"
"Internet endpoints and far firewalls may be anywhere.  A row whose side\n"
"is one of the lab's own hosts without an address is left out, with a\n"
"comment naming the option that would give it.  A summary goes to stderr.\n"
"Exit status: 0 rules written, 1 a configuration or address is bad,\n"
"2 usage.  docs/firewall.md has a worked example.\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	return lk_cli_usage_error("firewall", fmt, arg);
}

/* Load and resolve one configuration; NULL path: the defaults. */
static int load(struct lk_conf *conf, struct lk_portmatrix **pmp,
		const char *path)
{
	struct lk_conf_diag *diag = calloc(1, sizeof(*diag));
	int err;

	if (!diag)
		return ENOMEM;
	err = lk_conf_load(conf, path, diag);
	lk_conf_diag_print(diag, stderr);
	free(diag);
	if (err) {
		fprintf(stderr, "latchkey firewall: %s: %s\n",
			path ? path : "(defaults)", err == EINVAL ?
			"configuration has errors" : strerror(err));
		return err;
	}
	err = lk_portmodel_resolve(pmp, conf);
	if (err)
		fprintf(stderr, "latchkey firewall: cannot resolve the port "
			"matrix: %s\n", strerror(err));

	return err;
}

int lk_fwcli_run(int argc, char **argv)
{
	enum {
		O_CONTROL = 256, O_EXPRESSWAY, O_CONFIG, O_CTL_ADDR,
		O_EXP_ADDR, O_MGMT, O_TMS, O_DNS, O_UC, O_BOX, O_FORMAT,
		O_TABLE, O_ALL, O_PRIV_IF, O_DMZ_IF, O_NET_IF,
	};
	static const struct option opts[] = {
		{"control", required_argument, NULL, O_CONTROL},
		{"expressway", required_argument, NULL, O_EXPRESSWAY},
		{"config", required_argument, NULL, O_CONFIG},
		{"control-address", required_argument, NULL, O_CTL_ADDR},
		{"expressway-address", required_argument, NULL, O_EXP_ADDR},
		{"management", required_argument, NULL, O_MGMT},
		{"tms", required_argument, NULL, O_TMS},
		{"dns", required_argument, NULL, O_DNS},
		{"uc-servers", required_argument, NULL, O_UC},
		{"box", required_argument, NULL, O_BOX},
		{"format", required_argument, NULL, O_FORMAT},
		{"table", required_argument, NULL, O_TABLE},
		{"all-rows", no_argument, NULL, O_ALL},
		{"private-if", required_argument, NULL, O_PRIV_IF},
		{"dmz-if", required_argument, NULL, O_DMZ_IF},
		{"internet-if", required_argument, NULL, O_NET_IF},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ctl_path = NULL, *exp_path = NULL, *one_path = NULL;
	const char *ctl_addr = NULL, *exp_addr = NULL;
	struct lk_portmatrix *pm_ctl = NULL, *pm_exp = NULL;
	struct lk_conf *ctl = NULL, *exp = NULL;
	struct lk_fw_opts o = {0};
	struct lk_fw_counts n;
	unsigned i;
	int c, err, ret = 1;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case O_CONTROL:		ctl_path = optarg; break;
		case O_EXPRESSWAY:	exp_path = optarg; break;
		case O_CONFIG:		one_path = optarg; break;
		case O_CTL_ADDR:	ctl_addr = optarg; break;
		case O_EXP_ADDR:	exp_addr = optarg; break;
		case O_MGMT:
			o.addr[LK_PM_MGMT] = o.addr[LK_PM_PC] = optarg;
			break;
		case O_TMS:		o.addr[LK_PM_TMS] = optarg; break;
		case O_DNS:		o.addr[LK_PM_DNS] = optarg; break;
		case O_UC:
			o.addr[LK_PM_UCM] = o.addr[LK_PM_IMP] =
				o.addr[LK_PM_CUC] = optarg;
			break;
		case O_BOX:
			if (!strcmp(optarg, "both"))
				o.box = LK_FW_BOTH;
			else if (!strcmp(optarg, "inner"))
				o.box = LK_FW_INNER;
			else if (!strcmp(optarg, "outer"))
				o.box = LK_FW_OUTER;
			else
				return usage_error("unknown box '%s'; valid: "
						   "both, inner, outer", optarg);
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "nft"))
				o.format = LK_FW_NFT;
			else if (!strcmp(optarg, "iptables"))
				o.format = LK_FW_IPTABLES;
			else
				return usage_error("unknown format '%s'; valid:"
						   " nft, iptables", optarg);
			break;
		case O_TABLE:
			if (!*optarg || strspn(optarg, "abcdefghijklmnopqrstuv"
				"wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
			    strlen(optarg))
				return usage_error("table name '%s': letters, "
						   "digits and _ only", optarg);
			o.table = optarg;
			break;
		case O_ALL:		o.all_rows = true; break;
		case O_PRIV_IF:
		case O_DMZ_IF:
		case O_NET_IF:
			if (!*optarg || strlen(optarg) >= 16 ||
			    strpbrk(optarg, "\" \\/"))
				return usage_error("interface name '%s': 1 to "
						   "15 characters, no quotes, "
						   "spaces or slashes", optarg);
			o.iface[c == O_PRIV_IF ? LK_PM_PRIVATE :
				c == O_DMZ_IF ? LK_PM_DMZ : LK_PM_INTERNET] =
				optarg;
			break;
		case 'h':
			lk_fwcli_usage(stdout);
			return 0;
		default:
			return lk_cli_option_error("firewall", c, argv);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (one_path && (ctl_path || exp_path))
		return usage_error("%s", "--config is for one configuration; "
				   "with two, use --control and --expressway");

	ctl = calloc(1, sizeof(*ctl));
	exp = calloc(1, sizeof(*exp));
	if (!ctl || !exp) {
		fprintf(stderr, "latchkey firewall: %s\n", strerror(ENOMEM));
		goto out;
	}
	if (one_path) {
		struct lk_conf *conf = exp;
		struct lk_portmatrix **pmp = &pm_exp;

		if (load(conf, pmp, one_path))
			goto out;
		if (conf->role == LK_ROLE_CONTROL) {
			/* It was the Control's: move it over. */
			struct lk_conf *t = ctl;

			ctl = exp;
			exp = t;
			pm_ctl = pm_exp;
			pm_exp = NULL;
			ctl_path = one_path;
		}
		else {
			exp_path = one_path;
		}
	}
	else {
		if (ctl_path && load(ctl, &pm_ctl, ctl_path))
			goto out;
		if ((exp_path || !ctl_path) && load(exp, &pm_exp, exp_path))
			goto out;
		if (ctl_path && ctl->role != LK_ROLE_CONTROL) {
			fprintf(stderr, "latchkey firewall: %s: role is %s, "
				"not control\n", ctl_path,
				lk_conf_role_name(ctl->role));
			goto out;
		}
		if (exp_path && exp->role != LK_ROLE_EXPRESSWAY) {
			fprintf(stderr, "latchkey firewall: %s: role is %s, "
				"not expressway\n", exp_path,
				lk_conf_role_name(exp->role));
			goto out;
		}
	}

	o.addr[LK_PM_CONTROL] = ctl_addr ? ctl_addr :
		pm_ctl ? ctl->address : NULL;
	o.addr[LK_PM_EXPRESSWAY] = exp_addr ? exp_addr :
		pm_exp ? exp->address : NULL;
	for (i = 0; i < LK_PM_PARTY__COUNT; i++) {
		if (o.addr[i] && !*o.addr[i])
			o.addr[i] = NULL;
	}
	o.other_party = pm_exp ? LK_PM_CONTROL : LK_PM_EXPRESSWAY;

	err = lk_fwrules_print(stdout, pm_exp ? pm_exp : pm_ctl,
			       pm_exp ? pm_ctl : NULL, &o, &n);
	if (err == EINVAL) {
		fprintf(stderr, "latchkey firewall: an address list is not "
			"addresses or CIDRs of one family (IPv4 or IPv6)\n");
		goto out;
	}
	if (err || fflush(stdout)) {
		fprintf(stderr, "latchkey firewall: writing the rules: %s\n",
			strerror(err ? err : errno));
		goto out;
	}
	fprintf(stderr, "latchkey firewall: %u rules; left out: %u inside "
		"one network (no firewall), %u not served or turned off%s, "
		"%u for want of an address, %u of the other firewall\n",
		n.rules, n.internal, n.unserved,
		o.all_rows ? "" : " (--all-rows adds them)", n.no_address,
		n.other_box);
	ret = 0;

 out:
	mem_deref(pm_ctl);
	mem_deref(pm_exp);
	free(ctl);
	free(exp);

	return ret;
}
