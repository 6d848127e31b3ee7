/* tests/unit/mediafix.h  Fixtures of the media core's unit tests: a media core that binds no socket (lk_media_set_bind() with descriptors that are not sockets), a count of the process's open sockets, and one stream of a media description. */
#ifndef LK_TEST_MEDIAFIX_H
#define LK_TEST_MEDIAFIX_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <event2/event.h>

#include "conf.h"
#include "media.h"

/*
 * Each relay port gets an eventfd: the worker watches it like a socket,
 * it never becomes readable, and it is closed like one.  `busy` is a
 * port to refuse with EADDRINUSE (held by another program), 0: none.
 */
struct nosock {
	unsigned binds;
	uint16_t busy;
};

static inline int nosock_bind(int *fdp, const char *addr, uint16_t port,
			      void *arg)
{
	struct nosock *ns = arg;
	int fd;

	(void)addr;
	if (ns) {
		ns->binds++;
		if (ns->busy && port == ns->busy)
			return EADDRINUSE;
	}
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return errno;
	*fdp = fd;

	return 0;
}

/* How many sockets this process has open (/proc/self/fd: "socket:[n]"). */
static inline unsigned nosock_open_sockets(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return ~0u;
	while ((e = readdir(d))) {
		char path[300], link[64];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (!strncmp(link, "socket:", 7))
			n++;
	}
	closedir(d);

	return n;
}

/*
 * A media core on a new event base from the configuration text `config`;
 * with `ns` it binds no socket (nosock_bind).  The test fails on error.
 */
static inline void mediafix_core(const char *config, struct lk_conf *conf,
				 struct event_base **basep,
				 struct lk_media **mp, struct nosock *ns)
{
	struct lk_conf_diag diag = {0};
	char err[256];

	if (lk_conf_parse(conf, "test", config, strlen(config), &diag))
		fail_msg("the test's configuration does not parse");
	*basep = event_base_new();
	if (!*basep || lk_media_alloc(mp, *basep, conf, err, sizeof(err)))
		fail_msg("media core: %s", *basep ? err : "no event base");
	if (ns)
		lk_media_set_bind(*mp, nosock_bind, ns);
}

/*
 * Stream `s` as an RTP/AVP audio stream received at `ip`:`port` (RTCP
 * on port + 1) in direction `dir`, no payload type; port 0: inactive,
 * no address.
 */
static inline void mediafix_audio(struct lk_mdesc_stream *s, const char *ip,
				  uint16_t port, enum lk_mdesc_dir dir)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&s->addr;
	struct sockaddr_in *c = (struct sockaddr_in *)&s->rtcp_addr;

	memset(s, 0, sizeof(*s));
	s->media.p = "audio";
	s->media.len = 5;
	s->proto.p = "RTP/AVP";
	s->proto.len = 7;
	s->rtp = true;
	s->dir = dir;
	s->port = port;
	if (!port)
		return;
	s->rtcp_port = (uint16_t)(port + 1);
	a->sin_family = c->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a->sin_addr);
	c->sin_addr = a->sin_addr;
	a->sin_port = htons(port);
	c->sin_port = htons(s->rtcp_port);
}

/* `d` as one such stream, payload types 0 (PCMU) and 8 (PCMA). */
static inline void mediafix_desc(struct lk_mdesc *d, const char *ip,
				 uint16_t port, enum lk_mdesc_dir dir)
{
	memset(d, 0, sizeof(*d));
	d->nstreams = 1;
	mediafix_audio(&d->s[0], ip, port, dir);
	d->s[0].npt = 2;
	d->s[0].pt[0] = 0;
	d->s[0].pt[1] = 8;
}

#endif
