/* tests/unit/sip/test_msg.c  latchkey's own header checks and the replies it builds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <re.h>

#include "sip/msg.h"

static const char *const good[] = {
	"Via: SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bKabc;rport",
	"From: <sip:alice@example.com>;tag=f1",
	"To: <sip:bob@example.com>",
	"Call-ID: call-1",
	"CSeq: 7 OPTIONS",
	"Max-Forwards: 70",
};

/* OPTIONS with the good headers, header `skip` left out, `extra` added. */
static struct sip_msg *build(int skip, const char *extra)
{
	char buf[2048];
	struct sip_msg *msg = NULL;
	size_t n, i;

	n = (size_t)snprintf(buf, sizeof(buf), "OPTIONS sip:bob@example.com "
			     "SIP/2.0\r\n");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if ((int)i != skip)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      "%s\r\n", good[i]);
	}
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%sContent-Length: "
			      "0\r\n\r\n", extra ? extra : "", extra ?
			      "\r\n" : "");
	assert_int_equal(0, lk_sipmsg_decode(&msg, (uint8_t *)buf, n));

	return msg;
}

static void expect(int skip, const char *extra, uint16_t scode, bool reply,
		   const char *reason)
{
	struct lk_sipverdict v;
	struct sip_msg *msg = build(skip, extra);

	lk_sipmsg_check(&v, msg, true);
	assert_int_equal(scode, v.scode);
	if (scode) {
		assert_int_equal(reply, v.reply);
		assert_string_equal(reason, v.reason);
	}
	mem_deref(msg);
}

static void good_request_passes(void **state)
{
	expect(-1, NULL, 0, true, NULL);
}

static void missing_headers_get_400_naming_them(void **state)
{
	expect(1, NULL, 400, true, "Missing From header");
	expect(2, NULL, 400, true, "Missing To header");
	expect(3, NULL, 400, true, "Missing Call-ID header");
	expect(4, NULL, 400, true, "Missing or bad CSeq header");
	expect(5, NULL, 400, true, "Missing Max-Forwards header");
	expect(4, "CSeq: 7 REGISTER", 400, true,
	       "CSeq method does not match the request");
	expect(5, "Max-Forwards: seventy", 400, true, "Bad Max-Forwards header");
}

static void no_via_is_a_drop_no_branch_a_400(void **state)
{
	expect(0, NULL, 400, false, "no usable Via header");
	expect(0, "Via: SIP/2.0/UDP 192.0.2.9:5070;rport", 400, true,
	       "Missing branch parameter in Via");
}

static void max_forwards_zero_is_483(void **state)
{
	expect(5, "Max-Forwards: 0", 483, true, "Too Many Hops");
}

static void datagram_shorter_than_content_length(void **state)
{
	static const char m[] = "OPTIONS sip:b@x SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1\r\nFrom: <sip:a@x>"
		";tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n"
		"Max-Forwards: 70\r\nContent-Length: 10\r\n\r\nabc";
	struct sip_msg *msg = NULL;
	struct lk_sipverdict v;

	assert_int_equal(0, lk_sipmsg_decode(&msg, (const uint8_t *)m,
					     strlen(m)));
	lk_sipmsg_check(&v, msg, true);
	assert_int_equal(400, v.scode);
	lk_sipmsg_check(&v, msg, false);	/* framed: not this check */
	assert_int_equal(0, v.scode);
	mem_deref(msg);
}

static void garbage_does_not_decode(void **state)
{
	struct sip_msg *msg = NULL;

	assert_int_equal(EBADMSG, lk_sipmsg_decode(&msg,
		(const uint8_t *)"\x01\x02 garbage", 10));
	assert_int_equal(EBADMSG, lk_sipmsg_decode(&msg,
		(const uint8_t *)"OPTIONS sip:a SIP/2.0\r\nVia: x", 29));
	assert_null(msg);
}

/* RFC 3581 s.4: received and rport on the top Via; To gets a tag. */
static void reply_echoes_and_fills_rport(void **state)
{
	struct sip_msg *msg = build(-1, "Via: SIP/2.0/UDP proxy.example;"
				    "branch=z9hG4bKsecond");
	struct mbuf *mb = NULL;
	struct sa src;
	char *s;

	sa_set_str(&src, "198.51.100.7", 40000);
	assert_int_equal(0, lk_sipmsg_reply(&mb, msg, &src, 200, "OK",
					    "Allow: OPTIONS\r\n"));
	s = (char *)mb->buf;
	mb->buf[mb->end - 1] = '\0';
	assert_non_null(strstr(s, "SIP/2.0 200 OK\r\n"));
	assert_non_null(strstr(s, "Via: SIP/2.0/UDP 192.0.2.9:5070;branch="
			       "z9hG4bKabc;received=198.51.100.7;rport=40000"
			       "\r\n"));
	assert_non_null(strstr(s, "Via: SIP/2.0/UDP proxy.example;branch="
			       "z9hG4bKsecond\r\n"));
	assert_non_null(strstr(s, "To: <sip:bob@example.com>;tag=lk"));
	assert_non_null(strstr(s, "CSeq: 7 OPTIONS\r\n"));
	assert_non_null(strstr(s, "Allow: OPTIONS\r\n"));
	mem_deref(mb);
	mem_deref(msg);
}

static void reply_leaves_out_the_marker_branch(void **state)
{
	struct sip_msg *msg = build(0, "Via: SIP/2.0/UDP 192.0.2.9:5070");
	struct mbuf *mb = NULL;
	struct sa src;

	sa_set_str(&src, "192.0.2.9", 5070);
	assert_int_equal(0, lk_sipmsg_reply(&mb, msg, &src, 400, "Missing "
					    "branch parameter in Via", NULL));
	mb->buf[mb->end - 1] = '\0';
	assert_non_null(strstr((char *)mb->buf,
			       "Via: SIP/2.0/UDP 192.0.2.9:5070\r\n"));
	assert_null(strstr((char *)mb->buf, LK_SIPMSG_NOBRANCH));
	mem_deref(mb);
	mem_deref(msg);
}

/* A request latchkey builds decodes, passes its own checks, says it all. */
static void request_is_well_formed(void **state)
{
	static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n";
	struct lk_sipreq r;
	struct lk_sipverdict v;
	struct sip_msg *msg = NULL;
	struct mbuf *mb = NULL;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.method = "INVITE";
	r.ruri = "sip:alice@192.0.2.10:5062";
	r.via_tp = "TLS";
	r.via_sentby = "192.0.2.2:5061";
	r.branch = "z9hG4bK0123456789abcdef";
	r.max_forwards = 69;
	r.from = "\"Bob\" <sip:bob@external.example>";
	r.from_tag = "ft1";
	r.to = "<sip:alice@internal.example>";
	r.callid = "cid-1@latchkey";
	r.cseq = 1;
	r.contact = "<sip:latchkey@192.0.2.2:5061;transport=tls>";
	r.hdrs = "Allow: INVITE, ACK\r\n";
	r.ctype = "application/sdp";
	r.body = (const uint8_t *)sdp;
	r.blen = sizeof(sdp) - 1;
	assert_int_equal(lk_sipmsg_request(&mb, &r), 0);
	assert_int_equal(lk_sipmsg_decode(&msg, mb->buf, mb->end), 0);
	lk_sipmsg_check(&v, msg, true);
	assert_int_equal(v.scode, 0);
	assert_true(msg->req);
	assert_int_equal(pl_strcmp(&msg->met, "INVITE"), 0);
	assert_int_equal(pl_strcmp(&msg->via.branch,
				   "z9hG4bK0123456789abcdef"), 0);
	assert_int_equal(msg->via.tp, SIP_TRANSP_TLS);
	assert_int_equal(pl_strcmp(&msg->from.tag, "ft1"), 0);
	assert_false(pl_isset(&msg->to.tag));
	assert_int_equal(pl_u32(&msg->maxfwd), 69);
	assert_int_equal(msg->cseq.num, 1);
	assert_int_equal(mbuf_get_left(msg->mb), sizeof(sdp) - 1);
	assert_int_equal(pl_strcmp(&msg->ctyp.subtype, "sdp"), 0);
	mem_deref(msg);
	mem_deref(mb);

	/* ACK and CANCEL: the CSeq method is the request's unless told. */
	r.method = "CANCEL";
	r.to_tag = "tt9";
	r.blen = 0;
	r.contact = NULL;
	assert_int_equal(lk_sipmsg_request(&mb, &r), 0);
	assert_int_equal(lk_sipmsg_decode(&msg, mb->buf, mb->end), 0);
	assert_int_equal(pl_strcmp(&msg->cseq.met, "CANCEL"), 0);
	assert_int_equal(pl_strcmp(&msg->to.tag, "tt9"), 0);
	assert_null(sip_msg_hdr(msg, SIP_HDR_CONTACT));
	mem_deref(msg);
	mem_deref(mb);

	r.method = NULL;
	assert_int_equal(lk_sipmsg_request(&mb, &r), EINVAL);
	r.method = "INFO";
	r.blen = 3;		/* a body needs its type */
	r.ctype = NULL;
	assert_int_equal(lk_sipmsg_request(&mb, &r), EINVAL);
}

/* The dialog's To tag and a body in a reply. */
static void reply_with_dialog_tag_and_body(void **state)
{
	static const char sdp[] = "v=0\r\n";
	struct sip_msg *req = build(-1, NULL), *msg = NULL;
	struct mbuf *mb = NULL;
	struct sa src;

	(void)state;
	assert_non_null(req);
	sa_set_str(&src, "198.51.100.7", 40000);
	assert_int_equal(lk_sipmsg_reply_body(&mb, req, &src, 200, "OK",
					      "dlgtag", "Contact: <sip:x@y>"
					      "\r\n", "application/sdp",
					      (const uint8_t *)sdp,
					      sizeof(sdp) - 1), 0);
	assert_int_equal(lk_sipmsg_decode(&msg, mb->buf, mb->end), 0);
	assert_int_equal(msg->scode, 200);
	assert_int_equal(pl_strcmp(&msg->to.tag, "dlgtag"), 0);
	assert_int_equal(mbuf_get_left(msg->mb), sizeof(sdp) - 1);
	assert_non_null(sip_msg_hdr(msg, SIP_HDR_CONTACT));
	mem_deref(msg);
	mem_deref(mb);
	/* 100 never gets a To tag (RFC 3261 s.8.2.6.2). */
	assert_int_equal(lk_sipmsg_reply_body(&mb, req, &src, 100, "Trying",
					      "dlgtag", NULL, NULL, NULL, 0),
			 0);
	assert_int_equal(lk_sipmsg_decode(&msg, mb->buf, mb->end), 0);
	assert_false(pl_isset(&msg->to.tag));
	mem_deref(msg);
	mem_deref(mb);
	mem_deref(req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_request_passes),
		cmocka_unit_test(missing_headers_get_400_naming_them),
		cmocka_unit_test(no_via_is_a_drop_no_branch_a_400),
		cmocka_unit_test(max_forwards_zero_is_483),
		cmocka_unit_test(datagram_shorter_than_content_length),
		cmocka_unit_test(garbage_does_not_decode),
		cmocka_unit_test(reply_echoes_and_fills_rport),
		cmocka_unit_test(reply_leaves_out_the_marker_branch),
		cmocka_unit_test(request_is_well_formed),
		cmocka_unit_test(reply_with_dialog_tag_and_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
