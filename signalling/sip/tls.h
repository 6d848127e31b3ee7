/* signalling/sip/tls.h  OpenSSL contexts for SIP over TLS: configured or self-signed. */
/*
 * OpenSSL contexts for SIP over TLS and the words a failed connection is
 * logged with; contexts are freed by the caller with SSL_CTX_free().
 */
#ifndef LK_SIPTLS_H
#define LK_SIPTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

struct ssl_ctx_st;

/*
 * The server context of the SIP TLS port: the certificate and key of
 * "Protocols > SIP > TLS certificate / TLS private key", or, when they are
 * unset, a self-signed certificate made in memory at start (EC P-256,
 * valid one year, CN and subjectAltName "latchkey" and the listening
 * address), with a warning in the log: a lab default, not for production.
 * On failure `errbuf` names the file and OpenSSL's reason.  The caller
 * frees the context with SSL_CTX_free().
 */
int lk_siptls_server_ctx(struct ssl_ctx_st **ctxp, const struct lk_conf *conf,
			 char *errbuf, size_t errsz);

/*
 * The same for any TLS server port: `cert` and `key` are the configured
 * files ("" for unset; an unset key means the certificate file holds it),
 * `section` the configuration section whose keys they are and `port` the
 * port's name, both used in the warning and in `errbuf`, so that each
 * port's messages name its own keys.
 */
int lk_tls_server_ctx(struct ssl_ctx_st **ctxp, const char *cert,
		      const char *key, const char *address, const char *section,
		      const char *port, char *errbuf, size_t errsz);

/*
 * The client context of outgoing TLS connections.  It does not verify the
 * peer's certificate yet (lab use); the next step names a CA file.
 */
int lk_siptls_client_ctx(struct ssl_ctx_st **ctxp);

/*
 * What happened to a TCP or TLS connection that failed, in words, in
 * `buf`: the OpenSSL reason of `sslerr` (the error libevent's OpenSSL
 * bufferevent took from the queue, 0: none) as "TLS: <reason>"; a system
 * error inside it, or `sockerr` (errno) when there is no OpenSSL error,
 * as strerror() says it ("Connection reset by peer"); neither as "closed
 * by the peer (EOF)", and for TLS "without close_notify" (RFC 8446 s.6.1).
 * Never NULL or "(null)".
 */
const char *lk_siptls_error_text(char *buf, size_t sz, unsigned long sslerr,
				 int sockerr, bool tls);

#endif
