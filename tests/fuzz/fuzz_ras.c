/* tests/fuzz/fuzz_ras.c  libFuzzer driver: H.225.0 RAS decode, re-encode, decode again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "h323/gk.h"
#include "h323/ras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The gatekeeper takes every input too, from one of two sources, so its
 * table, conflict and retransmission logic meet whatever decodes.
 */
static void feed_gatekeeper(const uint8_t *data, size_t size)
{
	static struct lk_h323_gk *gk;
	static uint64_t now;
	static uint8_t reply[8192];
	struct sockaddr_in from;
	size_t rlen;

	if (!gk) {
		struct lk_h323_gk_params p = { .ttl = 30, .gkid = "fuzz",
					       .max_regs = 8 };

		p.ras.sin_family = p.callsig.sin_family = AF_INET;
		if (lk_h323_gk_alloc(&gk, &p))
			abort();
	}
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_addr.s_addr = htonl(0x7f000001);
	from.sin_port = htons(size % 2 ? 2000 : 2001);
	now += 1000;
	(void)lk_h323_gk_handle(gk, data, size, &from, now, reply,
				sizeof(reply), &rlen);
}

/*
 * Whatever decodes must encode, and what the encoder writes must decode
 * to the same octets again (the encoder is canonical, so its output is a
 * fixed point even where the input was not minimal).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[1 << 18], out[1 << 16], out2[1 << 16];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg;
	size_t errbit = 0, len, len2;
	int err;

	feed_gatekeeper(data, size);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	err = lk_ras_decode(data, size, &ar, &msg, &errbit);
	if (err) {
		if (errbit > size * 8)
			abort();	/* the error offset is inside the input */
		return 0;
	}
	(void)lk_ras_kind(msg);
	err = lk_ras_encode(msg, out, sizeof(out), &len);
	if (err)
		return 0;	/* e.g. a value the decoder took leniently */
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_ras_decode(out, len, &ar, &msg, &errbit))
		abort();
	if (lk_ras_encode(msg, out2, sizeof(out2), &len2) || len2 != len ||
	    memcmp(out, out2, len))
		abort();
	return 0;
}
