/* relay/kfwd.h  The kernel fast path: latched streams forwarded by an eBPF program. */
#ifndef LK_KFWD_H
#define LK_KFWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "leg.h"

/*
 * latchkeyd loads relay/bpf/kfwd.bpf.c at start ([Media] Kernel
 * forwarding, docs/architecture.md "Kernel forwarding") and attaches it to
 * the ingress of lo and of the configured interfaces as tcx links.  For each stream that is latched in
 * both directions and that the relay forwards unchanged, it puts one entry
 * per direction in the program's map; the kernel then forwards that RTP
 * without waking the relay.  Everything else (RTCP, STUN, keep-alives,
 * foreign sources, streams not latched) still reaches the worker's socket,
 * so latching and bleed protection keep their exact rules.
 *
 * Threads: lk_kfwd_stream_sync() and lk_kfwd_leg_drop() run on the worker
 * that owns the stream (they change its legs); lk_kfwd_leg_read() and
 * lk_kfwd_totals() on any thread.  One mutex serialises them; none is
 * called per packet (only when a latch, the signalling or the call
 * changes, and when counters are read).
 */

struct lk_kfwd;

/*
 * Load the program, create its map and attach it to the ingress of lo and
 * of every interface named in `ifaces` ([Media] Kernel forwarding
 * interfaces: by comma or blank; NULL or "" none).  `addr` is the relay's
 * media address ([System] Address), IPv4 or IPv6 (entries of the other
 * family are never made: the relay's sockets are of its family).  Each entry's
 * egress interface comes from the routing table when the entry is made
 * (re-made on a re-latch); packets for the machine's own addresses stay
 * on loopback.  Returns 0, or an errno with `why` saying in one sentence
 * what is missing (not built in, not IPv4, no privilege, no tcx in the
 * kernel, no such interface).
 */
int lk_kfwd_alloc(struct lk_kfwd **kp, const char *addr, const char *ifaces,
		  char *why, size_t whysz);

/* How many interfaces the program is attached to (lo counts); 0: none. */
unsigned lk_kfwd_nifs(const struct lk_kfwd *k);

/* The kernel's ID of the loaded program (bpftool prog show id N); 0: none. */
unsigned lk_kfwd_prog_id(const struct lk_kfwd *k);

/*
 * libbpf's own messages into latchkey's log: warnings at debug level, the
 * rest dropped.  Every loader (relay/kfwd.c, relay/kturn.c) calls it
 * before it opens its program; only where the fast path is built.
 */
void lk_kfwd_libbpf_log(void);

/*
 * mem_deref() of the one reference (docs/architecture.md, "Ownership")
 * detaches the program and frees the map.  Every entry must have been
 * dropped (the calls are gone) before.
 */

/*
 * Whether media from `from` to its peer may be forwarded in the kernel
 * now: both sides latched on RTP (so each direction's source and target
 * are known), both of one family (IPv4 or IPv6), the peer takes RTP (not sendonly/inactive), no media
 * handover (which must see every packet of the latched source) and no
 * asymmetric side.  Multiplexed legs qualify: the program strips and
 * adds the H.460.19 multiplexID.  A stream the relay must transform (SRTP termination,
 * transcoding) must add its own condition here: the kernel forwards
 * octets unchanged.
 */
bool lk_kfwd_eligible(const struct lk_leg *from);

/*
 * Make the stream's kernel entries match lk_kfwd_eligible() and the
 * latches now: add, re-make (a re-latch moved a source or target) or
 * remove.  A removed entry's counters go into the leg's own.  On the
 * stream's worker; `k` NULL does nothing.
 */
void lk_kfwd_stream_sync(struct lk_kfwd *k, struct lk_stream *s);

/* Remove the leg's entry, if any, before its ports are released. */
void lk_kfwd_leg_drop(struct lk_kfwd *k, struct lk_leg *leg);

/* What the kernel forwarded for an entry that is still in place. */
struct lk_kfwd_count {
	uint64_t packets;
	uint64_t bytes;		/* as received (no multiplexID) */
	uint64_t bytes_out;	/* as sent (with a multiplexID added) */
	uint64_t last_ms;	/* lk_clock_ms()'s clock; 0: none */
};

/*
 * The live entry's counters of media from `leg` (all zero without one);
 * what earlier entries counted is in leg->st already.
 */
void lk_kfwd_leg_read(struct lk_kfwd *k, const struct lk_leg *leg,
		      struct lk_kfwd_count *c);

/* Everything forwarded in the kernel since start (bytes: as sent). */
void lk_kfwd_totals(struct lk_kfwd *k, struct lk_kfwd_count *c);

#endif
