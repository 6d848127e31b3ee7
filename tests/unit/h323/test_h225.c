/* tests/unit/h323/test_h225.c  H.225.0 UU-PDUs of a real call: decode and re-encode byte-exact. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "h323/h225.h"

static uint8_t arena_mem[1 << 18];

static size_t load(const char *name, uint8_t *buf, size_t cap)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "data/h323/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/*
 * The user-user IE contents of every Q.931 message of h323-ndpi.pcap
 * (frames 6-66: Setup, Call Proceeding, Alerting, Connect, Facility,
 * Release Complete), extracted to tests/data/h323/uu-*.bin.
 */
static void test_capture_roundtrip(void **state)
{
	DIR *d = opendir("data/h323");
	struct dirent *e;
	unsigned count = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct lk_asn_arena ar;
		struct lk_asn_val *uu = NULL;
		uint8_t in[4096], out[4096];
		size_t len, olen, errbit = 0;
		int err;

		if (strncmp(e->d_name, "uu-", 3))
			continue;
		len = load(e->d_name, in, sizeof(in));
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		err = lk_h225_uu_decode(in, len, &ar, &uu, &errbit);
		if (err)
			print_error("%s: error %d at bit %zu\n", e->d_name, err,
				    errbit);
		assert_int_equal(err, 0);
		assert_int_equal(lk_h225_uu_encode(uu, out, sizeof(out),
						   &olen), 0);
		if (olen != len || memcmp(in, out, len)) {
			size_t i;

			for (i = 0; i < len && i < olen && in[i] == out[i]; i++)
				;
			print_error("%s (%s): %zu vs %zu octets, first "
				    "difference at %zu\n", e->d_name,
				    lk_h225_uu_kind(uu), len, olen, i);
			fail();
		}
		count++;
	}
	closedir(d);
	assert_int_equal(count, 8);
}

static void test_capture_fields(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *v;
	uint8_t buf[4096];
	size_t len, errbit;

	(void)state;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = load("uu-f6-mt05.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "setup");
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup.callIdentifier"
			   ".guid");
	assert_non_null(v);
	assert_int_equal(v->u.str.len, 16);
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h245Tunnelling"));

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = load("uu-f18-mt07.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "connect");

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = load("uu-f10-mt02.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "callProceeding");

	/*
	 * Frame 65, a Setup that tshark 4.0 flags Malformed (its
	 * additionalSourceAddresses addition holds an ExtendedAliasAddress
	 * tshark cannot read): the addition is an opaque open type here, so
	 * the Setup decodes and round-trips (above) with it kept.
	 */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = load("uu-f65-mt05.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "setup");
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup"
				   ".additionalSourceAddresses"));

	/* Frame 66: Release Complete, reason undefinedReason (as tshark). */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = load("uu-f66-mt5a.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h323-message-body"
				   ".releaseComplete.reason.undefinedReason"));

	/* Every truncation of the Setup is refused inside its length. */
	len = load("uu-f6-mt05.bin", buf, sizeof(buf));
	for (size_t cut = 0; cut < len; cut++) {
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		errbit = SIZE_MAX;
		assert_int_not_equal(lk_h225_uu_decode(buf, cut, &ar, &uu,
						       &errbit), 0);
		assert_true(errbit <= cut * 8);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_roundtrip),
		cmocka_unit_test(test_capture_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
