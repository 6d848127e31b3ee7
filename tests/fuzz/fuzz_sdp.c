/* tests/fuzz/fuzz_sdp.c  libFuzzer driver: SDP parse, rewrite, parse again; SDP as a media description, the relay's answer, and an SDP written from the description (relay/sdpdesc.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp.h"
#include "sdpdesc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two fixed plans between them use every switch: A moves to IPv6 and
 * replaces everything it can, offers rtcp-mux, strips ICE, gives stream 1
 * an IPv4 address of its own and even streams an RTCP port that is not
 * RTP + 1; B stays IPv4, replaces only what it must, demuxes, keeps ICE.
 */
static void plan_fill(struct lk_sdp_plan *plan, bool a)
{
	unsigned i;

	memset(plan, 0, sizeof(*plan));
	plan->addr = a ? "2001:db8:ffff::10" : "203.0.113.10";
	plan->af = a ? LK_SDP_AF_IP6 : LK_SDP_AF_IP4;
	plan->replace_origin = a;
	plan->replace_session_conn = a;
	plan->replace_zero = a;
	plan->rtcp_mux = a ? LK_SDP_MUX_OFFER : LK_SDP_MUX_DEMUX;
	plan->ice = a ? LK_SDP_ICE_REMOVE : LK_SDP_ICE_KEEP;
	for (i = 0; i < LK_SDP_MAX_MEDIA; i++) {
		plan->media[i].rtp_port = (uint16_t)(36002 + 4 * i);
		if (a && i % 2 == 0)
			plan->media[i].rtcp_port = (uint16_t)(50001 + 2 * i);
	}
	if (a) {
		plan->media[1].addr = "198.51.100.1";
		plan->media[1].af = LK_SDP_AF_IP4;
	}
}

static bool str_eq(const struct lk_sdp_str *s, const char *lit)
{
	return s->len == strlen(lit) && memcmp(s->p, lit, s->len) == 0;
}

/* What must hold of any output; abort() makes a violation a crash. */
static void check_output(const struct lk_sdp *in, const struct lk_sdp *out,
			 const struct lk_sdp_plan *plan)
{
	const struct lk_sdp_media *mi, *mo;
	const struct lk_sdp_plan_media *pm;
	const struct lk_sdp_addr *conn;
	uint16_t rtcp;
	unsigned i;

	if (out->nmedia != in->nmedia)
		abort();
	if (plan->ice == LK_SDP_ICE_REMOVE && out->ice)
		abort();
	for (i = 0; i < in->nmedia; i++) {
		mi = &in->media[i];
		mo = &out->media[i];
		pm = &plan->media[i];
		if (mo->nports != mi->nports || mo->rtp != mi->rtp)
			abort();
		if (!mi->port) {
			if (mo->port)
				abort();
			continue;
		}
		if (mo->port != pm->rtp_port)
			abort();
		if (!mi->rtp)
			continue;
		rtcp = pm->rtcp_port ? pm->rtcp_port
				     : (uint16_t)(pm->rtp_port + 1);
		if ((mi->rtcp_port || rtcp != pm->rtp_port + 1) &&
		    mo->rtcp_port != rtcp)
			abort();
		if (plan->rtcp_mux == LK_SDP_MUX_OFFER && !mo->rtcp_mux)
			abort();
		if (plan->rtcp_mux == LK_SDP_MUX_DEMUX && mo->rtcp_mux)
			abort();
		/* With zero addresses replaced too, every active stream
		 * is reached at its relay address and nowhere else. */
		if (plan->replace_zero) {
			conn = mo->conn.af ? &mo->conn : &out->conn;
			if (!conn->af ||
			    !str_eq(&conn->addr,
				    pm->addr ? pm->addr : plan->addr))
				abort();
		}
	}
}

static void run(const struct lk_sdp *sdp, const struct lk_sdp_plan *plan,
		size_t bound)
{
	struct lk_sdp again, third;
	size_t need, len, len2;
	char *out, *out2;
	int err;

	if (lk_sdp_rewrite(NULL, 0, &need, sdp, plan))
		return;		/* EINVAL: the plan does not fit, e.g. a
				 * port count past 65535 */

	/* A heap buffer of exactly `bound` bytes: ASan sees any write
	 * past it. */
	out = malloc(bound ? bound : 1);
	if (!out)
		return;
	len = 0;
	err = lk_sdp_rewrite(out, bound, &len, sdp, plan);
	if (need > bound) {
		if (err != ENOSPC)
			abort();
		free(out);
		return;
	}
	if (err || len != need)
		abort();
	if (lk_sdp_parse(&again, NULL, out, len))
		abort();
	check_output(sdp, &again, plan);

	/* Rewriting the output again changes nothing. */
	if (lk_sdp_rewrite(NULL, 0, &len2, &again, plan) || len2 != len)
		abort();
	out2 = malloc(len2 ? len2 : 1);
	if (!out2)
		abort();
	if (lk_sdp_rewrite(out2, len2, &len2, &again, plan) ||
	    memcmp(out, out2, len))
		abort();
	if (lk_sdp_parse(&third, NULL, out2, len2))
		abort();
	free(out2);
	free(out);
}

/*
 * The input described, answered by a relay that multiplexes odd streams
 * and terminates SDES on even ones; described again, the answer carries
 * the relay's ports, mux IDs and keys and no mux ID of the input's.
 */
static void describe_answer(const struct lk_sdp *sdp, size_t bound)
{
	static struct lk_mdesc d, again;
	static struct lk_mdesc_relay relay[LK_MDESC_MAX_STREAMS];
	struct lk_sdp_plan plan;
	struct lk_sdp out;
	unsigned i;
	size_t len;
	char *buf;

	lk_sdp_describe(&d, sdp);
	if (lk_mdesc_check(&d, NULL, NULL) || d.nstreams != sdp->nmedia)
		abort();
	memset(relay, 0, sizeof(relay));
	for (i = 0; i < d.nstreams; i++) {
		if (!d.s[i].port)
			continue;
		relay[i].port = (uint16_t)(36000 + 2 * i);
		relay[i].rtcp_port = (uint16_t)(relay[i].port + 1);
		relay[i].mux = i % 2;
		relay[i].mux_id = 1000 + i;
		relay[i].own_crypto = i % 2 == 0;
		if (relay[i].own_crypto && d.s[i].rtp) {
			memcpy(relay[i].crypto[0], "1 AES_CM_128_HMAC_SHA1_80 "
			       "inline:4fl6DT4Bi+DWT6MsBt5BOQ7Gda1Jiv7rtpYLOqvm",
			       74);
			relay[i].ncrypto = 1;
		}
	}
	plan_fill(&plan, false);
	buf = malloc(bound);
	if (!buf)
		return;
	if (lk_sdp_answer(buf, bound, &len, sdp, &plan, relay) ||
	    lk_sdp_parse(&out, NULL, buf, len)) {
		free(buf);
		return;		/* ENOSPC, EINVAL: as lk_sdp_rewrite() */
	}
	lk_sdp_describe(&again, &out);
	if (again.nstreams != d.nstreams)
		abort();
	for (i = 0; i < d.nstreams; i++) {
		if (again.s[i].port != relay[i].port)
			abort();
		if (again.s[i].mux_id != (relay[i].mux && relay[i].port ?
					  relay[i].mux_id : 0))
			abort();
		if (relay[i].own_crypto &&
		    again.s[i].ncrypto != relay[i].ncrypto)
			abort();
	}
	free(buf);
}

/*
 * The input's description written as a whole SDP (what a SIP leg of an
 * interworking call sends): when the writer takes it, its output parses
 * and describes the same streams again; a buffer too small is ENOSPC.
 */
static void describe_write(const struct lk_sdp *sdp, size_t bound)
{
	static struct lk_mdesc d, again;
	struct lk_sdp out;
	unsigned i;
	size_t len;
	char *buf;
	int err;

	lk_sdp_describe(&d, sdp);
	buf = malloc(bound ? bound : 1);
	if (!buf)
		return;
	err = lk_sdp_write(buf, bound, &len, &d, 1, 2);
	if (err) {
		if (err != EINVAL && err != ENOSPC)
			abort();
		free(buf);
		return;
	}
	if (len > bound || lk_sdp_parse(&out, NULL, buf, len))
		abort();
	lk_sdp_describe(&again, &out);
	if (again.nstreams != d.nstreams)
		abort();
	for (i = 0; i < d.nstreams; i++) {
		const struct lk_mdesc_stream *a = &d.s[i], *b = &again.s[i];
		/* A rejected RTP stream with no format gets "0" (RFC 4566
		 * s.5.14: an m= line has one). */
		bool zero = !a->port && !a->npt && a->rtp;

		if (b->port != a->port || b->dir != a->dir)
			abort();
		if (zero ? b->npt != 1 || b->pt[0] != 0 :
		    b->npt != a->npt || memcmp(b->pt, a->pt, a->npt))
			abort();
		if (!a->port)
			continue;	/* rejected: nothing more is said */
		if (b->ncrypto != a->ncrypto || b->mux_id != a->mux_id ||
		    b->rtcp_mux != a->rtcp_mux)
			abort();
		if (a->rtp && !a->rtcp_mux && b->rtcp_port != a->rtcp_port)
			abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_sdp_error err;
	struct lk_sdp_plan plan;
	struct lk_sdp sdp;

	if (lk_sdp_parse(&sdp, &err, (const char *)data, size)) {
		if (!err.reason || !err.line || err.line > size + 1)
			abort();
		return 0;
	}

	plan_fill(&plan, true);
	run(&sdp, &plan, size + 512);
	run(&sdp, &plan, size / 2);
	plan_fill(&plan, false);
	run(&sdp, &plan, size + 512);
	describe_answer(&sdp, size + 1024);
	describe_write(&sdp, size + 1024);
	describe_write(&sdp, size / 4);

	return 0;
}
