/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared bits of the hardware statistics adapters (hw_*.c). */
#ifndef O3A_STATS_HW_COMMON_H
#define O3A_STATS_HW_COMMON_H

#include <stdint.h>
#include <string.h>

#include <open3a/stats.h>

/* Little-endian fields at byte offsets (the ISPs and the hosts that run
 * them are little-endian; memcpy keeps unaligned buffers legal). */
static inline uint32_t hw_u32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint64_t hw_u64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

/**
 * o3a_hw_stats_reset() - empty statistics of a @cols x @rows grid at
 * @bit_depth with @bins histogram bins, from @source.
 */
void o3a_hw_stats_reset(struct o3a_stats *s, uint32_t cols, uint32_t rows,
			uint32_t bins, uint32_t bit_depth, uint32_t source);

/**
 * o3a_hw_spread_focus() - give each zone of the grid the figure of the
 * focus cell (of an @fcols x @frows grid) that covers it, divided by the
 * number of zones per cell so that sums over an area keep their value.
 */
void o3a_hw_spread_focus(struct o3a_stats *s, const uint64_t *cells,
			 uint32_t fcols, uint32_t frows);

#endif
