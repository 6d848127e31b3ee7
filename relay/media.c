/* relay/media.c  The media core: calls, their streams and legs, the workers. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "leg.h"
#include "clock.h"
#include "kfwd.h"
#include "log.h"
#include "media.h"
#include "netaddr.h"
#include "portalloc.h"
#include "sdes.h"
#include "sdpdesc.h"
#include "srtp.h"
#include "worker.h"

#define CALLID_MAX	256
#define TAG_MAX		128

enum { SIDE_A = 0, SIDE_B = 1 };

struct lk_call {
	struct le he;			/* in lk_media.calls */
	struct lk_media *m;
	char call_id[CALLID_MAX];
	size_t call_id_len;
	char tag[2][TAG_MAX];		/* from-tag (A), to-tag (B) */
	size_t tag_len[2];
	struct lk_worker *w;
	struct lk_stream *streams;	/* by index, a list */
	unsigned nstreams;
	uint64_t created_ms, last_signal_ms;	/* CLOCK_MONOTONIC */
	time_t created, last_signal;		/* wall clock, for query */
	unsigned flags;			/* of the first offer */
};

struct lk_media {
	struct lk_conf conf;
	struct event_base *base;
	struct lk_worker **workers;
	unsigned nworkers;
	unsigned next_worker;
	unsigned mux_workers;		/* workers on the mux ports (mux_open) */
	struct lk_portalloc *pa;
	struct hash *calls;
	unsigned ncalls;
	unsigned nstreams;
	struct event *timer;
	struct lk_kfwd *kf;		/* kernel fast path, or NULL */
	uint64_t timeouts, final_timeouts;
	uint64_t srtp_ended[2];		/* auth failed, replayed: ended legs */
	uint64_t exhausted;
	lk_media_bind_h *bindh;		/* NULL: sock_bind() */
	void *bind_arg;
};


static bool str_eq(const char *a, size_t alen, const struct lk_media_str *b)
{
	return alen == b->len && !memcmp(a, b->p, alen);
}

/*
 * Sockets
 */

static int sock_bind(int *fdp, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, err;

	err = lk_sockaddr_set(&ss, &sl, addr, port);
	if (err)
		return err;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;

	return 0;
}

/* A relay port's socket: bound here, or by the handler a test gave. */
static int media_bind(const struct lk_media *m, int *fdp, const char *addr,
		      uint16_t port)
{
	if (m->bindh)
		return m->bindh(fdp, addr, port, m->bind_arg);

	return sock_bind(fdp, addr, port);
}

void lk_media_set_bind(struct lk_media *m, lk_media_bind_h *bindh, void *arg)
{
	m->bindh = bindh;
	m->bind_arg = arg;
}

/* Bind RTP and RTCP of a pair; the allocator's bind handler. */
struct pair_bind {
	const struct lk_media *m;
	const char *addr;
	int fd[2];
	bool rtp_only;		/* rtcp-mux negotiated: port + 1 stays unbound */
};

static int pair_bind_h(uint16_t port, void *arg)
{
	struct pair_bind *pb = arg;
	int err;

	err = media_bind(pb->m, &pb->fd[0], pb->addr, port);
	if (err || pb->rtp_only)
		return err;
	err = media_bind(pb->m, &pb->fd[1], pb->addr, (uint16_t)(port + 1));
	if (err) {
		close(pb->fd[0]);
		pb->fd[0] = -1;
	}

	return err;
}

/*
 * Streams on the worker
 */

/* Take a leg off its worker: events, multiplexID. */
static void leg_detach(struct lk_worker *w, struct lk_leg *leg)
{
	unsigned c;

	/* The kernel lets go first: its entry names the ports. */
	lk_kfwd_leg_drop(lk_worker_kfwd(w), leg);
	for (c = 0; c < 2; c++) {
		if (leg->sock[c].fd >= 0)
			lk_worker_sock_del(w, &leg->sock[c]);
	}
	if (leg->mux_rx)
		lk_worker_mux_del(w, leg);
}

static void streams_detach_h(struct lk_worker *w, void *arg)
{
	struct lk_stream *s;

	for (s = arg; s; s = s->next) {
		leg_detach(w, &s->leg[0]);
		leg_detach(w, &s->leg[1]);
	}
}

/*
 * After the worker let go: close sockets, ports back to the allocator.  A
 * stream that never reached the worker has no socket (leg_init) and no
 * call yet.
 */
static void stream_destructor(void *arg)
{
	struct lk_stream *s = arg;
	unsigned i, c;

	for (i = 0; i < 2; i++) {
		struct lk_leg *leg = &s->leg[i];

		for (c = 0; c < 2; c++) {
			if (leg->sock[c].fd >= 0)
				close(leg->sock[c].fd);
		}
		if (leg->sock[0].fd >= 0 && leg->port[0])
			lk_portalloc_give(s->call->m->pa, leg->port[0]);
		mem_deref(leg->srtp_in);
		mem_deref(leg->srtp_out);
		lk_sdes_side_wipe(&s->sdes[i]);
		/* Totals outlive the leg (statistics). */
		if (s->call) {
			s->call->m->srtp_ended[0] +=
				LK_STAT_GET(leg->st.srtp_auth_failed);
			s->call->m->srtp_ended[1] +=
				LK_STAT_GET(leg->st.srtp_replayed);
		}
	}
}

static void call_destructor(void *arg)
{
	struct lk_call *call = arg;
	struct lk_stream *s, *next;

	hash_unlink(&call->he);
	if (call->streams && call->w)
		lk_worker_call(call->w, streams_detach_h, call->streams);
	for (s = call->streams; s; s = next) {
		next = s->next;
		mem_deref(s);
		--call->m->nstreams;
	}
	--call->m->ncalls;
}

static bool call_cmp(struct le *le, void *arg)
{
	const struct lk_call *call = le->data;
	const struct lk_media_str *id = arg;

	return str_eq(call->call_id, call->call_id_len, id);
}

static struct lk_call *call_find(struct lk_media *m,
				 const struct lk_media_str *id)
{
	struct le *le;

	le = hash_lookup(m->calls, hash_joaat((const uint8_t *)id->p, id->len),
			 call_cmp, (void *)id);
	return le ? le->data : NULL;
}

static struct lk_stream *stream_get(struct lk_call *call, unsigned index)
{
	struct lk_stream *s;

	for (s = call->streams; s; s = s->next) {
		if (s->index == index)
			return s;
	}

	return NULL;
}

/*
 * What one offer or answer does to a call, prepared on the control thread
 * and applied on the worker (apply_h) in one synchronous step.
 */
struct media_plan {
	unsigned nmedia;
	struct {
		struct lk_stream *fresh;	/* new stream to link, or NULL */
		bool active;			/* port != 0 in the SDP */
		char media[16];
		/* the sender's side (whose SDP this is) */
		union lk_latch_addr sdp_rtp, sdp_rtcp;
		bool has_sdp;
		bool no_nat;			/* SDP address = signalling's */
		bool rtcp_mux;
		bool no_rtp;			/* sendonly or inactive */
		bool mux_tx;
		uint32_t mux_tx_id;
		/* the receiving side (whose ports go in the reply) */
		int fd[2];			/* freshly bound, or -1 */
		uint16_t port[2];		/* their ports, 0: none */
		bool consumed;			/* now the leg's */
		/*
		 * RTCP sockets (RFC 5761): one to give a side that stopped
		 * multiplexing RTCP (fd -1: none), and the one a side that
		 * now multiplexes gave back, closed after the worker let go.
		 */
		int rtcp_fd[2];
		int rtcp_gone[2];
		bool want_mux;
		/* results from the worker */
		uint16_t out_port[2];
		bool out_mux;
		uint32_t out_mux_id;
		int err;
		/*
		 * SRTP (relay/sdes.h): the stream's SDES state as this
		 * request leaves it, and the contexts to install; after
		 * apply_h the step holds the ones they replaced.
		 */
		struct lk_sdes_side sdes[2];
		struct lk_sdes_step step;
	} s[LK_SDP_MAX_MEDIA];
	struct lk_call *call;
	unsigned sender, receiver;		/* SIDE_A or SIDE_B */
	unsigned latch_flags;
	union lk_latch_addr sig;		/* "received-from"; 0: unknown */
	bool reset_latch;			/* new signalling for the sender */
	bool answer;
};

static void leg_init(struct lk_leg *leg, struct lk_stream *s,
		     struct lk_leg *peer)
{
	leg->stream = s;
	leg->peer = peer;
	leg->sock[0].fd = leg->sock[1].fd = -1;
	leg->sock[0].leg = leg->sock[1].leg = leg;
	leg->sock[0].comp = LK_COMP_RTP;
	leg->sock[1].comp = LK_COMP_RTCP;
	leg->keepalive_pt = -1;
	lk_latch_init(&leg->latch[0], 0);
	lk_latch_init(&leg->latch[1], 0);
}

/*
 * RFC 5761: a side that multiplexes RTCP on its RTP port needs no RTCP
 * socket, which halves the descriptors of a call where both do.  The
 * control thread bound a socket for a side that stopped (rtcp_fd) and
 * this hands it to the side; the socket of a side that now multiplexes
 * goes back to the control thread (rtcp_gone), which closes it.  The
 * port stays the pair's in the allocator either way.
 */
static void rtcp_sockets(struct lk_worker *w, struct lk_stream *s,
			 struct media_plan *mp, unsigned i)
{
	unsigned x;

	for (x = 0; x < 2; x++) {
		struct lk_leg *leg = &s->leg[x];

		if (mp->s[i].rtcp_fd[x] >= 0 && leg->sock[1].fd < 0) {
			leg->sock[1].fd = mp->s[i].rtcp_fd[x];
			leg->sock[1].port = (uint16_t)(leg->port[0] + 1);
			mp->s[i].rtcp_fd[x] = -1;
			if (lk_worker_sock_add(w, &leg->sock[1])) {
				mp->s[i].rtcp_gone[x] = leg->sock[1].fd;
				leg->sock[1].fd = -1;
			}
		}
	}
	/* The answer's sender says a=rtcp-mux: it multiplexes (s.5.1.1). */
	x = mp->sender;
	if (mp->answer && mp->s[i].rtcp_mux && s->leg[x].sock[1].fd >= 0) {
		lk_worker_sock_del(w, &s->leg[x].sock[1]);
		mp->s[i].rtcp_gone[x] = s->leg[x].sock[1].fd;
		s->leg[x].sock[1].fd = -1;
	}
}

/*
 * Install a step's SRTP contexts on the legs it sets; the step keeps the
 * ones they replace, for the control thread to free (relay/srtp.h).
 */
static void srtp_swap(struct lk_stream *s, struct lk_sdes_step *st)
{
	unsigned side;

	for (side = 0; side < 2; side++) {
		struct lk_leg *leg = &s->leg[side];
		struct lk_srtp *in = leg->srtp_in, *out = leg->srtp_out;

		if (!st->set[side])
			continue;
		leg->srtp_in = st->in[side];
		leg->srtp_out = st->out[side];
		leg->srtp_suite = st->suite[side];
		st->in[side] = in;
		st->out[side] = out;
	}
}

static void apply_h(struct lk_worker *w, void *arg)
{
	struct media_plan *mp = arg;
	struct lk_call *call = mp->call;
	unsigned i, c;

	for (i = 0; i < mp->nmedia; i++) {
		struct lk_stream *s = mp->s[i].fresh;
		struct lk_leg *snd, *rcv;

		if (s) {
			s->w = w;
			s->call = call;
			s->next = call->streams;
			call->streams = s;
			++call->nstreams;
		}
		else
			s = stream_get(call, i);
		if (!s)
			continue;
		snd = &s->leg[mp->sender];
		rcv = &s->leg[mp->receiver];
		snprintf(s->media, sizeof(s->media), "%s", mp->s[i].media);
		srtp_swap(s, &mp->s[i].step);

		/* The sender's side: what its SDP says about it. */
		for (c = 0; c < 2; c++) {
			bool first_sdp = !snd->latch[c].sdp.sa.sa_family;

			lk_latch_set_flags(&snd->latch[c], mp->latch_flags |
					   (mp->s[i].no_nat ?
					    LK_LATCH_TRUST_ADDRESS : 0));
			lk_latch_set_signalling(&snd->latch[c],
				mp->sig.sa.sa_family ? &mp->sig.sa : NULL,
				sizeof(mp->sig));
			if (mp->s[i].has_sdp)
				lk_latch_set_sdp(&snd->latch[c], c ?
					&mp->s[i].sdp_rtcp.sa :
					&mp->s[i].sdp_rtp.sa, c ?
					sizeof(mp->s[i].sdp_rtcp) :
					sizeof(mp->s[i].sdp_rtp));
			/*
			 * New signalling moves the latch (docs/architecture.md),
			 * except the side's first SDP: what its own packets
			 * latched before it stands if rule 2 allows it now.
			 */
			if (mp->reset_latch && first_sdp && mp->s[i].has_sdp)
				lk_latch_confirm(&snd->latch[c]);
			else if (mp->reset_latch)
				lk_latch_reset(&snd->latch[c]);
		}
		snd->rtcp_mux = mp->s[i].rtcp_mux;
		snd->no_nat = mp->s[i].no_nat;
		/* A re-offer that changes direction applies at once. */
		snd->no_rtp = mp->s[i].no_rtp;
		snd->mux_tx = mp->s[i].mux_tx;
		snd->mux_tx_id = mp->s[i].mux_tx_id;
		/* An answer without a=rtcp-mux declines the offerer's. */
		if (mp->answer && !mp->s[i].rtcp_mux)
			rcv->rtcp_mux = false;

		rtcp_sockets(w, s, mp, i);

		/* The receiving side: the relay's ports it is told. */
		if (!mp->s[i].active)
			continue;
		if (!rcv->active) {
			if (mp->s[i].want_mux) {
				mp->s[i].err = lk_worker_mux_add(w, rcv);
				if (mp->s[i].err)
					continue;
				rcv->port[0] = lk_worker_mux_port(w,
					rcv->mux_pair, 0);
				rcv->port[1] = lk_worker_mux_port(w,
					rcv->mux_pair, 1);
			}
			else {
				for (c = 0; c < 2; c++) {
					rcv->sock[c].fd = mp->s[i].fd[c];
					rcv->sock[c].port = mp->s[i].port[c];
					rcv->port[c] = mp->s[i].port[c];
					mp->s[i].fd[c] = -1;
					/* rtcp-mux: no RTCP socket. */
					if (rcv->sock[c].fd >= 0)
						mp->s[i].err =
							lk_worker_sock_add(w,
							&rcv->sock[c]);
				}
				mp->s[i].consumed = true;
			}
			rcv->active = true;
		}
		mp->s[i].out_port[0] = rcv->port[0];
		mp->s[i].out_port[1] = rcv->port[1];
		mp->s[i].out_mux = rcv->mux_rx;
		mp->s[i].out_mux_id = rcv->mux_id;
	}
	/* A reset latch, a new direction: the kernel's entries follow. */
	if (lk_worker_kfwd(w)) {
		struct lk_stream *s;

		for (s = call->streams; s; s = s->next)
			lk_kfwd_stream_sync(lk_worker_kfwd(w), s);
	}
}

/*
 * Offer and answer
 */

/*
 * A side that had no RTCP socket (it multiplexed RTCP, RFC 5761) and
 * whose new description, or the answer it gets, does not multiplex
 * sends RTCP to its RTP port + 1 again: bind it for apply_h to hand over.
 * The leg's fields are the worker's, but no worker call runs while this
 * reads them (the last one returned before, the next starts after).
 */
static void rtcp_rebind(struct lk_media *m, struct media_plan *mp,
			const struct lk_stream *s, unsigned i, bool sdp_mux)
{
	unsigned x;

	if (sdp_mux)
		return;
	for (x = 0; x < 2; x++) {
		const struct lk_leg *leg = &s->leg[x];
		int err;

		if (x != mp->sender && !mp->answer)
			continue;	/* its answer will say */
		if (!leg->active || leg->mux_rx || leg->sock[0].fd < 0 ||
		    leg->sock[1].fd >= 0 || mp->s[i].rtcp_fd[x] >= 0)
			continue;
		err = media_bind(m, &mp->s[i].rtcp_fd[x], m->conf.address,
				(uint16_t)(leg->port[0] + 1));
		if (err)
			lk_warn("stream %u: RTCP port %u: %s; RTCP to it is "
				"lost", i, leg->port[0] + 1, strerror(err));
	}
}

static struct lk_worker *pick_worker(struct lk_media *m, unsigned flags)
{
	/*
	 * The multiplexed ports belong to worker 0 unless every worker has
	 * them (mux_open, docs/architecture.md "Multiplexed media").
	 */
	if ((flags & (LK_MF_MUX_OFFER | LK_MF_MUX_ANSWER)) &&
	    m->mux_workers < 2)
		return m->workers[0];

	return m->workers[m->next_worker++ % m->nworkers];
}

static int fail(struct lk_media_reply *r, const char *reason, int err,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(struct lk_media_reply *r, const char *reason, int err,
		const char *fmt, ...)
{
	va_list ap;

	r->error_reason = reason;
	r->detail[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
		va_end(ap);
	}

	return err;
}

/* A plan for `nmedia` streams, nothing taken yet; NULL: out of memory. */
static struct media_plan *plan_alloc(unsigned nmedia, bool answer)
{
	struct media_plan *mp;
	unsigned i;

	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return NULL;
	mp->nmedia = nmedia;
	mp->answer = answer;
	for (i = 0; i < LK_MDESC_MAX_STREAMS; i++) {
		mp->s[i].fd[0] = mp->s[i].fd[1] = -1;
		mp->s[i].rtcp_fd[0] = mp->s[i].rtcp_fd[1] = -1;
		mp->s[i].rtcp_gone[0] = mp->s[i].rtcp_gone[1] = -1;
	}

	return mp;
}

/* Whatever the plan took and no leg kept goes back; the plan is freed. */
static void plan_free(struct lk_media *m, struct media_plan *mp)
{
	unsigned i, c;

	for (i = 0; i < mp->nmedia; i++) {
		for (c = 0; c < 2; c++) {
			if (mp->s[i].fd[c] >= 0)
				close(mp->s[i].fd[c]);
			if (mp->s[i].rtcp_fd[c] >= 0)
				close(mp->s[i].rtcp_fd[c]);
			if (mp->s[i].rtcp_gone[c] >= 0)
				close(mp->s[i].rtcp_gone[c]);
		}
		if (mp->s[i].port[0] && !mp->s[i].consumed)
			lk_portalloc_give(m->pa, mp->s[i].port[0]);
		mem_deref(mp->s[i].fresh);
		/* The contexts the worker let go of, or never took. */
		lk_sdes_step_release(&mp->s[i].step);
		lk_sdes_side_wipe(&mp->s[i].sdes[0]);
		lk_sdes_side_wipe(&mp->s[i].sdes[1]);
	}
	free(mp);
}

/* A zone's media encryption mode as SDES sees it (docs/srtp.md). */
static enum lk_sdes_want enc_want(enum lk_media_encryption e)
{
	switch (e) {
	case LK_MEDIA_ENC_FORCE_ENCRYPTED:	return LK_SDES_ENCRYPTED;
	case LK_MEDIA_ENC_FORCE_UNENCRYPTED:	return LK_SDES_CLEAR;
	case LK_MEDIA_ENC_BEST_EFFORT:		return LK_SDES_BEST_EFFORT;
	default:				return LK_SDES_ANY;
	}
}

/*
 * SRTP for stream i (docs/srtp.md): what relay/sdes.c makes of this
 * stream, worked out on a copy of the stream's SDES state that replaces
 * it only when the request succeeds.
 */
static int media_sdes(struct media_plan *mp, unsigned i,
		      const struct lk_stream *s,
		      const struct lk_mdesc_stream *ds,
		      const struct lk_media_req *req, struct lk_media_reply *r)
{
	struct lk_sdes_opts o = {req->transport, req->sdes_off,
		enc_want(req->enc_receiver), enc_want(req->enc_sender)};
	const char *why = "?";
	int err;

	memcpy(mp->s[i].sdes, s->sdes, sizeof(mp->s[i].sdes));
	if (req->op == LK_MEDIA_OFFER)
		err = lk_sdes_offer(mp->s[i].sdes, mp->sender, ds, &o,
				    &mp->s[i].step, &why);
	else
		err = lk_sdes_answer(mp->s[i].sdes, mp->sender, ds,
				     &mp->s[i].step, &why);
	if (err)
		return fail(r, LK_MEDIA_ERR_SRTP, err, "stream %u: %s", i,
			    why);

	return 0;
}

/* The identifiers every request needs, in rtpengine's order of checks. */
static int req_check(const struct lk_media_req *req, struct lk_media_reply *r)
{
	if (!req->call_id.len)
		return fail(r, LK_MEDIA_ERR_NO_CALLID, EINVAL, NULL);
	if (!req->from_tag.len)
		return fail(r, LK_MEDIA_ERR_NO_FROMTAG, EINVAL, NULL);
	if (req->op == LK_MEDIA_ANSWER && !req->to_tag.len)
		return fail(r, LK_MEDIA_ERR_NO_TOTAG, EINVAL, NULL);

	return 0;
}

static int req_check_lengths(const struct lk_media_req *req,
			     struct lk_media_reply *r)
{
	if (req->call_id.len >= CALLID_MAX || req->from_tag.len >= TAG_MAX ||
	    req->to_tag.len >= TAG_MAX)
		return fail(r, "call-id or tag too long", EINVAL,
			    "at most %u octets", TAG_MAX - 1);

	return 0;
}

/* A new call for an offer: its side A, its worker, in the call table. */
static struct lk_call *call_create(struct lk_media *m,
				   const struct lk_media_req *req)
{
	struct lk_call *call;

	call = mem_zalloc(sizeof(*call), call_destructor);
	if (!call)
		return NULL;
	call->m = m;
	memcpy(call->call_id, req->call_id.p, req->call_id.len);
	call->call_id_len = req->call_id.len;
	memcpy(call->tag[SIDE_A], req->from_tag.p, req->from_tag.len);
	call->tag_len[SIDE_A] = req->from_tag.len;
	call->w = pick_worker(m, req->flags);
	call->flags = req->flags;
	call->created_ms = lk_clock_ms();
	call->created = time(NULL);
	hash_append(m->calls, hash_joaat((const uint8_t *)call->call_id,
		    call->call_id_len), &call->he, call);
	++m->ncalls;

	return call;
}

static void tag_set(struct lk_call *call, unsigned side,
		    const struct lk_media_str *tag)
{
	memcpy(call->tag[side], tag->p, tag->len);
	call->tag_len[side] = tag->len;
}

/*
 * Who sends this description, and who is told the relay's ports: an
 * offer comes from A unless from-tag is B's (a re-offer from B), an
 * answer from B unless to-tag is A's (A answers B's re-offer).
 */
static void plan_sides(struct media_plan *mp, struct lk_call *call,
		       const struct lk_media_req *req)
{
	if (req->op == LK_MEDIA_OFFER) {
		if (str_eq(call->tag[SIDE_B], call->tag_len[SIDE_B],
			   &req->from_tag))
			mp->sender = SIDE_B;
		else {
			mp->sender = SIDE_A;
			if (!str_eq(call->tag[SIDE_A], call->tag_len[SIDE_A],
				    &req->from_tag))
				tag_set(call, SIDE_A, &req->from_tag);
		}
	}
	else {
		if (str_eq(call->tag[SIDE_A], call->tag_len[SIDE_A],
			   &req->to_tag))
			mp->sender = SIDE_A;
		else {
			mp->sender = SIDE_B;
			tag_set(call, SIDE_B, &req->to_tag);
		}
	}
	mp->receiver = !mp->sender;
}

/* The latching rule for the sender's legs (docs/architecture.md). */
static void plan_latch(struct media_plan *mp, const struct lk_media *m,
		       const struct lk_media_req *req, bool created)
{
	mp->reset_latch = !created;
	mp->latch_flags = 0;
	if (req->flags & LK_MF_TRUST_ADDRESS)
		mp->latch_flags |= LK_LATCH_TRUST_ADDRESS;
	if (req->flags & LK_MF_ASYMMETRIC)
		mp->latch_flags |= LK_LATCH_ASYMMETRIC;
	if (req->flags & LK_MF_MEDIA_HANDOVER)
		mp->latch_flags |= LK_LATCH_MEDIA_HANDOVER;
	if (m->conf.latch_any_source)
		mp->latch_flags |= LK_LATCH_ANY_SOURCE;
	memset(&mp->sig, 0, sizeof(mp->sig));
	if (req->received_from.ss_family == AF_INET)
		memcpy(&mp->sig.in, &req->received_from, sizeof(mp->sig.in));
	else if (req->received_from.ss_family == AF_INET6)
		memcpy(&mp->sig.in6, &req->received_from,
		       sizeof(mp->sig.in6));
}

static void latch_addr(union lk_latch_addr *a,
		       const struct sockaddr_storage *ss)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET)
		memcpy(&a->in, ss, sizeof(a->in));
	else if (ss->ss_family == AF_INET6)
		memcpy(&a->in6, ss, sizeof(a->in6));
}

/* What stream i's description says of its sender. */
static void stream_sender(struct media_plan *mp, unsigned i,
			  const struct lk_mdesc_stream *ds,
			  const struct lk_media_req *req,
			  const struct lk_call *call)
{
	snprintf(mp->s[i].media, sizeof(mp->s[i].media), "%.*s",
		 (int)ds->media.len, ds->media.p);
	mp->s[i].active = ds->port != 0;
	mp->s[i].rtcp_mux = ds->rtcp_mux;
	mp->s[i].no_rtp = !lk_mdesc_receives_rtp(ds->dir);
	mp->s[i].mux_tx = ds->mux_id != 0;
	mp->s[i].mux_tx_id = ds->mux_id;
	latch_addr(&mp->s[i].sdp_rtp, &ds->addr);
	latch_addr(&mp->s[i].sdp_rtcp, &ds->rtcp_addr);
	mp->s[i].has_sdp = ds->port && ds->addr.ss_family &&
		ds->rtcp_addr.ss_family;
	/*
	 * The signalling source instead of the described IP, with the
	 * described ports: asymmetric without trust address, and
	 * rtpengine's "SIP source address".
	 */
	if ((((req->flags & LK_MF_ASYMMETRIC) &&
	      !(req->flags & LK_MF_TRUST_ADDRESS)) ||
	     (req->flags & LK_MF_SIP_SOURCE)) &&
	    req->received_from.ss_family) {
		latch_addr(&mp->s[i].sdp_rtp, &req->received_from);
		mp->s[i].sdp_rtcp = mp->s[i].sdp_rtp;
		mp->s[i].sdp_rtp.in.sin_port = htons(ds->port);
		mp->s[i].sdp_rtcp.in.sin_port = htons(ds->rtcp_port);
		mp->s[i].has_sdp = ds->port != 0;
	}
	/*
	 * Seed, "SIP call to endpoint with public IP address": where the
	 * described address is the one its signalling came from, no NAT
	 * sits between the endpoint and the relay, and the relay sends to
	 * that address from the start (N from the SDP), so an endpoint that
	 * is silent until it hears something (recvonly, muted, RFC 6263
	 * STUN keep-alives only) still gets media; its own packets latch and
	 * re-latch as usual.  Not on a multiplexed (traversal) side: there
	 * the seed has the far relay send first and the Expressway answer
	 * where it came from.  Elsewhere the "endpoint behind non SIP-aware
	 * firewall" rule waits for media.
	 */
	mp->s[i].no_nat = mp->s[i].has_sdp && mp->sig.sa.sa_family &&
		!mp->s[i].mux_tx && !(req->flags & LK_MF_NAT_WAIT) &&
		!(mp->sender == SIDE_B && (call->flags & LK_MF_MUX_OFFER)) &&
		!(mp->sender == SIDE_A && (call->flags & LK_MF_MUX_ANSWER)) &&
		lk_latch_same_ip(&mp->s[i].sdp_rtp.sa,
				 sizeof(mp->s[i].sdp_rtp),
				 &mp->sig.sa, sizeof(mp->sig));
}

/* Stream i of the call, or a fresh one the plan holds until applied. */
static int stream_take(struct lk_stream **sp, struct media_plan *mp,
		       unsigned i)
{
	struct lk_stream *s = stream_get(mp->call, i);

	if (!s) {
		s = mem_zalloc(sizeof(*s), stream_destructor);
		if (!s)
			return ENOMEM;
		s->index = i;
		leg_init(&s->leg[0], s, &s->leg[1]);
		leg_init(&s->leg[1], s, &s->leg[0]);
		mp->s[i].fresh = s;
	}
	*sp = s;

	return 0;
}

/*
 * The receiver's ports for stream i, if it has none yet: the multiplexed
 * ports on the side the call's first offer named ("mux offer" the
 * answerer B, "mux answer" the offerer A), else a pair from the media
 * range, bound here.
 */
static int stream_ports(struct lk_media *m, struct media_plan *mp,
			unsigned i, const struct lk_stream *s,
			const struct lk_mdesc_stream *ds,
			const struct lk_media_req *req,
			struct lk_media_reply *r)
{
	const struct lk_call *call = mp->call;
	struct pair_bind pb = {m, m->conf.address, {-1, -1}, false};
	uint16_t port;
	int err;

	if (!mp->s[i].active || s->leg[mp->receiver].active)
		return 0;
	if (lk_worker_mux_pairs(call->w) &&
	    ((mp->receiver == SIDE_B && (call->flags & LK_MF_MUX_OFFER)) ||
	     (mp->receiver == SIDE_A && (call->flags & LK_MF_MUX_ANSWER)))) {
		mp->s[i].want_mux = true;
		return 0;
	}
	/*
	 * An answer that keeps the offerer's a=rtcp-mux, passed on as it
	 * is: the offerer multiplexes RTCP (RFC 5761 s.5.1.1) and its RTCP
	 * port is never used.
	 */
	pb.rtp_only = mp->answer && ds->rtcp_mux &&
		s->leg[mp->receiver].rtcp_mux &&
		req->rtcp_mux == LK_SDP_MUX_ACCEPT;
	err = lk_portalloc_take_bound(m->pa, pair_bind_h, &pb, &port);
	if (err) {
		++m->exhausted;
		if (err == ENOSPC)
			fail(r, LK_MEDIA_ERR_NO_PORTS, ENOSPC,
			     "media range %u-%u", m->conf.media.start,
			     m->conf.media.end);
		else
			fail(r, LK_MEDIA_ERR_NO_PORTS, err, "bind: %s",
			     strerror(err));
		lk_warn("call %.*s: %s (%s)", (int)req->call_id.len,
			req->call_id.p, r->error_reason, r->detail);
		return err;
	}
	mp->s[i].fd[0] = pb.fd[0];
	mp->s[i].fd[1] = pb.fd[1];
	mp->s[i].port[0] = port;
	mp->s[i].port[1] = (uint16_t)(port + 1);

	return 0;
}

/* Everything stream i needs before the worker applies the plan. */
static int stream_plan(struct lk_media *m, struct media_plan *mp,
		       unsigned i, const struct lk_mdesc_stream *ds,
		       const struct lk_media_req *req,
		       struct lk_media_reply *r)
{
	struct lk_stream *s;
	int err;

	stream_sender(mp, i, ds, req, mp->call);
	err = stream_take(&s, mp, i);
	if (err)
		return fail(r, "Out of memory", err, NULL);
	if (!mp->s[i].fresh)
		rtcp_rebind(m, mp, s, i, ds->rtcp_mux);
	err = media_sdes(mp, i, s, ds, req, r);
	if (err)
		return err;

	return stream_ports(m, mp, i, s, ds, req, r);
}

/*
 * The worker applies the plan (apply_h); then what it gave back is
 * closed, fresh streams are counted as the call's, and each stream keeps
 * the SDES state this request leaves (relay/sdes.h).  An error after the
 * worker ran leaves the call as applied: usable, if not as asked.
 */
static int plan_apply(struct lk_media *m, struct media_plan *mp,
		      struct lk_media_reply *r)
{
	unsigned i, x;
	int err;

	err = lk_worker_call(mp->call->w, apply_h, mp);
	if (err)
		return fail(r, "Media worker stopped", err, NULL);
	for (i = 0; i < mp->nmedia; i++) {
		struct lk_stream *s = stream_get(mp->call, i);

		for (x = 0; x < 2; x++) {
			if (mp->s[i].rtcp_gone[x] >= 0)
				close(mp->s[i].rtcp_gone[x]);
			if (mp->s[i].rtcp_fd[x] >= 0)
				close(mp->s[i].rtcp_fd[x]);
			mp->s[i].rtcp_gone[x] = mp->s[i].rtcp_fd[x] = -1;
		}
		if (mp->s[i].fresh) {
			mp->s[i].fresh = NULL;	/* linked into the call */
			++m->nstreams;
		}
		if (s) {
			lk_sdes_side_wipe(&s->sdes[0]);
			lk_sdes_side_wipe(&s->sdes[1]);
			/* The plan's copy stays: the step points into it. */
			memcpy(s->sdes, mp->s[i].sdes, sizeof(s->sdes));
		}
	}
	for (i = 0; i < mp->nmedia; i++) {
		if (mp->s[i].err)
			return fail(r, LK_MEDIA_ERR_NO_PORTS, mp->s[i].err,
				    "stream %u: %s", i,
				    strerror(mp->s[i].err));
	}

	return 0;
}

_Static_assert(LK_SDES_LINE_MAX - (sizeof("a=crypto:") - 1) <=
	       LK_MDESC_CRYPTO_LEN &&
	       LK_SRTP_SUITE_COUNT <= LK_MDESC_RELAY_CRYPTO,
	       "every key of a SDES step fits the relay's description");

/* The relay's side of stream i, for the receiver. */
static void relay_out(struct lk_mdesc_relay *out, const struct media_plan *mp,
		      unsigned i, const struct lk_mdesc_stream *ds,
		      const struct lk_media_req *req)
{
	const struct lk_sdes_step *st = &mp->s[i].step;
	const size_t plen = sizeof("a=crypto:") - 1;
	unsigned l;

	memset(out, 0, sizeof(*out));
	out->port = mp->s[i].out_port[0];
	out->rtcp_port = mp->s[i].out_port[1];
	out->mux = mp->s[i].out_mux;
	out->mux_id = mp->s[i].out_mux_id;
	switch (req->rtcp_mux) {
	case LK_SDP_MUX_OFFER:	out->rtcp_mux = ds->rtp; break;
	case LK_SDP_MUX_DEMUX:	out->rtcp_mux = false; break;
	default:		out->rtcp_mux = ds->rtcp_mux; break;
	}
	if (st->proto)
		snprintf(out->proto, sizeof(out->proto), "%s", st->proto);
	out->own_crypto = st->strip_crypto;
	for (l = 0; l < st->nlines && l < LK_MDESC_RELAY_CRYPTO; l++) {
		/* relay/sdes.c writes whole SDP lines; the value follows. */
		if (strncmp(st->lines[l], "a=crypto:", plen))
			continue;
		snprintf(out->crypto[out->ncrypto++], LK_MDESC_CRYPTO_LEN,
			 "%s", st->lines[l] + plen);
	}
}

int lk_media_negotiate(struct lk_media *m, const struct lk_media_req *req,
		       const struct lk_mdesc *desc,
		       struct lk_mdesc_relay *relay, struct lk_media_reply *r)
{
	struct media_plan *mp = NULL;
	struct lk_call *call;
	const char *why = NULL;
	bool created = false;
	unsigned i, bad = 0;
	int err;

	r->warning[0] = '\0';
	err = req_check(req, r);
	if (!err)
		err = req_check_lengths(req, r);
	if (err)
		return err;
	if (lk_mdesc_check(desc, &bad, &why))
		return fail(r, LK_MEDIA_ERR_BAD_DESC, EINVAL, "stream %u: %s",
			    bad, why);

	call = call_find(m, &req->call_id);
	if (!call && req->op == LK_MEDIA_ANSWER)
		return fail(r, LK_MEDIA_ERR_UNKNOWN, ENOENT, NULL);
	mp = plan_alloc(desc->nstreams, req->op == LK_MEDIA_ANSWER);
	if (!mp)
		return fail(r, "Out of memory", ENOMEM, NULL);
	if (!call) {
		call = call_create(m, req);
		if (!call) {
			err = fail(r, "Out of memory", ENOMEM, NULL);
			goto out;
		}
		created = true;
	}
	mp->call = call;
	plan_sides(mp, call, req);
	plan_latch(mp, m, req, created);
	if ((req->flags & (LK_MF_MUX_OFFER | LK_MF_MUX_ANSWER)) &&
	    !(call->flags & (LK_MF_MUX_OFFER | LK_MF_MUX_ANSWER)))
		snprintf(r->warning, sizeof(r->warning), "multiplexed media "
			 "must be asked for in the call's first offer; "
			 "ignored");

	for (i = 0; i < desc->nstreams; i++) {
		err = stream_plan(m, mp, i, &desc->s[i], req, r);
		if (err)
			goto out;
	}
	err = plan_apply(m, mp, r);
	if (err)
		goto out;
	for (i = 0; i < desc->nstreams; i++)
		relay_out(&relay[i], mp, i, &desc->s[i], req);
	call->last_signal_ms = lk_clock_ms();
	call->last_signal = time(NULL);
	if (created)
		lk_info("call %.*s: created by offer from %.*s: %u stream%s on "
			"worker %u", (int)call->call_id_len, call->call_id,
			(int)req->from_tag.len, req->from_tag.p,
			desc->nstreams, desc->nstreams == 1 ? "" : "s",
			lk_worker_index(call->w));

 out:
	plan_free(m, mp);
	if (err && created && !call->nstreams)
		mem_deref(call);

	return err;
}

/* The SDP edge: ng and SIP (relay/sdpdesc.h). */
struct sdp_exchange {
	struct lk_sdp sdp;
	struct lk_mdesc desc;
	struct lk_mdesc_relay relay[LK_MDESC_MAX_STREAMS];
	struct lk_sdp_plan plan;
};

/* The reply SDP's options from ng's flags. */
static void sdp_plan(struct lk_sdp_plan *plan, const struct lk_media *m,
		     const struct lk_media_req *req)
{
	memset(plan, 0, sizeof(*plan));
	plan->addr = m->conf.address;
	plan->af = strchr(m->conf.address, ':') ? LK_SDP_AF_IP6 :
		LK_SDP_AF_IP4;
	plan->replace_origin = req->flags & LK_MF_REPLACE_ORIGIN;
	plan->replace_session_conn = req->flags & LK_MF_REPLACE_SESS_CONN;
	plan->rtcp_mux = req->rtcp_mux;
	plan->ice = (req->flags & LK_MF_ICE_KEEP) ? LK_SDP_ICE_KEEP :
		LK_SDP_ICE_REMOVE;
}

int lk_media_offer_answer(struct lk_media *m, const struct lk_media_req *req,
			  struct lk_media_reply *r)
{
	struct sdp_exchange *x;
	struct lk_sdp_error serr;
	int err;

	r->warning[0] = '\0';
	err = req_check(req, r);
	if (err)
		return err;
	if (!req->sdp || !req->sdp_len)
		return fail(r, LK_MEDIA_ERR_NO_SDP, EINVAL, NULL);
	err = req_check_lengths(req, r);
	if (err)
		return err;
	x = calloc(1, sizeof(*x));
	if (!x)
		return fail(r, "Out of memory", ENOMEM, NULL);
	if (lk_sdp_parse(&x->sdp, &serr, req->sdp, req->sdp_len)) {
		err = fail(r, LK_MEDIA_ERR_BAD_SDP, EBADMSG, "line %u: %s",
			   serr.line, serr.reason);
		goto out;
	}
	lk_sdp_describe(&x->desc, &x->sdp);
	err = lk_media_negotiate(m, req, &x->desc, x->relay, r);
	if (err)
		goto out;
	/* The reply SDP: the receiver's ports in place of the sender's. */
	sdp_plan(&x->plan, m, req);
	err = lk_sdp_answer(r->sdp, r->sdp_size, &r->sdp_len, &x->sdp,
			    &x->plan, x->relay);
	if (err)
		fail(r, "Failed to rewrite SDP", err, "%s", strerror(err));

 out:
	explicit_bzero(x->relay, sizeof(x->relay));
	free(x);

	return err;
}

int lk_media_delete(struct lk_media *m, const struct lk_media_str *call_id,
		    const char **reasonp)
{
	struct lk_call *call = call_find(m, call_id);

	if (!call) {
		*reasonp = LK_MEDIA_ERR_UNKNOWN;
		return ENOENT;
	}
	lk_info("call %.*s: deleted by request", (int)call_id->len,
		call_id->p);
	mem_deref(call);

	return 0;
}

/*
 * Query, list, statistics
 */

struct query_ctx {
	struct lk_call *call;
	struct lk_media_leg_info info[2 * LK_SDP_MAX_MEDIA * 4];
	unsigned n;
};

/* query's "sending" (media.h): the RTP latch's rule, in words. */
static const char *leg_sending(const struct lk_leg *leg, uint64_t *since_ms)
{
	const struct lk_latch *l = &leg->latch[0];

	*since_ms = 0;
	if (l->flags & LK_LATCH_ASYMMETRIC)
		return "SDP address (asymmetric)";
	switch (lk_latch_latched_by(l, since_ms)) {
	case LK_PKT_RTP:	return "latched on RTP";
	case LK_PKT_RTCP:	return "latched on RTCP";
	case LK_PKT_STUN:	return "latched on STUN";
	default:		break;
	}
	if ((l->flags & LK_LATCH_TRUST_ADDRESS) && l->sdp.sa.sa_family)
		return leg->no_nat ? "SDP address (no NAT: SDP address is "
			"the signalling source)" : "SDP address (trust address)";

	return "waiting for media (seed N)";
}

static void query_h(struct lk_worker *w, void *arg)
{
	struct query_ctx *q = arg;
	struct lk_stream *s;
	unsigned i;

	for (s = q->call->streams; s; s = s->next) {
		for (i = 0; i < 2; i++) {
			struct lk_leg *leg = &s->leg[i];
			struct lk_media_leg_info *li;
			const struct sockaddr *peer;
			uint64_t since;
			socklen_t pl;

			if (q->n >= sizeof(q->info) / sizeof(q->info[0]))
				return;
			li = &q->info[q->n++];
			memset(li, 0, sizeof(*li));
			li->stream = s->index;
			li->side = i ? "B" : "A";
			li->tag.p = q->call->tag[i];
			li->tag.len = q->call->tag_len[i];
			snprintf(li->media, sizeof(li->media), "%s", s->media);
			li->local_rtp = leg->port[0];
			li->local_rtcp = leg->port[1];
			li->mux_rx = leg->mux_rx;
			li->mux_id = leg->mux_id;
			li->srtp_suite = leg->srtp_suite;
			li->latched = lk_latch_is_latched(&leg->latch[0]);
			li->sending = leg_sending(leg, &since);
			if (since)
				li->sending_since = (uint64_t)time(NULL) -
					lk_clock_since(lk_clock_ms(), since) /
					1000;
			/* What the side's SDP said, shown until it latches. */
			if (leg->latch[0].sdp.sa.sa_family)
				memcpy(&li->sdp, &leg->latch[0].sdp,
				       sizeof(leg->latch[0].sdp));
			if (li->latched) {
				peer = lk_latch_target(&leg->latch[0], &pl);
				if (peer && pl <= sizeof(li->peer))
					memcpy(&li->peer, peer, pl);
			}
		}
	}
}

int lk_media_query(struct lk_media *m, const struct lk_media_str *call_id,
		   struct lk_media_call_info *infop, lk_media_leg_h *legh,
		   void *arg, const char **reasonp)
{
	struct lk_call *call = call_find(m, call_id);
	struct query_ctx *q;
	uint64_t now_mono = lk_clock_ms();
	time_t now = time(NULL);
	unsigned i;

	if (!call) {
		*reasonp = LK_MEDIA_ERR_UNKNOWN;
		return ENOENT;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		*reasonp = "Out of memory";
		return ENOMEM;
	}
	q->call = call;
	lk_worker_call(call->w, query_h, q);
	infop->call_id.p = call->call_id;
	infop->call_id.len = call->call_id_len;
	infop->created = (uint64_t)call->created;
	infop->last_signal = (uint64_t)call->last_signal;
	infop->nlegs = q->n;
	/* Counters: relaxed atomic loads, no need to stop the worker. */
	for (i = 0; i < q->n; i++) {
		struct lk_media_leg_info *li = &q->info[i];
		struct lk_stream *s = stream_get(call, li->stream);
		struct lk_leg *leg = &s->leg[li->side[0] == 'B'];
		uint64_t last = LK_STAT_GET(leg->st.last_rx_ms);
		struct lk_kfwd_count kin, kout;

		/* What the kernel forwarded counts as if the worker had. */
		lk_kfwd_leg_read(m->kf, leg, &kin);
		lk_kfwd_leg_read(m->kf, leg->peer, &kout);
		if (kin.last_ms > last)
			last = kin.last_ms;
		li->packets = LK_STAT_GET(leg->st.packets) + kin.packets;
		li->bytes = LK_STAT_GET(leg->st.bytes) + kin.bytes;
		li->packets_out = LK_STAT_GET(leg->st.packets_out) +
			kout.packets;
		li->bytes_out = LK_STAT_GET(leg->st.bytes_out) +
			kout.bytes_out;
		li->srtp_auth_failed = LK_STAT_GET(leg->st.srtp_auth_failed);
		li->srtp_replayed = LK_STAT_GET(leg->st.srtp_replayed);
		li->errors = LK_STAT_GET(leg->st.malformed) +
			LK_STAT_GET(leg->st.dropped_foreign) +
			LK_STAT_GET(leg->st.dropped_unexpected) +
			LK_STAT_GET(leg->st.dropped_held) +
			li->srtp_auth_failed + li->srtp_replayed +
			LK_STAT_GET(leg->st.srtp_errors);
		li->dropped_unexpected =
			LK_STAT_GET(leg->st.dropped_unexpected);
		li->last_packet = last ? (uint64_t)now -
			lk_clock_since(now_mono, last) / 1000 : 0;
		legh(li, arg);
	}
	free(q);

	return 0;
}

struct list_ctx {
	unsigned limit, n;
	lk_media_call_h *h;
	void *arg;
};

static bool calls_list_h(struct le *le, void *arg)
{
	struct list_ctx *lc = arg;
	const struct lk_call *call = le->data;
	struct lk_media_call_info ci;

	if (lc->n >= lc->limit)
		return true;
	memset(&ci, 0, sizeof(ci));
	ci.call_id.p = call->call_id;
	ci.call_id.len = call->call_id_len;
	ci.created = (uint64_t)call->created;
	ci.last_signal = (uint64_t)call->last_signal;
	ci.nlegs = 2 * call->nstreams;
	lc->h(&ci, lc->arg);
	++lc->n;

	return false;
}

void lk_media_list(struct lk_media *m, unsigned limit, lk_media_call_h *callh,
		   void *arg)
{
	struct list_ctx lc = {limit, 0, callh, arg};

	hash_apply(m->calls, calls_list_h, &lc);
}

/* The SRTP drops of the live calls' legs (relaxed loads, as query). */
static bool srtp_sum_h(struct le *le, void *arg)
{
	const struct lk_call *call = le->data;
	struct lk_media_totals *t = arg;
	const struct lk_stream *s;
	unsigned i;

	for (s = call->streams; s; s = s->next) {
		for (i = 0; i < 2; i++) {
			t->srtp_auth_failed +=
				LK_STAT_GET(s->leg[i].st.srtp_auth_failed);
			t->srtp_replayed +=
				LK_STAT_GET(s->leg[i].st.srtp_replayed);
		}
	}

	return false;
}

unsigned lk_media_workers(const struct lk_media *m,
			  struct lk_worker *const **wp)
{
	*wp = m->workers;

	return m->nworkers;
}

void lk_media_totals(struct lk_media *m, struct lk_media_totals *t)
{
	struct lk_portalloc_stats ps;
	unsigned i;

	memset(t, 0, sizeof(*t));
	t->calls = m->ncalls;
	t->streams = m->nstreams;
	for (i = 0; i < m->nworkers; i++) {
		struct lk_worker_stats ws;

		lk_worker_stats(m->workers[i], &ws);
		t->packets += ws.packets;
		t->bytes += ws.bytes;
		t->errors += ws.malformed;
		t->dropped_foreign += ws.dropped_foreign;
		t->dropped_unexpected += ws.dropped_unexpected;
		t->dropped_held += ws.dropped_held;
		t->dropped_direction += ws.dropped_direction;
		t->dropped_no_leg += ws.dropped_no_leg;
		t->stun_answered += ws.stun_answered;
		t->keepalives += ws.keepalives;
		t->send_errors += ws.send_errors;
	}
	if (m->kf) {
		struct lk_kfwd_count kc;

		lk_kfwd_totals(m->kf, &kc);
		t->kernel_packets = kc.packets;
		t->kernel_bytes = kc.bytes;
		t->packets += kc.packets;
		t->bytes += kc.bytes;
	}
	t->srtp_auth_failed = m->srtp_ended[0];
	t->srtp_replayed = m->srtp_ended[1];
	hash_apply(m->calls, srtp_sum_h, t);
	t->timeouts = m->timeouts;
	t->final_timeouts = m->final_timeouts;
	t->ports_exhausted = m->exhausted;
	if (!lk_portalloc_stats(m->pa, &ps)) {
		t->bind_conflicts = ps.bind_conflicts;
		t->ports_free = ps.nfree;
		t->ports_cooling = ps.ncooling;
	}
}

/*
 * Timeouts: once a second, every call.  10,000 calls cost about 10,000
 * atomic loads a second on the control thread, nothing on the workers.
 */
static bool timeout_apply_h(struct le *le, void *arg)
{
	struct lk_call *call = le->data;
	struct lk_media *m = call->m;
	uint64_t now = *(uint64_t *)arg, last = call->last_signal_ms;
	struct lk_stream *s;

	if (call->created_ms > last)
		last = call->created_ms;
	for (s = call->streams; s; s = s->next) {
		uint64_t a = LK_STAT_GET(s->leg[0].st.last_rx_ms);
		uint64_t b = LK_STAT_GET(s->leg[1].st.last_rx_ms);

		if (a > last)
			last = a;
		if (b > last)
			last = b;
	}
	/*
	 * Media the kernel forwards never reaches the worker: ask the
	 * kernel, but only for a call that looks idle (a map lookup per
	 * leg, not per call and second).
	 */
	if (m->kf && lk_clock_since(now, last) >=
	    (uint64_t)m->conf.media_timeout * 1000) {
		for (s = call->streams; s; s = s->next) {
			struct lk_kfwd_count kc;
			unsigned i;

			for (i = 0; i < 2; i++) {
				lk_kfwd_leg_read(m->kf, &s->leg[i], &kc);
				if (kc.last_ms > last)
					last = kc.last_ms;
			}
		}
	}
	if (m->conf.final_timeout &&
	    lk_clock_since(now, call->created_ms) >=
	    (uint64_t)m->conf.final_timeout * 1000) {
		lk_info("call %.*s: deleted: final timeout (%u s)",
			(int)call->call_id_len, call->call_id,
			m->conf.final_timeout);
		++m->final_timeouts;
		mem_deref(call);
	}
	else if (lk_clock_since(now, last) >=
		 (uint64_t)m->conf.media_timeout * 1000) {
		lk_info("call %.*s: deleted: media timeout (no media or "
			"signalling for %u s)", (int)call->call_id_len,
			call->call_id, m->conf.media_timeout);
		++m->timeouts;
		mem_deref(call);
	}

	return false;
}

void lk_media_sweep(struct lk_media *m, uint64_t now)
{
	uint32_t b;

	/*
	 * hash_apply() would follow a freed element's next pointer, so walk
	 * bucket by bucket and take the next element before the current one
	 * may go.
	 */
	for (b = 0; b < hash_bsize(m->calls); b++) {
		struct le *le = list_head(hash_list(m->calls, b));

		while (le) {
			struct le *next = le->next;

			timeout_apply_h(le, &now);
			le = next;
		}
	}
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lk_media_sweep(arg, lk_clock_ms());
}

/*
 * Life cycle
 */

/*
 * [Media] Kernel forwarding: "on" refuses to start without the fast path,
 * "auto" says once why it runs without, "off" does not try.
 */
static int kfwd_start(struct lk_media *m, const struct lk_conf *conf,
		      char *errbuf, size_t errsz)
{
	char why[200];
	unsigned i;
	int err;

	if (conf->kernel_forwarding == LK_KFWD_OFF)
		return 0;
	err = lk_kfwd_alloc(&m->kf, conf->address, conf->kfwd_interfaces, why,
			    sizeof(why));
	if (err && conf->kernel_forwarding == LK_KFWD_ON) {
		snprintf(errbuf, errsz, "Kernel forwarding = on: %s", why);
		return err;
	}
	if (err) {
		lk_warn("kernel forwarding off: %s; media is forwarded in "
			"user space", why);
		return 0;
	}
	for (i = 0; i < m->nworkers; i++)
		lk_worker_set_kfwd(m->workers[i], m->kf);
	lk_info("kernel forwarding on: latched RTP is forwarded by an eBPF "
		"program at the ingress of lo%s%s (program id %u)",
		conf->kfwd_interfaces[0] ? ", " : "", conf->kfwd_interfaces,
		lk_kfwd_prog_id(m->kf));

	return 0;
}

/*
 * Seed footnote **: the Expressway receives multiplexed media.  With more
 * than one worker each binds the mux ports (SO_REUSEPORT, in worker
 * order) and the kernel steers each datagram to the worker its
 * multiplexID belongs to (lk_worker_mux_steer), so H.460.19 media is not
 * pinned to one core.  If the steering program cannot be attached,
 * worker 0 alone owns the ports, as before, and says so.
 */
static int mux_open(struct lk_media *m, const struct lk_conf *conf,
		    char *errbuf, size_t errsz)
{
	bool shared = m->nworkers > 1;
	unsigned i;
	int err;

	err = lk_worker_mux_open(m->workers[0], conf->address,
				 conf->mux_ports, conf->nmux, shared, errbuf,
				 errsz);
	if (err)
		return err;
	m->mux_workers = 1;
	if (!shared)
		return 0;
	err = lk_worker_mux_steer(m->workers[0], m->nworkers);
	if (err) {
		lk_warn("multiplexed media on worker 0 only: cannot attach "
			"the steering program (SO_ATTACH_REUSEPORT_CBPF): %s",
			strerror(err));
		return 0;
	}
	for (i = 1; i < m->nworkers; i++) {
		err = lk_worker_mux_open(m->workers[i], conf->address,
					 conf->mux_ports, conf->nmux, true,
					 errbuf, errsz);
		if (err)
			return err;
		lk_worker_mux_group(m->workers[i], m->nworkers);
	}
	m->mux_workers = m->nworkers;

	return 0;
}

/* Stop the workers and free every call; nothing is sent after it. */
static void media_destructor(void *arg)
{
	struct lk_media *m = arg;
	uint32_t b;
	unsigned i;

	if (m->timer)
		event_free(m->timer);
	if (m->calls) {
		for (b = 0; b < hash_bsize(m->calls); b++) {
			struct le *le = list_head(hash_list(m->calls, b));

			while (le) {
				struct le *next = le->next;

				mem_deref(le->data);
				le = next;
			}
		}
		mem_deref(m->calls);
	}
	for (i = 0; i < m->nworkers; i++)
		mem_deref(m->workers[i]);
	free(m->workers);
	mem_deref(m->kf);
	mem_deref(m->pa);
}

int lk_media_alloc(struct lk_media **mp, struct event_base *base,
		   const struct lk_conf *conf, char *errbuf, size_t errsz)
{
	struct lk_portalloc_conf pc;
	struct timeval tv = {1, 0};
	struct lk_media *m;
	unsigned i, n;
	long ncpu;
	int err;

	m = mem_zalloc(sizeof(*m), media_destructor);
	if (!m)
		return ENOMEM;
	m->conf = *conf;
	m->base = base;
	err = lk_srtp_init();
	if (err) {
		snprintf(errbuf, errsz, "libsrtp2 failed to initialise");
		goto out;
	}
	err = hash_alloc(&m->calls, 4096);
	if (err) {
		snprintf(errbuf, errsz, "call table: %s", strerror(err));
		goto out;
	}
	err = lk_portalloc_conf_init(&pc, conf, LK_PORTALLOC_MEDIA);
	if (!err)
		err = lk_portalloc_alloc(&m->pa, &pc);
	if (err) {
		snprintf(errbuf, errsz, "media port allocator: %s",
			 strerror(err));
		goto out;
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	n = conf->workers ? conf->workers : (ncpu > 0 ? (unsigned)ncpu : 1);
	m->workers = calloc(n, sizeof(*m->workers));
	if (!m->workers) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = lk_worker_alloc(&m->workers[i], i);
		if (err) {
			snprintf(errbuf, errsz, "media worker %u: %s", i,
				 strerror(err));
			goto out;
		}
		m->nworkers = i + 1;
	}
	if (conf->role == LK_ROLE_EXPRESSWAY && conf->nmux) {
		err = mux_open(m, conf, errbuf, errsz);
		if (err)
			goto out;
	}
	err = kfwd_start(m, conf, errbuf, errsz);
	if (err)
		goto out;
	m->timer = event_new(base, -1, EV_PERSIST, timer_cb, m);
	if (!m->timer || event_add(m->timer, &tv) < 0) {
		err = ENOMEM;
		goto out;
	}
	{
		/* Where pairs start: the multiplexed ports come first. */
		struct lk_portalloc_stats ps;
		unsigned first = conf->media.start;

		while (first + 1 <= conf->media.end &&
		       (lk_conf_is_mux_port(conf, (uint16_t)first) ||
			lk_conf_is_mux_port(conf, (uint16_t)(first + 1))))
			first += 2;
		memset(&ps, 0, sizeof(ps));
		lk_portalloc_stats(m->pa, &ps);
		lk_info("%u worker thread%s; %u RTP/RTCP port pairs from "
			"%u/%u to %u/%u%s", n, n == 1 ? "" : "s", ps.capacity,
			first, first + 1, conf->media.end - 1, conf->media.end,
			!m->mux_workers ? "" : m->mux_workers > 1 ?
			"; multiplexed media on every worker, steered by "
			"multiplexID" : "; multiplexed media on worker 0");
	}

 out:
	if (err)
		mem_deref(m);
	else
		*mp = m;

	return err;
}

void lk_media_reconf(struct lk_media *m, const struct lk_conf *conf)
{
	if (!m || !conf)
		return;
	m->conf.media_timeout = conf->media_timeout;
	m->conf.final_timeout = conf->final_timeout;
	/* Offers and answers from now on; latched legs keep their peer. */
	m->conf.latch_any_source = conf->latch_any_source;
}

