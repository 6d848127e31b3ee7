/* tests/unit/h323/test_h245.c  H.245 of a real call: byte-exact round trips, and media addresses rewritten in OLC/OLCAck, fastStart and tunnelled H.245. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "h323/h225.h"
#include "h323/h245.h"

#include "capture.h"
#include "randval.h"

static uint8_t arena_mem[LK_H245_ARENA];

/*
 * Every H.245 message of h323-ndpi.pcap (frames 25-42 on TCP 1232: two
 * TerminalCapabilitySets, two MasterSlaveDeterminations and their acks,
 * two OpenLogicalChannels and two OpenLogicalChannelAcks; frame 32 holds
 * two TPKTs), without the TPKT header, in tests/data/h323/h245-*.bin.
 */
static void test_capture_roundtrip(void **state)
{
	static const char *const names[] = { "h245-f25.bin", "h245-f27.bin",
		"h245-f32a.bin", "h245-f32b.bin", "h245-f38.bin",
		"h245-f42.bin" };
	struct lk_asn_arena ar;
	struct lk_asn_val *m;
	uint8_t in[512];
	const char *kind;
	size_t i, len, errbit;

	(void)state;
	assert_int_equal(capture_roundtrip("h245-", &lk_h245_message,
					   arena_mem, sizeof(arena_mem)), 12);
	/* The kind from the first bits is the decoded message's. */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = capture_load(names[i], in, sizeof(in));
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		assert_int_equal(lk_h245_decode(in, len, &ar, &m, &errbit), 0);
		assert_int_equal(lk_h245_peek(in, len, &kind), 0);
		assert_string_equal(kind, lk_h245_kind(m));
	}
}

static struct lk_asn_val *decode(const char *name, struct lk_asn_arena *ar)
{
	struct lk_asn_val *msg = NULL;
	uint8_t buf[4096];
	size_t len, errbit;

	len = capture_load(name, buf, sizeof(buf));
	lk_asn_arena_init(ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_decode(buf, len, ar, &msg, &errbit), 0);
	return msg;
}

static void ta_is(const struct lk_asn_val *ta, const char *ip, int port)
{
	struct lk_asn_val *n, *p;
	char s[INET_ADDRSTRLEN];

	n = lk_asn_get(ta, "unicastAddress.iPAddress.network");
	p = lk_asn_get(ta, "unicastAddress.iPAddress.tsapIdentifier");
	assert_non_null(n);
	assert_non_null(p);
	assert_non_null(inet_ntop(AF_INET, n->u.str.p, s, sizeof(s)));
	assert_string_equal(s, ip);
	assert_int_equal(p->u.i, port);
}

/* Field values as tshark reads the same frames. */
static void test_capture_fields(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *m, *v;

	(void)state;
	m = decode("h245-f25.bin", &ar);
	assert_string_equal(lk_h245_kind(m), "terminalCapabilitySet");
	v = lk_asn_get(m, "request.terminalCapabilitySet.capabilityTable");
	assert_non_null(v);
	assert_int_equal(v->u.list.n, 1);
	assert_int_equal(lk_asn_get(&v->u.list.v[0],
			 "capabilityTableEntryNumber")->u.i, 7110);
	assert_int_equal(lk_asn_get(&v->u.list.v[0],
			 "capability.receiveAudioCapability.g711Alaw64k")->u.i,
			 30);

	m = decode("h245-f29.bin", &ar);
	v = lk_asn_get(m, "request.terminalCapabilitySet.multiplexCapability"
		       ".h2250Capability");
	assert_non_null(v);
	assert_int_equal(lk_asn_get(v, "maximumAudioDelayJitter")->u.i, 50);
	assert_int_equal(lk_asn_get(v, "t120DynamicPortCapability")->u.i, 1);

	m = decode("h245-f27.bin", &ar);
	assert_string_equal(lk_h245_kind(m), "masterSlaveDetermination");
	m = decode("h245-f32b.bin", &ar);
	assert_string_equal(lk_h245_kind(m), "masterSlaveDeterminationAck");
	assert_non_null(lk_asn_get(m, "response.masterSlaveDeterminationAck"
				   ".decision.slave"));

	m = decode("h245-f38.bin", &ar);
	v = lk_asn_get(m, "request.openLogicalChannel");
	assert_int_equal(lk_asn_get(v, "forwardLogicalChannelNumber")->u.i,
			 101);
	v = lk_asn_get(v, "forwardLogicalChannelParameters");
	assert_int_equal(lk_asn_get(v, "dataType.audioData.g711Alaw64k")->u.i,
			 30);
	v = lk_asn_get(v, "multiplexParameters.h2250LogicalChannelParameters");
	assert_int_equal(lk_asn_get(v, "sessionID")->u.i, 1);
	assert_null(lk_asn_get(v, "mediaChannel"));
	ta_is(lk_asn_get(v, "mediaControlChannel"), "10.1.3.143", 5001);

	m = decode("h245-f41.bin", &ar);
	v = lk_asn_get(m, "response.openLogicalChannelAck");
	assert_int_equal(lk_asn_get(v, "forwardLogicalChannelNumber")->u.i,
			 61);
	v = lk_asn_get(v, "forwardMultiplexAckParameters"
		       ".h2250LogicalChannelAckParameters");
	ta_is(lk_asn_get(v, "mediaChannel"), "10.1.3.143", 5000);
	ta_is(lk_asn_get(v, "mediaControlChannel"), "10.1.3.143", 5001);
	assert_int_equal(lk_asn_get(v, "flowControlToZero")->u.i, 0);
}

struct seen {
	struct lk_h245_addr a[8];
	unsigned n;
	bool rewrite;
};

/*
 * The test's relay: RTP to 127.0.0.1:40000, RTCP to :40001 (+10 for a
 * reverse channel; 127.0.0.2 in an ack; :41720 for h245Address).
 */
static int record(struct lk_h245_addr *a, void *arg)
{
	struct seen *s = arg;
	uint16_t port;

	if (s->n < 8)
		s->a[s->n] = *a;
	s->n++;
	if (!s->rewrite)
		return 0;
	port = a->kind == LK_H245_CONTROL ? 41720 :
	       a->kind == LK_H245_MEDIA ? 40000 : 40001;
	if (a->reverse)
		port += 10;
	a->addr.sin_addr.s_addr = htonl(a->ack ? 0x7f000002 : 0x7f000001);
	a->addr.sin_port = htons(port);
	return 0;
}

static void test_rewrite(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *m, *v;
	struct seen s;
	uint8_t in[512], out[512];
	size_t len, olen, errbit;

	(void)state;
	/* A handler that changes nothing: the octets come back as they were. */
	memset(&s, 0, sizeof(s));
	len = capture_load("h245-f41.bin", in, sizeof(in));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     out, sizeof(out), &olen), 0);
	assert_int_equal(olen, len);
	assert_memory_equal(in, out, len);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.a[0].kind, LK_H245_MEDIA);
	assert_true(s.a[0].ack);
	assert_false(s.a[0].reverse);
	assert_int_equal(s.a[0].channel, 61);
	assert_int_equal(s.a[0].session, 1);
	assert_string_equal(s.a[0].msg, "openLogicalChannelAck");
	assert_int_equal(ntohs(s.a[0].addr.sin_port), 5000);
	assert_int_equal(s.a[1].kind, LK_H245_MEDIA_CONTROL);
	assert_int_equal(ntohs(s.a[1].addr.sin_port), 5001);

	/* Rewritten in place: the OLCAck now names the relay. */
	memset(&s, 0, sizeof(s));
	s.rewrite = true;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     in, sizeof(in), &olen), 0);
	assert_int_equal(olen, len);	/* fixed-size fields */
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_decode(in, olen, &ar, &m, &errbit), 0);
	v = lk_asn_get(m, "response.openLogicalChannelAck"
		       ".forwardMultiplexAckParameters"
		       ".h2250LogicalChannelAckParameters");
	ta_is(lk_asn_get(v, "mediaChannel"), "127.0.0.2", 40000);
	ta_is(lk_asn_get(v, "mediaControlChannel"), "127.0.0.2", 40001);
	assert_int_equal(lk_asn_get(v, "sessionID")->u.i, 1);

	/* The OLC: RTCP only, audio, channel 101. */
	memset(&s, 0, sizeof(s));
	s.rewrite = true;
	len = capture_load("h245-f38.bin", in, sizeof(in));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     out, sizeof(out), &olen), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.a[0].kind, LK_H245_MEDIA_CONTROL);
	assert_false(s.a[0].ack);
	assert_int_equal(s.a[0].channel, 101);
	assert_string_equal(s.a[0].media, "audio");
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_decode(out, olen, &ar, &m, &errbit), 0);
	ta_is(lk_asn_get(m, "request.openLogicalChannel"
			 ".forwardLogicalChannelParameters.multiplexParameters"
			 ".h2250LogicalChannelParameters.mediaControlChannel"),
	      "127.0.0.1", 40001);

	/* Messages without media addresses: no call, same octets. */
	memset(&s, 0, sizeof(s));
	len = capture_load("h245-f29.bin", in, sizeof(in));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     out, sizeof(out), &olen), 0);
	assert_int_equal(s.n, 0);
	assert_memory_equal(in, out, len);

	/* Too small an output buffer. */
	len = capture_load("h245-f42.bin", in, sizeof(in));
	s.rewrite = true;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     out, 8, &olen), ENOSPC);
}

static int stop(struct lk_h245_addr *a, void *arg)
{
	(void)a;
	(void)arg;
	return ECANCELED;
}

static void test_rejects(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *m;
	struct seen s;
	uint8_t in[512], out[512];
	size_t len, olen, errbit, cut;
	const char *kind;

	(void)state;
	/* Every truncation of an OLCAck is refused inside the cut. */
	len = capture_load("h245-f42.bin", in, sizeof(in));
	for (cut = 0; cut < len; cut++) {
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		errbit = SIZE_MAX;
		assert_int_not_equal(lk_h245_decode(in, cut, &ar, &m, &errbit),
				     0);
		assert_true(errbit <= cut * 8);
	}
	/* The handler's error stops the walk and comes back. */
	memset(&s, 0, sizeof(s));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, stop, &s,
					     out, sizeof(out), &olen),
			 ECANCELED);
	/* Too small an arena. */
	lk_asn_arena_init(&ar, arena_mem, 64);
	assert_int_equal(lk_h245_decode(in, len, &ar, &m, &errbit), ENOMEM);

	/*
	 * Frame 29's TCS with its multiplexCapability turned from the
	 * h2250Capability extension alternative (0x80: extension bit, index
	 * 0) into the root alternative h223Capability (0x40), which is not
	 * transcribed: ENOTSUP, and the caller passes the message on.
	 */
	len = capture_load("h245-f29.bin", in, sizeof(in));
	assert_int_equal(in[10], 0x80);
	in[10] = 0x40;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_decode(in, len, &ar, &m, &errbit), ENOTSUP);
	assert_int_equal(errbit, 10 * 8 + 3);
	/* Its kind is still known: not one that carries media addresses. */
	assert_int_equal(lk_h245_peek(in, len, &kind), 0);
	assert_string_equal(kind, "terminalCapabilitySet");
	assert_int_equal(lk_h245_peek(in, 0, &kind), EBADMSG);
	assert_int_equal(lk_h245_peek((const uint8_t *)"\x00", 0, &kind),
			 EBADMSG);
	/* A fifth message class (libFuzzer's a7 00): "?" both ways. */
	assert_int_equal(lk_h245_peek((const uint8_t *)"\xa7\x00", 2, &kind),
			 0);
	assert_string_equal(kind, "?");
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_decode((const uint8_t *)"\xa7\x00", 2, &ar,
					&m, &errbit), 0);
	assert_string_equal(lk_h245_kind(m), "?");
	/* request, extension alternative 40: newer than the tables. */
	assert_int_equal(lk_h245_peek((const uint8_t *)"\x15\x00", 2,
				      &kind), 0);
	assert_string_equal(kind, "?");
	/* request, extension alternative 4: genericRequest. */
	assert_int_equal(lk_h245_peek((const uint8_t *)"\x10\x80", 2,
				      &kind), 0);
	assert_string_equal(kind, "genericRequest");
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h245_media_addrs(&ar, false, in, len, record, &s,
					     out, sizeof(out), &olen),
			 ENOTSUP);
}

/* The OpenLogicalChannel of frame 38 on its own, as fastStart holds it. */
static size_t olc_alone(const char *name, uint8_t *out, size_t cap)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *m;
	size_t len;

	m = decode(name, &ar);
	assert_int_equal(lk_asn_encode(lk_asn_get(m,
		"request.openLogicalChannel"), out, cap, &len), 0);
	return len;
}

static void test_uu(void **state)
{
	static uint8_t arena2[LK_H245_ARENA];
	struct lk_asn_arena ar, ar2;
	struct lk_asn_val *uu, *v, *m;
	struct seen s;
	uint8_t buf[4096], olc[256], ack[256], out[4096];
	size_t len, olen, olclen, acklen, errbit;
	unsigned changed = 0;

	(void)state;
	/* Frame 18, Connect: h245Address 10.1.6.18:1232. */
	len = capture_load("uu-f18-mt07.bin", buf, sizeof(buf));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar, &uu, &errbit), 0);
	memset(&s, 0, sizeof(s));
	s.rewrite = true;
	assert_int_equal(lk_h225_uu_media_addrs(&ar, uu, record, &s,
						&changed), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(changed, 1);
	assert_int_equal(s.a[0].kind, LK_H245_CONTROL);
	assert_string_equal(s.a[0].msg, "connect");
	assert_int_equal(ntohs(s.a[0].addr.sin_port), 1232);
	assert_int_equal(lk_h225_uu_encode(uu, out, sizeof(out), &olen), 0);
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h225_uu_decode(out, olen, &ar, &uu, &errbit), 0);
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.connect"
		       ".h245Address.ipAddress.port");
	assert_non_null(v);
	assert_int_equal(v->u.i, 41720);

	/*
	 * Frame 6's Setup with fastStart = [frame 38's OLC] and h245Control
	 * = [frame 41's OLCAck] added: both rewritten inside their octets.
	 */
	olclen = olc_alone("h245-f38.bin", olc, sizeof(olc));
	acklen = capture_load("h245-f41.bin", ack, sizeof(ack));
	len = capture_load("uu-f6-mt05.bin", buf, sizeof(buf));
	lk_asn_arena_init(&ar2, arena2, sizeof(arena2));
	assert_int_equal(lk_h225_uu_decode(buf, len, &ar2, &uu, &errbit), 0);
	v = lk_asn_set(&ar2, lk_asn_get(uu, "h323-uu-pdu.h323-message-body"
					".setup"), "fastStart");
	assert_non_null(v);
	assert_int_equal(lk_asn_seqof_resize(&ar2, v, 1), 0);
	assert_int_equal(lk_asn_set_octets(&ar2, &v->u.list.v[0], olc,
					   olclen), 0);
	v = lk_asn_set(&ar2, lk_asn_get(uu, "h323-uu-pdu"), "h245Control");
	assert_non_null(v);
	assert_int_equal(lk_asn_seqof_resize(&ar2, v, 2), 0);
	assert_int_equal(lk_asn_set_octets(&ar2, &v->u.list.v[0], ack,
					   acklen), 0);
	/* An element that does not decode is left alone, and said. */
	assert_int_equal(lk_asn_set_octets(&ar2, &v->u.list.v[1], "\x7f", 1),
			 0);
	memset(&s, 0, sizeof(s));
	s.rewrite = true;
	assert_int_not_equal(lk_h225_uu_media_addrs(&ar2, uu, record, &s,
						    &changed), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(changed, 3);
	assert_true(s.a[0].fast_start);
	assert_int_equal(s.a[0].channel, 101);
	assert_true(s.a[1].tunnelled);
	assert_true(s.a[1].ack);
	assert_int_equal(lk_h225_uu_encode(uu, out, sizeof(out), &olen), 0);

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_h225_uu_decode(out, olen, &ar, &uu, &errbit), 0);
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup.fastStart");
	assert_int_equal(v->u.list.n, 1);
	assert_int_equal(lk_h245_olc_decode(v->u.list.v[0].u.str.p,
					    v->u.list.v[0].u.str.len, &ar, &m,
					    &errbit), 0);
	ta_is(lk_asn_get(m, "forwardLogicalChannelParameters"
			 ".multiplexParameters.h2250LogicalChannelParameters"
			 ".mediaControlChannel"), "127.0.0.1", 40001);
	v = lk_asn_get(uu, "h323-uu-pdu.h245Control");
	assert_int_equal(v->u.list.n, 2);
	assert_int_equal(v->u.list.v[1].u.str.len, 1);
	assert_int_equal(lk_h245_decode(v->u.list.v[0].u.str.p,
					v->u.list.v[0].u.str.len, &ar, &m,
					&errbit), 0);
	ta_is(lk_asn_get(m, "response.openLogicalChannelAck"
			 ".forwardMultiplexAckParameters"
			 ".h2250LogicalChannelAckParameters.mediaChannel"),
	      "127.0.0.2", 40000);
}

/*
 * For tests/integration/h323_h245_tshark.sh: the capture's OLCs and
 * OLCAcks (frames 38, 39, 41, 42) with the test relay's addresses, each
 * in a TPKT, as a text2pcap hex dump (one packet per offset 0000).
 */
static int dump_rewritten(void)
{
	static const char *const names[] = { "h245-f38.bin", "h245-f39.bin",
		"h245-f41.bin", "h245-f42.bin" };
	struct lk_asn_arena ar;
	uint8_t in[512], out[520];
	size_t i, len, olen;
	struct seen s;

	for (i = 0; i < 4; i++) {
		memset(&s, 0, sizeof(s));
		s.rewrite = true;
		len = capture_load(names[i], in, sizeof(in));
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		if (lk_h245_media_addrs(&ar, false, in, len, record, &s,
					out + 4, sizeof(out) - 4, &olen))
			return 1;
		capture_print_tpkt(out, olen);
	}
	return 0;
}

/*
 * --random N SEED: N random H.245 messages built from the type tables
 * (every transcribed member and alternative can be drawn; opaque and
 * untranscribed ones never are), each checked to decode and re-encode to
 * itself, printed as TPKTs for text2pcap.  tshark, which has the module
 * from the ITU's ASN.1 and not from these tables, then decodes them
 * (tests/integration/h323_h245_tshark.sh): a member transcribed in the
 * wrong place, with the wrong bounds or optionality shows up as
 * Malformed or UNKNOWN PER there.
 */
static int dump_random(unsigned count, uint64_t seed)
{
	struct lk_asn_arena ar, ar2;
	static uint8_t arena2[LK_H245_ARENA];
	uint8_t out[8192], again[8192];
	size_t len, len2, errbit;
	unsigned made = 0, tries = 0;

	rng_state = seed ? seed : 1;
	while (made < count) {
		struct lk_asn_val *m, *back;

		if (++tries > count * 20)
			return 1;
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		m = lk_asn_new(&ar, &lk_h245_message);
		if (!m)
			return 1;
		/* Two in three are the messages with the deep types. */
		if (made % 3 != 2) {
			static const char *const focus[][2] = {
				{ "request", "terminalCapabilitySet" },
				{ "request", "openLogicalChannel" },
				{ "response", "openLogicalChannelAck" },
			};
			const char *const *f = focus[pick(3)];
			struct lk_asn_val *c = lk_asn_set(&ar, m, f[0]);

			c = c ? lk_asn_set(&ar, c, f[1]) : NULL;
			if (!c || gen(&ar, c, 2))
				continue;
		} else if (gen(&ar, m, 0)) {
			continue;
		}
		if (lk_h245_encode(m, out + 4, sizeof(out) - 4, &len))
			continue;
		lk_asn_arena_init(&ar2, arena2, sizeof(arena2));
		if (lk_h245_decode(out + 4, len, &ar2, &back, &errbit) ||
		    lk_h245_encode(back, again, sizeof(again), &len2) ||
		    len2 != len || memcmp(again, out + 4, len)) {
			fprintf(stderr, "random message %u (%s) does not "
				"round-trip\n", made, lk_h245_kind(m));
			return 1;
		}
		capture_print_tpkt(out, len);
		fprintf(stderr, "%u %s\n", made + 1, lk_h245_kind(m));
		made++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_roundtrip),
		cmocka_unit_test(test_capture_fields),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_uu),
	};

	if (argc == 2 && !strcmp(argv[1], "--dump"))
		return dump_rewritten();
	if (argc == 4 && !strcmp(argv[1], "--random"))
		return dump_random((unsigned)atoi(argv[2]),
				   strtoull(argv[3], NULL, 10));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
