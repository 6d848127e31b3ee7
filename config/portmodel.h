/* config/portmodel.h  The seed's port tables as data, resolved from config. */
#ifndef LK_PORTMODEL_H
#define LK_PORTMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "service.h"

/*
 * The port matrix.  Every row of every table of the seed (Cisco VCS X8.2
 * IP Port Usage for Firewall Traversal, D14606.06) is held here as data,
 * split into one entry per transport and port specification: the seed's
 * "SIP signaling: UDP C 5060 / TCP & TLS A 25000 to 29999" becomes three
 * entries (UDP, TCP, TLS) that share section, row and direction, so that a
 * firewall rule can be made from each entry and the seed's row can be put
 * back together for display (lk_portmodel_same_row()).
 *
 * An entry always runs from the side that opens the flow (the seed's
 * "source port" column) to the side that listens (its "listening port"
 * column), whatever order the seed prints the two columns in.
 *
 * Ports are resolved from an effective struct lk_conf, so a changed range
 * in the configuration changes every entry that uses it.  docs/ports.md
 * explains the model and lists where latchkey differs from the seed.
 */

enum lk_pm_transport {
	LK_PM_UDP = 0,
	LK_PM_TCP,
	LK_PM_TLS,		/* TCP on the wire; the seed names it apart */
};

/* The network a side sits in; the seed's "Open firewall" row names these. */
enum lk_pm_net {
	LK_PM_PRIVATE = 0,
	LK_PM_DMZ,
	LK_PM_INTERNET,
};

/* Who is at one end of a flow, after the seed's column headings. */
enum lk_pm_party {
	LK_PM_CONTROL = 0,	/* VCS Control (traversal client) */
	LK_PM_EXPRESSWAY,	/* VCS Expressway (traversal server) */
	LK_PM_MGMT,		/* "Management system" */
	LK_PM_PC,		/* "PC": a management computer */
	LK_PM_TMS,		/* TelePresence Management Suite */
	LK_PM_DNS,		/* the Expressway's DNS server */
	LK_PM_INTERNET_EP,	/* "Internet endpoint" */
	LK_PM_FIREWALL,		/* a far end's firewall (H.323) */
	LK_PM_ENDPOINT,		/* a local endpoint */
	LK_PM_IMP,		/* IM and Presence server */
	LK_PM_UCM,		/* Unified CM server */
	LK_PM_CUC,		/* Cisco Unity Connection server */
	LK_PM_SIP_UA,		/* "Internet SIP UA" (Jabber Guest) */
	LK_PM_XMPP_SERVER,	/* "Federated XMPP server" */

	LK_PM_PARTY__COUNT
};

/* Where an end's ports come from. */
enum lk_pm_kind {
	LK_PM_FIXED = 0,	/* a number the seed fixes: 80, 443, 7400 */
	LK_PM_KEY,		/* a configured port, or a start/end range */
	LK_PM_ZONE_KEY,		/* a port of traversal zone N */
	LK_PM_MEDIA,		/* media range less the mux ports */
	LK_PM_MEDIA_RTP,	/* the same, even ports (RTP) */
	LK_PM_MEDIA_RTCP,	/* the same, odd ports (RTCP) */
	LK_PM_MUX,		/* the multiplexed media ports, all */
	LK_PM_MUX_RTP,		/* ... the RTP ones */
	LK_PM_MUX_RTCP,		/* ... the RTCP ones */
	LK_PM_ANY,		/* not latchkey's: "S >= 1024", a far end */
};

#define LK_PM_RANGES_MAX 16
#define LK_PM_KEYS_MAX 2

/* Ports start, start + step, ... end; step is 2 for RTP or RTCP only. */
struct lk_pm_range {
	uint16_t start;
	uint16_t end;
	uint16_t step;
};

/* One end of an entry. */
struct lk_pm_end {
	enum lk_pm_party party;
	enum lk_pm_net net;
	const char *letter;	/* the seed's: "A", "Y_E"; "" if none */
	const char *note;	/* the seed's footnote on it, or "" */
	enum lk_pm_kind kind;
	unsigned nkeys;
	enum lk_key keys[LK_PM_KEYS_MAX];	/* what the ports come from */
	uint16_t typical;	/* LK_PM_ANY: the port the seed prints, or 0 */
	/*
	 * The ports.  For LK_PM_ANY, the ports the seed allows (1024-65535
	 * for "any port >= 1024"), or none when the seed gives no bound.
	 */
	unsigned nranges;
	struct lk_pm_range ranges[LK_PM_RANGES_MAX];
	const char *deviation;	/* why latchkey differs from the seed */
};

/* One column pair of a seed table: a direction of traffic. */
struct lk_pm_dir {
	const char *call;	/* the seed's "Call direction" text */
	const char *firewall;	/* the seed's "Open firewall" text */
	enum lk_pm_party src;	/* the column headings' sides; an entry */
	enum lk_pm_party dst;	/* may name a more exact one */
};

/* One table of the seed.  Several share a heading; `id` tells them apart. */
struct lk_pm_section {
	const char *id;		/* stable short name: "sip-traversal" */
	const char *title;	/* the seed's heading, verbatim */
	unsigned ndirs;
	struct lk_pm_dir dir[2];
	const char *note;	/* the seed's remark on the table, or NULL */
};

struct lk_pm_entry {
	const struct lk_pm_section *section;
	unsigned row;		/* the seed's row in the section, from 1 */
	unsigned dir;		/* index into section->dir */
	const char *purpose;	/* the seed's first column, verbatim */
	enum lk_pm_transport transport;
	unsigned zone;		/* traversal zone N, or 0 */
	struct lk_pm_end src;	/* the side that opens the flow */
	struct lk_pm_end dst;	/* the side that listens */
	const char *off;	/* why the configured box does not serve it */
};

/* A resolved matrix; entries are in the seed's order. */
struct lk_portmatrix {
	size_t n;
	struct lk_pm_entry *entry;
	unsigned nzones;	/* traversal zones of the configuration */
};

/* What to print; a zeroed filter prints everything. */
struct lk_pm_filter {
	bool by_role;
	enum lk_role role;	/* with by_role: rows where this is a side */
};

/*
 * Resolve the seed's tables against `conf` (the effective configuration,
 * after lk_conf_load()).  Entries whose ports come from a traversal zone
 * are repeated for each configured zone.  Returns 0 or ENOMEM, EINVAL;
 * *pmp is written only on success; the caller holds its one reference
 * (mem_deref()).
 */
int lk_portmodel_resolve(struct lk_portmatrix **pmp,
			 const struct lk_conf *conf);

/* The seed's tables, in the seed's order. */
const struct lk_pm_section *lk_portmodel_sections(size_t *np);

/* True when the entry belongs to the same seed row and direction as `b`. */
bool lk_portmodel_same_row(const struct lk_pm_entry *a,
			   const struct lk_pm_entry *b);

/* True when `role` (VCS Control or VCS Expressway) is one of its sides. */
bool lk_portmodel_has_role(const struct lk_pm_entry *e, enum lk_role role);
bool lk_portmodel_match(const struct lk_pm_entry *e,
			const struct lk_pm_filter *filter);

/*
 * An end's ports as the seed writes them: "36002 to 59998", "389 or 636",
 * ">= 1024", "5060 or >= 1024", "1719 (typically)".  Returns 0, or
 * ENOSPC when `buf` is too small (it then holds a truncated string).
 */
int lk_portmodel_ports_text(char *buf, size_t sz, const struct lk_pm_end *end);

/*
 * Where an end's ports come from, for a legend: the key paths
 * ("Protocols > SIP > TCP outbound port start / TCP outbound port end"),
 * what is derived from them, or the seed's footnote for a far end.
 */
void lk_portmodel_source_text(char *buf, size_t sz,
			      const struct lk_pm_end *end, unsigned zone);

/*
 * The matrix as text, grouped by seed table with the seed's headings and
 * letters, and a legend of letters and keys under each table.
 */
int lk_portmodel_print_text(const struct lk_portmatrix *pm,
			    const struct lk_pm_filter *filter, FILE *f);

/*
 * The matrix as JSON: an array of entries (docs/ports.md gives the
 * schema).  The member names are stable; new members may be added.
 */
int lk_portmodel_print_json(const struct lk_portmatrix *pm,
			    const struct lk_pm_filter *filter, FILE *f);

/*
 * Whether latchkeyd itself serves the entry's listening side: served,
 * bound but its protocol not served yet (H.323, TURN today), not served
 * yet, or not latchkeyd's at all (a far end, administration).  From the
 * protocol table of config/service.c.
 */
enum lk_service lk_portmodel_service(const struct lk_pm_entry *e);

const char *lk_portmodel_transport_name(enum lk_pm_transport t);
const char *lk_portmodel_party_name(enum lk_pm_party party);
const char *lk_portmodel_net_name(enum lk_pm_net net);
const char *lk_portmodel_kind_name(enum lk_pm_kind kind);

#endif
