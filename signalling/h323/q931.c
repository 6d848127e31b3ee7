/* signalling/h323/q931.c  Q.931 call-signalling messages over TPKT, the subset H.225.0 uses. */
#include <errno.h>
#include <string.h>

#include "h323/q931.h"

/*
 * Pure byte work, no I/O and no allocation: the layout rules come from
 * RFC 1006 s.6 (TPKT), Q.931 (05/98) 4.1-4.5 and H.225.0 (12/2009) 7.2.2
 * and 7.3, which pins down what Q.931 leaves open (a two-octet call
 * reference, the user-user IE's two-octet length).
 */

int lk_tpkt_frame(const uint8_t *buf, size_t len, size_t *pdulen)
{
	size_t n;

	if (len < 1)
		return EAGAIN;
	if (buf[0] != LK_TPKT_VERSION)
		return EBADMSG;
	if (len < LK_TPKT_HDR)
		return EAGAIN;
	n = (size_t)buf[2] << 8 | buf[3];
	/* The length counts the header, so an empty TPKT is 4 (keep-alive). */
	if (n < LK_TPKT_HDR)
		return EBADMSG;
	if (n > len)
		return EAGAIN;
	*pdulen = n;

	return 0;
}

int lk_tpkt_header(uint8_t *buf, size_t payload)
{
	size_t n = payload + LK_TPKT_HDR;

	if (n > LK_TPKT_MAX)
		return EMSGSIZE;
	buf[0] = LK_TPKT_VERSION;
	buf[1] = 0;
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;

	return 0;
}

/* Is `id` of codeset `cs` the user-user IE, whose length has two octets? */
static bool uu_ie(uint8_t id, uint8_t cs)
{
	return cs == 0 && id == LK_Q931_IE_USER_USER;
}

int lk_q931_decode(struct lk_q931 *m, const uint8_t *buf, size_t len,
		   size_t *erroff)
{
	struct lk_q931 d;
	uint8_t locked = 0, next = 0xff;	/* codesets, Q.931 4.5.2-4.5.4 */
	size_t off = 0;
	int err = EBADMSG;

	memset(&d, 0, offsetof(struct lk_q931, store));
	if (len < 3 || buf[0] != LK_Q931_PD)
		goto out;
	off = 1;
	/* Q.931 4.3: bits 5-8 of the length octet are spare (zero). */
	d.crv_len = buf[1];
	if (d.crv_len > 2)
		goto out;
	off = 2;
	if (len < 3u + d.crv_len)
		goto out;
	if (d.crv_len) {
		d.crv_flag = buf[2] & 0x80;
		d.crv = buf[2] & 0x7f;
		if (d.crv_len == 2)
			d.crv = (uint16_t)(d.crv << 8 | buf[3]);
	}
	off = 2 + d.crv_len;
	/* Q.931 4.4: bit 8 of the message type is reserved for extension. */
	if (buf[off] & 0x80)
		goto out;
	d.type = buf[off++];

	while (off < len) {
		struct lk_q931_ie *ie;
		uint8_t id = buf[off], cs = next != 0xff ? next : locked;
		size_t n, hdr;

		next = 0xff;
		if (d.nie == LK_Q931_IES_MAX) {
			err = E2BIG;
			goto out;
		}
		ie = &d.ie[d.nie];
		ie->id = id;
		ie->codeset = cs;
		if (id & 0x80) {
			/* Q.931 4.5.1: a single-octet IE; 1001 is a shift. */
			if ((id & 0xf0) == 0x90) {
				if (id & 0x08)
					next = id & 0x07;	/* non-locking */
				else
					locked = id & 0x07;
			}
			ie->len = 0;
			ie->p = NULL;
			d.nie++;
			off++;
			continue;
		}
		hdr = uu_ie(id, cs) ? 3 : 2;
		if (len - off < hdr)
			goto out;
		n = hdr == 3 ? (size_t)buf[off + 1] << 8 | buf[off + 2]
			     : buf[off + 1];
		if (len - off - hdr < n)
			goto out;
		ie->len = (uint16_t)n;
		ie->p = buf + off + hdr;
		d.nie++;
		off += hdr + n;
	}
	err = 0;

 out:
	if (erroff)
		*erroff = off;
	if (!err)
		memcpy(m, &d, offsetof(struct lk_q931, store));
	if (!err)
		m->nstore = 0;

	return err;
}

int lk_q931_encode(const struct lk_q931 *m, bool tpkt, uint8_t *buf,
		   size_t cap, size_t *len)
{
	size_t off = tpkt ? LK_TPKT_HDR : 0, need = off + 3 + m->crv_len;
	unsigned i;

	if (m->crv_len > 2)
		return EINVAL;
	for (i = 0; i < m->nie; i++) {
		const struct lk_q931_ie *ie = &m->ie[i];

		if (ie->id & 0x80) {
			need += 1;
			continue;
		}
		if (!uu_ie(ie->id, ie->codeset) && ie->len > 255)
			return EINVAL;
		need += (uu_ie(ie->id, ie->codeset) ? 3 : 2) + ie->len;
	}
	if (need > cap || (tpkt && need > LK_TPKT_MAX))
		return EMSGSIZE;

	if (tpkt)
		(void)lk_tpkt_header(buf, need - LK_TPKT_HDR);
	buf[off++] = LK_Q931_PD;
	buf[off++] = m->crv_len;
	if (m->crv_len == 1) {
		buf[off++] = (uint8_t)((m->crv_flag ? 0x80 : 0) |
				       (m->crv & 0x7f));
	}
	else if (m->crv_len == 2) {
		buf[off++] = (uint8_t)((m->crv_flag ? 0x80 : 0) |
				       (m->crv >> 8 & 0x7f));
		buf[off++] = (uint8_t)m->crv;
	}
	buf[off++] = m->type & 0x7f;
	for (i = 0; i < m->nie; i++) {
		const struct lk_q931_ie *ie = &m->ie[i];

		buf[off++] = ie->id;
		if (ie->id & 0x80)
			continue;
		if (uu_ie(ie->id, ie->codeset))
			buf[off++] = (uint8_t)(ie->len >> 8);
		buf[off++] = (uint8_t)ie->len;
		if (ie->len)
			memcpy(buf + off, ie->p, ie->len);
		off += ie->len;
	}
	*len = off;

	return 0;
}

const char *lk_q931_type_name(uint8_t type)
{
	switch (type) {

	case LK_Q931_ALERTING:		return "Alerting";
	case LK_Q931_CALL_PROCEEDING:	return "Call Proceeding";
	case LK_Q931_PROGRESS:		return "Progress";
	case LK_Q931_SETUP:		return "Setup";
	case LK_Q931_CONNECT:		return "Connect";
	case LK_Q931_SETUP_ACK:		return "Setup Acknowledge";
	case LK_Q931_RELEASE_COMPLETE:	return "Release Complete";
	case LK_Q931_FACILITY:		return "Facility";
	case LK_Q931_NOTIFY:		return "Notify";
	case LK_Q931_STATUS_ENQUIRY:	return "Status Enquiry";
	case LK_Q931_INFORMATION:	return "Information";
	case LK_Q931_STATUS:		return "Status";
	}

	return "unknown";
}

const struct lk_q931_ie *lk_q931_find(const struct lk_q931 *m, uint8_t id)
{
	unsigned i;

	for (i = 0; i < m->nie; i++)
		if (m->ie[i].id == id && m->ie[i].codeset == 0)
			return &m->ie[i];

	return NULL;
}

int lk_q931_uu(const struct lk_q931 *m, const uint8_t **pp, size_t *lenp)
{
	const struct lk_q931_ie *ie = lk_q931_find(m, LK_Q931_IE_USER_USER);

	if (!ie)
		return ENOENT;
	if (ie->len < 1 || ie->p[0] != LK_Q931_UU_PD)
		return EBADMSG;
	*pp = ie->p + 1;
	*lenp = ie->len - 1u;

	return 0;
}

int lk_q931_cause(const struct lk_q931 *m, uint8_t *causep)
{
	const struct lk_q931_ie *ie = lk_q931_find(m, LK_Q931_IE_CAUSE);
	size_t i = 1;

	if (!ie)
		return ENOENT;
	/* Q.850 2.1: octet 3a (recommendation) only when octet 3's ext is 0. */
	if (ie->len >= 1 && !(ie->p[0] & 0x80))
		i = 2;
	if (ie->len <= i)
		return EBADMSG;
	*causep = ie->p[i] & 0x7f;

	return 0;
}

static void text(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t i, o = 0;

	while (n && !p[n - 1])
		n--;
	for (i = 0; i < n && o + 1 < cap; i++)
		buf[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	if (cap)
		buf[o] = '\0';
}

int lk_q931_display(const struct lk_q931 *m, char *buf, size_t cap)
{
	const struct lk_q931_ie *ie = lk_q931_find(m, LK_Q931_IE_DISPLAY);

	if (!ie)
		return ENOENT;
	text(ie->p, ie->len, buf, cap);

	return 0;
}

int lk_q931_number(const struct lk_q931 *m, uint8_t id, uint8_t *typeplanp,
		   char *buf, size_t cap)
{
	const struct lk_q931_ie *ie = lk_q931_find(m, id);
	size_t i = 1;

	if (!ie)
		return ENOENT;
	if (ie->len < 1)
		return EBADMSG;
	/* Q.931 4.5.10: octet 3a (presentation, screening) when ext is 0. */
	if (!(ie->p[0] & 0x80)) {
		if (id != LK_Q931_IE_CALLING || ie->len < 2)
			return EBADMSG;
		i = 2;
	}
	*typeplanp = ie->p[0] & 0x7f;
	text(ie->p + i, ie->len - i, buf, cap);

	return 0;
}

int lk_q931_bearer(const struct lk_q931 *m, uint8_t *itcp)
{
	const struct lk_q931_ie *ie = lk_q931_find(m, LK_Q931_IE_BEARER);

	if (!ie)
		return ENOENT;
	if (ie->len < 1)
		return EBADMSG;
	*itcp = ie->p[0] & 0x1f;

	return 0;
}

void lk_q931_init(struct lk_q931 *m, uint8_t type, uint16_t crv,
		  bool crv_flag)
{
	memset(m, 0, offsetof(struct lk_q931, store));
	m->crv_len = 2;
	m->crv = crv & 0x7fff;
	m->crv_flag = crv_flag;
	m->type = type & 0x7f;
	m->nstore = 0;
}

int lk_q931_set(struct lk_q931 *m, uint8_t id, const uint8_t *p, size_t len)
{
	unsigned i, at;

	if (id & 0x80 ? len != 0 : len > (uu_ie(id, 0) ? 0xffffu : 0xffu))
		return EINVAL;
	for (i = 0; i < m->nie; i++) {
		if (m->ie[i].id == id && m->ie[i].codeset == 0) {
			m->ie[i].p = p;
			m->ie[i].len = (uint16_t)len;
			return 0;
		}
	}
	if (m->nie == LK_Q931_IES_MAX)
		return E2BIG;
	/*
	 * Q.931 4.5.1: ascending order within codeset 0, which ends at the
	 * first shift; single-octet IEs are placed anywhere, so they are not
	 * counted as a place to stop before.
	 */
	for (at = 0; at < m->nie; at++) {
		const struct lk_q931_ie *ie = &m->ie[at];

		if (ie->codeset != 0 || (ie->id & 0xf0) == 0x90)
			break;
		if (!(ie->id & 0x80) && ie->id > id)
			break;
	}
	memmove(&m->ie[at + 1], &m->ie[at], (m->nie - at) * sizeof(m->ie[0]));
	m->ie[at] = (struct lk_q931_ie){ .id = id, .len = (uint16_t)len,
					 .p = p };
	m->nie++;

	return 0;
}

unsigned lk_q931_remove(struct lk_q931 *m, uint8_t id)
{
	unsigned i, o = 0, n = 0;

	for (i = 0; i < m->nie; i++) {
		if (m->ie[i].id == id && m->ie[i].codeset == 0) {
			n++;
			continue;
		}
		m->ie[o++] = m->ie[i];
	}
	m->nie = o;

	return n;
}

static uint8_t *store(struct lk_q931 *m, size_t n)
{
	uint8_t *p;

	if (n > sizeof(m->store) - m->nstore)
		return NULL;
	p = m->store + m->nstore;
	m->nstore += n;

	return p;
}

int lk_q931_set_cause(struct lk_q931 *m, uint8_t cause)
{
	uint8_t *p = store(m, 2);

	if (!p)
		return ENOSPC;
	/* Q.850 2.2: ext 1, CCITT coding, location "user" (0); ext 1. */
	p[0] = 0x80;
	p[1] = (uint8_t)(0x80 | (cause & 0x7f));

	return lk_q931_set(m, LK_Q931_IE_CAUSE, p, 2);
}

int lk_q931_set_display(struct lk_q931 *m, const char *s)
{
	size_t n = strlen(s);
	uint8_t *p;

	/* Q.931 4.5.16: at most 82 octets of IA5 in the display IE. */
	if (n > 82)
		n = 82;
	p = store(m, n);
	if (!p)
		return ENOSPC;
	memcpy(p, s, n);

	return lk_q931_set(m, LK_Q931_IE_DISPLAY, p, n);
}

int lk_q931_set_number(struct lk_q931 *m, uint8_t id, uint8_t typeplan,
		       const char *digits)
{
	size_t n = strlen(digits);
	uint8_t *p;

	if (n > 254)
		return EINVAL;
	p = store(m, n + 1);
	if (!p)
		return ENOSPC;
	p[0] = (uint8_t)(0x80 | typeplan);
	memcpy(p + 1, digits, n);

	return lk_q931_set(m, id, p, n + 1);
}

int lk_q931_set_bearer(struct lk_q931 *m)
{
	uint8_t *p = store(m, 3);

	if (!p)
		return ENOSPC;
	/*
	 * Q.931 4.5.5: ext 1, CCITT, unrestricted digital information
	 * (0x88); ext 1, circuit mode, 64 kbit/s (0x90); ext 1, layer 1,
	 * H.221 and H.242 (0xa5): what H.225.0 7.3.1 asks of a Setup.
	 */
	p[0] = 0x88;
	p[1] = 0x90;
	p[2] = 0xa5;

	return lk_q931_set(m, LK_Q931_IE_BEARER, p, 3);
}
