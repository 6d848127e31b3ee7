/* tests/unit/relay/test_kfwd.c  The eBPF program of the kernel fast path, run on crafted packets (BPF_PROG_TEST_RUN). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#ifdef LK_KFWD_BPF_OBJ

#include <arpa/inet.h>
#include <errno.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/kfwd.h"
#include "pktsum.h"

/*
 * relay/bpf/kfwd.bpf.c loaded from the build (not attached anywhere) and
 * run by the kernel on packets built here.  Nothing is sent.  The packets
 * carry full checksums (CHECKSUM_NONE in the kernel's terms), which
 * loopback, where the integration tests run, never does: this is where
 * the incremental checksum updates are checked against a recomputation.
 * Needs CAP_BPF (root); skipped (77) without.
 */

static struct bpf_object *obj;
static int prog_fd = -1, map_fd = -1, map6_fd = -1;
static unsigned ncpu;

#define RELAY	"127.0.0.1"
#define PEER	"127.0.0.5"
#define OTHER	"127.0.0.7"
#define RPORT	36000	/* the leg's RTP port */
#define OPORT	36002	/* the other leg's */

struct pkt {
	uint8_t b[1600];
	size_t len;
};

/*
 * Ethernet (zeroed, as loopback's), IPv4 without options, UDP with a full
 * checksum, and an RTP packet of `payload` octets with sequence `seq`.
 */
static void pkt_make(struct pkt *k, const char *src, uint16_t sport,
		     const char *dst, uint16_t dport, size_t payload)
{
	uint8_t *ip = k->b + 14, *udp = ip + 20, *rtp = udp + 8;
	size_t ulen = 8 + 12 + payload, i;
	uint16_t c;

	memset(k, 0, sizeof(*k));
	k->b[12] = 0x08;	/* ETH_P_IP */
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + ulen) >> 8);
	ip[3] = (uint8_t)(20 + ulen);
	ip[8] = 64;
	ip[9] = 17;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	rtp[0] = 0x80;
	rtp[1] = 0;		/* PT 0, PCMU */
	rtp[3] = 7;
	rtp[11] = 0xa;
	for (i = 0; i < payload; i++)
		rtp[12 + i] = (uint8_t)(i * 7 + 1);
	k->len = 14 + 20 + ulen;
	c = (uint16_t)~csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	c = udp_check(k);	/* over a zero checksum field: the value */
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/* UDP checksum again after a change the test made on purpose. */
static void udp_fix(struct pkt *k)
{
	uint8_t *udp = k->b + 34;
	uint16_t c;

	udp[6] = udp[7] = 0;
	c = udp_check(k);
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/* Put an H.460.19 multiplexID in front of the RTP packet. */
static void pkt_mux(struct pkt *k, uint32_t id)
{
	uint8_t *ip = k->b + 14, *udp = ip + 20;
	size_t ulen = (size_t)(udp[4] << 8 | udp[5]) + 4;
	uint16_t c;

	memmove(k->b + 46, k->b + 42, k->len - 42);
	k->b[42] = (uint8_t)(id >> 24);
	k->b[43] = (uint8_t)(id >> 16);
	k->b[44] = (uint8_t)(id >> 8);
	k->b[45] = (uint8_t)id;
	k->len += 4;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	ip[2] = (uint8_t)((20 + ulen) >> 8);
	ip[3] = (uint8_t)(20 + ulen);
	ip[10] = ip[11] = 0;
	c = (uint16_t)~csum_fold(csum_add(0, ip, 20));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp_fix(k);
}

static void entry_put_to(const char *peer, uint16_t pport, uint32_t mux_id,
			 uint32_t flags, uint32_t add_id, uint32_t ifindex)
{
	struct lk_kfwd_key key;
	struct lk_kfwd_val *v = calloc(ncpu, sizeof(*v));
	unsigned i;

	assert_non_null(v);
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET, RELAY, &key.relay_addr);
	inet_pton(AF_INET, peer, &key.peer_addr);
	key.relay_port = htons(RPORT);
	key.peer_port = htons(pport);
	key.mux_id = htonl(mux_id);
	for (i = 0; i < ncpu; i++) {
		v[i].flags = flags;
		v[i].add_id = htonl(add_id);
		inet_pton(AF_INET, RELAY, &v[i].new_saddr);
		inet_pton(AF_INET, OTHER, &v[i].new_daddr);
		v[i].new_sport = htons(OPORT);
		v[i].new_dport = htons(5000);
		v[i].ifindex = ifindex;
	}
	assert_int_equal(0, bpf_map_update_elem(map_fd, &key, v, BPF_ANY));
	free(v);
}

static void entry_put(const char *peer, uint16_t pport, uint32_t mux_id,
		      uint32_t flags, uint32_t add_id)
{
	entry_put_to(peer, pport, mux_id, flags, add_id, 0);
}

static uint64_t entry_packets(const char *peer, uint16_t pport,
			      uint64_t *bytes)
{
	struct lk_kfwd_key key;
	struct lk_kfwd_val *v = calloc(ncpu, sizeof(*v));
	uint64_t n = 0;
	unsigned i;

	assert_non_null(v);
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET, RELAY, &key.relay_addr);
	inet_pton(AF_INET, peer, &key.peer_addr);
	key.relay_port = htons(RPORT);
	key.peer_port = htons(pport);
	*bytes = 0;
	if (!bpf_map_lookup_elem(map_fd, &key, v)) {
		for (i = 0; i < ncpu; i++) {
			n += v[i].packets;
			*bytes += v[i].bytes;
		}
	}
	free(v);
	return n;
}

/* Run the program on `k`; the packet as it leaves in `out`. */
static int run(const struct pkt *k, struct pkt *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k->b,
		    .data_size_in = (__u32)k->len, .data_out = out->b,
		    .data_size_out = sizeof(out->b), .repeat = 1);

	memset(out, 0, sizeof(*out));
	assert_int_equal(0, bpf_prog_test_run_opts(prog_fd, &o));
	out->len = o.data_size_out;
	return (int)o.retval;
}

static int group_setup(void **state)
{
	struct bpf_program *p;
	int n = libbpf_num_possible_cpus();

	if (n <= 0)
		return -1;
	ncpu = (unsigned)n;
	obj = bpf_object__open_file(LK_KFWD_BPF_OBJ, NULL);
	if (!obj || bpf_object__load(obj))
		return -1;
	p = bpf_object__find_program_by_name(obj, "lk_kfwd_ingress");
	prog_fd = p ? bpf_program__fd(p) : -1;
	map_fd = bpf_object__find_map_fd_by_name(obj, "lk_kfwd_map");
	map6_fd = bpf_object__find_map_fd_by_name(obj, "lk_kfwd6_map");
	if (prog_fd < 0 || map_fd < 0 || map6_fd < 0)
		return -1;
	entry_put(PEER, 4000, 0, 0, 0);
	entry_put(PEER, 4002, 0x01020304, LK_KFWD_STRIP, 0);
	entry_put(PEER, 4004, 0, LK_KFWD_ADD, 0x0a0b0c0d);
	entry_put(PEER, 4006, 0x01020304, LK_KFWD_STRIP | LK_KFWD_ADD,
		  0x0a0b0c0d);
	/* BPF_PROG_TEST_RUN's packets arrive on lo: ifindex 1. */
	entry_put_to(PEER, 4008, 0, LK_KFWD_LOCAL, 0, 1);
	entry_put_to(PEER, 4010, 0, 0, 0, 1);
	entry_put_to(PEER, 4012, 0, LK_KFWD_LOCAL, 0, 42);
	entry_put_to(PEER, 4014, 0, LK_KFWD_ADD, 0x0a0b0c0d, 42);

	return 0;
}

static int group_teardown(void **state)
{
	bpf_object__close(obj);
	return 0;
}

/*
 * The latched source's RTP: rewritten to what the worker would send
 * (from the relay's other port, to the other side), checksums right,
 * payload untouched, counted with its UDP payload length.
 */
static void latched_rtp_is_rewritten_with_right_checksums(void **state)
{
	struct pkt k, out;
	uint64_t n0, n1, b0, b1;
	char a[INET_ADDRSTRLEN];

	pkt_make(&k, PEER, 4000, RELAY, RPORT, 160);
	assert_int_equal(0, ip_check(&k));
	assert_int_equal(0, udp_check(&k));
	n0 = entry_packets(PEER, 4000, &b0);
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	n1 = entry_packets(PEER, 4000, &b1);
	assert_int_equal(k.len, out.len);
	inet_ntop(AF_INET, out.b + 26, a, sizeof(a));
	assert_string_equal(RELAY, a);
	inet_ntop(AF_INET, out.b + 30, a, sizeof(a));
	assert_string_equal(OTHER, a);
	assert_int_equal(OPORT, out.b[34] << 8 | out.b[35]);
	assert_int_equal(5000, out.b[36] << 8 | out.b[37]);
	assert_int_equal(0, ip_check(&out));
	assert_int_equal(0, udp_check(&out));
	assert_memory_equal(k.b + 42, out.b + 42, k.len - 42);
	assert_int_equal(n0 + 1, n1);
	assert_int_equal(b0 + 172, b1);
}

/* A datagram without a UDP checksum (0, RFC 768) keeps none. */
static void zero_udp_checksum_stays_zero(void **state)
{
	struct pkt k, out;

	pkt_make(&k, PEER, 4000, RELAY, RPORT, 160);
	k.b[40] = k.b[41] = 0;
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	assert_int_equal(0, out.b[40] | out.b[41]);
	assert_int_equal(0, ip_check(&out));
}

/*
 * Everything the worker must see goes up unchanged (TC_ACT_UNSPEC): a
 * foreign source (RTP bleed), another port of the latched host, RTCP,
 * an H.460.19 keep-alive, a header extension, a CSRC list longer than the
 * datagram, another RTP version, STUN, IP options, a fragment, TCP.
 */
static void what_the_worker_must_see_goes_up_unchanged(void **state)
{
	struct pkt k, out;
	unsigned i;

	for (i = 0; i < 11; i++) {
		pkt_make(&k, PEER, 4000, RELAY, RPORT, 160);
		switch (i) {
		case 0: pkt_make(&k, "127.0.0.66", 4000, RELAY, RPORT, 160);
			break;
		case 1: pkt_make(&k, PEER, 4002, RELAY, RPORT, 160); break;
		case 2: k.b[43] = 200; udp_fix(&k); break;	/* RTCP SR */
		case 3: pkt_make(&k, PEER, 4000, RELAY, RPORT, 0); break;
		case 4: k.b[42] |= 0x10; udp_fix(&k); break;
		case 5: pkt_make(&k, PEER, 4000, RELAY, RPORT, 40);
			k.b[42] |= 0x0f; udp_fix(&k); break;	/* 60 > 52 */
		case 6: k.b[42] = 0x40; udp_fix(&k); break;
		case 7: k.b[42] = 0x00; k.b[43] = 0x01; udp_fix(&k); break;
		case 8: k.b[14] = 0x46; break;
		case 9: k.b[20] = 0x20; break;			/* MF */
		case 10: k.b[23] = 6; break;			/* TCP */
		}
		assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
		assert_int_equal(k.len, out.len);
		assert_memory_equal(k.b, out.b, k.len);
	}
}

/*
 * A truncated packet (any length down to the Ethernet header) is never
 * forwarded and never read past its end.
 */
static void truncated_packets_go_up(void **state)
{
	struct pkt k, out;
	size_t len;

	pkt_make(&k, PEER, 4000, RELAY, RPORT, 160);
	for (len = 14; len < k.len; len++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k.b,
			    .data_size_in = (__u32)len, .data_out = out.b,
			    .data_size_out = sizeof(out.b), .repeat = 1);

		/* The kernel may refuse to build so short a packet. */
		if (bpf_prog_test_run_opts(prog_fd, &o))
			continue;
		assert_int_equal(TC_ACT_UNSPEC, (int)o.retval);
	}
}

/*
 * Random headers on the latched 5-tuple: the program either leaves the
 * packet alone or forwards it with both checksums right, never more.
 */
static void random_headers_never_break_a_checksum(void **state)
{
	struct pkt k, out;
	unsigned i, fwd = 0;

	srandom(17);
	for (i = 0; i < 3000; i++) {
		size_t pl = (size_t)(random() % 300), j;
		int r;

		pkt_make(&k, PEER, 4000, RELAY, RPORT, pl);
		for (j = 42; j < 42 + 12 && j < k.len; j++)
			k.b[j] = (uint8_t)random();
		if (random() & 1)
			k.b[42] = (uint8_t)(0x80 | (k.b[42] & 0x2f));
		udp_fix(&k);
		r = run(&k, &out);
		assert_true(r == TC_ACT_OK || r == TC_ACT_UNSPEC);
		if (r == TC_ACT_OK) {
			++fwd;
			assert_int_equal(0, ip_check(&out));
			assert_int_equal(0, udp_check(&out));
		}
		else
			assert_memory_equal(k.b, out.b, k.len);
	}
	assert_true(fwd > 100);
}

/*
 * The headers of a forwarded packet: addresses, ports, lengths, sums; a
 * packet whose multiplexID came off carries no UDP checksum (0, RFC 768:
 * relay/bpf/kfwd.bpf.c, mux_move()) and is checked for that instead.
 */
static void assert_forwarded_sum(const struct pkt *out, bool udp_sum)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, out->b + 26, a, sizeof(a));
	assert_string_equal(RELAY, a);
	inet_ntop(AF_INET, out->b + 30, a, sizeof(a));
	assert_string_equal(OTHER, a);
	assert_int_equal(OPORT, out->b[34] << 8 | out->b[35]);
	assert_int_equal(5000, out->b[36] << 8 | out->b[37]);
	assert_int_equal(out->len - 14, out->b[16] << 8 | out->b[17]);
	assert_int_equal(out->len - 34, out->b[38] << 8 | out->b[39]);
	assert_int_equal(0, ip_check(out));
	if (udp_sum)
		assert_int_equal(0, udp_check(out));
	else
		assert_int_equal(0, out->b[40] << 8 | out->b[41]);
}

static void assert_forwarded(const struct pkt *out)
{
	assert_forwarded_sum(out, true);
}

/*
 * H.460.19 (docs/architecture.md, "Multiplexed media"): from a
 * multiplexed leg the multiplexID comes off; to one it goes in front;
 * both at once between two multiplexed legs.  Lengths and checksums
 * follow; the RTP packet is the same octets.
 */
static void multiplexid_is_stripped_added_or_both(void **state)
{
	struct pkt rtp, k, out;

	pkt_make(&rtp, PEER, 4002, RELAY, RPORT, 160);
	k = rtp;
	pkt_mux(&k, 0x01020304);
	assert_int_equal(0, udp_check(&k));
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	assert_int_equal(rtp.len, out.len);
	assert_forwarded_sum(&out, false);
	assert_memory_equal(rtp.b + 42, out.b + 42, rtp.len - 42);

	pkt_make(&rtp, PEER, 4004, RELAY, RPORT, 160);
	assert_int_equal(TC_ACT_OK, run(&rtp, &out));
	assert_int_equal(rtp.len + 4, out.len);
	assert_forwarded(&out);
	assert_int_equal(0x0a, out.b[42]);
	assert_int_equal(0x0d, out.b[45]);
	assert_memory_equal(rtp.b + 42, out.b + 46, rtp.len - 42);

	pkt_make(&rtp, PEER, 4006, RELAY, RPORT, 161);
	k = rtp;
	pkt_mux(&k, 0x01020304);
	assert_int_equal(TC_ACT_OK, run(&k, &out));
	assert_int_equal(k.len, out.len);
	assert_forwarded(&out);
	assert_int_equal(0x0a, out.b[42]);
	assert_memory_equal(rtp.b + 42, out.b + 46, rtp.len - 42);

	/* Another multiplexID, or none, on the multiplexed 5-tuple: up. */
	k = rtp;
	pkt_make(&k, PEER, 4002, RELAY, RPORT, 160);
	pkt_mux(&k, 0x01020305);
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
	pkt_make(&k, PEER, 4002, RELAY, RPORT, 160);
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
	/* A keep-alive behind the right multiplexID too. */
	pkt_make(&k, PEER, 4002, RELAY, RPORT, 0);
	pkt_mux(&k, 0x01020304);
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
}

/*
 * Where the rewritten packet goes (relay/kfwd.c took the entry's
 * interface from the routing table): to the machine's own address from
 * lo, up the stack (TC_ACT_OK); anywhere else, out of that interface
 * (bpf_redirect_neigh: TC_ACT_REDIRECT), the same octets either way.
 * A local address from another interface goes round through lo, where
 * the relay's own source address is no martian.
 */
static void other_interfaces_get_a_redirect(void **state)
{
	static const struct {
		uint16_t pport;
		int act;
	} c[] = {
		{4008, TC_ACT_OK},	/* local, arrived on lo */
		{4010, TC_ACT_REDIRECT},	/* out of lo to a remote */
		{4012, TC_ACT_REDIRECT},	/* local, arrived elsewhere */
		{4014, TC_ACT_REDIRECT},	/* with a multiplexID added */
	};
	struct pkt k, out;
	uint64_t n0, n1, b0, b1;
	unsigned i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pkt_make(&k, PEER, c[i].pport, RELAY, RPORT, 160);
		n0 = entry_packets(PEER, c[i].pport, &b0);
		assert_int_equal(c[i].act, run(&k, &out));
		n1 = entry_packets(PEER, c[i].pport, &b1);
		assert_forwarded(&out);
		assert_memory_equal(k.b + 42, out.b + out.len - (k.len - 42),
				    k.len - 42);
		assert_int_equal(n0 + 1, n1);
		assert_int_equal(b0 + 172, b1);
	}
	/* Not latched: up to the worker, whatever the entries say. */
	pkt_make(&k, "127.0.0.66", 4010, RELAY, RPORT, 160);
	assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
}

/*
 * IPv6 (lk_kfwd6_map): Ethernet, the 40-octet fixed header, UDP with its
 * checksum over the IPv6 pseudo-header (RFC 8200 s.8.1), RTP.
 */
#define RELAY6	"::1"
#define PEER6	"fd00::5"
#define OTHER6	"fd00::7"
#define IP6	14
#define UDP6	(IP6 + 40)
#define RTP6	(UDP6 + 8)

static uint16_t udp6_check(const struct pkt *k)
{
	const uint8_t *ip = k->b + IP6;
	uint16_t ulen = (uint16_t)(ip[44] << 8 | ip[45]);
	uint32_t s = 0;

	s = csum_add(s, ip + 8, 32);
	s += 17 + ulen;
	s = csum_add(s, ip + 40, ulen);
	return (uint16_t)~csum_fold(s);
}

static void udp6_fix(struct pkt *k)
{
	uint8_t *udp = k->b + UDP6;
	uint16_t c;

	udp[6] = udp[7] = 0;
	c = udp6_check(k);
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/* The IPv6 twin of pkt_make(); `mux` nonzero: a multiplexID in front. */
static void pkt6_make(struct pkt *k, const char *src, uint16_t sport,
		      size_t payload, uint32_t mux)
{
	uint8_t *ip = k->b + IP6, *udp = k->b + UDP6, *rtp = k->b + RTP6;
	size_t hdr = mux ? 4 : 0, ulen = 8 + hdr + 12 + payload, i;

	memset(k, 0, sizeof(*k));
	k->b[12] = 0x86;	/* ETH_P_IPV6 */
	k->b[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = (uint8_t)(ulen >> 8);
	ip[5] = (uint8_t)ulen;
	ip[6] = 17;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, RELAY6, ip + 24);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(RPORT >> 8);
	udp[3] = (uint8_t)RPORT;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	if (mux) {
		rtp[0] = (uint8_t)(mux >> 24);
		rtp[1] = (uint8_t)(mux >> 16);
		rtp[2] = (uint8_t)(mux >> 8);
		rtp[3] = (uint8_t)mux;
		rtp += 4;
	}
	rtp[0] = 0x80;
	rtp[3] = 9;
	rtp[11] = 0x6;
	for (i = 0; i < payload; i++)
		rtp[12 + i] = (uint8_t)(i * 5 + 3);
	k->len = UDP6 + ulen;
	udp6_fix(k);
}

static void entry6_put(uint16_t pport, uint32_t mux_id, uint32_t flags,
		       uint32_t add_id, uint32_t ifindex)
{
	struct lk_kfwd6_key key;
	struct lk_kfwd6_val *v = calloc(ncpu, sizeof(*v));
	unsigned i;

	assert_non_null(v);
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET6, RELAY6, key.relay_addr);
	inet_pton(AF_INET6, PEER6, key.peer_addr);
	key.relay_port = htons(RPORT);
	key.peer_port = htons(pport);
	key.mux_id = htonl(mux_id);
	for (i = 0; i < ncpu; i++) {
		v[i].flags = flags;
		v[i].add_id = htonl(add_id);
		inet_pton(AF_INET6, RELAY6, v[i].new_saddr);
		inet_pton(AF_INET6, OTHER6, v[i].new_daddr);
		v[i].new_sport = htons(OPORT);
		v[i].new_dport = htons(5000);
		v[i].ifindex = ifindex;
	}
	assert_int_equal(0, bpf_map_update_elem(map6_fd, &key, v, BPF_ANY));
	free(v);
}

static uint64_t entry6_packets(uint16_t pport, uint32_t mux_id)
{
	struct lk_kfwd6_key key;
	struct lk_kfwd6_val *v = calloc(ncpu, sizeof(*v));
	uint64_t n = 0;
	unsigned i;

	assert_non_null(v);
	memset(&key, 0, sizeof(key));
	inet_pton(AF_INET6, RELAY6, key.relay_addr);
	inet_pton(AF_INET6, PEER6, key.peer_addr);
	key.relay_port = htons(RPORT);
	key.peer_port = htons(pport);
	key.mux_id = htonl(mux_id);
	if (!bpf_map_lookup_elem(map6_fd, &key, v)) {
		for (i = 0; i < ncpu; i++)
			n += v[i].packets;
	}
	free(v);
	return n;
}

/* Addresses, ports, lengths and the checksum of a forwarded IPv6 one. */
static void assert_forwarded6(const struct pkt *out)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, out->b + IP6 + 8, a, sizeof(a));
	assert_string_equal(RELAY6, a);
	inet_ntop(AF_INET6, out->b + IP6 + 24, a, sizeof(a));
	assert_string_equal(OTHER6, a);
	assert_int_equal(OPORT, out->b[UDP6] << 8 | out->b[UDP6 + 1]);
	assert_int_equal(5000, out->b[UDP6 + 2] << 8 | out->b[UDP6 + 3]);
	assert_int_equal(out->len - UDP6, out->b[IP6 + 4] << 8 |
			 out->b[IP6 + 5]);
	assert_int_equal(out->len - UDP6, out->b[UDP6 + 4] << 8 |
			 out->b[UDP6 + 5]);
	assert_int_equal(0, udp6_check(out));
}

/*
 * The IPv6 path: plain, multiplexID added and replaced, each rewritten
 * with the checksum right (recomputed here) and the RTP octets the same,
 * counted once; to another interface a redirect; a multiplexID to strip
 * alone goes up to user space.
 */
static void ipv6_latched_rtp_is_rewritten(void **state)
{
	static const struct {
		uint16_t pport;
		uint32_t in_mux, flags, ifindex;
		int act;
	} c[] = {
		{6000, 0, 0, 0, TC_ACT_OK},
		{6002, 0x01020304, LK_KFWD_STRIP, 0, TC_ACT_UNSPEC},
		{6004, 0, LK_KFWD_ADD, 0, TC_ACT_OK},
		{6006, 0x01020304, LK_KFWD_STRIP | LK_KFWD_ADD, 0, TC_ACT_OK},
		{6008, 0, LK_KFWD_LOCAL, 1, TC_ACT_OK},
		{6010, 0, 0, 42, TC_ACT_REDIRECT},
	};
	struct pkt rtp, k, out;
	unsigned i;
	uint64_t n0;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t in_hdr = c[i].in_mux ? 4 : 0;
		size_t out_hdr = (c[i].flags & LK_KFWD_ADD) ? 4 : 0;

		entry6_put(c[i].pport, c[i].in_mux, c[i].flags, 0x0a0b0c0d,
			   c[i].ifindex);
		pkt6_make(&rtp, PEER6, c[i].pport, 160 + i, 0);
		pkt6_make(&k, PEER6, c[i].pport, 160 + i, c[i].in_mux);
		assert_int_equal(0, udp6_check(&k));
		n0 = entry6_packets(c[i].pport, c[i].in_mux);
		assert_int_equal(c[i].act, run(&k, &out));
		if (c[i].act == TC_ACT_UNSPEC) {
			/*
			 * Stripping would leave no UDP checksum, which IPv6
			 * forbids: user space forwards it, untouched here.
			 */
			assert_int_equal(n0, entry6_packets(c[i].pport,
							    c[i].in_mux));
			assert_memory_equal(k.b, out.b, k.len);
			continue;
		}
		assert_int_equal(n0 + 1, entry6_packets(c[i].pport,
							c[i].in_mux));
		assert_int_equal(k.len - in_hdr + out_hdr, out.len);
		assert_forwarded6(&out);
		if (out_hdr)
			assert_int_equal(0x0a, out.b[RTP6]);
		assert_memory_equal(rtp.b + RTP6, out.b + RTP6 + out_hdr,
				    rtp.len - RTP6);
	}
}

/*
 * What the worker must see, over IPv6: another source, another port of
 * the latched host, RTCP, a keep-alive, a zero UDP checksum, an extension
 * header (hop-by-hop), a truncated packet.
 */
static void ipv6_what_the_worker_must_see_goes_up(void **state)
{
	struct pkt k, out;
	size_t len;
	unsigned i;

	entry6_put(6000, 0, 0, 0, 0);
	for (i = 0; i < 6; i++) {
		pkt6_make(&k, PEER6, 6000, 160, 0);
		switch (i) {
		case 0: pkt6_make(&k, "fd00::66", 6000, 160, 0); break;
		case 1: pkt6_make(&k, PEER6, 6001, 160, 0); break;
		case 2: k.b[RTP6 + 1] = 200; udp6_fix(&k); break;
		case 3: pkt6_make(&k, PEER6, 6000, 0, 0); break;
		case 4: k.b[UDP6 + 6] = k.b[UDP6 + 7] = 0; break;
		case 5: k.b[IP6 + 6] = 0; break;
		}
		assert_int_equal(TC_ACT_UNSPEC, run(&k, &out));
		assert_memory_equal(k.b, out.b, k.len);
	}
	pkt6_make(&k, PEER6, 6000, 160, 0);
	for (len = 14; len < k.len; len++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = k.b,
			    .data_size_in = (__u32)len, .data_out = out.b,
			    .data_size_out = sizeof(out.b), .repeat = 1);

		if (bpf_prog_test_run_opts(prog_fd, &o))
			continue;
		assert_int_equal(TC_ACT_UNSPEC, (int)o.retval);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(other_interfaces_get_a_redirect),
		cmocka_unit_test(ipv6_latched_rtp_is_rewritten),
		cmocka_unit_test(ipv6_what_the_worker_must_see_goes_up),
		cmocka_unit_test(multiplexid_is_stripped_added_or_both),
		cmocka_unit_test(latched_rtp_is_rewritten_with_right_checksums),
		cmocka_unit_test(zero_udp_checksum_stays_zero),
		cmocka_unit_test(what_the_worker_must_see_goes_up_unchanged),
		cmocka_unit_test(truncated_packets_go_up),
		cmocka_unit_test(random_headers_never_break_a_checksum),
	};
	struct bpf_object *probe;

	/* Without CAP_BPF nothing loads: skip, do not fail. */
	libbpf_set_print(NULL);
	probe = bpf_object__open_file(LK_KFWD_BPF_OBJ, NULL);
	if (!probe || bpf_object__load(probe)) {
		fprintf(stderr, "skipped: cannot load %s: %s\n",
			LK_KFWD_BPF_OBJ, strerror(errno));
		bpf_object__close(probe);
		return 77;
	}
	bpf_object__close(probe);

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

#else

int main(void)
{
	fprintf(stderr, "skipped: built without kernel forwarding\n");
	return 77;
}

#endif
