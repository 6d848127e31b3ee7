/* tests/unit/h323/test_ras.c  H.225.0 RAS: real frames round-trip, builders, rejects. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "h323/ras.h"

#include "capture.h"
#include "randval.h"

static uint8_t arena_mem[1 << 18];

static struct lk_asn_val *decode_file(const char *name,
				      struct lk_asn_arena *ar, uint8_t *buf,
				      size_t *len)
{
	struct lk_asn_val *msg = NULL;
	size_t errbit = 0;
	int err;

	*len = capture_load(name, buf, 4096);
	lk_asn_arena_init(ar, arena_mem, sizeof(arena_mem));
	err = lk_ras_decode(buf, *len, ar, &msg, &errbit);
	if (err)
		print_error("%s: error %d at bit %zu\n", name, err, errbit);
	assert_int_equal(err, 0);
	return msg;
}

/*
 * Every RAS datagram of shared/captures/h323-ndpi.pcap (and the SCI test
 * vector) decodes and encodes back to the very same octets.
 */
static void test_capture_roundtrip(void **state)
{
	(void)state;
	assert_int_equal(capture_roundtrip("ras-", &lk_ras_message, arena_mem,
					   sizeof(arena_mem)), 16);
}

static void test_capture_fields(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *v, *body;
	uint8_t buf[4096];
	char text[256];
	struct sockaddr_in sin;
	uint16_t seq;
	size_t len;

	(void)state;
	/*
	 * Tandberg keep-alive RRQ (frame 71): H.460.18 offered, keepAlive
	 * TRUE, no timeToLive (tshark agrees on all three).
	 */
	msg = decode_file("ras-f71-rrq.bin", &ar, buf, &len);
	assert_string_equal(lk_ras_kind(msg), "registrationRequest");
	body = lk_ras_body(msg);
	assert_int_equal(lk_ras_seqnum(msg, &seq), 0);
	assert_int_equal(seq, 18067);	/* tshark: requestSeqNum 18067 */
	assert_true(lk_ras_has_feature(body, 18));
	v = lk_asn_get(body, "keepAlive");
	assert_non_null(v);
	assert_int_equal(v->u.i, 1);
	assert_null(lk_asn_get(body, "timeToLive"));
	assert_non_null(lk_asn_get(body, "endpointIdentifier"));
	v = lk_asn_get(body, "rasAddress");
	assert_non_null(v);
	assert_int_equal(lk_ras_get_ipv4(&v->u.list.v[0], &sin), 0);
	assert_string_equal(inet_ntoa(sin.sin_addr), "10.47.208.204");
	assert_int_equal(ntohs(sin.sin_port), 1719);
	v = lk_asn_get(body, "terminalAlias");
	assert_non_null(v);
	lk_asn_str_ascii(lk_asn_get(&v->u.list.v[0], "h323-ID"), text,
			 sizeof(text));
	assert_string_equal(text, "20203@am.sol");

	/*
	 * The VCS's RCF to that keep-alive (frame 72): TTL 60, two aliases,
	 * no featureSet (tshark shows the same), three alternate
	 * gatekeepers kept as an opaque extension addition.
	 */
	msg = decode_file("ras-f72-rcf.bin", &ar, buf, &len);
	body = lk_ras_body(msg);
	assert_false(lk_ras_has_feature(body, 18));
	assert_int_equal(lk_asn_get(body, "terminalAlias")->u.list.n, 2);
	assert_non_null(lk_asn_get(body, "alternateGatekeeper"));
	lk_asn_str_ascii(lk_asn_get(body, "endpointIdentifier"), text,
			 sizeof(text));
	assert_string_equal(text, "bd020b80-6d41-11e1-a7fb-0010f30f65a0_17");
	assert_int_equal(lk_asn_get(body, "timeToLive")->u.i, 60);

	/* The call's ARQ (frame 63) and DRQ (frame 69). */
	msg = decode_file("ras-f63-arq.bin", &ar, buf, &len);
	assert_string_equal(lk_ras_kind(msg), "admissionRequest");
	v = lk_asn_get(lk_ras_body(msg), "callIdentifier.guid");
	assert_non_null(v);
	assert_int_equal(v->u.str.len, 16);
	assert_memory_equal(v->u.str.p, "\x00\x40\x91\xfb\x72\x89\xf9\x11"
			    "\x80\x2a\x05\x04\x03\x02\x01\x00", 16);
	msg = decode_file("ras-f69-drq.bin", &ar, buf, &len);
	assert_non_null(lk_asn_get(lk_ras_body(msg),
				   "disengageReason.forcedDrop"));

	/* GRQ (frame 59): dialledDigits alias, iso9797 integrity kept. */
	msg = decode_file("ras-f59-grq.bin", &ar, buf, &len);
	v = lk_asn_get(lk_ras_body(msg), "endpointAlias");
	assert_non_null(v);
	lk_asn_str_ascii(lk_asn_get(&v->u.list.v[0], "dialledDigits"), text,
			 sizeof(text));
	assert_string_equal(text, "5295672");
	assert_non_null(lk_asn_get(lk_ras_body(msg), "integrity"));

	/* The SCI vector of the research notes: seq 1234, feature 18/1. */
	msg = decode_file("ras-sci-vector.bin", &ar, buf, &len);
	assert_string_equal(lk_ras_kind(msg), "serviceControlIndication");
	assert_int_equal(lk_ras_seqnum(msg, &seq), 0);
	assert_int_equal(seq, 1234);
	v = lk_asn_get(lk_ras_body(msg), "genericData");
	assert_non_null(v);
	assert_int_equal(lk_asn_get(&v->u.list.v[0], "id.standard")->u.i, 18);
}

/* Bad input: an error and an offset, never a crash or a read past it. */
static void test_rejects(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	uint8_t buf[4096];
	size_t len, cut, errbit;
	int err;

	(void)state;
	len = capture_load("overflow-ndpi.bin", buf, sizeof(buf));
	assert_int_equal(len, 4);
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	errbit = 0;
	err = lk_ras_decode(buf, len, &ar, &msg, &errbit);
	assert_int_equal(err, EBADMSG);
	assert_true(errbit > 0 && errbit <= len * 8);

	/* Every truncation of a real RRQ is refused inside its length. */
	len = capture_load("ras-f71-rrq.bin", buf, sizeof(buf));
	for (cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, buf, cut);
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		errbit = SIZE_MAX;
		err = lk_ras_decode(copy, cut, &ar, &msg, &errbit);
		assert_int_not_equal(err, 0);
		assert_true(errbit <= cut * 8);
		free(copy);
	}

	/* An arena too small for the tree: ENOMEM, not an overrun. */
	{
		static uint8_t small[256];

		lk_asn_arena_init(&ar, small, sizeof(small));
		err = lk_ras_decode(buf, len, &ar, &msg, &errbit);
		assert_int_equal(err, ENOMEM);
	}
}

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
 * The replies a gatekeeper sends, built from scratch.  Each is checked by
 * decoding it again here, and by tshark in tests/integration/h323_ras_tshark.sh
 * (which runs this program with --pcap).
 */
static size_t build_replies(uint8_t out[][512], size_t *lens,
			    const char **kinds)
{
	static const char *const names[] = { "gatekeeperConfirm",
		"registrationConfirm", "registrationReject",
		"unregistrationConfirm", "admissionConfirm", "admissionReject",
		"disengageConfirm", "gatekeeperReject", "locationReject",
		"bandwidthConfirm" };
	struct sockaddr_in gk = ipv4("127.0.0.1", 1719);
	struct sockaddr_in cs = ipv4("127.0.0.1", 1720);
	struct lk_asn_arena ar;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct lk_asn_val *msg, *body, *v;
		uint16_t seq = (uint16_t)(100 + i);

		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		msg = lk_ras_new(&ar, names[i], seq, &body);
		assert_non_null(msg);
		switch (i) {
		case 0:	/* GCF: gatekeeperIdentifier, rasAddress, H.460.18 */
			assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
				body, "gatekeeperIdentifier"), "latchkey"), 0);
			assert_int_equal(lk_ras_set_ipv4(&ar, lk_asn_set(&ar,
				body, "rasAddress"), &gk), 0);
			assert_int_equal(lk_ras_add_feature(&ar, body,
				"supportedFeatures", 18), 0);
			break;
		case 1:	/* RCF: TTL 1800, endpointIdentifier, H.460.18 */
			v = lk_asn_set(&ar, body, "callSignalAddress");
			assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
			assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0],
							 &cs), 0);
			v = lk_asn_set(&ar, body, "terminalAlias");
			assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
			assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
				&v->u.list.v[0], "h323-ID"), "alice"), 0);
			assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
				body, "gatekeeperIdentifier"), "latchkey"), 0);
			assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
				body, "endpointIdentifier"), "ep-1"), 0);
			lk_asn_set(&ar, body, "timeToLive")->u.i = 1800;
			assert_int_equal(lk_ras_add_feature(&ar, body,
				"supportedFeatures", 18), 0);
			break;
		case 2:	/* RRJ duplicateAlias [dialledDigits 1234] */
			v = lk_asn_set(&ar, body, "rejectReason");
			v = lk_asn_set(&ar, v, "duplicateAlias");
			assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
			assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
				&v->u.list.v[0], "dialledDigits"), "1234"), 0);
			break;
		case 3:	/* UCF: nothing but the sequence number */
			break;
		case 4:	/* ACF routed through the gatekeeper's 1720 */
			lk_asn_set(&ar, body, "bandWidth")->u.i = 1280;
			lk_asn_set(&ar, lk_asn_set(&ar, body, "callModel"),
				   "gatekeeperRouted");
			assert_int_equal(lk_ras_set_ipv4(&ar, lk_asn_set(&ar,
				body, "destCallSignalAddress"), &cs), 0);
			lk_asn_set(&ar, body, "irrFrequency")->u.i = 120;
			v = lk_asn_set(&ar, body, "uuiesRequested");
			assert_non_null(v);
			for (size_t k = 0; k < v->type->nroot; k++)
				v->u.list.v[k].present = true;
			break;
		case 5:	/* ARJ callerNotRegistered */
			lk_asn_set(&ar, lk_asn_set(&ar, body, "rejectReason"),
				   "callerNotRegistered");
			break;
		case 6:	/* DCF */
			break;
		case 7:	/* GRJ securityDenial: an extension alternative */
			lk_asn_set(&ar, lk_asn_set(&ar, body, "rejectReason"),
				   "securityDenial");
			break;
		case 8:	/* LRJ notRegistered */
			lk_asn_set(&ar, lk_asn_set(&ar, body, "rejectReason"),
				   "notRegistered");
			break;
		case 9:	/* BCF */
			lk_asn_set(&ar, body, "bandWidth")->u.i = 640;
			break;
		}
		assert_int_equal(lk_ras_encode(msg, out[i], 512, &lens[i]), 0);
		kinds[i] = names[i];
	}
	return i;
}

static void test_builders(void **state)
{
	uint8_t out[16][512], again[512];
	size_t lens[16], n, i, len2, errbit;
	const char *kinds[16];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	uint16_t seq;

	(void)state;
	n = build_replies(out, lens, kinds);
	for (i = 0; i < n; i++) {
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		assert_int_equal(lk_ras_decode(out[i], lens[i], &ar, &msg,
					       &errbit), 0);
		assert_string_equal(lk_ras_kind(msg), kinds[i]);
		assert_int_equal(lk_ras_seqnum(msg, &seq), 0);
		assert_int_equal(seq, 100 + i);
		assert_int_equal(lk_ras_encode(msg, again, sizeof(again),
					       &len2), 0);
		assert_int_equal(len2, lens[i]);
		assert_memory_equal(again, out[i], len2);
	}
	/* The RCF carries what was set. */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_ras_decode(out[1], lens[1], &ar, &msg, &errbit), 0);
	assert_int_equal(lk_asn_get(lk_ras_body(msg), "timeToLive")->u.i, 1800);
	assert_true(lk_ras_has_feature(lk_ras_body(msg), 18));
	/* A missing mandatory root component is refused by the encoder. */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	msg = lk_ras_new(&ar, "admissionConfirm", 7, NULL);
	assert_int_equal(lk_ras_encode(msg, again, sizeof(again), &len2),
			 EINVAL);
	/* Sequence number 0 is outside RequestSeqNum (1..65535). */
	assert_null(lk_ras_new(&ar, "unregistrationConfirm", 0, NULL));
}

/* libpcap file of UDP datagrams 127.0.0.1:1719 -> 127.0.0.1:1719. */
static int write_pcap(const char *path)
{
	uint32_t lo = htonl(0x7f000001);
	uint16_t port = htons(1719);
	uint8_t out[16][512];
	size_t lens[16], n, i;
	const char *kinds[16];
	FILE *f;

	n = build_replies(out, lens, kinds);
	f = capture_pcap_open(path);
	if (!f)
		return 1;
	for (i = 0; i < n; i++) {
		capture_pcap_udp(f, (uint32_t)i, lo, port, lo, port, out[i],
				 lens[i]);
		printf("%zu %s\n", i + 1, kinds[i]);
	}
	return fclose(f) ? 1 : 0;
}

/*
 * --random N SEED PCAP: N random RAS messages drawn from the type tables
 * (randval.h), each checked to round-trip, as UDP to 1719 for tshark
 * (tests/integration/h323_ras_tshark.sh), which judges the tables by its
 * own H.225.0 module.
 */
static int write_random(unsigned count, uint64_t seed, const char *path)
{
	static uint8_t mem2[1 << 18];
	uint32_t lo = htonl(0x7f000001);
	uint16_t port = htons(1719);
	uint8_t out[4096], again[4096];
	unsigned made = 0, tries = 0;
	size_t len, len2;
	FILE *f;

	rng_state = seed ? seed : 1;
	f = capture_pcap_open(path);
	if (!f)
		return 1;
	while (made < count) {
		struct lk_asn_arena ar, ar2;
		struct lk_asn_val *m, *back;

		if (++tries > count * 20)
			return 1;
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		m = lk_asn_new(&ar, &lk_ras_message);
		if (!m || gen(&ar, m, 0) ||
		    lk_ras_encode(m, out, sizeof(out), &len))
			continue;
		lk_asn_arena_init(&ar2, mem2, sizeof(mem2));
		if (lk_ras_decode(out, len, &ar2, &back, NULL) ||
		    lk_ras_encode(back, again, sizeof(again), &len2) ||
		    len2 != len || memcmp(again, out, len)) {
			fprintf(stderr, "random message %u (%s) does not "
				"round-trip\n", made, lk_ras_kind(m));
			return 1;
		}
		capture_pcap_udp(f, made, lo, port, lo, port, out, len);
		printf("%u %s\n", made + 1, lk_ras_kind(m));
		made++;
	}
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_roundtrip),
		cmocka_unit_test(test_capture_fields),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_builders),
	};

	if (argc == 3 && !strcmp(argv[1], "--pcap"))
		return write_pcap(argv[2]);
	if (argc == 5 && !strcmp(argv[1], "--random"))
		return write_random((unsigned)atoi(argv[2]),
				    strtoull(argv[3], NULL, 10), argv[4]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
