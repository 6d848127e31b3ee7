/* mgmt/metrics.c  GET /metrics: the counters in Prometheus text exposition format 0.0.4. */
/*
 * Labels come from fixed word lists (reasons, transports, sides) or from
 * the configuration (listener ports, zone numbers): never from a call, a
 * user or an address, so the number of series is bounded by the code and
 * the configuration, not by traffic (coturn's issue 666 shows what
 * per-session labels do to a scraper).  docs/management.md lists every
 * metric.
 */
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>

#include "clock.h"
#include "h323/callsig.h"
#include "h323/gk.h"
#include "h323/zone.h"
#include "listen.h"
#include "media.h"
#include "mgmt.h"
#include "ng.h"
#include "sip/b2bua.h"
#include "sip/registrar.h"
#include "sip/sip.h"
#include "sip/zone.h"
#include "turn.h"

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

#define U64(x) ((unsigned long long)(x))

static void family(struct evbuffer *b, const char *name, const char *type,
		   const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			    name, type);
}

/* `labels` is "" or "{a=\"x\"}", built from fixed words only. */
static void sample(struct evbuffer *b, const char *name, const char *labels,
		   uint64_t v)
{
	evbuffer_add_printf(b, "%s%s %llu\n", name, labels, U64(v));
}

/* One family with one sample and no labels. */
static void one(struct evbuffer *b, const char *name, const char *type,
		const char *help, uint64_t v)
{
	family(b, name, type, help);
	sample(b, name, "", v);
}

struct lv {
	const char *value;
	uint64_t v;
};

/* One family whose samples differ by one label. */
static void by_label(struct evbuffer *b, const char *name, const char *type,
		     const char *help, const char *label, const struct lv *s,
		     size_t n)
{
	char l[96];
	size_t i;

	family(b, name, type, help);
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{%s=\"%s\"}", label, s[i].value);
		sample(b, name, l, s[i].v);
	}
}

#define BY_LABEL(b, name, type, help, label, ...) do {			\
	const struct lv s_[] = {__VA_ARGS__};				\
	by_label(b, name, type, help, label, s_, sizeof(s_) / sizeof(s_[0])); \
} while (0)

/* A histogram family (cumulative "le" buckets, +Inf, _sum, _count). */
static void histogram(struct evbuffer *b, const char *name, const char *help,
		      const struct lk_hist *h)
{
	size_t i;

	family(b, name, "histogram", help);
	for (i = 0; i < h->n; i++)
		evbuffer_add_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name,
				    h->bounds[i], U64(h->bucket[i]));
	evbuffer_add_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n"
			    "%s_count %llu\n", name, U64(h->count), name,
			    h->sum, name, U64(h->count));
}

static void process_metrics(struct lk_mgmt *m, struct evbuffer *b)
{
	const struct lk_mgmt_meta *meta = lk_mgmt_meta(m);
	const struct lk_conf *c = lk_mgmt_source(m)->conf;

	family(b, "latchkey_build_info", "gauge",
	       "Version and role of this latchkeyd; always 1.");
	evbuffer_add_printf(b, "latchkey_build_info{version=\"%s\","
			    "role=\"%s\"} 1\n", LK_VERSION,
			    lk_conf_role_name(c->role));
	one(b, "latchkey_start_time_seconds", "gauge",
	    "Unix time latchkeyd started.", meta->started);
	one(b, "latchkey_config_loaded_timestamp_seconds", "gauge",
	    "Unix time the running configuration was loaded.",
	    meta->loaded_at);
	one(b, "latchkey_config_loads_total", "counter",
	    "Configuration loads: 1 at start, then one per accepted reload.",
	    meta->loads);
	one(b, "latchkey_mgmt_requests_total", "counter",
	    "HTTP(S) requests to the management listener.", meta->requests);
	BY_LABEL(b, "latchkey_mgmt_refused_total", "counter",
		 "Management requests refused, by reason.", "reason",
		 {"unauthorized", meta->unauthorized},
		 {"not_found", meta->not_found},
		 {"method", meta->bad_method});
}

static void listener_metrics(const struct lk_mgmt_src *src,
			     struct evbuffer *b)
{
	struct lk_listen_drops d[LK_LISTEN_MAX];
	unsigned i, n = 0;
	char l[64];

	if (src->listeners)
		n = lk_listen_drops(src->listeners, d, LK_LISTEN_MAX);
	family(b, "latchkey_listener_dropped_total", "counter",
	       "Datagrams (udp) or connections (tcp) that arrived on a port "
	       "whose protocol latchkeyd does not serve yet, dropped.");
	for (i = 0; i < n; i++) {
		bool udp = d[i].item->proto == LK_LISTEN_UDP;

		snprintf(l, sizeof(l), "{transport=\"%s\",port=\"%u\"}",
			 udp ? "udp" : "tcp", d[i].item->port);
		sample(b, "latchkey_listener_dropped_total", l,
		       udp ? d[i].datagrams : d[i].connections);
	}
}

static void ng_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_ng_stats ns;

	if (!src->ng)
		return;
	lk_ng_stats(src->ng, &ns);
	one(b, "latchkey_ng_requests_total", "counter",
	    "ng (rtpengine protocol) requests received.", ns.requests);
	BY_LABEL(b, "latchkey_ng_problems_total", "counter",
		 "ng requests answered from the retransmission cache, "
		 "answered with an error, or undecodable.", "kind",
		 {"retransmit", ns.retransmits}, {"error", ns.errors},
		 {"malformed", ns.malformed});
}

static void sip_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	const struct lk_registrar *reg = lk_sip_registrar(src->sip);
	const struct lk_b2bua *b2b = lk_sip_b2bua(src->sip);
	struct lk_registrar_stats rs;
	struct lk_b2bua_stats bs;
	struct lk_sip_stats ss;
	const struct lk_siptransport_stats *t = &ss.transport;

	if (!src->sip)
		return;
	lk_sip_stats(src->sip, &ss);
	BY_LABEL(b, "latchkey_sip_messages_received_total", "counter",
		 "SIP messages handed up by the transport.", "transport",
		 {"udp", t->rx_udp}, {"stream", t->rx_stream});
	BY_LABEL(b, "latchkey_sip_answered_total", "counter",
		 "SIP requests answered by latchkey itself, by kind.", "kind",
		 {"options", ss.options},
		 {"method_rejected", ss.methods_rejected},
		 {"malformed", t->rejected}, {"keepalive_pong", t->pong});
	BY_LABEL(b, "latchkey_sip_dropped_total", "counter",
		 "SIP input dropped or streams closed, by reason.", "reason",
		 {"undecodable", t->drop_undecodable},
		 {"unroutable", t->drop_unroutable},
		 {"framing", t->framing_errors}, {"not_sip", t->not_sip},
		 {"oversize", t->oversize}, {"send_error", t->send_errors});
	BY_LABEL(b, "latchkey_sip_connections_total", "counter",
		 "SIP TCP/TLS connection events.", "event",
		 {"accepted", t->conn_in}, {"opened", t->conn_out},
		 {"refused", t->conn_refused}, {"idle_closed", t->conn_idle},
		 {"failed", t->conn_failed});
	BY_LABEL(b, "latchkey_sip_transactions_total", "counter",
		 "SIP transactions created.", "side",
		 {"server", ss.transactions.created},
		 {"client", ss.transactions.client_created});
	one(b, "latchkey_sip_retransmissions_total", "counter",
	    "SIP requests absorbed or answered again by a server "
	    "transaction.", ss.transactions.retransmissions);
	one(b, "latchkey_sip_client_timeouts_total", "counter",
	    "SIP client transactions that timed out (Timer B or F).",
	    ss.transactions.client_timeouts);
	if (reg) {
		lk_registrar_stats(reg, &rs);
		one(b, "latchkey_sip_registrations", "gauge",
		    "SIP registrar bindings now.", rs.bindings);
		BY_LABEL(b, "latchkey_sip_register_total", "counter",
			 "REGISTER requests by outcome.", "result",
			 {"registered", rs.registered},
			 {"fetch", rs.fetches},
			 {"challenged", rs.challenged},
			 {"auth_failed", rs.auth_failed},
			 {"interval_too_brief", rs.interval_too_brief},
			 {"rejected", rs.rejected});
		one(b, "latchkey_sip_registrations_expired_total", "counter",
		    "SIP bindings removed because they expired.", rs.expired);
	}
	if (b2b) {
		memset(&bs, 0, sizeof(bs));
		lk_b2bua_stats(b2b, &bs);
		one(b, "latchkey_sip_calls", "gauge",
		    "SIP calls through the B2BUA now.", bs.active);
		BY_LABEL(b, "latchkey_sip_call_events_total", "counter",
			 "SIP B2BUA call events.", "event",
			 {"started", bs.calls}, {"answered", bs.answered},
			 {"failed", bs.failed}, {"not_found", bs.not_found},
			 {"unavailable", bs.unavailable},
			 {"cancelled", bs.cancelled},
			 {"media_error", bs.media_errors},
			 {"media_ended", bs.media_ended},
			 {"reinvite", bs.reinvites});
		histogram(b, "latchkey_sip_call_setup_seconds",
			  "Set-up time of answered SIP calls: from the INVITE "
			  "to the 2xx passed back, ringing included.",
			  &bs.setup);
	}
}

static void zone_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_zone_info zi[LK_ZONES_MAX];
	unsigned i, n;
	char l[32];

	n = lk_zones_info(lk_sip_zones(src->sip), zi, LK_ZONES_MAX);
	if (!n)
		return;
	family(b, "latchkey_zone_up", "gauge",
	       "1 when the traversal zone's connection is up.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", zi[i].number);
		sample(b, "latchkey_zone_up", l, zi[i].up);
	}
	family(b, "latchkey_zone_drops_total", "counter",
	       "Times the traversal zone's connection went down.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", zi[i].number);
		sample(b, "latchkey_zone_drops_total", l, zi[i].drops);
	}
	family(b, "latchkey_zone_keepalive_failures_total", "counter",
	       "Traversal zone keep-alives left unanswered.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", zi[i].number);
		sample(b, "latchkey_zone_keepalive_failures_total", l,
		       zi[i].keepalive_failures);
	}
}

/* The zones' H.323 sides (signalling/h323/zone.h). */
static void zone_h323_metrics(const struct lk_mgmt_src *src,
			      struct evbuffer *b)
{
	struct lk_h323_zone_info hz[LK_ZONES_MAX];
	unsigned i, n;
	char l[32];

	n = lk_h323_zones_info(src->h323_zones, hz, LK_ZONES_MAX);
	if (!n)
		return;
	family(b, "latchkey_zone_h323_registered", "gauge",
	       "1 while the traversal zone's H.323 side is registered.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", hz[i].number);
		sample(b, "latchkey_zone_h323_registered", l,
		       hz[i].registered);
	}
	family(b, "latchkey_zone_h323_denied_total", "counter",
	       "RRQs on the zone's H.323 port whose password token failed.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", hz[i].number);
		sample(b, "latchkey_zone_h323_denied_total", l, hz[i].denied);
	}
	family(b, "latchkey_zone_h323_failures_total", "counter",
	       "Rounds of RRQs to the zone's Expressway left unanswered.");
	for (i = 0; i < n; i++) {
		snprintf(l, sizeof(l), "{zone=\"%u\"}", hz[i].number);
		sample(b, "latchkey_zone_h323_failures_total", l,
		       hz[i].failures);
	}
}

static void h323_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_h323_gk_stats gs;

	if (!src->gk)
		return;
	lk_h323_gk_stats(src->gk, &gs);
	one(b, "latchkey_h323_registrations", "gauge",
	    "H.323 endpoints registered with the gatekeeper now.",
	    lk_h323_gk_count(src->gk, lk_clock_ms()));
	one(b, "latchkey_h323_ras_requests_total", "counter",
	    "H.225.0 RAS requests received.", gs.requests);
	BY_LABEL(b, "latchkey_h323_ras_events_total", "counter",
		 "H.225.0 RAS outcomes and drops.", "event",
		 {"registration", gs.registrations},
		 {"keepalive", gs.keepalives},
		 {"unregistration", gs.unregistrations},
		 {"reject", gs.rejects}, {"retransmit", gs.retransmits},
		 {"malformed", gs.malformed}, {"ignored", gs.ignored});
}

static void h323_call_metrics(const struct lk_mgmt_src *src,
			      struct evbuffer *b)
{
	struct lk_h323_callsig_stats cs;

	if (!src->callsig)
		return;
	lk_h323_callsig_stats(src->callsig, &cs);
	histogram(b, "latchkey_h323_call_setup_seconds",
		  "Set-up time of connected routed H.323 calls: from the "
		  "Setup taken to the Connect passed back, ringing included.",
		  &cs.setup);
}

static void media_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_media_totals t;

	lk_media_totals(src->media, &t);
	one(b, "latchkey_media_calls", "gauge",
	    "Calls in the media relay now (ng and SIP).", t.calls);
	one(b, "latchkey_media_streams", "gauge",
	    "Media streams (m= lines) in the relay now.", t.streams);
	one(b, "latchkey_media_forwarded_packets_total", "counter",
	    "Media packets forwarded.", t.packets);
	one(b, "latchkey_media_forwarded_bytes_total", "counter",
	    "Media bytes forwarded.", t.bytes);
	BY_LABEL(b, "latchkey_media_dropped_packets_total", "counter",
		 "Media packets dropped, by reason (docs/architecture.md, "
		 "Latching).", "reason",
		 {"malformed", t.errors},
		 {"foreign_source", t.dropped_foreign},
		 {"unexpected_source", t.dropped_unexpected},
		 {"peer_not_latched", t.dropped_held},
		 {"direction", t.dropped_direction},
		 {"no_leg", t.dropped_no_leg},
		 {"send_error", t.send_errors});
	one(b, "latchkey_media_stun_answered_total", "counter",
	    "STUN Binding requests answered on media ports.",
	    t.stun_answered);
	one(b, "latchkey_media_keepalives_total", "counter",
	    "Media keep-alive packets received.", t.keepalives);
	BY_LABEL(b, "latchkey_media_timeouts_total", "counter",
		 "Calls ended by a timeout.", "kind",
		 {"media", t.timeouts}, {"final", t.final_timeouts});
	one(b, "latchkey_media_offers_refused_total", "counter",
	    "Offers refused because the media range ran out of ports.",
	    t.ports_exhausted);
	one(b, "latchkey_media_bind_conflicts_total", "counter",
	    "Media ports skipped because another program held them.",
	    t.bind_conflicts);
	BY_LABEL(b, "latchkey_media_port_pairs", "gauge",
		 "RTP/RTCP port pairs of the media range.", "state",
		 {"free", t.ports_free}, {"cooling", t.ports_cooling});
}

static void turn_metrics(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_turn_stats ts;

	if (!src->turn)
		return;
	lk_turn_stats(src->turn, &ts);
	one(b, "latchkey_turn_allocations", "gauge",
	    "TURN allocations now.", ts.allocations);
	one(b, "latchkey_turn_allocations_made_total", "counter",
	    "TURN allocations made.", ts.allocations_made);
	one(b, "latchkey_turn_bindings_total", "counter",
	    "STUN Binding requests answered on the TURN ports.", ts.bindings);
	BY_LABEL(b, "latchkey_turn_refused_total", "counter",
		 "TURN requests refused or data dropped, by reason.",
		 "reason", {"challenge", ts.challenges},
		 {"auth_failure", ts.auth_failures},
		 {"stale_nonce", ts.stale_nonces},
		 {"denied_peer", ts.denied_peers}, {"quota", ts.quota},
		 {"exhausted", ts.exhausted}, {"malformed", ts.malformed},
		 {"no_permission", ts.no_permission});
	BY_LABEL(b, "latchkey_turn_relayed_datagrams_total", "counter",
		 "Datagrams relayed by TURN allocations.", "direction",
		 {"to_peer", ts.to_peer}, {"to_client", ts.to_client});
	/* Of those, what the kernel relayed (docs/turn.md). */
	BY_LABEL(b, "latchkey_turn_kernel_relayed_datagrams_total", "counter",
		 "Of the relayed datagrams, those relayed by the kernel.",
		 "direction", {"to_peer", ts.kernel_to_peer},
		 {"to_client", ts.kernel_to_client});
	one(b, "latchkey_turn_kernel_entries", "gauge",
	    "TURN channel entries in the kernel now (two per channel).",
	    ts.kernel_entries);
}

int lk_mgmt_metrics(struct lk_mgmt *m, struct evbuffer *out)
{
	const struct lk_mgmt_src *src = lk_mgmt_source(m);

	process_metrics(m, out);
	listener_metrics(src, out);
	ng_metrics(src, out);
	sip_metrics(src, out);
	zone_metrics(src, out);
	zone_h323_metrics(src, out);
	h323_metrics(src, out);
	h323_call_metrics(src, out);
	media_metrics(src, out);
	turn_metrics(src, out);

	return 0;
}
