/* mgmt/json.h  Writing JSON values into an evbuffer: strings escaped per RFC 8259 s.7. */
#ifndef LK_MGMT_JSON_H
#define LK_MGMT_JSON_H

#include <stddef.h>
#include <sys/socket.h>

struct evbuffer;

/* A JSON string of `s` (NULL: null); control characters escaped. */
void lk_json_str(struct evbuffer *b, const char *s);

/* The same for `n` octets of `s`, which need not be NUL-terminated. */
void lk_json_strn(struct evbuffer *b, const char *s, size_t n);

/* "ADDR:PORT" ("[ADDR]:PORT" for IPv6), or null for family 0. */
void lk_json_sa(struct evbuffer *b, const struct sockaddr_storage *ss);

/* "ADDR:PORT" of `ss` in `buf`; "" for family 0. */
const char *lk_json_sa_text(char *buf, size_t sz,
			    const struct sockaddr_storage *ss);

#endif
