/* tests/unit/h323/test_h460.c  H.460.18: the SCI test vector, IncomingCallIndication, the Facility's callIdentifier, SCI repeats. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <re.h>

#include "h323/h225.h"
#include "h323/h460.h"
#include "h323/ras.h"

#include "capture.h"

static uint8_t arena_mem[1 << 17];

static const uint8_t vec_guid[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

static struct sockaddr_in ipv4(const char *a, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, a, &sin.sin_addr);
	return sin;
}

/*
 * The research notes' SCI (seq 1234, ICI 192.0.2.10:1720, GUID 10..1f),
 * which tshark decodes in shared/captures/sci1719.pcap: built octet for
 * octet, and read back.
 */
static void test_sci_vector(void **state)
{
	struct sockaddr_in csa = ipv4("192.0.2.10", 1720), got;
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	uint8_t vec[256], out[256], id[16];
	size_t vlen, len, errbit = 0;

	(void)state;
	vlen = capture_load("ras-sci-vector.bin", vec, sizeof(vec));
	assert_int_equal(lk_h46018_sci_encode(1234, &csa, vec_guid, out,
					      sizeof(out), &len), 0);
	assert_int_equal(len, vlen);
	assert_memory_equal(out, vec, vlen);

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_ras_decode(vec, vlen, &ar, &msg, &errbit), 0);
	assert_int_equal(lk_h46018_sci_incoming(lk_ras_body(msg), &got, id),
			 0);
	assert_int_equal(got.sin_addr.s_addr, csa.sin_addr.s_addr);
	assert_int_equal(got.sin_port, csa.sin_port);
	assert_memory_equal(id, vec_guid, 16);

	/* Sequence number 0 does not exist (RequestSeqNum 1..65535). */
	assert_int_equal(lk_h46018_sci_encode(0, &csa, vec_guid, out,
					      sizeof(out), &len), EINVAL);
	assert_int_equal(lk_h46018_sci_encode(1, &csa, vec_guid, out, 10,
					      &len), ENOSPC);
}

/* Bad IncomingCallIndication octets: EBADMSG, never a crash. */
static void test_ici_bad(void **state)
{
	struct sockaddr_in csa = ipv4("192.0.2.10", 1720), got;
	uint8_t ici[64], id[16];
	size_t len, cut;

	(void)state;
	assert_int_equal(lk_h46018_ici_encode(&csa, vec_guid, ici,
					      sizeof(ici), &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(lk_h46018_ici_decode(ici, len, &got, id), 0);
	for (cut = 0; cut < len; cut++)
		assert_int_equal(lk_h46018_ici_decode(ici, cut, &got, id),
				 EBADMSG);
	/* An ip6Address is no IPv4 address to connect to. */
	ici[0] = 0x18;
	assert_int_equal(lk_h46018_ici_decode(ici, len, &got, id), EBADMSG);
}

/* A Facility's callIdentifier; any other message has none to give. */
static void test_facility(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v;
	uint8_t id[16];

	(void)state;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	uu = lk_h225_uu_new(&ar, "facility", &body);
	assert_non_null(uu);
	lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"), "undefinedReason");
	v = lk_asn_set(&ar, lk_asn_set(&ar, body, "callIdentifier"), "guid");
	assert_int_equal(lk_asn_set_octets(&ar, v, vec_guid, 16), 0);
	assert_int_equal(lk_h46018_facility_callid(uu, id), 0);
	assert_memory_equal(id, vec_guid, 16);

	uu = lk_h225_uu_new(&ar, "alerting", &body);
	assert_int_equal(lk_h46018_facility_callid(uu, id), ENOENT);
}

/* At most one SCI per call; repeated without SCR, LK_H46018_SCI_RETRIES times. */
static void test_sci_table(void **state)
{
	static struct lk_h46018_scis t;
	struct sockaddr_in to = ipv4("203.0.113.5", 40000);
	struct sockaddr_in other = ipv4("203.0.113.5", 40001);
	struct sockaddr_in csa = ipv4("192.0.2.10", 1720);
	struct lk_h46018_sci *e;
	uint8_t id2[16];
	int err;

	(void)state;
	memset(&t, 0, sizeof(t));
	e = lk_h46018_sci_add(&t, &to, &csa, vec_guid, 7, 0, &err);
	assert_non_null(e);
	assert_int_equal(err, 0);
	assert_int_equal(lk_h46018_sci_add(&t, &to, &csa, vec_guid, 8, 10,
					   &err), e);
	assert_int_equal(err, EALREADY);
	assert_int_equal(e->seq, 7);

	/* Nothing due before 3 s; then the same seq again, twice, no more. */
	assert_null(lk_h46018_sci_due(&t, 2999));
	e = lk_h46018_sci_due(&t, 3000);
	assert_non_null(e);
	assert_int_equal(e->seq, 7);
	assert_null(lk_h46018_sci_due(&t, 3001));
	assert_non_null(lk_h46018_sci_due(&t, 6000));
	assert_null(lk_h46018_sci_due(&t, 9000));
	assert_null(lk_h46018_sci_due(&t, 12000));
	assert_int_equal(t.retransmits, 2);
	assert_int_equal(t.unanswered, 1);
	lk_h46018_sci_cancel(&t, vec_guid);

	/* An SCR stops the repeats; one from elsewhere does not. */
	memcpy(id2, vec_guid, 16);
	id2[15] ^= 1;
	assert_non_null(lk_h46018_sci_add(&t, &to, &csa, id2, 9, 20000,
					  &err));
	assert_false(lk_h46018_sci_answer(&t, 9, &other));
	assert_false(lk_h46018_sci_answer(&t, 10, &to));
	assert_true(lk_h46018_sci_answer(&t, 9, &to));
	assert_null(lk_h46018_sci_due(&t, 23000));
	assert_int_equal(t.answered, 1);
	assert_int_equal(t.unknown_scr, 2);
	/* Forgotten after LK_H46018_SCI_KEEP_MS. */
	assert_null(lk_h46018_sci_due(&t, 20000 + LK_H46018_SCI_KEEP_MS));
	assert_non_null(lk_h46018_sci_add(&t, &to, &csa, id2, 11, 90000,
					  &err));
	assert_int_equal(err, 0);
}

/* The H.245 connectionCorrelation of an endpoint's 2777 connection. */
static void test_correlation(void **state)
{
	uint8_t pdu[256], id[16];
	size_t len, cut;

	(void)state;
	assert_int_equal(lk_h46018_correlation_encode(vec_guid, true, pdu,
						      sizeof(pdu), &len), 0);
	assert_int_equal(lk_h46018_correlation(pdu, len, id), 0);
	assert_memory_equal(id, vec_guid, 16);
	assert_int_equal(lk_h46018_correlation_encode(vec_guid, false, pdu,
						      sizeof(pdu), &len), 0);
	memset(id, 0, sizeof(id));
	assert_int_equal(lk_h46018_correlation(pdu, len, id), 0);
	assert_memory_equal(id, vec_guid, 16);
	for (cut = 0; cut < len; cut++)
		assert_int_not_equal(lk_h46018_correlation(pdu, cut, id), 0);
	/* Another generic indication (H.460.19's OID): not ours. */
	pdu[6] ^= 0x01;
	assert_int_not_equal(lk_h46018_correlation(pdu, len, id), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sci_vector),
		cmocka_unit_test(test_ici_bad),
		cmocka_unit_test(test_facility),
		cmocka_unit_test(test_sci_table),
		cmocka_unit_test(test_correlation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
