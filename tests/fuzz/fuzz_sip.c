/* tests/fuzz/fuzz_sip.c  libFuzzer driver: SIP stream framing, decode, latchkey's checks, replies, registrar. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <re.h>

#include "conf.h"
#include "log.h"
#include "sip/registrar.h"
#include "sip/frame.h"
#include "sip/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two registrars for the whole run, one open and one with digest, with
 * tight limits, so that bindings pile up across inputs as in a daemon.
 */
static struct lk_registrar *reg, *reg_auth;
static uint64_t now = 1000;

static struct lk_registrar *registrar_make(const char *text)
{
	static struct lk_conf conf;
	struct lk_registrar *r = NULL;
	struct lk_conf_diag diag;

	if (lk_conf_parse(&conf, "fuzz", text, strlen(text), &diag))
		abort();
	if (lk_registrar_alloc(&r, &conf))
		abort();

	return r;
}

static void registrar_init(void)
{
	if (reg)
		return;
	lk_log_set_level(LK_LOG_ERROR);	/* the registrar logs each binding */
	reg = registrar_make("[Registrar]\nMinimum expiry = 10\n"
			     "Maximum expiry = 100\nDefault expiry = 50\n");
	reg_auth = registrar_make("[Registrar]\nAuthentication = on\n"
				  "Users = alice:secret, bob:pw\n"
				  "Domain = example.com, b\n");
}

/* What the transport and the SIP layer do with one whole message. */
static void one_message(const uint8_t *p, size_t n, bool datagram)
{
	struct lk_sipverdict v;
	struct lk_sipreply reply;
	struct lk_sipflow flow;
	struct sip_msg *msg = NULL;
	struct mbuf *mb = NULL;
	struct sa src;
	char met[32];

	if (lk_sipmsg_decode(&msg, p, n))
		return;
	sa_set_str(&src, "192.0.2.7", 5062);
	lk_sipmsg_check(&v, msg, datagram);
	lk_sipmsg_method(met, sizeof(met), msg);
	if (v.scode && v.reply) {
		if (!lk_sipmsg_reply(&mb, msg, &src, v.scode, v.reason, NULL))
			mem_deref(mb);
	}
	else if (!v.scode && msg->req && !pl_strcmp(&msg->met, "REGISTER")) {
		memset(&flow, 0, sizeof(flow));
		flow.tp = datagram ? LK_LISTEN_UDP : LK_LISTEN_TCP;
		flow.remote = src;
		lk_registrar_register(datagram ? reg : reg_auth, msg, &flow,
				      now, &reply);
		if (!lk_sipmsg_reply(&mb, msg, &src, reply.scode,
				     reply.reason, reply.hdrs[0] ?
				     reply.hdrs : NULL))
			mem_deref(mb);
		now += 7;
		lk_registrar_expire(reg, now);
		lk_registrar_expire(reg_auth, now);
	}
	else if (!v.scode && msg->req) {
		if (!lk_sipmsg_reply(&mb, msg, &src, 200, "OK",
				     "Allow: " LK_SIP_ALLOW "\r\n"))
			mem_deref(mb);
	}
	mem_deref(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lk_sipframe_limits lim = {2048, 4096};
	size_t off = 0;
	int guard = 0;

	registrar_init();

	/* As one UDP datagram. */
	one_message(data, size, true);

	/* As a TCP stream, with small limits so that they are reached. */
	while (off < size && guard++ < 1000) {
		struct lk_sipframe fr;

		lk_sipframe_next(&fr, data + off, size - off, &lim);
		if (fr.kind == LK_SIPFRAME_MORE)
			break;
		if (fr.len > size - off)
			abort();	/* the framer overran its input */
		if (fr.kind == LK_SIPFRAME_NOT_SIP) {
			if (fr.len || fr.hdr_len || !fr.reason)
				abort();	/* nothing of it is SIP */
			break;
		}
		if (fr.kind == LK_SIPFRAME_ERROR) {
			if (fr.hdr_len)
				one_message(data + off, fr.hdr_len, false);
			break;
		}
		if (fr.kind == LK_SIPFRAME_MESSAGE) {
			if (fr.hdr_len > fr.len)
				abort();
			one_message(data + off, fr.len, false);
		}
		if (!fr.len)
			abort();	/* no progress */
		off += fr.len;
	}

	return 0;
}
