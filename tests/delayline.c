/*
 * delayline.c: a wire with a delay between two network namespaces, for
 * tests/netns.sh.  It runs in a namespace of its own that holds one end
 * of each of two veth pairs, and every frame that arrives on one of its
 * interfaces leaves by the other one DELAY later, in order.  A loopback
 * or a bare veth pair delivers at once, so two SYNs (or FINs) sent at
 * the same moment never cross on the wire; over this one they do, as in
 * the engine, whose profiles have 50 ms each way.  (The kernel's netem
 * would do it too, where it is built; this only needs packet sockets.)
 *
 *   delayline IFACE_A IFACE_B DELAY_A_TO_B DELAY_B_TO_A   (seconds)
 *
 * It runs until a signal ends it.  Frames beyond QUEUE_LEN waiting in one
 * direction are lost, and said so on stderr.
 *
 * The veths leave checksums to be filled in later (and may hand over
 * segments of up to 64 KB, cut later): each frame travels with the
 * virtio-net header that describes this (PACKET_VNET_HDR), as a virtual
 * machine's network card would pass it on, so the receiver's stack takes
 * it exactly as it would from a direct veth.
 */
#define _GNU_SOURCE		/* ppoll() */

#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>

#define FRAME_MAX (sizeof(struct virtio_net_hdr) + 65536 + 14)
#define QUEUE_LEN 4096

struct frame {
	struct timespec due;
	size_t len;
	unsigned char *data;	/* the virtio-net header, then the frame */
};

/* One direction: frames read from `in` wait, then go out by `out`. */
struct direction {
	const char *name;
	int in, out;
	struct timespec delay;
	struct frame q[QUEUE_LEN];	/* a ring: head, then n frames */
	size_t head, n;
};

static struct direction dirs[2];

static void die(const char *what)
{
	fprintf(stderr, "delayline: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_iface(const char *name)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("packet socket");
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = (int)if_nametoindex(name),
	};
	if (sll.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0)
		die(name);
	int one = 1;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0)
		die("PACKET_VNET_HDR");
	return fd;
}

static struct timespec seconds(const char *s)
{
	double d = strtod(s, NULL);
	struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };
	return ts;
}

static void add(struct timespec *t, struct timespec d)
{
	t->tv_sec += d.tv_sec;
	t->tv_nsec += d.tv_nsec;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static int before(struct timespec a, struct timespec b)
{
	return a.tv_sec < b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec < b.tv_nsec);
}

/* Queue every frame that has arrived on d->in. */
static void take(struct direction *d)
{
	static unsigned char buf[FRAME_MAX];
	for (;;) {
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof from;
		ssize_t n = recvfrom(d->in, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC,
		    (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			die("recvfrom");
		}
		/* What this program sends out by an interface comes back
		 * to its socket there as outgoing: not for the wire. */
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((size_t)n > FRAME_MAX || d->n == QUEUE_LEN) {
			fprintf(stderr, "delayline: %s: a frame of %zd bytes lost\n",
			    d->name, n);
			continue;
		}
		struct frame *f = &d->q[(d->head + d->n) % QUEUE_LEN];
		f->data = malloc((size_t)n);
		if (!f->data)
			die("malloc");
		d->n++;
		clock_gettime(CLOCK_MONOTONIC, &f->due);
		add(&f->due, d->delay);
		f->len = (size_t)n;
		memcpy(f->data, buf, f->len);
	}
}

/* Send what is due; the time the next frame is due, in *next. */
static void give(struct direction *d, struct timespec now, struct timespec *next,
    int *waiting)
{
	while (d->n > 0) {
		struct frame *f = &d->q[d->head];
		if (before(now, f->due)) {
			if (!*waiting || before(f->due, *next))
				*next = f->due;
			*waiting = 1;
			return;
		}
		if (send(d->out, f->data, f->len, 0) < 0)
			fprintf(stderr, "delayline: %s: send: %s\n", d->name,
			    strerror(errno));
		free(f->data);
		d->head = (d->head + 1) % QUEUE_LEN;
		d->n--;
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: delayline IFACE_A IFACE_B "
		    "DELAY_A_TO_B DELAY_B_TO_A\n");
		return 2;
	}
	int a = open_iface(argv[1]), b = open_iface(argv[2]);
	for (int i = 0; i < 2; i++) {
		dirs[i].name = argv[1 + i];
		dirs[i].in = i ? b : a;
		dirs[i].out = i ? a : b;
		dirs[i].delay = seconds(argv[3 + i]);
	}

	for (;;) {
		struct timespec now, next = { 0, 0 };
		int waiting = 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		give(&dirs[0], now, &next, &waiting);
		give(&dirs[1], now, &next, &waiting);

		struct pollfd pfd[2] = { { a, POLLIN, 0 }, { b, POLLIN, 0 } };
		struct timespec wait = { 0, 0 };
		if (waiting) {
			wait.tv_sec = next.tv_sec - now.tv_sec;
			wait.tv_nsec = next.tv_nsec - now.tv_nsec;
			if (wait.tv_nsec < 0) {
				wait.tv_sec--;
				wait.tv_nsec += 1000000000L;
			}
		}
		if (ppoll(pfd, 2, waiting ? &wait : NULL, NULL) < 0 && errno != EINTR)
			die("ppoll");
		take(&dirs[0]);
		take(&dirs[1]);
	}
}
