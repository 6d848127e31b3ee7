/* signalling/h323/h225.h  H.225.0 call signalling: the Q.931 user-user information (H323-UserInformation). */
#ifndef LK_H323_H225_H
#define LK_H323_H225_H

#include <stddef.h>
#include <stdint.h>

#include "h323/asn.h"

/*
 * H323-UserInformation (H.225.0 12/2009), the aligned-PER contents of the
 * Q.931 user-user information element after its protocol discriminator
 * (0x05, H.225.0 7.2.2.1).  The tables live with the RAS ones in ras.c
 * (they share TransportAddress, AliasAddress, EndpointType...).  Root
 * components of every UUIE are transcribed; extension additions other
 * than callIdentifier, fastStart, h245Tunnelling, h245Control, the
 * feature lists, multipleCalls/maintainConnection and a few alias lists
 * are opaque open types (docs/h323.md).
 */
extern const struct lk_asn_type lk_h225_uuinfo;

int lk_h225_uu_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		      struct lk_asn_val **uup, size_t *errbit);
int lk_h225_uu_encode(const struct lk_asn_val *uu, uint8_t *buf, size_t cap,
		      size_t *len);
const char *lk_h225_uu_kind(const struct lk_asn_val *uu);

/* H.225.0 7.6: the protocolIdentifier version a built UU-PDU carries. */
#define LK_H225_VERSION 4

/*
 * A new UU-PDU whose h323-message-body is `kind` ("releaseComplete",
 * ...), its body in *bodyp: protocolIdentifier set, h245Tunnelling and
 * the body's mandatory BOOLEAN extension additions FALSE.  The caller
 * sets the rest (callIdentifier, reason...).  NULL when the arena is full
 * or `kind` is not an alternative.
 */
struct lk_asn_val *lk_h225_uu_new(struct lk_asn_arena *ar, const char *kind,
				  struct lk_asn_val **bodyp);

#endif
