/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the devargs parser (rte_kvargs underneath). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_devargs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vnet_devargs da;
	char *args = malloc(size + 1);
	char err[256];
	int ret;

	if (args == NULL)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	err[0] = '\0';
	ret = vnet_devargs_parse(args, &da, err, sizeof(err));
	if (ret != 0 && (ret != -EINVAL || err[0] == '\0'))
		abort(); /* every refusal is -EINVAL with a message */
	if (ret == 0 && da.speed > VNET_SPEED_MAX_MBPS)
		abort();
	free(args);
	return 0;
}
