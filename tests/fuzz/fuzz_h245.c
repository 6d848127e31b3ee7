/* tests/fuzz/fuzz_h245.c  libFuzzer driver: H.245 message and fastStart OLC decode, re-encode, and media address rewriting. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "h323/h225.h"
#include "h323/h245.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t mem[LK_H245_ARENA], out[1 << 16], out2[1 << 16];

/* Every address to 192.0.2.1:2000 (RFC 5737), counted. */
static int relay(struct lk_h245_addr *a, void *arg)
{
	unsigned *n = arg;

	(*n)++;
	a->addr.sin_addr.s_addr = htonl(0xc0000201);
	a->addr.sin_port = htons(2000);
	return 0;
}

/* Once rewritten, every address is the relay's: rewriting again is a no-op. */
static int is_relay(struct lk_h245_addr *a, void *arg)
{
	unsigned *n = arg;

	(*n)++;
	if (a->addr.sin_addr.s_addr != htonl(0xc0000201) ||
	    a->addr.sin_port != htons(2000))
		abort();
	return 0;
}

/* As fuzz_ras.c for both types, then the rewriter's own fixed point. */
static void one(const uint8_t *data, size_t size, bool olc)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *v;
	size_t errbit = 0, len, len2;
	unsigned n = 0, n2 = 0;
	const char *kind;
	int err;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	err = olc ? lk_h245_olc_decode(data, size, &ar, &v, &errbit)
		  : lk_h245_decode(data, size, &ar, &v, &errbit);
	/* The kind from the first bits agrees with the whole decode. */
	if (!olc && !err && (lk_h245_peek(data, size, &kind) ||
			     strcmp(kind, lk_h245_kind(v))))
		abort();
	if (err) {
		if (errbit > size * 8)
			abort();
		return;
	}
	(void)lk_h245_kind(v);
	if (lk_h245_encode(v, out, sizeof(out), &len))
		return;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (olc ? lk_h245_olc_decode(out, len, &ar, &v, &errbit)
		: lk_h245_decode(out, len, &ar, &v, &errbit))
		abort();
	if (lk_h245_encode(v, out2, sizeof(out2), &len2) || len2 != len ||
	    memcmp(out, out2, len))
		abort();

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h245_media_addrs(&ar, olc, data, size, relay, &n, out,
				sizeof(out), &len))
		return;
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h245_media_addrs(&ar, olc, out, len, is_relay, &n2, out2,
				sizeof(out2), &len2) || n2 != n ||
	    len2 != len || memcmp(out, out2, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *uu;
	size_t errbit = 0, len;
	unsigned n = 0, changed = 0;

	one(data, size, false);
	one(data, size, true);
	/* A UU-PDU: h245Address, fastStart and h245Control rewritten. */
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h225_uu_decode(data, size, &ar, &uu, &errbit))
		return 0;
	if (lk_h225_uu_media_addrs(&ar, uu, relay, &n, &changed) == 0 &&
	    changed > n)
		abort();
	if (changed)
		(void)lk_h225_uu_encode(uu, out, sizeof(out), &len);
	return 0;
}
