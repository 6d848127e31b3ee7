/* relay/kturn.c  TURN's kernel fast path: load relay/bpf/kturn.bpf.c, keep its map in step with the channels. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <re.h>

#include "clock.h"
#include "kfwd.h"
#include "kturn.h"
#include "log.h"

#ifndef LK_HAVE_KFWD

int lk_kturn_alloc(struct lk_kturn **kp, const char *addr, char *why,
		   size_t whysz)
{
	(void)kp;
	(void)addr;
	snprintf(why, whysz, "latchkeyd was built without it (clang, "
		 "libbpf-dev or bpftool missing at build time)");
	return ENOTSUP;
}

unsigned lk_kturn_prog_id(const struct lk_kturn *k)
{
	(void)k;
	return 0;
}

void lk_kturn_sync(struct lk_kturn *k, struct lk_kturn_set **setp,
		   const struct lk_kturn_ent *want, unsigned n, uint64_t now)
{
	(void)k;
	(void)setp;
	(void)want;
	(void)n;
	(void)now;
}

void lk_kturn_drop(struct lk_kturn *k, struct lk_kturn_set **setp)
{
	(void)k;
	(void)setp;
}

void lk_kturn_totals(struct lk_kturn *k, struct lk_kturn_count *c)
{
	(void)k;
	memset(c, 0, sizeof(*c));
}

#else

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kturn.skel.h"

/* As relay/kfwd.c: tcx's attach type, newer than Debian 12's headers. */
#ifndef LK_BPF_TCX_INGRESS
#define LK_BPF_TCX_INGRESS	46
#endif

struct lk_kturn_set {
	unsigned n;
	struct lk_kturn_ent e[LK_KTURN_SET_MAX];
};

struct lk_kturn {
	struct lk_kturn_bpf *skel;
	int link_fd;
	int map_fd;
	unsigned ncpu;			/* possible CPUs: per-CPU values */
	pthread_mutex_t lock;
	struct lk_kturn_val *vals;	/* ncpu values, under lock */
	unsigned prog_id;
	struct lk_kturn_count folded;	/* counted by entries now removed */
	uint64_t entries;
};

static void kturn_destructor(void *arg)
{
	struct lk_kturn *k = arg;

	if (k->link_fd >= 0)
		close(k->link_fd);
	if (k->skel)
		lk_kturn_bpf__destroy(k->skel);
	pthread_mutex_destroy(&k->lock);
	free(k->vals);
}

int lk_kturn_alloc(struct lk_kturn **kp, const char *addr, char *why,
		   size_t whysz)
{
	struct bpf_prog_info info;
	__u32 ilen = sizeof(info);
	struct lk_kturn *k;
	struct in_addr ia;
	unsigned ifindex;
	int err, n;

	if (!kp || !addr)
		return EINVAL;
	if (inet_pton(AF_INET, addr, &ia) != 1 ||
	    (ntohl(ia.s_addr) >> 24) != 127) {
		snprintf(why, whysz, "Address %s is not an IPv4 loopback "
			 "address, and this version forwards in the kernel "
			 "only on loopback", addr);
		return ENOTSUP;
	}
	ifindex = if_nametoindex("lo");
	if (!ifindex) {
		snprintf(why, whysz, "no loopback interface: %s",
			 strerror(errno));
		return ENODEV;
	}
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		snprintf(why, whysz, "cannot count the CPUs: %s",
			 strerror(-n));
		return -n;
	}
	k = mem_zalloc(sizeof(*k), kturn_destructor);
	if (!k)
		return ENOMEM;
	k->link_fd = -1;
	k->ncpu = (unsigned)n;
	pthread_mutex_init(&k->lock, NULL);
	k->vals = calloc(k->ncpu, sizeof(*k->vals));
	if (!k->vals) {
		err = ENOMEM;
		goto out;
	}
	lk_kfwd_libbpf_log();
	k->skel = lk_kturn_bpf__open();
	if (!k->skel) {
		err = errno ? errno : EINVAL;
		snprintf(why, whysz, "cannot open the eBPF object: %s",
			 strerror(err));
		goto out;
	}
	err = -lk_kturn_bpf__load(k->skel);
	if (err) {
		snprintf(why, whysz, "cannot load the eBPF program: %s%s",
			 strerror(err), err == EPERM ? " (needs root, or "
			 "CAP_BPF and CAP_NET_ADMIN)" : "");
		goto out;
	}
	k->map_fd = bpf_map__fd(k->skel->maps.lk_kturn_map);
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(bpf_program__fd(
		k->skel->progs.lk_kturn_ingress), &info, &ilen))
		k->prog_id = info.id;
	/* A link of its own: tcx runs it and relay/kfwd.c's in turn. */
	k->link_fd = bpf_link_create(bpf_program__fd(
		k->skel->progs.lk_kturn_ingress), (int)ifindex,
		(enum bpf_attach_type)LK_BPF_TCX_INGRESS, NULL);
	if (k->link_fd < 0) {
		err = -k->link_fd;
		k->link_fd = -1;
		snprintf(why, whysz, "cannot attach to lo ingress (tcx, kernel "
			 "6.6 or later): %s", strerror(err));
		goto out;
	}
	err = 0;

 out:
	if (err)
		mem_deref(k);
	else
		*kp = k;

	return err;
}

unsigned lk_kturn_prog_id(const struct lk_kturn *k)
{
	return k ? k->prog_id : 0;
}

/* Add an entry's per-CPU counters (in k->vals) to `c`. */
static void vals_add(const struct lk_kturn *k, bool to_peer,
		     struct lk_kturn_count *c)
{
	unsigned i;

	for (i = 0; i < k->ncpu; i++) {
		if (to_peer) {
			c->to_peer += k->vals[i].packets;
			c->bytes_to_peer += k->vals[i].bytes;
		}
		else {
			c->to_client += k->vals[i].packets;
			c->bytes_to_client += k->vals[i].bytes;
		}
	}
}

/* Under the lock: remove an entry, its counts into the totals. */
static void entry_del(struct lk_kturn *k, const struct lk_kturn_ent *e)
{
	memset(k->vals, 0, k->ncpu * sizeof(*k->vals));
	--k->entries;
	/* One step, so that nothing counted in between is lost. */
	if (bpf_map_lookup_and_delete_elem(k->map_fd, &e->key, k->vals)) {
		lk_warn_limited("TURN kernel forwarding: removing an entry: %s",
				strerror(errno));
		bpf_map_delete_elem(k->map_fd, &e->key);
		return;
	}
	vals_add(k, e->key.chan != 0, &k->folded);
}

/* Under the lock: add an entry; false: the map would not take it. */
static bool entry_add(struct lk_kturn *k, const struct lk_kturn_ent *e,
		      uint64_t now)
{
	struct lk_kturn_val v = e->val;
	unsigned i;

	/* The TURN clock's deadline on CLOCK_MONOTONIC, never later. */
	v.expires_ns = (lk_clock_ms() + (e->expires - now)) * 1000000ull;
	v.packets = v.bytes = v.last_ns = 0;
	for (i = 0; i < k->ncpu; i++)
		k->vals[i] = v;
	if (bpf_map_update_elem(k->map_fd, &e->key, k->vals, BPF_NOEXIST)) {
		lk_warn_limited("TURN kernel forwarding: adding an entry: %s; "
				"relayed in user space", strerror(errno));
		return false;
	}
	++k->entries;

	return true;
}

static bool same_rewrite(const struct lk_kturn_ent *a,
			 const struct lk_kturn_ent *b)
{
	return a->val.new_saddr == b->val.new_saddr &&
	       a->val.new_daddr == b->val.new_daddr &&
	       a->val.new_sport == b->val.new_sport &&
	       a->val.new_dport == b->val.new_dport &&
	       a->val.chan == b->val.chan && a->expires == b->expires;
}

void lk_kturn_sync(struct lk_kturn *k, struct lk_kturn_set **setp,
		   const struct lk_kturn_ent *want, unsigned n, uint64_t now)
{
	struct lk_kturn_set *s;
	bool keep[LK_KTURN_SET_MAX], have[LK_KTURN_SET_MAX];
	unsigned i, j, m;

	if (!k || !setp || (n && !want))
		return;
	if (n > LK_KTURN_SET_MAX)
		n = LK_KTURN_SET_MAX;
	s = *setp;
	if (!s) {
		if (!n)
			return;
		s = calloc(1, sizeof(*s));
		if (!s)
			return;		/* user space relays it all */
		*setp = s;
	}
	pthread_mutex_lock(&k->lock);
	memset(have, 0, sizeof(have));
	for (i = 0; i < s->n; i++) {
		keep[i] = false;
		for (j = 0; j < n; j++) {
			if (!have[j] && want[j].expires > now &&
			    !memcmp(&want[j].key, &s->e[i].key,
				    sizeof(want[j].key)) &&
			    same_rewrite(&want[j], &s->e[i])) {
				keep[i] = have[j] = true;
				break;
			}
		}
	}
	for (i = 0, m = 0; i < s->n; i++) {
		if (keep[i])
			s->e[m++] = s->e[i];
		else
			entry_del(k, &s->e[i]);
	}
	s->n = m;
	for (j = 0; j < n && s->n < LK_KTURN_SET_MAX; j++) {
		if (have[j] || want[j].expires <= now)
			continue;
		if (entry_add(k, &want[j], now))
			s->e[s->n++] = want[j];
	}
	pthread_mutex_unlock(&k->lock);
}

void lk_kturn_drop(struct lk_kturn *k, struct lk_kturn_set **setp)
{
	struct lk_kturn_set *s;
	unsigned i;

	if (!setp || !*setp)
		return;
	s = *setp;
	if (k) {
		pthread_mutex_lock(&k->lock);
		for (i = 0; i < s->n; i++)
			entry_del(k, &s->e[i]);
		pthread_mutex_unlock(&k->lock);
	}
	free(s);
	*setp = NULL;
}

void lk_kturn_totals(struct lk_kturn *k, struct lk_kturn_count *c)
{
	struct lk_kturn_key key, next;
	void *prev = NULL;

	memset(c, 0, sizeof(*c));
	if (!k)
		return;
	pthread_mutex_lock(&k->lock);
	*c = k->folded;
	c->entries = k->entries;
	while (!bpf_map_get_next_key(k->map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(k->map_fd, &key, k->vals))
			continue;
		vals_add(k, key.chan != 0, c);
	}
	pthread_mutex_unlock(&k->lock);
}

#endif
