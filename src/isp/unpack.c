/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unpacking one raw line to 16-bit samples. Layouts from the V4L2
 * documentation (Documentation/userspace-api/media/v4l/pixfmt-srggb10p.rst
 * and pixfmt-srggb12p.rst): CSI-2 packed 10-bit stores four samples' high
 * 8 bits in four bytes, then a fifth byte with their low 2 bits (sample 0
 * in bits 1..0); packed 12-bit stores two samples' high 8 bits, then a
 * byte with their low 4 bits (sample 0 in bits 3..0). Unpacked formats of
 * more than 8 bits are 16-bit little-endian words.
 */
#include <string.h>

#include "isp/unpack.h"

bool o3a_unpack_supported(const struct o3a_format_info *f)
{
	/* packing: 0 unpacked, 1 CSI-2 packed, 2 YUV (stats.h). */
	if (!f || f->packing == 2)
		return false;
	if (f->packing == 1)
		return f->bit_depth == 10 || f->bit_depth == 12;
	return f->bit_depth >= 8 && f->bit_depth <= 16;
}

static void unpack_csi2_10(const uint8_t *row, uint32_t width, uint16_t *out)
{
	uint32_t x = 0;

	for (; x + 4 <= width; x += 4, row += 5) {
		uint8_t lo = row[4];

		out[x] = (uint16_t)(row[0] << 2 | (lo & 3));
		out[x + 1] = (uint16_t)(row[1] << 2 | ((lo >> 2) & 3));
		out[x + 2] = (uint16_t)(row[2] << 2 | ((lo >> 4) & 3));
		out[x + 3] = (uint16_t)(row[3] << 2 | (lo >> 6));
	}
	for (uint32_t i = 0; x < width; x++, i++)
		out[x] = (uint16_t)(row[i] << 2 | ((row[4] >> (2 * i)) & 3));
}

static void unpack_csi2_12(const uint8_t *row, uint32_t width, uint16_t *out)
{
	for (uint32_t x = 0; x + 2 <= width; x += 2, row += 3) {
		out[x] = (uint16_t)(row[0] << 4 | (row[2] & 0xf));
		out[x + 1] = (uint16_t)(row[1] << 4 | (row[2] >> 4));
	}
}

void o3a_unpack_row(const struct o3a_format_info *f, const uint8_t *row,
		    uint32_t width, uint16_t *out)
{
	if (f->packing == 1) {
		if (f->bit_depth == 10)
			unpack_csi2_10(row, width, out);
		else
			unpack_csi2_12(row, width, out);
		return;
	}
	if (f->bit_depth == 8) {
		for (uint32_t x = 0; x < width; x++)
			out[x] = row[x];
		return;
	}
	for (uint32_t x = 0; x < width; x++)
		out[x] = (uint16_t)(row[2 * x] | row[2 * x + 1] << 8);
}
