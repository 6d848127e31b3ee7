/*
 * config/conf_load.c  Loading a configuration (conf.h): file, values, checks.
 *
 * lk_conf_load() reads the file, lk_conf_parse() runs the lexer
 * (conf_lex.c), applies the seed's defaults for the role, size and release
 * the file names (conf_keys.c), applies each value and cross-checks the
 * result (conf_check.c).  Every message lands in one lk_conf_diag.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_check.h"
#include "conf_keys.h"
#include "conf_lex.h"

static const struct lk_conf_entry *entry_find(const struct lk_conf_parser *p,
					      enum lk_key key)
{
	unsigned i;

	for (i = 0; i < p->nentries; i++) {
		if (p->entries[i].key == key)
			return &p->entries[i];
	}

	return NULL;
}

/* Apply entries in an order where role, size and release come first. */
static void conf_build(struct lk_conf_parser *p)
{
	struct lk_conf *c = p->conf;
	enum lk_role role = LK_ROLE_EXPRESSWAY;
	enum lk_size size = LK_SIZE_SMALL;
	enum lk_release release = LK_RELEASE_NEW;
	const struct lk_conf_entry *e;
	struct lk_conf tmp;
	unsigned i;

	memset(&tmp, 0, sizeof(tmp));
	if ((e = entry_find(p, LK_KEY_ROLE)) &&
	    lk_conf_entry_apply(&tmp, e, NULL))
		role = tmp.role;
	if ((e = entry_find(p, LK_KEY_SIZE)) &&
	    lk_conf_entry_apply(&tmp, e, NULL))
		size = tmp.size;
	if ((e = entry_find(p, LK_KEY_RELEASE)) &&
	    lk_conf_entry_apply(&tmp, e, NULL))
		release = tmp.release;
	lk_conf_defaults(c, role, size, release);
	memset(c->key_line, 0, sizeof(c->key_line));
	memset(c->zone_line, 0, sizeof(c->zone_line));

	for (i = 0; i < p->nentries; i++) {
		const char *why = NULL;

		e = &p->entries[i];
		if (!lk_conf_entry_apply(c, e, &why)) {
			lk_conf_entry_bad_value(p, e, why);
			if (e->key >= LK_KEY_ZONE_FIRST)
				p->zone_refused[e->zone - 1]
					[e->key - LK_KEY_ZONE_FIRST] = true;
			else
				p->refused[e->key] = true;
			continue;
		}
		if (e->key >= LK_KEY_ZONE_FIRST)
			c->zone_line[e->zone - 1][e->key - LK_KEY_ZONE_FIRST] =
				e->line;
		else
			c->key_line[e->key] = e->line;
	}
	lk_conf_validate(p);
}

int lk_conf_parse(struct lk_conf *conf, const char *name, const char *text,
		  size_t len, struct lk_conf_diag *diag)
{
	struct lk_conf_parser *p;

	if (!conf || !diag || (!text && len))
		return EINVAL;
	memset(diag, 0, sizeof(*diag));
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->name = name ? name : "built-in defaults";
	p->conf = conf;
	p->diag = diag;
	if (text)
		lk_conf_lex(p, text, len);
	conf_build(p);
	lk_conf_diag_sort(diag, p->name);
	snprintf(conf->path, sizeof(conf->path), "%s", name ? name : "");
	free(p);

	return diag->nerrors ? EINVAL : 0;
}

int lk_conf_load(struct lk_conf *conf, const char *path,
		 struct lk_conf_diag *diag)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int err;

	if (!conf || !diag)
		return EINVAL;
	if (!path)
		return lk_conf_parse(conf, NULL, NULL, 0, diag);

	f = fopen(path, "r");
	if (!f) {
		err = errno;
		lk_conf_parse(conf, path, NULL, 0, diag);
		memset(diag, 0, sizeof(*diag));
		lk_conf_diag_add(diag, LK_CONF_ERROR, "%s: cannot open: %s",
				 path, strerror(err));
		return err;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			char *t;

			/* A configuration file is small; 1 MiB is plenty. */
			if (cap >= (1u << 20)) {
				fclose(f);
				free(text);
				lk_conf_parse(conf, path, NULL, 0, diag);
				memset(diag, 0, sizeof(*diag));
				lk_conf_diag_add(diag, LK_CONF_ERROR,
						 "%s: larger than 1 MiB; is "
						 "this the right file?", path);
				return EFBIG;
			}
			cap = cap ? cap * 2 : 4096;
			t = realloc(text, cap);
			if (!t) {
				fclose(f);
				free(text);
				return ENOMEM;
			}
			text = t;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		err = errno ? errno : EIO;
		fclose(f);
		free(text);
		lk_conf_parse(conf, path, NULL, 0, diag);
		memset(diag, 0, sizeof(*diag));
		lk_conf_diag_add(diag, LK_CONF_ERROR, "%s: read error: %s",
				 path, strerror(err));
		return err;
	}
	fclose(f);
	err = lk_conf_parse(conf, path, text, len, diag);
	free(text);

	return err;
}

/*
 * Printing
 */
