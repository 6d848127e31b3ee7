/* mgmt/page.h  GET /: the status page for a person, self-contained HTML. */
#ifndef LK_MGMT_PAGE_H
#define LK_MGMT_PAGE_H

struct evbuffer;

/*
 * The page loads nothing from elsewhere: its style and script are inline,
 * and the script reads only /status from the same origin.
 */
#define LK_MGMT_PAGE_CSP "default-src 'none'; style-src 'unsafe-inline'; " \
	"script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:"

/* Append the page; 0 or ENOMEM. */
int lk_mgmt_page(struct evbuffer *out);

#endif
