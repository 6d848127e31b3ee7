/* relay/kfwd.c  The kernel fast path: load the eBPF program, keep its map in step with the latches. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kfwd.h"
#include "log.h"

/* The rule, the same with or without libbpf. */
bool lk_kfwd_eligible(const struct lk_leg *from)
{
	const struct lk_leg *to = from ? from->peer : NULL;
	const unsigned no_kernel = LK_LATCH_MEDIA_HANDOVER |
		LK_LATCH_ASYMMETRIC;

	if (!to || !from->active || !to->active)
		return false;
	/* Its own sockets, or the multiplexed ports (H.460.19). */
	if ((!from->mux_rx && from->sock[0].fd < 0) ||
	    (!to->mux_rx && to->sock[0].fd < 0) || !from->port[0] ||
	    !to->port[0])
		return false;
	if ((from->mux_rx && from->mux_id == LK_MUX_ID_NONE) ||
	    (to->mux_tx && to->mux_tx_id == LK_MUX_ID_NONE))
		return false;
	/* RFC 3264 s.6.1: nothing to a sendonly or inactive side. */
	if (to->no_rtp)
		return false;
	/*
	 * SRTP terminated by the relay (relay/srtp.h): each packet is
	 * decrypted or encrypted on the worker, so it never takes the
	 * kernel's path.  Pass-through SRTP (no contexts) may.
	 */
	if (from->srtp_in || from->srtp_out || to->srtp_in || to->srtp_out)
		return false;
	if ((from->latch[0].flags | to->latch[0].flags) & no_kernel)
		return false;
	if (!lk_latch_is_latched(&from->latch[0]) ||
	    !lk_latch_is_latched(&to->latch[0]))
		return false;

	return from->latch[0].peer.sa.sa_family == AF_INET &&
		to->latch[0].peer.sa.sa_family == AF_INET;
}

#ifndef LK_HAVE_KFWD

int lk_kfwd_alloc(struct lk_kfwd **kp, const char *addr, const char *ifaces,
		  char *why, size_t whysz)
{
	snprintf(why, whysz, "latchkeyd was built without it (clang, "
		 "libbpf-dev or bpftool missing at build time)");
	return ENOTSUP;
}

void lk_kfwd_free(struct lk_kfwd *k)
{
}

unsigned lk_kfwd_prog_id(const struct lk_kfwd *k)
{
	return 0;
}

unsigned lk_kfwd_nifs(const struct lk_kfwd *k)
{
	return 0;
}

void lk_kfwd_stream_sync(struct lk_kfwd *k, struct lk_stream *s)
{
}

void lk_kfwd_leg_drop(struct lk_kfwd *k, struct lk_leg *leg)
{
}

void lk_kfwd_leg_read(struct lk_kfwd *k, const struct lk_leg *leg,
		      struct lk_kfwd_count *c)
{
	memset(c, 0, sizeof(*c));
}

void lk_kfwd_totals(struct lk_kfwd *k, struct lk_kfwd_count *c)
{
	memset(c, 0, sizeof(*c));
}

#else

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "kfwd.skel.h"

/*
 * tcx (kernel 6.6): programs attached through a BPF link, detached by the
 * kernel when the last descriptor of the link closes.  Debian 12's
 * headers (6.1) predate it; the value is the kernel's ABI.
 */
#ifndef LK_BPF_TCX_INGRESS
#define LK_BPF_TCX_INGRESS	46
#endif

/* lo and [Media] Kernel forwarding interfaces. */
#define LK_KFWD_MAX_IFS	9

struct lk_kfwd {
	struct lk_kfwd_bpf *skel;
	int link_fd[LK_KFWD_MAX_IFS];	/* tcx links; the first nlinks */
	unsigned nlinks;
	unsigned lo_ifindex;
	int nl_fd;			/* rtnetlink: routes of new entries */
	uint32_t nl_seq;
	int map_fd;
	uint32_t relay_addr;		/* network order */
	unsigned ncpu;			/* possible CPUs: per-CPU values */
	pthread_mutex_t lock;
	struct lk_kfwd_val *vals;	/* ncpu values, under lock */
	unsigned prog_id;
	uint64_t folded_packets;	/* counted by entries now removed */
	uint64_t folded_bytes;
	unsigned nentries;
};

/* libbpf's own messages: warnings at debug level, the rest dropped. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char buf[256];

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	lk_debug("libbpf: %s", buf);

	return 0;
}

/*
 * Attach the program to `ifindex`'s ingress as a tcx link.  Returns 0 or
 * an errno, with `why` filled.
 */
static int attach(struct lk_kfwd *k, unsigned ifindex, const char *name,
		  char *why, size_t whysz)
{
	int fd;

	if (k->nlinks >= LK_KFWD_MAX_IFS) {
		snprintf(why, whysz, "more than %u interfaces in Kernel "
			 "forwarding interfaces", LK_KFWD_MAX_IFS - 1);
		return E2BIG;
	}
	fd = bpf_link_create(bpf_program__fd(k->skel->progs.lk_kfwd_ingress),
			     (int)ifindex,
			     (enum bpf_attach_type)LK_BPF_TCX_INGRESS, NULL);
	if (fd < 0) {
		snprintf(why, whysz, "cannot attach to %s ingress (tcx, kernel "
			 "6.6 or later): %s", name, strerror(-fd));
		return -fd;
	}
	k->link_fd[k->nlinks++] = fd;

	return 0;
}

/*
 * [Media] Kernel forwarding interfaces: names separated by commas or
 * blanks, each attached.  Returns 0 or an errno, with `why` filled.
 */
static int attach_list(struct lk_kfwd *k, const char *ifaces, char *why,
		       size_t whysz)
{
	const char *p = ifaces ? ifaces : "";
	char name[IF_NAMESIZE];
	unsigned ifindex;
	size_t n;
	int err;

	for (;;) {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (!n)
			return 0;
		if (n >= sizeof(name)) {
			snprintf(why, whysz, "interface name %.*s is too long",
				 (int)n, p);
			return EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		ifindex = if_nametoindex(name);
		if (!ifindex) {
			snprintf(why, whysz, "no interface %s (Kernel "
				 "forwarding interfaces): %s", name,
				 strerror(errno));
			return ENODEV;
		}
		if (ifindex == k->lo_ifindex)
			continue;
		err = attach(k, ifindex, name, why, whysz);
		if (err)
			return err;
	}
}

int lk_kfwd_alloc(struct lk_kfwd **kp, const char *addr, const char *ifaces,
		  char *why, size_t whysz)
{
	struct timeval tv = {1, 0};
	struct lk_kfwd *k;
	struct in_addr ia;
	unsigned i;
	int err, n;

	if (inet_pton(AF_INET, addr, &ia) != 1 || !ia.s_addr ||
	    IN_MULTICAST(ntohl(ia.s_addr))) {
		snprintf(why, whysz, "Address %s is not a unicast IPv4 "
			 "address, and this version forwards only IPv4 in the "
			 "kernel", addr);
		return ENOTSUP;
	}
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		snprintf(why, whysz, "cannot count the CPUs: %s",
			 strerror(-n));
		return -n;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return ENOMEM;
	for (i = 0; i < LK_KFWD_MAX_IFS; i++)
		k->link_fd[i] = -1;
	k->nl_fd = -1;
	k->relay_addr = ia.s_addr;
	k->ncpu = (unsigned)n;
	pthread_mutex_init(&k->lock, NULL);
	k->lo_ifindex = if_nametoindex("lo");
	if (!k->lo_ifindex) {
		err = ENODEV;
		snprintf(why, whysz, "no loopback interface: %s",
			 strerror(errno));
		goto out;
	}
	k->vals = calloc(k->ncpu, sizeof(*k->vals));
	if (!k->vals) {
		err = ENOMEM;
		goto out;
	}
	/* Where each new entry's packets leave: the routing table. */
	k->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (k->nl_fd < 0 || setsockopt(k->nl_fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				       sizeof(tv))) {
		err = errno;
		snprintf(why, whysz, "cannot open a routing socket: %s",
			 strerror(err));
		goto out;
	}
	libbpf_set_print(libbpf_print);
	k->skel = lk_kfwd_bpf__open();
	if (!k->skel) {
		err = errno ? errno : EINVAL;
		snprintf(why, whysz, "cannot open the eBPF object: %s",
			 strerror(err));
		goto out;
	}
	err = -lk_kfwd_bpf__load(k->skel);
	if (err) {
		snprintf(why, whysz, "cannot load the eBPF program: %s%s",
			 strerror(err), err == EPERM ? " (needs root, or "
			 "CAP_BPF and CAP_NET_ADMIN)" : "");
		goto out;
	}
	k->map_fd = bpf_map__fd(k->skel->maps.lk_kfwd_map);
	{
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(
			k->skel->progs.lk_kfwd_ingress), &info, &len))
			k->prog_id = info.id;
	}
	err = attach(k, k->lo_ifindex, "lo", why, whysz);
	if (!err)
		err = attach_list(k, ifaces, why, whysz);

 out:
	if (err)
		lk_kfwd_free(k);
	else
		*kp = k;

	return err;
}

void lk_kfwd_free(struct lk_kfwd *k)
{
	unsigned i;

	if (!k)
		return;
	for (i = 0; i < k->nlinks; i++)
		close(k->link_fd[i]);
	if (k->nl_fd >= 0)
		close(k->nl_fd);
	if (k->skel)
		lk_kfwd_bpf__destroy(k->skel);
	pthread_mutex_destroy(&k->lock);
	free(k->vals);
	free(k);
}

unsigned lk_kfwd_nifs(const struct lk_kfwd *k)
{
	return k ? k->nlinks : 0;
}

/*
 * Under the lock: the interface packets from the relay's address to
 * `daddr` leave by (RTM_GETROUTE, as `ip route get DADDR from ADDR`), and
 * whether `daddr` is the machine's own (RTN_LOCAL).  A loopback address
 * needs no question.  Returns 0 or an errno (no route: user space
 * forwards, and its sendmsg() says why).
 */
static int route_out(struct lk_kfwd *k, uint32_t daddr, uint32_t *ifindex,
		     bool *local)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[2 * RTA_SPACE(4)];
	} req;
	union {
		char b[4096];
		struct nlmsghdr align;
	} buf;
	struct rtattr *rta;
	struct nlmsghdr *nh;
	ssize_t n;

	if ((ntohl(daddr) >> 24) == 127) {
		*ifindex = k->lo_ifindex;
		*local = true;
		return 0;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = ++k->nl_seq;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	req.rt.rtm_src_len = 32;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &daddr, 4);
	rta = (struct rtattr *)((char *)rta + RTA_SPACE(4));
	rta->rta_type = RTA_SRC;
	rta->rta_len = RTA_LENGTH(4);
	memcpy(RTA_DATA(rta), &k->relay_addr, 4);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + 2 * RTA_SPACE(4);
	if (send(k->nl_fd, &req, req.nh.nlmsg_len, 0) < 0)
		return errno;
	for (;;) {
		n = recv(k->nl_fd, buf.b, sizeof(buf.b), 0);
		if (n < 0)
			return errno;
		for (nh = &buf.align; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			const struct rtmsg *rt = NLMSG_DATA(nh);
			int len;

			/* A late answer to an earlier question. */
			if (nh->nlmsg_seq != k->nl_seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nh);

				return e->error ? -e->error : ENOENT;
			}
			if (nh->nlmsg_type != RTM_NEWROUTE)
				continue;
			if (rt->rtm_type != RTN_UNICAST &&
			    rt->rtm_type != RTN_LOCAL)
				return ENETUNREACH;
			*local = rt->rtm_type == RTN_LOCAL;
			*ifindex = 0;
			len = (int)RTM_PAYLOAD(nh);
			for (rta = RTM_RTA(rt); RTA_OK(rta, len);
			     rta = RTA_NEXT(rta, len)) {
				if (rta->rta_type == RTA_OIF &&
				    RTA_PAYLOAD(rta) >= 4)
					memcpy(ifindex, RTA_DATA(rta), 4);
			}
			if (*local)
				*ifindex = k->lo_ifindex;
			return *ifindex ? 0 : ENODEV;
		}
	}
}

unsigned lk_kfwd_prog_id(const struct lk_kfwd *k)
{
	return k ? k->prog_id : 0;
}

/* Sum an entry's per-CPU copies (k->vals holds them). */
static void vals_sum(const struct lk_kfwd *k, struct lk_kfwd_count *c)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < k->ncpu; i++) {
		c->packets += k->vals[i].packets;
		c->bytes += k->vals[i].bytes;
		if (k->vals[i].last_ns / 1000000 > c->last_ms)
			c->last_ms = k->vals[i].last_ns / 1000000;
	}
	c->bytes_out = c->bytes + ((k->vals[0].flags & LK_KFWD_ADD) ?
				   LK_KFWD_MUX_LEN * c->packets : 0);
}

/* The entry media from `from` should have now; false: none. */
static bool entry_want(struct lk_kfwd *k, const struct lk_leg *from,
		       struct lk_kfwd_key *key, struct lk_kfwd_val *val)
{
	const struct lk_leg *to = from->peer;
	bool local;
	int err;

	if (!lk_kfwd_eligible(from))
		return false;
	memset(key, 0, sizeof(*key));
	memset(val, 0, sizeof(*val));
	key->relay_addr = k->relay_addr;
	key->relay_port = htons(from->port[0]);
	key->peer_addr = from->latch[0].peer.in.sin_addr.s_addr;
	key->peer_port = from->latch[0].peer.in.sin_port;
	/* On the mux ports the multiplexID tells the streams apart. */
	if (from->mux_rx) {
		key->mux_id = htonl(from->mux_id);
		val->flags |= LK_KFWD_STRIP;
	}
	if (to->mux_tx) {
		val->flags |= LK_KFWD_ADD;
		val->add_id = htonl(to->mux_tx_id);
	}
	/* What the worker would send: from the peer's own RTP port. */
	val->new_saddr = k->relay_addr;
	val->new_sport = htons(to->port[0]);
	val->new_daddr = to->latch[0].peer.in.sin_addr.s_addr;
	val->new_dport = to->latch[0].peer.in.sin_port;
	/* Out of the interface the relay's own socket would send by. */
	err = route_out(k, val->new_daddr, &val->ifindex, &local);
	if (err) {
		lk_warn_limited("kernel forwarding: no route from the relay "
				"to the other side of port %u: %s; forwarded "
				"in user space", from->port[0], strerror(err));
		return false;
	}
	if (local)
		val->flags |= LK_KFWD_LOCAL;

	return true;
}

/* Under the lock: remove the leg's entry, its counts into the legs'. */
static void entry_drop(struct lk_kfwd *k, struct lk_leg *leg)
{
	struct lk_kfwd_count c;

	if (!leg->kf.on)
		return;
	leg->kf.on = false;
	--k->nentries;
	memset(k->vals, 0, k->ncpu * sizeof(*k->vals));
	/* One step, so that nothing counted in between is lost. */
	if (bpf_map_lookup_and_delete_elem(k->map_fd, &leg->kf.key,
					   k->vals)) {
		lk_warn_limited("kernel forwarding: removing the entry of "
				"port %u: %s", leg->port[0], strerror(errno));
		bpf_map_delete_elem(k->map_fd, &leg->kf.key);
		return;
	}
	vals_sum(k, &c);
	k->folded_packets += c.packets;
	k->folded_bytes += c.bytes_out;
	LK_STAT_ADD(leg->st.packets, c.packets);
	LK_STAT_ADD(leg->st.bytes, c.bytes);
	if (c.last_ms > LK_STAT_GET(leg->st.last_rx_ms))
		LK_STAT_SET(leg->st.last_rx_ms, c.last_ms);
	if (leg->peer) {
		LK_STAT_ADD(leg->peer->st.packets_out, c.packets);
		LK_STAT_ADD(leg->peer->st.bytes_out, c.bytes_out);
	}
}

static void entry_add(struct lk_kfwd *k, struct lk_leg *leg,
		      const struct lk_kfwd_key *key,
		      const struct lk_kfwd_val *val)
{
	unsigned i;

	for (i = 0; i < k->ncpu; i++)
		k->vals[i] = *val;
	if (bpf_map_update_elem(k->map_fd, key, k->vals, BPF_NOEXIST)) {
		/* Map full (LK_KFWD_MAX_ENTRIES): user space forwards it. */
		lk_warn_limited("kernel forwarding: adding the entry of port "
				"%u: %s; forwarded in user space",
				leg->port[0], strerror(errno));
		return;
	}
	leg->kf.key = *key;
	leg->kf.val = *val;
	leg->kf.on = true;
	++k->nentries;
}

void lk_kfwd_stream_sync(struct lk_kfwd *k, struct lk_stream *s)
{
	unsigned i;

	if (!k || !s)
		return;
	pthread_mutex_lock(&k->lock);
	for (i = 0; i < 2; i++) {
		struct lk_leg *leg = &s->leg[i];
		struct lk_kfwd_key key;
		struct lk_kfwd_val val;
		bool want = entry_want(k, leg, &key, &val);

		if (leg->kf.on && want &&
		    !memcmp(&key, &leg->kf.key, sizeof(key)) &&
		    !memcmp(&val, &leg->kf.val, sizeof(val)))
			continue;
		entry_drop(k, leg);
		if (want)
			entry_add(k, leg, &key, &val);
	}
	pthread_mutex_unlock(&k->lock);
}

void lk_kfwd_leg_drop(struct lk_kfwd *k, struct lk_leg *leg)
{
	if (!k || !leg)
		return;
	pthread_mutex_lock(&k->lock);
	entry_drop(k, leg);
	pthread_mutex_unlock(&k->lock);
}

void lk_kfwd_leg_read(struct lk_kfwd *k, const struct lk_leg *leg,
		      struct lk_kfwd_count *c)
{
	memset(c, 0, sizeof(*c));
	if (!k || !leg)
		return;
	pthread_mutex_lock(&k->lock);
	if (leg->kf.on &&
	    !bpf_map_lookup_elem(k->map_fd, &leg->kf.key, k->vals))
		vals_sum(k, c);
	pthread_mutex_unlock(&k->lock);
}

void lk_kfwd_totals(struct lk_kfwd *k, struct lk_kfwd_count *c)
{
	struct lk_kfwd_key key, next;
	struct lk_kfwd_count one;
	void *prev = NULL;

	memset(c, 0, sizeof(*c));
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	c->packets = k->folded_packets;
	c->bytes = k->folded_bytes;
	while (!bpf_map_get_next_key(k->map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(k->map_fd, &key, k->vals))
			continue;
		vals_sum(k, &one);
		c->packets += one.packets;
		c->bytes += one.bytes_out;
	}
	pthread_mutex_unlock(&k->lock);
}

#endif
