/* relay/kernports.h  Port ranges against the kernel's ephemeral range. */
#ifndef LK_KERNPORTS_H
#define LK_KERNPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

/*
 * The seed's media range 36000-59999 lies inside Linux's default ephemeral
 * range (net.ipv4.ip_local_port_range, 32768-60999): any socket on the host
 * that binds port 0 or connects without binding may be given a media port,
 * and latchkeyd's own bind of that port then fails.  This module reads the
 * kernel's ephemeral range and its reserved ports (which the kernel never
 * gives out on its own, but which a socket may still bind by number), and
 * says which configured ranges are exposed and how to fix it.
 *
 * struct lk_kernports is plain data owned by the caller (8 KiB: mind the
 * stack of small threads); nothing here allocates beyond a call.
 */

#define LK_KERNPORTS_DIR "/proc/sys/net/ipv4"
#define LK_KERNPORTS_RANGE_FILE "ip_local_port_range"
#define LK_KERNPORTS_RESERVED_FILE "ip_local_reserved_ports"

/* The ranges checked: media, TURN relay (UDP); SIP TCP out, H.323 (TCP). */
#define LK_KERNPORTS_RANGES 4

struct lk_kernports {
	struct lk_range ephemeral;	/* net.ipv4.ip_local_port_range */
	unsigned nreserved;		/* ports in ip_local_reserved_ports */
	uint8_t reserved[65536 / 8];	/* bit p: port p is reserved */
};

/* One configured range the kernel may give out ports of. */
struct lk_kernports_overlap {
	const char *what;		/* "media range" */
	const char *noun;		/* "a media port" */
	const char *proto;		/* "UDP" or "TCP" */
	struct lk_range range;		/* as configured */
	struct lk_range exposed;	/* first and last port at risk */
	unsigned nexposed;		/* ports at risk */
	struct lk_range suggest;	/* ephemeral range to set instead;
					   start 0: none that would fit */
	bool suggest_is_seed;		/* it is the seed's default range */
};

struct lk_kernports_report {
	unsigned n;
	struct lk_kernports_overlap overlap[LK_KERNPORTS_RANGES];
};

/*
 * Read ip_local_port_range and ip_local_reserved_ports from `dir` (NULL:
 * LK_KERNPORTS_DIR; tests pass a directory of fixture files).  A missing
 * reserved-ports file counts as no reserved port.  Returns 0; the errno
 * of opening or reading a file; EINVAL for malformed content; EFBIG for a
 * file over 1 MiB.  On error, `msg` (if not NULL) says which file and
 * what is wrong with it, and `kp` is left as it was.
 */
int lk_kernports_read(struct lk_kernports *kp, const char *dir,
		      char *msg, size_t msgsz);

/*
 * Parse the content of ip_local_port_range: "low<whitespace>high", ports
 * 1-65535, low <= high.  Returns EINVAL with a reason in `why` otherwise.
 */
int lk_kernports_parse_range(struct lk_range *rangep, const char *text,
			     size_t len, char *why, size_t whysz);

/*
 * Parse the content of ip_local_reserved_ports: a comma-separated list of
 * ports and ranges "a-b" (0-65535, a <= b), possibly empty, as the kernel
 * prints it.  Sets `kp->reserved` and `kp->nreserved` on success only.
 */
int lk_kernports_parse_reserved(struct lk_kernports *kp, const char *text,
				size_t len, char *why, size_t whysz);

/*
 * Find the ranges of `conf` that share ports with the kernel's ephemeral
 * range, minus its reserved ports: the media range and the TURN relay
 * range when TURN is on (UDP), the SIP TCP outbound and the H.323 call
 * signalling ranges (TCP).  Each comes with the ephemeral range of `conf`
 * for its protocol as the range to give the kernel instead, unless that
 * one would overlap a checked range too.  Writes `rep` (n may be 0).
 */
int lk_kernports_check(struct lk_kernports_report *rep,
		       const struct lk_kernports *kp,
		       const struct lk_conf *conf);

/*
 * The warning for overlap `i` of `rep`, with the commands that fix it:
 *   media range 36000-59999 overlaps the kernel's ephemeral range
 *   32768-60999 (net.ipv4.ip_local_port_range): any socket on this host
 *   may take a media port. Fix: sysctl -w
 *   net.ipv4.ip_local_port_range="30000 35999" (the seed's ephemeral
 *   range) or sysctl -w net.ipv4.ip_local_reserved_ports=36000-59999
 * (on one line).  The reserved-ports command lists the ports reserved
 * already and every range of `rep`, since writing the sysctl replaces
 * the list.  Returns EOVERFLOW, with `buf` empty, when it does not fit.
 */
int lk_kernports_message(char *buf, size_t sz, const struct lk_kernports *kp,
			 const struct lk_kernports_report *rep, unsigned i);

/*
 * At start: read the kernel's ranges from `dir` (NULL: /proc), check
 * `conf` against them and log a warning for each overlap.  A kernel that
 * cannot be read is logged as a warning too (a container may hide /proc/sys)
 * and is not an error.  Returns the number of overlaps found.
 */
unsigned lk_kernports_warn(const struct lk_conf *conf, const char *dir);

#endif
