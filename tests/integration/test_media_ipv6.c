/* tests/integration/test_media_ipv6.c  A session over IPv6: SDP in IN IP6, media on [::1]. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"

/* Every listener on ::1; ng stays on 127.0.0.1 (the test harness's). */
#define NG_PORT 22240
static const char config[] =
	"[System]\nRole = expressway\nAddress = ::1\n"
	"[Protocols > SIP]\nUDP port = 15260\nTCP port = 15260\n"
	"TLS port = 15261\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 11919\n"
	"Call signaling port range start = 20200\n"
	"Call signaling port range end = 20299\n"
	"[Protocols > H.323]\nCall signaling TCP port = 11920\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 12976\n"
	"H.323 H.460.18 call signaling port = 12977\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 47200\n"
	"Traversal Media port end = 47299\n"
	"[TURN]\nTURN services = no\n"
	"[Zones > Traversal Zone 1]\nSIP port = 17201\nH.323 port = 16201\n";

static struct lkd d;
static bool kfwd;	/* LK_TEST_KFWD=1: Kernel forwarding = on */

static int group_setup(void **state)
{
	const char *v = getenv("LK_TEST_KFWD");

	kfwd = v && !strcmp(v, "1");
	return lkd_start(&d, NG_PORT, config);
}

static int group_teardown(void **state)
{
	return lkd_stop(&d) == 0 ? 0 : -1;
}

static void ipv6_session_rewrites_and_forwards(void **state)
{
	char body[8192], sdp[2048], out[8192];
	uint8_t pkt[200], buf[2048];
	uint16_t pa, pb, ra, rb, from;
	int64_t kern;
	unsigned i;
	size_t len;
	int a, b;

	a = ep_open6(&pa);
	b = ep_open6(&pb);
	assert_true(a >= 0 && b >= 0);
	snprintf(sdp, sizeof(sdp), "v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\n"
		 "c=IN IP6 ::1\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n", pa);
	len = lkd_offer_body(body, sizeof(body), "offer", "v6-1", "tagA", NULL,
			     sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	lkd_str(&d, "sdp", out, sizeof(out));
	assert_non_null(strstr(out, "c=IN IP6 ::1\r\n"));
	rb = sdp_port(out, 0);
	snprintf(sdp, sizeof(sdp), "v=0\r\no=- 2 2 IN IP6 ::1\r\ns=-\r\n"
		 "c=IN IP6 ::1\r\nt=0 0\r\nm=audio %u RTP/AVP 0\r\n", pb);
	len = lkd_offer_body(body, sizeof(body), "answer", "v6-1", "tagA",
			     "tagB", sdp, NULL);
	assert_int_equal(0, lkd_ng(&d, body, len));
	assert_true(lkd_result_is(&d, "ok"));
	ra = sdp_port(lkd_str(&d, "sdp", out, sizeof(out)), 0);
	assert_true(ra >= 47202 && rb >= 47202);

	ep_send6(a, ra, pkt, rtp_make(pkt, 1, 0xa, 160));
	assert_int_equal(0, ep_drain(b, 200));		/* B not latched */
	ep_send6(b, rb, pkt, rtp_make(pkt, 1, 0xb, 160));
	assert_int_equal(172, ep_recv(a, buf, sizeof(buf), 1000, &from));
	assert_int_equal(ra, from);
	ep_send6(a, ra, pkt, rtp_make(pkt, 2, 0xa, 160));
	assert_int_equal(172, ep_recv(b, buf, sizeof(buf), 1000, &from));
	assert_int_equal(rb, from);

	/*
	 * Both latched: with Kernel forwarding = on the eBPF program's IPv6
	 * map takes the stream over, and every packet from here on is the
	 * kernel's (relay/bpf/kfwd.bpf.c, fwd6), intact and from the same
	 * relay ports.
	 */
	kern = lkd_stat(&d, "kernelforwardedpackets");
	for (i = 0; i < 20; i++) {
		len = rtp_make(pkt, (uint16_t)(10 + i), 0xa, 160);
		ep_send6(a, ra, pkt, len);
		assert_int_equal(172, ep_recv(b, buf, sizeof(buf), 1000,
					      &from));
		assert_int_equal(rb, from);
		assert_memory_equal(pkt, buf, len);
		len = rtp_make(pkt, (uint16_t)(10 + i), 0xb, 160);
		ep_send6(b, rb, pkt, len);
		assert_int_equal(172, ep_recv(a, buf, sizeof(buf), 1000,
					      &from));
		assert_int_equal(ra, from);
		assert_memory_equal(pkt, buf, len);
	}
	assert_int_equal(kern + (kfwd ? 40 : 0),
			 lkd_stat(&d, "kernelforwardedpackets"));
	close(a);
	close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_session_rewrites_and_forwards),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
