/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Row unpacking of raw formats to 16-bit samples (internal). */
#ifndef O3A_ISP_UNPACK_H
#define O3A_ISP_UNPACK_H

#include <stdbool.h>
#include <stdint.h>

#include <open3a/stats.h>

/** o3a_unpack_supported() - whether o3a_unpack_row() reads @f (Bayer and
 * monochrome, unpacked or CSI-2 packed; not YUV). */
bool o3a_unpack_supported(const struct o3a_format_info *f);

/**
 * o3a_unpack_row() - unpack @width samples of one line of @f at @row into
 * @out, at the format's bit depth. @width must be even (packed 10-bit
 * formats: a multiple of 4 bytes groups is read as far as needed).
 */
void o3a_unpack_row(const struct o3a_format_info *f, const uint8_t *row,
		    uint32_t width, uint16_t *out);

#endif
