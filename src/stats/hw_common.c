/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <open3a/open3a.h>

#include "stats/hw_common.h"

void o3a_hw_stats_reset(struct o3a_stats *s, uint32_t cols, uint32_t rows,
			uint32_t bins, uint32_t bit_depth, uint32_t source)
{
	memset(s, 0, sizeof(*s));
	s->version = O3A_STATS_VERSION;
	s->cols = cols;
	s->rows = rows;
	s->hist_bins = bins;
	s->bit_depth = bit_depth;
	s->black_level = 0; /* the ISPs subtract it before their statistics */
	s->white_level = (uint32_t)((1ull << bit_depth) - 1);
	s->bayer_order = O3A_BAYER_RGGB;
	s->subsample = 1;
	s->source = source;
}

void o3a_hw_spread_focus(struct o3a_stats *s, const uint64_t *cells,
			 uint32_t fcols, uint32_t frows)
{
	uint32_t per_cell = (s->cols / fcols) * (s->rows / frows);
	uint32_t col, row;

	if (!per_cell)
		per_cell = 1;
	for (row = 0; row < s->rows; row++)
		for (col = 0; col < s->cols; col++)
			s->focus[row * s->cols + col] =
				cells[(row * frows / s->rows) * fcols +
				      col * fcols / s->cols] /
				per_cell;
}
