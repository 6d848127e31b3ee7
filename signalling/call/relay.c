/* signalling/call/relay.c  The media step of an interworking call: each side's media description through the media core (relay/media.h). */

/*
 * Owns the media core's side of one interworking call: its call-id, the
 * relay's answers it last wrote toward each side (the strings the
 * descriptions it hands out point to), and the deletion of the media
 * core's call when the call goes.  What the media core does with the
 * request is relay/media.c's; what the legs write is theirs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include <re.h>

#include "call/relay.h"
#include "log.h"
#include "media.h"

struct lk_sigcall_relay {
	struct lk_sigcall_relay_conf cfg;
	char call_id[128];
	bool made;			/* the media core has the call */
	/* the relay's side as last told to side A and side B */
	struct lk_mdesc_relay told[2][LK_MDESC_MAX_STREAMS];
};

static void relay_destructor(void *arg)
{
	struct lk_sigcall_relay *r = arg;
	struct lk_media_str id = { r->call_id, strlen(r->call_id) };
	const char *reason = NULL;

	if (r->made)
		lk_media_delete(r->cfg.media, &id, &reason);
}

static bool family_ok(const struct sockaddr_storage *ss, bool required)
{
	if (!ss->ss_family)
		return !required;

	return ss->ss_family == AF_INET || ss->ss_family == AF_INET6;
}

int lk_sigcall_relay_alloc(struct lk_sigcall_relay **rp,
			   const struct lk_sigcall_relay_conf *cfg)
{
	struct lk_sigcall_relay *r;

	if (!rp || !cfg || !cfg->media || !cfg->call_id || !cfg->call_id[0] ||
	    strlen(cfg->call_id) >= sizeof(r->call_id) ||
	    !family_ok(&cfg->local, true) || !family_ok(&cfg->peer[0], false) ||
	    !family_ok(&cfg->peer[1], false))
		return EINVAL;
	r = mem_zalloc(sizeof(*r), relay_destructor);
	if (!r)
		return ENOMEM;
	r->cfg = *cfg;
	snprintf(r->call_id, sizeof(r->call_id), "%s", cfg->call_id);
	r->cfg.call_id = r->call_id;
	*rp = r;

	return 0;
}

/* `ss` at `port` (the relay's address with one of its ports). */
static void addr_at(struct sockaddr_storage *out,
		    const struct sockaddr_storage *ss, uint16_t port)
{
	*out = *ss;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
}

/* Stream `s` of the sender as the other side is to be told it. */
static void stream_told(struct lk_mdesc_stream *s,
			const struct lk_mdesc_relay *rel,
			const struct sockaddr_storage *local)
{
	unsigned k;

	if (!rel->port) {
		s->port = s->rtcp_port = 0;
		memset(&s->addr, 0, sizeof(s->addr));
		memset(&s->rtcp_addr, 0, sizeof(s->rtcp_addr));
		return;
	}
	s->port = rel->port;
	s->rtcp_port = rel->rtcp_mux ? rel->port : rel->rtcp_port;
	s->rtcp_mux = rel->rtcp_mux;
	addr_at(&s->addr, local, s->port);
	addr_at(&s->rtcp_addr, local, s->rtcp_port);
	s->mux_id = rel->mux ? rel->mux_id : 0;
	if (rel->proto[0]) {
		s->proto.p = rel->proto;
		s->proto.len = strlen(rel->proto);
	}
	if (rel->own_crypto) {
		s->ncrypto = rel->ncrypto;
		for (k = 0; k < rel->ncrypto; k++) {
			s->crypto[k].p = rel->crypto[k];
			s->crypto[k].len = strlen(rel->crypto[k]);
		}
	}
}

int lk_sigcall_relay_media(struct lk_sigcall *c, enum lk_sigcall_side from,
			   bool answer, const struct lk_mdesc *in,
			   struct lk_mdesc *out, void *arg)
{
	static const char *const tag[2] = { "A", "B" };
	struct lk_sigcall_relay *r = arg;
	enum lk_sigcall_side to = from == LK_SIGCALL_A ? LK_SIGCALL_B :
		LK_SIGCALL_A;
	struct lk_mdesc_relay *told;
	struct lk_media_req req;
	struct lk_media_reply rep;
	unsigned i;
	int err;

	(void)c;
	if (!r || !in || !out || in->nstreams > LK_MDESC_MAX_STREAMS)
		return EINVAL;
	told = r->told[to];
	memset(&req, 0, sizeof(req));
	memset(&rep, 0, sizeof(rep));
	req.op = answer ? LK_MEDIA_ANSWER : LK_MEDIA_OFFER;
	req.call_id.p = r->call_id;
	req.call_id.len = strlen(r->call_id);
	/* The offer's from-tag is its sender's, the answer's to-tag too. */
	req.from_tag.p = tag[answer ? to : from];
	req.from_tag.len = 1;
	req.to_tag.p = tag[answer ? from : to];
	req.to_tag.len = 1;
	req.received_from = r->cfg.peer[from];
	err = lk_media_negotiate(r->cfg.media, &req, in, told, &rep);
	if (err) {
		lk_warn_limited("call %s: the media core refused the %s from "
				"side %s: %s %s", r->call_id,
				answer ? "answer" : "offer", tag[from],
				rep.error_reason ? rep.error_reason : "",
				rep.detail);
		/* EINVAL: a description it cannot take (the sender's). */
		return err;
	}
	r->made = true;
	*out = *in;
	for (i = 0; i < in->nstreams; i++)
		stream_told(&out->s[i], &told[i], &r->cfg.local);

	return 0;
}
