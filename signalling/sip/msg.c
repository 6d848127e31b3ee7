/* signalling/sip/msg.c  SIP message decoding, latchkey's own checks, replies. */
/*
 * Owns nothing beyond what it returns: decoded messages and built
 * requests/replies are libre mem objects that the caller releases with
 * mem_deref().
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <re.h>

#include "sip/msg.h"

#ifndef LK_VERSION
#define LK_VERSION "0.1.0"
#endif

/*
 * libre's decoder refuses a top Via without a branch, which leaves no
 * message to answer.  RFC 3261 s.8.1.1.7 makes the branch mandatory, so
 * the request deserves a 400 that names it: the Via is given a marker
 * branch, which lk_sipmsg_check() reports and lk_sipmsg_reply() leaves
 * out again.  Returns the offset to insert ";branch=..." at, or 0.
 */
static size_t nobranch_at(const uint8_t *p, size_t n)
{
	size_t i = 0, eol, end;

	while (i < n) {
		const uint8_t *nl = memchr(p + i, '\n', n - i);

		eol = nl ? (size_t)(nl - p) : n;
		if (eol == i || (eol == i + 1 && p[i] == '\r'))
			return 0;	/* end of the headers */
		if ((eol - i > 4 && !strncasecmp((const char *)p + i, "via:", 4)) ||
		    (eol - i > 2 && !strncasecmp((const char *)p + i, "v:", 2))) {
			end = i;
			while (end < eol && p[end] != ',' && p[end] != '\r')
				++end;
			if (memmem(p + i, end - i, "branch=", 7) ||
			    memmem(p + i, end - i, "BRANCH=", 7))
				return 0;
			return end;
		}
		i = eol + 1;
	}

	return 0;
}

static int decode_copy(struct sip_msg **msgp, const uint8_t *p, size_t n,
		       size_t ins)
{
	static const char mark[] = ";branch=" LK_SIPMSG_NOBRANCH;
	struct sip_msg *msg = NULL;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(n + sizeof(mark));
	if (!mb)
		return ENOMEM;
	if (ins) {
		err = mbuf_write_mem(mb, p, ins);
		err |= mbuf_write_str(mb, mark);
		err |= mbuf_write_mem(mb, p + ins, n - ins);
	}
	else {
		err = mbuf_write_mem(mb, p, n);
	}
	if (err) {
		mem_deref(mb);
		return ENOMEM;
	}
	mb->pos = 0;
	err = sip_msg_decode(&msg, mb);
	mem_deref(mb);		/* the message holds its own reference */
	if (err)
		return err == ENOMEM ? ENOMEM : EBADMSG;
	*msgp = msg;

	return 0;
}

int lk_sipmsg_decode(struct sip_msg **msgp, const uint8_t *p, size_t n)
{
	size_t ins;
	int err;

	if (!msgp || (!p && n))
		return EINVAL;
	err = decode_copy(msgp, p, n, 0);
	if (err != EBADMSG)
		return err;
	ins = nobranch_at(p, n);
	if (!ins)
		return err;

	return decode_copy(msgp, p, n, ins);
}

static bool has_hdr(const struct sip_msg *msg, enum sip_hdrid id)
{
	return sip_msg_hdr(msg, id) != NULL;
}

/* 1 to 9 decimal digits: Max-Forwards is 1*DIGIT (RFC 3261 s.20.22). */
static bool digits_only(const struct pl *pl)
{
	size_t i;

	if (!pl->l || pl->l > 9)
		return false;
	for (i = 0; i < pl->l; i++) {
		if (!isdigit((unsigned char)pl->p[i]))
			return false;
	}

	return true;
}

static void verdict(struct lk_sipverdict *v, uint16_t scode, bool reply,
		    const char *reason)
{
	v->scode = scode;
	v->reply = reply;
	v->reason = reason;
}

void lk_sipmsg_check(struct lk_sipverdict *v, const struct sip_msg *msg,
		     bool datagram)
{
	const struct sip_hdr *h;
	size_t body;

	verdict(v, 0, true, "ok");
	if (!pl_isset(&msg->via.sentby) || !has_hdr(msg, SIP_HDR_VIA)) {
		verdict(v, 400, false, "no usable Via header");
		return;
	}
	if (!msg->req) {
		if (!has_hdr(msg, SIP_HDR_CSEQ) || !pl_isset(&msg->callid))
			verdict(v, 400, false, "response without CSeq or "
				"Call-ID");
		return;
	}
	if (!pl_isset(&msg->via.branch) ||
	    !pl_strcmp(&msg->via.branch, LK_SIPMSG_NOBRANCH)) {
		verdict(v, 400, true, "Missing branch parameter in Via");
		return;
	}
	if (!has_hdr(msg, SIP_HDR_FROM)) {
		verdict(v, 400, true, "Missing From header");
		return;
	}
	if (!has_hdr(msg, SIP_HDR_TO)) {
		verdict(v, 400, true, "Missing To header");
		return;
	}
	if (!pl_isset(&msg->callid)) {
		verdict(v, 400, true, "Missing Call-ID header");
		return;
	}
	if (!has_hdr(msg, SIP_HDR_CSEQ) || !pl_isset(&msg->cseq.met)) {
		verdict(v, 400, true, "Missing or bad CSeq header");
		return;
	}
	if (pl_cmp(&msg->cseq.met, &msg->met)) {
		verdict(v, 400, true, "CSeq method does not match the request");
		return;
	}
	h = sip_msg_hdr(msg, SIP_HDR_MAX_FORWARDS);
	if (!h) {
		verdict(v, 400, true, "Missing Max-Forwards header");
		return;
	}
	if (!digits_only(&h->val)) {
		verdict(v, 400, true, "Bad Max-Forwards header");
		return;
	}
	if (pl_u32(&h->val) == 0) {
		verdict(v, 483, true, "Too Many Hops");
		return;
	}
	body = msg->mb ? mbuf_get_left(msg->mb) : 0;
	if (datagram && pl_isset(&msg->clen) && pl_u32(&msg->clen) > body) {
		verdict(v, 400, true, "Content-Length larger than the datagram");
		return;
	}
}

/* The top Via again, with received= and rport=, RFC 3581 s.4. */
static int print_top_via(struct mbuf *mb, const struct pl *val,
			 const struct sip_msg *req, const struct sa *src)
{
	const char *p = val->p, *end = val->p + val->l, *semi;
	bool rport = false;
	int err;

	semi = memchr(p, ';', val->l);
	if (!semi)
		semi = end;
	err = mbuf_printf(mb, "Via: %b", p, (size_t)(semi - p));
	p = semi;
	while (!err && p < end) {
		const char *next = memchr(p + 1, ';', (size_t)(end - p - 1));
		struct pl param, name;

		if (!next)
			next = end;
		param.p = p + 1;
		param.l = (size_t)(next - p - 1);
		name = param;
		while (name.l && (isspace((unsigned char)name.p[0])))
			pl_advance(&name, 1);
		{
			const char *eq = memchr(name.p, '=', name.l);

			if (eq)
				name.l = (size_t)(eq - name.p);
			while (name.l && isspace((unsigned char)
						  name.p[name.l - 1]))
				--name.l;
		}
		if (!pl_strcasecmp(&name, "rport"))
			rport = true;
		else if (!pl_strcasecmp(&name, "branch") &&
			 param.l >= sizeof(LK_SIPMSG_NOBRANCH) - 1 &&
			 !memcmp(param.p + param.l - (sizeof(LK_SIPMSG_NOBRANCH)
				 - 1), LK_SIPMSG_NOBRANCH,
				 sizeof(LK_SIPMSG_NOBRANCH) - 1))
			;	/* our marker: not the client's */
		else if (pl_strcasecmp(&name, "received"))
			err = mbuf_printf(mb, ";%r", &param);
		p = next;
	}
	if (err || !src || !sa_isset(src, SA_ADDR))
		return err ? err : mbuf_write_str(mb, "\r\n");
	/*
	 * received: when rport was asked for, or the sent-by host is not the
	 * address the request came from (RFC 3261 s.18.2.1).
	 */
	if (rport || !sa_isset(&req->via.addr, SA_ADDR) ||
	    !sa_cmp(&req->via.addr, src, SA_ADDR))
		err = mbuf_printf(mb, ";received=%j", src);
	if (!err && rport)
		err = mbuf_printf(mb, ";rport=%u", sa_port(src));
	if (!err)
		err = mbuf_write_str(mb, "\r\n");

	return err;
}

struct via_print {
	struct mbuf *mb;
	const struct sip_msg *req;
	const struct sa *src;
	bool first;
	int err;
};

static bool via_handler(const struct sip_hdr *hdr, const struct sip_msg *msg,
			void *arg)
{
	struct via_print *vp = arg;

	if (vp->first)
		vp->err = print_top_via(vp->mb, &hdr->val, vp->req, vp->src);
	else
		vp->err = mbuf_printf(vp->mb, "Via: %r\r\n", &hdr->val);
	vp->first = false;

	return vp->err != 0;
}

int lk_sipmsg_reply(struct mbuf **mbp, const struct sip_msg *req,
		    const struct sa *src, uint16_t scode, const char *reason,
		    const char *hdrs)
{
	return lk_sipmsg_reply_body(mbp, req, src, scode, reason, NULL, hdrs,
				    NULL, NULL, 0);
}

int lk_sipmsg_reply_body(struct mbuf **mbp, const struct sip_msg *req,
			 const struct sa *src, uint16_t scode,
			 const char *reason, const char *totag,
			 const char *hdrs, const char *ctype,
			 const uint8_t *body, size_t blen)
{
	struct via_print vp;
	const struct sip_hdr *h;
	struct mbuf *mb;
	int err;

	if (!mbp || !req || !reason || (blen && (!body || !ctype)))
		return EINVAL;
	mb = mbuf_alloc(512 + blen);
	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "SIP/2.0 %u %s\r\n", scode, reason);
	vp = (struct via_print){mb, req, src, true, 0};
	if (!err) {
		sip_msg_hdr_apply(req, true, SIP_HDR_VIA, via_handler, &vp);
		err = vp.err;
	}
	if (!err && (h = sip_msg_hdr(req, SIP_HDR_FROM)))
		err = mbuf_printf(mb, "From: %r\r\n", &h->val);
	if (!err && (h = sip_msg_hdr(req, SIP_HDR_TO))) {
		err = mbuf_printf(mb, "To: %r", &h->val);
		/*
		 * The dialog's tag when the caller gives one; else a tag
		 * derived from the request, so that a stateless reply sent
		 * twice carries the same one (RFC 3261 s.8.2.6.2).
		 */
		if (!err && !pl_isset(&req->to.tag) && scode > 100 && totag)
			err = mbuf_printf(mb, ";tag=%s", totag);
		else if (!err && !pl_isset(&req->to.tag) && scode > 100)
			err = mbuf_printf(mb, ";tag=lk%08x",
					  hash_joaat((const uint8_t *)
						     req->callid.p,
						     req->callid.l) ^
					  hash_joaat((const uint8_t *)
						     req->via.branch.p,
						     req->via.branch.l));
		if (!err)
			err = mbuf_write_str(mb, "\r\n");
	}
	if (!err && pl_isset(&req->callid))
		err = mbuf_printf(mb, "Call-ID: %r\r\n", &req->callid);
	if (!err && (h = sip_msg_hdr(req, SIP_HDR_CSEQ)))
		err = mbuf_printf(mb, "CSeq: %r\r\n", &h->val);
	if (!err && hdrs)
		err = mbuf_write_str(mb, hdrs);
	if (!err && blen)
		err = mbuf_printf(mb, "Content-Type: %s\r\n", ctype);
	if (!err)
		err = mbuf_printf(mb, "Server: latchkey/%s\r\n"
				  "Content-Length: %zu\r\n\r\n", LK_VERSION,
				  blen);
	if (!err && blen)
		err = mbuf_write_mem(mb, body, blen);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;

	return 0;
}

int lk_sipmsg_request(struct mbuf **mbp, const struct lk_sipreq *r)
{
	struct mbuf *mb;
	int err;

	if (!mbp || !r || !r->method || !r->ruri || !r->via_tp ||
	    !r->via_sentby || !r->branch || !r->from || !r->from_tag ||
	    !r->to || !r->callid || (r->blen && (!r->body || !r->ctype)))
		return EINVAL;
	mb = mbuf_alloc(768 + r->blen);
	if (!mb)
		return ENOMEM;
	err = mbuf_printf(mb, "%s %s SIP/2.0\r\n"
			  "Via: SIP/2.0/%s %s;branch=%s;rport\r\n"
			  "Max-Forwards: %u\r\n"
			  "From: %s;tag=%s\r\n"
			  "To: %s%s%s\r\n"
			  "Call-ID: %s\r\n"
			  "CSeq: %u %s\r\n",
			  r->method, r->ruri, r->via_tp, r->via_sentby,
			  r->branch, r->max_forwards, r->from, r->from_tag,
			  r->to, r->to_tag ? ";tag=" : "",
			  r->to_tag ? r->to_tag : "", r->callid, r->cseq,
			  r->cseq_method ? r->cseq_method : r->method);
	if (!err && r->contact)
		err = mbuf_printf(mb, "Contact: %s\r\n", r->contact);
	if (!err && r->hdrs)
		err = mbuf_write_str(mb, r->hdrs);
	if (!err && r->blen)
		err = mbuf_printf(mb, "Content-Type: %s\r\n", r->ctype);
	if (!err)
		err = mbuf_printf(mb, "User-Agent: latchkey/%s\r\n"
				  "Content-Length: %zu\r\n\r\n", LK_VERSION,
				  r->blen);
	if (!err && r->blen)
		err = mbuf_write_mem(mb, r->body, r->blen);
	if (err) {
		mem_deref(mb);
		return err;
	}
	mb->pos = 0;
	*mbp = mb;

	return 0;
}

const char *lk_sipmsg_method(char *buf, size_t sz, const struct sip_msg *msg)
{
	if (!buf || !sz)
		return "";
	if (!msg)
		snprintf(buf, sz, "?");
	else if (msg->req)
		re_snprintf(buf, sz, "%r", &msg->met);
	else
		re_snprintf(buf, sz, "%u response to %r", msg->scode,
			    &msg->cseq.met);

	return buf;
}

void lk_sipmsg_rand_hex(char *buf, size_t sz)
{
	static const char hexd[] = "0123456789abcdef";
	uint8_t r[64];
	size_t i, n;

	if (!sz)
		return;
	n = sz - 1 < sizeof(r) ? sz - 1 : sizeof(r);
	rand_bytes(r, n);
	for (i = 0; i < n; i++)
		buf[i] = hexd[r[i] & 0xf];
	buf[n] = '\0';
}
