/* cmd/probecli.h  latchkey probe: check the seed's flows against a live latchkeyd from where it runs. */
#ifndef LK_PROBECLI_H
#define LK_PROBECLI_H

#include <stdio.h>

int lk_probecli_run(int argc, char **argv);
void lk_probecli_usage(FILE *f);

#endif
