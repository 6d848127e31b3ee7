/* signalling/h323/h460.c  H.460.18 firewall traversal: IncomingCallIndication, SCI/SCR, the Facility that answers it, SCI retransmission. */
#include <errno.h>
#include <string.h>

#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/h460.h"
#include "h323/ras.h"

/* Enough for one SCI or one IncomingCallIndication tree. */
#define ARENA_BYTES 8192

int lk_h46018_ici_encode(const struct sockaddr_in *csa,
			 const uint8_t callid[16], uint8_t *buf, size_t cap,
			 size_t *len)
{
	uint8_t mem[ARENA_BYTES];
	struct lk_asn_arena ar;
	struct lk_asn_val *ici, *v;

	if (!csa || !callid || !buf || !len)
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	ici = lk_asn_new(&ar, &lk_h46018_ici);
	if (!ici ||
	    lk_ras_set_ipv4(&ar, lk_asn_set(&ar, ici, "callSignallingAddress"),
			    csa))
		return ENOMEM;
	v = lk_asn_set(&ar, ici, "callID");
	v = v ? lk_asn_set(&ar, v, "guid") : NULL;
	if (!v || lk_asn_set_octets(&ar, v, callid, 16))
		return ENOMEM;
	return lk_asn_encode(ici, buf, cap, len);
}

int lk_h46018_ici_decode(const uint8_t *p, size_t len,
			 struct sockaddr_in *csa, uint8_t callid[16])
{
	uint8_t mem[ARENA_BYTES];
	struct lk_asn_arena ar;
	struct lk_asn_val *ici = NULL, *v;
	size_t errbit = 0;
	int err;

	if (!p || !csa || !callid)
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	err = lk_asn_decode(&lk_h46018_ici, p, len, &ar, &ici, &errbit);
	if (err)
		return EBADMSG;
	v = lk_asn_get(ici, "callID.guid");
	if (!v || v->u.str.len != 16 ||
	    lk_ras_get_ipv4(lk_asn_get(ici, "callSignallingAddress"), csa))
		return EBADMSG;
	memcpy(callid, v->u.str.p, 16);
	return 0;
}

int lk_h46018_sci_encode(uint16_t seq, const struct sockaddr_in *csa,
			 const uint8_t callid[16], uint8_t *buf, size_t cap,
			 size_t *len)
{
	uint8_t mem[ARENA_BYTES], raw[128];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *l, *g, *v, *p;
	size_t rawlen;
	int err;

	if (!buf || !len)
		return EINVAL;
	err = lk_h46018_ici_encode(csa, callid, raw, sizeof(raw), &rawlen);
	if (err)
		return err;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_ras_new(&ar, "serviceControlIndication", seq, &body);
	if (!msg)
		return seq ? ENOMEM : EINVAL;
	/* serviceControl [{sessionId 0, reason open}] */
	l = lk_asn_set(&ar, body, "serviceControl");
	if (!l || lk_asn_seqof_resize(&ar, l, 1) ||
	    !lk_asn_set(&ar, &l->u.list.v[0], "sessionId") ||
	    !lk_asn_set(&ar, lk_asn_set(&ar, &l->u.list.v[0], "reason"),
			"open"))
		return ENOMEM;
	/* genericData [{id standard 18, parameters [{standard 1, raw}]}] */
	l = lk_asn_set(&ar, body, "genericData");
	if (!l || lk_asn_seqof_resize(&ar, l, 1))
		return ENOMEM;
	g = &l->u.list.v[0];
	v = lk_asn_set(&ar, lk_asn_set(&ar, g, "id"), "standard");
	if (!v)
		return ENOMEM;
	v->u.i = LK_H460_18;
	l = lk_asn_set(&ar, g, "parameters");
	if (!l || lk_asn_seqof_resize(&ar, l, 1))
		return ENOMEM;
	p = &l->u.list.v[0];
	v = lk_asn_set(&ar, lk_asn_set(&ar, p, "id"), "standard");
	if (!v)
		return ENOMEM;
	v->u.i = 1;
	v = lk_asn_set(&ar, lk_asn_set(&ar, p, "content"), "raw");
	if (!v || lk_asn_set_octets(&ar, v, raw, rawlen))
		return ENOMEM;
	return lk_ras_encode(msg, buf, cap, len);
}

int lk_h46018_sci_incoming(const struct lk_asn_val *sci,
			   struct sockaddr_in *csa, uint8_t callid[16])
{
	const struct lk_asn_val *l = lk_asn_get(sci, "genericData");
	size_t i, k;

	if (!csa || !callid)
		return EINVAL;
	/* Only a transcribed list is walked (an opaque one has no items). */
	if (!l || !l->type || l->type->kind != LK_ASN_SEQOF)
		return ENOENT;
	for (i = 0; i < l->u.list.n; i++) {
		const struct lk_asn_val *g = &l->u.list.v[i], *ps, *s, *raw;

		s = lk_asn_get(g, "id.standard");
		if (!s || s->u.i != LK_H460_18)
			continue;
		ps = lk_asn_get(g, "parameters");
		if (!ps || !ps->type || ps->type->kind != LK_ASN_SEQOF)
			continue;
		for (k = 0; k < ps->u.list.n; k++) {
			s = lk_asn_get(&ps->u.list.v[k], "id.standard");
			if (!s || s->u.i != 1)
				continue;
			raw = lk_asn_get(&ps->u.list.v[k], "content.raw");
			if (!raw || raw->type->kind != LK_ASN_OCTETS)
				return EBADMSG;
			return lk_h46018_ici_decode(raw->u.str.p,
						    raw->u.str.len, csa,
						    callid);
		}
	}
	return ENOENT;
}

int lk_h46018_facility_callid(const struct lk_asn_val *uu, uint8_t callid[16])
{
	const struct lk_asn_val *v;

	if (!callid)
		return EINVAL;
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.facility."
		       "callIdentifier.guid");
	if (!v || v->u.str.len != 16)
		return ENOENT;
	memcpy(callid, v->u.str.p, 16);
	return 0;
}

static bool same_sin(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       a->sin_port == b->sin_port;
}

struct lk_h46018_sci *lk_h46018_sci_add(struct lk_h46018_scis *t,
					const struct sockaddr_in *to,
					const struct sockaddr_in *csa,
					const uint8_t callid[16], uint16_t seq,
					uint64_t now, int *errp)
{
	struct lk_h46018_sci *e, *free_slot = NULL;
	size_t i;

	*errp = 0;
	for (i = 0; i < LK_H46018_SCI_SLOTS; i++) {
		e = &t->s[i];
		if (!e->used) {
			if (!free_slot)
				free_slot = e;
			continue;
		}
		if (!memcmp(e->callid, callid, 16) && same_sin(&e->to, to)) {
			*errp = EALREADY;
			return e;
		}
	}
	if (!free_slot) {
		*errp = ENOSPC;
		return NULL;
	}
	e = free_slot;
	memset(e, 0, sizeof(*e));
	e->used = true;
	memcpy(e->callid, callid, 16);
	e->seq = seq;
	e->to = *to;
	e->csa = *csa;
	e->tries = 1;
	e->next = now + LK_H46018_SCI_RETRY_MS;
	e->expires = now + LK_H46018_SCI_KEEP_MS;
	t->sent++;
	return e;
}

bool lk_h46018_sci_answer(struct lk_h46018_scis *t, uint16_t seq,
			  const struct sockaddr_in *from)
{
	size_t i;

	for (i = 0; i < LK_H46018_SCI_SLOTS; i++) {
		struct lk_h46018_sci *e = &t->s[i];

		if (e->used && e->seq == seq && same_sin(&e->to, from)) {
			if (!e->answered)
				t->answered++;
			e->answered = true;
			return true;
		}
	}
	t->unknown_scr++;
	return false;
}

void lk_h46018_sci_cancel(struct lk_h46018_scis *t, const uint8_t callid[16])
{
	size_t i;

	for (i = 0; i < LK_H46018_SCI_SLOTS; i++)
		if (t->s[i].used && !memcmp(t->s[i].callid, callid, 16))
			memset(&t->s[i], 0, sizeof(t->s[i]));
}

struct lk_h46018_sci *lk_h46018_sci_due(struct lk_h46018_scis *t,
					uint64_t now)
{
	size_t i;

	for (i = 0; i < LK_H46018_SCI_SLOTS; i++) {
		struct lk_h46018_sci *e = &t->s[i];

		if (e->used && e->expires <= now) {
			memset(e, 0, sizeof(*e));
			continue;
		}
		if (!e->used || e->answered || e->next > now)
			continue;
		if (e->tries > LK_H46018_SCI_RETRIES) {
			/* Kept while the call waits, but never sent again. */
			t->unanswered++;
			e->answered = true;
			continue;
		}
		e->tries++;
		e->next = now + LK_H46018_SCI_RETRY_MS;
		t->retransmits++;
		return e;
	}
	return NULL;
}

/* 0.0.8.460.18.0.1: the H.245 generic message of H.460.18. */
static const uint32_t h46018_oid[] = { 0, 0, 8, 460, 18, 0, 1 };

int lk_h46018_correlation_encode(const uint8_t callid[16], bool answer,
				 uint8_t *buf, size_t cap, size_t *len)
{
	uint8_t mem[ARENA_BYTES];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *g, *v, *l, *p;

	if (!callid || !buf || !len)
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_asn_new(&ar, &lk_h245_message);
	g = msg ? lk_asn_set(&ar, lk_asn_set(&ar, msg, "indication"),
			     "genericIndication") : NULL;
	v = g ? lk_asn_set(&ar, lk_asn_set(&ar, g, "messageIdentifier"),
			   "standard") : NULL;
	if (!v || lk_asn_set_oid(&ar, v, h46018_oid, 7))
		return ENOMEM;
	v = lk_asn_set(&ar, g, "subMessageIdentifier");
	l = v ? lk_asn_set(&ar, g, "messageContent") : NULL;
	if (!l || lk_asn_seqof_resize(&ar, l, 2))
		return ENOMEM;
	v->u.i = 1;
	p = &l->u.list.v[0];
	v = lk_asn_set(&ar, lk_asn_set(&ar, p, "parameterIdentifier"),
		       "standard");
	if (!v)
		return ENOMEM;
	v->u.i = 1;
	v = lk_asn_set(&ar, lk_asn_set(&ar, p, "parameterValue"),
		       "octetString");
	if (!v || lk_asn_set_octets(&ar, v, callid, 16))
		return ENOMEM;
	p = &l->u.list.v[1];
	v = lk_asn_set(&ar, lk_asn_set(&ar, p, "parameterIdentifier"),
		       "standard");
	if (!v)
		return ENOMEM;
	v->u.i = 2;
	/* answerCall: a "logical" parameter is there or not (H.245 Annex B). */
	if (!lk_asn_set(&ar, lk_asn_set(&ar, p, "parameterValue"),
			"logical"))
		return ENOMEM;
	if (!answer)
		lk_asn_seqof_resize(&ar, l, 1);
	return lk_h245_encode(msg, buf, cap, len);
}

int lk_h46018_correlation(const uint8_t *pdu, size_t len, uint8_t callid[16])
{
	uint8_t mem[ARENA_BYTES], want[512];
	struct lk_asn_arena ar, war;
	struct lk_asn_val *msg = NULL, *g, *v, *l, *oid;
	size_t errbit = 0, i;

	if (!pdu || !callid)
		return EINVAL;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h245_decode(pdu, len, &ar, &msg, &errbit))
		return EBADMSG;
	g = lk_asn_get(msg, "indication.genericIndication");
	v = g ? lk_asn_get(g, "messageIdentifier.standard") : NULL;
	if (!v || v->type->kind != LK_ASN_OID)
		return ENOENT;
	/* The OID as the codec keeps it, to compare octets. */
	lk_asn_arena_init(&war, want, sizeof(want));
	oid = lk_asn_new(&war, v->type);
	if (!oid || lk_asn_set_oid(&war, oid, h46018_oid, 7) ||
	    oid->u.str.len != v->u.str.len ||
	    memcmp(oid->u.str.p, v->u.str.p, v->u.str.len))
		return ENOENT;
	v = lk_asn_get(g, "subMessageIdentifier");
	if (!v || v->u.i != 1)
		return ENOENT;
	l = lk_asn_get(g, "messageContent");
	if (!l || l->type->kind != LK_ASN_SEQOF)
		return EBADMSG;
	for (i = 0; i < l->u.list.n; i++) {
		const struct lk_asn_val *p = &l->u.list.v[i], *s, *o;

		s = lk_asn_get(p, "parameterIdentifier.standard");
		if (!s || s->u.i != 1)
			continue;
		o = lk_asn_get(p, "parameterValue.octetString");
		if (!o || o->type->kind != LK_ASN_OCTETS || o->u.str.len != 16)
			return EBADMSG;
		memcpy(callid, o->u.str.p, 16);
		return 0;
	}
	return EBADMSG;
}
