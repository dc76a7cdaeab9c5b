/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rockchip ISP1 statistics.
 *
 * Layout: struct rkisp1_stat_buffer of linux/rkisp1-config.h (Linux uapi;
 * checked here against Debian's linux-libc-dev 6.1 when it is installed):
 *   u32 meas_type; u32 frame_id;                                @0
 *   awb  { awb_mean[1] { u32 cnt; u8 mean_y_or_g, mean_cb_or_b,
 *                        mean_cr_or_r; } }                      @8
 *   ae   { u8 exp_mean[81]; bls_val { u16 r, gr, gb, b } }      @16
 *   af   { window[3] { u32 sum; u32 lum; } }                    @108
 *   hist { u32 hist_bins[32]; }                                 @132
 * 260 bytes. V10/V11 use 5x5 AE blocks and 16 histogram bins, V12/V13
 * 9x9 and 32 (the header's comments). Histogram bins are 20-bit fixed
 * point (5 fractional bits), kept as they are.
 */
#include <errno.h>
#include <stddef.h>

#include <open3a/open3a.h>
#include <open3a/stats_hw.h>

#include "core/log.h"
#include "stats/hw_common.h"

#define RK_OFF_MEAS   0
#define RK_OFF_AWB    8
#define RK_OFF_AE     16
#define RK_OFF_AF     108
#define RK_OFF_HIST   132
#define RK_AF_WINDOWS 3

#define RK_STAT_AWB  (1u << 0)
#define RK_STAT_AE   (1u << 1)
#define RK_STAT_AFM  (1u << 2)
#define RK_STAT_HIST (1u << 3)

/* Each zone counts as this many quads, so that r = Y * ratio keeps 8
 * fractional bits of the AWB ratios. */
#define RK_NOMINAL_COUNT 256

#if defined(__has_include)
#if __has_include(<linux/rkisp1-config.h>)
#include <linux/rkisp1-config.h>
_Static_assert(sizeof(struct rkisp1_stat_buffer) == O3A_RKISP1_STATS_SIZE,
	       "rkisp1_stat_buffer size");
_Static_assert(offsetof(struct rkisp1_stat_buffer, params.awb) == RK_OFF_AWB,
	       "rkisp1 awb offset");
_Static_assert(offsetof(struct rkisp1_stat_buffer, params.ae) == RK_OFF_AE,
	       "rkisp1 ae offset");
_Static_assert(offsetof(struct rkisp1_stat_buffer, params.af) == RK_OFF_AF,
	       "rkisp1 af offset");
_Static_assert(offsetof(struct rkisp1_stat_buffer, params.hist) == RK_OFF_HIST,
	       "rkisp1 hist offset");
#endif
#endif

/* R/G and B/G of the AWB window, from R/G/B or Y/Cb/Cr means (BT.601
 * limited range for the latter). 1.0 when unusable. */
static void awb_ratios(const uint8_t *p, bool ycbcr, double *rg, double *bg)
{
	double a = p[RK_OFF_AWB + 4], b = p[RK_OFF_AWB + 5],
	       c = p[RK_OFF_AWB + 6];
	double r, g, bl;

	if (ycbcr) {
		double y = 1.164 * (a - 16.0);

		r = y + 1.596 * (c - 128.0);
		g = y - 0.392 * (b - 128.0) - 0.813 * (c - 128.0);
		bl = y + 2.017 * (b - 128.0);
	} else {
		g = a;
		bl = b;
		r = c;
	}
	*rg = *bg = 1.0;
	if (g > 0.0 && r >= 0.0 && bl >= 0.0) {
		*rg = r / g;
		*bg = bl / g;
	}
}

int o3a_stats_from_rkisp1(const void *buf, size_t size, unsigned hw_revision,
			  bool awb_ycbcr, struct o3a_stats *stats,
			  o3a_error *err)
{
	const uint8_t *p = buf;
	uint32_t meas, grid, bins, i;
	double rg = 1.0, bg = 1.0;
	uint64_t focus = 0;

	if (!p || !stats)
		return o3a_error_set(err, -EINVAL, "rkisp1: no buffer");
	if (size < O3A_RKISP1_STATS_SIZE)
		return o3a_error_set(err, -EINVAL,
				     "rkisp1: statistics buffer of %zu bytes, "
				     "expected %u",
				     size, O3A_RKISP1_STATS_SIZE);
	if (hw_revision < 10 || hw_revision > 13)
		return o3a_error_set(err, -EINVAL,
				     "rkisp1: hardware revision %u unknown "
				     "(10..13)",
				     hw_revision);
	meas = hw_u32(p, RK_OFF_MEAS);
	if (meas & ~0xfu)
		return o3a_error_set(err, -EINVAL,
				     "rkisp1: meas_type 0x%x has unknown bits",
				     meas);
	if (!(meas & (RK_STAT_AWB | RK_STAT_AE | RK_STAT_HIST)))
		return o3a_error_set(err, -ENODATA,
				     "rkisp1: buffer holds no AE, AWB or "
				     "histogram measurement");

	grid = hw_revision >= 12 ? 9 : 5;
	bins = hw_revision >= 12 ? 32 : 16;
	o3a_hw_stats_reset(stats, grid, grid, (meas & RK_STAT_HIST) ? bins : 0,
			   8, O3A_STATS_SOURCE_RKISP1);
	if ((meas & RK_STAT_AWB) && hw_u32(p, RK_OFF_AWB))
		awb_ratios(p, awb_ycbcr, &rg, &bg);
	if (meas & RK_STAT_AFM)
		for (i = 0; i < RK_AF_WINDOWS; i++)
			focus += hw_u32(p, RK_OFF_AF + 8 * (size_t)i);

	for (i = 0; i < grid * grid; i++) {
		/* Without AE, zones carry the AWB window's means. */
		double y = (meas & RK_STAT_AE) ? p[RK_OFF_AE + i]
					       : p[RK_OFF_AWB + 4];
		struct o3a_zone *z = &stats->zones[i];
		double yn = y * RK_NOMINAL_COUNT;
		double rv = yn * rg, bv = yn * bg;

		z->count = RK_NOMINAL_COUNT;
		z->r = (uint64_t)(rv > 255.0 * RK_NOMINAL_COUNT
					  ? 255.0 * RK_NOMINAL_COUNT + 0.5
					  : rv + 0.5);
		z->g = (uint64_t)(2.0 * yn + 0.5);
		z->b = (uint64_t)(bv > 255.0 * RK_NOMINAL_COUNT
					  ? 255.0 * RK_NOMINAL_COUNT + 0.5
					  : bv + 0.5);
		stats->focus[i] = focus;
	}
	if (meas & RK_STAT_HIST)
		for (i = 0; i < bins; i++)
			stats->hist_y[i] =
				hw_u32(p, RK_OFF_HIST + 4 * (size_t)i);
	return 0;
}
