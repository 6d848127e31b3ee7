/* signalling/sip/b2bua.c  Calls through the relay: two dialogs, routing, SDP rewritten by the media core. */
/*
 * Owns the SIP calls (struct b2bcall, mem_zalloc, one reference held by
 * the list b->calls until the call ends) and their two dialogs (struct
 * side, indexed by Call-ID in b->dialogs), the forwarded in-dialog requests
 * (struct fwd, which hold a reference to their call) and the media-session
 * sweep timer.  The state of each call is decided by call/call.c; the SDP
 * goes through relay/media.h; routing reaches the zones through the
 * callbacks of struct lk_b2bua_zones.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <re.h>

#include "sip/b2bua.h"
#include "clock.h"
#include "log.h"
#include "media.h"
#include "sip/registrar.h"
#include "call/call.h"
#include "call/route.h"
#include "sip/msg.h"
#include "sip/transaction.h"

#define SDP_MAX		16384		/* a rewritten SDP body */
#define SWEEP_S		5		/* media-session check, seconds */

/* Side A is the caller's dialog (we are its UAS), B ours to the callee. */
enum { SIDE_A = LK_SIGCALL_A, SIDE_B = LK_SIGCALL_B };

struct b2bcall;

/* One of our two dialogs: what we need to send in it and to match it. */
struct side {
	struct le he;			/* in b->dialogs, by Call-ID */
	struct b2bcall *call;
	struct lk_sipflow flow;		/* where its requests go */
	char *callid;
	char *ltag, *rtag;		/* our tag, the peer's tag */
	char *luri, *ruri;		/* name-addrs: our From, our To */
	char *target;			/* the peer's Contact URI */
	uint32_t lcseq;			/* our last CSeq in this dialog */
	bool zone;			/* the peer is a traversal zone */
};

struct b2bcall {
	struct le le;			/* in b->calls */
	struct lk_b2bua *b;
	unsigned id;
	struct lk_sigcall sc;		/* the state, decided in call/call.c */
	struct side s[2];
	char media_id[48];		/* the media core's call-id */
	bool media;			/* a media session exists */
	uint64_t started;		/* monotonic seconds */
	uint64_t started_ms;		/* monotonic ms, for the set-up time */
	char what[200];			/* "sip:bob@x -> sip:alice@y" */

	/*
	 * The INVITE in progress (the first one, or a re-INVITE), from the
	 * side lk_sigcall_offerer() names.
	 */
	struct lk_sipxact_srv *ist;	/* its server transaction */
	struct sip_msg *imsg;
	struct lk_sipxact_cli *ict;	/* ours to the other side (a ref) */
	char ibranch[40];
	char *iruri;
	uint32_t icseq;
	bool got_2xx;			/* later 2xx are retransmissions */
	const struct sip_msg *resp;	/* the response being handled */
	char warn[300];			/* Warning lines for the next reject */
	struct mbuf *ack;		/* the ACK for the other side's 2xx */
	char *answer;			/* the rewritten answer SDP, for 2xx */
	size_t answer_len;
};

struct lk_b2bua {
	struct event_base *base;
	const struct lk_conf *conf;
	struct lk_siptransport *tp;
	struct lk_sipxact *ts;
	struct lk_registrar *reg;
	struct lk_b2bua_zones zones;	/* routing's window on the zones */
	struct lk_media *media;
	struct list calls;
	struct hash *dialogs;
	struct event *sweep;
	unsigned next_id;
	char *sdpbuf;
	struct lk_b2bua_stats st;
};


static const char *side_name(int side)
{
	return side == SIDE_A ? "A (caller)" : "B (callee)";
}

static void contact_of(char *buf, size_t sz, const struct lk_conf *conf,
		       enum lk_listen_proto tpt)
{
	char sb[80];

	lk_siptransport_sentby(sb, sizeof(sb), conf, tpt);
	if (tpt == LK_LISTEN_UDP)
		snprintf(buf, sz, "<sip:latchkey@%s>", sb);
	else
		snprintf(buf, sz, "<sip:latchkey@%s;transport=%s>", sb,
			 lk_listen_proto_param(tpt));
}

/*
 * Calls and dialogs
 */

static void side_reset(struct side *s)
{
	hash_unlink(&s->he);
	lk_sipflow_reset(&s->flow);
	s->callid = mem_deref(s->callid);
	s->ltag = mem_deref(s->ltag);
	s->rtag = mem_deref(s->rtag);
	s->luri = mem_deref(s->luri);
	s->ruri = mem_deref(s->ruri);
	s->target = mem_deref(s->target);
}

static void ist_end(struct lk_sipxact_srv *st, int err, void *arg);

static void call_destructor(void *arg)
{
	struct b2bcall *call = arg;

	list_unlink(&call->le);
	side_reset(&call->s[SIDE_A]);
	side_reset(&call->s[SIDE_B]);
	if (call->ist)
		lk_sipxact_set_handler(call->ist, NULL, NULL);
	lk_sipxact_cli_abandon(call->ict);
	call->ict = NULL;
	mem_deref(call->imsg);
	mem_deref(call->iruri);
	mem_deref(call->ack);
	mem_deref(call->answer);
}

static struct side *dialog_find(struct lk_b2bua *b, const struct sip_msg *msg)
{
	struct le *le;

	for (le = list_head(hash_list(b->dialogs,
				     hash_joaat_ci(msg->callid.p,
						   msg->callid.l)));
	     le; le = le->next) {
		struct side *s = le->data;

		if (!s->callid || pl_strcmp(&msg->callid, s->callid))
			continue;
		if (!s->rtag || pl_strcmp(&msg->from.tag, s->rtag))
			continue;
		if (!s->ltag || pl_strcmp(&msg->to.tag, s->ltag))
			continue;
		return s;
	}

	return NULL;
}

static void side_index(struct lk_b2bua *b, struct side *s)
{
	hash_append(b->dialogs, hash_joaat_ci(s->callid, strlen(s->callid)),
		    &s->he, s);
}

/* Per leg counters for the log line of a call that ends. */
struct leg_sum {
	char text[240];
	size_t len;
};

static void leg_sum_h(const struct lk_media_leg_info *leg, void *arg)
{
	struct leg_sum *ls = arg;
	int n;

	if (ls->len >= sizeof(ls->text) - 1)
		return;
	n = snprintf(ls->text + ls->len, sizeof(ls->text) - ls->len,
		     "%s%s %s in=%llu out=%llu%s", ls->len ? ", " : "",
		     leg->media, leg->side, (unsigned long long)leg->packets,
		     (unsigned long long)leg->packets_out,
		     leg->mux_rx ? " (mux)" : "");
	if (n > 0)
		ls->len += (size_t)n;
}

/* The call ended (lk_sigcall_end()): media, log, and out of the tables. */
static void op_ended(struct lk_sigcall *sc, const char *why)
{
	struct b2bcall *call = lk_sigcall_arg(sc);
	struct lk_b2bua *b = call->b;
	struct lk_media_call_info info;
	struct lk_media_str cid;
	struct leg_sum ls;
	const char *reason;

	memset(&ls, 0, sizeof(ls));
	if (call->media) {
		cid.p = call->media_id;
		cid.len = strlen(call->media_id);
		lk_media_query(b->media, &cid, &info, leg_sum_h, &ls,
			       &reason);
		lk_media_delete(b->media, &cid, &reason);
		call->media = false;
	}
	lk_info("call %u (%s): ended: %s after %llu s%s%s", call->id,
		call->what, why, (unsigned long long)(lk_clock_s() - call->started),
		ls.len ? "; media packets " : "", ls.text);
	--b->st.active;
	lk_sipxact_cli_abandon(call->ict);
	call->ict = NULL;
	if (call->ist) {
		lk_sipxact_set_handler(call->ist, NULL, NULL);
		call->ist = NULL;
	}
	list_unlink(&call->le);
	hash_unlink(&call->s[SIDE_A].he);
	hash_unlink(&call->s[SIDE_B].he);
	mem_deref(call);			/* the list's reference */
}

/*
 * Sending
 */

/* Answer the INVITE in progress (from side lk_sigcall_offerer()). */
static int invite_reply(struct b2bcall *call, uint16_t scode,
			const char *reason, const char *extra,
			const char *sdp, size_t sdp_len)
{
	struct lk_b2bua *b = call->b;
	struct side *in = &call->s[lk_sigcall_offerer(&call->sc)];
	char hdrs[512], contact[128];
	struct mbuf *mb = NULL;
	int err;

	if (!call->ist || !call->imsg)
		return ENOENT;
	contact_of(contact, sizeof(contact), b->conf, in->flow.tp);
	snprintf(hdrs, sizeof(hdrs), "%s%s%sAllow: " LK_SIP_ALLOW "\r\n%s",
		 scode > 100 && scode < 300 ? "Contact: " : "",
		 scode > 100 && scode < 300 ? contact : "",
		 scode > 100 && scode < 300 ? "\r\n" : "", extra ? extra : "");
	err = lk_sipmsg_reply_body(&mb, call->imsg, &in->flow.remote, scode,
				   reason, in->ltag, hdrs,
				   sdp_len ? "application/sdp" : NULL,
				   (const uint8_t *)sdp, sdp_len);
	if (err)
		return err;
	err = lk_sipxact_reply(call->ist, scode, mb);
	mem_deref(mb);
	if (scode >= 300 && call->ist) {
		/* The transaction absorbs the ACK; we are done with it. */
		lk_sipxact_set_handler(call->ist, NULL, NULL);
		call->ist = NULL;
	}

	return err;
}

static void ct_ignore(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg;
}

/*
 * The parts of a request of ours in dialog `s` (RFC 3261 s.12.2.1.1):
 * its target, our From and tag, the peer's To and tag, the Call-ID.
 */
static void dialog_req(struct lk_sipreq *r, const struct side *s,
		       const char *method, const char *sentby,
		       const char *branch, uint32_t cseq)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->ruri = s->target;
	r->via_tp = lk_listen_proto_name(s->flow.tp);
	r->via_sentby = sentby;
	r->branch = branch;
	r->max_forwards = 70;
	r->from = s->luri;
	r->from_tag = s->ltag;
	r->to = s->ruri;
	r->to_tag = s->rtag;
	r->callid = s->callid;
	r->cseq = cseq;
}

/* A request in dialog `s` (BYE, re-INVITE, INFO, ...). */
static int side_request(struct side *s, const char *method,
			const char *hdrs, const char *ctype,
			const uint8_t *body, size_t blen, lk_sipxact_cli_h *h,
			void *arg, struct lk_sipxact_cli **ctp, char *branchp,
			size_t bsz)
{
	struct lk_b2bua *b = s->call->b;
	char sb[80], branch[40], contact[128];
	struct lk_sipreq r;
	struct mbuf *mb = NULL;
	const struct lk_sipflow *f;
	struct lk_sipxact_cli *ct = NULL;
	int err;

	lk_siptransport_sentby(sb, sizeof(sb), b->conf, s->flow.tp);
	contact_of(contact, sizeof(contact), b->conf, s->flow.tp);
	lk_sipxact_branch(branch, sizeof(branch));
	dialog_req(&r, s, method, sb, branch, ++s->lcseq);
	r.contact = contact;
	r.hdrs = hdrs;
	r.ctype = ctype;
	r.body = body;
	r.blen = blen;
	err = lk_sipmsg_request(&mb, &r);
	if (err)
		return err;
	err = lk_sipxact_request(&ct, b->ts, &s->flow, mb, h ? h : ct_ignore,
				  arg);
	mem_deref(mb);
	if (err)
		return err;
	f = lk_sipxact_cli_flow(ct);
	if (f && f->conn && !s->flow.conn) {
		unsigned zone = s->flow.zone;

		lk_sipflow_reset(&s->flow);
		lk_sipflow_copy(&s->flow, f);
		s->flow.zone = zone;
	}
	if (ctp)
		*ctp = ct;
	else
		mem_deref(ct);	/* ours; the handler stays, the table's ref too */
	if (branchp)
		snprintf(branchp, bsz, "%s", branch);

	return 0;
}

/* The ACK of the other side's 2xx to our INVITE (RFC 3261 s.13.2.2.4). */
static int send_ack(struct b2bcall *call, struct side *out)
{
	struct lk_b2bua *b = call->b;
	char sb[80], branch[40];
	struct lk_sipreq r;
	int err;

	if (!call->ack) {
		lk_siptransport_sentby(sb, sizeof(sb), b->conf, out->flow.tp);
		lk_sipxact_branch(branch, sizeof(branch));
		dialog_req(&r, out, "ACK", sb, branch, call->icseq);
		err = lk_sipmsg_request(&call->ack, &r);
		if (err)
			return err;
	}

	return lk_siptransport_send(b->tp, &out->flow, call->ack->buf,
				    call->ack->end);
}

/* CANCEL our INVITE to side `out` (RFC 3261 s.9.1): same branch, R-URI. */
static void send_cancel(struct b2bcall *call, struct side *out)
{
	struct lk_b2bua *b = call->b;
	char sb[80];
	struct lk_sipreq r;
	struct mbuf *mb = NULL;

	lk_siptransport_sentby(sb, sizeof(sb), b->conf, out->flow.tp);
	dialog_req(&r, out, "CANCEL", sb, call->ibranch, call->icseq);
	r.ruri = call->iruri;
	/* The first INVITE's CANCEL is outside any dialog: no To tag. */
	if (!lk_sigcall_reoffering(&call->sc))
		r.to_tag = NULL;
	if (lk_sipmsg_request(&mb, &r))
		return;
	lk_sipxact_request(NULL, b->ts, &out->flow, mb, ct_ignore, NULL);
	mem_deref(mb);
}

static void send_bye(struct b2bcall *call, int side)
{
	struct side *s = &call->s[side];

	if (!s->rtag || !s->target)
		return;
	side_request(s, "BYE", NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL,
		     0);
}

/*
 * Media
 */

static bool is_sdp(const struct sip_msg *msg)
{
	return mbuf_get_left(msg->mb) &&
		!pl_strcasecmp(&msg->ctyp.type, "application") &&
		!pl_strcasecmp(&msg->ctyp.subtype, "sdp");
}

/*
 * The media core's flags for SDP coming from side `from` (docs/sip.md,
 * "Media of a traversal call").  Expressway: the side facing a traversal
 * zone (the Control) sends to the multiplexed ports, told in the call's
 * first offer ("mux offer" when B faces the zone, "mux answer" when A
 * does).  Control: the Expressway waits until it receives media (seed,
 * N), so the Control sends to its SDP address at once (trust address).
 */
static unsigned media_flags(const struct b2bcall *call, int from)
{
	const struct lk_conf *conf = call->b->conf;
	unsigned flags = 0;

	if (conf->role == LK_ROLE_EXPRESSWAY) {
		if (call->s[SIDE_B].zone)
			flags |= LK_MF_MUX_OFFER;
		if (call->s[SIDE_A].zone)
			flags |= LK_MF_MUX_ANSWER;
	}
	else if (call->s[from].zone) {
		flags |= LK_MF_TRUST_ADDRESS;
	}

	return flags;
}

/*
 * The media encryption mode of the zone a side is in (docs/srtp.md): its
 * traversal zone's, else the local zone's (registered endpoints, hosts).
 */
static enum lk_media_encryption side_encryption(const struct b2bcall *call,
						int side)
{
	const struct lk_conf *conf = call->b->conf;
	const struct side *s = &call->s[side];

	if (s->zone && s->flow.zone >= 1 && s->flow.zone <= LK_ZONES_MAX)
		return conf->zones[s->flow.zone - 1].media_encryption;

	return conf->local_media_encryption;
}

/* Offer or answer through the media core; on failure a SIP status. */
static int media_sdp(struct b2bcall *call, enum lk_media_op op, int from,
		     const struct sip_msg *msg, size_t *lenp,
		     uint16_t *scodep, const char **reasonp, char *warn,
		     size_t wsz)
{
	struct lk_b2bua *b = call->b;
	struct lk_media_req mr;
	struct lk_media_reply rep;
	struct side *in = &call->s[from], *out = &call->s[!from];
	int err;

	memset(&mr, 0, sizeof(mr));
	memset(&rep, 0, sizeof(rep));
	mr.op = op;
	mr.call_id.p = call->media_id;
	mr.call_id.len = strlen(call->media_id);
	/* ng's names: the offer's sender is from-tag, the answerer to-tag. */
	if (op == LK_MEDIA_OFFER) {
		mr.from_tag.p = in->rtag;
		mr.from_tag.len = strlen(in->rtag);
		if (out->rtag) {
			mr.to_tag.p = out->rtag;
			mr.to_tag.len = strlen(out->rtag);
		}
	}
	else {
		mr.from_tag.p = out->rtag;
		mr.from_tag.len = strlen(out->rtag);
		mr.to_tag.p = in->rtag;
		mr.to_tag.len = strlen(in->rtag);
	}
	mr.sdp = (const char *)mbuf_buf(msg->mb);
	mr.sdp_len = mbuf_get_left(msg->mb);
	mr.flags = media_flags(call, from);
	/*
	 * Where this side's signalling comes from (its flow: the request's
	 * source, RFC 3581 rport), as Kamailio gives ng "received-from": the
	 * media core compares it with the SDP's address to tell a NAT from
	 * none, and only it or the SDP's address may latch the leg first
	 * (docs/architecture.md, "Latching").
	 */
	if (sa_isset(&in->flow.remote, SA_ADDR) &&
	    (size_t)in->flow.remote.len <= sizeof(mr.received_from))
		memcpy(&mr.received_from, &in->flow.remote.u,
		       in->flow.remote.len);
	mr.rtcp_mux = LK_SDP_MUX_ACCEPT;
	mr.enc_sender = side_encryption(call, from);
	mr.enc_receiver = side_encryption(call, !from);
	rep.sdp = b->sdpbuf;
	rep.sdp_size = SDP_MAX;
	err = lk_media_offer_answer(b->media, &mr, &rep);
	if (err) {
		/* RFC 3261 s.20.43: 302 is "Incompatible transport protocol". */
		bool srtp = rep.error_reason &&
			!strcmp(rep.error_reason, LK_MEDIA_ERR_SRTP);

		++b->st.media_errors;
		snprintf(warn, wsz, "Warning: %u latchkey \"media: %s%s%s\""
			 "\r\n", srtp ? 302 : 399, rep.error_reason ?
			 rep.error_reason : "?", rep.detail[0] ? ": " : "",
			 rep.detail);
		lk_warn("call %u (%s): the media core refused the %s from %s:"
			" %s%s%s", call->id, call->what, op == LK_MEDIA_OFFER ?
			"offer" : "answer", side_name(from),
			rep.error_reason ? rep.error_reason : "?",
			rep.detail[0] ? ": " : "", rep.detail);
		if (err == ENOSPC) {
			*scodep = 503;
			*reasonp = "Service Unavailable";
		}
		else if (err == EBADMSG || err == EINVAL || srtp) {
			*scodep = 488;
			*reasonp = "Not Acceptable Here";
		}
		else {
			*scodep = 500;
			*reasonp = "Server Internal Error";
		}
		return err;
	}
	if (rep.warning[0])
		lk_warn("call %u: media: %s", call->id, rep.warning);
	call->media = true;
	*lenp = rep.sdp_len;

	return 0;
}

/*
 * Our INVITE's responses (initial or re-INVITE), RFC 3261 s.13.2.2
 */

/* The early answer, for a 2xx that comes without SDP (RFC 3261 s.13.2.1). */
static void keep_answer(struct b2bcall *call, size_t len)
{
	call->answer = mem_deref(call->answer);
	call->answer_len = 0;
	call->answer = mem_alloc(len, NULL);
	if (!call->answer)
		return;
	memcpy(call->answer, call->b->sdpbuf, len);
	call->answer_len = len;
}

/* Collect Warning header lines (RFC 3261 s.20.43) into a 256-octet buffer. */
static bool warning_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		      void *arg)
{
	char *buf = arg;
	size_t n = strlen(buf);

	(void)msg;
	if (n + hdr->val.l + 12 >= 256)
		return true;
	re_snprintf(buf + n, 256 - n, "Warning: %r\r\n", &hdr->val);

	return false;
}

/*
 * The operations the call state machine (call/call.c) asks of our two
 * dialogs.  The response being handled, if any, is call->resp; Warning
 * lines for a reject are call->warn.
 */

/* B's provisional, with its early answer if it has SDP (s.13.2.1). */
static void op_ringing(struct lk_sigcall *sc, enum lk_sigcall_side side,
		       uint16_t code)
{
	struct b2bcall *call = lk_sigcall_arg(sc);
	const struct sip_msg *msg = call->resp;
	int answerer = !side;
	char warn[256], reason[64];
	size_t len = 0;

	if (!msg)
		return;
	if (is_sdp(msg) && call->s[answerer].rtag) {
		uint16_t sc2;
		const char *rs;

		if (media_sdp(call, LK_MEDIA_ANSWER, answerer, msg, &len, &sc2,
			      &rs, warn, sizeof(warn)))
			len = 0;
		else
			keep_answer(call, len);
	}
	re_snprintf(reason, sizeof(reason), "%r", &msg->reason);
	invite_reply(call, code, reason, NULL, call->b->sdpbuf, len);
}

/* B's 2xx to the offerer, its SDP through the media core first. */
static int op_answer(struct lk_sigcall *sc, enum lk_sigcall_side side)
{
	struct b2bcall *call = lk_sigcall_arg(sc);
	struct lk_b2bua *b = call->b;
	const struct sip_msg *msg = call->resp;
	int answerer = !side;
	char warn[256], reason[64];
	size_t len = 0;

	if (!msg)
		return EINVAL;
	if (is_sdp(msg)) {
		uint16_t sc2;
		const char *rs;
		int err;

		err = media_sdp(call, LK_MEDIA_ANSWER, answerer, msg, &len,
				&sc2, &rs, warn, sizeof(warn));
		if (err) {
			invite_reply(call, sc2, rs, warn, NULL, 0);
			if (!lk_sigcall_reoffering(sc))
				++b->st.failed;
			return err;
		}
	}
	else if (call->answer) {
		memcpy(b->sdpbuf, call->answer, call->answer_len);
		len = call->answer_len;
	}
	re_snprintf(reason, sizeof(reason), "%r", &msg->reason);
	if (!lk_sigcall_reoffering(sc)) {
		++b->st.answered;
		lk_hist_observe(&b->st.setup, (double)lk_clock_since(
			lk_clock_ms(), call->started_ms) / 1000.0);
		lk_info("call %u (%s): answered (%u %s)%s", call->id,
			call->what, msg->scode, reason,
			len ? "; media through the relay" : "");
	}
	invite_reply(call, msg->scode, reason, NULL, b->sdpbuf, len);

	return 0;
}

static void op_reject(struct lk_sigcall *sc, enum lk_sigcall_side side,
		      uint16_t code, const char *reason)
{
	struct b2bcall *call = lk_sigcall_arg(sc);

	invite_reply(call, code, reason, call->warn[0] ? call->warn : NULL,
		     NULL, 0);
	call->warn[0] = '\0';
}

static void op_ack(struct lk_sigcall *sc, enum lk_sigcall_side side)
{
	struct b2bcall *call = lk_sigcall_arg(sc);

	send_ack(call, &call->s[side]);
}

static void op_cancel(struct lk_sigcall *sc, enum lk_sigcall_side side)
{
	struct b2bcall *call = lk_sigcall_arg(sc);

	send_cancel(call, &call->s[side]);
}

static void op_bye(struct lk_sigcall *sc, enum lk_sigcall_side side)
{
	send_bye(lk_sigcall_arg(sc), side);
}

static const struct lk_sigcall_ops sip_legs = {
	.ringing = op_ringing,
	.answer = op_answer,
	.reject = op_reject,
	.ack = op_ack,
	.cancel = op_cancel,
	.bye = op_bye,
	.ended = op_ended,
};

/*
 * Our INVITE's responses (initial or re-INVITE), RFC 3261 s.13.2.2: each
 * kind in a function of its own, the decisions in call/call.c.
 */

/* No final response (Timer B) or the transport failed: 408 or 503. */
static void invite_failed(struct b2bcall *call, int err)
{
	int callee = !lk_sigcall_offerer(&call->sc);

	lk_sipxact_cli_abandon(call->ict);
	call->ict = NULL;
	snprintf(call->warn, sizeof(call->warn), "Warning: 399 latchkey "
		 "\"%s: %s\"\r\n", side_name(callee), err == ETIMEDOUT ?
		 "no answer" : strerror(err));
	lk_warn("call %u (%s): INVITE to %s: %s", call->id, call->what,
		side_name(callee), err == ETIMEDOUT ? "no final response" :
		strerror(err));
	if (!lk_sigcall_reoffering(&call->sc))
		++call->b->st.failed;
	lk_sigcall_refused(&call->sc, err == ETIMEDOUT ? 408 : 503,
			   err == ETIMEDOUT ? "Request Timeout" :
			   "Service Unavailable", "no answer from the callee");
}

static void invite_1xx(struct b2bcall *call, const struct sip_msg *msg)
{
	struct side *callee = &call->s[!lk_sigcall_offerer(&call->sc)];

	if (msg->scode > 100 && !lk_sigcall_reoffering(&call->sc) &&
	    !callee->rtag && pl_isset(&msg->to.tag))
		pl_strdup(&callee->rtag, &msg->to.tag);
	lk_sigcall_provisional(&call->sc, msg->scode);
}

static void invite_2xx(struct b2bcall *call, const struct sip_msg *msg)
{
	struct side *callee = &call->s[!lk_sigcall_offerer(&call->sc)];
	const struct sip_hdr *h;
	struct sip_addr addr;

	if (call->got_2xx) {
		send_ack(call, callee);	/* a retransmission (s.13.2.2.4) */
		return;
	}
	call->got_2xx = true;		/* ict stays: 2xx retransmissions */
	if (!callee->rtag && pl_isset(&msg->to.tag))
		pl_strdup(&callee->rtag, &msg->to.tag);
	h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (h && !sip_addr_decode(&addr, &h->val)) {
		callee->target = mem_deref(callee->target);
		pl_strdup(&callee->target, &addr.auri);
	}
	if (!callee->rtag) {
		/* No dialog to acknowledge in or to end: refuse it here. */
		send_ack(call, callee);
		snprintf(call->warn, sizeof(call->warn), "Warning: 399 "
			 "latchkey \"the callee's 2xx has no To tag\"\r\n");
		lk_sigcall_fail(&call->sc, 502, "Bad Gateway",
				"a 2xx without To tag");
		return;
	}
	lk_sigcall_answered(&call->sc);
}

/* 300-699: the transaction sent the ACK (s.17.1.1.3). */
static void invite_final_error(struct b2bcall *call, const struct sip_msg *msg)
{
	char reason[64], why[120];
	bool cancelled = lk_sigcall_cancelled(&call->sc);

	lk_sipxact_cli_abandon(call->ict);
	call->ict = NULL;
	re_snprintf(reason, sizeof(reason), "%r", &msg->reason);
	/* The callee's (or the next relay's) reasons go back with it. */
	call->warn[0] = '\0';
	sip_msg_hdr_apply(msg, true, SIP_HDR_WARNING, warning_h, call->warn);
	if (!lk_sigcall_reoffering(&call->sc) && !cancelled)
		++call->b->st.failed;
	snprintf(why, sizeof(why), "%s: %u %s", cancelled ? "cancelled" :
		 "refused by the callee", msg->scode, reason);
	lk_sigcall_refused(&call->sc, msg->scode, reason, why);
}

static void invite_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct b2bcall *call = arg;

	mem_ref(call);
	call->resp = msg;
	if (err)
		invite_failed(call, err);
	else if (msg->scode < 200)
		invite_1xx(call, msg);
	else if (msg->scode < 300)
		invite_2xx(call, msg);
	else
		invite_final_error(call, msg);
	call->resp = NULL;
	call->warn[0] = '\0';
	mem_deref(call);
}

/* The server transaction of the INVITE in progress ended. */
static void ist_end(struct lk_sipxact_srv *st, int err, void *arg)
{
	struct b2bcall *call = arg;

	if (call->ist != st)
		return;
	call->ist = NULL;
	call->imsg = mem_deref(call->imsg);
	if (err == ETIMEDOUT &&
	    lk_sigcall_state(&call->sc) == LK_SIGCALL_CONNECTED &&
	    call->got_2xx) {
		lk_warn("call %u (%s): %s never acknowledged our 2xx; "
			"BYE to both sides", call->id, call->what,
			side_name(lk_sigcall_offerer(&call->sc)));
		lk_sigcall_terminate(&call->sc, "no ACK for the 2xx");
	}
}

/*
 * Routing (docs/sip.md, "Routing")
 */

struct pick {
	struct lk_sipflow flow;
	char *contact;
	bool found;
};

static bool pick_h(const struct lk_registrar_binding *bd, void *arg)
{
	struct pick *pk = arg;

	if (bd->flow->tp != LK_LISTEN_UDP && !lk_sipconn_open(bd->flow->conn))
		return false;		/* its connection is gone */
	lk_sipflow_copy(&pk->flow, bd->flow);
	str_dup(&pk->contact, bd->contact);
	pk->found = true;

	return true;
}

struct target {
	struct lk_sipflow flow;
	char *ruri;
	bool zone;
	char how[420];
};

/* 0 with `t` filled, or a SIP status for the caller. */
static uint16_t route(struct lk_b2bua *b, const struct sip_msg *msg,
		      const struct lk_sipflow *from, struct target *t,
		      const char **reasonp, char *warn, size_t wsz)
{
	const struct lk_conf *conf = b->conf;
	const struct lk_route_conf *rc;
	char aor[300] = "", fl[80];
	struct pick pk;
	bool local;

	memset(&pk, 0, sizeof(pk));
	local = lk_route_local_domain(conf, msg->uri.host.p,
				      msg->uri.host.l);
	if (local && !lk_registrar_aor(aor, sizeof(aor), &msg->uri)) {
		lk_registrar_apply(b->reg, aor, pick_h, &pk);
		if (pk.found) {
			t->flow = pk.flow;
			t->ruri = pk.contact;
			snprintf(t->how, sizeof(t->how), "registered contact "
				 "of %s via %s", aor,
				 lk_sipflow_name(fl, sizeof(fl), &t->flow));
			return 0;
		}
	}
	rc = lk_route_find(conf, msg->uri.user.p, msg->uri.user.l,
			   msg->uri.host.p, msg->uri.host.l);
	if (rc && rc->kind == LK_ROUTE_ZONE) {
		const struct lk_sipflow *zf;

		if (from->zone == rc->zone) {
			snprintf(warn, wsz, "Warning: 399 latchkey \"Route %u "
				 "sends this back to traversal zone %u, where "
				 "it came from\"\r\n", rc->number, rc->zone);
			*reasonp = "Loop Detected";
			return 482;
		}
		zf = b->zones.flow(b->zones.arg, rc->zone);
		if (!zf) {
			++b->st.unavailable;
			snprintf(warn, wsz, "Warning: 399 latchkey \"Route %u: "
				 "traversal zone %u is not connected\"\r\n",
				 rc->number, rc->zone);
			*reasonp = "Temporarily Unavailable";
			return 480;
		}
		lk_sipflow_copy(&t->flow, zf);
		pl_strdup(&t->ruri, &msg->ruri);
		t->zone = true;
		snprintf(t->how, sizeof(t->how), "traversal zone %u (Route "
			 "%u) via %s", rc->zone, rc->number,
			 lk_sipflow_name(fl, sizeof(fl), &t->flow));
		return 0;
	}
	if (rc) {
		memset(&t->flow, 0, sizeof(t->flow));
		t->flow.tp = rc->transport == LK_ROUTE_TLS ? LK_LISTEN_TLS :
			rc->transport == LK_ROUTE_TCP ? LK_LISTEN_TCP :
			LK_LISTEN_UDP;
		if (sa_set_str(&t->flow.remote, rc->host, rc->port)) {
			snprintf(warn, wsz, "Warning: 399 latchkey \"Route %u:"
				 " bad host %s\"\r\n", rc->number, rc->host);
			*reasonp = "Server Internal Error";
			return 500;
		}
		pl_strdup(&t->ruri, &msg->ruri);
		snprintf(t->how, sizeof(t->how), "host %s (Route %u)",
			 lk_sipflow_name(fl, sizeof(fl), &t->flow),
			 rc->number);
		return 0;
	}
	if (local) {
		++b->st.unavailable;
		re_snprintf(warn, wsz, "Warning: 399 latchkey \"%s is not "
			    "registered and no route of the dial plan "
			    "matches\"\r\n", aor);
		*reasonp = "Temporarily Unavailable";
		return 480;
	}
	++b->st.not_found;
	re_snprintf(warn, wsz, "Warning: 399 latchkey \"no route for %r@%r: "
		    "%r is not a local domain and no route of the dial plan "
		    "matches\"\r\n", &msg->uri.user, &msg->uri.host,
		    &msg->uri.host);
	*reasonp = "Not Found";

	return 404;
}

/*
 * Requests
 */

static char *name_addr(const struct sip_taddr *ta)
{
	char *s = NULL;

	if (pl_isset(&ta->dname))
		re_sdprintf(&s, "\"%r\" <%r>", &ta->dname, &ta->auri);
	else
		re_sdprintf(&s, "<%r>", &ta->auri);

	return s;
}

/*
 * A new call: side A is the caller's dialog, in which we are the UAS.
 * NULL, with the INVITE answered, when it is not one we can take.
 */
static struct b2bcall *call_alloc(struct lk_b2bua *b, struct lk_sipxact_srv *st,
				  const struct lk_sipflow *flow,
				  struct sip_msg *msg)
{
	struct b2bcall *call;
	struct side *a;
	const struct sip_hdr *h;
	struct sip_addr addr;
	char tag[20];

	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call) {
		lk_sipxact_answer(b->tp, st, flow, msg, 500,
				  "Server Internal Error", NULL);
		return NULL;
	}
	call->b = b;
	call->id = ++b->next_id;
	call->started = lk_clock_s();
	call->started_ms = lk_clock_ms();
	lk_sigcall_init(&call->sc, &sip_legs, call);
	call->ist = st;
	call->imsg = mem_ref(msg);
	lk_sipxact_set_handler(st, ist_end, call);
	re_snprintf(call->what, sizeof(call->what), "%r -> %r",
		    &msg->from.auri, &msg->ruri);
	list_append(&b->calls, &call->le, call);
	++b->st.calls;
	++b->st.active;
	call->s[SIDE_A].call = call->s[SIDE_B].call = call;

	a = &call->s[SIDE_A];
	lk_sipflow_copy(&a->flow, flow);
	a->zone = b->zones.is_zone(b->zones.arg, flow);
	pl_strdup(&a->callid, &msg->callid);
	pl_strdup(&a->rtag, &msg->from.tag);
	lk_sipmsg_rand_hex(tag, sizeof(tag));
	str_dup(&a->ltag, tag);
	a->luri = name_addr(&msg->to);
	a->ruri = name_addr(&msg->from);
	h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	if (h && !sip_addr_decode(&addr, &h->val))
		pl_strdup(&a->target, &addr.auri);
	if (!a->callid || !a->rtag || !a->ltag || !a->luri || !a->ruri ||
	    !a->target) {
		snprintf(call->warn, sizeof(call->warn), "Warning: 399 "
			 "latchkey \"an INVITE needs a From tag and a "
			 "Contact\"\r\n");
		lk_sigcall_fail(&call->sc, 400, "Bad Request", "bad INVITE");
		return NULL;
	}
	side_index(b, a);

	return call;
}

/* Side B: our dialog towards the callee, in which we are the UAC. */
static void callee_setup(struct b2bcall *call, const struct sip_msg *msg,
			 struct target *t)
{
	struct side *bs = &call->s[SIDE_B];
	char tag[20];

	bs->flow = t->flow;		/* takes the reference */
	bs->zone = t->zone;
	bs->target = t->ruri;
	lk_sipmsg_rand_hex(call->media_id, sizeof(call->media_id) - 16);
	strcat(call->media_id, "@latchkey");
	str_dup(&bs->callid, call->media_id);
	lk_sipmsg_rand_hex(tag, sizeof(tag));
	str_dup(&bs->ltag, tag);
	bs->luri = name_addr(&msg->from);
	bs->ruri = name_addr(&msg->to);
	side_index(call->b, bs);
}

/* The INVITE to the callee with the offer the media core rewrote. */
static int invite_send(struct b2bcall *call, const struct sip_msg *msg,
		       size_t len)
{
	struct lk_b2bua *b = call->b;
	struct side *bs = &call->s[SIDE_B];
	char sb[80], contact[128];
	const struct lk_sipflow *f;
	struct lk_sipreq r;
	struct mbuf *mb = NULL;
	unsigned maxf;
	int err;

	/* Max-Forwards - 1 (RFC 3261 s.16.6 step 3): loops still end. */
	maxf = msg->maxfwd.l ? pl_u32(&msg->maxfwd) : 70;
	maxf = maxf ? maxf - 1 : 0;
	lk_siptransport_sentby(sb, sizeof(sb), b->conf, bs->flow.tp);
	contact_of(contact, sizeof(contact), b->conf, bs->flow.tp);
	lk_sipxact_branch(call->ibranch, sizeof(call->ibranch));
	str_dup(&call->iruri, bs->target);
	call->icseq = bs->lcseq = 1;
	memset(&r, 0, sizeof(r));
	r.method = "INVITE";
	r.ruri = bs->target;
	r.via_tp = lk_listen_proto_name(bs->flow.tp);
	r.via_sentby = sb;
	r.branch = call->ibranch;
	r.max_forwards = maxf;
	r.from = bs->luri;
	r.from_tag = bs->ltag;
	r.to = bs->ruri;
	r.callid = bs->callid;
	r.cseq = 1;
	r.contact = contact;
	r.hdrs = "Allow: " LK_SIP_ALLOW "\r\n";
	r.ctype = "application/sdp";
	r.body = (const uint8_t *)b->sdpbuf;
	r.blen = len;
	err = lk_sipmsg_request(&mb, &r);
	if (!err)
		err = lk_sipxact_request(&call->ict, b->ts, &bs->flow, mb,
					 invite_resp, call);
	mem_deref(mb);
	if (err)
		return err;
	/* A connection opened for it is the dialog's from now on. */
	f = lk_sipxact_cli_flow(call->ict);
	if (f && f->conn && !bs->flow.conn) {
		lk_sipflow_reset(&bs->flow);
		lk_sipflow_copy(&bs->flow, f);
	}

	return 0;
}

static void invite_new(struct lk_b2bua *b, struct lk_sipxact_srv *st,
		       const struct lk_sipflow *flow, struct sip_msg *msg)
{
	struct b2bcall *call;
	struct target t;
	const char *reason = NULL;
	char fl[80];
	uint16_t scode;
	size_t len = 0;
	int err;

	if (!st) {
		lk_sipxact_answer(b->tp, NULL, flow, msg, 503,
				  "Service Unavailable", "Retry-After: 5\r\n");
		return;
	}
	if (!is_sdp(msg)) {
		++b->st.failed;
		lk_sipxact_answer(b->tp, st, flow, msg, 488,
				  "Not Acceptable Here", "Warning: 399 "
				  "latchkey \"an INVITE without an SDP offer "
				  "is not supported\"\r\n");
		return;
	}
	call = call_alloc(b, st, flow, msg);
	if (!call)
		return;

	/* Where it goes. */
	memset(&t, 0, sizeof(t));
	scode = route(b, msg, flow, &t, &reason, call->warn,
		      sizeof(call->warn));
	if (scode) {
		++b->st.failed;
		lk_info("call %u (%s) from %s: %u %s", call->id, call->what,
			lk_sipflow_name(fl, sizeof(fl), flow), scode, reason);
		lk_sigcall_fail(&call->sc, scode, reason, "not routed");
		return;
	}
	lk_info("call %u (%s) from %s%s: to %s", call->id, call->what,
		lk_sipflow_name(fl, sizeof(fl), flow),
		call->s[SIDE_A].zone ? " (traversal zone)" : "", t.how);
	callee_setup(call, msg, &t);

	if (media_sdp(call, LK_MEDIA_OFFER, SIDE_A, msg, &len, &scode,
		      &reason, call->warn, sizeof(call->warn))) {
		++b->st.failed;
		lk_sigcall_fail(&call->sc, scode, reason,
				"offer refused by the media core");
		return;
	}
	err = invite_send(call, msg, len);
	if (err) {
		++b->st.failed;
		snprintf(call->warn, sizeof(call->warn), "Warning: 399 "
			 "latchkey \"cannot reach the callee: %s\"\r\n",
			 strerror(err));
		lk_sigcall_fail(&call->sc, 503, "Service Unavailable",
				"cannot send the INVITE");
		return;
	}
	lk_sigcall_offer_sent(&call->sc);
}

static void reinvite(struct lk_b2bua *b, struct lk_sipxact_srv *st,
		     struct side *in, struct sip_msg *msg)
{
	struct b2bcall *call = in->call;
	int from = in == &call->s[SIDE_A] ? SIDE_A : SIDE_B;
	struct side *other = &call->s[!from];
	const char *reason;
	uint16_t scode;
	size_t len = 0;
	int err;

	if (!st) {
		lk_sipxact_answer(b->tp, NULL, &in->flow, msg, 503,
				  "Service Unavailable", "Retry-After: 5\r\n");
		return;
	}
	if (call->ist || lk_sigcall_state(&call->sc) != LK_SIGCALL_CONNECTED ||
	    lk_sigcall_pending(&call->sc)) {
		lk_sipxact_answer(b->tp, st, &in->flow, msg, 491,
				  "Request Pending", NULL);
		return;
	}
	if (!is_sdp(msg)) {
		lk_sipxact_answer(b->tp, st, &in->flow, msg, 488,
				  "Not Acceptable Here", "Warning: 399 "
				  "latchkey \"a re-INVITE without an SDP offer "
				  "is not supported\"\r\n");
		return;
	}
	if (lk_sigcall_reoffer(&call->sc, from)) {
		lk_sipxact_answer(b->tp, st, &in->flow, msg, 491,
				  "Request Pending", NULL);
		return;
	}
	++b->st.reinvites;
	call->ist = st;
	call->imsg = mem_ref(msg);
	call->got_2xx = false;
	call->ack = mem_deref(call->ack);
	call->answer = mem_deref(call->answer);
	lk_sipxact_cli_abandon(call->ict);
	call->ict = NULL;
	lk_sipxact_set_handler(st, ist_end, call);
	if (media_sdp(call, LK_MEDIA_OFFER, from, msg, &len, &scode, &reason,
		      call->warn, sizeof(call->warn))) {
		lk_sigcall_fail(&call->sc, scode, reason, "re-offer refused");
		return;
	}
	lk_info("call %u (%s): re-INVITE from %s", call->id, call->what,
		side_name(from));
	err = side_request(other, "INVITE", "Allow: " LK_SIP_ALLOW "\r\n",
			   "application/sdp", (const uint8_t *)b->sdpbuf, len,
			   invite_resp, call, &call->ict, call->ibranch,
			   sizeof(call->ibranch));
	if (err) {
		lk_sigcall_fail(&call->sc, 503, "Service Unavailable",
				"cannot send the re-INVITE");
		return;
	}
	lk_sigcall_offer_sent(&call->sc);
	call->icseq = other->lcseq;
	mem_deref(call->iruri);
	str_dup(&call->iruri, other->target);
}

/* An in-dialog request other than INVITE, ACK, CANCEL and BYE. */
struct fwd {
	struct b2bcall *call;		/* a reference */
	struct lk_sipxact_srv *st;
	struct sip_msg *msg;
	struct lk_sipflow flow;
};

static void fwd_destructor(void *arg)
{
	struct fwd *fw = arg;

	if (fw->st)
		lk_sipxact_set_handler(fw->st, NULL, NULL);
	mem_deref(fw->call);
	mem_deref(fw->msg);
	lk_sipflow_reset(&fw->flow);
}

static void fwd_st_end(struct lk_sipxact_srv *st, int err, void *arg)
{
	struct fwd *fw = arg;

	fw->st = NULL;
}

static void fwd_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct fwd *fw = arg;
	struct mbuf *mb = NULL;
	char reason[64];

	if (msg && msg->scode < 200)
		return;
	if (fw->st) {
		uint16_t scode = err ? (err == ETIMEDOUT ? 408 : 503) :
			msg->scode;

		if (err)
			snprintf(reason, sizeof(reason), "%s", err ==
				 ETIMEDOUT ? "Request Timeout" :
				 "Service Unavailable");
		else
			re_snprintf(reason, sizeof(reason), "%r",
				    &msg->reason);
		/* Status and reason go back; a body of the response does not. */
		if (!lk_sipmsg_reply(&mb, fw->msg, &fw->flow.remote, scode,
				     reason, NULL)) {
			lk_sipxact_reply(fw->st, scode, mb);
			mem_deref(mb);
		}
		if (fw->st)
			lk_sipxact_set_handler(fw->st, NULL, NULL);
		fw->st = NULL;
	}
	mem_deref(fw);
}

static void forward(struct lk_b2bua *b, struct lk_sipxact_srv *st, struct side *in,
		    struct sip_msg *msg)
{
	struct b2bcall *call = in->call;
	int from = in == &call->s[SIDE_A] ? SIDE_A : SIDE_B;
	struct side *out = &call->s[!from];
	char method[32], ctype[96];
	struct fwd *fw;
	int err;

	if (!st) {
		lk_sipxact_answer(b->tp, NULL, &in->flow, msg, 503, "Service Unavailable",
		       NULL);
		return;
	}
	if (!out->rtag) {
		lk_sipxact_answer(b->tp, st, &in->flow, msg, 481, "Call/Transaction Does Not "
		       "Exist", NULL);
		return;
	}
	fw = mem_zalloc(sizeof(*fw), fwd_destructor);
	if (!fw) {
		lk_sipxact_answer(b->tp, st, &in->flow, msg, 500, "Server Internal Error",
		       NULL);
		return;
	}
	fw->call = mem_ref(call);
	fw->st = st;
	fw->msg = mem_ref(msg);
	lk_sipflow_copy(&fw->flow, &in->flow);
	lk_sipxact_set_handler(st, fwd_st_end, fw);
	re_snprintf(method, sizeof(method), "%r", &msg->met);
	re_snprintf(ctype, sizeof(ctype), "%r/%r", &msg->ctyp.type,
		    &msg->ctyp.subtype);
	++b->st.forwarded;
	err = side_request(out, method, NULL, mbuf_get_left(msg->mb) ? ctype :
			   NULL, mbuf_buf(msg->mb), mbuf_get_left(msg->mb),
			   fwd_resp, fw, NULL, NULL, 0);
	if (err)
		fwd_resp(err, NULL, fw);
}

static void bye(struct lk_b2bua *b, struct lk_sipxact_srv *st, struct side *in,
		struct sip_msg *msg)
{
	struct b2bcall *call = in->call;
	int from = in == &call->s[SIDE_A] ? SIDE_A : SIDE_B;
	bool was_cancelled = lk_sigcall_cancelled(&call->sc);
	char why[64];

	lk_sipxact_answer(b->tp, st, &in->flow, msg, 200, "OK", NULL);
	snprintf(why, sizeof(why), "BYE from %s", side_name(from));
	if (lk_sigcall_hangup(&call->sc, from, why) == EINPROGRESS) {
		/* From A before B's final response: a CANCEL (call/call.h). */
		if (!was_cancelled)
			++b->st.cancelled;
		lk_info("call %u (%s): BYE from A before the answer; "
			"cancelling", call->id, call->what);
	}
}

static void cancel(struct lk_b2bua *b, struct lk_sipxact_srv *st,
		   const struct lk_sipflow *flow, struct sip_msg *msg)
{
	struct lk_sipxact_srv *inv = lk_sipxact_find_invite(b->ts, msg);
	struct b2bcall *call = NULL;
	struct le *le;

	for (le = list_head(&b->calls); inv && le; le = le->next) {
		struct b2bcall *c = le->data;

		if (c->ist == inv) {
			call = c;
			break;
		}
	}
	if (!call || lk_sigcall_final_sent(&call->sc) ||
	    !lk_sigcall_pending(&call->sc)) {
		lk_sipxact_answer(b->tp, st, flow, msg, 481,
				  "Call/Transaction Does Not Exist", NULL);
		return;
	}
	lk_sipxact_answer(b->tp, st, flow, msg, 200, "OK", NULL);
	++b->st.cancelled;
	lk_sigcall_cancel(&call->sc);
	lk_info("call %u (%s): CANCEL from %s", call->id, call->what,
		side_name(lk_sigcall_offerer(&call->sc)));
}

bool lk_b2bua_request(struct lk_b2bua *b, struct lk_sipxact_srv *st,
		      const struct lk_sipflow *flow, struct sip_msg *msg)
{
	struct side *in;

	if (!b || !msg)
		return false;
	if (!pl_strcmp(&msg->met, "CANCEL")) {
		cancel(b, st, flow, msg);
		return true;
	}
	if (!pl_isset(&msg->to.tag)) {
		if (pl_strcmp(&msg->met, "INVITE"))
			return false;
		invite_new(b, st, flow, msg);
		return true;
	}
	in = dialog_find(b, msg);
	if (!in || lk_sigcall_state(&in->call->sc) == LK_SIGCALL_ENDED) {
		lk_sipxact_answer(b->tp, st, flow, msg, 481, "Call/Transaction Does Not "
		       "Exist", NULL);
		return true;
	}
	if (!pl_strcmp(&msg->met, "INVITE"))
		reinvite(b, st, in, msg);
	else if (!pl_strcmp(&msg->met, "BYE"))
		bye(b, st, in, msg);
	else if (!pl_strcmp(&msg->met, "UPDATE") ||
		 !pl_strcmp(&msg->met, "PRACK"))
		lk_sipxact_answer(b->tp, st, flow, msg, 501, "Not Implemented",
		       "Allow: " LK_SIP_ALLOW "\r\n");
	else
		forward(b, st, in, msg);

	return true;
}

void lk_b2bua_ack(struct lk_b2bua *b, const struct lk_sipflow *flow,
		  const struct sip_msg *msg)
{
	struct side *in;
	struct b2bcall *call;

	if (!b || !msg || !pl_isset(&msg->to.tag))
		return;
	in = dialog_find(b, msg);
	if (!in)
		return;
	call = in->call;
	if (call->ist && &call->s[lk_sigcall_offerer(&call->sc)] == in &&
	    msg->cseq.num == call->imsg->cseq.num)
		lk_sipxact_ack(call->ist);	/* ends it: ist_end() */
}

/*
 * A call whose media session is gone (media timeout, ng delete) ends.
 */

static void no_leg(const struct lk_media_leg_info *leg, void *arg)
{
	(void)leg;
	(void)arg;
}

static void sweep_h(evutil_socket_t fd, short what, void *arg)
{
	struct lk_b2bua *b = arg;
	struct le *le = list_head(&b->calls);

	while (le) {
		struct b2bcall *call = le->data;
		struct lk_media_call_info info;
		struct lk_media_str cid;
		const char *reason;

		le = le->next;
		if (lk_sigcall_state(&call->sc) != LK_SIGCALL_CONNECTED ||
		    !call->media)
			continue;
		cid.p = call->media_id;
		cid.len = strlen(call->media_id);
		if (lk_media_query(b->media, &cid, &info, no_leg, NULL,
				   &reason) != ENOENT)
			continue;
		call->media = false;
		++b->st.media_ended;
		lk_warn("call %u (%s): its media session ended (media "
			"timeout or deleted); BYE to both sides", call->id,
			call->what);
		lk_sigcall_terminate(&call->sc, "media session ended");
	}
}

static void b2bua_destructor(void *arg)
{
	struct lk_b2bua *b = arg;
	struct le *le;

	if (b->sweep)
		event_free(b->sweep);
	while ((le = list_head(&b->calls))) {
		struct b2bcall *call = le->data;

		lk_sigcall_end(&call->sc, "stopping");
	}
	hash_flush(b->dialogs);
	mem_deref(b->dialogs);
	mem_deref(b->sdpbuf);
}

int lk_b2bua_alloc(struct lk_b2bua **bp, struct event_base *base,
		   const struct lk_conf *conf, struct lk_siptransport *tp,
		   struct lk_sipxact *ts, struct lk_registrar *reg,
		   const struct lk_b2bua_zones *zones, struct lk_media *media)
{
	struct timeval tv = {SWEEP_S, 0};
	struct lk_b2bua *b;
	int err;

	if (!bp || !base || !conf || !tp || !ts || !reg || !zones ||
	    !zones->is_zone || !zones->flow || !media)
		return EINVAL;
	b = mem_zalloc(sizeof(*b), b2bua_destructor);
	if (!b)
		return ENOMEM;
	b->base = base;
	b->conf = conf;
	b->tp = tp;
	b->ts = ts;
	b->reg = reg;
	b->zones = *zones;
	b->media = media;
	lk_hist_init(&b->st.setup, lk_hist_call_setup_bounds,
		     lk_hist_call_setup_nbounds);
	list_init(&b->calls);
	err = hash_alloc(&b->dialogs, 256);
	if (!err) {
		b->sdpbuf = mem_alloc(SDP_MAX, NULL);
		b->sweep = event_new(base, -1, EV_PERSIST, sweep_h, b);
		if (!b->sdpbuf || !b->sweep || event_add(b->sweep, &tv))
			err = ENOMEM;
	}
	if (err)
		mem_deref(b);
	else
		*bp = b;

	return err;
}

void lk_b2bua_stats(const struct lk_b2bua *b, struct lk_b2bua_stats *st)
{
	if (b && st)
		*st = b->st;
}
