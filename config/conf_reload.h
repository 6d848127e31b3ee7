/*
 * config/conf_reload.h  What a reload (SIGHUP) may change in a running daemon.
 *
 * A reload loads the file again into a second configuration, checked as at
 * start; only a file without errors is applied.  Then lk_conf_reload()
 * compares it with the running one key by key and copies into the running
 * one the keys that every module reads at use time (timeouts, dial plan,
 * registrar, zone credentials, log level); for every other changed key
 * (ports, addresses, role, ranges, zone transports) it keeps the running
 * value and says why.  The table of keys that reload is in conf_reload.c,
 * in one place; docs/configuration.md lists them.
 */
#ifndef LK_CONF_RELOAD_H
#define LK_CONF_RELOAD_H

#include <stdbool.h>

#include "conf.h"

/* One changed key, as the reload found and handled it. */
struct lk_conf_change {
	enum lk_key key;
	unsigned zone;			/* zone keys: from 1; else 0 */
	const char *old_value;		/* as the file spells it; "" unset */
	const char *new_value;
	bool applied;
	const char *why;		/* not applied: why, for the log */
};

typedef void (lk_conf_change_h)(const struct lk_conf_change *ch, void *arg);

/*
 * Apply to `live` what `next` (a configuration loaded without errors)
 * changes and may change at run time; call `changeh` once per changed key,
 * applied or not.  Returns the number of keys applied.  Runs on the thread
 * that owns `live` (the control thread): the modules that read it there
 * see either the old or the new values, never half of a route table.
 */
unsigned lk_conf_reload(struct lk_conf *live, const struct lk_conf *next,
			lk_conf_change_h *changeh, void *arg);

/* Whether a key takes effect on a reload. */
bool lk_conf_key_reloads(enum lk_key key);

#endif
