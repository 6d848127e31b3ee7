/* common/bencode.h  Bencode for ng: zero-copy arena decoder, bounded encoder */
#ifndef LK_BENCODE_H
#define LK_BENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Containers nested deeper than this are refused by the decoder (E2BIG) and
 * by the encoder (E2BIG).  ng messages nest three deep at most (a dict of
 * lists, or the "tags" dict of a query reply); 32 leaves room and bounds the
 * decoder's recursion.
 */
#define LK_BENCODE_MAX_DEPTH 32

enum lk_bencode_type {
	LK_BENCODE_INT = 1,
	LK_BENCODE_STR,
	LK_BENCODE_LIST,
	LK_BENCODE_DICT,
};

/* A byte string; points into the decoded message, not NUL-terminated. */
struct lk_bencode_str {
	const char *p;
	size_t len;
};

/*
 * One decoded value.  The decoder lays nodes out in pre-order in the
 * caller's array: a container's first member is the node right after it and
 * a member's next sibling is `span` nodes further on.  Walk them with
 * lk_bencode_first()/lk_bencode_next() rather than by hand.  Every field is
 * read-only for users of the tree.
 */
struct lk_bencode_node {
	enum lk_bencode_type type;
	uint32_t nmemb;			/* list/dict: number of members */
	uint32_t span;			/* nodes in this subtree, itself too */
	size_t off;			/* offset of the value in the message */
	struct lk_bencode_str key;	/* member of a dict: its key */
	union {
		int64_t i;		/* LK_BENCODE_INT */
		struct lk_bencode_str s;	/* LK_BENCODE_STR */
	} v;
};

/*
 * Why a decode failed: the byte offset in the message where the problem was
 * found and a fixed, short reason ("string length runs past end of message").
 */
struct lk_bencode_error {
	size_t offset;
	const char *reason;
};

/*
 * Decode exactly one bencode value filling all of msg[0..len) (the ng
 * protocol carries one dictionary per datagram, so trailing bytes are an
 * error).  Nodes come from the caller's array `nodes` of `nnodes`
 * entries; nothing is allocated.  Strings in the tree point into `msg`,
 * which must outlive the tree.
 *
 * Strict: integers and string lengths with leading zeros, "i-0e", empty
 * integers, integers outside int64_t, non-string dictionary keys and
 * duplicate dictionary keys are all refused.  Dictionary keys need not be
 * sorted: Kamailio's rtpengine module sends them in insertion order and
 * rtpengine's own documentation says the bencode ordering rule "is not
 * currently honoured".  Duplicate keys are refused rather than resolved
 * first- or last-wins, so that no two readers of one message can disagree
 * about, say, its call-id.  Checking for them costs a scan of the earlier
 * keys of an unsorted dict, which the arena size bounds.
 *
 * Returns 0 and sets *rootp (= &nodes[0]), or
 *   EBADMSG  malformed or truncated message,
 *   E2BIG    containers nested deeper than LK_BENCODE_MAX_DEPTH,
 *   ENOMEM   more values than `nnodes`,
 *   EINVAL   bad arguments;
 * for the first three, *errp (if errp is given) says where and why, the
 * offset counting from `msg` (for an ng request: from the body, not from
 * the cookie).  Nothing else is written on failure.
 */
int lk_bencode_decode(const struct lk_bencode_node **rootp,
		      struct lk_bencode_node *nodes, size_t nnodes,
		      const void *msg, size_t len,
		      struct lk_bencode_error *errp);

/*
 * Format an error as "offset 17: string length runs past end of message"
 * into buf, truncating to fit; returns what snprintf returns.  An ng reply
 * can carry the result as its "error-reason".
 */
int lk_bencode_error_print(char *buf, size_t size,
			   const struct lk_bencode_error *err);

/*
 * Walking the tree.  first() gives a container's first member or NULL;
 * next() gives the member after `memb` in `parent` or NULL at the end.
 *
 *	LK_BENCODE_FOREACH(flag, flags)
 *		if (lk_bencode_str_eq(flag, "trust-address")) ...
 */
const struct lk_bencode_node *
lk_bencode_first(const struct lk_bencode_node *parent);
const struct lk_bencode_node *
lk_bencode_next(const struct lk_bencode_node *parent,
		const struct lk_bencode_node *memb);

#define LK_BENCODE_FOREACH(memb, parent)				\
	for ((memb) = lk_bencode_first(parent); (memb);		\
	     (memb) = lk_bencode_next((parent), (memb)))

/*
 * The value stored under `key` (compared case-sensitively, as the ng
 * protocol wants), or NULL when `dict` is NULL, not a dictionary, or has no
 * such key.
 */
const struct lk_bencode_node *
lk_bencode_dict_get(const struct lk_bencode_node *dict, const char *key);

/*
 * Typed reads.  Return 0 and write the out-parameter, ENOENT when `node` is
 * NULL (so lk_bencode_dict_get() chains straight in), or EBADMSG when it is
 * of another type.
 */
int lk_bencode_get_str(struct lk_bencode_str *strp,
		       const struct lk_bencode_node *node);
int lk_bencode_get_int(int64_t *ip, const struct lk_bencode_node *node);

/* The same, for dict[key]: ENOENT when the key is absent. */
int lk_bencode_dict_get_str(struct lk_bencode_str *strp,
			    const struct lk_bencode_node *dict,
			    const char *key);
int lk_bencode_dict_get_int(int64_t *ip, const struct lk_bencode_node *dict,
			    const char *key);

/* True when `node` is a byte string equal to `s`, byte for byte. */
bool lk_bencode_str_eq(const struct lk_bencode_node *node, const char *s);

/*
 * True when `list` is a list holding the string `s` (members of other
 * types are skipped): lk_bencode_list_has(flags, "trust-address").
 */
bool lk_bencode_list_has(const struct lk_bencode_node *list, const char *s);

/*
 * Bencode's order for dictionary keys: raw bytes, memcmp, a prefix before
 * its extensions.  <0, 0, >0 like memcmp.  For callers that sort keys they
 * do not know in advance (the to-tags of a query reply, say).
 */
int lk_bencode_keycmp(const struct lk_bencode_str *a,
		      const struct lk_bencode_str *b);

/*
 * The encoder writes one bencode value into a caller's buffer and never
 * past its end.  Errors are sticky: after the first one every call returns
 * it and writes nothing, so a reply can be built with unchecked calls and
 * one check of lk_bencode_enc_finish().
 *
 * Dictionary keys must be given in bencode order (lk_bencode_keycmp, no
 * duplicates); a key out of order fails with EINVAL in every build, not
 * just under assert(), so a reply that a strict peer would refuse never
 * leaves the daemon and the tests catch the mistake in release builds too.
 * Kamailio does not care about the order, but strict decoders do and the
 * format requires it.  ("error-reason" sorts before "result".)
 *
 * The struct is public so that it can live on the stack; its fields are
 * the encoder's own.
 */
struct lk_bencode_enc_frame {
	bool dict;
	bool want_value;	/* dict: a key was written, its value is next */
	bool have_key;		/* dict: last_key_* hold the previous key */
	size_t last_key_off;	/* where the previous key's bytes are in buf */
	size_t last_key_len;
};

struct lk_bencode_enc {
	char *buf;
	size_t size;
	size_t len;
	int err;
	bool done;		/* the top-level value is complete */
	unsigned depth;
	struct lk_bencode_enc_frame stack[LK_BENCODE_MAX_DEPTH];
};

void lk_bencode_enc_init(struct lk_bencode_enc *enc, void *buf, size_t size);

/*
 * Each returns 0 or the (sticky) error:
 *   ENOSPC  the buffer is full,
 *   E2BIG   containers nested deeper than LK_BENCODE_MAX_DEPTH,
 *   EINVAL  misuse: a value where a dict key is due, a key outside a dict
 *           or out of order, an end that matches no begin, a second
 *           top-level value.
 */
int lk_bencode_enc_dict_begin(struct lk_bencode_enc *enc);
int lk_bencode_enc_dict_end(struct lk_bencode_enc *enc);
int lk_bencode_enc_list_begin(struct lk_bencode_enc *enc);
int lk_bencode_enc_list_end(struct lk_bencode_enc *enc);
int lk_bencode_enc_key(struct lk_bencode_enc *enc, const char *key);
int lk_bencode_enc_str(struct lk_bencode_enc *enc, const void *p, size_t len);
int lk_bencode_enc_cstr(struct lk_bencode_enc *enc, const char *s);
int lk_bencode_enc_int(struct lk_bencode_enc *enc, int64_t i);

/* A key and its value in one call: enc_pair_str(enc, "result", "pong"). */
int lk_bencode_enc_pair_str(struct lk_bencode_enc *enc, const char *key,
			    const char *value);
int lk_bencode_enc_pair_int(struct lk_bencode_enc *enc, const char *key,
			    int64_t value);

/*
 * Encode a decoded (sub)tree, members in tree order.  A tree decoded from
 * canonical bencode comes out byte for byte as it went in; one whose dicts
 * were unsorted fails with EINVAL like any out-of-order key.
 */
int lk_bencode_enc_node(struct lk_bencode_enc *enc,
			const struct lk_bencode_node *node);

/*
 * Check that exactly one complete value was written and give its length in
 * bytes: 0, the sticky error, or EINVAL for a value still open or missing.
 */
int lk_bencode_enc_finish(size_t *lenp, struct lk_bencode_enc *enc);

#endif
