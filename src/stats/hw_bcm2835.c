/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Raspberry Pi VC4 (bcm2835-isp) statistics.
 *
 * Layout: struct bcm2835_isp_stats of the Raspberry Pi kernel,
 * include/uapi/linux/bcm2835-isp.h (raspberrypi/linux, commit 7395b372598b):
 *   u32 version, u32 size;
 *   hist[2] { u32 r_hist[128], g_hist[128], b_hist[128] }      @8
 *   awb_stats[16 * 12] { u32 counted, notcounted; u64 r, g, b } @3080
 *   floating_stats[16], agc_stats[16] (same region struct)      @9224, @9736
 *   focus_stats[12] { u64 contrast_val[2][2];
 *                     u32 contrast_val_num[2][2] }              @10248
 * 10824 bytes in all. The sums are at the ISP's 13-bit pipeline width
 * (libcamera src/ipa/rpi/controller/controller.cpp: pipelineWidth = 13);
 * the green sum is of one (mean) green per 2x2 tile, as libcamera's vc4
 * IPA divides it by `counted` alone. The focus regions are 4 x 3.
 */
#include <errno.h>

#include <open3a/open3a.h>
#include <open3a/stats_hw.h>

#include "core/log.h"
#include "stats/hw_common.h"

#define VC4_HIST_BINS	128
#define VC4_AWB_COLS	16
#define VC4_AWB_ROWS	12
#define VC4_FOCUS_COLS	4
#define VC4_FOCUS_ROWS	3
#define VC4_BITS	13
#define VC4_OFF_HIST	8
#define VC4_OFF_AWB	3080
#define VC4_OFF_FOCUS	10248
#define VC4_REGION_SIZE 32
#define VC4_FOCUS_SIZE	48

int o3a_stats_from_bcm2835_isp(const void *buf, size_t size,
			       struct o3a_stats *stats, o3a_error *err)
{
	const uint8_t *p = buf;
	uint64_t focus[VC4_FOCUS_COLS * VC4_FOCUS_ROWS];
	uint32_t own_size, i;

	if (!p || !stats)
		return o3a_error_set(err, -EINVAL, "bcm2835-isp: no buffer");
	if (size < O3A_BCM2835_ISP_STATS_SIZE)
		return o3a_error_set(err, -EINVAL,
				     "bcm2835-isp: statistics buffer of %zu "
				     "bytes, expected %u",
				     size, O3A_BCM2835_ISP_STATS_SIZE);
	/* The firmware fills in the size of what it wrote (0 from older
	 * firmware); a size beyond the buffer means this is not one. */
	own_size = hw_u32(p, 4);
	if (own_size > size ||
	    (own_size != 0 && own_size < O3A_BCM2835_ISP_STATS_SIZE))
		return o3a_error_set(err, -EINVAL,
				     "bcm2835-isp: buffer says %u bytes "
				     "(version %u), have %zu",
				     own_size, hw_u32(p, 0), size);

	o3a_hw_stats_reset(stats, VC4_AWB_COLS, VC4_AWB_ROWS, VC4_HIST_BINS,
			   VC4_BITS, O3A_STATS_SOURCE_BCM2835_ISP);
	for (i = 0; i < VC4_HIST_BINS; i++) {
		/* hist[0]: r_hist, g_hist, b_hist */
		stats->hist_r[i] = hw_u32(p, VC4_OFF_HIST + 4 * i);
		stats->hist_g[i] = hw_u32(p, VC4_OFF_HIST + 512 + 4 * i);
		stats->hist_b[i] = hw_u32(p, VC4_OFF_HIST + 1024 + 4 * i);
		stats->hist_y[i] = stats->hist_g[i];
	}
	for (i = 0; i < VC4_AWB_COLS * VC4_AWB_ROWS; i++) {
		size_t off = VC4_OFF_AWB + (size_t)i * VC4_REGION_SIZE;

		stats->zones[i].count = hw_u32(p, off);
		stats->zones[i].r = hw_u64(p, off + 8);
		stats->zones[i].g = 2 * hw_u64(p, off + 16);
		stats->zones[i].b = hw_u64(p, off + 24);
	}
	for (i = 0; i < VC4_FOCUS_COLS * VC4_FOCUS_ROWS; i++)
		/* contrast_val[1][1]: above threshold, second filter, the
		 * figure libcamera's AF uses. */
		focus[i] = hw_u64(p, VC4_OFF_FOCUS +
					     (size_t)i * VC4_FOCUS_SIZE + 24);
	o3a_hw_spread_focus(stats, focus, VC4_FOCUS_COLS, VC4_FOCUS_ROWS);
	return 0;
}
