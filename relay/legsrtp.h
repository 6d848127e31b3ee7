/* relay/legsrtp.h  SRTP on the packet path: a leg's contexts, counted in the leg's stats. */
#ifndef LK_LEGSRTP_H
#define LK_LEGSRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leg.h"

/*
 * The packet path's two hooks (relay/worker.c), counting in the leg's
 * stats: decrypt what `leg`'s side sent (a failure is counted in
 * srtp_auth_failed or srtp_replayed and the packet must be dropped), and
 * encrypt what goes to `leg`'s side (a failure in srtp_errors).  Return 0
 * or the errno of lk_srtp_unprotect() / lk_srtp_protect() (relay/srtp.h).
 * Apart from srtp.c so that the SRTP wrapper knows nothing of legs (leg.h
 * holds the SDES state, which holds SRTP contexts).
 */
int lk_srtp_leg_decrypt(struct lk_leg *leg, uint8_t *p, size_t *lenp,
			bool rtcp);
int lk_srtp_leg_encrypt(struct lk_leg *leg, uint8_t *p, size_t *lenp,
			size_t room, bool rtcp);

#endif
