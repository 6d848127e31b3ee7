/*
 * config/conf_lex.h  The lexer: text into "key = value" entries.
 *
 * The lexer reads the file line by line, finds each section header and
 * each "key = value" line, names the key from the key table (with a "did
 * you mean" for a near miss) and keeps the value as text in an entry with
 * its line.  It understands no value: that is conf_check's job.  The
 * parser context below is shared by the lexer, the checks and conf_load.c for
 * one load, and collects every message in the caller's lk_conf_diag.
 * Internal to config/.
 */
#ifndef LK_CONF_LEX_H
#define LK_CONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

/* One "key = value" line, before its value is understood. */
struct lk_conf_entry {
	enum lk_key key;
	unsigned zone;		/* 1-based for zone keys, else 0 */
	unsigned line;
	char value[256];
};

#define LK_CONF_ENTRIES_MAX 512

/* One load: the file's name, the result, the messages, the entries. */
struct lk_conf_parser {
	const char *name;
	struct lk_conf *conf;
	struct lk_conf_diag *diag;
	struct lk_conf_entry entries[LK_CONF_ENTRIES_MAX];
	unsigned nentries;
	unsigned zone_header[LK_ZONES_MAX];	/* first [..Zone N] line */

	/*
	 * Keys whose value was refused (or, for a range, found reversed):
	 * the cross-checks skip them, so that one mistake is one message
	 * and no check runs on a default the user never wrote in its place.
	 */
	bool refused[LK_KEY__COUNT];
	bool zone_refused[LK_ZONES_MAX][LK_KEY__COUNT - LK_KEY_ZONE_FIRST];
};

/* Add a message; errors are counted even past LK_CONF_DIAG_MAX. */
void lk_conf_diag_add(struct lk_conf_diag *diag, enum lk_conf_severity sev,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sort the messages by line; `name` is the file's name they start with. */
void lk_conf_diag_sort(struct lk_conf_diag *diag, const char *name);

/* Split `text` into p->entries, with a message for each bad line. */
void lk_conf_lex(struct lk_conf_parser *p, const char *text, size_t len);

#endif
