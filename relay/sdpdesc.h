/* relay/sdpdesc.h  SDP at the media core's edge: a parsed SDP as a media description, the relay's answer back into SDP, and an SDP written from a description. */
#ifndef LK_SDPDESC_H
#define LK_SDPDESC_H

#include <stddef.h>
#include <stdint.h>

#include "mdesc.h"
#include "sdp.h"

/*
 * SIP and rtpengine's ng protocol describe media in SDP; the media core
 * takes a protocol-neutral description (relay/mdesc.h).  The functions
 * below are the only place where one becomes the other, so that what
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

/*
 * Write a whole SDP (RFC 4566) for the description `d` into
 * out[0..size), *lenp its length: what a SIP leg sends when the media
 * did not come to it as SDP (an interworking call, signalling/call/
 * call.h).  o= carries `sess_id` and `sess_version` (RFC 3264 s.8: one
 * more with each new offer of a session); the session's c= is the first
 * stream's address that has one, a stream elsewhere gets its own c=.
 * Per m= section: its payload types, a=rtcp: when RTCP is not on RTP + 1
 * at the same address (RFC 3605), a=rtcp-mux, the direction, a=crypto,
 * and "a=x-latchkey-muxid:" for a multiplexID; a rejected stream (port
 * 0) gets its m= line (RTP: format 0 when it has none), its c= and its
 * direction only.  The description has no codec names, so no a=rtpmap
 * is written: a dynamic payload type (96-127) goes out without its
 * encoding.  Returns 0, ENOSPC, or EINVAL
 * (lk_mdesc_check() refuses `d`; a media type or profile that is not an
 * SDP token, an attribute value with a control character, an active
 * stream without an address, an active RTP stream without a payload
 * type).
 */
int lk_sdp_write(char *out, size_t size, size_t *lenp,
		 const struct lk_mdesc *d, uint64_t sess_id,
		 uint64_t sess_version);

#endif
