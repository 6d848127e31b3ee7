/* relay/legsrtp.c  SRTP on the packet path: a leg's contexts, counted in the leg's stats. */
#include <errno.h>

#include "legsrtp.h"
#include "srtp.h"

int lk_srtp_leg_decrypt(struct lk_leg *leg, uint8_t *p, size_t *lenp,
			bool rtcp)
{
	int err = lk_srtp_unprotect(leg->srtp_in, p, lenp, rtcp);

	if (err == EALREADY)
		LK_STAT_ADD(leg->st.srtp_replayed, 1);
	else if (err)
		LK_STAT_ADD(leg->st.srtp_auth_failed, 1);

	return err;
}

int lk_srtp_leg_encrypt(struct lk_leg *leg, uint8_t *p, size_t *lenp,
			size_t room, bool rtcp)
{
	int err = lk_srtp_protect(leg->srtp_out, p, lenp, room, rtcp);

	if (err)
		LK_STAT_ADD(leg->st.srtp_errors, 1);

	return err;
}
