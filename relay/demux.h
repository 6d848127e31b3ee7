/* relay/demux.h  What a media-port datagram is: RFC 7983, RTP, RTCP, mux. */
#ifndef LK_DEMUX_H
#define LK_DEMUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Everything here is a pure function of the bytes it is given: no state,
 * no allocation, no lock, no log.  The forwarding path calls it for every
 * packet.  No function reads outside [p, p + len), whatever the bytes say.
 */

/*
 * The class of a datagram.  The order is stable: per-class counters may be
 * arrays indexed by it (LK_PKT__MAX entries).
 */
enum lk_pkt {
	LK_PKT_DROP = 0,	/* RFC 7983 s.7: first octet in no range */
	LK_PKT_MALFORMED,	/* in a range, but too short or inconsistent */
	LK_PKT_STUN,		/* first octet 0..3 */
	LK_PKT_ZRTP,		/* 16..19 */
	LK_PKT_DTLS,		/* 20..63 */
	LK_PKT_TURN_CHANNEL,	/* 64..79 */
	LK_PKT_RTP,		/* 128..191, second octet not 192..223 */
	LK_PKT_RTCP,		/* 128..191, second octet 192..223 */
	LK_PKT__MAX
};

/* Shortest datagram of each class that lk_demux_classify() accepts. */
#define LK_DEMUX_STUN_MIN	20	/* RFC 5389 s.6: the header */
#define LK_DEMUX_ZRTP_MIN	12	/* RFC 6189 s.5: the packet header */
#define LK_DEMUX_DTLS_MIN	13	/* RFC 6347 s.4.1: the record header */
#define LK_DEMUX_TURN_MIN	4	/* RFC 5766 s.11.4: ChannelData */
#define LK_DEMUX_RTP_MIN	12	/* RFC 3550 s.5.1: the fixed header */
#define LK_DEMUX_RTCP_MIN	8	/* RFC 3550 s.6.4.2: an empty RR */

/*
 * Classify one datagram by its first octet (RFC 7983 s.7) and, in the
 * RTP/RTCP range, tell RTCP from RTP by the second octet (RFC 5761 s.4:
 * 192..223 is RTCP, since RTP payload types 64..95 are not used there).
 *
 * Beyond the first octet it checks only what a relay can check without
 * keys, so that SRTP and SRTCP pass as well as plain RTP and RTCP:
 *  - every class: at least its LK_DEMUX_*_MIN octets;
 *  - RTP: the fixed header, the CSRC list and the header extension end
 *    inside the datagram (RFC 3550 s.5.1, s.5.3.1; appendix A.1).  The
 *    padding count is not checked: with SRTP the last octet is the
 *    authentication tag, not the count.  lk_demux_rtp_parse() with
 *    LK_RTP_PLAIN checks it for plain RTP;
 *  - RTCP: the first packet holds its header and SSRC (length field at
 *    least 1) and stays inside the datagram (RFC 3550 s.6.4.1, s.6.1).
 *    The rest of an SRTCP compound is encrypted, so nothing after the
 *    first header is checked.
 * A datagram that fails these is LK_PKT_MALFORMED: drop it and count it.
 *
 * Do not classify a datagram from a multiplexed port directly: its first
 * four octets are the H.460.19 multiplexID, whose first octet is often 0
 * and would read as STUN.  Strip the multiplex header first.
 */
enum lk_pkt lk_demux_classify(const uint8_t *p, size_t len);

/* A short fixed name for a class ("rtp", "stun", ...), for statistics. */
const char *lk_demux_pkt_name(enum lk_pkt pkt);

/* lk_demux_rtp_parse() flags. */
enum {
	/*
	 * The packet is plain RTP, not SRTP: check the padding count too
	 * (RFC 3550 s.5.1, A.1: at least 1, at most the octets after the
	 * header) and leave it out of payload_len.
	 */
	LK_RTP_PLAIN = 1 << 0,
};

/* The RTP fixed header and where the payload lies (RFC 3550 s.5.1). */
struct lk_rtp_hdr {
	uint8_t pt;		/* payload type, 0..127 */
	bool marker;
	bool padding;		/* the P bit */
	bool ext;		/* the X bit */
	uint8_t cc;		/* CSRC count, 0..15 */
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint16_t ext_profile;	/* "defined by profile" word, if ext */
	size_t ext_len;		/* octets of extension data after its header */
	size_t hdr_len;		/* fixed header + CSRCs + extension */
	size_t pad_len;		/* the padding count if LK_RTP_PLAIN; else 0 */
	size_t payload_len;	/* len - hdr_len - pad_len */
};

/*
 * Parse the RTP header at `p`.  Returns 0 and fills `*hdr`; EINVAL for a
 * NULL argument or unknown flag; EPROTO if the first two octets are not
 * RTP as lk_demux_classify() sees it (version 2, and not an RTCP packet
 * type); EBADMSG if the header runs past `len`, or with LK_RTP_PLAIN if
 * the padding count is 0 or more than the octets after the header.
 * Without LK_RTP_PLAIN payload_len includes any padding, and with SRTP
 * also the authentication tag and MKI.
 */
int lk_demux_rtp_parse(struct lk_rtp_hdr *hdr, const uint8_t *p, size_t len,
		       unsigned flags);

/*
 * An RTP keep-alive: a packet with no payload at all, i.e. nothing after
 * the header, not even padding (H.460.19 keep-alive on the keepAliveChannel;
 * RFC 6263 s.4.6 with an empty payload).  H.460.19 negotiates the payload
 * type in TraversalParameters.keepAlivePayloadType (0..127): pass it as
 * `ka_pt` to accept only that type, or -1 to accept any payload type.
 * Call it on a header parsed with LK_RTP_PLAIN: an SRTP packet always has
 * octets after the header (its authentication tag), so it never counts.
 * A keep-alive latches (relay/latch.h) but is not forwarded.
 */
bool lk_demux_rtp_is_keepalive(const struct lk_rtp_hdr *hdr, int ka_pt);

/* The header of the first packet of an RTCP compound (RFC 3550 s.6.4). */
struct lk_rtcp_hdr {
	uint8_t pt;		/* packet type, 192..223 (RFC 5761 s.4) */
	uint8_t count;		/* RC/SC/subtype, 0..31 */
	bool padding;
	uint16_t length;	/* the length field: 32-bit words minus one */
	size_t pkt_len;		/* (length + 1) * 4: 8..len */
	uint32_t ssrc;		/* sender SSRC (packet sender for FB) */
};

/*
 * Parse the first RTCP header at `p`.  Returns 0 and fills `*hdr`; EINVAL
 * for a NULL argument; EPROTO if it is not RTCP as lk_demux_classify()
 * sees it; EBADMSG if shorter than LK_DEMUX_RTCP_MIN, if the length field
 * is 0 (no SSRC) or if it says the packet runs past `len`.  `len` may be
 * longer than pkt_len: the rest is the next packets of a compound, or
 * SRTCP's index and tag.
 */
int lk_demux_rtcp_parse(struct lk_rtcp_hdr *hdr, const uint8_t *p, size_t len);

/*
 * H.460.19 multiplexed media (seed: mux ports 36000/36001, 36000-36011 on
 * Large systems, 2776/2777 for systems upgraded from before X8): each RTP
 * or RTCP datagram on a multiplexed port starts with a 4-octet multiplexID
 * in network byte order, chosen by the receiver of the media and sent to
 * the sender in TraversalParameters.multiplexID, which the ASN.1 types as
 * INTEGER (0..4294967295).  Whether the Recommendation's prose reserves
 * any value (0 in particular) could not be confirmed from the material at
 * hand; GnuGk uses 0 internally as "no multiplexID".  So these functions
 * accept every value, 0 included, and whoever hands out multiplexIDs should
 * not hand out LK_MUX_ID_NONE.
 */
#define LK_MUX_HDR_LEN	4
#define LK_MUX_ID_NONE	0u

/*
 * Split a datagram from a multiplexed port into its multiplexID and the
 * packet after it.  Returns 0 and writes all three outputs; EINVAL for a
 * NULL argument; EBADMSG if there is nothing after the multiplexID.  The
 * inner packet is not checked: classify it next.
 */
int lk_demux_mux_parse(uint32_t *idp, const uint8_t **innerp,
		       size_t *inner_lenp, const uint8_t *p, size_t len);

/*
 * The same for a buffer the caller owns: move `*pp` past the multiplexID
 * and shorten `*lenp`, in place.  The four octets stay in the buffer in
 * front of the new `*pp`, so they become headroom for
 * lk_demux_mux_prepend(): a multiplexed-to-multiplexed forward rewrites the
 * ID without moving the payload.  Errors as lk_demux_mux_parse(); on error
 * nothing is written.
 */
int lk_demux_mux_strip(uint32_t *idp, uint8_t **pp, size_t *lenp);

/*
 * Put a multiplexID in front of the packet at `*pp`, zero-copy: the
 * receive buffer keeps `headroom` writable octets in front of the packet
 * (the receive path reserves LK_MUX_HDR_LEN of them), so this stores four
 * octets at `*pp - 4` and moves `*pp` back and `*lenp` up by four.
 * Returns 0; EINVAL for a NULL argument or an empty packet; ENOBUFS if
 * `headroom` < LK_MUX_HDR_LEN.
 */
int lk_demux_mux_prepend(uint8_t **pp, size_t *lenp, size_t headroom,
			 uint32_t id);

#endif
