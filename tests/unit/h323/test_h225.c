/* tests/unit/h323/test_h225.c  H.225.0 UU-PDUs of a real call: decode and re-encode byte-exact. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "h323/h225.h"

#include "capture.h"
#include "randval.h"

static uint8_t arena_mem[1 << 18];

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
		len = capture_load(e->d_name, in, sizeof(in));
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
	len = capture_load("uu-f6-mt05.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "setup");
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup.callIdentifier"
			   ".guid");
	assert_non_null(v);
	assert_int_equal(v->u.str.len, 16);
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h245Tunnelling"));

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = capture_load("uu-f18-mt07.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "connect");

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = capture_load("uu-f10-mt02.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "callProceeding");

	/*
	 * Frame 65, a Setup that tshark 4.0 flags Malformed (its
	 * additionalSourceAddresses addition holds an ExtendedAliasAddress
	 * tshark cannot read): the addition is an opaque open type here, so
	 * the Setup decodes and round-trips (above) with it kept.
	 */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = capture_load("uu-f65-mt05.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_string_equal(lk_h225_uu_kind(uu), "setup");
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup"
				   ".additionalSourceAddresses"));

	/* Frame 66: Release Complete, reason undefinedReason (as tshark). */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = capture_load("uu-f66-mt5a.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	assert_non_null(lk_asn_get(uu, "h323-uu-pdu.h323-message-body"
				   ".releaseComplete.reason.undefinedReason"));

	/* Every truncation of the Setup is refused inside its length. */
	len = capture_load("uu-f6-mt05.bin", buf, sizeof(buf));
	for (size_t cut = 0; cut < len; cut++) {
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		errbit = SIZE_MAX;
		assert_int_not_equal(lk_h225_uu_decode(buf, cut, &ar, &uu,
						       &errbit), 0);
		assert_true(errbit <= cut * 8);
	}
}

/*
 * A SEQUENCE whose every extension addition is removed is encoded with
 * its extension bit 0 (X.691 18.1), not with the decoded bit-map length
 * and a bit-map of zeros; removing only some keeps the rest.
 */
static void test_extension_removed(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *pdu, *again;
	uint8_t buf[4096], out[4096];
	size_t len, olen, errbit, i, nroot, kept = 0;

	(void)state;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	len = capture_load("uu-f6-mt05.bin", buf, sizeof(buf));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	pdu = lk_asn_get(uu, "h323-uu-pdu");
	assert_non_null(pdu);
	nroot = pdu->type->nroot;
	assert_true(pdu->u.list.extn > 0);
	assert_non_null(lk_asn_get(pdu, "h245Tunnelling"));

	/* Only h245Tunnelling removed: the other additions stay. */
	lk_asn_get(pdu, "h245Tunnelling")->present = false;
	for (i = nroot; i < pdu->u.list.n; i++)
		kept += pdu->u.list.v[i].present;
	assert_int_equal(lk_h225_uu_encode(uu, out, sizeof(out), &olen), 0);
	assert_int_equal(lk_h225_uu_decode(out, olen, &ar, &again, &errbit),
			 0);
	assert_null(lk_asn_get(again, "h323-uu-pdu.h245Tunnelling"));
	again = lk_asn_get(again, "h323-uu-pdu");
	for (i = nroot; i < again->u.list.n; i++)
		kept -= again->u.list.v[i].present;
	assert_int_equal(kept, 0);

	/* Every addition removed: no bit-map at all. */
	for (i = nroot; i < pdu->u.list.n; i++)
		pdu->u.list.v[i].present = false;
	assert_int_equal(lk_h225_uu_encode(uu, out, sizeof(out), &olen), 0);
	assert_int_equal(lk_h225_uu_decode(out, olen, &ar, &again, &errbit),
			 0);
	again = lk_asn_get(again, "h323-uu-pdu");
	assert_non_null(again);
	assert_int_equal(again->u.list.extn, 0);
}

/*
 * --random N SEED: N random H323-UserInformation values drawn from the
 * tables (randval.h), each checked to round-trip, printed as text2pcap
 * hex dumps of TPKT + Q.931 (RFC 1006, Q.931 4) with the value in the
 * user-user information element (H.225.0 7.2.2.1), for
 * tests/integration/h323_ras_tshark.sh to let tshark judge them.
 */
static int q931_type(const char *kind)
{
	static const struct {
		const char *kind;
		int type;
	} map[] = { { "setup", 0x05 }, { "callProceeding", 0x02 },
		{ "connect", 0x07 }, { "alerting", 0x01 },
		{ "information", 0x7b }, { "releaseComplete", 0x5a },
		{ "progress", 0x03 }, { "status", 0x7d },
		{ "statusInquiry", 0x75 }, { "setupAcknowledge", 0x0d },
		{ "notify", 0x6e } };
	size_t i;

	for (i = 0; kind && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(kind, map[i].kind))
			return map[i].type;
	return 0x62;	/* facility, and the empty body */
}

static int dump_random(unsigned count, uint64_t seed)
{
	static uint8_t arena2[1 << 18];
	uint8_t msg[8192], again[8192];
	unsigned made = 0, tries = 0;
	size_t len, len2, k, n;

	rng_state = seed ? seed : 1;
	while (made < count) {
		struct lk_asn_arena ar, ar2;
		struct lk_asn_val *uu, *back;
		uint8_t *p = msg;

		if (++tries > count * 20)
			return 1;
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		uu = lk_asn_new(&ar, &lk_h225_uuinfo);
		if (!uu || gen(&ar, uu, 0) ||
		    lk_h225_uu_encode(uu, msg + 13, sizeof(msg) - 13, &len) ||
		    len > 60000)
			continue;
		lk_asn_arena_init(&ar2, arena2, sizeof(arena2));
		if (lk_h225_uu_decode(msg + 13, len, &ar2, &back, NULL) ||
		    lk_h225_uu_encode(back, again, sizeof(again), &len2) ||
		    len2 != len || memcmp(again, msg + 13, len)) {
			fprintf(stderr, "random UU-PDU %u (%s) does not "
				"round-trip\n", made, lk_h225_uu_kind(uu));
			return 1;
		}
		n = len + 13;
		*p++ = 3;			/* TPKT */
		*p++ = 0;
		*p++ = (uint8_t)(n >> 8);
		*p++ = (uint8_t)n;
		*p++ = 0x08;			/* Q.931 */
		*p++ = 2;			/* call reference: 2 octets */
		*p++ = (uint8_t)(made >> 8 & 0x7f);
		*p++ = (uint8_t)made;
		*p++ = (uint8_t)q931_type(lk_h225_uu_kind(uu));
		*p++ = 0x7e;			/* user-user */
		*p++ = (uint8_t)((len + 1) >> 8);
		*p++ = (uint8_t)(len + 1);
		*p++ = 0x05;			/* X.208 and X.209 coded */
		for (k = 0; k < n; k++) {
			if (k % 16 == 0)
				printf("%06zx", k);
			printf(" %02x%s", msg[k],
			       k % 16 == 15 || k == n - 1 ? "\n" : "");
		}
		fprintf(stderr, "%u %s\n", made + 1, lk_h225_uu_kind(uu));
		made++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_roundtrip),
		cmocka_unit_test(test_capture_fields),
		cmocka_unit_test(test_extension_removed),
	};

	if (argc == 4 && !strcmp(argv[1], "--random"))
		return dump_random((unsigned)atoi(argv[2]),
				   strtoull(argv[3], NULL, 10));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
