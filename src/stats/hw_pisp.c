/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Raspberry Pi 5 PiSP front-end statistics.
 *
 * Layout: pisp_statistics of libpisp, src/libpisp/frontend/
 * pisp_statistics.h (raspberrypi/libpisp, commit 640029925a6f):
 *   awb  { zones[32 * 32] { u32 R_sum, G_sum, B_sum, counted };
 *          floating[4] }                                        @0
 *   agc  { u32 row_sums[512]; u32 histogram[1024];
 *          floating[4] { u64 Y_sum; u32 counted, pad } }        @16448
 *   cdaf { u64 foms[8 * 8]; u64 floating[4] }                   @22656
 * 23200 bytes, no version field. Sums are 16-bit (libcamera's PiSP IPA
 * uses them unscaled); G_sum is of one green per 2x2 tile.
 */
#include <errno.h>

#include <open3a/open3a.h>
#include <open3a/stats_hw.h>

#include "core/log.h"
#include "stats/hw_common.h"

#define PISP_AWB_SIZE  32
#define PISP_HIST_BINS 1024
#define PISP_CDAF_SIZE 8
#define PISP_OFF_AGC   16448
#define PISP_OFF_HIST  (PISP_OFF_AGC + 2048)
#define PISP_OFF_CDAF  22656

int o3a_stats_from_pisp(const void *buf, size_t size, struct o3a_stats *stats,
			o3a_error *err)
{
	const uint8_t *p = buf;
	uint64_t foms[PISP_CDAF_SIZE * PISP_CDAF_SIZE];
	uint32_t i;

	if (!p || !stats)
		return o3a_error_set(err, -EINVAL, "pisp: no buffer");
	if (size < O3A_PISP_STATS_SIZE)
		return o3a_error_set(err, -EINVAL,
				     "pisp: statistics buffer of %zu bytes, "
				     "expected %u",
				     size, O3A_PISP_STATS_SIZE);

	o3a_hw_stats_reset(stats, PISP_AWB_SIZE, PISP_AWB_SIZE, PISP_HIST_BINS,
			   16, O3A_STATS_SOURCE_PISP);
	for (i = 0; i < PISP_AWB_SIZE * PISP_AWB_SIZE; i++) {
		size_t off = (size_t)i * 16;

		stats->zones[i].r = hw_u32(p, off);
		stats->zones[i].g = 2 * (uint64_t)hw_u32(p, off + 4);
		stats->zones[i].b = hw_u32(p, off + 8);
		stats->zones[i].count = hw_u32(p, off + 12);
	}
	for (i = 0; i < PISP_HIST_BINS; i++)
		stats->hist_y[i] = hw_u32(p, PISP_OFF_HIST + 4 * (size_t)i);
	for (i = 0; i < PISP_CDAF_SIZE * PISP_CDAF_SIZE; i++)
		foms[i] = hw_u64(p, PISP_OFF_CDAF + 8 * (size_t)i);
	o3a_hw_spread_focus(stats, foms, PISP_CDAF_SIZE, PISP_CDAF_SIZE);
	return 0;
}
