/* tests/integration/lib/daemon.h  Start latchkeyd, talk ng to it, move RTP on loopback. */
#ifndef LK_TEST_DAEMON_H
#define LK_TEST_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bencode.h"

struct lkd {
	pid_t pid;
	uint16_t ng_port;
	int ng_fd;
	char conf_path[64];
	char log_path[80];
	unsigned cookie;
	/* The last reply, decoded. */
	char reply[65536];
	size_t reply_len;
	struct lk_bencode_node nodes[4096];
	const struct lk_bencode_node *dict;
};

/*
 * Write `config` to a temporary file and start $LK_LATCHKEYD with it; wait
 * (at most 10 s) until the ng port answers a ping.  Returns 0 or -1.
 */
int lkd_start(struct lkd *d, uint16_t ng_port, const char *config);

/* SIGTERM, wait at most 5 s, then SIGKILL.  Returns the exit status. */
int lkd_stop(struct lkd *d);

/*
 * Send "<cookie> <body>" and wait (at most 2 s) for the reply; decode it
 * into d->dict.  `body` is bencode.  Returns 0 or -1.
 */
int lkd_ng(struct lkd *d, const char *body, size_t len);
int lkd_ng_raw(struct lkd *d, const char *dgram, size_t len);

/* d->dict["result"] equals `want`. */
bool lkd_result_is(const struct lkd *d, const char *want);
/* A string value of the reply, NUL-terminated into buf, or "" if none. */
const char *lkd_str(const struct lkd *d, const char *key, char *buf,
		    size_t size);
/* An integer under statistics/{current,total}statistics/name. */
int64_t lkd_stat(struct lkd *d, const char *name);
/*
 * The same once it equals `want`, or after a second what it is then.  A
 * worker counts a packet it forwarded after sendmmsg() returns, which can
 * be after the receiver has it.
 */
int64_t lkd_stat_when(struct lkd *d, const char *name, int64_t want);

/* Build an offer or answer body (bencode) for the given parameters. */
size_t lkd_offer_body(char *buf, size_t size, const char *command,
		      const char *call_id, const char *from_tag,
		      const char *to_tag, const char *sdp,
		      const char *flags_bencode_list);

/* A UDP endpoint on 127.0.0.1 with a kernel-chosen port. */
int ep_open(uint16_t *portp);
/* The same on another loopback address (127.0.0.2 stands for a host). */
int ep_open_at(const char *ip, uint16_t *portp);
/* The same on a chosen port; -1 when it is taken. */
int ep_open_at_port(const char *ip, uint16_t port);
/* The same on [::1]. */
int ep_open6(uint16_t *portp);
int ep_send6(int fd, uint16_t port, const void *p, size_t len);
/* Send to 127.0.0.1:port. */
int ep_send(int fd, uint16_t port, const void *p, size_t len);
/* Wait up to `ms` for a datagram; returns its length or -1. */
ssize_t ep_recv(int fd, void *buf, size_t size, int ms, uint16_t *fromport);
/* Count datagrams arriving within `ms`. */
unsigned ep_drain(int fd, int ms);
/* A minimal RTP packet with `payload` octets. */
size_t rtp_make(uint8_t *buf, uint16_t seq, uint32_t ssrc, size_t payload);
/* A minimal RTCP receiver report. */
size_t rtcp_make(uint8_t *buf, uint32_t ssrc);

/* The m= port of media section `index` in an SDP, or 0. */
uint16_t sdp_port(const char *sdp, unsigned index);
/* The value of "a=x-latchkey-muxid:" in section `index`, or 0. */
uint32_t sdp_muxid(const char *sdp, unsigned index);

#endif
