/*
 * config/conf_print.h  A key's value as the file spells it.
 *
 * The printer (lk_conf_print(), in conf.h) writes every key this way; a
 * reload compares two configurations key by key with the same text, so
 * "changed" means "prints differently".  Internal to config/.
 */
#ifndef LK_CONF_PRINT_H
#define LK_CONF_PRINT_H

#include <stddef.h>

#include "conf.h"

/*
 * The value of `key` (of zone `zone`, from 1, for a zone key) in `c`, as
 * a file would set it; "" for an unset optional key or route.
 */
void lk_conf_value_text(char *buf, size_t sz, const struct lk_conf *c,
			enum lk_key key, unsigned zone);

#endif
