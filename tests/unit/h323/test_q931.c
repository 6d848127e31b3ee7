/* tests/unit/h323/test_q931.c  TPKT and Q.931 of a real call: framing, decode, re-encode byte-exact, builders, bad input. */
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
#include "h323/q931.h"

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

/* Frame a whole file as one TPKT and decode its Q.931 message. */
static void decode_file(const char *name, uint8_t *buf, size_t cap,
			size_t *lenp, struct lk_q931 *m)
{
	size_t len = load(name, buf, cap), pdu = 0, off = 0;

	assert_int_equal(lk_tpkt_frame(buf, len, &pdu), 0);
	assert_int_equal(pdu, len);
	assert_int_equal(lk_q931_decode(m, buf + LK_TPKT_HDR,
					len - LK_TPKT_HDR, &off), 0);
	assert_int_equal(off, len - LK_TPKT_HDR);
	*lenp = len;
}

/*
 * Every call-signalling TPKT of h323-ndpi.pcap (frames 6-66: Setup x3,
 * Call Proceeding, Alerting x2, Connect, Release Complete; frame 48+50
 * is one TPKT in two segments), extracted to tests/data/h323/q931-*.bin:
 * framed, decoded and re-encoded to the identical octets, and the
 * user-user IE's contents decode as the UU-PDU of the same message.
 */
static void test_capture_roundtrip(void **state)
{
	static const struct {
		uint8_t type;
		const char *uu;
	} kinds[] = {
		{ LK_Q931_SETUP, "setup" },
		{ LK_Q931_CALL_PROCEEDING, "callProceeding" },
		{ LK_Q931_ALERTING, "alerting" },
		{ LK_Q931_CONNECT, "connect" },
		{ LK_Q931_RELEASE_COMPLETE, "releaseComplete" },
	};
	DIR *d = opendir("data/h323");
	struct dirent *e;
	unsigned count = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		struct lk_q931 m;
		struct lk_asn_arena ar;
		struct lk_asn_val *uu = NULL;
		uint8_t in[4096], out[4096];
		const uint8_t *p;
		size_t len, olen, n, errbit = 0, i;
		bool known = false;

		if (strncmp(e->d_name, "q931-", 5))
			continue;
		decode_file(e->d_name, in, sizeof(in), &len, &m);
		assert_int_equal(m.crv_len, 2);
		assert_int_equal(lk_q931_encode(&m, true, out, sizeof(out),
						&olen), 0);
		if (olen != len || memcmp(in, out, len)) {
			print_error("%s: %zu vs %zu octets\n", e->d_name, len,
				    olen);
			fail();
		}
		assert_int_equal(lk_q931_uu(&m, &p, &n), 0);
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		assert_int_equal(lk_h225_uu_decode(p, n, &ar, &uu, &errbit),
				 0);
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			if (kinds[i].type != m.type)
				continue;
			assert_string_equal(lk_h225_uu_kind(uu), kinds[i].uu);
			known = true;
		}
		assert_true(known);
		count++;
	}
	closedir(d);
	assert_int_equal(count, 8);
}

/* Field values as tshark reads the same frames (tshark -V). */
static void test_capture_fields(void **state)
{
	struct lk_q931 m;
	uint8_t buf[4096], tp, itc, cause;
	char s[128];
	size_t len;

	(void)state;
	decode_file("q931-f6-setup.bin", buf, sizeof(buf), &len, &m);
	assert_int_equal(m.type, LK_Q931_SETUP);
	assert_string_equal(lk_q931_type_name(m.type), "Setup");
	assert_int_equal(m.crv, 0x77f4);
	assert_false(m.crv_flag);
	assert_int_equal(lk_q931_bearer(&m, &itc), 0);
	assert_int_equal(itc, 0);			/* speech */
	assert_int_equal(lk_q931_display(&m, s, sizeof(s)), 0);
	assert_string_equal(s, "m.jemec");		/* a NUL sent after it */
	assert_int_equal(lk_q931_cause(&m, &cause), ENOENT);

	decode_file("q931-f10-callproceeding.bin", buf, sizeof(buf), &len,
		    &m);
	assert_int_equal(m.type, LK_Q931_CALL_PROCEEDING);
	assert_int_equal(m.crv, 0x77f4);
	assert_true(m.crv_flag);			/* from the side called */

	decode_file("q931-f18-connect.bin", buf, sizeof(buf), &len, &m);
	assert_int_equal(m.type, LK_Q931_CONNECT);
	assert_int_equal(lk_q931_display(&m, s, sizeof(s)), 0);
	assert_string_equal(s, "M.JEMEC");

	decode_file("q931-f47-setup.bin", buf, sizeof(buf), &len, &m);
	assert_int_equal(m.crv, 1);
	assert_int_equal(lk_q931_bearer(&m, &itc), 0);
	assert_int_equal(itc, 8);			/* unrestricted digital */
	assert_int_equal(lk_q931_number(&m, LK_Q931_IE_CALLING, &tp, s,
					sizeof(s)), 0);
	assert_int_equal(tp, 0x01);			/* unknown, ISDN plan */
	assert_string_equal(s, "17");
	assert_int_equal(lk_q931_number(&m, LK_Q931_IE_CALLED, &tp, s,
					sizeof(s)), ENOENT);

	decode_file("q931-f65-setup.bin", buf, sizeof(buf), &len, &m);
	assert_int_equal(lk_q931_number(&m, LK_Q931_IE_CALLING, &tp, s,
					sizeof(s)), 0);
	assert_int_equal(tp, 0x41);			/* international */
	assert_string_equal(s, "5295672");
	assert_int_equal(lk_q931_number(&m, LK_Q931_IE_CALLED, &tp, s,
					sizeof(s)), 0);
	assert_string_equal(s, "9246526");
	/* Sending Complete, a single-octet IE, after the user-user IE. */
	assert_int_equal(m.ie[m.nie - 1].id, LK_Q931_IE_SENDING_COMPLETE);
	assert_int_equal(m.ie[m.nie - 1].len, 0);

	decode_file("q931-f66-releasecomplete.bin", buf, sizeof(buf), &len,
		    &m);
	assert_int_equal(m.type, LK_Q931_RELEASE_COMPLETE);
	assert_int_equal(m.crv, 1);
	assert_true(m.crv_flag);
}

/* The TPKT of frames 48 and 50 arrives in two segments. */
static void test_tpkt_framing(void **state)
{
	uint8_t buf[4096], ka[] = { 3, 0, 0, 4 };
	size_t len, pdu = 0, i;

	(void)state;
	len = load("q931-f48-alerting.bin", buf, sizeof(buf));
	for (i = 0; i < len; i++)
		assert_int_equal(lk_tpkt_frame(buf, i, &pdu), EAGAIN);
	assert_int_equal(lk_tpkt_frame(buf, len, &pdu), 0);
	assert_int_equal(pdu, 43);

	/*
	 * An empty TPKT is a keep-alive: h323-overflow-ndpi.pcap's whole
	 * payload is one (03 00 00 04).  It frames; its empty payload is no
	 * Q.931 message; neither are its four octets taken as one.
	 */
	assert_int_equal(lk_tpkt_frame(ka, sizeof(ka), &pdu), 0);
	assert_int_equal(pdu, LK_TPKT_HDR);
	{
		struct lk_q931 m;
		size_t off = 99;

		assert_int_equal(lk_q931_decode(&m, ka + 4, 0, &off),
				 EBADMSG);
		assert_int_equal(off, 0);
		assert_int_equal(lk_q931_decode(&m, ka, sizeof(ka), &off),
				 EBADMSG);
		assert_int_equal(off, 0);
	}

	/* Not version 3, or a length shorter than the header: unframeable. */
	ka[0] = 4;
	assert_int_equal(lk_tpkt_frame(ka, sizeof(ka), &pdu), EBADMSG);
	assert_int_equal(lk_tpkt_frame(ka, 1, &pdu), EBADMSG);
	ka[0] = 3;
	ka[3] = 3;
	assert_int_equal(lk_tpkt_frame(ka, sizeof(ka), &pdu), EBADMSG);
	assert_int_equal(lk_tpkt_header(buf, 65531), 0);
	assert_int_equal(lk_tpkt_header(buf, 65532), EMSGSIZE);
}

/* What the gatekeeper sends when it refuses a call. */
static void test_build_release_complete(void **state)
{
	static const uint8_t want[] = {
		0x03, 0x00, 0x00, 0x1b,
		0x08, 0x02, 0x80, 0x2a, 0x5a,		/* flag, crv 42 */
		0x08, 0x02, 0x80, 0x83,			/* cause 3 */
		0x28, 0x04, 'n', 'o', 'n', 'e',
		0x7e, 0x00, 0x04, 0x05, 0xaa, 0xbb, 0xcc,
		0xa1,
	};
	static const uint8_t uu[] = { LK_Q931_UU_PD, 0xaa, 0xbb, 0xcc };
	struct lk_q931 m, d;
	uint8_t buf[256];
	size_t len, off;
	uint8_t cause;
	char s[16];

	(void)state;
	lk_q931_init(&m, LK_Q931_RELEASE_COMPLETE, 42, true);
	assert_int_equal(lk_q931_set(&m, LK_Q931_IE_USER_USER, uu,
				     sizeof(uu)), 0);
	assert_int_equal(lk_q931_set(&m, LK_Q931_IE_SENDING_COMPLETE, NULL,
				     0), 0);
	assert_int_equal(lk_q931_set_display(&m, "none"), 0);
	assert_int_equal(lk_q931_set_cause(&m, LK_Q931_CAUSE_NO_ROUTE), 0);
	/* Ascending order; the single-octet IE stays where it was put. */
	assert_int_equal(m.ie[0].id, LK_Q931_IE_CAUSE);
	assert_int_equal(lk_q931_encode(&m, true, buf, sizeof(buf), &len),
			 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, len);
	assert_int_equal(lk_q931_encode(&m, true, buf, len - 1, &len),
			 EMSGSIZE);

	assert_int_equal(lk_q931_decode(&d, want + 4, sizeof(want) - 4, &off),
			 0);
	assert_int_equal(lk_q931_cause(&d, &cause), 0);
	assert_int_equal(cause, 3);
	assert_int_equal(lk_q931_display(&d, s, sizeof(s)), 0);
	assert_string_equal(s, "none");
	assert_int_equal(lk_q931_remove(&d, LK_Q931_IE_DISPLAY), 1);
	assert_int_equal(lk_q931_remove(&d, LK_Q931_IE_DISPLAY), 0);
	assert_int_equal(lk_q931_display(&d, s, sizeof(s)), ENOENT);

	/* A Setup's bearer capability and numbers read back. */
	lk_q931_init(&m, LK_Q931_SETUP, 7, false);
	assert_int_equal(lk_q931_set_number(&m, LK_Q931_IE_CALLED, 0x41,
					    "1234"), 0);
	assert_int_equal(lk_q931_set_bearer(&m), 0);
	assert_int_equal(m.ie[0].id, LK_Q931_IE_BEARER);
	assert_int_equal(lk_q931_encode(&m, false, buf, sizeof(buf), &len),
			 0);
	assert_int_equal(lk_q931_decode(&d, buf, len, &off), 0);
	assert_int_equal(lk_q931_bearer(&d, &cause), 0);
	assert_int_equal(cause, 8);
	assert_int_equal(lk_q931_number(&d, LK_Q931_IE_CALLED, &cause, s,
					sizeof(s)), 0);
	assert_int_equal(cause, 0x41);
	assert_string_equal(s, "1234");
}

/* Replacing the user-user IE keeps every other octet of a real Setup. */
static void test_replace_uu(void **state)
{
	static const uint8_t uu[] = { LK_Q931_UU_PD, 1, 2, 3 };
	struct lk_q931 m;
	uint8_t in[4096], out[4096];
	size_t len, olen, head;

	(void)state;
	decode_file("q931-f6-setup.bin", in, sizeof(in), &len, &m);
	head = (size_t)(lk_q931_find(&m, LK_Q931_IE_USER_USER)->p - in) - 3;
	assert_int_equal(lk_q931_set(&m, LK_Q931_IE_USER_USER, uu,
				     sizeof(uu)), 0);
	assert_int_equal(lk_q931_encode(&m, true, out, sizeof(out), &olen),
			 0);
	assert_int_equal(olen, head + 3 + sizeof(uu));
	assert_memory_equal(out + 4, in + 4, head - 4);
	assert_int_equal(out[3], olen);
	assert_memory_equal(out + head, "\x7e\x00\x04\x05\x01\x02\x03", 7);
}

/*
 * Bad messages are refused with the octet where decoding stopped; a cut
 * of a real message is refused inside the cut, or (a cut at an IE
 * boundary, Q.931 has no overall length) decodes to exactly that prefix.
 */
static void test_bad_input(void **state)
{
	static const char *const files[] = {
		"q931-f6-setup.bin", "q931-f18-connect.bin",
		"q931-f65-setup.bin", "q931-f66-releasecomplete.bin",
	};
	struct lk_q931 m;
	uint8_t buf[4096], out[4096];
	size_t len, off, olen, i, cut;

	(void)state;
	memcpy(buf, "\x09\x02\x00\x01\x05", 5);		/* not Q.931 */
	assert_int_equal(lk_q931_decode(&m, buf, 5, &off), EBADMSG);
	assert_int_equal(off, 0);
	memcpy(buf, "\x08\x03\x00\x00\x01\x05", 6);	/* crv of 3 */
	assert_int_equal(lk_q931_decode(&m, buf, 6, &off), EBADMSG);
	assert_int_equal(off, 1);
	memcpy(buf, "\x08\x02\x00\x01\x85", 5);		/* type bit 8 */
	assert_int_equal(lk_q931_decode(&m, buf, 5, &off), EBADMSG);
	assert_int_equal(off, 4);
	memcpy(buf, "\x08\x02\x00\x01\x05\x28\x05" "ab", 9);	/* IE too long */
	assert_int_equal(lk_q931_decode(&m, buf, 9, &off), EBADMSG);
	assert_int_equal(off, 5);
	memcpy(buf, "\x08\x02\x00\x01\x05\x7e\x01", 7);	/* UU length cut */
	assert_int_equal(lk_q931_decode(&m, buf, 7, &off), EBADMSG);
	assert_int_equal(off, 5);
	/* After a locking shift to codeset 6, 0x7e has a one-octet length. */
	memcpy(buf, "\x08\x02\x00\x01\x05\x96\x7e\x01z", 9);
	assert_int_equal(lk_q931_decode(&m, buf, 9, &off), 0);
	assert_int_equal(m.ie[1].codeset, 6);
	assert_null(lk_q931_find(&m, LK_Q931_IE_USER_USER));
	memcpy(buf, "\x08\x02\x00\x01\x05", 5);		/* 33 IEs */
	memset(buf + 5, 0xa1, LK_Q931_IES_MAX + 1);
	assert_int_equal(lk_q931_decode(&m, buf, 5 + LK_Q931_IES_MAX, &off),
			 0);
	assert_int_equal(lk_q931_decode(&m, buf, 6 + LK_Q931_IES_MAX, &off),
			 E2BIG);
	assert_int_equal(lk_q931_set(&m, LK_Q931_IE_DISPLAY,
				     (const uint8_t *)"x", 1), E2BIG);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		len = load(files[i], buf, sizeof(buf)) - LK_TPKT_HDR;
		for (cut = 0; cut < len; cut++) {
			off = SIZE_MAX;
			if (lk_q931_decode(&m, buf + 4, cut, &off)) {
				assert_true(off <= cut);
				continue;
			}
			assert_int_equal(lk_q931_encode(&m, false, out,
							sizeof(out), &olen),
					 0);
			assert_int_equal(olen, cut);
			assert_memory_equal(out, buf + 4, cut);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_roundtrip),
		cmocka_unit_test(test_capture_fields),
		cmocka_unit_test(test_tpkt_framing),
		cmocka_unit_test(test_build_release_complete),
		cmocka_unit_test(test_replace_uu),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
