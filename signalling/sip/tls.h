/* signalling/sip/tls.h  OpenSSL contexts for SIP over TLS: configured or self-signed. */
#ifndef LK_SIPTLS_H
#define LK_SIPTLS_H

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
 * The client context of outgoing TLS connections.  It does not verify the
 * peer's certificate yet (lab use); the next step names a CA file.
 */
int lk_siptls_client_ctx(struct ssl_ctx_st **ctxp);

#endif
