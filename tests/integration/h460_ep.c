/* tests/integration/h460_ep.c  A scripted H.323 endpoint for h460_nat.sh: an H.460.18 callee behind a NAT, or a plain caller. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "h323/h225.h"
#include "h323/h245.h"
#include "h323/h245port.h"
#include "h323/h460.h"
#include "h323/h46019.h"
#include "h323/q931.h"
#include "h323/ras.h"

/*
 * Written on the project's codec, but not the oracle: h460_nat.sh has
 * tshark read everything this program and latchkeyd said.  Each step is
 * printed as one line ("ok ..." or "FAIL ..."); the first failure ends
 * the program with status 1.
 *
 *   h460_ep callee GK_IP RAS_PORT ALIAS [skip-first-sci [THEN_CALL]]
 *     registers ALIAS with H.460.18 (callSignalAddress its own private
 *     address, which nobody can reach), sends one keep-alive RRQ, waits
 *     for an SCI (with skip-first-sci the first one is not answered, so
 *     the gatekeeper has to repeat it), answers with SCR, connects to the
 *     IncomingCallIndication's address, sends an empty TPKT and the
 *     Facility with the callIdentifier, takes the Setup, answers (Call
 *     Proceeding, Alerting, Connect, empty TPKTs in between) and waits
 *     for Release Complete.  Then it counts the SCIs that came after
 *     its SCR ("extra SCIs").
 *     With THEN_CALL it then calls that alias itself (h460_ep caller).
 *   h460_ep caller GK_IP Q931_PORT ALIAS
 *     sends a Setup to ALIAS, waits for Connect, releases the call.
 *   h460_ep bad2777 ADDR PORT
 *     bad input on the H.460.18 H.245 port: each connection must close.
 *   h460_ep answer ADDR PORT
 *     answers one call on TCP ADDR:PORT (Alerting, Connect) and waits
 *     for its Release Complete.
 *   h460_ep client19 GK_IP RAS_PORT ALIAS mux|nomux fast|slow
 *     an H.460.18 callee that is an H.460.19 media traversal client as
 *     well (feature 19 in its RRQ, with supportTransmitMultiplexedMedia
 *     for "mux"): it checks the gatekeeper's feature 19
 *     (mediaTraversalServer) in RCF and Setup, reads the relay's
 *     TraversalParameters from the Setup's fastStart ("fast") or from
 *     the OpenLogicalChannel(Ack)s on its H.245 connection to the
 *     Setup's h245Address ("slow": it opens channel 1, answers the
 *     caller's channel 2), gives its own (keepAlivePayloadType 116 and,
 *     with mux, its multiplexID H460_EP_MUX_ID), sends RTP keep-alives
 *     to the keepAliveChannel and RTP to the relay, prefixed with the
 *     relay's multiplexID when it multiplexes, and counts what comes in
 *     and how much of it carries its own multiplexID.
 *     H460_EP_RTP_PORT is its RTP port (required).
 *   h460_ep assent ADDR PORT
 *     Assent's port (not implemented): a Setup and, after an empty
 *     TPKT, a Facility each get Release Complete (cause 79, their call
 *     reference with the flag, the callIdentifier) and the connection is
 *     closed; garbage, an oversized TPKT and silence are closed.
 *   With H460_EP_SLOW=1 "caller" opens channel 2 over its separate H.245
 *   (H460_EP_H245_PORT) and answers the callee's channel 1, no fastStart;
 *   with H460_EP_HOLD=FILE it holds the call after its RTP until FILE
 *   exists and says how many packets came in meanwhile.
 */

static uint8_t arena_mem[1 << 18];
static int ras_fd = -1;
static void fail(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static int read_n(int fd, uint8_t *p, size_t n, int ms);

/* An h245Address for the next Setup (family 0: none). */
static struct sockaddr_in setup_h245;
/* fastStart elements for the next Setup or Connect (then cleared). */
static uint8_t fs_buf[2][512];
static size_t fs_len[2];
static unsigned fs_n;

static void olc_addr(struct lk_asn_arena *ar, struct lk_asn_val *lcp,
		     const char *name, const struct sockaddr_in *sin)
{
	struct lk_asn_val *ta = lk_asn_set(ar, lcp, name), *u, *ip, *v;

	u = ta ? lk_asn_set(ar, ta, "unicastAddress") : NULL;
	ip = u ? lk_asn_set(ar, u, "iPAddress") : NULL;
	v = ip ? lk_asn_set(ar, ip, "network") : NULL;
	if (!v || lk_asn_set_octets(ar, v, &sin->sin_addr, 4))
		fail("OLC address");
	v = lk_asn_set(ar, ip, "tsapIdentifier");
	if (!v)
		fail("OLC address");
	v->u.i = ntohs(sin->sin_port);
}

/* G.711 u-law, 20 ms, session 1, with these addresses (NULL: none). */
static void olc_audio(struct lk_asn_arena *ar, struct lk_asn_val *params,
		      const struct sockaddr_in *rtp,
		      const struct sockaddr_in *rtcp)
{
	struct lk_asn_val *v, *lcp;

	v = lk_asn_set(ar, lk_asn_set(ar, params, "dataType"), "audioData");
	v = lk_asn_set(ar, v, "g711Ulaw64k");
	if (!v)
		fail("OLC");
	v->u.i = 20;
	lcp = lk_asn_set(ar, lk_asn_set(ar, params, "multiplexParameters"),
			 "h2250LogicalChannelParameters");
	v = lk_asn_set(ar, lcp, "sessionID");
	if (!v)
		fail("OLC");
	v->u.i = 1;
	if (rtp)
		olc_addr(ar, lcp, "mediaChannel", rtp);
	if (rtcp)
		olc_addr(ar, lcp, "mediaControlChannel", rtcp);
}

/*
 * A fastStart OpenLogicalChannel (H.323 8.1.7) into fs_buf[fs_n]:
 * `receive` proposes the channel the sender receives on (its RTP and
 * RTCP in the reverse parameters); else the channel it sends.
 */
/* H.460.19 TraversalParameters for the next fs_add() (NULL: none). */
static const struct lk_h46019_tp *fs_tp;

static void fs_add(uint16_t lcn, bool receive, const struct sockaddr_in *rtp,
		   const struct sockaddr_in *rtcp)
{
	static uint8_t mem[LK_H245_ARENA];
	struct lk_asn_arena ar;
	struct lk_asn_val *olc, *v, *fwd;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	olc = lk_asn_new(&ar, &lk_h245_olc);
	v = olc ? lk_asn_set(&ar, olc, "forwardLogicalChannelNumber") : NULL;
	if (!v)
		fail("OLC");
	v->u.i = lcn;
	fwd = lk_asn_set(&ar, olc, "forwardLogicalChannelParameters");
	if (receive) {
		lk_asn_set(&ar, lk_asn_set(&ar, fwd, "dataType"), "nullData");
		lk_asn_set(&ar, lk_asn_set(&ar, fwd, "multiplexParameters"),
			   "none");
		olc_audio(&ar, lk_asn_set(&ar, olc,
			  "reverseLogicalChannelParameters"), rtp, rtcp);
	} else {
		olc_audio(&ar, fwd, rtp, rtcp);
	}
	if (fs_tp) {
		bool changed;

		if (lk_h46019_chan_set(&ar, olc, fs_tp, &changed))
			fail("TraversalParameters not set");
	}
	if (lk_h245_encode(olc, fs_buf[fs_n], sizeof(fs_buf[0]),
			   &fs_len[fs_n]))
		fail("OLC not encoded");
	fs_n++;
}

/*
 * Where a fastStart element of `uu` says to send RTP: the mediaChannel
 * of the first OLC that has one (forward or reverse parameters).
 */
static bool fs_rtp_dest(const struct lk_asn_val *uu, const char *body,
			struct sockaddr_in *to)
{
	static uint8_t mem[LK_H245_ARENA];
	static const char *const paths[] = {
		"forwardLogicalChannelParameters.multiplexParameters."
		"h2250LogicalChannelParameters.mediaChannel.unicastAddress."
		"iPAddress",
		"reverseLogicalChannelParameters.multiplexParameters."
		"h2250LogicalChannelParameters.mediaChannel.unicastAddress."
		"iPAddress",
	};
	char path[96];
	const struct lk_asn_val *l;
	size_t i, k, errbit;

	snprintf(path, sizeof(path), "h323-uu-pdu.h323-message-body.%s."
		 "fastStart", body);
	l = lk_asn_get(uu, path);
	for (i = 0; l && i < l->u.list.n; i++) {
		struct lk_asn_arena ar;
		struct lk_asn_val *olc, *ip, *n, *p;

		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (lk_h245_olc_decode(l->u.list.v[i].u.str.p,
				       l->u.list.v[i].u.str.len, &ar, &olc,
				       &errbit))
			fail("a fastStart element that does not decode");
		for (k = 0; k < 2; k++) {
			ip = lk_asn_get(olc, paths[k]);
			n = ip ? lk_asn_get(ip, "network") : NULL;
			p = ip ? lk_asn_get(ip, "tsapIdentifier") : NULL;
			if (!n || !p || n->u.str.len != 4)
				continue;
			memset(to, 0, sizeof(*to));
			to->sin_family = AF_INET;
			memcpy(&to->sin_addr, n->u.str.p, 4);
			to->sin_port = htons((uint16_t)p->u.i);
			return true;
		}
	}
	return false;
}

/*
 * RTP: `n` 172-octet G.711 packets to `to` 20 ms apart (after `ka`
 * 12-octet keep-alives of payload type 116, H.460.19), counting what
 * comes in meanwhile and for `tail_ms` after: packets, and how many of
 * them were 12-octet keep-alives (which the relay must not forward).
 */
/*
 * H.460.19 multiplexing for rtp_run(): the multiplexID put in front of
 * what we send (0: none), the one expected in front of what comes in
 * (0: none), and how many came in with it.
 */
static uint32_t tx_mux_id, rx_mux_id;
static unsigned rx_with_id;

static void rtp_count(const uint8_t *in, ssize_t r, unsigned *got,
		      unsigned *got_ka)
{
	size_t hdr = 0;

	if (r <= 0)
		return;
	if (rx_mux_id && r >= 4 && in[0] == (uint8_t)(rx_mux_id >> 24) &&
	    in[1] == (uint8_t)(rx_mux_id >> 16) &&
	    in[2] == (uint8_t)(rx_mux_id >> 8) && in[3] == (uint8_t)rx_mux_id) {
		rx_with_id++;
		hdr = 4;
	}
	++*got;
	*got_ka += (size_t)r == 12 + hdr;
}

static void rtp_run(int fd, const struct sockaddr_in *to, unsigned ka,
		    unsigned n, int tail_ms, unsigned *got, unsigned *got_ka)
{
	uint8_t buf[176], in[2048], *pkt = buf + 4;
	unsigned i;
	int k;

	memset(buf, 0xff, sizeof(buf));
	buf[0] = (uint8_t)(tx_mux_id >> 24);
	buf[1] = (uint8_t)(tx_mux_id >> 16);
	buf[2] = (uint8_t)(tx_mux_id >> 8);
	buf[3] = (uint8_t)tx_mux_id;
	pkt[0] = 0x80;
	pkt[8] = pkt[9] = pkt[10] = pkt[11] = 0x11;
	for (i = 0; i < ka + n; i++) {
		size_t len = i < ka ? 12 : sizeof(buf) - 4;
		size_t hdr = tx_mux_id ? 4 : 0;
		struct pollfd pf = { fd, POLLIN, 0 };

		pkt[1] = i < ka ? 116 : 0;
		pkt[2] = (uint8_t)(i >> 8);
		pkt[3] = (uint8_t)i;
		if (i < ka)
			memset(pkt + 4, 0, 8);	/* ts 0, ssrc 0 */
		else
			pkt[7] = (uint8_t)i;
		if (sendto(fd, pkt - hdr, len + hdr, 0,
			   (const struct sockaddr *)to,
			   sizeof(*to)) != (ssize_t)(len + hdr))
			fail("RTP send: %s", strerror(errno));
		for (k = 0; k < 4 && poll(&pf, 1, 5) == 1; k++)
			rtp_count(in, recv(fd, in, sizeof(in), 0), got,
				  got_ka);
		usleep(i < ka ? 100000 : 20000);
	}
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, tail_ms) != 1)
			break;
		r = recv(fd, in, sizeof(in), 0);
		rtp_count(in, r, got, got_ka);
	}
}

static int udp_at(const struct sockaddr_in *sin)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (const struct sockaddr *)sin,
			   sizeof(*sin)) < 0)
		fail("UDP socket: %s", strerror(errno));
	return fd;
}
static unsigned extra_scis;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	exit(1);
}

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ok   ");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
}

static struct sockaddr_in ipv4(const char *a, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, a, &sin.sin_addr) != 1)
		fail("%s is no IPv4 address", a);
	return sin;
}

static void write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			fail("write: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

static int read_n(int fd, uint8_t *p, size_t n, int ms)
{
	while (n) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, ms) != 1)
			return -1;
		r = read(fd, p, n);
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One Q.931 message (empty TPKTs skipped); -1 on close or timeout. */
static int recv_msg(int fd, uint8_t *buf, struct lk_q931 *m,
		    struct lk_asn_val **uup, int ms)
{
	struct lk_asn_arena ar;
	const uint8_t *u;
	size_t n, ulen, off, errbit;

	do {
		if (read_n(fd, buf, 4, ms))
			return -1;
		if (buf[0] != 3)
			fail("not a TPKT from the gatekeeper");
		n = (size_t)buf[2] << 8 | buf[3];
		if (n < 4)
			fail("TPKT length %zu", n);
	} while (n == 4);
	if (read_n(fd, buf + 4, n - 4, ms))
		return -1;
	if (lk_q931_decode(m, buf + 4, n - 4, &off) ||
	    lk_q931_uu(m, &u, &ulen))
		fail("a message that is not Q.931 with user-user");
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	if (lk_h225_uu_decode(u, ulen, &ar, uup, &errbit))
		fail("a UU-PDU that does not decode (bit %zu)", errbit);
	return m->type;
}

static void set_eptype(struct lk_asn_arena *ar, struct lk_asn_val *body,
		       const char *name)
{
	struct lk_asn_val *ep = lk_asn_set(ar, body, name);

	lk_asn_set(ar, ep, "mc");
	lk_asn_set(ar, ep, "undefinedNode");
	lk_asn_set(ar, ep, "terminal");
}

static void set_alias(struct lk_asn_arena *ar, struct lk_asn_val *body,
		      const char *list, const char *text)
{
	struct lk_asn_val *l = lk_asn_set(ar, body, list);

	if (!l || lk_asn_seqof_resize(ar, l, 1) ||
	    lk_asn_set_str(ar, lk_asn_set(ar, &l->u.list.v[0], "h323-ID"),
			   text))
		fail("alias %s not built", text);
}

/* An H.245 MasterSlaveDetermination (terminalType 60, number 12345). */
static void msd(uint8_t *out, size_t cap, size_t *len)
{
	static uint8_t mem[8192];
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *m, *v;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	msg = lk_asn_new(&ar, &lk_h245_message);
	m = msg ? lk_asn_set(&ar, lk_asn_set(&ar, msg, "request"),
			     "masterSlaveDetermination") : NULL;
	v = m ? lk_asn_set(&ar, m, "terminalType") : NULL;
	if (!v)
		fail("MasterSlaveDetermination");
	v->u.i = 60;
	v = lk_asn_set(&ar, m, "statusDeterminationNumber");
	if (!v)
		fail("MasterSlaveDetermination");
	v->u.i = 12345;
	if (lk_h245_encode(msg, out, cap, len))
		fail("MasterSlaveDetermination not encoded");
}

/* Send a Q.931 message whose UU-PDU body is `kind`. */
static void send_msg(int fd, uint8_t type, const char *kind, uint16_t crv,
		     bool flag, const uint8_t callid[16], const char *dest)
{
	static uint8_t ubuf[4096], out[4200];
	struct lk_asn_arena ar;
	struct lk_asn_val *uu, *body, *v;
	struct lk_q931 m;
	size_t ulen, len;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	uu = lk_h225_uu_new(&ar, kind, &body);
	v = uu ? lk_asn_set(&ar, lk_asn_set(&ar, body, "callIdentifier"),
			    "guid") : NULL;
	if (!v || lk_asn_set_octets(&ar, v, callid, 16))
		fail("%s not built", kind);
	if (!strcmp(kind, "setup")) {
		set_alias(&ar, body, "sourceAddress", "caller");
		set_eptype(&ar, body, "sourceInfo");
		set_alias(&ar, body, "destinationAddress", dest);
		lk_asn_set(&ar, body, "activeMC");
		lk_asn_set_octets(&ar, lk_asn_set(&ar, body, "conferenceID"),
				  callid, 16);
		lk_asn_set(&ar, lk_asn_set(&ar, body, "conferenceGoal"),
			   "create");
		lk_asn_set(&ar, lk_asn_set(&ar, body, "callType"),
			   "pointToPoint");
		if (setup_h245.sin_family &&
		    lk_ras_set_ipv4(&ar, lk_asn_set(&ar, body, "h245Address"),
				    &setup_h245))
			fail("h245Address");
	} else if (!strcmp(kind, "callProceeding") ||
		   !strcmp(kind, "alerting")) {
		set_eptype(&ar, body, "destinationInfo");
	} else if (!strcmp(kind, "connect")) {
		uint8_t h245[64];
		size_t hlen;

		set_eptype(&ar, body, "destinationInfo");
		lk_asn_set_octets(&ar, lk_asn_set(&ar, body, "conferenceID"),
				  callid, 16);
		/* Tunnelled H.245 on the connection we opened. */
		msd(h245, sizeof(h245), &hlen);
		lk_asn_get(uu, "h323-uu-pdu.h245Tunnelling")->u.i = 1;
		v = lk_asn_set(&ar, lk_asn_get(uu, "h323-uu-pdu"),
			       "h245Control");
		if (!v || lk_asn_seqof_resize(&ar, v, 1) ||
		    lk_asn_set_octets(&ar, &v->u.list.v[0], h245, hlen))
			fail("h245Control");
	} else if (!strcmp(kind, "facility")) {
		/* H.460.18 8.3: undefinedReason, tunnelling on. */
		lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			   "undefinedReason");
		lk_asn_get(uu, "h323-uu-pdu.h245Tunnelling")->u.i = 1;
	} else if (!strcmp(kind, "releaseComplete")) {
		lk_asn_set(&ar, lk_asn_set(&ar, body, "reason"),
			   "undefinedReason");
	}
	if (fs_n) {
		unsigned i;

		v = lk_asn_set(&ar, body, "fastStart");
		if (!v || lk_asn_seqof_resize(&ar, v, fs_n))
			fail("fastStart");
		for (i = 0; i < fs_n; i++)
			if (lk_asn_set_octets(&ar, &v->u.list.v[i], fs_buf[i],
					      fs_len[i]))
				fail("fastStart");
		fs_n = 0;
	}
	ubuf[0] = LK_Q931_UU_PD;
	if (lk_h225_uu_encode(uu, ubuf + 1, sizeof(ubuf) - 1, &ulen))
		fail("%s not encoded", kind);
	lk_q931_init(&m, type, crv, flag);
	if (type == LK_Q931_SETUP && lk_q931_set_bearer(&m))
		fail("bearer");
	if (type == LK_Q931_RELEASE_COMPLETE &&
	    lk_q931_set_cause(&m, LK_Q931_CAUSE_NORMAL))
		fail("cause");
	if (lk_q931_set(&m, LK_Q931_IE_USER_USER, ubuf, ulen + 1) ||
	    lk_q931_encode(&m, true, out, sizeof(out), &len))
		fail("%s: Q.931 not encoded", kind);
	write_all(fd, out, len);
}

/*
 * H.460.18 8.5: an empty TPKT, the TCP keep-alive, in a segment of its
 * own as an endpoint's timer sends it (tshark 4.0 calls an empty TPKT
 * that shares a segment with messages a Malformed Q.931).
 */
static void send_keepalive(int fd)
{
	static const uint8_t ka[4] = { 3, 0, 0, 4 };

	usleep(50000);
	write_all(fd, ka, sizeof(ka));
	usleep(50000);
}

/* One H.245 message in a TPKT. */
static void send_h245(int fd, const uint8_t *pdu, size_t len)
{
	uint8_t out[300];

	if (len + 4 > sizeof(out))
		fail("H.245 message too long");
	out[0] = 3;
	out[1] = 0;
	out[2] = (uint8_t)((len + 4) >> 8);
	out[3] = (uint8_t)(len + 4);
	memcpy(out + 4, pdu, len);
	write_all(fd, out, len + 4);
}

/* One RAS message from the gatekeeper within ms: its kind, or NULL. */
static const char *ras_recv(struct lk_asn_val **msgp, int ms)
{
	static uint8_t buf[4096];
	struct pollfd pf = { ras_fd, POLLIN, 0 };
	struct lk_asn_arena ar;
	size_t errbit;
	ssize_t n;

	if (poll(&pf, 1, ms) != 1)
		return NULL;
	n = recv(ras_fd, buf, sizeof(buf), 0);
	if (n <= 0)
		fail("RAS recv: %s", strerror(errno));
	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	if (lk_ras_decode(buf, (size_t)n, &ar, msgp, &errbit))
		fail("a RAS message that does not decode (bit %zu)", errbit);
	return lk_ras_kind(*msgp);
}

static void ras_send(struct lk_asn_val *msg)
{
	uint8_t buf[2048];
	size_t len;

	if (lk_ras_encode(msg, buf, sizeof(buf), &len) ||
	    send(ras_fd, buf, len, 0) != (ssize_t)len)
		fail("RAS send");
}

/*
 * H.460.19 client (client19): 0 no, 1 yes, 2 multiplexing; slow: its
 * channels over H.245, not fastStart.  Our own TraversalParameters
 * (keepAlivePayloadType 116, our multiplexID with mux).
 */
static int ep19;
static bool ep_slow;
static struct lk_h46019_tp own_tp;

/* The relay's TraversalParameters in a fastStart element of `uu`. */
static bool fs_tp_get(const struct lk_asn_val *uu, const char *body,
		      struct lk_h46019_tp *tp)
{
	static uint8_t mem[LK_H245_ARENA];
	const struct lk_asn_val *l;
	char path[96];
	size_t i, errbit;

	snprintf(path, sizeof(path), "h323-uu-pdu.h323-message-body.%s."
		 "fastStart", body);
	l = lk_asn_get(uu, path);
	for (i = 0; l && i < l->u.list.n; i++) {
		struct lk_asn_arena ar;
		struct lk_asn_val *olc;

		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (!lk_h245_olc_decode(l->u.list.v[i].u.str.p,
					l->u.list.v[i].u.str.len, &ar, &olc,
					&errbit) &&
		    !lk_h46019_chan_get(olc, tp))
			return true;
	}
	return false;
}

/* Any TraversalParameters in a fastStart element or channel of `uu`? */
static bool fs_has_tp(const struct lk_asn_val *uu, const char *body)
{
	struct lk_h46019_tp tp;

	return fs_tp_get(uu, body, &tp);
}

/* One H.245 message within ms (empty TPKTs skipped), decoded into ar. */
static struct lk_asn_val *h245_recv(int fd, struct lk_asn_arena *ar, int ms)
{
	static uint8_t buf[4096];
	struct lk_asn_val *msg;
	size_t n, errbit;

	do {
		if (read_n(fd, buf, 4, ms))
			return NULL;
		n = (size_t)buf[2] << 8 | buf[3];
		if (buf[0] != 3 || n < 4 || n > sizeof(buf) ||
		    read_n(fd, buf + 4, n - 4, ms))
			fail("not a TPKT on H.245");
	} while (n == 4);
	if (lk_h245_decode(buf + 4, n - 4, ar, &msg, &errbit))
		fail("an H.245 message that does not decode");
	return msg;
}

/* OpenLogicalChannel `lcn`: G.711 we send, our RTCP where we take it. */
static void h245_olc(int fd, uint16_t lcn, const struct sockaddr_in *rtcp)
{
	static uint8_t mem[1 << 14];
	struct lk_asn_arena ar;
	struct lk_asn_val *m, *o, *v;
	uint8_t pdu[512];
	size_t len;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	m = lk_asn_new(&ar, &lk_h245_message);
	o = m ? lk_asn_set(&ar, lk_asn_set(&ar, m, "request"),
			   "openLogicalChannel") : NULL;
	v = o ? lk_asn_set(&ar, o, "forwardLogicalChannelNumber") : NULL;
	if (!v)
		fail("OLC");
	v->u.i = lcn;
	olc_audio(&ar, lk_asn_set(&ar, o, "forwardLogicalChannelParameters"),
		  NULL, rtcp);
	if (lk_h245_encode(m, pdu, sizeof(pdu), &len))
		fail("OLC not encoded");
	send_h245(fd, pdu, len);
}

/* Its Ack: session 1 at our RTP and RTCP, our parameters if any. */
static void h245_olcack(int fd, uint16_t lcn, const struct sockaddr_in *rtp,
			const struct sockaddr_in *rtcp,
			const struct lk_h46019_tp *tp)
{
	static uint8_t mem[1 << 14];
	struct lk_asn_arena ar;
	struct lk_asn_val *m, *o, *v, *lcp;
	uint8_t pdu[512];
	size_t len;
	bool changed;

	lk_asn_arena_init(&ar, mem, sizeof(mem));
	m = lk_asn_new(&ar, &lk_h245_message);
	o = m ? lk_asn_set(&ar, lk_asn_set(&ar, m, "response"),
			   "openLogicalChannelAck") : NULL;
	v = o ? lk_asn_set(&ar, o, "forwardLogicalChannelNumber") : NULL;
	if (!v)
		fail("OLCAck");
	v->u.i = lcn;
	lcp = lk_asn_set(&ar, lk_asn_set(&ar, o,
		"forwardMultiplexAckParameters"),
		"h2250LogicalChannelAckParameters");
	v = lcp ? lk_asn_set(&ar, lcp, "sessionID") : NULL;
	if (!v || !lk_asn_set(&ar, lcp, "flowControlToZero"))
		fail("OLCAck");
	v->u.i = 1;
	olc_addr(&ar, lcp, "mediaChannel", rtp);
	olc_addr(&ar, lcp, "mediaControlChannel", rtcp);
	if (tp && lk_h46019_chan_set(&ar, o, tp, &changed))
		fail("OLCAck parameters");
	if (lk_h245_encode(m, pdu, sizeof(pdu), &len))
		fail("OLCAck not encoded");
	send_h245(fd, pdu, len);
}

/*
 * Slow start on H.245 connection `fd`: our channel 1 is open (its Ack
 * tells where to send, *to) and the other side's channel 2 answered with
 * our addresses (and `tp`).  Either side's may come first.  *relay_tp
 * gets the TraversalParameters of the Ack or the OLC (has_ka_channel
 * false: none came).
 */
static void slow_channels(int fd, const struct sockaddr_in *rtp,
			  const struct sockaddr_in *rtcp,
			  const struct lk_h46019_tp *tp,
			  struct sockaddr_in *to, struct lk_h46019_tp *relay_tp)
{
	static uint8_t mem[1 << 16];
	bool acked = false, answered = false;
	struct lk_h46019_tp t;
	char a[INET_ADDRSTRLEN];

	memset(relay_tp, 0, sizeof(*relay_tp));
	while (!acked || !answered) {
		struct lk_asn_arena ar;
		struct lk_asn_val *m, *o, *v;

		lk_asn_arena_init(&ar, mem, sizeof(mem));
		m = h245_recv(fd, &ar, 10000);
		if (!m)
			fail("slow start: %s%s missing", acked ? "" :
			     "the Ack of our channel 1 ",
			     answered ? "" : "the other side's channel 2");
		if ((o = lk_asn_get(m, "response.openLogicalChannelAck"))) {
			struct lk_asn_val *ip, *n, *p;

			ip = lk_asn_get(o, "forwardMultiplexAckParameters."
				"h2250LogicalChannelAckParameters."
				"mediaChannel.unicastAddress.iPAddress");
			n = ip ? lk_asn_get(ip, "network") : NULL;
			p = ip ? lk_asn_get(ip, "tsapIdentifier") : NULL;
			if (!n || !p || n->u.str.len != 4)
				fail("OLCAck without a mediaChannel");
			memset(to, 0, sizeof(*to));
			to->sin_family = AF_INET;
			memcpy(&to->sin_addr, n->u.str.p, 4);
			to->sin_port = htons((uint16_t)p->u.i);
			if (!lk_h46019_chan_get(o, &t))
				*relay_tp = t;
			acked = true;
			say("slow start: channel 1 acknowledged, media to "
			    "%s:%u%s", inet_ntop(AF_INET, &to->sin_addr, a,
						 sizeof(a)),
			    ntohs(to->sin_port), lk_h46019_chan_get(o, &t) ?
			    "" : ", with TraversalParameters");
		} else if ((o = lk_asn_get(m, "request.openLogicalChannel"))) {
			v = lk_asn_get(o, "forwardLogicalChannelNumber");
			if (!lk_h46019_chan_get(o, &t))
				*relay_tp = t;
			h245_olcack(fd, v ? (uint16_t)v->u.i : 2, rtp, rtcp,
				    tp);
			answered = true;
			say("slow start: channel %u opened to us, answered%s",
			    v ? (unsigned)v->u.i : 0,
			    lk_h46019_chan_get(o, &t) ? "" :
			    " (it had TraversalParameters)");
		}
	}
}

/*
 * What the relay told us, checked: its keepAliveChannel is where our
 * media goes, with the interval; with mux its multiplexID and its mux
 * ports, and our media is prefixed with its ID, its media to us with
 * ours.  Without mux no multiplexID.
 */
static void client19_media(const struct lk_h46019_tp *tp,
			   const struct sockaddr_in *to)
{
	char a[INET_ADDRSTRLEN];

	if (!tp->has_ka_channel || !tp->has_ka_interval)
		fail("the relay gave no keepAliveChannel/keepAliveInterval");
	if (tp->ka_channel.sin_addr.s_addr != to->sin_addr.s_addr ||
	    tp->ka_channel.sin_port != to->sin_port)
		fail("keepAliveChannel %s:%u is not the mediaChannel",
		     inet_ntop(AF_INET, &tp->ka_channel.sin_addr, a,
			       sizeof(a)), ntohs(tp->ka_channel.sin_port));
	if (ep19 == 2) {
		if (!tp->has_mux_id || !tp->has_mux_media ||
		    !tp->has_mux_control || !tp->mux_id ||
		    tp->mux_media.sin_port != to->sin_port ||
		    ntohs(tp->mux_control.sin_port) !=
		    ntohs(to->sin_port) + 1)
			fail("the relay does not multiplex our media");
		tx_mux_id = tp->mux_id;
		rx_mux_id = own_tp.mux_id;
	} else if (tp->has_mux_id) {
		fail("a multiplexID for an endpoint that does not multiplex");
	}
	say("relay's TraversalParameters: keepAliveChannel %s:%u, "
	    "keepAliveInterval %u, multiplexID %u",
	    inet_ntop(AF_INET, &tp->ka_channel.sin_addr, a, sizeof(a)),
	    ntohs(tp->ka_channel.sin_port), tp->ka_interval,
	    tp->has_mux_id ? tp->mux_id : 0);
}

/* The RCF's or Setup's feature 19: fails unless we are served as asked. */
static void want_feature19(const struct lk_asn_val *body, const char *what)
{
	bool mux, server;

	if (!lk_h46019_feature(body, &mux, &server))
		fail("%s without feature 19 (H.460.19)", what);
	if (!server)
		fail("%s: feature 19 without mediaTraversalServer", what);
	say("%s: feature 19, mediaTraversalServer%s", what,
	    mux ? ", supportTransmitMultiplexedMedia" : "");
}

/* RRQ: full with `alias`, or a keep-alive for `epid`; H.460.18 offered. */
static void send_rrq(uint16_t seq, const struct sockaddr_in *own,
		     const char *alias, const char *epid)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body, *v, *vendor;
	struct sockaddr_in csa = *own;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	msg = lk_ras_new(&ar, "registrationRequest", seq, &body);
	if (!msg)
		fail("RRQ");
	lk_asn_set(&ar, body, "discoveryComplete");
	csa.sin_port = htons(1720);
	v = lk_asn_set(&ar, body, "callSignalAddress");
	lk_asn_seqof_resize(&ar, v, 1);
	lk_ras_set_ipv4(&ar, &v->u.list.v[0], &csa);
	v = lk_asn_set(&ar, body, "rasAddress");
	lk_asn_seqof_resize(&ar, v, 1);
	lk_ras_set_ipv4(&ar, &v->u.list.v[0], own);
	set_eptype(&ar, body, "terminalType");
	set_alias(&ar, body, "terminalAlias", alias);
	vendor = lk_asn_set(&ar, lk_asn_set(&ar, body, "endpointVendor"),
			    "vendor");
	lk_asn_set(&ar, vendor, "t35CountryCode")->u.i = 181;
	lk_asn_set(&ar, vendor, "t35Extension");
	lk_asn_set(&ar, vendor, "manufacturerCode");
	if (epid) {
		lk_asn_set(&ar, body, "keepAlive")->u.i = 1;
		lk_asn_set_str(&ar, lk_asn_set(&ar, body,
					       "endpointIdentifier"), epid);
	}
	if (lk_ras_add_feature(&ar, body, "supportedFeatures", LK_H460_18))
		fail("featureSet");
	if (ep19 && lk_h46019_feature_add(&ar, body, ep19 == 2, false))
		fail("featureSet 19");
	ras_send(msg);
}

/* The RCF to an RRQ: its endpointIdentifier and timeToLive. */
static void want_rcf(char *epid, size_t cap, long *ttl)
{
	struct lk_asn_val *msg, *body, *v;
	const char *kind = ras_recv(&msg, 5000);

	if (!kind || strcmp(kind, "registrationConfirm"))
		fail("RCF: got %s", kind ? kind : "nothing");
	body = lk_ras_body(msg);
	if (!lk_ras_has_feature(body, LK_H460_18))
		fail("RCF without H.460.18");
	if (ep19)
		want_feature19(body, "RCF");
	lk_asn_str_ascii(lk_asn_get(body, "endpointIdentifier"), epid, cap);
	v = lk_asn_get(body, "timeToLive");
	*ttl = v ? (long)v->u.i : -1;
}

/* Wait for an SCI: its seq, with the indication's address and call. */
static uint16_t want_sci(struct sockaddr_in *csa, uint8_t callid[16], int ms)
{
	struct lk_asn_val *msg;
	const char *kind = ras_recv(&msg, ms);
	uint16_t seq;

	if (!kind || strcmp(kind, "serviceControlIndication"))
		fail("SCI: got %s", kind ? kind : "nothing");
	if (lk_h46018_sci_incoming(lk_ras_body(msg), csa, callid))
		fail("SCI without an IncomingCallIndication");
	lk_ras_seqnum(msg, &seq);
	return seq;
}

static void send_scr(uint16_t seq)
{
	struct lk_asn_arena ar;
	struct lk_asn_val *msg, *body;

	lk_asn_arena_init(&ar, arena_mem, sizeof(arena_mem));
	msg = lk_ras_new(&ar, "serviceControlResponse", seq, &body);
	if (!msg || !lk_asn_set(&ar, lk_asn_set(&ar, body, "result"),
				"started"))
		fail("SCR");
	ras_send(msg);
}

/* SCIs that come now are extras (after our SCR): counted, answered. */
static void drain_ras(void)
{
	struct lk_asn_val *msg;
	const char *kind;
	uint16_t seq;

	while ((kind = ras_recv(&msg, 0))) {
		if (!strcmp(kind, "serviceControlIndication")) {
			extra_scis++;
			lk_ras_seqnum(msg, &seq);
			send_scr(seq);
		}
	}
}

static int caller(const char *gk, uint16_t port, const char *alias);

static int callee(const char *gk, uint16_t ras_port, const char *alias,
		  bool skip_first, const char *then_call)
{
	struct sockaddr_in g = ipv4(gk, ras_port), own, ici;
	socklen_t sl = sizeof(own);
	struct lk_asn_val *uu;
	struct lk_q931 m;
	uint8_t callid[16], id2[16], buf[70000];
	char epid[130], a[INET_ADDRSTRLEN];
	uint16_t seq, seq2, crv;
	long ttl;
	int fd, t, h245_fd = -1, rtp_fd = -1;
	const char *rtp_env = getenv("H460_EP_RTP_PORT");
	struct sockaddr_in rtp_to, own_rtp_kept, own_rtcp_kept;
	struct lk_h46019_tp relay_tp;

	memset(&relay_tp, 0, sizeof(relay_tp));
	ras_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ras_fd < 0 || connect(ras_fd, (struct sockaddr *)&g,
				  sizeof(g)) < 0 ||
	    getsockname(ras_fd, (struct sockaddr *)&own, &sl) < 0)
		fail("RAS socket: %s", strerror(errno));
	send_rrq(1, &own, alias, NULL);
	want_rcf(epid, sizeof(epid), &ttl);
	say("registered %s with H.460.18 from %s:%u, timeToLive %ld", alias,
	    inet_ntop(AF_INET, &own.sin_addr, a, sizeof(a)),
	    ntohs(own.sin_port), ttl);
	send_rrq(2, &own, alias, epid);
	want_rcf(epid, sizeof(epid), &ttl);
	say("keep-alive RRQ answered, timeToLive %ld", ttl);
	printf("ready\n");
	fflush(stdout);

	seq = want_sci(&ici, callid, 30000);
	say("SCI seq %u: call to be picked up at %s:%u", seq,
	    inet_ntop(AF_INET, &ici.sin_addr, a, sizeof(a)),
	    ntohs(ici.sin_port));
	if (skip_first) {
		seq2 = want_sci(&ici, id2, 5000);
		if (seq2 != seq || memcmp(id2, callid, 16))
			fail("the repeated SCI is another (seq %u)", seq2);
		say("SCI repeated without SCR, same seq %u", seq2);
	}
	send_scr(seq);

	/* A Facility naming another call gets nothing. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ici, sizeof(ici)) < 0)
		fail("connect to the indication's address: %s",
		     strerror(errno));
	memcpy(id2, callid, 16);
	id2[15] ^= 0x55;
	send_msg(fd, LK_Q931_FACILITY, "facility", 0, false, id2, NULL);
	if (recv_msg(fd, buf, &m, &uu, 1000) != -1)
		fail("a Facility for another call got an answer");
	close(fd);
	say("a Facility naming another call: no Setup");

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ici, sizeof(ici)) < 0)
		fail("connect to the indication's address: %s",
		     strerror(errno));
	t = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &t, sizeof(t));
	send_keepalive(fd);
	send_msg(fd, LK_Q931_FACILITY, "facility", 0, false, callid, NULL);
	say("connected out and sent Facility with the callIdentifier");

	t = recv_msg(fd, buf, &m, &uu, 10000);
	if (t != LK_Q931_SETUP)
		fail("no Setup on our connection (got %d)", t);
	if (lk_h46018_facility_callid(uu, id2) != ENOENT)
		fail("Setup parsed as a Facility");
	if (memcmp(lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup."
			      "callIdentifier.guid")->u.str.p, callid, 16))
		fail("the Setup is for another call");
	crv = m.crv;
	say("Setup for the indicated call, call reference %u", crv);
	if (ep19)
		want_feature19(lk_asn_get(uu, "h323-uu-pdu.h323-message-body."
					  "setup"), "Setup");
	if (rtp_env) {
		own_rtp_kept = own;
		own_rtp_kept.sin_port = htons((uint16_t)atoi(rtp_env));
		own_rtcp_kept = own_rtp_kept;
		own_rtcp_kept.sin_port = htons((uint16_t)(atoi(rtp_env) + 1));
		rtp_fd = udp_at(&own_rtp_kept);
		if (!ep_slow && !fs_rtp_dest(uu, "setup", &rtp_to))
			fail("no relay address in the Setup's fastStart");
		if (!ep_slow && ep19 && !fs_tp_get(uu, "setup", &relay_tp))
			fail("no TraversalParameters in the Setup's "
			     "fastStart");
	}
	{
		struct lk_asn_val *ha = lk_asn_get(uu, "h323-uu-pdu."
			"h323-message-body.setup.h245Address");
		struct sockaddr_in hs;
		uint8_t pdu[256];
		size_t plen;

		if (ha && !lk_ras_get_ipv4(ha, &hs)) {
			/* H.460.18 8.4: we connect; correlation first. */
			h245_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
					 0);
			if (h245_fd < 0 || connect(h245_fd,
			    (struct sockaddr *)&hs, sizeof(hs)) < 0)
				fail("H.245 connect to %s:%u: %s",
				     inet_ntop(AF_INET, &hs.sin_addr, a,
					       sizeof(a)), ntohs(hs.sin_port),
				     strerror(errno));
			t = 1;
			setsockopt(h245_fd, IPPROTO_TCP, TCP_NODELAY, &t,
				   sizeof(t));
			send_keepalive(h245_fd);
			if (lk_h46018_correlation_encode(callid, true, pdu,
							 sizeof(pdu), &plen))
				fail("correlation");
			send_h245(h245_fd, pdu, plen);
			usleep(50000);
			msd(pdu, sizeof(pdu), &plen);
			send_h245(h245_fd, pdu, plen);
			say("H.245 to the Setup's h245Address %s:%u: "
			    "connectionCorrelation, MasterSlaveDetermination",
			    a, ntohs(hs.sin_port));
			/* Slow start: our channel, RTCP to us. */
			if (ep_slow && rtp_fd >= 0)
				h245_olc(h245_fd, 1, &own_rtcp_kept);
		}
	}
	if (ep_slow && h245_fd < 0)
		fail("slow start without the Setup's h245Address");
	send_keepalive(fd);
	send_msg(fd, LK_Q931_CALL_PROCEEDING, "callProceeding", crv, true,
		 callid, NULL);
	send_msg(fd, LK_Q931_ALERTING, "alerting", crv, true, callid, NULL);
	send_keepalive(fd);
	if (rtp_fd >= 0 && !ep_slow) {
		fs_tp = ep19 ? &own_tp : NULL;
		fs_add(1, false, &own_rtp_kept, &own_rtcp_kept); /* Connect */
		fs_tp = NULL;
	}
	send_msg(fd, LK_Q931_CONNECT, "connect", crv, true, callid, NULL);
	say("answered: Call Proceeding, Alerting, Connect (empty TPKTs "
	    "between)");
	if (rtp_fd >= 0 && ep_slow)
		slow_channels(h245_fd, &own_rtp_kept, &own_rtcp_kept,
			      ep19 ? &own_tp : NULL, &rtp_to, &relay_tp);
	if (rtp_fd >= 0 && ep19)
		client19_media(&relay_tp, &rtp_to);
	if (rtp_fd >= 0) {
		unsigned got = 0, got_ka = 0;

		/* H.460.19: keep-alives first, which latch our NAT binding. */
		rtp_run(rtp_fd, &rtp_to, 3, 20, 1500, &got, &got_ka);
		say("RTP to %s:%u: 3 keep-alives and 20 sent, %u received "
		    "(%u keep-alives), %u with our multiplexID",
		    inet_ntop(AF_INET, &rtp_to.sin_addr, a, sizeof(a)),
		    ntohs(rtp_to.sin_port), got, got_ka, rx_with_id);
		close(rtp_fd);
	}
	drain_ras();
	t = recv_msg(fd, buf, &m, &uu, 15000);
	if (t != LK_Q931_RELEASE_COMPLETE)
		fail("no Release Complete (got %d)", t);
	say("Release Complete");
	close(fd);
	if (h245_fd >= 0)
		close(h245_fd);
	/* Past the gatekeeper's repeat interval: nothing more may come. */
	usleep(LK_H46018_SCI_RETRY_MS * 1000 + 500000);
	drain_ras();
	say("extra SCIs after our SCR: %u", extra_scis);
	if (extra_scis)
		return 1;
	/* A call from behind the NAT, as any routed call (part 1). */
	unsetenv("H460_EP_RTP_PORT");
	return then_call ? caller(gk, 1720, then_call) : 0;
}

/* Answer one call on TCP `port`: the Setup, then Connect; until released. */
static int answer(const char *addr, uint16_t port)
{
	struct sockaddr_in sin = ipv4(addr, port);
	struct lk_asn_val *uu, *v;
	struct lk_q931 m;
	uint8_t callid[16], buf[70000];
	int lfd, fd, one = 1, t;

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 4) < 0)
		fail("listen on %s:%u: %s", addr, port, strerror(errno));
	printf("ready\n");
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		fail("accept");
	t = recv_msg(fd, buf, &m, &uu, 60000);
	if (t != LK_Q931_SETUP)
		fail("no Setup (got %d)", t);
	v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body.setup."
		       "callIdentifier.guid");
	memcpy(callid, v->u.str.p, 16);
	say("Setup from the gatekeeper");
	send_msg(fd, LK_Q931_ALERTING, "alerting", m.crv, true, callid, NULL);
	send_msg(fd, LK_Q931_CONNECT, "connect", m.crv, true, callid, NULL);
	say("Alerting, Connect");
	t = recv_msg(fd, buf, &m, &uu, 15000);
	if (t != LK_Q931_RELEASE_COMPLETE)
		fail("no Release Complete (got %d)", t);
	say("Release Complete");
	close(fd);
	close(lfd);
	return 0;
}

/* An H.245 connection to our listener: its first message's kind. */
static void h245_accept(int lfd)
{
	static uint8_t mem[1 << 14];
	struct pollfd pf = { lfd, POLLIN, 0 };
	struct lk_asn_arena ar;
	struct lk_asn_val *h245;
	uint8_t buf[4096];
	size_t n, errbit;
	int fd;

	if (poll(&pf, 1, 5000) != 1 || (fd = accept(lfd, NULL, NULL)) < 0)
		fail("no H.245 connection to our h245Address");
	do {
		if (read_n(fd, buf, 4, 5000))
			fail("no H.245 message");
		n = (size_t)buf[2] << 8 | buf[3];
		if (buf[0] != 3 || n < 4 || n > sizeof(buf) ||
		    read_n(fd, buf + 4, n - 4, 5000))
			fail("not a TPKT on H.245");
	} while (n == 4);
	lk_asn_arena_init(&ar, mem, sizeof(mem));
	if (lk_h245_decode(buf + 4, n - 4, &ar, &h245, &errbit))
		fail("an H.245 message that does not decode");
	say("H.245 from the callee on our h245Address: %s",
	    lk_h245_kind(h245));
	close(fd);
}

static int caller(const char *gk, uint16_t port, const char *alias)
{
	struct sockaddr_in g = ipv4(gk, port);
	struct lk_asn_val *uu;
	struct lk_q931 m;
	uint8_t callid[16], buf[70000];
	int fd, t, lfd = -1, hfd = -1, one = 1;
	const char *h245env = getenv("H460_EP_H245_PORT");
	const char *rtp_env = getenv("H460_EP_RTP_PORT");
	bool slow = getenv("H460_EP_SLOW") != NULL;
	struct sockaddr_in rtp, rtcp, to;
	int rtp_fd = -1;

	if (h245env) {
		setup_h245 = ipv4(gk, (uint16_t)atoi(h245env));
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&setup_h245,
				    sizeof(setup_h245)) < 0 ||
		    listen(lfd, 2) < 0)
			fail("H.245 listener: %s", strerror(errno));
	}

	for (t = 0; t < 16; t++)
		callid[t] = (uint8_t)(0xa0 + t);
	callid[0] = (uint8_t)getpid();
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&g, sizeof(g)) < 0)
		fail("connect to the gatekeeper: %s", strerror(errno));
	if (rtp_env) {
		rtp = ipv4(gk, (uint16_t)atoi(rtp_env));
		rtcp = rtp;
		rtcp.sin_port = htons(ntohs(rtp.sin_port) + 1);
		rtp_fd = udp_at(&rtp);
		if (!slow) {
			fs_add(1, false, NULL, &rtcp);
			fs_add(2, true, &rtp, &rtcp);
		}
	}
	send_msg(fd, LK_Q931_SETUP, "setup", 77, false, callid, alias);
	say("Setup to %s sent", alias);
	do {
		t = recv_msg(fd, buf, &m, &uu, 20000);
		if (t < 0)
			fail("no Connect");
		if (t == LK_Q931_RELEASE_COMPLETE)
			fail("released before Connect");
	} while (t != LK_Q931_CONNECT);
	{
		struct lk_asn_val *hc = lk_asn_get(uu, "h323-uu-pdu.h245Control");
		struct lk_asn_val *h245;
		struct lk_asn_arena ar;
		static uint8_t mem[1 << 14];
		size_t errbit;

		lk_asn_arena_init(&ar, mem, sizeof(mem));
		if (!hc || hc->u.list.n != 1 ||
		    lk_h245_decode(hc->u.list.v[0].u.str.p,
				   hc->u.list.v[0].u.str.len, &ar, &h245,
				   &errbit))
			fail("Connect without the callee's tunnelled H.245");
		say("Connect, with the callee's tunnelled H.245 %s",
		    lk_h245_kind(h245));
	}
	/* The relay ends H.460.19: nothing of it reaches a plain side. */
	if (lk_h46019_feature(lk_asn_get(uu, "h323-uu-pdu.h323-message-body."
					 "connect"), NULL, NULL) ||
	    fs_has_tp(uu, "connect"))
		fail("H.460.19 feature or parameters in our Connect");
	if (rtp_fd >= 0 && !slow && !fs_rtp_dest(uu, "connect", &to))
		fail("no relay address in the Connect's fastStart");
	if (lfd >= 0 && slow && rtp_fd >= 0) {
		struct pollfd pf = { lfd, POLLIN, 0 };
		struct lk_h46019_tp tp;

		if (poll(&pf, 1, 5000) != 1 ||
		    (hfd = accept(lfd, NULL, NULL)) < 0)
			fail("no H.245 connection to our h245Address");
		h245_olc(hfd, 2, &rtcp);
		slow_channels(hfd, &rtp, &rtcp, NULL, &to, &tp);
		if (tp.has_ka_channel || tp.has_mux_id || tp.has_ka_pt)
			fail("H.460.19 TraversalParameters reached us");
		say("slow start over H.245: no TraversalParameters toward us");
		close(lfd);
		setup_h245.sin_family = 0;
	} else if (lfd >= 0) {
		h245_accept(lfd);
		close(lfd);
		setup_h245.sin_family = 0;
	}
	if (rtp_fd >= 0) {
		unsigned got = 0, got_ka = 0;
		char a[INET_ADDRSTRLEN];

		usleep(300000);	/* the callee latches first */
		rtp_run(rtp_fd, &to, 0, 20, 1000, &got, &got_ka);
		say("RTP to %s:%u: 20 sent, %u received (%u keep-alives)",
		    inet_ntop(AF_INET, &to.sin_addr, a, sizeof(a)),
		    ntohs(to.sin_port), got, got_ka);
		/*
		 * H460_EP_HOLD: the test looks at the relay meanwhile, and
		 * creates this file when done (at most 30 s).
		 */
		if (getenv("H460_EP_HOLD")) {
			for (t = 0; t < 300 &&
			     access(getenv("H460_EP_HOLD"), F_OK); t++)
				usleep(100000);
			got = 0;
			rtp_run(rtp_fd, &to, 0, 0, 0, &got, &got_ka);
			say("held the call; %u more came in meanwhile", got);
		}
		close(rtp_fd);
	}
	send_keepalive(fd);
	send_msg(fd, LK_Q931_RELEASE_COMPLETE, "releaseComplete", 77, false,
		 callid, NULL);
	say("Release Complete sent");
	usleep(300000);
	close(fd);
	if (hfd >= 0)
		close(hfd);
	return 0;
}

/*
 * Bad input on the H.460.18 H.245 port: garbage, an H.245 message that
 * is not the correlation, a correlation naming no call, nothing at all.
 * Each connection must be closed by the gatekeeper (EOF within `ms`).
 */
static int bad2777(const char *addr, uint16_t port)
{
	static const uint8_t garbage[] = "GET / HTTP/1.0\r\n\r\n";
	struct sockaddr_in sin = ipv4(addr, port);
	uint8_t pdu[256], id[16], b;
	size_t len;
	int i;

	for (i = 0; i < 4; i++) {
		struct pollfd pf;
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int ms = 3000;

		if (fd < 0 || connect(fd, (struct sockaddr *)&sin,
				      sizeof(sin)) < 0)
			fail("connect to %s:%u: %s", addr, port,
			     strerror(errno));
		memset(id, 0x5a, sizeof(id));
		if (i == 0) {
			write_all(fd, garbage, sizeof(garbage) - 1);
		} else if (i == 1) {
			msd(pdu, sizeof(pdu), &len);
			send_h245(fd, pdu, len);
		} else if (i == 2) {
			if (lk_h46018_correlation_encode(id, true, pdu,
							 sizeof(pdu), &len))
				fail("correlation");
			send_h245(fd, pdu, len);
		} else {
			ms = (LK_H323_H245PORT_TIMEOUT + 3) * 1000;
		}
		pf.fd = fd;
		pf.events = POLLIN;
		if (poll(&pf, 1, ms) != 1 || read(fd, &b, 1) > 0)
			fail("bad input %d on %u: the connection stayed open",
			     i, port);
		close(fd);
	}
	say("garbage, another H.245 message, an unknown call, silence: "
	    "each connection closed");
	return 0;
}

/* EOF on `fd` within ms? */
static bool closed_within(int fd, int ms)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	uint8_t b[256];
	ssize_t r;

	for (;;) {
		if (poll(&pf, 1, ms) != 1)
			return false;
		r = read(fd, b, sizeof(b));
		if (r <= 0)
			return true;
	}
}

static int assent(const char *addr, uint16_t port)
{
	static const uint8_t garbage[] = "GET / HTTP/1.0\r\n\r\n";
	struct sockaddr_in sin = ipv4(addr, port);
	uint8_t callid[16], buf[70000], big[5000];
	struct lk_asn_val *uu, *v;
	struct lk_q931 m;
	uint8_t cause;
	int i, t;

	for (i = 0; i < 16; i++)
		callid[i] = (uint8_t)(0x30 + i);
	for (i = 0; i < 5; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&sin,
				      sizeof(sin)) < 0)
			fail("connect to %s:%u: %s", addr, port,
			     strerror(errno));
		if (i < 2) {
			uint16_t crv = (uint16_t)(100 + i);

			if (i == 0) {
				send_msg(fd, LK_Q931_SETUP, "setup", crv,
					 false, callid, "someone");
			} else {
				send_keepalive(fd);
				send_msg(fd, LK_Q931_FACILITY, "facility",
					 crv, false, callid, NULL);
			}
			t = recv_msg(fd, buf, &m, &uu, 3000);
			if (t != LK_Q931_RELEASE_COMPLETE)
				fail("Assent: no Release Complete (got %d)", t);
			v = lk_asn_get(uu, "h323-uu-pdu.h323-message-body."
				       "releaseComplete.callIdentifier.guid");
			if (m.crv != crv || !m.crv_flag ||
			    lk_q931_cause(&m, &cause) || cause != 79 ||
			    !v || v->u.str.len != 16 ||
			    memcmp(v->u.str.p, callid, 16))
				fail("Assent: Release Complete with call "
				     "reference %u flag %d, cause %u, another "
				     "callIdentifier", m.crv, m.crv_flag,
				     cause);
			say("Assent: %s answered with Release Complete, cause "
			    "79, call reference %u", i ? "Facility" : "Setup",
			    crv);
		} else if (i == 2) {
			write_all(fd, garbage, sizeof(garbage) - 1);
		} else if (i == 3) {
			memset(big, 0x5a, sizeof(big));
			big[0] = 3;
			big[1] = 0;
			big[2] = 0xea;	/* a TPKT of 60000 octets */
			big[3] = 0x60;
			write_all(fd, big, sizeof(big));
		}
		if (!closed_within(fd, i == 4 ? 9000 : 3000))
			fail("Assent: connection %d stayed open", i);
		close(fd);
	}
	say("Assent: Setup and Facility released; garbage, an oversized "
	    "TPKT, silence: each connection closed");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "callee"))
		return callee(argv[2], (uint16_t)atoi(argv[3]), argv[4],
			      argc > 5 && !strcmp(argv[5], "skip-first-sci"),
			      argc > 6 ? argv[6] : NULL);
	if (argc == 7 && !strcmp(argv[1], "client19")) {
		const char *id = getenv("H460_EP_MUX_ID");

		ep19 = strcmp(argv[5], "mux") ? 1 : 2;
		ep_slow = !strcmp(argv[6], "slow");
		own_tp.has_ka_pt = true;
		own_tp.ka_pt = 116;
		if (ep19 == 2) {
			own_tp.has_mux_id = true;
			own_tp.mux_id = id ? (uint32_t)strtoul(id, NULL, 0) :
				0x10203040u;
		}
		return callee(argv[2], (uint16_t)atoi(argv[3]), argv[4],
			      false, NULL);
	}
	if (argc == 4 && !strcmp(argv[1], "assent"))
		return assent(argv[2], (uint16_t)atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "bad2777"))
		return bad2777(argv[2], (uint16_t)atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "answer"))
		return answer(argv[2], (uint16_t)atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "caller"))
		return caller(argv[2], (uint16_t)atoi(argv[3]), argv[4]);
	fprintf(stderr, "usage: h460_ep callee GK RAS_PORT ALIAS "
		"[skip-first-sci [THEN_CALL]] | caller GK Q931_PORT ALIAS | "
		"answer ADDR PORT\n");
	return 2;
}
