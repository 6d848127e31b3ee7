/* signalling/sip/tls.c  OpenSSL contexts for SIP over TLS: configured or self-signed. */
/*
 * Owns nothing past its return: the SSL_CTX it makes is the caller's
 * (SSL_CTX_free), and the error text is written into the caller's buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "sip/tls.h"

/* OpenSSL's error queue as one reason, once (STYLE: convert in the wrapper). */
static const char *ssl_reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	return r ? r : "unknown OpenSSL error";
}

const char *lk_siptls_error_text(char *buf, size_t sz, unsigned long sslerr,
				 int sockerr, bool tls)
{
	const char *r;

	if (!sz)
		return buf;
	/*
	 * libevent's OpenSSL bufferevent queues SSL_get_error()'s code (no
	 * library part) before the errors of OpenSSL's queue: for
	 * SSL_ERROR_SYSCALL, a reset or an EOF, the cause is errno.
	 */
	if (sslerr && !ERR_GET_LIB(sslerr)) {
		switch (sslerr) {

		case SSL_ERROR_SYSCALL:
			sslerr = 0;
			break;
		case SSL_ERROR_ZERO_RETURN:
			snprintf(buf, sz, "closed by the peer (TLS "
				 "close_notify)");
			return buf;
		default:
			snprintf(buf, sz, "TLS: SSL_get_error() %lu", sslerr);
			return buf;
		}
	}
	/* OpenSSL puts a failed read() or write() in its queue as ERR_LIB_SYS. */
	if (sslerr && ERR_GET_LIB(sslerr) == ERR_LIB_SYS) {
		sockerr = ERR_GET_REASON(sslerr);
		sslerr = 0;
	}
	if (sslerr) {
		r = ERR_reason_error_string(sslerr);
		if (r) {
			snprintf(buf, sz, "TLS: %s", r);
		}
		else {
			char e[128];

			ERR_error_string_n(sslerr, e, sizeof(e));
			snprintf(buf, sz, "TLS: %s", e);
		}
	}
	else if (sockerr) {
		snprintf(buf, sz, "%s", strerror(sockerr));
	}
	else {
		snprintf(buf, sz, "closed by the peer (EOF)%s",
			 tls ? " without TLS close_notify" : "");
	}

	return buf;
}

static int add_ext(X509 *crt, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, crt, crt, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return EINVAL;
	ok = X509_add_ext(crt, ext, -1);
	X509_EXTENSION_free(ext);

	return ok ? 0 : EINVAL;
}

/* A self-signed certificate for the lab: one year, P-256, SHA-256. */
static int self_signed(SSL_CTX *ctx, const char *address)
{
	X509_NAME *name;
	EVP_PKEY *key;
	X509 *crt = NULL;
	char san[128];
	int err = EINVAL;

	key = EVP_EC_gen("P-256");
	if (!key)
		return EINVAL;
	crt = X509_new();
	if (!crt)
		goto out;
	X509_set_version(crt, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(crt), (long)time(NULL));
	X509_gmtime_adj(X509_getm_notBefore(crt), -3600);
	X509_gmtime_adj(X509_getm_notAfter(crt), 365L * 24 * 3600);
	X509_set_pubkey(crt, key);
	name = X509_get_subject_name(crt);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
				   (const unsigned char *)"latchkey lab", -1,
				   -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"latchkey", -1, -1,
				   0);
	X509_set_issuer_name(crt, name);
	snprintf(san, sizeof(san), "DNS:latchkey,IP:%s", address);
	if (add_ext(crt, NID_subject_alt_name, san) &&
	    add_ext(crt, NID_subject_alt_name, "DNS:latchkey"))
		goto out;
	if (!X509_sign(crt, key, EVP_sha256()))
		goto out;
	if (SSL_CTX_use_certificate(ctx, crt) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1)
		goto out;
	err = 0;

 out:
	X509_free(crt);
	EVP_PKEY_free(key);

	return err;
}

int lk_tls_server_ctx(struct ssl_ctx_st **ctxp, const char *cert,
		      const char *key, const char *address, const char *section,
		      const char *port, char *errbuf, size_t errsz)
{
	const char *keyfile;
	SSL_CTX *ctx;

	if (!ctxp || !cert || !key || !address || !section || !port)
		return EINVAL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		snprintf(errbuf, errsz, "TLS: %s", ssl_reason());
		return ENOMEM;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (!cert[0]) {
		if (self_signed(ctx, address)) {
			snprintf(errbuf, errsz, "TLS: cannot make a self-signed "
				 "certificate: %s", ssl_reason());
			SSL_CTX_free(ctx);
			return EINVAL;
		}
		lk_warn("%s > TLS certificate is not set: the %s uses a "
			"self-signed certificate made at start (CN latchkey); "
			"peers that verify certificates will refuse it; set "
			"TLS certificate and TLS private key for anything "
			"beyond a lab", section, port);
		*ctxp = ctx;
		return 0;
	}
	keyfile = key[0] ? key : cert;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(errbuf, errsz, "%s > TLS certificate = %s: %s",
			 section, cert, ssl_reason());
		SSL_CTX_free(ctx);
		return EINVAL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, keyfile, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(errbuf, errsz, "%s > TLS private key = %s: %s",
			 section, keyfile, ssl_reason());
		SSL_CTX_free(ctx);
		return EINVAL;
	}
	*ctxp = ctx;

	return 0;
}

int lk_siptls_server_ctx(struct ssl_ctx_st **ctxp, const struct lk_conf *conf,
			 char *errbuf, size_t errsz)
{
	if (!conf)
		return EINVAL;

	return lk_tls_server_ctx(ctxp, conf->sip_tls_cert, conf->sip_tls_key,
				 conf->address, "Protocols > SIP",
				 "SIP TLS port", errbuf, errsz);
}

int lk_siptls_client_ctx(struct ssl_ctx_st **ctxp)
{
	SSL_CTX *ctx;

	if (!ctxp)
		return EINVAL;
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return ENOMEM;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	*ctxp = ctx;

	return 0;
}
