/* relay/latch.h  Latching: send media where it came from (seed "N"). */
#ifndef LK_LATCH_H
#define LK_LATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "demux.h"

/*
 * One latch per receiving socket of a stream ("leg endpoint"): it decides
 * which sources the relay accepts media from on that socket and where the
 * relay sends the media of the other leg.  The rule is the seed's "N" (SIP
 * call to endpoint behind non SIP-aware firewall): "VCS waits until it
 * receives media, then it sends its media to the IP port from which the
 * media was received".  So, by default (symmetric, strict source):
 *
 *  1. Nothing is sent towards the peer before its first packet arrives:
 *     lk_latch_target() returns NULL and counts the packet as held.
 *  2. The first RTP or RTCP packet (an RTP keep-alive included), or STUN
 *     Binding request or indication (an RFC 6263 keep-alive; RFC 7362
 *     s.4 describes latching on it), latches its source address and port,
 *     at once: no learning window.  Before that first packet, a source is
 *     accepted only from the IP address the stream's signalling came from
 *     or the one its SDP names, when signalling said where it came from
 *     (lk_latch_set_signalling()): an attacker who guesses a fresh relay
 *     port and sends first gets LK_LATCH_DROP_UNEXPECTED, not the leg.
 *     LK_LATCH_ANY_SOURCE lifts that for carrier-grade NATs that give
 *     media another public IP than signalling.
 *  3. After that, a packet from any other source is dropped and counted
 *     (dropped_foreign): nothing an RTP-bleed attacker sends gets through
 *     and nothing is sent to it.  The window the rule leaves is before the
 *     first packet, and rule 2 narrows it to a spoofer of the endpoint's
 *     own address; the stream narrows it further by creating its latches
 *     only when signalling has set the stream up.  STUN never moves a
 *     latch once it is set (handover takes RTP, see below).
 *  4. The latch moves only by new signalling (lk_latch_reset(), issued when
 *     a re-INVITE, UPDATE or answer renegotiates the stream; the next
 *     packet latches again) or, with LK_LATCH_MEDIA_HANDOVER, by the
 *     handover rule below.
 *
 * The flags take the names of rtpengine's ng flags ("docs/
 * ng_control_protocol.md" in sipwise/rtpengine) but not all their defaults:
 *
 *  - Strict source is latchkey's default and cannot be turned off, since
 *    the seed requires it.  rtpengine's default is different: it learns
 *    the endpoint from incoming packets (by default "delayed": during the
 *    first 3 s after signalling each packet may move the endpoint, and
 *    the first packet after that confirms it), and once confirmed it
 *    ignores the source of later packets and forwards them from anywhere;
 *    only its `strict source` flag drops them.  The ng layer should accept
 *    `strict source` and `symmetric` as no-ops.
 *  - rtpengine also sends to the SDP address before anything is learned
 *    (its `trust address` is the default, `NAT-wait` turns that off).
 *    latchkey's default is the seed's: wait.  LK_LATCH_TRUST_ADDRESS sends
 *    to the SDP address until the first packet latches, then to the
 *    latched source like any other latch.
 *  - LK_LATCH_ASYMMETRIC (rtpengine `asymmetric`): the send target is the
 *    SDP address for the whole call and is never learned.  The receive
 *    side still latches and drops other sources, as rtpengine does with
 *    `asymmetric` plus `strict source`: an asymmetric peer sends from a
 *    port other than the one it receives on, not from anywhere.
 *  - LK_LATCH_MEDIA_HANDOVER (rtpengine `media handover`).  rtpengine
 *    moves the endpoint on the first packet from a new source.  latchkey
 *    moves the latch only when one new source has sent `handover_packets`
 *    RTP packets in a row (default LK_LATCH_HANDOVER_PACKETS) with no
 *    packet from the latched source in between, and the latched source has
 *    been silent for at least `handover_quiet_ms` (default
 *    LK_LATCH_HANDOVER_QUIET_MS) when the last of them arrives.  RTCP
 *    counts only on a latch that has never seen RTP (a socket that carries
 *    RTCP alone); on an RTP or rtcp-mux socket it never moves the latch,
 *    like rtpengine, which ignores stray RTCP when it confirms a peer.  A
 *    real handover (the old path is dead) thus costs about 200 ms of
 *    media; a spoofer must outrun the real peer's silence, not just send
 *    one packet.  It remains a hole while the peer is silent (on hold,
 *    DTX): rtpengine's documentation warns the same of its flag.  Setting
 *    handover_packets to 1 and handover_quiet_ms to 0 gives rtpengine's
 *    behaviour.
 *
 * Threads: a latch belongs to the media worker that owns its socket; every
 * function here runs on that thread, the control thread's reset arrives
 * as a command through the worker's queue (docs/architecture.md, "Threads
 * and event loops").  No
 * function allocates, locks or logs.  IPv4 and IPv6; an IPv4-mapped IPv6
 * source (a dual-stack socket) is the same source as the IPv4 address.
 *
 * The struct is public so that a stream can embed it (no allocation); read
 * its fields only through the functions below and `stats`.
 */

#define LK_LATCH_HANDOVER_PACKETS	3
#define LK_LATCH_HANDOVER_QUIET_MS	200

enum lk_latch_flags {
	LK_LATCH_TRUST_ADDRESS	= 1 << 0,	/* send to SDP until latched */
	LK_LATCH_ASYMMETRIC	= 1 << 1,	/* always send to SDP */
	LK_LATCH_MEDIA_HANDOVER	= 1 << 2,	/* a new source may take over */
	LK_LATCH_ANY_SOURCE	= 1 << 3,	/* first packet from anywhere */
};

enum lk_latch_verdict {
	LK_LATCH_ACCEPT = 0,	/* from the latched source: forward */
	LK_LATCH_LATCHED_NOW,	/* first packet (or first after reset) */
	LK_LATCH_RELATCHED,	/* media handover moved the latch here */
	LK_LATCH_DROP_FOREIGN,	/* not the latched source: drop */
	LK_LATCH_DROP_INVALID,	/* not an IPv4/IPv6 source, or not media */
	LK_LATCH_DROP_UNEXPECTED,	/* unlatched, not the signalled IP */
};

/* An IPv4 or IPv6 socket address, in 28 octets instead of 128. */
union lk_latch_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

/* Counters since lk_latch_init(); lk_latch_reset() keeps them. */
struct lk_latch_stats {
	uint64_t accepted;	/* ACCEPT, LATCHED_NOW and RELATCHED */
	uint64_t dropped_foreign;
	uint64_t dropped_invalid;
	uint64_t dropped_unexpected;	/* before latching, another IP */
	uint64_t held;		/* target() said NULL: nowhere to send yet */
	uint64_t latches;	/* LATCHED_NOW verdicts */
	uint64_t relatches;	/* latches after the first: handover or reset */
};

struct lk_latch {
	/*
	 * Read for every packet (lk_latch_input(), lk_latch_target()): the
	 * first 64 octets, so that a packet costs the latch one or two cache
	 * lines (struct lk_leg's comment).
	 */
	union lk_latch_addr peer;	/* the latched source, if latched */
	unsigned flags;
	uint16_t cand_count;		/* packets in a row from `cand` */
	bool latched;
	bool seen_rtp;
	uint64_t last_rx_ms;		/* last packet from `peer` */
	struct lk_latch_stats stats;	/* `accepted` first: every packet */
	union lk_latch_addr sdp;	/* from signalling; sa_family 0: none */
	union lk_latch_addr cand;	/* handover candidate */
	uint64_t latched_ms;		/* when `peer` was latched */
	uint8_t sig_ip[16];		/* signalling source, IPv4-mapped */
	uint16_t handover_packets;
	uint16_t handover_quiet_ms;
	uint8_t latched_by;		/* enum lk_pkt of the latching packet */
	bool ever_latched;
	bool sig_ip_set;
};

/*
 * Set up a latch with `flags` (enum lk_latch_flags), unlatched, no SDP
 * address, the default handover rule, counters at zero.  Returns 0, or
 * EINVAL for a NULL latch or an unknown flag (the latch is then untouched).
 */
int lk_latch_init(struct lk_latch *l, unsigned flags);

/*
 * Change the flags, e.g. when a re-offer adds `media handover`.  Latched
 * state is kept; call lk_latch_reset() too if the offer renegotiates.
 * Returns 0, or EINVAL as lk_latch_init().
 */
int lk_latch_set_flags(struct lk_latch *l, unsigned flags);

/*
 * The handover rule: `npackets` RTP packets in a row from one new source
 * (1..65535) and `quiet_ms` of silence from the latched source.  Returns
 * 0, or EINVAL for a NULL latch or npackets 0.
 */
int lk_latch_set_handover(struct lk_latch *l, uint16_t npackets,
			  uint16_t quiet_ms);

/*
 * The address the SDP gave for this peer (c= and m= lines), used as send
 * target with LK_LATCH_TRUST_ADDRESS (until latched) or LK_LATCH_ASYMMETRIC
 * (always).  NULL clears it.  Returns 0; EINVAL for a NULL latch or a
 * length too short for the family; EAFNOSUPPORT for a family other than
 * AF_INET or AF_INET6.
 */
int lk_latch_set_sdp(struct lk_latch *l, const struct sockaddr *sa,
		     socklen_t len);

/*
 * The address the stream's signalling came from (ng "received-from", the
 * SIP request's source): before latching, only this IP or the SDP's may
 * latch (rule 2), unless LK_LATCH_ANY_SOURCE.  The port is not compared:
 * a NAT maps media and signalling to different ports.  NULL clears it,
 * and with it the check.  Returns 0, or EINVAL/EAFNOSUPPORT as
 * lk_latch_set_sdp().
 */
int lk_latch_set_signalling(struct lk_latch *l, const struct sockaddr *sa,
			    socklen_t len);

/*
 * New signalling renegotiated the stream (re-INVITE, UPDATE, answer): forget
 * the latched source, so that the next packet latches again.  Until then
 * nothing is sent (or, with LK_LATCH_TRUST_ADDRESS, the SDP address is
 * used again).  Flags, SDP address and counters are kept.
 */
void lk_latch_reset(struct lk_latch *l);

/*
 * The side's first SDP (its answer) after its own packets latched it:
 * keep the latch if its source passes rule 2 against the signalling and
 * SDP just set, else reset it.  Call after lk_latch_set_signalling() and
 * lk_latch_set_sdp().
 */
void lk_latch_confirm(struct lk_latch *l);

/*
 * One packet of class `kind` (LK_PKT_RTP, keep-alives included,
 * LK_PKT_RTCP, or LK_PKT_STUN for a Binding request or indication, which
 * the caller has checked) arrived from `src` at `now_ms` (a monotonic
 * clock).  Returns the verdict and counts it.  Only an ACCEPT, LATCHED_NOW
 * or RELATCHED RTP or RTCP packet may be forwarded; an accepted STUN
 * message may be answered, never forwarded.  Other classes do not latch:
 * they get LK_LATCH_DROP_INVALID, as does a NULL or non-IP source.
 */
enum lk_latch_verdict lk_latch_input(struct lk_latch *l,
				     const struct sockaddr *src, socklen_t len,
				     enum lk_pkt kind, uint64_t now_ms);

/*
 * Where to send the other leg's media now: the latched source, or the
 * SDP address (LK_LATCH_ASYMMETRIC always; LK_LATCH_TRUST_ADDRESS until
 * latched), with its length in `*lenp` (if not NULL).  NULL while nothing
 * may be sent; call it once per packet to be sent, since each NULL answer
 * is counted in stats.held.  The pointer stays valid until the next call
 * that changes the latch.
 */
const struct sockaddr *lk_latch_target(struct lk_latch *l, socklen_t *lenp);

/* Whether a source is latched now. */
bool lk_latch_is_latched(const struct lk_latch *l);

/*
 * What latched the current source (LK_PKT_RTP, LK_PKT_RTCP, LK_PKT_STUN)
 * and when (`*msp`, the clock of lk_latch_input()); LK_PKT_DROP when
 * nothing is latched.
 */
enum lk_pkt lk_latch_latched_by(const struct lk_latch *l, uint64_t *msp);

/* Whether two addresses have the same IP (IPv4-mapped IPv6 = IPv4). */
bool lk_latch_same_ip(const struct sockaddr *a, socklen_t alen,
		      const struct sockaddr *b, socklen_t blen);

/* A short fixed name for a verdict, for statistics and tests. */
const char *lk_latch_verdict_name(enum lk_latch_verdict v);

#endif
