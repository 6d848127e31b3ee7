/* signalling/sip/sip.c  The SIP layer of a role: transport, transactions, OPTIONS, registrar. */
/*
 * Owns the SIP layer of a role (struct lk_sip, mem_zalloc, released with
 * mem_deref() by latchkeyd): the transport, the transaction table, the
 * registrar, the zones and the B2BUA it creates, the TLS contexts and the
 * registrar's expiry timer.  It only dispatches: each message goes to the
 * module that takes it, and nothing below it includes sip.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/ssl.h>
#include <re.h>

#include "sip/b2bua.h"
#include "listen.h"
#include "clock.h"
#include "log.h"
#include "sip/registrar.h"
#include "sip/sip.h"
#include "sip/msg.h"
#include "sip/tls.h"
#include "sip/transaction.h"
#include "sip/transport.h"
#include "sip/zone.h"

struct lk_sip {
	const struct lk_conf *conf;
	struct lk_siptransport *transport;
	struct lk_sipxact *trans;
	struct lk_registrar *registrar;
	struct lk_zones *zones;
	struct lk_b2bua *b2bua;
	SSL_CTX *tls_server, *tls_client;
	struct event *expiry;
	uint64_t options, methods_rejected, cancels, acks, stateless;
};


/* Methods of RFC 3261 and its extensions that latchkey does not take. */
static bool method_known(const struct pl *met)
{
	static const char *const known[] = {"UPDATE", "PRACK", "SUBSCRIBE",
		"NOTIFY", "REFER", "MESSAGE", "PUBLISH", "INFO", "BYE"};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!pl_strcmp(met, known[i]))
			return true;
	}

	return false;
}

static void sip_recv(const struct lk_sipflow *flow, struct sip_msg *msg,
		     void *arg)
{
	lk_sip_receive(arg, flow, msg);
}

void lk_sip_receive(struct lk_sip *sip, const struct lk_sipflow *flow,
		    struct sip_msg *msg)
{
	struct lk_sipreply reply;
	struct lk_sipxact_srv *st = NULL;
	char met[32], fl[80];
	int err;

	if (!msg->req) {
		if (lk_sipxact_response(sip->trans, msg, flow) == ENOENT)
			lk_debug("SIP from %s: %s matches no transaction; "
				 "dropped", lk_sipflow_name(fl, sizeof(fl),
				 flow), lk_sipmsg_method(met, sizeof(met),
				 msg));
		return;
	}
	err = lk_sipxact_receive(sip->trans, msg, flow, &st);
	if (err == EALREADY)
		return;
	if (!pl_strcmp(&msg->met, "ACK")) {
		++sip->acks;
		if (err == ENOENT)
			lk_b2bua_ack(sip->b2bua, flow, msg);
		return;
	}
	if (err) {
		++sip->stateless;
		st = NULL;
	}
	if (flow->zone && lk_zones_request(sip->zones, st, flow, msg))
		return;
	if (!pl_strcmp(&msg->met, "OPTIONS")) {
		/*
		 * RFC 3261 s.11.2: what we do, as a keep-alive or a probe,
		 * in or out of a dialog.  Supported is empty: no extension
		 * (path, outbound, 100rel) is implemented in full yet, so
		 * none is claimed.
		 */
		++sip->options;
		lk_sipxact_answer(sip->transport, st, flow, msg, 200, "OK",
		       "Allow: " LK_SIP_ALLOW "\r\n"
		       "Accept: application/sdp\r\n"
		       "Accept-Encoding: identity\r\n"
		       "Accept-Language: en\r\n"
		       "Supported: \r\n");
		return;
	}
	if (!pl_strcmp(&msg->met, "REGISTER")) {
		lk_registrar_register(sip->registrar, msg, flow, lk_clock_s(),
				      &reply);
		lk_sipxact_answer(sip->transport, st, flow, msg, reply.scode, reply.reason,
		       reply.hdrs[0] ? reply.hdrs : NULL);
		return;
	}
	if (!pl_strcmp(&msg->met, "CANCEL"))
		++sip->cancels;
	if (lk_b2bua_request(sip->b2bua, st, flow, msg))
		return;
	++sip->methods_rejected;
	lk_warn_limited("SIP from %s: %s is not handled",
			lk_sipflow_name(fl, sizeof(fl), flow),
			lk_sipmsg_method(met, sizeof(met), msg));
	if (method_known(&msg->met))
		lk_sipxact_answer(sip->transport, st, flow, msg, 405, "Method Not Allowed",
		       "Allow: " LK_SIP_ALLOW "\r\n");
	else
		lk_sipxact_answer(sip->transport, st, flow, msg, 501, "Not Implemented",
		       "Allow: " LK_SIP_ALLOW "\r\n");
}

static void expiry_tick(evutil_socket_t fd, short what, void *arg)
{
	struct lk_sip *sip = arg;

	lk_registrar_expire(sip->registrar, lk_clock_s());
}

void lk_sip_reconf(struct lk_sip *sip, const struct lk_conf *conf)
{
	if (sip)
		lk_registrar_reconf(sip->registrar, conf);
}

static void sip_destructor(void *arg);

/* The B2BUA's window on the zones (struct lk_b2bua_zones). */
static bool zone_is_zone(void *arg, const struct lk_sipflow *flow)
{
	return lk_zones_is_zone(arg, flow);
}

static const struct lk_sipflow *zone_flow(void *arg, unsigned zone)
{
	return lk_zones_flow(arg, zone);
}

int lk_sip_alloc(struct lk_sip **sipp, struct event_base *base,
		 const struct lk_conf *conf, struct lk_listen_set *listeners,
		 struct lk_media *media, char *errbuf, size_t errsz)
{
	struct lk_siptransport_conf tcfg;
	struct lk_b2bua_zones zones;
	struct timeval second = {1, 0};
	struct lk_sip *sip;
	int err;

	if (!sipp || !base || !conf || !listeners || !media)
		return EINVAL;
	sip = mem_zalloc(sizeof(*sip), sip_destructor);
	if (!sip)
		return ENOMEM;
	sip->conf = conf;
	lk_siptransport_conf_init(&tcfg, conf);
	tcfg.udp_fd = lk_listen_take_fd(listeners, LK_KEY_SIP_UDP_PORT);
	tcfg.tcp_fd = lk_listen_take_fd(listeners, LK_KEY_SIP_TCP_PORT);
	tcfg.tls_fd = lk_listen_take_fd(listeners, LK_KEY_SIP_TLS_PORT);
	if (tcfg.tls_fd >= 0) {
		err = lk_siptls_server_ctx(&sip->tls_server, conf, errbuf,
					   errsz);
		if (err)
			goto fail;
		err = lk_siptls_client_ctx(&sip->tls_client);
		if (err) {
			snprintf(errbuf, errsz, "TLS client context: %s",
				 strerror(err));
			goto fail;
		}
	}
	tcfg.tls_server = sip->tls_server;
	tcfg.tls_client = sip->tls_client;
	err = lk_siptransport_alloc(&sip->transport, base, &tcfg, sip_recv,
				    sip);
	tcfg.udp_fd = tcfg.tcp_fd = tcfg.tls_fd = -1;	/* owned now */
	if (err) {
		snprintf(errbuf, errsz, "SIP transport: %s", strerror(err));
		goto fail;
	}
	err = lk_sipxact_alloc(&sip->trans, base, sip->transport, 0);
	if (!err)
		err = lk_registrar_alloc(&sip->registrar, conf);
	if (err) {
		snprintf(errbuf, errsz, "SIP: %s", strerror(err));
		goto fail;
	}
	err = lk_zones_alloc(&sip->zones, base, conf, sip->transport,
			     sip->trans, listeners, errbuf, errsz);
	if (err)
		goto fail;
	zones.is_zone = zone_is_zone;
	zones.flow = zone_flow;
	zones.arg = sip->zones;
	err = lk_b2bua_alloc(&sip->b2bua, base, conf, sip->transport,
			     sip->trans, sip->registrar, &zones, media);
	if (err) {
		snprintf(errbuf, errsz, "SIP: B2BUA: %s", strerror(err));
		goto fail;
	}
	sip->expiry = event_new(base, -1, EV_PERSIST, expiry_tick, sip);
	if (!sip->expiry || event_add(sip->expiry, &second)) {
		err = ENOMEM;
		snprintf(errbuf, errsz, "SIP: cannot start the expiry timer");
		goto fail;
	}
	*sipp = sip;

	return 0;

 fail:
	if (tcfg.udp_fd >= 0)
		close(tcfg.udp_fd);
	if (tcfg.tcp_fd >= 0)
		close(tcfg.tcp_fd);
	if (tcfg.tls_fd >= 0)
		close(tcfg.tls_fd);
	mem_deref(sip);

	return err;
}

/* Log the counters and the bindings, then close everything. */
static void sip_destructor(void *arg)
{
	struct lk_sip *sip = arg;
	struct lk_siptransport_stats ts;
	struct lk_sipxact_stats xs;
	struct lk_registrar_stats rs;

	if (sip->transport) {
		lk_siptransport_stats(sip->transport, &ts);
		lk_sipxact_stats(sip->trans, &xs);
		lk_registrar_stats(sip->registrar, &rs);
		lk_info("SIP counters: received udp=%llu stream=%llu "
			"options=%llu keepalive ping=%llu pong=%llu; "
			"dropped undecodable=%llu unroutable=%llu; "
			"rejected=%llu framing=%llu not_sip=%llu oversize=%llu "
			"methods=%llu; connections in=%llu out=%llu "
			"refused=%llu idle=%llu failed=%llu; "
			"transactions=%llu retransmissions=%llu; "
			"registered=%llu fetches=%llu challenged=%llu "
			"auth_failed=%llu too_brief=%llu reg_rejected=%llu "
			"expired=%llu bindings=%u",
			(unsigned long long)ts.rx_udp,
			(unsigned long long)ts.rx_stream,
			(unsigned long long)sip->options,
			(unsigned long long)ts.ping,
			(unsigned long long)ts.pong,
			(unsigned long long)ts.drop_undecodable,
			(unsigned long long)ts.drop_unroutable,
			(unsigned long long)ts.rejected,
			(unsigned long long)ts.framing_errors,
			(unsigned long long)ts.not_sip,
			(unsigned long long)ts.oversize,
			(unsigned long long)sip->methods_rejected,
			(unsigned long long)ts.conn_in,
			(unsigned long long)ts.conn_out,
			(unsigned long long)ts.conn_refused,
			(unsigned long long)ts.conn_idle,
			(unsigned long long)ts.conn_failed,
			(unsigned long long)xs.created,
			(unsigned long long)xs.retransmissions,
			(unsigned long long)rs.registered,
			(unsigned long long)rs.fetches,
			(unsigned long long)rs.challenged,
			(unsigned long long)rs.auth_failed,
			(unsigned long long)rs.interval_too_brief,
			(unsigned long long)rs.rejected,
			(unsigned long long)rs.expired, rs.bindings);
		{
			struct lk_b2bua_stats bs;

			memset(&bs, 0, sizeof(bs));
			lk_b2bua_stats(sip->b2bua, &bs);
			lk_info("SIP calls: started=%llu answered=%llu "
				"failed=%llu not_found=%llu unavailable=%llu "
				"cancelled=%llu media_errors=%llu "
				"media_ended=%llu reinvites=%llu "
				"forwarded=%llu active=%u; client "
				"transactions=%llu timeouts=%llu",
				(unsigned long long)bs.calls,
				(unsigned long long)bs.answered,
				(unsigned long long)bs.failed,
				(unsigned long long)bs.not_found,
				(unsigned long long)bs.unavailable,
				(unsigned long long)bs.cancelled,
				(unsigned long long)bs.media_errors,
				(unsigned long long)bs.media_ended,
				(unsigned long long)bs.reinvites,
				(unsigned long long)bs.forwarded, bs.active,
				(unsigned long long)xs.client_created,
				(unsigned long long)xs.client_timeouts);
			lk_zones_log(sip->zones);
		}
		if (rs.bindings && lk_log_get_level() >= LK_LOG_INFO) {
			lk_info("registrar bindings at stop:");
			lk_registrar_print(sip->registrar, lk_clock_s(), stderr);
		}
	}
	if (sip->expiry)
		event_free(sip->expiry);
	mem_deref(sip->b2bua);
	mem_deref(sip->zones);
	mem_deref(sip->registrar);
	mem_deref(sip->trans);
	mem_deref(sip->transport);
	if (sip->tls_server)
		SSL_CTX_free(sip->tls_server);
	if (sip->tls_client)
		SSL_CTX_free(sip->tls_client);
}

/*
 * Read-only views for management (mgmt/), on the control thread: the
 * parts of the SIP layer whose state and counters it reports.
 */
const struct lk_registrar *lk_sip_registrar(const struct lk_sip *sip)
{
	return sip ? sip->registrar : NULL;
}

const struct lk_zones *lk_sip_zones(const struct lk_sip *sip)
{
	return sip ? sip->zones : NULL;
}

const struct lk_b2bua *lk_sip_b2bua(const struct lk_sip *sip)
{
	return sip ? sip->b2bua : NULL;
}

void lk_sip_stats(const struct lk_sip *sip, struct lk_sip_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!sip || !sip->transport)
		return;
	lk_siptransport_stats(sip->transport, &st->transport);
	lk_sipxact_stats(sip->trans, &st->transactions);
	st->options = sip->options;
	st->methods_rejected = sip->methods_rejected;
}
