/* relay/sdpdesc.h  SDP at the media core's edge: a parsed SDP as a media description, the relay's answer back into SDP. */
#ifndef LK_SDPDESC_H
#define LK_SDPDESC_H

#include <stddef.h>

#include "mdesc.h"
#include "sdp.h"

/*
 * SIP and rtpengine's ng protocol describe media in SDP; the media core
 * takes a protocol-neutral description (relay/mdesc.h).  These two
 * functions are the only place where one becomes the other, so that what
 * the relay writes into SDP is decided once for both protocols.
 */

/* The attribute by which a side asks for multiplexed media (latchkey's). */
#define LK_SDP_MUXID_ATTR "a=x-latchkey-muxid:"

/*
 * Describe the parsed `sdp` (its buffer still intact): per m= section its
 * address and ports (the media-level c=, else the session's; a=rtcp:, RFC
 * 3605), a=rtcp-mux, the direction in effect (RFC 3264 s.5.1), the
 * payload types, the a=crypto values and the multiplexID of
 * "a=x-latchkey-muxid:" (docs/architecture.md, "Multiplexed media").
 * Strings point into sdp's buffer.  Never fails: an address that is not
 * an IP literal is described as unknown (family 0).
 */
void lk_sdp_describe(struct lk_mdesc *d, const struct lk_sdp *sdp);

/*
 * Write `sdp` rewritten for the side that the relay's answer `relay` (one
 * per m= section of sdp) goes to, into out[0..size), *lenp its length:
 * `plan` gives the relay's address and the ng options (replace, rtcp-mux,
 * ICE); its per-section fields are filled here from `relay` (ports, the
 * SRTP profile and keys).  Every "a=x-latchkey-muxid:" line goes, and the
 * relay's own is added at the end of each section it multiplexes.
 * Returns 0, ENOSPC (out too small), ENOMEM, or EINVAL as
 * lk_sdp_rewrite().
 */
int lk_sdp_answer(char *out, size_t size, size_t *lenp,
		  const struct lk_sdp *sdp, struct lk_sdp_plan *plan,
		  const struct lk_mdesc_relay *relay);

#endif
