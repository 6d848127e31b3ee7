/* signalling/h323/h460.h  H.460.18 firewall traversal: IncomingCallIndication, SCI/SCR, the Facility that answers it, SCI retransmission. */
#ifndef LK_H323_H460_H
#define LK_H323_H460_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "h323/asn.h"

/*
 * H.460.18 (09/2005) lets an endpoint behind a NAT or firewall that is not
 * H.323-aware be called: it registers (RRQ with featureSet standard 18)
 * and keeps its NAT binding open with keep-alive RRQs; for a call to it
 * the gatekeeper sends a ServiceControlIndication on the RAS path the
 * endpoint opened, carrying genericData {standard 18, parameter 1 =
 * IncomingCallIndication {callSignallingAddress, callID}} (H.460.18
 * 8.2, Annex A).  The endpoint answers with a ServiceControlResponse,
 * connects out to callSignallingAddress and sends a Q.931 Facility
 * (reason undefinedReason) with that callIdentifier; the gatekeeper then
 * sends the Setup it held on that connection (H.460.18 8.3).
 *
 * This file has the messages (built and read on the project's codec) and
 * the gatekeeper's table of SCIs waiting for their SCR.  The gatekeeper
 * (gk.c) and call signalling (callsig.c) call into it.
 */

#define LK_H460_18 18
#define LK_H460_19 19

/*
 * The timeToLive (keep-alive period, H.460.18 7.2) an H.460.18 endpoint
 * is given: what the VCS of shared/captures/h323-ndpi.pcap answers a
 * Tandberg endpoint's keep-alive with (frame 72), and the least "Time to
 * live" the Expressway accepts.  NAT bindings of UDP last 30 s to a few
 * minutes; the endpoint refreshes before the period ends.
 */
#define LK_H46018_TTL 60

/* IncomingCallIndication: SEQUENCE { TransportAddress, CallIdentifier, ... } */
extern const struct lk_asn_type lk_h46018_ici;

int lk_h46018_ici_encode(const struct sockaddr_in *csa,
			 const uint8_t callid[16], uint8_t *buf, size_t cap,
			 size_t *len);
int lk_h46018_ici_decode(const uint8_t *p, size_t len,
			 struct sockaddr_in *csa, uint8_t callid[16]);

/*
 * A RAS ServiceControlIndication with requestSeqNum seq telling of a call
 * `callid` to be picked up at `csa` (ours): serviceControl [{sessionId 0,
 * reason open}] as TANDBERG/Cisco gatekeepers send it, genericData
 * [{standard 18, [{standard 1, raw IncomingCallIndication}]}].  Encoded
 * into buf.
 */
int lk_h46018_sci_encode(uint16_t seq, const struct sockaddr_in *csa,
			 const uint8_t callid[16], uint8_t *buf, size_t cap,
			 size_t *len);

/*
 * The IncomingCallIndication of a decoded SCI's body (RAS
 * serviceControlIndication): 0, ENOENT when it has none, EBADMSG when
 * parameter 18/1 does not decode.
 */
int lk_h46018_sci_incoming(const struct lk_asn_val *sci,
			   struct sockaddr_in *csa, uint8_t callid[16]);

/*
 * The callIdentifier of a decoded H323-UserInformation if it is a
 * Facility (the H.460.18 endpoint's first message on the connection it
 * opened): 0, or ENOENT.
 */
int lk_h46018_facility_callid(const struct lk_asn_val *uu,
			      uint8_t callid[16]);

/*
 * H.460.18 8.4 / Annex A: the first message on an H.245 connection an
 * endpoint opened to the gatekeeper's H.460.18 port (seed U, 2777) is a
 * genericIndication {messageIdentifier standard 0.0.8.460.18.0.1,
 * subMessageIdentifier 1 "connectionCorrelation", messageContent
 * [{standard 1, octetString callIdentifier}, {standard 2, logical
 * answerCall}]}, which tells which call the connection belongs to.
 * Encoded (H.245 MultimediaSystemControlMessage) into buf; read from
 * pdu: 0 with the callIdentifier, ENOENT for any other H.245 message,
 * EBADMSG when it does not decode.
 */
int lk_h46018_correlation_encode(const uint8_t callid[16], bool answer,
				 uint8_t *buf, size_t cap, size_t *len);
int lk_h46018_correlation(const uint8_t *pdu, size_t len,
			  uint8_t callid[16]);

/*
 * SCIs sent and not yet answered, by callIdentifier.  H.460.18 8.2: an
 * endpoint ignores a second SCI for a call it knows, so one SCI is sent
 * per attempt and repeated (same requestSeqNum, H.225.0 7.6 "RAS
 * retransmission") only while no SCR came: LK_H46018_SCI_RETRY_MS apart,
 * at most LK_H46018_SCI_RETRIES times.
 */
#define LK_H46018_SCI_SLOTS 64
#define LK_H46018_SCI_RETRY_MS 3000
#define LK_H46018_SCI_RETRIES 2
#define LK_H46018_SCI_KEEP_MS 60000

struct lk_h46018_sci {
	bool used, answered;
	uint8_t callid[16];
	uint16_t seq;
	uint8_t tries;			/* sent so far */
	struct sockaddr_in to;		/* the endpoint's RAS source */
	struct sockaddr_in csa;		/* ours, in the indication */
	uint64_t next;			/* when to repeat it */
	uint64_t expires;		/* forgotten then, answered or not */
};

struct lk_h46018_scis {
	struct lk_h46018_sci s[LK_H46018_SCI_SLOTS];
	uint64_t sent, retransmits, answered, unanswered, unknown_scr;
};

/*
 * A new SCI for call `callid` to `to` (ours `csa`, the seq the caller
 * chose): the entry to encode and send, or NULL when every slot waits
 * (ENOSPC); a call already waiting gets its entry back unchanged and
 * EALREADY in *errp.
 */
struct lk_h46018_sci *lk_h46018_sci_add(struct lk_h46018_scis *t,
					const struct sockaddr_in *to,
					const struct sockaddr_in *csa,
					const uint8_t callid[16], uint16_t seq,
					uint64_t now, int *errp);
/* An SCR with requestSeqNum seq from `from`: true if it answered one. */
bool lk_h46018_sci_answer(struct lk_h46018_scis *t, uint16_t seq,
			  const struct sockaddr_in *from);
/* The call is picked up or gone: no more repeats. */
void lk_h46018_sci_cancel(struct lk_h46018_scis *t, const uint8_t callid[16]);
/*
 * The next entry due to be repeated at `now` (its tries and next moved
 * on), or NULL.  Entries that ran out of repeats are sent no more;
 * entries older than LK_H46018_SCI_KEEP_MS are forgotten.
 */
struct lk_h46018_sci *lk_h46018_sci_due(struct lk_h46018_scis *t,
					uint64_t now);

#endif
