/* perf/lk-loadgen.c  RTP load through any ng relay: loss, latency, relay CPU */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <srtp2/srtp.h>
#ifdef LK_SRTP_NSS
#include <nss.h>
#endif

#include "bencode.h"
#include "ngframe.h"

/*
 * What it does, in order:
 *
 *  1. Pings the relay's ng control socket (rtpengine's protocol), so it
 *     can drive latchkeyd, rtpengine or perf/lk-reflector alike.
 *  2. Binds the endpoint sockets: one per endpoint (the default, two per
 *     session: side A, the offerer, and side B, the answerer) or, with
 *     --sockets N, N shared sockets per side so that the generator's own
 *     cost per packet stays well under the relay's (see "Why shared
 *     sockets" below).  The relay's side is the same either way: one
 *     socket pair per leg.
 *  3. Sets the sessions up: an offer with A's SDP, an answer with B's,
 *     up to --ng-window requests in flight, retransmitted with the same
 *     cookie (the relay answers a retransmission from its cache).
 *  4. Sends RTP both ways, every flow (a session's direction) paced at
 *     --rate packets/s, evenly spread over time, or as fast as it can
 *     (--rate 0).  Each packet has a real RTP header (sequence number,
 *     timestamp, SSRC) and, in its payload, a stamp: run, flow, a 32-bit
 *     sequence number and the CLOCK_REALTIME send time.
 *  5. Warm-up (--warmup s): media flows, latches form, nothing is counted;
 *     then the window (--duration s) during which everything is counted
 *     and the relay's CPU time is read (--relay-pid) at both ends; then a
 *     short drain for the packets still in flight, and the sessions are
 *     deleted.
 *
 * Counting.  Offered: packets sent in the window.  Forwarded: packets that
 * arrived in the window (the relay's output over the same interval as its
 * CPU time).  Loss: packets sent in the window that never arrived, up to
 * the end of the drain.  Reordered: a packet older than the newest one
 * seen on its flow; duplicate: a sequence number seen before (a sliding
 * bitmap of SEQ_WIN numbers per flow).  Latency: kernel receive time
 * (SO_TIMESTAMPNS, taken when the relay's send queued the packet on the
 * loopback, so the generator's own receive delay is not counted) minus
 * the send stamp, one value per unique packet sent in the window, in a
 * log-linear histogram of 3 % resolution.  Misdelivered: a packet that
 * arrived at an endpoint other than its flow's receiver (crossed streams).
 *
 * Why shared sockets.  On loopback the sender pays for delivery into the
 * receiver's socket.  With one socket per endpoint, each packet the
 * generator sends is one system call and each one it receives another,
 * the same work per packet as the relay's: the generator would saturate
 * its core at about the rate the relay saturates its own, and measure
 * itself.  With a few shared sockets it sends 16 packets per sendmmsg()
 * and receives 64 per recvmmsg(), and stays ahead of the relay.
 *
 * Why --spin.  A receiver asleep in epoll_wait() has to be woken by
 * whoever queues a packet for it, and on loopback that is the relay's
 * send: an inter-processor interrupt the relay pays for, and a cost a
 * real network (the far end on another host) does not put on the relay.
 * A generator that polls instead of sleeping is never woken, so the
 * relay's figure is its own work.  Its core shows 100 % busy; what the
 * generator can sustain shows as packets "skipped".
 *
 * --srtp (docs/srtp.md, docs/performance.md).  Side A speaks RTP/SAVP
 * with an SDES key of its own (AES_CM_128_HMAC_SHA1_80, or the suite
 * --srtp-suite names: AEAD_AES_128_GCM), and the offer
 * asks the relay for RTP/AVP towards B ("transport-protocol"): the relay
 * decrypts A -> B and encrypts B -> A.  The generator encrypts what A
 * sends after the send time is stamped, and decrypts what A receives with
 * the key of the relay's answer, through libsrtp2 of its own (not the
 * relay's code).  A flow's SSRC is its index + 1, which finds the
 * session of an encrypted packet.
 *
 * --srtp-pre: so that the generator's own crypto is not what limits the
 * load, A's RTP is encrypted before the run, every packet of every flow
 * that the paced schedule will send (with its flow, sequence number and
 * the phase its due time falls in), and sent as it is: no send time in
 * the stamp, so latency is measured on B -> A alone (the relay's encrypt
 * path); the phase the stamp carries is the one both ends count it in.
 * Each flow keeps its own SSRC and sequence, so the relay's replay check
 * sees what a live sender would send.  What A receives is still decrypted
 * and checked, packet by packet.
 */

#define LG_MAGIC	0x4c4b4c47u	/* "LKLG" */
/* The stamp: magic, run, flow, sequence, send time, phase, kind. */
#define STAMP_LEN	28
#define RTP_HDR		12
#define RX_BATCH	64
/*
 * Packets per sendmmsg(): every packet of a batch carries the clock read
 * just before the call, and on loopback the kernel delivers them one after
 * the other inside it (~1.5 us each), so a larger batch would add up to
 * the batch's length to the measured latency of its last packet.
 */
#define TX_BATCH	16
#define SEQ_WIN		4096		/* the duplicate bitmap's span */
#define SLOT		2048
#define HIST_SUB	32		/* sub-buckets per power of two */
#define HIST_N		(2 * HIST_SUB + 48 * HIST_SUB)
#define MAX_SESSIONS	100000
#define NG_MAX		64		/* requests in flight at most */
#define NG_BUF		4096

enum phase {
	PH_WARMUP = 0,
	PH_WINDOW,
	PH_DRAIN,
};

enum kind {
	K_RTP = 0,
	K_RTCP,
};

enum side {
	SIDE_A = 0,			/* offerer */
	SIDE_B,				/* answerer */
};

struct opts {
	struct sockaddr_storage ng;
	socklen_t nglen;
	char ngtext[64];
	char local[INET6_ADDRSTRLEN];
	unsigned sessions;
	double rate;			/* per flow; 0: flood */
	unsigned payload;
	unsigned pt;
	double duration;
	double warmup;
	double drain;
	double tick;			/* pacing wake-up, seconds */
	int cpu;
	pid_t relay_pid;
	int relay_cpu;
	const char *json;
	const char *label;
	bool quiet;
	bool rtcp;
	double rtcp_interval;
	bool rtcp_mux;
	bool mux[2];			/* [side] sends to the mux ports */
	bool mux_rx;			/* ... and receives multiplexed */
	unsigned pool;			/* 0: a socket per endpoint */
	unsigned ng_window;
	unsigned ng_timeout_ms;
	unsigned ng_tries;
	bool keep;
	bool spin;			/* never sleep: poll */
	bool ping_only;
	double wait_ready;
	const char *flags[16];
	unsigned nflags;
	bool srtp;			/* side A encrypts (SDES) */
	bool srtp_gcm;			/* ... with AEAD_AES_128_GCM */
	bool srtp_pre;			/* ... A's RTP encrypted before the run */
};

#define SRTP_KEY_LEN	30		/* AES_CM_128: key 16 + salt 14 */
#define SRTP_GCM_KEY_LEN 28		/* AEAD_AES_128_GCM: 16 + 12 */
#define SRTP_ROOM	(SRTP_MAX_TRAILER_LEN + 4)

/* Where one side sends, as the relay's reply SDP told it. */
struct remote {
	struct sockaddr_storage rtp;
	struct sockaddr_storage rtcp;
	socklen_t len;
	bool rtcp_mux;
	bool has_mux_id;
	uint32_t mux_id;
	char crypto[128];		/* the first a=crypto value, or "" */
	bool ok;
};

struct ep {
	int fd;
	uint16_t port;
	uint8_t side;
	bool rx_mux;			/* packets come multiplexed */
};

struct flow {
	struct ep *tx;			/* the socket it is sent from */
	struct ep *rx;			/* the socket it should reach */
	struct sockaddr_storage dst;
	struct sockaddr_storage dst_rtcp;
	socklen_t dlen;
	uint32_t ssrc;
	uint32_t tx_mux_id;		/* 0: none */
	uint32_t rx_mux_id;		/* 0: none */
	uint32_t seq;			/* next to send */
	uint32_t rtcp_seq;
	uint64_t sent[3];		/* RTP, by phase */
	uint64_t rtcp_sent[3];
	/* Receive side. */
	bool any;
	uint32_t hi;			/* newest sequence number + 1 */
	uint64_t rcvd[3];		/* unique RTP, by phase sent in */
	uint64_t rtcp_rcvd[3];
	uint64_t first_rx_mono;
	uint64_t bits[SEQ_WIN / 64];
};

struct session {
	struct remote to_relay[2];	/* [side]: where that side sends */
	/* --srtp: A's key, A's outbound and inbound contexts. */
	uint8_t a_key[SRTP_KEY_LEN];
	srtp_t a_tx, a_rx;
	int state;
	bool known;			/* the relay has the call: delete it */
	bool ready;			/* offer and answer went through */
};

enum sstate {
	SS_NEW = 0,
	SS_OFFERING,
	SS_OFFERED,
	SS_ANSWERING,
	SS_READY,
	SS_DELETING,
	SS_DELETED,
	SS_FAILED,
};

enum ngkind {
	NG_PING = 0,
	NG_OFFER,
	NG_ANSWER,
	NG_DELETE,
};

struct ngjob {
	bool busy;
	enum ngkind kind;
	unsigned session;
	char cookie[32];
	size_t cookielen;
	char buf[NG_BUF];
	size_t len;
	uint64_t sent_ms;
	unsigned tries;
};

struct totals {
	uint64_t sent, rcvd_unique, rtcp_sent, rtcp_rcvd;
	uint64_t rx_window;		/* arrived in the window, all */
	uint64_t rx_total;
	uint64_t tx_total;
};

struct lg {
	struct opts o;
	uint32_t run;
	unsigned nflows;
	struct session *sess;
	struct flow *flows;
	unsigned *order;		/* pacing order of the flows */
	unsigned norder;		/* flows of ready sessions */
	struct ep *eps;
	unsigned neps;
	int epfd;
	int ngfd;
	enum phase phase;

	/* Pacing. */
	uint64_t t0, t_win, t_win_end, t_end;	/* CLOCK_MONOTONIC ns */
	uint64_t k_sent;		/* packets sent (global index) */
	uint64_t skipped;		/* behind by more than 50 ms */
	uint32_t rtcp_every;		/* RTP packets per RTCP packet */

	/* Counters. */
	uint64_t tx_total, tx_errors, tx_window_rtcp;
	uint64_t rx_total, rx_window, rx_bad, rx_foreign, rx_misdelivered;
	uint64_t rx_mux_mismatch, rx_dup, rx_reord, rx_late, rx_trunc;
	uint64_t rx_srtp_fail, tx_srtp_fail;
	uint64_t rx_unstamped;		/* --srtp-pre: no send time */

	/* --srtp-pre: A flow's packets, encrypted, by flow / 2 and seq. */
	uint8_t *pre;
	uint8_t *pre_phase;
	uint32_t pre_n;			/* packets per flow */
	uint32_t pre_len;		/* each one's length */
	uint64_t tx_pre;		/* sent from it */
	uint64_t rx_no_ts;
	uint64_t hist[HIST_N];
	uint64_t hist_n, lat_max;

	/* Window measurements. */
	uint64_t win_start_mono, win_end_mono;
	uint64_t relay_cpu0, relay_cpu1;
	bool relay_cpu_ok;
	uint64_t busy0, busy1, total0, total1;	/* /proc/stat ticks */
	bool busy_ok;
	uint64_t all0, all1, steal0, steal1;	/* every CPU, ticks */
	uint64_t total0_all, total1_all;
	bool all_ok;
	uint64_t gen_cpu0, gen_cpu1;

	/* Setup. */
	unsigned setup_ok, setup_failed, deleted;
	double setup_s, delete_s;
	char first_error[256];
	unsigned ng_retransmits;

	/* Progress. */
	uint64_t prog_last, prog_tx, prog_rx, prog_cpu;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ns(clockid_t id, bool *ok)
{
	struct timespec ts;

	if (clock_gettime(id, &ts)) {
		*ok = false;
		return 0;
	}
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ---- the latency histogram: log-linear, 1/32 relative resolution ---- */

static unsigned hist_idx(uint64_t v)
{
	unsigned m, idx;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	m = 63u - (unsigned)__builtin_clzll(v);	/* 2^m <= v < 2^(m+1) */
	idx = 2 * HIST_SUB + (m - 6) * HIST_SUB +
	      (unsigned)((v >> (m - 5)) - HIST_SUB);
	return idx < HIST_N ? idx : HIST_N - 1;
}

/* The middle of a bucket. */
static double hist_val(unsigned idx)
{
	unsigned m, s;

	if (idx < 2 * HIST_SUB)
		return idx;
	m = 6 + (idx - 2 * HIST_SUB) / HIST_SUB;
	s = (idx - 2 * HIST_SUB) % HIST_SUB;
	return ((double)(HIST_SUB + s) + 0.5) * (double)(1ull << (m - 5));
}

static double hist_pct(const struct lg *g, double q)
{
	uint64_t want, acc = 0;
	unsigned i;

	if (!g->hist_n)
		return 0;
	want = (uint64_t)ceil(q * (double)g->hist_n);
	if (want < 1)
		want = 1;
	for (i = 0; i < HIST_N; i++) {
		acc += g->hist[i];
		if (acc >= want) {
			double v = hist_val(i);

			return v > (double)g->lat_max ? (double)g->lat_max : v;
		}
	}
	return (double)g->lat_max;
}

/* ---- addresses ---- */

static int parse_hostport(struct sockaddr_storage *ss, socklen_t *lenp,
			  const char *text)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	unsigned long port;
	char *end;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (text[0] == '[') {
		const char *rb = strchr(text, ']');

		if (!rb || rb[1] != ':')
			return EINVAL;
		hl = (size_t)(rb - text - 1);
		colon = rb + 1;
		text++;
	}
	else {
		colon = strrchr(text, ':');
		if (!colon)
			return EINVAL;
		hl = (size_t)(colon - text);
	}
	if (hl >= sizeof(host))
		return EINVAL;
	memcpy(host, text, hl);
	host[hl] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end || !port || port > 65535)
		return EINVAL;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*lenp = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*lenp = sizeof(*s6);
		return 0;
	}
	return EINVAL;
}

static int make_addr(struct sockaddr_storage *ss, socklen_t *lenp,
		     const char *host, uint16_t port)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		*lenp = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*lenp = sizeof(*s6);
		return 0;
	}
	return EINVAL;
}

static uint16_t get_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* ---- SDES (RFC 4568) for --srtp: base64 of key || salt ---- */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_enc(char *out, const uint8_t *in, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 |
			(i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
			(i + 2 < n ? in[i + 2] : 0);

		out[o++] = b64chars[v >> 18 & 63];
		out[o++] = b64chars[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64chars[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
	}
	out[o] = '\0';
}

/* Exactly `n` octets from base64 text; false if it is anything else. */
static bool b64_dec(uint8_t *out, size_t n, const char *in, size_t len)
{
	uint32_t acc = 0;
	size_t i, o = 0, bits = 0;

	for (i = 0; i < len && in[i] != '='; i++) {
		const char *c = memchr(b64chars, in[i], 64);

		if (!c || !in[i])
			return false;
		acc = acc << 6 | (uint32_t)(c - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == n)
				return false;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o == n;
}

/* --srtp's suite: its SDES name and key + salt length. */
static const char *srtp_suite(const struct opts *o)
{
	return o->srtp_gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
}

static size_t srtp_key_len(const struct opts *o)
{
	return o->srtp_gcm ? SRTP_GCM_KEY_LEN : SRTP_KEY_LEN;
}

/* A context of --srtp's suite for `key`, either way; NULL: failed. */
static srtp_t srtp_ctx(const struct opts *o, uint8_t *key, bool outbound)
{
	srtp_policy_t p;
	srtp_t s;

	memset(&p, 0, sizeof(p));
	if (o->srtp_gcm) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
	}
	else {
		srtp_crypto_policy_set_rtp_default(&p.rtp);
		srtp_crypto_policy_set_rtcp_default(&p.rtcp);
	}
	p.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	p.key = key;
	p.window_size = 1024;
	return srtp_create(&s, &p) == srtp_err_status_ok ? s : NULL;
}

/* ---- SDP: what we offer, and what the relay's reply tells us ---- */

static uint32_t our_mux_id(unsigned s, enum side side)
{
	/* Non-zero, distinct per receiving endpoint: easy to check. */
	return 0x10000000u + 2u * s + (uint32_t)side + 1u;
}

static int sdp_build(const struct lg *g, char *buf, size_t size, unsigned s,
		     enum side side, uint16_t port)
{
	const struct opts *o = &g->o;
	const char *ipv = strchr(o->local, ':') ? "IP6" : "IP4";
	size_t n;
	int r;

	r = snprintf(buf, size,
		     "v=0\r\n"
		     "o=lk-loadgen %u 1 IN %s %s\r\n"
		     "s=lk-loadgen\r\n"
		     "c=IN %s %s\r\n"
		     "t=0 0\r\n"
		     "m=audio %u %s %u\r\n"
		     "a=rtpmap:%u %s/8000\r\n"
		     "a=sendrecv\r\n",
		     2 * s + (unsigned)side + 1, ipv, o->local, ipv, o->local,
		     port, o->srtp && side == SIDE_A ? "RTP/SAVP" : "RTP/AVP",
		     o->pt, o->pt, o->pt == 8 ? "PCMA" : "PCMU");
	if (r < 0 || (size_t)r >= size)
		return ENOSPC;
	n = (size_t)r;
	if (o->srtp && side == SIDE_A) {
		char k[64];

		b64_enc(k, g->sess[s].a_key, srtp_key_len(o));
		n += (size_t)snprintf(buf + n, size - n, "a=crypto:1 "
				      "%s inline:%s\r\n", srtp_suite(o), k);
	}
	/*
	 * RTCP leaves from and comes back to the RTP socket: say so, so that
	 * a relay that sends to the SDP address (the reflector) finds it.
	 */
	if (o->rtcp && !o->rtcp_mux)
		n += (size_t)snprintf(buf + n, size - n, "a=rtcp:%u\r\n", port);
	if (o->rtcp_mux)
		n += (size_t)snprintf(buf + n, size - n, "a=rtcp-mux\r\n");
	if (o->mux[side] && o->mux_rx)
		n += (size_t)snprintf(buf + n, size - n,
				      "a=x-latchkey-muxid:%u\r\n",
				      our_mux_id(s, side));
	return n < size ? 0 : ENOSPC;
}

static bool line_has(const char *l, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && !strncmp(l, prefix, pl);
}

/* "IN IP4 127.0.0.1" at p: the address, into buf. */
static bool sdp_conn_addr(char *buf, size_t size, const char *p, size_t len)
{
	size_t i = 0;

	if (len < 7 || strncmp(p, "IN IP", 5))
		return false;
	p += 7;
	len -= 7;
	while (len && *p == ' ') {
		p++;
		len--;
	}
	while (i < len && i + 1 < size && !isspace((unsigned char)p[i]) &&
	       p[i] != '/') {
		buf[i] = p[i];
		i++;
	}
	buf[i] = '\0';
	return i > 0;
}

/* The first audio section only: the generator offers one. */
static int sdp_parse(struct remote *r, const char *sdp, size_t len)
{
	char sess_addr[INET6_ADDRSTRLEN] = "";
	char media_addr[INET6_ADDRSTRLEN] = "";
	char rtcp_addr[INET6_ADDRSTRLEN] = "";
	unsigned long port = 0, rtcp_port = 0;
	const char *p = sdp, *end = sdp + len;
	bool in_media = false, done = false;
	const char *addr;
	int err;

	memset(r, 0, sizeof(*r));
	while (p < end && !done) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll && p[ll - 1] == '\r')
			ll--;
		if (line_has(p, ll, "m=")) {
			if (in_media)
				done = true;
			else {
				const char *sp = memchr(p, ' ', ll);

				in_media = true;
				if (sp)
					port = strtoul(sp + 1, NULL, 10);
			}
		}
		else if (line_has(p, ll, "c=")) {
			sdp_conn_addr(in_media ? media_addr : sess_addr,
				      sizeof(media_addr), p + 2, ll - 2);
		}
		else if (in_media && line_has(p, ll, "a=rtcp-mux")) {
			r->rtcp_mux = true;
		}
		else if (in_media && line_has(p, ll, "a=rtcp:")) {
			char *e;

			rtcp_port = strtoul(p + 7, &e, 10);
			if ((size_t)(e - p) < ll && *e == ' ')
				sdp_conn_addr(rtcp_addr, sizeof(rtcp_addr),
					      e + 1, ll - (size_t)(e + 1 - p));
		}
		else if (in_media && line_has(p, ll, "a=crypto:") &&
			 !r->crypto[0]) {
			snprintf(r->crypto, sizeof(r->crypto), "%.*s",
				 (int)(ll - 9), p + 9);
		}
		else if (in_media && line_has(p, ll, "a=x-latchkey-muxid:")) {
			r->mux_id = (uint32_t)strtoul(p + 19, NULL, 10);
			r->has_mux_id = true;
		}
		p = eol ? eol + 1 : end;
	}
	if (!in_media || !port || port > 65535)
		return EBADMSG;
	addr = media_addr[0] ? media_addr : sess_addr;
	err = make_addr(&r->rtp, &r->len, addr, (uint16_t)port);
	if (err)
		return err;
	if (r->rtcp_mux)
		r->rtcp = r->rtp;
	else if (make_addr(&r->rtcp, &r->len, rtcp_addr[0] ? rtcp_addr : addr,
			   (uint16_t)(rtcp_port && rtcp_port < 65536 ?
				      rtcp_port : port + 1)))
		return EBADMSG;
	r->ok = true;
	return 0;
}

/* ---- the ng client ---- */

static void ng_cookie(struct lg *g, struct ngjob *j)
{
	static unsigned long next;

	j->cookielen = (size_t)snprintf(j->cookie, sizeof(j->cookie),
					"%08x_%lu", g->run, ++next);
}

static void enc_flags(struct lk_bencode_enc *e, const struct opts *o)
{
	unsigned i;

	if (!o->nflags)
		return;
	lk_bencode_enc_key(e, "flags");
	lk_bencode_enc_list_begin(e);
	for (i = 0; i < o->nflags; i++)
		lk_bencode_enc_cstr(e, o->flags[i]);
	lk_bencode_enc_list_end(e);
}

/* Encode the request for job `j` (keys in bencode order). */
static int ng_encode(struct lg *g, struct ngjob *j, const uint16_t *ports)
{
	struct lk_bencode_enc e;
	char callid[48], ftag[24], ttag[24], sdp[1024];
	size_t n, blen;
	int err;

	ng_cookie(g, j);
	if (j->cookielen + 1 >= sizeof(j->buf))
		return ENOSPC;
	memcpy(j->buf, j->cookie, j->cookielen);
	j->buf[j->cookielen] = ' ';
	n = j->cookielen + 1;
	lk_bencode_enc_init(&e, j->buf + n, sizeof(j->buf) - n);
	snprintf(callid, sizeof(callid), "lkgen-%08x-%u", g->run, j->session);
	snprintf(ftag, sizeof(ftag), "a%u", j->session);
	snprintf(ttag, sizeof(ttag), "b%u", j->session);

	lk_bencode_enc_dict_begin(&e);
	switch (j->kind) {
	case NG_PING:
		lk_bencode_enc_pair_str(&e, "command", "ping");
		break;
	case NG_OFFER:
		err = sdp_build(g, sdp, sizeof(sdp), j->session, SIDE_A,
				ports[SIDE_A]);
		if (err)
			return err;
		lk_bencode_enc_pair_str(&e, "call-id", callid);
		lk_bencode_enc_pair_str(&e, "command", "offer");
		enc_flags(&e, &g->o);
		lk_bencode_enc_pair_str(&e, "from-tag", ftag);
		if (g->o.mux[SIDE_A] || g->o.mux[SIDE_B]) {
			lk_bencode_enc_key(&e, "latchkey-mux");
			lk_bencode_enc_list_begin(&e);
			if (g->o.mux[SIDE_A])
				lk_bencode_enc_cstr(&e, "answer");
			if (g->o.mux[SIDE_B])
				lk_bencode_enc_cstr(&e, "offer");
			lk_bencode_enc_list_end(&e);
		}
		lk_bencode_enc_pair_str(&e, "sdp", sdp);
		if (g->o.srtp)
			lk_bencode_enc_pair_str(&e, "transport-protocol",
						"RTP/AVP");
		break;
	case NG_ANSWER:
		err = sdp_build(g, sdp, sizeof(sdp), j->session, SIDE_B,
				ports[SIDE_B]);
		if (err)
			return err;
		lk_bencode_enc_pair_str(&e, "call-id", callid);
		lk_bencode_enc_pair_str(&e, "command", "answer");
		enc_flags(&e, &g->o);
		lk_bencode_enc_pair_str(&e, "from-tag", ftag);
		lk_bencode_enc_pair_str(&e, "sdp", sdp);
		lk_bencode_enc_pair_str(&e, "to-tag", ttag);
		break;
	case NG_DELETE:
		lk_bencode_enc_pair_str(&e, "call-id", callid);
		lk_bencode_enc_pair_str(&e, "command", "delete");
		lk_bencode_enc_pair_str(&e, "from-tag", ftag);
		break;
	}
	lk_bencode_enc_dict_end(&e);
	err = lk_bencode_enc_finish(&blen, &e);
	if (err)
		return err;
	j->len = n + blen;
	return 0;
}

static uint64_t mono_ms(void)
{
	return mono_ns() / 1000000u;
}

static void ng_send(struct lg *g, struct ngjob *j)
{
	if (send(g->ngfd, j->buf, j->len, 0) < 0 && errno != EAGAIN &&
	    errno != ECONNREFUSED)
		fprintf(stderr, "lk-loadgen: ng send: %s\n", strerror(errno));
	j->sent_ms = mono_ms();
	j->tries++;
}

/*
 * A reply: find its job by cookie and read "result" (and "sdp").
 * Returns the job, or NULL for a stray datagram.
 */
static struct ngjob *ng_reply(struct lg *g, struct ngjob *jobs, unsigned n,
			      const char *buf, size_t len, bool *okp,
			      struct remote *rem, char *why, size_t whysz)
{
	static struct lk_bencode_node nodes[512];
	const struct lk_bencode_node *root;
	struct lk_bencode_str res, sdp, reason;
	struct lk_ngframe fr;
	struct ngjob *j = NULL;
	unsigned i;

	*okp = false;
	why[0] = '\0';
	if (lk_ngframe_split(&fr, buf, len, NULL))
		return NULL;
	for (i = 0; i < n; i++) {
		if (jobs[i].busy && jobs[i].cookielen == fr.cookie.len &&
		    !memcmp(jobs[i].cookie, fr.cookie.p, fr.cookie.len)) {
			j = &jobs[i];
			break;
		}
	}
	if (!j)
		return NULL;
	if (lk_bencode_decode(&root, nodes, sizeof(nodes) / sizeof(nodes[0]),
			      fr.body.p, fr.body.len, NULL) ||
	    root->type != LK_BENCODE_DICT ||
	    lk_bencode_dict_get_str(&res, root, "result")) {
		snprintf(why, whysz, "undecodable reply");
		return j;
	}
	if (j->kind == NG_PING) {
		*okp = res.len == 4 && !memcmp(res.p, "pong", 4);
		return j;
	}
	if (!(res.len == 2 && !memcmp(res.p, "ok", 2))) {
		if (!lk_bencode_dict_get_str(&reason, root, "error-reason"))
			snprintf(why, whysz, "%.*s", (int)(reason.len > 200 ?
				 200 : reason.len), reason.p);
		else
			snprintf(why, whysz, "result \"%.*s\"", (int)(res.len >
				 40 ? 40 : res.len), res.p);
		return j;
	}
	if (j->kind == NG_DELETE) {
		*okp = true;
		return j;
	}
	if (lk_bencode_dict_get_str(&sdp, root, "sdp")) {
		snprintf(why, whysz, "reply without sdp");
		return j;
	}
	if (sdp_parse(rem, sdp.p, sdp.len)) {
		snprintf(why, whysz, "cannot read the reply SDP (no m= port "
			 "or c= address)");
		return j;
	}
	*okp = true;
	return j;
}

/* Ping until pong or `secs` pass. */
static int ng_ping(struct lg *g, double secs)
{
	struct ngjob j;
	uint64_t until = mono_ms() + (uint64_t)(secs * 1000);
	char buf[2048], why[256];
	struct remote rem;
	bool ok;

	memset(&j, 0, sizeof(j));
	j.kind = NG_PING;
	j.busy = true;
	if (ng_encode(g, &j, NULL))
		return EINVAL;
	do {
		uint64_t t;

		ng_send(g, &j);
		t = mono_ms() + 200;
		while (mono_ms() < t) {
			struct timeval tv = {0, 50000};
			ssize_t r;

			setsockopt(g->ngfd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv));
			r = recv(g->ngfd, buf, sizeof(buf), 0);
			if (r <= 0)
				continue;
			if (ng_reply(g, &j, 1, buf, (size_t)r, &ok, &rem, why,
				     sizeof(why)) && ok)
				return 0;
		}
	} while (mono_ms() < until && !interrupted);
	return ETIMEDOUT;
}

static const char *ng_kind_name(enum ngkind k)
{
	return k == NG_OFFER ? "offer" : k == NG_ANSWER ? "answer" :
		k == NG_DELETE ? "delete" : "ping";
}

/* The first failure is kept for the report; the rest are counted. */
static void ng_failed(struct lg *g, struct ngjob *j, const char *why)
{
	struct session *s = &g->sess[j->session];

	if (!g->first_error[0])
		snprintf(g->first_error, sizeof(g->first_error),
			 "session %u %s: %s", j->session,
			 ng_kind_name(j->kind), why);
	if (j->kind == NG_DELETE) {
		s->state = SS_DELETED;
		return;
	}
	s->state = SS_FAILED;
	g->setup_failed++;
}

/*
 * --srtp: A's contexts, its own key out and the key of the relay's answer
 * in.  "1 AES_CM_128_HMAC_SHA1_80 inline:<40 base64>[|...]".
 */
static bool srtp_answer(const struct opts *o, struct session *s,
			const struct remote *rem)
{
	uint8_t key[SRTP_KEY_LEN];
	const char *k = rem->crypto;
	char want[64];
	size_t wl;

	wl = (size_t)snprintf(want, sizeof(want), "1 %s inline:",
			      srtp_suite(o));
	if (strncmp(k, want, wl))
		return false;
	k += wl;
	if (!b64_dec(key, srtp_key_len(o), k, strcspn(k, "| ")))
		return false;
	if (!s->a_tx)
		s->a_tx = srtp_ctx(o, s->a_key, true);
	if (s->a_rx)
		srtp_dealloc(s->a_rx);
	s->a_rx = srtp_ctx(o, key, false);
	return s->a_tx && s->a_rx;
}

/* A successful reply: an offer makes the session's answer due. */
static void ng_done(struct lg *g, struct ngjob *j, const struct remote *rem,
		    unsigned *ready, unsigned *nready)
{
	struct session *s = &g->sess[j->session];

	switch (j->kind) {
	case NG_OFFER:
		s->to_relay[SIDE_B] = *rem;	/* where B sends */
		s->state = SS_OFFERED;
		s->known = true;
		ready[(*nready)++] = j->session;
		break;
	case NG_ANSWER:
		s->to_relay[SIDE_A] = *rem;
		if (g->o.srtp && !srtp_answer(&g->o, s, rem)) {
			ng_failed(g, j, "no usable a=crypto:1 "
				  "AES_CM_128_HMAC_SHA1_80 in the answer");
			break;
		}
		s->state = SS_READY;
		s->ready = true;
		g->setup_ok++;
		break;
	case NG_DELETE:
		s->state = SS_DELETED;
		s->known = false;
		g->deleted++;
		break;
	case NG_PING:
		break;
	}
}

/*
 * Run the offer/answer (or delete) exchange for every session, up to
 * ng_window requests in flight.  An offer's success makes the session's
 * answer the next thing to send, before newer offers.  A request without
 * a reply for ng_timeout_ms goes again with its cookie (the relay answers
 * from its cache), ng_tries times at most.
 */
static void ng_run(struct lg *g, bool deleting)
{
	struct ngjob *jobs;
	unsigned W = g->o.ng_window, i, next = 0, inflight = 0;
	unsigned *ready, nready = 0, rhead = 0;
	char buf[65536], why[256];
	uint64_t start = mono_ns();
	struct timeval tv = {0, 20000};
	struct remote rem;

	jobs = calloc(W, sizeof(*jobs));
	ready = calloc(g->o.sessions, sizeof(*ready));
	if (!jobs || !ready) {
		fprintf(stderr, "lk-loadgen: out of memory\n");
		exit(3);
	}
	setsockopt(g->ngfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		struct ngjob *j;
		ssize_t r;
		bool ok;

		/* Fill the window: answers first, then new offers. */
		for (i = 0; i < W && !interrupted; i++) {
			uint16_t ports[2];
			struct session *s;
			unsigned si;

			j = &jobs[i];
			if (j->busy)
				continue;
			if (rhead < nready) {
				si = ready[rhead++];
				j->kind = NG_ANSWER;
			}
			else if (next < g->o.sessions) {
				si = next++;
				s = &g->sess[si];
				if (deleting && !s->known)
					continue;
				j->kind = deleting ? NG_DELETE : NG_OFFER;
			}
			else
				break;
			s = &g->sess[si];
			j->session = si;
			j->tries = 0;
			ports[SIDE_A] = g->flows[2 * si + 1].rx->port;
			ports[SIDE_B] = g->flows[2 * si].rx->port;
			if (ng_encode(g, j, ports)) {
				ng_failed(g, j, "request too large");
				continue;
			}
			s->state = j->kind == NG_OFFER ? SS_OFFERING :
				j->kind == NG_ANSWER ? SS_ANSWERING :
				SS_DELETING;
			j->busy = true;
			inflight++;
			ng_send(g, j);
		}
		if (!inflight && (next >= g->o.sessions || interrupted) &&
		    rhead >= nready)
			break;

		r = recv(g->ngfd, buf, sizeof(buf), 0);
		j = r > 0 ? ng_reply(g, jobs, W, buf, (size_t)r, &ok, &rem,
				     why, sizeof(why)) : NULL;
		if (j) {
			j->busy = false;
			inflight--;
			if (ok)
				ng_done(g, j, &rem, ready, &nready);
			else
				ng_failed(g, j, why);
		}
		/* Again what timed out; give up after ng_tries. */
		for (i = 0; i < W; i++) {
			j = &jobs[i];
			if (!j->busy ||
			    mono_ms() - j->sent_ms < g->o.ng_timeout_ms)
				continue;
			if (j->tries < g->o.ng_tries) {
				g->ng_retransmits++;
				ng_send(g, j);
				continue;
			}
			snprintf(why, sizeof(why), "no reply from the relay "
				 "after %u tries", j->tries);
			j->busy = false;
			inflight--;
			ng_failed(g, j, why);
		}
	}
	if (deleting)
		g->delete_s = (double)(mono_ns() - start) / 1e9;
	else
		g->setup_s = (double)(mono_ns() - start) / 1e9;
	free(jobs);
	free(ready);
}

/* ---- endpoint sockets ---- */

static int ep_open(struct lg *g, struct ep *ep, enum side side)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, buf;

	if (make_addr(&ss, &sl, g->o.local, 0))
		return EINVAL;
	ep->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (ep->fd < 0)
		return errno;
	if (bind(ep->fd, (struct sockaddr *)&ss, sl) < 0 ||
	    getsockname(ep->fd, (struct sockaddr *)&ss, &sl) < 0)
		return errno;
	ep->port = get_port(&ss);
	ep->side = (uint8_t)side;
	ep->rx_mux = g->o.mux[side] && g->o.mux_rx;
	/*
	 * A shared socket receives a whole side's media: room for 50 ms of
	 * it at a few hundred thousand packets/s, so that a scheduling
	 * hiccup of the generator is not counted as the relay's loss.
	 * SO_RCVBUFFORCE (CAP_NET_ADMIN) passes net.core.rmem_max.
	 */
	if (g->o.pool) {
		buf = 16 << 20;
		if (setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
			       sizeof(buf)) < 0)
			setsockopt(ep->fd, SOL_SOCKET, SO_RCVBUF, &buf,
				   sizeof(buf));
		buf = 4 << 20;
		if (setsockopt(ep->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
			       sizeof(buf)) < 0)
			setsockopt(ep->fd, SOL_SOCKET, SO_SNDBUF, &buf,
				   sizeof(buf));
	}
	setsockopt(ep->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	{
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ep};

		if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, ep->fd, &ev) < 0)
			return errno;
	}
	return 0;
}

static int fd_budget(unsigned need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return errno;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && need + 32 > rl.rlim_cur) {
		fprintf(stderr, "lk-loadgen: %u endpoint sockets need more "
			"file descriptors than RLIMIT_NOFILE (%llu) allows; "
			"use --sockets N or raise ulimit -n\n", need,
			(unsigned long long)rl.rlim_cur);
		return EMFILE;
	}
	return 0;
}

static int setup_endpoints(struct lg *g)
{
	unsigned S = g->o.sessions, i, side;
	int err;

	g->neps = g->o.pool ? 2 * (g->o.pool < S ? g->o.pool : S) : 2 * S;
	err = fd_budget(g->neps);
	if (err)
		return err;
	g->eps = calloc(g->neps, sizeof(*g->eps));
	if (!g->eps)
		return ENOMEM;
	for (i = 0; i < g->neps; i++) {
		/* Even: side A, odd: side B. */
		err = ep_open(g, &g->eps[i], (enum side)(i % 2));
		if (err) {
			fprintf(stderr, "lk-loadgen: endpoint socket %u: %s\n",
				i, strerror(err));
			return err;
		}
	}
	for (i = 0; i < S; i++) {
		for (side = 0; side < 2; side++) {
			unsigned e = 2 * (g->o.pool ? i % (g->neps / 2) : i) +
				side;
			/* Flow 2i+side: sent by `side`, to the other. */
			struct flow *f = &g->flows[2 * i + side];
			struct flow *back = &g->flows[2 * i + (1 - side)];

			f->tx = &g->eps[e];
			back->rx = &g->eps[e];
		}
	}
	return 0;
}

/*
 * Pacing order: flows sent from one socket are consecutive, so that the
 * packets due at a wake-up leave in one sendmmsg() per socket.
 */
static struct lg *order_g;	/* qsort() has no context argument */

static int order_cmp(const void *a, const void *b)
{
	unsigned ia = *(const unsigned *)a, ib = *(const unsigned *)b;
	const struct flow *fa = &order_g->flows[ia];
	const struct flow *fb = &order_g->flows[ib];

	if (fa->tx != fb->tx)
		return fa->tx < fb->tx ? -1 : 1;
	return ia < ib ? -1 : 1;
}

/* Destinations from the relay's replies; the flows of ready sessions. */
static void flows_ready(struct lg *g)
{
	unsigned i, n = 0;

	for (i = 0; i < g->nflows; i++) {
		struct flow *f = &g->flows[i];
		struct session *s = &g->sess[i / 2];
		unsigned side = i % 2;
		const struct remote *r = &s->to_relay[side];

		if (!s->ready)
			continue;
		f->dst = r->rtp;
		f->dst_rtcp = (g->o.rtcp_mux && r->rtcp_mux) ? r->rtp : r->rtcp;
		f->dlen = r->len;
		f->tx_mux_id = (g->o.mux[side] && r->has_mux_id) ? r->mux_id :
			0;
		f->rx_mux_id = g->o.mux[1 - side] && g->o.mux_rx ?
			our_mux_id(i / 2, (enum side)(1 - side)) : 0;
		/* --srtp: the SSRC finds the flow of an encrypted packet. */
		f->ssrc = g->o.srtp ? i + 1 : (uint32_t)random();
		g->order[n++] = i;
	}
	order_g = g;
	qsort(g->order, n, sizeof(*g->order), order_cmp);
	g->norder = n;
}

/* ---- sending ---- */

struct txmeta {
	unsigned flow;
	uint8_t kind;
	int8_t pre_phase;		/* -1, or pre-encrypted: its phase */
	uint16_t soff;			/* where the stamp is */
};

/* One batch for one socket; static: 16 slots of 2 KiB. */
static struct {
	struct mmsghdr msgs[TX_BATCH];
	struct iovec iov[TX_BATCH];
	struct txmeta meta[TX_BATCH];
	uint8_t buf[TX_BATCH][SLOT];
	unsigned n;
	int fd;
} txq;

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void stamp_put(uint8_t *p, const struct lg *g, uint32_t flow,
		      uint32_t seq, enum kind kind, enum phase phase)
{
	put_be32(p, LG_MAGIC);
	put_be32(p + 4, g->run);
	put_be32(p + 8, flow);
	put_be32(p + 12, seq);
	/* p + 16: the send time, written just before the system call */
	p[24] = (uint8_t)phase;
	p[25] = (uint8_t)kind;
	p[26] = 0;
	p[27] = 0;
}

/* --srtp: A's packets leave encrypted, stamp and all (SLOT has room). */
static void tx_protect(struct lg *g)
{
	unsigned i;

	for (i = 0; i < txq.n; i++) {
		int len = (int)txq.iov[i].iov_len;

		if (txq.meta[i].flow % 2 != SIDE_A ||
		    txq.meta[i].pre_phase >= 0)
			continue;
		if (srtp_protect(g->sess[txq.meta[i].flow / 2].a_tx,
				 txq.buf[i], &len) != srtp_err_status_ok)
			g->tx_srtp_fail++;
		else
			txq.iov[i].iov_len = (size_t)len;
	}
}

static void tx_flush(struct lg *g)
{
	unsigned i, sent = 0;
	uint64_t now;

	if (!txq.n)
		return;
	now = real_ns();
	for (i = 0; i < txq.n; i++)
		if (txq.meta[i].pre_phase < 0)
			put_be64(txq.buf[i] + txq.meta[i].soff + 16, now);
	if (g->o.srtp)
		tx_protect(g);
	while (sent < txq.n) {
		int r = sendmmsg(txq.fd, txq.msgs + sent, txq.n - sent,
				 MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS, EAGAIN: not sent, so not offered. */
			g->tx_errors += txq.n - sent;
			break;
		}
		sent += (unsigned)r;
	}
	for (i = 0; i < sent; i++) {
		struct flow *f = &g->flows[txq.meta[i].flow];

		if (txq.meta[i].pre_phase >= 0) {
			f->sent[txq.meta[i].pre_phase]++;
			g->tx_pre++;
		}
		else if (txq.meta[i].kind == K_RTP)
			f->sent[g->phase]++;
		else
			f->rtcp_sent[g->phase]++;
	}
	g->tx_total += sent;
	txq.n = 0;
}

/* An RTP packet of flow fi (header and stamped payload) at q. */
static void rtp_build(const struct lg *g, uint8_t *q, const struct flow *f,
		      unsigned fi, uint32_t seq, enum phase phase)
{
	uint32_t ts_inc = g->o.rate > 0 && g->o.rate <= 8000 ?
		(uint32_t)(8000 / g->o.rate) : 160;

	q[0] = 0x80;
	q[1] = (uint8_t)((seq == 0 ? 0x80 : 0) | g->o.pt);
	put_be16(q + 2, (uint16_t)seq);
	put_be32(q + 4, seq * ts_inc);
	put_be32(q + 8, f->ssrc);
	stamp_put(q + RTP_HDR, g, fi, seq, K_RTP, phase);
}

/*
 * --srtp-pre: A's RTP for the whole run, encrypted now.  Packet j of the
 * flow at position `pos` of the pacing order is due at (j F + pos) / R
 * after the start (send_due()); its stamp carries the phase that time
 * falls in and no send time.  Returns 0, ENOMEM or EIO.
 */
static int srtp_pre_build(struct lg *g)
{
	double R = g->o.rate * g->norder;
	uint64_t bytes;
	unsigned k, F = g->norder;
	uint8_t tmp[SLOT];
	int len;

	g->pre_n = (uint32_t)ceil(g->o.rate * (g->o.warmup + g->o.duration))
		+ 1;
	len = (int)(RTP_HDR + g->o.payload);
	g->pre_len = (uint32_t)len + (g->o.srtp_gcm ? 16 : 10);
	bytes = (uint64_t)g->o.sessions * g->pre_n * g->pre_len;
	if (bytes > (1ull << 30))
		return ENOMEM;
	g->pre = malloc((size_t)bytes);
	g->pre_phase = malloc((size_t)g->o.sessions * g->pre_n);
	if (!g->pre || !g->pre_phase)
		return ENOMEM;
	for (k = 0; k < F; k++) {
		unsigned fi = g->order[k];
		struct session *s = &g->sess[fi / 2];
		uint32_t j;

		if (fi % 2 != SIDE_A)
			continue;
		for (j = 0; j < g->pre_n; j++) {
			size_t at = (size_t)(fi / 2) * g->pre_n + j;
			double due = ((double)j * F + k) / R;
			enum phase ph = due < g->o.warmup ? PH_WARMUP :
				PH_WINDOW;
			int l = len;

			memset(tmp, 0xff, (size_t)len);	/* PCMU silence */
			rtp_build(g, tmp, &g->flows[fi], fi, j, ph);
			put_be64(tmp + RTP_HDR + 16, 0);
			if (srtp_protect(s->a_tx, tmp, &l) != srtp_err_status_ok
			    || (uint32_t)l != g->pre_len)
				return EIO;
			memcpy(g->pre + at * g->pre_len, tmp, g->pre_len);
			g->pre_phase[at] = (uint8_t)ph;
		}
	}

	return 0;
}

static void tx_add(struct lg *g, struct flow *f, unsigned fi, enum kind kind)
{
	uint8_t *p, *q;
	unsigned i;
	size_t off = 0, len;

	if (txq.n && (txq.fd != f->tx->fd || txq.n == TX_BATCH))
		tx_flush(g);
	i = txq.n++;
	txq.fd = f->tx->fd;
	p = txq.buf[i];
	if (f->tx_mux_id) {
		put_be32(p, f->tx_mux_id);	/* H.460.19 multiplexID */
		off = 4;
	}
	q = p + off;
	txq.meta[i].pre_phase = -1;
	if (kind == K_RTP && g->pre && fi % 2 == SIDE_A &&
	    f->seq < g->pre_n) {
		size_t at = ((size_t)(fi / 2) * g->pre_n + f->seq);

		memcpy(q, g->pre + at * g->pre_len, g->pre_len);
		txq.meta[i].pre_phase = (int8_t)g->pre_phase[at];
		txq.meta[i].soff = (uint16_t)(off + RTP_HDR);
		len = off + g->pre_len;
		f->seq++;
		txq.msgs[i].msg_hdr.msg_name = &f->dst;
	}
	else if (kind == K_RTP) {
		rtp_build(g, q, f, fi, f->seq, g->phase);
		txq.meta[i].soff = (uint16_t)(off + RTP_HDR);
		len = off + RTP_HDR + g->o.payload;
		f->seq++;
		txq.msgs[i].msg_hdr.msg_name = &f->dst;
	}
	else {
		uint64_t now = real_ns();

		/* SR without report blocks (RFC 3550 s.6.4.1) ... */
		q[0] = 0x80;
		q[1] = 200;
		put_be16(q + 2, 6);
		put_be32(q + 4, f->ssrc);
		put_be32(q + 8, (uint32_t)(now / 1000000000u + 2208988800u));
		put_be32(q + 12, (uint32_t)(((now % 1000000000u) << 32) /
					    1000000000u));
		put_be32(q + 16, f->seq * 160);
		put_be32(q + 20, f->seq);
		put_be32(q + 24, f->seq * g->o.payload);
		/* ... and an APP packet (s.6.7) named LKLG with the stamp. */
		q[28] = 0x80;
		q[29] = 204;
		put_be16(q + 30, 9);
		put_be32(q + 32, f->ssrc);
		memcpy(q + 36, "LKLG", 4);
		stamp_put(q + 40, g, fi, f->rtcp_seq++, K_RTCP, g->phase);
		txq.meta[i].soff = (uint16_t)(off + 40);
		len = off + 40 + STAMP_LEN;
		txq.msgs[i].msg_hdr.msg_name = &f->dst_rtcp;
	}
	txq.iov[i].iov_base = p;
	txq.iov[i].iov_len = len;
	txq.msgs[i].msg_hdr.msg_iov = &txq.iov[i];
	txq.msgs[i].msg_hdr.msg_iovlen = 1;
	txq.msgs[i].msg_hdr.msg_namelen = f->dlen;
	txq.msgs[i].msg_hdr.msg_control = NULL;
	txq.msgs[i].msg_hdr.msg_controllen = 0;
	txq.meta[i].flow = fi;
	txq.meta[i].kind = (uint8_t)kind;
}

/*
 * Send what is due.  Paced: packet k (of all flows, in `order`) is due
 * at t0 + k / R, R = rate x flows, so every flow sends every 1/rate s and
 * the flows are spread evenly over that interval.  A generator that falls
 * more than 50 ms behind skips ahead (counted as skipped) instead of
 * sending a burst the relay never saw in a real load.  Flood: 1,024
 * packets per pass, then the receive side gets its turn.
 */
static void send_due(struct lg *g, uint64_t now, double R)
{
	uint64_t due, k, cap;
	unsigned budget = 8192, F = g->norder;

	if (!F)
		return;
	if (R <= 0)
		due = g->k_sent + 1024;
	else {
		due = (uint64_t)((double)(now - g->t0) * R / 1e9) + 1;
		cap = (uint64_t)(R * 0.05) + 1;
		if (due > g->k_sent + cap) {
			g->skipped += due - cap - g->k_sent;
			g->k_sent = due - cap;
		}
	}
	for (k = g->k_sent; k < due && budget; k++, budget--) {
		unsigned fi = g->order[k % F];
		struct flow *f = &g->flows[fi];

		tx_add(g, f, fi, K_RTP);
		if (g->o.rtcp && f->seq % g->rtcp_every == 0)
			tx_add(g, f, fi, K_RTCP);
	}
	g->k_sent = k;
	tx_flush(g);
}

/* ---- receiving ---- */

static bool bit_test(const uint64_t *b, uint32_t s)
{
	s %= SEQ_WIN;
	return b[s / 64] >> (s % 64) & 1;
}

static void bit_set(uint64_t *b, uint32_t s)
{
	s %= SEQ_WIN;
	b[s / 64] |= 1ull << (s % 64);
}

static void bit_clear(uint64_t *b, uint32_t s)
{
	s %= SEQ_WIN;
	b[s / 64] &= ~(1ull << (s % 64));
}

/* False for a duplicate. */
static bool seq_new(struct lg *g, struct flow *f, uint32_t seq)
{
	if (!f->hi) {
		memset(f->bits, 0, sizeof(f->bits));
		bit_set(f->bits, seq);
		f->hi = seq + 1;
		return true;
	}
	if ((int32_t)(seq - f->hi) >= 0) {
		uint32_t gap = seq - f->hi + 1, s;

		if (gap >= SEQ_WIN)
			memset(f->bits, 0, sizeof(f->bits));
		else
			for (s = f->hi; s != seq + 1; s++)
				bit_clear(f->bits, s);
		bit_set(f->bits, seq);
		f->hi = seq + 1;
		return true;
	}
	if (f->hi - seq > SEQ_WIN) {
		g->rx_late++;		/* too old to tell; counted once */
		g->rx_reord++;
		return true;
	}
	if (bit_test(f->bits, seq)) {
		g->rx_dup++;
		return false;
	}
	bit_set(f->bits, seq);
	g->rx_reord++;
	return true;
}

/* The stamp inside an RTCP compound packet: its APP packet "LKLG". */
static const uint8_t *rtcp_stamp(const uint8_t *p, size_t len)
{
	while (len >= 4) {
		size_t plen = ((size_t)p[2] << 8 | p[3]) * 4 + 4;

		if (plen > len)
			return NULL;
		if (p[1] == 204 && plen >= 12 + STAMP_LEN &&
		    !memcmp(p + 8, "LKLG", 4))
			return p + 12;
		p += plen;
		len -= plen;
	}
	return NULL;
}

static void rx_packet(struct lg *g, struct ep *ep, uint8_t *p,
		      size_t len, uint64_t rx_ns, uint64_t now)
{
	uint32_t mux = 0, fi, seq;
	const uint8_t *st;
	struct flow *f;
	uint8_t phase, kind;
	uint64_t sent;

	g->rx_total++;
	if (g->phase == PH_WINDOW)
		g->rx_window++;
	if (ep->rx_mux) {
		if (len < 4)
			goto bad;
		mux = get_be32(p);
		p += 4;
		len -= 4;
	}
	if (len < 8 || (p[0] & 0xc0) != 0x80)
		goto bad;
	/* --srtp: what A receives is the relay's SRTP; SSRC = flow + 1. */
	if (g->o.srtp && ep->side == SIDE_A) {
		uint32_t ssrc = len >= RTP_HDR ? get_be32(p + 8) : 0;
		int l = (int)len;

		if (ssrc < 1 || ssrc > g->nflows || (ssrc - 1) % 2 != SIDE_B ||
		    !g->sess[(ssrc - 1) / 2].a_rx ||
		    srtp_unprotect(g->sess[(ssrc - 1) / 2].a_rx, p, &l) !=
		    srtp_err_status_ok) {
			g->rx_srtp_fail++;
			goto bad;
		}
		len = (size_t)l;
	}
	if (p[1] >= 200 && p[1] <= 204) {
		st = rtcp_stamp(p, len);
		if (!st)
			goto bad;
	}
	else {
		size_t hdr = RTP_HDR + 4u * (p[0] & 0x0f);

		if ((p[0] & 0x10) && len >= hdr + 4)
			hdr += 4 + 4 * ((size_t)p[hdr + 2] << 8 | p[hdr + 3]);
		if (len < hdr + STAMP_LEN)
			goto bad;
		st = p + hdr;
	}
	if (get_be32(st) != LG_MAGIC || get_be32(st + 4) != g->run) {
		g->rx_foreign++;
		return;
	}
	fi = get_be32(st + 8);
	seq = get_be32(st + 12);
	sent = get_be64(st + 16);
	phase = st[24];
	kind = st[25];
	if (fi >= g->nflows || phase > PH_WINDOW)
		goto bad;
	f = &g->flows[fi];
	if (f->rx != ep)
		g->rx_misdelivered++;
	if (f->rx_mux_id != mux)
		g->rx_mux_mismatch++;
	if (!f->first_rx_mono)
		f->first_rx_mono = now;
	if (kind == K_RTCP) {
		f->rtcp_rcvd[phase]++;
		return;
	}
	if (!seq_new(g, f, seq))
		return;
	f->rcvd[phase]++;
	if (!sent) {
		g->rx_unstamped++;	/* --srtp-pre: A's, no send time */
	}
	else if (phase == PH_WINDOW) {
		uint64_t lat = rx_ns > sent ? rx_ns - sent : 0;

		g->hist[hist_idx(lat)]++;
		g->hist_n++;
		if (lat > g->lat_max)
			g->lat_max = lat;
	}
	return;
 bad:
	g->rx_bad++;
}

static void rx_socket(struct lg *g, struct ep *ep, uint64_t now)
{
	static struct mmsghdr msgs[RX_BATCH];
	static struct iovec iov[RX_BATCH];
	static uint8_t bufs[RX_BATCH][SLOT];
	static char ctl[RX_BATCH][64];
	unsigned round, i;
	int n;

	/* At most 8 batches per socket per pass: share the wake-up. */
	for (round = 0; round < 8; round++) {
		uint64_t fallback = 0;

		for (i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = SLOT;
			memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(ep->fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < (unsigned)n; i++) {
			struct msghdr *mh = &msgs[i].msg_hdr;
			struct cmsghdr *c;
			uint64_t ts = 0;

			if (mh->msg_flags & MSG_TRUNC) {
				g->rx_total++;
				g->rx_trunc++;
				continue;
			}
			for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
				if (c->cmsg_level == SOL_SOCKET &&
				    c->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec t;

					memcpy(&t, CMSG_DATA(c), sizeof(t));
					ts = (uint64_t)t.tv_sec * 1000000000u +
					     (uint64_t)t.tv_nsec;
				}
			}
			if (!ts) {
				g->rx_no_ts++;
				if (!fallback)
					fallback = real_ns();
				ts = fallback;
			}
			rx_packet(g, ep, bufs[i], msgs[i].msg_len, ts, now);
		}
		if (n < RX_BATCH)
			return;
	}
}

/* ---- CPU accounting ---- */

/*
 * A line of /proc/stat: "cpu" (all CPUs) or "cpuN".  Busy counts user,
 * nice, system, irq, softirq and steal ticks.
 */
static bool cpu_stat(int cpu, uint64_t *busy, uint64_t *total,
		     uint64_t *steal)
{
	char line[512], name[16];
	FILE *f = fopen("/proc/stat", "r");
	bool ok = false;

	if (!f)
		return false;
	if (cpu < 0)
		snprintf(name, sizeof(name), "cpu ");
	else
		snprintf(name, sizeof(name), "cpu%d ", cpu);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = {0};

		if (strncmp(line, name, strlen(name)))
			continue;
		if (sscanf(line + strlen(name), "%llu %llu %llu %llu %llu "
			   "%llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
			   &v[5], &v[6], &v[7]) >= 7) {
			/* user nice system idle iowait irq softirq steal */
			*busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
			*total = *busy + v[3] + v[4];
			if (steal)
				*steal = v[7];
			ok = true;
		}
		break;
	}
	fclose(f);
	return ok;
}

static uint64_t relay_cpu(struct lg *g, bool *ok)
{
	clockid_t id;

	if (g->o.relay_pid <= 0 || clock_getcpuclockid(g->o.relay_pid, &id)) {
		*ok = false;
		return 0;
	}
	return clock_ns(id, ok);
}

static void window_begin(struct lg *g, uint64_t now)
{
	bool ok = true;

	tx_flush(g);
	g->phase = PH_WINDOW;
	g->win_start_mono = now;
	g->relay_cpu0 = relay_cpu(g, &ok);
	g->relay_cpu_ok = ok && g->o.relay_pid > 0;
	g->busy_ok = g->o.relay_cpu >= 0 &&
		cpu_stat(g->o.relay_cpu, &g->busy0, &g->total0, NULL);
	g->all_ok = cpu_stat(-1, &g->all0, &g->total0_all, &g->steal0);
	ok = true;
	g->gen_cpu0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID, &ok);
}

static void window_end(struct lg *g, uint64_t now)
{
	bool ok = true;

	tx_flush(g);
	g->win_end_mono = now;
	if (g->relay_cpu_ok) {
		g->relay_cpu1 = relay_cpu(g, &ok);
		g->relay_cpu_ok = ok;
	}
	if (g->busy_ok)
		g->busy_ok = cpu_stat(g->o.relay_cpu, &g->busy1, &g->total1,
				      NULL);
	if (g->all_ok)
		g->all_ok = cpu_stat(-1, &g->all1, &g->total1_all, &g->steal1);
	ok = true;
	g->gen_cpu1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID, &ok);
	g->phase = PH_DRAIN;
}

/* ---- progress ---- */

static unsigned flows_without_media(const struct lg *g)
{
	unsigned i, n = 0;

	for (i = 0; i < g->norder; i++)
		if (!g->flows[g->order[i]].first_rx_mono)
			n++;
	return n;
}

static void progress(struct lg *g, uint64_t now, bool final)
{
	static const char *names[] = {"warm-up", "window", "drain"};
	double dt = (double)(now - g->prog_last) / 1e9;
	bool ok = true, tty = isatty(2);
	uint64_t cpu;
	char cpubuf[32] = "";

	if (g->o.quiet || (!final && dt < 1.0))
		return;
	if (g->o.relay_pid > 0) {
		cpu = relay_cpu(g, &ok);
		if (ok && g->prog_cpu && dt > 0)
			snprintf(cpubuf, sizeof(cpubuf), " | relay CPU %.0f%%",
				 (double)(cpu - g->prog_cpu) / 1e9 / dt * 100);
		g->prog_cpu = ok ? cpu : 0;
	}
	if (!final && g->prog_last)
		fprintf(stderr, "%slk-loadgen: %-7s %5.1fs | tx %8.0f pps | "
			"rx %8.0f pps | flows without media %u%s%s",
			tty ? "\r" : "", names[g->phase],
			(double)(now - (g->phase == PH_WARMUP ? g->t0 :
					g->phase == PH_WINDOW ? g->t_win :
					g->t_win_end)) / 1e9,
			(double)(g->tx_total - g->prog_tx) / dt,
			(double)(g->rx_total - g->prog_rx) / dt,
			flows_without_media(g), cpubuf,
			tty ? "\033[K" : "\n");
	else if (final && tty && g->prog_last)
		fprintf(stderr, "\n");
	g->prog_last = now;
	g->prog_tx = g->tx_total;
	g->prog_rx = g->rx_total;
}

/* ---- the media run ---- */

static void run_media(struct lg *g)
{
	struct epoll_event evs[512];
	double R = g->o.rate > 0 ? g->o.rate * g->norder : 0;
	uint64_t tick = (uint64_t)(g->o.tick * 1e9);
	unsigned i;

	g->rtcp_every = g->o.rate > 0 ?
		(uint32_t)fmax(1, g->o.rate * g->o.rtcp_interval) : 50;
	g->t0 = mono_ns();
	g->t_win = g->t0 + (uint64_t)(g->o.warmup * 1e9);
	g->t_win_end = g->t_win + (uint64_t)(g->o.duration * 1e9);
	g->t_end = g->t_win_end + (uint64_t)(g->o.drain * 1e9);
	g->phase = PH_WARMUP;
	g->prog_last = 0;
	progress(g, g->t0, false);
	while (!interrupted) {
		uint64_t now = mono_ns(), wait;
		struct timespec to;
		int n;

		if (g->phase == PH_WARMUP && now >= g->t_win)
			window_begin(g, now);
		if (g->phase == PH_WINDOW && now >= g->t_win_end)
			window_end(g, now);
		if (g->phase == PH_DRAIN && now >= g->t_end)
			break;
		if (g->phase != PH_DRAIN)
			send_due(g, now, R);

		if (g->phase == PH_DRAIN)
			wait = 1000000;
		else if (R <= 0 || g->o.spin)
			wait = 0;
		else {
			uint64_t next = g->t0 + (uint64_t)((double)g->k_sent *
							   1e9 / R);

			/*
			 * Sleep until the next packet is due, but at least a
			 * tick (--tick): a wake-up per packet at 100k pps
			 * would cost the generator more than the relay.
			 */
			wait = next > now ? next - now : 0;
			if (wait < tick)
				wait = tick;
			if (wait > 10000000)
				wait = 10000000;
		}
		to.tv_sec = (time_t)(wait / 1000000000u);
		to.tv_nsec = (long)(wait % 1000000000u);
		n = epoll_pwait2(g->epfd, evs, 512, &to, NULL);
		now = mono_ns();
		for (i = 0; n > 0 && i < (unsigned)n; i++)
			rx_socket(g, evs[i].data.ptr, now);
		progress(g, now, false);
	}
	if (g->phase == PH_WINDOW)
		window_end(g, mono_ns());
	progress(g, mono_ns(), true);
}

/* ---- the report ---- */

struct report {
	double window_s;
	uint64_t sent, rcvd, lost, rtcp_sent, rtcp_rcvd, rtcp_lost;
	double offered_pps, forwarded_pps, loss_pct;
	double p50, p99, p999, max;	/* microseconds */
	unsigned flows, never, sessions_never;
	double latch_max_ms;
	bool cpu_ok, busy_ok;
	double relay_cpu_s, relay_cpu_pct, us_per_pkt;
	double busy_s, busy_pct, busy_us_per_pkt;
	double gen_cpu_s, gen_us_per_pkt;
	bool other_ok;
	double other_cpu_s, steal_s;	/* not relay's, not generator's */
	/*
	 * The whole machine's busy time (every CPU: user, system, irq,
	 * softirq; steal left out) over the window.  With forwarding in the
	 * kernel the relay process spends next to nothing and the work is
	 * softirq in the sender's context: only this compares fairly.
	 */
	bool machine_ok;
	double machine_busy_s, machine_us_per_pkt;
};

static void report_make(struct lg *g, struct report *r)
{
	unsigned i;
	long hz = sysconf(_SC_CLK_TCK);

	memset(r, 0, sizeof(*r));
	if (g->win_end_mono > g->win_start_mono)
		r->window_s = (double)(g->win_end_mono - g->win_start_mono) /
			1e9;
	r->flows = g->norder;
	for (i = 0; i < g->norder; i++) {
		const struct flow *f = &g->flows[g->order[i]];

		r->sent += f->sent[PH_WINDOW];
		r->rcvd += f->rcvd[PH_WINDOW];
		r->rtcp_sent += f->rtcp_sent[PH_WINDOW];
		r->rtcp_rcvd += f->rtcp_rcvd[PH_WINDOW];
		if (!f->first_rx_mono)
			r->never++;
		else if ((double)(f->first_rx_mono - g->t0) / 1e6 >
			 r->latch_max_ms)
			r->latch_max_ms = (double)(f->first_rx_mono - g->t0) /
				1e6;
	}
	for (i = 0; i < g->o.sessions; i++) {
		if (!g->sess[i].ready)
			continue;
		if (!g->flows[2 * i].first_rx_mono ||
		    !g->flows[2 * i + 1].first_rx_mono)
			r->sessions_never++;
	}
	r->lost = r->sent > r->rcvd ? r->sent - r->rcvd : 0;
	r->rtcp_lost = r->rtcp_sent > r->rtcp_rcvd ?
		r->rtcp_sent - r->rtcp_rcvd : 0;
	if (r->window_s > 0) {
		r->offered_pps = (double)(r->sent + r->rtcp_sent) / r->window_s;
		r->forwarded_pps = (double)g->rx_window / r->window_s;
	}
	r->loss_pct = r->sent ? 100.0 * (double)r->lost / (double)r->sent : 0;
	r->p50 = hist_pct(g, 0.50) / 1e3;
	r->p99 = hist_pct(g, 0.99) / 1e3;
	r->p999 = hist_pct(g, 0.999) / 1e3;
	r->max = (double)g->lat_max / 1e3;
	r->cpu_ok = g->relay_cpu_ok && r->window_s > 0;
	if (r->cpu_ok) {
		r->relay_cpu_s = (double)(g->relay_cpu1 - g->relay_cpu0) / 1e9;
		r->relay_cpu_pct = 100 * r->relay_cpu_s / r->window_s;
		r->us_per_pkt = g->rx_window ?
			r->relay_cpu_s * 1e6 / (double)g->rx_window : 0;
	}
	/*
	 * The relay's core, busy: the window less the core's idle time,
	 * which the kernel keeps exactly (NO_HZ) where it only samples the
	 * busy kinds.  It counts what no process is charged for: interrupts
	 * and leaving idle (on a VM, an exit to the hypervisor per wake-up).
	 */
	r->busy_ok = g->busy_ok && r->window_s > 0 && hz > 0;
	if (r->busy_ok) {
		double idle = (double)((g->total1 - g->busy1) -
				       (g->total0 - g->busy0)) / (double)hz;

		r->busy_s = r->window_s - idle;
		if (r->busy_s < 0)
			r->busy_s = 0;
		r->busy_pct = 100.0 * r->busy_s / r->window_s;
		r->busy_us_per_pkt = g->rx_window ?
			r->busy_s * 1e6 / (double)g->rx_window : 0;
	}
	r->gen_cpu_s = (double)(g->gen_cpu1 - g->gen_cpu0) / 1e9;
	/*
	 * CPU time in the window that is neither the relay's nor the
	 * generator's: other processes, and interrupts and idle exits that
	 * no process is charged for.
	 */
	r->other_ok = g->all_ok && r->cpu_ok && hz > 0;
	if (r->other_ok) {
		/* Idle time is exact (NO_HZ); busy ticks are sampled. */
		double idle = (double)((g->total1_all - g->all1) -
				       (g->total0_all - g->all0)) / (double)hz;
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		r->other_cpu_s = (double)ncpu * r->window_s - idle -
			r->relay_cpu_s - r->gen_cpu_s;
		r->steal_s = (double)(g->steal1 - g->steal0) / (double)hz;
	}
	r->machine_ok = g->all_ok && hz > 0 && r->window_s > 0;
	if (r->machine_ok) {
		r->machine_busy_s = (double)((g->all1 - g->all0) -
					     (g->steal1 - g->steal0)) /
			(double)hz;
		r->machine_us_per_pkt = g->rx_window ?
			r->machine_busy_s * 1e6 / (double)g->rx_window : 0;
	}
	r->gen_us_per_pkt = g->rx_window + r->sent ? r->gen_cpu_s * 1e6 /
		(double)(g->rx_window + r->sent + r->rtcp_sent) : 0;
}

static const char *mux_name(const struct opts *o)
{
	if (o->mux[SIDE_A] && o->mux[SIDE_B])
		return "ab";
	if (o->mux[SIDE_B])
		return "b";
	if (o->mux[SIDE_A])
		return "a";
	return "none";
}

static void report_text(const struct lg *g, const struct report *r, FILE *f)
{
	const struct opts *o = &g->o;

	fprintf(f, "lk-loadgen: %u sessions x 2 directions, ", o->sessions);
	if (o->rate > 0)
		fprintf(f, "%g packets/s each", o->rate);
	else
		fprintf(f, "as fast as possible");
	fprintf(f, ", %u-octet payload, mux %s%s%s, %s\n", o->payload,
		mux_name(o), o->rtcp_mux ? ", rtcp-mux" : "",
		o->rtcp ? ", RTCP" : "", o->pool ? "shared endpoint sockets" :
		"a socket per endpoint");
	fprintf(f, "  relay        ng %s%s", o->ngtext,
		o->label ? " (" : "");
	if (o->label)
		fprintf(f, "%s)", o->label);
	fprintf(f, "\n  setup        %u sessions in %.2f s, %u failed, %u "
		"ng retransmissions\n", g->setup_ok, g->setup_s,
		g->setup_failed, g->ng_retransmits);
	if (g->first_error[0])
		fprintf(f, "  first error  %s\n", g->first_error);
	fprintf(f, "  window       %.2f s after %.1f s warm-up\n", r->window_s,
		o->warmup);
	fprintf(f, "  offered      %.0f pps (%" PRIu64 " RTP, %" PRIu64
		" RTCP; %" PRIu64 " skipped, %" PRIu64 " send errors)\n",
		r->offered_pps, r->sent, r->rtcp_sent, g->skipped,
		g->tx_errors);
	fprintf(f, "  forwarded    %.0f pps (%" PRIu64 " arrived in the "
		"window)\n", r->forwarded_pps, g->rx_window);
	fprintf(f, "  loss         %" PRIu64 " (%.4f%%)  reordered %" PRIu64
		"  duplicates %" PRIu64 "  RTCP lost %" PRIu64 "\n", r->lost,
		r->loss_pct, g->rx_reord, g->rx_dup, r->rtcp_lost);
	fprintf(f, "  latency      p50 %.1f us  p99 %.1f us  p99.9 %.1f us  "
		"max %.1f us\n", r->p50, r->p99, r->p999, r->max);
	fprintf(f, "  streams      %u flows, %u never got media (%u sessions "
		"never latched); first packet after %.0f ms at most\n",
		r->flows, r->never, r->sessions_never, r->latch_max_ms);
	if (g->rx_bad || g->rx_foreign || g->rx_misdelivered ||
	    g->rx_mux_mismatch || g->rx_trunc)
		fprintf(f, "  anomalies    %" PRIu64 " malformed, %" PRIu64
			" from another run, %" PRIu64 " misdelivered, %" PRIu64
			" wrong multiplexID, %" PRIu64 " truncated\n",
			g->rx_bad, g->rx_foreign, g->rx_misdelivered,
			g->rx_mux_mismatch, g->rx_trunc);
	if (o->srtp)
		fprintf(f, "  srtp         %" PRIu64 " received failed to "
			"decrypt (of the malformed), %" PRIu64 " not "
			"encrypted\n", g->rx_srtp_fail, g->tx_srtp_fail);
	if (o->srtp_pre)
		fprintf(f, "  srtp-pre     %" PRIu64 " sent encrypted before "
			"the run, %" PRIu64 " arrived without a send time (no "
			"latency sample)\n", g->tx_pre, g->rx_unstamped);
	if (r->cpu_ok)
		fprintf(f, "  relay CPU    %.3f s = %.1f%% of a core: %.3f us "
			"per forwarded packet (pid %d)\n", r->relay_cpu_s,
			r->relay_cpu_pct, r->us_per_pkt, (int)o->relay_pid);
	if (r->busy_ok)
		fprintf(f, "  CPU %d busy   %.3f s = %.1f%%: %.3f us per "
			"forwarded packet (with interrupts and idle exits)\n",
			o->relay_cpu, r->busy_s, r->busy_pct,
			r->busy_us_per_pkt);
	fprintf(f, "  generator    %.3f s CPU, %.3f us per packet sent or "
		"received\n", r->gen_cpu_s, r->gen_us_per_pkt);
	if (r->machine_ok)
		fprintf(f, "  machine      %.3f s CPU on all cores (softirq "
			"included): %.3f us per forwarded packet\n",
			r->machine_busy_s, r->machine_us_per_pkt);
	if (r->other_ok)
		fprintf(f, "  unattributed %.2f s CPU neither the relay's nor "
			"the generator's (other work, interrupts), %.2f s "
			"stolen\n", r->other_cpu_s, r->steal_s);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void report_json(const struct lg *g, const struct report *r, FILE *f)
{
	const struct opts *o = &g->o;

	fprintf(f, "{\"tool\": \"lk-loadgen\", \"label\": ");
	json_str(f, o->label ? o->label : "");
	fprintf(f, ", \"ng\": ");
	json_str(f, o->ngtext);
	fprintf(f, ",\n \"config\": {\"sessions\": %u, \"rate_pps\": %g, "
		"\"payload\": %u, \"duration_s\": %g, \"warmup_s\": %g, "
		"\"mux\": \"%s\", \"mux_rx\": %s, \"rtcp\": %s, "
		"\"rtcp_mux\": %s, \"sockets\": %u, \"spin\": %s},\n",
		o->sessions, o->rate, o->payload, o->duration, o->warmup,
		mux_name(o), o->mux_rx ? "true" : "false",
		o->rtcp ? "true" : "false", o->rtcp_mux ? "true" : "false",
		o->pool, o->spin ? "true" : "false");
	fprintf(f, " \"setup\": {\"ok\": %u, \"failed\": %u, \"seconds\": "
		"%.3f, \"retransmits\": %u, \"first_error\": ", g->setup_ok,
		g->setup_failed, g->setup_s, g->ng_retransmits);
	json_str(f, g->first_error);
	fprintf(f, "},\n \"window_s\": %.3f, \"offered_pps\": %.1f, "
		"\"forwarded_pps\": %.1f,\n", r->window_s, r->offered_pps,
		r->forwarded_pps);
	if (g->o.srtp)
		fprintf(f, " \"srtp\": {\"suite\": \"%s\", \"rx_failed\": %"
			PRIu64 ", \"tx_failed\": %" PRIu64 ", \"pre\": %s, "
			"\"tx_pre\": %" PRIu64 ", \"rx_unstamped\": %" PRIu64
			"},\n", srtp_suite(&g->o), g->rx_srtp_fail,
			g->tx_srtp_fail, g->o.srtp_pre ? "true" : "false",
			g->tx_pre, g->rx_unstamped);
	fprintf(f, " \"packets\": {\"sent\": %" PRIu64 ", \"received\": %"
		PRIu64 ", \"arrived_in_window\": %" PRIu64 ", \"lost\": %"
		PRIu64 ", \"loss_pct\": %.5f, \"reordered\": %" PRIu64
		", \"duplicates\": %" PRIu64 ", \"late\": %" PRIu64
		", \"skipped\": %" PRIu64 ", \"send_errors\": %" PRIu64
		", \"malformed\": %" PRIu64 ", \"misdelivered\": %" PRIu64
		", \"mux_mismatch\": %" PRIu64 ", \"rtcp_sent\": %" PRIu64
		", \"rtcp_received\": %" PRIu64 "},\n", r->sent, r->rcvd,
		g->rx_window, r->lost, r->loss_pct, g->rx_reord, g->rx_dup,
		g->rx_late, g->skipped, g->tx_errors, g->rx_bad,
		g->rx_misdelivered, g->rx_mux_mismatch, r->rtcp_sent,
		r->rtcp_rcvd);
	fprintf(f, " \"latency_us\": {\"p50\": %.2f, \"p99\": %.2f, "
		"\"p99_9\": %.2f, \"max\": %.2f, \"samples\": %" PRIu64 "},\n",
		r->p50, r->p99, r->p999, r->max, g->hist_n);
	fprintf(f, " \"streams\": {\"flows\": %u, \"never_got_media\": %u, "
		"\"sessions_never_latched\": %u, \"first_packet_max_ms\": "
		"%.1f},\n", r->flows, r->never, r->sessions_never,
		r->latch_max_ms);
	fprintf(f, " \"relay_cpu\": {\"pid\": %d, \"measured\": %s, "
		"\"seconds\": %.4f, \"pct\": %.2f, \"us_per_packet\": %.4f, "
		"\"cpu\": %d, \"cpu_busy_s\": %.3f, \"cpu_busy_pct\": %.2f, "
		"\"cpu_busy_us_per_packet\": %.4f},\n", (int)o->relay_pid,
		r->cpu_ok ? "true" : "false", r->relay_cpu_s, r->relay_cpu_pct,
		r->us_per_pkt, o->relay_cpu, r->busy_s, r->busy_pct,
		r->busy_us_per_pkt);
	fprintf(f, " \"machine_cpu\": {\"measured\": %s, \"busy_s\": %.4f, "
		"\"us_per_packet\": %.4f},\n", r->machine_ok ? "true" : "false",
		r->machine_busy_s, r->machine_us_per_pkt);
	fprintf(f, " \"generator\": {\"cpu\": %d, \"cpu_s\": %.4f, "
		"\"us_per_packet\": %.4f},\n", o->cpu, r->gen_cpu_s,
		r->gen_us_per_pkt);
	fprintf(f, " \"unattributed\": {\"measured\": %s, \"cpu_s\": "
		"%.3f, \"steal_s\": %.3f}}\n", r->other_ok ? "true" : "false",
		r->other_cpu_s, r->steal_s);
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: lk-loadgen [options]\n"
"\n"
"Sets up sessions on a media relay over rtpengine's ng protocol (latchkeyd,\n"
"rtpengine, lk-reflector), sends RTP both ways, and reports forwarded\n"
"packets/s, loss, reordering, duplicates, one-way latency and the relay's\n"
"CPU time per forwarded packet.  Loopback or lab networks only.\n"
"\n"
"  -n, --ng ADDR:PORT      the relay's ng socket (127.0.0.1:2223)\n"
"  -l, --local ADDR        the endpoints' address (127.0.0.1)\n"
"  -s, --sessions N        sessions, each two flows (10)\n"
"  -r, --rate PPS          packets/s per flow, 0: as fast as possible (50)\n"
"  -p, --payload OCTETS    RTP payload, %u..1400 (160: G.711 at 20 ms)\n"
"  -d, --duration S        measured window (10)\n"
"  -w, --warmup S          media before the window, not counted (2)\n"
"      --drain S           wait after the window for late packets (0.3)\n"
"      --tick S            pacing wake-up interval (0.0002)\n"
"      --sockets N|endpoint  N shared sockets per side, or one per endpoint\n"
"                          (endpoint, the default)\n"
"      --rtcp              send an RTCP SR + APP alongside RTP, each second\n"
"      --rtcp-interval S   ... every S seconds (1)\n"
"      --rtcp-mux          offer rtcp-mux (RFC 5761)\n"
"      --mux SIDES         multiplexed legs (latchkeyd): b (the answerer, a\n"
"                          traversal leg), a, or ab; H.460.19 multiplexID\n"
"                          in front of each packet to the mux ports\n"
"      --no-mux-rx         multiplexed sides receive plain packets\n"
"      --flag NAME         add an ng flag to offer and answer (repeatable)\n"
"      --srtp              side A speaks SRTP (SDES), B clear: the relay\n"
"                          decrypts and encrypts (transport-protocol)\n"
"      --srtp-suite NAME   --srtp with AES_CM_128_HMAC_SHA1_80 (default)\n"
"                          or AEAD_AES_128_GCM\n"
"      --srtp-pre          --srtp, A's RTP encrypted before the run (paced\n"
"                          runs): the generator's crypto off the clock;\n"
"                          latency on B -> A only\n"
"  -c, --cpu N             pin the generator to CPU N\n"
"      --relay-pid PID     read the relay's CPU time over the window\n"
"      --relay-cpu N       also read CPU N's busy time from /proc/stat\n"
"  -j, --json FILE         the summary as JSON (- for stdout)\n"
"      --label TEXT        a name for this run in the output\n"
"  -q, --quiet             no progress line\n"
"      --ng-window N       ng requests in flight (16)\n"
"      --ng-timeout MS     retransmit after MS (1000), 5 tries\n"
"      --keep              do not delete the sessions at the end\n"
"      --spin              poll instead of sleeping between ticks: more\n"
"                          packets/s from one core, and that core at 100%%\n"
"      --ping S            only wait up to S s for the relay's pong\n"
"  -h, --help\n"
"\n"
"Exit status: 0 every flow got media, 1 a flow never got media, 2 usage,\n"
"3 the relay did not answer or a session could not be set up.\n",
		STAMP_LEN);
}

static bool num(double *out, const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (!*s || *end || !(v >= lo && v <= hi))
		return false;
	*out = v;
	return true;
}

enum {
	OPT_DRAIN = 256, OPT_TICK, OPT_SOCKETS, OPT_RTCP, OPT_RTCP_INT,
	OPT_RTCP_MUX, OPT_MUX, OPT_NO_MUX_RX, OPT_FLAG, OPT_RELAY_PID,
	OPT_RELAY_CPU, OPT_LABEL, OPT_NG_WINDOW, OPT_NG_TIMEOUT, OPT_KEEP,
	OPT_PING, OPT_SPIN, OPT_SRTP, OPT_SRTP_SUITE, OPT_SRTP_PRE,
};

static int parse_opts(struct opts *o, int argc, char **argv)
{
	static const struct option lo[] = {
		{"ng", required_argument, NULL, 'n'},
		{"local", required_argument, NULL, 'l'},
		{"sessions", required_argument, NULL, 's'},
		{"rate", required_argument, NULL, 'r'},
		{"payload", required_argument, NULL, 'p'},
		{"duration", required_argument, NULL, 'd'},
		{"warmup", required_argument, NULL, 'w'},
		{"drain", required_argument, NULL, OPT_DRAIN},
		{"tick", required_argument, NULL, OPT_TICK},
		{"sockets", required_argument, NULL, OPT_SOCKETS},
		{"rtcp", no_argument, NULL, OPT_RTCP},
		{"rtcp-interval", required_argument, NULL, OPT_RTCP_INT},
		{"rtcp-mux", no_argument, NULL, OPT_RTCP_MUX},
		{"mux", required_argument, NULL, OPT_MUX},
		{"no-mux-rx", no_argument, NULL, OPT_NO_MUX_RX},
		{"flag", required_argument, NULL, OPT_FLAG},
		{"srtp", no_argument, NULL, OPT_SRTP},
		{"srtp-suite", required_argument, NULL, OPT_SRTP_SUITE},
		{"srtp-pre", no_argument, NULL, OPT_SRTP_PRE},
		{"cpu", required_argument, NULL, 'c'},
		{"relay-pid", required_argument, NULL, OPT_RELAY_PID},
		{"relay-cpu", required_argument, NULL, OPT_RELAY_CPU},
		{"json", required_argument, NULL, 'j'},
		{"label", required_argument, NULL, OPT_LABEL},
		{"quiet", no_argument, NULL, 'q'},
		{"ng-window", required_argument, NULL, OPT_NG_WINDOW},
		{"ng-timeout", required_argument, NULL, OPT_NG_TIMEOUT},
		{"keep", no_argument, NULL, OPT_KEEP},
		{"spin", no_argument, NULL, OPT_SPIN},
		{"ping", required_argument, NULL, OPT_PING},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	double v;
	int c;

	memset(o, 0, sizeof(*o));
	snprintf(o->ngtext, sizeof(o->ngtext), "127.0.0.1:2223");
	snprintf(o->local, sizeof(o->local), "127.0.0.1");
	o->sessions = 10;
	o->rate = 50;
	o->payload = 160;
	o->duration = 10;
	o->warmup = 2;
	o->drain = 0.3;
	o->tick = 0.0002;
	o->cpu = -1;
	o->relay_cpu = -1;
	o->rtcp_interval = 1;
	o->mux_rx = true;
	o->ng_window = 16;
	o->ng_timeout_ms = 1000;
	o->ng_tries = 5;
	while ((c = getopt_long(argc, argv, "n:l:s:r:p:d:w:c:j:qh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			snprintf(o->ngtext, sizeof(o->ngtext), "%s", optarg);
			break;
		case 'l':
			snprintf(o->local, sizeof(o->local), "%s", optarg);
			break;
		case 's':
			if (!num(&v, optarg, 1, MAX_SESSIONS))
				goto bad;
			o->sessions = (unsigned)v;
			break;
		case 'r':
			if (!num(&v, optarg, 0, 1e6))
				goto bad;
			o->rate = v;
			break;
		case 'p':
			if (!num(&v, optarg, STAMP_LEN, 1400))
				goto bad;
			o->payload = (unsigned)v;
			break;
		case 'd':
			if (!num(&o->duration, optarg, 0.1, 3600))
				goto bad;
			break;
		case 'w':
			if (!num(&o->warmup, optarg, 0, 600))
				goto bad;
			break;
		case OPT_DRAIN:
			if (!num(&o->drain, optarg, 0, 60))
				goto bad;
			break;
		case OPT_TICK:
			if (!num(&o->tick, optarg, 0.00001, 0.1))
				goto bad;
			break;
		case OPT_SOCKETS:
			if (!strcmp(optarg, "endpoint"))
				o->pool = 0;
			else if (num(&v, optarg, 1, 65536))
				o->pool = (unsigned)v;
			else
				goto bad;
			break;
		case OPT_RTCP:
			o->rtcp = true;
			break;
		case OPT_RTCP_INT:
			if (!num(&o->rtcp_interval, optarg, 0.001, 3600))
				goto bad;
			break;
		case OPT_RTCP_MUX:
			o->rtcp_mux = true;
			break;
		case OPT_MUX:
			if (!strcmp(optarg, "b"))
				o->mux[SIDE_B] = true;
			else if (!strcmp(optarg, "a"))
				o->mux[SIDE_A] = true;
			else if (!strcmp(optarg, "ab") ||
				 !strcmp(optarg, "both"))
				o->mux[SIDE_A] = o->mux[SIDE_B] = true;
			else if (strcmp(optarg, "none"))
				goto bad;
			break;
		case OPT_NO_MUX_RX:
			o->mux_rx = false;
			break;
		case OPT_FLAG:
			if (o->nflags >= sizeof(o->flags) / sizeof(o->flags[0]))
				goto bad;
			o->flags[o->nflags++] = optarg;
			break;
		case OPT_SRTP:
			o->srtp = true;
			break;
		case OPT_SRTP_PRE:
			o->srtp = true;
			o->srtp_pre = true;
			break;
		case OPT_SRTP_SUITE:
			o->srtp = true;
			if (!strcmp(optarg, "AEAD_AES_128_GCM"))
				o->srtp_gcm = true;
			else if (strcmp(optarg, "AES_CM_128_HMAC_SHA1_80"))
				goto bad;
			break;
		case 'c':
			if (!num(&v, optarg, 0, CPU_SETSIZE - 1))
				goto bad;
			o->cpu = (int)v;
			break;
		case OPT_RELAY_PID:
			if (!num(&v, optarg, 1, 1 << 30))
				goto bad;
			o->relay_pid = (pid_t)v;
			break;
		case OPT_RELAY_CPU:
			if (!num(&v, optarg, 0, CPU_SETSIZE - 1))
				goto bad;
			o->relay_cpu = (int)v;
			break;
		case 'j':
			o->json = optarg;
			break;
		case OPT_LABEL:
			o->label = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_NG_WINDOW:
			if (!num(&v, optarg, 1, NG_MAX))
				goto bad;
			o->ng_window = (unsigned)v;
			break;
		case OPT_NG_TIMEOUT:
			if (!num(&v, optarg, 10, 60000))
				goto bad;
			o->ng_timeout_ms = (unsigned)v;
			break;
		case OPT_KEEP:
			o->keep = true;
			break;
		case OPT_SPIN:
			o->spin = true;
			break;
		case OPT_PING:
			if (!num(&o->wait_ready, optarg, 0, 600))
				goto bad;
			o->ping_only = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return EINVAL;
		}
		continue;
 bad:
		fprintf(stderr, "lk-loadgen: bad value \"%s\" (see --help "
			"for the valid range)\n", optarg);
		return EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "lk-loadgen: unexpected argument \"%s\"\n",
			argv[optind]);
		return EINVAL;
	}
	if (parse_hostport(&o->ng, &o->nglen, o->ngtext)) {
		fprintf(stderr, "lk-loadgen: --ng wants ADDR:PORT or "
			"[ADDR6]:PORT, not \"%s\"\n", o->ngtext);
		return EINVAL;
	}
	{
		struct sockaddr_storage ss;
		socklen_t sl;

		if (make_addr(&ss, &sl, o->local, 0)) {
			fprintf(stderr, "lk-loadgen: --local wants a numeric "
				"address, not \"%s\"\n", o->local);
			return EINVAL;
		}
	}
	if (o->srtp_pre && o->rate <= 0) {
		fprintf(stderr, "lk-loadgen: --srtp-pre needs a paced rate "
			"(-r)\n");
		return EINVAL;
	}
	if (o->srtp && (o->rtcp || o->mux[SIDE_A] || o->mux[SIDE_B])) {
		fprintf(stderr, "lk-loadgen: --srtp is RTP only, without "
			"--rtcp or --mux\n");
		return EINVAL;
	}
	return 0;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	/* One generator per process: static, so no exit path leaks it. */
	static struct lg lg;
	struct lg *g = &lg;
	struct report r;
	struct sigaction sa;
	int ret = 0;

	if (parse_opts(&g->o, argc, argv))
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (g->o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(g->o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			fprintf(stderr, "lk-loadgen: cannot pin to CPU %d: "
				"%s\n", g->o.cpu, strerror(errno));
	}
	{
		uint64_t seed = real_ns() ^ (uint64_t)getpid() << 32;

		srandom((unsigned)(seed ^ seed >> 32));
		g->run = (uint32_t)random() ^ (uint32_t)(seed >> 7);
	}

	g->ngfd = socket(g->o.ng.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (g->ngfd < 0 || connect(g->ngfd, (struct sockaddr *)&g->o.ng,
				   g->o.nglen) < 0) {
		fprintf(stderr, "lk-loadgen: ng socket: %s\n", strerror(errno));
		return 3;
	}
	if (ng_ping(g, g->o.ping_only ? g->o.wait_ready : 2)) {
		fprintf(stderr, "lk-loadgen: no pong from the relay at %s\n",
			g->o.ngtext);
		return 3;
	}
	if (g->o.ping_only)
		return 0;

	g->nflows = 2 * g->o.sessions;
	g->sess = calloc(g->o.sessions, sizeof(*g->sess));
	g->flows = calloc(g->nflows, sizeof(*g->flows));
	g->order = calloc(g->nflows, sizeof(*g->order));
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!g->sess || !g->flows || !g->order || g->epfd < 0) {
		fprintf(stderr, "lk-loadgen: out of memory\n");
		return 3;
	}
	memset(txq.buf, 0xff, sizeof(txq.buf));	/* PCMU silence */
	if (g->o.srtp) {
		unsigned i;

#ifdef LK_SRTP_NSS
		/*
		 * As relay/srtp.c: NSS initialised before libsrtp2 does it,
		 * without NSS_INIT_OPTIMIZESPACE, or every operation walks
		 * chains that grow with the number of contexts.
		 */
		if (!NSS_InitContext("", "", "", "", NULL, NSS_INIT_READONLY |
				     NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB |
				     NSS_INIT_FORCEOPEN)) {
			fprintf(stderr, "lk-loadgen: NSS init failed\n");
			return 3;
		}
#endif
		if (srtp_init() != srtp_err_status_ok) {
			fprintf(stderr, "lk-loadgen: libsrtp2 init failed\n");
			return 3;
		}
		for (i = 0; i < g->o.sessions; i++)
			if (getrandom(g->sess[i].a_key, SRTP_KEY_LEN, 0) !=
			    SRTP_KEY_LEN) {
				fprintf(stderr, "lk-loadgen: getrandom: %s\n",
					strerror(errno));
				return 3;
			}
	}
	if (setup_endpoints(g))
		return 3;

	ng_run(g, false);
	if (!g->setup_ok) {
		fprintf(stderr, "lk-loadgen: no session could be set up: %s\n",
			g->first_error[0] ? g->first_error : "?");
		if (!g->o.keep)
			ng_run(g, true);	/* the half-made ones */
		return 3;
	}
	if ((g->o.mux[SIDE_A] || g->o.mux[SIDE_B])) {
		unsigned i, missing = 0;

		for (i = 0; i < g->o.sessions; i++) {
			if (!g->sess[i].ready)
				continue;
			if ((g->o.mux[SIDE_B] &&
			     !g->sess[i].to_relay[SIDE_B].has_mux_id) ||
			    (g->o.mux[SIDE_A] &&
			     !g->sess[i].to_relay[SIDE_A].has_mux_id))
				missing++;
		}
		if (missing) {
			fprintf(stderr, "lk-loadgen: the relay gave no "
				"multiplexID (a=x-latchkey-muxid) for %u "
				"sessions: --mux needs latchkeyd as an "
				"Expressway\n", missing);
			if (!g->o.keep)
				ng_run(g, true);
			return 3;
		}
	}
	flows_ready(g);
	if (g->o.srtp_pre) {
		int e = srtp_pre_build(g);

		if (e) {
			fprintf(stderr, "lk-loadgen: --srtp-pre: %s\n",
				e == ENOMEM ? "out of memory (at most 1 GiB)" :
				"libsrtp2 refused a packet");
			return 3;
		}
	}
	run_media(g);
	if (!g->o.keep)
		ng_run(g, true);

	report_make(g, &r);
	report_text(g, &r, g->o.json && !strcmp(g->o.json, "-") ? stderr :
		    stdout);
	if (g->o.json) {
		FILE *f = strcmp(g->o.json, "-") ? fopen(g->o.json, "w") :
			stdout;

		if (!f) {
			fprintf(stderr, "lk-loadgen: %s: %s\n", g->o.json,
				strerror(errno));
			ret = 3;
		}
		else {
			report_json(g, &r, f);
			if (f != stdout)
				fclose(f);
		}
	}
	if (r.never) {
		fprintf(stderr, "lk-loadgen: %u of %u flows never got media\n",
			r.never, r.flows);
		ret = ret ? ret : 1;
	}
	if (g->setup_failed)
		ret = 3;
	if (interrupted && !ret)
		ret = 1;
	return ret;
}
