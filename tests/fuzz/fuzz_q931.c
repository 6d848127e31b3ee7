/* tests/fuzz/fuzz_q931.c  libFuzzer driver: a call-signalling TCP stream, TPKT by TPKT, Q.931 decode and re-encode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h323/h225.h"
#include "h323/q931.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is what a peer sends on 1720.  Each whole TPKT is decoded as
 * Q.931; what decodes must encode to the very same octets (the codec
 * keeps every IE as it came; the TPKT's reserved octet, RFC 1006 s.6, is
 * written 0 whatever came), its readers must stay inside it, and its
 * user-user IE goes through the UU-PDU decoder.  An error offset must lie
 * inside the message.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[1 << 18], out[LK_TPKT_MAX];
	static const uint8_t uu[] = { LK_Q931_UU_PD, 0 };
	size_t off = 0;

	while (off < size) {
		struct lk_q931 m;
		struct lk_asn_arena ar;
		struct lk_asn_val *v;
		const uint8_t *p;
		size_t pdu, len, n, erroff = 0, errbit;
		uint8_t b;
		char s[64];

		if (lk_tpkt_frame(data + off, size - off, &pdu))
			break;
		len = pdu - LK_TPKT_HDR;
		if (lk_q931_decode(&m, data + off + LK_TPKT_HDR, len,
				   &erroff)) {
			if (erroff > len)
				abort();
			off += pdu;
			continue;
		}
		/* The TPKT's reserved octet is not kept: it is written 0. */
		if (lk_q931_encode(&m, true, out, sizeof(out), &n) ||
		    n != pdu || memcmp(out + 2, data + off + 2, n - 2))
			abort();
		(void)lk_q931_cause(&m, &b);
		(void)lk_q931_display(&m, s, sizeof(s));
		(void)lk_q931_number(&m, LK_Q931_IE_CALLED, &b, s, sizeof(s));
		(void)lk_q931_number(&m, LK_Q931_IE_CALLING, &b, s, sizeof(s));
		(void)lk_q931_bearer(&m, &b);
		if (!lk_q931_uu(&m, &p, &n)) {
			lk_asn_arena_init(&ar, mem, sizeof(mem));
			if (lk_h225_uu_decode(p, n, &ar, &v, &errbit) &&
			    errbit > n * 8)
				abort();
		}
		/* What the proxy does: a new user-user IE, a cause. */
		if (lk_q931_set(&m, LK_Q931_IE_USER_USER, uu, sizeof(uu)) ||
		    lk_q931_set_cause(&m, LK_Q931_CAUSE_NORMAL))
			;
		else if (lk_q931_encode(&m, true, out, sizeof(out), &n) ||
			 lk_q931_decode(&m, out + LK_TPKT_HDR,
					n - LK_TPKT_HDR, &erroff))
			abort();
		off += pdu;
	}
	return 0;
}
