/*
 * config/conf_keys.h  The key table and the seed's defaults.
 *
 * Every configuration key is one row of lk_conf_keys[]: its section and
 * name as the seed's menu paths spell them, its value type, where its value
 * lives in struct lk_conf (or struct lk_zone_conf for the keys of a zone),
 * the seed row its default comes from and one line of help.  The lexer,
 * the value checks and the printer all read this one table, so a new key
 * is a new enum lk_key value, a struct lk_conf field, a row here and a
 * default in lk_conf_defaults().  Internal to config/.
 */
#ifndef LK_CONF_KEYS_H
#define LK_CONF_KEYS_H

#include <stddef.h>

#include "conf.h"

enum lk_conf_key_type {
	KT_PORT = 0,	/* uint16_t, 1..65535 */
	KT_BOOL,	/* bool: yes/no, on/off, true/false */
	KT_ROLE,
	KT_SIZE,
	KT_RELEASE,
	KT_ORDER,
	KT_KFWD,	/* enum lk_kfwd_mode: off | auto | on */
	KT_TRANSPORT,	/* zone SIP transport: tls | tcp */
	KT_ADDRESS,	/* char[64], numeric IPv4 or IPv6 */
	KT_LISTEN,	/* ng_address + ng_port from "ADDR:PORT" */
	KT_UINT,	/* unsigned, min..max */
	KT_NAME,	/* char[64], printable */
	KT_LOGLEVEL,	/* char[16] */
	KT_PATH,	/* char[256], a file name; may be unset ("") */
	KT_USERS,	/* char[256], "name:password, ..." */
	KT_DOMAINS,	/* char[256], "*" or "host, host ..." */
	KT_ROUTE,	/* a struct lk_route_conf: "PATTERN zone N" ... */
	KT_USERNAME,	/* char[64], a Users name: letters, digits . _ - + */
	KT_PASSWORD,	/* char[64], a Users password: no blanks , : */
	KT_SECRET_USERS, /* KT_USERS whose passwords are never printed */
	KT_SECRET,	/* char[128], printable, no blanks; never printed */
	KT_CIDRS,	/* char[512], "ADDR[/LEN], ..." */
	KT_CONFLICT,	/* H.323 registration conflict: reject | overwrite */
	KT_ENCRYPTION,	/* enum lk_media_encryption */
};

struct lk_conf_key_def {
	const char *section;
	const char *name;
	enum lk_conf_key_type type;
	size_t offset;		/* into struct lk_conf, or lk_zone_conf */
	unsigned min, max;	/* KT_UINT */
	const char *seed;	/* where the default comes from */
	const char *help;	/* one line for --check-config and docs */
};

#define LK_CONF_ROUTE_SYNTAX "PATTERN zone N, or PATTERN host " \
	"ADDRESS[:PORT] [udp|tcp|tls]"

/* Indexed by enum lk_key. */
extern const struct lk_conf_key_def lk_conf_keys[LK_KEY__COUNT];

/* Value names, indexed by their enum; parse and print use the same. */
extern const char *const lk_conf_role_names[2];
extern const char *const lk_conf_size_names[3];
extern const char *const lk_conf_release_names[3];
extern const char *const lk_conf_order_names[2];
extern const char *const lk_conf_kfwd_names[3];
extern const char *const lk_conf_transport_names[2];
extern const char *const lk_conf_route_transport_names[4];
extern const char *const lk_conf_conflict_names[2];
extern const char *const lk_conf_encryption_names[4];

/*
 * Write the seed's defaults for a role, system size and release into
 * every field of `conf` before `key_line` (the origin fields are left).
 */
void lk_conf_defaults(struct lk_conf *conf, enum lk_role role,
		      enum lk_size size, enum lk_release release);

#endif
