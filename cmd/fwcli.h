/* cmd/fwcli.h  latchkey firewall: nftables or iptables rules for the seed's topology from the configurations. */
#ifndef LK_FWCLI_H
#define LK_FWCLI_H

#include <stdio.h>

int lk_fwcli_run(int argc, char **argv);
void lk_fwcli_usage(FILE *f);

#endif
