/* tests/fuzz/fuzz_h225.c  libFuzzer driver: H.225.0 UU-PDU decode, re-encode, decode again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h323/h225.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* As fuzz_ras.c: an error offset inside the input; encode a fixed point. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[1 << 18], out[1 << 16], out2[1 << 16];
	struct lk_asn_arena ar;
	struct lk_asn_val *uu;
	size_t errbit = 0, len, len2;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h225_uu_decode(data, size, &ar, &uu, &errbit)) {
		if (errbit > size * 8)
			abort();
		return 0;
	}
	(void)lk_h225_uu_kind(uu);
	if (lk_h225_uu_encode(uu, out, sizeof(out), &len))
		return 0;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h225_uu_decode(out, len, &ar, &uu, &errbit))
		abort();
	if (lk_h225_uu_encode(uu, out2, sizeof(out2), &len2) || len2 != len ||
	    memcmp(out, out2, len))
		abort();
	return 0;
}
