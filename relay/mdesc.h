/* relay/mdesc.h  A protocol-neutral description of one side's media streams. */
#ifndef LK_MDESC_H
#define LK_MDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * What the media core (relay/media.h) needs to know of one side's media,
 * whatever protocol told it: per stream the address and ports the side
 * receives on, whether it multiplexes RTCP (RFC 5761), its codecs, its
 * direction, the H.460.19 multiplexID it wants its media tagged with, and
 * for SRTP (docs/srtp.md) the transport profile and its SDES keys.  SIP
 * and rtpengine's ng protocol describe media in SDP and convert at their
 * edge (relay/sdp.h, lk_sdp_describe()); H.323 builds a description from
 * the H.245 addresses of its logical channels (signalling/h323/).  The
 * answer comes back as struct lk_mdesc_relay per stream: the relay's
 * side, which the other side is to be told.
 *
 * Strings are counted and point into memory the caller keeps for the
 * length of the request (for SDP, the parsed buffer); nothing here is
 * allocated.  The stream index is the stream's identity: the n-th m=
 * section of SDP, the n-th H.225.0 media session of a call.
 */

#define LK_MDESC_MAX_STREAMS	16	/* = LK_SDP_MAX_MEDIA */
#define LK_MDESC_MAX_PT		128	/* RTP payload types 0-127 */
#define LK_MDESC_MAX_CRYPTO	16	/* SDES keys kept per stream */
#define LK_MDESC_RELAY_CRYPTO	8	/* the relay's keys per stream */
#define LK_MDESC_CRYPTO_LEN	120	/* one RFC 4568 value, with its NUL */

/* A counted string; not NUL-terminated. */
struct lk_mdesc_str {
	const char *p;
	size_t len;
};

/* The direction in effect for a stream (RFC 3264 s.5.1). */
enum lk_mdesc_dir {
	LK_MDESC_SENDRECV = 0,
	LK_MDESC_SENDONLY,
	LK_MDESC_RECVONLY,
	LK_MDESC_INACTIVE,
};

struct lk_mdesc_stream {
	struct lk_mdesc_str media;	/* "audio", "video", "application" */
	struct lk_mdesc_str proto;	/* "RTP/AVP", "RTP/SAVPF", ... */
	bool rtp;			/* the proto carries RTP and RTCP */
	/*
	 * Where the side receives: the RTP port (0: a rejected or disabled
	 * stream), the RTCP port (RFC 3605, else RTP + 1, RFC 3550 s.11),
	 * and both as addresses with these ports.  An address of family 0
	 * is not known (no address, or one that is not an IP literal); the
	 * stream may still be active, and media then latches where it
	 * comes from.
	 */
	uint16_t port, rtcp_port;
	struct sockaddr_storage addr, rtcp_addr;
	bool rtcp_mux;			/* RTCP on the RTP port (RFC 5761) */
	enum lk_mdesc_dir dir;
	/*
	 * The H.460.19 multiplexID this side wants in front of the media
	 * sent to it (docs/architecture.md, "Multiplexed media"); 0: none.
	 */
	uint32_t mux_id;
	/* Codecs: RTP payload types in order of preference; 0: unknown. */
	unsigned npt;
	uint8_t pt[LK_MDESC_MAX_PT];
	/* SDES (RFC 4568 s.9.1): the values of its crypto attributes. */
	unsigned ncrypto;
	struct lk_mdesc_str crypto[LK_MDESC_MAX_CRYPTO];
};

struct lk_mdesc {
	unsigned nstreams;
	struct lk_mdesc_stream s[LK_MDESC_MAX_STREAMS];
};

/*
 * The relay's side of one stream: where the other side is to send, and
 * how.  A stream that is not active has port 0.
 */
struct lk_mdesc_relay {
	uint16_t port, rtcp_port;	/* the relay's RTP and RTCP ports */
	bool rtcp_mux;			/* the other side may multiplex RTCP */
	bool mux;			/* ... or send to the multiplexed */
	uint32_t mux_id;		/* ports, tagged with this ID */
	char proto[24];			/* the profile to speak; "": as sent */
	/*
	 * SRTP terminated by the relay: the sender's keys are not passed
	 * on (own_crypto), the relay's are (crypto[], RFC 4568 values).
	 */
	bool own_crypto;
	unsigned ncrypto;
	char crypto[LK_MDESC_RELAY_CRYPTO][LK_MDESC_CRYPTO_LEN];
};

/*
 * Whether `d` is a description the media core can take: stream, codec
 * and key counts in range, a known direction, addresses of family AF_INET, AF_INET6 or none.  Returns 0, or EINVAL with *whyp
 * saying which rule the stream broke (and *streamp which stream).
 */
int lk_mdesc_check(const struct lk_mdesc *d, unsigned *streamp,
		   const char **whyp);

/* "sendrecv", "sendonly", "recvonly", "inactive". */
const char *lk_mdesc_dir_name(enum lk_mdesc_dir dir);

/*
 * Whether a side with this direction takes RTP sent to it: not when it
 * is sendonly or inactive (RFC 3264 s.5.1), and the relay drops it.
 */
static inline bool lk_mdesc_receives_rtp(enum lk_mdesc_dir dir)
{
	return dir != LK_MDESC_SENDONLY && dir != LK_MDESC_INACTIVE;
}

#endif
