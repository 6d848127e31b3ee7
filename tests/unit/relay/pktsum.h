/* tests/unit/relay/pktsum.h  Internet checksums of a loopback frame, recomputed in full. */
/*
 * For the tests that run eBPF programs on crafted frames (test_kfwd,
 * test_kturn): the IPv4 header checksum and the UDP checksum with its
 * pseudo-header (RFC 1071, RFC 768) computed from scratch, to hold the
 * programs' incremental updates against.  A frame is loopback's: a zeroed
 * 14-octet Ethernet header, then IPv4 without options.  Each is 0 when
 * the sum in the frame is right.
 */
#ifndef LK_TEST_PKTSUM_H
#define LK_TEST_PKTSUM_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static inline uint16_t pktsum_ip4(const uint8_t *frame)
{
	return (uint16_t)~csum_fold(csum_add(0, frame + 14, 20));
}

static inline uint16_t pktsum_udp4(const uint8_t *frame)
{
	const uint8_t *ip = frame + 14;
	uint16_t ulen = (uint16_t)(ip[24] << 8 | ip[25]);
	uint32_t s = 0;

	s = csum_add(s, ip + 12, 8);
	s += 17 + ulen;
	s = csum_add(s, ip + 20, ulen);
	return (uint16_t)~csum_fold(s);
}

/* On a test's struct pkt, whatever its buffer's size. */
#define ip_check(k)	pktsum_ip4((k)->b)
#define udp_check(k)	pktsum_udp4((k)->b)

#endif
