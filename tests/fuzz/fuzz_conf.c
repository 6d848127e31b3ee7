/* tests/fuzz/fuzz_conf.c  libFuzzer driver: configuration parse, print, parse again. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "call/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Static: two configurations and their messages are tens of KiB. */
static struct lk_conf conf, again;
static struct lk_conf_diag diag, diag2;

/* Every message is a terminated string; the counts agree. */
static void check_diag(const struct lk_conf_diag *d, int err)
{
	unsigned i, nerr = 0;

	if (d->n > LK_CONF_DIAG_MAX)
		abort();
	for (i = 0; i < d->n; i++) {
		if (!memchr(d->msg[i].text, '\0', sizeof(d->msg[i].text)))
			abort();
		nerr += d->msg[i].severity == LK_CONF_ERROR;
	}
	if (nerr > d->nerrors || (d->dropped == 0 && nerr != d->nerrors))
		abort();
	if ((err == EINVAL) != (d->nerrors > 0))
		abort();
	if (err && err != EINVAL)
		abort();
}

/* What holds of any accepted configuration's dial plan and domains. */
static void check_routes(const struct lk_conf *c)
{
	unsigned i;

	if (c->nroutes > LK_ROUTES_MAX)
		abort();
	for (i = 0; i < c->nroutes; i++) {
		const struct lk_route_conf *r = &c->routes[i];
		size_t n = strnlen(r->pattern, sizeof(r->pattern));

		if (n == sizeof(r->pattern) || !strchr(r->pattern, '@'))
			abort();
		if (i && r->number <= c->routes[i - 1].number)
			abort();
		if (r->kind == LK_ROUTE_ZONE &&
		    (r->zone < 1 || r->zone > c->nzones))
			abort();
		if (r->kind == LK_ROUTE_HOST && (!r->host[0] || !r->port))
			abort();
		/* '*' and '?' match themselves: a pattern matches its text. */
		if (!lk_route_glob(r->pattern, r->pattern, n))
			abort();
	}
	(void)lk_route_find(c, "1234", 4, "external.example", 16);
	(void)lk_route_local_domain(c, "external.example", 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	err = lk_conf_parse(&conf, "fuzz.conf", (const char *)data, size,
			    &diag);
	if (err == ENOMEM)
		return 0;
	check_diag(&diag, err);

	/* What was understood prints, errors or not. */
	f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	lk_conf_print(&conf, f);
	fclose(f);
	if (err) {
		free(buf);
		return 0;
	}
	check_routes(&conf);

	/* lk_conf_print's promise: the output loads as the same thing. */
	err = lk_conf_parse(&again, "printed", buf, len, &diag2);
	if (err) {
		lk_conf_diag_print(&diag2, stderr);
		abort();
	}
	if (memcmp(&conf.role, &again.role, offsetof(struct lk_conf, key_line) -
		   offsetof(struct lk_conf, role)))
		abort();
	free(buf);

	return 0;
}
