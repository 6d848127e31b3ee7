/* relay/srtp.h  SRTP and SRTCP (RFC 3711) through libsrtp2: one direction of one leg. */
#ifndef LK_SRTP_H
#define LK_SRTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The relay terminates SRTP on a leg whose side speaks RTP/SAVP while the
 * other side speaks RTP/AVP (docs/srtp.md): what that side sends is
 * decrypted with its own key (an inbound context), and what goes to it is
 * encrypted with the relay's key (an outbound context).  One struct
 * lk_srtp is one such context, for RTP and RTCP alike (RFC 3711 s.3.4:
 * SRTCP uses the same master key).
 *
 * Threads.  A context is created on the control thread (creation
 * allocates), handed to one media worker, used only there, and freed on
 * the control thread once the worker has let go of it (lk_worker_call()).
 * Protect and unprotect allocate nothing and take no lock (the cipher and
 * the MAC are OpenSSL's, their contexts kept for the stream's life:
 * relay/srtpossl.c), except that libsrtp2 clones its per-SSRC stream the
 * first time it sees an SSRC, and an inbound context does so only after
 * that packet authenticated.
 *
 * Key material.  Keys live in struct lk_srtp_key and in libsrtp2's
 * contexts, are wiped when freed (lk_srtp_key_wipe()), and are never
 * written to a log, a query reply or management output: nothing in this
 * module formats a key, and its error strings name the suite, never the
 * key.
 */

/* The SDES suites latchkey speaks (RFC 4568 s.6.2, RFC 6188, RFC 7714). */
enum lk_srtp_suite {
	LK_SRTP_SUITE_NONE = 0,
	LK_SRTP_AES_CM_128_HMAC_SHA1_80,
	LK_SRTP_AES_CM_128_HMAC_SHA1_32,
	LK_SRTP_AES_256_CM_HMAC_SHA1_80,
	LK_SRTP_AES_256_CM_HMAC_SHA1_32,
	LK_SRTP_AEAD_AES_128_GCM,
	LK_SRTP_AEAD_AES_256_GCM,
	LK_SRTP_SUITE_COUNT,
};

/* Master key and master salt, concatenated as SDES's inline: carries them. */
#define LK_SRTP_KEY_MAX 46	/* AES-256 key (32) + salt (14) */

struct lk_srtp_key {
	enum lk_srtp_suite suite;
	uint8_t key[LK_SRTP_KEY_MAX];
	size_t len;		/* lk_srtp_suite_key_len(suite) */
};

/*
 * Room protect needs after a packet: libsrtp2 may write a tag, an MKI and
 * the SRTCP index there (SRTP_MAX_TRAILER_LEN + 4), though without MKI it
 * adds at most 20 octets (a 16-octet tag, the 4-octet SRTCP index: RFC
 * 3711 s.3.4).
 */
#define LK_SRTP_ROOM 148

struct lk_srtp;

/*
 * Once per process, before the first context and before anything else in
 * the process initialises NSS (relay/srtp.c says why); thread-safe.
 * Returns 0 or EIO.
 */
int lk_srtp_init(void);

/*
 * Whose AES and HMAC-SHA1 libsrtp2 runs, once lk_srtp_init() has: "OpenSSL"
 * (relay/srtpossl.c, the normal case) or "libsrtp2's own" (it refused
 * OpenSSL's, which start-up logs as a warning).
 */
const char *lk_srtp_crypto(void);

/* SDES's name ("AES_CM_128_HMAC_SHA1_80") and back; NULL / NONE if unknown. */
const char *lk_srtp_suite_name(enum lk_srtp_suite suite);
enum lk_srtp_suite lk_srtp_suite_find(const char *name, size_t len);

/* Octets of key + salt a suite's inline: carries; 0 for NONE. */
size_t lk_srtp_suite_key_len(enum lk_srtp_suite suite);

/* Whether this libsrtp2 build has the suite (GCM needs NSS or OpenSSL). */
bool lk_srtp_suite_available(enum lk_srtp_suite suite);

/* A fresh random key for `suite` (getrandom()). Returns 0, EINVAL or EIO. */
int lk_srtp_key_generate(struct lk_srtp_key *key, enum lk_srtp_suite suite);

/* Overwrite a key so that no copy of it outlives its use. */
void lk_srtp_key_wipe(struct lk_srtp_key *key);

/*
 * Create a context from `key`: `outbound` protects what the relay sends,
 * else it unprotects what it receives, from any SSRC, with a replay window
 * of 128 packets (RFC 3711 s.3.3.2).  Returns 0, EINVAL (suite unknown or
 * not built in, wrong key length), ENOMEM or EIO.  The caller holds the
 * one reference.
 */
int lk_srtp_alloc(struct lk_srtp **sp, const struct lk_srtp_key *key,
		  bool outbound);

/*
 * A context is released with mem_deref() (docs/architecture.md,
 * "Ownership"); libsrtp2 wipes its keys then.
 */

/*
 * Protect the RTP (rtcp false) or RTCP packet p[0..*lenp) in place; `room`
 * is how many octets p may hold in all, at least *lenp + LK_SRTP_ROOM.
 * p must be 4-octet aligned.  Returns 0 and the new length, EMSGSIZE (no
 * room), EBADMSG (not a packet libsrtp2 can take) or EIO.
 */
int lk_srtp_protect(struct lk_srtp *s, uint8_t *p, size_t *lenp, size_t room,
		    bool rtcp);

/*
 * Check and decrypt the SRTP or SRTCP packet p[0..*lenp) in place.
 * Returns 0 and the plain length, EBADMSG when authentication fails or
 * the packet is too short or malformed, EALREADY for a replayed or too
 * old packet (RFC 3711 s.3.3.2).  Nothing is changed on failure that a
 * later good packet depends on.
 */
int lk_srtp_unprotect(struct lk_srtp *s, uint8_t *p, size_t *lenp, bool rtcp);

#endif
