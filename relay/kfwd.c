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

#include <re.h>

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

	return (from->latch[0].peer.sa.sa_family == AF_INET ||
		from->latch[0].peer.sa.sa_family == AF_INET6) &&
		to->latch[0].peer.sa.sa_family ==
		from->latch[0].peer.sa.sa_family;
}

#ifndef LK_HAVE_KFWD

int lk_kfwd_alloc(struct lk_kfwd **kp, const char *addr, const char *ifaces,
		  char *why, size_t whysz)
{
	snprintf(why, whysz, "latchkeyd was built without it (clang, "
		 "libbpf-dev or bpftool missing at build time)");
	return ENOTSUP;
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
	int map6_fd;
	int family;			/* of the relay's Address */
	uint32_t relay_addr;		/* network order, AF_INET */
	uint8_t relay_addr6[16];	/* AF_INET6 */
	unsigned ncpu;			/* possible CPUs: per-CPU values */
	pthread_mutex_t lock;
	struct lk_kfwd_val *vals;	/* ncpu values, under lock */
	struct lk_kfwd6_val *vals6;
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

void lk_kfwd_libbpf_log(void)
{
	libbpf_set_print(libbpf_print);
}

static void kfwd_destructor(void *arg)
{
	struct lk_kfwd *k = arg;
	unsigned i;

	for (i = 0; i < k->nlinks; i++)
		close(k->link_fd[i]);
	if (k->nl_fd >= 0)
		close(k->nl_fd);
	if (k->skel)
		lk_kfwd_bpf__destroy(k->skel);
	pthread_mutex_destroy(&k->lock);
	free(k->vals);
	free(k->vals6);
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
	struct in6_addr ia6;
	struct in_addr ia;
	unsigned i;
	int err, n, family;

	if (inet_pton(AF_INET, addr, &ia) == 1 && ia.s_addr &&
	    !IN_MULTICAST(ntohl(ia.s_addr)))
		family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &ia6) == 1 &&
		 !IN6_IS_ADDR_UNSPECIFIED(&ia6) &&
		 !IN6_IS_ADDR_MULTICAST(&ia6) && !IN6_IS_ADDR_V4MAPPED(&ia6))
		family = AF_INET6;
	else {
		snprintf(why, whysz, "Address %s is not one unicast IPv4 or "
			 "IPv6 address", addr);
		return ENOTSUP;
	}
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		snprintf(why, whysz, "cannot count the CPUs: %s",
			 strerror(-n));
		return -n;
	}
	k = mem_zalloc(sizeof(*k), kfwd_destructor);
	if (!k)
		return ENOMEM;
	for (i = 0; i < LK_KFWD_MAX_IFS; i++)
		k->link_fd[i] = -1;
	k->nl_fd = -1;
	k->family = family;
	if (family == AF_INET)
		k->relay_addr = ia.s_addr;
	else
		memcpy(k->relay_addr6, &ia6, 16);
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
	k->vals6 = calloc(k->ncpu, sizeof(*k->vals6));
	if (!k->vals || !k->vals6) {
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
	lk_kfwd_libbpf_log();
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
	k->map6_fd = bpf_map__fd(k->skel->maps.lk_kfwd6_map);
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
		mem_deref(k);
	else
		*kp = k;

	return err;
}

unsigned lk_kfwd_nifs(const struct lk_kfwd *k)
{
	return k ? k->nlinks : 0;
}

/*
 * Under the lock: the interface packets from the relay's address to
 * `dst` leave by (RTM_GETROUTE, as `ip route get DST from ADDRESS`), and
 * whether `dst` is the machine's own (RTN_LOCAL).  A loopback address
 * needs no question.  Returns 0 or an errno (no route: user space
 * forwards, and its sendmsg() says why).
 */
static int route_out(struct lk_kfwd *k, const union lk_latch_addr *dst,
		     uint32_t *ifindex, bool *local)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[2 * RTA_SPACE(16)];
	} req;
	union {
		char b[4096];
		struct nlmsghdr align;
	} buf;
	const bool v6 = dst->sa.sa_family == AF_INET6;
	const size_t alen = v6 ? 16 : 4;
	struct rtattr *rta;
	struct nlmsghdr *nh;
	ssize_t n;

	if (v6 ? IN6_IS_ADDR_LOOPBACK(&dst->in6.sin6_addr) :
	    (ntohl(dst->in.sin_addr.s_addr) >> 24) == 127) {
		*ifindex = k->lo_ifindex;
		*local = true;
		return 0;
	}
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = ++k->nl_seq;
	req.rt.rtm_family = (unsigned char)dst->sa.sa_family;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	req.rt.rtm_src_len = (unsigned char)(alen * 8);
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), v6 ? (const void *)&dst->in6.sin6_addr :
	       (const void *)&dst->in.sin_addr, alen);
	rta = (struct rtattr *)((char *)rta + RTA_SPACE(alen));
	rta->rta_type = RTA_SRC;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), v6 ? (const void *)k->relay_addr6 :
	       (const void *)&k->relay_addr, alen);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) +
		(uint32_t)(2 * RTA_SPACE(alen));
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

/* The map of an entry, its key, its per-CPU values (k->vals or vals6). */
static int ent_map(const struct lk_kfwd *k, const struct lk_kfwd_ent *e)
{
	return e->v6 ? k->map6_fd : k->map_fd;
}

static const void *ent_key(const struct lk_kfwd_ent *e)
{
	return e->v6 ? (const void *)&e->key6 : (const void *)&e->key;
}

static void *ent_vals(const struct lk_kfwd *k, const struct lk_kfwd_ent *e)
{
	return e->v6 ? (void *)k->vals6 : (void *)k->vals;
}

/* Sum an entry's per-CPU copies (k->vals or k->vals6 holds them). */
static void vals_sum(const struct lk_kfwd *k, bool v6,
		     struct lk_kfwd_count *c)
{
	uint64_t last;
	uint32_t flags;
	unsigned i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < k->ncpu; i++) {
		c->packets += v6 ? k->vals6[i].packets : k->vals[i].packets;
		c->bytes += v6 ? k->vals6[i].bytes : k->vals[i].bytes;
		last = (v6 ? k->vals6[i].last_ns : k->vals[i].last_ns) /
			1000000;
		if (last > c->last_ms)
			c->last_ms = last;
	}
	flags = v6 ? k->vals6[0].flags : k->vals[0].flags;
	c->bytes_out = c->bytes + ((flags & LK_KFWD_ADD) ?
				   LK_KFWD_MUX_LEN * c->packets : 0);
}

/* The entry media from `from` should have now; false: none. */
static bool entry_want(struct lk_kfwd *k, const struct lk_leg *from,
		       struct lk_kfwd_ent *e)
{
	const struct lk_leg *to = from->peer;
	const union lk_latch_addr *src, *dst;
	uint32_t flags = 0, add_id = 0, ifindex;
	bool local;
	int err;

	memset(e, 0, sizeof(*e));
	if (!lk_kfwd_eligible(from) ||
	    from->latch[0].peer.sa.sa_family != k->family)
		return false;
	src = &from->latch[0].peer;
	dst = &to->latch[0].peer;
	/* On the mux ports the multiplexID tells the streams apart. */
	if (from->mux_rx)
		flags |= LK_KFWD_STRIP;
	if (to->mux_tx) {
		flags |= LK_KFWD_ADD;
		add_id = htonl(to->mux_tx_id);
	}
	/* Out of the interface the relay's own socket would send by. */
	err = route_out(k, dst, &ifindex, &local);
	if (err) {
		lk_warn_limited("kernel forwarding: no route from the relay "
				"to the other side of port %u: %s; forwarded "
				"in user space", from->port[0], strerror(err));
		return false;
	}
	if (local)
		flags |= LK_KFWD_LOCAL;
	/* What the worker would send: from the peer's own RTP port. */
	if (k->family == AF_INET6) {
		e->v6 = true;
		memcpy(e->key6.relay_addr, k->relay_addr6, 16);
		memcpy(e->key6.peer_addr, &src->in6.sin6_addr, 16);
		e->key6.relay_port = htons(from->port[0]);
		e->key6.peer_port = src->in6.sin6_port;
		e->key6.mux_id = from->mux_rx ? htonl(from->mux_id) : 0;
		memcpy(e->val6.new_saddr, k->relay_addr6, 16);
		memcpy(e->val6.new_daddr, &dst->in6.sin6_addr, 16);
		e->val6.new_sport = htons(to->port[0]);
		e->val6.new_dport = dst->in6.sin6_port;
		e->val6.flags = flags;
		e->val6.add_id = add_id;
		e->val6.ifindex = ifindex;
		return true;
	}
	e->key.relay_addr = k->relay_addr;
	e->key.relay_port = htons(from->port[0]);
	e->key.peer_addr = src->in.sin_addr.s_addr;
	e->key.peer_port = src->in.sin_port;
	e->key.mux_id = from->mux_rx ? htonl(from->mux_id) : 0;
	e->val.new_saddr = k->relay_addr;
	e->val.new_sport = htons(to->port[0]);
	e->val.new_daddr = dst->in.sin_addr.s_addr;
	e->val.new_dport = dst->in.sin_port;
	e->val.flags = flags;
	e->val.add_id = add_id;
	e->val.ifindex = ifindex;

	return true;
}

/* Under the lock: remove the leg's entry, its counts into the legs'. */
static void entry_drop(struct lk_kfwd *k, struct lk_leg *leg)
{
	const struct lk_kfwd_ent *e = &leg->kf;
	struct lk_kfwd_count c;

	if (!e->on)
		return;
	leg->kf.on = false;
	--k->nentries;
	memset(ent_vals(k, e), 0, k->ncpu * (e->v6 ? sizeof(*k->vals6) :
					     sizeof(*k->vals)));
	/* One step, so that nothing counted in between is lost. */
	if (bpf_map_lookup_and_delete_elem(ent_map(k, e), ent_key(e),
					   ent_vals(k, e))) {
		lk_warn_limited("kernel forwarding: removing the entry of "
				"port %u: %s", leg->port[0], strerror(errno));
		bpf_map_delete_elem(ent_map(k, e), ent_key(e));
		return;
	}
	vals_sum(k, e->v6, &c);
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
		      const struct lk_kfwd_ent *e)
{
	unsigned i;

	for (i = 0; i < k->ncpu; i++) {
		if (e->v6)
			k->vals6[i] = e->val6;
		else
			k->vals[i] = e->val;
	}
	if (bpf_map_update_elem(ent_map(k, e), ent_key(e), ent_vals(k, e),
				BPF_NOEXIST)) {
		/* Map full (LK_KFWD_MAX_ENTRIES): user space forwards it. */
		lk_warn_limited("kernel forwarding: adding the entry of port "
				"%u: %s; forwarded in user space",
				leg->port[0], strerror(errno));
		return;
	}
	memcpy(&leg->kf, e, sizeof(*e));
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
		struct lk_kfwd_ent e;
		bool want = entry_want(k, leg, &e);

		/* The same entry (e.on false as in leg->kf before it). */
		if (leg->kf.on && want) {
			e.on = true;
			if (!memcmp(&e, &leg->kf, sizeof(e)))
				continue;
		}
		entry_drop(k, leg);
		if (want)
			entry_add(k, leg, &e);
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
	if (leg->kf.on && !bpf_map_lookup_elem(ent_map(k, &leg->kf),
					       ent_key(&leg->kf),
					       ent_vals(k, &leg->kf)))
		vals_sum(k, leg->kf.v6, c);
	pthread_mutex_unlock(&k->lock);
}

void lk_kfwd_totals(struct lk_kfwd *k, struct lk_kfwd_count *c)
{
	union {
		struct lk_kfwd_key k4;
		struct lk_kfwd6_key k6;
	} next;
	struct lk_kfwd_ent e;
	struct lk_kfwd_count one;
	const void *prev = NULL;

	memset(c, 0, sizeof(*c));
	if (!k)
		return;
	memset(&e, 0, sizeof(e));
	e.v6 = k->family == AF_INET6;
	pthread_mutex_lock(&k->lock);
	c->packets = k->folded_packets;
	c->bytes = k->folded_bytes;
	/* Only the relay's family's map ever has entries. */
	while (!bpf_map_get_next_key(ent_map(k, &e), prev, &next)) {
		if (e.v6)
			e.key6 = next.k6;
		else
			e.key = next.k4;
		prev = ent_key(&e);
		if (bpf_map_lookup_elem(ent_map(k, &e), ent_key(&e),
					ent_vals(k, &e)))
			continue;
		vals_sum(k, e.v6, &one);
		c->packets += one.packets;
		c->bytes += one.bytes_out;
	}
	pthread_mutex_unlock(&k->lock);
}

#endif
