/* relay/turnfwd.c  TURN's relayed data path (RFC 8656 s.11-12) on a media worker, batched like media. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "kturn.h"
#include "leg.h"
#include "log.h"
#include "stun.h"
#include "turnfwd.h"
#include "worker.h"

/*
 * The packet path, as relay/worker.c's for media: one recvmmsg() per
 * wake-up, each datagram checked against the allocation's copy of its
 * permissions and channels, then queued; the queue goes out once at the
 * end of the event loop pass (the flush event is made active on the first
 * queued datagram, after the read events epoll reported in this pass),
 * consecutive datagrams for one socket in one sendmmsg().  What that buys
 * here: everything towards clients leaves through the one request socket,
 * so the datagrams that all the relay sockets read in a pass go out in one
 * call (docs/performance.md, "TURN relay against coturn").
 */

/* Datagrams per recvmmsg(): as relay/worker.c, and for the same reason. */
#define RX_BATCH	32
/* Datagrams queued before the queue is sent whatever the pass. */
#define TXQ		64
#define HEADROOM	64	/* a Data indication's header, built in place */
#define BUF_SIZE	(HEADROOM + LK_TURNFWD_DATA_MAX + 4)
#define STUN_MAGIC	0x2112a442
/* Channel numbers taken (relay/turn.c, CHAN_MIN/CHAN_MAX: why 0x7ffe). */
#define CHAN_MIN	0x4000
#define CHAN_MAX	0x7ffe

struct lk_turnfwd_alloc {
	struct le he;			/* f->tuples, by client (UDP only) */
	struct lk_turnfwd *f;
	int fd;				/* relay socket */
	struct event *ev;
	struct sa client;
	int relay_af;			/* the relayed address's family */
	lk_turnfwd_out_h *outh;		/* TCP client; NULL: request socket */
	void *out_arg;
	struct lk_turnfwd_state st;
	struct sa relay;		/* the relay socket's address */
	struct lk_kturn_set *ks;	/* kernel entries (control thread) */
	uint64_t knext;			/* their first expiry, TURN clock */
};

_Static_assert(2 * LK_TURNFWD_CHANS_MAX <= LK_KTURN_SET_MAX,
	       "two kernel entries per channel");

struct txent {
	int fd;
	uint16_t len;
	struct sa dst;
};

/* A datagram on its way to the control thread. */
struct handoff {
	struct handoff *next;
	struct sa src;
	size_t len;
	uint8_t p[];
};

struct lk_turnfwd {
	struct event_base *ctl;		/* the control thread's */
	struct event_base *base;	/* the data path's: worker or ctl */
	struct lk_worker *w;		/* NULL: the data path is on ctl */
	const struct lk_turnpeer *peers;
	uint64_t (*clockh)(void *arg);
	void *clock_arg;
	lk_turnfwd_ctl_h *ctlh;
	void *ctl_arg;

	int lfd;			/* the request socket, or -1 */
	unsigned lidx;
	struct sa local;		/* its address */
	struct lk_kturn *kt;		/* kernel fast path, or NULL */
	struct event *lev;
	struct hash *tuples;

	/* Receive headers kept armed; the buffers are copied out of. */
	struct mmsghdr rx_msgs[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	struct sockaddr_storage rx_addr[RX_BATCH];
	uint8_t (*rxbuf)[BUF_SIZE];

	struct txent txq[TXQ];
	uint8_t (*txbuf)[BUF_SIZE];
	unsigned ntx;
	struct event *flush_ev;
	bool flush_pending;

	/* To the control thread (with a worker only). */
	pthread_mutex_t lock;
	struct handoff *head, *tail;
	unsigned nhand;
	int efd;
	struct event *hev;

	struct lk_turnfwd_stats st;
};

/* ---- The allocation's copy of its permissions and channels ---- */

struct lk_turnfwd_perm *lk_turnfwd_perm_find(struct lk_turnfwd_state *s,
					     const struct sa *peer,
					     uint64_t now)
{
	unsigned i;

	for (i = 0; i < s->nperms; i++) {
		if (s->perms[i].expires > now &&
		    sa_cmp(&s->perms[i].addr, peer, SA_ADDR))
			return &s->perms[i];
	}

	return NULL;
}

struct lk_turnfwd_chan *lk_turnfwd_chan_by_num(struct lk_turnfwd_state *s,
					       uint16_t num, uint64_t now)
{
	unsigned i;

	for (i = 0; i < s->nchans; i++) {
		if (s->chans[i].num == num && s->chans[i].expires > now)
			return &s->chans[i];
	}

	return NULL;
}

struct lk_turnfwd_chan *lk_turnfwd_chan_by_peer(struct lk_turnfwd_state *s,
						const struct sa *peer,
						uint64_t now)
{
	unsigned i;

	for (i = 0; i < s->nchans; i++) {
		if (s->chans[i].expires > now &&
		    sa_cmp(&s->chans[i].peer, peer, SA_ALL))
			return &s->chans[i];
	}

	return NULL;
}

static uint64_t now_ms(const struct lk_turnfwd *f)
{
	return f->clockh ? f->clockh(f->clock_arg) : lk_clock_ms();
}

/* ---- Sending ---- */

/* As relay/worker.c: the workers are never cancelled, no glibc wrapper. */
static int sys_recvmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	return (int)syscall(SYS_recvmmsg, fd, m, n, flags, NULL);
}

static int sys_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	return (int)syscall(SYS_sendmmsg, fd, m, n, flags);
}

/*
 * Send everything queued.  Consecutive entries for one socket go out in
 * one sendmmsg(); a partial send is retried for the rest until the kernel
 * takes none, then counted.
 */
static void flush(struct lk_turnfwd *f)
{
	struct mmsghdr msgs[TXQ];
	struct iovec iov[TXQ];
	unsigned i = 0;

	while (i < f->ntx) {
		unsigned n = 0, sent = 0;
		int fd = f->txq[i].fd, r;

		while (i + n < f->ntx && f->txq[i + n].fd == fd) {
			struct txent *t = &f->txq[i + n];

			iov[n].iov_base = f->txbuf[i + n];
			iov[n].iov_len = t->len;
			memset(&msgs[n], 0, sizeof(msgs[n]));
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			msgs[n].msg_hdr.msg_name = &t->dst.u.sa;
			msgs[n].msg_hdr.msg_namelen = t->dst.len;
			++n;
		}
		while (sent < n) {
			r = sys_sendmmsg(fd, msgs + sent, n - sent,
					 MSG_DONTWAIT);
			LK_STAT_ADD(f->st.send_calls, 1);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				break;
			}
			sent += (unsigned)r;
		}
		if (sent < n) {
			LK_STAT_ADD(f->st.send_errors, n - sent);
			lk_warn_limited("TURN: sendmmsg: %u of %u datagrams not "
					"sent: %s", n - sent, n,
					strerror(errno));
		}
		i += n;
	}
	f->ntx = 0;
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lk_turnfwd *f = arg;

	(void)fd;
	(void)what;
	f->flush_pending = false;
	flush(f);
}

static void flush_later(struct lk_turnfwd *f)
{
	if (f->ntx && !f->flush_pending) {
		f->flush_pending = true;
		event_active(f->flush_ev, EV_TIMEOUT, 0);
	}
}

/* Queue `len` octets of `p` for `fd` towards `dst` (copied). */
static void queue(struct lk_turnfwd *f, int fd, const struct sa *dst,
		  const uint8_t *p, size_t len)
{
	struct txent *t;

	if (f->ntx == TXQ)
		flush(f);
	t = &f->txq[f->ntx];
	memcpy(f->txbuf[f->ntx], p, len);
	t->fd = fd;
	t->len = (uint16_t)len;
	t->dst = *dst;
	++f->ntx;
}

/* ---- From peers (s.11.4, s.12.4) ---- */

/*
 * A Data indication or ChannelData to the client.  `data` has HEADROOM
 * octets before it and 4 after it, where the header and padding go.
 */
static void peer_datagram(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			  uint8_t *data, size_t n, const struct sa *peer,
			  uint64_t now)
{
	const struct lk_turnfwd_chan *c;
	uint8_t *buf = data - HEADROOM;
	size_t off, out;

	/* The deny list on every path (docs/turn.md, "Peers"). */
	if (lk_turnpeer_check(f->peers, peer) != LK_TURNPEER_OK) {
		LK_STAT_ADD(f->st.denied_peers, 1);
		return;
	}
	if (!lk_turnfwd_perm_find(&fa->st, peer, now)) {
		LK_STAT_ADD(f->st.no_permission, 1);
		return;
	}
	c = lk_turnfwd_chan_by_peer(&fa->st, peer, now);
	if (c) {
		/* ChannelData (s.12.4): no padding over UDP. */
		off = HEADROOM - 4;
		buf[off] = (uint8_t)(c->num >> 8);
		buf[off + 1] = (uint8_t)c->num;
		buf[off + 2] = (uint8_t)(n >> 8);
		buf[off + 3] = (uint8_t)n;
		out = 4 + n;
	}
	else {
		uint8_t xa[20];
		size_t xlen, pad = (4 - (n & 3)) & 3, mlen;
		uint64_t seq = LK_STAT_GET(f->st.to_client);
		uint32_t v4;
		unsigned k;

		/* XOR-PEER-ADDRESS (RFC 8489 s.14.2) by hand. */
		memset(xa, 0, sizeof(xa));
		xa[1] = sa_af(peer) == AF_INET ? 1 : 2;
		xa[2] = (uint8_t)((sa_port(peer) ^ 0x2112) >> 8);
		xa[3] = (uint8_t)(sa_port(peer) ^ 0x2112);
		if (sa_af(peer) == AF_INET) {
			v4 = htonl(sa_in(peer) ^ STUN_MAGIC);
			memcpy(xa + 4, &v4, 4);
			xlen = 8;
		}
		else {
			sa_in6(peer, xa + 4);
			xlen = 20;
		}
		off = HEADROOM - 4 - (4 + xlen) - 20;
		mlen = 4 + xlen + 4 + n + pad;
		memset(data + n, 0, pad);
		buf[off] = 0x00;
		buf[off + 1] = 0x17;	/* Data indication */
		buf[off + 2] = (uint8_t)(mlen >> 8);
		buf[off + 3] = (uint8_t)mlen;
		v4 = htonl(STUN_MAGIC);
		memcpy(buf + off + 4, &v4, 4);
		/* A transaction ID, unique enough for an indication. */
		memcpy(buf + off + 8, &now, 8);
		memcpy(buf + off + 16, &seq, 4);
		if (xlen == 20) {
			for (k = 0; k < 16; k++)
				xa[4 + k] ^= buf[off + 4 + k];
		}
		buf[off + 20] = 0x00;
		buf[off + 21] = 0x12;
		buf[off + 22] = 0x00;
		buf[off + 23] = (uint8_t)xlen;
		memcpy(buf + off + 24, xa, xlen);
		buf[off + 24 + xlen] = 0x00;
		buf[off + 25 + xlen] = 0x13;
		buf[off + 26 + xlen] = (uint8_t)(n >> 8);
		buf[off + 27 + xlen] = (uint8_t)n;
		out = 20 + mlen;
	}
	if (fa->outh)
		fa->outh(fa->out_arg, buf + off, out);
	else
		queue(f, f->lfd, &fa->client, buf + off, out);
	LK_STAT_ADD(f->st.to_client, 1);
}

/*
 * Read up to RX_BATCH datagrams of `fd`; each goes to `h`.  One call per
 * wake-up: epoll reports the socket again in the next pass if more wait.
 * A datagram longer than the buffer is dropped and counted, never relayed
 * cut short.
 */
typedef void (rx_h)(struct lk_turnfwd *f, void *arg, const struct sa *src,
		    uint8_t *p, size_t len, uint64_t now);

static void rx_read(struct lk_turnfwd *f, int fd, rx_h *h, void *arg)
{
	uint64_t now = 0;
	struct sa src;
	int n, i;

	n = sys_recvmmsg(fd, f->rx_msgs, RX_BATCH, MSG_DONTWAIT);
	if (n > 0) {
		LK_STAT_ADD(f->st.recv_calls, 1);
		now = now_ms(f);
	}
	for (i = 0; i < n; i++) {
		struct msghdr *mh = &f->rx_msgs[i].msg_hdr;

		if (mh->msg_flags & MSG_TRUNC)
			LK_STAT_ADD(f->st.malformed, 1);
		else if (!sa_set_sa(&src, (struct sockaddr *)mh->msg_name))
			h(f, arg, &src, f->rxbuf[i] + HEADROOM,
			  f->rx_msgs[i].msg_len, now);
		mh->msg_namelen = sizeof(f->rx_addr[i]);
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		lk_warn_limited("TURN: recvmmsg: %s", strerror(errno));
	flush_later(f);
}

static void peer_rx(struct lk_turnfwd *f, void *arg, const struct sa *src,
		    uint8_t *p, size_t len, uint64_t now)
{
	peer_datagram(f, arg, p, len, src, now);
}

static void relay_recv(evutil_socket_t fd, short what, void *arg)
{
	struct lk_turnfwd_alloc *fa = arg;

	(void)what;
	rx_read(fa->f, fd, peer_rx, fa);
}

/* ---- From clients (s.12.5) ---- */

static bool tuple_cmp(struct le *le, void *arg)
{
	const struct lk_turnfwd_alloc *fa = le->data;

	return sa_cmp(&fa->client, arg, SA_ALL);
}

static struct lk_turnfwd_alloc *alloc_find(struct lk_turnfwd *f,
					   const struct sa *client)
{
	struct le *le = hash_lookup(f->tuples, sa_hash(client, SA_ALL),
				    tuple_cmp, (void *)client);

	return le ? le->data : NULL;
}

static void channeldata(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			const uint8_t *p, size_t len, uint64_t now)
{
	const struct lk_turnfwd_chan *c;
	uint16_t num, dlen;

	if (len < 4) {
		LK_STAT_ADD(f->st.malformed, 1);
		return;
	}
	num = (uint16_t)(p[0] << 8 | p[1]);
	dlen = (uint16_t)(p[2] << 8 | p[3]);
	/* Over UDP the datagram may carry padding past the length. */
	if (num < CHAN_MIN || num > CHAN_MAX || (size_t)dlen + 4 > len) {
		LK_STAT_ADD(f->st.malformed, 1);
		return;
	}
	if (!fa)
		return;
	c = lk_turnfwd_chan_by_num(&fa->st, num, now);
	if (!c) {
		LK_STAT_ADD(f->st.no_permission, 1);
		return;
	}
	queue(f, fa->fd, &c->peer, p + 4, dlen);
	LK_STAT_ADD(f->st.to_peer, 1);
}

/* A datagram for the control thread: at once, or through the queue. */
static void handoff(struct lk_turnfwd *f, const struct sa *src,
		    const uint8_t *p, size_t len)
{
	struct handoff *h;
	uint64_t one = 1;
	bool wake;

	if (!f->w) {
		f->ctlh(f->ctl_arg, f->lidx, src, p, len);
		return;
	}
	pthread_mutex_lock(&f->lock);
	if (f->nhand >= LK_TURNFWD_HANDOFF_MAX) {
		pthread_mutex_unlock(&f->lock);
		LK_STAT_ADD(f->st.handoff_dropped, 1);
		return;
	}
	pthread_mutex_unlock(&f->lock);
	/* A request's rate, not media's: malloc is fine here. */
	h = malloc(sizeof(*h) + len);
	if (!h) {
		LK_STAT_ADD(f->st.handoff_dropped, 1);
		return;
	}
	h->next = NULL;
	h->src = *src;
	h->len = len;
	memcpy(h->p, p, len);
	pthread_mutex_lock(&f->lock);
	wake = !f->head;
	if (f->tail)
		f->tail->next = h;
	else
		f->head = h;
	f->tail = h;
	++f->nhand;
	pthread_mutex_unlock(&f->lock);
	if (wake && write(f->efd, &one, sizeof(one)) < 0)
		lk_warn_limited("TURN: eventfd write: %s", strerror(errno));
}

static void handoff_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lk_turnfwd *f = arg;
	struct handoff *h, *next;
	uint64_t v;

	(void)what;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		lk_warn_limited("TURN: eventfd read: %s", strerror(errno));
	pthread_mutex_lock(&f->lock);
	h = f->head;
	f->head = f->tail = NULL;
	f->nhand = 0;
	pthread_mutex_unlock(&f->lock);
	for (; h; h = next) {
		next = h->next;
		f->ctlh(f->ctl_arg, f->lidx, &h->src, h->p, h->len);
		free(h);
	}
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int lk_turnfwd_send_parse(const uint8_t *p, size_t len, struct sa *peer,
			  const uint8_t **data, size_t *dlen)
{
	bool have_peer = false, have_data = false;
	size_t off;

	if (!p || !peer || !data || !dlen)
		return EINVAL;
	/* RFC 8656 s.11.1: method Send (0x006), class indication. */
	if (len < 20 || rd16(p) != 0x0016 || rd32(p + 4) != STUN_MAGIC)
		return ENOENT;
	if ((rd16(p + 2) & 3) || (size_t)rd16(p + 2) != len - 20)
		return EBADMSG;
	for (off = 20; off < len;) {
		uint16_t atype, alen;
		const uint8_t *v;
		size_t padded;

		if (len - off < 4)
			return EBADMSG;
		atype = rd16(p + off);
		alen = rd16(p + off + 2);
		padded = ((size_t)alen + 3) & ~(size_t)3;
		if (len - off - 4 < padded)
			return EBADMSG;
		v = p + off + 4;
		switch (atype) {

		case 0x0012:	/* XOR-PEER-ADDRESS, RFC 8489 s.14.2 */
			if (have_peer)
				return EBADMSG;
			if (alen == 8 && v[1] == 1) {
				sa_set_in(peer, rd32(v + 4) ^ STUN_MAGIC,
					  rd16(v + 2) ^ 0x2112);
			}
			else if (alen == 20 && v[1] == 2) {
				uint8_t a6[16];
				unsigned k;

				/* The cookie and the transaction ID. */
				for (k = 0; k < 16; k++)
					a6[k] = v[4 + k] ^ p[4 + k];
				sa_set_in6(peer, a6, rd16(v + 2) ^ 0x2112);
			}
			else {
				return EBADMSG;
			}
			have_peer = true;
			break;
		case 0x0013:	/* DATA */
			if (have_data)
				return EBADMSG;
			*data = v;
			*dlen = alen;
			have_data = true;
			break;
		case 0x8028:	/* FINGERPRINT, RFC 8489 s.14.7: last */
			if (alen != 4 || off + 8 != len ||
			    rd32(v) != (lk_stun_crc32(p, off) ^ 0x5354554eu))
				return EBADMSG;
			break;
		default:
			return EBADMSG;
		}
		off += 4 + padded;
	}

	return have_peer && have_data ? 0 : EBADMSG;
}

/*
 * RFC 8656 s.11.2: a Send indication from the client of `fa`; every
 * failure is a silent drop, counted.  The checks of relay/turn.c's
 * on_send() (peer policy, family, permission), here on the copy.
 */
static void send_indication(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			    const struct sa *peer, const uint8_t *d,
			    size_t dlen, uint64_t now)
{
	enum lk_turnpeer_verdict v;

	if (!fa)
		return;
	v = lk_turnpeer_check(f->peers, peer);
	if (v != LK_TURNPEER_OK || sa_af(peer) != fa->relay_af) {
		char pt[64] = "?", ct[64] = "?";

		LK_STAT_ADD(f->st.denied_peers, 1);
		if (v == LK_TURNPEER_OK || v == LK_TURNPEER_BAD)
			return;
		(void)re_snprintf(pt, sizeof(pt), "%J", peer);
		(void)re_snprintf(ct, sizeof(ct), "%J", &fa->client);
		lk_warn_limited("TURN: peer %s refused for %s: %s", pt, ct,
				lk_turnpeer_verdict_name(v));
		return;
	}
	if (!lk_turnfwd_perm_find(&fa->st, peer, now)) {
		LK_STAT_ADD(f->st.no_permission, 1);
		return;
	}
	queue(f, fa->fd, peer, d, dlen);
	LK_STAT_ADD(f->st.to_peer, 1);
}

/*
 * RFC 8656 s.12: first bits 0b01 ChannelData; a Send indication in the
 * plain form lk_turnfwd_send_parse() takes; anything else the server's.
 */
static void request_datagram(struct lk_turnfwd *f, const struct sa *src,
			     const uint8_t *p, size_t len, uint64_t now)
{
	const uint8_t *d;
	struct sa peer;
	size_t dlen;

	if (len >= 1 && (p[0] & 0xc0) == 0x40)
		channeldata(f, alloc_find(f, src), p, len, now);
	else if (!lk_turnfwd_send_parse(p, len, &peer, &d, &dlen))
		send_indication(f, alloc_find(f, src), &peer, d, dlen, now);
	else
		handoff(f, src, p, len);
}

static void request_rx(struct lk_turnfwd *f, void *arg, const struct sa *src,
		       uint8_t *p, size_t len, uint64_t now)
{
	(void)arg;
	request_datagram(f, src, p, len, now);
}

static void request_recv(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	rx_read(arg, fd, request_rx, NULL);
}

/* ---- Hand-off from the control thread ---- */

typedef void (run_h)(struct lk_worker *w, void *arg);

/*
 * Run `h` on the data path's thread and wait (relay/worker.h: a wake-up
 * and a round trip, per request, never per packet).
 */
static void run_on(struct lk_turnfwd *f, run_h *h, void *arg)
{
	if (!f->w || lk_worker_call(f->w, h, arg))
		h(f->w, arg);
}

struct add_arg {
	struct lk_turnfwd *f;
	struct lk_turnfwd_alloc *fa;
	int err;
};

static void add_h(struct lk_worker *w, void *arg)
{
	struct add_arg *a = arg;
	struct lk_turnfwd_alloc *fa = a->fa;

	(void)w;
	fa->ev = event_new(a->f->base, fa->fd, EV_READ | EV_PERSIST,
			   relay_recv, fa);
	if (!fa->ev || event_add(fa->ev, NULL) < 0) {
		if (fa->ev)
			event_free(fa->ev);
		fa->ev = NULL;
		a->err = ENOMEM;
		return;
	}
	if (!fa->outh)
		hash_append(a->f->tuples, sa_hash(&fa->client, SA_ALL),
			    &fa->he, fa);
}

int lk_turnfwd_add(struct lk_turnfwd *f, struct lk_turnfwd_alloc **fap,
		   int relay_fd, const struct sa *client,
		   lk_turnfwd_out_h *outh, void *out_arg)
{
	struct add_arg a = {f, NULL, 0};

	if (!f || !fap || relay_fd < 0 || !client || (outh && f->w))
		return EINVAL;
	a.fa = mem_zalloc(sizeof(*a.fa), NULL);
	if (!a.fa)
		return ENOMEM;
	a.fa->f = f;
	a.fa->fd = relay_fd;
	a.fa->client = *client;
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		a.fa->relay_af = getsockname(relay_fd, (struct sockaddr *)&ss,
					     &sl) ? AF_UNSPEC : ss.ss_family;
		if (a.fa->relay_af != AF_UNSPEC)
			(void)sa_set_sa(&a.fa->relay, (struct sockaddr *)&ss);
	}
	a.fa->outh = outh;
	a.fa->out_arg = out_arg;
	run_on(f, add_h, &a);
	if (a.err) {
		mem_deref(a.fa);
		return a.err;
	}
	*fap = a.fa;

	return 0;
}

struct update_arg {
	struct lk_turnfwd_alloc *fa;
	const struct lk_turnfwd_state *st;
};

static void update_h(struct lk_worker *w, void *arg)
{
	struct update_arg *u = arg;

	(void)w;
	u->fa->st = *u->st;
}

int lk_turnfwd_update(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
		      const struct lk_turnfwd_state *st)
{
	struct update_arg u = {fa, st};

	if (!f || !fa || !st)
		return EINVAL;
	/* The worker's copy first: the kernel never knows more than it. */
	run_on(f, update_h, &u);
	lk_turnfwd_kernel_sync(f, fa, st);

	return 0;
}

/*
 * What the kernel's entries carry: IPv4 loopback (127/8) and a port.  The
 * program runs on lo's ingress, and what it sends to the peer goes
 * without a UDP checksum (relay/bpf/kturn.bpf.c): to local sockets only.
 */
static bool kaddr(const struct sa *a)
{
	return sa_af(a) == AF_INET && (sa_in(a) >> 24) == 127 &&
	       sa_port(a) != 0;
}

void lk_turnfwd_kernel_sync(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			    const struct lk_turnfwd_state *st)
{
	struct lk_kturn_ent want[2 * LK_TURNFWD_CHANS_MAX];
	struct lk_turnfwd_state *cp;
	uint64_t now;
	unsigned i, n = 0;

	if (!f || !fa || !st || !f->kt)
		return;
	now = now_ms(f);
	fa->knext = UINT64_MAX;
	/* UDP clients of an IPv4 request socket with a relay on IPv4. */
	if (fa->outh || !kaddr(&f->local) || !kaddr(&fa->relay) ||
	    !kaddr(&fa->client))
		goto out;
	/* The lookups take no const; nothing here writes. */
	cp = (struct lk_turnfwd_state *)(uintptr_t)st;
	for (i = 0; i < cp->nchans; i++) {
		const struct lk_turnfwd_chan *c = &cp->chans[i];
		const struct lk_turnfwd_perm *p;
		struct lk_kturn_ent *e;
		uint64_t exp;

		/*
		 * A live channel to a peer the deny list lets through (it did
		 * at ChannelBind; checked again, it costs nothing here) whose
		 * IP has a live permission: until the earlier expiry.
		 */
		if (c->expires <= now || !kaddr(&c->peer) ||
		    lk_turnpeer_check(f->peers, &c->peer) != LK_TURNPEER_OK)
			continue;
		p = lk_turnfwd_perm_find(cp, &c->peer, now);
		if (!p)
			continue;
		exp = p->expires < c->expires ? p->expires : c->expires;
		if (exp < fa->knext)
			fa->knext = exp;

		/* Client to peer: ChannelData to the request port. */
		e = &want[n++];
		memset(e, 0, sizeof(*e));
		e->key.daddr = htonl(sa_in(&f->local));
		e->key.dport = htons(sa_port(&f->local));
		e->key.saddr = htonl(sa_in(&fa->client));
		e->key.sport = htons(sa_port(&fa->client));
		e->key.chan = htons(c->num);
		e->val.new_saddr = htonl(sa_in(&fa->relay));
		e->val.new_sport = htons(sa_port(&fa->relay));
		e->val.new_daddr = htonl(sa_in(&c->peer));
		e->val.new_dport = htons(sa_port(&c->peer));
		e->expires = exp;

		/* Peer to client: to the relay port, from the peer. */
		e = &want[n++];
		memset(e, 0, sizeof(*e));
		e->key.daddr = htonl(sa_in(&fa->relay));
		e->key.dport = htons(sa_port(&fa->relay));
		e->key.saddr = htonl(sa_in(&c->peer));
		e->key.sport = htons(sa_port(&c->peer));
		e->val.new_saddr = htonl(sa_in(&f->local));
		e->val.new_sport = htons(sa_port(&f->local));
		e->val.new_daddr = htonl(sa_in(&fa->client));
		e->val.new_dport = htons(sa_port(&fa->client));
		e->val.chan = htons(c->num);
		e->expires = exp;
	}

 out:
	lk_kturn_sync(f->kt, &fa->ks, want, n, now);
}

void lk_turnfwd_kernel_expire(struct lk_turnfwd *f,
			      struct lk_turnfwd_alloc *fa,
			      const struct lk_turnfwd_state *st)
{
	if (f && fa && f->kt && fa->ks && now_ms(f) >= fa->knext)
		lk_turnfwd_kernel_sync(f, fa, st);
}

void lk_turnfwd_set_kturn(struct lk_turnfwd *f, struct lk_kturn *kt)
{
	if (f)
		f->kt = kt;
}

static void del_h(struct lk_worker *w, void *arg)
{
	struct lk_turnfwd_alloc *fa = arg;

	(void)w;
	if (fa->ev)
		event_free(fa->ev);
	fa->ev = NULL;
	if (!fa->outh)
		hash_unlink(&fa->he);
	/* Nothing queued may go out on a socket about to be closed. */
	flush(fa->f);
}

void lk_turnfwd_del(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa)
{
	if (!f || !fa)
		return;
	/* Out of the kernel first: its relay socket is about to close. */
	lk_kturn_drop(f->kt, &fa->ks);
	run_on(f, del_h, fa);
	mem_deref(fa);
}

void lk_turnfwd_channeldata(struct lk_turnfwd *f, struct lk_turnfwd_alloc *fa,
			    const uint8_t *p, size_t len)
{
	if (!f || !p)
		return;
	channeldata(f, fa, p, len, now_ms(f));
	flush_later(f);
}

struct input_arg {
	struct lk_turnfwd *f;
	const struct sa *src;
	const uint8_t *p;
	size_t len;
};

static void input_h(struct lk_worker *w, void *arg)
{
	struct input_arg *in = arg;

	(void)w;
	request_datagram(in->f, in->src, in->p, in->len, now_ms(in->f));
	flush_later(in->f);
}

void lk_turnfwd_input(struct lk_turnfwd *f, const struct sa *src,
		      const uint8_t *p, size_t len)
{
	struct input_arg in = {f, src, p, len};

	if (!f || !src || !p)
		return;
	/* As a socket would: longer is cut short, so dropped and counted. */
	if (len > LK_TURNFWD_DATA_MAX) {
		LK_STAT_ADD(f->st.malformed, 1);
		return;
	}
	run_on(f, input_h, &in);
}

static void listen_h(struct lk_worker *w, void *arg)
{
	struct add_arg *a = arg;
	struct lk_turnfwd *f = a->f;

	(void)w;
	f->lev = event_new(f->base, f->lfd, EV_READ | EV_PERSIST,
			   request_recv, f);
	if (!f->lev || event_add(f->lev, NULL) < 0)
		a->err = ENOMEM;
}

int lk_turnfwd_listen(struct lk_turnfwd *f, int fd, unsigned lidx)
{
	struct add_arg a = {f, NULL, 0};

	if (!f || fd < 0 || f->lfd >= 0)
		return EINVAL;
	f->lfd = fd;
	f->lidx = lidx;
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
			(void)sa_set_sa(&f->local, (struct sockaddr *)&ss);
	}
	run_on(f, listen_h, &a);

	return a.err;
}

void lk_turnfwd_stats_add(const struct lk_turnfwd *f,
			  struct lk_turnfwd_stats *st)
{
	if (!f || !st)
		return;
	st->to_peer += LK_STAT_GET(f->st.to_peer);
	st->to_client += LK_STAT_GET(f->st.to_client);
	st->denied_peers += LK_STAT_GET(f->st.denied_peers);
	st->no_permission += LK_STAT_GET(f->st.no_permission);
	st->malformed += LK_STAT_GET(f->st.malformed);
	st->handoff_dropped += LK_STAT_GET(f->st.handoff_dropped);
	st->send_errors += LK_STAT_GET(f->st.send_errors);
	st->recv_calls += LK_STAT_GET(f->st.recv_calls);
	st->send_calls += LK_STAT_GET(f->st.send_calls);
}

/* ---- Set-up ---- */

static void start_h(struct lk_worker *w, void *arg)
{
	struct add_arg *a = arg;
	struct lk_turnfwd *f = a->f;

	f->base = w ? lk_worker_base(w) : f->ctl;
	f->flush_ev = event_new(f->base, -1, 0, flush_cb, f);
	if (!f->flush_ev)
		a->err = ENOMEM;
}

static void stop_h(struct lk_worker *w, void *arg)
{
	struct lk_turnfwd *f = arg;

	(void)w;
	if (f->lev)
		event_free(f->lev);
	f->lev = NULL;
	flush(f);
	if (f->flush_ev)
		event_free(f->flush_ev);
	f->flush_ev = NULL;
}

static void fwd_destructor(void *arg)
{
	struct lk_turnfwd *f = arg;
	struct handoff *h, *next;

	if (f->base)
		run_on(f, stop_h, f);
	if (f->hev)
		event_free(f->hev);
	if (f->efd >= 0)
		close(f->efd);
	for (h = f->head; h; h = next) {
		next = h->next;
		free(h);
	}
	pthread_mutex_destroy(&f->lock);
	mem_deref(f->tuples);
	mem_deref(f->rxbuf);
	mem_deref(f->txbuf);
}

int lk_turnfwd_alloc(struct lk_turnfwd **fp, struct event_base *ctl,
		     struct lk_worker *w, const struct lk_turnpeer *peers,
		     uint64_t (*clockh)(void *arg), void *clock_arg,
		     lk_turnfwd_ctl_h *ctlh, void *ctl_arg)
{
	struct add_arg a;
	struct lk_turnfwd *f;
	unsigned i;
	int err;

	if (!fp || !ctl || !peers)
		return EINVAL;
	f = mem_zalloc(sizeof(*f), fwd_destructor);
	if (!f)
		return ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	f->ctl = ctl;
	f->w = w;
	f->peers = peers;
	f->clockh = clockh;
	f->clock_arg = clock_arg;
	f->ctlh = ctlh;
	f->ctl_arg = ctl_arg;
	f->lfd = -1;
	f->efd = -1;
	f->rxbuf = mem_zalloc(RX_BATCH * sizeof(*f->rxbuf), NULL);
	f->txbuf = mem_zalloc(TXQ * sizeof(*f->txbuf), NULL);
	err = hash_alloc(&f->tuples, 256);
	if (!f->rxbuf || !f->txbuf || err) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < RX_BATCH; i++) {
		f->rx_iov[i].iov_base = f->rxbuf[i] + HEADROOM;
		f->rx_iov[i].iov_len = LK_TURNFWD_DATA_MAX;
		f->rx_msgs[i].msg_hdr.msg_iov = &f->rx_iov[i];
		f->rx_msgs[i].msg_hdr.msg_iovlen = 1;
		f->rx_msgs[i].msg_hdr.msg_name = &f->rx_addr[i];
		f->rx_msgs[i].msg_hdr.msg_namelen = sizeof(f->rx_addr[i]);
	}
	if (w) {
		f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (f->efd < 0) {
			err = errno;
			goto out;
		}
		f->hev = event_new(ctl, f->efd, EV_READ | EV_PERSIST,
				   handoff_cb, f);
		if (!f->hev || event_add(f->hev, NULL) < 0) {
			err = ENOMEM;
			goto out;
		}
	}
	a = (struct add_arg){f, NULL, 0};
	run_on(f, start_h, &a);
	err = a.err;

 out:
	if (err)
		mem_deref(f);
	else
		*fp = f;

	return err;
}
