/* cmd/latchkeyd.c  The daemon: loads the configuration, binds, runs. */
int main(void)
{
	return 0;
}
