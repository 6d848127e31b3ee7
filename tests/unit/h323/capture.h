/* tests/unit/h323/capture.h  The real captures' messages in tests/data/h323/: load one, round-trip a family byte-exact. */
#ifndef LK_TEST_H323_CAPTURE_H
#define LK_TEST_H323_CAPTURE_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "h323/asn.h"

/* One extracted message (run from tests/, as ctest does). */
static inline size_t capture_load(const char *name, uint8_t *buf, size_t cap)
{
	char path[300];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "data/h323/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

/*
 * Every data/h323/<prefix>* file decodes as type t and encodes back to the
 * very same octets; returns how many there were.
 */
static inline unsigned capture_roundtrip(const char *prefix,
					 const struct lk_asn_type *t,
					 uint8_t *mem, size_t memlen)
{
	DIR *d = opendir("data/h323");
	struct dirent *e;
	unsigned count = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		struct lk_asn_arena ar;
		struct lk_asn_val *v = NULL;
		uint8_t in[4096], out[4096];
		size_t len, olen, errbit = 0, i;
		int err;

		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		len = capture_load(e->d_name, in, sizeof(in));
		lk_asn_arena_init(&ar, mem, memlen);
		err = lk_asn_decode(t, in, len, &ar, &v, &errbit);
		if (err)
			print_error("%s: error %d at bit %zu\n", e->d_name, err,
				    errbit);
		assert_int_equal(err, 0);
		assert_int_equal(lk_asn_encode(v, out, sizeof(out), &olen), 0);
		if (olen != len || memcmp(in, out, len)) {
			for (i = 0; i < len && i < olen && in[i] == out[i]; i++)
				;
			print_error("%s: %zu vs %zu octets, first difference "
				    "at octet %zu\n", e->d_name, len, olen, i);
			fail();
		}
		count++;
	}
	closedir(d);
	return count;
}

#endif
