/* tests/unit/h323/capture.h  The real captures' messages in tests/data/h323/: load one, round-trip a family byte-exact. */
#ifndef LK_TEST_H323_CAPTURE_H
#define LK_TEST_H323_CAPTURE_H

#include <dirent.h>
#include <stdint.h>
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

/* A libpcap file of raw IPv4 (LINKTYPE_RAW) for tshark to read. */
static inline FILE *capture_pcap_open(const char *path)
{
	static const uint8_t ghdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0 };
	FILE *f = fopen(path, "wb");

	if (f && fwrite(ghdr, 1, sizeof(ghdr), f) != sizeof(ghdr)) {
		fclose(f);
		return NULL;
	}
	return f;
}

/* One UDP datagram src -> dst (addresses and ports in network order). */
static inline void capture_pcap_udp(FILE *f, uint32_t ts, uint32_t src,
				    uint16_t sport, uint32_t dst,
				    uint16_t dport, const uint8_t *p,
				    size_t len)
{
	uint8_t rec[16], ip[20] = { 0x45, 0 }, udp[8];
	uint32_t tot = 28 + (uint32_t)len, sum = 0;
	size_t k;

	memcpy(rec, &ts, 4);
	memset(rec + 4, 0, 4);
	memcpy(rec + 8, &tot, 4);	/* little-endian host */
	memcpy(rec + 12, &tot, 4);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	for (k = 0; k < 20; k += 2)
		sum += (uint32_t)(ip[k] << 8 | ip[k + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
	memcpy(udp, &sport, 2);
	memcpy(udp + 2, &dport, 2);
	udp[4] = (uint8_t)((8 + len) >> 8);
	udp[5] = (uint8_t)(8 + len);
	udp[6] = udp[7] = 0;	/* no checksum (RFC 768) */
	fwrite(rec, 1, sizeof(rec), f);
	fwrite(ip, 1, sizeof(ip), f);
	fwrite(udp, 1, sizeof(udp), f);
	fwrite(p, 1, len, f);
}

/*
 * One message, whose octets start at out + 4, in a TPKT (RFC 1006) as a
 * text2pcap hex dump: offset 000000 starts a packet.
 */
static inline void capture_print_tpkt(uint8_t *out, size_t len)
{
	size_t k;

	out[0] = 3;
	out[1] = 0;
	out[2] = (uint8_t)((len + 4) >> 8);
	out[3] = (uint8_t)(len + 4);
	for (k = 0; k < len + 4; k++) {
		if (k % 16 == 0)
			printf("%06zx", k);
		printf(" %02x%s", out[k],
		       k % 16 == 15 || k == len + 3 ? "\n" : "");
	}
}

#endif
