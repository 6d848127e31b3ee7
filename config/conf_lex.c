/*
 * config/conf_lex.c  The lexer: sections and "key = value" lines.
 *
 * Names are matched against the key table without regard to case or runs
 * of blanks; an unknown section or key gets a message with the nearest
 * valid name.  Values stay text here.  Also the diagnostics list, which
 * every part of config/ writes to.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_keys.h"
#include "conf_lex.h"

/*
 * The file format: sections named after the seed's menu paths, keys as the
 * seed names them, one "key = value" per line, "#" or ";" comments.
 *
 *	[Protocols > SIP]
 *	TCP outbound port start = 25000
 *
 * Section and key names match without regard to case or runs of blanks, so
 * "protocols>sip" and "Protocols > SIP" are the same section.
 */

/*
 * Diagnostics
 */

void lk_conf_diag_add(struct lk_conf_diag *diag, enum lk_conf_severity sev,
		      const char *fmt, ...)
{
	va_list ap;

	if (sev == LK_CONF_ERROR)
		++diag->nerrors;
	if (diag->n >= LK_CONF_DIAG_MAX) {
		++diag->dropped;
		return;
	}
	diag->msg[diag->n].severity = sev;
	va_start(ap, fmt);
	vsnprintf(diag->msg[diag->n].text, sizeof(diag->msg[0].text), fmt, ap);
	va_end(ap);
	++diag->n;
}

static void diag_print(const struct lk_conf_diag *diag, FILE *f,
		       bool warnings)
{
	unsigned i;

	for (i = 0; i < diag->n; i++) {
		if (!warnings && diag->msg[i].severity != LK_CONF_ERROR)
			continue;
		fprintf(f, "%s: %s\n", diag->msg[i].severity == LK_CONF_ERROR ?
			"error" : "warning", diag->msg[i].text);
	}
	if (diag->dropped)
		fprintf(f, "(%u more messages not shown)\n", diag->dropped);
}

void lk_conf_diag_print(const struct lk_conf_diag *diag, FILE *f)
{
	diag_print(diag, f, true);
}

void lk_conf_diag_print_errors(const struct lk_conf_diag *diag, FILE *f)
{
	diag_print(diag, f, false);
}

/*
 * Messages in order of their line (those about no line last), keeping
 * the order of messages on one line.  `name` is the file's name that each
 * "NAME:LINE: ..." message starts with.
 */
void lk_conf_diag_sort(struct lk_conf_diag *diag, const char *name)
{
	size_t nl = strlen(name);
	unsigned i, j;

	for (i = 0; i < diag->n; i++) {
		const char *t = diag->msg[i].text;

		diag->msg[i].line = 0;
		if (!strncmp(t, name, nl) && t[nl] == ':' &&
		    isdigit((unsigned char)t[nl + 1]))
			diag->msg[i].line = (unsigned)strtoul(t + nl + 1,
							      NULL, 10);
	}
	/* Insertion sort: stable, and there are at most 64. */
	for (i = 1; i < diag->n; i++) {
		unsigned li = diag->msg[i].line ? diag->msg[i].line : UINT_MAX;
		struct lk_conf_msg m = diag->msg[i];

		for (j = i; j > 0; j--) {
			unsigned lj = diag->msg[j - 1].line ?
				diag->msg[j - 1].line : UINT_MAX;

			if (lj <= li)
				break;
			diag->msg[j] = diag->msg[j - 1];
		}
		diag->msg[j] = m;
	}
}


/* Lower-case, blanks folded, " > " between path elements. */
static void normalize(char *out, size_t sz, const char *in, size_t len)
{
	size_t o = 0, i;
	bool blank = false;

	for (i = 0; i < len && o + 4 < sz; i++) {
		char c = in[i];

		if (c == ' ' || c == '\t') {
			blank = true;
			continue;
		}
		if (c == '>') {
			out[o++] = ' ';
			out[o++] = '>';
			blank = true;
			continue;
		}
		if (blank && o)
			out[o++] = ' ';
		blank = false;
		out[o++] = (char)tolower((unsigned char)c);
	}
	out[o] = '\0';
}

static bool name_eq(const char *normalized, const char *canonical)
{
	char buf[128];

	normalize(buf, sizeof(buf), canonical, strlen(canonical));
	return !strcmp(normalized, buf);
}

/* Levenshtein distance, for "did you mean" on unknown keys. */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[128], i, j, la = (unsigned)strlen(a),
		 lb = (unsigned)strlen(b);

	if (la >= 127 || lb >= 127)
		return UINT_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned prev = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best;

			tmp = row[j];
			best = prev + (a[i - 1] == b[j - 1] ? 0 : 1);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}

	return row[lb];
}

/*
 * Which section a header names: the index of a key of that section, and
 * for "Zones > Traversal Zone N" the zone number.  -1 if none.
 */
static int section_find(const char *norm, unsigned *zonep)
{
	static const char zprefix[] = "zones > traversal zone ";
	unsigned k;

	*zonep = 0;
	if (!strncmp(norm, zprefix, sizeof(zprefix) - 1)) {
		const char *num = norm + sizeof(zprefix) - 1;
		char *end;
		unsigned long n;

		if (!isdigit((unsigned char)*num))
			return -1;
		n = strtoul(num, &end, 10);
		if (*end || n == 0 || n > 1000)
			return -1;
		*zonep = (unsigned)n;
		return LK_KEY_ZONE_FIRST;
	}
	for (k = 0; k < LK_KEY_ZONE_FIRST; k++) {
		if (name_eq(norm, lk_conf_keys[k].section))
			return (int)k;
	}

	return -1;
}

static void sections_list(char *buf, size_t sz)
{
	size_t o = 0;
	unsigned k;

	buf[0] = '\0';
	for (k = 0; k < LK_KEY__COUNT && o < sz; k++) {
		if (k && !strcmp(lk_conf_keys[k].section,
				  lk_conf_keys[k - 1].section))
			continue;
		o += (size_t)snprintf(buf + o, sz - o, "%s[%s%s]",
				      o ? ", " : "",
				      lk_conf_keys[k].section,
				      k >= LK_KEY_ZONE_FIRST ? " N" : "");
	}
}

static void section_keys_list(char *buf, size_t sz, const char *section)
{
	size_t o = 0;
	unsigned k;

	buf[0] = '\0';
	for (k = 0; k < LK_KEY__COUNT && o < sz; k++) {
		if (strcmp(lk_conf_keys[k].section, section))
			continue;
		o += (size_t)snprintf(buf + o, sz - o, "%s\"%s\"",
				      o ? ", " : "", lk_conf_keys[k].name);
	}
}

/* No header yet; a header that was wrong (its keys are not reported). */
#define SECTION_NONE (-1)
#define SECTION_BAD (-2)

/*
 * The section closest to an unknown header, for "did you mean"; NULL if
 * none is close.  Zone sections are left to the list.
 */
static const char *section_nearest(const char *norm)
{
	const char *best_name = NULL, *last;
	unsigned k, best = UINT_MAX;

	for (k = 0; k < LK_KEY_ZONE_FIRST; k++) {
		char cn[128];
		unsigned d;

		if (k && !strcmp(lk_conf_keys[k].section,
				 lk_conf_keys[k - 1].section))
			continue;
		normalize(cn, sizeof(cn), lk_conf_keys[k].section,
			  strlen(lk_conf_keys[k].section));
		d = distance(norm, cn);
		if (d < best) {
			best = d;
			best_name = lk_conf_keys[k].section;
		}
	}

	/*
	 * A typo, not another word: at most 2 edits, fewer than half the
	 * last path element ("Sysetm" yes, "Protocols > FTP" no).
	 */
	last = strrchr(norm, '>');
	last = last ? last + 2 : norm;

	return best <= 2 && best * 2 < strlen(last) ? best_name : NULL;
}

static void parse_key_line(struct lk_conf_parser *p, unsigned line, int section,
			   unsigned zone, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const char *sect_name;
	char norm[128], list[1024];
	size_t klen, vlen;
	const char *v;
	unsigned k, i, best = UINT_MAX, best_k = 0;

	if (!eq) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: expected \"key = value\" or \"[Section]\"",
			 p->name, line);
		return;
	}
	/* Under a header already reported as wrong: that is the one error. */
	if (section == SECTION_BAD)
		return;
	if (section < 0) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: key outside any section; start with a "
			 "section such as [System]", p->name, line);
		return;
	}
	klen = (size_t)(eq - s);
	while (klen && (s[klen - 1] == ' ' || s[klen - 1] == '\t'))
		--klen;
	v = eq + 1;
	vlen = len - (size_t)(v - s);
	while (vlen && (*v == ' ' || *v == '\t')) {
		++v;
		--vlen;
	}
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		--vlen;
	normalize(norm, sizeof(norm), s, klen);
	sect_name = lk_conf_keys[section].section;

	for (k = 0; k < LK_KEY__COUNT; k++) {
		unsigned d;

		if (strcmp(lk_conf_keys[k].section, sect_name))
			continue;
		if (name_eq(norm, lk_conf_keys[k].name))
			break;
		{
			char cn[128];

			normalize(cn, sizeof(cn), lk_conf_keys[k].name,
				  strlen(lk_conf_keys[k].name));
			d = distance(norm, cn);
		}
		if (d < best) {
			best = d;
			best_k = k;
		}
	}
	if (k == LK_KEY__COUNT && lk_conf_keys[section].type == KT_ROUTE &&
	    !strncmp(norm, "route ", 6) && norm[6] &&
	    strspn(norm + 6, "0123456789") == strlen(norm + 6)) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: unknown key \"%.*s\" in [%s]; routes are "
			 "numbered Route 1 to Route %u", p->name, line,
			 (int)klen, s, sect_name, LK_ROUTES_MAX);
		return;
	}
	if (k == LK_KEY__COUNT) {
		if (best <= 3)
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: unknown key \"%.*s\" in [%s%s]; did "
				 "you mean \"%s\"?", p->name, line, (int)klen, s,
				 sect_name, zone ? " N" : "",
				 lk_conf_keys[best_k].name);
		else {
			section_keys_list(list, sizeof(list), sect_name);
			lk_conf_diag_add(p->diag, LK_CONF_ERROR,
				 "%s:%u: unknown key \"%.*s\" in [%s%s]; valid "
				 "keys: %s", p->name, line, (int)klen, s,
				 sect_name, zone ? " N" : "", list);
		}
		return;
	}
	if (!vlen) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s%s%s has no value", p->name, line,
			 lk_conf_keys[k].section, zone ? " N > " : " > ",
			 lk_conf_keys[k].name);
		return;
	}
	for (i = 0; i < p->nentries; i++) {
		char path[160];

		if (p->entries[i].key != (enum lk_key)k ||
		    p->entries[i].zone != zone)
			continue;
		lk_conf_key_path(path, sizeof(path), (enum lk_key)k, zone);
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: %s is set twice (first on line %u); keep one",
			 p->name, line, path, p->entries[i].line);
		return;
	}
	if (p->nentries == LK_CONF_ENTRIES_MAX) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: more than %u settings",
			 p->name, line, LK_CONF_ENTRIES_MAX);
		return;
	}
	if (vlen >= sizeof(p->entries[0].value)) {
		lk_conf_diag_add(p->diag, LK_CONF_ERROR,
			 "%s:%u: value of %s is longer than %zu characters",
			 p->name, line, lk_conf_keys[k].name,
			 sizeof(p->entries[0].value) - 1);
		return;
	}
	p->entries[p->nentries].key = (enum lk_key)k;
	p->entries[p->nentries].zone = zone;
	p->entries[p->nentries].line = line;
	memcpy(p->entries[p->nentries].value, v, vlen);
	p->entries[p->nentries].value[vlen] = '\0';
	++p->nentries;
}

void lk_conf_lex(struct lk_conf_parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;
	unsigned line = 0, zone = 0;
	int section = SECTION_NONE;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;
		const char *c;
		size_t l;

		++line;
		/* Comments run from '#' or ';' to the end of the line. */
		for (c = s; c < e && *c != '#' && *c != ';'; c++) {
			if (*c == '\0') {
				lk_conf_diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: NUL byte; is this a text file?",
					 p->name, line);
				return;
			}
		}
		while (s < c && (*s == ' ' || *s == '\t' || *s == '\r'))
			++s;
		l = (size_t)(c - s);
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' ||
			     s[l - 1] == '\r'))
			--l;
		if (!l)
			goto next;
		if (*s == '[') {
			char norm[128], list[1024];

			if (s[l - 1] != ']') {
				lk_conf_diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: section header has no closing "
					 "\"]\"", p->name, line);
				section = SECTION_BAD;
				goto next;
			}
			normalize(norm, sizeof(norm), s + 1, l - 2);
			section = section_find(norm, &zone);
			if (section < 0 && section_nearest(norm)) {
				lk_conf_diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: unknown section [%.*s]; did you "
					 "mean [%s]? (the keys under it are not "
					 "read)", p->name, line, (int)(l - 2),
					 s + 1, section_nearest(norm));
				section = SECTION_BAD;
			}
			else if (section < 0) {
				sections_list(list, sizeof(list));
				lk_conf_diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: unknown section [%.*s]; valid "
					 "sections: %s", p->name, line,
					 (int)(l - 2), s + 1, list);
				section = SECTION_BAD;
			}
			else if (zone > LK_ZONES_MAX) {
				lk_conf_diag_add(p->diag, LK_CONF_ERROR,
					 "%s:%u: [Zones > Traversal Zone %u]: "
					 "zones are numbered 1 to %u", p->name,
					 line, zone, LK_ZONES_MAX);
				section = SECTION_BAD;
			}
			else if (zone && !p->zone_header[zone - 1])
				p->zone_header[zone - 1] = line;
			goto next;
		}
		parse_key_line(p, line, section, zone, s, l);
 next:
		s = nl ? nl + 1 : end;
	}
}

