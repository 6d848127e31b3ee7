/* tests/unit/h323/test_gk.c  Gatekeeper RAS behaviour: registration, keep-alive, conflicts, retransmission. */
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
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <re.h>

#include "h323/gk.h"
#include "h323/h460.h"
#include "h323/ras.h"

#include "capture.h"

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

/* An RRQ from 127.0.0.1:csport: full (epid NULL) or a keep-alive. */
static size_t rrq(uint8_t *out, uint16_t seq, const char *alias,
		  const char *epid, uint16_t csport, bool h46018)
{
	static uint8_t mem[1 << 16];
	struct sockaddr_in cs = ipv4("127.0.0.1", csport);
	struct sockaddr_in ras = ipv4("127.0.0.1", 1719);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_ras_rrq_new(&ar, seq, &cs, &ras, alias, epid, &body);
	assert_non_null(msg);
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

	len = capture_load("ras-f59-grq.bin", req, 4096);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "gatekeeperConfirm");

	len = capture_load("ras-f61-rrq.bin", req, 4096);
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
	len = capture_load("ras-f71-rrq.bin", req, 4096);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 1719, 1700), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationReject");
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.fullRegistrationRequired"));

	/* The capture's ARQ and DRQ: an unknown endpointIdentifier. */
	len = capture_load("ras-f63-arq.bin", req, 4096);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1800), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.callerNotRegistered"));
	len = capture_load("ras-f69-drq.bin", req, 4096);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 1800), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.notRegistered"));

	/* An RCF is not a request: no reply, counted. */
	len = capture_load("ras-f62-rcf.bin", req, 4096);
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

/*
 * An endpoint that unregisters and starts again from requestSeqNum 1
 * sends an RRQ octet for octet like its first: that is a new request
 * (registered again), not a retransmission answered from the cache.
 */
static void test_restart_after_urq(void **state)
{
	struct fixture *f = *state;
	uint8_t req[1024];
	size_t len;
	char epid[64];

	len = rrq(req, 1, "alice", NULL, 1720, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4000, 0), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	epid_of(f, epid, sizeof(epid));
	len = urq(req, 2, epid);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4000, 1000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "unregistrationConfirm");
	assert_int_equal(lk_h323_gk_count(f->gk, 1000), 0);

	len = rrq(req, 1, "alice", NULL, 1720, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4000, 2000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	assert_int_equal(lk_h323_gk_count(f->gk, 2000), 1);
	/* Its URQ 2 again is a new one too: confirmed, and gone. */
	epid_of(f, epid, sizeof(epid));
	len = urq(req, 2, epid);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 4000, 3000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "unregistrationConfirm");
	assert_int_equal(lk_h323_gk_count(f->gk, 3000), 0);
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

/* A request of kind with requestSeqNum, to be filled by the caller. */
static struct lk_asn_val *req_new(struct lk_asn_arena *ar, const char *kind,
				  uint16_t seq, struct lk_asn_val **body)
{
	static uint8_t mem[1 << 16];
	struct lk_asn_val *msg;

	lk_asn_arena_init(ar, mem, sizeof(mem));
	msg = lk_ras_new(ar, kind, seq, body);
	assert_non_null(msg);
	return msg;
}

static void set_aliases(struct lk_asn_arena *ar, struct lk_asn_val *body,
			const char *member, const char *h323id)
{
	struct lk_asn_val *v = lk_asn_set(ar, body, member);

	assert_int_equal(lk_asn_seqof_resize(ar, v, 1), 0);
	assert_int_equal(lk_asn_set_str(ar, lk_asn_set(ar, &v->u.list.v[0],
					"h323-ID"), h323id), 0);
}

static void set_guid(struct lk_asn_arena *ar, struct lk_asn_val *body,
		     const char *member)
{
	static const uint8_t zero[16];
	struct lk_asn_val *v = lk_asn_set(ar, body, member);

	if (!strcmp(member, "callIdentifier"))
		v = lk_asn_set(ar, v, "guid");
	assert_int_equal(lk_asn_set_octets(ar, v, zero, 16), 0);
}

static size_t finish(struct lk_asn_val *msg, uint8_t *out)
{
	size_t len;

	assert_int_equal(lk_ras_encode(msg, out, 1024, &len), 0);
	return len;
}

/* ARQ from epid to the h323-ID dest (NULL: none), bandWidth 1280. */
static size_t arq(uint8_t *out, uint16_t seq, const char *epid,
		  const char *dest, bool answer)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;

	msg = req_new(&ar, "admissionRequest", seq, &body);
	lk_asn_set(&ar, lk_asn_set(&ar, body, "callType"), "pointToPoint");
	assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar, body,
		"endpointIdentifier"), epid), 0);
	if (dest)
		set_aliases(&ar, body, "destinationInfo", dest);
	set_aliases(&ar, body, "srcInfo", "caller");
	lk_asn_set(&ar, body, "bandWidth")->u.i = 1280;
	lk_asn_set(&ar, body, "callReferenceValue")->u.i = 7;
	set_guid(&ar, body, "conferenceID");
	lk_asn_set(&ar, body, "activeMC");
	lk_asn_set(&ar, body, "answerCall")->u.i = answer;
	set_guid(&ar, body, "callIdentifier");
	return finish(msg, out);
}

static size_t brq(uint8_t *out, uint16_t seq, const char *epid)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;

	msg = req_new(&ar, "bandwidthRequest", seq, &body);
	assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar, body,
		"endpointIdentifier"), epid), 0);
	set_guid(&ar, body, "conferenceID");
	lk_asn_set(&ar, body, "callReferenceValue")->u.i = 7;
	lk_asn_set(&ar, body, "bandWidth")->u.i = 3840;
	set_guid(&ar, body, "callIdentifier");
	return finish(msg, out);
}

static size_t lrq(uint8_t *out, uint16_t seq, const char *dest)
{
	struct sockaddr_in reply = ipv4("127.0.0.1", 1719);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;

	msg = req_new(&ar, "locationRequest", seq, &body);
	set_aliases(&ar, body, "destinationInfo", dest);
	assert_int_equal(lk_ras_set_ipv4(&ar, lk_asn_set(&ar, body,
		"replyAddress"), &reply), 0);
	return finish(msg, out);
}

static size_t irr(uint8_t *out, uint16_t seq, const char *epid, bool need)
{
	struct sockaddr_in a = ipv4("127.0.0.1", 1719);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v;

	msg = req_new(&ar, "infoRequestResponse", seq, &body);
	v = lk_asn_set(&ar, body, "endpointType");
	lk_asn_set(&ar, v, "mc");
	lk_asn_set(&ar, v, "undefinedNode");
	assert_int_equal(lk_asn_set_str(&ar, lk_asn_set(&ar, body,
		"endpointIdentifier"), epid), 0);
	assert_int_equal(lk_ras_set_ipv4(&ar, lk_asn_set(&ar, body,
		"rasAddress"), &a), 0);
	v = lk_asn_set(&ar, body, "callSignalAddress");
	assert_int_equal(lk_asn_seqof_resize(&ar, v, 1), 0);
	a.sin_port = htons(1720);
	assert_int_equal(lk_ras_set_ipv4(&ar, &v->u.list.v[0], &a), 0);
	lk_asn_set(&ar, body, "needResponse")->u.i = need;
	lk_asn_set(&ar, body, "unsolicited")->u.i = 1;
	return finish(msg, out);
}

static void ta_is(const struct lk_asn_val *ta, uint16_t port)
{
	struct sockaddr_in sin;

	assert_int_equal(lk_ras_get_ipv4(ta, &sin), 0);
	assert_int_equal(sin.sin_addr.s_addr, htonl(0x7f000001));
	assert_int_equal(ntohs(sin.sin_port), port);
}

static int admit_count;

static int admit_all(const struct lk_asn_val *dest, void *arg)
{
	(void)dest;
	(void)arg;
	admit_count++;
	return 0;
}

/*
 * Routed calls: ARQ to a registered alias gets ACF with the gatekeeper's
 * 1720 and irrFrequency 120; BRQ, LRQ and IRR from and about
 * registrations; the call layer's lookups.
 */
static void test_routed(void **state)
{
	struct fixture *f = *state;
	uint8_t req[1024];
	char alice[64], bob[64];
	struct sockaddr_in csa, a;
	struct lk_h323_gk_stats st;
	struct lk_asn_val *b;
	size_t len;

	len = rrq(req, 1, "alice", NULL, 2001, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 0), 0);
	epid_of(f, alice, sizeof(alice));
	len = rrq(req, 1, "bob", NULL, 2002, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3002, 0), 0);
	epid_of(f, bob, sizeof(bob));

	len = arq(req, 2, alice, "bob", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1000), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionConfirm");
	b = lk_ras_body(f->msg);
	assert_non_null(lk_asn_get(b, "callModel.gatekeeperRouted"));
	ta_is(lk_asn_get(b, "destCallSignalAddress"), 1720);
	assert_int_equal(lk_asn_get(b, "bandWidth")->u.i, 1280);
	assert_int_equal(lk_asn_get(b, "irrFrequency")->u.i, 120);
	assert_int_equal(lk_asn_get(b, "willRespondToIRR")->u.i, 0);
	assert_non_null(lk_asn_get(b, "uuiesRequested"));
	/* bob answers the call we route to it. */
	len = arq(req, 3, bob, NULL, true);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3002, 1100), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionConfirm");
	/* To nobody, and from nobody. */
	len = arq(req, 4, alice, "carol", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1200), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.calledPartyNotRegistered"));
	len = arq(req, 5, "lk9-9", "bob", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3009, 1200), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.callerNotRegistered"));
	/* alice's slot with another serial, and names of other shapes. */
	assert_int_equal(strncmp(alice, "lk0-", 4), 0);
	len = arq(req, 5, "lk0-999", "bob", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3009, 1200), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionReject");
	len = arq(req, 5, "lk-0", "bob", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3009, 1210), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionReject");
	len = arq(req, 5, "lk0", "bob", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3009, 1220), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionReject");

	/* BRQ: granted as asked to a registration, notBound otherwise. */
	len = brq(req, 6, alice);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1300), 0);
	assert_string_equal(lk_ras_kind(f->msg), "bandwidthConfirm");
	assert_int_equal(lk_asn_get(lk_ras_body(f->msg), "bandWidth")->u.i,
			 3840);
	len = brq(req, 7, "lk9-9");
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1300), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.notBound"));

	/* LRQ: our addresses for a registered alias, LRJ otherwise. */
	len = lrq(req, 8, "bob");
	assert_int_equal(ask(f, req, len, "127.0.0.1", 1719, 1400), 0);
	assert_string_equal(lk_ras_kind(f->msg), "locationConfirm");
	ta_is(lk_asn_get(lk_ras_body(f->msg), "callSignalAddress"), 1720);
	ta_is(lk_asn_get(lk_ras_body(f->msg), "rasAddress"), 1719);
	len = lrq(req, 9, "carol");
	assert_int_equal(ask(f, req, len, "127.0.0.1", 1719, 1400), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "rejectReason.notRegistered"));

	/* IRR: IACK when asked, INAK from nobody, silence otherwise. */
	len = irr(req, 10, alice, true);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1500), 0);
	assert_string_equal(lk_ras_kind(f->msg), "infoRequestAck");
	len = irr(req, 11, "lk9-9", true);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1500), 0);
	assert_non_null(lk_asn_get(lk_ras_body(f->msg),
				   "nakReason.notRegistered"));
	len = irr(req, 12, alice, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 1500), ENOENT);

	/* The call layer's lookups. */
	lk_asn_arena_init(&f->ar, arena_mem, sizeof(arena_mem));
	len = arq(req, 13, alice, "bob", false);
	assert_int_equal(lk_ras_decode(req, len, &f->ar, &f->msg, NULL), 0);
	assert_int_equal(lk_h323_gk_route(f->gk, lk_asn_get(lk_ras_body(
		f->msg), "destinationInfo"), 2000, &csa), 0);
	assert_int_equal(ntohs(csa.sin_port), 2002);
	assert_int_equal(lk_h323_gk_route(f->gk, lk_asn_get(lk_ras_body(
		f->msg), "srcInfo"), 2000, &csa), ENOENT);
	a = ipv4("127.0.0.1", 2001);
	assert_true(lk_h323_gk_is_registered(f->gk, &a, 2000));
	a = ipv4("127.0.0.1", 3002);
	assert_true(lk_h323_gk_is_registered(f->gk, &a, 2000));
	assert_false(lk_h323_gk_is_registered(f->gk, &a, 100000)); /* TTL */
	a = ipv4("127.0.0.1", 4444);
	assert_false(lk_h323_gk_is_registered(f->gk, &a, 2000));

	lk_h323_gk_stats(f->gk, &st);
	assert_int_equal(st.admissions, 2);
	assert_int_equal(st.bandwidths, 1);
	assert_int_equal(st.locations, 1);
	assert_int_equal(st.infos, 3);
}

/*
 * The other settings: Auto discover off (GRQ unanswered), conflict mode
 * overwrite (the older registration gets a URQ and goes), the admit hook
 * for destinations no registration holds, Call time to live.
 */
static void test_settings(void **state)
{
	struct lk_h323_gk_params p = { .ttl = 60, .gkid = "latchkey",
				       .max_regs = 4, .no_discover = true,
				       .overwrite = true, .call_ttl = 300,
				       .admit = admit_all };
	struct fixture *f = *state;
	uint8_t req[4096], out[1024];
	struct sockaddr_in to;
	struct lk_asn_val *b;
	struct lk_h323_gk_stats st;
	char old[64], epid[64];
	size_t len, olen;

	mem_deref(f->gk);
	p.ras = ipv4("127.0.0.1", 1719);
	p.callsig = ipv4("127.0.0.1", 1720);
	assert_int_equal(lk_h323_gk_alloc(&f->gk, &p), 0);

	len = capture_load("ras-f59-grq.bin", req, 4096);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 2034, 0), ENOENT);

	len = rrq(req, 1, "alice", NULL, 2001, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3001, 0), 0);
	epid_of(f, old, sizeof(old));
	assert_int_equal(lk_h323_gk_pop(f->gk, out, sizeof(out), &olen, &to),
			 ENOENT);
	/* A second endpoint takes "alice": RCF, and a URQ to the first. */
	len = rrq(req, 1, "alice", NULL, 2002, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3002, 100), 0);
	assert_string_equal(lk_ras_kind(f->msg), "registrationConfirm");
	epid_of(f, epid, sizeof(epid));
	assert_string_not_equal(epid, old);
	assert_int_equal(lk_h323_gk_count(f->gk, 100), 1);
	assert_int_equal(lk_h323_gk_pop(f->gk, out, sizeof(out), &olen, &to),
			 0);
	assert_int_equal(ntohs(to.sin_port), 3001);
	lk_asn_arena_init(&f->ar, arena_mem, sizeof(arena_mem));
	assert_int_equal(lk_ras_decode(out, olen, &f->ar, &f->msg, NULL), 0);
	assert_string_equal(lk_ras_kind(f->msg), "unregistrationRequest");
	epid_of(f, epid, sizeof(epid));
	assert_string_equal(epid, old);
	b = lk_ras_body(f->msg);
	ta_is(&lk_asn_get(b, "callSignalAddress")->u.list.v[0], 2001);
	assert_int_equal(lk_h323_gk_pop(f->gk, out, sizeof(out), &olen, &to),
			 ENOENT);

	/* Without the hook, carol is nobody; with it, anyone is admitted. */
	lk_h323_gk_set_admit(f->gk, NULL, NULL);
	len = rrq(req, 2, "dave", NULL, 2004, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3004, 150), 0);
	epid_of(f, epid, sizeof(epid));
	len = arq(req, 3, epid, "carol", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3004, 160), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionReject");
	lk_h323_gk_set_admit(f->gk, admit_all, NULL);
	/* Any destination is admitted by the hook; irrFrequency 300. */
	epid_of(f, epid, sizeof(epid));
	len = rrq(req, 2, "bob", NULL, 2003, false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3003, 200), 0);
	epid_of(f, epid, sizeof(epid));
	admit_count = 0;
	len = arq(req, 3, epid, "carol", false);
	assert_int_equal(ask(f, req, len, "127.0.0.1", 3003, 300), 0);
	assert_string_equal(lk_ras_kind(f->msg), "admissionConfirm");
	assert_int_equal(lk_asn_get(lk_ras_body(f->msg),
				    "irrFrequency")->u.i, 300);
	assert_int_equal(admit_count, 1);
	lk_h323_gk_stats(f->gk, &st);
	assert_int_equal(st.overwritten, 1);
	assert_int_equal(st.sent_urq, 1);
}

/*
 * --endpoint RASPORT PCAP: a scripted endpoint for
 * tests/integration/h323_gatekeeper_routed.sh, against a running
 * latchkeyd (conflict mode overwrite, Auto discover off).  Three sockets
 * (alice, bob, then alice again from a new one) register, ask admission,
 * bandwidth and location, report, discover; each reply kind is printed
 * ("-" for none), and every datagram goes into PCAP for tshark.
 */
struct ep {
	int fd;
	struct sockaddr_in addr;
};

static FILE *ep_pcap;
static uint32_t ep_ts;
static struct sockaddr_in ep_gk;

/* How long to wait: 3 s for an answer due (a loaded machine, ASan), 0.7 s
 * to conclude that none comes. */
static void ep_wait(struct ep *e, bool due)
{
	struct timeval tv = { .tv_sec = due ? 3 : 0,
			      .tv_usec = due ? 0 : 700000 };

	if (setsockopt(e->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("SO_RCVTIMEO");
		exit(1);
	}
}

static void ep_open(struct ep *e)
{
	socklen_t sl = sizeof(e->addr);

	e->fd = socket(AF_INET, SOCK_DGRAM, 0);
	e->addr = ipv4("127.0.0.1", 0);
	if (e->fd < 0 || bind(e->fd, (struct sockaddr *)&e->addr, sl) ||
	    getsockname(e->fd, (struct sockaddr *)&e->addr, &sl)) {
		perror("endpoint socket");
		exit(1);
	}
	ep_wait(e, true);
}

/* The next datagram to e (a reply or a URQ), printed by kind: its length. */
static size_t ep_recv(struct ep *e, const char *step, uint8_t *rep,
		      size_t cap)
{
	static uint8_t mem[1 << 16];
	struct sockaddr_in src;
	socklen_t sl = sizeof(src);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	ssize_t r;

	r = recvfrom(e->fd, rep, cap, 0, (struct sockaddr *)&src, &sl);
	if (r <= 0) {
		printf("%s -\n", step);
		return 0;
	}
	capture_pcap_udp(ep_pcap, ep_ts++, src.sin_addr.s_addr, src.sin_port,
			 e->addr.sin_addr.s_addr, e->addr.sin_port, rep,
			 (size_t)r);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	printf("%s %s\n", step, lk_ras_decode(rep, (size_t)r, &ar, &msg,
		NULL) ? "undecodable" : lk_ras_kind(msg));
	return (size_t)r;
}

static size_t ep_ask(struct ep *e, const char *step, const uint8_t *req,
		     size_t len, uint8_t *rep)
{
	capture_pcap_udp(ep_pcap, ep_ts++, e->addr.sin_addr.s_addr,
			 e->addr.sin_port, ep_gk.sin_addr.s_addr,
			 ep_gk.sin_port, req, len);
	if (sendto(e->fd, req, len, 0, (struct sockaddr *)&ep_gk,
		   sizeof(ep_gk)) < 0) {
		perror("sendto");
		exit(1);
	}
	return ep_recv(e, step, rep, 4096);
}

/* The endpointIdentifier of an RCF. */
static void ep_epid(const uint8_t *rcf, size_t len, char *epid, size_t cap)
{
	static uint8_t mem[1 << 16];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg = NULL;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	epid[0] = 0;
	if (len && !lk_ras_decode(rcf, len, &ar, &msg, NULL))
		lk_asn_str_ascii(lk_asn_get(lk_ras_body(msg),
			"endpointIdentifier"), epid, cap);
}

static int run_endpoint(uint16_t ras, const char *pcap)
{
	uint8_t req[4096], rep[4096];
	char alice[64], bob[64];
	struct ep a, b, c;
	size_t len, n;

	ep_gk = ipv4("127.0.0.1", ras);
	ep_pcap = capture_pcap_open(pcap);
	if (!ep_pcap)
		return 1;
	ep_open(&a);
	ep_open(&b);
	ep_open(&c);
	len = rrq(req, 1, "alice", NULL, 2001, false);
	n = ep_ask(&a, "rrq-alice", req, len, rep);
	ep_epid(rep, n, alice, sizeof(alice));
	len = rrq(req, 1, "bob", NULL, 2002, false);
	n = ep_ask(&b, "rrq-bob", req, len, rep);
	ep_epid(rep, n, bob, sizeof(bob));
	len = arq(req, 2, alice, "bob", false);
	ep_ask(&a, "arq-bob", req, len, rep);
	len = brq(req, 3, alice);
	ep_ask(&a, "brq", req, len, rep);
	len = lrq(req, 4, "bob");
	ep_ask(&a, "lrq-bob", req, len, rep);
	len = irr(req, 5, alice, true);
	ep_ask(&a, "irr", req, len, rep);
	len = capture_load("ras-f59-grq.bin", req, 4096);
	ep_wait(&a, false);
	ep_ask(&a, "grq", req, len, rep);
	ep_wait(&a, true);
	/* alice again from another endpoint: overwrite, URQ to the first. */
	len = rrq(req, 1, "alice", NULL, 2003, false);
	ep_ask(&c, "rrq-alice-again", req, len, rep);
	ep_recv(&a, "to-first-alice", rep, sizeof(rep));
	len = arq(req, 6, alice, "bob", false);
	ep_ask(&a, "arq-unregistered", req, len, rep);
	close(a.fd);
	close(b.fd);
	close(c.fd);
	return fclose(ep_pcap) ? 1 : 0;
}

/* The call layer reaches the gatekeeper through its RAS socket. */
static void test_ras_socket(void **state)
{
	struct fixture *f = *state;
	struct event_base *base = event_base_new();
	struct lk_h323_ras *ras = NULL;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_non_null(base);
	assert_true(fd >= 0);
	assert_int_equal(lk_h323_ras_alloc(&ras, base, fd, f->gk), 0);
	assert_ptr_equal(lk_h323_ras_gk(ras), f->gk);
	assert_null(lk_h323_ras_gk(NULL));
	mem_deref(ras);
	event_base_free(base);
}

static const uint8_t sci_guid[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* The SCI waiting in the gatekeeper's outbox: its seq, to where. */
static uint16_t pop_sci(struct lk_h323_gk *gk, struct sockaddr_in *to)
{
	static uint8_t mem[1 << 14];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	struct sockaddr_in csa;
	uint8_t buf[1024], id[16];
	size_t len, errbit;
	uint16_t seq;

	assert_int_equal(lk_h323_gk_pop(gk, buf, sizeof(buf), &len, to), 0);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	assert_int_equal(lk_ras_decode(buf, len, &ar, &msg, &errbit), 0);
	assert_string_equal(lk_ras_kind(msg), "serviceControlIndication");
	assert_int_equal(lk_h46018_sci_incoming(lk_ras_body(msg), &csa, id),
			 0);
	assert_int_equal(ntohs(csa.sin_port), 1720);
	assert_memory_equal(id, sci_guid, 16);
	assert_int_equal(lk_ras_seqnum(msg, &seq), 0);
	return seq;
}

/*
 * An endpoint behind a NAT: registered by its binding, its timeToLive cut
 * to the keep-alive period, called with one SCI on that binding, repeated
 * only while no SCR comes.
 */
static void test_gk_traversal(void **state)
{
	struct fixture *f = *state;
	struct lk_h323_gk_params p = { .ttl = 1800, .gkid = "latchkey",
				       .max_regs = 4, .h46018_ttl = 45 };
	struct sockaddr_in nat = ipv4("198.51.100.7", 61000), to, csa;
	struct lk_h323_gk_stats st;
	struct lk_h323_gk *gk;
	struct lk_asn_arena ar;
	uint16_t nport = ntohs(nat.sin_port);
	struct lk_asn_val *msg, *body, *alias;
	uint8_t req[1024], scr[256];
	char epid[64];
	size_t len, rlen;
	uint16_t seq;

	p.ras = ipv4("192.0.2.1", 1719);
	p.callsig = ipv4("192.0.2.1", 1720);
	assert_int_equal(lk_h323_gk_alloc(&gk, &p), 0);
	mem_deref(f->gk);
	f->gk = gk;

	len = rrq(req, 1, "nat-ep", NULL, 1720, true);
	assert_int_equal(ask(f, req, len, "198.51.100.7", nport, 0), 0);
	msg = f->msg;
	body = lk_ras_body(msg);
	assert_string_equal(lk_ras_kind(msg), "registrationConfirm");
	assert_true(lk_ras_has_feature(body, 18));
	assert_int_equal(lk_asn_get(body, "timeToLive")->u.i, 45);
	lk_asn_str_ascii(lk_asn_get(body, "endpointIdentifier"), epid,
			 sizeof(epid));
	/* Its keep-alive (the Tandberg way, with featureSet 18) too. */
	len = rrq(req, 2, NULL, epid, 1720, true);
	assert_int_equal(ask(f, req, len, "198.51.100.7", nport, 30000), 0);
	assert_int_equal(lk_asn_get(lk_ras_body(f->msg), "timeToLive")->u.i,
			 45);

	/*
	 * Its alias (as the RCF to a full registration again lists it)
	 * routes to its binding, never to its
	 * callSignalAddress 127.0.0.1:1720.
	 */
	len = rrq(req, 3, "nat-ep", NULL, 1720, true);
	assert_int_equal(ask(f, req, len, "198.51.100.7", nport, 31000), 0);
	alias = lk_asn_get(lk_ras_body(f->msg), "terminalAlias");
	assert_non_null(alias);
	assert_int_equal(lk_h323_gk_route(gk, alias, 31000, &csa), 0);
	assert_int_equal(csa.sin_addr.s_addr, nat.sin_addr.s_addr);
	assert_int_equal(csa.sin_port, nat.sin_port);

	/* One SCI for the call, to the binding; asked again: EALREADY. */
	assert_int_equal(lk_h323_gk_sci(gk, &csa, sci_guid, false, 32000), 0);
	assert_int_equal(lk_h323_gk_sci(gk, &csa, sci_guid, false, 32100),
			 EALREADY);
	seq = pop_sci(gk, &to);
	assert_int_equal(to.sin_port, nat.sin_port);
	assert_int_equal(lk_h323_gk_pop(gk, scr, sizeof(scr), &rlen, &to),
			 ENOENT);
	/* No SCR for 3 s: the same SCI again; then the SCR ends it. */
	lk_h323_gk_tick(gk, 34999);
	assert_int_equal(lk_h323_gk_pop(gk, scr, sizeof(scr), &rlen, &to),
			 ENOENT);
	lk_h323_gk_tick(gk, 35000);
	assert_int_equal(pop_sci(gk, &to), seq);
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	msg = lk_ras_new(&ar, "serviceControlResponse", seq, &body);
	lk_asn_set(&ar, lk_asn_set(&ar, body, "result"), "started");
	assert_int_equal(lk_ras_encode(msg, scr, sizeof(scr), &len), 0);
	assert_int_equal(lk_h323_gk_handle(gk, scr, len, &nat, 35100, req,
					   sizeof(req), &rlen), ENOENT);
	lk_h323_gk_tick(gk, 40000);
	assert_int_equal(lk_h323_gk_pop(gk, scr, sizeof(scr), &rlen, &to),
			 ENOENT);
	lk_h323_gk_stats(gk, &st);
	assert_int_equal(st.scr, 1);
	assert_int_equal(st.sci_sent, 1);
	assert_int_equal(st.sci_retransmits, 1);

	/* Not an H.460.18 registration: ENOENT, the caller dials. */
	to = ipv4("127.0.0.1", 1720);
	assert_int_equal(lk_h323_gk_sci(gk, &to, sci_guid, false, 40000),
			 ENOENT);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture_grq_rrq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keepalive_ttl_urq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_restart_after_urq, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_table_full, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_routed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gk_traversal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ras_socket, setup,
						teardown),
	};

	if (argc == 4 && !strcmp(argv[1], "--endpoint"))
		return run_endpoint((uint16_t)atoi(argv[2]), argv[3]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
