/* tests/fuzz/fuzz_h460.c  libFuzzer driver: H.460.18 IncomingCallIndication, an SCI's indication, a Facility's callIdentifier, the H.245 connectionCorrelation, H.460.19 TraversalParameters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/h46019.h"
#include "h323/h460.h"
#include "h323/ras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input as the raw octets of parameter 18/1 (what an endpoint reads
 * from an SCI), as a whole RAS message (a traversal client reads the
 * SCI's indication), and as a user-user IE (the Facility the call
 * signalling matches to a held call), and as the H.245 message an
 * endpoint's connection to 2777 starts with.  What decodes as an indication
 * must encode back to an indication with the same contents.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[1 << 18], out[256];
	struct sockaddr_in csa, csa2;
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	uint8_t id[16], id2[16];
	size_t errbit = 0, len;

	if (!lk_h46018_ici_decode(data, size, &csa, id)) {
		if (lk_h46018_ici_encode(&csa, id, out, sizeof(out), &len) ||
		    lk_h46018_ici_decode(out, len, &csa2, id2) ||
		    csa.sin_addr.s_addr != csa2.sin_addr.s_addr ||
		    csa.sin_port != csa2.sin_port || memcmp(id, id2, 16))
			abort();
	}
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (!lk_ras_decode(data, size, &ar, &msg, &errbit))
		(void)lk_h46018_sci_incoming(lk_ras_body(msg), &csa, id);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (!lk_h225_uu_decode(data, size, &ar, &msg, &errbit))
		(void)lk_h46018_facility_callid(msg, id);
	/* The first H.245 message on 2777 (h245port.c). */
	(void)lk_h46018_correlation(data, size, id);
	/*
	 * H.460.19: the input as TraversalParameters (what decodes encodes
	 * back to the same values), and as an H.245 message whose OLC or
	 * OLCAck genericInformation is read, replaced and stripped as
	 * callmedia.c does.
	 */
	{
		struct lk_h46019_tp tp, tp2;
		struct lk_asn_val *c;
		uint8_t o2[256];
		bool changed;

		if (!lk_h46019_tp_decode(data, size, &tp)) {
			if (lk_h46019_tp_encode(&tp, out, sizeof(out), &len) ||
			    lk_h46019_tp_decode(out, len, &tp2) ||
			    lk_h46019_tp_encode(&tp2, o2, sizeof(o2),
						&errbit) ||
			    errbit != len || memcmp(out, o2, len))
				abort();
		}
		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (!lk_h245_decode(data, size, &ar, &msg, &errbit)) {
			c = lk_asn_get(msg, "request.openLogicalChannel");
			if (!c)
				c = lk_asn_get(msg,
					"response.openLogicalChannelAck");
			if (c && c->type &&
			    !lk_h46019_chan_get(c, &tp) &&
			    !lk_h46019_chan_set(&ar, c, &tp, &changed))
				(void)lk_h46019_chan_set(&ar, c, NULL,
							 &changed);
			if (c && c->type)
				(void)lk_h245_encode(msg, o2, sizeof(o2),
						     &len);
		}
		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (!lk_h225_uu_decode(data, size, &ar, &msg, &errbit) &&
		    (c = lk_asn_get(msg, "h323-uu-pdu.h323-message-body")))
			(void)lk_h46019_feature(c->u.choice.v, &changed, NULL);
	}
	return 0;
}
