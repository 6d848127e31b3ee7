/* config/fwrules.c  Firewall rules (nftables, iptables-restore) from the seed's port matrix (config/fwrules.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwrules.h"

/* Port sets a ruleset declares; the matrix has about twenty kinds. */
#define SETS_MAX 64
/* nftables keeps at most 128 octets of a rule's comment (NFT_USERDATA). */
#define COMMENT_MAX 128

struct portset {
	char name[48];
	char elems[256];	/* "36002-59999" or "25000-29999, 30000" */
};

struct gen {
	FILE *f;
	const struct lk_fw_opts *o;
	const struct lk_portmatrix *other;
	struct lk_fw_counts n;
	struct portset set[SETS_MAX];
	unsigned nsets;
	int err;
};

/* What the seed's port text says, in the nftables/iptables forms. */
struct ports {
	char nft[300];		/* "36000", "@media", "{ 389, 636 }", "" */
	char ipt[200];		/* "36000", "36002:59999", "389,636", "" */
	bool multi;		/* ipt: needs -m multiport */
	int parity;		/* -1 none, 0 even (RTP), 1 odd (RTCP) */
};

static const char *const unserved_prefix[] = {"uc-", "jg-", "xmpp-",
	"auth-"};

bool lk_fwrules_section_unserved(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(unserved_prefix) / sizeof(*unserved_prefix);
	     i++) {
		if (!strncmp(id, unserved_prefix[i],
			     strlen(unserved_prefix[i])))
			return true;
	}

	return false;
}

/* Far ends that may be anywhere; the others are the lab's own hosts. */
static bool party_is_anywhere(enum lk_pm_party p)
{
	return p == LK_PM_INTERNET_EP || p == LK_PM_FIREWALL ||
	       p == LK_PM_SIP_UA || p == LK_PM_XMPP_SERVER ||
	       p == LK_PM_ENDPOINT;
}

/* The option of `latchkey firewall` that gives a party's address. */
static const char *party_option(enum lk_pm_party p)
{
	switch (p) {
	case LK_PM_CONTROL:	return "--control-address";
	case LK_PM_EXPRESSWAY:	return "--expressway-address";
	case LK_PM_MGMT:
	case LK_PM_PC:		return "--management";
	case LK_PM_TMS:		return "--tms";
	case LK_PM_DNS:		return "--dns";
	default:		return "--uc-servers";
	}
}

/*
 * An address list's family: AF_INET or AF_INET6 when every item is an
 * address or CIDR of that family, 0 when the list is bad.
 */
static int list_family(const char *list)
{
	char item[INET6_ADDRSTRLEN + 8];
	const char *p = list, *e;
	int fam = 0;

	while (*p) {
		unsigned char buf[16];
		size_t len;
		char *slash, *end;
		int f;

		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ') {
			++p;
			--len;
		}
		while (len && p[len - 1] == ' ')
			--len;
		if (!len || len >= sizeof(item))
			return 0;
		memcpy(item, p, len);
		item[len] = '\0';
		slash = strchr(item, '/');
		if (slash)
			*slash++ = '\0';
		f = inet_pton(AF_INET, item, buf) == 1 ? AF_INET :
			inet_pton(AF_INET6, item, buf) == 1 ? AF_INET6 : 0;
		if (!f || (fam && f != fam))
			return 0;
		if (slash) {
			long bits = strtol(slash, &end, 10);

			if (*end || end == slash || bits < 0 ||
			    bits > (f == AF_INET ? 32 : 128))
				return 0;
		}
		fam = f;
		p = e ? e + 1 : p + len;
	}

	return fam;
}

/* The list without spaces, items joined by `sep` (", " or ","). */
static void list_norm(char *buf, size_t sz, const char *list,
		      const char *sep)
{
	size_t n = 0, ls = strlen(sep);
	const char *p;

	for (p = list; *p && n + ls + 1 < sz; p++) {
		if (*p == ' ')
			continue;
		if (*p == ',') {
			memcpy(buf + n, sep, ls);
			n += ls;
			continue;
		}
		buf[n++] = *p;
	}
	buf[n] = '\0';
}

/* A set name for an end's ports: what they come from, in nft's charset. */
static void set_name(char *buf, size_t sz, const struct lk_pm_end *end,
		     unsigned zone)
{
	const char *base;
	size_t i, n = 0;

	switch (end->kind) {
	case LK_PM_MEDIA:	base = "media"; break;
	case LK_PM_MEDIA_RTP:	base = "media_rtp"; break;
	case LK_PM_MEDIA_RTCP:	base = "media_rtcp"; break;
	case LK_PM_MUX:		base = "mux"; break;
	case LK_PM_MUX_RTP:	base = "mux_rtp"; break;
	case LK_PM_MUX_RTCP:	base = "mux_rtcp"; break;
	case LK_PM_ANY:		base = "high_ports"; break;
	case LK_PM_KEY:
	case LK_PM_ZONE_KEY:
		base = end->nkeys ? lk_conf_key_name(end->keys[0]) : "ports";
		break;
	default:		base = "ports"; break;
	}
	for (i = 0; base[i] && n + 1 < sz; i++) {
		char c = base[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && (!n || buf[n - 1] == '_'))
			continue;
		buf[n++] = c;
	}
	while (n && buf[n - 1] == '_')
		--n;
	/* "tcp_outbound_port_start" names the range: drop "_start". */
	if (n > 6 && !strncmp(buf + n - 6, "_start", 6))
		n -= 6;
	buf[n] = '\0';
	if (end->kind == LK_PM_ZONE_KEY && zone)
		snprintf(buf + n, sz - n, "_zone%u", zone);
}

static struct portset *set_find(struct gen *g, const char *name)
{
	unsigned i;

	for (i = 0; i < g->nsets; i++) {
		if (!strcmp(g->set[i].name, name))
			return &g->set[i];
	}
	return NULL;
}

/*
 * The set named `name` holding `elems`: an existing one, or a new one
 * (name_2, name_3... when the name holds other ports).  NULL when the
 * table is full: the caller then writes the ports inline.
 */
static const char *add_set(struct gen *g, const char *name,
			   const char *elems)
{
	char cand[48];
	struct portset *ps;
	unsigned k;

	snprintf(cand, sizeof(cand), "%s", name);
	for (k = 2; (ps = set_find(g, cand)); k++) {
		if (!strcmp(ps->elems, elems))
			return ps->name;
		if (k > 99)
			return NULL;
		snprintf(cand, sizeof(cand), "%.40s_%u", name, k);
	}
	if (g->nsets >= SETS_MAX)
		return NULL;
	ps = &g->set[g->nsets++];
	snprintf(ps->name, sizeof(ps->name), "%s", cand);
	snprintf(ps->elems, sizeof(ps->elems), "%s", elems);

	return ps->name;
}

/*
 * An end's ports in both syntaxes.  RTP-only or RTCP-only ranges (step 2)
 * become their span plus a parity match, since a set of every other port
 * would hold 12,000 elements for one row.  An end with no bound (a far
 * end's "any port") gives "", no match at all.
 */
static void ports_of(struct gen *g, struct ports *pt,
		     const struct lk_pm_end *end, unsigned zone,
		     bool declare)
{
	char elems[256] = "", ipt[200] = "", name[48];
	size_t ne = 0, ni = 0;
	unsigned i, nports = 0;
	bool fixed_list = end->kind == LK_PM_FIXED;

	memset(pt, 0, sizeof(*pt));
	pt->parity = -1;
	if (!end->nranges)
		return;
	for (i = 0; i < end->nranges; i++) {
		const struct lk_pm_range *r = &end->ranges[i];

		if (r->step == 2)
			pt->parity = r->start % 2;
		if (r->start == r->end) {
			ne += (size_t)snprintf(elems + ne, sizeof(elems) - ne,
					       "%s%u", i ? ", " : "", r->start);
			ni += (size_t)snprintf(ipt + ni, sizeof(ipt) - ni,
					       "%s%u", i ? "," : "", r->start);
			++nports;
		}
		else {
			ne += (size_t)snprintf(elems + ne, sizeof(elems) - ne,
					       "%s%u-%u", i ? ", " : "",
					       r->start, r->end);
			ni += (size_t)snprintf(ipt + ni, sizeof(ipt) - ni,
					       "%s%u:%u", i ? "," : "",
					       r->start, r->end);
			nports += 2;
		}
		if (ne >= sizeof(elems) || ni >= sizeof(ipt))
			break;
	}
	snprintf(pt->ipt, sizeof(pt->ipt), "%s", ipt);
	pt->multi = end->nranges > 1;
	if (end->nranges == 1 && nports == 1) {
		snprintf(pt->nft, sizeof(pt->nft), "%s", elems);
		return;
	}
	if (fixed_list) {
		snprintf(pt->nft, sizeof(pt->nft), "{ %s }", elems);
		return;
	}
	set_name(name, sizeof(name), end, zone);
	if (declare) {
		const char *n = add_set(g, name, elems);

		if (!n) {
			snprintf(pt->nft, sizeof(pt->nft), "{ %s }", elems);
			return;
		}
		snprintf(pt->nft, sizeof(pt->nft), "@%s", n);
		return;
	}
	for (i = 0; i < g->nsets; i++) {
		if (!strcmp(g->set[i].elems, elems) &&
		    !strncmp(g->set[i].name, name, strlen(name))) {
			snprintf(pt->nft, sizeof(pt->nft), "@%s",
				 g->set[i].name);
			return;
		}
	}
	snprintf(pt->nft, sizeof(pt->nft), "{ %s }", elems);
}

/* The same row in the other role's matrix, for that role's own ports. */
static const struct lk_pm_end *end_of(const struct gen *g,
				      const struct lk_pm_entry *e, bool dst)
{
	const struct lk_pm_end *end = dst ? &e->dst : &e->src;
	size_t i;

	if (!g->other || end->party != g->o->other_party)
		return end;
	for (i = 0; i < g->other->n; i++) {
		const struct lk_pm_entry *x = &g->other->entry[i];

		if (x->section == e->section && x->row == e->row &&
		    x->dir == e->dir && x->transport == e->transport &&
		    x->zone == e->zone)
			return dst ? &x->dst : &x->src;
	}

	return end;
}

static bool crosses_box(const struct lk_pm_entry *e, enum lk_fw_box box)
{
	bool inner = (e->src.net == LK_PM_PRIVATE && e->dst.net == LK_PM_DMZ) ||
		     (e->src.net == LK_PM_DMZ && e->dst.net == LK_PM_PRIVATE);

	return box == LK_FW_BOTH || (box == LK_FW_INNER) == inner;
}

enum verdict { V_RULE, V_INTERNAL, V_UNSERVED, V_NO_ADDRESS, V_OTHER_BOX };

static enum verdict classify(const struct gen *g, const struct lk_pm_entry *e)
{
	if (e->src.net == e->dst.net)
		return V_INTERNAL;
	if (!g->o->all_rows &&
	    (e->off || lk_fwrules_section_unserved(e->section->id)))
		return V_UNSERVED;
	if (!crosses_box(e, g->o->box))
		return V_OTHER_BOX;
	if ((!g->o->addr[e->src.party] && !party_is_anywhere(e->src.party)) ||
	    (!g->o->addr[e->dst.party] && !party_is_anywhere(e->dst.party)))
		return V_NO_ADDRESS;

	return V_RULE;
}

/*
 * "seed: SIP traversal call, row 2 B (Private to DMZ): SIP signaling, TLS",
 * cut to what the format keeps.
 */
static void comment_of(char *buf, size_t sz, const struct lk_pm_entry *e)
{
	const char *letter = *e->dst.letter ? e->dst.letter : e->src.letter;
	char zone[24] = "";
	size_t i;
	int n;

	if (e->zone)
		snprintf(zone, sizeof(zone), " zone %u", e->zone);
	n = snprintf(buf, sz, "seed: %s, row %u%s%s%s (%s): %s, %s",
		     e->section->title, e->row, *letter ? " " : "", letter,
		     zone, e->section->dir[e->dir].firewall, e->purpose,
		     lk_portmodel_transport_name(e->transport));
	if (n > 0 && (size_t)n >= sz && sz > 4)
		memcpy(buf + sz - 4, "...", 4);
	/* No quotes or backslashes inside the rule's quoted comment. */
	for (i = 0; buf[i]; i++) {
		if (buf[i] == '"' || buf[i] == '\\')
			buf[i] = '\'';
	}
}

static const char *proto_of(const struct lk_pm_entry *e)
{
	return e->transport == LK_PM_UDP ? "udp" : "tcp";
}

static int nft_rule(struct gen *g, const struct lk_pm_entry *e)
{
	const struct lk_pm_end *src = end_of(g, e, false);
	const struct lk_pm_end *dst = end_of(g, e, true);
	const char *sa = g->o->addr[e->src.party];
	const char *da = g->o->addr[e->dst.party];
	char comment[COMMENT_MAX], sl[300], dl[300];
	struct ports sp, dp;
	const char *proto = proto_of(e);
	int sfam = sa ? list_family(sa) : 0, dfam = da ? list_family(da) : 0;

	if ((sa && !sfam) || (da && !dfam))
		return EINVAL;
	ports_of(g, &sp, src, e->zone, false);
	ports_of(g, &dp, dst, e->zone, false);
	comment_of(comment, sizeof(comment), e);
	if (sfam && dfam && sfam != dfam) {
		fprintf(g->f, "\t\t# skipped (source and destination "
			"addresses of different families): %s\n", comment);
		++g->n.no_address;
		return 0;
	}

	fprintf(g->f, "\t\t");
	if (g->o->iface[e->src.net])
		fprintf(g->f, "iifname \"%s\" ", g->o->iface[e->src.net]);
	if (g->o->iface[e->dst.net])
		fprintf(g->f, "oifname \"%s\" ", g->o->iface[e->dst.net]);
	fprintf(g->f, "meta l4proto %s", proto);
	if (sa) {
		list_norm(sl, sizeof(sl), sa, ", ");
		fprintf(g->f, " %s saddr %s%s%s", sfam == AF_INET ? "ip" : "ip6",
			strchr(sl, ',') ? "{ " : "", sl,
			strchr(sl, ',') ? " }" : "");
	}
	if (da) {
		list_norm(dl, sizeof(dl), da, ", ");
		fprintf(g->f, " %s daddr %s%s%s", dfam == AF_INET ? "ip" : "ip6",
			strchr(dl, ',') ? "{ " : "", dl,
			strchr(dl, ',') ? " }" : "");
	}
	if (*sp.nft)
		fprintf(g->f, " %s sport %s", proto, sp.nft);
	if (sp.parity >= 0)
		fprintf(g->f, " %s sport & 1 == %d", proto, sp.parity);
	if (*dp.nft)
		fprintf(g->f, " %s dport %s", proto, dp.nft);
	if (dp.parity >= 0)
		fprintf(g->f, " %s dport & 1 == %d", proto, dp.parity);
	fprintf(g->f, " ct state new counter accept comment \"%s\"\n",
		comment);
	++g->n.rules;

	return 0;
}

static int ipt_rule(struct gen *g, const struct lk_pm_entry *e)
{
	const struct lk_pm_end *src = end_of(g, e, false);
	const struct lk_pm_end *dst = end_of(g, e, true);
	const char *sa = g->o->addr[e->src.party];
	const char *da = g->o->addr[e->dst.party];
	char comment[256], sl[300], dl[300];
	struct ports sp, dp;
	int sfam = sa ? list_family(sa) : 0, dfam = da ? list_family(da) : 0;

	if ((sa && !sfam) || (da && !dfam))
		return EINVAL;
	comment_of(comment, sizeof(comment), e);
	/* iptables-restore is IPv4 (ip6tables-restore takes the IPv6). */
	if (sfam == AF_INET6 || dfam == AF_INET6) {
		fprintf(g->f, "# skipped (IPv6: use the nftables output or "
			"ip6tables): %s\n", comment);
		++g->n.no_address;
		return 0;
	}
	ports_of(g, &sp, src, e->zone, false);
	ports_of(g, &dp, dst, e->zone, false);
	fprintf(g->f, "-A LATCHKEY");
	if (g->o->iface[e->src.net])
		fprintf(g->f, " -i %s", g->o->iface[e->src.net]);
	if (g->o->iface[e->dst.net])
		fprintf(g->f, " -o %s", g->o->iface[e->dst.net]);
	fprintf(g->f, " -p %s", proto_of(e));
	if (sa) {
		list_norm(sl, sizeof(sl), sa, ",");
		fprintf(g->f, " -s %s", sl);
	}
	if (da) {
		list_norm(dl, sizeof(dl), da, ",");
		fprintf(g->f, " -d %s", dl);
	}
	/* One multiport match takes either source or destination ports. */
	if (*sp.ipt)
		fprintf(g->f, sp.multi ? " -m multiport --sports %s" :
			" --sport %s", sp.ipt);
	if (*dp.ipt)
		fprintf(g->f, dp.multi ? " -m multiport --dports %s" :
			" --dport %s", dp.ipt);
	fprintf(g->f, " -m conntrack --ctstate NEW -m comment --comment "
		"\"%s%s\" -j ACCEPT\n", comment,
		sp.parity >= 0 || dp.parity >= 0 ?
		" (every port of the span: iptables has no parity match)" : "");
	++g->n.rules;

	return 0;
}

/* Pass 1: every rule's port sets, declared before the chain uses them. */
static void collect_sets(struct gen *g, const struct lk_portmatrix *pm)
{
	struct ports pt;
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];

		if (classify(g, e) != V_RULE)
			continue;
		ports_of(g, &pt, end_of(g, e, false), e->zone, true);
		ports_of(g, &pt, end_of(g, e, true), e->zone, true);
	}
}

static void skipped_line(struct gen *g, const struct lk_pm_entry *e,
			 const char *indent)
{
	char comment[320];
	enum lk_pm_party p = !g->o->addr[e->src.party] &&
		!party_is_anywhere(e->src.party) ? e->src.party : e->dst.party;

	comment_of(comment, sizeof(comment), e);
	fprintf(g->f, "%s# skipped (no address for %s: %s): %s\n", indent,
		lk_portmodel_party_name(p), party_option(p), comment);
}

static int rules(struct gen *g, const struct lk_portmatrix *pm,
		 const char *indent)
{
	size_t i;
	int err;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];

		switch (classify(g, e)) {
		case V_INTERNAL:	++g->n.internal; continue;
		case V_UNSERVED:	++g->n.unserved; continue;
		case V_OTHER_BOX:	++g->n.other_box; continue;
		case V_NO_ADDRESS:
			++g->n.no_address;
			skipped_line(g, e, indent);
			continue;
		case V_RULE:
			break;
		}
		err = g->o->format == LK_FW_NFT ? nft_rule(g, e) :
			ipt_rule(g, e);
		if (err)
			return err;
	}

	return 0;
}

static const char *box_name(enum lk_fw_box box)
{
	switch (box) {
	case LK_FW_INNER:	return "private <-> DMZ (in front of the "
				       "Control)";
	case LK_FW_OUTER:	return "DMZ <-> internet (in front of the "
				       "Expressway)";
	default:		return "private <-> DMZ and DMZ <-> internet "
				       "(one router)";
	}
}

int lk_fwrules_print(FILE *f, const struct lk_portmatrix *primary,
		     const struct lk_portmatrix *other,
		     const struct lk_fw_opts *opts, struct lk_fw_counts *counts)
{
	const char *table = opts->table ? opts->table : "latchkey";
	struct gen *g;
	unsigned i;
	int err = 0;

	for (i = 0; i < LK_PM_PARTY__COUNT; i++) {
		if (opts->addr[i] && !list_family(opts->addr[i]))
			return EINVAL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return ENOMEM;
	g->f = f;
	g->o = opts;
	g->other = other;

	if (opts->format == LK_FW_NFT) {
		collect_sets(g, primary);
		fprintf(f, "# latchkey firewall: %s\n"
			"# Every rule lets a flow's first packet through and "
			"names the seed table and row\n"
			"# it comes from; replies ride on connection tracking; "
			"the rest is dropped and counted.\n"
			"# Load with: nft -f FILE (it replaces only the table "
			"\"%s\").\n", box_name(opts->box), table);
		fprintf(f, "table inet %s\ndelete table inet %s\n\n", table,
			table);
		fprintf(f, "table inet %s {\n", table);
		for (i = 0; i < g->nsets; i++)
			fprintf(f, "\tset %s {\n\t\ttype inet_service; "
				"flags interval\n\t\telements = { %s }\n"
				"\t}\n\n", g->set[i].name, g->set[i].elems);
		fprintf(f, "\tchain forward {\n\t\ttype filter hook forward "
			"priority filter; policy drop;\n"
			"\t\tct state established,related counter accept "
			"comment \"replies and related flows\"\n"
			"\t\tct state invalid counter drop comment "
			"\"invalid\"\n");
		err = rules(g, primary, "\t\t");
		fprintf(f, "\t\tcounter drop comment \"default: not in the "
			"seed's port matrix\"\n\t}\n}\n");
	}
	else {
		fprintf(f, "# latchkey firewall: %s\n"
			"# Load with: iptables-restore --noflush FILE; then "
			"jump to LATCHKEY from FORWARD.\n*filter\n"
			":LATCHKEY - [0:0]\n"
			"-A LATCHKEY -m conntrack --ctstate RELATED,ESTABLISHED "
			"-j ACCEPT\n"
			"-A LATCHKEY -m conntrack --ctstate INVALID -j DROP\n",
			box_name(opts->box));
		err = rules(g, primary, "");
		fprintf(f, "-A LATCHKEY -m comment --comment \"default: not in "
			"the seed's port matrix\" -j DROP\nCOMMIT\n");
	}
	if (!err && ferror(f))
		err = EIO;
	if (counts)
		*counts = g->n;
	free(g);

	return err;
}
