/* tests/unit/relay/test_stun.c  STUN Binding requests on media ports. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cmocka.h>
#include <re.h>

#include "demux.h"
#include "rfc5769.h"
#include "stun.h"

/* The transaction ID of RFC 5769's sample messages. */
static const uint8_t tid5769[12] = {
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
};

/* A Binding request with that ID and a FINGERPRINT, nothing else.  Every
 * CRC below was computed apart from this code, with Python's zlib-based
 * binascii.crc32, which gives RFC 5769's e57a3bcf for its s.2.1 request. */
static const uint8_t req_fp[] = {
	0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae, 0x80, 0x28, 0x00, 0x04,
	0xfd, 0xf6, 0xae, 0x02,
};

/* The same without the FINGERPRINT. */
static const uint8_t req_plain[] = {
	0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
};

/*
 * The responses, worked out by hand from RFC 5389 s.15.2 and s.15.5.  The
 * XOR-MAPPED-ADDRESS values are RFC 5769's (s.2.2: 192.0.2.1 port 32853,
 * s.2.3: 2001:db8:1234:5678:11:2233:4455:6677 port 32853).
 */
static const uint8_t resp_v4_fp[] = {
	0x01, 0x01, 0x00, 0x14, 0x21, 0x12, 0xa4, 0x42,	/* 20 octets */
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
	0x00, 0x20, 0x00, 0x08,				/* XOR-MAPPED */
	0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
	0x80, 0x28, 0x00, 0x04, 0x7d, 0x28, 0x1f, 0x59,	/* FINGERPRINT */
};

static const uint8_t resp_v6[] = {
	0x01, 0x01, 0x00, 0x18, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
	0x00, 0x20, 0x00, 0x14,
	0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
	0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5,
	0xbe, 0xd2, 0xb9, 0xd9,
};

static const uint8_t resp_v6_fp[] = {
	0x01, 0x01, 0x00, 0x20, 0x21, 0x12, 0xa4, 0x42,
	0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
	0xfa, 0x87, 0xdf, 0xae,
	0x00, 0x20, 0x00, 0x14,
	0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
	0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5,
	0xbe, 0xd2, 0xb9, 0xd9,
	0x80, 0x28, 0x00, 0x04, 0x68, 0xd5, 0xc9, 0x50,
};

static struct sockaddr_in v4(const char *ip, uint16_t port)
{
	struct sockaddr_in in;

	memset(&in, 0, sizeof(in));
	in.sin_family = AF_INET;
	in.sin_port = htons(port);
	assert_int_equal(1, inet_pton(AF_INET, ip, &in.sin_addr));

	return in;
}

static struct sockaddr_in6 v6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 in6;

	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(port);
	assert_int_equal(1, inet_pton(AF_INET6, ip, &in6.sin6_addr));

	return in6;
}

#define SA(x) ((const struct sockaddr *)&(x))

static void response_ipv4_with_fingerprint(void **state)
{
	struct sockaddr_in src = v4("192.0.2.1", 32853);
	uint8_t buf[LK_STUN_RESPONSE_MAX];
	struct lk_stun_req req;
	size_t len = 0;

	(void)state;
	assert_int_equal(LK_PKT_STUN, lk_demux_classify(req_fp,
							sizeof(req_fp)));
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp)));
	assert_memory_equal(tid5769, req.tid, 12);
	assert_true(req.fingerprint);

	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(src),
						     sizeof(src)));
	assert_int_equal(sizeof(resp_v4_fp), len);
	assert_memory_equal(resp_v4_fp, buf, len);
}

static void response_ipv6(void **state)
{
	struct sockaddr_in6 src =
		v6("2001:db8:1234:5678:11:2233:4455:6677", 32853);
	uint8_t buf[LK_STUN_RESPONSE_MAX];
	struct lk_stun_req req;
	size_t len = 0;

	(void)state;
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_plain, sizeof(req_plain)));
	assert_false(req.fingerprint);
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(src),
						     sizeof(src)));
	assert_int_equal(sizeof(resp_v6), len);
	assert_memory_equal(resp_v6, buf, len);

	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp)));
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(src),
						     sizeof(src)));
	assert_int_equal(sizeof(resp_v6_fp), len);
	assert_int_equal(LK_STUN_RESPONSE_MAX, len);
	assert_memory_equal(resp_v6_fp, buf, len);
}

static void response_v4_mapped_source(void **state)
{
	struct sockaddr_in6 src = v6("::ffff:192.0.2.1", 32853);
	uint8_t buf[LK_STUN_RESPONSE_MAX];
	struct lk_stun_req req;
	size_t len = 0;

	(void)state;
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp)));
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(src),
						     sizeof(src)));
	assert_int_equal(sizeof(resp_v4_fp), len);
	assert_memory_equal(resp_v4_fp, buf, len);
}

/* A second opinion: libre's own decoder reads what we built. */
static void check_with_libre(const uint8_t *p, size_t len,
			     const struct sockaddr *src, bool fp)
{
	struct stun_unknown_attr ua;
	struct stun_msg *msg = NULL;
	struct stun_attr *attr;
	struct mbuf *mb;
	struct sa want;

	mb = mbuf_alloc(len);
	assert_non_null(mb);
	assert_int_equal(0, mbuf_write_mem(mb, p, len));
	mb->pos = 0;
	memset(&ua, 0, sizeof(ua));
	assert_int_equal(0, stun_msg_decode(&msg, mb, &ua));
	assert_int_equal(STUN_CLASS_SUCCESS_RESP, stun_msg_class(msg));
	assert_int_equal(STUN_METHOD_BINDING, stun_msg_method(msg));
	assert_true(stun_msg_mcookie(msg));
	assert_memory_equal(tid5769, stun_msg_tid(msg), 12);
	assert_int_equal(0, ua.typec);
	if (fp)
		assert_int_equal(0, stun_msg_chk_fingerprint(msg));
	else
		assert_null(stun_msg_attr(msg, STUN_ATTR_FINGERPRINT));
	attr = stun_msg_attr(msg, STUN_ATTR_XOR_MAPPED_ADDR);
	assert_non_null(attr);
	assert_int_equal(0, sa_set_sa(&want, src));
	assert_true(sa_cmp(&want, &attr->v.xor_mapped_addr, SA_ALL));
	mem_deref(msg);
	mem_deref(mb);
}

static void libre_reads_our_responses(void **state)
{
	struct sockaddr_in a4 = v4("203.0.113.250", 61234);
	struct sockaddr_in6 a6 = v6("2001:db8::42", 1024);
	uint8_t buf[LK_STUN_RESPONSE_MAX];
	struct lk_stun_req req;
	size_t len;

	(void)state;
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp)));
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(a4),
						     sizeof(a4)));
	check_with_libre(buf, len, SA(a4), true);
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(a6),
						     sizeof(a6)));
	check_with_libre(buf, len, SA(a6), true);

	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_plain, sizeof(req_plain)));
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(buf), &len,
						     &req, SA(a6),
						     sizeof(a6)));
	check_with_libre(buf, len, SA(a6), false);
}

/* Requests libre builds: our FINGERPRINT check must agree with its. */
static void libre_built_requests(void **state)
{
	static const uint8_t key[] = "VOkJxbRl1RmTxUk/WvJxBt";
	struct lk_stun_req req;
	struct mbuf *mb;

	(void)state;
	mb = mbuf_alloc(256);
	assert_non_null(mb);

	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_BINDING,
					    STUN_CLASS_REQUEST, tid5769, NULL,
					    NULL, 0, true, 0x00, 0));
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, mb->buf, mb->end));
	assert_true(req.fingerprint);

	/* With SOFTWARE (comprehension-optional): still answerable. */
	mbuf_rewind(mb);
	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_BINDING,
					    STUN_CLASS_REQUEST, tid5769, NULL,
					    NULL, 0, true, 0x00, 1,
					    STUN_ATTR_SOFTWARE, "lab"));
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, mb->buf, mb->end));

	/* An ICE check with credentials. */
	mbuf_rewind(mb);
	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_BINDING,
					    STUN_CLASS_REQUEST, tid5769, NULL,
					    key, sizeof(key) - 1, true, 0x00,
					    1, STUN_ATTR_USERNAME, "a:b"));
	assert_int_equal(LK_STUN_AUTH,
			 lk_stun_classify(&req, mb->buf, mb->end));

	/* A Binding indication, as an RFC 6263 s.4.3 keep-alive. */
	mbuf_rewind(mb);
	assert_int_equal(0, stun_msg_encode(mb, STUN_METHOD_BINDING,
					    STUN_CLASS_INDICATION, tid5769,
					    NULL, NULL, 0, true, 0x00, 0));
	assert_int_equal(LK_STUN_BINDING_INDICATION,
			 lk_stun_classify(&req, mb->buf, mb->end));

	mem_deref(mb);
}

static void rfc5769_vectors(void **state)
{
	uint8_t m[sizeof(rfc5769_request)];
	struct lk_stun_req req;

	(void)state;
	/* Its FINGERPRINT checks out (else it would be MALFORMED), and
	 * its credentials make it an ICE check we cannot answer. */
	assert_int_equal(LK_STUN_AUTH,
			 lk_stun_classify(&req, rfc5769_request,
					  sizeof(rfc5769_request)));
	/* A response: valid, not answered. */
	assert_int_equal(LK_STUN_OTHER,
			 lk_stun_classify(&req, rfc5769_response_v4,
					  sizeof(rfc5769_response_v4)));

	/* One flipped bit anywhere breaks the FINGERPRINT. */
	memcpy(m, rfc5769_request, sizeof(m));
	m[30] ^= 0x01;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(m)));
	memcpy(m, rfc5769_request, sizeof(m));
	m[sizeof(m) - 1] ^= 0x80;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(m)));
}

static void other_messages_not_answered(void **state)
{
	uint8_t m[sizeof(req_plain)];
	struct lk_stun_req req;
	static const uint16_t types[] = {
		0x0101,	/* Binding success response */
		0x0111,	/* Binding error response */
		0x0003,	/* Allocate request (TURN) */
		0x0009,	/* ChannelBind request */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memcpy(m, req_plain, sizeof(m));
		m[0] = (uint8_t)(types[i] >> 8);
		m[1] = (uint8_t)types[i];
		memset(&req, 0xaa, sizeof(req));
		assert_int_equal(LK_STUN_OTHER,
				 lk_stun_classify(&req, m, sizeof(m)));
		assert_int_equal(0xaa, req.tid[0]);	/* not written */
	}
}

static void unknown_required_attribute(void **state)
{
	/* CHANGE-REQUEST (RFC 5780), comprehension-required. */
	static const uint8_t m[] = {
		0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42,
		0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
		0xfa, 0x87, 0xdf, 0xae, 0x00, 0x03, 0x00, 0x04,
		0x00, 0x00, 0x00, 0x06,
	};
	struct lk_stun_req req;

	(void)state;
	assert_int_equal(LK_STUN_UNKNOWN_ATTR,
			 lk_stun_classify(&req, m, sizeof(m)));
}

static void malformed_not_answered(void **state)
{
	uint8_t m[64];
	struct lk_stun_req req;

	(void)state;
	memset(&req, 0xaa, sizeof(req));

	assert_int_equal(LK_STUN_MALFORMED, lk_stun_classify(&req, NULL, 20));
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, req_plain, 19));

	/* Length field not the datagram's: one word too long, too short,
	 * or not a multiple of 4. */
	memcpy(m, req_fp, sizeof(req_fp));
	m[3] = 12;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(req_fp)));
	m[3] = 4;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(req_fp)));
	memcpy(m, req_plain, sizeof(req_plain));
	m[3] = 2;
	m[20] = m[21] = 0;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, 22));
	/* Trailing octets after the message. */
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp) - 4));

	/* No magic cookie: RFC 3489. */
	memcpy(m, req_plain, sizeof(req_plain));
	m[4] = 0x12;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(req_plain)));

	/* Top bits set: not STUN at all. */
	memcpy(m, req_plain, sizeof(req_plain));
	m[0] = 0x40;
	assert_int_equal(LK_STUN_MALFORMED,
			 lk_stun_classify(&req, m, sizeof(req_plain)));

	/* An attribute whose length runs past the message. */
	memcpy(m, req_plain, sizeof(req_plain));
	m[3] = 8;
	m[20] = 0x80;	/* SOFTWARE */
	m[21] = 0x22;
	m[22] = 0;
	m[23] = 5;	/* 5 octets, padded to 8: needs 12 */
	memset(m + 24, 'x', 4);
	assert_int_equal(LK_STUN_MALFORMED, lk_stun_classify(&req, m, 28));
	/* The same attribute in a message one word shorter. */
	m[3] = 4;
	assert_int_equal(LK_STUN_MALFORMED, lk_stun_classify(&req, m, 24));

	/* FINGERPRINT not last. */
	memcpy(m, req_fp, sizeof(req_fp));
	m[3] = 16;
	memcpy(m + 28, "\x80\x22\x00\x04" "abcd", 8);
	assert_int_equal(LK_STUN_MALFORMED, lk_stun_classify(&req, m, 36));
	/* FINGERPRINT of the wrong length. */
	memcpy(m, req_plain, sizeof(req_plain));
	m[3] = 12;
	memcpy(m + 20, "\x80\x28\x00\x08", 4);
	memset(m + 24, 0, 8);
	assert_int_equal(LK_STUN_MALFORMED, lk_stun_classify(&req, m, 32));

	assert_int_equal(0xaa, req.tid[0]);	/* never written */
}

static void response_errors(void **state)
{
	struct sockaddr_in a4 = v4("192.0.2.1", 32853);
	struct sockaddr_in6 a6 = v6("2001:db8::1", 32853);
	uint8_t buf[LK_STUN_RESPONSE_MAX + 1];
	struct sockaddr_un un;
	struct lk_stun_req req;
	size_t len = 777, i;

	(void)state;
	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	assert_int_equal(LK_STUN_BINDING_REQUEST,
			 lk_stun_classify(&req, req_fp, sizeof(req_fp)));

	/* One octet short: nothing written. */
	memset(buf, 0xaa, sizeof(buf));
	assert_int_equal(ENOBUFS,
			 lk_stun_binding_response(buf, sizeof(resp_v4_fp) - 1,
						  &len, &req, SA(a4),
						  sizeof(a4)));
	for (i = 0; i < sizeof(buf); i++)
		assert_int_equal(0xaa, buf[i]);
	assert_int_equal(777, len);
	assert_int_equal(ENOBUFS,
			 lk_stun_binding_response(buf, 40, &len, &req, SA(a6),
						  sizeof(a6)));
	/* Exactly enough. */
	assert_int_equal(0, lk_stun_binding_response(buf, sizeof(resp_v4_fp),
						     &len, &req, SA(a4),
						     sizeof(a4)));
	assert_int_equal(0xaa, buf[sizeof(resp_v4_fp)]);

	assert_int_equal(EAFNOSUPPORT,
			 lk_stun_binding_response(buf, sizeof(buf), &len, &req,
						  SA(un), sizeof(un)));
	assert_int_equal(EINVAL,
			 lk_stun_binding_response(buf, sizeof(buf), &len, &req,
						  SA(a6), sizeof(a6) - 1));
	assert_int_equal(EINVAL,
			 lk_stun_binding_response(NULL, sizeof(buf), &len,
						  &req, SA(a4), sizeof(a4)));
	assert_int_equal(EINVAL,
			 lk_stun_binding_response(buf, sizeof(buf), &len, NULL,
						  SA(a4), sizeof(a4)));
	assert_string_equal("binding-request",
			    lk_stun_msg_name(LK_STUN_BINDING_REQUEST));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(response_ipv4_with_fingerprint),
		cmocka_unit_test(response_ipv6),
		cmocka_unit_test(response_v4_mapped_source),
		cmocka_unit_test(libre_reads_our_responses),
		cmocka_unit_test(libre_built_requests),
		cmocka_unit_test(rfc5769_vectors),
		cmocka_unit_test(other_messages_not_answered),
		cmocka_unit_test(unknown_required_attribute),
		cmocka_unit_test(malformed_not_answered),
		cmocka_unit_test(response_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
