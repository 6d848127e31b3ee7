/* signalling/h323/h235.h  H.235 password-hash tokens (cryptoEPPwdHash) for the H.323 traversal zone's registration. */
#ifndef LK_H323_H235_H
#define LK_H323_H235_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The traversal client (Control) proves it knows the zone's password in
 * every RRQ it sends to the Expressway's zone port (seed D, 6001) with an
 * H.225.0 cryptoTokens member holding one CryptoH323Token
 * cryptoEPPwdHash {alias h323-ID Username, timeStamp T, token HASHED
 * {algorithmOID MD5 1.2.840.113549.2.5, paramS {}, hash}} (H.235.0
 * clause 10.3.3, "password-based ... hashing"; H.225.0 7.9.1
 * cryptoTokens).  The hash is MD5 over the aligned-PER encoding of the
 * ClearToken {tokenOID 0.0, timeStamp T, password Password, generalID
 * Username}, the procedure H323Plus (H235AuthSimpleMD5) and GnuGk
 * ([Gatekeeper::Auth] SimplePasswordAuth) use with Cisco/TANDBERG
 * gatekeepers.  The password itself never goes on the wire.
 *
 * MD5 is old; what this guards against is a stranger registering as the
 * zone's client, and the zone's path runs between two boxes the operator
 * owns (docs/h323.md, "Traversal zone").
 */

/* Seconds a token's timeStamp may be away from our clock. */
#define LK_H235_WINDOW 300

/* Lengths the zone configuration allows (conf_keys.c: up to 63). */
#define LK_H235_NAME_MAX 128

/*
 * The cryptoTokens member's contents (SEQUENCE OF CryptoH323Token with
 * the one cryptoEPPwdHash), aligned PER, for an RRQ's "cryptoTokens"
 * open type: into buf.  EINVAL for an empty or too long name/password.
 */
int lk_h235_pwdhash_encode(const char *user, const char *password,
			   uint32_t timestamp, uint8_t *buf, size_t cap,
			   size_t *len);

/*
 * Check the contents of a cryptoTokens member against user/password at
 * unix time `now`: 0 when a cryptoEPPwdHash names `user`, its timeStamp
 * is within LK_H235_WINDOW of now and not before *last (the newest
 * timeStamp accepted so far, moved on; NULL: not checked), and its hash
 * is the one `password` gives (compared in constant time).  ENOENT: no
 * token for `user`; EBADMSG: does not decode; ETIMEDOUT: timeStamp out
 * of the window or older than *last; EACCES: wrong hash.
 */
int lk_h235_pwdhash_check(const uint8_t *p, size_t len, const char *user,
			  const char *password, uint64_t now,
			  uint32_t *last);

/* Constant-time equality of two octet strings of length n. */
bool lk_h235_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
