/* tests/fuzz/fuzz_turnsend.c  libFuzzer: the worker's Send indication parser, against libre's STUN decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "turnfwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * lk_turnfwd_send_parse() relays on the worker what the control thread
 * would otherwise decode with libre (relay/turn.c, on_send()).  So
 * whatever it takes must be what libre decodes from the same octets: a
 * Send indication whose first XOR-PEER-ADDRESS and DATA are the parser's,
 * whose FINGERPRINT (if any) verifies.  Any difference aborts.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stun_attr *pa, *da, *fp;
	struct stun_msg *m = NULL;
	const uint8_t *d = NULL;
	struct sa peer;
	struct mbuf *mb;
	size_t dlen = 0;

	if (lk_turnfwd_send_parse(data, size, &peer, &d, &dlen))
		return 0;
	mb = mbuf_alloc(size + 1);
	if (!mb)
		return 0;
	(void)mbuf_write_mem(mb, data, size);
	mb->pos = 0;
	if (stun_msg_decode(&m, mb, NULL) || mb->end != size ||
	    stun_msg_class(m) != STUN_CLASS_INDICATION ||
	    stun_msg_method(m) != STUN_METHOD_SEND)
		abort();
	pa = stun_msg_attr(m, STUN_ATTR_XOR_PEER_ADDR);
	da = stun_msg_attr(m, STUN_ATTR_DATA);
	fp = stun_msg_attr(m, STUN_ATTR_FINGERPRINT);
	if (!pa || !da || !sa_cmp(&pa->v.xor_peer_addr, &peer, SA_ALL) ||
	    mbuf_get_left(&da->v.data) != dlen ||
	    memcmp(mbuf_buf(&da->v.data), d, dlen) ||
	    (fp && stun_msg_chk_fingerprint(m)))
		abort();
	mem_deref(m);
	mem_deref(mb);

	return 0;
}
