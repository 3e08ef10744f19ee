/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vnet-rxintr: an rx-interrupt receiver for one port, to test that a
 * driver lets an application sleep until traffic arrives.
 *
 *   vnet-rxintr [EAL options] -- [--rxq N] [--seconds S] [--lsc] [--idle-polls K]
 *
 * Polls every rx queue until K empty rounds in a row, then enables rx
 * interrupts, polls once more (frames that came before the enable raise
 * no interrupt), and sleeps in rte_epoll_wait. After a wakeup it disables
 * interrupts and drains. With --lsc, link changes arrive through
 * RTE_ETH_EVENT_INTR_LSC and are printed. Runs S seconds (or until
 * SIGINT/SIGTERM), then prints one "rxintr:" line of counters.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_epoll.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_mbuf.h>

#define MAX_RXQ 16
#define BURST 32
#define RING 256
#define EPOLL_TIMEOUT_MS 200

static volatile sig_atomic_t quit;
static volatile unsigned int lsc_events;

struct counters {
	uint64_t wakeups, spurious, timeouts, packets, rearm_catches, sleeps;
	uint64_t q_packets[MAX_RXQ], q_wakeups[MAX_RXQ];
};

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double
cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
on_lsc(uint16_t port, enum rte_eth_event_type type, void *arg, void *ret)
{
	struct rte_eth_link link;

	RTE_SET_USED(type);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret);
	lsc_events++;
	rte_eth_link_get_nowait(port, &link);
	printf("lsc: port %u link %s (event %u)\n", port,
	       link.link_status ? "up" : "down", lsc_events);
	fflush(stdout);
	return 0;
}

static uint64_t
drain(uint16_t port, uint16_t q, struct counters *c)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t total = 0;
	uint16_t n, i;

	do {
		n = rte_eth_rx_burst(port, q, pkts, BURST);
		for (i = 0; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
		total += n;
	} while (n == BURST);
	c->packets += total;
	c->q_packets[q] += total;
	return total;
}

static int
intr_all(uint16_t port, uint16_t nb_rxq, bool on)
{
	uint16_t q;
	int ret;

	for (q = 0; q < nb_rxq; q++) {
		ret = on ? rte_eth_dev_rx_intr_enable(port, q) :
			   rte_eth_dev_rx_intr_disable(port, q);
		if (ret != 0) {
			fprintf(stderr, "vnet-rxintr: rx_intr_%s(port %u, queue %u): %s\n",
				on ? "enable" : "disable", port, q, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int
setup(uint16_t port, uint16_t nb_rxq, bool lsc)
{
	struct rte_eth_conf conf = { .intr_conf = { .rxq = 1, .lsc = lsc } };
	struct rte_mempool *mp;
	struct rte_eth_link link;
	uint16_t q;
	int ret;

	mp = rte_pktmbuf_pool_create("rxintr", 2048 + nb_rxq * RING, 64, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "vnet-rxintr: mbuf pool: %s\n", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	ret = rte_eth_dev_configure(port, nb_rxq, nb_rxq, &conf);
	if (ret != 0) {
		fprintf(stderr, "vnet-rxintr: configure port %u with %u queues, intr_conf rxq=1 lsc=%d: %s\n",
			port, nb_rxq, lsc, strerror(-ret));
		return ret;
	}
	for (q = 0; q < nb_rxq && ret == 0; q++) {
		ret = rte_eth_rx_queue_setup(port, q, RING, rte_eth_dev_socket_id(port), NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, RING, rte_eth_dev_socket_id(port), NULL);
	}
	if (ret != 0) {
		fprintf(stderr, "vnet-rxintr: queue setup: %s\n", strerror(-ret));
		return ret;
	}
	if (lsc)
		rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC, on_lsc, NULL);
	ret = rte_eth_dev_start(port);
	if (ret != 0) {
		fprintf(stderr, "vnet-rxintr: start port %u: %s\n", port, strerror(-ret));
		return ret;
	}
	for (q = 0; q < nb_rxq; q++) {
		ret = rte_eth_dev_rx_intr_ctl_q(port, q, RTE_EPOLL_PER_THREAD,
						RTE_INTR_EVENT_ADD,
						(void *)(uintptr_t)q);
		if (ret != 0) {
			fprintf(stderr, "vnet-rxintr: rx_intr_ctl_q(port %u, queue %u): %s\n",
				port, q, strerror(-ret));
			return ret;
		}
	}
	rte_eth_link_get_nowait(port, &link);
	printf("ready: port %u, %u rx queue%s, link %s\n", port, nb_rxq,
	       nb_rxq == 1 ? "" : "s", link.link_status ? "up" : "down");
	fflush(stdout);
	return 0;
}

static void
run(uint16_t port, uint16_t nb_rxq, double seconds, unsigned int idle_polls,
    struct counters *c)
{
	struct rte_epoll_event ev[MAX_RXQ];
	double end = now_ms() + seconds * 1e3;
	unsigned int idle = 0;
	uint16_t q;
	int n, i;

	while (!quit && now_ms() < end) {
		uint64_t got = 0;

		for (q = 0; q < nb_rxq; q++)
			got += drain(port, q, c);
		if (got != 0 || ++idle < idle_polls) {
			if (got != 0)
				idle = 0;
			continue;
		}
		idle = 0;
		if (intr_all(port, nb_rxq, true) != 0)
			return;
		for (q = 0; q < nb_rxq; q++)
			got += drain(port, q, c);
		if (got != 0) {
			c->rearm_catches++;
			intr_all(port, nb_rxq, false);
			continue;
		}
		c->sleeps++;
		n = rte_epoll_wait_interruptible(RTE_EPOLL_PER_THREAD, ev, nb_rxq,
						 EPOLL_TIMEOUT_MS);
		intr_all(port, nb_rxq, false);
		if (n == 0) {
			c->timeouts++;
			continue;
		}
		if (n < 0)
			continue; /* a signal */
		c->wakeups += n;
		for (i = 0; i < n; i++) {
			q = (uint16_t)(uintptr_t)ev[i].epdata.data;
			if (q < nb_rxq)
				c->q_wakeups[q]++;
		}
		for (q = 0; q < nb_rxq; q++)
			got += drain(port, q, c);
		if (got == 0)
			c->spurious++;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rxq", required_argument, NULL, 'q' },
		{ "seconds", required_argument, NULL, 's' },
		{ "lsc", no_argument, NULL, 'l' },
		{ "idle-polls", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int nb_rxq = 1, idle_polls = 16;
	double seconds = 30, t0, c0;
	struct counters c = { 0 };
	struct rte_eth_stats st;
	struct rte_eth_link link;
	bool lsc = false;
	uint16_t port = 0;
	int ret, opt;
	unsigned int q;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vnet-rxintr: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			nb_rxq = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'l':
			lsc = true;
			break;
		case 'i':
			idle_polls = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: vnet-rxintr [EAL] -- [--rxq N] [--seconds S] [--lsc] [--idle-polls K]\n");
			return 2;
		}
	}
	if (nb_rxq == 0 || nb_rxq > MAX_RXQ || seconds <= 0 || seconds > 600 ||
	    idle_polls == 0) {
		fprintf(stderr, "vnet-rxintr: --rxq 1..%d, --seconds 0..600, --idle-polls >= 1\n",
			MAX_RXQ);
		return 2;
	}
	if (rte_eth_dev_count_avail() < 1) {
		fprintf(stderr, "vnet-rxintr: no ethernet port\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (setup(port, (uint16_t)nb_rxq, lsc) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	t0 = now_ms();
	c0 = cpu_ms();
	run(port, (uint16_t)nb_rxq, seconds, idle_polls, &c);
	rte_eth_stats_get(port, &st);
	rte_eth_link_get_nowait(port, &link);
	printf("rxintr: wakeups %" PRIu64 " spurious %" PRIu64 " timeouts %" PRIu64
	       " sleeps %" PRIu64 " rearm_catches %" PRIu64 " packets %" PRIu64
	       " ipackets %" PRIu64 " lsc_events %u link %s cpu_ms %.0f wall_ms %.0f\n",
	       c.wakeups, c.spurious, c.timeouts, c.sleeps, c.rearm_catches, c.packets,
	       st.ipackets, lsc_events, link.link_status ? "up" : "down",
	       cpu_ms() - c0, now_ms() - t0);
	for (q = 0; q < nb_rxq; q++)
		printf("rxintr: queue %u packets %" PRIu64 " wakeups %" PRIu64 "\n", q,
		       c.q_packets[q], c.q_wakeups[q]);
	fflush(stdout);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_eal_cleanup();
	return 0;
}
