/* signalling/h323/ras.h  H.225.0 RAS messages (H.225.0 12/2009 ASN.1) on the aligned-PER codec. */
#ifndef LK_H323_RAS_H
#define LK_H323_RAS_H

#include <stdint.h>
#include <netinet/in.h>

#include "h323/asn.h"

/*
 * RasMessage and every type its root components use are transcribed from
 * H323-MESSAGES (H.225.0 12/2009) in the member order and with the
 * extension markers of the module, so any RAS message decodes and
 * re-encodes.  Extension additions a gatekeeper has no use for (tokens,
 * cryptoTokens, integrity, alternate gatekeepers, capacity...) are kept
 * as opaque open types; so are the RasMessage extension alternatives
 * other than serviceControlIndication/-Response.  docs/h323.md lists
 * them.
 *
 * Names in paths for lk_asn_get() and lk_asn_set() are the ASN.1 names:
 * lk_asn_get(msg, "registrationRequest.keepAlive").
 */

extern const struct lk_asn_type lk_ras_message;

/* H.225.0 7.5 / 2250: the protocolIdentifier version the builder writes. */
#define LK_RAS_VERSION 4

int lk_ras_decode(const uint8_t *buf, size_t len, struct lk_asn_arena *ar,
		  struct lk_asn_val **msgp, size_t *errbit);
int lk_ras_encode(const struct lk_asn_val *msg, uint8_t *buf, size_t cap,
		  size_t *len);
const char *lk_ras_kind(const struct lk_asn_val *msg);
struct lk_asn_val *lk_ras_body(const struct lk_asn_val *msg);
int lk_ras_seqnum(const struct lk_asn_val *msg, uint16_t *seq);

struct lk_asn_val *lk_ras_new(struct lk_asn_arena *ar, const char *kind,
			      uint16_t seq, struct lk_asn_val **bodyp);
/*
 * A RegistrationRequest as a terminal sends it (H.225.0 7.9.1): one
 * callSignalAddress `csa` and rasAddress `ras`, terminalType terminal,
 * an h323-ID `alias` (NULL: none), an endpointVendor; with `epid` a
 * lightweight keep-alive (keepAlive TRUE, endpointIdentifier `epid`).
 * Its body in *bodyp for more members.  NULL when `ar` is too small.
 */
struct lk_asn_val *lk_ras_rrq_new(struct lk_asn_arena *ar, uint16_t seq,
				  const struct sockaddr_in *csa,
				  const struct sockaddr_in *ras,
				  const char *alias, const char *epid,
				  struct lk_asn_val **bodyp);
int lk_ras_set_ipv4(struct lk_asn_arena *ar, struct lk_asn_val *ta,
		    const struct sockaddr_in *sin);
int lk_ras_get_ipv4(const struct lk_asn_val *ta, struct sockaddr_in *sin);
int lk_ras_add_feature(struct lk_asn_arena *ar, struct lk_asn_val *body,
		       const char *list, int64_t standard);
bool lk_ras_has_feature(const struct lk_asn_val *body, int64_t standard);

#endif
