/* relay/turnauth.c  TURN long-term credentials, REST passwords, stateless nonces. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <re.h>

#include "turnauth.h"

#define USERS_MAX 64

struct user {
	char name[64];
	uint8_t key[LK_TURNAUTH_KEY_LEN];
};

struct lk_turnauth {
	char realm[64];
	char secret[128];
	bool rest;
	uint8_t nonce_key[32];
	struct user users[USERS_MAX];
	unsigned nusers;
};

static void auth_destructor(void *arg)
{
	struct lk_turnauth *a = arg;

	OPENSSL_cleanse(a, sizeof(*a));
}

int lk_turnauth_ha1(uint8_t *key, const char *user, const char *realm,
		    const char *password)
{
	char buf[512];
	unsigned int n = 0;
	int len;

	if (!key || !user || !realm || !password)
		return EINVAL;
	len = snprintf(buf, sizeof(buf), "%s:%s:%s", user, realm, password);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return EINVAL;
	if (!EVP_Digest(buf, (size_t)len, key, &n, EVP_md5(), NULL) ||
	    n != LK_TURNAUTH_KEY_LEN) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return EIO;
	}
	OPENSSL_cleanse(buf, sizeof(buf));

	return 0;
}

int lk_turnauth_rest_password(char *buf, size_t sz, const char *secret,
			      const char *username)
{
	uint8_t mac[20];
	unsigned int n = 0;
	size_t olen = sz;
	int err;

	if (!buf || !secret || !username)
		return EINVAL;
	if (!HMAC(EVP_sha1(), secret, (int)strlen(secret),
		  (const uint8_t *)username, strlen(username), mac, &n))
		return EIO;
	if (sz < 29)
		return ENOBUFS;
	err = base64_encode(mac, sizeof(mac), buf, &olen);
	if (err || olen >= sz)
		return err ? err : ENOBUFS;
	buf[olen] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));

	return 0;
}

static bool user_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == '+';
}

/* "name:password, ..." as config/conf_check.c validates KT_USERS. */
static int users_parse(struct lk_turnauth *a, const char *s)
{
	const char *c = s;
	char pw[256];
	int err;

	while (*c) {
		struct user *u;
		size_t n = 0, p = 0;

		while (*c == ' ' || *c == '\t' || *c == ',')
			++c;
		if (!*c)
			break;
		if (a->nusers >= USERS_MAX)
			return EINVAL;
		u = &a->users[a->nusers];
		while (user_char(c[n]))
			++n;
		if (!n || n >= sizeof(u->name) || c[n] != ':')
			return EINVAL;
		memcpy(u->name, c, n);
		u->name[n] = '\0';
		c += n + 1;
		while (c[p] && c[p] != ',' && c[p] != ' ' && c[p] != '\t')
			++p;
		if (!p || p >= sizeof(pw))
			return EINVAL;
		memcpy(pw, c, p);
		pw[p] = '\0';
		c += p;
		err = lk_turnauth_ha1(u->key, u->name, a->realm, pw);
		OPENSSL_cleanse(pw, sizeof(pw));
		if (err)
			return err;
		++a->nusers;
	}

	return 0;
}

int lk_turnauth_alloc(struct lk_turnauth **ap, const char *realm,
		      const char *users, const char *secret)
{
	struct lk_turnauth *a;
	int err = 0;

	if (!ap || !realm || strlen(realm) >= sizeof(a->realm) ||
	    (secret && strlen(secret) >= sizeof(a->secret)))
		return EINVAL;
	a = mem_zalloc(sizeof(*a), auth_destructor);
	if (!a)
		return ENOMEM;
	memcpy(a->realm, realm, strlen(realm) + 1);
	if (secret && *secret) {
		memcpy(a->secret, secret, strlen(secret) + 1);
		a->rest = true;
	}
	if (getrandom(a->nonce_key, sizeof(a->nonce_key), 0) !=
	    (ssize_t)sizeof(a->nonce_key)) {
		err = EIO;
		goto out;
	}
	err = users_parse(a, users ? users : "");

 out:
	if (err)
		mem_deref(a);
	else
		*ap = a;

	return err;
}

const char *lk_turnauth_realm(const struct lk_turnauth *a)
{
	return a ? a->realm : "";
}

int lk_turnauth_key(const struct lk_turnauth *a, uint8_t *key,
		    const char *username, uint64_t now, const char **userp,
		    size_t *ulenp)
{
	const char *colon;
	char pw[32];
	unsigned i;
	int err;

	if (!a || !key || !username)
		return EINVAL;
	/*
	 * REST: "EXPIRY:NAME".  Tried before the configured users, as coturn
	 * does with use-auth-secret; a configured name never has a colon.
	 */
	colon = strchr(username, ':');
	if (a->rest && colon && colon > username) {
		uint64_t expiry = 0;
		const char *d;

		for (d = username; d < colon; d++) {
			if (*d < '0' || *d > '9' || expiry > UINT64_MAX / 10)
				return ENOENT;
			expiry = expiry * 10 + (uint64_t)(*d - '0');
		}
		if (expiry < now)
			return ETIMEDOUT;
		err = lk_turnauth_rest_password(pw, sizeof(pw), a->secret,
						username);
		if (!err)
			err = lk_turnauth_ha1(key, username, a->realm, pw);
		OPENSSL_cleanse(pw, sizeof(pw));
		if (err)
			return err;
		if (userp)
			*userp = colon + 1;
		if (ulenp)
			*ulenp = strlen(colon + 1);
		return 0;
	}
	for (i = 0; i < a->nusers; i++) {
		if (strcmp(a->users[i].name, username))
			continue;
		memcpy(key, a->users[i].key, LK_TURNAUTH_KEY_LEN);
		if (userp)
			*userp = username;
		if (ulenp)
			*ulenp = strlen(username);
		return 0;
	}

	return ENOENT;
}

static void nonce_mac(const struct lk_turnauth *a, char *hex,
		      const struct sa *src, uint32_t t)
{
	uint8_t in[4 + 16], mac[20];
	unsigned int n = 0, i;
	uint32_t be = htonl(t);
	size_t len = 4;

	memcpy(in, &be, 4);
	if (sa_af(src) == AF_INET) {
		uint32_t v4 = htonl(sa_in(src));

		memcpy(in + 4, &v4, 4);
		len += 4;
	}
	else if (sa_af(src) == AF_INET6) {
		sa_in6(src, in + 4);
		len += 16;
	}
	HMAC(EVP_sha1(), a->nonce_key, sizeof(a->nonce_key), in, len, mac,
	     &n);
	for (i = 0; i < 12; i++)
		sprintf(hex + 2 * i, "%02x", mac[i]);
}

void lk_turnauth_nonce(const struct lk_turnauth *a,
		       char nonce[LK_TURNAUTH_NONCE_LEN + 1],
		       const struct sa *src, uint64_t now)
{
	uint32_t t = (uint32_t)now;

	snprintf(nonce, 11, "lk%08x", t);
	nonce_mac(a, nonce + 10, src, t);
}

int lk_turnauth_nonce_check(const struct lk_turnauth *a, const char *nonce,
			    const struct sa *src, uint64_t now,
			    unsigned lifetime)
{
	char want[LK_TURNAUTH_NONCE_LEN + 1];
	unsigned long t;
	char *end;

	if (!a || !nonce || !src || strlen(nonce) != LK_TURNAUTH_NONCE_LEN ||
	    nonce[0] != 'l' || nonce[1] != 'k')
		return ESTALE;
	memcpy(want, nonce + 2, 8);
	want[8] = '\0';
	t = strtoul(want, &end, 16);
	if (*end || (uint32_t)((uint32_t)now - (uint32_t)t) > lifetime)
		return ESTALE;
	nonce_mac(a, want, src, (uint32_t)t);
	if (CRYPTO_memcmp(want, nonce + 10, 24))
		return ESTALE;

	return 0;
}

int lk_turnauth_mi_check(const uint8_t *msg, size_t len, const uint8_t *key,
			 size_t keylen)
{
	uint8_t buf[8192], mac[20];
	unsigned int n = 0;
	size_t off = 20;

	if (!msg || len < 20 || !key)
		return EBADMSG;
	while (off + 4 <= len) {
		uint16_t type = (uint16_t)(msg[off] << 8 | msg[off + 1]);
		size_t alen = (size_t)(msg[off + 2] << 8 | msg[off + 3]);

		if (type == 0x0008) {
			if (alen != 20 || off + 24 > len)
				return EBADMSG;
			break;
		}
		off += 4 + ((alen + 3) & ~(size_t)3);
	}
	if (off + 24 > len)
		return EBADMSG;
	/*
	 * RFC 8489 s.14.5: the length covers up to MESSAGE-INTEGRITY.  The
	 * covered part is copied (a TURN message over UDP is at most one
	 * datagram) so that the header can be changed without touching the
	 * caller's buffer.
	 */
	if (off > sizeof(buf))
		return EBADMSG;
	memcpy(buf, msg, off);
	buf[2] = (uint8_t)((off + 24 - 20) >> 8);
	buf[3] = (uint8_t)(off + 24 - 20);
	if (!HMAC(EVP_sha1(), key, (int)keylen, buf, off, mac, &n) || n != 20)
		return ENOMEM;

	return CRYPTO_memcmp(mac, msg + off + 4, 20) ? EACCES : 0;
}
