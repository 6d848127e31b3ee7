/* tests/unit/common/test_bencode.c  Bencode, ng framing: real, broken input */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bencode.h"
#include "ngframe.h"

#define NODES 256

/*
 * A message built piece by piece, so that string lengths are computed, not
 * counted by hand.  Pieces go in exactly as given: keys stay in the order
 * Kamailio's rtpengine module adds them.
 */
struct msg {
	char buf[4096];
	size_t len;
};

static void m_raw(struct msg *m, const char *s)
{
	size_t n = strlen(s);

	assert_true(m->len + n <= sizeof(m->buf));
	memcpy(m->buf + m->len, s, n);
	m->len += n;
}

static void m_str(struct msg *m, const char *s)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu:", strlen(s));
	m_raw(m, num);
	m_raw(m, s);
}

static const char sdp_offer[] =
	"v=0\r\n"
	"o=- 3906211823 3906211823 IN IP4 192.168.1.20\r\n"
	"s=Linphone\r\n"
	"c=IN IP4 192.168.1.20\r\n"
	"t=0 0\r\n"
	"m=audio 7078 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=rtcp-mux\r\n"
	"a=sendrecv\r\n";

static const char sdp_answer[] =
	"v=0\r\n"
	"o=- 1034 1035 IN IP4 10.0.0.7\r\n"
	"s=Talk\r\n"
	"c=IN IP4 10.0.0.7\r\n"
	"t=0 0\r\n"
	"m=audio 40376 RTP/AVP 8 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

#define CALL_ID "a84b4c76e66710@pc33.example.com"
#define FROM_TAG "1928301774"
#define TO_TAG "a6c85cf"
#define BRANCH "z9hG4bK776asdhds"

/*
 * rtpengine_offer("ICE=remove direction=internal direction=external
 * trust-address symmetric replace-origin replace-session-connection RTP/AVP
 * rtcp-mux-demux via-branch=1") as Kamailio's module encodes it.
 */
static void build_offer(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m_raw(m, "d");
	m_str(m, "sdp"); m_str(m, sdp_offer);
	m_str(m, "ICE"); m_str(m, "remove");
	m_str(m, "direction");
	m_raw(m, "l"); m_str(m, "internal"); m_str(m, "external");
	m_raw(m, "e");
	m_str(m, "flags");
	m_raw(m, "l"); m_str(m, "trust-address"); m_str(m, "symmetric");
	m_raw(m, "e");
	m_str(m, "replace");
	m_raw(m, "l"); m_str(m, "origin"); m_str(m, "session-connection");
	m_raw(m, "e");
	m_str(m, "transport-protocol"); m_str(m, "RTP/AVP");
	m_str(m, "rtcp-mux"); m_raw(m, "l"); m_str(m, "demux"); m_raw(m, "e");
	m_str(m, "call-id"); m_str(m, CALL_ID);
	m_str(m, "via-branch"); m_str(m, BRANCH);
	m_str(m, "received-from");
	m_raw(m, "l"); m_str(m, "IP4"); m_str(m, "192.168.1.20"); m_raw(m, "e");
	m_str(m, "from-tag"); m_str(m, FROM_TAG);
	m_str(m, "command"); m_str(m, "offer");
	m_raw(m, "e");
}

static void build_answer(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m_raw(m, "d");
	m_str(m, "sdp"); m_str(m, sdp_answer);
	m_str(m, "flags");
	m_raw(m, "l"); m_str(m, "trust-address"); m_raw(m, "e");
	m_str(m, "replace");
	m_raw(m, "l"); m_str(m, "origin"); m_str(m, "session-connection");
	m_raw(m, "e");
	m_str(m, "rtcp-mux"); m_raw(m, "l"); m_str(m, "demux"); m_raw(m, "e");
	m_str(m, "call-id"); m_str(m, CALL_ID);
	m_str(m, "via-branch"); m_str(m, BRANCH);
	m_str(m, "received-from");
	m_raw(m, "l"); m_str(m, "IP4"); m_str(m, "10.0.0.7"); m_raw(m, "e");
	m_str(m, "from-tag"); m_str(m, FROM_TAG);
	m_str(m, "to-tag"); m_str(m, TO_TAG);
	m_str(m, "command"); m_str(m, "answer");
	m_raw(m, "e");
}

static void build_delete(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m_raw(m, "d");
	m_str(m, "delete-delay"); m_str(m, "0");
	m_str(m, "call-id"); m_str(m, CALL_ID);
	m_str(m, "received-from");
	m_raw(m, "l"); m_str(m, "IP4"); m_str(m, "192.168.1.20"); m_raw(m, "e");
	m_str(m, "from-tag"); m_str(m, FROM_TAG);
	m_str(m, "to-tag"); m_str(m, TO_TAG);
	m_str(m, "command"); m_str(m, "delete");
	m_raw(m, "e");
}

static void build_query(struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m_raw(m, "d");
	m_str(m, "call-id"); m_str(m, CALL_ID);
	m_str(m, "received-from");
	m_raw(m, "l"); m_str(m, "IP6"); m_str(m, "2001:db8::20"); m_raw(m, "e");
	m_str(m, "from-tag"); m_str(m, FROM_TAG);
	m_str(m, "command"); m_str(m, "query");
	m_raw(m, "e");
}

static void build_literal(struct msg *m, const char *s)
{
	memset(m, 0, sizeof(*m));
	m_raw(m, s);
}

static int decode(const struct lk_bencode_node **rootp,
		  struct lk_bencode_node *nodes, const char *s,
		  struct lk_bencode_error *errp)
{
	return lk_bencode_decode(rootp, nodes, NODES, s, strlen(s), errp);
}

/* Decoding `s` must fail with `err` at `offset` for a reason naming `why`. */
static void expect_fail(const char *s, int err, size_t offset,
			const char *why)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root = NULL;
	struct lk_bencode_error e = {0, NULL};

	assert_int_equal(err, decode(&root, nodes, s, &e));
	assert_null(root);
	assert_non_null(e.reason);
	assert_int_equal(offset, e.offset);
	if (!strstr(e.reason, why))
		fail_msg("\"%s\": reason \"%s\" does not say \"%s\"", s,
			 e.reason, why);
}

static void ping_decodes_to_a_dict_with_its_command(void **state)
{
	static const char ping[] = "d7:command4:pinge";
	struct lk_bencode_node nodes[4];
	const struct lk_bencode_node *root = NULL;
	struct lk_bencode_str s;

	assert_int_equal(0, lk_bencode_decode(&root, nodes, 4, ping,
					      strlen(ping), NULL));
	assert_ptr_equal(nodes, root);
	assert_int_equal(LK_BENCODE_DICT, root->type);
	assert_int_equal(1, root->nmemb);
	assert_int_equal(2, root->span);
	assert_int_equal(0, lk_bencode_dict_get_str(&s, root, "command"));
	assert_int_equal(4, s.len);
	assert_memory_equal("ping", s.p, 4);
	/* Zero-copy: the string is the message's own bytes. */
	assert_ptr_equal(ping + 12, s.p);
	assert_int_equal(10, lk_bencode_dict_get(root, "command")->off);
}

static void kamailio_offer_gives_every_field(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root = NULL, *n, *flags, *rf;
	struct lk_bencode_str s;
	struct msg m;
	int i;

	build_offer(&m);
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, m.buf,
					      m.len, NULL));
	assert_int_equal(LK_BENCODE_DICT, root->type);
	assert_int_equal(12, root->nmemb);

	assert_int_equal(0, lk_bencode_dict_get_str(&s, root, "sdp"));
	assert_int_equal(strlen(sdp_offer), s.len);
	assert_memory_equal(sdp_offer, s.p, s.len);
	assert_true(s.p > m.buf && s.p + s.len < m.buf + m.len);

	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				      "offer"));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "call-id"),
				      CALL_ID));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "from-tag"),
				      FROM_TAG));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "ICE"),
				      "remove"));
	assert_null(lk_bencode_dict_get(root, "to-tag"));

	flags = lk_bencode_dict_get(root, "flags");
	assert_non_null(flags);
	assert_true(lk_bencode_list_has(flags, "trust-address"));
	assert_true(lk_bencode_list_has(flags, "symmetric"));
	assert_false(lk_bencode_list_has(flags, "trust"));
	assert_false(lk_bencode_list_has(flags, "Symmetric"));
	assert_true(lk_bencode_list_has(lk_bencode_dict_get(root, "replace"),
					"session-connection"));
	assert_true(lk_bencode_list_has(lk_bencode_dict_get(root, "rtcp-mux"),
					"demux"));

	rf = lk_bencode_dict_get(root, "received-from");
	assert_int_equal(LK_BENCODE_LIST, rf->type);
	i = 0;
	LK_BENCODE_FOREACH(n, rf) {
		assert_true(lk_bencode_str_eq(n, i ? "192.168.1.20" : "IP4"));
		++i;
	}
	assert_int_equal(2, i);

	/* Members come in message order, keys included. */
	n = lk_bencode_first(root);
	assert_int_equal(3, n->key.len);
	assert_memory_equal("sdp", n->key.p, 3);
	for (i = 1; i < 12; i++)
		n = lk_bencode_next(root, n);
	assert_memory_equal("command", n->key.p, 7);
	assert_null(lk_bencode_next(root, n));
}

/* Every proper prefix of a valid message must fail, and never read past it. */
static void truncate_everywhere(const struct msg *m)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_error e;
	size_t cut;
	char *copy;

	for (cut = 0; cut < m->len; cut++) {
		/* Exactly `cut` bytes on the heap: ASan sees one more. */
		copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, m->buf, cut);
		root = NULL;
		e.reason = NULL;
		e.offset = (size_t)-1;
		assert_int_equal(EBADMSG, lk_bencode_decode(&root, nodes,
							    NODES, copy, cut,
							    &e));
		assert_null(root);
		assert_non_null(e.reason);
		assert_true(e.offset <= cut);
		free(copy);
	}
	root = NULL;
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, m->buf,
					      m->len, NULL));
}

static void every_truncation_of_real_requests_fails(void **state)
{
	struct msg m;

	build_offer(&m);
	truncate_everywhere(&m);
	build_answer(&m);
	truncate_everywhere(&m);
	build_delete(&m);
	truncate_everywhere(&m);
	build_query(&m);
	truncate_everywhere(&m);
	build_literal(&m, "d7:command4:pinge");
	truncate_everywhere(&m);
	build_literal(&m, "d7:command4:list5:limiti32ee");
	truncate_everywhere(&m);
	build_literal(&m, "d7:command10:statisticse");
	truncate_everywhere(&m);
	build_literal(&m, "i-9223372036854775808e");
	truncate_everywhere(&m);
}

static void nesting_is_limited_to_32(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root = NULL;
	char deep[2 * (LK_BENCODE_MAX_DEPTH + 1) + 1];
	const size_t max = LK_BENCODE_MAX_DEPTH;

	/* 32 lists inside each other: fine. */
	memset(deep, 'l', max);
	memset(deep + max, 'e', max);
	deep[2 * max] = 0;
	assert_int_equal(0, decode(&root, nodes, deep, NULL));
	assert_int_equal(max, root->span);

	/* 33: refused at the 33rd opening. */
	memset(deep, 'l', max + 1);
	memset(deep + max + 1, 'e', max + 1);
	deep[2 * (max + 1)] = 0;
	expect_fail(deep, E2BIG, max, "nested too deep");
}

static void depth_bomb_is_refused(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root = NULL;
	struct lk_bencode_error e;
	size_t n = 1000000;
	char *bomb = malloc(n);

	assert_non_null(bomb);
	memset(bomb, 'l', n);
	assert_int_equal(E2BIG, lk_bencode_decode(&root, nodes, NODES, bomb,
						  n, &e));
	assert_int_equal(LK_BENCODE_MAX_DEPTH, e.offset);
	/* Dicts of dicts, through their keys. */
	for (size_t i = 0; i + 4 <= n; i += 4)
		memcpy(bomb + i, "d1:a", 4);
	assert_int_equal(E2BIG, lk_bencode_decode(&root, nodes, NODES, bomb,
						  n, &e));
	assert_null(root);
	free(bomb);
}

static void huge_string_lengths_are_refused(void **state)
{
	expect_fail("99999999999999999999999:abc", EBADMSG, 0,
		    "runs past end");
	expect_fail("18446744073709551616:abc", EBADMSG, 0, "runs past end");
	expect_fail("4:abc", EBADMSG, 0, "runs past end");
	expect_fail("d7:command9:pinge", EBADMSG, 10, "runs past end");
	expect_fail("l4294967296:xe", EBADMSG, 1, "runs past end");
	expect_fail("5", EBADMSG, 0, "runs past end");
	expect_fail("1", EBADMSG, 1, "ends inside a string length");
	expect_fail("1x", EBADMSG, 1, "not followed by ':'");
}

static void leading_zeros_are_refused(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;

	expect_fail("i03e", EBADMSG, 0, "leading zero");
	expect_fail("i00e", EBADMSG, 0, "leading zero");
	expect_fail("i-03e", EBADMSG, 0, "leading zero");
	expect_fail("03:abc", EBADMSG, 0, "leading zero");
	expect_fail("d07:command4:pinge", EBADMSG, 1, "leading zero");
	expect_fail("00:", EBADMSG, 0, "leading zero");

	assert_int_equal(0, decode(&root, nodes, "i0e", NULL));
	assert_int_equal(0, root->v.i);
	assert_int_equal(0, decode(&root, nodes, "0:", NULL));
	assert_int_equal(LK_BENCODE_STR, root->type);
	assert_int_equal(0, root->v.s.len);
	assert_int_equal(0, decode(&root, nodes, "i10e", NULL));
	assert_int_equal(10, root->v.i);
	assert_int_equal(0, decode(&root, nodes, "10:0123456789", NULL));
}

static void malformed_integers_are_refused(void **state)
{
	expect_fail("i-0e", EBADMSG, 0, "minus zero");
	expect_fail("ie", EBADMSG, 1, "no digits");
	expect_fail("i-e", EBADMSG, 2, "no digits");
	expect_fail("i--1e", EBADMSG, 2, "no digits");
	expect_fail("i+1e", EBADMSG, 1, "no digits");
	expect_fail("i1.5e", EBADMSG, 2, "not terminated");
	expect_fail("i 1e", EBADMSG, 1, "no digits");
	expect_fail("i12", EBADMSG, 3, "ends inside an integer");
	expect_fail("i", EBADMSG, 1, "ends inside an integer");
}

static void int64_limits_decode_and_one_past_is_refused(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;

	assert_int_equal(0, decode(&root, nodes, "i9223372036854775807e",
				   NULL));
	assert_true(root->v.i == INT64_MAX);
	assert_int_equal(0, decode(&root, nodes, "i-9223372036854775808e",
				   NULL));
	assert_true(root->v.i == INT64_MIN);
	assert_int_equal(0, decode(&root, nodes, "i-1e", NULL));
	assert_true(root->v.i == -1);

	expect_fail("i9223372036854775808e", EBADMSG, 0, "64 bits");
	expect_fail("i-9223372036854775809e", EBADMSG, 0, "64 bits");
	expect_fail("i18446744073709551616e", EBADMSG, 0, "64 bits");
	expect_fail("i99999999999999999999999999e", EBADMSG, 0, "64 bits");
}

static void exactly_one_value_per_message(void **state)
{
	expect_fail("", EBADMSG, 0, "empty message");
	expect_fail("d7:command4:pingee", EBADMSG, 17, "trailing data");
	expect_fail("d7:command4:pinge\n", EBADMSG, 17, "trailing data");
	expect_fail("i1ei2e", EBADMSG, 3, "trailing data");
	expect_fail("4:spam ", EBADMSG, 6, "trailing data");
	expect_fail("e", EBADMSG, 0, "cannot start");
	expect_fail(" d7:command4:pinge", EBADMSG, 0, "cannot start");
	expect_fail("{\"command\":\"ping\"}", EBADMSG, 0, "cannot start");
	expect_fail("lxe", EBADMSG, 1, "cannot start");
}

/*
 * Duplicate keys are refused, not resolved first- or last-wins: two readers
 * of one message must never disagree about its call-id.
 */
static void duplicate_keys_are_refused(void **state)
{
	/* Sorted so far: caught by comparing with the previous key. */
	expect_fail("d1:ai1e1:ai2ee", EBADMSG, 7, "duplicate");
	/* Kamailio order: caught by the scan of earlier keys. */
	expect_fail("d7:call-id1:a7:command5:query7:call-id1:be", EBADMSG, 29,
		    "duplicate");
	expect_fail("d1:b0:1:a0:1:c0:1:a0:e", EBADMSG, 16, "duplicate");
	/* The same key in different dicts is fine. */
	{
		static struct lk_bencode_node nodes[NODES];
		const struct lk_bencode_node *root;

		assert_int_equal(0, decode(&root, nodes,
					   "d1:ad1:ai1ee1:bd1:ai1eee", NULL));
		/* A prefix is a different key, and sorts first. */
		assert_int_equal(0, decode(&root, nodes, "d1:b0:2:ab0:1:a0:e",
					   NULL));
		assert_int_equal(3, root->nmemb);
	}
}

static void non_string_keys_are_refused(void **state)
{
	expect_fail("di1e4:pinge", EBADMSG, 1, "key is not a string");
	expect_fail("dlei1ee", EBADMSG, 1, "key is not a string");
	expect_fail("dde4:pinge", EBADMSG, 1, "key is not a string");
	expect_fail("d7:command4:pingi1ei2ee", EBADMSG, 16,
		    "key is not a string");
	expect_fail("d7:commande", EBADMSG, 10, "has no value");
	expect_fail("d7:command", EBADMSG, 10, "has no value");
}

static void a_full_arena_gives_enomem(void **state)
{
	struct lk_bencode_node nodes[4];
	const struct lk_bencode_node *root = NULL;
	struct lk_bencode_error e;
	static const char five[] = "li1ei2ei3ei4ee";

	assert_int_equal(ENOMEM, lk_bencode_decode(&root, nodes, 4, five,
						   strlen(five), &e));
	assert_null(root);
	assert_int_equal(10, e.offset);
	assert_non_null(strstr(e.reason, "more values"));
	assert_int_equal(0, lk_bencode_decode(&root, nodes, 4, "li1ei2ei3ee",
					      11, &e));
	assert_int_equal(4, root->span);
}

static void errors_print_offset_and_reason(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_error e;
	char buf[96];

	assert_int_equal(EBADMSG, decode(&root, nodes,
					 "d7:call-id99:abce", &e));
	lk_bencode_error_print(buf, sizeof(buf), &e);
	assert_string_equal("offset 10: string length runs past end of message",
			    buf);
	lk_bencode_error_print(buf, 10, &e);
	assert_string_equal("offset 10", buf);
}

static void bad_arguments_give_einval(void **state)
{
	struct lk_bencode_node nodes[2];
	const struct lk_bencode_node *root = NULL;

	assert_int_equal(EINVAL, lk_bencode_decode(NULL, nodes, 2, "i1e", 3,
						   NULL));
	assert_int_equal(EINVAL, lk_bencode_decode(&root, NULL, 2, "i1e", 3,
						   NULL));
	assert_int_equal(EINVAL, lk_bencode_decode(&root, nodes, 0, "i1e", 3,
						   NULL));
	assert_int_equal(EINVAL, lk_bencode_decode(&root, nodes, 2, NULL, 3,
						   NULL));
	assert_null(root);
}

static void lookups_are_typed_and_case_sensitive(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_str s = {NULL, 0};
	int64_t i = 7;

	assert_int_equal(0, decode(&root, nodes,
		"d7:command5:offer5:limiti32ee", NULL));

	assert_int_equal(0, lk_bencode_dict_get_int(&i, root, "limit"));
	assert_int_equal(32, i);
	/* Wrong type: EBADMSG, out-parameter untouched. */
	s.p = NULL;
	assert_int_equal(EBADMSG, lk_bencode_dict_get_str(&s, root, "limit"));
	assert_null(s.p);
	i = 7;
	assert_int_equal(EBADMSG, lk_bencode_dict_get_int(&i, root, "command"));
	assert_int_equal(7, i);
	/* Missing, or case differs: ENOENT. */
	assert_int_equal(ENOENT, lk_bencode_dict_get_str(&s, root, "Command"));
	assert_int_equal(ENOENT, lk_bencode_dict_get_str(&s, root, "call-id"));
	assert_int_equal(ENOENT, lk_bencode_get_str(&s, NULL));
	assert_int_equal(ENOENT, lk_bencode_get_int(&i, NULL));

	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				      "offer"));
	assert_false(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				       "Offer"));
	assert_false(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				       "offe"));
	assert_false(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				       "offers"));
	assert_false(lk_bencode_str_eq(lk_bencode_dict_get(root, "limit"),
				       "32"));
	assert_false(lk_bencode_str_eq(NULL, "offer"));

	/* Not a dict: nothing to get; not a list: nothing in it. */
	assert_null(lk_bencode_dict_get(lk_bencode_dict_get(root, "command"),
					"command"));
	assert_null(lk_bencode_dict_get(NULL, "command"));
	assert_false(lk_bencode_list_has(root, "offer"));
	assert_false(lk_bencode_list_has(NULL, "offer"));
	assert_null(lk_bencode_first(lk_bencode_dict_get(root, "limit")));
}

static void embedded_nul_is_just_a_byte(void **state)
{
	static const char m[] = "l3:a\0b1:ae";
	struct lk_bencode_node nodes[4];
	const struct lk_bencode_node *root, *first;

	assert_int_equal(0, lk_bencode_decode(&root, nodes, 4, m,
					      sizeof(m) - 1, NULL));
	first = lk_bencode_first(root);
	assert_int_equal(3, first->v.s.len);
	assert_false(lk_bencode_str_eq(first, "a"));
	assert_true(lk_bencode_str_eq(lk_bencode_next(root, first), "a"));
	assert_true(lk_bencode_list_has(root, "a"));
}

static void list_has_skips_other_types(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;

	assert_int_equal(0, decode(&root, nodes,
		"l" "i1e" "d13:trust-addressi1ee" "l13:trust-addresse" "l0:e"
		"13:trust-address" "e", NULL));
	assert_true(lk_bencode_list_has(root, "trust-address"));
	assert_false(lk_bencode_list_has(root, "1"));
	assert_int_equal(0, decode(&root, nodes, "ll13:trust-addressee",
				   NULL));
	assert_false(lk_bencode_list_has(root, "trust-address"));
	assert_int_equal(0, decode(&root, nodes, "le", NULL));
	assert_false(lk_bencode_list_has(root, ""));
	assert_null(lk_bencode_first(root));
}

static void keycmp_is_bencode_order(void **state)
{
	struct lk_bencode_str a = {"error-reason", 12}, r = {"result", 6},
		ab = {"ab", 2}, a1 = {"a", 1}, e = {"", 0},
		hi = {"\xff", 1}, lo = {"\x01", 1};

	assert_true(lk_bencode_keycmp(&a, &r) < 0);
	assert_true(lk_bencode_keycmp(&r, &a) > 0);
	assert_true(lk_bencode_keycmp(&a1, &ab) < 0);
	assert_true(lk_bencode_keycmp(&e, &a1) < 0);
	assert_int_equal(0, lk_bencode_keycmp(&e, &e));
	assert_int_equal(0, lk_bencode_keycmp(&r, &r));
	/* Raw bytes, unsigned. */
	assert_true(lk_bencode_keycmp(&lo, &hi) < 0);
}

static void encoder_builds_replies(void **state)
{
	static const char want[] = "d7:createdi1700000000e5:flagsl1:a3:b\0c"
		"0:i-5ei0ee6:result2:ok6:totalsi12ee";
	struct lk_bencode_enc enc;
	char buf[256];
	size_t len = 0;

	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(0, lk_bencode_enc_dict_begin(&enc));
	assert_int_equal(0, lk_bencode_enc_pair_str(&enc, "result", "pong"));
	assert_int_equal(0, lk_bencode_enc_dict_end(&enc));
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_int_equal(16, len);
	assert_memory_equal("d6:result4:ponge", buf, len);

	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_key(&enc, "created");
	lk_bencode_enc_int(&enc, 1700000000);
	lk_bencode_enc_key(&enc, "flags");
	lk_bencode_enc_list_begin(&enc);
	lk_bencode_enc_cstr(&enc, "a");
	lk_bencode_enc_str(&enc, "b\0c", 3);
	lk_bencode_enc_str(&enc, NULL, 0);
	lk_bencode_enc_int(&enc, -5);
	lk_bencode_enc_int(&enc, 0);
	lk_bencode_enc_list_end(&enc);
	lk_bencode_enc_pair_str(&enc, "result", "ok");
	lk_bencode_enc_pair_int(&enc, "totals", 12);
	lk_bencode_enc_dict_end(&enc);
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_int_equal(sizeof(want) - 1, len);
	assert_memory_equal(want, buf, len);

	/* A top-level value need not be a dict. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(0, lk_bencode_enc_cstr(&enc, "spam"));
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_memory_equal("4:spam", buf, len);
}

static void encoder_writes_int64_limits(void **state)
{
	static const char want[] =
		"li-9223372036854775808ei9223372036854775807ee";
	struct lk_bencode_enc enc;
	char buf[64];
	size_t len;

	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_list_begin(&enc);
	lk_bencode_enc_int(&enc, INT64_MIN);
	lk_bencode_enc_int(&enc, INT64_MAX);
	lk_bencode_enc_list_end(&enc);
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_int_equal(strlen(want), len);
	assert_memory_equal(want, buf, len);
}

/*
 * A reply never overruns the buffer: for every size short of the one it
 * needs, ENOSPC, and nothing written past `size` (guard bytes stay put).
 */
static void encoder_reports_enospc_at_every_short_size(void **state)
{
	static const char want[] =
		"d12:error-reason15:Unknown call-id6:result5:errore";
	struct lk_bencode_enc enc;
	char buf[sizeof(want) + 16];
	size_t size, len;
	int err;

	for (size = 0; size <= sizeof(want) - 1; size++) {
		memset(buf, '#', sizeof(buf));
		lk_bencode_enc_init(&enc, buf, size);
		lk_bencode_enc_dict_begin(&enc);
		lk_bencode_enc_pair_str(&enc, "error-reason",
					"Unknown call-id");
		lk_bencode_enc_pair_str(&enc, "result", "error");
		lk_bencode_enc_dict_end(&enc);
		len = 12345;
		err = lk_bencode_enc_finish(&len, &enc);
		if (size < sizeof(want) - 1) {
			assert_int_equal(ENOSPC, err);
			assert_int_equal(12345, len);
		} else {
			assert_int_equal(0, err);
			assert_int_equal(size, len);
			assert_memory_equal(want, buf, len);
		}
		assert_true(buf[size] == '#');
	}
}

static void encoder_refuses_keys_out_of_order(void **state)
{
	struct lk_bencode_enc enc;
	char buf[128];
	size_t len;

	/* rtpengine's own habit, "result" first: not bencode order. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	assert_int_equal(0, lk_bencode_enc_pair_str(&enc, "result", "error"));
	assert_int_equal(EINVAL, lk_bencode_enc_key(&enc, "error-reason"));
	/* Sticky: later calls fail the same way and write nothing. */
	len = enc.len;
	assert_int_equal(EINVAL, lk_bencode_enc_cstr(&enc, "x"));
	assert_int_equal(EINVAL, lk_bencode_enc_dict_end(&enc));
	assert_int_equal(len, enc.len);
	assert_int_equal(EINVAL, lk_bencode_enc_finish(&len, &enc));

	/* Duplicate. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_int(&enc, "a", 1);
	assert_int_equal(EINVAL, lk_bencode_enc_pair_int(&enc, "a", 2));

	/* A prefix sorts before its extension; order is per dict. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_int(&enc, "a", 1);
	lk_bencode_enc_key(&enc, "ab");
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_int(&enc, "a", 1);
	lk_bencode_enc_pair_int(&enc, "z", 1);
	lk_bencode_enc_dict_end(&enc);
	lk_bencode_enc_pair_int(&enc, "b", 1);
	lk_bencode_enc_dict_end(&enc);
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_memory_equal("d1:ai1e2:abd1:ai1e1:zi1ee1:bi1ee", buf, len);
}

static void encoder_refuses_misuse(void **state)
{
	struct lk_bencode_enc enc;
	char buf[64];
	size_t len;

	/* A value where a key is due. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	assert_int_equal(EINVAL, lk_bencode_enc_cstr(&enc, "ok"));

	/* A key outside a dict. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(EINVAL, lk_bencode_enc_key(&enc, "result"));
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_list_begin(&enc);
	assert_int_equal(EINVAL, lk_bencode_enc_key(&enc, "result"));

	/* Two keys in a row; a dict closed after a key. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_key(&enc, "a");
	assert_int_equal(EINVAL, lk_bencode_enc_key(&enc, "b"));
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_key(&enc, "a");
	assert_int_equal(EINVAL, lk_bencode_enc_dict_end(&enc));

	/* Ends that match no begin. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(EINVAL, lk_bencode_enc_list_end(&enc));
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_dict_begin(&enc);
	assert_int_equal(EINVAL, lk_bencode_enc_list_end(&enc));

	/* A second top-level value. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_int(&enc, 1);
	assert_int_equal(EINVAL, lk_bencode_enc_int(&enc, 2));

	/* Finishing with nothing, or with a container open. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(EINVAL, lk_bencode_enc_finish(&len, &enc));
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	lk_bencode_enc_list_begin(&enc);
	assert_int_equal(EINVAL, lk_bencode_enc_finish(&len, &enc));

	/* NULLs. */
	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	assert_int_equal(EINVAL, lk_bencode_enc_cstr(&enc, NULL));
	assert_int_equal(EINVAL, lk_bencode_enc_int(NULL, 1));
	lk_bencode_enc_init(&enc, NULL, 100);
	assert_int_equal(ENOSPC, lk_bencode_enc_int(&enc, 1));
}

static void encoder_nesting_is_limited(void **state)
{
	struct lk_bencode_enc enc;
	char buf[128];
	size_t len;
	unsigned i;

	lk_bencode_enc_init(&enc, buf, sizeof(buf));
	for (i = 0; i < LK_BENCODE_MAX_DEPTH; i++)
		assert_int_equal(0, lk_bencode_enc_list_begin(&enc));
	assert_int_equal(E2BIG, lk_bencode_enc_list_begin(&enc));
	assert_int_equal(E2BIG, lk_bencode_enc_finish(&len, &enc));
}

/* Canonical bencode (sorted keys) comes back byte for byte. */
static void round_trip(const char *s, size_t n)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_enc enc;
	char out[4096];
	size_t len = 0;

	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, s, n,
					      NULL));
	lk_bencode_enc_init(&enc, out, sizeof(out));
	assert_int_equal(0, lk_bencode_enc_node(&enc, root));
	assert_int_equal(0, lk_bencode_enc_finish(&len, &enc));
	assert_int_equal(n, len);
	assert_memory_equal(s, out, n);
}

static void canonical_messages_round_trip(void **state)
{
	struct msg m;

	round_trip("d7:command4:pinge", 17);
	round_trip("d6:result4:ponge", 16);
	round_trip("d12:error-reason15:Unknown call-id6:result5:errore", 50);
	round_trip("i0e", 3);
	round_trip("0:", 2);
	round_trip("le", 2);
	round_trip("de", 2);
	round_trip("li-9223372036854775808ei9223372036854775807ee", 45);
	round_trip("l3:a\0b0:dee", 11);

	/* An offer reply and a query reply, nested, keys sorted. */
	memset(&m, 0, sizeof(m));
	m_raw(&m, "d"); m_str(&m, "result"); m_str(&m, "ok");
	m_str(&m, "sdp"); m_str(&m, sdp_answer); m_raw(&m, "e");
	round_trip(m.buf, m.len);

	memset(&m, 0, sizeof(m));
	m_raw(&m, "d");
	m_str(&m, "created"); m_raw(&m, "i1700000000e");
	m_str(&m, "result"); m_str(&m, "ok");
	m_str(&m, "tags"); m_raw(&m, "d");
	m_str(&m, FROM_TAG); m_raw(&m, "d");
	m_str(&m, "in dialogue with"); m_str(&m, TO_TAG);
	m_str(&m, "medias"); m_raw(&m, "ld");
	m_str(&m, "index"); m_raw(&m, "i1e");
	m_str(&m, "type"); m_str(&m, "audio");
	m_raw(&m, "ee");
	m_str(&m, "tag"); m_str(&m, FROM_TAG);
	m_raw(&m, "e");
	m_str(&m, TO_TAG); m_raw(&m, "d");
	m_str(&m, "tag"); m_str(&m, TO_TAG);
	m_raw(&m, "e");
	m_raw(&m, "e");
	m_str(&m, "totals"); m_raw(&m, "d");
	m_str(&m, "RTCP"); m_raw(&m, "d"); m_str(&m, "packets");
	m_raw(&m, "i30ee");
	m_str(&m, "RTP"); m_raw(&m, "d"); m_str(&m, "packets");
	m_raw(&m, "i3000ee");
	m_raw(&m, "e");
	m_raw(&m, "e");
	round_trip(m.buf, m.len);
}

/*
 * Kamailio's requests are valid input but not canonical bencode: their keys
 * are in insertion order, so re-encoding them as they are is refused.
 */
static void unsorted_requests_decode_but_do_not_reencode(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_enc enc;
	char out[4096];
	struct msg m;

	build_offer(&m);
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, m.buf,
					      m.len, NULL));
	lk_bencode_enc_init(&enc, out, sizeof(out));
	assert_int_equal(EINVAL, lk_bencode_enc_node(&enc, root));

	/* Its sorted parts still can: the flags list, a string. */
	lk_bencode_enc_init(&enc, out, sizeof(out));
	assert_int_equal(0, lk_bencode_enc_node(&enc,
			 lk_bencode_dict_get(root, "flags")));
}

static void ngframe_splits_cookie_and_body(void **state)
{
	static const char d[] = "5323_1 d7:command4:pinge";
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_ngframe f;
	struct msg m, o;

	assert_int_equal(0, lk_ngframe_split(&f, d, strlen(d), NULL));
	assert_ptr_equal(d, f.cookie.p);
	assert_int_equal(6, f.cookie.len);
	assert_ptr_equal(d + 7, f.body.p);
	assert_int_equal(17, f.body.len);
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, f.body.p,
					      f.body.len, NULL));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				      "ping"));

	/* Only the first space splits: the SDP is full of them. */
	build_offer(&o);
	memset(&m, 0, sizeof(m));
	m_raw(&m, "8342_17 ");
	memcpy(m.buf + m.len, o.buf, o.len);
	m.len += o.len;
	assert_int_equal(0, lk_ngframe_split(&f, m.buf, m.len, NULL));
	assert_int_equal(7, f.cookie.len);
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, f.body.p,
					      f.body.len, NULL));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "command"),
				      "offer"));
}

static void expect_split_fail(const char *d, size_t len, size_t offset,
			      const char *why)
{
	struct lk_ngframe f;
	struct lk_bencode_error e = {0, NULL};

	memset(&f, 0x5a, sizeof(f));
	assert_int_equal(EBADMSG, lk_ngframe_split(&f, d, len, &e));
	assert_non_null(e.reason);
	assert_int_equal(offset, e.offset);
	if (!strstr(e.reason, why))
		fail_msg("reason \"%s\" does not say \"%s\"", e.reason, why);
	/* The out-parameter is written only on success. */
	assert_true(((unsigned char *)&f)[0] == 0x5a);
}

static void ngframe_refuses_bad_cookies(void **state)
{
	char d[128];
	struct lk_ngframe f;

	expect_split_fail("", 0, 0, "empty datagram");
	expect_split_fail("d7:command4:pinge", 17, 17, "no space");
	expect_split_fail("5323_1", 6, 6, "no space");
	expect_split_fail(" d7:command4:pinge", 18, 0, "no cookie");
	expect_split_fail("53\x01" "3 de", 6, 2, "printable");
	expect_split_fail("53\x7f" "3 de", 6, 2, "printable");
	expect_split_fail("53\xc3\xa9 de", 6, 2, "printable");
	expect_split_fail("53\t3 de", 6, 2, "printable");
	expect_split_fail("53\r\n de", 6, 2, "printable");
	expect_split_fail("53\0 de", 5, 2, "printable");

	memset(d, 'x', sizeof(d));
	d[LK_NGFRAME_COOKIE_MAX] = ' ';
	assert_int_equal(0, lk_ngframe_split(&f, d, LK_NGFRAME_COOKIE_MAX + 3,
					     NULL));
	assert_int_equal(LK_NGFRAME_COOKIE_MAX, f.cookie.len);
	d[LK_NGFRAME_COOKIE_MAX] = 'x';
	d[LK_NGFRAME_COOKIE_MAX + 1] = ' ';
	expect_split_fail(d, LK_NGFRAME_COOKIE_MAX + 4, LK_NGFRAME_COOKIE_MAX,
			  "longer than 64");
	/* Long and without a space: the length is what is reported. */
	memset(d, 'x', sizeof(d));
	expect_split_fail(d, LK_NGFRAME_COOKIE_MAX + 1, LK_NGFRAME_COOKIE_MAX,
			  "longer than 64");

	assert_int_equal(EINVAL, lk_ngframe_split(NULL, "a b", 3, NULL));
	assert_int_equal(EINVAL, lk_ngframe_split(&f, NULL, 3, NULL));
}

/* A good cookie with a bad body can still be answered. */
static void ngframe_leaves_the_body_to_the_decoder(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_error e;
	struct lk_ngframe f;

	assert_int_equal(0, lk_ngframe_split(&f, "5323_1 ", 7, NULL));
	assert_int_equal(0, f.body.len);
	assert_int_equal(EBADMSG, lk_bencode_decode(&root, nodes, NODES,
						    f.body.p, f.body.len, &e));
	assert_string_equal("empty message", e.reason);

	assert_int_equal(0, lk_ngframe_split(&f, "5323_1  de", 10, NULL));
	assert_int_equal(EBADMSG, lk_bencode_decode(&root, nodes, NODES,
						    f.body.p, f.body.len, &e));
	assert_int_equal(0, e.offset);
}

static void ngframe_reply_echoes_the_cookie(void **state)
{
	static const char req[] = "5323_1 d7:command4:pinge";
	static const char want[] = "5323_1 d6:result4:ponge";
	struct lk_bencode_enc enc;
	struct lk_ngframe f;
	char out[64], inplace[sizeof(req)];
	size_t len = 0, size;
	int err;

	assert_int_equal(0, lk_ngframe_split(&f, req, strlen(req), NULL));
	assert_int_equal(0, lk_ngframe_reply_begin(&enc, out, sizeof(out),
						   &f.cookie));
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_str(&enc, "result", "pong");
	lk_bencode_enc_dict_end(&enc);
	assert_int_equal(0, lk_ngframe_reply_finish(&len, &enc, &f.cookie));
	assert_int_equal(strlen(want), len);
	assert_memory_equal(want, out, len);

	/* Built over the request's own buffer. */
	memcpy(inplace, req, sizeof(req));
	assert_int_equal(0, lk_ngframe_split(&f, inplace, strlen(inplace),
					     NULL));
	lk_ngframe_reply_begin(&enc, inplace, sizeof(inplace), &f.cookie);
	lk_bencode_enc_dict_begin(&enc);
	lk_bencode_enc_pair_str(&enc, "result", "pong");
	lk_bencode_enc_dict_end(&enc);
	assert_int_equal(0, lk_ngframe_reply_finish(&len, &enc, &f.cookie));
	assert_memory_equal(want, inplace, len);

	/* Every short buffer: ENOSPC, even when the cookie does not fit. */
	for (size = 0; size < strlen(want); size++) {
		err = lk_ngframe_reply_begin(&enc, out, size, &f.cookie);
		assert_int_equal(size < 7 ? ENOSPC : 0, err);
		lk_bencode_enc_dict_begin(&enc);
		lk_bencode_enc_pair_str(&enc, "result", "pong");
		lk_bencode_enc_dict_end(&enc);
		assert_int_equal(ENOSPC,
				 lk_ngframe_reply_finish(&len, &enc,
							 &f.cookie));
	}
}

static void ngframe_error_reply_has_reason_and_result(void **state)
{
	static struct lk_bencode_node nodes[NODES];
	const struct lk_bencode_node *root;
	struct lk_bencode_str cookie = {"8342_17", 7}, bad = {"a b", 3};
	struct lk_bencode_error e;
	struct lk_ngframe f;
	char out[128], reason[64];
	size_t len;

	assert_int_equal(EBADMSG, decode(&root, nodes, "d7:call-id99:abce",
					 &e));
	lk_bencode_error_print(reason, sizeof(reason), &e);
	assert_int_equal(0, lk_ngframe_error_reply(&len, out, sizeof(out),
						   &cookie, reason));
	assert_memory_equal("8342_17 d12:error-reason49:offset 10: string "
			    "length runs past end of message6:result5:errore",
			    out, len);

	/* What goes out is itself a well-formed ng message. */
	assert_int_equal(0, lk_ngframe_split(&f, out, len, NULL));
	assert_int_equal(0, lk_bencode_decode(&root, nodes, NODES, f.body.p,
					      f.body.len, NULL));
	assert_true(lk_bencode_str_eq(lk_bencode_dict_get(root, "result"),
				      "error"));

	assert_int_equal(ENOSPC, lk_ngframe_error_reply(&len, out, 20,
							&cookie, reason));
	assert_int_equal(EINVAL, lk_ngframe_error_reply(&len, out,
							sizeof(out), &bad,
							reason));
	assert_int_equal(EINVAL, lk_ngframe_error_reply(&len, out,
							sizeof(out), NULL,
							reason));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ping_decodes_to_a_dict_with_its_command),
		cmocka_unit_test(kamailio_offer_gives_every_field),
		cmocka_unit_test(every_truncation_of_real_requests_fails),
		cmocka_unit_test(nesting_is_limited_to_32),
		cmocka_unit_test(depth_bomb_is_refused),
		cmocka_unit_test(huge_string_lengths_are_refused),
		cmocka_unit_test(leading_zeros_are_refused),
		cmocka_unit_test(malformed_integers_are_refused),
		cmocka_unit_test(int64_limits_decode_and_one_past_is_refused),
		cmocka_unit_test(exactly_one_value_per_message),
		cmocka_unit_test(duplicate_keys_are_refused),
		cmocka_unit_test(non_string_keys_are_refused),
		cmocka_unit_test(a_full_arena_gives_enomem),
		cmocka_unit_test(errors_print_offset_and_reason),
		cmocka_unit_test(bad_arguments_give_einval),
		cmocka_unit_test(lookups_are_typed_and_case_sensitive),
		cmocka_unit_test(embedded_nul_is_just_a_byte),
		cmocka_unit_test(list_has_skips_other_types),
		cmocka_unit_test(keycmp_is_bencode_order),
		cmocka_unit_test(encoder_builds_replies),
		cmocka_unit_test(encoder_writes_int64_limits),
		cmocka_unit_test(encoder_reports_enospc_at_every_short_size),
		cmocka_unit_test(encoder_refuses_keys_out_of_order),
		cmocka_unit_test(encoder_refuses_misuse),
		cmocka_unit_test(encoder_nesting_is_limited),
		cmocka_unit_test(canonical_messages_round_trip),
		cmocka_unit_test(unsorted_requests_decode_but_do_not_reencode),
		cmocka_unit_test(ngframe_splits_cookie_and_body),
		cmocka_unit_test(ngframe_refuses_bad_cookies),
		cmocka_unit_test(ngframe_leaves_the_body_to_the_decoder),
		cmocka_unit_test(ngframe_reply_echoes_the_cookie),
		cmocka_unit_test(ngframe_error_reply_has_reason_and_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
