/* relay/kernports.c  Port ranges against the kernel's ephemeral range. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "kernports.h"

/* Far above what the kernel prints (about 200 KiB at worst). */
#define FILE_MAX ((size_t)1 << 20)

/* Longest excerpt of bad content quoted in a message. */
#define EXCERPT_MAX 40

static inline bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool bit_get(const uint8_t *bm, unsigned port)
{
	return bm[port >> 3] & (1u << (port & 7));
}

static inline void bit_set(uint8_t *bm, unsigned port)
{
	bm[port >> 3] |= (uint8_t)(1u << (port & 7));
}

/* `text` quoted for a message, printable ASCII only, cut short if long. */
static void excerpt(char *buf, size_t sz, const char *text, size_t len)
{
	size_t i, n = 0;

	if (!sz)
		return;
	for (i = 0; i < len && i < EXCERPT_MAX && n + 1 < sz; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == '\n')
			c = ' ';
		buf[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (len > EXCERPT_MAX && n + 3 < sz) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

static void say(char *buf, size_t sz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !sz)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
}

/* A decimal port number of at most five digits, 0-65535. */
static bool parse_port(const char **pp, const char *end, unsigned *portp)
{
	const char *p = *pp;
	unsigned v = 0, ndigits = 0;

	while (p < end && *p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned)(*p - '0');
		if (++ndigits > 5 || v > 65535)
			return false;
		++p;
	}
	if (!ndigits)
		return false;

	*pp = p;
	*portp = v;

	return true;
}

int lk_kernports_parse_range(struct lk_range *rangep, const char *text,
			     size_t len, char *why, size_t whysz)
{
	const char *p = text, *end = text + len;
	unsigned lo, hi;
	char ex[EXCERPT_MAX * 2];

	if (!rangep || (!text && len))
		return EINVAL;

	excerpt(ex, sizeof(ex), text, len);

	while (p < end && is_space(*p))
		++p;
	if (!parse_port(&p, end, &lo) || p == end || !is_space(*p))
		goto bad;
	while (p < end && is_space(*p))
		++p;
	if (!parse_port(&p, end, &hi))
		goto bad;
	while (p < end && is_space(*p))
		++p;
	if (p != end)
		goto bad;

	if (!lo || lo > hi) {
		say(why, whysz, "the range %u-%u is empty or starts at port 0 "
		    "(want 1 <= low <= high <= 65535), in \"%s\"", lo, hi, ex);
		return EINVAL;
	}

	rangep->start = (uint16_t)lo;
	rangep->end = (uint16_t)hi;

	return 0;

 bad:
	say(why, whysz, "expected two port numbers \"low high\" (1-65535), "
	    "got \"%s\"", ex);
	return EINVAL;
}

int lk_kernports_parse_reserved(struct lk_kernports *kp, const char *text,
				size_t len, char *why, size_t whysz)
{
	const char *p = text, *end = text + len;
	uint8_t bm[sizeof(kp->reserved)];
	unsigned n = 0;
	char ex[EXCERPT_MAX * 2];

	if (!kp || (!text && len))
		return EINVAL;

	memset(bm, 0, sizeof(bm));
	while (end > p && is_space(end[-1]))
		--end;

	while (p < end) {
		const char *item = p, *stop;
		unsigned a, b, port;

		if (!parse_port(&p, end, &a))
			goto bad;
		b = a;
		if (p < end && *p == '-') {
			++p;
			if (!parse_port(&p, end, &b))
				goto bad;
		}
		if (p < end && *p != ',')
			goto bad;
		if (a > b) {
			excerpt(ex, sizeof(ex), item, (size_t)(p - item));
			say(why, whysz, "the range \"%s\" is inverted "
			    "(want a-b with a <= b)", ex);
			return EINVAL;
		}
		for (port = a; port <= b; port++) {
			if (!bit_get(bm, port)) {
				bit_set(bm, port);
				++n;
			}
		}
		if (p < end) {
			++p;	/* the comma; an item must follow it */
			if (p == end) {
				item = p;
				goto bad;
			}
		}
		continue;

	 bad:
		stop = memchr(item, ',', (size_t)(end - item));
		excerpt(ex, sizeof(ex), item,
			(size_t)((stop ? stop : end) - item));
		say(why, whysz, "expected a comma-separated list of ports and "
		    "ranges a-b (0-65535), got \"%s\"", ex);
		return EINVAL;
	}

	memcpy(kp->reserved, bm, sizeof(bm));
	kp->nreserved = n;

	return 0;
}

/* The whole file in a malloc'd buffer the caller frees. */
static int read_file(char **bufp, size_t *lenp, const char *path)
{
	size_t len = 0, cap = 4096;
	char *buf, *nbuf;
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f) {
		err = errno;
		return err ? err : EIO;
	}

	buf = malloc(cap);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}

	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (len > FILE_MAX) {
			err = EFBIG;
			goto out;
		}
		if (len < cap) {
			if (ferror(f))
				err = EIO;
			break;
		}
		cap *= 2;
		nbuf = realloc(buf, cap);
		if (!nbuf) {
			err = ENOMEM;
			goto out;
		}
		buf = nbuf;
	}

 out:
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	*bufp = buf;
	*lenp = len;

	return 0;
}

int lk_kernports_read(struct lk_kernports *kp, const char *dir,
		      char *msg, size_t msgsz)
{
	struct lk_kernports tmp;
	char path[512], why[256];
	char *buf = NULL;
	size_t len;
	int err;

	if (!kp)
		return EINVAL;
	if (!dir)
		dir = LK_KERNPORTS_DIR;

	memset(&tmp, 0, sizeof(tmp));

	snprintf(path, sizeof(path), "%s/%s", dir, LK_KERNPORTS_RANGE_FILE);
	err = read_file(&buf, &len, path);
	if (err) {
		say(msg, msgsz, "cannot read %s: %s", path, strerror(err));
		return err;
	}
	err = lk_kernports_parse_range(&tmp.ephemeral, buf, len,
				       why, sizeof(why));
	free(buf);
	buf = NULL;
	if (err) {
		say(msg, msgsz, "%s: %s", path, why);
		return err;
	}

	/* Kernels before 2.6.35, and some containers, do not have it. */
	snprintf(path, sizeof(path), "%s/%s", dir, LK_KERNPORTS_RESERVED_FILE);
	err = read_file(&buf, &len, path);
	if (err == ENOENT) {
		*kp = tmp;
		return 0;
	}
	if (err) {
		say(msg, msgsz, "cannot read %s: %s", path, strerror(err));
		return err;
	}
	err = lk_kernports_parse_reserved(&tmp, buf, len, why, sizeof(why));
	free(buf);
	if (err) {
		say(msg, msgsz, "%s: %s", path, why);
		return err;
	}

	*kp = tmp;

	return 0;
}

static bool ranges_meet(const struct lk_range *a, const struct lk_range *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static bool range_valid(const struct lk_range *r)
{
	return r->start && r->start <= r->end;
}

static bool range_is_seed_ephemeral(const struct lk_range *r)
{
	/* Seed, footnote *: 30000-35999 new in X8.1, 40000-49999 before. */
	return (r->start == 30000 && r->end == 35999) ||
	       (r->start == 40000 && r->end == 49999);
}

int lk_kernports_check(struct lk_kernports_report *rep,
		       const struct lk_kernports *kp,
		       const struct lk_conf *conf)
{
	struct lk_kernports_report r;
	unsigned i, j;

	if (!rep || !kp || !conf)
		return EINVAL;

	const struct {
		const char *what;
		const char *noun;
		const char *proto;
		const struct lk_range *range;
		const struct lk_range *ephemeral;
		bool on;
	} uses[LK_KERNPORTS_RANGES] = {
		{ "media range", "a media port", "UDP",
		  &conf->media, &conf->udp_ephemeral, true },
		{ "TURN relay range", "a TURN relay port", "UDP",
		  &conf->turn_relay, &conf->udp_ephemeral, conf->turn_enabled },
		{ "SIP TCP outbound range", "a SIP TCP outbound port", "TCP",
		  &conf->sip_tcp_out, &conf->tcp_ephemeral, true },
		{ "H.323 call signalling range",
		  "an H.323 call signalling port", "TCP",
		  &conf->h323_callsig, &conf->tcp_ephemeral, true },
	};

	memset(&r, 0, sizeof(r));

	for (i = 0; i < LK_KERNPORTS_RANGES; i++) {
		struct lk_kernports_overlap *ov = &r.overlap[r.n];
		unsigned lo, hi, port, first = 0, last = 0, n = 0;

		if (!uses[i].on || !range_valid(uses[i].range) ||
		    !ranges_meet(uses[i].range, &kp->ephemeral))
			continue;

		lo = uses[i].range->start > kp->ephemeral.start ?
			uses[i].range->start : kp->ephemeral.start;
		hi = uses[i].range->end < kp->ephemeral.end ?
			uses[i].range->end : kp->ephemeral.end;
		for (port = lo; port <= hi; port++) {
			if (bit_get(kp->reserved, port))
				continue;
			if (!n++)
				first = port;
			last = port;
		}
		if (!n)
			continue;	/* all of it reserved: safe */

		ov->what = uses[i].what;
		ov->noun = uses[i].noun;
		ov->proto = uses[i].proto;
		ov->range = *uses[i].range;
		ov->exposed.start = (uint16_t)first;
		ov->exposed.end = (uint16_t)last;
		ov->nexposed = n;

		/* Only suggest a range that would not expose another one. */
		ov->suggest = *uses[i].ephemeral;
		if (!range_valid(&ov->suggest))
			memset(&ov->suggest, 0, sizeof(ov->suggest));
		for (j = 0; j < LK_KERNPORTS_RANGES && ov->suggest.start; j++) {
			if (uses[j].on && range_valid(uses[j].range) &&
			    ranges_meet(uses[j].range, &ov->suggest))
				memset(&ov->suggest, 0, sizeof(ov->suggest));
		}
		ov->suggest_is_seed = ov->suggest.start &&
			range_is_seed_ephemeral(&ov->suggest);
		++r.n;
	}

	*rep = r;

	return 0;
}

/* snprintf that appends and remembers running out of room. */
struct text {
	char *buf;
	size_t sz;
	size_t len;
	bool full;
};

static void text_add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->sz - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->sz - t->len) {
		t->full = true;
		return;
	}
	t->len += (size_t)n;
}

int lk_kernports_message(char *buf, size_t sz, const struct lk_kernports *kp,
			 const struct lk_kernports_report *rep, unsigned i)
{
	const struct lk_kernports_overlap *ov;
	struct text t = { buf, sz, 0, false };
	uint8_t bm[sizeof(kp->reserved)];
	unsigned port, k, size;
	bool first = true;

	if (!buf || !sz || !kp || !rep || i >= rep->n ||
	    i >= LK_KERNPORTS_RANGES)
		return EINVAL;

	ov = &rep->overlap[i];
	size = (unsigned)ov->range.end - ov->range.start + 1;

	text_add(&t, "%s %u-%u overlaps the kernel's ephemeral range %u-%u "
		 "(net.ipv4.ip_local_port_range)", ov->what, ov->range.start,
		 ov->range.end, kp->ephemeral.start, kp->ephemeral.end);
	if (ov->nexposed != size) {
		text_add(&t, " in %u port%s between %u and %u%s", ov->nexposed,
			 ov->nexposed == 1 ? "" : "s", ov->exposed.start,
			 ov->exposed.end, kp->nreserved ?
			 " that net.ipv4.ip_local_reserved_ports leaves out" :
			 "");
	}
	text_add(&t, ": any socket on this host may take %s. Fix: ", ov->noun);

	if (ov->suggest.start) {
		text_add(&t, "sysctl -w net.ipv4.ip_local_port_range=\"%u %u\" "
			 "(%s) or ", ov->suggest.start, ov->suggest.end,
			 ov->suggest_is_seed ? "the seed's ephemeral range" :
			 "the configured ephemeral range");
	}

	/* Writing the sysctl replaces the list: keep what is there. */
	memcpy(bm, kp->reserved, sizeof(bm));
	for (k = 0; k < rep->n && k < LK_KERNPORTS_RANGES; k++) {
		for (port = rep->overlap[k].range.start;
		     port <= rep->overlap[k].range.end; port++)
			bit_set(bm, port);
	}
	text_add(&t, "sysctl -w net.ipv4.ip_local_reserved_ports=");
	for (port = 0; port <= 65535; port++) {
		unsigned end;

		if (!bit_get(bm, port))
			continue;
		for (end = port; end < 65535 && bit_get(bm, end + 1); end++)
			;
		if (end == port)
			text_add(&t, "%s%u", first ? "" : ",", port);
		else
			text_add(&t, "%s%u-%u", first ? "" : ",", port, end);
		first = false;
		port = end;
	}

	if (t.full) {
		buf[0] = '\0';
		return EOVERFLOW;
	}

	return 0;
}

unsigned lk_kernports_warn(const struct lk_conf *conf, const char *dir)
{
	struct lk_kernports_report rep;
	struct lk_kernports kp;
	char msg[1024];
	unsigned i;
	int err;

	if (!conf)
		return 0;

	err = lk_kernports_read(&kp, dir, msg, sizeof(msg));
	if (err) {
		lk_warn("%s; the port ranges are not checked against the "
			"kernel's ephemeral range", msg);
		return 0;
	}
	err = lk_kernports_check(&rep, &kp, conf);
	if (err)
		return 0;

	for (i = 0; i < rep.n; i++) {
		char *big;

		err = lk_kernports_message(msg, sizeof(msg), &kp, &rep, i);
		if (!err) {
			lk_warn("%s", msg);
			continue;
		}
		/* A long list of reserved ports: some 200 KiB at worst. */
		big = malloc(FILE_MAX);
		if (big && !lk_kernports_message(big, FILE_MAX, &kp, &rep, i))
			lk_warn("%s", big);
		free(big);
	}
	if (rep.n) {
		lk_warn("a sysctl -w lasts until reboot: put the setting in "
			"a file under /etc/sysctl.d/ to keep it");
	}

	return rep.n;
}
