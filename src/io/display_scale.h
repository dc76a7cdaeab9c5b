/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The placement and scaling of o3a_display_show(), kept apart from libdrm
 * so that they can be tested without a display.
 */
#ifndef O3A_IO_DISPLAY_SCALE_H
#define O3A_IO_DISPLAY_SCALE_H

#include <stddef.h>
#include <stdint.h>

/** A rectangle in pixels of the destination. */
struct o3a_display_rect {
	uint32_t x;
	uint32_t y;
	uint32_t width;
	uint32_t height;
};

/**
 * o3a_display_fit() - the largest rectangle of the source's aspect ratio
 * (rounded to whole pixels, at least 1x1) that fits @dst_w x @dst_h,
 * centred (an odd leftover pixel goes to the right or bottom bar).
 * All sizes must be non-zero.
 */
void o3a_display_fit(uint32_t src_w, uint32_t src_h, uint32_t dst_w,
		     uint32_t dst_h, struct o3a_display_rect *rect);

/**
 * o3a_display_xmap() - the source column of each of the @rect->width
 * destination columns: nearest neighbour, sampling at pixel centres.
 */
void o3a_display_xmap(uint32_t src_w, const struct o3a_display_rect *rect,
		      uint32_t *xmap);

/**
 * o3a_display_blit() - draw a 32-bit source into a @dst_w x @dst_h 32-bit
 * destination: scaled into @rect by nearest neighbour (@xmap from
 * o3a_display_xmap()), the rest black (0).
 */
void o3a_display_blit(uint8_t *dst, size_t dst_stride, uint32_t dst_w,
		      uint32_t dst_h, const struct o3a_display_rect *rect,
		      const uint32_t *xmap, const uint8_t *src,
		      size_t src_stride, uint32_t src_w, uint32_t src_h);

#endif
