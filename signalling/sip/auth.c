/* signalling/sip/auth.c  HTTP digest for SIP (RFC 2617, RFC 3261 s.22): MD5, qop=auth. */
/*
 * Owns nothing: pure functions that compute and check digests and nonces;
 * the caller keeps the secret and the clock.
 */
#include <errno.h>
#include <string.h>

#include <re.h>

#include "sip/auth.h"

static void hex(char out[LK_SIPAUTH_HEX], const uint8_t md[16])
{
	static const char digits[] = "0123456789abcdef";
	unsigned i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[32] = '\0';
}

void lk_sipauth_ha1(char ha1[LK_SIPAUTH_HEX], const struct pl *user,
		    const struct pl *realm, const struct pl *password)
{
	uint8_t md[16];

	md5_printf(md, "%r:%r:%r", user, realm, password);
	hex(ha1, md);
}

void lk_sipauth_response(char resp[LK_SIPAUTH_HEX], const char *ha1,
			 const struct pl *nonce, const struct pl *nc,
			 const struct pl *cnonce, const struct pl *qop,
			 const struct pl *method, const struct pl *uri)
{
	char ha2[LK_SIPAUTH_HEX];
	uint8_t md[16];

	md5_printf(md, "%r:%r", method, uri);
	hex(ha2, md);
	if (qop && pl_isset(qop))
		md5_printf(md, "%s:%r:%r:%r:%r:%s", ha1, nonce, nc, cnonce,
			   qop, ha2);
	else
		md5_printf(md, "%s:%r:%s", ha1, nonce, ha2);
	hex(resp, md);
}

static void nonce_mac(char out[LK_SIPAUTH_HEX], const uint8_t secret[16],
		      uint64_t t)
{
	uint8_t md[16];

	md5_printf(md, "%w:%llx", secret, (size_t)16, (unsigned long long)t);
	hex(out, md);
}

void lk_sipauth_nonce(char *buf, size_t sz, const uint8_t secret[16],
		      uint64_t now)
{
	char mac[LK_SIPAUTH_HEX];

	nonce_mac(mac, secret, now);
	re_snprintf(buf, sz, "%llx.%s", (unsigned long long)now, mac);
}

int lk_sipauth_nonce_check(const struct pl *nonce, const uint8_t secret[16],
			   uint64_t now, unsigned lifetime)
{
	char mac[LK_SIPAUTH_HEX];
	const char *dot;
	uint64_t t = 0;
	size_t i;

	if (!nonce || !nonce->p || nonce->l < 34 || nonce->l > 16 + 33)
		return EINVAL;
	dot = memchr(nonce->p, '.', nonce->l);
	if (!dot || dot == nonce->p || (size_t)(nonce->p + nonce->l - dot) != 33)
		return EINVAL;
	for (i = 0; nonce->p + i < dot; i++) {
		char c = nonce->p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			return EINVAL;
		t = t << 4 | d;
	}
	nonce_mac(mac, secret, t);
	if (memcmp(mac, dot + 1, 32))
		return EINVAL;
	if (t > now || now - t > lifetime)
		return ETIMEDOUT;

	return 0;
}
