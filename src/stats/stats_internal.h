/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal interfaces of src/stats (not exported). */
#ifndef O3A_STATS_INTERNAL_H
#define O3A_STATS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <open3a/stats.h>

/* enum o3a_format_info.packing values. O3A_PACKING_YUV is every
 * processed (non-raw) format: YUV and, with an o3a_rgb_layout, RGB. */
enum {
	O3A_PACKING_UNPACKED = 0,
	O3A_PACKING_CSI2 = 1,
	O3A_PACKING_YUV = 2,
};

/** struct o3a_rgb_layout - a packed 8-bit RGB format: bytes per pixel and
 * the byte offsets of R, G and B in a pixel. */
struct o3a_rgb_layout {
	uint32_t fourcc;
	uint8_t bytes;
	uint8_t r, g, b;
};

/** o3a_rgb_layout_of() - the layout of an RGB format, or NULL when
 * @fourcc is not one (formats.c). */
const struct o3a_rgb_layout *o3a_rgb_layout_of(uint32_t fourcc);

/** o3a_stats_bins_valid() - a power of two in 16..1024. */
bool o3a_stats_bins_valid(uint32_t bins);

/**
 * o3a_stats_bin() - the histogram bin of value @v (after black level) for
 * @bins bins over [0, @range] (range = white - black), as stats.h defines:
 * min(v * bins / (range + 1), bins - 1).
 */
uint32_t o3a_stats_bin(uint32_t v, uint32_t bins, uint32_t range);

/** o3a_format_frame_size() - bytes a frame of @height lines at @stride
 * needs (NV12: luma plus the half-height chroma plane). 0 if unknown. */
uint64_t o3a_format_frame_size(uint32_t fourcc, uint32_t stride,
			       uint32_t height);

#endif
