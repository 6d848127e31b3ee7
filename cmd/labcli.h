/* cmd/labcli.h  latchkey lab: the seed's topology in network namespaces, every row's flow run for real. */
#ifndef LK_LABCLI_H
#define LK_LABCLI_H

#include <stdio.h>

int lk_labcli_run(int argc, char **argv);
void lk_labcli_usage(FILE *f);

#endif
