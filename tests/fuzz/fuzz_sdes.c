/* tests/fuzz/fuzz_sdes.c  libFuzzer driver: a=crypto parsing, and SDES offer/answer over SDP. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdes.h"
#include "sdp.h"
#include "sdpdesc.h"
#include "srtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Offer from A with `transport` and zone modes, then the same description
 * as B's answer.
 */
static void negotiate(const struct lk_mdesc *d, const char *transport,
		      enum lk_sdes_want receiver, enum lk_sdes_want sender)
{
	struct lk_sdes_opts o = {transport, 0, receiver, sender};
	struct lk_sdes_side sides[2];
	struct lk_sdes_step st, ans;
	unsigned i;

	for (i = 0; i < d->nstreams; i++) {
		memset(sides, 0, sizeof(sides));
		if (lk_sdes_offer(sides, 0, &d->s[i], &o, &st, NULL))
			continue;
		if (!lk_sdes_answer(sides, 1, &d->s[i], &ans, NULL))
			lk_sdes_step_release(&ans);
		lk_sdes_step_release(&st);
		lk_sdes_side_wipe(&sides[0]);
		lk_sdes_side_wipe(&sides[1]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_sdes_crypto c, again;
	char line[LK_SDES_LINE_MAX];
	static struct lk_mdesc d;
	struct lk_sdp sdp;

	if (lk_srtp_init())
		abort();
	/* The input as the value of one a=crypto attribute. */
	if (!lk_sdes_parse(&c, NULL, (const char *)data, size)) {
		/* What parses formats, and parses back to the same. */
		if (lk_sdes_format(line, sizeof(line), c.tag, &c.key))
			abort();
		if (lk_sdes_parse(&again, NULL, line + 9, strlen(line + 9)) ||
		    again.tag != c.tag || again.key.suite != c.key.suite ||
		    again.key.len != c.key.len ||
		    memcmp(again.key.key, c.key.key, c.key.len))
			abort();
	}
	/* The input as a description: the relay's SDES both ways. */
	if (!lk_sdp_parse(&sdp, NULL, (const char *)data, size)) {
		lk_sdp_describe(&d, &sdp);
		negotiate(&d, "RTP/AVP", LK_SDES_ANY, LK_SDES_ANY);
		negotiate(&d, "RTP/SAVP", LK_SDES_ANY, LK_SDES_ANY);
		negotiate(&d, NULL, LK_SDES_ANY, LK_SDES_ANY);
		negotiate(&d, NULL, LK_SDES_ENCRYPTED, LK_SDES_CLEAR);
		negotiate(&d, NULL, LK_SDES_CLEAR, LK_SDES_ENCRYPTED);
	}

	return 0;
}
