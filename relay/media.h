/* relay/media.h  The media core: calls, their streams and legs, the workers. */
#ifndef LK_MEDIA_H
#define LK_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "conf.h"
#include "mdesc.h"
#include "sdp.h"

struct event_base;
struct lk_media;

/*
 * Everything here runs on the control thread (docs/architecture.md,
 * "Threads and event loops"): a call, its streams and their legs are created, changed and
 * destroyed here; the media workers only forward packets for them.
 *
 * Names follow rtpengine's ng protocol, which drives this API: a call has
 * a call-id; its offer comes from the side named by from-tag ("A"), its
 * answer from the side named by to-tag ("B").  Each m= section of the SDP
 * is a stream; a stream has two legs, one facing each side.  A leg holds
 * the relay's RTP and RTCP sockets that its side sends to, and latches
 * where that side's media comes from (seed, "SIP call to endpoint behind
 * non SIP-aware firewall", N).
 */

/* ng flags (rtpengine's names); see docs/architecture.md for the rules. */
enum lk_media_flags {
	LK_MF_TRUST_ADDRESS	= 1 << 0,	/* "trust address" */
	LK_MF_SYMMETRIC		= 1 << 1,	/* "symmetric": the default */
	LK_MF_ASYMMETRIC	= 1 << 2,	/* "asymmetric" */
	LK_MF_STRICT_SOURCE	= 1 << 3,	/* "strict source": always on */
	LK_MF_MEDIA_HANDOVER	= 1 << 4,	/* "media handover" */
	LK_MF_REPLACE_ORIGIN	= 1 << 5,	/* replace: "origin" */
	LK_MF_REPLACE_SESS_CONN	= 1 << 6,	/* replace: "session-connection" */
	LK_MF_ICE_KEEP		= 1 << 7,	/* ICE: "force-relay"/"remove" no */
	/*
	 * latchkey's own (docs/architecture.md, "Multiplexed media"): the
	 * side this request's reply SDP goes to sends its media to the
	 * multiplexed media ports, each stream told apart by the multiplexID
	 * in "a=x-latchkey-muxid:".  In an offer "mux offer" means the
	 * answering side (B) sends multiplexed; "mux answer", given in the
	 * offer, that the offering side (A) will (its ports go in the
	 * answer).  Both must be known at the offer: a call whose streams
	 * use the mux ports lives on the worker that owns them.
	 */
	LK_MF_MUX_OFFER		= 1 << 8,
	LK_MF_MUX_ANSWER	= 1 << 9,
	/*
	 * "SIP source address": the SDP's IP is replaced by "received-from"
	 * (the SDP's ports are kept), which then counts as no NAT.
	 */
	LK_MF_SIP_SOURCE	= 1 << 10,
	/*
	 * latchkey's own: the sender of this offer or answer is behind a
	 * firewall that lets nothing in (an H.323 traversal zone's Control,
	 * docs/h323.md): never send to its described address before its
	 * own packets latch the leg, even where that address is its
	 * signalling source (the "no NAT between" rule).
	 */
	LK_MF_NAT_WAIT		= 1 << 11,
};

enum lk_media_op {
	LK_MEDIA_OFFER = 0,
	LK_MEDIA_ANSWER,
};

/* A counted string; not NUL-terminated. */
struct lk_media_str {
	const char *p;
	size_t len;
};

struct lk_media_req {
	enum lk_media_op op;
	struct lk_media_str call_id;
	struct lk_media_str from_tag;
	struct lk_media_str to_tag;	/* answer: required */
	const char *sdp;
	size_t sdp_len;
	unsigned flags;			/* enum lk_media_flags */
	enum lk_sdp_mux rtcp_mux;
	/* "received-from": where the signalling came from; family 0: none */
	struct sockaddr_storage received_from;
	/*
	 * SRTP (docs/srtp.md): "transport-protocol" for the side this
	 * request's reply SDP goes to, one of "RTP/AVP", "RTP/AVPF",
	 * "RTP/SAVP", "RTP/SAVPF" (NULL: what the sender speaks), and the
	 * SDES suites not to use, bit (1 << enum lk_srtp_suite).
	 */
	const char *transport;
	unsigned sdes_off;
	/*
	 * The media encryption modes of the zones the sender and the
	 * receiver are in (docs/srtp.md); auto: none.
	 */
	enum lk_media_encryption enc_sender, enc_receiver;
};

/* Why a request failed: rtpengine's own error strings where it has one. */
#define LK_MEDIA_ERR_NO_PORTS	"Ran out of ports"
#define LK_MEDIA_ERR_UNKNOWN	"Unknown call-id"
#define LK_MEDIA_ERR_NO_SDP	"No SDP body in message"
#define LK_MEDIA_ERR_BAD_SDP	"Failed to parse SDP"
#define LK_MEDIA_ERR_NO_CALLID	"No call-id in message"
#define LK_MEDIA_ERR_NO_FROMTAG	"No from-tag in message"
#define LK_MEDIA_ERR_NO_TOTAG	"No to-tag in message"
#define LK_MEDIA_ERR_SRTP	"SRTP negotiation failed"
#define LK_MEDIA_ERR_BAD_DESC	"Bad media description"	/* latchkey's */

struct lk_media_reply {
	char *sdp;			/* caller's buffer */
	size_t sdp_size;
	size_t sdp_len;			/* written on success */
	const char *error_reason;	/* set on failure */
	char detail[160];		/* more about the failure or a warning */
	char warning[160];		/* ng "warning", "" if none */
};

/*
 * Create the media core: the port allocator over the media range (less the
 * multiplexed ports), the worker threads, and on the Expressway the
 * multiplexed media sockets (seed footnotes ** and ***).  `base` is the
 * control thread's event base (timeouts, acknowledgements from workers).
 * Returns 0 or an errno with `errbuf` saying what failed.  The caller
 * holds the one reference: mem_deref() stops the workers and frees every
 * call, and nothing is sent after it.
 */
int lk_media_alloc(struct lk_media **mp, struct event_base *base,
		   const struct lk_conf *conf, char *errbuf, size_t errsz);

/*
 * How the media core gets the socket of one relay port: a UDP socket
 * bound to `addr`:`port` in *fdp, non-blocking, or an errno (EADDRINUSE:
 * the port is held by another program and skipped).  By default the
 * media core binds one.  Unit tests of the bookkeeping (calls, streams,
 * legs, ports, tags) give a handler that binds nothing: its descriptor
 * is handed to a worker like a socket's but never becomes readable, and
 * is closed like one.  Set before the first offer.
 */
typedef int (lk_media_bind_h)(int *fdp, const char *addr, uint16_t port,
			      void *arg);
void lk_media_set_bind(struct lk_media *m, lk_media_bind_h *bindh,
		       void *arg);

/*
 * The media workers (relay/worker.h), for TURN's data path
 * (relay/turnfwd.h): `*wp` gets the array, the count is returned.  They
 * live until the media core's mem_deref().
 */
struct lk_worker;
unsigned lk_media_workers(const struct lk_media *m,
			  struct lk_worker *const **wp);

/*
 * A reload (SIGHUP): take Media timeout and Final timeout from `conf`; the
 * next sweep uses them for every call, the running ones too.  Everything
 * else of the media core (ranges, workers, address) stays as started.
 * Control thread only, as the sweep.
 */
void lk_media_reconf(struct lk_media *m, const struct lk_conf *conf);

/*
 * An offer or an answer, described neutrally (relay/mdesc.h): create or
 * update the call, allocate and bind the ports of the side the answer goes
 * to (the receiver), and write the relay's side of each stream into
 * relay[0..desc->nstreams).  Of `req` it reads everything but the SDP
 * (sdp, sdp_len) and the flags that only rewrite SDP (replace, ICE).
 * Returns 0, or an errno with reply->error_reason set (reply's sdp fields
 * are not used).  A failure leaves the other calls, and this call's
 * earlier state, untouched.  H.323 calls it with what H.245 told.
 */
int lk_media_negotiate(struct lk_media *m, const struct lk_media_req *req,
		       const struct lk_mdesc *desc,
		       struct lk_mdesc_relay *relay,
		       struct lk_media_reply *reply);

/*
 * The same for SDP (ng, SIP): describe req->sdp (relay/sdpdesc.h),
 * negotiate, and write the SDP for the receiver into reply->sdp: the
 * relay's address and ports in place of the sender's, the rest as
 * lk_sdp_rewrite() says.  Returns 0, or an errno with reply->error_reason
 * set.
 */
int lk_media_offer_answer(struct lk_media *m, const struct lk_media_req *req,
			  struct lk_media_reply *reply);

/*
 * Delete a call, all of it (ng's from-tag/to-tag in a delete are not used:
 * latchkey keeps one pair of sides per call).  Its sockets
 * close as soon as the worker has let go of them, and their ports rest for
 * the cool-down before they are handed out again.
 */
int lk_media_delete(struct lk_media *m, const struct lk_media_str *call_id,
		    const char **reasonp);

/* One leg of one stream, as query reports it. */
struct lk_media_leg_info {
	unsigned stream;		/* m= index, from 0 */
	const char *side;		/* "A" (from-tag) or "B" (to-tag) */
	struct lk_media_str tag;
	char media[16];			/* "audio", "video" */
	uint16_t local_rtp, local_rtcp;	/* the relay's ports */
	bool mux_rx;			/* on the multiplexed ports */
	uint32_t mux_id;		/* its multiplexID */
	bool latched;
	struct sockaddr_storage peer;	/* latched RTP source */
	struct sockaddr_storage sdp;	/* its SDP's RTP address; family 0:
					 * none (no SDP from this side yet) */
	uint64_t packets, bytes;	/* received from this side */
	uint64_t packets_out, bytes_out;	/* sent to this side */
	uint64_t errors;		/* malformed, foreign source, held */
	uint64_t dropped_unexpected;	/* refused before latching */
	/* SRTP terminated on this leg (docs/srtp.md): its suite or NULL */
	const char *srtp_suite;
	uint64_t srtp_auth_failed;	/* from this side, failed to verify */
	uint64_t srtp_replayed;		/* ... replayed or too old */
	uint64_t last_packet;		/* unix seconds, 0: never */
	/*
	 * Why media to this side goes where it goes ("latched on RTP",
	 * "latched on STUN", "SDP address (no NAT)", "waiting for media",
	 * ...: docs/architecture.md, "Latching"), and since when (unix
	 * seconds, 0: since the offer or answer that set it).
	 */
	const char *sending;
	uint64_t sending_since;
};

struct lk_media_call_info {
	struct lk_media_str call_id;
	uint64_t created;		/* unix seconds */
	uint64_t last_signal;
	unsigned nlegs;
};

typedef void (lk_media_leg_h)(const struct lk_media_leg_info *leg, void *arg);
typedef void (lk_media_call_h)(const struct lk_media_call_info *call,
			       void *arg);

int lk_media_query(struct lk_media *m, const struct lk_media_str *call_id,
		   struct lk_media_call_info *infop, lk_media_leg_h *legh,
		   void *arg, const char **reasonp);

/* Every call, at most `limit` of them. */
void lk_media_list(struct lk_media *m, unsigned limit, lk_media_call_h *callh,
		   void *arg);

struct lk_media_totals {
	unsigned calls;
	unsigned streams;
	uint64_t packets;		/* forwarded */
	uint64_t bytes;
	uint64_t errors;		/* malformed packets */
	uint64_t dropped_foreign;	/* after latching, another source */
	uint64_t dropped_unexpected;	/* before latching, not signalled IP */
	uint64_t dropped_held;		/* peer not latched yet */
	uint64_t dropped_direction;	/* RTP to a sendonly/inactive side */
	uint64_t dropped_no_leg;	/* no stream for the port or mux ID */
	uint64_t stun_answered;
	uint64_t keepalives;
	uint64_t send_errors;
	uint64_t kernel_packets;	/* of `packets`: forwarded in the kernel */
	uint64_t kernel_bytes;
	uint64_t srtp_auth_failed;	/* SRTP/SRTCP that failed to verify */
	uint64_t srtp_replayed;		/* ... replayed or too old */
	uint64_t timeouts;		/* calls ended by media timeout */
	uint64_t final_timeouts;
	uint64_t ports_exhausted;	/* offers refused: Ran out of ports */
	uint64_t bind_conflicts;	/* ports skipped: held by others */
	unsigned ports_free;		/* RTP/RTCP pairs */
	unsigned ports_cooling;
};

void lk_media_totals(struct lk_media *m, struct lk_media_totals *t);

/*
 * Ends the calls whose media timeout or final timeout has passed at `now`
 * (lk_clock_ms()).  The media core's own timer calls it once a second;
 * tests call it with a chosen `now`.  Media stamps from the workers may be
 * newer than `now`: such a call is active, never "idle for 2^64 ms".
 */
void lk_media_sweep(struct lk_media *m, uint64_t now);

#endif
