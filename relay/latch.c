/* relay/latch.c  Latching: send media where it came from (seed "N"). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "latch.h"

#define LATCH_FLAGS_ALL (LK_LATCH_TRUST_ADDRESS | LK_LATCH_ASYMMETRIC | \
			 LK_LATCH_MEDIA_HANDOVER | LK_LATCH_ANY_SOURCE)

/* The forwarding path touches one latch per packet: keep it in three
 * cache lines. */
_Static_assert(sizeof(struct lk_latch) <= 192, "struct lk_latch grew");

/*
 * A source in one comparable form: IPv4 as an IPv4-mapped IPv6 address
 * (RFC 4291 s.2.5.5.2), so that a dual-stack socket's ::ffff:a.b.c.d and
 * a plain a.b.c.d are the same source.  The scope matters for link-local
 * IPv6 (fe80::1%eth0 and fe80::1%eth1 are different hosts).
 */
struct src_key {
	uint8_t addr[16];
	in_port_t port;
	uint32_t scope;
};

/* Whether `sa` is an IPv4 or IPv6 address that `len` holds whole. */
static bool sa_valid(const struct sockaddr *sa, socklen_t len)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET)
		return len >= (socklen_t)sizeof(struct sockaddr_in);
	if (sa->sa_family == AF_INET6)
		return len >= (socklen_t)sizeof(struct sockaddr_in6);

	return false;
}

/* `sa` is valid (sa_valid()). */
static void src_key_make(struct src_key *k, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		memset(k->addr, 0, 10);
		k->addr[10] = 0xff;
		k->addr[11] = 0xff;
		memcpy(k->addr + 12, &in->sin_addr, 4);
		k->port = in->sin_port;
		k->scope = 0;
	}
	else {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)sa;

		memcpy(k->addr, &in6->sin6_addr, 16);
		k->port = in6->sin6_port;
		k->scope = IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)
				   ? 0 : in6->sin6_scope_id;
	}
}

/* Both valid. */
static bool sa_same(const struct sockaddr *a, const struct sockaddr *b)
{
	struct src_key ka, kb;

	src_key_make(&ka, a);
	src_key_make(&kb, b);

	return ka.port == kb.port && ka.scope == kb.scope &&
	       memcmp(ka.addr, kb.addr, sizeof(ka.addr)) == 0;
}

/* `sa` is valid: copy the family's struct, nothing past `len`. */
static void addr_store(union lk_latch_addr *a, const struct sockaddr *sa)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET)
		memcpy(&a->in, sa, sizeof(a->in));
	else
		memcpy(&a->in6, sa, sizeof(a->in6));
}

static socklen_t addr_len(const union lk_latch_addr *a)
{
	return a->sa.sa_family == AF_INET ? (socklen_t)sizeof(a->in)
					  : (socklen_t)sizeof(a->in6);
}

int lk_latch_init(struct lk_latch *l, unsigned flags)
{
	if (!l || (flags & ~(unsigned)LATCH_FLAGS_ALL))
		return EINVAL;

	memset(l, 0, sizeof(*l));
	l->flags = flags;
	l->handover_packets = LK_LATCH_HANDOVER_PACKETS;
	l->handover_quiet_ms = LK_LATCH_HANDOVER_QUIET_MS;

	return 0;
}

int lk_latch_set_flags(struct lk_latch *l, unsigned flags)
{
	if (!l || (flags & ~(unsigned)LATCH_FLAGS_ALL))
		return EINVAL;

	l->flags = flags;
	l->cand_count = 0;

	return 0;
}

int lk_latch_set_handover(struct lk_latch *l, uint16_t npackets,
			  uint16_t quiet_ms)
{
	if (!l || !npackets)
		return EINVAL;

	l->handover_packets = npackets;
	l->handover_quiet_ms = quiet_ms;
	l->cand_count = 0;

	return 0;
}

int lk_latch_set_sdp(struct lk_latch *l, const struct sockaddr *sa,
		     socklen_t len)
{
	if (!l)
		return EINVAL;
	if (!sa) {
		memset(&l->sdp, 0, sizeof(l->sdp));
		return 0;
	}
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return EAFNOSUPPORT;
	if (!sa_valid(sa, len))
		return EINVAL;

	addr_store(&l->sdp, sa);

	return 0;
}

int lk_latch_set_signalling(struct lk_latch *l, const struct sockaddr *sa,
			    socklen_t len)
{
	struct src_key k;

	if (!l)
		return EINVAL;
	if (!sa) {
		l->sig_ip_set = false;
		return 0;
	}
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6)
		return EAFNOSUPPORT;
	if (!sa_valid(sa, len))
		return EINVAL;

	src_key_make(&k, sa);
	memcpy(l->sig_ip, k.addr, sizeof(l->sig_ip));
	l->sig_ip_set = true;

	return 0;
}

/*
 * Rule 2 (latch.h): may this source latch an unlatched stream?  Only the
 * signalled IP or the SDP's, once signalling said where it came from.
 */
static bool first_source_ok(const struct lk_latch *l,
			    const struct sockaddr *src)
{
	struct src_key k, ks;

	if (!l->sig_ip_set || (l->flags & LK_LATCH_ANY_SOURCE))
		return true;
	src_key_make(&k, src);
	if (!memcmp(k.addr, l->sig_ip, sizeof(k.addr)))
		return true;
	if (!l->sdp.sa.sa_family)
		return false;
	src_key_make(&ks, &l->sdp.sa);

	return !memcmp(k.addr, ks.addr, sizeof(k.addr));
}

/*
 * A side's first SDP after its own packets came first (linphone's STUN
 * reaches the relay before the B2BUA has its 200 OK): the latch stands if
 * its source passes rule 2 against the signalling now known, else it is
 * reset like any other.
 */
void lk_latch_confirm(struct lk_latch *l)
{
	if (l && l->latched && !first_source_ok(l, &l->peer.sa))
		lk_latch_reset(l);
}

void lk_latch_reset(struct lk_latch *l)
{
	if (!l)
		return;

	l->latched = false;
	l->cand_count = 0;
}

/*
 * The handover rule (latch.h): does this foreign packet, with the ones
 * before it, move the latch?  Counts the run of packets from one source.
 */
static bool handover_due(struct lk_latch *l, const struct sockaddr *src,
			 enum lk_pkt kind, uint64_t now_ms)
{
	if (!(l->flags & LK_LATCH_MEDIA_HANDOVER) || kind == LK_PKT_STUN)
		return false;
	/* RTCP may move a latch only where RTP never came (an RTCP-only
	 * socket): elsewhere a stray report must not steal the stream. */
	if (kind != LK_PKT_RTP && l->seen_rtp)
		return false;

	if (l->cand_count && sa_same(&l->cand.sa, src)) {
		if (l->cand_count < UINT16_MAX)
			++l->cand_count;
	}
	else {
		addr_store(&l->cand, src);
		l->cand_count = 1;
	}

	if (l->cand_count < l->handover_packets)
		return false;

	return now_ms >= l->last_rx_ms &&
	       now_ms - l->last_rx_ms >= l->handover_quiet_ms;
}

static void latch_to(struct lk_latch *l, const struct sockaddr *src,
		     enum lk_pkt kind, uint64_t now_ms)
{
	addr_store(&l->peer, src);
	l->latched_by = (uint8_t)kind;
	l->latched_ms = now_ms;
	if (l->ever_latched)
		++l->stats.relatches;
	l->latched = true;
	l->ever_latched = true;
	l->cand_count = 0;
	l->last_rx_ms = now_ms;
}

/*
 * Per packet: one family check, at most two 16-octet compares, no copy
 * unless the latch moves.
 */
enum lk_latch_verdict lk_latch_input(struct lk_latch *l,
				     const struct sockaddr *src, socklen_t len,
				     enum lk_pkt kind, uint64_t now_ms)
{
	if (!l)
		return LK_LATCH_DROP_INVALID;
	if ((kind != LK_PKT_RTP && kind != LK_PKT_RTCP &&
	     kind != LK_PKT_STUN) || !sa_valid(src, len)) {
		++l->stats.dropped_invalid;
		return LK_LATCH_DROP_INVALID;
	}

	if (!l->latched) {
		if (!first_source_ok(l, src)) {
			++l->stats.dropped_unexpected;
			return LK_LATCH_DROP_UNEXPECTED;
		}
		/* Seed "N": the first packet decides where media goes. */
		latch_to(l, src, kind, now_ms);
		l->seen_rtp |= kind == LK_PKT_RTP;
		++l->stats.latches;
		++l->stats.accepted;
		return LK_LATCH_LATCHED_NOW;
	}

	if (sa_same(&l->peer.sa, src)) {
		l->last_rx_ms = now_ms;
		l->cand_count = 0;
		l->seen_rtp |= kind == LK_PKT_RTP;
		++l->stats.accepted;
		return LK_LATCH_ACCEPT;
	}

	if (handover_due(l, src, kind, now_ms)) {
		latch_to(l, src, kind, now_ms);
		l->seen_rtp |= kind == LK_PKT_RTP;
		++l->stats.accepted;
		return LK_LATCH_RELATCHED;
	}

	++l->stats.dropped_foreign;

	return LK_LATCH_DROP_FOREIGN;
}

const struct sockaddr *lk_latch_target(struct lk_latch *l, socklen_t *lenp)
{
	const union lk_latch_addr *a = NULL;

	if (!l)
		return NULL;

	if (l->flags & LK_LATCH_ASYMMETRIC) {
		if (l->sdp.sa.sa_family)
			a = &l->sdp;
	}
	else if (l->latched) {
		a = &l->peer;
	}
	else if ((l->flags & LK_LATCH_TRUST_ADDRESS) && l->sdp.sa.sa_family) {
		a = &l->sdp;
	}

	if (!a) {
		++l->stats.held;
		return NULL;
	}
	if (lenp)
		*lenp = addr_len(a);

	return &a->sa;
}

bool lk_latch_is_latched(const struct lk_latch *l)
{
	return l && l->latched;
}

enum lk_pkt lk_latch_latched_by(const struct lk_latch *l, uint64_t *msp)
{
	if (!l || !l->latched)
		return LK_PKT_DROP;
	if (msp)
		*msp = l->latched_ms;

	return (enum lk_pkt)l->latched_by;
}

bool lk_latch_same_ip(const struct sockaddr *a, socklen_t alen,
		      const struct sockaddr *b, socklen_t blen)
{
	struct src_key ka, kb;

	if (!sa_valid(a, alen) || !sa_valid(b, blen))
		return false;
	src_key_make(&ka, a);
	src_key_make(&kb, b);

	return !memcmp(ka.addr, kb.addr, sizeof(ka.addr));
}

const char *lk_latch_verdict_name(enum lk_latch_verdict v)
{
	switch (v) {
	case LK_LATCH_ACCEPT:		return "accept";
	case LK_LATCH_LATCHED_NOW:	return "latched-now";
	case LK_LATCH_RELATCHED:	return "relatched";
	case LK_LATCH_DROP_FOREIGN:	return "drop-foreign";
	case LK_LATCH_DROP_INVALID:	return "drop-invalid";
	case LK_LATCH_DROP_UNEXPECTED:	return "drop-unexpected";
	}

	return "?";
}
