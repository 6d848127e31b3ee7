/* signalling/h323/h46019.h  H.460.19 media traversal: feature 19 in RAS and call signalling, TraversalParameters in OpenLogicalChannel(Ack). */
#ifndef LK_H323_H46019_H
#define LK_H323_H46019_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "h323/asn.h"

/*
 * H.460.19 (docs/h323.md, "H.460.19 media traversal"; research notes
 * shared/research/h323-h460.md) lets media through a NAT that is not
 * H.323-aware: the endpoint behind it (the traversal client) sends RTP
 * keep-alives to the server's keepAliveChannel, which opens its NAT and
 * tells the server where to send; with multiplexing, media to a server
 * travels on its multiplexed ports, each packet prefixed with a 4-octet
 * multiplexID that the receiver of the media chose.
 *
 * Feature 19 (GenericIdentifier standard 19) says who does it: parameter
 * 1 supportTransmitMultiplexedMedia, parameter 2 mediaTraversalServer,
 * both without content, in RRQ/RCF featureSet and in the featureSet (the
 * Setup's supportedFeatures) of Setup, CallProceeding, Alerting and
 * Connect.  Per logical channel the parameters travel in the
 * genericInformation of OpenLogicalChannel and OpenLogicalChannelAck:
 * {messageIdentifier standard 0.0.8.460.19.0.1, messageContent
 * [{parameterIdentifier standard 1, octetString = PER(TraversalParameters)}]}.
 */

/*
 * The keepAliveInterval told clients when none is configured: GnuGk's
 * H46018KeepAliveInterval default (research notes), inside the 30 s that
 * UDP bindings of common NATs outlive.
 */
#define LK_H46019_KEEPALIVE	19

#define LK_H46019_PARAM_MUX	1	/* supportTransmitMultiplexedMedia */
#define LK_H46019_PARAM_SERVER	2	/* mediaTraversalServer */

/* TraversalParameters (MEDIA-TRAVERSAL), every member OPTIONAL. */
extern const struct lk_asn_type lk_h46019_tp;

/*
 * The members of TraversalParameters this relay reads and writes.  An
 * address that is present but not an IPv4 unicast one decodes as absent.
 */
struct lk_h46019_tp {
	bool has_mux_media, has_mux_control, has_mux_id;
	bool has_ka_channel, has_ka_pt, has_ka_interval;
	struct sockaddr_in mux_media;	/* multiplexedMediaChannel */
	struct sockaddr_in mux_control;	/* multiplexedMediaControlChannel */
	uint32_t mux_id;		/* multiplexID */
	struct sockaddr_in ka_channel;	/* keepAliveChannel */
	uint8_t ka_pt;			/* keepAlivePayloadType, 0..127 */
	uint32_t ka_interval;		/* keepAliveInterval, s, >= 1 */
};

/*
 * The aligned-PER octets of TraversalParameters.  Encode: EINVAL for a
 * bad value (payload type > 127, interval 0), ENOSPC.  Decode: 0, or
 * EBADMSG.
 */
int lk_h46019_tp_encode(const struct lk_h46019_tp *tp, uint8_t *buf,
			size_t cap, size_t *len);
int lk_h46019_tp_decode(const uint8_t *p, size_t len,
			struct lk_h46019_tp *tp);

/*
 * The TraversalParameters in the genericInformation of a decoded
 * OpenLogicalChannel or OpenLogicalChannelAck value: 0, ENOENT when it
 * has none, EBADMSG when they do not decode.
 */
int lk_h46019_chan_get(const struct lk_asn_val *olc, struct lk_h46019_tp *tp);

/*
 * Write `tp` as the message's only H.460.19 genericInformation (any
 * other generic information stays), or with tp NULL take every H.460.19
 * one out: 0 with *changed telling whether the value changed, ENOMEM.
 */
int lk_h46019_chan_set(struct lk_asn_arena *ar, struct lk_asn_val *olc,
		       const struct lk_h46019_tp *tp, bool *changed);

/*
 * Feature 19 in a decoded RAS body or H.225.0 message body: true when
 * one of its feature lists (featureSet.neededFeatures ...
 * supportedFeatures, or Setup's own lists) names it, with *muxp telling
 * whether it has supportTransmitMultiplexedMedia and *serverp
 * mediaTraversalServer (either may be NULL).
 */
bool lk_h46019_feature(const struct lk_asn_val *body, bool *muxp,
		       bool *serverp);

/*
 * Add feature 19 to the supported features of a RAS or H.225.0 message
 * body (featureSet.supportedFeatures, the Setup's supportedFeatures),
 * with parameter 1 when `mux` and parameter 2 when `server`.  Removes
 * any feature 19 that was there first.  0, EINVAL (no feature list in
 * that body), ENOMEM.
 */
int lk_h46019_feature_add(struct lk_asn_arena *ar, struct lk_asn_val *body,
			  bool mux, bool server);

/* Take every feature 19 out of the body's lists: 0, EINVAL. */
int lk_h46019_feature_del(struct lk_asn_arena *ar, struct lk_asn_val *body,
			  bool *changed);

#endif
