/* mgmt/report.c  The JSON documents of management: status, calls, registrations, ports. */
/*
 * Each document is read from the modules' own state and counters at the
 * moment of the request, on the control thread (the media counters are the
 * workers' per-thread counters summed by lk_media_totals()).  Nothing here
 * prints a configuration value that is a secret: zone passwords, registrar
 * and TURN users, the TURN shared secret, TLS keys and the access token are
 * never read (tests/integration/mgmt_http.sh checks the output for them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <re.h>

#include "clock.h"
#include "h323/gk.h"
#include "h323/zone.h"
#include "json.h"
#include "listen.h"
#include "media.h"
#include "mgmt.h"
#include "ng.h"
#include "portmodel.h"
#include "service.h"
#include "sip/b2bua.h"
#include "sip/registrar.h"
#include "sip/sip.h"
#include "sip/zone.h"
#include "turn.h"

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

/* /status lists at most this many calls and bindings; the rest: /calls. */
#define STATUS_CALLS_MAX 100
#define STATUS_BINDINGS_MAX 100
/* /calls and /registrations: a bound on one answer's size. */
#define CALLS_MAX 10000

#define U64(x) ((unsigned long long)(x))

static void add_kv_u64(struct evbuffer *b, const char *sep, const char *k,
		       uint64_t v)
{
	evbuffer_add_printf(b, "%s\"%s\":%llu", sep, k, U64(v));
}

/* --- calls ----------------------------------------------------------------- */

struct call_ids {
	struct lk_media_str *id;
	unsigned n, max;
	bool truncated;
	bool nomem;
};

static void call_collect(const struct lk_media_call_info *ci, void *arg)
{
	struct call_ids *ids = arg;
	char *copy;

	if (ids->n == ids->max) {
		ids->truncated = true;
		return;
	}
	copy = malloc(ci->call_id.len ? ci->call_id.len : 1);
	if (!copy) {
		ids->nomem = true;
		return;
	}
	memcpy(copy, ci->call_id.p, ci->call_id.len);
	ids->id[ids->n].p = copy;
	ids->id[ids->n].len = ci->call_id.len;
	++ids->n;
}

static void call_ids_free(struct call_ids *ids)
{
	unsigned i;

	for (i = 0; i < ids->n; i++)
		free((void *)ids->id[i].p);
	free(ids->id);
}

struct leg_ctx {
	struct evbuffer *b;
	unsigned n;
};

static void leg_json(const struct lk_media_leg_info *l, void *arg)
{
	struct leg_ctx *lc = arg;
	struct evbuffer *b = lc->b;

	evbuffer_add_printf(b, "%s{\"stream\":%u,\"side\":", lc->n++ ? "," :
			    "", l->stream);
	lk_json_str(b, l->side);
	evbuffer_add(b, ",\"tag\":", 7);
	lk_json_strn(b, l->tag.p, l->tag.len);
	evbuffer_add(b, ",\"media\":", 9);
	lk_json_str(b, l->media);
	evbuffer_add_printf(b, ",\"local_rtp\":%u,\"local_rtcp\":%u,"
			    "\"multiplexed\":%s", l->local_rtp, l->local_rtcp,
			    l->mux_rx ? "true" : "false");
	if (l->mux_rx)
		evbuffer_add_printf(b, ",\"mux_id\":%u", l->mux_id);
	evbuffer_add_printf(b, ",\"latched\":%s,\"peer\":",
			    l->latched ? "true" : "false");
	lk_json_sa(b, &l->peer);
	evbuffer_add(b, ",\"sdp\":", 7);
	lk_json_sa(b, &l->sdp);
	evbuffer_add(b, ",\"sending\":", 11);
	lk_json_str(b, l->sending);
	add_kv_u64(b, ",", "sending_since", l->sending_since);
	add_kv_u64(b, ",", "packets_in", l->packets);
	add_kv_u64(b, ",", "bytes_in", l->bytes);
	add_kv_u64(b, ",", "packets_out", l->packets_out);
	add_kv_u64(b, ",", "bytes_out", l->bytes_out);
	add_kv_u64(b, ",", "errors", l->errors);
	add_kv_u64(b, ",", "dropped_unexpected", l->dropped_unexpected);
	add_kv_u64(b, ",", "last_packet", l->last_packet);
	evbuffer_add(b, "}", 1);
}

/* `sep`, then one call with its legs; ENOENT (nothing written) when it
 * ended meanwhile. */
static int call_json(struct lk_media *media, const struct lk_media_str *id,
		     const char *sep, struct evbuffer *b)
{
	struct lk_media_call_info ci;
	struct evbuffer *legs = evbuffer_new();
	struct leg_ctx lc = {legs, 0};
	const char *reason = NULL;
	uint64_t now = (uint64_t)time(NULL);
	int err;

	if (!legs)
		return ENOMEM;
	err = lk_media_query(media, id, &ci, leg_json, &lc, &reason);
	if (err) {
		evbuffer_free(legs);
		return ENOENT;
	}
	evbuffer_add_printf(b, "%s{\"call_id\":", sep);
	lk_json_strn(b, id->p, id->len);
	add_kv_u64(b, ",", "created", ci.created);
	add_kv_u64(b, ",", "duration_s", now > ci.created ?
		   now - ci.created : 0);
	add_kv_u64(b, ",", "last_signal", ci.last_signal);
	evbuffer_add_printf(b, ",\"legs\":[");
	evbuffer_add_buffer(b, legs);
	evbuffer_add(b, "]}", 2);
	evbuffer_free(legs);

	return 0;
}

/* Up to `max` calls as a JSON array, then ,"truncated":bool via *trunc. */
static int calls_array(struct lk_media *media, unsigned max,
		       struct evbuffer *b, bool *trunc)
{
	struct call_ids ids = {0};
	unsigned i, n = 0;
	int err = 0;

	ids.max = max;
	ids.id = calloc(max ? max : 1, sizeof(*ids.id));
	if (!ids.id)
		return ENOMEM;
	/* One more than asked, to know whether the list was cut. */
	lk_media_list(media, max + 1, call_collect, &ids);
	if (ids.nomem) {
		err = ENOMEM;
		goto out;
	}
	evbuffer_add(b, "[", 1);
	for (i = 0; i < ids.n; i++) {
		/* A call that ended between list and query is left out. */
		if (call_json(media, &ids.id[i], n ? "," : "", b) == 0)
			++n;
	}
	evbuffer_add(b, "]", 1);
	*trunc = ids.truncated;

 out:
	call_ids_free(&ids);
	return err;
}

int lk_mgmt_calls_json(struct lk_mgmt *m, struct evbuffer *out)
{
	const struct lk_mgmt_src *src = lk_mgmt_source(m);
	struct lk_media_totals t;
	bool trunc = false;
	int err;

	lk_media_totals(src->media, &t);
	evbuffer_add_printf(out, "{\"active\":%u,\"calls\":", t.calls);
	err = calls_array(src->media, CALLS_MAX, out, &trunc);
	if (err)
		return err;
	evbuffer_add_printf(out, ",\"truncated\":%s}\n",
			    trunc ? "true" : "false");

	return 0;
}

int lk_mgmt_call_json(struct lk_mgmt *m, const char *call_id,
		      struct evbuffer *out)
{
	const struct lk_mgmt_src *src = lk_mgmt_source(m);
	struct lk_media_str id = {call_id, strlen(call_id)};
	int err;

	err = call_json(src->media, &id, "", out);
	if (!err)
		evbuffer_add(out, "\n", 1);

	return err;
}

/* --- registrations --------------------------------------------------------- */

struct binding_ctx {
	struct evbuffer *b;
	uint64_t now;
	unsigned n, max;
	bool truncated;
};

static bool binding_json(const struct lk_registrar_binding *rb, void *arg)
{
	struct binding_ctx *bc = arg;
	struct evbuffer *b = bc->b;
	char src[80] = "";

	if (bc->n == bc->max) {
		bc->truncated = true;
		return true;
	}
	evbuffer_add_printf(b, "%s{\"aor\":", bc->n++ ? "," : "");
	lk_json_str(b, rb->aor);
	evbuffer_add(b, ",\"contact\":", 11);
	lk_json_str(b, rb->contact);
	add_kv_u64(b, ",", "expires_in", rb->expires > bc->now ?
		   rb->expires - bc->now : 0);
	if (rb->flow) {
		evbuffer_add(b, ",\"transport\":", 13);
		lk_json_str(b, lk_listen_proto_param(rb->flow->tp));
		re_snprintf(src, sizeof(src), "%J", &rb->flow->remote);
		evbuffer_add(b, ",\"source\":", 10);
		lk_json_str(b, src);
		if (rb->flow->zone)
			evbuffer_add_printf(b, ",\"zone\":%u", rb->flow->zone);
	}
	evbuffer_add(b, "}", 1);

	return false;
}

/* "sip":{...},"h323":{...}, the members of a registrations object. */
static void registrations_members(const struct lk_mgmt_src *src,
				  unsigned max, struct evbuffer *b)
{
	const struct lk_registrar *reg = lk_sip_registrar(src->sip);
	struct binding_ctx bc = {b, lk_clock_s(), 0, max, false};
	struct lk_registrar_stats rs;

	evbuffer_add(b, "\"sip\":", 6);
	if (!reg) {
		evbuffer_add(b, "null", 4);
	}
	else {
		lk_registrar_stats(reg, &rs);
		evbuffer_add_printf(b, "{\"bindings\":%u", rs.bindings);
		add_kv_u64(b, ",", "registered", rs.registered);
		add_kv_u64(b, ",", "fetches", rs.fetches);
		add_kv_u64(b, ",", "challenged", rs.challenged);
		add_kv_u64(b, ",", "auth_failed", rs.auth_failed);
		add_kv_u64(b, ",", "interval_too_brief",
			   rs.interval_too_brief);
		add_kv_u64(b, ",", "rejected", rs.rejected);
		add_kv_u64(b, ",", "expired", rs.expired);
		evbuffer_add(b, ",\"list\":[", 9);
		lk_registrar_apply(reg, NULL, binding_json, &bc);
		evbuffer_add_printf(b, "],\"truncated\":%s}",
				    bc.truncated ? "true" : "false");
	}
	evbuffer_add(b, ",\"h323\":", 8);
	if (!src->gk) {
		evbuffer_add(b, "null", 4);
	}
	else {
		struct lk_h323_gk_stats gs;

		lk_h323_gk_stats(src->gk, &gs);
		evbuffer_add_printf(b, "{\"endpoints\":%u",
				    lk_h323_gk_count(src->gk, lk_clock_ms()));
		add_kv_u64(b, ",", "registrations", gs.registrations);
		add_kv_u64(b, ",", "keepalives", gs.keepalives);
		add_kv_u64(b, ",", "unregistrations", gs.unregistrations);
		add_kv_u64(b, ",", "rejects", gs.rejects);
		evbuffer_add(b, "}", 1);
	}
}

int lk_mgmt_registrations_json(struct lk_mgmt *m, struct evbuffer *out)
{
	evbuffer_add(out, "{", 1);
	registrations_members(lk_mgmt_source(m), CALLS_MAX, out);
	evbuffer_add(out, "}\n", 2);

	return 0;
}

/* --- ports ----------------------------------------------------------------- */

int lk_mgmt_ports_json(struct lk_mgmt *m, struct evbuffer *out)
{
	const struct lk_mgmt_src *src = lk_mgmt_source(m);
	struct lk_pm_filter filter = {0};
	struct lk_portmatrix *pm = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	/* The same document as `latchkey ports --json` for this file. */
	err = lk_portmodel_resolve(&pm, src->conf);
	if (err)
		return err;
	f = open_memstream(&text, &len);
	if (!f) {
		err = ENOMEM;
		goto out;
	}
	err = lk_portmodel_print_json(pm, &filter, f);
	if (fclose(f) && !err)
		err = ENOMEM;
	if (!err)
		evbuffer_add(out, text, len);

 out:
	free(text);
	mem_deref(pm);
	return err;
}

/* --- status ---------------------------------------------------------------- */

/* Every planned listener, with its placeholder counters or its module. */
static void listeners_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_listen_item items[LK_LISTEN_MAX];
	struct lk_listen_drops d[LK_LISTEN_MAX];
	unsigned i, j, n, nd = 0;

	n = lk_listen_plan(src->conf, items);
	if (src->listeners)
		nd = lk_listen_drops(src->listeners, d, LK_LISTEN_MAX);
	evbuffer_add(b, "[", 1);
	for (i = 0; i < n; i++) {
		const struct lk_listen_item *it = &items[i];
		enum lk_service_proto proto = lk_service_proto_of_key(it->key);

		evbuffer_add_printf(b, "%s{\"transport\":\"%s\",\"address\":",
				    i ? "," : "",
				    lk_listen_proto_param(it->proto));
		lk_json_str(b, src->conf->address);
		evbuffer_add_printf(b, ",\"port\":%u,\"purpose\":", it->port);
		lk_json_str(b, it->purpose);
		evbuffer_add(b, ",\"seed\":", 8);
		lk_json_str(b, it->seed);
		evbuffer_add(b, ",\"service\":", 11);
		lk_json_str(b, lk_service_token(lk_service_of_key(it->key)));
		evbuffer_add(b, ",\"counters\":", 12);
		for (j = 0; j < nd; j++) {
			if (d[j].item->proto == it->proto &&
			    d[j].item->port == it->port)
				break;
		}
		if (j < nd)
			evbuffer_add_printf(b, "{\"dropped\":%llu,"
					    "\"closed\":%llu}}",
					    U64(d[j].datagrams),
					    U64(d[j].connections));
		else {
			/* Served: its module's counters, by name. */
			lk_json_str(b, proto == LK_PROTO_SIP ? "sip" :
				    proto == LK_PROTO_H323_RAS ? "h323_ras" :
				    proto == LK_PROTO_H323_ASSENT ?
				    "h323_assent" :
				    proto == LK_PROTO_TURN ? "turn" :
				    proto == LK_PROTO_MEDIA ? "media" : "");
			evbuffer_add(b, "}", 1);
		}
	}
	evbuffer_add(b, "]", 1);
}

static void sip_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	const struct lk_b2bua *b2b = lk_sip_b2bua(src->sip);
	struct lk_b2bua_stats bs;
	struct lk_sip_stats ss;
	const struct lk_siptransport_stats *t = &ss.transport;

	if (!src->sip) {
		evbuffer_add(b, "null", 4);
		return;
	}
	lk_sip_stats(src->sip, &ss);
	memset(&bs, 0, sizeof(bs));
	if (b2b)
		lk_b2bua_stats(b2b, &bs);
	evbuffer_add_printf(b, "{\"received\":{\"udp\":%llu,\"stream\":%llu,"
		"\"keepalive_pings\":%llu},", U64(t->rx_udp),
		U64(t->rx_stream), U64(t->ping));
	evbuffer_add_printf(b, "\"answered\":{\"options\":%llu,"
		"\"methods_rejected\":%llu,\"malformed_rejected\":%llu,"
		"\"keepalive_pongs\":%llu},", U64(ss.options),
		U64(ss.methods_rejected), U64(t->rejected), U64(t->pong));
	evbuffer_add_printf(b, "\"dropped\":{\"undecodable\":%llu,"
		"\"unroutable\":%llu,\"framing\":%llu,\"not_sip\":%llu,"
		"\"oversize\":%llu,\"send_errors\":%llu},",
		U64(t->drop_undecodable), U64(t->drop_unroutable),
		U64(t->framing_errors), U64(t->not_sip), U64(t->oversize),
		U64(t->send_errors));
	evbuffer_add_printf(b, "\"connections\":{\"in\":%llu,\"out\":%llu,"
		"\"refused\":%llu,\"idle_closed\":%llu,\"failed\":%llu},",
		U64(t->conn_in), U64(t->conn_out), U64(t->conn_refused),
		U64(t->conn_idle), U64(t->conn_failed));
	evbuffer_add_printf(b, "\"transactions\":{\"server\":%llu,"
		"\"retransmissions\":%llu,\"client\":%llu,"
		"\"client_timeouts\":%llu,\"active\":%u},",
		U64(ss.transactions.created),
		U64(ss.transactions.retransmissions),
		U64(ss.transactions.client_created),
		U64(ss.transactions.client_timeouts), ss.transactions.active);
	evbuffer_add_printf(b, "\"calls\":{\"active\":%u,\"started\":%llu,"
		"\"answered\":%llu,\"failed\":%llu,\"not_found\":%llu,"
		"\"unavailable\":%llu,\"cancelled\":%llu,"
		"\"media_errors\":%llu,\"media_ended\":%llu,"
		"\"reinvites\":%llu}}", bs.active, U64(bs.calls),
		U64(bs.answered), U64(bs.failed), U64(bs.not_found),
		U64(bs.unavailable), U64(bs.cancelled), U64(bs.media_errors),
		U64(bs.media_ended), U64(bs.reinvites));
}

/* A zone's H.323 side (h323/zone.h), as "h323":{...} or null. */
static void zone_h323_json(const struct lk_h323_zone_info *hz, unsigned nh,
			   unsigned number, struct evbuffer *b)
{
	unsigned i;

	for (i = 0; i < nh && hz[i].number != number; i++)
		;
	if (i == nh) {
		evbuffer_add(b, ",\"h323\":null", 12);
		return;
	}
	hz += i;
	evbuffer_add_printf(b, ",\"h323\":{\"role\":\"%s\",\"state\":\"%s\","
			    "\"peer\":", hz->client ? "client" : "server",
			    hz->registered ? "registered" : "unregistered");
	lk_json_str(b, hz->peer[0] ? hz->peer : NULL);
	add_kv_u64(b, ",", "since", hz->since);
	add_kv_u64(b, ",", "last_keepalive", hz->last_keepalive);
	add_kv_u64(b, ",", "registrations", hz->registrations);
	add_kv_u64(b, ",", "keepalives", hz->keepalives);
	add_kv_u64(b, ",", "failures", hz->failures);
	add_kv_u64(b, ",", "rejected", hz->rejected);
	add_kv_u64(b, ",", "denied", hz->denied);
	add_kv_u64(b, ",", "malformed", hz->malformed);
	add_kv_u64(b, ",", "ignored", hz->ignored);
	add_kv_u64(b, ",", "sci", hz->sci);
	evbuffer_add(b, "}", 1);
}

static void zones_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_zone_info zi[LK_ZONES_MAX];
	struct lk_h323_zone_info hz[LK_ZONES_MAX];
	unsigned i, n, nh;

	n = lk_zones_info(lk_sip_zones(src->sip), zi, LK_ZONES_MAX);
	nh = lk_h323_zones_info(src->h323_zones, hz, LK_ZONES_MAX);
	evbuffer_add(b, "[", 1);
	for (i = 0; i < n; i++) {
		evbuffer_add_printf(b, "%s{\"number\":%u,\"name\":", i ? "," :
				    "", zi[i].number);
		lk_json_str(b, zi[i].name);
		evbuffer_add_printf(b, ",\"role\":\"%s\",\"state\":\"%s\","
				    "\"transport\":", zi[i].client ? "client" :
				    "server", zi[i].up ? "up" : "down");
		lk_json_str(b, zi[i].transport);
		evbuffer_add(b, ",\"peer\":", 8);
		lk_json_str(b, zi[i].peer[0] ? zi[i].peer : NULL);
		add_kv_u64(b, ",", "since", zi[i].since);
		add_kv_u64(b, ",", "connects", zi[i].connects);
		add_kv_u64(b, ",", "authenticated", zi[i].authenticated);
		add_kv_u64(b, ",", "reconnects", zi[i].drops);
		add_kv_u64(b, ",", "keepalives", zi[i].keepalives);
		add_kv_u64(b, ",", "keepalive_failures",
			   zi[i].keepalive_failures);
		add_kv_u64(b, ",", "refused", zi[i].refused);
		zone_h323_json(hz, nh, zi[i].number, b);
		evbuffer_add(b, "}", 1);
	}
	evbuffer_add(b, "]", 1);
}

static void media_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_media_totals t;

	lk_media_totals(src->media, &t);
	evbuffer_add_printf(b, "{\"calls\":%u,\"streams\":%u", t.calls,
			    t.streams);
	add_kv_u64(b, ",", "packets", t.packets);
	add_kv_u64(b, ",", "bytes", t.bytes);
	evbuffer_add(b, ",\"dropped\":{", 12);
	add_kv_u64(b, "", "malformed", t.errors);
	add_kv_u64(b, ",", "foreign_source", t.dropped_foreign);
	add_kv_u64(b, ",", "unexpected_source", t.dropped_unexpected);
	add_kv_u64(b, ",", "peer_not_latched", t.dropped_held);
	add_kv_u64(b, ",", "direction", t.dropped_direction);
	add_kv_u64(b, ",", "no_leg", t.dropped_no_leg);
	evbuffer_add(b, "}", 1);
	add_kv_u64(b, ",", "stun_answered", t.stun_answered);
	add_kv_u64(b, ",", "keepalives", t.keepalives);
	add_kv_u64(b, ",", "send_errors", t.send_errors);
	add_kv_u64(b, ",", "media_timeouts", t.timeouts);
	add_kv_u64(b, ",", "final_timeouts", t.final_timeouts);
	add_kv_u64(b, ",", "ports_exhausted", t.ports_exhausted);
	add_kv_u64(b, ",", "bind_conflicts", t.bind_conflicts);
	evbuffer_add_printf(b, ",\"port_pairs_free\":%u,"
			    "\"port_pairs_cooling\":%u}", t.ports_free,
			    t.ports_cooling);
}

static void turn_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_turn_stats ts;

	if (!src->turn) {
		evbuffer_add(b, "null", 4);
		return;
	}
	lk_turn_stats(src->turn, &ts);
	add_kv_u64(b, "{", "allocations", ts.allocations);
	add_kv_u64(b, ",", "allocations_made", ts.allocations_made);
	add_kv_u64(b, ",", "bindings", ts.bindings);
	add_kv_u64(b, ",", "challenges", ts.challenges);
	add_kv_u64(b, ",", "auth_failures", ts.auth_failures);
	add_kv_u64(b, ",", "stale_nonces", ts.stale_nonces);
	add_kv_u64(b, ",", "denied_peers", ts.denied_peers);
	add_kv_u64(b, ",", "quota", ts.quota);
	add_kv_u64(b, ",", "exhausted", ts.exhausted);
	add_kv_u64(b, ",", "malformed", ts.malformed);
	add_kv_u64(b, ",", "no_permission", ts.no_permission);
	add_kv_u64(b, ",", "to_peer", ts.to_peer);
	add_kv_u64(b, ",", "to_client", ts.to_client);
	add_kv_u64(b, ",", "kernel_to_peer", ts.kernel_to_peer);
	add_kv_u64(b, ",", "kernel_to_client", ts.kernel_to_client);
	add_kv_u64(b, ",", "kernel_entries", ts.kernel_entries);
	evbuffer_add(b, "}", 1);
}

static void ng_json(const struct lk_mgmt_src *src, struct evbuffer *b)
{
	struct lk_ng_stats ns;

	evbuffer_add(b, "{\"address\":", 11);
	lk_json_str(b, src->conf->ng_address);
	evbuffer_add_printf(b, ",\"port\":%u", src->conf->ng_port);
	if (src->ng) {
		lk_ng_stats(src->ng, &ns);
		add_kv_u64(b, ",", "requests", ns.requests);
		add_kv_u64(b, ",", "retransmits", ns.retransmits);
		add_kv_u64(b, ",", "errors", ns.errors);
		add_kv_u64(b, ",", "malformed", ns.malformed);
	}
	evbuffer_add(b, "}", 1);
}

int lk_mgmt_status_json(struct lk_mgmt *m, struct evbuffer *out)
{
	const struct lk_mgmt_src *src = lk_mgmt_source(m);
	const struct lk_mgmt_meta *meta = lk_mgmt_meta(m);
	const struct lk_conf *c = src->conf;
	bool trunc = false;
	int err;

	evbuffer_add_printf(out, "{\"role\":\"%s\",\"version\":\"%s\","
		"\"pid\":%ld,\"started\":%llu,\"uptime_s\":%llu,"
		"\"system_size\":\"%s\",\"release_defaults\":\"%s\","
		"\"address\":", lk_conf_role_name(c->role), LK_VERSION,
		(long)getpid(), U64(meta->started),
		U64((lk_clock_ms() - meta->started_ms) / 1000),
		lk_conf_size_name(c->size), lk_conf_release_name(c->release));
	lk_json_str(out, c->address);
	evbuffer_add(out, ",\"config\":{\"file\":", 18);
	lk_json_str(out, src->conf_path);
	evbuffer_add(out, ",\"sha256\":", 10);
	lk_json_str(out, meta->sha256[0] ? meta->sha256 : NULL);
	evbuffer_add_printf(out, ",\"loaded_at\":%llu,\"loads\":%u},",
			    U64(meta->loaded_at), meta->loads);
	evbuffer_add(out, "\"management\":{\"address\":", 24);
	lk_json_str(out, c->mgmt_address);
	evbuffer_add_printf(out, ",\"http_port\":%u,\"https_port\":%u,"
		"\"http\":%s,\"https\":%s,\"token_required\":%s,"
		"\"requests\":%llu,\"unauthorized\":%llu,\"not_found\":%llu},",
		c->mgmt_http_port, c->mgmt_https_port,
		meta->http ? "true" : "false", meta->https ? "true" : "false",
		c->mgmt_token[0] ? "true" : "false", U64(meta->requests),
		U64(meta->unauthorized), U64(meta->not_found));
	evbuffer_add(out, "\"listeners\":", 12);
	listeners_json(src, out);
	evbuffer_add(out, ",\"ng\":", 6);
	ng_json(src, out);
	evbuffer_add(out, ",\"sip\":", 7);
	sip_json(src, out);
	evbuffer_add(out, ",\"zones\":", 9);
	zones_json(src, out);
	evbuffer_add(out, ",\"registrations\":{", 18);
	registrations_members(src, STATUS_BINDINGS_MAX, out);
	evbuffer_add(out, "},\"media\":", 10);
	media_json(src, out);
	evbuffer_add(out, ",\"calls\":", 9);
	err = calls_array(src->media, STATUS_CALLS_MAX, out, &trunc);
	if (err)
		return err;
	evbuffer_add_printf(out, ",\"calls_truncated\":%s,\"turn\":",
			    trunc ? "true" : "false");
	turn_json(src, out);
	evbuffer_add(out, "}\n", 2);

	return 0;
}
