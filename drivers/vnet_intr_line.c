/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_byteorder.h>
#include <rte_interrupts.h>
#include <ethdev_driver.h>
#include <ethdev_pci.h>
#include <bus_pci_driver.h>

#include "vnet_intr_line.h"
#include "vnet_spec.h"
#include "vnet_transport.h"

static inline struct vnet_hw *
hw_of(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

uint16_t
vnet_msix_ctrl(struct rte_eth_dev *dev, bool *ok)
{
	struct vnet_hw *hw = hw_of(dev);
	uint16_t ctrl = 0;

	*ok = hw->msix_cap_off != 0 &&
	      rte_pci_read_config(RTE_ETH_DEV_TO_PCI(dev), &ctrl, sizeof(ctrl),
				  hw->msix_cap_off + VNET_PCI_MSIX_FLAGS) ==
		      (int)sizeof(ctrl);
	return rte_le_to_cpu_16(ctrl);
}

/*
 * vfio turns MSI-X on and off with the interrupts; the legacy device
 * config moves with it (virtio 1.2 §4.1.4.8).
 */
void
vnet_msix_refresh(struct rte_eth_dev *dev)
{
	struct vnet_hw *hw = hw_of(dev);
	bool ok;
	uint16_t ctrl = vnet_msix_ctrl(dev, &ok);

	if (!ok)
		return;
	hw->msix_enabled = (ctrl & VNET_PCI_MSIX_ENABLE) != 0;
	if (!hw->modern)
		hw->legacy_cfg_off = vnet_legacy_config_offset(hw->msix_enabled);
}

/*
 * uio_pci_generic masks INTx in its handler and user space unmasks it.
 * The EAL does that with a one-byte write of the command register's high
 * byte, which QEMU (7.2) applies without updating the interrupt line: a
 * line masked while asserted then stays up, an interrupt storm the kernel
 * ends by disabling the IRQ. A 16-bit write of the whole register does not.
 */
static int
intx_mask(struct rte_eth_dev *dev, bool mask)
{
	struct rte_pci_device *pci = RTE_ETH_DEV_TO_PCI(dev);
	uint16_t cmd;

	if (rte_pci_read_config(pci, &cmd, sizeof(cmd), VNET_PCI_COMMAND) !=
	    (int)sizeof(cmd))
		return -EIO;
	cmd = rte_le_to_cpu_16(cmd);
	cmd = mask ? cmd | VNET_PCI_COMMAND_INTX_DISABLE :
		     cmd & ~VNET_PCI_COMMAND_INTX_DISABLE;
	cmd = rte_cpu_to_le_16(cmd);
	return rte_pci_write_config(pci, &cmd, sizeof(cmd), VNET_PCI_COMMAND) ==
	       (int)sizeof(cmd) ? 0 : -EIO;
}

int
vnet_line_enable(struct rte_eth_dev *dev)
{
	if (hw_of(dev)->kdrv == VNET_KDRV_UIO_GENERIC)
		return intx_mask(dev, false);
	rte_intr_disable(dev->intr_handle);
	return rte_intr_enable(dev->intr_handle);
}

void
vnet_line_disable(struct rte_eth_dev *dev)
{
	if (hw_of(dev)->kdrv == VNET_KDRV_UIO_GENERIC)
		intx_mask(dev, true);
	else
		rte_intr_disable(dev->intr_handle);
}

void
vnet_line_ack(struct rte_eth_dev *dev)
{
	if (hw_of(dev)->kdrv == VNET_KDRV_UIO_GENERIC)
		intx_mask(dev, false);
	else
		rte_intr_ack(dev->intr_handle);
}
