/* signalling/h323/h46019.c  H.460.19 media traversal: feature 19 in RAS and call signalling, TraversalParameters in OpenLogicalChannel(Ack). */
#include <errno.h>
#include <string.h>

#include "h323/h245.h"
#include "h323/h46019.h"

/* Enough for one TraversalParameters tree. */
#define ARENA_BYTES 4096

/* 0.0.8.460.19.0.1: the H.245 generic information of H.460.19. */
static const uint32_t h46019_oid[] = { 0, 0, 8, 460, 19, 0, 1 };

/* A transcribed value of kind `kind` (never an opaque extension). */
static bool is_kind(const struct lk_asn_val *v, enum lk_asn_kind kind)
{
	return v && v->type && v->type->kind == kind;
}

static void ta_get(const struct lk_asn_val *tp, const char *name, bool *has,
		   struct sockaddr_in *sin)
{
	const struct lk_asn_val *ta = lk_asn_get(tp, name), *net, *port;

	*has = false;
	if (!is_kind(ta, LK_ASN_CHOICE))
		return;
	net = lk_asn_get(ta, "unicastAddress.iPAddress.network");
	port = lk_asn_get(ta, "unicastAddress.iPAddress.tsapIdentifier");
	if (!is_kind(net, LK_ASN_OCTETS) || net->u.str.len != 4 ||
	    !is_kind(port, LK_ASN_INT))
		return;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, net->u.str.p, 4);
	sin->sin_port = htons((uint16_t)port->u.i);
	*has = true;
}

static int ta_set(struct lk_asn_arena *ar, struct lk_asn_val *tp,
		  const char *name, const struct sockaddr_in *sin)
{
	struct lk_asn_val *ip, *v;

	ip = lk_asn_set(ar, lk_asn_set(ar, lk_asn_set(ar, tp, name),
				       "unicastAddress"), "iPAddress");
	v = ip ? lk_asn_set(ar, ip, "network") : NULL;
	if (!v || lk_asn_set_octets(ar, v, &sin->sin_addr, 4))
		return ENOMEM;
	v = lk_asn_set(ar, ip, "tsapIdentifier");
	if (!v)
		return ENOMEM;
	v->u.i = ntohs(sin->sin_port);
	return 0;
}

static int int_set(struct lk_asn_arena *ar, struct lk_asn_val *tp,
		   const char *name, int64_t i)
{
	struct lk_asn_val *v = lk_asn_set(ar, tp, name);

	if (!v)
		return ENOMEM;
	v->u.i = i;
	return 0;
}

int lk_h46019_tp_encode(const struct lk_h46019_tp *tp, uint8_t *buf,
			size_t cap, size_t *len)
{
	uint8_t mem[ARENA_BYTES];
	struct lk_asn_arena ar;
	struct lk_asn_val *v;
	int err = 0;

	if (!tp || !buf || !len || (tp->has_ka_pt && tp->ka_pt > 127) ||
	    (tp->has_ka_interval && !tp->ka_interval))
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	v = lk_asn_new(&ar, &lk_h46019_tp);
	if (!v)
		return ENOMEM;
	if (tp->has_mux_media)
		err = ta_set(&ar, v, "multiplexedMediaChannel", &tp->mux_media);
	if (!err && tp->has_mux_control)
		err = ta_set(&ar, v, "multiplexedMediaControlChannel",
			     &tp->mux_control);
	if (!err && tp->has_mux_id)
		err = int_set(&ar, v, "multiplexID", tp->mux_id);
	if (!err && tp->has_ka_channel)
		err = ta_set(&ar, v, "keepAliveChannel", &tp->ka_channel);
	if (!err && tp->has_ka_pt)
		err = int_set(&ar, v, "keepAlivePayloadType", tp->ka_pt);
	if (!err && tp->has_ka_interval)
		err = int_set(&ar, v, "keepAliveInterval", tp->ka_interval);
	if (err)
		return err;
	return lk_asn_encode(v, buf, cap, len);
}

int lk_h46019_tp_decode(const uint8_t *p, size_t len, struct lk_h46019_tp *tp)
{
	uint8_t mem[ARENA_BYTES];
	struct lk_asn_arena ar;
	struct lk_asn_val *v = NULL, *x;
	size_t errbit = 0;

	if (!p || !tp)
		return EINVAL;
	memset(tp, 0, sizeof(*tp));
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_asn_decode(&lk_h46019_tp, p, len, &ar, &v, &errbit))
		return EBADMSG;
	ta_get(v, "multiplexedMediaChannel", &tp->has_mux_media,
	       &tp->mux_media);
	ta_get(v, "multiplexedMediaControlChannel", &tp->has_mux_control,
	       &tp->mux_control);
	ta_get(v, "keepAliveChannel", &tp->has_ka_channel, &tp->ka_channel);
	x = lk_asn_get(v, "multiplexID");
	if (is_kind(x, LK_ASN_INT)) {
		tp->has_mux_id = true;
		tp->mux_id = (uint32_t)x->u.i;
	}
	x = lk_asn_get(v, "keepAlivePayloadType");
	if (is_kind(x, LK_ASN_INT)) {
		tp->has_ka_pt = true;
		tp->ka_pt = (uint8_t)x->u.i;
	}
	x = lk_asn_get(v, "keepAliveInterval");
	if (is_kind(x, LK_ASN_INT)) {
		tp->has_ka_interval = true;
		tp->ka_interval = (uint32_t)x->u.i;
	}
	return 0;
}

/* Whether a decoded OBJECT IDENTIFIER is 0.0.8.460.19.0.1. */
static bool is_h46019_oid(const struct lk_asn_val *v)
{
	uint8_t mem[256];
	struct lk_asn_arena ar;
	struct lk_asn_val *want;

	if (!is_kind(v, LK_ASN_OID))
		return false;
	/* The OID as the codec keeps it, to compare octets. */
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	want = lk_asn_new(&ar, v->type);
	return want && !lk_asn_set_oid(&ar, want, h46019_oid, 7) &&
	       want->u.str.len == v->u.str.len &&
	       !memcmp(want->u.str.p, v->u.str.p, v->u.str.len);
}

static bool is_h46019_info(const struct lk_asn_val *g)
{
	return is_h46019_oid(lk_asn_get(g, "messageIdentifier.standard"));
}

/*
 * Member slot `m` of SEQUENCE `seq` is absent from now on.  The codec
 * keeps a decoded extension bit-map's length for the encoder (asn.c):
 * shorten it to the last addition still present, so that a message
 * left with none has its extension bit 0 again (X.691 18.1).
 */
static void drop_member(struct lk_asn_val *seq, struct lk_asn_val *m)
{
	const struct lk_asn_type *t = seq->type;
	size_t i;

	m->present = false;
	if (!t || t->kind != LK_ASN_SEQ)
		return;
	for (i = seq->u.list.n; i > t->nroot; i--)
		if (seq->u.list.v[i - 1].present)
			break;
	if (seq->u.list.extn > i - t->nroot)
		seq->u.list.extn = i - t->nroot;
}

int lk_h46019_chan_get(const struct lk_asn_val *olc, struct lk_h46019_tp *tp)
{
	const struct lk_asn_val *l = lk_asn_get(olc, "genericInformation");
	size_t i, k;

	if (!tp)
		return EINVAL;
	if (!is_kind(l, LK_ASN_SEQOF))
		return ENOENT;
	for (i = 0; i < l->u.list.n; i++) {
		const struct lk_asn_val *g = &l->u.list.v[i], *c;

		if (!is_h46019_info(g))
			continue;
		c = lk_asn_get(g, "messageContent");
		if (!is_kind(c, LK_ASN_SEQOF))
			return EBADMSG;
		for (k = 0; k < c->u.list.n; k++) {
			const struct lk_asn_val *p = &c->u.list.v[k], *s, *o;

			s = lk_asn_get(p, "parameterIdentifier.standard");
			if (!is_kind(s, LK_ASN_INT) || s->u.i != 1)
				continue;
			o = lk_asn_get(p, "parameterValue.octetString");
			if (!is_kind(o, LK_ASN_OCTETS))
				return EBADMSG;
			return lk_h46019_tp_decode(o->u.str.p, o->u.str.len,
						   tp);
		}
		return EBADMSG;
	}
	return ENOENT;
}

int lk_h46019_chan_set(struct lk_asn_arena *ar, struct lk_asn_val *olc,
		       const struct lk_h46019_tp *tp, bool *changed)
{
	struct lk_asn_val *l, *g, *v, *c, *p;
	uint8_t raw[128];
	size_t i, n, rawlen = 0;
	int err;

	if (!ar || !olc || !changed)
		return EINVAL;
	*changed = false;
	if (tp) {
		err = lk_h46019_tp_encode(tp, raw, sizeof(raw), &rawlen);
		if (err)
			return err;
	}
	l = lk_asn_get(olc, "genericInformation");
	if (l && !is_kind(l, LK_ASN_SEQOF)) {
		/* Not transcribed (should not be): drop it whole. */
		drop_member(olc, l);
		*changed = true;
		l = NULL;
	}
	/* Every H.460.19 entry goes; the others keep their order. */
	for (i = n = 0; l && i < l->u.list.n; i++) {
		if (is_h46019_info(&l->u.list.v[i])) {
			*changed = true;
			continue;
		}
		if (n != i)
			l->u.list.v[n] = l->u.list.v[i];
		n++;
	}
	if (l && n != l->u.list.n) {
		err = lk_asn_seqof_resize(ar, l, n);
		if (err)
			return err;
		if (!n && !tp)
			drop_member(olc, l);
	}
	if (!tp)
		return 0;
	if (!l && !(l = lk_asn_set(ar, olc, "genericInformation")))
		return EINVAL;
	/* GnuGk puts its entry first; receivers search the list anyway. */
	err = lk_asn_seqof_resize(ar, l, l->u.list.n + 1);
	if (err)
		return err;
	g = &l->u.list.v[l->u.list.n - 1];
	v = lk_asn_set(ar, lk_asn_set(ar, g, "messageIdentifier"), "standard");
	if (!v || lk_asn_set_oid(ar, v, h46019_oid, 7))
		return ENOMEM;
	c = lk_asn_set(ar, g, "messageContent");
	if (!c || lk_asn_seqof_resize(ar, c, 1))
		return ENOMEM;
	p = &c->u.list.v[0];
	v = lk_asn_set(ar, lk_asn_set(ar, p, "parameterIdentifier"),
		       "standard");
	if (!v)
		return ENOMEM;
	v->u.i = 1;
	v = lk_asn_set(ar, lk_asn_set(ar, p, "parameterValue"),
		       "octetString");
	if (!v || lk_asn_set_octets(ar, v, raw, rawlen))
		return ENOMEM;
	*changed = true;
	return 0;
}

/* The feature lists a RAS or H.225.0 body may have. */
static const char *const lists[] = {
	"featureSet.neededFeatures", "featureSet.desiredFeatures",
	"featureSet.supportedFeatures", "neededFeatures", "desiredFeatures",
	"supportedFeatures",
};

static bool is_19(const struct lk_asn_val *f)
{
	const struct lk_asn_val *s = lk_asn_get(f, "id.standard");

	return is_kind(s, LK_ASN_INT) && s->u.i == 19;
}

bool lk_h46019_feature(const struct lk_asn_val *body, bool *muxp,
		       bool *serverp)
{
	size_t i, k, j;

	if (muxp)
		*muxp = false;
	if (serverp)
		*serverp = false;
	for (i = 0; body && i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct lk_asn_val *l = lk_asn_get(body, lists[i]);

		if (!is_kind(l, LK_ASN_SEQOF))
			continue;
		for (k = 0; k < l->u.list.n; k++) {
			const struct lk_asn_val *ps;

			if (!is_19(&l->u.list.v[k]))
				continue;
			ps = lk_asn_get(&l->u.list.v[k], "parameters");
			for (j = 0; is_kind(ps, LK_ASN_SEQOF) &&
			     j < ps->u.list.n; j++) {
				const struct lk_asn_val *s;

				s = lk_asn_get(&ps->u.list.v[j], "id.standard");
				if (!is_kind(s, LK_ASN_INT))
					continue;
				if (muxp && s->u.i == LK_H46019_PARAM_MUX)
					*muxp = true;
				if (serverp && s->u.i == LK_H46019_PARAM_SERVER)
					*serverp = true;
			}
			return true;
		}
	}
	return false;
}

/* Take feature 19 out of one list; true when it was there. */
static bool list_del_19(struct lk_asn_arena *ar, struct lk_asn_val *l)
{
	size_t i, n;

	if (!is_kind(l, LK_ASN_SEQOF))
		return false;
	for (i = n = 0; i < l->u.list.n; i++) {
		if (is_19(&l->u.list.v[i]))
			continue;
		if (n != i)
			l->u.list.v[n] = l->u.list.v[i];
		n++;
	}
	if (n == l->u.list.n)
		return false;
	(void)lk_asn_seqof_resize(ar, l, n);	/* shrinking: no memory */
	return true;
}

int lk_h46019_feature_add(struct lk_asn_arena *ar, struct lk_asn_val *body,
			  bool mux, bool server)
{
	struct lk_asn_val *fs, *l, *f, *ps, *v;
	size_t i, np = 0;
	int err;

	if (!ar || !body)
		return EINVAL;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		(void)list_del_19(ar, lk_asn_get(body, lists[i]));
	fs = lk_asn_get(body, "featureSet");
	if (fs && !is_kind(fs, LK_ASN_SEQ))
		return EINVAL;
	if (!fs && (fs = lk_asn_set(ar, body, "featureSet")) &&
	    !lk_asn_set(ar, fs, "replacementFeatureSet"))
		return ENOMEM;
	/* Setup has no featureSet: its lists are its own members. */
	l = lk_asn_get(fs ? fs : body, "supportedFeatures");
	if (!l)
		l = lk_asn_set(ar, fs ? fs : body, "supportedFeatures");
	if (!is_kind(l, LK_ASN_SEQOF))
		return EINVAL;
	err = lk_asn_seqof_resize(ar, l, l->u.list.n + 1);
	if (err)
		return err;
	f = &l->u.list.v[l->u.list.n - 1];
	v = lk_asn_set(ar, lk_asn_set(ar, f, "id"), "standard");
	if (!v)
		return ENOMEM;
	v->u.i = 19;
	if (!mux && !server)
		return 0;
	ps = lk_asn_set(ar, f, "parameters");
	if (!ps || lk_asn_seqof_resize(ar, ps, (size_t)mux + server))
		return ENOMEM;
	if (mux) {
		v = lk_asn_set(ar, lk_asn_set(ar, &ps->u.list.v[np++], "id"),
			       "standard");
		if (!v)
			return ENOMEM;
		v->u.i = LK_H46019_PARAM_MUX;
	}
	if (server) {
		v = lk_asn_set(ar, lk_asn_set(ar, &ps->u.list.v[np], "id"),
			       "standard");
		if (!v)
			return ENOMEM;
		v->u.i = LK_H46019_PARAM_SERVER;
	}
	return 0;
}

int lk_h46019_feature_del(struct lk_asn_arena *ar, struct lk_asn_val *body,
			  bool *changed)
{
	size_t i;

	if (!ar || !body || !changed)
		return EINVAL;
	*changed = false;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (list_del_19(ar, lk_asn_get(body, lists[i])))
			*changed = true;
	return 0;
}
