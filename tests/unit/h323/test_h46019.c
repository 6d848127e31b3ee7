/* tests/unit/h323/test_h46019.c  H.460.19: TraversalParameters octet for octet, in OLC/OLCAck genericInformation, feature 19 in RAS and UU-PDU bodies. */
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

#include <cmocka.h>

#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/h46019.h"
#include "h323/ras.h"

#include "capture.h"

static uint8_t arena_mem[1 << 17];

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
 * What a server tells a multiplexing client in an OLC: mux RTP/RTCP
 * 192.0.2.1:36000/36001, multiplexID 1234, keepAliveChannel
 * 192.0.2.1:36000, keepAliveInterval 19.
 */
static struct lk_h46019_tp server_tp(void)
{
	struct lk_h46019_tp tp;

	memset(&tp, 0, sizeof(tp));
	tp.has_mux_media = tp.has_mux_control = tp.has_mux_id = true;
	tp.has_ka_channel = tp.has_ka_interval = true;
	tp.mux_media = ipv4("192.0.2.1", 36000);
	tp.mux_control = ipv4("192.0.2.1", 36001);
	tp.mux_id = 1234;
	tp.ka_channel = ipv4("192.0.2.1", 36000);
	tp.ka_interval = 19;
	return tp;
}

/*
 * Worked by hand from X.691 (aligned): extension bit 0 and six presence
 * bits 1111 0 1; each H.245 TransportAddress is CHOICE bits 00 (root,
 * unicastAddress) 0000 (root, iPAddress) 0 (no extension), then the 4
 * network octets aligned and the port as two aligned octets; multiplexID
 * (range 2^32) a 2-bit octet count and the octets aligned;
 * keepAliveInterval (1..2^32-1) likewise.  tshark 4.0 decodes the same
 * octets as h460.19.* (tests/integration/h46019_tshark.sh).
 */
static const uint8_t server_vec[] = {
	0x7a, 0x00, 0xc0, 0x00, 0x02, 0x01, 0x8c, 0xa0,
	0x00, 0xc0, 0x00, 0x02, 0x01, 0x8c, 0xa1,
	0x40, 0x04, 0xd2,
	0x00, 0xc0, 0x00, 0x02, 0x01, 0x8c, 0xa0,
	0x00, 0x12,
};

static void test_tp_vector(void **state)
{
	struct lk_h46019_tp tp = server_tp(), got;
	uint8_t out[128];
	size_t len;

	(void)state;
	assert_int_equal(lk_h46019_tp_encode(&tp, out, sizeof(out), &len), 0);
	assert_int_equal(len, sizeof(server_vec));
	assert_memory_equal(out, server_vec, len);
	assert_int_equal(lk_h46019_tp_decode(out, len, &got), 0);
	assert_true(got.has_mux_media && got.has_mux_control &&
		    got.has_mux_id && got.has_ka_channel &&
		    got.has_ka_interval && !got.has_ka_pt);
	assert_int_equal(got.mux_id, 1234);
	assert_int_equal(ntohs(got.mux_control.sin_port), 36001);
	assert_int_equal(ntohs(got.ka_channel.sin_port), 36000);
	assert_int_equal(got.ka_interval, 19);
}

/* A client's OLCAck: keepAlivePayloadType and the largest multiplexID. */
static void test_tp_client(void **state)
{
	struct lk_h46019_tp tp, got;
	uint8_t out[128];
	size_t len;

	(void)state;
	memset(&tp, 0, sizeof(tp));
	tp.has_ka_pt = tp.has_mux_id = true;
	tp.ka_pt = 116;
	tp.mux_id = 0xffffffffu;
	assert_int_equal(lk_h46019_tp_encode(&tp, out, sizeof(out), &len), 0);
	/* Extension bit 0, presence 001010, octet count 11 (four):
	 * 0001 0101 1 -> 0x15 0x80, then the ID aligned. */
	assert_int_equal(len, 7);
	assert_int_equal(out[0], 0x15);
	assert_int_equal(out[1], 0x80);
	assert_int_equal(out[2], 0xff);
	assert_int_equal(out[5], 0xff);
	/* keepAlivePayloadType 0..127: 7 bits, unaligned. */
	assert_int_equal(out[6], 116 << 1);
	assert_int_equal(lk_h46019_tp_decode(out, len, &got), 0);
	assert_true(got.has_ka_pt && got.has_mux_id && !got.has_ka_channel);
	assert_int_equal(got.ka_pt, 116);
	assert_int_equal(got.mux_id, 0xffffffffu);

	tp.ka_pt = 128;
	assert_int_equal(lk_h46019_tp_encode(&tp, out, sizeof(out), &len),
			 EINVAL);
	tp.ka_pt = 0;
	tp.has_ka_interval = true;
	tp.ka_interval = 0;
	assert_int_equal(lk_h46019_tp_encode(&tp, out, sizeof(out), &len),
			 EINVAL);
	/* Truncations of the vector never decode half. */
	for (len = 0; len < sizeof(server_vec); len++)
		assert_int_equal(lk_h46019_tp_decode(server_vec, len, &got),
				 EBADMSG);
}

/* A minimal OLC for an audio channel: G.711 u-law, session 1. */
static struct lk_asn_val *olc_new(struct lk_asn_arena *ar, bool ack)
{
	struct lk_asn_val *m, *o, *v;

	m = lk_asn_new(ar, &lk_h245_message);
	assert_non_null(m);
	if (ack) {
		o = lk_asn_set(ar, lk_asn_set(ar, m, "response"),
			       "openLogicalChannelAck");
		assert_non_null(o);
		v = lk_asn_set(ar, o, "forwardLogicalChannelNumber");
		assert_non_null(v);
		v->u.i = 101;
		return m;
	}
	o = lk_asn_set(ar, lk_asn_set(ar, m, "request"), "openLogicalChannel");
	assert_non_null(o);
	v = lk_asn_set(ar, o, "forwardLogicalChannelNumber");
	assert_non_null(v);
	v->u.i = 101;
	v = lk_asn_set(ar, o, "forwardLogicalChannelParameters");
	assert_non_null(v);
	o = lk_asn_set(ar, lk_asn_set(ar, lk_asn_set(ar, v, "dataType"),
				       "audioData"), "g711Ulaw64k");
	assert_non_null(o);
	o->u.i = 20;		/* frames per packet */
	v = lk_asn_set(ar, lk_asn_set(ar, v, "multiplexParameters"),
		       "h2250LogicalChannelParameters");
	assert_non_null(v);
	v = lk_asn_set(ar, v, "sessionID");
	assert_non_null(v);
	v->u.i = 1;
	return m;
}

static struct lk_asn_val *chan_of(struct lk_asn_val *m)
{
	struct lk_asn_val *o = lk_asn_get(m, "request.openLogicalChannel");

	return o ? o : lk_asn_get(m, "response.openLogicalChannelAck");
}

/* Set, read back after a round trip, replace, strip. */
static void test_chan(void **state)
{
	struct lk_h46019_tp tp = server_tp(), got;
	struct lk_asn_arena ar;
	struct lk_asn_val *m, *back;
	uint8_t out[512];
	size_t len, errbit = 0;
	bool changed;
	int ack;

	(void)state;
	for (ack = 0; ack < 2; ack++) {
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		m = olc_new(&ar, ack);
		assert_int_equal(lk_h46019_chan_get(chan_of(m), &got), ENOENT);
		assert_int_equal(lk_h46019_chan_set(&ar, chan_of(m), &tp,
						    &changed), 0);
		assert_true(changed);
		/* Twice: still one entry. */
		tp.mux_id = 99;
		assert_int_equal(lk_h46019_chan_set(&ar, chan_of(m), &tp,
						    &changed), 0);
		assert_int_equal(lk_asn_get(chan_of(m), "genericInformation")
				 ->u.list.n, 1);
		assert_int_equal(lk_h245_encode(m, out, sizeof(out), &len), 0);
		assert_int_equal(lk_h245_decode(out, len, &ar, &back, &errbit),
				 0);
		assert_int_equal(lk_h46019_chan_get(chan_of(back), &got), 0);
		assert_int_equal(got.mux_id, 99);
		assert_int_equal(got.ka_interval, 19);
		assert_int_equal(lk_h46019_chan_set(&ar, chan_of(back), NULL,
						    &changed), 0);
		assert_true(changed);
		assert_int_equal(lk_h46019_chan_get(chan_of(back), &got),
				 ENOENT);
		assert_int_equal(lk_h46019_chan_set(&ar, chan_of(back), NULL,
						    &changed), 0);
		assert_false(changed);
		/* Without it the message is the plain OLC again. */
		assert_int_equal(lk_h245_encode(back, out, sizeof(out), &len),
				 0);
		lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
		m = olc_new(&ar, ack);
		{
			uint8_t plain[512];
			size_t plen;

			assert_int_equal(lk_h245_encode(m, plain, sizeof(plain),
							&plen), 0);
			assert_int_equal(plen, len);
			assert_memory_equal(plain, out, len);
		}
		tp.mux_id = 1234;
	}
}

/* Feature 19 with its parameters in an RRQ's featureSet. */
static void test_feature(void **state)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *back;
	uint8_t out[512];
	size_t len, errbit = 0;
	bool mux, server, changed;

	(void)state;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	{
		struct sockaddr_in csa = ipv4("192.0.2.7", 1720);
		struct sockaddr_in ras = ipv4("192.0.2.7", 1719);

		msg = lk_ras_rrq_new(&ar, 7, &csa, &ras, "ep", NULL, &body);
	}
	assert_non_null(msg);
	assert_false(lk_h46019_feature(body, &mux, &server));
	assert_int_equal(lk_ras_add_feature(&ar, body, "supportedFeatures",
					    18), 0);
	assert_int_equal(lk_h46019_feature_add(&ar, body, false, true), 0);
	assert_true(lk_h46019_feature(body, &mux, &server));
	assert_false(mux);
	assert_true(server);
	/* Again with mux: replaces, never two. */
	assert_int_equal(lk_h46019_feature_add(&ar, body, true, true), 0);
	assert_int_equal(lk_asn_get(body, "featureSet.supportedFeatures")
			 ->u.list.n, 2);
	assert_int_equal(lk_ras_encode(msg, out, sizeof(out), &len), 0);
	assert_int_equal(lk_ras_decode(out, len, &ar, &back, &errbit), 0);
	assert_true(lk_ras_has_feature(lk_ras_body(back), 18));
	assert_true(lk_h46019_feature(lk_ras_body(back), &mux, &server));
	assert_true(mux);
	assert_true(server);
	assert_int_equal(lk_h46019_feature_del(&ar, lk_ras_body(back),
					       &changed), 0);
	assert_true(changed);
	assert_false(lk_h46019_feature(lk_ras_body(back), NULL, NULL));
	assert_true(lk_ras_has_feature(lk_ras_body(back), 18));
}

/*
 * --dump, for tests/integration/h46019_tshark.sh: the OLC with the
 * server's TraversalParameters above, and an OLCAck with a client's
 * (keepAlivePayloadType 116, multiplexID 4294967295), in TPKTs.
 */
static int dump(void)
{
	struct lk_h46019_tp tp = server_tp();
	struct lk_asn_arena ar;
	struct lk_asn_val *m;
	uint8_t out[512];
	size_t len;
	bool changed;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	m = olc_new(&ar, false);
	if (lk_h46019_chan_set(&ar, chan_of(m), &tp, &changed) ||
	    lk_h245_encode(m, out + 4, sizeof(out) - 4, &len))
		return 1;
	capture_print_tpkt(out, len);
	memset(&tp, 0, sizeof(tp));
	tp.has_ka_pt = tp.has_mux_id = true;
	tp.ka_pt = 116;
	tp.mux_id = 0xffffffffu;
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	m = olc_new(&ar, true);
	if (lk_h46019_chan_set(&ar, chan_of(m), &tp, &changed) ||
	    lk_h245_encode(m, out + 4, sizeof(out) - 4, &len))
		return 1;
	capture_print_tpkt(out, len);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tp_vector),
		cmocka_unit_test(test_tp_client),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_feature),
	};

	if (argc == 2 && !strcmp(argv[1], "--dump"))
		return dump();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
