/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of the statistics model (include/open3a/stats.h): building
 * statistics by hand, reading them back, checking their invariants.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <open3a/open3a.h>
#include <open3a/stats.h>

#include "core/log.h"
#include "stats/stats_internal.h"

bool o3a_stats_bins_valid(uint32_t bins)
{
	return bins >= O3A_STATS_MIN_BINS && bins <= O3A_STATS_MAX_BINS &&
	       (bins & (bins - 1)) == 0;
}

uint32_t o3a_stats_bin(uint32_t v, uint32_t bins, uint32_t range)
{
	uint64_t bin = (uint64_t)v * bins / ((uint64_t)range + 1);

	return bin < bins ? (uint32_t)bin : bins - 1;
}

int o3a_stats_init(struct o3a_stats *stats, uint32_t cols, uint32_t rows,
		   uint32_t hist_bins, uint32_t bit_depth)
{
	if (!stats || cols < 1 || cols > O3A_STATS_MAX_COLS || rows < 1 ||
	    rows > O3A_STATS_MAX_ROWS || bit_depth < 8 || bit_depth > 16 ||
	    (hist_bins != 0 && !o3a_stats_bins_valid(hist_bins)))
		return -EINVAL;

	memset(stats, 0, sizeof(*stats));
	stats->version = O3A_STATS_VERSION;
	stats->cols = cols;
	stats->rows = rows;
	stats->hist_bins = hist_bins;
	stats->bit_depth = bit_depth;
	stats->black_level = 0;
	stats->white_level = (1u << bit_depth) - 1;
	stats->bayer_order = O3A_BAYER_RGGB;
	stats->subsample = 1;
	stats->source = O3A_STATS_SOURCE_MANUAL;
	return 0;
}

static uint32_t stats_range(const struct o3a_stats *stats)
{
	return stats->white_level > stats->black_level
		       ? stats->white_level - stats->black_level
		       : 1;
}

static double clamp01(double v)
{
	if (!(v > 0.0))
		return 0.0;
	return v > 1.0 ? 1.0 : v;
}

/*
 * Values above 1 are clipped to 1 and make every quad of the zone count as
 * saturated (a mean above the white level can only come from clipping);
 * otherwise @saturated is taken as given, at most @count.
 */
int o3a_stats_set_zone(struct o3a_stats *stats, uint32_t col, uint32_t row,
		       uint32_t count, double r, double g, double b,
		       uint32_t saturated)
{
	struct o3a_zone *z;
	double range;

	if (!stats || col >= stats->cols || row >= stats->rows)
		return -EINVAL;

	range = stats_range(stats);
	z = &stats->zones[row * stats->cols + col];
	z->r = (uint64_t)llround(clamp01(r) * range * count);
	z->g = (uint64_t)llround(clamp01(g) * range * 2.0 * count);
	z->b = (uint64_t)llround(clamp01(b) * range * count);
	z->count = count;
	if (r > 1.0 || g > 1.0 || b > 1.0)
		saturated = count;
	z->saturated = saturated < count ? saturated : count;
	return 0;
}

void o3a_stats_fill_uniform(struct o3a_stats *stats, uint32_t count, double r,
			    double g, double b)
{
	uint32_t col, row;

	if (!stats)
		return;
	for (row = 0; row < stats->rows; row++)
		for (col = 0; col < stats->cols; col++)
			o3a_stats_set_zone(stats, col, row, count, r, g, b, 0);
	o3a_stats_rebuild_histograms(stats);
}

void o3a_stats_rebuild_histograms(struct o3a_stats *stats)
{
	uint32_t bins, range, n, i;

	if (!stats || !o3a_stats_bins_valid(stats->hist_bins))
		return;
	if (stats->cols > O3A_STATS_MAX_COLS ||
	    stats->rows > O3A_STATS_MAX_ROWS)
		return;

	bins = stats->hist_bins;
	range = stats_range(stats);
	memset(stats->hist_y, 0, sizeof(stats->hist_y));
	memset(stats->hist_r, 0, sizeof(stats->hist_r));
	memset(stats->hist_g, 0, sizeof(stats->hist_g));
	memset(stats->hist_b, 0, sizeof(stats->hist_b));

	n = stats->cols * stats->rows;
	for (i = 0; i < n; i++) {
		const struct o3a_zone *z = &stats->zones[i];
		uint64_t rv, gv2, bv;

		if (!z->count)
			continue;
		/* Every quad at the zone's mean (integer, as in the sums). */
		rv = z->r / z->count;
		gv2 = z->g / z->count; /* Gr + Gb */
		bv = z->b / z->count;
		stats->hist_r[o3a_stats_bin((uint32_t)rv, bins, range)] +=
			z->count;
		stats->hist_g[o3a_stats_bin((uint32_t)(gv2 / 2), bins,
					    range)] += z->count;
		stats->hist_b[o3a_stats_bin((uint32_t)bv, bins, range)] +=
			z->count;
		stats->hist_y[o3a_stats_bin((uint32_t)((rv + gv2 + bv) / 4),
					    bins, range)] += z->count;
	}
}

void o3a_stats_zone_mean(const struct o3a_stats *stats, uint32_t zone,
			 double *r, double *g, double *b)
{
	double vr = 0.0, vg = 0.0, vb = 0.0;

	if (stats && zone < O3A_STATS_MAX_ZONES &&
	    zone < stats->cols * stats->rows && stats->zones[zone].count) {
		const struct o3a_zone *z = &stats->zones[zone];
		double n = (double)z->count * stats_range(stats);

		vr = (double)z->r / n;
		vg = (double)z->g / (2.0 * n);
		vb = (double)z->b / n;
	}
	if (r)
		*r = vr;
	if (g)
		*g = vg;
	if (b)
		*b = vb;
}

int o3a_stats_validate(const struct o3a_stats *stats, struct o3a_error *err)
{
	uint32_t i, n;

	if (!stats)
		return o3a_error_set(err, -EINVAL, "stats: NULL statistics");
	if (stats->version != O3A_STATS_VERSION)
		return o3a_error_set(err, -EINVAL,
				     "stats: version %u, expected %u",
				     stats->version, O3A_STATS_VERSION);
	if (stats->cols < 1 || stats->cols > O3A_STATS_MAX_COLS ||
	    stats->rows < 1 || stats->rows > O3A_STATS_MAX_ROWS)
		return o3a_error_set(err, -EINVAL,
				     "stats: grid %ux%u outside 1x1..%ux%u",
				     stats->cols, stats->rows,
				     O3A_STATS_MAX_COLS, O3A_STATS_MAX_ROWS);
	if (stats->hist_bins != 0 && !o3a_stats_bins_valid(stats->hist_bins))
		return o3a_error_set(err, -EINVAL,
				     "stats: hist_bins %u is not 0 or a power "
				     "of two in %u..%u",
				     stats->hist_bins, O3A_STATS_MIN_BINS,
				     O3A_STATS_MAX_BINS);
	if (stats->bit_depth < 1 || stats->bit_depth > 32)
		return o3a_error_set(err, -EINVAL,
				     "stats: bit_depth %u outside 1..32",
				     stats->bit_depth);
	if (stats->black_level >= stats->white_level)
		return o3a_error_set(err, -EINVAL,
				     "stats: black level %u not below white "
				     "level %u",
				     stats->black_level, stats->white_level);
	if (stats->bayer_order > O3A_BAYER_MONO)
		return o3a_error_set(err, -EINVAL,
				     "stats: bayer_order %u unknown",
				     stats->bayer_order);
	if (stats->subsample < 1)
		return o3a_error_set(err, -EINVAL, "stats: subsample 0");
	n = stats->cols * stats->rows;
	for (i = 0; i < n; i++)
		if (stats->zones[i].saturated > stats->zones[i].count)
			return o3a_error_set(err, -EINVAL,
					     "stats: zone %u has %u saturated "
					     "of %u quads",
					     i, stats->zones[i].saturated,
					     stats->zones[i].count);
	return 0;
}

void o3a_stats_config_init(struct o3a_stats_config *config)
{
	if (!config)
		return;
	memset(config, 0, sizeof(*config));
	config->cols = 32;
	config->rows = 32;
	config->hist_bins = 1024;
	config->subsample = 1;
	config->threads = 1;
}
