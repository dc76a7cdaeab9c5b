/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the hardware statistics adapters (stats_hw.h). Byte 0
 * chooses the adapter (0 bcm2835-isp, 1 PiSP, 2 rkisp1); for rkisp1 byte 1
 * gives the hardware revision and the AWB Y/Cb/Cr flag. The rest is the
 * buffer, passed with its real size.
 */
#include <stdlib.h>

#include <open3a/stats_hw.h>

#include "fuzz.h"

static struct o3a_stats *stats;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint32_t which, rk;
	int ret = -1;

	if (!stats && !(stats = malloc(sizeof(*stats))))
		return 0;
	which = fuzz_take(&in, 1) % 3;
	rk = which == 2 ? fuzz_take(&in, 1) : 0;
	switch (which) {
	case 0:
		ret = o3a_stats_from_bcm2835_isp(in.data, in.size, stats, NULL);
		break;
	case 1:
		ret = o3a_stats_from_pisp(in.data, in.size, stats, NULL);
		break;
	default:
		ret = o3a_stats_from_rkisp1(in.data, in.size, 8 + (rk & 7),
					    rk & 0x80, stats, NULL);
		break;
	}
	/* What an adapter returns must be valid statistics. */
	if (!ret && o3a_stats_validate(stats, NULL))
		abort();
	return 0;
}
