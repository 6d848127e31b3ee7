/* relay/srtpossl.h  OpenSSL under libsrtp2: its AES-ICM, AES-GCM and HMAC-SHA1 types. */
#ifndef LK_SRTPOSSL_H
#define LK_SRTPOSSL_H

/*
 * Replaces libsrtp2's AES-ICM-128/256, AES-GCM-128/256 and HMAC-SHA1
 * implementations with OpenSSL's, after libsrtp2 has run each one's
 * known-answer tests.  Call after srtp_init() and before any srtp_create().
 * 0, ENOSYS (OpenSSL has no HMAC) or EPROTO (libsrtp2 refused a type: its
 * tests failed; the types replaced before it stay, each one tested).
 */
int lk_srtpossl_install(void);

#endif
