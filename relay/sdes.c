/* relay/sdes.c  SDES (RFC 4568): a=crypto lines and the relay's side of their offer/answer. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <re.h>

#include "sdes.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;

	return -1;
}

/*
 * RFC 4568 s.6.1 (key-salt is RFC 3548 s.3 base64): decode in[0..n) into
 * out, at most `max` octets.  Padding is optional (some endpoints leave
 * it out) but, if present, only at the end.  Returns the length or -1.
 */
static long b64_decode(uint8_t *out, size_t max, const char *in, size_t n)
{
	uint32_t acc = 0;
	size_t o = 0, i, bits = 0, pad = 0;

	for (i = 0; i < n; i++) {
		int v;

		if (in[i] == '=') {
			++pad;
			continue;
		}
		if (pad)
			return -1;	/* data after padding */
		v = b64_val(in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (pad > 2 || (pad && (n % 4)) || bits >= 6)
		return -1;

	return (long)o;
}

static size_t b64_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';

	return o;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits only, at most `maxd` of them, value into *vp. */
static bool parse_num(const char *p, size_t n, size_t maxd, unsigned long *vp)
{
	unsigned long v = 0;
	size_t i;

	if (!n || n > maxd)
		return false;
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	*vp = v;

	return true;
}

/* The next space-separated field of [*pp, end). */
static bool field(const char **pp, const char *end, const char **fp,
		  size_t *fl)
{
	const char *p = *pp;

	while (p < end && (*p == ' ' || *p == '\t'))
		++p;
	if (p == end)
		return false;
	*fp = p;
	while (p < end && *p != ' ' && *p != '\t')
		++p;
	*fl = (size_t)(p - *fp);
	*pp = p;

	return true;
}

/*
 * lifetime = ["2^"] 1*(DIGIT) (RFC 4568 s.6.1).  SRTP's own limit is 2^48
 * packets for SRTP and 2^31 for SRTCP (RFC 3711 s.9.2); latchkey does not
 * rekey by lifetime, so it only checks the form.
 */
static bool lifetime_valid(const char *p, size_t n)
{
	unsigned long v;

	if (n > 2 && p[0] == '2' && p[1] == '^')
		return parse_num(p + 2, n - 2, 2, &v) && v <= 64;

	return parse_num(p, n, 20, &v);
}

int lk_sdes_parse(struct lk_sdes_crypto *c, const char **whyp,
		  const char *value, size_t len)
{
	const char *p = value, *end = value + len, *f, *ki, *bar, *kend;
	struct lk_sdes_crypto out;
	unsigned long tag;
	size_t fl, want;
	const char *why = NULL;
	long n;
	int err = EBADMSG;

	memset(&out, 0, sizeof(out));
	/* A line read with its CR still attached. */
	while (end > p && (end[-1] == '\r' || end[-1] == '\n'))
		--end;

	if (!field(&p, end, &f, &fl) || !parse_num(f, fl, 9, &tag)) {
		why = "a=crypto: tag is not 1-9 digits";
		goto out;
	}
	out.tag = (unsigned)tag;
	if (!field(&p, end, &f, &fl)) {
		why = "a=crypto: lacks its crypto-suite";
		goto out;
	}
	out.key.suite = lk_srtp_suite_find(f, fl);
	if (!field(&p, end, &ki, &fl)) {
		why = "a=crypto: lacks its key parameters";
		goto out;
	}
	kend = ki + fl;
	if (fl < 7 || memcmp(ki, "inline:", 7)) {
		why = "a=crypto: key method is not inline:";
		goto out;
	}
	ki += 7;
	if (memchr(ki, ';', (size_t)(kend - ki))) {
		err = ENOTSUP;
		why = "a=crypto: several keys (one is supported)";
		goto out;
	}
	bar = memchr(ki, '|', (size_t)(kend - ki));
	n = b64_decode(out.key.key, sizeof(out.key.key), ki,
		       (size_t)((bar ? bar : kend) - ki));
	if (n <= 0) {
		why = "a=crypto: key is not base64 or too long";
		goto out;
	}
	out.key.len = (size_t)n;
	while (bar) {
		const char *s = bar + 1, *colon;

		bar = memchr(s, '|', (size_t)(kend - s));
		fl = (size_t)((bar ? bar : kend) - s);
		colon = memchr(s, ':', fl);
		if (colon) {
			/* mki-value ":" mki-length: not supported. */
			err = ENOTSUP;
			why = "a=crypto: MKI is not supported";
			goto out;
		}
		if (!lifetime_valid(s, fl)) {
			why = "a=crypto: lifetime is not [2^]digits";
			goto out;
		}
	}
	/* Session parameters (RFC 4568 s.6.3): a window hint is harmless. */
	while (field(&p, end, &f, &fl)) {
		if (fl > 4 && !memcmp(f, "WSH=", 4))
			continue;
		err = ENOTSUP;
		why = "a=crypto: session parameter not supported";
		goto out;
	}
	if (out.key.suite == LK_SRTP_SUITE_NONE) {
		err = ENOTSUP;
		why = "a=crypto: crypto-suite not supported";
		goto out;
	}
	want = lk_srtp_suite_key_len(out.key.suite);
	if (out.key.len != want) {
		why = "a=crypto: key length does not match its suite";
		goto out;
	}
	*c = out;
	err = 0;

 out:
	lk_srtp_key_wipe(&out.key);
	if (err && whyp)
		*whyp = why;

	return err;
}

int lk_sdes_format(char *out, size_t size, unsigned tag,
		   const struct lk_srtp_key *key)
{
	char enc[((LK_SRTP_KEY_MAX + 2) / 3) * 4 + 1];
	const char *name;
	int n;

	if (!out || !key || tag > LK_SDES_TAG_MAX)
		return EINVAL;
	name = lk_srtp_suite_name(key->suite);
	if (!name || key->len != lk_srtp_suite_key_len(key->suite))
		return EINVAL;
	b64_encode(enc, key->key, key->len);
	n = snprintf(out, size, "a=crypto:%u %s inline:%s", tag, name, enc);
	explicit_bzero(enc, sizeof(enc));
	if (n < 0 || (size_t)n >= size) {
		if (size)
			explicit_bzero(out, size);
		return ENOSPC;
	}

	return 0;
}

static bool proto_is(const char *p, size_t len, const char *a, const char *b)
{
	return (len == strlen(a) && !memcmp(p, a, len)) ||
		(len == strlen(b) && !memcmp(p, b, len));
}

bool lk_sdes_proto_is_savp(const char *p, size_t len)
{
	return proto_is(p, len, "RTP/SAVP", "RTP/SAVPF");
}

bool lk_sdes_proto_is_avp(const char *p, size_t len)
{
	return proto_is(p, len, "RTP/AVP", "RTP/AVPF");
}

void lk_sdes_side_wipe(struct lk_sdes_side *side)
{
	if (side)
		explicit_bzero(side, sizeof(*side));
}

void lk_sdes_step_release(struct lk_sdes_step *st)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		mem_deref(st->in[i]);
		mem_deref(st->out[i]);
		st->in[i] = st->out[i] = NULL;
		st->set[i] = false;
	}
	/* Row by row: GCC 12 at -O3 takes the whole array for one row. */
	for (i = 0; i < LK_SRTP_SUITE_COUNT; i++)
		explicit_bzero(st->lines[i], sizeof(st->lines[i]));
	st->nlines = 0;
}

/* Both contexts of a leg from the side's key and the relay's. */
static int leg_contexts(struct lk_sdes_step *st, unsigned side,
			const struct lk_srtp_key *theirs,
			const struct lk_srtp_key *ours)
{
	int err;

	err = lk_srtp_alloc(&st->in[side], theirs, false);
	if (!err)
		err = lk_srtp_alloc(&st->out[side], ours, true);
	if (err) {
		mem_deref(st->in[side]);
		st->in[side] = NULL;
		return err;
	}
	st->set[side] = true;
	st->suite[side] = lk_srtp_suite_name(ours->suite);

	return 0;
}

static void proto_copy(char *dst, size_t size, const char *p, size_t len)
{
	snprintf(dst, size, "%.*s", (int)(len < size ? len : size - 1), p);
}

/*
 * The relay's own offer to a side that is to be encrypted: one line per
 * suite it may use, in order of preference (RFC 4568 s.7.1.1: the
 * offerer lists them most preferred first), each with its own key.
 */
static const enum lk_srtp_suite offer_order[] = {
	LK_SRTP_AES_CM_128_HMAC_SHA1_80,
	LK_SRTP_AES_CM_128_HMAC_SHA1_32,
	LK_SRTP_AEAD_AES_256_GCM,
	LK_SRTP_AEAD_AES_128_GCM,
	LK_SRTP_AES_256_CM_HMAC_SHA1_80,
	LK_SRTP_AES_256_CM_HMAC_SHA1_32,
};

_Static_assert(sizeof(offer_order) / sizeof(offer_order[0]) ==
	       LK_SRTP_SUITE_COUNT - 1, "every suite is offered");

static int offer_keys(struct lk_sdes_side *side, unsigned off,
		      struct lk_sdes_step *st)
{
	unsigned i;
	int err;

	side->noffered = 0;
	for (i = 0; i < sizeof(offer_order) / sizeof(offer_order[0]); i++) {
		struct lk_sdes_crypto *c = &side->offered[side->noffered];
		enum lk_srtp_suite s = offer_order[i];

		if ((off & (1u << s)) || !lk_srtp_suite_available(s))
			continue;
		err = lk_srtp_key_generate(&c->key, s);
		if (err)
			return err;
		c->tag = side->noffered + 1;
		err = lk_sdes_format(st->lines[st->nlines],
				     sizeof(st->lines[0]), c->tag, &c->key);
		if (err)
			return err;
		++st->nlines;
		++side->noffered;
	}

	return side->noffered ? 0 : ENOTSUP;
}

/* Whether a proto encrypts at all: SDES's, or DTLS-SRTP's (RFC 5764 s.8). */
static bool proto_encrypted(const struct lk_mdesc_str *p)
{
	size_t i;

	for (i = 0; i + 4 <= p->len; i++)
		if (!memcmp(p->p + i, "SAVP", 4))
			return true;

	return false;
}

/*
 * A zone's media encryption mode on an active RTP section (docs/srtp.md):
 * NULL, the receiver's transport in *tp and in *bep whether it gets the
 * relay's keys in RTP/AVP (best effort), or why the offer is refused.
 */
static const char *policy(const struct lk_mdesc_stream *m,
			  const struct lk_sdes_opts *o, const char **tp,
			  bool *bep)
{
	bool enc = proto_encrypted(&m->proto), fb;

	if (o->sender == LK_SDES_ENCRYPTED && !enc)
		return "media encryption mode of the offerer's zone is force "
		       "encrypted, and the offer is not encrypted";
	if (o->sender == LK_SDES_CLEAR && enc)
		return "media encryption mode of the offerer's zone is force "
		       "unencrypted, and the offer is encrypted";
	if (o->receiver == LK_SDES_ANY)
		return NULL;
	if (o->receiver == LK_SDES_CLEAR && enc &&
	    !lk_sdes_proto_is_savp(m->proto.p, m->proto.len))
		return "media encryption mode of the answerer's zone is force "
		       "unencrypted, and the offer is DTLS-SRTP, which "
		       "latchkey cannot decrypt";
	if (!lk_sdes_proto_is_savp(m->proto.p, m->proto.len) &&
	    !lk_sdes_proto_is_avp(m->proto.p, m->proto.len))
		return NULL;	/* DTLS to an encrypted zone: as it is */
	fb = m->proto.len && m->proto.p[m->proto.len - 1] == 'F';
	if (o->receiver == LK_SDES_ENCRYPTED)
		*tp = fb ? "RTP/SAVPF" : "RTP/SAVP";
	else
		*tp = fb ? "RTP/AVPF" : "RTP/AVP";
	*bep = o->receiver == LK_SDES_BEST_EFFORT;

	return NULL;
}

int lk_sdes_offer(struct lk_sdes_side sides[2], unsigned sender,
		  const struct lk_mdesc_stream *m, const struct lk_sdes_opts *o,
		  struct lk_sdes_step *st, const char **whyp)
{
	struct lk_sdes_side s[2];
	unsigned rcv = !sender, i;
	const char *why = NULL, *transport = o ? o->transport : NULL;
	bool snd_savp, proto_change = false, best_effort = false;
	int err = 0;

	memset(st, 0, sizeof(*st));
	snd_savp = lk_sdes_proto_is_savp(m->proto.p, m->proto.len);
	if (o && m->port && m->rtp) {
		why = policy(m, o, &transport, &best_effort);
		if (why) {
			if (whyp)
				*whyp = why;
			return EPROTO;
		}
	}
	memcpy(s, sides, sizeof(s));
	proto_copy(s[sender].proto, sizeof(s[sender].proto), m->proto.p,
		   m->proto.len);
	s[sender].savp = snd_savp;
	/* A new offer obsoletes every key either side was given before. */
	for (i = 0; i < 2; i++) {
		explicit_bzero(s[i].offered, sizeof(s[i].offered));
		explicit_bzero(&s[i].answer, sizeof(s[i].answer));
		s[i].noffered = 0;
		s[i].answered = false;
	}
	/*
	 * The receiver speaks what ng asked for, else what the sender
	 * speaks.  Only RTP/AVP(F) <-> RTP/SAVP(F) is converted; a DTLS
	 * or non-RTP section, or a rejected one, passes through.
	 */
	if (transport && m->port && m->rtp &&
	    (snd_savp || lk_sdes_proto_is_avp(m->proto.p, m->proto.len))) {
		snprintf(s[rcv].proto, sizeof(s[rcv].proto), "%s", transport);
		s[rcv].savp = lk_sdes_proto_is_savp(transport,
						    strlen(transport));
		proto_change = strcmp(s[rcv].proto, s[sender].proto) != 0;
	}
	else {
		memcpy(s[rcv].proto, s[sender].proto, sizeof(s[rcv].proto));
		s[rcv].savp = snd_savp;
	}
	s[sender].best_effort = false;
	s[rcv].best_effort = best_effort;
	s[0].terminated = s[1].terminated = s[sender].savp != s[rcv].savp ||
		best_effort;

	if (!s[sender].terminated) {
		/* Pass-through: no key of the relay's on either leg. */
		st->set[0] = st->set[1] = true;
		goto done;
	}
	st->strip_crypto = true;
	if (snd_savp) {
		struct lk_sdes_crypto c;
		bool found = false;

		why = "no a=crypto line with a suite latchkey supports";
		for (i = 0; i < m->ncrypto && !found; i++) {
			if (lk_sdes_parse(&c, &why, m->crypto[i].p,
					  m->crypto[i].len))
				continue;
			if (o && (o->suites_off & (1u << c.key.suite))) {
				why = "every usable a=crypto suite is "
				      "switched off by SDES options";
				lk_srtp_key_wipe(&c.key);
				continue;
			}
			if (!lk_srtp_suite_available(c.key.suite)) {
				why = "a=crypto suite not in this libsrtp2";
				lk_srtp_key_wipe(&c.key);
				continue;
			}
			found = true;
		}
		if (!found) {
			err = ENOTSUP;
			goto out;
		}
		s[sender].answered = true;
		s[sender].answer.tag = c.tag;
		err = lk_srtp_key_generate(&s[sender].answer.key,
					   c.key.suite);
		if (!err)
			err = leg_contexts(st, sender, &c.key,
					   &s[sender].answer.key);
		lk_srtp_key_wipe(&c.key);
		if (err) {
			why = "SRTP context";
			goto out;
		}
	}
	else {
		st->set[sender] = true;
	}
	/*
	 * The receiver: the relay's keys if it is to encrypt (its answer
	 * picks one, and installs its leg's contexts), else clear now.
	 */
	if (s[rcv].savp || s[rcv].best_effort) {
		err = offer_keys(&s[rcv], o ? o->suites_off : 0, st);
		if (err && s[rcv].best_effort) {
			/* Best effort without a suite to offer: clear. */
			s[rcv].best_effort = false;
			st->set[rcv] = true;
			err = 0;
		}
		if (err) {
			why = err == ENOTSUP ? "every SDES suite is switched "
				"off" : "SRTP key";
			goto out;
		}
	}
	else {
		st->set[rcv] = true;
	}

 done:
	for (i = 0; i < 2; i++)
		lk_sdes_side_wipe(&sides[i]);
	memcpy(sides, s, sizeof(s));
	explicit_bzero(s, sizeof(s));
	if (proto_change)
		st->proto = sides[rcv].proto;

	return 0;

 out:
	explicit_bzero(s, sizeof(s));
	lk_sdes_step_release(st);
	if (whyp)
		*whyp = why;

	return err;
}

int lk_sdes_answer(struct lk_sdes_side sides[2], unsigned sender,
		   const struct lk_mdesc_stream *m, struct lk_sdes_step *st,
		   const char **whyp)
{
	struct lk_sdes_side *snd = &sides[sender], *rcv = &sides[!sender];
	const char *why = NULL;
	unsigned i, j;
	int err = 0;

	memset(st, 0, sizeof(*st));
	if (!m->port)
		return 0;	/* rejected: the legs carry nothing */
	if (!snd->terminated) {
		/*
		 * Pass-through; but where the offer changed the profile
		 * only (RTP/SAVP -> RTP/SAVPF), the offerer hears its own.
		 */
		if (m->rtp && strcmp(rcv->proto, snd->proto))
			st->proto = rcv->proto;
		return 0;
	}
	if (lk_sdes_proto_is_savp(m->proto.p, m->proto.len) != snd->savp) {
		why = snd->savp ? "answer is not RTP/SAVP as offered" :
			"answer is RTP/SAVP, offered RTP/AVP";
		err = EPROTO;
		goto out;
	}
	st->strip_crypto = true;
	if (strcmp(rcv->proto, snd->proto))
		st->proto = rcv->proto;
	if (snd->noffered) {
		struct lk_sdes_crypto c;
		const struct lk_sdes_crypto *ours = NULL;

		/* RFC 4568 s.7.1.3: one line, tag and suite as offered. */
		why = "answer's a=crypto matches no offered tag and suite";
		for (i = 0; i < m->ncrypto && !ours; i++) {
			if (lk_sdes_parse(&c, &why, m->crypto[i].p,
					  m->crypto[i].len))
				continue;
			for (j = 0; j < snd->noffered && !ours; j++)
				if (snd->offered[j].tag == c.tag &&
				    snd->offered[j].key.suite == c.key.suite)
					ours = &snd->offered[j];
			if (!ours)
				lk_srtp_key_wipe(&c.key);
		}
		if (!ours && snd->savp) {
			err = EPROTO;
			goto out;
		}
		if (ours) {
			err = leg_contexts(st, sender, &c.key, &ours->key);
			lk_srtp_key_wipe(&c.key);
			if (err) {
				why = "SRTP context";
				goto out;
			}
			/* Only the chosen key stays. */
			snd->answer = *ours;
		}
		else {
			/* Best effort, declined: this leg stays clear. */
			st->set[sender] = true;
		}
		for (j = 0; j < snd->noffered; j++)
			lk_srtp_key_wipe(&snd->offered[j].key);
		snd->noffered = 0;
	}
	else {
		st->set[sender] = true;
	}
	/* The offerer: the relay's answer to its own keys, if it encrypts. */
	if (rcv->answered) {
		err = lk_sdes_format(st->lines[0], sizeof(st->lines[0]),
				     rcv->answer.tag, &rcv->answer.key);
		if (err) {
			why = "SRTP key";
			goto out;
		}
		st->nlines = 1;
	}
	else if (rcv->savp) {
		why = "no key of the relay's for the offerer";
		err = EPROTO;
		goto out;
	}

	return 0;

 out:
	lk_sdes_step_release(st);
	if (whyp)
		*whyp = why;

	return err;
}
