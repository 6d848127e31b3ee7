/* relay/srtpossl.c  OpenSSL under libsrtp2: its AES-ICM, AES-GCM and HMAC-SHA1 types. */
/*
 * libsrtp2 does SRTP (RFC 3711): key derivation, packet indexes, the replay
 * window, which octets are encrypted and authenticated.  For the block
 * cipher and the MAC it calls "cipher types" and "auth types" from a table
 * that it lets an application replace (srtp_replace_cipher_type() and
 * srtp_replace_auth_type(), public API, srtp2/cipher.h and srtp2/auth.h).
 * Debian's libsrtp2 fills that table with NSS, which creates a PK11
 * context, takes a lock and allocates inside every operation: 41% of the
 * relay's CPU at 100k SRTP packets/s, and more the more legs there are
 * (docs/performance.md, "SRTP").  This file fills it with OpenSSL (the
 * project's TLS library already), keeping one EVP context per cipher or
 * MAC for the stream's life, so an operation only sets an IV and runs: no
 * allocation and no lock per packet.
 *
 * Nothing here is cryptography of its own: AES-CTR, AES-GCM and HMAC-SHA1
 * are OpenSSL's; this is the adapter between the two libraries' calling
 * conventions.  libsrtp2 runs each type's known-answer tests before it
 * accepts the replacement (srtp_replace_*_type() fails otherwise), with the
 * published vectors below; tests/unit/relay/test_srtp.c checks whole
 * packets against libsrtp2's reference ones.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include "srtpossl.h"

/*
 * AES in counter mode as RFC 3711 s.4.1.1 uses it: the key is followed by
 * a 112-bit salt; the counter block of a packet is the salt (shifted left
 * 16 bits) XOR the IV libsrtp2 gives (SSRC, packet index), the low 16 bits
 * counting blocks.  OpenSSL's CTR mode counts in the whole block, which is
 * the same as long as a packet stays under 2^16 blocks (1 MiB).
 */
#define ICM_SALT 14
#define GCM_SALT 12
#define SHA1_LEN 20

/*
 * One cipher of either mode.  Counter mode: the salt, then two zero
 * octets; GCM: the tag length, and whether set_iv() chose encryption.
 */
struct aes {
	EVP_CIPHER_CTX *ctx;
	int aes_len;		/* 16 or 32 */
	uint8_t salt[16];
	int tag_len;
	int encrypt;
};

struct hmac {
	EVP_MAC_CTX *ctx;
};

/* One allocation: libsrtp2's object, then ours; freed by aes_dealloc(). */
struct cipher_block {
	srtp_cipher_t c;
	struct aes aes;
};

struct auth_block {
	srtp_auth_t a;
	struct hmac h;
};

static EVP_MAC *hmac_mac;

/* The key lengths libsrtp2 asks for (key + salt) and what each one is. */
struct aes_kind {
	int key_len;
	int algorithm;
	const srtp_cipher_type_t *type;
	int salt_len;
};

static const srtp_cipher_type_t icm128_type, icm256_type, gcm128_type,
	gcm256_type;

static const struct aes_kind kinds[] = {
	{SRTP_AES_ICM_128_KEY_LEN_WSALT, SRTP_AES_ICM_128, &icm128_type,
	 ICM_SALT},
	{SRTP_AES_ICM_256_KEY_LEN_WSALT, SRTP_AES_ICM_256, &icm256_type,
	 ICM_SALT},
	{SRTP_AES_GCM_128_KEY_LEN_WSALT, SRTP_AES_GCM_128, &gcm128_type,
	 GCM_SALT},
	{SRTP_AES_GCM_256_KEY_LEN_WSALT, SRTP_AES_GCM_256, &gcm256_type,
	 GCM_SALT},
};

static srtp_err_status_t aes_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len, bool gcm)
{
	const struct aes_kind *k = NULL;
	struct cipher_block *b;
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		bool kind_gcm = kinds[i].algorithm == SRTP_AES_GCM_128 ||
			kinds[i].algorithm == SRTP_AES_GCM_256;

		if (kinds[i].key_len == key_len && kind_gcm == gcm)
			k = &kinds[i];
	}
	if (!k || (gcm && tag_len != 8 && tag_len != 16))
		return srtp_err_status_bad_param;
	b = calloc(1, sizeof(*b));
	if (!b)
		return srtp_err_status_alloc_fail;
	b->aes.ctx = EVP_CIPHER_CTX_new();
	if (!b->aes.ctx) {
		free(b);
		return srtp_err_status_alloc_fail;
	}
	b->aes.aes_len = key_len - k->salt_len;
	b->aes.tag_len = tag_len;
	b->c.type = k->type;
	b->c.algorithm = k->algorithm;
	b->c.key_len = key_len;
	b->c.state = &b->aes;
	*cp = &b->c;

	return srtp_err_status_ok;
}

static srtp_err_status_t aes_dealloc(srtp_cipher_pointer_t cp)
{
	struct cipher_block *b = (struct cipher_block *)cp;

	EVP_CIPHER_CTX_free(b->aes.ctx);
	OPENSSL_cleanse(b, sizeof(*b));
	free(b);

	return srtp_err_status_ok;
}

/* AES-ICM */

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len)
{
	return aes_alloc(cp, key_len, tag_len, false);
}

static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
	struct aes *s = state;
	const EVP_CIPHER *cipher = s->aes_len == 16 ? EVP_aes_128_ctr() :
		EVP_aes_256_ctr();

	memset(s->salt, 0, sizeof(s->salt));
	memcpy(s->salt, key + s->aes_len, ICM_SALT);
	if (EVP_EncryptInit_ex(s->ctx, cipher, NULL, key, NULL) != 1)
		return srtp_err_status_init_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv,
				    srtp_cipher_direction_t dir)
{
	struct aes *s = state;
	uint8_t ctr[16];
	size_t i;

	(void)dir;	/* counter mode: the same both ways */
	for (i = 0; i < sizeof(ctr); i++)
		ctr[i] = s->salt[i] ^ iv[i];
	if (EVP_EncryptInit_ex(s->ctx, NULL, NULL, NULL, ctr) != 1)
		return srtp_err_status_cipher_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t icm_crypt(void *state, uint8_t *buf,
				   unsigned int *len)
{
	struct aes *s = state;
	int out;

	if (*len > INT32_MAX ||
	    EVP_EncryptUpdate(s->ctx, buf, &out, buf, (int)*len) != 1)
		return srtp_err_status_cipher_fail;

	return srtp_err_status_ok;
}

/* AES-GCM (RFC 7714): libsrtp2 builds the 96-bit IV and the AAD itself. */

static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len)
{
	return aes_alloc(cp, key_len, tag_len, true);
}

static srtp_err_status_t gcm_init(void *state, const uint8_t *key)
{
	struct aes *s = state;
	const EVP_CIPHER *cipher = s->aes_len == 16 ? EVP_aes_128_gcm() :
		EVP_aes_256_gcm();

	/* The salt after the key is libsrtp2's to use (in the IV). */
	if (EVP_CipherInit_ex(s->ctx, cipher, NULL, key, NULL, 1) != 1)
		return srtp_err_status_init_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv,
				    srtp_cipher_direction_t dir)
{
	struct aes *s = state;

	s->encrypt = dir == srtp_direction_encrypt;
	if (dir != srtp_direction_encrypt && dir != srtp_direction_decrypt)
		return srtp_err_status_bad_param;
	if (EVP_CipherInit_ex(s->ctx, NULL, NULL, NULL, iv, s->encrypt) != 1)
		return srtp_err_status_cipher_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad,
				     uint32_t len)
{
	struct aes *s = state;
	int out;

	if (len > INT32_MAX ||
	    EVP_CipherUpdate(s->ctx, NULL, &out, aad, (int)len) != 1)
		return srtp_err_status_cipher_fail;

	return srtp_err_status_ok;
}

/* Encrypts in place; the tag comes after, from gcm_get_tag(). */
static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buf,
				     unsigned int *len)
{
	struct aes *s = state;
	int out;

	if (!s->encrypt || *len > INT32_MAX ||
	    EVP_CipherUpdate(s->ctx, buf, &out, buf, (int)*len) != 1)
		return srtp_err_status_cipher_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag,
				     uint32_t *len)
{
	struct aes *s = state;
	uint8_t none[16];
	int out;

	if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1 ||
	    EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_GET_TAG, s->tag_len,
				tag) != 1)
		return srtp_err_status_algo_fail;
	*len = (uint32_t)s->tag_len;

	return srtp_err_status_ok;
}

/*
 * `*len` counts the ciphertext and the tag after it; on success it is
 * the plaintext's length.  A tag that does not verify is auth_fail, which
 * libsrtp2 returns to the relay as such (counted, the packet dropped).
 */
static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buf,
				     unsigned int *len)
{
	struct aes *s = state;
	unsigned int n;
	uint8_t none[16];
	int out;

	if (s->encrypt || *len < (unsigned int)s->tag_len || *len > INT32_MAX)
		return srtp_err_status_bad_param;
	n = *len - (unsigned int)s->tag_len;
	if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_GCM_SET_TAG, s->tag_len,
				buf + n) != 1 ||
	    EVP_CipherUpdate(s->ctx, buf, &out, buf, (int)n) != 1)
		return srtp_err_status_cipher_fail;
	if (EVP_CipherFinal_ex(s->ctx, none, &out) != 1)
		return srtp_err_status_auth_fail;
	*len = n;

	return srtp_err_status_ok;
}

/* HMAC-SHA1 (RFC 3711 s.4.2.1), the key and the MAC kept for the stream. */

static const srtp_auth_type_t hmac_type;

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len,
				    int out_len)
{
	struct auth_block *b;

	if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 ||
	    out_len > SHA1_LEN)
		return srtp_err_status_bad_param;
	b = calloc(1, sizeof(*b));
	if (!b)
		return srtp_err_status_alloc_fail;
	b->h.ctx = EVP_MAC_CTX_new(hmac_mac);
	if (!b->h.ctx) {
		free(b);
		return srtp_err_status_alloc_fail;
	}
	b->a.type = &hmac_type;
	b->a.state = &b->h;
	b->a.out_len = out_len;
	b->a.key_len = key_len;
	b->a.prefix_len = 0;
	*ap = &b->a;

	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t ap)
{
	struct auth_block *b = (struct auth_block *)ap;

	EVP_MAC_CTX_free(b->h.ctx);
	OPENSSL_cleanse(b, sizeof(*b));
	free(b);

	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key,
				   int key_len)
{
	struct hmac *h = state;
	char digest[] = "SHA1";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 digest, 0),
		OSSL_PARAM_construct_end(),
	};

	if (EVP_MAC_init(h->ctx, key, (size_t)key_len, params) != 1)
		return srtp_err_status_init_fail;

	return srtp_err_status_ok;
}

/* Starts a new MAC with the key given to hmac_init(). */
static srtp_err_status_t hmac_start(void *state)
{
	struct hmac *h = state;

	if (EVP_MAC_init(h->ctx, NULL, 0, NULL) != 1)
		return srtp_err_status_auth_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *msg,
				     int len)
{
	struct hmac *h = state;

	if (len < 0 || EVP_MAC_update(h->ctx, msg, (size_t)len) != 1)
		return srtp_err_status_auth_fail;

	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *msg,
				      int len, int tag_len, uint8_t *tag)
{
	struct hmac *h = state;
	uint8_t mac[SHA1_LEN];
	size_t n;

	if (tag_len < 0 || tag_len > SHA1_LEN || len < 0 ||
	    EVP_MAC_update(h->ctx, msg, (size_t)len) != 1 ||
	    EVP_MAC_final(h->ctx, mac, &n, sizeof(mac)) != 1 ||
	    n != SHA1_LEN)
		return srtp_err_status_auth_fail;
	memcpy(tag, mac, (size_t)tag_len);

	return srtp_err_status_ok;
}

/*
 * Known answers, checked by libsrtp2 before it takes each type: RFC 3711
 * appendix B.2 (AES-CM keystream: the plaintext is zeros, the IV zero so
 * the counter is the salt), RFC 6188 s.7.1 (AES-256-CM), the GCM
 * specification's test cases 4 and 16 (McGrew and Viega; with AAD, the 12
 * octets after the key stand for the SRTP salt and are not used by the
 * cipher) and RFC 2202 s.3 test case 1 (HMAC-SHA1).
 */
static const uint8_t icm128_key[SRTP_AES_ICM_128_KEY_LEN_WSALT] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static const uint8_t icm256_key[SRTP_AES_ICM_256_KEY_LEN_WSALT] = {
	0x57, 0xf8, 0x2f, 0xe3, 0x61, 0x3f, 0xd1, 0x70,
	0xa8, 0x5e, 0xc9, 0x3c, 0x40, 0xb1, 0xf0, 0x92,
	0x2e, 0xc4, 0xcb, 0x0d, 0xc0, 0x25, 0xb5, 0x82,
	0x72, 0x14, 0x7c, 0xc4, 0x38, 0x94, 0x4a, 0x98,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
	0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd,
};
static uint8_t icm_iv[16];
static const uint8_t zeros48[48];
static const uint8_t icm128_stream[48] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80,
	0xe1, 0x66, 0xb1, 0x6d, 0xd9, 0x2b, 0x4e, 0xb4,
	0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7,
	0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
	0x41, 0xe9, 0x5b, 0x3b, 0xb0, 0xa2, 0xe8, 0xdd,
	0x47, 0x79, 0x01, 0xe4, 0xfc, 0xa8, 0x94, 0xc0,
};
static const uint8_t icm256_stream[48] = {
	0x92, 0xbd, 0xd2, 0x8a, 0x93, 0xc3, 0xf5, 0x25,
	0x11, 0xc6, 0x77, 0xd0, 0x8b, 0x55, 0x15, 0xa4,
	0x9d, 0xa7, 0x1b, 0x23, 0x78, 0xa8, 0x54, 0xf6,
	0x70, 0x50, 0x75, 0x6d, 0xed, 0x16, 0x5b, 0xac,
	0x63, 0xc4, 0x86, 0x8b, 0x70, 0x96, 0xd8, 0x84,
	0x21, 0xb5, 0x63, 0xb8, 0xc9, 0x4c, 0x9a, 0x31,
};

static const srtp_cipher_test_case_t icm128_test = {
	SRTP_AES_ICM_128_KEY_LEN_WSALT, icm128_key, icm_iv,
	sizeof(zeros48), zeros48, sizeof(icm128_stream), icm128_stream,
	0, NULL, 0, NULL,
};
static const srtp_cipher_test_case_t icm256_test = {
	SRTP_AES_ICM_256_KEY_LEN_WSALT, icm256_key, icm_iv,
	sizeof(zeros48), zeros48, sizeof(icm256_stream), icm256_stream,
	0, NULL, 0, NULL,
};

static const uint8_t gcm128_key[SRTP_AES_GCM_128_KEY_LEN_WSALT] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
	/* salt: unused by the cipher */
};
static const uint8_t gcm256_key[SRTP_AES_GCM_256_KEY_LEN_WSALT] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c,
	0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08,
};
static uint8_t gcm_iv[12] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad,
	0xde, 0xca, 0xf8, 0x88,
};
static const uint8_t gcm_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef,
	0xab, 0xad, 0xda, 0xd2,
};
static const uint8_t gcm_plain[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5,
	0xa5, 0x59, 0x09, 0xc5, 0xaf, 0xf5, 0x26, 0x9a,
	0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72,
	0x1c, 0x3c, 0x0c, 0x95, 0x95, 0x68, 0x09, 0x53,
	0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57,
	0xba, 0x63, 0x7b, 0x39,
};
static const uint8_t gcm128_cipher[60 + 16] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24,
	0x4b, 0x72, 0x21, 0xb7, 0x84, 0xd0, 0xd4, 0x9c,
	0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
	0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e,
	0x21, 0xd5, 0x14, 0xb2, 0x54, 0x66, 0x93, 0x1c,
	0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
	0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97,
	0x3d, 0x58, 0xe0, 0x91,
	/* tag */
	0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb,
	0x94, 0xfa, 0xe9, 0x5a, 0xe7, 0x12, 0x1a, 0x47,
};
static const uint8_t gcm256_cipher[60 + 16] = {
	0x52, 0x2d, 0xc1, 0xf0, 0x99, 0x56, 0x7d, 0x07,
	0xf4, 0x7f, 0x37, 0xa3, 0x2a, 0x84, 0x42, 0x7d,
	0x64, 0x3a, 0x8c, 0xdc, 0xbf, 0xe5, 0xc0, 0xc9,
	0x75, 0x98, 0xa2, 0xbd, 0x25, 0x55, 0xd1, 0xaa,
	0x8c, 0xb0, 0x8e, 0x48, 0x59, 0x0d, 0xbb, 0x3d,
	0xa7, 0xb0, 0x8b, 0x10, 0x56, 0x82, 0x88, 0x38,
	0xc5, 0xf6, 0x1e, 0x63, 0x93, 0xba, 0x7a, 0x0a,
	0xbc, 0xc9, 0xf6, 0x62,
	/* tag */
	0x76, 0xfc, 0x6e, 0xce, 0x0f, 0x4e, 0x17, 0x68,
	0xcd, 0xdf, 0x88, 0x53, 0xbb, 0x2d, 0x55, 0x1b,
};

static const srtp_cipher_test_case_t gcm128_test = {
	SRTP_AES_GCM_128_KEY_LEN_WSALT, gcm128_key, gcm_iv,
	sizeof(gcm_plain), gcm_plain, sizeof(gcm128_cipher), gcm128_cipher,
	sizeof(gcm_aad), gcm_aad, 16, NULL,
};
static const srtp_cipher_test_case_t gcm256_test = {
	SRTP_AES_GCM_256_KEY_LEN_WSALT, gcm256_key, gcm_iv,
	sizeof(gcm_plain), gcm_plain, sizeof(gcm256_cipher), gcm256_cipher,
	sizeof(gcm_aad), gcm_aad, 16, NULL,
};

static const uint8_t hmac_key[20] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t hmac_data[8] = "Hi There";
static const uint8_t hmac_tag[20] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};
static const srtp_auth_test_case_t hmac_test = {
	sizeof(hmac_key), hmac_key, sizeof(hmac_data), hmac_data,
	sizeof(hmac_tag), hmac_tag, NULL,
};

static const srtp_cipher_type_t icm128_type = {
	icm_alloc, aes_dealloc, icm_init, NULL, icm_crypt, icm_crypt,
	icm_set_iv, NULL, "AES-128 counter mode (OpenSSL)", &icm128_test,
	SRTP_AES_ICM_128,
};
static const srtp_cipher_type_t icm256_type = {
	icm_alloc, aes_dealloc, icm_init, NULL, icm_crypt, icm_crypt,
	icm_set_iv, NULL, "AES-256 counter mode (OpenSSL)", &icm256_test,
	SRTP_AES_ICM_256,
};
static const srtp_cipher_type_t gcm128_type = {
	gcm_alloc, aes_dealloc, gcm_init, gcm_set_aad, gcm_encrypt,
	gcm_decrypt, gcm_set_iv, gcm_get_tag, "AES-128 GCM (OpenSSL)",
	&gcm128_test, SRTP_AES_GCM_128,
};
static const srtp_cipher_type_t gcm256_type = {
	gcm_alloc, aes_dealloc, gcm_init, gcm_set_aad, gcm_encrypt,
	gcm_decrypt, gcm_set_iv, gcm_get_tag, "AES-256 GCM (OpenSSL)",
	&gcm256_test, SRTP_AES_GCM_256,
};
static const srtp_auth_type_t hmac_type = {
	hmac_alloc, hmac_dealloc, hmac_init, hmac_compute, hmac_update,
	hmac_start, "HMAC-SHA1 (OpenSSL)", &hmac_test, SRTP_HMAC_SHA1,
};

int lk_srtpossl_install(void)
{
	if (!hmac_mac)
		hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!hmac_mac)
		return ENOSYS;
	if (srtp_replace_cipher_type(&icm128_type, SRTP_AES_ICM_128) ||
	    srtp_replace_cipher_type(&icm256_type, SRTP_AES_ICM_256) ||
	    srtp_replace_auth_type(&hmac_type, SRTP_HMAC_SHA1))
		return EPROTO;
	/* GCM only where libsrtp2 has the suite at all (a crypto library). */
	if (srtp_replace_cipher_type(&gcm128_type, SRTP_AES_GCM_128) ||
	    srtp_replace_cipher_type(&gcm256_type, SRTP_AES_GCM_256))
		return EPROTO;

	return 0;
}
