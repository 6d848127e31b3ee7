/* cmd/statuscli.h  latchkey status: a running latchkeyd's /status, as text or JSON, from a shell. */
#ifndef LK_STATUSCLI_H
#define LK_STATUSCLI_H

#include <stdio.h>

int lk_statuscli_run(int argc, char **argv);
void lk_statuscli_usage(FILE *f);

#endif
