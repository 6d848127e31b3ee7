/* cmd/latchkey.c  The operator CLI: the port matrix, firewall rules, probes. */
int main(void)
{
	return 0;
}
