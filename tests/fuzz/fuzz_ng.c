/* tests/fuzz/fuzz_ng.c  libFuzzer driver: one ng control datagram, end to end but for media. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ng.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The whole request path of relay/ng.c (framing, bencode, flags, command
 * dispatch, the retransmission cache and the reply encoder) without a
 * media core: offer/answer/delete/query/list/statistics answer "No media
 * core" after their keys are parsed.  The daemon's own path is the same
 * function.  Every reply must start with the request's cookie.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lk_ng *ng;
	static char out[65536];
	static const char from[] = "fuzzer-peer";
	size_t len = 0;
	const uint8_t *sp;

	if (!ng && lk_ng_alloc(&ng, NULL, NULL, NULL, NULL, 0))
		abort();
	if (lk_ng_handle(ng, data, size, from, sizeof(from), out, sizeof(out),
			 &len))
		return 0;
	sp = memchr(data, ' ', size);
	if (!sp || len < (size_t)(sp - data) + 1 ||
	    memcmp(out, data, (size_t)(sp - data) + 1))
		abort();	/* a reply that does not carry the cookie */

	return 0;
}
