/* tests/unit/h323/test_gk.c  Gatekeeper RAS behaviour: registration, keep-alive, conflicts, retransmission. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <re.h>

#include "h323/gk.h"
#include "h323/ras.h"

static uint8_t arena_mem[1 << 17];

struct fixture {
	struct lk_h323_gk *gk;
	uint8_t reply[4096];
	size_t rlen;
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
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

static int setup(void **state)
{
	static struct fixture f;
	struct lk_h323_gk_params p = { .ttl = 60, .gkid = "latchkey",
				       .max_regs = 4 };

	memset(&f, 0, sizeof(f));
	p.ras = ipv4("127.0.0.1", 1719);
	p.callsig = ipv4("127.0.0.1", 1720);
	assert_int_equal(lk_h323_gk_alloc(&f.gk, &p), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	mem_deref(f->gk);
	return 0;
}

/* Send req from `from` at `now`; decode the reply into f->msg. */
static int ask(struct fixture *f, const uint8_t *req, size_t len,
	       const char *from, uint16_t port, uint64_t now)
{
	struct sockaddr_in src = ipv4(from, port);
	size_t errbit;
	int err;

	err = lk_h323_gk_handle(f->gk, req, len, &src, now, f->reply,
				sizeof(f->reply), &f->rlen);
	if (err)
		return err;
	lk_asn_arena_init(&f->ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_ras_decode(f->reply, f->rlen, &f->ar, &f->msg,
				       &errbit), 0);
	return 0;
}

static size_t load(const char *name, uint8_t *buf)
{
	char path[128];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "data/h323/%s", name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	n = fread(buf, 1, 4096, fp);
	fclose(fp);
	return n;
}

/* An RRQ from 127.0.0.1:csport: full (epid NULL) or a keep-alive. */
static size_t rrq(uint8_t *out, uint16_t seq, const char *alias,
		  const char *epid, uint16_t csport, bool h46018)
{
	static uint8_t mem[1 << 16];
	struct sockaddr_in cs = ipv4("127.0.0.1", csport);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v, *vendor;
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_ras_new(&ar, "registrationRequest", seq, &body);
	assert_non_null(msg);
	lk_asn_set(&ar, body, "discoveryComplete");
	v = lk_asn_set(&ar, body, "callSignalAddress");
	assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
	assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0], &cs), 0);
	v = lk_asn_set(&ar, body, "rasAddress");
	assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
	cs.sin_port = htons(1719);
	assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0], &cs), 0);
	v = lk_asn_set(&ar, body, "terminalType");
	lk_asn_set(&ar, v, "mc");
	lk_asn_set(&ar, v, "undefinedNode");
	lk_asn_set(&ar, v, "terminal");
	if (alias) {
		v = lk_asn_set(&ar, body, "terminalAlias");
		assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
		assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar,
			&v->u.list.v[0], "h323-ID"), alias), 0);
	}
	vendor = lk_asn_set(&ar, lk_asn_set(&ar, body, "endpointVendor"),
			    "vendor");
	lk_asn_set(&ar, vendor, "t35CountryCode")->u.i = 181;
	lk_asn_set(&ar, vendor, "t35Extension");
	lk_asn_set(&ar, vendor, "manufacturerCode");
	if (epid) {
		lk_asn_set(&ar, body, "keepAlive")->u.i = 1;
		assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar, body,
			"endpointIdentifier"), epid), 0);
	}
	if (h46018)
		assert_int_equal(lk_ras_add_feature(&ar, body,
			"supportedFeatures", 18), 0);
	assert_int_equal(lk_ras_encode(msg, out, 1024, &len), 0);
	return len;
}

static size_t urq(uint8_t *out, uint16_t seq, const char *epid)
{
	static uint8_t mem[1 << 14];
	struct sockaddr_in cs = ipv4("127.0.0.1", 1720);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v;
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_ras_new(&ar, "unregistrationRequest", seq, &body);
	v = lk_asn_set(&ar, body, "callSignalAddress");
	assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
	assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0], &cs), 0);
	assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar, body,
		"endpointIdentifier"), epid), 0);
	assert_int_equal(lk_ras_encode(msg, out, 1024, &len), 0);
	return len;
}

static void epid_of(struct fixture *f, char *buf, size_t cap)
{
	lk_asn_str_ascii(lk_asn_get(lk_ras_body(f->msg),
				    "endpointIdentifier"), buf, cap);
}

/* The capture's GRQ gets a GCF naming us; its RRQ a registration. */
static void test_capture_grq_rrq(void **state)
{
	struct fixture *f = *state;
	uint8_t req[4096], first[4096];
	size_t len, flen;
	struct lk_h323_gk_stats st;
	char epid[64];

	len = load("ras-f59-grq.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "gatekeeperConfirm");

	len = load("ras-f61-rrq.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	assert_int_equal(lk_asn_get(lk_ras_body(f->msg), "timeToLive")->u.i,
			 60);
	epid_of(f, epid, sizeof(epid));
	assert_true(strlen(epid) > 0);
	memcpy(first, f->reply, f->rlen);
	flen = f->rlen;
	assert_int_equal(lk_h323_gk_count(f->gk, 1000), 1);

	/* The same datagram again: the same octets, no second entry. */
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1500), 0);
	assert_int_equal(f->rlen, flen);
	assert_memory_equal(f->reply, first, flen);
	assert_int_equal(lk_h323_gk_count(f->gk, 1500), 1);
	lk_h323_gk_stats(f->gk, &st);
	assert_int_equal(st.retransmits, 1);
	assert_int_equal(st.registrations, 1);

	/* From another source, its aliases are someone else's. */
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2035, 1600), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationReject");
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.duplicateAlias"));

	/* Tandberg's keep-alive names an endpoint we never registered. */
	len = load("ras-f71-rrq.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 1719, 1700), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationReject");
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.fullRegistrationRequired"));

	/* The capture's ARQ and DRQ: an unknown endpointIdentifier. */
	len = load("ras-f63-arq.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1800), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.callerNotRegistered"));
	len = load("ras-f69-drq.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1800), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.notRegistered"));

	/* An RCF is not a request: no reply, counted. */
	len = load("ras-f62-rcf.bin", req);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1800), ENOENT);
	/* Garbage: the decoder's error, counted. */
	assert_int_equal(ask(f, (const uint8_t *)"\x03\x00\x00\x04", 4,
			     "127.0.0.1", 2034, 1800), EBADMSG);
	lk_h323_gk_stats(f->gk, &st);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.ignored, 1);
}

/* Full registration, keep-alives, expiry, unregistration. */
static void test_keepalive_ttl_urq(void **state)
{
	struct fixture *f = *state;
	uint8_t req[1024];
	size_t len;
	char epid[64];

	len = rrq(req, 1, "alice", NULL, 1720, true);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4000, 0), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	assert_true(lk_ras_has_feature(lk_ras_body(f->msg), 18));
	epid_of(f, epid, sizeof(epid));

	/* A keep-alive 50 s later, from a new NAT port: refreshed. */
	len = rrq(req, 2, NULL, epid, 1720, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4001, 50000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	/* Still there at 100 s (50 + TTL 60), gone at 111 s. */
	assert_int_equal(lk_h323_gk_count(f->gk, 100000), 1);
	assert_int_equal(lk_h323_gk_count(f->gk, 111000), 0);
	len = rrq(req, 3, NULL, epid, 1720, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4001, 111000), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.fullRegistrationRequired"));

	/* Register again; a second endpoint wanting "alice" is refused. */
	len = rrq(req, 4, "alice", NULL, 1720, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4001, 120000), 0);
	epid_of(f, epid, sizeof(epid));
	assert_false(lk_ras_has_feature(lk_ras_body(f->msg), 18));
	len = rrq(req, 1, "alice", NULL, 1820, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 5000, 120000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationReject");

	/* URQ: UCF, then a keep-alive needs a full registration. */
	len = urq(req, 5, epid);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4001, 121000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "unregistrationConfirm");
	assert_int_equal(lk_h323_gk_count(f->gk, 121000), 0);
	len = urq(req, 6, epid);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4001, 121000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "unregistrationReject");
	/* Now the other endpoint may have "alice". */
	len = rrq(req, 2, "alice", NULL, 1820, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 5000, 122000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
}

/* A full table: resourceUnavailable, not an overwrite. */
static void test_table_full(void **state)
{
	struct fixture *f = *state;
	uint8_t req[1024];
	char alias[16];
	size_t len;
	unsigned i;

	for (i = 0; i < 5; i++) {
		snprintf(alias, sizeof(alias), "ep%u", i);
		len = rrq(req, 1, alias, NULL, (uint16_t)(2000 + i), false);
		assert_int_equal(ask(f, req, len, "127.0.0.1",
				     (uint16_t)(3000 + i), 0), 0);
		assert_string_equal(lk_ras_kind(f->msg), i < 4 ?
				    "registrationConfirm" :
				    "registrationReject");
	}
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.resourceUnavailable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture_grq_rrq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_ttl_urq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
