/* relay/worker.c  A media worker: a thread, its event base, the packet path. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <re.h>

#include "conf.h"
#include "demux.h"
#include "clock.h"
#include "kfwd.h"
#include "log.h"
#include "netaddr.h"
#include "legsrtp.h"
#include "srtp.h"
#include "stun.h"
#include "worker.h"

/*
 * The packet path (docs/architecture.md, "The packet path"): recvmmsg
 * batch -> classify (RFC 7983) ->
 * find the leg (the socket's event argument, or the multiplexID on a mux
 * port) -> latch -> choose the peer's socket and latched address -> add or
 * strip the multiplexID -> queue -> sendmmsg.  No allocation, no lock, no
 * per-packet log.
 *
 * Buffers: a pool of fixed slots per worker.  A receive takes RX_BATCH free
 * slots; a forwarded packet stays in its slot, which goes on the send queue
 * and returns to the pool after sendmmsg(), so a packet is never copied.
 * Each slot keeps HEADROOM octets in front of the packet so that adding a
 * multiplexID is a pointer move and a 4-octet store.
 *
 * Batching: what one recvmmsg() read for plain legs goes out at once, in
 * one sendmmsg() per destination socket (one, as a rule: a leg's batch all
 * goes to its peer's socket, and no other socket's packets in the pass
 * would join it).  Packets for a multiplexed port wait for the end of the
 * event loop pass (the flush event is made active on the first of them,
 * after every read event that epoll reported in this pass, so it runs
 * last), so that the packets of every stream read in the pass go out in
 * one sendmmsg(); the queue is flushed earlier when it or the pool runs
 * low.  Flushing plain batches at once saves a libevent activation and
 * dispatch per wake-up, which in the per-endpoint load shape (every packet
 * a wake-up of its own) is per packet.
 */

/*
 * Datagrams per recvmmsg(): one wake-up reads at most this many, so that a
 * flooded socket cannot starve the others (rtpengine and libuv read 32-50
 * per wake-up for the same reason); epoll reports the socket again in the
 * next pass if more are waiting.
 */
#define RX_BATCH	32
#define POOL		1024		/* slots per worker */
#define HEADROOM	16
#define SLOT_SIZE	2048		/* a packet up to 2032 octets */
#define TXQ		(POOL - RX_BATCH)
#define MUX_TABLE	(1u << 16)	/* multiplexID -> leg, open addressing */
#define MUX_MAX_LEGS	(MUX_TABLE / 2)

struct slot {
	uint8_t buf[SLOT_SIZE];
};

struct txent {
	int fd;
	uint16_t slot;
	uint16_t off;
	uint16_t len;
	socklen_t dlen;
	union lk_latch_addr dst;
	struct lk_leg *to;
};

struct wcall {
	lk_worker_call_h *h;
	void *arg;
	bool done;
	struct wcall *next;
};

struct lk_worker {
	unsigned index;
	pthread_t thread;
	bool running;
	bool stopped;
	struct event_base *base;

	/* Commands from the control thread. */
	int efd;
	struct event *cmd_ev;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct wcall *head, *tail;

	/* The packet path. */
	struct slot *slots;
	uint16_t freelist[POOL];
	unsigned nfree;
	struct txent txq[TXQ];
	unsigned ntx;
	struct event *flush_ev;
	bool flush_pending;
	bool tx_mux;			/* a queued packet goes to a mux port */

	/*
	 * recvmmsg() headers kept armed between calls, each with a slot:
	 * a call re-arms only the entries the previous one consumed, so a
	 * wake-up that finds one packet costs one entry's set-up, not 32.
	 */
	struct mmsghdr rx_msgs[RX_BATCH];
	struct iovec rx_iov[RX_BATCH];
	struct sockaddr_storage rx_addr[RX_BATCH];
	uint16_t rx_slot[RX_BATCH];

	/* Multiplexed media ports and their streams. */
	struct lk_msock mux[LK_MUX_PORTS_MAX];
	unsigned nmux;
	unsigned mux_group;		/* workers sharing the mux ports; 0, 1: alone */
	unsigned mux_next_pair;
	unsigned mux_legs;
	struct lk_leg **mux_table;	/* MUX_TABLE entries, NULL: free */

	struct lk_kfwd *kf;		/* kernel fast path, or NULL */

	struct lk_worker_stats st;
};


/*
 * glibc's recvmmsg() and sendmmsg() are thread cancellation points, and
 * switch the thread's cancellation state around every call; the workers
 * are never cancelled, so they call the kernel directly.
 */
static int sys_recvmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	return (int)syscall(SYS_recvmmsg, fd, m, n, flags, NULL);
}

static int sys_sendmmsg(int fd, struct mmsghdr *m, unsigned n, int flags)
{
	return (int)syscall(SYS_sendmmsg, fd, m, n, flags);
}

/*
 * One datagram: sendmsg(), not a sendmmsg() of one, which costs the kernel
 * its loop and the store of msg_len back (about 30 ns of a ~500 ns send,
 * measured on this machine); in the per-endpoint load shape most sends
 * are of one packet.  Returns 1 (sent) or -1 with errno, as sendmmsg().
 */
static int sys_send1(int fd, struct mmsghdr *m, int flags)
{
	return syscall(SYS_sendmsg, fd, &m->msg_hdr, flags) < 0 ? -1 : 1;
}

static void slot_free(struct lk_worker *w, uint16_t s)
{
	w->freelist[w->nfree++] = s;
}

/*
 * Send everything queued.  Consecutive entries for one socket go out in one
 * sendmmsg(); a partial send is retried once for the rest, then counted.
 */
static void flush(struct lk_worker *w)
{
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	unsigned i = 0;

	while (i < w->ntx) {
		unsigned n = 0, j, sent = 0;
		int fd = w->txq[i].fd, r;

		while (i + n < w->ntx && n < 64 && w->txq[i + n].fd == fd) {
			struct txent *t = &w->txq[i + n];

			iov[n].iov_base = w->slots[t->slot].buf + t->off;
			iov[n].iov_len = t->len;
			memset(&msgs[n], 0, sizeof(msgs[n]));
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			msgs[n].msg_hdr.msg_name = &t->dst;
			msgs[n].msg_hdr.msg_namelen = t->dlen;
			++n;
		}
		while (sent < n) {
			r = n - sent == 1 ?
				sys_send1(fd, msgs + sent, MSG_DONTWAIT) :
				sys_sendmmsg(fd, msgs + sent, n - sent,
					     MSG_DONTWAIT);
			LK_STAT_ADD(w->st.send_calls, 1);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				break;
			}
			sent += (unsigned)r;
		}
		for (j = 0; j < n; j++) {
			struct txent *t = &w->txq[i + j];

			if (j < sent) {
				LK_STAT_ADD(t->to->st.packets_out, 1);
				LK_STAT_ADD(t->to->st.bytes_out, t->len);
				LK_STAT_ADD(w->st.packets, 1);
				LK_STAT_ADD(w->st.bytes, t->len);
			}
			slot_free(w, t->slot);
		}
		if (sent < n) {
			LK_STAT_ADD(w->st.send_errors, n - sent);
			lk_warn_limited("worker %u: sendmmsg: %u of %u packets "
					"not sent: %s", w->index, n - sent, n,
					strerror(errno));
		}
		i += n;
	}
	w->ntx = 0;
	w->tx_mux = false;
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lk_worker *w = arg;

	w->flush_pending = false;
	flush(w);
}

/*
 * The multiplexID's home slot: Knuth's multiplicative hash (2^32 / phi).
 * The IDs in the table are random (lk_worker_mux_add); the multiply costs
 * one instruction and keeps the low bits well spread should IDs ever come
 * from a sequence.
 */
static uint32_t mux_slot(uint32_t id)
{
	return (id * 2654435761u) & (MUX_TABLE - 1);
}

static uint32_t mux_next(uint32_t h)
{
	return (h + 1) & (MUX_TABLE - 1);
}

static struct lk_leg *mux_find(const struct lk_worker *w, uint32_t id)
{
	uint32_t h = mux_slot(id);

	for (;;) {
		struct lk_leg *leg = w->mux_table[h];

		if (!leg)
			return NULL;
		if (leg->mux_id == id)
			return leg;
		h = mux_next(h);
	}
}

/*
 * A packet the leg's latch refused: a foreign source after latching, or
 * before latching one that is not where signalling came from (latch.h,
 * rule 2), which is worth a (rate-limited) line: it is either a probe of
 * fresh ports or a NAT that needs "Latch from any address".
 */
static void drop_source(struct lk_worker *w, struct lk_leg *leg,
			enum lk_latch_verdict v, const struct sockaddr *src)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const void *ip;

	if (v != LK_LATCH_DROP_UNEXPECTED) {
		LK_STAT_ADD(leg->st.dropped_foreign, 1);
		LK_STAT_ADD(w->st.dropped_foreign, 1);
		return;
	}
	LK_STAT_ADD(leg->st.dropped_unexpected, 1);
	LK_STAT_ADD(w->st.dropped_unexpected, 1);
	ip = src->sa_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)src)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)src)->sin6_addr;
	inet_ntop(src->sa_family, ip, a, sizeof(a));
	lk_warn_limited("media from %s before the leg latched, not from the "
			"address its signalling or SDP gave: dropped", a);
}

/*
 * A STUN message on a leg's port.  A Binding request or indication from
 * the leg's endpoint latches it as RTP does (RFC 6263 keep-alives: an
 * endpoint that sends no media before it hears some still gets media) and
 * keeps the call alive; a request is answered only when the latch took it,
 * so a foreign source learns nothing and reflects nothing.  Rare (keep-
 * alives every few seconds): a plain sendto() is fine.
 */
static void stun_input(struct lk_worker *w, struct lk_msock *ms,
		       struct lk_leg *leg, const uint8_t *p, size_t len,
		       const struct sockaddr *src, socklen_t srclen,
		       uint64_t now)
{
	uint8_t resp[LK_STUN_RESPONSE_MAX];
	enum lk_latch_verdict v;
	struct lk_stun_req req;
	enum lk_stun_msg msg;
	size_t rlen;

	msg = lk_stun_classify(&req, p, len);
	if (msg != LK_STUN_BINDING_REQUEST &&
	    msg != LK_STUN_BINDING_INDICATION) {
		LK_STAT_ADD(w->st.stun_ignored, 1);
		return;
	}
	LK_STAT_ADD(leg->st.stun, 1);
	v = lk_latch_input(&leg->latch[ms->comp], src, srclen, LK_PKT_STUN,
			   now);
	if (v != LK_LATCH_ACCEPT && v != LK_LATCH_LATCHED_NOW) {
		drop_source(w, leg, v, src);
		return;
	}
	LK_STAT_SET(leg->st.last_rx_ms, now);
	if (v == LK_LATCH_LATCHED_NOW && w->kf)
		lk_kfwd_stream_sync(w->kf, leg->stream);
	if (msg != LK_STUN_BINDING_REQUEST ||
	    lk_stun_binding_response(resp, sizeof(resp), &rlen, &req, src,
				     srclen)) {
		return;
	}
	if (sendto(ms->fd, resp, rlen, MSG_DONTWAIT, src, srclen) < 0)
		LK_STAT_ADD(w->st.send_errors, 1);
	else
		LK_STAT_ADD(w->st.stun_answered, 1);
}

/*
 * One received datagram in slot `s`.  Returns true if it was queued for
 * sending (the slot now belongs to the send queue), false if it was
 * dropped or answered (the caller frees the slot).
 */
static bool packet(struct lk_worker *w, struct lk_msock *ms, uint16_t s,
		   size_t len, const struct sockaddr *src, socklen_t srclen,
		   uint64_t now)
{
	uint8_t *p = w->slots[s].buf + HEADROOM;
	struct lk_leg *leg = ms->leg, *to;
	const struct sockaddr *dst;
	enum lk_latch_verdict v;
	unsigned rcomp, ocomp;
	struct txent *t;
	socklen_t dlen;
	enum lk_pkt kind;
	uint32_t id;
	int fd;

	if (!leg) {
		/* H.460.19: a multiplexID in front of every packet. */
		if (lk_demux_mux_strip(&id, &p, &len)) {
			LK_STAT_ADD(w->st.malformed, 1);
			return false;
		}
		leg = mux_find(w, id);
		if (!leg) {
			LK_STAT_ADD(w->st.dropped_no_leg, 1);
			return false;
		}
	}

	kind = lk_demux_classify(p, len);
	if (kind == LK_PKT_STUN) {
		stun_input(w, ms, leg, p, len, src, srclen, now);
		return false;
	}
	if (kind != LK_PKT_RTP && kind != LK_PKT_RTCP) {
		LK_STAT_ADD(leg->st.malformed, 1);
		LK_STAT_ADD(w->st.malformed, 1);
		return false;
	}

	/*
	 * SRTP termination (docs/srtp.md): only what authenticates goes on,
	 * and latches.  A 12-octet packet cannot be SRTP: it is taken as a
	 * keep-alive below and never forwarded.
	 */
	if (leg->srtp_in && !(kind == LK_PKT_RTP && len == LK_DEMUX_RTP_MIN) &&
	    lk_srtp_leg_decrypt(leg, p, &len, kind == LK_PKT_RTCP))
		return false;

	/* Latch on the socket the packet came in on (RTP or RTCP port). */
	rcomp = ms->comp;
	v = lk_latch_input(&leg->latch[rcomp], src, srclen, kind, now);
	if (v == LK_LATCH_DROP_FOREIGN || v == LK_LATCH_DROP_INVALID ||
	    v == LK_LATCH_DROP_UNEXPECTED) {
		drop_source(w, leg, v, src);
		return false;
	}
	LK_STAT_ADD(leg->st.packets, 1);
	LK_STAT_ADD(leg->st.bytes, len);
	LK_STAT_SET(leg->st.last_rx_ms, now);
	/* A source latched or moved: the kernel may take the stream over. */
	if (v != LK_LATCH_ACCEPT && w->kf)
		lk_kfwd_stream_sync(w->kf, leg->stream);

	/* A 12-octet RTP keep-alive (H.460.19) latches, is not forwarded. */
	if (kind == LK_PKT_RTP && len == LK_DEMUX_RTP_MIN) {
		struct lk_rtp_hdr hdr;

		if (leg->srtp_in || (!lk_demux_rtp_parse(&hdr, p, len, 0) &&
		    lk_demux_rtp_is_keepalive(&hdr, leg->keepalive_pt))) {
			LK_STAT_ADD(leg->st.keepalives, 1);
			LK_STAT_ADD(w->st.keepalives, 1);
			return false;
		}
	}

	to = leg->peer;
	if (!to || !to->active) {
		LK_STAT_ADD(w->st.dropped_held, 1);
		return false;
	}
	/*
	 * RFC 3264 s.6.1: a side whose SDP says sendonly or inactive takes
	 * no RTP (on hold: the held side gets nothing); RTCP still flows.
	 */
	if (to->no_rtp && kind == LK_PKT_RTP) {
		LK_STAT_ADD(to->st.dropped_direction, 1);
		LK_STAT_ADD(w->st.dropped_direction, 1);
		return false;
	}
	/*
	 * RTCP goes to the peer's RTCP port unless the peer multiplexes RTCP
	 * on its RTP port (RFC 5761); RTP always to its RTP port.
	 */
	ocomp = (kind == LK_PKT_RTCP && !to->rtcp_mux) ? LK_COMP_RTCP :
		LK_COMP_RTP;
	dst = lk_latch_target(&to->latch[ocomp], &dlen);
	if (!dst) {
		/* Seed N: nothing goes to a side before its media arrives. */
		LK_STAT_ADD(to->st.dropped_held, 1);
		LK_STAT_ADD(w->st.dropped_held, 1);
		return false;
	}
	if (to->srtp_out &&
	    lk_srtp_leg_encrypt(to, p, &len, (size_t)(w->slots[s].buf +
				SLOT_SIZE - p), kind == LK_PKT_RTCP))
		return false;
	if (to->mux_rx) {
		fd = w->mux[2 * to->mux_pair + ocomp].fd;
		w->tx_mux = true;
	}
	else {
		fd = to->sock[ocomp].fd;
	}
	if (to->mux_tx &&
	    lk_demux_mux_prepend(&p, &len, (size_t)(p - w->slots[s].buf),
				 to->mux_tx_id)) {
		LK_STAT_ADD(w->st.malformed, 1);
		return false;
	}

	t = &w->txq[w->ntx++];
	t->fd = fd;
	t->slot = s;
	t->off = (uint16_t)(p - w->slots[s].buf);
	t->len = (uint16_t)len;
	t->to = to;
	t->dlen = dlen <= sizeof(t->dst) ? dlen : sizeof(t->dst);
	memcpy(&t->dst, dst, t->dlen);

	return true;
}

static void rx_arm(struct lk_worker *w, unsigned i)
{
	uint16_t s = w->freelist[--w->nfree];

	w->rx_slot[i] = s;
	w->rx_iov[i].iov_base = w->slots[s].buf + HEADROOM;
	w->rx_iov[i].iov_len = SLOT_SIZE - HEADROOM;
	w->rx_msgs[i].msg_hdr.msg_iov = &w->rx_iov[i];
	w->rx_msgs[i].msg_hdr.msg_iovlen = 1;
	w->rx_msgs[i].msg_hdr.msg_name = &w->rx_addr[i];
	w->rx_msgs[i].msg_hdr.msg_namelen = sizeof(w->rx_addr[i]);
	w->rx_msgs[i].msg_hdr.msg_control = NULL;
	w->rx_msgs[i].msg_hdr.msg_controllen = 0;
}

static void recv_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lk_msock *ms = arg;
	struct lk_worker *w = ms->w;
	unsigned i;
	uint64_t now;
	int n;

	/* Room to re-arm a whole batch and to queue it. */
	if (w->nfree < RX_BATCH || w->ntx + RX_BATCH > TXQ)
		flush(w);
	n = sys_recvmmsg(fd, w->rx_msgs, RX_BATCH, MSG_DONTWAIT);
	if (n > 0) {
		LK_STAT_ADD(w->st.recv_calls, 1);
		now = lk_clock_ms();
	}
	for (i = 0; n > 0 && i < (unsigned)n; i++) {
		struct msghdr *mh = &w->rx_msgs[i].msg_hdr;
		bool queued = false;

		if (mh->msg_flags & MSG_TRUNC)
			LK_STAT_ADD(w->st.malformed, 1);
		else
			queued = packet(w, ms, w->rx_slot[i],
					w->rx_msgs[i].msg_len,
					(struct sockaddr *)&w->rx_addr[i],
					mh->msg_namelen, now);
		if (queued)
			rx_arm(w, i);	/* the slot went to the send queue */
		else
			mh->msg_namelen = sizeof(w->rx_addr[i]);
	}
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		lk_warn_limited("worker %u: recvmmsg on port %u: %s", w->index,
				ms->port, strerror(errno));
	if (!w->ntx || w->flush_pending)
		return;
	if (w->tx_mux) {
		/* For a mux port: the end of the pass (Batching, above). */
		w->flush_pending = true;
		event_active(w->flush_ev, EV_TIMEOUT, 0);
	}
	else {
		flush(w);
	}
}

int lk_worker_sock_add(struct lk_worker *w, struct lk_msock *ms)
{
	ms->w = w;
	ms->ev = event_new(w->base, ms->fd, EV_READ | EV_PERSIST, recv_cb, ms);
	if (!ms->ev)
		return ENOMEM;
	if (event_add(ms->ev, NULL) < 0) {
		event_free(ms->ev);
		ms->ev = NULL;
		return ENOMEM;
	}

	return 0;
}

void lk_worker_sock_del(struct lk_worker *w, struct lk_msock *ms)
{
	unsigned i;

	if (ms->ev) {
		event_free(ms->ev);
		ms->ev = NULL;
	}
	/* Nothing queued may point at a leg that is going away. */
	for (i = 0; i < w->ntx; i++) {
		if (ms->leg && (w->txq[i].to == ms->leg ||
				w->txq[i].to == ms->leg->peer)) {
			flush(w);
			break;
		}
	}
}

struct sock_add_arg {
	struct lk_msock *ms;
	int err;
};

static void sock_add_h(struct lk_worker *w, void *arg)
{
	struct sock_add_arg *a = arg;

	a->err = lk_worker_sock_add(w, a->ms);
}

int lk_worker_mux_open(struct lk_worker *w, const char *addr,
		       const uint16_t *ports, unsigned nports, bool shared,
		       char *errbuf, size_t errsz)
{
	unsigned i;
	int err;

	for (i = 0; i < nports && i < LK_MUX_PORTS_MAX; i++) {
		struct lk_msock *ms = &w->mux[i];
		struct sockaddr_storage ss;
		socklen_t sl;

		if (lk_sockaddr_set(&ss, &sl, addr, ports[i])) {
			snprintf(errbuf, errsz, "bad address %s", addr);
			return EINVAL;
		}
		ms->fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK |
				SOCK_CLOEXEC, 0);
		if (ms->fd >= 0) {
			/*
			 * Every multiplexed stream shares this socket's queue:
			 * the default (net.core.rmem_default, 208 KiB) holds
			 * ~2 ms at 100k packets/s.  8 MiB, past rmem_max with
			 * CAP_NET_ADMIN, else as much as rmem_max allows.
			 */
			int rb = 8 << 20;

			int one = 1;

			if (setsockopt(ms->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rb,
				       sizeof(rb)) < 0)
				setsockopt(ms->fd, SOL_SOCKET, SO_RCVBUF, &rb,
					   sizeof(rb));
			/* One socket per worker on the port (mux_steer). */
			if (shared && setsockopt(ms->fd, SOL_SOCKET,
						 SO_REUSEPORT, &one,
						 sizeof(one)) < 0) {
				close(ms->fd);
				ms->fd = -1;
			}
		}
		if (ms->fd < 0 || bind(ms->fd, (struct sockaddr *)&ss, sl) < 0) {
			err = errno;
			snprintf(errbuf, errsz, "cannot bind multiplexed media "
				 "port UDP %s:%u: %s", addr, ports[i],
				 strerror(err));
			if (ms->fd >= 0)
				close(ms->fd);
			ms->fd = -1;
			return err;
		}
		ms->leg = NULL;
		ms->comp = i % 2;
		ms->port = ports[i];
		{
			/*
			 * The worker's thread runs its event_base already: the
			 * event is added on that thread (a base is not locked).
			 */
			struct sock_add_arg a = {ms, 0};

			err = lk_worker_call(w, sock_add_h, &a);
			if (!err)
				err = a.err;
		}
		if (err) {
			close(ms->fd);
			ms->fd = -1;
			return err;
		}
		w->nmux = i + 1;
	}

	return 0;
}

int lk_worker_mux_steer(struct lk_worker *w, unsigned group)
{
	/*
	 * Classic BPF run by the kernel's SO_REUSEPORT selection on the UDP
	 * payload (the UDP header already pulled): the multiplexID's 4
	 * octets in network order, modulo the group's size, is the index of
	 * the socket (its worker) in the group, which is the order the
	 * workers bound in.  A datagram shorter than 4 octets ends the
	 * program with 0: worker 0, which counts it malformed.
	 */
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, group),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_fprog prog = {
		.len = sizeof(code) / sizeof(code[0]),
		.filter = code,
	};
	unsigned i;

	if (group < 2)
		return EINVAL;
	for (i = 0; i < w->nmux; i++) {
		if (setsockopt(w->mux[i].fd, SOL_SOCKET,
			       SO_ATTACH_REUSEPORT_CBPF, &prog,
			       sizeof(prog)) < 0)
			return errno;
	}
	w->mux_group = group;

	return 0;
}

void lk_worker_mux_group(struct lk_worker *w, unsigned group)
{
	w->mux_group = group;
}

int lk_worker_mux_add(struct lk_worker *w, struct lk_leg *leg)
{
	uint32_t id, h;

	if (w->nmux < 2)
		return ENOTSUP;
	if (w->mux_legs >= MUX_MAX_LEGS)
		return ENOSPC;
	/*
	 * Random IDs: the next stream's ID cannot be guessed from this one.
	 * Sharing the ports, the ID modulo the group is this worker's index
	 * (lk_worker_mux_steer): the kernel hands its packets to this
	 * worker's socket, and no other worker can draw it.
	 */
	do {
		if (getrandom(&id, sizeof(id), 0) != sizeof(id))
			id = (uint32_t)random();
		/* 1..2^31-1, as GnuGk and H323Plus take them (docs/h323.md). */
		id &= 0x7fffffffu;
		if (w->mux_group > 1)
			id = id - id % w->mux_group + w->index;
	} while (id == LK_MUX_ID_NONE || id > 0x7fffffffu || mux_find(w, id) ||
		 (w->mux_group > 1 && id % w->mux_group != w->index));
	leg->mux_id = id;
	leg->mux_rx = true;
	leg->mux_pair = w->mux_next_pair++ % (w->nmux / 2);
	h = mux_slot(id);
	while (w->mux_table[h])
		h = mux_next(h);
	w->mux_table[h] = leg;
	++w->mux_legs;

	return 0;
}

void lk_worker_mux_del(struct lk_worker *w, struct lk_leg *leg)
{
	uint32_t h, j, k;

	if (!leg->mux_rx)
		return;
	h = mux_slot(leg->mux_id);
	while (w->mux_table[h] && w->mux_table[h] != leg)
		h = mux_next(h);
	if (!w->mux_table[h])
		return;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	w->mux_table[h] = NULL;
	j = h;
	for (;;) {
		j = mux_next(j);
		if (!w->mux_table[j])
			break;
		k = mux_slot(w->mux_table[j]->mux_id);
		if ((j > h && (k <= h || k > j)) || (j < h && k <= h && k > j)) {
			w->mux_table[h] = w->mux_table[j];
			w->mux_table[j] = NULL;
			h = j;
		}
	}
	--w->mux_legs;
	leg->mux_rx = false;
}

unsigned lk_worker_mux_pairs(const struct lk_worker *w)
{
	return w->nmux / 2;
}

uint16_t lk_worker_mux_port(const struct lk_worker *w, unsigned pair,
			    unsigned comp)
{
	return w->mux[2 * pair + comp].port;
}

/* Commands from the control thread. */
static void cmd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct lk_worker *w = arg;
	struct wcall *c, *next;
	uint64_t v;

	if (read(w->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		lk_warn_limited("worker %u: eventfd: %s", w->index,
				strerror(errno));
	pthread_mutex_lock(&w->lock);
	c = w->head;
	w->head = w->tail = NULL;
	pthread_mutex_unlock(&w->lock);
	for (; c; c = next) {
		next = c->next;
		c->h(w, c->arg);
		pthread_mutex_lock(&w->lock);
		c->done = true;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *worker_main(void *arg)
{
	struct lk_worker *w = arg;

	event_base_dispatch(w->base);
	flush(w);

	return NULL;
}

int lk_worker_call(struct lk_worker *w, lk_worker_call_h *h, void *arg)
{
	struct wcall c = {h, arg, false, NULL};
	uint64_t one = 1;

	if (w->running && pthread_equal(pthread_self(), w->thread)) {
		h(w, arg);
		return 0;
	}
	pthread_mutex_lock(&w->lock);
	if (w->stopped) {
		pthread_mutex_unlock(&w->lock);
		return ESHUTDOWN;
	}
	if (w->tail)
		w->tail->next = &c;
	else
		w->head = &c;
	w->tail = &c;
	pthread_mutex_unlock(&w->lock);
	if (write(w->efd, &one, sizeof(one)) < 0)
		lk_warn("worker %u: eventfd write: %s", w->index,
			strerror(errno));
	pthread_mutex_lock(&w->lock);
	while (!c.done)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);

	return 0;
}

static void stop_h(struct lk_worker *w, void *arg)
{
	event_base_loopbreak(w->base);
}

/* Stop the thread, then free: a half-built worker tears down here too. */
static void worker_destructor(void *arg)
{
	struct lk_worker *w = arg;
	unsigned i;

	if (w->running) {
		lk_worker_call(w, stop_h, NULL);
		pthread_join(w->thread, NULL);
		w->running = false;
	}
	pthread_mutex_lock(&w->lock);
	w->stopped = true;
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nmux; i++) {
		if (w->mux[i].ev)
			event_free(w->mux[i].ev);
		if (w->mux[i].fd >= 0)
			close(w->mux[i].fd);
	}
	if (w->flush_ev)
		event_free(w->flush_ev);
	if (w->cmd_ev)
		event_free(w->cmd_ev);
	if (w->base)
		event_base_free(w->base);
	if (w->efd >= 0)
		close(w->efd);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->mux_table);
	free(w->slots);
}

int lk_worker_alloc(struct lk_worker **wp, unsigned index)
{
	struct lk_worker *w;
	unsigned i;
	int err;

	w = mem_zalloc(sizeof(*w), worker_destructor);
	if (!w)
		return ENOMEM;
	w->index = index;
	w->efd = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->slots = calloc(POOL, sizeof(*w->slots));
	w->mux_table = calloc(MUX_TABLE, sizeof(*w->mux_table));
	if (!w->slots || !w->mux_table) {
		err = ENOMEM;
		goto out;
	}
	for (i = 0; i < POOL; i++)
		w->freelist[i] = (uint16_t)(POOL - 1 - i);
	w->nfree = POOL;
	for (i = 0; i < RX_BATCH; i++)
		rx_arm(w, i);
	for (i = 0; i < LK_MUX_PORTS_MAX; i++)
		w->mux[i].fd = -1;
	w->base = event_base_new();
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!w->base || w->efd < 0) {
		err = w->efd < 0 ? errno : ENOMEM;
		goto out;
	}
	w->cmd_ev = event_new(w->base, w->efd, EV_READ | EV_PERSIST, cmd_cb, w);
	w->flush_ev = event_new(w->base, -1, 0, flush_cb, w);
	if (!w->cmd_ev || !w->flush_ev || event_add(w->cmd_ev, NULL) < 0) {
		err = ENOMEM;
		goto out;
	}
	err = pthread_create(&w->thread, NULL, worker_main, w);
	if (err)
		goto out;
	w->running = true;

 out:
	if (err)
		mem_deref(w);
	else
		*wp = w;

	return err;
}

void lk_worker_stats(const struct lk_worker *w, struct lk_worker_stats *st)
{
	st->packets = LK_STAT_GET(w->st.packets);
	st->bytes = LK_STAT_GET(w->st.bytes);
	st->malformed = LK_STAT_GET(w->st.malformed);
	st->dropped_foreign = LK_STAT_GET(w->st.dropped_foreign);
	st->dropped_held = LK_STAT_GET(w->st.dropped_held);
	st->dropped_direction = LK_STAT_GET(w->st.dropped_direction);
	st->dropped_no_leg = LK_STAT_GET(w->st.dropped_no_leg);
	st->dropped_unexpected = LK_STAT_GET(w->st.dropped_unexpected);
	st->stun_answered = LK_STAT_GET(w->st.stun_answered);
	st->stun_ignored = LK_STAT_GET(w->st.stun_ignored);
	st->keepalives = LK_STAT_GET(w->st.keepalives);
	st->send_errors = LK_STAT_GET(w->st.send_errors);
	st->recv_calls = LK_STAT_GET(w->st.recv_calls);
	st->send_calls = LK_STAT_GET(w->st.send_calls);
}

void lk_worker_set_kfwd(struct lk_worker *w, struct lk_kfwd *kf)
{
	w->kf = kf;
}

struct lk_kfwd *lk_worker_kfwd(const struct lk_worker *w)
{
	return w->kf;
}

struct event_base *lk_worker_base(struct lk_worker *w)
{
	return w->base;
}

unsigned lk_worker_index(const struct lk_worker *w)
{
	return w->index;
}
