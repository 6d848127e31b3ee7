/* tests/fuzz/fuzz_turn.c  libFuzzer: the TURN server's input path (STUN, TURN methods, ChannelData). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <re.h>

#include "turn.h"
#include "turnauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * One server for the whole run, on loopback.  Every input goes in twice:
 * as it is (Binding, indications, ChannelData, anything), and as the
 * attributes of an authenticated request (method from its first octet)
 * that carries a valid MESSAGE-INTEGRITY, so that Allocate, Refresh,
 * CreatePermission and ChannelBind are reached past authentication.
 *
 * No datagram may leave loopback: "Denied peers" covers every address
 * but 127.0.0.0/8, and the built-in list all of that but 127.0.0.1.
 */
static struct event_base *base;
static struct lk_turn *turn;
static int cli = -1;
static struct sa src;
static char nonce[64];
static uint8_t key[LK_TURNAUTH_KEY_LEN];

static const uint16_t methods[] = {
	STUN_METHOD_ALLOCATE, STUN_METHOD_REFRESH, STUN_METHOD_CREATEPERM,
	STUN_METHOD_CHANBIND,
};

static int loopback_socket(struct sa *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct sa a;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd < 0 || sa_set_str(&a, "127.0.0.1", 0) ||
	    bind(fd, &a.u.sa, a.len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		abort();
	if (addr && sa_set_sa(addr, (struct sockaddr *)&ss))
		abort();

	return fd;
}

/* Read what the server sent back, so that the socket never fills. */
static void drain(uint8_t *last, size_t *lastlen)
{
	uint8_t buf[4096];
	ssize_t r;

	while ((r = recv(cli, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (last && (size_t)r <= 4096) {
			memcpy(last, buf, (size_t)r);
			*lastlen = (size_t)r;
		}
	}
}

static void setup(void)
{
	static const uint8_t udp = IPPROTO_UDP;
	struct lk_turn_conf cfg;
	struct stun_msg *m = NULL;
	struct mbuf *mb;
	uint8_t tid[12] = {1}, last[4096];
	size_t lastlen = 0;
	char err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.address = "127.0.0.1";
	cfg.relay = (struct lk_range){39200, 39215};
	cfg.order = LK_PORT_ORDER_SEQUENTIAL;
	cfg.realm = "lab";
	cfg.users = "fuzz:pw";
	cfg.secret = "s3cr3t";
	cfg.allowed = "127.0.0.1";
	cfg.denied = "0.0.0.0/2, 64.0.0.0/3, 96.0.0.0/4, 112.0.0.0/5, "
		     "120.0.0.0/6, 124.0.0.0/7, 126.0.0.0/8, 128.0.0.0/1, ::/0";
	cfg.max_lifetime = 3600;
	cfg.default_lifetime = 600;
	cfg.perm_lifetime = 300;
	cfg.channel_lifetime = 600;
	cfg.reservation_lifetime = 30;
	cfg.nonce_lifetime = 100000000;
	cfg.perms_max = 8;
	cfg.channels_max = 8;
	cfg.sweep_ms = 1000;
	base = event_base_new();
	if (!base || lk_turn_alloc(&turn, base, &cfg, err, sizeof(err)) ||
	    lk_turn_add_socket(turn, loopback_socket(NULL)))
		abort();
	cli = loopback_socket(&src);
	if (lk_turnauth_ha1(key, "fuzz", "lab", "pw"))
		abort();
	/* A 401 tells the nonce. */
	mb = mbuf_alloc(128);
	if (!mb || stun_msg_encode(mb, STUN_METHOD_ALLOCATE,
				   STUN_CLASS_REQUEST, tid, NULL, NULL, 0,
				   false, 0, 1, STUN_ATTR_REQ_TRANSPORT, &udp))
		abort();
	lk_turn_input(turn, 0, &src, mb->buf, mb->end);
	mem_deref(mb);
	drain(last, &lastlen);
	mb = mbuf_alloc(lastlen);
	if (!mb || mbuf_write_mem(mb, last, lastlen))
		abort();
	mb->pos = 0;
	if (stun_msg_decode(&m, mb, NULL) ||
	    !stun_msg_attr(m, STUN_ATTR_NONCE))
		abort();
	snprintf(nonce, sizeof(nonce), "%s",
		 stun_msg_attr(m, STUN_ATTR_NONCE)->v.nonce);
	mem_deref(m);
	mem_deref(mb);
}

/* Header, USERNAME, REALM, NONCE, the input's octets, then
 * MESSAGE-INTEGRITY over all of it (RFC 8489 s.14.5). */
static void authenticated(const uint8_t *data, size_t size)
{
	struct mbuf *mb = mbuf_alloc(256 + size);
	uint8_t tid[12] = {2}, mac[20];
	size_t len;

	if (!mb || size > 2000)
		goto out;
	if (stun_msg_encode(mb, methods[data[0] & 3], STUN_CLASS_REQUEST,
			    tid, NULL, NULL, 0, false, 0, 3,
			    STUN_ATTR_USERNAME, "fuzz", STUN_ATTR_REALM, "lab",
			    STUN_ATTR_NONCE, nonce))
		goto out;
	mb->pos = mb->end;
	if (mbuf_write_mem(mb, data + 1, size - 1))
		goto out;
	len = mb->end;
	mb->buf[2] = (uint8_t)((len + 24 - 20) >> 8);
	mb->buf[3] = (uint8_t)(len + 24 - 20);
	hmac_sha1(key, sizeof(key), mb->buf, len, mac, sizeof(mac));
	if (mbuf_write_u16(mb, htons(STUN_ATTR_MSG_INTEGRITY)) ||
	    mbuf_write_u16(mb, htons(20)) || mbuf_write_mem(mb, mac, 20))
		goto out;
	lk_turn_input(turn, 0, &src, mb->buf, mb->end);

 out:
	mem_deref(mb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!turn)
		setup();
	lk_turn_input(turn, 0, &src, data, size);
	if (size >= 1)
		authenticated(data, size);
	/* And as a TCP stream (TURN over TCP): frame by frame. */
	{
		size_t off = 0, n, frame;

		while (!lk_turn_tcp_frame(data + off, size - off, &n,
					  &frame)) {
			if (n > frame || frame > size - off)
				abort();
			lk_turn_input(turn, 0, &src, data + off, n);
			off += frame;
		}
	}
	/* Let relay sockets read what reached them, then clean up. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	lk_turn_sweep(turn);
	drain(NULL, NULL);

	return 0;
}
