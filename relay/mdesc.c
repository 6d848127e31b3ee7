/* relay/mdesc.c  Checks on a protocol-neutral media description (relay/mdesc.h). */
#include <errno.h>
#include <stddef.h>

#include "mdesc.h"

static int bad(unsigned i, unsigned *streamp, const char **whyp,
	       const char *why)
{
	if (streamp)
		*streamp = i;
	if (whyp)
		*whyp = why;

	return EINVAL;
}

static bool family_ok(const struct sockaddr_storage *ss)
{
	return ss->ss_family == 0 || ss->ss_family == AF_INET ||
	       ss->ss_family == AF_INET6;
}

int lk_mdesc_check(const struct lk_mdesc *d, unsigned *streamp,
		   const char **whyp)
{
	unsigned i;

	if (!d)
		return bad(0, streamp, whyp, "no description");
	if (d->nstreams > LK_MDESC_MAX_STREAMS)
		return bad(d->nstreams, streamp, whyp, "too many streams");
	for (i = 0; i < d->nstreams; i++) {
		const struct lk_mdesc_stream *s = &d->s[i];

		if (s->npt > LK_MDESC_MAX_PT)
			return bad(i, streamp, whyp, "too many payload types");
		if (s->ncrypto > LK_MDESC_MAX_CRYPTO)
			return bad(i, streamp, whyp, "too many SDES keys");
		if (s->dir > LK_MDESC_INACTIVE)
			return bad(i, streamp, whyp, "no such direction");
		if (!family_ok(&s->addr) || !family_ok(&s->rtcp_addr))
			return bad(i, streamp, whyp, "address family is "
				   "neither IPv4 nor IPv6");
		if (s->media.len && !s->media.p)
			return bad(i, streamp, whyp, "media type");
		if (s->proto.len && !s->proto.p)
			return bad(i, streamp, whyp, "transport profile");
	}

	return 0;
}

const char *lk_mdesc_dir_name(enum lk_mdesc_dir dir)
{
	switch (dir) {
	case LK_MDESC_SENDRECV:	return "sendrecv";
	case LK_MDESC_SENDONLY:	return "sendonly";
	case LK_MDESC_RECVONLY:	return "recvonly";
	case LK_MDESC_INACTIVE:	return "inactive";
	}

	return "?";
}
