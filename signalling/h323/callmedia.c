/* signalling/h323/callmedia.c  A routed H.323 call's media through the relay: H.245 media addresses in, relay ports out. */

/*
 * This file owns the media glue of H.323 call signalling, and nothing
 * else: the media sessions of one call (H.225.0 sessionID) as fastStart
 * and H.245 told them, each side's media description built from those
 * addresses (relay/mdesc.h, no SDP), the media core's offer/answer
 * (relay/media.h) that allocates and latches relay ports for them exactly
 * as for a SIP leg, the rewriting of the addresses with the relay's ports, and the
 * session's deletion.  Q.931, the calls' state and the H.245 connections
 * are call signalling's (callsig.c, h245proxy.c): they hand this module
 * decoded messages and know nothing of the media core.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "h323/callmedia.h"
#include "h323/h245.h"
#include "h323/h46019.h"
#include "demux.h"
#include "log.h"
#include "mdesc.h"
#include "media.h"

/*
 * One media session of a call (H.225.0 sessionID: 1 audio, 2 video, 3
 * data), as fastStart told it: where each side receives RTP and RTCP,
 * and the relay's RTP port each side is to send to (RTCP: + 1).
 */
struct cm_sess {
	uint8_t id;
	const char *media;		/* "audio", "video", "application" */
	struct sockaddr_in rtp[2], rtcp[2];	/* family 0: not told */
	uint16_t relay[2];
	/*
	 * H.460.19: the multiplexID a side wants its media prefixed with
	 * (0: none), and whether the relay's ports for a side are the
	 * multiplexed ones, with the ID the relay chose for it.
	 */
	uint32_t mux_id[2];
	bool rmux[2];
	uint32_t rmux_id[2];
};

#define CM_SESS_MAX 4
_Static_assert(CM_SESS_MAX <= LK_MDESC_MAX_STREAMS,
	       "every session of a call is one stream of its description");

/*
 * A logical channel opened over H.245 (tunnelled or separate) that
 * carries media through the relay: its opener and forward number (H.245
 * 8.4).  fastStart channels are not kept: which side opened one is not
 * said in the message that echoes it (H.323 8.1.7.1), so they end with
 * EndSessionCommand or the call.
 */
struct cm_chan {
	uint16_t lcn;
	enum lk_sigcall_side opener;
	uint8_t session;		/* its H.225.0 sessionID, 0: not said */
};

#define CM_CHAN_MAX 16

struct lk_h323_callmedia {
	struct lk_h323_callmedia_conf cfg;
	char mid[40];			/* the media core's call-id */
	enum lk_sigcall_side offerer;	/* who told addresses first */
	bool offered, answered;
	unsigned nsess, noffer, nchan;
	struct cm_sess sess[CM_SESS_MAX];
	struct cm_chan chan[CM_CHAN_MAX];
};

struct media_walk {
	struct lk_h323_callmedia *cm;
	enum lk_sigcall_side from;
	bool rewrite;			/* else learn */
	unsigned learned;		/* addresses new or changed */
	unsigned control;		/* h245Addresses to be replaced */
};

static const char *side_name(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? "caller" : "callee";
}

static enum lk_sigcall_side other(enum lk_sigcall_side side)
{
	return side == LK_SIGCALL_A ? LK_SIGCALL_B : LK_SIGCALL_A;
}

static bool same_sin(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == b->sin_family &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

/* One of the relay's own addresses, as a side echoes it back? */
static bool is_relay(const struct lk_h323_callmedia *cm,
		     const struct sockaddr_in *a)
{
	uint16_t port = ntohs(a->sin_port);
	unsigned i, s;

	if (a->sin_addr.s_addr != cm->cfg.local.sin_addr.s_addr)
		return false;
	for (i = 0; i < cm->nsess; i++) {
		for (s = 0; s < 2; s++) {
			uint16_t r = cm->sess[i].relay[s];

			if (r && (port == r || port == r + 1))
				return true;
		}
	}

	return false;
}

/* The session an address belongs to (H.225.0 sessionID, else by kind). */
static struct cm_sess *sess_of(struct lk_h323_callmedia *cm,
			       const struct lk_h245_addr *a, bool create)
{
	const char *media = "audio";
	struct cm_sess *ss;
	uint8_t id = a->session;
	unsigned i;

	if (a->media && !strcmp(a->media, "video"))
		media = "video";
	else if (a->media && !strcmp(a->media, "data"))
		media = "application";
	if (!id)
		id = media[0] == 'v' ? 2 : media[0] == 'a' &&
		     media[1] == 'p' ? 3 : 1;
	for (i = 0; i < cm->nsess; i++)
		if (cm->sess[i].id == id)
			return &cm->sess[i];
	if (!create || cm->nsess == CM_SESS_MAX)
		return NULL;
	ss = &cm->sess[cm->nsess++];
	memset(ss, 0, sizeof(*ss));
	ss->id = id;
	ss->media = media;

	return ss;
}

/* The channel `lcn` of `opener` carries media through us (once). */
static void chan_open(struct lk_h323_callmedia *cm,
		      enum lk_sigcall_side opener, uint16_t lcn,
		      uint8_t session)
{
	unsigned i;

	for (i = 0; i < cm->nchan; i++) {
		if (cm->chan[i].lcn == lcn && cm->chan[i].opener == opener) {
			if (session && !cm->chan[i].session)
				cm->chan[i].session = session;
			return;
		}
	}
	if (cm->nchan == CM_CHAN_MAX)
		return;		/* never all closed: media ends with the call */
	cm->chan[cm->nchan].lcn = lcn;
	cm->chan[cm->nchan].opener = opener;
	cm->chan[cm->nchan].session = session;
	cm->nchan++;
}

/*
 * lk_h245_addr_h: learn where `from` receives, or write the relay's port
 * for the other side over it: media addresses of fastStart, tunnelled
 * H.245 and separate H.245 connections alike.  An h245Address goes to
 * the caller's control handler.
 */
static int media_addr(struct lk_h245_addr *a, void *arg)
{
	struct media_walk *w = arg;
	struct lk_h323_callmedia *cm = w->cm;
	enum lk_sigcall_side to = other(w->from);
	struct sockaddr_in *slot, sin;
	struct cm_sess *ss;

	sin = a->addr;
	sin.sin_family = AF_INET;
	if (a->kind == LK_H245_CONTROL) {
		if (!cm->cfg.controlh ||
		    !cm->cfg.controlh(w->from, &sin, w->rewrite,
				      cm->cfg.arg))
			return 0;
		if (!w->rewrite) {
			w->control++;
			return 0;
		}
		a->addr.sin_addr = sin.sin_addr;
		a->addr.sin_port = sin.sin_port;
		return 0;
	}
	if (!w->rewrite && a->channel && !a->fast_start)
		chan_open(cm, a->ack ? other(w->from) : w->from, a->channel,
			  a->session);
	if (is_relay(cm, &sin))
		return 0;
	ss = sess_of(cm, a, !w->rewrite);
	if (!ss)
		return 0;
	if (!w->rewrite) {
		slot = a->kind == LK_H245_MEDIA ? &ss->rtp[w->from]
						: &ss->rtcp[w->from];
		if (!same_sin(slot, &sin)) {
			*slot = sin;
			w->learned++;
		}
		return 0;
	}
	if (!ss->relay[to])
		return 0;
	a->addr.sin_addr = cm->cfg.local.sin_addr;
	a->addr.sin_port = htons((uint16_t)(ss->relay[to] +
				 (a->kind == LK_H245_MEDIA_CONTROL)));

	return 0;
}

/* The session of an OLC or OLCAck (an Ack's by the channel it answers). */
static struct cm_sess *chan_sess(struct lk_h323_callmedia *cm,
				 const struct lk_h245_chan *c,
				 enum lk_sigcall_side from)
{
	struct lk_h245_addr a;
	unsigned i;

	memset(&a, 0, sizeof(a));
	a.session = c->session;
	a.media = c->media;
	for (i = 0; !a.session && c->ack && i < cm->nchan; i++)
		if (cm->chan[i].lcn == c->channel &&
		    cm->chan[i].opener == other(from))
			a.session = cm->chan[i].session;
	return sess_of(cm, &a, false);
}

/*
 * What the relay tells H.460.19 client `to` of session `ss` (H.460.19
 * 7/8; research notes): keepAliveChannel, the relay's RTP port for it,
 * where its RTP keep-alives open its NAT, and keepAliveInterval; with
 * multiplexing also the multiplexed RTP and RTCP ports and the
 * multiplexID the relay chose for what it receives from `to`.
 */
static void relay_tp(const struct lk_h323_callmedia *cm,
		     const struct cm_sess *ss, enum lk_sigcall_side to,
		     struct lk_h46019_tp *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->has_ka_channel = true;
	tp->ka_channel = cm->cfg.local;
	tp->ka_channel.sin_port = htons(ss->relay[to]);
	if (cm->cfg.h46019_keepalive) {
		tp->has_ka_interval = true;
		tp->ka_interval = cm->cfg.h46019_keepalive;
	}
	if (!ss->rmux[to])
		return;
	tp->has_mux_id = tp->has_mux_media = tp->has_mux_control = true;
	tp->mux_id = ss->rmux_id[to];
	tp->mux_media = tp->ka_channel;
	tp->mux_control = cm->cfg.local;
	tp->mux_control.sin_port = htons((uint16_t)(ss->relay[to] + 1));
}

/*
 * lk_h245_chan_h: an OpenLogicalChannel(Ack)'s H.460.19 generic
 * information.  Learning, a client's multiplexID (the receiver chooses
 * it, the sender prefixes it); rewriting, the relay's own parameters
 * toward a client, none toward any other side.
 */
static int media_chan(struct lk_h245_chan *c, void *arg)
{
	struct media_walk *w = arg;
	struct lk_h323_callmedia *cm = w->cm;
	enum lk_sigcall_side to = other(w->from);
	struct cm_sess *ss = chan_sess(cm, c, w->from);
	struct lk_h46019_tp tp;
	int err;

	if (!w->rewrite) {
		if (!cm->cfg.h46019[w->from])
			return 0;
		err = lk_h46019_chan_get(c->v, &tp);
		if (err == EBADMSG) {
			if (cm->cfg.h46019_bad)
				++*cm->cfg.h46019_bad;
			lk_warn_limited("H.323 call %llu: the %s's H.460.19 "
					"TraversalParameters do not decode: "
					"ignored", (unsigned long long)
					cm->cfg.call, side_name(w->from));
			return 0;
		}
		if (err || !ss || !tp.has_mux_id ||
		    tp.mux_id == ss->mux_id[w->from])
			return 0;
		/* 0 is no multiplexID (relay/demux.h): not multiplexed. */
		if (tp.mux_id == LK_MUX_ID_NONE || tp.mux_id > 0x7fffffffu) {
			if (cm->cfg.h46019_bad)
				++*cm->cfg.h46019_bad;
			lk_warn_limited("H.323 call %llu: the %s's multiplexID "
					"%lu is not in 1..2^31-1: media to it "
					"not multiplexed", (unsigned long long)
					cm->cfg.call, side_name(w->from),
					(unsigned long)tp.mux_id);
			return 0;
		}
		ss->mux_id[w->from] = tp.mux_id;
		w->learned++;
		return 0;
	}
	if (!cm->cfg.h46019[to] || !ss || !ss->relay[to]) {
		err = lk_h46019_chan_set(c->ar, c->v, NULL, &c->changed);
	}
	else {
		relay_tp(cm, ss, to, &tp);
		err = lk_h46019_chan_set(c->ar, c->v, &tp, &c->changed);
	}
	/* The addresses are rewritten all the same: never stop the walk. */
	if (err)
		lk_warn_limited("H.323 call %llu: H.460.19 parameters toward "
				"the %s not written: %s", (unsigned long long)
				cm->cfg.call, side_name(to), strerror(err));
	return 0;
}

/*
 * Side `side`'s receive addresses, the first `n` sessions, as the media
 * core's description (relay/mdesc.h): per session the RTP address (else
 * the RTCP one, its port - 1: H.323's usual pair), RTCP where it was told
 * if not RTP + 1.  H.245 addresses carry no codec the relay needs, so the
 * payload types are left unknown; a session nothing was told of is an
 * inactive stream (port 0).
 */
static void media_describe(struct lk_mdesc *d,
			   const struct lk_h323_callmedia *cm,
			   enum lk_sigcall_side side, unsigned n)
{
	unsigned i;

	memset(d, 0, sizeof(*d));
	d->nstreams = n;
	for (i = 0; i < n; i++) {
		const struct cm_sess *ss = &cm->sess[i];
		const struct sockaddr_in *rtp = &ss->rtp[side];
		const struct sockaddr_in *rtcp = &ss->rtcp[side];
		const struct sockaddr_in *at = rtp->sin_family ? rtp : rtcp;
		struct lk_mdesc_stream *s = &d->s[i];
		struct sockaddr_in *sa = (struct sockaddr_in *)&s->addr;
		struct sockaddr_in *sc = (struct sockaddr_in *)&s->rtcp_addr;

		s->media.p = ss->media;
		s->media.len = strlen(ss->media);
		s->proto.p = "RTP/AVP";
		s->proto.len = strlen("RTP/AVP");
		s->rtp = true;
		s->dir = LK_MDESC_SENDRECV;
		s->mux_id = ss->mux_id[side];
		if (rtp->sin_family)
			s->port = ntohs(rtp->sin_port);
		else if (rtcp->sin_family && ntohs(rtcp->sin_port) > 1)
			s->port = (uint16_t)(ntohs(rtcp->sin_port) - 1u);
		if (!s->port)
			continue;
		s->rtcp_port = rtcp->sin_family ? ntohs(rtcp->sin_port) :
			(uint16_t)(s->port + 1);
		/* Both at the RTP address, as SDP's c= and a=rtcp: say. */
		sa->sin_family = sc->sin_family = AF_INET;
		sa->sin_addr = sc->sin_addr = at->sin_addr;
		sa->sin_port = htons(s->port);
		sc->sin_port = htons(s->rtcp_port);
	}
}

/*
 * One offer or answer for what `from` told (the offer's from-tag is its
 * sender's, the answer's to-tag the answerer's: A for the caller, B for
 * the callee).  The answer's ports are the relay's for the other side.
 */
static int media_request(struct lk_h323_callmedia *cm,
			 enum lk_sigcall_side from, enum lk_media_op op)
{
	static const char *const tag[2] = { "A", "B" };
	struct lk_mdesc_relay relay[CM_SESS_MAX];
	struct lk_media_req req;
	struct lk_media_reply rep;
	struct lk_mdesc desc;
	unsigned i, n;
	int err;

	n = op == LK_MEDIA_OFFER ? cm->nsess : cm->noffer;
	media_describe(&desc, cm, from, n);
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	req.op = op;
	if (cm->cfg.nat_wait[from])
		req.flags |= LK_MF_NAT_WAIT;
	req.call_id.p = cm->mid;
	req.call_id.len = strlen(cm->mid);
	req.from_tag.p = tag[op == LK_MEDIA_OFFER ? from : other(from)];
	req.from_tag.len = 1;
	req.to_tag.p = tag[op == LK_MEDIA_OFFER ? other(from) : from];
	req.to_tag.len = 1;
	/*
	 * H.460.19 multiplexing is the call's from its first offer
	 * (relay/media.h): "mux offer", the side the relay's answer goes to
	 * sends to the multiplexed ports, "mux answer" the offerer does.
	 */
	if (op == LK_MEDIA_OFFER && cm->cfg.h46019_mux[other(from)])
		req.flags |= LK_MF_MUX_OFFER;
	if (op == LK_MEDIA_OFFER && cm->cfg.h46019_mux[from])
		req.flags |= LK_MF_MUX_ANSWER;
	memcpy(&req.received_from, &cm->cfg.peer[from],
	       sizeof(cm->cfg.peer[from]));
	err = lk_media_negotiate(cm->cfg.media, &req, &desc, relay, &rep);
	if (err) {
		lk_warn_limited("H.323 call %llu: the media core refused the "
				"%s's fastStart: %s %s",
				(unsigned long long)cm->cfg.call,
				side_name(from),
				rep.error_reason ? rep.error_reason : "",
				rep.detail);
		return err;
	}
	if (op == LK_MEDIA_OFFER) {
		cm->offered = true;
		cm->noffer = n;
	}
	else {
		cm->answered = true;
	}
	for (i = 0; i < n; i++) {
		struct cm_sess *ss = &cm->sess[i];

		ss->relay[other(from)] = relay[i].port;
		ss->rmux[other(from)] = relay[i].mux;
		ss->rmux_id[other(from)] = relay[i].mux ? relay[i].mux_id : 0;
	}

	return 0;
}

/*
 * What `from` told goes to the media core.  The first side to tell any
 * address is the offerer: usually the caller (fastStart, or its
 * OpenLogicalChannel first), but a callee may open its channel first
 * (H.245 8.4: either side opens its own channels once capabilities are
 * exchanged).  The other side's addresses are the answer, and again the
 * answer when they change.  The offerer's after the answer (slow start:
 * its OpenLogicalChannelAck comes last) are a new offer, answered again
 * at once with what the answerer told, as a SIP re-INVITE is; the
 * streams keep their ports.
 */
static int media_update(struct lk_h323_callmedia *cm,
			enum lk_sigcall_side from)
{
	int err;

	if (!cm->offered)
		cm->offerer = from;
	if (from != cm->offerer)
		return media_request(cm, from, LK_MEDIA_ANSWER);
	err = media_request(cm, from, LK_MEDIA_OFFER);
	if (err || !cm->answered)
		return err;

	return media_request(cm, other(from), LK_MEDIA_ANSWER);
}

/* The media session ends now (`why` for the log); a later one is new. */
static void media_end(struct lk_h323_callmedia *cm, const char *why)
{
	if (cm->offered)
		lk_info("H.323 call %llu: media ended: %s",
			(unsigned long long)cm->cfg.call, why);
	lk_h323_callmedia_end(cm);
}

/*
 * H.245 messages that end media (H.245 8.5, H.323 8.5): a
 * CloseLogicalChannel from a channel's opener closes it, and with the
 * last channel that was open the media session goes; an
 * EndSessionCommand from either side ends it at once (no media may
 * follow it).  Everything else is left alone.
 */
static void media_control(struct lk_h323_callmedia *cm,
			  enum lk_sigcall_side from, const uint8_t *pdu,
			  size_t len, struct lk_asn_arena *ar)
{
	const struct lk_asn_val *v;
	struct lk_asn_arena mark = *ar;
	struct lk_asn_val *msg;
	const char *kind;
	size_t errbit;
	unsigned i;

	if (lk_h245_peek(pdu, len, &kind))
		return;
	if (!strcmp(kind, "endSessionCommand")) {
		media_end(cm, from == LK_SIGCALL_A ?
			  "EndSessionCommand from the caller" :
			  "EndSessionCommand from the callee");
		return;
	}
	if (strcmp(kind, "closeLogicalChannel") ||
	    lk_h245_decode(pdu, len, ar, &msg, &errbit))
		goto out;
	v = lk_asn_get(msg, "request.closeLogicalChannel"
		       ".forwardLogicalChannelNumber");
	for (i = 0; v && i < cm->nchan; i++) {
		if (cm->chan[i].lcn != v->u.i || cm->chan[i].opener != from)
			continue;
		cm->chan[i] = cm->chan[--cm->nchan];
		if (!cm->nchan)
			media_end(cm, "its last logical channel closed");
		break;
	}

 out:
	*ar = mark;
}

int lk_h323_callmedia_alloc(struct lk_h323_callmedia **cmp,
			    const struct lk_h323_callmedia_conf *cfg)
{
	struct lk_h323_callmedia *cm;
	size_t i;

	if (!cmp || !cfg || !cfg->media || !cfg->callid)
		return EINVAL;
	cm = mem_zalloc(sizeof(*cm), NULL);
	if (!cm)
		return ENOMEM;
	cm->cfg = *cfg;
	cm->cfg.callid = NULL;		/* the caller's memory */
	/* The media core's call-id: the callIdentifier in hex. */
	for (i = 0; i < 16; i++)
		snprintf(cm->mid + 2 * i, 3, "%02x", cfg->callid[i]);
	*cmp = cm;

	return 0;
}

/*
 * Feature 19 in the call's Setup, CallProceeding, Alerting and Connect
 * (H.460.19; research notes): toward a media traversal client the relay
 * is its mediaTraversalServer, with supportTransmitMultiplexedMedia when
 * it multiplexes the client's media; toward any other side the feature
 * goes (the relay ends traversal).  True when `uu` changed.
 */
static bool h46019_uu(struct lk_h323_callmedia *cm,
		      enum lk_sigcall_side from, struct lk_asn_arena *ar,
		      struct lk_asn_val *uu)
{
	static const char *const bodies[] = { "setup", "callProceeding",
		"alerting", "connect" };
	enum lk_sigcall_side to = other(from);
	struct lk_asn_val *body, *bv;
	const char *name;
	bool changed = false;
	size_t i;

	body = lk_asn_get(uu, "h323-uu-pdu.h323-message-body");
	name = body ? lk_asn_choice_name(body) : NULL;
	bv = body ? body->u.choice.v : NULL;
	if (!bv || !bv->type || bv->type->kind != LK_ASN_SEQ || !name)
		return false;
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (!strcmp(name, bodies[i]))
			break;
	if (i == sizeof(bodies) / sizeof(bodies[0]))
		return false;
	if (cm->cfg.h46019[to])
		return lk_h46019_feature_add(ar, bv, cm->cfg.h46019_mux[to],
					     true) == 0;
	(void)lk_h46019_feature_del(ar, bv, &changed);

	return changed;
}

int lk_h323_callmedia_uu(struct lk_h323_callmedia *cm,
			 enum lk_sigcall_side from, struct lk_asn_arena *ar,
			 struct lk_asn_val *uu, bool *changed)
{
	struct media_walk w = { cm, from, false, 0, 0 };
	const struct lk_asn_val *ctl;
	bool feature;
	unsigned n = 0;
	size_t i;
	int err;

	*changed = false;
	if (!cm || !uu)
		return EINVAL;
	ctl = lk_asn_get(uu, "h323-uu-pdu.h245Control");
	for (i = 0; ctl && i < ctl->u.list.n; i++)
		media_control(cm, from, ctl->u.list.v[i].u.str.p,
			      ctl->u.list.v[i].u.str.len, ar);
	err = lk_h225_uu_media_chans(ar, uu, media_addr, media_chan, &w, &n);
	if (err)
		return err;
	feature = h46019_uu(cm, from, ar, uu);
	if (w.learned && media_update(cm, from) == 0)
		lk_debug("H.323 call %llu: the %s's media addresses through "
			 "the relay", (unsigned long long)cm->cfg.call,
			 side_name(from));
	if (!cm->offered && !w.control) {
		*changed = feature;
		return 0;
	}
	w.rewrite = true;
	err = lk_h225_uu_media_chans(ar, uu, media_addr, media_chan, &w, &n);
	if (err)
		return err;
	*changed = n > 0 || feature;

	return 0;
}

int lk_h323_callmedia_h245(struct lk_h323_callmedia *cm,
			   enum lk_sigcall_side from,
			   struct lk_asn_arena *ar, const uint8_t *pdu,
			   size_t len, uint8_t *out, size_t cap,
			   size_t *olen)
{
	struct media_walk w = { cm, from, false, 0, 0 };
	struct lk_asn_arena mark = *ar;
	int err;

	if (!cm)
		return EINVAL;
	media_control(cm, from, pdu, len, ar);
	err = lk_h245_media_chans(ar, false, pdu, len, media_addr, media_chan,
				  &w, out, cap, olen);
	if (err)
		return err;
	if (w.learned)
		(void)media_update(cm, from);
	w.rewrite = true;
	*ar = mark;

	return lk_h245_media_chans(ar, false, pdu, len, media_addr, media_chan,
				   &w, out, cap, olen);
}

void lk_h323_callmedia_describe(const struct lk_h323_callmedia *cm,
				enum lk_sigcall_side side, struct lk_mdesc *d)
{
	if (!cm) {
		memset(d, 0, sizeof(*d));
		return;
	}
	media_describe(d, cm, side, cm->nsess);
}

bool lk_h323_callmedia_offered(const struct lk_h323_callmedia *cm)
{
	return cm && cm->offered;
}

void lk_h323_callmedia_end(struct lk_h323_callmedia *cm)
{
	struct lk_media_str id;
	const char *reason = NULL;

	if (!cm)
		return;
	if (cm->offered) {
		id.p = cm->mid;
		id.len = strlen(cm->mid);
		(void)lk_media_delete(cm->cfg.media, &id, &reason);
	}
	cm->offered = cm->answered = false;
	cm->nsess = cm->noffer = cm->nchan = 0;
}
