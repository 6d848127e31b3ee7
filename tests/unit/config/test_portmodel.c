/* tests/unit/config/test_portmodel.c  The port matrix against the seed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "conf.h"
#include "portmodel.h"

/*
 * tests/data/seed-rows.tsv is the seed's tables typed in by hand (its
 * header gives the format).  The matrix must equal it row by row, except
 * where latchkey knowingly prints something else: those places are listed
 * here, each with its reason, and docs/ports.md lists them for users.
 * When the seed itself is at hand ($LK_SEED), the transcription is also
 * checked against the seed's text: every heading, row and direction.
 */

/*
 * Where latchkey differs from what the seed prints, at the seed's new-
 * installation defaults.  `end` is 's' (source side) or 'd' (listening).
 */
static const struct deviation {
	const char *section;
	unsigned row, dir;
	const char *transport;
	char end;
	const char *seed;	/* as transcribed */
	const char *latchkey;	/* what latchkey resolves */
} deviations[] = {
	/*
	 * The H.323 public-endpoint tables print RTP "36000 to 59998" and
	 * RTCP "36001 to 59999", yet footnote ** says the first ports of the
	 * media range (36000/36001 on Small/Medium) carry multiplexed media
	 * only, and every other table starts at 36002/36003.
	 */
	{"h323-public-reg", 4, 1, "UDP", 's', "36000-59998", "36002-59998"},
	{"h323-public-reg", 4, 2, "UDP", 'd', "36000-59998", "36002-59998"},
	{"h323-public-reg", 5, 1, "UDP", 's', "36001-59999", "36003-59999"},
	{"h323-public-reg", 5, 2, "UDP", 'd', "36001-59999", "36003-59999"},
	{"h323-public-nonreg", 4, 1, "UDP", 's', "36000-59998", "36002-59998"},
	{"h323-public-nonreg", 4, 2, "UDP", 'd', "36000-59998", "36002-59998"},
	{"h323-public-nonreg", 5, 1, "UDP", 's', "36001-59999", "36003-59999"},
	{"h323-public-nonreg", 5, 2, "UDP", 'd', "36001-59999", "36003-59999"},
	/*
	 * Jabber Guest, Expressway to Control: Y_C "36000 to 59999", where
	 * every other table's Y_C starts at 36002 (footnote ** again).
	 */
	{"jg-exp-ctl", 1, 1, "UDP", 'd', "36000-59999", "36002-59999"},
	/* Jabber Guest, Control to Expressway: "TLS T_E" with no number. */
	{"jg-ctl-exp", 2, 1, "TLS", 'd', "?", "7001"},
	/* Jabber Guest "SSH 2222": a transport written as SSH; it is TCP. */
	{"jg-ctl-exp", 1, 1, "TCP", 'd', "2222", "2222"},
};

#define NDEVIATIONS (sizeof(deviations) / sizeof(deviations[0]))

/*
 * Reading files
 */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *t;

			cap = cap ? cap * 2 : 65536;
			t = realloc(buf, cap);
			if (!t) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = t;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (!n)
			break;
	}
	fclose(f);
	buf[len] = '\0';

	return buf;
}

/* Split `s` at `sep` in place; at most `max` fields. */
static unsigned split(char *s, char sep, char **fields, unsigned max)
{
	unsigned n = 0;

	while (n < max) {
		char *p = strchr(s, sep);

		fields[n++] = s;
		if (!p)
			break;
		*p = '\0';
		s = p + 1;
	}

	return n;
}

static char *trim(char *s)
{
	size_t l;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	l = strlen(s);
	while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		s[--l] = '\0';

	return s;
}

/*
 * The transcription
 */

#define TSV_MAX 400

struct tsv_rec {
	char type;		/* 'S', 'D', 'R' */
	unsigned line;
	char *f[12];
	unsigned nf;
};

struct tsv {
	char *text;
	unsigned n;
	struct tsv_rec rec[TSV_MAX];
};

static struct tsv *tsv_load(void)
{
	const char *src = getenv("LK_SOURCE_DIR");
	char path[512];
	struct tsv *t;
	char *line, *next;
	unsigned lineno = 0;

	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	if (src) {
		snprintf(path, sizeof(path), "%s/tests/data/seed-rows.tsv",
			 src);
		t->text = slurp(path);
	}
	if (!t->text)
		t->text = slurp("data/seed-rows.tsv");
	if (!t->text)
		t->text = slurp("tests/data/seed-rows.tsv");
	if (!t->text)
		fail_msg("cannot read tests/data/seed-rows.tsv (set "
			 "LK_SOURCE_DIR to the source tree)");

	for (line = t->text; line && *line; line = next) {
		struct tsv_rec *r;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		++lineno;
		if (line[0] == '#' || !line[0])
			continue;
		assert_true(t->n < TSV_MAX);
		r = &t->rec[t->n++];
		r->line = lineno;
		r->nf = split(line, '\t', r->f, 12);
		r->type = r->f[0][0];
		if (!((r->type == 'S' && r->nf == 3) ||
		      (r->type == 'D' && r->nf == 5) ||
		      (r->type == 'R' && r->nf == 12) ||
		      (r->type == 'R' && r->nf == 6 && !strcmp(r->f[5], "-"))))
			fail_msg("seed-rows.tsv:%u: malformed record", lineno);
	}

	return t;
}

static void tsv_free(struct tsv *t)
{
	free(t->text);
	free(t);
}

/*
 * An end in the transcription's notation, made by this test's own code
 * rather than by lk_portmodel_ports_text(), so that a formatting slip in
 * the module cannot hide a wrong port.
 */
static void canon(char *buf, size_t sz, const struct lk_pm_end *end)
{
	size_t off = 0;
	unsigned i;

	buf[0] = '\0';
	if (end->kind == LK_PM_ANY) {
		if (!end->nranges && end->typical)
			snprintf(buf, sz, "~%u", end->typical);
		else if (!end->nranges)
			snprintf(buf, sz, "ephemeral");
		else if (end->nranges == 1 && end->ranges[0].end == 65535 &&
			 end->typical)
			snprintf(buf, sz, "%u|>=%u", end->typical,
				 end->ranges[0].start);
		else if (end->nranges == 1 && end->ranges[0].end == 65535)
			snprintf(buf, sz, ">=%u", end->ranges[0].start);
		else
			snprintf(buf, sz, "(any: unexpected ranges)");
		return;
	}
	for (i = 0; i < end->nranges && off < sz; i++) {
		const struct lk_pm_range *r = &end->ranges[i];

		if (r->start == r->end)
			off += (size_t)snprintf(buf + off, sz - off, "%s%u",
						i ? "," : "", r->start);
		else
			off += (size_t)snprintf(buf + off, sz - off, "%s%u-%u",
						i ? "," : "", r->start, r->end);
	}
}

static const char *letter(const char *tsv_letter)
{
	return strcmp(tsv_letter, "-") ? tsv_letter : "";
}

static const struct deviation *deviation_find(const char *section,
					      unsigned row, unsigned dir,
					      const char *transport, char end)
{
	size_t i;

	for (i = 0; i < NDEVIATIONS; i++) {
		const struct deviation *d = &deviations[i];

		if (!strcmp(d->section, section) && d->row == row &&
		    d->dir == dir && !strcmp(d->transport, transport) &&
		    d->end == end)
			return d;
	}

	return NULL;
}

static struct lk_portmatrix *resolve_text(const char *text)
{
	struct lk_conf_diag diag;
	struct lk_portmatrix *pm = NULL;
	struct lk_conf conf;
	int err;

	err = lk_conf_parse(&conf, "test.conf", text, text ? strlen(text) : 0,
			    &diag);
	if (err) {
		lk_conf_diag_print(&diag, stderr);
		fail_msg("configuration rejected: %d", err);
	}
	assert_int_equal(0, lk_portmodel_resolve(&pm, &conf));
	assert_non_null(pm);

	return pm;
}

static struct lk_portmatrix *resolve_defaults(void)
{
	struct lk_conf_diag diag;
	struct lk_portmatrix *pm = NULL;
	struct lk_conf conf;

	assert_int_equal(0, lk_conf_load(&conf, NULL, &diag));
	assert_int_equal(0, lk_portmodel_resolve(&pm, &conf));

	return pm;
}

/* Compare one end with its transcription; count deviations used. */
static void check_end(const struct lk_pm_entry *e, const struct lk_pm_end *end,
		      char which, struct tsv_rec *r, char **f,
		      unsigned *used)
{
	const struct deviation *d;
	char got[200];

	if (strcmp(lk_portmodel_party_name(end->party), f[0]))
		fail_msg("seed-rows.tsv:%u: %s side is \"%s\", latchkey has "
			 "\"%s\"", r->line, which == 's' ? "source" :
			 "listening", f[0],
			 lk_portmodel_party_name(end->party));
	if (strcmp(end->letter, letter(f[1])))
		fail_msg("seed-rows.tsv:%u: %s letter is \"%s\", latchkey has "
			 "\"%s\"", r->line, which == 's' ? "source" :
			 "listening", f[1], end->letter);

	canon(got, sizeof(got), end);
	d = deviation_find(e->section->id, e->row, e->dir + 1,
			   lk_portmodel_transport_name(e->transport), which);
	if (d) {
		assert_string_equal(d->seed, f[2]);
		assert_string_equal(d->latchkey, got);
		if (!end->deviation)
			fail_msg("seed-rows.tsv:%u: a listed deviation that "
				 "latchkey does not mark", r->line);
		++used[d - deviations];
		return;
	}
	if (strcmp(got, f[2]))
		fail_msg("seed-rows.tsv:%u: %s %s row %u: seed has %s \"%s\", "
			 "latchkey has \"%s\"", r->line, e->section->id,
			 e->purpose, e->row, which == 's' ? "source" :
			 "listening", f[2], got);
	if (end->deviation)
		fail_msg("seed-rows.tsv:%u: latchkey marks a deviation the "
			 "test does not list: %s", r->line, end->deviation);
}

/*
 * Every row of every table, every default: the matrix resolved from the
 * built-in defaults against the transcription.
 */
static void matrix_equals_the_transcription(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	const struct lk_pm_section *secs;
	unsigned used[NDEVIATIONS] = {0};
	size_t nsecs, si = 0, nmatched = 0, i;
	struct tsv *t = tsv_load();
	unsigned k;

	secs = lk_portmodel_sections(&nsecs);
	for (k = 0; k < t->n; k++) {
		struct tsv_rec *r = &t->rec[k];
		const struct lk_pm_section *sec;
		unsigned row, dir, nth = 0, want;

		if (r->type == 'S') {
			if (si >= nsecs)
				fail_msg("seed-rows.tsv:%u: table %s not in "
					 "the model", r->line, r->f[1]);
			assert_string_equal(r->f[1], secs[si].id);
			assert_string_equal(r->f[2], secs[si].title);
			++si;
			continue;
		}
		sec = NULL;
		for (i = 0; i < nsecs; i++) {
			if (!strcmp(secs[i].id, r->f[1]))
				sec = &secs[i];
		}
		if (!sec)
			fail_msg("seed-rows.tsv:%u: unknown table %s", r->line,
				 r->f[1]);
		if (r->type == 'D') {
			dir = (unsigned)atoi(r->f[2]);
			assert_true(dir >= 1 && dir <= sec->ndirs);
			assert_string_equal(r->f[3], sec->dir[dir - 1].call);
			assert_string_equal(r->f[4],
					    sec->dir[dir - 1].firewall);
			continue;
		}

		/* R: the n-th record of its row and direction is the n-th
		 * entry of that row and direction. */
		row = (unsigned)atoi(r->f[2]);
		dir = (unsigned)atoi(r->f[3]);
		for (i = 0; i < k; i++) {
			struct tsv_rec *p = &t->rec[i];

			if (p->type == 'R' && !strcmp(p->f[1], r->f[1]) &&
			    (unsigned)atoi(p->f[2]) == row &&
			    (unsigned)atoi(p->f[3]) == dir)
				++nth;
		}
		want = nth;
		for (i = 0; i < pm->n; i++) {
			const struct lk_pm_entry *e = &pm->entry[i];

			if (e->section != sec || e->row != row ||
			    e->dir + 1 != dir)
				continue;
			if (!strcmp(r->f[5], "-"))
				fail_msg("seed-rows.tsv:%u: %s row %u has no "
					 "entry in the seed, latchkey has one",
					 r->line, sec->id, row);
			assert_string_equal(r->f[4], e->purpose);
			if (nth--)
				continue;
			assert_string_equal(r->f[5],
				lk_portmodel_transport_name(e->transport));
			check_end(e, &e->src, 's', r, &r->f[6], used);
			check_end(e, &e->dst, 'd', r, &r->f[9], used);
			++nmatched;
			break;
		}
		if (strcmp(r->f[5], "-") && i == pm->n)
			fail_msg("seed-rows.tsv:%u: %s row %u direction %u: "
				 "latchkey has no entry #%u", r->line, sec->id,
				 row, dir, want + 1);
	}
	assert_int_equal(nsecs, si);
	/* Nothing in the matrix that the seed does not have. */
	assert_int_equal(pm->n, nmatched);
	for (i = 0; i < NDEVIATIONS; i++) {
		if (used[i] != 1)
			fail_msg("deviation %s row %u dir %u %c matched %u "
				 "times", deviations[i].section,
				 deviations[i].row, deviations[i].dir,
				 deviations[i].end, used[i]);
	}

	tsv_free(t);
	mem_deref(pm);
}

/*
 * The transcription against the seed's own text: every table heading, in
 * order; every row's purpose; every direction and "Open firewall" cell;
 * a record for each row in each of its directions.
 */

#define SEED_TABLES 40
#define SEED_ROWS 16
#define SEED_DIRS 4

struct seed_table {
	char *title;
	unsigned nrows;
	char *purpose[SEED_ROWS];
	unsigned row_dirs[SEED_ROWS];	/* bit d-1: row has direction d */
	unsigned ndirs, nfw;
	char *call[SEED_DIRS];
	char *fw[SEED_DIRS];
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static unsigned seed_parse(char *text, struct seed_table *tables)
{
	struct seed_table *cur = NULL;
	unsigned n = 0, dir_first = 0, dir_count = 0;
	char *line, *next;

	for (line = text; line && *line; line = next) {
		char *f[16] = {NULL};
		unsigned nf, i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (starts(line, "# ")) {
			/* A heading starts a table; keep it if rows follow. */
			if (!cur || cur->nrows)
				cur = n < SEED_TABLES ? &tables[n++] : NULL;
			assert_non_null(cur);
			memset(cur, 0, sizeof(*cur));
			cur->title = trim(line + 2);
			dir_first = dir_count = 0;
			continue;
		}
		if (!cur)
			continue;
		if (starts(line, "Call direction\t") ||
		    starts(line, "Management control\t") ||
		    starts(line, "Management Control\t") ||
		    starts(line, "Message direction\t") ||
		    starts(line, "message direction\t") ||
		    starts(line, "XMPP\t")) {
			nf = split(line, '\t', f, 16);
			dir_first = cur->ndirs;
			dir_count = 0;
			for (i = 1; i < nf; i++) {
				char *v = trim(f[i]);

				if (!*v)
					continue;
				assert_true(cur->ndirs < SEED_DIRS);
				cur->call[cur->ndirs++] = v;
				++dir_count;
			}
			continue;
		}
		if (starts(line, "Open firewall\t") ||
		    starts(line, "Open Firewall\t")) {
			nf = split(line, '\t', f, 16);
			for (i = 1; i < nf; i++) {
				char *v = trim(f[i]);

				if (*v && cur->nfw < SEED_DIRS)
					cur->fw[cur->nfw++] = v;
			}
			continue;
		}
		/* A table row: "IP Ports\t<purpose>\t..." or "\t<purpose>". */
		if (starts(line, "IP Ports\t") || starts(line, "Ports\t") ||
		    (line[0] == '\t' && line[1] && line[1] != '\t')) {
			nf = split(line, '\t', f, 16);
			assert_true(nf >= 2);
			assert_true(cur->nrows < SEED_ROWS);
			cur->purpose[cur->nrows] = trim(f[1]);
			cur->row_dirs[cur->nrows] =
				((1u << dir_count) - 1) << dir_first;
			++cur->nrows;
		}
	}
	if (cur && !cur->nrows)
		--n;

	return n;
}

static void transcription_matches_the_seed_text(void **state)
{
	const char *path = getenv("LK_SEED");
	struct seed_table *tables;
	struct tsv *t;
	char *text;
	unsigned n, k, ti = 0, nrows = 0;
	struct seed_table *cur = NULL;
	char *cur_id = NULL;

	text = path ? slurp(path) : NULL;
	if (!text) {
		fprintf(stderr, "# LK_SEED unset or unreadable (%s); the seed "
			"itself is not at hand to check the transcription\n",
			path ? path : "unset");
		skip();
	}
	tables = calloc(SEED_TABLES, sizeof(*tables));
	assert_non_null(tables);
	n = seed_parse(text, tables);
	/* The seed's tables, less "SIP B2BUA and Microsoft Lync" (none). */
	assert_int_equal(31, n);

	t = tsv_load();
	for (k = 0; k < t->n; k++) {
		struct tsv_rec *r = &t->rec[k];
		unsigned row, dir;

		if (r->type == 'S') {
			if (ti >= n)
				fail_msg("seed-rows.tsv:%u: more tables than "
					 "the seed", r->line);
			cur = &tables[ti++];
			cur_id = r->f[1];
			if (strcmp(cur->title, r->f[2]))
				fail_msg("seed-rows.tsv:%u: table %u of the "
					 "seed is \"%s\", transcribed \"%s\"",
					 r->line, ti, cur->title, r->f[2]);
			continue;
		}
		assert_non_null(cur);
		assert_string_equal(cur_id, r->f[1]);
		if (r->type == 'D') {
			dir = (unsigned)atoi(r->f[2]);
			assert_true(dir >= 1 && dir <= cur->ndirs);
			assert_string_equal(cur->call[dir - 1], r->f[3]);
			assert_true(dir <= cur->nfw);
			assert_string_equal(cur->fw[dir - 1], r->f[4]);
			continue;
		}
		row = (unsigned)atoi(r->f[2]);
		dir = (unsigned)atoi(r->f[3]);
		if (row < 1 || row > cur->nrows)
			fail_msg("seed-rows.tsv:%u: %s has %u rows, not %u",
				 r->line, cur_id, cur->nrows, row);
		if (strcmp(cur->purpose[row - 1], r->f[4]))
			fail_msg("seed-rows.tsv:%u: %s row %u is \"%s\" in the "
				 "seed, transcribed \"%s\"", r->line, cur_id,
				 row, cur->purpose[row - 1], r->f[4]);
		if (dir < 1 || !(cur->row_dirs[row - 1] & (1u << (dir - 1))))
			fail_msg("seed-rows.tsv:%u: %s row %u has no direction "
				 "%u in the seed", r->line, cur_id, row, dir);
		/* Mark the row and direction as transcribed. */
		cur->row_dirs[row - 1] |= 1u << (8 + dir - 1);
	}
	assert_int_equal(n, ti);
	for (k = 0; k < n; k++) {
		unsigned r;

		for (r = 0; r < tables[k].nrows; r++) {
			unsigned dirs = tables[k].row_dirs[r] & 0xff;

			if (((tables[k].row_dirs[r] >> 8) & 0xff) != dirs)
				fail_msg("%s: row %u (%s) is missing a "
					 "direction in the transcription",
					 tables[k].title, r + 1,
					 tables[k].purpose[r]);
			++nrows;
		}
	}
	/* Every row of the seed's 31 tables. */
	assert_int_equal(113, nrows);

	tsv_free(t);
	free(tables);
	free(text);
}

/*
 * The seed's footnotes name the menu path of every letter ("C = Protocols
 * > SIP > UDP port").  A value could be right by accident (C and K are
 * both 5060), so each configured end is checked against its footnote
 * too.  The seed prints some configured ports with no letter; those are
 * told apart by their default value.
 */
static const struct letter_key {
	const char *section;	/* "*": any table */
	const char *letter;
	const char *ports;	/* "*": any; else the default (tsv form) */
	const char *key;	/* the first key the ports come from */
} letter_keys[] = {
	{"*", "C", "*", "Protocols > SIP > UDP port"},
	{"*", "K", "*", "Protocols > SIP > TCP port"},
	{"*", "L", "*", "Protocols > SIP > TLS port"},
	{"*", "A", "*", "Protocols > SIP > TCP outbound port start"},
	{"*", "T_C", "*", "Protocols > SIP > TCP outbound port start"},
	{"*", "B", "*", "Zones > Traversal Zone 1 > SIP port"},
	{"*", "T_E", "*", "Zones > Traversal Zone 1 > SIP port"},
	{"*", "D", "*", "Zones > Traversal Zone 1 > H.323 port"},
	{"*", "R_C", "*",
	 "Protocols > H.323 > Gatekeeper > Registration UDP port"},
	{"*", "R_E", "*",
	 "Protocols > H.323 > Gatekeeper > Registration UDP port"},
	{"*", "P", "*",
	 "Protocols > H.323 > Gatekeeper > Call signaling port range start"},
	{"*", "M", "*", "Protocols > H.323 > Call signaling TCP port"},
	{"*", "T", "*", "Traversal > Ports > H.323 Assent call signaling port"},
	{"*", "U", "*",
	 "Traversal > Ports > H.323 H.460.18 call signaling port"},
	{"*", "Ue", "*", "System > Ephemeral ports > TCP ephemeral port start"},
	{"*", "U_e", "*",
	 "System > Ephemeral ports > TCP ephemeral port start"},
	{"*", "E", "*", "System > Ephemeral ports > TCP ephemeral port start"},
	{"*", "Ve", "*", "System > Ephemeral ports > UDP ephemeral port start"},
	{"*", "R", "*", "TURN > TURN requests port start"},
	/* Jabber Guest: "Y_E = Non-Configurable TURN relays media ports". */
	{"jg-ctl-exp", "Y_E", "*", "TURN > TURN relay media port start"},
	{"jg-exp-ctl", "Y_E", "*", "TURN > TURN relay media port start"},
	{"*", "Y_C", "*",
	 "Local Zone > Traversal Subzone > Traversal Media port start"},
	{"*", "Y_E", "*",
	 "Local Zone > Traversal Subzone > Traversal Media port start"},
	/* No letter in the seed. */
	{"sip-ice", "", "24000-29999", "TURN > TURN relay media port start"},
	{"uc-exp-internet", "", "24000-29999",
	 "TURN > TURN relay media port start"},
	{"uc-exp-internet", "", "25000-29999",
	 "Protocols > SIP > TCP outbound port start"},
	{"uc-exp-internet", "", "5061", "Protocols > SIP > TLS port"},
	{"jg-internet", "", "3478", "TURN > TURN requests port start"},
	/* The seed's http/https of a VCS, served by management (mgmt/). */
	{"admin-exp-mgmt", "", "80", "Management > HTTP port"},
	{"admin-exp-mgmt", "", "443", "Management > HTTPS port"},
	{"admin-exp-tms", "", "443", "Management > HTTPS port"},
	{"admin-ctl-mgmt", "", "80", "Management > HTTP port"},
	{"admin-ctl-mgmt", "", "443", "Management > HTTPS port"},
};

static void letters_come_from_the_seed_keys(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	unsigned nchecked = 0;
	size_t i, k;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		const struct lk_pm_end *ends[2] = {&e->src, &e->dst};
		unsigned w;

		for (w = 0; w < 2; w++) {
			const struct lk_pm_end *end = ends[w];
			char got[200], ports[200];

			if (end->kind == LK_PM_FIXED ||
			    end->kind == LK_PM_ANY) {
				assert_int_equal(0, end->nkeys);
				continue;
			}
			assert_true(end->nkeys >= 1);
			canon(ports, sizeof(ports), end);
			for (k = 0; k < sizeof(letter_keys) /
				    sizeof(letter_keys[0]); k++) {
				const struct letter_key *lk = &letter_keys[k];

				if ((!strcmp(lk->section, "*") ||
				     !strcmp(lk->section, e->section->id)) &&
				    !strcmp(lk->letter, end->letter) &&
				    (!strcmp(lk->ports, "*") ||
				     !strcmp(lk->ports, ports)))
					break;
			}
			if (k == sizeof(letter_keys) / sizeof(letter_keys[0]))
				fail_msg("%s row %u: no footnote for letter "
					 "\"%s\" (%s)", e->section->id, e->row,
					 end->letter, ports);
			lk_conf_key_path(got, sizeof(got), end->keys[0],
					 e->zone);
			if (strcmp(got, letter_keys[k].key))
				fail_msg("%s row %u letter \"%s\": from "
					 "\"%s\", the seed says \"%s\"",
					 e->section->id,
					 e->row, end->letter, got,
					 letter_keys[k].key);
			++nchecked;
		}
	}
	/*
	 * 156 of the 314 ends at the defaults are configured ports (5 of
	 * them the http/https rows that management serves).
	 */
	assert_int_equal(156, nchecked);
	mem_deref(pm);
}

/*
 * Resolution from a configuration
 */

static void assert_range(const struct lk_pm_end *end, unsigned start,
			 unsigned stop, unsigned step)
{
	if (end->nranges != 1 || end->ranges[0].start != start ||
	    end->ranges[0].end != stop || end->ranges[0].step != step) {
		char got[200];

		canon(got, sizeof(got), end);
		fail_msg("expected %u-%u step %u, got %s (%u ranges)", start,
			 stop, step, got, end->nranges);
	}
}

/*
 * How many ends the seed's tables have of each derived kind: RTP (and as
 * many RTCP) from the media range in 17 places, the whole media range in
 * 7 (SIP traversal, UC, Jabber Guest), the mux ports as one in 3 and as
 * RTP (and RTCP) in 4 (the H.323 Assent and H.460.18/19 mux tables).
 */
#define NMEDIA_RTP 17
#define NMEDIA 7
#define NMUX 3
#define NMUX_RTP 4

/* Check every end of one kind; returns how many there were. */
static unsigned check_kind(const struct lk_portmatrix *pm,
			   enum lk_pm_kind kind, unsigned start,
			   unsigned stop, unsigned step)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_end *ends[2] = {&pm->entry[i].src,
						   &pm->entry[i].dst};
		unsigned k;

		for (k = 0; k < 2; k++) {
			if (ends[k]->kind != kind)
				continue;
			assert_range(ends[k], start, stop, step);
			++n;
		}
	}

	return n;
}

/* Every end whose first key is `key`; returns how many. */
static unsigned check_key(const struct lk_portmatrix *pm, enum lk_key key,
			  unsigned start, unsigned stop)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_end *ends[2] = {&pm->entry[i].src,
						   &pm->entry[i].dst};
		unsigned k;

		for (k = 0; k < 2; k++) {
			if (ends[k]->kind != LK_PM_KEY ||
			    ends[k]->keys[0] != key)
				continue;
			assert_range(ends[k], start, stop, 1);
			++n;
		}
	}

	return n;
}

static const struct lk_pm_entry *find(const struct lk_portmatrix *pm,
				      const char *section, unsigned row,
				      unsigned dir, enum lk_pm_transport tr,
				      unsigned zone)
{
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];

		if (!strcmp(e->section->id, section) && e->row == row &&
		    e->dir + 1 == dir && e->transport == tr && e->zone == zone)
			return e;
	}
	fail_msg("no entry %s row %u dir %u zone %u", section, row, dir, zone);

	return NULL;
}

/* "Traversal Media port start = 40000" moves every media row. */
static void media_range_change_flows_through(void **state)
{
	struct lk_portmatrix *pm = resolve_text(
		"[Local Zone > Traversal Subzone]\n"
		"Traversal Media port start = 40000\n");

	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTP, 40002,
						59998, 2));
	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTCP, 40003,
						59999, 2));
	assert_int_equal(NMEDIA, check_kind(pm, LK_PM_MEDIA, 40002, 59999, 1));
	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTP, 40000, 40000,
					      1));
	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTCP, 40001, 40001,
					      1));
	assert_int_equal(NMUX, check_kind(pm, LK_PM_MUX, 40000, 40001, 1));
	mem_deref(pm);

	pm = resolve_text("[Protocols > SIP]\n"
			  "TCP outbound port start = 26000\n"
			  "TCP outbound port end = 26999\n"
			  "TLS port = 5062\n"
			  "[Protocols > H.323 > Gatekeeper]\n"
			  "Call signaling port range start = 15500\n"
			  "[Traversal > Ports]\n"
			  "H.323 Assent call signaling port = 2786\n");
	assert_int_equal(12, check_key(pm, LK_KEY_SIP_TCP_OUT_START, 26000,
				       26999));
	assert_int_equal(4, check_key(pm, LK_KEY_SIP_TLS_PORT, 5062, 5062));
	assert_int_equal(15, check_key(pm, LK_KEY_H323_CALLSIG_START, 15500,
				       19999));
	assert_int_equal(4, check_key(pm, LK_KEY_ASSENT_PORT, 2786, 2786));
	mem_deref(pm);
}

/* Seed footnotes *, ** and *1..*4: the "upgraded to X8.1" defaults. */
static void upgraded_release_defaults(void **state)
{
	struct lk_portmatrix *pm = resolve_text(
		"[System]\nRelease defaults = upgraded\n");
	const struct lk_pm_entry *e;

	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTP, 50002,
						54998, 2));
	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTCP, 50003,
						54999, 2));
	assert_int_equal(NMUX, check_kind(pm, LK_PM_MUX, 50000, 50001, 1));
	assert_int_equal(5, check_key(pm, LK_KEY_TURN_RELAY_START, 60000,
				      61799));
	assert_int_equal(15, check_key(pm, LK_KEY_TCP_EPHEMERAL_START, 40000,
				       49999));
	assert_int_equal(4, check_key(pm, LK_KEY_UDP_EPHEMERAL_START, 40000,
				      49999));

	/*
	 * Jabber Guest footnote *1 says 50000 - 54999 for the upgraded
	 * ephemeral range; latchkey has one range, 40000 - 49999, as every
	 * other table says, and marks the difference only here.
	 */
	e = find(pm, "jg-ctl-exp", 1, 1, LK_PM_TCP, 0);
	assert_range(&e->src, 40000, 49999, 1);
	assert_non_null(e->src.deviation);
	mem_deref(pm);

	pm = resolve_defaults();
	e = find(pm, "jg-ctl-exp", 1, 1, LK_PM_TCP, 0);
	assert_null(e->src.deviation);
	mem_deref(pm);
}

/* Footnote ** and ICE R: 12 multiplexed ports, TURN on 3478 to 3483. */
static void large_system(void **state)
{
	struct lk_portmatrix *pm = resolve_text(
		"[System]\nSystem size = large\n"
		"[TURN]\nTURN requests port end = 3483\n");

	assert_int_equal(4, check_key(pm, LK_KEY_TURN_PORT_START, 3478, 3483));
	assert_int_equal(NMUX, check_kind(pm, LK_PM_MUX, 36000, 36011, 1));
	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTP, 36000, 36010,
					      2));
	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTCP, 36001, 36011,
					      2));
	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTP, 36012,
						59998, 2));
	assert_int_equal(NMEDIA, check_kind(pm, LK_PM_MEDIA, 36012, 59999, 1));
	mem_deref(pm);
}

/* Footnote ***: pre-X8 systems multiplex on 2776/2777. */
static void pre_x8_release(void **state)
{
	struct lk_portmatrix *pm = resolve_text(
		"[System]\nRelease defaults = pre-x8\n");
	const struct lk_pm_entry *e;
	char path[200];

	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTP, 2776, 2776,
					      1));
	assert_int_equal(NMUX_RTP, check_kind(pm, LK_PM_MUX_RTCP, 2777, 2777,
					      1));
	assert_int_equal(NMUX, check_kind(pm, LK_PM_MUX, 2776, 2777, 1));
	/* The mux ports are outside the media range: all of it is free. */
	assert_int_equal(NMEDIA_RTP, check_kind(pm, LK_PM_MEDIA_RTP, 50000,
						54998, 2));

	e = find(pm, "h323-assent", 4, 1, LK_PM_UDP, 0);
	assert_int_equal(1, e->dst.nkeys);
	lk_conf_key_path(path, sizeof(path), e->dst.keys[0], 0);
	assert_string_equal("Traversal > Ports > Media demultiplexing RTP port",
			    path);
	/* So the H.323 public tables' "from the first port" is right. */
	e = find(pm, "h323-public-reg", 4, 1, LK_PM_UDP, 0);
	assert_null(e->src.deviation);
	mem_deref(pm);
}

/* Seed B and D: 7001/6001 for the first zone, 7002/6002 for the second. */
static void traversal_zones(void **state)
{
	struct lk_portmatrix *one = resolve_defaults();
	struct lk_portmatrix *pm = resolve_text(
		"[Zones]\nTraversal zone count = 2\n"
		"[Zones > Traversal Zone 2]\nName = lab B\n");
	const struct lk_pm_entry *e;
	char path[200];

	e = find(pm, "sip-traversal", 1, 1, LK_PM_TCP, 1);
	assert_range(&e->dst, 7001, 7001, 1);
	e = find(pm, "sip-traversal", 1, 1, LK_PM_TLS, 2);
	assert_range(&e->dst, 7002, 7002, 1);
	lk_conf_key_path(path, sizeof(path), e->dst.keys[0], e->zone);
	assert_string_equal("Zones > Traversal Zone 2 > SIP port", path);
	e = find(pm, "h323-assent", 1, 1, LK_PM_UDP, 2);
	assert_range(&e->dst, 6002, 6002, 1);
	e = find(pm, "h323-h46018-mux", 1, 1, LK_PM_UDP, 2);
	assert_range(&e->dst, 6002, 6002, 1);
	e = find(pm, "jg-ctl-exp", 2, 1, LK_PM_TLS, 2);
	assert_range(&e->dst, 7002, 7002, 1);
	/* Per-zone: 2 SIP traversal, 2 UC, 3 RAS, 1 Jabber Guest. */
	assert_int_equal(one->n + 8, pm->n);
	mem_deref(pm);

	pm = resolve_text("[Zones]\nTraversal zone count = 2\n"
			  "[Zones > Traversal Zone 2]\nSIP port = 7010\n"
			  "H.323 port = 6010\n");
	e = find(pm, "uc-ctl-exp", 3, 1, LK_PM_TLS, 2);
	assert_range(&e->dst, 7010, 7010, 1);
	e = find(pm, "h323-h46018", 1, 1, LK_PM_UDP, 2);
	assert_range(&e->dst, 6010, 6010, 1);
	mem_deref(pm);
	mem_deref(one);
}

static void role_filter(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	struct lk_pm_filter ctl = {true, LK_ROLE_CONTROL};
	struct lk_pm_filter exp = {true, LK_ROLE_EXPRESSWAY};
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		bool c = e->src.party == LK_PM_CONTROL ||
			e->dst.party == LK_PM_CONTROL;
		bool x = e->src.party == LK_PM_EXPRESSWAY ||
			e->dst.party == LK_PM_EXPRESSWAY;

		assert_int_equal(c, lk_portmodel_match(e, &ctl));
		assert_int_equal(x, lk_portmodel_match(e, &exp));
		assert_true(lk_portmodel_match(e, NULL));
	}
	assert_true(lk_portmodel_has_role(
		find(pm, "sip-traversal", 1, 1, LK_PM_TCP, 1),
		LK_ROLE_CONTROL));
	assert_true(lk_portmodel_has_role(
		find(pm, "sip-traversal", 1, 1, LK_PM_TCP, 1),
		LK_ROLE_EXPRESSWAY));
	assert_false(lk_portmodel_has_role(
		find(pm, "sip-public", 2, 1, LK_PM_UDP, 0), LK_ROLE_CONTROL));
	assert_false(lk_portmodel_has_role(
		find(pm, "sip-internal", 2, 1, LK_PM_UDP, 0),
		LK_ROLE_EXPRESSWAY));
	assert_false(lk_portmodel_has_role(
		find(pm, "admin-ep-mgmt", 1, 1, LK_PM_TCP, 0),
		LK_ROLE_CONTROL));
	mem_deref(pm);
}

/* "UDP C 5060 / TCP & TLS A" is three entries of one seed row. */
static void entries_group_into_seed_rows(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	const struct lk_pm_entry *udp, *tcp, *tls, *in;

	udp = find(pm, "sip-public", 1, 1, LK_PM_UDP, 0);
	tcp = find(pm, "sip-public", 1, 1, LK_PM_TCP, 0);
	tls = find(pm, "sip-public", 1, 1, LK_PM_TLS, 0);
	in = find(pm, "sip-public", 1, 2, LK_PM_UDP, 0);
	assert_true(lk_portmodel_same_row(udp, tcp));
	assert_true(lk_portmodel_same_row(tcp, tls));
	assert_false(lk_portmodel_same_row(udp, in));
	assert_false(lk_portmodel_same_row(udp,
		find(pm, "sip-public", 2, 1, LK_PM_UDP, 0)));
	assert_false(lk_portmodel_same_row(udp, NULL));
	mem_deref(pm);
}

/* TURN rows of an Expressway configured without TURN are marked off. */
static void turn_off_marks_its_rows(void **state)
{
	struct lk_portmatrix *pm = resolve_text(
		"[TURN]\nTURN services = no\n");
	unsigned noff = 0;
	size_t i;

	for (i = 0; i < pm->n; i++) {
		const struct lk_pm_entry *e = &pm->entry[i];
		bool turn = (e->src.nkeys && (e->src.keys[0] ==
			LK_KEY_TURN_RELAY_START || e->src.keys[0] ==
			LK_KEY_TURN_PORT_START)) || (e->dst.nkeys &&
			(e->dst.keys[0] == LK_KEY_TURN_RELAY_START ||
			 e->dst.keys[0] == LK_KEY_TURN_PORT_START));

		assert_int_equal(turn, e->off != NULL);
		noff += turn;
	}
	assert_int_equal(9, noff);
	mem_deref(pm);

	/* A Control's file says nothing about its Expressway's TURN. */
	pm = resolve_text("[System]\nRole = control\n");
	for (i = 0; i < pm->n; i++)
		assert_null(pm->entry[i].off);
	mem_deref(pm);
}

static void ports_text_reads_like_the_seed(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	char buf[100];

	assert_int_equal(0, lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "sip-public", 1, 1, LK_PM_UDP, 0)->dst));
	assert_string_equal("5060 or >= 1024", buf);
	lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "sip-public", 2, 1, LK_PM_UDP, 0)->src);
	assert_string_equal("36002 to 59998", buf);
	lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "h323-internal", 1, 2, LK_PM_UDP, 0)->src);
	assert_string_equal("1719 (typically)", buf);
	lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "auth-exp", 1, 1, LK_PM_TCP, 0)->dst);
	assert_string_equal("389 or 636", buf);
	lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "xmpp-fed-internet", 1, 1, LK_PM_TCP, 0)->src);
	assert_string_equal("ephemeral", buf);
	lk_portmodel_ports_text(buf, sizeof(buf),
		&find(pm, "sip-traversal", 2, 1, LK_PM_UDP, 0)->dst);
	assert_string_equal("36000 to 36001", buf);
	assert_int_equal(ENOSPC, lk_portmodel_ports_text(buf, 6,
		&find(pm, "sip-public", 2, 1, LK_PM_UDP, 0)->src));
	assert_int_equal(EINVAL, lk_portmodel_ports_text(NULL, 6, NULL));
	mem_deref(pm);
}

static char *print_to_string(const struct lk_portmatrix *pm,
			     const struct lk_pm_filter *filter, bool json)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(0, json ? lk_portmodel_print_json(pm, filter, f) :
			 lk_portmodel_print_text(pm, filter, f));
	fclose(f);

	return out;
}

static void text_output(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	struct lk_pm_filter ctl = {true, LK_ROLE_CONTROL};
	const struct lk_pm_section *secs;
	char *out = print_to_string(pm, NULL, false), *line, *next;
	size_t nsecs, i;

	secs = lk_portmodel_sections(&nsecs);
	for (i = 0; i < nsecs; i++) {
		char head[200];

		snprintf(head, sizeof(head), "%s  [%s]\n", secs[i].title,
			 secs[i].id);
		if (!strstr(out, head))
			fail_msg("no heading \"%s\"", head);
	}
	assert_non_null(strstr(out, "A    25000 to 29999  B    7001"));
	assert_non_null(strstr(out, "B    = Zones > Traversal Zone 1 > SIP "
			       "port"));
	assert_non_null(strstr(out, "!1   = differs from the seed"));
	/* Readable on a 100-column terminal. */
	for (line = out; *line; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		if (next - line > 100)
			fail_msg("line longer than 100 columns: %.*s",
				 (int)(next - line), line);
		next++;
	}
	free(out);

	out = print_to_string(pm, &ctl, false);
	assert_null(strstr(out, "[sip-public]"));
	assert_non_null(strstr(out, "[sip-internal]"));
	assert_non_null(strstr(out, "[admin-ep-services]"));
	assert_null(strstr(out, "[admin-ep-mgmt]"));
	free(out);
	mem_deref(pm);
}

/*
 * A small JSON checker (RFC 8259 grammar, no semantics), so that this
 * test does not depend on an outside tool.
 */
static const char *json_value(const char *p, unsigned depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				unsigned k;

				for (k = 1; k <= 4; k++) {
					if (!strchr("0123456789abcdefABCDEF",
						    p[k]) || !p[k])
						return NULL;
				}
				p += 4;
			}
			else if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}

	return *p == '"' ? p + 1 : NULL;
}

static const char *json_seq(const char *p, char close, bool object,
			    unsigned depth)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = json_ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, unsigned depth)
{
	if (depth > 32)
		return NULL;
	p = json_ws(p);
	if (*p == '{')
		return json_seq(p, '}', true, depth);
	if (*p == '[')
		return json_seq(p, ']', false, depth);
	if (*p == '"')
		return json_string(p);
	if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		p += *p == '-';
		if (*p < '0' || *p > '9')
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
		return p;
	}

	return NULL;
}

static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}

	return n;
}

static void json_output(void **state)
{
	struct lk_portmatrix *pm = resolve_defaults();
	struct lk_pm_filter exp = {true, LK_ROLE_EXPRESSWAY};
	char *out = print_to_string(pm, NULL, true);
	const char *end;
	size_t i, nexp = 0;

	end = json_value(out, 0);
	assert_non_null(end);
	assert_string_equal("", json_ws(end));
	assert_int_equal(pm->n, count(out, "{\"section\":"));
	assert_non_null(strstr(out,
		"{\"section\":\"sip-traversal\",\"title\":\"SIP traversal "
		"call\",\"row\":1,\"purpose\":\"SIP signaling\","
		"\"direction\":{\"index\":1,\"call\":\"Inbound and outbound "
		"calls\",\"firewall\":\"Private to DMZ\",\"from\":\"private\","
		"\"to\":\"dmz\"},\"transport\":\"TCP\",\"traversal_zone\":1,"
		"\"src\":{\"side\":\"VCS Control\",\"role\":\"control\","
		"\"net\":\"private\",\"letter\":\"A\",\"kind\":\"key\","
		"\"keys\":[\"Protocols > SIP > TCP outbound port start\","
		"\"Protocols > SIP > TCP outbound port end\"],"
		"\"ports\":[{\"start\":25000,\"end\":29999,\"step\":1}],"
		"\"typical\":null,\"text\":\"25000 to 29999\""));
	assert_non_null(strstr(out, "\"ports\":[{\"start\":36002,"
			       "\"end\":59998,\"step\":2}]"));
	free(out);

	out = print_to_string(pm, &exp, true);
	assert_non_null(json_value(out, 0));
	for (i = 0; i < pm->n; i++)
		nexp += lk_portmodel_has_role(&pm->entry[i],
					      LK_ROLE_EXPRESSWAY);
	assert_int_equal(nexp, count(out, "{\"section\":"));
	assert_null(strstr(out, "\"sip-internal\""));
	free(out);
	mem_deref(pm);

	/* No traversal zones: no per-zone rows, still valid JSON. */
	pm = resolve_text("[Zones]\nTraversal zone count = 0\n");
	for (i = 0; i < pm->n; i++)
		assert_int_equal(0, pm->entry[i].zone);
	out = print_to_string(pm, NULL, true);
	assert_non_null(json_value(out, 0));
	assert_null(strstr(out, "\"sip-traversal\",\"title\":\"SIP "
			    "traversal call\",\"row\":1,"));
	free(out);
	mem_deref(pm);

	/* An empty selection is still a JSON array. */
	{
		struct lk_portmatrix empty = {0, NULL, 0};

		out = print_to_string(&empty, NULL, true);
		assert_string_equal("[]\n", out);
		free(out);
	}
}

static void bad_arguments(void **state)
{
	struct lk_portmatrix *pm = (struct lk_portmatrix *)&pm;
	struct lk_conf_diag diag;
	struct lk_conf conf;

	assert_int_equal(EINVAL, lk_portmodel_resolve(NULL, NULL));
	assert_int_equal(EINVAL, lk_portmodel_resolve(&pm, NULL));
	assert_ptr_equal(&pm, pm);

	/* An unvalidated configuration: no mux ports. */
	assert_int_equal(0, lk_conf_load(&conf, NULL, &diag));
	conf.nmux = 0;
	assert_int_equal(EINVAL, lk_portmodel_resolve(&pm, &conf));
	assert_ptr_equal(&pm, pm);

	mem_deref(NULL);
	assert_int_equal(EINVAL, lk_portmodel_print_text(NULL, NULL, stdout));
	assert_int_equal(EINVAL, lk_portmodel_print_json(NULL, NULL, stdout));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(matrix_equals_the_transcription),
		cmocka_unit_test(transcription_matches_the_seed_text),
		cmocka_unit_test(letters_come_from_the_seed_keys),
		cmocka_unit_test(media_range_change_flows_through),
		cmocka_unit_test(upgraded_release_defaults),
		cmocka_unit_test(large_system),
		cmocka_unit_test(pre_x8_release),
		cmocka_unit_test(traversal_zones),
		cmocka_unit_test(role_filter),
		cmocka_unit_test(entries_group_into_seed_rows),
		cmocka_unit_test(turn_off_marks_its_rows),
		cmocka_unit_test(ports_text_reads_like_the_seed),
		cmocka_unit_test(text_output),
		cmocka_unit_test(json_output),
		cmocka_unit_test(bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
