/* tests/unit/h323/test_per.c  X.691 aligned-PER primitives against known encodings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "h323/per.h"

/* Encode with f, compare with the expected octets, decode back. */
static void cons_case(int64_t lb, int64_t ub, int64_t v, const char *hex,
		      size_t nbits)
{
	uint8_t buf[16], want[16];
	struct lk_per_writer w;
	struct lk_per_reader r;
	size_t n = strlen(hex) / 2, i;
	int64_t got;

	for (i = 0; i < n; i++) {
		unsigned x;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &x), 1);
		want[i] = (uint8_t)x;
	}
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_cons(&w, lb, ub, v), 0);
	assert_int_equal(w.pos, nbits);
	assert_int_equal(lk_per_writer_octets(&w), n);
	assert_memory_equal(buf, want, n);
	lk_per_reader_init(&r, buf, n);
	assert_int_equal(lk_per_get_cons(&r, lb, ub, &got), 0);
	assert_int_equal(got, v);
	assert_int_equal(r.pos, nbits);
}

/* X.691 10.5.7.1-10.5.7.4: the four cases of a constrained whole number. */
static void test_constrained_whole_number(void **state)
{
	(void)state;
	cons_case(0, 7, 5, "a0", 3);		/* bit-field, 3 bits */
	cons_case(0, 255, 0x2a, "2a", 8);	/* one aligned octet */
	cons_case(1, 65535, 1234, "04d1", 16);	/* RequestSeqNum */
	cons_case(1, 4294967295LL, 60, "003b", 16);	/* TimeToLive 60 */
}

static void test_constrained_big(void **state)
{
	uint8_t buf[8];
	struct lk_per_writer w;
	struct lk_per_reader r;
	int64_t v;

	(void)state;
	/* 10.5.7.4: 3 octets: count 3 as 2 bits "10", pad, 01 23 45. */
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_cons(&w, 0, 4294967295LL, 0x12345), 0);
	assert_int_equal(lk_per_writer_octets(&w), 4);
	assert_int_equal(buf[0], 0x80);
	assert_int_equal(buf[1], 0x01);
	assert_int_equal(buf[3], 0x45);
	lk_per_reader_init(&r, buf, 4);
	assert_int_equal(lk_per_get_cons(&r, 0, 4294967295LL, &v), 0);
	assert_int_equal(v, 0x12345);
	/* Out of range in both directions. */
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_cons(&w, 1, 10, 11), EINVAL);
	assert_int_equal(lk_per_put_cons(&w, 1, 10, 0), EINVAL);
	/* A decoded value above ub is refused where it stands. */
	buf[0] = 0xff;
	lk_per_reader_init(&r, buf, 1);
	assert_int_equal(lk_per_get_cons(&r, 0, 199, &v), EBADMSG);
	assert_int_equal(r.err, 8);
}

/* X.691 10.9.3.6-10.9.3.8: the three forms of an unconstrained length. */
static void test_length_forms(void **state)
{
	uint8_t buf[8];
	struct lk_per_writer w;
	struct lk_per_reader r;
	size_t n;
	bool more;

	(void)state;
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_length(&w, 0, -1, 127), 0);
	assert_int_equal(lk_per_put_length(&w, 0, -1, 128), 0);
	assert_int_equal(lk_per_put_length(&w, 0, -1, 3 * LK_PER_FRAG), 0);
	assert_int_equal(lk_per_writer_octets(&w), 4);
	assert_int_equal(buf[0], 0x7f);
	assert_int_equal(buf[1], 0x80);
	assert_int_equal(buf[2], 0x80);
	assert_int_equal(buf[3], 0xc3);
	lk_per_reader_init(&r, buf, 4);
	assert_int_equal(lk_per_get_length(&r, 0, -1, &n, &more), 0);
	assert_int_equal(n, 127);
	assert_false(more);
	assert_int_equal(lk_per_get_length(&r, 0, -1, &n, &more), 0);
	assert_int_equal(n, 128);
	assert_int_equal(lk_per_get_length(&r, 0, -1, &n, &more), 0);
	assert_int_equal(n, 3 * LK_PER_FRAG);
	assert_true(more);
	/* Fragment counts other than 1..4 (10.9.3.8.1) are refused. */
	buf[0] = 0xc5;
	lk_per_reader_init(&r, buf, 1);
	assert_int_equal(lk_per_get_length(&r, 0, -1, &n, &more), EBADMSG);
	assert_int_equal(r.err, 0);
	/* A two-octet length cut short. */
	buf[0] = 0x81;
	lk_per_reader_init(&r, buf, 1);
	assert_int_equal(lk_per_get_length(&r, 0, -1, &n, &more), EBADMSG);
	assert_int_equal(r.err, 8);
	/* Not a multiple of 16K: a writer refuses to pretend a fragment. */
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_length(&w, 0, -1, LK_PER_FRAG + 1),
			 EINVAL);
}

/* 10.6 and 10.9.3.4: normally small numbers and lengths. */
static void test_normally_small(void **state)
{
	uint8_t buf[8];
	struct lk_per_writer w;
	struct lk_per_reader r;
	uint64_t v;
	size_t n;

	(void)state;
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_nsnn(&w, 5), 0);	/* 0 000101 */
	assert_int_equal(lk_per_put_nslen(&w, 2), 0);	/* 0 000001 */
	assert_int_equal(lk_per_put_nsnn(&w, 100), 0);	/* 1, semi */
	lk_per_reader_init(&r, buf, lk_per_writer_octets(&w));
	assert_int_equal(lk_per_get_nsnn(&r, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(lk_per_get_nslen(&r, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lk_per_get_nsnn(&r, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(buf[0], 0x0a);
}

/* 10.7 and 10.8: semi-constrained and unconstrained whole numbers. */
static void test_semi_unconstrained(void **state)
{
	uint8_t buf[32];
	struct lk_per_writer w;
	struct lk_per_reader r;
	int64_t v;

	(void)state;
	lk_per_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(lk_per_put_semi(&w, 1, 256), 0);	/* 01 ff */
	assert_int_equal(lk_per_put_unc(&w, -1), 0);		/* 01 ff */
	assert_int_equal(lk_per_put_unc(&w, 128), 0);		/* 02 00 80 */
	assert_int_equal(lk_per_put_unc(&w, INT64_MIN), 0);
	assert_int_equal(buf[0], 0x01);
	assert_int_equal(buf[1], 0xff);
	assert_int_equal(buf[2], 0x01);
	assert_int_equal(buf[3], 0xff);
	assert_int_equal(buf[4], 0x02);
	assert_int_equal(buf[6], 0x80);
	lk_per_reader_init(&r, buf, lk_per_writer_octets(&w));
	assert_int_equal(lk_per_get_semi(&r, 1, &v), 0);
	assert_int_equal(v, 256);
	assert_int_equal(lk_per_get_unc(&r, &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(lk_per_get_unc(&r, &v), 0);
	assert_int_equal(v, 128);
	assert_int_equal(lk_per_get_unc(&r, &v), 0);
	assert_true(v == INT64_MIN);
	/* A count of 9 octets does not fit an int64: refused, not wrapped. */
	buf[0] = 9;
	lk_per_reader_init(&r, buf, sizeof(buf));
	assert_int_equal(lk_per_get_unc(&r, &v), ENOTSUP);
}

/* The reader stops at its end and says where. */
static void test_reader_bounds(void **state)
{
	const uint8_t one = 0xa5;
	struct lk_per_reader r;
	uint64_t v;
	size_t off, len;
	uint8_t open[3] = { 0x05, 0x01, 0x02 };

	(void)state;
	lk_per_reader_init(&r, &one, 1);
	assert_int_equal(lk_per_get_bits(&r, 3, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(lk_per_get_bits(&r, 6, &v), EBADMSG);
	assert_int_equal(r.err, 3);
	/* An open type claiming 5 octets with 2 there. */
	lk_per_reader_init(&r, open, sizeof(open));
	assert_int_equal(lk_per_get_open(&r, &off, &len), EBADMSG);
	assert_int_equal(r.err, 8);
}

/* X.690 8.19 contents of 0.0.8.2250.0.4 as in every RAS message. */
static void test_oid(void **state)
{
	static const uint32_t arcs[] = { 0, 0, 8, 2250, 0, 4 };
	static const uint8_t want[] = { 0x00, 0x08, 0x91, 0x4a, 0x00, 0x04 };
	uint32_t back[8];
	uint8_t buf[16];
	size_t len, n;

	(void)state;
	assert_int_equal(lk_per_oid_encode(arcs, 6, buf, sizeof(buf), &len),
			 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	assert_int_equal(lk_per_oid_decode(buf, len, back, 8, &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(back, arcs, sizeof(arcs));
	buf[len - 1] |= 0x80;	/* unterminated last arc */
	assert_int_equal(lk_per_oid_decode(buf, len, back, 8, &n), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constrained_whole_number),
		cmocka_unit_test(test_constrained_big),
		cmocka_unit_test(test_length_forms),
		cmocka_unit_test(test_normally_small),
		cmocka_unit_test(test_semi_unconstrained),
		cmocka_unit_test(test_reader_bounds),
		cmocka_unit_test(test_oid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
