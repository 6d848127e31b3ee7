/* tests/fuzz/replay.c  Run a libFuzzer driver over every file of a corpus. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	size_t n;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	/* One spare byte so that an empty file still gives a valid pointer. */
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return 1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);

	return 0;
}

int main(int argc, char **argv)
{
	struct dirent *de;
	unsigned nfiles = 0;
	char path[4096];
	DIR *dir;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	dir = opendir(argv[1]);
	if (!dir) {
		fprintf(stderr, "replay: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		err |= replay_file(path);
		++nfiles;
	}
	closedir(dir);
	if (!nfiles) {
		fprintf(stderr, "replay: %s holds no input\n", argv[1]);
		return 1;
	}
	printf("replayed %u inputs from %s\n", nfiles, argv[1]);

	return err;
}
