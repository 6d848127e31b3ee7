/* signalling/h323/h225.c  H.225.0 call signalling UU-PDU on the aligned-PER codec. */
#include <errno.h>

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
