/*
 * config/conf_check.h  Value checks and cross-checks.
 *
 * A value is understood and checked against its key's type here (ports,
 * enums, addresses, users, domains, dial plan routes), with a message that
 * names the file, line, key and what would be valid.  Then the whole
 * configuration is cross-checked: ranges in order, even/odd media bounds,
 * overlapping listeners, zones for the role, routes against the zone
 * count, and the multiplexed media ports are derived.  Internal to config/.
 */
#ifndef LK_CONF_CHECK_H
#define LK_CONF_CHECK_H

#include <stdbool.h>

#include "conf_lex.h"

/*
 * Understand one entry's value and store it in `conf`; false if it is
 * not valid, with what is wrong in `*why` (if `why` is not NULL) where
 * there is more to say than the key's type.
 */
bool lk_conf_entry_apply(struct lk_conf *conf, const struct lk_conf_entry *e,
			 const char **why);

/* The message for a refused value: key path, value, what is valid. */
void lk_conf_entry_bad_value(struct lk_conf_parser *p,
			     const struct lk_conf_entry *e, const char *why);

/* Cross-check p->conf after every entry was applied; derives the mux ports. */
void lk_conf_validate(struct lk_conf_parser *p);

#endif
