/* tests/fuzz/fuzz_h323zone.c  libFuzzer driver: what the H.323 traversal zone reads from the wire: an H.235 cryptoTokens member, an RRQ at the zone gatekeeper, a RAS message at the traversal client. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <re.h>

#include "h323/gk.h"
#include "h323/h235.h"
#include "h323/h460.h"
#include "h323/ras.h"
#include "h323/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 1800000000u

static int auth(const struct lk_asn_val *rrq, const struct sockaddr_in *from,
		void *arg)
{
	const struct lk_asn_val *t = lk_asn_get(rrq, "cryptoTokens");

	(void)from;
	(void)arg;
	if (!t || !t->type || t->type->kind != LK_ASN_OPEN)
		return ENOENT;
	return lk_h235_pwdhash_check(t->u.str.p, t->u.str.len, "ctl-zone",
				     "s3cret", T0, NULL);
}

static struct sockaddr_in ipv4(uint32_t a, uint16_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(a);
	return sin;
}

/*
 * The input as the contents of a cryptoTokens member (the Expressway's
 * check), as a RAS message to the zone gatekeeper with the token check
 * installed, and as a RAS message to a traversal client in each state
 * it can be in (registering, then registered, then refreshing), whose
 * queued answers must come out whole.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lk_h323_gk *gk;
	static struct lk_h323_zonec *zc;
	struct lk_h323_gk_params gp = { .ttl = 3600, .max_regs = 1,
		.gkid = "zone-gk", .no_discover = true, .overwrite = true,
		.h46018_ttl = LK_H46018_TTL, .auth = auth };
	struct lk_h323_zonec_params zp = { .zone = 1, .user = "ctl-zone",
		.password = "s3cret", .ttl = 30, .retry = 60 };
	struct sockaddr_in from = ipv4(0xc0000202, 1719), to;
	uint8_t reply[4096];
	size_t rlen;
	uint32_t last = 0;
	int i;

	(void)lk_h235_pwdhash_check(data, size, "ctl-zone", "s3cret", T0,
				    &last);

	if (!gk) {
		gp.ras = ipv4(0xc6336402, 6001);
		gp.callsig = ipv4(0xc6336402, 1720);
		if (lk_h323_gk_alloc(&gk, &gp))
			abort();
	}
	if (!lk_h323_gk_handle(gk, data, size, &from, 1000, reply,
			       sizeof(reply), &rlen) && !rlen)
		abort();
	while (!lk_h323_gk_pop(gk, reply, sizeof(reply), &rlen, &to))
		;

	zp.peer = ipv4(0xc6336402, 6001);
	zp.ras = from;
	zp.csa = ipv4(0xc0000202, 1720);
	for (i = 0; i < 3; i++) {
		if (!zc && lk_h323_zonec_alloc(&zc, &zp))
			abort();
		lk_h323_zonec_tick(zc, (uint64_t)i * 40000, T0 + i * 40);
		(void)lk_h323_zonec_input(zc, data, size, (uint64_t)i * 40000,
					  T0 + i * 40);
		while (!lk_h323_zonec_pop(zc, reply, sizeof(reply), &rlen))
			if (!rlen)
				abort();
	}
	zc = mem_deref(zc);
	return 0;
}
