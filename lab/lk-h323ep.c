/*
 * lab/lk-h323ep.c  A scripted H.323 endpoint for labs: it registers to a
 * gatekeeper, makes or answers one routed call with fastStart G.711, sends
 * RTP for a while, counts what comes back, and clears the call.
 *
 * No H.323 endpoint is packaged in Debian, so `latchkey lab` (and anyone
 * who wants H.323 traffic through their firewall) runs this one.  It is
 * written on the project's own codec (signalling/h323/), so it proves
 * nothing about that codec: what it says on the wire is for tshark to
 * judge.  It is a client, not a server: one call, bounded in time, then
 * it exits with a one-line summary (or JSON with --json).
 *
 * The messages, in order (H.323 8.1, H.225.0 7 and 8):
 *   RRQ -> RCF; caller: ARQ -> ACF (routed: the gatekeeper's own 1720),
 *   TCP to it, Setup with two fastStart OpenLogicalChannels (the channel
 *   it sends, the channel it receives with its RTP/RTCP address) ...
 *   Connect; callee: Setup, ARQ (answerCall) -> ACF, Alerting, Connect
 *   accepting the channel it receives with its own address; RTP both
 *   ways; Release Complete; DRQ -> DCF; URQ -> UCF.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h323/asn.h"
#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/q931.h"
#include "h323/ras.h"

#define RAS_TRIES 3
#define RAS_WAIT_MS 1000
#define RTP_PAYLOAD 160		/* G.711 20 ms */

struct opts {
	struct sockaddr_in gk;		/* --gk */
	struct sockaddr_in dest;	/* --dest: Setup straight there */
	struct in_addr addr;		/* --addr */
	uint16_t ras_port, sig_port, media_port;
	const char *alias, *call;
	bool answer, json, no_register;
	unsigned seconds, pps, timeout;
};

struct ep {
	struct opts o;
	int ras, lsn, sig, rtp, rtcp;
	uint16_t seq, crv;
	char epid[130];
	uint8_t callid[16], confid[16];
	struct sockaddr_in remote_media;	/* where it sends RTP */
	struct sockaddr_in remote_control;	/* and RTCP */
	bool registered, connected, released_by_peer;
	unsigned rtp_sent, rtp_received, rtcp_sent, rtcp_received;
	char why[200];		/* the first failure, for the summary */
};

static uint8_t arena_mem[1 << 18];
static uint8_t h245_mem[LK_H245_ARENA];

static void usage(FILE *f)
{
	fprintf(f,
	"usage: lk-h323ep --addr ADDR --alias NAME (--call ALIAS | --answer)\n"
	"                 [--gk ADDR[:PORT] | --no-register --dest ADDR[:PORT]]\n"
	"                 [options]\n\n"
	"A scripted H.323 endpoint: registers to the gatekeeper, makes or\n"
	"answers one routed call with fastStart G.711, sends RTP both ways,\n"
	"clears the call and prints what happened.\n\n"
	"  --addr ADDR        this endpoint's IPv4 address (every socket binds it)\n"
	"  --alias NAME       its h323-ID\n"
	"  --gk ADDR[:PORT]   the gatekeeper (RAS, default port 1719)\n"
	"  --call ALIAS       call this alias (h323-ID; digits: dialedDigits)\n"
	"  --answer           wait for one call and answer it\n"
	"  --no-register      no RAS at all (the seed's non-registered endpoint);\n"
	"                     a caller then needs --dest\n"
	"  --dest ADDR[:PORT] send the Setup there (default port 1720)\n"
	"  --ras-port P       its RAS port (default 1719, the seed's J)\n"
	"  --signal-port P    its call signalling port (default 1720, G/K)\n"
	"  --media-port P     its RTP port, RTCP on P+1 (default 5004)\n"
	"  --seconds S        how long to send RTP once connected (default 4)\n"
	"  --pps N            RTP packets per second (default 50)\n"
	"  --timeout S        bound on every wait (default 15)\n"
	"  --json             print the summary as JSON\n"
	"  -h, --help         this text\n\n"
	"Exit status: 0 when the call connected and RTP came back, 1 when it\n"
	"did not, 2 on a usage error.\n");
}

static int parse_addr(const char *s, uint16_t defport, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	unsigned long port = defport;

	if (n >= sizeof(host))
		return EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon) {
		char *end;

		port = strtoul(colon + 1, &end, 10);
		if (*end || !port || port > 65535)
			return EINVAL;
	}
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : EINVAL;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || !v || v > 65535)
		return EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* What it is doing, on stderr, for a human or a script that waits. */
static void progress(const struct ep *ep, const char *fmt, ...)
{
	va_list ap;

	(void)ep;
	fputs("lk-h323ep: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void fail(struct ep *ep, const char *fmt, const char *arg)
{
	if (!ep->why[0])
		snprintf(ep->why, sizeof(ep->why), fmt, arg);
}

static struct sockaddr_in local(const struct ep *ep, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr = ep->o.addr;
	sin.sin_port = htons(port);
	return sin;
}

static int bound_socket(const struct ep *ep, int type, uint16_t port)
{
	struct sockaddr_in sin = local(ep, port);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* --- RAS (H.225.0 7) --------------------------------------------------- */

static void set_guid(struct lk_asn_arena *ar, struct lk_asn_val *body,
		     const char *member, const uint8_t guid[16])
{
	struct lk_asn_val *v = lk_asn_set(ar, body, member);

	if (v && !strcmp(member, "callIdentifier"))
		v = lk_asn_set(ar, v, "guid");
	if (v)
		lk_asn_set_octets(ar, v, guid, 16);
}

/*
 * An alias list of one (H.225.0 AliasAddress): dialledDigits for digits,
 * email-ID for name@domain, h323-ID otherwise.
 */
static void set_alias(struct lk_asn_arena *ar, struct lk_asn_val *body,
		      const char *member, const char *alias)
{
	struct lk_asn_val *v = lk_asn_set(ar, body, member);
	bool digits = strspn(alias, "0123456789#*,") == strlen(alias);

	if (!v || lk_asn_seqof_resize(ar, v, 1))
		return;
	lk_asn_set_str(ar, lk_asn_set(ar, &v->u.list.v[0],
		       digits ? "dialledDigits" : strchr(alias, '@') ?
		       "email-ID" : "h323-ID"), alias);
}

static void set_addr_list(struct lk_asn_arena *ar, struct lk_asn_val *body,
			  const char *member, const struct sockaddr_in *sin)
{
	struct lk_asn_val *v = lk_asn_set(ar, body, member);

	if (v && !lk_asn_seqof_resize(ar, v, 1))
		lk_ras_set_ipv4(ar, &v->u.list.v[0], sin);
}

static void set_eptype(struct lk_asn_arena *ar, struct lk_asn_val *body,
		       const char *member)
{
	struct lk_asn_val *v = lk_asn_set(ar, body, member);

	lk_asn_set(ar, v, "mc");
	lk_asn_set(ar, v, "undefinedNode");
	lk_asn_set(ar, v, "terminal");
}

/*
 * Send the request and wait for its reply (same requestSeqNum), sending
 * again after RAS_WAIT_MS (H.225.0 7.9.1 leaves retries to the endpoint).
 * The reply's body is returned, its kind in *kindp; NULL on no reply.
 */
static struct lk_asn_val *ras_ask(struct ep *ep, struct lk_asn_val *msg,
				  const char **kindp)
{
	static uint8_t out[2048], in[4096];
	struct lk_asn_arena ar;
	size_t len, errbit;
	uint16_t seq;
	int t;

	if (lk_ras_encode(msg, out, sizeof(out), &len) ||
	    lk_ras_seqnum(msg, &seq))
		return NULL;
	for (t = 0; t < RAS_TRIES; t++) {
		uint64_t end = now_ms() + RAS_WAIT_MS;

		sendto(ep->ras, out, len, 0, (struct sockaddr *)&ep->o.gk,
		       sizeof(ep->o.gk));
		for (;;) {
			struct pollfd p = { ep->ras, POLLIN, 0 };
			struct lk_asn_val *rep;
			uint64_t now = now_ms();
			uint16_t rseq;
			ssize_t n;

			if (now >= end || poll(&p, 1, (int)(end - now)) != 1)
				break;
			n = recv(ep->ras, in, sizeof(in), 0);
			if (n <= 0)
				continue;
			/* Replies only: the request arena is the caller's. */
			lk_asn_arena_init(&ar, h245_mem, sizeof(h245_mem));
			if (lk_ras_decode(in, (size_t)n, &ar, &rep, &errbit) ||
			    lk_ras_seqnum(rep, &rseq) || rseq != seq)
				continue;
			*kindp = lk_ras_kind(rep);
			if (!strcmp(*kindp, "requestInProgress")) {
				end = now_ms() + ep->o.timeout * 1000u;
				continue;
			}
			return lk_ras_body(rep);
		}
	}
	return NULL;
}

static struct lk_asn_val *ras_new(struct ep *ep, struct lk_asn_arena *ar,
				  const char *kind, struct lk_asn_val **body)
{
	lk_asn_arena_init(ar, arena_mem, sizeof(arena_mem));
	return lk_ras_new(ar, kind, ++ep->seq, body);
}

/* The name of a reject's reason (rejectReason, or "?"). */
static const char *reason_of(const struct lk_asn_val *body)
{
	const char *r = lk_asn_choice_name(lk_asn_get(body, "rejectReason"));

	return r ? r : "?";
}

static int do_register(struct ep *ep)
{
	struct sockaddr_in cs = local(ep, ep->o.sig_port);
	struct sockaddr_in ras = local(ep, ep->o.ras_port);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v, *rep;
	const char *kind = "";

	msg = ras_new(ep, &ar, "registrationRequest", &body);
	if (!msg)
		return ENOMEM;
	lk_asn_set(&ar, body, "discoveryComplete");
	set_addr_list(&ar, body, "callSignalAddress", &cs);
	set_addr_list(&ar, body, "rasAddress", &ras);
	set_eptype(&ar, body, "terminalType");
	set_alias(&ar, body, "terminalAlias", ep->o.alias);
	v = lk_asn_set(&ar, lk_asn_set(&ar, body, "endpointVendor"), "vendor");
	lk_asn_set(&ar, v, "t35CountryCode")->u.i = 181;	/* USA */
	lk_asn_set(&ar, v, "t35Extension");
	lk_asn_set(&ar, v, "manufacturerCode");
	rep = ras_ask(ep, msg, &kind);
	if (!rep) {
		fail(ep, "no reply to RRQ from the gatekeeper%s", "");
		return ETIMEDOUT;
	}
	if (strcmp(kind, "registrationConfirm")) {
		fail(ep, "registration rejected: %s", reason_of(rep));
		return EPERM;
	}
	lk_asn_str_ascii(lk_asn_get(rep, "endpointIdentifier"), ep->epid,
			 sizeof(ep->epid));
	ep->registered = true;
	progress(ep, "registered to %s as %s (endpointIdentifier %s)",
		 inet_ntoa(ep->o.gk.sin_addr), ep->o.alias, ep->epid);
	return 0;
}

/* ARQ: for a caller, *csp is where to send the Setup (ACF). */
static int do_admission(struct ep *ep, bool answer, struct sockaddr_in *csp)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *rep;
	const char *kind = "";

	msg = ras_new(ep, &ar, "admissionRequest", &body);
	if (!msg)
		return ENOMEM;
	lk_asn_set(&ar, lk_asn_set(&ar, body, "callType"), "pointToPoint");
	lk_asn_set_str(&ar, lk_asn_set(&ar, body, "endpointIdentifier"),
		       ep->epid);
	if (!answer)
		set_alias(&ar, body, "destinationInfo", ep->o.call);
	set_alias(&ar, body, "srcInfo", ep->o.alias);
	lk_asn_set(&ar, body, "bandWidth")->u.i = 1280;	/* 128 kbit/s */
	lk_asn_set(&ar, body, "callReferenceValue")->u.i = ep->crv;
	set_guid(&ar, body, "conferenceID", ep->confid);
	lk_asn_set(&ar, body, "activeMC");
	lk_asn_set(&ar, body, "answerCall")->u.i = answer;
	set_guid(&ar, body, "callIdentifier", ep->callid);
	rep = ras_ask(ep, msg, &kind);
	if (!rep) {
		fail(ep, "no reply to ARQ from the gatekeeper%s", "");
		return ETIMEDOUT;
	}
	if (strcmp(kind, "admissionConfirm")) {
		fail(ep, "admission rejected: %s", reason_of(rep));
		return EPERM;
	}
	if (csp && lk_ras_get_ipv4(lk_asn_get(rep, "destCallSignalAddress"),
				   csp)) {
		fail(ep, "ACF without an IPv4 destCallSignalAddress%s", "");
		return EPROTO;
	}
	return 0;
}

static void do_disengage(struct ep *ep, bool answered)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;
	const char *kind = "";

	msg = ras_new(ep, &ar, "disengageRequest", &body);
	if (!msg)
		return;
	lk_asn_set_str(&ar, lk_asn_set(&ar, body, "endpointIdentifier"),
		       ep->epid);
	set_guid(&ar, body, "conferenceID", ep->confid);
	lk_asn_set(&ar, body, "callReferenceValue")->u.i = ep->crv;
	lk_asn_set(&ar, lk_asn_set(&ar, body, "disengageReason"),
		   "normalDrop");
	set_guid(&ar, body, "callIdentifier", ep->callid);
	lk_asn_set(&ar, body, "answeredCall")->u.i = answered;
	if (!ras_ask(ep, msg, &kind) || strcmp(kind, "disengageConfirm"))
		fail(ep, "DRQ not confirmed (%s)", kind);
}

static void do_unregister(struct ep *ep)
{
	struct sockaddr_in cs = local(ep, ep->o.sig_port);
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;
	const char *kind = "";

	msg = ras_new(ep, &ar, "unregistrationRequest", &body);
	if (!msg)
		return;
	set_addr_list(&ar, body, "callSignalAddress", &cs);
	lk_asn_set_str(&ar, lk_asn_set(&ar, body, "endpointIdentifier"),
		       ep->epid);
	if (!ras_ask(ep, msg, &kind) || strcmp(kind, "unregistrationConfirm"))
		fail(ep, "URQ not confirmed (%s)", kind);
}

/* --- call signalling (H.225.0 7.3, Q.931 over TPKT) -------------------- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void olc_addr(struct lk_asn_arena *ar, struct lk_asn_val *lcp,
		     const char *name, const struct ep *ep, uint16_t port)
{
	struct lk_asn_val *ip = lk_asn_set(ar, lk_asn_set(ar,
		lk_asn_set(ar, lcp, name), "unicastAddress"), "iPAddress");

	lk_asn_set_octets(ar, lk_asn_set(ar, ip, "network"), &ep->o.addr, 4);
	lk_asn_set(ar, ip, "tsapIdentifier")->u.i = port;
}

/* G.711 u-law, 20 ms, session 1, with the given addresses (0: none). */
static void olc_audio(struct lk_asn_arena *ar, struct lk_asn_val *params,
		      const struct ep *ep, uint16_t rtp, uint16_t rtcp)
{
	struct lk_asn_val *lcp;

	lk_asn_set(ar, lk_asn_set(ar, lk_asn_set(ar, params, "dataType"),
		   "audioData"), "g711Ulaw64k")->u.i = 20;
	lcp = lk_asn_set(ar, lk_asn_set(ar, params, "multiplexParameters"),
			 "h2250LogicalChannelParameters");
	lk_asn_set(ar, lcp, "sessionID")->u.i = 1;
	if (rtp)
		olc_addr(ar, lcp, "mediaChannel", ep, rtp);
	if (rtcp)
		olc_addr(ar, lcp, "mediaControlChannel", ep, rtcp);
}

/*
 * A fastStart OpenLogicalChannel (H.323 8.1.7.1): `receive` proposes the
 * channel it receives (forward nullData, reverse parameters with its RTP
 * and RTCP), else the channel it sends (its RTCP, and RTP when it
 * accepts in a Connect, H.323 8.1.7.2).
 */
static size_t olc_build(const struct ep *ep, uint8_t *out, size_t cap,
			uint16_t lcn, bool receive, bool with_rtp)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *olc, *fwd;
	uint16_t rtp = ep->o.media_port, rtcp = (uint16_t)(rtp + 1);
	size_t len;

	lk_asn_arena_init(&ar, h245_mem, sizeof(h245_mem));
	olc = lk_asn_new(&ar, &lk_h245_olc);
	lk_asn_set(&ar, olc, "forwardLogicalChannelNumber")->u.i = lcn;
	fwd = lk_asn_set(&ar, olc, "forwardLogicalChannelParameters");
	if (receive) {
		lk_asn_set(&ar, lk_asn_set(&ar, fwd, "dataType"), "nullData");
		lk_asn_set(&ar, lk_asn_set(&ar, fwd, "multiplexParameters"),
			   "none");
		olc_audio(&ar, lk_asn_set(&ar, olc,
			  "reverseLogicalChannelParameters"), ep, rtp, rtcp);
	}
	else {
		olc_audio(&ar, fwd, ep, with_rtp ? rtp : 0, rtcp);
	}
	return lk_h245_encode(olc, out, cap, &len) ? 0 : len;
}

/*
 * Send one Q.931 message with its UU-PDU `kind`; fastStart elements (0
 * to 2) go with it.  The caller side's call reference has the flag clear,
 * the callee's set (Q.931 4.3).
 */
static int send_msg(struct ep *ep, uint8_t type, const char *kind,
		    const uint8_t *const *fs, const size_t *fslen,
		    unsigned nfs)
{
	static uint8_t ubuf[4096], out[4200];
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v;
	struct lk_q931 m;
	size_t ulen, len;
	unsigned i;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	uu = lk_h225_uu_new(&ar, kind, &body);
	if (!uu)
		return ENOMEM;
	set_guid(&ar, body, "callIdentifier", ep->callid);
	if (!strcmp(kind, "setup")) {
		set_alias(&ar, body, "sourceAddress", ep->o.alias);
		set_eptype(&ar, body, "sourceInfo");
		set_alias(&ar, body, "destinationAddress", ep->o.call);
		lk_asn_set(&ar, body, "activeMC");
		set_guid(&ar, body, "conferenceID", ep->confid);
		lk_asn_set(&ar, lk_asn_set(&ar, body, "conferenceGoal"),
			   "create");
		lk_asn_set(&ar, lk_asn_set(&ar, body, "callType"),
			   "pointToPoint");
	}
	else if (!strcmp(kind, "alerting")) {
		set_eptype(&ar, body, "destinationInfo");
	}
	else if (!strcmp(kind, "connect")) {
		set_eptype(&ar, body, "destinationInfo");
		set_guid(&ar, body, "conferenceID", ep->confid);
	}
	else if (!strcmp(kind, "releaseComplete")) {
		lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			   "undefinedReason");
	}
	if (nfs) {
		v = lk_asn_set(&ar, body, "fastStart");
		if (!v || lk_asn_seqof_resize(&ar, v, nfs))
			return ENOMEM;
		for (i = 0; i < nfs; i++)
			if (lk_asn_set_octets(&ar, &v->u.list.v[i], fs[i],
					      fslen[i]))
				return ENOMEM;
	}
	ubuf[0] = LK_Q931_UU_PD;
	if (lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1, &ulen))
		return EPROTO;
	lk_q931_init(&m, type, ep->crv, ep->o.answer);
	if (type == LK_Q931_SETUP) {
		lk_q931_set_bearer(&m);
		lk_q931_set_display(&m, ep->o.alias);
		if (strspn(ep->o.call, "0123456789") == strlen(ep->o.call))
			lk_q931_set_number(&m, LK_Q931_IE_CALLED, 0x41,
					   ep->o.call);
	}
	if (type == LK_Q931_RELEASE_COMPLETE)
		lk_q931_set_cause(&m, LK_Q931_CAUSE_NORMAL);
	if (lk_q931_set(&m, LK_Q931_IE_USER_USER, ubuf, ulen + 1) ||
	    lk_q931_encode(&m, true, out, sizeof(out), &len))
		return EPROTO;
	return write_all(ep->sig, out, len);
}

/* The RTP address the other side (the relay) gave in a message. */
static int media_addr(struct lk_h245_addr *a, void *arg)
{
	struct ep *ep = arg;

	if (a->kind == LK_H245_MEDIA)
		ep->remote_media = a->addr;
	else if (a->kind == LK_H245_MEDIA_CONTROL)
		ep->remote_control = a->addr;
	return 0;
}

/*
 * One message within ms: its Q.931 type, the UU-PDU in *uup (arena_mem),
 * the Q.931 message in *m; 0 on a keep-alive (empty TPKT); -2 when no
 * whole message came within ms; -1 when the connection closed or what
 * came was not H.225.0.
 */
static int recv_msg(struct ep *ep, struct lk_q931 *m, struct lk_asn_val **uup,
		    int ms)
{
	static uint8_t buf[LK_TPKT_MAX];
	static size_t have;
	uint64_t end = now_ms() + (uint64_t)ms;
	struct lk_asn_arena ar;
	const uint8_t *u;
	size_t pdu, ulen, off, errbit;
	unsigned changed = 0;
	int err;

	for (;;) {
		err = lk_tpkt_frame(buf, have, &pdu);
		if (!err)
			break;
		if (err != EAGAIN) {
			fail(ep, "a TPKT that does not frame: %s",
			     strerror(err));
			return -1;
		}
		struct pollfd p = { ep->sig, POLLIN, 0 };
		uint64_t now = now_ms();
		ssize_t n;

		if (poll(&p, 1, now >= end ? 0 : (int)(end - now)) != 1)
			return -2;
		n = read(ep->sig, buf + have, sizeof(buf) - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	if (pdu == LK_TPKT_HDR) {
		memmove(buf, buf + pdu, have - pdu);
		have -= pdu;
		return 0;
	}
	err = lk_q931_decode(m, buf + LK_TPKT_HDR, pdu - LK_TPKT_HDR, &off);
	if (!err)
		err = lk_q931_uu(m, &u, &ulen);
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	if (!err)
		err = lk_h225_uu_decode(u, ulen, &ar, uup, &errbit);
	memmove(buf, buf + pdu, have - pdu);
	have -= pdu;
	if (err) {
		fail(ep, "an undecodable call signalling message: %s",
		     strerror(err));
		return -1;
	}
	lk_h225_uu_media_addrs(&ar, *uup, media_addr, ep, &changed);
	return m->type;
}

/* --- RTP --------------------------------------------------------------- */

static void rtp_send(struct ep *ep, uint32_t ssrc)
{
	uint8_t pkt[12 + RTP_PAYLOAD];
	uint16_t seq = (uint16_t)ep->rtp_sent;
	uint32_t ts = ep->rtp_sent * RTP_PAYLOAD;

	memset(pkt, 0xff, sizeof(pkt));	/* u-law silence */
	pkt[0] = 0x80;
	pkt[1] = 0;			/* PCMU */
	pkt[2] = (uint8_t)(seq >> 8);
	pkt[3] = (uint8_t)seq;
	pkt[4] = (uint8_t)(ts >> 24);
	pkt[5] = (uint8_t)(ts >> 16);
	pkt[6] = (uint8_t)(ts >> 8);
	pkt[7] = (uint8_t)ts;
	pkt[8] = (uint8_t)(ssrc >> 24);
	pkt[9] = (uint8_t)(ssrc >> 16);
	pkt[10] = (uint8_t)(ssrc >> 8);
	pkt[11] = (uint8_t)ssrc;
	if (sendto(ep->rtp, pkt, sizeof(pkt), 0,
		   (struct sockaddr *)&ep->remote_media,
		   sizeof(ep->remote_media)) == (ssize_t)sizeof(pkt))
		ep->rtp_sent++;
}

/* An RTCP receiver report with no report block (RFC 3550 6.4.2). */
static void rtcp_send(struct ep *ep, uint32_t ssrc)
{
	uint8_t rr[8] = { 0x80, 201, 0, 1 };

	if (!ep->remote_control.sin_port)
		return;
	rr[4] = (uint8_t)(ssrc >> 24);
	rr[5] = (uint8_t)(ssrc >> 16);
	rr[6] = (uint8_t)(ssrc >> 8);
	rr[7] = (uint8_t)ssrc;
	if (sendto(ep->rtcp, rr, sizeof(rr), 0,
		   (struct sockaddr *)&ep->remote_control,
		   sizeof(ep->remote_control)) == (ssize_t)sizeof(rr))
		ep->rtcp_sent++;
}

static bool is_rtcp(const uint8_t *p, ssize_t n)
{
	return n >= 8 && (p[0] & 0xc0) == 0x80 && p[1] >= 200 && p[1] <= 204;
}

/*
 * Media for o.seconds: RTP out at o.pps and an RTCP receiver report every
 * second, RTP and RTCP in counted; a Release Complete or a lost
 * connection ends it early.  Then half a second more to count what is
 * still on its way.
 */
static void media_phase(struct ep *ep)
{
	uint64_t start = now_ms(), end = start + ep->o.seconds * 1000u;
	uint64_t next = start, gap = 1000u / (ep->o.pps ? ep->o.pps : 1);
	uint32_t ssrc;
	bool sending = true;

	if (getrandom(&ssrc, sizeof(ssrc), 0) != sizeof(ssrc))
		ssrc = (uint32_t)getpid();
	uint64_t next_rtcp = start;

	while (sending || now_ms() < end + 500) {
		struct pollfd p[3] = { { ep->rtp, POLLIN, 0 },
				       { ep->rtcp, POLLIN, 0 },
				       { ep->sig, POLLIN, 0 } };
		uint64_t now = now_ms();
		uint8_t buf[2048];
		int wait;

		if (sending && now >= end)
			sending = false;
		if (sending && now >= next_rtcp) {
			rtcp_send(ep, ssrc);
			next_rtcp += 1000;
		}
		if (sending && now >= next) {
			rtp_send(ep, ssrc);
			next += gap;
			continue;
		}
		wait = sending ? (int)(next - now) : (int)(end + 500 - now);
		if (poll(p, sending ? 3 : 2, wait < 0 ? 0 : wait) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			ssize_t n = recv(ep->rtp, buf, sizeof(buf), 0);

			if (n >= 12 && (buf[0] & 0xc0) == 0x80 &&
			    !is_rtcp(buf, n))
				ep->rtp_received++;
		}
		if (p[1].revents & POLLIN) {
			ssize_t n = recv(ep->rtcp, buf, sizeof(buf), 0);

			if (is_rtcp(buf, n))
				ep->rtcp_received++;
		}
		if (sending && p[2].revents) {
			struct lk_asn_val *uu;
			struct lk_q931 m;
			int t = recv_msg(ep, &m, &uu, 0);

			if (t == LK_Q931_RELEASE_COMPLETE || t == -1) {
				ep->released_by_peer = true;
				sending = false;
				end = now_ms();
			}
		}
	}
}

/* --- the two roles ----------------------------------------------------- */

static void new_ids(struct ep *ep)
{
	if (getrandom(ep->callid, 16, 0) != 16 ||
	    getrandom(ep->confid, 16, 0) != 16 ||
	    getrandom(&ep->crv, sizeof(ep->crv), 0) != sizeof(ep->crv))
		ep->crv = (uint16_t)getpid();
	ep->crv &= 0x7fff;
	if (!ep->crv)
		ep->crv = 1;
}

static int wait_connect(struct ep *ep)
{
	uint64_t end = now_ms() + ep->o.timeout * 1000u;

	for (;;) {
		struct lk_asn_val *uu;
		struct lk_q931 m;
		uint64_t now = now_ms();
		uint8_t cause = 0;
		int t;

		if (now >= end) {
			fail(ep, "no Connect within the timeout%s", "");
			return ETIMEDOUT;
		}
		t = recv_msg(ep, &m, &uu, (int)(end - now));
		if (t == -2)
			continue;	/* the timeout, above */
		if (t < 0) {
			fail(ep, "the call signalling connection closed "
			     "before Connect%s", "");
			return ECONNRESET;
		}
		if (t == LK_Q931_RELEASE_COMPLETE) {
			const char *r = lk_asn_choice_name(lk_asn_get(uu,
				"h323-uu-pdu.h323-message-body."
				"releaseComplete.reason"));

			lk_q931_cause(&m, &cause);
			snprintf(ep->why, sizeof(ep->why), "released before "
				 "Connect: %s (cause %u)", r ? r : "no reason",
				 cause);
			ep->released_by_peer = true;
			return ECONNREFUSED;
		}
		if (t == LK_Q931_CONNECT)
			return 0;
	}
}

static int run_caller(struct ep *ep)
{
	uint8_t o1[512], o2[512];
	const uint8_t *fs[2] = { o1, o2 };
	size_t fslen[2];
	struct sockaddr_in cs = ep->o.dest;
	int err;

	new_ids(ep);
	if (!ep->o.no_register) {
		err = do_admission(ep, false, &cs);
		if (err)
			return err;
	}
	ep->sig = bound_socket(ep, SOCK_STREAM, 0);
	if (ep->sig < 0 || connect(ep->sig, (struct sockaddr *)&cs,
				   sizeof(cs))) {
		fail(ep, "call signalling connect: %s", strerror(errno));
		return ECONNREFUSED;
	}
	fslen[0] = olc_build(ep, o1, sizeof(o1), 1, false, false);
	fslen[1] = olc_build(ep, o2, sizeof(o2), 2, true, false);
	if (!fslen[0] || !fslen[1])
		return EPROTO;
	err = send_msg(ep, LK_Q931_SETUP, "setup", fs, fslen, 2);
	if (!err)
		err = wait_connect(ep);
	if (err)
		return err;
	if (!ep->remote_media.sin_port) {
		fail(ep, "connected, but no fastStart channel accepted%s", "");
		return EPROTO;
	}
	ep->connected = true;
	progress(ep, "connected; RTP to %s:%u", inet_ntoa(
		 ep->remote_media.sin_addr), ntohs(ep->remote_media.sin_port));
	media_phase(ep);
	if (!ep->released_by_peer)
		send_msg(ep, LK_Q931_RELEASE_COMPLETE, "releaseComplete",
			 NULL, NULL, 0);
	return 0;
}

static int run_callee(struct ep *ep)
{
	struct lk_asn_val *uu, *body;
	struct lk_q931 m;
	uint8_t o1[512];
	const uint8_t *fs[1] = { o1 };
	size_t fslen[1];
	const struct lk_asn_val *v;
	struct pollfd p;
	int t, err;

	ep->lsn = bound_socket(ep, SOCK_STREAM, ep->o.sig_port);
	if (ep->lsn < 0 || listen(ep->lsn, 4)) {
		fail(ep, "call signalling listen: %s", strerror(errno));
		return EADDRINUSE;
	}
	progress(ep, "waiting for a call on %s:%u", inet_ntoa(ep->o.addr),
		 ep->o.sig_port);
	p = (struct pollfd){ ep->lsn, POLLIN, 0 };
	if (poll(&p, 1, (int)ep->o.timeout * 1000) != 1) {
		fail(ep, "no call came within the timeout%s", "");
		return ETIMEDOUT;
	}
	ep->sig = accept(ep->lsn, NULL, NULL);
	do {
		t = recv_msg(ep, &m, &uu, (int)ep->o.timeout * 1000);
	} while (t == 0);
	if (t != LK_Q931_SETUP) {
		fail(ep, "the first message was not a Setup%s", "");
		return EPROTO;
	}
	ep->crv = m.crv;
	body = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup");
	v = lk_asn_get(body, "callIdentifier.guid");
	if (v && v->u.str.len == 16)
		memcpy(ep->callid, v->u.str.p, 16);
	v = lk_asn_get(body, "conferenceID");
	if (v && v->u.str.len == 16)
		memcpy(ep->confid, v->u.str.p, 16);
	if (!ep->remote_media.sin_port) {
		send_msg(ep, LK_Q931_RELEASE_COMPLETE, "releaseComplete",
			 NULL, NULL, 0);
		fail(ep, "a Setup without a fastStart channel to accept%s", "");
		return EPROTO;
	}
	if (!ep->o.no_register) {
		err = do_admission(ep, true, NULL);
		if (err) {
			send_msg(ep, LK_Q931_RELEASE_COMPLETE,
				 "releaseComplete", NULL, NULL, 0);
			return err;
		}
	}
	fslen[0] = olc_build(ep, o1, sizeof(o1), 1, false, true);
	err = send_msg(ep, LK_Q931_ALERTING, "alerting", NULL, NULL, 0);
	if (!err)
		err = send_msg(ep, LK_Q931_CONNECT, "connect", fs, fslen, 1);
	if (err) {
		fail(ep, "sending Connect: %s", strerror(err));
		return err;
	}
	ep->connected = true;
	progress(ep, "answered; RTP to %s:%u", inet_ntoa(
		 ep->remote_media.sin_addr), ntohs(ep->remote_media.sin_port));
	/* Until the caller releases (or o.seconds + o.timeout at most). */
	ep->o.seconds += ep->o.timeout;
	media_phase(ep);
	if (!ep->released_by_peer)
		send_msg(ep, LK_Q931_RELEASE_COMPLETE, "releaseComplete",
			 NULL, NULL, 0);
	return 0;
}

/* `s` as a JSON string (RFC 8259 s.7): quote, backslash and controls escaped. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void summary(const struct ep *ep, bool ok)
{
	if (ep->o.json) {
		printf("{\"alias\": ");
		json_str(ep->o.alias);
		printf(", \"role\": \"%s\", \"registered\": "
		       "%s, \"connected\": %s, \"rtp_sent\": %u, "
		       "\"rtp_received\": %u, \"rtcp_sent\": %u, "
		       "\"rtcp_received\": %u, \"released_by\": \"%s\", "
		       "\"ok\": %s, \"why\": ",
		       ep->o.answer ? "callee" : "caller",
		       ep->registered ? "true" : "false",
		       ep->connected ? "true" : "false", ep->rtp_sent,
		       ep->rtp_received, ep->rtcp_sent, ep->rtcp_received,
		       ep->released_by_peer ? "peer" : "self",
		       ok ? "true" : "false");
		json_str(ep->why);
		printf("}\n");
		return;
	}
	printf("lk-h323ep: %s (%s): %s; registered %s, connected %s, RTP sent "
	       "%u, received %u; RTCP sent %u, received %u%s%s\n",
	       ep->o.alias, ep->o.answer ? "callee" : "caller",
	       ok ? "ok" : "FAILED", ep->registered ? "yes" : "no",
	       ep->connected ? "yes" : "no", ep->rtp_sent, ep->rtp_received,
	       ep->rtcp_sent, ep->rtcp_received, ep->why[0] ? ": " : "",
	       ep->why);
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "gk", required_argument, NULL, 'g' },
		{ "dest", required_argument, NULL, 'd' },
		{ "addr", required_argument, NULL, 'a' },
		{ "alias", required_argument, NULL, 'n' },
		{ "call", required_argument, NULL, 'c' },
		{ "answer", no_argument, NULL, 'A' },
		{ "no-register", no_argument, NULL, 'N' },
		{ "ras-port", required_argument, NULL, 'r' },
		{ "signal-port", required_argument, NULL, 's' },
		{ "media-port", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "pps", required_argument, NULL, 'p' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool have_addr = false, have_gk = false, have_dest = false;
	int c;

	*o = (struct opts){ .ras_port = 1719, .sig_port = 1720,
			    .media_port = 5004, .seconds = 4, .pps = 50,
			    .timeout = 15 };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const char *bad = NULL;
		unsigned long v;
		char *end;

		switch (c) {
		case 'g':
			have_gk = !parse_addr(optarg, 1719, &o->gk);
			bad = have_gk ? NULL : "--gk: not ADDR[:PORT]";
			break;
		case 'd':
			have_dest = !parse_addr(optarg, 1720, &o->dest);
			bad = have_dest ? NULL : "--dest: not ADDR[:PORT]";
			break;
		case 'a':
			have_addr = inet_pton(AF_INET, optarg, &o->addr) == 1;
			bad = have_addr ? NULL : "--addr: not an IPv4 address";
			break;
		case 'n': o->alias = optarg; break;
		case 'c': o->call = optarg; break;
		case 'A': o->answer = true; break;
		case 'N': o->no_register = true; break;
		case 'j': o->json = true; break;
		case 'r':
			bad = parse_port(optarg, &o->ras_port) ?
				"--ras-port: not a port" : NULL;
			break;
		case 's':
			bad = parse_port(optarg, &o->sig_port) ?
				"--signal-port: not a port" : NULL;
			break;
		case 'm':
			bad = parse_port(optarg, &o->media_port) ||
				o->media_port == 65535 ?
				"--media-port: not a port below 65535" : NULL;
			break;
		case 'S': case 'p': case 't':
			v = strtoul(optarg, &end, 10);
			if (*end || !v || v > 3600)
				bad = "--seconds/--pps/--timeout: 1 to 3600";
			else if (c == 'S')
				o->seconds = (unsigned)v;
			else if (c == 'p')
				o->pps = (unsigned)v;
			else
				o->timeout = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EINVAL;
		}
		if (bad) {
			fprintf(stderr, "lk-h323ep: %s: %s\n", bad, optarg);
			return EINVAL;
		}
	}
	if (optind < argc || !have_addr || !o->alias ||
	    o->answer == !!o->call) {
		fprintf(stderr, "lk-h323ep: needs --addr, --alias and one of "
			"--call or --answer (see --help)\n");
		return EINVAL;
	}
	if (o->no_register ? (!o->answer && !have_dest) : !have_gk) {
		fprintf(stderr, "lk-h323ep: %s\n", o->no_register ?
			"--no-register calls need --dest" :
			"needs --gk (or --no-register)");
		return EINVAL;
	}
	if (!o->call)
		o->call = "";
	return 0;
}

int main(int argc, char **argv)
{
	struct ep ep = { .ras = -1, .lsn = -1, .sig = -1, .rtp = -1,
			 .rtcp = -1 };
	bool ok;
	int err;

	if (parse_opts(&ep.o, argc, argv))
		return 2;
	ep.rtp = bound_socket(&ep, SOCK_DGRAM, ep.o.media_port);
	ep.rtcp = bound_socket(&ep, SOCK_DGRAM, (uint16_t)(ep.o.media_port + 1));
	if (!ep.o.no_register)
		ep.ras = bound_socket(&ep, SOCK_DGRAM, ep.o.ras_port);
	if (ep.rtp < 0 || ep.rtcp < 0 ||
	    (!ep.o.no_register && ep.ras < 0)) {
		fprintf(stderr, "lk-h323ep: bind on %s: %s\n",
			inet_ntoa(ep.o.addr), strerror(errno));
		return 1;
	}
	err = ep.o.no_register ? 0 : do_register(&ep);
	if (!err) {
		err = ep.o.answer ? run_callee(&ep) : run_caller(&ep);
		if (ep.connected && !ep.o.no_register)
			do_disengage(&ep, ep.o.answer);
	}
	if (ep.registered)
		do_unregister(&ep);
	ok = !err && ep.connected && ep.rtp_received > 0;
	if (!ok && !ep.why[0])
		snprintf(ep.why, sizeof(ep.why), "%s", err ? strerror(err) :
			 "no RTP came back");
	summary(&ep, ok);
	if (ep.sig >= 0)
		close(ep.sig);
	if (ep.lsn >= 0)
		close(ep.lsn);
	if (ep.ras >= 0)
		close(ep.ras);
	if (ep.rtcp >= 0)
		close(ep.rtcp);
	if (ep.rtp >= 0)
		close(ep.rtp);
	return ok ? 0 : 1;
}
