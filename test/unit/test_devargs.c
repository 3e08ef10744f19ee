/* SPDX-License-Identifier: BSD-3-Clause */
/* Devargs: defaults, valid values, and errors that name key and value. */
#include <errno.h>

#include "tap.h"
#include "vnet_devargs.h"

int
main(void)
{
	struct vnet_devargs da;
	char err[256];

	TAP_EQ(vnet_devargs_parse(NULL, &da, err, sizeof(err)), 0, "no devargs");
	TAP_OK(!da.force_legacy && da.event_idx && da.speed == 0, "defaults");
	TAP_EQ(vnet_devargs_parse("", &da, err, sizeof(err)), 0, "empty devargs");
	TAP_EQ(vnet_devargs_parse("force_legacy=1,event_idx=0,speed=10000", &da, err, sizeof(err)), 0,
	       "all keys");
	TAP_OK(da.force_legacy && !da.event_idx && da.speed == 10000, "all values applied");

	err[0] = '\0';
	TAP_EQ(vnet_devargs_parse("force_legasy=1", &da, err, sizeof(err)), -EINVAL, "unknown key fails");
	TAP_CONTAINS(err, "unknown devarg 'force_legasy'", "and names the key");
	TAP_CONTAINS(err, "force_legacy=<0|1>", "and lists the valid ones");

	TAP_EQ(vnet_devargs_parse("event_idx=yes", &da, err, sizeof(err)), -EINVAL, "bad bool fails");
	TAP_CONTAINS(err, "event_idx='yes'", "and names key and value");
	TAP_EQ(vnet_devargs_parse("force_legacy", &da, err, sizeof(err)), -EINVAL, "key without value fails");
	TAP_CONTAINS(err, "force_legacy=''", "and names the key");

	TAP_EQ(vnet_devargs_parse("speed=fast", &da, err, sizeof(err)), -EINVAL, "non-numeric speed fails");
	TAP_CONTAINS(err, "speed='fast'", "and names key and value");
	TAP_EQ(vnet_devargs_parse("speed=0", &da, err, sizeof(err)), -EINVAL, "zero speed fails");
	TAP_EQ(vnet_devargs_parse("speed=-5", &da, err, sizeof(err)), -EINVAL, "negative speed fails");
	TAP_EQ(vnet_devargs_parse("speed=400001", &da, err, sizeof(err)), -EINVAL, "speed over the cap fails");
	TAP_EQ(vnet_devargs_parse("speed=99999999999999999999", &da, err, sizeof(err)), -EINVAL,
	       "overflowing speed fails");
	TAP_EQ(vnet_devargs_parse("speed=100,bogus=1", &da, err, sizeof(err)), -EINVAL,
	       "a bad key after a good one fails");
	TAP_CONTAINS(err, "'bogus'", "and names the bad key");
	return tap_done();
}
