/* tests/unit/h323/test_zone.c  The traversal zone's H.323 side without sockets: H.235 password tokens, the client's state machine against a real zone gatekeeper, zone routes for H.323 calls. */
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
#include <re.h>

#include "conf.h"
#include "h323/callsig.h"
#include "h323/gk.h"
#include "h323/h235.h"
#include "h323/h460.h"
#include "h323/ras.h"
#include "h323/zone.h"

#define T0 1800000000u		/* a unix time for tokens */

static struct sockaddr_in ipv4(const char *a, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, a, &sin.sin_addr);
	return sin;
}

/* --- H.235 cryptoEPPwdHash ------------------------------------------------ */

static void token_round_trips(void **state)
{
	uint8_t tok[256];
	size_t len;
	uint32_t last = 0;

	(void)state;
	assert_int_equal(lk_h235_pwdhash_encode("ctl-zone", "s3cret", T0, tok,
						sizeof(tok), &len), 0);
	assert_true(len > 20);
	/* The password's characters are nowhere in the token. */
	assert_null(memmem(tok, len, "s\0003\000c", 5));
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0 + 10, &last), 0);
	assert_int_equal(last, T0);
	/* The same token again is fine (a retransmission), an older not. */
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0, &last), 0);
	last = T0 + 1;
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0, &last), ETIMEDOUT);
}

static void token_refuses_wrong_password_name_and_time(void **state)
{
	uint8_t tok[256];
	size_t len;

	(void)state;
	assert_int_equal(lk_h235_pwdhash_encode("ctl-zone", "s3cret", T0, tok,
						sizeof(tok), &len), 0);
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3creT",
					       T0, NULL), EACCES);
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "other", "s3cret",
					       T0, NULL), ENOENT);
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0 + LK_H235_WINDOW + 1, NULL),
			 ETIMEDOUT);
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0 - LK_H235_WINDOW - 1, NULL),
			 ETIMEDOUT);
	assert_int_equal(lk_h235_pwdhash_check(tok, len, "ctl-zone", "s3cret",
					       T0 + LK_H235_WINDOW, NULL), 0);
}

static void token_refuses_a_flipped_bit_and_garbage(void **state)
{
	uint8_t tok[256], bad[256];
	size_t len, i, passed = 0;
	int err;

	(void)state;
	assert_int_equal(lk_h235_pwdhash_encode("ctl-zone", "s3cret", T0, tok,
						sizeof(tok), &len), 0);
	/*
	 * A flipped bit is refused (or does not decode) unless it is one of
	 * aligned PER's padding bits, which a decoder skips (X.691 10.7;
	 * 13 of them here: after the CHOICE index, the timeStamp's length and
	 * paramS); every bit of the hash (the last 16 octets) counts.
	 */
	for (i = 0; i < len * 8; i++) {
		memcpy(bad, tok, len);
		bad[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		err = lk_h235_pwdhash_check(bad, len, "ctl-zone", "s3cret",
					    T0, NULL);
		if (!err) {
			assert_true(i < (len - 16) * 8);
			passed++;
		}
	}
	assert_true(passed <= 13);
	for (i = 0; i < len; i++)
		assert_int_not_equal(lk_h235_pwdhash_check(tok, i, "ctl-zone",
							   "s3cret", T0, NULL),
				     0);
	assert_int_equal(lk_h235_pwdhash_encode("", "x", T0, tok, sizeof(tok),
						&len), EINVAL);
	assert_int_equal(lk_h235_pwdhash_encode("u", "", T0, tok, sizeof(tok),
						&len), EINVAL);
}

static void equal_is_plain_equality(void **state)
{
	(void)state;
	assert_true(lk_h235_equal((const uint8_t *)"abcd",
				  (const uint8_t *)"abcd", 4));
	assert_false(lk_h235_equal((const uint8_t *)"abcd",
				   (const uint8_t *)"abce", 4));
	assert_true(lk_h235_equal(NULL, NULL, 0));
}

/* --- the client against a zone gatekeeper ---------------------------------- */

struct lab {
	struct lk_h323_gk *gk;
	struct lk_h323_zonec *zc;
	const char *gk_user, *gk_pw;
	uint32_t last_ts;
	uint64_t now;			/* ms */
	uint64_t unix_s;
	int calls;
	struct sockaddr_in call_csa;
	uint8_t call_id[16];
	bool drop;			/* the "network" loses everything */
};

static struct sockaddr_in ctl_ras, ctl_csa, exp_zone, exp_csa;

static int lab_auth(const struct lk_asn_val *rrq,
		    const struct sockaddr_in *from, void *arg)
{
	struct lab *l = arg;
	const struct lk_asn_val *t = lk_asn_get(rrq, "cryptoTokens");

	(void)from;
	if (!t || !t->type || t->type->kind != LK_ASN_OPEN)
		return ENOENT;
	return lk_h235_pwdhash_check(t->u.str.p, t->u.str.len, l->gk_user,
				     l->gk_pw, l->unix_s, &l->last_ts);
}

static void lab_call(unsigned zone, const struct sockaddr_in *csa,
		     const uint8_t callid[16], void *arg)
{
	struct lab *l = arg;

	assert_int_equal(zone, 1);
	l->calls++;
	l->call_csa = *csa;
	memcpy(l->call_id, callid, 16);
}

static void lab_init(struct lab *l, const char *pw)
{
	struct lk_h323_gk_params gp = { .ttl = 3600, .max_regs = 1,
		.gkid = "zone-gk", .no_discover = true, .overwrite = true,
		.h46018_ttl = LK_H46018_TTL, .auth = lab_auth };
	struct lk_h323_zonec_params zp = { .zone = 1, .user = "ctl-zone",
		.password = pw, .ttl = 30, .retry = 60, .callh = lab_call };

	memset(l, 0, sizeof(*l));
	ctl_ras = ipv4("192.0.2.2", 1719);
	ctl_csa = ipv4("192.0.2.2", 1720);
	exp_zone = ipv4("198.51.100.2", 6001);
	exp_csa = ipv4("198.51.100.2", 1720);
	l->gk_user = "ctl-zone";
	l->gk_pw = "s3cret";
	l->now = 1000;
	l->unix_s = T0;
	gp.ras = exp_zone;
	gp.callsig = exp_csa;
	gp.auth_arg = l;
	zp.peer = exp_zone;
	zp.ras = ctl_ras;
	zp.csa = ctl_csa;
	zp.arg = l;
	assert_int_equal(lk_h323_gk_alloc(&l->gk, &gp), 0);
	assert_int_equal(lk_h323_zonec_alloc(&l->zc, &zp), 0);
}

static void lab_free(struct lab *l)
{
	mem_deref(l->zc);
	mem_deref(l->gk);
}

/*
 * Everything the client queued goes to the gatekeeper and every answer
 * (and whatever the gatekeeper queued itself) back; returns how many
 * datagrams the client sent.
 */
static int lab_pump(struct lab *l)
{
	uint8_t msg[2048], reply[2048];
	size_t len, rlen;
	struct sockaddr_in to;
	int n = 0;

	while (!lk_h323_zonec_pop(l->zc, msg, sizeof(msg), &len)) {
		n++;
		if (l->drop)
			continue;
		if (!lk_h323_gk_handle(l->gk, msg, len, &ctl_ras, l->now,
				       reply, sizeof(reply), &rlen))
			assert_int_equal(lk_h323_zonec_input(l->zc, reply,
							     rlen, l->now,
							     l->unix_s), 0);
	}
	while (!lk_h323_gk_pop(l->gk, msg, sizeof(msg), &len, &to)) {
		assert_memory_equal(&to, &ctl_ras, sizeof(to));
		if (!l->drop)
			(void)lk_h323_zonec_input(l->zc, msg, len, l->now,
						  l->unix_s);
	}
	return n;
}

static void lab_advance(struct lab *l, uint64_t ms)
{
	l->now += ms;
	l->unix_s = T0 + l->now / 1000;
	lk_h323_zonec_tick(l->zc, l->now, l->unix_s);
}

static void registers_and_keeps_alive(void **state)
{
	struct lk_h323_zone_info info;
	struct sockaddr_in src;
	struct lab l;
	int i;

	(void)state;
	lab_init(&l, "s3cret");
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_DOWN);
	lab_advance(&l, 0);
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_REGISTERED);
	/* The zone gatekeeper has it, reached by SCI on the RAS source. */
	assert_int_equal(lk_h323_gk_first(l.gk, l.now, &src), 0);
	assert_memory_equal(&src, &ctl_ras, sizeof(src));
	lk_h323_zonec_info(l.zc, &info);
	assert_true(info.registered);
	assert_int_equal(info.registrations, 1);
	assert_string_equal(info.peer, "198.51.100.2:6001");

	/* TTL 30 s: a keep-alive at 20 s, not before. */
	lab_advance(&l, 19000);
	assert_int_equal(lab_pump(&l), 0);
	for (i = 0; i < 10; i++) {
		lab_advance(&l, 1000);
		assert_int_equal(lab_pump(&l), 1);
		assert_int_equal(lk_h323_zonec_state(l.zc),
				 LK_H323_ZONEC_REGISTERED);
		lab_advance(&l, 19000);
		assert_int_equal(lab_pump(&l), 0);
	}
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.keepalives, 10);
	assert_int_equal(info.registrations, 1);
	/* Still registered at the gatekeeper 230 s on. */
	assert_int_equal(lk_h323_gk_first(l.gk, l.now, &src), 0);
	lab_free(&l);
}

static void wrong_password_waits_retry_interval(void **state)
{
	struct lk_h323_zone_info info;
	struct lk_h323_gk_stats st;
	struct lab l;

	(void)state;
	lab_init(&l, "not-it");
	lab_advance(&l, 0);
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_DOWN);
	lk_h323_gk_stats(l.gk, &st);
	assert_int_equal(st.denied, 1);
	assert_int_equal(lk_h323_gk_count(l.gk, l.now), 0);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.rejected, 1);
	assert_false(info.registered);
	/* Nothing until Retry interval (60 s) has passed. */
	lab_advance(&l, 59000);
	assert_int_equal(lab_pump(&l), 0);
	lab_advance(&l, 1000);
	assert_int_equal(lab_pump(&l), 1);
	lab_free(&l);
}

static void silence_goes_down_then_retries(void **state)
{
	struct lk_h323_zone_info info;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	l.drop = true;
	lab_advance(&l, 20000);		/* the keep-alive */
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_REFRESHING);
	lab_advance(&l, LK_H323_ZONEC_RETRY_MS);
	assert_int_equal(lab_pump(&l), 1);	/* repeated */
	lab_advance(&l, LK_H323_ZONEC_RETRY_MS);
	assert_int_equal(lab_pump(&l), 1);	/* third and last */
	lab_advance(&l, LK_H323_ZONEC_RETRY_MS);
	assert_int_equal(lab_pump(&l), 0);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_DOWN);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.failures, 1);
	assert_false(info.registered);
	/* The path is back; the Retry interval has to pass first. */
	l.drop = false;
	lab_advance(&l, 59000);
	assert_int_equal(lab_pump(&l), 0);
	lab_advance(&l, 1000);
	/*
	 * The registration expired at the gatekeeper meanwhile: a full RRQ
	 * is what the client sends, and it is taken.
	 */
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_REGISTERED);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.registrations, 2);
	lab_free(&l);
}

static void restarted_expressway_asks_full_registration(void **state)
{
	struct lk_h323_gk_params gp = { .ttl = 3600, .max_regs = 1,
		.gkid = "zone-gk", .no_discover = true, .overwrite = true,
		.h46018_ttl = LK_H46018_TTL, .auth = lab_auth };
	struct lk_h323_zone_info info;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	/* A new gatekeeper knows nothing of our endpointIdentifier. */
	mem_deref(l.gk);
	gp.ras = exp_zone;
	gp.callsig = exp_csa;
	gp.auth_arg = &l;
	assert_int_equal(lk_h323_gk_alloc(&l.gk, &gp), 0);
	lab_advance(&l, 20000);
	/* keep-alive -> RRJ fullRegistrationRequired -> down, due now */
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_DOWN);
	lab_advance(&l, 0);
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_REGISTERED);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.registrations, 2);
	assert_int_equal(info.rejected, 1);
	lab_free(&l);
}

static void sci_is_answered_and_handed_on(void **state)
{
	static const uint8_t id[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
					13, 14, 15, 16 };
	struct lk_h323_zone_info info;
	struct lk_h323_gk_stats st;
	struct sockaddr_in reg;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	assert_int_equal(lk_h323_gk_first(l.gk, l.now, &reg), 0);
	assert_int_equal(lk_h323_gk_sci(l.gk, &reg, id, false, l.now), 0);
	lab_pump(&l);			/* SCI in, SCR queued */
	assert_int_equal(l.calls, 1);
	assert_memory_equal(l.call_id, id, 16);
	assert_memory_equal(&l.call_csa, &exp_csa, sizeof(exp_csa));
	lab_pump(&l);			/* SCR to the gatekeeper */
	lk_h323_gk_stats(l.gk, &st);
	assert_int_equal(st.scr, 1);
	/* The same SCI again (as if our SCR was lost): answered, not
	 * followed a second time. */
	{
		uint8_t msg[512];
		size_t len;

		assert_int_equal(lk_h46018_sci_encode(99, &exp_csa, id, msg,
						      sizeof(msg), &len), 0);
		assert_int_equal(lk_h323_zonec_input(l.zc, msg, len, l.now,
						     l.unix_s), 0);
		assert_int_equal(l.calls, 1);
		assert_int_equal(lk_h323_zonec_pop(l.zc, msg, sizeof(msg),
						   &len), 0);
	}
	/* No repeat of an answered SCI. */
	l.now += LK_H46018_SCI_RETRY_MS * 3;
	lk_h323_gk_tick(l.gk, l.now);
	lab_pump(&l);
	assert_int_equal(l.calls, 1);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.sci, 2);
	assert_int_equal(info.ignored, 1);
	lab_free(&l);
}

static void sci_naming_another_host_is_not_followed(void **state)
{
	static const uint8_t id[16] = { 9 };
	struct sockaddr_in elsewhere = ipv4("203.0.113.9", 1720);
	struct lk_h323_zone_info info;
	uint8_t msg[512];
	size_t len;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	assert_int_equal(lk_h46018_sci_encode(7, &elsewhere, id, msg,
					      sizeof(msg), &len), 0);
	assert_int_equal(lk_h323_zonec_input(l.zc, msg, len, l.now, l.unix_s),
			 0);
	assert_int_equal(l.calls, 0);
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.ignored, 1);
	/* It was still answered (an SCR), so that it is not repeated. */
	assert_int_equal(lk_h323_zonec_pop(l.zc, msg, sizeof(msg), &len), 0);
	lab_free(&l);
}

static void garbage_and_strays_are_counted(void **state)
{
	static const uint8_t junk[][8] = { { 0 }, { 0xff, 0xff, 0xff, 0xff },
					   { 0x0e, 0x00, 0x41 } };
	struct lk_h323_zone_info info;
	uint8_t msg[512];
	size_t len, i;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		assert_int_equal(lk_h323_zonec_input(l.zc, junk[i], i + 1,
						     l.now, l.unix_s),
				 EBADMSG);
	assert_int_equal(lk_h323_zonec_input(l.zc, msg, 0, l.now, l.unix_s),
			 EBADMSG);
	/* An RCF for no RRQ of ours (a stale seq) changes nothing. */
	{
		struct lk_asn_arena ar;
		static uint8_t mem[1 << 16];
		struct lk_asn_val *m, *b;

		lk_asn_arena_init(&ar, mem, sizeof(mem));
		m = lk_ras_new(&ar, "gatekeeperConfirm", 999, &b);
		assert_non_null(m);
		if (!lk_ras_encode(m, msg, sizeof(msg), &len))
			assert_int_equal(lk_h323_zonec_input(l.zc, msg, len,
							     l.now, l.unix_s),
					 ENOENT);
	}
	lk_h323_zonec_info(l.zc, &info);
	assert_int_equal(info.malformed, 4);
	assert_true(info.registered);
	lab_free(&l);
}

static void urq_is_confirmed_and_registration_redone(void **state)
{
	struct lk_asn_arena ar;
	static uint8_t mem[1 << 16];
	struct lk_asn_val *m, *b, *v;
	uint8_t msg[512];
	size_t len;
	struct lab l;

	(void)state;
	lab_init(&l, "s3cret");
	lab_advance(&l, 0);
	lab_pump(&l);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	m = lk_ras_new(&ar, "unregistrationRequest", 77, &b);
	v = m ? lk_asn_set(&ar, b, "callSignalAddress") : NULL;
	assert_non_null(v);
	assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
	assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0], &ctl_csa), 0);
	assert_int_equal(lk_ras_encode(m, msg, sizeof(msg), &len), 0);
	assert_int_equal(lk_h323_zonec_input(l.zc, msg, len, l.now, l.unix_s),
			 0);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_DOWN);
	assert_int_equal(lk_h323_zonec_pop(l.zc, msg, sizeof(msg), &len), 0);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	assert_int_equal(lk_ras_decode(msg, len, &ar, &m, &len), 0);
	assert_string_equal(lk_ras_kind(m), "unregistrationConfirm");
	lab_advance(&l, 0);
	assert_int_equal(lab_pump(&l), 1);
	assert_int_equal(lk_h323_zonec_state(l.zc), LK_H323_ZONEC_REGISTERED);
	lab_free(&l);
}

/* An alias list (an RRQ's terminalAlias) holding one h323-ID. */
static const struct lk_asn_val *aliases(struct lk_asn_arena *ar,
					const char *name)
{
	struct sockaddr_in a = ipv4("192.0.2.9", 1720);
	struct lk_asn_val *body;

	assert_non_null(lk_ras_rrq_new(ar, 1, &a, &a, name, NULL, &body));
	return lk_asn_get(body, "terminalAlias");
}

static void zone_routes_serve_h323_calls(void **state)
{
	static const char text[] =
		"[Zones]\nTraversal zone count = 2\n"
		"[Dial plan]\n"
		"Route 1 = *@sip.example host 192.0.2.20\n"
		"Route 2 = bob@* zone 2\n"
		"Route 3 = 1???@* host 192.0.2.10 h323\n";
	static uint8_t mem[1 << 16];
	static struct lk_conf conf;
	struct lk_conf_diag diag;
	struct lk_asn_arena ar;

	(void)state;
	assert_int_equal(lk_conf_parse(&conf, "t", text, strlen(text), &diag),
			 0);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	assert_int_equal(lk_h323_callsig_routable(&conf, aliases(&ar, "bob")),
			 0);
	assert_int_equal(lk_h323_callsig_routable(&conf,
						  aliases(&ar, "1234")), 0);
	/* A SIP host route is no H.323 route. */
	assert_int_equal(lk_h323_callsig_routable(&conf,
			aliases(&ar, "carol@sip.example")), ENOENT);
	assert_int_equal(lk_h323_callsig_routable(&conf,
						  aliases(&ar, "alice")),
			 ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(token_round_trips),
		cmocka_unit_test(token_refuses_wrong_password_name_and_time),
		cmocka_unit_test(token_refuses_a_flipped_bit_and_garbage),
		cmocka_unit_test(equal_is_plain_equality),
		cmocka_unit_test(registers_and_keeps_alive),
		cmocka_unit_test(wrong_password_waits_retry_interval),
		cmocka_unit_test(silence_goes_down_then_retries),
		cmocka_unit_test(restarted_expressway_asks_full_registration),
		cmocka_unit_test(sci_is_answered_and_handed_on),
		cmocka_unit_test(sci_naming_another_host_is_not_followed),
		cmocka_unit_test(garbage_and_strays_are_counted),
		cmocka_unit_test(urq_is_confirmed_and_registration_redone),
		cmocka_unit_test(zone_routes_serve_h323_calls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
