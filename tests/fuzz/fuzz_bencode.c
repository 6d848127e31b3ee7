/* tests/fuzz/fuzz_bencode.c  Fuzz ng framing, bencode decode and re-encode */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bencode.h"
#include "ngframe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Small enough that the fuzzer reaches ENOMEM, large enough for every real
 * ng request (a Kamailio offer is about 30 nodes).
 */
#define NODES 128

/* An oracle failed: crash so that libFuzzer keeps the input. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

static size_t sink;

/* dict_get() must find each member by its key: keys are unique. */
static void check_lookup(const struct lk_bencode_node *dict,
			 const struct lk_bencode_node *memb)
{
	char key[64];

	if (memb->key.len >= sizeof(key) ||
	    memchr(memb->key.p, 0, memb->key.len))
		return;
	memcpy(key, memb->key.p, memb->key.len);
	key[memb->key.len] = 0;
	CHECK(lk_bencode_dict_get(dict, key) == memb);
}

/*
 * Visit every node and every byte of every string (ASan sees any pointer
 * outside the message), check the tree's own invariants, and report
 * whether every dict in it has its keys in bencode order.
 */
static bool walk(const struct lk_bencode_node *node, const uint8_t *msg,
		 size_t len, unsigned depth, size_t *countp)
{
	const struct lk_bencode_node *memb, *prev = NULL;
	bool sorted = true;
	uint32_t n = 0;
	size_t i;

	CHECK(depth <= LK_BENCODE_MAX_DEPTH);
	CHECK(node->off < len);
	++*countp;

	switch (node->type) {

	case LK_BENCODE_INT:
		CHECK(msg[node->off] == 'i');
		return true;

	case LK_BENCODE_STR:
		CHECK(node->v.s.p >= (const char *)msg);
		CHECK(node->v.s.p + node->v.s.len <= (const char *)msg + len);
		for (i = 0; i < node->v.s.len; i++)
			sink += (unsigned char)node->v.s.p[i];
		return true;

	case LK_BENCODE_LIST:
	case LK_BENCODE_DICT:
		LK_BENCODE_FOREACH(memb, node) {
			if (node->type == LK_BENCODE_DICT) {
				for (i = 0; i < memb->key.len; i++)
					sink += (unsigned char)memb->key.p[i];
				if (prev && lk_bencode_keycmp(&prev->key,
							      &memb->key) >= 0)
					sorted = false;
				check_lookup(node, memb);
			}
			if (!walk(memb, msg, len, depth + 1, countp))
				sorted = false;
			prev = memb;
			++n;
		}
		CHECK(n == node->nmemb);
		return sorted;
	}

	CHECK(0 && "node of no known type");

	return false;
}

/*
 * Decode one bencode message and hold the codec to its promises; returns
 * the decoder's error, with *errp filled in as the ng layer would get it.
 */
static int check_bencode(const uint8_t *msg, size_t len,
			 struct lk_bencode_error *errp)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root = NULL;
	struct lk_bencode_error berr = {0, NULL};
	struct lk_bencode_enc enc;
	struct lk_bencode_str s;
	size_t count = 0, outlen = 0;
	int64_t limit;
	bool sorted;
	char *out;
	int err;

	err = lk_bencode_decode(&root, nodes, NODES, msg, len, &berr);
	if (err) {
		CHECK(err == EBADMSG || err == E2BIG || err == ENOMEM);
		CHECK(berr.reason != NULL);
		CHECK(berr.offset <= len);
		CHECK(root == NULL);
		*errp = berr;
		return err;
	}
	CHECK(root == nodes);

	sorted = walk(root, msg, len, 0, &count);
	CHECK(count == root->span);

	/* What the ng layer will do with a request. */
	(void)lk_bencode_dict_get_str(&s, root, "command");
	(void)lk_bencode_dict_get_str(&s, root, "call-id");
	(void)lk_bencode_dict_get_int(&limit, root, "limit");
	(void)lk_bencode_list_has(lk_bencode_dict_get(root, "flags"),
				  "trust-address");
	(void)lk_bencode_list_has(lk_bencode_dict_get(root, "replace"),
				  "origin");

	/*
	 * Re-encode into a buffer exactly the input's size, on the heap so
	 * that ASan sees a write past it.  The decoder accepts only canonical
	 * integers and lengths, so a tree with sorted dicts must come back
	 * byte for byte; an unsorted one must be refused.
	 */
	out = malloc(len ? len : 1);
	CHECK(out != NULL);
	lk_bencode_enc_init(&enc, out, len);
	err = lk_bencode_enc_node(&enc, root);
	if (!err)
		err = lk_bencode_enc_finish(&outlen, &enc);
	if (sorted) {
		CHECK(err == 0);
		CHECK(outlen == len);
		CHECK(!memcmp(out, msg, len));

		/* One byte short must fail cleanly with ENOSPC. */
		lk_bencode_enc_init(&enc, out, len - 1);
		err = lk_bencode_enc_node(&enc, root);
		CHECK(err == ENOSPC);
		CHECK(lk_bencode_enc_finish(&outlen, &enc) == ENOSPC);
	} else {
		CHECK(err == EINVAL);
	}
	free(out);

	return 0;
}

/* Split as a datagram; answer a bad body as the ng layer would. */
static void check_ngframe(const uint8_t *data, size_t size)
{
	struct lk_bencode_error berr = {0, NULL};
	struct lk_ngframe frame;
	char reply[256], reason[128];
	size_t len;
	int err;

	err = lk_ngframe_split(&frame, data, size, &berr);
	if (err) {
		CHECK(err == EBADMSG);
		CHECK(berr.reason != NULL);
		CHECK(berr.offset <= size);
		return;
	}
	CHECK(frame.cookie.len >= 1);
	CHECK(frame.cookie.len <= LK_NGFRAME_COOKIE_MAX);
	CHECK(frame.cookie.p == (const char *)data);
	CHECK(frame.body.p + frame.body.len == (const char *)data + size);

	err = check_bencode((const uint8_t *)frame.body.p, frame.body.len,
			    &berr);
	if (!err)
		return;
	lk_bencode_error_print(reason, sizeof(reason), &berr);
	err = lk_ngframe_error_reply(&len, reply, sizeof(reply), &frame.cookie,
				     reason);
	CHECK(err == 0);
	CHECK(len > frame.cookie.len + 1);
	CHECK(!memcmp(reply, frame.cookie.p, frame.cookie.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * Both readings of every input: as a whole bencode message and as an
	 * ng datagram, so that seeds of either kind feed both.
	 */
	struct lk_bencode_error berr;

	(void)check_bencode(data, size, &berr);
	check_ngframe(data, size);

	return 0;
}
