/* relay/ng.c  Session control: the subset of rtpengine's ng protocol that SIP proxies use. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "bencode.h"
#include "log.h"
#include "media.h"
#include "netaddr.h"
#include "ng.h"
#include "srtp.h"
#include "turn.h"
#include "ngframe.h"

/*
 * The protocol (rtpengine's docs/ng_control_protocol.md): a datagram is
 * "<cookie> <bencode dictionary>"; the reply carries the same cookie and a
 * dictionary with "result" ("ok", "error", or "pong" for ping) and, on
 * error, "error-reason" and nothing else.  A request whose cookie was seen
 * from the same sender in the last CACHE_SECONDS gets the cached reply
 * again, never a second session: a SIP proxy retransmits over UDP.
 */

#define NODES_MAX	4096		/* bencode nodes per request */
#define REPLY_MAX	65507		/* the largest UDP payload */
#define CACHE_SECONDS	30
#define CACHE_MAX	4096

struct cache_entry {
	struct le he;			/* in lk_ng.cache_hash */
	char key[LK_NGFRAME_COOKIE_MAX + sizeof(struct sockaddr_in6)];
	size_t keylen;
	char *reply;
	size_t len;
	time_t at;
};

struct lk_ng {
	struct lk_media *media;
	const struct lk_turn *turn;	/* lk_ng_set_turn(); may be NULL */
	int fd;
	struct event *ev;
	struct lk_bencode_node *nodes;
	char *reply;
	/* A ring: the oldest entry is overwritten; entries older than
	 * CACHE_SECONDS do not count. */
	struct cache_entry cache[CACHE_MAX];
	unsigned cache_next;
	struct hash *cache_hash;	/* key -> entry, for O(1) lookups */
	struct lk_ng_stats st;
	lk_ng_listeners_h *listenersh;
	void *listeners_arg;
};

/* One request being answered. */
struct req {
	struct lk_ng *ng;
	const struct lk_bencode_node *dict;
	struct lk_bencode_enc *enc;
	const char *error;		/* error-reason */
	char detail[256];
};

/* A key and a counted string value. */
static void pair_bstr(struct lk_bencode_enc *enc, const char *key,
		      const char *p, size_t len)
{
	lk_bencode_enc_key(enc, key);
	lk_bencode_enc_str(enc, p, len);
}

struct cache_key {
	const char *key;
	size_t len;
};

static bool cache_cmp(struct le *le, void *arg)
{
	const struct cache_entry *e = le->data;
	const struct cache_key *k = arg;

	return e->keylen == k->len && !memcmp(e->key, k->key, k->len);
}

static struct cache_entry *cache_find(struct lk_ng *ng, const char *key,
				      size_t keylen)
{
	struct cache_key k = {key, keylen};
	struct cache_entry *e;
	struct le *le;

	le = hash_lookup(ng->cache_hash, hash_joaat((const uint8_t *)key,
			 keylen), cache_cmp, &k);
	if (!le)
		return NULL;
	e = le->data;

	return time(NULL) - e->at <= CACHE_SECONDS ? e : NULL;
}

/* A ring of CACHE_MAX entries: the oldest goes when a new one comes. */
static void cache_add(struct lk_ng *ng, const char *key, size_t keylen,
		      const char *reply, size_t len)
{
	struct cache_entry *e = &ng->cache[ng->cache_next];
	char *copy = malloc(len);

	if (!copy)
		return;
	memcpy(copy, reply, len);
	hash_unlink(&e->he);
	free(e->reply);
	memcpy(e->key, key, keylen);
	e->keylen = keylen;
	e->reply = copy;
	e->len = len;
	e->at = time(NULL);
	hash_append(ng->cache_hash, hash_joaat((const uint8_t *)key, keylen),
		    &e->he, e);
	ng->cache_next = (ng->cache_next + 1) % CACHE_MAX;
}

/* "trust-address" and "trust address" are one flag to rtpengine. */
static bool flag_is(const struct lk_bencode_str *s, const char *name)
{
	size_t i;

	if (s->len != strlen(name))
		return false;
	for (i = 0; i < s->len; i++) {
		char c = s->p[i] == '-' ? ' ' : (char)tolower(
			(unsigned char)s->p[i]);

		if (c != name[i])
			return false;
	}

	return true;
}

static void get_str(struct lk_media_str *out, const struct lk_bencode_node *d,
		    const char *key)
{
	struct lk_bencode_str s;

	if (lk_bencode_dict_get_str(&s, d, key)) {
		out->p = NULL;
		out->len = 0;
		return;
	}
	out->p = s.p;
	out->len = s.len;
}

/*
 * The flags of offer and answer (rtpengine's names; "-" and " " alike).
 * A flag with 0 is accepted and has no effect in latchkey.
 */
static const struct ng_flag {
	const char *name;
	unsigned flag;
} ng_flags[] = {
	{"trust address", LK_MF_TRUST_ADDRESS},
	{"symmetric", LK_MF_SYMMETRIC},
	{"asymmetric", LK_MF_ASYMMETRIC},
	{"strict source", LK_MF_STRICT_SOURCE},
	{"media handover", LK_MF_MEDIA_HANDOVER},
	{"latchkey mux offer", LK_MF_MUX_OFFER},
	{"latchkey mux answer", LK_MF_MUX_ANSWER},
	{"replace origin", LK_MF_REPLACE_ORIGIN},
	{"replace session connection", LK_MF_REPLACE_SESS_CONN},
	{"sip source address", LK_MF_SIP_SOURCE},
	{"port latching", 0},
	{"no rtcp attribute", 0},
	{"full rtcp attribute", 0},
	{"loop protect", 0},
	{"record call", 0},
	{NULL, 0},
};

/* Append "; <what>" to the reply's warning (ng "warning"). */
static void warn_add(char *warning, size_t wsz, size_t *wl, const char *what,
		     const struct lk_bencode_str *s)
{
	if (*wl >= wsz)
		return;
	*wl += (size_t)snprintf(warning + *wl, wsz - *wl, "%s%s \"%.*s\" "
		"ignored", *wl ? "; " : "", what, (int)(s->len > 40 ? 40 :
		s->len), s->p);
}

static bool prefix_is(const struct lk_bencode_str *s, const char *pfx)
{
	size_t n = strlen(pfx);

	return s->len >= n && !strncasecmp(s->p, pfx, n);
}

/*
 * One SDES option (rtpengine's "SDES" list, or a flag "SDES-<option>"):
 * "no-<suite>" and "only-<suite>" choose suites, "off" switches SDES off
 * for the relay's own offers (docs/srtp.md).  Returns false for an option
 * latchkey does not implement.
 */
static bool sdes_option(struct lk_media_req *mr,
			const struct lk_bencode_str *s)
{
	enum lk_srtp_suite su;

	if (flag_is(s, "off") || flag_is(s, "no") || flag_is(s, "disable")) {
		mr->sdes_off = ~0u;
		return true;
	}
	if (s->len > 3 && (prefix_is(s, "no-") || prefix_is(s, "no_"))) {
		su = lk_srtp_suite_find(s->p + 3, s->len - 3);
		if (su == LK_SRTP_SUITE_NONE)
			return false;
		mr->sdes_off |= 1u << su;
		return true;
	}
	if (s->len > 5 && (prefix_is(s, "only-") || prefix_is(s, "only_"))) {
		su = lk_srtp_suite_find(s->p + 5, s->len - 5);
		if (su == LK_SRTP_SUITE_NONE)
			return false;
		mr->sdes_off |= ~(1u << su);
		return true;
	}

	return false;
}

/* "transport-protocol": what latchkey converts between (docs/srtp.md). */
static const char *const ng_transports[] = {
	"RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF", NULL,
};

static void parse_crypto(struct lk_media_req *mr,
			 const struct lk_bencode_node *d, char *warning,
			 size_t wsz, size_t *wl)
{
	const struct lk_bencode_node *list, *n;
	struct lk_bencode_str s;
	unsigned i;

	if (!lk_bencode_dict_get_str(&s, d, "transport-protocol")) {
		for (i = 0; ng_transports[i]; i++)
			if (s.len == strlen(ng_transports[i]) &&
			    !memcmp(s.p, ng_transports[i], s.len))
				break;
		if (ng_transports[i])
			mr->transport = ng_transports[i];
		else
			warn_add(warning, wsz, wl, "transport-protocol", &s);
	}
	list = lk_bencode_dict_get(d, "SDES");
	if (list && list->type == LK_BENCODE_LIST) {
		LK_BENCODE_FOREACH(n, list) {
			if (!lk_bencode_get_str(&s, n) &&
			    !sdes_option(mr, &s))
				warn_add(warning, wsz, wl, "SDES option", &s);
		}
	}
	/* latchkey has no DTLS-SRTP: "off" is what it does anyway. */
	if (!lk_bencode_dict_get_str(&s, d, "DTLS") && !flag_is(&s, "off") &&
	    !flag_is(&s, "no") && !flag_is(&s, "disable"))
		warn_add(warning, wsz, wl, "DTLS (not supported)", &s);
}

/* The keys of offer and answer that latchkey understands. */
static void parse_flags(struct lk_media_req *mr, const struct lk_bencode_node *d,
			char *warning, size_t wsz)
{
	const struct lk_bencode_node *list, *n;
	struct lk_bencode_str s;
	size_t wl = 0;

	list = lk_bencode_dict_get(d, "flags");
	if (list && list->type == LK_BENCODE_LIST) {
		LK_BENCODE_FOREACH(n, list) {
			const struct ng_flag *f;

			if (lk_bencode_get_str(&s, n))
				continue;
			for (f = ng_flags; f->name; f++) {
				if (flag_is(&s, f->name))
					break;
			}
			if (f->name)
				mr->flags |= f->flag;
			else if (s.len > 5 && prefix_is(&s, "SDES-")) {
				struct lk_bencode_str o = {s.p + 5,
							   s.len - 5};

				if (!sdes_option(mr, &o))
					warn_add(warning, wsz, &wl,
						 "SDES option", &s);
			}
			else if (wl < wsz)
				wl += (size_t)snprintf(warning + wl, wsz - wl,
					"%sunknown flag \"%.*s\" ignored",
					wl ? "; " : "", (int)(s.len > 40 ? 40 :
					s.len), s.p);
		}
	}
	list = lk_bencode_dict_get(d, "replace");
	if (list && list->type == LK_BENCODE_LIST) {
		LK_BENCODE_FOREACH(n, list) {
			if (lk_bencode_get_str(&s, n))
				continue;
			if (flag_is(&s, "origin"))
				mr->flags |= LK_MF_REPLACE_ORIGIN;
			else if (flag_is(&s, "session connection"))
				mr->flags |= LK_MF_REPLACE_SESS_CONN;
		}
	}
	list = lk_bencode_dict_get(d, "rtcp-mux");
	mr->rtcp_mux = LK_SDP_MUX_ACCEPT;
	if (list && list->type == LK_BENCODE_LIST) {
		LK_BENCODE_FOREACH(n, list) {
			if (lk_bencode_get_str(&s, n))
				continue;
			if (flag_is(&s, "offer"))
				mr->rtcp_mux = LK_SDP_MUX_OFFER;
			else if (flag_is(&s, "demux"))
				mr->rtcp_mux = LK_SDP_MUX_DEMUX;
		}
	}
	list = lk_bencode_dict_get(d, "latchkey-mux");
	if (list && list->type == LK_BENCODE_LIST) {
		LK_BENCODE_FOREACH(n, list) {
			if (lk_bencode_get_str(&s, n))
				continue;
			if (flag_is(&s, "offer"))
				mr->flags |= LK_MF_MUX_OFFER;
			else if (flag_is(&s, "answer"))
				mr->flags |= LK_MF_MUX_ANSWER;
		}
	}
	/* ICE: latchkey has no ICE agent; only force-relay keeps candidates. */
	if (!lk_bencode_dict_get_str(&s, d, "ICE") && flag_is(&s, "force relay"))
		mr->flags |= LK_MF_ICE_KEEP;

	parse_crypto(mr, d, warning, wsz, &wl);

	/* "received-from": [ "IP4", "192.0.2.1" ] */
	list = lk_bencode_dict_get(d, "received-from");
	if (list && list->type == LK_BENCODE_LIST && list->nmemb == 2) {
		struct lk_bencode_str fam, addr;
		char buf[INET6_ADDRSTRLEN];

		n = lk_bencode_first(list);
		if (!lk_bencode_get_str(&fam, n) &&
		    !lk_bencode_get_str(&addr, lk_bencode_next(list, n)) &&
		    addr.len < sizeof(buf)) {
			struct sockaddr_in6 *s6 =
				(struct sockaddr_in6 *)&mr->received_from;
			struct sockaddr_in *s4 =
				(struct sockaddr_in *)&mr->received_from;

			memcpy(buf, addr.p, addr.len);
			buf[addr.len] = '\0';
			if (inet_pton(AF_INET, buf, &s4->sin_addr) == 1)
				s4->sin_family = AF_INET;
			else if (inet_pton(AF_INET6, buf, &s6->sin6_addr) == 1)
				s6->sin6_family = AF_INET6;
		}
	}
}

static int cmd_offer_answer(struct req *r, enum lk_media_op op)
{
	struct lk_media_reply reply;
	struct lk_media_req mr;
	struct lk_bencode_str sdp;
	char *sdpbuf;
	int err;

	if (!r->ng->media) {
		r->error = "No media core";
		return ENOTSUP;
	}
	memset(&mr, 0, sizeof(mr));
	mr.op = op;
	get_str(&mr.call_id, r->dict, "call-id");
	get_str(&mr.from_tag, r->dict, "from-tag");
	get_str(&mr.to_tag, r->dict, "to-tag");
	if (!lk_bencode_dict_get_str(&sdp, r->dict, "sdp")) {
		mr.sdp = sdp.p;
		mr.sdp_len = sdp.len;
	}
	memset(&reply, 0, sizeof(reply));
	parse_flags(&mr, r->dict, reply.warning, sizeof(reply.warning));
	/* Room for every c= to grow to IPv6 and a line more per section. */
	reply.sdp_size = 2 * mr.sdp_len + 4096;
	sdpbuf = malloc(reply.sdp_size);
	if (!sdpbuf) {
		r->error = "Out of memory";
		return ENOMEM;
	}
	reply.sdp = sdpbuf;
	{
		char w[sizeof(reply.warning)];

		memcpy(w, reply.warning, sizeof(w));
		err = lk_media_offer_answer(r->ng->media, &mr, &reply);
		if (!reply.warning[0])
			memcpy(reply.warning, w, sizeof(w));
	}
	if (err) {
		r->error = reply.error_reason;
		snprintf(r->detail, sizeof(r->detail), "%s", reply.detail);
		free(sdpbuf);
		return err;
	}
	lk_bencode_enc_dict_begin(r->enc);
	pair_bstr(r->enc, "result", "ok", 2);
	pair_bstr(r->enc, "sdp", reply.sdp, reply.sdp_len);
	if (reply.warning[0])
		pair_bstr(r->enc, "warning", reply.warning,
					strlen(reply.warning));
	lk_bencode_enc_dict_end(r->enc);
	free(sdpbuf);

	return 0;
}

static int cmd_delete(struct req *r)
{
	struct lk_media_str id;
	const char *reason = NULL;
	int err;

	if (!r->ng->media) {
		r->error = "No media core";
		return ENOTSUP;
	}
	get_str(&id, r->dict, "call-id");
	if (!id.len) {
		r->error = LK_MEDIA_ERR_NO_CALLID;
		return EINVAL;
	}
	err = lk_media_delete(r->ng->media, &id, &reason);
	if (err) {
		r->error = reason;
		return err;
	}
	lk_bencode_enc_dict_begin(r->enc);
	pair_bstr(r->enc, "result", "ok", 2);
	lk_bencode_enc_dict_end(r->enc);

	return 0;
}

static void enc_sockaddr(struct lk_bencode_enc *enc,
			 const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN] = "";
	uint16_t port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
		port = ntohs(s4->sin_port);
	}
	else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
		port = ntohs(s6->sin6_port);
	}
	lk_bencode_enc_dict_begin(enc);
	pair_bstr(enc, "address", buf, strlen(buf));
	pair_bstr(enc, "family", ss->ss_family == AF_INET6 ?
				"IP6" : "IP4", 3);
	lk_bencode_enc_pair_int(enc, "port", port);
	lk_bencode_enc_dict_end(enc);
}

/* Query: collect the legs, then write them per tag, in bencode key order. */
struct query_legs {
	struct lk_media_leg_info legs[2 * LK_SDP_MAX_MEDIA];
	unsigned n;
};

static void query_leg_h(const struct lk_media_leg_info *leg, void *arg)
{
	struct query_legs *q = arg;

	if (q->n < sizeof(q->legs) / sizeof(q->legs[0]))
		q->legs[q->n++] = *leg;
}

static void enc_tag(struct lk_bencode_enc *enc, const struct query_legs *q,
		    const char *side)
{
	unsigned i;

	lk_bencode_enc_dict_begin(enc);
	lk_bencode_enc_key(enc, "medias");
	lk_bencode_enc_list_begin(enc);
	for (i = 0; i < q->n; i++) {
		const struct lk_media_leg_info *l = &q->legs[i];

		if (strcmp(l->side, side))
			continue;
		lk_bencode_enc_dict_begin(enc);
		lk_bencode_enc_pair_int(enc, "index", l->stream + 1);
		lk_bencode_enc_key(enc, "streams");
		lk_bencode_enc_list_begin(enc);
		lk_bencode_enc_dict_begin(enc);
		/* The suite only: key material is never in a reply. */
		if (l->srtp_suite)
			pair_bstr(enc, "crypto suite", l->srtp_suite,
				  strlen(l->srtp_suite));
		lk_bencode_enc_key(enc, "endpoint");
		enc_sockaddr(enc, &l->peer);
		lk_bencode_enc_pair_int(enc, "last packet",
					(int64_t)l->last_packet);
		pair_bstr(enc, "latched", l->latched ? "yes" :
					"no", l->latched ? 3 : 2);
		lk_bencode_enc_pair_int(enc, "local RTCP port", l->local_rtcp);
		lk_bencode_enc_pair_int(enc, "local port", l->local_rtp);
		if (l->mux_rx)
			lk_bencode_enc_pair_int(enc, "multiplexID", l->mux_id);
		/* Until it latches, where this side's SDP says it is. */
		if (l->sdp.ss_family) {
			lk_bencode_enc_key(enc, "sdp endpoint");
			enc_sockaddr(enc, &l->sdp);
		}
		if (l->sending)
			pair_bstr(enc, "sending", l->sending,
				  strlen(l->sending));
		if (l->sending_since)
			lk_bencode_enc_pair_int(enc, "sending since",
						(int64_t)l->sending_since);
		lk_bencode_enc_key(enc, "stats");
		lk_bencode_enc_dict_begin(enc);
		lk_bencode_enc_pair_int(enc, "bytes", (int64_t)l->bytes);
		lk_bencode_enc_pair_int(enc, "bytes out",
					(int64_t)l->bytes_out);
		lk_bencode_enc_pair_int(enc, "dropped unexpected",
					(int64_t)l->dropped_unexpected);
		lk_bencode_enc_pair_int(enc, "errors", (int64_t)l->errors);
		lk_bencode_enc_pair_int(enc, "packets", (int64_t)l->packets);
		lk_bencode_enc_pair_int(enc, "packets out",
					(int64_t)l->packets_out);
		if (l->srtp_suite) {
			lk_bencode_enc_pair_int(enc, "srtp auth failed",
				(int64_t)l->srtp_auth_failed);
			lk_bencode_enc_pair_int(enc, "srtp replayed",
				(int64_t)l->srtp_replayed);
		}
		lk_bencode_enc_dict_end(enc);
		lk_bencode_enc_dict_end(enc);
		lk_bencode_enc_list_end(enc);
		pair_bstr(enc, "type", l->media,
					strlen(l->media));
		lk_bencode_enc_dict_end(enc);
	}
	lk_bencode_enc_list_end(enc);
	pair_bstr(enc, "side", side, 1);
	for (i = 0; i < q->n; i++) {
		if (!strcmp(q->legs[i].side, side)) {
			pair_bstr(enc, "tag", q->legs[i].tag.p,
						q->legs[i].tag.len);
			break;
		}
	}
	lk_bencode_enc_dict_end(enc);
}

/*
 * The key a side is listed under in "tags": its tag, or, for side B
 * between offer and answer (no to-tag yet), a placeholder, so that B's
 * ports, allocated by the offer, show from the offer on.
 */
#define NO_TO_TAG "(side B: no to-tag yet)"

static int cmd_query(struct req *r)
{
	struct lk_media_call_info ci;
	struct query_legs *q;
	struct lk_media_str id;
	struct lk_media_str ta = {NULL, 0}, tb = {NULL, 0};
	const char *reason = NULL;
	uint64_t totals[4] = {0, 0, 0, 0};
	unsigned i;
	int err;

	if (!r->ng->media) {
		r->error = "No media core";
		return ENOTSUP;
	}
	get_str(&id, r->dict, "call-id");
	if (!id.len) {
		r->error = LK_MEDIA_ERR_NO_CALLID;
		return EINVAL;
	}
	q = calloc(1, sizeof(*q));
	if (!q) {
		r->error = "Out of memory";
		return ENOMEM;
	}
	err = lk_media_query(r->ng->media, &id, &ci, query_leg_h, q, &reason);
	if (err) {
		free(q);
		r->error = reason;
		return err;
	}
	for (i = 0; i < q->n; i++) {
		if (q->legs[i].side[0] == 'A')
			ta = q->legs[i].tag;
		else {
			tb = q->legs[i].tag;
			if (!tb.len) {
				tb.p = NO_TO_TAG;
				tb.len = strlen(NO_TO_TAG);
			}
		}
		totals[0] += q->legs[i].packets;
		totals[1] += q->legs[i].bytes;
		totals[2] += q->legs[i].errors;
	}
	lk_bencode_enc_dict_begin(r->enc);
	lk_bencode_enc_pair_int(r->enc, "created", (int64_t)ci.created);
	lk_bencode_enc_pair_int(r->enc, "last signal",
				(int64_t)ci.last_signal);
	pair_bstr(r->enc, "result", "ok", 2);
	lk_bencode_enc_key(r->enc, "tags");
	lk_bencode_enc_dict_begin(r->enc);
	{
		/* Tags are dictionary keys: bencode order. */
		struct lk_bencode_str a = {ta.p, ta.len}, b = {tb.p, tb.len};
		bool a_first = !tb.len || (ta.len &&
					   lk_bencode_keycmp(&a, &b) < 0);
		const struct lk_media_str *first = a_first ? &ta : &tb,
			*second = a_first ? &tb : &ta;

		char key[160];

		/* Tags come from the SIP proxy: keys, NUL-terminated here. */
		if (first->len) {
			snprintf(key, sizeof(key), "%.*s", (int)first->len,
				 first->p);
			lk_bencode_enc_key(r->enc, key);
			enc_tag(r->enc, q, first == &ta ? "A" : "B");
		}
		if (second->len && !(second->len == first->len &&
				     !memcmp(second->p, first->p, first->len))) {
			snprintf(key, sizeof(key), "%.*s", (int)second->len,
				 second->p);
			lk_bencode_enc_key(r->enc, key);
			enc_tag(r->enc, q, second == &ta ? "A" : "B");
		}
	}
	lk_bencode_enc_dict_end(r->enc);
	lk_bencode_enc_key(r->enc, "totals");
	lk_bencode_enc_dict_begin(r->enc);
	lk_bencode_enc_key(r->enc, "RTP");
	lk_bencode_enc_dict_begin(r->enc);
	lk_bencode_enc_pair_int(r->enc, "bytes", (int64_t)totals[1]);
	lk_bencode_enc_pair_int(r->enc, "errors", (int64_t)totals[2]);
	lk_bencode_enc_pair_int(r->enc, "packets", (int64_t)totals[0]);
	lk_bencode_enc_dict_end(r->enc);
	lk_bencode_enc_dict_end(r->enc);
	lk_bencode_enc_dict_end(r->enc);
	free(q);

	return 0;
}

static void list_call_h(const struct lk_media_call_info *ci, void *arg)
{
	lk_bencode_enc_str(arg, ci->call_id.p, ci->call_id.len);
}

static int cmd_list(struct req *r)
{
	int64_t limit = 32;

	if (!r->ng->media) {
		r->error = "No media core";
		return ENOTSUP;
	}
	lk_bencode_dict_get_int(&limit, r->dict, "limit");
	if (limit < 0)
		limit = 0;
	if (limit > 4096)
		limit = 4096;	/* one datagram's worth of call-ids */
	lk_bencode_enc_dict_begin(r->enc);
	lk_bencode_enc_key(r->enc, "calls");
	lk_bencode_enc_list_begin(r->enc);
	lk_media_list(r->ng->media, (unsigned)limit, list_call_h, r->enc);
	lk_bencode_enc_list_end(r->enc);
	pair_bstr(r->enc, "result", "ok", 2);
	lk_bencode_enc_dict_end(r->enc);

	return 0;
}

void lk_ng_set_listeners(struct lk_ng *ng, lk_ng_listeners_h *h, void *arg)
{
	if (!ng)
		return;
	ng->listenersh = h;
	ng->listeners_arg = arg;
}

/*
 * "listeners": the drop counters of the ports whose protocol is not
 * served yet, one dictionary each; their sum in "droppedlisteners".
 */
static uint64_t listeners_enc(struct lk_ng *ng, struct lk_bencode_enc *e)
{
	static struct lk_ng_listener l[LK_NG_LISTENERS_MAX];
	uint64_t sum = 0;
	unsigned i, n;

	n = ng->listenersh ? ng->listenersh(l, LK_NG_LISTENERS_MAX,
					    ng->listeners_arg) : 0;
	lk_bencode_enc_key(e, "listeners");
	lk_bencode_enc_list_begin(e);
	for (i = 0; i < n && i < LK_NG_LISTENERS_MAX; i++) {
		lk_bencode_enc_dict_begin(e);
		lk_bencode_enc_pair_int(e, "closed", (int64_t)l[i].closed);
		lk_bencode_enc_pair_int(e, "dropped", (int64_t)l[i].dropped);
		lk_bencode_enc_pair_int(e, "port", l[i].port);
		pair_bstr(e, "purpose", l[i].purpose, strlen(l[i].purpose));
		pair_bstr(e, "transport", l[i].transport,
			  strlen(l[i].transport));
		lk_bencode_enc_dict_end(e);
		sum += l[i].dropped + l[i].closed;
	}
	lk_bencode_enc_list_end(e);

	return sum;
}

/* The TURN server's counters per reason (relay/turn.h, docs/turn.md). */
static void turn_statistics(struct lk_bencode_enc *e,
			    const struct lk_turn *turn)
{
	struct lk_turn_stats st;

	lk_turn_stats(turn, &st);
	lk_bencode_enc_key(e, "turn");
	lk_bencode_enc_dict_begin(e);
	lk_bencode_enc_pair_int(e, "allocations", (int64_t)st.allocations);
	lk_bencode_enc_pair_int(e, "allocationsmade",
				(int64_t)st.allocations_made);
	lk_bencode_enc_pair_int(e, "authfailures", (int64_t)st.auth_failures);
	lk_bencode_enc_pair_int(e, "bindings", (int64_t)st.bindings);
	lk_bencode_enc_pair_int(e, "busydropped", (int64_t)st.busy_dropped);
	lk_bencode_enc_pair_int(e, "challenges", (int64_t)st.challenges);
	lk_bencode_enc_pair_int(e, "challengeslimited",
				(int64_t)st.challenges_limited);
	lk_bencode_enc_pair_int(e, "deniedpeers", (int64_t)st.denied_peers);
	lk_bencode_enc_pair_int(e, "exhausted", (int64_t)st.exhausted);
	lk_bencode_enc_pair_int(e, "kernelentries",
				(int64_t)st.kernel_entries);
	lk_bencode_enc_pair_int(e, "kerneltoclient",
				(int64_t)st.kernel_to_client);
	lk_bencode_enc_pair_int(e, "kerneltopeer",
				(int64_t)st.kernel_to_peer);
	lk_bencode_enc_pair_int(e, "malformed", (int64_t)st.malformed);
	lk_bencode_enc_pair_int(e, "nopermission", (int64_t)st.no_permission);
	lk_bencode_enc_pair_int(e, "quota", (int64_t)st.quota);
	lk_bencode_enc_pair_int(e, "senderrors", (int64_t)st.send_errors);
	lk_bencode_enc_pair_int(e, "stalenonces", (int64_t)st.stale_nonces);
	/* TURN over TCP (keys in bencode order, as everywhere). */
	lk_bencode_enc_pair_int(e, "tcpclosedmalformed",
				(int64_t)st.tcp_closed_malformed);
	lk_bencode_enc_pair_int(e, "tcpconnections",
				(int64_t)st.tcp_connections);
	lk_bencode_enc_pair_int(e, "tcpdropped", (int64_t)st.tcp_dropped);
	lk_bencode_enc_pair_int(e, "tcpidleclosed",
				(int64_t)st.tcp_idle_closed);
	lk_bencode_enc_pair_int(e, "tcprefused", (int64_t)st.tcp_refused);
	lk_bencode_enc_pair_int(e, "toclient", (int64_t)st.to_client);
	lk_bencode_enc_pair_int(e, "topeer", (int64_t)st.to_peer);
	lk_bencode_enc_dict_end(e);
}

void lk_ng_set_turn(struct lk_ng *ng, const struct lk_turn *turn)
{
	if (ng)
		ng->turn = turn;
}

static int cmd_statistics(struct req *r)
{
	struct lk_media_totals t;
	struct lk_bencode_enc *e = r->enc;
	uint64_t listener_drops;

	if (!r->ng->media) {
		r->error = "No media core";
		return ENOTSUP;
	}
	lk_media_totals(r->ng->media, &t);
	lk_bencode_enc_dict_begin(e);
	pair_bstr(e, "result", "ok", 2);
	lk_bencode_enc_key(e, "statistics");
	lk_bencode_enc_dict_begin(e);
	lk_bencode_enc_key(e, "currentstatistics");
	lk_bencode_enc_dict_begin(e);
	/*
	 * The allocator hands out RTP/RTCP pairs: "pairsavailable" says so.
	 * "portsavailable" keeps rtpengine's name (and latchkey's earlier
	 * value, the same count of pairs) for tools that read it.
	 */
	lk_bencode_enc_pair_int(e, "pairsavailable", t.ports_free);
	lk_bencode_enc_pair_int(e, "pairscooling", t.ports_cooling);
	lk_bencode_enc_pair_int(e, "portsavailable", t.ports_free);
	lk_bencode_enc_pair_int(e, "portscooling", t.ports_cooling);
	lk_bencode_enc_pair_int(e, "sessionsown", t.calls);
	lk_bencode_enc_pair_int(e, "streams", t.streams);
	lk_bencode_enc_dict_end(e);
	listener_drops = listeners_enc(r->ng, e);
	lk_bencode_enc_key(e, "totalstatistics");
	lk_bencode_enc_dict_begin(e);
	lk_bencode_enc_pair_int(e, "bindconflicts", (int64_t)t.bind_conflicts);
	lk_bencode_enc_pair_int(e, "droppeddirection",
				(int64_t)t.dropped_direction);
	lk_bencode_enc_pair_int(e, "droppedforeign",
				(int64_t)t.dropped_foreign);
	lk_bencode_enc_pair_int(e, "droppedheld", (int64_t)t.dropped_held);
	lk_bencode_enc_pair_int(e, "droppedlisteners",
				(int64_t)listener_drops);
	lk_bencode_enc_pair_int(e, "droppednoleg", (int64_t)t.dropped_no_leg);
	lk_bencode_enc_pair_int(e, "droppedunexpected",
				(int64_t)t.dropped_unexpected);
	lk_bencode_enc_pair_int(e, "errors", (int64_t)t.errors);
	lk_bencode_enc_pair_int(e, "finaltimeoutsessions",
				(int64_t)t.final_timeouts);
	lk_bencode_enc_pair_int(e, "forwardedbytes", (int64_t)t.bytes);
	lk_bencode_enc_pair_int(e, "forwardedpackets", (int64_t)t.packets);
	lk_bencode_enc_pair_int(e, "keepalives", (int64_t)t.keepalives);
	lk_bencode_enc_pair_int(e, "kernelforwardedpackets",
				(int64_t)t.kernel_packets);
	lk_bencode_enc_pair_int(e, "portsexhausted",
				(int64_t)t.ports_exhausted);
	lk_bencode_enc_pair_int(e, "senderrors", (int64_t)t.send_errors);
	lk_bencode_enc_pair_int(e, "srtpauthfailed",
				(int64_t)t.srtp_auth_failed);
	lk_bencode_enc_pair_int(e, "srtpreplayed", (int64_t)t.srtp_replayed);
	lk_bencode_enc_pair_int(e, "stunanswered", (int64_t)t.stun_answered);
	lk_bencode_enc_pair_int(e, "timeoutsessions", (int64_t)t.timeouts);
	lk_bencode_enc_dict_end(e);
	if (r->ng->turn)
		turn_statistics(e, r->ng->turn);
	lk_bencode_enc_dict_end(e);
	lk_bencode_enc_dict_end(e);

	return 0;
}

static int dispatch(struct req *r, const struct lk_bencode_str *cmd)
{
	if (flag_is(cmd, "ping")) {
		lk_bencode_enc_dict_begin(r->enc);
		pair_bstr(r->enc, "result", "pong", 4);
		lk_bencode_enc_dict_end(r->enc);
		return 0;
	}
	if (flag_is(cmd, "offer"))
		return cmd_offer_answer(r, LK_MEDIA_OFFER);
	if (flag_is(cmd, "answer"))
		return cmd_offer_answer(r, LK_MEDIA_ANSWER);
	if (flag_is(cmd, "delete"))
		return cmd_delete(r);
	if (flag_is(cmd, "query"))
		return cmd_query(r);
	if (flag_is(cmd, "list"))
		return cmd_list(r);
	if (flag_is(cmd, "statistics"))
		return cmd_statistics(r);
	r->error = "Unrecognized command";
	snprintf(r->detail, sizeof(r->detail), "\"%.*s\"; latchkey knows "
		 "ping, offer, answer, delete, query, list, statistics",
		 (int)(cmd->len > 32 ? 32 : cmd->len), cmd->p);

	return ENOTSUP;
}

int lk_ng_handle(struct lk_ng *ng, const void *reqbuf, size_t len,
		 const void *from, size_t fromlen, char *out, size_t size,
		 size_t *lenp)
{
	const struct lk_bencode_node *root;
	struct lk_bencode_error berr;
	struct lk_bencode_enc enc;
	struct lk_ngframe frame;
	struct lk_bencode_str cmd;
	struct cache_entry *ce;
	char key[sizeof(((struct cache_entry *)0)->key)];
	char reason[300];
	size_t keylen = 0;
	struct req r;
	int err;

	++ng->st.requests;
	if (lk_ngframe_split(&frame, reqbuf, len, &berr)) {
		++ng->st.malformed;
		lk_warn_limited("ng: dropped a %zu-octet datagram without a "
				"cookie: %s", len, berr.reason);
		return EBADMSG;
	}
	if (from && fromlen <= sizeof(key) - frame.cookie.len) {
		memcpy(key, frame.cookie.p, frame.cookie.len);
		memcpy(key + frame.cookie.len, from, fromlen);
		keylen = frame.cookie.len + fromlen;
		ce = cache_find(ng, key, keylen);
		if (ce && ce->len <= size) {
			++ng->st.retransmits;
			memcpy(out, ce->reply, ce->len);
			*lenp = ce->len;
			return 0;
		}
	}

	memset(&r, 0, sizeof(r));
	r.ng = ng;
	r.enc = &enc;
	err = lk_bencode_decode(&root, ng->nodes, NODES_MAX, frame.body.p,
				frame.body.len, &berr);
	if (err) {
		++ng->st.malformed;
		lk_bencode_error_print(r.detail, sizeof(r.detail), &berr);
		r.error = "Could not decode bencode dictionary";
	}
	else if (root->type != LK_BENCODE_DICT) {
		++ng->st.malformed;
		r.error = "Could not decode bencode dictionary";
		snprintf(r.detail, sizeof(r.detail), "the message is not a "
			 "dictionary");
		err = EBADMSG;
	}
	else if (lk_bencode_dict_get_str(&cmd, root, "command")) {
		r.error = "No command in message";
		err = EINVAL;
	}
	else {
		r.dict = root;
		err = lk_ngframe_reply_begin(&enc, out, size, &frame.cookie);
		if (!err)
			err = dispatch(&r, &cmd);
		if (!err)
			err = lk_ngframe_reply_finish(lenp, &enc,
						      &frame.cookie);
		if (err && !r.error)
			r.error = "Reply too large";
	}
	if (err) {
		++ng->st.errors;
		if (r.detail[0])
			snprintf(reason, sizeof(reason), "%s: %s", r.error,
				 r.detail);
		else
			snprintf(reason, sizeof(reason), "%s", r.error);
		err = lk_ngframe_error_reply(lenp, out, size, &frame.cookie,
					     reason);
		if (err)
			return err;
	}
	if (keylen)
		cache_add(ng, key, keylen, out, *lenp);
	if (lk_log_get_level() >= LK_LOG_DEBUG) {
		struct lk_media_str id = {NULL, 0};

		if (r.dict)
			get_str(&id, r.dict, "call-id");
		lk_debug("ng %.*s: %.*s%s%.*s: %s%s", (int)frame.cookie.len,
			 frame.cookie.p, r.dict ? (int)cmd.len : 1,
			 r.dict ? cmd.p : "?", id.len ? " " : "", (int)id.len,
			 id.p ? id.p : "", r.error ? "error: " : "ok",
			 r.error ? r.error : "");
	}

	return 0;
}

static void ng_recv(evutil_socket_t fd, short what, void *arg)
{
	struct lk_ng *ng = arg;
	struct sockaddr_storage ss;
	char buf[65536];
	socklen_t sl;
	size_t rlen;
	ssize_t n;
	int i;

	/* A budget per wake-up: signalling must not starve the timers. */
	for (i = 0; i < 16; i++) {
		sl = sizeof(ss);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss,
			     &sl);
		if (n < 0)
			return;
		if (lk_ng_handle(ng, buf, (size_t)n, &ss, sl, ng->reply,
				 REPLY_MAX, &rlen))
			continue;
		if (sendto(fd, ng->reply, rlen, 0, (struct sockaddr *)&ss,
			   sl) < 0)
			lk_warn_limited("ng: sendto: %s", strerror(errno));
	}
}

/* A half-built server tears down here too: each field may be unset. */
static void ng_destructor(void *arg)
{
	struct lk_ng *ng = arg;
	unsigned i;

	if (ng->ev)
		event_free(ng->ev);
	if (ng->fd >= 0)
		close(ng->fd);
	for (i = 0; i < CACHE_MAX; i++) {
		hash_unlink(&ng->cache[i].he);
		free(ng->cache[i].reply);
	}
	mem_deref(ng->cache_hash);
	free(ng->nodes);
	free(ng->reply);
}

int lk_ng_alloc(struct lk_ng **ngp, struct event_base *base,
		const struct lk_conf *conf, struct lk_media *media,
		char *errbuf, size_t errsz)
{
	struct sockaddr_storage ss;
	struct lk_ng *ng;
	socklen_t sl = 0;
	int err = 0;

	ng = mem_zalloc(sizeof(*ng), ng_destructor);
	if (!ng)
		return ENOMEM;
	ng->fd = -1;
	ng->media = media;
	ng->nodes = calloc(NODES_MAX, sizeof(*ng->nodes));
	ng->reply = malloc(REPLY_MAX);
	if (!ng->nodes || !ng->reply || hash_alloc(&ng->cache_hash, 1024)) {
		err = ENOMEM;
		goto out;
	}
	if (!base || !conf)
		goto out;	/* lk_ng_handle() only: tests, fuzzing */

	err = lk_sockaddr_set(&ss, &sl, conf->ng_address, conf->ng_port);
	if (err) {
		snprintf(errbuf, errsz, "Session control > Listen: bad address "
			 "%s", conf->ng_address);
		goto out;
	}
	ng->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (ng->fd < 0 || bind(ng->fd, (struct sockaddr *)&ss, sl) < 0) {
		err = errno;
		snprintf(errbuf, errsz, "cannot bind the ng control port UDP "
			 "%s:%u (Session control > Listen): %s",
			 conf->ng_address, conf->ng_port, strerror(err));
		goto out;
	}
	ng->ev = event_new(base, ng->fd, EV_READ | EV_PERSIST, ng_recv, ng);
	if (!ng->ev || event_add(ng->ev, NULL) < 0) {
		err = ENOMEM;
		goto out;
	}

 out:
	if (err)
		mem_deref(ng);
	else
		*ngp = ng;

	return err;
}


void lk_ng_stats(const struct lk_ng *ng, struct lk_ng_stats *st)
{
	*st = ng->st;
}
