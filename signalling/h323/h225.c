/* signalling/h323/h225.c  H.225.0 call signalling UU-PDU on the aligned-PER codec. */
#include <errno.h>
#include <string.h>

#include "h323/h225.h"

int lk_h225_uu_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		      struct lk_asn_val **uup, size_t *errbit)
{
	return lk_asn_decode(&lk_h225_uuinfo, buf, len, ar, uup, errbit);
}

int lk_h225_uu_encode(const struct lk_asn_val *uu, uint8_t *buf, size_t cap,
		      size_t *len)
{
	if (!uu || uu->type != &lk_h225_uuinfo)
		return EINVAL;
	return lk_asn_encode(uu, buf, cap, len);
}

/* "setup", "connect"...: the h323-message-body alternative. */
const char *lk_h225_uu_kind(const struct lk_asn_val *uu)
{
	return lk_asn_choice_name(lk_asn_get(uu,
					     "h323-uu-pdu.h323-message-body"));
}

/*
 * A new H323-UserInformation whose body is the `kind` alternative, with
 * protocolIdentifier 0.0.8.2250.0.LK_H225_VERSION, h245Tunnelling FALSE
 * and the BOOLEAN extension additions H.225.0 makes mandatory
 * (multipleCalls, maintainConnection...) present and FALSE, as
 * lk_ras_new() does for RAS.
 */
struct lk_asn_val *lk_h225_uu_new(struct lk_asn_arena *ar, const char *kind,
				  struct lk_asn_val **bodyp)
{
	static const uint32_t proto[] = { 0, 0, 8, 2250, 0, LK_H225_VERSION };
	struct lk_asn_val *uu, *pdu, *msgb, *body, *v;
	const struct lk_asn_type *t;
	size_t i;

	uu = lk_asn_new(ar, &lk_h225_uuinfo);
	pdu = uu ? lk_asn_set(ar, uu, "h323-uu-pdu") : NULL;
	msgb = pdu ? lk_asn_set(ar, pdu, "h323-message-body") : NULL;
	body = msgb ? lk_asn_set(ar, msgb, kind) : NULL;
	if (!body || !lk_asn_set(ar, pdu, "h245Tunnelling"))
		return NULL;
	t = body->type;
	for (i = 0; t->kind == LK_ASN_SEQ && i < (size_t)t->nroot + t->next;
	     i++) {
		const struct lk_asn_member *m = &t->members[i];

		if (!strcmp(m->name, "protocolIdentifier")) {
			v = lk_asn_set(ar, body, m->name);
			if (!v || lk_asn_set_oid(ar, v, proto,
						 sizeof(proto) /
						 sizeof(proto[0])))
				return NULL;
		}
		else if (i >= t->nroot && !m->optional && m->type &&
			 m->type->kind == LK_ASN_BOOL) {
			if (!lk_asn_set(ar, body, m->name))
				return NULL;
		}
	}
	if (bodyp)
		*bodyp = body;

	return uu;
}
