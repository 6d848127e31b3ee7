/* relay/sdp.h  SDP parsing (RFC 4566) and the offer/answer rewrite. */
#ifndef LK_SDP_H
#define LK_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The relay reads the SDP bodies that the session-control protocol hands it
 * (rtpengine's "ng" offer/answer) and gives back the same body with the
 * media addresses and ports replaced by its own: c=, the port of each m=,
 * and a=rtcp: (RFC 3605).  Every other line is copied byte for byte and in
 * order, so that whatever the endpoints negotiate between themselves
 * (codecs, fmtp, crypto, BFCP floors, labels) passes through untouched.
 *
 * Parsing is read-only and zero-copy: every string in struct lk_sdp points
 * into the caller's buffer, which must outlive the parse result and must
 * not change while the result is used (lk_sdp_rewrite() reads it again).
 * Nothing is allocated; the number of media sections is capped.
 */

#define LK_SDP_MAX_MEDIA 16	/* m= sections a description may carry */
#define LK_SDP_MAX_PT	 128	/* RTP payload types 0-127 (RFC 3551 s.3) */
#define LK_SDP_MAX_CRYPTO 16	/* a=crypto lines kept per section */
#define LK_SDP_PLAN_LINES 8	/* lines a plan may add per section */

/* A piece of the parsed buffer; not NUL-terminated. */
struct lk_sdp_str {
	const char *p;
	size_t len;
};

enum lk_sdp_af {
	LK_SDP_AF_NONE = 0,	/* the line is absent */
	LK_SDP_AF_IP4,		/* "IN IP4" */
	LK_SDP_AF_IP6,		/* "IN IP6" */
};

/* Direction attributes, RFC 4566 s.6 and RFC 3264 s.5.1. */
enum lk_sdp_dir {
	LK_SDP_DIR_NONE = 0,	/* no direction attribute at this level */
	LK_SDP_DIR_SENDRECV,
	LK_SDP_DIR_SENDONLY,
	LK_SDP_DIR_RECVONLY,
	LK_SDP_DIR_INACTIVE,
};

/* The address of an o=, c= or a=rtcp: line (RFC 4566 s.5.2, s.5.7). */
struct lk_sdp_addr {
	enum lk_sdp_af af;	/* LK_SDP_AF_NONE: no such line */
	struct lk_sdp_str addr;	/* without a multicast "/ttl/n" suffix */
	bool zero;		/* 0.0.0.0 or ::, the RFC 2543 hold */
};

struct lk_sdp_media {
	unsigned line;			/* of the m= line, from 1 */
	struct lk_sdp_str type;		/* "audio", "video", "application" */
	uint16_t port;			/* 0: rejected or disabled stream */
	uint16_t nports;		/* "m=audio 49170/2": 2; else 1 */
	struct lk_sdp_str proto;	/* "RTP/AVP", "UDP/TLS/RTP/SAVPF" */
	bool rtp;			/* proto carries RTP (and RTCP) */
	struct lk_sdp_str fmts;		/* the format list as written */
	unsigned npt;			/* for RTP protos: payload types */
	uint8_t pt[LK_SDP_MAX_PT];	/* ... in the m= line's order */
	struct lk_sdp_addr conn;	/* first media-level c= */
	uint16_t rtcp_port;		/* a=rtcp: (RFC 3605); 0: absent */
	struct lk_sdp_addr rtcp_addr;	/* its optional address */
	bool rtcp_mux;			/* a=rtcp-mux (RFC 5761 s.5.1.1) */
	enum lk_sdp_dir dir;		/* media-level direction */
	int dtmf_pt;			/* telephone-event (RFC 4733); -1 */
	uint32_t dtmf_rate;		/* its clock rate */
	int cn_pt;			/* comfort noise (RFC 3389); -1 */
	bool ice;			/* ICE attributes in this section */
	/* a=crypto values (RFC 4568), after "crypto:"; past 16: ignored */
	unsigned ncrypto;
	struct lk_sdp_str crypto[LK_SDP_MAX_CRYPTO];
};

struct lk_sdp {
	const char *buf;		/* the parsed buffer */
	size_t len;
	unsigned nlines;
	struct lk_sdp_addr origin;	/* o= (RFC 4566 s.5.2) */
	struct lk_sdp_addr conn;	/* session-level c= */
	enum lk_sdp_dir dir;		/* session-level direction */
	bool ice;			/* ICE attributes anywhere */
	unsigned nmedia;
	struct lk_sdp_media media[LK_SDP_MAX_MEDIA];
};

/* Why a description was refused: a line number (from 1) and a fixed reason. */
struct lk_sdp_error {
	unsigned line;
	const char *reason;
};

/*
 * Parse the description in buf[0..len).  Return 0 and fill *sdp, or
 * EBADMSG and, when errp is not NULL, fill *errp with the line and the
 * reason (the one out-parameter written on failure; *sdp is left alone).
 * Lines may end in CRLF or a bare LF; the last line may lack its end.
 */
int lk_sdp_parse(struct lk_sdp *sdp, struct lk_sdp_error *errp,
		 const char *buf, size_t len);

/* The direction in effect for media section i (RFC 3264 s.5.1). */
enum lk_sdp_dir lk_sdp_media_dir(const struct lk_sdp *sdp, unsigned i);

/* "sendrecv", ...; "" for LK_SDP_DIR_NONE. */
const char *lk_sdp_dir_name(enum lk_sdp_dir dir);

/* What to do with a=rtcp-mux; the values of rtpengine's "rtcp-mux" key. */
enum lk_sdp_mux {
	LK_SDP_MUX_ACCEPT = 0,	/* keep it where it is, add none */
	LK_SDP_MUX_OFFER,	/* add it to every RTP section lacking it */
	LK_SDP_MUX_DEMUX,	/* remove it */
};

/*
 * ICE attributes (a=candidate, a=ice-ufrag, a=ice-pwd, a=ice-options,
 * a=ice-lite, a=ice-mismatch, a=end-of-candidates, a=remote-candidates).
 * rtpengine's default ("ICE" key absent, or "default") strips the
 * endpoint's candidates whenever it rewrites the media path and lists
 * itself as the only candidate; latchkey has no ICE agent, so its default
 * strips them and adds none.  Left in place, they would let the far end
 * reach the endpoint around the relay, or fail ICE because the c=/m=
 * default candidate (RFC 8839 s.5.1) matches none of them.
 */
enum lk_sdp_ice {
	LK_SDP_ICE_REMOVE = 0,	/* default */
	LK_SDP_ICE_KEEP,	/* pass them through, as the endpoint wrote */
};

/* The relay's side of one media section, indexed like lk_sdp.media. */
struct lk_sdp_plan_media {
	uint16_t rtp_port;	/* non-zero for every active section */
	uint16_t rtcp_port;	/* 0: rtp_port + 1 (RFC 3550 s.11) */
	const char *addr;	/* NULL: the plan's address */
	enum lk_sdp_af af;	/* of addr, when addr is set */
	/* SRTP termination (relay/sdes.h, docs/srtp.md): */
	const char *proto;	/* m= proto to write; NULL: keep */
	bool strip_crypto;	/* drop every a=crypto line */
	unsigned nlines;	/* lines to add at the section's end */
	const char *lines[LK_SDP_PLAN_LINES];	/* NUL-terminated, no end */
};

struct lk_sdp_plan {
	const char *addr;	/* the relay's address, NUL-terminated */
	enum lk_sdp_af af;	/* LK_SDP_AF_IP4 or LK_SDP_AF_IP6 */
	struct lk_sdp_plan_media media[LK_SDP_MAX_MEDIA];
	bool replace_origin;	/* ng replace "origin": o= address */
	bool replace_session_conn; /* ng replace "session-connection" */
	bool replace_zero;	/* ng replace "zero-address" */
	enum lk_sdp_mux rtcp_mux;
	enum lk_sdp_ice ice;
};

/*
 * Write the description `sdp` (parsed by lk_sdp_parse(), its buffer still
 * intact) rewritten by `plan` into out[0..size); return 0 and set *lenp to
 * the length written (no NUL is added).  With out NULL nothing is written
 * and *lenp gets the length needed.  ENOSPC: `size` is too small, nothing
 * past out[size - 1] was touched and out's contents are unspecified.
 * EINVAL: a NULL argument, a relay address that does not parse in its
 * family, or an active section without an RTP port in the plan.
 *
 * What changes, and nothing else:
 *  - c= (session and media level) carries the relay's address and family,
 *    except a zero address (hold), which stays unless plan->replace_zero.
 *    A rejected section's own c= is rewritten too, so that no endpoint
 *    address is left behind.
 *    A session-level c= is rewritten when some active section relies on
 *    it, or when plan->replace_session_conn is set; a section relying on
 *    it whose relay address differs gets its own c= after m= (and i=).
 *  - the port of each m= with a non-zero port; port 0 stays 0.
 *  - a=rtcp: gets the RTCP port (and the relay address if it had one).
 *    An active RTP section without a=rtcp: whose RTCP port is not
 *    RTP + 1 gets "a=rtcp:<port>" at its end (RFC 3605 s.2.1); when it is
 *    RTP + 1 nothing is added: that is RFC 3550 s.11's default.
 *  - o= (with plan->replace_origin), a=rtcp-mux and ICE per the plan.
 *  - for SRTP termination, per section: the m= proto, the a=crypto
 *    lines (dropped) and the relay's own lines (added at the end).
 * Added lines end like the section's m= line (CRLF if it has no end).
 */
int lk_sdp_rewrite(char *out, size_t size, size_t *lenp,
		   const struct lk_sdp *sdp, const struct lk_sdp_plan *plan);

#endif
