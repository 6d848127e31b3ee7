/* tests/unit/sip/test_registrar.c  REGISTER handling, expiry, contacts, digest (RFC 2617 values). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <re.h>

#include "conf.h"
#include "sip/registrar.h"
#include "sip/auth.h"
#include "sip/msg.h"

static struct lk_sipflow flow;

static struct lk_registrar *registrar(const char *extra)
{
	char text[1024];
	struct lk_conf_diag diag;
	struct lk_registrar *reg = NULL;
	static struct lk_conf conf;

	snprintf(text, sizeof(text), "[Registrar]\n%s\n", extra ? extra : "");
	assert_int_equal(0, lk_conf_parse(&conf, "t", text, strlen(text),
					  &diag));
	assert_int_equal(0, lk_registrar_alloc(&reg, &conf));
	memset(&flow, 0, sizeof(flow));
	flow.tp = LK_LISTEN_UDP;
	sa_set_str(&flow.remote, "198.51.100.7", 40000);

	return reg;
}

static void do_register(struct lk_registrar *reg, uint64_t now, unsigned cseq,
			const char *hdrs, struct lk_sipreply *reply)
{
	char buf[2048];
	struct sip_msg *msg = NULL;
	int n;

	n = snprintf(buf, sizeof(buf), "REGISTER sip:example.com SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK%u\r\n"
		     "From: <sip:alice@example.com>;tag=1\r\n"
		     "To: <sip:alice@Example.COM>\r\nCall-ID: reg-1\r\n"
		     "CSeq: %u REGISTER\r\nMax-Forwards: 70\r\n%s"
		     "Content-Length: 0\r\n\r\n", cseq, cseq, hdrs);
	assert_int_equal(0, lk_sipmsg_decode(&msg, (uint8_t *)buf,
					     (size_t)n));
	lk_registrar_register(reg, msg, &flow, now, reply);
	mem_deref(msg);
}

static unsigned nbindings(struct lk_registrar *reg)
{
	struct lk_registrar_stats st;

	lk_registrar_stats(reg, &st);
	return st.bindings;
}

static void multiple_contacts_and_their_expiry(void **state)
{
	struct lk_registrar *reg = registrar(NULL);
	struct lk_sipreply r;

	do_register(reg, 1000, 1, "Contact: <sip:a@192.0.2.9:5070>, "
		    "<sip:a@192.0.2.9:5072>;expires=120\r\nExpires: 300\r\n",
		    &r);
	assert_int_equal(200, r.scode);
	assert_non_null(strstr(r.hdrs, "Contact: <sip:a@192.0.2.9:5070>;"
			       "expires=300\r\n"));
	assert_non_null(strstr(r.hdrs, "Contact: <sip:a@192.0.2.9:5072>;"
			       "expires=120\r\n"));
	assert_int_equal(2, nbindings(reg));
	/* Time passes: the listing counts down; the timer drops the first. */
	do_register(reg, 1100, 2, "", &r);
	assert_non_null(strstr(r.hdrs, "5072>;expires=20\r\n"));
	assert_int_equal(1, lk_registrar_expire(reg, 1120));
	assert_int_equal(1, nbindings(reg));
	assert_int_equal(1, lk_registrar_expire(reg, 1300));
	assert_int_equal(0, nbindings(reg));
	mem_deref(reg);
}

static void bounds_on_expiry(void **state)
{
	struct lk_registrar *reg = registrar("Minimum expiry = 60\n"
		"Maximum expiry = 600\nDefault expiry = 100");
	struct lk_sipreply r;

	do_register(reg, 0, 1, "Contact: <sip:a@192.0.2.9>;expires=30\r\n",
		    &r);
	assert_int_equal(423, r.scode);
	assert_string_equal("Min-Expires: 60\r\n", r.hdrs);
	assert_int_equal(0, nbindings(reg));
	do_register(reg, 0, 2, "Contact: <sip:a@192.0.2.9>\r\n"
		    "Expires: 7200\r\n", &r);
	assert_int_equal(200, r.scode);
	assert_non_null(strstr(r.hdrs, "expires=600"));
	do_register(reg, 0, 3, "Contact: <sip:b@192.0.2.9>\r\n", &r);
	assert_non_null(strstr(r.hdrs, "<sip:b@192.0.2.9>;expires=100"));
	/* expires=0 removes one binding. */
	do_register(reg, 0, 4, "Contact: <sip:a@192.0.2.9>;expires=0\r\n", &r);
	assert_int_equal(200, r.scode);
	assert_int_equal(1, nbindings(reg));
	mem_deref(reg);
}

static void wildcard_removes_all(void **state)
{
	struct lk_registrar *reg = registrar(NULL);
	struct lk_sipreply r;

	do_register(reg, 0, 1, "Contact: <sip:a@192.0.2.9>, <sip:b@192.0.2.9>"
		    "\r\n", &r);
	assert_int_equal(2, nbindings(reg));
	do_register(reg, 0, 2, "Contact: *\r\n", &r);
	assert_int_equal(400, r.scode);		/* needs Expires: 0 */
	do_register(reg, 0, 3, "Contact: *\r\nExpires: 0\r\n", &r);
	assert_int_equal(200, r.scode);
	assert_int_equal(0, nbindings(reg));
	mem_deref(reg);
}

static void out_of_order_cseq_and_bad_contact(void **state)
{
	struct lk_registrar *reg = registrar(NULL);
	struct lk_sipreply r;

	do_register(reg, 0, 5, "Contact: <sip:a@192.0.2.9>\r\n", &r);
	assert_int_equal(200, r.scode);
	do_register(reg, 0, 4, "Contact: <sip:a@192.0.2.9>;expires=0\r\n", &r);
	assert_int_equal(500, r.scode);
	assert_int_equal(1, nbindings(reg));
	do_register(reg, 0, 6, "Contact: <>\r\n", &r);
	assert_int_equal(400, r.scode);
	mem_deref(reg);
}

static void domains(void **state)
{
	struct lk_registrar *reg = registrar("Domain = lab.example, "
					    "EXAMPLE.com");
	struct lk_sipreply r;

	do_register(reg, 0, 1, "Contact: <sip:a@192.0.2.9>\r\n", &r);
	assert_int_equal(200, r.scode);
	mem_deref(reg);
	reg = registrar("Domain = lab.example");
	do_register(reg, 0, 1, "Contact: <sip:a@192.0.2.9>\r\n", &r);
	assert_int_equal(404, r.scode);
	mem_deref(reg);
}

static bool count_h(const struct lk_registrar_binding *b, void *arg)
{
	++*(unsigned *)arg;
	assert_string_equal("sip:alice@example.com", b->aor);
	assert_int_equal(40000, sa_port(&b->flow->remote));
	return false;
}

static void flow_is_remembered(void **state)
{
	struct lk_registrar *reg = registrar(NULL);
	struct lk_sipreply r;
	unsigned n = 0;

	do_register(reg, 0, 1, "Contact: <sip:a@10.0.0.5:5060>\r\n", &r);
	lk_registrar_apply(reg, "sip:alice@example.com", count_h, &n);
	assert_int_equal(1, n);
	mem_deref(reg);
}

/* RFC 2617 s.3.5's example: Mufasa, "Circle Of Life". */
static void digest_matches_rfc2617_example(void **state)
{
	char ha1[LK_SIPAUTH_HEX], resp[LK_SIPAUTH_HEX];
	struct pl user, realm, pw, nonce, nc, cnonce, qop, met, uri;

	pl_set_str(&user, "Mufasa");
	pl_set_str(&realm, "testrealm@host.com");
	pl_set_str(&pw, "Circle Of Life");
	pl_set_str(&nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	pl_set_str(&nc, "00000001");
	pl_set_str(&cnonce, "0a4f113b");
	pl_set_str(&qop, "auth");
	pl_set_str(&met, "GET");
	pl_set_str(&uri, "/dir/index.html");
	lk_sipauth_ha1(ha1, &user, &realm, &pw);
	lk_sipauth_response(resp, ha1, &nonce, &nc, &cnonce, &qop, &met, &uri);
	assert_string_equal("6629fae49393a05397450978507c4ef1", resp);
}

static void nonce_lifetime(void **state)
{
	uint8_t secret[16] = {1, 2, 3}, other[16] = {9};
	char n[80];
	struct pl pl;

	lk_sipauth_nonce(n, sizeof(n), secret, 1000);
	pl_set_str(&pl, n);
	assert_int_equal(0, lk_sipauth_nonce_check(&pl, secret, 1200, 300));
	assert_int_equal(ETIMEDOUT, lk_sipauth_nonce_check(&pl, secret, 1400,
							   300));
	assert_int_equal(EINVAL, lk_sipauth_nonce_check(&pl, other, 1200, 300));
	n[strlen(n) - 1] ^= 1;
	assert_int_equal(EINVAL, lk_sipauth_nonce_check(&pl, secret, 1200, 300));
}

/* A whole challenge/response round through the registrar. */
static void digest_challenge_and_answer(void **state)
{
	struct lk_registrar *reg = registrar("Authentication = on\n"
		"Realm = lab.example\nUsers = alice:wonderland, bob:b");
	char ha1[LK_SIPAUTH_HEX], resp[LK_SIPAUTH_HEX], hdr[600];
	struct pl user, realm, pw, nonce, nc, cnonce, qop, met, uri;
	struct lk_sipreply r;
	char nbuf[80];
	const char *p;

	do_register(reg, 50, 1, "Contact: <sip:a@192.0.2.9>\r\n", &r);
	assert_int_equal(401, r.scode);
	p = strstr(r.hdrs, "nonce=\"");
	assert_non_null(p);
	p += 7;
	snprintf(nbuf, sizeof(nbuf), "%.*s", (int)strcspn(p, "\""), p);
	assert_non_null(strstr(r.hdrs, "qop=\"auth\""));
	pl_set_str(&user, "alice");
	pl_set_str(&realm, "lab.example");
	pl_set_str(&pw, "wonderland");
	pl_set_str(&nonce, nbuf);
	pl_set_str(&nc, "00000001");
	pl_set_str(&cnonce, "abc");
	pl_set_str(&qop, "auth");
	pl_set_str(&met, "REGISTER");
	pl_set_str(&uri, "sip:example.com");
	lk_sipauth_ha1(ha1, &user, &realm, &pw);
	lk_sipauth_response(resp, ha1, &nonce, &nc, &cnonce, &qop, &met, &uri);
	snprintf(hdr, sizeof(hdr), "Contact: <sip:a@192.0.2.9>\r\n"
		 "Authorization: Digest username=\"alice\", realm=\"lab."
		 "example\", nonce=\"%s\", uri=\"sip:example.com\", response="
		 "\"%s\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abc\""
		 "\r\n", nbuf, resp);
	do_register(reg, 60, 2, hdr, &r);
	assert_int_equal(200, r.scode);
	/* The same credentials after the nonce's lifetime: stale. */
	do_register(reg, 1000, 3, hdr, &r);
	assert_int_equal(401, r.scode);
	assert_non_null(strstr(r.hdrs, "stale=true"));
	/* A wrong response. */
	resp[0] = resp[0] == 'a' ? 'b' : 'a';
	snprintf(hdr, sizeof(hdr), "Contact: <sip:a@192.0.2.9>\r\n"
		 "Authorization: Digest username=\"alice\", realm=\"lab."
		 "example\", nonce=\"%s\", uri=\"sip:example.com\", response="
		 "\"%s\", qop=auth, nc=00000001, cnonce=\"abc\"\r\n", nbuf,
		 resp);
	do_register(reg, 61, 4, hdr, &r);
	assert_int_equal(401, r.scode);
	mem_deref(reg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(multiple_contacts_and_their_expiry),
		cmocka_unit_test(bounds_on_expiry),
		cmocka_unit_test(wildcard_removes_all),
		cmocka_unit_test(out_of_order_cseq_and_bad_contact),
		cmocka_unit_test(domains),
		cmocka_unit_test(flow_is_remembered),
		cmocka_unit_test(digest_matches_rfc2617_example),
		cmocka_unit_test(nonce_lifetime),
		cmocka_unit_test(digest_challenge_and_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
