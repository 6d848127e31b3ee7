/* config/fwrules.h  Firewall rules (nftables, iptables-restore) from the seed's port matrix. */
#ifndef LK_FWRULES_H
#define LK_FWRULES_H

#include <stdbool.h>
#include <stdio.h>

#include "portmodel.h"

/*
 * The seed's topology has two firewalls: between the private network and
 * the DMZ (in front of the Control, "inner"), and between the DMZ and the
 * internet (in front of the Expressway, "outer", which also carries the
 * DMZ's egress).  Each entry of the port matrix that crosses one of them
 * becomes one rule that lets the flow's first packet through: from the
 * side that opens it (source ports), to the side that listens (listening
 * ports), with a counter and a comment naming the seed table and row.
 * Replies ride on connection tracking; everything else meets a counted
 * default drop.  Entries inside one network cross no firewall and are only
 * counted.  docs/firewall.md shows the output and explains each choice.
 */

enum lk_fw_format {
	LK_FW_NFT = 0,		/* an `nft -f` file: one table */
	LK_FW_IPTABLES,		/* an `iptables-restore` file */
};

enum lk_fw_box {
	LK_FW_BOTH = 0,		/* one router between all three networks */
	LK_FW_INNER,		/* private <-> DMZ */
	LK_FW_OUTER,		/* DMZ <-> internet */
};

struct lk_fw_opts {
	enum lk_fw_format format;
	enum lk_fw_box box;
	/*
	 * Also the seed's rows that latchkeyd does not serve (Unified
	 * Communications, Jabber Guest, XMPP, authentication to AD/LDAP) and
	 * rows the configuration turns off.
	 */
	bool all_rows;
	/*
	 * Addresses of each party: an address or CIDR, or several separated
	 * by commas, all of one family.  NULL for a far end on the internet
	 * (an internet endpoint, a far firewall, a SIP UA, an XMPP server)
	 * and for the local endpoints means any address; NULL for one of the
	 * lab's own hosts (Control, Expressway, management computers, TMS,
	 * DNS, UC servers) skips its rows with a comment saying which option
	 * would give it.
	 */
	const char *addr[LK_PM_PARTY__COUNT];
	/*
	 * The router's interface towards each network (enum lk_pm_net), or
	 * NULL.  With them every rule also matches the interfaces its flow
	 * enters and leaves by, which is what keeps a private host from
	 * passing as an "internet endpoint" (any address) on a router that
	 * joins all three networks.
	 */
	const char *iface[3];
	const char *table;	/* nftables table name; NULL: "latchkey" */
	/* With a second matrix: the side whose ports it supplies. */
	enum lk_pm_party other_party;
};

struct lk_fw_counts {
	unsigned rules;		/* rules written */
	unsigned internal;	/* entries inside one network: no firewall */
	unsigned unserved;	/* rows left out: not served, or turned off */
	unsigned no_address;	/* rows skipped: a side has no address */
	unsigned other_box;	/* rows of the other firewall (with box) */
};

/*
 * Write the rules for the entries of `primary` (the matrix of one role's
 * configuration).  An end whose side is the other role takes its ports from
 * `other` (the other role's matrix, matched by table, row, direction,
 * transport and zone) when it is given, so that a Control's and an
 * Expressway's configurations each supply their own ports.  Returns 0, or
 * EINVAL for an address list that mixes families or is not an address,
 * or the errno of writing to `f`.  `counts` may be NULL.
 */
int lk_fwrules_print(FILE *f, const struct lk_portmatrix *primary,
		     const struct lk_portmatrix *other,
		     const struct lk_fw_opts *opts, struct lk_fw_counts *counts);

/* The sections (by id prefix) of rows latchkeyd does not serve. */
bool lk_fwrules_section_unserved(const char *section_id);

#endif
