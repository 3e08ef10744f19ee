/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A secondary process shares the primary's ethdev data, vnet_hw and rings
 * (hugepage memory, same addresses) but has its own code addresses, BAR
 * mappings and port-I/O rights: vnet_local, set up here. It may poll
 * queues and read or clear stats. Whatever changes the device's state
 * (configure, start, stop, reset, queue setup, MTU, queue start/stop) is
 * refused with a clear error: two processes must not race on the
 * device's registers, and the primary owns them.
 */
#include <errno.h>

#include <rte_bus_pci.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <bus_pci_driver.h>
#include <ethdev_pci.h>

#include "vnet_hw.h"
#include "vnet_log.h"
#include "vnet_pci.h"
#include "vnet_secondary.h"
#include "vnet_transport.h"

static int
refuse(struct rte_eth_dev *dev, const char *what)
{
	struct vnet_hw *hw = dev->data->dev_private;

	VNET_LOG(ERR, hw->name,
		 "port %u: %s refused in a secondary process: the primary owns the device's configuration; run it in the primary (a secondary may poll queues and read stats)",
		 hw->port_id, what);
	return -E_RTE_SECONDARY;
}

static int
sec_configure(struct rte_eth_dev *dev)
{
	return refuse(dev, "configure");
}

static int
sec_start(struct rte_eth_dev *dev)
{
	return refuse(dev, "port start");
}

static int
sec_stop(struct rte_eth_dev *dev)
{
	return refuse(dev, "port stop");
}

static int
sec_reset(struct rte_eth_dev *dev)
{
	return refuse(dev, "port reset");
}

static int
sec_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	RTE_SET_USED(mtu);
	return refuse(dev, "MTU set");
}

static int
sec_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_rxconf *conf,
		   struct rte_mempool *mp)
{
	RTE_SET_USED(qid);
	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	RTE_SET_USED(mp);
	return refuse(dev, "rx queue setup");
}

static int
sec_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		   unsigned int socket, const struct rte_eth_txconf *conf)
{
	RTE_SET_USED(qid);
	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	return refuse(dev, "tx queue setup");
}

static int
sec_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	return refuse(dev, "rx queue start");
}

static int
sec_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	return refuse(dev, "rx queue stop");
}

static int
sec_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	return refuse(dev, "tx queue start");
}

static int
sec_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	return refuse(dev, "tx queue stop");
}

static struct eth_dev_ops sec_ops;

/* Only reads (and stats clears) are taken from the primary's table. */
static const struct eth_dev_ops *
secondary_ops(const struct eth_dev_ops *p)
{
	struct eth_dev_ops o = {
		.dev_infos_get = p->dev_infos_get,
		.link_update = p->link_update,
		.stats_get = p->stats_get,
		.stats_reset = p->stats_reset,
		.xstats_get = p->xstats_get,
		.xstats_get_names = p->xstats_get_names,
		.xstats_reset = p->xstats_reset,
		.rxq_info_get = p->rxq_info_get,
		.txq_info_get = p->txq_info_get,
		.dev_close = vnet_secondary_close,
		.dev_configure = sec_configure,
		.dev_start = sec_start,
		.dev_stop = sec_stop,
		.dev_reset = sec_reset,
		.mtu_set = sec_mtu_set,
		.rx_queue_setup = sec_rx_queue_setup,
		.tx_queue_setup = sec_tx_queue_setup,
		.rx_queue_start = sec_rx_queue_start,
		.rx_queue_stop = sec_rx_queue_stop,
		.tx_queue_start = sec_tx_queue_start,
		.tx_queue_stop = sec_tx_queue_stop,
	};

	sec_ops = o;
	return &sec_ops;
}

/* Map the device for this process and open the primary's transport. */
static int
attach(struct rte_pci_device *pci, struct vnet_hw *hw)
{
	struct vnet_bar bars[VNET_PCI_BAR_COUNT];
	char err[256];
	int ret;

	ret = vnet_bars_read(rte_pci_get_sysfs_path(), hw->name, bars, err,
			     sizeof(err));
	if (ret != 0) {
		VNET_LOG(ERR, hw->name, "secondary process: cannot read BARs: %s", err);
		return -EIO;
	}
	if (hw->kdrv == VNET_KDRV_UIO_GENERIC) {
		ret = vnet_local_map_sysfs(hw, bars, err, sizeof(err));
		if (ret != 0)
			VNET_LOG(ERR, hw->name,
				 "secondary process: %s; run the secondary as root, like the primary",
				 err);
	} else {
		ret = vnet_local_map_bus(pci, hw);
		if (ret != 0)
			VNET_LOG(ERR, hw->name,
				 "secondary process: mapping the device through %s failed (see the EAL messages above); run the secondary with the primary's --file-prefix",
				 vnet_kdrv_name(hw->kdrv));
	}
	if (ret == 0 && hw->modern) {
		ret = vnet_modern_map(hw);
		if (ret != 0)
			VNET_LOG(ERR, hw->name,
				 "secondary process: the BARs of the primary's modern transport are not mapped in this process; run the secondary with the same DPDK and kernel driver as the primary");
	} else if (ret == 0) {
		ret = vnet_legacy_open(pci, hw, bars, hw->kdrv);
	}
	if (ret != 0) {
		vnet_local_release(pci, hw);
		return ret;
	}
	VNET_LOG(INFO, hw->name,
		 "secondary process: port %u, %s transport%s%s, BARs %s",
		 hw->port_id, vnet_ops(hw)->name, hw->modern ? "" : ", BAR0 access ",
		 hw->modern ? "" :
		 vnet_io_method_name(vnet_local(hw)->legacy_io.method),
		 vnet_local(hw)->bars_owned ? "mapped from sysfs" : "mapped by the PCI bus");
	return 0;
}

int
vnet_secondary_init(struct rte_eth_dev *dev, const struct eth_dev_ops *primary_ops)
{
	struct rte_pci_device *pci = RTE_ETH_DEV_TO_PCI(dev);
	struct vnet_hw *hw = dev->data->dev_private;
	int ret;

	if (hw == NULL || hw->magic != VNET_HW_MAGIC ||
	    hw->port_id != dev->data->port_id) {
		VNET_LOG(ERR, vnet_pci_name(pci),
			 "secondary process: the primary does not drive this device with this net_vnet build (another driver, another plugin build, or a port being reset); load the same librte_net_vnet.so in both processes");
		return -ENOTSUP;
	}
	ret = attach(pci, hw);
	if (ret != 0)
		return ret;
	dev->dev_ops = secondary_ops(primary_ops);
	return 0;
}

int
vnet_secondary_close(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = dev->data->dev_private;

	if (vnet_ops(hw) != NULL)
		vnet_transport_fini(RTE_ETH_DEV_TO_PCI(dev), hw);
	return 0;
}
