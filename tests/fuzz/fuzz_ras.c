/* tests/fuzz/fuzz_ras.c  libFuzzer driver: H.225.0 RAS decode, re-encode, decode again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h323/ras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
