/* relay/kturn.h  TURN's kernel fast path: ChannelData forwarded by an eBPF program. */
#ifndef LK_KTURN_H
#define LK_KTURN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpf/kturn.h"

/*
 * latchkeyd loads relay/bpf/kturn.bpf.c when [Media] Kernel forwarding
 * is on or auto (docs/turn.md, "Kernel forwarding") and attaches it to
 * loopback's ingress as a tcx link of its own, next to relay/kfwd.c's.
 * relay/turnfwd.c keeps, per UDP allocation, the entries of its channels
 * whose peer has a live permission (lk_kturn_sync()); the kernel then
 * relays that ChannelData both ways without waking a worker, and passes
 * everything else on, so user space keeps every rule.
 *
 * Threads: all calls on the control thread (the TURN server's); a mutex
 * makes lk_kturn_totals() safe anywhere.  None is called per packet.
 */

struct lk_kturn;

/*
 * Load the program, create its map, attach it.  `addr` is the TURN
 * server's address ([System] Address): this version forwards only on
 * loopback.  Returns 0, or an errno with `why` saying in one sentence what
 * is missing.  mem_deref() detaches and frees it; every set must have
 * been dropped before.
 */
int lk_kturn_alloc(struct lk_kturn **kp, const char *addr, char *why,
		   size_t whysz);

/* The kernel's ID of the loaded program; 0: none. */
unsigned lk_kturn_prog_id(const struct lk_kturn *k);

/* An entry as relay/turnfwd.c wants it (key, the rewrite, and until when). */
struct lk_kturn_ent {
	struct lk_kturn_key key;
	struct lk_kturn_val val;	/* the rewrite; counters unused */
	uint64_t expires;		/* ms, TURN clock */
};

/* An allocation's entries in the map now; NULL: none. */
struct lk_kturn_set;
/* Entries of one set: two per channel (relay/turnfwd.h, CHANS_MAX). */
#define LK_KTURN_SET_MAX	128

/*
 * Make the entries of `*setp` those of `want` (n of them), `now` being
 * the TURN clock's time: new ones added, gone ones removed (their counts
 * kept in the totals), changed ones (a refreshed channel or permission)
 * removed and added again.  An entry whose time is up is not wanted.  A
 * full map leaves an entry to user space.
 */
void lk_kturn_sync(struct lk_kturn *k, struct lk_kturn_set **setp,
		   const struct lk_kturn_ent *want, unsigned n, uint64_t now);

/* Remove every entry of the set and free it (the allocation goes). */
void lk_kturn_drop(struct lk_kturn *k, struct lk_kturn_set **setp);

/* What the kernel relayed since start, entries removed included. */
struct lk_kturn_count {
	uint64_t to_peer;	/* ChannelData from clients */
	uint64_t to_client;	/* datagrams from peers */
	uint64_t bytes_to_peer;	/* application data octets */
	uint64_t bytes_to_client;
	uint64_t entries;	/* in the map now */
};

void lk_kturn_totals(struct lk_kturn *k, struct lk_kturn_count *c);

#endif
