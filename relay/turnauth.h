/* relay/turnauth.h  TURN long-term credentials, REST passwords, stateless nonces. */
#ifndef LK_TURNAUTH_H
#define LK_TURNAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sa;

/*
 * Long-term credentials (RFC 8489 s.9.2, RFC 8656 s.9): the key is
 * MD5(username ":" realm ":" password), MESSAGE-INTEGRITY is HMAC-SHA1 over
 * the message up to it.  The server keeps only the keys, never a password
 * once lk_turnauth_alloc() returns.
 *
 * REST credentials (coturn's use-auth-secret, draft-uberti-behave-turn-
 * rest-00): username "EXPIRY:NAME" (EXPIRY in seconds since the epoch),
 * password base64(HMAC-SHA1(secret, username)).
 *
 * Nonces are stateless (no per-client state before MESSAGE-INTEGRITY is
 * verified): "lk" + 8 hex digits of the issue time + 24 hex digits of
 * HMAC-SHA1(server key, time || client IP address), the server key random
 * per start.  A nonce from another address, forged, or older than the
 * nonce lifetime is stale (438).
 *
 * Every comparison of a secret value is constant-time (CRYPTO_memcmp).
 */

#define LK_TURNAUTH_KEY_LEN	16	/* MD5 */
#define LK_TURNAUTH_NONCE_LEN	34

struct lk_turnauth;

/*
 * Make the credential store from "Users" ("name:password, ..."; NULL or ""
 * for none), "Shared secret" (NULL or "": REST credentials off) and the
 * realm.  Returns EINVAL for a Users list that does not parse, ENOMEM.
 * Free with mem_deref(); it zeroes its secrets.
 */
int lk_turnauth_alloc(struct lk_turnauth **ap, const char *realm,
		      const char *users, const char *secret);

/*
 * The key for `username`, at wall-clock time `now` (seconds since the
 * epoch): a configured user's, or a REST username's when a shared secret
 * is set and its EXPIRY is not past.  `*userp`/`*ulenp` (if not NULL) get
 * the name quotas count against: the name after "EXPIRY:" for REST.
 * Returns 0; ENOENT for an unknown user; ETIMEDOUT for an expired REST
 * username.
 */
int lk_turnauth_key(const struct lk_turnauth *a, uint8_t *key,
		    const char *username, uint64_t now, const char **userp,
		    size_t *ulenp);

/* The realm, for the REALM attribute. */
const char *lk_turnauth_realm(const struct lk_turnauth *a);

/* MD5(user:realm:password) into key[LK_TURNAUTH_KEY_LEN]. */
int lk_turnauth_ha1(uint8_t *key, const char *user, const char *realm,
		    const char *password);

/* base64(HMAC-SHA1(secret, username)) into buf (29 octets with NUL). */
int lk_turnauth_rest_password(char *buf, size_t sz, const char *secret,
			      const char *username);

/* A nonce for `src` at monotonic second `now`, NUL-terminated. */
void lk_turnauth_nonce(const struct lk_turnauth *a,
		       char nonce[LK_TURNAUTH_NONCE_LEN + 1],
		       const struct sa *src, uint64_t now);

/* 0 if `nonce` is ours, for `src`, and not older than `lifetime` s;
 * else ESTALE. */
int lk_turnauth_nonce_check(const struct lk_turnauth *a, const char *nonce,
			    const struct sa *src, uint64_t now,
			    unsigned lifetime);

/*
 * Check the MESSAGE-INTEGRITY of the STUN message [msg, msg + len) with
 * `key` (RFC 8489 s.14.5): the attributes are walked to the first
 * MESSAGE-INTEGRITY, the HMAC covers the header (its length set to end
 * at MESSAGE-INTEGRITY) and everything before it, and it is compared in
 * constant time.  Returns 0; EBADMSG when there is no well-formed
 * MESSAGE-INTEGRITY; EACCES when it does not match.
 */
int lk_turnauth_mi_check(const uint8_t *msg, size_t len, const uint8_t *key,
			 size_t keylen);

#endif
