/* tests/unit/relay/test_sdp.c  SDP parse and rewrite over real endpoint SDP. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sdp.h"

#define RELAY4	"203.0.113.10"
#define RELAY6	"2001:db8::10"
#define MAXLINES 256

struct text {
	char *p;
	size_t len;
};

/* Fixtures are stored with CRLF, as endpoints send them; `lf` gives the
 * bare-LF form of the same description. */
static struct text fixture(const char *name, bool lf)
{
	const char *src = getenv("LK_SOURCE_DIR");
	struct text t;
	char path[1024];
	size_t i, j;
	long n;
	FILE *f;

	if (src)
		snprintf(path, sizeof(path), "%s/tests/data/sdp/%s", src, name);
	else
		snprintf(path, sizeof(path), "data/sdp/%s", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(0, fseek(f, 0, SEEK_END));
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	t.p = malloc((size_t)n);
	assert_non_null(t.p);
	assert_int_equal((size_t)n, fread(t.p, 1, (size_t)n, f));
	fclose(f);
	t.len = (size_t)n;

	if (lf) {
		for (i = j = 0; i < t.len; i++)
			if (!(t.p[i] == '\r' && i + 1 < t.len &&
			      t.p[i + 1] == '\n'))
				t.p[j++] = t.p[i];
		t.len = j;
	}

	return t;
}

static struct text literal(const char *s)
{
	struct text t;

	t.len = strlen(s);
	t.p = malloc(t.len ? t.len : 1);
	assert_non_null(t.p);
	memcpy(t.p, s, t.len);

	return t;
}

/* One line of a text: content, and the end it has. */
struct tline {
	const char *p;
	size_t len;
	const char *eol;
	size_t eollen;
};

static size_t split(struct tline *v, const char *p, size_t len)
{
	size_t n = 0, off = 0, end;
	const char *nl;

	while (off < len) {
		assert_true(n < MAXLINES);
		v[n].p = p + off;
		nl = memchr(p + off, '\n', len - off);
		end = nl ? (size_t)(nl - p) : len;
		v[n].eollen = nl ? 1 : 0;
		if (nl && end > off && p[end - 1] == '\r') {
			--end;
			v[n].eollen = 2;
		}
		v[n].len = end - off;
		v[n].eol = p + end;
		off = nl ? (size_t)(nl - p) + 1 : len;
		++n;
	}

	return n;
}

static bool line_is(const struct tline *l, const char *s)
{
	return l->len == strlen(s) && memcmp(l->p, s, l->len) == 0;
}

static bool str_is(const struct lk_sdp_str *s, const char *lit)
{
	return s->len == strlen(lit) && memcmp(s->p, lit, s->len) == 0;
}

#define assert_str(lit, s) do {						\
	if (!str_is(&(s), (lit)))					\
		fail_msg("expected \"%s\", got \"%.*s\"", (lit),	\
			 (int)(s).len, (s).p ? (s).p : "");		\
} while (0)

/* What the rewrite should do to one input line, found by its content. */
enum op {
	REPLACE,
	DELETE,
	ADD_AFTER,
};

struct edit {
	enum op op;
	const char *match;	/* the input line's exact content */
	const char *text;	/* without its line end */
	unsigned nth;		/* 0: match must be unique; else 1, 2, ... */
};

static size_t find_line(const struct tline *v, size_t n, const struct edit *e)
{
	size_t i, found = n;
	unsigned count = 0;

	for (i = 0; i < n; i++) {
		if (!line_is(&v[i], e->match))
			continue;
		++count;
		if ((e->nth == 0 && found == n) || count == e->nth)
			found = i;
	}
	if (found == n || (e->nth == 0 && count != 1))
		fail_msg("edit anchor \"%s\" found %u times", e->match, count);

	return found;
}

static void plan_init(struct lk_sdp_plan *plan, const char *addr,
		      enum lk_sdp_af af)
{
	unsigned i;

	memset(plan, 0, sizeof(*plan));
	plan->addr = addr;
	plan->af = af;
	for (i = 0; i < LK_SDP_MAX_MEDIA; i++)
		plan->media[i].rtp_port = (uint16_t)(40000 + 2 * i);
}

static void append(char *buf, size_t *lenp, const char *p, size_t n)
{
	memcpy(buf + *lenp, p, n);
	*lenp += n;
}

static void print_text(const char *what, const char *p, size_t len)
{
	print_message("---- %s (%zu bytes)\n%.*s\n----\n", what, len, (int)len,
		      p);
}

/*
 * Rewrite `in` with `plan` and check the whole output: the lines named by
 * `edits` are exactly as given, every other line is the input's, byte for
 * byte with its own line end, in the same order; then the output parses
 * again and advertises the plan's ports.
 */
static void check_rewrite(const struct text *in, const struct lk_sdp_plan *plan,
			  const struct edit *edits, size_t nedits)
{
	static struct tline iv[MAXLINES], ov[MAXLINES], ev[MAXLINES];
	size_t anchor[64];
	struct lk_sdp sdp, again;
	struct lk_sdp_error err = {0};
	size_t need = 0, len = 0, ni, no, ne, i, k, elen = 0;
	const char *deol;
	size_t deollen;
	char *out, *exp;
	bool replaced;
	int r;

	assert_true(nedits <= 64);
	r = lk_sdp_parse(&sdp, &err, in->p, in->len);
	if (r)
		fail_msg("input: line %u: %s", err.line, err.reason);

	assert_int_equal(0, lk_sdp_rewrite(NULL, 0, &need, &sdp, plan));
	out = malloc(need ? need : 1);
	assert_non_null(out);
	assert_int_equal(0, lk_sdp_rewrite(out, need, &len, &sdp, plan));
	assert_int_equal(need, len);

	/* The expected output, from the input and the edits. */
	ni = split(iv, in->p, in->len);
	deol = iv[0].eollen ? iv[0].eol : "\r\n";
	deollen = iv[0].eollen ? iv[0].eollen : 2;
	for (k = 0; k < nedits; k++)
		anchor[k] = find_line(iv, ni, &edits[k]);
	exp = malloc(in->len + 4096);
	assert_non_null(exp);
	for (i = 0; i < ni; i++) {
		replaced = false;
		for (k = 0; k < nedits; k++) {
			if (anchor[k] != i || edits[k].op == ADD_AFTER)
				continue;
			replaced = true;
			if (edits[k].op == DELETE)
				continue;
			append(exp, &elen, edits[k].text,
			       strlen(edits[k].text));
			append(exp, &elen, iv[i].eol, iv[i].eollen);
		}
		if (!replaced) {
			append(exp, &elen, iv[i].p, iv[i].len + iv[i].eollen);
		}
		for (k = 0; k < nedits; k++) {
			if (anchor[k] != i || edits[k].op != ADD_AFTER)
				continue;
			append(exp, &elen, edits[k].text,
			       strlen(edits[k].text));
			append(exp, &elen, deol, deollen);
		}
	}

	/* Line by line first, for a message that names the line. */
	no = split(ov, out, len);
	ne = split(ev, exp, elen);
	for (i = 0; i < no && i < ne; i++) {
		if (ov[i].len + ov[i].eollen == ev[i].len + ev[i].eollen &&
		    !memcmp(ov[i].p, ev[i].p, ov[i].len + ov[i].eollen))
			continue;
		print_text("got", out, len);
		fail_msg("output line %zu: got \"%.*s\" (end %zu), expected "
			 "\"%.*s\" (end %zu)", i + 1, (int)ov[i].len, ov[i].p,
			 ov[i].eollen, (int)ev[i].len, ev[i].p, ev[i].eollen);
	}
	if (no != ne) {
		print_text("got", out, len);
		fail_msg("output has %zu lines, expected %zu", no, ne);
	}
	assert_int_equal(elen, len);
	assert_memory_equal(exp, out, len);

	/* The output is SDP again, and says what the plan says. */
	r = lk_sdp_parse(&again, &err, out, len);
	if (r)
		fail_msg("output: line %u: %s", err.line, err.reason);
	assert_int_equal(sdp.nmedia, again.nmedia);
	for (i = 0; i < sdp.nmedia; i++) {
		if (!sdp.media[i].port) {
			assert_int_equal(0, again.media[i].port);
			continue;
		}
		assert_int_equal(plan->media[i].rtp_port, again.media[i].port);
	}

	free(exp);
	free(out);
}

/* The same check over the fixture as stored (CRLF) and in bare LF. */
static void check_fixture(const char *name, const struct lk_sdp_plan *plan,
			  const struct edit *edits, size_t nedits)
{
	struct text t;
	int lf;

	for (lf = 0; lf < 2; lf++) {
		t = fixture(name, lf);
		check_rewrite(&t, plan, edits, nedits);
		free(t.p);
	}
}

#define NEDITS(a) (sizeof(a) / sizeof((a)[0]))

static void parse_fixture(struct lk_sdp *sdp, struct text *t, const char *name,
			  bool lf)
{
	struct lk_sdp_error err = {0};

	*t = fixture(name, lf);
	if (lk_sdp_parse(sdp, &err, t->p, t->len))
		fail_msg("%s: line %u: %s", name, err.line, err.reason);
}

/* --- parsing the fixtures --------------------------------------------- */

static void parses_baresip_offer(void **state)
{
	static const uint8_t pts[] = {0, 8, 101};
	const struct lk_sdp_media *m;
	struct lk_sdp sdp;
	struct text t;
	int lf;

	(void)state;
	for (lf = 0; lf < 2; lf++) {
		parse_fixture(&sdp, &t, "baresip-offer.sdp", lf);
		assert_int_equal(18, sdp.nlines);
		assert_int_equal(LK_SDP_AF_IP4, sdp.origin.af);
		assert_str("192.168.56.21", sdp.origin.addr);
		assert_int_equal(LK_SDP_AF_IP4, sdp.conn.af);
		assert_str("192.168.56.21", sdp.conn.addr);
		assert_false(sdp.conn.zero);
		assert_false(sdp.ice);
		assert_int_equal(1, sdp.nmedia);

		m = &sdp.media[0];
		assert_int_equal(7, m->line);
		assert_str("audio", m->type);
		assert_int_equal(10292, m->port);
		assert_int_equal(1, m->nports);
		assert_str("RTP/AVP", m->proto);
		assert_true(m->rtp);
		assert_str("0 8 101", m->fmts);
		assert_int_equal(3, m->npt);
		assert_memory_equal(pts, m->pt, sizeof(pts));
		assert_int_equal(LK_SDP_AF_NONE, m->conn.af);
		assert_int_equal(0, m->rtcp_port);
		assert_true(m->rtcp_mux);
		assert_int_equal(LK_SDP_DIR_SENDRECV, m->dir);
		assert_int_equal(101, m->dtmf_pt);
		assert_int_equal(8000, m->dtmf_rate);
		assert_int_equal(-1, m->cn_pt);
		assert_false(m->ice);
		free(t.p);
	}
}

static void parses_linphone_offer(void **state)
{
	static const uint8_t pts[] = {96, 97, 98, 0, 8, 18, 101, 99, 100};
	const struct lk_sdp_media *m;
	struct lk_sdp sdp;
	struct text t;

	(void)state;
	parse_fixture(&sdp, &t, "linphone-offer.sdp", false);
	assert_str("10.20.30.41", sdp.origin.addr);
	assert_str("10.20.30.41", sdp.conn.addr);
	assert_true(sdp.ice);
	assert_int_equal(1, sdp.nmedia);
	m = &sdp.media[0];
	assert_int_equal(7078, m->port);
	assert_int_equal(9, m->npt);
	assert_memory_equal(pts, m->pt, sizeof(pts));
	assert_int_equal(7079, m->rtcp_port);
	assert_int_equal(LK_SDP_AF_NONE, m->rtcp_addr.af);
	assert_false(m->rtcp_mux);
	assert_true(m->ice);
	/* The first telephone-event is the 48 kHz one for opus. */
	assert_int_equal(101, m->dtmf_pt);
	assert_int_equal(48000, m->dtmf_rate);
	/* No direction attribute: sendrecv (RFC 3264 s.5.1). */
	assert_int_equal(LK_SDP_DIR_NONE, m->dir);
	assert_int_equal(LK_SDP_DIR_SENDRECV, lk_sdp_media_dir(&sdp, 0));
	free(t.p);
}

static void parses_cisco_video_offer(void **state)
{
	const struct lk_sdp_media *m;
	struct lk_sdp sdp;
	struct text t;

	(void)state;
	parse_fixture(&sdp, &t, "cisco-video-offer.sdp", false);
	assert_str("172.16.40.15", sdp.origin.addr);
	assert_false(sdp.ice);
	assert_int_equal(4, sdp.nmedia);

	m = &sdp.media[0];
	assert_str("audio", m->type);
	assert_int_equal(2336, m->port);
	assert_int_equal(10, m->npt);
	assert_int_equal(105, m->dtmf_pt);
	assert_int_equal(2337, m->rtcp_port);
	assert_int_equal(LK_SDP_AF_IP4, m->rtcp_addr.af);
	assert_str("172.16.40.15", m->rtcp_addr.addr);

	m = &sdp.media[1];
	assert_str("video", m->type);
	assert_int_equal(2338, m->port);
	assert_int_equal(5, m->npt);
	assert_int_equal(97, m->pt[0]);
	assert_int_equal(31, m->pt[4]);
	assert_int_equal(-1, m->dtmf_pt);
	assert_int_equal(2339, m->rtcp_port);
	assert_int_equal(LK_SDP_DIR_SENDRECV, m->dir);

	m = &sdp.media[2];
	assert_int_equal(2340, m->port);
	assert_int_equal(0, m->rtcp_port);

	m = &sdp.media[3];
	assert_str("application", m->type);
	assert_int_equal(5070, m->port);
	assert_str("UDP/BFCP", m->proto);
	assert_false(m->rtp);
	assert_str("*", m->fmts);
	assert_int_equal(0, m->npt);
	assert_int_equal(LK_SDP_DIR_NONE, m->dir);
	free(t.p);
}

static void parses_ipv6_offer(void **state)
{
	struct lk_sdp sdp;
	struct text t;

	(void)state;
	parse_fixture(&sdp, &t, "baresip-ipv6-offer.sdp", true);
	assert_int_equal(LK_SDP_AF_IP6, sdp.origin.af);
	assert_str("2001:db8:10::21", sdp.origin.addr);
	assert_int_equal(LK_SDP_AF_IP6, sdp.conn.af);
	assert_str("2001:db8:10::21", sdp.conn.addr);
	assert_int_equal(2, sdp.nmedia);
	assert_int_equal(17882, sdp.media[0].port);
	assert_int_equal(9010, sdp.media[1].port);
	assert_int_equal(100, sdp.media[1].pt[0]);
	free(t.p);
}

static void parses_hold(void **state)
{
	struct lk_sdp sdp;
	struct text t;

	(void)state;
	parse_fixture(&sdp, &t, "cisco-hold-reoffer.sdp", false);
	assert_str("0.0.0.0", sdp.conn.addr);
	assert_true(sdp.conn.zero);
	assert_false(sdp.origin.zero);
	assert_int_equal(LK_SDP_DIR_SENDONLY, sdp.media[0].dir);
	assert_int_equal(LK_SDP_DIR_INACTIVE, lk_sdp_media_dir(&sdp, 1));
	assert_true(sdp.media[0].rtcp_addr.zero);
	assert_int_equal(2339, sdp.media[1].rtcp_port);
	assert_string_equal("sendonly", lk_sdp_dir_name(sdp.media[0].dir));
	free(t.p);
}

static void parses_rejected_streams(void **state)
{
	struct lk_sdp sdp;
	struct text t;

	(void)state;
	parse_fixture(&sdp, &t, "polycom-rejected-answer.sdp", false);
	assert_int_equal(4, sdp.nmedia);
	assert_int_equal(2222, sdp.media[0].port);
	assert_int_equal(0, sdp.media[1].port);
	assert_int_equal(0, sdp.media[2].port);
	assert_int_equal(0, sdp.media[3].port);
	assert_int_equal(LK_SDP_DIR_SENDRECV, sdp.dir);
	assert_int_equal(LK_SDP_DIR_SENDRECV, lk_sdp_media_dir(&sdp, 2));
	free(t.p);
}

static void parses_port_count_and_multicast(void **state)
{
	static const char s[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 pbx.lab.example\r\n"
		"s=-\r\n"
		"c=IN IP4 233.252.0.1/127/2\r\n"
		"t=0 0\r\n"
		"m=audio 49170/2 RTP/AVP 0 13\r\n"
		"a=rtpmap:13 CN/8000\r\n"
		"m=video 0 RTP/AVP\r\n";
	struct lk_sdp sdp;

	(void)state;
	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, s, strlen(s)));
	/* Host names in o= are legal and harmless: kept as written. */
	assert_str("pbx.lab.example", sdp.origin.addr);
	assert_str("233.252.0.1", sdp.conn.addr);
	assert_int_equal(49170, sdp.media[0].port);
	assert_int_equal(2, sdp.media[0].nports);
	assert_int_equal(13, sdp.media[0].cn_pt);
	/* Lenient: a rejected stream without formats. */
	assert_int_equal(0, sdp.media[1].port);
	assert_int_equal(0, sdp.media[1].fmts.len);
}

/* Sloppy but seen: trailing blanks, mixed line ends, no final line end,
 * trailing empty lines. */
static void parses_sloppy_endpoints(void **state)
{
	static const char nofinal[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1 \r\n"
		"s=-\n"
		"c=IN IP4 10.0.0.1\t\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0 8  \r\n"
		"a=sendonly ";
	static const char blanks[] =
		"v=0\r\ns=-\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n\r\n\r\n";
	struct lk_sdp sdp;

	(void)state;
	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, nofinal,
					 strlen(nofinal)));
	assert_int_equal(7, sdp.nlines);
	assert_str("10.0.0.1", sdp.origin.addr);
	assert_str("10.0.0.1", sdp.conn.addr);
	assert_str("0 8", sdp.media[0].fmts);
	assert_int_equal(2, sdp.media[0].npt);
	assert_int_equal(LK_SDP_DIR_SENDONLY, sdp.media[0].dir);

	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, blanks, strlen(blanks)));
	assert_int_equal(1, sdp.nmedia);
	assert_int_equal(6, sdp.nlines);
}

/* --- refusing malformed descriptions ---------------------------------- */

#define HEAD "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n"

static const struct {
	const char *sdp;
	size_t len;		/* 0: strlen */
	unsigned line;
} bad[] = {
	{"", 0, 1},
	{"\r\n", 0, 1},
	{"s=-\r\nv=0\r\n", 0, 1},
	{"\r\nv=0\r\n", 0, 1},
	{"v=1\r\n", 0, 1},
	{"v=0\r\nv=0\r\n", 0, 2},
	{"v=0\r\nhello\r\n", 0, 2},
	{"v=0\r\n=x\r\n", 0, 2},
	{"v=0\r\nS=x\r\n", 0, 2},
	{"v=0\r\ns\r\n", 0, 2},
	{"v=0\r\n s=-\r\n", 0, 2},
	{"v=0\r\n\r\ns=-\r\n", 0, 2},
	{"v=0\r\ns=a\0b\r\n", 12, 2},
	{"v=0\r\ns=-\r\nt=0 0\0", 16, 3},
	{"v=0\r\no=- 1 1 IN IP4\r\n", 0, 2},
	{"v=0\r\no=- 1 1 IN IPX 10.0.0.1\r\n", 0, 2},
	{HEAD "c=IN IP5 10.0.0.1\r\n", 0, 5},
	{HEAD "c=ATM NSAP 47.0005.80.ffe100.0000.f000.00\r\n", 0, 5},
	{HEAD "c=IN IP4\r\n", 0, 5},
	{HEAD "c=IN IP4 10.0.0\r\n", 0, 5},
	{HEAD "c=IN IP4 10.0.0.1.5\r\n", 0, 5},
	{HEAD "c=IN IP4 256.0.0.1\r\n", 0, 5},
	{HEAD "c=IN IP4 010.0.0.1\r\n", 0, 5},
	{HEAD "c=IN IP4 pbx.lab.example\r\n", 0, 5},
	{HEAD "c=IN IP4 10.0.0.1/x\r\n", 0, 5},
	{HEAD "c=IN IP6 2001:db8::g\r\n", 0, 5},
	{HEAD "c=IN IP6 10.0.0.1\r\n", 0, 5},
	{HEAD "m=audio 65536 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio 5x04 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio -1 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio +5004 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio 5004/0 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio 65534/2 RTP/AVP 0\r\n", 0, 5},
	{HEAD "m=audio\r\n", 0, 5},
	{HEAD "m=audio 5004\r\n", 0, 5},
	{HEAD "m=audio 5004 RTP/AVP\r\n", 0, 5},
	{HEAD "m=audio 5004 RTP/AVP PCMU\r\n", 0, 5},
	{HEAD "m=audio 5004 RTP/AVP 0 128\r\n", 0, 5},
	{HEAD "m=audio 5004 RTP/AVP 0\r\nc=IN IP4 1.2.3\r\n", 0, 6},
	{HEAD "m=audio 5004 RTP/AVP 0\r\na=rtcp:x\r\n", 0, 6},
	{HEAD "m=audio 5004 RTP/AVP 0\r\na=rtcp:0\r\n", 0, 6},
	{HEAD "m=audio 5004 RTP/AVP 0\r\na=rtcp:5005 IN IP4 1.2.3\r\n", 0, 6},
	{HEAD "m=audio 5004 RTP/AVP 0\r\na=rtcp:5005 IN IP7 ::1\r\n", 0, 6},
};

static void refuses_malformed(void **state)
{
	struct lk_sdp sdp, untouched;
	struct lk_sdp_error err;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		len = bad[i].len ? bad[i].len : strlen(bad[i].sdp);
		memset(&sdp, 0xa5, sizeof(sdp));
		memcpy(&untouched, &sdp, sizeof(sdp));
		err.line = 0;
		err.reason = NULL;
		if (lk_sdp_parse(&sdp, &err, bad[i].sdp, len) != EBADMSG)
			fail_msg("bad[%zu] was accepted", i);
		if (err.line != bad[i].line)
			fail_msg("bad[%zu]: line %u (%s), expected %u", i,
				 err.line, err.reason, bad[i].line);
		assert_non_null(err.reason);
		assert_true(strlen(err.reason) > 0);
		/* The out-parameter is written only on success. */
		assert_memory_equal(&untouched, &sdp, sizeof(sdp));
		/* No error report wanted: same answer. */
		assert_int_equal(EBADMSG, lk_sdp_parse(&sdp, NULL, bad[i].sdp,
						       len));
	}
}

static void refuses_more_media_than_the_limit(void **state)
{
	char buf[2048];
	struct lk_sdp sdp;
	struct lk_sdp_error err = {0};
	size_t len;
	int i;

	(void)state;
	len = (size_t)snprintf(buf, sizeof(buf), "%s", HEAD);
	for (i = 0; i < LK_SDP_MAX_MEDIA; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					"m=audio %d RTP/AVP 0\r\n",
					5000 + 2 * i);
	assert_int_equal(0, lk_sdp_parse(&sdp, &err, buf, len));
	assert_int_equal(LK_SDP_MAX_MEDIA, sdp.nmedia);

	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
				"m=video 6000 RTP/AVP 96\r\n");
	assert_int_equal(EBADMSG, lk_sdp_parse(&sdp, &err, buf, len));
	assert_int_equal(4 + LK_SDP_MAX_MEDIA + 1, err.line);
	assert_non_null(strstr(err.reason, "16"));
}

static void error_report_only_on_failure(void **state)
{
	static const char s[] = "v=0\r\ns=-\r\n";
	struct lk_sdp_error err = {77, "untouched"};
	struct lk_sdp sdp;

	(void)state;
	assert_int_equal(0, lk_sdp_parse(&sdp, &err, s, strlen(s)));
	assert_int_equal(77, err.line);
	assert_int_equal(EINVAL, lk_sdp_parse(NULL, &err, s, strlen(s)));
	assert_int_equal(EINVAL, lk_sdp_parse(&sdp, &err, NULL, 3));
}

/* --- rewriting the fixtures ------------------------------------------- */

static void rewrites_baresip_offer(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 192.168.56.21", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 10292 RTP/AVP 0 8 101",
		 "m=audio 40000 RTP/AVP 0 8 101", 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_fixture("baresip-offer.sdp", &plan, edits, NEDITS(edits));

	/* rtcp-mux offered already: "offer" adds nothing. */
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	check_fixture("baresip-offer.sdp", &plan, edits, NEDITS(edits));
}

static void rewrites_baresip_to_ipv6_and_demuxes(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "o=- 2890844526 1340627931 IN IP4 192.168.56.21",
		 "o=- 2890844526 1340627931 IN IP6 " RELAY6, 0},
		{REPLACE, "c=IN IP4 192.168.56.21", "c=IN IP6 " RELAY6, 0},
		{REPLACE, "m=audio 10292 RTP/AVP 0 8 101",
		 "m=audio 40000 RTP/AVP 0 8 101", 0},
		{DELETE, "a=rtcp-mux", NULL, 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY6, LK_SDP_AF_IP6);
	plan.replace_origin = true;
	plan.rtcp_mux = LK_SDP_MUX_DEMUX;
	check_fixture("baresip-offer.sdp", &plan, edits, NEDITS(edits));
}

static void adds_rtcp_when_not_rtp_plus_one(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 192.168.56.21", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 10292 RTP/AVP 0 8 101",
		 "m=audio 40000 RTP/AVP 0 8 101", 0},
		{ADD_AFTER, "a=ptime:20", "a=rtcp:40011", 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[0].rtcp_port = 40011;
	check_fixture("baresip-offer.sdp", &plan, edits, NEDITS(edits));

	/* RTP + 1 given explicitly: RFC 3550's default, nothing added. */
	plan.media[0].rtcp_port = 40001;
	check_fixture("baresip-offer.sdp", &plan, edits, 2);
}

static void rewrites_linphone_and_strips_ice(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 10.20.30.41", "c=IN IP4 " RELAY4, 0},
		{DELETE, "a=ice-pwd:c1f7e6a5b3d97e2f0c8b4a11", NULL, 0},
		{DELETE, "a=ice-ufrag:5b9e0f3c", NULL, 0},
		{REPLACE, "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
		 "m=audio 40000 RTP/AVP 96 97 98 0 8 18 101 99 100", 0},
		{REPLACE, "a=rtcp:7079", "a=rtcp:40001", 0},
		{DELETE, "a=candidate:1 1 UDP 2130706303 10.20.30.41 7078 "
			 "typ host", NULL, 0},
		{DELETE, "a=candidate:1 2 UDP 2130706302 10.20.30.41 7079 "
			 "typ host", NULL, 0},
		{DELETE, "a=candidate:2 1 UDP 1694498687 198.51.100.41 31524 "
			 "typ srflx raddr 10.20.30.41 rport 7078", NULL, 0},
		{DELETE, "a=candidate:2 2 UDP 1694498686 198.51.100.41 31525 "
			 "typ srflx raddr 10.20.30.41 rport 7079", NULL, 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_fixture("linphone-offer.sdp", &plan, edits, NEDITS(edits));
}

static void keeps_ice_when_told_and_offers_mux(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 10.20.30.41", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
		 "m=audio 40000 RTP/AVP 96 97 98 0 8 18 101 99 100", 0},
		{REPLACE, "a=rtcp:7079", "a=rtcp:40001", 0},
		{ADD_AFTER, "a=rtcp-fb:* ccm tmmbr", "a=rtcp-mux", 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.ice = LK_SDP_ICE_KEEP;
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	check_fixture("linphone-offer.sdp", &plan, edits, NEDITS(edits));
}

#define CISCO_AUDIO "m=audio 2336 RTP/AVP 100 101 102 103 104 9 15 0 8 105"
#define CISCO_AUDIO_R "m=audio 40000 RTP/AVP 100 101 102 103 104 9 15 0 8 105"
#define CISCO_MAIN "m=video 2338 RTP/AVP 97 98 99 34 31"
#define CISCO_MAIN_R "m=video 40002 RTP/AVP 97 98 99 34 31"
#define CISCO_SLIDES "m=video 2340 RTP/AVP 97 98 99 34 31"
#define CISCO_SLIDES_R "m=video 40004 RTP/AVP 97 98 99 34 31"
#define CISCO_BFCP "m=application 5070 UDP/BFCP *"
#define CISCO_BFCP_R "m=application 40006 UDP/BFCP *"
#define CISCO_RTCP_A "a=rtcp:2337 IN IP4 172.16.40.15"
#define CISCO_RTCP_V "a=rtcp:2339 IN IP4 172.16.40.15"

static void rewrites_cisco_audio_video_bfcp(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 172.16.40.15", "c=IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_AUDIO, CISCO_AUDIO_R, 0},
		{REPLACE, CISCO_RTCP_A, "a=rtcp:40001 IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_MAIN, CISCO_MAIN_R, 0},
		{REPLACE, CISCO_RTCP_V, "a=rtcp:40003 IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_SLIDES, CISCO_SLIDES_R, 0},
		{REPLACE, CISCO_BFCP, CISCO_BFCP_R, 0},
	};
	struct lk_sdp_plan plan;
	unsigned i;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_fixture("cisco-video-offer.sdp", &plan, edits, NEDITS(edits));

	/* Every stream given the plan's address explicitly: the single
	 * session-level c= structure stays. */
	for (i = 0; i < 4; i++) {
		plan.media[i].addr = RELAY4;
		plan.media[i].af = LK_SDP_AF_IP4;
	}
	check_fixture("cisco-video-offer.sdp", &plan, edits, NEDITS(edits));
}

static void rewrites_cisco_to_ipv6(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 172.16.40.15", "c=IN IP6 " RELAY6, 0},
		{REPLACE, CISCO_AUDIO, CISCO_AUDIO_R, 0},
		{REPLACE, CISCO_RTCP_A, "a=rtcp:40001 IN IP6 " RELAY6, 0},
		{REPLACE, CISCO_MAIN, CISCO_MAIN_R, 0},
		{REPLACE, CISCO_RTCP_V, "a=rtcp:40003 IN IP6 " RELAY6, 0},
		{REPLACE, CISCO_SLIDES, CISCO_SLIDES_R, 0},
		{REPLACE, CISCO_BFCP, CISCO_BFCP_R, 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY6, LK_SDP_AF_IP6);
	check_fixture("cisco-video-offer.sdp", &plan, edits, NEDITS(edits));
}

static void offers_mux_only_on_rtp_sections(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 172.16.40.15", "c=IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_AUDIO, CISCO_AUDIO_R, 0},
		{REPLACE, CISCO_RTCP_A, "a=rtcp:41001 IN IP4 " RELAY4, 0},
		{ADD_AFTER, CISCO_RTCP_A, "a=rtcp-mux", 0},
		{REPLACE, CISCO_MAIN, CISCO_MAIN_R, 0},
		{REPLACE, CISCO_RTCP_V, "a=rtcp:40003 IN IP4 " RELAY4, 0},
		{ADD_AFTER, CISCO_RTCP_V, "a=rtcp-mux", 0},
		{REPLACE, CISCO_SLIDES, CISCO_SLIDES_R, 0},
		/* The slides stream has no a=rtcp: and its RTCP port is not
		 * RTP + 1: RFC 3605 s.2.1 wants one. */
		{ADD_AFTER, "a=label:12", "a=rtcp:41005", 0},
		{ADD_AFTER, "a=label:12", "a=rtcp-mux", 0},
		{REPLACE, CISCO_BFCP, CISCO_BFCP_R, 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	plan.media[0].rtcp_port = 41001;
	plan.media[2].rtcp_port = 41005;
	plan.media[3].rtcp_port = 41007;	/* BFCP: no RTCP, ignored */
	check_fixture("cisco-video-offer.sdp", &plan, edits, NEDITS(edits));
}

static void gives_a_stream_its_own_address(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 172.16.40.15", "c=IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_AUDIO, CISCO_AUDIO_R, 0},
		{REPLACE, CISCO_RTCP_A, "a=rtcp:40001 IN IP4 " RELAY4, 0},
		{REPLACE, CISCO_MAIN, CISCO_MAIN_R, 0},
		{ADD_AFTER, CISCO_MAIN, "c=IN IP6 2001:db8::77", 0},
		{REPLACE, CISCO_RTCP_V, "a=rtcp:40003 IN IP6 2001:db8::77", 0},
		{REPLACE, CISCO_SLIDES, CISCO_SLIDES_R, 0},
		{REPLACE, CISCO_BFCP, CISCO_BFCP_R, 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[1].addr = "2001:db8::77";
	plan.media[1].af = LK_SDP_AF_IP6;
	check_fixture("cisco-video-offer.sdp", &plan, edits, NEDITS(edits));
}

static void rewrites_ipv6_offer_to_ipv4(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "o=- 3921544587 2248516719 IN IP6 2001:db8:10::21",
		 "o=- 3921544587 2248516719 IN IP4 " RELAY4, 0},
		{REPLACE, "c=IN IP6 2001:db8:10::21", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 17882 RTP/AVP 96 0 8 101",
		 "m=audio 40000 RTP/AVP 96 0 8 101", 0},
		{REPLACE, "m=video 9010 RTP/AVP 100",
		 "m=video 40002 RTP/AVP 100", 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.replace_origin = true;
	check_fixture("baresip-ipv6-offer.sdp", &plan, edits, NEDITS(edits));
}

static void keeps_hold_address_unless_told(void **state)
{
	static const struct edit kept[] = {
		{REPLACE, "m=audio 2336 RTP/AVP 9 0 8 105",
		 "m=audio 40000 RTP/AVP 9 0 8 105", 0},
		{REPLACE, "a=rtcp:2337 IN IP4 0.0.0.0",
		 "a=rtcp:40001 IN IP4 0.0.0.0", 0},
		{REPLACE, "m=video 2338 RTP/AVP 97", "m=video 40002 RTP/AVP 97",
		 0},
		{REPLACE, "a=rtcp:2339", "a=rtcp:40003", 0},
	};
	static const struct edit replaced[] = {
		{REPLACE, "c=IN IP4 0.0.0.0", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 2336 RTP/AVP 9 0 8 105",
		 "m=audio 40000 RTP/AVP 9 0 8 105", 0},
		{REPLACE, "a=rtcp:2337 IN IP4 0.0.0.0",
		 "a=rtcp:40001 IN IP4 " RELAY4, 0},
		{REPLACE, "m=video 2338 RTP/AVP 97", "m=video 40002 RTP/AVP 97",
		 0},
		{REPLACE, "a=rtcp:2339", "a=rtcp:40003", 0},
	};
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_fixture("cisco-hold-reoffer.sdp", &plan, kept, NEDITS(kept));
	plan.replace_zero = true;
	check_fixture("cisco-hold-reoffer.sdp", &plan, replaced,
		      NEDITS(replaced));
}

static void leaves_rejected_streams_alone(void **state)
{
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 172.16.20.31", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 2222 RTP/AVP 9 105",
		 "m=audio 40000 RTP/AVP 9 105", 0},
		{ADD_AFTER, "a=fmtp:105 0-15", "a=rtcp:41001", 0},
		{ADD_AFTER, "a=fmtp:105 0-15", "a=rtcp-mux", 0},
	};
	struct lk_sdp_plan plan;
	unsigned i;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	for (i = 0; i < 4; i++)
		plan.media[i].rtcp_port = (uint16_t)(41001 + 2 * i);
	/* No ports for rejected streams: none needed. */
	for (i = 1; i < 4; i++)
		plan.media[i].rtp_port = 0;
	check_fixture("polycom-rejected-answer.sdp", &plan, edits,
		      NEDITS(edits));
}

/* --- rewriting the shapes the fixtures do not have -------------------- */

static void rewrites_media_level_connections(void **state)
{
	static const char s[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0\r\n"
		"c=IN IP4 10.0.0.1\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"m=video 5006 RTP/AVP 96\r\n"
		"i=main camera\r\n"
		"c=IN IP6 2001:db8::2\r\n"
		"a=rtpmap:96 H264/90000\r\n";
	static const struct edit edits[] = {
		{REPLACE, "m=audio 5004 RTP/AVP 0", "m=audio 40000 RTP/AVP 0",
		 0},
		{REPLACE, "c=IN IP4 10.0.0.1", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=video 5006 RTP/AVP 96", "m=video 40002 RTP/AVP 96",
		 0},
		{REPLACE, "c=IN IP6 2001:db8::2", "c=IN IP4 " RELAY4, 0},
	};
	struct lk_sdp_plan plan;
	struct text t = literal(s);

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_rewrite(&t, &plan, edits, NEDITS(edits));
	/* No session-level c=: "session-connection" has nothing to do. */
	plan.replace_session_conn = true;
	check_rewrite(&t, &plan, edits, NEDITS(edits));
	free(t.p);
}

static void session_connection_flag(void **state)
{
	static const char s[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1\r\n"
		"s=-\r\n"
		"c=IN IP4 10.0.0.1\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0\r\n"
		"c=IN IP4 10.0.0.3\r\n";
	static const struct edit kept[] = {
		{REPLACE, "m=audio 5004 RTP/AVP 0", "m=audio 40000 RTP/AVP 0",
		 0},
		{REPLACE, "c=IN IP4 10.0.0.3", "c=IN IP4 " RELAY4, 0},
	};
	static const struct edit replaced[] = {
		{REPLACE, "c=IN IP4 10.0.0.1", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 5004 RTP/AVP 0", "m=audio 40000 RTP/AVP 0",
		 0},
		{REPLACE, "c=IN IP4 10.0.0.3", "c=IN IP4 " RELAY4, 0},
	};
	struct lk_sdp_plan plan;
	struct text t = literal(s);

	(void)state;
	/* Every stream has its own c=: the session-level one is ng's
	 * "session-connection" to replace, or not. */
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_rewrite(&t, &plan, kept, NEDITS(kept));
	plan.replace_session_conn = true;
	check_rewrite(&t, &plan, replaced, NEDITS(replaced));
	free(t.p);
}

static void adds_connection_where_none_applies(void **state)
{
	static const char s[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0\r\n"
		"i=voice\r\n"
		"a=rtpmap:0 PCMU/8000\r\n"
		"m=video 0 RTP/AVP 96\r\n"
		"m=audio 5008 RTP/AVP 8\r\n";
	static const struct edit edits[] = {
		{REPLACE, "m=audio 5004 RTP/AVP 0", "m=audio 40000 RTP/AVP 0",
		 0},
		{ADD_AFTER, "i=voice", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 5008 RTP/AVP 8", "m=audio 40004 RTP/AVP 8",
		 0},
		{ADD_AFTER, "m=audio 5008 RTP/AVP 8", "c=IN IP4 " RELAY4, 0},
	};
	struct lk_sdp_plan plan;
	struct text t = literal(s);

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_rewrite(&t, &plan, edits, NEDITS(edits));
	free(t.p);
}

static void keeps_port_count(void **state)
{
	static const char s[] =
		"v=0\n"
		"o=- 1 1 IN IP4 10.0.0.1\n"
		"s=-\n"
		"c=IN IP4 10.0.0.1\n"
		"t=0 0\n"
		"m=audio 49170/2 RTP/AVP 0\n";
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 10.0.0.1", "c=IN IP4 " RELAY4, 0},
		{REPLACE, "m=audio 49170/2 RTP/AVP 0",
		 "m=audio 40000/2 RTP/AVP 0", 0},
	};
	struct lk_sdp_plan plan;
	struct text t = literal(s);
	struct lk_sdp sdp;
	size_t len;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_rewrite(&t, &plan, edits, NEDITS(edits));

	/* Two pairs from 65534 do not fit under 65535. */
	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, t.p, t.len));
	plan.media[0].rtp_port = 65534;
	assert_int_equal(EINVAL, lk_sdp_rewrite(NULL, 0, &len, &sdp, &plan));
	free(t.p);
}

static void strips_every_ice_attribute(void **state)
{
	static const char s[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1\r\n"
		"s=-\r\n"
		"c=IN IP4 10.0.0.1\r\n"
		"t=0 0\r\n"
		"a=ice-lite\r\n"
		"a=ice-options:trickle\r\n"
		"m=audio 5004 UDP/TLS/RTP/SAVPF 111\r\n"
		"a=ice-ufrag:8hhY\r\n"
		"a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
		"a=candidate:1 1 udp 2130706431 10.0.0.1 5004 typ host\r\n"
		"a=end-of-candidates\r\n"
		"a=remote-candidates:1 10.0.0.9 6000\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=rtcp-mux\r\n";
	static const struct edit edits[] = {
		{REPLACE, "c=IN IP4 10.0.0.1", "c=IN IP4 " RELAY4, 0},
		{DELETE, "a=ice-lite", NULL, 0},
		{DELETE, "a=ice-options:trickle", NULL, 0},
		{REPLACE, "m=audio 5004 UDP/TLS/RTP/SAVPF 111",
		 "m=audio 40000 UDP/TLS/RTP/SAVPF 111", 0},
		{DELETE, "a=ice-ufrag:8hhY", NULL, 0},
		{DELETE, "a=ice-pwd:asd88fgpdd777uzjYhagZg", NULL, 0},
		{DELETE, "a=candidate:1 1 udp 2130706431 10.0.0.1 5004 "
			 "typ host", NULL, 0},
		{DELETE, "a=end-of-candidates", NULL, 0},
		{DELETE, "a=remote-candidates:1 10.0.0.9 6000", NULL, 0},
	};
	struct lk_sdp_plan plan;
	struct text t = literal(s);
	struct lk_sdp sdp;

	(void)state;
	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, t.p, t.len));
	assert_true(sdp.ice);
	assert_true(sdp.media[0].ice);
	assert_true(sdp.media[0].rtp);
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	check_rewrite(&t, &plan, edits, NEDITS(edits));
	free(t.p);
}

static void expect_output(const char *in, const struct lk_sdp_plan *plan,
			  const char *want)
{
	struct lk_sdp sdp;
	char out[1024];
	size_t len = 0;

	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, in, strlen(in)));
	assert_int_equal(0, lk_sdp_rewrite(out, sizeof(out), &len, &sdp, plan));
	if (len != strlen(want) || memcmp(out, want, len)) {
		print_text("got", out, len);
		print_text("want", want, strlen(want));
		fail();
	}
	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, out, len));
}

/*
 * SRTP termination (docs/srtp.md): the m= proto changes, the sender's
 * a=crypto lines go and the relay's are added at the section's end; a
 * section without these plan fields keeps its crypto lines.
 */
static void swaps_proto_and_crypto_lines(void **state)
{
	static const char in[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.1\r\n"
		"s=-\r\n"
		"c=IN IP4 192.0.2.1\r\n"
		"t=0 0\r\n"
		"m=audio 4000 RTP/SAVP 0 8\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"
		"a=sendrecv\r\n"
		"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:BBBB\r\n"
		"m=video 4002 RTP/SAVPF 96\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:CCCC\r\n";
	static const char want[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.0.2.1\r\n"
		"s=-\r\n"
		"c=IN IP4 203.0.113.10\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/AVP 0 8\r\n"
		"a=sendrecv\r\n"
		"a=crypto:9 X inline:RELAY\r\n"
		"m=video 40002 RTP/SAVPF 96\r\n"
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:CCCC\r\n";
	struct lk_sdp_plan plan;
	struct lk_sdp sdp;

	assert_int_equal(0, lk_sdp_parse(&sdp, NULL, in, strlen(in)));
	assert_int_equal(2, sdp.media[0].ncrypto);
	assert_int_equal(0, strncmp(sdp.media[0].crypto[1].p,
				    "2 AES_CM_128_HMAC_SHA1_32 inline:BBBB",
				    sdp.media[0].crypto[1].len));
	assert_int_equal(1, sdp.media[1].ncrypto);
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[0].proto = "RTP/AVP";
	plan.media[0].strip_crypto = true;
	plan.media[0].nlines = 1;
	plan.media[0].lines[0] = "a=crypto:9 X inline:RELAY";
	expect_output(in, &plan, want);
}

/* Each line keeps its own end; a line only gets one when something is
 * added after the last line, which had none. */
static void keeps_sloppy_lines(void **state)
{
	static const char in[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1 \r\n"
		"s=-\n"
		"c=IN IP4 10.0.0.1\t\r\n"
		"t=0 0\r\n"
		"m=audio 5004 RTP/AVP 0 8  \r\n"
		"a=rtpmap:0 PCMU/8000 ";
	static const char plain[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 10.0.0.1 \r\n"
		"s=-\n"
		"c=IN IP4 " RELAY4 "\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/AVP 0 8  \r\n"
		"a=rtpmap:0 PCMU/8000 ";
	static const char muxed[] =
		"v=0\r\n"
		"o=- 1 1 IN IP6 " RELAY6 " \r\n"
		"s=-\n"
		"c=IN IP6 " RELAY6 "\r\n"
		"t=0 0\r\n"
		"m=audio 40000 RTP/AVP 0 8  \r\n"
		"a=rtpmap:0 PCMU/8000 \r\n"
		"a=rtcp-mux\r\n";
	static const char blanks_in[] =
		"v=0\n"
		"c=IN IP4 10.0.0.1\n"
		"m=audio 5004 RTP/AVP 0\n"
		"\n"
		"\n";
	static const char blanks_out[] =
		"v=0\n"
		"c=IN IP4 " RELAY4 "\n"
		"m=audio 40000 RTP/AVP 0\n"
		"a=rtcp:40009\n"
		"\n"
		"\n";
	struct lk_sdp_plan plan;

	(void)state;
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	expect_output(in, &plan, plain);

	plan_init(&plan, RELAY6, LK_SDP_AF_IP6);
	plan.replace_origin = true;
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	expect_output(in, &plan, muxed);

	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[0].rtcp_port = 40009;
	expect_output(blanks_in, &plan, blanks_out);
}

/* --- the output buffer ------------------------------------------------ */

static void small_buffers_give_enospc(void **state)
{
	static const char *const names[] = {
		"baresip-offer.sdp", "linphone-offer.sdp",
		"cisco-video-offer.sdp", "baresip-ipv6-offer.sdp",
		"cisco-hold-reoffer.sdp", "polycom-rejected-answer.sdp",
	};
	struct lk_sdp_plan plan;
	struct lk_sdp sdp;
	struct text t;
	size_t i, need, size, len;
	char *buf;

	(void)state;
	plan_init(&plan, RELAY6, LK_SDP_AF_IP6);
	plan.replace_origin = true;
	plan.replace_session_conn = true;
	plan.replace_zero = true;
	plan.rtcp_mux = LK_SDP_MUX_OFFER;
	for (i = 0; i < LK_SDP_MAX_MEDIA; i++)
		plan.media[i].rtcp_port = (uint16_t)(50001 + 2 * i);

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		parse_fixture(&sdp, &t, names[i], false);
		assert_int_equal(0, lk_sdp_rewrite(NULL, 0, &need, &sdp,
						   &plan));
		/* Exactly `size` bytes from the heap: ASan sees any write
		 * past the end. */
		for (size = 0; size < need; size++) {
			buf = malloc(size);
			assert_true(buf || !size);
			len = 12345;
			if (lk_sdp_rewrite(buf, size, &len, &sdp, &plan) !=
			    ENOSPC)
				fail_msg("%s: size %zu of %zu not ENOSPC",
					 names[i], size, need);
			assert_int_equal(12345, len);
			free(buf);
		}
		buf = malloc(need);
		assert_non_null(buf);
		assert_int_equal(0, lk_sdp_rewrite(buf, need, &len, &sdp,
						   &plan));
		assert_int_equal(need, len);
		free(buf);
		free(t.p);
	}
}

static void refuses_bad_plans(void **state)
{
	struct lk_sdp_plan plan;
	struct lk_sdp sdp;
	struct text t;
	char out[4096];
	size_t len = 7;

	(void)state;
	parse_fixture(&sdp, &t, "cisco-video-offer.sdp", false);

	plan_init(&plan, "relay.lab.example", LK_SDP_AF_IP4);
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan_init(&plan, RELAY6, LK_SDP_AF_IP4);
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan_init(&plan, RELAY4, LK_SDP_AF_NONE);
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan_init(&plan, NULL, LK_SDP_AF_IP4);
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[2].addr = "10.0.0";
	plan.media[2].af = LK_SDP_AF_IP4;
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	/* An active stream needs a port; a rejected one does not. */
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[3].rtp_port = 0;
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan_init(&plan, RELAY4, LK_SDP_AF_IP4);
	plan.media[0].rtp_port = 65535;
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						&plan));
	plan.media[0].rtcp_port = 65534;
	assert_int_equal(0, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
					   &plan));

	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), NULL, &sdp,
						&plan));
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, NULL,
						&plan));
	assert_int_equal(EINVAL, lk_sdp_rewrite(out, sizeof(out), &len, &sdp,
						NULL));
	free(t.p);
}

static void names_directions(void **state)
{
	(void)state;
	assert_string_equal("sendrecv", lk_sdp_dir_name(LK_SDP_DIR_SENDRECV));
	assert_string_equal("recvonly", lk_sdp_dir_name(LK_SDP_DIR_RECVONLY));
	assert_string_equal("inactive", lk_sdp_dir_name(LK_SDP_DIR_INACTIVE));
	assert_string_equal("", lk_sdp_dir_name(LK_SDP_DIR_NONE));
	assert_string_equal("", lk_sdp_dir_name((enum lk_sdp_dir)42));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_baresip_offer),
		cmocka_unit_test(parses_linphone_offer),
		cmocka_unit_test(parses_cisco_video_offer),
		cmocka_unit_test(parses_ipv6_offer),
		cmocka_unit_test(parses_hold),
		cmocka_unit_test(parses_rejected_streams),
		cmocka_unit_test(parses_port_count_and_multicast),
		cmocka_unit_test(parses_sloppy_endpoints),
		cmocka_unit_test(refuses_malformed),
		cmocka_unit_test(refuses_more_media_than_the_limit),
		cmocka_unit_test(error_report_only_on_failure),
		cmocka_unit_test(rewrites_baresip_offer),
		cmocka_unit_test(rewrites_baresip_to_ipv6_and_demuxes),
		cmocka_unit_test(adds_rtcp_when_not_rtp_plus_one),
		cmocka_unit_test(rewrites_linphone_and_strips_ice),
		cmocka_unit_test(keeps_ice_when_told_and_offers_mux),
		cmocka_unit_test(rewrites_cisco_audio_video_bfcp),
		cmocka_unit_test(rewrites_cisco_to_ipv6),
		cmocka_unit_test(offers_mux_only_on_rtp_sections),
		cmocka_unit_test(gives_a_stream_its_own_address),
		cmocka_unit_test(rewrites_ipv6_offer_to_ipv4),
		cmocka_unit_test(keeps_hold_address_unless_told),
		cmocka_unit_test(leaves_rejected_streams_alone),
		cmocka_unit_test(rewrites_media_level_connections),
		cmocka_unit_test(session_connection_flag),
		cmocka_unit_test(adds_connection_where_none_applies),
		cmocka_unit_test(keeps_port_count),
		cmocka_unit_test(strips_every_ice_attribute),
		cmocka_unit_test(keeps_sloppy_lines),
		cmocka_unit_test(small_buffers_give_enospc),
		cmocka_unit_test(swaps_proto_and_crypto_lines),
		cmocka_unit_test(refuses_bad_plans),
		cmocka_unit_test(names_directions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
