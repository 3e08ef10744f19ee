/* SPDX-License-Identifier: BSD-3-Clause */
/* Devargs: defaults, valid values, and errors that name key and value. */
#include <errno.h>

#include "tap.h"
#include "vnet_devargs.h"

/* Every invalid value of every key, and malformed lists: one message each. */
static const struct {
	const char *args;
	const char *names; /* the key and value as the message quotes them */
	const char *fix;   /* what the message says to use */
} invalid[] = {
	{ "force_legacy=2", "force_legacy='2'", "use 0 or 1" },
	{ "force_legacy=true", "force_legacy='true'", "use 0 or 1" },
	{ "force_legacy=", "force_legacy=''", "use 0 or 1" },
	{ "event_idx=-1", "event_idx='-1'", "use 0 or 1" },
	{ "event_idx=01", "event_idx='01'", "use 0 or 1" },
	{ "event_idx", "event_idx=''", "use 0 or 1" },
	{ "speed=", "speed=''", "1..400000" },
	{ "speed=1e3", "speed='1e3'", "1..400000" },
	{ "speed=10Mbps", "speed='10Mbps'", "1..400000" },
	{ "speed= 10", "speed=' 10'", "1..400000" },
	{ "speed=0x10", "speed='0x10'", "1..400000" },
	{ "speed=+10", "speed='+10'", "1..400000" },
	{ "speed", "speed=''", "1..400000" },
	{ "Speed=100", "unknown devarg 'Speed'", "valid: force_legacy" },
	{ "iommu=1", "unknown devarg 'iommu'", "valid: force_legacy" },
	{ "event_idx=1,force_legacy=x", "force_legacy='x'", "use 0 or 1" },
	{ "packed=2", "packed='2'", "use 0 or 1" },
	{ "in_order=yes", "in_order='yes'", "use 0 or 1" },
	{ "indirect=", "indirect=''", "use 0 or 1" },
	{ "Packed=1", "unknown devarg 'Packed'", "packed=<0|1>" },
	{ "legacy_io=", "legacy_io=''", "use auto" },
	{ "legacy_io", "legacy_io=''", "use auto" },
	{ "legacy_io=pio", "legacy_io='pio'", "port (in/out only)" },
	{ "legacy_io=Auto", "legacy_io='Auto'", "vfio (pread/pwrite only)" },
	{ "legacy_io=any", "legacy_io='any'", "use auto" },
	{ "legacy_io=1", "legacy_io='1'", "use auto" },
};

/* Every valid legacy_io value. */
static const struct {
	const char *args;
	enum vnet_legacy_io legacy_io;
} legacy_io_rows[] = {
	{ "legacy_io=auto", VNET_LEGACY_IO_AUTO },
	{ "legacy_io=port", VNET_LEGACY_IO_PORT },
	{ "legacy_io=vfio", VNET_LEGACY_IO_VFIO },
	{ "legacy_io=port,legacy_io=auto", VNET_LEGACY_IO_AUTO },
	{ "force_legacy=1,legacy_io=vfio", VNET_LEGACY_IO_VFIO },
};

static void
test_legacy_io(void)
{
	struct vnet_devargs da;
	char err[256] = "";
	size_t i;

	for (i = 0; i < sizeof(legacy_io_rows) / sizeof(legacy_io_rows[0]); i++) {
		da.legacy_io = VNET_LEGACY_IO_COUNT;
		TAP_OK(vnet_devargs_parse(legacy_io_rows[i].args, &da, err, sizeof(err)) == 0 &&
		       da.legacy_io == legacy_io_rows[i].legacy_io,
		       "'%s' -> legacy_io=%s", legacy_io_rows[i].args,
		       vnet_legacy_io_name(legacy_io_rows[i].legacy_io));
	}
}

static void
test_invalid_table(void)
{
	struct vnet_devargs da;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		err[0] = '\0';
		TAP_EQ(vnet_devargs_parse(invalid[i].args, &da, err, sizeof(err)), -EINVAL,
		       "'%s' is refused", invalid[i].args);
		TAP_CONTAINS(err, invalid[i].names, "'%s': message quotes it", invalid[i].args);
		TAP_CONTAINS(err, invalid[i].fix, "'%s': message says what to use", invalid[i].args);
	}
}

int
main(void)
{
	struct vnet_devargs da;
	char err[256];

	TAP_EQ(vnet_devargs_parse(NULL, &da, err, sizeof(err)), 0, "no devargs");
	TAP_OK(!da.force_legacy && da.event_idx && da.speed == 0 &&
	       da.legacy_io == VNET_LEGACY_IO_AUTO, "defaults");
	TAP_EQ(vnet_devargs_parse("", &da, err, sizeof(err)), 0, "empty devargs");
	TAP_EQ(vnet_devargs_parse("force_legacy=1,event_idx=0,speed=10000", &da, err, sizeof(err)), 0,
	       "all keys");
	TAP_OK(da.force_legacy && !da.event_idx && da.speed == 10000, "all values applied");
	TAP_EQ(vnet_devargs_parse(NULL, &da, err, sizeof(err)), 0, "ring devargs: none given");
	TAP_OK(da.packed && da.in_order && da.indirect && da.ring_explicit == 0,
	       "ring features default to 1 (use when offered), none given explicitly");
	TAP_EQ(vnet_devargs_parse("packed=0,indirect=1", &da, err, sizeof(err)), 0,
	       "packed=0,indirect=1");
	TAP_OK(!da.packed && da.in_order && da.indirect, "packed off, the others on");
	TAP_EQ(da.ring_explicit, 1u << 0 | 1u << 2, "packed and indirect marked as given");

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
	test_invalid_table();
	test_legacy_io();
	return tap_done();
}
