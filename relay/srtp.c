/* relay/srtp.c  SRTP and SRTCP (RFC 3711) through libsrtp2: one direction of one leg. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <re.h>
#include <srtp2/srtp.h>
#ifdef LK_SRTP_NSS
#include <nss.h>
#endif

#include "log.h"
#include "srtp.h"
#include "srtpossl.h"

struct lk_srtp {
	srtp_t ctx;
	bool outbound;
};

/*
 * The suites, with libsrtp2's policy setters.  RFC 4568 s.6.2.2 and RFC
 * 6188 s.3: the _32 suites shorten the SRTP tag only; SRTCP keeps the
 * 80-bit tag.  RFC 7714 s.12: AEAD suites carry a 12-octet salt and a
 * 16-octet tag for both.
 */
typedef void (policy_set_h)(srtp_crypto_policy_t *p);

static const struct suite {
	const char *name;
	size_t key_len;
	policy_set_h *rtp, *rtcp;
} suites[LK_SRTP_SUITE_COUNT] = {
	[LK_SRTP_AES_CM_128_HMAC_SHA1_80] = {"AES_CM_128_HMAC_SHA1_80",
		SRTP_AES_ICM_128_KEY_LEN_WSALT,
		srtp_crypto_policy_set_rtp_default,
		srtp_crypto_policy_set_rtcp_default},
	[LK_SRTP_AES_CM_128_HMAC_SHA1_32] = {"AES_CM_128_HMAC_SHA1_32",
		SRTP_AES_ICM_128_KEY_LEN_WSALT,
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32,
		srtp_crypto_policy_set_rtcp_default},
	[LK_SRTP_AES_256_CM_HMAC_SHA1_80] = {"AES_256_CM_HMAC_SHA1_80",
		SRTP_AES_ICM_256_KEY_LEN_WSALT,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80},
	[LK_SRTP_AES_256_CM_HMAC_SHA1_32] = {"AES_256_CM_HMAC_SHA1_32",
		SRTP_AES_ICM_256_KEY_LEN_WSALT,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32,
		srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80},
	[LK_SRTP_AEAD_AES_128_GCM] = {"AEAD_AES_128_GCM",
		SRTP_AES_GCM_128_KEY_LEN_WSALT,
		srtp_crypto_policy_set_aes_gcm_128_16_auth,
		srtp_crypto_policy_set_aes_gcm_128_16_auth},
	[LK_SRTP_AEAD_AES_256_GCM] = {"AEAD_AES_256_GCM",
		SRTP_AES_GCM_256_KEY_LEN_WSALT,
		srtp_crypto_policy_set_aes_gcm_256_16_auth,
		srtp_crypto_policy_set_aes_gcm_256_16_auth},
};

_Static_assert(SRTP_AES_ICM_256_KEY_LEN_WSALT <= LK_SRTP_KEY_MAX,
	       "LK_SRTP_KEY_MAX holds the longest key + salt");
_Static_assert(SRTP_MAX_TRAILER_LEN + 4 == LK_SRTP_ROOM,
	       "srtp_protect_rtcp() may write SRTP_MAX_TRAILER_LEN + 4");

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_err;
static bool available[LK_SRTP_SUITE_COUNT];
static bool openssl_crypto;

#ifdef LK_SRTP_NSS
/*
 * Debian's libsrtp2 does its crypto through NSS, and every cipher it makes
 * calls NSS_InitContext() with NSS_INIT_OPTIMIZESPACE.  Whoever initialises
 * NSS first sets how its software token is built, and that flag makes the
 * token's tables of sessions and keys 32 buckets instead of 1,024: each
 * terminated direction keeps a few of both, and every protect or unprotect
 * walks those chains, so the cost per packet grew with the number of legs
 * (perf/bench_srtp: 2.4 us with one context, 27 us with 1,000 pairs).
 * Initialising NSS here first, with the same flags but that one, keeps the
 * chains 32 times shorter (7.6-10.7 us at 1,000 pairs; docs/performance.md,
 * "SRTP").  This chooses how the crypto provider sizes its tables; the
 * crypto is still libsrtp2's.  The context lives as long as the process.
 */
static NSSInitContext *nss_ctx;

static int provider_init(void)
{
	nss_ctx = NSS_InitContext("", "", "", "", NULL, NSS_INIT_READONLY |
				  NSS_INIT_NOCERTDB | NSS_INIT_NOMODDB |
				  NSS_INIT_FORCEOPEN);

	return nss_ctx ? 0 : EIO;
}
#else
static int provider_init(void)
{
	return 0;
}
#endif

static void init_h(void)
{
	enum lk_srtp_suite i;
	int err;

	init_err = provider_init();
	if (init_err)
		return;
	if (srtp_init() != srtp_err_status_ok) {
		init_err = EIO;
		return;
	}
	/*
	 * OpenSSL for the ciphers and the MAC: no allocation or lock per
	 * packet (relay/srtpossl.c).  Should libsrtp2 refuse it, its own
	 * implementation stays, slower and just as correct.
	 */
	err = lk_srtpossl_install();
	openssl_crypto = !err;
	if (err)
		lk_warn("SRTP: libsrtp2 did not take OpenSSL's ciphers (%s); "
			"it uses its own crypto library, at a higher cost "
			"per packet", strerror(err));
	/*
	 * GCM is there only when libsrtp2 was built with a crypto library
	 * (NSS, as Debian's, or OpenSSL): try each suite once here instead
	 * of failing at the first call.
	 */
	for (i = LK_SRTP_AES_CM_128_HMAC_SHA1_80; i < LK_SRTP_SUITE_COUNT;
	     i++) {
		uint8_t k[LK_SRTP_KEY_MAX] = {0};
		srtp_policy_t p;
		srtp_t ctx;

		memset(&p, 0, sizeof(p));
		suites[i].rtp(&p.rtp);
		suites[i].rtcp(&p.rtcp);
		p.ssrc.type = ssrc_any_inbound;
		p.key = k;
		p.window_size = 128;
		if (srtp_create(&ctx, &p) == srtp_err_status_ok) {
			available[i] = true;
			srtp_dealloc(ctx);
		}
	}
}

int lk_srtp_init(void)
{
	pthread_once(&init_once, init_h);

	return init_err;
}

const char *lk_srtp_crypto(void)
{
	return openssl_crypto ? "OpenSSL" : "libsrtp2's own";
}

static const struct suite *suite_get(enum lk_srtp_suite s)
{
	if (s <= LK_SRTP_SUITE_NONE || s >= LK_SRTP_SUITE_COUNT)
		return NULL;

	return &suites[s];
}

const char *lk_srtp_suite_name(enum lk_srtp_suite suite)
{
	const struct suite *s = suite_get(suite);

	return s ? s->name : NULL;
}

/* RFC 4568 s.9.2: crypto-suite names are case-sensitive. */
enum lk_srtp_suite lk_srtp_suite_find(const char *name, size_t len)
{
	enum lk_srtp_suite i;

	for (i = LK_SRTP_AES_CM_128_HMAC_SHA1_80; i < LK_SRTP_SUITE_COUNT;
	     i++) {
		if (strlen(suites[i].name) == len &&
		    !memcmp(suites[i].name, name, len))
			return i;
	}

	return LK_SRTP_SUITE_NONE;
}

size_t lk_srtp_suite_key_len(enum lk_srtp_suite suite)
{
	const struct suite *s = suite_get(suite);

	return s ? s->key_len : 0;
}

bool lk_srtp_suite_available(enum lk_srtp_suite suite)
{
	if (!suite_get(suite) || lk_srtp_init())
		return false;

	return available[suite];
}

int lk_srtp_key_generate(struct lk_srtp_key *key, enum lk_srtp_suite suite)
{
	const struct suite *s = suite_get(suite);
	size_t got = 0;

	if (!key || !s)
		return EINVAL;
	memset(key, 0, sizeof(*key));
	while (got < s->key_len) {
		ssize_t n = getrandom(key->key + got, s->key_len - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			lk_srtp_key_wipe(key);
			return EIO;
		}
		got += (size_t)n;
	}
	key->suite = suite;
	key->len = s->key_len;

	return 0;
}

void lk_srtp_key_wipe(struct lk_srtp_key *key)
{
	if (key)
		explicit_bzero(key, sizeof(*key));
}

/* libsrtp2 wipes the session's keys as it frees them. */
static void srtp_destructor(void *arg)
{
	struct lk_srtp *s = arg;

	if (s->ctx)
		srtp_dealloc(s->ctx);
}

int lk_srtp_alloc(struct lk_srtp **sp, const struct lk_srtp_key *key,
		  bool outbound)
{
	const struct suite *su;
	srtp_policy_t policy;
	struct lk_srtp *s;
	uint8_t k[LK_SRTP_KEY_MAX];
	srtp_err_status_t e;

	if (!sp || !key)
		return EINVAL;
	su = suite_get(key->suite);
	if (!su || key->len != su->key_len)
		return EINVAL;
	if (lk_srtp_init())
		return EIO;
	if (!available[key->suite])
		return EINVAL;

	s = mem_zalloc(sizeof(*s), srtp_destructor);
	if (!s)
		return ENOMEM;
	memset(&policy, 0, sizeof(policy));
	su->rtp(&policy.rtp);
	su->rtcp(&policy.rtcp);
	policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
	/* libsrtp2 takes a non-const key; a copy, wiped below. */
	memcpy(k, key->key, key->len);
	policy.key = k;
	policy.window_size = 128;
	/*
	 * The relay re-sends what an endpoint sent; an endpoint that
	 * retransmits one RTP packet would otherwise make the outbound
	 * side refuse it as a replay.
	 */
	policy.allow_repeat_tx = outbound ? 1 : 0;
	e = srtp_create(&s->ctx, &policy);
	explicit_bzero(k, sizeof(k));
	if (e != srtp_err_status_ok) {
		s->ctx = NULL;
		mem_deref(s);
		return e == srtp_err_status_alloc_fail ? ENOMEM : EIO;
	}
	s->outbound = outbound;
	*sp = s;

	return 0;
}

int lk_srtp_protect(struct lk_srtp *s, uint8_t *p, size_t *lenp, size_t room,
		    bool rtcp)
{
	srtp_err_status_t e;
	int len;

	if (!s || !p || !lenp || !s->outbound)
		return EINVAL;
	if (*lenp > INT_MAX - LK_SRTP_ROOM || room < *lenp + LK_SRTP_ROOM)
		return EMSGSIZE;
	/* libsrtp2 reads the fixed header without checking the length. */
	if (*lenp < (rtcp ? 8u : 12u))
		return EBADMSG;
	len = (int)*lenp;
	e = rtcp ? srtp_protect_rtcp(s->ctx, p, &len) :
		srtp_protect(s->ctx, p, &len);
	switch (e) {
	case srtp_err_status_ok:
		*lenp = (size_t)len;
		return 0;
	case srtp_err_status_bad_param:
	case srtp_err_status_parse_err:
		return EBADMSG;
	default:
		return EIO;
	}
}

int lk_srtp_unprotect(struct lk_srtp *s, uint8_t *p, size_t *lenp, bool rtcp)
{
	srtp_err_status_t e;
	int len;

	if (!s || !p || !lenp || s->outbound)
		return EINVAL;
	if (*lenp > INT_MAX || *lenp < (rtcp ? 8u : 12u))
		return EBADMSG;
	len = (int)*lenp;
	e = rtcp ? srtp_unprotect_rtcp(s->ctx, p, &len) :
		srtp_unprotect(s->ctx, p, &len);
	switch (e) {
	case srtp_err_status_ok:
		*lenp = (size_t)len;
		return 0;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return EALREADY;
	default:
		/* auth_fail, bad_param, parse_err, no_ctx, cipher_fail */
		return EBADMSG;
	}
}
