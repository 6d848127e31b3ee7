/* signalling/sip/auth.h  HTTP digest for SIP (RFC 2617, RFC 3261 s.22): MD5, qop=auth. */
/*
 * Pure functions: digest responses and the registrar's stateless nonces.
 */
#ifndef LK_SIPAUTH_H
#define LK_SIPAUTH_H

#include <stddef.h>
#include <stdint.h>

struct pl;

#define LK_SIPAUTH_HEX 33		/* 32 hex digits and a NUL */

/* HA1 = MD5(username ":" realm ":" password), lower-case hex. */
void lk_sipauth_ha1(char ha1[LK_SIPAUTH_HEX], const struct pl *user,
		    const struct pl *realm, const struct pl *password);

/*
 * The request-digest of RFC 2617 s.3.2.2.1: with qop "auth"
 * MD5(HA1:nonce:nc:cnonce:qop:HA2), without qop (RFC 2069)
 * MD5(HA1:nonce:HA2); HA2 = MD5(method ":" uri).  `nc`, `cnonce` and
 * `qop` may be NULL or unset for the RFC 2069 form.
 */
void lk_sipauth_response(char resp[LK_SIPAUTH_HEX], const char *ha1,
			 const struct pl *nonce, const struct pl *nc,
			 const struct pl *cnonce, const struct pl *qop,
			 const struct pl *method, const struct pl *uri);

/*
 * A nonce that carries its own issue time and a keyed hash of it, so that
 * the registrar keeps no state per challenge: "<time hex>.<md5 hex>" with
 * md5 over the secret and the time.  lk_sipauth_nonce_check() returns 0
 * for a nonce this secret made at most `lifetime` seconds before `now`,
 * ETIMEDOUT for one that is older (answer stale=true, RFC 2617 s.3.2.1),
 * EINVAL for anything else.
 */
void lk_sipauth_nonce(char *buf, size_t sz, const uint8_t secret[16],
		      uint64_t now);
int lk_sipauth_nonce_check(const struct pl *nonce, const uint8_t secret[16],
			   uint64_t now, unsigned lifetime);

#endif
