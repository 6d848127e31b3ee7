/* tests/fuzz/fuzz_b2bua.c  libFuzzer driver: SIP messages into a whole SIP layer (registrar, zones, B2BUA, media core). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <re.h>

#include "conf.h"
#include "listen.h"
#include "log.h"
#include "media.h"
#include "sip/sip.h"
#include "sip/msg.h"
#include "sip/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * One Expressway for the whole run, on 127.0.0.1 with every port moved
 * out of the way of the other tests: an open registrar, zone 1 with
 * credentials, routes to the zone and to a host that never answers.  An
 * input is up to 8 messages separated by "\n%%\n" (REGISTER, then INVITE,
 * then responses ...), each handed to the SIP layer as if it had come
 * over UDP from 127.0.0.1:9, so state (bindings, calls, transactions)
 * carries across messages and inputs as in a daemon.  Replies go to the
 * discard port.
 */
static const char conf_text[] =
	"[System]\nRole = expressway\nAddress = 127.0.0.1\n"
	"Log level = error\n"
	"[Protocols > SIP]\nUDP port = 16960\nTCP port = 16960\n"
	"TLS port = 16961\nTCP outbound port start = 25900\n"
	"TCP outbound port end = 25949\n"
	"[Protocols > H.323 > Gatekeeper]\nRegistration UDP port = 11959\n"
	"Call signaling port range start = 21000\n"
	"Call signaling port range end = 21999\n"
	"[Protocols > H.323]\nCall signaling TCP port = 11960\n"
	"[Traversal > Ports]\nH.323 Assent call signaling port = 12976\n"
	"H.323 H.460.18 call signaling port = 12977\n"
	"[Local Zone > Traversal Subzone]\nTraversal Media port start = 48600\n"
	"Traversal Media port end = 48699\n"
	"[TURN]\nTURN requests port start = 13978\n"
	"TURN requests port end = 13978\n"
	"[Session control]\nListen = 127.0.0.1:22290\n"
	"[Media]\nWorker threads = 1\n"
	"[Zones > Traversal Zone 1]\nSIP port = 17960\nH.323 port = 16962\n"
	"Username = zone\nPassword = secret\n"
	"[Dial plan]\nRoute 1 = *@zone.example zone 1\n"
	"Route 2 = *@host.example host 127.0.0.1:9 udp\n";

static struct event_base *base;
static struct lk_conf conf;
static struct lk_listen_set *listeners;
static struct lk_media *media;
static struct lk_sip *sip;

static void setup(void)
{
	struct lk_conf_diag diag;
	char errbuf[256];

	if (sip)
		return;
	lk_log_set_level(getenv("LK_FUZZ_VERBOSE") ? LK_LOG_INFO : LK_LOG_ERROR);
	base = event_base_new();
	if (!base || lk_conf_parse(&conf, "fuzz", conf_text,
				   sizeof(conf_text) - 1, &diag)) {
		lk_conf_diag_print(&diag, stderr);
		abort();
	}
	if (lk_listen_open(&listeners, base, &conf, errbuf, sizeof(errbuf)) ||
	    lk_media_alloc(&media, base, &conf, errbuf, sizeof(errbuf)) ||
	    lk_sip_alloc(&sip, base, &conf, listeners, media, errbuf,
			 sizeof(errbuf))) {
		fprintf(stderr, "fuzz_b2bua: %s\n", errbuf);
		abort();
	}
}

static void one_message(const uint8_t *p, size_t n)
{
	struct lk_sipverdict v;
	struct lk_sipflow flow;
	struct sip_msg *msg = NULL;

	if (lk_sipmsg_decode(&msg, p, n))
		return;
	memset(&flow, 0, sizeof(flow));
	flow.tp = LK_LISTEN_UDP;
	sa_set_str(&flow.local, "127.0.0.1", conf.sip_udp_port);
	sa_set_str(&flow.remote, "127.0.0.1", 9);
	msg->src = flow.remote;
	msg->dst = flow.local;
	lk_sipmsg_check(&v, msg, true);
	if (!v.scode)			/* what the transport hands up */
		lk_sip_receive(sip, &flow, msg);
	mem_deref(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	const uint8_t *p = data, *end = data + size;
	unsigned count = 0;

	setup();
	while (p < end && count++ < 8) {
		const uint8_t *q = memmem(p, (size_t)(end - p), sep,
					  sizeof(sep) - 1);
		size_t n = q ? (size_t)(q - p) : (size_t)(end - p);

		one_message(p, n);
		p += n + (q ? sizeof(sep) - 1 : 0);
	}
	/* Whatever is due now (timers at 0, deferred callbacks). */
	event_base_loop(base, EVLOOP_NONBLOCK);

	return 0;
}
