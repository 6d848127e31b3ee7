/* cmd/ngcli.h  latchkey ng: talk to a relay's ng session-control port from a shell. */
#ifndef LK_NGCLI_H
#define LK_NGCLI_H

#include <stdio.h>

int lk_ngcli_run(int argc, char **argv);
void lk_ngcli_usage(FILE *f);

#endif
